// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Tests of src/array/print.c: printed text of a few types compared to the expected text.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "array/array_support.h"
#include "zcx/array.h"

static void expect_print(const zcx_array_t* a, int64_t max_items, const char* want) {
  char* text = NULL;
  size_t size = 0;
  FILE* f = open_memstream(&text, &size);
  assert_non_null(f);
  assert_int_equal(zcx_array_print(a, f, max_items, NULL), 0);
  fclose(f);
  assert_string_equal(text, want);
  free(text);
}

static zcx_builder_t* builder_for(zcx_type_t* t) {
  zcx_builder_t* b = NULL;
  assert_int_equal(zcx_builder_create(t, NULL, &b, NULL), 0);
  zcx_type_release(t);
  return b;
}

static void test_print_primitives(void** state) {
  (void)state;
  int32_t v[5] = {1, -2, 3, 4, 5};
  bool valid[5] = {true, false, true, true, true};
  zcx_array_t* a = ts_int32(v, 5, valid);
  expect_print(a, -1, "[1, null, 3, 4, 5]\n");
  expect_print(a, 2, "[1, null, ... (3 more)]\n");
  expect_print(a, 0, "[... (5 more)]\n");
  zcx_array_t* s;
  assert_int_equal(zcx_array_slice(a, 1, 2, &s, NULL), 0);
  expect_print(s, -1, "[null, 3]\n");
  zcx_array_release(s);
  zcx_array_release(a);

  double d[4] = {0.1, -2.5, 1e300, 0.0 / 0.0};
  a = ts_double(d, 4, NULL);
  expect_print(a, -1, "[0.1, -2.5, 1e+300, nan]\n");
  zcx_array_release(a);

  const char* words[4] = {"plain", NULL, "quote\"back\\slash", "tab\there"};
  a = ts_strings(ZCX_TYPE_STRING_VIEW, words, 4);
  expect_print(a, -1, "[\"plain\", null, \"quote\\\"back\\\\slash\", \"tab\\x09here\"]\n");
  zcx_array_release(a);

  zcx_builder_t* b = builder_for(ts_type(ZCX_TYPE_BOOL));
  assert_int_equal(zcx_builder_append_bool(b, true, NULL), 0);
  assert_int_equal(zcx_builder_append_bool(b, false, NULL), 0);
  a = ts_finish(b);
  expect_print(a, -1, "[true, false]\n");
  zcx_array_release(a);

  b = builder_for(ts_type(ZCX_TYPE_NA));
  assert_int_equal(zcx_builder_append_null(b, 2, NULL), 0);
  a = ts_finish(b);
  expect_print(a, -1, "[null, null]\n");
  zcx_array_release(a);
}

