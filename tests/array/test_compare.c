// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Tests of src/array/compare.c: equality through slices, nulls, NaN, nested types, and the
// first difference reported for each kind of difference.
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "array/array_support.h"
#include "zcx/array.h"

static void expect_differ(const zcx_array_t* a, const zcx_array_t* b, const char* needle) {
  zcx_error_t why;
  zcx_error_init(&why);
  assert_false(zcx_array_equal(a, b, &why));
  if (strstr(why.message, needle) == NULL) {
    fail_msg("'%s' does not contain '%s'", why.message, needle);
  }
  assert_false(zcx_array_equal(b, a, NULL));
}

static void test_primitives_nulls_slices(void** state) {
  (void)state;
  int32_t v[5] = {1, 2, 3, 4, 5};
  int32_t w[5] = {1, 2, 9, 4, 5};
  bool valid[5] = {true, true, false, true, true};
  zcx_array_t* a = ts_int32(v, 5, NULL);
  zcx_array_t* b = ts_int32(v, 5, NULL);
  zcx_array_t* c = ts_int32(w, 5, NULL);
  zcx_array_t* an = ts_int32(v, 5, valid);
  zcx_array_t* cn = ts_int32(w, 5, valid);  // differs only under the null
  assert_true(zcx_array_equal(a, b, NULL));
  assert_true(zcx_array_equal(a, a, NULL));
  expect_differ(a, c, "element 2: 3 != 9");
  expect_differ(a, an, "element 2: value != null");
  assert_true(zcx_array_equal(an, cn, NULL));
  // Slices compare by their logical values.
  zcx_array_t* s1;
  zcx_array_t* s2;
  assert_int_equal(zcx_array_slice(a, 3, 2, &s1, NULL), 0);
  assert_int_equal(zcx_array_slice(c, 3, 2, &s2, NULL), 0);
  assert_true(zcx_array_equal(s1, s2, NULL));
  zcx_array_t* s3;
  assert_int_equal(zcx_array_slice(a, 2, 2, &s3, NULL), 0);
  expect_differ(s3, s1, "element 0: 3 != 4");
  zcx_array_t* s4;
  assert_int_equal(zcx_array_slice(a, 0, 4, &s4, NULL), 0);
  expect_differ(a, s4, "length 5 != length 4");
  int64_t v64[5] = {1, 2, 3, 4, 5};
  zcx_array_t* l = ts_int64(v64, 5, NULL);
  expect_differ(a, l, "type int32 != type int64");
  zcx_array_t* all[] = {a, b, c, an, cn, s1, s2, s3, s4, l};
  for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
    zcx_array_release(all[i]);
  }
}

static void test_floats(void** state) {
  (void)state;
  double x[3] = {1.5, NAN, -0.0};
  double y[3] = {1.5, NAN, -0.0};
  double z[3] = {1.5, NAN, 0.0};
  zcx_array_t* a = ts_double(x, 3, NULL);
  zcx_array_t* b = ts_double(y, 3, NULL);
  zcx_array_t* c = ts_double(z, 3, NULL);
  assert_true(zcx_array_equal(a, b, NULL));  // NaN == NaN
  expect_differ(a, c, "element 2: -0 != 0");  // bitwise otherwise
  zcx_array_release(a);
  zcx_array_release(b);
  zcx_array_release(c);
}

static void test_strings_and_views(void** state) {
  (void)state;
  const char* p[3] = {"same", "a rather long string value", NULL};
  const char* q[3] = {"same", "a rather long string valuE", NULL};
  zcx_array_t* a = ts_strings(ZCX_TYPE_STRING_VIEW, p, 3);
  zcx_array_t* b = ts_strings(ZCX_TYPE_STRING_VIEW, p, 3);
  zcx_array_t* c = ts_strings(ZCX_TYPE_STRING_VIEW, q, 3);
  assert_true(zcx_array_equal(a, b, NULL));
  expect_differ(a, c, "element 1: bytes differ at byte 25");
  const char* r[3] = {"same", "short", NULL};
  zcx_array_t* d = ts_strings(ZCX_TYPE_STRING_VIEW, r, 3);
  expect_differ(a, d, "element 1: 26 bytes != 5 bytes");
  zcx_array_release(a);
  zcx_array_release(b);
  zcx_array_release(c);
  zcx_array_release(d);
}

