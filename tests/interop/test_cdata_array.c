// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Tests of src/interop/cdata_array.c: ArrowArray export and import of every type (with nulls,
// slices and empty arrays), record batches, release accounting, and malformed arrays.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "interop/cdata_support.h"
#include "zcx/cdata.h"

#define N 5
#define MAX_COLUMNS 64

// ---------------------------------------------------------------------------------------------
// Arrays of every type, 5 elements with nulls at 1 and 3 where the type has a validity bitmap.

typedef struct columns {
  int n;
  const char* names[MAX_COLUMNS];
  zcx_array_t* arrays[MAX_COLUMNS];
} columns_t;

static void add(columns_t* c, const char* name, zcx_array_t* a) {
  assert_true(c->n < MAX_COLUMNS);
  c->names[c->n] = name;
  c->arrays[c->n] = a;
  c->n++;
}

static zcx_array_t* fixed_width(zcx_type_t* type, int64_t width) {
  uint8_t data[N * 32];
  assert_true(width <= 32);
  for (int64_t i = 0; i < N * width; i++) {
    data[i] = (uint8_t)(i * 37 + 11);
  }
  zcx_buffer_t* bufs[2] = {cds_bits("10101"), cds_buf(data, N * width)};
  zcx_array_t* a = cds_array(type, N, 0, 2, bufs, 2, NULL, 0, NULL);
  zcx_type_release(type);
  return a;
}

static zcx_array_t* binary_like(zcx_type_id_t id) {
  bool large = id == ZCX_TYPE_LARGE_BINARY || id == ZCX_TYPE_LARGE_STRING;
  const int64_t offs[N + 1] = {0, 1, 1, 4, 4, 6};
  uint8_t o[(N + 1) * 8];
  for (int i = 0; i <= N; i++) {
    if (large) {
      memcpy(o + i * 8, &offs[i], 8);
    } else {
      int32_t v = (int32_t)offs[i];
      memcpy(o + i * 4, &v, 4);
    }
  }
  zcx_type_t* t = cds_type(id);
  zcx_buffer_t* bufs[3] = {cds_bits("10101"), cds_buf(o, (N + 1) * (large ? 8 : 4)),
                           cds_buf("abcdef", 6)};
  zcx_array_t* a = cds_array(t, N, 0, 2, bufs, 3, NULL, 0, NULL);
  zcx_type_release(t);
  return a;
}

static void put_view(uint8_t* v, const char* s, int32_t buf, int32_t off) {
  int32_t len = (int32_t)strlen(s);
  memset(v, 0, 16);
  memcpy(v, &len, 4);
  if (len <= 12) {
    memcpy(v + 4, s, (size_t)len);
  } else {
    memcpy(v + 4, s, 4);
    memcpy(v + 8, &buf, 4);
    memcpy(v + 12, &off, 4);
  }
}

static zcx_array_t* view_like(zcx_type_id_t id) {
  uint8_t views[N * 16];
  memset(views, 0, sizeof(views));
  put_view(views, "hi", 0, 0);
  put_view(views + 32, "a long string here", 0, 0);
  put_view(views + 64, "twelve chars", 0, 0);
  zcx_type_t* t = cds_type(id);
  zcx_buffer_t* bufs[3] = {cds_bits("10101"), cds_buf(views, sizeof(views)),
                           cds_buf("a long string here", 18)};
  zcx_array_t* a = cds_array(t, N, 0, 2, bufs, 3, NULL, 0, NULL);
  zcx_type_release(t);
  return a;
}

static zcx_array_t* list_like(zcx_type_id_t id) {
  const int32_t child_values[N] = {1, 2, 3, 4, 5};
  zcx_array_t* child = cds_int32s(child_values, N);
  zcx_type_t* t = cds_list(id, cds_type(ZCX_TYPE_INT32));
  bool large = id == ZCX_TYPE_LARGE_LIST || id == ZCX_TYPE_LARGE_LIST_VIEW;
  bool view = id == ZCX_TYPE_LIST_VIEW || id == ZCX_TYPE_LARGE_LIST_VIEW;
  const int64_t offs[N + 1] = {0, 2, 2, 3, 3, 5};
  const int64_t sizes[N] = {2, 0, 1, 0, 2};
  uint8_t o[(N + 1) * 8];
  uint8_t s[N * 8];
  int64_t w = large ? 8 : 4;
  for (int i = 0; i <= N; i++) {
    if (large) {
      memcpy(o + i * 8, &offs[i], 8);
      if (i < N) {
        memcpy(s + i * 8, &sizes[i], 8);
      }
    } else {
      int32_t v = (int32_t)offs[i];
      memcpy(o + i * 4, &v, 4);
      if (i < N) {
        v = (int32_t)sizes[i];
        memcpy(s + i * 4, &v, 4);
      }
    }
  }
  zcx_buffer_t* bufs[3] = {cds_bits("10101"), cds_buf(o, (view ? N : N + 1) * w),
                           view ? cds_buf(s, N * w) : NULL};
  zcx_array_t* a = cds_array(t, N, 0, 2, bufs, view ? 3 : 2, &child, 1, NULL);
  zcx_type_release(t);
  return a;
}

