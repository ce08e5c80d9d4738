// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Arrow data types: constructors with argument checks, reference counts, equality, names,
// widths and descriptions.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array/internal.h"

static int type_new(zcx_type_id_t id, zcx_type_t** out, zcx_error_t* err) {
  if (out == NULL) {
    return zcx_error_fail(err, EINVAL, "type %s: out is NULL", zcx_type_id_name(id));
  }
  *out = NULL;
  zcx_type_t* t = calloc(1, sizeof(*t));
  if (t == NULL) {
    return zcx_error_fail(err, ENOMEM, "type %s: out of memory", zcx_type_id_name(id));
  }
  t->id = id;
  t->refcount_ = 1;
  *out = t;
  return 0;
}

// Takes references to `n` fields into a new array of children.
static int type_set_children(zcx_type_t* t, zcx_field_t* const* fields, int32_t n,
                             zcx_error_t* err) {
  if (n == 0) {
    return 0;
  }
  t->children = calloc((size_t)n, sizeof(zcx_field_t*));
  if (t->children == NULL) {
    return zcx_error_fail(err, ENOMEM, "type %s: out of memory for %d children",
                          zcx_type_id_name(t->id), n);
  }
  for (int32_t i = 0; i < n; i++) {
    zcx_field_retain(fields[i]);
    t->children[i] = fields[i];
  }
  t->num_children = n;
  return 0;
}

static int check_fields(const char* what, zcx_field_t* const* fields, int32_t n,
                        zcx_error_t* err) {
  if (n < 0) {
    return zcx_error_fail(err, EINVAL, "%s: negative number of fields %d", what, n);
  }
  if (n > 0 && fields == NULL) {
    return zcx_error_fail(err, EINVAL, "%s: fields is NULL with %d fields", what, n);
  }
  for (int32_t i = 0; i < n; i++) {
    if (fields[i] == NULL) {
      return zcx_error_fail(err, EINVAL, "%s: field %d is NULL", what, i);
    }
  }
  return 0;
}

static int32_t fixed_bit_width(zcx_type_id_t id) {
  switch (id) {
    case ZCX_TYPE_BOOL: return 1;
    case ZCX_TYPE_INT8:
    case ZCX_TYPE_UINT8: return 8;
    case ZCX_TYPE_INT16:
    case ZCX_TYPE_UINT16:
    case ZCX_TYPE_HALF_FLOAT: return 16;
    case ZCX_TYPE_INT32:
    case ZCX_TYPE_UINT32:
    case ZCX_TYPE_FLOAT:
    case ZCX_TYPE_DATE32:
    case ZCX_TYPE_TIME32:
    case ZCX_TYPE_INTERVAL_MONTHS: return 32;
    case ZCX_TYPE_INT64:
    case ZCX_TYPE_UINT64:
    case ZCX_TYPE_DOUBLE:
    case ZCX_TYPE_DATE64:
    case ZCX_TYPE_TIME64:
    case ZCX_TYPE_TIMESTAMP:
    case ZCX_TYPE_DURATION:
    case ZCX_TYPE_INTERVAL_DAY_TIME: return 64;
    case ZCX_TYPE_INTERVAL_MONTH_DAY_NANO: return 128;
    default: return 0;
  }
}

int zcx_type_create(zcx_type_id_t id, zcx_type_t** out, zcx_error_t* err) {
  switch (id) {
    case ZCX_TYPE_NA:
    case ZCX_TYPE_BOOL:
    case ZCX_TYPE_INT8:
    case ZCX_TYPE_UINT8:
    case ZCX_TYPE_INT16:
    case ZCX_TYPE_UINT16:
    case ZCX_TYPE_INT32:
    case ZCX_TYPE_UINT32:
    case ZCX_TYPE_INT64:
    case ZCX_TYPE_UINT64:
    case ZCX_TYPE_HALF_FLOAT:
    case ZCX_TYPE_FLOAT:
    case ZCX_TYPE_DOUBLE:
    case ZCX_TYPE_DATE32:
    case ZCX_TYPE_DATE64:
    case ZCX_TYPE_INTERVAL_MONTHS:
    case ZCX_TYPE_INTERVAL_DAY_TIME:
    case ZCX_TYPE_INTERVAL_MONTH_DAY_NANO:
    case ZCX_TYPE_BINARY:
    case ZCX_TYPE_STRING:
    case ZCX_TYPE_LARGE_BINARY:
    case ZCX_TYPE_LARGE_STRING:
    case ZCX_TYPE_BINARY_VIEW:
    case ZCX_TYPE_STRING_VIEW:
      break;
    default:
      if (out != NULL) {
        *out = NULL;
      }
      if ((int)id < 0 || id >= ZCX_TYPE_COUNT_) {
        return zcx_error_fail(err, EINVAL, "type_create: unknown type id %d", (int)id);
      }
      return zcx_error_fail(err, EINVAL, "type_create: type %s needs parameters",
                            zcx_type_id_name(id));
  }
  ZCX_RETURN_IF_ERROR(type_new(id, out, err));
  (*out)->bit_width = fixed_bit_width(id);
  return 0;
}

