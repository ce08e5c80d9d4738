// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The "schema" of an integration JSON document: fields, their types as the format spells
// them, dictionary encodings, custom metadata and extension types.
#include <stdlib.h>
#include <string.h>

#include "json/internal.h"

#define EXT_NAME_KEY "ARROW:extension:name"
#define EXT_METADATA_KEY "ARROW:extension:metadata"

const zcx_type_t* zcxi_json_storage(const zcx_type_t* t) {
  while (t != NULL && t->id == ZCX_TYPE_EXTENSION) {
    t = t->storage_type;
  }
  return t;
}

static int read_field(zcxi_json_ctx_t* c, const json_t* f, zcx_field_t** out);

static void release_fields(zcx_field_t** fields, int32_t n) {
  for (int32_t i = 0; i < n; i++) {
    zcx_field_release(fields[i]);
  }
  free(fields);
}

// Reads the "children" member of a field (required, possibly empty).
static int read_children(zcxi_json_ctx_t* c, const json_t* f, zcx_field_t*** out,
                         int32_t* n_out) {
  *out = NULL;
  *n_out = 0;
  const json_t* arr;
  ZCX_RETURN_IF_ERROR(zcxi_json_member(c, f, "children", JSON_ARRAY, true, &arr));
  size_t n = json_array_size(arr);
  if (n > INT32_MAX) {
    return zcxi_json_fail(c, "%zu children are too many", n);
  }
  if (n == 0) {
    return 0;
  }
  zcx_field_t** fields = calloc(n, sizeof(*fields));
  if (fields == NULL) {
    return zcxi_json_fail_code(c, ENOMEM, "out of memory for %zu children", n);
  }
  for (size_t i = 0; i < n; i++) {
    size_t saved = zcxi_json_path_push(c, ".children[%zu]", i);
    int rc = read_field(c, json_array_get(arr, i), &fields[i]);
    zcxi_json_path_pop(c, saved);
    if (rc != 0) {
      release_fields(fields, (int32_t)i);
      return rc;
    }
  }
  *out = fields;
  *n_out = (int32_t)n;
  return 0;
}

static int read_unit(zcxi_json_ctx_t* c, const json_t* t, zcx_time_unit_t* unit) {
  const char* s;
  ZCX_RETURN_IF_ERROR(zcxi_json_member_string(c, t, "unit", &s));
  if (strcmp(s, "SECOND") == 0) {
    *unit = ZCX_TIME_SECOND;
  } else if (strcmp(s, "MILLISECOND") == 0) {
    *unit = ZCX_TIME_MILLI;
  } else if (strcmp(s, "MICROSECOND") == 0) {
    *unit = ZCX_TIME_MICRO;
  } else if (strcmp(s, "NANOSECOND") == 0) {
    *unit = ZCX_TIME_NANO;
  } else {
    return zcxi_json_fail(c, "unknown time unit \"%.40s\"", s);
  }
  return 0;
}

static int read_int_type(zcxi_json_ctx_t* c, const json_t* t, zcx_type_id_t* id) {
  int64_t bits;
  bool is_signed;
  ZCX_RETURN_IF_ERROR(zcxi_json_member_int(c, t, "bitWidth", 8, 64, &bits));
  ZCX_RETURN_IF_ERROR(zcxi_json_member_bool(c, t, "isSigned", &is_signed));
  switch (bits) {
    case 8: *id = is_signed ? ZCX_TYPE_INT8 : ZCX_TYPE_UINT8; return 0;
    case 16: *id = is_signed ? ZCX_TYPE_INT16 : ZCX_TYPE_UINT16; return 0;
    case 32: *id = is_signed ? ZCX_TYPE_INT32 : ZCX_TYPE_UINT32; return 0;
    case 64: *id = is_signed ? ZCX_TYPE_INT64 : ZCX_TYPE_UINT64; return 0;
    default: return zcxi_json_fail(c, "integer bitWidth %lld is not 8, 16, 32 or 64",
                                   (long long)bits);
  }
}

