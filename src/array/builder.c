// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Builders: append values of any Arrow type into growing 64-byte aligned buffers, then
// finish into an immutable array.
//
// Invariants: every buffer's capacity is a multiple of 64 bytes; bitmaps (validity, bool
// values) grow zero-filled so that bits past the length are always 0; a validity bitmap
// exists only once a null was appended; offset buffers get their leading 0 lazily.
//
// Failure atomicity: an append first reserves everything it will need (in this builder and,
// for nested nulls, in its children) and only then writes, so that a failed append (ENOMEM,
// EOVERFLOW, ERANGE, EINVAL) leaves the builder's contents as they were; only capacities
// may have grown. A failed finish resets the whole builder tree.
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "array/internal.h"
#include "memory/default_internal.h"

// A view-type builder starts a new variadic data buffer when the current one would pass this.
#define VIEW_BLOCK_BYTES (8 << 20)

struct zcx_builder {
  zcx_type_t* type;     // retained, the logical type
  const zcx_type_t* st; // its storage layout
  zcx_mr_t* mr;         // retained
  int64_t length;
  int64_t null_count;
  bool has_validity;
  zcxi_growbuf_t validity;
  zcxi_growbuf_t data;   // values, bool bits, offsets, views, type ids or indices
  zcxi_growbuf_t data2;  // binary data, list view sizes or dense union offsets
  int32_t elem_width;    // bytes per element in `data` (0 for bits)
  zcxi_growbuf_t* variadic;
  int32_t num_variadic;
  int32_t num_children;
  zcx_builder_t** children;
  zcx_builder_t* dict;
  int64_t max_index;     // dictionary: largest index appended, -1 for none
  int64_t* union_counts; // dense union: elements appended per child
  int64_t child_mark;    // list view: child length at the end of the last element
};

// ---------------------------------------------------------------------------------------------
// Growing buffers

void zcxi_growbuf_reset(zcxi_growbuf_t* g) {
  zcx_buffer_release(g->buf);
  memset(g, 0, sizeof(*g));
}

static int growbuf_reserve_impl(zcxi_growbuf_t* g, zcx_mr_t* mr, int64_t extra, bool zero,
                                zcx_error_t* err) {
  int64_t needed;
  if (extra < 0 || !zcxi_add_i64(g->size, extra, &needed) || needed > INT64_MAX - 64) {
    return zcx_error_fail(err, ENOMEM, "builder: cannot grow a buffer of %lld bytes by %lld",
                          (long long)g->size, (long long)extra);
  }
  if (needed <= g->capacity) {
    return 0;
  }
  int64_t cap = g->capacity < 64 ? 64 : g->capacity;
  while (cap < needed) {
    cap = cap > INT64_MAX / 2 ? needed : cap * 2;
  }
  cap = zcxi_align_up_i64(cap, 64);
  zcx_buffer_t* nb;
  ZCX_RETURN_IF_ERROR(zcx_buffer_allocate(mr, cap, 64, NULL, &nb, err));
  uint8_t* nd = zcx_buffer_data(nb);
  if (g->size > 0) {
    memcpy(nd, g->data, (size_t)g->size);
  }
  if (zero) {
    memset(nd + g->size, 0, (size_t)(cap - g->size));
  }
  zcx_buffer_release(g->buf);
  g->buf = nb;
  g->data = nd;
  g->capacity = cap;
  return 0;
}

int zcxi_growbuf_reserve(zcxi_growbuf_t* g, zcx_mr_t* mr, int64_t extra, zcx_error_t* err) {
  return growbuf_reserve_impl(g, mr, extra, false, err);
}

int zcxi_growbuf_finish(zcxi_growbuf_t* g, zcx_mr_t* mr, zcx_buffer_t** out, zcx_error_t* err) {
  *out = NULL;
  if (g->buf == NULL) {
    ZCX_RETURN_IF_ERROR(zcx_buffer_allocate(mr, 0, 64, NULL, out, err));
    return 0;
  }
  int64_t padded = zcxi_align_up_i64(g->size, 64);
  zcx_buffer_t* whole = g->buf;
  if (g->capacity - padded > 4096 && g->capacity > 2 * padded) {
    // Far more reserved than used (a large reserve): give the memory back with a copy.
    zcx_buffer_t* nb;
    ZCX_RETURN_IF_ERROR(zcx_buffer_allocate(mr, padded, 64, NULL, &nb, err));
    memcpy(zcx_buffer_data(nb), g->data, (size_t)g->size);
    zcx_buffer_release(whole);
    whole = nb;
  }
  memset((uint8_t*)zcx_buffer_data(whole) + g->size, 0, (size_t)(padded - g->size));
  g->buf = NULL;
  if (zcx_buffer_size(whole) == g->size) {
    *out = whole;
  } else {
    int rc = zcx_buffer_slice(whole, 0, g->size, out, err);
    zcx_buffer_release(whole);
    ZCX_RETURN_IF_ERROR(rc);
  }
  memset(g, 0, sizeof(*g));
  return 0;
}

// Sets bits [start, start + n) of a zero-initialized bitmap to 1.
static void bits_set_range(uint8_t* bits, int64_t start, int64_t n) {
  int64_t i = start;
  int64_t end = start + n;
  while (i < end && (i & 7) != 0) {
    zcxi_bit_set(bits, i++);
  }
  if (end - i >= 8) {
    memset(bits + (i >> 3), 0xff, (size_t)((end - i) >> 3));
    i += (end - i) & ~(int64_t)7;
  }
  while (i < end) {
    zcxi_bit_set(bits, i++);
  }
}

