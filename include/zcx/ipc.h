// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// zcx ipc: the Arrow IPC stream and file formats.
//
// Contract:
// - Readers take input from memory (a zcx_buffer_t), from a file mapped into memory, or from
//   a file descriptor (a file or a pipe). From memory and from a mapping, reading is
//   zero-copy: every array buffer is a zcx_buffer_slice of the one buffer that holds the
//   input (or owns the mapping), so the memory lives while any array does. From a file
//   descriptor, message bodies are read into memory from the reader's resource. Compressed
//   bodies (LZ4_FRAME, ZSTD) are decompressed into memory from that resource.
// - Input is untrusted: every flatbuffer is verified before it is read, every buffer must lie
//   inside its message body, and every array is fully validated (ZCX_VALIDATE_FULL) unless the
//   options say the input is trusted (then only the cheap checks run). Bad input fails with
//   EINVAL (or ENOTSUP for what zcx does not read: big-endian data, metadata before V4,
//   Tensor messages) and a message naming the message index, the field and the buffer.
// - Writers write 8-byte aligned metadata and 64-byte aligned bodies (each buffer padded to
//   64 bytes), optionally compressed with LZ4_FRAME or ZSTD. Dictionaries are written before
//   the batches that use them; in streams a changed dictionary is written again (as a delta
//   when the old one is a prefix of the new one and deltas are enabled), in files only
//   deltas are allowed.
// - Readers and writers are used by one thread at a time. What they hand out (schemas,
//   batches) is immutable and reference counted, and outlives the reader.
#ifndef ZCX_IPC_H
#define ZCX_IPC_H

#include "zcx/array.h"
#include "zcx/buffer.h"
#include "zcx/core.h"
#include "zcx/memory.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Body compression codecs.
typedef enum zcx_ipc_compression {
  ZCX_IPC_COMPRESSION_NONE = 0,
  ZCX_IPC_COMPRESSION_LZ4_FRAME = 1,
  ZCX_IPC_COMPRESSION_ZSTD = 2,
} zcx_ipc_compression_t;

/// Options of readers. Start with zcx_ipc_read_options_init.
typedef struct zcx_ipc_read_options {
  size_t struct_size;   ///< sizeof(zcx_ipc_read_options_t)
  bool trusted;         ///< skip the full validation of arrays (flatbuffers are still verified)
  zcx_mr_t* mr;         ///< memory for copies and decompression (NULL: the default resource)
  int64_t max_message_size;  ///< largest metadata + body accepted from a descriptor (default 2^40)
  /// Map files (the open_path calls) copy-on-write: MAP_PRIVATE with PROT_READ | PROT_WRITE
  /// instead of read-only (default false). Still zero-copy: pages are shared with the page
  /// cache until written. The arrays' buffers are then not flagged ZCX_BUFFER_READONLY, so
  /// their tensors are writable and consumers that cannot be told "read-only" (legacy DLPack:
  /// NumPy 1.x, PyTorch 1.x) may alias them; a write changes only this process's copy of that
  /// page, never the file nor what other readers see. Writes are still a breach of the
  /// arrays' immutability contract (other arrays of the same mapping see them). Ignored by
  /// the open_buffer and open_fd calls (a buffer keeps its own flags; a descriptor is read
  /// into writable memory).
  bool copy_on_write;
} zcx_ipc_read_options_t;

ZCX_API void zcx_ipc_read_options_init(zcx_ipc_read_options_t* options);

/// Options of writers. Start with zcx_ipc_write_options_init.
typedef struct zcx_ipc_write_options {
  size_t struct_size;                ///< sizeof(zcx_ipc_write_options_t)
  zcx_ipc_compression_t compression; ///< default NONE
  int compression_level;             ///< 0: the codec's default
  bool dictionary_deltas;            ///< write grown dictionaries as deltas (default true)
  zcx_mr_t* mr;                      ///< scratch memory (NULL: the default resource)
} zcx_ipc_write_options_t;

ZCX_API void zcx_ipc_write_options_init(zcx_ipc_write_options_t* options);

// ---------------------------------------------------------------------------------------------
// Stream reader

/// Reads record batches from an Arrow IPC stream. One thread at a time.
typedef struct zcx_ipc_reader zcx_ipc_reader_t;

