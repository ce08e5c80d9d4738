// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Reference-counted buffers that own memory from a resource, borrow foreign memory, or view
// a slice of another buffer.
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "memory/default_internal.h"
#include "zcx/buffer.h"

typedef enum { OWNED, BORROWED, SLICE } buffer_kind;

struct zcx_buffer {
  uint8_t* data;
  int64_t size;
  zcx_device_t device;
  uint32_t flags;
  buffer_kind kind;
  zcxi_refcount_t refs;
  // OWNED: the resource and the allocation as it was asked for.
  zcx_mr_t* mr;
  void* alloc_ptr;
  size_t alloc_size;
  zcx_stream_t* stream;
  // BORROWED: the foreign release hook.
  zcx_buffer_release_fn release;
  void* release_ctx;
  // SLICE: the parent it keeps alive.
  zcx_buffer_t* parent;
};

// Every empty buffer points here, so data is never NULL and is 64-byte aligned.
static _Alignas(64) uint8_t empty_bytes[64];

static int buffer_new(zcx_buffer_t** out, zcx_error_t* err) {
  zcx_buffer_t* b = calloc(1, sizeof(*b));
  if (b == NULL) {
    return zcx_error_fail(err, ENOMEM, "buffer: out of memory for the buffer header");
  }
  zcxi_refcount_init(&b->refs);
  *out = b;
  return 0;
}

int zcx_buffer_allocate(zcx_mr_t* mr, int64_t size, size_t alignment, zcx_stream_t* stream,
                        zcx_buffer_t** out, zcx_error_t* err) {
  if (out == NULL) {
    return zcx_error_fail(err, EINVAL, "buffer_allocate: out is NULL");
  }
  *out = NULL;
  if (size < 0) {
    return zcx_error_fail(err, EINVAL, "buffer_allocate: negative size %lld", (long long)size);
  }
  // The buffer keeps a reference to its resource. The default is taken as a reference at
  // once: another thread may replace it (and drop the library's reference) meanwhile.
  zcx_mr_t* held;
  if (mr != NULL) {
    zcx_mr_retain(mr);
    held = mr;
  } else {
    held = zcxi_default_mr_acquire();
    if (held == NULL) {
      return zcx_error_fail(err, ENOMEM, "buffer_allocate: the default resource could not be "
                            "created");
    }
  }
  zcx_buffer_t* b = NULL;
  int rc = buffer_new(&b, err);
  if (rc != 0) {
    zcx_mr_release(held);
    return rc;
  }
  b->kind = OWNED;
  b->mr = held;
  b->device = zcx_mr_device(held);
  b->size = size;
  if (size == 0) {
    // Nothing is drawn from the resource, but the buffer still names it (zcx_buffer_mr).
    b->data = empty_bytes;
    *out = b;
    return 0;
  }
  rc = zcx_mr_allocate(held, (size_t)size, alignment, stream, &b->alloc_ptr, err);
  if (rc != 0) {
    zcx_mr_release(held);
    free(b);
    return rc;
  }
  b->alloc_size = (size_t)size;
  b->data = b->alloc_ptr;
  if (stream != NULL) {
    zcx_stream_retain(stream);
    b->stream = stream;
  }
  *out = b;
  return 0;
}

int zcx_buffer_allocate_zeroed(zcx_mr_t* mr, int64_t size, size_t alignment, zcx_buffer_t** out,
                               zcx_error_t* err) {
  ZCX_RETURN_IF_ERROR(zcx_buffer_allocate(mr, size, alignment, NULL, out, err));
  if (!zcx_device_is_host_accessible((*out)->device)) {
    zcx_device_t device = (*out)->device;
    zcx_buffer_release(*out);
    *out = NULL;
    return zcx_error_fail(err, ENOTSUP, "buffer_allocate_zeroed: device %s is not host memory",
                          zcx_device_type_name(device.type));
  }
  if (size > 0) {
    memset((*out)->data, 0, (size_t)size);
  }
  return 0;
}

