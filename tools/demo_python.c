// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Demo step "python": a Python process (tools/demo_consumer.py) opens the IPC file and the
// shared-memory segment with the zcx module (copy-on-write mappings) and hands the columns to NumPy and PyTorch through DLPack, proving
// in its own address space that zcx, NumPy and PyTorch see the same pointer at the offset the
// producer used. It prints one JSON line, parsed here into the report.
#include <errno.h>
#include <jansson.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "demo.h"
#include "json_writer.h"

#if !defined(ZCXT_DEMO_PYTHON)
#define ZCXT_DEMO_PYTHON "/usr/bin/python3"
#endif

extern char** environ;

// The consumer script: $ZCX_DEMO_CONSUMER, next to this executable, in ../share/zcx, or in
// the source tree it was built from.
static bool find_script(char* buf, size_t size) {
  const char* env = getenv("ZCX_DEMO_CONSUMER");
  if (env != NULL && env[0] != '\0') {
    snprintf(buf, size, "%s", env);
    return access(buf, R_OK) == 0;
  }
  char exe[512];
  if (zcxt_demo_self_exe(exe, sizeof(exe)) != NULL) {
    const char* dir = dirname(exe);
    snprintf(buf, size, "%s/demo_consumer.py", dir);
    if (access(buf, R_OK) == 0) {
      return true;
    }
    snprintf(buf, size, "%s/../share/zcx/demo_consumer.py", dir);
    if (access(buf, R_OK) == 0) {
      return true;
    }
  }
#if defined(ZCXT_DEMO_SOURCE_DIR)
  snprintf(buf, size, "%s/demo_consumer.py", ZCXT_DEMO_SOURCE_DIR);
  if (access(buf, R_OK) == 0) {
    return true;
  }
#endif
  return false;
}

// PYTHONPATH for the consumer: the build tree's module directory (next to tools/), then
// whatever the caller had.
static void python_path(char* buf, size_t size) {
  char exe[512];
  char dir[600] = "";
  if (zcxt_demo_self_exe(exe, sizeof(exe)) != NULL) {
    snprintf(dir, sizeof(dir), "%s/../python", dirname(exe));
    if (access(dir, R_OK) != 0) {
      dir[0] = '\0';
    }
  }
#if defined(ZCXT_DEMO_PYTHON_DIR)
  if (dir[0] == '\0') {
    snprintf(dir, sizeof(dir), "%s", ZCXT_DEMO_PYTHON_DIR);
  }
#endif
  const char* old = getenv("PYTHONPATH");
  snprintf(buf, size, "PYTHONPATH=%s%s%s", dir, old != NULL && old[0] != '\0' ? ":" : "",
           old != NULL ? old : "");
}

static void manifest_source(zcxt_json_t* w, const char* name, const char* path, int64_t size,
                            const int64_t* offsets, const zcxt_demo_ctx_t* ctx) {
  zcxt_json_begin_object(w);
  zcxt_json_kv_string(w, "name", name);
  zcxt_json_kv_string(w, "path", path);
  zcxt_json_kv_int(w, "size", size);
  zcxt_json_key(w, "columns");
  zcxt_json_begin_array(w);
  for (int i = 0; i < ZCXT_DEMO_COLUMNS; i++) {
    zcxt_json_begin_object(w);
    zcxt_json_kv_string(w, "name", zcxt_demo_column_names[i]);
    zcxt_json_kv_string(w, "dtype", zcxt_demo_column_dtype(i));
    zcxt_json_kv_int(w, "length", ctx->n);
    zcxt_json_kv_int(w, "offset", offsets[i]);
    // As text with every digit: the writer's numbers are shorter than a double.
    char sum[40];
    snprintf(sum, sizeof(sum), "%.17g", ctx->sums[i]);
    zcxt_json_kv_string(w, "sum", sum);
    zcxt_json_end_object(w);
  }
  zcxt_json_end_array(w);
  zcxt_json_end_object(w);
}

