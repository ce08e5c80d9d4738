// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Flatbuffers reading: the bounds-checking verifier and the accessors of verified buffers.
#include "ipc/flatbuf.h"

#include <inttypes.h>

typedef struct verifier {
  const uint8_t* buf;
  uint64_t size;
  const char* what;
  zcx_error_t* err;
  uint64_t tables;
} verifier_t;

static int fail(verifier_t* v, const char* table, uint64_t pos, const char* rule) {
  return zcx_error_fail(v->err, EINVAL, "%s: bad flatbuffer: %s at byte %" PRIu64 " (table %s)",
                        v->what, rule, pos, table);
}

// Checks [pos, pos + len) is inside the buffer (len may be huge).
static bool in_bounds(const verifier_t* v, uint64_t pos, uint64_t len) {
  return pos <= v->size && len <= v->size - pos;
}

// Follows the uoffset at `pos` (already bounds-checked) and returns the target position.
static int follow(verifier_t* v, const char* table, uint64_t pos, uint64_t* target) {
  uint64_t t = pos + zcxi_fb_rd_u32(v->buf + pos);
  if (t >= v->size) {
    return fail(v, table, pos, "offset points past the end");
  }
  *target = t;
  return 0;
}

// A vector header at `pos`: aligned length prefix, then `len * elem` bytes aligned to `align`.
static int check_vector(verifier_t* v, const char* table, uint64_t pos, uint64_t elem,
                        uint64_t align, uint32_t* len) {
  if ((pos & 3) != 0) {
    return fail(v, table, pos, "unaligned vector");
  }
  if (!in_bounds(v, pos, 4)) {
    return fail(v, table, pos, "vector length past the end");
  }
  *len = zcxi_fb_rd_u32(v->buf + pos);
  // Empty vectors need no aligned elements (writers leave them where they fall).
  if (*len > 0 && align > 1 && ((pos + 4) & (align - 1)) != 0) {
    return fail(v, table, pos, "vector elements unaligned");
  }
  if (!in_bounds(v, pos + 4, (uint64_t)*len * elem)) {
    return fail(v, table, pos, "vector runs past the end");
  }
  return 0;
}

static int verify_table(verifier_t* v, uint64_t pos, const zcxi_fb_table_desc_t* d, int depth);

