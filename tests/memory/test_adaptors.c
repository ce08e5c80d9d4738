// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Tests of the statistics, limit, trace and tracking adaptors against a probe upstream.
#include <inttypes.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include "zcx/memory.h"

// ---------------------------------------------------------------------------------------------
// The probe: a malloc-backed upstream that counts the calls that reach it, can be told to
// fail, and (in its "with stats" flavour) reports made-up reservation fields.

typedef struct probe {
  zcx_mr_t base;
  int64_t allocs;     // allocate calls that reached the probe
  int64_t frees;      // deallocate calls that reached the probe
  int64_t live;       // bytes handed out and not given back
  int fail_allocs;    // the next n allocations fail with ENOMEM
  int refuse_frees;   // the next n frees fail with EINVAL
} probe_t;

static int probes_destroyed;

static int probe_allocate(zcx_mr_t* mr, size_t size, size_t alignment, zcx_stream_t* stream,
                          void** out, zcx_error_t* err) {
  (void)stream;
  probe_t* p = (probe_t*)mr;
  __atomic_add_fetch(&p->allocs, 1, __ATOMIC_RELAXED);
  if (p->fail_allocs > 0) {
    p->fail_allocs--;
    return zcx_error_fail(err, ENOMEM, "probe: told to fail %zu bytes", size);
  }
  if (alignment < sizeof(void*)) {
    alignment = sizeof(void*);
  }
  size_t rounded = (size + alignment - 1) & ~(alignment - 1);
  *out = aligned_alloc(alignment, rounded);
  if (*out == NULL) {
    return zcx_error_fail(err, ENOMEM, "probe: aligned_alloc of %zu failed", size);
  }
  __atomic_add_fetch(&p->live, (int64_t)size, __ATOMIC_RELAXED);
  return 0;
}

static int probe_deallocate(zcx_mr_t* mr, void* ptr, size_t size, zcx_stream_t* stream,
                            zcx_error_t* err) {
  (void)stream;
  probe_t* p = (probe_t*)mr;
  __atomic_add_fetch(&p->frees, 1, __ATOMIC_RELAXED);
  if (p->refuse_frees > 0) {
    p->refuse_frees--;
    return zcx_error_fail(err, EINVAL, "probe: told to refuse %p", ptr);
  }
  free(ptr);
  __atomic_sub_fetch(&p->live, (int64_t)size, __ATOMIC_RELAXED);
  return 0;
}

static int probe_get_stats(zcx_mr_t* mr, zcx_mr_stats_t* stats, zcx_error_t* err) {
  (void)err;
  probe_t* p = (probe_t*)mr;
  // Fields a stats adaptor must not take from its upstream...
  stats->current_bytes = 777777;
  stats->allocations = 777777;
  // ... and the reservation fields it must merge.
  stats->reserved_bytes = 1 << 20;
  stats->peak_reserved_bytes = 2 << 20;
  stats->free_bytes = (1 << 20) - __atomic_load_n(&p->live, __ATOMIC_RELAXED);
  stats->largest_free_block = 4096;
  stats->fragmentation = 0.25;
  return 0;
}

static void probe_destroy(zcx_mr_t* mr) {
  probes_destroyed++;
  free(mr);
}

static const zcx_mr_ops_t probe_ops = {
    .struct_size = sizeof(zcx_mr_ops_t),
    .kind = "probe",
    .allocate = probe_allocate,
    .deallocate = probe_deallocate,
    .get_stats = NULL,
    .destroy = probe_destroy,
};

static const zcx_mr_ops_t probe_stats_ops = {
    .struct_size = sizeof(zcx_mr_ops_t),
    .kind = "probe",
    .allocate = probe_allocate,
    .deallocate = probe_deallocate,
    .get_stats = probe_get_stats,
    .destroy = probe_destroy,
};

// A probe on a device that is not the CPU, so that the adaptors' device visibly comes from it.
static probe_t* probe_new(bool with_stats) {
  probe_t* p = calloc(1, sizeof(*p));
  assert_non_null(p);
  zcx_mr_init(&p->base, with_stats ? &probe_stats_ops : &probe_ops,
              (zcx_device_t){ZCX_DEVICE_CUDA_HOST, 3}, NULL, "probe");
  return p;
}

static zcx_mr_stats_t stats_of(zcx_mr_t* mr) {
  zcx_mr_stats_t s;
  memset(&s, 0x5a, sizeof(s));
  s.struct_size = sizeof(s);
  zcx_error_t err;
  int rc = zcx_mr_get_stats(mr, &s, &err);
  if (rc != 0) {
    fail_msg("get_stats on %s: %s", zcx_mr_name(mr), err.message);
  }
  return s;
}

// A stream handle that the adaptors only pass on and print; never dereferenced.
static zcx_stream_t* fake_stream(uintptr_t v) { return (zcx_stream_t*)v; }

// ---------------------------------------------------------------------------------------------
// Creation, names, devices, lifetimes

