// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// zcx shm: shared-memory segments for zero-copy exchange of record batches between processes.
//
// Contract:
// - A segment is a memfd (sealable, anonymous: reachable by its descriptor or by
//   /proc/<pid>/fd/<n>) or a POSIX shared-memory object created with shm_open (O_EXCL, mode
//   0600, visible as /dev/shm/<name>). The producer maps it read-write.
// - A memory resource over the segment (zcx_shm_mr_create) hands out blocks of it, so that
//   builders write columns in place. Its bookkeeping lives outside the segment.
// - zcx_shm_publish lays the batches out as an Arrow IPC file inside the segment without
//   copying their buffers: the schema and the record batch metadata go into a header area
//   reserved at the start of the segment, the footer after the last block; each batch's body
//   starts right after its metadata and its buffer offsets point at the blocks where the
//   builders wrote them. The producer's mapping becomes read-only at the same address (the
//   producer's arrays stay valid), the file is cut to its exact size and a memfd is sealed
//   (F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL): nobody can change or shrink
//   it any more, so a reader can never take SIGBUS from it. Any reader of Arrow files reads
//   the segment by its path.
// - Consumers attach read-only (or copy-on-write: private writable pages) by a descriptor (passed over a Unix socket with
//   zcx_shm_send_fd / zcx_shm_recv_fd) or by a path, and get a zcx_ipc_file_reader_t over
//   the mapping: arrays point into it (zero-copy). An unsealed segment (every POSIX one, an
//   unsealed memfd, a plain file) is refused unless the caller passes
//   ZCX_SHM_ATTACH_TRUST_UNSEALED, and even then it must belong to the caller's user and not
//   be readable or writable by group or others: its owner could still shrink it.
// - Segments and resources are reference counted and thread-safe; the mapping lives while
//   the segment, its resource or any buffer drawn from it does.
#ifndef ZCX_SHM_H
#define ZCX_SHM_H

#include "zcx/array.h"
#include "zcx/core.h"
#include "zcx/ipc.h"
#include "zcx/memory.h"

