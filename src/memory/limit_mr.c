// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The limit adaptor: refuses allocations that would bring the bytes in use over a limit.
#include <stdlib.h>

#include "core/internal.h"
#include "memory/adaptor_internal.h"
#include "zcx/memory.h"

// `used` counts the bytes asked of allocate (not the upstream's rounding). A request first
// reserves its bytes with a compare-and-swap, so that concurrent requests can never overshoot
// the limit together, and gives them back if the upstream then fails.
typedef struct limit_mr {
  zcx_mr_t base;
  size_t limit;
  size_t used;
} limit_mr_t;

static int limit_allocate(zcx_mr_t* mr, size_t size, size_t alignment, zcx_stream_t* stream,
                          void** out, zcx_error_t* err) {
  limit_mr_t* l = (limit_mr_t*)mr;
  size_t used = __atomic_load_n(&l->used, __ATOMIC_RELAXED);
  for (;;) {
    if (size > l->limit || used > l->limit - size) {
      return zcx_error_fail(err, ENOMEM,
                            "allocate on %s: %zu bytes requested with %zu bytes in use would "
                            "exceed the limit of %zu bytes",
                            mr->name, size, used, l->limit);
    }
    if (__atomic_compare_exchange_n(&l->used, &used, used + size, true, __ATOMIC_RELAXED,
                                    __ATOMIC_RELAXED)) {
      break;
    }
  }
  int rc = zcx_mr_allocate(mr->upstream, size, alignment, stream, out, err);
  if (rc != 0) {
    __atomic_sub_fetch(&l->used, size, __ATOMIC_RELAXED);
  }
  return rc;
}

static int limit_deallocate(zcx_mr_t* mr, void* ptr, size_t size, zcx_stream_t* stream,
                            zcx_error_t* err) {
  limit_mr_t* l = (limit_mr_t*)mr;
  size_t used = __atomic_load_n(&l->used, __ATOMIC_RELAXED);
  if (size > used) {
    // More than is in use cannot have come from here; the upstream (a system resource, say)
    // may not be able to tell, so the check is made before it is asked.
    return zcx_error_fail(err, EINVAL,
                          "deallocate on %s: %zu bytes at %p is more than the %zu bytes in use",
                          mr->name, size, ptr, used);
  }
  // Subtracted only once the upstream has accepted the block.
  ZCX_RETURN_IF_ERROR(zcx_mr_deallocate(mr->upstream, ptr, size, stream, err));
  __atomic_sub_fetch(&l->used, size, __ATOMIC_RELAXED);
  return 0;
}

static int limit_get_stats(zcx_mr_t* mr, zcx_mr_stats_t* stats, zcx_error_t* err) {
  (void)err;
  limit_mr_t* l = (limit_mr_t*)mr;
  zcxi_adaptor_merge_upstream_stats(mr, stats);
  stats->current_bytes = (int64_t)__atomic_load_n(&l->used, __ATOMIC_RELAXED);
  return 0;
}

static void limit_destroy(zcx_mr_t* mr) { free(mr); }

static const zcx_mr_ops_t limit_ops = {
    .struct_size = sizeof(zcx_mr_ops_t),
    .kind = "limit",
    .allocate = limit_allocate,
    .deallocate = limit_deallocate,
    .get_stats = limit_get_stats,
    .destroy = limit_destroy,
};

int zcx_limit_mr_create(zcx_mr_t* upstream, size_t limit_bytes, zcx_mr_t** out,
                        zcx_error_t* err) {
  void* mem = NULL;
  ZCX_RETURN_IF_ERROR(
      zcxi_adaptor_alloc(upstream, out, sizeof(limit_mr_t), "limit_mr_create", &mem, err));
  limit_mr_t* l = mem;
  l->limit = limit_bytes;
  zcxi_adaptor_init(&l->base, &limit_ops, upstream);
  *out = &l->base;
  return 0;
}