/// Opens a stream held in `data` (retained; batches borrow slices of it). Reads the schema.
/// `options` may be NULL. @return 0; EINVAL (bad input); ENOTSUP; ENOMEM.
ZCX_API ZCX_NODISCARD int zcx_ipc_reader_open_buffer(zcx_buffer_t* data,
                                                     const zcx_ipc_read_options_t* options,
                                                     zcx_ipc_reader_t** out, zcx_error_t* err);

/// Opens a stream file by mapping it read-only, or copy-on-write when the options say
/// copy_on_write (zero-copy either way; the mapping lives while any batch does).
/// @return as zcx_ipc_reader_open_buffer, plus EIO / errno of open and mmap.
ZCX_API ZCX_NODISCARD int zcx_ipc_reader_open_path(const char* path,
                                                   const zcx_ipc_read_options_t* options,
                                                   zcx_ipc_reader_t** out, zcx_error_t* err);

/// Opens a stream read from `fd` (a file, pipe or socket; borrowed, not closed), copying
/// each message into memory from the options' resource.
ZCX_API ZCX_NODISCARD int zcx_ipc_reader_open_fd(int fd, const zcx_ipc_read_options_t* options,
                                                 zcx_ipc_reader_t** out, zcx_error_t* err);

/// The stream's schema (borrowed; retain it to keep it past the reader).
ZCX_API zcx_schema_t* zcx_ipc_reader_schema(const zcx_ipc_reader_t* reader);

/// Reads the next record batch (dictionary messages before it are applied). At the end of
/// the stream *out is NULL and 0 is returned. The caller owns *out.
/// @return 0; EINVAL; ENOTSUP; ENOMEM; EIO.
ZCX_API ZCX_NODISCARD int zcx_ipc_reader_next(zcx_ipc_reader_t* reader, zcx_batch_t** out,
                                              zcx_error_t* err);

/// The custom metadata of the message of the last batch read (borrowed, valid until the
/// next call), or NULL when it had none.
ZCX_API const zcx_metadata_t* zcx_ipc_reader_batch_metadata(const zcx_ipc_reader_t* reader);

/// Number of messages read so far (schema included).
ZCX_API int64_t zcx_ipc_reader_message_count(const zcx_ipc_reader_t* reader);

ZCX_API void zcx_ipc_reader_destroy(zcx_ipc_reader_t* reader);

// ---------------------------------------------------------------------------------------------
// File reader

/// Random access to the record batches of an Arrow IPC file. One thread at a time.
typedef struct zcx_ipc_file_reader zcx_ipc_file_reader_t;

/// Opens a file held in `data` (retained). Reads the footer, the schema and the
/// dictionaries. @return 0; EINVAL; ENOTSUP; ENOMEM.
ZCX_API ZCX_NODISCARD int zcx_ipc_file_reader_open_buffer(zcx_buffer_t* data,
                                                          const zcx_ipc_read_options_t* options,
                                                          zcx_ipc_file_reader_t** out,
                                                          zcx_error_t* err);

/// Opens a file by mapping it read-only, or copy-on-write when the options say copy_on_write
/// (zero-copy either way). @return as zcx_ipc_file_reader_open_buffer, plus errno of open and
/// mmap.
ZCX_API ZCX_NODISCARD int zcx_ipc_file_reader_open_path(const char* path,
                                                        const zcx_ipc_read_options_t* options,
                                                        zcx_ipc_file_reader_t** out,
                                                        zcx_error_t* err);

/// Opens a file read whole from `fd` (borrowed) into memory from the options' resource.
ZCX_API ZCX_NODISCARD int zcx_ipc_file_reader_open_fd(int fd,
                                                      const zcx_ipc_read_options_t* options,
                                                      zcx_ipc_file_reader_t** out,
                                                      zcx_error_t* err);

/// The file's schema (borrowed).
ZCX_API zcx_schema_t* zcx_ipc_file_reader_schema(const zcx_ipc_file_reader_t* reader);
/// Number of record batches in the footer.
ZCX_API int64_t zcx_ipc_file_reader_num_batches(const zcx_ipc_file_reader_t* reader);
/// The footer's custom metadata (borrowed), or NULL.
ZCX_API const zcx_metadata_t* zcx_ipc_file_reader_metadata(const zcx_ipc_file_reader_t* reader);

/// Reads batch `index` (0-based). The caller owns *out.
/// @return 0; EINVAL (bad index or bad input); ENOTSUP; ENOMEM.
ZCX_API ZCX_NODISCARD int zcx_ipc_file_reader_read(zcx_ipc_file_reader_t* reader, int64_t index,
                                                   zcx_batch_t** out, zcx_error_t* err);

