// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Arrays: zero-copy construction, all-null arrays, slices, null counts, element access and
// reference counts.
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "array/internal.h"

int zcxi_array_alloc(zcx_type_t* type, int64_t length, int64_t offset, int64_t null_count,
                     int32_t num_buffers, int32_t num_children, zcx_array_t** out,
                     zcx_error_t* err) {
  *out = NULL;
  zcx_array_t* a = calloc(1, sizeof(*a));
  if (a == NULL) {
    return zcx_error_fail(err, ENOMEM, "array: out of memory");
  }
  if (num_buffers > 0) {
    a->buffers = calloc((size_t)num_buffers, sizeof(zcx_buffer_t*));
  }
  if (num_children > 0) {
    a->children = calloc((size_t)num_children, sizeof(zcx_array_t*));
  }
  if ((num_buffers > 0 && a->buffers == NULL) || (num_children > 0 && a->children == NULL)) {
    free(a->buffers);
    free(a->children);
    free(a);
    return zcx_error_fail(err, ENOMEM, "array: out of memory for %d buffers and %d children",
                          num_buffers, num_children);
  }
  zcx_type_retain(type);
  a->type = type;
  a->length = length;
  a->offset = offset;
  a->null_count = null_count;
  a->num_buffers = num_buffers;
  a->num_children = num_children;
  a->refcount_ = 1;
  *out = a;
  return 0;
}

// The null count an array of this layout has without looking at data, or -1.
static int64_t implied_null_count(const zcx_array_t* a) {
  const zcx_type_t* st = zcxi_storage_type(a->type);
  if (st->id == ZCX_TYPE_NA) {
    return a->length;
  }
  if (!zcxi_id_has_validity(st->id) || zcxi_array_buf(a, 0) == NULL) {
    return 0;
  }
  return -1;
}

int zcx_array_create(zcx_type_t* type, int64_t length, int64_t offset, int64_t null_count,
                     zcx_buffer_t* const* buffers, int32_t num_buffers,
                     zcx_array_t* const* children, int32_t num_children, zcx_array_t* dictionary,
                     zcx_array_t** out, zcx_error_t* err) {
  if (out == NULL) {
    return zcx_error_fail(err, EINVAL, "array_create: out is NULL");
  }
  *out = NULL;
  if (type == NULL) {
    return zcx_error_fail(err, EINVAL, "array_create: type is NULL");
  }
  if (num_buffers < 0 || (num_buffers > 0 && buffers == NULL)) {
    return zcx_error_fail(err, EINVAL, "array_create: %d buffers from a %s list", num_buffers,
                          buffers == NULL ? "NULL" : "non-NULL");
  }
  if (num_children < 0 || (num_children > 0 && children == NULL)) {
    return zcx_error_fail(err, EINVAL, "array_create: %d children from a %s list", num_children,
                          children == NULL ? "NULL" : "non-NULL");
  }
  for (int32_t i = 0; i < num_children; i++) {
    if (children[i] == NULL) {
      return zcx_error_fail(err, EINVAL, "array_create: child %d is NULL", i);
    }
  }
  zcx_array_t* a;
  ZCX_RETURN_IF_ERROR(
      zcxi_array_alloc(type, length, offset, null_count, num_buffers, num_children, &a, err));
  for (int32_t i = 0; i < num_buffers; i++) {
    zcx_buffer_retain(buffers[i]);
    a->buffers[i] = buffers[i];
  }
  for (int32_t i = 0; i < num_children; i++) {
    zcx_array_retain(children[i]);
    a->children[i] = children[i];
  }
  zcx_array_retain(dictionary);
  a->dictionary = dictionary;
  int rc = zcxi_array_validate_cheap(a, err);
  if (rc != 0) {
    zcx_array_release(a);
    return rc;
  }
  if (a->null_count < 0) {
    a->null_count = implied_null_count(a);
  }
  *out = a;
  return 0;
}

void zcx_array_retain(zcx_array_t* array) {
  if (array != NULL) {
    zcxi_atomic_inc_i64(&array->refcount_);
  }
}

