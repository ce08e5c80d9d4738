// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Logical equality of arrays: same type, same nulls, same values element by element, through
// offsets, slices, dictionaries, unions and runs. Floats compare bitwise except NaN == NaN.
#include <math.h>
#include <string.h>

#include "array/internal.h"

static bool elem_equal(const zcx_array_t* a, int64_t i, const zcx_array_t* b, int64_t j,
                       zcx_error_t* why);

static bool range_equal(const zcx_array_t* a, int64_t i, const zcx_array_t* b, int64_t j,
                        int64_t n, zcx_error_t* why);

// Start and length of list element i (relative to the array's offset) in the child.
static void list_range(const zcx_array_t* a, const zcx_type_t* st, int64_t i, int64_t* start,
                       int64_t* len) {
  int64_t k = a->offset + i;
  const uint8_t* o = zcxi_array_buf(a, 1);
  switch (st->id) {
    case ZCX_TYPE_LIST:
    case ZCX_TYPE_MAP:
    case ZCX_TYPE_LARGE_LIST: {
      int64_t w = st->id == ZCX_TYPE_LARGE_LIST ? 8 : 4;
      *start = zcxi_load_offset(o, w, k);
      *len = zcxi_load_offset(o, w, k + 1) - *start;
      return;
    }
    case ZCX_TYPE_LIST_VIEW:
    case ZCX_TYPE_LARGE_LIST_VIEW: {
      int64_t w = st->id == ZCX_TYPE_LARGE_LIST_VIEW ? 8 : 4;
      *start = zcxi_load_offset(o, w, k);
      *len = zcxi_load_offset(zcxi_array_buf(a, 2), w, k);
      return;
    }
    default:  // fixed-size list
      *start = k * st->fixed_size;
      *len = st->fixed_size;
      return;
  }
}

static bool float_equal(const zcx_type_t* st, const uint8_t* x, const uint8_t* y) {
  if (st->id == ZCX_TYPE_DOUBLE) {
    double p;
    double q;
    memcpy(&p, x, 8);
    memcpy(&q, y, 8);
    return memcmp(x, y, 8) == 0 || (isnan(p) && isnan(q));
  }
  if (st->id == ZCX_TYPE_FLOAT) {
    float p;
    float q;
    memcpy(&p, x, 4);
    memcpy(&q, y, 4);
    return memcmp(x, y, 4) == 0 || (isnan(p) && isnan(q));
  }
  uint16_t p;
  uint16_t q;
  memcpy(&p, x, 2);
  memcpy(&q, y, 2);
  bool pn = (p & 0x7c00) == 0x7c00 && (p & 0x3ff) != 0;
  bool qn = (q & 0x7c00) == 0x7c00 && (q & 0x3ff) != 0;
  return p == q || (pn && qn);
}

static bool is_float(zcx_type_id_t id) {
  return id == ZCX_TYPE_HALF_FLOAT || id == ZCX_TYPE_FLOAT || id == ZCX_TYPE_DOUBLE;
}

// Describes a scalar difference for `why`.
static void describe(const zcx_array_t* a, int64_t i, const zcx_array_t* b, int64_t j,
                     zcx_error_t* why) {
  const zcx_type_t* st = zcxi_storage_type(a->type);
  if (is_float(st->id)) {
    zcx_error_set(why, "%.17g != %.17g", zcx_array_get_double(a, i), zcx_array_get_double(b, j));
  } else if (st->id == ZCX_TYPE_BOOL) {
    zcx_error_set(why, "%s != %s", zcx_array_get_bool(a, i) ? "true" : "false",
                  zcx_array_get_bool(b, j) ? "true" : "false");
  } else if (zcx_type_byte_width(st) > 0 && zcx_type_byte_width(st) <= 8 &&
             st->id != ZCX_TYPE_FIXED_SIZE_BINARY && st->id != ZCX_TYPE_INTERVAL_DAY_TIME) {
    zcx_error_set(why, "%lld != %lld", (long long)zcx_array_get_int(a, i),
                  (long long)zcx_array_get_int(b, j));
  } else {
    const uint8_t* p;
    const uint8_t* q;
    int64_t pn;
    int64_t qn;
    zcx_array_get_bytes(a, i, &p, &pn);
    zcx_array_get_bytes(b, j, &q, &qn);
    if (pn != qn) {
      zcx_error_set(why, "%lld bytes != %lld bytes", (long long)pn, (long long)qn);
    } else {
      int64_t k = 0;
      while (k < pn && p[k] == q[k]) {
        k++;
      }
      zcx_error_set(why, "bytes differ at byte %lld", (long long)k);
    }
  }
}

