// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// `zcx bench`: runs the benchmark suites of bench/, prints their tables and writes JSON.
#include <string.h>

#include "cli.h"
#include "commands.h"

#if defined(ZCX_HAVE_BENCH)

#include <limits.h>
#include <time.h>

#include "alloc/alloc.h"
#include "layout/layout.h"
#include "bench_claims.h"
#include "bench_plot.h"
#include "cdata/cdata.h"
#include "exchange/exchange.h"
#include "ipc/ipc.h"
#include "harness.h"
#include "json_writer.h"

// One line per suite. `worker` (may be NULL) runs one measurement in a child process:
// `zcx bench SUITE --worker ARG1 ARG2 [--quick]`. `columns` are the fields of the table.
typedef struct suite {
  const char* name;
  const char* summary;
  int (*run)(const zcxb_options_t* options, zcxb_report_t* report, zcx_error_t* err);
  int (*worker)(const char* arg1, const char* arg2, bool quick, FILE* out, zcx_error_t* err);
  const char* columns;
} suite_t;

static const suite_t kSuites[] = {
    {"alloc", "training loop, random sizes, 2 threads, cached blocks: zcx pool vs allocators",
     zcxb_alloc_run, zcxb_alloc_worker,
     "case impl median_s ratio_vs_zcx alloc_share page_faults peak_rss_bytes"},
    {"layout", "AoS <-> SoA of 24-byte records vs memcpy, a naive loop and NumPy; C Data exchange",
     zcxb_layout_run, NULL, "case impl threads records median_s gbps ratio_vs_memcpy ratio_vs_numpy"},
    {"cdata", "Arrow C Data export+import of a batch: ns per column at 1 K and 100 M rows",
     zcxb_cdata_run, NULL, "case rows columns ns_per_column ratio_vs_1k"},
    {"ipc", "Arrow IPC write/read of a 1 GiB table: file, memory, shm, pipe, compression",
     zcxb_ipc_run, NULL, "case bytes median_s gbps baseline ratio"},
    {"exchange", "DLPack hand-over zcx/NumPy/PyTorch vs copies; NumPy temporaries with a pool",
     zcxb_exchange_run, NULL,
     "case impl size_bytes handover_us copy_us ratio median_s page_faults zero_copy"},
};
#define SUITE_COUNT (sizeof(kSuites) / sizeof(kSuites[0]))

void zcxt_usage_bench(FILE* out) {
  fprintf(out,
          "usage: zcx bench SUITE|all [--quick] [--json FILE] [--plot DIR]\n"
          "\n"
          "Runs benchmarks side by side with the baselines this machine has and reports\n"
          "medians, ratios and the machine. Progress goes to stderr.\n"
          "\n"
          "suites:\n");
  for (size_t i = 0; i < SUITE_COUNT; i++) {
    fprintf(out, "  %-10s %s\n", kSuites[i].name, kSuites[i].summary);
  }
  fprintf(out,
          "  all        every suite\n"
          "\n"
          "options:\n"
          "  --quick      a short run with small sizes (for tests)\n"
          "  --json FILE  also write the results as JSON ('-' for stdout)\n"
          "  --plot DIR   also draw them as charts, DIR/SUITE.png and .svg (needs Python's\n"
          "               matplotlib; the JSON goes to DIR/results.json unless --json names\n"
          "               a file)\n"
          "  -h, --help   this text\n");
}

static const suite_t* find_suite(const char* name) {
  for (size_t i = 0; i < SUITE_COUNT; i++) {
    if (strcmp(kSuites[i].name, name) == 0) {
      return &kSuites[i];
    }
  }
  return NULL;
}

static void print_machine(FILE* out, const zcxb_machine_t* m) {
  char mem[32];
  fprintf(out, "machine: %s, %d CPUs, %s, %s, %s, THP %s\n", m->cpu_model, m->cpus,
          zcxt_format_bytes((double)m->memory_bytes, mem, sizeof(mem)), m->kernel, m->libc, m->thp);
}

