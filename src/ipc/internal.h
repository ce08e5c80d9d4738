// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Internal declarations shared by the files of the ipc layer, grouped by the file that
// defines them.
#ifndef ZCX_SRC_IPC_INTERNAL_H
#define ZCX_SRC_IPC_INTERNAL_H

#include "core/internal.h"
#include "ipc/arrow_fbs.h"
#include "ipc/flatbuf.h"
#include "zcx/ipc.h"

// Continuation marker of the encapsulated message format, and the file magic.
#define ZCXI_IPC_CONTINUATION 0xFFFFFFFFu
#define ZCXI_IPC_MAGIC "ARROW1"
#define ZCXI_IPC_MAGIC_LEN 6
// Body buffers are padded to this; bodies start at multiples of it in what zcx writes.
#define ZCXI_IPC_BODY_ALIGN 64
// Buffers read at addresses that are not multiples of this are copied.
#define ZCXI_IPC_READ_ALIGN 8

// ---------------------------------------------------------------------------------------------
// src/ipc/os_map.c: the platform calls (open, mmap, read, write, close).

// Maps `path` into a buffer that owns the mapping: read-only (READONLY flag), or
// copy-on-write (MAP_PRIVATE, PROT_READ | PROT_WRITE, not flagged: writes stay private to
// the process). An empty file gives an empty buffer.
int zcxi_ipc_map_path(const char* path, bool copy_on_write, zcx_buffer_t** out,
                      zcx_error_t* err);
// Reads up to `n` bytes, retrying short reads; *got < n only at end of input.
int zcxi_ipc_read_fd(int fd, void* buf, size_t n, size_t* got, zcx_error_t* err);
// Reads everything left in `fd` into a buffer from `mr`.
int zcxi_ipc_read_fd_all(int fd, zcx_mr_t* mr, zcx_buffer_t** out, zcx_error_t* err);
// Writes all `n` bytes.
int zcxi_ipc_write_fd(int fd, const void* buf, size_t n, zcx_error_t* err);
// Writes every byte of the `n` entries of `iov` (which it may change), IOV_MAX at a time.
struct iovec;
int zcxi_ipc_writev_fd(int fd, struct iovec* iov, size_t n, zcx_error_t* err);
// Whether reserving the blocks of each message before writing it pays for `fd`: a regular
// file on ext4 or XFS, where writes into the page cache then skip the block reservation of
// delayed allocation page by page (on tmpfs it would zero pages about to be overwritten).
// *offset receives the descriptor's current position.
bool zcxi_ipc_prealloc_probe(int fd, int64_t* offset);
// Reserves [offset, offset + len) of `fd` without changing its size (a hint: false when the
// file system cannot, and nothing else happens).
bool zcxi_ipc_preallocate(int fd, int64_t offset, int64_t len);
// Creates or truncates `path` for writing.
int zcxi_ipc_create_file(const char* path, int* fd, zcx_error_t* err);
int zcxi_ipc_close_fd(int fd, zcx_error_t* err);
// Grows an anonymous mapping (*mem NULL: a new one) from old_cap to new_cap bytes, moving it
// without copying where needed; the capacities are multiples of the page size.
int zcxi_ipc_mem_grow(uint8_t** mem, size_t old_cap, size_t new_cap, zcx_error_t* err);
// Gives back the pages past the first `len` bytes; zcxi_ipc_mem_free(mem, len) then frees all.
void zcxi_ipc_mem_trim(uint8_t* mem, size_t cap, size_t len);
// Frees output memory: the largest mapping freed so far is kept (MADV_FREE) for the next
// memory writer, which takes it with zcxi_ipc_mem_cached.
void zcxi_ipc_mem_free(uint8_t* mem, size_t cap);
bool zcxi_ipc_mem_cached(uint8_t** mem, size_t* cap);

// ---------------------------------------------------------------------------------------------
// src/ipc/compress.c: LZ4_FRAME and ZSTD buffers.

// `codec` is ZCXI_FB_CODEC_*. Decompresses exactly `dst_len` bytes, else EINVAL.
int zcxi_ipc_decompress(int codec, const uint8_t* src, size_t src_len, uint8_t* dst,
                        size_t dst_len, zcx_error_t* err);
