// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Tests of src/buffer: owning, borrowing and slice buffers, their lifetimes and flags.
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "zcx/buffer.h"

// stats(system), with the caller holding the only reference.
static zcx_mr_t* stats_system(void) {
  zcx_mr_t *system, *stats;
  assert_int_equal(zcx_system_mr_create(NULL, &system, NULL), 0);
  assert_int_equal(zcx_stats_mr_create(system, &stats, NULL), 0);
  zcx_mr_release(system);
  return stats;
}

static zcx_mr_stats_t stats_of(zcx_mr_t* mr) {
  zcx_mr_stats_t s;
  s.struct_size = sizeof(s);
  assert_int_equal(zcx_mr_get_stats(mr, &s, NULL), 0);
  return s;
}

static int64_t refs_of(const zcx_mr_t* mr) {
  return __atomic_load_n(&mr->refcount_, __ATOMIC_RELAXED);
}

// Counts calls of a borrowing buffer's release hook and remembers what it was given.
typedef struct hook {
  int calls;
  void* data;
  int64_t size;
} hook_t;

static void count_release(void* ctx, void* data, int64_t size) {
  hook_t* h = ctx;
  __atomic_add_fetch(&h->calls, 1, __ATOMIC_ACQ_REL);
  h->data = data;
  h->size = size;
}

// ---------------------------------------------------------------------------------------------
// Owning buffers

static void test_owned_buffer_returns_memory(void** state) {
  (void)state;
  zcx_mr_t* mr = stats_system();
  zcx_buffer_t* b = NULL;
  assert_int_equal(zcx_buffer_allocate(mr, 1000, 0, NULL, &b, NULL), 0);
  assert_non_null(b);
  assert_int_equal(zcx_buffer_size(b), 1000);
  assert_true(((uintptr_t)zcx_buffer_data(b) & 63) == 0);
  assert_ptr_equal(zcx_buffer_mr(b), mr);
  assert_true(zcx_device_equal(zcx_buffer_device(b), zcx_device_cpu()));
  assert_int_equal(zcx_buffer_flags(b), 0);
  assert_int_equal(zcx_buffer_refcount(b), 1);
  memset(zcx_buffer_data(b), 7, 1000);
  zcx_mr_stats_t s = stats_of(mr);
  assert_int_equal(s.current_bytes, 1000);
  assert_int_equal(s.allocations, 1);

  // The buffer holds a reference to the resource.
  assert_int_equal(refs_of(mr), 2);
  zcx_buffer_retain(b);
  assert_int_equal(zcx_buffer_refcount(b), 2);
  zcx_buffer_release(b);
  assert_int_equal(stats_of(mr).current_bytes, 1000);
  zcx_buffer_release(b);
  s = stats_of(mr);
  assert_int_equal(s.current_bytes, 0);
  assert_int_equal(s.frees, 1);
  assert_int_equal(refs_of(mr), 1);
  zcx_buffer_release(NULL);  // ignored

  // Alignment is honoured.
  assert_int_equal(zcx_buffer_allocate(mr, 10, 4096, NULL, &b, NULL), 0);
  assert_true(((uintptr_t)zcx_buffer_data(b) & 4095) == 0);
  zcx_buffer_release(b);
  assert_int_equal(stats_of(mr).current_bytes, 0);
  zcx_mr_release(mr);
}

static void test_owned_buffer_on_a_stream(void** state) {
  (void)state;
  zcx_mr_t* mr = stats_system();
  zcx_stream_t* stream;
  assert_int_equal(zcx_host_stream_create(&stream, NULL), 0);
  zcx_buffer_t* b;
  assert_int_equal(zcx_buffer_allocate(mr, 333, 0, stream, &b, NULL), 0);
  // The buffer keeps the stream for its free: the caller's handle can go first.
  zcx_stream_release(stream);
  assert_int_equal(stats_of(mr).current_bytes, 333);
  zcx_buffer_release(b);
  assert_int_equal(stats_of(mr).current_bytes, 0);
  zcx_mr_release(mr);
}

