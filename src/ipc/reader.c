// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The IPC stream reader (messages in order, dictionaries applied as they come) and the
// file reader (footer, dictionary blocks at open, random access to record batch blocks).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/message.h"

void zcx_ipc_read_options_init(zcx_ipc_read_options_t* options) {
  memset(options, 0, sizeof(*options));
  options->struct_size = sizeof(*options);
  options->max_message_size = (int64_t)1 << 40;
}

static void copy_options(const zcx_ipc_read_options_t* in, zcx_ipc_read_options_t* out) {
  zcx_ipc_read_options_init(out);
  if (in != NULL) {
    size_t n = in->struct_size < sizeof(*out) ? in->struct_size : sizeof(*out);
    memcpy(out, in, n);
    out->struct_size = sizeof(*out);
    if (out->max_message_size <= 0) {
      out->max_message_size = (int64_t)1 << 40;
    }
  }
}

// Maps the file at `path` read-only, or copy-on-write when the options ask for it.
static int map_input(const char* path, const zcx_ipc_read_options_t* options, zcx_buffer_t** out,
                     zcx_error_t* err) {
  zcx_ipc_read_options_t opts;
  copy_options(options, &opts);
  return zcxi_ipc_map_path(path, opts.copy_on_write, out, err);
}

// ---------------------------------------------------------------------------------------------
// Stream reader

struct zcx_ipc_reader {
  zcxi_ipc_source_t src;
  zcx_ipc_read_options_t opts;
  zcx_schema_t* schema;
  zcxi_ipc_memo_t memo;
  int64_t messages;
  int16_t version;
  bool done;
  bool has_md;
  zcx_metadata_t md;
};

static zcxi_ipc_batch_ctx_t batch_ctx(zcx_ipc_reader_t* r, zcxi_ipc_msg_t* m) {
  zcxi_ipc_batch_ctx_t c;
  c.body = m->body;
  c.message_index = r->messages - 1;
  c.metadata_version = m->version;
  c.mr = r->opts.mr;
  c.memo = &r->memo;
  c.trusted = r->opts.trusted;
  return c;
}

static int open_schema(zcx_ipc_reader_t* r, zcx_error_t* err) {
  zcxi_ipc_msg_t m;
  bool eos = false;
  ZCX_RETURN_IF_ERROR(zcxi_ipc_read_message(&r->src, 0, &m, &eos, err));
  r->messages = 1;
  if (eos) {
    return zcx_error_fail(err, EINVAL, "message 0: the stream ends before its schema");
  }
  int rc = 0;
  if (m.header_type != ZCXI_FBH_SCHEMA) {
    rc = zcx_error_fail(err, EINVAL, "message 0: expected a Schema, got a %s",
                        zcxi_ipc_header_name(m.header_type));
  }
  if (rc == 0) {
    r->version = m.version;
    rc = zcxi_ipc_schema_from_fb(m.header, &r->schema, err);
  }
  if (rc == 0) {
    rc = zcxi_ipc_memo_init(&r->memo, r->schema, err);
  }
  if (rc != 0) {
    zcx_error_prefix(err, "message 0: ");
  }
  zcxi_ipc_msg_reset(&m);
  return rc;
}

static int reader_new(const zcx_ipc_read_options_t* options, zcx_ipc_reader_t** out,
                      zcx_error_t* err) {
  if (out == NULL) {
    return zcx_error_fail(err, EINVAL, "ipc reader: out is NULL");
  }
  *out = NULL;
  zcx_ipc_reader_t* r = calloc(1, sizeof(*r));
  if (r == NULL) {
    return zcx_error_fail(err, ENOMEM, "ipc reader: out of memory");
  }
  copy_options(options, &r->opts);
  r->src.fd = -1;
  r->src.mr = r->opts.mr;
  r->src.max_message_size = r->opts.max_message_size;
  zcx_metadata_init(&r->md);
  *out = r;
  return 0;
}

static int reader_start(zcx_ipc_reader_t* r, zcx_ipc_reader_t** out, zcx_error_t* err) {
  int rc = open_schema(r, err);
  if (rc != 0) {
    zcx_ipc_reader_destroy(r);
    *out = NULL;
    return rc;
  }
  *out = r;
  return 0;
}

int zcx_ipc_reader_open_buffer(zcx_buffer_t* data, const zcx_ipc_read_options_t* options,
                               zcx_ipc_reader_t** out, zcx_error_t* err) {
  if (data == NULL) {
    return zcx_error_fail(err, EINVAL, "ipc reader: data is NULL");
  }
  zcx_ipc_reader_t* r;
  ZCX_RETURN_IF_ERROR(reader_new(options, &r, err));
  zcx_buffer_retain(data);
  r->src.data = data;
  return reader_start(r, out, err);
}

