// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Tests of src/interop/dlpack.c and include/zcx/dlpack.h: the ABI layouts, export and import
// of versioned and legacy managed tensors, lifetimes, flags and every rejection on import.

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

#include "zcx/dlpack.h"

// Included twice, then before other DLPack headers with the same guard: all skipped.
// The order is what is tested.
// clang-format off
#include "zcx/dlpack.h"
#include "interop/official_dlpack.h"
// clang-format on

#if defined(__has_include)
#if __has_include(<ATen/dlpack.h>)
#include <ATen/dlpack.h>
#endif
#endif

#if defined(ZCX_TEST_OFFICIAL_DLPACK_FIRST)
#error "the DLPack include guard did not keep the second header out"
#endif

// ---------------------------------------------------------------------------------------------
// Helpers

static int buffer_releases;

static void count_buffer_release(void* ctx, void* data, int64_t size) {
  (void)ctx;
  (void)data;
  (void)size;
  buffer_releases++;
}

// A tensor at `first` inside `bytes` bytes at `base` (not owned), whose buffer counts its
// release.
static zcx_tensor_t* make_tensor_at(void* base, int64_t bytes, void* first, zcx_dtype_t dtype,
                                    int32_t ndim, const int64_t* shape, const int64_t* strides,
                                    uint32_t flags) {
  zcx_buffer_t* b = NULL;
  assert_int_equal(
      zcx_buffer_wrap(base, bytes, zcx_device_cpu(), 0, count_buffer_release, NULL, &b, NULL), 0);
  zcx_tensor_t* t = NULL;
  zcx_error_t err;
  int rc = zcx_tensor_create(b, first, dtype, ndim, shape, strides, flags, &t, &err);
  if (rc != 0) {
    fail_msg("%s", err.message);
  }
  zcx_buffer_release(b);
  return t;
}

static zcx_tensor_t* make_tensor(void* data, int64_t bytes, zcx_dtype_t dtype, int32_t ndim,
                                 const int64_t* shape, const int64_t* strides, uint32_t flags) {
  return make_tensor_at(data, bytes, data, dtype, ndim, shape, strides, flags);
}

// A producer's managed tensor: malloc'd, with its own shape and strides, counting deletes.
static int producer_deletes;

typedef struct producer_versioned {
  DLManagedTensorVersioned m;
  int64_t shape[4];
  int64_t strides[4];
} producer_versioned;

typedef struct producer_legacy {
  DLManagedTensor m;
  int64_t shape[4];
  int64_t strides[4];
} producer_legacy;

static void producer_delete_versioned(DLManagedTensorVersioned* self) {
  producer_deletes++;
  free(self);
}

static void producer_delete_legacy(DLManagedTensor* self) {
  producer_deletes++;
  free(self);
}

static void fill_producer_tensor(DLTensor* t, int64_t* shape_store, int64_t* stride_store,
                                 void* data, DLDataType dtype, int32_t ndim, const int64_t* shape,
                                 const int64_t* strides) {
  memset(t, 0, sizeof(*t));
  t->data = data;
  t->device.device_type = kDLCPU;
  t->device.device_id = 0;
  t->ndim = ndim;
  t->dtype = dtype;
  for (int32_t i = 0; i < ndim && i < 4; i++) {
    shape_store[i] = shape[i];
    if (strides != NULL) {
      stride_store[i] = strides[i];
    }
  }
  t->shape = shape_store;
  t->strides = strides != NULL ? stride_store : NULL;
}

static DLManagedTensorVersioned* producer_v(void* data, DLDataType dtype, int32_t ndim,
                                            const int64_t* shape, const int64_t* strides) {
  producer_versioned* p = calloc(1, sizeof(*p));
  assert_non_null(p);
  p->m.version.major = 1;
  p->m.version.minor = 0;
  p->m.deleter = producer_delete_versioned;
  fill_producer_tensor(&p->m.dl_tensor, p->shape, p->strides, data, dtype, ndim, shape, strides);
  return &p->m;
}

static DLManagedTensor* producer_l(void* data, DLDataType dtype, int32_t ndim, const int64_t* shape,
                                   const int64_t* strides) {
  producer_legacy* p = calloc(1, sizeof(*p));
  assert_non_null(p);
  p->m.deleter = producer_delete_legacy;
  fill_producer_tensor(&p->m.dl_tensor, p->shape, p->strides, data, dtype, ndim, shape, strides);
  return &p->m;
}

static DLDataType dl(uint8_t code, uint8_t bits) {
  DLDataType d = {code, bits, 1};
  return d;
}

// ---------------------------------------------------------------------------------------------
// ABI