// Makes room for bits up to `nbits` in a bitmap growbuf (zero-filled growth).
static int bits_reserve(zcxi_growbuf_t* g, zcx_mr_t* mr, int64_t nbits, zcx_error_t* err) {
  int64_t bytes = zcxi_bytes_for_bits(nbits);
  if (bytes > g->size) {
    ZCX_RETURN_IF_ERROR(growbuf_reserve_impl(g, mr, bytes - g->size, true, err));
    g->size = bytes;
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Creation

static bool id_has_offsets(zcx_type_id_t id) {
  return id == ZCX_TYPE_BINARY || id == ZCX_TYPE_STRING || id == ZCX_TYPE_LARGE_BINARY ||
         id == ZCX_TYPE_LARGE_STRING || id == ZCX_TYPE_LIST || id == ZCX_TYPE_LARGE_LIST ||
         id == ZCX_TYPE_MAP;
}

static int32_t elem_width_of(const zcx_type_t* st) {
  switch (st->id) {
    case ZCX_TYPE_BINARY:
    case ZCX_TYPE_STRING:
    case ZCX_TYPE_LIST:
    case ZCX_TYPE_MAP:
    case ZCX_TYPE_LIST_VIEW: return 4;
    case ZCX_TYPE_LARGE_BINARY:
    case ZCX_TYPE_LARGE_STRING:
    case ZCX_TYPE_LARGE_LIST:
    case ZCX_TYPE_LARGE_LIST_VIEW: return 8;
    case ZCX_TYPE_BINARY_VIEW:
    case ZCX_TYPE_STRING_VIEW: return 16;
    case ZCX_TYPE_SPARSE_UNION:
    case ZCX_TYPE_DENSE_UNION: return 1;
    case ZCX_TYPE_DICTIONARY: return st->index_type->bit_width / 8;
    default: return zcx_type_byte_width(st);
  }
}

static int builder_new(zcx_type_t* type, zcx_mr_t* mr, int depth, zcx_builder_t** out,
                       zcx_error_t* err) {
  *out = NULL;
  if (depth > 64) {
    return zcx_error_fail(err, EINVAL, "builder_create: type nested deeper than 64 levels");
  }
  zcx_builder_t* b = calloc(1, sizeof(*b));
  if (b == NULL) {
    return zcx_error_fail(err, ENOMEM, "builder_create: out of memory");
  }
  zcx_type_retain(type);
  b->type = type;
  b->st = zcxi_storage_type(type);
  zcx_mr_retain(mr);
  b->mr = mr;
  b->elem_width = elem_width_of(b->st);
  b->max_index = -1;
  const zcx_type_t* st = b->st;
  int rc = 0;
  int32_t num_children = zcxi_type_num_children(st);
  if (num_children > 0) {
    b->children = calloc((size_t)num_children, sizeof(zcx_builder_t*));
    b->union_counts = calloc((size_t)num_children, sizeof(int64_t));
    if (b->children == NULL || b->union_counts == NULL) {
      rc = zcx_error_fail(err, ENOMEM, "builder_create: out of memory");
    } else {
      b->num_children = num_children;
    }
    for (int32_t i = 0; rc == 0 && i < b->num_children; i++) {
      rc = builder_new(st->children[i]->type, mr, depth + 1, &b->children[i], err);
    }
  } else if (st->id == ZCX_TYPE_DICTIONARY) {
    rc = builder_new(st->value_type, mr, depth + 1, &b->dict, err);
  }
  if (rc != 0) {
    zcx_builder_destroy(b);
    return rc;
  }
  *out = b;
  return 0;
}

int zcx_builder_create(zcx_type_t* type, zcx_mr_t* mr, zcx_builder_t** out, zcx_error_t* err) {
  if (out == NULL) {
    return zcx_error_fail(err, EINVAL, "builder_create: out is NULL");
  }
  *out = NULL;
  if (type == NULL) {
    return zcx_error_fail(err, EINVAL, "builder_create: type is NULL");
  }
  // Hold the default by reference while the builder takes its own: another thread may
  // replace the default meanwhile.
  zcx_mr_t* held = NULL;
  if (mr == NULL) {
    mr = held = zcxi_default_mr_acquire();
  }
  if (mr == NULL) {
    return zcx_error_fail(err, ENOMEM, "builder_create: the default resource is unavailable");
  }
  int rc;
  if (!zcx_device_is_host_accessible(zcx_mr_device(mr))) {
    rc = zcx_error_fail(err, ENOTSUP, "builder_create: resource '%s' is not host memory",
                        zcx_mr_name(mr));
  } else {
    rc = builder_new(type, mr, 0, out, err);
  }
  zcx_mr_release(held);
  return rc;
}

static void builder_clear(zcx_builder_t* b) {
  zcxi_growbuf_reset(&b->validity);
  zcxi_growbuf_reset(&b->data);
  zcxi_growbuf_reset(&b->data2);
  for (int32_t i = 0; i < b->num_variadic; i++) {
    zcxi_growbuf_reset(&b->variadic[i]);
  }
  free(b->variadic);
  b->variadic = NULL;
  b->num_variadic = 0;
  b->length = 0;
  b->null_count = 0;
  b->has_validity = false;
  b->max_index = -1;
  b->child_mark = 0;
  for (int32_t i = 0; i < b->num_children; i++) {
    b->union_counts[i] = 0;
  }
}

void zcx_builder_destroy(zcx_builder_t* b) {
  if (b == NULL) {
    return;
  }
  builder_clear(b);
  for (int32_t i = 0; i < b->num_children; i++) {
    zcx_builder_destroy(b->children[i]);
  }
  free(b->children);
  free(b->union_counts);
  zcx_builder_destroy(b->dict);
  zcx_type_release(b->type);
  zcx_mr_release(b->mr);
  free(b);
}

zcx_builder_t* zcx_builder_child(zcx_builder_t* b, int32_t i) {
  if (b == NULL || i < 0 || i >= b->num_children) {
    return NULL;
  }
  return b->children[i];
}

zcx_builder_t* zcx_builder_dictionary(zcx_builder_t* b) { return b == NULL ? NULL : b->dict; }

// The last value appended to an integer builder (run ends), 0 when empty.
static int64_t last_int(const zcx_builder_t* b) {
  if (b->length == 0) {
    return 0;
  }
  return zcxi_read_int(b->st->id, b->data.data, b->length - 1);
}

int64_t zcx_builder_length(const zcx_builder_t* b) {
  if (b->st->id == ZCX_TYPE_RUN_END_ENCODED) {
    return last_int(b->children[0]);
  }
  return b->length;
}

// ---------------------------------------------------------------------------------------------
// Appending

static const char* type_name(const zcx_builder_t* b) { return zcx_type_id_name(b->type->id); }

// Reserves room for `n` more offsets, plus the leading 0 when it is not written yet.
static int offsets_reserve(zcx_builder_t* b, int64_t n, zcx_error_t* err) {
  int64_t count;
  int64_t bytes;
  if (!zcxi_add_i64(n, b->data.size == 0 ? 1 : 0, &count) ||
      !zcxi_mul_i64(count, b->elem_width, &bytes)) {
    return zcx_error_fail(err, ENOMEM, "builder: %lld offsets overflow", (long long)n);
  }
  return zcxi_growbuf_reserve(&b->data, b->mr, bytes, err);
}

// Writes the leading 0 of an offsets buffer (room reserved by offsets_reserve).
static void offsets_start_reserved(zcx_builder_t* b) {
  if (b->data.size == 0) {
    memset(b->data.data, 0, (size_t)b->elem_width);
    b->data.size = b->elem_width;
  }
}

// Writes the leading 0 of an offsets buffer.
static int offsets_start(zcx_builder_t* b, zcx_error_t* err) {
  ZCX_RETURN_IF_ERROR(offsets_reserve(b, 0, err));
  offsets_start_reserved(b);
  return 0;
}

static void offsets_put(zcx_builder_t* b, int64_t v) {
  if (b->elem_width == 4) {
    int32_t x = (int32_t)v;
    memcpy(b->data.data + b->data.size, &x, 4);
  } else {
    memcpy(b->data.data + b->data.size, &v, 8);
  }
  b->data.size += b->elem_width;
}

static int64_t offsets_last(const zcx_builder_t* b) {
  const uint8_t* p = b->data.data + b->data.size - b->elem_width;
  if (b->elem_width == 4) {
    int32_t x;
    memcpy(&x, p, 4);
    return x;
  }
  int64_t x;
  memcpy(&x, p, 8);
  return x;
}

// Reserves the validity bits that commit_reserved will write for `n` new elements.
static int commit_reserve(zcx_builder_t* b, int64_t n, bool valid, zcx_error_t* err) {
  if (!b->has_validity && (valid || !zcxi_id_has_validity(b->st->id))) {
    return 0;
  }
  int64_t total;
  if (!zcxi_add_i64(b->length, n, &total)) {
    return zcx_error_fail(err, ENOMEM, "builder: %lld + %lld elements overflow",
                          (long long)b->length, (long long)n);
  }
  return bits_reserve(&b->validity, b->mr, total, err);
}

// Records validity for `n` new elements and adds them to the length (room reserved).
static void commit_reserved(zcx_builder_t* b, int64_t n, bool valid) {
  if (!valid && !b->has_validity && zcxi_id_has_validity(b->st->id)) {
    // First null: the bitmap appears, all earlier elements valid.
    bits_set_range(b->validity.data, 0, b->length);
    b->has_validity = true;
  }
  if (b->has_validity && valid) {
    bits_set_range(b->validity.data, b->length, n);
  }
  b->length += n;
  if (!valid) {
    b->null_count += n;
  }
}

// Records validity for `n` new elements and adds them to the length. On failure nothing
// changed but capacity.
static int commit(zcx_builder_t* b, int64_t n, bool valid, zcx_error_t* err) {
  ZCX_RETURN_IF_ERROR(commit_reserve(b, n, valid, err));
  commit_reserved(b, n, valid);
  return 0;
}

int zcx_builder_reserve(zcx_builder_t* b, int64_t n, zcx_error_t* err) {
  if (n < 0) {
    return zcx_error_fail(err, EINVAL, "builder_reserve: negative count %lld", (long long)n);
  }
  int64_t bytes;
  if (b->has_validity) {
    ZCX_RETURN_IF_ERROR(bits_reserve(&b->validity, b->mr, b->length + n, err));
  }
  if (b->st->id == ZCX_TYPE_BOOL) {
    // Bool values are bits; their byte count is recomputed from the length at finish.
    return bits_reserve(&b->data, b->mr, b->length + n, err);
  }
  if (b->elem_width > 0) {
    if (!zcxi_mul_i64(n + (id_has_offsets(b->st->id) ? 1 : 0), b->elem_width, &bytes)) {
      return zcx_error_fail(err, ENOMEM, "builder_reserve: %lld elements overflow", (long long)n);
    }
    ZCX_RETURN_IF_ERROR(zcxi_growbuf_reserve(&b->data, b->mr, bytes, err));
  }
  if (b->st->id == ZCX_TYPE_LIST_VIEW || b->st->id == ZCX_TYPE_LARGE_LIST_VIEW ||
      b->st->id == ZCX_TYPE_DENSE_UNION) {
    int64_t w = b->st->id == ZCX_TYPE_LARGE_LIST_VIEW ? 8 : 4;
    if (!zcxi_mul_i64(n, w, &bytes)) {
      return zcx_error_fail(err, ENOMEM, "builder_reserve: %lld elements overflow", (long long)n);
    }
    ZCX_RETURN_IF_ERROR(zcxi_growbuf_reserve(&b->data2, b->mr, bytes, err));
  }
  return 0;
}

static int fits(zcx_type_id_t id, int64_t v) {
  switch (id) {
    case ZCX_TYPE_INT8: return v >= INT8_MIN && v <= INT8_MAX;
    case ZCX_TYPE_UINT8: return v >= 0 && v <= UINT8_MAX;
    case ZCX_TYPE_INT16: return v >= INT16_MIN && v <= INT16_MAX;
    case ZCX_TYPE_UINT16: return v >= 0 && v <= UINT16_MAX;
    case ZCX_TYPE_INT32: return v >= INT32_MIN && v <= INT32_MAX;
    case ZCX_TYPE_UINT32: return v >= 0 && v <= (int64_t)UINT32_MAX;
    case ZCX_TYPE_UINT64: return v >= 0;
    default: return 1;
  }
}

static void put_int(uint8_t* p, int32_t width, int64_t v) {
  switch (width) {
    case 1: { int8_t x = (int8_t)v; memcpy(p, &x, 1); break; }
    case 2: { int16_t x = (int16_t)v; memcpy(p, &x, 2); break; }
    case 4: { int32_t x = (int32_t)v; memcpy(p, &x, 4); break; }
    default: memcpy(p, &v, 8); break;
  }
}

// The integer type that holds the values of an integer-like type, or NA.
static zcx_type_id_t int_physical(const zcx_type_t* st) {
  switch (st->id) {
    case ZCX_TYPE_INT8:
    case ZCX_TYPE_UINT8:
    case ZCX_TYPE_INT16:
    case ZCX_TYPE_UINT16:
    case ZCX_TYPE_INT32:
    case ZCX_TYPE_UINT32:
    case ZCX_TYPE_INT64:
    case ZCX_TYPE_UINT64: return st->id;
    case ZCX_TYPE_DATE32:
    case ZCX_TYPE_TIME32:
    case ZCX_TYPE_INTERVAL_MONTHS: return ZCX_TYPE_INT32;
    case ZCX_TYPE_DATE64:
    case ZCX_TYPE_TIME64:
    case ZCX_TYPE_TIMESTAMP:
    case ZCX_TYPE_DURATION: return ZCX_TYPE_INT64;
    case ZCX_TYPE_DICTIONARY: return st->index_type->id;
    default: return ZCX_TYPE_NA;
  }
}

int zcx_builder_append_int(zcx_builder_t* b, int64_t v, zcx_error_t* err) {
  const zcx_type_t* st = b->st;
  bool decimal = st->id >= ZCX_TYPE_DECIMAL32 && st->id <= ZCX_TYPE_DECIMAL256;
  zcx_type_id_t pid = int_physical(st);
  if (pid == ZCX_TYPE_NA && !decimal) {
    return zcx_error_fail(err, EINVAL, "append_int: %s is not an integer-like type",
                          type_name(b));
  }
  if (!decimal && !fits(pid, v)) {
    return zcx_error_fail(err, ERANGE, "append_int: %lld does not fit %s", (long long)v,
                          zcx_type_id_name(pid));
  }
  if (st->id == ZCX_TYPE_DICTIONARY && v < 0) {
    return zcx_error_fail(err, ERANGE, "append_int: negative dictionary index %lld",
                          (long long)v);
  }
  if (st->id == ZCX_TYPE_DECIMAL32 && (v < INT32_MIN || v > INT32_MAX)) {
    return zcx_error_fail(err, ERANGE, "append_int: %lld does not fit decimal32", (long long)v);
  }
  ZCX_RETURN_IF_ERROR(zcxi_growbuf_reserve(&b->data, b->mr, b->elem_width, err));
  uint8_t* p = b->data.data + b->data.size;
  if (decimal && b->elem_width > 8) {
    memcpy(p, &v, 8);
    memset(p + 8, v < 0 ? 0xff : 0, (size_t)(b->elem_width - 8));
  } else {
    put_int(p, b->elem_width, v);
  }
  ZCX_RETURN_IF_ERROR(commit(b, 1, true, err));
  b->data.size += b->elem_width;
  if (st->id == ZCX_TYPE_DICTIONARY && v > b->max_index) {
    b->max_index = v;
  }
  return 0;
}

int zcx_builder_append_uint(zcx_builder_t* b, uint64_t v, zcx_error_t* err) {
  if (v <= (uint64_t)INT64_MAX) {
    return zcx_builder_append_int(b, (int64_t)v, err);
  }
  if (int_physical(b->st) != ZCX_TYPE_UINT64) {
    return zcx_error_fail(err, ERANGE, "append_uint: %llu does not fit %s",
                          (unsigned long long)v, type_name(b));
  }
  ZCX_RETURN_IF_ERROR(zcxi_growbuf_reserve(&b->data, b->mr, 8, err));
  memcpy(b->data.data + b->data.size, &v, 8);
  ZCX_RETURN_IF_ERROR(commit(b, 1, true, err));
  b->data.size += 8;
  if (b->st->id == ZCX_TYPE_DICTIONARY) {
    b->max_index = INT64_MAX;  // beyond any dictionary
  }
  return 0;
}

int zcx_builder_append_double(zcx_builder_t* b, double v, zcx_error_t* err) {
  zcx_type_id_t id = b->st->id;
  if (id != ZCX_TYPE_HALF_FLOAT && id != ZCX_TYPE_FLOAT && id != ZCX_TYPE_DOUBLE) {
    return zcx_error_fail(err, EINVAL, "append_double: %s is not a floating-point type",
                          type_name(b));
  }
  ZCX_RETURN_IF_ERROR(zcxi_growbuf_reserve(&b->data, b->mr, b->elem_width, err));
  uint8_t* p = b->data.data + b->data.size;
  if (id == ZCX_TYPE_HALF_FLOAT) {
    uint16_t h = zcxi_double_to_half(v);
    memcpy(p, &h, 2);
  } else if (id == ZCX_TYPE_FLOAT) {
    float f = (float)v;
    memcpy(p, &f, 4);
  } else {
    memcpy(p, &v, 8);
  }
  ZCX_RETURN_IF_ERROR(commit(b, 1, true, err));
  b->data.size += b->elem_width;
  return 0;
}

int zcx_builder_append_bool(zcx_builder_t* b, bool v, zcx_error_t* err) {
  if (b->st->id != ZCX_TYPE_BOOL) {
    return zcx_error_fail(err, EINVAL, "append_bool: %s is not bool", type_name(b));
  }
  ZCX_RETURN_IF_ERROR(bits_reserve(&b->data, b->mr, b->length + 1, err));
  ZCX_RETURN_IF_ERROR(commit(b, 1, true, err));
  if (v) {
    zcxi_bit_set(b->data.data, b->length - 1);
  }
  return 0;
}

// Appends the bytes of one view value. Everything is reserved before anything is written.
static int append_view(zcx_builder_t* b, const void* data, int64_t length, zcx_error_t* err) {
  if (length > INT32_MAX) {
    return zcx_error_fail(err, EOVERFLOW, "append_bytes: %lld bytes do not fit a view",
                          (long long)length);
  }
  zcxi_growbuf_t fresh;
  memset(&fresh, 0, sizeof(fresh));
  zcxi_growbuf_t* cur = NULL;
  bool need_new = false;
  int rc = 0;
  if (length > 12) {
    cur = b->num_variadic > 0 ? &b->variadic[b->num_variadic - 1] : NULL;
    need_new = cur == NULL || (cur->size > 0 && cur->size + length > VIEW_BLOCK_BYTES) ||
               cur->size + length > INT32_MAX;
    if (need_new) {
      // Room for one more data buffer; it is counted only once the append succeeds.
      zcxi_growbuf_t* nv =
          realloc(b->variadic, ((size_t)b->num_variadic + 1) * sizeof(zcxi_growbuf_t));
      if (nv == NULL) {
        return zcx_error_fail(err, ENOMEM, "append_bytes: out of memory for a data buffer");
      }
      b->variadic = nv;
      cur = &fresh;
    }
    rc = zcxi_growbuf_reserve(cur, b->mr, length, err);
  }
  if (rc == 0) {
    rc = zcxi_growbuf_reserve(&b->data, b->mr, 16, err);
  }
  if (rc == 0) {
    rc = commit_reserve(b, 1, true, err);
  }
  if (rc != 0) {
    zcxi_growbuf_reset(&fresh);
    return rc;
  }
  uint8_t view[16] = {0};
  int32_t size = (int32_t)length;
  memcpy(view, &size, 4);
  if (length <= 12) {
    if (length > 0) {
      memcpy(view + 4, data, (size_t)length);
    }
  } else {
    if (need_new) {
      b->variadic[b->num_variadic++] = fresh;
      cur = &b->variadic[b->num_variadic - 1];
    }
    int32_t index = b->num_variadic - 1;
    int32_t off = (int32_t)cur->size;
    memcpy(cur->data + cur->size, data, (size_t)length);
    cur->size += length;
    memcpy(view + 4, data, 4);
    memcpy(view + 8, &index, 4);
    memcpy(view + 12, &off, 4);
  }
  memcpy(b->data.data + b->data.size, view, 16);
  commit_reserved(b, 1, true);
  b->data.size += 16;
  return 0;
}

int zcx_builder_append_bytes(zcx_builder_t* b, const void* data, int64_t length,
                             zcx_error_t* err) {
  if (length < 0 || (data == NULL && length > 0)) {
    return zcx_error_fail(err, EINVAL, "append_bytes: bad value (%lld bytes at %p)",
                          (long long)length, data);
  }
  zcx_type_id_t id = b->st->id;
  switch (id) {
    case ZCX_TYPE_BINARY:
    case ZCX_TYPE_STRING:
    case ZCX_TYPE_LARGE_BINARY:
    case ZCX_TYPE_LARGE_STRING: {
      int64_t limit = b->elem_width == 4 ? INT32_MAX : INT64_MAX;
      if (length > limit - b->data2.size) {
        return zcx_error_fail(err, EOVERFLOW,
                              "append_bytes: %lld + %lld bytes overflow the offsets of %s",
                              (long long)b->data2.size, (long long)length, type_name(b));
      }
      ZCX_RETURN_IF_ERROR(offsets_reserve(b, 1, err));
      ZCX_RETURN_IF_ERROR(zcxi_growbuf_reserve(&b->data2, b->mr, length, err));
      ZCX_RETURN_IF_ERROR(commit_reserve(b, 1, true, err));
      offsets_start_reserved(b);
      commit_reserved(b, 1, true);
      if (length > 0) {
        memcpy(b->data2.data + b->data2.size, data, (size_t)length);
      }
      b->data2.size += length;
      offsets_put(b, b->data2.size);
      return 0;
    }
    case ZCX_TYPE_BINARY_VIEW:
    case ZCX_TYPE_STRING_VIEW:
      return append_view(b, data, length, err);
    case ZCX_TYPE_FIXED_SIZE_BINARY:
    case ZCX_TYPE_DECIMAL32:
    case ZCX_TYPE_DECIMAL64:
    case ZCX_TYPE_DECIMAL128:
    case ZCX_TYPE_DECIMAL256:
    case ZCX_TYPE_INTERVAL_DAY_TIME:
    case ZCX_TYPE_INTERVAL_MONTH_DAY_NANO:
      if (length != b->elem_width) {
        return zcx_error_fail(err, EINVAL, "append_bytes: %lld bytes for %s of %d bytes",
                              (long long)length, type_name(b), b->elem_width);
      }
      ZCX_RETURN_IF_ERROR(zcxi_growbuf_reserve(&b->data, b->mr, length, err));
      ZCX_RETURN_IF_ERROR(commit(b, 1, true, err));
      if (length > 0) {
        memcpy(b->data.data + b->data.size, data, (size_t)length);
      }
      b->data.size += length;
      return 0;
    default:
      return zcx_error_fail(err, EINVAL, "append_bytes: %s takes no bytes", type_name(b));
  }
}

int zcx_builder_append_values(zcx_builder_t* b, const void* values, int64_t n,
                              zcx_error_t* err) {
  if (n < 0 || (values == NULL && n > 0)) {
    return zcx_error_fail(err, EINVAL, "append_values: bad values (%lld at %p)", (long long)n,
                          values);
  }
  zcx_type_id_t id = b->st->id;
  if (id == ZCX_TYPE_BOOL) {
    // One byte per value, zero or not. The value bits are written only once the validity
    // bits are reserved too, so that a failure leaves no set bit past the length.
    int64_t total;
    if (!zcxi_add_i64(b->length, n, &total)) {
      return zcx_error_fail(err, EINVAL, "append_values: %lld values overflow", (long long)n);
    }
    ZCX_RETURN_IF_ERROR(bits_reserve(&b->data, b->mr, total, err));
    ZCX_RETURN_IF_ERROR(commit_reserve(b, n, true, err));
    const uint8_t* v = values;
    for (int64_t i = 0; i < n; i++) {
      if (v[i]) {
        zcxi_bit_set(b->data.data, b->length + i);
      }
    }
    commit_reserved(b, n, true);
    return 0;
  }
  bool fixed = int_physical(b->st) != ZCX_TYPE_NA || id == ZCX_TYPE_HALF_FLOAT ||
               id == ZCX_TYPE_FLOAT || id == ZCX_TYPE_DOUBLE ||
               (id >= ZCX_TYPE_DECIMAL32 && id <= ZCX_TYPE_DECIMAL256) ||
               id == ZCX_TYPE_FIXED_SIZE_BINARY || id == ZCX_TYPE_INTERVAL_DAY_TIME ||
               id == ZCX_TYPE_INTERVAL_MONTH_DAY_NANO;
  if (!fixed) {
    return zcx_error_fail(err, EINVAL, "append_values: %s is not a fixed-width type",
                          type_name(b));
  }
  int64_t bytes;
  if (!zcxi_mul_i64(n, b->elem_width, &bytes)) {
    return zcx_error_fail(err, EINVAL, "append_values: %lld values overflow", (long long)n);
  }
  int64_t max_index = b->max_index;
  if (id == ZCX_TYPE_DICTIONARY) {
    for (int64_t i = 0; i < n; i++) {
      int64_t v = zcxi_read_int(b->st->index_type->id, values, i);
      if (v < 0) {  // negative, or a uint64 index past INT64_MAX
        return zcx_error_fail(err, ERANGE, "append_values: dictionary index %lld at %lld",
                              (long long)v, (long long)i);
      }
      if (v > max_index) {
        max_index = v;
      }
    }
  }
  ZCX_RETURN_IF_ERROR(zcxi_growbuf_reserve(&b->data, b->mr, bytes, err));
  ZCX_RETURN_IF_ERROR(commit(b, n, true, err));
  if (bytes > 0) {
    memcpy(b->data.data + b->data.size, values, (size_t)bytes);
  }
  b->data.size += bytes;
  b->max_index = max_index;
  return 0;
}

// Whether nulls of this storage type are zero-filled fixed-width slots in `data` (values,
// views, dictionary indices, list view offsets with sizes in `data2`).
static bool nulls_are_slots(zcx_type_id_t id) {
  switch (id) {
    case ZCX_TYPE_NA:
    case ZCX_TYPE_BOOL:
    case ZCX_TYPE_BINARY:
    case ZCX_TYPE_STRING:
    case ZCX_TYPE_LARGE_BINARY:
    case ZCX_TYPE_LARGE_STRING:
    case ZCX_TYPE_LIST:
    case ZCX_TYPE_LARGE_LIST:
    case ZCX_TYPE_MAP:
    case ZCX_TYPE_FIXED_SIZE_LIST:
    case ZCX_TYPE_STRUCT:
    case ZCX_TYPE_SPARSE_UNION:
    case ZCX_TYPE_DENSE_UNION:
    case ZCX_TYPE_RUN_END_ENCODED: return false;
    default: return true;
  }
}

// Appending `n` nulls happens in two passes over the builder tree: null_prepare reserves
// everything and checks every limit (it may fail, and changes nothing but capacities), then
// null_apply writes (it cannot fail). So a failed append_null leaves the tree unchanged.
static int null_prepare(zcx_builder_t* b, int64_t n, zcx_error_t* err) {
  const zcx_type_t* st = b->st;
  int64_t bytes;
  int64_t total;
  if (!zcxi_add_i64(b->length, n, &total)) {
    return zcx_error_fail(err, EINVAL, "append_null: %lld nulls overflow", (long long)n);
  }
  if (nulls_are_slots(st->id)) {
    if (!zcxi_mul_i64(n, b->elem_width, &bytes)) {
      return zcx_error_fail(err, EINVAL, "append_null: %lld nulls overflow", (long long)n);
    }
    ZCX_RETURN_IF_ERROR(zcxi_growbuf_reserve(&b->data, b->mr, bytes, err));
    if (st->id == ZCX_TYPE_LIST_VIEW || st->id == ZCX_TYPE_LARGE_LIST_VIEW) {
      ZCX_RETURN_IF_ERROR(zcxi_growbuf_reserve(&b->data2, b->mr, bytes, err));
    }
    return commit_reserve(b, n, false, err);
  }
  switch (st->id) {
    case ZCX_TYPE_NA:
      return 0;
    case ZCX_TYPE_BOOL:
      ZCX_RETURN_IF_ERROR(bits_reserve(&b->data, b->mr, total, err));
      return commit_reserve(b, n, false, err);
    case ZCX_TYPE_BINARY:
    case ZCX_TYPE_STRING:
    case ZCX_TYPE_LARGE_BINARY:
    case ZCX_TYPE_LARGE_STRING:
    case ZCX_TYPE_LIST:
    case ZCX_TYPE_LARGE_LIST:
    case ZCX_TYPE_MAP:
      ZCX_RETURN_IF_ERROR(offsets_reserve(b, n, err));
      return commit_reserve(b, n, false, err);
    case ZCX_TYPE_FIXED_SIZE_LIST: {
      int64_t m;
      if (!zcxi_mul_i64(n, st->fixed_size, &m)) {
        return zcx_error_fail(err, EINVAL, "append_null: %lld lists overflow", (long long)n);
      }
      ZCX_RETURN_IF_ERROR(null_prepare(b->children[0], m, err));
      return commit_reserve(b, n, false, err);
    }
    case ZCX_TYPE_STRUCT:
      for (int32_t i = 0; i < b->num_children; i++) {
        ZCX_RETURN_IF_ERROR(null_prepare(b->children[i], n, err));
      }
      return commit_reserve(b, n, false, err);
    case ZCX_TYPE_SPARSE_UNION:
    case ZCX_TYPE_DENSE_UNION:
      if (b->num_children == 0) {
        return zcx_error_fail(err, EINVAL, "append_null: a union without children has no nulls");
      }
      ZCX_RETURN_IF_ERROR(zcxi_growbuf_reserve(&b->data, b->mr, n, err));
      if (st->id == ZCX_TYPE_DENSE_UNION) {
        if (n > INT32_MAX || b->union_counts[0] + n > INT32_MAX) {
          return zcx_error_fail(err, EOVERFLOW, "append_null: dense union offsets overflow");
        }
        ZCX_RETURN_IF_ERROR(zcxi_growbuf_reserve(&b->data2, b->mr, 4 * n, err));
        return null_prepare(b->children[0], n, err);
      }
      for (int32_t i = 0; i < b->num_children; i++) {
        ZCX_RETURN_IF_ERROR(null_prepare(b->children[i], n, err));
      }
      return 0;
    case ZCX_TYPE_RUN_END_ENCODED: {
      // One run of n nulls: a run end in child 0, a null in child 1.
      zcx_builder_t* ends = b->children[0];
      int64_t end;
      if (!zcxi_add_i64(zcx_builder_length(b), n, &end)) {
        return zcx_error_fail(err, EINVAL, "append_null: run end overflows");
      }
      if (!fits(ends->st->id, end)) {
        return zcx_error_fail(err, ERANGE, "append_null: run end %lld does not fit %s",
                              (long long)end, zcx_type_id_name(ends->st->id));
      }
      ZCX_RETURN_IF_ERROR(zcxi_growbuf_reserve(&ends->data, ends->mr, ends->elem_width, err));
      ZCX_RETURN_IF_ERROR(commit_reserve(ends, 1, true, err));
      return null_prepare(b->children[1], 1, err);
    }
    default:
      return zcx_error_fail(err, EINVAL, "append_null: unsupported type %s", type_name(b));
  }
}

static void null_apply(zcx_builder_t* b, int64_t n) {
  const zcx_type_t* st = b->st;
  if (nulls_are_slots(st->id)) {
    int64_t bytes = n * b->elem_width;
    memset(b->data.data + b->data.size, 0, (size_t)bytes);
    b->data.size += bytes;
    if (st->id == ZCX_TYPE_LIST_VIEW || st->id == ZCX_TYPE_LARGE_LIST_VIEW) {
      memset(b->data2.data + b->data2.size, 0, (size_t)bytes);
      b->data2.size += bytes;
    }
    commit_reserved(b, n, false);
    return;
  }
  switch (st->id) {
    case ZCX_TYPE_NA:
      b->length += n;
      b->null_count += n;
      return;
    case ZCX_TYPE_BOOL:
      commit_reserved(b, n, false);
      return;
    case ZCX_TYPE_BINARY:
    case ZCX_TYPE_STRING:
    case ZCX_TYPE_LARGE_BINARY:
    case ZCX_TYPE_LARGE_STRING:
    case ZCX_TYPE_LIST:
    case ZCX_TYPE_LARGE_LIST:
    case ZCX_TYPE_MAP: {
      offsets_start_reserved(b);
      int64_t last = offsets_last(b);
      for (int64_t i = 0; i < n; i++) {
        offsets_put(b, last);
      }
      commit_reserved(b, n, false);
      return;
    }
    case ZCX_TYPE_FIXED_SIZE_LIST:
      null_apply(b->children[0], n * st->fixed_size);
      commit_reserved(b, n, false);
      return;
    case ZCX_TYPE_STRUCT:
      for (int32_t i = 0; i < b->num_children; i++) {
        null_apply(b->children[i], n);
      }
      commit_reserved(b, n, false);
      return;
    case ZCX_TYPE_SPARSE_UNION:
    case ZCX_TYPE_DENSE_UNION:
      if (st->id == ZCX_TYPE_DENSE_UNION) {
        null_apply(b->children[0], n);
        for (int64_t i = 0; i < n; i++) {
          int32_t o = (int32_t)(b->union_counts[0] + i);
          memcpy(b->data2.data + b->data2.size + 4 * i, &o, 4);
        }
        b->data2.size += 4 * n;
        b->union_counts[0] += n;
      } else {
        for (int32_t i = 0; i < b->num_children; i++) {
          null_apply(b->children[i], n);
        }
      }
      memset(b->data.data + b->data.size, st->type_codes[0], (size_t)n);
      b->data.size += n;
      b->length += n;  // unions have no validity bitmap: the nulls live in the child
      return;
    case ZCX_TYPE_RUN_END_ENCODED: {
      zcx_builder_t* ends = b->children[0];
      int64_t end = zcx_builder_length(b) + n;
      put_int(ends->data.data + ends->data.size, ends->elem_width, end);
      ends->data.size += ends->elem_width;
      commit_reserved(ends, 1, true);
      null_apply(b->children[1], 1);
      return;
    }
    default:
      return;
  }
}

int zcx_builder_append_null(zcx_builder_t* b, int64_t n, zcx_error_t* err) {
  if (n < 0) {
    return zcx_error_fail(err, EINVAL, "append_null: negative count %lld", (long long)n);
  }
  if (n == 0) {
    return 0;
  }
  ZCX_RETURN_IF_ERROR(null_prepare(b, n, err));
  null_apply(b, n);
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Nested elements

int zcx_builder_finish_element(zcx_builder_t* b, zcx_error_t* err) {
  const zcx_type_t* st = b->st;
  switch (st->id) {
    case ZCX_TYPE_LIST:
    case ZCX_TYPE_LARGE_LIST:
    case ZCX_TYPE_MAP: {
      int64_t child_len = zcx_builder_length(b->children[0]);
      if (b->elem_width == 4 && child_len > INT32_MAX) {
        return zcx_error_fail(err, EOVERFLOW, "finish_element: %lld child values overflow the "
                              "32-bit offsets of %s", (long long)child_len, type_name(b));
      }
      ZCX_RETURN_IF_ERROR(offsets_reserve(b, 1, err));
      ZCX_RETURN_IF_ERROR(commit_reserve(b, 1, true, err));
      offsets_start_reserved(b);
      commit_reserved(b, 1, true);
      offsets_put(b, child_len);
      return 0;
    }
    case ZCX_TYPE_LIST_VIEW:
    case ZCX_TYPE_LARGE_LIST_VIEW: {
      int64_t child_len = zcx_builder_length(b->children[0]);
      if (b->elem_width == 4 && child_len > INT32_MAX) {
        return zcx_error_fail(err, EOVERFLOW, "finish_element: %lld child values overflow the "
                              "32-bit offsets of %s", (long long)child_len, type_name(b));
      }
      ZCX_RETURN_IF_ERROR(zcxi_growbuf_reserve(&b->data, b->mr, b->elem_width, err));
      ZCX_RETURN_IF_ERROR(zcxi_growbuf_reserve(&b->data2, b->mr, b->elem_width, err));
      ZCX_RETURN_IF_ERROR(commit(b, 1, true, err));
      put_int(b->data.data + b->data.size, b->elem_width, b->child_mark);
      put_int(b->data2.data + b->data2.size, b->elem_width, child_len - b->child_mark);
      b->data.size += b->elem_width;
      b->data2.size += b->elem_width;
      b->child_mark = child_len;
      return 0;
    }
    case ZCX_TYPE_FIXED_SIZE_LIST: {
      int64_t want = (b->length + 1) * (int64_t)st->fixed_size;
      if (zcx_builder_length(b->children[0]) != want) {
        return zcx_error_fail(err, EINVAL, "finish_element: fixed_size_list element %lld has "
                              "%lld child values, expected %d",
                              (long long)b->length,
                              (long long)(zcx_builder_length(b->children[0]) -
                                          b->length * st->fixed_size),
                              st->fixed_size);
      }
      return commit(b, 1, true, err);
    }
    case ZCX_TYPE_STRUCT:
      for (int32_t i = 0; i < b->num_children; i++) {
        if (zcx_builder_length(b->children[i]) != b->length + 1) {
          return zcx_error_fail(err, EINVAL, "finish_element: struct child '%s' (%d) has "
                                "length %lld, expected %lld",
                                st->children[i]->name, i,
                              (long long)zcx_builder_length(b->children[i]),
                                (long long)(b->length + 1));
        }
      }
      return commit(b, 1, true, err);
    default:
      return zcx_error_fail(err, EINVAL, "finish_element: %s has no elements to close",
                            type_name(b));
  }
}

int zcx_builder_finish_union_element(zcx_builder_t* b, int8_t type_code, zcx_error_t* err) {
  const zcx_type_t* st = b->st;
  if (st->id != ZCX_TYPE_SPARSE_UNION && st->id != ZCX_TYPE_DENSE_UNION) {
    return zcx_error_fail(err, EINVAL, "finish_union_element: %s is not a union", type_name(b));
  }
  int32_t c = zcxi_union_child_index(st, type_code);
  if (c < 0) {
    return zcx_error_fail(err, EINVAL, "finish_union_element: type code %d is not in the union",
                          type_code);
  }
  ZCX_RETURN_IF_ERROR(zcxi_growbuf_reserve(&b->data, b->mr, 1, err));
  if (st->id == ZCX_TYPE_SPARSE_UNION) {
    for (int32_t i = 0; i < b->num_children; i++) {
      if (zcx_builder_length(b->children[i]) != b->length + 1) {
        return zcx_error_fail(err, EINVAL, "finish_union_element: sparse union child '%s' (%d) "
                              "has length %lld, expected %lld",
                              st->children[i]->name, i,
                              (long long)zcx_builder_length(b->children[i]),
                              (long long)(b->length + 1));
      }
    }
  } else {
    for (int32_t i = 0; i < b->num_children; i++) {
      int64_t want = b->union_counts[i] + (i == c ? 1 : 0);
      if (zcx_builder_length(b->children[i]) != want) {
        return zcx_error_fail(err, EINVAL, "finish_union_element: dense union child '%s' (%d) "
                              "has length %lld, expected %lld",
                              st->children[i]->name, i,
                              (long long)zcx_builder_length(b->children[i]),
                              (long long)want);
      }
    }
    if (b->union_counts[c] >= INT32_MAX) {
      return zcx_error_fail(err, EOVERFLOW, "finish_union_element: dense union offsets overflow");
    }
    ZCX_RETURN_IF_ERROR(zcxi_growbuf_reserve(&b->data2, b->mr, 4, err));
    int32_t o = (int32_t)b->union_counts[c];
    memcpy(b->data2.data + b->data2.size, &o, 4);
    b->data2.size += 4;
    b->union_counts[c]++;
  }
  b->data.data[b->data.size++] = (uint8_t)type_code;
  b->length++;
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Finishing

// Checks that every nested element was closed, before anything is handed out.
static int builder_check(const zcx_builder_t* b, zcx_error_t* err) {
  const zcx_type_t* st = b->st;
  switch (st->id) {
    case ZCX_TYPE_LIST:
    case ZCX_TYPE_LARGE_LIST:
    case ZCX_TYPE_MAP: {
      int64_t last = b->data.size > 0 ? offsets_last(b) : 0;
      if (zcx_builder_length(b->children[0]) != last) {
        return zcx_error_fail(err, EINVAL, "builder_finish: %s has %lld child values after its "
                              "last element (unclosed element)",
                              type_name(b), (long long)(zcx_builder_length(b->children[0]) - last));
      }
      break;
    }
    case ZCX_TYPE_FIXED_SIZE_LIST:
      if (zcx_builder_length(b->children[0]) != b->length * st->fixed_size) {
        return zcx_error_fail(err, EINVAL, "builder_finish: fixed_size_list of %lld elements "
                              "has %lld child values (unclosed element)",
                              (long long)b->length, (long long)zcx_builder_length(b->children[0]));
      }
      break;
    case ZCX_TYPE_STRUCT:
    case ZCX_TYPE_SPARSE_UNION:
      for (int32_t i = 0; i < b->num_children; i++) {
        if (zcx_builder_length(b->children[i]) != b->length) {
          return zcx_error_fail(err, EINVAL, "builder_finish: child '%s' (%d) of %s has length "
                                "%lld, not %lld (unclosed element)",
                                st->children[i]->name, i, type_name(b),
                                (long long)zcx_builder_length(b->children[i]),
                                (long long)b->length);
        }
      }
      break;
    case ZCX_TYPE_DENSE_UNION:
      for (int32_t i = 0; i < b->num_children; i++) {
        if (zcx_builder_length(b->children[i]) != b->union_counts[i]) {
          return zcx_error_fail(err, EINVAL, "builder_finish: dense union child '%s' (%d) has "
                                "length %lld, %lld expected (unclosed element)",
                                st->children[i]->name, i,
                              (long long)zcx_builder_length(b->children[i]),
                                (long long)b->union_counts[i]);
        }
      }
      break;
    case ZCX_TYPE_RUN_END_ENCODED:
      if (zcx_builder_length(b->children[0]) != zcx_builder_length(b->children[1])) {
        return zcx_error_fail(err, EINVAL, "builder_finish: %lld run ends but %lld values",
                              (long long)zcx_builder_length(b->children[0]),
                              (long long)zcx_builder_length(b->children[1]));
      }
      break;
    case ZCX_TYPE_DICTIONARY:
      if (b->max_index >= zcx_builder_length(b->dict)) {
        return zcx_error_fail(err, EINVAL, "builder_finish: dictionary index %lld >= dictionary "
                              "length %lld",
                              (long long)b->max_index, (long long)zcx_builder_length(b->dict));
      }
      return builder_check(b->dict, err);
    default:
      break;
  }
  for (int32_t i = 0; i < b->num_children; i++) {
    ZCX_RETURN_IF_ERROR(builder_check(b->children[i], err));
  }
  return 0;
}

static int builder_finish(zcx_builder_t* b, zcx_array_t** out, zcx_error_t* err) {
  const zcx_type_t* st = b->st;
  zcx_type_id_t id = st->id;
  int32_t nb = zcx_type_num_buffers(st);
  bool views = id == ZCX_TYPE_BINARY_VIEW || id == ZCX_TYPE_STRING_VIEW;
  if (views) {
    nb += b->num_variadic;
  }
  zcx_buffer_t* bufs[3] = {NULL, NULL, NULL};
  zcx_buffer_t** all = bufs;
  zcx_array_t** kids = NULL;
  zcx_array_t* dict = NULL;
  int rc = 0;
  if (nb > 3) {
    all = calloc((size_t)nb, sizeof(zcx_buffer_t*));
    if (all == NULL) {
      return zcx_error_fail(err, ENOMEM, "builder_finish: out of memory");
    }
  }
  if (b->num_children > 0) {
    kids = calloc((size_t)b->num_children, sizeof(zcx_array_t*));
    if (kids == NULL) {
      rc = zcx_error_fail(err, ENOMEM, "builder_finish: out of memory");
    }
  }
  if (rc == 0 && id_has_offsets(id)) {
    rc = offsets_start(b, err);
  }
  if (rc == 0 && id == ZCX_TYPE_BOOL) {
    b->data.size = zcxi_bytes_for_bits(b->length);
    if (b->data.buf == NULL) {
      rc = bits_reserve(&b->data, b->mr, b->length, err);
    }
  }
  // Buffers in C Data order.
  if (rc == 0) {
    switch (id) {
      case ZCX_TYPE_NA:
      case ZCX_TYPE_RUN_END_ENCODED:
        break;
      case ZCX_TYPE_SPARSE_UNION:
        rc = zcxi_growbuf_finish(&b->data, b->mr, &all[0], err);
        break;
      case ZCX_TYPE_DENSE_UNION:
        rc = zcxi_growbuf_finish(&b->data, b->mr, &all[0], err);
        if (rc == 0) {
          rc = zcxi_growbuf_finish(&b->data2, b->mr, &all[1], err);
        }
        break;
      default:
        if (b->has_validity) {
          b->validity.size = zcxi_bytes_for_bits(b->length);
          rc = zcxi_growbuf_finish(&b->validity, b->mr, &all[0], err);
        }
        if (rc == 0 && nb > 1) {
          rc = zcxi_growbuf_finish(&b->data, b->mr, &all[1], err);
        }
        if (rc == 0 && (id == ZCX_TYPE_BINARY || id == ZCX_TYPE_STRING ||
                        id == ZCX_TYPE_LARGE_BINARY || id == ZCX_TYPE_LARGE_STRING ||
                        id == ZCX_TYPE_LIST_VIEW || id == ZCX_TYPE_LARGE_LIST_VIEW)) {
          rc = zcxi_growbuf_finish(&b->data2, b->mr, &all[2], err);
        }
        for (int32_t i = 0; rc == 0 && views && i < b->num_variadic; i++) {
          rc = zcxi_growbuf_finish(&b->variadic[i], b->mr, &all[2 + i], err);
        }
        break;
    }
  }
  for (int32_t i = 0; rc == 0 && i < b->num_children; i++) {
    rc = builder_finish(b->children[i], &kids[i], err);
  }
  if (rc == 0 && b->dict != NULL) {
    rc = builder_finish(b->dict, &dict, err);
  }
  if (rc == 0) {
    int64_t length = b->length;
    int64_t nulls = b->null_count;
    if (id == ZCX_TYPE_RUN_END_ENCODED) {
      length = kids[0]->length > 0
                   ? zcxi_read_int(kids[0]->type->id, zcxi_array_buf(kids[0], 1),
                                   kids[0]->length - 1)
                   : 0;
      nulls = 0;
    }
    rc = zcx_array_create(b->type, length, 0, nulls, all, nb, kids, b->num_children, dict, out,
                          err);
  }
  for (int32_t i = 0; i < nb; i++) {
    zcx_buffer_release(all[i]);
  }
  for (int32_t i = 0; kids != NULL && i < b->num_children; i++) {
    zcx_array_release(kids[i]);
  }
  zcx_array_release(dict);
  if (all != bufs) {
    free(all);
  }
  free(kids);
  builder_clear(b);
  return rc;
}

// Resets a builder and every builder under it (after a failed finish, which may have
// finished some children and not others).
static void builder_clear_tree(zcx_builder_t* b) {
  builder_clear(b);
  for (int32_t i = 0; i < b->num_children; i++) {
    builder_clear_tree(b->children[i]);
  }
  if (b->dict != NULL) {
    builder_clear_tree(b->dict);
  }
}

int zcx_builder_finish(zcx_builder_t* b, zcx_array_t** out, zcx_error_t* err) {
  if (out == NULL || b == NULL) {
    return zcx_error_fail(err, EINVAL, "builder_finish: builder or out is NULL");
  }
  *out = NULL;
  ZCX_RETURN_IF_ERROR(builder_check(b, err));
  int rc = builder_finish(b, out, err);
  if (rc != 0) {
    builder_clear_tree(b);
  }
  return rc;
}
