// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Decoding of RecordBatch and DictionaryBatch bodies into arrays: field nodes and buffers in
// pre-order, zero-copy slices of the body (copies only where a buffer is unaligned or
// compressed), then validation.
#include <stdlib.h>
#include <string.h>

#include "array/internal.h"
#include "ipc/internal.h"

typedef struct rd {
  const zcxi_ipc_batch_ctx_t* ctx;
  zcxi_fb_vector_t nodes;
  zcxi_fb_vector_t buffers;
  zcxi_fb_vector_t variadic;
  uint32_t ni, bi, vi;
  int codec;  // -1: not compressed
  const uint8_t* body;
  int64_t body_len;
} rd_t;

static int rd_init(rd_t* r, const zcxi_ipc_batch_ctx_t* ctx, zcxi_fb_table_t rb,
                   zcx_error_t* err) {
  memset(r, 0, sizeof(*r));
  r->ctx = ctx;
  r->codec = -1;
  r->body = zcx_buffer_data(ctx->body);
  r->body_len = zcx_buffer_size(ctx->body);
  zcxi_fb_vector(rb, ZCXI_FB_RB_NODES, &r->nodes);
  zcxi_fb_vector(rb, ZCXI_FB_RB_BUFFERS, &r->buffers);
  zcxi_fb_vector(rb, ZCXI_FB_RB_VARIADIC_COUNTS, &r->variadic);
  zcxi_fb_table_t comp;
  if (zcxi_fb_table(rb, ZCXI_FB_RB_COMPRESSION, &comp)) {
    int8_t codec = zcxi_fb_i8(comp, ZCXI_FB_COMPRESSION_CODEC, 0);
    int8_t method = zcxi_fb_i8(comp, ZCXI_FB_COMPRESSION_METHOD, 0);
    if (codec != ZCXI_FB_CODEC_LZ4_FRAME && codec != ZCXI_FB_CODEC_ZSTD) {
      return zcx_error_fail(err, EINVAL, "unknown compression codec %d", codec);
    }
    if (method != 0) {
      return zcx_error_fail(err, EINVAL, "unknown body compression method %d", method);
    }
    r->codec = codec;
  }
  return 0;
}

// Reads the next buffer as a zcx buffer; *out is NULL for an empty one.
static int next_buffer(rd_t* r, const char* field, zcx_buffer_t** out, zcx_error_t* err) {
  *out = NULL;
  uint32_t idx = r->bi;
  if (idx >= r->buffers.len) {
    return zcx_error_fail(err, EINVAL, "field '%s': buffer %u is missing (the batch has %u)",
                          field, idx, r->buffers.len);
  }
  r->bi++;
  const uint8_t* e = zcxi_fb_vector_elem(r->buffers, idx, ZCXI_FB_BUFFER_SIZE);
  int64_t off = zcxi_fb_rd_i64(e);
  int64_t len = zcxi_fb_rd_i64(e + 8);
  if (off < 0 || len < 0 || off > r->body_len || len > r->body_len - off) {
    return zcx_error_fail(err, EINVAL,
                          "field '%s': buffer %u at offset %lld of %lld bytes is outside the "
                          "body of %lld bytes",
                          field, idx, (long long)off, (long long)len, (long long)r->body_len);
  }
  if (len == 0) {
    return 0;
  }
  zcx_mr_t* mr = r->ctx->mr;
  if (r->codec >= 0) {
    if (len < 8) {
      return zcx_error_fail(err, EINVAL,
                            "field '%s': compressed buffer %u of %lld bytes has no length prefix",
                            field, idx, (long long)len);
    }
    int64_t ulen = zcxi_fb_rd_i64(r->body + off);
    if (ulen != -1) {
      if (ulen < 0 || ulen > ((int64_t)1 << 40)) {
        return zcx_error_fail(err, EINVAL, "field '%s': buffer %u: bad uncompressed length %lld",
                              field, idx, (long long)ulen);
      }
      zcx_buffer_t* b = NULL;
      ZCX_RETURN_IF_ERROR(zcx_buffer_allocate(mr, ulen, 64, NULL, &b, err));
      int rc = zcxi_ipc_decompress(r->codec, r->body + off + 8, (size_t)(len - 8),
                                   zcx_buffer_data(b), (size_t)ulen, err);
      if (rc != 0) {
        zcx_buffer_release(b);
        zcx_error_prefix(err, "field '%s': buffer %u: ", field, idx);
        return rc;
      }
      *out = b;
      return 0;
    }
    off += 8;
    len -= 8;
    if (len == 0) {
      return 0;
    }
  }
  if (!zcxi_is_aligned(r->body + off, ZCXI_IPC_READ_ALIGN)) {
    return zcx_buffer_copy_from(mr, r->body + off, len, out, err);
  }
  return zcx_buffer_slice(r->ctx->body, off, len, out, err);
}