static bool elem_equal(const zcx_array_t* a, int64_t i, const zcx_array_t* b, int64_t j,
                       zcx_error_t* why) {
  const zcx_type_t* st = zcxi_storage_type(a->type);
  bool an = zcx_array_is_null(a, i);
  bool bn = zcx_array_is_null(b, j);
  if (an != bn) {
    zcx_error_set(why, "%s != %s", an ? "null" : "value", bn ? "null" : "value");
    return false;
  }
  if (an && st->id != ZCX_TYPE_SPARSE_UNION && st->id != ZCX_TYPE_DENSE_UNION) {
    return true;
  }
  switch (st->id) {
    case ZCX_TYPE_NA:
      return true;
    case ZCX_TYPE_BOOL:
      if (zcx_array_get_bool(a, i) != zcx_array_get_bool(b, j)) {
        describe(a, i, b, j, why);
        return false;
      }
      return true;
    case ZCX_TYPE_BINARY:
    case ZCX_TYPE_STRING:
    case ZCX_TYPE_LARGE_BINARY:
    case ZCX_TYPE_LARGE_STRING:
    case ZCX_TYPE_BINARY_VIEW:
    case ZCX_TYPE_STRING_VIEW: {
      const uint8_t* p;
      const uint8_t* q;
      int64_t pn;
      int64_t qn;
      zcx_array_get_bytes(a, i, &p, &pn);
      zcx_array_get_bytes(b, j, &q, &qn);
      if (pn != qn || (pn > 0 && memcmp(p, q, (size_t)pn) != 0)) {
        describe(a, i, b, j, why);
        return false;
      }
      return true;
    }
    case ZCX_TYPE_LIST:
    case ZCX_TYPE_LARGE_LIST:
    case ZCX_TYPE_LIST_VIEW:
    case ZCX_TYPE_LARGE_LIST_VIEW:
    case ZCX_TYPE_FIXED_SIZE_LIST:
    case ZCX_TYPE_MAP: {
      int64_t as;
      int64_t al;
      int64_t bs;
      int64_t bl;
      list_range(a, st, i, &as, &al);
      list_range(b, st, j, &bs, &bl);
      if (al != bl) {
        zcx_error_set(why, "list of %lld values != list of %lld values", (long long)al,
                      (long long)bl);
        return false;
      }
      return range_equal(a->children[0], as, b->children[0], bs, al, why);
    }
    case ZCX_TYPE_STRUCT:
      for (int32_t c = 0; c < a->num_children; c++) {
        if (!elem_equal(a->children[c], a->offset + i, b->children[c], b->offset + j, why)) {
          zcx_error_prefix(why, "field '%s': ", st->children[c]->name);
          return false;
        }
      }
      return true;
    case ZCX_TYPE_SPARSE_UNION:
    case ZCX_TYPE_DENSE_UNION: {
      int8_t ta = ((const int8_t*)zcxi_array_buf(a, 0))[a->offset + i];
      int8_t tb = ((const int8_t*)zcxi_array_buf(b, 0))[b->offset + j];
      if (ta != tb) {
        zcx_error_set(why, "type code %d != type code %d", ta, tb);
        return false;
      }
      int32_t c = zcxi_union_child_index(st, ta);
      int64_t ai = a->offset + i;
      int64_t bj = b->offset + j;
      if (st->id == ZCX_TYPE_DENSE_UNION) {
        ai = zcxi_load_i32(zcxi_array_buf(a, 1), ai);
        bj = zcxi_load_i32(zcxi_array_buf(b, 1), bj);
      }
      return c >= 0 && elem_equal(a->children[c], ai, b->children[c], bj, why);
    }
    case ZCX_TYPE_DICTIONARY:
      return elem_equal(a->dictionary, zcx_array_get_int(a, i), b->dictionary,
                        zcx_array_get_int(b, j), why);
    case ZCX_TYPE_RUN_END_ENCODED:
      return elem_equal(a->children[1], zcxi_ree_physical_index(a, i), b->children[1],
                        zcxi_ree_physical_index(b, j), why);
    default: {
      // Fixed width values.
      int32_t w = zcx_type_byte_width(st);
      const uint8_t* p = zcxi_array_buf(a, 1) + (a->offset + i) * w;
      const uint8_t* q = zcxi_array_buf(b, 1) + (b->offset + j) * w;
      bool eq = is_float(st->id) ? float_equal(st, p, q) : memcmp(p, q, (size_t)w) == 0;
      if (!eq) {
        describe(a, i, b, j, why);
      }
      return eq;
    }
  }
}

