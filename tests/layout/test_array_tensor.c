// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Tests of src/layout/array_tensor.c: primitive arrays, slices, fixed-size lists and the
// arrow.fixed_shape_tensor extension type as tensors; nulls, booleans and other refusals; the
// read-only rule (only physically read-only memory, or on request).

// cmocka needs the standard headers first.
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
// clang-format on

#include "zcx/layout.h"
#include "zcx/tensor.h"

// ---------------------------------------------------------------------------------------------
// Helpers that fail the test on error. Each takes over the references it is given.

static zcx_type_t* type_of(zcx_type_id_t id) {
  zcx_type_t* t = NULL;
  assert_int_equal(zcx_type_create(id, &t, NULL), 0);
  return t;
}

static zcx_type_t* fsl_of(zcx_type_t* value_type, int32_t size) {
  zcx_field_t* f = NULL;
  assert_int_equal(zcx_field_create("item", value_type, true, NULL, &f, NULL), 0);
  zcx_type_release(value_type);
  zcx_type_t* t = NULL;
  assert_int_equal(zcx_type_fixed_size_list(f, size, &t, NULL), 0);
  zcx_field_release(f);
  return t;
}

static zcx_type_t* fixed_shape_of(zcx_type_t* storage, const char* json) {
  zcx_type_t* t = NULL;
  zcx_error_t err;
  int rc = zcx_type_extension("arrow.fixed_shape_tensor", json, (int64_t)strlen(json), storage, &t,
                              &err);
  if (rc != 0) {
    fail_msg("%s", err.message);
  }
  zcx_type_release(storage);
  return t;
}

static zcx_buffer_t* buf_of(const void* data, int64_t size) {
  zcx_buffer_t* b = NULL;
  assert_int_equal(zcx_buffer_copy_from(NULL, data, size, &b, NULL), 0);
  return b;
}

// A primitive (or bool) array of `n` values over a copy of `bytes`; `validity` may be NULL.
static zcx_array_t* prim(zcx_type_id_t id, const void* values, int64_t bytes, int64_t n,
                         const uint8_t* validity) {
  zcx_type_t* t = type_of(id);
  zcx_buffer_t* bufs[2] = {validity != NULL ? buf_of(validity, (n + 7) / 8) : NULL,
                           buf_of(values, bytes)};
  zcx_array_t* a = NULL;
  zcx_error_t err;
  int rc = zcx_array_create(t, n, 0, validity != NULL ? -1 : 0, bufs, 2, NULL, 0, NULL, &a, &err);
  if (rc != 0) {
    fail_msg("%s", err.message);
  }
  zcx_type_release(t);
  zcx_buffer_release(bufs[0]);
  zcx_buffer_release(bufs[1]);
  return a;
}

// An array of `type` (a fixed-size list or an extension over one) of `n` lists over `child`.
static zcx_array_t* list_array(zcx_type_t* type, int64_t n, zcx_array_t* child,
                               const uint8_t* validity) {
  zcx_buffer_t* bufs[1] = {validity != NULL ? buf_of(validity, (n + 7) / 8) : NULL};
  zcx_array_t* a = NULL;
  zcx_error_t err;
  int rc =
      zcx_array_create(type, n, 0, validity != NULL ? -1 : 0, bufs, 1, &child, 1, NULL, &a, &err);
  if (rc != 0) {
    fail_msg("%s", err.message);
  }
  zcx_type_release(type);
  zcx_buffer_release(bufs[0]);
  zcx_array_release(child);
  return a;
}

static zcx_array_t* slice_of(zcx_array_t* a, int64_t offset, int64_t length) {
  zcx_array_t* s = NULL;
  assert_int_equal(zcx_array_slice(a, offset, length, &s, NULL), 0);
  return s;
}

static const void* values_of(const zcx_array_t* a) { return zcx_buffer_data(a->buffers[1]); }

// Expects zcx_array_to_tensor to fail with `code` and a message containing `needle`.
static void expect_refused(zcx_array_t* a, uint32_t options, int code, const char* needle) {
  zcx_tensor_t* t = (zcx_tensor_t*)&t;
  zcx_error_t err;
  zcx_error_init(&err);
  int rc = zcx_array_to_tensor(a, options, NULL, &t, &err);
  if (rc != code || strstr(err.message, needle) == NULL) {
    fail_msg("expected %s with '%s', got %s: '%s'", zcx_status_name(code), needle,
             zcx_status_name(rc), err.message);
  }
  assert_null(t);
}

