// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Input of the IPC subcommands (inspect, cat, validate, convert): a path or "-" (standard
// input, read whole) held in memory, its format (file or stream) detected from the bytes,
// and the values of cells as text or JSON for printing.
#ifndef ZCX_TOOLS_IPC_INPUT_H
#define ZCX_TOOLS_IPC_INPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "zcx/ipc.h"

/// An IPC input in memory: a mapped file, or standard input read whole.
typedef struct zcxt_ipc_input {
  const char* path;    ///< as given ("-" for standard input)
  zcx_buffer_t* data;  ///< owned
  bool is_file;        ///< starts with "ARROW1" (else: a stream)
} zcxt_ipc_input_t;

/// Opens `path` ("-": standard input). @return 0; errno of open/read with the path in err;
/// EINVAL (empty input).
int zcxt_ipc_input_open(const char* path, zcxt_ipc_input_t* in, zcx_error_t* err);
void zcxt_ipc_input_close(zcxt_ipc_input_t* in);

/// Reads the schema and every batch (fully validated unless `trusted`).
int zcxt_ipc_input_read_all(const zcxt_ipc_input_t* in, bool trusted, zcx_schema_t** schema,
                            zcx_batch_t*** batches, int64_t* count, zcx_error_t* err);

/// Writes element `i` of `a` as a JSON value (null, number, bool, string; nested types as
/// arrays and objects; other types as the string the array printer writes).
void zcxt_write_json_value(FILE* out, zcx_array_t* a, int64_t i);

/// Writes element `i` of `a` as text for a table cell into buf (truncated to fit).
void zcxt_format_cell(zcx_array_t* a, int64_t i, char* buf, size_t size);

#endif  // ZCX_TOOLS_IPC_INPUT_H
