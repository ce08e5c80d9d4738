// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// RMM allocation logs: the parser and the multi-threaded replay engine of `zcx replay`.
#include "replay_trace.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

// ---------------------------------------------------------------------------------------------
// Live pointers while parsing: open addressing, linear probing, backward-shift deletion.

typedef struct live_entry {
  uint64_t ptr;  // 0: empty
  uint64_t slot;
  uint64_t size;
} live_entry_t;

typedef struct live_map {
  live_entry_t* e;
  size_t cap;  // power of two
  size_t count;
} live_map_t;

static size_t hash_ptr(uint64_t p, size_t cap) {
  p ^= p >> 33;
  p *= UINT64_C(0xff51afd7ed558ccd);
  p ^= p >> 33;
  return (size_t)p & (cap - 1);
}

static int live_grow(live_map_t* m) {
  size_t cap = m->cap == 0 ? 1024 : m->cap * 2;
  live_entry_t* e = calloc(cap, sizeof(*e));
  if (e == NULL) {
    return ENOMEM;
  }
  for (size_t i = 0; i < m->cap; i++) {
    if (m->e[i].ptr != 0) {
      size_t j = hash_ptr(m->e[i].ptr, cap);
      while (e[j].ptr != 0) {
        j = (j + 1) & (cap - 1);
      }
      e[j] = m->e[i];
    }
  }
  free(m->e);
  m->e = e;
  m->cap = cap;
  return 0;
}

static live_entry_t* live_find(live_map_t* m, uint64_t ptr) {
  if (m->cap == 0) {
    return NULL;
  }
  for (size_t j = hash_ptr(ptr, m->cap);; j = (j + 1) & (m->cap - 1)) {
    if (m->e[j].ptr == ptr) {
      return &m->e[j];
    }
    if (m->e[j].ptr == 0) {
      return NULL;
    }
  }
}

// Inserts or replaces the entry of `ptr`.
static int live_put(live_map_t* m, uint64_t ptr, uint64_t slot, uint64_t size) {
  live_entry_t* found = live_find(m, ptr);
  if (found != NULL) {
    found->slot = slot;
    found->size = size;
    return 0;
  }
  if ((m->count + 1) * 2 > m->cap) {
    int rc = live_grow(m);
    if (rc != 0) {
      return rc;
    }
  }
  size_t j = hash_ptr(ptr, m->cap);
  while (m->e[j].ptr != 0) {
    j = (j + 1) & (m->cap - 1);
  }
  m->e[j] = (live_entry_t){ptr, slot, size};
  m->count++;
  return 0;
}

