// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Tests of the stream-ordered pool (src/memory/pool*.c) and the default resource.
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "memory/gate_support.h"
#include "memory/poison.h"
#include "zcx/memory.h"

#define KIB ((size_t)1 << 10)
#define MIB ((size_t)1 << 20)

#ifdef ZCX_SANITIZE
#define STRESS_OPS 4000
#else
#define STRESS_OPS 40000
#endif

static zcx_mr_stats_t stats_of(zcx_mr_t* mr) {
  zcx_mr_stats_t st;
  st.struct_size = sizeof(st);
  assert_int_equal(zcx_mr_get_stats(mr, &st, NULL), 0);
  return st;
}

static zcx_mr_t* make_pool(zcx_mr_t* upstream, size_t initial, size_t maximum, size_t min_chunk,
                           size_t small_max) {
  zcx_pool_options_t o;
  zcx_pool_options_init(&o);
  o.initial_size = initial;
  o.maximum_size = maximum;
  o.min_chunk_size = min_chunk;
  o.small_block_max = small_max;
  zcx_mr_t* pool = NULL;
  zcx_error_t err;
  int rc = zcx_pool_mr_create(upstream, &o, &pool, &err);
  if (rc != 0) {
    fail_msg("pool_mr_create: %s", err.message);
  }
  return pool;
}

static void fmt_ptr(char* buf, size_t n, const void* p) { snprintf(buf, n, "%p", p); }

// ---------------------------------------------------------------------------------------------
// A test upstream: aligned host memory that refuses allocations once its budget is spent.

typedef struct test_upstream {
  zcx_mr_t base;
  int budget;      // allocations still allowed (-1: any number)
  size_t largest;  // larger allocations are refused (0: no limit)
  int live;
  int* destroyed;
} test_upstream_t;

static int tu_allocate(zcx_mr_t* mr, size_t size, size_t alignment, zcx_stream_t* stream,
                       void** out, zcx_error_t* err) {
  (void)stream;
  test_upstream_t* t = (test_upstream_t*)mr;
  if (t->budget == 0 || (t->largest != 0 && size > t->largest)) {
    return zcx_error_fail(err, ENOMEM, "no memory here for %zu bytes", size);
  }
  if (posix_memalign(out, alignment, size) != 0) {
    return zcx_error_fail(err, ENOMEM, "posix_memalign failed");
  }
  if (t->budget > 0) {
    t->budget--;
  }
  t->live++;
  return 0;
}

static int tu_deallocate(zcx_mr_t* mr, void* ptr, size_t size, zcx_stream_t* stream,
                         zcx_error_t* err) {
  (void)size;
  (void)stream;
  (void)err;
  test_upstream_t* t = (test_upstream_t*)mr;
  t->live--;
  free(ptr);
  return 0;
}

static void tu_destroy(zcx_mr_t* mr) {
  test_upstream_t* t = (test_upstream_t*)mr;
  (*t->destroyed)++;
  free(t);
}

static const zcx_mr_ops_t tu_ops = {
    .struct_size = sizeof(zcx_mr_ops_t),
    .kind = "test",
    .allocate = tu_allocate,
    .deallocate = tu_deallocate,
    .get_stats = NULL,
    .destroy = tu_destroy,
};

static test_upstream_t* test_upstream_create(int budget, int* destroyed) {
  test_upstream_t* t = calloc(1, sizeof(*t));
  assert_non_null(t);
  t->budget = budget;
  t->destroyed = destroyed;
  zcx_mr_init(&t->base, &tu_ops, zcx_device_cpu(), NULL, "failing");
  return t;
}

// ---------------------------------------------------------------------------------------------

static void test_options_and_arguments(void** state) {
  (void)state;
  zcx_error_t err;
  zcx_pool_options_t o;
  zcx_pool_options_init(&o);
  assert_int_equal(o.min_chunk_size, 2 * MIB);
  assert_int_equal(o.small_block_max, 4096);
  assert_true(o.growth_factor == 0.5);
  assert_int_equal(o.release_threshold, SIZE_MAX);
  zcx_mr_t* pool = (zcx_mr_t*)&err;
  assert_int_equal(zcx_pool_mr_create(NULL, NULL, NULL, &err), EINVAL);
  o.struct_size = 1;
  assert_int_equal(zcx_pool_mr_create(NULL, &o, &pool, &err), EINVAL);
  assert_null(pool);
  zcx_pool_options_init(&o);
  o.growth_factor = -1.0;
  assert_int_equal(zcx_pool_mr_create(NULL, &o, &pool, &err), EINVAL);
  assert_non_null(strstr(err.message, "growth_factor"));
  zcx_pool_options_init(&o);
  o.initial_size = 4 * MIB;
  o.maximum_size = 2 * MIB;
  assert_int_equal(zcx_pool_mr_create(NULL, &o, &pool, &err), EINVAL);
  assert_non_null(strstr(err.message, "initial_size 4194304 exceeds maximum_size 2097152"));

  assert_int_equal(zcx_pool_mr_create(NULL, NULL, &pool, &err), 0);
  assert_string_equal(zcx_mr_kind(pool), "pool");
  assert_string_equal(zcx_mr_name(pool), "pool(system)");
  assert_string_equal(zcx_mr_kind(zcx_mr_upstream(pool)), "system");
  void* p = &err;
  assert_int_equal(zcx_mr_allocate(pool, 0, 0, NULL, &p, &err), EINVAL);
  assert_null(p);
  assert_int_equal(zcx_mr_allocate(pool, 10, 3, NULL, &p, &err), EINVAL);
  assert_int_equal(zcx_mr_allocate(pool, SIZE_MAX, 64, NULL, &p, &err), ENOMEM);
  assert_int_equal(zcx_mr_allocate(pool, SIZE_MAX / 4, 64, NULL, &p, &err), ENOMEM);
  assert_non_null(strstr(err.message, "cannot allocate"));
  assert_int_equal(zcx_mr_deallocate(pool, NULL, 8, NULL, &err), EINVAL);
  assert_int_equal(zcx_pool_mr_trim(NULL, 0, &err), EINVAL);
  assert_int_equal(zcx_pool_mr_set_leak_report(NULL, NULL, &err), EINVAL);
  zcx_mr_t* sys = zcx_mr_upstream(pool);
  assert_int_equal(zcx_pool_mr_trim(sys, 0, &err), EINVAL);
  assert_non_null(strstr(err.message, "system is not a pool"));
  assert_int_equal(zcx_pool_mr_set_leak_report(sys, NULL, &err), EINVAL);
  zcx_mr_stats_t st = stats_of(pool);
  assert_int_equal(st.failures, 1);  // SIZE_MAX / 4 reached the pool; SIZE_MAX did not
  assert_int_equal(st.allocations, 0);
  zcx_mr_release(pool);
}

static int by_address(const void* a, const void* b) {
  uintptr_t x = *(const uintptr_t*)a;
  uintptr_t y = *(const uintptr_t*)b;
  return x < y ? -1 : x > y;
}

static void test_alignment_and_no_overlap(void** state) {
  (void)state;
  zcx_mr_t* pool = make_pool(NULL, 0, 0, MIB, 4096);
  const size_t sizes[] = {1, 63, 64, 100, 4096, 4097, 100000};
  const size_t aligns[] = {0, 8, 64, 128, 256, 4096, 65536};
  enum { N = 7 * 7 };
  uintptr_t ptrs[N][2];
  int k = 0;
  for (size_t i = 0; i < 7; i++) {
    for (size_t j = 0; j < 7; j++) {
      void* p = NULL;
      assert_int_equal(zcx_mr_allocate(pool, sizes[i], aligns[j], NULL, &p, NULL), 0);
      size_t a = aligns[j] == 0 ? 64 : aligns[j];
      assert_int_equal((uintptr_t)p % a, 0);
      memset(p, (int)k, sizes[i]);
      ptrs[k][0] = (uintptr_t)p;
      ptrs[k][1] = sizes[i];
      k++;
    }
  }
  qsort(ptrs, N, sizeof(ptrs[0]), by_address);
  for (int i = 0; i + 1 < N; i++) {
    assert_true(ptrs[i][0] + ptrs[i][1] <= ptrs[i + 1][0]);
  }
  for (int i = 0; i < N; i++) {
    assert_int_equal(zcx_mr_deallocate(pool, (void*)ptrs[i][0], ptrs[i][1], NULL, NULL), 0);
  }
  assert_int_equal(stats_of(pool).current_count, 0);
  zcx_mr_release(pool);
}