static void test_abi_layout(void** state) {
  (void)state;
  assert_int_equal(DLPACK_MAJOR_VERSION, 1);
  assert_true(DLPACK_MINOR_VERSION >= 0);
  assert_int_equal(DLPACK_FLAG_BITMASK_READ_ONLY, 1);
  assert_int_equal(DLPACK_FLAG_BITMASK_IS_COPIED, 2);
  assert_int_equal(kDLCPU, 1);
  assert_int_equal(kDLCUDA, 2);
  assert_int_equal(kDLCUDAHost, 3);
  assert_int_equal(kDLOpenCL, 4);
  assert_int_equal(kDLROCM, 10);
  assert_int_equal(kDLCUDAManaged, 13);
  assert_int_equal(kDLOneAPI, 14);
  assert_int_equal(kDLInt, 0);
  assert_int_equal(kDLUInt, 1);
  assert_int_equal(kDLFloat, 2);
  assert_int_equal(kDLOpaqueHandle, 3);
  assert_int_equal(kDLBfloat, 4);
  assert_int_equal(kDLComplex, 5);
  assert_int_equal(kDLBool, 6);
  assert_int_equal(kDLFloat8_e4m3fn, 10);
  assert_int_equal(kDLFloat4_e2m1fn, 17);
  // The DLPack 1.x layouts on 64-bit targets (x86-64, aarch64).
  assert_int_equal(sizeof(DLPackVersion), 8);
  assert_int_equal(sizeof(DLDeviceType), 4);
  assert_int_equal(sizeof(DLDevice), 8);
  assert_int_equal(offsetof(DLDevice, device_id), 4);
  assert_int_equal(sizeof(DLDataType), 4);
  assert_int_equal(offsetof(DLDataType, bits), 1);
  assert_int_equal(offsetof(DLDataType, lanes), 2);
  assert_int_equal(sizeof(DLTensor), 48);
  assert_int_equal(offsetof(DLTensor, data), 0);
  assert_int_equal(offsetof(DLTensor, device), 8);
  assert_int_equal(offsetof(DLTensor, ndim), 16);
  assert_int_equal(offsetof(DLTensor, dtype), 20);
  assert_int_equal(offsetof(DLTensor, shape), 24);
  assert_int_equal(offsetof(DLTensor, strides), 32);
  assert_int_equal(offsetof(DLTensor, byte_offset), 40);
  assert_int_equal(sizeof(DLManagedTensor), 64);
  assert_int_equal(offsetof(DLManagedTensor, dl_tensor), 0);
  assert_int_equal(offsetof(DLManagedTensor, manager_ctx), 48);
  assert_int_equal(offsetof(DLManagedTensor, deleter), 56);
  assert_int_equal(sizeof(DLManagedTensorVersioned), 80);
  assert_int_equal(offsetof(DLManagedTensorVersioned, version), 0);
  assert_int_equal(offsetof(DLManagedTensorVersioned, manager_ctx), 8);
  assert_int_equal(offsetof(DLManagedTensorVersioned, deleter), 16);
  assert_int_equal(offsetof(DLManagedTensorVersioned, flags), 24);
  assert_int_equal(offsetof(DLManagedTensorVersioned, dl_tensor), 32);
  // zcx's dtype is laid out as DLDataType.
  assert_int_equal(sizeof(zcx_dtype_t), sizeof(DLDataType));
  assert_int_equal(offsetof(zcx_dtype_t, lanes), offsetof(DLDataType, lanes));
}

// ---------------------------------------------------------------------------------------------
// Export and round trips

static const struct {
  uint8_t code;
  uint8_t bits;
} all_dtypes[] = {
    {kDLInt, 8},    {kDLInt, 16},    {kDLInt, 32},  {kDLInt, 64},     {kDLUInt, 8},
    {kDLUInt, 16},  {kDLUInt, 32},   {kDLUInt, 64}, {kDLFloat, 16},   {kDLFloat, 32},
    {kDLFloat, 64}, {kDLBfloat, 16}, {kDLBool, 8},  {kDLComplex, 64}, {kDLComplex, 128},
};

static void check_export_fields(const DLTensor* d, const zcx_tensor_t* t) {
  assert_ptr_equal(d->data, zcx_tensor_data(t));
  assert_int_equal(d->byte_offset, 0);
  assert_int_equal(d->device.device_type, zcx_tensor_device(t).type);
  assert_int_equal(d->device.device_id, zcx_tensor_device(t).id);
  assert_int_equal(d->ndim, zcx_tensor_ndim(t));
  assert_int_equal(d->dtype.code, zcx_tensor_dtype(t).code);
  assert_int_equal(d->dtype.bits, zcx_tensor_dtype(t).bits);
  assert_int_equal(d->dtype.lanes, 1);
  assert_non_null(d->shape);
  assert_non_null(d->strides);
  for (int32_t i = 0; i < d->ndim; i++) {
    assert_int_equal(d->shape[i], zcx_tensor_shape(t)[i]);
    assert_int_equal(d->strides[i], zcx_tensor_strides(t)[i]);
  }
}

