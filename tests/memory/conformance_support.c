// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The memory resource conformance suite: one set of checks every resource and adaptor passes.
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "memory/conformance_support.h"

#ifdef ZCX_SANITIZE
// The suite asks for blocks no machine has, and expects ENOMEM; AddressSanitizer's allocator
// would abort on them instead of returning NULL as the C library does.
const char* __asan_default_options(void);
const char* __asan_default_options(void) { return "allocator_may_return_null=1"; }
#endif

// What each check gets: the case, whether it runs on a host stream, and the live objects.
typedef struct config {
  const zcxt_mr_case_t* c;
  bool on_stream;
} config_t;

typedef struct fixture {
  const zcxt_mr_case_t* c;
  zcx_mr_t* mr;
  zcx_stream_t* stream;  // NULL for the synchronous run
} fixture_t;

static int setup(void** state) {
  const config_t* cfg = *state;
  fixture_t* f = calloc(1, sizeof(*f));
  if (f == NULL) {
    return -1;
  }
  f->c = cfg->c;
  zcx_error_t err;
  if (cfg->c->create(&f->mr, &err) != 0) {
    fprintf(stderr, "creating %s failed: %s\n", cfg->c->expected_name, err.message);
    free(f);
    return -1;
  }
  if (cfg->on_stream && zcx_host_stream_create(&f->stream, &err) != 0) {
    fprintf(stderr, "creating a host stream failed: %s\n", err.message);
    zcx_mr_release(f->mr);
    free(f);
    return -1;
  }
  *state = f;
  return 0;
}

static int teardown(void** state) {
  fixture_t* f = *state;
  if (f->stream != NULL) {
    zcx_error_t err;
    if (zcx_stream_synchronize(f->stream, &err) != 0) {
      fprintf(stderr, "synchronize failed: %s\n", err.message);
    }
    zcx_stream_release(f->stream);
  }
  zcx_mr_release(f->mr);
  free(f);
  return 0;
}

static void must(int rc, const zcx_error_t* err, const char* what) {
  if (rc != 0) {
    fail_msg("%s: %s (%s)", what, zcx_status_name(rc), err->message);
  }
}

// Touches a block: every page for blocks up to 1 MiB, else the first, middle and last bytes.
static void touch(void* p, size_t size, unsigned char v) {
  unsigned char* b = p;
  if (size <= ((size_t)1 << 20)) {
    memset(b, v, size);
    assert_int_equal(b[0], v);
    assert_int_equal(b[size - 1], v);
  } else {
    b[0] = v;
    b[size / 2] = v;
    b[size - 1] = v;
  }
}

// ---------------------------------------------------------------------------------------------
// The checks

static void check_sizes_and_alignments(void** state) {
  fixture_t* f = *state;
  static const size_t sizes[] = {1, 7, 8, 63, 64, 65, 100, 4095, 4096, 4097, 65536,
                                 ((size_t)1 << 20) + 3, (size_t)8 << 20};
  static const size_t aligns[] = {0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 1024, 4096};
  zcx_error_t err;
  for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
    for (size_t j = 0; j < sizeof(aligns) / sizeof(aligns[0]); j++) {
      void* p = NULL;
      must(zcx_mr_allocate(f->mr, sizes[i], aligns[j], f->stream, &p, &err), &err, "allocate");
      assert_non_null(p);
      size_t a = aligns[j] == 0 ? ZCX_DEFAULT_ALIGNMENT : aligns[j];
      if (((uintptr_t)p & (a - 1)) != 0) {
        fail_msg("%s: %p of %zu bytes is not aligned to %zu", f->c->expected_name, p, sizes[i],
                 a);
      }
      touch(p, sizes[i], (unsigned char)(i + j));
      must(zcx_mr_deallocate(f->mr, p, sizes[i], f->stream, &err), &err, "deallocate");
    }
  }
  // The largest size of the suite, with the default and a page alignment.
  size_t big = (size_t)64 << 20;
  size_t big_aligns[] = {0, 4096};
  for (size_t j = 0; j < 2; j++) {
    void* p = NULL;
    must(zcx_mr_allocate(f->mr, big, big_aligns[j], f->stream, &p, &err), &err, "allocate 64 MiB");
    size_t a = big_aligns[j] == 0 ? ZCX_DEFAULT_ALIGNMENT : big_aligns[j];
    assert_true(((uintptr_t)p & (a - 1)) == 0);
    touch(p, big, 0x77);
    must(zcx_mr_deallocate(f->mr, p, big, f->stream, &err), &err, "deallocate 64 MiB");
  }
}