static int need_children(zcxi_json_ctx_t* c, const char* name, int32_t n, int32_t want) {
  if (n != want) {
    return zcxi_json_fail(c, "type '%s' takes %d children, the field has %d", name, want, n);
  }
  return 0;
}

// Types without parameters, by their JSON names.
static const struct {
  const char* name;
  zcx_type_id_t id;
} kSimpleTypes[] = {
    {"null", ZCX_TYPE_NA},
    {"bool", ZCX_TYPE_BOOL},
    {"binary", ZCX_TYPE_BINARY},
    {"largebinary", ZCX_TYPE_LARGE_BINARY},
    {"utf8", ZCX_TYPE_STRING},
    {"largeutf8", ZCX_TYPE_LARGE_STRING},
    {"binaryview", ZCX_TYPE_BINARY_VIEW},
    {"utf8view", ZCX_TYPE_STRING_VIEW},
};

static const struct {
  const char* name;
  zcx_type_id_t id;
} kListTypes[] = {
    {"list", ZCX_TYPE_LIST},
    {"largelist", ZCX_TYPE_LARGE_LIST},
    {"listview", ZCX_TYPE_LIST_VIEW},
    {"largelistview", ZCX_TYPE_LARGE_LIST_VIEW},
};

// The zcx type of a JSON "type" object over already-read child fields (borrowed).
static int read_type(zcxi_json_ctx_t* c, const json_t* t, zcx_field_t** children, int32_t n,
                     zcx_type_t** out) {
  *out = NULL;
  const char* name;
  ZCX_RETURN_IF_ERROR(zcxi_json_member_string(c, t, "name", &name));
  zcx_error_t* err = c->err;
  for (size_t i = 0; i < sizeof(kSimpleTypes) / sizeof(kSimpleTypes[0]); i++) {
    if (strcmp(name, kSimpleTypes[i].name) == 0) {
      ZCX_RETURN_IF_ERROR(need_children(c, name, n, 0));
      return zcxi_json_prefix(c, zcx_type_create(kSimpleTypes[i].id, out, err));
    }
  }
  for (size_t i = 0; i < sizeof(kListTypes) / sizeof(kListTypes[0]); i++) {
    if (strcmp(name, kListTypes[i].name) == 0) {
      ZCX_RETURN_IF_ERROR(need_children(c, name, n, 1));
      return zcxi_json_prefix(c, zcx_type_list(kListTypes[i].id, children[0], out, err));
    }
  }
  if (strcmp(name, "int") == 0) {
    zcx_type_id_t id;
    ZCX_RETURN_IF_ERROR(need_children(c, name, n, 0));
    ZCX_RETURN_IF_ERROR(read_int_type(c, t, &id));
    return zcxi_json_prefix(c, zcx_type_create(id, out, err));
  }
  if (strcmp(name, "floatingpoint") == 0) {
    const char* p;
    ZCX_RETURN_IF_ERROR(need_children(c, name, n, 0));
    ZCX_RETURN_IF_ERROR(zcxi_json_member_string(c, t, "precision", &p));
    zcx_type_id_t id = strcmp(p, "HALF") == 0     ? ZCX_TYPE_HALF_FLOAT
                       : strcmp(p, "SINGLE") == 0 ? ZCX_TYPE_FLOAT
                       : strcmp(p, "DOUBLE") == 0 ? ZCX_TYPE_DOUBLE
                                                  : ZCX_TYPE_COUNT_;
    if (id == ZCX_TYPE_COUNT_) {
      return zcxi_json_fail(c, "unknown floating point precision \"%.40s\"", p);
    }
    return zcxi_json_prefix(c, zcx_type_create(id, out, err));
  }
  if (strcmp(name, "fixedsizebinary") == 0) {
    int64_t w;
    ZCX_RETURN_IF_ERROR(need_children(c, name, n, 0));
    ZCX_RETURN_IF_ERROR(zcxi_json_member_int(c, t, "byteWidth", 0, INT32_MAX, &w));
    return zcxi_json_prefix(c, zcx_type_fixed_size_binary((int32_t)w, out, err));
  }
  if (strcmp(name, "decimal") == 0) {
    int64_t precision;
    int64_t scale;
    int64_t bits = 128;
    ZCX_RETURN_IF_ERROR(need_children(c, name, n, 0));
    ZCX_RETURN_IF_ERROR(zcxi_json_member_int(c, t, "precision", 1, 76, &precision));
    ZCX_RETURN_IF_ERROR(zcxi_json_member_int(c, t, "scale", INT32_MIN, INT32_MAX, &scale));
    if (json_object_get(t, "bitWidth") != NULL) {
      ZCX_RETURN_IF_ERROR(zcxi_json_member_int(c, t, "bitWidth", 32, 256, &bits));
    }
    return zcxi_json_prefix(
        c, zcx_type_decimal((int32_t)bits, (int32_t)precision, (int32_t)scale, out, err));
  }
  if (strcmp(name, "date") == 0) {
    const char* u;
    ZCX_RETURN_IF_ERROR(need_children(c, name, n, 0));
    ZCX_RETURN_IF_ERROR(zcxi_json_member_string(c, t, "unit", &u));
    zcx_type_id_t id = strcmp(u, "DAY") == 0           ? ZCX_TYPE_DATE32
                       : strcmp(u, "MILLISECOND") == 0 ? ZCX_TYPE_DATE64
                                                       : ZCX_TYPE_COUNT_;
    if (id == ZCX_TYPE_COUNT_) {
      return zcxi_json_fail(c, "unknown date unit \"%.40s\"", u);
    }
    return zcxi_json_prefix(c, zcx_type_create(id, out, err));
  }
  if (strcmp(name, "time") == 0) {
    zcx_time_unit_t unit;
    int64_t bits;
    ZCX_RETURN_IF_ERROR(need_children(c, name, n, 0));
    ZCX_RETURN_IF_ERROR(read_unit(c, t, &unit));
    ZCX_RETURN_IF_ERROR(zcxi_json_member_int(c, t, "bitWidth", 32, 64, &bits));
    if (bits != 32 && bits != 64) {
      return zcxi_json_fail(c, "time bitWidth %lld is not 32 or 64", (long long)bits);
    }
    return zcxi_json_prefix(
        c, zcx_type_time(bits == 32 ? ZCX_TYPE_TIME32 : ZCX_TYPE_TIME64, unit, out, err));
  }
  if (strcmp(name, "timestamp") == 0) {
    zcx_time_unit_t unit;
    const json_t* tz;
    ZCX_RETURN_IF_ERROR(need_children(c, name, n, 0));
    ZCX_RETURN_IF_ERROR(read_unit(c, t, &unit));
    ZCX_RETURN_IF_ERROR(zcxi_json_member(c, t, "timezone", JSON_STRING, false, &tz));
    return zcxi_json_prefix(c, zcx_type_timestamp(unit, tz != NULL ? json_string_value(tz) : NULL, out, err));
  }
  if (strcmp(name, "duration") == 0) {
    zcx_time_unit_t unit;
    ZCX_RETURN_IF_ERROR(need_children(c, name, n, 0));
    ZCX_RETURN_IF_ERROR(read_unit(c, t, &unit));
    return zcxi_json_prefix(c, zcx_type_time(ZCX_TYPE_DURATION, unit, out, err));
  }
  if (strcmp(name, "interval") == 0) {
    const char* u;
    ZCX_RETURN_IF_ERROR(need_children(c, name, n, 0));
    ZCX_RETURN_IF_ERROR(zcxi_json_member_string(c, t, "unit", &u));
    zcx_type_id_t id = strcmp(u, "YEAR_MONTH") == 0       ? ZCX_TYPE_INTERVAL_MONTHS
                       : strcmp(u, "DAY_TIME") == 0       ? ZCX_TYPE_INTERVAL_DAY_TIME
                       : strcmp(u, "MONTH_DAY_NANO") == 0 ? ZCX_TYPE_INTERVAL_MONTH_DAY_NANO
                                                          : ZCX_TYPE_COUNT_;
    if (id == ZCX_TYPE_COUNT_) {
      return zcxi_json_fail(c, "unknown interval unit \"%.40s\"", u);
    }
    return zcxi_json_prefix(c, zcx_type_create(id, out, err));
  }
  if (strcmp(name, "fixedsizelist") == 0) {
    int64_t size;
    ZCX_RETURN_IF_ERROR(need_children(c, name, n, 1));
    ZCX_RETURN_IF_ERROR(zcxi_json_member_int(c, t, "listSize", 0, INT32_MAX, &size));
    return zcxi_json_prefix(c, zcx_type_fixed_size_list(children[0], (int32_t)size, out, err));
  }
  if (strcmp(name, "struct") == 0) {
    return zcxi_json_prefix(c, zcx_type_struct(children, n, out, err));
  }
  if (strcmp(name, "map") == 0) {
    bool sorted;
    ZCX_RETURN_IF_ERROR(need_children(c, name, n, 1));
    ZCX_RETURN_IF_ERROR(zcxi_json_member_bool(c, t, "keysSorted", &sorted));
    return zcxi_json_prefix(c, zcx_type_map(children[0], sorted, out, err));
  }
  if (strcmp(name, "union") == 0) {
    const char* mode;
    const json_t* ids;
    ZCX_RETURN_IF_ERROR(zcxi_json_member_string(c, t, "mode", &mode));
    zcx_type_id_t id = strcmp(mode, "SPARSE") == 0  ? ZCX_TYPE_SPARSE_UNION
                       : strcmp(mode, "DENSE") == 0 ? ZCX_TYPE_DENSE_UNION
                                                    : ZCX_TYPE_COUNT_;
    if (id == ZCX_TYPE_COUNT_) {
      return zcxi_json_fail(c, "unknown union mode \"%.40s\"", mode);
    }
    ZCX_RETURN_IF_ERROR(zcxi_json_member_array(c, t, "typeIds", n, &ids));
    int8_t codes[128];
    if (n > 128) {
      return zcxi_json_fail(c, "a union of %d children (at most 128)", n);
    }
    for (int32_t i = 0; i < n; i++) {
      int64_t v;
      ZCX_RETURN_IF_ERROR(
          zcxi_json_int_value(c, json_array_get(ids, (size_t)i), ZCX_TYPE_INT8, "typeIds", i, &v));
      if (v < 0) {
        return zcxi_json_fail(c, "typeIds[%d]: %lld is negative", i, (long long)v);
      }
      codes[i] = (int8_t)v;
    }
    return zcxi_json_prefix(c, zcx_type_union(id, children, codes, n, out, err));
  }
  if (strcmp(name, "runendencoded") == 0) {
    ZCX_RETURN_IF_ERROR(need_children(c, name, n, 2));
    return zcxi_json_prefix(c, zcx_type_run_end_encoded(children[0]->type, children[1], out, err));
  }
  return zcxi_json_fail(c, "unknown type name \"%.40s\"", name);
}