static void check_same_view(const zcx_tensor_t* a, const zcx_tensor_t* b) {
  assert_ptr_equal(zcx_tensor_data(a), zcx_tensor_data(b));
  assert_true(zcx_dtype_equal(zcx_tensor_dtype(a), zcx_tensor_dtype(b)));
  assert_int_equal(zcx_tensor_ndim(a), zcx_tensor_ndim(b));
  for (int32_t i = 0; i < zcx_tensor_ndim(a); i++) {
    assert_int_equal(zcx_tensor_shape(a)[i], zcx_tensor_shape(b)[i]);
    assert_int_equal(zcx_tensor_strides(a)[i], zcx_tensor_strides(b)[i]);
  }
  assert_true(zcx_device_equal(zcx_tensor_device(a), zcx_tensor_device(b)));
  assert_int_equal(zcx_tensor_numel(a), zcx_tensor_numel(b));
}

static void test_round_trip_every_dtype(void** state) {
  (void)state;
  _Alignas(16) uint8_t bytes[3 * 4 * 16];
  for (size_t i = 0; i < sizeof(bytes); i++) {
    bytes[i] = (uint8_t)(i * 7 + 1);
  }
  for (size_t k = 0; k < sizeof(all_dtypes) / sizeof(all_dtypes[0]); k++) {
    zcx_dtype_t dt = {all_dtypes[k].code, all_dtypes[k].bits, 1};
    int64_t shape[2] = {3, 4};
    buffer_releases = 0;
    zcx_tensor_t* t = make_tensor(bytes, (int64_t)sizeof(bytes), dt, 2, shape, NULL, 0);
    // Versioned.
    DLManagedTensorVersioned* m = NULL;
    assert_int_equal(zcx_dlpack_export(t, &m, NULL), 0);
    assert_int_equal(m->version.major, 1);
    assert_int_equal(m->version.minor, ZCX_DLPACK_MINOR);
    assert_int_equal(m->flags, 0);
    check_export_fields(&m->dl_tensor, t);
    assert_int_equal(zcx_tensor_refcount(t), 2);
    zcx_tensor_t* back = NULL;
    assert_int_equal(zcx_dlpack_import(m, &back, NULL), 0);
    check_same_view(t, back);
    assert_memory_equal(zcx_tensor_data(back), bytes, (size_t)zcx_tensor_nbytes(back));
    zcx_tensor_release(back);
    assert_int_equal(zcx_tensor_refcount(t), 1);
    // Legacy.
    DLManagedTensor* l = NULL;
    assert_int_equal(zcx_dlpack_export_legacy(t, &l, NULL), 0);
    check_export_fields(&l->dl_tensor, t);
    assert_int_equal(zcx_dlpack_import_legacy(l, &back, NULL), 0);
    check_same_view(t, back);
    zcx_tensor_release(back);
    assert_int_equal(zcx_tensor_refcount(t), 1);
    assert_int_equal(buffer_releases, 0);
    zcx_tensor_release(t);
    assert_int_equal(buffer_releases, 1);
  }
}

static void test_round_trip_shapes(void** state) {
  (void)state;
  double data[24];
  for (int i = 0; i < 24; i++) {
    data[i] = i;
  }
  zcx_dtype_t f64 = zcx_dtype_make(ZCX_DTYPE_FLOAT, 64);
  struct {
    int32_t ndim;
    int64_t offset;
    int64_t shape[3];
    int64_t strides[3];
  } cases[] = {
      {0, 5, {0}, {0}},               // 0-d
      {1, 0, {0}, {1}},               // empty
      {3, 0, {2, 0, 3}, {9, 9, 9}},   // empty with odd strides
      {2, 0, {4, 6}, {1, 4}},         // transposed (Fortran order)
      {2, 1, {3, 4}, {8, 2}},         // every other column
      {3, 0, {2, 3, 4}, {12, 4, 1}},  // contiguous
      {1, 23, {24}, {-1}},            // reversed
      {2, 4, {5, 4}, {0, 1}},         // broadcast rows
  };
  for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
    zcx_tensor_t* t = make_tensor_at(data, (int64_t)sizeof(data), data + cases[k].offset, f64,
                                     cases[k].ndim, cases[k].shape, cases[k].strides, 0);
    DLManagedTensorVersioned* m = NULL;
    assert_int_equal(zcx_dlpack_export(t, &m, NULL), 0);
    check_export_fields(&m->dl_tensor, t);
    zcx_tensor_t* back = NULL;
    zcx_error_t err;
    int rc = zcx_dlpack_import(m, &back, &err);
    if (rc != 0) {
      fail_msg("case %zu: %s", k, err.message);
    }
    check_same_view(t, back);
    assert_int_equal(zcx_tensor_is_contiguous(t), zcx_tensor_is_contiguous(back));
    if (zcx_tensor_numel(back) > 0) {
      // The imported buffer covers exactly the bytes the view reaches.
      zcx_buffer_t* bb = zcx_tensor_buffer(back);
      uint8_t* lo = zcx_buffer_data(bb);
      assert_true(lo <= (uint8_t*)zcx_tensor_data(back));
      assert_true((uint8_t*)zcx_tensor_data(back) + 8 <= lo + zcx_buffer_size(bb));
    }
    DLManagedTensor* l = NULL;
    assert_int_equal(zcx_dlpack_export_legacy(back, &l, NULL), 0);
    check_export_fields(&l->dl_tensor, back);
    zcx_tensor_t* again = NULL;
    assert_int_equal(zcx_dlpack_import_legacy(l, &again, NULL), 0);
    check_same_view(t, again);
    zcx_tensor_release(back);
    zcx_tensor_release(t);
    zcx_tensor_release(again);
  }
  // The 0-d export still carries non-NULL shape and strides.
  zcx_tensor_t* s = make_tensor(data, 8, f64, 0, NULL, NULL, 0);
  DLManagedTensorVersioned* m = NULL;
  assert_int_equal(zcx_dlpack_export(s, &m, NULL), 0);
  assert_int_equal(m->dl_tensor.ndim, 0);
  assert_non_null(m->dl_tensor.shape);
  assert_non_null(m->dl_tensor.strides);
  m->deleter(m);
  zcx_tensor_release(s);
}

