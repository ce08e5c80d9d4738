// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// A small streaming JSON writer for the results of the `zcx` subcommands.
//
// Usage: zcxt_json_init(&w, file, true); zcxt_json_begin_object(&w);
// zcxt_json_key(&w, "trace"); zcxt_json_string(&w, path); ... zcxt_json_end_object(&w);
// then zcxt_json_finish(&w) reports whether everything was written. Commas, quoting and
// indentation are handled by the writer; NaN and infinities are written as null. One thread
// at a time.
#ifndef ZCX_TOOLS_JSON_WRITER_H
#define ZCX_TOOLS_JSON_WRITER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "zcx/core.h"

#define ZCXT_JSON_MAX_DEPTH 32

typedef struct zcxt_json {
  FILE* out;
  bool pretty;
  int depth;
  bool first[ZCXT_JSON_MAX_DEPTH];  ///< no value written yet at this depth
  bool in_array[ZCXT_JSON_MAX_DEPTH];
  bool after_key;
  bool misuse;  ///< unbalanced or too deep nesting, value without key, ...
} zcxt_json_t;

void zcxt_json_init(zcxt_json_t* w, FILE* out, bool pretty);
void zcxt_json_begin_object(zcxt_json_t* w);
void zcxt_json_end_object(zcxt_json_t* w);
void zcxt_json_begin_array(zcxt_json_t* w);
void zcxt_json_end_array(zcxt_json_t* w);
/// The key of the next value of the current object.
void zcxt_json_key(zcxt_json_t* w, const char* key);
void zcxt_json_string(zcxt_json_t* w, const char* s);
void zcxt_json_int(zcxt_json_t* w, int64_t v);
void zcxt_json_double(zcxt_json_t* w, double v);
void zcxt_json_bool(zcxt_json_t* w, bool v);
void zcxt_json_null(zcxt_json_t* w);

// Key and value in one call.
void zcxt_json_kv_string(zcxt_json_t* w, const char* key, const char* s);
void zcxt_json_kv_int(zcxt_json_t* w, const char* key, int64_t v);
void zcxt_json_kv_double(zcxt_json_t* w, const char* key, double v);
void zcxt_json_kv_bool(zcxt_json_t* w, const char* key, bool v);

/// Ends the document with a newline and flushes.
/// @return 0; EINVAL (unbalanced nesting or a value without its key); EIO (write error).
int zcxt_json_finish(zcxt_json_t* w, zcx_error_t* err);

/// Opens `path` for writing ("-" is stdout).
/// @return 0; errno of fopen, with the path and the reason in err.
int zcxt_json_open(const char* path, FILE** out, zcx_error_t* err);

/// Closes a file from zcxt_json_open (not stdout).
/// @return 0; EIO with the path and the reason in err.
int zcxt_json_close(FILE* f, const char* path, zcx_error_t* err);

#endif  // ZCX_TOOLS_JSON_WRITER_H
