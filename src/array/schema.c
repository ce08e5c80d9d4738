// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Schemas: ordered fields with metadata.
#include <stdlib.h>
#include <string.h>

#include "array/internal.h"

int zcx_schema_create(zcx_field_t* const* fields, int32_t n, const zcx_metadata_t* metadata,
                      zcx_schema_t** out, zcx_error_t* err) {
  if (out == NULL) {
    return zcx_error_fail(err, EINVAL, "schema_create: out is NULL");
  }
  *out = NULL;
  if (n < 0 || (n > 0 && fields == NULL)) {
    return zcx_error_fail(err, EINVAL, "schema_create: bad fields (%d, %s)", n,
                          fields == NULL ? "NULL" : "non-NULL");
  }
  for (int32_t i = 0; i < n; i++) {
    if (fields[i] == NULL) {
      return zcx_error_fail(err, EINVAL, "schema_create: field %d is NULL", i);
    }
  }
  zcx_schema_t* s = calloc(1, sizeof(*s));
  if (s == NULL) {
    return zcx_error_fail(err, ENOMEM, "schema_create: out of memory");
  }
  s->refcount_ = 1;
  if (n > 0) {
    s->fields = calloc((size_t)n, sizeof(zcx_field_t*));
    if (s->fields == NULL) {
      free(s);
      return zcx_error_fail(err, ENOMEM, "schema_create: out of memory for %d fields", n);
    }
  }
  int rc = zcx_metadata_copy(metadata, &s->metadata, err);
  if (rc != 0) {
    free(s->fields);
    free(s);
    return rc;
  }
  for (int32_t i = 0; i < n; i++) {
    zcx_field_retain(fields[i]);
    s->fields[i] = fields[i];
  }
  s->num_fields = n;
  *out = s;
  return 0;
}

int32_t zcx_schema_field_index(const zcx_schema_t* schema, const char* name) {
  if (schema == NULL || name == NULL) {
    return -1;
  }
  for (int32_t i = 0; i < schema->num_fields; i++) {
    if (strcmp(schema->fields[i]->name, name) == 0) {
      return i;
    }
  }
  return -1;
}

bool zcx_schema_equal(const zcx_schema_t* a, const zcx_schema_t* b) {
  if (a == b) {
    return true;
  }
  if (a == NULL || b == NULL || a->num_fields != b->num_fields ||
      !zcx_metadata_equal(&a->metadata, &b->metadata)) {
    return false;
  }
  for (int32_t i = 0; i < a->num_fields; i++) {
    if (!zcx_field_equal(a->fields[i], b->fields[i])) {
      return false;
    }
  }
  return true;
}

void zcx_schema_retain(zcx_schema_t* schema) {
  if (schema != NULL) {
    zcxi_atomic_inc_i64(&schema->refcount_);
  }
}

void zcx_schema_release(zcx_schema_t* schema) {
  if (schema == NULL || !zcxi_atomic_dec_i64(&schema->refcount_)) {
    return;
  }
  for (int32_t i = 0; i < schema->num_fields; i++) {
    zcx_field_release(schema->fields[i]);
  }
  free(schema->fields);
  zcx_metadata_reset(&schema->metadata);
  free(schema);
}