static bool has_offsets(zcx_type_id_t id) {
  switch (id) {
    case ZCX_TYPE_BINARY:
    case ZCX_TYPE_STRING:
    case ZCX_TYPE_LARGE_BINARY:
    case ZCX_TYPE_LARGE_STRING:
    case ZCX_TYPE_LIST:
    case ZCX_TYPE_LARGE_LIST:
    case ZCX_TYPE_MAP:
      return true;
    default:
      return false;
  }
}

static int read_array(rd_t* r, const zcx_field_t* f, int depth, zcx_array_t** out,
                      zcx_error_t* err);

static int read_array_inner(rd_t* r, const zcx_field_t* f, int depth, zcx_buffer_t** bufs,
                            int32_t* nbufs, zcx_array_t** kids, int32_t* nkids,
                            zcx_array_t** out, zcx_error_t* err) {
  if (depth > 200) {
    return zcx_error_fail(err, EINVAL, "field '%s': nested too deeply", f->name);
  }
  if (r->ni >= r->nodes.len) {
    return zcx_error_fail(err, EINVAL, "field '%s': field node %u is missing (the batch has %u)",
                          f->name, r->ni, r->nodes.len);
  }
  const uint8_t* node = zcxi_fb_vector_elem(r->nodes, r->ni++, ZCXI_FB_FIELD_NODE_SIZE);
  int64_t length = zcxi_fb_rd_i64(node);
  int64_t null_count = zcxi_fb_rd_i64(node + 8);
  if (length < 0 || null_count < 0 || null_count > length) {
    return zcx_error_fail(err, EINVAL, "field '%s': bad field node: length %lld, null count %lld",
                          f->name, (long long)length, (long long)null_count);
  }
  zcx_type_t* type = f->type;
  const zcx_type_t* layout = type;
  if (layout->id == ZCX_TYPE_EXTENSION) {
    layout = layout->storage_type;
  }
  zcx_array_t* dict = NULL;
  if (layout->id == ZCX_TYPE_DICTIONARY) {
    zcxi_ipc_dict_t* d = zcxi_ipc_memo_find(r->ctx->memo, f->dictionary_id);
    if (d == NULL || d->values == NULL) {
      return zcx_error_fail(err, EINVAL,
                            "field '%s': dictionary id %lld is used before it arrives", f->name,
                            (long long)f->dictionary_id);
    }
    dict = d->values;
    layout = layout->index_type;
  }
  int32_t n = zcx_type_num_buffers(layout);
  if (layout->id == ZCX_TYPE_NA) {
    null_count = length;
  }
  if (r->ctx->metadata_version < ZCXI_FB_METADATA_V5 &&
      (layout->id == ZCX_TYPE_SPARSE_UNION || layout->id == ZCX_TYPE_DENSE_UNION)) {
    // Before V5, unions had a validity buffer; it is dropped.
    zcx_buffer_t* skip = NULL;
    ZCX_RETURN_IF_ERROR(next_buffer(r, f->name, &skip, err));
    zcx_buffer_release(skip);
  }
  if (layout->id == ZCX_TYPE_BINARY_VIEW || layout->id == ZCX_TYPE_STRING_VIEW) {
    if (r->vi >= r->variadic.len) {
      return zcx_error_fail(err, EINVAL, "field '%s': variadic buffer count %u is missing",
                            f->name, r->vi);
    }
    int64_t extra = zcxi_fb_rd_i64(zcxi_fb_vector_elem(r->variadic, r->vi++, 8));
    if (extra < 0 || extra > (int64_t)(r->buffers.len - r->bi)) {
      return zcx_error_fail(err, EINVAL, "field '%s': %lld variadic buffers, %u left", f->name,
                            (long long)extra, r->buffers.len - r->bi);
    }
    n += (int32_t)extra;
  }
  *nbufs = 0;
  for (int32_t j = 0; j < n; j++) {
    zcx_buffer_t* b = NULL;
    ZCX_RETURN_IF_ERROR(next_buffer(r, f->name, &b, err));
    bufs[(*nbufs)++] = b;
    if (j == 0 && zcxi_id_has_validity(layout->id)) {
      if (null_count == 0) {
        zcx_buffer_release(b);
        bufs[0] = NULL;
      } else if (b == NULL) {
        return zcx_error_fail(err, EINVAL,
                              "field '%s': %lld nulls but buffer %u (validity) is empty",
                              f->name, (long long)null_count, r->bi - 1);
      }
      continue;
    }
    if (b == NULL) {
      // Empty buffers: offsets of an empty array are one zero; others are empty.
      int64_t size = (j == 1 && has_offsets(layout->id) && length == 0) ? 8 : 0;
      if (size > 0) {
        ZCX_RETURN_IF_ERROR(zcx_buffer_allocate_zeroed(r->ctx->mr, size, 64, &b, err));
      } else {
        ZCX_RETURN_IF_ERROR(zcx_buffer_allocate(r->ctx->mr, 0, 64, NULL, &b, err));
      }
      bufs[j] = b;
    }
  }
  *nkids = 0;
  for (int32_t i = 0; i < layout->num_children; i++) {
    ZCX_RETURN_IF_ERROR(read_array(r, layout->children[i], depth + 1, &kids[i], err));
    (*nkids)++;
  }
  return zcx_array_create(type, length, 0, null_count, bufs, *nbufs, kids, *nkids, dict, out,
                          err);
}

