// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Internal structures of the stream-ordered pool, shared by pool.c, pool_index.c and
// pool_classes.c.
//
// All bookkeeping lives in host memory beside the managed memory, which the pool never
// reads or writes (it may be device memory or a sealed segment):
// - a chunk is one allocation from the upstream, split into blocks that are linked in
//   address order (prev_adj / next_adj), so that freeing can merge neighbours in O(1);
// - a free block belongs to exactly one free set: the ready set (usable by any stream) or
//   the set of the stream it was freed on, together with the event recorded at the free.
//   Blocks only merge inside one set, so a block pending on stream A never becomes part of
//   a block handed to stream B before A's event has completed;
// - each free set indexes its blocks by size with two-level segregated fit (TLSF): O(1)
//   search and update; a stream set also keeps its blocks in free order so that blocks
//   whose events have completed can be moved to the ready set oldest first;
// - live large blocks are found by address in a hash map; small requests are served from
//   slabs (pool blocks cut into objects of one size class) with side tables per slab;
// - large blocks freed synchronously are not merged at once: they wait in a small cache,
//   one LIFO list per TLSF bin, still in the used-block map (state CACHED), so that a
//   request of the same bin takes one back without a split, a merge or a map update. The
//   cache is flushed (its blocks merged into the ready set) when a request finds no block,
//   before the pool grows, on statistics, trim and destruction, when it holds too many
//   blocks (the oldest goes), and when more than release_threshold bytes are free.
#ifndef ZCX_SRC_MEMORY_POOL_INTERNAL_H
#define ZCX_SRC_MEMORY_POOL_INTERNAL_H

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>

#include "core/internal.h"
#include "memory/stream_internal.h"
#include "zcx/memory.h"

// Size granule and minimum alignment of pool blocks.
#define ZCXI_POOL_GRANULE ((size_t)256)
#define ZCXI_POOL_GRANULE_SHIFT 8
// TLSF: first level = power of two of the size in granules, second level = 16 subdivisions.
#define ZCXI_TLSF_FL 64
#define ZCXI_TLSF_SL_SHIFT 4
#define ZCXI_TLSF_SL (1u << ZCXI_TLSF_SL_SHIFT)
// Objects of size classes are aligned to this much (the default alignment).
#define ZCXI_SMALL_ALIGN ((size_t)64)
// Largest size class; larger small_block_max values are clamped to it.
#define ZCXI_SMALL_MAX ((size_t)65536)
#define ZCXI_MAX_CLASSES 40

// ---------------------------------------------------------------------------------------------
// The pool's lock: a test-and-test-and-set spinlock that yields the processor after a short
// spin. Critical sections are short; an uncontended lock/unlock pair is one atomic exchange
// and one release store, cheaper than a mutex's two read-modify-writes.

#define ZCXI_LOCK_SPINS 128

static inline void zcxi_lock(atomic_int* lock) {
  for (;;) {
    if (atomic_exchange_explicit(lock, 1, memory_order_acquire) == 0) {
      return;
    }
    for (unsigned n = 0; atomic_load_explicit(lock, memory_order_relaxed) != 0; n++) {
      if (n >= ZCXI_LOCK_SPINS) {
        sched_yield();
      }
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
    }
  }
}

static inline void zcxi_unlock(atomic_int* lock) {
  atomic_store_explicit(lock, 0, memory_order_release);
}

// ---------------------------------------------------------------------------------------------
// pool_index.c: intrusive hash map from an address to a node

typedef struct zcxi_hnode {
  uintptr_t key;
  struct zcxi_hnode* next;
} zcxi_hnode_t;

typedef struct zcxi_hmap {
  zcxi_hnode_t** buckets;
  size_t mask;  // bucket count - 1 (a power of two minus one)
  size_t count;
} zcxi_hmap_t;

int zcxi_hmap_init(zcxi_hmap_t* map);  // 0 or ENOMEM
void zcxi_hmap_free(zcxi_hmap_t* map);
zcxi_hnode_t* zcxi_hmap_find(const zcxi_hmap_t* map, uintptr_t key);
// Inserts (the key must be absent). Grows the table when it can; never fails.
void zcxi_hmap_insert(zcxi_hmap_t* map, zcxi_hnode_t* node);
void zcxi_hmap_remove(zcxi_hmap_t* map, zcxi_hnode_t* node);

// ---------------------------------------------------------------------------------------------
// Blocks, chunks and free sets

typedef enum zcxi_block_state {
  ZCXI_BLOCK_FREE = 0,
  ZCXI_BLOCK_USED = 1,    // handed out to a caller
  ZCXI_BLOCK_SLAB = 2,    // cut into small objects
  ZCXI_BLOCK_CACHED = 3,  // freed, waiting in the cache of the pool (still in the used map)
} zcxi_block_state_t;

struct zcxi_chunk;
struct zcxi_freeset;