static void test_exact_statistics(void** state) {
  (void)state;
  zcx_mr_t* pool = make_pool(NULL, MIB, 0, MIB, 4096);
  zcx_mr_stats_t st = stats_of(pool);
  assert_int_equal(st.reserved_bytes, MIB);
  assert_int_equal(st.free_bytes, MIB);
  assert_int_equal(st.largest_free_block, MIB);
  assert_int_equal(st.current_bytes, 0);
  assert_true(st.fragmentation == 0.0);
  void* a[3];
  for (int i = 0; i < 3; i++) {
    assert_int_equal(zcx_mr_allocate(pool, 8 * KIB, 0, NULL, &a[i], NULL), 0);
  }
  void* s;
  assert_int_equal(zcx_mr_allocate(pool, 100, 0, NULL, &s, NULL), 0);  // class of 128 bytes
  st = stats_of(pool);
  assert_int_equal(st.current_bytes, 3 * 8 * KIB + 100);
  assert_int_equal(st.peak_bytes, 3 * 8 * KIB + 100);
  assert_int_equal(st.total_bytes, 3 * 8 * KIB + 100);
  assert_int_equal(st.current_count, 4);
  assert_int_equal(st.peak_count, 4);
  assert_int_equal(st.allocations, 4);
  assert_int_equal(st.frees, 0);
  assert_int_equal(st.failures, 0);
  assert_int_equal(st.reserved_bytes, MIB);
  assert_int_equal(st.peak_reserved_bytes, MIB);
  assert_int_equal(st.free_bytes, MIB - 3 * 8 * KIB - 128);
  // The three blocks come first; the 64 KiB slab of small objects sits at the next 64 KiB
  // boundary; the rest of the chunk is the largest block.
  assert_int_equal(st.largest_free_block, MIB - 128 * KIB);
  assert_true(st.fragmentation > 0.0 && st.fragmentation < 1.0);
  double expect = 1.0 - (double)st.largest_free_block / (double)st.free_bytes;
  assert_true(st.fragmentation == expect);
  assert_int_equal(zcx_mr_deallocate(pool, a[1], 8 * KIB, NULL, NULL), 0);
  assert_int_equal(zcx_mr_deallocate(pool, s, 100, NULL, NULL), 0);
  st = stats_of(pool);
  assert_int_equal(st.current_bytes, 2 * 8 * KIB);
  assert_int_equal(st.peak_bytes, 3 * 8 * KIB + 100);
  assert_int_equal(st.current_count, 2);
  assert_int_equal(st.frees, 2);
  assert_int_equal(st.free_bytes, MIB - 2 * 8 * KIB);
  assert_int_equal(zcx_mr_deallocate(pool, a[0], 8 * KIB, NULL, NULL), 0);
  assert_int_equal(zcx_mr_deallocate(pool, a[2], 8 * KIB, NULL, NULL), 0);
  st = stats_of(pool);
  assert_int_equal(st.current_bytes, 0);
  assert_int_equal(st.current_count, 0);
  assert_int_equal(st.free_bytes, MIB);
  // The empty slab is kept for the next small request; trimming gives it back.
  assert_int_equal(st.largest_free_block, MIB - 128 * KIB);
  assert_int_equal(zcx_pool_mr_trim(pool, SIZE_MAX, NULL), 0);
  st = stats_of(pool);
  assert_int_equal(st.reserved_bytes, MIB);
  assert_int_equal(st.largest_free_block, MIB);
  assert_true(st.fragmentation == 0.0);
  assert_int_equal(zcx_pool_mr_trim(pool, 0, NULL), 0);
  st = stats_of(pool);
  assert_int_equal(st.reserved_bytes, 0);
  assert_int_equal(st.peak_reserved_bytes, MIB);
  assert_int_equal(st.free_bytes, 0);
  assert_int_equal(st.largest_free_block, 0);
  zcx_mr_release(pool);
}

static void test_coalescing(void** state) {
  (void)state;
  zcx_mr_t* pool = make_pool(NULL, MIB, MIB, MIB, 0);
  void* b[4];
  for (int i = 0; i < 4; i++) {
    assert_int_equal(zcx_mr_allocate(pool, 256 * KIB, 0, NULL, &b[i], NULL), 0);
  }
  for (int i = 0; i < 3; i++) {
    assert_ptr_equal((char*)b[i] + 256 * KIB, b[i + 1]);
  }
  void* x;
  assert_int_equal(zcx_mr_allocate(pool, 256, 0, NULL, &x, NULL), ENOMEM);
  assert_int_equal(stats_of(pool).largest_free_block, 0);
  assert_int_equal(zcx_mr_deallocate(pool, b[1], 256 * KIB, NULL, NULL), 0);
  assert_int_equal(stats_of(pool).largest_free_block, 256 * KIB);
  assert_int_equal(zcx_mr_deallocate(pool, b[0], 256 * KIB, NULL, NULL), 0);
  assert_int_equal(stats_of(pool).largest_free_block, 512 * KIB);
  assert_int_equal(zcx_mr_deallocate(pool, b[2], 256 * KIB, NULL, NULL), 0);
  zcx_mr_stats_t st = stats_of(pool);
  assert_int_equal(st.largest_free_block, 768 * KIB);
  assert_int_equal(st.free_bytes, 768 * KIB);
  assert_true(st.fragmentation == 0.0);
  // One block of the sum: a 768 KiB request fits where the three were.
  assert_int_equal(zcx_mr_allocate(pool, 768 * KIB, 0, NULL, &x, NULL), 0);
  assert_ptr_equal(x, b[0]);
  assert_int_equal(zcx_mr_deallocate(pool, x, 768 * KIB, NULL, NULL), 0);
  assert_int_equal(zcx_mr_deallocate(pool, b[3], 256 * KIB, NULL, NULL), 0);
  st = stats_of(pool);
  assert_int_equal(st.largest_free_block, MIB);
  // A fragmented pool: every other 64 KiB block is live; freeing the rest does not merge.
  void* c[16];
  for (int i = 0; i < 16; i++) {
    assert_int_equal(zcx_mr_allocate(pool, 64 * KIB, 0, NULL, &c[i], NULL), 0);
  }
  for (int i = 0; i < 16; i += 2) {
    assert_int_equal(zcx_mr_deallocate(pool, c[i], 64 * KIB, NULL, NULL), 0);
  }
  st = stats_of(pool);
  assert_int_equal(st.free_bytes, 512 * KIB);
  assert_int_equal(st.largest_free_block, 64 * KIB);
  assert_true(st.fragmentation > 0.85);
  assert_int_equal(zcx_mr_allocate(pool, 128 * KIB, 0, NULL, &x, NULL), ENOMEM);
  for (int i = 1; i < 16; i += 2) {
    assert_int_equal(zcx_mr_deallocate(pool, c[i], 64 * KIB, NULL, NULL), 0);
  }
  assert_int_equal(stats_of(pool).largest_free_block, MIB);
  zcx_mr_release(pool);
}

static void test_growth_and_maximum(void** state) {
  (void)state;
  zcx_mr_t* sys;
  assert_int_equal(zcx_system_mr_create(NULL, &sys, NULL), 0);
  zcx_pool_options_t o;
  zcx_pool_options_init(&o);
  o.maximum_size = 4 * MIB;
  o.min_chunk_size = MIB;
  o.growth_factor = 1.0;
  zcx_mr_t* pool = NULL;
  assert_int_equal(zcx_pool_mr_create(sys, &o, &pool, NULL), 0);
  zcx_mr_stats_t st = stats_of(pool);
  assert_int_equal(st.reserved_bytes, 0);
  void* b[16];
  int n = 0;
  zcx_error_t err;
  int rc;
  int64_t last_reserved = 0;
  while ((rc = zcx_mr_allocate(pool, 600 * KIB, 0, NULL, &b[n], &err)) == 0) {
    st = stats_of(pool);
    assert_true(st.reserved_bytes >= last_reserved);
    assert_true(st.reserved_bytes <= (int64_t)(4 * MIB));
    last_reserved = st.reserved_bytes;
    n++;
    assert_true(n < 16);
  }
  assert_int_equal(rc, ENOMEM);
  assert_true(n >= 5);  // 6 fit in 4 MiB if chunks were perfectly sized
  assert_non_null(strstr(err.message, "cannot allocate 614400 bytes"));
  assert_non_null(strstr(err.message, "maximum 4194304"));
  assert_non_null(strstr(err.message, "reserved"));
  assert_non_null(strstr(err.message, "largest free block"));
  // First 1 MiB (min_chunk_size), then geometric: 1 MiB, then 2 MiB.
  st = stats_of(pool);
  assert_int_equal(st.reserved_bytes, 4 * MIB);
  assert_int_equal(st.failures, 1);
  assert_int_equal(st.current_count, n);
  // The upstream holds exactly what the pool reserved.
  zcx_mr_stats_t up = stats_of(sys);
  assert_int_equal(up.current_bytes, st.reserved_bytes);
  // More than the maximum is refused at once.
  assert_int_equal(zcx_mr_allocate(pool, 5 * MIB, 0, NULL, &b[n], &err), ENOMEM);
  for (int i = 0; i < n; i++) {
    assert_int_equal(zcx_mr_deallocate(pool, b[i], 600 * KIB, NULL, NULL), 0);
  }
  st = stats_of(pool);
  assert_int_equal(st.current_bytes, 0);
  assert_int_equal(st.reserved_bytes, 4 * MIB);  // kept: release_threshold is unlimited
  assert_int_equal(zcx_pool_mr_trim(pool, 0, NULL), 0);
  assert_int_equal(stats_of(pool).reserved_bytes, 0);
  assert_int_equal(stats_of(sys).current_bytes, 0);
  zcx_mr_release(pool);
  assert_int_equal(stats_of(sys).current_count, 0);
  zcx_mr_release(sys);
}

