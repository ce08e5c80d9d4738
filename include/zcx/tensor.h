// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// zcx tensor: an immutable, reference-counted n-dimensional view of a buffer.
//
// Contract:
// - A tensor is {buffer reference, data pointer inside that buffer, dtype, ndim (0..32),
//   shape, strides, device, flags}. Shape and strides count elements, never bytes; strides
//   are always present (C-contiguous ones are filled in when the caller gives none) and may
//   be zero or negative. Every element the view can reach lies inside the buffer: creation
//   checks it, with overflow-checked arithmetic.
// - dtypes are those DLPack can exchange and zcx supports: int and uint of 8, 16, 32, 64
//   bits, float of 16, 32, 64, bfloat16, bool (one byte), complex of 64 and 128 bits;
//   always one lane.
// - A tensor never changes after creation and is safe to read from any thread; retain and
//   release are thread-safe. It holds one reference to its buffer; the last release of the
//   tensor drops it.
// - The device is the buffer's. Tensors on devices the CPU cannot address (CUDA) are only
//   described: zcx never reads or writes their elements.
// - Read-only means physically read-only. A tensor is flagged ZCX_TENSOR_READONLY only when
//   its buffer is ZCX_BUFFER_READONLY (a sealed shared-memory segment, a file mapped
//   read-only, a read-only source such as a bytes object) or when its creator asks for the
//   flag. Arrays that zcx holds in writable memory (built, converted, read from a descriptor,
//   decompressed, or read from a copy-on-write mapping) give writable tensors: they are
//   immutable by contract, not by protection, as pyarrow's are. Consumers that cannot be told
//   "read-only" (legacy DLPack: NumPy 1.x, PyTorch 1.x) receive writable tensors, and are
//   refused read-only ones, since a write there would fault.
#ifndef ZCX_TENSOR_H
#define ZCX_TENSOR_H

#include "zcx/array.h"
#include "zcx/buffer.h"
#include "zcx/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Element kinds, with DLPack's DLDataTypeCode numbers.
typedef enum zcx_dtype_code {
  ZCX_DTYPE_INT = 0,
  ZCX_DTYPE_UINT = 1,
  ZCX_DTYPE_FLOAT = 2,
  ZCX_DTYPE_BFLOAT = 4,
  ZCX_DTYPE_COMPLEX = 5,
  ZCX_DTYPE_BOOL = 6,
} zcx_dtype_code_t;

/// An element type, laid out as DLPack's DLDataType: code, bits per lane, lanes.
typedef struct zcx_dtype {
  uint8_t code;    ///< a zcx_dtype_code_t
  uint8_t bits;    ///< bits of one element (complex64: 64)
  uint16_t lanes;  ///< always 1 in zcx
} zcx_dtype_t;

/// A one-lane dtype, e.g. zcx_dtype_make(ZCX_DTYPE_FLOAT, 32).
static inline zcx_dtype_t zcx_dtype_make(zcx_dtype_code_t code, uint8_t bits) {
  zcx_dtype_t d;
  d.code = (uint8_t)code;
  d.bits = bits;
  d.lanes = 1;
  return d;
}

/// Whether zcx supports `dtype` (see the contract above).
/// @return 0; ENOTSUP with a message naming the code, bits and lanes.
ZCX_API ZCX_NODISCARD int zcx_dtype_check(zcx_dtype_t dtype, zcx_error_t* err);

/// Bytes of one element of a supported dtype (bits / 8), or 0 for an unsupported one.
ZCX_API int64_t zcx_dtype_size(zcx_dtype_t dtype);

/// The dtype's name as NumPy and PyTorch spell it ("int8", "uint64", "float16", "bfloat16",
/// "bool", "complex64", ...), or "unknown". Static storage.
ZCX_API const char* zcx_dtype_name(zcx_dtype_t dtype);

/// Whether two dtypes are equal.
ZCX_API bool zcx_dtype_equal(zcx_dtype_t a, zcx_dtype_t b);

/// The most dimensions a tensor may have (DLPack consumers commonly allow 32 or 64).
#define ZCX_TENSOR_MAX_NDIM 32

/// Tensor flags.
enum {
  ZCX_TENSOR_READONLY = 1u << 0,  ///< the elements must not be written
  ZCX_TENSOR_COPIED = 1u << 1,    ///< the data is a copy made for this tensor (not shared)
};

/// An immutable n-dimensional view of a buffer. Reference counted; thread-safe to read.
typedef struct zcx_tensor zcx_tensor_t;

/// Creates a view of `buffer` (retained: the caller keeps its own reference) starting at
/// `data`, which must lie in the buffer. `shape` has `ndim` entries (may be NULL when ndim
/// is 0); `strides` has `ndim` entries in elements, or is NULL for C-contiguous. `flags`:
/// ZCX_TENSOR_READONLY, ZCX_TENSOR_COPIED; a buffer flagged ZCX_BUFFER_READONLY always
/// gives a read-only tensor. Checks that every reachable element lies inside the buffer
/// (nothing is checked for an empty tensor beyond `data` being in the buffer).
/// @return 0; EINVAL (NULL buffer or out, ndim outside [0, 32], NULL shape, negative
///   dimension, unknown flag, data outside the buffer, elements outside the buffer, extent
///   that overflows 64 bits); ENOTSUP (dtype); ENOMEM.
ZCX_API ZCX_NODISCARD int zcx_tensor_create(zcx_buffer_t* buffer, const void* data,
                                            zcx_dtype_t dtype, int32_t ndim, const int64_t* shape,
                                            const int64_t* strides, uint32_t flags,
                                            zcx_tensor_t** out, zcx_error_t* err);