static void test_allocate_errors_leak_nothing(void** state) {
  (void)state;
  zcx_mr_t* stats = stats_system();
  zcx_mr_t* limited;
  assert_int_equal(zcx_limit_mr_create(stats, 100, &limited, NULL), 0);
  zcx_buffer_t* b = (zcx_buffer_t*)0x1;
  zcx_error_t err;
  assert_int_equal(zcx_buffer_allocate(limited, 1000, 0, NULL, &b, &err), ENOMEM);
  assert_null(b);
  assert_non_null(strstr(err.message, "limit of 100 bytes"));
  assert_int_equal(refs_of(limited), 1);  // no reference left behind
  b = (zcx_buffer_t*)0x1;
  assert_int_equal(zcx_buffer_allocate(limited, -1, 0, NULL, &b, &err), EINVAL);
  assert_null(b);
  assert_int_equal(zcx_buffer_allocate(limited, 10, 0, NULL, NULL, &err), EINVAL);
  b = (zcx_buffer_t*)0x1;
  assert_int_equal(zcx_buffer_allocate(limited, 10, 3, NULL, &b, &err), EINVAL);
  assert_null(b);
  assert_int_equal(refs_of(limited), 1);
  zcx_mr_release(limited);
  zcx_mr_stats_t s = stats_of(stats);
  assert_int_equal(s.allocations, 0);
  assert_int_equal(s.current_bytes, 0);
  zcx_mr_release(stats);
}

static void test_size_zero_buffers(void** state) {
  (void)state;
  zcx_mr_t* mr = stats_system();
  zcx_buffer_t* b;
  assert_int_equal(zcx_buffer_allocate(mr, 0, 0, NULL, &b, NULL), 0);
  assert_int_equal(zcx_buffer_size(b), 0);
  assert_non_null(zcx_buffer_data(b));
  assert_true(((uintptr_t)zcx_buffer_data(b) & 63) == 0);
  assert_ptr_equal(zcx_buffer_mr(b), mr);
  assert_int_equal(stats_of(mr).allocations, 0);  // nothing drawn from the resource
  zcx_buffer_t* s;
  assert_int_equal(zcx_buffer_slice(b, 0, 0, &s, NULL), 0);
  assert_int_equal(zcx_buffer_size(s), 0);
  zcx_buffer_release(b);
  zcx_buffer_release(s);
  assert_int_equal(refs_of(mr), 1);
  assert_int_equal(stats_of(mr).frees, 0);

  assert_int_equal(zcx_buffer_allocate_zeroed(mr, 0, 0, &b, NULL), 0);
  zcx_buffer_release(b);
  assert_int_equal(zcx_buffer_copy_from(mr, NULL, 0, &b, NULL), 0);
  assert_int_equal(zcx_buffer_size(b), 0);
  zcx_buffer_release(b);

  // Wrapping nothing: the hook still runs once, with the caller's NULL.
  hook_t h = {0, (void*)0x1, -1};
  assert_int_equal(zcx_buffer_wrap(NULL, 0, zcx_device_cpu(), 0, count_release, &h, &b, NULL),
                   0);
  assert_non_null(zcx_buffer_data(b));
  assert_null(zcx_buffer_mr(b));
  zcx_buffer_release(b);
  assert_int_equal(h.calls, 1);
  assert_null(h.data);
  assert_int_equal(h.size, 0);
  zcx_mr_release(mr);
}

