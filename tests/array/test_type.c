// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Tests of src/array/type.c, field.c, schema.c and metadata.c.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "array/array_support.h"
#include "zcx/array.h"

static void expect_str(const zcx_type_t* t, const char* want) {
  char buf[256];
  int64_t n = zcx_type_to_string(t, buf, sizeof(buf));
  assert_string_equal(buf, want);
  assert_int_equal(n, (int64_t)strlen(want));
}

static void test_simple_types(void** state) {
  (void)state;
  static const struct {
    zcx_type_id_t id;
    const char* name;
    int32_t width;
    int32_t buffers;
  } cases[] = {
      {ZCX_TYPE_NA, "null", 0, 0},
      {ZCX_TYPE_BOOL, "bool", 0, 2},
      {ZCX_TYPE_INT8, "int8", 1, 2},
      {ZCX_TYPE_UINT16, "uint16", 2, 2},
      {ZCX_TYPE_INT32, "int32", 4, 2},
      {ZCX_TYPE_UINT64, "uint64", 8, 2},
      {ZCX_TYPE_HALF_FLOAT, "half_float", 2, 2},
      {ZCX_TYPE_FLOAT, "float", 4, 2},
      {ZCX_TYPE_DOUBLE, "double", 8, 2},
      {ZCX_TYPE_DATE32, "date32", 4, 2},
      {ZCX_TYPE_DATE64, "date64", 8, 2},
      {ZCX_TYPE_INTERVAL_MONTHS, "interval_months", 4, 2},
      {ZCX_TYPE_INTERVAL_DAY_TIME, "interval_day_time", 8, 2},
      {ZCX_TYPE_INTERVAL_MONTH_DAY_NANO, "interval_month_day_nano", 16, 2},
      {ZCX_TYPE_BINARY, "binary", 0, 3},
      {ZCX_TYPE_STRING, "string", 0, 3},
      {ZCX_TYPE_LARGE_BINARY, "large_binary", 0, 3},
      {ZCX_TYPE_LARGE_STRING, "large_string", 0, 3},
      {ZCX_TYPE_BINARY_VIEW, "binary_view", 0, 2},
      {ZCX_TYPE_STRING_VIEW, "string_view", 0, 2},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    zcx_type_t* t = ts_type(cases[i].id);
    assert_int_equal(t->id, cases[i].id);
    assert_string_equal(zcx_type_id_name(cases[i].id), cases[i].name);
    expect_str(t, cases[i].name);
    assert_int_equal(zcx_type_byte_width(t), cases[i].width);
    assert_int_equal(zcx_type_num_buffers(t), cases[i].buffers);
    zcx_type_t* u = ts_type(cases[i].id);
    assert_true(zcx_type_equal(t, u));
    zcx_type_release(u);
    zcx_type_release(t);
  }
  assert_string_equal(zcx_type_id_name(ZCX_TYPE_COUNT_), "unknown");
  assert_string_equal(zcx_type_id_name(ZCX_TYPE_DENSE_UNION), "dense_union");
}

