// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Internal declarations shared by the files of the json layer (the integration JSON reader).
#ifndef ZCX_SRC_JSON_INTERNAL_H
#define ZCX_SRC_JSON_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/internal.h"
#include "zcx/array.h"
#include "zcx/json.h"

// Longest member path kept for messages ("batches[1].columns[2] 'x'.children[0] 'y'...").
#define ZCXI_JSON_PATH_MAX 480
// Deepest nesting of fields, columns and dictionaries accepted.
#define ZCXI_JSON_MAX_DEPTH 64

// One dictionary id of the schema: the field that declared it first, the "data" member of its
// entry in "dictionaries" and, once decoded, its values.
typedef struct zcxi_json_dict {
  int64_t id;
  zcx_type_t* value_type;  // the values' type (reference held)
  const json_t* data;      // borrowed from the document; NULL until the entry is seen
  int32_t entry;           // index of the entry in "dictionaries", -1 when none
  zcx_array_t* values;     // reference held; NULL until decoded
  bool decoding;           // true while its values are being decoded (cycle detection)
} zcxi_json_dict_t;

// The state of one read: where we are (for messages), where buffers come from, the
// dictionaries. One thread.
typedef struct zcxi_json_ctx {
  const char* name;  // the document's name for messages
  zcx_mr_t* mr;
  zcx_error_t* err;
  char path[ZCXI_JSON_PATH_MAX];
  size_t path_len;
  int depth;
  int32_t num_dicts;
  int32_t cap_dicts;
  zcxi_json_dict_t* dicts;
} zcxi_json_ctx_t;

// ---------------------------------------------------------------------------------------------
// context.c: member paths, errors and member access

void zcxi_json_ctx_init(zcxi_json_ctx_t* c, const char* name, zcx_mr_t* mr, zcx_error_t* err);
// Releases the dictionaries the context holds.
void zcxi_json_ctx_reset(zcxi_json_ctx_t* c);

// Appends a formatted segment to the path and returns the length to restore with pop.
size_t zcxi_json_path_push(zcxi_json_ctx_t* c, const char* fmt, ...) ZCX_PRINTF(2, 3);
void zcxi_json_path_pop(zcxi_json_ctx_t* c, size_t saved);

// Fails with EINVAL: "<name>: <path>: <message>".
int zcxi_json_fail(zcxi_json_ctx_t* c, const char* fmt, ...) ZCX_PRINTF(2, 3);
// Fails with `code` (ENOMEM, ...), same form.
int zcxi_json_fail_code(zcxi_json_ctx_t* c, int code, const char* fmt, ...) ZCX_PRINTF(3, 4);
// Adds "<name>: <path>: " in front of a message set by another layer; returns rc.
int zcxi_json_prefix(zcxi_json_ctx_t* c, int rc);

// The name of a JSON value's kind for messages ("an object", "a string", ...).
const char* zcxi_json_kind(const json_t* v);

// Member `key` of object `obj` of the given kind. `required`: a missing member fails; else
// *out is NULL when missing. A member of another kind always fails.
int zcxi_json_member(zcxi_json_ctx_t* c, const json_t* obj, const char* key, json_type kind,
                     bool required, const json_t** out);
// Member `key` that must be an array of exactly `n` entries.
int zcxi_json_member_array(zcxi_json_ctx_t* c, const json_t* obj, const char* key, int64_t n,
                           const json_t** out);
// Required integer member (a JSON integer or a string of decimal digits) in [min, max].
int zcxi_json_member_int(zcxi_json_ctx_t* c, const json_t* obj, const char* key, int64_t min,
                         int64_t max, int64_t* out);
// Required boolean member.
int zcxi_json_member_bool(zcxi_json_ctx_t* c, const json_t* obj, const char* key, bool* out);
// Required string member (borrowed from the document).
int zcxi_json_member_string(zcxi_json_ctx_t* c, const json_t* obj, const char* key,
                            const char** out);

// ---------------------------------------------------------------------------------------------
// values.c: scalar values ("what[index]" names the value in messages)

// Parses a whole string of decimal digits with an optional '-' as int64; false when it is
// not one or does not fit.
bool zcxi_json_parse_i64(const char* s, int64_t* out);
// An integer of the physical integer type `id` (INT8..UINT64), written as a JSON integer or
// as a string of decimal digits. UINT64 values above INT64_MAX come back wrapped.
int zcxi_json_int_value(zcxi_json_ctx_t* c, const json_t* v, zcx_type_id_t id,
                        const char* what, int64_t index, int64_t* out);
// Stores `v` as an integer of `width` bytes (1, 2, 4, 8) at element `i` of `dst`.
void zcxi_json_store_int(uint8_t* dst, int32_t width, int64_t i, int64_t v);
// A decimal integer string (optional '-') as a little-endian two's complement of `bytes`
// bytes (4, 8, 16, 32) at `dst`; ERANGE-like overflow fails with EINVAL.
int zcxi_json_decimal_value(zcxi_json_ctx_t* c, const json_t* v, int32_t bytes,
                            const char* what, int64_t index, uint8_t* dst);
// A JSON number as a double.
int zcxi_json_number_value(zcxi_json_ctx_t* c, const json_t* v, const char* what,
                           int64_t index, double* out);
// A double rounded to the nearest IEEE binary16 (ties to even).
uint16_t zcxi_json_half_from_double(double d);
// The byte length of a binary value: hex text (`hex`) or UTF-8 text.
int zcxi_json_bytes_length(zcxi_json_ctx_t* c, const json_t* v, bool hex, const char* what,
                           int64_t index, int64_t* out);
// Copies the bytes of a binary value (length from zcxi_json_bytes_length) to `dst`.
int zcxi_json_bytes_copy(zcxi_json_ctx_t* c, const json_t* v, bool hex, const char* what,
                         int64_t index, uint8_t* dst);

// ---------------------------------------------------------------------------------------------
// schema.c: schema, fields and types

// Reads the "schema" object; registers every dictionary id of it in the context.
int zcxi_json_read_schema(zcxi_json_ctx_t* c, const json_t* schema, zcx_schema_t** out);
// The type whose physical layout `t` has (the storage of extension types).
const zcx_type_t* zcxi_json_storage(const zcx_type_t* t);

// ---------------------------------------------------------------------------------------------
// column.c: arrays from columns

// Decodes the column `col` as an array of `type`. `name` (may be NULL: not checked) is the
// name the column must carry; `dictionary_id` is the field's id when `type` is (an extension
// over) a dictionary.
int zcxi_json_read_column(zcxi_json_ctx_t* c, const json_t* col, const char* name,
                          zcx_type_t* type, int64_t dictionary_id, zcx_array_t** out);

// ---------------------------------------------------------------------------------------------
// reader.c: dictionaries

// The dictionary slot of `id`, or NULL.
zcxi_json_dict_t* zcxi_json_dict_find(zcxi_json_ctx_t* c, int64_t id);
// Registers a dictionary id seen in the schema with its value type (retained).
int zcxi_json_dict_register(zcxi_json_ctx_t* c, int64_t id, zcx_type_t* value_type);
// The decoded values of dictionary `id` (borrowed from the context), decoding them on first
// use.
int zcxi_json_dict_values(zcxi_json_ctx_t* c, int64_t id, zcx_array_t** out);

#endif  // ZCX_SRC_JSON_INTERNAL_H