static void test_export_flags(void** state) {
  (void)state;
  float data[4] = {0};
  int64_t n = 4;
  zcx_dtype_t f32 = zcx_dtype_make(ZCX_DTYPE_FLOAT, 32);
  uint32_t tf[4] = {0, ZCX_TENSOR_READONLY, ZCX_TENSOR_COPIED,
                    ZCX_TENSOR_READONLY | ZCX_TENSOR_COPIED};
  uint64_t df[4] = {0, DLPACK_FLAG_BITMASK_READ_ONLY, DLPACK_FLAG_BITMASK_IS_COPIED,
                    DLPACK_FLAG_BITMASK_READ_ONLY | DLPACK_FLAG_BITMASK_IS_COPIED};
  for (int k = 0; k < 4; k++) {
    zcx_tensor_t* t = make_tensor(data, sizeof(data), f32, 1, &n, NULL, tf[k]);
    DLManagedTensorVersioned* m = NULL;
    assert_int_equal(zcx_dlpack_export(t, &m, NULL), 0);
    assert_int_equal(m->flags, df[k]);
    // Import brings the flags back, and read-only reaches the buffer too.
    zcx_tensor_t* back = NULL;
    assert_int_equal(zcx_dlpack_import(m, &back, NULL), 0);
    assert_int_equal(zcx_tensor_flags(back), tf[k]);
    assert_int_equal((zcx_buffer_flags(zcx_tensor_buffer(back)) & ZCX_BUFFER_READONLY) != 0,
                     (tf[k] & ZCX_TENSOR_READONLY) != 0);
    zcx_tensor_release(back);
    // Legacy export has no flags; its import is writable and not copied.
    DLManagedTensor* l = NULL;
    assert_int_equal(zcx_dlpack_export_legacy(t, &l, NULL), 0);
    assert_int_equal(zcx_dlpack_import_legacy(l, &back, NULL), 0);
    assert_int_equal(zcx_tensor_flags(back), 0);
    zcx_tensor_release(back);
    zcx_tensor_release(t);
  }
}

static void test_export_rejects_null(void** state) {
  (void)state;
  DLManagedTensorVersioned* m = (DLManagedTensorVersioned*)&m;
  DLManagedTensor* l = (DLManagedTensor*)&l;
  zcx_error_t err;
  assert_int_equal(zcx_dlpack_export(NULL, &m, &err), EINVAL);
  assert_null(m);
  assert_non_null(strstr(err.message, "tensor is NULL"));
  assert_int_equal(zcx_dlpack_export_legacy(NULL, &l, &err), EINVAL);
  assert_null(l);
  assert_int_equal(zcx_dlpack_export(NULL, NULL, &err), EINVAL);
  assert_int_equal(zcx_dlpack_export_legacy(NULL, NULL, &err), EINVAL);
}

// ---------------------------------------------------------------------------------------------
// Import from a foreign producer