static void test_parametric_types_and_bad_arguments(void** state) {
  (void)state;
  zcx_error_t err;
  zcx_type_t* t = NULL;
  ts_expect_error(zcx_type_create(ZCX_TYPE_TIMESTAMP, &t, &err), &err, "needs parameters");
  assert_null(t);
  ts_expect_error(zcx_type_create((zcx_type_id_t)999, &t, &err), &err, "unknown type id 999");

  assert_int_equal(zcx_type_decimal(128, 10, 2, &t, NULL), 0);
  expect_str(t, "decimal128(10, 2)");
  assert_int_equal(zcx_type_byte_width(t), 16);
  zcx_type_release(t);
  ts_expect_error(zcx_type_decimal(128, 39, 2, &t, &err), &err, "precision 39 is outside 1..38");
  ts_expect_error(zcx_type_decimal(32, 10, 2, &t, &err), &err, "precision 10 is outside 1..9");
  ts_expect_error(zcx_type_decimal(100, 5, 2, &t, &err), &err, "bit width 100");
  assert_int_equal(zcx_type_decimal(256, 76, -3, &t, NULL), 0);
  assert_int_equal(zcx_type_byte_width(t), 32);
  zcx_type_release(t);

  assert_int_equal(zcx_type_time(ZCX_TYPE_TIME32, ZCX_TIME_MILLI, &t, NULL), 0);
  expect_str(t, "time32[ms]");
  zcx_type_release(t);
  ts_expect_error(zcx_type_time(ZCX_TYPE_TIME32, ZCX_TIME_NANO, &t, &err), &err,
                  "unit ns is not s or ms");
  ts_expect_error(zcx_type_time(ZCX_TYPE_TIME64, ZCX_TIME_SECOND, &t, &err), &err,
                  "unit s is not us or ns");
  ts_expect_error(zcx_type_time(ZCX_TYPE_INT32, ZCX_TIME_SECOND, &t, &err), &err, "type id");
  ts_expect_error(zcx_type_time(ZCX_TYPE_DURATION, (zcx_time_unit_t)7, &t, &err), &err,
                  "unknown unit 7");
  assert_int_equal(zcx_type_time(ZCX_TYPE_DURATION, ZCX_TIME_NANO, &t, NULL), 0);
  expect_str(t, "duration[ns]");
  zcx_type_release(t);

  zcx_type_t* ts1;
  zcx_type_t* ts2;
  zcx_type_t* ts3;
  assert_int_equal(zcx_type_timestamp(ZCX_TIME_MILLI, "UTC", &ts1, NULL), 0);
  assert_int_equal(zcx_type_timestamp(ZCX_TIME_MILLI, "", &ts2, NULL), 0);
  assert_int_equal(zcx_type_timestamp(ZCX_TIME_MILLI, NULL, &ts3, NULL), 0);
  expect_str(ts1, "timestamp[ms, tz=UTC]");
  expect_str(ts2, "timestamp[ms]");
  assert_null(ts2->timezone);
  assert_false(zcx_type_equal(ts1, ts2));
  assert_true(zcx_type_equal(ts2, ts3));
  zcx_type_release(ts1);
  zcx_type_release(ts2);
  zcx_type_release(ts3);

  assert_int_equal(zcx_type_fixed_size_binary(5, &t, NULL), 0);
  expect_str(t, "fixed_size_binary[5]");
  assert_int_equal(zcx_type_byte_width(t), 5);
  assert_int_equal(t->bit_width, 40);
  zcx_type_release(t);
  ts_expect_error(zcx_type_fixed_size_binary(-1, &t, &err), &err, "byte width -1");
}

