// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Helpers shared by the Arrow C Data interface tests: buffers, types and arrays from raw
// bytes, hand-made producers whose release calls are counted.
#ifndef ZCX_TESTS_INTEROP_CDATA_SUPPORT_H
#define ZCX_TESTS_INTEROP_CDATA_SUPPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "zcx/array.h"
#include "zcx/cdata.h"

// A new buffer holding a copy of `size` bytes of `data`.
zcx_buffer_t* cds_buf(const void* data, int64_t size);
// A validity bitmap from a string of '0' and '1' (element 0 first).
zcx_buffer_t* cds_bits(const char* bits);
// A parameterless type.
zcx_type_t* cds_type(zcx_type_id_t id);
// A decimal type of `bits` bits, precision `p` and scale `s`.
zcx_type_t* cds_decimal(int32_t bits, int32_t p, int32_t s);
// A time32 or time64 type (id) of `unit`.
zcx_type_t* cds_time(zcx_type_id_t id, zcx_time_unit_t unit);
// A list type of kind `id` (list, large list, views, ...) over a nullable "item" of `value`;
// takes `value`.
zcx_type_t* cds_list(zcx_type_id_t id, zcx_type_t* value);
// A field; takes `type`.
zcx_field_t* cds_field(const char* name, zcx_type_t* type, bool nullable);
// An array; takes the buffers, children and dictionary (NULL entries allowed in bufs).
zcx_array_t* cds_array(zcx_type_t* type, int64_t length, int64_t offset, int64_t null_count,
                       zcx_buffer_t** bufs, int32_t nb, zcx_array_t** kids, int32_t nk,
                       zcx_array_t* dict);
// An int32 array without nulls; a utf8 array from NUL-separated strings (NULL: null).
zcx_array_t* cds_int32s(const int32_t* values, int64_t n);
zcx_array_t* cds_strings(const char* const* values, int64_t n);

// Replaces the release callback of an exported array (or schema) with one that counts into
// `*counter` and then calls the original.
void cds_count_releases(struct ArrowArray* array, int* counter);
void cds_count_schema_releases(struct ArrowSchema* schema, int* counter);

// A hand-made ArrowArray node whose buffers and children the test sets; its release counts
// into `*counter` (may be NULL), releases its children and frees itself. cds_hand_free frees
// a node tree that was never released (for imports that must leave the producer alone).
typedef struct cds_hand {
  struct ArrowArray array;
  const void* buffers[8];
  struct ArrowArray* children[4];
  int* counter;
} cds_hand_t;
cds_hand_t* cds_hand_new(int64_t length, int64_t null_count, int64_t offset, int64_t n_buffers,
                         int* counter);
void cds_hand_add_child(cds_hand_t* parent, cds_hand_t* child);

// Whether `haystack` contains `needle` (with a cmocka failure message showing both).
void cds_assert_contains(const char* haystack, const char* needle);

#endif  // ZCX_TESTS_INTEROP_CDATA_SUPPORT_H