int zcx_ipc_reader_open_path(const char* path, const zcx_ipc_read_options_t* options,
                             zcx_ipc_reader_t** out, zcx_error_t* err) {
  if (path == NULL || out == NULL) {
    return zcx_error_fail(err, EINVAL, "ipc reader: path or out is NULL");
  }
  *out = NULL;
  zcx_buffer_t* data = NULL;
  ZCX_RETURN_IF_ERROR(map_input(path, options, &data, err));
  int rc = zcx_ipc_reader_open_buffer(data, options, out, err);
  zcx_buffer_release(data);
  if (rc != 0) {
    zcx_error_prefix(err, "'%s': ", path);
  }
  return rc;
}

int zcx_ipc_reader_open_fd(int fd, const zcx_ipc_read_options_t* options,
                           zcx_ipc_reader_t** out, zcx_error_t* err) {
  if (fd < 0) {
    return zcx_error_fail(err, EINVAL, "ipc reader: bad fd %d", fd);
  }
  zcx_ipc_reader_t* r;
  ZCX_RETURN_IF_ERROR(reader_new(options, &r, err));
  r->src.fd = fd;
  return reader_start(r, out, err);
}

zcx_schema_t* zcx_ipc_reader_schema(const zcx_ipc_reader_t* reader) { return reader->schema; }

const zcx_metadata_t* zcx_ipc_reader_batch_metadata(const zcx_ipc_reader_t* reader) {
  return reader->has_md ? &reader->md : NULL;
}

int64_t zcx_ipc_reader_message_count(const zcx_ipc_reader_t* reader) { return reader->messages; }

static int handle_message(zcx_ipc_reader_t* r, zcxi_ipc_msg_t* m, zcx_batch_t** out,
                          zcx_error_t* err) {
  zcxi_ipc_batch_ctx_t ctx = batch_ctx(r, m);
  switch (m->header_type) {
    case ZCXI_FBH_DICTIONARY_BATCH:
      return zcxi_ipc_read_dictionary(&ctx, m->header, err);
    case ZCXI_FBH_RECORD_BATCH: {
      ZCX_RETURN_IF_ERROR(zcxi_ipc_read_batch(&ctx, m->header, r->schema, out, err));
      zcx_metadata_reset(&r->md);
      r->has_md = zcxi_fb_has(m->root, ZCXI_FB_MSG_METADATA);
      int rc = zcxi_ipc_metadata_from_fb(m->root, ZCXI_FB_MSG_METADATA, &r->md, err);
      if (rc != 0) {
        zcx_batch_release(*out);
        *out = NULL;
        r->has_md = false;
      }
      return rc;
    }
    case ZCXI_FBH_SCHEMA:
      return zcx_error_fail(err, EINVAL, "a second Schema message in the stream");
    default:
      return zcx_error_fail(err, ENOTSUP, "%s messages are not supported",
                            zcxi_ipc_header_name(m->header_type));
  }
}

int zcx_ipc_reader_next(zcx_ipc_reader_t* reader, zcx_batch_t** out, zcx_error_t* err) {
  if (reader == NULL || out == NULL) {
    return zcx_error_fail(err, EINVAL, "ipc reader next: NULL argument");
  }
  *out = NULL;
  while (!reader->done) {
    zcxi_ipc_msg_t m;
    bool eos = false;
    int rc = zcxi_ipc_read_message(&reader->src, reader->messages, &m, &eos, err);
    if (rc != 0) {
      return rc;
    }
    if (eos) {
      reader->done = true;
      break;
    }
    reader->messages++;
    rc = handle_message(reader, &m, out, err);
    zcxi_ipc_msg_reset(&m);
    if (rc != 0) {
      zcx_error_prefix(err, "message %lld: ", (long long)(reader->messages - 1));
      return rc;
    }
    if (*out != NULL) {
      return 0;
    }
  }
  return 0;
}

void zcx_ipc_reader_destroy(zcx_ipc_reader_t* reader) {
  if (reader == NULL) {
    return;
  }
  zcxi_ipc_source_reset(&reader->src);
  zcxi_ipc_memo_reset(&reader->memo);
  zcx_schema_release(reader->schema);
  zcx_metadata_reset(&reader->md);
  free(reader);
}

// ---------------------------------------------------------------------------------------------
// File reader

