// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Tests of the pool's small-object fast path: the slab lookup hint and the pool's spinlock.
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "zcx/memory.h"

#ifdef ZCX_SANITIZE
#define THREAD_OPS 3000
#else
#define THREAD_OPS 30000
#endif
#define NTHREADS 4
// With small_block_max = 4096 a slab is 64 KiB: 256 objects of 256 bytes.
#define PER_SLAB 256

static zcx_mr_stats_t stats_of(zcx_mr_t* mr) {
  zcx_mr_stats_t st;
  st.struct_size = sizeof(st);
  assert_int_equal(zcx_mr_get_stats(mr, &st, NULL), 0);
  return st;
}

static zcx_mr_t* make_pool(void) {
  zcx_pool_options_t o;
  zcx_pool_options_init(&o);
  o.small_block_max = 4096;
  zcx_mr_t* pool = NULL;
  assert_int_equal(zcx_pool_mr_create(NULL, &o, &pool, NULL), 0);
  return pool;
}

static int cmp_ptr(const void* a, const void* b) {
  uintptr_t x = (uintptr_t)*(void* const*)a;
  uintptr_t y = (uintptr_t)*(void* const*)b;
  return x < y ? -1 : x > y;
}

// A slab given back to the pool must not be found through the lookup hint afterwards.
static void test_released_slab_not_found(void** state) {
  (void)state;
  zcx_mr_t* pool = make_pool();
  enum { N = 2 * PER_SLAB };
  void** p = calloc(N, sizeof(void*));
  assert_non_null(p);
  for (int i = 0; i < N; i++) {
    assert_int_equal(zcx_mr_allocate(pool, 256, 0, NULL, &p[i], NULL), 0);
  }
  qsort(p, N, sizeof(void*), cmp_ptr);
  // Two full slabs, [0, 256) and [256, 512) in address order. Free one object of the second
  // so that it has a ready object, then all of the first: the first is released.
  uintptr_t first_base = (uintptr_t)p[0] & ~(uintptr_t)(64 * 1024 - 1);
  assert_int_equal((uintptr_t)p[PER_SLAB - 1] & ~(uintptr_t)(64 * 1024 - 1), first_base);
  assert_int_not_equal((uintptr_t)p[PER_SLAB] & ~(uintptr_t)(64 * 1024 - 1), first_base);
  assert_int_equal(zcx_mr_deallocate(pool, p[N - 1], 256, NULL, NULL), 0);
  for (int i = 0; i < PER_SLAB; i++) {
    assert_int_equal(zcx_mr_deallocate(pool, p[i], 256, NULL, NULL), 0);
  }
  zcx_error_t err;
  // Freed twice, in a slab that no longer exists: a foreign pointer now.
  assert_int_equal(zcx_mr_deallocate(pool, p[0], 256, NULL, &err), EINVAL);
  assert_non_null(strstr(err.message, "not a live block"));
  assert_int_equal(zcx_mr_deallocate(pool, p[PER_SLAB - 1], 256, NULL, &err), EINVAL);
  // The other slab still answers, through the hint and without it.
  assert_int_equal(zcx_mr_deallocate(pool, p[N - 1], 256, NULL, &err), EINVAL);  // twice
  assert_int_equal(zcx_mr_deallocate(pool, p[PER_SLAB], 256, NULL, NULL), 0);
  assert_int_equal(zcx_mr_deallocate(pool, p[PER_SLAB], 256, NULL, &err), EINVAL);
  // Wrong size and a pointer inside an object, found through the hint.
  assert_int_equal(zcx_mr_deallocate(pool, p[PER_SLAB + 1], 128, NULL, &err), EINVAL);
  assert_int_equal(zcx_mr_deallocate(pool, (char*)p[PER_SLAB + 1] + 64, 256, NULL, &err), EINVAL);
  for (int i = PER_SLAB + 1; i < N - 1; i++) {
    assert_int_equal(zcx_mr_deallocate(pool, p[i], 256, NULL, NULL), 0);
  }
  zcx_mr_stats_t st = stats_of(pool);
  assert_int_equal(st.current_count, 0);
  assert_int_equal(st.current_bytes, 0);
  assert_int_equal(st.allocations, N);
  assert_int_equal(st.frees, N);
  free(p);
  zcx_mr_release(pool);
}

