// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Helpers shared by the ipc tests: deterministic arrays of every type built with builders,
// and in-memory write/read round trips.
#include "ipc/ipc_support.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

zcx_field_t* ts_field(const char* name, zcx_type_t* type, bool nullable) {
  zcx_field_t* f = NULL;
  zcx_error_t err;
  int rc = zcx_field_create(name, type, nullable, NULL, &f, &err);
  if (rc != 0) {
    fail_msg("field '%s': %s", name, err.message);
  }
  zcx_type_release(type);
  return f;
}

zcx_type_t* ts_type(zcx_type_id_t id) {
  zcx_type_t* t = NULL;
  zcx_error_t err;
  if (zcx_type_create(id, &t, &err) != 0) {
    fail_msg("type %d: %s", (int)id, err.message);
  }
  return t;
}

#define OK(expr)                                  \
  do {                                            \
    zcx_error_t e_;                               \
    zcx_error_init(&e_);                          \
    if ((expr) != 0) {                            \
      fail_msg("%s: %s", #expr, e_.message);      \
    }                                             \
  } while (0)

#define OKE(expr)                                 \
  do {                                            \
    if ((expr) != 0) {                            \
      fail_msg("%s: %s", #expr, err.message);     \
    }                                             \
  } while (0)

static bool nullable_kind(zcx_type_id_t id) {
  return id != ZCX_TYPE_SPARSE_UNION && id != ZCX_TYPE_DENSE_UNION &&
         id != ZCX_TYPE_RUN_END_ENCODED && id != ZCX_TYPE_NA;
}

// Appends element `i` (a deterministic value, null every 5th where allowed).
static void fill(zcx_builder_t* b, const zcx_type_t* t, int64_t i, bool nullable) {
  zcx_error_t err;
  zcx_error_init(&err);
  const zcx_type_t* st = t->id == ZCX_TYPE_EXTENSION ? t->storage_type : t;
  if (st->id == ZCX_TYPE_NA) {
    OKE(zcx_builder_append_null(b, 1, &err));
    return;
  }
  if (nullable && nullable_kind(st->id) && i % 5 == 3) {
    OKE(zcx_builder_append_null(b, 1, &err));
    return;
  }
  char s[64];
  switch (st->id) {
    case ZCX_TYPE_BOOL:
      OKE(zcx_builder_append_bool(b, i % 3 == 0, &err));
      return;
    case ZCX_TYPE_INT8:
      OKE(zcx_builder_append_int(b, (i % 100) - 50, &err));
      return;
    case ZCX_TYPE_UINT8:
      OKE(zcx_builder_append_int(b, i % 200, &err));
      return;
    case ZCX_TYPE_INT16:
    case ZCX_TYPE_INT32:
    case ZCX_TYPE_INT64:
    case ZCX_TYPE_DATE32:
    case ZCX_TYPE_DATE64:
    case ZCX_TYPE_TIME32:
    case ZCX_TYPE_TIME64:
    case ZCX_TYPE_TIMESTAMP:
    case ZCX_TYPE_DURATION:
    case ZCX_TYPE_INTERVAL_MONTHS:
      OKE(zcx_builder_append_int(b, i * 7 - 30, &err));
      return;
    case ZCX_TYPE_UINT16:
    case ZCX_TYPE_UINT32:
    case ZCX_TYPE_UINT64:
      OKE(zcx_builder_append_int(b, i * 3, &err));
      return;
    case ZCX_TYPE_HALF_FLOAT:
    case ZCX_TYPE_FLOAT:
    case ZCX_TYPE_DOUBLE:
      OKE(zcx_builder_append_double(b, (double)i * 0.5 - 3.0, &err));
      return;
    case ZCX_TYPE_BINARY:
    case ZCX_TYPE_STRING:
    case ZCX_TYPE_LARGE_BINARY:
    case ZCX_TYPE_LARGE_STRING:
    case ZCX_TYPE_BINARY_VIEW:
    case ZCX_TYPE_STRING_VIEW: {
      int n = snprintf(s, sizeof(s), "value-%lld%s", (long long)i,
                       i % 4 == 0 ? "-a-longer-string-out-of-line" : "");
      OKE(zcx_builder_append_bytes(b, s, i % 7 == 1 ? 0 : n, &err));
      return;
    }
    case ZCX_TYPE_FIXED_SIZE_BINARY:
    case ZCX_TYPE_DECIMAL32:
    case ZCX_TYPE_DECIMAL64:
    case ZCX_TYPE_DECIMAL128:
    case ZCX_TYPE_DECIMAL256:
    case ZCX_TYPE_INTERVAL_DAY_TIME:
    case ZCX_TYPE_INTERVAL_MONTH_DAY_NANO: {
      int32_t w = zcx_type_byte_width(st);
      uint8_t bytes[64];
      memset(bytes, 0, sizeof(bytes));
      for (int32_t k = 0; k < w && k < 4; k++) {
        bytes[k] = (uint8_t)(i * 13 + k);
      }
      OKE(zcx_builder_append_bytes(b, bytes, w, &err));
      return;
    }
    case ZCX_TYPE_LIST:
    case ZCX_TYPE_LARGE_LIST:
    case ZCX_TYPE_LIST_VIEW:
    case ZCX_TYPE_LARGE_LIST_VIEW:
    case ZCX_TYPE_MAP: {
      zcx_builder_t* c = zcx_builder_child(b, 0);
      const zcx_field_t* cf = st->children[0];
      for (int64_t k = 0; k < i % 4; k++) {
        fill(c, cf->type, i * 4 + k, cf->nullable);
      }
      OKE(zcx_builder_finish_element(b, &err));
      return;
    }
    case ZCX_TYPE_FIXED_SIZE_LIST: {
      zcx_builder_t* c = zcx_builder_child(b, 0);
      const zcx_field_t* cf = st->children[0];
      for (int64_t k = 0; k < st->fixed_size; k++) {
        fill(c, cf->type, i * st->fixed_size + k, cf->nullable);
      }
      OKE(zcx_builder_finish_element(b, &err));
      return;
    }
    case ZCX_TYPE_STRUCT:
      for (int32_t k = 0; k < st->num_children; k++) {
        const zcx_field_t* cf = st->children[k];
        fill(zcx_builder_child(b, k), cf->type, i + k, cf->nullable);
      }
      OKE(zcx_builder_finish_element(b, &err));
      return;
    case ZCX_TYPE_SPARSE_UNION:
    case ZCX_TYPE_DENSE_UNION: {
      int32_t k = (int32_t)(i % st->num_children);
      int8_t code = st->type_codes ? st->type_codes[k] : (int8_t)k;
      if (st->id == ZCX_TYPE_DENSE_UNION) {
        fill(zcx_builder_child(b, k), st->children[k]->type, i, st->children[k]->nullable);
      } else {
        for (int32_t j = 0; j < st->num_children; j++) {
          fill(zcx_builder_child(b, j), st->children[j]->type, i, st->children[j]->nullable);
        }
      }
      OKE(zcx_builder_finish_union_element(b, code, &err));
      return;
    }
    case ZCX_TYPE_DICTIONARY:
      OKE(zcx_builder_append_int(b, i % 3, &err));
      return;
    default:
      fail_msg("fill: type %s not handled", zcx_type_id_name(st->id));
  }
}

zcx_array_t* ts_make_array(zcx_type_t* type, int64_t n, bool nullable, int64_t seed) {
  zcx_error_t err;
  zcx_error_init(&err);
  zcx_builder_t* b = NULL;
  OKE(zcx_builder_create(type, NULL, &b, &err));
  const zcx_type_t* st = type->id == ZCX_TYPE_EXTENSION ? type->storage_type : type;
  if (st->id == ZCX_TYPE_DICTIONARY) {
    zcx_builder_t* d = zcx_builder_dictionary(b);
    for (int64_t k = 0; k < 3 + seed; k++) {
      fill(d, st->value_type, k + seed * 100, false);
    }
  }
  if (st->id == ZCX_TYPE_RUN_END_ENCODED) {
    // Runs of length 1, 2, 3, ... with values of the values type.
    zcx_builder_t* ends = zcx_builder_child(b, 0);
    zcx_builder_t* vals = zcx_builder_child(b, 1);
    int64_t end = 0;
    for (int64_t r = 1; end < n; r++) {
      end = end + r > n ? n : end + r;
      OKE(zcx_builder_append_int(ends, end, &err));
      fill(vals, st->children[1]->type, r + seed, st->children[1]->nullable);
    }
  } else {
    for (int64_t i = 0; i < n; i++) {
      fill(b, type, i + seed, nullable);
    }
  }
  zcx_array_t* a = NULL;
  OKE(zcx_builder_finish(b, &a, &err));
  zcx_builder_destroy(b);
  if (zcx_array_validate(a, ZCX_VALIDATE_FULL, &err) != 0) {
    fail_msg("built %s array is invalid: %s", zcx_type_id_name(type->id), err.message);
  }
  return a;
}

zcx_schema_t* ts_all_types_schema(void) {
  zcx_error_t err;
  zcx_error_init(&err);
  zcx_field_t* f[64];
  int n = 0;
  static const zcx_type_id_t simple[] = {
      ZCX_TYPE_NA,           ZCX_TYPE_BOOL,        ZCX_TYPE_INT8,
      ZCX_TYPE_UINT8,        ZCX_TYPE_INT16,       ZCX_TYPE_UINT16,
      ZCX_TYPE_INT32,        ZCX_TYPE_UINT32,      ZCX_TYPE_INT64,
      ZCX_TYPE_UINT64,       ZCX_TYPE_HALF_FLOAT,  ZCX_TYPE_FLOAT,
      ZCX_TYPE_DOUBLE,       ZCX_TYPE_DATE32,      ZCX_TYPE_DATE64,
      ZCX_TYPE_INTERVAL_MONTHS, ZCX_TYPE_INTERVAL_DAY_TIME, ZCX_TYPE_INTERVAL_MONTH_DAY_NANO,
      ZCX_TYPE_BINARY,       ZCX_TYPE_STRING,      ZCX_TYPE_LARGE_BINARY,
      ZCX_TYPE_LARGE_STRING, ZCX_TYPE_BINARY_VIEW, ZCX_TYPE_STRING_VIEW,
  };
  for (size_t i = 0; i < sizeof(simple) / sizeof(simple[0]); i++) {
    char name[32];
    snprintf(name, sizeof(name), "c_%s", zcx_type_id_name(simple[i]));
    f[n++] = ts_field(name, ts_type(simple[i]), true);
  }
  zcx_type_t* t = NULL;
  OKE(zcx_type_decimal(128, 20, 3, &t, &err));
  f[n++] = ts_field("dec128", t, true);
  OKE(zcx_type_decimal(256, 50, 2, &t, &err));
  f[n++] = ts_field("dec256", t, true);
  OKE(zcx_type_decimal(32, 7, 2, &t, &err));
  f[n++] = ts_field("dec32", t, true);
  OKE(zcx_type_time(ZCX_TYPE_TIME32, ZCX_TIME_MILLI, &t, &err));
  f[n++] = ts_field("time32", t, true);
  OKE(zcx_type_time(ZCX_TYPE_TIME64, ZCX_TIME_NANO, &t, &err));
  f[n++] = ts_field("time64", t, true);
  OKE(zcx_type_timestamp(ZCX_TIME_MICRO, "Europe/Paris", &t, &err));
  f[n++] = ts_field("ts_tz", t, true);
  OKE(zcx_type_timestamp(ZCX_TIME_SECOND, NULL, &t, &err));
  f[n++] = ts_field("ts", t, false);
  OKE(zcx_type_time(ZCX_TYPE_DURATION, ZCX_TIME_NANO, &t, &err));
  f[n++] = ts_field("dur", t, true);
  OKE(zcx_type_fixed_size_binary(5, &t, &err));
  f[n++] = ts_field("fsb", t, true);
  zcx_field_t* item = ts_field("item", ts_type(ZCX_TYPE_INT32), true);
  OKE(zcx_type_list(ZCX_TYPE_LIST, item, &t, &err));
  f[n++] = ts_field("list", t, true);
  OKE(zcx_type_list(ZCX_TYPE_LARGE_LIST, item, &t, &err));
  f[n++] = ts_field("large_list", t, true);
  OKE(zcx_type_list(ZCX_TYPE_LIST_VIEW, item, &t, &err));
  f[n++] = ts_field("list_view", t, true);
  OKE(zcx_type_fixed_size_list(item, 3, &t, &err));
  f[n++] = ts_field("fsl", t, true);
  zcx_field_release(item);
  zcx_field_t* sk[2] = {ts_field("a", ts_type(ZCX_TYPE_INT16), true),
                        ts_field("b", ts_type(ZCX_TYPE_STRING), true)};
  OKE(zcx_type_struct(sk, 2, &t, &err));
  f[n++] = ts_field("struct", t, true);
  zcx_field_t* key = ts_field("key", ts_type(ZCX_TYPE_STRING), false);
  zcx_field_t* val = ts_field("value", ts_type(ZCX_TYPE_INT64), true);
  zcx_field_t* kv[2] = {key, val};
  OKE(zcx_type_struct(kv, 2, &t, &err));
  zcx_field_t* entries = ts_field("entries", t, false);
  OKE(zcx_type_map(entries, false, &t, &err));
  f[n++] = ts_field("map", t, true);
  zcx_field_release(entries);
  zcx_field_release(key);
  zcx_field_release(val);
  int8_t codes[2] = {5, 9};
  OKE(zcx_type_union(ZCX_TYPE_SPARSE_UNION, sk, codes, 2, &t, &err));
  f[n++] = ts_field("sparse", t, false);
  OKE(zcx_type_union(ZCX_TYPE_DENSE_UNION, sk, NULL, 2, &t, &err));
  f[n++] = ts_field("dense", t, false);
  zcx_field_release(sk[0]);
  zcx_field_release(sk[1]);
  zcx_type_t* idx = ts_type(ZCX_TYPE_INT16);
  zcx_type_t* vt = ts_type(ZCX_TYPE_STRING);
  OKE(zcx_type_dictionary(idx, vt, false, &t, &err));
  f[n++] = ts_field("dict", t, true);
  zcx_type_release(idx);
  zcx_type_release(vt);
  zcx_type_t* re = ts_type(ZCX_TYPE_INT32);
  zcx_field_t* rv = ts_field("values", ts_type(ZCX_TYPE_DOUBLE), true);
  OKE(zcx_type_run_end_encoded(re, rv, &t, &err));
  f[n++] = ts_field("ree", t, false);
  zcx_type_release(re);
  zcx_field_release(rv);
  zcx_type_t* storage = ts_type(ZCX_TYPE_INT64);
  OKE(zcx_type_extension("zcx.test", "meta\x01", 5, storage, &t, &err));
  f[n++] = ts_field("ext", t, true);
  zcx_type_release(storage);
  zcx_metadata_t md;
  zcx_metadata_init(&md);
  OKE(zcx_metadata_append(&md, "origin", "ipc test", &err));
  zcx_schema_t* s = NULL;
  OKE(zcx_schema_create(f, n, &md, &s, &err));
  zcx_metadata_reset(&md);
  for (int i = 0; i < n; i++) {
    zcx_field_release(f[i]);
  }
  return s;
}

zcx_batch_t* ts_make_batch(zcx_schema_t* schema, int64_t rows, int64_t seed) {
  zcx_error_t err;
  zcx_error_init(&err);
  zcx_array_t* cols[64];
  for (int32_t i = 0; i < schema->num_fields; i++) {
    cols[i] = ts_make_array(schema->fields[i]->type, rows, schema->fields[i]->nullable, seed);
  }
  zcx_batch_t* b = NULL;
  OKE(zcx_batch_create(schema, cols, schema->num_fields, rows, &b, &err));
  for (int32_t i = 0; i < schema->num_fields; i++) {
    zcx_array_release(cols[i]);
  }
  return b;
}

zcx_buffer_t* ts_write(zcx_ipc_format_t format, zcx_ipc_compression_t codec,
                       zcx_schema_t* schema, zcx_batch_t* const* batches, int n) {
  zcx_error_t err;
  zcx_error_init(&err);
  zcx_ipc_write_options_t opts;
  zcx_ipc_write_options_init(&opts);
  opts.compression = codec;
  zcx_ipc_writer_t* w = NULL;
  OKE(zcx_ipc_writer_create(format, schema, &opts, &w, &err));
  for (int i = 0; i < n; i++) {
    OKE(zcx_ipc_writer_write(w, batches[i], NULL, &err));
  }
  OKE(zcx_ipc_writer_finish(w, NULL, &err));
  zcx_buffer_t* out = NULL;
  OKE(zcx_ipc_writer_take_buffer(w, &out, &err));
  zcx_ipc_writer_destroy(w);
  return out;
}

zcx_buffer_t* ts_copy(const void* data, size_t n) {
  zcx_buffer_t* b = NULL;
  zcx_error_t err;
  OKE(zcx_buffer_copy_from(NULL, data, (int64_t)n, &b, &err));
  return b;
}