struct zcx_ipc_file_reader {
  zcx_buffer_t* data;
  zcx_ipc_read_options_t opts;
  zcx_schema_t* schema;
  zcxi_ipc_memo_t memo;
  zcxi_fb_vector_t batches;  // Blocks, inside the footer (data keeps it alive)
  int64_t footer_start;
  bool has_md;
  zcx_metadata_t md;
};

typedef struct block {
  int64_t offset;
  int32_t meta_len;
  int64_t body_len;
} block_t;

static block_t block_at(zcxi_fb_vector_t v, uint32_t i) {
  const uint8_t* e = zcxi_fb_vector_elem(v, i, ZCXI_FB_BLOCK_SIZE);
  block_t b = {zcxi_fb_rd_i64(e), zcxi_fb_rd_i32(e + 8), zcxi_fb_rd_i64(e + 16)};
  return b;
}

// Reads the message of a block; it must be of `want` type.
static int read_block(zcx_ipc_file_reader_t* r, block_t b, const char* what, uint8_t want,
                      zcxi_ipc_msg_t* m, zcx_error_t* err) {
  if (b.offset < 8 || b.meta_len < 8 || b.body_len < 0 || b.offset > r->footer_start ||
      b.meta_len > r->footer_start - b.offset ||
      b.body_len > r->footer_start - b.offset - b.meta_len) {
    return zcx_error_fail(err, EINVAL,
                          "%s: block at offset %lld (metadata %d, body %lld bytes) lies outside "
                          "the file's %lld bytes of messages",
                          what, (long long)b.offset, b.meta_len, (long long)b.body_len,
                          (long long)r->footer_start);
  }
  int64_t limit = b.offset + b.meta_len + b.body_len;
  int64_t end = 0;
  bool eos = false;
  ZCX_RETURN_IF_ERROR(zcxi_ipc_parse_message(r->data, b.offset, limit, what, m, &end, &eos, err));
  int rc = 0;
  if (eos) {
    rc = zcx_error_fail(err, EINVAL, "%s: end-of-stream marker where a message should be", what);
  } else if (m->header_type != want) {
    rc = zcx_error_fail(err, EINVAL, "%s: expected a %s, got a %s", what,
                        zcxi_ipc_header_name(want), zcxi_ipc_header_name(m->header_type));
  }
  if (rc != 0) {
    zcxi_ipc_msg_reset(m);
  }
  return rc;
}

static zcxi_ipc_batch_ctx_t file_ctx(zcx_ipc_file_reader_t* r, zcxi_ipc_msg_t* m, int64_t i) {
  zcxi_ipc_batch_ctx_t c;
  c.body = m->body;
  c.message_index = i;
  c.metadata_version = m->version;
  c.mr = r->opts.mr;
  c.memo = &r->memo;
  c.trusted = r->opts.trusted;
  return c;
}

static int file_open(zcx_ipc_file_reader_t* r, zcx_error_t* err) {
  const uint8_t* p = zcx_buffer_data(r->data);
  int64_t size = zcx_buffer_size(r->data);
  if (size < 8 + 4 + ZCXI_IPC_MAGIC_LEN) {
    return zcx_error_fail(err, EINVAL, "file of %lld bytes is too short for an Arrow file",
                          (long long)size);
  }
  if (memcmp(p, ZCXI_IPC_MAGIC, ZCXI_IPC_MAGIC_LEN) != 0 ||
      memcmp(p + size - ZCXI_IPC_MAGIC_LEN, ZCXI_IPC_MAGIC, ZCXI_IPC_MAGIC_LEN) != 0) {
    return zcx_error_fail(err, EINVAL, "wrong magic: not an Arrow file (\"ARROW1\" missing)");
  }
  int32_t flen = zcxi_fb_rd_i32(p + size - ZCXI_IPC_MAGIC_LEN - 4);
  int64_t fstart = size - ZCXI_IPC_MAGIC_LEN - 4 - flen;
  if (flen <= 0 || fstart < 8) {
    return zcx_error_fail(err, EINVAL, "footer length %d does not fit the file of %lld bytes",
                          flen, (long long)size);
  }
  r->footer_start = fstart;
  ZCX_RETURN_IF_ERROR(zcxi_fb_verify(p + fstart, (size_t)flen, &zcxi_fbs_footer, "footer", err));
  zcxi_fb_table_t footer = zcxi_fb_root(p + fstart);
  // The footer's version is not checked: each message states its own.
  zcxi_fb_table_t st;
  if (!zcxi_fb_table(footer, ZCXI_FB_FOOTER_SCHEMA, &st)) {
    return zcx_error_fail(err, EINVAL, "footer without a schema");
  }
  ZCX_RETURN_IF_ERROR(zcxi_ipc_schema_from_fb(st, &r->schema, err));
  ZCX_RETURN_IF_ERROR(zcxi_ipc_memo_init(&r->memo, r->schema, err));
  r->has_md = zcxi_fb_has(footer, ZCXI_FB_FOOTER_METADATA);
  ZCX_RETURN_IF_ERROR(zcxi_ipc_metadata_from_fb(footer, ZCXI_FB_FOOTER_METADATA, &r->md, err));
  if (!zcxi_fb_vector(footer, ZCXI_FB_FOOTER_BATCHES, &r->batches)) {
    r->batches.len = 0;
  }
  zcxi_fb_vector_t dicts;
  if (zcxi_fb_vector(footer, ZCXI_FB_FOOTER_DICTIONARIES, &dicts)) {
    for (uint32_t i = 0; i < dicts.len; i++) {
      char what[48];
      snprintf(what, sizeof(what), "dictionary block %u", i);
      zcxi_ipc_msg_t m;
      ZCX_RETURN_IF_ERROR(
          read_block(r, block_at(dicts, i), what, ZCXI_FBH_DICTIONARY_BATCH, &m, err));
      zcxi_ipc_batch_ctx_t ctx = file_ctx(r, &m, i);
      int rc = zcxi_ipc_read_dictionary(&ctx, m.header, err);
      zcxi_ipc_msg_reset(&m);
      if (rc != 0) {
        zcx_error_prefix(err, "%s: ", what);
        return rc;
      }
    }
  }
  return 0;
}

