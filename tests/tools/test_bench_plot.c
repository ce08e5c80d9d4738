// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Tests of `zcx bench --plot DIR` and of the chart script bench/plot.py: the charts of a real
// run are written as PNG and SVG, every suite's chart is drawn from hand-written rows, suites
// without rows are skipped, and bad input (no DIR, a DIR that is a file, unreadable or empty
// JSON, no matplotlib, no script, no Python) fails with a message. Skipped (77) when the
// Python zcx was built for has no matplotlib.
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

// cmocka.h needs the headers above.
#include <cmocka.h>

#include "tools_support.h"

static char g_dir[512];     // this test's scratch folder (removed at the end)
static char g_script[512];  // bench/plot.py of the source tree

static const char* scratch(const char* name) {
  static char paths[8][600];
  static int next;
  char* p = paths[next++ % 8];
  snprintf(p, sizeof(paths[0]), "%s/%s", g_dir, name);
  return p;
}

static void write_text(const char* path, const char* text) {
  FILE* f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

static long file_size(const char* path) {
  struct stat st;
  return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

// Whether the file starts with `needle` (at_start) or holds it in its first MiB.
static bool file_has(const char* path, const char* needle, bool at_start) {
  FILE* f = fopen(path, "rb");
  if (f == NULL) {
    return false;
  }
  size_t cap = (size_t)1 << 20;
  char* buf = malloc(cap + 1);
  if (buf == NULL) {
    fclose(f);
    return false;
  }
  size_t n = fread(buf, 1, cap, f);
  fclose(f);
  buf[n] = '\0';
  bool found = at_start ? n >= strlen(needle) && memcmp(buf, needle, strlen(needle)) == 0
                        : strstr(buf, needle) != NULL;
  free(buf);
  return found;
}

static void assert_chart(const char* dir, const char* suite) {
  char png[700], svg[700];
  snprintf(png, sizeof(png), "%s/%s.png", dir, suite);
  snprintf(svg, sizeof(svg), "%s/%s.svg", dir, suite);
  if (file_size(png) < 1000 || file_size(svg) < 1000) {
    fail_msg("chart %s: %s is %ld bytes, %s is %ld bytes", suite, png, file_size(png), svg,
             file_size(svg));
  }
  assert_true(file_has(png, "\x89PNG\r\n", true));
  assert_true(file_has(svg, "<svg", false));
}

// ---------------------------------------------------------------------------------------------
// Through the zcx command

static void test_bench_alloc_plot_writes_png_and_svg(void** state) {
  (void)state;
#if !defined(ZCX_HAVE_BENCH)
  skip();
#endif
  const char* json = scratch("rows.json");
  const char* dir = scratch("charts/alloc");  // the parent is missing too: created
  tt_run_t r = tt_run(ZCX("bench", "alloc", "--quick", "--json", json, "--plot", dir));
  if (r.status != 0) {
    fail_msg("zcx bench alloc --quick --plot exited %d: %s", r.status, r.err);
  }
  assert_non_null(strstr(r.out, "alloc.png"));
  tt_run_free(&r);
  assert_chart(dir, "alloc");
  // Only the suite that ran has a chart; the JSON says when it ran.
  assert_int_equal(file_size(scratch("charts/alloc/layout.png")), -1);
  assert_true(file_has(json, "\"date\"", false));
}

static void test_bench_plot_without_json_keeps_the_rows(void** state) {
  (void)state;
#if !defined(ZCX_HAVE_BENCH)
  skip();
#endif
  // A stand-in chart script (ZCX_PLOT_SCRIPT) that records what it was given.
  const char* fake = scratch("fake_plot.py");
  write_text(fake,
             "import json, os, sys\n"
             "if sys.argv[1:] == ['--check']:\n"
             "    sys.exit(0)\n"
             "rows, out = sys.argv[1], sys.argv[2]\n"
             "assert json.load(open(rows))['results'], rows\n"
             "open(os.path.join(out, 'called.txt'), 'w').write(rows)\n");
  setenv("ZCX_PLOT_SCRIPT", fake, 1);
  const char* dir = scratch("charts2");
  tt_run_t r = tt_run(ZCX("bench", "alloc", "--quick", "--json", "-", "--plot", dir));
  unsetenv("ZCX_PLOT_SCRIPT");
  if (r.status != 0) {
    fail_msg("exited %d: %s", r.status, r.err);
  }
  assert_non_null(strstr(r.out, "\"results\""));  // --json - still goes to stdout
  tt_run_free(&r);
  // The rows went to DIR/results.json, and the script was given that file.
  assert_true(file_has(scratch("charts2/results.json"), "\"results\"", false));
  assert_true(file_has(scratch("charts2/called.txt"), scratch("charts2/results.json"), true));
}

static void test_bench_plot_bad_command_lines(void** state) {
  (void)state;
#if !defined(ZCX_HAVE_BENCH)
  skip();
#endif
  tt_run_t r = tt_run(ZCX("bench", "alloc", "--quick", "--plot"));
  assert_int_equal(r.status, 2);
  assert_non_null(strstr(r.err, "--plot needs a DIR"));
  tt_run_free(&r);

  // A DIR that is a file.
  const char* file = scratch("not-a-folder");
  write_text(file, "x");
  r = tt_run(ZCX("bench", "alloc", "--quick", "--plot", file));
  assert_int_equal(r.status, 1);
  assert_non_null(strstr(r.err, "not a folder"));
  tt_run_free(&r);

  r = tt_run(ZCX("bench", "--help"));
  assert_int_equal(r.status, 0);
  assert_non_null(strstr(r.out, "--plot DIR"));
  tt_run_free(&r);
}

static void test_bench_plot_without_matplotlib_script_or_python(void** state) {
  (void)state;
#if !defined(ZCX_HAVE_BENCH)
  skip();
#endif
  // A matplotlib that cannot be imported, first on the path.
  char fake[700];
  snprintf(fake, sizeof(fake), "%s/fake/matplotlib", g_dir);
  assert_int_equal(mkdir(scratch("fake"), 0755), 0);
  assert_int_equal(mkdir(fake, 0755), 0);
  write_text(scratch("fake/matplotlib/__init__.py"), "raise ImportError('not here')\n");
  setenv("PYTHONPATH", scratch("fake"), 1);
  tt_run_t r = tt_run(ZCX("bench", "alloc", "--quick", "--plot", scratch("nompl")));
  unsetenv("PYTHONPATH");
  assert_int_equal(r.status, 1);
  assert_non_null(strstr(r.err, "matplotlib is not installed"));
  tt_run_free(&r);
  assert_int_equal(file_size(scratch("nompl/alloc.png")), -1);

  setenv("ZCX_PLOT_SCRIPT", scratch("no-such-plot.py"), 1);
  r = tt_run(ZCX("bench", "alloc", "--quick", "--plot", scratch("noscript")));
  unsetenv("ZCX_PLOT_SCRIPT");
  assert_int_equal(r.status, 1);
  assert_non_null(strstr(r.err, "plot.py was not found"));
  tt_run_free(&r);

  setenv("ZCX_PYTHON", scratch("no-such-python"), 1);
  r = tt_run(ZCX("bench", "alloc", "--quick", "--plot", scratch("nopython")));
  unsetenv("ZCX_PYTHON");
  assert_int_equal(r.status, 1);
  assert_non_null(strstr(r.err, "cannot run"));
  tt_run_free(&r);
}

// ---------------------------------------------------------------------------------------------
// The chart script on hand-written rows

// Rows in the shapes the suites write (alloc has a real run above).
static const char kRows[] =
    "{\"machine\": {\"cpu_model\": \"Test CPU\", \"cpus\": 2, \"memory_bytes\": 8589934592,"
    " \"kernel\": \"Linux\", \"date\": \"2026-01-02 03:04\"}, \"quick\": true, \"results\": [\n"
    " {\"bench\": \"layout\", \"case\": \"aos_to_soa\", \"impl\": \"zcx\", \"threads\": 1,"
    "  \"records\": 1000, \"median_s\": 0.1, \"gbps\": 9.5, \"ratio_vs_memcpy\": 0.8},\n"
    " {\"bench\": \"layout\", \"case\": \"aos_to_soa\", \"impl\": \"memcpy\", \"threads\": 1,"
    "  \"records\": 1000, \"median_s\": 0.08, \"gbps\": 11.9},\n"
    " {\"bench\": \"layout\", \"case\": \"cdata_export_import\", \"impl\": \"zcx\","
    "  \"records\": 1000, \"median_s\": 2e-6, \"gbps\": null},\n"
    " {\"bench\": \"exchange\", \"case\": \"zcx->numpy\", \"impl\": \"zcx\","
    "  \"size_bytes\": 1024, \"handover_us\": 1.1, \"copy_us\": 0.4, \"ratio\": 0.4},\n"
    " {\"bench\": \"exchange\", \"case\": \"zcx->numpy\", \"impl\": \"zcx\","
    "  \"size_bytes\": 1048576, \"handover_us\": 1.2, \"copy_us\": 80.0, \"ratio\": 66},\n"
    " {\"bench\": \"exchange\", \"case\": \"numpy->numpy\", \"impl\": \"reference\","
    "  \"size_bytes\": 1024, \"handover_us\": 0.9, \"copy_us\": 0.4, \"zero_copy\": \"yes\"},\n"
    " {\"bench\": \"exchange\", \"case\": \"a*b+c 64MiB\", \"impl\": \"zcx_pool\","
    "  \"size_bytes\": 67108864, \"median_s\": 0.05, \"page_faults\": 3},\n"
    " {\"bench\": \"exchange\", \"case\": \"a*b+c 64MiB\", \"impl\": \"numpy_default\","
    "  \"size_bytes\": 67108864, \"median_s\": 0.09, \"page_faults\": 16000},\n"
    " {\"bench\": \"ipc\", \"case\": \"memcpy\", \"bytes\": 67108864, \"median_s\": 0.03,"
    "  \"gbps\": 2.0, \"baseline\": null, \"ratio\": null},\n"
    " {\"bench\": \"ipc\", \"case\": \"open_trusted_big\", \"bytes\": 67108864,"
    "  \"median_s\": 3e-5, \"gbps\": 2000, \"baseline\": \"open_trusted_small\", \"ratio\": 1.5},\n"
    " {\"bench\": \"ipc\", \"case\": \"write_file_zstd\", \"bytes\": 67108864,"
    "  \"median_s\": 0.4, \"gbps\": 0.17, \"baseline\": \"memcpy\", \"ratio\": 0.09},\n"
    " {\"bench\": \"cdata\", \"case\": \"int64\", \"rows\": 1000, \"columns\": 100,"
    "  \"ns_per_column\": 150.0},\n"
    " {\"bench\": \"broken\", \"case\": \"x\", \"impl\": \"zcx\", \"error\": \"failed\"}\n"
    "], \"notes\": [\"layout: target aos_to_soa: >= 0.8x memcpy (met)\"]}\n";

static tt_run_t plot(const char* json, const char* dir) {
  return tt_run((const char* const[]){ZCX_PYTHON, g_script, json, dir, NULL});
}

static void test_plot_script_draws_every_suite(void** state) {
  (void)state;
  const char* json = scratch("hand.json");
  write_text(json, kRows);
  const char* dir = scratch("hand");
  tt_run_t r = plot(json, dir);
  if (r.status != 0) {
    fail_msg("plot.py exited %d: %s", r.status, r.err);
  }
  tt_run_free(&r);
  assert_chart(dir, "layout");
  assert_chart(dir, "exchange");
  assert_chart(dir, "ipc");
  assert_chart(dir, "cdata");  // a suite without its own chart gets the generic one
  // No rows: no chart. Rows that all failed: no chart.
  assert_int_equal(file_size(scratch("hand/alloc.png")), -1);
  assert_int_equal(file_size(scratch("hand/broken.png")), -1);
  // The machine and the date of the run are on the chart.
  assert_true(file_has(scratch("hand/ipc.svg"), "Test CPU", false));
  assert_true(file_has(scratch("hand/ipc.svg"), "2026-01-02 03:04", false));
}

static void test_plot_script_rejects_bad_input(void** state) {
  (void)state;
  tt_run_t r = plot(scratch("missing.json"), scratch("out1"));
  assert_int_equal(r.status, 1);
  assert_non_null(strstr(r.err, "cannot read"));
  tt_run_free(&r);

  const char* bad = scratch("bad.json");
  write_text(bad, "{\"results\": [");
  r = plot(bad, scratch("out2"));
  assert_int_equal(r.status, 1);
  assert_non_null(strstr(r.err, "not valid JSON"));
  tt_run_free(&r);

  const char* wrong = scratch("wrong.json");
  write_text(wrong, "[1, 2, 3]");
  r = plot(wrong, scratch("out3"));
  assert_int_equal(r.status, 1);
  assert_non_null(strstr(r.err, "no 'results' list"));
  tt_run_free(&r);

  const char* empty = scratch("empty.json");
  write_text(empty, "{\"machine\": {}, \"results\": []}");
  r = plot(empty, scratch("out4"));
  assert_int_equal(r.status, 1);
  assert_non_null(strstr(r.err, "no results"));
  tt_run_free(&r);

  const char* failed = scratch("failed.json");
  write_text(failed, "{\"results\": [{\"bench\": \"alloc\", \"error\": \"x\"}]}");
  r = plot(failed, scratch("out5"));
  assert_int_equal(r.status, 1);
  assert_non_null(strstr(r.err, "no suite has results"));
  tt_run_free(&r);

  r = tt_run((const char* const[]){ZCX_PYTHON, g_script, NULL});
  assert_int_equal(r.status, 2);
  assert_non_null(strstr(r.err, "usage"));
  tt_run_free(&r);
}

// ---------------------------------------------------------------------------------------------

static int remove_entry(const char* path, const struct stat* st, int flag, struct FTW* ftw) {
  (void)st;
  (void)flag;
  (void)ftw;
  remove(path);
  return 0;
}

static int teardown(void** state) {
  (void)state;
  if (g_dir[0] != '\0') {
    nftw(g_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
  }
  tt_cleanup();
  return 0;
}

int main(void) {
  // Skipped where the Python zcx was built for has no matplotlib.
  tt_run_t r = tt_run((const char* const[]){ZCX_PYTHON, "-c", "import matplotlib", NULL});
  int have = r.status == 0;
  tt_run_free(&r);
  if (!have) {
    fprintf(stderr, "skipped: %s has no matplotlib\n", ZCX_PYTHON);
    tt_cleanup();
    return 77;
  }
  // bench/plot.py, found from this file's place in the source tree (tests/tools/).
  snprintf(g_script, sizeof(g_script), "%s", __FILE__);
  char* at = strstr(g_script, "/tests/tools/");
  if (at == NULL) {
    fprintf(stderr, "cannot find the source tree from %s\n", __FILE__);
    return 1;
  }
  snprintf(at, sizeof(g_script) - (size_t)(at - g_script), "/bench/plot.py");
  const char* base = getenv("TMPDIR");
  snprintf(g_dir, sizeof(g_dir), "%s/zcx-plot-XXXXXX", base != NULL ? base : "/tmp");
  if (mkdtemp(g_dir) == NULL) {
    fprintf(stderr, "mkdtemp %s failed\n", g_dir);
    return 1;
  }
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bench_alloc_plot_writes_png_and_svg),
      cmocka_unit_test(test_bench_plot_without_json_keeps_the_rows),
      cmocka_unit_test(test_bench_plot_bad_command_lines),
      cmocka_unit_test(test_bench_plot_without_matplotlib_script_or_python),
      cmocka_unit_test(test_plot_script_draws_every_suite),
      cmocka_unit_test(test_plot_script_rejects_bad_input),
  };
  return cmocka_run_group_tests(tests, NULL, teardown);
}
