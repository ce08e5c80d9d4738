// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Tensors: immutable, reference-counted n-dimensional views of a buffer, and their dtypes.
#include "zcx/tensor.h"

#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "layout/tensor_internal.h"

// Invariants: ndim in [0, ZCX_TENSOR_MAX_NDIM]; dims holds shape[ndim] then strides[ndim];
// every element reachable from data lies inside the buffer; nothing changes after creation.
struct zcx_tensor {
  zcxi_refcount_t refs;
  zcx_buffer_t* buffer;
  uint8_t* data;
  zcx_dtype_t dtype;
  int32_t ndim;
  uint32_t flags;
  int64_t numel;
  int64_t dims[];
};

// ---------------------------------------------------------------------------------------------
// dtypes

int zcx_dtype_check(zcx_dtype_t dtype, zcx_error_t* err) {
  if (zcx_dtype_size(dtype) == 0) {
    return zcx_error_fail(err, ENOTSUP,
                          "dtype {code %u, bits %u, lanes %u} is not supported (int/uint 8-64, "
                          "float 16/32/64, bfloat16, bool 8, complex 64/128, one lane)",
                          (unsigned)dtype.code, (unsigned)dtype.bits, (unsigned)dtype.lanes);
  }
  return 0;
}

int64_t zcx_dtype_size(zcx_dtype_t dtype) {
  if (dtype.lanes != 1) {
    return 0;
  }
  bool ok = false;
  switch (dtype.code) {
    case ZCX_DTYPE_INT:
    case ZCX_DTYPE_UINT:
      ok = dtype.bits == 8 || dtype.bits == 16 || dtype.bits == 32 || dtype.bits == 64;
      break;
    case ZCX_DTYPE_FLOAT:
      ok = dtype.bits == 16 || dtype.bits == 32 || dtype.bits == 64;
      break;
    case ZCX_DTYPE_BFLOAT:
      ok = dtype.bits == 16;
      break;
    case ZCX_DTYPE_BOOL:
      ok = dtype.bits == 8;
      break;
    case ZCX_DTYPE_COMPLEX:
      ok = dtype.bits == 64 || dtype.bits == 128;
      break;
    default:
      break;
  }
  return ok ? dtype.bits / 8 : 0;
}

const char* zcx_dtype_name(zcx_dtype_t dtype) {
  if (zcx_dtype_size(dtype) == 0) {
    return "unknown";
  }
  switch (dtype.code) {
    case ZCX_DTYPE_INT:
      switch (dtype.bits) {
        case 8:
          return "int8";
        case 16:
          return "int16";
        case 32:
          return "int32";
        default:
          return "int64";
      }
    case ZCX_DTYPE_UINT:
      switch (dtype.bits) {
        case 8:
          return "uint8";
        case 16:
          return "uint16";
        case 32:
          return "uint32";
        default:
          return "uint64";
      }
    case ZCX_DTYPE_FLOAT:
      switch (dtype.bits) {
        case 16:
          return "float16";
        case 32:
          return "float32";
        default:
          return "float64";
      }
    case ZCX_DTYPE_BFLOAT:
      return "bfloat16";
    case ZCX_DTYPE_BOOL:
      return "bool";
    default:
      return dtype.bits == 64 ? "complex64" : "complex128";
  }
}

bool zcx_dtype_equal(zcx_dtype_t a, zcx_dtype_t b) {
  return a.code == b.code && a.bits == b.bits && a.lanes == b.lanes;
}

// ---------------------------------------------------------------------------------------------
// Shapes and extents

