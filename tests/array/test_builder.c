// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Tests of src/array/builder.c: every type built, validated in full and read back, with
// nulls, empty arrays, slices, bulk appends, reuse and bad input.
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "array/array_support.h"
#include "zcx/array.h"

static zcx_builder_t* builder_for(zcx_type_t* t) {
  zcx_builder_t* b = NULL;
  zcx_error_t err;
  int rc = zcx_builder_create(t, NULL, &b, &err);
  if (rc != 0) {
    fail_msg("builder_create: %s", err.message);
  }
  zcx_type_release(t);
  return b;
}

// Every buffer 64-byte aligned, and its memory zero up to the next multiple of 64.
static void expect_padded(const zcx_array_t* a) {
  for (int32_t i = 0; i < a->num_buffers; i++) {
    if (a->buffers[i] == NULL) {
      continue;
    }
    const uint8_t* d = zcx_buffer_data(a->buffers[i]);
    int64_t size = zcx_buffer_size(a->buffers[i]);
    assert_int_equal((uintptr_t)d % 64, 0);
    int64_t padded = (size + 63) / 64 * 64;
    for (int64_t k = size; k < padded; k++) {
      assert_int_equal(d[k], 0);
    }
  }
  for (int32_t i = 0; i < a->num_children; i++) {
    expect_padded(a->children[i]);
  }
}

static void test_int32_with_and_without_nulls(void** state) {
  (void)state;
  int32_t v[5] = {1, -2, 3, 4, 5};
  zcx_array_t* a = ts_int32(v, 5, NULL);
  assert_int_equal(a->length, 5);
  assert_int_equal(a->null_count, 0);
  assert_null(a->buffers[0]);  // no nulls, no validity bitmap
  assert_int_equal(zcx_buffer_size(a->buffers[1]), 20);
  assert_int_equal(zcx_array_get_int(a, 1), -2);
  expect_padded(a);
  zcx_array_release(a);

  bool valid[5] = {true, false, true, false, true};
  a = ts_int32(v, 5, valid);
  assert_int_equal(a->null_count, 2);
  assert_non_null(a->buffers[0]);
  assert_int_equal(zcx_buffer_size(a->buffers[0]), 1);
  assert_int_equal(((const uint8_t*)zcx_buffer_data(a->buffers[0]))[0], 0x15);
  assert_true(zcx_array_is_null(a, 1));
  assert_false(zcx_array_is_null(a, 2));
  assert_int_equal(zcx_array_get_int(a, 4), 5);
  expect_padded(a);
  zcx_array_release(a);
}

static void test_integer_ranges_and_wrong_appends(void** state) {
  (void)state;
  zcx_error_t err;
  zcx_builder_t* b = builder_for(ts_type(ZCX_TYPE_INT8));
  assert_int_equal(zcx_builder_append_int(b, 127, NULL), 0);
  assert_int_equal(zcx_builder_append_int(b, -128, NULL), 0);
  assert_int_equal(zcx_builder_append_int(b, 128, &err), ERANGE);
  assert_non_null(strstr(err.message, "128 does not fit int8"));
  ts_expect_error(zcx_builder_append_double(b, 1.0, &err), &err, "not a floating-point type");
  ts_expect_error(zcx_builder_append_bytes(b, "x", 1, &err), &err, "takes no bytes");
  ts_expect_error(zcx_builder_append_bool(b, true, &err), &err, "not bool");
  ts_expect_error(zcx_builder_finish_element(b, &err), &err, "no elements to close");
  ts_expect_error(zcx_builder_append_null(b, -1, &err), &err, "negative count");
  assert_int_equal(zcx_builder_length(b), 2);
  zcx_array_t* a = ts_finish(b);
  assert_int_equal(zcx_array_get_int(a, 0), 127);
  assert_int_equal(zcx_array_get_int(a, 1), -128);
  zcx_array_release(a);

  b = builder_for(ts_type(ZCX_TYPE_UINT64));
  assert_int_equal(zcx_builder_append_uint(b, UINT64_MAX, NULL), 0);
  assert_int_equal(zcx_builder_append_int(b, -1, &err), ERANGE);
  a = ts_finish(b);
  assert_int_equal((uint64_t)zcx_array_get_int(a, 0), UINT64_MAX);
  zcx_array_release(a);

  b = builder_for(ts_type(ZCX_TYPE_UINT16));
  assert_int_equal(zcx_builder_append_uint(b, 70000, &err), ERANGE);
  assert_int_equal(zcx_builder_append_uint(b, 65535, NULL), 0);
  a = ts_finish(b);
  assert_int_equal(zcx_array_get_int(a, 0), 65535);
  zcx_array_release(a);
}