static void build_columns(columns_t* c) {
  memset(c, 0, sizeof(*c));
  zcx_type_t* t = NULL;
  add(c, "null", cds_array(cds_type(ZCX_TYPE_NA), N, 0, N, NULL, 0, NULL, 0, NULL));
  zcx_type_release(c->arrays[0]->type);  // cds_array retained it
  {
    zcx_type_t* bt = cds_type(ZCX_TYPE_BOOL);
    zcx_buffer_t* bufs[2] = {cds_bits("10101"), cds_bits("10011")};
    add(c, "bool", cds_array(bt, N, 0, 2, bufs, 2, NULL, 0, NULL));
    zcx_type_release(bt);
  }
  add(c, "int8", fixed_width(cds_type(ZCX_TYPE_INT8), 1));
  add(c, "uint8", fixed_width(cds_type(ZCX_TYPE_UINT8), 1));
  add(c, "int16", fixed_width(cds_type(ZCX_TYPE_INT16), 2));
  add(c, "uint16", fixed_width(cds_type(ZCX_TYPE_UINT16), 2));
  add(c, "int32", fixed_width(cds_type(ZCX_TYPE_INT32), 4));
  add(c, "uint32", fixed_width(cds_type(ZCX_TYPE_UINT32), 4));
  add(c, "int64", fixed_width(cds_type(ZCX_TYPE_INT64), 8));
  add(c, "uint64", fixed_width(cds_type(ZCX_TYPE_UINT64), 8));
  add(c, "half", fixed_width(cds_type(ZCX_TYPE_HALF_FLOAT), 2));
  add(c, "float", fixed_width(cds_type(ZCX_TYPE_FLOAT), 4));
  add(c, "double", fixed_width(cds_type(ZCX_TYPE_DOUBLE), 8));
  add(c, "dec32", fixed_width(cds_decimal(32, 9, 2), 4));
  add(c, "dec64", fixed_width(cds_decimal(64, 18, -1), 8));
  add(c, "dec128", fixed_width(cds_decimal(128, 38, 5), 16));
  add(c, "dec256", fixed_width(cds_decimal(256, 76, 10), 32));
  add(c, "date32", fixed_width(cds_type(ZCX_TYPE_DATE32), 4));
  add(c, "date64", fixed_width(cds_type(ZCX_TYPE_DATE64), 8));
  add(c, "time32", fixed_width(cds_time(ZCX_TYPE_TIME32, ZCX_TIME_MILLI), 4));
  add(c, "time64", fixed_width(cds_time(ZCX_TYPE_TIME64, ZCX_TIME_NANO), 8));
  assert_int_equal(zcx_type_timestamp(ZCX_TIME_MICRO, "UTC", &t, NULL), 0);
  add(c, "ts_utc", fixed_width(t, 8));
  assert_int_equal(zcx_type_timestamp(ZCX_TIME_SECOND, NULL, &t, NULL), 0);
  add(c, "ts", fixed_width(t, 8));
  add(c, "duration", fixed_width(cds_time(ZCX_TYPE_DURATION, ZCX_TIME_MICRO), 8));
  add(c, "months", fixed_width(cds_type(ZCX_TYPE_INTERVAL_MONTHS), 4));
  add(c, "day_time", fixed_width(cds_type(ZCX_TYPE_INTERVAL_DAY_TIME), 8));
  add(c, "mdn", fixed_width(cds_type(ZCX_TYPE_INTERVAL_MONTH_DAY_NANO), 16));
  assert_int_equal(zcx_type_fixed_size_binary(3, &t, NULL), 0);
  add(c, "fsb", fixed_width(t, 3));
  add(c, "binary", binary_like(ZCX_TYPE_BINARY));
  add(c, "string", binary_like(ZCX_TYPE_STRING));
  add(c, "large_binary", binary_like(ZCX_TYPE_LARGE_BINARY));
  add(c, "large_string", binary_like(ZCX_TYPE_LARGE_STRING));
  add(c, "binary_view", view_like(ZCX_TYPE_BINARY_VIEW));
  add(c, "string_view", view_like(ZCX_TYPE_STRING_VIEW));
  add(c, "list", list_like(ZCX_TYPE_LIST));
  add(c, "large_list", list_like(ZCX_TYPE_LARGE_LIST));
  add(c, "list_view", list_like(ZCX_TYPE_LIST_VIEW));
  add(c, "large_list_view", list_like(ZCX_TYPE_LARGE_LIST_VIEW));
  {
    // fixed-size list of 2 int16
    int16_t vals[2 * N];
    for (int i = 0; i < 2 * N; i++) {
      vals[i] = (int16_t)(i * 3 - 7);
    }
    zcx_type_t* it = cds_type(ZCX_TYPE_INT16);
    zcx_buffer_t* cb[2] = {NULL, cds_buf(vals, sizeof(vals))};
    zcx_array_t* child = cds_array(it, 2 * N, 0, 0, cb, 2, NULL, 0, NULL);
    zcx_field_t* f = cds_field("v", it, false);
    assert_int_equal(zcx_type_fixed_size_list(f, 2, &t, NULL), 0);
    zcx_field_release(f);
    zcx_buffer_t* bufs[1] = {cds_bits("10101")};
    add(c, "fsl", cds_array(t, N, 0, 2, bufs, 1, &child, 1, NULL));
    zcx_type_release(t);
  }
  {
    // struct {a: int32, b: string}
    const int32_t av[N] = {10, 20, 30, 40, 50};
    const char* bv[N] = {"p", NULL, "qq", "r", ""};
    zcx_array_t* kids[2] = {cds_int32s(av, N), cds_strings(bv, N)};
    zcx_field_t* f[2] = {cds_field("a", cds_type(ZCX_TYPE_INT32), false),
                         cds_field("b", cds_type(ZCX_TYPE_STRING), true)};
    assert_int_equal(zcx_type_struct(f, 2, &t, NULL), 0);
    zcx_field_release(f[0]);
    zcx_field_release(f[1]);
    zcx_buffer_t* bufs[1] = {cds_bits("10101")};
    add(c, "struct", cds_array(t, N, 0, 2, bufs, 1, kids, 2, NULL));
    zcx_type_release(t);
  }
  {
    // map<string, int32>
    const char* keys[4] = {"a", "b", "c", "d"};
    const int32_t vals[4] = {1, 2, 3, 4};
    zcx_array_t* kv[2] = {cds_strings(keys, 4), cds_int32s(vals, 4)};
    zcx_field_t* f[2] = {cds_field("key", cds_type(ZCX_TYPE_STRING), false),
                         cds_field("value", cds_type(ZCX_TYPE_INT32), true)};
    zcx_type_t* et = NULL;
    assert_int_equal(zcx_type_struct(f, 2, &et, NULL), 0);
    zcx_field_release(f[0]);
    zcx_field_release(f[1]);
    zcx_array_t* entries = cds_array(et, 4, 0, 0, (zcx_buffer_t*[]){NULL}, 1, kv, 2, NULL);
    zcx_field_t* ef = cds_field("entries", et, false);
    assert_int_equal(zcx_type_map(ef, false, &t, NULL), 0);
    zcx_field_release(ef);
    const int32_t offs[N + 1] = {0, 1, 1, 3, 3, 4};
    zcx_buffer_t* bufs[2] = {cds_bits("10101"), cds_buf(offs, sizeof(offs))};
    add(c, "map", cds_array(t, N, 0, 2, bufs, 2, &entries, 1, NULL));
    zcx_type_release(t);
  }
  {
    // sparse union {i: int32, s: string} with codes 5 and 7
    const int32_t iv[N] = {1, 0, 3, 0, 5};
    const char* sv[N] = {"", "x", "", "yy", ""};
    zcx_array_t* kids[2] = {cds_int32s(iv, N), cds_strings(sv, N)};
    zcx_field_t* f[2] = {cds_field("i", cds_type(ZCX_TYPE_INT32), true),
                         cds_field("s", cds_type(ZCX_TYPE_STRING), true)};
    const int8_t codes[2] = {5, 7};
    assert_int_equal(zcx_type_union(ZCX_TYPE_SPARSE_UNION, f, codes, 2, &t, NULL), 0);
    const int8_t ids[N] = {5, 7, 5, 7, 5};
    zcx_buffer_t* bufs[1] = {cds_buf(ids, N)};
    add(c, "sparse_union", cds_array(t, N, 0, 0, bufs, 1, kids, 2, NULL));
    zcx_type_release(t);
    // dense union of the same fields, codes 0 and 1
    const int32_t dv[3] = {1, 3, 5};
    const char* ds[2] = {"x", "yy"};
    zcx_array_t* dkids[2] = {cds_int32s(dv, 3), cds_strings(ds, 2)};
    assert_int_equal(zcx_type_union(ZCX_TYPE_DENSE_UNION, f, NULL, 2, &t, NULL), 0);
    zcx_field_release(f[0]);
    zcx_field_release(f[1]);
    const int8_t dids[N] = {0, 1, 0, 1, 0};
    const int32_t doffs[N] = {0, 0, 1, 1, 2};
    zcx_buffer_t* dbufs[2] = {cds_buf(dids, N), cds_buf(doffs, sizeof(doffs))};
    add(c, "dense_union", cds_array(t, N, 0, 0, dbufs, 2, dkids, 2, NULL));
    zcx_type_release(t);
  }
  {
    // dictionary<int8, string>
    const char* dv[3] = {"x", "y", "z"};
    zcx_array_t* dict = cds_strings(dv, 3);
    zcx_type_t* it = cds_type(ZCX_TYPE_INT8);
    zcx_type_t* vt = cds_type(ZCX_TYPE_STRING);
    assert_int_equal(zcx_type_dictionary(it, vt, false, &t, NULL), 0);
    zcx_type_release(it);
    zcx_type_release(vt);
    const int8_t idx[N] = {0, 1, 2, 1, 0};
    zcx_buffer_t* bufs[2] = {cds_bits("10101"), cds_buf(idx, N)};
    add(c, "dictionary", cds_array(t, N, 0, 2, bufs, 2, NULL, 0, dict));
    zcx_type_release(t);
  }
  {
    // run-end encoded: ends {2, 4, 5}, values {10, null, 30}
    const int32_t ends[3] = {2, 4, 5};
    zcx_array_t* kids[2] = {cds_int32s(ends, 3), NULL};
    const int64_t vals[3] = {10, 0, 30};
    zcx_type_t* vt = cds_type(ZCX_TYPE_INT64);
    zcx_buffer_t* vb[2] = {cds_bits("101"), cds_buf(vals, sizeof(vals))};
    kids[1] = cds_array(vt, 3, 0, 1, vb, 2, NULL, 0, NULL);
    zcx_field_t* vf = cds_field("values", vt, true);
    zcx_type_t* et = cds_type(ZCX_TYPE_INT32);
    assert_int_equal(zcx_type_run_end_encoded(et, vf, &t, NULL), 0);
    zcx_type_release(et);
    zcx_field_release(vf);
    add(c, "ree", cds_array(t, N, 0, 0, NULL, 0, kids, 2, NULL));
    zcx_type_release(t);
  }
  {
    // extension over a fixed-size binary of 4
    zcx_type_t* st = NULL;
    assert_int_equal(zcx_type_fixed_size_binary(4, &st, NULL), 0);
    assert_int_equal(zcx_type_extension("zcx.test", "meta\0data", 9, st, &t, NULL), 0);
    zcx_type_release(st);
    add(c, "extension", fixed_width(t, 4));
  }
}

