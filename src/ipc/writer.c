// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The IPC stream and file writers: message framing with 8-byte aligned metadata padded so
// that every body starts 64-byte aligned, dictionary tracking (new, delta, replacement), the
// end-of-stream marker, the file footer, and the sinks (memory, descriptor, path).
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "ipc/internal.h"

void zcx_ipc_write_options_init(zcx_ipc_write_options_t* options) {
  memset(options, 0, sizeof(*options));
  options->struct_size = sizeof(*options);
  options->dictionary_deltas = true;
}

#define STAGE_SIZE (64 * 1024)
// Messages from this size on have their blocks reserved before they are written.
#define PREALLOC_MIN (1024 * 1024)

typedef struct wdict {
  int64_t id;
  zcx_array_t* last;  // the dictionary as written so far (owned)
} wdict_t;

typedef zcxi_ipc_block_t wblock_t;

struct zcx_ipc_writer {
  zcx_ipc_format_t format;
  zcx_ipc_write_options_t opts;
  int codec;
  zcx_schema_t* schema;
  // Sink: a descriptor (with a staging buffer) or memory.
  int fd;
  bool own_fd;
  bool to_memory;
  uint8_t* mem;
  size_t mem_len;
  size_t mem_cap;
  uint8_t* stage;
  size_t stage_len;
  int64_t pos;
  int status;  // sticky failure of the sink
  // Descriptor sinks on ext4 or XFS: each large message's blocks are reserved before it is
  // written (see zcxi_ipc_prealloc_probe); fd_base is the descriptor's position at start.
  bool prealloc;
  int64_t fd_base;
  // Dictionaries: the id of each dictionary field in walk order, and what was written.
  int64_t* field_dict_ids;
  int32_t num_dict_fields;
  wdict_t* dicts;
  int32_t num_dicts;
  // File blocks.
  wblock_t* dict_blocks;
  int32_t num_dict_blocks, cap_dict_blocks;
  wblock_t* batch_blocks;
  int32_t num_batch_blocks, cap_batch_blocks;
  bool finished;
  bool taken;
};

// ---------------------------------------------------------------------------------------------
// Sinks

static int sink_flush(zcx_ipc_writer_t* w, zcx_error_t* err) {
  if (w->stage_len > 0) {
    int rc = zcxi_ipc_write_fd(w->fd, w->stage, w->stage_len, err);
    w->stage_len = 0;
    if (rc != 0) {
      w->status = rc;
      return rc;
    }
  }
  return 0;
}

static int mem_reserve(zcx_ipc_writer_t* w, size_t extra, zcx_error_t* err) {
  if (w->mem_cap - w->mem_len >= extra) {
    return 0;
  }
  size_t cap = w->mem_cap ? w->mem_cap : 64 * 1024;
  while (cap - w->mem_len < extra) {
    if (cap > SIZE_MAX / 4) {
      return zcx_error_fail(err, ENOMEM, "ipc writer: output too large");
    }
    cap *= 2;
  }
  int rc = zcxi_ipc_mem_grow(&w->mem, w->mem_cap, cap, err);
  if (rc != 0) {
    w->status = rc;
    return rc;
  }
  w->mem_cap = cap;
  return 0;
}

static int sink_write(zcx_ipc_writer_t* w, const void* data, size_t n, zcx_error_t* err) {
  if (w->status != 0) {
    return zcx_error_fail(err, w->status, "ipc writer: an earlier write failed");
  }
  if (n == 0) {
    return 0;
  }
  if (w->to_memory) {
    ZCX_RETURN_IF_ERROR(mem_reserve(w, n, err));
    memcpy(w->mem + w->mem_len, data, n);
    w->mem_len += n;
  } else if (n >= STAGE_SIZE) {
    ZCX_RETURN_IF_ERROR(sink_flush(w, err));
    int rc = zcxi_ipc_write_fd(w->fd, data, n, err);
    if (rc != 0) {
      w->status = rc;
      return rc;
    }
  } else {
    if (w->stage_len + n > STAGE_SIZE) {
      ZCX_RETURN_IF_ERROR(sink_flush(w, err));
    }
    memcpy(w->stage + w->stage_len, data, n);
    w->stage_len += n;
  }
  w->pos += (int64_t)n;
  return 0;
}

