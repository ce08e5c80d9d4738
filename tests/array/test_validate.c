// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Tests of src/array/validate.c: hostile arrays made with zcx_array_create are rejected at the
// cheap or the full level with a message that names the problem, and sound ones pass.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "array/array_support.h"
#include "zcx/array.h"

// Creates an array (expecting the cheap validation to pass) and returns it.
static zcx_array_t* make(zcx_type_t* t, int64_t length, int64_t offset, zcx_buffer_t** bufs,
                         int32_t nb, zcx_array_t** kids, int32_t nk, zcx_array_t* dict) {
  zcx_array_t* a = NULL;
  zcx_error_t err;
  int rc = zcx_array_create(t, length, offset, -1, bufs, nb, kids, nk, dict, &a, &err);
  if (rc != 0) {
    fail_msg("array_create: %s", err.message);
  }
  return a;
}

// Expects the full validation of `a` to fail with `needle`, then releases it.
static void expect_full_error(zcx_array_t* a, const char* needle) {
  zcx_error_t err;
  assert_int_equal(zcx_array_validate(a, ZCX_VALIDATE_CHEAP, NULL), 0);
  ts_expect_error(zcx_array_validate(a, ZCX_VALIDATE_FULL, &err), &err, needle);
  zcx_array_release(a);
}

static void release_bufs(zcx_buffer_t** b, int n) {
  for (int i = 0; i < n; i++) {
    zcx_buffer_release(b[i]);
  }
}

static void test_counts_lengths_and_sizes(void** state) {
  (void)state;
  zcx_error_t err;
  zcx_array_t* a = NULL;
  zcx_type_t* i32 = ts_type(ZCX_TYPE_INT32);
  int32_t v[4] = {1, 2, 3, 4};
  zcx_buffer_t* data = ts_buf(v, sizeof(v));
  zcx_buffer_t* bufs[3] = {NULL, data, data};
  ts_expect_error(zcx_array_create(i32, 4, 0, 0, bufs, 1, NULL, 0, NULL, &a, &err), &err,
                  "int32 array: expected 2 buffers, got 1");
  assert_null(a);
  ts_expect_error(zcx_array_create(i32, 4, 0, 0, bufs, 3, NULL, 0, NULL, &a, &err), &err,
                  "expected 2 buffers, got 3");
  ts_expect_error(zcx_array_create(i32, -1, 0, 0, bufs, 2, NULL, 0, NULL, &a, &err), &err,
                  "negative length -1");
  ts_expect_error(zcx_array_create(i32, 1, -3, 0, bufs, 2, NULL, 0, NULL, &a, &err), &err,
                  "negative offset -3");
  ts_expect_error(zcx_array_create(i32, 4, 1, 0, bufs, 2, NULL, 0, NULL, &a, &err), &err,
                  "buffer 1 (data) has 16 bytes, needs 20 for offset 1 + length 4");
  ts_expect_error(zcx_array_create(i32, 4, INT64_MAX, 0, bufs, 2, NULL, 0, NULL, &a, &err), &err,
                  "overflows");
  ts_expect_error(zcx_array_create(i32, 4, 0, 5, bufs, 2, NULL, 0, NULL, &a, &err), &err,
                  "null count 5 is outside");
  ts_expect_error(zcx_array_create(i32, 4, 0, 2, bufs, 2, NULL, 0, NULL, &a, &err), &err,
                  "null count 2 but no validity bitmap");
  zcx_buffer_t* short_bits = ts_bits("1");
  zcx_buffer_t* b2[2] = {short_bits, data};
  // Buffers of 1 byte but 9 elements need 2 bytes.
  ts_expect_error(zcx_array_create(i32, 9, 0, -1, b2, 2, NULL, 0, NULL, &a, &err), &err,
                  "buffer 0 (validity) has 1 bytes, needs 2");
  zcx_buffer_t* b3[2] = {NULL, NULL};
  ts_expect_error(zcx_array_create(i32, 1, 0, -1, b3, 2, NULL, 0, NULL, &a, &err), &err,
                  "buffer 1 (data) is absent");
  // An int32 array cannot have children or a dictionary.
  zcx_array_t* ok = make(i32, 4, 0, bufs, 2, NULL, 0, NULL);
  ts_expect_error(zcx_array_create(i32, 4, 0, 0, bufs, 2, &ok, 1, NULL, &a, &err), &err,
                  "expected 0 children, got 1");
  ts_expect_error(zcx_array_create(i32, 4, 0, 0, bufs, 2, NULL, 0, ok, &a, &err), &err,
                  "has a dictionary");
  assert_int_equal(zcx_array_validate(ok, ZCX_VALIDATE_FULL, NULL), 0);
  ts_expect_error(zcx_array_validate(ok, (zcx_validate_level_t)9, &err), &err, "unknown level");
  ts_expect_error(zcx_array_validate(NULL, ZCX_VALIDATE_CHEAP, &err), &err, "array is NULL");
  zcx_array_release(ok);
  // A null count that disagrees with the bitmap is caught by the full level.
  zcx_buffer_t* bits = ts_bits("1011");
  zcx_buffer_t* b4[2] = {bits, data};
  assert_int_equal(zcx_array_create(i32, 4, 0, 2, b4, 2, NULL, 0, NULL, &a, NULL), 0);
  expect_full_error(a, "null count 2 disagrees with the validity bitmap (1 nulls)");
  zcx_buffer_release(bits);
  zcx_buffer_release(short_bits);
  zcx_buffer_release(data);
  zcx_type_release(i32);
}