int zcx_type_decimal(int32_t bit_width, int32_t precision, int32_t scale, zcx_type_t** out,
                     zcx_error_t* err) {
  zcx_type_id_t id;
  int32_t max_precision;
  switch (bit_width) {
    case 32: id = ZCX_TYPE_DECIMAL32; max_precision = 9; break;
    case 64: id = ZCX_TYPE_DECIMAL64; max_precision = 18; break;
    case 128: id = ZCX_TYPE_DECIMAL128; max_precision = 38; break;
    case 256: id = ZCX_TYPE_DECIMAL256; max_precision = 76; break;
    default:
      if (out != NULL) {
        *out = NULL;
      }
      return zcx_error_fail(err, EINVAL, "decimal: bit width %d is not 32, 64, 128 or 256",
                            bit_width);
  }
  if (precision < 1 || precision > max_precision) {
    if (out != NULL) {
      *out = NULL;
    }
    return zcx_error_fail(err, EINVAL, "decimal%d: precision %d is outside 1..%d", bit_width,
                          precision, max_precision);
  }
  ZCX_RETURN_IF_ERROR(type_new(id, out, err));
  (*out)->bit_width = bit_width;
  (*out)->precision = precision;
  (*out)->scale = scale;
  return 0;
}

static const char* unit_name(zcx_time_unit_t unit) {
  switch (unit) {
    case ZCX_TIME_SECOND: return "s";
    case ZCX_TIME_MILLI: return "ms";
    case ZCX_TIME_MICRO: return "us";
    case ZCX_TIME_NANO: return "ns";
  }
  return "?";
}

static bool unit_valid(zcx_time_unit_t unit) {
  return (int)unit >= ZCX_TIME_SECOND && (int)unit <= ZCX_TIME_NANO;
}

int zcx_type_time(zcx_type_id_t id, zcx_time_unit_t unit, zcx_type_t** out, zcx_error_t* err) {
  if (out != NULL) {
    *out = NULL;
  }
  if (!unit_valid(unit)) {
    return zcx_error_fail(err, EINVAL, "time type: unknown unit %d", (int)unit);
  }
  switch (id) {
    case ZCX_TYPE_TIME32:
      if (unit != ZCX_TIME_SECOND && unit != ZCX_TIME_MILLI) {
        return zcx_error_fail(err, EINVAL, "time32: unit %s is not s or ms", unit_name(unit));
      }
      break;
    case ZCX_TYPE_TIME64:
      if (unit != ZCX_TIME_MICRO && unit != ZCX_TIME_NANO) {
        return zcx_error_fail(err, EINVAL, "time64: unit %s is not us or ns", unit_name(unit));
      }
      break;
    case ZCX_TYPE_DURATION:
      break;
    default:
      return zcx_error_fail(err, EINVAL, "type_time: type id %d is not time32, time64 or duration",
                            (int)id);
  }
  ZCX_RETURN_IF_ERROR(type_new(id, out, err));
  (*out)->unit = unit;
  (*out)->bit_width = fixed_bit_width(id);
  return 0;
}

