// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The exchange benchmark (see exchange.h): runs exchange_bench.py and turns its JSON into
// report rows.
#include "exchange/exchange.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef ZCXB_SOURCE_DIR
#define ZCXB_SOURCE_DIR "."
#endif
#ifndef ZCXB_BINARY_DIR
#define ZCXB_BINARY_DIR "."
#endif
#ifndef ZCXB_PYTHON
#define ZCXB_PYTHON "/usr/bin/python3"
#endif

// The script prints at most a few dozen rows of a few hundred bytes.
#define OUTPUT_SIZE (256 * 1024)

static const char* env_or(const char* name, const char* fallback) {
  const char* v = getenv(name);
  return v != NULL && v[0] != '\0' ? v : fallback;
}

// Copies one JSON member into a row field of the same name and kind.
static void set_field(zcxb_row_t* row, const char* key, const json_t* value) {
  if (json_is_string(value)) {
    zcxb_row_set_string(row, key, json_string_value(value));
  } else if (json_is_integer(value)) {
    zcxb_row_set_int(row, key, (int64_t)json_integer_value(value));
  } else if (json_is_real(value)) {
    zcxb_row_set_number(row, key, json_real_value(value));
  } else if (json_is_boolean(value)) {
    zcxb_row_set_string(row, key, json_is_true(value) ? "yes" : "no");
  } else {
    zcxb_row_set_null(row, key);
  }
}

// Reads the script's document: its rows and notes go into the report.
static int read_document(const char* text, zcxb_report_t* report, zcx_error_t* err) {
  // The JSON document is the last line (progress goes to stderr).
  const char* last = text;
  for (const char* p = text; *p != '\0'; p++) {
    if (*p == '\n' && p[1] != '\0') {
      last = p + 1;
    }
  }
  json_error_t jerr;
  json_t* doc = json_loads(last, 0, &jerr);
  if (doc == NULL) {
    return zcx_error_fail(err, EIO, "exchange bench: the script's output is not JSON: %s (line "
                          "%d)", jerr.text, jerr.line);
  }
  int rc = 0;
  const json_t* rows = json_object_get(doc, "rows");
  size_t i;
  const json_t* item;
  json_array_foreach(rows, i, item) {
    zcxb_row_t* row = NULL;
    rc = zcxb_report_add_row(report, &row, err);
    if (rc != 0) {
      break;
    }
    const char* key;
    const json_t* value;
    json_object_foreach((json_t*)item, key, value) {
      set_field(row, key, value);
    }
  }
  const json_t* notes = json_object_get(doc, "notes");
  json_array_foreach(notes, i, item) {
    if (rc == 0 && json_is_string(item)) {
      rc = zcxb_report_note(report, err, "%s", json_string_value(item));
    }
  }
  const json_t* versions = json_object_get(doc, "versions");
  if (rc == 0 && json_is_object(versions)) {
    const json_t* py = json_object_get(versions, "python");
    const json_t* np = json_object_get(versions, "numpy");
    const json_t* torch = json_object_get(versions, "torch");
    rc = zcxb_report_note(report, err, "python %s, numpy %s, torch %s",
                          json_is_string(py) ? json_string_value(py) : "?",
                          json_is_string(np) ? json_string_value(np) : "?",
                          json_is_string(torch) ? json_string_value(torch) : "not available");
  }
  json_decref(doc);
  return rc;
}

int zcxb_exchange_run(const zcxb_options_t* options, zcxb_report_t* report, zcx_error_t* err) {
  const bool quick = options != NULL && options->quick;
  const char* python = env_or("ZCX_PYTHON", ZCXB_PYTHON);
  const char* module_dir = env_or("ZCX_PYTHONPATH", ZCXB_BINARY_DIR "/python");
  const char* script = ZCXB_SOURCE_DIR "/bench/exchange/exchange_bench.py";
  if (access(python, X_OK) != 0) {
    return zcxb_report_note(report, err, "skipped: %s not found", python);
  }
  if (access(script, R_OK) != 0) {
    return zcxb_report_note(report, err, "skipped: %s not found", script);
  }
  if (options != NULL && options->progress != NULL) {
    fprintf(options->progress, "exchange: %s %s%s (PYTHONPATH=%s)\n", python, script,
            quick ? " --quick" : "", module_dir);
  }
  char pythonpath[4096];
  snprintf(pythonpath, sizeof(pythonpath), "PYTHONPATH=%s", module_dir);
  const char* env[] = {pythonpath, "PYTHONDONTWRITEBYTECODE=1", NULL};
  char* argv[] = {(char*)python, (char*)script, quick ? "--quick" : NULL, NULL};
  char* out = malloc(OUTPUT_SIZE);
  if (out == NULL) {
    return zcx_error_fail(err, ENOMEM, "exchange bench: %d bytes for the output", OUTPUT_SIZE);
  }
  int status = 0;
  int rc = zcxb_spawn(argv, env, out, OUTPUT_SIZE, &status, err);
  if (rc == 0 && status == 3) {
    rc = zcxb_report_note(report, err,
                          "skipped: %s cannot import numpy or the zcx module from %s (build "
                          "the zcx_python target)",
                          python, module_dir);
  } else if (rc == 0 && status != 0) {
    rc = zcx_error_fail(err, EIO, "exchange bench: %s %s exited with status %d", python, script,
                        status);
  } else if (rc == 0) {
    rc = read_document(out, report, err);
  }
  free(out);
  return rc;
}