static void test_binary_offsets(void** state) {
  (void)state;
  zcx_error_t err;
  zcx_array_t* a = NULL;
  zcx_type_t* str = ts_type(ZCX_TYPE_STRING);
  zcx_buffer_t* data = ts_buf("abcdefgh", 8);
  int32_t good[4] = {0, 2, 2, 8};
  int32_t decreasing[4] = {0, 5, 3, 8};
  int32_t past[4] = {0, 2, 4, 12};
  int32_t negative[4] = {-1, 2, 4, 8};
  zcx_buffer_t* og = ts_buf(good, sizeof(good));
  zcx_buffer_t* od = ts_buf(decreasing, sizeof(decreasing));
  zcx_buffer_t* op = ts_buf(past, sizeof(past));
  zcx_buffer_t* on = ts_buf(negative, sizeof(negative));
  zcx_buffer_t* b[3] = {NULL, og, data};
  a = make(str, 3, 0, b, 3, NULL, 0, NULL);
  assert_int_equal(zcx_array_validate(a, ZCX_VALIDATE_FULL, NULL), 0);
  zcx_array_release(a);
  // Offsets buffer too short for the length.
  ts_expect_error(zcx_array_create(str, 4, 0, -1, b, 3, NULL, 0, NULL, &a, &err), &err,
                  "buffer 1 (offsets) has 16 bytes, needs 20");
  b[1] = op;
  ts_expect_error(zcx_array_create(str, 3, 0, -1, b, 3, NULL, 0, NULL, &a, &err), &err,
                  "offset 12 at index 3 > data length 8");
  b[1] = on;
  ts_expect_error(zcx_array_create(str, 3, 0, -1, b, 3, NULL, 0, NULL, &a, &err), &err,
                  "negative offset -1");
  b[1] = od;
  a = make(str, 3, 0, b, 3, NULL, 0, NULL);
  expect_full_error(a, "offset 3 at index 2 < previous offset 5");
  // The same, past a slice offset, on a large string.
  zcx_type_t* lstr = ts_type(ZCX_TYPE_LARGE_STRING);
  int64_t loffs[5] = {0, 1, 6, 4, 8};
  zcx_buffer_t* lo = ts_buf(loffs, sizeof(loffs));
  zcx_buffer_t* lb[3] = {NULL, lo, data};
  a = make(lstr, 2, 2, lb, 3, NULL, 0, NULL);
  expect_full_error(a, "offset 4 at index 3 < previous offset 6");
  // Empty arrays may have no offsets at all.
  zcx_buffer_t* none[3] = {NULL, NULL, NULL};
  a = make(str, 0, 0, none, 3, NULL, 0, NULL);
  assert_int_equal(zcx_array_validate(a, ZCX_VALIDATE_FULL, NULL), 0);
  zcx_array_release(a);
  zcx_buffer_t* all[] = {data, og, od, op, on, lo};
  release_bufs(all, 6);
  zcx_type_release(str);
  zcx_type_release(lstr);
}

static void test_utf8(void** state) {
  (void)state;
  const char* bad[] = {"\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82", "ok\xff"};
  const char* good[] = {"", "plain ascii text!", "\xc3\xa9t\xc3\xa9", "\xe2\x82\xac",
                        "\xf0\x9f\x98\x80"};
  zcx_type_id_t ids[2] = {ZCX_TYPE_STRING, ZCX_TYPE_STRING_VIEW};
  for (int k = 0; k < 2; k++) {
    zcx_array_t* a = ts_strings(ids[k], good, 5);  // validates in full
    zcx_array_release(a);
    for (int i = 0; i < 5; i++) {
      // Binary of the same bytes, re-typed as string by sharing its buffers.
      zcx_type_t* bin = ts_type(ids[k] == ZCX_TYPE_STRING ? ZCX_TYPE_BINARY : ZCX_TYPE_BINARY_VIEW);
      zcx_builder_t* b;
      assert_int_equal(zcx_builder_create(bin, NULL, &b, NULL), 0);
      assert_int_equal(zcx_builder_append_bytes(b, "fine", 4, NULL), 0);
      assert_int_equal(zcx_builder_append_bytes(b, bad[i], (int64_t)strlen(bad[i]), NULL), 0);
      zcx_array_t* raw = ts_finish(b);
      zcx_type_t* st = ts_type(ids[k]);
      zcx_array_t* s = make(st, raw->length, 0, raw->buffers, raw->num_buffers, NULL, 0, NULL);
      expect_full_error(s, "at index 1");
      zcx_array_release(raw);
      zcx_type_release(st);
      zcx_type_release(bin);
    }
  }
  // Each value must be valid on its own: a split in the middle of a character is caught.
  zcx_type_t* str = ts_type(ZCX_TYPE_STRING);
  int32_t offs[3] = {0, 1, 2};
  zcx_buffer_t* o = ts_buf(offs, sizeof(offs));
  zcx_buffer_t* d = ts_buf("\xc3\xa9", 2);
  zcx_buffer_t* b[3] = {NULL, o, d};
  zcx_array_t* a = make(str, 2, 0, b, 3, NULL, 0, NULL);
  expect_full_error(a, "string at index 0");
  zcx_buffer_release(o);
  zcx_buffer_release(d);
  zcx_type_release(str);
}

