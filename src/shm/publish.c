// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Publishing: record batches whose buffers live in a segment become an Arrow IPC file in
// that segment without copying them. The file is laid out as
//
//   [0, 8)                 "ARROW1\0\0"
//   [8, header_size)       the Schema message, then one message per dictionary and batch:
//                          each message's body starts right after it (64-byte aligned) and
//                          reaches up to its highest buffer in the arena, so bodies overlap
//                          the messages that follow them, which the format allows: buffer
//                          offsets are relative to the body's start and 8-byte aligned
//   [header_size, top)     the arena: the blocks that builders wrote
//   [top, end)             end-of-stream marker, Footer, footer length, "ARROW1"
//
// and the file is cut at `end`, made read-only and sealed (segment.c).
#include <stdlib.h>
#include <string.h>

#include "ipc/internal.h"
#include "shm/internal.h"

// One dictionary or record batch message.
typedef struct pmsg {
  int64_t dict_id;  // -1 for a record batch
  zcxi_ipc_body_enc_t enc;
  int64_t* abs;     // the segment offset of each buffer, -1 for an empty one
  int64_t hi;       // end of its highest buffer, -1 when it has none
  zcxi_ipc_block_t block;
} pmsg_t;

typedef struct pub {
  zcxi_shm_mr_t* m;
  uint8_t* base;
  int64_t* copies;  // (offset, size) of each block this publication allocated
  int32_t num_copies, cap_copies;
  pmsg_t* msgs;
  int32_t num_msgs;
  int64_t* dict_ids;  // of each dictionary field, in walk order
  int32_t num_dict_fields;
} pub_t;

static int note_copy(pub_t* p, int64_t off, int64_t size, zcx_error_t* err) {
  if (p->num_copies == p->cap_copies) {
    int32_t nc = p->cap_copies ? p->cap_copies * 2 : 16;
    int64_t* v = realloc(p->copies, (size_t)nc * 2 * sizeof(int64_t));
    if (v == NULL) {
      return zcx_error_fail(err, ENOMEM, "shm publish: out of memory");
    }
    p->copies = v;
    p->cap_copies = nc;
  }
  p->copies[2 * p->num_copies] = off;
  p->copies[2 * p->num_copies + 1] = size;
  p->num_copies++;
  return 0;
}

// Finds where each buffer of `msg` lives in the segment; buffers outside it, unaligned ones
// and the scratch buffers of normalized slices are copied into the arena.
static int place_buffers(pub_t* p, pmsg_t* msg, zcx_error_t* err) {
  zcxi_ipc_body_enc_t* e = &msg->enc;
  msg->abs = calloc((size_t)e->num_buffers + 1, sizeof(int64_t));
  if (msg->abs == NULL) {
    return zcx_error_fail(err, ENOMEM, "shm publish: out of memory");
  }
  msg->hi = -1;
  uintptr_t lo_ok = (uintptr_t)p->base + (uintptr_t)p->m->header_size;
  uintptr_t hi_ok = (uintptr_t)p->base + (uintptr_t)p->m->seg->capacity;
  for (int32_t i = 0; i < e->num_buffers; i++) {
    const zcxi_ipc_piece_t* piece = &e->pieces[i];
    int64_t len = piece->len;
    if (len == 0) {
      msg->abs[i] = -1;
      continue;
    }
    uintptr_t d = (uintptr_t)piece->data;
    int64_t off;
    if (piece->hold == NULL && d >= lo_ok && d < hi_ok && (uint64_t)len <= hi_ok - d &&
        ((d - (uintptr_t)p->base) & 7) == 0) {
      off = (int64_t)(d - (uintptr_t)p->base);
    } else {
      ZCX_RETURN_IF_ERROR(zcxi_shm_mr_alloc_locked(p->m, len, 64, &off, err));
      int rc = note_copy(p, off, len, err);
      if (rc != 0) {
        (void)zcxi_shm_mr_free_locked(p->m, off, len, NULL);
        return rc;
      }
      memcpy(p->base + off, piece->data, (size_t)len);
      memset(p->base + off + len, 0, (size_t)(zcxi_align_up_i64(len, 64) - len));
    }
    msg->abs[i] = off;
    if (off + len > msg->hi) {
      msg->hi = off + len;
    }
  }
  return 0;
}