int zcx_type_timestamp(zcx_time_unit_t unit, const char* timezone, zcx_type_t** out,
                       zcx_error_t* err) {
  if (out != NULL) {
    *out = NULL;
  }
  if (!unit_valid(unit)) {
    return zcx_error_fail(err, EINVAL, "timestamp: unknown unit %d", (int)unit);
  }
  ZCX_RETURN_IF_ERROR(type_new(ZCX_TYPE_TIMESTAMP, out, err));
  zcx_type_t* t = *out;
  t->unit = unit;
  t->bit_width = 64;
  if (timezone != NULL && timezone[0] != '\0') {
    t->timezone = strdup(timezone);
    if (t->timezone == NULL) {
      free(t);
      *out = NULL;
      return zcx_error_fail(err, ENOMEM, "timestamp: out of memory for the time zone");
    }
  }
  return 0;
}

int zcx_type_fixed_size_binary(int32_t byte_width, zcx_type_t** out, zcx_error_t* err) {
  if (out != NULL) {
    *out = NULL;
  }
  if (byte_width < 0 || byte_width > INT32_MAX / 8) {
    return zcx_error_fail(err, EINVAL, "fixed_size_binary: byte width %d is outside 0..%d",
                          byte_width, INT32_MAX / 8);
  }
  ZCX_RETURN_IF_ERROR(type_new(ZCX_TYPE_FIXED_SIZE_BINARY, out, err));
  (*out)->fixed_size = byte_width;
  (*out)->bit_width = byte_width * 8;
  return 0;
}

int zcx_type_list(zcx_type_id_t id, zcx_field_t* value_field, zcx_type_t** out,
                  zcx_error_t* err) {
  if (out != NULL) {
    *out = NULL;
  }
  if (id != ZCX_TYPE_LIST && id != ZCX_TYPE_LARGE_LIST && id != ZCX_TYPE_LIST_VIEW &&
      id != ZCX_TYPE_LARGE_LIST_VIEW) {
    return zcx_error_fail(err, EINVAL, "type_list: type id %d is not a list or list view",
                          (int)id);
  }
  if (value_field == NULL) {
    return zcx_error_fail(err, EINVAL, "%s: value field is NULL", zcx_type_id_name(id));
  }
  ZCX_RETURN_IF_ERROR(type_new(id, out, err));
  int rc = type_set_children(*out, &value_field, 1, err);
  if (rc != 0) {
    zcx_type_release(*out);
    *out = NULL;
  }
  return rc;
}

int zcx_type_fixed_size_list(zcx_field_t* value_field, int32_t list_size, zcx_type_t** out,
                             zcx_error_t* err) {
  if (out != NULL) {
    *out = NULL;
  }
  if (value_field == NULL) {
    return zcx_error_fail(err, EINVAL, "fixed_size_list: value field is NULL");
  }
  if (list_size < 0) {
    return zcx_error_fail(err, EINVAL, "fixed_size_list: negative list size %d", list_size);
  }
  ZCX_RETURN_IF_ERROR(type_new(ZCX_TYPE_FIXED_SIZE_LIST, out, err));
  (*out)->fixed_size = list_size;
  int rc = type_set_children(*out, &value_field, 1, err);
  if (rc != 0) {
    zcx_type_release(*out);
    *out = NULL;
  }
  return rc;
}

int zcx_type_struct(zcx_field_t* const* fields, int32_t n, zcx_type_t** out, zcx_error_t* err) {
  if (out != NULL) {
    *out = NULL;
  }
  ZCX_RETURN_IF_ERROR(check_fields("struct", fields, n, err));
  ZCX_RETURN_IF_ERROR(type_new(ZCX_TYPE_STRUCT, out, err));
  int rc = type_set_children(*out, fields, n, err);
  if (rc != 0) {
    zcx_type_release(*out);
    *out = NULL;
  }
  return rc;
}

int zcx_type_map(zcx_field_t* entries_field, bool keys_sorted, zcx_type_t** out,
                 zcx_error_t* err) {
  if (out != NULL) {
    *out = NULL;
  }
  if (entries_field == NULL) {
    return zcx_error_fail(err, EINVAL, "map: entries field is NULL");
  }
  const zcx_type_t* et = entries_field->type;
  if (et->id != ZCX_TYPE_STRUCT || et->num_children != 2) {
    return zcx_error_fail(err, EINVAL,
                          "map: entries field '%s' is %s of %d fields, not a struct of 2",
                          entries_field->name, zcx_type_id_name(et->id), et->num_children);
  }
  if (entries_field->nullable) {
    return zcx_error_fail(err, EINVAL, "map: entries field '%s' is nullable",
                          entries_field->name);
  }
  if (et->children[0]->nullable) {
    return zcx_error_fail(err, EINVAL, "map: key field '%s' is nullable",
                          et->children[0]->name);
  }
  ZCX_RETURN_IF_ERROR(type_new(ZCX_TYPE_MAP, out, err));
  (*out)->keys_sorted = keys_sorted;
  int rc = type_set_children(*out, &entries_field, 1, err);
  if (rc != 0) {
    zcx_type_release(*out);
    *out = NULL;
  }
  return rc;
}