static int verify_field(verifier_t* v, const zcxi_fb_table_desc_t* d, unsigned id, uint64_t tpos,
                        uint64_t vt, uint16_t vt_size, uint16_t t_size, int depth) {
  const zcxi_fb_field_desc_t* f = &d->fields[id];
  uint32_t e = 4u + 2u * id;
  if (f->kind == ZCXI_FB_NONE || e + 2u > vt_size) {
    return 0;
  }
  uint16_t fo = zcxi_fb_rd_u16(v->buf + vt + e);
  if (fo == 0) {
    return 0;
  }
  uint64_t width = 4;
  uint64_t align = 4;
  if (f->kind == ZCXI_FB_SCALAR) {
    width = f->size;
    align = f->size;
  } else if (f->kind == ZCXI_FB_STRUCT) {
    width = f->size;
    align = f->align;
  }
  if (fo < 4 || (uint64_t)fo + width > t_size) {
    return fail(v, d->name, tpos, "field outside its table");
  }
  uint64_t p = tpos + fo;
  if ((p & (align - 1)) != 0) {
    return fail(v, d->name, p, "unaligned field");
  }
  if (f->kind == ZCXI_FB_SCALAR || f->kind == ZCXI_FB_STRUCT) {
    return 0;
  }
  uint64_t t = 0;
  ZCX_RETURN_IF_ERROR(follow(v, d->name, p, &t));
  uint32_t len;
  switch (f->kind) {
    case ZCXI_FB_STRING:
      ZCX_RETURN_IF_ERROR(check_vector(v, d->name, t, 1, 1, &len));
      if (!in_bounds(v, t + 4, (uint64_t)len + 1) || v->buf[t + 4 + len] != 0) {
        return fail(v, d->name, t, "string not terminated inside the buffer");
      }
      return 0;
    case ZCXI_FB_VECTOR:
      return check_vector(v, d->name, t, f->size, f->align, &len);
    case ZCXI_FB_TABLE:
      return verify_table(v, t, f->table, depth + 1);
    case ZCXI_FB_TABLE_VECTOR:
      ZCX_RETURN_IF_ERROR(check_vector(v, d->name, t, 4, 4, &len));
      for (uint32_t i = 0; i < len; i++) {
        uint64_t et = 0;
        ZCX_RETURN_IF_ERROR(follow(v, d->name, t + 4 + 4ull * i, &et));
        ZCX_RETURN_IF_ERROR(verify_table(v, et, f->table, depth + 1));
      }
      return 0;
    case ZCXI_FB_UNION: {
      // The type is the u8 field before; unknown members are left unread by the accessors.
      uint8_t type = 0;
      uint32_t te = e - 2u;
      if (id > 0 && te + 2u <= vt_size) {
        uint16_t tfo = zcxi_fb_rd_u16(v->buf + vt + te);
        if (tfo != 0) {
          if ((uint64_t)tfo + 1 > t_size || tfo < 4) {
            return fail(v, d->name, tpos, "union type outside its table");
          }
          type = v->buf[tpos + tfo];
        }
      }
      if (type == 0) {
        return fail(v, d->name, p, "union value without a type");
      }
      if (type < f->member_count && f->members[type] != NULL) {
        return verify_table(v, t, f->members[type], depth + 1);
      }
      // A member this reader does not know: its fields stay unread, but its table and
      // vtable must still lie in the buffer, since readers locate it before looking at the
      // type (and then refuse it by name).
      static const zcxi_fb_table_desc_t unknown_member = {"unknown union member", 0, NULL};
      return verify_table(v, t, &unknown_member, depth + 1);
    }
    default:
      return fail(v, d->name, p, "unknown field kind in the description");
  }
}

static int verify_table(verifier_t* v, uint64_t pos, const zcxi_fb_table_desc_t* d, int depth) {
  if (depth > ZCXI_FB_MAX_DEPTH) {
    return fail(v, d->name, pos, "tables nested too deeply");
  }
  if (++v->tables > ZCXI_FB_MAX_TABLES) {
    return fail(v, d->name, pos, "too many tables");
  }
  if ((pos & 3) != 0) {
    return fail(v, d->name, pos, "unaligned table");
  }
  if (!in_bounds(v, pos, 4)) {
    return fail(v, d->name, pos, "table past the end");
  }
  int64_t vt = (int64_t)pos - (int64_t)zcxi_fb_rd_i32(v->buf + pos);
  if (vt < 0 || (vt & 1) != 0 || !in_bounds(v, (uint64_t)vt, 4)) {
    return fail(v, d->name, pos, "vtable outside the buffer or unaligned");
  }
  uint16_t vt_size = zcxi_fb_rd_u16(v->buf + vt);
  uint16_t t_size = zcxi_fb_rd_u16(v->buf + vt + 2);
  if (vt_size < 4 || (vt_size & 1) != 0 || !in_bounds(v, (uint64_t)vt, vt_size)) {
    return fail(v, d->name, (uint64_t)vt, "bad vtable size");
  }
  if (t_size < 4 || !in_bounds(v, pos, t_size)) {
    return fail(v, d->name, pos, "bad table size");
  }
  for (unsigned id = 0; id < d->field_count; id++) {
    ZCX_RETURN_IF_ERROR(
        verify_field(v, d, id, pos, (uint64_t)vt, vt_size, t_size, depth));
  }
  return 0;
}

