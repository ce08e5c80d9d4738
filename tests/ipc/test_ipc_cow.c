// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Tests of copy-on-write reads (zcx_ipc_read_options_t.copy_on_write, src/ipc/reader.c and
// src/ipc/os_map.c): the file is mapped privately and writable, still zero-copy; the buffers
// are not flagged read-only; a write stays in this mapping (the file and other readers never
// see it); the default read stays read-only; old callers' options keep the default.
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ipc_support.h"

#define ROWS 4096

// The line of /proc/self/maps that holds `p`: its range, permissions and path.
static bool mapping_holding(const void* p, uintptr_t* lo, uintptr_t* hi, char perms[8],
                            char* path, size_t path_size) {
  FILE* f = fopen("/proc/self/maps", "r");
  if (f == NULL) {
    return false;
  }
  char line[4096];
  bool found = false;
  while (!found && fgets(line, sizeof(line), f) != NULL) {
    unsigned long a = 0;
    unsigned long b = 0;
    int used = 0;
    if (sscanf(line, "%lx-%lx %7s %*s %*s %*s%n", &a, &b, perms, &used) < 3) {
      continue;
    }
    if ((uintptr_t)p >= a && (uintptr_t)p < b) {
      const char* rest = line + used;
      while (*rest == ' ') {
        rest++;
      }
      snprintf(path, path_size, "%s", rest);
      path[strcspn(path, "\n")] = '\0';
      *lo = a;
      *hi = b;
      found = true;
    }
  }
  fclose(f);
  return found;
}

typedef struct fixture {
  char path[64];
  zcx_schema_t* schema;
  zcx_batch_t* batch;
} fixture_t;

// Writes one batch of an int64 column "x" and a float64 column "y" (no nulls) to a new file
// in the given format.
static void make_file(fixture_t* fx, zcx_ipc_format_t format, zcx_ipc_compression_t codec) {
  zcx_error_t err;
  snprintf(fx->path, sizeof(fx->path), "/tmp/zcx-ipc-cow-XXXXXX");
  int fd = mkstemp(fx->path);
  assert_true(fd >= 0);
  close(fd);
  zcx_field_t* f[2] = {ts_field("x", ts_type(ZCX_TYPE_INT64), false),
                       ts_field("y", ts_type(ZCX_TYPE_DOUBLE), false)};
  assert_int_equal(zcx_schema_create(f, 2, NULL, &fx->schema, &err), 0);
  zcx_field_release(f[0]);
  zcx_field_release(f[1]);
  fx->batch = ts_make_batch(fx->schema, ROWS, 7);
  zcx_ipc_write_options_t wo;
  zcx_ipc_write_options_init(&wo);
  wo.compression = codec;
  zcx_ipc_writer_t* w = NULL;
  assert_int_equal(zcx_ipc_writer_create_path(format, fx->path, fx->schema, &wo, &w, &err), 0);
  assert_int_equal(zcx_ipc_writer_write(w, fx->batch, NULL, &err), 0);
  assert_int_equal(zcx_ipc_writer_finish(w, NULL, &err), 0);
  zcx_ipc_writer_destroy(w);
}

static void fixture_free(fixture_t* fx) {
  zcx_batch_release(fx->batch);
  zcx_schema_release(fx->schema);
  unlink(fx->path);
}

static zcx_batch_t* read_file(const char* path, const zcx_ipc_read_options_t* opts) {
  zcx_error_t err;
  zcx_ipc_file_reader_t* r = NULL;
  int rc = zcx_ipc_file_reader_open_path(path, opts, &r, &err);
  if (rc != 0) {
    fail_msg("%s", err.message);
  }
  zcx_batch_t* b = NULL;
  assert_int_equal(zcx_ipc_file_reader_read(r, 0, &b, &err), 0);
  zcx_ipc_file_reader_destroy(r);
  return b;
}

static zcx_batch_t* read_stream(const char* path, const zcx_ipc_read_options_t* opts) {
  zcx_error_t err;
  zcx_ipc_reader_t* r = NULL;
  int rc = zcx_ipc_reader_open_path(path, opts, &r, &err);
  if (rc != 0) {
    fail_msg("%s", err.message);
  }
  zcx_batch_t* b = NULL;
  assert_int_equal(zcx_ipc_reader_next(r, &b, &err), 0);
  assert_non_null(b);
  zcx_ipc_reader_destroy(r);
  return b;
}

static zcx_buffer_t* values_of(const zcx_batch_t* b, int32_t column) {
  return b->columns[column]->buffers[1];
}

// The bytes of the file at `offset`, read with pread (not through any mapping).
static int64_t file_int64_at(const char* path, int64_t offset) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  assert_true(fd >= 0);
  int64_t v = 0;
  assert_int_equal(pread(fd, &v, sizeof(v), (off_t)offset), (ssize_t)sizeof(v));
  close(fd);
  return v;
}