typedef struct block {
  unsigned char* p;
  size_t size;
} block_t;

static int by_address(const void* a, const void* b) {
  uintptr_t x = (uintptr_t)((const block_t*)a)->p;
  uintptr_t y = (uintptr_t)((const block_t*)b)->p;
  return (x > y) - (x < y);
}

static void check_live_blocks_do_not_overlap(void** state) {
  fixture_t* f = *state;
  enum { N = 300 };
  block_t blocks[N];
  zcx_error_t err;
  unsigned seed = 42;
  for (size_t i = 0; i < N; i++) {
    seed = seed * 1103515245u + 12345u;
    blocks[i].size = 1 + (seed >> 8) % 20000u;
    size_t align = (size_t)1 << (i % 13);  // 1 .. 4096
    void* p;
    must(zcx_mr_allocate(f->mr, blocks[i].size, align, f->stream, &p, &err), &err, "allocate");
    assert_true(((uintptr_t)p & (align - 1)) == 0);
    blocks[i].p = p;
    memset(p, (int)(i & 0xff), blocks[i].size);
  }
  // Every block still holds its own pattern: no other block was written over it.
  for (size_t i = 0; i < N; i++) {
    for (size_t k = 0; k < blocks[i].size; k += 61) {
      if (blocks[i].p[k] != (unsigned char)(i & 0xff)) {
        fail_msg("%s: block %zu at %p was overwritten at byte %zu", f->c->expected_name, i,
                 (void*)blocks[i].p, k);
      }
    }
  }
  // And their address ranges are disjoint.
  block_t sorted[N];
  memcpy(sorted, blocks, sizeof(sorted));
  qsort(sorted, N, sizeof(block_t), by_address);
  for (size_t i = 0; i + 1 < N; i++) {
    if (sorted[i].p + sorted[i].size > sorted[i + 1].p) {
      fail_msg("%s: [%p, +%zu) overlaps %p", f->c->expected_name, (void*)sorted[i].p,
               sorted[i].size, (void*)sorted[i + 1].p);
    }
  }
  // Free every other block, allocate again into the holes, check the survivors.
  for (size_t i = 0; i < N; i += 2) {
    must(zcx_mr_deallocate(f->mr, blocks[i].p, blocks[i].size, f->stream, &err), &err, "free");
    void* p;
    must(zcx_mr_allocate(f->mr, blocks[i].size, 0, f->stream, &p, &err), &err, "reallocate");
    blocks[i].p = p;
    memset(p, 0xa5, blocks[i].size);
  }
  for (size_t i = 1; i < N; i += 2) {
    assert_int_equal(blocks[i].p[0], (unsigned char)(i & 0xff));
    assert_int_equal(blocks[i].p[blocks[i].size - 1], (unsigned char)(i & 0xff));
  }
  for (size_t i = N; i-- > 0;) {
    must(zcx_mr_deallocate(f->mr, blocks[i].p, blocks[i].size, f->stream, &err), &err, "free");
  }
}