void zcx_array_release(zcx_array_t* array) {
  if (array == NULL || !zcxi_atomic_dec_i64(&array->refcount_)) {
    return;
  }
  for (int32_t i = 0; i < array->num_buffers; i++) {
    zcx_buffer_release(array->buffers[i]);
  }
  for (int32_t i = 0; i < array->num_children; i++) {
    zcx_array_release(array->children[i]);
  }
  zcx_array_release(array->dictionary);
  zcx_type_release(array->type);
  free(array->buffers);
  free(array->children);
  free(array);
}

// ---------------------------------------------------------------------------------------------
// All-null arrays

static int zeroed(zcx_mr_t* mr, int64_t size, zcx_buffer_t** out, zcx_error_t* err) {
  return zcx_buffer_allocate_zeroed(mr, size, 0, out, err);
}

static int make_nulls(zcx_type_t* type, int64_t length, zcx_mr_t* mr, zcx_array_t** out,
                      zcx_error_t* err);

// Fills the buffers and children of `a` (already allocated for the storage layout).
// `count` elements of `width` bytes, or EINVAL when that overflows.
static int elems_size(int64_t count, int64_t width, int64_t* out, zcx_error_t* err) {
  if (!zcxi_mul_i64(count, width, out)) {
    return zcx_error_fail(err, EINVAL, "make_nulls: %lld elements of %lld bytes overflow",
                          (long long)count, (long long)width);
  }
  return 0;
}