static void expect_private_writes(fixture_t* fx, zcx_batch_t* (*read)(const char*,
                                                                     const zcx_ipc_read_options_t*)) {
  zcx_ipc_read_options_t cow;
  zcx_ipc_read_options_init(&cow);
  cow.copy_on_write = true;
  zcx_batch_t* b = read(fx->path, &cow);
  zcx_buffer_t* x = values_of(b, 0);
  // Not flagged read-only, and still zero-copy: the values lie in a private, writable
  // mapping of the file.
  assert_int_equal(zcx_buffer_flags(x) & ZCX_BUFFER_READONLY, 0);
  assert_int_equal(zcx_buffer_flags(values_of(b, 1)) & ZCX_BUFFER_READONLY, 0);
  int64_t* v = zcx_buffer_data(x);
  uintptr_t lo = 0;
  uintptr_t hi = 0;
  char perms[8] = "";
  char where[512] = "";
  assert_true(mapping_holding(v, &lo, &hi, perms, where, sizeof(where)));
  if (strstr(where, fx->path) == NULL) {
    fail_msg("values at %p lie in '%s', not in the file '%s'", (void*)v, where, fx->path);
  }
  assert_int_equal(perms[1], 'w');
  assert_int_equal(perms[3], 'p');
  int64_t offset = (int64_t)((uintptr_t)v - lo);  // the file is mapped from offset 0
  int64_t before = v[0];
  assert_int_equal(file_int64_at(fx->path, offset), before);
  // A second copy-on-write reader and a default reader, opened before the write.
  zcx_batch_t* other = read(fx->path, &cow);
  zcx_batch_t* plain = read(fx->path, NULL);
  assert_true((zcx_buffer_flags(values_of(plain, 0)) & ZCX_BUFFER_READONLY) != 0);
  // The write: seen here, not in the file, not by the other readers, not by a new one.
  v[0] = before ^ 0x5a5a5a5a;
  assert_int_equal(((const int64_t*)zcx_buffer_data(x))[0], before ^ 0x5a5a5a5a);
  assert_int_equal(file_int64_at(fx->path, offset), before);
  assert_int_equal(((const int64_t*)zcx_buffer_data(values_of(other, 0)))[0], before);
  assert_int_equal(((const int64_t*)zcx_buffer_data(values_of(plain, 0)))[0], before);
  zcx_batch_t* again = read(fx->path, &cow);
  assert_int_equal(((const int64_t*)zcx_buffer_data(values_of(again, 0)))[0], before);
  assert_true(zcx_batch_equal(again, fx->batch, NULL));
  zcx_batch_release(again);
  zcx_batch_release(plain);
  zcx_batch_release(other);
  zcx_batch_release(b);
}

static void test_file_reader_copy_on_write(void** state) {
  (void)state;
  fixture_t fx;
  make_file(&fx, ZCX_IPC_FILE, ZCX_IPC_COMPRESSION_NONE);
  expect_private_writes(&fx, read_file);
  fixture_free(&fx);
}

static void test_stream_reader_copy_on_write(void** state) {
  (void)state;
  fixture_t fx;
  make_file(&fx, ZCX_IPC_STREAM, ZCX_IPC_COMPRESSION_NONE);
  expect_private_writes(&fx, read_stream);
  fixture_free(&fx);
}

static void test_default_read_stays_read_only(void** state) {
  (void)state;
  fixture_t fx;
  make_file(&fx, ZCX_IPC_FILE, ZCX_IPC_COMPRESSION_NONE);
  zcx_batch_t* b = read_file(fx.path, NULL);
  uintptr_t lo = 0;
  uintptr_t hi = 0;
  char perms[8] = "";
  char where[512] = "";
  assert_true(zcx_buffer_flags(values_of(b, 0)) & ZCX_BUFFER_READONLY);
  assert_true(mapping_holding(zcx_buffer_data(values_of(b, 0)), &lo, &hi, perms, where,
                              sizeof(where)));
  assert_int_equal(perms[1], '-');  // a write would fault: hence the flag
  zcx_batch_release(b);
  // Callers built against the options before copy_on_write existed: a smaller struct_size
  // leaves it at its default even when the bytes after it are not zero.
  zcx_ipc_read_options_t old;
  memset(&old, 0xff, sizeof(old));
  zcx_ipc_read_options_init(&old);
  old.copy_on_write = true;
  old.struct_size = offsetof(zcx_ipc_read_options_t, copy_on_write);
  b = read_file(fx.path, &old);
  assert_true(zcx_buffer_flags(values_of(b, 0)) & ZCX_BUFFER_READONLY);
  zcx_batch_release(b);
  fixture_free(&fx);
}