static int sink_zeros(zcx_ipc_writer_t* w, size_t n, zcx_error_t* err) {
  static const uint8_t zeros[64];
  while (n > 0) {
    size_t k = n < sizeof(zeros) ? n : sizeof(zeros);
    ZCX_RETURN_IF_ERROR(sink_write(w, zeros, k, err));
    n -= k;
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Messages

// The descriptor sink: the message goes out with one writev (in batches of IOV_MAX), the
// body buffers straight from the arrays' memory, after whatever was staged.
static int write_message_fd(zcx_ipc_writer_t* w, const uint32_t prefix[2], const uint8_t* meta,
                            size_t meta_len, int64_t padded, const zcxi_ipc_body_enc_t* body,
                            zcx_error_t* err) {
  static const uint8_t zeros[128];
  if (w->status != 0) {
    return zcx_error_fail(err, w->status, "ipc writer: an earlier write failed");
  }
  int32_t nb = body != NULL ? body->num_buffers : 0;
  struct iovec local[64];
  struct iovec* iov = local;
  size_t cap = 3 + 3 * (size_t)nb;
  if (cap > sizeof(local) / sizeof(local[0])) {
    iov = malloc(cap * sizeof(*iov));
    if (iov == NULL) {
      return zcx_error_fail(err, ENOMEM, "ipc writer: out of memory for %zu iovecs", cap);
    }
  }
  size_t n = 0;
  size_t total = 8 + (size_t)padded;
  iov[n++] = (struct iovec){(void*)prefix, 8};
  iov[n++] = (struct iovec){(void*)meta, meta_len};
  if ((size_t)padded > meta_len) {
    iov[n++] = (struct iovec){(void*)zeros, (size_t)padded - meta_len};
  }
  for (int32_t i = 0; i < nb; i++) {
    const zcxi_ipc_piece_t* p = &body->pieces[i];
    int64_t len = p->len;
    if (p->has_prefix) {
      iov[n++] = (struct iovec){(void*)&p->prefix, 8};
      len += 8;
    }
    if (p->len > 0) {
      iov[n++] = (struct iovec){(void*)p->data, (size_t)p->len};
    }
    int64_t pad = zcxi_align_up_i64(len, ZCXI_IPC_BODY_ALIGN) - len;
    if (pad > 0) {
      iov[n++] = (struct iovec){(void*)zeros, (size_t)pad};
    }
    total += (size_t)zcxi_align_up_i64(len, ZCXI_IPC_BODY_ALIGN);
  }
  int rc = sink_flush(w, err);
  if (rc == 0 && w->prealloc && total >= PREALLOC_MIN) {
    w->prealloc = zcxi_ipc_preallocate(w->fd, w->fd_base + w->pos, (int64_t)total);
  }
  if (rc == 0) {
    rc = zcxi_ipc_writev_fd(w->fd, iov, n, err);
    if (rc != 0) {
      w->status = rc;
    }
  }
  if (iov != local) {
    free(iov);
  }
  if (rc == 0) {
    w->pos += (int64_t)total;
  }
  return rc;
}

static int write_message_mem(zcx_ipc_writer_t* w, const uint32_t prefix[2], const uint8_t* meta,
                             size_t meta_len, int64_t padded, const zcxi_ipc_body_enc_t* body,
                             zcx_error_t* err);

// Writes one encapsulated message: marker, padded metadata length, metadata, body.
static int write_message(zcx_ipc_writer_t* w, const uint8_t* meta, size_t meta_len,
                         const zcxi_ipc_body_enc_t* body, wblock_t* block, zcx_error_t* err) {
  int64_t start = w->pos;
  // Pad the metadata so that the body starts at a multiple of 64 (positions are multiples
  // of 8 throughout).
  int64_t body_start = zcxi_align_up_i64(start + 8 + (int64_t)meta_len, ZCXI_IPC_BODY_ALIGN);
  int64_t padded = body_start - start - 8;
  if (padded > INT32_MAX) {
    return zcx_error_fail(err, EOVERFLOW, "ipc writer: metadata of %zu bytes is too large",
                          meta_len);
  }
  if (w->to_memory) {
    ZCX_RETURN_IF_ERROR(
        mem_reserve(w, (size_t)(8 + padded + (body != NULL ? body->body_length : 0)), err));
  }
  uint32_t prefix[2] = {ZCXI_IPC_CONTINUATION, (uint32_t)padded};
  if (!w->to_memory) {
    ZCX_RETURN_IF_ERROR(write_message_fd(w, prefix, meta, meta_len, padded, body, err));
  } else {
    ZCX_RETURN_IF_ERROR(write_message_mem(w, prefix, meta, meta_len, padded, body, err));
  }
  if (block != NULL) {
    block->offset = start;
    block->meta_len = (int32_t)(8 + padded);
    block->pad = 0;
    block->body_len = body != NULL ? body->body_length : 0;
  }
  return 0;
}

// The memory sink: copies into the output mapping.
static int write_message_mem(zcx_ipc_writer_t* w, const uint32_t prefix[2], const uint8_t* meta,
                             size_t meta_len, int64_t padded, const zcxi_ipc_body_enc_t* body,
                             zcx_error_t* err) {
  ZCX_RETURN_IF_ERROR(sink_write(w, prefix, 8, err));
  ZCX_RETURN_IF_ERROR(sink_write(w, meta, meta_len, err));
  ZCX_RETURN_IF_ERROR(sink_zeros(w, (size_t)(padded - (int64_t)meta_len), err));
  if (body != NULL) {
    for (int32_t i = 0; i < body->num_buffers; i++) {
      const zcxi_ipc_piece_t* p = &body->pieces[i];
      int64_t n = p->len;
      if (p->has_prefix) {
        ZCX_RETURN_IF_ERROR(sink_write(w, &p->prefix, 8, err));
        n += 8;
      }
      ZCX_RETURN_IF_ERROR(sink_write(w, p->data, (size_t)p->len, err));
      ZCX_RETURN_IF_ERROR(
          sink_zeros(w, (size_t)(zcxi_align_up_i64(n, ZCXI_IPC_BODY_ALIGN) - n), err));
    }
  }
  return 0;
}

// Finishes a Message around `header` and writes it.
static int emit(zcx_ipc_writer_t* w, zcxi_fbb_t* b, uint8_t header_type, zcxi_fb_ref_t header,
                const zcxi_ipc_body_enc_t* body, const zcx_metadata_t* md, wblock_t* block,
                zcx_error_t* err) {
  const uint8_t* data;
  size_t size;
  ZCX_RETURN_IF_ERROR(zcxi_ipc_message_finish(b, header_type, header,
                                              body ? body->body_length : 0, md, &data, &size,
                                              err));
  return write_message(w, data, size, body, block, err);
}

static int add_block(wblock_t** v, int32_t* n, int32_t* cap, wblock_t** out, zcx_error_t* err) {
  if (*n == *cap) {
    int32_t nc = *cap ? *cap * 2 : 16;
    wblock_t* nv = realloc(*v, (size_t)nc * sizeof(*nv));
    if (nv == NULL) {
      return zcx_error_fail(err, ENOMEM, "ipc writer: out of memory for file blocks");
    }
    *v = nv;
    *cap = nc;
  }
  *out = &(*v)[(*n)++];
  return 0;
}

// Writes a RecordBatch (dict_id < 0) or DictionaryBatch message of `columns`.
static int write_batch_message(zcx_ipc_writer_t* w, zcx_array_t* const* columns, int32_t n,
                               int64_t rows, int64_t dict_id, bool is_delta,
                               const zcx_metadata_t* md, zcx_error_t* err) {
  zcxi_ipc_body_enc_t enc;
  zcxi_ipc_body_enc_init(&enc, w->codec, w->opts.compression_level, w->opts.mr);
  enc.length = rows;
  int rc = 0;
  for (int32_t i = 0; rc == 0 && i < n; i++) {
    rc = zcxi_ipc_encode_array(&enc, columns[i], err);
  }
  zcxi_fbb_t b;
  zcxi_fbb_init(&b);
  if (rc == 0) {
    zcxi_fb_ref_t rb = zcxi_ipc_record_batch_to_fb(&b, &enc);
    uint8_t type = ZCXI_FBH_RECORD_BATCH;
    zcxi_fb_ref_t header = rb;
    if (dict_id >= 0) {
      zcxi_fbb_table_start(&b);
      zcxi_fbb_add_i64(&b, ZCXI_FB_DB_ID, dict_id);
      zcxi_fbb_add_ref(&b, ZCXI_FB_DB_DATA, rb);
      zcxi_fbb_add_u8(&b, ZCXI_FB_DB_IS_DELTA, is_delta ? 1 : 0);
      header = zcxi_fbb_table_end(&b);
      type = ZCXI_FBH_DICTIONARY_BATCH;
    }
    wblock_t* block = NULL;
    if (w->format == ZCX_IPC_FILE) {
      rc = dict_id >= 0 ? add_block(&w->dict_blocks, &w->num_dict_blocks, &w->cap_dict_blocks,
                                    &block, err)
                        : add_block(&w->batch_blocks, &w->num_batch_blocks,
                                    &w->cap_batch_blocks, &block, err);
    }
    if (rc == 0) {
      rc = emit(w, &b, type, header, &enc, md, block, err);
    }
    if (rc != 0 && block != NULL) {
      if (dict_id >= 0) {
        w->num_dict_blocks--;
      } else {
        w->num_batch_blocks--;
      }
    }
  }
  zcxi_fbb_reset(&b);
  zcxi_ipc_body_enc_reset(&enc);
  return rc;
}

// ---------------------------------------------------------------------------------------------
// Dictionaries

static int assign_dictionary_ids(zcx_ipc_writer_t* w, zcx_error_t* err) {
  ZCX_RETURN_IF_ERROR(
      zcxi_ipc_dictionary_ids(w->schema, &w->field_dict_ids, &w->num_dict_fields, err));
  w->dicts = calloc((size_t)w->num_dict_fields + 1, sizeof(wdict_t));
  if (w->dicts == NULL) {
    return zcx_error_fail(err, ENOMEM, "ipc writer: out of memory for dictionaries");
  }
  for (int32_t i = 0; i < w->num_dict_fields; i++) {
    bool seen = false;
    for (int32_t j = 0; j < w->num_dicts && !seen; j++) {
      seen = w->dicts[j].id == w->field_dict_ids[i];
    }
    if (!seen) {
      w->dicts[w->num_dicts].id = w->field_dict_ids[i];
      w->dicts[w->num_dicts].last = NULL;
      w->num_dicts++;
    }
  }
  return 0;
}

static wdict_t* find_dict(zcx_ipc_writer_t* w, int64_t id) {
  for (int32_t i = 0; i < w->num_dicts; i++) {
    if (w->dicts[i].id == id) {
      return &w->dicts[i];
    }
  }
  return NULL;
}

static int write_one_dictionary(zcx_ipc_writer_t* w, wdict_t* d, zcx_array_t* values,
                                zcx_error_t* err) {
  if (d->last == values) {
    return 0;
  }
  bool is_delta = false;
  zcx_array_t* part = values;
  zcx_array_t* slice = NULL;
  if (d->last != NULL) {
    if (zcx_array_equal(d->last, values, NULL)) {
      zcx_array_retain(values);
      zcx_array_release(d->last);
      d->last = values;
      return 0;
    }
    int64_t old = d->last->length;
    bool prefix = false;
    if (values->length > old && (w->opts.dictionary_deltas || w->format == ZCX_IPC_FILE)) {
      ZCX_RETURN_IF_ERROR(zcx_array_slice(values, 0, old, &slice, err));
      prefix = zcx_array_equal(slice, d->last, NULL);
      zcx_array_release(slice);
      slice = NULL;
    }
    if (prefix) {
      ZCX_RETURN_IF_ERROR(zcx_array_slice(values, old, values->length - old, &slice, err));
      part = slice;
      is_delta = true;
    } else if (w->format == ZCX_IPC_FILE) {
      return zcx_error_fail(err, EINVAL,
                            "dictionary %lld replaced: the file format allows only deltas",
                            (long long)d->id);
    }
  }
  int rc = write_batch_message(w, &part, 1, part->length, d->id, is_delta, NULL, err);
  zcx_array_release(slice);
  if (rc == 0) {
    zcx_array_retain(values);
    zcx_array_release(d->last);
    d->last = values;
  }
  return rc;
}

static int write_dictionaries(zcx_ipc_writer_t* w, zcx_batch_t* batch, zcx_error_t* err) {
  if (w->num_dict_fields == 0) {
    return 0;
  }
  zcx_array_t** found = calloc((size_t)w->num_dict_fields, sizeof(*found));
  if (found == NULL) {
    return zcx_error_fail(err, ENOMEM, "ipc writer: out of memory");
  }
  int32_t n = 0;
  int rc = 0;
  for (int32_t i = 0; rc == 0 && i < batch->num_columns; i++) {
    rc = zcxi_ipc_collect_dictionaries(batch->columns[i], found, &n, w->num_dict_fields,
                                       err);
  }
  if (rc == 0 && n != w->num_dict_fields) {
    rc = zcx_error_fail(err, EINVAL, "batch has %d dictionaries, the schema %d", n,
                        w->num_dict_fields);
  }
  // Fields sharing an id must carry the same dictionary in one batch.
  for (int32_t i = 0; rc == 0 && i < n; i++) {
    for (int32_t j = 0; rc == 0 && j < i; j++) {
      if (w->field_dict_ids[i] == w->field_dict_ids[j] && found[i] != found[j] &&
          !zcx_array_equal(found[i], found[j], NULL)) {
        rc = zcx_error_fail(err, EINVAL,
                            "fields sharing dictionary id %lld carry different dictionaries",
                            (long long)w->field_dict_ids[i]);
      }
    }
  }
  // Inner dictionaries (in the values of outer ones) come later in the walk and must be
  // written first.
  for (int32_t i = n - 1; rc == 0 && i >= 0; i--) {
    rc = write_one_dictionary(w, find_dict(w, w->field_dict_ids[i]), found[i], err);
  }
  free(found);
  return rc;
}

// ---------------------------------------------------------------------------------------------
// Public API

static int writer_new(zcx_ipc_format_t format, zcx_schema_t* schema,
                      const zcx_ipc_write_options_t* options, zcx_ipc_writer_t** out,
                      zcx_error_t* err) {
  if (out == NULL || schema == NULL) {
    return zcx_error_fail(err, EINVAL, "ipc writer: NULL schema or out");
  }
  *out = NULL;
  if (format != ZCX_IPC_STREAM && format != ZCX_IPC_FILE) {
    return zcx_error_fail(err, EINVAL, "ipc writer: unknown format %d", (int)format);
  }
  zcx_ipc_writer_t* w = calloc(1, sizeof(*w));
  if (w == NULL) {
    return zcx_error_fail(err, ENOMEM, "ipc writer: out of memory");
  }
  zcx_ipc_write_options_init(&w->opts);
  if (options != NULL) {
    size_t n = options->struct_size < sizeof(w->opts) ? options->struct_size : sizeof(w->opts);
    memcpy(&w->opts, options, n);
    w->opts.struct_size = sizeof(w->opts);
  }
  w->format = format;
  w->fd = -1;
  switch (w->opts.compression) {
    case ZCX_IPC_COMPRESSION_NONE: w->codec = -1; break;
    case ZCX_IPC_COMPRESSION_LZ4_FRAME: w->codec = ZCXI_FB_CODEC_LZ4_FRAME; break;
    case ZCX_IPC_COMPRESSION_ZSTD: w->codec = ZCXI_FB_CODEC_ZSTD; break;
    default: {
      int c = (int)w->opts.compression;
      free(w);
      return zcx_error_fail(err, EINVAL, "ipc writer: unknown compression %d", c);
    }
  }
  zcx_schema_retain(schema);
  w->schema = schema;
  *out = w;
  return 0;
}

// Writes the magic (files) and the schema message.
static int writer_start(zcx_ipc_writer_t* w, zcx_ipc_writer_t** out, zcx_error_t* err) {
  int rc = 0;
  if (!w->to_memory) {
    w->prealloc = zcxi_ipc_prealloc_probe(w->fd, &w->fd_base);
    w->stage = malloc(STAGE_SIZE);
    if (w->stage == NULL) {
      rc = zcx_error_fail(err, ENOMEM, "ipc writer: out of memory");
    }
  }
  if (rc == 0) {
    rc = assign_dictionary_ids(w, err);
  }
  if (rc == 0 && w->format == ZCX_IPC_FILE) {
    const uint8_t magic[8] = {'A', 'R', 'R', 'O', 'W', '1', 0, 0};
    rc = sink_write(w, magic, sizeof(magic), err);
  }
  zcxi_fbb_t b;
  zcxi_fbb_init(&b);
  if (rc == 0) {
    zcxi_fb_ref_t s = zcxi_ipc_schema_to_fb(&b, w->schema, w->field_dict_ids, &rc, err);
    if (rc == 0) {
      rc = emit(w, &b, ZCXI_FBH_SCHEMA, s, NULL, NULL, NULL, err);
    }
  }
  zcxi_fbb_reset(&b);
  if (rc == 0 && !w->to_memory) {
    rc = sink_flush(w, err);
  }
  if (rc != 0) {
    w->own_fd = w->own_fd && w->fd >= 0;
    zcx_ipc_writer_destroy(w);
    *out = NULL;
    return rc;
  }
  *out = w;
  return 0;
}

int zcx_ipc_writer_create(zcx_ipc_format_t format, zcx_schema_t* schema,
                          const zcx_ipc_write_options_t* options, zcx_ipc_writer_t** out,
                          zcx_error_t* err) {
  zcx_ipc_writer_t* w;
  ZCX_RETURN_IF_ERROR(writer_new(format, schema, options, &w, err));
  w->to_memory = true;
  (void)zcxi_ipc_mem_cached(&w->mem, &w->mem_cap);
  return writer_start(w, out, err);
}

int zcx_ipc_writer_create_fd(zcx_ipc_format_t format, int fd, zcx_schema_t* schema,
                             const zcx_ipc_write_options_t* options, zcx_ipc_writer_t** out,
                             zcx_error_t* err) {
  if (fd < 0) {
    return zcx_error_fail(err, EINVAL, "ipc writer: bad fd %d", fd);
  }
  zcx_ipc_writer_t* w;
  ZCX_RETURN_IF_ERROR(writer_new(format, schema, options, &w, err));
  w->fd = fd;
  return writer_start(w, out, err);
}

int zcx_ipc_writer_create_path(zcx_ipc_format_t format, const char* path, zcx_schema_t* schema,
                               const zcx_ipc_write_options_t* options, zcx_ipc_writer_t** out,
                               zcx_error_t* err) {
  if (path == NULL) {
    return zcx_error_fail(err, EINVAL, "ipc writer: path is NULL");
  }
  zcx_ipc_writer_t* w;
  ZCX_RETURN_IF_ERROR(writer_new(format, schema, options, &w, err));
  int fd = -1;
  int rc = zcxi_ipc_create_file(path, &fd, err);
  if (rc != 0) {
    zcx_ipc_writer_destroy(w);
    *out = NULL;
    return rc;
  }
  w->fd = fd;
  w->own_fd = true;
  return writer_start(w, out, err);
}

int zcx_ipc_writer_write(zcx_ipc_writer_t* writer, zcx_batch_t* batch,
                         const zcx_metadata_t* metadata, zcx_error_t* err) {
  if (writer == NULL || batch == NULL) {
    return zcx_error_fail(err, EINVAL, "ipc writer write: NULL argument");
  }
  if (writer->finished) {
    return zcx_error_fail(err, EINVAL, "ipc writer write: the writer is finished");
  }
  if (batch->schema != writer->schema && !zcx_schema_equal(batch->schema, writer->schema)) {
    return zcx_error_fail(err, EINVAL, "ipc writer write: the batch's schema differs from the "
                                       "writer's");
  }
  ZCX_RETURN_IF_ERROR(write_dictionaries(writer, batch, err));
  ZCX_RETURN_IF_ERROR(write_batch_message(writer, batch->columns, batch->num_columns,
                                          batch->num_rows, -1, false, metadata, err));
  return writer->to_memory ? 0 : sink_flush(writer, err);
}

static int write_footer(zcx_ipc_writer_t* w, const zcx_metadata_t* md, zcx_error_t* err) {
  zcxi_fbb_t b;
  zcxi_fbb_init(&b);
  const uint8_t* data;
  size_t size;
  int rc = zcxi_ipc_footer_finish(&b, w->schema, w->field_dict_ids, w->dict_blocks,
                                  w->num_dict_blocks, w->batch_blocks, w->num_batch_blocks, md,
                                  &data, &size, err);
  if (rc == 0) {
    rc = sink_write(w, data, size, err);
  }
  if (rc == 0) {
    int32_t len = (int32_t)size;
    rc = sink_write(w, &len, 4, err);
  }
  if (rc == 0) {
    rc = sink_write(w, ZCXI_IPC_MAGIC, ZCXI_IPC_MAGIC_LEN, err);
  }
  zcxi_fbb_reset(&b);
  return rc;
}

int zcx_ipc_writer_finish(zcx_ipc_writer_t* writer, const zcx_metadata_t* metadata,
                          zcx_error_t* err) {
  if (writer == NULL) {
    return zcx_error_fail(err, EINVAL, "ipc writer finish: writer is NULL");
  }
  if (writer->finished) {
    return zcx_error_fail(err, EINVAL, "ipc writer finish: already finished");
  }
  writer->finished = true;
  const uint32_t eos[2] = {ZCXI_IPC_CONTINUATION, 0};
  ZCX_RETURN_IF_ERROR(sink_write(writer, eos, sizeof(eos), err));
  if (writer->format == ZCX_IPC_FILE) {
    ZCX_RETURN_IF_ERROR(write_footer(writer, metadata, err));
  }
  if (!writer->to_memory) {
    ZCX_RETURN_IF_ERROR(sink_flush(writer, err));
    if (writer->own_fd) {
      writer->own_fd = false;
      int fd = writer->fd;
      writer->fd = -1;
      ZCX_RETURN_IF_ERROR(zcxi_ipc_close_fd(fd, err));
    }
  }
  return 0;
}

// The output mapping was trimmed to the pages of its `size` bytes, which munmap covers.
static void unmap_release(void* ctx, void* data, int64_t size) {
  (void)ctx;
  zcxi_ipc_mem_free(data, (size_t)size);
}

int zcx_ipc_writer_take_buffer(zcx_ipc_writer_t* writer, zcx_buffer_t** out, zcx_error_t* err) {
  if (writer == NULL || out == NULL) {
    return zcx_error_fail(err, EINVAL, "ipc writer take: NULL argument");
  }
  *out = NULL;
  if (!writer->to_memory || !writer->finished || writer->taken || writer->status != 0) {
    return zcx_error_fail(err, EINVAL,
                          "ipc writer take: only a finished memory writer's output, once");
  }
  if (writer->mem == NULL) {
    ZCX_RETURN_IF_ERROR(mem_reserve(writer, 64, err));
  }
  zcxi_ipc_mem_trim(writer->mem, writer->mem_cap, writer->mem_len);
  writer->mem_cap = writer->mem_len;
  ZCX_RETURN_IF_ERROR(zcx_buffer_wrap(writer->mem, (int64_t)writer->mem_len, zcx_device_cpu(), 0,
                                      unmap_release, NULL, out, err));
  writer->mem = NULL;
  writer->mem_len = 0;
  writer->mem_cap = 0;
  writer->taken = true;
  return 0;
}

int64_t zcx_ipc_writer_bytes_written(const zcx_ipc_writer_t* writer) { return writer->pos; }

void zcx_ipc_writer_destroy(zcx_ipc_writer_t* writer) {
  if (writer == NULL) {
    return;
  }
  if (writer->own_fd && writer->fd >= 0) {
    (void)zcxi_ipc_close_fd(writer->fd, NULL);
  }
  for (int32_t i = 0; i < writer->num_dicts; i++) {
    zcx_array_release(writer->dicts[i].last);
  }
  free(writer->dicts);
  free(writer->field_dict_ids);
  free(writer->dict_blocks);
  free(writer->batch_blocks);
  free(writer->stage);
  zcxi_ipc_mem_free(writer->mem, writer->mem_cap);
  zcx_schema_release(writer->schema);
  free(writer);
}
