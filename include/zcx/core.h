// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// zcx core: status codes, error messages and devices.
//
// Contract of every zcx function that can fail:
// - it returns an int status: 0 (ZCX_OK) on success, else an errno value (EINVAL, ENOMEM,
//   EIO, ENOTSUP, ERANGE, EOVERFLOW, ...), and never aborts, exits or prints;
// - its last parameter is a `zcx_error_t*` that may be NULL; on failure it receives a message
//   that says what was wrong, where, and which value;
// - on failure its outputs are left released and whatever it would have taken still belongs
//   to the caller.
#ifndef ZCX_CORE_H
#define ZCX_CORE_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "zcx/version.h"

#if defined(_WIN32)
#define ZCX_API __declspec(dllexport)
#else
#define ZCX_API __attribute__((visibility("default")))
#endif

#if defined(__GNUC__) || defined(__clang__)
#define ZCX_NODISCARD __attribute__((warn_unused_result))
#define ZCX_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define ZCX_NODISCARD
#define ZCX_PRINTF(fmt, args)
#endif

#ifdef __cplusplus
extern "C" {
#endif

/// Success. Every other status is an errno value.
#define ZCX_OK 0

/// Size of the message buffer in zcx_error_t, terminating NUL included.
#define ZCX_ERROR_MESSAGE_SIZE 1024

/// A caller-owned error message. Thread-compatible: one thread at a time.
typedef struct zcx_error {
  char message[ZCX_ERROR_MESSAGE_SIZE];
} zcx_error_t;

/// Clears the message. `err` may be NULL.
ZCX_API void zcx_error_init(zcx_error_t* err);

/// Sets the message from a printf format (truncated to fit). `err` may be NULL.
ZCX_API void zcx_error_set(zcx_error_t* err, const char* fmt, ...) ZCX_PRINTF(2, 3);

/// Sets the message and returns `code`, so that a check reads
/// `return zcx_error_fail(err, EINVAL, "field '%s': ...", name);`.
ZCX_API int zcx_error_fail(zcx_error_t* err, int code, const char* fmt, ...) ZCX_PRINTF(3, 4);

/// Puts a formatted prefix in front of the current message ("column 'x': " + message), to add
/// where an error happened as it travels up. `err` may be NULL.
ZCX_API void zcx_error_prefix(zcx_error_t* err, const char* fmt, ...) ZCX_PRINTF(2, 3);

/// The message, or "" for a NULL error.
ZCX_API const char* zcx_error_message(const zcx_error_t* err);

/// The symbolic name of a status code ("EINVAL"), or "E?" for an unknown one.
ZCX_API const char* zcx_status_name(int status);

/// Propagates a failing status to the caller.
#define ZCX_RETURN_IF_ERROR(expr)  \
  do {                             \
    int zcx_status_ = (expr);      \
    if (zcx_status_ != ZCX_OK) {   \
      return zcx_status_;          \
    }                              \
  } while (0)

/// Device types: DLPack's DLDeviceType numbers, which the Arrow C Device interface uses too.
typedef enum zcx_device_type {
  ZCX_DEVICE_CPU = 1,
  ZCX_DEVICE_CUDA = 2,
  ZCX_DEVICE_CUDA_HOST = 3,
  ZCX_DEVICE_OPENCL = 4,
  ZCX_DEVICE_VULKAN = 7,
  ZCX_DEVICE_METAL = 8,
  ZCX_DEVICE_VPI = 9,
  ZCX_DEVICE_ROCM = 10,
  ZCX_DEVICE_ROCM_HOST = 11,
  ZCX_DEVICE_EXT_DEV = 12,
  ZCX_DEVICE_CUDA_MANAGED = 13,
  ZCX_DEVICE_ONEAPI = 14,
  ZCX_DEVICE_WEBGPU = 15,
  ZCX_DEVICE_HEXAGON = 16,
} zcx_device_type_t;

/// A device: its type and its ordinal among devices of that type.
typedef struct zcx_device {
  int32_t type;
  int32_t id;
} zcx_device_t;

/// The host CPU, {ZCX_DEVICE_CPU, 0}.
ZCX_API zcx_device_t zcx_device_cpu(void);

/// Whether two devices are the same.
ZCX_API bool zcx_device_equal(zcx_device_t a, zcx_device_t b);

/// Whether the CPU can read and write memory of this device directly (CPU, CUDA host,
/// CUDA managed, ROCm host).
ZCX_API bool zcx_device_is_host_accessible(zcx_device_t device);

/// A short name for a device type ("cpu", "cuda", "cuda_host", "cuda_managed", ...), or
/// "unknown".
ZCX_API const char* zcx_device_type_name(int32_t type);

/// The zcx version, "MAJOR.MINOR.PATCH", of the library that is running.
ZCX_API const char* zcx_version(void);

#ifdef __cplusplus
}
#endif

#endif  // ZCX_CORE_H