// Reads "metadata": [{"key": ..., "value": ...}] (optional) into `md`, except the extension
// keys, which come back in *ext_name / *ext_meta (borrowed from the document).
static int read_metadata(zcxi_json_ctx_t* c, const json_t* obj, zcx_metadata_t* md,
                         const json_t** ext_name, const json_t** ext_meta) {
  const json_t* arr;
  if (ext_name != NULL) {
    *ext_name = NULL;
    *ext_meta = NULL;
  }
  ZCX_RETURN_IF_ERROR(zcxi_json_member(c, obj, "metadata", JSON_ARRAY, false, &arr));
  if (arr == NULL) {
    return 0;
  }
  for (size_t i = 0; i < json_array_size(arr); i++) {
    const json_t* kv = json_array_get(arr, i);
    size_t saved = zcxi_json_path_push(c, ".metadata[%zu]", i);
    const char* key;
    const json_t* value;
    int rc = zcxi_json_member_string(c, kv, "key", &key);
    if (rc == 0) {
      rc = zcxi_json_member(c, kv, "value", JSON_STRING, true, &value);
    }
    if (rc == 0 && ext_name != NULL && strcmp(key, EXT_NAME_KEY) == 0) {
      *ext_name = value;
    } else if (rc == 0 && ext_name != NULL && strcmp(key, EXT_METADATA_KEY) == 0) {
      *ext_meta = value;
    } else if (rc == 0) {
      rc = zcxi_json_prefix(c, zcx_metadata_append(md, key, json_string_value(value), c->err));
    }
    zcxi_json_path_pop(c, saved);
    ZCX_RETURN_IF_ERROR(rc);
  }
  return 0;
}

