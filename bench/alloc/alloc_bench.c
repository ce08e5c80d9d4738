// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The allocation benchmark's driver (one worker process per case and allocator, ratios,
// targets) and its worker entry point.
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "zcx/memory.h"

// ---------------------------------------------------------------------------------------------
// The worker

// Out of line so that the compiler cannot pair a malloc with its free and drop both.
__attribute__((noinline)) static void* libc_alloc(void* ctx, size_t size) {
  (void)ctx;
  return malloc(size);
}

__attribute__((noinline)) static void libc_release(void* ctx, void* p, size_t size) {
  (void)ctx;
  (void)size;
  free(p);
}

static void* pool_alloc(void* ctx, size_t size) {
  void* p = NULL;
  if (zcx_mr_allocate(ctx, size, 0, NULL, &p, NULL) != 0) {
    return NULL;
  }
  return p;
}

static void pool_release(void* ctx, void* p, size_t size) {
  // A pool reports a foreign pointer; the workloads only free what they allocated.
  int rc = zcx_mr_deallocate(ctx, p, size, NULL, NULL);
  (void)rc;
}

int zcxb_alloc_worker(const char* impl, const char* case_name, bool quick, FILE* out,
                      zcx_error_t* err) {
  if (!zcxb_alloc_case_known(case_name)) {
    return zcx_error_fail(err, EINVAL, "alloc bench: unknown case '%s'", case_name);
  }
  zcxb_allocator_t a = {libc_alloc, libc_release, NULL};
  zcx_mr_t* pool = NULL;
  if (strcmp(impl, "zcx") == 0) {
    ZCX_RETURN_IF_ERROR(zcx_pool_mr_create(NULL, NULL, &pool, err));
    a = (zcxb_allocator_t){pool_alloc, pool_release, pool};
  }
  zcxb_alloc_result_t r;
  int rc = zcxb_alloc_case_run(case_name, &a, quick, &r, err);
  if (rc == 0) {
    fprintf(out,
            "result impl=%s case=%s iterations=%d median_s=%.9g alloc_share=%.4f "
            "page_faults=%.1f peak_rss_bytes=%lld failures=%lld\n",
            impl, case_name, r.iterations, r.median_s, r.alloc_share, r.page_faults,
            (long long)r.peak_rss_bytes, (long long)r.failures);
    fflush(out);
  }
  zcx_mr_release(pool);
  return rc;
}

// ---------------------------------------------------------------------------------------------
// The driver

typedef struct impl {
  const char* name;
  const char* preload;   // library for LD_PRELOAD, or NULL
  const char* tunables;  // GLIBC_TUNABLES value, or NULL
} impl_t;

// glibc caps mmap_threshold at 32 MiB on 64-bit; the trim threshold keeps freed memory.
static const impl_t kImpls[] = {
    {"zcx", NULL, NULL},
    {"glibc", NULL, NULL},
    {"glibc-tuned", NULL,
     "glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=1073741824"},
    {"jemalloc", "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2", NULL},
    {"mimalloc", "/usr/lib/x86_64-linux-gnu/libmimalloc.so.2", NULL},
    {"tcmalloc", "/usr/lib/x86_64-linux-gnu/libtcmalloc.so.4", NULL},
};
#define IMPL_COUNT (sizeof(kImpls) / sizeof(kImpls[0]))

static const char* const kCaseOrder[] = {"train", "random", "threads2", "micro_small",
                                         "micro_large"};
#define CASE_COUNT (sizeof(kCaseOrder) / sizeof(kCaseOrder[0]))

static int run_worker(const char* exe, const impl_t* impl, const char* case_name, bool quick,
                      zcxb_row_t* row, char* why, size_t why_size, zcx_error_t* err) {
  char preload[PATH_MAX + 16];
  char tunables[256];
  const char* env[3] = {NULL, NULL, NULL};
  int n = 0;
  if (impl->preload != NULL) {
    snprintf(preload, sizeof(preload), "LD_PRELOAD=%s", impl->preload);
    env[n++] = preload;
  }
  if (impl->tunables != NULL) {
    snprintf(tunables, sizeof(tunables), "GLIBC_TUNABLES=%s", impl->tunables);
    env[n++] = tunables;
  }
  char* argv[] = {(char*)exe,
                  "bench",
                  "alloc",
                  "--worker",
                  (char*)impl->name,
                  (char*)case_name,
                  quick ? "--quick" : NULL,
                  NULL};
  char out[4096];
  int status = 0;
  ZCX_RETURN_IF_ERROR(zcxb_spawn(argv, env, out, sizeof(out), &status, err));
  const char* line = strstr(out, "result ");
  if (status != 0 || line == NULL) {
    snprintf(why, why_size, "worker exited with status %d", status);
    return 0;
  }
  zcxb_row_parse_pairs(row, line + 7);
  why[0] = '\0';
  return 0;
}

