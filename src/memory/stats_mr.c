// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The statistics adaptor: counts what passes through to its upstream, lock-free.
#include <stdlib.h>

#include "core/internal.h"
#include "memory/adaptor_internal.h"
#include "zcx/memory.h"

// Every counter is updated with relaxed atomics: each one is exact on its own, but a reader
// racing with allocations may see, say, `allocations` already counted and `current_bytes`
// not yet. Peaks are raised with a compare-and-swap loop so that they never go down.
typedef struct stats_mr {
  zcx_mr_t base;
  int64_t current_bytes;
  int64_t peak_bytes;
  int64_t total_bytes;
  int64_t current_count;
  int64_t peak_count;
  int64_t allocations;
  int64_t frees;
  int64_t failures;
} stats_mr_t;

static int64_t load(const int64_t* p) { return __atomic_load_n(p, __ATOMIC_RELAXED); }

static int64_t add(int64_t* p, int64_t v) {
  return __atomic_add_fetch(p, v, __ATOMIC_RELAXED);
}

static void raise_peak(int64_t* peak, int64_t value) {
  int64_t seen = load(peak);
  while (seen < value && !__atomic_compare_exchange_n(peak, &seen, value, true, __ATOMIC_RELAXED,
                                                      __ATOMIC_RELAXED)) {
  }
}

static int stats_allocate(zcx_mr_t* mr, size_t size, size_t alignment, zcx_stream_t* stream,
                          void** out, zcx_error_t* err) {
  stats_mr_t* s = (stats_mr_t*)mr;
  int rc = zcx_mr_allocate(mr->upstream, size, alignment, stream, out, err);
  if (rc != 0) {
    add(&s->failures, 1);
    return rc;
  }
  int64_t n = (int64_t)size;
  raise_peak(&s->peak_bytes, add(&s->current_bytes, n));
  raise_peak(&s->peak_count, add(&s->current_count, 1));
  add(&s->total_bytes, n);
  add(&s->allocations, 1);
  return 0;
}

static int stats_deallocate(zcx_mr_t* mr, void* ptr, size_t size, zcx_stream_t* stream,
                            zcx_error_t* err) {
  stats_mr_t* s = (stats_mr_t*)mr;
  // Counted only once the upstream has accepted the block, so that a refused free (double
  // free, foreign pointer) leaves the counters as they were.
  ZCX_RETURN_IF_ERROR(zcx_mr_deallocate(mr->upstream, ptr, size, stream, err));
  add(&s->current_bytes, -(int64_t)size);
  add(&s->current_count, -1);
  add(&s->frees, 1);
  return 0;
}

static int stats_get_stats(zcx_mr_t* mr, zcx_mr_stats_t* stats, zcx_error_t* err) {
  (void)err;
  stats_mr_t* s = (stats_mr_t*)mr;
  // What the upstream knows of its reservations (a pool's chunks) is merged in; what it
  // counts of allocations is ours to report.
  zcxi_adaptor_merge_upstream_stats(mr, stats);
  stats->current_bytes = load(&s->current_bytes);
  stats->peak_bytes = load(&s->peak_bytes);
  stats->total_bytes = load(&s->total_bytes);
  stats->current_count = load(&s->current_count);
  stats->peak_count = load(&s->peak_count);
  stats->allocations = load(&s->allocations);
  stats->frees = load(&s->frees);
  stats->failures = load(&s->failures);
  return 0;
}

static void stats_destroy(zcx_mr_t* mr) { free(mr); }

static const zcx_mr_ops_t stats_ops = {
    .struct_size = sizeof(zcx_mr_ops_t),
    .kind = "stats",
    .allocate = stats_allocate,
    .deallocate = stats_deallocate,
    .get_stats = stats_get_stats,
    .destroy = stats_destroy,
};

int zcx_stats_mr_create(zcx_mr_t* upstream, zcx_mr_t** out, zcx_error_t* err) {
  void* mem = NULL;
  ZCX_RETURN_IF_ERROR(
      zcxi_adaptor_alloc(upstream, out, sizeof(stats_mr_t), "stats_mr_create", &mem, err));
  stats_mr_t* s = mem;
  zcxi_adaptor_init(&s->base, &stats_ops, upstream);
  *out = &s->base;
  return 0;
}
