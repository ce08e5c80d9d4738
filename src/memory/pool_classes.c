// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Size classes of the pool: small requests are objects of a few fixed sizes cut from slabs
// (pool blocks aligned to their own size), with a side table per slab: a stack of ready
// object indices and each live object's requested size. Objects freed on a stream wait in
// a per-class list with their event until it completes (or their stream reuses them).
#include <stdlib.h>
#include <string.h>

#include "memory/poison.h"
#include "memory/pool_internal.h"

// How far back a stream allocation looks among pending objects for one freed on itself.
#define OWN_STREAM_SCAN 8

void zcxi_classes_init(zcxi_pool_t* p) {
  size_t max = p->opt.small_block_max;
  if (max > ZCXI_SMALL_MAX) {
    max = ZCXI_SMALL_MAX;
  }
  p->small_max = max;
  p->nclasses = 0;
  if (max == 0) {
    return;
  }
  // 64, 128, 192, 256, then four classes per doubling: 320, 384, 448, 512, 640, ...
  size_t size = ZCXI_SMALL_ALIGN;
  while (p->nclasses < ZCXI_MAX_CLASSES) {
    p->classes[p->nclasses].size = (uint32_t)size;
    p->classes[p->nclasses].inverse = (UINT64_C(1) << 40) / size + 1;
    p->nclasses++;
    if (size >= max) {
      break;
    }
    size_t step = size < 256 ? ZCXI_SMALL_ALIGN
                             : ((size_t)1 << (63 - __builtin_clzll((unsigned long long)size))) / 4;
    size += step;
  }
  uint32_t c = 0;
  for (size_t i = 0; i <= ZCXI_SMALL_MAX / ZCXI_SMALL_ALIGN; i++) {
    while (c + 1 < p->nclasses && p->classes[c].size < i * ZCXI_SMALL_ALIGN) {
      c++;
    }
    p->class_of[i] = (uint8_t)c;
  }
  size_t largest = p->classes[p->nclasses - 1].size;
  size_t slab = (size_t)64 << 10;
  while (slab < 16 * largest) {
    slab *= 2;
  }
  p->slab_size = slab;
}

static void slab_list(zcxi_sclass_t* c, zcxi_slab_t* s) {
  s->prev = NULL;
  s->next = c->avail;
  if (c->avail != NULL) {
    c->avail->prev = s;
  }
  c->avail = s;
  s->listed = true;
}

static void slab_unlist(zcxi_sclass_t* c, zcxi_slab_t* s) {
  if (s->prev != NULL) {
    s->prev->next = s->next;
  } else {
    c->avail = s->next;
  }
  if (s->next != NULL) {
    s->next->prev = s->prev;
  }
  s->prev = s->next = NULL;
  s->listed = false;
}

// Gives the slab's block back to the pool (see zcxi_pool_give_block for `release`).
static void slab_release(zcxi_pool_t* p, zcxi_slab_t* s, bool release) {
  zcxi_sclass_t* c = s->cls;
  if (s->listed) {
    slab_unlist(c, s);
  }
  zcxi_hmap_remove(&p->slabs, &s->h);
  if (p->last_slab == s) {
    p->last_slab = NULL;
  }
  c->nslabs--;
  zcxi_pool_give_block(p, s->block, release);
  free(s);
}

static bool slab_empty(const zcxi_slab_t* s) { return s->nlive == 0 && s->npending == 0; }

// Returns object `index` to its slab's ready stack. An emptied slab goes back to the pool
// when its class has another slab with ready objects (one empty slab per class stays).
static void object_ready(zcxi_pool_t* p, zcxi_slab_t* s, uint32_t index, bool release) {
  zcxi_sclass_t* c = s->cls;
  s->stack[s->top++] = index;
  if (!s->listed) {
    slab_list(c, s);
  }
  if (slab_empty(s) && (c->avail != s || s->next != NULL)) {
    slab_release(p, s, release);
  }
}