static void free_columns(columns_t* c) {
  for (int i = 0; i < c->n; i++) {
    zcx_array_release(c->arrays[i]);
  }
}

// ---------------------------------------------------------------------------------------------
// Round trips

// Exports `a` with its schema, imports both back at `level` and compares.
static void round_trip(const char* name, zcx_array_t* a, zcx_validate_level_t level) {
  struct ArrowArray ca;
  struct ArrowSchema cs;
  zcx_error_t err;
  int rc = zcx_cdata_export_array(a, &ca, &cs, &err);
  if (rc != 0) {
    fail_msg("%s: export: %s", name, err.message);
  }
  assert_int_equal(ca.length, a->length);
  assert_int_equal(ca.offset, a->offset);
  int array_releases = 0;
  int schema_releases = 0;
  cds_count_releases(&ca, &array_releases);
  cds_count_schema_releases(&cs, &schema_releases);
  zcx_array_t* back = NULL;
  rc = zcx_cdata_import_array_schema(&ca, &cs, level, &back, &err);
  if (rc != 0) {
    fail_msg("%s (offset %lld, length %lld): import: %s", name, (long long)a->offset,
             (long long)a->length, err.message);
  }
  assert_null(ca.release);
  assert_null(cs.release);
  assert_int_equal(schema_releases, 1);
  assert_true(array_releases <= 1);
  zcx_error_t why;
  zcx_error_init(&why);
  if (!zcx_array_equal(a, back, &why)) {
    fail_msg("%s: round trip differs: %s", name, why.message);
  }
  assert_true(zcx_type_equal(a->type, back->type));
  zcx_array_release(back);
  assert_int_equal(array_releases, 1);
}

