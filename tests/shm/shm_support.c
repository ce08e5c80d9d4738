// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Helpers shared by the shm tests: deterministic batches built in a resource, their check,
// and the lookup of a pointer's mapping in /proc/self/maps.
#include "shm_support.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static zcx_field_t* field(const char* name, zcx_type_id_t id, bool nullable) {
  zcx_type_t* t = NULL;
  zcx_field_t* f = NULL;
  if (zcx_type_create(id, &t, NULL) != 0) {
    return NULL;
  }
  if (zcx_field_create(name, t, nullable, NULL, &f, NULL) != 0) {
    f = NULL;
  }
  zcx_type_release(t);
  return f;
}

zcx_schema_t* ss_schema(void) {
  zcx_field_t* f[3] = {field("id", ZCX_TYPE_INT64, true), field("score", ZCX_TYPE_DOUBLE, false),
                       field("name", ZCX_TYPE_STRING, true)};
  zcx_schema_t* s = NULL;
  if (f[0] != NULL && f[1] != NULL && f[2] != NULL) {
    if (zcx_schema_create(f, 3, NULL, &s, NULL) != 0) {
      s = NULL;
    }
  }
  for (int i = 0; i < 3; i++) {
    zcx_field_release(f[i]);
  }
  return s;
}

static void name_of(int64_t v, char* buf, size_t size) {
  snprintf(buf, size, "row-%" PRId64 "%s", v, (v % 3 == 0) ? "-long-enough-to-grow" : "");
}

zcx_batch_t* ss_build_batch(zcx_schema_t* schema, zcx_mr_t* mr, int64_t rows, int64_t seed) {
  zcx_builder_t* b[3] = {NULL, NULL, NULL};
  zcx_array_t* cols[3] = {NULL, NULL, NULL};
  zcx_batch_t* batch = NULL;
  int rc = 0;
  for (int c = 0; c < 3 && rc == 0; c++) {
    rc = zcx_builder_create(schema->fields[c]->type, mr, &b[c], NULL);
  }
  for (int64_t i = 0; i < rows && rc == 0; i++) {
    int64_t v = seed + i;
    rc = (v % 5 == 4) ? zcx_builder_append_null(b[0], 1, NULL)
                      : zcx_builder_append_int(b[0], v * 1000003, NULL);
    if (rc == 0) {
      rc = zcx_builder_append_double(b[1], (double)v * 0.5, NULL);
    }
    if (rc == 0 && v % 7 == 6) {
      rc = zcx_builder_append_null(b[2], 1, NULL);
    } else if (rc == 0) {
      char s[64];
      name_of(v, s, sizeof(s));
      rc = zcx_builder_append_bytes(b[2], s, (int64_t)strlen(s), NULL);
    }
  }
  for (int c = 0; c < 3 && rc == 0; c++) {
    rc = zcx_builder_finish(b[c], &cols[c], NULL);
  }
  if (rc == 0 && zcx_batch_create(schema, cols, 3, rows, &batch, NULL) != 0) {
    batch = NULL;
  }
  for (int c = 0; c < 3; c++) {
    zcx_builder_destroy(b[c]);
    zcx_array_release(cols[c]);
  }
  return batch;
}

bool ss_check_batch(const zcx_batch_t* batch, int64_t rows, int64_t seed, char* why,
                    size_t why_size) {
  if (batch == NULL || batch->num_rows != rows || batch->num_columns != 3) {
    snprintf(why, why_size, "batch NULL or of %lld rows", batch ? (long long)batch->num_rows : -1);
    return false;
  }
  for (int64_t i = 0; i < rows; i++) {
    int64_t v = seed + i;
    const zcx_array_t* id = batch->columns[0];
    if ((v % 5 == 4) != zcx_array_is_null(id, i) ||
        (v % 5 != 4 && zcx_array_get_int(id, i) != v * 1000003)) {
      snprintf(why, why_size, "row %lld: id differs", (long long)i);
      return false;
    }
    if (zcx_array_get_double(batch->columns[1], i) != (double)v * 0.5) {
      snprintf(why, why_size, "row %lld: score differs", (long long)i);
      return false;
    }
    const zcx_array_t* name = batch->columns[2];
    if ((v % 7 == 6) != zcx_array_is_null(name, i)) {
      snprintf(why, why_size, "row %lld: name nullness differs", (long long)i);
      return false;
    }
    if (v % 7 != 6) {
      char s[64];
      name_of(v, s, sizeof(s));
      const uint8_t* d;
      int64_t n;
      zcx_array_get_bytes(name, i, &d, &n);
      if (n != (int64_t)strlen(s) || memcmp(d, s, (size_t)n) != 0) {
        snprintf(why, why_size, "row %lld: name differs", (long long)i);
        return false;
      }
    }
  }
  return true;
}

bool ss_mapping_of(const void* p, uintptr_t* start, uintptr_t* end, char* path,
                   size_t path_size) {
  FILE* f = fopen("/proc/self/maps", "r");
  if (f == NULL) {
    return false;
  }
  char line[1024];
  bool found = false;
  uintptr_t a = (uintptr_t)p;
  while (!found && fgets(line, sizeof(line), f) != NULL) {
    unsigned long lo;
    unsigned long hi;
    int consumed = 0;
    if (sscanf(line, "%lx-%lx %*s %*s %*s %*s%n", &lo, &hi, &consumed) < 2) {
      continue;
    }
    if (a >= lo && a < hi) {
      found = true;
      *start = (uintptr_t)lo;
      *end = (uintptr_t)hi;
      const char* q = line + consumed;
      while (*q == ' ') {
        q++;
      }
      snprintf(path, path_size, "%s", q);
      size_t n = strlen(path);
      if (n > 0 && path[n - 1] == '\n') {
        path[n - 1] = '\0';
      }
    }
  }
  fclose(f);
  return found;
}

const char* ss_unique_name(const char* tag) {
  static char buf[8][96];
  static int slot;
  char* b = buf[slot++ % 8];
  snprintf(b, 96, "zcx-test-%s-%d", tag, (int)getpid());
  return b;
}
