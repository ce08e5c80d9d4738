// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Arrow arrays as tensors: primitive arrays, fixed-size lists and the arrow.fixed_shape_tensor
// extension type, zero-copy where the layout allows and copied only when the caller allows.
#include <string.h>

#include "core/internal.h"
#include "layout/tensor_internal.h"
#include "zcx/tensor.h"

#define FIXED_SHAPE_TENSOR "arrow.fixed_shape_tensor"

// The dtype of a primitive Arrow type; false for types that have none. Booleans map to
// bool8, which needs a copy since Arrow packs them in bits.
static bool dtype_of(zcx_type_id_t id, zcx_dtype_t* out) {
  switch (id) {
    case ZCX_TYPE_BOOL:
      *out = zcx_dtype_make(ZCX_DTYPE_BOOL, 8);
      return true;
    case ZCX_TYPE_INT8:
      *out = zcx_dtype_make(ZCX_DTYPE_INT, 8);
      return true;
    case ZCX_TYPE_INT16:
      *out = zcx_dtype_make(ZCX_DTYPE_INT, 16);
      return true;
    case ZCX_TYPE_INT32:
      *out = zcx_dtype_make(ZCX_DTYPE_INT, 32);
      return true;
    case ZCX_TYPE_INT64:
      *out = zcx_dtype_make(ZCX_DTYPE_INT, 64);
      return true;
    case ZCX_TYPE_UINT8:
      *out = zcx_dtype_make(ZCX_DTYPE_UINT, 8);
      return true;
    case ZCX_TYPE_UINT16:
      *out = zcx_dtype_make(ZCX_DTYPE_UINT, 16);
      return true;
    case ZCX_TYPE_UINT32:
      *out = zcx_dtype_make(ZCX_DTYPE_UINT, 32);
      return true;
    case ZCX_TYPE_UINT64:
      *out = zcx_dtype_make(ZCX_DTYPE_UINT, 64);
      return true;
    case ZCX_TYPE_HALF_FLOAT:
      *out = zcx_dtype_make(ZCX_DTYPE_FLOAT, 16);
      return true;
    case ZCX_TYPE_FLOAT:
      *out = zcx_dtype_make(ZCX_DTYPE_FLOAT, 32);
      return true;
    case ZCX_TYPE_DOUBLE:
      *out = zcx_dtype_make(ZCX_DTYPE_FLOAT, 64);
      return true;
    default:
      return false;
  }
}

// Nulls among the `count` slots from absolute slot `first` of `a` (its own bitmap only).
static int64_t nulls_in_range(zcx_array_t* a, int64_t first, int64_t count) {
  if (a->num_buffers < 1 || a->buffers[0] == NULL || count == 0) {
    return 0;
  }
  if (a->null_count == 0) {
    return 0;
  }
  const uint8_t* bits = zcx_buffer_data(a->buffers[0]);
  return count - zcxi_bitmap_count_set(bits, first, count);
}

// What the walk down an array finds: the leaf array of values, the slots of it that the
// tensor covers and the tensor's physical shape.
typedef struct {
  zcx_array_t* leaf;
  zcx_dtype_t dtype;
  int64_t first;  // absolute slot of the leaf where the tensor starts
  int64_t count;  // slots of the leaf it covers
  int32_t ndim;
  int64_t shape[ZCX_TENSOR_MAX_NDIM];
  zcxi_fixed_shape_t fixed;  // arrow.fixed_shape_tensor parameters (ndim 0 when not one)
  bool is_fixed_shape;
} walk_t;

static void type_name(const zcx_type_t* t, char* buf, size_t size) {
  (void)zcx_type_to_string(t, buf, size);
}

static int unsupported_type(const zcx_type_t* t, const char* where, zcx_error_t* err) {
  char name[128];
  type_name(t, name, sizeof(name));
  return zcx_error_fail(err, ENOTSUP,
                        "array_to_tensor: %s%s has no tensor dtype (int, uint, "
                        "float, bool, or fixed-size lists of them)",
                        where, name);
}

