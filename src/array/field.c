// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Fields: a name, a type, nullability, metadata and an IPC dictionary id.
#include <stdlib.h>
#include <string.h>

#include "array/internal.h"

int zcxi_field_new(const char* name, zcx_type_t* type, bool nullable, zcx_field_t** out,
                   zcx_error_t* err) {
  zcx_field_t* f = calloc(1, sizeof(*f));
  if (f == NULL) {
    *out = NULL;
    return zcx_error_fail(err, ENOMEM, "field '%s': out of memory", name);
  }
  f->name = strdup(name);
  if (f->name == NULL) {
    free(f);
    *out = NULL;
    return zcx_error_fail(err, ENOMEM, "field '%s': out of memory", name);
  }
  zcx_type_retain(type);
  f->type = type;
  f->nullable = nullable;
  zcx_metadata_init(&f->metadata);
  f->dictionary_id = -1;
  f->refcount_ = 1;
  *out = f;
  return 0;
}

int zcx_field_create(const char* name, zcx_type_t* type, bool nullable,
                     const zcx_metadata_t* metadata, zcx_field_t** out, zcx_error_t* err) {
  if (out == NULL) {
    return zcx_error_fail(err, EINVAL, "field_create: out is NULL");
  }
  *out = NULL;
  if (name == NULL) {
    name = "";
  }
  if (type == NULL) {
    return zcx_error_fail(err, EINVAL, "field '%s': type is NULL", name);
  }
  zcx_field_t* f;
  ZCX_RETURN_IF_ERROR(zcxi_field_new(name, type, nullable, &f, err));
  int rc = zcx_metadata_copy(metadata, &f->metadata, err);
  if (rc != 0) {
    zcx_field_release(f);
    return rc;
  }
  *out = f;
  return 0;
}

int zcx_field_with_dictionary_id(const zcx_field_t* field, int64_t id, zcx_field_t** out,
                                 zcx_error_t* err) {
  if (field == NULL) {
    if (out != NULL) {
      *out = NULL;
    }
    return zcx_error_fail(err, EINVAL, "field_with_dictionary_id: field is NULL");
  }
  ZCX_RETURN_IF_ERROR(
      zcx_field_create(field->name, field->type, field->nullable, &field->metadata, out, err));
  (*out)->dictionary_id = id;
  return 0;
}

void zcx_field_retain(zcx_field_t* field) {
  if (field != NULL) {
    zcxi_atomic_inc_i64(&field->refcount_);
  }
}

void zcx_field_release(zcx_field_t* field) {
  if (field == NULL || !zcxi_atomic_dec_i64(&field->refcount_)) {
    return;
  }
  free(field->name);
  zcx_type_release(field->type);
  zcx_metadata_reset(&field->metadata);
  free(field);
}

bool zcx_field_equal(const zcx_field_t* a, const zcx_field_t* b) {
  if (a == b) {
    return true;
  }
  if (a == NULL || b == NULL) {
    return false;
  }
  // The dictionary id is an IPC detail of one stream, not part of what the field means.
  return a->nullable == b->nullable && strcmp(a->name, b->name) == 0 &&
         zcx_metadata_equal(&a->metadata, &b->metadata) && zcx_type_equal(a->type, b->type);
}