static void test_round_trip_every_type(void** state) {
  (void)state;
  columns_t c;
  build_columns(&c);
  for (int i = 0; i < c.n; i++) {
    zcx_array_t* a = c.arrays[i];
    round_trip(c.names[i], a, ZCX_VALIDATE_FULL);
    round_trip(c.names[i], a, ZCX_VALIDATE_CHEAP);
    // Slices, empty slices at both ends.
    static const int64_t slices[][2] = {{1, 3}, {2, 2}, {4, 1}, {0, 0}, {5, 0}, {3, 0}};
    for (size_t s = 0; s < sizeof(slices) / sizeof(slices[0]); s++) {
      zcx_array_t* sl = NULL;
      assert_int_equal(zcx_array_slice(a, slices[s][0], slices[s][1], &sl, NULL), 0);
      round_trip(c.names[i], sl, ZCX_VALIDATE_FULL);
      zcx_array_release(sl);
    }
  }
  free_columns(&c);
}

static void test_export_layout_and_variadic_sizes(void** state) {
  (void)state;
  zcx_array_t* v = view_like(ZCX_TYPE_STRING_VIEW);
  struct ArrowArray ca;
  assert_int_equal(zcx_cdata_export_array(v, &ca, NULL, NULL), 0);
  // validity, views, one data buffer, and the sizes buffer appended.
  assert_int_equal(ca.n_buffers, 4);
  assert_ptr_equal(ca.buffers[0], zcx_buffer_data(v->buffers[0]));
  assert_ptr_equal(ca.buffers[2], zcx_buffer_data(v->buffers[2]));
  int64_t size;
  memcpy(&size, ca.buffers[3], 8);
  assert_int_equal(size, 18);
  assert_int_equal(ca.null_count, 2);
  assert_null(ca.dictionary);
  zcx_cdata_release_array(&ca);
  assert_null(ca.release);
  zcx_array_release(v);
  // A dictionary array: indices' buffers, and the values in `dictionary`.
  columns_t c;
  build_columns(&c);
  for (int i = 0; i < c.n; i++) {
    if (strcmp(c.names[i], "dictionary") == 0) {
      assert_int_equal(zcx_cdata_export_array(c.arrays[i], &ca, NULL, NULL), 0);
      assert_int_equal(ca.n_buffers, 2);
      assert_non_null(ca.dictionary);
      assert_int_equal(ca.dictionary->length, 3);
      assert_int_equal(ca.dictionary->n_buffers, 3);
      zcx_cdata_release_array(&ca);
    }
    if (strcmp(c.names[i], "null") == 0) {
      assert_int_equal(zcx_cdata_export_array(c.arrays[i], &ca, NULL, NULL), 0);
      assert_int_equal(ca.n_buffers, 0);
      assert_int_equal(ca.null_count, N);
      zcx_cdata_release_array(&ca);
    }
  }
  free_columns(&c);
}

