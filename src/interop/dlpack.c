// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// DLPack: export of tensors as DLManagedTensorVersioned / DLManagedTensor and zero-copy import
// of both.
#include "zcx/dlpack.h"

#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "layout/tensor_internal.h"

// zcx_dtype_t is declared to match DLDataType; the conversions below copy field by field,
// and these checks keep the two in step.
_Static_assert(sizeof(DLDataType) == sizeof(zcx_dtype_t), "DLDataType and zcx_dtype_t differ");
_Static_assert((int)kDLInt == (int)ZCX_DTYPE_INT && (int)kDLUInt == (int)ZCX_DTYPE_UINT &&
                   (int)kDLFloat == (int)ZCX_DTYPE_FLOAT &&
                   (int)kDLBfloat == (int)ZCX_DTYPE_BFLOAT &&
                   (int)kDLComplex == (int)ZCX_DTYPE_COMPLEX && (int)kDLBool == (int)ZCX_DTYPE_BOOL,
               "DLPack type codes and zcx_dtype_code_t differ");
_Static_assert((int)kDLCPU == (int)ZCX_DEVICE_CPU && (int)kDLCUDA == (int)ZCX_DEVICE_CUDA &&
                   (int)kDLCUDAHost == (int)ZCX_DEVICE_CUDA_HOST &&
                   (int)kDLCUDAManaged == (int)ZCX_DEVICE_CUDA_MANAGED,
               "DLPack device types and zcx_device_type_t differ");

static zcx_dtype_t dtype_from_dl(DLDataType d) {
  zcx_dtype_t t;
  t.code = d.code;
  t.bits = d.bits;
  t.lanes = d.lanes;
  return t;
}

static DLDataType dtype_to_dl(zcx_dtype_t t) {
  DLDataType d;
  d.code = t.code;
  d.bits = t.bits;
  d.lanes = t.lanes;
  return d;
}

// ---------------------------------------------------------------------------------------------
// Export

// The deleters: manager_ctx is the tensor reference the export took; shape and strides sit
// in the same allocation as the struct.
static void deleter_versioned(DLManagedTensorVersioned* self) {
  if (self != NULL) {
    zcx_tensor_release((zcx_tensor_t*)self->manager_ctx);
    free(self);
  }
}

static void deleter_legacy(DLManagedTensor* self) {
  if (self != NULL) {
    zcx_tensor_release((zcx_tensor_t*)self->manager_ctx);
    free(self);
  }
}

// Fills a DLTensor from `tensor`; `dims` has room for 2 * ndim entries.
static void fill_dl_tensor(zcx_tensor_t* tensor, int64_t* dims, DLTensor* dl) {
  int32_t ndim = zcx_tensor_ndim(tensor);
  zcx_device_t device = zcx_tensor_device(tensor);
  if (ndim > 0) {
    memcpy(dims, zcx_tensor_shape(tensor), (size_t)ndim * sizeof(int64_t));
    memcpy(dims + ndim, zcx_tensor_strides(tensor), (size_t)ndim * sizeof(int64_t));
  }
  dl->data = zcx_tensor_data(tensor);
  dl->device.device_type = (DLDeviceType)device.type;
  dl->device.device_id = device.id;
  dl->ndim = ndim;
  dl->dtype = dtype_to_dl(zcx_tensor_dtype(tensor));
  dl->shape = dims;
  dl->strides = dims + ndim;
  dl->byte_offset = 0;
}

// Bytes for the shape and strides behind a managed struct.
static size_t dims_bytes(const zcx_tensor_t* tensor) {
  return (size_t)zcx_tensor_ndim(tensor) * 2 * sizeof(int64_t);
}

int zcx_dlpack_export(zcx_tensor_t* tensor, DLManagedTensorVersioned** out, zcx_error_t* err) {
  if (out == NULL) {
    return zcx_error_fail(err, EINVAL, "dlpack_export: out is NULL");
  }
  *out = NULL;
  if (tensor == NULL) {
    return zcx_error_fail(err, EINVAL, "dlpack_export: tensor is NULL");
  }
  DLManagedTensorVersioned* m = malloc(sizeof(*m) + dims_bytes(tensor));
  if (m == NULL) {
    return zcx_error_fail(err, ENOMEM, "dlpack_export: out of memory for %zu bytes",
                          sizeof(*m) + dims_bytes(tensor));
  }
  m->version.major = ZCX_DLPACK_MAJOR;
  m->version.minor = ZCX_DLPACK_MINOR;
  m->flags = 0;
  if (zcx_tensor_is_readonly(tensor)) {
    m->flags |= DLPACK_FLAG_BITMASK_READ_ONLY;
  }
  if (zcx_tensor_is_copied(tensor)) {
    m->flags |= DLPACK_FLAG_BITMASK_IS_COPIED;
  }
  fill_dl_tensor(tensor, (int64_t*)(m + 1), &m->dl_tensor);
  zcx_tensor_retain(tensor);
  m->manager_ctx = tensor;
  m->deleter = deleter_versioned;
  *out = m;
  return 0;
}