static const zcxb_row_t* find_row(const zcxb_report_t* rep, const char* case_name,
                                  const char* impl) {
  for (size_t i = 0; i < rep->row_count; i++) {
    const zcxb_field_t* c = zcxb_row_get(&rep->rows[i], "case");
    const zcxb_field_t* m = zcxb_row_get(&rep->rows[i], "impl");
    const zcxb_field_t* b = zcxb_row_get(&rep->rows[i], "bench");
    if (c != NULL && m != NULL && b != NULL && strcmp(b->s, "alloc") == 0 &&
        strcmp(c->s, case_name) == 0 && strcmp(m->s, impl) == 0) {
      return &rep->rows[i];
    }
  }
  return NULL;
}

static void add_ratios(zcxb_report_t* rep, const char* case_name) {
  const zcxb_row_t* z = find_row(rep, case_name, "zcx");
  double zt = z != NULL ? zcxb_row_number(z, "median_s", -1) : -1;
  double zr = z != NULL ? zcxb_row_number(z, "peak_rss_bytes", -1) : -1;
  for (size_t i = 0; i < rep->row_count; i++) {
    zcxb_row_t* row = &rep->rows[i];
    const zcxb_field_t* c = zcxb_row_get(row, "case");
    if (c == NULL || strcmp(c->s, case_name) != 0) {
      continue;
    }
    double t = zcxb_row_number(row, "median_s", -1);
    double r = zcxb_row_number(row, "peak_rss_bytes", -1);
    if (zt > 0 && t > 0) {
      zcxb_row_set_number(row, "ratio_vs_zcx", t / zt);
    } else {
      zcxb_row_set_null(row, "ratio_vs_zcx");
    }
    if (zr > 0 && r > 0) {
      zcxb_row_set_number(row, "rss_ratio_vs_zcx", r / zr);
    } else {
      zcxb_row_set_null(row, "rss_ratio_vs_zcx");
    }
  }
}

// Notes whether the pool meets the benchmark's targets, with the measured numbers.
static int note_targets(zcxb_report_t* rep, zcx_error_t* err) {
  const zcxb_row_t* z = find_row(rep, "train", "zcx");
  const zcxb_row_t* g = find_row(rep, "train", "glibc");
  if (z != NULL && g != NULL) {
    double ratio = zcxb_row_number(g, "median_s", 0) / zcxb_row_number(z, "median_s", 1);
    ZCX_RETURN_IF_ERROR(zcxb_report_note(rep, err,
                                         "target train: pool >= 50x faster than glibc: %.1fx (%s)",
                                         ratio, ratio >= 50 ? "met" : "missed"));
    const char* best = NULL;
    double best_t = 0;
    for (size_t i = 1; i < IMPL_COUNT; i++) {
      const zcxb_row_t* r = find_row(rep, "train", kImpls[i].name);
      double t = r != NULL ? zcxb_row_number(r, "median_s", -1) : -1;
      if (t > 0 && (best == NULL || t < best_t)) {
        best = kImpls[i].name;
        best_t = t;
      }
    }
    if (best != NULL) {
      double zt = zcxb_row_number(z, "median_s", 0);
      ZCX_RETURN_IF_ERROR(zcxb_report_note(
          rep, err,
          "target train: pool no slower than the fastest competitor (%s): %.3g s vs %.3g s (%s)",
          best, zt, best_t, zt <= best_t ? "met" : "missed"));
    }
  }
  z = find_row(rep, "random", "zcx");
  const zcxb_row_t* tc = find_row(rep, "random", "tcmalloc");
  if (z != NULL && tc != NULL) {
    double zt = zcxb_row_number(z, "median_s", 0);
    double tt = zcxb_row_number(tc, "median_s", 0);
    double zr = zcxb_row_number(z, "peak_rss_bytes", 0);
    double tr = zcxb_row_number(tc, "peak_rss_bytes", 1);
    ZCX_RETURN_IF_ERROR(zcxb_report_note(rep, err,
                                         "target random: time <= tcmalloc: %.3g s vs %.3g s (%s); "
                                         "peak RSS <= 1.1x tcmalloc: %.2fx (%s)",
                                         zt, tt, zt <= tt ? "met" : "missed", zr / tr,
                                         zr <= 1.1 * tr ? "met" : "missed"));
  }
  for (int k = 0; k < 2; k++) {
    const char* c = k == 0 ? "micro_small" : "micro_large";
    z = find_row(rep, c, "zcx");
    if (z != NULL) {
      double ns = zcxb_row_number(z, "median_s", 0) * 1e9;
      ZCX_RETURN_IF_ERROR(
          zcxb_report_note(rep, err, "target %s: cached allocate+free <= 100 ns: %.1f ns (%s)", c,
                           ns, ns <= 100 ? "met" : "missed"));
    }
  }
  return 0;
}