static void test_print_temporal_and_decimal(void** state) {
  (void)state;
  zcx_builder_t* b = builder_for(ts_type(ZCX_TYPE_DATE32));
  assert_int_equal(zcx_builder_append_int(b, 0, NULL), 0);
  assert_int_equal(zcx_builder_append_int(b, 19723, NULL), 0);
  assert_int_equal(zcx_builder_append_int(b, -1, NULL), 0);
  zcx_array_t* a = ts_finish(b);
  expect_print(a, -1, "[1970-01-01, 2024-01-01, 1969-12-31]\n");
  zcx_array_release(a);

  zcx_type_t* t;
  assert_int_equal(zcx_type_timestamp(ZCX_TIME_MILLI, "UTC", &t, NULL), 0);
  b = builder_for(t);
  assert_int_equal(zcx_builder_append_int(b, 1704164645123LL, NULL), 0);
  assert_int_equal(zcx_builder_append_int(b, -1, NULL), 0);
  a = ts_finish(b);
  expect_print(a, -1, "[2024-01-02 03:04:05.123Z, 1969-12-31 23:59:59.999Z]\n");
  zcx_array_release(a);

  // Time zones: none (a wall-clock time), a fixed offset (local time and offset), a named
  // zone (the UTC instant with the zone's name, RFC 9557 style).
  static const struct {
    const char* tz;
    const char* want;
  } zones[] = {
      {NULL, "[2024-01-02 03:04:05, 1969-12-31 23:59:59]\n"},
      {"+05:30", "[2024-01-02 08:34:05+05:30, 1970-01-01 05:29:59+05:30]\n"},
      {"-0800", "[2024-01-01 19:04:05-08:00, 1969-12-31 15:59:59-08:00]\n"},
      {"Europe/Paris",
       "[2024-01-02 03:04:05Z[Europe/Paris], 1969-12-31 23:59:59Z[Europe/Paris]]\n"},
      {"+25:00", "[2024-01-02 03:04:05Z[+25:00], 1969-12-31 23:59:59Z[+25:00]]\n"},
  };
  // Near the limits a fixed offset cannot be applied: the UTC time prints.
  assert_int_equal(zcx_type_timestamp(ZCX_TIME_SECOND, "+05:30", &t, NULL), 0);
  b = builder_for(t);
  assert_int_equal(zcx_builder_append_int(b, INT64_MAX, NULL), 0);
  a = ts_finish(b);
  expect_print(a, -1, "[292277026596-12-04 15:30:07Z]\n");
  zcx_array_release(a);
  for (size_t z = 0; z < sizeof(zones) / sizeof(zones[0]); z++) {
    assert_int_equal(zcx_type_timestamp(ZCX_TIME_SECOND, zones[z].tz, &t, NULL), 0);
    b = builder_for(t);
    assert_int_equal(zcx_builder_append_int(b, 1704164645, NULL), 0);
    assert_int_equal(zcx_builder_append_int(b, -1, NULL), 0);
    a = ts_finish(b);
    expect_print(a, -1, zones[z].want);
    zcx_array_release(a);
  }

  assert_int_equal(zcx_type_time(ZCX_TYPE_TIME64, ZCX_TIME_MICRO, &t, NULL), 0);
  b = builder_for(t);
  assert_int_equal(zcx_builder_append_int(b, 3723000042LL, NULL), 0);
  a = ts_finish(b);
  expect_print(a, -1, "[01:02:03.000042]\n");
  zcx_array_release(a);

  assert_int_equal(zcx_type_time(ZCX_TYPE_DURATION, ZCX_TIME_NANO, &t, NULL), 0);
  b = builder_for(t);
  assert_int_equal(zcx_builder_append_int(b, 15, NULL), 0);
  a = ts_finish(b);
  expect_print(a, -1, "[15ns]\n");
  zcx_array_release(a);

  assert_int_equal(zcx_type_decimal(128, 10, 2, &t, NULL), 0);
  b = builder_for(t);
  assert_int_equal(zcx_builder_append_int(b, 12345, NULL), 0);
  assert_int_equal(zcx_builder_append_int(b, -5, NULL), 0);
  assert_int_equal(zcx_builder_append_int(b, 0, NULL), 0);
  a = ts_finish(b);
  expect_print(a, -1, "[123.45, -0.05, 0.00]\n");
  zcx_array_release(a);

  assert_int_equal(zcx_type_decimal(256, 76, 0, &t, NULL), 0);
  b = builder_for(t);
  uint8_t big[32];
  memset(big, 0xff, sizeof(big));
  big[31] = 0x7f;  // 2^255 - 1
  assert_int_equal(zcx_builder_append_bytes(b, big, 32, NULL), 0);
  a = ts_finish(b);
  expect_print(a, -1,
               "[57896044618658097711785492504343953926634992332820282019728792003956564819967]\n");
  zcx_array_release(a);

  // Extreme scales (the C Data interface allows any) switch to an exponent.
  static const struct {
    int32_t scale;
    const char* want;
  } scales[] = {
      {-3, "[12345000]\n"},
      {-41, "[12345e41]\n"},
      {INT32_MIN, "[12345e2147483648]\n"},
      {45, "[0.000000000000000000000000000000000000000012345]\n"},
      {46, "[12345e-46]\n"},
      {INT32_MAX, "[12345e-2147483647]\n"},
  };
  for (size_t k = 0; k < sizeof(scales) / sizeof(scales[0]); k++) {
    assert_int_equal(zcx_type_decimal(64, 18, scales[k].scale, &t, NULL), 0);
    b = builder_for(t);
    assert_int_equal(zcx_builder_append_int(b, 12345, NULL), 0);
    a = ts_finish(b);
    expect_print(a, -1, scales[k].want);
    zcx_array_release(a);
  }
}

