// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// `zcx convert IN OUT [--format file|stream] [--compression none|lz4|zstd]`: rewrites an
// Arrow IPC file or stream in the other format or with another body compression.
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "ipc_input.h"

void zcxt_usage_convert(FILE* out) {
  fprintf(out,
          "usage: zcx convert IN OUT [--format file|stream] [--compression none|lz4|zstd]\n"
          "\n"
          "Reads an Arrow IPC file or stream (detected from its first bytes) and writes it\n"
          "again as a file or a stream, with or without body compression. '-' as IN reads\n"
          "standard input, as OUT writes standard output. The input is fully validated.\n"
          "\n"
          "options:\n"
          "  --format file|stream          the output format (default: the input's)\n"
          "  --compression none|lz4|zstd   body compression (default none)\n"
          "  -h, --help                    this text\n");
}

int zcxt_cmd_convert(int argc, char** argv) {
  const char* paths[2] = {NULL, NULL};
  int npaths = 0;
  const char* value = NULL;
  int format = -1;
  zcx_ipc_compression_t codec = ZCX_IPC_COMPRESSION_NONE;
  for (int i = 1; i < argc; i++) {
    if (zcxt_is_help(argv[i])) {
      zcxt_usage_convert(stdout);
      return ZCXT_EXIT_OK;
    } else if (zcxt_opt_value(argc, argv, &i, "--format", &value)) {
      if (value != NULL && strcmp(value, "file") == 0) {
        format = ZCX_IPC_FILE;
      } else if (value != NULL && strcmp(value, "stream") == 0) {
        format = ZCX_IPC_STREAM;
      } else {
        return zcxt_usage_error("convert", "--format takes file or stream");
      }
    } else if (zcxt_opt_value(argc, argv, &i, "--compression", &value)) {
      if (value != NULL && strcmp(value, "none") == 0) {
        codec = ZCX_IPC_COMPRESSION_NONE;
      } else if (value != NULL && (strcmp(value, "lz4") == 0 || strcmp(value, "lz4_frame") == 0)) {
        codec = ZCX_IPC_COMPRESSION_LZ4_FRAME;
      } else if (value != NULL && strcmp(value, "zstd") == 0) {
        codec = ZCX_IPC_COMPRESSION_ZSTD;
      } else {
        return zcxt_usage_error("convert", "--compression takes none, lz4 or zstd");
      }
    } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
      return zcxt_usage_error("convert", "unknown option '%s'", argv[i]);
    } else if (npaths < 2) {
      paths[npaths++] = argv[i];
    } else {
      return zcxt_usage_error("convert", "unexpected argument '%s'", argv[i]);
    }
  }
  if (npaths < 2) {
    return zcxt_usage_error("convert", npaths == 0 ? "missing IN and OUT" : "missing OUT");
  }
  zcx_error_t err;
  zcx_error_init(&err);
  zcxt_ipc_input_t in;
  if (zcxt_ipc_input_open(paths[0], &in, &err) != 0) {
    return zcxt_fail("convert", "%s", err.message);
  }
  if (format < 0) {
    format = in.is_file ? ZCX_IPC_FILE : ZCX_IPC_STREAM;
  }
  zcx_schema_t* schema = NULL;
  zcx_batch_t** batches = NULL;
  int64_t count = 0;
  int status = ZCXT_EXIT_OK;
  int rc = zcxt_ipc_input_read_all(&in, false, &schema, &batches, &count, &err);
  if (rc != 0) {
    status = zcxt_fail("convert", "%s: %s", paths[0], err.message);
  } else {
    zcx_ipc_write_options_t o;
    zcx_ipc_write_options_init(&o);
    o.compression = codec;
    zcx_ipc_writer_t* w = NULL;
    bool to_stdout = strcmp(paths[1], "-") == 0;
    if (to_stdout) {
      fflush(stdout);
      rc = zcx_ipc_writer_create_fd((zcx_ipc_format_t)format, STDOUT_FILENO, schema, &o, &w,
                                    &err);
    } else {
      rc = zcx_ipc_writer_create_path((zcx_ipc_format_t)format, paths[1], schema, &o, &w, &err);
    }
    for (int64_t k = 0; rc == 0 && k < count; k++) {
      rc = zcx_ipc_writer_write(w, batches[k], NULL, &err);
    }
    if (rc == 0) {
      rc = zcx_ipc_writer_finish(w, NULL, &err);
    }
    zcx_ipc_writer_destroy(w);
    if (rc != 0) {
      status = zcxt_fail("convert", "%s: %s", paths[1], err.message);
    } else {
      fprintf(stderr, "zcx convert: %lld batches to %s (%s, compression %s)\n",
              (long long)count, paths[1], format == ZCX_IPC_FILE ? "file" : "stream",
              codec == ZCX_IPC_COMPRESSION_NONE ? "none"
              : codec == ZCX_IPC_COMPRESSION_ZSTD ? "zstd" : "lz4");
    }
  }
  zcx_ipc_batches_free(batches, count);
  zcx_schema_release(schema);
  zcxt_ipc_input_close(&in);
  return status;
}
