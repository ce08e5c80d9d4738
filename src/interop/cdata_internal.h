// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Internal declarations shared by the Arrow C Data / Stream / Device files of src/interop.
#ifndef ZCX_SRC_INTEROP_CDATA_INTERNAL_H
#define ZCX_SRC_INTEROP_CDATA_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "zcx/cdata.h"

// Longest field path kept in error messages ("a.b.c"); longer paths are truncated.
#define ZCXI_CDATA_PATH_SIZE 256

// Appends ".name" (or "name" at the root) to `path` of ZCXI_CDATA_PATH_SIZE bytes into `out`.
// An empty name becomes the child's index, so that every level stays visible.
void zcxi_cdata_path_child(const char* path, const char* name, int64_t index, char* out);

// "field 'a.b'" or "top-level field" for error messages.
const char* zcxi_cdata_path_show(const char* path, char* buf, size_t size);

// ----- cdata_schema.c

// Exports one schema node for `type` named `name` with field metadata `md` (may be NULL).
int zcxi_cdata_export_node(const zcx_type_t* type, const char* name, bool nullable,
                           const zcx_metadata_t* md, struct ArrowSchema* out, zcx_error_t* err);

// Imports `schema` into a field without releasing it (the caller still owns the struct).
int zcxi_cdata_parse_field(const struct ArrowSchema* schema, zcx_field_t** out, zcx_error_t* err);

// Imports a struct ArrowSchema into a zcx schema without releasing it.
int zcxi_cdata_parse_schema(const struct ArrowSchema* schema, zcx_schema_t** out,
                            zcx_error_t* err);

// ----- cdata_array.c

// Where the buffers of an exported array live; filled while exporting.
typedef struct zcxi_cdata_devices {
  bool any;             // a buffer was seen
  bool mixed;           // buffers on more than one device
  bool non_host;        // a buffer the CPU cannot read
  zcx_device_t device;  // the device of the first buffer seen
} zcxi_cdata_devices_t;

// Exports `array` into `out` and records its buffers' devices in `devs`.
int zcxi_cdata_export_array(zcx_array_t* array, struct ArrowArray* out, zcxi_cdata_devices_t* devs,
                            zcx_error_t* err);

// Exports a batch as a struct array (no nulls).
int zcxi_cdata_export_batch(zcx_batch_t* batch, struct ArrowArray* out, zcxi_cdata_devices_t* devs,
                            zcx_error_t* err);

// Imports `array` of `type` with buffers on `device` (moved on success).
int zcxi_cdata_import_array(struct ArrowArray* array, const zcx_type_t* type,
                            zcx_validate_level_t level, zcx_device_t device, zcx_array_t** out,
                            zcx_error_t* err);

// Imports a struct array as a batch of `schema` with buffers on `device` (moved on success).
int zcxi_cdata_import_batch(struct ArrowArray* array, zcx_schema_t* schema,
                            zcx_validate_level_t level, zcx_device_t device, zcx_batch_t** out,
                            zcx_error_t* err);

// Turns an imported struct array into a batch of `schema` (the array is borrowed).
int zcxi_cdata_struct_to_batch(zcx_array_t* st, zcx_schema_t* schema, zcx_batch_t** out,
                               zcx_error_t* err);

// The devices of every buffer of a batch.
void zcxi_cdata_batch_devices(const zcx_batch_t* batch, zcxi_cdata_devices_t* devs);

// ----- cdata_stream.c

// Creates a reader over either an ArrowArrayStream or an ArrowDeviceArrayStream.
int zcxi_cdata_reader_create(struct ArrowArrayStream* stream,
                             struct ArrowDeviceArrayStream* dstream, zcx_validate_level_t level,
                             zcx_cdata_reader_t** out, zcx_error_t* err);

#endif  // ZCX_SRC_INTEROP_CDATA_INTERNAL_H