static int add_message(pub_t* p, zcx_array_t* const* columns, int32_t n, int64_t rows,
                       int64_t dict_id, zcx_error_t* err) {
  pmsg_t* msg = &p->msgs[p->num_msgs++];
  memset(msg, 0, sizeof(*msg));
  msg->dict_id = dict_id;
  zcxi_ipc_body_enc_init(&msg->enc, -1, 0, NULL);
  msg->enc.length = rows;
  for (int32_t i = 0; i < n; i++) {
    ZCX_RETURN_IF_ERROR(zcxi_ipc_encode_array(&msg->enc, columns[i], err));
  }
  return place_buffers(p, msg, err);
}

// Builds the Message of `msg` for a body starting at segment offset `body_start`.
static int message_fb(zcxi_fbb_t* b, pmsg_t* msg, int64_t body_start, const uint8_t** data,
                      size_t* size, zcx_error_t* err) {
  zcxi_ipc_body_enc_t* e = &msg->enc;
  for (int32_t i = 0; i < e->num_buffers; i++) {
    e->buffers[2 * i] = msg->abs[i] < 0 ? 0 : msg->abs[i] - body_start;
  }
  int64_t body_len = msg->hi < 0 ? 0 : zcxi_align_up_i64(msg->hi, 8) - body_start;
  zcxi_fb_ref_t header = zcxi_ipc_record_batch_to_fb(b, e);
  uint8_t type = ZCXI_FBH_RECORD_BATCH;
  if (msg->dict_id >= 0) {
    zcxi_fb_ref_t rb = header;
    zcxi_fbb_table_start(b);
    zcxi_fbb_add_i64(b, ZCXI_FB_DB_ID, msg->dict_id);
    zcxi_fbb_add_ref(b, ZCXI_FB_DB_DATA, rb);
    zcxi_fbb_add_u8(b, ZCXI_FB_DB_IS_DELTA, 0);
    header = zcxi_fbb_table_end(b);
    type = ZCXI_FBH_DICTIONARY_BATCH;
  }
  msg->block.body_len = body_len;
  return zcxi_ipc_message_finish(b, type, header, body_len, NULL, data, size, err);
}

// Writes the 8-byte prefix and the metadata at `pos` when the message fits the header.
static void put_message(pub_t* p, int64_t pos, const uint8_t* meta, size_t size,
                        int64_t padded) {
  uint32_t prefix[2] = {ZCXI_IPC_CONTINUATION, (uint32_t)padded};
  memcpy(p->base + pos, prefix, 8);
  memcpy(p->base + pos + 8, meta, size);
  memset(p->base + pos + 8 + size, 0, (size_t)padded - size);
}

// Lays out the messages in the header area; ENOSPC with the size needed when they do not
// fit.
static int layout_header(pub_t* p, const zcx_schema_t* schema, zcx_error_t* err) {
  int64_t header = p->m->header_size;
  int64_t pos = 8;
  zcxi_fbb_t b;
  zcxi_fbb_init(&b);
  int rc = 0;
  const uint8_t* data;
  size_t size;
  zcxi_fb_ref_t s = zcxi_ipc_schema_to_fb(&b, schema, p->dict_ids, &rc, err);
  if (rc == 0) {
    rc = zcxi_ipc_message_finish(&b, ZCXI_FBH_SCHEMA, s, 0, NULL, &data, &size, err);
  }
  if (rc == 0) {
    int64_t padded = zcxi_align_up_i64((int64_t)size, 8);
    if (pos + 8 + padded <= header) {
      put_message(p, pos, data, size, padded);
    }
    pos += 8 + padded;
  }
  zcxi_fbb_reset(&b);
  for (int32_t k = 0; rc == 0 && k < p->num_msgs; k++) {
    pmsg_t* msg = &p->msgs[k];
    int64_t start = pos;
    int64_t body = zcxi_align_up_i64(start + 8 + 256, 64);
    int64_t padded = 0;
    // The metadata's size does not depend on the offsets in it, so the second round agrees.
    for (int round = 0; rc == 0; round++) {
      zcxi_fbb_init(&b);
      rc = message_fb(&b, msg, body, &data, &size, err);
      if (rc != 0) {
        break;
      }
      padded = zcxi_align_up_i64(start + 8 + (int64_t)size, 64) - start - 8;
      if (start + 8 + padded == body) {
        break;
      }
      zcxi_fbb_reset(&b);
      if (round == 3) {
        rc = zcx_error_fail(err, EINVAL, "shm publish: message %d does not settle", k);
      }
      body = start + 8 + padded;
    }
    if (rc == 0) {
      if (body <= header) {
        put_message(p, start, data, size, padded);
      }
      msg->block.offset = start;
      msg->block.meta_len = (int32_t)(8 + padded);
      msg->block.pad = 0;
      pos = body;
    }
    zcxi_fbb_reset(&b);
  }
  if (rc == 0 && pos > header) {
    rc = zcx_error_fail(err, ENOSPC,
                        "shm publish: the schema and %d messages need %lld bytes of header, "
                        "the resource reserved %lld (set header_size in zcx_shm_mr_options_t)",
                        p->num_msgs, (long long)pos, (long long)header);
  }
  return rc;
}

