// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// An ArrowArrayStream over a fixed list of zcx arrays or record batches, for
// __arrow_c_stream__ of zcx.Array and zcx.RecordBatch (with the schema the consumer asked
// for, when it fits). Needs no Python: the consumer may use it from any thread.
#include <stdlib.h>
#include <string.h>

#include "arrow_internal.h"

typedef struct zcxpy_stream {
  zcx_field_t* field;    // what get_schema exports, or NULL for `schema`
  zcx_schema_t* schema;  // NULL for a stream of arrays
  int64_t n;
  int64_t next;
  zcx_array_t** arrays;  // n arrays, or NULL
  zcx_batch_t** batches; // n batches, or NULL
  zcx_error_t err;
} zcxpy_stream_t;

static void zcxpy_stream_free(zcxpy_stream_t* st) {
  for (int64_t i = 0; i < st->n; i++) {
    if (st->arrays != NULL) {
      zcx_array_release(st->arrays[i]);
    }
    if (st->batches != NULL) {
      zcx_batch_release(st->batches[i]);
    }
  }
  free(st->arrays);
  free(st->batches);
  zcx_field_release(st->field);
  zcx_schema_release(st->schema);
  free(st);
}

static int zcxpy_stream_get_schema(struct ArrowArrayStream* self, struct ArrowSchema* out) {
  zcxpy_stream_t* st = self->private_data;
  zcx_error_init(&st->err);
  return st->field != NULL ? zcx_cdata_export_field(st->field, out, &st->err)
                           : zcx_cdata_export_schema(st->schema, out, &st->err);
}

static int zcxpy_stream_get_next(struct ArrowArrayStream* self, struct ArrowArray* out) {
  zcxpy_stream_t* st = self->private_data;
  zcx_error_init(&st->err);
  if (st->next >= st->n) {
    memset(out, 0, sizeof(*out));  // the end: a released array
    return 0;
  }
  int64_t i = st->next;
  int rc = st->batches != NULL ? zcx_cdata_export_batch(st->batches[i], out, NULL, &st->err)
                               : zcx_cdata_export_array(st->arrays[i], out, NULL, &st->err);
  if (rc == 0) {
    st->next++;
  }
  return rc;
}

static const char* zcxpy_stream_get_last_error(struct ArrowArrayStream* self) {
  zcxpy_stream_t* st = self->private_data;
  return st->err.message;
}

static void zcxpy_stream_release(struct ArrowArrayStream* self) {
  if (self->release == NULL) {
    return;
  }
  zcxpy_stream_free(self->private_data);
  self->release = NULL;
  self->private_data = NULL;
}

int zcxpy_stream_export(const zcx_field_t* field, zcx_array_t* const* arrays,
                        zcx_schema_t* schema, zcx_batch_t* const* batches, int64_t n,
                        struct ArrowArrayStream* out, zcx_error_t* err) {
  memset(out, 0, sizeof(*out));
  zcxpy_stream_t* st = calloc(1, sizeof(*st));
  size_t count = n > 0 ? (size_t)n : 1;
  if (st == NULL) {
    return zcx_error_fail(err, ENOMEM, "stream export: %zu bytes", sizeof(*st));
  }
  if (arrays != NULL) {
    st->arrays = calloc(count, sizeof(*st->arrays));
  } else {
    st->batches = calloc(count, sizeof(*st->batches));
  }
  if (st->arrays == NULL && st->batches == NULL) {
    free(st);
    return zcx_error_fail(err, ENOMEM, "stream export: %lld items", (long long)n);
  }
  st->n = n;
  for (int64_t i = 0; i < n; i++) {
    if (arrays != NULL) {
      zcx_array_retain(arrays[i]);
      st->arrays[i] = arrays[i];
    } else {
      zcx_batch_retain(batches[i]);
      st->batches[i] = batches[i];
    }
  }
  if (field != NULL) {
    zcx_field_retain((zcx_field_t*)field);
    st->field = (zcx_field_t*)field;
  }
  if (schema != NULL) {
    zcx_schema_retain(schema);
    st->schema = schema;
  }
  zcx_error_init(&st->err);
  out->get_schema = zcxpy_stream_get_schema;
  out->get_next = zcxpy_stream_get_next;
  out->get_last_error = zcxpy_stream_get_last_error;
  out->release = zcxpy_stream_release;
  out->private_data = st;
  return 0;
}