// Alternating frees between classes and slabs keep the hint honest.
static void test_hint_across_classes(void** state) {
  (void)state;
  zcx_mr_t* pool = make_pool();
  enum { N = 600 };
  void* a[N];
  void* b[N];
  for (int i = 0; i < N; i++) {
    assert_int_equal(zcx_mr_allocate(pool, 100, 0, NULL, &a[i], NULL), 0);
    assert_int_equal(zcx_mr_allocate(pool, 1000, 0, NULL, &b[i], NULL), 0);
  }
  zcx_error_t err;
  for (int i = 0; i < N; i++) {
    // A size of the other class is refused even when the hint points at the right slab.
    assert_int_equal(zcx_mr_deallocate(pool, a[i], 1000, NULL, &err), EINVAL);
    assert_int_equal(zcx_mr_deallocate(pool, a[i], 100, NULL, NULL), 0);
    assert_int_equal(zcx_mr_deallocate(pool, b[i], 1000, NULL, NULL), 0);
    assert_int_equal(zcx_mr_deallocate(pool, a[i], 100, NULL, &err), EINVAL);
  }
  zcx_mr_stats_t st = stats_of(pool);
  assert_int_equal(st.current_count, 0);
  assert_int_equal(st.allocations, 2 * N);
  assert_int_equal(st.frees, 2 * N);
  assert_int_equal(st.failures, 0);
  zcx_mr_release(pool);
}

typedef struct worker {
  zcx_mr_t* pool;
  unsigned seed;
  int errors;
} worker_t;

// Small and large requests from several threads at once: the pool grows under the lock
// while the others wait on it.
static void* worker_main(void* arg) {
  worker_t* w = arg;
  enum { HELD = 32 };
  void* held[HELD] = {0};
  size_t sizes[HELD] = {0};
  for (int i = 0; i < THREAD_OPS; i++) {
    w->seed = w->seed * 1103515245u + 12345u;
    unsigned r = w->seed >> 8;
    int slot = (int)(r % HELD);
    if (held[slot] != NULL) {
      if (zcx_mr_deallocate(w->pool, held[slot], sizes[slot], NULL, NULL) != 0) {
        w->errors++;
      }
      held[slot] = NULL;
      continue;
    }
    size_t size = (r & 0x100) ? 1 + (r >> 12) % 4096 : 4096 + (r >> 12) % (256 * 1024);
    if (zcx_mr_allocate(w->pool, size, 0, NULL, &held[slot], NULL) != 0) {
      w->errors++;
      held[slot] = NULL;
      continue;
    }
    memset(held[slot], (int)slot, size < 64 ? size : 64);
    sizes[slot] = size;
  }
  for (int s = 0; s < HELD; s++) {
    if (held[s] != NULL && zcx_mr_deallocate(w->pool, held[s], sizes[s], NULL, NULL) != 0) {
      w->errors++;
    }
  }
  return NULL;
}

static void test_threads_exact_statistics(void** state) {
  (void)state;
  zcx_mr_t* pool = make_pool();
  pthread_t t[NTHREADS];
  worker_t w[NTHREADS];
  for (int i = 0; i < NTHREADS; i++) {
    w[i] = (worker_t){pool, (unsigned)(i + 1) * 7919u, 0};
    assert_int_equal(pthread_create(&t[i], NULL, worker_main, &w[i]), 0);
  }
  for (int i = 0; i < NTHREADS; i++) {
    assert_int_equal(pthread_join(t[i], NULL), 0);
    assert_int_equal(w[i].errors, 0);
  }
  zcx_mr_stats_t st = stats_of(pool);
  assert_int_equal(st.current_count, 0);
  assert_int_equal(st.current_bytes, 0);
  assert_int_equal(st.allocations, st.frees);
  assert_true(st.allocations > 0);
  assert_int_equal(st.failures, 0);
  assert_int_equal(zcx_pool_mr_trim(pool, 0, NULL), 0);
  st = stats_of(pool);
  assert_int_equal(st.reserved_bytes, 0);
  zcx_mr_release(pool);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_released_slab_not_found),
      cmocka_unit_test(test_hint_across_classes),
      cmocka_unit_test(test_threads_exact_statistics),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