static void test_create_rejects_bad_arguments(void** state) {
  (void)state;
  probe_t* p = probe_new(false);
  zcx_mr_t* mr = (zcx_mr_t*)0x1;
  zcx_error_t err;
  assert_int_equal(zcx_stats_mr_create(NULL, &mr, &err), EINVAL);
  assert_null(mr);
  assert_int_equal(zcx_stats_mr_create(&p->base, NULL, &err), EINVAL);
  mr = (zcx_mr_t*)0x1;
  assert_int_equal(zcx_limit_mr_create(NULL, 10, &mr, &err), EINVAL);
  assert_null(mr);
  assert_int_equal(zcx_limit_mr_create(&p->base, 10, NULL, &err), EINVAL);
  mr = (zcx_mr_t*)0x1;
  assert_int_equal(zcx_trace_mr_create(NULL, "/dev/null", &mr, &err), EINVAL);
  assert_null(mr);
  assert_int_equal(zcx_trace_mr_create(&p->base, NULL, &mr, &err), EINVAL);
  assert_int_equal(zcx_trace_mr_create(&p->base, "/dev/null", NULL, &err), EINVAL);
  mr = (zcx_mr_t*)0x1;
  assert_int_equal(zcx_trace_mr_create(&p->base, "/nonexistent-dir/x/trace.csv", &mr, &err),
                   ENOENT);
  assert_null(mr);
  assert_non_null(strstr(err.message, "/nonexistent-dir/x/trace.csv"));
  mr = (zcx_mr_t*)0x1;
  assert_int_equal(zcx_tracking_mr_create(NULL, &mr, &err), EINVAL);
  assert_null(mr);
  assert_int_equal(zcx_tracking_mr_create(&p->base, NULL, &err), EINVAL);
  // Nothing above took a reference to the probe.
  assert_int_equal(p->base.refcount_, 1);
  int before = probes_destroyed;
  zcx_mr_release(&p->base);
  assert_int_equal(probes_destroyed, before + 1);
}

static void test_names_devices_and_chain_lifetime(void** state) {
  (void)state;
  probe_t* p = probe_new(false);
  zcx_mr_t *tracking, *limit, *stats, *trace;
  assert_int_equal(zcx_tracking_mr_create(&p->base, &tracking, NULL), 0);
  zcx_mr_release(&p->base);  // the adaptor keeps the probe alive
  assert_int_equal(zcx_limit_mr_create(tracking, 1 << 20, &limit, NULL), 0);
  zcx_mr_release(tracking);
  assert_int_equal(zcx_stats_mr_create(limit, &stats, NULL), 0);
  zcx_mr_release(limit);
  assert_int_equal(zcx_trace_mr_create(stats, "/dev/null", &trace, NULL), 0);
  zcx_mr_release(stats);

  assert_string_equal(zcx_mr_name(trace), "trace(stats(limit(tracking(probe))))");
  assert_string_equal(zcx_mr_kind(trace), "trace");
  assert_string_equal(zcx_mr_kind(zcx_mr_upstream(trace)), "stats");
  assert_string_equal(zcx_mr_name(zcx_mr_upstream(trace)), "stats(limit(tracking(probe)))");
  assert_string_equal(zcx_mr_kind(zcx_mr_upstream(zcx_mr_upstream(trace))), "limit");
  zcx_mr_t* t = zcx_mr_upstream(zcx_mr_upstream(zcx_mr_upstream(trace)));
  assert_string_equal(zcx_mr_kind(t), "tracking");
  assert_ptr_equal(zcx_mr_upstream(t), &p->base);
  zcx_device_t d = zcx_mr_device(trace);
  assert_int_equal(d.type, ZCX_DEVICE_CUDA_HOST);
  assert_int_equal(d.id, 3);

  void* ptr;
  assert_int_equal(zcx_mr_allocate(trace, 100, 0, NULL, &ptr, NULL), 0);
  assert_int_equal(p->allocs, 1);
  assert_int_equal(zcx_mr_deallocate(trace, ptr, 100, NULL, NULL), 0);
  assert_int_equal(p->frees, 1);

  // Releasing the only outer handle takes the whole chain down, each link exactly once.
  int before = probes_destroyed;
  zcx_mr_release(trace);
  assert_int_equal(probes_destroyed, before + 1);
}

static void test_long_names_are_truncated(void** state) {
  (void)state;
  probe_t* p = probe_new(false);
  zcx_mr_t* mr = &p->base;
  for (int i = 0; i < 12; i++) {
    zcx_mr_t* next;
    assert_int_equal(zcx_stats_mr_create(mr, &next, NULL), 0);
    zcx_mr_release(mr);
    mr = next;
  }
  assert_int_equal(strlen(zcx_mr_name(mr)), sizeof(mr->name) - 1);
  assert_memory_equal(zcx_mr_name(mr), "stats(stats(", 12);
  zcx_mr_release(mr);
}

// ---------------------------------------------------------------------------------------------
// Statistics