int zcx_ipc_file_reader_open_buffer(zcx_buffer_t* data, const zcx_ipc_read_options_t* options,
                                    zcx_ipc_file_reader_t** out, zcx_error_t* err) {
  if (data == NULL || out == NULL) {
    return zcx_error_fail(err, EINVAL, "ipc file reader: NULL argument");
  }
  *out = NULL;
  zcx_ipc_file_reader_t* r = calloc(1, sizeof(*r));
  if (r == NULL) {
    return zcx_error_fail(err, ENOMEM, "ipc file reader: out of memory");
  }
  copy_options(options, &r->opts);
  zcx_metadata_init(&r->md);
  zcx_buffer_retain(data);
  r->data = data;
  int rc = file_open(r, err);
  if (rc != 0) {
    zcx_ipc_file_reader_destroy(r);
    return rc;
  }
  *out = r;
  return 0;
}

int zcx_ipc_file_reader_open_path(const char* path, const zcx_ipc_read_options_t* options,
                                  zcx_ipc_file_reader_t** out, zcx_error_t* err) {
  if (path == NULL || out == NULL) {
    return zcx_error_fail(err, EINVAL, "ipc file reader: path or out is NULL");
  }
  *out = NULL;
  zcx_buffer_t* data = NULL;
  ZCX_RETURN_IF_ERROR(map_input(path, options, &data, err));
  int rc = zcx_ipc_file_reader_open_buffer(data, options, out, err);
  zcx_buffer_release(data);
  if (rc != 0) {
    zcx_error_prefix(err, "'%s': ", path);
  }
  return rc;
}

int zcx_ipc_file_reader_open_fd(int fd, const zcx_ipc_read_options_t* options,
                                zcx_ipc_file_reader_t** out, zcx_error_t* err) {
  if (fd < 0 || out == NULL) {
    return zcx_error_fail(err, EINVAL, "ipc file reader: bad fd %d or NULL out", fd);
  }
  *out = NULL;
  zcx_buffer_t* data = NULL;
  ZCX_RETURN_IF_ERROR(zcxi_ipc_read_fd_all(fd, options ? options->mr : NULL, &data, err));
  int rc = zcx_ipc_file_reader_open_buffer(data, options, out, err);
  zcx_buffer_release(data);
  return rc;
}

zcx_schema_t* zcx_ipc_file_reader_schema(const zcx_ipc_file_reader_t* reader) {
  return reader->schema;
}

int64_t zcx_ipc_file_reader_num_batches(const zcx_ipc_file_reader_t* reader) {
  return reader->batches.len;
}

const zcx_metadata_t* zcx_ipc_file_reader_metadata(const zcx_ipc_file_reader_t* reader) {
  return reader->has_md ? &reader->md : NULL;
}

