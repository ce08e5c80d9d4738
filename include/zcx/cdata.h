// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// zcx cdata: the Arrow C Data, C Stream and C Device Data interfaces (the ABI structs, declared
// here with the official layouts) and zcx's export and import of types, fields, schemas,
// arrays, record batches, streams and device arrays through them.
//
// Contract:
// - The ABI structs below have exactly the layouts of Arrow's `arrow/c/abi.h` and sit under its
//   include guards (ARROW_C_DATA_INTERFACE, ARROW_C_STREAM_INTERFACE,
//   ARROW_C_DEVICE_DATA_INTERFACE, ARROW_C_DEVICE_STREAM_INTERFACE), so a program may include
//   this header and the official one (or nanoarrow's) in either order.
// - Export is O(number of buffers and children), never O(rows): the exported struct holds
//   references to the zcx objects (each child and the dictionary hold their own, so the spec's
//   "move a child out and release it independently" works) until the consumer calls its
//   `release`, exactly once, from any thread. Exported strings and metadata are copies.
// - Import moves: on success the source struct is marked released (`release` = NULL) and zcx
//   owns what it held. Schemas are copied into zcx types and released at once; arrays are
//   wrapped without copying: every zcx buffer made from an imported ArrowArray holds a
//   reference to one shared owner, which calls the producer's `release` exactly once when the
//   last of those buffers drops (possibly long after, on any thread).
//   On failure the caller still owns the source struct, which is left untouched:
//   release it with zcx_cdata_release_array / _schema / _stream (or its own release).
// - Import checks at least the cheap level (buffer and child counts against the type, negative
//   lengths, offsets and null counts, NULL buffers where data is required, the sizes the
//   offsets imply, O(number of buffers)); ZCX_VALIDATE_FULL also checks every offset, view,
//   run end, dictionary index and union type id (zcx_array_validate). Data from another
//   process or library should be imported with ZCX_VALIDATE_FULL unless it is trusted.
// - Error messages name the field path, the format string and the problem
//   ("field 'a.b' (format 'tsq'): unknown time unit 'q'").
// - Device arrays: buffers of non-host devices are described, never read. Their cheap
//   validation cannot read offsets, so variable-length data buffers of such arrays get the
//   size the caller cannot check; use a CPU copy before full validation.
#ifndef ZCX_CDATA_H
#define ZCX_CDATA_H

#include <stdint.h>

#include "zcx/array.h"
#include "zcx/core.h"