static void test_trim_keeps_and_release_threshold(void** state) {
  (void)state;
  zcx_mr_t* pool = make_pool(NULL, 0, 0, MIB, 0);
  void* b[3];
  for (int i = 0; i < 3; i++) {
    assert_int_equal(zcx_mr_allocate(pool, MIB, 0, NULL, &b[i], NULL), 0);
  }
  zcx_mr_stats_t st = stats_of(pool);
  assert_int_equal(st.reserved_bytes, 3 * MIB);  // 1 + 1 + 1: big requests get their size
  for (int i = 0; i < 3; i++) {
    assert_int_equal(zcx_mr_deallocate(pool, b[i], MIB, NULL, NULL), 0);
  }
  assert_int_equal(stats_of(pool).reserved_bytes, 3 * MIB);
  // Keep 2 MiB: chunks go until no more than that is cached.
  assert_int_equal(zcx_pool_mr_trim(pool, 2 * MIB, NULL), 0);
  st = stats_of(pool);
  assert_int_equal(st.reserved_bytes, 2 * MIB);
  assert_int_equal(zcx_pool_mr_trim(pool, 0, NULL), 0);
  assert_int_equal(stats_of(pool).reserved_bytes, 0);
  zcx_mr_release(pool);

  // With a release threshold of 0, a chunk goes back as soon as it is wholly free.
  zcx_pool_options_t o;
  zcx_pool_options_init(&o);
  o.min_chunk_size = MIB;
  o.release_threshold = 0;
  assert_int_equal(zcx_pool_mr_create(NULL, &o, &pool, NULL), 0);
  void* x;
  void* y;
  assert_int_equal(zcx_mr_allocate(pool, 100 * KIB, 0, NULL, &x, NULL), 0);
  assert_int_equal(zcx_mr_allocate(pool, 100 * KIB, 0, NULL, &y, NULL), 0);
  assert_int_equal(zcx_mr_deallocate(pool, x, 100 * KIB, NULL, NULL), 0);
  assert_int_equal(stats_of(pool).reserved_bytes, MIB);  // y still lives in the chunk
  assert_int_equal(zcx_mr_deallocate(pool, y, 100 * KIB, NULL, NULL), 0);
  assert_int_equal(stats_of(pool).reserved_bytes, 0);
  zcx_mr_release(pool);
}

static void test_bad_frees(void** state) {
  (void)state;
  zcx_mr_t* pool = make_pool(NULL, 0, 0, MIB, 4096);
  zcx_error_t err;
  char ptr[32];
  void* big;
  void* small;
  assert_int_equal(zcx_mr_allocate(pool, 10000, 0, NULL, &big, NULL), 0);
  assert_int_equal(zcx_mr_allocate(pool, 200, 0, NULL, &small, NULL), 0);
  // Wrong sizes.
  assert_int_equal(zcx_mr_deallocate(pool, big, 10001, NULL, &err), EINVAL);
  fmt_ptr(ptr, sizeof(ptr), big);
  assert_non_null(strstr(err.message, ptr));
  assert_non_null(strstr(err.message, "allocated with 10000"));
  assert_int_equal(zcx_mr_deallocate(pool, small, 199, NULL, &err), EINVAL);
  assert_non_null(strstr(err.message, "allocated with 200"));
  // Foreign pointers: the stack, and inside live blocks.
  int local;
  assert_int_equal(zcx_mr_deallocate(pool, &local, 4, NULL, &err), EINVAL);
  fmt_ptr(ptr, sizeof(ptr), &local);
  assert_non_null(strstr(err.message, ptr));
  assert_int_equal(zcx_mr_deallocate(pool, (char*)big + 256, 256, NULL, &err), EINVAL);
  assert_int_equal(zcx_mr_deallocate(pool, (char*)small + 8, 200, NULL, &err), EINVAL);
  assert_non_null(strstr(err.message, "not the start"));
  // A free neighbour object in the slab was never handed out.
  assert_int_equal(zcx_mr_deallocate(pool, (char*)small + 256, 200, NULL, &err), EINVAL);
  // Double frees.
  assert_int_equal(zcx_mr_deallocate(pool, big, 10000, NULL, &err), 0);
  assert_int_equal(zcx_mr_deallocate(pool, big, 10000, NULL, &err), EINVAL);
  fmt_ptr(ptr, sizeof(ptr), big);
  assert_non_null(strstr(err.message, ptr));
  assert_non_null(strstr(err.message, "freed twice"));
  assert_int_equal(zcx_mr_deallocate(pool, small, 200, NULL, &err), 0);
  assert_int_equal(zcx_mr_deallocate(pool, small, 200, NULL, &err), EINVAL);
  // A double free on a stream is caught as well, and leaves nothing pending.
  zcx_stream_t* s;
  assert_int_equal(zcx_host_stream_create(&s, NULL), 0);
  assert_int_equal(zcx_mr_deallocate(pool, big, 10000, s, &err), EINVAL);
  assert_int_equal(zcx_mr_deallocate(pool, small, 200, s, &err), EINVAL);
  zcx_stream_release(s);
  // The pool is consistent: counts are right and the memory is usable again.
  zcx_mr_stats_t st = stats_of(pool);
  assert_int_equal(st.frees, 2);
  assert_int_equal(st.current_count, 0);
  assert_int_equal(st.current_bytes, 0);
  assert_int_equal(st.free_bytes, st.reserved_bytes);
  void* again;
  assert_int_equal(zcx_mr_allocate(pool, 10000, 0, NULL, &again, NULL), 0);
  assert_ptr_equal(again, big);
  assert_int_equal(zcx_mr_deallocate(pool, again, 10000, NULL, NULL), 0);
  zcx_mr_release(pool);
}

static void test_failing_upstream(void** state) {
  (void)state;
  int destroyed = 0;
  test_upstream_t* up = test_upstream_create(0, &destroyed);
  zcx_mr_t* pool = make_pool(&up->base, 0, 0, MIB, 4096);
  zcx_mr_release(&up->base);  // the pool holds its own reference
  assert_int_equal(destroyed, 0);
  assert_string_equal(zcx_mr_name(pool), "pool(failing)");
  zcx_error_t err;
  void* p = &err;
  assert_int_equal(zcx_mr_allocate(pool, 5000, 0, NULL, &p, &err), ENOMEM);
  assert_null(p);
  assert_non_null(strstr(err.message, "cannot allocate 5000 bytes"));
  assert_non_null(strstr(err.message, "reserved 0 bytes"));
  assert_non_null(strstr(err.message, "upstream: no memory here"));
  assert_int_equal(zcx_mr_allocate(pool, 100, 0, NULL, &p, &err), ENOMEM);
  assert_non_null(strstr(err.message, "cannot allocate"));
  zcx_mr_stats_t st = stats_of(pool);
  assert_int_equal(st.failures, 2);
  assert_int_equal(st.reserved_bytes, 0);
  zcx_mr_release(pool);
  assert_int_equal(destroyed, 1);

  // An upstream that gives one chunk: the pool works inside it, then fails cleanly.
  destroyed = 0;
  up = test_upstream_create(1, &destroyed);
  pool = make_pool(&up->base, 0, 0, MIB, 4096);
  void* a;
  assert_int_equal(zcx_mr_allocate(pool, 512 * KIB, 0, NULL, &a, NULL), 0);
  assert_int_equal(up->live, 1);
  assert_int_equal(zcx_mr_allocate(pool, MIB, 0, NULL, &p, &err), ENOMEM);
  assert_non_null(strstr(err.message, "no memory here"));
  assert_int_equal(zcx_mr_deallocate(pool, a, 512 * KIB, NULL, NULL), 0);
  assert_int_equal(zcx_pool_mr_trim(pool, 0, NULL), 0);
  assert_int_equal(up->live, 0);
  zcx_mr_release(&up->base);
  zcx_mr_release(pool);
  assert_int_equal(destroyed, 1);

  // A pool whose initial chunk cannot be drawn is not created, and drops its reference.
  destroyed = 0;
  up = test_upstream_create(0, &destroyed);
  zcx_pool_options_t o;
  zcx_pool_options_init(&o);
  o.initial_size = MIB;
  pool = (zcx_mr_t*)&err;
  assert_int_equal(zcx_pool_mr_create(&up->base, &o, &pool, &err), ENOMEM);
  assert_null(pool);
  assert_non_null(strstr(err.message, "initial_size"));
  zcx_mr_release(&up->base);
  assert_int_equal(destroyed, 1);
}