static void test_views(void** state) {
  (void)state;
  zcx_type_t* t = ts_type(ZCX_TYPE_BINARY_VIEW);
  uint8_t views[32] = {0};
  int32_t size = 20;
  int32_t index = 3;
  int32_t off = 0;
  memcpy(views, &size, 4);
  memcpy(views + 4, "abcd", 4);
  memcpy(views + 8, &index, 4);
  memcpy(views + 12, &off, 4);
  int32_t small = 2;
  memcpy(views + 16, &small, 4);
  memcpy(views + 20, "hi", 2);
  zcx_buffer_t* vb = ts_buf(views, sizeof(views));
  zcx_buffer_t* data = ts_buf("abcdefghijklmnopqrstuvwxyz", 26);
  zcx_buffer_t* b[3] = {NULL, vb, data};
  zcx_array_t* a = make(t, 2, 0, b, 3, NULL, 0, NULL);
  expect_full_error(a, "buffer index 3, but there are 1 variadic buffers");

  index = 0;
  off = 10;
  memcpy(views + 8, &index, 4);
  memcpy(views + 12, &off, 4);
  zcx_buffer_t* vb2 = ts_buf(views, sizeof(views));
  b[1] = vb2;
  a = make(t, 2, 0, b, 3, NULL, 0, NULL);
  expect_full_error(a, "offset 10 + size 20 > size 26 of variadic buffer 0");

  off = 1;
  memcpy(views + 12, &off, 4);
  zcx_buffer_t* vb3 = ts_buf(views, sizeof(views));
  b[1] = vb3;
  a = make(t, 2, 0, b, 3, NULL, 0, NULL);
  expect_full_error(a, "prefix does not match");

  off = 0;
  memcpy(views + 12, &off, 4);
  zcx_buffer_t* vb4 = ts_buf(views, sizeof(views));
  b[1] = vb4;
  a = make(t, 2, 0, b, 3, NULL, 0, NULL);
  assert_int_equal(zcx_array_validate(a, ZCX_VALIDATE_FULL, NULL), 0);
  const uint8_t* p;
  int64_t n;
  zcx_array_get_bytes(a, 0, &p, &n);
  assert_int_equal(n, 20);
  assert_memory_equal(p, "abcdefghijklmnopqrst", 20);
  zcx_array_release(a);
  // Views need 16 bytes each.
  zcx_error_t err;
  ts_expect_error(zcx_array_create(t, 3, 0, -1, b, 3, NULL, 0, NULL, &a, &err), &err,
                  "buffer 1 (views) has 32 bytes, needs 48");
  ts_expect_error(zcx_array_create(t, 1, 0, -1, b, 1, NULL, 0, NULL, &a, &err), &err,
                  "expected at least 2 buffers, got 1");
  zcx_buffer_t* all[] = {vb, vb2, vb3, vb4, data};
  release_bufs(all, 5);
  zcx_type_release(t);
}

