// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Record layout descriptors: fields, their checks, and the Arrow schema they describe.
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "layout/layout_internal.h"

int zcx_layout_create(int64_t record_size, zcx_layout_t** out, zcx_error_t* err) {
  if (out == NULL) {
    return zcx_error_fail(err, EINVAL, "zcx_layout_create: out is NULL");
  }
  *out = NULL;
  if (record_size <= 0) {
    return zcx_error_fail(err, EINVAL, "zcx_layout_create: record size %lld must be > 0",
                          (long long)record_size);
  }
  zcx_layout_t* l = calloc(1, sizeof(*l));
  if (l == NULL) {
    return zcx_error_fail(err, ENOMEM, "zcx_layout_create: out of memory");
  }
  l->record_size = record_size;
  *out = l;
  return 0;
}

void zcx_layout_destroy(zcx_layout_t* layout) {
  if (layout == NULL) {
    return;
  }
  for (int32_t i = 0; i < layout->num_fields; i++) {
    free(layout->fields[i].name);
    zcx_type_release(layout->fields[i].type);
  }
  free(layout->fields);
  free(layout);
}

int zcx_layout_create_from(int64_t record_size, const zcx_layout_field_desc_t* fields, int32_t n,
                           zcx_layout_t** out, zcx_error_t* err) {
  if (out == NULL) {
    return zcx_error_fail(err, EINVAL, "zcx_layout_create_from: out is NULL");
  }
  *out = NULL;
  if (n < 0 || (n > 0 && fields == NULL)) {
    return zcx_error_fail(err, EINVAL, "zcx_layout_create_from: %d fields at %p", (int)n,
                          (const void*)fields);
  }
  zcx_layout_t* l = NULL;
  ZCX_RETURN_IF_ERROR(zcx_layout_create(record_size, &l, err));
  for (int32_t i = 0; i < n; i++) {
    int rc = zcx_layout_add_field(l, fields[i].name, fields[i].type_id, fields[i].offset,
                                  fields[i].count, err);
    if (rc != 0) {
      zcx_error_prefix(err, "descriptor %d: ", (int)i);
      zcx_layout_destroy(l);
      return rc;
    }
  }
  *out = l;
  return 0;
}

// The parameterless fixed-width types zcx_layout_add_field accepts.
static bool simple_fixed_width(zcx_type_id_t id) {
  switch (id) {
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
      return true;
    default:
      return false;
  }
}

int zcx_layout_add_field(zcx_layout_t* layout, const char* name, zcx_type_id_t type_id,
                         int64_t offset, int32_t count, zcx_error_t* err) {
  const char* shown = name != NULL ? name : "(null)";
  if (layout == NULL) {
    return zcx_error_fail(err, EINVAL, "zcx_layout_add_field: layout is NULL");
  }
  if (!simple_fixed_width(type_id)) {
    return zcx_error_fail(err, EINVAL,
                          "field '%s': type %s is not a parameterless fixed-width type "
                          "(use zcx_layout_add_field_type for types with parameters)",
                          shown, zcx_type_id_name(type_id));
  }
  if (count < 1) {
    return zcx_error_fail(err, EINVAL, "field '%s': count %d must be >= 1", shown, (int)count);
  }
  zcx_type_t* value = NULL;
  ZCX_RETURN_IF_ERROR(zcx_type_create(type_id, &value, err));
  zcx_type_t* type = value;
  int rc = 0;
  if (count > 1) {
    zcx_field_t* item = NULL;
    rc = zcx_field_create("item", value, false, NULL, &item, err);
    zcx_type_release(value);
    if (rc != 0) {
      return rc;
    }
    rc = zcx_type_fixed_size_list(item, count, &type, err);
    zcx_field_release(item);
    if (rc != 0) {
      return rc;
    }
  }
  rc = zcx_layout_add_field_type(layout, name, type, offset, err);
  zcx_type_release(type);
  return rc;
}

