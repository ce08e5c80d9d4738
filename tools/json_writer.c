// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// A small streaming JSON writer for the results of the `zcx` subcommands.
#include "json_writer.h"

#include <errno.h>
#include <math.h>
#include <string.h>

void zcxt_json_init(zcxt_json_t* w, FILE* out, bool pretty) {
  memset(w, 0, sizeof(*w));
  w->out = out;
  w->pretty = pretty;
  w->first[0] = true;
}

static void newline_indent(zcxt_json_t* w) {
  if (!w->pretty) {
    return;
  }
  fputc('\n', w->out);
  for (int i = 0; i < w->depth; i++) {
    fputs("  ", w->out);
  }
}

// Writes what goes before a value: a comma and indentation inside arrays; nothing after a key.
static void before_value(zcxt_json_t* w) {
  if (w->after_key) {
    w->after_key = false;
    return;
  }
  if (w->depth > 0 && !w->in_array[w->depth]) {
    w->misuse = true;  // a value inside an object needs a key
  }
  if (w->depth == 0 && !w->first[0]) {
    w->misuse = true;  // a second top-level value
  }
  if (!w->first[w->depth]) {
    fputc(',', w->out);
  }
  w->first[w->depth] = false;
  if (w->depth > 0) {
    newline_indent(w);
  }
}

static void begin(zcxt_json_t* w, char c, bool array) {
  before_value(w);
  fputc(c, w->out);
  if (w->depth + 1 >= ZCXT_JSON_MAX_DEPTH) {
    w->misuse = true;
    return;
  }
  w->depth++;
  w->first[w->depth] = true;
  w->in_array[w->depth] = array;
}

static void end(zcxt_json_t* w, char c, bool array) {
  if (w->depth == 0 || w->in_array[w->depth] != array || w->after_key) {
    w->misuse = true;
    return;
  }
  bool empty = w->first[w->depth];
  w->depth--;
  if (!empty) {
    newline_indent(w);
  }
  fputc(c, w->out);
}

void zcxt_json_begin_object(zcxt_json_t* w) { begin(w, '{', false); }
void zcxt_json_end_object(zcxt_json_t* w) { end(w, '}', false); }
void zcxt_json_begin_array(zcxt_json_t* w) { begin(w, '[', true); }
void zcxt_json_end_array(zcxt_json_t* w) { end(w, ']', true); }

static void write_escaped(FILE* out, const char* s) {
  fputc('"', out);
  for (const unsigned char* p = (const unsigned char*)s; *p != '\0'; p++) {
    switch (*p) {
      case '"':
        fputs("\\\"", out);
        break;
      case '\\':
        fputs("\\\\", out);
        break;
      case '\n':
        fputs("\\n", out);
        break;
      case '\r':
        fputs("\\r", out);
        break;
      case '\t':
        fputs("\\t", out);
        break;
      default:
        if (*p < 0x20) {
          fprintf(out, "\\u%04x", (unsigned)*p);
        } else {
          fputc(*p, out);
        }
    }
  }
  fputc('"', out);
}

void zcxt_json_key(zcxt_json_t* w, const char* key) {
  if (w->depth == 0 || w->in_array[w->depth] || w->after_key) {
    w->misuse = true;
    return;
  }
  if (!w->first[w->depth]) {
    fputc(',', w->out);
  }
  w->first[w->depth] = false;
  newline_indent(w);
  write_escaped(w->out, key);
  fputs(w->pretty ? ": " : ":", w->out);
  w->after_key = true;
}

void zcxt_json_string(zcxt_json_t* w, const char* s) {
  before_value(w);
  if (s == NULL) {
    fputs("null", w->out);
  } else {
    write_escaped(w->out, s);
  }
}

void zcxt_json_int(zcxt_json_t* w, int64_t v) {
  before_value(w);
  fprintf(w->out, "%lld", (long long)v);
}

void zcxt_json_double(zcxt_json_t* w, double v) {
  before_value(w);
  if (!isfinite(v)) {
    fputs("null", w->out);
  } else {
    fprintf(w->out, "%.9g", v);
  }
}

void zcxt_json_bool(zcxt_json_t* w, bool v) {
  before_value(w);
  fputs(v ? "true" : "false", w->out);
}

void zcxt_json_null(zcxt_json_t* w) {
  before_value(w);
  fputs("null", w->out);
}

void zcxt_json_kv_string(zcxt_json_t* w, const char* key, const char* s) {
  zcxt_json_key(w, key);
  zcxt_json_string(w, s);
}
void zcxt_json_kv_int(zcxt_json_t* w, const char* key, int64_t v) {
  zcxt_json_key(w, key);
  zcxt_json_int(w, v);
}
void zcxt_json_kv_double(zcxt_json_t* w, const char* key, double v) {
  zcxt_json_key(w, key);
  zcxt_json_double(w, v);
}
void zcxt_json_kv_bool(zcxt_json_t* w, const char* key, bool v) {
  zcxt_json_key(w, key);
  zcxt_json_bool(w, v);
}

int zcxt_json_finish(zcxt_json_t* w, zcx_error_t* err) {
  if (w->misuse || w->depth != 0 || w->after_key) {
    return zcx_error_fail(err, EINVAL, "JSON writer: unbalanced document (depth %d)", w->depth);
  }
  fputc('\n', w->out);
  if (fflush(w->out) != 0 || ferror(w->out)) {
    return zcx_error_fail(err, EIO, "JSON writer: write failed: %s", strerror(errno));
  }
  return 0;
}

int zcxt_json_open(const char* path, FILE** out, zcx_error_t* err) {
  *out = NULL;
  if (strcmp(path, "-") == 0) {
    *out = stdout;
    return 0;
  }
  FILE* f = fopen(path, "w");
  if (f == NULL) {
    int e = errno;
    return zcx_error_fail(err, e, "cannot write '%s': %s", path, strerror(e));
  }
  *out = f;
  return 0;
}

int zcxt_json_close(FILE* f, const char* path, zcx_error_t* err) {
  if (f == NULL || f == stdout) {
    return 0;
  }
  bool bad = ferror(f) != 0;
  if (fclose(f) != 0 || bad) {
    return zcx_error_fail(err, EIO, "cannot write '%s': %s", path, strerror(errno));
  }
  return 0;
}
