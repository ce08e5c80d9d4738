// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Demo step "pool": a training-style loop of activation buffers with malloc and with the zcx
// pool, the times, the ratio and the pool's statistics.
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "cli.h"
#include "demo.h"
#include "zcx/memory.h"

#define LAYERS 20
#define PAGE 4096

typedef struct loop_alloc {
  void* (*alloc)(void* ctx, size_t size);
  void (*release)(void* ctx, void* p, size_t size);
  void* ctx;
} loop_alloc_t;

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
  return zcx_mr_allocate(ctx, size, 0, NULL, &p, NULL) == 0 ? p : NULL;
}

static void pool_release(void* ctx, void* p, size_t size) {
  // A pool reports a foreign pointer; the workloads only free what they allocated.
  int rc = zcx_mr_deallocate(ctx, p, size, NULL, NULL);
  (void)rc;
}

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t minor_faults(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (int64_t)ru.ru_minflt;
}

// Forward pass: allocate and write each layer's activation; backward: free in reverse order.
// Returns false when an allocation failed.
static bool iteration(const loop_alloc_t* a, const size_t* sizes, unsigned char tag) {
  unsigned char* act[LAYERS];
  bool ok = true;
  for (int i = 0; i < LAYERS; i++) {
    act[i] = a->alloc(a->ctx, sizes[i]);
    if (act[i] == NULL) {
      ok = false;
      continue;
    }
    volatile unsigned char* p = act[i];
    for (size_t off = 0; off < sizes[i]; off += PAGE) {
      p[off] = tag;
    }
  }
  for (int i = LAYERS - 1; i >= 0; i--) {
    if (act[i] != NULL) {
      a->release(a->ctx, act[i], sizes[i]);
    }
  }
  return ok;
}

typedef struct loop_result {
  double per_iter_s;
  double faults_per_iter;
} loop_result_t;

static bool run_loop(const loop_alloc_t* a, const size_t* sizes, int iters, loop_result_t* r) {
  if (!iteration(a, sizes, 1)) {  // warm-up
    return false;
  }
  int64_t f0 = minor_faults();
  int64_t t0 = now_ns();
  for (int k = 0; k < iters; k++) {
    if (!iteration(a, sizes, (unsigned char)k)) {
      return false;
    }
  }
  r->per_iter_s = (double)(now_ns() - t0) * 1e-9 / iters;
  r->faults_per_iter = (double)(minor_faults() - f0) / iters;
  return true;
}

int zcxt_demo_pool(zcxt_demo_ctx_t* ctx, zcxt_demo_result_t* result, char* summary,
                   size_t summary_size, zcx_error_t* err) {
  FILE* out = ctx->out;
  size_t max_size = ctx->quick ? (size_t)4 << 20 : (size_t)32 << 20;
  size_t min_size = (size_t)256 << 10;
  int iters = ctx->quick ? 2 : 4;
  size_t sizes[LAYERS];
  double total = 0;
  for (int i = 0; i < LAYERS; i++) {
    double l =
        log((double)min_size) + (log((double)max_size) - log((double)min_size)) * i / (LAYERS - 1);
    sizes[i] = ((size_t)exp(l) + 63) & ~(size_t)63;
    total += (double)sizes[i];
  }
  char b1[32], b2[32], b3[32];
  fprintf(out,
          "Each training step allocates one activation per layer (%d layers, %s .. %s,\n"
          "%s in all), writes every page, and frees them in reverse order in the backward\n"
          "pass.\n",
          LAYERS, zcxt_format_bytes((double)min_size, b1, sizeof(b1)),
          zcxt_format_bytes((double)max_size, b2, sizeof(b2)),
          zcxt_format_bytes(total, b3, sizeof(b3)));

  loop_alloc_t libc = {libc_alloc, libc_release, NULL};
  loop_result_t rm;
  if (!run_loop(&libc, sizes, iters, &rm)) {
    return zcx_error_fail(err, ENOMEM, "demo pool: malloc failed");
  }
  fprintf(out, "  malloc:   %d steps, %8.2f ms per step, %8.0f page faults per step\n", iters,
          rm.per_iter_s * 1e3, rm.faults_per_iter);

  zcx_mr_t* pool = NULL;
  zcx_mr_t* stats = NULL;
  ZCX_RETURN_IF_ERROR(zcx_pool_mr_create(NULL, NULL, &pool, err));
  int rc = zcx_stats_mr_create(pool, &stats, err);
  zcx_mr_release(pool);  // the statistics adaptor holds it
  if (rc != 0) {
    return rc;
  }
  loop_alloc_t zp = {pool_alloc, pool_release, stats};
  loop_result_t rp;
  if (!run_loop(&zp, sizes, iters, &rp)) {
    zcx_mr_release(stats);
    return zcx_error_fail(err, ENOMEM, "demo pool: the pool failed to allocate");
  }
  fprintf(out, "  zcx pool: %d steps, %8.2f ms per step, %8.0f page faults per step\n", iters,
          rp.per_iter_s * 1e3, rp.faults_per_iter);
  double ratio = rp.per_iter_s > 0 ? rm.per_iter_s / rp.per_iter_s : 0.0;
  fprintf(out,
          "  the pool is %.1fx faster: it draws memory from the system once and reuses it,\n"
          "  while malloc hands large blocks back to the kernel at each free, which then\n"
          "  zero-fills every page again at its first touch.\n",
          ratio);

  zcx_mr_stats_t st;
  memset(&st, 0, sizeof(st));
  st.struct_size = sizeof(st);
  rc = zcx_mr_get_stats(stats, &st, err);
  if (rc == 0) {
    char peak[32], reserved[32], preserved[32], freeb[32], largest[32];
    fprintf(out,
            "  pool statistics: %lld allocations, %lld frees, peak in use %s,\n"
            "  reserved %s (peak %s), cached %s, largest free block %s,\n"
            "  fragmentation %.3f\n",
            (long long)st.allocations, (long long)st.frees,
            zcxt_format_bytes((double)st.peak_bytes, peak, sizeof(peak)),
            zcxt_format_bytes((double)st.reserved_bytes, reserved, sizeof(reserved)),
            zcxt_format_bytes((double)st.peak_reserved_bytes, preserved, sizeof(preserved)),
            zcxt_format_bytes((double)st.free_bytes, freeb, sizeof(freeb)),
            zcxt_format_bytes((double)st.largest_free_block, largest, sizeof(largest)),
            st.fragmentation);
  }
  zcx_mr_release(stats);
  if (rc != 0) {
    return rc;
  }
  result->zcx_s = rp.per_iter_s;
  result->usual_s = rm.per_iter_s;
  snprintf(result->zcx_what, sizeof(result->zcx_what), "one training step on the zcx pool");
  snprintf(result->usual_what, sizeof(result->usual_what), "one training step on malloc");
  snprintf(result->shared, sizeof(result->shared), "pool blocks reused across steps");
  snprintf(result->copied, sizeof(result->copied), "nothing");
  snprintf(summary, summary_size,
           "training loop %.2f ms/step with malloc, %.2f ms/step with the pool (%.1fx)",
           rm.per_iter_s * 1e3, rp.per_iter_s * 1e3, ratio);
  return 0;
}