static void test_import_is_zero_copy_and_releases_once(void** state) {
  (void)state;
  const int32_t vals[4] = {7, 8, 9, 10};
  zcx_array_t* a = cds_int32s(vals, 4);
  zcx_buffer_t* data = a->buffers[1];
  zcx_buffer_retain(data);
  int64_t refs = zcx_buffer_refcount(data);
  struct ArrowArray ca;
  assert_int_equal(zcx_cdata_export_array(a, &ca, NULL, NULL), 0);
  zcx_array_release(a);  // the export keeps the array alive
  assert_int_equal(zcx_buffer_refcount(data), refs);
  int releases = 0;
  cds_count_releases(&ca, &releases);
  zcx_type_t* t = cds_type(ZCX_TYPE_INT32);
  zcx_array_t* back = NULL;
  assert_int_equal(zcx_cdata_import_array(&ca, t, ZCX_VALIDATE_FULL, &back, NULL), 0);
  assert_null(ca.release);
  assert_ptr_equal(zcx_buffer_data(back->buffers[1]), zcx_buffer_data(data));
  // A slice of the import outlives the import itself; the producer is released once, when
  // the last reference goes.
  zcx_array_t* sl = NULL;
  assert_int_equal(zcx_array_slice(back, 1, 2, &sl, NULL), 0);
  zcx_array_release(back);
  assert_int_equal(releases, 0);
  assert_int_equal(zcx_array_get_int(sl, 0), 8);
  zcx_array_release(sl);
  assert_int_equal(releases, 1);
  assert_int_equal(zcx_buffer_refcount(data), refs - 1);
  zcx_buffer_release(data);
  zcx_type_release(t);
}

static void test_children_released_independently(void** state) {
  (void)state;
  columns_t c;
  build_columns(&c);
  zcx_array_t* st = NULL;
  for (int i = 0; i < c.n; i++) {
    if (strcmp(c.names[i], "struct") == 0) {
      st = c.arrays[i];
    }
  }
  assert_non_null(st);
  struct ArrowArray ca;
  assert_int_equal(zcx_cdata_export_array(st, &ca, NULL, NULL), 0);
  // Move child 1 (strings) out, release the parent first, then use and release the child.
  struct ArrowArray child = *ca.children[1];
  ca.children[1]->release = NULL;
  int child_releases = 0;
  cds_count_releases(&child, &child_releases);
  zcx_cdata_release_array(&ca);
  zcx_array_t* back = NULL;
  assert_int_equal(
      zcx_cdata_import_array(&child, st->type->children[1]->type, ZCX_VALIDATE_FULL, &back, NULL),
      0);
  assert_true(zcx_array_equal(back, st->children[1], NULL));
  zcx_array_release(back);
  assert_int_equal(child_releases, 1);
  free_columns(&c);
}

static void test_batch_round_trip(void** state) {
  (void)state;
  columns_t c;
  build_columns(&c);
  zcx_field_t* fields[MAX_COLUMNS];
  for (int i = 0; i < c.n; i++) {
    zcx_type_retain(c.arrays[i]->type);
    fields[i] = cds_field(c.names[i], c.arrays[i]->type, true);
  }
  zcx_schema_t* schema = NULL;
  assert_int_equal(zcx_schema_create(fields, c.n, NULL, &schema, NULL), 0);
  for (int i = 0; i < c.n; i++) {
    zcx_field_release(fields[i]);
  }
  zcx_batch_t* batch = NULL;
  zcx_error_t err;
  int rc = zcx_batch_create(schema, c.arrays, c.n, N, &batch, &err);
  if (rc != 0) {
    fail_msg("%s", err.message);
  }
  for (int pass = 0; pass < 2; pass++) {
    zcx_batch_t* src = batch;
    if (pass == 1) {
      assert_int_equal(zcx_batch_slice(batch, 2, 3, &src, NULL), 0);
    }
    struct ArrowArray ca;
    struct ArrowSchema cs;
    assert_int_equal(zcx_cdata_export_batch(src, &ca, &cs, &err), 0);
    assert_string_equal(cs.format, "+s");
    assert_int_equal(ca.n_children, c.n);
    assert_int_equal(ca.null_count, 0);
    int releases = 0;
    cds_count_releases(&ca, &releases);
    zcx_schema_t* s2 = NULL;
    assert_int_equal(zcx_cdata_import_schema(&cs, &s2, &err), 0);
    assert_true(zcx_schema_equal(s2, schema));
    zcx_batch_t* back = NULL;
    rc = zcx_cdata_import_batch(&ca, s2, ZCX_VALIDATE_FULL, &back, &err);
    if (rc != 0) {
      fail_msg("%s", err.message);
    }
    assert_null(ca.release);
    zcx_error_t why;
    zcx_error_init(&why);
    if (!zcx_batch_equal(src, back, &why)) {
      fail_msg("batch differs: %s", why.message);
    }
    zcx_batch_release(back);
    zcx_schema_release(s2);
    assert_int_equal(releases, 1);
    if (src != batch) {
      zcx_batch_release(src);
    }
  }
  // A struct array with an offset imports as a batch of sliced columns.
  zcx_type_t* st = NULL;
  assert_int_equal(zcx_type_struct(schema->fields, schema->num_fields, &st, NULL), 0);
  zcx_array_t* whole = cds_array(st, N, 0, 0, (zcx_buffer_t*[]){NULL}, 1, c.arrays, c.n, NULL);
  c.n = 0;  // the struct took the columns
  zcx_array_t* part = NULL;
  assert_int_equal(zcx_array_slice(whole, 1, 3, &part, NULL), 0);
  struct ArrowArray ca;
  assert_int_equal(zcx_cdata_export_array(part, &ca, NULL, NULL), 0);
  assert_int_equal(ca.offset, 1);
  zcx_batch_t* back = NULL;
  rc = zcx_cdata_import_batch(&ca, schema, ZCX_VALIDATE_FULL, &back, &err);
  if (rc != 0) {
    fail_msg("%s", err.message);
  }
  assert_int_equal(back->num_rows, 3);
  for (int i = 0; i < back->num_columns; i++) {
    zcx_array_t* want = NULL;
    assert_int_equal(zcx_array_slice(whole->children[i], 1, 3, &want, NULL), 0);
    assert_true(zcx_array_equal(want, back->columns[i], NULL));
    zcx_array_release(want);
  }
  zcx_batch_release(back);
  // A struct with nulls is not a batch: refused, and the caller keeps the struct.
  zcx_buffer_t* bufs[1] = {cds_bits("10111")};
  zcx_array_t* nully = cds_array(st, N, 0, 1, bufs, 1, whole->children, whole->num_children, NULL);
  for (int i = 0; i < whole->num_children; i++) {
    zcx_array_retain(whole->children[i]);  // cds_array took the references we lent it
  }
  assert_int_equal(zcx_cdata_export_array(nully, &ca, NULL, NULL), 0);
  int releases = 0;
  cds_count_releases(&ca, &releases);
  assert_int_equal(zcx_cdata_import_batch(&ca, schema, ZCX_VALIDATE_FULL, &back, &err), EINVAL);
  cds_assert_contains(err.message, "1 nulls");
  assert_null(back);
  assert_non_null(ca.release);
  assert_int_equal(releases, 0);
  zcx_cdata_release_array(&ca);
  assert_int_equal(releases, 1);
  zcx_array_release(nully);
  zcx_array_release(part);
  zcx_array_release(whole);
  zcx_type_release(st);
  zcx_batch_release(batch);
  zcx_schema_release(schema);
  free_columns(&c);
}

