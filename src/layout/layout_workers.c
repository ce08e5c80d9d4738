// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The worker pool that splits large layout conversions across threads: a few threads
// started on first use, kept for the life of the process, and reset in a forked child.
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <unistd.h>

#include "layout/layout_internal.h"

// At most this many threads run one job (the caller and ZCXI_MAX_WORKERS workers).
#define ZCXI_MAX_WORKERS 63

// Inputs below this run on the calling thread; each thread gets at least half of it.
#define ZCXI_PARALLEL_MIN_BYTES (1 << 20)

typedef struct worker {
  int32_t index;
  uint64_t seen;  // the generation the worker has already looked at
} worker_t;

// Invariants (under `lock`): a job runs while `active` > 0; `generation` only changes when a
// job starts, which needs `job_lock` and active == 0, so every worker a job wants is asleep
// on `wake` (or about to wait there) with seen == generation - 1 when the job starts.
typedef struct pool {
  pthread_mutex_t job_lock;  // one job at a time; other callers run theirs alone
  pthread_mutex_t lock;
  pthread_cond_t wake;
  pthread_cond_t done;
  int32_t num_workers;
  worker_t workers[ZCXI_MAX_WORKERS];
  uint64_t generation;
  zcxi_layout_task_fn fn;
  void* ctx;
  int64_t n;
  atomic_llong next;
  int32_t wanted;
  int32_t active;
} pool_t;

static pool_t g_pool;
static pthread_once_t g_pool_once = PTHREAD_ONCE_INIT;

static void pool_reset(void) {
  pthread_mutex_init(&g_pool.job_lock, NULL);
  pthread_mutex_init(&g_pool.lock, NULL);
  pthread_cond_init(&g_pool.wake, NULL);
  pthread_cond_init(&g_pool.done, NULL);
  g_pool.num_workers = 0;
  g_pool.generation = 0;
  g_pool.wanted = 0;
  g_pool.active = 0;
  atomic_init(&g_pool.next, 0);
}

// A forked child has only the thread that forked: it starts over with no workers (the
// parent's locks may have been held by threads that do not exist here).
static void pool_after_fork_in_child(void) { pool_reset(); }

static void pool_init(void) {
  pool_reset();
  pthread_atfork(NULL, NULL, pool_after_fork_in_child);
}

static void run_indices(zcxi_layout_task_fn fn, void* ctx, int64_t n) {
  for (;;) {
    int64_t i = (int64_t)atomic_fetch_add_explicit(&g_pool.next, 1, memory_order_relaxed);
    if (i >= n) {
      return;
    }
    fn(ctx, i);
  }
}

static void* worker_main(void* arg) {
  worker_t* self = arg;
  pthread_mutex_lock(&g_pool.lock);
  for (;;) {
    while (g_pool.generation == self->seen) {
      pthread_cond_wait(&g_pool.wake, &g_pool.lock);
    }
    self->seen = g_pool.generation;
    if (self->index >= g_pool.wanted) {
      continue;
    }
    zcxi_layout_task_fn fn = g_pool.fn;
    void* ctx = g_pool.ctx;
    int64_t n = g_pool.n;
    pthread_mutex_unlock(&g_pool.lock);
    run_indices(fn, ctx, n);
    pthread_mutex_lock(&g_pool.lock);
    if (--g_pool.active == 0) {
      pthread_cond_signal(&g_pool.done);
    }
  }
  return NULL;
}

// Starts workers until there are `want` (under `lock`). Stops quietly at the first one that
// cannot start: the job then runs on fewer threads.
static void ensure_workers(int32_t want) {
  if (want > ZCXI_MAX_WORKERS) {
    want = ZCXI_MAX_WORKERS;
  }
  if (g_pool.num_workers >= want) {
    return;
  }
  pthread_attr_t attr;
  if (pthread_attr_init(&attr) != 0) {
    return;
  }
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  // Workers block every signal, so that signals reach the application's own threads.
  sigset_t all;
  sigset_t old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  while (g_pool.num_workers < want) {
    worker_t* w = &g_pool.workers[g_pool.num_workers];
    w->index = g_pool.num_workers;
    w->seen = g_pool.generation;
    pthread_t tid;
    if (pthread_create(&tid, &attr, worker_main, w) != 0) {
      break;
    }
    g_pool.num_workers++;
  }
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  pthread_attr_destroy(&attr);
}

void zcxi_layout_parallel_for(int32_t threads, int64_t n, zcxi_layout_task_fn fn, void* ctx) {
  if (threads <= 1 || n <= 1) {
    for (int64_t i = 0; i < n; i++) {
      fn(ctx, i);
    }
    return;
  }
  pthread_once(&g_pool_once, pool_init);
  if (pthread_mutex_trylock(&g_pool.job_lock) != 0) {
    for (int64_t i = 0; i < n; i++) {
      fn(ctx, i);
    }
    return;
  }
  int32_t want = threads - 1;
  if (n - 1 < want) {
    want = (int32_t)(n - 1);
  }
  pthread_mutex_lock(&g_pool.lock);
  ensure_workers(want);
  if (want > g_pool.num_workers) {
    want = g_pool.num_workers;
  }
  g_pool.fn = fn;
  g_pool.ctx = ctx;
  g_pool.n = n;
  atomic_store_explicit(&g_pool.next, 0, memory_order_relaxed);
  g_pool.wanted = want;
  g_pool.active = want;
  g_pool.generation++;
  pthread_cond_broadcast(&g_pool.wake);
  pthread_mutex_unlock(&g_pool.lock);

  run_indices(fn, ctx, n);

  pthread_mutex_lock(&g_pool.lock);
  while (g_pool.active > 0) {
    pthread_cond_wait(&g_pool.done, &g_pool.lock);
  }
  g_pool.wanted = 0;
  pthread_mutex_unlock(&g_pool.lock);
  pthread_mutex_unlock(&g_pool.job_lock);
}

int32_t zcxi_layout_cpu_count(void) {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    int c = CPU_COUNT(&set);
    if (c > 0) {
      return c;
    }
  }
  long v = sysconf(_SC_NPROCESSORS_ONLN);
  return v > 0 ? (int32_t)(v < 1024 ? v : 1024) : 1;
}

int32_t zcxi_layout_threads_for(int32_t requested, int64_t bytes) {
  if (bytes < ZCXI_PARALLEL_MIN_BYTES) {
    return 1;
  }
  int64_t t = requested > 0 ? requested : zcxi_layout_cpu_count();
  int64_t by_size = bytes / (ZCXI_PARALLEL_MIN_BYTES / 2);
  if (t > by_size) {
    t = by_size;
  }
  if (t > ZCXI_MAX_WORKERS + 1) {
    t = ZCXI_MAX_WORKERS + 1;
  }
  return t < 1 ? 1 : (int32_t)t;
}