static void test_stats_exact_for_known_sequence(void** state) {
  (void)state;
  probe_t* p = probe_new(false);
  zcx_mr_t* mr;
  assert_int_equal(zcx_stats_mr_create(&p->base, &mr, NULL), 0);
  zcx_mr_release(&p->base);

  zcx_mr_stats_t s = stats_of(mr);
  assert_int_equal(s.current_bytes, 0);
  assert_int_equal(s.peak_bytes, 0);
  assert_int_equal(s.allocations, 0);
  assert_int_equal(s.reserved_bytes, -1);  // the probe keeps no statistics
  assert_true(s.fragmentation == -1.0);

  void *a, *b, *c, *d;
  assert_int_equal(zcx_mr_allocate(mr, 100, 0, NULL, &a, NULL), 0);
  assert_int_equal(zcx_mr_allocate(mr, 200, 0, NULL, &b, NULL), 0);
  assert_int_equal(zcx_mr_allocate(mr, 300, 0, NULL, &c, NULL), 0);
  assert_int_equal(zcx_mr_deallocate(mr, b, 200, NULL, NULL), 0);
  assert_int_equal(zcx_mr_allocate(mr, 50, 0, NULL, &d, NULL), 0);
  p->fail_allocs = 1;
  void* e = (void*)0x1;
  zcx_error_t err;
  assert_int_equal(zcx_mr_allocate(mr, 1000, 0, NULL, &e, &err), ENOMEM);
  assert_non_null(strstr(err.message, "probe: told to fail 1000 bytes"));
  // Argument errors never reach the adaptor, so they are not failures of it.
  assert_int_equal(zcx_mr_allocate(mr, 0, 0, NULL, &e, NULL), EINVAL);
  assert_int_equal(zcx_mr_allocate(mr, 8, 3, NULL, &e, NULL), EINVAL);

  s = stats_of(mr);
  assert_int_equal(s.current_bytes, 450);
  assert_int_equal(s.peak_bytes, 600);
  assert_int_equal(s.total_bytes, 650);
  assert_int_equal(s.current_count, 3);
  assert_int_equal(s.peak_count, 3);
  assert_int_equal(s.allocations, 4);
  assert_int_equal(s.frees, 1);
  assert_int_equal(s.failures, 1);

  // A free that the upstream refuses changes nothing.
  p->refuse_frees = 1;
  assert_int_equal(zcx_mr_deallocate(mr, a, 100, NULL, &err), EINVAL);
  s = stats_of(mr);
  assert_int_equal(s.current_bytes, 450);
  assert_int_equal(s.frees, 1);

  assert_int_equal(zcx_mr_deallocate(mr, a, 100, NULL, NULL), 0);
  assert_int_equal(zcx_mr_deallocate(mr, c, 300, NULL, NULL), 0);
  assert_int_equal(zcx_mr_deallocate(mr, d, 50, NULL, NULL), 0);
  s = stats_of(mr);
  assert_int_equal(s.current_bytes, 0);
  assert_int_equal(s.current_count, 0);
  assert_int_equal(s.peak_bytes, 600);
  assert_int_equal(s.peak_count, 3);
  assert_int_equal(s.total_bytes, 650);
  assert_int_equal(s.allocations, 4);
  assert_int_equal(s.frees, 4);
  assert_int_equal(s.failures, 1);
  assert_int_equal(p->live, 0);
  zcx_mr_release(mr);
}

static void test_stats_merges_upstream_reservations(void** state) {
  (void)state;
  probe_t* p = probe_new(true);
  zcx_mr_t* mr;
  assert_int_equal(zcx_stats_mr_create(&p->base, &mr, NULL), 0);
  zcx_mr_release(&p->base);
  void* a;
  assert_int_equal(zcx_mr_allocate(mr, 1000, 0, NULL, &a, NULL), 0);
  zcx_mr_stats_t s = stats_of(mr);
  assert_int_equal(s.current_bytes, 1000);  // ours, not the probe's 777777
  assert_int_equal(s.allocations, 1);
  assert_int_equal(s.reserved_bytes, 1 << 20);
  assert_int_equal(s.peak_reserved_bytes, 2 << 20);
  assert_int_equal(s.free_bytes, (1 << 20) - 1000);
  assert_int_equal(s.largest_free_block, 4096);
  assert_true(s.fragmentation == 0.25);

  // A caller built against an older, shorter struct gets its prefix and nothing more.
  unsigned char raw[sizeof(zcx_mr_stats_t)];
  memset(raw, 0xee, sizeof(raw));
  zcx_mr_stats_t* old = (zcx_mr_stats_t*)raw;
  old->struct_size = offsetof(zcx_mr_stats_t, reserved_bytes);
  assert_int_equal(zcx_mr_get_stats(mr, old, NULL), 0);
  assert_int_equal(old->current_bytes, 1000);
  assert_int_equal(old->failures, 0);
  for (size_t i = offsetof(zcx_mr_stats_t, reserved_bytes); i < sizeof(raw); i++) {
    assert_int_equal(raw[i], 0xee);
  }
  zcx_mr_stats_t bad;
  bad.struct_size = 2;
  assert_int_equal(zcx_mr_get_stats(mr, &bad, NULL), EINVAL);
  bad.struct_size = sizeof(bad) + 8;
  assert_int_equal(zcx_mr_get_stats(mr, &bad, NULL), EINVAL);
  assert_int_equal(zcx_mr_get_stats(mr, NULL, NULL), EINVAL);

  assert_int_equal(zcx_mr_deallocate(mr, a, 1000, NULL, NULL), 0);
  zcx_mr_release(mr);
}

