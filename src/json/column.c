// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Columns of the integration JSON format decoded into arrays: VALIDITY, DATA, OFFSET, SIZE,
// TYPE_ID, VIEWS and VARIADIC_DATA_BUFFERS become the array's buffers exactly as written,
// "children" its child arrays.
#include <stdlib.h>
#include <string.h>

#include "array/internal.h"
#include "json/internal.h"

// The parts of one array while it is decoded; everything is released at the end, since
// zcx_array_create retains what it keeps.
typedef struct parts {
  int64_t length;
  int64_t null_count;
  int32_t num_buffers;
  zcx_buffer_t** buffers;
  int32_t num_children;
  zcx_array_t** children;
  zcx_array_t* dictionary;  // borrowed from the context
} parts_t;

static int parts_init(zcxi_json_ctx_t* c, parts_t* p, int32_t nb, int32_t nc) {
  memset(p, 0, sizeof(*p));
  p->buffers = calloc((size_t)nb + 1, sizeof(*p->buffers));
  p->children = calloc((size_t)nc + 1, sizeof(*p->children));
  if (p->buffers == NULL || p->children == NULL) {
    free(p->buffers);
    free(p->children);
    p->buffers = NULL;
    p->children = NULL;
    return zcxi_json_fail_code(c, ENOMEM, "out of memory");
  }
  p->num_buffers = nb;
  p->num_children = nc;
  return 0;
}

static void parts_reset(parts_t* p) {
  for (int32_t i = 0; i < p->num_buffers; i++) {
    zcx_buffer_release(p->buffers[i]);
  }
  for (int32_t i = 0; i < p->num_children; i++) {
    zcx_array_release(p->children[i]);
  }
  free(p->buffers);
  free(p->children);
  memset(p, 0, sizeof(*p));
}

// A zero-filled buffer of `size` bytes (padding and unset bits stay zero).
static int new_buffer(zcxi_json_ctx_t* c, int64_t size, zcx_buffer_t** out) {
  return zcxi_json_prefix(c, zcx_buffer_allocate_zeroed(c->mr, size, 64, out, c->err));
}

static uint8_t* buf_data(zcx_buffer_t* b) { return (uint8_t*)zcx_buffer_data(b); }

// VALIDITY: count entries of 0/1 (booleans accepted) into a bitmap; counts the nulls.
static int read_validity(zcxi_json_ctx_t* c, const json_t* col, parts_t* p) {
  const json_t* arr;
  ZCX_RETURN_IF_ERROR(zcxi_json_member_array(c, col, "VALIDITY", p->length, &arr));
  ZCX_RETURN_IF_ERROR(new_buffer(c, zcxi_bytes_for_bits(p->length), &p->buffers[0]));
  uint8_t* bits = buf_data(p->buffers[0]);
  int64_t nulls = 0;
  for (int64_t i = 0; i < p->length; i++) {
    const json_t* v = json_array_get(arr, (size_t)i);
    bool valid;
    if (json_is_integer(v) && (json_integer_value(v) == 0 || json_integer_value(v) == 1)) {
      valid = json_integer_value(v) == 1;
    } else if (json_is_boolean(v)) {
      valid = json_is_true(v);
    } else {
      return zcxi_json_fail(c, "VALIDITY[%lld]: %s%s, expected 0 or 1", (long long)i,
                            zcxi_json_kind(v), json_is_integer(v) ? " other than 0 or 1" : "");
    }
    if (valid) {
      zcxi_bit_set(bits, i);
    } else {
      nulls++;
    }
  }
  p->null_count = nulls;
  return 0;
}

// The integer type a temporal or interval-months value is stored as.
static zcx_type_id_t physical_int(const zcx_type_t* st) {
  switch (st->id) {
    case ZCX_TYPE_DATE32:
    case ZCX_TYPE_TIME32:
    case ZCX_TYPE_INTERVAL_MONTHS: return ZCX_TYPE_INT32;
    case ZCX_TYPE_DATE64:
    case ZCX_TYPE_TIME64:
    case ZCX_TYPE_TIMESTAMP:
    case ZCX_TYPE_DURATION: return ZCX_TYPE_INT64;
    default: return st->id;
  }
}

