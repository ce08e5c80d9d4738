// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The tracking adaptor: remembers every live allocation, refuses bad frees, reports leaks.
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "memory/adaptor_internal.h"
#include "zcx/memory.h"

// Live allocations sit in an open-addressing hash table keyed by address, with linear
// probing and backward-shift deletion (no tombstones), kept at most half full. Every
// operation on the table holds `lock`; calls to the upstream are made without it.
typedef struct entry {
  uintptr_t ptr;  // 0: empty slot
  size_t size;
  zcx_stream_t* stream;  // as passed to allocate; not retained, only reported
  uint64_t seq;          // allocation order, for the report
} entry_t;

typedef struct tracking_mr {
  zcx_mr_t base;
  pthread_mutex_t lock;
  entry_t* slots;
  size_t capacity;  // a power of two, or 0 before the first allocation
  size_t count;
  size_t bytes;
  uint64_t next_seq;
  FILE* sink;
} tracking_mr_t;

static size_t slot_of(uintptr_t p, size_t capacity) {
  // Fibonacci hashing: allocations are aligned, so the low bits alone would collide.
  uint64_t h = (uint64_t)p * UINT64_C(0x9E3779B97F4A7C15);
  return (size_t)(h >> 32) & (capacity - 1);
}

static void place(entry_t* slots, size_t capacity, entry_t e) {
  size_t i = slot_of(e.ptr, capacity);
  while (slots[i].ptr != 0) {
    i = (i + 1) & (capacity - 1);
  }
  slots[i] = e;
}

// Makes room for one more entry. Called with the lock held.
static bool reserve_one(tracking_mr_t* t) {
  if ((t->count + 1) * 2 <= t->capacity) {
    return true;
  }
  size_t capacity = t->capacity == 0 ? 64 : t->capacity * 2;
  entry_t* slots = calloc(capacity, sizeof(entry_t));
  if (slots == NULL) {
    return false;
  }
  for (size_t i = 0; i < t->capacity; i++) {
    if (t->slots[i].ptr != 0) {
      place(slots, capacity, t->slots[i]);
    }
  }
  free(t->slots);
  t->slots = slots;
  t->capacity = capacity;
  return true;
}

// The slot holding `p`, or SIZE_MAX. Called with the lock held.
static size_t find(const tracking_mr_t* t, uintptr_t p) {
  if (t->capacity == 0) {
    return SIZE_MAX;
  }
  size_t i = slot_of(p, t->capacity);
  while (t->slots[i].ptr != 0) {
    if (t->slots[i].ptr == p) {
      return i;
    }
    i = (i + 1) & (t->capacity - 1);
  }
  return SIZE_MAX;
}

// Empties slot `i` and shifts back the entries of its probe run. Called with the lock held.
static void erase(tracking_mr_t* t, size_t i) {
  size_t mask = t->capacity - 1;
  t->slots[i].ptr = 0;
  size_t j = i;
  for (;;) {
    j = (j + 1) & mask;
    if (t->slots[j].ptr == 0) {
      return;
    }
    size_t home = slot_of(t->slots[j].ptr, t->capacity);
    // The entry at j may move to the hole at i unless its home lies cyclically in (i, j].
    bool stays = (i <= j) ? (i < home && home <= j) : (i < home || home <= j);
    if (!stays) {
      t->slots[i] = t->slots[j];
      t->slots[j].ptr = 0;
      i = j;
    }
  }
}