static void test_lists(void** state) {
  (void)state;
  zcx_error_t err;
  int32_t v[4] = {1, 2, 3, 4};
  zcx_array_t* child = ts_int32(v, 4, NULL);
  zcx_type_t* lt = ts_list(ZCX_TYPE_LIST, ts_type(ZCX_TYPE_INT32));
  int32_t past[3] = {0, 2, 5};
  zcx_buffer_t* op = ts_buf(past, sizeof(past));
  zcx_buffer_t* b[2] = {NULL, op};
  zcx_array_t* a = NULL;
  ts_expect_error(zcx_array_create(lt, 2, 0, -1, b, 2, &child, 1, NULL, &a, &err), &err,
                  "offset 5 at index 2 > child length 4");
  ts_expect_error(zcx_array_create(lt, 2, 0, -1, b, 2, NULL, 0, NULL, &a, &err), &err,
                  "expected 1 children, got 0");
  // A child of the wrong type.
  zcx_type_t* lt64 = ts_list(ZCX_TYPE_LIST, ts_type(ZCX_TYPE_INT64));
  int32_t good[3] = {0, 2, 4};
  zcx_buffer_t* og = ts_buf(good, sizeof(good));
  b[1] = og;
  ts_expect_error(zcx_array_create(lt64, 2, 0, -1, b, 2, &child, 1, NULL, &a, &err), &err,
                  "child 'item' (0) has type int32, the type says int64");

  // List views: offset + size within the child.
  zcx_type_t* lvt = ts_list(ZCX_TYPE_LIST_VIEW, ts_type(ZCX_TYPE_INT32));
  int32_t offs[2] = {0, 3};
  int32_t sizes[2] = {4, 2};
  zcx_buffer_t* ob = ts_buf(offs, sizeof(offs));
  zcx_buffer_t* sb = ts_buf(sizes, sizeof(sizes));
  zcx_buffer_t* lb[3] = {NULL, ob, sb};
  a = make(lvt, 2, 0, lb, 3, &child, 1, NULL);
  expect_full_error(a, "list view at index 1: offset 3 + size 2 > child length 4");
  // Out of order and overlapping views are fine.
  int32_t sizes2[2] = {4, 1};
  zcx_buffer_t* sb2 = ts_buf(sizes2, sizeof(sizes2));
  lb[2] = sb2;
  a = make(lvt, 2, 0, lb, 3, &child, 1, NULL);
  assert_int_equal(zcx_array_validate(a, ZCX_VALIDATE_FULL, NULL), 0);
  zcx_array_release(a);
  // The spec requires a null slot's offset and size to be in range too.
  zcx_buffer_t* bits = ts_bits("10");
  lb[0] = bits;
  lb[2] = sb;
  a = make(lvt, 2, 0, lb, 3, &child, 1, NULL);
  expect_full_error(a, "null list view at index 1: offset 3 + size 2 > child length 4");
  // A negative offset in a null slot as well, in a slice that starts past it too.
  int32_t offs_neg[3] = {0, -1, 1};
  int32_t sizes_neg[3] = {1, 0, 1};
  zcx_buffer_t* onb = ts_buf(offs_neg, sizeof(offs_neg));
  zcx_buffer_t* snb = ts_buf(sizes_neg, sizeof(sizes_neg));
  zcx_buffer_t* bits3 = ts_bits("101");
  zcx_buffer_t* lbn[3] = {bits3, onb, snb};
  a = make(lvt, 3, 0, lbn, 3, &child, 1, NULL);
  expect_full_error(a, "null list view at index 1: negative offset -1");
  a = make(lvt, 1, 2, lbn, 3, &child, 1, NULL);
  assert_int_equal(zcx_array_validate(a, ZCX_VALIDATE_FULL, NULL), 0);
  zcx_array_release(a);
  zcx_buffer_release(onb);
  zcx_buffer_release(snb);
  zcx_buffer_release(bits3);

  // Fixed-size list: the child must hold length × size values.
  zcx_field_t* item = ts_field("item", ts_type(ZCX_TYPE_INT32), true);
  zcx_type_t* fsl;
  assert_int_equal(zcx_type_fixed_size_list(item, 3, &fsl, NULL), 0);
  zcx_field_release(item);
  zcx_buffer_t* fb[1] = {NULL};
  a = make(fsl, 1, 0, fb, 1, &child, 1, NULL);
  zcx_array_release(a);
  ts_expect_error(zcx_array_create(fsl, 2, 0, -1, fb, 1, &child, 1, NULL, &a, &err), &err,
                  "child 'item' (0) has length 4, needs 6 (2 lists of 3)");

  zcx_buffer_t* all[] = {op, og, ob, sb, sb2, bits};
  release_bufs(all, 6);
  zcx_type_release(lt);
  zcx_type_release(lt64);
  zcx_type_release(lvt);
  zcx_type_release(fsl);
  zcx_array_release(child);
}