static bool no_nulls(const zcx_array_t* a) {
  return zcxi_array_buf(a, 0) == NULL || zcxi_array_null_count_peek(a) == 0;
}

static bool range_equal(const zcx_array_t* a, int64_t i, const zcx_array_t* b, int64_t j,
                        int64_t n, zcx_error_t* why) {
  const zcx_type_t* st = zcxi_storage_type(a->type);
  int32_t w = zcx_type_byte_width(st);
  // Fast path: fixed-width non-float values without nulls compare as one block.
  if (w > 0 && !is_float(st->id) && st->id != ZCX_TYPE_DICTIONARY && no_nulls(a) &&
      no_nulls(b) && n > 0) {
    const uint8_t* p = zcxi_array_buf(a, 1) + (a->offset + i) * w;
    const uint8_t* q = zcxi_array_buf(b, 1) + (b->offset + j) * w;
    if (memcmp(p, q, (size_t)(n * w)) == 0) {
      return true;
    }
  }
  if (st->id == ZCX_TYPE_RUN_END_ENCODED) {
    // Walk the runs of both sides in step: O(n) rather than a binary search per element.
    zcxi_ree_cursor_t ca;
    zcxi_ree_cursor_t cb;
    zcxi_ree_cursor_init(&ca, a);
    zcxi_ree_cursor_init(&cb, b);
    for (int64_t k = 0; k < n; k++) {
      int64_t pa = zcxi_ree_cursor_seek(&ca, i + k);
      int64_t pb = zcxi_ree_cursor_seek(&cb, j + k);
      if (!elem_equal(a->children[1], pa, b->children[1], pb, why)) {
        zcx_error_prefix(why, "element %lld: ", (long long)(i + k));
        return false;
      }
    }
    return true;
  }
  for (int64_t k = 0; k < n; k++) {
    if (!elem_equal(a, i + k, b, j + k, why)) {
      zcx_error_prefix(why, "element %lld: ", (long long)(i + k));
      return false;
    }
  }
  return true;
}

bool zcx_array_equal(const zcx_array_t* a, const zcx_array_t* b, zcx_error_t* why) {
  if (a == b) {
    return true;
  }
  if (a == NULL || b == NULL) {
    zcx_error_set(why, "one array is NULL");
    return false;
  }
  if (!zcx_type_equal(a->type, b->type)) {
    char ta[160];
    char tb[160];
    zcx_type_to_string(a->type, ta, sizeof(ta));
    zcx_type_to_string(b->type, tb, sizeof(tb));
    zcx_error_set(why, "type %s != type %s", ta, tb);
    return false;
  }
  if (a->length != b->length) {
    zcx_error_set(why, "length %lld != length %lld", (long long)a->length, (long long)b->length);
    return false;
  }
  if (!zcxi_array_on_host_deep(a) || !zcxi_array_on_host_deep(b)) {
    zcx_error_set(why, "an array has buffers the CPU cannot read");
    return false;
  }
  // Offsets, views, type ids, indices and run ends are checked first, so that comparing
  // never reads out of bounds, even arrays that were only cheaply validated.
  if (zcxi_array_validate_memory(a, why) != 0 || zcxi_array_validate_memory(b, why) != 0) {
    zcx_error_prefix(why, "invalid array: ");
    return false;
  }
  return range_equal(a, 0, b, 0, a->length, why);
}