static int slab_new(zcxi_pool_t* p, zcxi_sclass_t* c, zcx_error_t* err) {
  uint32_t nobj = (uint32_t)(p->slab_size / c->size);
  zcxi_slab_t* s = malloc(sizeof(*s) + 2 * (size_t)nobj * sizeof(uint32_t));
  if (s == NULL) {
    return zcx_error_fail(err, ENOMEM, "%s: out of host memory for a slab's side table",
                          p->base.name);
  }
  zcxi_block_t* b;
  int rc = zcxi_pool_take_block(p, p->slab_size, p->slab_size, NULL, &b, err);
  if (rc != 0) {
    free(s);
    return rc;
  }
  b->state = ZCXI_BLOCK_SLAB;
  memset(s, 0, sizeof(*s));
  s->block = b;
  s->cls = c;
  s->nobj = nobj;
  s->stack = (uint32_t*)(s + 1);
  s->req = s->stack + nobj;
  for (uint32_t i = 0; i < nobj; i++) {
    s->stack[i] = nobj - 1 - i;  // pops in address order
    s->req[i] = 0;
  }
  s->top = nobj;
  s->h.key = b->addr;
  zcxi_hmap_insert(&p->slabs, &s->h);
  slab_list(c, s);
  c->nslabs++;
  return 0;
}

static void pending_unlink(zcxi_sclass_t* c, zcxi_pending_t* e) {
  if (e->prev != NULL) {
    e->prev->next = e->next;
  } else {
    c->pend_head = e->next;
  }
  if (e->next != NULL) {
    e->next->prev = e->prev;
  } else {
    c->pend_tail = e->prev;
  }
  c->npending--;
}

static void collect_class(zcxi_pool_t* p, zcxi_sclass_t* c, bool release) {
  zcxi_pending_t* e;
  while ((e = c->pend_head) != NULL && zcx_event_query(e->event)) {
    pending_unlink(c, e);
    zcxi_slab_t* s = e->slab;
    s->npending--;
    zcxi_pool_drop_event(p, e->event);
    uint32_t index = e->index;
    free(e);
    zcxi_poison((void*)(s->block->addr + (uintptr_t)index * c->size), c->size, p->host);
    object_ready(p, s, index, release);
  }
}

int zcxi_small_allocate(zcxi_pool_t* p, size_t size, zcx_stream_t* stream, void** out,
                        zcx_error_t* err) {
  zcxi_sclass_t* c = &p->classes[p->class_of[(size + ZCXI_SMALL_ALIGN - 1) / ZCXI_SMALL_ALIGN]];
  zcxi_slab_t* s = NULL;
  uint32_t index = 0;
  if (stream != NULL && c->npending > 0) {
    // The stream's own freed objects are reusable at once, newest first.
    zcxi_pending_t* e = c->pend_tail;
    for (int n = 0; e != NULL && n < OWN_STREAM_SCAN; n++, e = e->prev) {
      if (e->stream == stream) {
        pending_unlink(c, e);
        s = e->slab;
        s->npending--;
        index = e->index;
        zcxi_pool_drop_event(p, e->event);
        free(e);
        break;
      }
    }
  }
  if (s == NULL) {
    if (c->avail == NULL && c->npending > 0) {
      collect_class(p, c, false);
    }
    if (c->avail == NULL) {
      int rc = slab_new(p, c, err);
      if (rc != 0) {
        return rc;
      }
    }
    s = c->avail;
    index = s->stack[--s->top];
    if (s->top == 0) {
      slab_unlist(c, s);
    }
  }
  s->req[index] = (uint32_t)size;
  s->nlive++;
  p->used_rounded += c->size;
  void* ptr = (void*)(s->block->addr + (uintptr_t)index * c->size);
  zcxi_unpoison(ptr, size, p->host);
  *out = ptr;
  return 0;
}

zcxi_slab_t* zcxi_small_find(zcxi_pool_t* p, uintptr_t ptr) {
  if (p->nclasses == 0) {
    return NULL;
  }
  uintptr_t base = ptr & ~(uintptr_t)(p->slab_size - 1);
  zcxi_slab_t* s = p->last_slab;
  if (s != NULL && s->h.key == base) {
    return s;
  }
  s = (zcxi_slab_t*)zcxi_hmap_find(&p->slabs, base);
  if (s != NULL) {
    p->last_slab = s;
  }
  return s;
}

