// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Encoding of arrays as RecordBatch field nodes and body buffers, in pre-order. Buffers are
// referenced in place where the array's memory can be written as it is; slices are
// normalized (bitmaps shifted, offsets rebased, children cut) into scratch buffers; with a
// codec each buffer is compressed (or left raw with the -1 prefix when that is smaller).
#include <stdlib.h>
#include <string.h>

#include "ipc/internal.h"

void zcxi_ipc_body_enc_init(zcxi_ipc_body_enc_t* enc, int codec, int level, zcx_mr_t* mr) {
  memset(enc, 0, sizeof(*enc));
  enc->codec = codec;
  enc->level = level;
  enc->mr = mr;
}

void zcxi_ipc_body_enc_reset(zcxi_ipc_body_enc_t* enc) {
  for (int32_t i = 0; i < enc->num_buffers; i++) {
    zcx_buffer_release(enc->pieces[i].hold);
  }
  free(enc->nodes);
  free(enc->buffers);
  free(enc->variadic);
  free(enc->pieces);
  zcxi_ipc_body_enc_init(enc, enc->codec, enc->level, enc->mr);
}

static int grow(void** p, int32_t* cap, int32_t need, size_t elem, zcx_error_t* err) {
  if (need <= *cap) {
    return 0;
  }
  int32_t nc = *cap ? *cap * 2 : 16;
  while (nc < need) {
    nc *= 2;
  }
  void* n = realloc(*p, (size_t)nc * elem);
  if (n == NULL) {
    return zcx_error_fail(err, ENOMEM, "ipc writer: out of memory for metadata");
  }
  *p = n;
  *cap = nc;
  return 0;
}

static int add_node(zcxi_ipc_body_enc_t* e, int64_t length, int64_t nulls, zcx_error_t* err) {
  ZCX_RETURN_IF_ERROR(grow((void**)&e->nodes, &e->cap_nodes, e->num_nodes + 1, 16, err));
  e->nodes[2 * e->num_nodes] = length;
  e->nodes[2 * e->num_nodes + 1] = nulls;
  e->num_nodes++;
  return 0;
}

// Adds a buffer of `len` bytes at `data`; takes `hold` (may be NULL) in every case.
static int add_buffer(zcxi_ipc_body_enc_t* e, const uint8_t* data, int64_t len,
                      zcx_buffer_t* hold, zcx_error_t* err) {
  // buffers and pieces grow together; each keeps at least cap_buffers entries.
  int32_t cap = e->cap_buffers;
  int rc = grow((void**)&e->buffers, &cap, e->num_buffers + 1, 16, err);
  if (rc == 0) {
    cap = e->cap_buffers;
    rc = grow((void**)&e->pieces, &cap, e->num_buffers + 1, sizeof(zcxi_ipc_piece_t), err);
  }
  if (rc == 0) {
    e->cap_buffers = cap;
  } else {
    zcx_buffer_release(hold);
    return rc;
  }
  zcxi_ipc_piece_t piece = {false, 0, data, len, hold};
  if (e->codec >= 0 && len > 0) {
    size_t bound = zcxi_ipc_compress_bound(e->codec, (size_t)len);
    zcx_buffer_t* c = NULL;
    rc = zcx_buffer_allocate(e->mr, (int64_t)bound, 64, NULL, &c, err);
    size_t written = 0;
    if (rc == 0) {
      rc = zcxi_ipc_compress(e->codec, e->level, data, (size_t)len, zcx_buffer_data(c), bound,
                             &written, err);
    }
    if (rc != 0) {
      zcx_buffer_release(c);
      zcx_buffer_release(hold);
      return rc;
    }
    piece.has_prefix = true;
    if ((int64_t)written < len) {
      zcx_buffer_release(hold);
      piece.prefix = len;
      piece.data = zcx_buffer_data(c);
      piece.len = (int64_t)written;
      piece.hold = c;
    } else {
      zcx_buffer_release(c);
      piece.prefix = -1;
    }
  }
  int64_t total = piece.len + (piece.has_prefix ? 8 : 0);
  e->buffers[2 * e->num_buffers] = e->body_length;
  e->buffers[2 * e->num_buffers + 1] = total;
  e->pieces[e->num_buffers] = piece;
  e->num_buffers++;
  e->body_length += zcxi_align_up_i64(total, ZCXI_IPC_BODY_ALIGN);
  return 0;
}