static void test_struct_and_nested_path(void** state) {
  (void)state;
  zcx_error_t err;
  int32_t v[3] = {1, 2, 3};
  zcx_array_t* x = ts_int32(v, 3, NULL);
  zcx_array_t* y = ts_int32(v, 2, NULL);
  zcx_field_t* fs[2] = {ts_field("x", ts_type(ZCX_TYPE_INT32), true),
                        ts_field("y", ts_type(ZCX_TYPE_INT32), true)};
  zcx_type_t* st = ts_struct(fs, 2);
  zcx_array_t* kids[2] = {x, y};
  zcx_buffer_t* b[1] = {NULL};
  zcx_array_t* a = NULL;
  ts_expect_error(zcx_array_create(st, 3, 0, -1, b, 1, kids, 2, NULL, &a, &err), &err,
                  "child 'y' (1) has length 2, shorter than offset 0 + length 3");
  a = make(st, 2, 0, b, 1, kids, 2, NULL);
  assert_int_equal(zcx_array_validate(a, ZCX_VALIDATE_FULL, NULL), 0);
  zcx_array_release(a);

  // struct<l: list<item: string>> whose strings have decreasing offsets: the message names
  // the path down to the culprit.
  zcx_type_t* str = ts_type(ZCX_TYPE_STRING);
  int32_t offs[3] = {0, 3, 1};
  zcx_buffer_t* o = ts_buf(offs, sizeof(offs));
  zcx_buffer_t* d = ts_buf("abc", 3);
  zcx_buffer_t* sb[3] = {NULL, o, d};
  zcx_array_t* strings = make(str, 2, 0, sb, 3, NULL, 0, NULL);
  zcx_type_t* lt = ts_list(ZCX_TYPE_LIST, ts_type(ZCX_TYPE_STRING));
  int32_t loffs[2] = {0, 2};
  zcx_buffer_t* lo = ts_buf(loffs, sizeof(loffs));
  zcx_buffer_t* lb[2] = {NULL, lo};
  zcx_array_t* list = make(lt, 1, 0, lb, 2, &strings, 1, NULL);
  zcx_field_t* sf[1] = {ts_field("l", lt, true)};
  zcx_type_retain(lt);
  zcx_type_t* st2 = ts_struct(sf, 1);
  zcx_array_t* outer = make(st2, 1, 0, b, 1, &list, 1, NULL);
  ts_expect_error(zcx_array_validate(outer, ZCX_VALIDATE_FULL, &err), &err,
                  "child 'l' (0) of struct > child 'item' (0) of list: buffer 1 (offsets): "
                  "offset 1 at index 2 < previous offset 3");

  // Through a batch the column name leads.
  zcx_field_t* col = ts_field("a", st2, true);
  zcx_type_retain(st2);
  zcx_schema_t* schema;
  assert_int_equal(zcx_schema_create(&col, 1, NULL, &schema, NULL), 0);
  zcx_batch_t* batch;
  assert_int_equal(zcx_batch_create(schema, &outer, 1, 1, &batch, NULL), 0);
  assert_int_equal(zcx_batch_validate(batch, ZCX_VALIDATE_CHEAP, NULL), 0);
  ts_expect_error(zcx_batch_validate(batch, ZCX_VALIDATE_FULL, &err), &err,
                  "column 'a' > child 'l' (0) of struct > child 'item' (0) of list:");
  zcx_batch_release(batch);
  zcx_schema_release(schema);
  zcx_field_release(col);
  zcx_array_release(outer);
  zcx_type_release(st2);
  zcx_array_release(list);
  zcx_type_release(lt);
  zcx_array_release(strings);
  zcx_buffer_release(o);
  zcx_buffer_release(d);
  zcx_buffer_release(lo);
  zcx_type_release(str);
  zcx_type_release(st);
  zcx_array_release(x);
  zcx_array_release(y);
}

static zcx_array_t* int_array(zcx_type_id_t id, const void* v, int64_t n) {
  zcx_type_t* t = ts_type(id);
  zcx_builder_t* b;
  assert_int_equal(zcx_builder_create(t, NULL, &b, NULL), 0);
  zcx_type_release(t);
  assert_int_equal(zcx_builder_append_values(b, v, n, NULL), 0);
  return ts_finish(b);
}

static void test_run_ends(void** state) {
  (void)state;
  zcx_error_t err;
  zcx_field_t* vf = ts_field("values", ts_type(ZCX_TYPE_DOUBLE), true);
  zcx_type_t* i32 = ts_type(ZCX_TYPE_INT32);
  zcx_type_t* t;
  assert_int_equal(zcx_type_run_end_encoded(i32, vf, &t, NULL), 0);
  zcx_field_release(vf);
  double vals[3] = {1, 2, 3};
  zcx_array_t* values = ts_double(vals, 3, NULL);
  int32_t flat[3] = {2, 2, 5};
  int32_t zero[3] = {0, 2, 5};
  int32_t good[3] = {2, 4, 5};
  zcx_array_t* e_flat = int_array(ZCX_TYPE_INT32, flat, 3);
  zcx_array_t* e_zero = int_array(ZCX_TYPE_INT32, zero, 3);
  zcx_array_t* e_good = int_array(ZCX_TYPE_INT32, good, 3);
  zcx_array_t* kids[2] = {e_flat, values};
  zcx_array_t* a = make(t, 5, 0, NULL, 0, kids, 2, NULL);
  expect_full_error(a, "run end 2 at index 1 <= previous run end 2");
  kids[0] = e_zero;
  a = make(t, 5, 0, NULL, 0, kids, 2, NULL);
  expect_full_error(a, "run end 0 at index 0 is not > 0");
  kids[0] = e_good;
  a = make(t, 5, 0, NULL, 0, kids, 2, NULL);
  assert_int_equal(zcx_array_validate(a, ZCX_VALIDATE_FULL, NULL), 0);
  assert_true(zcx_array_get_double(a, 4) == 3.0);
  assert_true(zcx_array_get_double(a, 2) == 2.0);
  zcx_array_release(a);
  ts_expect_error(zcx_array_create(t, 6, 0, -1, NULL, 0, kids, 2, NULL, &a, &err), &err,
                  "last run end 5 < offset 0 + length 6");
  ts_expect_error(zcx_array_create(t, 4, 2, -1, NULL, 0, kids, 2, NULL, &a, &err), &err,
                  "last run end 5 < offset 2 + length 4");
  zcx_array_t* short_values = NULL;
  assert_int_equal(zcx_array_slice(values, 0, 2, &short_values, NULL), 0);
  kids[1] = short_values;
  ts_expect_error(zcx_array_create(t, 5, 0, -1, NULL, 0, kids, 2, NULL, &a, &err), &err,
                  "shorter than 3 run ends");
  zcx_array_release(short_values);
  zcx_array_release(e_flat);
  zcx_array_release(e_zero);
  zcx_array_release(e_good);
  zcx_array_release(values);
  zcx_type_release(t);
  zcx_type_release(i32);
}