static void test_import_byte_offset_and_null_strides(void** state) {
  (void)state;
  int32_t data[16];
  for (int i = 0; i < 16; i++) {
    data[i] = i * 10;
  }
  int64_t shape[2] = {3, 4};
  producer_deletes = 0;
  // Versioned, data at the array, byte_offset of 4 elements, no strides.
  DLManagedTensorVersioned* m = producer_v(data, dl(kDLInt, 32), 2, shape, NULL);
  m->dl_tensor.byte_offset = 16;
  zcx_tensor_t* t = NULL;
  zcx_error_t err;
  assert_int_equal(zcx_dlpack_import(m, &t, &err), 0);
  assert_ptr_equal(zcx_tensor_data(t), data + 4);
  assert_int_equal(zcx_tensor_strides(t)[0], 4);
  assert_int_equal(zcx_tensor_strides(t)[1], 1);
  assert_true(zcx_tensor_is_contiguous(t));
  assert_int_equal(((int32_t*)zcx_tensor_data(t))[0], 40);
  assert_ptr_equal(zcx_buffer_data(zcx_tensor_buffer(t)), data + 4);
  assert_int_equal(zcx_buffer_size(zcx_tensor_buffer(t)), 48);
  assert_false(zcx_tensor_is_readonly(t));
  // Exporting it again gives data advanced and byte_offset 0.
  DLManagedTensor* l = NULL;
  assert_int_equal(zcx_dlpack_export_legacy(t, &l, NULL), 0);
  assert_ptr_equal(l->dl_tensor.data, data + 4);
  assert_int_equal(l->dl_tensor.byte_offset, 0);
  assert_int_equal(l->dl_tensor.strides[0], 4);
  zcx_tensor_release(t);
  assert_int_equal(producer_deletes, 0);  // the legacy export still holds the tensor
  l->deleter(l);
  assert_int_equal(producer_deletes, 1);
  // Legacy, byte_offset and explicit strides (a transposed view).
  int64_t tshape[2] = {4, 3};
  int64_t tstrides[2] = {1, 4};
  DLManagedTensor* lm = producer_l(data, dl(kDLInt, 32), 2, tshape, tstrides);
  lm->dl_tensor.byte_offset = 8;
  assert_int_equal(zcx_dlpack_import_legacy(lm, &t, &err), 0);
  assert_ptr_equal(zcx_tensor_data(t), data + 2);
  assert_false(zcx_tensor_is_contiguous(t));
  assert_int_equal(zcx_buffer_size(zcx_tensor_buffer(t)), 12 * 4);
  zcx_tensor_release(t);
  assert_int_equal(producer_deletes, 2);
  // Legacy without strides.
  lm = producer_l(data, dl(kDLInt, 32), 2, shape, NULL);
  assert_int_equal(zcx_dlpack_import_legacy(lm, &t, &err), 0);
  assert_int_equal(zcx_tensor_strides(t)[0], 4);
  zcx_tensor_release(t);
  assert_int_equal(producer_deletes, 3);
}

static void test_import_flags_and_minor_version(void** state) {
  (void)state;
  uint8_t data[8] = {0};
  int64_t n = 8;
  producer_deletes = 0;
  DLManagedTensorVersioned* m = producer_v(data, dl(kDLBool, 8), 1, &n, NULL);
  m->flags = DLPACK_FLAG_BITMASK_READ_ONLY | DLPACK_FLAG_BITMASK_IS_COPIED;
  m->version.minor = 7;  // a later minor version is fine
  zcx_tensor_t* t = NULL;
  assert_int_equal(zcx_dlpack_import(m, &t, NULL), 0);
  assert_true(zcx_tensor_is_readonly(t));
  assert_true(zcx_tensor_is_copied(t));
  assert_int_equal(zcx_buffer_flags(zcx_tensor_buffer(t)), ZCX_BUFFER_READONLY);
  zcx_tensor_release(t);
  assert_int_equal(producer_deletes, 1);
}

static void test_import_deleter_runs_once_at_last_reference(void** state) {
  (void)state;
  float data[6] = {0};
  int64_t shape[2] = {2, 3};
  producer_deletes = 0;
  DLManagedTensorVersioned* m = producer_v(data, dl(kDLFloat, 32), 2, shape, NULL);
  zcx_tensor_t* t = NULL;
  assert_int_equal(zcx_dlpack_import(m, &t, NULL), 0);
  // Hold the buffer, a second tensor reference and a second tensor on the same buffer.
  zcx_buffer_t* b = zcx_tensor_buffer(t);
  zcx_buffer_retain(b);
  zcx_tensor_retain(t);
  zcx_tensor_t* view = NULL;
  int64_t three = 3;
  assert_int_equal(zcx_tensor_create(b, data + 3, zcx_dtype_make(ZCX_DTYPE_FLOAT, 32), 1, &three,
                                     NULL, 0, &view, NULL),
                   0);
  zcx_tensor_release(t);
  zcx_tensor_release(t);
  assert_int_equal(producer_deletes, 0);
  zcx_buffer_release(b);
  assert_int_equal(producer_deletes, 0);
  zcx_tensor_release(view);
  assert_int_equal(producer_deletes, 1);
  // A NULL deleter is allowed (memory that outlives every reader).
  DLManagedTensor* l = producer_l(data, dl(kDLFloat, 32), 2, shape, NULL);
  l->deleter = NULL;
  assert_int_equal(zcx_dlpack_import_legacy(l, &t, NULL), 0);
  zcx_tensor_release(t);
  assert_int_equal(producer_deletes, 1);
  free(l);
}

