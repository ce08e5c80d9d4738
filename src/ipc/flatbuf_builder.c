// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Flatbuffers building, back to front: children first, each object aligned so that its
// position from the end of the buffer is a multiple of its alignment; the finished buffer's
// size is a multiple of the largest alignment used, so positions from the start are aligned.
#include <stdlib.h>

#include "core/internal.h"
#include "ipc/flatbuf.h"

void zcxi_fbb_init(zcxi_fbb_t* b) {
  memset(b, 0, sizeof(*b));
  b->minalign = 1;
}

void zcxi_fbb_reset(zcxi_fbb_t* b) {
  free(b->buf);
  zcxi_fbb_init(b);
}

// Makes room for `n` more bytes in front of the data.
static bool grow(zcxi_fbb_t* b, size_t n) {
  if (b->status != 0) {
    return false;
  }
  if (n > ZCXI_FB_MAX_SIZE || b->size + n > ZCXI_FB_MAX_SIZE) {
    b->status = EOVERFLOW;
    return false;
  }
  if (b->cap - b->size >= n) {
    return true;
  }
  size_t cap = b->cap ? b->cap : 1024;
  while (cap - b->size < n) {
    cap *= 2;
  }
  uint8_t* nb = malloc(cap);
  if (nb == NULL) {
    b->status = ENOMEM;
    return false;
  }
  if (b->size > 0) {
    memcpy(nb + cap - b->size, b->buf + b->cap - b->size, b->size);
  }
  free(b->buf);
  b->buf = nb;
  b->cap = cap;
  return true;
}

// Pads with zeros so that after `extra` more bytes the size is a multiple of `align`.
static bool prep(zcxi_fbb_t* b, size_t align, size_t extra) {
  if (align > b->minalign) {
    b->minalign = align;
  }
  size_t pad = (align - ((b->size + extra) & (align - 1))) & (align - 1);
  if (!grow(b, pad + extra)) {
    return false;
  }
  if (pad > 0) {
    memset(b->buf + b->cap - b->size - pad, 0, pad);
    b->size += pad;
  }
  return true;
}

static uint8_t* front(zcxi_fbb_t* b) { return b->buf + b->cap - b->size; }

static void push(zcxi_fbb_t* b, const void* p, size_t n) {
  // Room was made by prep.
  b->size += n;
  memcpy(front(b), p, n);
}

zcxi_fb_ref_t zcxi_fbb_string(zcxi_fbb_t* b, const char* s, size_t len) {
  if (len > ZCXI_FB_MAX_SIZE) {
    b->status = EOVERFLOW;
    return 0;
  }
  if (!prep(b, 4, len + 1)) {
    return 0;
  }
  uint8_t zero = 0;
  push(b, &zero, 1);
  if (len > 0) {
    push(b, s, len);
  }
  if (!prep(b, 4, 4)) {
    return 0;
  }
  uint32_t n = (uint32_t)len;
  push(b, &n, 4);
  return (zcxi_fb_ref_t)b->size;
}

zcxi_fb_ref_t zcxi_fbb_vector(zcxi_fbb_t* b, const void* data, size_t elem_size, size_t count,
                              size_t align) {
  size_t bytes;
  if (!zcxi_mul_size(elem_size, count, &bytes) || bytes > ZCXI_FB_MAX_SIZE) {
    b->status = EOVERFLOW;
    return 0;
  }
  if (align < 4) {
    align = 4;
  }
  // The elements end up aligned to `align` and the length right before them.
  if (!prep(b, 4, bytes) || !prep(b, align, bytes)) {
    return 0;
  }
  if (bytes > 0) {
    push(b, data, bytes);
  }
  if (!prep(b, 4, 4)) {
    return 0;
  }
  uint32_t n = (uint32_t)count;
  push(b, &n, 4);
  return (zcxi_fb_ref_t)b->size;
}

// Pushes a uoffset to `ref`, relative to its own position.
static void push_ref(zcxi_fbb_t* b, zcxi_fb_ref_t ref) {
  if (!prep(b, 4, 4)) {
    return;
  }
  uint32_t off = (uint32_t)(b->size + 4 - ref);
  push(b, &off, 4);
}

zcxi_fb_ref_t zcxi_fbb_ref_vector(zcxi_fbb_t* b, const zcxi_fb_ref_t* refs, size_t count) {
  if (count > ZCXI_FB_MAX_SIZE / 4) {
    b->status = EOVERFLOW;
    return 0;
  }
  if (!prep(b, 4, 4 * count)) {
    return 0;
  }
  for (size_t i = count; i-- > 0;) {
    push_ref(b, refs[i]);
  }
  if (!prep(b, 4, 4)) {
    return 0;
  }
  uint32_t n = (uint32_t)count;
  push(b, &n, 4);
  return (zcxi_fb_ref_t)b->size;
}