// ---------------------------------------------------------------------------------------------
// Stream order

// A kernel stand-in: waits for its gate (or sleeps when there is none), writes the block,
// then sets its flag.
typedef struct writer {
  zcxt_gate_t* gate;
  unsigned char* block;
  size_t size;
  atomic_int done;
} writer_t;

static void writer_task(void* arg) {
  writer_t* w = arg;
  if (w->gate != NULL) {
    zcxt_gate_wait(w->gate);
  } else {
    usleep(50000);
  }
  memset(w->block, 0xab, w->size);
  atomic_store(&w->done, 1);
}

static void test_stream_order_large_blocks(void** state) {
  (void)state;
  zcx_stream_t* a;
  zcx_stream_t* b;
  assert_int_equal(zcx_host_stream_create(&a, NULL), 0);
  assert_int_equal(zcx_host_stream_create(&b, NULL), 0);
  zcx_mr_t* pool = make_pool(NULL, MIB, 0, MIB, 4096);
  zcxt_gate_t gate;
  zcxt_gate_init(&gate);
  void* p;
  assert_int_equal(zcx_mr_allocate(pool, MIB, 0, a, &p, NULL), 0);
  writer_t w = {&gate, p, MIB, 0};
  assert_int_equal(zcx_stream_enqueue(a, writer_task, &w, NULL), 0);
  assert_int_equal(zcx_mr_deallocate(pool, p, MIB, a, NULL), 0);
  // A reuses its own block at once, its work being ordered after the writer.
  void* q;
  assert_int_equal(zcx_mr_allocate(pool, MIB, 0, a, &q, NULL), 0);
  assert_ptr_equal(q, p);
  assert_int_equal(atomic_load(&w.done), 0);
  assert_int_equal(zcx_mr_deallocate(pool, q, MIB, a, NULL), 0);
  // B and synchronous callers must not get it while the writer is pending: they get new
  // memory instead of waiting (nothing limits the pool).
  void* r;
  void* n;
  assert_int_equal(zcx_mr_allocate(pool, 512 * KIB, 0, b, &r, NULL), 0);
  assert_int_equal(zcx_mr_allocate(pool, 300, 0, NULL, &n, NULL), 0);
  assert_int_equal(atomic_load(&w.done), 0);
  uintptr_t lo = (uintptr_t)p;
  uintptr_t hi = lo + MIB;
  assert_true((uintptr_t)r >= hi || (uintptr_t)r + 512 * KIB <= lo);
  assert_true((uintptr_t)n >= hi || (uintptr_t)n + 300 <= lo);
  assert_int_equal(stats_of(pool).reserved_bytes, 2 * MIB);
  zcxt_gate_open(&gate);
  assert_int_equal(zcx_stream_synchronize(a, NULL), 0);
  assert_int_equal(atomic_load(&w.done), 1);
  assert_int_equal(zcx_mr_deallocate(pool, r, 512 * KIB, b, NULL), 0);
  assert_int_equal(zcx_mr_deallocate(pool, n, 300, NULL, NULL), 0);
  // Once A's event has completed, its block is everyone's again.
  assert_int_equal(zcx_stream_synchronize(b, NULL), 0);
  assert_int_equal(zcx_pool_mr_trim(pool, SIZE_MAX, NULL), 0);
  zcx_mr_stats_t st = stats_of(pool);
  assert_int_equal(st.largest_free_block, MIB);
  assert_int_equal(st.free_bytes, st.reserved_bytes);
  zcx_mr_release(pool);
  zcxt_gate_destroy(&gate);

  // With a pool at its maximum, B has to wait for A's work before it gets the block.
  pool = make_pool(NULL, MIB, MIB, MIB, 0);
  assert_int_equal(zcx_mr_allocate(pool, MIB, 0, a, &p, NULL), 0);
  writer_t slow = {NULL, p, MIB, 0};
  assert_int_equal(zcx_stream_enqueue(a, writer_task, &slow, NULL), 0);
  assert_int_equal(zcx_mr_deallocate(pool, p, MIB, a, NULL), 0);
  assert_int_equal(zcx_mr_allocate(pool, MIB, 0, b, &q, NULL), 0);
  assert_int_equal(atomic_load(&slow.done), 1);  // B got it only after the writer ran
  assert_ptr_equal(q, p);
  assert_int_equal(zcx_mr_deallocate(pool, q, MIB, b, NULL), 0);
  zcx_mr_release(pool);  // waits for b's event before giving the chunk back
  zcx_stream_release(a);
  zcx_stream_release(b);
}

static void test_stream_order_small_blocks(void** state) {
  (void)state;
  zcx_stream_t* a;
  zcx_stream_t* b;
  assert_int_equal(zcx_host_stream_create(&a, NULL), 0);
  assert_int_equal(zcx_host_stream_create(&b, NULL), 0);
  zcx_mr_t* pool = make_pool(NULL, 0, 0, MIB, 4096);
  zcxt_gate_t gate;
  zcxt_gate_init(&gate);
  void* p;
  assert_int_equal(zcx_mr_allocate(pool, 256, 0, NULL, &p, NULL), 0);
  writer_t w = {&gate, p, 256, 0};
  assert_int_equal(zcx_stream_enqueue(a, writer_task, &w, NULL), 0);
  assert_int_equal(zcx_mr_deallocate(pool, p, 256, a, NULL), 0);
  void* q;
  assert_int_equal(zcx_mr_allocate(pool, 256, 0, a, &q, NULL), 0);
  assert_ptr_equal(q, p);  // A's own object, at once
  assert_int_equal(zcx_mr_deallocate(pool, q, 256, a, NULL), 0);
  void* others[64];
  for (int i = 0; i < 64; i++) {
    assert_int_equal(zcx_mr_allocate(pool, 256, 0, i % 2 ? b : NULL, &others[i], NULL), 0);
    assert_ptr_not_equal(others[i], p);
  }
  assert_int_equal(atomic_load(&w.done), 0);
  zcxt_gate_open(&gate);
  assert_int_equal(zcx_stream_synchronize(a, NULL), 0);
  assert_int_equal(atomic_load(&w.done), 1);
  for (int i = 0; i < 64; i++) {
    assert_int_equal(zcx_mr_deallocate(pool, others[i], 256, NULL, NULL), 0);
  }
  zcx_mr_stats_t st = stats_of(pool);
  assert_int_equal(st.current_count, 0);
  assert_int_equal(st.free_bytes, st.reserved_bytes);
  zcx_mr_release(pool);
  zcxt_gate_destroy(&gate);
  zcx_stream_release(a);
  zcx_stream_release(b);
}

// ---------------------------------------------------------------------------------------------
// The cache of freed large blocks