static void test_chain_released_after_original(void** state) {
  (void)state;
  // zcx tensor -> export -> import: releasing the original handle first keeps the memory
  // alive through the import; the original buffer goes when the imported tensor goes.
  int64_t data[10] = {0};
  int64_t n = 10;
  buffer_releases = 0;
  zcx_tensor_t* original =
      make_tensor(data, sizeof(data), zcx_dtype_make(ZCX_DTYPE_INT, 64), 1, &n, NULL, 0);
  DLManagedTensorVersioned* m = NULL;
  assert_int_equal(zcx_dlpack_export(original, &m, NULL), 0);
  zcx_tensor_t* imported = NULL;
  assert_int_equal(zcx_dlpack_import(m, &imported, NULL), 0);
  zcx_tensor_release(original);
  assert_int_equal(buffer_releases, 0);
  assert_ptr_equal(zcx_tensor_data(imported), data);
  // Twice through legacy as well.
  DLManagedTensor* l = NULL;
  assert_int_equal(zcx_dlpack_export_legacy(imported, &l, NULL), 0);
  zcx_tensor_t* twice = NULL;
  assert_int_equal(zcx_dlpack_import_legacy(l, &twice, NULL), 0);
  zcx_tensor_release(imported);
  assert_int_equal(buffer_releases, 0);
  zcx_tensor_release(twice);
  assert_int_equal(buffer_releases, 1);
  // And the consumer deleting the export before the original goes.
  original = make_tensor(data, sizeof(data), zcx_dtype_make(ZCX_DTYPE_INT, 64), 1, &n, NULL, 0);
  assert_int_equal(zcx_dlpack_export(original, &m, NULL), 0);
  m->deleter(m);
  assert_int_equal(buffer_releases, 1);
  assert_int_equal(zcx_tensor_refcount(original), 1);
  zcx_tensor_release(original);
  assert_int_equal(buffer_releases, 2);
}

static void test_import_device_tensors(void** state) {
  (void)state;
  // Device memory is described, never touched: these addresses are not mapped.
  int32_t types[3] = {kDLCUDA, kDLCUDAHost, kDLCUDAManaged};
  int64_t shape[2] = {1024, 1024};
  producer_deletes = 0;
  for (int k = 0; k < 3; k++) {
    DLManagedTensorVersioned* m =
        producer_v((void*)(uintptr_t)0x7f0000000000ULL, dl(kDLFloat, 16), 2, shape, NULL);
    m->dl_tensor.device.device_type = (DLDeviceType)types[k];
    m->dl_tensor.device.device_id = 3;
    zcx_tensor_t* t = NULL;
    zcx_error_t err;
    int rc = zcx_dlpack_import(m, &t, &err);
    if (rc != 0) {
      fail_msg("%s", err.message);
    }
    assert_int_equal(zcx_tensor_device(t).type, types[k]);
    assert_int_equal(zcx_tensor_device(t).id, 3);
    assert_int_equal(zcx_tensor_nbytes(t), 2 * 1024 * 1024);
    DLManagedTensorVersioned* out = NULL;
    assert_int_equal(zcx_dlpack_export(t, &out, NULL), 0);
    assert_int_equal(out->dl_tensor.device.device_type, types[k]);
    assert_int_equal(out->dl_tensor.device.device_id, 3);
    assert_ptr_equal(out->dl_tensor.data, (void*)(uintptr_t)0x7f0000000000ULL);
    zcx_tensor_release(t);
    out->deleter(out);
  }
  assert_int_equal(producer_deletes, 3);
}

// One import that must fail with `code` and a message containing `needle`, leaving the
// managed tensor to the caller (the deleter has not run).
static void expect_import_failure(DLManagedTensorVersioned* m, int code, const char* needle) {
  int before = producer_deletes;
  zcx_tensor_t* t = (zcx_tensor_t*)&t;
  zcx_error_t err;
  zcx_error_init(&err);
  int rc = zcx_dlpack_import(m, &t, &err);
  if (rc != code || strstr(err.message, needle) == NULL) {
    fail_msg("expected %s with '%s', got %s: '%s'", zcx_status_name(code), needle,
             zcx_status_name(rc), err.message);
  }
  assert_null(t);
  assert_int_equal(producer_deletes, before);
  // The same check through validate, then as a legacy tensor (no version check there).
  if (m->version.major == 1) {
    assert_int_equal(zcx_dlpack_validate(&m->dl_tensor, &err), code);
    assert_non_null(strstr(err.message, needle));
    DLManagedTensor* l = producer_l(m->dl_tensor.data, m->dl_tensor.dtype, 0, NULL, NULL);
    l->dl_tensor = m->dl_tensor;
    t = (zcx_tensor_t*)&t;
    assert_int_equal(zcx_dlpack_import_legacy(l, &t, &err), code);
    assert_null(t);
    assert_non_null(strstr(err.message, needle));
    assert_int_equal(producer_deletes, before);
    l->deleter(l);
  }
  int expected = before + (m->version.major == 1 ? 2 : 1);
  m->deleter(m);
  assert_int_equal(producer_deletes, expected);
}

