// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Internal declarations shared by the files of the array layer.
#ifndef ZCX_SRC_ARRAY_INTERNAL_H
#define ZCX_SRC_ARRAY_INTERNAL_H

#include <stdarg.h>
#include <string.h>

#include "core/internal.h"
#include "zcx/array.h"

// ---------------------------------------------------------------------------------------------
// Small inline helpers used everywhere in the layer.

// The type whose physical layout an array of `t` has: the storage of an extension type
// (extension of extension included), else `t` itself.
static inline const zcx_type_t* zcxi_storage_type(const zcx_type_t* t) {
  while (t != NULL && t->id == ZCX_TYPE_EXTENSION) {
    t = t->storage_type;
  }
  return t;
}

// Buffer i's data, or NULL when the array has no such buffer or it is absent.
static inline const uint8_t* zcxi_array_buf(const zcx_array_t* a, int32_t i) {
  if (i >= a->num_buffers || a->buffers[i] == NULL) {
    return NULL;
  }
  return (const uint8_t*)zcx_buffer_data(a->buffers[i]);
}

// Buffer i's size in bytes, 0 when absent.
static inline int64_t zcxi_array_buf_size(const zcx_array_t* a, int32_t i) {
  if (i >= a->num_buffers || a->buffers[i] == NULL) {
    return 0;
  }
  return zcx_buffer_size(a->buffers[i]);
}

// Whether the physical type id has a validity bitmap as buffer 0.
static inline bool zcxi_id_has_validity(zcx_type_id_t id) {
  return id != ZCX_TYPE_NA && id != ZCX_TYPE_SPARSE_UNION && id != ZCX_TYPE_DENSE_UNION &&
         id != ZCX_TYPE_RUN_END_ENCODED;
}

// Whether the physical type id is an integer type (signed or unsigned, any width).
static inline bool zcxi_id_is_integer(zcx_type_id_t id) {
  return id >= ZCX_TYPE_INT8 && id <= ZCX_TYPE_UINT64;
}
static inline bool zcxi_id_is_unsigned(zcx_type_id_t id) {
  return id == ZCX_TYPE_UINT8 || id == ZCX_TYPE_UINT16 || id == ZCX_TYPE_UINT32 ||
         id == ZCX_TYPE_UINT64;
}

// Whether element i (relative to the offset) is valid by the array's own validity bitmap
// (true when it has none). Does not look into unions or run-end encoded children.
static inline bool zcxi_array_valid_bit(const zcx_array_t* a, int64_t i) {
  const uint8_t* v = zcxi_array_buf(a, 0);
  if (v == NULL) {
    return true;
  }
  return zcxi_bit_get(v, a->offset + i);
}

// ---------------------------------------------------------------------------------------------
// type.c

// Reads a signed integer value of the integer physical type `id` at index i of `data`.
int64_t zcxi_read_int(zcx_type_id_t id, const uint8_t* data, int64_t i);

// A growing NUL-terminated string that truncates at its capacity but keeps counting the
// length it needed (as snprintf does).
typedef struct zcxi_strbuf {
  char* buf;
  size_t size;
  int64_t len;
} zcxi_strbuf_t;

void zcxi_strbuf_init(zcxi_strbuf_t* s, char* buf, size_t size);
void zcxi_strbuf_printf(zcxi_strbuf_t* s, const char* fmt, ...) ZCX_PRINTF(2, 3);
void zcxi_strbuf_append_type(zcxi_strbuf_t* s, const zcx_type_t* type);

// ---------------------------------------------------------------------------------------------
// field.c

// A field without the argument checks of the public constructor ("name" copied).
int zcxi_field_new(const char* name, zcx_type_t* type, bool nullable, zcx_field_t** out,
                   zcx_error_t* err);

// ---------------------------------------------------------------------------------------------
// array.c

// Allocates an array header with `num_buffers` and `num_children` NULL slots, retaining
// `type`; refcount 1. The caller fills the slots (references it owns).
int zcxi_array_alloc(zcx_type_t* type, int64_t length, int64_t offset, int64_t null_count,
                     int32_t num_buffers, int32_t num_children, zcx_array_t** out,
                     zcx_error_t* err);

// Run-end encoded: the physical index in the run-ends child of logical element i (relative
// to the parent's offset). The array must be valid.
int64_t zcxi_ree_physical_index(const zcx_array_t* ree, int64_t i);

// IEEE 754 binary16 conversions (round to nearest even; NaN and infinities kept).
double zcxi_half_to_double(uint16_t h);
uint16_t zcxi_double_to_half(double d);

// Union: the child index that type code `code` selects, or -1.
int32_t zcxi_union_child_index(const zcx_type_t* union_type, int8_t code);

// ---------------------------------------------------------------------------------------------
// validate.c

// The cheap validation that zcx_array_create runs.
int zcxi_array_validate_cheap(const zcx_array_t* a, zcx_error_t* err);

// Validates with a path prefix ("column 'a'") placed in front of every message.
int zcxi_array_validate_at(const zcx_array_t* a, zcx_validate_level_t level, const char* path,
                           zcx_error_t* err);

// Whether `len` bytes are valid UTF-8.
bool zcxi_utf8_valid(const uint8_t* s, int64_t len);

// ---------------------------------------------------------------------------------------------
// builder.c / builder_nested.c

// A growing host buffer drawn from a resource: 64-byte aligned, capacity a multiple of 64.
typedef struct zcxi_growbuf {
  zcx_buffer_t* buf;  // NULL until the first reservation
  uint8_t* data;
  int64_t size;       // bytes in use
  int64_t capacity;   // bytes allocated
} zcxi_growbuf_t;

int zcxi_growbuf_reserve(zcxi_growbuf_t* g, zcx_mr_t* mr, int64_t extra, zcx_error_t* err);
// Hands out the contents as a buffer of exactly `size` bytes whose memory is zero-padded to
// a multiple of 64 bytes, and resets `g`.
int zcxi_growbuf_finish(zcxi_growbuf_t* g, zcx_mr_t* mr, zcx_buffer_t** out, zcx_error_t* err);
void zcxi_growbuf_reset(zcxi_growbuf_t* g);

#endif  // ZCX_SRC_ARRAY_INTERNAL_H