static void test_temporal_types(void** state) {
  (void)state;
  zcx_type_t* t;
  assert_int_equal(zcx_type_timestamp(ZCX_TIME_MICRO, "UTC", &t, NULL), 0);
  zcx_builder_t* b = builder_for(t);
  assert_int_equal(zcx_builder_append_int(b, 1700000000000000LL, NULL), 0);
  assert_int_equal(zcx_builder_append_null(b, 1, NULL), 0);
  zcx_array_t* a = ts_finish(b);
  assert_int_equal(zcx_array_get_int(a, 0), 1700000000000000LL);
  assert_true(zcx_array_is_null(a, 1));
  zcx_array_release(a);

  zcx_error_t err;
  assert_int_equal(zcx_type_time(ZCX_TYPE_TIME32, ZCX_TIME_SECOND, &t, NULL), 0);
  b = builder_for(t);
  assert_int_equal(zcx_builder_append_int(b, 86399, NULL), 0);
  assert_int_equal(zcx_builder_append_int(b, INT64_C(1) << 40, &err), ERANGE);
  a = ts_finish(b);
  assert_int_equal(zcx_buffer_size(a->buffers[1]), 4);
  zcx_array_release(a);

  b = builder_for(ts_type(ZCX_TYPE_INTERVAL_MONTH_DAY_NANO));
  uint8_t mdn[16] = {1, 0, 0, 0, 2, 0, 0, 0, 3};
  assert_int_equal(zcx_builder_append_bytes(b, mdn, 16, NULL), 0);
  ts_expect_error(zcx_builder_append_bytes(b, mdn, 8, &err), &err, "8 bytes for");
  a = ts_finish(b);
  const uint8_t* p;
  int64_t n;
  zcx_array_get_bytes(a, 0, &p, &n);
  assert_int_equal(n, 16);
  assert_memory_equal(p, mdn, 16);
  zcx_array_release(a);
}

static void test_bool_and_floats(void** state) {
  (void)state;
  zcx_builder_t* b = builder_for(ts_type(ZCX_TYPE_BOOL));
  for (int i = 0; i < 20; i++) {
    if (i % 5 == 4) {
      assert_int_equal(zcx_builder_append_null(b, 1, NULL), 0);
    } else {
      assert_int_equal(zcx_builder_append_bool(b, i % 3 == 0, NULL), 0);
    }
  }
  uint8_t more[3] = {1, 0, 7};
  assert_int_equal(zcx_builder_append_values(b, more, 3, NULL), 0);
  zcx_array_t* a = ts_finish(b);
  assert_int_equal(a->length, 23);
  assert_int_equal(a->null_count, 4);
  assert_int_equal(zcx_buffer_size(a->buffers[1]), 3);
  for (int i = 0; i < 20; i++) {
    assert_int_equal(zcx_array_is_null(a, i), i % 5 == 4);
    if (i % 5 != 4) {
      assert_int_equal(zcx_array_get_bool(a, i), i % 3 == 0);
    }
  }
  assert_true(zcx_array_get_bool(a, 20));
  assert_false(zcx_array_get_bool(a, 21));
  assert_true(zcx_array_get_bool(a, 22));
  // Bits past the length are zero.
  assert_int_equal(((const uint8_t*)zcx_buffer_data(a->buffers[1]))[2] >> 7, 0);
  assert_int_equal(((const uint8_t*)zcx_buffer_data(a->buffers[0]))[2] >> 7, 0);
  expect_padded(a);
  zcx_array_release(a);

  b = builder_for(ts_type(ZCX_TYPE_HALF_FLOAT));
  double hv[6] = {1.0, -2.5, 65504.0, 1e-7, 70000.0, 0.1};
  for (int i = 0; i < 6; i++) {
    assert_int_equal(zcx_builder_append_double(b, hv[i], NULL), 0);
  }
  assert_int_equal(zcx_builder_append_double(b, NAN, NULL), 0);
  a = ts_finish(b);
  assert_true(zcx_array_get_double(a, 0) == 1.0);
  assert_true(zcx_array_get_double(a, 1) == -2.5);
  assert_true(zcx_array_get_double(a, 2) == 65504.0);
  assert_true(fabs(zcx_array_get_double(a, 3) - 1e-7) < 6e-8);  // a subnormal half
  assert_true(isinf(zcx_array_get_double(a, 4)));
  assert_true(fabs(zcx_array_get_double(a, 5) - 0.1) < 1e-4);
  assert_true(isnan(zcx_array_get_double(a, 6)));
  assert_int_equal(((const uint16_t*)zcx_buffer_data(a->buffers[1]))[0], 0x3c00);
  zcx_array_release(a);

  b = builder_for(ts_type(ZCX_TYPE_FLOAT));
  assert_int_equal(zcx_builder_append_double(b, 0.5, NULL), 0);
  a = ts_finish(b);
  assert_true(zcx_array_get_double(a, 0) == 0.5);
  zcx_array_release(a);
}