static void check_argument_errors(void** state) {
  fixture_t* f = *state;
  zcx_error_t err;
  void* p = (void*)0x1;
  assert_int_equal(zcx_mr_allocate(f->mr, 8, 0, f->stream, NULL, &err), EINVAL);
  assert_int_equal(zcx_mr_allocate(NULL, 8, 0, f->stream, &p, &err), EINVAL);
  assert_null(p);
  p = (void*)0x1;
  assert_int_equal(zcx_mr_allocate(f->mr, 0, 0, f->stream, &p, &err), EINVAL);
  assert_null(p);
  assert_non_null(strstr(err.message, "size is 0"));
  static const size_t bad_aligns[] = {3, 48, 100, 4097, ((size_t)1 << 20) + 64};
  for (size_t i = 0; i < sizeof(bad_aligns) / sizeof(bad_aligns[0]); i++) {
    p = (void*)0x1;
    assert_int_equal(zcx_mr_allocate(f->mr, 8, bad_aligns[i], f->stream, &p, &err), EINVAL);
    assert_null(p);
  }
  // Sizes that overflow when rounded, and sizes no machine has: ENOMEM, nothing handed out.
  static const size_t huge[] = {SIZE_MAX, SIZE_MAX - 10, SIZE_MAX / 2, SIZE_MAX >> 2};
  for (size_t i = 0; i < sizeof(huge) / sizeof(huge[0]); i++) {
    p = (void*)0x1;
    int rc = zcx_mr_allocate(f->mr, huge[i], 64, f->stream, &p, &err);
    if (rc != ENOMEM) {
      fail_msg("%s: allocate of %zu bytes gave %s, not ENOMEM", f->c->expected_name, huge[i],
               zcx_status_name(rc));
    }
    assert_null(p);
    assert_true(strlen(err.message) > 0);
  }
  // An alignment no block can have: refused one way or the other.
  p = (void*)0x1;
  int rc = zcx_mr_allocate(f->mr, 1, (size_t)1 << 60, f->stream, &p, &err);
  assert_true(rc == ENOMEM || rc == EINVAL);
  assert_null(p);

  assert_int_equal(zcx_mr_deallocate(NULL, &err, 8, f->stream, &err), EINVAL);
  assert_int_equal(zcx_mr_deallocate(f->mr, NULL, 8, f->stream, &err), EINVAL);
  must(zcx_mr_allocate(f->mr, 24, 0, f->stream, &p, &err), &err, "allocate after errors");
  assert_int_equal(zcx_mr_deallocate(f->mr, p, 0, f->stream, &err), EINVAL);
  must(zcx_mr_deallocate(f->mr, p, 24, f->stream, &err), &err, "deallocate after errors");
}

static void check_bad_frees(void** state) {
  fixture_t* f = *state;
  if (!f->c->detects_bad_frees) {
    skip();
  }
  zcx_error_t err;
  void *a, *b;
  must(zcx_mr_allocate(f->mr, 128, 0, f->stream, &a, &err), &err, "allocate");
  must(zcx_mr_allocate(f->mr, 5000, 0, f->stream, &b, &err), &err, "allocate");
  // A pointer that never came from the resource.
  uint64_t local[8];
  assert_int_equal(zcx_mr_deallocate(f->mr, local, sizeof(local), f->stream, &err), EINVAL);
  // Inside a live block, but not its start.
  assert_int_equal(zcx_mr_deallocate(f->mr, (char*)b + 64, 64, f->stream, &err), EINVAL);
  // Wrong sizes, far off and close.
  assert_int_equal(zcx_mr_deallocate(f->mr, a, 4096, f->stream, &err), EINVAL);
  assert_int_equal(zcx_mr_deallocate(f->mr, a, 129, f->stream, &err), EINVAL);
  assert_int_equal(zcx_mr_deallocate(f->mr, b, 4999, f->stream, &err), EINVAL);
  // The right free, then the same again.
  must(zcx_mr_deallocate(f->mr, a, 128, f->stream, &err), &err, "deallocate");
  assert_int_equal(zcx_mr_deallocate(f->mr, a, 128, f->stream, &err), EINVAL);
  assert_true(strlen(err.message) > 0);
  // The resource is still consistent: b is intact and frees, and allocation goes on.
  memset(b, 1, 5000);
  must(zcx_mr_deallocate(f->mr, b, 5000, f->stream, &err), &err, "deallocate");
  must(zcx_mr_allocate(f->mr, 128, 0, f->stream, &a, &err), &err, "allocate again");
  must(zcx_mr_deallocate(f->mr, a, 128, f->stream, &err), &err, "deallocate again");
}

