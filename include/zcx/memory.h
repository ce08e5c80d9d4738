// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// zcx memory: streams and events, memory resources, the stream-ordered pool and adaptors.
//
// Contract:
// - A memory resource (zcx_mr_t) hands out memory on one device: allocate(size, alignment,
//   stream) and deallocate(ptr, size, stream). Resources compose through an upstream, e.g.
//   stats(limit(pool(system))). Every resource holds a reference to its upstream, so the
//   caller may release its own reference to the upstream right after creating the adaptor.
// - A resource is thread-safe unless its doc comment says otherwise.
// - `stream` NULL means synchronous: the memory is usable by any thread at once. Otherwise
//   the memory is stream-ordered as CUDA's cudaMallocAsync: it may be used by work enqueued
//   on `stream` after the call; a block freed on stream A is reused at once by later work
//   on A, and by work on another stream only after the event recorded at the free has
//   completed.
// - deallocate takes the size that was asked of allocate. Freeing a pointer the resource
//   does not own, freeing twice or with the wrong size is reported as EINVAL where the
//   resource can tell (the pool and the tracking adaptor always can), and the resource
//   stays consistent.
#ifndef ZCX_MEMORY_H
#define ZCX_MEMORY_H

#include <stdio.h>

#include "zcx/core.h"

