// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Golden-file test: every .arrow_file and .stream of the Arrow integration folders decodes to
// the values of its .json.gz, then is written back (file and stream; plain, LZ4 and ZSTD),
// read again and compared. Big-endian files are refused with ENOTSUP. Each file is named in
// the output. Without ARROW_TEST_DATA the test is skipped (77) unless
// ZCX_REQUIRE_TEST_DATA=1.
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "zcx/ipc.h"
#include "zcx/json.h"

static const char* const kDirs[] = {"1.0.0-littleendian", "2.0.0-compression",
                                    "4.0.0-shareddict", "cpp-21.0.0"};

static int failures = 0;
static int checked = 0;

static bool exists(const char* path) {
  struct stat st;
  return stat(path, &st) == 0;
}

// Whether two fields agree except for the names of the fields under a map (Arrow C++ writes
// streams of generated_map_non_canonical with the canonical names "entries", "key", "value").
static bool equal_but_map_names(const zcx_field_t* a, const zcx_field_t* b, bool in_map) {
  if ((!in_map && strcmp(a->name, b->name) != 0) || a->nullable != b->nullable ||
      a->type->id != b->type->id || a->type->num_children != b->type->num_children) {
    return false;
  }
  char ta[256];
  char tb[256];
  zcx_type_to_string(a->type, ta, sizeof(ta));
  zcx_type_to_string(b->type, tb, sizeof(tb));
  if (a->type->num_children == 0 && strcmp(ta, tb) != 0) {
    return false;
  }
  bool map = in_map || a->type->id == ZCX_TYPE_MAP;
  for (int32_t i = 0; i < a->type->num_children; i++) {
    if (!equal_but_map_names(a->type->children[i], b->type->children[i], map)) {
      return false;
    }
  }
  return true;
}

// The same array under `type` (same layout, other field names).
static zcx_array_t* retype(zcx_array_t* a, zcx_type_t* type) {
  zcx_array_t* kids[64] = {NULL};
  int32_t n = a->num_children < 64 ? a->num_children : 64;
  for (int32_t i = 0; i < n; i++) {
    kids[i] = retype(a->children[i], type->children[i]->type);
  }
  zcx_array_t* out = NULL;
  zcx_error_t err;
  if (zcx_array_create(type, a->length, a->offset, a->null_count, a->buffers, a->num_buffers,
                       kids, n, a->dictionary, &out, &err) != 0) {
    out = NULL;
  }
  for (int32_t i = 0; i < n; i++) {
    zcx_array_release(kids[i]);
  }
  return out;
}

// Batches read under a schema that differs only in map field names, moved to the JSON's.
static bool retype_batches(zcx_schema_t* json, zcx_batch_t** b, int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    zcx_array_t* cols[256];
    int32_t nc = b[i]->num_columns;
    if (nc > 256 || nc != json->num_fields) {
      return false;
    }
    for (int32_t c = 0; c < nc; c++) {
      cols[c] = retype(b[i]->columns[c], json->fields[c]->type);
    }
    zcx_batch_t* nb = NULL;
    zcx_error_t err;
    int rc = zcx_batch_create(json, cols, nc, b[i]->num_rows, &nb, &err);
    for (int32_t c = 0; c < nc; c++) {
      zcx_array_release(cols[c]);
    }
    if (rc != 0) {
      return false;
    }
    zcx_batch_release(b[i]);
    b[i] = nb;
  }
  return true;
}

// Compares a schema and batches with the JSON's; fills `why` on a difference.
static bool same(const zcx_json_file_t* j, zcx_schema_t* s, zcx_batch_t** b, int64_t n,
                 char* why, size_t why_size) {
  bool map_names_only = !zcx_schema_equal(s, j->schema) &&
                        s->num_fields == j->schema->num_fields &&
                        zcx_metadata_equal(&s->metadata, &j->schema->metadata);
  for (int32_t i = 0; map_names_only && i < s->num_fields; i++) {
    map_names_only = equal_but_map_names(s->fields[i], j->schema->fields[i], false);
  }
  if (map_names_only) {
    printf("note  canonical map field names where the JSON has others\n");
    if (!retype_batches(j->schema, b, n)) {
      snprintf(why, why_size, "cannot move the batches to the JSON's map field names");
      return false;
    }
  } else if (!zcx_schema_equal(s, j->schema)) {
    char a[256];
    char e[256];
    snprintf(a, sizeof(a), "%d fields", s->num_fields);
    snprintf(e, sizeof(e), "%d fields", j->schema->num_fields);
    for (int32_t i = 0; i < s->num_fields && i < j->schema->num_fields; i++) {
      if (!zcx_field_equal(s->fields[i], j->schema->fields[i])) {
        zcx_type_to_string(s->fields[i]->type, a, sizeof(a));
        zcx_type_to_string(j->schema->fields[i]->type, e, sizeof(e));
        int w = snprintf(why, why_size, "field %d '%s' differs: read %s (nullable %d, dict %lld), "
                         "json %s (nullable %d, dict %lld)", i, s->fields[i]->name, a,
                         s->fields[i]->nullable, (long long)s->fields[i]->dictionary_id, e,
                         j->schema->fields[i]->nullable,
                         (long long)j->schema->fields[i]->dictionary_id);
        (void)w;
        return false;
      }
    }
    int w = snprintf(why, why_size, "schemas differ (%s vs %s, or metadata)", a, e);
    (void)w;
    return false;
  }
  if (n != j->num_batches) {
    snprintf(why, why_size, "%lld batches, json has %d", (long long)n, j->num_batches);
    return false;
  }
  for (int64_t i = 0; i < n; i++) {
    zcx_error_t e;
    zcx_error_init(&e);
    if (!zcx_batch_equal(b[i], j->batches[i], &e)) {
      int w = snprintf(why, why_size, "batch %lld: %s", (long long)i, e.message);
      (void)w;
      return false;
    }
  }
  return true;
}

