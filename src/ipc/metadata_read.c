// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Decoding of verified flatbuffer Schema, Field, type and KeyValue tables into zcx types,
// fields, schemas and metadata.
#include <stdlib.h>
#include <string.h>

#include "ipc/internal.h"

#define EXT_NAME "ARROW:extension:name"
#define EXT_METADATA "ARROW:extension:metadata"

int zcxi_ipc_metadata_from_fb(zcxi_fb_table_t t, unsigned id, zcx_metadata_t* md,
                              zcx_error_t* err) {
  zcx_metadata_init(md);
  zcxi_fb_vector_t v;
  if (!zcxi_fb_vector(t, id, &v)) {
    return 0;
  }
  for (uint32_t i = 0; i < v.len; i++) {
    zcxi_fb_table_t kv = zcxi_fb_vector_table(v, i);
    const char* k = "";
    const char* val = "";
    uint32_t klen = 0;
    uint32_t vlen = 0;
    zcxi_fb_string(kv, ZCXI_FB_KV_KEY, &k, &klen);
    zcxi_fb_string(kv, ZCXI_FB_KV_VALUE, &val, &vlen);
    if (memchr(k, 0, klen) != NULL || memchr(val, 0, vlen) != NULL) {
      zcx_metadata_reset(md);
      return zcx_error_fail(err, EINVAL, "custom metadata entry %u: embedded NUL byte", i);
    }
    int rc = zcx_metadata_append(md, k, val, err);
    if (rc != 0) {
      zcx_metadata_reset(md);
      return rc;
    }
  }
  return 0;
}

static int unit_of(int16_t u, const char* what, zcx_time_unit_t* out, zcx_error_t* err) {
  if (u < 0 || u > 3) {
    return zcx_error_fail(err, EINVAL, "%s: unknown time unit %d", what, u);
  }
  *out = (zcx_time_unit_t)u;
  return 0;
}

static int int_type(zcxi_fb_table_t t, zcx_type_t** out, zcx_error_t* err) {
  int32_t bits = zcxi_fb_i32(t, ZCXI_FB_INT_BIT_WIDTH, 0);
  bool is_signed = zcxi_fb_bool(t, ZCXI_FB_INT_IS_SIGNED, false);
  zcx_type_id_t id;
  switch (bits) {
    case 8:
      id = is_signed ? ZCX_TYPE_INT8 : ZCX_TYPE_UINT8;
      break;
    case 16:
      id = is_signed ? ZCX_TYPE_INT16 : ZCX_TYPE_UINT16;
      break;
    case 32:
      id = is_signed ? ZCX_TYPE_INT32 : ZCX_TYPE_UINT32;
      break;
    case 64:
      id = is_signed ? ZCX_TYPE_INT64 : ZCX_TYPE_UINT64;
      break;
    default:
      return zcx_error_fail(err, EINVAL, "Int: bit width %d is not 8, 16, 32 or 64", bits);
  }
  return zcx_type_create(id, out, err);
}

// Children of the field being decoded.
typedef struct kids {
  zcx_field_t** f;
  int32_t n;
} kids_t;

static int need_children(const kids_t* k, int32_t n, const char* what, zcx_error_t* err) {
  if (k->n != n) {
    return zcx_error_fail(err, EINVAL, "%s type needs %d child field(s), has %d", what, n, k->n);
  }
  return 0;
}

