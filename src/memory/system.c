// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The system resource: aligned host memory from the C library, large blocks straight from mmap.
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "memory/os.h"
#include "zcx/memory.h"

typedef struct system_mr {
  zcx_mr_t base;
  zcx_system_mr_options_t options;
  // Counters only: the resource keeps no per-block bookkeeping.
  atomic_int_fast64_t current_bytes;
  atomic_int_fast64_t peak_bytes;
  atomic_int_fast64_t total_bytes;
  atomic_int_fast64_t current_count;
  atomic_int_fast64_t peak_count;
  atomic_int_fast64_t allocations;
  atomic_int_fast64_t frees;
  atomic_int_fast64_t failures;
} system_mr_t;

static void raise_peak(atomic_int_fast64_t* peak, int_fast64_t value) {
  int_fast64_t seen = atomic_load_explicit(peak, memory_order_relaxed);
  while (value > seen && !atomic_compare_exchange_weak_explicit(
                             peak, &seen, value, memory_order_relaxed, memory_order_relaxed)) {
  }
}

// Whether a block of `size` bytes is mapped, and its mapped length.
static bool uses_mmap(const system_mr_t* s, size_t size, size_t* mapped) {
  if (size < s->options.mmap_threshold) {
    return false;
  }
  return zcxi_align_up(size, zcxi_os_page_size(), mapped);
}

static int system_allocate(zcx_mr_t* mr, size_t size, size_t alignment, zcx_stream_t* stream,
                           void** out, zcx_error_t* err) {
  (void)stream;  // host memory is usable at once by any stream
  system_mr_t* s = (system_mr_t*)mr;
  void* p = NULL;
  size_t mapped;
  int rc;
  if (uses_mmap(s, size, &mapped)) {
    rc = zcxi_os_map(mapped, alignment, s->options.huge_pages, &p);
  } else {
    size_t a = alignment < sizeof(void*) ? sizeof(void*) : alignment;
    rc = posix_memalign(&p, a, size);
  }
  if (rc != 0 || p == NULL) {
    atomic_fetch_add_explicit(&s->failures, 1, memory_order_relaxed);
    *out = NULL;
    return zcx_error_fail(err, ENOMEM,
                          "%s: cannot allocate %zu bytes (alignment %zu): %s; in use %lld bytes "
                          "in %lld blocks",
                          mr->name, size, alignment, zcx_status_name(rc != 0 ? rc : ENOMEM),
                          (long long)atomic_load(&s->current_bytes),
                          (long long)atomic_load(&s->current_count));
  }
  int_fast64_t n = (int_fast64_t)size;
  raise_peak(&s->peak_bytes,
             atomic_fetch_add_explicit(&s->current_bytes, n, memory_order_relaxed) + n);
  raise_peak(&s->peak_count,
             atomic_fetch_add_explicit(&s->current_count, 1, memory_order_relaxed) + 1);
  atomic_fetch_add_explicit(&s->total_bytes, n, memory_order_relaxed);
  atomic_fetch_add_explicit(&s->allocations, 1, memory_order_relaxed);
  *out = p;
  return 0;
}

static int system_deallocate(zcx_mr_t* mr, void* ptr, size_t size, zcx_stream_t* stream,
                             zcx_error_t* err) {
  system_mr_t* s = (system_mr_t*)mr;
  if (stream != NULL) {
    // Memory goes back to the OS at once: let the work queued on the stream finish first.
    ZCX_RETURN_IF_ERROR(zcx_stream_synchronize(stream, err));
  }
  size_t mapped;
  if (uses_mmap(s, size, &mapped)) {
    int rc = zcxi_os_unmap(ptr, mapped);
    if (rc != 0) {
      return zcx_error_fail(err, EINVAL, "%s: cannot unmap %p (%zu bytes): %s", mr->name, ptr, size,
                            zcx_status_name(rc));
    }
  } else {
    free(ptr);
  }
  atomic_fetch_sub_explicit(&s->current_bytes, (int_fast64_t)size, memory_order_relaxed);
  atomic_fetch_sub_explicit(&s->current_count, 1, memory_order_relaxed);
  atomic_fetch_add_explicit(&s->frees, 1, memory_order_relaxed);
  return 0;
}

static int system_get_stats(zcx_mr_t* mr, zcx_mr_stats_t* stats, zcx_error_t* err) {
  (void)err;
  system_mr_t* s = (system_mr_t*)mr;
  stats->current_bytes = atomic_load(&s->current_bytes);
  stats->peak_bytes = atomic_load(&s->peak_bytes);
  stats->total_bytes = atomic_load(&s->total_bytes);
  stats->current_count = atomic_load(&s->current_count);
  stats->peak_count = atomic_load(&s->peak_count);
  stats->allocations = atomic_load(&s->allocations);
  stats->frees = atomic_load(&s->frees);
  stats->failures = atomic_load(&s->failures);
  // Everything is given back at once: what is held is what is in use, nothing is cached.
  stats->reserved_bytes = stats->current_bytes;
  stats->peak_reserved_bytes = stats->peak_bytes;
  stats->free_bytes = 0;
  stats->largest_free_block = 0;
  stats->fragmentation = 0.0;
  return 0;
}

static void system_destroy(zcx_mr_t* mr) { free(mr); }

static const zcx_mr_ops_t system_ops = {
    .struct_size = sizeof(zcx_mr_ops_t),
    .kind = "system",
    .allocate = system_allocate,
    .deallocate = system_deallocate,
    .get_stats = system_get_stats,
    .destroy = system_destroy,
};

void zcx_system_mr_options_init(zcx_system_mr_options_t* options) {
  if (options == NULL) {
    return;
  }
  options->struct_size = sizeof(*options);
  options->mmap_threshold = (size_t)1 << 20;
  options->huge_pages = false;
}

int zcx_system_mr_create(const zcx_system_mr_options_t* options, zcx_mr_t** out, zcx_error_t* err) {
  if (out == NULL) {
    return zcx_error_fail(err, EINVAL, "system_mr_create: out is NULL");
  }
  *out = NULL;
  zcx_system_mr_options_t opts;
  zcx_system_mr_options_init(&opts);
  if (options != NULL) {
    if (options->struct_size < sizeof(size_t) || options->struct_size > sizeof(opts)) {
      return zcx_error_fail(err, EINVAL,
                            "system_mr_create: options struct_size %zu is not in [%zu, %zu]",
                            options->struct_size, sizeof(size_t), sizeof(opts));
    }
    memcpy(&opts, options, options->struct_size);
    opts.struct_size = sizeof(opts);
  }
  if (opts.mmap_threshold == 0) {
    return zcx_error_fail(err, EINVAL, "system_mr_create: mmap_threshold is 0");
  }
  system_mr_t* s = calloc(1, sizeof(*s));
  if (s == NULL) {
    return zcx_error_fail(err, ENOMEM, "system_mr_create: out of memory");
  }
  s->options = opts;
  zcx_mr_init(&s->base, &system_ops, zcx_device_cpu(), NULL, "system");
  *out = &s->base;
  return 0;
}
