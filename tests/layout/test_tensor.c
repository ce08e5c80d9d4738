// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Tests of src/layout/tensor.c: dtypes, creation and its checks, views, flags, lifetimes.

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

#include "zcx/tensor.h"

// ---------------------------------------------------------------------------------------------
// Helpers: a counting resource over malloc and a borrowing buffer with a counted release.

typedef struct counting_mr {
  zcx_mr_t base;
  int allocations;
  int frees;
  int64_t live_bytes;
  bool fail;
} counting_mr;

static int counting_allocate(zcx_mr_t* mr, size_t size, size_t alignment, zcx_stream_t* stream,
                             void** out, zcx_error_t* err) {
  (void)stream;
  counting_mr* c = (counting_mr*)mr;
  if (c->fail) {
    return zcx_error_fail(err, ENOMEM, "counting: refusing %zu bytes", size);
  }
  size_t rounded = (size + alignment - 1) / alignment * alignment;
  *out = aligned_alloc(alignment, rounded);
  if (*out == NULL) {
    return zcx_error_fail(err, ENOMEM, "counting: aligned_alloc failed");
  }
  c->allocations++;
  c->live_bytes += (int64_t)size;
  return 0;
}

static int counting_deallocate(zcx_mr_t* mr, void* ptr, size_t size, zcx_stream_t* stream,
                               zcx_error_t* err) {
  (void)stream;
  (void)err;
  counting_mr* c = (counting_mr*)mr;
  c->frees++;
  c->live_bytes -= (int64_t)size;
  free(ptr);
  return 0;
}

static void counting_destroy(zcx_mr_t* mr) { (void)mr; }

static const zcx_mr_ops_t counting_ops = {
    sizeof(zcx_mr_ops_t), "counting", counting_allocate,
    counting_deallocate,  NULL,       counting_destroy,
};

static void counting_init(counting_mr* c) {
  memset(c, 0, sizeof(*c));
  zcx_mr_init(&c->base, &counting_ops, zcx_device_cpu(), NULL, "counting");
}

static int releases;

static void count_release(void* ctx, void* data, int64_t size) {
  (void)ctx;
  (void)data;
  (void)size;
  releases++;
}

// Wraps `bytes` of `data` (not owned) in a buffer that counts its release.
static zcx_buffer_t* wrap(void* data, int64_t bytes, uint32_t flags) {
  zcx_buffer_t* b = NULL;
  assert_int_equal(
      zcx_buffer_wrap(data, bytes, zcx_device_cpu(), flags, count_release, NULL, &b, NULL), 0);
  return b;
}

static const zcx_dtype_t f32 = {ZCX_DTYPE_FLOAT, 32, 1};

// ---------------------------------------------------------------------------------------------
// dtypes