static void test_import_rejects_bad_input(void** state) {
  (void)state;
  float data[64];
  memset(data, 0, sizeof(data));
  int64_t shape[2] = {4, 4};
  zcx_error_t err;
  producer_deletes = 0;
  DLManagedTensorVersioned* m;

  // NULL arguments.
  zcx_tensor_t* t = NULL;
  assert_int_equal(zcx_dlpack_import(NULL, &t, &err), EINVAL);
  assert_non_null(strstr(err.message, "managed tensor is NULL"));
  assert_int_equal(zcx_dlpack_import_legacy(NULL, &t, &err), EINVAL);
  assert_int_equal(zcx_dlpack_validate(NULL, &err), EINVAL);
  m = producer_v(data, dl(kDLFloat, 32), 2, shape, NULL);
  assert_int_equal(zcx_dlpack_import(m, NULL, &err), EINVAL);
  assert_int_equal(producer_deletes, 0);
  m->deleter(m);

  // Major version.
  m = producer_v(data, dl(kDLFloat, 32), 2, shape, NULL);
  m->version.major = 2;
  expect_import_failure(m, ENOTSUP, "major version 2");
  m = producer_v(data, dl(kDLFloat, 32), 2, shape, NULL);
  m->version.major = 0;
  expect_import_failure(m, ENOTSUP, "major version 0");

  // ndim.
  m = producer_v(data, dl(kDLFloat, 32), 2, shape, NULL);
  m->dl_tensor.ndim = -1;
  expect_import_failure(m, EINVAL, "ndim -1");
  m = producer_v(data, dl(kDLFloat, 32), 2, shape, NULL);
  m->dl_tensor.ndim = 33;
  expect_import_failure(m, EINVAL, "ndim 33");
  m = producer_v(data, dl(kDLFloat, 32), 2, shape, NULL);
  m->dl_tensor.shape = NULL;
  expect_import_failure(m, EINVAL, "shape is NULL");

  // Negative dimensions, with and without strides.
  int64_t neg[2] = {4, -2};
  int64_t strides[2] = {4, 1};
  m = producer_v(data, dl(kDLFloat, 32), 2, neg, NULL);
  expect_import_failure(m, EINVAL, "dimension 1 is negative (-2)");
  m = producer_v(data, dl(kDLFloat, 32), 2, neg, strides);
  expect_import_failure(m, EINVAL, "dimension 1 is negative (-2)");

  // Extent overflow.
  int64_t huge[2] = {INT64_MAX / 2, 4};
  m = producer_v(data, dl(kDLFloat, 32), 2, huge, NULL);
  expect_import_failure(m, EINVAL, "overflow");
  int64_t two[2] = {2, 2};
  int64_t far[2] = {INT64_MAX / 2, 1};
  m = producer_v(data, dl(kDLFloat, 32), 2, two, far);
  expect_import_failure(m, EINVAL, "overflow");

  // dtypes.
  m = producer_v(data, dl(kDLOpaqueHandle, 64), 2, shape, NULL);
  expect_import_failure(m, ENOTSUP, "code 3, bits 64");
  m = producer_v(data, dl(kDLFloat8_e4m3fn, 8), 2, shape, NULL);
  expect_import_failure(m, ENOTSUP, "code 10, bits 8");
  m = producer_v(data, dl(kDLFloat4_e2m1fn, 4), 2, shape, NULL);
  expect_import_failure(m, ENOTSUP, "not supported");
  m = producer_v(data, dl(kDLInt, 12), 2, shape, NULL);
  expect_import_failure(m, ENOTSUP, "code 0, bits 12");
  m = producer_v(data, dl(kDLBool, 1), 2, shape, NULL);
  expect_import_failure(m, ENOTSUP, "code 6, bits 1");
  m = producer_v(data, dl(kDLFloat, 32), 2, shape, NULL);
  m->dl_tensor.dtype.lanes = 4;
  expect_import_failure(m, ENOTSUP, "4 lanes");
  m = producer_v(data, dl(kDLFloat, 32), 2, shape, NULL);
  m->dl_tensor.dtype.lanes = 0;
  expect_import_failure(m, ENOTSUP, "0 lanes");

  // Devices.
  m = producer_v(data, dl(kDLFloat, 32), 2, shape, NULL);
  m->dl_tensor.device.device_type = kDLOpenCL;
  expect_import_failure(m, ENOTSUP, "device type 4 (opencl)");
  m = producer_v(data, dl(kDLFloat, 32), 2, shape, NULL);
  m->dl_tensor.device.device_type = (DLDeviceType)99;
  expect_import_failure(m, ENOTSUP, "device type 99 (unknown)");
  m = producer_v(data, dl(kDLFloat, 32), 2, shape, NULL);
  m->dl_tensor.device.device_type = (DLDeviceType)0;
  expect_import_failure(m, ENOTSUP, "device type 0");
  m = producer_v(data, dl(kDLFloat, 32), 2, shape, NULL);
  m->dl_tensor.device.device_id = -1;
  expect_import_failure(m, EINVAL, "device id -1");

  // Data pointer and byte_offset.
  m = producer_v(NULL, dl(kDLFloat, 32), 2, shape, NULL);
  expect_import_failure(m, EINVAL, "data is NULL for 16 elements");
  m = producer_v(data, dl(kDLFloat, 32), 2, shape, NULL);
  m->dl_tensor.byte_offset = (uint64_t)INT64_MAX + 1;
  expect_import_failure(m, EINVAL, "byte_offset 9223372036854775808");
  m = producer_v((void*)(UINTPTR_MAX - 64), dl(kDLFloat, 32), 2, shape, NULL);
  m->dl_tensor.byte_offset = 4096;
  expect_import_failure(m, EINVAL, "overflows the address space");
  m = producer_v((void*)(uintptr_t)16, dl(kDLFloat, 32), 1, shape, strides);
  m->dl_tensor.strides[0] = -8;
  expect_import_failure(m, EINVAL, "outside the address space");

  assert_int_equal(zcx_dlpack_validate(&(DLTensor){0}, &err), ENOTSUP);  // 0 lanes
}