static void print_field(FILE* out, const char* key, const zcxb_field_t* f) {
  char buf[64];
  if (f == NULL || f->type == ZCXB_FIELD_NULL) {
    fprintf(out, " %14s", "-");
  } else if (f->type == ZCXB_FIELD_STRING) {
    fprintf(out, " %-14s", f->s);
  } else if (strstr(key, "bytes") != NULL) {
    fprintf(out, " %14s", zcxt_format_bytes(f->d, buf, sizeof(buf)));
  } else if (strcmp(key, "median_s") == 0) {
    if (f->d < 1e-5) {
      snprintf(buf, sizeof(buf), "%.1f ns", f->d * 1e9);
    } else {
      snprintf(buf, sizeof(buf), "%.3f ms", f->d * 1e3);
    }
    fprintf(out, " %14s", buf);
  } else if (f->type == ZCXB_FIELD_INT) {
    fprintf(out, " %14lld", (long long)f->i);
  } else {
    fprintf(out, " %14.3f", f->d);
  }
}

static void print_table(FILE* out, const suite_t* s, const zcxb_report_t* rep) {
  char cols[256];
  snprintf(cols, sizeof(cols), "%s", s->columns);
  const char* names[ZCXB_MAX_FIELDS];
  int n = 0;
  for (char* tok = strtok(cols, " "); tok != NULL && n < ZCXB_MAX_FIELDS; tok = strtok(NULL, " ")) {
    names[n++] = tok;
  }
  for (int i = 0; i < n; i++) {
    fprintf(out, " %-14s", names[i]);
  }
  fputc('\n', out);
  for (size_t r = 0; r < rep->row_count; r++) {
    for (int i = 0; i < n; i++) {
      print_field(out, names[i], zcxb_row_get(&rep->rows[r], names[i]));
    }
    fputc('\n', out);
  }
  for (size_t i = 0; i < rep->note_count; i++) {
    fprintf(out, "note: %s\n", rep->notes[i]);
  }
}

// One result row; a row that does not name its suite gets "bench": SUITE, so that every
// row of the JSON says where it comes from (the charts of --plot group rows by it).
static void json_row(zcxt_json_t* w, const char* suite, const zcxb_row_t* row) {
  zcxt_json_begin_object(w);
  if (zcxb_row_get(row, "bench") == NULL) {
    zcxt_json_kv_string(w, "bench", suite);
  }
  for (int i = 0; i < row->count; i++) {
    const zcxb_field_t* f = &row->fields[i];
    zcxt_json_key(w, f->key);
    switch (f->type) {
      case ZCXB_FIELD_STRING:
        zcxt_json_string(w, f->s);
        break;
      case ZCXB_FIELD_INT:
        zcxt_json_int(w, f->i);
        break;
      case ZCXB_FIELD_NUMBER:
        zcxt_json_double(w, f->d);
        break;
      case ZCXB_FIELD_NULL:
        zcxt_json_null(w);
        break;
    }
  }
  zcxt_json_end_object(w);
}

