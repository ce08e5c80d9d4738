// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// A small flatbuffers reader (with a schema-driven verifier) and builder, for Arrow metadata.
//
// Reading: zcxi_fb_verify checks a whole buffer against a table description before anything
// else reads it: every offset, vtable, vector, string, union member and nested table must lie
// inside the buffer and be aligned, nesting is at most ZCXI_FB_MAX_DEPTH tables deep and at
// most ZCXI_FB_MAX_TABLES tables are visited (shared sub-tables count each time). Accessors
// read without further checks and must only be used on a verified buffer, for fields that the
// description covers. Values are little-endian; zcx supports little-endian hosts only.
//
// Building: back to front, as the reference implementation does. Children are created
// before their parents and are referred to by a zcxi_fb_ref_t. Errors (out of memory, too
// large) are sticky and reported by zcxi_fbb_finish.
#ifndef ZCX_SRC_IPC_FLATBUF_H
#define ZCX_SRC_IPC_FLATBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "zcx/core.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "zcx IPC supports little-endian hosts only"
#endif

#define ZCXI_FB_MAX_DEPTH 128
#define ZCXI_FB_MAX_TABLES 1000000
// Flatbuffers address at most 2 GiB.
#define ZCXI_FB_MAX_SIZE ((size_t)INT32_MAX)

// ---------------------------------------------------------------------------------------------
// Descriptions of tables, for the verifier

typedef enum zcxi_fb_kind {
  ZCXI_FB_NONE = 0,     // field id not used (gap)
  ZCXI_FB_SCALAR,       // inline scalar of `size` bytes (1, 2, 4, 8)
  ZCXI_FB_STRUCT,       // inline struct of `size` bytes aligned to `align`
  ZCXI_FB_STRING,       // offset to a string
  ZCXI_FB_TABLE,        // offset to a table described by `table`
  ZCXI_FB_VECTOR,       // offset to a vector of `size`-byte scalars or structs, aligned `align`
  ZCXI_FB_TABLE_VECTOR, // offset to a vector of offsets to tables described by `table`
  ZCXI_FB_UNION,        // offset to a table; the type is the u8 field just before this one
} zcxi_fb_kind_t;

typedef struct zcxi_fb_table_desc zcxi_fb_table_desc_t;

typedef struct zcxi_fb_field_desc {
  zcxi_fb_kind_t kind;
  uint8_t size;
  uint8_t align;
  const zcxi_fb_table_desc_t* table;           // TABLE, TABLE_VECTOR
  const zcxi_fb_table_desc_t* const* members;  // UNION: indexed by type (0 = NONE)
  uint8_t member_count;                        // UNION: entries in members
} zcxi_fb_field_desc_t;

struct zcxi_fb_table_desc {
  const char* name;
  uint16_t field_count;
  const zcxi_fb_field_desc_t* fields;  // indexed by field id
};

// ---------------------------------------------------------------------------------------------
// Reading (src/ipc/flatbuf.c)

// A table inside a verified buffer.
typedef struct zcxi_fb_table {
  const uint8_t* buf;
  uint32_t pos;    // the table's position in buf
  uint32_t vt;     // its vtable's position
  uint16_t vt_size;
} zcxi_fb_table_t;

// A vector inside a verified buffer: `len` elements starting at `data`.
typedef struct zcxi_fb_vector {
  const uint8_t* buf;
  uint32_t pos;  // position of the first element
  uint32_t len;
} zcxi_fb_vector_t;

// Verifies `buf` of `size` bytes as a flatbuffer whose root table is described by `root`.
// `what` names the buffer in messages ("message 3 metadata").
// @return 0; EINVAL with the position and the rule broken.
int zcxi_fb_verify(const uint8_t* buf, size_t size, const zcxi_fb_table_desc_t* root,
                   const char* what, zcx_error_t* err);

// The root table of a verified buffer.
zcxi_fb_table_t zcxi_fb_root(const uint8_t* buf);

static inline uint16_t zcxi_fb_rd_u16(const uint8_t* p) {
  uint16_t v;
  memcpy(&v, p, sizeof(v));
  return v;
}
static inline uint32_t zcxi_fb_rd_u32(const uint8_t* p) {
  uint32_t v;
  memcpy(&v, p, sizeof(v));
  return v;
}
static inline int32_t zcxi_fb_rd_i32(const uint8_t* p) {
  int32_t v;
  memcpy(&v, p, sizeof(v));
  return v;
}
static inline int64_t zcxi_fb_rd_i64(const uint8_t* p) {
  int64_t v;
  memcpy(&v, p, sizeof(v));
  return v;
}