// ---------------------------------------------------------------------------------------------
// Malformed arrays

// Imports a hand-made array of `type` at `level`: EINVAL with `expect`, the producer untouched
// and released exactly once by the helper afterwards.
static void expect_bad(cds_hand_t* h, int* counter, const zcx_type_t* type,
                       zcx_validate_level_t level, const char* expect) {
  zcx_error_t err;
  zcx_array_t* out = (zcx_array_t*)(uintptr_t)1;
  // The consumer owns the struct: a copy of the producer's (whose release frees its node).
  struct ArrowArray copy = h->array;
  struct ArrowArray* a = &copy;
  int rc = zcx_cdata_import_array(a, type, level, &out, &err);
  if (rc != EINVAL) {
    fail_msg("expected EINVAL for '%s', got %d", expect, rc);
  }
  assert_null(out);
  cds_assert_contains(err.message, expect);
  assert_int_equal(*counter, 0);
  assert_non_null(a->release);
  zcx_cdata_release_array(a);
  assert_int_equal(*counter, 1);
}

static const int32_t k_i32[8] = {1, 2, 3, 4, 5, 6, 7, 8};
static const uint8_t k_bits[1] = {0xff};

static void test_malformed_arrays(void** state) {
  (void)state;
  int n = 0;
  zcx_type_t* i32 = cds_type(ZCX_TYPE_INT32);
  zcx_type_t* str = cds_type(ZCX_TYPE_STRING);
  zcx_type_t* lst = cds_list(ZCX_TYPE_LIST, cds_type(ZCX_TYPE_INT32));
  cds_hand_t* h;

  // Wrong buffer count.
  n = 0;
  h = cds_hand_new(3, 0, 0, 3, &n);
  h->buffers[1] = k_i32;
  expect_bad(h, &n, i32, ZCX_VALIDATE_CHEAP, "has 3 buffers, type int32 needs 2");
  // Negative length, offset, null count.
  n = 0;
  h = cds_hand_new(-1, 0, 0, 2, &n);
  expect_bad(h, &n, i32, ZCX_VALIDATE_CHEAP, "negative length -1");
  n = 0;
  h = cds_hand_new(1, 0, -2, 2, &n);
  expect_bad(h, &n, i32, ZCX_VALIDATE_CHEAP, "offset -2");
  n = 0;
  h = cds_hand_new(1, -5, 0, 2, &n);
  expect_bad(h, &n, i32, ZCX_VALIDATE_CHEAP, "null_count -5");
  n = 0;
  h = cds_hand_new(2, 3, 0, 2, &n);
  h->buffers[0] = k_bits;
  h->buffers[1] = k_i32;
  expect_bad(h, &n, i32, ZCX_VALIDATE_CHEAP, "null_count 3 > length 2");
  // Nulls without a validity bitmap; NULL data where data is needed.
  n = 0;
  h = cds_hand_new(3, 1, 0, 2, &n);
  h->buffers[1] = k_i32;
  expect_bad(h, &n, i32, ZCX_VALIDATE_CHEAP, "validity buffer is NULL");
  n = 0;
  h = cds_hand_new(3, 0, 0, 2, &n);
  expect_bad(h, &n, i32, ZCX_VALIDATE_CHEAP, "buffer 1 is NULL but must hold 12 bytes");
  n = 0;
  h = cds_hand_new(2, 0, 0, 3, &n);
  expect_bad(h, &n, str, ZCX_VALIDATE_CHEAP, "offsets buffer (1) is NULL for 2 elements");
  n = 0;
  h = cds_hand_new(2, 0, 0, 3, &n);
  h->buffers[1] = (const int32_t[]){0, 2, 5};
  expect_bad(h, &n, str, ZCX_VALIDATE_CHEAP, "buffer 2 is NULL but must hold 5 bytes");
  n = 0;
  h = cds_hand_new(2, 0, 0, 2, &n);
  h->array.buffers = NULL;
  expect_bad(h, &n, i32, ZCX_VALIDATE_CHEAP, "buffers is NULL");
  // Offsets out of range: decreasing between the ends (cheap), negative, in the middle (full).
  n = 0;
  h = cds_hand_new(2, 0, 0, 3, &n);
  h->buffers[1] = (const int32_t[]){4, 2, 1};
  h->buffers[2] = "abcd";
  expect_bad(h, &n, str, ZCX_VALIDATE_CHEAP, "out of order");
  n = 0;
  h = cds_hand_new(2, 0, 0, 3, &n);
  h->buffers[1] = (const int32_t[]){-1, 2, 3};
  h->buffers[2] = "abcd";
  expect_bad(h, &n, str, ZCX_VALIDATE_CHEAP, "out of order");
  static const int32_t middle[4] = {0, 3, 1, 4};
  n = 0;
  h = cds_hand_new(3, 0, 0, 3, &n);
  h->buffers[1] = middle;
  h->buffers[2] = "abcd";
  expect_bad(h, &n, str, ZCX_VALIDATE_FULL, "offset");
  // The same passes the cheap level (which reads no more than the ends).
  n = 0;
  h = cds_hand_new(3, 0, 0, 3, &n);
  h->buffers[1] = middle;
  h->buffers[2] = "abcd";
  zcx_array_t* ok = NULL;
  struct ArrowArray moved = h->array;
  assert_int_equal(zcx_cdata_import_array(&moved, str, ZCX_VALIDATE_CHEAP, &ok, NULL), 0);
  assert_null(moved.release);
  zcx_array_release(ok);
  assert_int_equal(n, 1);
  // A list whose last offset is past its child.
  n = 0;
  h = cds_hand_new(2, 0, 0, 2, &n);
  h->buffers[1] = (const int32_t[]){0, 2, 9};
  cds_hand_t* child = cds_hand_new(4, 0, 0, 2, NULL);
  child->buffers[1] = k_i32;
  cds_hand_add_child(h, child);
  expect_bad(h, &n, lst, ZCX_VALIDATE_CHEAP, "last offset 9 > child length 4");
  // Child counts that disagree with the type; a NULL and a released child.
  n = 0;
  h = cds_hand_new(2, 0, 0, 2, &n);
  h->buffers[1] = (const int32_t[]){0, 1, 2};
  expect_bad(h, &n, lst, ZCX_VALIDATE_CHEAP, "has 0 children, type list needs 1");
  n = 0;
  h = cds_hand_new(2, 0, 0, 2, &n);
  h->buffers[1] = k_i32;
  cds_hand_add_child(h, cds_hand_new(1, 0, 0, 2, NULL));
  expect_bad(h, &n, i32, ZCX_VALIDATE_CHEAP, "has 1 children, type int32 needs 0");
  n = 0;
  h = cds_hand_new(2, 0, 0, 2, &n);
  h->buffers[1] = (const int32_t[]){0, 1, 2};
  h->array.n_children = 1;
  h->children[0] = NULL;
  expect_bad(h, &n, lst, ZCX_VALIDATE_CHEAP, "child 0 is NULL");
  n = 0;
  h = cds_hand_new(2, 0, 0, 2, &n);
  h->buffers[1] = (const int32_t[]){0, 1, 2};
  child = cds_hand_new(2, 0, 0, 2, NULL);
  child->buffers[1] = k_i32;
  cds_hand_add_child(h, child);
  child->array.release = NULL;
  expect_bad(h, &n, lst, ZCX_VALIDATE_CHEAP, "field 'item': array is released");
  free(child);
  // Errors deep in a tree name the path: struct {s: list<int32>} whose values buffer is NULL.
  zcx_field_t* sf = cds_field("s", cds_list(ZCX_TYPE_LIST, cds_type(ZCX_TYPE_INT32)), true);
  zcx_type_t* st = NULL;
  assert_int_equal(zcx_type_struct(&sf, 1, &st, NULL), 0);
  zcx_field_release(sf);
  n = 0;
  h = cds_hand_new(2, 0, 0, 1, &n);
  cds_hand_t* mid = cds_hand_new(2, 0, 0, 2, NULL);
  mid->buffers[1] = (const int32_t[]){0, 1, 2};
  cds_hand_t* leaf = cds_hand_new(2, 0, 0, 2, NULL);
  cds_hand_add_child(mid, leaf);
  cds_hand_add_child(h, mid);
  expect_bad(h, &n, st, ZCX_VALIDATE_CHEAP, "field 's.item': buffer 1 is NULL");
  // Dictionaries: missing, or present where the type has none.
  zcx_type_t* dt = NULL;
  assert_int_equal(zcx_type_dictionary(i32, str, false, &dt, NULL), 0);
  n = 0;
  h = cds_hand_new(2, 0, 0, 2, &n);
  h->buffers[1] = k_i32;
  expect_bad(h, &n, dt, ZCX_VALIDATE_CHEAP, "without a dictionary");
  n = 0;
  h = cds_hand_new(2, 0, 0, 2, &n);
  h->buffers[1] = k_i32;
  cds_hand_t* d = cds_hand_new(1, 0, 0, 3, NULL);
  d->buffers[1] = (const int32_t[]){0, 1};
  d->buffers[2] = "x";
  h->array.dictionary = &d->array;
  expect_bad(h, &n, i32, ZCX_VALIDATE_CHEAP, "has a dictionary but type int32");
  // A dictionary index out of range (full).
  n = 0;
  h = cds_hand_new(3, 0, 0, 2, &n);
  h->buffers[1] = k_i32;  // 1, 2, 3: index 3 > 1 value
  d = cds_hand_new(1, 0, 0, 3, NULL);
  d->buffers[1] = (const int32_t[]){0, 1};
  d->buffers[2] = "x";
  h->array.dictionary = &d->array;
  expect_bad(h, &n, dt, ZCX_VALIDATE_FULL, "index");
  // A view type with too few buffers.
  zcx_type_t* sv = cds_type(ZCX_TYPE_STRING_VIEW);
  n = 0;
  h = cds_hand_new(0, 0, 0, 2, &n);
  expect_bad(h, &n, sv, ZCX_VALIDATE_CHEAP, "needs at least 3");
  // A released array; NULL arguments.
  n = 0;
  h = cds_hand_new(0, 0, 0, 2, &n);
  h->array.release = NULL;
  zcx_array_t* out = NULL;
  zcx_error_t err;
  assert_int_equal(zcx_cdata_import_array(&h->array, i32, ZCX_VALIDATE_CHEAP, &out, &err),
                   EINVAL);
  cds_assert_contains(err.message, "released");
  free(h);
  assert_int_equal(zcx_cdata_import_array(NULL, i32, ZCX_VALIDATE_CHEAP, &out, &err), EINVAL);
  assert_int_equal(zcx_cdata_export_array(NULL, &(struct ArrowArray){0}, NULL, &err), EINVAL);
  zcx_type_release(sv);
  zcx_type_release(dt);
  zcx_type_release(st);
  zcx_type_release(lst);
  zcx_type_release(str);
  zcx_type_release(i32);
}

