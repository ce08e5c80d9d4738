// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// zcx array: the Apache Arrow columnar format — types, fields, schemas, arrays, record
// batches, builders, validation, comparison and printing.
//
// Contract:
// - Types, fields, schemas, arrays and batches are immutable once created and reference
//   counted; retain/release are thread-safe, so they may be shared across threads freely.
//   Their structs are public for reading; never write their fields.
// - Constructors *retain* what they keep (types, fields, buffers, child arrays): the caller
//   keeps its own references and releases them as usual. On failure nothing is retained.
// - Arrays follow the Arrow columnar spec to the letter. An array's buffers are those of the
//   Arrow C Data interface for its type, in that order (validity first where the type has
//   one), except that view types carry no variadic-sizes buffer (it is derived on export).
//   A NULL validity buffer means "no nulls". `offset` and `length` slice every buffer in
//   element units, as in the C Data interface.
// - Validation: ZCX_VALIDATE_CHEAP checks sizes and counts (O(number of buffers));
//   ZCX_VALIDATE_FULL also checks every offset, view, run end, dictionary index and union
//   type id. Data from outside the process is validated fully unless the caller says it is
//   trusted.
// - Buffers come from a memory resource: the default pool unless the caller names one.
#ifndef ZCX_ARRAY_H
#define ZCX_ARRAY_H

#include <stdio.h>

#include "zcx/buffer.h"
#include "zcx/core.h"
#include "zcx/memory.h"