static int write_manifest(const zcxt_demo_ctx_t* ctx, const char* path, zcx_error_t* err) {
  FILE* f = NULL;
  ZCX_RETURN_IF_ERROR(zcxt_json_open(path, &f, err));
  zcxt_json_t w;
  zcxt_json_init(&w, f, false);
  zcxt_json_begin_object(&w);
  zcxt_json_kv_bool(&w, "force_copy", ctx->force_copy);
  zcxt_json_key(&w, "sources");
  zcxt_json_begin_array(&w);
  manifest_source(&w, "ipc file", ctx->ipc_path, ctx->ipc_size, ctx->ipc_offsets, ctx);
  if (ctx->shm != NULL) {
    manifest_source(&w, "shm segment", ctx->shm_path, ctx->shm_size, ctx->shm_offsets, ctx);
  }
  zcxt_json_end_array(&w);
  zcxt_json_end_object(&w);
  int rc = zcxt_json_finish(&w, err);
  int rc2 = zcxt_json_close(f, path, rc == 0 ? err : NULL);
  return rc != 0 ? rc : rc2;
}

static double number_or(const json_t* obj, const char* key, double fallback) {
  const json_t* v = json_object_get(obj, key);
  return json_is_number(v) ? json_number_value(v) : fallback;
}

static const char* string_or(const json_t* obj, const char* key, const char* fallback) {
  const char* s = json_string_value(json_object_get(obj, key));
  return s != NULL ? s : fallback;
}

// Takes the last line of `out` that starts with '{' as the consumer's report.
static int parse_report(char* out, zcxt_demo_result_t* result, char* summary, size_t summary_size,
                        zcxt_demo_ctx_t* ctx, zcx_error_t* err) {
  char* line = NULL;
  for (char* p = out; p != NULL && *p != '\0';) {
    if (*p == '{') {
      line = p;
    }
    p = strchr(p, '\n');
    if (p != NULL) {
      p++;
    }
  }
  if (line == NULL) {
    return zcx_error_fail(err, EPROTO, "demo python: the consumer printed no JSON line");
  }
  char* nl = strchr(line, '\n');
  if (nl != NULL) {
    *nl = '\0';
  }
  json_error_t jerr;
  json_t* doc = json_loads(line, 0, &jerr);
  if (doc == NULL || !json_is_object(doc)) {
    json_decref(doc);
    return zcx_error_fail(err, EPROTO, "demo python: bad JSON from the consumer: %s", jerr.text);
  }
  const char* status = string_or(doc, "status", "");
  int rc = 0;
  if (strcmp(status, "skipped") == 0) {
    snprintf(summary, summary_size, "skipped: %s", string_or(doc, "reason", "?"));
    fprintf(ctx->out, "  %s\n", summary);
    rc = ENOTSUP;
  } else if (strcmp(status, "ok") != 0) {
    rc = zcx_error_fail(err, EPROTO, "demo python: consumer status '%s': %s", status,
                        string_or(doc, "reason", "?"));
  } else {
    const json_t* proofs = json_object_get(doc, "proofs");
    size_t i;
    const json_t* p;
    json_array_foreach(proofs, i, p) {
      const json_t* holds = json_object_get(p, "holds");
      zcxt_demo_prove(result, string_or(p, "what", "?"), json_is_true(holds), "%s",
                      string_or(p, "detail", ""));
    }
    result->zcx_s = number_or(doc, "zcx_s", -1);
    result->usual_s = number_or(doc, "usual_s", -1);
    result->shared_bytes = (int64_t)number_or(doc, "shared_bytes", 0);
    result->copied_bytes = (int64_t)number_or(doc, "copied_bytes", 0);
    snprintf(result->zcx_what, sizeof(result->zcx_what), "%s", string_or(doc, "zcx_what", ""));
    snprintf(result->usual_what, sizeof(result->usual_what), "%s",
             string_or(doc, "usual_what", ""));
    snprintf(result->shared, sizeof(result->shared), "%s", string_or(doc, "shared", ""));
    snprintf(result->copied, sizeof(result->copied), "%s", string_or(doc, "copied", "nothing"));
    fprintf(ctx->out, "  Python %s, NumPy %s, PyTorch %s, zcx module %s\n",
            string_or(doc, "python", "?"), string_or(doc, "numpy", "?"),
            string_or(doc, "torch", "missing"), string_or(doc, "zcx", "?"));
    const char* note = string_or(doc, "note", NULL);
    if (note != NULL) {
      fprintf(ctx->out, "  note: %s\n", note);
    }
    zcxt_demo_print_times(ctx, result);
    zcxt_demo_print_proofs(ctx, result);
    snprintf(summary, summary_size,
             "NumPy%s got %d columns through DLPack in %.1f us (file read + copies: %.2f ms)",
             json_is_string(json_object_get(doc, "torch")) ? " and PyTorch" : "",
             (int)number_or(doc, "columns", 0), result->zcx_s * 1e6, result->usual_s * 1e3);
  }
  json_decref(doc);
  return rc;
}