#ifdef __cplusplus
extern "C" {
#endif

// ---------------------------------------------------------------------------------------------
// The Arrow C Data interface ABI.
#ifndef ARROW_C_DATA_INTERFACE
#define ARROW_C_DATA_INTERFACE

/// ArrowSchema.flags: dictionary indices are ordered.
#define ARROW_FLAG_DICTIONARY_ORDERED 1
/// ArrowSchema.flags: the field may hold nulls.
#define ARROW_FLAG_NULLABLE 2
/// ArrowSchema.flags: the keys of each map entry are sorted.
#define ARROW_FLAG_MAP_KEYS_SORTED 4

/// The type of an array: a format string, a name, binary metadata and children.
struct ArrowSchema {
  const char* format;
  const char* name;
  const char* metadata;
  int64_t flags;
  int64_t n_children;
  struct ArrowSchema** children;
  struct ArrowSchema* dictionary;
  void (*release)(struct ArrowSchema*);
  void* private_data;
};

/// The data of an array: length, null count, offset, buffers, children, dictionary.
struct ArrowArray {
  int64_t length;
  int64_t null_count;
  int64_t offset;
  int64_t n_buffers;
  int64_t n_children;
  const void** buffers;
  struct ArrowArray** children;
  struct ArrowArray* dictionary;
  void (*release)(struct ArrowArray*);
  void* private_data;
};

#endif  // ARROW_C_DATA_INTERFACE

// ---------------------------------------------------------------------------------------------
// The Arrow C Device Data interface ABI.
#ifndef ARROW_C_DEVICE_DATA_INTERFACE
#define ARROW_C_DEVICE_DATA_INTERFACE

/// Where the buffers of a device array live (DLPack's device numbers).
typedef int32_t ArrowDeviceType;

#define ARROW_DEVICE_CPU 1
#define ARROW_DEVICE_CUDA 2
#define ARROW_DEVICE_CUDA_HOST 3
#define ARROW_DEVICE_OPENCL 4
#define ARROW_DEVICE_VULKAN 7
#define ARROW_DEVICE_METAL 8
#define ARROW_DEVICE_VPI 9
#define ARROW_DEVICE_ROCM 10
#define ARROW_DEVICE_ROCM_HOST 11
#define ARROW_DEVICE_EXT_DEV 12
#define ARROW_DEVICE_CUDA_MANAGED 13
#define ARROW_DEVICE_ONEAPI 14
#define ARROW_DEVICE_WEBGPU 15
#define ARROW_DEVICE_HEXAGON 16

/// An ArrowArray whose buffers (and its children's) live on one device.
struct ArrowDeviceArray {
  struct ArrowArray array;
  int64_t device_id;
  ArrowDeviceType device_type;
  /// An event to wait for before reading the buffers (cudaEvent_t* on CUDA), or NULL.
  void* sync_event;
  int64_t reserved[3];
};

#endif  // ARROW_C_DEVICE_DATA_INTERFACE

// ---------------------------------------------------------------------------------------------
// The Arrow C Stream interface ABI.
#ifndef ARROW_C_STREAM_INTERFACE
#define ARROW_C_STREAM_INTERFACE

/// A stream of arrays of one type. get_schema and get_next return 0 or an errno value; at
/// the end of the stream get_next succeeds with a released array. get_last_error may only be
/// called after a failure; its string lives until the next call on the stream.
struct ArrowArrayStream {
  int (*get_schema)(struct ArrowArrayStream*, struct ArrowSchema* out);
  int (*get_next)(struct ArrowArrayStream*, struct ArrowArray* out);
  const char* (*get_last_error)(struct ArrowArrayStream*);
  void (*release)(struct ArrowArrayStream*);
  void* private_data;
};

#endif  // ARROW_C_STREAM_INTERFACE

// ---------------------------------------------------------------------------------------------
// The Arrow C Device Stream interface ABI.
#ifndef ARROW_C_DEVICE_STREAM_INTERFACE
#define ARROW_C_DEVICE_STREAM_INTERFACE

/// A stream of device arrays, all on one device type.
struct ArrowDeviceArrayStream {
  ArrowDeviceType device_type;
  int (*get_schema)(struct ArrowDeviceArrayStream* self, struct ArrowSchema* out);
  int (*get_next)(struct ArrowDeviceArrayStream* self, struct ArrowDeviceArray* out);
  const char* (*get_last_error)(struct ArrowDeviceArrayStream* self);
  void (*release)(struct ArrowDeviceArrayStream* self);
  void* private_data;
};

#endif  // ARROW_C_DEVICE_STREAM_INTERFACE

// ---------------------------------------------------------------------------------------------
// Releasing ABI structs

/// Calls `schema->release` if the struct is not released yet (NULL is ignored). Afterwards
/// `schema->release` is NULL.
ZCX_API void zcx_cdata_release_schema(struct ArrowSchema* schema);
/// Calls `array->release` if the struct is not released yet (NULL is ignored).
ZCX_API void zcx_cdata_release_array(struct ArrowArray* array);
/// Calls `stream->release` if the struct is not released yet (NULL is ignored).
ZCX_API void zcx_cdata_release_stream(struct ArrowArrayStream* stream);
/// Calls `array->array.release` if the struct is not released yet (NULL is ignored).
ZCX_API void zcx_cdata_release_device_array(struct ArrowDeviceArray* array);
/// Calls `stream->release` if the struct is not released yet (NULL is ignored).
ZCX_API void zcx_cdata_release_device_stream(struct ArrowDeviceArrayStream* stream);

// ---------------------------------------------------------------------------------------------
// Schemas

/// Writes the C Data format string of `type` ("i", "tsu:UTC", "+w:4", "d:10,2,64"...) into
/// `buf` (always NUL-terminated, truncated to fit). Dictionary types give their index type's
/// format, extension types their storage type's. Returns the length it needed, or -1 for an
/// unknown type id.
ZCX_API int64_t zcx_cdata_format(const zcx_type_t* type, char* buf, size_t size);

/// Exports `field` (name, nullability, metadata, type with its children, dictionary and
/// extension keys) into `out`, which the caller releases. Borrows `field`.
/// @return 0; EINVAL (NULL argument, a type with no C Data form); ENOMEM (then *out is
///   released).
ZCX_API ZCX_NODISCARD int zcx_cdata_export_field(const zcx_field_t* field,
                                                 struct ArrowSchema* out, zcx_error_t* err);

/// Exports `type` as a field named `name` (NULL: "") that is nullable.
/// @return as zcx_cdata_export_field.
ZCX_API ZCX_NODISCARD int zcx_cdata_export_type(const zcx_type_t* type, const char* name,
                                                struct ArrowSchema* out, zcx_error_t* err);

/// Exports `schema` as a struct ("+s") whose children are its fields, with the schema's
/// metadata on the top-level struct. @return as zcx_cdata_export_field.
ZCX_API ZCX_NODISCARD int zcx_cdata_export_schema(const zcx_schema_t* schema,
                                                  struct ArrowSchema* out, zcx_error_t* err);

/// Imports `schema` into a new field (the caller releases *out). Moves: on success `schema`
/// is released; on failure it is untouched and still belongs to the caller.
/// @return 0; EINVAL (released or malformed struct, bad or unknown format string, bad
///   metadata encoding, children that disagree with the format; the message names the field
///   path and the format string); ENOMEM.
ZCX_API ZCX_NODISCARD int zcx_cdata_import_field(struct ArrowSchema* schema, zcx_field_t** out,
                                                 zcx_error_t* err);

/// Imports `schema` into a new type (the top-level name, flags and field metadata dropped).
/// Moves as zcx_cdata_import_field. @return as zcx_cdata_import_field.
ZCX_API ZCX_NODISCARD int zcx_cdata_import_type(struct ArrowSchema* schema, zcx_type_t** out,
                                                zcx_error_t* err);

/// Imports a struct ("+s") schema into a zcx schema: its children become the fields, its
/// metadata the schema's metadata. Moves as zcx_cdata_import_field.
/// @return as zcx_cdata_import_field; EINVAL also when the format is not "+s".
ZCX_API ZCX_NODISCARD int zcx_cdata_import_schema(struct ArrowSchema* schema,
                                                  zcx_schema_t** out, zcx_error_t* err);

// ---------------------------------------------------------------------------------------------
// Arrays and record batches

/// Exports `array` into `out` without copying: `out` holds a reference to `array` (each
/// child and the dictionary hold their own) until released. When `out_schema` is not NULL
/// it receives the array's type (as zcx_cdata_export_type with an empty name). View types
/// get their variadic sizes buffer appended. The buffers must be host-accessible (use
/// zcx_cdata_export_device_array otherwise). The caller keeps its own reference.
/// @return 0; EINVAL (NULL argument, buffers on a device the CPU cannot read); ENOMEM (then
///   both outputs are released and nothing is retained).
ZCX_API ZCX_NODISCARD int zcx_cdata_export_array(zcx_array_t* array, struct ArrowArray* out,
                                                 struct ArrowSchema* out_schema,
                                                 zcx_error_t* err);

/// Imports `array`, whose type is `type` (borrowed), into a new zcx array without copying.
/// Moves: on success `array` is released (the producer's release runs when the last zcx
/// buffer made from it drops); on failure `array` is untouched and still belongs to the
/// caller. `level` says how much to check (see the contract).
/// @return 0; EINVAL (released struct, a buffer or child count that disagrees with the type,
///   negative length, offset or null count, NULL buffer where data is required, offsets out
///   of range; at ZCX_VALIDATE_FULL any invalid value; the message names the field path);
///   ENOMEM.
ZCX_API ZCX_NODISCARD int zcx_cdata_import_array(struct ArrowArray* array, const zcx_type_t* type,
                                                 zcx_validate_level_t level, zcx_array_t** out,
                                                 zcx_error_t* err);

/// Imports `array` and its `schema` together. Both move on success; on failure both are
/// untouched. @return as zcx_cdata_import_field and zcx_cdata_import_array.
ZCX_API ZCX_NODISCARD int zcx_cdata_import_array_schema(struct ArrowArray* array,
                                                        struct ArrowSchema* schema,
                                                        zcx_validate_level_t level,
                                                        zcx_array_t** out, zcx_error_t* err);

/// Exports `batch` as a struct array with no nulls whose children are the columns, and (when
/// `out_schema` is not NULL) its schema as zcx_cdata_export_schema. O(columns).
/// @return as zcx_cdata_export_array.
ZCX_API ZCX_NODISCARD int zcx_cdata_export_batch(zcx_batch_t* batch, struct ArrowArray* out,
                                                 struct ArrowSchema* out_schema,
                                                 zcx_error_t* err);

/// Imports a struct array with no top-level nulls as a record batch of `schema` (borrowed;
/// retained by the batch). The struct's offset is applied to the columns (O(1) slices).
/// Moves as zcx_cdata_import_array. @return as zcx_cdata_import_array; EINVAL also when the
/// struct has nulls or its child count differs from the schema's.
ZCX_API ZCX_NODISCARD int zcx_cdata_import_batch(struct ArrowArray* array, zcx_schema_t* schema,
                                                 zcx_validate_level_t level, zcx_batch_t** out,
                                                 zcx_error_t* err);

// ---------------------------------------------------------------------------------------------
// Streams

/// Produces the batches of an exported stream one at a time. Sets *out to a new batch (the
/// stream takes that reference) or to NULL at the end. Returns 0 or an errno value with a
/// message in `err` (which the consumer reads through get_last_error). Called from the
/// consumer's thread, one call at a time.
typedef int (*zcx_cdata_next_fn)(void* ctx, zcx_batch_t** out, zcx_error_t* err);

/// Frees the context of a zcx_cdata_next_fn (called once, when the stream is released).
typedef void (*zcx_cdata_ctx_release_fn)(void* ctx);

/// Exports `n` batches of `schema` (all retained) as a stream. Each batch's schema must
/// equal `schema`. The consumer releases `out`.
/// @return 0; EINVAL (NULL argument, a batch whose schema differs); ENOMEM.
ZCX_API ZCX_NODISCARD int zcx_cdata_export_stream(zcx_schema_t* schema,
                                                  zcx_batch_t* const* batches, int64_t n,
                                                  struct ArrowArrayStream* out,
                                                  zcx_error_t* err);

/// Exports a stream of batches of `schema` (retained) drawn from `next(ctx)`. A batch whose
/// schema differs from `schema` ends the stream with EINVAL. `release_ctx` (may be NULL) is
/// called once with `ctx` when the stream is released, or right away when this call fails.
/// @return 0; EINVAL; ENOMEM.
ZCX_API ZCX_NODISCARD int zcx_cdata_export_stream_fn(zcx_schema_t* schema,
                                                     zcx_cdata_next_fn next,
                                                     zcx_cdata_ctx_release_fn release_ctx,
                                                     void* ctx, struct ArrowArrayStream* out,
                                                     zcx_error_t* err);

/// Reads arrays or record batches from an imported ArrowArrayStream or ArrowDeviceArrayStream.
/// One thread at a time.
typedef struct zcx_cdata_reader zcx_cdata_reader_t;

/// Takes `stream` (moved on success: the reader releases it when destroyed; on failure it is
/// untouched), reads its schema and validates every array at `level`.
/// @return 0; EINVAL (released stream, bad schema); the status of get_schema, with the
///   stream's get_last_error in the message; ENOMEM.
ZCX_API ZCX_NODISCARD int zcx_cdata_reader_create(struct ArrowArrayStream* stream,
                                                  zcx_validate_level_t level,
                                                  zcx_cdata_reader_t** out, zcx_error_t* err);

/// The same for a device stream; the arrays' buffers are on the stream's device. Arrays with
/// a sync event are refused (ENOTSUP) since the reader cannot wait for them.
ZCX_API ZCX_NODISCARD int zcx_cdata_reader_create_device(struct ArrowDeviceArrayStream* stream,
                                                         zcx_validate_level_t level,
                                                         zcx_cdata_reader_t** out,
                                                         zcx_error_t* err);

/// The stream's type as a field (borrowed; lives as long as the reader).
ZCX_API const zcx_field_t* zcx_cdata_reader_field(const zcx_cdata_reader_t* reader);

/// The stream's schema when its type is a struct (borrowed), else NULL.
ZCX_API zcx_schema_t* zcx_cdata_reader_schema(const zcx_cdata_reader_t* reader);

/// Reads the next array (the caller releases it), or sets *out to NULL at the end.
/// @return 0; the producer's status with its get_last_error in the message; EINVAL (invalid
///   array); ENOMEM. After a failure or the end, every later call repeats it.
ZCX_API ZCX_NODISCARD int zcx_cdata_reader_next_array(zcx_cdata_reader_t* reader,
                                                      zcx_array_t** out, zcx_error_t* err);

/// Reads the next record batch (the stream's type must be a struct), or NULL at the end.
/// @return as zcx_cdata_reader_next_array; EINVAL also when the type is not a struct.
ZCX_API ZCX_NODISCARD int zcx_cdata_reader_next(zcx_cdata_reader_t* reader, zcx_batch_t** out,
                                                zcx_error_t* err);

/// Releases the stream and frees the reader. NULL is ignored.
ZCX_API void zcx_cdata_reader_destroy(zcx_cdata_reader_t* reader);

// ---------------------------------------------------------------------------------------------
// Device arrays and streams

/// Exports `array` as a device array: device_type and device_id come from its buffers,
/// which must all be on one device (an array with no buffers is on the CPU). sync_event is
/// NULL: the data must be ready when this is called (synchronize the producing stream first).
/// @return as zcx_cdata_export_array; EINVAL also when buffers are on different devices.
ZCX_API ZCX_NODISCARD int zcx_cdata_export_device_array(zcx_array_t* array,
                                                        struct ArrowDeviceArray* out,
                                                        struct ArrowSchema* out_schema,
                                                        zcx_error_t* err);

/// Imports a device array of `type`: the zcx buffers are on {device_type, device_id}.
/// Buffers the CPU cannot read are never read (only the cheap checks that need no data run;
/// ZCX_VALIDATE_FULL on them is ENOTSUP). When the producer set a sync event, `sync_event`
/// must not be NULL and receives it (the caller waits for it before reading); with a NULL
/// `sync_event` such an array is refused. Moves as zcx_cdata_import_array.
/// @return as zcx_cdata_import_array; ENOTSUP (full validation of device memory, a sync
///   event nobody takes); EINVAL also for a negative or too large device id.
ZCX_API ZCX_NODISCARD int zcx_cdata_import_device_array(struct ArrowDeviceArray* array,
                                                        const zcx_type_t* type,
                                                        zcx_validate_level_t level,
                                                        void** sync_event, zcx_array_t** out,
                                                        zcx_error_t* err);

/// Exports `n` batches of `schema` as a device stream whose device_type is that of the
/// batches' buffers (all batches on one device; CPU when there are none).
/// @return as zcx_cdata_export_stream; EINVAL also for batches on different devices.
ZCX_API ZCX_NODISCARD int zcx_cdata_export_device_stream(zcx_schema_t* schema,
                                                         zcx_batch_t* const* batches, int64_t n,
                                                         struct ArrowDeviceArrayStream* out,
                                                         zcx_error_t* err);

#ifdef __cplusplus
}
#endif

#endif  // ZCX_CDATA_H