#ifdef __cplusplus
extern "C" {
#endif

// ---------------------------------------------------------------------------------------------
// Streams and events

/// An ordered queue of work on a device. Reference counted; thread-safe.
typedef struct zcx_stream zcx_stream_t;

/// A point in a stream's queue; complete once all work enqueued before it has run.
/// Reference counted; thread-safe.
typedef struct zcx_event zcx_event_t;

/// A unit of work for a host stream.
typedef void (*zcx_task_fn)(void* arg);

/// Creates a host stream: a worker thread that runs enqueued tasks one at a time, in order.
/// Its device is the CPU, its kind "host". Recording an event costs no task: the event is
/// complete once every task enqueued before it has run.
/// @return 0, ENOMEM, EAGAIN (no thread could be started), EINVAL (out is NULL).
ZCX_API ZCX_NODISCARD int zcx_host_stream_create(zcx_stream_t** out, zcx_error_t* err);

/// Enqueues `fn(arg)` on a host stream. The task runs on the stream's thread, after every
/// task enqueued before it.
/// @return 0, ENOMEM, EINVAL, ENOTSUP (not a host stream).
ZCX_API ZCX_NODISCARD int zcx_stream_enqueue(zcx_stream_t* stream, zcx_task_fn fn, void* arg,
                                             zcx_error_t* err);

/// Records an event at the current end of the stream's queue. The caller owns *out.
/// @return 0, ENOMEM, EINVAL.
ZCX_API ZCX_NODISCARD int zcx_stream_record(zcx_stream_t* stream, zcx_event_t** out,
                                            zcx_error_t* err);

/// Makes later work on `stream` wait until `event` has completed (which may belong to
/// another stream). Returns at once.
/// @return 0, ENOMEM, EINVAL.
ZCX_API ZCX_NODISCARD int zcx_stream_wait_event(zcx_stream_t* stream, zcx_event_t* event,
                                                zcx_error_t* err);

/// Blocks until all work enqueued on the stream so far has run.
/// @return 0, EINVAL (NULL, or called by a task of the same host stream, which would wait
/// for itself), or the status of the device.
ZCX_API ZCX_NODISCARD int zcx_stream_synchronize(zcx_stream_t* stream, zcx_error_t* err);

/// The stream's device.
ZCX_API zcx_device_t zcx_stream_device(const zcx_stream_t* stream);

/// A short name for the kind of stream ("host", "cuda").
ZCX_API const char* zcx_stream_kind(const zcx_stream_t* stream);

ZCX_API void zcx_stream_retain(zcx_stream_t* stream);
/// Drops a reference; the last one waits for the queued work to finish, then frees. Events
/// hold a reference to their stream. When the last reference is dropped on a host stream's
/// worker thread (by a task), the stream finishes its queue and frees itself without
/// blocking that thread.
ZCX_API void zcx_stream_release(zcx_stream_t* stream);

/// Whether the event has completed. Does not block.
ZCX_API bool zcx_event_query(zcx_event_t* event);

/// Blocks until the event has completed.
/// @return 0, EINVAL, or the status of the device.
ZCX_API ZCX_NODISCARD int zcx_event_wait(zcx_event_t* event, zcx_error_t* err);

/// The stream the event was recorded on (borrowed).
ZCX_API zcx_stream_t* zcx_event_stream(const zcx_event_t* event);

ZCX_API void zcx_event_retain(zcx_event_t* event);
ZCX_API void zcx_event_release(zcx_event_t* event);

// ---------------------------------------------------------------------------------------------
// Memory resources

typedef struct zcx_mr zcx_mr_t;

/// Statistics a resource can report. Fields a resource does not know are -1.
/// Starts with its own size so that callers built against an older header keep working.
typedef struct zcx_mr_stats {
  size_t struct_size;          ///< sizeof(zcx_mr_stats_t), set by the caller
  int64_t current_bytes;       ///< bytes in live allocations (as requested)
  int64_t peak_bytes;          ///< high-water mark of current_bytes
  int64_t total_bytes;         ///< bytes ever allocated
  int64_t current_count;       ///< live allocations
  int64_t peak_count;          ///< high-water mark of current_count
  int64_t allocations;         ///< successful allocate calls
  int64_t frees;               ///< successful deallocate calls
  int64_t failures;            ///< allocate calls that failed
  int64_t reserved_bytes;      ///< bytes drawn from the upstream and held now
  int64_t peak_reserved_bytes; ///< high-water mark of reserved_bytes
  int64_t free_bytes;          ///< reserved bytes not handed out (cached)
  int64_t largest_free_block;  ///< largest single block that could be handed out now
  double fragmentation;        ///< 1 - largest_free_block / free_bytes (0 when nothing free)
} zcx_mr_stats_t;

/// The operations of a memory resource; see "Implementing a resource" below.
typedef struct zcx_mr_ops {
  size_t struct_size;  ///< sizeof(zcx_mr_ops_t)
  const char* kind;    ///< "system", "pool", "stats", ...
  int (*allocate)(zcx_mr_t* mr, size_t size, size_t alignment, zcx_stream_t* stream,
                  void** out, zcx_error_t* err);
  int (*deallocate)(zcx_mr_t* mr, void* ptr, size_t size, zcx_stream_t* stream,
                    zcx_error_t* err);
  /// Optional: fill the fields of *stats that this resource knows (all start at -1).
  int (*get_stats)(zcx_mr_t* mr, zcx_mr_stats_t* stats, zcx_error_t* err);
  /// Frees the resource itself (called once, by the last zcx_mr_release).
  void (*destroy)(zcx_mr_t* mr);
} zcx_mr_ops_t;

/// The header every resource starts with. Fields are read-only after zcx_mr_init.
struct zcx_mr {
  const zcx_mr_ops_t* ops;
  zcx_mr_t* upstream;       ///< owned reference, or NULL
  zcx_device_t device;
  int64_t refcount_;        ///< private: use zcx_mr_retain / zcx_mr_release (atomic)
  char name[64];            ///< e.g. "pool(system)"
};

/// Default alignment of zcx allocations: 64 bytes, as the Arrow format recommends.
#define ZCX_DEFAULT_ALIGNMENT 64

/// Allocates `size` bytes aligned to `alignment` (a power of two; 0 means 64). `size` 0
/// is EINVAL.
/// @return 0; EINVAL (bad argument); ENOMEM (with the size and the resource's state).
ZCX_API ZCX_NODISCARD int zcx_mr_allocate(zcx_mr_t* mr, size_t size, size_t alignment,
                                          zcx_stream_t* stream, void** out, zcx_error_t* err);

/// Gives back memory from zcx_mr_allocate on the same resource, with the same size.
/// @return 0; EINVAL (NULL, unknown pointer, double free, wrong size).
ZCX_API ZCX_NODISCARD int zcx_mr_deallocate(zcx_mr_t* mr, void* ptr, size_t size,
                                            zcx_stream_t* stream, zcx_error_t* err);

/// Fills *stats (set stats->struct_size first). Fields the resource does not know are -1.
/// @return 0; ENOTSUP (the resource keeps no statistics); EINVAL.
ZCX_API ZCX_NODISCARD int zcx_mr_get_stats(zcx_mr_t* mr, zcx_mr_stats_t* stats,
                                           zcx_error_t* err);

ZCX_API const char* zcx_mr_name(const zcx_mr_t* mr);
ZCX_API const char* zcx_mr_kind(const zcx_mr_t* mr);
ZCX_API zcx_device_t zcx_mr_device(const zcx_mr_t* mr);
/// The upstream resource (borrowed), or NULL.
ZCX_API zcx_mr_t* zcx_mr_upstream(const zcx_mr_t* mr);

ZCX_API void zcx_mr_retain(zcx_mr_t* mr);
/// Drops a reference; the last one destroys the resource (and drops its upstream).
ZCX_API void zcx_mr_release(zcx_mr_t* mr);

/// The process-wide default resource, pool(system) with default options, created on first
/// use (thread-safe), or the one set with zcx_set_default_mr. Borrowed: do not release it
/// (retain it to keep it across a zcx_set_default_mr). NULL only if the built-in pool
/// could not be created (out of memory).
ZCX_API zcx_mr_t* zcx_default_mr(void);

/// Replaces the default resource (the library takes a reference and drops the one it held
/// on the previous choice; NULL restores the built-in pool). Memory from the old default
/// must still be freed to the old resource, so callers keep a reference to it (buffers do).
/// Thread-safe: a buffer being allocated from the old default on another thread meanwhile
/// keeps that resource alive.
ZCX_API void zcx_set_default_mr(zcx_mr_t* mr);

// ---------------------------------------------------------------------------------------------
// Implementing a resource

/// Initializes the header of a new resource with one reference. Takes a reference to
/// `upstream` (may be NULL). `name` is copied (truncated to fit).
ZCX_API void zcx_mr_init(zcx_mr_t* mr, const zcx_mr_ops_t* ops, zcx_device_t device,
                         zcx_mr_t* upstream, const char* name);

// ---------------------------------------------------------------------------------------------
// Built-in resources

/// Options of the system resource.
typedef struct zcx_system_mr_options {
  size_t struct_size;      ///< sizeof(zcx_system_mr_options_t)
  size_t mmap_threshold;   ///< blocks of at least this size come straight from mmap (default 1 MiB)
  bool huge_pages;         ///< advise transparent huge pages on mmapped blocks
} zcx_system_mr_options_t;

ZCX_API void zcx_system_mr_options_init(zcx_system_mr_options_t* options);

/// Aligned host memory: small blocks from posix_memalign, blocks of at least mmap_threshold
/// by mmap (over-mapped and trimmed for alignments above the page size, returned to the OS on
/// free). `options` may be NULL for the defaults. Keeps counters (get_stats: reserved equals
/// current, nothing is cached) but no per-block bookkeeping, so it cannot detect foreign
/// pointers. A free on a stream first synchronizes the stream, as the memory goes back at
/// once. Named "system". Thread-safe, lock-free.
/// @return 0; EINVAL (out NULL, bad struct_size, mmap_threshold 0); ENOMEM.
ZCX_API ZCX_NODISCARD int zcx_system_mr_create(const zcx_system_mr_options_t* options,
                                               zcx_mr_t** out, zcx_error_t* err);

/// Options of the pool.
typedef struct zcx_pool_options {
  size_t struct_size;        ///< sizeof(zcx_pool_options_t)
  size_t initial_size;       ///< bytes drawn from upstream at creation (0: none until needed)
  size_t maximum_size;       ///< most bytes ever held from upstream (0: no limit)
  size_t min_chunk_size;     ///< smallest chunk drawn from upstream (default 2 MiB)
  /// Each new chunk is at least this times what stays reserved beside it (default 0.5), except
  /// for a request of at least min_chunk_size and an eighth of what is reserved, which gets a
  /// chunk of just its size: growth stays geometric (few upstream calls) while big blocks
  /// leave no slack reserved beside them.
  double growth_factor;
  /// After a free leaves a chunk wholly free while more than this many bytes are cached, the
  /// chunk goes back upstream: a synchronous free, or blocks freed on a stream once their
  /// event has completed (seen at the next free or trim). Default SIZE_MAX: keep everything
  /// until zcx_pool_mr_trim or destruction; 0: give chunks back as soon as they are free.
  size_t release_threshold;
  /// Requests up to this size (and alignment up to 64) use size classes (default 4 KiB;
  /// 0 off; values above 64 KiB count as 64 KiB).
  size_t small_block_max;
} zcx_pool_options_t;

ZCX_API void zcx_pool_options_init(zcx_pool_options_t* options);

/// A stream-ordered pool that sub-allocates chunks drawn from `upstream` (retained; NULL
/// means a new system resource). Coalescing good fit (two-level segregated fit, O(1)) with
/// size classes for small blocks; its bookkeeping lives outside the memory it manages, so it
/// serves device and shared memory too. Large blocks freed synchronously are kept apart for
/// a while, so that a request of about the same size (same size bin, at most 1/16 larger)
/// takes one back in O(1); they are merged with their neighbours as soon as a request finds
/// none of them fitting, before the pool grows, and on statistics and trim, so placement,
/// statistics and growth are as if every free merged at once. When the pool must grow,
/// chunks that hold no block are folded into the new chunk (given back once it is drawn). Thread-safe (one mutex). Freed and cached blocks are
/// poisoned for ASan and valgrind (host-accessible devices only; a block freed on a stream
/// once its event has completed). When nothing fits and the upstream refuses or
/// maximum_size is reached, an allocation waits for the pending frees of other streams and
/// retries before failing with ENOMEM (the message names the request, reserved, in use,
/// largest free block and maximum). At destruction the pool waits for pending stream
/// frees, chunks go back upstream and live blocks are reported as leaks to the sink set
/// with zcx_pool_mr_set_leak_report (none by default: the library never prints). Named
/// "pool(<upstream>)".
/// @return 0; EINVAL (out NULL, bad options, initial_size > maximum_size); ENOMEM (also when
/// initial_size cannot be drawn).
ZCX_API ZCX_NODISCARD int zcx_pool_mr_create(zcx_mr_t* upstream,
                                             const zcx_pool_options_t* options,
                                             zcx_mr_t** out, zcx_error_t* err);

/// Returns cached chunks that hold no live block to the upstream while more than
/// `keep_bytes` are cached (SIZE_MAX keeps every chunk; 0 releases all that can be), after
/// giving back empty slabs of size classes. Waits for the pending stream frees first.
/// @return 0; EINVAL (not a pool).
ZCX_API ZCX_NODISCARD int zcx_pool_mr_trim(zcx_mr_t* pool, size_t keep_bytes, zcx_error_t* err);

/// Where the pool writes one line per live block when it is destroyed (NULL: nowhere).
/// @return 0; EINVAL (not a pool).
ZCX_API ZCX_NODISCARD int zcx_pool_mr_set_leak_report(zcx_mr_t* pool, FILE* sink,
                                                      zcx_error_t* err);

/// Wraps `upstream` (retained) and counts what passes through it: current, peak and total
/// bytes, current and peak counts, allocations, frees and failures (allocations the upstream
/// refused). Frees the upstream refuses are not counted. zcx_mr_get_stats reports these
/// counts and merges the upstream's reserved_bytes, peak_reserved_bytes, free_bytes,
/// largest_free_block and fragmentation when the upstream keeps statistics (else they are
/// -1). Named "stats(<upstream>)". Thread-safe, lock-free.
/// @return 0; EINVAL (upstream or out is NULL); ENOMEM.
ZCX_API ZCX_NODISCARD int zcx_stats_mr_create(zcx_mr_t* upstream, zcx_mr_t** out,
                                              zcx_error_t* err);

/// Wraps `upstream` (retained) and fails any allocation that would bring the bytes in use
/// (the sizes asked of allocate) over `limit_bytes` with ENOMEM and a message naming the
/// request, the bytes in use and the limit; the upstream is not asked. A free of more bytes
/// than are in use is EINVAL. get_stats reports current_bytes (the bytes in use) and the
/// upstream's reservation fields. Named "limit(<upstream>)". Thread-safe, lock-free.
/// @return 0; EINVAL (upstream or out is NULL); ENOMEM.
ZCX_API ZCX_NODISCARD int zcx_limit_mr_create(zcx_mr_t* upstream, size_t limit_bytes,
                                              zcx_mr_t** out, zcx_error_t* err);

/// Wraps `upstream` (retained) and writes each allocate and free to the file `path`
/// (created or truncated) in the CSV format of RMM's logging_resource_adaptor, so that
/// traces of either can be replayed by the other's tools:
///
///     Thread,Time,Action,Pointer,Size,Stream
///     81234,14:03:07.123456,allocate,0x7f8a40000000,1024,0
///     81234,14:03:07.123577,allocate failure,(nil),1099511627776,0x55d0c2a1e2b0
///     81234,14:03:07.123602,free,0x7f8a40000000,1024,0
///
/// - Thread: the OS thread id (gettid), in decimal.
/// - Time: the local wall-clock time of day, HH:MM:SS.uuuuuu (microseconds).
/// - Action: `allocate`, `free` or `allocate failure` (the upstream refused; arguments
///   refused by zcx_mr_allocate itself are not logged).
/// - Pointer: lower-case hex with 0x, as printf's %p writes it; `(nil)` for a failure.
/// - Size: the bytes asked for, in decimal.
/// - Stream: the stream handle in lower-case hex with 0x, `0` for NULL (synchronous).
///
/// A free is logged before it reaches the upstream, an allocation after. Lines of concurrent
/// threads never interleave. The file is buffered and closed when the adaptor is destroyed.
/// get_stats shows the upstream's statistics. Named "trace(<upstream>)". Thread-safe.
/// @return 0; EINVAL (upstream, path or out is NULL); ENOMEM; the errno of opening `path`
/// (ENOENT, EACCES, ...), with the path in the message.
ZCX_API ZCX_NODISCARD int zcx_trace_mr_create(zcx_mr_t* upstream, const char* path,
                                              zcx_mr_t** out, zcx_error_t* err);

/// Wraps `upstream` (retained) and remembers every live allocation (pointer, size, stream).
/// A free of an unknown pointer (never allocated here, or freed already) or with another
/// size than was allocated fails with EINVAL before reaching the upstream. get_stats reports
/// current_bytes and current_count and the upstream's reservation fields. Named
/// "tracking(<upstream>)". Thread-safe (one mutex around a hash table; the upstream is
/// called without it).
/// @return 0; EINVAL (upstream or out is NULL); ENOMEM.
ZCX_API ZCX_NODISCARD int zcx_tracking_mr_create(zcx_mr_t* upstream, zcx_mr_t** out,
                                                 zcx_error_t* err);

/// Number of live allocations a tracking adaptor knows of, and their bytes (either out
/// pointer may be NULL). @return 0; EINVAL (not a tracking adaptor).
ZCX_API ZCX_NODISCARD int zcx_tracking_mr_outstanding(zcx_mr_t* mr, int64_t* count,
                                                      int64_t* bytes, zcx_error_t* err);

/// Writes one line per live allocation to `out` (borrowed), in allocation order:
///
///     tracking(pool(system)): live allocation #12 of 1024 bytes at 0x7f8a40000000 on stream 0
///
/// (#n counts the adaptor's allocations from 0; the stream is written as in the trace.)
/// @return 0; EINVAL (not a tracking adaptor, `out` NULL); ENOMEM; EIO (a write failed).
ZCX_API ZCX_NODISCARD int zcx_tracking_mr_report(zcx_mr_t* mr, FILE* out, zcx_error_t* err);

/// Sets where the adaptor writes the report above when it is destroyed with live
/// allocations (borrowed: it must stay open until then; NULL, the default: nowhere, as the
/// library never prints). The live blocks themselves are not freed.
/// @return 0; EINVAL (not a tracking adaptor).
ZCX_API ZCX_NODISCARD int zcx_tracking_mr_set_report(zcx_mr_t* mr, FILE* sink,
                                                     zcx_error_t* err);

#ifdef __cplusplus
}
#endif

#endif  // ZCX_MEMORY_H