#ifdef __cplusplus
extern "C" {
#endif

/// A shared-memory segment. Reference counted, thread-safe.
typedef struct zcx_shm_segment zcx_shm_segment_t;

/// How a segment is backed.
typedef enum zcx_shm_kind {
  ZCX_SHM_MEMFD = 0,  ///< memfd_create with MFD_ALLOW_SEALING
  ZCX_SHM_POSIX = 1,  ///< shm_open (cannot be sealed)
} zcx_shm_kind_t;

/// Creates a memfd segment of `capacity` bytes (> 0), mapped read-write. `name` (may be NULL)
/// is a label shown in /proc/<pid>/fd. The file grows to `capacity` (memory is committed
/// page by page on first touch).
/// @return 0; EINVAL (capacity <= 0, out NULL); ENOSYS (no memfd); ENOMEM; errno of
/// ftruncate or mmap.
ZCX_API ZCX_NODISCARD int zcx_shm_segment_create(const char* name, int64_t capacity,
                                                 zcx_shm_segment_t** out, zcx_error_t* err);

/// Creates a POSIX shared-memory object `name` ("/name" or "name": one component, at most
/// 200 bytes) with O_CREAT | O_EXCL and mode 0600, of `capacity` bytes, mapped read-write.
/// The object stays in /dev/shm until zcx_shm_segment_unlink (the segment does not unlink
/// it by itself).
/// @return 0; EINVAL (bad name or capacity); EEXIST (the name is taken); errno of shm_open,
/// ftruncate or mmap.
ZCX_API ZCX_NODISCARD int zcx_shm_segment_create_named(const char* name, int64_t capacity,
                                                       zcx_shm_segment_t** out,
                                                       zcx_error_t* err);

/// Removes the name of a POSIX segment from /dev/shm (the memory lives while it is mapped or
/// open). @return 0; EINVAL (a memfd segment); errno of shm_unlink.
ZCX_API ZCX_NODISCARD int zcx_shm_segment_unlink(zcx_shm_segment_t* segment, zcx_error_t* err);

ZCX_API zcx_shm_kind_t zcx_shm_segment_kind(const zcx_shm_segment_t* segment);
/// The segment's descriptor (borrowed: it stays open while the segment lives).
ZCX_API int zcx_shm_segment_fd(const zcx_shm_segment_t* segment);
/// A path another process of the same user can open: "/proc/<pid>/fd/<n>" for a memfd (valid
/// while this process lives and keeps the segment), "/dev/shm/<name>" for a POSIX segment.
ZCX_API const char* zcx_shm_segment_path(const zcx_shm_segment_t* segment);
/// The start of the producer's mapping (read-only after publishing).
ZCX_API void* zcx_shm_segment_data(const zcx_shm_segment_t* segment);
/// The mapped capacity in bytes.
ZCX_API int64_t zcx_shm_segment_capacity(const zcx_shm_segment_t* segment);
/// The file size: the capacity before publishing, the Arrow file's size after.
ZCX_API int64_t zcx_shm_segment_size(const zcx_shm_segment_t* segment);
/// Whether zcx_shm_publish succeeded on the segment.
ZCX_API bool zcx_shm_segment_published(const zcx_shm_segment_t* segment);
/// Whether the segment is sealed against writes and shrinking (memfd after publishing).
ZCX_API bool zcx_shm_segment_sealed(const zcx_shm_segment_t* segment);

ZCX_API void zcx_shm_segment_retain(zcx_shm_segment_t* segment);
/// Drops a reference; the last one unmaps the segment and closes its descriptor.
ZCX_API void zcx_shm_segment_release(zcx_shm_segment_t* segment);

// ---------------------------------------------------------------------------------------------
// The memory resource over a segment

/// Options of zcx_shm_mr_create. Start with zcx_shm_mr_options_init.
typedef struct zcx_shm_mr_options {
  size_t struct_size;  ///< sizeof(zcx_shm_mr_options_t)
  /// Bytes reserved at the start of the segment for the file magic, the schema and the
  /// metadata of every record batch and dictionary (default 64 KiB, rounded up to 64;
  /// about 200 bytes per batch plus 32 per column buffer are needed).
  int64_t header_size;
} zcx_shm_mr_options_t;

ZCX_API void zcx_shm_mr_options_init(zcx_shm_mr_options_t* options);

/// A resource that sub-allocates the segment (retained) after its header area: first fit
/// over an address-ordered free list with coalescing, 64-byte granularity, bookkeeping in
/// host memory outside the segment. Freed blocks are reused; a free of a pointer it did not
/// hand out, or a second free, is EINVAL and changes nothing. After zcx_shm_publish it
/// refuses allocations (EROFS). Device CPU; named "shm(<label>)". Thread-safe (one mutex).
/// `options` may be NULL. A segment takes one resource.
/// @return 0; EINVAL (bad options, header larger than the segment, the segment already has
/// a resource or is published); ENOMEM.
ZCX_API ZCX_NODISCARD int zcx_shm_mr_create(zcx_shm_segment_t* segment,
                                            const zcx_shm_mr_options_t* options,
                                            zcx_mr_t** out, zcx_error_t* err);

/// The segment of a shm resource (borrowed), or NULL when `mr` is not one.
ZCX_API zcx_shm_segment_t* zcx_shm_mr_segment(const zcx_mr_t* mr);

// ---------------------------------------------------------------------------------------------
// Publishing

/// Lays out `batches` (n >= 0, each of `schema`) as an Arrow IPC file in the segment of
/// `mr`, without copying the buffers that already live in the segment (buffers elsewhere,
/// and slices that need normalizing, are copied into it), then makes the producer's mapping
/// read-only, cuts the file to size and, for a memfd, seals it. Dictionaries are written
/// once; every batch must carry dictionaries equal to the first batch's. `metadata` (may be
/// NULL) becomes the footer's custom metadata. Once published a segment cannot be published
/// again. On failure the segment is left writable and unpublished.
/// @return 0; EINVAL (not a shm resource, schema mismatch, already published, differing
/// dictionaries); ENOSPC (the header area or the segment is too small; the message says how
/// much is needed); ENOTSUP (a type the IPC writer cannot write); ENOMEM; errno of the
/// platform calls.
ZCX_API ZCX_NODISCARD int zcx_shm_publish(zcx_mr_t* mr, zcx_schema_t* schema,
                                          zcx_batch_t* const* batches, int32_t n,
                                          const zcx_metadata_t* metadata, zcx_error_t* err);

// ---------------------------------------------------------------------------------------------
// Attaching

/// Attach flags.
enum {
  /// Accept a segment that is not sealed (a POSIX segment, a plain file) when it belongs to
  /// this process's user and has no group or other permissions.
  ZCX_SHM_ATTACH_TRUST_UNSEALED = 1u << 0,
};

/// Options of the attach calls. Start with zcx_shm_attach_options_init.
typedef struct zcx_shm_attach_options {
  size_t struct_size;  ///< sizeof(zcx_shm_attach_options_t)
  uint32_t flags;      ///< ZCX_SHM_ATTACH_*
  /// Skip the full validation of arrays (the flatbuffers and sizes are still checked).
  bool trusted;
  zcx_mr_t* mr;  ///< memory for what must be copied (NULL: the default resource)
  /// Map the segment copy-on-write (MAP_PRIVATE with PROT_READ | PROT_WRITE) instead of
  /// read-only (default false). Still zero-copy: pages are the segment's until written. The
  /// arrays' buffers are then not flagged ZCX_BUFFER_READONLY, so their tensors are writable
  /// and legacy DLPack consumers (NumPy 1.x, PyTorch 1.x) may alias them; a write changes
  /// only this process's copy of that page, never the segment nor what other readers see. A
  /// sealed memfd allows this mapping (F_SEAL_WRITE only forbids shared writable ones).
  bool copy_on_write;
} zcx_shm_attach_options_t;

ZCX_API void zcx_shm_attach_options_init(zcx_shm_attach_options_t* options);

/// Checks the seals of `fd` (borrowed), maps it read-only (copy-on-write when the options
/// say copy_on_write) and opens the Arrow file in it.
/// Arrays read from the reader point into the mapping, which lives while the reader or any
/// array does; `fd` may be closed after the call. `options` may be NULL.
/// @return 0; EPERM (not sealed, and not trusted; or trusted but owned by another user or
/// open to group or others); EINVAL (not an Arrow file, with the reason); ENOTSUP; ENOMEM;
/// errno of fstat or mmap.
ZCX_API ZCX_NODISCARD int zcx_shm_attach_fd(int fd, const zcx_shm_attach_options_t* options,
                                            zcx_ipc_file_reader_t** out, zcx_error_t* err);

/// Opens `path` read-only ("/proc/<pid>/fd/<n>", "/dev/shm/<name>", a file) and attaches it
/// as zcx_shm_attach_fd does. @return as zcx_shm_attach_fd, plus errno of open.
ZCX_API ZCX_NODISCARD int zcx_shm_attach_path(const char* path,
                                              const zcx_shm_attach_options_t* options,
                                              zcx_ipc_file_reader_t** out, zcx_error_t* err);

// ---------------------------------------------------------------------------------------------
// Passing descriptors

/// Sends `fd` (borrowed) over the connected Unix socket `sock` (SCM_RIGHTS) with one byte of
/// data. @return 0; EINVAL (bad descriptor); errno of sendmsg.
ZCX_API ZCX_NODISCARD int zcx_shm_send_fd(int sock, int fd, zcx_error_t* err);

/// Receives one descriptor from `sock` (close-on-exec); the caller owns *fd.
/// @return 0; EPIPE (the peer closed the socket); EBADMSG (a message without a descriptor);
/// errno of recvmsg.
ZCX_API ZCX_NODISCARD int zcx_shm_recv_fd(int sock, int* fd, zcx_error_t* err);

#ifdef __cplusplus
}
#endif

#endif  // ZCX_SHM_H