void zcxi_fbb_table_start(zcxi_fbb_t* b) {
  if (b->in_table) {
    b->status = b->status ? b->status : EINVAL;
    return;
  }
  b->in_table = true;
  b->table_start = b->size;
  b->max_field = -1;
  memset(b->field_ref, 0, sizeof(b->field_ref));
}

static void add_scalar(zcxi_fbb_t* b, unsigned id, const void* p, size_t n) {
  if (!b->in_table || id >= ZCXI_FBB_MAX_FIELDS) {
    b->status = b->status ? b->status : EINVAL;
    return;
  }
  if (!prep(b, n, n)) {
    return;
  }
  push(b, p, n);
  b->field_ref[id] = (uint32_t)b->size;
  if ((int)id > b->max_field) {
    b->max_field = (int)id;
  }
}

void zcxi_fbb_add_u8(zcxi_fbb_t* b, unsigned id, uint8_t v) { add_scalar(b, id, &v, 1); }
void zcxi_fbb_add_i16(zcxi_fbb_t* b, unsigned id, int16_t v) { add_scalar(b, id, &v, 2); }
void zcxi_fbb_add_i32(zcxi_fbb_t* b, unsigned id, int32_t v) { add_scalar(b, id, &v, 4); }
void zcxi_fbb_add_i64(zcxi_fbb_t* b, unsigned id, int64_t v) { add_scalar(b, id, &v, 8); }

void zcxi_fbb_add_ref(zcxi_fbb_t* b, unsigned id, zcxi_fb_ref_t ref) {
  if (!b->in_table || id >= ZCXI_FBB_MAX_FIELDS || ref == 0) {
    b->status = b->status ? b->status : EINVAL;
    return;
  }
  push_ref(b, ref);
  b->field_ref[id] = (uint32_t)b->size;
  if ((int)id > b->max_field) {
    b->max_field = (int)id;
  }
}

zcxi_fb_ref_t zcxi_fbb_table_end(zcxi_fbb_t* b) {
  if (!b->in_table) {
    b->status = b->status ? b->status : EINVAL;
    return 0;
  }
  b->in_table = false;
  // The soffset to the vtable starts the table.
  if (!prep(b, 4, 4)) {
    return 0;
  }
  int32_t placeholder = 0;
  push(b, &placeholder, 4);
  uint32_t table = (uint32_t)b->size;
  size_t table_size = b->size - b->table_start;
  size_t nfields = (size_t)(b->max_field + 1);
  size_t vt_bytes = 4 + 2 * nfields;
  if (table_size > UINT16_MAX) {
    b->status = EOVERFLOW;
    return 0;
  }
  uint16_t vt[2 + ZCXI_FBB_MAX_FIELDS];
  vt[0] = (uint16_t)vt_bytes;
  vt[1] = (uint16_t)table_size;
  for (size_t i = 0; i < nfields; i++) {
    vt[2 + i] = b->field_ref[i] == 0 ? 0 : (uint16_t)(table - b->field_ref[i]);
  }
  if (!prep(b, 2, vt_bytes)) {
    return 0;
  }
  push(b, vt, vt_bytes);
  // The vtable lies before the table: soffset = table - vtable = vt_pos - table_pos.
  int32_t soff = (int32_t)(b->size - table);
  memcpy(b->buf + b->cap - table, &soff, 4);
  return table;
}

int zcxi_fbb_finish(zcxi_fbb_t* b, zcxi_fb_ref_t root, const uint8_t** data, size_t* size,
                    zcx_error_t* err) {
  if (b->status == 0 && (b->in_table || root == 0)) {
    b->status = EINVAL;
  }
  if (b->status == 0) {
    if (8 > b->minalign) {
      b->minalign = 8;
    }
    // Root offset, then pad the front so the total is a multiple of 8.
    prep(b, b->minalign, 4);
    push_ref(b, root);
  }
  if (b->status != 0) {
    return zcx_error_fail(err, b->status, "flatbuffer builder: %s",
                          b->status == ENOMEM      ? "out of memory"
                          : b->status == EOVERFLOW ? "metadata over 2 GiB"
                                                   : "tables misused");
  }
  *data = front(b);
  *size = b->size;
  return 0;
}
