// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// `zcx cat PATH [--head N] [--format table|ndjson]`: the rows of an Arrow IPC file or
// stream, as a text table or as one JSON object per line.
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "ipc_input.h"

void zcxt_usage_cat(FILE* out) {
  fprintf(out,
          "usage: zcx cat PATH [--head N] [--format table|ndjson]\n"
          "\n"
          "Prints the rows of an Arrow IPC file or stream (detected from its first bytes;\n"
          "'-' reads standard input). The input is fully validated first.\n"
          "\n"
          "options:\n"
          "  --head N                 print at most N rows\n"
          "  --format table|ndjson    a text table (default) or one JSON object per row\n"
          "  -h, --help               this text\n");
}

#define CELL 48

static void print_header(const zcx_schema_t* s) {
  for (int32_t c = 0; c < s->num_fields; c++) {
    printf("%s%-*.*s", c ? " | " : "", 20, CELL, s->fields[c]->name);
  }
  printf("\n");
  for (int32_t c = 0; c < s->num_fields; c++) {
    printf("%s--------------------", c ? "-+-" : "");
  }
  printf("\n");
}

static void print_rows(const zcx_batch_t* b, int64_t n, bool ndjson) {
  char cell[CELL + 1];
  for (int64_t i = 0; i < n; i++) {
    if (ndjson) {
      fputc('{', stdout);
    }
    for (int32_t c = 0; c < b->num_columns; c++) {
      if (ndjson) {
        const char* name = b->schema->fields[c]->name;
        printf("%s\"", c ? "," : "");
        for (const char* p = name; *p != '\0'; p++) {
          if (*p == '"' || *p == '\\') {
            fputc('\\', stdout);
          }
          fputc(*p, stdout);
        }
        fputs("\":", stdout);
        zcxt_write_json_value(stdout, b->columns[c], i);
      } else {
        zcxt_format_cell(b->columns[c], i, cell, sizeof(cell));
        printf("%s%-20s", c ? " | " : "", cell);
      }
    }
    fputs(ndjson ? "}\n" : "\n", stdout);
  }
}

int zcxt_cmd_cat(int argc, char** argv) {
  const char* path = NULL;
  const char* value = NULL;
  uint64_t head = UINT64_MAX;
  bool ndjson = false;
  for (int i = 1; i < argc; i++) {
    if (zcxt_is_help(argv[i])) {
      zcxt_usage_cat(stdout);
      return ZCXT_EXIT_OK;
    } else if (zcxt_opt_value(argc, argv, &i, "--head", &value)) {
      if (value == NULL || !zcxt_parse_uint(value, (uint64_t)INT64_MAX, &head)) {
        return zcxt_usage_error("cat", "--head needs a number of rows");
      }
    } else if (zcxt_opt_value(argc, argv, &i, "--format", &value)) {
      if (value != NULL && strcmp(value, "ndjson") == 0) {
        ndjson = true;
      } else if (value != NULL && strcmp(value, "table") == 0) {
        ndjson = false;
      } else {
        return zcxt_usage_error("cat", "--format takes table or ndjson");
      }
    } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
      return zcxt_usage_error("cat", "unknown option '%s'", argv[i]);
    } else if (path == NULL) {
      path = argv[i];
    } else {
      return zcxt_usage_error("cat", "unexpected argument '%s'", argv[i]);
    }
  }
  if (path == NULL) {
    return zcxt_usage_error("cat", "missing PATH");
  }
  zcx_error_t err;
  zcx_error_init(&err);
  zcxt_ipc_input_t in;
  if (zcxt_ipc_input_open(path, &in, &err) != 0) {
    return zcxt_fail("cat", "%s", err.message);
  }
  zcx_schema_t* schema = NULL;
  zcx_batch_t** batches = NULL;
  int64_t count = 0;
  int status = ZCXT_EXIT_OK;
  if (zcxt_ipc_input_read_all(&in, false, &schema, &batches, &count, &err) != 0) {
    status = zcxt_fail("cat", "%s: %s", path, err.message);
  } else {
    if (!ndjson) {
      print_header(schema);
    }
    uint64_t left = head;
    for (int64_t k = 0; k < count && left > 0; k++) {
      int64_t n = batches[k]->num_rows;
      if ((uint64_t)n > left) {
        n = (int64_t)left;
      }
      print_rows(batches[k], n, ndjson);
      left -= (uint64_t)n;
    }
  }
  zcx_ipc_batches_free(batches, count);
  zcx_schema_release(schema);
  zcxt_ipc_input_close(&in);
  return status;
}