static void test_binary_and_string_variants(void** state) {
  (void)state;
  const char* v[6] = {"alpha", NULL, "", "a much longer string than twelve", "z", NULL};
  zcx_type_id_t ids[6] = {ZCX_TYPE_BINARY,      ZCX_TYPE_STRING,      ZCX_TYPE_LARGE_BINARY,
                          ZCX_TYPE_LARGE_STRING, ZCX_TYPE_BINARY_VIEW, ZCX_TYPE_STRING_VIEW};
  for (int k = 0; k < 6; k++) {
    zcx_array_t* a = ts_strings(ids[k], v, 6);
    assert_int_equal(a->length, 6);
    assert_int_equal(a->null_count, 2);
    for (int i = 0; i < 6; i++) {
      assert_int_equal(zcx_array_is_null(a, i), v[i] == NULL);
      if (v[i] != NULL) {
        const uint8_t* p;
        int64_t n;
        zcx_array_get_bytes(a, i, &p, &n);
        assert_int_equal(n, (int64_t)strlen(v[i]));
        assert_memory_equal(p, v[i], (size_t)n);
      }
    }
    if (ids[k] == ZCX_TYPE_BINARY_VIEW || ids[k] == ZCX_TYPE_STRING_VIEW) {
      assert_int_equal(a->num_buffers, 3);  // one variadic buffer for the long string
      assert_int_equal(zcx_buffer_size(a->buffers[2]), 32);
    } else {
      assert_int_equal(a->num_buffers, 3);
      assert_int_equal(zcx_buffer_size(a->buffers[2]), 5 + 32 + 1);
    }
    expect_padded(a);
    // A slice reads the same values.
    zcx_array_t* s;
    assert_int_equal(zcx_array_slice(a, 3, 2, &s, NULL), 0);
    const uint8_t* p;
    int64_t n;
    zcx_array_get_bytes(s, 1, &p, &n);
    assert_int_equal(n, 1);
    assert_memory_equal(p, "z", 1);
    assert_int_equal(zcx_array_validate(s, ZCX_VALIDATE_FULL, NULL), 0);
    zcx_array_release(s);
    zcx_array_release(a);
  }
}

