// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The integration JSON reader: loads a (gzip-compressed) document through zlib into jansson,
// then reads its schema, its dictionaries (resolved on first use, nested ones included) and
// its record batches.
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "json/internal.h"

// ---------------------------------------------------------------------------------------------
// Dictionaries

zcxi_json_dict_t* zcxi_json_dict_find(zcxi_json_ctx_t* c, int64_t id) {
  for (int32_t i = 0; i < c->num_dicts; i++) {
    if (c->dicts[i].id == id) {
      return &c->dicts[i];
    }
  }
  return NULL;
}

int zcxi_json_dict_register(zcxi_json_ctx_t* c, int64_t id, zcx_type_t* value_type) {
  zcxi_json_dict_t* d = zcxi_json_dict_find(c, id);
  if (d != NULL) {
    if (!zcx_type_equal(d->value_type, value_type)) {
      char a[128];
      char b[128];
      zcx_type_to_string(d->value_type, a, sizeof(a));
      zcx_type_to_string(value_type, b, sizeof(b));
      return zcxi_json_fail(c, "dictionary id %lld has values of type %s here, %s before",
                            (long long)id, b, a);
    }
    return 0;
  }
  if (c->num_dicts == c->cap_dicts) {
    int32_t cap = c->cap_dicts == 0 ? 8 : c->cap_dicts * 2;
    zcxi_json_dict_t* grown = realloc(c->dicts, (size_t)cap * sizeof(*grown));
    if (grown == NULL) {
      return zcxi_json_fail_code(c, ENOMEM, "out of memory for %d dictionaries", cap);
    }
    c->dicts = grown;
    c->cap_dicts = cap;
  }
  d = &c->dicts[c->num_dicts++];
  memset(d, 0, sizeof(*d));
  d->id = id;
  d->entry = -1;
  zcx_type_retain(value_type);
  d->value_type = value_type;
  return 0;
}

// Decodes the "data" of dictionary slot `d`, with the path set to its entry.
static int decode_dictionary(zcxi_json_ctx_t* c, zcxi_json_dict_t* d) {
  int64_t count;
  const json_t* cols;
  ZCX_RETURN_IF_ERROR(zcxi_json_member_int(c, d->data, "count", 0, INT64_MAX, &count));
  ZCX_RETURN_IF_ERROR(zcxi_json_member_array(c, d->data, "columns", 1, &cols));
  size_t saved = zcxi_json_path_push(c, ".columns[0]");
  zcx_array_t* values = NULL;
  int rc = zcxi_json_read_column(c, json_array_get(cols, 0), NULL, d->value_type, -1, &values);
  if (rc == 0 && values->length != count) {
    rc = zcxi_json_fail(c, "column count %lld disagrees with the dictionary's count %lld",
                        (long long)values->length, (long long)count);
  }
  zcxi_json_path_pop(c, saved);
  if (rc != 0) {
    zcx_array_release(values);
    return rc;
  }
  d->values = values;
  return 0;
}

int zcxi_json_dict_values(zcxi_json_ctx_t* c, int64_t id, zcx_array_t** out) {
  *out = NULL;
  zcxi_json_dict_t* d = zcxi_json_dict_find(c, id);
  if (d == NULL) {
    return zcxi_json_fail(c, "dictionary id %lld is not declared by the schema", (long long)id);
  }
  if (d->values != NULL) {
    *out = d->values;
    return 0;
  }
  if (d->data == NULL) {
    return zcxi_json_fail(c, "no entry of 'dictionaries' has id %lld", (long long)id);
  }
  if (d->decoding) {
    return zcxi_json_fail(c, "dictionary id %lld contains itself", (long long)id);
  }
  // The values are read at the dictionary's own place in the document; the path of the
  // column that asked for them is put back afterwards.
  char saved_path[ZCXI_JSON_PATH_MAX];
  size_t saved_len = c->path_len;
  memcpy(saved_path, c->path, saved_len + 1);
  zcxi_json_path_pop(c, 0);
  zcxi_json_path_push(c, "dictionaries[%d].data", d->entry);
  d->decoding = true;
  int rc = decode_dictionary(c, d);
  // `d` may have moved if decoding registered dictionaries; look it up again.
  d = zcxi_json_dict_find(c, id);
  d->decoding = false;
  memcpy(c->path, saved_path, saved_len + 1);
  c->path_len = saved_len;
  ZCX_RETURN_IF_ERROR(rc);
  *out = d->values;
  return 0;
}