int zcx_type_union(zcx_type_id_t id, zcx_field_t* const* fields, const int8_t* type_codes,
                   int32_t n, zcx_type_t** out, zcx_error_t* err) {
  if (out != NULL) {
    *out = NULL;
  }
  if (id != ZCX_TYPE_SPARSE_UNION && id != ZCX_TYPE_DENSE_UNION) {
    return zcx_error_fail(err, EINVAL, "type_union: type id %d is not a union", (int)id);
  }
  const char* name = zcx_type_id_name(id);
  ZCX_RETURN_IF_ERROR(check_fields(name, fields, n, err));
  if (n > 128) {
    return zcx_error_fail(err, EINVAL, "%s: %d fields, at most 128", name, n);
  }
  bool seen[128] = {false};
  for (int32_t i = 0; type_codes != NULL && i < n; i++) {
    int8_t c = type_codes[i];
    if (c < 0) {
      return zcx_error_fail(err, EINVAL, "%s: type code %d of field %d is outside 0..127", name,
                            c, i);
    }
    if (seen[c]) {
      return zcx_error_fail(err, EINVAL, "%s: type code %d of field %d is repeated", name, c, i);
    }
    seen[c] = true;
  }
  ZCX_RETURN_IF_ERROR(type_new(id, out, err));
  zcx_type_t* t = *out;
  if (n > 0) {
    t->type_codes = malloc((size_t)n);
    if (t->type_codes == NULL) {
      free(t);
      *out = NULL;
      return zcx_error_fail(err, ENOMEM, "%s: out of memory", name);
    }
    for (int32_t i = 0; i < n; i++) {
      t->type_codes[i] = type_codes != NULL ? type_codes[i] : (int8_t)i;
    }
  }
  int rc = type_set_children(t, fields, n, err);
  if (rc != 0) {
    zcx_type_release(t);
    *out = NULL;
  }
  return rc;
}

int zcx_type_dictionary(zcx_type_t* index_type, zcx_type_t* value_type, bool ordered,
                        zcx_type_t** out, zcx_error_t* err) {
  if (out != NULL) {
    *out = NULL;
  }
  if (index_type == NULL || value_type == NULL) {
    return zcx_error_fail(err, EINVAL, "dictionary: %s type is NULL",
                          index_type == NULL ? "index" : "value");
  }
  if (!zcxi_id_is_integer(index_type->id)) {
    return zcx_error_fail(err, EINVAL, "dictionary: index type %s is not an integer type",
                          zcx_type_id_name(index_type->id));
  }
  ZCX_RETURN_IF_ERROR(type_new(ZCX_TYPE_DICTIONARY, out, err));
  zcx_type_retain(index_type);
  zcx_type_retain(value_type);
  (*out)->index_type = index_type;
  (*out)->value_type = value_type;
  (*out)->ordered = ordered;
  return 0;
}

int zcx_type_run_end_encoded(zcx_type_t* run_end_type, zcx_field_t* values_field,
                             zcx_type_t** out, zcx_error_t* err) {
  if (out != NULL) {
    *out = NULL;
  }
  if (run_end_type == NULL || values_field == NULL) {
    return zcx_error_fail(err, EINVAL, "run_end_encoded: %s is NULL",
                          run_end_type == NULL ? "run end type" : "values field");
  }
  if (run_end_type->id != ZCX_TYPE_INT16 && run_end_type->id != ZCX_TYPE_INT32 &&
      run_end_type->id != ZCX_TYPE_INT64) {
    return zcx_error_fail(err, EINVAL, "run_end_encoded: run end type %s is not int16/32/64",
                          zcx_type_id_name(run_end_type->id));
  }
  zcx_field_t* run_ends;
  ZCX_RETURN_IF_ERROR(zcxi_field_new("run_ends", run_end_type, false, &run_ends, err));
  int rc = type_new(ZCX_TYPE_RUN_END_ENCODED, out, err);
  if (rc == 0) {
    zcx_field_t* children[2] = {run_ends, values_field};
    rc = type_set_children(*out, children, 2, err);
    if (rc != 0) {
      zcx_type_release(*out);
      *out = NULL;
    }
  }
  zcx_field_release(run_ends);
  return rc;
}