int zcxi_tensor_span(int64_t itemsize, int32_t ndim, const int64_t* shape, const int64_t* strides,
                     int64_t* numel, int64_t* lo, int64_t* hi, zcx_error_t* err) {
  *numel = 0;
  *lo = 0;
  *hi = 0;
  if (ndim < 0 || ndim > ZCX_TENSOR_MAX_NDIM) {
    return zcx_error_fail(err, EINVAL, "ndim %d is outside [0, %d]", (int)ndim,
                          ZCX_TENSOR_MAX_NDIM);
  }
  if (ndim > 0 && shape == NULL) {
    return zcx_error_fail(err, EINVAL, "shape is NULL with ndim %d", (int)ndim);
  }
  if (ndim > 0 && strides == NULL) {
    return zcx_error_fail(err, EINVAL, "strides are NULL with ndim %d", (int)ndim);
  }
  int64_t n = 1;
  bool empty = false;
  for (int32_t i = 0; i < ndim; i++) {
    if (shape[i] < 0) {
      return zcx_error_fail(err, EINVAL, "dimension %d is negative (%lld)", (int)i,
                            (long long)shape[i]);
    }
    if (shape[i] == 0) {
      empty = true;
    }
    if (!empty && !zcxi_mul_i64(n, shape[i], &n)) {
      return zcx_error_fail(err, EINVAL,
                            "the number of elements overflows 64 bits at dimension %d (%lld)",
                            (int)i, (long long)shape[i]);
    }
  }
  int64_t nbytes;
  if (!empty && !zcxi_mul_i64(n, itemsize, &nbytes)) {
    return zcx_error_fail(err, EINVAL, "%lld elements of %lld bytes overflow 64 bits", (long long)n,
                          (long long)itemsize);
  }
  if (empty) {
    // Nothing is reachable, so the strides do not matter.
    return 0;
  }
  // In elements: the lowest and highest index offsets reachable.
  int64_t lo_e = 0;
  int64_t hi_e = 0;
  for (int32_t i = 0; i < ndim; i++) {
    int64_t reach;
    if (!zcxi_mul_i64(shape[i] - 1, strides[i], &reach)) {
      return zcx_error_fail(err, EINVAL,
                            "extent overflows 64 bits at dimension %d (size %lld, stride %lld)",
                            (int)i, (long long)shape[i], (long long)strides[i]);
    }
    bool ok = reach < 0 ? zcxi_add_i64(lo_e, reach, &lo_e) : zcxi_add_i64(hi_e, reach, &hi_e);
    if (!ok) {
      return zcx_error_fail(err, EINVAL,
                            "extent overflows 64 bits at dimension %d (size %lld, stride %lld)",
                            (int)i, (long long)shape[i], (long long)strides[i]);
    }
  }
  int64_t lo_b;
  int64_t hi_b;
  int64_t span;
  if (!zcxi_mul_i64(lo_e, itemsize, &lo_b) || !zcxi_add_i64(hi_e, 1, &hi_e) ||
      !zcxi_mul_i64(hi_e, itemsize, &hi_b) || __builtin_sub_overflow(hi_b, lo_b, &span)) {
    return zcx_error_fail(err, EINVAL, "extent in bytes overflows 64 bits (itemsize %lld)",
                          (long long)itemsize);
  }
  *numel = n;
  *lo = lo_b;
  *hi = hi_b;
  return 0;
}

