// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Helpers shared by the tests of src/array (see array_support.h).
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "array/array_support.h"

zcx_type_t* ts_type(zcx_type_id_t id) {
  zcx_type_t* t = NULL;
  assert_int_equal(zcx_type_create(id, &t, NULL), 0);
  return t;
}

zcx_field_t* ts_field(const char* name, zcx_type_t* type, bool nullable) {
  zcx_field_t* f = NULL;
  assert_int_equal(zcx_field_create(name, type, nullable, NULL, &f, NULL), 0);
  zcx_type_release(type);
  return f;
}

zcx_type_t* ts_list(zcx_type_id_t id, zcx_type_t* value_type) {
  zcx_field_t* f = ts_field("item", value_type, true);
  zcx_type_t* t = NULL;
  assert_int_equal(zcx_type_list(id, f, &t, NULL), 0);
  zcx_field_release(f);
  return t;
}

zcx_type_t* ts_struct(zcx_field_t** fields, int32_t n) {
  zcx_type_t* t = NULL;
  assert_int_equal(zcx_type_struct(fields, n, &t, NULL), 0);
  for (int32_t i = 0; i < n; i++) {
    zcx_field_release(fields[i]);
  }
  return t;
}

zcx_buffer_t* ts_buf(const void* data, int64_t size) {
  zcx_buffer_t* b = NULL;
  zcx_error_t err;
  int rc = zcx_buffer_copy_from(NULL, data, size, &b, &err);
  if (rc != 0) {
    fail_msg("ts_buf: %s", err.message);
  }
  return b;
}

zcx_buffer_t* ts_bits(const char* bits) {
  uint8_t bytes[64] = {0};
  int64_t n = (int64_t)strlen(bits);
  assert_true(n <= 512);
  for (int64_t i = 0; i < n; i++) {
    if (bits[i] == '1') {
      bytes[i / 8] = (uint8_t)(bytes[i / 8] | (1u << (i % 8)));
    }
  }
  return ts_buf(bytes, (n + 7) / 8);
}

zcx_array_t* ts_finish(zcx_builder_t* b) {
  zcx_array_t* a = NULL;
  zcx_error_t err;
  int rc = zcx_builder_finish(b, &a, &err);
  if (rc != 0) {
    fail_msg("builder_finish: %s", err.message);
  }
  zcx_builder_destroy(b);
  rc = zcx_array_validate(a, ZCX_VALIDATE_FULL, &err);
  if (rc != 0) {
    fail_msg("validate: %s", err.message);
  }
  return a;
}

static zcx_builder_t* new_builder(zcx_type_id_t id) {
  zcx_type_t* t = ts_type(id);
  zcx_builder_t* b = NULL;
  assert_int_equal(zcx_builder_create(t, NULL, &b, NULL), 0);
  zcx_type_release(t);
  return b;
}

// An integer array of type `id` from v32 or v64 (the one that is not NULL).
static zcx_array_t* ts_ints(zcx_type_id_t id, const int32_t* v32, const int64_t* v64, int64_t n,
                            const bool* valid) {
  zcx_builder_t* b = new_builder(id);
  for (int64_t i = 0; i < n; i++) {
    if (valid != NULL && !valid[i]) {
      assert_int_equal(zcx_builder_append_null(b, 1, NULL), 0);
    } else {
      assert_int_equal(zcx_builder_append_int(b, v32 != NULL ? v32[i] : v64[i], NULL), 0);
    }
  }
  return ts_finish(b);
}

zcx_array_t* ts_int32(const int32_t* v, int64_t n, const bool* valid) {
  return ts_ints(ZCX_TYPE_INT32, v, NULL, n, valid);
}

zcx_array_t* ts_int64(const int64_t* v, int64_t n, const bool* valid) {
  return ts_ints(ZCX_TYPE_INT64, NULL, v, n, valid);
}

zcx_array_t* ts_double(const double* v, int64_t n, const bool* valid) {
  zcx_builder_t* b = new_builder(ZCX_TYPE_DOUBLE);
  for (int64_t i = 0; i < n; i++) {
    if (valid != NULL && !valid[i]) {
      assert_int_equal(zcx_builder_append_null(b, 1, NULL), 0);
    } else {
      assert_int_equal(zcx_builder_append_double(b, v[i], NULL), 0);
    }
  }
  return ts_finish(b);
}

zcx_array_t* ts_strings(zcx_type_id_t id, const char* const* v, int64_t n) {
  zcx_builder_t* b = new_builder(id);
  for (int64_t i = 0; i < n; i++) {
    if (v[i] == NULL) {
      assert_int_equal(zcx_builder_append_null(b, 1, NULL), 0);
    } else {
      assert_int_equal(zcx_builder_append_bytes(b, v[i], (int64_t)strlen(v[i]), NULL), 0);
    }
  }
  return ts_finish(b);
}

void ts_expect_error(int rc, const zcx_error_t* err, const char* needle) {
  if (rc != EINVAL) {
    fail_msg("expected EINVAL with '%s', got %d (%s)", needle, rc, err->message);
  }
  if (strstr(err->message, needle) == NULL) {
    fail_msg("message '%s' does not contain '%s'", err->message, needle);
  }
}

zcx_array_t* ts_ree_int32(const int32_t* ends, const int32_t* values, const bool* valid,
                          int64_t runs, int64_t length) {
  zcx_field_t* vf = ts_field("values", ts_type(ZCX_TYPE_INT32), true);
  zcx_type_t* rt = ts_type(ZCX_TYPE_INT32);
  zcx_type_t* t = NULL;
  assert_int_equal(zcx_type_run_end_encoded(rt, vf, &t, NULL), 0);
  zcx_type_release(rt);
  zcx_field_release(vf);
  zcx_array_t* kids[2] = {ts_int32(ends, runs, NULL), ts_int32(values, runs, valid)};
  zcx_array_t* a = NULL;
  zcx_error_t err;
  int rc = zcx_array_create(t, length, 0, -1, NULL, 0, kids, 2, NULL, &a, &err);
  if (rc != 0) {
    fail_msg("ts_ree_int32: %s", err.message);
  }
  zcx_array_release(kids[0]);
  zcx_array_release(kids[1]);
  zcx_type_release(t);
  return a;
}