static zcx_array_t* list_of(const int32_t* v, const int* sizes, int n) {
  zcx_type_t* t = ts_list(ZCX_TYPE_LIST, ts_type(ZCX_TYPE_INT32));
  zcx_builder_t* b;
  assert_int_equal(zcx_builder_create(t, NULL, &b, NULL), 0);
  zcx_type_release(t);
  int k = 0;
  for (int i = 0; i < n; i++) {
    if (sizes[i] < 0) {
      assert_int_equal(zcx_builder_append_null(b, 1, NULL), 0);
      continue;
    }
    for (int j = 0; j < sizes[i]; j++) {
      assert_int_equal(zcx_builder_append_int(zcx_builder_child(b, 0), v[k++], NULL), 0);
    }
    assert_int_equal(zcx_builder_finish_element(b, NULL), 0);
  }
  return ts_finish(b);
}

static void test_nested(void** state) {
  (void)state;
  int32_t v[5] = {1, 2, 3, 4, 5};
  int32_t w[5] = {1, 2, 3, 4, 6};
  int s1[3] = {2, -1, 3};
  int s2[3] = {3, -1, 2};
  zcx_array_t* a = list_of(v, s1, 3);
  zcx_array_t* b = list_of(v, s1, 3);
  zcx_array_t* c = list_of(w, s1, 3);
  zcx_array_t* d = list_of(v, s2, 3);
  assert_true(zcx_array_equal(a, b, NULL));
  expect_differ(a, c, "element 2: element 4: 5 != 6");
  expect_differ(a, d, "element 0: list of 2 values != list of 3 values");
  // A list whose child values are sliced differently still compares by value.
  zcx_array_t* sa;
  zcx_array_t* sc;
  assert_int_equal(zcx_array_slice(a, 0, 2, &sa, NULL), 0);
  assert_int_equal(zcx_array_slice(c, 0, 2, &sc, NULL), 0);
  assert_true(zcx_array_equal(sa, sc, NULL));
  zcx_array_release(sa);
  zcx_array_release(sc);

  // Structs name the field that differs.
  zcx_field_t* fs[1] = {ts_field("f", ts_type(ZCX_TYPE_INT32), true)};
  zcx_type_t* st = ts_struct(fs, 1);
  zcx_array_t* x = ts_int32(v, 5, NULL);
  zcx_array_t* y = ts_int32(w, 5, NULL);
  zcx_buffer_t* none[1] = {NULL};
  zcx_array_t* sx;
  zcx_array_t* sy;
  assert_int_equal(zcx_array_create(st, 5, 0, -1, none, 1, &x, 1, NULL, &sx, NULL), 0);
  assert_int_equal(zcx_array_create(st, 5, 0, -1, none, 1, &y, 1, NULL, &sy, NULL), 0);
  expect_differ(sx, sy, "element 4: field 'f': 5 != 6");
  zcx_array_release(sx);
  zcx_array_release(sy);
  zcx_array_release(x);
  zcx_array_release(y);
  zcx_type_release(st);
  zcx_array_release(a);
  zcx_array_release(b);
  zcx_array_release(c);
  zcx_array_release(d);
}

static void test_dictionary_compares_values(void** state) {
  (void)state;
  // Two encodings of ["x", "y", "x"] with different dictionaries are equal.
  zcx_type_t* i8 = ts_type(ZCX_TYPE_INT8);
  zcx_type_t* str = ts_type(ZCX_TYPE_STRING);
  zcx_type_t* t;
  assert_int_equal(zcx_type_dictionary(i8, str, false, &t, NULL), 0);
  zcx_builder_t* b;
  assert_int_equal(zcx_builder_create(t, NULL, &b, NULL), 0);
  assert_int_equal(zcx_builder_append_bytes(zcx_builder_dictionary(b), "x", 1, NULL), 0);
  assert_int_equal(zcx_builder_append_bytes(zcx_builder_dictionary(b), "y", 1, NULL), 0);
  int8_t i1[3] = {0, 1, 0};
  assert_int_equal(zcx_builder_append_values(b, i1, 3, NULL), 0);
  zcx_array_t* a1 = ts_finish(b);
  assert_int_equal(zcx_builder_create(t, NULL, &b, NULL), 0);
  assert_int_equal(zcx_builder_append_bytes(zcx_builder_dictionary(b), "y", 1, NULL), 0);
  assert_int_equal(zcx_builder_append_bytes(zcx_builder_dictionary(b), "x", 1, NULL), 0);
  int8_t i2[3] = {1, 0, 0};
  assert_int_equal(zcx_builder_append_values(b, i2, 3, NULL), 0);
  zcx_array_t* a2 = ts_finish(b);
  expect_differ(a1, a2, "element 2: bytes differ at byte 0");
  zcx_array_t* s1;
  zcx_array_t* s2;
  assert_int_equal(zcx_array_slice(a1, 0, 2, &s1, NULL), 0);
  assert_int_equal(zcx_array_slice(a2, 0, 2, &s2, NULL), 0);
  assert_true(zcx_array_equal(s1, s2, NULL));
  zcx_array_release(s1);
  zcx_array_release(s2);
  zcx_array_release(a1);
  zcx_array_release(a2);
  zcx_type_release(t);
  zcx_type_release(i8);
  zcx_type_release(str);
}