static int make_type(uint8_t tt, bool has_table, zcxi_fb_table_t t, const kids_t* k,
                     zcx_type_t** out, zcx_error_t* err) {
  static const zcx_type_id_t simple[ZCXI_FBT_COUNT] = {
      [ZCXI_FBT_NULL] = ZCX_TYPE_NA,
      [ZCXI_FBT_BINARY] = ZCX_TYPE_BINARY,
      [ZCXI_FBT_UTF8] = ZCX_TYPE_STRING,
      [ZCXI_FBT_BOOL] = ZCX_TYPE_BOOL,
      [ZCXI_FBT_LARGE_BINARY] = ZCX_TYPE_LARGE_BINARY,
      [ZCXI_FBT_LARGE_UTF8] = ZCX_TYPE_LARGE_STRING,
      [ZCXI_FBT_BINARY_VIEW] = ZCX_TYPE_BINARY_VIEW,
      [ZCXI_FBT_UTF8_VIEW] = ZCX_TYPE_STRING_VIEW,
  };
  if (tt == ZCXI_FBT_NONE || tt >= ZCXI_FBT_COUNT) {
    return zcx_error_fail(err, ENOTSUP, "unknown type %u in the Type union", tt);
  }
  if (!has_table) {
    // Tables without fields may be omitted by some writers; others must be there.
    switch (tt) {
      case ZCXI_FBT_INT:
      case ZCXI_FBT_FLOATING_POINT:
      case ZCXI_FBT_DECIMAL:
      case ZCXI_FBT_TIMESTAMP:
      case ZCXI_FBT_UNION:
      case ZCXI_FBT_FIXED_SIZE_BINARY:
      case ZCXI_FBT_FIXED_SIZE_LIST:
        return zcx_error_fail(err, EINVAL, "type %u without its parameter table", tt);
      default:
        break;
    }
  }
  switch (tt) {
    case ZCXI_FBT_NULL:
    case ZCXI_FBT_BINARY:
    case ZCXI_FBT_UTF8:
    case ZCXI_FBT_BOOL:
    case ZCXI_FBT_LARGE_BINARY:
    case ZCXI_FBT_LARGE_UTF8:
    case ZCXI_FBT_BINARY_VIEW:
    case ZCXI_FBT_UTF8_VIEW:
      ZCX_RETURN_IF_ERROR(need_children(k, 0, zcx_type_id_name(simple[tt]), err));
      return zcx_type_create(simple[tt], out, err);
    case ZCXI_FBT_INT:
      ZCX_RETURN_IF_ERROR(need_children(k, 0, "Int", err));
      return int_type(t, out, err);
    case ZCXI_FBT_FLOATING_POINT: {
      ZCX_RETURN_IF_ERROR(need_children(k, 0, "FloatingPoint", err));
      int16_t p = zcxi_fb_i16(t, ZCXI_FB_FP_PRECISION, 0);
      if (p < 0 || p > 2) {
        return zcx_error_fail(err, EINVAL, "FloatingPoint: unknown precision %d", p);
      }
      static const zcx_type_id_t fp[3] = {ZCX_TYPE_HALF_FLOAT, ZCX_TYPE_FLOAT, ZCX_TYPE_DOUBLE};
      return zcx_type_create(fp[p], out, err);
    }
    case ZCXI_FBT_DECIMAL:
      ZCX_RETURN_IF_ERROR(need_children(k, 0, "Decimal", err));
      return zcx_type_decimal(zcxi_fb_i32(t, ZCXI_FB_DECIMAL_BIT_WIDTH, 128),
                              zcxi_fb_i32(t, ZCXI_FB_DECIMAL_PRECISION, 0),
                              zcxi_fb_i32(t, ZCXI_FB_DECIMAL_SCALE, 0), out, err);
    case ZCXI_FBT_DATE: {
      ZCX_RETURN_IF_ERROR(need_children(k, 0, "Date", err));
      int16_t u = has_table ? zcxi_fb_i16(t, ZCXI_FB_DATE_UNIT, 1) : 1;
      if (u != 0 && u != 1) {
        return zcx_error_fail(err, EINVAL, "Date: unknown unit %d", u);
      }
      return zcx_type_create(u == 0 ? ZCX_TYPE_DATE32 : ZCX_TYPE_DATE64, out, err);
    }
    case ZCXI_FBT_TIME: {
      ZCX_RETURN_IF_ERROR(need_children(k, 0, "Time", err));
      zcx_time_unit_t unit = ZCX_TIME_SECOND;
      ZCX_RETURN_IF_ERROR(
          unit_of(has_table ? zcxi_fb_i16(t, ZCXI_FB_TIME_UNIT, 1) : 1, "Time", &unit, err));
      int32_t bits = has_table ? zcxi_fb_i32(t, ZCXI_FB_TIME_BIT_WIDTH, 32) : 32;
      zcx_type_id_t id = bits == 64 ? ZCX_TYPE_TIME64 : ZCX_TYPE_TIME32;
      if ((bits != 32 && bits != 64) ||
          (bits == 32) != (unit == ZCX_TIME_SECOND || unit == ZCX_TIME_MILLI)) {
        return zcx_error_fail(err, EINVAL, "Time: bit width %d does not fit unit %d", bits,
                              (int)unit);
      }
      return zcx_type_time(id, unit, out, err);
    }
    case ZCXI_FBT_TIMESTAMP: {
      ZCX_RETURN_IF_ERROR(need_children(k, 0, "Timestamp", err));
      zcx_time_unit_t unit = ZCX_TIME_SECOND;
      ZCX_RETURN_IF_ERROR(unit_of(zcxi_fb_i16(t, ZCXI_FB_TIMESTAMP_UNIT, 0), "Timestamp", &unit,
                                  err));
      const char* tz = NULL;
      uint32_t tzlen = 0;
      zcxi_fb_string(t, ZCXI_FB_TIMESTAMP_TIMEZONE, &tz, &tzlen);
      if (tz != NULL && memchr(tz, 0, tzlen) != NULL) {
        return zcx_error_fail(err, EINVAL, "Timestamp: time zone with a NUL byte");
      }
      return zcx_type_timestamp(unit, tz, out, err);
    }
    case ZCXI_FBT_DURATION: {
      ZCX_RETURN_IF_ERROR(need_children(k, 0, "Duration", err));
      zcx_time_unit_t unit = ZCX_TIME_SECOND;
      ZCX_RETURN_IF_ERROR(unit_of(has_table ? zcxi_fb_i16(t, ZCXI_FB_DURATION_UNIT, 1) : 1,
                                  "Duration", &unit, err));
      return zcx_type_time(ZCX_TYPE_DURATION, unit, out, err);
    }
    case ZCXI_FBT_INTERVAL: {
      ZCX_RETURN_IF_ERROR(need_children(k, 0, "Interval", err));
      int16_t u = has_table ? zcxi_fb_i16(t, ZCXI_FB_INTERVAL_UNIT, 0) : 0;
      static const zcx_type_id_t iv[3] = {ZCX_TYPE_INTERVAL_MONTHS, ZCX_TYPE_INTERVAL_DAY_TIME,
                                          ZCX_TYPE_INTERVAL_MONTH_DAY_NANO};
      if (u < 0 || u > 2) {
        return zcx_error_fail(err, EINVAL, "Interval: unknown unit %d", u);
      }
      return zcx_type_create(iv[u], out, err);
    }
    case ZCXI_FBT_FIXED_SIZE_BINARY: {
      ZCX_RETURN_IF_ERROR(need_children(k, 0, "FixedSizeBinary", err));
      return zcx_type_fixed_size_binary(zcxi_fb_i32(t, ZCXI_FB_FSB_BYTE_WIDTH, 0), out, err);
    }
    case ZCXI_FBT_LIST:
    case ZCXI_FBT_LARGE_LIST:
    case ZCXI_FBT_LIST_VIEW:
    case ZCXI_FBT_LARGE_LIST_VIEW: {
      ZCX_RETURN_IF_ERROR(need_children(k, 1, "list", err));
      zcx_type_id_t id = tt == ZCXI_FBT_LIST         ? ZCX_TYPE_LIST
                         : tt == ZCXI_FBT_LARGE_LIST ? ZCX_TYPE_LARGE_LIST
                         : tt == ZCXI_FBT_LIST_VIEW  ? ZCX_TYPE_LIST_VIEW
                                                     : ZCX_TYPE_LARGE_LIST_VIEW;
      return zcx_type_list(id, k->f[0], out, err);
    }
    case ZCXI_FBT_FIXED_SIZE_LIST:
      ZCX_RETURN_IF_ERROR(need_children(k, 1, "FixedSizeList", err));
      return zcx_type_fixed_size_list(k->f[0], zcxi_fb_i32(t, ZCXI_FB_FSL_LIST_SIZE, 0), out,
                                      err);
    case ZCXI_FBT_MAP:
      ZCX_RETURN_IF_ERROR(need_children(k, 1, "Map", err));
      return zcx_type_map(k->f[0], has_table && zcxi_fb_bool(t, ZCXI_FB_MAP_KEYS_SORTED, false),
                          out, err);
    case ZCXI_FBT_STRUCT:
      return zcx_type_struct(k->f, k->n, out, err);
    case ZCXI_FBT_UNION: {
      int16_t mode = zcxi_fb_i16(t, ZCXI_FB_UNION_MODE, 0);
      if (mode != 0 && mode != 1) {
        return zcx_error_fail(err, EINVAL, "Union: unknown mode %d", mode);
      }
      if (k->n > 128) {
        return zcx_error_fail(err, EINVAL, "Union: %d children is over 128", k->n);
      }
      int8_t codes[128];
      zcxi_fb_vector_t ids;
      bool has_ids = zcxi_fb_vector(t, ZCXI_FB_UNION_TYPE_IDS, &ids);
      if (has_ids) {
        if ((int32_t)ids.len != k->n) {
          return zcx_error_fail(err, EINVAL, "Union: %u type ids for %d children", ids.len,
                                k->n);
        }
        for (uint32_t i = 0; i < ids.len; i++) {
          int32_t c = zcxi_fb_rd_i32(zcxi_fb_vector_elem(ids, i, 4));
          if (c < 0 || c > 127) {
            return zcx_error_fail(err, EINVAL, "Union: type id %d out of 0..127", c);
          }
          codes[i] = (int8_t)c;
        }
      }
      return zcx_type_union(mode == 0 ? ZCX_TYPE_SPARSE_UNION : ZCX_TYPE_DENSE_UNION, k->f,
                            has_ids ? codes : NULL, k->n, out, err);
    }
    case ZCXI_FBT_RUN_END_ENCODED:
      ZCX_RETURN_IF_ERROR(need_children(k, 2, "RunEndEncoded", err));
      return zcx_type_run_end_encoded(k->f[0]->type, k->f[1], out, err);
    default:
      return zcx_error_fail(err, ENOTSUP, "unknown type %u in the Type union", tt);
  }
}