static zcx_tensor_t* to_tensor(zcx_array_t* a, uint32_t options) {
  zcx_tensor_t* t = NULL;
  zcx_error_t err;
  int rc = zcx_array_to_tensor(a, options, NULL, &t, &err);
  if (rc != 0) {
    fail_msg("%s", err.message);
  }
  return t;
}

// ---------------------------------------------------------------------------------------------
// Primitive arrays

static void test_primitive_types_are_shared(void** state) {
  (void)state;
  struct {
    zcx_type_id_t id;
    uint8_t code;
    uint8_t bits;
  } cases[] = {
      {ZCX_TYPE_INT8, ZCX_DTYPE_INT, 8},          {ZCX_TYPE_INT16, ZCX_DTYPE_INT, 16},
      {ZCX_TYPE_INT32, ZCX_DTYPE_INT, 32},        {ZCX_TYPE_INT64, ZCX_DTYPE_INT, 64},
      {ZCX_TYPE_UINT8, ZCX_DTYPE_UINT, 8},        {ZCX_TYPE_UINT16, ZCX_DTYPE_UINT, 16},
      {ZCX_TYPE_UINT32, ZCX_DTYPE_UINT, 32},      {ZCX_TYPE_UINT64, ZCX_DTYPE_UINT, 64},
      {ZCX_TYPE_HALF_FLOAT, ZCX_DTYPE_FLOAT, 16}, {ZCX_TYPE_FLOAT, ZCX_DTYPE_FLOAT, 32},
      {ZCX_TYPE_DOUBLE, ZCX_DTYPE_FLOAT, 64},
  };
  uint8_t bytes[80];
  for (size_t i = 0; i < sizeof(bytes); i++) {
    bytes[i] = (uint8_t)(i * 3);
  }
  for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
    int64_t n = 10;
    zcx_array_t* a = prim(cases[k].id, bytes, n * cases[k].bits / 8, n, NULL);
    zcx_tensor_t* t = to_tensor(a, 0);
    assert_int_equal(zcx_tensor_dtype(t).code, cases[k].code);
    assert_int_equal(zcx_tensor_dtype(t).bits, cases[k].bits);
    assert_int_equal(zcx_tensor_ndim(t), 1);
    assert_int_equal(zcx_tensor_shape(t)[0], 10);
    assert_int_equal(zcx_tensor_strides(t)[0], 1);
    assert_ptr_equal(zcx_tensor_data(t), values_of(a));
    assert_ptr_equal(zcx_tensor_buffer(t), a->buffers[1]);
    // Writable memory gives a writable tensor: immutability is a contract, not a protection.
    assert_false(zcx_tensor_is_readonly(t));
    assert_false(zcx_tensor_is_copied(t));
    assert_true(zcx_tensor_is_contiguous(t));
    // The tensor keeps the values alive after the array is gone.
    zcx_array_release(a);
    assert_int_equal(zcx_buffer_refcount(zcx_tensor_buffer(t)), 1);
    assert_memory_equal(zcx_tensor_data(t), bytes, (size_t)zcx_tensor_nbytes(t));
    zcx_tensor_release(t);
  }
}

static void test_slices_advance_the_data_pointer(void** state) {
  (void)state;
  int32_t v[12];
  for (int i = 0; i < 12; i++) {
    v[i] = 100 + i;
  }
  zcx_array_t* a = prim(ZCX_TYPE_INT32, v, sizeof(v), 12, NULL);
  zcx_array_t* s = slice_of(a, 3, 5);
  zcx_array_t* ss = slice_of(s, 2, 2);
  zcx_tensor_t* t = to_tensor(s, 0);
  assert_ptr_equal(zcx_tensor_data(t), (const int32_t*)values_of(a) + 3);
  assert_int_equal(zcx_tensor_shape(t)[0], 5);
  assert_int_equal(((const int32_t*)zcx_tensor_data(t))[0], 103);
  zcx_tensor_release(t);
  t = to_tensor(ss, 0);
  assert_int_equal(((const int32_t*)zcx_tensor_data(t))[0], 105);
  assert_int_equal(zcx_tensor_numel(t), 2);
  zcx_tensor_release(t);
  // An empty slice at the very end.
  zcx_array_t* e = slice_of(a, 12, 0);
  t = to_tensor(e, 0);
  assert_int_equal(zcx_tensor_numel(t), 0);
  zcx_tensor_release(t);
  zcx_array_release(e);
  zcx_array_release(ss);
  zcx_array_release(s);
  zcx_array_release(a);
}