int zcxt_demo_python(zcxt_demo_ctx_t* ctx, zcxt_demo_result_t* result, char* summary,
                     size_t summary_size, zcx_error_t* err) {
  FILE* out = ctx->out;
  fprintf(out,
          "A Python process opens the IPC file%s with zcx (zero-copy,\n"
          "copy-on-write) and hands every column to NumPy and PyTorch through DLPack; it\n"
          "checks in its own address space\n"
          "that zcx, NumPy and PyTorch hold the same pointer, at the offset the producer\n"
          "used, in its mapping of that file (/proc/self/maps).\n",
          ctx->shm != NULL ? " and the shared-memory segment" : "");
  const char* python = getenv("ZCX_DEMO_PYTHON");
  if (python == NULL || python[0] == '\0') {
    python = ZCXT_DEMO_PYTHON;
  }
  if (access(python, X_OK) != 0) {
    snprintf(summary, summary_size,
             "skipped: no Python at %s (install python3-numpy python3-torch)", python);
    fprintf(out, "  %s\n", summary);
    return ENOTSUP;
  }
  char script[640];
  if (!find_script(script, sizeof(script))) {
    snprintf(summary, summary_size,
             "skipped: demo_consumer.py not found (set ZCX_DEMO_CONSUMER to its path)");
    fprintf(out, "  %s\n", summary);
    return ENOTSUP;
  }
  ZCX_RETURN_IF_ERROR(zcxt_demo_ensure_ipc_file(ctx, err));
  char manifest[320];
  snprintf(manifest, sizeof(manifest), "%s/manifest.json", ctx->tmpdir);
  ZCX_RETURN_IF_ERROR(write_manifest(ctx, manifest, err));

  // The environment: ours, with PYTHONPATH pointing at the zcx module first.
  size_t n_env = 0;
  while (environ[n_env] != NULL) {
    n_env++;
  }
  char** envp = calloc(n_env + 2, sizeof(char*));
  if (envp == NULL) {
    return zcx_error_fail(err, ENOMEM, "demo python: out of memory");
  }
  char pp[2048];
  python_path(pp, sizeof(pp));
  size_t k = 0;
  for (size_t i = 0; i < n_env; i++) {
    if (strncmp(environ[i], "PYTHONPATH=", 11) != 0) {
      envp[k++] = environ[i];
    }
  }
  envp[k++] = pp;
  envp[k] = NULL;
  char* argv[] = {(char*)python, script, manifest, NULL};
  size_t cap = 1 << 16;
  char* text = malloc(cap);
  int status = 0;
  int rc = text == NULL ? zcx_error_fail(err, ENOMEM, "demo python: out of memory")
                        : zcxt_demo_spawn(argv, envp, text, cap, &status, err);
  free(envp);
  if (rc == 0) {
    rc = parse_report(text, result, summary, summary_size, ctx, err);
    if (rc == 0 && status != 0) {
      rc = zcx_error_fail(err, EPROTO, "demo python: the consumer exited with status %d", status);
    }
  }
  free(text);
  return rc;
}