static void test_dictionary_indices(void** state) {
  (void)state;
  zcx_error_t err;
  const char* words[3] = {"a", "b", "c"};
  zcx_array_t* dict = ts_strings(ZCX_TYPE_STRING, words, 3);
  zcx_type_t* i16 = ts_type(ZCX_TYPE_INT16);
  zcx_type_t* str = ts_type(ZCX_TYPE_STRING);
  zcx_type_t* t;
  assert_int_equal(zcx_type_dictionary(i16, str, false, &t, NULL), 0);
  int16_t idx[4] = {0, 2, 7, 1};
  zcx_buffer_t* ib = ts_buf(idx, sizeof(idx));
  zcx_buffer_t* b[2] = {NULL, ib};
  zcx_array_t* a = make(t, 4, 0, b, 2, NULL, 0, dict);
  expect_full_error(a, "dictionary index 7 at index 2 is outside dictionary length 3");
  int16_t neg[2] = {0, -1};
  zcx_buffer_t* nb = ts_buf(neg, sizeof(neg));
  b[1] = nb;
  a = make(t, 2, 0, b, 2, NULL, 0, dict);
  expect_full_error(a, "dictionary index -1 at index 1");
  // Null slots may hold anything.
  zcx_buffer_t* bits = ts_bits("1101");
  zcx_buffer_t* b2[2] = {bits, ib};
  a = make(t, 4, 0, b2, 2, NULL, 0, dict);
  assert_int_equal(zcx_array_validate(a, ZCX_VALIDATE_FULL, NULL), 0);
  zcx_array_release(a);
  ts_expect_error(zcx_array_create(t, 4, 0, -1, b2, 2, NULL, 0, NULL, &a, &err), &err,
                  "dictionary array without a dictionary");
  zcx_array_t* wrong = ts_int32((const int32_t[]){1}, 1, NULL);
  ts_expect_error(zcx_array_create(t, 4, 0, -1, b2, 2, NULL, 0, wrong, &a, &err), &err,
                  "dictionary values have type int32, the type says string");
  zcx_array_release(wrong);
  zcx_buffer_release(bits);
  zcx_buffer_release(ib);
  zcx_buffer_release(nb);
  zcx_type_release(t);
  zcx_type_release(i16);
  zcx_type_release(str);
  zcx_array_release(dict);
}

static void test_unions(void** state) {
  (void)state;
  zcx_error_t err;
  zcx_field_t* fs[2] = {ts_field("i", ts_type(ZCX_TYPE_INT32), true),
                        ts_field("d", ts_type(ZCX_TYPE_DOUBLE), true)};
  int8_t codes[2] = {2, 5};
  zcx_type_t* sparse;
  zcx_type_t* dense;
  assert_int_equal(zcx_type_union(ZCX_TYPE_SPARSE_UNION, fs, codes, 2, &sparse, NULL), 0);
  assert_int_equal(zcx_type_union(ZCX_TYPE_DENSE_UNION, fs, codes, 2, &dense, NULL), 0);
  int32_t iv[3] = {1, 2, 3};
  double dv[3] = {0.5, 1.5, 2.5};
  zcx_array_t* kids[2] = {ts_int32(iv, 3, NULL), ts_double(dv, 3, NULL)};
  int8_t bad_ids[3] = {2, 4, 5};
  int8_t ids[3] = {2, 5, 5};
  zcx_buffer_t* bad = ts_buf(bad_ids, 3);
  zcx_buffer_t* good = ts_buf(ids, 3);
  zcx_buffer_t* b[2] = {bad, NULL};
  zcx_array_t* a = make(sparse, 3, 0, b, 1, kids, 2, NULL);
  expect_full_error(a, "type id 4 at index 1 is not one of the union's type codes");
  b[0] = good;
  a = make(sparse, 3, 0, b, 1, kids, 2, NULL);
  assert_int_equal(zcx_array_validate(a, ZCX_VALIDATE_FULL, NULL), 0);
  assert_true(zcx_array_get_double(a->children[1], 2) == 2.5);
  zcx_array_release(a);
  ts_expect_error(zcx_array_create(sparse, 4, 0, -1, b, 1, kids, 2, NULL, &a, &err), &err,
                  "buffer 0 (type ids) has 3 bytes, needs 4");
  ts_expect_error(zcx_array_create(sparse, 3, 0, 1, b, 1, kids, 2, NULL, &a, &err), &err,
                  "no validity bitmap but null count 1");
  int32_t offs[3] = {0, 0, 3};
  zcx_buffer_t* ob = ts_buf(offs, sizeof(offs));
  zcx_buffer_t* db[2] = {good, ob};
  a = make(dense, 3, 0, db, 2, kids, 2, NULL);
  expect_full_error(a, "offset 3 at index 2 is outside child 'd' of length 3");
  int32_t offs2[3] = {0, 0, 2};
  zcx_buffer_t* ob2 = ts_buf(offs2, sizeof(offs2));
  db[1] = ob2;
  a = make(dense, 3, 0, db, 2, kids, 2, NULL);
  assert_int_equal(zcx_array_validate(a, ZCX_VALIDATE_FULL, NULL), 0);
  zcx_array_release(a);
  // Offsets into one child must not decrease (equal offsets are allowed); offsets into
  // different children are independent.
  int8_t ids4[4] = {5, 2, 5, 2};
  int32_t offs_dec[4] = {2, 0, 1, 0};
  int32_t offs_eq[4] = {1, 0, 1, 2};
  zcx_buffer_t* i4 = ts_buf(ids4, 4);
  zcx_buffer_t* od = ts_buf(offs_dec, sizeof(offs_dec));
  zcx_buffer_t* oe = ts_buf(offs_eq, sizeof(offs_eq));
  zcx_buffer_t* db4[2] = {i4, od};
  a = make(dense, 4, 0, db4, 2, kids, 2, NULL);
  expect_full_error(a, "offset 1 at index 2 into child 'd' < previous offset 2 into that child");
  a = make(dense, 2, 2, db4, 2, kids, 2, NULL);  // the slice past the decrease is fine
  assert_int_equal(zcx_array_validate(a, ZCX_VALIDATE_FULL, NULL), 0);
  zcx_array_release(a);
  db4[1] = oe;
  a = make(dense, 4, 0, db4, 2, kids, 2, NULL);
  assert_int_equal(zcx_array_validate(a, ZCX_VALIDATE_FULL, NULL), 0);
  zcx_array_release(a);
  zcx_buffer_t* all[] = {bad, good, ob, ob2, i4, od, oe};
  release_bufs(all, 7);
  zcx_array_release(kids[0]);
  zcx_array_release(kids[1]);
  zcx_type_release(sparse);
  zcx_type_release(dense);
  zcx_field_release(fs[0]);
  zcx_field_release(fs[1]);
}