static const uint8_t* bytes_of(const zcx_array_t* a, int32_t i) {
  return a->buffers[i] ? (const uint8_t*)zcx_buffer_data(a->buffers[i]) : NULL;
}

// Bits [off, off + len) of `bits` as a buffer starting at bit 0.
static int add_bitmap(zcxi_ipc_body_enc_t* e, const uint8_t* bits, int64_t off, int64_t len,
                      zcx_error_t* err) {
  int64_t nbytes = zcxi_bytes_for_bits(len);
  if (bits == NULL || len == 0) {
    return add_buffer(e, NULL, 0, NULL, err);
  }
  if ((off & 7) == 0) {
    return add_buffer(e, bits + off / 8, nbytes, NULL, err);
  }
  zcx_buffer_t* b = NULL;
  ZCX_RETURN_IF_ERROR(zcx_buffer_allocate_zeroed(e->mr, nbytes, 64, &b, err));
  uint8_t* d = zcx_buffer_data(b);
  for (int64_t i = 0; i < len; i++) {
    if (zcxi_bit_get(bits, off + i)) {
      zcxi_bit_set(d, i);
    }
  }
  return add_buffer(e, d, nbytes, b, err);
}

static int add_validity(zcxi_ipc_body_enc_t* e, zcx_array_t* a, zcx_error_t* err) {
  if (a->buffers == NULL || a->num_buffers == 0 || zcx_array_null_count(a) == 0) {
    return add_buffer(e, NULL, 0, NULL, err);
  }
  return add_bitmap(e, bytes_of(a, 0), a->offset, a->length, err);
}

// Offsets [off, off + len] of width `w` rebased to start at 0; *first and *last receive the
// original first and last offsets.
static int add_offsets(zcxi_ipc_body_enc_t* e, const zcx_array_t* a, int32_t idx, int w,
                       int64_t* first, int64_t* last, zcx_error_t* err) {
  const uint8_t* p = bytes_of(a, idx);
  int64_t off = a->offset;
  int64_t len = a->length;
  if (len == 0 || p == NULL) {
    *first = 0;
    *last = 0;
    zcx_buffer_t* b = NULL;
    ZCX_RETURN_IF_ERROR(zcx_buffer_allocate_zeroed(e->mr, w, 64, &b, err));
    return add_buffer(e, zcx_buffer_data(b), w, b, err);
  }
  if (w == 4) {
    int32_t f32;
    int32_t l32;
    memcpy(&f32, p + off * 4, 4);
    memcpy(&l32, p + (off + len) * 4, 4);
    *first = f32;
    *last = l32;
  } else {
    memcpy(first, p + off * 8, 8);
    memcpy(last, p + (off + len) * 8, 8);
  }
  if (*first == 0) {
    return add_buffer(e, p + off * w, (len + 1) * w, NULL, err);
  }
  zcx_buffer_t* b = NULL;
  ZCX_RETURN_IF_ERROR(zcx_buffer_allocate(e->mr, (len + 1) * w, 64, NULL, &b, err));
  uint8_t* d = zcx_buffer_data(b);
  for (int64_t i = 0; i <= len; i++) {
    if (w == 4) {
      int32_t v;
      memcpy(&v, p + (off + i) * 4, 4);
      v = (int32_t)(v - *first);
      memcpy(d + i * 4, &v, 4);
    } else {
      int64_t v;
      memcpy(&v, p + (off + i) * 8, 8);
      v -= *first;
      memcpy(d + i * 8, &v, 8);
    }
  }
  return add_buffer(e, d, (len + 1) * w, b, err);
}