static int tracking_allocate(zcx_mr_t* mr, size_t size, size_t alignment, zcx_stream_t* stream,
                             void** out, zcx_error_t* err) {
  tracking_mr_t* t = (tracking_mr_t*)mr;
  ZCX_RETURN_IF_ERROR(zcx_mr_allocate(mr->upstream, size, alignment, stream, out, err));
  pthread_mutex_lock(&t->lock);
  bool ok = reserve_one(t);
  if (ok) {
    entry_t e = {(uintptr_t)*out, size, stream, t->next_seq++};
    place(t->slots, t->capacity, e);
    t->count++;
    t->bytes += size;
  }
  pthread_mutex_unlock(&t->lock);
  if (!ok) {
    // The block was never handed out, so the upstream takes it back; its status adds nothing
    // to the ENOMEM reported.
    int ignored = zcx_mr_deallocate(mr->upstream, *out, size, stream, NULL);
    (void)ignored;
    *out = NULL;
    return zcx_error_fail(err, ENOMEM,
                          "allocate on %s: out of memory for the record of %zu bytes", mr->name,
                          size);
  }
  return 0;
}

static int tracking_deallocate(zcx_mr_t* mr, void* ptr, size_t size, zcx_stream_t* stream,
                               zcx_error_t* err) {
  tracking_mr_t* t = (tracking_mr_t*)mr;
  pthread_mutex_lock(&t->lock);
  size_t i = find(t, (uintptr_t)ptr);
  if (i == SIZE_MAX) {
    pthread_mutex_unlock(&t->lock);
    return zcx_error_fail(err, EINVAL,
                          "deallocate on %s: %p (%zu bytes) is not a live allocation of this "
                          "resource (freed twice, or never allocated here)",
                          mr->name, ptr, size);
  }
  entry_t e = t->slots[i];
  if (e.size != size) {
    pthread_mutex_unlock(&t->lock);
    return zcx_error_fail(err, EINVAL,
                          "deallocate on %s: %p was allocated with %zu bytes but freed with %zu",
                          mr->name, ptr, e.size, size);
  }
  // Forgotten before the upstream sees it: once the upstream has it back it may hand the
  // same address to another thread, whose record must not collide with this one.
  erase(t, i);
  t->count--;
  t->bytes -= size;
  pthread_mutex_unlock(&t->lock);
  int rc = zcx_mr_deallocate(mr->upstream, ptr, size, stream, err);
  if (rc != 0) {
    // The upstream kept the block, so it is still live: remember it again. The table never
    // shrinks, so the slot freed above is still there.
    pthread_mutex_lock(&t->lock);
    place(t->slots, t->capacity, e);
    t->count++;
    t->bytes += size;
    pthread_mutex_unlock(&t->lock);
  }
  return rc;
}

static int tracking_get_stats(zcx_mr_t* mr, zcx_mr_stats_t* stats, zcx_error_t* err) {
  (void)err;
  tracking_mr_t* t = (tracking_mr_t*)mr;
  zcxi_adaptor_merge_upstream_stats(mr, stats);
  pthread_mutex_lock(&t->lock);
  stats->current_bytes = (int64_t)t->bytes;
  stats->current_count = (int64_t)t->count;
  pthread_mutex_unlock(&t->lock);
  return 0;
}

static int by_seq(const void* a, const void* b) {
  uint64_t x = ((const entry_t*)a)->seq;
  uint64_t y = ((const entry_t*)b)->seq;
  return (x > y) - (x < y);
}

// Writes the live allocations in allocation order. The table is copied under the lock and
// written without it, so a slow sink never blocks allocations.
static int write_report(tracking_mr_t* t, FILE* out, zcx_error_t* err) {
  pthread_mutex_lock(&t->lock);
  size_t n = t->count;
  entry_t* live = n > 0 ? malloc(n * sizeof(entry_t)) : NULL;
  if (n > 0 && live == NULL) {
    pthread_mutex_unlock(&t->lock);
    return zcx_error_fail(err, ENOMEM, "report of %s: out of memory for %zu records",
                          t->base.name, n);
  }
  size_t k = 0;
  for (size_t i = 0; i < t->capacity; i++) {
    if (t->slots[i].ptr != 0) {
      live[k++] = t->slots[i];
    }
  }
  pthread_mutex_unlock(&t->lock);
  if (k > 0) {
    qsort(live, k, sizeof(entry_t), by_seq);
  }
  int failed = 0;
  for (size_t i = 0; i < k; i++) {
    char sbuf[32];
    if (live[i].stream == NULL) {
      snprintf(sbuf, sizeof(sbuf), "0");
    } else {
      snprintf(sbuf, sizeof(sbuf), "0x%" PRIxPTR, (uintptr_t)live[i].stream);
    }
    if (fprintf(out, "%s: live allocation #%" PRIu64 " of %zu bytes at 0x%" PRIxPTR
                     " on stream %s\n",
                t->base.name, live[i].seq, live[i].size, live[i].ptr, sbuf) < 0) {
      failed = 1;
    }
  }
  free(live);
  if (failed) {
    return zcx_error_fail(err, EIO, "report of %s: writing to the output failed", t->base.name);
  }
  return 0;
}

