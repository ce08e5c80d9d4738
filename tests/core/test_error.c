// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Tests of src/core: error messages, status names, devices, bit and overflow helpers.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/internal.h"
#include "zcx/core.h"

static void test_error_fail_sets_message_and_returns_code(void** state) {
  (void)state;
  zcx_error_t err;
  zcx_error_init(&err);
  assert_string_equal(zcx_error_message(&err), "");
  int rc = zcx_error_fail(&err, EINVAL, "field '%s': offset %d > length %d", "x", 96, 64);
  assert_int_equal(rc, EINVAL);
  assert_string_equal(err.message, "field 'x': offset 96 > length 64");
  // A NULL error is accepted everywhere.
  assert_int_equal(zcx_error_fail(NULL, ENOMEM, "ignored"), ENOMEM);
  zcx_error_set(NULL, "ignored");
  zcx_error_prefix(NULL, "ignored");
  assert_string_equal(zcx_error_message(NULL), "");
}

static void test_error_prefix_adds_context(void** state) {
  (void)state;
  zcx_error_t err;
  zcx_error_set(&err, "offset 9 > 8");
  zcx_error_prefix(&err, "column '%s': ", "t");
  assert_string_equal(err.message, "column 't': offset 9 > 8");
}

static void test_error_truncates_long_messages(void** state) {
  (void)state;
  zcx_error_t err;
  char big[3000];
  memset(big, 'a', sizeof(big) - 1);
  big[sizeof(big) - 1] = '\0';
  zcx_error_set(&err, "%s", big);
  assert_int_equal(strlen(err.message), ZCX_ERROR_MESSAGE_SIZE - 1);
  zcx_error_prefix(&err, "p: ");
  assert_int_equal(strlen(err.message), ZCX_ERROR_MESSAGE_SIZE - 1);
  assert_memory_equal(err.message, "p: aaa", 6);
  zcx_error_prefix(&err, "%s", big);
  assert_int_equal(strlen(err.message), ZCX_ERROR_MESSAGE_SIZE - 1);
}

static void test_status_names(void** state) {
  (void)state;
  assert_string_equal(zcx_status_name(0), "OK");
  assert_string_equal(zcx_status_name(EINVAL), "EINVAL");
  assert_string_equal(zcx_status_name(ENOMEM), "ENOMEM");
  assert_string_equal(zcx_status_name(-12345), "E?");
}

static void test_devices_use_dlpack_numbers(void** state) {
  (void)state;
  zcx_device_t cpu = zcx_device_cpu();
  assert_int_equal(cpu.type, 1);
  assert_int_equal(ZCX_DEVICE_CUDA, 2);
  assert_int_equal(ZCX_DEVICE_CUDA_HOST, 3);
  assert_int_equal(ZCX_DEVICE_CUDA_MANAGED, 13);
  assert_true(zcx_device_equal(cpu, (zcx_device_t){ZCX_DEVICE_CPU, 0}));
  assert_false(zcx_device_equal(cpu, (zcx_device_t){ZCX_DEVICE_CPU, 1}));
  assert_true(zcx_device_is_host_accessible(cpu));
  assert_false(zcx_device_is_host_accessible((zcx_device_t){ZCX_DEVICE_CUDA, 0}));
  assert_true(zcx_device_is_host_accessible((zcx_device_t){ZCX_DEVICE_CUDA_MANAGED, 0}));
  assert_string_equal(zcx_device_type_name(ZCX_DEVICE_CUDA_HOST), "cuda_host");
  assert_string_equal(zcx_device_type_name(99), "unknown");
  assert_string_equal(zcx_version(), ZCX_VERSION_STRING);
}

static void test_alignment_and_overflow_helpers(void** state) {
  (void)state;
  size_t out;
  assert_true(zcxi_align_up(65, 64, &out));
  assert_int_equal(out, 128);
  assert_false(zcxi_align_up(SIZE_MAX - 3, 64, &out));
  assert_true(zcxi_is_pow2(64));
  assert_false(zcxi_is_pow2(0));
  assert_false(zcxi_is_pow2(96));
  assert_false(zcxi_mul_size(SIZE_MAX / 2, 3, &out));
  int64_t o;
  assert_false(zcxi_add_i64(INT64_MAX, 1, &o));
}

static void test_bitmap_count(void** state) {
  (void)state;
  uint8_t bits[40];
  memset(bits, 0, sizeof(bits));
  int64_t expect = 0;
  for (int64_t i = 0; i < 320; i++) {
    if (i % 3 == 0 || i % 7 == 0) {
      zcxi_bit_set(bits, i);
    }
  }
  for (int64_t off = 0; off < 20; off++) {
    for (int64_t len = 0; len + off <= 320; len += 37) {
      expect = 0;
      for (int64_t i = off; i < off + len; i++) {
        expect += zcxi_bit_get(bits, i);
      }
      assert_int_equal(zcxi_bitmap_count_set(bits, off, len), expect);
    }
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_error_fail_sets_message_and_returns_code),
      cmocka_unit_test(test_error_prefix_adds_context),
      cmocka_unit_test(test_error_truncates_long_messages),
      cmocka_unit_test(test_status_names),
      cmocka_unit_test(test_devices_use_dlpack_numbers),
      cmocka_unit_test(test_alignment_and_overflow_helpers),
      cmocka_unit_test(test_bitmap_count),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