static void test_nested_types(void** state) {
  (void)state;
  zcx_error_t err;
  zcx_type_t* t = NULL;
  zcx_type_t* list = ts_list(ZCX_TYPE_LIST, ts_type(ZCX_TYPE_INT32));
  expect_str(list, "list<item: int32>");
  assert_int_equal(zcx_type_num_buffers(list), 2);
  zcx_type_t* lv = ts_list(ZCX_TYPE_LARGE_LIST_VIEW, ts_type(ZCX_TYPE_INT32));
  expect_str(lv, "large_list_view<item: int32>");
  assert_int_equal(zcx_type_num_buffers(lv), 3);
  assert_false(zcx_type_equal(list, lv));
  zcx_type_release(lv);
  ts_expect_error(zcx_type_list(ZCX_TYPE_STRUCT, NULL, &t, &err), &err, "not a list");
  ts_expect_error(zcx_type_list(ZCX_TYPE_LIST, NULL, &t, &err), &err, "value field is NULL");

  zcx_field_t* item = ts_field("v", ts_type(ZCX_TYPE_FLOAT), false);
  assert_int_equal(zcx_type_fixed_size_list(item, 3, &t, NULL), 0);
  expect_str(t, "fixed_size_list<v: float not null>[3]");
  assert_int_equal(zcx_type_num_buffers(t), 1);
  zcx_type_release(t);
  ts_expect_error(zcx_type_fixed_size_list(item, -2, &t, &err), &err, "negative list size -2");

  zcx_field_t* fs[2] = {ts_field("a", ts_type(ZCX_TYPE_INT64), true),
                        ts_field("b", ts_type(ZCX_TYPE_STRING), true)};
  zcx_field_retain(fs[0]);
  zcx_field_retain(fs[1]);
  zcx_type_t* st = ts_struct(fs, 2);
  expect_str(st, "struct<a: int64, b: string>");
  // Same fields: equal; a different name: not equal.
  zcx_field_retain(fs[0]);
  zcx_field_retain(fs[1]);
  zcx_type_t* st2 = ts_struct(fs, 2);
  assert_true(zcx_type_equal(st, st2));
  zcx_type_release(st2);
  zcx_field_t* other[2] = {ts_field("a", ts_type(ZCX_TYPE_INT64), true),
                           ts_field("c", ts_type(ZCX_TYPE_STRING), true)};
  zcx_type_t* st3 = ts_struct(other, 2);
  assert_false(zcx_type_equal(st, st3));
  zcx_type_release(st3);
  zcx_field_t* bad[2] = {fs[0], NULL};
  ts_expect_error(zcx_type_struct(bad, 2, &t, &err), &err, "field 1 is NULL");

  int8_t codes[2] = {5, 7};
  zcx_field_t* ufs[2] = {item, st->children[1]};
  assert_int_equal(zcx_type_union(ZCX_TYPE_DENSE_UNION, ufs, codes, 2, &t, NULL), 0);
  expect_str(t, "dense_union<v: float not null=5, b: string=7>");
  assert_int_equal(zcx_type_num_buffers(t), 2);
  zcx_type_release(t);
  assert_int_equal(zcx_type_union(ZCX_TYPE_SPARSE_UNION, ufs, NULL, 2, &t, NULL), 0);
  assert_int_equal(t->type_codes[1], 1);
  assert_int_equal(zcx_type_num_buffers(t), 1);
  zcx_type_release(t);
  int8_t dup[2] = {3, 3};
  ts_expect_error(zcx_type_union(ZCX_TYPE_SPARSE_UNION, ufs, dup, 2, &t, &err), &err,
                  "type code 3 of field 1 is repeated");
  int8_t neg[2] = {3, -1};
  ts_expect_error(zcx_type_union(ZCX_TYPE_SPARSE_UNION, ufs, neg, 2, &t, &err), &err,
                  "outside 0..127");

  // Map: entries struct<key not null, value>.
  zcx_field_t* kv[2] = {ts_field("key", ts_type(ZCX_TYPE_STRING), false),
                        ts_field("value", ts_type(ZCX_TYPE_INT32), true)};
  zcx_field_t* entries = ts_field("entries", ts_struct(kv, 2), false);
  assert_int_equal(zcx_type_map(entries, false, &t, NULL), 0);
  expect_str(t, "map<string, int32>");
  assert_int_equal(zcx_type_num_buffers(t), 2);
  zcx_type_release(t);
  zcx_field_release(entries);
  zcx_field_t* kv2[2] = {ts_field("key", ts_type(ZCX_TYPE_STRING), true),
                         ts_field("value", ts_type(ZCX_TYPE_INT32), true)};
  entries = ts_field("entries", ts_struct(kv2, 2), false);
  ts_expect_error(zcx_type_map(entries, false, &t, &err), &err, "key field 'key' is nullable");
  zcx_field_release(entries);
  ts_expect_error(zcx_type_map(item, false, &t, &err), &err, "not a struct of 2");

  // Dictionary and run-end encoded.
  zcx_type_t* i8 = ts_type(ZCX_TYPE_INT8);
  zcx_type_t* str = ts_type(ZCX_TYPE_STRING);
  assert_int_equal(zcx_type_dictionary(i8, str, true, &t, NULL), 0);
  expect_str(t, "dictionary<values=string, indices=int8, ordered>");
  assert_int_equal(zcx_type_num_buffers(t), 2);
  zcx_type_release(t);
  ts_expect_error(zcx_type_dictionary(str, i8, false, &t, &err), &err,
                  "index type string is not an integer type");
  zcx_type_t* i32 = ts_type(ZCX_TYPE_INT32);
  zcx_field_t* values = ts_field("values", ts_type(ZCX_TYPE_DOUBLE), true);
  assert_int_equal(zcx_type_run_end_encoded(i32, values, &t, NULL), 0);
  expect_str(t, "run_end_encoded<run_ends: int32, values: double>");
  assert_int_equal(zcx_type_num_buffers(t), 0);
  assert_int_equal(t->num_children, 2);
  assert_false(t->children[0]->nullable);
  zcx_type_release(t);
  ts_expect_error(zcx_type_run_end_encoded(i8, values, &t, &err), &err, "not int16/32/64");

  // Extension.
  assert_int_equal(zcx_type_extension("my.uuid", "{}", 2, list, &t, NULL), 0);
  expect_str(t, "ext<my.uuid: list<item: int32>>");
  assert_int_equal(zcx_type_num_buffers(t), 2);
  assert_int_equal(t->extension_metadata_length, 2);
  zcx_type_t* t2;
  assert_int_equal(zcx_type_extension("my.uuid", "{x}", 3, list, &t2, NULL), 0);
  assert_false(zcx_type_equal(t, t2));
  zcx_type_release(t2);
  zcx_type_release(t);
  ts_expect_error(zcx_type_extension("", NULL, 0, list, &t, &err), &err, "empty name");

  zcx_type_release(i8);
  zcx_type_release(str);
  zcx_type_release(i32);
  zcx_field_release(values);
  zcx_type_release(st);
  zcx_field_release(fs[0]);
  zcx_field_release(fs[1]);
  zcx_field_release(item);
  zcx_type_release(list);
}