typedef struct worker_arg {
  zcx_mr_t* mr;
  unsigned seed;
  int rounds;
  int failures;
} worker_arg_t;

static unsigned next_rand(unsigned* s) {
  *s = *s * 1103515245u + 12345u;
  return (*s >> 8) & 0xffffu;
}

// Allocates and frees blocks of pseudo-random sizes, keeping up to 16 live.
static void* worker(void* argp) {
  worker_arg_t* a = argp;
  void* ptrs[16] = {0};
  size_t sizes[16] = {0};
  for (int r = 0; r < a->rounds; r++) {
    unsigned i = next_rand(&a->seed) % 16u;
    if (ptrs[i] != NULL) {
      if (zcx_mr_deallocate(a->mr, ptrs[i], sizes[i], NULL, NULL) != 0) {
        a->failures++;
      }
      ptrs[i] = NULL;
    } else {
      sizes[i] = 1 + next_rand(&a->seed) % 5000u;
      if (zcx_mr_allocate(a->mr, sizes[i], 0, NULL, &ptrs[i], NULL) != 0) {
        a->failures++;
        ptrs[i] = NULL;
      } else {
        memset(ptrs[i], (int)i, sizes[i]);
      }
    }
  }
  for (unsigned i = 0; i < 16; i++) {
    if (ptrs[i] != NULL && zcx_mr_deallocate(a->mr, ptrs[i], sizes[i], NULL, NULL) != 0) {
      a->failures++;
    }
  }
  return NULL;
}

#ifdef ZCX_SANITIZE
enum { ROUNDS = 2000 };
#else
enum { ROUNDS = 20000 };
#endif

static void run_workers(zcx_mr_t* mr, int nthreads) {
  pthread_t th[8];
  worker_arg_t args[8];
  for (int i = 0; i < nthreads; i++) {
    args[i] = (worker_arg_t){mr, 1234u + (unsigned)i * 77u, ROUNDS, 0};
    assert_int_equal(pthread_create(&th[i], NULL, worker, &args[i]), 0);
  }
  for (int i = 0; i < nthreads; i++) {
    assert_int_equal(pthread_join(th[i], NULL), 0);
    assert_int_equal(args[i].failures, 0);
  }
}

static void test_stats_counts_concurrent_traffic(void** state) {
  (void)state;
  probe_t* p = probe_new(false);
  zcx_mr_t *tracking, *mr;
  assert_int_equal(zcx_tracking_mr_create(&p->base, &tracking, NULL), 0);
  zcx_mr_release(&p->base);
  assert_int_equal(zcx_stats_mr_create(tracking, &mr, NULL), 0);
  zcx_mr_release(tracking);
  run_workers(mr, 4);
  zcx_mr_stats_t s = stats_of(mr);
  assert_int_equal(s.current_bytes, 0);
  assert_int_equal(s.current_count, 0);
  assert_int_equal(s.allocations, s.frees);
  assert_int_equal(s.allocations, p->allocs);
  assert_int_equal(s.frees, p->frees);
  assert_true(s.peak_count >= 16 && s.peak_count <= 64);
  assert_true(s.peak_bytes > 0 && s.peak_bytes <= 64 * 5000);
  assert_true(s.total_bytes >= s.peak_bytes);
  assert_int_equal(s.failures, 0);
  int64_t count = -1;
  assert_int_equal(zcx_tracking_mr_outstanding(tracking, &count, NULL, NULL), 0);
  assert_int_equal(count, 0);
  assert_int_equal(p->live, 0);
  zcx_mr_release(mr);
}

// ---------------------------------------------------------------------------------------------
// Limit

