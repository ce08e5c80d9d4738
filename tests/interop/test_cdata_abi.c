// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Tests of include/zcx/cdata.h: the ABI structs have the official layouts, and the official
// definitions included first (here, a copy under the official guards) make our header skip
// its own, so that either order compiles.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

// ----- the official definitions (a stand-in under the official guards), first
#include "interop/official_abi.h"

// ----- then ours, which must skip its definitions and still declare the zcx API
#include <cmocka.h>

#include "zcx/cdata.h"

// The layouts on an LP64 platform, field by field.
_Static_assert(sizeof(struct ArrowSchema) == 72, "ArrowSchema size");
_Static_assert(offsetof(struct ArrowSchema, flags) == 24, "ArrowSchema.flags");
_Static_assert(offsetof(struct ArrowSchema, dictionary) == 48, "ArrowSchema.dictionary");
_Static_assert(offsetof(struct ArrowSchema, private_data) == 64, "ArrowSchema.private_data");
_Static_assert(sizeof(struct ArrowArray) == 80, "ArrowArray size");
_Static_assert(offsetof(struct ArrowArray, buffers) == 40, "ArrowArray.buffers");
_Static_assert(offsetof(struct ArrowArray, release) == 64, "ArrowArray.release");
_Static_assert(sizeof(struct ArrowDeviceArray) == 128, "ArrowDeviceArray size");
_Static_assert(offsetof(struct ArrowDeviceArray, device_id) == 80, "device_id");
_Static_assert(offsetof(struct ArrowDeviceArray, device_type) == 88, "device_type");
_Static_assert(offsetof(struct ArrowDeviceArray, sync_event) == 96, "sync_event");
_Static_assert(sizeof(struct ArrowArrayStream) == 40, "ArrowArrayStream size");
_Static_assert(sizeof(struct ArrowDeviceArrayStream) == 48, "ArrowDeviceArrayStream size");
_Static_assert(offsetof(struct ArrowDeviceArrayStream, get_schema) == 8, "device get_schema");

static void test_constants_match_the_spec(void** state) {
  (void)state;
  assert_int_equal(ARROW_FLAG_DICTIONARY_ORDERED, 1);
  assert_int_equal(ARROW_FLAG_NULLABLE, 2);
  assert_int_equal(ARROW_FLAG_MAP_KEYS_SORTED, 4);
  assert_int_equal(ARROW_DEVICE_CPU, ZCX_DEVICE_CPU);
  assert_int_equal(ARROW_DEVICE_CUDA, ZCX_DEVICE_CUDA);
  assert_int_equal(ARROW_DEVICE_CUDA_HOST, ZCX_DEVICE_CUDA_HOST);
  assert_int_equal(ARROW_DEVICE_CUDA_MANAGED, ZCX_DEVICE_CUDA_MANAGED);
  assert_int_equal(ARROW_DEVICE_ROCM, ZCX_DEVICE_ROCM);
}

static void test_api_works_on_the_official_structs(void** state) {
  (void)state;
  zcx_type_t* t = NULL;
  assert_int_equal(zcx_type_create(ZCX_TYPE_INT32, &t, NULL), 0);
  struct ArrowSchema s;
  assert_int_equal(zcx_cdata_export_type(t, "x", &s, NULL), 0);
  assert_string_equal(s.format, "i");
  zcx_type_t* back = NULL;
  assert_int_equal(zcx_cdata_import_type(&s, &back, NULL), 0);
  assert_null(s.release);
  assert_true(zcx_type_equal(t, back));
  zcx_type_release(back);
  zcx_type_release(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_constants_match_the_spec),
      cmocka_unit_test(test_api_works_on_the_official_structs),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
