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

// Number of child arrays of a storage type: its children for the nested types (lists, maps,
// structs, unions, run-end encoded), else 0 (a dictionary's values are not a child).
static inline int32_t zcxi_type_num_children(const zcx_type_t* st) {
  switch (st->id) {
    case ZCX_TYPE_LIST:
    case ZCX_TYPE_LARGE_LIST:
    case ZCX_TYPE_LIST_VIEW:
    case ZCX_TYPE_LARGE_LIST_VIEW:
    case ZCX_TYPE_FIXED_SIZE_LIST:
    case ZCX_TYPE_MAP:
    case ZCX_TYPE_STRUCT:
    case ZCX_TYPE_SPARSE_UNION:
    case ZCX_TYPE_DENSE_UNION:
    case ZCX_TYPE_RUN_END_ENCODED: return st->num_children;
    default: return 0;
  }
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

// Bytes that hold n bits, for any n >= 0 (no overflow near INT64_MAX, unlike (n + 7) / 8).
static inline int64_t zcxi_bits_bytes(int64_t n) { return n / 8 + (n % 8 != 0); }

// The null count as stored (-1: not computed yet). Another thread may be storing it through
// zcx_array_null_count at the same time, so it is read atomically.
static inline int64_t zcxi_array_null_count_peek(const zcx_array_t* a) {
  return __atomic_load_n(&a->null_count, __ATOMIC_RELAXED);
}

// Loads of 32- and 64-bit integers from buffers that need not be aligned (imported memory).
static inline int32_t zcxi_load_i32(const uint8_t* p, int64_t i) {
  int32_t v;
  memcpy(&v, p + i * 4, 4);
  return v;
}
static inline int64_t zcxi_load_i64(const uint8_t* p, int64_t i) {
  int64_t v;
  memcpy(&v, p + i * 8, 8);
  return v;
}
// Offset i of an offsets (or list-view sizes) buffer of `width` 4 or 8 bytes.
static inline int64_t zcxi_load_offset(const uint8_t* p, int64_t width, int64_t i) {
  return width == 4 ? zcxi_load_i32(p, i) : zcxi_load_i64(p, i);
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

// A cursor over the runs of a run-end encoded array for walks in order: seeking to the next
// logical element costs O(1) (the next run) instead of a binary search; any other seek falls
// back to the binary search. The array must be valid at least at the cheap level.
typedef struct zcxi_ree_cursor {
  const zcx_array_t* ree;
  int64_t phys;   // index in the run-ends child of the current run, -1 before the first seek
  int64_t start;  // logical indices [start, end) (relative to the offset) are in that run
  int64_t end;
} zcxi_ree_cursor_t;

void zcxi_ree_cursor_init(zcxi_ree_cursor_t* c, const zcx_array_t* ree);
// The physical index (in the values child) of logical element i.
int64_t zcxi_ree_cursor_seek(zcxi_ree_cursor_t* c, int64_t i);

// Whether every buffer of the array and of its children and dictionary is host memory.
bool zcxi_array_on_host_deep(const zcx_array_t* a);

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

// The full validation without the checks that reading never depends on (UTF-8, null counts
// against the bitmap, null map keys): what printing and comparing run first, so that they
// never read out of bounds, even on an array that was only cheaply validated.
int zcxi_array_validate_memory(const zcx_array_t* a, zcx_error_t* err);

// ---------------------------------------------------------------------------------------------
// utf8.c

// What a run of bytes is: not UTF-8, only ASCII, or UTF-8 with at least one multi-byte
// character.
typedef enum zcxi_utf8_class {
  ZCXI_UTF8_INVALID = 0,
  ZCXI_UTF8_ASCII = 1,
  ZCXI_UTF8_VALID = 2,
} zcxi_utf8_class_t;

// Classifies `len` bytes at `s` (well-formed UTF-8 as Unicode defines it: no overlong forms,
// surrogates, code points above U+10FFFF or truncated sequences).
zcxi_utf8_class_t zcxi_utf8_check(const uint8_t* s, int64_t len);

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
