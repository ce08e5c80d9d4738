// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Helpers shared by the tests of src/array: short constructors that fail the test on error.
#ifndef ZCX_TESTS_ARRAY_SUPPORT_H
#define ZCX_TESTS_ARRAY_SUPPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "zcx/array.h"

// A type without parameters.
zcx_type_t* ts_type(zcx_type_id_t id);
// A field; takes over the caller's reference to `type`.
zcx_field_t* ts_field(const char* name, zcx_type_t* type, bool nullable);
// list<item: T> (and the other list kinds); takes over `value_type`.
zcx_type_t* ts_list(zcx_type_id_t id, zcx_type_t* value_type);
// struct of n fields; takes over the fields.
zcx_type_t* ts_struct(zcx_field_t** fields, int32_t n);
// A buffer holding a copy of `size` bytes.
zcx_buffer_t* ts_buf(const void* data, int64_t size);
// A validity bitmap from a string of '1' (valid) and '0' (null).
zcx_buffer_t* ts_bits(const char* bits);
// Arrays made with a builder: int32 / int64 / double / string values, NULL `valid` for no
// nulls, else valid[i] false marks a null.
zcx_array_t* ts_int32(const int32_t* v, int64_t n, const bool* valid);
zcx_array_t* ts_int64(const int64_t* v, int64_t n, const bool* valid);
zcx_array_t* ts_double(const double* v, int64_t n, const bool* valid);
zcx_array_t* ts_strings(zcx_type_id_t id, const char* const* v, int64_t n);  // NULL entry: null
// run_end_encoded<int32 run ends, int32 values> of `length` from `runs` run ends and values
// (valid: NULL for no null values), made with zcx_array_create (cheap validation only).
zcx_array_t* ts_ree_int32(const int32_t* ends, const int32_t* values, const bool* valid,
                          int64_t runs, int64_t length);
// Finishes a builder (asserting success) and destroys it.
zcx_array_t* ts_finish(zcx_builder_t* b);
// Asserts that `rc` is EINVAL and the message contains `needle`.
void ts_expect_error(int rc, const zcx_error_t* err, const char* needle);

#endif  // ZCX_TESTS_ARRAY_SUPPORT_H