static void test_nulls_are_refused_with_their_count(void** state) {
  (void)state;
  double v[10] = {0};
  // Elements 2 and 7 are null.
  uint8_t validity[2] = {0x7b, 0x03};  // 1101 1110, 11: bits 2 and 7 clear
  zcx_array_t* a = prim(ZCX_TYPE_DOUBLE, v, sizeof(v), 10, validity);
  expect_refused(a, 0, ENOTSUP, "2 nulls");
  expect_refused(a, ZCX_TENSOR_ALLOW_COPY, ENOTSUP, "2 nulls");
  zcx_array_t* s = slice_of(a, 3, 4);  // elements 3..6: all valid
  zcx_tensor_t* t = to_tensor(s, 0);
  assert_int_equal(zcx_tensor_numel(t), 4);
  zcx_tensor_release(t);
  zcx_array_release(s);
  s = slice_of(a, 6, 3);  // 6..8 holds element 7
  expect_refused(s, 0, ENOTSUP, "1 nulls");
  zcx_array_release(s);
  zcx_array_release(a);
  // A validity bitmap with no nulls is fine.
  uint8_t all[2] = {0xff, 0x03};
  a = prim(ZCX_TYPE_DOUBLE, v, sizeof(v), 10, all);
  t = to_tensor(a, 0);
  zcx_tensor_release(t);
  zcx_array_release(a);
}

static void test_booleans_copy_only_when_allowed(void** state) {
  (void)state;
  // 13 booleans: 1,0,1,1,0,0,0,1, 1,1,0,0,1
  uint8_t bits[2] = {0x8d, 0x13};
  zcx_array_t* a = prim(ZCX_TYPE_BOOL, bits, 2, 13, NULL);
  expect_refused(a, 0, ENOTSUP, "bit-packed");
  zcx_tensor_t* t = to_tensor(a, ZCX_TENSOR_ALLOW_COPY);
  assert_int_equal(zcx_tensor_dtype(t).code, ZCX_DTYPE_BOOL);
  assert_int_equal(zcx_tensor_dtype(t).bits, 8);
  assert_true(zcx_tensor_is_copied(t));
  assert_false(zcx_tensor_is_readonly(t));
  const uint8_t expect[13] = {1, 0, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 1};
  assert_memory_equal(zcx_tensor_data(t), expect, 13);
  assert_ptr_not_equal(zcx_tensor_buffer(t), a->buffers[1]);
  zcx_tensor_release(t);
  // A slice starting inside a byte.
  zcx_array_t* s = slice_of(a, 3, 7);
  t = to_tensor(s, ZCX_TENSOR_ALLOW_COPY);
  assert_int_equal(zcx_tensor_numel(t), 7);
  assert_memory_equal(zcx_tensor_data(t), expect + 3, 7);
  zcx_tensor_release(t);
  zcx_array_release(s);
  zcx_array_release(a);
}

static void test_other_types_and_bad_arguments(void** state) {
  (void)state;
  int32_t v[4] = {1, 2, 3, 4};
  zcx_array_t* a = prim(ZCX_TYPE_DATE32, v, sizeof(v), 4, NULL);
  expect_refused(a, 0, ENOTSUP, "date32");
  expect_refused(a, 0, ENOTSUP, "has no tensor dtype");
  zcx_array_release(a);
  a = prim(ZCX_TYPE_INT32, v, sizeof(v), 4, NULL);
  expect_refused(a, 1u << 5, EINVAL, "unknown options 0x20");
  expect_refused(a, ZCX_TENSOR_MARK_READONLY | (1u << 2), EINVAL, "unknown options 0x4");
  zcx_tensor_t* t = NULL;
  zcx_error_t err;
  assert_int_equal(zcx_array_to_tensor(a, 0, NULL, NULL, &err), EINVAL);
  assert_int_equal(zcx_array_to_tensor(NULL, 0, NULL, &t, &err), EINVAL);
  assert_non_null(strstr(err.message, "array is NULL"));
  zcx_array_release(a);
  // A struct has no tensor form.
  zcx_field_t* f = NULL;
  zcx_type_t* i32 = type_of(ZCX_TYPE_INT32);
  assert_int_equal(zcx_field_create("x", i32, false, NULL, &f, NULL), 0);
  zcx_type_release(i32);
  zcx_type_t* st = NULL;
  assert_int_equal(zcx_type_struct(&f, 1, &st, NULL), 0);
  zcx_field_release(f);
  zcx_array_t* child = prim(ZCX_TYPE_INT32, v, sizeof(v), 4, NULL);
  zcx_array_t* sa = list_array(st, 4, child, NULL);
  expect_refused(sa, 0, ENOTSUP, "struct");
  zcx_array_release(sa);
}

// ---------------------------------------------------------------------------------------------
// Fixed-size lists