static int walk(zcx_array_t* array, walk_t* w, zcx_error_t* err) {
  memset(w, 0, sizeof(*w));
  const zcx_type_t* type = array->type;
  if (type->id == ZCX_TYPE_EXTENSION) {
    if (strcmp(type->extension_name, FIXED_SHAPE_TENSOR) != 0) {
      return zcx_error_fail(
          err, ENOTSUP,
          "array_to_tensor: extension type '%s' is not supported (only " FIXED_SHAPE_TENSOR ")",
          type->extension_name);
    }
    const zcx_type_t* st = type->storage_type;
    if (st->id != ZCX_TYPE_FIXED_SIZE_LIST) {
      char name[128];
      type_name(st, name, sizeof(name));
      return zcx_error_fail(err, EINVAL,
                            "array_to_tensor: " FIXED_SHAPE_TENSOR
                            " stored as %s, not as a "
                            "fixed-size list",
                            name);
    }
    int rc =
        zcxi_fixed_shape_tensor_parse(type->extension_metadata, type->extension_metadata_length,
                                      ZCX_TENSOR_MAX_NDIM - 1, &w->fixed, err);
    if (rc != 0) {
      zcx_error_prefix(err, "array_to_tensor: ");
      return rc;
    }
    int64_t product = 1;
    for (int32_t i = 0; i < w->fixed.ndim; i++) {
      if (!zcxi_mul_i64(product, w->fixed.shape[i], &product)) {
        return zcx_error_fail(err, EINVAL,
                              "array_to_tensor: " FIXED_SHAPE_TENSOR
                              " shape overflows 64 bits at dimension %d",
                              (int)i);
      }
    }
    if (product != st->fixed_size) {
      return zcx_error_fail(err, EINVAL,
                            "array_to_tensor: " FIXED_SHAPE_TENSOR
                            " shape has %lld elements "
                            "but its lists hold %d",
                            (long long)product, (int)st->fixed_size);
    }
    w->is_fixed_shape = true;
    type = st;
  }
  int64_t nulls = zcx_array_null_count(array);
  if (nulls > 0) {
    return zcx_error_fail(err, ENOTSUP,
                          "array_to_tensor: the array has %lld nulls (of %lld); a tensor cannot "
                          "hold them",
                          (long long)nulls, (long long)array->length);
  }
  zcx_array_t* a = array;
  w->first = a->offset;
  w->count = a->length;
  w->ndim = 1;
  w->shape[0] = a->length;
  int32_t depth = 0;
  while (type->id == ZCX_TYPE_FIXED_SIZE_LIST) {
    if (a->num_children != 1 || a->children[0] == NULL) {
      return zcx_error_fail(err, EINVAL, "array_to_tensor: fixed-size list without its child");
    }
    int64_t size = type->fixed_size;
    zcx_array_t* child = a->children[0];
    if (!zcxi_mul_i64(w->first, size, &w->first) ||
        !zcxi_add_i64(w->first, child->offset, &w->first) ||
        !zcxi_mul_i64(w->count, size, &w->count)) {
      return zcx_error_fail(err, EINVAL, "array_to_tensor: slot of the values overflows 64 bits");
    }
    if (w->is_fixed_shape) {
      if (w->ndim + w->fixed.ndim > ZCX_TENSOR_MAX_NDIM) {
        return zcx_error_fail(err, EINVAL, "array_to_tensor: %d dimensions, more than %d",
                              (int)(w->ndim + w->fixed.ndim), ZCX_TENSOR_MAX_NDIM);
      }
      memcpy(w->shape + w->ndim, w->fixed.shape, (size_t)w->fixed.ndim * sizeof(int64_t));
      w->ndim += w->fixed.ndim;
    } else {
      if (w->ndim >= ZCX_TENSOR_MAX_NDIM) {
        return zcx_error_fail(err, EINVAL, "array_to_tensor: more than %d dimensions",
                              ZCX_TENSOR_MAX_NDIM);
      }
      w->shape[w->ndim++] = size;
    }
    int64_t child_nulls = nulls_in_range(child, w->first, w->count);
    if (child_nulls > 0) {
      return zcx_error_fail(err, ENOTSUP,
                            "array_to_tensor: the values at depth %d hold %lld nulls; a tensor "
                            "cannot hold them",
                            (int)depth + 1, (long long)child_nulls);
    }
    a = child;
    type = child->type;
    depth++;
    if (w->is_fixed_shape) {
      break;  // the values of a fixed_shape_tensor are its elements
    }
  }
  if (type->id == ZCX_TYPE_EXTENSION || !dtype_of(type->id, &w->dtype)) {
    return unsupported_type(type, depth > 0 ? "the values type " : "type ", err);
  }
  w->leaf = a;
  return 0;
}

// The strides of the tensor: C-contiguous over the physical shape, then the dimensions of a
// permuted fixed_shape_tensor put in logical order.
static void layout(const walk_t* w, int64_t* shape, int64_t* strides) {
  memcpy(shape, w->shape, (size_t)w->ndim * sizeof(int64_t));
  zcxi_tensor_contiguous_strides(w->ndim, shape, strides);
  if (w->is_fixed_shape && w->fixed.has_permutation) {
    int64_t ps[ZCX_TENSOR_MAX_NDIM];
    int64_t pt[ZCX_TENSOR_MAX_NDIM];
    memcpy(ps, shape + 1, (size_t)w->fixed.ndim * sizeof(int64_t));
    memcpy(pt, strides + 1, (size_t)w->fixed.ndim * sizeof(int64_t));
    for (int32_t i = 0; i < w->fixed.ndim; i++) {
      shape[1 + i] = ps[w->fixed.permutation[i]];
      strides[1 + i] = pt[w->fixed.permutation[i]];
    }
  }
}