int zcx_type_extension(const char* name, const void* metadata, int64_t metadata_length,
                       zcx_type_t* storage_type, zcx_type_t** out, zcx_error_t* err) {
  if (out != NULL) {
    *out = NULL;
  }
  if (name == NULL || name[0] == '\0') {
    return zcx_error_fail(err, EINVAL, "extension: empty name");
  }
  if (storage_type == NULL) {
    return zcx_error_fail(err, EINVAL, "extension '%s': storage type is NULL", name);
  }
  if (metadata_length < 0 || (metadata == NULL && metadata_length > 0)) {
    return zcx_error_fail(err, EINVAL, "extension '%s': bad metadata (length %lld)", name,
                          (long long)metadata_length);
  }
  ZCX_RETURN_IF_ERROR(type_new(ZCX_TYPE_EXTENSION, out, err));
  zcx_type_t* t = *out;
  t->extension_name = strdup(name);
  // One byte more than needed so that text metadata reads as a C string too.
  t->extension_metadata = malloc((size_t)metadata_length + 1);
  if (t->extension_name == NULL || t->extension_metadata == NULL) {
    zcx_type_release(t);
    *out = NULL;
    return zcx_error_fail(err, ENOMEM, "extension '%s': out of memory", name);
  }
  if (metadata_length > 0) {
    memcpy(t->extension_metadata, metadata, (size_t)metadata_length);
  }
  t->extension_metadata[metadata_length] = '\0';
  t->extension_metadata_length = metadata_length;
  zcx_type_retain(storage_type);
  t->storage_type = storage_type;
  t->bit_width = storage_type->bit_width;
  return 0;
}

void zcx_type_retain(zcx_type_t* type) {
  if (type != NULL) {
    zcxi_atomic_inc_i64(&type->refcount_);
  }
}

void zcx_type_release(zcx_type_t* type) {
  if (type == NULL || !zcxi_atomic_dec_i64(&type->refcount_)) {
    return;
  }
  for (int32_t i = 0; i < type->num_children; i++) {
    zcx_field_release(type->children[i]);
  }
  free(type->children);
  free(type->type_codes);
  free(type->timezone);
  free(type->extension_name);
  free(type->extension_metadata);
  zcx_type_release(type->index_type);
  zcx_type_release(type->value_type);
  zcx_type_release(type->storage_type);
  free(type);
}

static bool str_equal(const char* a, const char* b) {
  if (a == NULL || b == NULL) {
    return a == b;
  }
  return strcmp(a, b) == 0;
}

