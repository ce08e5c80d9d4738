// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The cases of the allocation benchmark, run against one allocator in this process.
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"

#define ACTIVATIONS 20
#define SMALL_PER_ACTIVATION 4
#define PAGE 4096

typedef struct case_params {
  size_t min_size;
  size_t max_size;
  int warmup;
  int measured;
} case_params_t;

static case_params_t params_for(bool quick) {
  if (quick) {
    return (case_params_t){256 << 10, 4 << 20, 1, 3};
  }
  return (case_params_t){256 << 10, 64 << 20, 3, 12};
}

// A small deterministic generator (xorshift64*), the same sequence for every allocator.
static uint64_t rng_next(uint64_t* s) {
  uint64_t x = *s;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  *s = x;
  return x * UINT64_C(0x2545F4914F6CDD1D);
}

static double rng_unit(uint64_t* s) { return (double)(rng_next(s) >> 11) * 0x1.0p-53; }

// Time spent inside the allocator, per thread.
typedef struct timed {
  const zcxb_allocator_t* a;
  int64_t alloc_ns;
  int64_t failures;
} timed_t;

static void* timed_alloc(timed_t* t, size_t size) {
  int64_t t0 = zcxb_now_ns();
  void* p = t->a->alloc(t->a->ctx, size);
  t->alloc_ns += zcxb_now_ns() - t0;
  if (p == NULL) {
    t->failures++;
  }
  return p;
}

static void timed_release(timed_t* t, void* p, size_t size) {
  if (p == NULL) {
    return;
  }
  int64_t t0 = zcxb_now_ns();
  t->a->release(t->a->ctx, p, size);
  t->alloc_ns += zcxb_now_ns() - t0;
}

// Writes one byte in every page, as a kernel that fills the buffer would touch it.
static void write_pages(unsigned char* p, size_t size, unsigned char v) {
  for (size_t off = 0; off < size; off += PAGE) {
    p[off] = v;
  }
  p[size - 1] = v;
}

// Light compute: reads every 16th page of the input activation.
static unsigned read_sample(const unsigned char* p, size_t size) {
  unsigned sum = 0;
  for (size_t off = 0; off < size; off += 16 * PAGE) {
    sum += p[off];
  }
  return sum;
}

// The sizes of one iteration: geometric from min to max (train), or log-uniform random.
static void iteration_sizes(const case_params_t* cp, bool random, int iter, size_t* sizes) {
  uint64_t seed = UINT64_C(0x9E3779B97F4A7C15) ^ ((uint64_t)iter * UINT64_C(0x100000001B3));
  double lo = log((double)cp->min_size);
  double hi = log((double)cp->max_size);
  for (int i = 0; i < ACTIVATIONS; i++) {
    double l = random ? lo + (hi - lo) * rng_unit(&seed) : lo + (hi - lo) * i / (ACTIVATIONS - 1);
    size_t s = (size_t)exp(l);
    s = (s + 63) & ~(size_t)63;
    sizes[i] = s;
  }
}

static volatile unsigned g_sink;

// One training iteration; returns the number of failed allocations.
static void train_iteration(timed_t* t, const case_params_t* cp, bool random, int iter) {
  size_t sizes[ACTIVATIONS];
  iteration_sizes(cp, random, iter, sizes);
  unsigned char* act[ACTIVATIONS];
  void* small[ACTIVATIONS * SMALL_PER_ACTIVATION];
  size_t small_size[ACTIVATIONS * SMALL_PER_ACTIVATION];
  uint64_t seed = UINT64_C(0xD1B54A32D192ED03) + (uint64_t)iter;
  unsigned sum = 0;
  for (int i = 0; i < ACTIVATIONS; i++) {
    act[i] = timed_alloc(t, sizes[i]);
    if (act[i] != NULL) {
      write_pages(act[i], sizes[i], (unsigned char)(i + iter));
      if (i > 0 && act[i - 1] != NULL) {
        sum += read_sample(act[i - 1], sizes[i - 1]);
      }
    }
    for (int k = 0; k < SMALL_PER_ACTIVATION; k++) {
      int j = i * SMALL_PER_ACTIVATION + k;
      small_size[j] = (size_t)64 << (rng_next(&seed) % 7);  // 64 B .. 4 KiB
      small[j] = timed_alloc(t, small_size[j]);
      if (small[j] != NULL) {
        memset(small[j], j & 0xff, small_size[j]);
      }
    }
  }
  g_sink = sum;
  int order[ACTIVATIONS];
  for (int i = 0; i < ACTIVATIONS; i++) {
    order[i] = ACTIVATIONS - 1 - i;  // backward pass: reverse order
  }
  if (random) {
    for (int i = ACTIVATIONS - 1; i > 0; i--) {
      int j = (int)(rng_next(&seed) % (uint64_t)(i + 1));
      int tmp = order[i];
      order[i] = order[j];
      order[j] = tmp;
    }
  }
  for (int i = 0; i < ACTIVATIONS; i++) {
    timed_release(t, act[order[i]], sizes[order[i]]);
  }
  for (int j = ACTIVATIONS * SMALL_PER_ACTIVATION - 1; j >= 0; j--) {
    timed_release(t, small[j], small_size[j]);
  }
}