int zcxi_fb_verify(const uint8_t* buf, size_t size, const zcxi_fb_table_desc_t* root,
                   const char* what, zcx_error_t* err) {
  verifier_t v = {buf, size, what, err, 0};
  if (buf == NULL || size < 8) {
    return zcx_error_fail(err, EINVAL, "%s: bad flatbuffer: %zu bytes is too short", what, size);
  }
  if (size > ZCXI_FB_MAX_SIZE) {
    return zcx_error_fail(err, EINVAL, "%s: bad flatbuffer: %zu bytes is over 2 GiB", what, size);
  }
  uint64_t t = 0;
  ZCX_RETURN_IF_ERROR(follow(&v, root->name, 0, &t));
  return verify_table(&v, t, root, 1);
}

static zcxi_fb_table_t table_at(const uint8_t* buf, uint32_t pos) {
  zcxi_fb_table_t t;
  t.buf = buf;
  t.pos = pos;
  t.vt = (uint32_t)((int64_t)pos - zcxi_fb_rd_i32(buf + pos));
  t.vt_size = zcxi_fb_rd_u16(buf + t.vt);
  return t;
}

zcxi_fb_table_t zcxi_fb_root(const uint8_t* buf) { return table_at(buf, zcxi_fb_rd_u32(buf)); }

bool zcxi_fb_bool(zcxi_fb_table_t t, unsigned id, bool def) {
  uint32_t p = zcxi_fb_field_pos(t, id);
  return p == 0 ? def : t.buf[p] != 0;
}

int8_t zcxi_fb_i8(zcxi_fb_table_t t, unsigned id, int8_t def) {
  uint32_t p = zcxi_fb_field_pos(t, id);
  return p == 0 ? def : (int8_t)t.buf[p];
}

uint8_t zcxi_fb_u8(zcxi_fb_table_t t, unsigned id, uint8_t def) {
  uint32_t p = zcxi_fb_field_pos(t, id);
  return p == 0 ? def : t.buf[p];
}

int16_t zcxi_fb_i16(zcxi_fb_table_t t, unsigned id, int16_t def) {
  uint32_t p = zcxi_fb_field_pos(t, id);
  return p == 0 ? def : (int16_t)zcxi_fb_rd_u16(t.buf + p);
}

int32_t zcxi_fb_i32(zcxi_fb_table_t t, unsigned id, int32_t def) {
  uint32_t p = zcxi_fb_field_pos(t, id);
  return p == 0 ? def : zcxi_fb_rd_i32(t.buf + p);
}

int64_t zcxi_fb_i64(zcxi_fb_table_t t, unsigned id, int64_t def) {
  uint32_t p = zcxi_fb_field_pos(t, id);
  return p == 0 ? def : zcxi_fb_rd_i64(t.buf + p);
}

bool zcxi_fb_table(zcxi_fb_table_t t, unsigned id, zcxi_fb_table_t* out) {
  uint32_t p = zcxi_fb_field_pos(t, id);
  if (p == 0) {
    return false;
  }
  *out = table_at(t.buf, p + zcxi_fb_rd_u32(t.buf + p));
  return true;
}

bool zcxi_fb_string(zcxi_fb_table_t t, unsigned id, const char** data, uint32_t* len) {
  uint32_t p = zcxi_fb_field_pos(t, id);
  if (p == 0) {
    return false;
  }
  uint32_t s = p + zcxi_fb_rd_u32(t.buf + p);
  *len = zcxi_fb_rd_u32(t.buf + s);
  *data = (const char*)(t.buf + s + 4);
  return true;
}

bool zcxi_fb_vector(zcxi_fb_table_t t, unsigned id, zcxi_fb_vector_t* out) {
  uint32_t p = zcxi_fb_field_pos(t, id);
  if (p == 0) {
    return false;
  }
  uint32_t s = p + zcxi_fb_rd_u32(t.buf + p);
  out->buf = t.buf;
  out->len = zcxi_fb_rd_u32(t.buf + s);
  out->pos = s + 4;
  return true;
}

zcxi_fb_table_t zcxi_fb_vector_table(zcxi_fb_vector_t v, uint32_t i) {
  uint32_t p = v.pos + 4u * i;
  return table_at(v.buf, p + zcxi_fb_rd_u32(v.buf + p));
}