static int fill_nulls(zcx_array_t* a, const zcx_type_t* st, int64_t length, zcx_mr_t* mr,
                      zcx_error_t* err) {
  if (length == INT64_MAX) {
    return zcx_error_fail(err, EINVAL, "make_nulls: length %lld is too large", (long long)length);
  }
  int64_t n1 = length + 1;
  int64_t size;
  if (zcxi_id_has_validity(st->id) && st->id != ZCX_TYPE_NA) {
    ZCX_RETURN_IF_ERROR(zeroed(mr, zcxi_bits_bytes(length), &a->buffers[0], err));
  }
  switch (st->id) {
    case ZCX_TYPE_NA:
      return 0;
    case ZCX_TYPE_BOOL:
      return zeroed(mr, zcxi_bits_bytes(length), &a->buffers[1], err);
    case ZCX_TYPE_BINARY:
    case ZCX_TYPE_STRING:
    case ZCX_TYPE_LARGE_BINARY:
    case ZCX_TYPE_LARGE_STRING: {
      int64_t w = (st->id == ZCX_TYPE_BINARY || st->id == ZCX_TYPE_STRING) ? 4 : 8;
      ZCX_RETURN_IF_ERROR(elems_size(n1, w, &size, err));
      ZCX_RETURN_IF_ERROR(zeroed(mr, size, &a->buffers[1], err));
      return zeroed(mr, 0, &a->buffers[2], err);
    }
    case ZCX_TYPE_BINARY_VIEW:
    case ZCX_TYPE_STRING_VIEW:
      ZCX_RETURN_IF_ERROR(elems_size(length, 16, &size, err));
      return zeroed(mr, size, &a->buffers[1], err);
    case ZCX_TYPE_LIST:
    case ZCX_TYPE_LARGE_LIST:
    case ZCX_TYPE_MAP:
    case ZCX_TYPE_LIST_VIEW:
    case ZCX_TYPE_LARGE_LIST_VIEW: {
      bool large = st->id == ZCX_TYPE_LARGE_LIST || st->id == ZCX_TYPE_LARGE_LIST_VIEW;
      bool view = st->id == ZCX_TYPE_LIST_VIEW || st->id == ZCX_TYPE_LARGE_LIST_VIEW;
      int64_t w = large ? 8 : 4;
      ZCX_RETURN_IF_ERROR(elems_size(view ? length : n1, w, &size, err));
      ZCX_RETURN_IF_ERROR(zeroed(mr, size, &a->buffers[1], err));
      if (view) {
        ZCX_RETURN_IF_ERROR(zeroed(mr, size, &a->buffers[2], err));
      }
      return make_nulls(st->children[0]->type, 0, mr, &a->children[0], err);
    }
    case ZCX_TYPE_FIXED_SIZE_LIST: {
      int64_t n;
      if (!zcxi_mul_i64(length, st->fixed_size, &n)) {
        return zcx_error_fail(err, EINVAL, "make_nulls: %lld lists of %d overflow",
                              (long long)length, st->fixed_size);
      }
      return make_nulls(st->children[0]->type, n, mr, &a->children[0], err);
    }
    case ZCX_TYPE_STRUCT:
      for (int32_t i = 0; i < st->num_children; i++) {
        ZCX_RETURN_IF_ERROR(make_nulls(st->children[i]->type, length, mr, &a->children[i], err));
      }
      return 0;
    case ZCX_TYPE_SPARSE_UNION:
    case ZCX_TYPE_DENSE_UNION: {
      if (st->num_children == 0 && length > 0) {
        return zcx_error_fail(err, EINVAL, "make_nulls: a union without children has no nulls");
      }
      bool dense = st->id == ZCX_TYPE_DENSE_UNION;
      ZCX_RETURN_IF_ERROR(zeroed(mr, length, &a->buffers[0], err));
      if (length > 0) {
        memset(zcx_buffer_data(a->buffers[0]), st->type_codes[0], (size_t)length);
      }
      if (dense) {
        ZCX_RETURN_IF_ERROR(elems_size(length, 4, &size, err));
        ZCX_RETURN_IF_ERROR(zeroed(mr, size, &a->buffers[1], err));
      }
      for (int32_t i = 0; i < st->num_children; i++) {
        int64_t n = !dense ? length : (i == 0 && length > 0) ? 1 : 0;
        ZCX_RETURN_IF_ERROR(make_nulls(st->children[i]->type, n, mr, &a->children[i], err));
      }
      return 0;
    }
    case ZCX_TYPE_RUN_END_ENCODED: {
      zcx_type_t* rt = st->children[0]->type;
      int64_t max = rt->id == ZCX_TYPE_INT16 ? INT16_MAX
                    : rt->id == ZCX_TYPE_INT32 ? INT32_MAX
                                               : INT64_MAX;
      if (length > max) {
        return zcx_error_fail(err, EINVAL, "make_nulls: length %lld does not fit run ends of %s",
                              (long long)length, zcx_type_id_name(rt->id));
      }
      int64_t runs = length > 0 ? 1 : 0;
      zcx_buffer_t* ends;
      ZCX_RETURN_IF_ERROR(zeroed(mr, runs * (rt->bit_width / 8), &ends, err));
      if (runs > 0) {
        uint8_t* d = zcx_buffer_data(ends);
        if (rt->id == ZCX_TYPE_INT16) {
          int16_t v = (int16_t)length;
          memcpy(d, &v, sizeof(v));
        } else if (rt->id == ZCX_TYPE_INT32) {
          int32_t v = (int32_t)length;
          memcpy(d, &v, sizeof(v));
        } else {
          memcpy(d, &length, sizeof(length));
        }
      }
      zcx_buffer_t* bufs[2] = {NULL, ends};
      int rc = zcx_array_create(rt, runs, 0, 0, bufs, 2, NULL, 0, NULL, &a->children[0], err);
      zcx_buffer_release(ends);
      ZCX_RETURN_IF_ERROR(rc);
      return make_nulls(st->children[1]->type, runs, mr, &a->children[1], err);
    }
    case ZCX_TYPE_DICTIONARY: {
      ZCX_RETURN_IF_ERROR(elems_size(length, st->index_type->bit_width / 8, &size, err));
      ZCX_RETURN_IF_ERROR(zeroed(mr, size, &a->buffers[1], err));
      return make_nulls(st->value_type, 0, mr, &a->dictionary, err);
    }
    default: {
      // Every other type is fixed width.
      ZCX_RETURN_IF_ERROR(elems_size(length, zcx_type_byte_width(st), &size, err));
      return zeroed(mr, size, &a->buffers[1], err);
    }
  }
}