static void test_cache_reuse(void** state) {
  (void)state;
  zcx_mr_t* pool = make_pool(NULL, 0, 0, MIB, 0);
  const size_t size = 115 * KIB;  // 460 granules: its size bin spans 448 .. 463
  void* a;
  void* b;
  assert_int_equal(zcx_mr_allocate(pool, size, 0, NULL, &a, NULL), 0);
  assert_int_equal(zcx_mr_allocate(pool, size, 0, NULL, &b, NULL), 0);
  assert_int_equal(zcx_mr_deallocate(pool, a, size, NULL, NULL), 0);
  // The same size takes the same block back, again and again.
  for (int i = 0; i < 3; i++) {
    void* x;
    assert_int_equal(zcx_mr_allocate(pool, size, 0, NULL, &x, NULL), 0);
    assert_ptr_equal(x, a);
    memset(x, i, size);
    assert_int_equal(zcx_mr_deallocate(pool, x, size, NULL, NULL), 0);
  }
  // A slightly smaller request of the same size bin too, and its requested size is what a
  // free must name.
  void* c;
  assert_int_equal(zcx_mr_allocate(pool, 113 * KIB, 0, NULL, &c, NULL), 0);
  assert_ptr_equal(c, a);
  // Taken whole, not split: the 2 KiB beyond the request are handed out with it.
  zcx_mr_stats_t st = stats_of(pool);
  assert_int_equal(st.free_bytes, st.reserved_bytes - 2 * (int64_t)size);
  assert_int_equal(st.current_bytes, size + 113 * KIB);
  zcx_error_t err;
  assert_int_equal(zcx_mr_deallocate(pool, c, size, NULL, &err), EINVAL);
  assert_non_null(strstr(err.message, "allocated with 115712"));
  assert_int_equal(zcx_mr_deallocate(pool, c, 113 * KIB, NULL, NULL), 0);
  // The same size with an alignment the cached block does not have is served elsewhere.
  void* d;
  bool aligned = ((uintptr_t)a & (256 * KIB - 1)) == 0;
  assert_int_equal(zcx_mr_allocate(pool, size, 256 * KIB, NULL, &d, NULL), 0);
  assert_int_equal((uintptr_t)d % (256 * KIB), 0);
  if (!aligned) {
    assert_ptr_not_equal(d, a);
  }
  assert_int_equal(zcx_mr_deallocate(pool, d, size, NULL, NULL), 0);
  assert_int_equal(zcx_mr_deallocate(pool, b, size, NULL, NULL), 0);
  zcx_mr_release(pool);
  // A request of the same bin larger than the cached block is not served by it (the block
  // sits between two live ones: it cannot grow by merging either).
  pool = make_pool(NULL, 0, 0, MIB, 0);
  void* q[3];
  for (int i = 0; i < 3; i++) {
    assert_int_equal(zcx_mr_allocate(pool, size, 0, NULL, &q[i], NULL), 0);
  }
  assert_ptr_equal((char*)q[0] + size, q[1]);
  assert_ptr_equal((char*)q[1] + size, q[2]);
  assert_int_equal(zcx_mr_deallocate(pool, q[1], size, NULL, NULL), 0);
  void* e;
  assert_int_equal(zcx_mr_allocate(pool, size + 512, 0, NULL, &e, NULL), 0);
  assert_true((uintptr_t)e >= (uintptr_t)q[2] + size ||
              (uintptr_t)e + size + 512 <= (uintptr_t)q[0]);
  assert_int_equal(zcx_mr_deallocate(pool, e, size + 512, NULL, NULL), 0);
  assert_int_equal(zcx_mr_deallocate(pool, q[0], size, NULL, NULL), 0);
  assert_int_equal(zcx_mr_deallocate(pool, q[2], size, NULL, NULL), 0);
  // Many blocks of many sizes: more than the cache holds. Every one comes back intact.
  enum { N = 100 };
  void* p[N];
  for (int i = 0; i < N; i++) {
    assert_int_equal(zcx_mr_allocate(pool, (size_t)(8 + i) * KIB, 0, NULL, &p[i], NULL), 0);
    memset(p[i], i, (size_t)(8 + i) * KIB);
  }
  for (int i = 0; i < N; i++) {
    assert_int_equal(zcx_mr_deallocate(pool, p[i], (size_t)(8 + i) * KIB, NULL, NULL), 0);
  }
  for (int i = N - 1; i >= 0; i--) {
    assert_int_equal(zcx_mr_allocate(pool, (size_t)(8 + i) * KIB, 0, NULL, &p[i], NULL), 0);
  }
  for (int i = 0; i < N; i++) {
    assert_int_equal(zcx_mr_deallocate(pool, p[i], (size_t)(8 + i) * KIB, NULL, NULL), 0);
  }
  st = stats_of(pool);
  assert_int_equal(st.current_count, 0);
  assert_int_equal(st.free_bytes, st.reserved_bytes);
  assert_int_equal(st.allocations, st.frees);
  zcx_mr_release(pool);
}

static void test_cache_bad_frees(void** state) {
  (void)state;
  zcx_mr_t* pool = make_pool(NULL, 0, 0, MIB, 4096);
  zcx_error_t err;
  char ptr[32];
  void* big;
  assert_int_equal(zcx_mr_allocate(pool, 50000, 0, NULL, &big, NULL), 0);
  assert_int_equal(zcx_mr_deallocate(pool, big, 50000, NULL, NULL), 0);  // now cached
  // Freeing the cached block again, with any size, on any stream, is a double free.
  assert_int_equal(zcx_mr_deallocate(pool, big, 50000, NULL, &err), EINVAL);
  fmt_ptr(ptr, sizeof(ptr), big);
  assert_non_null(strstr(err.message, ptr));
  assert_non_null(strstr(err.message, "freed twice"));
  assert_int_equal(zcx_mr_deallocate(pool, big, 123, NULL, &err), EINVAL);
  zcx_stream_t* s;
  assert_int_equal(zcx_host_stream_create(&s, NULL), 0);
  assert_int_equal(zcx_mr_deallocate(pool, big, 50000, s, &err), EINVAL);
  assert_non_null(strstr(err.message, "freed twice"));
  // Inside the cached block is foreign.
  assert_int_equal(zcx_mr_deallocate(pool, (char*)big + 256, 256, NULL, &err), EINVAL);
  zcx_mr_stats_t st = stats_of(pool);
  assert_int_equal(st.frees, 1);
  assert_int_equal(st.current_count, 0);
  assert_int_equal(st.free_bytes, st.reserved_bytes);
  // Still usable, and the block taken back from the cache is live again: freeing it works
  // once, on a stream as well.
  void* again;
  assert_int_equal(zcx_mr_allocate(pool, 50000, 0, NULL, &again, NULL), 0);
  assert_ptr_equal(again, big);
  assert_int_equal(zcx_mr_deallocate(pool, again, 50000, s, NULL), 0);
  assert_int_equal(zcx_mr_deallocate(pool, again, 50000, s, &err), EINVAL);
  assert_int_equal(zcx_stream_synchronize(s, NULL), 0);
  zcx_stream_release(s);
  st = stats_of(pool);
  assert_int_equal(st.frees, 2);
  assert_int_equal(st.current_count, 0);
  zcx_mr_release(pool);
}

static void test_cache_exact_statistics(void** state) {
  (void)state;
  zcx_mr_t* pool = make_pool(NULL, MIB, 0, MIB, 0);
  void* a[4];
  for (int i = 0; i < 4; i++) {
    assert_int_equal(zcx_mr_allocate(pool, 64 * KIB, 0, NULL, &a[i], NULL), 0);
  }
  assert_int_equal(zcx_mr_deallocate(pool, a[1], 64 * KIB, NULL, NULL), 0);
  assert_int_equal(zcx_mr_deallocate(pool, a[2], 64 * KIB, NULL, NULL), 0);
  // Two neighbours freed (and cached): counted as one free block of their sum.
  zcx_mr_stats_t st = stats_of(pool);
  assert_int_equal(st.current_bytes, 2 * 64 * KIB);
  assert_int_equal(st.current_count, 2);
  assert_int_equal(st.allocations, 4);
  assert_int_equal(st.frees, 2);
  assert_int_equal(st.reserved_bytes, MIB);
  assert_int_equal(st.free_bytes, MIB - 2 * 64 * KIB);
  assert_int_equal(st.largest_free_block, MIB - 4 * 64 * KIB);
  double expect = 1.0 - (double)st.largest_free_block / (double)st.free_bytes;
  assert_true(st.fragmentation == expect);
  // A block of their sum fits where they were.
  void* x;
  assert_int_equal(zcx_mr_allocate(pool, 128 * KIB, 0, NULL, &x, NULL), 0);
  assert_ptr_equal(x, a[1]);
  // Cached again, then served again from the cache: the counts follow every step.
  assert_int_equal(zcx_mr_deallocate(pool, x, 128 * KIB, NULL, NULL), 0);
  assert_int_equal(zcx_mr_deallocate(pool, a[3], 64 * KIB, NULL, NULL), 0);
  void* again;
  assert_int_equal(zcx_mr_allocate(pool, 64 * KIB, 0, NULL, &again, NULL), 0);
  assert_ptr_equal(again, a[3]);
  st = stats_of(pool);
  assert_int_equal(st.current_bytes, 2 * 64 * KIB);
  assert_int_equal(st.peak_bytes, 4 * 64 * KIB);
  assert_int_equal(st.total_bytes, 7 * 64 * KIB);
  assert_int_equal(st.current_count, 2);
  assert_int_equal(st.allocations, 6);
  assert_int_equal(st.frees, 4);
  assert_int_equal(st.free_bytes, MIB - 2 * 64 * KIB);
  assert_int_equal(st.largest_free_block, MIB - 4 * 64 * KIB);
  assert_int_equal(zcx_mr_deallocate(pool, a[0], 64 * KIB, NULL, NULL), 0);
  assert_int_equal(zcx_mr_deallocate(pool, a[3], 64 * KIB, NULL, NULL), 0);
  st = stats_of(pool);
  assert_int_equal(st.current_bytes, 0);
  assert_int_equal(st.free_bytes, MIB);
  assert_int_equal(st.largest_free_block, MIB);
  assert_true(st.fragmentation == 0.0);
  // A full pool (maximum reached) uses its cached blocks before failing: two cached
  // halves serve a request of the whole.
  zcx_mr_release(pool);
  pool = make_pool(NULL, MIB, MIB, MIB, 0);
  void* h[2];
  assert_int_equal(zcx_mr_allocate(pool, MIB / 2, 0, NULL, &h[0], NULL), 0);
  assert_int_equal(zcx_mr_allocate(pool, MIB / 2, 0, NULL, &h[1], NULL), 0);
  assert_int_equal(zcx_mr_deallocate(pool, h[0], MIB / 2, NULL, NULL), 0);
  assert_int_equal(zcx_mr_deallocate(pool, h[1], MIB / 2, NULL, NULL), 0);
  assert_int_equal(zcx_mr_allocate(pool, MIB, 0, NULL, &x, NULL), 0);
  assert_ptr_equal(x, h[0]);
  assert_int_equal(zcx_mr_deallocate(pool, x, MIB, NULL, NULL), 0);
  zcx_mr_release(pool);
}

