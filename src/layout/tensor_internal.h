// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Internal tensor helpers shared by src/layout/tensor.c and the importers (DLPack, arrays).
#ifndef ZCX_SRC_LAYOUT_TENSOR_INTERNAL_H
#define ZCX_SRC_LAYOUT_TENSOR_INTERNAL_H

#include "zcx/tensor.h"

// ---------------------------------------------------------------------------------------------
// Defined in src/layout/tensor.c

// The byte range a strided view reaches, relative to its first element: [*lo, *hi), with
// *lo <= 0 < *hi for a non-empty view and *lo == *hi == 0 for an empty one. `strides` may
// not be NULL when ndim > 0. Checks ndim, shape (NULL, negative) and every product and sum
// for 64-bit overflow. *numel receives the number of elements.
// Returns 0 or EINVAL with a message that names the dimension.
int zcxi_tensor_span(int64_t itemsize, int32_t ndim, const int64_t* shape, const int64_t* strides,
                     int64_t* numel, int64_t* lo, int64_t* hi, zcx_error_t* err);

// Fills `strides` (ndim entries) with the C-contiguous strides of `shape`. The shape must
// have passed zcxi_tensor_span's checks with contiguous strides, or be such that the products
// fit (it saturates rather than overflow).
void zcxi_tensor_contiguous_strides(int32_t ndim, const int64_t* shape, int64_t* strides);

// Allocates a tensor of `ndim` dimensions with one reference and nothing else set, so that
// an importer can do everything that may fail before it creates a buffer with a release
// hook. Returns 0 or ENOMEM.
int zcxi_tensor_alloc(int32_t ndim, zcx_tensor_t** out, zcx_error_t* err);

// Frees a tensor from zcxi_tensor_alloc that zcxi_tensor_adopt never saw.
void zcxi_tensor_free_unused(zcx_tensor_t* tensor);

// Completes a tensor from zcxi_tensor_alloc. Takes over the caller's reference to `buffer`.
// Everything must have been checked already: this cannot fail. `strides` may not be NULL
// when ndim > 0; `numel` is the product of the shape.
void zcxi_tensor_adopt(zcx_tensor_t* tensor, zcx_buffer_t* buffer, void* data, zcx_dtype_t dtype,
                       const int64_t* shape, const int64_t* strides, int64_t numel, uint32_t flags);

// ---------------------------------------------------------------------------------------------
// Defined in src/layout/fixed_shape_tensor.c

// The parameters of an `arrow.fixed_shape_tensor` type: the physical (row-major) shape of
// each element and, when present, the permutation that gives the logical order (logical
// dimension i is physical dimension permutation[i]).
typedef struct zcxi_fixed_shape {
  int32_t ndim;
  int64_t shape[ZCX_TENSOR_MAX_NDIM];
  bool has_permutation;
  int32_t permutation[ZCX_TENSOR_MAX_NDIM];
} zcxi_fixed_shape_t;

// Parses the JSON metadata of the type (`length` bytes, no NUL needed): "shape" (required,
// non-negative integers, at most `max_ndim` of them), "dim_names" (strings, as many as the
// shape) and "permutation" (a permutation of 0..ndim-1); other keys are skipped.
// Returns 0 or EINVAL with a message naming the key or the byte at fault.
int zcxi_fixed_shape_tensor_parse(const char* json, int64_t length, int32_t max_ndim,
                                  zcxi_fixed_shape_t* out, zcx_error_t* err);

#endif  // ZCX_SRC_LAYOUT_TENSOR_INTERNAL_H