static void test_print_nested(void** state) {
  (void)state;
  zcx_builder_t* b = builder_for(ts_list(ZCX_TYPE_LIST, ts_type(ZCX_TYPE_INT64)));
  zcx_builder_t* c = zcx_builder_child(b, 0);
  for (int i = 0; i < 5; i++) {
    assert_int_equal(zcx_builder_append_int(c, i, NULL), 0);
  }
  assert_int_equal(zcx_builder_finish_element(b, NULL), 0);
  assert_int_equal(zcx_builder_append_null(b, 1, NULL), 0);
  assert_int_equal(zcx_builder_finish_element(b, NULL), 0);
  zcx_array_t* a = ts_finish(b);
  expect_print(a, -1, "[[0, 1, 2, 3, 4], null, []]\n");
  expect_print(a, 2, "[[0, 1, ... (3 more)], null, ... (1 more)]\n");
  zcx_array_release(a);

  zcx_field_t* fs[2] = {ts_field("x", ts_type(ZCX_TYPE_INT32), true),
                        ts_field("s", ts_type(ZCX_TYPE_STRING), true)};
  b = builder_for(ts_struct(fs, 2));
  assert_int_equal(zcx_builder_append_int(zcx_builder_child(b, 0), 7, NULL), 0);
  assert_int_equal(zcx_builder_append_bytes(zcx_builder_child(b, 1), "hi", 2, NULL), 0);
  assert_int_equal(zcx_builder_finish_element(b, NULL), 0);
  assert_int_equal(zcx_builder_append_null(b, 1, NULL), 0);
  a = ts_finish(b);
  expect_print(a, -1, "[{x: 7, s: \"hi\"}, null]\n");
  zcx_array_release(a);

  zcx_field_t* kv[2] = {ts_field("key", ts_type(ZCX_TYPE_STRING), false),
                        ts_field("value", ts_type(ZCX_TYPE_INT32), true)};
  zcx_field_t* entries = ts_field("entries", ts_struct(kv, 2), false);
  zcx_type_t* mt;
  assert_int_equal(zcx_type_map(entries, false, &mt, NULL), 0);
  zcx_field_release(entries);
  b = builder_for(mt);
  zcx_builder_t* e = zcx_builder_child(b, 0);
  assert_int_equal(zcx_builder_append_bytes(zcx_builder_child(e, 0), "a", 1, NULL), 0);
  assert_int_equal(zcx_builder_append_int(zcx_builder_child(e, 1), 1, NULL), 0);
  assert_int_equal(zcx_builder_finish_element(e, NULL), 0);
  assert_int_equal(zcx_builder_append_bytes(zcx_builder_child(e, 0), "b", 1, NULL), 0);
  assert_int_equal(zcx_builder_append_null(zcx_builder_child(e, 1), 1, NULL), 0);
  assert_int_equal(zcx_builder_finish_element(e, NULL), 0);
  assert_int_equal(zcx_builder_finish_element(b, NULL), 0);
  a = ts_finish(b);
  expect_print(a, -1, "[{\"a\": 1, \"b\": null}]\n");
  zcx_array_release(a);

  zcx_type_t* i8 = ts_type(ZCX_TYPE_INT8);
  zcx_type_t* str = ts_type(ZCX_TYPE_STRING);
  zcx_type_t* dt;
  assert_int_equal(zcx_type_dictionary(i8, str, false, &dt, NULL), 0);
  b = builder_for(dt);
  assert_int_equal(zcx_builder_append_bytes(zcx_builder_dictionary(b), "red", 3, NULL), 0);
  assert_int_equal(zcx_builder_append_bytes(zcx_builder_dictionary(b), "blue", 4, NULL), 0);
  assert_int_equal(zcx_builder_append_int(b, 1, NULL), 0);
  assert_int_equal(zcx_builder_append_null(b, 1, NULL), 0);
  assert_int_equal(zcx_builder_append_int(b, 0, NULL), 0);
  a = ts_finish(b);
  expect_print(a, -1, "[\"blue\", null, \"red\"]\n");
  zcx_array_release(a);
  zcx_type_release(i8);
  zcx_type_release(str);
}