static void test_fixed_size_list_is_2d(void** state) {
  (void)state;
  float v[15];
  for (int i = 0; i < 15; i++) {
    v[i] = (float)i;
  }
  zcx_array_t* values = prim(ZCX_TYPE_FLOAT, v, sizeof(v), 15, NULL);
  const float* base = values_of(values);
  zcx_array_t* a = list_array(fsl_of(type_of(ZCX_TYPE_FLOAT), 3), 5, values, NULL);
  zcx_tensor_t* t = to_tensor(a, 0);
  assert_int_equal(zcx_tensor_ndim(t), 2);
  assert_int_equal(zcx_tensor_shape(t)[0], 5);
  assert_int_equal(zcx_tensor_shape(t)[1], 3);
  assert_int_equal(zcx_tensor_strides(t)[0], 3);
  assert_int_equal(zcx_tensor_strides(t)[1], 1);
  assert_ptr_equal(zcx_tensor_data(t), base);
  assert_false(zcx_tensor_is_readonly(t));
  zcx_tensor_release(t);
  // A slice of lists starts at list 2.
  zcx_array_t* s = slice_of(a, 2, 2);
  t = to_tensor(s, 0);
  assert_ptr_equal(zcx_tensor_data(t), base + 6);
  assert_int_equal(zcx_tensor_shape(t)[0], 2);
  zcx_tensor_release(t);
  zcx_array_release(s);
  zcx_array_release(a);
  // Lists over a sliced child: the child's offset counts too.
  values = prim(ZCX_TYPE_FLOAT, v, sizeof(v), 15, NULL);
  base = values_of(values);
  zcx_array_t* cs = slice_of(values, 1, 12);
  zcx_array_release(values);
  a = list_array(fsl_of(type_of(ZCX_TYPE_FLOAT), 4), 3, cs, NULL);
  s = slice_of(a, 1, 2);
  t = to_tensor(s, 0);
  assert_ptr_equal(zcx_tensor_data(t), base + 1 + 4);
  assert_true(((const float*)zcx_tensor_data(t))[0] == 5.0f);
  zcx_tensor_release(t);
  zcx_array_release(s);
  zcx_array_release(a);
}

static void test_nested_fixed_size_lists(void** state) {
  (void)state;
  int16_t v[24];
  for (int i = 0; i < 24; i++) {
    v[i] = (int16_t)i;
  }
  zcx_array_t* values = prim(ZCX_TYPE_INT16, v, sizeof(v), 24, NULL);
  zcx_array_t* inner = list_array(fsl_of(type_of(ZCX_TYPE_INT16), 2), 12, values, NULL);
  zcx_type_t* inner_type = inner->type;
  zcx_type_retain(inner_type);
  zcx_array_t* outer = list_array(fsl_of(inner_type, 3), 4, inner, NULL);
  zcx_tensor_t* t = to_tensor(outer, 0);
  assert_int_equal(zcx_tensor_ndim(t), 3);
  assert_int_equal(zcx_tensor_shape(t)[0], 4);
  assert_int_equal(zcx_tensor_shape(t)[1], 3);
  assert_int_equal(zcx_tensor_shape(t)[2], 2);
  assert_int_equal(zcx_tensor_strides(t)[0], 6);
  zcx_tensor_release(t);
  zcx_array_t* s = slice_of(outer, 3, 1);
  t = to_tensor(s, 0);
  assert_int_equal(((const int16_t*)zcx_tensor_data(t))[0], 18);
  zcx_tensor_release(t);
  zcx_array_release(s);
  zcx_array_release(outer);
}

static void test_fixed_size_list_nulls(void** state) {
  (void)state;
  float v[12] = {0};
  // Null list: the second of four.
  uint8_t lists_valid[1] = {0x0d};
  zcx_array_t* values = prim(ZCX_TYPE_FLOAT, v, sizeof(v), 12, NULL);
  zcx_array_t* a = list_array(fsl_of(type_of(ZCX_TYPE_FLOAT), 3), 4, values, lists_valid);
  expect_refused(a, 0, ENOTSUP, "1 nulls");
  zcx_array_release(a);
  // A null value inside list 2 (value 7).
  uint8_t values_valid[2] = {0x7f, 0x0f};
  values = prim(ZCX_TYPE_FLOAT, v, sizeof(v), 12, values_valid);
  a = list_array(fsl_of(type_of(ZCX_TYPE_FLOAT), 3), 4, values, NULL);
  expect_refused(a, 0, ENOTSUP, "values at depth 1 hold 1 nulls");
  // Lists 0-1 and list 3 do not contain it.
  zcx_array_t* s = slice_of(a, 0, 2);
  zcx_tensor_t* t = to_tensor(s, 0);
  zcx_tensor_release(t);
  zcx_array_release(s);
  s = slice_of(a, 3, 1);
  t = to_tensor(s, 0);
  zcx_tensor_release(t);
  zcx_array_release(s);
  s = slice_of(a, 2, 2);
  expect_refused(s, 0, ENOTSUP, "1 nulls");
  zcx_array_release(s);
  zcx_array_release(a);
}

