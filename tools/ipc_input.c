// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Input of the IPC subcommands and the formatting of cells; see ipc_input.h.
#include "ipc_input.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipc/internal.h"

int zcxt_ipc_input_open(const char* path, zcxt_ipc_input_t* in, zcx_error_t* err) {
  memset(in, 0, sizeof(*in));
  in->path = path;
  int rc;
  if (strcmp(path, "-") == 0) {
    rc = zcxi_ipc_read_fd_all(STDIN_FILENO, NULL, &in->data, err);
    if (rc != 0) {
      zcx_error_prefix(err, "standard input: ");
    }
  } else {
    rc = zcxi_ipc_map_path(path, false, &in->data, err);
    if (rc == EINVAL) {
      // Not a regular file (a FIFO, /dev/stdin): read it whole.
      FILE* f = fopen(path, "rb");
      if (f == NULL) {
        return rc;
      }
      rc = zcxi_ipc_read_fd_all(fileno(f), NULL, &in->data, err);
      fclose(f);
    }
  }
  if (rc != 0) {
    return rc;
  }
  int64_t n = zcx_buffer_size(in->data);
  if (n == 0) {
    zcxt_ipc_input_close(in);
    return zcx_error_fail(err, EINVAL, "'%s' is empty: not an Arrow IPC file or stream", path);
  }
  in->is_file = n >= ZCXI_IPC_MAGIC_LEN &&
                memcmp(zcx_buffer_data(in->data), ZCXI_IPC_MAGIC, ZCXI_IPC_MAGIC_LEN) == 0;
  return 0;
}

void zcxt_ipc_input_close(zcxt_ipc_input_t* in) {
  zcx_buffer_release(in->data);
  in->data = NULL;
}

int zcxt_ipc_input_read_all(const zcxt_ipc_input_t* in, bool trusted, zcx_schema_t** schema,
                            zcx_batch_t*** batches, int64_t* count, zcx_error_t* err) {
  zcx_ipc_read_options_t o;
  zcx_ipc_read_options_init(&o);
  o.trusted = trusted;
  return zcx_ipc_read_all(in->data, &o, schema, batches, count, err);
}

static const zcx_type_t* storage(const zcx_type_t* t) {
  return t->id == ZCX_TYPE_EXTENSION ? t->storage_type : t;
}

static void json_string(FILE* out, const uint8_t* s, int64_t n) {
  fputc('"', out);
  for (int64_t i = 0; i < n; i++) {
    unsigned char c = s[i];
    switch (c) {
      case '"': fputs("\\\"", out); break;
      case '\\': fputs("\\\\", out); break;
      case '\n': fputs("\\n", out); break;
      case '\r': fputs("\\r", out); break;
      case '\t': fputs("\\t", out); break;
      default:
        if (c < 0x20) {
          fprintf(out, "\\u%04x", c);
        } else {
          fputc(c, out);
        }
    }
  }
  fputc('"', out);
}

// The array printer's text for element i, without the surrounding brackets.
static char* printed(zcx_array_t* a, int64_t i) {
  zcx_array_t* one = NULL;
  if (zcx_array_slice(a, i, 1, &one, NULL) != 0) {
    return NULL;
  }
  char* text = NULL;
  size_t len = 0;
  FILE* m = open_memstream(&text, &len);
  if (m != NULL) {
    int rc = zcx_array_print(one, m, -1, NULL);
    fclose(m);
    if (rc != 0) {
      free(text);
      text = NULL;
    }
  }
  zcx_array_release(one);
  char* close = text != NULL ? strrchr(text, ']') : NULL;
  if (text != NULL && text[0] == '[' && close != NULL) {
    size_t n = (size_t)(close - text) - 1;
    memmove(text, text + 1, n);
    text[n] = '\0';
  }
  return text;
}

