// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Record batches: equal-length columns under a schema.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array/internal.h"

static int batch_check(const zcx_schema_t* schema, zcx_array_t* const* columns,
                       int32_t num_columns, int64_t num_rows, zcx_error_t* err) {
  if (schema == NULL) {
    return zcx_error_fail(err, EINVAL, "batch: schema is NULL");
  }
  if (num_columns != schema->num_fields) {
    return zcx_error_fail(err, EINVAL, "batch: %d columns for a schema of %d fields",
                          num_columns, schema->num_fields);
  }
  if (num_columns > 0 && columns == NULL) {
    return zcx_error_fail(err, EINVAL, "batch: columns is NULL");
  }
  if (num_rows < 0) {
    return zcx_error_fail(err, EINVAL, "batch: negative number of rows %lld", (long long)num_rows);
  }
  for (int32_t i = 0; i < num_columns; i++) {
    const zcx_field_t* f = schema->fields[i];
    if (columns[i] == NULL) {
      return zcx_error_fail(err, EINVAL, "batch: column '%s' (%d) is NULL", f->name, i);
    }
    if (!zcx_type_equal(columns[i]->type, f->type)) {
      char want[160];
      char got[160];
      zcx_type_to_string(f->type, want, sizeof(want));
      zcx_type_to_string(columns[i]->type, got, sizeof(got));
      return zcx_error_fail(err, EINVAL, "batch: column '%s' (%d) has type %s, the schema says %s",
                            f->name, i, got, want);
    }
    if (columns[i]->length != num_rows) {
      return zcx_error_fail(err, EINVAL, "batch: column '%s' (%d) has length %lld, not %lld rows",
                            f->name, i, (long long)columns[i]->length, (long long)num_rows);
    }
  }
  return 0;
}

int zcx_batch_create(zcx_schema_t* schema, zcx_array_t* const* columns, int32_t num_columns,
                     int64_t num_rows, zcx_batch_t** out, zcx_error_t* err) {
  if (out == NULL) {
    return zcx_error_fail(err, EINVAL, "batch_create: out is NULL");
  }
  *out = NULL;
  ZCX_RETURN_IF_ERROR(batch_check(schema, columns, num_columns, num_rows, err));
  zcx_batch_t* b = calloc(1, sizeof(*b));
  if (b == NULL) {
    return zcx_error_fail(err, ENOMEM, "batch_create: out of memory");
  }
  if (num_columns > 0) {
    b->columns = calloc((size_t)num_columns, sizeof(zcx_array_t*));
    if (b->columns == NULL) {
      free(b);
      return zcx_error_fail(err, ENOMEM, "batch_create: out of memory for %d columns",
                            num_columns);
    }
  }
  zcx_schema_retain(schema);
  b->schema = schema;
  for (int32_t i = 0; i < num_columns; i++) {
    zcx_array_retain(columns[i]);
    b->columns[i] = columns[i];
  }
  b->num_columns = num_columns;
  b->num_rows = num_rows;
  b->refcount_ = 1;
  *out = b;
  return 0;
}

zcx_array_t* zcx_batch_column_by_name(const zcx_batch_t* batch, const char* name) {
  if (batch == NULL) {
    return NULL;
  }
  int32_t i = zcx_schema_field_index(batch->schema, name);
  return i < 0 ? NULL : batch->columns[i];
}

int zcx_batch_slice(zcx_batch_t* batch, int64_t offset, int64_t length, zcx_batch_t** out,
                    zcx_error_t* err) {
  if (out == NULL || batch == NULL) {
    return zcx_error_fail(err, EINVAL, "batch_slice: batch or out is NULL");
  }
  *out = NULL;
  if (offset < 0 || length < 0 || offset > batch->num_rows || length > batch->num_rows - offset) {
    return zcx_error_fail(err, EINVAL,
                          "batch_slice: [%lld, %lld + %lld) is outside a batch of %lld rows",
                          (long long)offset, (long long)offset, (long long)length,
                          (long long)batch->num_rows);
  }
  zcx_array_t** cols = NULL;
  if (batch->num_columns > 0) {
    cols = calloc((size_t)batch->num_columns, sizeof(zcx_array_t*));
    if (cols == NULL) {
      return zcx_error_fail(err, ENOMEM, "batch_slice: out of memory");
    }
  }
  int rc = 0;
  for (int32_t i = 0; rc == 0 && i < batch->num_columns; i++) {
    rc = zcx_array_slice(batch->columns[i], offset, length, &cols[i], err);
  }
  if (rc == 0) {
    rc = zcx_batch_create(batch->schema, cols, batch->num_columns, length, out, err);
  }
  for (int32_t i = 0; i < batch->num_columns; i++) {
    zcx_array_release(cols[i]);
  }
  free(cols);
  return rc;
}

int zcx_batch_validate(const zcx_batch_t* batch, zcx_validate_level_t level, zcx_error_t* err) {
  if (batch == NULL) {
    return zcx_error_fail(err, EINVAL, "batch_validate: batch is NULL");
  }
  if (level != ZCX_VALIDATE_CHEAP && level != ZCX_VALIDATE_FULL) {
    return zcx_error_fail(err, EINVAL, "batch_validate: unknown level %d", (int)level);
  }
  ZCX_RETURN_IF_ERROR(
      batch_check(batch->schema, batch->columns, batch->num_columns, batch->num_rows, err));
  for (int32_t i = 0; i < batch->num_columns; i++) {
    char path[300];
    snprintf(path, sizeof(path), "column '%s'", batch->schema->fields[i]->name);
    ZCX_RETURN_IF_ERROR(zcxi_array_validate_at(batch->columns[i], level, path, err));
  }
  return 0;
}

bool zcx_batch_equal(const zcx_batch_t* a, const zcx_batch_t* b, zcx_error_t* why) {
  if (a == b) {
    return true;
  }
  if (a == NULL || b == NULL) {
    zcx_error_set(why, "one batch is NULL");
    return false;
  }
  if (!zcx_schema_equal(a->schema, b->schema)) {
    zcx_error_set(why, "schemas differ");
    return false;
  }
  if (a->num_rows != b->num_rows) {
    zcx_error_set(why, "%lld rows != %lld rows", (long long)a->num_rows, (long long)b->num_rows);
    return false;
  }
  for (int32_t i = 0; i < a->num_columns; i++) {
    if (!zcx_array_equal(a->columns[i], b->columns[i], why)) {
      zcx_error_prefix(why, "column '%s': ", a->schema->fields[i]->name);
      return false;
    }
  }
  return true;
}

void zcx_batch_retain(zcx_batch_t* batch) {
  if (batch != NULL) {
    zcxi_atomic_inc_i64(&batch->refcount_);
  }
}

void zcx_batch_release(zcx_batch_t* batch) {
  if (batch == NULL || !zcxi_atomic_dec_i64(&batch->refcount_)) {
    return;
  }
  for (int32_t i = 0; i < batch->num_columns; i++) {
    zcx_array_release(batch->columns[i]);
  }
  free(batch->columns);
  zcx_schema_release(batch->schema);
  free(batch);
}