static void test_map_keys(void** state) {
  (void)state;
  zcx_field_t* kv[2] = {ts_field("key", ts_type(ZCX_TYPE_INT32), false),
                        ts_field("value", ts_type(ZCX_TYPE_INT32), true)};
  zcx_type_t* et = ts_struct(kv, 2);
  zcx_type_retain(et);
  zcx_field_t* entries = ts_field("entries", et, false);
  zcx_type_t* mt;
  assert_int_equal(zcx_type_map(entries, false, &mt, NULL), 0);
  zcx_field_release(entries);
  int32_t k[3] = {1, 2, 3};
  bool kvalid[3] = {true, false, true};
  zcx_array_t* kids[2] = {ts_int32(k, 3, kvalid), ts_int32(k, 3, NULL)};
  zcx_buffer_t* none[1] = {NULL};
  zcx_array_t* ea = make(et, 3, 0, none, 1, kids, 2, NULL);
  int32_t offs[3] = {0, 1, 3};
  zcx_buffer_t* ob = ts_buf(offs, sizeof(offs));
  zcx_buffer_t* b[2] = {NULL, ob};
  zcx_array_t* a = make(mt, 2, 0, b, 2, &ea, 1, NULL);
  expect_full_error(a, "map key at index 1 is null");
  // A slice that leaves the null key out is fine.
  a = make(mt, 1, 0, b, 2, &ea, 1, NULL);
  assert_int_equal(zcx_array_validate(a, ZCX_VALIDATE_FULL, NULL), 0);
  zcx_array_release(a);
  zcx_buffer_release(ob);
  zcx_array_release(ea);
  zcx_array_release(kids[0]);
  zcx_array_release(kids[1]);
  zcx_type_release(et);
  zcx_type_release(mt);
}

static void test_null_type(void** state) {
  (void)state;
  zcx_error_t err;
  zcx_type_t* t = ts_type(ZCX_TYPE_NA);
  zcx_array_t* a = NULL;
  assert_int_equal(zcx_array_create(t, 5, 0, -1, NULL, 0, NULL, 0, NULL, &a, NULL), 0);
  assert_int_equal(a->null_count, 5);
  zcx_array_release(a);
  ts_expect_error(zcx_array_create(t, 5, 0, 2, NULL, 0, NULL, 0, NULL, &a, &err), &err,
                  "null array of length 5 has null count 2");
  zcx_type_release(t);
}

