// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The pool's indexes: an address hash map and the two-level segregated-fit free sets.
#include <stdlib.h>
#include <string.h>

#include "memory/pool_internal.h"

// ---------------------------------------------------------------------------------------------
// Hash map

#define HMAP_INITIAL 256

static size_t hmap_slot(uintptr_t key, size_t mask) {
  // Addresses are 64-byte aligned at least: drop the low bits, then mix (Fibonacci hashing).
  uint64_t h = (uint64_t)(key >> 6) * UINT64_C(0x9E3779B97F4A7C15);
  return (size_t)(h >> 20) & mask;
}

int zcxi_hmap_init(zcxi_hmap_t* map) {
  map->buckets = calloc(HMAP_INITIAL, sizeof(*map->buckets));
  if (map->buckets == NULL) {
    return ENOMEM;
  }
  map->mask = HMAP_INITIAL - 1;
  map->count = 0;
  return 0;
}

void zcxi_hmap_free(zcxi_hmap_t* map) {
  free(map->buckets);
  map->buckets = NULL;
  map->count = 0;
}

zcxi_hnode_t* zcxi_hmap_find(const zcxi_hmap_t* map, uintptr_t key) {
  zcxi_hnode_t* n = map->buckets[hmap_slot(key, map->mask)];
  while (n != NULL && n->key != key) {
    n = n->next;
  }
  return n;
}

static void hmap_grow(zcxi_hmap_t* map) {
  size_t n = (map->mask + 1) * 2;
  zcxi_hnode_t** buckets = calloc(n, sizeof(*buckets));
  if (buckets == NULL) {
    return;  // keep the current table: longer chains, still correct
  }
  for (size_t i = 0; i <= map->mask; i++) {
    zcxi_hnode_t* node = map->buckets[i];
    while (node != NULL) {
      zcxi_hnode_t* next = node->next;
      size_t s = hmap_slot(node->key, n - 1);
      node->next = buckets[s];
      buckets[s] = node;
      node = next;
    }
  }
  free(map->buckets);
  map->buckets = buckets;
  map->mask = n - 1;
}

void zcxi_hmap_insert(zcxi_hmap_t* map, zcxi_hnode_t* node) {
  if (map->count >= map->mask + 1) {
    hmap_grow(map);
  }
  size_t s = hmap_slot(node->key, map->mask);
  node->next = map->buckets[s];
  map->buckets[s] = node;
  map->count++;
}

void zcxi_hmap_remove(zcxi_hmap_t* map, zcxi_hnode_t* node) {
  zcxi_hnode_t** link = &map->buckets[hmap_slot(node->key, map->mask)];
  while (*link != NULL) {
    if (*link == node) {
      *link = node->next;
      node->next = NULL;
      map->count--;
      return;
    }
    link = &(*link)->next;
  }
}

// ---------------------------------------------------------------------------------------------
// Free sets (TLSF)

static void tlsf_mapping(size_t units, unsigned* fl, unsigned* sl) {
  unsigned bin = zcxi_tlsf_bin(units);
  *fl = bin / ZCXI_TLSF_SL;
  *sl = bin % ZCXI_TLSF_SL;
}

void zcxi_freeset_init(zcxi_freeset_t* set, zcx_stream_t* stream) {
  memset(set, 0, sizeof(*set));
  set->stream = stream;
}

void zcxi_freeset_insert(zcxi_freeset_t* set, zcxi_block_t* b) {
  unsigned fl;
  unsigned sl;
  tlsf_mapping(b->size >> ZCXI_POOL_GRANULE_SHIFT, &fl, &sl);
  b->bin_prev = NULL;
  b->bin_next = set->bins[fl][sl];
  if (b->bin_next != NULL) {
    b->bin_next->bin_prev = b;
  }
  set->bins[fl][sl] = b;
  set->sl_map[fl] |= 1u << sl;
  set->fl_map |= UINT64_C(1) << fl;
  b->fifo_next = NULL;
  b->fifo_prev = set->fifo_tail;
  if (set->fifo_tail != NULL) {
    set->fifo_tail->fifo_next = b;
  } else {
    set->fifo_head = b;
  }
  set->fifo_tail = b;
  b->set = set;
  b->state = ZCXI_BLOCK_FREE;
  set->bytes += b->size;
  set->count++;
}