static int encode(zcxi_ipc_body_enc_t* e, zcx_array_t* a, int depth, zcx_error_t* err);

static int encode_slice(zcxi_ipc_body_enc_t* e, zcx_array_t* child, int64_t off, int64_t len,
                        int depth, zcx_error_t* err) {
  if (off == 0 && len == child->length) {
    return encode(e, child, depth + 1, err);
  }
  zcx_array_t* s = NULL;
  ZCX_RETURN_IF_ERROR(zcx_array_slice(child, off, len, &s, err));
  int rc = encode(e, s, depth + 1, err);
  zcx_array_release(s);
  return rc;
}

// Run-end encoded: the runs covering [offset, offset + length), with run ends rebased.
static int encode_ree(zcxi_ipc_body_enc_t* e, zcx_array_t* a, int depth, zcx_error_t* err) {
  zcx_array_t* ends = a->children[0];
  zcx_array_t* values = a->children[1];
  int64_t off = a->offset;
  int64_t len = a->length;
  int64_t p0 = 0;
  while (p0 < ends->length && zcx_array_get_int(ends, p0) <= off) {
    p0++;
  }
  int64_t p1 = p0;
  while (len > 0 && p1 < ends->length && zcx_array_get_int(ends, p1) < off + len) {
    p1++;
  }
  int64_t runs = len == 0 ? 0 : p1 - p0 + 1;
  if (runs > 0 && p1 >= ends->length) {
    return zcx_error_fail(err, EINVAL, "run-end encoded array: run ends stop before %lld",
                          (long long)(off + len));
  }
  int32_t w = zcx_type_byte_width(ends->type);
  zcx_buffer_t* b = NULL;
  ZCX_RETURN_IF_ERROR(zcx_buffer_allocate(e->mr, runs * w, 64, NULL, &b, err));
  uint8_t* d = zcx_buffer_data(b);
  for (int64_t i = 0; i < runs; i++) {
    int64_t v = zcx_array_get_int(ends, p0 + i) - off;
    if (v > len) {
      v = len;
    }
    if (w == 2) {
      int16_t x = (int16_t)v;
      memcpy(d + i * 2, &x, 2);
    } else if (w == 4) {
      int32_t x = (int32_t)v;
      memcpy(d + i * 4, &x, 4);
    } else {
      memcpy(d + i * 8, &v, 8);
    }
  }
  int rc = add_node(e, runs, 0, err);
  if (rc == 0) {
    rc = add_buffer(e, NULL, 0, NULL, err);
  }
  if (rc == 0) {
    zcx_buffer_retain(b);
    rc = add_buffer(e, d, runs * w, b, err);
  }
  zcx_buffer_release(b);
  if (rc == 0) {
    rc = encode_slice(e, values, p0, runs, depth, err);
  }
  return rc;
}