static int write_json(const char* path, const zcxb_machine_t* m, bool quick,
                      const zcxb_report_t* reports, const suite_t* const* suites, size_t n) {
  zcx_error_t err;
  FILE* f = NULL;
  if (zcxt_json_open(path, &f, &err) != 0) {
    return zcxt_fail("bench", "%s", err.message);
  }
  zcxt_json_t w;
  zcxt_json_init(&w, f, true);
  zcxt_json_begin_object(&w);
  zcxt_json_key(&w, "machine");
  zcxt_json_begin_object(&w);
  zcxt_json_kv_string(&w, "cpu_model", m->cpu_model);
  zcxt_json_kv_int(&w, "cpus", m->cpus);
  zcxt_json_kv_int(&w, "memory_bytes", m->memory_bytes);
  zcxt_json_kv_string(&w, "kernel", m->kernel);
  zcxt_json_kv_string(&w, "libc", m->libc);
  zcxt_json_kv_string(&w, "transparent_hugepages", m->thp);
  char date[32];
  time_t now = time(NULL);
  struct tm tm_now;
  strftime(date, sizeof(date), "%Y-%m-%d %H:%M", localtime_r(&now, &tm_now));
  zcxt_json_kv_string(&w, "date", date);
  zcxt_json_end_object(&w);
  zcxt_json_kv_bool(&w, "quick", quick);
  zcxt_json_key(&w, "results");
  zcxt_json_begin_array(&w);
  for (size_t s = 0; s < n; s++) {
    for (size_t r = 0; r < reports[s].row_count; r++) {
      json_row(&w, suites[s]->name, &reports[s].rows[r]);
    }
  }
  zcxt_json_end_array(&w);
  const char* names[SUITE_COUNT];
  for (size_t s = 0; s < n; s++) {
    names[s] = suites[s]->name;
  }
  zcxt_claim_t claims[ZCXT_CLAIM_COUNT];
  zcxt_bench_claims(names, reports, n, claims);
  zcxt_json_key(&w, "claims");
  zcxt_bench_json_claims(&w, claims);
  zcxt_json_key(&w, "notes");
  zcxt_json_begin_array(&w);
  for (size_t s = 0; s < n; s++) {
    for (size_t i = 0; i < reports[s].note_count; i++) {
      char line[600];
      snprintf(line, sizeof(line), "%s: %s", suites[s]->name, reports[s].notes[i]);
      zcxt_json_string(&w, line);
    }
  }
  zcxt_json_end_array(&w);
  zcxt_json_end_object(&w);
  int rc = zcxt_json_finish(&w, &err);
  int rc2 = zcxt_json_close(f, path, rc == 0 ? &err : NULL);
  if (rc != 0 || rc2 != 0) {
    return zcxt_fail("bench", "%s", err.message);
  }
  return ZCXT_EXIT_OK;
}