static void live_remove(live_map_t* m, live_entry_t* hole) {
  size_t i = (size_t)(hole - m->e);
  size_t mask = m->cap - 1;
  m->e[i].ptr = 0;
  m->count--;
  // Shift later members of the probe run back over the hole.
  for (size_t j = (i + 1) & mask; m->e[j].ptr != 0; j = (j + 1) & mask) {
    size_t home = hash_ptr(m->e[j].ptr, m->cap);
    bool movable = (j > i) ? (home <= i || home > j) : (home <= i && home > j);
    if (movable) {
      m->e[i] = m->e[j];
      m->e[j].ptr = 0;
      i = j;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Parser

typedef struct parser {
  zcxt_trace_t* t;
  const char* name;
  size_t cap_events;
  size_t cap_threads;
  uint32_t last_thread;
  live_map_t live;
  int64_t current;
} parser_t;

static char* trim(char* s) {
  while (*s == ' ' || *s == '\t') {
    s++;
  }
  size_t n = strlen(s);
  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n')) {
    s[--n] = '\0';
  }
  return s;
}

// A number in decimal or 0x hex.
static bool parse_u64(const char* s, uint64_t* out) {
  if (*s == '\0' || *s == '-' || *s == '+' || *s == ' ') {
    return false;
  }
  int base = 10;
  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s += 2;
    if (*s == '\0') {
      return false;
    }
  }
  errno = 0;
  char* end = NULL;
  unsigned long long v = strtoull(s, &end, base);
  if (errno != 0 || *end != '\0') {
    return false;
  }
  *out = (uint64_t)v;
  return true;
}

static bool parse_time(const char* s) {
  if (*s == '\0') {
    return false;
  }
  for (; *s != '\0'; s++) {
    if (!((*s >= '0' && *s <= '9') || *s == ':' || *s == '.')) {
      return false;
    }
  }
  return true;
}

static int thread_index(parser_t* p, uint64_t id, uint32_t* out, zcx_error_t* err, size_t line) {
  zcxt_trace_t* t = p->t;
  if (t->thread_count > 0 && t->thread_ids[p->last_thread] == id) {
    *out = p->last_thread;
    return 0;
  }
  for (size_t i = 0; i < t->thread_count; i++) {
    if (t->thread_ids[i] == id) {
      p->last_thread = (uint32_t)i;
      *out = (uint32_t)i;
      return 0;
    }
  }
  if (t->thread_count >= ZCXT_TRACE_MAX_THREADS) {
    return zcx_error_fail(err, EINVAL, "%s:%zu: more than %d threads", p->name, line,
                          ZCXT_TRACE_MAX_THREADS);
  }
  if (t->thread_count == p->cap_threads) {
    size_t cap = p->cap_threads == 0 ? 8 : p->cap_threads * 2;
    uint64_t* ids = realloc(t->thread_ids, cap * sizeof(*ids));
    if (ids == NULL) {
      return zcx_error_fail(err, ENOMEM, "%s: out of memory for %zu threads", p->name, cap);
    }
    t->thread_ids = ids;
    p->cap_threads = cap;
  }
  t->thread_ids[t->thread_count] = id;
  p->last_thread = (uint32_t)t->thread_count;
  *out = p->last_thread;
  t->thread_count++;
  return 0;
}

static int push_event(parser_t* p, zcxt_trace_event_t ev, zcx_error_t* err) {
  zcxt_trace_t* t = p->t;
  if (t->event_count == p->cap_events) {
    size_t cap = p->cap_events == 0 ? 4096 : p->cap_events * 2;
    zcxt_trace_event_t* e = realloc(t->events, cap * sizeof(*e));
    if (e == NULL) {
      return zcx_error_fail(err, ENOMEM, "%s: out of memory for %zu events", p->name, cap);
    }
    t->events = e;
    p->cap_events = cap;
  }
  t->events[t->event_count++] = ev;
  return 0;
}

static const char kHeader[] = "Thread,Time,Action,Pointer,Size,Stream";

static int parse_line(parser_t* p, char* text, size_t line, zcx_error_t* err) {
  char* fields[6];
  int n = 0;
  char* s = text;
  for (;;) {
    char* comma = strchr(s, ',');
    if (n < 6) {
      fields[n] = s;
    }
    n++;
    if (comma == NULL) {
      break;
    }
    *comma = '\0';
    s = comma + 1;
  }
  if (n != 6) {
    return zcx_error_fail(err, EINVAL, "%s:%zu: expected 6 fields (%s), found %d", p->name, line,
                          kHeader, n);
  }
  for (int i = 0; i < 6; i++) {
    fields[i] = trim(fields[i]);
  }
  uint64_t tid, ptr, size, stream;
  if (!parse_u64(fields[0], &tid)) {
    return zcx_error_fail(err, EINVAL, "%s:%zu: thread id '%s' is not a number", p->name, line,
                          fields[0]);
  }
  if (!parse_time(fields[1])) {
    return zcx_error_fail(err, EINVAL, "%s:%zu: time '%s' is neither HH:MM:SS.us nor seconds",
                          p->name, line, fields[1]);
  }
  const char* action = fields[2];
  bool is_alloc = strcmp(action, "allocate") == 0;
  bool is_free = strcmp(action, "free") == 0 || strcmp(action, "deallocate") == 0;
  bool is_failure =
      strcmp(action, "allocate failure") == 0 || strcmp(action, "allocate_failure") == 0;
  if (!is_alloc && !is_free && !is_failure) {
    return zcx_error_fail(err, EINVAL,
                          "%s:%zu: action '%s' is not allocate, free or allocate failure", p->name,
                          line, action);
  }
  if (!parse_u64(fields[3], &ptr)) {
    return zcx_error_fail(err, EINVAL, "%s:%zu: pointer '%s' is not a number", p->name, line,
                          fields[3]);
  }
  if (!parse_u64(fields[4], &size) || size > (UINT64_C(1) << 62)) {
    return zcx_error_fail(err, EINVAL, "%s:%zu: size '%s' is not a byte count", p->name, line,
                          fields[4]);
  }
  if (!parse_u64(fields[5], &stream)) {
    return zcx_error_fail(err, EINVAL, "%s:%zu: stream '%s' is not a number", p->name, line,
                          fields[5]);
  }
  zcxt_trace_t* t = p->t;
  if (is_failure) {
    t->trace_failures++;
    return 0;
  }
  uint32_t thread = 0;
  ZCX_RETURN_IF_ERROR(thread_index(p, tid, &thread, err, line));
  if (is_alloc) {
    if (size == 0 || ptr == 0) {
      t->ignored++;
      return 0;
    }
    // A pointer allocated again while live: the trace lost a free. The earlier allocation
    // stays live until the end of the replay.
    uint64_t slot = t->allocation_count++;
    if (live_put(&p->live, ptr, slot, size) != 0) {
      return zcx_error_fail(err, ENOMEM, "%s:%zu: out of memory for live pointers", p->name, line);
    }
    p->current += (int64_t)size;
    if (p->current > t->peak_bytes) {
      t->peak_bytes = p->current;
    }
    return push_event(p, (zcxt_trace_event_t){size, slot, thread, ZCXT_TRACE_ALLOCATE}, err);
  }
  live_entry_t* e = live_find(&p->live, ptr);
  if (e == NULL) {
    if (t->unknown_frees == 0) {
      snprintf(t->first_unknown, sizeof(t->first_unknown),
               "%s:%zu: free of unknown pointer 0x%llx (%llu bytes)", p->name, line,
               (unsigned long long)ptr, (unsigned long long)size);
    }
    t->unknown_frees++;
    return 0;
  }
  if (e->size != size) {
    t->size_mismatches++;
  }
  zcxt_trace_event_t ev = {e->size, e->slot, thread, ZCXT_TRACE_FREE};
  p->current -= (int64_t)e->size;
  live_remove(&p->live, e);
  t->free_count++;
  return push_event(p, ev, err);
}

// Groups event indices by thread (a stable counting sort).
static int build_order(zcxt_trace_t* t, const char* name, zcx_error_t* err) {
  t->thread_start = calloc(t->thread_count + 1, sizeof(size_t));
  t->order = malloc((t->event_count > 0 ? t->event_count : 1) * sizeof(size_t));
  if (t->thread_start == NULL || t->order == NULL) {
    return zcx_error_fail(err, ENOMEM, "%s: out of memory for %zu events", name, t->event_count);
  }
  for (size_t i = 0; i < t->event_count; i++) {
    t->thread_start[t->events[i].thread + 1]++;
  }
  for (size_t k = 0; k < t->thread_count; k++) {
    t->thread_start[k + 1] += t->thread_start[k];
  }
  size_t* fill = calloc(t->thread_count + 1, sizeof(size_t));
  if (fill == NULL) {
    return zcx_error_fail(err, ENOMEM, "%s: out of memory", name);
  }
  for (size_t i = 0; i < t->event_count; i++) {
    uint32_t th = t->events[i].thread;
    t->order[t->thread_start[th] + fill[th]++] = i;
  }
  free(fill);
  return 0;
}

int zcxt_trace_parse(FILE* in, const char* name, zcxt_trace_t* out, zcx_error_t* err) {
  memset(out, 0, sizeof(*out));
  parser_t p;
  memset(&p, 0, sizeof(p));
  p.t = out;
  p.name = name;
  char* buf = NULL;
  size_t buf_cap = 0;
  size_t line = 0;
  bool seen_data = false;
  int rc = 0;
  for (;;) {
    errno = 0;
    ssize_t got = getline(&buf, &buf_cap, in);
    if (got < 0) {
      if (ferror(in)) {
        rc = zcx_error_fail(err, EIO, "%s:%zu: read failed: %s", name, line + 1,
                            strerror(errno != 0 ? errno : EIO));
      }
      break;
    }
    line++;
    if (memchr(buf, '\0', (size_t)got) != NULL) {
      rc = zcx_error_fail(err, EINVAL, "%s:%zu: NUL byte in a text line", name, line);
      break;
    }
    char* text = trim(buf);
    if (*text == '\0') {
      continue;
    }
    if (!seen_data) {
      seen_data = true;
      if (strncmp(text, "Thread", 6) == 0) {
        char* compact = text;
        size_t k = 0;
        for (char* c = text; *c != '\0'; c++) {
          if (*c != ' ' && *c != '\t') {
            compact[k++] = *c;
          }
        }
        compact[k] = '\0';
        if (strcmp(compact, kHeader) != 0) {
          rc = zcx_error_fail(err, EINVAL, "%s:%zu: header is '%s', expected '%s'", name, line,
                              compact, kHeader);
          break;
        }
        continue;
      }
    }
    rc = parse_line(&p, text, line, err);
    if (rc != 0) {
      break;
    }
  }
  free(buf);
  out->line_count = line;
  if (rc == 0) {
    out->unfreed = (int64_t)p.live.count;
    rc = build_order(out, name, err);
  }
  free(p.live.e);
  if (rc != 0) {
    zcxt_trace_reset(out);
  }
  return rc;
}

int zcxt_trace_load(const char* path, zcxt_trace_t* out, zcx_error_t* err) {
  memset(out, 0, sizeof(*out));
  FILE* f = fopen(path, "r");
  if (f == NULL) {
    int e = errno;
    return zcx_error_fail(err, e, "cannot open '%s': %s", path, strerror(e));
  }
  int rc = zcxt_trace_parse(f, path, out, err);
  fclose(f);
  return rc;
}

void zcxt_trace_reset(zcxt_trace_t* trace) {
  free(trace->events);
  free(trace->thread_ids);
  free(trace->thread_start);
  free(trace->order);
  memset(trace, 0, sizeof(*trace));
}

// ---------------------------------------------------------------------------------------------
// Replay engine

// Slot states besides a live pointer. Allocations are at least 2-byte aligned, so these never
// collide with one.
#define SLOT_PENDING ((uintptr_t)0)
#define SLOT_FAILED ((uintptr_t)1)
#define SLOT_FREED ((uintptr_t)2)

// Each replay thread samples the fragmentation every this many of its events.
#define SAMPLE_EVERY 4096

typedef struct replay_run {
  const zcxt_trace_t* trace;
  zcx_mr_t* mr;
  bool touch;
  _Atomic uintptr_t* slots;
  atomic_int go;  // 1: start replaying; -1: give up (a thread could not be started)
  atomic_int_fast64_t failures;
  atomic_int_fast64_t skipped;
  atomic_int_fast64_t free_errors;
  atomic_int_fast64_t ops;
  atomic_flag failure_noted;
  char first_failure[160];
  pthread_mutex_t frag_lock;
  double fragmentation;
} replay_run_t;

typedef struct replay_thread {
  replay_run_t* run;
  uint32_t index;
} replay_thread_t;

static void sample_fragmentation(replay_run_t* run) {
  zcx_mr_stats_t st;
  memset(&st, 0, sizeof(st));
  st.struct_size = sizeof(st);
  if (zcx_mr_get_stats(run->mr, &st, NULL) != 0 || !(st.fragmentation >= 0.0)) {
    return;
  }
  pthread_mutex_lock(&run->frag_lock);
  if (st.fragmentation > run->fragmentation) {
    run->fragmentation = st.fragmentation;
  }
  pthread_mutex_unlock(&run->frag_lock);
}

static void touch_pages(void* p, uint64_t size) {
  volatile unsigned char* b = p;
  for (uint64_t off = 0; off < size; off += 4096) {
    b[off] = 1;
  }
  b[size - 1] = 1;
}

static void* replay_thread_main(void* arg) {
  replay_thread_t* self = arg;
  replay_run_t* run = self->run;
  const zcxt_trace_t* t = run->trace;
  int go;
  while ((go = atomic_load_explicit(&run->go, memory_order_acquire)) == 0) {
    sched_yield();
  }
  if (go < 0) {
    return NULL;
  }
  int64_t ops = 0;
  size_t begin = t->thread_start[self->index];
  size_t end = t->thread_start[self->index + 1];
  for (size_t k = begin; k < end; k++) {
    const zcxt_trace_event_t* ev = &t->events[t->order[k]];
    if (ev->action == ZCXT_TRACE_ALLOCATE) {
      void* p = NULL;
      zcx_error_t err;
      err.message[0] = '\0';
      int rc = zcx_mr_allocate(run->mr, (size_t)ev->size, 0, NULL, &p, &err);
      ops++;
      if (rc != 0) {
        atomic_fetch_add(&run->failures, 1);
        if (!atomic_flag_test_and_set(&run->failure_noted)) {
          snprintf(run->first_failure, sizeof(run->first_failure), "%s (%s)", err.message,
                   zcx_status_name(rc));
        }
        atomic_store_explicit(&run->slots[ev->slot], SLOT_FAILED, memory_order_release);
        continue;
      }
      if (run->touch) {
        touch_pages(p, ev->size);
      }
      atomic_store_explicit(&run->slots[ev->slot], (uintptr_t)p, memory_order_release);
    } else {
      uintptr_t v;
      // The allocation may belong to another thread that has not reached it yet.
      while ((v = atomic_load_explicit(&run->slots[ev->slot], memory_order_acquire)) ==
             SLOT_PENDING) {
        sched_yield();
      }
      if (v == SLOT_FAILED) {
        atomic_fetch_add(&run->skipped, 1);
        continue;
      }
      atomic_store_explicit(&run->slots[ev->slot], SLOT_FREED, memory_order_relaxed);
      if (zcx_mr_deallocate(run->mr, (void*)v, (size_t)ev->size, NULL, NULL) != 0) {
        atomic_fetch_add(&run->free_errors, 1);
      }
      ops++;
    }
    if ((k - begin) % SAMPLE_EVERY == SAMPLE_EVERY - 1) {
      sample_fragmentation(run);
    }
  }
  atomic_fetch_add(&run->ops, ops);
  return NULL;
}

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int zcxt_replay_run(const zcxt_trace_t* trace, zcx_mr_t* mr, const zcxt_replay_options_t* options,
                    zcxt_replay_result_t* result, zcx_error_t* err) {
  if (trace == NULL || mr == NULL || result == NULL) {
    return zcx_error_fail(err, EINVAL, "replay: trace, resource or result is NULL");
  }
  memset(result, 0, sizeof(*result));
  result->peak_in_use_bytes = result->peak_reserved_bytes = -1;
  result->fragmentation = -1.0;
  zcx_mr_t* stats = NULL;
  ZCX_RETURN_IF_ERROR(zcx_stats_mr_create(mr, &stats, err));

  replay_run_t run;
  memset(&run, 0, sizeof(run));
  run.trace = trace;
  run.mr = stats;
  run.touch = options != NULL && options->touch;
  run.fragmentation = -1.0;
  atomic_flag_clear(&run.failure_noted);
  size_t nslots = trace->allocation_count > 0 ? trace->allocation_count : 1;
  run.slots = calloc(nslots, sizeof(*run.slots));
  size_t nthreads = trace->thread_count;
  replay_thread_t* selves = calloc(nthreads + 1, sizeof(*selves));
  pthread_t* threads = calloc(nthreads + 1, sizeof(*threads));
  int rc = 0;
  if (run.slots == NULL || selves == NULL || threads == NULL) {
    rc = zcx_error_fail(err, ENOMEM, "replay: out of memory for %zu allocations", nslots);
    goto done;
  }
  pthread_mutex_init(&run.frag_lock, NULL);
  size_t started = 0;
  for (; started < nthreads; started++) {
    selves[started] = (replay_thread_t){&run, (uint32_t)started};
    int e = pthread_create(&threads[started], NULL, replay_thread_main, &selves[started]);
    if (e != 0) {
      rc = zcx_error_fail(err, EAGAIN, "replay: cannot start thread %zu of %zu: %s", started + 1,
                          nthreads, strerror(e));
      break;
    }
  }
  int64_t t0 = now_ns();
  atomic_store_explicit(&run.go, rc == 0 ? 1 : -1, memory_order_release);
  for (size_t k = 0; k < started; k++) {
    pthread_join(threads[k], NULL);
  }
  int64_t t1 = now_ns();
  if (rc != 0) {
    pthread_mutex_destroy(&run.frag_lock);
    goto done;
  }
  sample_fragmentation(&run);

  zcx_mr_stats_t st;
  memset(&st, 0, sizeof(st));
  st.struct_size = sizeof(st);
  if (zcx_mr_get_stats(stats, &st, NULL) == 0) {
    result->peak_in_use_bytes = st.peak_bytes;
    result->peak_reserved_bytes = st.peak_reserved_bytes;
  }
  result->wall_s = (double)(t1 - t0) * 1e-9;
  result->ops = (int64_t)atomic_load(&run.ops);
  result->ns_per_op = result->ops > 0 ? (double)(t1 - t0) / (double)result->ops : 0.0;
  result->fragmentation = run.fragmentation;
  result->failures = (int64_t)atomic_load(&run.failures);
  result->skipped_frees = (int64_t)atomic_load(&run.skipped);
  result->free_errors = (int64_t)atomic_load(&run.free_errors);
  memcpy(result->first_failure, run.first_failure, sizeof(result->first_failure));

  // Allocations the trace never freed go back now, outside the timing.
  for (size_t i = 0; i < trace->event_count; i++) {
    const zcxt_trace_event_t* ev = &trace->events[i];
    if (ev->action != ZCXT_TRACE_ALLOCATE) {
      continue;
    }
    uintptr_t v = atomic_load(&run.slots[ev->slot]);
    if (v > SLOT_FREED) {
      atomic_store(&run.slots[ev->slot], SLOT_FREED);
      if (zcx_mr_deallocate(stats, (void*)v, (size_t)ev->size, NULL, NULL) != 0) {
        result->free_errors++;
      }
    }
  }
  pthread_mutex_destroy(&run.frag_lock);
done:
  free(run.slots);
  free(selves);
  free(threads);
  zcx_mr_release(stats);
  return rc;
}