static int encode_inner(zcxi_ipc_body_enc_t* e, zcx_array_t* a, int depth, zcx_error_t* err) {
  const zcx_type_t* t = a->type;
  if (t->id == ZCX_TYPE_EXTENSION) {
    t = t->storage_type;
  }
  if (t->id == ZCX_TYPE_DICTIONARY) {
    t = t->index_type;
  }
  int64_t off = a->offset;
  int64_t len = a->length;
  if (t->id == ZCX_TYPE_NA) {
    return add_node(e, len, len, err);
  }
  if (t->id == ZCX_TYPE_RUN_END_ENCODED) {
    // No buffers of its own: the run ends and the values follow as children.
    ZCX_RETURN_IF_ERROR(add_node(e, len, 0, err));
    return encode_ree(e, a, depth, err);
  }
  bool is_union = t->id == ZCX_TYPE_SPARSE_UNION || t->id == ZCX_TYPE_DENSE_UNION;
  ZCX_RETURN_IF_ERROR(add_node(e, len, is_union ? 0 : zcx_array_null_count(a), err));
  switch (t->id) {
    case ZCX_TYPE_BOOL:
      ZCX_RETURN_IF_ERROR(add_validity(e, a, err));
      return add_bitmap(e, bytes_of(a, 1), off, len, err);
    case ZCX_TYPE_BINARY:
    case ZCX_TYPE_STRING:
    case ZCX_TYPE_LARGE_BINARY:
    case ZCX_TYPE_LARGE_STRING: {
      int w = (t->id == ZCX_TYPE_LARGE_BINARY || t->id == ZCX_TYPE_LARGE_STRING) ? 8 : 4;
      int64_t first = 0;
      int64_t last = 0;
      ZCX_RETURN_IF_ERROR(add_validity(e, a, err));
      ZCX_RETURN_IF_ERROR(add_offsets(e, a, 1, w, &first, &last, err));
      const uint8_t* data = bytes_of(a, 2);
      return add_buffer(e, data ? data + first : NULL, last - first, NULL, err);
    }
    case ZCX_TYPE_BINARY_VIEW:
    case ZCX_TYPE_STRING_VIEW: {
      ZCX_RETURN_IF_ERROR(add_validity(e, a, err));
      const uint8_t* views = bytes_of(a, 1);
      ZCX_RETURN_IF_ERROR(add_buffer(e, views ? views + off * 16 : NULL, len * 16, NULL, err));
      int32_t extra = a->num_buffers - 2;
      ZCX_RETURN_IF_ERROR(
          grow((void**)&e->variadic, &e->cap_variadic, e->num_variadic + 1, 8, err));
      e->variadic[e->num_variadic++] = extra;
      for (int32_t i = 0; i < extra; i++) {
        zcx_buffer_t* vb = a->buffers[2 + i];
        ZCX_RETURN_IF_ERROR(add_buffer(e, vb ? zcx_buffer_data(vb) : NULL,
                                       vb ? zcx_buffer_size(vb) : 0, NULL, err));
      }
      return 0;
    }
    case ZCX_TYPE_LIST:
    case ZCX_TYPE_LARGE_LIST:
    case ZCX_TYPE_MAP: {
      int w = t->id == ZCX_TYPE_LARGE_LIST ? 8 : 4;
      int64_t first = 0;
      int64_t last = 0;
      ZCX_RETURN_IF_ERROR(add_validity(e, a, err));
      ZCX_RETURN_IF_ERROR(add_offsets(e, a, 1, w, &first, &last, err));
      return encode_slice(e, a->children[0], first, last - first, depth, err);
    }
    case ZCX_TYPE_LIST_VIEW:
    case ZCX_TYPE_LARGE_LIST_VIEW: {
      int w = t->id == ZCX_TYPE_LARGE_LIST_VIEW ? 8 : 4;
      ZCX_RETURN_IF_ERROR(add_validity(e, a, err));
      for (int32_t i = 1; i <= 2; i++) {
        const uint8_t* p = bytes_of(a, i);
        ZCX_RETURN_IF_ERROR(add_buffer(e, p ? p + off * w : NULL, len * w, NULL, err));
      }
      return encode(e, a->children[0], depth + 1, err);
    }
    case ZCX_TYPE_FIXED_SIZE_LIST:
      ZCX_RETURN_IF_ERROR(add_validity(e, a, err));
      return encode_slice(e, a->children[0], off * t->fixed_size, len * t->fixed_size, depth,
                          err);
    case ZCX_TYPE_STRUCT:
      ZCX_RETURN_IF_ERROR(add_validity(e, a, err));
      for (int32_t i = 0; i < a->num_children; i++) {
        ZCX_RETURN_IF_ERROR(encode_slice(e, a->children[i], off, len, depth, err));
      }
      return 0;
    case ZCX_TYPE_SPARSE_UNION:
    case ZCX_TYPE_DENSE_UNION: {
      const uint8_t* ids = bytes_of(a, 0);
      ZCX_RETURN_IF_ERROR(add_buffer(e, ids ? ids + off : NULL, len, NULL, err));
      if (t->id == ZCX_TYPE_SPARSE_UNION) {
        for (int32_t i = 0; i < a->num_children; i++) {
          ZCX_RETURN_IF_ERROR(encode_slice(e, a->children[i], off, len, depth, err));
        }
        return 0;
      }
      const uint8_t* offs = bytes_of(a, 1);
      ZCX_RETURN_IF_ERROR(add_buffer(e, offs ? offs + off * 4 : NULL, len * 4, NULL, err));
      for (int32_t i = 0; i < a->num_children; i++) {
        ZCX_RETURN_IF_ERROR(encode(e, a->children[i], depth + 1, err));
      }
      return 0;
    }
    default: {
      // Fixed width: integers, floats, decimals, temporal types, fixed-size binary, and
      // dictionary indices.
      int32_t w = zcx_type_byte_width(t);
      if (w <= 0 && t->id != ZCX_TYPE_FIXED_SIZE_BINARY) {
        return zcx_error_fail(err, ENOTSUP, "type %s cannot be written to IPC",
                              zcx_type_id_name(t->id));
      }
      ZCX_RETURN_IF_ERROR(add_validity(e, a, err));
      const uint8_t* p = bytes_of(a, 1);
      return add_buffer(e, p ? p + off * w : NULL, len * w, NULL, err);
    }
  }
}