int zcxt_cmd_bench(int argc, char** argv) {
  const char* target = NULL;
  const char* json_path = NULL;
  const char* plot_dir = NULL;
  const char* worker_args[2] = {NULL, NULL};
  bool quick = false;
  bool worker = false;
  for (int i = 1; i < argc; i++) {
    const char* a = argv[i];
    const char* v = NULL;
    if (zcxt_is_help(a)) {
      zcxt_usage_bench(stdout);
      return ZCXT_EXIT_OK;
    } else if (strcmp(a, "--quick") == 0) {
      quick = true;
    } else if (zcxt_opt_value(argc, argv, &i, "--json", &v)) {
      if (v == NULL) {
        return zcxt_usage_error("bench", "option --json needs a FILE");
      }
      json_path = v;
    } else if (zcxt_opt_value(argc, argv, &i, "--plot", &v)) {
      if (v == NULL || v[0] == '\0') {
        return zcxt_usage_error("bench", "option --plot needs a DIR");
      }
      plot_dir = v;
    } else if (strcmp(a, "--worker") == 0) {
      if (i + 2 >= argc) {
        return zcxt_usage_error("bench", "option --worker needs two arguments");
      }
      worker = true;
      worker_args[0] = argv[++i];
      worker_args[1] = argv[++i];
    } else if (a[0] == '-' && a[1] != '\0') {
      return zcxt_usage_error("bench", "unknown option '%s'", a);
    } else if (target == NULL) {
      target = a;
    } else {
      return zcxt_usage_error("bench", "unexpected argument '%s'", a);
    }
  }
  if (target == NULL) {
    return zcxt_usage_error("bench", "missing SUITE (alloc, ... or all)");
  }
  const suite_t* one = strcmp(target, "all") == 0 ? NULL : find_suite(target);
  if (strcmp(target, "all") != 0 && one == NULL) {
    return zcxt_usage_error("bench", "unknown suite '%s'", target);
  }
  zcx_error_t err;
  if (worker) {
    if (one == NULL || one->worker == NULL) {
      return zcxt_usage_error("bench", "suite '%s' has no worker", target);
    }
    if (one->worker(worker_args[0], worker_args[1], quick, stdout, &err) != 0) {
      return zcxt_fail("bench", "%s", err.message);
    }
    return ZCXT_EXIT_OK;
  }

  const suite_t* suites[SUITE_COUNT];
  size_t n = 0;
  for (size_t i = 0; i < SUITE_COUNT; i++) {
    if (one == NULL || one == &kSuites[i]) {
      suites[n++] = &kSuites[i];
    }
  }
  // Whatever --plot needs is checked before the benchmarks run.
  char plot_script[PATH_MAX + 128] = "";
  if (plot_dir != NULL && zcxt_bench_plot_prepare(plot_dir, plot_script,
                                                  sizeof(plot_script)) != ZCXT_EXIT_OK) {
    return ZCXT_EXIT_FAILURE;
  }
  zcxb_machine_t machine;
  zcxb_machine_describe(&machine);
  print_machine(stdout, &machine);
  fflush(stdout);
  zcxb_report_t reports[SUITE_COUNT];
  memset(reports, 0, sizeof(reports));
  zcxb_options_t options = {.quick = quick, .progress = stderr, .self_exe = NULL};
  int rc = ZCXT_EXIT_OK;
  size_t done = 0;
  for (size_t s = 0; s < n && rc == ZCXT_EXIT_OK; s++) {
    if (suites[s]->run(&options, &reports[s], &err) != 0) {
      rc = zcxt_fail("bench", "%s: %s", suites[s]->name, err.message);
      break;
    }
    done++;
  }
  // The report: the machine (above), the claims the rows support (for several suites),
  // then the tables of the suites that ran.
  const char* names[SUITE_COUNT];
  for (size_t s = 0; s < n; s++) {
    names[s] = suites[s]->name;
  }
  if (n > 1) {
    zcxt_claim_t claims[ZCXT_CLAIM_COUNT];
    zcxt_bench_claims(names, reports, done, claims);
    zcxt_bench_print_claims(stdout, claims);
  }
  for (size_t s = 0; s < done; s++) {
    printf("\n%s:\n", suites[s]->name);
    print_table(stdout, suites[s], &reports[s]);
  }
  if (rc == ZCXT_EXIT_OK && json_path != NULL) {
    rc = write_json(json_path, &machine, quick, reports, suites, n);
  }
  if (rc == ZCXT_EXIT_OK && plot_dir != NULL) {
    // The chart script reads the JSON from a file: --json's, or DIR/results.json.
    char rows[PATH_MAX + 32];
    if (json_path != NULL && strcmp(json_path, "-") != 0) {
      snprintf(rows, sizeof(rows), "%s", json_path);
    } else {
      snprintf(rows, sizeof(rows), "%s/results.json", plot_dir);
      rc = write_json(rows, &machine, quick, reports, suites, n);
    }
    if (rc == ZCXT_EXIT_OK) {
      rc = zcxt_bench_plot(plot_script, rows, plot_dir);
    }
  }
  for (size_t s = 0; s < n; s++) {
    zcxb_report_free(&reports[s]);
  }
  return rc;
}

#else  // !ZCX_HAVE_BENCH

void zcxt_usage_bench(FILE* out) {
  fprintf(out,
          "usage: zcx bench SUITE|all [--quick] [--json FILE] [--plot DIR]\n"
          "\n"
          "This zcx was built without the benchmarks (configure with -DZCX_BUILD_BENCH=ON).\n");
}

int zcxt_cmd_bench(int argc, char** argv) {
  for (int i = 1; i < argc; i++) {
    if (zcxt_is_help(argv[i])) {
      zcxt_usage_bench(stdout);
      return ZCXT_EXIT_OK;
    }
  }
  return zcxt_fail("bench",
                   "this zcx was built without the benchmarks "
                   "(configure with -DZCX_BUILD_BENCH=ON)");
}

#endif  // ZCX_HAVE_BENCH
