// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Shared-memory segments: creation (memfd or shm_open), the producer's mapping, and the
// freeze that publishing ends with (read-only mapping, exact size, seals).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shm/internal.h"

static int segment_new(zcx_shm_kind_t kind, int64_t capacity, zcx_shm_segment_t** out,
                       zcx_error_t* err) {
  if (out == NULL) {
    return zcx_error_fail(err, EINVAL, "shm segment: out is NULL");
  }
  *out = NULL;
  if (capacity <= 0) {
    return zcx_error_fail(err, EINVAL, "shm segment: capacity %lld must be positive",
                          (long long)capacity);
  }
  zcx_shm_segment_t* s = calloc(1, sizeof(*s));
  if (s == NULL) {
    return zcx_error_fail(err, ENOMEM, "shm segment: out of memory");
  }
  zcxi_refcount_init(&s->refs);
  s->kind = kind;
  s->fd = -1;
  *out = s;
  return 0;
}

static void segment_free(zcx_shm_segment_t* s) {
  zcxi_shm_unmap(s->base, s->mapped);
  zcxi_shm_close(s->fd);
  free(s);
}

// Sizes and maps a freshly created descriptor.
static int segment_map(zcx_shm_segment_t* s, int64_t capacity, zcx_error_t* err) {
  ZCX_RETURN_IF_ERROR(zcxi_shm_resize(s->fd, capacity, err));
  void* p = NULL;
  ZCX_RETURN_IF_ERROR(zcxi_shm_map(s->fd, capacity, true, &p, err));
  s->base = p;
  s->capacity = capacity;
  s->mapped = capacity;
  s->size = capacity;
  return 0;
}

int zcx_shm_segment_create(const char* name, int64_t capacity, zcx_shm_segment_t** out,
                           zcx_error_t* err) {
  if (out == NULL) {
    return zcx_error_fail(err, EINVAL, "shm segment: out is NULL");
  }
  *out = NULL;
  zcx_shm_segment_t* s;
  ZCX_RETURN_IF_ERROR(segment_new(ZCX_SHM_MEMFD, capacity, &s, err));
  zcxi_strlcpy(s->name, name != NULL && name[0] != '\0' ? name : "zcx", sizeof(s->name));
  int rc = zcxi_shm_memfd(s->name, &s->fd, err);
  if (rc == 0) {
    rc = segment_map(s, capacity, err);
  }
  if (rc != 0) {
    segment_free(s);
    return rc;
  }
  snprintf(s->path, sizeof(s->path), "/proc/%d/fd/%d", zcxi_shm_pid(), s->fd);
  *out = s;
  return 0;
}

