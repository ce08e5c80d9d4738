// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The stream-ordered pool: chunks from the upstream, coalescing good fit over free sets,
// stream-ordered reuse, growth, trimming, statistics. Size classes live in pool_classes.c,
// the indexes in pool_index.c; pool_internal.h describes the data structures.
#include <stdlib.h>
#include <string.h>

#include "memory/poison.h"
#include "memory/pool_internal.h"

#define BATCH_BLOCKS 64

struct zcxi_block_batch {
  zcxi_block_batch_t* next;
  zcxi_block_t blocks[BATCH_BLOCKS];
};

static const zcx_mr_ops_t pool_ops;

static void maybe_release(zcxi_pool_t* p, zcxi_block_t* b);

// ---------------------------------------------------------------------------------------------
// Locking and deferred event releases

static void pool_lock(zcxi_pool_t* p) { zcxi_lock(&p->mu); }

// Unlocks, then releases the events dropped while the lock was held.
static void pool_unlock(zcxi_pool_t* p) {
  while (p->ndead > 0) {
    zcx_event_t* batch[64];
    size_t n = p->ndead < 64 ? p->ndead : 64;
    p->ndead -= n;
    memcpy(batch, p->dead + p->ndead, n * sizeof(*batch));
    zcxi_unlock(&p->mu);
    for (size_t i = 0; i < n; i++) {
      zcx_event_release(batch[i]);
    }
    zcxi_lock(&p->mu);
  }
  zcxi_unlock(&p->mu);
}

bool zcxi_events_push(zcx_event_t*** events, size_t* n, size_t* cap, zcx_event_t* event) {
  if (*n == *cap) {
    size_t c = *cap == 0 ? 16 : *cap * 2;
    zcx_event_t** grown = realloc(*events, c * sizeof(*grown));
    if (grown == NULL) {
      return false;
    }
    *events = grown;
    *cap = c;
  }
  (*events)[(*n)++] = event;
  return true;
}

void zcxi_pool_drop_event(zcxi_pool_t* p, zcx_event_t* event) {
  if (event == NULL) {
    return;
  }
  if (!zcxi_events_push(&p->dead, &p->ndead, &p->capdead, event)) {
    // Out of memory for the list: an event whose stream still has other references (the
    // usual case) is safe to release here.
    zcx_event_release(event);
  }
}

// ---------------------------------------------------------------------------------------------
// Block descriptors

static bool ensure_spare(zcxi_pool_t* p, size_t n) {
  while (p->nspare < n) {
    zcxi_block_batch_t* batch = malloc(sizeof(*batch));
    if (batch == NULL) {
      return false;
    }
    batch->next = p->batches;
    p->batches = batch;
    for (int i = 0; i < BATCH_BLOCKS; i++) {
      batch->blocks[i].bin_next = p->spare;
      p->spare = &batch->blocks[i];
    }
    p->nspare += BATCH_BLOCKS;
  }
  return true;
}

// Takes a descriptor; ensure_spare must have made one available.
static zcxi_block_t* desc_new(zcxi_pool_t* p) {
  zcxi_block_t* b = p->spare;
  p->spare = b->bin_next;
  p->nspare--;
  memset(b, 0, sizeof(*b));
  return b;
}

static void desc_free(zcxi_pool_t* p, zcxi_block_t* b) {
  b->bin_next = p->spare;
  p->spare = b;
  p->nspare++;
}

// ---------------------------------------------------------------------------------------------
// Free sets of streams

static zcxi_freeset_t* set_of(const zcxi_pool_t* p, const zcx_stream_t* stream) {
  for (size_t i = 0; i < p->nsets; i++) {
    if (p->sets[i]->stream == stream) {
      return p->sets[i];
    }
  }
  return NULL;
}

// Adds a new set (calloc'ed by the caller outside the lock); false when out of memory.
static bool set_add(zcxi_pool_t* p, zcxi_freeset_t* set) {
  if (p->nsets == p->capsets) {
    size_t c = p->capsets == 0 ? 4 : p->capsets * 2;
    zcxi_freeset_t** grown = realloc(p->sets, c * sizeof(*grown));
    if (grown == NULL) {
      return false;
    }
    p->sets = grown;
    p->capsets = c;
  }
  p->sets[p->nsets++] = set;
  return true;
}

// Frees the sets that hold no block: their stream may go away and its address be reused.
static void sets_prune(zcxi_pool_t* p) {
  size_t j = 0;
  for (size_t i = 0; i < p->nsets; i++) {
    if (p->sets[i]->count == 0) {
      free(p->sets[i]);
    } else {
      p->sets[j++] = p->sets[i];
    }
  }
  p->nsets = j;
}