static int run_loop(const zcxb_allocator_t* a, bool quick, bool random, zcxb_alloc_result_t* r,
                    zcx_error_t* err) {
  case_params_t cp = params_for(quick);
  timed_t t = {a, 0, 0};
  for (int i = 0; i < cp.warmup; i++) {
    train_iteration(&t, &cp, random, i);
  }
  double* times = calloc((size_t)cp.measured, sizeof(double));
  if (times == NULL) {
    return zcx_error_fail(err, ENOMEM, "alloc bench: out of memory");
  }
  t.alloc_ns = 0;
  int64_t faults0, faults1;
  zcxb_rusage(&faults0, NULL);
  int64_t total = 0;
  for (int i = 0; i < cp.measured; i++) {
    int64_t t0 = zcxb_now_ns();
    train_iteration(&t, &cp, random, cp.warmup + i);
    int64_t dt = zcxb_now_ns() - t0;
    total += dt;
    times[i] = (double)dt * 1e-9;
  }
  zcxb_rusage(&faults1, &r->peak_rss_bytes);
  r->iterations = cp.measured;
  r->median_s = zcxb_median(times, (size_t)cp.measured);
  r->alloc_share = total > 0 ? (double)t.alloc_ns / (double)total : 0.0;
  r->page_faults = (double)(faults1 - faults0) / cp.measured;
  r->failures = t.failures;
  free(times);
  if (t.failures > 0) {
    return zcx_error_fail(err, ENOMEM, "alloc bench: %lld allocations failed",
                          (long long)t.failures);
  }
  return 0;
}

// threads2: two threads in lock-step iterations; thread 0 times each iteration.
typedef struct lockstep {
  const zcxb_allocator_t* a;
  case_params_t cp;
  pthread_barrier_t barrier;
  double* times;
  timed_t timed[2];
} lockstep_t;

typedef struct lockstep_arg {
  lockstep_t* ls;
  int index;
} lockstep_arg_t;

static void* lockstep_main(void* arg) {
  lockstep_arg_t* la = arg;
  lockstep_t* ls = la->ls;
  timed_t* t = &ls->timed[la->index];
  int total = ls->cp.warmup + ls->cp.measured;
  for (int i = 0; i < total; i++) {
    if (i == ls->cp.warmup) {
      t->alloc_ns = 0;
    }
    pthread_barrier_wait(&ls->barrier);
    int64_t t0 = zcxb_now_ns();
    train_iteration(t, &ls->cp, false, i * 2 + la->index);
    pthread_barrier_wait(&ls->barrier);
    if (la->index == 0 && i >= ls->cp.warmup) {
      ls->times[i - ls->cp.warmup] = (double)(zcxb_now_ns() - t0) * 1e-9;
    }
  }
  return NULL;
}

