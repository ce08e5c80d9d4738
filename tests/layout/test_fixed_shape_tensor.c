// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Tests of src/layout/fixed_shape_tensor.c: the JSON metadata of arrow.fixed_shape_tensor,
// well-formed and malformed.

// cmocka needs the standard headers first.
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
// clang-format on

#include "layout/tensor_internal.h"

static int parse(const char* json, zcxi_fixed_shape_t* out, zcx_error_t* err) {
  return zcxi_fixed_shape_tensor_parse(json, (int64_t)strlen(json), ZCX_TENSOR_MAX_NDIM - 1, out,
                                       err);
}

static void test_parses_shape_names_and_permutation(void** state) {
  (void)state;
  zcxi_fixed_shape_t fs;
  zcx_error_t err;
  assert_int_equal(parse("{\"shape\":[2,5]}", &fs, &err), 0);
  assert_int_equal(fs.ndim, 2);
  assert_int_equal(fs.shape[0], 2);
  assert_int_equal(fs.shape[1], 5);
  assert_false(fs.has_permutation);
  int rc = parse(
      " {\n \"permutation\" : [ 2 , 0 , 1 ] ,\t\"dim_names\": [\"C\", \"H\\u00e9\", "
      "\"W\\\"\"], \"shape\": [100, 200, 500], \"extra\": {\"a\": [1.5e3, -2, true, "
      "false, null, {}, []], \"b\": \"x\"}} \r\n",
      &fs, &err);
  if (rc != 0) {
    fail_msg("%s", err.message);
  }
  assert_int_equal(fs.ndim, 3);
  assert_int_equal(fs.shape[2], 500);
  assert_true(fs.has_permutation);
  assert_int_equal(fs.permutation[0], 2);
  assert_int_equal(fs.permutation[1], 0);
  assert_int_equal(fs.permutation[2], 1);
  // A tensor of no dimensions (one value each) and a zero-sized dimension.
  assert_int_equal(parse("{\"shape\":[]}", &fs, &err), 0);
  assert_int_equal(fs.ndim, 0);
  assert_int_equal(parse("{\"shape\":[0, 3]}", &fs, &err), 0);
  assert_int_equal(fs.shape[0], 0);
  // The most dimensions allowed.
  char big[256] = "{\"shape\":[1";
  for (int i = 1; i < ZCX_TENSOR_MAX_NDIM - 1; i++) {
    strcat(big, ",1");
  }
  strcat(big, "]}");
  assert_int_equal(parse(big, &fs, &err), 0);
  assert_int_equal(fs.ndim, ZCX_TENSOR_MAX_NDIM - 1);
}

static void test_rejects_malformed_metadata(void** state) {
  (void)state;
  struct {
    const char* json;
    const char* needle;
  } bad[] = {
      {"", "empty"},
      {"[]", "expected '{'"},
      {"{}", "no \"shape\""},
      {"{\"shape\":[1]} x", "trailing characters"},
      {"{\"shape\":[1],}", "expected '\"'"},
      {"{\"shape\":[1,]}", "expected an integer"},
      {"{\"shape\":[1.5]}", "not a fraction"},
      {"{\"shape\":[1e2]}", "not a fraction"},
      {"{\"shape\":[-1]}", "negative value"},
      {"{\"shape\":[99999999999999999999]}", "out of range"},
      {"{\"shape\":\"2x2\"}", "expected '['"},
      {"{\"shape\":[1],\"shape\":[2]}", "appears twice"},
      {"{\"shape\":[1],\"permutation\":[1]}", "not a permutation"},
      {"{\"shape\":[1,2],\"permutation\":[1,1]}", "not a permutation"},
      {"{\"shape\":[1,2],\"dim_names\":[\"a\",\"b\",\"c\"]}", "3 dim_names for 2"},
      {"{\"shape\":[1],\"dim_names\":[1]}", "expected '\"'"},
      {"{\"shape\":[1],\"x\":\"unterminated}", "unterminated string"},
      {"{\"shape\":[1],\"x\":\"bad \\q escape\"}", "bad escape"},
      {"{\"shape\":[1],\"x\":\"\\u12\"}", "bad \\u escape"},
      {"{\"shape\":[1],\"x\":tru}", "unexpected character"},
      {"{\"shape\":[1],\"x\":-}", "bad number"},
      {"{\"shape\":[1],\"x\":1.}", "bad number"},
      {"{\"shape\":[1],\"x\":[1 2]}", "expected ']'"},
      {"{\"shape\":[1]", "expected '}'"},
      {"{\"shape\"", "expected ':'"},
      {"{\"shape\":[1],\"x\":\"a\tb\"}", "control character"},
  };
  for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
    zcxi_fixed_shape_t fs;
    zcx_error_t err;
    zcx_error_init(&err);
    int rc = parse(bad[k].json, &fs, &err);
    if (rc != EINVAL || strstr(err.message, bad[k].needle) == NULL) {
      fail_msg("case %zu (%s): expected EINVAL with '%s', got %s: '%s'", k, bad[k].json,
               bad[k].needle, zcx_status_name(rc), err.message);
    }
  }
  // Too many dimensions, and nesting too deep in a skipped value.
  zcxi_fixed_shape_t fs;
  zcx_error_t err;
  char big[256] = "{\"shape\":[1";
  for (int i = 1; i < ZCX_TENSOR_MAX_NDIM; i++) {
    strcat(big, ",1");
  }
  strcat(big, "]}");
  assert_int_equal(parse(big, &fs, &err), EINVAL);
  assert_non_null(strstr(err.message, "more than 31 entries"));
  char deep[400] = "{\"shape\":[1],\"x\":";
  for (int i = 0; i < 100; i++) {
    strcat(deep, "[");
  }
  assert_int_equal(parse(deep, &fs, &err), EINVAL);
  assert_non_null(strstr(err.message, "nested too deep"));
  // Only the given length is read: no NUL terminator is needed.
  const char* json = "{\"shape\":[7]}garbage";
  assert_int_equal(zcxi_fixed_shape_tensor_parse(json, 13, 31, &fs, &err), 0);
  assert_int_equal(fs.shape[0], 7);
  assert_int_equal(zcxi_fixed_shape_tensor_parse(json, 12, 31, &fs, &err), EINVAL);
  assert_int_equal(zcxi_fixed_shape_tensor_parse(NULL, 0, 31, &fs, &err), EINVAL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_parses_shape_names_and_permutation),
      cmocka_unit_test(test_rejects_malformed_metadata),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