static void test_fixed_size_list_of_bools_and_strings(void** state) {
  (void)state;
  uint8_t bits[1] = {0x35};  // 1,0,1,0,1,1
  zcx_array_t* values = prim(ZCX_TYPE_BOOL, bits, 1, 6, NULL);
  zcx_array_t* a = list_array(fsl_of(type_of(ZCX_TYPE_BOOL), 2), 3, values, NULL);
  expect_refused(a, 0, ENOTSUP, "bit-packed");
  zcx_tensor_t* t = to_tensor(a, ZCX_TENSOR_ALLOW_COPY);
  const uint8_t expect[6] = {1, 0, 1, 0, 1, 1};
  assert_int_equal(zcx_tensor_ndim(t), 2);
  assert_memory_equal(zcx_tensor_data(t), expect, 6);
  assert_true(zcx_tensor_is_copied(t));
  zcx_tensor_release(t);
  zcx_array_release(a);
  // Strings have no tensor form, wherever they are.
  int32_t offsets[3] = {0, 1, 2};
  zcx_type_t* str = type_of(ZCX_TYPE_STRING);
  zcx_buffer_t* bufs[3] = {NULL, buf_of(offsets, sizeof(offsets)), buf_of("ab", 2)};
  zcx_array_t* sv = NULL;
  assert_int_equal(zcx_array_create(str, 2, 0, 0, bufs, 3, NULL, 0, NULL, &sv, NULL), 0);
  zcx_buffer_release(bufs[1]);
  zcx_buffer_release(bufs[2]);
  a = list_array(fsl_of(str, 1), 2, sv, NULL);
  expect_refused(a, ZCX_TENSOR_ALLOW_COPY, ENOTSUP, "the values type string");
  zcx_array_release(a);
}

// ---------------------------------------------------------------------------------------------
// arrow.fixed_shape_tensor

static zcx_array_t* fixed_shape_array(const char* json, int32_t list_size, int64_t n,
                                      const float* v) {
  zcx_array_t* values =
      prim(ZCX_TYPE_FLOAT, v, (int64_t)sizeof(float) * n * list_size, n * list_size, NULL);
  zcx_type_t* t = fixed_shape_of(fsl_of(type_of(ZCX_TYPE_FLOAT), list_size), json);
  return list_array(t, n, values, NULL);
}

static void test_fixed_shape_tensor(void** state) {
  (void)state;
  float v[24];
  for (int i = 0; i < 24; i++) {
    v[i] = (float)i;
  }
  zcx_array_t* a = fixed_shape_array("{\"shape\": [2, 3], \"dim_names\": [\"H\", \"W\"]}", 6, 4, v);
  zcx_tensor_t* t = to_tensor(a, 0);
  assert_int_equal(zcx_tensor_ndim(t), 3);
  assert_int_equal(zcx_tensor_shape(t)[0], 4);
  assert_int_equal(zcx_tensor_shape(t)[1], 2);
  assert_int_equal(zcx_tensor_shape(t)[2], 3);
  assert_int_equal(zcx_tensor_strides(t)[0], 6);
  assert_int_equal(zcx_tensor_strides(t)[1], 3);
  assert_int_equal(zcx_tensor_strides(t)[2], 1);
  assert_true(zcx_tensor_is_contiguous(t));
  assert_false(zcx_tensor_is_readonly(t));
  zcx_tensor_release(t);
  zcx_array_t* s = slice_of(a, 1, 3);
  t = to_tensor(s, 0);
  assert_true(((const float*)zcx_tensor_data(t))[0] == 6.0f);
  zcx_tensor_release(t);
  zcx_array_release(s);
  zcx_array_release(a);
}

