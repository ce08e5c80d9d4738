// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The memory resource over a shared-memory segment: first fit over an address-ordered list
// of free ranges with coalescing, and a sorted table of live blocks that catches foreign
// pointers, double frees and wrong sizes. Nothing is written into the segment itself.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shm/internal.h"

#define GRANULE 64

void zcx_shm_mr_options_init(zcx_shm_mr_options_t* options) {
  memset(options, 0, sizeof(*options));
  options->struct_size = sizeof(*options);
  options->header_size = 64 * 1024;
}

static int reserve(zcxi_shm_range_t** v, int64_t* cap, int64_t need, zcx_error_t* err) {
  if (need <= *cap) {
    return 0;
  }
  int64_t nc = *cap ? *cap * 2 : 64;
  while (nc < need) {
    nc *= 2;
  }
  zcxi_shm_range_t* n = realloc(*v, (size_t)nc * sizeof(*n));
  if (n == NULL) {
    return zcx_error_fail(err, ENOMEM, "shm resource: out of memory for bookkeeping");
  }
  *v = n;
  *cap = nc;
  return 0;
}

// Index of the first range whose offset is >= off.
static int64_t lower_bound(const zcxi_shm_range_t* v, int64_t n, int64_t off) {
  int64_t lo = 0;
  int64_t hi = n;
  while (lo < hi) {
    int64_t mid = lo + (hi - lo) / 2;
    if (v[mid].off < off) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

static void insert_at(zcxi_shm_range_t* v, int64_t* n, int64_t i, zcxi_shm_range_t r) {
  memmove(&v[i + 1], &v[i], (size_t)(*n - i) * sizeof(*v));
  v[i] = r;
  (*n)++;
}

static void remove_at(zcxi_shm_range_t* v, int64_t* n, int64_t i) {
  memmove(&v[i], &v[i + 1], (size_t)(*n - i - 1) * sizeof(*v));
  (*n)--;
}

int zcxi_shm_mr_alloc_locked(zcxi_shm_mr_t* m, int64_t size, int64_t align, int64_t* off,
                             zcx_error_t* err) {
  int64_t len = zcxi_align_up_i64(size, GRANULE);
  if (align < GRANULE) {
    align = GRANULE;
  }
  // Room for a split (two free ranges where one was) and one more live block, up front, so
  // that nothing fails half-way.
  ZCX_RETURN_IF_ERROR(reserve(&m->free_v, &m->free_cap, m->free_n + 1, err));
  ZCX_RETURN_IF_ERROR(reserve(&m->live_v, &m->live_cap, m->live_n + 1, err));
  for (int64_t i = 0; i < m->free_n; i++) {
    zcxi_shm_range_t r = m->free_v[i];
    int64_t start = zcxi_align_up_i64(r.off, align);
    if (start - r.off > r.len || r.len - (start - r.off) < len) {
      continue;
    }
    int64_t end = r.off + r.len;
    zcxi_shm_range_t head = {r.off, start - r.off};
    zcxi_shm_range_t tail = {start + len, end - start - len};
    remove_at(m->free_v, &m->free_n, i);
    if (tail.len > 0) {
      insert_at(m->free_v, &m->free_n, i, tail);
    }
    if (head.len > 0) {
      insert_at(m->free_v, &m->free_n, i, head);
    }
    zcxi_shm_range_t block = {start, len};
    insert_at(m->live_v, &m->live_n, lower_bound(m->live_v, m->live_n, start), block);
    m->live_bytes += len;
    *off = start;
    return 0;
  }
  int64_t largest = 0;
  for (int64_t i = 0; i < m->free_n; i++) {
    if (m->free_v[i].len > largest) {
      largest = m->free_v[i].len;
    }
  }
  return zcx_error_fail(err, ENOMEM,
                        "%s: no room for %lld bytes (alignment %lld): %lld of %lld bytes in "
                        "use, largest free block %lld",
                        m->base.name, (long long)size, (long long)align,
                        (long long)m->live_bytes,
                        (long long)(m->seg->capacity - m->header_size), (long long)largest);
}

int64_t zcxi_shm_mr_top_locked(const zcxi_shm_mr_t* m) {
  int64_t top = m->header_size;
  // Live blocks are sorted by offset and never overlap: the last one ends highest.
  if (m->live_n > 0) {
    top = m->live_v[m->live_n - 1].off + m->live_v[m->live_n - 1].len;
  }
  return top;
}

static int shm_allocate(zcx_mr_t* mr, size_t size, size_t alignment, zcx_stream_t* stream,
                        void** out, zcx_error_t* err) {
  (void)stream;
  zcxi_shm_mr_t* m = (zcxi_shm_mr_t*)mr;
  if (size > (size_t)INT64_MAX / 2 || alignment > (size_t)1 << 30) {
    return zcx_error_fail(err, ENOMEM, "%s: request of %zu bytes (alignment %zu) too large",
                          mr->name, size, alignment);
  }
  pthread_mutex_lock(&m->lock);
  int rc;
  if (zcx_shm_segment_published(m->seg)) {
    rc = zcx_error_fail(err, EROFS, "%s: the segment is published (read-only)", mr->name);
  } else {
    int64_t off = 0;
    rc = zcxi_shm_mr_alloc_locked(m, (int64_t)size, (int64_t)alignment, &off, err);
    if (rc == 0) {
      *out = m->seg->base + off;
    }
  }
  pthread_mutex_unlock(&m->lock);
  return rc;
}

int zcxi_shm_mr_free_locked(zcxi_shm_mr_t* m, int64_t off, int64_t size, zcx_error_t* err) {
  int64_t len = zcxi_align_up_i64(size, GRANULE);
  int64_t i = lower_bound(m->live_v, m->live_n, off);
  if (i == m->live_n || m->live_v[i].off != off) {
    return zcx_error_fail(err, EINVAL,
                          "%s: free of offset %lld, which is not a live block (never "
                          "allocated here, or freed twice)",
                          m->base.name, (long long)off);
  }
  if (m->live_v[i].len != len) {
    return zcx_error_fail(err, EINVAL, "%s: free at offset %lld of %lld bytes, allocated with %lld",
                          m->base.name, (long long)off, (long long)size,
                          (long long)m->live_v[i].len);
  }
  ZCX_RETURN_IF_ERROR(reserve(&m->free_v, &m->free_cap, m->free_n + 1, err));
  remove_at(m->live_v, &m->live_n, i);
  m->live_bytes -= len;
  int64_t j = lower_bound(m->free_v, m->free_n, off);
  bool join_prev = j > 0 && m->free_v[j - 1].off + m->free_v[j - 1].len == off;
  bool join_next = j < m->free_n && off + len == m->free_v[j].off;
  if (join_prev && join_next) {
    m->free_v[j - 1].len += len + m->free_v[j].len;
    remove_at(m->free_v, &m->free_n, j);
  } else if (join_prev) {
    m->free_v[j - 1].len += len;
  } else if (join_next) {
    m->free_v[j].off = off;
    m->free_v[j].len += len;
  } else {
    zcxi_shm_range_t r = {off, len};
    insert_at(m->free_v, &m->free_n, j, r);
  }
  return 0;
}

static int shm_deallocate(zcx_mr_t* mr, void* ptr, size_t size, zcx_stream_t* stream,
                          zcx_error_t* err) {
  (void)stream;
  zcxi_shm_mr_t* m = (zcxi_shm_mr_t*)mr;
  uintptr_t base = (uintptr_t)m->seg->base;
  uintptr_t p = (uintptr_t)ptr;
  if (p < base + (uintptr_t)m->header_size || p >= base + (uintptr_t)m->seg->capacity ||
      size > (size_t)INT64_MAX / 2) {
    return zcx_error_fail(err, EINVAL, "%s: free of %p, which is not in the segment", mr->name,
                          ptr);
  }
  pthread_mutex_lock(&m->lock);
  int rc = zcxi_shm_mr_free_locked(m, (int64_t)(p - base), (int64_t)size, err);
  pthread_mutex_unlock(&m->lock);
  if (rc != 0) {
    zcx_error_prefix(err, "pointer %p: ", ptr);
  }
  return rc;
}

static int shm_get_stats(zcx_mr_t* mr, zcx_mr_stats_t* stats, zcx_error_t* err) {
  (void)err;
  zcxi_shm_mr_t* m = (zcxi_shm_mr_t*)mr;
  pthread_mutex_lock(&m->lock);
  int64_t largest = 0;
  for (int64_t i = 0; i < m->free_n; i++) {
    if (m->free_v[i].len > largest) {
      largest = m->free_v[i].len;
    }
  }
  int64_t reserved = m->seg->capacity - m->header_size;
  stats->current_bytes = m->live_bytes;
  stats->current_count = m->live_n;
  stats->reserved_bytes = reserved;
  stats->peak_reserved_bytes = reserved;
  stats->free_bytes = reserved - m->live_bytes;
  stats->largest_free_block = largest;
  stats->fragmentation =
      stats->free_bytes > 0 ? 1.0 - (double)largest / (double)stats->free_bytes : 0.0;
  pthread_mutex_unlock(&m->lock);
  return 0;
}

static void shm_destroy(zcx_mr_t* mr) {
  zcxi_shm_mr_t* m = (zcxi_shm_mr_t*)mr;
  pthread_mutex_destroy(&m->lock);
  free(m->free_v);
  free(m->live_v);
  zcx_shm_segment_release(m->seg);
  free(m);
}

static const zcx_mr_ops_t kShmOps = {
    sizeof(zcx_mr_ops_t), "shm", shm_allocate, shm_deallocate, shm_get_stats, shm_destroy,
};

zcxi_shm_mr_t* zcxi_shm_mr_cast(const zcx_mr_t* mr) {
  return mr != NULL && mr->ops == &kShmOps ? (zcxi_shm_mr_t*)mr : NULL;
}

zcx_shm_segment_t* zcx_shm_mr_segment(const zcx_mr_t* mr) {
  zcxi_shm_mr_t* m = zcxi_shm_mr_cast(mr);
  return m != NULL ? m->seg : NULL;
}

int zcx_shm_mr_create(zcx_shm_segment_t* segment, const zcx_shm_mr_options_t* options,
                      zcx_mr_t** out, zcx_error_t* err) {
  if (segment == NULL || out == NULL) {
    return zcx_error_fail(err, EINVAL, "shm resource: NULL segment or out");
  }
  *out = NULL;
  zcx_shm_mr_options_t opts;
  zcx_shm_mr_options_init(&opts);
  if (options != NULL) {
    if (options->struct_size == 0 || options->struct_size > sizeof(opts)) {
      return zcx_error_fail(err, EINVAL, "shm resource: bad options struct_size %zu",
                            options->struct_size);
    }
    memcpy(&opts, options, options->struct_size);
  }
  if (opts.header_size < 1024) {
    return zcx_error_fail(err, EINVAL, "shm resource: header_size %lld is below 1024 bytes",
                          (long long)opts.header_size);
  }
  int64_t header = zcxi_align_up_i64(opts.header_size, GRANULE);
  if (header >= segment->capacity) {
    return zcx_error_fail(err, EINVAL,
                          "shm resource: header of %lld bytes leaves no room in a segment of "
                          "%lld bytes",
                          (long long)header, (long long)segment->capacity);
  }
  if (zcx_shm_segment_published(segment)) {
    return zcx_error_fail(err, EINVAL, "shm resource: the segment is already published");
  }
  zcxi_shm_mr_t* m = calloc(1, sizeof(*m));
  if (m == NULL) {
    return zcx_error_fail(err, ENOMEM, "shm resource: out of memory");
  }
  m->free_v = malloc(64 * sizeof(zcxi_shm_range_t));
  m->free_cap = 64;
  if (m->free_v == NULL) {
    free(m);
    return zcx_error_fail(err, ENOMEM, "shm resource: out of memory");
  }
  if (!zcxi_shm_segment_claim(segment)) {
    free(m->free_v);
    free(m);
    return zcx_error_fail(err, EINVAL, "shm resource: the segment already has a resource");
  }
  pthread_mutex_init(&m->lock, NULL);
  m->header_size = header;
  m->free_v[0].off = header;
  m->free_v[0].len = segment->capacity - header;
  m->free_n = 1;
  zcx_shm_segment_retain(segment);
  m->seg = segment;
  char name[64];
  snprintf(name, sizeof(name), "shm(%.50s)", segment->name);
  zcx_mr_init(&m->base, &kShmOps, zcx_device_cpu(), NULL, name);
  *out = &m->base;
  return 0;
}