// Puts the free block `b` (in no set) into `set`, merging it with its neighbours of the same
// set. In a stream set the merged block takes b's event, the newest of the stream's events.
// Returns the merged block.
static zcxi_block_t* merge_into(zcxi_pool_t* p, zcxi_freeset_t* set, zcxi_block_t* b) {
  zcxi_block_t* prev = b->prev_adj;
  if (prev != NULL && prev->state == ZCXI_BLOCK_FREE && prev->set == set) {
    zcxi_freeset_remove(set, prev);
    zcxi_pool_drop_event(p, prev->event);
    prev->event = b->event;
    prev->size += b->size;
    prev->next_adj = b->next_adj;
    if (b->next_adj != NULL) {
      b->next_adj->prev_adj = prev;
    }
    desc_free(p, b);
    b = prev;
  }
  zcxi_block_t* next = b->next_adj;
  if (next != NULL && next->state == ZCXI_BLOCK_FREE && next->set == set) {
    zcxi_freeset_remove(set, next);
    zcxi_pool_drop_event(p, next->event);
    b->size += next->size;
    b->next_adj = next->next_adj;
    if (next->next_adj != NULL) {
      next->next_adj->prev_adj = b;
    }
    desc_free(p, next);
  }
  zcxi_freeset_insert(set, b);
  return b;
}

// Moves the blocks whose events have completed to the ready set, oldest first per stream.
// With `release`, a chunk that becomes wholly free goes back upstream while more than
// release_threshold bytes are free (as after a synchronous free).
static void collect(zcxi_pool_t* p, bool release) {
  for (size_t i = 0; i < p->nsets; i++) {
    zcxi_freeset_t* s = p->sets[i];
    zcxi_block_t* b;
    while ((b = s->fifo_head) != NULL && zcx_event_query(b->event)) {
      zcxi_freeset_remove(s, b);
      zcxi_pool_drop_event(p, b->event);
      b->event = NULL;
      b->set = NULL;
      // Work on the stream may have used the block up to its event: poison it only now.
      zcxi_poison((void*)b->addr, b->size, p->host);
      zcxi_block_t* merged = merge_into(p, &p->ready, b);
      if (release) {
        maybe_release(p, merged);
      }
    }
  }
  sets_prune(p);
  zcxi_small_collect(p, release);
}