// Writes the end-of-stream marker and the footer after the arena; *end receives the size of
// the file.
static int write_footer(pub_t* p, const zcx_schema_t* schema, const zcx_metadata_t* md,
                        int64_t* end, zcx_error_t* err) {
  int32_t nd = 0;
  int32_t nb = 0;
  zcxi_ipc_block_t* blocks = calloc((size_t)p->num_msgs + 1, sizeof(*blocks));
  if (blocks == NULL) {
    return zcx_error_fail(err, ENOMEM, "shm publish: out of memory");
  }
  for (int32_t k = 0; k < p->num_msgs; k++) {
    nd += p->msgs[k].dict_id >= 0 ? 1 : 0;
  }
  for (int32_t k = 0; k < p->num_msgs; k++) {
    if (p->msgs[k].dict_id >= 0) {
      blocks[nb++] = p->msgs[k].block;
    }
  }
  for (int32_t k = 0; k < p->num_msgs; k++) {
    if (p->msgs[k].dict_id < 0) {
      blocks[nb++] = p->msgs[k].block;
    }
  }
  zcxi_fbb_t b;
  zcxi_fbb_init(&b);
  const uint8_t* data;
  size_t size;
  int rc = zcxi_ipc_footer_finish(&b, schema, p->dict_ids, blocks, nd, blocks + nd, nb - nd, md,
                                  &data, &size, err);
  if (rc == 0) {
    int64_t top = zcxi_align_up_i64(zcxi_shm_mr_top_locked(p->m), 8);
    int64_t total = top + 8 + (int64_t)size + 4 + ZCXI_IPC_MAGIC_LEN;
    int64_t cap = p->m->seg->capacity;
    if (size > INT32_MAX || total > cap) {
      rc = zcx_error_fail(err, ENOSPC,
                          "shm publish: the footer (%zu bytes) does not fit after the last "
                          "block at %lld: %lld bytes needed, the segment has %lld",
                          size, (long long)top, (long long)total, (long long)cap);
    } else {
      uint8_t* q = p->base + top;
      const uint32_t eos[2] = {ZCXI_IPC_CONTINUATION, 0};
      memcpy(q, eos, 8);
      memcpy(q + 8, data, size);
      int32_t len = (int32_t)size;
      memcpy(q + 8 + size, &len, 4);
      memcpy(q + 8 + size + 4, ZCXI_IPC_MAGIC, ZCXI_IPC_MAGIC_LEN);
      static const uint8_t magic[8] = {'A', 'R', 'R', 'O', 'W', '1', 0, 0};
      memcpy(p->base, magic, 8);
      *end = total;
    }
  }
  zcxi_fbb_reset(&b);
  free(blocks);
  return rc;
}

// Adds one message per distinct dictionary (inner ones first), from the first batch; the
// other batches must carry equal dictionaries.
static int add_dictionaries(pub_t* p, zcx_batch_t* const* batches, int32_t n,
                            zcx_error_t* err) {
  int32_t nf = p->num_dict_fields;
  if (nf == 0 || n == 0) {
    return 0;
  }
  zcx_array_t** first = calloc((size_t)nf * 2, sizeof(*first));
  if (first == NULL) {
    return zcx_error_fail(err, ENOMEM, "shm publish: out of memory");
  }
  zcx_array_t** other = first + nf;
  int rc = 0;
  for (int32_t k = 0; rc == 0 && k < n; k++) {
    zcx_array_t** v = k == 0 ? first : other;
    int32_t got = 0;
    for (int32_t c = 0; rc == 0 && c < batches[k]->num_columns; c++) {
      rc = zcxi_ipc_collect_dictionaries(batches[k]->columns[c], v, &got, nf, err);
    }
    if (rc == 0 && got != nf) {
      rc = zcx_error_fail(err, EINVAL, "shm publish: batch %d has %d dictionaries, the schema %d",
                          k, got, nf);
    }
    for (int32_t i = 0; rc == 0 && k > 0 && i < nf; i++) {
      if (other[i] != first[i] && !zcx_array_equal(other[i], first[i], NULL)) {
        rc = zcx_error_fail(err, EINVAL,
                            "shm publish: batch %d replaces dictionary %lld; a published "
                            "segment holds one dictionary per id",
                            k, (long long)p->dict_ids[i]);
      }
    }
  }
  for (int32_t i = nf - 1; rc == 0 && i >= 0; i--) {
    bool done = false;
    for (int32_t j = i + 1; j < nf && !done; j++) {
      done = p->dict_ids[j] == p->dict_ids[i];
    }
    if (!done) {
      rc = add_message(p, &first[i], 1, first[i]->length, p->dict_ids[i], err);
    }
  }
  free(first);
  return rc;
}