// Finds the value type, count and value size of a field type, or fails with ENOTSUP.
static int field_shape(const char* name, const zcx_type_t* type, zcx_type_t** value_type,
                       int32_t* count, int32_t* value_size, zcx_error_t* err) {
  const zcx_type_t* value = type;
  *count = 1;
  if (type->id == ZCX_TYPE_FIXED_SIZE_LIST) {
    if (type->num_children != 1 || type->children == NULL || type->children[0] == NULL) {
      return zcx_error_fail(err, EINVAL, "field '%s': fixed-size list without a child", name);
    }
    value = type->children[0]->type;
    *count = type->fixed_size;
    if (*count < 1) {
      return zcx_error_fail(err, EINVAL, "field '%s': fixed-size list of %d values; need >= 1",
                            name, (int)*count);
    }
  }
  char desc[128];
  if (value->id == ZCX_TYPE_BOOL) {
    *value_size = 1;
  } else if (value->id == ZCX_TYPE_EXTENSION || value->id == ZCX_TYPE_DICTIONARY ||
             value->id == ZCX_TYPE_FIXED_SIZE_LIST || zcx_type_byte_width(value) <= 0) {
    zcx_type_to_string(type, desc, sizeof(desc));
    return zcx_error_fail(err, ENOTSUP,
                          "field '%s': type %s has no fixed width in bytes (a layout field is "
                          "a fixed-width value or a fixed-size list of one)",
                          name, desc);
  } else {
    *value_size = zcx_type_byte_width(value);
  }
  *value_type = (zcx_type_t*)value;
  return 0;
}

int zcx_layout_add_field_type(zcx_layout_t* layout, const char* name, zcx_type_t* type,
                              int64_t offset, zcx_error_t* err) {
  if (layout == NULL || type == NULL) {
    return zcx_error_fail(err, EINVAL, "zcx_layout_add_field_type: %s is NULL",
                          layout == NULL ? "layout" : "type");
  }
  if (name == NULL || name[0] == '\0') {
    return zcx_error_fail(err, EINVAL, "layout field %d: the name is %s",
                          (int)layout->num_fields, name == NULL ? "NULL" : "empty");
  }
  if (zcx_layout_field_index(layout, name) >= 0) {
    return zcx_error_fail(err, EINVAL, "field '%s': duplicate name", name);
  }
  zcx_type_t* value_type = NULL;
  int32_t count = 0;
  int32_t value_size = 0;
  ZCX_RETURN_IF_ERROR(field_shape(name, type, &value_type, &count, &value_size, err));
  int64_t byte_size = (int64_t)count * value_size;  // both < 2^31: fits
  int64_t end = 0;
  if (offset < 0) {
    return zcx_error_fail(err, EINVAL, "field '%s': negative offset %lld", name,
                          (long long)offset);
  }
  if (!zcxi_add_i64(offset, byte_size, &end) || end > layout->record_size) {
    return zcx_error_fail(err, EINVAL,
                          "field '%s': %lld bytes at offset %lld leave the record of %lld "
                          "bytes",
                          name, (long long)byte_size, (long long)offset,
                          (long long)layout->record_size);
  }
  for (int32_t i = 0; i < layout->num_fields; i++) {
    const zcxi_layout_field_t* f = &layout->fields[i];
    if (offset < f->offset + f->byte_size && f->offset < end) {
      return zcx_error_fail(err, EINVAL,
                            "field '%s': bytes [%lld, %lld) overlap field '%s' at [%lld, %lld)",
                            name, (long long)offset, (long long)end, f->name,
                            (long long)f->offset, (long long)(f->offset + f->byte_size));
    }
  }
  if (layout->num_fields == layout->capacity) {
    if (layout->capacity >= INT32_MAX / 2) {
      return zcx_error_fail(err, EINVAL, "field '%s': too many fields", name);
    }
    int32_t cap = layout->capacity == 0 ? 8 : layout->capacity * 2;
    zcxi_layout_field_t* grown = realloc(layout->fields, (size_t)cap * sizeof(*grown));
    if (grown == NULL) {
      return zcx_error_fail(err, ENOMEM, "field '%s': out of memory", name);
    }
    layout->fields = grown;
    layout->capacity = cap;
  }
  size_t len = strlen(name);
  char* copy = malloc(len + 1);
  if (copy == NULL) {
    return zcx_error_fail(err, ENOMEM, "field '%s': out of memory", name);
  }
  memcpy(copy, name, len + 1);
  zcx_type_retain(type);
  zcxi_layout_field_t* f = &layout->fields[layout->num_fields++];
  f->name = copy;
  f->type = type;
  f->value_type = value_type;
  f->offset = offset;
  f->count = count;
  f->value_size = value_size;
  f->byte_size = byte_size;
  f->is_bool = value_type->id == ZCX_TYPE_BOOL;
  f->is_list = type->id == ZCX_TYPE_FIXED_SIZE_LIST;
  layout->covered_bytes += byte_size;
  return 0;
}