static void test_fixed_size_binary_and_decimals(void** state) {
  (void)state;
  zcx_error_t err;
  zcx_type_t* t;
  assert_int_equal(zcx_type_fixed_size_binary(3, &t, NULL), 0);
  zcx_builder_t* b = builder_for(t);
  assert_int_equal(zcx_builder_append_bytes(b, "abc", 3, NULL), 0);
  assert_int_equal(zcx_builder_append_null(b, 2, NULL), 0);
  ts_expect_error(zcx_builder_append_bytes(b, "ab", 2, &err), &err, "2 bytes for");
  assert_int_equal(zcx_builder_append_values(b, "defghi", 2, NULL), 0);
  zcx_array_t* a = ts_finish(b);
  assert_int_equal(a->length, 5);
  const uint8_t* p;
  int64_t n;
  zcx_array_get_bytes(a, 4, &p, &n);
  assert_int_equal(n, 3);
  assert_memory_equal(p, "ghi", 3);
  zcx_array_release(a);

  assert_int_equal(zcx_type_decimal(128, 20, 2, &t, NULL), 0);
  b = builder_for(t);
  assert_int_equal(zcx_builder_append_int(b, -5, NULL), 0);
  assert_int_equal(zcx_builder_append_int(b, 12345, NULL), 0);
  a = ts_finish(b);
  zcx_array_get_bytes(a, 0, &p, &n);
  assert_int_equal(n, 16);
  for (int i = 1; i < 16; i++) {
    assert_int_equal(p[i], 0xff);  // sign-extended
  }
  assert_int_equal(p[0], 0xfb);
  zcx_array_release(a);

  assert_int_equal(zcx_type_decimal(32, 9, 0, &t, NULL), 0);
  b = builder_for(t);
  assert_int_equal(zcx_builder_append_int(b, INT64_C(1) << 40, &err), ERANGE);
  assert_int_equal(zcx_builder_append_int(b, 7, NULL), 0);
  a = ts_finish(b);
  assert_int_equal(zcx_array_get_int(a, 0), 7);
  zcx_array_release(a);
}

static void test_bulk_append_values_and_reserve(void** state) {
  (void)state;
  enum { N = 100000 };
  static int64_t v[N];
  for (int64_t i = 0; i < N; i++) {
    v[i] = i * 3 - 7;
  }
  zcx_builder_t* b = builder_for(ts_type(ZCX_TYPE_INT64));
  assert_int_equal(zcx_builder_reserve(b, 10, NULL), 0);
  assert_int_equal(zcx_builder_append_values(b, v, N / 2, NULL), 0);
  assert_int_equal(zcx_builder_append_null(b, 3, NULL), 0);
  assert_int_equal(zcx_builder_append_values(b, v + N / 2, N / 2, NULL), 0);
  assert_int_equal(zcx_builder_length(b), N + 3);
  zcx_array_t* a = ts_finish(b);
  assert_int_equal(a->null_count, 3);
  assert_int_equal(zcx_array_get_int(a, 0), -7);
  assert_true(zcx_array_is_null(a, N / 2 + 2));
  assert_int_equal(zcx_array_get_int(a, N + 2), v[N - 1]);
  assert_int_equal(zcx_buffer_size(a->buffers[1]), (N + 3) * 8);
  expect_padded(a);
  zcx_array_release(a);

  zcx_error_t err;
  b = builder_for(ts_type(ZCX_TYPE_STRING));
  ts_expect_error(zcx_builder_append_values(b, v, 1, &err), &err, "not a fixed-width type");
  // A big reserve then a few values: the finished buffer is not oversized.
  assert_int_equal(zcx_builder_reserve(b, 1 << 20, NULL), 0);
  assert_int_equal(zcx_builder_append_bytes(b, "xy", 2, NULL), 0);
  a = ts_finish(b);
  assert_int_equal(zcx_buffer_size(a->buffers[1]), 8);
  zcx_array_release(a);
}

