// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Internal declarations shared by the Arrow files of the Python module (arrow_*.c, layout.c).
#ifndef ZCX_PYTHON_ARROW_INTERNAL_H
#define ZCX_PYTHON_ARROW_INTERNAL_H

#include "internal.h"
#include "zcx/cdata.h"
#include "zcx/layout.h"

// ---------------------------------------------------------------------------------------------
// arrow_schema.c

// zcx.Field: a named type (the result of importing a non-struct ArrowSchema).
typedef struct zcxpy_field {
  PyObject_HEAD
  zcx_field_t* field;  // owned reference
} zcxpy_field_t;

// zcx.Schema: the fields of a record batch.
typedef struct zcxpy_schema {
  PyObject_HEAD
  zcx_schema_t* schema;  // owned reference
} zcxpy_schema_t;

extern PyTypeObject zcxpy_field_type;
extern PyTypeObject zcxpy_schema_type;

// New objects taking over the reference they are given (released on failure too); NULL with
// an exception set.
PyObject* zcxpy_field_wrap(zcx_field_t* field);
PyObject* zcxpy_schema_wrap(zcx_schema_t* schema);

// The type as zcx_type_to_string prints it, as a Python str.
PyObject* zcxpy_type_str(const zcx_type_t* type);

// The index of the field `key` names (a str) or points at (an int, negative from the end);
// -1 with KeyError/IndexError/TypeError.
int32_t zcxpy_schema_lookup(const zcx_schema_t* schema, PyObject* key);

// Adds zcx.Field and zcx.Schema. Returns 0, or -1 with an exception set.
int zcxpy_schema_register(PyObject* module);

// ---------------------------------------------------------------------------------------------
// arrow_array.c

// zcx.Array: an immutable Arrow array, with the field it came with (name, nullability,
// metadata) when it has one.
typedef struct zcxpy_array {
  PyObject_HEAD
  zcx_array_t* array;  // owned reference
  zcx_field_t* field;  // owned reference or NULL (exported as a nullable field named "")
  PyObject* weakrefs;
} zcxpy_array_t;

extern PyTypeObject zcxpy_array_type;

// A new zcx.Array that takes over `array` and `field` (may be NULL; both released on failure
// too); NULL with an exception set.
PyObject* zcxpy_array_wrap(zcx_array_t* array, zcx_field_t* field);

// Adds zcx.Array. Returns 0, or -1 with an exception set.
int zcxpy_array_register(PyObject* module);

// Exports a tensor view of `array` through Tensor.__dlpack__ with these arguments, or raises
// BufferError with the reason the data cannot be shared.
PyObject* zcxpy_array_dlpack_of(zcx_array_t* array, PyObject* args, PyObject* kwargs);

// validate(*, full=True) of an Array (`array`) or a RecordBatch (`batch` not NULL): None,
// or NULL with ValueError saying what is wrong.
PyObject* zcxpy_validate_method(const zcx_array_t* array, const zcx_batch_t* batch,
                                PyObject* args, PyObject* kwargs);

// Exports `t` through Tensor.__dlpack__ with these arguments, taking over `t` (released on
// failure too). A NULL `t` (its maker failed and set an exception) gives NULL.
PyObject* zcxpy_tensor_dlpack_of(zcx_tensor_t* t, PyObject* args, PyObject* kwargs);

// ---------------------------------------------------------------------------------------------
// arrow_batch.c

// zcx.RecordBatch: columns of equal length under a schema.
typedef struct zcxpy_batch {
  PyObject_HEAD
  zcx_batch_t* batch;  // owned reference
  PyObject* weakrefs;
} zcxpy_batch_t;

extern PyTypeObject zcxpy_batch_type;

// A new zcx.RecordBatch that takes over `batch` (released on failure too); NULL with an
// exception set.
PyObject* zcxpy_batch_wrap(zcx_batch_t* batch);

// Adds zcx.RecordBatch and zcx.record_batch. Returns 0, or -1 with an exception set.
int zcxpy_batch_register(PyObject* module);

// ---------------------------------------------------------------------------------------------
// arrow_capsule.c

// Capsule names of the Arrow PyCapsule interface.
extern const char zcxpy_capsule_schema[];  // "arrow_schema"
extern const char zcxpy_capsule_array[];   // "arrow_array"
extern const char zcxpy_capsule_stream[];  // "arrow_array_stream"