/// Creates a C-contiguous tensor over new memory from `mr` (NULL: the default resource),
/// 64-byte aligned. The elements are not initialized. The tensor is writable until it is
/// shared; `flags` as in zcx_tensor_create.
/// @return 0; EINVAL (bad shape or flags, size that overflows 64 bits); ENOTSUP (dtype);
///   ENOMEM.
ZCX_API ZCX_NODISCARD int zcx_tensor_create_contiguous(zcx_mr_t* mr, zcx_dtype_t dtype,
                                                       int32_t ndim, const int64_t* shape,
                                                       uint32_t flags, zcx_tensor_t** out,
                                                       zcx_error_t* err);

/// The buffer the tensor views (borrowed: retain it to keep it).
ZCX_API zcx_buffer_t* zcx_tensor_buffer(const zcx_tensor_t* tensor);
/// The address of the element at index (0, ..., 0).
ZCX_API void* zcx_tensor_data(const zcx_tensor_t* tensor);
ZCX_API zcx_dtype_t zcx_tensor_dtype(const zcx_tensor_t* tensor);
ZCX_API int32_t zcx_tensor_ndim(const zcx_tensor_t* tensor);
/// `ndim` dimensions (borrowed; valid while the tensor lives; never NULL).
ZCX_API const int64_t* zcx_tensor_shape(const zcx_tensor_t* tensor);
/// `ndim` strides in elements (borrowed; valid while the tensor lives; never NULL).
ZCX_API const int64_t* zcx_tensor_strides(const zcx_tensor_t* tensor);
ZCX_API zcx_device_t zcx_tensor_device(const zcx_tensor_t* tensor);
/// ZCX_TENSOR_READONLY | ZCX_TENSOR_COPIED as they apply.
ZCX_API uint32_t zcx_tensor_flags(const zcx_tensor_t* tensor);
ZCX_API bool zcx_tensor_is_readonly(const zcx_tensor_t* tensor);
ZCX_API bool zcx_tensor_is_copied(const zcx_tensor_t* tensor);
/// Number of elements (1 for a 0-d tensor, 0 when a dimension is 0).
ZCX_API int64_t zcx_tensor_numel(const zcx_tensor_t* tensor);
/// Bytes of one element.
ZCX_API int64_t zcx_tensor_itemsize(const zcx_tensor_t* tensor);
/// numel * itemsize: the bytes of the elements (not of the strided span).
ZCX_API int64_t zcx_tensor_nbytes(const zcx_tensor_t* tensor);
/// Whether the elements are laid out in C (row-major) order without gaps. Dimensions of
/// size 1 may have any stride; empty tensors are contiguous.
ZCX_API bool zcx_tensor_is_contiguous(const zcx_tensor_t* tensor);
/// The current number of references (for tests and diagnostics).
ZCX_API int64_t zcx_tensor_refcount(const zcx_tensor_t* tensor);

ZCX_API void zcx_tensor_retain(zcx_tensor_t* tensor);
/// Drops a reference; NULL is ignored. The last one drops the buffer reference.
ZCX_API void zcx_tensor_release(zcx_tensor_t* tensor);

// ---------------------------------------------------------------------------------------------
// Arrow arrays as tensors

/// Options of zcx_array_to_tensor.
enum {
  /// Copy what cannot be shared (Arrow's bit-packed booleans) into new memory instead of
  /// failing; the tensor is then marked ZCX_TENSOR_COPIED.
  ZCX_TENSOR_ALLOW_COPY = 1u << 0,
  /// Flag the tensor ZCX_TENSOR_READONLY even when its memory is writable (a consumer that
  /// honours the flag then refuses writes; legacy DLPack export is refused).
  ZCX_TENSOR_MARK_READONLY = 1u << 1,
};

/// Views an Arrow array as a tensor, without copying where the layout allows it:
/// - a primitive array (int/uint 8-64, float16/32/64) gives a 1-d tensor {length};
/// - a fixed-size list of primitives gives {length, list_size} (nested fixed-size lists add
///   one dimension each);
/// - an `arrow.fixed_shape_tensor` extension array gives {length, shape...} from its JSON
///   metadata; a "permutation" is honoured by permuting the dimensions and their strides (the
///   tensor shows the logical order and is then not contiguous);
/// - a slice starts at its offset: the data pointer is advanced, nothing is copied.
/// A shared tensor holds a reference to the array's values buffer (not to the array). It is
/// read-only only when that buffer is ZCX_BUFFER_READONLY (a read-only mapping, a sealed
/// segment) or `options` has ZCX_TENSOR_MARK_READONLY; otherwise it is writable, and the
/// array's immutability is a contract the consumer keeps (see the contract above). A boolean
/// array (or list of booleans) is bit-packed: ENOTSUP unless `options` has
/// ZCX_TENSOR_ALLOW_COPY, in which case its values are copied into a new bool tensor (one byte
/// each) from `mr` (NULL: the default resource), marked copied and writable (read-only with
/// ZCX_TENSOR_MARK_READONLY).
/// @return 0; EINVAL (NULL argument, unknown option, malformed fixed_shape_tensor metadata or
///   a shape that disagrees with the list size, more than 32 dimensions); ENOTSUP (nulls in
///   the array or in the values it covers, with their count; a type without a tensor dtype;
///   an extension type other than arrow.fixed_shape_tensor; booleans without
///   ZCX_TENSOR_ALLOW_COPY; a copy of memory the CPU cannot read); ENOMEM.
ZCX_API ZCX_NODISCARD int zcx_array_to_tensor(zcx_array_t* array, uint32_t options, zcx_mr_t* mr,
                                              zcx_tensor_t** out, zcx_error_t* err);

#ifdef __cplusplus
}
#endif

#endif  // ZCX_TENSOR_H