bool zcx_type_equal(const zcx_type_t* a, const zcx_type_t* b) {
  if (a == b) {
    return true;
  }
  if (a == NULL || b == NULL || a->id != b->id) {
    return false;
  }
  switch (a->id) {
    case ZCX_TYPE_DECIMAL32:
    case ZCX_TYPE_DECIMAL64:
    case ZCX_TYPE_DECIMAL128:
    case ZCX_TYPE_DECIMAL256:
      if (a->precision != b->precision || a->scale != b->scale) {
        return false;
      }
      break;
    case ZCX_TYPE_TIME32:
    case ZCX_TYPE_TIME64:
    case ZCX_TYPE_DURATION:
      if (a->unit != b->unit) {
        return false;
      }
      break;
    case ZCX_TYPE_TIMESTAMP:
      if (a->unit != b->unit || !str_equal(a->timezone, b->timezone)) {
        return false;
      }
      break;
    case ZCX_TYPE_FIXED_SIZE_BINARY:
    case ZCX_TYPE_FIXED_SIZE_LIST:
      if (a->fixed_size != b->fixed_size) {
        return false;
      }
      break;
    case ZCX_TYPE_MAP:
      if (a->keys_sorted != b->keys_sorted) {
        return false;
      }
      break;
    case ZCX_TYPE_SPARSE_UNION:
    case ZCX_TYPE_DENSE_UNION:
      if (a->num_children != b->num_children ||
          (a->num_children > 0 &&
           memcmp(a->type_codes, b->type_codes, (size_t)a->num_children) != 0)) {
        return false;
      }
      break;
    case ZCX_TYPE_DICTIONARY:
      return a->ordered == b->ordered && zcx_type_equal(a->index_type, b->index_type) &&
             zcx_type_equal(a->value_type, b->value_type);
    case ZCX_TYPE_EXTENSION:
      return strcmp(a->extension_name, b->extension_name) == 0 &&
             a->extension_metadata_length == b->extension_metadata_length &&
             (a->extension_metadata_length == 0 ||
              memcmp(a->extension_metadata, b->extension_metadata,
                     (size_t)a->extension_metadata_length) == 0) &&
             zcx_type_equal(a->storage_type, b->storage_type);
    default:
      break;
  }
  if (a->num_children != b->num_children) {
    return false;
  }
  for (int32_t i = 0; i < a->num_children; i++) {
    if (!zcx_field_equal(a->children[i], b->children[i])) {
      return false;
    }
  }
  return true;
}

static const char* const type_names[ZCX_TYPE_COUNT_] = {
    [ZCX_TYPE_NA] = "null",
    [ZCX_TYPE_BOOL] = "bool",
    [ZCX_TYPE_INT8] = "int8",
    [ZCX_TYPE_UINT8] = "uint8",
    [ZCX_TYPE_INT16] = "int16",
    [ZCX_TYPE_UINT16] = "uint16",
    [ZCX_TYPE_INT32] = "int32",
    [ZCX_TYPE_UINT32] = "uint32",
    [ZCX_TYPE_INT64] = "int64",
    [ZCX_TYPE_UINT64] = "uint64",
    [ZCX_TYPE_HALF_FLOAT] = "half_float",
    [ZCX_TYPE_FLOAT] = "float",
    [ZCX_TYPE_DOUBLE] = "double",
    [ZCX_TYPE_DECIMAL32] = "decimal32",
    [ZCX_TYPE_DECIMAL64] = "decimal64",
    [ZCX_TYPE_DECIMAL128] = "decimal128",
    [ZCX_TYPE_DECIMAL256] = "decimal256",
    [ZCX_TYPE_DATE32] = "date32",
    [ZCX_TYPE_DATE64] = "date64",
    [ZCX_TYPE_TIME32] = "time32",
    [ZCX_TYPE_TIME64] = "time64",
    [ZCX_TYPE_TIMESTAMP] = "timestamp",
    [ZCX_TYPE_DURATION] = "duration",
    [ZCX_TYPE_INTERVAL_MONTHS] = "interval_months",
    [ZCX_TYPE_INTERVAL_DAY_TIME] = "interval_day_time",
    [ZCX_TYPE_INTERVAL_MONTH_DAY_NANO] = "interval_month_day_nano",
    [ZCX_TYPE_BINARY] = "binary",
    [ZCX_TYPE_STRING] = "string",
    [ZCX_TYPE_LARGE_BINARY] = "large_binary",
    [ZCX_TYPE_LARGE_STRING] = "large_string",
    [ZCX_TYPE_BINARY_VIEW] = "binary_view",
    [ZCX_TYPE_STRING_VIEW] = "string_view",
    [ZCX_TYPE_FIXED_SIZE_BINARY] = "fixed_size_binary",
    [ZCX_TYPE_LIST] = "list",
    [ZCX_TYPE_LARGE_LIST] = "large_list",
    [ZCX_TYPE_LIST_VIEW] = "list_view",
    [ZCX_TYPE_LARGE_LIST_VIEW] = "large_list_view",
    [ZCX_TYPE_FIXED_SIZE_LIST] = "fixed_size_list",
    [ZCX_TYPE_STRUCT] = "struct",
    [ZCX_TYPE_MAP] = "map",
    [ZCX_TYPE_SPARSE_UNION] = "sparse_union",
    [ZCX_TYPE_DENSE_UNION] = "dense_union",
    [ZCX_TYPE_DICTIONARY] = "dictionary",
    [ZCX_TYPE_RUN_END_ENCODED] = "run_end_encoded",
    [ZCX_TYPE_EXTENSION] = "extension",
};

