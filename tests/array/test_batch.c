// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Tests of src/array/batch.c: creation checks, columns by name, slices, validation, equality.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "array/array_support.h"
#include "zcx/array.h"

static void test_batch(void** state) {
  (void)state;
  zcx_error_t err;
  int32_t v[4] = {1, 2, 3, 4};
  const char* w[4] = {"a", "b", NULL, "d"};
  zcx_array_t* cols[2] = {ts_int32(v, 4, NULL), ts_strings(ZCX_TYPE_STRING, w, 4)};
  zcx_field_t* fs[2] = {ts_field("n", ts_type(ZCX_TYPE_INT32), true),
                        ts_field("s", ts_type(ZCX_TYPE_STRING), true)};
  zcx_schema_t* schema;
  assert_int_equal(zcx_schema_create(fs, 2, NULL, &schema, NULL), 0);
  zcx_batch_t* b = NULL;
  ts_expect_error(zcx_batch_create(schema, cols, 1, 4, &b, &err), &err,
                  "1 columns for a schema of 2 fields");
  ts_expect_error(zcx_batch_create(schema, cols, 2, 3, &b, &err), &err,
                  "column 'n' (0) has length 4, not 3 rows");
  zcx_array_t* swapped[2] = {cols[1], cols[0]};
  ts_expect_error(zcx_batch_create(schema, swapped, 2, 4, &b, &err), &err,
                  "column 'n' (0) has type string, the schema says int32");
  ts_expect_error(zcx_batch_create(NULL, cols, 2, 4, &b, &err), &err, "schema is NULL");
  assert_null(b);
  assert_int_equal(zcx_batch_create(schema, cols, 2, 4, &b, NULL), 0);
  assert_int_equal(zcx_batch_validate(b, ZCX_VALIDATE_FULL, NULL), 0);
  assert_ptr_equal(zcx_batch_column_by_name(b, "s"), cols[1]);
  assert_null(zcx_batch_column_by_name(b, "zz"));

  zcx_batch_t* s;
  assert_int_equal(zcx_batch_slice(b, 1, 2, &s, NULL), 0);
  assert_int_equal(s->num_rows, 2);
  assert_int_equal(zcx_array_get_int(s->columns[0], 0), 2);
  assert_true(zcx_array_is_null(s->columns[1], 1));
  zcx_batch_t* bad;
  ts_expect_error(zcx_batch_slice(b, 3, 2, &bad, &err), &err, "outside a batch of 4 rows");
  assert_null(bad);

  zcx_batch_t* b2;
  assert_int_equal(zcx_batch_create(schema, cols, 2, 4, &b2, NULL), 0);
  assert_true(zcx_batch_equal(b, b2, NULL));
  zcx_batch_t* s2;
  assert_int_equal(zcx_batch_slice(b, 0, 2, &s2, NULL), 0);
  assert_false(zcx_batch_equal(s, s2, &err));
  assert_non_null(strstr(err.message, "column 'n': element 0: 2 != 1"));
  zcx_batch_release(s2);
  assert_false(zcx_batch_equal(b, s, &err));
  assert_non_null(strstr(err.message, "4 rows != 2 rows"));

  zcx_batch_release(s);
  zcx_batch_release(b);
  zcx_batch_release(b2);
  zcx_schema_release(schema);
  zcx_field_release(fs[0]);
  zcx_field_release(fs[1]);
  zcx_array_release(cols[0]);
  zcx_array_release(cols[1]);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_batch),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