static void test_empty_arrays_of_every_type(void** state) {
  (void)state;
  zcx_type_t* types[12];
  int n = 0;
  types[n++] = ts_type(ZCX_TYPE_NA);
  types[n++] = ts_type(ZCX_TYPE_BOOL);
  types[n++] = ts_type(ZCX_TYPE_DOUBLE);
  types[n++] = ts_type(ZCX_TYPE_STRING);
  types[n++] = ts_type(ZCX_TYPE_BINARY_VIEW);
  types[n++] = ts_list(ZCX_TYPE_LIST, ts_type(ZCX_TYPE_INT32));
  types[n++] = ts_list(ZCX_TYPE_LARGE_LIST_VIEW, ts_type(ZCX_TYPE_INT32));
  zcx_field_t* f[2] = {ts_field("a", ts_type(ZCX_TYPE_INT8), true),
                       ts_field("b", ts_type(ZCX_TYPE_LARGE_STRING), true)};
  types[n++] = ts_struct(f, 2);
  zcx_type_t* i16 = ts_type(ZCX_TYPE_INT16);
  zcx_type_t* str = ts_type(ZCX_TYPE_STRING);
  assert_int_equal(zcx_type_dictionary(i16, str, false, &types[n++], NULL), 0);
  zcx_field_t* vf = ts_field("values", ts_type(ZCX_TYPE_INT32), true);
  assert_int_equal(zcx_type_run_end_encoded(i16, vf, &types[n++], NULL), 0);
  zcx_field_t* uf[2] = {vf, ts_field("s", ts_type(ZCX_TYPE_STRING), true)};
  assert_int_equal(zcx_type_union(ZCX_TYPE_DENSE_UNION, uf, NULL, 2, &types[n++], NULL), 0);
  assert_int_equal(zcx_type_union(ZCX_TYPE_SPARSE_UNION, uf, NULL, 2, &types[n++], NULL), 0);
  zcx_field_release(uf[1]);
  zcx_field_release(vf);
  zcx_type_release(i16);
  zcx_type_release(str);
  for (int i = 0; i < n; i++) {
    zcx_type_retain(types[i]);
    zcx_builder_t* b = builder_for(types[i]);
    zcx_array_t* a = ts_finish(b);
    assert_int_equal(a->length, 0);
    assert_int_equal(a->null_count, 0);
    zcx_array_release(a);
    // And all-null arrays of the same types validate too.
    zcx_error_t err;
    int rc = zcx_array_make_nulls(types[i], 4, NULL, &a, &err);
    if (rc != 0) {
      fail_msg("make_nulls(%s): %s", zcx_type_id_name(types[i]->id), err.message);
    }
    rc = zcx_array_validate(a, ZCX_VALIDATE_FULL, &err);
    if (rc != 0) {
      fail_msg("validate(make_nulls(%s)): %s", zcx_type_id_name(types[i]->id), err.message);
    }
    for (int64_t k = 0; k < 4; k++) {
      assert_true(zcx_array_is_null(a, k));
    }
    zcx_array_release(a);
    zcx_type_release(types[i]);
  }
}

static void test_lists_and_list_views(void** state) {
  (void)state;
  zcx_type_id_t ids[4] = {ZCX_TYPE_LIST, ZCX_TYPE_LARGE_LIST, ZCX_TYPE_LIST_VIEW,
                          ZCX_TYPE_LARGE_LIST_VIEW};
  for (int k = 0; k < 4; k++) {
    zcx_builder_t* b = builder_for(ts_list(ids[k], ts_type(ZCX_TYPE_INT32)));
    zcx_builder_t* c = zcx_builder_child(b, 0);
    assert_non_null(c);
    assert_null(zcx_builder_child(b, 1));
    // [[1, 2], null, [], [3, null]]
    assert_int_equal(zcx_builder_append_int(c, 1, NULL), 0);
    assert_int_equal(zcx_builder_append_int(c, 2, NULL), 0);
    assert_int_equal(zcx_builder_finish_element(b, NULL), 0);
    assert_int_equal(zcx_builder_append_null(b, 1, NULL), 0);
    assert_int_equal(zcx_builder_finish_element(b, NULL), 0);
    assert_int_equal(zcx_builder_append_int(c, 3, NULL), 0);
    assert_int_equal(zcx_builder_append_null(c, 1, NULL), 0);
    assert_int_equal(zcx_builder_finish_element(b, NULL), 0);
    zcx_array_t* a = ts_finish(b);
    assert_int_equal(a->length, 4);
    assert_int_equal(a->null_count, 1);
    assert_int_equal(a->children[0]->length, 4);
    assert_true(zcx_array_is_null(a, 1));
    assert_true(zcx_array_is_null(a->children[0], 3));
    expect_padded(a);
    zcx_array_release(a);

    // An unclosed element is refused at finish.
    zcx_error_t err;
    b = builder_for(ts_list(ids[k], ts_type(ZCX_TYPE_INT32)));
    assert_int_equal(zcx_builder_append_int(zcx_builder_child(b, 0), 1, NULL), 0);
    if (ids[k] == ZCX_TYPE_LIST || ids[k] == ZCX_TYPE_LARGE_LIST) {
      ts_expect_error(zcx_builder_finish(b, &a, &err), &err, "unclosed element");
      assert_null(a);
    }
    zcx_builder_destroy(b);
  }
}