static int read_array(rd_t* r, const zcx_field_t* f, int depth, zcx_array_t** out,
                      zcx_error_t* err) {
  *out = NULL;
  const zcx_type_t* layout = f->type;
  if (layout->id == ZCX_TYPE_EXTENSION) {
    layout = layout->storage_type;
  }
  if (layout->id == ZCX_TYPE_DICTIONARY) {
    layout = layout->index_type;
  }
  // Buffers: the layout's, plus variadic ones (bounded by what the batch has).
  size_t max_bufs = (size_t)zcx_type_num_buffers(layout) + 1 + r->buffers.len;
  zcx_buffer_t** bufs = calloc(max_bufs, sizeof(*bufs));
  zcx_array_t** kids = calloc((size_t)layout->num_children + 1, sizeof(*kids));
  int32_t nbufs = 0;
  int32_t nkids = 0;
  int rc;
  if (bufs == NULL || kids == NULL) {
    rc = zcx_error_fail(err, ENOMEM, "field '%s': out of memory", f->name);
  } else {
    rc = read_array_inner(r, f, depth, bufs, &nbufs, kids, &nkids, out, err);
  }
  for (int32_t i = 0; bufs && i < nbufs; i++) {
    zcx_buffer_release(bufs[i]);
  }
  for (int32_t i = 0; kids && i < nkids; i++) {
    zcx_array_release(kids[i]);
  }
  free(bufs);
  free(kids);
  return rc;
}

int zcxi_ipc_read_batch(const zcxi_ipc_batch_ctx_t* ctx, zcxi_fb_table_t rb,
                        zcx_schema_t* schema, zcx_batch_t** out, zcx_error_t* err) {
  *out = NULL;
  rd_t r;
  int rc = rd_init(&r, ctx, rb, err);
  int64_t rows = zcxi_fb_i64(rb, ZCXI_FB_RB_LENGTH, 0);
  if (rc == 0 && rows < 0) {
    rc = zcx_error_fail(err, EINVAL, "negative batch length %lld", (long long)rows);
  }
  zcx_array_t** cols = calloc((size_t)schema->num_fields + 1, sizeof(*cols));
  if (rc == 0 && cols == NULL) {
    rc = zcx_error_fail(err, ENOMEM, "out of memory for %d columns", schema->num_fields);
  }
  int32_t n = 0;
  for (; rc == 0 && n < schema->num_fields; n++) {
    rc = read_array(&r, schema->fields[n], 0, &cols[n], err);
  }
  if (rc == 0) {
    rc = zcx_batch_create(schema, cols, schema->num_fields, rows, out, err);
  }
  if (rc == 0 && !ctx->trusted) {
    rc = zcx_batch_validate(*out, ZCX_VALIDATE_FULL, err);
    if (rc != 0) {
      zcx_batch_release(*out);
      *out = NULL;
    }
  }
  for (int32_t i = 0; cols && i < n; i++) {
    zcx_array_release(cols[i]);
  }
  free(cols);
  return rc;
}

int zcxi_ipc_read_dictionary(const zcxi_ipc_batch_ctx_t* ctx, zcxi_fb_table_t db,
                             zcx_error_t* err) {
  int64_t id = zcxi_fb_i64(db, ZCXI_FB_DB_ID, 0);
  zcxi_ipc_dict_t* d = zcxi_ipc_memo_find(ctx->memo, id);
  if (d == NULL) {
    return zcx_error_fail(err, EINVAL, "dictionary batch for id %lld that no field uses",
                          (long long)id);
  }
  zcxi_fb_table_t rb;
  if (!zcxi_fb_table(db, ZCXI_FB_DB_DATA, &rb)) {
    return zcx_error_fail(err, EINVAL, "dictionary batch %lld without data", (long long)id);
  }
  rd_t r;
  ZCX_RETURN_IF_ERROR(rd_init(&r, ctx, rb, err));
  zcx_field_t* vf = NULL;
  ZCX_RETURN_IF_ERROR(zcx_field_create("dictionary", d->value_type, true, NULL, &vf, err));
  zcx_array_t* values = NULL;
  int rc = read_array(&r, vf, 0, &values, err);
  zcx_field_release(vf);
  if (rc == 0 && !ctx->trusted) {
    rc = zcx_array_validate(values, ZCX_VALIDATE_FULL, err);
  }
  if (rc == 0 && zcxi_fb_bool(db, ZCXI_FB_DB_IS_DELTA, false) && d->values != NULL) {
    zcx_array_t* joined = NULL;
    rc = zcxi_ipc_concat(d->values, values, ctx->mr, &joined, err);
    zcx_array_release(values);
    values = joined;
  }
  if (rc != 0) {
    zcx_array_release(values);
    zcx_error_prefix(err, "dictionary %lld: ", (long long)id);
    return rc;
  }
  zcx_array_release(d->values);
  d->values = values;
  return 0;
}