static void test_import_empty_with_null_data(void** state) {
  (void)state;
  int64_t shape[2] = {0, 3};
  producer_deletes = 0;
  DLManagedTensorVersioned* m = producer_v(NULL, dl(kDLUInt, 16), 2, shape, NULL);
  zcx_tensor_t* t = NULL;
  assert_int_equal(zcx_dlpack_import(m, &t, NULL), 0);
  assert_int_equal(zcx_tensor_numel(t), 0);
  assert_non_null(zcx_tensor_data(t));
  assert_int_equal(zcx_buffer_size(zcx_tensor_buffer(t)), 0);
  DLManagedTensorVersioned* out = NULL;
  assert_int_equal(zcx_dlpack_export(t, &out, NULL), 0);
  assert_int_equal(out->dl_tensor.shape[0], 0);
  out->deleter(out);
  zcx_tensor_release(t);
  assert_int_equal(producer_deletes, 1);
  // 0-d with NULL shape.
  float one = 1.0f;
  m = producer_v(&one, dl(kDLFloat, 32), 0, NULL, NULL);
  m->dl_tensor.shape = NULL;
  assert_int_equal(zcx_dlpack_import(m, &t, NULL), 0);
  assert_int_equal(zcx_tensor_numel(t), 1);
  assert_true(*(float*)zcx_tensor_data(t) == 1.0f);
  zcx_tensor_release(t);
  assert_int_equal(producer_deletes, 2);
}

static void test_arrow_column_to_dlpack(void** state) {
  (void)state;
  // An Arrow column exported as DLPack: zero-copy, alive after the array goes; writable
  // memory gives a writable tensor (immutable by contract), read-only only when asked.
  int64_t v[6] = {5, 6, 7, 8, 9, 10};
  zcx_buffer_t* values = NULL;
  assert_int_equal(zcx_buffer_copy_from(NULL, v, sizeof(v), &values, NULL), 0);
  zcx_type_t* type = NULL;
  assert_int_equal(zcx_type_create(ZCX_TYPE_INT64, &type, NULL), 0);
  zcx_buffer_t* bufs[2] = {NULL, values};
  zcx_array_t* array = NULL;
  assert_int_equal(zcx_array_create(type, 6, 0, 0, bufs, 2, NULL, 0, NULL, &array, NULL), 0);
  zcx_array_t* slice = NULL;
  assert_int_equal(zcx_array_slice(array, 2, 3, &slice, NULL), 0);
  zcx_tensor_t* t = NULL;
  assert_int_equal(zcx_array_to_tensor(slice, ZCX_TENSOR_MARK_READONLY, NULL, &t, NULL), 0);
  DLManagedTensorVersioned* ro = NULL;
  assert_int_equal(zcx_dlpack_export(t, &ro, NULL), 0);
  zcx_tensor_release(t);
  assert_int_equal(zcx_array_to_tensor(slice, 0, NULL, &t, NULL), 0);
  DLManagedTensorVersioned* m = NULL;
  assert_int_equal(zcx_dlpack_export(t, &m, NULL), 0);
  zcx_tensor_release(t);
  assert_int_equal(ro->flags, DLPACK_FLAG_BITMASK_READ_ONLY);
  assert_ptr_equal(ro->dl_tensor.data, m->dl_tensor.data);
  ro->deleter(ro);
  zcx_array_release(slice);
  zcx_array_release(array);
  zcx_type_release(type);
  assert_int_equal(zcx_buffer_refcount(values), 2);
  zcx_buffer_release(values);
  assert_int_equal(m->flags, 0);
  assert_int_equal(m->dl_tensor.shape[0], 3);
  assert_int_equal(m->dl_tensor.dtype.code, kDLInt);
  assert_int_equal(m->dl_tensor.dtype.bits, 64);
  assert_int_equal(((const int64_t*)m->dl_tensor.data)[0], 7);
  m->deleter(m);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_abi_layout),
      cmocka_unit_test(test_round_trip_every_dtype),
      cmocka_unit_test(test_round_trip_shapes),
      cmocka_unit_test(test_export_flags),
      cmocka_unit_test(test_export_rejects_null),
      cmocka_unit_test(test_import_byte_offset_and_null_strides),
      cmocka_unit_test(test_import_flags_and_minor_version),
      cmocka_unit_test(test_import_deleter_runs_once_at_last_reference),
      cmocka_unit_test(test_chain_released_after_original),
      cmocka_unit_test(test_import_device_tensors),
      cmocka_unit_test(test_import_rejects_bad_input),
      cmocka_unit_test(test_import_empty_with_null_data),
      cmocka_unit_test(test_arrow_column_to_dlpack),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