// An interval object member as an integer of `id`.
static int interval_part(zcxi_json_ctx_t* c, const json_t* v, const char* key, zcx_type_id_t id,
                         int64_t index, uint8_t* dst) {
  const json_t* m = json_is_object(v) ? json_object_get(v, key) : NULL;
  if (m == NULL) {
    return zcxi_json_fail(c, "DATA[%lld]: %s without member '%s'", (long long)index,
                          zcxi_json_kind(v), key);
  }
  int64_t x;
  ZCX_RETURN_IF_ERROR(zcxi_json_int_value(c, m, id, key, index, &x));
  zcxi_json_store_int(dst, id == ZCX_TYPE_INT32 ? 4 : 8, 0, x);
  return 0;
}

// One DATA value of the fixed-width (not bool) type `st` at element i of `dst`.
static int read_fixed_value(zcxi_json_ctx_t* c, const zcx_type_t* st, const json_t* v,
                            int64_t i, int32_t w, uint8_t* dst) {
  switch (st->id) {
    case ZCX_TYPE_HALF_FLOAT: {
      double d;
      ZCX_RETURN_IF_ERROR(zcxi_json_number_value(c, v, "DATA", i, &d));
      uint16_t h = zcxi_json_half_from_double(d);
      memcpy(dst + i * 2, &h, 2);
      return 0;
    }
    case ZCX_TYPE_FLOAT: {
      double d;
      ZCX_RETURN_IF_ERROR(zcxi_json_number_value(c, v, "DATA", i, &d));
      float f = (float)d;
      memcpy(dst + i * 4, &f, 4);
      return 0;
    }
    case ZCX_TYPE_DOUBLE: {
      double d;
      ZCX_RETURN_IF_ERROR(zcxi_json_number_value(c, v, "DATA", i, &d));
      memcpy(dst + i * 8, &d, 8);
      return 0;
    }
    case ZCX_TYPE_DECIMAL32:
    case ZCX_TYPE_DECIMAL64:
    case ZCX_TYPE_DECIMAL128:
    case ZCX_TYPE_DECIMAL256:
      return zcxi_json_decimal_value(c, v, w, "DATA", i, dst + i * w);
    case ZCX_TYPE_INTERVAL_DAY_TIME:
      ZCX_RETURN_IF_ERROR(interval_part(c, v, "days", ZCX_TYPE_INT32, i, dst + i * 8));
      return interval_part(c, v, "milliseconds", ZCX_TYPE_INT32, i, dst + i * 8 + 4);
    case ZCX_TYPE_INTERVAL_MONTH_DAY_NANO:
      ZCX_RETURN_IF_ERROR(interval_part(c, v, "months", ZCX_TYPE_INT32, i, dst + i * 16));
      ZCX_RETURN_IF_ERROR(interval_part(c, v, "days", ZCX_TYPE_INT32, i, dst + i * 16 + 4));
      return interval_part(c, v, "nanoseconds", ZCX_TYPE_INT64, i, dst + i * 16 + 8);
    case ZCX_TYPE_FIXED_SIZE_BINARY: {
      int64_t n;
      ZCX_RETURN_IF_ERROR(zcxi_json_bytes_length(c, v, true, "DATA", i, &n));
      if (n != w) {
        return zcxi_json_fail(c, "DATA[%lld]: %lld bytes, the type's width is %d",
                              (long long)i, (long long)n, w);
      }
      return zcxi_json_bytes_copy(c, v, true, "DATA", i, dst + i * w);
    }
    default: {
      int64_t x;
      ZCX_RETURN_IF_ERROR(zcxi_json_int_value(c, v, physical_int(st), "DATA", i, &x));
      zcxi_json_store_int(dst, w, i, x);
      return 0;
    }
  }
}