int64_t zcx_layout_record_size(const zcx_layout_t* layout) {
  return layout != NULL ? layout->record_size : 0;
}

int32_t zcx_layout_num_fields(const zcx_layout_t* layout) {
  return layout != NULL ? layout->num_fields : 0;
}

int32_t zcx_layout_field_index(const zcx_layout_t* layout, const char* name) {
  if (layout == NULL || name == NULL) {
    return -1;
  }
  for (int32_t i = 0; i < layout->num_fields; i++) {
    if (strcmp(layout->fields[i].name, name) == 0) {
      return i;
    }
  }
  return -1;
}

int zcx_layout_field(const zcx_layout_t* layout, int32_t i, zcx_layout_field_info_t* info,
                     zcx_error_t* err) {
  if (layout == NULL || info == NULL) {
    return zcx_error_fail(err, EINVAL, "zcx_layout_field: %s is NULL",
                          layout == NULL ? "layout" : "info");
  }
  if (i < 0 || i >= layout->num_fields) {
    return zcx_error_fail(err, EINVAL, "zcx_layout_field: index %d not in [0, %d)", (int)i,
                          (int)layout->num_fields);
  }
  const zcxi_layout_field_t* f = &layout->fields[i];
  info->name = f->name;
  info->type = f->type;
  info->value_type = f->value_type;
  info->offset = f->offset;
  info->count = f->count;
  info->value_size = f->value_size;
  info->byte_size = f->byte_size;
  return 0;
}

int zcx_layout_schema(const zcx_layout_t* layout, zcx_schema_t** out, zcx_error_t* err) {
  if (layout == NULL || out == NULL) {
    return zcx_error_fail(err, EINVAL, "zcx_layout_schema: %s is NULL",
                          layout == NULL ? "layout" : "out");
  }
  *out = NULL;
  if (layout->num_fields == 0) {
    return zcx_error_fail(err, EINVAL, "zcx_layout_schema: the layout has no fields");
  }
  zcx_field_t** fields = calloc((size_t)layout->num_fields, sizeof(*fields));
  if (fields == NULL) {
    return zcx_error_fail(err, ENOMEM, "zcx_layout_schema: out of memory");
  }
  int rc = 0;
  for (int32_t i = 0; i < layout->num_fields && rc == 0; i++) {
    rc = zcx_field_create(layout->fields[i].name, layout->fields[i].type, false, NULL,
                          &fields[i], err);
  }
  if (rc == 0) {
    rc = zcx_schema_create(fields, layout->num_fields, NULL, out, err);
  }
  for (int32_t i = 0; i < layout->num_fields; i++) {
    zcx_field_release(fields[i]);
  }
  free(fields);
  return rc;
}

void zcx_layout_options_init(zcx_layout_options_t* options) {
  if (options == NULL) {
    return;
  }
  memset(options, 0, sizeof(*options));
  options->size = (uint32_t)sizeof(*options);
}

int zcxi_layout_read_options(const zcx_layout_options_t* options, const char* where,
                             zcx_layout_options_t* out, zcx_error_t* err) {
  zcx_layout_options_init(out);
  if (options == NULL) {
    return 0;
  }
  if (options->size < sizeof(*options)) {
    return zcx_error_fail(err, EINVAL,
                          "%s: options of size %u; initialize them with zcx_layout_options_init",
                          where, (unsigned)options->size);
  }
  const uint32_t known = ZCX_LAYOUT_CONTIGUOUS | ZCX_LAYOUT_NULLS_AS_ZEROS |
                         ZCX_LAYOUT_STREAM_STORES;
  if ((options->flags & ~known) != 0) {
    return zcx_error_fail(err, EINVAL, "%s: unknown option flags 0x%x", where,
                          (unsigned)(options->flags & ~known));
  }
  if (options->threads < 0) {
    return zcx_error_fail(err, EINVAL, "%s: threads %d must be >= 0 (0: every CPU)", where,
                          (int)options->threads);
  }
  *out = *options;
  out->size = (uint32_t)sizeof(*out);
  return 0;
}
