// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// `zcx validate PATH`: checks an Arrow IPC file or stream completely (framing, flatbuffers,
// buffers inside their bodies, every offset, index and type id). Exit 0 valid, 1 invalid
// (with the reason), 2 usage.
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "ipc_input.h"

void zcxt_usage_validate(FILE* out) {
  fprintf(out,
          "usage: zcx validate PATH\n"
          "\n"
          "Checks an Arrow IPC file or stream (detected from its first bytes; '-' reads\n"
          "standard input) completely: message framing, flatbuffers, that every buffer lies\n"
          "in its body, and every offset, dictionary index, union type id and run end.\n"
          "Prints 'valid: ...' and exits 0, or prints the reason and exits 1.\n"
          "\n"
          "options:\n"
          "  -h, --help  this text\n");
}

int zcxt_cmd_validate(int argc, char** argv) {
  const char* path = NULL;
  for (int i = 1; i < argc; i++) {
    if (zcxt_is_help(argv[i])) {
      zcxt_usage_validate(stdout);
      return ZCXT_EXIT_OK;
    } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
      return zcxt_usage_error("validate", "unknown option '%s'", argv[i]);
    } else if (path == NULL) {
      path = argv[i];
    } else {
      return zcxt_usage_error("validate", "unexpected argument '%s'", argv[i]);
    }
  }
  if (path == NULL) {
    return zcxt_usage_error("validate", "missing PATH");
  }
  zcx_error_t err;
  zcx_error_init(&err);
  zcxt_ipc_input_t in;
  if (zcxt_ipc_input_open(path, &in, &err) != 0) {
    return zcxt_fail("validate", "invalid: %s", err.message);
  }
  zcx_schema_t* schema = NULL;
  zcx_batch_t** batches = NULL;
  int64_t count = 0;
  int status = ZCXT_EXIT_OK;
  int rc = zcxt_ipc_input_read_all(&in, false, &schema, &batches, &count, &err);
  int64_t rows = 0;
  for (int64_t k = 0; rc == 0 && k < count; k++) {
    // The reader validated each batch; this also checks the batch against its schema.
    rc = zcx_batch_validate(batches[k], ZCX_VALIDATE_FULL, &err);
    rows += batches[k]->num_rows;
    if (rc != 0) {
      zcx_error_prefix(&err, "batch %lld: ", (long long)k);
    }
  }
  if (rc != 0) {
    status = zcxt_fail("validate", "invalid: %s: %s", path, err.message);
  } else {
    printf("valid: %s: Arrow IPC %s, %d fields, %lld batches, %lld rows\n", path,
           in.is_file ? "file" : "stream", schema->num_fields, (long long)count,
           (long long)rows);
  }
  zcx_ipc_batches_free(batches, count);
  zcx_schema_release(schema);
  zcxt_ipc_input_close(&in);
  return status;
}