int zcx_dlpack_export_legacy(zcx_tensor_t* tensor, DLManagedTensor** out, zcx_error_t* err) {
  if (out == NULL) {
    return zcx_error_fail(err, EINVAL, "dlpack_export_legacy: out is NULL");
  }
  *out = NULL;
  if (tensor == NULL) {
    return zcx_error_fail(err, EINVAL, "dlpack_export_legacy: tensor is NULL");
  }
  DLManagedTensor* m = malloc(sizeof(*m) + dims_bytes(tensor));
  if (m == NULL) {
    return zcx_error_fail(err, ENOMEM, "dlpack_export_legacy: out of memory for %zu bytes",
                          sizeof(*m) + dims_bytes(tensor));
  }
  fill_dl_tensor(tensor, (int64_t*)(m + 1), &m->dl_tensor);
  zcx_tensor_retain(tensor);
  m->manager_ctx = tensor;
  m->deleter = deleter_legacy;
  *out = m;
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Import

// What a checked DLTensor describes.
typedef struct {
  zcx_dtype_t dtype;
  zcx_device_t device;
  int64_t strides[ZCX_TENSOR_MAX_NDIM];  // given or C-contiguous
  int64_t numel;
  uintptr_t first;  // address of element (0, ..., 0): data + byte_offset
  int64_t lo;       // bytes reached below `first` (<= 0)
  int64_t hi;       // bytes reached from `first` (> 0 unless empty)
} checked_tensor;

static int check_dl_tensor(const DLTensor* dl, checked_tensor* c, zcx_error_t* err) {
  if (dl->ndim < 0 || dl->ndim > ZCX_TENSOR_MAX_NDIM) {
    return zcx_error_fail(err, EINVAL, "ndim %d is outside [0, %d]", (int)dl->ndim,
                          ZCX_TENSOR_MAX_NDIM);
  }
  if (dl->ndim > 0 && dl->shape == NULL) {
    return zcx_error_fail(err, EINVAL, "shape is NULL with ndim %d", (int)dl->ndim);
  }
  c->dtype = dtype_from_dl(dl->dtype);
  if (c->dtype.lanes != 1) {
    return zcx_error_fail(err, ENOTSUP,
                          "dtype {code %u, bits %u} with %u lanes: only one lane "
                          "is supported",
                          (unsigned)c->dtype.code, (unsigned)c->dtype.bits,
                          (unsigned)c->dtype.lanes);
  }
  ZCX_RETURN_IF_ERROR(zcx_dtype_check(c->dtype, err));
  int32_t type = (int32_t)dl->device.device_type;
  if (type != kDLCPU && type != kDLCUDA && type != kDLCUDAHost && type != kDLCUDAManaged) {
    return zcx_error_fail(err, ENOTSUP,
                          "device type %d (%s) is not supported (cpu, cuda, cuda_host, "
                          "cuda_managed)",
                          (int)type, zcx_device_type_name(type));
  }
  if (dl->device.device_id < 0) {
    return zcx_error_fail(err, EINVAL, "device id %d is negative", (int)dl->device.device_id);
  }
  c->device.type = type;
  c->device.id = dl->device.device_id;
  if (dl->strides != NULL) {
    if (dl->ndim > 0) {
      memcpy(c->strides, dl->strides, (size_t)dl->ndim * sizeof(int64_t));
    }
  } else {
    for (int32_t i = 0; i < dl->ndim; i++) {
      if (dl->shape[i] < 0) {
        return zcx_error_fail(err, EINVAL, "dimension %d is negative (%lld)", (int)i,
                              (long long)dl->shape[i]);
      }
    }
    zcxi_tensor_contiguous_strides(dl->ndim, dl->shape, c->strides);
  }
  ZCX_RETURN_IF_ERROR(zcxi_tensor_span(zcx_dtype_size(c->dtype), dl->ndim, dl->shape, c->strides,
                                       &c->numel, &c->lo, &c->hi, err));
  if (dl->byte_offset > (uint64_t)INT64_MAX) {
    return zcx_error_fail(err, EINVAL, "byte_offset %llu is out of range",
                          (unsigned long long)dl->byte_offset);
  }
  uintptr_t data = (uintptr_t)dl->data;
  if (data > UINTPTR_MAX - dl->byte_offset) {
    return zcx_error_fail(err, EINVAL, "data %p + byte_offset %llu overflows the address space",
                          dl->data, (unsigned long long)dl->byte_offset);
  }
  c->first = data + (uintptr_t)dl->byte_offset;
  if (c->numel > 0) {
    if (dl->data == NULL) {
      return zcx_error_fail(err, EINVAL, "data is NULL for %lld elements", (long long)c->numel);
    }
    // lo > INT64_MIN and hi - lo fits: zcxi_tensor_span checked both.
    uintptr_t below = (uintptr_t)-c->lo;
    uintptr_t span = (uintptr_t)(c->hi - c->lo);
    if (c->first < below || c->first - below > UINTPTR_MAX - span) {
      return zcx_error_fail(err, EINVAL,
                            "the view reaches bytes [%lld, %lld) around %p, outside the address "
                            "space",
                            (long long)c->lo, (long long)c->hi, (void*)c->first);
    }
  }
  return 0;
}

int zcx_dlpack_validate(const DLTensor* tensor, zcx_error_t* err) {
  if (tensor == NULL) {
    return zcx_error_fail(err, EINVAL, "dlpack_validate: tensor is NULL");
  }
  checked_tensor c;
  int rc = check_dl_tensor(tensor, &c, err);
  if (rc != 0) {
    zcx_error_prefix(err, "dlpack_validate: ");
  }
  return rc;
}

// Release hooks of the borrowing buffers: ctx is the producer's managed tensor.
static void release_versioned(void* ctx, void* data, int64_t size) {
  (void)data;
  (void)size;
  DLManagedTensorVersioned* m = ctx;
  if (m->deleter != NULL) {
    m->deleter(m);
  }
}

static void release_legacy(void* ctx, void* data, int64_t size) {
  (void)data;
  (void)size;
  DLManagedTensor* m = ctx;
  if (m->deleter != NULL) {
    m->deleter(m);
  }
}

// Builds the tensor once everything is checked. Nothing after zcx_buffer_wrap may fail, so
// the producer's deleter runs only through a buffer that has been handed out.
static int import_checked(const DLTensor* dl, const checked_tensor* c, uint32_t flags,
                          zcx_buffer_release_fn release, void* ctx, zcx_tensor_t** out,
                          zcx_error_t* err) {
  zcx_tensor_t* t;
  ZCX_RETURN_IF_ERROR(zcxi_tensor_alloc(dl->ndim, &t, err));
  uint32_t buffer_flags = (flags & ZCX_TENSOR_READONLY) != 0 ? ZCX_BUFFER_READONLY : 0;
  void* start = c->numel > 0 ? (void*)(c->first - (uintptr_t)-c->lo) : dl->data;
  zcx_buffer_t* buffer;
  int rc =
      zcx_buffer_wrap(start, c->hi - c->lo, c->device, buffer_flags, release, ctx, &buffer, err);
  if (rc != 0) {
    zcxi_tensor_free_unused(t);
    return rc;
  }
  // An empty tensor's data may be NULL; it then points at the (empty) buffer's data.
  void* data = c->numel > 0 ? (void*)c->first : zcx_buffer_data(buffer);
  zcxi_tensor_adopt(t, buffer, data, c->dtype, dl->shape, c->strides, c->numel, flags);
  *out = t;
  return 0;
}

int zcx_dlpack_import(DLManagedTensorVersioned* managed, zcx_tensor_t** out, zcx_error_t* err) {
  if (out == NULL) {
    return zcx_error_fail(err, EINVAL, "dlpack_import: out is NULL");
  }
  *out = NULL;
  if (managed == NULL) {
    return zcx_error_fail(err, EINVAL, "dlpack_import: managed tensor is NULL");
  }
  if (managed->version.major != ZCX_DLPACK_MAJOR) {
    return zcx_error_fail(err, ENOTSUP,
                          "dlpack_import: DLPack major version %u (minor %u) is not supported: "
                          "zcx imports major version %d",
                          (unsigned)managed->version.major, (unsigned)managed->version.minor,
                          ZCX_DLPACK_MAJOR);
  }
  checked_tensor c;
  int rc = check_dl_tensor(&managed->dl_tensor, &c, err);
  if (rc != 0) {
    zcx_error_prefix(err, "dlpack_import: ");
    return rc;
  }
  uint32_t flags = 0;
  if ((managed->flags & DLPACK_FLAG_BITMASK_READ_ONLY) != 0) {
    flags |= ZCX_TENSOR_READONLY;
  }
  if ((managed->flags & DLPACK_FLAG_BITMASK_IS_COPIED) != 0) {
    flags |= ZCX_TENSOR_COPIED;
  }
  rc = import_checked(&managed->dl_tensor, &c, flags, release_versioned, managed, out, err);
  if (rc != 0) {
    zcx_error_prefix(err, "dlpack_import: ");
  }
  return rc;
}

int zcx_dlpack_import_legacy(DLManagedTensor* managed, zcx_tensor_t** out, zcx_error_t* err) {
  if (out == NULL) {
    return zcx_error_fail(err, EINVAL, "dlpack_import_legacy: out is NULL");
  }
  *out = NULL;
  if (managed == NULL) {
    return zcx_error_fail(err, EINVAL, "dlpack_import_legacy: managed tensor is NULL");
  }
  checked_tensor c;
  int rc = check_dl_tensor(&managed->dl_tensor, &c, err);
  if (rc != 0) {
    zcx_error_prefix(err, "dlpack_import_legacy: ");
    return rc;
  }
  rc = import_checked(&managed->dl_tensor, &c, 0, release_legacy, managed, out, err);
  if (rc != 0) {
    zcx_error_prefix(err, "dlpack_import_legacy: ");
  }
  return rc;
}