// Position of field `id` inside the table's buffer, or 0 when absent.
static inline uint32_t zcxi_fb_field_pos(zcxi_fb_table_t t, unsigned id) {
  uint32_t e = 4u + 2u * id;
  if (e + 2u > t.vt_size) {
    return 0;
  }
  uint16_t fo = zcxi_fb_rd_u16(t.buf + t.vt + e);
  return fo == 0 ? 0 : t.pos + fo;
}

static inline bool zcxi_fb_has(zcxi_fb_table_t t, unsigned id) {
  return zcxi_fb_field_pos(t, id) != 0;
}

bool zcxi_fb_bool(zcxi_fb_table_t t, unsigned id, bool def);
int8_t zcxi_fb_i8(zcxi_fb_table_t t, unsigned id, int8_t def);
uint8_t zcxi_fb_u8(zcxi_fb_table_t t, unsigned id, uint8_t def);
int16_t zcxi_fb_i16(zcxi_fb_table_t t, unsigned id, int16_t def);
int32_t zcxi_fb_i32(zcxi_fb_table_t t, unsigned id, int32_t def);
int64_t zcxi_fb_i64(zcxi_fb_table_t t, unsigned id, int64_t def);

// Sub-table, string, vector: false when the field is absent.
bool zcxi_fb_table(zcxi_fb_table_t t, unsigned id, zcxi_fb_table_t* out);
bool zcxi_fb_string(zcxi_fb_table_t t, unsigned id, const char** data, uint32_t* len);
bool zcxi_fb_vector(zcxi_fb_table_t t, unsigned id, zcxi_fb_vector_t* out);

// Element i (< len) of a vector of tables.
zcxi_fb_table_t zcxi_fb_vector_table(zcxi_fb_vector_t v, uint32_t i);
// Address of element i of a vector of `elem_size`-byte scalars or structs.
static inline const uint8_t* zcxi_fb_vector_elem(zcxi_fb_vector_t v, uint32_t i,
                                                 size_t elem_size) {
  return v.buf + v.pos + (size_t)i * elem_size;
}

// ---------------------------------------------------------------------------------------------
// Building (src/ipc/flatbuf_builder.c)

// A reference to an object already built: its distance from the end of the buffer.
typedef uint32_t zcxi_fb_ref_t;

#define ZCXI_FBB_MAX_FIELDS 32

typedef struct zcxi_fbb {
  uint8_t* buf;  // data lives in buf[cap - size, cap)
  size_t cap;
  size_t size;
  size_t minalign;
  int status;  // sticky: 0 or ENOMEM / EOVERFLOW
  // The table being built.
  bool in_table;
  size_t table_start;
  int max_field;
  uint32_t field_ref[ZCXI_FBB_MAX_FIELDS];
} zcxi_fbb_t;

void zcxi_fbb_init(zcxi_fbb_t* b);
// Frees the builder's memory (also after a failure). The builder can be initialized again.
void zcxi_fbb_reset(zcxi_fbb_t* b);

zcxi_fb_ref_t zcxi_fbb_string(zcxi_fbb_t* b, const char* s, size_t len);
// A vector of `count` scalars or structs of `elem_size` bytes each, copied from `data`.
zcxi_fb_ref_t zcxi_fbb_vector(zcxi_fbb_t* b, const void* data, size_t elem_size, size_t count,
                              size_t align);
// A vector of offsets to tables (or strings) built before.
zcxi_fb_ref_t zcxi_fbb_ref_vector(zcxi_fbb_t* b, const zcxi_fb_ref_t* refs, size_t count);

// Tables: start, add fields (any order, each id at most once), end.
void zcxi_fbb_table_start(zcxi_fbb_t* b);
void zcxi_fbb_add_u8(zcxi_fbb_t* b, unsigned id, uint8_t v);
void zcxi_fbb_add_i16(zcxi_fbb_t* b, unsigned id, int16_t v);
void zcxi_fbb_add_i32(zcxi_fbb_t* b, unsigned id, int32_t v);
void zcxi_fbb_add_i64(zcxi_fbb_t* b, unsigned id, int64_t v);
void zcxi_fbb_add_ref(zcxi_fbb_t* b, unsigned id, zcxi_fb_ref_t ref);
zcxi_fb_ref_t zcxi_fbb_table_end(zcxi_fbb_t* b);

// Writes the root offset. On success *data points at the finished flatbuffer (owned by the
// builder, valid until reset) of *size bytes, a multiple of 8, 8-byte aligned.
// @return 0; ENOMEM; EOVERFLOW (over 2 GiB); EINVAL (misuse).
int zcxi_fbb_finish(zcxi_fbb_t* b, zcxi_fb_ref_t root, const uint8_t** data, size_t* size,
                    zcx_error_t* err);

#endif  // ZCX_SRC_IPC_FLATBUF_H