int zcx_buffer_wrap(void* data, int64_t size, zcx_device_t device, uint32_t flags,
                    zcx_buffer_release_fn release, void* ctx, zcx_buffer_t** out,
                    zcx_error_t* err) {
  if (out == NULL) {
    return zcx_error_fail(err, EINVAL, "buffer_wrap: out is NULL");
  }
  *out = NULL;
  if (size < 0) {
    return zcx_error_fail(err, EINVAL, "buffer_wrap: negative size %lld", (long long)size);
  }
  if (data == NULL && size > 0) {
    return zcx_error_fail(err, EINVAL, "buffer_wrap: NULL data with size %lld", (long long)size);
  }
  zcx_buffer_t* b = NULL;
  ZCX_RETURN_IF_ERROR(buffer_new(&b, err));
  b->kind = BORROWED;
  b->data = data != NULL ? data : empty_bytes;
  b->size = size;
  b->device = device;
  b->flags = flags;
  b->release = release;
  b->release_ctx = ctx;
  // The hook sees the caller's pointer, even NULL.
  b->alloc_ptr = data;
  *out = b;
  return 0;
}

int zcx_buffer_slice(zcx_buffer_t* parent, int64_t offset, int64_t length, zcx_buffer_t** out,
                     zcx_error_t* err) {
  if (out != NULL) {
    *out = NULL;
  }
  if (out == NULL || parent == NULL) {
    return zcx_error_fail(err, EINVAL, "buffer_slice: parent or out is NULL");
  }
  if (offset < 0 || length < 0 || offset > parent->size || length > parent->size - offset) {
    return zcx_error_fail(err, EINVAL,
                          "buffer_slice: [%lld, %lld + %lld) is outside a buffer of %lld bytes",
                          (long long)offset, (long long)offset, (long long)length,
                          (long long)parent->size);
  }
  zcx_buffer_t* b = NULL;
  ZCX_RETURN_IF_ERROR(buffer_new(&b, err));
  b->kind = SLICE;
  b->data = parent->data + offset;
  b->size = length;
  b->device = parent->device;
  b->flags = parent->flags;
  // A slice of a slice keeps the root alive directly, so that releasing a long chain of
  // slices never recurses.
  zcx_buffer_t* root = parent->kind == SLICE ? parent->parent : parent;
  zcx_buffer_retain(root);
  b->parent = root;
  *out = b;
  return 0;
}

int zcx_buffer_copy_from(zcx_mr_t* mr, const void* data, int64_t size, zcx_buffer_t** out,
                         zcx_error_t* err) {
  if (out != NULL) {
    *out = NULL;
  }
  if (data == NULL && size > 0) {
    return zcx_error_fail(err, EINVAL, "buffer_copy_from: NULL data with size %lld",
                          (long long)size);
  }
  ZCX_RETURN_IF_ERROR(zcx_buffer_allocate(mr, size, 0, NULL, out, err));
  if (!zcx_device_is_host_accessible((*out)->device)) {
    zcx_buffer_release(*out);
    *out = NULL;
    return zcx_error_fail(err, ENOTSUP, "buffer_copy_from: resource memory is not host memory");
  }
  if (size > 0) {
    memcpy((*out)->data, data, (size_t)size);
  }
  return 0;
}

void* zcx_buffer_data(const zcx_buffer_t* buffer) { return buffer->data; }
int64_t zcx_buffer_size(const zcx_buffer_t* buffer) { return buffer->size; }
zcx_device_t zcx_buffer_device(const zcx_buffer_t* buffer) { return buffer->device; }
uint32_t zcx_buffer_flags(const zcx_buffer_t* buffer) { return buffer->flags; }
zcx_mr_t* zcx_buffer_mr(const zcx_buffer_t* buffer) { return buffer->mr; }
int64_t zcx_buffer_refcount(const zcx_buffer_t* buffer) {
  return zcxi_refcount_get(&buffer->refs);
}

void zcx_buffer_retain(zcx_buffer_t* buffer) {
  if (buffer != NULL) {
    zcxi_refcount_inc(&buffer->refs);
  }
}

void zcx_buffer_release(zcx_buffer_t* buffer) {
  if (buffer == NULL || !zcxi_refcount_dec(&buffer->refs)) {
    return;
  }
  switch (buffer->kind) {
    case OWNED:
      if (buffer->alloc_ptr != NULL) {
        // A resource that refuses its own block is a bug in the resource; nothing the last
        // reader could do about it, so the status is dropped here.
        int ignored = zcx_mr_deallocate(buffer->mr, buffer->alloc_ptr, buffer->alloc_size,
                                        buffer->stream, NULL);
        (void)ignored;
      }
      zcx_mr_release(buffer->mr);
      if (buffer->stream != NULL) {
        zcx_stream_release(buffer->stream);
      }
      break;
    case BORROWED:
      if (buffer->release != NULL) {
        buffer->release(buffer->release_ctx, buffer->alloc_ptr, buffer->size);
      }
      break;
    case SLICE:
      zcx_buffer_release(buffer->parent);
      break;
  }
  free(buffer);
}