static void test_limit_refuses_and_recovers(void** state) {
  (void)state;
  probe_t* p = probe_new(false);
  zcx_mr_t* mr;
  assert_int_equal(zcx_limit_mr_create(&p->base, 1000, &mr, NULL), 0);
  zcx_mr_release(&p->base);
  assert_string_equal(zcx_mr_name(mr), "limit(probe)");

  void *a, *b, *c;
  zcx_error_t err;
  assert_int_equal(zcx_mr_allocate(mr, 600, 0, NULL, &a, NULL), 0);
  b = (void*)0x1;
  assert_int_equal(zcx_mr_allocate(mr, 500, 0, NULL, &b, &err), ENOMEM);
  assert_null(b);
  // The message names the request, the use and the limit.
  assert_non_null(strstr(err.message, "limit(probe)"));
  assert_non_null(strstr(err.message, "500 bytes requested"));
  assert_non_null(strstr(err.message, "600 bytes in use"));
  assert_non_null(strstr(err.message, "limit of 1000 bytes"));
  assert_int_equal(p->allocs, 1);  // refused before it reached the upstream

  // Exactly up to the limit is allowed.
  assert_int_equal(zcx_mr_allocate(mr, 400, 0, NULL, &b, NULL), 0);
  assert_int_equal(zcx_mr_allocate(mr, 1, 0, NULL, &c, &err), ENOMEM);
  assert_non_null(strstr(err.message, "1000 bytes in use"));
  assert_int_equal(stats_of(mr).current_bytes, 1000);

  // Frees make room again.
  assert_int_equal(zcx_mr_deallocate(mr, a, 600, NULL, NULL), 0);
  assert_int_equal(zcx_mr_allocate(mr, 500, 0, NULL, &a, NULL), 0);
  assert_int_equal(stats_of(mr).current_bytes, 900);

  // An upstream failure gives the reserved bytes back.
  assert_int_equal(zcx_mr_deallocate(mr, a, 500, NULL, NULL), 0);
  p->fail_allocs = 1;
  assert_int_equal(zcx_mr_allocate(mr, 600, 0, NULL, &a, &err), ENOMEM);
  assert_non_null(strstr(err.message, "probe"));
  assert_int_equal(stats_of(mr).current_bytes, 400);
  assert_int_equal(zcx_mr_allocate(mr, 600, 0, NULL, &a, NULL), 0);

  // Sizes that would overflow a sum are refused, not wrapped.
  assert_int_equal(zcx_mr_allocate(mr, SIZE_MAX / 4, 1, NULL, &c, &err), ENOMEM);

  // Freeing more than is in use cannot be right; the upstream never sees it.
  int64_t frees = p->frees;
  assert_int_equal(zcx_mr_deallocate(mr, a, 5000, NULL, &err), EINVAL);
  assert_non_null(strstr(err.message, "1000 bytes in use"));
  assert_int_equal(p->frees, frees);
  // A free the upstream refuses leaves the use as it was.
  p->refuse_frees = 1;
  assert_int_equal(zcx_mr_deallocate(mr, a, 600, NULL, &err), EINVAL);
  assert_int_equal(stats_of(mr).current_bytes, 1000);

  assert_int_equal(zcx_mr_deallocate(mr, a, 600, NULL, NULL), 0);
  assert_int_equal(zcx_mr_deallocate(mr, b, 400, NULL, NULL), 0);
  assert_int_equal(stats_of(mr).current_bytes, 0);
  assert_int_equal(p->live, 0);
  zcx_mr_release(mr);
}

static void test_limit_zero_and_concurrent(void** state) {
  (void)state;
  probe_t* p = probe_new(false);
  zcx_mr_t* mr;
  assert_int_equal(zcx_limit_mr_create(&p->base, 0, &mr, NULL), 0);
  void* a;
  zcx_error_t err;
  assert_int_equal(zcx_mr_allocate(mr, 1, 0, NULL, &a, &err), ENOMEM);
  assert_non_null(strstr(err.message, "limit of 0 bytes"));
  zcx_mr_release(mr);

  // Many threads under a limit that is never reached: no spurious refusals, and the use
  // returns to zero.
  assert_int_equal(zcx_limit_mr_create(&p->base, 64 * 5000, &mr, NULL), 0);
  zcx_mr_release(&p->base);
  run_workers(mr, 4);
  assert_int_equal(stats_of(mr).current_bytes, 0);
  assert_int_equal(p->live, 0);
  zcx_mr_release(mr);
}

// ---------------------------------------------------------------------------------------------
// Trace

static void trace_path(char* buf, size_t size, const char* tag) {
  snprintf(buf, size, "%s/zcx-trace-%s-%ld.csv", ZCX_BINARY_DIR, tag, (long)getpid());
}

// Splits a CSV line (no quoting in this format) into at most `max` fields.
static int split(char* line, char** fields, int max) {
  int n = 0;
  line[strcspn(line, "\r\n")] = '\0';
  char* s = line;
  while (n < max) {
    fields[n++] = s;
    char* comma = strchr(s, ',');
    if (comma == NULL) {
      break;
    }
    *comma = '\0';
    s = comma + 1;
  }
  return n;
}

static bool is_time(const char* s) {
  // HH:MM:SS.uuuuuu, local time of day with microseconds.
  const char* shape = "dd:dd:dd.dddddd";
  if (strlen(s) != strlen(shape)) {
    return false;
  }
  for (size_t i = 0; shape[i] != '\0'; i++) {
    bool ok = shape[i] == 'd' ? (s[i] >= '0' && s[i] <= '9') : s[i] == shape[i];
    if (!ok) {
      return false;
    }
  }
  int hours = (s[0] - '0') * 10 + (s[1] - '0');
  return hours < 24 && s[3] < '6' && s[6] <= '6';
}