void zcxi_tensor_contiguous_strides(int32_t ndim, const int64_t* shape, int64_t* strides) {
  int64_t s = 1;
  for (int32_t i = ndim - 1; i >= 0; i--) {
    strides[i] = s;
    if (shape[i] > 0 && !zcxi_mul_i64(s, shape[i], &s)) {
      s = INT64_MAX;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Creation

int zcxi_tensor_alloc(int32_t ndim, zcx_tensor_t** out, zcx_error_t* err) {
  size_t dims = (size_t)(ndim > 0 ? ndim : 0) * 2;
  zcx_tensor_t* t = malloc(sizeof(*t) + dims * sizeof(int64_t));
  if (t == NULL) {
    *out = NULL;
    return zcx_error_fail(err, ENOMEM, "tensor: out of memory for a header of %d dimensions",
                          (int)ndim);
  }
  memset(t, 0, sizeof(*t));
  zcxi_refcount_init(&t->refs);
  t->ndim = ndim;
  *out = t;
  return 0;
}

void zcxi_tensor_free_unused(zcx_tensor_t* tensor) { free(tensor); }

void zcxi_tensor_adopt(zcx_tensor_t* tensor, zcx_buffer_t* buffer, void* data, zcx_dtype_t dtype,
                       const int64_t* shape, const int64_t* strides, int64_t numel,
                       uint32_t flags) {
  tensor->buffer = buffer;
  tensor->data = data;
  tensor->dtype = dtype;
  tensor->numel = numel;
  if ((zcx_buffer_flags(buffer) & ZCX_BUFFER_READONLY) != 0) {
    flags |= ZCX_TENSOR_READONLY;
  }
  tensor->flags = flags;
  int32_t nd = tensor->ndim;
  if (nd > 0) {
    memcpy(tensor->dims, shape, (size_t)nd * sizeof(int64_t));
    memcpy(tensor->dims + nd, strides, (size_t)nd * sizeof(int64_t));
  }
}

#define ZCXI_TENSOR_FLAGS ((uint32_t)(ZCX_TENSOR_READONLY | ZCX_TENSOR_COPIED))

int zcx_tensor_create(zcx_buffer_t* buffer, const void* data, zcx_dtype_t dtype, int32_t ndim,
                      const int64_t* shape, const int64_t* strides, uint32_t flags,
                      zcx_tensor_t** out, zcx_error_t* err) {
  if (out == NULL) {
    return zcx_error_fail(err, EINVAL, "tensor_create: out is NULL");
  }
  *out = NULL;
  if (buffer == NULL) {
    return zcx_error_fail(err, EINVAL, "tensor_create: buffer is NULL");
  }
  if ((flags & ~ZCXI_TENSOR_FLAGS) != 0) {
    return zcx_error_fail(err, EINVAL, "tensor_create: unknown flags 0x%x",
                          (unsigned)(flags & ~ZCXI_TENSOR_FLAGS));
  }
  ZCX_RETURN_IF_ERROR(zcx_dtype_check(dtype, err));
  if (ndim < 0 || ndim > ZCX_TENSOR_MAX_NDIM) {
    return zcx_error_fail(err, EINVAL, "tensor_create: ndim %d is outside [0, %d]", (int)ndim,
                          ZCX_TENSOR_MAX_NDIM);
  }
  if (ndim > 0 && shape == NULL) {
    return zcx_error_fail(err, EINVAL, "tensor_create: shape is NULL with ndim %d", (int)ndim);
  }
  int64_t contiguous[ZCX_TENSOR_MAX_NDIM];
  if (strides == NULL) {
    zcxi_tensor_contiguous_strides(ndim, shape, contiguous);
    strides = contiguous;
  }
  int64_t numel;
  int64_t lo;
  int64_t hi;
  int rc = zcxi_tensor_span(zcx_dtype_size(dtype), ndim, shape, strides, &numel, &lo, &hi, err);
  if (rc != 0) {
    zcx_error_prefix(err, "tensor_create: ");
    return rc;
  }
  // Offsets computed on integers: the pointers may belong to a device the CPU cannot read.
  uintptr_t base = (uintptr_t)zcx_buffer_data(buffer);
  int64_t size = zcx_buffer_size(buffer);
  uintptr_t first = (uintptr_t)data;
  if (first < base || first - base > (uint64_t)size) {
    return zcx_error_fail(err, EINVAL,
                          "tensor_create: data %p is outside the buffer [%p, +%lld bytes)", data,
                          (void*)base, (long long)size);
  }
  int64_t offset = (int64_t)(first - base);
  if (numel > 0 && (lo < -offset || hi > size - offset)) {
    return zcx_error_fail(err, EINVAL,
                          "tensor_create: the view reaches bytes [%lld, %lld) of a buffer of "
                          "%lld bytes",
                          (long long)(offset + lo), (long long)offset + (long long)hi,
                          (long long)size);
  }
  zcx_tensor_t* t;
  ZCX_RETURN_IF_ERROR(zcxi_tensor_alloc(ndim, &t, err));
  zcx_buffer_retain(buffer);
  zcxi_tensor_adopt(t, buffer, (void*)first, dtype, shape, strides, numel, flags);
  *out = t;
  return 0;
}

int zcx_tensor_create_contiguous(zcx_mr_t* mr, zcx_dtype_t dtype, int32_t ndim,
                                 const int64_t* shape, uint32_t flags, zcx_tensor_t** out,
                                 zcx_error_t* err) {
  if (out == NULL) {
    return zcx_error_fail(err, EINVAL, "tensor_create_contiguous: out is NULL");
  }
  *out = NULL;
  if ((flags & ~ZCXI_TENSOR_FLAGS) != 0) {
    return zcx_error_fail(err, EINVAL, "tensor_create_contiguous: unknown flags 0x%x",
                          (unsigned)(flags & ~ZCXI_TENSOR_FLAGS));
  }
  ZCX_RETURN_IF_ERROR(zcx_dtype_check(dtype, err));
  if (ndim < 0 || ndim > ZCX_TENSOR_MAX_NDIM) {
    return zcx_error_fail(err, EINVAL, "tensor_create_contiguous: ndim %d is outside [0, %d]",
                          (int)ndim, ZCX_TENSOR_MAX_NDIM);
  }
  if (ndim > 0 && shape == NULL) {
    return zcx_error_fail(err, EINVAL, "tensor_create_contiguous: shape is NULL with ndim %d",
                          (int)ndim);
  }
  int64_t strides[ZCX_TENSOR_MAX_NDIM];
  zcxi_tensor_contiguous_strides(ndim, shape, strides);
  int64_t numel;
  int64_t lo;
  int64_t hi;
  int rc = zcxi_tensor_span(zcx_dtype_size(dtype), ndim, shape, strides, &numel, &lo, &hi, err);
  if (rc != 0) {
    zcx_error_prefix(err, "tensor_create_contiguous: ");
    return rc;
  }
  zcx_tensor_t* t;
  ZCX_RETURN_IF_ERROR(zcxi_tensor_alloc(ndim, &t, err));
  zcx_buffer_t* buffer;
  rc = zcx_buffer_allocate(mr, hi - lo, ZCX_DEFAULT_ALIGNMENT, NULL, &buffer, err);
  if (rc != 0) {
    zcxi_tensor_free_unused(t);
    zcx_error_prefix(err, "tensor_create_contiguous: ");
    return rc;
  }
  zcxi_tensor_adopt(t, buffer, zcx_buffer_data(buffer), dtype, shape, strides, numel, flags);
  *out = t;
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Accessors and reference counts

zcx_buffer_t* zcx_tensor_buffer(const zcx_tensor_t* tensor) { return tensor->buffer; }
void* zcx_tensor_data(const zcx_tensor_t* tensor) { return tensor->data; }
zcx_dtype_t zcx_tensor_dtype(const zcx_tensor_t* tensor) { return tensor->dtype; }
int32_t zcx_tensor_ndim(const zcx_tensor_t* tensor) { return tensor->ndim; }
const int64_t* zcx_tensor_shape(const zcx_tensor_t* tensor) { return tensor->dims; }
const int64_t* zcx_tensor_strides(const zcx_tensor_t* tensor) {
  return tensor->dims + tensor->ndim;
}
zcx_device_t zcx_tensor_device(const zcx_tensor_t* tensor) {
  return zcx_buffer_device(tensor->buffer);
}
uint32_t zcx_tensor_flags(const zcx_tensor_t* tensor) { return tensor->flags; }
bool zcx_tensor_is_readonly(const zcx_tensor_t* tensor) {
  return (tensor->flags & ZCX_TENSOR_READONLY) != 0;
}
bool zcx_tensor_is_copied(const zcx_tensor_t* tensor) {
  return (tensor->flags & ZCX_TENSOR_COPIED) != 0;
}
int64_t zcx_tensor_numel(const zcx_tensor_t* tensor) { return tensor->numel; }
int64_t zcx_tensor_itemsize(const zcx_tensor_t* tensor) { return zcx_dtype_size(tensor->dtype); }
int64_t zcx_tensor_nbytes(const zcx_tensor_t* tensor) {
  // Cannot overflow: creation checked numel * itemsize against the buffer's size.
  return tensor->numel * zcx_dtype_size(tensor->dtype);
}

bool zcx_tensor_is_contiguous(const zcx_tensor_t* tensor) {
  if (tensor->numel == 0) {
    return true;
  }
  const int64_t* shape = tensor->dims;
  const int64_t* strides = tensor->dims + tensor->ndim;
  int64_t expect = 1;
  for (int32_t i = tensor->ndim - 1; i >= 0; i--) {
    if (shape[i] != 1 && strides[i] != expect) {
      return false;
    }
    expect *= shape[i];
  }
  return true;
}

int64_t zcx_tensor_refcount(const zcx_tensor_t* tensor) { return zcxi_refcount_get(&tensor->refs); }

void zcx_tensor_retain(zcx_tensor_t* tensor) {
  if (tensor != NULL) {
    zcxi_refcount_inc(&tensor->refs);
  }
}

void zcx_tensor_release(zcx_tensor_t* tensor) {
  if (tensor == NULL || !zcxi_refcount_dec(&tensor->refs)) {
    return;
  }
  zcx_buffer_release(tensor->buffer);
  free(tensor);
}