ZCX_API void zcx_ipc_file_reader_destroy(zcx_ipc_file_reader_t* reader);

// ---------------------------------------------------------------------------------------------
// Writers

/// The two IPC formats.
typedef enum zcx_ipc_format {
  ZCX_IPC_STREAM = 0,
  ZCX_IPC_FILE = 1,
} zcx_ipc_format_t;

/// Writes record batches as an Arrow IPC stream or file. One thread at a time.
typedef struct zcx_ipc_writer zcx_ipc_writer_t;

/// A writer into memory; zcx_ipc_writer_take_buffer hands out the result. Writes the
/// schema (retained) at once. `options` may be NULL.
/// @return 0; EINVAL; ENOTSUP (a type zcx cannot write); ENOMEM.
ZCX_API ZCX_NODISCARD int zcx_ipc_writer_create(zcx_ipc_format_t format, zcx_schema_t* schema,
                                                const zcx_ipc_write_options_t* options,
                                                zcx_ipc_writer_t** out, zcx_error_t* err);

/// A writer into `fd` (borrowed, not closed; a pipe is fine for streams).
/// @return as zcx_ipc_writer_create, plus EIO (write failed).
ZCX_API ZCX_NODISCARD int zcx_ipc_writer_create_fd(zcx_ipc_format_t format, int fd,
                                                   zcx_schema_t* schema,
                                                   const zcx_ipc_write_options_t* options,
                                                   zcx_ipc_writer_t** out, zcx_error_t* err);

/// A writer into a new file at `path` (created or truncated, mode 0644), closed by finish or
/// destroy.
ZCX_API ZCX_NODISCARD int zcx_ipc_writer_create_path(zcx_ipc_format_t format, const char* path,
                                                     zcx_schema_t* schema,
                                                     const zcx_ipc_write_options_t* options,
                                                     zcx_ipc_writer_t** out, zcx_error_t* err);

/// Writes one batch (its schema must equal the writer's), preceded by the dictionaries it
/// needs. `metadata` (may be NULL) becomes the message's custom metadata. Slices are written
/// as their visible elements.
/// @return 0; EINVAL (schema mismatch, dictionary replaced in a file, writer finished);
/// ENOTSUP; ENOMEM; EIO.
ZCX_API ZCX_NODISCARD int zcx_ipc_writer_write(zcx_ipc_writer_t* writer, zcx_batch_t* batch,
                                               const zcx_metadata_t* metadata,
                                               zcx_error_t* err);

/// Writes the end: the end-of-stream marker, or the footer and trailing magic of a file.
/// `metadata` (may be NULL) becomes the footer's custom metadata (files only).
/// @return 0; EINVAL (finished twice); ENOMEM; EIO.
ZCX_API ZCX_NODISCARD int zcx_ipc_writer_finish(zcx_ipc_writer_t* writer,
                                                const zcx_metadata_t* metadata,
                                                zcx_error_t* err);

/// Hands out what a memory writer wrote (after finish) as a buffer the caller owns.
/// @return 0; EINVAL (not a memory writer, not finished, already taken).
ZCX_API ZCX_NODISCARD int zcx_ipc_writer_take_buffer(zcx_ipc_writer_t* writer,
                                                     zcx_buffer_t** out, zcx_error_t* err);

/// Bytes written so far.
ZCX_API int64_t zcx_ipc_writer_bytes_written(const zcx_ipc_writer_t* writer);

ZCX_API void zcx_ipc_writer_destroy(zcx_ipc_writer_t* writer);

// ---------------------------------------------------------------------------------------------
// Whole-table helpers

/// Reads every batch of a stream or file held in `data`, whichever format it is (a file
/// starts with "ARROW1"). *schema_out (may be NULL) receives the schema; *batches_out an
/// array of *count batches, free with zcx_ipc_batches_free.
ZCX_API ZCX_NODISCARD int zcx_ipc_read_all(zcx_buffer_t* data,
                                           const zcx_ipc_read_options_t* options,
                                           zcx_schema_t** schema_out, zcx_batch_t*** batches_out,
                                           int64_t* count, zcx_error_t* err);

/// Releases `count` batches and the array that holds them.
ZCX_API void zcx_ipc_batches_free(zcx_batch_t** batches, int64_t count);

#ifdef __cplusplus
}
#endif

#endif  // ZCX_IPC_H