// Waits for the events of every pending block and object, except those of `skip` (whose
// blocks the caller may use anyway). Drops and retakes the lock. False when none was pending.
static bool wait_pending(zcxi_pool_t* p, const zcx_stream_t* skip) {
  zcx_event_t** events = NULL;
  size_t n = 0;
  size_t cap = 0;
  bool ok = true;
  for (size_t i = 0; i < p->nsets && ok; i++) {
    if (skip != NULL && p->sets[i]->stream == skip) {
      continue;
    }
    for (zcxi_block_t* b = p->sets[i]->fifo_head; b != NULL && ok; b = b->fifo_next) {
      ok = zcxi_events_push(&events, &n, &cap, b->event);
      if (ok) {
        zcx_event_retain(b->event);
      }
    }
  }
  if (ok) {
    zcxi_small_gather_events(p, (zcx_stream_t*)skip, &events, &n, &cap);
  }
  if (n == 0) {
    free(events);
    return false;
  }
  pool_unlock(p);
  for (size_t i = 0; i < n; i++) {
    int ignored_ = zcx_event_wait(events[i], NULL);
    (void)ignored_;
    zcx_event_release(events[i]);
  }
  free(events);
  pool_lock(p);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Chunks

static int64_t free_bytes(const zcxi_pool_t* p) { return p->reserved - p->used_rounded; }

// Draws a chunk of exactly `size` bytes (a multiple of the granule) from the upstream.
static int add_chunk(zcxi_pool_t* p, size_t size, zcx_error_t* uerr) {
  if (!ensure_spare(p, 1)) {
    return zcx_error_fail(uerr, ENOMEM, "out of host memory for bookkeeping");
  }
  zcxi_chunk_t* c = calloc(1, sizeof(*c));
  if (c == NULL) {
    return zcx_error_fail(uerr, ENOMEM, "out of host memory for bookkeeping");
  }
  void* mem = NULL;
  int rc = zcx_mr_allocate(p->base.upstream, size, p->chunk_align, NULL, &mem, uerr);
  if (rc != 0) {
    free(c);
    return rc;
  }
  zcxi_poison(mem, size, p->host);
  c->base = (uintptr_t)mem;
  c->size = size;
  c->next = p->chunks;
  if (p->chunks != NULL) {
    p->chunks->prev = c;
  }
  p->chunks = c;
  p->nchunks++;
  p->reserved += (int64_t)size;
  if (p->reserved > p->peak_reserved) {
    p->peak_reserved = p->reserved;
  }
  zcxi_block_t* b = desc_new(p);
  b->addr = c->base;
  b->size = size;
  b->chunk = c;
  c->first = b;
  merge_into(p, &p->ready, b);
  return 0;
}

static bool chunk_is_free(const zcxi_pool_t* p, const zcxi_chunk_t* c) {
  const zcxi_block_t* b = c->first;
  return b->state == ZCXI_BLOCK_FREE && b->set == &p->ready && b->size == c->size;
}

// Returns a wholly free chunk (its one block in the ready set) to the upstream.
static void release_chunk(zcxi_pool_t* p, zcxi_chunk_t* c) {
  zcxi_freeset_remove(&p->ready, c->first);
  desc_free(p, c->first);
  if (c->prev != NULL) {
    c->prev->next = c->next;
  } else {
    p->chunks = c->next;
  }
  if (c->next != NULL) {
    c->next->prev = c->prev;
  }
  p->nchunks--;
  p->reserved -= (int64_t)c->size;
  zcxi_unpoison_defined((void*)c->base, c->size, p->host);
  int ignored_ = zcx_mr_deallocate(p->base.upstream, (void*)c->base, c->size, NULL, NULL);
  (void)ignored_;
  free(c);
}

// Releases wholly free chunks while more than `keep` bytes are cached; returns how many.
static size_t release_free_chunks(zcxi_pool_t* p, size_t keep) {
  size_t released = 0;
  zcxi_chunk_t* c = p->chunks;
  while (c != NULL && (uint64_t)free_bytes(p) > (uint64_t)keep) {
    zcxi_chunk_t* next = c->next;
    if (chunk_is_free(p, c)) {
      release_chunk(p, c);
      released++;
    }
    c = next;
  }
  return released;
}

// The bytes of the chunks that hold no block.
static size_t free_chunk_bytes(const zcxi_pool_t* p) {
  size_t n = 0;
  for (const zcxi_chunk_t* c = p->chunks; c != NULL; c = c->next) {
    if (chunk_is_free(p, c)) {
      n += c->size;
    }
  }
  return n;
}

// Grows the pool by a chunk that can hold `search` bytes. Chunks that hold no block cannot
// serve the request (it was looked for first): they are folded into the new chunk, which is
// that much larger, and go back upstream once it is drawn, so that free memory scattered over
// chunks becomes one block instead of staying beside a new chunk. The chunk is at least
// min_chunk_size and growth_factor times what else is reserved (growth stays geometric: few
// upstream calls), except for a big request (at least min_chunk_size and an eighth of what
// is reserved): it gets a chunk of its own size, as geometric slack on top of it would mostly
// stay reserved and unused (activations of a training loop come back with the same sizes).
// Never past maximum_size (when both would not fit under it, the free chunks go back first).
// If the upstream refuses the larger size, retries with just what the request needs,
// keeping the free chunks.
static int grow(zcxi_pool_t* p, size_t search, zcx_error_t* uerr) {
  size_t need;
  if (!zcxi_align_up(search, p->chunk_align, &need)) {
    return zcx_error_fail(uerr, ENOMEM, "request too large");
  }
  size_t folded = free_chunk_bytes(p);
  size_t kept = (size_t)p->reserved - folded;  // what stays reserved beside the new chunk
  size_t want = need > p->opt.min_chunk_size ? need : p->opt.min_chunk_size;
  if (want - need < folded && !zcxi_add_size(need, folded, &want)) {
    want = need;
  }
  bool big = need >= p->opt.min_chunk_size && need >= kept / 8;
  double geometric = big ? 0.0 : p->opt.growth_factor * (double)kept;
  if (geometric > (double)want && geometric < 0x1p62) {
    want = (size_t)geometric;
  }
  if (!zcxi_align_up(want, p->chunk_align, &want)) {
    want = need;
  }
  bool release_first = false;
  size_t max = p->opt.maximum_size;
  if (max != 0) {
    if (kept >= max || max - kept < search) {
      return zcx_error_fail(uerr, ENOMEM, "maximum_size %zu reached", max);
    }
    size_t room = (max - kept) & ~(ZCXI_POOL_GRANULE - 1);
    if (need > room) {
      need = search;  // a multiple of the granule that fits
    }
    if (want > room) {
      want = room;
    }
    release_first = folded > 0 && want > max - (size_t)p->reserved;
  }
  if (release_first) {
    release_free_chunks(p, 0);
    folded = 0;
  }
  int rc = add_chunk(p, want, uerr);
  if (rc == 0 && folded > 0) {
    // The new chunk is first in the list: give back the free ones after it.
    for (zcxi_chunk_t* c = p->chunks->next; c != NULL;) {
      zcxi_chunk_t* next = c->next;
      if (chunk_is_free(p, c)) {
        release_chunk(p, c);
      }
      c = next;
    }
  }
  if (rc != 0 && want > need) {
    zcx_error_init(uerr);
    rc = add_chunk(p, need, uerr);
  }
  return rc;
}

// ---------------------------------------------------------------------------------------------
// The cache of freed large blocks (deferred merging)
//
// A block freed synchronously keeps its descriptor, its place in the used-block map and its
// neighbours: it only changes state to CACHED and joins the list of its TLSF bin, so that
// the next request of that bin takes it back in O(1), without splitting a free block, merging
// it back or touching the map. Cached blocks are free memory in every count (free_bytes), and
// hold no event: they are usable by any stream at once. They are merged into the ready set
// (flushed) whenever their being apart could matter: a request that finds no block, growth,
// statistics, trim, destruction, more than CACHE_MAX blocks (the oldest goes) or more than
// release_threshold bytes free.

#define CACHE_MAX 64
// How many blocks of a bin a request looks at.
#define CACHE_SCAN 4

static zcxi_block_t** cache_bin(zcxi_pool_t* p, size_t size) {
  return &p->cache_bins[zcxi_tlsf_bin(size >> ZCXI_POOL_GRANULE_SHIFT)];
}

// Takes b out of the cache; `head` is the list of its bin.
static void cache_unlink(zcxi_pool_t* p, zcxi_block_t** head, zcxi_block_t* b) {
  if (b->bin_prev != NULL) {
    b->bin_prev->bin_next = b->bin_next;
  } else {
    *head = b->bin_next;
  }
  if (b->bin_next != NULL) {
    b->bin_next->bin_prev = b->bin_prev;
  }
  if (b->fifo_prev != NULL) {
    b->fifo_prev->fifo_next = b->fifo_next;
  } else {
    p->cache_newest = b->fifo_next;
  }
  if (b->fifo_next != NULL) {
    b->fifo_next->fifo_prev = b->fifo_prev;
  } else {
    p->cache_oldest = b->fifo_prev;
  }
  b->bin_prev = b->bin_next = b->fifo_prev = b->fifo_next = NULL;
  p->cache_count--;
}

// Merges the cached block b into the ready set; returns the merged block.
static zcxi_block_t* cache_evict(zcxi_pool_t* p, zcxi_block_t* b) {
  cache_unlink(p, cache_bin(p, b->size), b);
  zcxi_hmap_remove(&p->used, &b->h);
  b->state = ZCXI_BLOCK_FREE;
  return merge_into(p, &p->ready, b);
}

// After a free: gives a wholly free chunk back when more than release_threshold is free.
static void maybe_release(zcxi_pool_t* p, zcxi_block_t* b) {
  if (b->prev_adj == NULL && b->next_adj == NULL && b->set == &p->ready &&
      (uint64_t)free_bytes(p) > (uint64_t)p->opt.release_threshold) {
    release_chunk(p, b->chunk);
  }
}

// Merges every cached block into the ready set, oldest first; with `release`, gives back
// the chunks that become wholly free while more than release_threshold bytes are free.
static void cache_flush(zcxi_pool_t* p, bool release) {
  zcxi_block_t* b;
  while ((b = p->cache_oldest) != NULL) {
    zcxi_block_t* merged = cache_evict(p, b);
    if (release) {
      maybe_release(p, merged);
    }
  }
}

// A cached block of at least `need` bytes aligned to `alignment` from need's bin, or NULL.
static zcxi_block_t* cache_take(zcxi_pool_t* p, size_t need, size_t alignment) {
  zcxi_block_t** head = cache_bin(p, need);
  zcxi_block_t* b = *head;
  for (int n = 0; b != NULL && n < CACHE_SCAN; n++, b = b->bin_next) {
    if (b->size >= need && (b->addr & (alignment - 1)) == 0) {
      cache_unlink(p, head, b);
      return b;
    }
  }
  return NULL;
}

// Caches the block b (freed synchronously, poisoned, still in the used map), or merges it
// into the ready set when more than release_threshold bytes are free (then the whole cache
// goes, so that chunks can be given back).
static void cache_put(zcxi_pool_t* p, zcxi_block_t* b) {
  if (p->opt.release_threshold != SIZE_MAX &&
      (uint64_t)free_bytes(p) > (uint64_t)p->opt.release_threshold) {
    cache_flush(p, true);
    zcxi_hmap_remove(&p->used, &b->h);
    b->state = ZCXI_BLOCK_FREE;
    maybe_release(p, merge_into(p, &p->ready, b));
    return;
  }
  if (p->cache_count == CACHE_MAX) {
    cache_evict(p, p->cache_oldest);
  }
  b->state = ZCXI_BLOCK_CACHED;
  b->set = NULL;
  b->event = NULL;
  zcxi_block_t** head = cache_bin(p, b->size);
  b->bin_prev = NULL;
  b->bin_next = *head;
  if (*head != NULL) {
    (*head)->bin_prev = b;
  }
  *head = b;
  b->fifo_prev = NULL;
  b->fifo_next = p->cache_newest;
  if (p->cache_newest != NULL) {
    p->cache_newest->fifo_prev = b;
  } else {
    p->cache_oldest = b;
  }
  p->cache_newest = b;
  p->cache_count++;
}

// ---------------------------------------------------------------------------------------------
// Taking and giving blocks

static zcxi_block_t* find_block(zcxi_pool_t* p, size_t search, const zcx_stream_t* stream) {
  if (stream != NULL) {
    zcxi_freeset_t* own = set_of(p, stream);
    if (own != NULL) {
      zcxi_block_t* b = zcxi_freeset_find(own, search);
      if (b != NULL) {
        return b;
      }
    }
  }
  return zcxi_freeset_find(&p->ready, search);
}

// Cuts [aligned start, + need) out of the free block b; the pieces before and after stay
// free in b's set, with b's event. Needs two spare descriptors.
static zcxi_block_t* carve(zcxi_pool_t* p, zcxi_block_t* b, size_t need, size_t alignment) {
  zcxi_freeset_t* set = b->set;
  zcxi_freeset_remove(set, b);
  uintptr_t aligned = (b->addr + alignment - 1) & ~(uintptr_t)(alignment - 1);
  size_t front = (size_t)(aligned - b->addr);
  if (front > 0) {
    zcxi_block_t* f = desc_new(p);
    f->addr = b->addr;
    f->size = front;
    f->chunk = b->chunk;
    f->prev_adj = b->prev_adj;
    f->next_adj = b;
    if (b->prev_adj != NULL) {
      b->prev_adj->next_adj = f;
    } else {
      b->chunk->first = f;
    }
    b->prev_adj = f;
    f->event = b->event;
    zcx_event_retain(f->event);
    b->addr = aligned;
    b->size -= front;
    zcxi_freeset_insert(set, f);
  }
  if (b->size - need >= ZCXI_POOL_GRANULE) {
    zcxi_block_t* t = desc_new(p);
    t->addr = b->addr + need;
    t->size = b->size - need;
    t->chunk = b->chunk;
    t->prev_adj = b;
    t->next_adj = b->next_adj;
    if (b->next_adj != NULL) {
      b->next_adj->prev_adj = t;
    }
    b->next_adj = t;
    t->event = b->event;
    zcx_event_retain(t->event);
    b->size = need;
    zcxi_freeset_insert(set, t);
  }
  zcxi_pool_drop_event(p, b->event);
  b->event = NULL;
  b->set = NULL;
  b->state = ZCXI_BLOCK_USED;
  return b;
}

static size_t largest_free(const zcxi_pool_t* p) {
  size_t best = zcxi_freeset_largest(&p->ready);
  for (size_t i = 0; i < p->nsets; i++) {
    size_t s = zcxi_freeset_largest(p->sets[i]);
    best = s > best ? s : best;
  }
  size_t small = zcxi_small_largest(p);
  return small > best ? small : best;
}

static int fail_enomem(zcxi_pool_t* p, size_t requested, size_t alignment, const zcx_error_t* uerr,
                       zcx_error_t* err) {
  return zcx_error_fail(err, ENOMEM,
                        "%s: cannot allocate %zu bytes (alignment %zu): reserved %lld bytes, "
                        "in use %lld, largest free block %zu, maximum %zu%s; upstream: %s",
                        p->base.name, requested, alignment, (long long)p->reserved,
                        (long long)p->current_bytes, largest_free(p), p->opt.maximum_size,
                        p->opt.maximum_size == 0 ? " (none)" : "", zcx_error_message(uerr));
}

// Takes a block of `need` bytes (a multiple of the granule) aligned to `alignment` (at least
// the granule) for work on `stream`: from the stream's own free blocks or the ready ones;
// else after moving completed blocks to the ready set; else from a new chunk; else after
// releasing empty slabs, waiting for other streams' pending blocks, or swapping free chunks
// for one large enough. May drop and retake the lock.
static int take_block(zcxi_pool_t* p, size_t requested, size_t need, size_t alignment,
                      zcx_stream_t* stream, zcxi_block_t** out, zcx_error_t* err) {
  size_t search = need;
  if (alignment > ZCXI_POOL_GRANULE &&
      !zcxi_add_size(need, alignment - ZCXI_POOL_GRANULE, &search)) {
    return fail_enomem(p, requested, alignment, NULL, err);
  }
  // A request the cache could not serve is placed as if no block were cached: cached blocks
  // kept apart would hide the best fits and scatter requests over the rest.
  cache_flush(p, false);
  zcxi_block_t* b = find_block(p, search, stream);
  if (b == NULL) {
    collect(p, false);
    b = find_block(p, search, stream);
  }
  if (b == NULL) {
    zcx_error_t uerr;
    zcx_error_init(&uerr);
    if (grow(p, search, &uerr) == 0) {
      b = find_block(p, search, stream);
    }
    if (b == NULL && zcxi_small_release_empty(p) > 0) {
      b = find_block(p, search, stream);
    }
    if (b == NULL && wait_pending(p, stream)) {
      collect(p, false);
      cache_flush(p, false);  // other threads may have freed blocks meanwhile
      b = find_block(p, search, stream);
    }
    if (b == NULL && release_free_chunks(p, 0) > 0) {
      zcx_error_init(&uerr);
      if (grow(p, search, &uerr) == 0) {
        b = find_block(p, search, stream);
      }
    }
    if (b == NULL) {
      return fail_enomem(p, requested, alignment, &uerr, err);
    }
  }
  if (!ensure_spare(p, 2)) {
    return zcx_error_fail(err, ENOMEM, "%s: out of host memory for bookkeeping", p->base.name);
  }
  *out = carve(p, b, need, alignment);
  return 0;
}

int zcxi_pool_take_block(zcxi_pool_t* p, size_t size, size_t alignment, zcx_stream_t* stream,
                         zcxi_block_t** out, zcx_error_t* err) {
  return take_block(p, size, size, alignment, stream, out, err);
}

void zcxi_pool_give_block(zcxi_pool_t* p, zcxi_block_t* b, bool release) {
  b->state = ZCXI_BLOCK_FREE;
  b->set = NULL;
  b->event = NULL;
  zcxi_block_t* merged = merge_into(p, &p->ready, b);
  if (release) {
    maybe_release(p, merged);
  }
}

// ---------------------------------------------------------------------------------------------
// The resource

static void count_allocation(zcxi_pool_t* p, size_t size) {
  p->allocations++;
  p->current_bytes += (int64_t)size;
  p->total_bytes += (int64_t)size;
  p->current_count++;
  if (p->current_bytes > p->peak_bytes) {
    p->peak_bytes = p->current_bytes;
  }
  if (p->current_count > p->peak_count) {
    p->peak_count = p->current_count;
  }
}

static int pool_allocate(zcx_mr_t* mr, size_t size, size_t alignment, zcx_stream_t* stream,
                         void** out, zcx_error_t* err) {
  zcxi_pool_t* p = (zcxi_pool_t*)mr;
  int rc;
  pool_lock(p);
  if (size <= p->small_max && alignment <= ZCXI_SMALL_ALIGN) {
    rc = zcxi_small_allocate(p, size, stream, out, err);
  } else {
    size_t need;
    size_t a = alignment < ZCXI_POOL_GRANULE ? ZCXI_POOL_GRANULE : alignment;
    zcxi_block_t* b = NULL;
    if (!zcxi_align_up(size, ZCXI_POOL_GRANULE, &need)) {
      rc = fail_enomem(p, size, alignment, NULL, err);
    } else if (p->cache_count > 0 && (b = cache_take(p, need, a)) != NULL) {
      rc = 0;  // still in the used map
    } else {
      rc = take_block(p, size, need, a, stream, &b, err);
      if (rc == 0) {
        b->h.key = b->addr;
        zcxi_hmap_insert(&p->used, &b->h);
      }
    }
    if (rc == 0) {
      b->state = ZCXI_BLOCK_USED;
      b->requested = size;
      p->used_rounded += (int64_t)b->size;
      *out = (void*)b->addr;
      zcxi_unpoison(*out, size, p->host);
    }
  }
  if (rc == 0) {
    count_allocation(p, size);
  } else {
    *out = NULL;
    p->failures++;
  }
  pool_unlock(p);
  return rc;
}

static int pool_deallocate(zcx_mr_t* mr, void* ptr, size_t size, zcx_stream_t* stream,
                           zcx_error_t* err) {
  zcxi_pool_t* p = (zcxi_pool_t*)mr;
  zcx_event_t* event = NULL;
  zcxi_pending_t* entry = NULL;
  if (stream != NULL) {
    // The event marks the point of the stream after which the block is free for others.
    if (zcx_stream_record(stream, &event, NULL) != 0 || (entry = malloc(sizeof(*entry))) == NULL) {
      // No memory for the bookkeeping: wait for the stream, then free synchronously.
      zcx_event_release(event);
      event = NULL;
      ZCX_RETURN_IF_ERROR(zcx_stream_synchronize(stream, err));
      stream = NULL;
    }
  }
  uintptr_t a = (uintptr_t)ptr;
  int rc;
  pool_lock(p);
  for (;;) {
    zcxi_slab_t* slab = zcxi_small_find(p, a);
    if (slab != NULL) {
      rc = zcxi_small_deallocate(p, slab, a, size, event, entry, err);
      if (rc == 0) {
        event = NULL;  // taken over
        entry = NULL;
      }
      break;
    }
    zcxi_hnode_t* node = zcxi_hmap_find(&p->used, a);
    if (node == NULL) {
      rc = zcx_error_fail(err, EINVAL,
                          "%s: deallocate %p (%zu bytes): not a live block of this pool "
                          "(freed twice or never allocated here)",
                          mr->name, ptr, size);
      break;
    }
    zcxi_block_t* b = (zcxi_block_t*)node;
    if (b->state != ZCXI_BLOCK_USED) {
      rc = zcx_error_fail(err, EINVAL,
                          "%s: deallocate %p (%zu bytes): not a live block of this pool "
                          "(freed twice)",
                          mr->name, ptr, size);
      break;
    }
    if (b->requested != size) {
      rc = zcx_error_fail(err, EINVAL,
                          "%s: deallocate %p with size %zu, but it was allocated with %zu",
                          mr->name, ptr, size, b->requested);
      break;
    }
    zcxi_freeset_t* set = NULL;
    if (event != NULL && (set = set_of(p, stream)) == NULL) {
      // A set for the stream is allocated outside the lock, then everything is checked again.
      pool_unlock(p);
      zcxi_freeset_t* fresh = malloc(sizeof(*fresh));
      pool_lock(p);
      if (fresh != NULL) {
        zcxi_freeset_init(fresh, stream);
        if (set_of(p, stream) != NULL || !set_add(p, fresh)) {
          free(fresh);
        }
        if (set_of(p, stream) != NULL) {
          continue;
        }
      }
      // Out of memory: wait for the stream's work, then free synchronously.
      pool_unlock(p);
      int ignored_ = zcx_event_wait(event, NULL);
      (void)ignored_;
      zcx_event_release(event);
      event = NULL;
      stream = NULL;
      pool_lock(p);
      continue;
    }
    p->used_rounded -= (int64_t)b->size;
    if (event != NULL) {
      zcxi_hmap_remove(&p->used, &b->h);
      b->state = ZCXI_BLOCK_FREE;
      b->event = event;
      event = NULL;
      merge_into(p, set, b);  // poisoned once the stream's work is done, in collect()
    } else {
      zcxi_poison((void*)b->addr, b->size, p->host);
      cache_put(p, b);
    }
    rc = 0;
    break;
  }
  if (rc == 0) {
    p->frees++;
    p->current_bytes -= (int64_t)size;
    p->current_count--;
    if (p->opt.release_threshold != SIZE_MAX) {
      // Blocks freed earlier on streams may be ready by now: their chunks may go back too.
      collect(p, true);
    }
  }
  pool_unlock(p);
  if (event != NULL) {
    zcx_event_release(event);
  }
  if (entry != NULL) {
    free(entry);
  }
  return rc;
}

static int pool_get_stats(zcx_mr_t* mr, zcx_mr_stats_t* s, zcx_error_t* err) {
  (void)err;
  zcxi_pool_t* p = (zcxi_pool_t*)mr;
  pool_lock(p);
  // Cached blocks are free memory that a request would get merged: count them so.
  cache_flush(p, false);
  s->current_bytes = p->current_bytes;
  s->peak_bytes = p->peak_bytes;
  s->total_bytes = p->total_bytes;
  s->current_count = p->current_count;
  s->peak_count = p->peak_count;
  s->allocations = p->allocations;
  s->frees = p->frees;
  s->failures = p->failures;
  s->reserved_bytes = p->reserved;
  s->peak_reserved_bytes = p->peak_reserved;
  s->free_bytes = free_bytes(p);
  s->largest_free_block = (int64_t)largest_free(p);
  s->fragmentation =
      s->free_bytes > 0 ? 1.0 - (double)s->largest_free_block / (double)s->free_bytes : 0.0;
  pool_unlock(p);
  return 0;
}

static void pool_destroy(zcx_mr_t* mr) {
  zcxi_pool_t* p = (zcxi_pool_t*)mr;
  pool_lock(p);
  // Work still queued on streams may use blocks freed on them: let it finish first.
  while (wait_pending(p, NULL)) {
    collect(p, false);
  }
  cache_flush(p, false);
  if (p->leak_sink != NULL) {
    for (size_t i = 0; i <= p->used.mask; i++) {
      for (zcxi_hnode_t* n = p->used.buckets[i]; n != NULL; n = n->next) {
        const zcxi_block_t* b = (const zcxi_block_t*)n;
        fprintf(p->leak_sink, "%s: leaked block %p of %zu bytes\n", mr->name, (void*)b->addr,
                b->requested);
      }
    }
    zcxi_small_report(p, p->leak_sink);
    fflush(p->leak_sink);
  }
  zcxi_small_destroy(p);
  for (size_t i = 0; i < p->nsets; i++) {
    for (zcxi_block_t* b = p->sets[i]->fifo_head; b != NULL; b = b->fifo_next) {
      zcxi_pool_drop_event(p, b->event);
    }
    free(p->sets[i]);
  }
  free(p->sets);
  while (p->chunks != NULL) {
    zcxi_chunk_t* c = p->chunks;
    p->chunks = c->next;
    zcxi_unpoison_defined((void*)c->base, c->size, p->host);
    int ignored_ = zcx_mr_deallocate(p->base.upstream, (void*)c->base, c->size, NULL, NULL);
    (void)ignored_;
    free(c);
  }
  while (p->batches != NULL) {
    zcxi_block_batch_t* batch = p->batches;
    p->batches = batch->next;
    free(batch);
  }
  zcxi_hmap_free(&p->used);
  zcxi_hmap_free(&p->slabs);
  pool_unlock(p);
  free(p->dead);
  free(p);
}

static const zcx_mr_ops_t pool_ops = {
    .struct_size = sizeof(zcx_mr_ops_t),
    .kind = "pool",
    .allocate = pool_allocate,
    .deallocate = pool_deallocate,
    .get_stats = pool_get_stats,
    .destroy = pool_destroy,
};

void zcx_pool_options_init(zcx_pool_options_t* options) {
  if (options == NULL) {
    return;
  }
  options->struct_size = sizeof(*options);
  options->initial_size = 0;
  options->maximum_size = 0;
  options->min_chunk_size = (size_t)2 << 20;
  options->growth_factor = 0.5;
  options->release_threshold = SIZE_MAX;
  options->small_block_max = 4096;
}

static int check_options(const zcx_pool_options_t* options, zcx_pool_options_t* opt,
                         zcx_error_t* err) {
  zcx_pool_options_init(opt);
  if (options != NULL) {
    if (options->struct_size < sizeof(size_t) || options->struct_size > sizeof(*opt)) {
      return zcx_error_fail(err, EINVAL,
                            "pool_mr_create: options struct_size %zu is not in [%zu, %zu]",
                            options->struct_size, sizeof(size_t), sizeof(*opt));
    }
    memcpy(opt, options, options->struct_size);
    opt->struct_size = sizeof(*opt);
  }
  if (!(opt->growth_factor >= 0.0) || opt->growth_factor > 1e6) {
    return zcx_error_fail(err, EINVAL, "pool_mr_create: growth_factor %g is not in [0, 1e6]",
                          opt->growth_factor);
  }
  if (opt->maximum_size != 0 && opt->initial_size > opt->maximum_size) {
    return zcx_error_fail(err, EINVAL, "pool_mr_create: initial_size %zu exceeds maximum_size %zu",
                          opt->initial_size, opt->maximum_size);
  }
  if (opt->min_chunk_size == 0) {
    opt->min_chunk_size = ZCXI_POOL_GRANULE;
  }
  if (opt->initial_size > (SIZE_MAX >> 2) || opt->min_chunk_size > (SIZE_MAX >> 2)) {
    return zcx_error_fail(err, EINVAL,
                          "pool_mr_create: initial_size %zu or min_chunk_size %zu"
                          " is too large",
                          opt->initial_size, opt->min_chunk_size);
  }
  return 0;
}

int zcx_pool_mr_create(zcx_mr_t* upstream, const zcx_pool_options_t* options, zcx_mr_t** out,
                       zcx_error_t* err) {
  if (out == NULL) {
    return zcx_error_fail(err, EINVAL, "pool_mr_create: out is NULL");
  }
  *out = NULL;
  zcx_pool_options_t opt;
  ZCX_RETURN_IF_ERROR(check_options(options, &opt, err));
  zcxi_pool_t* p = calloc(1, sizeof(*p));
  if (p == NULL) {
    return zcx_error_fail(err, ENOMEM, "pool_mr_create: out of memory");
  }
  bool own_upstream = false;
  if (upstream == NULL) {
    int rc = zcx_system_mr_create(NULL, &upstream, err);
    if (rc != 0) {
      free(p);
      return rc;
    }
    own_upstream = true;
  }
  if (zcxi_hmap_init(&p->used) != 0 || zcxi_hmap_init(&p->slabs) != 0) {
    zcxi_hmap_free(&p->used);
    free(p);
    if (own_upstream) {
      zcx_mr_release(upstream);
    }
    return zcx_error_fail(err, ENOMEM, "pool_mr_create: out of memory");
  }
  p->opt = opt;
  atomic_init(&p->mu, 0);
  zcxi_freeset_init(&p->ready, NULL);
  char name[64];
  snprintf(name, sizeof(name), "pool(%s)", zcx_mr_name(upstream));
  zcx_mr_init(&p->base, &pool_ops, zcx_mr_device(upstream), upstream, name);
  if (own_upstream) {
    zcx_mr_release(upstream);  // the pool holds its own reference now
  }
  p->host = zcx_device_is_host_accessible(p->base.device) ? 1 : 0;
  zcxi_classes_init(p);
  p->chunk_align = p->nclasses > 0 ? p->slab_size : ZCXI_POOL_GRANULE;
  if (opt.initial_size > 0) {
    size_t size = 0;
    zcx_error_t uerr;
    zcx_error_init(&uerr);
    (void)zcxi_align_up(opt.initial_size, ZCXI_POOL_GRANULE, &size);
    pool_lock(p);
    int rc = add_chunk(p, size, &uerr);
    pool_unlock(p);
    if (rc != 0) {
      zcx_mr_release(&p->base);
      return zcx_error_fail(err, rc,
                            "pool_mr_create: cannot draw initial_size %zu bytes from "
                            "%s: %s",
                            opt.initial_size, zcx_mr_name(upstream), zcx_error_message(&uerr));
    }
  }
  *out = &p->base;
  return 0;
}

static int as_pool(zcx_mr_t* mr, const char* what, zcxi_pool_t** out, zcx_error_t* err) {
  if (mr == NULL || mr->ops != &pool_ops) {
    return zcx_error_fail(err, EINVAL, "%s: %s is not a pool", what,
                          mr == NULL ? "NULL" : mr->name);
  }
  *out = (zcxi_pool_t*)mr;
  return 0;
}

int zcx_pool_mr_trim(zcx_mr_t* pool, size_t keep_bytes, zcx_error_t* err) {
  zcxi_pool_t* p = NULL;
  ZCX_RETURN_IF_ERROR(as_pool(pool, "pool_mr_trim", &p, err));
  pool_lock(p);
  // One round: frees that other threads make on streams meanwhile wait for the next trim.
  wait_pending(p, NULL);
  collect(p, false);
  cache_flush(p, false);
  zcxi_small_release_empty(p);
  release_free_chunks(p, keep_bytes);
  pool_unlock(p);
  return 0;
}

int zcx_pool_mr_set_leak_report(zcx_mr_t* pool, FILE* sink, zcx_error_t* err) {
  zcxi_pool_t* p = NULL;
  ZCX_RETURN_IF_ERROR(as_pool(pool, "pool_mr_set_leak_report", &p, err));
  pool_lock(p);
  p->leak_sink = sink;
  pool_unlock(p);
  return 0;
}
