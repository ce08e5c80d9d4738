// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// A program outside the zcx tree that uses the installed package: a pool, a buffer and an
// array builder. It prints one line that tests/install checks; any failure exits 1.
#include <stdio.h>
#include <string.h>

#include <zcx/zcx.h>

static int fail(const char* what, int rc, const zcx_error_t* err) {
  fprintf(stderr, "consumer: %s: %s: %s\n", what, zcx_status_name(rc), zcx_error_message(err));
  return 1;
}

int main(void) {
  zcx_error_t err;
  zcx_error_init(&err);
  if (strcmp(zcx_version(), ZCX_VERSION_STRING) != 0) {
    fprintf(stderr, "consumer: library %s, header %s\n", zcx_version(), ZCX_VERSION_STRING);
    return 1;
  }
  zcx_mr_t* pool = NULL;
  int rc = zcx_pool_mr_create(NULL, NULL, &pool, &err);
  if (rc != 0) {
    return fail("pool", rc, &err);
  }
  // A buffer from the pool: 64-byte aligned, counted in the pool's statistics.
  zcx_buffer_t* buf = NULL;
  rc = zcx_buffer_allocate(pool, 1000, 0, NULL, &buf, &err);
  if (rc != 0) {
    zcx_mr_release(pool);
    return fail("buffer", rc, &err);
  }
  memset(zcx_buffer_data(buf), 7, 1000);
  int aligned = ((uintptr_t)zcx_buffer_data(buf) % 64) == 0;
  zcx_mr_stats_t stats;
  memset(&stats, 0, sizeof(stats));
  stats.struct_size = sizeof(stats);
  rc = zcx_mr_get_stats(pool, &stats, &err);
  zcx_buffer_release(buf);
  if (rc != 0) {
    zcx_mr_release(pool);
    return fail("stats", rc, &err);
  }
  // An int64 array 0..99 with one null, built in the same pool.
  zcx_type_t* type = NULL;
  zcx_builder_t* b = NULL;
  zcx_array_t* array = NULL;
  rc = zcx_type_create(ZCX_TYPE_INT64, &type, &err);
  if (rc == 0) {
    rc = zcx_builder_create(type, pool, &b, &err);
  }
  for (int64_t i = 0; rc == 0 && i < 100; i++) {
    rc = i == 50 ? zcx_builder_append_null(b, 1, &err) : zcx_builder_append_int(b, i, &err);
  }
  if (rc == 0) {
    rc = zcx_builder_finish(b, &array, &err);
  }
  zcx_builder_destroy(b);
  zcx_type_release(type);
  if (rc != 0) {
    zcx_mr_release(pool);
    return fail("builder", rc, &err);
  }
  int64_t sum = 0;
  for (int64_t i = 0; i < array->length; i++) {
    if (!zcx_array_is_null(array, i)) {
      sum += zcx_array_get_int(array, i);
    }
  }
  printf("zcx consumer %s: pool %s, buffer of 1000 bytes (%s, in use %lld), "
         "int64 array length %lld nulls %lld sum %lld\n",
         zcx_version(), zcx_mr_name(pool), aligned ? "aligned" : "MISALIGNED",
         (long long)stats.current_bytes, (long long)array->length,
         (long long)zcx_array_null_count(array), (long long)sum);
  zcx_array_release(array);
  zcx_mr_release(pool);
  return 0;
}