static void test_supported_dtypes(void** state) {
  (void)state;
  struct {
    zcx_dtype_code_t code;
    uint8_t bits;
    const char* name;
  } cases[] = {
      {ZCX_DTYPE_INT, 8, "int8"},
      {ZCX_DTYPE_INT, 16, "int16"},
      {ZCX_DTYPE_INT, 32, "int32"},
      {ZCX_DTYPE_INT, 64, "int64"},
      {ZCX_DTYPE_UINT, 8, "uint8"},
      {ZCX_DTYPE_UINT, 16, "uint16"},
      {ZCX_DTYPE_UINT, 32, "uint32"},
      {ZCX_DTYPE_UINT, 64, "uint64"},
      {ZCX_DTYPE_FLOAT, 16, "float16"},
      {ZCX_DTYPE_FLOAT, 32, "float32"},
      {ZCX_DTYPE_FLOAT, 64, "float64"},
      {ZCX_DTYPE_BFLOAT, 16, "bfloat16"},
      {ZCX_DTYPE_BOOL, 8, "bool"},
      {ZCX_DTYPE_COMPLEX, 64, "complex64"},
      {ZCX_DTYPE_COMPLEX, 128, "complex128"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    zcx_dtype_t d = zcx_dtype_make(cases[i].code, cases[i].bits);
    assert_int_equal(zcx_dtype_check(d, NULL), 0);
    assert_int_equal(zcx_dtype_size(d), cases[i].bits / 8);
    assert_string_equal(zcx_dtype_name(d), cases[i].name);
    assert_true(zcx_dtype_equal(d, d));
  }
  assert_false(
      zcx_dtype_equal(zcx_dtype_make(ZCX_DTYPE_INT, 32), zcx_dtype_make(ZCX_DTYPE_UINT, 32)));
}

static void test_unsupported_dtypes(void** state) {
  (void)state;
  zcx_dtype_t bad[] = {
      {3, 64, 1},                  // opaque handle
      {8, 8, 1},                   // float8 e4m3
      {ZCX_DTYPE_INT, 4, 1},       // sub-byte
      {ZCX_DTYPE_INT, 128, 1},     // too wide
      {ZCX_DTYPE_FLOAT, 8, 1},     // no such float
      {ZCX_DTYPE_BFLOAT, 32, 1},   // bfloat is 16 bits
      {ZCX_DTYPE_BOOL, 1, 1},      // packed bits
      {ZCX_DTYPE_COMPLEX, 32, 1},  // complex32
      {ZCX_DTYPE_FLOAT, 32, 4},    // vector lanes
      {ZCX_DTYPE_FLOAT, 32, 0},    // no lanes
      {200, 32, 1},                // unknown code
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    zcx_error_t err;
    zcx_error_init(&err);
    assert_int_equal(zcx_dtype_check(bad[i], &err), ENOTSUP);
    assert_non_null(strstr(err.message, "not supported"));
    assert_int_equal(zcx_dtype_size(bad[i]), 0);
    assert_string_equal(zcx_dtype_name(bad[i]), "unknown");
  }
}

// ---------------------------------------------------------------------------------------------
// Creation from a buffer

static void test_create_contiguous_view(void** state) {
  (void)state;
  float data[6] = {0, 1, 2, 3, 4, 5};
  releases = 0;
  zcx_buffer_t* b = wrap(data, sizeof(data), 0);
  int64_t shape[2] = {2, 3};
  zcx_tensor_t* t = NULL;
  assert_int_equal(zcx_tensor_create(b, data, f32, 2, shape, NULL, 0, &t, NULL), 0);
  assert_int_equal(zcx_buffer_refcount(b), 2);
  assert_ptr_equal(zcx_tensor_buffer(t), b);
  assert_ptr_equal(zcx_tensor_data(t), data);
  assert_true(zcx_dtype_equal(zcx_tensor_dtype(t), f32));
  assert_int_equal(zcx_tensor_ndim(t), 2);
  assert_int_equal(zcx_tensor_shape(t)[0], 2);
  assert_int_equal(zcx_tensor_shape(t)[1], 3);
  assert_int_equal(zcx_tensor_strides(t)[0], 3);
  assert_int_equal(zcx_tensor_strides(t)[1], 1);
  assert_int_equal(zcx_tensor_numel(t), 6);
  assert_int_equal(zcx_tensor_itemsize(t), 4);
  assert_int_equal(zcx_tensor_nbytes(t), 24);
  assert_true(zcx_tensor_is_contiguous(t));
  assert_false(zcx_tensor_is_readonly(t));
  assert_false(zcx_tensor_is_copied(t));
  assert_int_equal(zcx_tensor_flags(t), 0);
  assert_true(zcx_device_equal(zcx_tensor_device(t), zcx_device_cpu()));
  // Shape given by the caller was copied.
  shape[0] = 99;
  assert_int_equal(zcx_tensor_shape(t)[0], 2);
  // The tensor keeps the buffer alive after the caller's reference is gone.
  zcx_buffer_release(b);
  assert_int_equal(releases, 0);
  zcx_tensor_retain(t);
  assert_int_equal(zcx_tensor_refcount(t), 2);
  zcx_tensor_release(t);
  assert_int_equal(releases, 0);
  zcx_tensor_release(t);
  assert_int_equal(releases, 1);
  zcx_tensor_release(NULL);
  zcx_tensor_retain(NULL);
}

static void test_transposed_and_strided_views(void** state) {
  (void)state;
  int32_t data[12];
  for (int i = 0; i < 12; i++) {
    data[i] = i;
  }
  zcx_buffer_t* b = wrap(data, sizeof(data), 0);
  // The transpose of a 3x4 row-major matrix: shape 4x3, strides {1, 4}.
  int64_t shape[2] = {4, 3};
  int64_t strides[2] = {1, 4};
  zcx_tensor_t* t = NULL;
  zcx_dtype_t i32 = zcx_dtype_make(ZCX_DTYPE_INT, 32);
  assert_int_equal(zcx_tensor_create(b, data, i32, 2, shape, strides, 0, &t, NULL), 0);
  assert_false(zcx_tensor_is_contiguous(t));
  const int32_t* p = zcx_tensor_data(t);
  const int64_t* s = zcx_tensor_strides(t);
  assert_int_equal(p[2 * s[0] + 1 * s[1]], 6);  // element (2, 1) of the transpose
  zcx_tensor_release(t);
  // Every other column: shape 3x2, strides {4, 2}, starting at column 1.
  int64_t shape2[2] = {3, 2};
  int64_t strides2[2] = {4, 2};
  assert_int_equal(zcx_tensor_create(b, data + 1, i32, 2, shape2, strides2, 0, &t, NULL), 0);
  assert_false(zcx_tensor_is_contiguous(t));
  p = zcx_tensor_data(t);
  assert_int_equal(p[2 * 4 + 1 * 2], 11);
  zcx_tensor_release(t);
  // Reversed (negative stride) from the last element.
  int64_t n12 = 12;
  int64_t back = -1;
  assert_int_equal(zcx_tensor_create(b, data + 11, i32, 1, &n12, &back, 0, &t, NULL), 0);
  assert_false(zcx_tensor_is_contiguous(t));
  zcx_tensor_release(t);
  // Reversed from the first element runs off the front of the buffer.
  zcx_error_t err;
  assert_int_equal(zcx_tensor_create(b, data, i32, 1, &n12, &back, 0, &t, &err), EINVAL);
  assert_null(t);
  assert_non_null(strstr(err.message, "reaches bytes [-44, 4)"));
  // Dimensions of size 1 may carry any stride and still be contiguous.
  int64_t shape3[3] = {1, 3, 4};
  int64_t strides3[3] = {777, 4, 1};
  assert_int_equal(zcx_tensor_create(b, data, i32, 3, shape3, strides3, 0, &t, NULL), 0);
  assert_true(zcx_tensor_is_contiguous(t));
  zcx_tensor_release(t);
  // A broadcast (stride 0) view reaches one row only.
  int64_t shape4[2] = {1000, 4};
  int64_t strides4[2] = {0, 1};
  assert_int_equal(zcx_tensor_create(b, data + 8, i32, 2, shape4, strides4, 0, &t, NULL), 0);
  assert_int_equal(zcx_tensor_numel(t), 4000);
  assert_false(zcx_tensor_is_contiguous(t));
  zcx_tensor_release(t);
  zcx_buffer_release(b);
}

static void test_zero_dim_and_empty(void** state) {
  (void)state;
  double data[2] = {1.5, 2.5};
  zcx_buffer_t* b = wrap(data, sizeof(data), 0);
  zcx_dtype_t f64 = zcx_dtype_make(ZCX_DTYPE_FLOAT, 64);
  zcx_tensor_t* t = NULL;
  // 0-d: one element, shape may be NULL; accessors still return non-NULL arrays.
  assert_int_equal(zcx_tensor_create(b, data + 1, f64, 0, NULL, NULL, 0, &t, NULL), 0);
  assert_int_equal(zcx_tensor_ndim(t), 0);
  assert_int_equal(zcx_tensor_numel(t), 1);
  assert_int_equal(zcx_tensor_nbytes(t), 8);
  assert_non_null(zcx_tensor_shape(t));
  assert_non_null(zcx_tensor_strides(t));
  assert_true(zcx_tensor_is_contiguous(t));
  assert_true(*(double*)zcx_tensor_data(t) == 2.5);
  zcx_tensor_release(t);
  // A 0-d tensor at the end of the buffer has no element to point at.
  zcx_error_t err;
  assert_int_equal(zcx_tensor_create(b, data + 2, f64, 0, NULL, NULL, 0, &t, &err), EINVAL);
  // Empty: any stride, data may sit at the end of the buffer.
  int64_t shape[2] = {0, 5};
  int64_t strides[2] = {INT64_MAX, -3};
  assert_int_equal(zcx_tensor_create(b, data + 2, f64, 2, shape, strides, 0, &t, NULL), 0);
  assert_int_equal(zcx_tensor_numel(t), 0);
  assert_int_equal(zcx_tensor_nbytes(t), 0);
  assert_true(zcx_tensor_is_contiguous(t));
  zcx_tensor_release(t);
  // An empty buffer holds an empty tensor.
  zcx_buffer_t* e = wrap(NULL, 0, 0);
  int64_t zero = 0;
  assert_int_equal(zcx_tensor_create(e, zcx_buffer_data(e), f64, 1, &zero, NULL, 0, &t, NULL), 0);
  zcx_tensor_release(t);
  zcx_buffer_release(e);
  zcx_buffer_release(b);
}

static void test_flags(void** state) {
  (void)state;
  uint8_t data[4] = {1, 0, 1, 1};
  zcx_dtype_t b8 = zcx_dtype_make(ZCX_DTYPE_BOOL, 8);
  int64_t n = 4;
  zcx_tensor_t* t = NULL;
  zcx_buffer_t* ro = wrap(data, 4, ZCX_BUFFER_READONLY);
  assert_int_equal(zcx_tensor_create(ro, data, b8, 1, &n, NULL, 0, &t, NULL), 0);
  assert_true(zcx_tensor_is_readonly(t));
  assert_int_equal(zcx_tensor_flags(t), ZCX_TENSOR_READONLY);
  zcx_tensor_release(t);
  zcx_buffer_release(ro);
  zcx_buffer_t* rw = wrap(data, 4, 0);
  assert_int_equal(zcx_tensor_create(rw, data, b8, 1, &n, NULL, ZCX_TENSOR_COPIED, &t, NULL), 0);
  assert_false(zcx_tensor_is_readonly(t));
  assert_true(zcx_tensor_is_copied(t));
  zcx_tensor_release(t);
  assert_int_equal(zcx_tensor_create(rw, data, b8, 1, &n, NULL,
                                     ZCX_TENSOR_READONLY | ZCX_TENSOR_COPIED, &t, NULL),
                   0);
  assert_int_equal(zcx_tensor_flags(t), ZCX_TENSOR_READONLY | ZCX_TENSOR_COPIED);
  zcx_tensor_release(t);
  zcx_error_t err;
  assert_int_equal(zcx_tensor_create(rw, data, b8, 1, &n, NULL, 1u << 7, &t, &err), EINVAL);
  assert_non_null(strstr(err.message, "unknown flags 0x80"));
  zcx_buffer_release(rw);
}

static void test_create_rejects_bad_input(void** state) {
  (void)state;
  int64_t data[16];
  memset(data, 0, sizeof(data));
  releases = 0;
  zcx_buffer_t* b = wrap(data, sizeof(data), 0);
  zcx_dtype_t i64 = zcx_dtype_make(ZCX_DTYPE_INT, 64);
  zcx_tensor_t* t = NULL;
  zcx_error_t err;
  int64_t shape[ZCX_TENSOR_MAX_NDIM + 1];
  for (int i = 0; i <= ZCX_TENSOR_MAX_NDIM; i++) {
    shape[i] = 1;
  }
  // The largest ndim is accepted, one more is not, nor a negative one.
  assert_int_equal(zcx_tensor_create(b, data, i64, ZCX_TENSOR_MAX_NDIM, shape, NULL, 0, &t, NULL),
                   0);
  assert_int_equal(zcx_tensor_ndim(t), ZCX_TENSOR_MAX_NDIM);
  zcx_tensor_release(t);
  assert_int_equal(
      zcx_tensor_create(b, data, i64, ZCX_TENSOR_MAX_NDIM + 1, shape, NULL, 0, &t, &err), EINVAL);
  assert_non_null(strstr(err.message, "ndim 33"));
  assert_null(t);
  assert_int_equal(zcx_tensor_create(b, data, i64, -1, shape, NULL, 0, &t, &err), EINVAL);
  assert_non_null(strstr(err.message, "ndim -1"));
  // NULL arguments.
  assert_int_equal(zcx_tensor_create(b, data, i64, 1, shape, NULL, 0, NULL, &err), EINVAL);
  assert_int_equal(zcx_tensor_create(NULL, data, i64, 1, shape, NULL, 0, &t, &err), EINVAL);
  assert_non_null(strstr(err.message, "buffer is NULL"));
  assert_int_equal(zcx_tensor_create(b, data, i64, 2, NULL, NULL, 0, &t, &err), EINVAL);
  assert_non_null(strstr(err.message, "shape is NULL"));
  // Unsupported dtype.
  zcx_dtype_t vec = {ZCX_DTYPE_FLOAT, 32, 4};
  assert_int_equal(zcx_tensor_create(b, data, vec, 1, shape, NULL, 0, &t, &err), ENOTSUP);
  assert_non_null(strstr(err.message, "lanes 4"));
  // Negative dimension, named.
  int64_t neg[3] = {2, -3, 1};
  assert_int_equal(zcx_tensor_create(b, data, i64, 3, neg, NULL, 0, &t, &err), EINVAL);
  assert_non_null(strstr(err.message, "dimension 1 is negative (-3)"));
  // data outside the buffer.
  int64_t other[1] = {0};
  assert_int_equal(zcx_tensor_create(b, other, i64, 1, shape, NULL, 0, &t, &err), EINVAL);
  assert_non_null(strstr(err.message, "outside the buffer"));
  // One element too many, and exactly enough.
  int64_t n17 = 17;
  int64_t n16 = 16;
  assert_int_equal(zcx_tensor_create(b, data, i64, 1, &n17, NULL, 0, &t, &err), EINVAL);
  assert_non_null(strstr(err.message, "reaches bytes [0, 136) of a buffer of 128 bytes"));
  assert_int_equal(zcx_tensor_create(b, data, i64, 1, &n16, NULL, 0, &t, &err), 0);
  zcx_tensor_release(t);
  int64_t n8 = 8;
  int64_t s2 = 2;
  assert_int_equal(zcx_tensor_create(b, data + 2, i64, 1, &n8, &s2, 0, &t, &err), EINVAL);
  assert_int_equal(zcx_tensor_create(b, data, i64, 1, &n8, &s2, 0, &t, &err), 0);
  zcx_tensor_release(t);
  // Overflow of the element count, of the bytes, and of the extent.
  int64_t huge[2] = {INT64_MAX / 2, 3};
  assert_int_equal(zcx_tensor_create(b, data, i64, 2, huge, NULL, 0, &t, &err), EINVAL);
  assert_non_null(strstr(err.message, "overflow"));
  int64_t many = INT64_MAX / 4;
  int64_t zero = 0;
  assert_int_equal(zcx_tensor_create(b, data, i64, 1, &many, &zero, 0, &t, &err), EINVAL);
  assert_non_null(strstr(err.message, "overflow"));
  int64_t two[2] = {2, 2};
  int64_t far[2] = {INT64_MAX, 1};
  assert_int_equal(zcx_tensor_create(b, data, i64, 2, two, far, 0, &t, &err), EINVAL);
  assert_non_null(strstr(err.message, "extent"));
  int64_t wide[2] = {INT64_MAX / 4, 1};
  assert_int_equal(zcx_tensor_create(b, data, i64, 2, two, wide, 0, &t, &err), EINVAL);
  assert_non_null(strstr(err.message, "overflow"));
  int64_t low[2] = {INT64_MIN / 2, -(INT64_MAX / 2)};
  assert_int_equal(zcx_tensor_create(b, data, i64, 2, two, low, 0, &t, &err), EINVAL);
  assert_null(t);
  // No failure touched the buffer's references or released it.
  assert_int_equal(zcx_buffer_refcount(b), 1);
  assert_int_equal(releases, 0);
  zcx_buffer_release(b);
  assert_int_equal(releases, 1);
}

// ---------------------------------------------------------------------------------------------
// Contiguous tensors over new memory

static void test_create_contiguous_allocates(void** state) {
  (void)state;
  counting_mr mr;
  counting_init(&mr);
  int64_t shape[3] = {2, 3, 5};
  zcx_tensor_t* t = NULL;
  zcx_dtype_t c128 = zcx_dtype_make(ZCX_DTYPE_COMPLEX, 128);
  assert_int_equal(zcx_tensor_create_contiguous(&mr.base, c128, 3, shape, 0, &t, NULL), 0);
  assert_int_equal(mr.allocations, 1);
  assert_int_equal(mr.live_bytes, 2 * 3 * 5 * 16);
  assert_int_equal(zcx_tensor_nbytes(t), 480);
  assert_int_equal(zcx_tensor_strides(t)[0], 15);
  assert_int_equal(zcx_tensor_strides(t)[1], 5);
  assert_int_equal(zcx_tensor_strides(t)[2], 1);
  assert_true(zcx_tensor_is_contiguous(t));
  assert_int_equal((uintptr_t)zcx_tensor_data(t) % 64, 0);
  assert_int_equal(zcx_buffer_refcount(zcx_tensor_buffer(t)), 1);
  // The memory is writable host memory.
  memset(zcx_tensor_data(t), 0xab, (size_t)zcx_tensor_nbytes(t));
  zcx_tensor_release(t);
  assert_int_equal(mr.frees, 1);
  assert_int_equal(mr.live_bytes, 0);
  // Empty and 0-d.
  int64_t empty[2] = {4, 0};
  assert_int_equal(zcx_tensor_create_contiguous(&mr.base, c128, 2, empty, 0, &t, NULL), 0);
  assert_int_equal(zcx_tensor_numel(t), 0);
  assert_non_null(zcx_tensor_data(t));
  zcx_tensor_release(t);
  assert_int_equal(
      zcx_tensor_create_contiguous(&mr.base, f32, 0, NULL, ZCX_TENSOR_COPIED, &t, NULL), 0);
  assert_int_equal(zcx_tensor_nbytes(t), 4);
  assert_true(zcx_tensor_is_copied(t));
  zcx_tensor_release(t);
  assert_int_equal(mr.allocations, mr.frees);
  assert_int_equal(mr.live_bytes, 0);
}

static void test_create_contiguous_failures(void** state) {
  (void)state;
  counting_mr mr;
  counting_init(&mr);
  zcx_tensor_t* t = NULL;
  zcx_error_t err;
  int64_t shape[2] = {10, 10};
  mr.fail = true;
  assert_int_equal(zcx_tensor_create_contiguous(&mr.base, f32, 2, shape, 0, &t, &err), ENOMEM);
  assert_null(t);
  assert_non_null(strstr(err.message, "refusing 400 bytes"));
  mr.fail = false;
  int64_t huge[3] = {INT64_MAX / 8, 4, 4};
  assert_int_equal(zcx_tensor_create_contiguous(&mr.base, f32, 3, huge, 0, &t, &err), EINVAL);
  assert_non_null(strstr(err.message, "overflow"));
  int64_t neg[1] = {-1};
  assert_int_equal(zcx_tensor_create_contiguous(&mr.base, f32, 1, neg, 0, &t, &err), EINVAL);
  assert_int_equal(zcx_tensor_create_contiguous(&mr.base, f32, 40, shape, 0, &t, &err), EINVAL);
  assert_int_equal(zcx_tensor_create_contiguous(&mr.base, f32, 2, NULL, 0, &t, &err), EINVAL);
  assert_int_equal(zcx_tensor_create_contiguous(&mr.base, f32, 2, shape, 8, &t, &err), EINVAL);
  zcx_dtype_t bad = {ZCX_DTYPE_BOOL, 1, 1};
  assert_int_equal(zcx_tensor_create_contiguous(&mr.base, bad, 2, shape, 0, &t, &err), ENOTSUP);
  assert_int_equal(zcx_tensor_create_contiguous(&mr.base, f32, 2, shape, 0, NULL, &err), EINVAL);
  assert_int_equal(mr.allocations, 0);
  assert_int_equal(mr.live_bytes, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_supported_dtypes),
      cmocka_unit_test(test_unsupported_dtypes),
      cmocka_unit_test(test_create_contiguous_view),
      cmocka_unit_test(test_transposed_and_strided_views),
      cmocka_unit_test(test_zero_dim_and_empty),
      cmocka_unit_test(test_flags),
      cmocka_unit_test(test_create_rejects_bad_input),
      cmocka_unit_test(test_create_contiguous_allocates),
      cmocka_unit_test(test_create_contiguous_failures),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