static int make_nulls(zcx_type_t* type, int64_t length, zcx_mr_t* mr, zcx_array_t** out,
                      zcx_error_t* err) {
  const zcx_type_t* st = zcxi_storage_type(type);
  int32_t nb = zcx_type_num_buffers(type);
  int32_t nc = st->id == ZCX_TYPE_FIXED_SIZE_LIST || st->id == ZCX_TYPE_LIST ||
                       st->id == ZCX_TYPE_LARGE_LIST || st->id == ZCX_TYPE_LIST_VIEW ||
                       st->id == ZCX_TYPE_LARGE_LIST_VIEW || st->id == ZCX_TYPE_MAP
                   ? 1
                   : (st->id == ZCX_TYPE_STRUCT || st->id == ZCX_TYPE_SPARSE_UNION ||
                      st->id == ZCX_TYPE_DENSE_UNION || st->id == ZCX_TYPE_RUN_END_ENCODED)
                         ? st->num_children
                         : 0;
  bool logical_nulls = st->id != ZCX_TYPE_SPARSE_UNION && st->id != ZCX_TYPE_DENSE_UNION &&
                       st->id != ZCX_TYPE_RUN_END_ENCODED;
  zcx_array_t* a;
  ZCX_RETURN_IF_ERROR(
      zcxi_array_alloc(type, length, 0, logical_nulls ? length : 0, nb, nc, &a, err));
  int rc = fill_nulls(a, st, length, mr, err);
  if (rc == 0) {
    rc = zcxi_array_validate_cheap(a, err);
  }
  if (rc != 0) {
    zcx_array_release(a);
    return rc;
  }
  *out = a;
  return 0;
}

int zcx_array_make_nulls(zcx_type_t* type, int64_t length, zcx_mr_t* mr, zcx_array_t** out,
                         zcx_error_t* err) {
  if (out == NULL) {
    return zcx_error_fail(err, EINVAL, "array_make_nulls: out is NULL");
  }
  *out = NULL;
  if (type == NULL || length < 0) {
    return zcx_error_fail(err, EINVAL, "array_make_nulls: %s",
                          type == NULL ? "type is NULL" : "negative length");
  }
  return make_nulls(type, length, mr, out, err);
}

// ---------------------------------------------------------------------------------------------
// Slices and null counts

int zcx_array_slice(zcx_array_t* array, int64_t offset, int64_t length, zcx_array_t** out,
                    zcx_error_t* err) {
  if (out == NULL || array == NULL) {
    return zcx_error_fail(err, EINVAL, "array_slice: array or out is NULL");
  }
  *out = NULL;
  if (offset < 0 || length < 0 || offset > array->length || length > array->length - offset) {
    return zcx_error_fail(err, EINVAL,
                          "array_slice: [%lld, %lld + %lld) is outside an array of length %lld",
                          (long long)offset, (long long)offset, (long long)length,
                          (long long)array->length);
  }
  zcx_array_t* a;
  ZCX_RETURN_IF_ERROR(zcxi_array_alloc(array->type, length, array->offset + offset, -1,
                                       array->num_buffers, array->num_children, &a, err));
  for (int32_t i = 0; i < array->num_buffers; i++) {
    zcx_buffer_retain(array->buffers[i]);
    a->buffers[i] = array->buffers[i];
  }
  for (int32_t i = 0; i < array->num_children; i++) {
    zcx_array_retain(array->children[i]);
    a->children[i] = array->children[i];
  }
  zcx_array_retain(array->dictionary);
  a->dictionary = array->dictionary;
  int64_t parent_nulls = __atomic_load_n(&array->null_count, __ATOMIC_RELAXED);
  a->null_count = implied_null_count(a);
  if (a->null_count < 0 && parent_nulls == 0) {
    a->null_count = 0;
  } else if (a->null_count < 0 && parent_nulls == array->length) {
    a->null_count = length;
  }
  *out = a;
  return 0;
}