const char* zcx_type_id_name(zcx_type_id_t id) {
  if ((int)id < 0 || id >= ZCX_TYPE_COUNT_) {
    return "unknown";
  }
  return type_names[id];
}

int32_t zcx_type_byte_width(const zcx_type_t* type) {
  type = zcxi_storage_type(type);
  if (type == NULL) {
    return 0;
  }
  switch (type->id) {
    case ZCX_TYPE_BOOL: return 0;
    case ZCX_TYPE_DECIMAL32:
    case ZCX_TYPE_DECIMAL64:
    case ZCX_TYPE_DECIMAL128:
    case ZCX_TYPE_DECIMAL256: return type->bit_width / 8;
    case ZCX_TYPE_FIXED_SIZE_BINARY: return type->fixed_size;
    default: return fixed_bit_width(type->id) / 8;
  }
}

int32_t zcx_type_num_buffers(const zcx_type_t* type) {
  type = zcxi_storage_type(type);
  if (type == NULL) {
    return 0;
  }
  switch (type->id) {
    case ZCX_TYPE_NA:
    case ZCX_TYPE_RUN_END_ENCODED: return 0;
    case ZCX_TYPE_FIXED_SIZE_LIST:
    case ZCX_TYPE_STRUCT:
    case ZCX_TYPE_SPARSE_UNION: return 1;
    case ZCX_TYPE_BINARY:
    case ZCX_TYPE_STRING:
    case ZCX_TYPE_LARGE_BINARY:
    case ZCX_TYPE_LARGE_STRING:
    case ZCX_TYPE_LIST_VIEW:
    case ZCX_TYPE_LARGE_LIST_VIEW: return 3;
    default: return 2;
  }
}

int64_t zcxi_read_int(zcx_type_id_t id, const uint8_t* data, int64_t i) {
  // memcpy loads: imported buffers need not be aligned to their element size.
  switch (id) {
    case ZCX_TYPE_INT8: return (int8_t)data[i];
    case ZCX_TYPE_UINT8: return data[i];
    case ZCX_TYPE_INT16: {
      int16_t v;
      memcpy(&v, data + i * 2, 2);
      return v;
    }
    case ZCX_TYPE_UINT16: {
      uint16_t v;
      memcpy(&v, data + i * 2, 2);
      return v;
    }
    case ZCX_TYPE_INT32: return zcxi_load_i32(data, i);
    case ZCX_TYPE_UINT32: return (uint32_t)zcxi_load_i32(data, i);
    case ZCX_TYPE_INT64:
    case ZCX_TYPE_UINT64: return zcxi_load_i64(data, i);
    default: return 0;
  }
}

// ---------------------------------------------------------------------------------------------
// Descriptions

void zcxi_strbuf_init(zcxi_strbuf_t* s, char* buf, size_t size) {
  s->buf = buf;
  s->size = size;
  s->len = 0;
  if (size > 0) {
    buf[0] = '\0';
  }
}

void zcxi_strbuf_printf(zcxi_strbuf_t* s, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  size_t used = (size_t)s->len < s->size ? (size_t)s->len : s->size;
  char* dst = s->size > used ? s->buf + used : NULL;
  size_t room = s->size > used ? s->size - used : 0;
  char dummy[1];
  int n = vsnprintf(dst != NULL ? dst : dummy, dst != NULL ? room : 0, fmt, ap);
  va_end(ap);
  if (n > 0) {
    s->len += n;
  }
}

static void append_field(zcxi_strbuf_t* s, const zcx_field_t* f) {
  zcxi_strbuf_printf(s, "%s: ", f->name);
  zcxi_strbuf_append_type(s, f->type);
  if (!f->nullable) {
    zcxi_strbuf_printf(s, " not null");
  }
}