static void test_copy_on_write_is_ignored_for_buffers(void** state) {
  (void)state;
  fixture_t fx;
  make_file(&fx, ZCX_IPC_FILE, ZCX_IPC_COMPRESSION_NONE);
  zcx_buffer_t* data = ts_write(ZCX_IPC_FILE, ZCX_IPC_COMPRESSION_NONE, fx.schema, &fx.batch, 1);
  zcx_buffer_t* ro = NULL;
  zcx_error_t err;
  assert_int_equal(zcx_buffer_wrap(zcx_buffer_data(data), zcx_buffer_size(data),
                                   zcx_device_cpu(), ZCX_BUFFER_READONLY, NULL, NULL, &ro, &err),
                   0);
  zcx_ipc_read_options_t cow;
  zcx_ipc_read_options_init(&cow);
  cow.copy_on_write = true;
  // A buffer keeps its flags: read-only input stays read-only, writable stays writable.
  zcx_ipc_file_reader_t* r = NULL;
  assert_int_equal(zcx_ipc_file_reader_open_buffer(ro, &cow, &r, &err), 0);
  zcx_batch_t* b = NULL;
  assert_int_equal(zcx_ipc_file_reader_read(r, 0, &b, &err), 0);
  assert_true(zcx_buffer_flags(values_of(b, 0)) & ZCX_BUFFER_READONLY);
  zcx_batch_release(b);
  zcx_ipc_file_reader_destroy(r);
  assert_int_equal(zcx_ipc_file_reader_open_buffer(data, &cow, &r, &err), 0);
  assert_int_equal(zcx_ipc_file_reader_read(r, 0, &b, &err), 0);
  assert_int_equal(zcx_buffer_flags(values_of(b, 0)) & ZCX_BUFFER_READONLY, 0);
  assert_true(zcx_batch_equal(b, fx.batch, NULL));
  zcx_batch_release(b);
  zcx_ipc_file_reader_destroy(r);
  zcx_buffer_release(ro);
  zcx_buffer_release(data);
  // Compressed bodies are decompressed into writable memory, copy-on-write or not.
  fixture_t cz;
  make_file(&cz, ZCX_IPC_FILE, ZCX_IPC_COMPRESSION_ZSTD);
  b = read_file(cz.path, &cow);
  assert_int_equal(zcx_buffer_flags(values_of(b, 0)) & ZCX_BUFFER_READONLY, 0);
  assert_true(zcx_batch_equal(b, cz.batch, NULL));
  zcx_batch_release(b);
  fixture_free(&cz);
  fixture_free(&fx);
}

static void test_copy_on_write_bad_paths(void** state) {
  (void)state;
  zcx_ipc_read_options_t cow;
  zcx_ipc_read_options_init(&cow);
  cow.copy_on_write = true;
  zcx_error_t err;
  zcx_ipc_file_reader_t* r = (zcx_ipc_file_reader_t*)&r;
  assert_int_equal(zcx_ipc_file_reader_open_path("/nonexistent/zcx-cow.arrow", &cow, &r, &err),
                   ENOENT);
  assert_null(r);
  assert_non_null(strstr(err.message, "/nonexistent/zcx-cow.arrow"));
  zcx_ipc_reader_t* sr = (zcx_ipc_reader_t*)&sr;
  assert_int_equal(zcx_ipc_reader_open_path("/tmp", &cow, &sr, &err), EINVAL);
  assert_null(sr);
  assert_non_null(strstr(err.message, "not a regular file"));
  // An empty file maps to nothing and is refused as an Arrow file, not as a mapping.
  char path[] = "/tmp/zcx-ipc-cow-empty-XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
  assert_int_equal(zcx_ipc_file_reader_open_path(path, &cow, &r, &err), EINVAL);
  assert_null(r);
  // A file that is not Arrow: refused, and the mapping is gone with the error.
  fd = open(path, O_WRONLY | O_CLOEXEC);
  assert_true(fd >= 0);
  char junk[4096];
  memset(junk, 'j', sizeof(junk));
  assert_int_equal(write(fd, junk, sizeof(junk)), (ssize_t)sizeof(junk));
  close(fd);
  assert_int_equal(zcx_ipc_file_reader_open_path(path, &cow, &r, &err), EINVAL);
  assert_null(r);
  FILE* maps = fopen("/proc/self/maps", "r");
  assert_non_null(maps);
  char line[4096];
  while (fgets(line, sizeof(line), maps) != NULL) {
    assert_null(strstr(line, path));
  }
  fclose(maps);
  unlink(path);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_file_reader_copy_on_write),
      cmocka_unit_test(test_stream_reader_copy_on_write),
      cmocka_unit_test(test_default_read_stays_read_only),
      cmocka_unit_test(test_copy_on_write_is_ignored_for_buffers),
      cmocka_unit_test(test_copy_on_write_bad_paths),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
