// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// zcx json: a reader of the Apache Arrow integration-test JSON format, the text form of a
// schema, its record batches and its dictionaries that sits beside every golden IPC file.
//
// Contract:
// - The reader turns one JSON document (plain or gzip-compressed) into a schema, record
//   batches and dictionaries built from zcx arrays. Buffers are filled exactly as the JSON
//   states them (offsets, views, type ids and run ends are kept as written, not recomputed),
//   so that zcx_batch_validate(ZCX_VALIDATE_FULL) says whether the data itself is sound.
// - Every dictionary-encoded array has its `dictionary` set to the dictionary of its field's
//   id; nested dictionaries (a dictionary whose values hold dictionary-encoded fields) are
//   resolved too. Fields carry their id in zcx_field_t.dictionary_id.
// - A field whose metadata names ARROW:extension:name becomes an extension type over the
//   field's type (over the dictionary type when the field is dictionary-encoded), with the
//   ARROW:extension:* keys moved out of the field's metadata into the type.
// - Bad input (malformed JSON, a missing or mistyped member, counts that disagree, a value
//   out of range) fails with EINVAL and a message naming the file, the member path and the
//   problem, e.g. "f.json: batches[1].columns[2] 'x'.OFFSET[3]: 9 > 8". Nothing is printed.
// - The result is immutable; its arrays may be shared across threads.
#ifndef ZCX_JSON_H
#define ZCX_JSON_H

#include "zcx/array.h"
#include "zcx/core.h"
#include "zcx/memory.h"

#ifdef __cplusplus
extern "C" {
#endif

/// One integration JSON document. Owned by the caller; free with zcx_json_file_destroy.
/// Every member is owned by the file (retain what you keep beyond its life).
typedef struct zcx_json_file {
  zcx_schema_t* schema;          ///< the schema
  int32_t num_batches;           ///< record batches in file order
  zcx_batch_t** batches;
  int32_t num_dictionaries;      ///< dictionaries in file order
  int64_t* dictionary_ids;       ///< the id of each dictionary
  zcx_array_t** dictionaries;    ///< the values of each dictionary
} zcx_json_file_t;

/// Reads the integration JSON document at `path` (gzip-compressed, as `*.json.gz`, or plain
/// text). Buffers come from `mr` (NULL: the default resource).
/// @return 0 and `*out` set; EINVAL (bad document: the message names file, member path and
///         problem); EIO (the file cannot be opened or read); ENOMEM. On failure `*out` is
///         NULL.
ZCX_API ZCX_NODISCARD int zcx_json_read_file(const char* path, zcx_mr_t* mr,
                                             zcx_json_file_t** out, zcx_error_t* err);

/// Reads a document from memory: `size` bytes of JSON text (not compressed). `name` (may be
/// NULL) is what error messages call the document. The text is borrowed for the call only.
/// @return as zcx_json_read_file (without EIO).
ZCX_API ZCX_NODISCARD int zcx_json_read_buffer(const void* data, size_t size, const char* name,
                                               zcx_mr_t* mr, zcx_json_file_t** out,
                                               zcx_error_t* err);

/// The dictionary with IPC id `id` (borrowed), or NULL.
ZCX_API zcx_array_t* zcx_json_file_dictionary(const zcx_json_file_t* file, int64_t id);

/// Total number of rows over all batches.
ZCX_API int64_t zcx_json_file_num_rows(const zcx_json_file_t* file);

/// Releases everything the file holds. NULL is ignored.
ZCX_API void zcx_json_file_destroy(zcx_json_file_t* file);

#ifdef __cplusplus
}
#endif

#endif  // ZCX_JSON_H