typedef struct zcxi_block {
  zcxi_hnode_t h;  // in the used-block map while USED (key = addr)
  uintptr_t addr;
  size_t size;                  // a multiple of the granule
  struct zcxi_block* prev_adj;  // neighbours in address order inside the chunk
  struct zcxi_block* next_adj;
  struct zcxi_chunk* chunk;
  // FREE: the set holding the block, and the event recorded at the free (stream sets only).
  struct zcxi_freeset* set;
  zcx_event_t* event;
  struct zcxi_block* bin_prev;  // TLSF bin list, or the cache's list of the bin (CACHED)
  struct zcxi_block* bin_next;
  struct zcxi_block* fifo_prev;  // free order inside the set, or in the cache (CACHED)
  struct zcxi_block* fifo_next;
  size_t requested;  // USED: the size the caller asked for
  int state;
} zcxi_block_t;

typedef struct zcxi_chunk {
  uintptr_t base;
  size_t size;
  zcxi_block_t* first;
  struct zcxi_chunk* prev;
  struct zcxi_chunk* next;
} zcxi_chunk_t;

typedef struct zcxi_freeset {
  zcx_stream_t* stream;  // NULL for the ready set
  uint64_t fl_map;
  uint32_t sl_map[ZCXI_TLSF_FL];
  zcxi_block_t* bins[ZCXI_TLSF_FL][ZCXI_TLSF_SL];
  zcxi_block_t* fifo_head;
  zcxi_block_t* fifo_tail;
  size_t bytes;
  size_t count;
} zcxi_freeset_t;

// The TLSF bin of a block of `units` granules, as fl * ZCXI_TLSF_SL + sl: blocks in bin
// (fl, sl) have sizes in [2^(fl+3) + sl * 2^(fl-1), ...) granules for fl >= 1; bin (0, sl)
// holds exactly sl granules.
static inline unsigned zcxi_tlsf_bin(size_t units) {
  if (units < ZCXI_TLSF_SL) {
    return (unsigned)units;
  }
  unsigned lg = 63u - (unsigned)__builtin_clzll((unsigned long long)units);
  unsigned fl = lg - (ZCXI_TLSF_SL_SHIFT - 1);
  unsigned sl = (unsigned)(units >> (lg - ZCXI_TLSF_SL_SHIFT)) & (ZCXI_TLSF_SL - 1);
  return fl * ZCXI_TLSF_SL + sl;
}

void zcxi_freeset_init(zcxi_freeset_t* set, zcx_stream_t* stream);
// Adds a free block (sets block->set) at the end of the free order.
void zcxi_freeset_insert(zcxi_freeset_t* set, zcxi_block_t* block);
void zcxi_freeset_remove(zcxi_freeset_t* set, zcxi_block_t* block);
// A block of at least `size` bytes (a multiple of the granule), or NULL.
zcxi_block_t* zcxi_freeset_find(const zcxi_freeset_t* set, size_t size);
// The size of the largest block, or 0.
size_t zcxi_freeset_largest(const zcxi_freeset_t* set);

// ---------------------------------------------------------------------------------------------
// Size classes (pool_classes.c)

struct zcxi_sclass;

typedef struct zcxi_slab {
  zcxi_hnode_t h;  // in the slab map (key = base address)
  zcxi_block_t* block;
  struct zcxi_sclass* cls;
  uint32_t nobj;
  uint32_t top;  // ready free objects: stack[0, top)
  uint32_t nlive;
  uint32_t npending;       // freed on a stream, event not yet seen complete
  uint32_t* stack;         // indices of ready free objects
  uint32_t* req;           // requested size of each live object, 0 when not live
  struct zcxi_slab* prev;  // in the class's list of slabs with ready objects
  struct zcxi_slab* next;
  bool listed;
} zcxi_slab_t;

// An object freed on a stream, waiting for its event.
typedef struct zcxi_pending {
  zcxi_slab_t* slab;
  uint32_t index;
  zcx_stream_t* stream;
  zcx_event_t* event;
  struct zcxi_pending* prev;
  struct zcxi_pending* next;
} zcxi_pending_t;

typedef struct zcxi_sclass {
  uint32_t size;
  uint64_t inverse;  // 2^40 / size + 1: offset / size == (offset * inverse) >> 40 in a slab
  uint32_t nslabs;
  zcxi_slab_t* avail;  // slabs with ready objects
  zcxi_pending_t* pend_head;
  zcxi_pending_t* pend_tail;
  size_t npending;
} zcxi_sclass_t;

// ---------------------------------------------------------------------------------------------
// The pool (pool.c)

typedef struct zcxi_block_batch zcxi_block_batch_t;