int zcxb_alloc_run(const zcxb_options_t* options, zcxb_report_t* report, zcx_error_t* err) {
  char exe[PATH_MAX];
  if (options->self_exe != NULL) {
    snprintf(exe, sizeof(exe), "%s", options->self_exe);
  } else {
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n < 0) {
      int e = errno;
      return zcx_error_fail(err, e, "alloc bench: cannot find the zcx executable: %s", strerror(e));
    }
    exe[n] = '\0';
  }
  bool available[IMPL_COUNT];
  for (size_t i = 0; i < IMPL_COUNT; i++) {
#if defined(ZCX_SANITIZE)
    // A sanitizer runtime must be the first library of the process: no preloaded allocator.
    if (kImpls[i].preload != NULL) {
      available[i] = false;
      ZCX_RETURN_IF_ERROR(
          zcxb_report_note(report, err, "skipped %s: sanitizer build", kImpls[i].name));
      continue;
    }
#endif
    available[i] = kImpls[i].preload == NULL || access(kImpls[i].preload, R_OK) == 0;
    if (!available[i]) {
      ZCX_RETURN_IF_ERROR(zcxb_report_note(report, err, "skipped %s: %s not found", kImpls[i].name,
                                           kImpls[i].preload));
    }
  }
  for (size_t c = 0; c < CASE_COUNT; c++) {
    for (size_t i = 0; i < IMPL_COUNT; i++) {
      if (!available[i]) {
        continue;
      }
      if (options->progress != NULL) {
        fprintf(options->progress, "alloc: %-11s %-12s ...", kCaseOrder[c], kImpls[i].name);
        fflush(options->progress);
      }
      zcxb_row_t* row = NULL;
      ZCX_RETURN_IF_ERROR(zcxb_report_add_row(report, &row, err));
      char why[128];
      ZCX_RETURN_IF_ERROR(
          run_worker(exe, &kImpls[i], kCaseOrder[c], options->quick, row, why, sizeof(why), err));
      zcxb_row_set_string(row, "bench", "alloc");
      zcxb_row_set_string(row, "case", kCaseOrder[c]);
      zcxb_row_set_string(row, "impl", kImpls[i].name);
      if (why[0] != '\0') {
        zcxb_row_set_null(row, "median_s");
        zcxb_row_set_string(row, "error", why);
        ZCX_RETURN_IF_ERROR(
            zcxb_report_note(report, err, "%s %s: %s", kCaseOrder[c], kImpls[i].name, why));
      }
      if (options->progress != NULL) {
        double s = zcxb_row_number(row, "median_s", -1);
        if (s < 0) {
          fprintf(options->progress, " failed\n");
        } else if (s < 1e-5) {
          fprintf(options->progress, " %.1f ns\n", s * 1e9);
        } else {
          fprintf(options->progress, " %.2f ms\n", s * 1e3);
        }
      }
    }
    add_ratios(report, kCaseOrder[c]);
  }
  ZCX_RETURN_IF_ERROR(zcxb_report_note(
      report, err,
      "median_s: per iteration (micro: per allocate+free pair); page_faults: minor faults "
      "per iteration; ratio_vs_zcx > 1: zcx is faster"));
  return note_targets(report, err);
}