// Moves the extension keys out of `md`: *name and *meta point into md's strings, which stay
// owned by `ext` (a metadata set the caller resets).
static int split_extension(zcx_metadata_t* md, zcx_metadata_t* rest, zcx_metadata_t* ext,
                           zcx_error_t* err) {
  zcx_metadata_init(rest);
  zcx_metadata_init(ext);
  for (int32_t i = 0; i < md->count; i++) {
    bool is_ext = strcmp(md->keys[i], EXT_NAME) == 0 || strcmp(md->keys[i], EXT_METADATA) == 0;
    int rc = zcx_metadata_append(is_ext ? ext : rest, md->keys[i], md->values[i], err);
    if (rc != 0) {
      zcx_metadata_reset(rest);
      zcx_metadata_reset(ext);
      return rc;
    }
  }
  return 0;
}

static int decode_field(zcxi_fb_table_t f, zcx_field_t** out, zcx_error_t* err);

static int decode_field_inner(zcxi_fb_table_t f, const char* name, kids_t* k,
                              zcx_metadata_t* md, zcx_field_t** out, zcx_error_t* err) {
  zcxi_fb_vector_t cv;
  if (zcxi_fb_vector(f, ZCXI_FB_FIELD_CHILDREN, &cv) && cv.len > 0) {
    k->f = calloc(cv.len, sizeof(zcx_field_t*));
    if (k->f == NULL) {
      return zcx_error_fail(err, ENOMEM, "field '%s': out of memory for %u children", name,
                            cv.len);
    }
    for (uint32_t i = 0; i < cv.len; i++) {
      ZCX_RETURN_IF_ERROR(decode_field(zcxi_fb_vector_table(cv, i), &k->f[i], err));
      k->n++;
    }
  }
  ZCX_RETURN_IF_ERROR(zcxi_ipc_metadata_from_fb(f, ZCXI_FB_FIELD_METADATA, md, err));
  zcxi_fb_table_t tt = {NULL, 0, 0, 0};
  bool has_table = zcxi_fb_table(f, ZCXI_FB_FIELD_TYPE, &tt);
  zcx_type_t* type = NULL;
  ZCX_RETURN_IF_ERROR(make_type(zcxi_fb_u8(f, ZCXI_FB_FIELD_TYPE_TYPE, 0), has_table, tt, k,
                                &type, err));
  int rc = 0;
  zcxi_fb_table_t dict;
  int64_t dict_id = -1;
  if (zcxi_fb_table(f, ZCXI_FB_FIELD_DICTIONARY, &dict)) {
    dict_id = zcxi_fb_i64(dict, ZCXI_FB_DICT_ID, 0);
    zcx_type_t* index = NULL;
    zcxi_fb_table_t it;
    if (zcxi_fb_table(dict, ZCXI_FB_DICT_INDEX_TYPE, &it)) {
      rc = int_type(it, &index, err);
    } else {
      rc = zcx_type_create(ZCX_TYPE_INT32, &index, err);
    }
    zcx_type_t* dt = NULL;
    if (rc == 0) {
      rc = zcx_type_dictionary(index, type, zcxi_fb_bool(dict, ZCXI_FB_DICT_IS_ORDERED, false),
                               &dt, err);
    }
    zcx_type_release(index);
    zcx_type_release(type);
    type = dt;
    if (rc != 0) {
      return rc;
    }
  }
  // An extension type wraps the field's type (the dictionary type of an encoded field).
  zcx_metadata_t rest;
  zcx_metadata_t ext;
  rc = split_extension(md, &rest, &ext, err);
  if (rc == 0 && zcx_metadata_get(&ext, EXT_NAME) != NULL) {
    const char* em = zcx_metadata_get(&ext, EXT_METADATA);
    zcx_type_t* et = NULL;
    rc = zcx_type_extension(zcx_metadata_get(&ext, EXT_NAME), em ? em : "",
                            em ? (int64_t)strlen(em) : 0, type, &et, err);
    zcx_type_release(type);
    type = et;
  } else if (rc == 0 && ext.count > 0) {
    // Extension metadata without a name: keep it as ordinary metadata.
    zcx_metadata_reset(&rest);
    rc = zcx_metadata_copy(md, &rest, err);
  }
  zcx_metadata_reset(&ext);
  if (rc != 0) {
    zcx_type_release(type);
    zcx_metadata_reset(&rest);
    return rc;
  }
  zcx_field_t* field = NULL;
  rc = zcx_field_create(name, type, zcxi_fb_bool(f, ZCXI_FB_FIELD_NULLABLE, false), &rest,
                        &field, err);
  zcx_type_release(type);
  zcx_metadata_reset(&rest);
  if (rc == 0 && dict_id >= 0) {
    zcx_field_t* with_id = NULL;
    rc = zcx_field_with_dictionary_id(field, dict_id, &with_id, err);
    zcx_field_release(field);
    field = with_id;
  } else if (rc == 0 && dict_id < -1) {
    zcx_field_release(field);
    field = NULL;
    rc = zcx_error_fail(err, EINVAL, "negative dictionary id %lld", (long long)dict_id);
  }
  *out = field;
  return rc;
}