static void test_cache_stream_order(void** state) {
  (void)state;
  zcx_stream_t* a;
  zcx_stream_t* b;
  assert_int_equal(zcx_host_stream_create(&a, NULL), 0);
  assert_int_equal(zcx_host_stream_create(&b, NULL), 0);
  zcx_mr_t* pool = make_pool(NULL, 0, 0, MIB, 0);
  // A block freed synchronously is ready for every stream: B takes it from the cache.
  void* x;
  assert_int_equal(zcx_mr_allocate(pool, 200 * KIB, 0, NULL, &x, NULL), 0);
  assert_int_equal(zcx_mr_deallocate(pool, x, 200 * KIB, NULL, NULL), 0);
  void* y;
  assert_int_equal(zcx_mr_allocate(pool, 200 * KIB, 0, a, &y, NULL), 0);
  assert_ptr_equal(y, x);
  // Freed on A while A's work still writes it, it is not cached for others: neither a
  // synchronous caller nor B gets it, while A does.
  zcxt_gate_t gate;
  zcxt_gate_init(&gate);
  writer_t w = {&gate, y, 200 * KIB, 0};
  assert_int_equal(zcx_stream_enqueue(a, writer_task, &w, NULL), 0);
  assert_int_equal(zcx_mr_deallocate(pool, y, 200 * KIB, a, NULL), 0);
  void* n;
  void* m;
  assert_int_equal(zcx_mr_allocate(pool, 200 * KIB, 0, NULL, &n, NULL), 0);
  assert_int_equal(zcx_mr_allocate(pool, 200 * KIB, 0, b, &m, NULL), 0);
  uintptr_t lo = (uintptr_t)y;
  uintptr_t hi = lo + 200 * KIB;
  assert_true((uintptr_t)n >= hi || (uintptr_t)n + 200 * KIB <= lo);
  assert_true((uintptr_t)m >= hi || (uintptr_t)m + 200 * KIB <= lo);
  // Those two go to the cache; a synchronous request of that size still avoids y.
  assert_int_equal(zcx_mr_deallocate(pool, n, 200 * KIB, NULL, NULL), 0);
  assert_int_equal(zcx_mr_deallocate(pool, m, 200 * KIB, NULL, NULL), 0);
  void* k[3];
  for (int i = 0; i < 3; i++) {
    assert_int_equal(zcx_mr_allocate(pool, 200 * KIB, 0, NULL, &k[i], NULL), 0);
    assert_true((uintptr_t)k[i] >= hi || (uintptr_t)k[i] + 200 * KIB <= lo);
  }
  void* own;
  assert_int_equal(zcx_mr_allocate(pool, 200 * KIB, 0, a, &own, NULL), 0);
  assert_ptr_equal(own, y);
  assert_int_equal(atomic_load(&w.done), 0);
  assert_int_equal(zcx_mr_deallocate(pool, own, 200 * KIB, a, NULL), 0);
  zcxt_gate_open(&gate);
  assert_int_equal(zcx_stream_synchronize(a, NULL), 0);
  assert_int_equal(atomic_load(&w.done), 1);
  for (int i = 0; i < 3; i++) {
    assert_int_equal(zcx_mr_deallocate(pool, k[i], 200 * KIB, NULL, NULL), 0);
  }
  zcx_mr_stats_t st = stats_of(pool);
  assert_int_equal(st.current_count, 0);
  assert_int_equal(st.free_bytes, st.reserved_bytes);
  zcx_mr_release(pool);
  zcxt_gate_destroy(&gate);
  zcx_stream_release(a);
  zcx_stream_release(b);
}

static void test_cache_trim_and_leaks(void** state) {
  (void)state;
  zcx_mr_t* sys;
  assert_int_equal(zcx_system_mr_create(NULL, &sys, NULL), 0);
  zcx_mr_t* pool = make_pool(sys, 0, 0, MIB, 0);
  FILE* sink = tmpfile();
  assert_non_null(sink);
  assert_int_equal(zcx_pool_mr_set_leak_report(pool, sink, NULL), 0);
  void* a;
  void* b;
  void* c;
  assert_int_equal(zcx_mr_allocate(pool, MIB, 0, NULL, &a, NULL), 0);  // a chunk of its own
  assert_int_equal(zcx_mr_allocate(pool, 300 * KIB, 0, NULL, &b, NULL), 0);
  assert_int_equal(zcx_mr_allocate(pool, 22222, 0, NULL, &c, NULL), 0);
  assert_int_equal(zcx_mr_deallocate(pool, a, MIB, NULL, NULL), 0);
  assert_int_equal(zcx_mr_deallocate(pool, b, 300 * KIB, NULL, NULL), 0);
  // The cached chunk goes back on trim; the one holding c stays.
  assert_int_equal(zcx_pool_mr_trim(pool, 0, NULL), 0);
  assert_int_equal(stats_of(pool).reserved_bytes, MIB);
  assert_int_equal(stats_of(sys).current_bytes, MIB);
  // Cached blocks are no leaks; c is one.
  assert_int_equal(zcx_mr_allocate(pool, 300 * KIB, 0, NULL, &b, NULL), 0);
  assert_int_equal(zcx_mr_deallocate(pool, b, 300 * KIB, NULL, NULL), 0);
  zcx_mr_release(pool);
  assert_int_equal(stats_of(sys).current_bytes, 0);
  zcx_mr_release(sys);
  rewind(sink);
  char text[1024];
  size_t n = fread(text, 1, sizeof(text) - 1, sink);
  text[n] = '\0';
  fclose(sink);
  assert_non_null(strstr(text, "22222 bytes"));
  assert_null(strstr(text, "307200 bytes"));
  assert_null(strstr(text, "1048576 bytes"));
}

static void test_release_threshold_with_cache_and_streams(void** state) {
  (void)state;
  zcx_pool_options_t o;
  zcx_pool_options_init(&o);
  o.min_chunk_size = MIB;
  o.small_block_max = 0;
  o.release_threshold = 3 * MIB;
  zcx_mr_t* pool = NULL;
  assert_int_equal(zcx_pool_mr_create(NULL, &o, &pool, NULL), 0);
  void* b[4];
  for (int i = 0; i < 4; i++) {
    assert_int_equal(zcx_mr_allocate(pool, MIB, 0, NULL, &b[i], NULL), 0);
  }
  assert_int_equal(stats_of(pool).reserved_bytes, 4 * MIB);
  // Under the threshold a freed block is kept (and cached: it comes back).
  assert_int_equal(zcx_mr_deallocate(pool, b[0], MIB, NULL, NULL), 0);
  void* x;
  assert_int_equal(zcx_mr_allocate(pool, MIB, 0, NULL, &x, NULL), 0);
  assert_ptr_equal(x, b[0]);
  for (int i = 0; i < 4; i++) {
    assert_int_equal(zcx_mr_deallocate(pool, b[i], MIB, NULL, NULL), 0);
  }
  // Over it, chunks go until no more than 3 MiB is free.
  zcx_mr_stats_t st = stats_of(pool);
  assert_int_equal(st.reserved_bytes, 3 * MIB);
  assert_int_equal(st.free_bytes, 3 * MIB);
  zcx_mr_release(pool);

  // Threshold 0: a block freed on a stream goes back once its event has completed, at the
  // next free.
  o.release_threshold = 0;
  assert_int_equal(zcx_pool_mr_create(NULL, &o, &pool, NULL), 0);
  zcx_stream_t* s;
  assert_int_equal(zcx_host_stream_create(&s, NULL), 0);
  zcxt_gate_t gate;
  zcxt_gate_init(&gate);
  void* y;
  void* z;
  assert_int_equal(zcx_mr_allocate(pool, MIB, 0, s, &y, NULL), 0);
  writer_t w = {&gate, y, MIB, 0};
  assert_int_equal(zcx_stream_enqueue(s, writer_task, &w, NULL), 0);
  assert_int_equal(zcx_mr_deallocate(pool, y, MIB, s, NULL), 0);
  assert_int_equal(stats_of(pool).reserved_bytes, MIB);  // pending on s: kept
  assert_int_equal(zcx_mr_allocate(pool, 64 * KIB, 0, NULL, &z, NULL), 0);
  assert_true((uintptr_t)z >= (uintptr_t)y + MIB || (uintptr_t)z + 64 * KIB <= (uintptr_t)y);
  assert_int_equal(stats_of(pool).reserved_bytes, 2 * MIB);
  zcxt_gate_open(&gate);
  assert_int_equal(zcx_stream_synchronize(s, NULL), 0);
  assert_int_equal(zcx_mr_deallocate(pool, z, 64 * KIB, NULL, NULL), 0);
  assert_int_equal(stats_of(pool).reserved_bytes, 0);
  zcx_mr_release(pool);
  zcxt_gate_destroy(&gate);
  zcx_stream_release(s);
}