static void test_fixed_size_list_struct_map(void** state) {
  (void)state;
  zcx_error_t err;
  zcx_field_t* item = ts_field("item", ts_type(ZCX_TYPE_INT16), true);
  zcx_type_t* t;
  assert_int_equal(zcx_type_fixed_size_list(item, 2, &t, NULL), 0);
  zcx_field_release(item);
  zcx_builder_t* b = builder_for(t);
  zcx_builder_t* c = zcx_builder_child(b, 0);
  assert_int_equal(zcx_builder_append_int(c, 1, NULL), 0);
  ts_expect_error(zcx_builder_finish_element(b, &err), &err, "has 1 child values, expected 2");
  assert_int_equal(zcx_builder_append_int(c, 2, NULL), 0);
  assert_int_equal(zcx_builder_finish_element(b, NULL), 0);
  assert_int_equal(zcx_builder_append_null(b, 1, NULL), 0);
  zcx_array_t* a = ts_finish(b);
  assert_int_equal(a->length, 2);
  assert_int_equal(a->children[0]->length, 4);
  assert_int_equal(a->children[0]->null_count, 2);
  zcx_array_release(a);

  zcx_field_t* fs[2] = {ts_field("x", ts_type(ZCX_TYPE_INT32), true),
                        ts_field("y", ts_type(ZCX_TYPE_STRING), true)};
  b = builder_for(ts_struct(fs, 2));
  assert_int_equal(zcx_builder_append_int(zcx_builder_child(b, 0), 5, NULL), 0);
  ts_expect_error(zcx_builder_finish_element(b, &err), &err, "child 'y' (1) has length 0");
  assert_int_equal(zcx_builder_append_bytes(zcx_builder_child(b, 1), "q", 1, NULL), 0);
  assert_int_equal(zcx_builder_finish_element(b, NULL), 0);
  assert_int_equal(zcx_builder_append_null(b, 2, NULL), 0);
  a = ts_finish(b);
  assert_int_equal(a->length, 3);
  assert_int_equal(a->null_count, 2);
  assert_int_equal(a->children[1]->length, 3);
  assert_int_equal(zcx_array_get_int(a->children[0], 0), 5);
  zcx_array_release(a);

  zcx_field_t* kv[2] = {ts_field("key", ts_type(ZCX_TYPE_STRING), false),
                        ts_field("value", ts_type(ZCX_TYPE_INT32), true)};
  zcx_field_t* entries = ts_field("entries", ts_struct(kv, 2), false);
  assert_int_equal(zcx_type_map(entries, false, &t, NULL), 0);
  zcx_field_release(entries);
  b = builder_for(t);
  zcx_builder_t* e = zcx_builder_child(b, 0);
  assert_int_equal(zcx_builder_append_bytes(zcx_builder_child(e, 0), "k", 1, NULL), 0);
  assert_int_equal(zcx_builder_append_int(zcx_builder_child(e, 1), 1, NULL), 0);
  assert_int_equal(zcx_builder_finish_element(e, NULL), 0);
  assert_int_equal(zcx_builder_finish_element(b, NULL), 0);
  assert_int_equal(zcx_builder_append_null(b, 1, NULL), 0);
  a = ts_finish(b);
  assert_int_equal(a->length, 2);
  assert_int_equal(a->children[0]->length, 1);
  zcx_array_release(a);
}