static int decode_field(zcxi_fb_table_t f, zcx_field_t** out, zcx_error_t* err) {
  *out = NULL;
  const char* name = "";
  uint32_t name_len = 0;
  zcxi_fb_string(f, ZCXI_FB_FIELD_NAME, &name, &name_len);
  kids_t k = {NULL, 0};
  zcx_metadata_t md;
  zcx_metadata_init(&md);
  int rc = decode_field_inner(f, name, &k, &md, out, err);
  for (int32_t i = 0; i < k.n; i++) {
    zcx_field_release(k.f[i]);
  }
  free(k.f);
  zcx_metadata_reset(&md);
  if (rc != 0) {
    zcx_error_prefix(err, "field '%s': ", name);
  }
  return rc;
}

int zcxi_ipc_schema_from_fb(zcxi_fb_table_t schema, zcx_schema_t** out, zcx_error_t* err) {
  *out = NULL;
  if (zcxi_fb_i16(schema, ZCXI_FB_SCHEMA_ENDIANNESS, 0) != 0) {
    return zcx_error_fail(err, ENOTSUP, "schema: big-endian not supported");
  }
  zcxi_fb_vector_t fv = {NULL, 0, 0};
  zcxi_fb_vector(schema, ZCXI_FB_SCHEMA_FIELDS, &fv);
  zcx_field_t** fields = calloc(fv.len ? fv.len : 1, sizeof(zcx_field_t*));
  if (fields == NULL) {
    return zcx_error_fail(err, ENOMEM, "schema: out of memory for %u fields", fv.len);
  }
  int rc = 0;
  uint32_t n = 0;
  for (; n < fv.len && rc == 0; n++) {
    rc = decode_field(zcxi_fb_vector_table(fv, n), &fields[n], err);
  }
  zcx_metadata_t md;
  if (rc == 0) {
    rc = zcxi_ipc_metadata_from_fb(schema, ZCXI_FB_SCHEMA_METADATA, &md, err);
    if (rc == 0) {
      rc = zcx_schema_create(fields, (int32_t)fv.len, &md, out, err);
      zcx_metadata_reset(&md);
    }
  }
  for (uint32_t i = 0; i < n; i++) {
    zcx_field_release(fields[i]);
  }
  free(fields);
  return rc;
}