// Wraps `*type` into a dictionary type when the field has a "dictionary" member.
static int read_dictionary(zcxi_json_ctx_t* c, const json_t* f, zcx_type_t** type,
                           int64_t* id_out) {
  const json_t* d;
  *id_out = -1;
  ZCX_RETURN_IF_ERROR(zcxi_json_member(c, f, "dictionary", JSON_OBJECT, false, &d));
  if (d == NULL) {
    return 0;
  }
  size_t saved = zcxi_json_path_push(c, ".dictionary");
  int64_t id;
  bool ordered;
  const json_t* it;
  int rc = zcxi_json_member_int(c, d, "id", 0, INT64_MAX, &id);
  if (rc == 0) {
    rc = zcxi_json_member_bool(c, d, "isOrdered", &ordered);
  }
  if (rc == 0) {
    rc = zcxi_json_member(c, d, "indexType", JSON_OBJECT, true, &it);
  }
  zcx_type_id_t index_id = ZCX_TYPE_INT32;
  if (rc == 0) {
    size_t saved2 = zcxi_json_path_push(c, ".indexType");
    const char* tname;
    rc = zcxi_json_member_string(c, it, "name", &tname);
    if (rc == 0 && strcmp(tname, "int") != 0) {
      rc = zcxi_json_fail(c, "index type \"%.40s\" is not \"int\"", tname);
    }
    if (rc == 0) {
      rc = read_int_type(c, it, &index_id);
    }
    zcxi_json_path_pop(c, saved2);
  }
  zcx_type_t* index_type = NULL;
  zcx_type_t* dict = NULL;
  if (rc == 0) {
    rc = zcx_type_create(index_id, &index_type, c->err);
  }
  if (rc == 0) {
    rc = zcxi_json_prefix(c, zcx_type_dictionary(index_type, *type, ordered, &dict, c->err));
  }
  if (rc == 0) {
    rc = zcxi_json_dict_register(c, id, *type);
  }
  zcx_type_release(index_type);
  zcxi_json_path_pop(c, saved);
  if (rc != 0) {
    zcx_type_release(dict);
    return rc;
  }
  zcx_type_release(*type);
  *type = dict;
  *id_out = id;
  return 0;
}

