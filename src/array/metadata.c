// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Key/value metadata of schemas and fields: NUL-terminated copies in two parallel arrays.
#include <stdlib.h>
#include <string.h>

#include "array/internal.h"

void zcx_metadata_init(zcx_metadata_t* md) {
  md->count = 0;
  md->keys = NULL;
  md->values = NULL;
}

void zcx_metadata_reset(zcx_metadata_t* md) {
  if (md == NULL) {
    return;
  }
  for (int32_t i = 0; i < md->count; i++) {
    free(md->keys[i]);
    free(md->values[i]);
  }
  free(md->keys);
  free(md->values);
  zcx_metadata_init(md);
}

int zcx_metadata_append(zcx_metadata_t* md, const char* key, const char* value,
                        zcx_error_t* err) {
  if (md == NULL || key == NULL || value == NULL) {
    return zcx_error_fail(err, EINVAL, "metadata_append: %s is NULL",
                          md == NULL ? "metadata" : key == NULL ? "key" : "value");
  }
  if (md->count == INT32_MAX) {
    return zcx_error_fail(err, EINVAL, "metadata_append: too many entries (%d)", md->count);
  }
  size_t n = (size_t)md->count + 1;
  char** keys = realloc(md->keys, n * sizeof(char*));
  if (keys == NULL) {
    return zcx_error_fail(err, ENOMEM, "metadata_append: out of memory for %zu entries", n);
  }
  md->keys = keys;
  char** values = realloc(md->values, n * sizeof(char*));
  if (values == NULL) {
    return zcx_error_fail(err, ENOMEM, "metadata_append: out of memory for %zu entries", n);
  }
  md->values = values;
  char* k = strdup(key);
  char* v = strdup(value);
  if (k == NULL || v == NULL) {
    free(k);
    free(v);
    return zcx_error_fail(err, ENOMEM, "metadata_append: out of memory for key '%s'", key);
  }
  md->keys[md->count] = k;
  md->values[md->count] = v;
  md->count++;
  return 0;
}

int zcx_metadata_copy(const zcx_metadata_t* src, zcx_metadata_t* out, zcx_error_t* err) {
  if (out == NULL) {
    return zcx_error_fail(err, EINVAL, "metadata_copy: out is NULL");
  }
  zcx_metadata_init(out);
  if (src == NULL) {
    return 0;
  }
  for (int32_t i = 0; i < src->count; i++) {
    int rc = zcx_metadata_append(out, src->keys[i], src->values[i], err);
    if (rc != 0) {
      zcx_metadata_reset(out);
      return rc;
    }
  }
  return 0;
}

const char* zcx_metadata_get(const zcx_metadata_t* md, const char* key) {
  if (md == NULL || key == NULL) {
    return NULL;
  }
  for (int32_t i = 0; i < md->count; i++) {
    if (strcmp(md->keys[i], key) == 0) {
      return md->values[i];
    }
  }
  return NULL;
}

bool zcx_metadata_equal(const zcx_metadata_t* a, const zcx_metadata_t* b) {
  int32_t na = a == NULL ? 0 : a->count;
  int32_t nb = b == NULL ? 0 : b->count;
  if (na != nb) {
    return false;
  }
  // Entries in the same order: metadata is a list, and IPC round trips keep the order.
  for (int32_t i = 0; i < na; i++) {
    if (strcmp(a->keys[i], b->keys[i]) != 0 || strcmp(a->values[i], b->values[i]) != 0) {
      return false;
    }
  }
  return true;
}