static void pub_reset(pub_t* p, bool keep_copies) {
  for (int32_t k = 0; k < p->num_msgs; k++) {
    zcxi_ipc_body_enc_reset(&p->msgs[k].enc);
    free(p->msgs[k].abs);
  }
  if (!keep_copies) {
    for (int32_t i = p->num_copies - 1; i >= 0; i--) {
      (void)zcxi_shm_mr_free_locked(p->m, p->copies[2 * i], p->copies[2 * i + 1], NULL);
    }
  }
  free(p->msgs);
  free(p->copies);
  free(p->dict_ids);
}

static int publish_locked(pub_t* p, zcx_schema_t* schema, zcx_batch_t* const* batches,
                          int32_t n, const zcx_metadata_t* metadata, zcx_error_t* err) {
  ZCX_RETURN_IF_ERROR(zcxi_ipc_dictionary_ids(schema, &p->dict_ids, &p->num_dict_fields, err));
  p->msgs = calloc((size_t)n + (size_t)p->num_dict_fields + 1, sizeof(pmsg_t));
  if (p->msgs == NULL) {
    return zcx_error_fail(err, ENOMEM, "shm publish: out of memory for %d messages", n);
  }
  ZCX_RETURN_IF_ERROR(add_dictionaries(p, batches, n, err));
  for (int32_t k = 0; k < n; k++) {
    int rc = add_message(p, batches[k]->columns, batches[k]->num_columns, batches[k]->num_rows,
                         -1, err);
    if (rc != 0) {
      zcx_error_prefix(err, "shm publish: batch %d: ", k);
      return rc;
    }
  }
  ZCX_RETURN_IF_ERROR(layout_header(p, schema, err));
  int64_t end = 0;
  ZCX_RETURN_IF_ERROR(write_footer(p, schema, metadata, &end, err));
  return zcxi_shm_segment_freeze(p->m->seg, end, err);
}

int zcx_shm_publish(zcx_mr_t* mr, zcx_schema_t* schema, zcx_batch_t* const* batches, int32_t n,
                    const zcx_metadata_t* metadata, zcx_error_t* err) {
  zcxi_shm_mr_t* m = zcxi_shm_mr_cast(mr);
  if (m == NULL) {
    return zcx_error_fail(err, EINVAL, "shm publish: '%s' is not a shm resource",
                          mr != NULL ? mr->name : "(null)");
  }
  if (schema == NULL || n < 0 || (n > 0 && batches == NULL)) {
    return zcx_error_fail(err, EINVAL, "shm publish: NULL schema or batches, or count %d", n);
  }
  for (int32_t k = 0; k < n; k++) {
    if (batches[k] == NULL ||
        (batches[k]->schema != schema && !zcx_schema_equal(batches[k]->schema, schema))) {
      return zcx_error_fail(err, EINVAL, "shm publish: batch %d is NULL or of another schema",
                            k);
    }
  }
  pthread_mutex_lock(&m->lock);
  int rc;
  pub_t p;
  memset(&p, 0, sizeof(p));
  p.m = m;
  p.base = m->seg->base;
  if (zcx_shm_segment_published(m->seg)) {
    rc = zcx_error_fail(err, EINVAL, "shm publish: the segment is already published");
  } else {
    rc = publish_locked(&p, schema, batches, n, metadata, err);
  }
  pub_reset(&p, rc == 0);
  pthread_mutex_unlock(&m->lock);
  return rc;
}