// DATA of a fixed-width type (bool included) into buffer `slot`.
static int read_fixed(zcxi_json_ctx_t* c, const json_t* col, const zcx_type_t* st, parts_t* p,
                      int32_t slot) {
  const json_t* arr;
  ZCX_RETURN_IF_ERROR(zcxi_json_member_array(c, col, "DATA", p->length, &arr));
  if (st->id == ZCX_TYPE_BOOL) {
    ZCX_RETURN_IF_ERROR(new_buffer(c, zcxi_bytes_for_bits(p->length), &p->buffers[slot]));
    uint8_t* bits = buf_data(p->buffers[slot]);
    for (int64_t i = 0; i < p->length; i++) {
      const json_t* v = json_array_get(arr, (size_t)i);
      if (json_is_boolean(v)) {
        zcxi_bit_put(bits, i, json_is_true(v));
      } else if (json_is_integer(v) &&
                 (json_integer_value(v) == 0 || json_integer_value(v) == 1)) {
        zcxi_bit_put(bits, i, json_integer_value(v) == 1);
      } else {
        return zcxi_json_fail(c, "DATA[%lld]: %s, expected a boolean", (long long)i,
                              zcxi_json_kind(v));
      }
    }
    return 0;
  }
  int32_t w = zcx_type_byte_width(st);
  int64_t size;
  if (w <= 0 || !zcxi_mul_i64(p->length, w, &size)) {
    return zcxi_json_fail(c, "%lld values of %d bytes: bad size", (long long)p->length, w);
  }
  ZCX_RETURN_IF_ERROR(new_buffer(c, size, &p->buffers[slot]));
  uint8_t* dst = buf_data(p->buffers[slot]);
  for (int64_t i = 0; i < p->length; i++) {
    ZCX_RETURN_IF_ERROR(read_fixed_value(c, st, json_array_get(arr, (size_t)i), i, w, dst));
  }
  return 0;
}

// An integer member (OFFSET, SIZE, TYPE_ID) of `n` entries of `id` into buffer `slot`;
// the values also come back in *values (caller frees) when `values` is not NULL.
static int read_ints(zcxi_json_ctx_t* c, const json_t* col, const char* key, int64_t n,
                     zcx_type_id_t id, parts_t* p, int32_t slot, int64_t** values) {
  const json_t* arr;
  ZCX_RETURN_IF_ERROR(zcxi_json_member_array(c, col, key, n, &arr));
  int32_t w = id == ZCX_TYPE_INT8 ? 1 : id == ZCX_TYPE_INT32 ? 4 : 8;
  ZCX_RETURN_IF_ERROR(new_buffer(c, n * w, &p->buffers[slot]));
  uint8_t* dst = buf_data(p->buffers[slot]);
  int64_t* out = NULL;
  if (values != NULL) {
    out = malloc(((size_t)n + 1) * sizeof(*out));
    if (out == NULL) {
      return zcxi_json_fail_code(c, ENOMEM, "out of memory for %lld %s values", (long long)n,
                                 key);
    }
  }
  for (int64_t i = 0; i < n; i++) {
    int64_t x;
    int rc = zcxi_json_int_value(c, json_array_get(arr, (size_t)i), id, key, i, &x);
    if (rc != 0) {
      free(out);
      return rc;
    }
    zcxi_json_store_int(dst, w, i, x);
    if (out != NULL) {
      out[i] = x;
    }
  }
  if (values != NULL) {
    *values = out;
  }
  return 0;
}

// OFFSET of a list-like (count + 1 entries; an empty list may write none).
static int read_offsets(zcxi_json_ctx_t* c, const json_t* col, zcx_type_id_t id, parts_t* p,
                        int64_t** values) {
  const json_t* arr;
  ZCX_RETURN_IF_ERROR(zcxi_json_member(c, col, "OFFSET", JSON_ARRAY, true, &arr));
  if (p->length == 0 && json_array_size(arr) == 0) {
    // A zero-length array may omit its single offset; write the 0 it stands for.
    int32_t w = id == ZCX_TYPE_INT32 ? 4 : 8;
    ZCX_RETURN_IF_ERROR(new_buffer(c, w, &p->buffers[1]));
    if (values != NULL) {
      *values = calloc(1, sizeof(int64_t));
      if (*values == NULL) {
        return zcxi_json_fail_code(c, ENOMEM, "out of memory");
      }
    }
    return 0;
  }
  return read_ints(c, col, "OFFSET", p->length + 1, id, p, 1, values);
}