static void test_empty_arrays_may_have_null_buffers(void** state) {
  (void)state;
  zcx_type_t* str = cds_type(ZCX_TYPE_STRING);
  zcx_type_t* i64 = cds_type(ZCX_TYPE_INT64);
  int n = 0;
  cds_hand_t* h = cds_hand_new(0, 0, 0, 3, &n);
  zcx_array_t* a = NULL;
  zcx_error_t err;
  struct ArrowArray moved = h->array;
  assert_int_equal(zcx_cdata_import_array(&moved, str, ZCX_VALIDATE_FULL, &a, &err), 0);
  assert_int_equal(a->length, 0);
  assert_int_equal(n, 1);  // nothing of the producer's is referenced
  zcx_array_release(a);
  h = cds_hand_new(0, 0, 0, 2, &n);
  moved = h->array;
  assert_int_equal(zcx_cdata_import_array(&moved, i64, ZCX_VALIDATE_FULL, &a, &err), 0);
  zcx_array_release(a);
  assert_int_equal(n, 2);
  // A null array whose producer wrote null_count 0 and no buffers: all null all the same.
  zcx_type_t* na = cds_type(ZCX_TYPE_NA);
  h = cds_hand_new(3, 0, 0, 0, &n);
  moved = h->array;
  assert_int_equal(zcx_cdata_import_array(&moved, na, ZCX_VALIDATE_FULL, &a, &err), 0);
  assert_int_equal(zcx_array_null_count(a), 3);
  assert_true(zcx_array_is_null(a, 2));
  zcx_array_release(a);
  // ...but buffers it should not have are refused.
  n = 0;
  h = cds_hand_new(3, 0, 0, 1, &n);
  expect_bad(h, &n, na, ZCX_VALIDATE_CHEAP, "has 1 buffers, type null needs 0");
  zcx_type_release(na);
  zcx_type_release(str);
  zcx_type_release(i64);
}