static void expect_line(char* line, long tid, const char* action, const void* ptr, size_t size,
                        const char* stream) {
  char* f[8];
  assert_int_equal(split(line, f, 8), 6);
  char buf[64];
  snprintf(buf, sizeof(buf), "%ld", tid);
  assert_string_equal(f[0], buf);
  assert_true(is_time(f[1]));
  assert_string_equal(f[2], action);
  if (ptr == NULL) {
    assert_string_equal(f[3], "(nil)");
  } else {
    snprintf(buf, sizeof(buf), "0x%" PRIxPTR, (uintptr_t)ptr);
    assert_string_equal(f[3], buf);
    // Also what glibc's %p writes, so RMM's parser and ours agree.
    snprintf(buf, sizeof(buf), "%p", ptr);
    assert_string_equal(f[3], buf);
  }
  snprintf(buf, sizeof(buf), "%zu", size);
  assert_string_equal(f[4], buf);
  assert_string_equal(f[5], stream);
}

static void test_trace_writes_rmm_format(void** state) {
  (void)state;
  char path[512];
  trace_path(path, sizeof(path), "format");
  probe_t* p = probe_new(true);
  zcx_mr_t* mr;
  assert_int_equal(zcx_trace_mr_create(&p->base, path, &mr, NULL), 0);
  zcx_mr_release(&p->base);
  assert_string_equal(zcx_mr_name(mr), "trace(probe)");
  // The trace shows its upstream's statistics.
  assert_int_equal(stats_of(mr).reserved_bytes, 1 << 20);

  zcx_stream_t* s = fake_stream(0x5eed0);
  void *a, *b, *c;
  assert_int_equal(zcx_mr_allocate(mr, 64, 0, NULL, &a, NULL), 0);
  assert_int_equal(zcx_mr_allocate(mr, 12345, 256, s, &b, NULL), 0);
  p->fail_allocs = 1;
  assert_int_equal(zcx_mr_allocate(mr, 1u << 30, 0, s, &c, NULL), ENOMEM);
  assert_int_equal(zcx_mr_deallocate(mr, b, 12345, s, NULL), 0);
  assert_int_equal(zcx_mr_deallocate(mr, a, 64, NULL, NULL), 0);
  // Argument errors are caught before the adaptor and leave no line.
  assert_int_equal(zcx_mr_allocate(mr, 0, 0, NULL, &c, NULL), EINVAL);
  zcx_mr_release(mr);  // flushes and closes the file

  FILE* f = fopen(path, "r");
  assert_non_null(f);
  char line[256];
  long tid = (long)syscall(SYS_gettid);
  assert_non_null(fgets(line, sizeof(line), f));
  assert_string_equal(line, "Thread,Time,Action,Pointer,Size,Stream\n");
  assert_non_null(fgets(line, sizeof(line), f));
  expect_line(line, tid, "allocate", a, 64, "0");
  assert_non_null(fgets(line, sizeof(line), f));
  expect_line(line, tid, "allocate", b, 12345, "0x5eed0");
  assert_non_null(fgets(line, sizeof(line), f));
  expect_line(line, tid, "allocate failure", NULL, 1u << 30, "0x5eed0");
  assert_non_null(fgets(line, sizeof(line), f));
  expect_line(line, tid, "free", b, 12345, "0x5eed0");
  assert_non_null(fgets(line, sizeof(line), f));
  expect_line(line, tid, "free", a, 64, "0");
  assert_null(fgets(line, sizeof(line), f));
  fclose(f);
  assert_int_equal(unlink(path), 0);
}

static void test_trace_lines_of_threads_stay_whole(void** state) {
  (void)state;
  char path[512];
  trace_path(path, sizeof(path), "threads");
  probe_t* p = probe_new(false);
  zcx_mr_t* mr;
  assert_int_equal(zcx_trace_mr_create(&p->base, path, &mr, NULL), 0);
  zcx_mr_release(&p->base);
  run_workers(mr, 4);
  int64_t allocs = p->allocs;
  int64_t frees = p->frees;
  zcx_mr_release(mr);

  FILE* f = fopen(path, "r");
  assert_non_null(f);
  char line[256];
  assert_non_null(fgets(line, sizeof(line), f));
  int64_t n_alloc = 0;
  int64_t n_free = 0;
  int64_t bytes = 0;
  while (fgets(line, sizeof(line), f) != NULL) {
    char* fields[8];
    assert_int_equal(split(line, fields, 8), 6);
    assert_true(is_time(fields[1]));
    assert_memory_equal(fields[3], "0x", 2);
    assert_string_equal(fields[5], "0");
    long long size = atoll(fields[4]);
    if (strcmp(fields[2], "allocate") == 0) {
      n_alloc++;
      bytes += size;
    } else {
      assert_string_equal(fields[2], "free");
      n_free++;
      bytes -= size;
    }
  }
  fclose(f);
  assert_int_equal(n_alloc, allocs);
  assert_int_equal(n_free, frees);
  assert_int_equal(bytes, 0);
  assert_int_equal(unlink(path), 0);
}

// ---------------------------------------------------------------------------------------------
// Tracking