static int encode(zcxi_ipc_body_enc_t* e, zcx_array_t* a, int depth, zcx_error_t* err) {
  if (depth > 200) {
    return zcx_error_fail(err, EINVAL, "arrays nested too deeply to write");
  }
  return encode_inner(e, a, depth, err);
}

int zcxi_ipc_encode_array(zcxi_ipc_body_enc_t* enc, zcx_array_t* array, zcx_error_t* err) {
  return encode(enc, array, 0, err);
}

zcxi_fb_ref_t zcxi_ipc_record_batch_to_fb(zcxi_fbb_t* b, const zcxi_ipc_body_enc_t* enc) {
  zcxi_fb_ref_t variadic = 0;
  if (enc->num_variadic > 0) {
    variadic = zcxi_fbb_vector(b, enc->variadic, 8, (size_t)enc->num_variadic, 8);
  }
  zcxi_fb_ref_t buffers = zcxi_fbb_vector(b, enc->buffers, 16, (size_t)enc->num_buffers, 8);
  zcxi_fb_ref_t nodes = zcxi_fbb_vector(b, enc->nodes, 16, (size_t)enc->num_nodes, 8);
  zcxi_fb_ref_t comp = 0;
  if (enc->codec >= 0) {
    zcxi_fbb_table_start(b);
    zcxi_fbb_add_u8(b, ZCXI_FB_COMPRESSION_CODEC, (uint8_t)enc->codec);
    zcxi_fbb_add_u8(b, ZCXI_FB_COMPRESSION_METHOD, 0);
    comp = zcxi_fbb_table_end(b);
  }
  zcxi_fbb_table_start(b);
  zcxi_fbb_add_i64(b, ZCXI_FB_RB_LENGTH, enc->length);
  zcxi_fbb_add_ref(b, ZCXI_FB_RB_NODES, nodes);
  zcxi_fbb_add_ref(b, ZCXI_FB_RB_BUFFERS, buffers);
  if (comp != 0) {
    zcxi_fbb_add_ref(b, ZCXI_FB_RB_COMPRESSION, comp);
  }
  if (variadic != 0) {
    zcxi_fbb_add_ref(b, ZCXI_FB_RB_VARIADIC_COUNTS, variadic);
  }
  return zcxi_fbb_table_end(b);
}
