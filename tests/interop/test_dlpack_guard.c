// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Tests of include/zcx/dlpack.h included after another DLPack 1.x header: the other header
// declares the ABI, zcx's is skipped by the shared guard, and zcx's API works on those types.

// cmocka needs the standard headers first.
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
// clang-format on

// The order is what is tested.
// clang-format off
#include "interop/official_dlpack.h"
#include "zcx/dlpack.h"
#include "zcx/dlpack.h"
// clang-format on

#if !defined(ZCX_TEST_OFFICIAL_DLPACK_FIRST)
#error "the stand-in DLPack header was not the one that declared the ABI"
#endif

static void test_other_header_first_round_trip(void** state) {
  (void)state;
  int16_t data[6] = {1, 2, 3, 4, 5, 6};
  zcx_buffer_t* b = NULL;
  assert_int_equal(zcx_buffer_wrap(data, sizeof(data), zcx_device_cpu(), 0, NULL, NULL, &b, NULL),
                   0);
  int64_t shape[2] = {3, 2};
  zcx_tensor_t* t = NULL;
  assert_int_equal(
      zcx_tensor_create(b, data, zcx_dtype_make(ZCX_DTYPE_INT, 16), 2, shape, NULL, 0, &t, NULL),
      0);
  zcx_buffer_release(b);
  DLManagedTensorVersioned* m = NULL;
  assert_int_equal(zcx_dlpack_export(t, &m, NULL), 0);
  assert_int_equal(m->version.major, DLPACK_MAJOR_VERSION);
  assert_int_equal(m->dl_tensor.dtype.code, kDLInt);
  assert_int_equal(m->dl_tensor.device.device_type, kDLCPU);
  assert_int_equal(m->dl_tensor.shape[0], 3);
  zcx_tensor_t* back = NULL;
  assert_int_equal(zcx_dlpack_import(m, &back, NULL), 0);
  assert_ptr_equal(zcx_tensor_data(back), data);
  zcx_tensor_release(t);
  zcx_tensor_release(back);
  DLManagedTensor* legacy = NULL;
  assert_int_equal(
      zcx_tensor_create_contiguous(NULL, zcx_dtype_make(ZCX_DTYPE_UINT, 8), 1, shape, 0, &t, NULL),
      0);
  assert_int_equal(zcx_dlpack_export_legacy(t, &legacy, NULL), 0);
  zcx_tensor_release(t);
  legacy->deleter(legacy);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_other_header_first_round_trip),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