#ifdef __cplusplus
extern "C" {
#endif

// ---------------------------------------------------------------------------------------------
// Types

/// Every Arrow type zcx represents. Numbers are zcx's own; only append.
typedef enum zcx_type_id {
  ZCX_TYPE_NA = 0,
  ZCX_TYPE_BOOL,
  ZCX_TYPE_INT8,
  ZCX_TYPE_UINT8,
  ZCX_TYPE_INT16,
  ZCX_TYPE_UINT16,
  ZCX_TYPE_INT32,
  ZCX_TYPE_UINT32,
  ZCX_TYPE_INT64,
  ZCX_TYPE_UINT64,
  ZCX_TYPE_HALF_FLOAT,
  ZCX_TYPE_FLOAT,
  ZCX_TYPE_DOUBLE,
  ZCX_TYPE_DECIMAL32,
  ZCX_TYPE_DECIMAL64,
  ZCX_TYPE_DECIMAL128,
  ZCX_TYPE_DECIMAL256,
  ZCX_TYPE_DATE32,
  ZCX_TYPE_DATE64,
  ZCX_TYPE_TIME32,
  ZCX_TYPE_TIME64,
  ZCX_TYPE_TIMESTAMP,
  ZCX_TYPE_DURATION,
  ZCX_TYPE_INTERVAL_MONTHS,
  ZCX_TYPE_INTERVAL_DAY_TIME,
  ZCX_TYPE_INTERVAL_MONTH_DAY_NANO,
  ZCX_TYPE_BINARY,
  ZCX_TYPE_STRING,
  ZCX_TYPE_LARGE_BINARY,
  ZCX_TYPE_LARGE_STRING,
  ZCX_TYPE_BINARY_VIEW,
  ZCX_TYPE_STRING_VIEW,
  ZCX_TYPE_FIXED_SIZE_BINARY,
  ZCX_TYPE_LIST,
  ZCX_TYPE_LARGE_LIST,
  ZCX_TYPE_LIST_VIEW,
  ZCX_TYPE_LARGE_LIST_VIEW,
  ZCX_TYPE_FIXED_SIZE_LIST,
  ZCX_TYPE_STRUCT,
  ZCX_TYPE_MAP,
  ZCX_TYPE_SPARSE_UNION,
  ZCX_TYPE_DENSE_UNION,
  ZCX_TYPE_DICTIONARY,
  ZCX_TYPE_RUN_END_ENCODED,
  ZCX_TYPE_EXTENSION,
  ZCX_TYPE_COUNT_  ///< number of type ids, not a type
} zcx_type_id_t;

typedef enum zcx_time_unit {
  ZCX_TIME_SECOND = 0,
  ZCX_TIME_MILLI = 1,
  ZCX_TIME_MICRO = 2,
  ZCX_TIME_NANO = 3,
} zcx_time_unit_t;

/// Key/value metadata (schema, field or message). Keys and values are NUL-terminated
/// copies; a key or value with an embedded NUL byte is not representable (EINVAL on import).
typedef struct zcx_metadata {
  int32_t count;
  char** keys;
  char** values;
} zcx_metadata_t;

typedef struct zcx_type zcx_type_t;
typedef struct zcx_field zcx_field_t;

/// A data type. Immutable and reference counted. Which fields mean something depends on id.
struct zcx_type {
  zcx_type_id_t id;
  int32_t bit_width;       ///< bits per value of fixed-width types (bool 1, decimal128 128,
                           ///< fixed-size binary 8×width); 0 for others
  int32_t precision;       ///< decimals
  int32_t scale;           ///< decimals
  zcx_time_unit_t unit;    ///< time32, time64, timestamp, duration
  char* timezone;          ///< timestamp: NULL when none
  int32_t fixed_size;      ///< fixed-size binary: bytes; fixed-size list: list size
  bool keys_sorted;        ///< map
  bool ordered;            ///< dictionary
  int8_t* type_codes;      ///< unions: the type code of each child (num_children entries)
  zcx_type_t* index_type;  ///< dictionary: an integer type
  zcx_type_t* value_type;  ///< dictionary: the type of the dictionary's values
  char* extension_name;    ///< extension: e.g. "arrow.fixed_shape_tensor"
  char* extension_metadata;     ///< extension: serialized metadata (may hold any bytes)
  int64_t extension_metadata_length;
  zcx_type_t* storage_type;     ///< extension: the type of the stored data
  int32_t num_children;    ///< list-likes 1, map 1 (the "entries" struct), struct/union n,
                           ///< run-end encoded 2 ("run_ends", "values")
  zcx_field_t** children;
  int64_t refcount_;       ///< private
};

/// A named, possibly nullable slot of a type, with metadata. Immutable, reference counted.
struct zcx_field {
  char* name;               ///< never NULL ("" allowed)
  zcx_type_t* type;
  bool nullable;
  zcx_metadata_t metadata;  ///< without the ARROW:extension:* keys, which live in the type
  int64_t dictionary_id;    ///< IPC dictionary id of a dictionary-typed field, or -1
  int64_t refcount_;        ///< private
};

/// Creates a type that has no parameters: null, bool, integers, floats, date32/64, the
/// three intervals, binary/string and their large and view variants.
/// @return 0; EINVAL (the type needs parameters); ENOMEM.
ZCX_API ZCX_NODISCARD int zcx_type_create(zcx_type_id_t id, zcx_type_t** out, zcx_error_t* err);

/// Decimal of 32, 64, 128 or 256 bits. Precision 1..9/18/38/76 by width; any scale.
ZCX_API ZCX_NODISCARD int zcx_type_decimal(int32_t bit_width, int32_t precision, int32_t scale,
                                           zcx_type_t** out, zcx_error_t* err);

/// time32 (second, milli), time64 (micro, nano) or duration (any unit).
ZCX_API ZCX_NODISCARD int zcx_type_time(zcx_type_id_t id, zcx_time_unit_t unit,
                                        zcx_type_t** out, zcx_error_t* err);

/// Timestamp with a unit and an optional time zone (NULL or "" for none).
ZCX_API ZCX_NODISCARD int zcx_type_timestamp(zcx_time_unit_t unit, const char* timezone,
                                             zcx_type_t** out, zcx_error_t* err);

/// Fixed-size binary of `byte_width` >= 0 bytes.
ZCX_API ZCX_NODISCARD int zcx_type_fixed_size_binary(int32_t byte_width, zcx_type_t** out,
                                                     zcx_error_t* err);

/// list, large list, list view or large list view of `value_field` (retained).
ZCX_API ZCX_NODISCARD int zcx_type_list(zcx_type_id_t id, zcx_field_t* value_field,
                                        zcx_type_t** out, zcx_error_t* err);

/// Fixed-size list of `list_size` >= 0 values of `value_field`.
ZCX_API ZCX_NODISCARD int zcx_type_fixed_size_list(zcx_field_t* value_field, int32_t list_size,
                                                   zcx_type_t** out, zcx_error_t* err);

/// Struct of `n` fields (retained).
ZCX_API ZCX_NODISCARD int zcx_type_struct(zcx_field_t* const* fields, int32_t n,
                                          zcx_type_t** out, zcx_error_t* err);

/// Map whose single child `entries_field` is a non-nullable struct of a non-nullable key
/// field and a value field.
ZCX_API ZCX_NODISCARD int zcx_type_map(zcx_field_t* entries_field, bool keys_sorted,
                                       zcx_type_t** out, zcx_error_t* err);

/// Sparse or dense union of `n` fields; `type_codes` (NULL: 0..n-1) are distinct, 0..127.
ZCX_API ZCX_NODISCARD int zcx_type_union(zcx_type_id_t id, zcx_field_t* const* fields,
                                         const int8_t* type_codes, int32_t n, zcx_type_t** out,
                                         zcx_error_t* err);

/// Dictionary-encoded values: indices of the integer `index_type`, values of `value_type`.
ZCX_API ZCX_NODISCARD int zcx_type_dictionary(zcx_type_t* index_type, zcx_type_t* value_type,
                                              bool ordered, zcx_type_t** out, zcx_error_t* err);

/// Run-end encoded: children "run_ends" (int16/32/64, non-nullable) and "values".
ZCX_API ZCX_NODISCARD int zcx_type_run_end_encoded(zcx_type_t* run_end_type,
                                                   zcx_field_t* values_field, zcx_type_t** out,
                                                   zcx_error_t* err);

/// Extension type `name` over `storage_type`, with serialized metadata carried untouched.
ZCX_API ZCX_NODISCARD int zcx_type_extension(const char* name, const void* metadata,
                                             int64_t metadata_length, zcx_type_t* storage_type,
                                             zcx_type_t** out, zcx_error_t* err);

ZCX_API void zcx_type_retain(zcx_type_t* type);
ZCX_API void zcx_type_release(zcx_type_t* type);

/// Whether two types are equal (children's names, nullability and metadata included).
ZCX_API bool zcx_type_equal(const zcx_type_t* a, const zcx_type_t* b);

/// The lowercase name of a type id ("int32", "large_string", "dense_union", ...).
ZCX_API const char* zcx_type_id_name(zcx_type_id_t id);

/// Writes a human-readable description ("timestamp[ms, tz=UTC]", "list<item: int32>",
/// "ext<arrow.uuid: fixed_size_binary[16]>" for an extension type over its storage) into
/// `buf` (always NUL-terminated, truncated to fit). Returns the length it needed.
ZCX_API int64_t zcx_type_to_string(const zcx_type_t* type, char* buf, size_t size);

/// Bytes per value of a fixed-width type (bool: 0 since it is bit-packed), else 0
/// (dictionary: 0; extension: that of its storage type).
ZCX_API int32_t zcx_type_byte_width(const zcx_type_t* type);

/// Creates a field. `metadata` (may be NULL) is copied; a NULL `name` is taken as "".
/// The dictionary id starts at -1.
ZCX_API ZCX_NODISCARD int zcx_field_create(const char* name, zcx_type_t* type, bool nullable,
                                           const zcx_metadata_t* metadata, zcx_field_t** out,
                                           zcx_error_t* err);

/// A copy of `field` with another IPC dictionary id.
ZCX_API ZCX_NODISCARD int zcx_field_with_dictionary_id(const zcx_field_t* field, int64_t id,
                                                       zcx_field_t** out, zcx_error_t* err);

ZCX_API void zcx_field_retain(zcx_field_t* field);
ZCX_API void zcx_field_release(zcx_field_t* field);
/// Name, type, nullability and metadata equal (the IPC dictionary id is not compared).
ZCX_API bool zcx_field_equal(const zcx_field_t* a, const zcx_field_t* b);

// ---------------------------------------------------------------------------------------------
// Metadata

/// Initializes an empty metadata set owned by the caller.
ZCX_API void zcx_metadata_init(zcx_metadata_t* md);
/// Appends a copy of key and value. @return 0; EINVAL; ENOMEM.
ZCX_API ZCX_NODISCARD int zcx_metadata_append(zcx_metadata_t* md, const char* key,
                                              const char* value, zcx_error_t* err);
/// Deep copy into `out` (initialized by the call). @return 0; ENOMEM.
ZCX_API ZCX_NODISCARD int zcx_metadata_copy(const zcx_metadata_t* src, zcx_metadata_t* out,
                                            zcx_error_t* err);
/// The value of the first entry with `key`, or NULL.
ZCX_API const char* zcx_metadata_get(const zcx_metadata_t* md, const char* key);
ZCX_API bool zcx_metadata_equal(const zcx_metadata_t* a, const zcx_metadata_t* b);
/// Frees the entries and leaves md empty.
ZCX_API void zcx_metadata_reset(zcx_metadata_t* md);

// ---------------------------------------------------------------------------------------------
// Schemas

/// An ordered list of fields with metadata. Immutable, reference counted.
typedef struct zcx_schema {
  int32_t num_fields;
  zcx_field_t** fields;
  zcx_metadata_t metadata;
  int64_t refcount_;  ///< private
} zcx_schema_t;

/// Creates a schema of `n` fields (retained) and a copy of `metadata` (may be NULL).
ZCX_API ZCX_NODISCARD int zcx_schema_create(zcx_field_t* const* fields, int32_t n,
                                            const zcx_metadata_t* metadata, zcx_schema_t** out,
                                            zcx_error_t* err);
/// Index of the first field named `name`, or -1.
ZCX_API int32_t zcx_schema_field_index(const zcx_schema_t* schema, const char* name);
ZCX_API bool zcx_schema_equal(const zcx_schema_t* a, const zcx_schema_t* b);
ZCX_API void zcx_schema_retain(zcx_schema_t* schema);
ZCX_API void zcx_schema_release(zcx_schema_t* schema);

// ---------------------------------------------------------------------------------------------
// Arrays

typedef struct zcx_array zcx_array_t;

/// An Arrow array: a type, a length, an offset and the buffers and children of its layout.
/// Immutable, reference counted.
struct zcx_array {
  zcx_type_t* type;
  int64_t length;
  int64_t offset;
  int64_t null_count;       ///< -1 when not computed yet; see zcx_array_null_count
  int32_t num_buffers;
  zcx_buffer_t** buffers;   ///< entries may be NULL (absent validity bitmap)
  int32_t num_children;
  zcx_array_t** children;
  zcx_array_t* dictionary;  ///< dictionary type: the values; NULL otherwise
  int64_t refcount_;        ///< private
};

/// Validation levels.
typedef enum zcx_validate_level {
  ZCX_VALIDATE_CHEAP = 0,  ///< buffer counts and sizes, child counts and lengths
  ZCX_VALIDATE_FULL = 1,   ///< and every offset, view, run end, dictionary index, type id
} zcx_validate_level_t;

/// Number of buffers an array of `type` has in zcx (see the contract above): bool, null,
/// unions, view variadics... View types return 2 (validity, views); their variadic data
/// buffers come after.
ZCX_API int32_t zcx_type_num_buffers(const zcx_type_t* type);

/// Zero-copy construction from existing buffers and children (all retained). `null_count`
/// may be -1 (computed when asked). Runs the cheap validation.
/// @return 0; EINVAL (with what disagrees); ENOMEM.
ZCX_API ZCX_NODISCARD int zcx_array_create(zcx_type_t* type, int64_t length, int64_t offset,
                                           int64_t null_count, zcx_buffer_t* const* buffers,
                                           int32_t num_buffers, zcx_array_t* const* children,
                                           int32_t num_children, zcx_array_t* dictionary,
                                           zcx_array_t** out, zcx_error_t* err);

/// An array of `length` nulls of `type` (all-null validity where the type has one).
ZCX_API ZCX_NODISCARD int zcx_array_make_nulls(zcx_type_t* type, int64_t length, zcx_mr_t* mr,
                                               zcx_array_t** out, zcx_error_t* err);

/// O(1) slice [offset, offset + length) sharing buffers. @return 0; EINVAL (out of range).
ZCX_API ZCX_NODISCARD int zcx_array_slice(zcx_array_t* array, int64_t offset, int64_t length,
                                          zcx_array_t** out, zcx_error_t* err);

/// Validates at `level`; the message names the child path, buffer and value at fault
/// ("child 'b' (1) of struct: buffer 1 (offsets): offset 7 at index 3 > data length 5").
/// The full level needs host-accessible buffers (EINVAL otherwise); the cheap level reads
/// at most the first and last offsets, and only of host buffers.
/// @return 0; EINVAL.
ZCX_API ZCX_NODISCARD int zcx_array_validate(const zcx_array_t* array, zcx_validate_level_t level,
                                             zcx_error_t* err);

/// The null count (computed once from the validity bitmap when unknown; thread-safe).
ZCX_API int64_t zcx_array_null_count(zcx_array_t* array);

/// Whether element i (0-based, relative to the array's offset) is null. Unions and
/// run-end encoded arrays ask their children; null type: always.
ZCX_API bool zcx_array_is_null(const zcx_array_t* array, int64_t i);

/// Logical equality: types equal, and values and nulls equal element by element (offsets
/// and slices taken into account; floats bitwise except that NaN equals NaN).
/// When they differ and `why` is not NULL it receives the first difference. Both arrays are
/// first checked as the full validation does (all but UTF-8, null counts and map keys), so
/// comparing never reads out of bounds; an invalid array equals nothing but itself.
ZCX_API bool zcx_array_equal(const zcx_array_t* a, const zcx_array_t* b, zcx_error_t* why);

/// Element accessors for tests, printers and tools (i relative to the offset; no checks
/// beyond the type). Integers of any width (and dates, times, timestamps, durations,
/// dictionary indices) read as int64; unsigned 64 may wrap.
ZCX_API int64_t zcx_array_get_int(const zcx_array_t* array, int64_t i);
ZCX_API double zcx_array_get_double(const zcx_array_t* array, int64_t i);  ///< floats incl. half
ZCX_API bool zcx_array_get_bool(const zcx_array_t* array, int64_t i);
/// Binary, string (all variants) and fixed-size binary and decimals: pointer and length.
ZCX_API void zcx_array_get_bytes(const zcx_array_t* array, int64_t i, const uint8_t** data,
                                 int64_t* length);

/// Prints the array on one line to `out`: `[1, null, [2, 3], {a: 1, b: "x"}]`, strings
/// quoted and escaped, dates and times in calendar form, decimals with their scale. Every
/// list (the top level included) shows at most `max_items` elements (-1: all), then
/// "... (N more)". The array is first checked as the full validation does (all but UTF-8,
/// null counts and map keys), so printing never reads out of bounds.
/// @return 0; EINVAL (NULL argument, invalid array); ENOTSUP (buffers not in host memory);
///   EIO (write failed).
ZCX_API ZCX_NODISCARD int zcx_array_print(const zcx_array_t* array, FILE* out, int64_t max_items,
                                          zcx_error_t* err);

ZCX_API void zcx_array_retain(zcx_array_t* array);
ZCX_API void zcx_array_release(zcx_array_t* array);

// ---------------------------------------------------------------------------------------------
// Record batches

/// Columns of equal length under a schema. Immutable, reference counted.
typedef struct zcx_batch {
  zcx_schema_t* schema;
  int64_t num_rows;
  int32_t num_columns;
  zcx_array_t** columns;
  int64_t refcount_;  ///< private
} zcx_batch_t;

/// Creates a batch (schema and columns retained). Column types must equal the schema's field
/// types and lengths must equal num_rows. @return 0; EINVAL; ENOMEM.
ZCX_API ZCX_NODISCARD int zcx_batch_create(zcx_schema_t* schema, zcx_array_t* const* columns,
                                           int32_t num_columns, int64_t num_rows,
                                           zcx_batch_t** out, zcx_error_t* err);
/// The column named `name` (borrowed), or NULL.
ZCX_API zcx_array_t* zcx_batch_column_by_name(const zcx_batch_t* batch, const char* name);
ZCX_API ZCX_NODISCARD int zcx_batch_slice(zcx_batch_t* batch, int64_t offset, int64_t length,
                                          zcx_batch_t** out, zcx_error_t* err);
ZCX_API ZCX_NODISCARD int zcx_batch_validate(const zcx_batch_t* batch, zcx_validate_level_t level,
                                             zcx_error_t* err);
ZCX_API bool zcx_batch_equal(const zcx_batch_t* a, const zcx_batch_t* b, zcx_error_t* why);
ZCX_API ZCX_NODISCARD int zcx_batch_print(const zcx_batch_t* batch, FILE* out, int64_t max_rows,
                                          zcx_error_t* err);
ZCX_API void zcx_batch_retain(zcx_batch_t* batch);
ZCX_API void zcx_batch_release(zcx_batch_t* batch);

// ---------------------------------------------------------------------------------------------
// Builders

/// Appends values of one type and finishes into an immutable array. One thread at a time.
/// Nested types have one child builder per child (zcx_builder_child); a list, fixed-size
/// list, map or struct element is closed with zcx_builder_finish_element after its child
/// values were appended, a union element with zcx_builder_finish_union_element. A dictionary
/// builder takes indices (append_int) and its dictionary values through
/// zcx_builder_dictionary. A run-end encoded builder takes run ends in child 0 and values in
/// child 1; its length is the last run end.
typedef struct zcx_builder zcx_builder_t;

/// Creates a builder for `type` drawing buffers from `mr` (NULL: the default resource).
ZCX_API ZCX_NODISCARD int zcx_builder_create(zcx_type_t* type, zcx_mr_t* mr,
                                             zcx_builder_t** out, zcx_error_t* err);
/// Reserves room for `n` more elements. @return 0; ENOMEM.
ZCX_API ZCX_NODISCARD int zcx_builder_reserve(zcx_builder_t* b, int64_t n, zcx_error_t* err);
/// Appends `n` nulls (for nested types: empty null elements; structs append nulls to children).
ZCX_API ZCX_NODISCARD int zcx_builder_append_null(zcx_builder_t* b, int64_t n, zcx_error_t* err);
/// Integer-like types (also dates, times, timestamps, durations, intervals in months,
/// dictionary indices, run ends) and decimals (the unscaled value, sign-extended).
/// ERANGE when the value does not fit the type.
ZCX_API ZCX_NODISCARD int zcx_builder_append_int(zcx_builder_t* b, int64_t v, zcx_error_t* err);
ZCX_API ZCX_NODISCARD int zcx_builder_append_uint(zcx_builder_t* b, uint64_t v, zcx_error_t* err);
/// Half, single and double floats.
ZCX_API ZCX_NODISCARD int zcx_builder_append_double(zcx_builder_t* b, double v, zcx_error_t* err);
ZCX_API ZCX_NODISCARD int zcx_builder_append_bool(zcx_builder_t* b, bool v, zcx_error_t* err);
/// Binary and string variants, fixed-size binary, decimals (little-endian two's complement of
/// bit_width/8 bytes) and the day-time / month-day-nano intervals (their raw bytes).
ZCX_API ZCX_NODISCARD int zcx_builder_append_bytes(zcx_builder_t* b, const void* data,
                                                   int64_t length, zcx_error_t* err);
/// Appends `n` elements of raw fixed-width values (n × byte width bytes) at once; bool takes
/// one byte per value (0 false, else true), a dictionary builder indices of its index type.
/// @return 0; EINVAL (not a fixed-width type); ERANGE (negative dictionary index); ENOMEM.
ZCX_API ZCX_NODISCARD int zcx_builder_append_values(zcx_builder_t* b, const void* values,
                                                    int64_t n, zcx_error_t* err);
/// The builder of child `i` (borrowed; owned by `b`), or NULL.
ZCX_API zcx_builder_t* zcx_builder_child(zcx_builder_t* b, int32_t i);
/// Closes one list/fixed-size-list/map/struct element (valid) from the child values
/// appended since the previous element. @return 0; EINVAL (children disagree).
ZCX_API ZCX_NODISCARD int zcx_builder_finish_element(zcx_builder_t* b, zcx_error_t* err);
/// Closes one union element of `type_code` whose value was appended to that child (dense),
/// or to every child (sparse: the caller appends to each child).
ZCX_API ZCX_NODISCARD int zcx_builder_finish_union_element(zcx_builder_t* b, int8_t type_code,
                                                           zcx_error_t* err);
/// The builder of a dictionary type's values (borrowed), or NULL.
ZCX_API zcx_builder_t* zcx_builder_dictionary(zcx_builder_t* b);
/// Number of elements appended so far.
ZCX_API int64_t zcx_builder_length(const zcx_builder_t* b);
/// Finishes into an immutable array and resets the builder (empty, same type) for reuse.
/// On EINVAL (unclosed nested elements, a dictionary index past the dictionary) nothing
/// changed; on ENOMEM the builder is reset and its contents are lost.
/// Buffers are 64-byte aligned, zero-padded to a multiple of 64 bytes, sized exactly
/// (a validity bitmap only when a null was appended).
/// @return 0; ENOMEM; EINVAL.
ZCX_API ZCX_NODISCARD int zcx_builder_finish(zcx_builder_t* b, zcx_array_t** out,
                                             zcx_error_t* err);
ZCX_API void zcx_builder_destroy(zcx_builder_t* b);

#ifdef __cplusplus
}
#endif

#endif  // ZCX_ARRAY_H