static void check_release_outer_first(void** state) {
  fixture_t* f = *state;
  zcx_error_t err;
  void* p;
  zcx_mr_t* up = zcx_mr_upstream(f->mr);
  zcx_mr_retain(up);  // NULL is ignored
  // A second reference to the outer handle: the first release leaves it working.
  zcx_mr_retain(f->mr);
  zcx_mr_release(f->mr);
  must(zcx_mr_allocate(f->mr, 1000, 0, f->stream, &p, &err), &err, "allocate");
  must(zcx_mr_deallocate(f->mr, p, 1000, f->stream, &err), &err, "deallocate");
  // The outer handle goes first; the upstream it held lives on for whoever holds it.
  zcx_mr_release(f->mr);
  f->mr = NULL;
  if (up != NULL) {
    assert_true(strlen(zcx_mr_name(up)) > 0);
    must(zcx_mr_allocate(up, 1000, 0, f->stream, &p, &err), &err, "allocate on upstream");
    memset(p, 3, 1000);
    must(zcx_mr_deallocate(up, p, 1000, f->stream, &err), &err, "deallocate on upstream");
    zcx_mr_release(up);
  }
  // Teardown then releases nothing: recreate so that it has something to release.
  must(f->c->create(&f->mr, &err), &err, "recreate");
}

static void check_name_and_device(void** state) {
  fixture_t* f = *state;
  assert_string_equal(zcx_mr_name(f->mr), f->c->expected_name);
  const char* kind = zcx_mr_kind(f->mr);
  assert_true(strlen(kind) > 0);
  assert_memory_equal(zcx_mr_name(f->mr), kind, strlen(kind));
  zcx_device_t d = zcx_mr_device(f->mr);
  assert_true(zcx_device_equal(d, zcx_device_cpu()));
  // Every link of the chain is on the same device, and names nest.
  for (zcx_mr_t* up = zcx_mr_upstream(f->mr); up != NULL; up = zcx_mr_upstream(up)) {
    assert_true(zcx_device_equal(zcx_mr_device(up), d));
    assert_non_null(strstr(zcx_mr_name(f->mr), zcx_mr_name(up)));
  }
}

static void check_stats_consistent(void** state) {
  fixture_t* f = *state;
  zcx_error_t err;
  zcx_mr_stats_t before;
  before.struct_size = sizeof(before);
  int rc = zcx_mr_get_stats(f->mr, &before, &err);
  if (!f->c->keeps_stats) {
    assert_int_equal(rc, ENOTSUP);
    return;
  }
  must(rc, &err, "get_stats");
  enum { K = 10 };
  void* p[K];
  int64_t sum = 0;
  for (int i = 0; i < K; i++) {
    size_t size = (size_t)(1000 * i + 1);
    must(zcx_mr_allocate(f->mr, size, 0, f->stream, &p[i], &err), &err, "allocate");
    sum += (int64_t)size;
  }
  zcx_mr_stats_t mid;
  mid.struct_size = sizeof(mid);
  must(zcx_mr_get_stats(f->mr, &mid, &err), &err, "get_stats");
  if (before.current_bytes != -1) {
    assert_int_equal(mid.current_bytes - before.current_bytes, sum);
  }
  if (before.current_count != -1) {
    assert_int_equal(mid.current_count - before.current_count, K);
  }
  if (before.allocations != -1) {
    assert_int_equal(mid.allocations - before.allocations, K);
  }
  if (before.total_bytes != -1) {
    assert_int_equal(mid.total_bytes - before.total_bytes, sum);
  }
  if (mid.peak_bytes != -1) {
    assert_true(mid.peak_bytes >= mid.current_bytes);
  }
  if (mid.peak_count != -1) {
    assert_true(mid.peak_count >= mid.current_count);
  }
  if (mid.reserved_bytes != -1) {
    if (mid.current_bytes != -1) {
      assert_true(mid.reserved_bytes >= mid.current_bytes);
    }
    if (mid.peak_reserved_bytes != -1) {
      assert_true(mid.peak_reserved_bytes >= mid.reserved_bytes);
    }
    if (mid.free_bytes != -1) {
      assert_true(mid.free_bytes >= 0 && mid.free_bytes <= mid.reserved_bytes);
    }
  }
  if (mid.largest_free_block != -1 && mid.free_bytes != -1) {
    assert_true(mid.largest_free_block >= 0 && mid.largest_free_block <= mid.free_bytes);
  }
  if (mid.fragmentation != -1.0) {
    assert_true(mid.fragmentation >= 0.0 && mid.fragmentation <= 1.0);
  }
  for (int i = 0; i < K; i++) {
    must(zcx_mr_deallocate(f->mr, p[i], (size_t)(1000 * i + 1), f->stream, &err), &err, "free");
  }
  zcx_mr_stats_t after;
  after.struct_size = sizeof(after);
  must(zcx_mr_get_stats(f->mr, &after, &err), &err, "get_stats");
  if (before.current_bytes != -1) {
    assert_int_equal(after.current_bytes, before.current_bytes);
  }
  if (before.current_count != -1) {
    assert_int_equal(after.current_count, before.current_count);
  }
  if (before.frees != -1) {
    assert_int_equal(after.frees - before.frees, K);
  }
  if (before.peak_bytes != -1) {
    assert_true(after.peak_bytes >= before.current_bytes + sum);
  }
  // The fields of a shorter, older struct are filled and nothing past it is written.
  unsigned char raw[sizeof(zcx_mr_stats_t)];
  memset(raw, 0xcd, sizeof(raw));
  ((zcx_mr_stats_t*)raw)->struct_size = offsetof(zcx_mr_stats_t, total_bytes);
  must(zcx_mr_get_stats(f->mr, (zcx_mr_stats_t*)raw, &err), &err, "get_stats (short struct)");
  for (size_t i = offsetof(zcx_mr_stats_t, total_bytes); i < sizeof(raw); i++) {
    assert_int_equal(raw[i], 0xcd);
  }
}