// Lengths and offsets near INT64_MAX: every size computed from them is overflow-checked, so a
// hostile array is rejected with a message instead of wrapping around (UBSan checks this).
static void test_huge_lengths(void** state) {
  (void)state;
  zcx_error_t err;
  uint8_t bytes[8] = {0};
  zcx_buffer_t* small = ts_buf(bytes, sizeof(bytes));
  zcx_array_t* a = NULL;
  zcx_type_t* bt = ts_type(ZCX_TYPE_BOOL);
  zcx_buffer_t* bb[2] = {small, small};
  ts_expect_error(zcx_array_create(bt, INT64_MAX - 3, 0, -1, bb, 2, NULL, 0, NULL, &a, &err),
                  &err, "buffer 0 (validity) has 8 bytes, needs 1152921504606846976");
  ts_expect_error(zcx_array_create(bt, 1, INT64_MAX, -1, bb, 2, NULL, 0, NULL, &a, &err), &err,
                  "offset 9223372036854775807 + length 1 overflows");
  zcx_type_t* st = ts_type(ZCX_TYPE_STRING);
  zcx_buffer_t* sb[3] = {NULL, small, small};
  ts_expect_error(zcx_array_create(st, 1, INT64_MAX - 1, -1, sb, 3, NULL, 0, NULL, &a, &err),
                  &err, "leaves no room for the last offset");
  ts_expect_error(zcx_array_create(st, INT64_MAX / 4, 0, -1, sb, 3, NULL, 0, NULL, &a, &err),
                  &err, "buffer 1 (offsets): 2305843009213693952 elements of 4 bytes overflow");
  zcx_type_t* i64 = ts_type(ZCX_TYPE_INT64);
  zcx_buffer_t* ib[2] = {NULL, small};
  ts_expect_error(zcx_array_create(i64, INT64_MAX / 2, 0, -1, ib, 2, NULL, 0, NULL, &a, &err),
                  &err, "elements of 8 bytes overflow");
  assert_null(a);
  zcx_type_release(bt);
  zcx_type_release(st);
  zcx_type_release(i64);
  zcx_buffer_release(small);
}

// Buffers from outside need not be aligned to their element size (C Data allows it): the
// checks, accessors, printing and comparison read them without misaligned loads (UBSan).
static void test_unaligned_buffers(void** state) {
  (void)state;
  uint8_t raw[1 + 4 * 4];
  int32_t offs[4] = {0, 1, 3, 3};
  memcpy(raw + 1, offs, sizeof(offs));
  zcx_buffer_t* whole = ts_buf(raw, sizeof(raw));
  zcx_buffer_t* odd = NULL;
  assert_int_equal(zcx_buffer_slice(whole, 1, 16, &odd, NULL), 0);
  zcx_buffer_t* data = ts_buf("abc", 3);
  zcx_type_t* st = ts_type(ZCX_TYPE_STRING);
  zcx_buffer_t* b[3] = {NULL, odd, data};
  zcx_array_t* a = make(st, 3, 0, b, 3, NULL, 0, NULL);
  assert_int_equal(zcx_array_validate(a, ZCX_VALIDATE_FULL, NULL), 0);
  const uint8_t* p = NULL;
  int64_t n = 0;
  zcx_array_get_bytes(a, 1, &p, &n);
  assert_int_equal(n, 2);
  assert_memory_equal(p, "bc", 2);
  zcx_array_t* s = NULL;
  assert_int_equal(zcx_array_slice(a, 1, 2, &s, NULL), 0);
  const char* want[2] = {"bc", ""};
  zcx_array_t* w = ts_strings(ZCX_TYPE_STRING, want, 2);
  assert_true(zcx_array_equal(s, w, NULL));
  zcx_array_release(w);
  zcx_array_release(s);
  zcx_array_release(a);
  // Doubles at an odd address.
  uint8_t rawd[1 + 16];
  double dv[2] = {1.5, -2.25};
  memcpy(rawd + 1, dv, sizeof(dv));
  zcx_buffer_t* wd = ts_buf(rawd, sizeof(rawd));
  zcx_buffer_t* od = NULL;
  assert_int_equal(zcx_buffer_slice(wd, 1, 16, &od, NULL), 0);
  zcx_type_t* dt = ts_type(ZCX_TYPE_DOUBLE);
  zcx_buffer_t* db[2] = {NULL, od};
  a = make(dt, 2, 0, db, 2, NULL, 0, NULL);
  assert_true(zcx_array_get_double(a, 1) == -2.25);
  zcx_array_t* ref = ts_double(dv, 2, NULL);
  assert_true(zcx_array_equal(a, ref, NULL));
  zcx_array_release(ref);
  zcx_array_release(a);
  zcx_type_release(st);
  zcx_type_release(dt);
  zcx_buffer_t* all[] = {whole, odd, data, wd, od};
  release_bufs(all, 5);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_counts_lengths_and_sizes),
      cmocka_unit_test(test_binary_offsets),
      cmocka_unit_test(test_utf8),
      cmocka_unit_test(test_views),
      cmocka_unit_test(test_lists),
      cmocka_unit_test(test_struct_and_nested_path),
      cmocka_unit_test(test_run_ends),
      cmocka_unit_test(test_dictionary_indices),
      cmocka_unit_test(test_unions),
      cmocka_unit_test(test_map_keys),
      cmocka_unit_test(test_null_type),
      cmocka_unit_test(test_huge_lengths),
      cmocka_unit_test(test_unaligned_buffers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