void zcxi_freeset_remove(zcxi_freeset_t* set, zcxi_block_t* b) {
  unsigned fl;
  unsigned sl;
  tlsf_mapping(b->size >> ZCXI_POOL_GRANULE_SHIFT, &fl, &sl);
  if (b->bin_prev != NULL) {
    b->bin_prev->bin_next = b->bin_next;
  } else {
    set->bins[fl][sl] = b->bin_next;
    if (b->bin_next == NULL) {
      set->sl_map[fl] &= ~(1u << sl);
      if (set->sl_map[fl] == 0) {
        set->fl_map &= ~(UINT64_C(1) << fl);
      }
    }
  }
  if (b->bin_next != NULL) {
    b->bin_next->bin_prev = b->bin_prev;
  }
  if (b->fifo_prev != NULL) {
    b->fifo_prev->fifo_next = b->fifo_next;
  } else {
    set->fifo_head = b->fifo_next;
  }
  if (b->fifo_next != NULL) {
    b->fifo_next->fifo_prev = b->fifo_prev;
  } else {
    set->fifo_tail = b->fifo_prev;
  }
  b->bin_prev = b->bin_next = b->fifo_prev = b->fifo_next = NULL;
  set->bytes -= b->size;
  set->count--;
}

// The first non-empty bin at or after (fl, sl), or NULL.
static zcxi_block_t* tlsf_search_from(const zcxi_freeset_t* set, unsigned fl, unsigned sl) {
  if (fl >= ZCXI_TLSF_FL) {
    return NULL;
  }
  uint32_t sl_bits = sl < ZCXI_TLSF_SL ? set->sl_map[fl] & (~0u << sl) : 0;
  if (sl_bits == 0) {
    uint64_t fl_bits = fl + 1 < ZCXI_TLSF_FL ? set->fl_map & (~UINT64_C(0) << (fl + 1)) : 0;
    if (fl_bits == 0) {
      return NULL;
    }
    fl = (unsigned)__builtin_ctzll(fl_bits);
    sl_bits = set->sl_map[fl];
  }
  sl = (unsigned)__builtin_ctz(sl_bits);
  return set->bins[fl][sl];
}

zcxi_block_t* zcxi_freeset_find(const zcxi_freeset_t* set, size_t size) {
  if (set->count == 0) {
    return NULL;
  }
  unsigned fl;
  unsigned sl;
  tlsf_mapping(size >> ZCXI_POOL_GRANULE_SHIFT, &fl, &sl);
  // The size's own bin holds blocks both smaller and larger than it: look at a few for a
  // close fit. Every block of a later bin is larger than the request (good fit, O(1)).
  int budget = 8;
  for (zcxi_block_t* b = set->bins[fl][sl]; b != NULL && budget > 0; b = b->bin_next, budget--) {
    if (b->size >= size) {
      return b;
    }
  }
  if (++sl == ZCXI_TLSF_SL) {
    sl = 0;
    fl++;
  }
  return tlsf_search_from(set, fl, sl);
}

size_t zcxi_freeset_largest(const zcxi_freeset_t* set) {
  if (set->fl_map == 0) {
    return 0;
  }
  unsigned fl = 63u - (unsigned)__builtin_clzll(set->fl_map);
  unsigned sl = 31u - (unsigned)__builtin_clz(set->sl_map[fl]);
  size_t best = 0;
  for (const zcxi_block_t* b = set->bins[fl][sl]; b != NULL; b = b->bin_next) {
    if (b->size > best) {
      best = b->size;
    }
  }
  return best;
}