int64_t zcx_array_null_count(zcx_array_t* array) {
  int64_t n = __atomic_load_n(&array->null_count, __ATOMIC_RELAXED);
  if (n >= 0) {
    return n;
  }
  n = implied_null_count(array);
  if (n < 0) {
    const uint8_t* v = zcxi_array_buf(array, 0);
    n = array->length - zcxi_bitmap_count_set(v, array->offset, array->length);
  }
  // Racing threads compute the same value; the store is idempotent.
  __atomic_store_n(&array->null_count, n, __ATOMIC_RELAXED);
  return n;
}

// ---------------------------------------------------------------------------------------------
// Element access

int32_t zcxi_union_child_index(const zcx_type_t* union_type, int8_t code) {
  for (int32_t i = 0; i < union_type->num_children; i++) {
    if (union_type->type_codes[i] == code) {
      return i;
    }
  }
  return -1;
}

int64_t zcxi_ree_physical_index(const zcx_array_t* ree, int64_t i) {
  const zcx_array_t* ends = ree->children[0];
  zcx_type_id_t id = ends->type->id;
  const uint8_t* d = zcxi_array_buf(ends, 1);
  int64_t target = ree->offset + i;
  // First run whose end is > target.
  int64_t lo = 0;
  int64_t hi = ends->length;
  while (lo < hi) {
    int64_t mid = lo + (hi - lo) / 2;
    if (zcxi_read_int(id, d, ends->offset + mid) <= target) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

// The logical end (relative to the offset) of run `phys`.
static int64_t ree_run_end(const zcx_array_t* ree, int64_t phys) {
  const zcx_array_t* ends = ree->children[0];
  return zcxi_read_int(ends->type->id, zcxi_array_buf(ends, 1), ends->offset + phys) -
         ree->offset;
}

void zcxi_ree_cursor_init(zcxi_ree_cursor_t* c, const zcx_array_t* ree) {
  c->ree = ree;
  c->phys = -1;
  c->start = 0;
  c->end = 0;
}

int64_t zcxi_ree_cursor_seek(zcxi_ree_cursor_t* c, int64_t i) {
  if (c->phys >= 0 && i >= c->start && i < c->end) {
    return c->phys;
  }
  int64_t runs = c->ree->children[0]->length;
  if (c->phys >= 0 && i == c->end && c->phys + 1 < runs) {
    // The next run, if the run ends really increase there (only full validation checks
    // that; otherwise the binary search below keeps every index in range).
    int64_t next = ree_run_end(c->ree, c->phys + 1);
    if (next > c->end) {
      c->phys++;
      c->start = c->end;
      c->end = next;
      return c->phys;
    }
  }
  c->phys = zcxi_ree_physical_index(c->ree, i);
  c->start = i;
  c->end = c->phys < runs ? ree_run_end(c->ree, c->phys) : i + 1;
  if (c->end <= i) {
    c->end = i + 1;
  }
  return c->phys;
}

bool zcxi_array_on_host_deep(const zcx_array_t* a) {
  for (int32_t i = 0; i < a->num_buffers; i++) {
    if (a->buffers[i] != NULL && !zcx_device_is_host_accessible(zcx_buffer_device(a->buffers[i]))) {
      return false;
    }
  }
  for (int32_t i = 0; i < a->num_children; i++) {
    if (!zcxi_array_on_host_deep(a->children[i])) {
      return false;
    }
  }
  return a->dictionary == NULL || zcxi_array_on_host_deep(a->dictionary);
}

bool zcx_array_is_null(const zcx_array_t* array, int64_t i) {
  const zcx_type_t* st = zcxi_storage_type(array->type);
  switch (st->id) {
    case ZCX_TYPE_NA:
      return true;
    case ZCX_TYPE_SPARSE_UNION:
    case ZCX_TYPE_DENSE_UNION: {
      const int8_t* ids = (const int8_t*)zcxi_array_buf(array, 0);
      int32_t c = zcxi_union_child_index(st, ids[array->offset + i]);
      if (c < 0) {
        return true;
      }
      int64_t j = array->offset + i;
      if (st->id == ZCX_TYPE_DENSE_UNION) {
        j = zcxi_load_i32(zcxi_array_buf(array, 1), array->offset + i);
      }
      return zcx_array_is_null(array->children[c], j);
    }
    case ZCX_TYPE_RUN_END_ENCODED:
      return zcx_array_is_null(array->children[1], zcxi_ree_physical_index(array, i));
    default:
      return !zcxi_array_valid_bit(array, i);
  }
}

double zcxi_half_to_double(uint16_t h) {
  int e = (h >> 10) & 0x1f;
  int m = h & 0x3ff;
  double v;
  if (e == 0) {
    v = ldexp(m, -24);
  } else if (e == 31) {
    v = m != 0 ? NAN : INFINITY;
  } else {
    v = ldexp(m | 0x400, e - 25);
  }
  return (h & 0x8000) ? -v : v;
}

// v >> s rounded to nearest, ties to even (s in 1..63).
static uint64_t round_shift(uint64_t v, int s) {
  uint64_t q = v >> s;
  uint64_t r = v & ((UINT64_C(1) << s) - 1);
  uint64_t half = UINT64_C(1) << (s - 1);
  if (r > half || (r == half && (q & 1))) {
    q++;
  }
  return q;
}

uint16_t zcxi_double_to_half(double d) {
  uint64_t bits;
  memcpy(&bits, &d, sizeof(bits));
  uint16_t sign = (uint16_t)((bits >> 48) & 0x8000);
  int exp = (int)((bits >> 52) & 0x7ff);
  uint64_t mant = bits & ((UINT64_C(1) << 52) - 1);
  if (exp == 0x7ff) {
    return (uint16_t)(sign | (mant != 0 ? 0x7e00 : 0x7c00));
  }
  int e = exp - 1023 + 15;
  if (e >= 31) {
    return (uint16_t)(sign | 0x7c00);
  }
  if (e <= 0) {
    if (e < -10 || exp == 0) {
      return sign;
    }
    return (uint16_t)(sign | round_shift(mant | (UINT64_C(1) << 52), 43 - e));
  }
  uint64_t h = round_shift(((uint64_t)e << 52) | mant, 42);
  return (uint16_t)(sign | (h >= 0x7c00 ? 0x7c00 : h));
}

// The integer physical type a fixed-width logical type stores its values as.
static zcx_type_id_t int_storage(const zcx_type_t* t) {
  switch (t->id) {
    case ZCX_TYPE_DATE32:
    case ZCX_TYPE_TIME32:
    case ZCX_TYPE_INTERVAL_MONTHS:
    case ZCX_TYPE_DECIMAL32: return ZCX_TYPE_INT32;
    case ZCX_TYPE_DATE64:
    case ZCX_TYPE_TIME64:
    case ZCX_TYPE_TIMESTAMP:
    case ZCX_TYPE_DURATION:
    case ZCX_TYPE_DECIMAL64: return ZCX_TYPE_INT64;
    case ZCX_TYPE_DICTIONARY: return t->index_type->id;
    default: return t->id;
  }
}

int64_t zcx_array_get_int(const zcx_array_t* array, int64_t i) {
  const zcx_type_t* st = zcxi_storage_type(array->type);
  if (st->id == ZCX_TYPE_RUN_END_ENCODED) {
    return zcx_array_get_int(array->children[1], zcxi_ree_physical_index(array, i));
  }
  const uint8_t* d = zcxi_array_buf(array, 1);
  if (d == NULL) {
    return 0;
  }
  if (st->id == ZCX_TYPE_BOOL) {
    return zcxi_bit_get(d, array->offset + i);
  }
  if (st->id == ZCX_TYPE_HALF_FLOAT || st->id == ZCX_TYPE_FLOAT || st->id == ZCX_TYPE_DOUBLE) {
    return (int64_t)zcx_array_get_double(array, i);
  }
  zcx_type_id_t id = int_storage(st);
  if (!zcxi_id_is_integer(id)) {
    return 0;
  }
  return zcxi_read_int(id, d, array->offset + i);
}

double zcx_array_get_double(const zcx_array_t* array, int64_t i) {
  const zcx_type_t* st = zcxi_storage_type(array->type);
  if (st->id == ZCX_TYPE_RUN_END_ENCODED) {
    return zcx_array_get_double(array->children[1], zcxi_ree_physical_index(array, i));
  }
  const uint8_t* d = zcxi_array_buf(array, 1);
  int64_t j = array->offset + i;
  // memcpy loads: imported buffers need not be aligned.
  switch (st->id) {
    case ZCX_TYPE_HALF_FLOAT: {
      uint16_t h;
      memcpy(&h, d + j * 2, 2);
      return zcxi_half_to_double(h);
    }
    case ZCX_TYPE_FLOAT: {
      float f;
      memcpy(&f, d + j * 4, 4);
      return f;
    }
    case ZCX_TYPE_DOUBLE: {
      double v;
      memcpy(&v, d + j * 8, 8);
      return v;
    }
    case ZCX_TYPE_UINT64:
      return (double)(uint64_t)zcxi_load_i64(d, j);
    default:
      return (double)zcx_array_get_int(array, i);
  }
}

bool zcx_array_get_bool(const zcx_array_t* array, int64_t i) {
  const zcx_type_t* st = zcxi_storage_type(array->type);
  if (st->id == ZCX_TYPE_BOOL) {
    return zcxi_bit_get(zcxi_array_buf(array, 1), array->offset + i);
  }
  return zcx_array_get_int(array, i) != 0;
}

void zcx_array_get_bytes(const zcx_array_t* array, int64_t i, const uint8_t** data,
                         int64_t* length) {
  const zcx_type_t* st = zcxi_storage_type(array->type);
  int64_t j = array->offset + i;
  *data = NULL;
  *length = 0;
  switch (st->id) {
    case ZCX_TYPE_RUN_END_ENCODED:
      zcx_array_get_bytes(array->children[1], zcxi_ree_physical_index(array, i), data, length);
      return;
    case ZCX_TYPE_BINARY:
    case ZCX_TYPE_STRING:
    case ZCX_TYPE_LARGE_BINARY:
    case ZCX_TYPE_LARGE_STRING: {
      int64_t w = st->id == ZCX_TYPE_BINARY || st->id == ZCX_TYPE_STRING ? 4 : 8;
      const uint8_t* o = zcxi_array_buf(array, 1);
      const uint8_t* d = zcxi_array_buf(array, 2);
      int64_t start = zcxi_load_offset(o, w, j);
      *data = d != NULL ? d + start : d;
      *length = zcxi_load_offset(o, w, j + 1) - start;
      return;
    }
    case ZCX_TYPE_BINARY_VIEW:
    case ZCX_TYPE_STRING_VIEW: {
      const uint8_t* v = zcxi_array_buf(array, 1) + j * 16;
      int32_t size;
      memcpy(&size, v, 4);
      *length = size;
      if (size <= 12) {
        *data = v + 4;
      } else {
        int32_t index;
        int32_t off;
        memcpy(&index, v + 8, 4);
        memcpy(&off, v + 12, 4);
        const uint8_t* d = zcxi_array_buf(array, 2 + index);
        *data = d != NULL ? d + off : d;
      }
      return;
    }
    case ZCX_TYPE_BOOL:
    case ZCX_TYPE_NA:
      return;
    default: {
      int32_t w = zcx_type_byte_width(st);
      const uint8_t* d = zcxi_array_buf(array, 1);
      if (w > 0 && d != NULL) {
        *data = d + j * w;
        *length = w;
      }
      return;
    }
  }
}