static int read_field_body(zcxi_json_ctx_t* c, const json_t* f, const char* name,
                           zcx_field_t** out) {
  bool nullable;
  const json_t* t;
  ZCX_RETURN_IF_ERROR(zcxi_json_member_bool(c, f, "nullable", &nullable));
  ZCX_RETURN_IF_ERROR(zcxi_json_member(c, f, "type", JSON_OBJECT, true, &t));
  zcx_field_t** children;
  int32_t n;
  ZCX_RETURN_IF_ERROR(read_children(c, f, &children, &n));
  zcx_type_t* type = NULL;
  size_t saved = zcxi_json_path_push(c, ".type");
  int rc = read_type(c, t, children, n, &type);
  zcxi_json_path_pop(c, saved);
  release_fields(children, n);
  ZCX_RETURN_IF_ERROR(rc);

  int64_t dict_id = -1;
  zcx_metadata_t md;
  zcx_metadata_init(&md);
  const json_t* ext_name = NULL;
  const json_t* ext_meta = NULL;
  rc = read_dictionary(c, f, &type, &dict_id);
  if (rc == 0) {
    rc = read_metadata(c, f, &md, &ext_name, &ext_meta);
  }
  if (rc == 0 && ext_name != NULL) {
    zcx_type_t* ext = NULL;
    const char* meta = ext_meta != NULL ? json_string_value(ext_meta) : "";
    int64_t meta_len = ext_meta != NULL ? (int64_t)json_string_length(ext_meta) : 0;
    rc = zcxi_json_prefix(c, zcx_type_extension(json_string_value(ext_name), meta, meta_len,
                                                type, &ext, c->err));
    zcx_type_release(type);
    type = ext;
  }
  zcx_field_t* field = NULL;
  if (rc == 0) {
    rc = zcxi_json_prefix(c, zcx_field_create(name, type, nullable, &md, &field, c->err));
  }
  if (rc == 0 && dict_id >= 0) {
    zcx_field_t* with_id = NULL;
    rc = zcxi_json_prefix(c, zcx_field_with_dictionary_id(field, dict_id, &with_id, c->err));
    zcx_field_release(field);
    field = with_id;
  }
  zcx_metadata_reset(&md);
  zcx_type_release(type);
  if (rc != 0) {
    zcx_field_release(field);
    return rc;
  }
  *out = field;
  return 0;
}