typedef struct zcxi_pool {
  zcx_mr_t base;
  zcx_pool_options_t opt;
  atomic_int mu;  // see zcxi_lock
  int host;            // the memory is host-accessible: poison it
  size_t chunk_align;  // alignment asked of the upstream for chunks
  zcxi_freeset_t ready;
  zcxi_freeset_t** sets;  // one per stream with pending free blocks
  size_t nsets;
  size_t capsets;
  zcxi_chunk_t* chunks;
  size_t nchunks;
  zcxi_hmap_t used;  // live and cached large blocks by address
  // The cache of freed large blocks: a LIFO list per TLSF bin (bin_prev / bin_next) and
  // one list of all, newest first (fifo_prev / fifo_next).
  zcxi_block_t* cache_bins[ZCXI_TLSF_FL * ZCXI_TLSF_SL];
  zcxi_block_t* cache_newest;
  zcxi_block_t* cache_oldest;
  size_t cache_count;
  zcxi_hmap_t slabs;    // slabs by base address
  zcxi_slab_t* last_slab;  // the slab last found or allocated from, or NULL (a lookup hint)
  zcxi_block_t* spare;  // recycled block descriptors
  size_t nspare;
  zcxi_block_batch_t* batches;
  // Events to release once mu is dropped: releasing the last reference of an event may
  // release its stream, whose last release waits for tasks that may call into the pool.
  zcx_event_t** dead;
  size_t ndead;
  size_t capdead;
  // Size classes: objects of at most small_max bytes, slabs of slab_size bytes.
  size_t small_max;
  size_t slab_size;
  uint32_t nclasses;
  uint8_t class_of[ZCXI_SMALL_MAX / ZCXI_SMALL_ALIGN + 1];  // by (size + 63) / 64
  zcxi_sclass_t classes[ZCXI_MAX_CLASSES];
  // Statistics (under mu).
  int64_t current_bytes;
  int64_t peak_bytes;
  int64_t total_bytes;
  int64_t current_count;
  int64_t peak_count;
  int64_t allocations;
  int64_t frees;
  int64_t failures;
  int64_t reserved;
  int64_t peak_reserved;
  int64_t used_rounded;  // bytes of blocks and objects handed out, as rounded
  FILE* leak_sink;
} zcxi_pool_t;

// Takes a ready block of at least `size` bytes aligned to `alignment` for a slab (growing,
// waiting as an allocation does). Called with mu held; may drop and retake it.
int zcxi_pool_take_block(zcxi_pool_t* pool, size_t size, size_t alignment, zcx_stream_t* stream,
                         zcxi_block_t** out, zcx_error_t* err);
// Gives a block taken with zcxi_pool_take_block back to the ready set; with `release`, its
// chunk goes back upstream if that leaves it wholly free while more than release_threshold
// bytes are free. Called with mu held.
void zcxi_pool_give_block(zcxi_pool_t* pool, zcxi_block_t* block, bool release);

// pool_classes.c. All are called with mu held.
void zcxi_classes_init(zcxi_pool_t* pool);
// 0, ENOMEM (err filled).
int zcxi_small_allocate(zcxi_pool_t* pool, size_t size, zcx_stream_t* stream, void** out,
                        zcx_error_t* err);
// The slab holding ptr, or NULL.
zcxi_slab_t* zcxi_small_find(zcxi_pool_t* pool, uintptr_t ptr);
// Frees an object of `slab`: 0 or EINVAL. For a stream free, `event` and `entry` (allocated
// by the caller) are taken over on success.
int zcxi_small_deallocate(zcxi_pool_t* pool, zcxi_slab_t* slab, uintptr_t ptr, size_t size,
                          zcx_event_t* event, zcxi_pending_t* entry, zcx_error_t* err);
// Moves objects whose events have completed to their slabs' ready stacks; `release` as for
// zcxi_pool_give_block, for slabs that become empty.
void zcxi_small_collect(zcxi_pool_t* pool, bool release);
// Gives every slab without live or pending objects back to the ready set; returns how many.
size_t zcxi_small_release_empty(zcxi_pool_t* pool);
// Appends the events of pending objects (retained) to *events; false when out of memory.
bool zcxi_small_gather_events(zcxi_pool_t* pool, zcx_stream_t* skip, zcx_event_t*** events,
                              size_t* n, size_t* cap);
// Largest class with a ready object, or 0.
size_t zcxi_small_largest(const zcxi_pool_t* pool);
// Writes one line per live object; returns how many.
size_t zcxi_small_report(const zcxi_pool_t* pool, FILE* sink);
// Frees every slab descriptor and pending entry (at destruction; events released).
void zcxi_small_destroy(zcxi_pool_t* pool);

// Releases `event` after mu is dropped (see zcxi_pool_t.dead). Called with mu held.
void zcxi_pool_drop_event(zcxi_pool_t* pool, zcx_event_t* event);

// Appends `event` (retained) to a growable array; false when out of memory.
bool zcxi_events_push(zcx_event_t*** events, size_t* n, size_t* cap, zcx_event_t* event);

#endif  // ZCX_SRC_MEMORY_POOL_INTERNAL_H