// ---------------------------------------------------------------------------------------------
// Growth

static void test_growth_folds_free_chunks(void** state) {
  (void)state;
  zcx_mr_t* sys;
  assert_int_equal(zcx_system_mr_create(NULL, &sys, NULL), 0);
  zcx_mr_t* pool = make_pool(sys, 0, 0, MIB, 0);
  void* a;
  void* b;
  assert_int_equal(zcx_mr_allocate(pool, MIB, 0, NULL, &a, NULL), 0);
  assert_int_equal(zcx_mr_deallocate(pool, a, MIB, NULL, NULL), 0);
  // The free 1 MiB chunk cannot hold 3 MiB: it is folded into a chunk of 4 MiB.
  assert_int_equal(zcx_mr_allocate(pool, 3 * MIB, 0, NULL, &b, NULL), 0);
  zcx_mr_stats_t st = stats_of(pool);
  assert_int_equal(st.reserved_bytes, 4 * MIB);
  assert_int_equal(stats_of(sys).current_bytes, 4 * MIB);
  assert_int_equal(st.largest_free_block, MIB);
  // ... so that a 1 MiB request needs no more memory.
  assert_int_equal(zcx_mr_allocate(pool, MIB, 0, NULL, &a, NULL), 0);
  assert_int_equal(stats_of(pool).reserved_bytes, 4 * MIB);
  assert_int_equal(zcx_mr_deallocate(pool, a, MIB, NULL, NULL), 0);
  assert_int_equal(zcx_mr_deallocate(pool, b, 3 * MIB, NULL, NULL), 0);
  zcx_mr_release(pool);

  // Under a maximum that cannot hold both, the free chunk goes back first.
  pool = make_pool(sys, 0, 4 * MIB, MIB, 0);
  void* c;
  assert_int_equal(zcx_mr_allocate(pool, MIB, 0, NULL, &a, NULL), 0);
  assert_int_equal(zcx_mr_allocate(pool, MIB, 0, NULL, &b, NULL), 0);
  assert_int_equal(zcx_mr_deallocate(pool, a, MIB, NULL, NULL), 0);
  assert_int_equal(zcx_mr_allocate(pool, 3 * MIB, 0, NULL, &c, NULL), 0);
  st = stats_of(pool);
  assert_int_equal(st.reserved_bytes, 4 * MIB);
  assert_int_equal(st.peak_reserved_bytes, 4 * MIB);
  assert_int_equal(zcx_mr_deallocate(pool, b, MIB, NULL, NULL), 0);
  assert_int_equal(zcx_mr_deallocate(pool, c, 3 * MIB, NULL, NULL), 0);
  zcx_mr_release(pool);

  // An upstream that refuses the folded size: the request is served with what it needs,
  // and the free chunk stays.
  int destroyed = 0;
  test_upstream_t* up = test_upstream_create(-1, &destroyed);
  up->largest = 3 * MIB;
  pool = make_pool(&up->base, 0, 0, MIB, 0);
  assert_int_equal(zcx_mr_allocate(pool, MIB, 0, NULL, &a, NULL), 0);
  assert_int_equal(zcx_mr_deallocate(pool, a, MIB, NULL, NULL), 0);
  assert_int_equal(zcx_mr_allocate(pool, 3 * MIB, 0, NULL, &b, NULL), 0);
  assert_int_equal(stats_of(pool).reserved_bytes, 4 * MIB);
  assert_int_equal(up->live, 2);
  void* d;
  assert_int_equal(zcx_mr_allocate(pool, MIB, 0, NULL, &d, NULL), 0);
  assert_ptr_equal(d, a);
  assert_int_equal(zcx_mr_deallocate(pool, d, MIB, NULL, NULL), 0);
  assert_int_equal(zcx_mr_deallocate(pool, b, 3 * MIB, NULL, NULL), 0);
  // Nothing at all: the request fails, the pool stays usable.
  up->budget = 0;
  assert_int_equal(zcx_mr_allocate(pool, 8 * MIB, 0, NULL, &b, NULL), ENOMEM);
  zcx_mr_release(&up->base);
  zcx_mr_release(pool);
  assert_int_equal(destroyed, 1);
  zcx_mr_release(sys);
}

static void test_growth_tracks_peak(void** state) {
  (void)state;
  // A training loop: activations of growing sizes, freed in reverse order. With the default
  // options, what the pool reserves stays close to what is live at the peak.
  zcx_mr_t* pool = make_pool(NULL, 0, 0, 2 * MIB, 4096);
  enum { LAYERS = 12 };
  size_t sizes[LAYERS];
  size_t total = 0;
  for (int i = 0; i < LAYERS; i++) {
    sizes[i] = (size_t)(256 * KIB) << (i / 2);  // 256 KiB .. 8 MiB
    sizes[i] += (size_t)i * 4096;
    total += sizes[i];
  }
  for (int iter = 0; iter < 5; iter++) {
    void* act[LAYERS];
    void* small[LAYERS];
    for (int i = 0; i < LAYERS; i++) {
      assert_int_equal(zcx_mr_allocate(pool, sizes[i], 0, NULL, &act[i], NULL), 0);
      assert_int_equal(zcx_mr_allocate(pool, 64 + (size_t)i * 100, 0, NULL, &small[i], NULL), 0);
    }
    for (int i = LAYERS - 1; i >= 0; i--) {
      assert_int_equal(zcx_mr_deallocate(pool, act[i], sizes[i], NULL, NULL), 0);
      assert_int_equal(zcx_mr_deallocate(pool, small[i], 64 + (size_t)i * 100, NULL, NULL), 0);
    }
  }
  zcx_mr_stats_t st = stats_of(pool);
  assert_true(st.peak_bytes >= (int64_t)total);
  // Geometric growth by the whole reservation would reach twice the peak here.
  assert_true(st.peak_reserved_bytes <= (int64_t)total + (int64_t)total / 4);
  assert_true(st.reserved_bytes == st.peak_reserved_bytes);  // no churn once warm
  zcx_mr_release(pool);
}

// ---------------------------------------------------------------------------------------------
// Threads

typedef struct item {
  unsigned char* p;
  size_t size;
  unsigned char pattern;
} item_t;

typedef struct stress {
  zcx_mr_t* pool;
  _Atomic(item_t*) slots[256];
  atomic_int errors;
} stress_t;

typedef struct worker {
  stress_t* shared;
  uint64_t seed;
  zcx_stream_t* stream;
} worker_t;

static uint64_t next_random(uint64_t* s) {
  *s ^= *s << 13;
  *s ^= *s >> 7;
  *s ^= *s << 17;
  return *s;
}

static bool item_check(const item_t* it) {
  // First, last and a stride of bytes in between.
  for (size_t i = 0; i < it->size; i += (it->size / 16) + 1) {
    if (it->p[i] != it->pattern) {
      return false;
    }
  }
  return it->p[it->size - 1] == it->pattern;
}

static void item_release(stress_t* s, item_t* it, zcx_stream_t* stream) {
  if (!item_check(it)) {
    atomic_fetch_add(&s->errors, 1);
  }
  if (zcx_mr_deallocate(s->pool, it->p, it->size, stream, NULL) != 0) {
    atomic_fetch_add(&s->errors, 1);
  }
  free(it);
}