// Largest compressed size of `n` bytes.
size_t zcxi_ipc_compress_bound(int codec, size_t n);
// Compresses into dst (capacity from zcxi_ipc_compress_bound).
int zcxi_ipc_compress(int codec, int level, const uint8_t* src, size_t n, uint8_t* dst,
                      size_t cap, size_t* written, zcx_error_t* err);

// ---------------------------------------------------------------------------------------------
// src/ipc/metadata_read.c: flatbuffer Schema, Field, KeyValue to zcx.

// Decodes a verified Schema table. Big-endian schemas are ENOTSUP.
int zcxi_ipc_schema_from_fb(zcxi_fb_table_t schema, zcx_schema_t** out, zcx_error_t* err);
// Decodes the vector of KeyValue at field `id` of `t` into `md` (initialized by the call).
int zcxi_ipc_metadata_from_fb(zcxi_fb_table_t t, unsigned id, zcx_metadata_t* md,
                              zcx_error_t* err);

// ---------------------------------------------------------------------------------------------
// src/ipc/metadata_write.c: zcx to flatbuffer Schema and Message.

// Builds a Schema table. `dict_ids` holds the id of each dictionary-typed field, in the
// order of zcxi_ipc_walk_dictionaries.
zcxi_fb_ref_t zcxi_ipc_schema_to_fb(zcxi_fbb_t* b, const zcx_schema_t* schema,
                                    const int64_t* dict_ids, int* status, zcx_error_t* err);
// Builds a vector of KeyValue (0 when md is NULL or empty).
zcxi_fb_ref_t zcxi_ipc_metadata_to_fb(zcxi_fbb_t* b, const zcx_metadata_t* md);
// Finishes a V5 Message around `header` with custom metadata `md` (may be NULL); *data and
// *size describe the flatbuffer, which lives in `b` until it is reset.
int zcxi_ipc_message_finish(zcxi_fbb_t* b, uint8_t header_type, zcxi_fb_ref_t header,
                            int64_t body_length, const zcx_metadata_t* md, const uint8_t** data,
                            size_t* size, zcx_error_t* err);

// A Block of the file footer, laid out as the flatbuffer struct.
typedef struct zcxi_ipc_block {
  int64_t offset;
  int32_t meta_len;
  int32_t pad;
  int64_t body_len;
} zcxi_ipc_block_t;

// Finishes a V5 Footer of `schema` (dictionary ids as for zcxi_ipc_schema_to_fb), its
// dictionary and record batch blocks and custom metadata `md` (may be NULL).
int zcxi_ipc_footer_finish(zcxi_fbb_t* b, const zcx_schema_t* schema, const int64_t* dict_ids,
                           const zcxi_ipc_block_t* dicts, int32_t num_dicts,
                           const zcxi_ipc_block_t* batches, int32_t num_batches,
                           const zcx_metadata_t* md, const uint8_t** data, size_t* size,
                           zcx_error_t* err);

// ---------------------------------------------------------------------------------------------
// src/ipc/dictionary.c: the dictionaries of a schema.

// Calls fn for each dictionary-typed field, in pre-order (fields, then their children, and
// the children of a dictionary's value type after the dictionary field itself).
typedef int (*zcxi_ipc_dict_fn)(void* ctx, const zcx_field_t* field, zcx_error_t* err);
int zcxi_ipc_walk_dictionaries(const zcx_schema_t* schema, zcxi_ipc_dict_fn fn, void* ctx,
                               zcx_error_t* err);

typedef struct zcxi_ipc_dict {
  int64_t id;
  zcx_type_t* value_type;  // owned reference
  zcx_array_t* values;     // owned reference, NULL until a DictionaryBatch arrives
  const char* field_name;  // of the first field using it (borrowed from the schema)
} zcxi_ipc_dict_t;

typedef struct zcxi_ipc_memo {
  int32_t count;
  zcxi_ipc_dict_t* dicts;
} zcxi_ipc_memo_t;