static void tracking_destroy(zcx_mr_t* mr) {
  tracking_mr_t* t = (tracking_mr_t*)mr;
  if (t->sink != NULL && t->count > 0) {
    // Nobody is left to hear about a failed write.
    (void)write_report(t, t->sink, NULL);
    (void)fflush(t->sink);
  }
  pthread_mutex_destroy(&t->lock);
  free(t->slots);
  free(t);
}

static const zcx_mr_ops_t tracking_ops = {
    .struct_size = sizeof(zcx_mr_ops_t),
    .kind = "tracking",
    .allocate = tracking_allocate,
    .deallocate = tracking_deallocate,
    .get_stats = tracking_get_stats,
    .destroy = tracking_destroy,
};

static tracking_mr_t* as_tracking(zcx_mr_t* mr, const char* what, zcx_error_t* err) {
  if (mr == NULL || mr->ops != &tracking_ops) {
    zcx_error_fail(err, EINVAL, "%s: %s is not a tracking adaptor", what,
                   mr == NULL ? "NULL" : mr->name);
    return NULL;
  }
  return (tracking_mr_t*)mr;
}

int zcx_tracking_mr_create(zcx_mr_t* upstream, zcx_mr_t** out, zcx_error_t* err) {
  void* mem = NULL;
  ZCX_RETURN_IF_ERROR(
      zcxi_adaptor_alloc(upstream, out, sizeof(tracking_mr_t), "tracking_mr_create", &mem, err));
  tracking_mr_t* t = mem;
  if (pthread_mutex_init(&t->lock, NULL) != 0) {
    free(t);
    return zcx_error_fail(err, ENOMEM, "tracking_mr_create: cannot create a mutex");
  }
  zcxi_adaptor_init(&t->base, &tracking_ops, upstream);
  *out = &t->base;
  return 0;
}

int zcx_tracking_mr_outstanding(zcx_mr_t* mr, int64_t* count, int64_t* bytes, zcx_error_t* err) {
  tracking_mr_t* t = as_tracking(mr, "tracking_mr_outstanding", err);
  if (t == NULL) {
    return EINVAL;
  }
  pthread_mutex_lock(&t->lock);
  if (count != NULL) {
    *count = (int64_t)t->count;
  }
  if (bytes != NULL) {
    *bytes = (int64_t)t->bytes;
  }
  pthread_mutex_unlock(&t->lock);
  return 0;
}

int zcx_tracking_mr_report(zcx_mr_t* mr, FILE* out, zcx_error_t* err) {
  tracking_mr_t* t = as_tracking(mr, "tracking_mr_report", err);
  if (t == NULL) {
    return EINVAL;
  }
  if (out == NULL) {
    return zcx_error_fail(err, EINVAL, "tracking_mr_report on %s: out is NULL", mr->name);
  }
  return write_report(t, out, err);
}

int zcx_tracking_mr_set_report(zcx_mr_t* mr, FILE* sink, zcx_error_t* err) {
  tracking_mr_t* t = as_tracking(mr, "tracking_mr_set_report", err);
  if (t == NULL) {
    return EINVAL;
  }
  pthread_mutex_lock(&t->lock);
  t->sink = sink;
  pthread_mutex_unlock(&t->lock);
  return 0;
}