typedef struct write_task {
  unsigned char* p;
  size_t size;
  unsigned char value;
} write_task_t;

static void write_block(void* arg) {
  write_task_t* t = arg;
  memset(t->p, t->value, t->size);
}

// Writes the task's block on the fixture's stream, or at once when there is none.
static void write_on_stream(fixture_t* f, write_task_t* t) {
  zcx_error_t err;
  if (f->stream != NULL) {
    must(zcx_stream_enqueue(f->stream, write_block, t, &err), &err, "enqueue");
  } else {
    write_block(t);
  }
}

// Waits for the work on the fixture's stream, if it has one.
static void sync_stream(fixture_t* f) {
  zcx_error_t err;
  if (f->stream != NULL) {
    must(zcx_stream_synchronize(f->stream, &err), &err, "synchronize");
  }
}

// Memory is usable by work on the allocation's stream (or at once, without a stream), and a
// free followed by an allocation on the same stream is fine.
static void check_stream_ordered_use(void** state) {
  fixture_t* f = *state;
  zcx_error_t err;
  enum { K = 8 };
  write_task_t tasks[K];
  for (int i = 0; i < K; i++) {
    void* p;
    tasks[i].size = (size_t)(4096 * i + 100);
    tasks[i].value = (unsigned char)(i + 1);
    must(zcx_mr_allocate(f->mr, tasks[i].size, 0, f->stream, &p, &err), &err, "allocate");
    tasks[i].p = p;
    write_on_stream(f, &tasks[i]);
  }
  sync_stream(f);
  for (int i = 0; i < K; i++) {
    assert_int_equal(tasks[i].p[0], tasks[i].value);
    assert_int_equal(tasks[i].p[tasks[i].size - 1], tasks[i].value);
  }
  for (int round = 0; round < 3; round++) {
    for (int i = 0; i < K; i++) {
      must(zcx_mr_deallocate(f->mr, tasks[i].p, tasks[i].size, f->stream, &err), &err, "free");
      void* p;
      must(zcx_mr_allocate(f->mr, tasks[i].size, 0, f->stream, &p, &err), &err, "reallocate");
      tasks[i].p = p;
      tasks[i].value = (unsigned char)(tasks[i].value + 16);
      write_on_stream(f, &tasks[i]);
    }
    sync_stream(f);
    for (int i = 0; i < K; i++) {
      assert_int_equal(tasks[i].p[tasks[i].size / 2], tasks[i].value);
    }
  }
  for (int i = 0; i < K; i++) {
    must(zcx_mr_deallocate(f->mr, tasks[i].p, tasks[i].size, f->stream, &err), &err, "free");
  }
}

typedef struct thread_arg {
  zcx_mr_t* mr;
  zcx_stream_t* stream;
  unsigned seed;
  int failures;
  int corrupt;
} thread_arg_t;

#ifdef ZCX_SANITIZE
enum { THREAD_ROUNDS = 1000 };
#else
enum { THREAD_ROUNDS = 10000 };
#endif