static void test_zeroed_and_copied(void** state) {
  (void)state;
  zcx_mr_t* mr = stats_system();
  // Dirty some memory first so that zero-filling is visible.
  zcx_buffer_t* b;
  assert_int_equal(zcx_buffer_allocate(mr, 5000, 0, NULL, &b, NULL), 0);
  memset(zcx_buffer_data(b), 0xff, 5000);
  zcx_buffer_release(b);
  assert_int_equal(zcx_buffer_allocate_zeroed(mr, 5000, 0, &b, NULL), 0);
  const unsigned char* p = zcx_buffer_data(b);
  for (int i = 0; i < 5000; i++) {
    assert_int_equal(p[i], 0);
  }
  zcx_buffer_release(b);

  char text[300];
  for (int i = 0; i < 300; i++) {
    text[i] = (char)('a' + i % 26);
  }
  assert_int_equal(zcx_buffer_copy_from(mr, text, 300, &b, NULL), 0);
  assert_int_equal(zcx_buffer_size(b), 300);
  assert_ptr_not_equal(zcx_buffer_data(b), text);
  assert_memory_equal(zcx_buffer_data(b), text, 300);
  zcx_buffer_release(b);

  b = (zcx_buffer_t*)0x1;
  zcx_error_t err;
  assert_int_equal(zcx_buffer_copy_from(mr, NULL, 10, &b, &err), EINVAL);
  assert_null(b);
  b = (zcx_buffer_t*)0x1;
  assert_int_equal(zcx_buffer_copy_from(mr, text, -5, &b, &err), EINVAL);
  assert_null(b);
  assert_int_equal(stats_of(mr).current_bytes, 0);
  zcx_mr_release(mr);
}

// A resource whose memory is not host memory: zero-filling and copying must refuse it.
typedef struct device_mr {
  zcx_mr_t base;
  int64_t live;
} device_mr_t;

static int device_allocate(zcx_mr_t* mr, size_t size, size_t alignment, zcx_stream_t* stream,
                           void** out, zcx_error_t* err) {
  (void)stream;
  (void)err;
  *out = aligned_alloc(alignment, (size + alignment - 1) & ~(alignment - 1));
  ((device_mr_t*)mr)->live++;
  return 0;
}

static int device_deallocate(zcx_mr_t* mr, void* ptr, size_t size, zcx_stream_t* stream,
                             zcx_error_t* err) {
  (void)size;
  (void)stream;
  (void)err;
  free(ptr);
  ((device_mr_t*)mr)->live--;
  return 0;
}

static void device_destroy(zcx_mr_t* mr) { free(mr); }

static const zcx_mr_ops_t device_ops = {
    .struct_size = sizeof(zcx_mr_ops_t),
    .kind = "device",
    .allocate = device_allocate,
    .deallocate = device_deallocate,
    .destroy = device_destroy,
};

static void test_non_host_memory_is_not_touched(void** state) {
  (void)state;
  device_mr_t* d = calloc(1, sizeof(*d));
  assert_non_null(d);
  zcx_mr_init(&d->base, &device_ops, (zcx_device_t){ZCX_DEVICE_CUDA, 1}, NULL, "device");
  zcx_buffer_t* b;
  assert_int_equal(zcx_buffer_allocate(&d->base, 64, 0, NULL, &b, NULL), 0);
  assert_int_equal(zcx_buffer_device(b).type, ZCX_DEVICE_CUDA);
  assert_int_equal(zcx_buffer_device(b).id, 1);
  zcx_buffer_release(b);
  zcx_error_t err;
  b = (zcx_buffer_t*)0x1;
  assert_int_equal(zcx_buffer_allocate_zeroed(&d->base, 64, 0, &b, &err), ENOTSUP);
  assert_null(b);
  b = (zcx_buffer_t*)0x1;
  char src[64] = {0};
  assert_int_equal(zcx_buffer_copy_from(&d->base, src, 64, &b, &err), ENOTSUP);
  assert_null(b);
  assert_int_equal(d->live, 0);
  assert_int_equal(refs_of(&d->base), 1);
  zcx_mr_release(&d->base);
}

static void test_default_resource(void** state) {
  (void)state;
  zcx_buffer_t* b;
  assert_int_equal(zcx_buffer_allocate(NULL, 4096, 0, NULL, &b, NULL), 0);
  assert_ptr_equal(zcx_buffer_mr(b), zcx_default_mr());
  assert_true(zcx_device_equal(zcx_buffer_device(b), zcx_device_cpu()));
  memset(zcx_buffer_data(b), 1, 4096);
  zcx_buffer_release(b);
}