void zcxi_strbuf_append_type(zcxi_strbuf_t* s, const zcx_type_t* t) {
  if (t == NULL) {
    zcxi_strbuf_printf(s, "(null type)");
    return;
  }
  const char* name = zcx_type_id_name(t->id);
  switch (t->id) {
    case ZCX_TYPE_DECIMAL32:
    case ZCX_TYPE_DECIMAL64:
    case ZCX_TYPE_DECIMAL128:
    case ZCX_TYPE_DECIMAL256:
      zcxi_strbuf_printf(s, "%s(%d, %d)", name, t->precision, t->scale);
      break;
    case ZCX_TYPE_TIME32:
    case ZCX_TYPE_TIME64:
    case ZCX_TYPE_DURATION:
      zcxi_strbuf_printf(s, "%s[%s]", name, unit_name(t->unit));
      break;
    case ZCX_TYPE_TIMESTAMP:
      if (t->timezone != NULL) {
        zcxi_strbuf_printf(s, "%s[%s, tz=%s]", name, unit_name(t->unit), t->timezone);
      } else {
        zcxi_strbuf_printf(s, "%s[%s]", name, unit_name(t->unit));
      }
      break;
    case ZCX_TYPE_FIXED_SIZE_BINARY:
      zcxi_strbuf_printf(s, "%s[%d]", name, t->fixed_size);
      break;
    case ZCX_TYPE_LIST:
    case ZCX_TYPE_LARGE_LIST:
    case ZCX_TYPE_LIST_VIEW:
    case ZCX_TYPE_LARGE_LIST_VIEW:
    case ZCX_TYPE_FIXED_SIZE_LIST:
      zcxi_strbuf_printf(s, "%s<", name);
      append_field(s, t->children[0]);
      zcxi_strbuf_printf(s, ">");
      if (t->id == ZCX_TYPE_FIXED_SIZE_LIST) {
        zcxi_strbuf_printf(s, "[%d]", t->fixed_size);
      }
      break;
    case ZCX_TYPE_STRUCT:
    case ZCX_TYPE_SPARSE_UNION:
    case ZCX_TYPE_DENSE_UNION:
      zcxi_strbuf_printf(s, "%s<", name);
      for (int32_t i = 0; i < t->num_children; i++) {
        zcxi_strbuf_printf(s, "%s", i > 0 ? ", " : "");
        append_field(s, t->children[i]);
        if (t->id != ZCX_TYPE_STRUCT) {
          zcxi_strbuf_printf(s, "=%d", t->type_codes[i]);
        }
      }
      zcxi_strbuf_printf(s, ">");
      break;
    case ZCX_TYPE_MAP: {
      const zcx_type_t* entries = t->children[0]->type;
      zcxi_strbuf_printf(s, "map<");
      zcxi_strbuf_append_type(s, entries->children[0]->type);
      zcxi_strbuf_printf(s, ", ");
      zcxi_strbuf_append_type(s, entries->children[1]->type);
      zcxi_strbuf_printf(s, "%s>", t->keys_sorted ? ", keys_sorted" : "");
      break;
    }
    case ZCX_TYPE_DICTIONARY:
      zcxi_strbuf_printf(s, "dictionary<values=");
      zcxi_strbuf_append_type(s, t->value_type);
      zcxi_strbuf_printf(s, ", indices=");
      zcxi_strbuf_append_type(s, t->index_type);
      zcxi_strbuf_printf(s, "%s>", t->ordered ? ", ordered" : "");
      break;
    case ZCX_TYPE_RUN_END_ENCODED:
      zcxi_strbuf_printf(s, "run_end_encoded<run_ends: ");
      zcxi_strbuf_append_type(s, t->children[0]->type);
      zcxi_strbuf_printf(s, ", values: ");
      zcxi_strbuf_append_type(s, t->children[1]->type);
      zcxi_strbuf_printf(s, ">");
      break;
    case ZCX_TYPE_EXTENSION:
      zcxi_strbuf_printf(s, "ext<%s: ", t->extension_name);
      zcxi_strbuf_append_type(s, t->storage_type);
      zcxi_strbuf_printf(s, ">");
      break;
    default:
      zcxi_strbuf_printf(s, "%s", name);
      break;
  }
}

int64_t zcx_type_to_string(const zcx_type_t* type, char* buf, size_t size) {
  zcxi_strbuf_t s;
  zcxi_strbuf_init(&s, buf, size);
  zcxi_strbuf_append_type(&s, type);
  return s.len;
}