static void test_tracking_refuses_bad_frees(void** state) {
  (void)state;
  probe_t* p = probe_new(false);
  zcx_mr_t* mr;
  assert_int_equal(zcx_tracking_mr_create(&p->base, &mr, NULL), 0);
  zcx_mr_release(&p->base);

  void *a, *b;
  zcx_error_t err;
  assert_int_equal(zcx_mr_allocate(mr, 100, 0, NULL, &a, NULL), 0);
  assert_int_equal(zcx_mr_allocate(mr, 200, 0, NULL, &b, NULL), 0);
  int64_t count = 0, bytes = 0;
  assert_int_equal(zcx_tracking_mr_outstanding(mr, &count, &bytes, NULL), 0);
  assert_int_equal(count, 2);
  assert_int_equal(bytes, 300);

  // Wrong size.
  assert_int_equal(zcx_mr_deallocate(mr, a, 101, NULL, &err), EINVAL);
  assert_non_null(strstr(err.message, "allocated with 100 bytes but freed with 101"));
  // Foreign pointer.
  int local;
  assert_int_equal(zcx_mr_deallocate(mr, &local, 4, NULL, &err), EINVAL);
  assert_non_null(strstr(err.message, "not a live allocation"));
  // An address inside a live block is not the block.
  assert_int_equal(zcx_mr_deallocate(mr, (char*)a + 8, 92, NULL, &err), EINVAL);
  assert_int_equal(p->frees, 0);  // the upstream saw none of it

  assert_int_equal(zcx_mr_deallocate(mr, a, 100, NULL, NULL), 0);
  assert_int_equal(p->frees, 1);
  // Double free.
  assert_int_equal(zcx_mr_deallocate(mr, a, 100, NULL, &err), EINVAL);
  assert_non_null(strstr(err.message, "freed twice"));
  assert_int_equal(p->frees, 1);
  assert_int_equal(zcx_tracking_mr_outstanding(mr, &count, &bytes, NULL), 0);
  assert_int_equal(count, 1);
  assert_int_equal(bytes, 200);

  // A free the upstream refuses keeps the block on record, and it can be freed later.
  p->refuse_frees = 1;
  assert_int_equal(zcx_mr_deallocate(mr, b, 200, NULL, &err), EINVAL);
  assert_int_equal(zcx_tracking_mr_outstanding(mr, &count, NULL, NULL), 0);
  assert_int_equal(count, 1);
  assert_int_equal(zcx_mr_deallocate(mr, b, 200, NULL, NULL), 0);
  assert_int_equal(zcx_tracking_mr_outstanding(mr, NULL, &bytes, NULL), 0);
  assert_int_equal(bytes, 0);
  zcx_mr_stats_t s = stats_of(mr);
  assert_int_equal(s.current_count, 0);
  assert_int_equal(s.current_bytes, 0);

  // An upstream failure is passed on and leaves no record.
  p->fail_allocs = 1;
  assert_int_equal(zcx_mr_allocate(mr, 10, 0, NULL, &a, &err), ENOMEM);
  assert_int_equal(zcx_tracking_mr_outstanding(mr, &count, NULL, NULL), 0);
  assert_int_equal(count, 0);
  assert_int_equal(p->live, 0);
  zcx_mr_release(mr);
}

static void test_tracking_many_blocks(void** state) {
  (void)state;
  probe_t* p = probe_new(false);
  zcx_mr_t* mr;
  assert_int_equal(zcx_tracking_mr_create(&p->base, &mr, NULL), 0);
  zcx_mr_release(&p->base);
  enum { N = 5000 };
  void** ptrs = calloc(N, sizeof(void*));
  assert_non_null(ptrs);
  for (size_t i = 0; i < N; i++) {
    assert_int_equal(zcx_mr_allocate(mr, 1 + i % 97, 0, NULL, &ptrs[i], NULL), 0);
  }
  int64_t count;
  assert_int_equal(zcx_tracking_mr_outstanding(mr, &count, NULL, NULL), 0);
  assert_int_equal(count, N);
  // Free in a scrambled order (7919 is prime, so i*7919 mod N visits every index), checking
  // after each that a block freed already is refused and one still live is known.
  for (size_t k = 0; k < N; k++) {
    size_t i = (k * 7919) % N;
    assert_int_equal(zcx_mr_deallocate(mr, ptrs[i], 1 + i % 97, NULL, NULL), 0);
    if (k % 500 == 0) {
      assert_int_equal(zcx_mr_deallocate(mr, ptrs[i], 1 + i % 97, NULL, NULL), EINVAL);
      size_t j = ((k + 1) * 7919) % N;
      // Wrong size on a live block: refused, proving the block is still known.
      assert_int_equal(zcx_mr_deallocate(mr, ptrs[j], 1000, NULL, NULL), EINVAL);
    }
  }
  assert_int_equal(zcx_tracking_mr_outstanding(mr, &count, NULL, NULL), 0);
  assert_int_equal(count, 0);
  assert_int_equal(p->live, 0);
  free(ptrs);
  zcx_mr_release(mr);
}

static int count_lines(FILE* f, const char* must_contain) {
  rewind(f);
  char line[512];
  int n = 0;
  while (fgets(line, sizeof(line), f) != NULL) {
    if (must_contain == NULL || strstr(line, must_contain) != NULL) {
      n++;
    }
  }
  return n;
}