static void test_to_string_truncates(void** state) {
  (void)state;
  zcx_type_t* t;
  assert_int_equal(zcx_type_timestamp(ZCX_TIME_NANO, "Europe/Paris", &t, NULL), 0);
  char buf[8];
  int64_t n = zcx_type_to_string(t, buf, sizeof(buf));
  assert_int_equal(n, (int64_t)strlen("timestamp[ns, tz=Europe/Paris]"));
  assert_string_equal(buf, "timesta");
  assert_int_equal(zcx_type_to_string(t, NULL, 0), n);
  zcx_type_release(t);
}

static void test_metadata_fields_schemas(void** state) {
  (void)state;
  zcx_error_t err;
  zcx_metadata_t md;
  zcx_metadata_init(&md);
  assert_int_equal(zcx_metadata_append(&md, "k1", "v1", NULL), 0);
  assert_int_equal(zcx_metadata_append(&md, "k2", "", NULL), 0);
  ts_expect_error(zcx_metadata_append(&md, NULL, "x", &err), &err, "key is NULL");
  assert_string_equal(zcx_metadata_get(&md, "k1"), "v1");
  assert_string_equal(zcx_metadata_get(&md, "k2"), "");
  assert_null(zcx_metadata_get(&md, "k3"));
  zcx_metadata_t copy;
  assert_int_equal(zcx_metadata_copy(&md, &copy, NULL), 0);
  assert_true(zcx_metadata_equal(&md, &copy));
  assert_int_equal(zcx_metadata_append(&copy, "k3", "v3", NULL), 0);
  assert_false(zcx_metadata_equal(&md, &copy));
  zcx_metadata_reset(&copy);
  assert_int_equal(copy.count, 0);

  zcx_field_t* f;
  zcx_type_t* i32 = ts_type(ZCX_TYPE_INT32);
  assert_int_equal(zcx_field_create("x", i32, true, &md, &f, NULL), 0);
  assert_string_equal(zcx_metadata_get(&f->metadata, "k1"), "v1");
  assert_int_equal(f->dictionary_id, -1);
  zcx_field_t* g;
  assert_int_equal(zcx_field_with_dictionary_id(f, 4, &g, NULL), 0);
  assert_int_equal(g->dictionary_id, 4);
  assert_true(zcx_field_equal(f, g));  // the IPC dictionary id is not part of equality
  zcx_field_t* h;
  assert_int_equal(zcx_field_create("x", i32, false, &md, &h, NULL), 0);
  assert_false(zcx_field_equal(f, h));
  zcx_field_t* k;
  assert_int_equal(zcx_field_create(NULL, i32, true, NULL, &k, NULL), 0);
  assert_string_equal(k->name, "");
  zcx_field_t* bad;
  ts_expect_error(zcx_field_create("y", NULL, true, NULL, &bad, &err), &err, "type is NULL");
  assert_null(bad);

  zcx_field_t* fields[2] = {f, h};
  zcx_schema_t* s;
  assert_int_equal(zcx_schema_create(fields, 2, &md, &s, NULL), 0);
  assert_int_equal(zcx_schema_field_index(s, "x"), 0);
  assert_int_equal(zcx_schema_field_index(s, "nope"), -1);
  zcx_schema_t* s2;
  assert_int_equal(zcx_schema_create(fields, 2, NULL, &s2, NULL), 0);
  assert_false(zcx_schema_equal(s, s2));  // metadata differs
  zcx_schema_release(s2);
  zcx_schema_t* s3;
  assert_int_equal(zcx_schema_create(fields, 2, &md, &s3, NULL), 0);
  assert_true(zcx_schema_equal(s, s3));
  zcx_field_t* nulls[1] = {NULL};
  ts_expect_error(zcx_schema_create(nulls, 1, NULL, &s2, &err), &err, "field 0 is NULL");
  zcx_schema_release(s3);
  zcx_schema_release(s);
  zcx_field_release(f);
  zcx_field_release(g);
  zcx_field_release(h);
  zcx_field_release(k);
  zcx_type_release(i32);
  zcx_metadata_reset(&md);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_simple_types),
      cmocka_unit_test(test_parametric_types_and_bad_arguments),
      cmocka_unit_test(test_nested_types),
      cmocka_unit_test(test_to_string_truncates),
      cmocka_unit_test(test_metadata_fields_schemas),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