static void test_fixed_shape_tensor_permutation(void** state) {
  (void)state;
  float v[24];
  for (int i = 0; i < 24; i++) {
    v[i] = (float)i;
  }
  // Physical 2x3x2 per element; logical dimension i is physical dimension perm[i].
  zcx_array_t* a = fixed_shape_array("{\"shape\":[2,3,2],\"permutation\":[2,0,1]}", 12, 2, v);
  zcx_tensor_t* t = to_tensor(a, 0);
  assert_int_equal(zcx_tensor_ndim(t), 4);
  const int64_t* shape = zcx_tensor_shape(t);
  const int64_t* strides = zcx_tensor_strides(t);
  assert_int_equal(shape[0], 2);
  assert_int_equal(shape[1], 2);  // physical dim 2
  assert_int_equal(shape[2], 2);  // physical dim 0
  assert_int_equal(shape[3], 3);  // physical dim 1
  assert_int_equal(strides[0], 12);
  assert_int_equal(strides[1], 1);
  assert_int_equal(strides[2], 6);
  assert_int_equal(strides[3], 2);
  assert_false(zcx_tensor_is_contiguous(t));
  // Logical (n, c, a, b) is physical (n, a, b, c).
  const float* d = zcx_tensor_data(t);
  for (int64_t n = 0; n < 2; n++) {
    for (int64_t c = 0; c < 2; c++) {
      for (int64_t x = 0; x < 2; x++) {
        for (int64_t y = 0; y < 3; y++) {
          float logical = d[n * strides[0] + c * strides[1] + x * strides[2] + y * strides[3]];
          float physical = v[n * 12 + x * 6 + y * 2 + c];
          assert_true(logical == physical);
        }
      }
    }
  }
  zcx_tensor_release(t);
  zcx_array_release(a);
  // The same with booleans copied: the permutation is applied to the copy.
  uint8_t bits[1] = {0x2d};  // 1,0,1,1,0,1 (per element: 2x3)
  zcx_array_t* values = prim(ZCX_TYPE_BOOL, bits, 1, 6, NULL);
  zcx_type_t* ty =
      fixed_shape_of(fsl_of(type_of(ZCX_TYPE_BOOL), 6), "{\"shape\":[2,3],\"permutation\":[1,0]}");
  a = list_array(ty, 1, values, NULL);
  t = to_tensor(a, ZCX_TENSOR_ALLOW_COPY);
  assert_int_equal(zcx_tensor_shape(t)[1], 3);
  assert_int_equal(zcx_tensor_shape(t)[2], 2);
  const uint8_t* b = zcx_tensor_data(t);
  strides = zcx_tensor_strides(t);
  assert_int_equal(b[2 * strides[1] + 1 * strides[2]], 1);  // physical (1, 2): bit 5
  assert_int_equal(b[1 * strides[1] + 1 * strides[2]], 0);  // physical (1, 1): bit 4
  assert_true(zcx_tensor_is_copied(t));
  zcx_tensor_release(t);
  zcx_array_release(a);
}

static void test_fixed_shape_tensor_refusals(void** state) {
  (void)state;
  float v[12] = {0};
  struct {
    const char* json;
    int32_t list_size;
    const char* needle;
  } bad[] = {
      {"{\"shape\":[2,3]}", 4, "shape has 6 elements but its lists hold 4"},
      {"{\"dim_names\":[\"a\"]}", 4, "no \"shape\""},
      {"{\"shape\":[2,2],\"permutation\":[0,0]}", 4, "not a permutation"},
      {"{\"shape\":[2,2],\"permutation\":[0]}", 4, "permutation of 1 entries for 2"},
      {"{\"shape\":[2,2],\"dim_names\":[\"a\"]}", 4, "1 dim_names for 2 dimensions"},
      {"{\"shape\":[2,-2]}", 4, "negative value"},
      {"{\"shape\":[2,2]", 4, "expected '}'"},
      {"not json", 4, "expected '{'"},
  };
  for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
    zcx_array_t* a = fixed_shape_array(bad[k].json, bad[k].list_size, 3, v);
    expect_refused(a, 0, EINVAL, bad[k].needle);
    zcx_array_release(a);
  }
  // Another extension type is not taken for its storage.
  zcx_array_t* values = prim(ZCX_TYPE_FLOAT, v, sizeof(v), 12, NULL);
  zcx_type_t* other = NULL;
  zcx_type_t* storage = fsl_of(type_of(ZCX_TYPE_FLOAT), 4);
  assert_int_equal(zcx_type_extension("example.other", "", 0, storage, &other, NULL), 0);
  zcx_type_release(storage);
  zcx_array_t* a = list_array(other, 3, values, NULL);
  expect_refused(a, 0, ENOTSUP, "extension type 'example.other'");
  zcx_array_release(a);
  // A fixed_shape_tensor must be stored as a fixed-size list.
  zcx_type_t* wrong = fixed_shape_of(type_of(ZCX_TYPE_FLOAT), "{\"shape\":[1]}");
  a = prim(ZCX_TYPE_FLOAT, v, sizeof(v), 12, NULL);
  zcx_buffer_t* bufs[2] = {NULL, a->buffers[1]};
  zcx_array_t* w = NULL;
  assert_int_equal(zcx_array_create(wrong, 12, 0, 0, bufs, 2, NULL, 0, NULL, &w, NULL), 0);
  expect_refused(w, 0, EINVAL, "not as a fixed-size list");
  zcx_array_release(w);
  zcx_type_release(wrong);
  zcx_array_release(a);
}

