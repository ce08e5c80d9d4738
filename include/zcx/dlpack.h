// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// zcx DLPack: the DLPack 1.x ABI (declared here with the official layouts) and zcx's export
// and import of tensors as DLManagedTensorVersioned and the legacy DLManagedTensor.
//
// Contract:
// - The DLPack structs below have exactly the layouts of the official `dlpack/dlpack.h`
//   (DLPack 1.1) and sit under its include guard `DLPACK_DLPACK_H_`, so a program may include
//   this header and the official one in either order: whichever comes first declares the ABI.
//   A pre-1.0 dlpack.h included first (such as ATen/dlpack.h of PyTorch 1.x) lacks the
//   versioned struct: this header then stops with an #error that says so.
// - Export is O(1): the managed tensor holds one reference to the zcx tensor (and so to its
//   buffer); the consumer's single call of the deleter drops it. Shape and strides live in the
//   same allocation as the managed struct; strides are always set; `data` points at the first
//   element and `byte_offset` is 0 (some consumers ignore byte_offset).
// - Import is O(ndim) and zero-copy: the new tensor's buffer borrows the producer's memory and
//   calls the producer's deleter exactly once, when the last zcx reference drops (which may be
//   long after the caller released the tensor it got, and on any thread). On failure the
//   caller still owns the managed tensor and must call its deleter itself.
// - Device tensors (CUDA, CUDA managed) are described, never touched.

// ---------------------------------------------------------------------------------------------
// The DLPack ABI, under the official include guard.
#ifndef DLPACK_DLPACK_H_
#define DLPACK_DLPACK_H_

#ifdef __cplusplus
#define DLPACK_EXTERN_C extern "C"
#else
#define DLPACK_EXTERN_C
#endif

/// The DLPack version whose ABI this header declares.
#define DLPACK_MAJOR_VERSION 1
#define DLPACK_MINOR_VERSION 1

#ifdef _WIN32
#ifdef DLPACK_EXPORTS
#define DLPACK_DLL __declspec(dllexport)
#else
#define DLPACK_DLL __declspec(dllimport)
#endif
#else
#define DLPACK_DLL
#endif

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// ABI version of a DLManagedTensorVersioned. A different major version means a different
/// layout: only the deleter may be called then.
typedef struct {
  uint32_t major;
  uint32_t minor;
} DLPackVersion;

/// Where the memory of a tensor lives (the numbers zcx_device_type_t uses as well).
#ifdef __cplusplus
typedef enum : int32_t {
#else
typedef enum {
#endif
  kDLCPU = 1,       ///< host memory
  kDLCUDA = 2,      ///< CUDA device memory
  kDLCUDAHost = 3,  ///< pinned host memory (cudaMallocHost)
  kDLOpenCL = 4,
  kDLVulkan = 7,
  kDLMetal = 8,
  kDLVPI = 9,
  kDLROCM = 10,
  kDLROCMHost = 11,
  kDLExtDev = 12,
  kDLCUDAManaged = 13,  ///< unified memory (cudaMallocManaged)
  kDLOneAPI = 14,
  kDLWebGPU = 15,
  kDLHexagon = 16,
  kDLMAIA = 17,
  kDLTrn = 18,
} DLDeviceType;

/// A device: its type and its ordinal (0 for host, pinned and managed memory).
typedef struct {
  DLDeviceType device_type;
  int32_t device_id;
} DLDevice;

/// Kinds of element; DLDataType.code holds one of these.
typedef enum {
  kDLInt = 0U,
  kDLUInt = 1U,
  kDLFloat = 2U,
  kDLOpaqueHandle = 3U,
  kDLBfloat = 4U,
  kDLComplex = 5U,  ///< real and imaginary parts side by side, `bits` for both
  kDLBool = 6U,     ///< one byte per element
  kDLFloat8_e3m4 = 7U,
  kDLFloat8_e4m3 = 8U,
  kDLFloat8_e4m3b11fnuz = 9U,
  kDLFloat8_e4m3fn = 10U,
  kDLFloat8_e4m3fnuz = 11U,
  kDLFloat8_e5m2 = 12U,
  kDLFloat8_e5m2fnuz = 13U,
  kDLFloat8_e8m0fnu = 14U,
  kDLFloat6_e2m3fn = 15U,
  kDLFloat6_e3m2fn = 16U,
  kDLFloat4_e2m1fn = 17U,
} DLDataTypeCode;

/// An element type: code, bits per lane, lanes (1 for scalars), in native byte order.
typedef struct {
  uint8_t code;
  uint8_t bits;
  uint16_t lanes;
} DLDataType;

/// A tensor that manages nothing: a view of `data + byte_offset` with shape and strides
/// counted in elements (strides may be NULL only in legacy producers: C-contiguous).
typedef struct {
  void* data;
  DLDevice device;
  int32_t ndim;
  DLDataType dtype;
  int64_t* shape;
  int64_t* strides;
  uint64_t byte_offset;
} DLTensor;

/// The pre-1.0 managed tensor (no version, no flags), still spoken by NumPy 1.x and
/// PyTorch 1.x. `deleter` (may be NULL) frees everything, `self` included.
typedef struct DLManagedTensor {
  DLTensor dl_tensor;
  void* manager_ctx;
  void (*deleter)(struct DLManagedTensor* self);
} DLManagedTensor;

/// DLManagedTensorVersioned.flags: the consumer must not write the memory.
#define DLPACK_FLAG_BITMASK_READ_ONLY (1UL << 0UL)
/// DLManagedTensorVersioned.flags: the producer made a copy that the consumer owns alone.
#define DLPACK_FLAG_BITMASK_IS_COPIED (1UL << 1UL)
/// DLManagedTensorVersioned.flags: a sub-byte element type is padded rather than packed.
#define DLPACK_FLAG_BITMASK_IS_SUBBYTE_TYPE_PADDED (1UL << 2UL)

/// The DLPack 1.x managed tensor. Everything up to `flags` keeps its place in every future
/// version, so the deleter can always be called.
typedef struct DLManagedTensorVersioned {
  DLPackVersion version;
  void* manager_ctx;
  void (*deleter)(struct DLManagedTensorVersioned* self);
  uint64_t flags;
  DLTensor dl_tensor;
} DLManagedTensorVersioned;

#ifdef __cplusplus
}
#endif
#endif  // DLPACK_DLPACK_H_