// Binary and string (plain and large): OFFSET as written, DATA placed at its offsets.
static int read_binary(zcxi_json_ctx_t* c, const json_t* col, const zcx_type_t* st,
                       parts_t* p) {
  bool large = st->id == ZCX_TYPE_LARGE_BINARY || st->id == ZCX_TYPE_LARGE_STRING;
  bool hex = st->id == ZCX_TYPE_BINARY || st->id == ZCX_TYPE_LARGE_BINARY;
  int64_t* off = NULL;
  ZCX_RETURN_IF_ERROR(read_offsets(c, col, large ? ZCX_TYPE_INT64 : ZCX_TYPE_INT32, p, &off));
  const json_t* arr;
  int rc = zcxi_json_member_array(c, col, "DATA", p->length, &arr);
  int64_t first = off[0];
  int64_t last = off[p->length];
  if (rc == 0 && (first < 0 || last < first)) {
    rc = zcxi_json_fail(c, "OFFSET runs from %lld to %lld", (long long)first, (long long)last);
  }
  if (rc == 0) {
    rc = new_buffer(c, last, &p->buffers[2]);
  }
  for (int64_t i = 0; rc == 0 && i < p->length; i++) {
    const json_t* v = json_array_get(arr, (size_t)i);
    int64_t n;
    rc = zcxi_json_bytes_length(c, v, hex, "DATA", i, &n);
    if (rc == 0 && (off[i] < first || off[i + 1] > last || off[i + 1] - off[i] != n)) {
      rc = zcxi_json_fail(c, "OFFSET[%lld..%lld] = %lld..%lld disagrees with DATA[%lld] of %lld "
                          "bytes", (long long)i, (long long)i + 1, (long long)off[i],
                          (long long)off[i + 1], (long long)i, (long long)n);
    }
    if (rc == 0) {
      rc = zcxi_json_bytes_copy(c, v, hex, "DATA", i, buf_data(p->buffers[2]) + off[i]);
    }
  }
  free(off);
  return rc;
}