// ---------------------------------------------------------------------------------------------
// Borrowing buffers and slices

static void test_wrap_calls_release_once(void** state) {
  (void)state;
  static char memory[256];
  hook_t h = {0};
  zcx_buffer_t* b;
  zcx_device_t dev = {ZCX_DEVICE_CUDA_HOST, 2};
  assert_int_equal(zcx_buffer_wrap(memory, 256, dev, 0, count_release, &h, &b, NULL), 0);
  assert_ptr_equal(zcx_buffer_data(b), memory);
  assert_int_equal(zcx_buffer_size(b), 256);
  assert_true(zcx_device_equal(zcx_buffer_device(b), dev));
  assert_null(zcx_buffer_mr(b));
  zcx_buffer_retain(b);
  zcx_buffer_release(b);
  assert_int_equal(h.calls, 0);
  zcx_buffer_release(b);
  assert_int_equal(h.calls, 1);
  assert_ptr_equal(h.data, memory);
  assert_int_equal(h.size, 256);

  // No hook: memory that outlives every reader.
  assert_int_equal(zcx_buffer_wrap(memory, 256, dev, 0, NULL, NULL, &b, NULL), 0);
  zcx_buffer_release(b);
}

static void test_wrap_rejects_bad_arguments(void** state) {
  (void)state;
  hook_t h = {0};
  zcx_buffer_t* b = (zcx_buffer_t*)0x1;
  zcx_error_t err;
  assert_int_equal(zcx_buffer_wrap(NULL, 5, zcx_device_cpu(), 0, count_release, &h, &b, &err),
                   EINVAL);
  assert_null(b);
  assert_non_null(strstr(err.message, "NULL data"));
  char x[4];
  b = (zcx_buffer_t*)0x1;
  assert_int_equal(zcx_buffer_wrap(x, -1, zcx_device_cpu(), 0, count_release, &h, &b, &err),
                   EINVAL);
  assert_null(b);
  assert_int_equal(zcx_buffer_wrap(x, 4, zcx_device_cpu(), 0, count_release, &h, NULL, &err),
                   EINVAL);
  // On failure the hook is not called: the memory is still the caller's.
  assert_int_equal(h.calls, 0);
}

static void test_slices_outlive_their_parent(void** state) {
  (void)state;
  static char memory[1000];
  for (int i = 0; i < 1000; i++) {
    memory[i] = (char)i;
  }
  hook_t h = {0};
  zcx_buffer_t* b;
  assert_int_equal(
      zcx_buffer_wrap(memory, 1000, zcx_device_cpu(), 0, count_release, &h, &b, NULL), 0);
  zcx_buffer_t *s1, *s2, *s3;
  assert_int_equal(zcx_buffer_slice(b, 100, 800, &s1, NULL), 0);
  assert_ptr_equal(zcx_buffer_data(s1), memory + 100);
  assert_int_equal(zcx_buffer_size(s1), 800);
  assert_int_equal(zcx_buffer_slice(s1, 50, 10, &s2, NULL), 0);
  assert_ptr_equal(zcx_buffer_data(s2), memory + 150);
  assert_int_equal(zcx_buffer_size(s2), 10);
  assert_int_equal(((char*)zcx_buffer_data(s2))[0], (char)150);
  assert_int_equal(zcx_buffer_slice(s2, 10, 0, &s3, NULL), 0);  // empty, at the very end
  assert_ptr_equal(zcx_buffer_data(s3), memory + 160);
  assert_null(zcx_buffer_mr(s1));
  // Slices of slices hold the root directly (so releasing long chains never recurses).
  assert_int_equal(zcx_buffer_refcount(b), 4);
  assert_int_equal(zcx_buffer_refcount(s1), 1);

  zcx_buffer_release(b);
  assert_int_equal(h.calls, 0);
  zcx_buffer_release(s1);
  assert_int_equal(h.calls, 0);
  zcx_buffer_release(s3);
  assert_int_equal(h.calls, 0);
  // s2 still reads the memory of the parent.
  assert_int_equal(((char*)zcx_buffer_data(s2))[9], (char)159);
  zcx_buffer_release(s2);
  assert_int_equal(h.calls, 1);
  assert_ptr_equal(h.data, memory);
  assert_int_equal(h.size, 1000);
}