static void report(const char* path, const char* what, bool ok, const char* why) {
  checked++;
  if (ok) {
    printf("ok    %s (%s)\n", path, what);
  } else {
    failures++;
    printf("FAIL  %s (%s): %s\n", path, what, why);
  }
}

// Writes the batches back in `format` with `codec` and reads them again.
static void rewrite(const char* path, const zcx_json_file_t* j, zcx_schema_t* s,
                    zcx_batch_t** b, int64_t n, zcx_ipc_format_t format,
                    zcx_ipc_compression_t codec) {
  static const char* const names[] = {"plain", "lz4", "zstd"};
  char what[64];
  (void)!snprintf(what, sizeof(what), "rewritten as %s, %s", format == ZCX_IPC_FILE ? "file" : "stream",
           names[codec]);
  zcx_error_t err;
  zcx_error_init(&err);
  zcx_ipc_write_options_t opts;
  zcx_ipc_write_options_init(&opts);
  opts.compression = codec;
  zcx_ipc_writer_t* w = NULL;
  int rc = zcx_ipc_writer_create(format, s, &opts, &w, &err);
  for (int64_t i = 0; rc == 0 && i < n; i++) {
    rc = zcx_ipc_writer_write(w, b[i], NULL, &err);
  }
  if (rc == 0) {
    rc = zcx_ipc_writer_finish(w, NULL, &err);
  }
  zcx_buffer_t* out = NULL;
  if (rc == 0) {
    rc = zcx_ipc_writer_take_buffer(w, &out, &err);
  }
  zcx_ipc_writer_destroy(w);
  if (rc != 0) {
    report(path, what, false, err.message);
    return;
  }
  zcx_schema_t* s2 = NULL;
  zcx_batch_t** b2 = NULL;
  int64_t n2 = 0;
  rc = zcx_ipc_read_all(out, NULL, &s2, &b2, &n2, &err);
  zcx_buffer_release(out);
  if (rc != 0) {
    report(path, what, false, err.message);
    return;
  }
  char why[4096] = "";
  report(path, what, same(j, s2, b2, n2, why, sizeof(why)), why);
  zcx_ipc_batches_free(b2, n2);
  zcx_schema_release(s2);
}