// ---------------------------------------------------------------------------------------------
// zcx's DLPack API.
#ifndef ZCX_DLPACK_H
#define ZCX_DLPACK_H

#if !defined(DLPACK_MAJOR_VERSION) || DLPACK_MAJOR_VERSION < 1
#error "zcx/dlpack.h needs the DLPack 1.x ABI, but a DLPack 0.x dlpack.h was included first"
#endif

#include "zcx/core.h"
#include "zcx/tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/// The DLPack version zcx exports (1.1) and the major version it imports (1).
#define ZCX_DLPACK_MAJOR 1
#define ZCX_DLPACK_MINOR 1

/// Exports `tensor` as a DLPack 1.x managed tensor, without copying: *out holds a new
/// reference to `tensor` (the caller keeps its own) until the consumer calls
/// `(*out)->deleter(*out)`, exactly once, from any thread. version = {1, 1}; flags carry
/// DLPACK_FLAG_BITMASK_READ_ONLY and DLPACK_FLAG_BITMASK_IS_COPIED from the tensor; shape and
/// strides are always set (also for 0-d tensors), `data` points at the first element (also
/// for empty tensors) and byte_offset is 0.
/// @return 0; EINVAL (NULL argument); ENOMEM (then *out is NULL and nothing was retained).
ZCX_API ZCX_NODISCARD int zcx_dlpack_export(zcx_tensor_t* tensor, DLManagedTensorVersioned** out,
                                            zcx_error_t* err);

/// Exports `tensor` as a legacy DLManagedTensor (for NumPy 1.x, PyTorch 1.x), as
/// zcx_dlpack_export does. The legacy struct has no flags: a read-only tensor is exported
/// all the same, so a caller that must protect read-only memory checks
/// zcx_tensor_is_readonly first.
/// @return 0; EINVAL (NULL argument); ENOMEM.
ZCX_API ZCX_NODISCARD int zcx_dlpack_export_legacy(zcx_tensor_t* tensor, DLManagedTensor** out,
                                                   zcx_error_t* err);

/// Imports a DLPack 1.x managed tensor without copying. On success zcx owns `managed`: the
/// new tensor's buffer borrows the producer's memory (data + byte_offset; NULL strides read
/// as C-contiguous) and calls `managed->deleter` (when not NULL) exactly once, when the last
/// reference to that buffer drops. DLPACK_FLAG_BITMASK_READ_ONLY makes the tensor and its
/// buffer read-only; DLPACK_FLAG_BITMASK_IS_COPIED marks the tensor as copied.
/// On failure *out is NULL, the deleter has not been called and the caller still owns
/// `managed` (and should call its deleter).
/// @return 0; EINVAL (NULL argument, ndim outside [0, 32], NULL shape, negative dimension,
///   negative device id, NULL data for a non-empty tensor, extent or byte_offset overflow);
///   ENOTSUP (major version other than 1, unsupported dtype or lanes != 1, device type other
///   than CPU, CUDA, CUDA host, CUDA managed); ENOMEM.
ZCX_API ZCX_NODISCARD int zcx_dlpack_import(DLManagedTensorVersioned* managed, zcx_tensor_t** out,
                                            zcx_error_t* err);

/// Imports a legacy DLManagedTensor, as zcx_dlpack_import does (there are no version and
/// no flags: the tensor is writable and not copied). On failure the caller still owns
/// `managed`.
/// @return as zcx_dlpack_import, without the version check.
ZCX_API ZCX_NODISCARD int zcx_dlpack_import_legacy(DLManagedTensor* managed, zcx_tensor_t** out,
                                                   zcx_error_t* err);

/// Checks a DLTensor as zcx_dlpack_import would (dtype, device, ndim, shape, strides,
/// extent) without taking anything. Useful to inspect a tensor before taking ownership.
/// @return 0; EINVAL; ENOTSUP (the statuses of zcx_dlpack_import).
ZCX_API ZCX_NODISCARD int zcx_dlpack_validate(const DLTensor* tensor, zcx_error_t* err);

#ifdef __cplusplus
}
#endif

#endif  // ZCX_DLPACK_H