static void* thread_main(void* argp) {
  thread_arg_t* a = argp;
  unsigned char* ptrs[32] = {0};
  size_t sizes[32] = {0};
  unsigned char tag = (unsigned char)(a->seed & 0xff);
  for (int r = 0; r < THREAD_ROUNDS; r++) {
    a->seed = a->seed * 1103515245u + 12345u;
    unsigned i = (a->seed >> 8) % 32u;
    if (ptrs[i] != NULL) {
      if (ptrs[i][0] != tag || ptrs[i][sizes[i] - 1] != tag) {
        a->corrupt++;
      }
      if (zcx_mr_deallocate(a->mr, ptrs[i], sizes[i], a->stream, NULL) != 0) {
        a->failures++;
      }
      ptrs[i] = NULL;
    } else {
      sizes[i] = 1 + (a->seed >> 4) % 40000u;
      void* p;
      if (zcx_mr_allocate(a->mr, sizes[i], 0, a->stream, &p, NULL) != 0) {
        a->failures++;
        continue;
      }
      ptrs[i] = p;
      memset(p, tag, sizes[i]);
    }
  }
  for (unsigned i = 0; i < 32; i++) {
    if (ptrs[i] != NULL && zcx_mr_deallocate(a->mr, ptrs[i], sizes[i], a->stream, NULL) != 0) {
      a->failures++;
    }
  }
  return NULL;
}

// Several threads allocate and free at once (each on its own stream in the stream run, so
// blocks also move between streams through the resource).
static void check_threads(void** state) {
  fixture_t* f = *state;
  enum { T = 4 };
  pthread_t th[T];
  thread_arg_t args[T];
  zcx_error_t err;
  for (int i = 0; i < T; i++) {
    args[i] = (thread_arg_t){f->mr, NULL, 1000u + (unsigned)i * 7919u, 0, 0};
    if (f->stream != NULL) {
      must(zcx_host_stream_create(&args[i].stream, &err), &err, "host stream");
    }
    assert_int_equal(pthread_create(&th[i], NULL, thread_main, &args[i]), 0);
  }
  for (int i = 0; i < T; i++) {
    assert_int_equal(pthread_join(th[i], NULL), 0);
    if (args[i].stream != NULL) {
      must(zcx_stream_synchronize(args[i].stream, &err), &err, "synchronize");
      zcx_stream_release(args[i].stream);
    }
    assert_int_equal(args[i].failures, 0);
    assert_int_equal(args[i].corrupt, 0);
  }
  zcx_mr_stats_t s;
  s.struct_size = sizeof(s);
  if (zcx_mr_get_stats(f->mr, &s, NULL) == 0 && s.current_count != -1) {
    assert_int_equal(s.current_count, 0);
  }
}

// ---------------------------------------------------------------------------------------------

int zcxt_mr_conformance_run(const zcxt_mr_case_t* c) {
  int failed = 0;
  for (int on_stream = 0; on_stream < 2; on_stream++) {
    config_t cfg = {c, on_stream != 0};
    const struct CMUnitTest checks[] = {
        cmocka_unit_test_prestate_setup_teardown(check_name_and_device, setup, teardown, &cfg),
        cmocka_unit_test_prestate_setup_teardown(check_sizes_and_alignments, setup, teardown,
                                                 &cfg),
        cmocka_unit_test_prestate_setup_teardown(check_live_blocks_do_not_overlap, setup,
                                                 teardown, &cfg),
        cmocka_unit_test_prestate_setup_teardown(check_argument_errors, setup, teardown, &cfg),
        cmocka_unit_test_prestate_setup_teardown(check_bad_frees, setup, teardown, &cfg),
        cmocka_unit_test_prestate_setup_teardown(check_release_outer_first, setup, teardown,
                                                 &cfg),
        cmocka_unit_test_prestate_setup_teardown(check_stats_consistent, setup, teardown, &cfg),
        cmocka_unit_test_prestate_setup_teardown(check_stream_ordered_use, setup, teardown,
                                                 &cfg),
        cmocka_unit_test_prestate_setup_teardown(check_threads, setup, teardown, &cfg),
    };
    char group[160];
    snprintf(group, sizeof(group), "%s, %s", c->expected_name,
             on_stream ? "host stream" : "no stream");
    print_message("conformance of %s\n", group);
    failed += _cmocka_run_group_tests(group, checks, sizeof(checks) / sizeof(checks[0]), NULL,
                                      NULL);
  }
  return failed;
}