static int read_field(zcxi_json_ctx_t* c, const json_t* f, zcx_field_t** out) {
  *out = NULL;
  const char* name;
  ZCX_RETURN_IF_ERROR(zcxi_json_member_string(c, f, "name", &name));
  if (c->depth >= ZCXI_JSON_MAX_DEPTH) {
    return zcxi_json_fail(c, "fields nested deeper than %d levels", ZCXI_JSON_MAX_DEPTH);
  }
  size_t saved = zcxi_json_path_push(c, " '%.60s'", name);
  c->depth++;
  int rc = read_field_body(c, f, name, out);
  c->depth--;
  zcxi_json_path_pop(c, saved);
  return rc;
}

int zcxi_json_read_schema(zcxi_json_ctx_t* c, const json_t* schema, zcx_schema_t** out) {
  *out = NULL;
  size_t saved = zcxi_json_path_push(c, "schema");
  const json_t* arr;
  int rc = zcxi_json_member(c, schema, "fields", JSON_ARRAY, true, &arr);
  size_t n = rc == 0 ? json_array_size(arr) : 0;
  if (rc == 0 && n > INT32_MAX) {
    rc = zcxi_json_fail(c, "%zu fields are too many", n);
  }
  zcx_field_t** fields = NULL;
  size_t done = 0;
  if (rc == 0 && n > 0) {
    fields = calloc(n, sizeof(*fields));
    if (fields == NULL) {
      rc = zcxi_json_fail_code(c, ENOMEM, "out of memory for %zu fields", n);
    }
  }
  for (; rc == 0 && done < n; done++) {
    size_t saved2 = zcxi_json_path_push(c, ".fields[%zu]", done);
    rc = read_field(c, json_array_get(arr, done), &fields[done]);
    zcxi_json_path_pop(c, saved2);
    if (rc != 0) {
      break;
    }
  }
  zcx_metadata_t md;
  zcx_metadata_init(&md);
  if (rc == 0) {
    rc = read_metadata(c, schema, &md, NULL, NULL);
  }
  if (rc == 0) {
    rc = zcxi_json_prefix(c, zcx_schema_create(fields, (int32_t)n, &md, out, c->err));
  }
  zcx_metadata_reset(&md);
  release_fields(fields, (int32_t)done);
  zcxi_json_path_pop(c, saved);
  return rc;
}