// Copies bit-packed booleans into a new bool tensor; `flags` adds ZCX_TENSOR_READONLY when
// the caller asked for it.
static int copy_bools(const walk_t* w, uint32_t flags, zcx_mr_t* mr, zcx_tensor_t** out,
                      zcx_error_t* err) {
  zcx_array_t* leaf = w->leaf;
  zcx_buffer_t* values = leaf->num_buffers >= 2 ? leaf->buffers[1] : NULL;
  if (values != NULL && w->count > 0 && !zcx_device_is_host_accessible(zcx_buffer_device(values))) {
    return zcx_error_fail(err, ENOTSUP, "array_to_tensor: cannot copy booleans from %s memory",
                          zcx_device_type_name(zcx_buffer_device(values).type));
  }
  if (values == NULL && w->count > 0) {
    return zcx_error_fail(err, EINVAL, "array_to_tensor: boolean array without values");
  }
  zcx_tensor_t* dense;
  ZCX_RETURN_IF_ERROR(zcx_tensor_create_contiguous(mr, w->dtype, w->ndim, w->shape,
                                                   ZCX_TENSOR_COPIED | flags, &dense, err));
  uint8_t* dst = zcx_tensor_data(dense);
  if (w->count > 0) {
    const uint8_t* bits = zcx_buffer_data(values);
    for (int64_t i = 0; i < w->count; i++) {
      dst[i] = zcxi_bit_get(bits, w->first + i) ? 1 : 0;
    }
  }
  if (!(w->is_fixed_shape && w->fixed.has_permutation)) {
    *out = dense;
    return 0;
  }
  int64_t shape[ZCX_TENSOR_MAX_NDIM];
  int64_t strides[ZCX_TENSOR_MAX_NDIM];
  layout(w, shape, strides);
  int rc = zcx_tensor_create(zcx_tensor_buffer(dense), dst, w->dtype, w->ndim, shape, strides,
                             ZCX_TENSOR_COPIED | flags, out, err);
  zcx_tensor_release(dense);
  return rc;
}

int zcx_array_to_tensor(zcx_array_t* array, uint32_t options, zcx_mr_t* mr, zcx_tensor_t** out,
                        zcx_error_t* err) {
  if (out == NULL) {
    return zcx_error_fail(err, EINVAL, "array_to_tensor: out is NULL");
  }
  *out = NULL;
  if (array == NULL) {
    return zcx_error_fail(err, EINVAL, "array_to_tensor: array is NULL");
  }
  const uint32_t known = (uint32_t)(ZCX_TENSOR_ALLOW_COPY | ZCX_TENSOR_MARK_READONLY);
  if ((options & ~known) != 0) {
    return zcx_error_fail(err, EINVAL, "array_to_tensor: unknown options 0x%x",
                          (unsigned)(options & ~known));
  }
  // Read-only only by request here; zcx_tensor_create adds the flag by itself when the
  // buffer is physically read-only (ZCX_BUFFER_READONLY). Arrow's immutability is a
  // contract, not a protection: writable memory gives a writable tensor.
  uint32_t flags = (options & ZCX_TENSOR_MARK_READONLY) != 0 ? (uint32_t)ZCX_TENSOR_READONLY : 0;
  walk_t w;
  ZCX_RETURN_IF_ERROR(walk(array, &w, err));
  if (w.dtype.code == ZCX_DTYPE_BOOL) {
    if ((options & ZCX_TENSOR_ALLOW_COPY) == 0) {
      return zcx_error_fail(err, ENOTSUP,
                            "array_to_tensor: Arrow booleans are bit-packed and a tensor needs "
                            "a byte each: %lld values would be copied (pass "
                            "ZCX_TENSOR_ALLOW_COPY)",
                            (long long)w.count);
    }
    return copy_bools(&w, flags, mr, out, err);
  }
  int64_t shape[ZCX_TENSOR_MAX_NDIM];
  int64_t strides[ZCX_TENSOR_MAX_NDIM];
  layout(&w, shape, strides);
  zcx_array_t* leaf = w.leaf;
  zcx_buffer_t* values = leaf->num_buffers >= 2 ? leaf->buffers[1] : NULL;
  if (values == NULL) {
    if (w.count > 0) {
      return zcx_error_fail(err, EINVAL, "array_to_tensor: the values buffer is absent");
    }
    // Nothing to view: an empty tensor over an empty buffer.
    zcx_buffer_t* empty;
    ZCX_RETURN_IF_ERROR(zcx_buffer_wrap(NULL, 0, zcx_device_cpu(), 0, NULL, NULL, &empty, err));
    int rc = zcx_tensor_create(empty, zcx_buffer_data(empty), w.dtype, w.ndim, shape, strides,
                               flags, out, err);
    zcx_buffer_release(empty);
    return rc;
  }
  int64_t byte_offset;
  if (!zcxi_mul_i64(w.first, zcx_dtype_size(w.dtype), &byte_offset) ||
      byte_offset > zcx_buffer_size(values)) {
    return zcx_error_fail(err, EINVAL,
                          "array_to_tensor: values start at slot %lld, past a buffer of %lld "
                          "bytes",
                          (long long)w.first, (long long)zcx_buffer_size(values));
  }
  const uint8_t* data = (const uint8_t*)zcx_buffer_data(values) + byte_offset;
  int rc = zcx_tensor_create(values, data, w.dtype, w.ndim, shape, strides, flags, out, err);
  if (rc != 0) {
    zcx_error_prefix(err, "array_to_tensor: ");
  }
  return rc;
}