int zcx_ipc_file_reader_read(zcx_ipc_file_reader_t* reader, int64_t index, zcx_batch_t** out,
                             zcx_error_t* err) {
  if (reader == NULL || out == NULL) {
    return zcx_error_fail(err, EINVAL, "ipc file reader read: NULL argument");
  }
  *out = NULL;
  if (index < 0 || index >= (int64_t)reader->batches.len) {
    return zcx_error_fail(err, EINVAL, "batch %lld out of range: the file has %u",
                          (long long)index, reader->batches.len);
  }
  char what[48];
  snprintf(what, sizeof(what), "batch %lld", (long long)index);
  zcxi_ipc_msg_t m;
  ZCX_RETURN_IF_ERROR(read_block(reader, block_at(reader->batches, (uint32_t)index), what,
                                 ZCXI_FBH_RECORD_BATCH, &m, err));
  zcxi_ipc_batch_ctx_t ctx = file_ctx(reader, &m, index);
  int rc = zcxi_ipc_read_batch(&ctx, m.header, reader->schema, out, err);
  zcxi_ipc_msg_reset(&m);
  if (rc != 0) {
    zcx_error_prefix(err, "%s: ", what);
  }
  return rc;
}

void zcx_ipc_file_reader_destroy(zcx_ipc_file_reader_t* reader) {
  if (reader == NULL) {
    return;
  }
  zcxi_ipc_memo_reset(&reader->memo);
  zcx_schema_release(reader->schema);
  zcx_metadata_reset(&reader->md);
  zcx_buffer_release(reader->data);
  free(reader);
}

// ---------------------------------------------------------------------------------------------
// Whole-table helpers

static int push_batch(zcx_batch_t*** v, int64_t* n, int64_t* cap, zcx_batch_t* b,
                      zcx_error_t* err) {
  if (*n == *cap) {
    int64_t nc = *cap ? *cap * 2 : 8;
    zcx_batch_t** nv = realloc(*v, (size_t)nc * sizeof(*nv));
    if (nv == NULL) {
      zcx_batch_release(b);
      return zcx_error_fail(err, ENOMEM, "out of memory for %lld batches", (long long)nc);
    }
    *v = nv;
    *cap = nc;
  }
  (*v)[(*n)++] = b;
  return 0;
}

int zcx_ipc_read_all(zcx_buffer_t* data, const zcx_ipc_read_options_t* options,
                     zcx_schema_t** schema_out, zcx_batch_t*** batches_out, int64_t* count,
                     zcx_error_t* err) {
  if (data == NULL || batches_out == NULL || count == NULL) {
    return zcx_error_fail(err, EINVAL, "ipc read all: NULL argument");
  }
  *batches_out = NULL;
  *count = 0;
  if (schema_out != NULL) {
    *schema_out = NULL;
  }
  zcx_batch_t** v = NULL;
  int64_t n = 0;
  int64_t cap = 0;
  zcx_schema_t* schema = NULL;
  int rc;
  bool is_file = zcx_buffer_size(data) >= ZCXI_IPC_MAGIC_LEN &&
                 memcmp(zcx_buffer_data(data), ZCXI_IPC_MAGIC, ZCXI_IPC_MAGIC_LEN) == 0;
  if (is_file) {
    zcx_ipc_file_reader_t* r = NULL;
    rc = zcx_ipc_file_reader_open_buffer(data, options, &r, err);
    for (int64_t i = 0; rc == 0 && i < zcx_ipc_file_reader_num_batches(r); i++) {
      zcx_batch_t* b = NULL;
      rc = zcx_ipc_file_reader_read(r, i, &b, err);
      if (rc == 0) {
        rc = push_batch(&v, &n, &cap, b, err);
      }
    }
    if (rc == 0) {
      schema = zcx_ipc_file_reader_schema(r);
      zcx_schema_retain(schema);
    }
    zcx_ipc_file_reader_destroy(r);
  } else {
    zcx_ipc_reader_t* r = NULL;
    rc = zcx_ipc_reader_open_buffer(data, options, &r, err);
    while (rc == 0) {
      zcx_batch_t* b = NULL;
      rc = zcx_ipc_reader_next(r, &b, err);
      if (rc != 0 || b == NULL) {
        break;
      }
      rc = push_batch(&v, &n, &cap, b, err);
    }
    if (rc == 0) {
      schema = zcx_ipc_reader_schema(r);
      zcx_schema_retain(schema);
    }
    zcx_ipc_reader_destroy(r);
  }
  if (rc != 0) {
    zcx_ipc_batches_free(v, n);
    return rc;
  }
  if (schema_out != NULL) {
    *schema_out = schema;
  } else {
    zcx_schema_release(schema);
  }
  *batches_out = v;
  *count = n;
  return 0;
}

void zcx_ipc_batches_free(zcx_batch_t** batches, int64_t count) {
  for (int64_t i = 0; i < count; i++) {
    zcx_batch_release(batches[i]);
  }
  free(batches);
}