static int run_threads2(const zcxb_allocator_t* a, bool quick, zcxb_alloc_result_t* r,
                        zcx_error_t* err) {
  lockstep_t ls;
  memset(&ls, 0, sizeof(ls));
  ls.a = a;
  ls.cp = params_for(quick);
  ls.timed[0].a = ls.timed[1].a = a;
  ls.times = calloc((size_t)ls.cp.measured, sizeof(double));
  if (ls.times == NULL) {
    return zcx_error_fail(err, ENOMEM, "alloc bench: out of memory");
  }
  pthread_barrier_init(&ls.barrier, NULL, 2);
  lockstep_arg_t args[2] = {{&ls, 0}, {&ls, 1}};
  pthread_t other;
  int e = pthread_create(&other, NULL, lockstep_main, &args[1]);
  if (e != 0) {
    pthread_barrier_destroy(&ls.barrier);
    free(ls.times);
    return zcx_error_fail(err, EAGAIN, "alloc bench: cannot start a thread: %s", strerror(e));
  }
  // Faults are counted over warm-up too here (per-process counters cannot split threads'
  // phases without more barriers); divided by all iterations, steady state dominates.
  int64_t faults0, faults1;
  zcxb_rusage(&faults0, NULL);
  int64_t t0 = zcxb_now_ns();
  lockstep_main(&args[0]);
  pthread_join(other, NULL);
  int64_t elapsed = zcxb_now_ns() - t0;
  zcxb_rusage(&faults1, &r->peak_rss_bytes);
  pthread_barrier_destroy(&ls.barrier);
  double measured_s = 0;
  for (int i = 0; i < ls.cp.measured; i++) {
    measured_s += ls.times[i];
  }
  r->iterations = ls.cp.measured;
  r->median_s = zcxb_median(ls.times, (size_t)ls.cp.measured);
  double alloc_s = (double)(ls.timed[0].alloc_ns + ls.timed[1].alloc_ns) * 1e-9;
  r->alloc_share = measured_s > 0 ? alloc_s / (2.0 * measured_s) : 0.0;
  r->page_faults = (double)(faults1 - faults0) / (ls.cp.warmup + ls.cp.measured);
  r->failures = ls.timed[0].failures + ls.timed[1].failures;
  (void)elapsed;
  free(ls.times);
  if (r->failures > 0) {
    return zcx_error_fail(err, ENOMEM, "alloc bench: %lld allocations failed",
                          (long long)r->failures);
  }
  return 0;
}

// Allocate + free of a cached block: the block is allocated once first, so every measured
// pair can be served from the allocator's cache.
static int run_micro(const zcxb_allocator_t* a, bool quick, size_t size, zcxb_alloc_result_t* r,
                     zcx_error_t* err) {
  int batches = quick ? 5 : 31;
  int pairs = quick ? 2000 : 20000;
  double* per_pair = calloc((size_t)batches, sizeof(double));
  if (per_pair == NULL) {
    return zcx_error_fail(err, ENOMEM, "alloc bench: out of memory");
  }
  void* warm = a->alloc(a->ctx, size);
  if (warm == NULL) {
    free(per_pair);
    return zcx_error_fail(err, ENOMEM, "alloc bench: allocation of %zu bytes failed", size);
  }
  ((volatile unsigned char*)warm)[0] = 1;
  a->release(a->ctx, warm, size);
  int64_t faults0, faults1;
  zcxb_rusage(&faults0, NULL);
  int64_t failures = 0;
  for (int b = 0; b < batches; b++) {
    int64_t t0 = zcxb_now_ns();
    for (int i = 0; i < pairs; i++) {
      void* p = a->alloc(a->ctx, size);
      if (p == NULL) {
        failures++;
        continue;
      }
      ((volatile unsigned char*)p)[0] = (unsigned char)i;
      a->release(a->ctx, p, size);
    }
    per_pair[b] = (double)(zcxb_now_ns() - t0) * 1e-9 / pairs;
  }
  zcxb_rusage(&faults1, &r->peak_rss_bytes);
  r->iterations = batches;
  r->median_s = zcxb_median(per_pair, (size_t)batches);
  r->alloc_share = 1.0;
  r->page_faults = (double)(faults1 - faults0) / batches;
  r->failures = failures;
  free(per_pair);
  if (failures > 0) {
    return zcx_error_fail(err, ENOMEM, "alloc bench: %lld allocations of %zu bytes failed",
                          (long long)failures, size);
  }
  return 0;
}

static const char* const kCases[] = {"train", "random", "threads2", "micro_small", "micro_large"};

bool zcxb_alloc_case_known(const char* name) {
  for (size_t i = 0; i < sizeof(kCases) / sizeof(kCases[0]); i++) {
    if (strcmp(kCases[i], name) == 0) {
      return true;
    }
  }
  return false;
}

int zcxb_alloc_case_run(const char* name, const zcxb_allocator_t* a, bool quick,
                        zcxb_alloc_result_t* result, zcx_error_t* err) {
  memset(result, 0, sizeof(*result));
  if (strcmp(name, "train") == 0) {
    return run_loop(a, quick, false, result, err);
  }
  if (strcmp(name, "random") == 0) {
    return run_loop(a, quick, true, result, err);
  }
  if (strcmp(name, "threads2") == 0) {
    return run_threads2(a, quick, result, err);
  }
  if (strcmp(name, "micro_small") == 0) {
    return run_micro(a, quick, 256, result, err);
  }
  if (strcmp(name, "micro_large") == 0) {
    return run_micro(a, quick, 1 << 20, result, err);
  }
  return zcx_error_fail(err, EINVAL, "alloc bench: unknown case '%s'", name);
}