static void test_owned_slices_keep_memory(void** state) {
  (void)state;
  zcx_mr_t* mr = stats_system();
  zcx_buffer_t *b, *s;
  assert_int_equal(zcx_buffer_allocate(mr, 4000, 0, NULL, &b, NULL), 0);
  assert_int_equal(zcx_buffer_slice(b, 1000, 1000, &s, NULL), 0);
  assert_ptr_equal(zcx_buffer_data(s), (char*)zcx_buffer_data(b) + 1000);
  zcx_buffer_release(b);
  assert_int_equal(stats_of(mr).current_bytes, 4000);
  memset(zcx_buffer_data(s), 9, 1000);  // still valid memory
  zcx_buffer_release(s);
  assert_int_equal(stats_of(mr).current_bytes, 0);
  zcx_mr_release(mr);
}

static void test_slices_out_of_range(void** state) {
  (void)state;
  static char memory[100];
  hook_t h = {0};
  zcx_buffer_t* b;
  assert_int_equal(
      zcx_buffer_wrap(memory, 100, zcx_device_cpu(), 0, count_release, &h, &b, NULL), 0);
  const int64_t bad[][2] = {{-1, 10},         {0, -1},  {101, 0}, {90, 11}, {100, 1},
                            {1, INT64_MAX},   {INT64_MAX, 1},     {INT64_MIN, 5},
                            {50, INT64_MIN}};
  zcx_error_t err;
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    zcx_buffer_t* s = (zcx_buffer_t*)0x1;
    assert_int_equal(zcx_buffer_slice(b, bad[i][0], bad[i][1], &s, &err), EINVAL);
    assert_null(s);
    assert_non_null(strstr(err.message, "100 bytes"));
  }
  zcx_buffer_t* s = (zcx_buffer_t*)0x1;
  assert_int_equal(zcx_buffer_slice(NULL, 0, 0, &s, &err), EINVAL);
  assert_null(s);
  assert_int_equal(zcx_buffer_slice(b, 0, 0, NULL, &err), EINVAL);
  // Whole range and the empty tail are fine.
  assert_int_equal(zcx_buffer_slice(b, 0, 100, &s, NULL), 0);
  zcx_buffer_release(s);
  assert_int_equal(zcx_buffer_slice(b, 100, 0, &s, NULL), 0);
  zcx_buffer_release(s);
  // Failed slices took no reference.
  assert_int_equal(zcx_buffer_refcount(b), 1);
  zcx_buffer_release(b);
  assert_int_equal(h.calls, 1);
}

static void test_readonly_flag_carried_to_slices(void** state) {
  (void)state;
  static const char sealed[64] = "sealed";
  zcx_buffer_t *b, *s1, *s2;
  zcx_device_t dev = {ZCX_DEVICE_CUDA_MANAGED, 0};
  assert_int_equal(
      zcx_buffer_wrap((void*)sealed, 64, dev, ZCX_BUFFER_READONLY, NULL, NULL, &b, NULL), 0);
  assert_int_equal(zcx_buffer_flags(b), ZCX_BUFFER_READONLY);
  assert_int_equal(zcx_buffer_slice(b, 1, 10, &s1, NULL), 0);
  assert_int_equal(zcx_buffer_slice(s1, 1, 5, &s2, NULL), 0);
  assert_int_equal(zcx_buffer_flags(s1), ZCX_BUFFER_READONLY);
  assert_int_equal(zcx_buffer_flags(s2), ZCX_BUFFER_READONLY);
  assert_true(zcx_device_equal(zcx_buffer_device(s2), dev));
  assert_ptr_equal(zcx_buffer_data(s2), sealed + 2);
  zcx_buffer_release(s1);
  zcx_buffer_release(b);
  zcx_buffer_release(s2);
}