// Import touches no data: a 100 M row column whose memory cannot be read imports and exports.
static void test_no_per_row_work(void** state) {
  (void)state;
  const int64_t rows = 100 * 1000 * 1000;
  size_t bytes = (size_t)rows * 8;
  void* mem = mmap(NULL, bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (mem == MAP_FAILED) {
    skip();
  }
  zcx_type_t* i64 = cds_type(ZCX_TYPE_INT64);
  int n = 0;
  cds_hand_t* h = cds_hand_new(rows, -1, 0, 2, &n);
  h->buffers[0] = mem;  // a validity bitmap with an unknown null count: not counted either
  h->buffers[1] = mem;
  zcx_array_t* a = NULL;
  zcx_error_t err;
  struct ArrowArray big = h->array;
  int rc = zcx_cdata_import_array(&big, i64, ZCX_VALIDATE_CHEAP, &a, &err);
  if (rc != 0) {
    fail_msg("%s", err.message);
  }
  assert_int_equal(a->length, rows);
  struct ArrowArray ca;
  assert_int_equal(zcx_cdata_export_array(a, &ca, NULL, NULL), 0);
  assert_ptr_equal(ca.buffers[1], mem);
  zcx_array_t* again = NULL;
  assert_int_equal(zcx_cdata_import_array(&ca, i64, ZCX_VALIDATE_CHEAP, &again, NULL), 0);
  zcx_array_release(a);
  zcx_array_release(again);
  assert_int_equal(n, 1);
  zcx_type_release(i64);
  munmap(mem, bytes);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_round_trip_every_type),
      cmocka_unit_test(test_export_layout_and_variadic_sizes),
      cmocka_unit_test(test_import_is_zero_copy_and_releases_once),
      cmocka_unit_test(test_children_released_independently),
      cmocka_unit_test(test_batch_round_trip),
      cmocka_unit_test(test_malformed_arrays),
      cmocka_unit_test(test_empty_arrays_may_have_null_buffers),
      cmocka_unit_test(test_no_per_row_work),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
