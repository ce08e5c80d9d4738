// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Helpers shared by the ipc tests (tests/ipc/ipc_support.c).
#ifndef ZCX_TESTS_IPC_SUPPORT_H
#define ZCX_TESTS_IPC_SUPPORT_H

#include "zcx/ipc.h"

// A field over `type`; takes the caller's reference to `type`.
zcx_field_t* ts_field(const char* name, zcx_type_t* type, bool nullable);
zcx_type_t* ts_type(zcx_type_id_t id);
// A deterministic array of `n` elements (nulls every 5th where allowed), validated.
zcx_array_t* ts_make_array(zcx_type_t* type, int64_t n, bool nullable, int64_t seed);
// A schema with a column of every type zcx writes, and schema metadata.
zcx_schema_t* ts_all_types_schema(void);
zcx_batch_t* ts_make_batch(zcx_schema_t* schema, int64_t rows, int64_t seed);
// Writes batches into memory and returns the output.
zcx_buffer_t* ts_write(zcx_ipc_format_t format, zcx_ipc_compression_t codec,
                       zcx_schema_t* schema, zcx_batch_t* const* batches, int n);
zcx_buffer_t* ts_copy(const void* data, size_t n);

#endif  // ZCX_TESTS_IPC_SUPPORT_H