static void test_long_slice_chains(void** state) {
  (void)state;
  // Slicing a slice over and over must not build a chain that is released recursively.
#ifdef ZCX_SANITIZE
  enum { DEPTH = 20000 };
#else
  enum { DEPTH = 200000 };
#endif
  static char memory[DEPTH + 1];
  hook_t h = {0};
  zcx_buffer_t* b;
  assert_int_equal(
      zcx_buffer_wrap(memory, DEPTH + 1, zcx_device_cpu(), 0, count_release, &h, &b, NULL), 0);
  zcx_buffer_t* cur = b;
  for (int i = 0; i < DEPTH; i++) {
    zcx_buffer_t* next;
    assert_int_equal(zcx_buffer_slice(cur, 1, zcx_buffer_size(cur) - 1, &next, NULL), 0);
    zcx_buffer_release(cur);
    cur = next;
  }
  assert_ptr_equal(zcx_buffer_data(cur), memory + DEPTH);
  assert_int_equal(zcx_buffer_size(cur), 1);
  assert_int_equal(h.calls, 0);
  zcx_buffer_release(cur);
  assert_int_equal(h.calls, 1);
}

// ---------------------------------------------------------------------------------------------
// Threads

#ifdef ZCX_SANITIZE
enum { THREAD_ROUNDS = 5000 };
#else
enum { THREAD_ROUNDS = 50000 };
#endif

static void* hammer(void* arg) {
  zcx_buffer_t* b = arg;  // this thread owns one reference
  for (int i = 0; i < THREAD_ROUNDS; i++) {
    zcx_buffer_retain(b);
    if (i % 64 == 0) {
      zcx_buffer_t* s;
      if (zcx_buffer_slice(b, 1, 2, &s, NULL) == 0) {
        zcx_buffer_release(s);
      }
    }
    zcx_buffer_release(b);
  }
  zcx_buffer_release(b);
  return NULL;
}

static void test_threads_retain_and_release_one_buffer(void** state) {
  (void)state;
  static char memory[16];
  hook_t h = {0};
  zcx_buffer_t* b;
  assert_int_equal(
      zcx_buffer_wrap(memory, 16, zcx_device_cpu(), 0, count_release, &h, &b, NULL), 0);
  enum { T = 8 };
  pthread_t th[T];
  for (int i = 0; i < T; i++) {
    zcx_buffer_retain(b);
    assert_int_equal(pthread_create(&th[i], NULL, hammer, b), 0);
  }
  // The creator lets go first; the last thread to finish runs the hook.
  zcx_buffer_release(b);
  for (int i = 0; i < T; i++) {
    assert_int_equal(pthread_join(th[i], NULL), 0);
  }
  assert_int_equal(__atomic_load_n(&h.calls, __ATOMIC_ACQUIRE), 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_owned_buffer_returns_memory),
      cmocka_unit_test(test_owned_buffer_on_a_stream),
      cmocka_unit_test(test_allocate_errors_leak_nothing),
      cmocka_unit_test(test_size_zero_buffers),
      cmocka_unit_test(test_zeroed_and_copied),
      cmocka_unit_test(test_non_host_memory_is_not_touched),
      cmocka_unit_test(test_default_resource),
      cmocka_unit_test(test_wrap_calls_release_once),
      cmocka_unit_test(test_wrap_rejects_bad_arguments),
      cmocka_unit_test(test_slices_outlive_their_parent),
      cmocka_unit_test(test_owned_slices_keep_memory),
      cmocka_unit_test(test_slices_out_of_range),
      cmocka_unit_test(test_readonly_flag_carried_to_slices),
      cmocka_unit_test(test_long_slice_chains),
      cmocka_unit_test(test_threads_retain_and_release_one_buffer),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