// VIEWS and VARIADIC_DATA_BUFFERS of binary and string views.
static int read_views(zcxi_json_ctx_t* c, const json_t* col, const zcx_type_t* st,
                      parts_t* p) {
  bool hex = st->id == ZCX_TYPE_BINARY_VIEW;
  const json_t* views;
  const json_t* data;
  ZCX_RETURN_IF_ERROR(zcxi_json_member_array(c, col, "VIEWS", p->length, &views));
  ZCX_RETURN_IF_ERROR(
      zcxi_json_member(c, col, "VARIADIC_DATA_BUFFERS", JSON_ARRAY, true, &data));
  size_t nd = json_array_size(data);
  if (nd > INT32_MAX - 2) {
    return zcxi_json_fail(c, "%zu variadic data buffers are too many", nd);
  }
  // The buffer list grows to validity, views, then each data buffer.
  zcx_buffer_t** grown = realloc(p->buffers, (nd + 2) * sizeof(*grown));
  if (grown == NULL) {
    return zcxi_json_fail_code(c, ENOMEM, "out of memory for %zu buffers", nd + 2);
  }
  p->buffers = grown;
  for (size_t k = 2; k < nd + 2; k++) {
    p->buffers[k] = NULL;
  }
  p->num_buffers = (int32_t)nd + 2;
  for (size_t k = 0; k < nd; k++) {
    const json_t* v = json_array_get(data, k);
    int64_t n;
    ZCX_RETURN_IF_ERROR(
        zcxi_json_bytes_length(c, v, true, "VARIADIC_DATA_BUFFERS", (int64_t)k, &n));
    ZCX_RETURN_IF_ERROR(new_buffer(c, n, &p->buffers[k + 2]));
    ZCX_RETURN_IF_ERROR(zcxi_json_bytes_copy(c, v, true, "VARIADIC_DATA_BUFFERS", (int64_t)k,
                                             buf_data(p->buffers[k + 2])));
  }
  int64_t size;
  if (!zcxi_mul_i64(p->length, 16, &size)) {
    return zcxi_json_fail(c, "%lld views overflow", (long long)p->length);
  }
  ZCX_RETURN_IF_ERROR(new_buffer(c, size, &p->buffers[1]));
  uint8_t* dst = buf_data(p->buffers[1]);
  for (int64_t i = 0; i < p->length; i++) {
    const json_t* v = json_array_get(views, (size_t)i);
    uint8_t* view = dst + i * 16;
    size_t saved = zcxi_json_path_push(c, ".VIEWS[%lld]", (long long)i);
    int64_t len;
    int rc = zcxi_json_member_int(c, v, "SIZE", 0, INT32_MAX, &len);
    if (rc == 0) {
      int32_t len32 = (int32_t)len;
      memcpy(view, &len32, 4);
    }
    if (rc == 0 && len <= 12) {
      const json_t* inl;
      int64_t n = 0;
      rc = zcxi_json_member(c, v, "INLINED", JSON_STRING, true, &inl);
      if (rc == 0) {
        rc = zcxi_json_bytes_length(c, inl, hex, "INLINED", 0, &n);
      }
      if (rc == 0 && n != len) {
        rc = zcxi_json_fail(c, "INLINED holds %lld bytes, SIZE says %lld", (long long)n,
                            (long long)len);
      }
      if (rc == 0) {
        rc = zcxi_json_bytes_copy(c, inl, hex, "INLINED", 0, view + 4);
      }
    } else if (rc == 0) {
      const json_t* prefix;
      int64_t n = 0;
      int64_t index = 0;
      int64_t offset = 0;
      rc = zcxi_json_member(c, v, "PREFIX_HEX", JSON_STRING, true, &prefix);
      if (rc == 0) {
        rc = zcxi_json_bytes_length(c, prefix, true, "PREFIX_HEX", 0, &n);
      }
      if (rc == 0 && n != 4) {
        rc = zcxi_json_fail(c, "PREFIX_HEX holds %lld bytes, not 4", (long long)n);
      }
      if (rc == 0) {
        rc = zcxi_json_bytes_copy(c, prefix, true, "PREFIX_HEX", 0, view + 4);
      }
      if (rc == 0) {
        rc = zcxi_json_member_int(c, v, "BUFFER_INDEX", 0, INT32_MAX, &index);
      }
      if (rc == 0) {
        rc = zcxi_json_member_int(c, v, "OFFSET", 0, INT32_MAX, &offset);
      }
      if (rc == 0) {
        int32_t index32 = (int32_t)index;
        int32_t offset32 = (int32_t)offset;
        memcpy(view + 8, &index32, 4);
        memcpy(view + 12, &offset32, 4);
      }
    }
    zcxi_json_path_pop(c, saved);
    ZCX_RETURN_IF_ERROR(rc);
  }
  return 0;
}

static int read_children(zcxi_json_ctx_t* c, const json_t* col, const zcx_type_t* st,
                         parts_t* p) {
  if (p->num_children == 0) {
    return 0;
  }
  const json_t* arr;
  ZCX_RETURN_IF_ERROR(zcxi_json_member_array(c, col, "children", p->num_children, &arr));
  for (int32_t i = 0; i < p->num_children; i++) {
    zcx_field_t* f = st->children[i];
    size_t saved = zcxi_json_path_push(c, ".children[%d]", i);
    int rc = zcxi_json_read_column(c, json_array_get(arr, (size_t)i), f->name, f->type,
                                   f->dictionary_id, &p->children[i]);
    zcxi_json_path_pop(c, saved);
    ZCX_RETURN_IF_ERROR(rc);
  }
  return 0;
}

