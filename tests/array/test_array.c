// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Tests of src/array/array.c: zero-copy creation, all-null arrays, slices, null counts,
// element access and thread-safe reference counts.
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "array/array_support.h"
#include "zcx/array.h"

static void test_create_from_buffers(void** state) {
  (void)state;
  zcx_error_t err;
  zcx_type_t* i16 = ts_type(ZCX_TYPE_INT16);
  int16_t v[10] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  zcx_buffer_t* data = ts_buf(v, sizeof(v));
  zcx_buffer_t* bits = ts_bits("1101111011");
  zcx_buffer_t* bufs[2] = {bits, data};
  zcx_array_t* a = NULL;
  assert_int_equal(zcx_array_create(i16, 10, 0, -1, bufs, 2, NULL, 0, NULL, &a, &err), 0);
  // Buffers and type are retained, not copied.
  assert_int_equal(zcx_buffer_refcount(data), 2);
  assert_ptr_equal(zcx_buffer_data(a->buffers[1]), zcx_buffer_data(data));
  assert_int_equal(a->null_count, -1);
  assert_int_equal(zcx_array_null_count(a), 2);
  assert_int_equal(a->null_count, 2);
  assert_true(zcx_array_is_null(a, 2));
  assert_true(zcx_array_is_null(a, 7));
  assert_int_equal(zcx_array_get_int(a, 9), 9);
  assert_true(zcx_array_get_double(a, 4) == 4.0);

  zcx_array_t* s;
  assert_int_equal(zcx_array_slice(a, 3, 5, &s, NULL), 0);
  assert_int_equal(s->offset, 3);
  assert_int_equal(zcx_array_null_count(s), 1);
  assert_true(zcx_array_is_null(s, 4));
  assert_int_equal(zcx_array_get_int(s, 0), 3);
  zcx_array_t* ss;
  assert_int_equal(zcx_array_slice(s, 1, 0, &ss, NULL), 0);
  assert_int_equal(ss->offset, 4);
  assert_int_equal(zcx_array_null_count(ss), 0);
  zcx_array_release(ss);
  ts_expect_error(zcx_array_slice(s, 4, 2, &ss, &err), &err, "outside an array of length 5");
  assert_null(ss);
  ts_expect_error(zcx_array_slice(s, -1, 1, &ss, &err), &err, "outside");
  zcx_array_release(s);
  zcx_array_release(a);
  assert_int_equal(zcx_buffer_refcount(data), 1);

  // Argument checks.
  ts_expect_error(zcx_array_create(NULL, 1, 0, -1, bufs, 2, NULL, 0, NULL, &a, &err), &err,
                  "type is NULL");
  ts_expect_error(zcx_array_create(i16, 1, 0, -1, NULL, 2, NULL, 0, NULL, &a, &err), &err,
                  "2 buffers from a NULL list");
  zcx_array_t* nul[1] = {NULL};
  ts_expect_error(zcx_array_create(i16, 1, 0, -1, bufs, 2, nul, 1, NULL, &a, &err), &err,
                  "child 0 is NULL");
  // A failed create retains nothing.
  assert_int_equal(zcx_buffer_refcount(data), 1);
  assert_int_equal(i16->refcount_, 1);
  zcx_buffer_release(data);
  zcx_buffer_release(bits);
  zcx_type_release(i16);
}

static void test_make_nulls(void** state) {
  (void)state;
  zcx_error_t err;
  zcx_type_t* t = ts_list(ZCX_TYPE_LIST, ts_type(ZCX_TYPE_STRING));
  zcx_array_t* a;
  assert_int_equal(zcx_array_make_nulls(t, 70, NULL, &a, NULL), 0);
  assert_int_equal(a->length, 70);
  assert_int_equal(zcx_array_null_count(a), 70);
  assert_int_equal(zcx_array_validate(a, ZCX_VALIDATE_FULL, NULL), 0);
  zcx_array_release(a);
  ts_expect_error(zcx_array_make_nulls(t, -1, NULL, &a, &err), &err, "negative length");
  ts_expect_error(zcx_array_make_nulls(NULL, 1, NULL, &a, &err), &err, "type is NULL");
  zcx_type_release(t);

  // Run-end encoded nulls need the length to fit the run ends.
  zcx_type_t* i16 = ts_type(ZCX_TYPE_INT16);
  zcx_field_t* vf = ts_field("values", ts_type(ZCX_TYPE_INT32), true);
  zcx_type_t* ree;
  assert_int_equal(zcx_type_run_end_encoded(i16, vf, &ree, NULL), 0);
  ts_expect_error(zcx_array_make_nulls(ree, 40000, NULL, &a, &err), &err,
                  "does not fit run ends of int16");
  assert_int_equal(zcx_array_make_nulls(ree, 300, NULL, &a, NULL), 0);
  assert_true(zcx_array_is_null(a, 299));
  assert_int_equal(a->children[0]->length, 1);
  zcx_array_release(a);
  zcx_type_release(ree);
  zcx_type_release(i16);
  zcx_field_release(vf);

  // Fixed-size list nulls have child slots; extension types keep their type.
  zcx_field_t* item = ts_field("item", ts_type(ZCX_TYPE_FLOAT), true);
  zcx_type_t* fsl;
  assert_int_equal(zcx_type_fixed_size_list(item, 4, &fsl, NULL), 0);
  zcx_type_t* ext;
  assert_int_equal(zcx_type_extension("my.vec", NULL, 0, fsl, &ext, NULL), 0);
  assert_int_equal(zcx_array_make_nulls(ext, 3, NULL, &a, NULL), 0);
  assert_int_equal(a->type->id, ZCX_TYPE_EXTENSION);
  assert_int_equal(a->children[0]->length, 12);
  assert_int_equal(zcx_array_validate(a, ZCX_VALIDATE_FULL, NULL), 0);
  zcx_array_release(a);
  zcx_type_release(ext);
  zcx_type_release(fsl);
  zcx_field_release(item);
}