static void test_unions(void** state) {
  (void)state;
  zcx_error_t err;
  zcx_field_t* fs[2] = {ts_field("i", ts_type(ZCX_TYPE_INT32), true),
                        ts_field("s", ts_type(ZCX_TYPE_STRING), true)};
  int8_t codes[2] = {3, 9};
  zcx_type_t* t;
  assert_int_equal(zcx_type_union(ZCX_TYPE_DENSE_UNION, fs, codes, 2, &t, NULL), 0);
  zcx_builder_t* b = builder_for(t);
  assert_int_equal(zcx_builder_append_int(zcx_builder_child(b, 0), 42, NULL), 0);
  assert_int_equal(zcx_builder_finish_union_element(b, 3, NULL), 0);
  assert_int_equal(zcx_builder_append_bytes(zcx_builder_child(b, 1), "hi", 2, NULL), 0);
  assert_int_equal(zcx_builder_finish_union_element(b, 9, NULL), 0);
  ts_expect_error(zcx_builder_finish_union_element(b, 4, &err), &err, "type code 4");
  ts_expect_error(zcx_builder_finish_union_element(b, 3, &err), &err, "has length 1, expected 2");
  assert_int_equal(zcx_builder_append_null(b, 1, NULL), 0);
  zcx_array_t* a = ts_finish(b);
  assert_int_equal(a->length, 3);
  assert_int_equal(a->null_count, 0);
  assert_false(zcx_array_is_null(a, 0));
  assert_false(zcx_array_is_null(a, 1));
  assert_true(zcx_array_is_null(a, 2));
  assert_int_equal(((const int32_t*)zcx_buffer_data(a->buffers[1]))[2], 1);
  zcx_array_release(a);

  assert_int_equal(zcx_type_union(ZCX_TYPE_SPARSE_UNION, fs, codes, 2, &t, NULL), 0);
  b = builder_for(t);
  assert_int_equal(zcx_builder_append_int(zcx_builder_child(b, 0), 42, NULL), 0);
  ts_expect_error(zcx_builder_finish_union_element(b, 3, &err), &err, "child 's' (1)");
  assert_int_equal(zcx_builder_append_null(zcx_builder_child(b, 1), 1, NULL), 0);
  assert_int_equal(zcx_builder_finish_union_element(b, 3, NULL), 0);
  assert_int_equal(zcx_builder_append_null(b, 2, NULL), 0);
  a = ts_finish(b);
  assert_int_equal(a->length, 3);
  assert_false(zcx_array_is_null(a, 0));
  assert_true(zcx_array_is_null(a, 1));
  zcx_array_release(a);
  zcx_field_release(fs[0]);
  zcx_field_release(fs[1]);
}

static void test_dictionary_run_end_extension_null(void** state) {
  (void)state;
  zcx_error_t err;
  zcx_type_t* i8 = ts_type(ZCX_TYPE_INT8);
  zcx_type_t* str = ts_type(ZCX_TYPE_STRING);
  zcx_type_t* t;
  assert_int_equal(zcx_type_dictionary(i8, str, false, &t, NULL), 0);
  zcx_builder_t* b = builder_for(t);
  zcx_builder_t* d = zcx_builder_dictionary(b);
  assert_non_null(d);
  assert_int_equal(zcx_builder_append_bytes(d, "red", 3, NULL), 0);
  assert_int_equal(zcx_builder_append_bytes(d, "green", 5, NULL), 0);
  assert_int_equal(zcx_builder_append_int(b, 1, NULL), 0);
  assert_int_equal(zcx_builder_append_null(b, 1, NULL), 0);
  int8_t idx[2] = {0, 1};
  assert_int_equal(zcx_builder_append_values(b, idx, 2, NULL), 0);
  assert_int_equal(zcx_builder_append_int(b, -1, &err), ERANGE);
  zcx_array_t* a = ts_finish(b);
  assert_int_equal(a->length, 4);
  assert_non_null(a->dictionary);
  assert_int_equal(a->dictionary->length, 2);
  assert_int_equal(zcx_array_get_int(a, 0), 1);
  assert_true(zcx_array_is_null(a, 1));
  zcx_array_release(a);
  // An index past the dictionary is refused at finish.
  assert_int_equal(zcx_type_dictionary(i8, str, false, &t, NULL), 0);
  b = builder_for(t);
  assert_int_equal(zcx_builder_append_int(b, 3, NULL), 0);
  ts_expect_error(zcx_builder_finish(b, &a, &err), &err, "dictionary index 3 >= dictionary");
  zcx_builder_destroy(b);

  zcx_field_t* vf = ts_field("values", ts_type(ZCX_TYPE_DOUBLE), true);
  zcx_type_t* i32 = ts_type(ZCX_TYPE_INT32);
  assert_int_equal(zcx_type_run_end_encoded(i32, vf, &t, NULL), 0);
  zcx_field_release(vf);
  b = builder_for(t);
  assert_int_equal(zcx_builder_append_int(zcx_builder_child(b, 0), 3, NULL), 0);
  assert_int_equal(zcx_builder_append_double(zcx_builder_child(b, 1), 1.5, NULL), 0);
  assert_int_equal(zcx_builder_append_null(b, 2, NULL), 0);
  assert_int_equal(zcx_builder_length(b), 5);
  assert_int_equal(zcx_builder_append_int(zcx_builder_child(b, 0), 6, NULL), 0);
  assert_int_equal(zcx_builder_append_double(zcx_builder_child(b, 1), 2.5, NULL), 0);
  a = ts_finish(b);
  assert_int_equal(a->length, 6);
  assert_int_equal(a->null_count, 0);
  assert_true(zcx_array_get_double(a, 2) == 1.5);
  assert_true(zcx_array_is_null(a, 3));
  assert_true(zcx_array_is_null(a, 4));
  assert_true(zcx_array_get_double(a, 5) == 2.5);
  zcx_array_t* s;
  assert_int_equal(zcx_array_slice(a, 4, 2, &s, NULL), 0);
  assert_true(zcx_array_is_null(s, 0));
  assert_true(zcx_array_get_double(s, 1) == 2.5);
  assert_int_equal(zcx_array_validate(s, ZCX_VALIDATE_FULL, NULL), 0);
  zcx_array_release(s);
  zcx_array_release(a);

  assert_int_equal(zcx_type_extension("my.ext", NULL, 0, i32, &t, NULL), 0);
  b = builder_for(t);
  assert_int_equal(zcx_builder_append_int(b, 9, NULL), 0);
  a = ts_finish(b);
  assert_int_equal(a->type->id, ZCX_TYPE_EXTENSION);
  assert_int_equal(zcx_array_get_int(a, 0), 9);
  zcx_array_release(a);

  b = builder_for(ts_type(ZCX_TYPE_NA));
  assert_int_equal(zcx_builder_append_null(b, 3, NULL), 0);
  ts_expect_error(zcx_builder_append_int(b, 1, &err), &err, "not an integer-like type");
  a = ts_finish(b);
  assert_int_equal(a->length, 3);
  assert_int_equal(a->null_count, 3);
  assert_int_equal(a->num_buffers, 0);
  zcx_array_release(a);
  zcx_type_release(i8);
  zcx_type_release(str);
  zcx_type_release(i32);
}