static void test_tracking_report(void** state) {
  (void)state;
  probe_t* p = probe_new(false);
  zcx_mr_t* mr;
  assert_int_equal(zcx_tracking_mr_create(&p->base, &mr, NULL), 0);
  zcx_mr_release(&p->base);

  FILE* out = tmpfile();
  assert_non_null(out);
  assert_int_equal(zcx_tracking_mr_report(mr, out, NULL), 0);
  assert_int_equal(count_lines(out, NULL), 0);

  void *a, *b, *c;
  assert_int_equal(zcx_mr_allocate(mr, 111, 0, NULL, &a, NULL), 0);
  assert_int_equal(zcx_mr_allocate(mr, 222, 0, fake_stream(0xabc0), &b, NULL), 0);
  assert_int_equal(zcx_mr_allocate(mr, 333, 0, NULL, &c, NULL), 0);
  assert_int_equal(zcx_mr_deallocate(mr, a, 111, NULL, NULL), 0);

  out = freopen(NULL, "w+", out);
  assert_non_null(out);
  assert_int_equal(zcx_tracking_mr_report(mr, out, NULL), 0);
  assert_int_equal(count_lines(out, NULL), 2);
  rewind(out);
  char line[512];
  char expect[512];
  // In allocation order, one line per live block.
  assert_non_null(fgets(line, sizeof(line), out));
  snprintf(expect, sizeof(expect),
           "tracking(probe): live allocation #1 of 222 bytes at %p on stream 0xabc0\n", b);
  assert_string_equal(line, expect);
  assert_non_null(fgets(line, sizeof(line), out));
  snprintf(expect, sizeof(expect),
           "tracking(probe): live allocation #2 of 333 bytes at %p on stream 0\n", c);
  assert_string_equal(line, expect);
  fclose(out);

  // Bad arguments, and a resource that is not a tracking adaptor.
  zcx_error_t err;
  assert_int_equal(zcx_tracking_mr_report(mr, NULL, &err), EINVAL);
  assert_int_equal(zcx_tracking_mr_report(NULL, stderr, &err), EINVAL);
  zcx_mr_t* stats;
  assert_int_equal(zcx_stats_mr_create(mr, &stats, NULL), 0);
  assert_int_equal(zcx_tracking_mr_report(stats, stderr, &err), EINVAL);
  assert_non_null(strstr(err.message, "stats(tracking(probe)) is not a tracking adaptor"));
  int64_t count;
  assert_int_equal(zcx_tracking_mr_outstanding(stats, &count, NULL, &err), EINVAL);
  assert_int_equal(zcx_tracking_mr_set_report(stats, stderr, &err), EINVAL);
  zcx_mr_release(stats);

  // At destruction the live blocks go to the sink.
  FILE* sink = tmpfile();
  assert_non_null(sink);
  assert_int_equal(zcx_tracking_mr_set_report(mr, sink, NULL), 0);
  zcx_mr_release(mr);
  assert_int_equal(count_lines(sink, "live allocation"), 2);
  assert_int_equal(count_lines(sink, "of 333 bytes"), 1);
  fclose(sink);
  // The blocks were leaked through the adaptor; give them back to the probe's memory.
  free(b);
  free(c);
}

static void test_tracking_silent_without_sink(void** state) {
  (void)state;
  probe_t* p = probe_new(false);
  zcx_mr_t* mr;
  assert_int_equal(zcx_tracking_mr_create(&p->base, &mr, NULL), 0);
  zcx_mr_release(&p->base);
  void* a;
  assert_int_equal(zcx_mr_allocate(mr, 10, 0, NULL, &a, NULL), 0);
  FILE* sink = tmpfile();
  assert_non_null(sink);
  assert_int_equal(zcx_tracking_mr_set_report(mr, sink, NULL), 0);
  assert_int_equal(zcx_tracking_mr_set_report(mr, NULL, NULL), 0);  // unset again
  zcx_mr_release(mr);
  assert_int_equal(count_lines(sink, NULL), 0);
  fclose(sink);
  free(a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_create_rejects_bad_arguments),
      cmocka_unit_test(test_names_devices_and_chain_lifetime),
      cmocka_unit_test(test_long_names_are_truncated),
      cmocka_unit_test(test_stats_exact_for_known_sequence),
      cmocka_unit_test(test_stats_merges_upstream_reservations),
      cmocka_unit_test(test_stats_counts_concurrent_traffic),
      cmocka_unit_test(test_limit_refuses_and_recovers),
      cmocka_unit_test(test_limit_zero_and_concurrent),
      cmocka_unit_test(test_trace_writes_rmm_format),
      cmocka_unit_test(test_trace_lines_of_threads_stay_whole),
      cmocka_unit_test(test_tracking_refuses_bad_frees),
      cmocka_unit_test(test_tracking_many_blocks),
      cmocka_unit_test(test_tracking_report),
      cmocka_unit_test(test_tracking_silent_without_sink),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