static void* stress_thread(void* arg) {
  worker_t* w = arg;
  stress_t* s = w->shared;
  uint64_t r = w->seed;
  for (int op = 0; op < STRESS_OPS; op++) {
    uint64_t x = next_random(&r);
    size_t size;
    switch (x % 8) {
      case 0:
        size = 1 + (size_t)((x >> 8) % (256 * KIB));
        break;
      case 1:
      case 2:
        size = 1 + (size_t)((x >> 8) % (16 * KIB));
        break;
      default:
        size = 1 + (size_t)((x >> 8) % 4096);
        break;
    }
    size_t alignment = (x >> 40) % 16 == 0 ? 4096 : 0;
    item_t* it = malloc(sizeof(*it));
    // Some blocks are taken for this thread's stream (no work runs on it, so they are
    // usable at once).
    zcx_stream_t* on = (x >> 24) % 4 == 0 ? w->stream : NULL;
    if (it == NULL || zcx_mr_allocate(s->pool, size, alignment, on, (void**)&it->p, NULL) != 0) {
      atomic_fetch_add(&s->errors, 1);
      free(it);
      continue;
    }
    it->size = size;
    it->pattern = (unsigned char)(x >> 32);
    memset(it->p, it->pattern, size);
    item_t* old = atomic_exchange(&s->slots[(x >> 48) % 256], it);
    if (old != NULL) {
      // Most blocks are freed by another thread than the one that allocated them; some on
      // this thread's stream, which must keep them from the others until it has caught up.
      item_release(s, old, (x >> 20) % 4 == 0 ? w->stream : NULL);
    }
  }
  return NULL;
}

static void test_threads_stress(void** state) {
  (void)state;
  stress_t s;
  memset(&s, 0, sizeof(s));
  s.pool = make_pool(NULL, 0, 0, MIB, 4096);
  pthread_t threads[4];
  worker_t workers[4];
  for (int i = 0; i < 4; i++) {
    workers[i].shared = &s;
    workers[i].seed = UINT64_C(0x9E3779B97F4A7C15) * (uint64_t)(i + 1);
    assert_int_equal(zcx_host_stream_create(&workers[i].stream, NULL), 0);
    assert_int_equal(pthread_create(&threads[i], NULL, stress_thread, &workers[i]), 0);
  }
  for (int i = 0; i < 4; i++) {
    assert_int_equal(pthread_join(threads[i], NULL), 0);
  }
  for (int i = 0; i < 256; i++) {
    item_t* it = atomic_load(&s.slots[i]);
    if (it != NULL) {
      item_release(&s, it, NULL);
    }
  }
  assert_int_equal(atomic_load(&s.errors), 0);
  zcx_mr_stats_t st = stats_of(s.pool);
  assert_int_equal(st.current_count, 0);
  assert_int_equal(st.current_bytes, 0);
  assert_int_equal(st.allocations, st.frees);
  assert_int_equal(st.allocations, 4 * STRESS_OPS);
  assert_int_equal(zcx_pool_mr_trim(s.pool, 0, NULL), 0);
  assert_int_equal(stats_of(s.pool).reserved_bytes, 0);
  for (int i = 0; i < 4; i++) {
    zcx_stream_release(workers[i].stream);
  }
  zcx_mr_release(s.pool);
}

// ---------------------------------------------------------------------------------------------
// Leak report, poisoning, default resource

static void test_leak_report(void** state) {
  (void)state;
  zcx_mr_t* pool = make_pool(NULL, 0, 0, MIB, 4096);
  FILE* sink = tmpfile();
  assert_non_null(sink);
  assert_int_equal(zcx_pool_mr_set_leak_report(pool, sink, NULL), 0);
  void* a;
  void* b;
  void* c;
  assert_int_equal(zcx_mr_allocate(pool, 12345, 0, NULL, &a, NULL), 0);
  assert_int_equal(zcx_mr_allocate(pool, 77, 0, NULL, &b, NULL), 0);
  assert_int_equal(zcx_mr_allocate(pool, 99, 0, NULL, &c, NULL), 0);
  assert_int_equal(zcx_mr_deallocate(pool, c, 99, NULL, NULL), 0);
  zcx_mr_release(pool);  // a and b leak; their chunk still goes back upstream
  rewind(sink);
  char text[1024];
  size_t n = fread(text, 1, sizeof(text) - 1, sink);
  text[n] = '\0';
  fclose(sink);
  assert_non_null(strstr(text, "12345 bytes"));
  assert_non_null(strstr(text, "77 bytes"));
  assert_null(strstr(text, "99 bytes"));
  char ptr[32];
  fmt_ptr(ptr, sizeof(ptr), a);
  assert_non_null(strstr(text, ptr));
  int lines = 0;
  for (char* t = text; *t != '\0'; t++) {
    lines += *t == '\n';
  }
  assert_int_equal(lines, 2);
}

static void test_poisoning(void** state) {
  (void)state;
#ifdef ZCXI_HAVE_ASAN
  zcx_mr_t* pool = make_pool(NULL, 0, 0, MIB, 4096);
  void* big;
  void* small;
  assert_int_equal(zcx_mr_allocate(pool, 5000, 0, NULL, &big, NULL), 0);
  assert_int_equal(zcx_mr_allocate(pool, 100, 0, NULL, &small, NULL), 0);
  assert_false(__asan_address_is_poisoned(big));
  assert_false(__asan_address_is_poisoned((char*)big + 4999));
  assert_true(__asan_address_is_poisoned((char*)big + 5000));  // the rounding tail
  assert_false(__asan_address_is_poisoned((char*)small + 99));
  assert_true(__asan_address_is_poisoned((char*)small + 128));  // the next object
  assert_int_equal(zcx_mr_deallocate(pool, big, 5000, NULL, NULL), 0);
  assert_int_equal(zcx_mr_deallocate(pool, small, 100, NULL, NULL), 0);
  assert_true(__asan_address_is_poisoned(big));
  assert_true(__asan_address_is_poisoned(small));
  // A cached block is poisoned as a merged one; taken back, exactly the request is usable.
  void* again;
  assert_int_equal(zcx_mr_allocate(pool, 4900, 0, NULL, &again, NULL), 0);
  assert_ptr_equal(again, big);
  assert_false(__asan_address_is_poisoned((char*)again + 4899));
  assert_true(__asan_address_is_poisoned((char*)again + 4900));
  assert_int_equal(zcx_mr_deallocate(pool, again, 4900, NULL, NULL), 0);
  assert_true(__asan_address_is_poisoned(again));
  zcx_mr_release(pool);
#else
  skip();
#endif
}

static void test_default_resource(void** state) {
  (void)state;
  zcx_mr_t* d = zcx_default_mr();
  assert_non_null(d);
  assert_ptr_equal(zcx_default_mr(), d);
  assert_string_equal(zcx_mr_name(d), "pool(system)");
  void* p;
  assert_int_equal(zcx_mr_allocate(d, 1000, 0, NULL, &p, NULL), 0);
  assert_int_equal(zcx_mr_deallocate(d, p, 1000, NULL, NULL), 0);
  zcx_mr_t* mine;
  assert_int_equal(zcx_system_mr_create(NULL, &mine, NULL), 0);
  zcx_set_default_mr(mine);
  zcx_mr_release(mine);  // the library keeps its own reference
  assert_ptr_equal(zcx_default_mr(), mine);
  assert_int_equal(zcx_mr_allocate(zcx_default_mr(), 10, 0, NULL, &p, NULL), 0);
  assert_int_equal(zcx_mr_deallocate(mine, p, 10, NULL, NULL), 0);
  zcx_set_default_mr(NULL);
  assert_ptr_equal(zcx_default_mr(), d);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_options_and_arguments),
      cmocka_unit_test(test_alignment_and_no_overlap),
      cmocka_unit_test(test_exact_statistics),
      cmocka_unit_test(test_coalescing),
      cmocka_unit_test(test_growth_and_maximum),
      cmocka_unit_test(test_trim_keeps_and_release_threshold),
      cmocka_unit_test(test_bad_frees),
      cmocka_unit_test(test_failing_upstream),
      cmocka_unit_test(test_stream_order_large_blocks),
      cmocka_unit_test(test_stream_order_small_blocks),
      cmocka_unit_test(test_cache_reuse),
      cmocka_unit_test(test_cache_bad_frees),
      cmocka_unit_test(test_cache_exact_statistics),
      cmocka_unit_test(test_cache_stream_order),
      cmocka_unit_test(test_cache_trim_and_leaks),
      cmocka_unit_test(test_release_threshold_with_cache_and_streams),
      cmocka_unit_test(test_growth_folds_free_chunks),
      cmocka_unit_test(test_growth_tracks_peak),
      cmocka_unit_test(test_threads_stress),
      cmocka_unit_test(test_leak_report),
      cmocka_unit_test(test_poisoning),
      cmocka_unit_test(test_default_resource),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