static void test_builder_reuse_after_finish(void** state) {
  (void)state;
  zcx_builder_t* b = builder_for(ts_list(ZCX_TYPE_LIST, ts_type(ZCX_TYPE_STRING)));
  zcx_builder_t* c = zcx_builder_child(b, 0);
  for (int round = 0; round < 3; round++) {
    for (int i = 0; i <= round; i++) {
      assert_int_equal(zcx_builder_append_bytes(c, "ab", 2, NULL), 0);
      assert_int_equal(zcx_builder_finish_element(b, NULL), 0);
    }
    assert_int_equal(zcx_builder_append_null(b, 1, NULL), 0);
    zcx_array_t* a = NULL;
    assert_int_equal(zcx_builder_finish(b, &a, NULL), 0);
    assert_int_equal(zcx_array_validate(a, ZCX_VALIDATE_FULL, NULL), 0);
    assert_int_equal(a->length, round + 2);
    assert_int_equal(a->null_count, 1);
    assert_int_equal(a->children[0]->length, round + 1);
    assert_int_equal(zcx_builder_length(b), 0);
    zcx_array_release(a);
  }
  zcx_builder_destroy(b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_int32_with_and_without_nulls),
      cmocka_unit_test(test_integer_ranges_and_wrong_appends),
      cmocka_unit_test(test_temporal_types),
      cmocka_unit_test(test_bool_and_floats),
      cmocka_unit_test(test_binary_and_string_variants),
      cmocka_unit_test(test_fixed_size_binary_and_decimals),
      cmocka_unit_test(test_bulk_append_values_and_reserve),
      cmocka_unit_test(test_empty_arrays_of_every_type),
      cmocka_unit_test(test_lists_and_list_views),
      cmocka_unit_test(test_fixed_size_list_struct_map),
      cmocka_unit_test(test_unions),
      cmocka_unit_test(test_dictionary_run_end_extension_null),
      cmocka_unit_test(test_builder_reuse_after_finish),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