// Matches each entry of "dictionaries" with the id the schema declared.
static int index_dictionaries(zcxi_json_ctx_t* c, const json_t* arr) {
  for (size_t i = 0; i < json_array_size(arr); i++) {
    const json_t* e = json_array_get(arr, i);
    size_t saved = zcxi_json_path_push(c, "dictionaries[%zu]", i);
    int64_t id = 0;
    const json_t* data = NULL;
    int rc = zcxi_json_member_int(c, e, "id", 0, INT64_MAX, &id);
    if (rc == 0) {
      rc = zcxi_json_member(c, e, "data", JSON_OBJECT, true, &data);
    }
    zcxi_json_dict_t* d = rc == 0 ? zcxi_json_dict_find(c, id) : NULL;
    if (rc == 0 && d == NULL) {
      rc = zcxi_json_fail(c, "id %lld is not used by any field of the schema", (long long)id);
    } else if (rc == 0 && d->data != NULL) {
      rc = zcxi_json_fail(c, "id %lld already appeared in dictionaries[%d] (delta and "
                          "replacement dictionaries are not supported)",
                          (long long)id, d->entry);
    }
    if (rc == 0 && i > INT32_MAX) {
      rc = zcxi_json_fail(c, "too many dictionaries");
    }
    if (rc == 0) {
      d->data = data;
      d->entry = (int32_t)i;
    }
    zcxi_json_path_pop(c, saved);
    ZCX_RETURN_IF_ERROR(rc);
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Batches and the document

static int read_batch(zcxi_json_ctx_t* c, zcx_schema_t* schema, const json_t* b,
                      zcx_batch_t** out) {
  int64_t count;
  const json_t* cols;
  ZCX_RETURN_IF_ERROR(zcxi_json_member_int(c, b, "count", 0, INT64_MAX, &count));
  ZCX_RETURN_IF_ERROR(zcxi_json_member_array(c, b, "columns", schema->num_fields, &cols));
  int32_t n = schema->num_fields;
  zcx_array_t** arrays = calloc((size_t)n + 1, sizeof(*arrays));
  if (arrays == NULL) {
    return zcxi_json_fail_code(c, ENOMEM, "out of memory for %d columns", n);
  }
  int rc = 0;
  for (int32_t i = 0; rc == 0 && i < n; i++) {
    zcx_field_t* f = schema->fields[i];
    size_t saved = zcxi_json_path_push(c, ".columns[%d]", i);
    rc = zcxi_json_read_column(c, json_array_get(cols, (size_t)i), f->name, f->type,
                               f->dictionary_id, &arrays[i]);
    if (rc == 0 && arrays[i]->length != count) {
      rc = zcxi_json_fail(c, "column count %lld disagrees with the batch's count %lld",
                          (long long)arrays[i]->length, (long long)count);
    }
    zcxi_json_path_pop(c, saved);
  }
  if (rc == 0) {
    rc = zcxi_json_prefix(c, zcx_batch_create(schema, arrays, n, count, out, c->err));
  }
  for (int32_t i = 0; i < n; i++) {
    zcx_array_release(arrays[i]);
  }
  free(arrays);
  return rc;
}

static int read_document(zcxi_json_ctx_t* c, const json_t* root, zcx_json_file_t* file) {
  if (!json_is_object(root)) {
    return zcxi_json_fail(c, "the document is %s, expected an object", zcxi_json_kind(root));
  }
  const json_t* schema;
  const json_t* batches;
  const json_t* dicts;
  ZCX_RETURN_IF_ERROR(zcxi_json_member(c, root, "schema", JSON_OBJECT, true, &schema));
  ZCX_RETURN_IF_ERROR(zcxi_json_member(c, root, "batches", JSON_ARRAY, true, &batches));
  ZCX_RETURN_IF_ERROR(zcxi_json_member(c, root, "dictionaries", JSON_ARRAY, false, &dicts));
  ZCX_RETURN_IF_ERROR(zcxi_json_read_schema(c, schema, &file->schema));
  if (dicts != NULL) {
    ZCX_RETURN_IF_ERROR(index_dictionaries(c, dicts));
  }
  size_t nd = dicts != NULL ? json_array_size(dicts) : 0;
  size_t nb = json_array_size(batches);
  if (nb > INT32_MAX) {
    return zcxi_json_fail(c, "%zu batches are too many", nb);
  }
  file->dictionary_ids = calloc(nd + 1, sizeof(*file->dictionary_ids));
  file->dictionaries = calloc(nd + 1, sizeof(*file->dictionaries));
  file->batches = calloc(nb + 1, sizeof(*file->batches));
  if (file->dictionary_ids == NULL || file->dictionaries == NULL || file->batches == NULL) {
    return zcxi_json_fail_code(c, ENOMEM, "out of memory for %zu batches", nb);
  }
  // Every dictionary is decoded, in file order, even those no batch refers to.
  for (size_t i = 0; i < nd; i++) {
    int64_t id = -1;
    for (int32_t k = 0; k < c->num_dicts; k++) {
      if (c->dicts[k].entry == (int32_t)i) {
        id = c->dicts[k].id;
      }
    }
    zcx_array_t* values;
    ZCX_RETURN_IF_ERROR(zcxi_json_dict_values(c, id, &values));
    zcx_array_retain(values);
    file->dictionary_ids[i] = id;
    file->dictionaries[i] = values;
    file->num_dictionaries = (int32_t)(i + 1);
  }
  for (size_t i = 0; i < nb; i++) {
    size_t saved = zcxi_json_path_push(c, "batches[%zu]", i);
    int rc = read_batch(c, file->schema, json_array_get(batches, i), &file->batches[i]);
    zcxi_json_path_pop(c, saved);
    ZCX_RETURN_IF_ERROR(rc);
    file->num_batches = (int32_t)(i + 1);
  }
  return 0;
}

static int read_root(const json_t* root, const char* name, zcx_mr_t* mr, zcx_json_file_t** out,
                     zcx_error_t* err) {
  zcxi_json_ctx_t c;
  zcxi_json_ctx_init(&c, name, mr, err);
  zcx_json_file_t* file = calloc(1, sizeof(*file));
  if (file == NULL) {
    return zcxi_json_fail_code(&c, ENOMEM, "out of memory");
  }
  int rc = read_document(&c, root, file);
  zcxi_json_ctx_reset(&c);
  if (rc != 0) {
    zcx_json_file_destroy(file);
    return rc;
  }
  *out = file;
  return 0;
}

static int load_failed(const char* name, const json_error_t* jerr, zcx_error_t* err) {
  return zcx_error_fail(err, EINVAL, "%s: malformed JSON at line %d, column %d: %s", name,
                        jerr->line, jerr->column, jerr->text);
}

int zcx_json_read_buffer(const void* data, size_t size, const char* name, zcx_mr_t* mr,
                         zcx_json_file_t** out, zcx_error_t* err) {
  if (out == NULL) {
    return zcx_error_fail(err, EINVAL, "json_read_buffer: out is NULL");
  }
  *out = NULL;
  if (name == NULL) {
    name = "<json>";
  }
  if (data == NULL && size > 0) {
    return zcx_error_fail(err, EINVAL, "%s: json_read_buffer: data is NULL", name);
  }
  json_error_t jerr;
  json_t* root = json_loadb(data != NULL ? data : "", size, JSON_REJECT_DUPLICATES, &jerr);
  if (root == NULL) {
    return load_failed(name, &jerr, err);
  }
  int rc = read_root(root, name, mr, out, err);
  json_decref(root);
  return rc;
}

// Reads a whole file through zlib (which passes plain text through unchanged).
static int slurp(const char* path, char** data, size_t* size, zcx_error_t* err) {
  *data = NULL;
  *size = 0;
  gzFile f = gzopen(path, "rb");
  if (f == NULL) {
    return zcx_error_fail(err, EIO, "%s: cannot open: %s", path, strerror(errno));
  }
  size_t cap = 1 << 16;
  size_t len = 0;
  char* buf = malloc(cap);
  int rc = buf == NULL ? zcx_error_fail(err, ENOMEM, "%s: out of memory", path) : 0;
  while (rc == 0) {
    if (len == cap) {
      char* grown = cap <= SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
      if (grown == NULL) {
        rc = zcx_error_fail(err, ENOMEM, "%s: out of memory for %zu bytes", path, cap * 2);
        break;
      }
      buf = grown;
      cap *= 2;
    }
    size_t want = cap - len < (size_t)1 << 30 ? cap - len : (size_t)1 << 30;
    int n = gzread(f, buf + len, (unsigned)want);
    if (n < 0) {
      int zerr = 0;
      const char* msg = gzerror(f, &zerr);
      rc = zcx_error_fail(err, zerr == Z_DATA_ERROR ? EINVAL : EIO, "%s: cannot read: %s", path,
                          msg != NULL ? msg : "error");
    } else if (n == 0) {
      break;
    } else {
      len += (size_t)n;
    }
  }
  gzclose(f);
  if (rc != 0) {
    free(buf);
    return rc;
  }
  *data = buf;
  *size = len;
  return 0;
}

int zcx_json_read_file(const char* path, zcx_mr_t* mr, zcx_json_file_t** out, zcx_error_t* err) {
  if (out == NULL || path == NULL) {
    return zcx_error_fail(err, EINVAL, "json_read_file: %s is NULL", out == NULL ? "out" : "path");
  }
  *out = NULL;
  char* data;
  size_t size;
  ZCX_RETURN_IF_ERROR(slurp(path, &data, &size, err));
  // The messages name the file by its last path component, which is what tells files apart.
  const char* name = strrchr(path, '/');
  name = name != NULL ? name + 1 : path;
  int rc = zcx_json_read_buffer(data, size, name, mr, out, err);
  free(data);
  return rc;
}

zcx_array_t* zcx_json_file_dictionary(const zcx_json_file_t* file, int64_t id) {
  if (file == NULL) {
    return NULL;
  }
  for (int32_t i = 0; i < file->num_dictionaries; i++) {
    if (file->dictionary_ids[i] == id) {
      return file->dictionaries[i];
    }
  }
  return NULL;
}

int64_t zcx_json_file_num_rows(const zcx_json_file_t* file) {
  int64_t rows = 0;
  if (file != NULL) {
    for (int32_t i = 0; i < file->num_batches; i++) {
      rows += file->batches[i]->num_rows;
    }
  }
  return rows;
}

void zcx_json_file_destroy(zcx_json_file_t* file) {
  if (file == NULL) {
    return;
  }
  for (int32_t i = 0; i < file->num_batches; i++) {
    zcx_batch_release(file->batches[i]);
  }
  for (int32_t i = 0; i < file->num_dictionaries; i++) {
    zcx_array_release(file->dictionaries[i]);
  }
  zcx_schema_release(file->schema);
  free(file->batches);
  free(file->dictionaries);
  free(file->dictionary_ids);
  free(file);
}