// New capsules owning a heap struct whose `release` the destructor calls when the consumer
// did not move it out. Each takes a released struct to fill: the caller exports into *out
// and, on failure, calls release itself. NULL with an exception set.
PyObject* zcxpy_schema_capsule_new(struct ArrowSchema** out);
PyObject* zcxpy_array_capsule_new(struct ArrowArray** out);
PyObject* zcxpy_stream_capsule_new(struct ArrowArrayStream** out);

// Reads a `requested_schema` argument: None (sets *out to NULL) or an "arrow_schema"
// capsule, imported as a field. The capsule is left as it was (its struct is exported again
// after the import), since the caller keeps owning it. -1 with TypeError/ValueError.
int zcxpy_requested_field(PyObject* requested, zcx_field_t** out);

// Whether two types have the same physical layout and logical meaning: the same format strings
// and extension names all the way down, whatever the children's names, nullability and
// metadata.
bool zcxpy_type_same_layout(const zcx_type_t* a, const zcx_type_t* b);

// __arrow_c_schema__ / __arrow_c_array__ / __arrow_c_stream__ of one array (`field`: its
// field, or NULL) or one batch (`batch` not NULL). `args` and `kwargs` are the method's
// arguments: requested_schema=None.
PyObject* zcxpy_export_schema_capsule(const zcx_field_t* field, const zcx_type_t* type,
                                      const zcx_schema_t* schema);
PyObject* zcxpy_export_array_capsules(zcx_array_t* array, const zcx_field_t* field,
                                      zcx_batch_t* batch, PyObject* args, PyObject* kwargs);
PyObject* zcxpy_export_stream_capsule(zcx_array_t* array, const zcx_field_t* field,
                                      zcx_batch_t* batch, PyObject* args, PyObject* kwargs);

// Adds zcx.from_arrow, zcx.read_stream and zcx.export_stream. Returns 0, or -1 with an
// exception set.
int zcxpy_capsule_register(PyObject* module);

// ---------------------------------------------------------------------------------------------
// arrow_stream.c

// Exports `n` arrays (all of `field`'s type) or `n` batches (all of `schema`) as an
// ArrowArrayStream whose get_schema gives `field` (or `schema`). Everything is retained.
// @return 0; ENOMEM (then `out` is left released).
int zcxpy_stream_export(const zcx_field_t* field, zcx_array_t* const* arrays,
                        zcx_schema_t* schema, zcx_batch_t* const* batches, int64_t n,
                        struct ArrowArrayStream* out, zcx_error_t* err);

// ---------------------------------------------------------------------------------------------
// arrow_pylist.c

// Element i (relative to the array's offset) of `array` as a Python object (see
// Array.to_pylist for the mapping). NULL with an exception set.
PyObject* zcxpy_array_value(const zcx_array_t* array, int64_t i);

// All elements as a list. NULL with an exception set.
PyObject* zcxpy_array_to_pylist(const zcx_array_t* array);

// ---------------------------------------------------------------------------------------------
// arrow_type.c

// Parses a type as zcx_type_to_string prints it ("int32", "timestamp[ms, tz=UTC]",
// "list<item: string>", "struct<a: int32, b: double not null>", "fixed_size_list<float>[3]",
// "map<string, int64>", "decimal128(10, 2)") plus the aliases float16/32/64, utf8 and boolean.
// Sets *out to a new type. -1 with ValueError naming the position.
int zcxpy_type_parse(const char* text, zcx_type_t** out);

// Reads a type argument: a str as above, or a zcx.Field (its type). -1 with an exception.
int zcxpy_type_arg(PyObject* obj, zcx_type_t** out);

// ---------------------------------------------------------------------------------------------
// arrow_build.c

// Builds an array of `type` from a Python sequence (None: null). -1 with an exception set.
int zcxpy_build_array(PyObject* values, zcx_type_t* type, zcx_mr_t* mr, zcx_array_t** out);

// Adds zcx.array. Returns 0, or -1 with an exception set.
int zcxpy_build_register(PyObject* module);

// ---------------------------------------------------------------------------------------------
// layout.c

// Adds zcx.aos_to_soa, zcx.soa_to_aos and zcx.field_view. Returns 0, or -1 with an exception.
int zcxpy_layout_register(PyObject* module);

#endif  // ZCX_PYTHON_ARROW_INTERNAL_H