// ---------------------------------------------------------------------------------------------
// Read-only: only physically read-only memory, or on request

// A primitive array of `n` int32 over `values` wrapped (not copied) with buffer `flags`.
static zcx_array_t* wrapped_int32(int32_t* values, int64_t n, uint32_t flags) {
  zcx_buffer_t* b = NULL;
  assert_int_equal(zcx_buffer_wrap(values, n * 4, zcx_device_cpu(), flags, NULL, NULL, &b, NULL),
                   0);
  zcx_type_t* t = type_of(ZCX_TYPE_INT32);
  zcx_buffer_t* bufs[2] = {NULL, b};
  zcx_array_t* a = NULL;
  assert_int_equal(zcx_array_create(t, n, 0, 0, bufs, 2, NULL, 0, NULL, &a, NULL), 0);
  zcx_type_release(t);
  zcx_buffer_release(b);
  return a;
}

static void test_read_only_only_when_the_memory_is_or_when_asked(void** state) {
  (void)state;
  int32_t v[6] = {1, 2, 3, 4, 5, 6};
  // Writable memory: a writable tensor over the same bytes, which a write changes.
  zcx_array_t* a = wrapped_int32(v, 6, 0);
  zcx_tensor_t* t = to_tensor(a, 0);
  assert_false(zcx_tensor_is_readonly(t));
  assert_int_equal(zcx_tensor_flags(t), 0);
  assert_ptr_equal(zcx_tensor_data(t), v);
  ((int32_t*)zcx_tensor_data(t))[2] = 30;
  assert_int_equal(v[2], 30);
  zcx_tensor_release(t);
  // The caller may ask for the flag over writable memory; the data is still shared.
  t = to_tensor(a, ZCX_TENSOR_MARK_READONLY);
  assert_true(zcx_tensor_is_readonly(t));
  assert_int_equal(zcx_tensor_flags(t), ZCX_TENSOR_READONLY);
  assert_ptr_equal(zcx_tensor_data(t), v);
  zcx_tensor_release(t);
  // A slice of a read-only-marked request keeps the flag and the offset.
  zcx_array_t* s = slice_of(a, 1, 3);
  t = to_tensor(s, ZCX_TENSOR_MARK_READONLY);
  assert_true(zcx_tensor_is_readonly(t));
  assert_ptr_equal(zcx_tensor_data(t), v + 1);
  zcx_tensor_release(t);
  zcx_array_release(s);
  zcx_array_release(a);
  // Physically read-only memory (a read-only mapping, a sealed segment) always gives a
  // read-only tensor, asked or not.
  a = wrapped_int32(v, 6, ZCX_BUFFER_READONLY);
  t = to_tensor(a, 0);
  assert_true(zcx_tensor_is_readonly(t));
  assert_ptr_equal(zcx_tensor_data(t), v);
  zcx_tensor_release(t);
  t = to_tensor(a, ZCX_TENSOR_MARK_READONLY | ZCX_TENSOR_ALLOW_COPY);
  assert_true(zcx_tensor_is_readonly(t));
  assert_false(zcx_tensor_is_copied(t));  // nothing needed a copy
  zcx_tensor_release(t);
  zcx_array_release(a);
  // Fixed-size lists follow the values buffer.
  zcx_array_t* values = wrapped_int32(v, 6, ZCX_BUFFER_READONLY);
  a = list_array(fsl_of(type_of(ZCX_TYPE_INT32), 2), 3, values, NULL);
  t = to_tensor(a, 0);
  assert_true(zcx_tensor_is_readonly(t));
  assert_int_equal(zcx_tensor_ndim(t), 2);
  zcx_tensor_release(t);
  zcx_array_release(a);
  // Empty arrays without a values buffer are writable unless asked (nothing to write).
  zcx_type_t* i32 = type_of(ZCX_TYPE_INT32);
  zcx_buffer_t* none[2] = {NULL, NULL};
  assert_int_equal(zcx_array_create(i32, 0, 0, 0, none, 2, NULL, 0, NULL, &a, NULL), 0);
  zcx_type_release(i32);
  t = to_tensor(a, 0);
  assert_int_equal(zcx_tensor_numel(t), 0);
  assert_false(zcx_tensor_is_readonly(t));
  zcx_tensor_release(t);
  t = to_tensor(a, ZCX_TENSOR_MARK_READONLY);
  assert_true(zcx_tensor_is_readonly(t));
  zcx_tensor_release(t);
  zcx_array_release(a);
}

