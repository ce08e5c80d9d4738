// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The NumPy baseline of the layout benchmark: a short Python script run by /usr/bin/python3
// in a child process, whose "result k=v ..." lines become rows.
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "layout.h"

#define PYTHON "/usr/bin/python3"

// argv: records, repetitions. Exit status 3: NumPy cannot be imported.
static const char kScript[] =
    "import sys, time\n"
    "try:\n"
    "    import numpy as np\n"
    "except ImportError:\n"
    "    sys.exit(3)\n"
    "n, reps = int(sys.argv[1]), int(sys.argv[2])\n"
    "dt = np.dtype([('x', '<f4'), ('y', '<f4'), ('z', '<f4'), ('id', '<i4'), ('t', '<f8')])\n"
    "assert dt.itemsize == 24\n"
    "a = np.empty(n, dtype=dt)\n"
    "a.view(np.uint64)[:] = np.arange(3 * n, dtype=np.uint64)\n"
    "cols = {f: np.empty(n, dtype=dt[f]) for f in dt.names}\n"
    "for c in cols.values():\n"
    "    c.fill(0)\n"
    "out = np.zeros(n, dtype=dt)\n"
    "src_bytes = a.view(np.uint8)\n"
    "dst_bytes = np.zeros(src_bytes.shape, dtype=np.uint8)\n"
    "def memcpy():\n"
    "    np.copyto(dst_bytes, src_bytes)\n"
    "def asc():\n"
    "    return [np.ascontiguousarray(a[f]) for f in dt.names]\n"
    "def copyto():\n"
    "    for f in dt.names:\n"
    "        np.copyto(cols[f], a[f])\n"
    "def back():\n"
    "    for f in dt.names:\n"
    "        np.copyto(out[f], cols[f])\n"
    "fns = [memcpy, asc, copyto, back]\n"
    "ts = [[] for _ in fns]\n"
    "for f in fns:\n"
    "    f()\n"
    "for _ in range(reps):\n"
    "    for k, f in enumerate(fns):\n"
    "        t0 = time.perf_counter()\n"
    "        f()\n"
    "        ts[k].append(time.perf_counter() - t0)\n"
    "med = [sorted(t)[len(t) // 2] for t in ts]\n"
    "r = [('aos_to_soa', 'numpy_ascontiguousarray', med[1]),\n"
    "     ('aos_to_soa', 'numpy_copyto', med[2]),\n"
    "     ('soa_to_aos', 'numpy_copyto', med[3])]\n"
    "assert (out == a).all()\n"
    "for case, impl, t in r:\n"
    "    print('result case=%s impl=%s median_s=%.9g memcpy_s=%.9g numpy=%s'\n"
    "          % (case, impl, t, med[0], np.__version__))\n";

int zcxb_layout_numpy(const zcxb_options_t* options, int64_t n, int reps,
                      zcxb_report_t* report, zcx_error_t* err) {
  (void)options;
  if (access(PYTHON, X_OK) != 0) {
    return zcxb_report_note(report, err, "skipped numpy: %s not found", PYTHON);
  }
  char records[32];
  char repetitions[32];
  snprintf(records, sizeof(records), "%lld", (long long)n);
  snprintf(repetitions, sizeof(repetitions), "%d", reps);
  char* argv[] = {PYTHON, "-c", (char*)kScript, records, repetitions, NULL};
  char out[4096];
  int status = 0;
  ZCX_RETURN_IF_ERROR(zcxb_spawn(argv, NULL, out, sizeof(out), &status, err));
  if (status == 3) {
    return zcxb_report_note(report, err, "skipped numpy: %s cannot import numpy", PYTHON);
  }
  if (status != 0) {
    return zcxb_report_note(report, err, "skipped numpy: the script exited with status %d",
                            status);
  }
  for (char* line = strtok(out, "\n"); line != NULL; line = strtok(NULL, "\n")) {
    if (strncmp(line, "result ", 7) != 0) {
      continue;
    }
    zcxb_row_t* row = NULL;
    ZCX_RETURN_IF_ERROR(zcxb_report_add_row(report, &row, err));
    zcxb_row_set_string(row, "bench", "layout");
    zcxb_row_parse_pairs(row, line + 7);
    zcxb_row_set_int(row, "threads", 1);
    zcxb_row_set_int(row, "records", n);
  }
  return 0;
}