// One path component after an optional leading '/', of portable characters.
static bool valid_shm_name(const char* name) {
  const char* p = name[0] == '/' ? name + 1 : name;
  size_t n = strlen(p);
  if (n == 0 || n > 200 || strcmp(p, ".") == 0 || strcmp(p, "..") == 0) {
    return false;
  }
  for (size_t i = 0; i < n; i++) {
    char c = p[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.';
    if (!ok) {
      return false;
    }
  }
  return true;
}

int zcx_shm_segment_create_named(const char* name, int64_t capacity, zcx_shm_segment_t** out,
                                 zcx_error_t* err) {
  if (name == NULL || !valid_shm_name(name)) {
    if (out != NULL) {
      *out = NULL;
    }
    return zcx_error_fail(err, EINVAL,
                          "shm segment: bad name '%s' (one component of letters, digits, "
                          "'_', '-', '.', at most 200 bytes)",
                          name != NULL ? name : "(null)");
  }
  if (out == NULL) {
    return zcx_error_fail(err, EINVAL, "shm segment: out is NULL");
  }
  *out = NULL;
  zcx_shm_segment_t* s;
  ZCX_RETURN_IF_ERROR(segment_new(ZCX_SHM_POSIX, capacity, &s, err));
  snprintf(s->name, sizeof(s->name), "/%s", name[0] == '/' ? name + 1 : name);
  int rc = zcxi_shm_open_excl(s->name, &s->fd, err);
  if (rc != 0) {
    segment_free(s);
    return rc;
  }
  rc = segment_map(s, capacity, err);
  if (rc != 0) {
    (void)zcxi_shm_unlink(s->name, NULL);
    segment_free(s);
    return rc;
  }
  snprintf(s->path, sizeof(s->path), "/dev/shm%s", s->name);
  *out = s;
  return 0;
}

int zcx_shm_segment_unlink(zcx_shm_segment_t* segment, zcx_error_t* err) {
  if (segment == NULL || segment->kind != ZCX_SHM_POSIX) {
    return zcx_error_fail(err, EINVAL, "shm unlink: not a POSIX (named) segment");
  }
  return zcxi_shm_unlink(segment->name, err);
}

zcx_shm_kind_t zcx_shm_segment_kind(const zcx_shm_segment_t* segment) { return segment->kind; }
int zcx_shm_segment_fd(const zcx_shm_segment_t* segment) { return segment->fd; }
const char* zcx_shm_segment_path(const zcx_shm_segment_t* segment) { return segment->path; }
void* zcx_shm_segment_data(const zcx_shm_segment_t* segment) { return segment->base; }
int64_t zcx_shm_segment_capacity(const zcx_shm_segment_t* segment) { return segment->capacity; }
int64_t zcx_shm_segment_size(const zcx_shm_segment_t* segment) {
  return __atomic_load_n(&segment->size, __ATOMIC_ACQUIRE);
}
bool zcx_shm_segment_published(const zcx_shm_segment_t* segment) {
  return __atomic_load_n(&segment->published, __ATOMIC_ACQUIRE);
}
bool zcx_shm_segment_sealed(const zcx_shm_segment_t* segment) {
  return __atomic_load_n(&segment->sealed, __ATOMIC_ACQUIRE);
}

void zcx_shm_segment_retain(zcx_shm_segment_t* segment) {
  if (segment != NULL) {
    zcxi_refcount_inc(&segment->refs);
  }
}

void zcx_shm_segment_release(zcx_shm_segment_t* segment) {
  if (segment != NULL && zcxi_refcount_dec(&segment->refs)) {
    segment_free(segment);
  }
}

bool zcxi_shm_segment_claim(zcx_shm_segment_t* seg) {
  bool expected = false;
  return __atomic_compare_exchange_n(&seg->has_mr, &expected, true, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE);
}

int zcxi_shm_segment_freeze(zcx_shm_segment_t* seg, int64_t file_size, zcx_error_t* err) {
  int64_t page = zcxi_shm_page_size();
  int64_t keep = zcxi_align_up_i64(file_size, page);
  if (keep > seg->capacity) {
    keep = seg->capacity;
  }
  // Shrink first: nothing the producer holds lies past the file's end, and a failure here
  // leaves the segment as it was.
  ZCX_RETURN_IF_ERROR(zcxi_shm_resize(seg->fd, file_size, err));
  int rc = zcxi_shm_remap_readonly(seg->fd, seg->base, keep, err);
  if (rc != 0) {
    (void)zcxi_shm_resize(seg->fd, seg->capacity, NULL);
    return rc;
  }
  if (keep < seg->mapped) {
    zcxi_shm_unmap(seg->base + keep, seg->mapped - keep);
    seg->mapped = keep;
  }
  __atomic_store_n(&seg->size, file_size, __ATOMIC_RELEASE);
  if (seg->kind == ZCX_SHM_MEMFD) {
    // The only writable mapping is gone, so the kernel accepts F_SEAL_WRITE.
    ZCX_RETURN_IF_ERROR(zcxi_shm_seal(seg->fd, err));
    __atomic_store_n(&seg->sealed, true, __ATOMIC_RELEASE);
  }
  __atomic_store_n(&seg->published, true, __ATOMIC_RELEASE);
  return 0;
}