static void test_copied_booleans_honour_the_read_only_request(void** state) {
  (void)state;
  uint8_t bits[1] = {0x05};  // 1, 0, 1
  zcx_array_t* a = prim(ZCX_TYPE_BOOL, bits, 1, 3, NULL);
  zcx_tensor_t* t = to_tensor(a, ZCX_TENSOR_ALLOW_COPY | ZCX_TENSOR_MARK_READONLY);
  assert_true(zcx_tensor_is_copied(t));
  assert_true(zcx_tensor_is_readonly(t));
  const uint8_t expect[3] = {1, 0, 1};
  assert_memory_equal(zcx_tensor_data(t), expect, 3);
  zcx_tensor_release(t);
  // The read-only request alone does not allow the copy.
  expect_refused(a, ZCX_TENSOR_MARK_READONLY, ENOTSUP, "bit-packed");
  zcx_array_release(a);
}

// Two int32 columns of `n` rows back to back in one wrapped block of `flags`, as a batch.
static zcx_batch_t* two_column_block(int32_t* block, int64_t n, uint32_t flags) {
  zcx_buffer_t* whole = NULL;
  assert_int_equal(
      zcx_buffer_wrap(block, 2 * n * 4, zcx_device_cpu(), flags, NULL, NULL, &whole, NULL), 0);
  zcx_array_t* cols[2];
  zcx_field_t* fields[2];
  for (int k = 0; k < 2; k++) {
    zcx_buffer_t* part = NULL;
    assert_int_equal(zcx_buffer_slice(whole, k * n * 4, n * 4, &part, NULL), 0);
    zcx_type_t* t = type_of(ZCX_TYPE_INT32);
    zcx_buffer_t* bufs[2] = {NULL, part};
    assert_int_equal(zcx_array_create(t, n, 0, 0, bufs, 2, NULL, 0, NULL, &cols[k], NULL), 0);
    assert_int_equal(zcx_field_create(k == 0 ? "a" : "b", t, false, NULL, &fields[k], NULL), 0);
    zcx_type_release(t);
    zcx_buffer_release(part);
  }
  zcx_buffer_release(whole);
  zcx_schema_t* schema = NULL;
  assert_int_equal(zcx_schema_create(fields, 2, NULL, &schema, NULL), 0);
  zcx_batch_t* b = NULL;
  assert_int_equal(zcx_batch_create(schema, cols, 2, n, &b, NULL), 0);
  for (int k = 0; k < 2; k++) {
    zcx_field_release(fields[k]);
    zcx_array_release(cols[k]);
  }
  zcx_schema_release(schema);
  return b;
}

static void test_column_block_tensor_follows_the_memory(void** state) {
  (void)state;
  int32_t block[8] = {1, 2, 3, 4, 10, 20, 30, 40};
  const uint32_t cases[2] = {0, ZCX_BUFFER_READONLY};
  for (int c = 0; c < 2; c++) {
    zcx_batch_t* b = two_column_block(block, 4, cases[c]);
    zcx_tensor_t* t = NULL;
    zcx_error_t err;
    int rc = zcx_layout_columns_tensor(b, NULL, 2, &t, &err);
    if (rc != 0) {
      fail_msg("%s", err.message);
    }
    assert_ptr_equal(zcx_tensor_data(t), block);
    assert_int_equal(zcx_tensor_shape(t)[1], 2);
    assert_int_equal(zcx_tensor_is_readonly(t), cases[c] != 0);
    zcx_tensor_release(t);
    zcx_batch_release(b);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_primitive_types_are_shared),
      cmocka_unit_test(test_slices_advance_the_data_pointer),
      cmocka_unit_test(test_nulls_are_refused_with_their_count),
      cmocka_unit_test(test_booleans_copy_only_when_allowed),
      cmocka_unit_test(test_other_types_and_bad_arguments),
      cmocka_unit_test(test_fixed_size_list_is_2d),
      cmocka_unit_test(test_nested_fixed_size_lists),
      cmocka_unit_test(test_fixed_size_list_nulls),
      cmocka_unit_test(test_fixed_size_list_of_bools_and_strings),
      cmocka_unit_test(test_fixed_shape_tensor),
      cmocka_unit_test(test_fixed_shape_tensor_permutation),
      cmocka_unit_test(test_fixed_shape_tensor_refusals),
      cmocka_unit_test(test_read_only_only_when_the_memory_is_or_when_asked),
      cmocka_unit_test(test_copied_booleans_honour_the_read_only_request),
      cmocka_unit_test(test_column_block_tensor_follows_the_memory),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