static void test_print_batch_and_errors(void** state) {
  (void)state;
  int32_t v[3] = {1, 2, 3};
  const char* w[3] = {"a", NULL, "c"};
  zcx_array_t* cols[2] = {ts_int32(v, 3, NULL), ts_strings(ZCX_TYPE_STRING, w, 3)};
  zcx_field_t* fs[2] = {ts_field("n", ts_type(ZCX_TYPE_INT32), false),
                        ts_field("s", ts_type(ZCX_TYPE_STRING), true)};
  zcx_schema_t* schema;
  assert_int_equal(zcx_schema_create(fs, 2, NULL, &schema, NULL), 0);
  zcx_batch_t* batch;
  assert_int_equal(zcx_batch_create(schema, cols, 2, 3, &batch, NULL), 0);
  char* text = NULL;
  size_t size = 0;
  FILE* f = open_memstream(&text, &size);
  assert_int_equal(zcx_batch_print(batch, f, 2, NULL), 0);
  fclose(f);
  assert_string_equal(text,
                      "3 rows, 2 columns\n"
                      "n (int32): [1, 2, ... (1 more)]\n"
                      "s (string): [\"a\", null, ... (1 more)]\n");
  free(text);
  // A stream that cannot be written reports EIO.
  FILE* ro = fopen("/dev/null", "r");
  assert_non_null(ro);
  zcx_error_t err;
  assert_int_equal(zcx_array_print(cols[0], ro, -1, &err), EIO);
  assert_non_null(strstr(err.message, "write failed"));
  fclose(ro);
  assert_int_equal(zcx_array_print(NULL, stdout, -1, &err), EINVAL);
  zcx_batch_release(batch);
  zcx_schema_release(schema);
  zcx_field_release(fs[0]);
  zcx_field_release(fs[1]);
  zcx_array_release(cols[0]);
  zcx_array_release(cols[1]);
}

// Run-end encoded arrays print their logical values, walking the runs in order.
static void test_print_run_end_encoded(void** state) {
  (void)state;
  int32_t ends[3] = {3, 5, 6};
  int32_t vals[3] = {7, 0, 9};
  bool ok[3] = {true, false, true};
  zcx_array_t* a = ts_ree_int32(ends, vals, ok, 3, 6);
  expect_print(a, -1, "[7, 7, 7, null, null, 9]\n");
  expect_print(a, 4, "[7, 7, 7, null, ... (2 more)]\n");
  zcx_array_t* s = NULL;
  assert_int_equal(zcx_array_slice(a, 2, 4, &s, NULL), 0);
  expect_print(s, -1, "[7, null, null, 9]\n");
  zcx_array_release(s);
  zcx_array_release(a);
  // Run ends that do not increase pass the cheap validation only: printing refuses them
  // rather than reading out of range.
  int32_t bad_ends[3] = {4, 1, 4};
  a = ts_ree_int32(bad_ends, vals, ok, 3, 4);
  char* text = NULL;
  size_t size = 0;
  FILE* f = open_memstream(&text, &size);
  zcx_error_t err;
  ts_expect_error(zcx_array_print(a, f, -1, &err), &err,
                  "invalid array: child 'run_ends' (0): run end 1 at index 1 <= previous");
  fclose(f);
  free(text);
  zcx_array_release(a);
  // So are dense union offsets past their child and string offsets that decrease.
  int32_t offs[3] = {0, 5, 2};
  zcx_buffer_t* ob = ts_buf(offs, sizeof(offs));
  zcx_buffer_t* db = ts_buf("abcde", 5);
  zcx_buffer_t* sb[3] = {NULL, ob, db};
  zcx_type_t* st = ts_type(ZCX_TYPE_STRING);
  assert_int_equal(zcx_array_create(st, 2, 0, 0, sb, 3, NULL, 0, NULL, &a, NULL), 0);
  f = open_memstream(&text, &size);
  ts_expect_error(zcx_array_print(a, f, -1, &err), &err, "offsets must not decrease");
  fclose(f);
  free(text);
  zcx_error_t why;
  zcx_error_init(&why);
  zcx_array_t* b = NULL;
  assert_int_equal(zcx_array_slice(a, 0, 2, &b, NULL), 0);
  assert_false(zcx_array_equal(a, b, &why));
  assert_non_null(strstr(why.message, "invalid array"));
  zcx_array_release(b);
  zcx_array_release(a);
  zcx_type_release(st);
  zcx_buffer_release(ob);
  zcx_buffer_release(db);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_print_primitives),
      cmocka_unit_test(test_print_temporal_and_decimal),
      cmocka_unit_test(test_print_nested),
      cmocka_unit_test(test_print_batch_and_errors),
      cmocka_unit_test(test_print_run_end_encoded),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