int zcxi_small_deallocate(zcxi_pool_t* p, zcxi_slab_t* s, uintptr_t ptr, size_t size,
                          zcx_event_t* event, zcxi_pending_t* entry, zcx_error_t* err) {
  zcxi_sclass_t* c = s->cls;
  // Division by multiplication: exact for offsets below a slab (<= 2^20) and sizes <= 2^16.
  uint64_t offset = (uint64_t)(ptr - s->block->addr);
  uint32_t index = (uint32_t)((offset * c->inverse) >> 40);
  if (offset != (uint64_t)index * c->size || index >= s->nobj) {
    return zcx_error_fail(err, EINVAL,
                          "%s: deallocate %p (%zu bytes): not the start of a block of this pool",
                          p->base.name, (void*)ptr, size);
  }
  if (s->req[index] == 0) {
    return zcx_error_fail(err, EINVAL,
                          "%s: deallocate %p (%zu bytes): not a live block of this pool "
                          "(freed twice or never allocated here)",
                          p->base.name, (void*)ptr, size);
  }
  if (s->req[index] != size) {
    return zcx_error_fail(err, EINVAL,
                          "%s: deallocate %p with size %zu, but it was allocated with %u",
                          p->base.name, (void*)ptr, size, (unsigned)s->req[index]);
  }
  s->req[index] = 0;
  s->nlive--;
  p->used_rounded -= c->size;
  if (event == NULL) {
    zcxi_poison((void*)ptr, c->size, p->host);
    object_ready(p, s, index, true);
    return 0;
  }
  // Work on the stream may still use the object: it is poisoned when its event completes.
  entry->slab = s;
  entry->index = index;
  entry->stream = zcx_event_stream(event);
  entry->event = event;
  entry->next = NULL;
  entry->prev = c->pend_tail;
  if (c->pend_tail != NULL) {
    c->pend_tail->next = entry;
  } else {
    c->pend_head = entry;
  }
  c->pend_tail = entry;
  c->npending++;
  s->npending++;
  return 0;
}

void zcxi_small_collect(zcxi_pool_t* p, bool release) {
  for (uint32_t i = 0; i < p->nclasses; i++) {
    if (p->classes[i].npending > 0) {
      collect_class(p, &p->classes[i], release);
    }
  }
}

size_t zcxi_small_release_empty(zcxi_pool_t* p) {
  size_t released = 0;
  for (uint32_t i = 0; i < p->nclasses; i++) {
    zcxi_slab_t* s = p->classes[i].avail;
    while (s != NULL) {
      zcxi_slab_t* next = s->next;
      if (slab_empty(s)) {
        slab_release(p, s, false);
        released++;
      }
      s = next;
    }
  }
  return released;
}

bool zcxi_small_gather_events(zcxi_pool_t* p, zcx_stream_t* skip, zcx_event_t*** events, size_t* n,
                              size_t* cap) {
  for (uint32_t i = 0; i < p->nclasses; i++) {
    for (zcxi_pending_t* e = p->classes[i].pend_head; e != NULL; e = e->next) {
      if (skip != NULL && e->stream == skip) {
        continue;
      }
      if (!zcxi_events_push(events, n, cap, e->event)) {
        return false;
      }
      zcx_event_retain(e->event);
    }
  }
  return true;
}

size_t zcxi_small_largest(const zcxi_pool_t* p) {
  for (uint32_t i = p->nclasses; i > 0; i--) {
    if (p->classes[i - 1].avail != NULL) {
      return p->classes[i - 1].size;
    }
  }
  return 0;
}

size_t zcxi_small_report(const zcxi_pool_t* p, FILE* sink) {
  size_t n = 0;
  for (size_t b = 0; b <= p->slabs.mask; b++) {
    for (zcxi_hnode_t* h = p->slabs.buckets[b]; h != NULL; h = h->next) {
      const zcxi_slab_t* s = (const zcxi_slab_t*)h;
      for (uint32_t i = 0; i < s->nobj; i++) {
        if (s->req[i] != 0) {
          fprintf(sink, "%s: leaked block %p of %u bytes\n", p->base.name,
                  (void*)(s->block->addr + (uintptr_t)i * s->cls->size), (unsigned)s->req[i]);
          n++;
        }
      }
    }
  }
  return n;
}

void zcxi_small_destroy(zcxi_pool_t* p) {
  for (uint32_t i = 0; i < p->nclasses; i++) {
    zcxi_sclass_t* c = &p->classes[i];
    while (c->pend_head != NULL) {
      zcxi_pending_t* e = c->pend_head;
      c->pend_head = e->next;
      zcxi_pool_drop_event(p, e->event);
      free(e);
    }
    c->pend_tail = NULL;
    c->npending = 0;
  }
  for (size_t b = 0; b <= p->slabs.mask; b++) {
    zcxi_hnode_t* h = p->slabs.buckets[b];
    while (h != NULL) {
      zcxi_hnode_t* next = h->next;
      free(h);
      h = next;
    }
    p->slabs.buckets[b] = NULL;
  }
  p->slabs.count = 0;
  p->last_slab = NULL;
}
