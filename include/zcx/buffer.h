// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// zcx buffer: a reference-counted block of memory on a device.
//
// Contract (the ownership rule every zero-copy path relies on):
// - A buffer either owns memory from a zcx_mr_t (and gives it back to that resource when
//   the last reference drops) or borrows foreign memory (an imported ArrowArray, a DLPack
//   tensor, a NumPy array, a mapped file) and calls the foreign release hook, exactly once,
//   when the last reference drops.
// - Arrays, tensors and batches hold buffer references; exporting adds one, the consumer's
//   release drops it. Memory lives exactly as long as somebody can still read it.
// - A buffer's data, size and device never change. Retain and release are thread-safe and
//   the release hook may run on any thread.
#ifndef ZCX_BUFFER_H
#define ZCX_BUFFER_H

#include "zcx/core.h"
#include "zcx/memory.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct zcx_buffer zcx_buffer_t;

/// Called once when the last reference to a borrowing buffer drops.
typedef void (*zcx_buffer_release_fn)(void* ctx, void* data, int64_t size);

/// Buffer flags.
enum {
  ZCX_BUFFER_READONLY = 1u << 0,  ///< the memory must not be written (a sealed segment, a file)
};

/// Allocates `size` bytes (0 allowed: an empty buffer with a non-NULL aligned data pointer)
/// from `mr` (NULL: the default resource), aligned to `alignment` (0: 64). The buffer holds
/// a reference to `mr`. The memory is not initialized.
/// @return 0; EINVAL; ENOMEM.
ZCX_API ZCX_NODISCARD int zcx_buffer_allocate(zcx_mr_t* mr, int64_t size, size_t alignment,
                                              zcx_stream_t* stream, zcx_buffer_t** out,
                                              zcx_error_t* err);

/// Like zcx_buffer_allocate, with the memory zero-filled (host-accessible devices only).
ZCX_API ZCX_NODISCARD int zcx_buffer_allocate_zeroed(zcx_mr_t* mr, int64_t size,
                                                     size_t alignment, zcx_buffer_t** out,
                                                     zcx_error_t* err);

/// Wraps foreign memory without copying. `release` (may be NULL when the memory outlives
/// every reader) is called with `ctx` exactly once when the last reference drops. On
/// failure `release` is not called and the memory still belongs to the caller.
/// @return 0; EINVAL (negative size, NULL data with size > 0); ENOMEM.
ZCX_API ZCX_NODISCARD int zcx_buffer_wrap(void* data, int64_t size, zcx_device_t device,
                                          uint32_t flags, zcx_buffer_release_fn release,
                                          void* ctx, zcx_buffer_t** out, zcx_error_t* err);

/// A view of bytes [offset, offset + length) of `parent` that keeps the parent alive.
/// @return 0; EINVAL (out of range); ENOMEM.
ZCX_API ZCX_NODISCARD int zcx_buffer_slice(zcx_buffer_t* parent, int64_t offset,
                                           int64_t length, zcx_buffer_t** out,
                                           zcx_error_t* err);

/// Copies `size` bytes from host memory into a new buffer from `mr` (NULL: default).
ZCX_API ZCX_NODISCARD int zcx_buffer_copy_from(zcx_mr_t* mr, const void* data, int64_t size,
                                               zcx_buffer_t** out, zcx_error_t* err);

ZCX_API void* zcx_buffer_data(const zcx_buffer_t* buffer);
ZCX_API int64_t zcx_buffer_size(const zcx_buffer_t* buffer);
ZCX_API zcx_device_t zcx_buffer_device(const zcx_buffer_t* buffer);
ZCX_API uint32_t zcx_buffer_flags(const zcx_buffer_t* buffer);
/// The resource the memory came from (borrowed), or NULL for a borrowing buffer.
ZCX_API zcx_mr_t* zcx_buffer_mr(const zcx_buffer_t* buffer);
/// The current number of references (for tests and diagnostics).
ZCX_API int64_t zcx_buffer_refcount(const zcx_buffer_t* buffer);

ZCX_API void zcx_buffer_retain(zcx_buffer_t* buffer);
/// Drops a reference. NULL is ignored. The last one frees the memory (owning buffer),
/// calls the release hook (borrowing buffer) or drops the parent (slice).
ZCX_API void zcx_buffer_release(zcx_buffer_t* buffer);

#ifdef __cplusplus
}
#endif

#endif  // ZCX_BUFFER_H