void zcxt_write_json_value(FILE* out, zcx_array_t* a, int64_t i) {
  if (zcx_array_is_null(a, i)) {
    fputs("null", out);
    return;
  }
  const zcx_type_t* t = storage(a->type);
  switch (t->id) {
    case ZCX_TYPE_INT8: case ZCX_TYPE_INT16: case ZCX_TYPE_INT32: case ZCX_TYPE_INT64:
    case ZCX_TYPE_UINT8: case ZCX_TYPE_UINT16: case ZCX_TYPE_UINT32:
      fprintf(out, "%" PRId64, zcx_array_get_int(a, i));
      return;
    case ZCX_TYPE_UINT64:
      fprintf(out, "%" PRIu64, (uint64_t)zcx_array_get_int(a, i));
      return;
    case ZCX_TYPE_HALF_FLOAT: case ZCX_TYPE_FLOAT: case ZCX_TYPE_DOUBLE: {
      double d = zcx_array_get_double(a, i);
      if (d != d || d - d != 0) {
        fputs("null", out);
      } else {
        fprintf(out, "%.17g", d);
      }
      return;
    }
    case ZCX_TYPE_BOOL:
      fputs(zcx_array_get_bool(a, i) ? "true" : "false", out);
      return;
    case ZCX_TYPE_STRING: case ZCX_TYPE_LARGE_STRING: case ZCX_TYPE_STRING_VIEW: {
      const uint8_t* d;
      int64_t n;
      zcx_array_get_bytes(a, i, &d, &n);
      json_string(out, d, n);
      return;
    }
    case ZCX_TYPE_LIST:
    case ZCX_TYPE_LARGE_LIST:
    case ZCX_TYPE_FIXED_SIZE_LIST: {
      int64_t at = a->offset + i;
      int64_t start;
      int64_t end;
      if (t->id == ZCX_TYPE_FIXED_SIZE_LIST) {
        start = at * t->fixed_size;
        end = start + t->fixed_size;
      } else if (t->id == ZCX_TYPE_LIST) {
        const int32_t* o = zcx_buffer_data(a->buffers[1]);
        start = o[at];
        end = o[at + 1];
      } else {
        const int64_t* o = zcx_buffer_data(a->buffers[1]);
        start = o[at];
        end = o[at + 1];
      }
      fputc('[', out);
      for (int64_t j = start; j < end; j++) {
        zcxt_write_json_value(out, a->children[0], j);
        if (j + 1 < end) {
          fputc(',', out);
        }
      }
      fputc(']', out);
      return;
    }
    case ZCX_TYPE_STRUCT: {
      fputc('{', out);
      for (int32_t c = 0; c < a->num_children; c++) {
        const char* name = t->children[c]->name;
        json_string(out, (const uint8_t*)name, (int64_t)strlen(name));
        fputc(':', out);
        zcxt_write_json_value(out, a->children[c], a->offset + i);
        if (c + 1 < a->num_children) {
          fputc(',', out);
        }
      }
      fputc('}', out);
      return;
    }
    default: {
      char* text = printed(a, i);
      const char* s = text != NULL ? text : "?";
      json_string(out, (const uint8_t*)s, (int64_t)strlen(s));
      free(text);
      return;
    }
  }
}

void zcxt_format_cell(zcx_array_t* a, int64_t i, char* buf, size_t size) {
  if (zcx_array_is_null(a, i)) {
    snprintf(buf, size, "null");
    return;
  }
  const zcx_type_t* t = storage(a->type);
  switch (t->id) {
    case ZCX_TYPE_INT8: case ZCX_TYPE_INT16: case ZCX_TYPE_INT32: case ZCX_TYPE_INT64:
    case ZCX_TYPE_UINT8: case ZCX_TYPE_UINT16: case ZCX_TYPE_UINT32:
      snprintf(buf, size, "%" PRId64, zcx_array_get_int(a, i));
      return;
    case ZCX_TYPE_DOUBLE: case ZCX_TYPE_FLOAT:
      snprintf(buf, size, "%g", zcx_array_get_double(a, i));
      return;
    case ZCX_TYPE_STRING: case ZCX_TYPE_LARGE_STRING: case ZCX_TYPE_STRING_VIEW: {
      const uint8_t* d;
      int64_t n;
      zcx_array_get_bytes(a, i, &d, &n);
      size_t k = 0;
      for (int64_t j = 0; j < n && k + 1 < size; j++) {
        buf[k++] = (d[j] < 0x20) ? ' ' : (char)d[j];
      }
      buf[k] = '\0';
      return;
    }
    default: {
      char* text = printed(a, i);
      snprintf(buf, size, "%s", text != NULL ? text : "?");
      free(text);
      return;
    }
  }
}