// Collects the dictionaries of a schema (fields sharing an id must agree on the value type).
int zcxi_ipc_memo_init(zcxi_ipc_memo_t* memo, const zcx_schema_t* schema, zcx_error_t* err);
zcxi_ipc_dict_t* zcxi_ipc_memo_find(zcxi_ipc_memo_t* memo, int64_t id);
void zcxi_ipc_memo_reset(zcxi_ipc_memo_t* memo);
// The IPC dictionary id of each dictionary-typed field of `schema`, in walk order: the
// field's own id, or a fresh one past the largest. *ids (free it) has *n entries.
int zcxi_ipc_dictionary_ids(const zcx_schema_t* schema, int64_t** ids, int32_t* n,
                            zcx_error_t* err);
// Appends the dictionaries of `column` (borrowed) to out[*n..max), in walk order.
int zcxi_ipc_collect_dictionaries(zcx_array_t* column, zcx_array_t** out, int32_t* n,
                                  int32_t max, zcx_error_t* err);
// Appends `delta` to `base` into a new array (*out), for delta dictionaries.
int zcxi_ipc_concat(zcx_array_t* base, zcx_array_t* delta, zcx_mr_t* mr, zcx_array_t** out,
                    zcx_error_t* err);

// ---------------------------------------------------------------------------------------------
// src/ipc/batch_read.c: RecordBatch bodies to arrays.

typedef struct zcxi_ipc_batch_ctx {
  zcx_buffer_t* body;      // the message body (borrowed)
  int64_t message_index;   // for messages
  int metadata_version;    // ZCXI_FB_METADATA_*
  zcx_mr_t* mr;            // copies and decompression
  zcxi_ipc_memo_t* memo;   // dictionaries
  bool trusted;
} zcxi_ipc_batch_ctx_t;

// Decodes a verified RecordBatch table into columns of `schema`.
int zcxi_ipc_read_batch(const zcxi_ipc_batch_ctx_t* ctx, zcxi_fb_table_t rb,
                        zcx_schema_t* schema, zcx_batch_t** out, zcx_error_t* err);
// Decodes a verified DictionaryBatch and stores it in the memo (replacement or delta).
int zcxi_ipc_read_dictionary(const zcxi_ipc_batch_ctx_t* ctx, zcxi_fb_table_t db,
                             zcx_error_t* err);

// ---------------------------------------------------------------------------------------------
// src/ipc/batch_write.c: arrays to RecordBatch bodies.

// One piece of a body: an optional 8-byte prefix (the uncompressed length of a compressed
// buffer), `len` bytes at `data`, kept alive by `hold` (owned, may be NULL), then zero padding
// up to ZCXI_IPC_BODY_ALIGN.
typedef struct zcxi_ipc_piece {
  bool has_prefix;
  int64_t prefix;
  const uint8_t* data;
  int64_t len;
  zcx_buffer_t* hold;
} zcxi_ipc_piece_t;

typedef struct zcxi_ipc_body_enc {
  int64_t length;           // rows
  int64_t* nodes;           // 2 per node: length, null_count
  int32_t num_nodes, cap_nodes;
  int64_t* buffers;         // 2 per buffer: offset, length (in the body)
  int32_t num_buffers, cap_buffers;
  int64_t* variadic;        // one per view-typed node
  int32_t num_variadic, cap_variadic;
  zcxi_ipc_piece_t* pieces; // one per buffer
  int64_t body_length;      // with padding
  int codec;                // -1 or ZCXI_FB_CODEC_*
  int level;
  zcx_mr_t* mr;
} zcxi_ipc_body_enc_t;

void zcxi_ipc_body_enc_init(zcxi_ipc_body_enc_t* enc, int codec, int level, zcx_mr_t* mr);
void zcxi_ipc_body_enc_reset(zcxi_ipc_body_enc_t* enc);
// Appends the nodes and buffers of `array` (pre-order), normalizing slices.
int zcxi_ipc_encode_array(zcxi_ipc_body_enc_t* enc, zcx_array_t* array, zcx_error_t* err);
// Builds the RecordBatch table of what was encoded.
zcxi_fb_ref_t zcxi_ipc_record_batch_to_fb(zcxi_fbb_t* b, const zcxi_ipc_body_enc_t* enc);

#endif  // ZCX_SRC_IPC_INTERNAL_H