// Run-end encoded arrays compare by their logical values, whatever their runs, walking both
// sides' runs in step (through slices and hostile run ends too).
static void test_run_end_encoded(void** state) {
  (void)state;
  int32_t e1[2] = {3, 5};
  int32_t v1[2] = {1, 0};
  bool ok1[2] = {true, false};
  int32_t e2[4] = {1, 2, 3, 5};
  int32_t v2[4] = {1, 1, 1, 0};
  bool ok2[4] = {true, true, true, false};
  int32_t e3[2] = {2, 5};
  zcx_array_t* a = ts_ree_int32(e1, v1, ok1, 2, 5);
  zcx_array_t* b = ts_ree_int32(e2, v2, ok2, 4, 5);
  zcx_array_t* c = ts_ree_int32(e3, v1, ok1, 2, 5);
  assert_true(zcx_array_equal(a, b, NULL));
  expect_differ(a, c, "element 2: value != null");
  zcx_array_t* sa = NULL;
  zcx_array_t* sb = NULL;
  assert_int_equal(zcx_array_slice(a, 1, 3, &sa, NULL), 0);
  assert_int_equal(zcx_array_slice(b, 1, 3, &sb, NULL), 0);
  assert_true(zcx_array_equal(sa, sb, NULL));
  zcx_array_release(sa);
  zcx_array_release(sb);

  // Many runs of one element against few long runs.
  enum { N = 1000 };
  int32_t* ends = malloc(N * sizeof(int32_t));
  int32_t* vals = malloc(N * sizeof(int32_t));
  int32_t long_ends[10];
  int32_t long_vals[10];
  for (int32_t i = 0; i < N; i++) {
    ends[i] = i + 1;
    vals[i] = i / 100;
  }
  for (int32_t r = 0; r < 10; r++) {
    long_ends[r] = (r + 1) * 100;
    long_vals[r] = r;
  }
  zcx_array_t* many = ts_ree_int32(ends, vals, NULL, N, N);
  zcx_array_t* few = ts_ree_int32(long_ends, long_vals, NULL, 10, N);
  assert_true(zcx_array_equal(many, few, NULL));
  vals[777] = -1;
  zcx_array_t* many2 = ts_ree_int32(ends, vals, NULL, N, N);
  expect_differ(many2, few, "element 777: -1 != 7");
  zcx_array_release(many);
  zcx_array_release(many2);
  zcx_array_release(few);
  free(ends);
  free(vals);

  // Run ends that do not increase pass the cheap validation only; comparing them reads
  // nothing out of range and terminates.
  int32_t bad_ends[3] = {5, 2, 5};
  int32_t bad_vals[3] = {7, 8, 9};
  zcx_array_t* bad = ts_ree_int32(bad_ends, bad_vals, NULL, 3, 5);
  assert_int_not_equal(zcx_array_validate(bad, ZCX_VALIDATE_FULL, NULL), 0);
  assert_true(zcx_array_equal(bad, bad, NULL));
  zcx_array_t* bad2 = ts_ree_int32(bad_ends, bad_vals, NULL, 3, 5);
  (void)zcx_array_equal(bad, bad2, NULL);
  (void)zcx_array_equal(bad, a, NULL);
  zcx_array_release(bad);
  zcx_array_release(bad2);
  zcx_array_release(a);
  zcx_array_release(b);
  zcx_array_release(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_primitives_nulls_slices),
      cmocka_unit_test(test_floats),
      cmocka_unit_test(test_strings_and_views),
      cmocka_unit_test(test_nested),
      cmocka_unit_test(test_dictionary_compares_values),
      cmocka_unit_test(test_run_end_encoded),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