// Fills the buffers and children of `p` for storage type `st`.
static int read_layout(zcxi_json_ctx_t* c, const json_t* col, const zcx_type_t* st,
                       int64_t dictionary_id, parts_t* p) {
  zcx_type_id_t id = st->id;
  switch (id) {
    case ZCX_TYPE_NA:
      p->null_count = p->length;
      return 0;
    case ZCX_TYPE_SPARSE_UNION:
    case ZCX_TYPE_DENSE_UNION:
      ZCX_RETURN_IF_ERROR(read_ints(c, col, "TYPE_ID", p->length, ZCX_TYPE_INT8, p, 0, NULL));
      if (id == ZCX_TYPE_DENSE_UNION) {
        ZCX_RETURN_IF_ERROR(read_ints(c, col, "OFFSET", p->length, ZCX_TYPE_INT32, p, 1, NULL));
      }
      return read_children(c, col, st, p);
    case ZCX_TYPE_RUN_END_ENCODED:
      return read_children(c, col, st, p);
    default: break;
  }
  ZCX_RETURN_IF_ERROR(read_validity(c, col, p));
  switch (id) {
    case ZCX_TYPE_BINARY:
    case ZCX_TYPE_STRING:
    case ZCX_TYPE_LARGE_BINARY:
    case ZCX_TYPE_LARGE_STRING:
      return read_binary(c, col, st, p);
    case ZCX_TYPE_BINARY_VIEW:
    case ZCX_TYPE_STRING_VIEW:
      return read_views(c, col, st, p);
    case ZCX_TYPE_LIST:
    case ZCX_TYPE_MAP:
    case ZCX_TYPE_LARGE_LIST:
      ZCX_RETURN_IF_ERROR(read_offsets(
          c, col, id == ZCX_TYPE_LARGE_LIST ? ZCX_TYPE_INT64 : ZCX_TYPE_INT32, p, NULL));
      return read_children(c, col, st, p);
    case ZCX_TYPE_LIST_VIEW:
    case ZCX_TYPE_LARGE_LIST_VIEW: {
      zcx_type_id_t w = id == ZCX_TYPE_LIST_VIEW ? ZCX_TYPE_INT32 : ZCX_TYPE_INT64;
      ZCX_RETURN_IF_ERROR(read_ints(c, col, "OFFSET", p->length, w, p, 1, NULL));
      ZCX_RETURN_IF_ERROR(read_ints(c, col, "SIZE", p->length, w, p, 2, NULL));
      return read_children(c, col, st, p);
    }
    case ZCX_TYPE_FIXED_SIZE_LIST:
    case ZCX_TYPE_STRUCT:
      return read_children(c, col, st, p);
    case ZCX_TYPE_DICTIONARY:
      ZCX_RETURN_IF_ERROR(read_fixed(c, col, st->index_type, p, 1));
      if (dictionary_id < 0) {
        return zcxi_json_fail(c, "a dictionary-encoded column without a dictionary id");
      }
      return zcxi_json_dict_values(c, dictionary_id, &p->dictionary);
    default:
      return read_fixed(c, col, st, p, 1);
  }
}

static int read_column_body(zcxi_json_ctx_t* c, const json_t* col, zcx_type_t* type,
                            int64_t dictionary_id, zcx_array_t** out) {
  const zcx_type_t* st = zcxi_json_storage(type);
  parts_t p;
  int64_t count;
  ZCX_RETURN_IF_ERROR(zcxi_json_member_int(c, col, "count", 0, INT64_MAX, &count));
  ZCX_RETURN_IF_ERROR(parts_init(c, &p, zcx_type_num_buffers(type), zcxi_type_num_children(st)));
  p.length = count;
  int rc = read_layout(c, col, st, dictionary_id, &p);
  if (rc == 0) {
    rc = zcxi_json_prefix(c, zcx_array_create(type, p.length, 0, p.null_count, p.buffers,
                                              p.num_buffers, p.children, p.num_children,
                                              p.dictionary, out, c->err));
  }
  parts_reset(&p);
  return rc;
}

int zcxi_json_read_column(zcxi_json_ctx_t* c, const json_t* col, const char* name,
                          zcx_type_t* type, int64_t dictionary_id, zcx_array_t** out) {
  *out = NULL;
  const char* got;
  ZCX_RETURN_IF_ERROR(zcxi_json_member_string(c, col, "name", &got));
  size_t saved = zcxi_json_path_push(c, " '%.60s'", got);
  int rc = 0;
  if (name != NULL && strcmp(name, got) != 0) {
    rc = zcxi_json_fail(c, "column is named '%.60s', the schema's field '%.60s'", got, name);
  } else if (c->depth >= ZCXI_JSON_MAX_DEPTH) {
    rc = zcxi_json_fail(c, "columns nested deeper than %d levels", ZCXI_JSON_MAX_DEPTH);
  } else {
    c->depth++;
    rc = read_column_body(c, col, type, dictionary_id, out);
    c->depth--;
  }
  zcxi_json_path_pop(c, saved);
  return rc;
}