static void test_union_and_dictionary_access(void** state) {
  (void)state;
  zcx_field_t* fs[2] = {ts_field("i", ts_type(ZCX_TYPE_INT32), true),
                        ts_field("s", ts_type(ZCX_TYPE_STRING), true)};
  zcx_type_t* t;
  assert_int_equal(zcx_type_union(ZCX_TYPE_DENSE_UNION, fs, NULL, 2, &t, NULL), 0);
  zcx_builder_t* b;
  assert_int_equal(zcx_builder_create(t, NULL, &b, NULL), 0);
  assert_int_equal(zcx_builder_append_null(zcx_builder_child(b, 1), 1, NULL), 0);
  assert_int_equal(zcx_builder_finish_union_element(b, 1, NULL), 0);
  assert_int_equal(zcx_builder_append_int(zcx_builder_child(b, 0), 8, NULL), 0);
  assert_int_equal(zcx_builder_finish_union_element(b, 0, NULL), 0);
  zcx_array_t* a = ts_finish(b);
  assert_true(zcx_array_is_null(a, 0));
  assert_false(zcx_array_is_null(a, 1));
  assert_int_equal(zcx_array_null_count(a), 0);  // unions have no nulls of their own
  zcx_array_t* s;
  assert_int_equal(zcx_array_slice(a, 1, 1, &s, NULL), 0);
  assert_false(zcx_array_is_null(s, 0));
  assert_int_equal(zcx_array_null_count(s), 0);
  zcx_array_release(s);
  zcx_array_release(a);
  zcx_type_release(t);
  zcx_field_release(fs[0]);
  zcx_field_release(fs[1]);
}

typedef struct shared {
  zcx_array_t* array;
  int64_t nulls_seen;
} shared_t;

static void* hammer(void* arg) {
  shared_t* s = arg;
  int rounds = 20000;
#ifdef ZCX_SANITIZE
  rounds = 2000;
#endif
  for (int i = 0; i < rounds; i++) {
    zcx_array_retain(s->array);
    zcx_array_t* sl = NULL;
    if (zcx_array_slice(s->array, 1, 2, &sl, NULL) == 0) {
      zcx_array_release(sl);
    }
    __atomic_store_n(&s->nulls_seen, zcx_array_null_count(s->array), __ATOMIC_RELAXED);
    zcx_array_release(s->array);
  }
  return NULL;
}

static int released;
static void count_release(void* ctx, void* data, int64_t size) {
  (void)ctx;
  (void)data;
  (void)size;
  __atomic_fetch_add(&released, 1, __ATOMIC_RELAXED);
}

static void test_threads_share_an_array(void** state) {
  (void)state;
  static int32_t values[4] = {1, 2, 3, 4};
  static uint8_t bits[1] = {0x0b};
  zcx_buffer_t* data;
  zcx_buffer_t* valid;
  assert_int_equal(zcx_buffer_wrap(values, sizeof(values), zcx_device_cpu(), 0, count_release,
                                   NULL, &data, NULL),
                   0);
  assert_int_equal(zcx_buffer_wrap(bits, 1, zcx_device_cpu(), 0, count_release, NULL, &valid,
                                   NULL),
                   0);
  zcx_type_t* t = ts_type(ZCX_TYPE_INT32);
  zcx_buffer_t* bufs[2] = {valid, data};
  shared_t s = {NULL, 0};
  assert_int_equal(zcx_array_create(t, 4, 0, -1, bufs, 2, NULL, 0, NULL, &s.array, NULL), 0);
  zcx_buffer_release(data);
  zcx_buffer_release(valid);
  zcx_type_release(t);
  pthread_t th[4];
  for (int i = 0; i < 4; i++) {
    assert_int_equal(pthread_create(&th[i], NULL, hammer, &s), 0);
  }
  for (int i = 0; i < 4; i++) {
    pthread_join(th[i], NULL);
  }
  assert_int_equal(s.nulls_seen, 1);
  assert_int_equal(s.array->refcount_, 1);
  assert_int_equal(released, 0);
  zcx_array_release(s.array);
  assert_int_equal(released, 2);  // each foreign buffer released exactly once
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_create_from_buffers),
      cmocka_unit_test(test_make_nulls),
      cmocka_unit_test(test_union_and_dictionary_access),
      cmocka_unit_test(test_threads_share_an_array),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