static void check_one(const char* dir, const char* base) {
  char json[4096];
  if (snprintf(json, sizeof(json), "%s/%s.json.gz", dir, base) >= (int)sizeof(json)) {
    return;
  }
  zcx_error_t err;
  zcx_error_init(&err);
  zcx_json_file_t* j = NULL;
  if (zcx_json_read_file(json, NULL, &j, &err) != 0) {
    report(json, "json", false, err.message);
    return;
  }
  static const char* const exts[] = {".arrow_file", ".stream"};
  for (int k = 0; k < 2; k++) {
    char path[4096];
    if (snprintf(path, sizeof(path), "%s/%s%s", dir, base, exts[k]) >= (int)sizeof(path)) {
      continue;
    }
    if (!exists(path)) {
      continue;
    }
    zcx_schema_t* s = NULL;
    zcx_batch_t** b = NULL;
    int64_t n = 0;
    int rc;
    if (k == 0) {
      zcx_ipc_file_reader_t* r = NULL;
      rc = zcx_ipc_file_reader_open_path(path, NULL, &r, &err);
      if (rc == 0) {
        n = zcx_ipc_file_reader_num_batches(r);
        b = calloc((size_t)n + 1, sizeof(*b));
        for (int64_t i = 0; rc == 0 && i < n; i++) {
          rc = zcx_ipc_file_reader_read(r, i, &b[i], &err);
        }
        s = zcx_ipc_file_reader_schema(r);
        zcx_schema_retain(s);
        zcx_ipc_file_reader_destroy(r);
      }
    } else {
      zcx_ipc_reader_t* r = NULL;
      rc = zcx_ipc_reader_open_path(path, NULL, &r, &err);
      int64_t cap = 0;
      while (rc == 0) {
        zcx_batch_t* one = NULL;
        rc = zcx_ipc_reader_next(r, &one, &err);
        if (rc != 0 || one == NULL) {
          break;
        }
        if (n == cap) {
          cap = cap ? 2 * cap : 8;
          b = realloc(b, (size_t)cap * sizeof(*b));
        }
        b[n++] = one;
      }
      if (r != NULL) {
        s = zcx_ipc_reader_schema(r);
        zcx_schema_retain(s);
      }
      zcx_ipc_reader_destroy(r);
    }
    if (rc != 0) {
      report(path, "read", false, err.message);
    } else {
      char why[4096] = "";
      bool ok = same(j, s, b, n, why, sizeof(why));
      report(path, "read", ok, why);
      if (ok && k == 0) {
        for (int f = 0; f < 2; f++) {
          for (int c = 0; c < 3; c++) {
            rewrite(path, j, s, b, n, f ? ZCX_IPC_FILE : ZCX_IPC_STREAM,
                    (zcx_ipc_compression_t)c);
          }
        }
      }
    }
    if (b != NULL) {
      for (int64_t i = 0; i < n; i++) {
        zcx_batch_release(b[i]);
      }
      free(b);
    }
    zcx_schema_release(s);
  }
  zcx_json_file_destroy(j);
}

static int cmp_str(const void* a, const void* b) {
  return strcmp(*(const char* const*)a, *(const char* const*)b);
}

static void check_dir(const char* dir) {
  DIR* d = opendir(dir);
  if (d == NULL) {
    failures++;
    printf("FAIL  %s: cannot open the folder\n", dir);
    return;
  }
  char* names[512];
  int n = 0;
  struct dirent* e;
  while ((e = readdir(d)) != NULL && n < 512) {
    size_t len = strlen(e->d_name);
    if (len > 8 && strcmp(e->d_name + len - 8, ".json.gz") == 0) {
      names[n] = strdup(e->d_name);
      names[n][len - 8] = '\0';
      n++;
    }
  }
  closedir(d);
  qsort(names, (size_t)n, sizeof(names[0]), cmp_str);
  for (int i = 0; i < n; i++) {
    check_one(dir, names[i]);
    free(names[i]);
  }
}

// Big-endian files are refused with a clear ENOTSUP.
static void check_big_endian(const char* root) {
  char dir[4096];
  snprintf(dir, sizeof(dir), "%s/arrow-ipc-stream/integration/1.0.0-bigendian", root);
  DIR* d = opendir(dir);
  if (d == NULL) {
    return;
  }
  struct dirent* e;
  while ((e = readdir(d)) != NULL) {
    size_t len = strlen(e->d_name);
    if (len < 7 || strcmp(e->d_name + len - 7, ".stream") != 0) {
      continue;
    }
    char path[8192];
    if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= (int)sizeof(path)) {
      continue;
    }
    zcx_error_t err;
    zcx_error_init(&err);
    zcx_ipc_reader_t* r = NULL;
    int rc = zcx_ipc_reader_open_path(path, NULL, &r, &err);
    zcx_ipc_reader_destroy(r);
    bool ok = rc == ENOTSUP && strstr(err.message, "big-endian not supported") != NULL;
    report(path, "big-endian refused", ok, rc == 0 ? "accepted" : err.message);
  }
  closedir(d);
}

int main(void) {
  const char* root = getenv("ARROW_TEST_DATA");
  const char* req = getenv("ZCX_REQUIRE_TEST_DATA");
  bool required = req != NULL && strcmp(req, "1") == 0;
  char probe[4096];
  snprintf(probe, sizeof(probe), "%s/arrow-ipc-stream/integration", root ? root : "");
  if (root == NULL || root[0] == '\0' || !exists(probe)) {
    printf("%s: ARROW_TEST_DATA (%s) has no arrow-ipc-stream/integration folder\n",
           required ? "FAIL (ZCX_REQUIRE_TEST_DATA=1)" : "SKIP", root ? root : "unset");
    return required ? 1 : 77;
  }
  for (size_t i = 0; i < sizeof(kDirs) / sizeof(kDirs[0]); i++) {
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s/arrow-ipc-stream/integration/%s", root, kDirs[i]);
    check_dir(dir);
  }
  check_big_endian(root);
  printf("%d checks, %d failures\n", checked, failures);
  return failures == 0 && checked > 0 ? 0 : 1;
}
