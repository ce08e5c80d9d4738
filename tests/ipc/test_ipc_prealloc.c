// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Tests of the preallocation of descriptor sinks (src/ipc/os_map.c, src/ipc/writer.c): which
// descriptors it applies to, and that files written with it hold exactly the bytes of the
// memory writer, at the descriptor's position, with the size of what was written.
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cmocka.h>

#include "ipc/internal.h"
#include "ipc/ipc_support.h"

static bool on_ext4_or_xfs(int fd) {
  struct statfs fs;
  return fstatfs(fd, &fs) == 0 && (fs.f_type == 0xEF53 || fs.f_type == 0x58465342);
}

static void test_probe(void** state) {
  (void)state;
  int64_t off = -1;
  // Pipes and memfd (tmpfs) are never preallocated.
  int p[2];
  assert_int_equal(pipe(p), 0);
  assert_false(zcxi_ipc_prealloc_probe(p[1], &off));
  assert_int_equal(off, 0);
  close(p[0]);
  close(p[1]);
  int mfd = memfd_create("zcx-prealloc", MFD_CLOEXEC);
  assert_true(mfd >= 0);
  assert_false(zcxi_ipc_prealloc_probe(mfd, &off));
  close(mfd);
  assert_false(zcxi_ipc_prealloc_probe(-1, &off));
  assert_false(zcxi_ipc_preallocate(-1, 0, 4096));
  // A file in /tmp: on ext4 or XFS, yes, at the descriptor's position.
  char path[] = "/tmp/zcx-ipc-prealloc-XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, "0123456789", 10), 10);
  bool yes = zcxi_ipc_prealloc_probe(fd, &off);
  assert_int_equal(yes, on_ext4_or_xfs(fd));
  assert_int_equal(off, yes ? 10 : 0);
  if (yes) {
    // Reserving does not change the size.
    assert_true(zcxi_ipc_preallocate(fd, 10, 1 << 20));
    struct stat st;
    assert_int_equal(fstat(fd, &st), 0);
    assert_int_equal(st.st_size, 10);
  }
  close(fd);
  // Appending descriptors are not preallocated (their position says nothing).
  fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
  assert_true(fd >= 0);
  assert_false(zcxi_ipc_prealloc_probe(fd, &off));
  close(fd);
  unlink(path);
}

// A batch whose message is well past the preallocation threshold (1 MiB).
static zcx_batch_t* big_batch(zcx_schema_t* s, int64_t seed) {
  zcx_type_t* t = ts_type(ZCX_TYPE_INT64);
  zcx_array_t* col = ts_make_array(t, 300000, true, seed);
  zcx_type_release(t);
  zcx_batch_t* b = NULL;
  zcx_error_t err;
  if (zcx_batch_create(s, &col, 1, col->length, &b, &err) != 0) {
    fail_msg("batch_create: %s", err.message);
  }
  zcx_array_release(col);
  return b;
}

// Reads the whole file at `path`.
static uint8_t* slurp(const char* path, size_t* n) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  assert_true(fd >= 0);
  struct stat st;
  assert_int_equal(fstat(fd, &st), 0);
  uint8_t* data = malloc((size_t)st.st_size + 1);
  assert_non_null(data);
  size_t got = 0;
  while (got < (size_t)st.st_size) {
    ssize_t r = read(fd, data + got, (size_t)st.st_size - got);
    assert_true(r > 0);
    got += (size_t)r;
  }
  close(fd);
  *n = got;
  return data;
}

static void expect_file(const char* path, const char* head, zcx_buffer_t* want) {
  size_t n = 0;
  uint8_t* got = slurp(path, &n);
  size_t h = strlen(head);
  assert_int_equal(n, h + (size_t)zcx_buffer_size(want));
  assert_memory_equal(got, head, h);
  assert_memory_equal(got + h, zcx_buffer_data(want), (size_t)zcx_buffer_size(want));
  free(got);
}

static void write_fd(int fd, zcx_schema_t* s, zcx_batch_t* const* b, int n) {
  zcx_ipc_writer_t* w = NULL;
  zcx_error_t err;
  assert_int_equal(zcx_ipc_writer_create_fd(ZCX_IPC_FILE, fd, s, NULL, &w, &err), 0);
  for (int i = 0; i < n; i++) {
    assert_int_equal(zcx_ipc_writer_write(w, b[i], NULL, &err), 0);
  }
  assert_int_equal(zcx_ipc_writer_finish(w, NULL, &err), 0);
  zcx_ipc_writer_destroy(w);
}

static void test_files_match_memory(void** state) {
  (void)state;
  zcx_field_t* f = ts_field("v", ts_type(ZCX_TYPE_INT64), true);
  zcx_schema_t* s = NULL;
  assert_int_equal(zcx_schema_create(&f, 1, NULL, &s, NULL), 0);
  zcx_field_release(f);
  zcx_batch_t* b[3] = {big_batch(s, 1), big_batch(s, 2), big_batch(s, 3)};
  zcx_buffer_t* want = ts_write(ZCX_IPC_FILE, ZCX_IPC_COMPRESSION_NONE, s, b, 3);
  assert_true(zcx_buffer_size(want) > 3 * (1 << 20));
  char path[] = "/tmp/zcx-ipc-prealloc-XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
  zcx_error_t err;
  // By path.
  zcx_ipc_writer_t* w = NULL;
  assert_int_equal(zcx_ipc_writer_create_path(ZCX_IPC_FILE, path, s, NULL, &w, &err), 0);
  for (int i = 0; i < 3; i++) {
    assert_int_equal(zcx_ipc_writer_write(w, b[i], NULL, &err), 0);
  }
  assert_int_equal(zcx_ipc_writer_finish(w, NULL, &err), 0);
  assert_int_equal(zcx_ipc_writer_bytes_written(w), zcx_buffer_size(want));
  zcx_ipc_writer_destroy(w);
  expect_file(path, "", want);
  // By a descriptor that is not at the start of its file.
  fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, "header", 6), 6);
  write_fd(fd, s, b, 3);
  close(fd);
  expect_file(path, "header", want);
  // By an appending descriptor.
  fd = open(path, O_WRONLY | O_TRUNC | O_APPEND | O_CLOEXEC);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, "appended", 8), 8);
  write_fd(fd, s, b, 3);
  close(fd);
  expect_file(path, "appended", want);
  // Into an existing longer file: what lies past the output stays as it was.
  fd = open(path, O_WRONLY | O_CLOEXEC);
  assert_true(fd >= 0);
  assert_int_equal(lseek(fd, 0, SEEK_END), (off_t)zcx_buffer_size(want) + 8);
  assert_int_equal(write(fd, "tail", 4), 4);
  assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
  write_fd(fd, s, b, 3);
  close(fd);
  size_t n = 0;
  uint8_t* got = slurp(path, &n);
  assert_int_equal(n, (size_t)zcx_buffer_size(want) + 12);
  assert_memory_equal(got, zcx_buffer_data(want), (size_t)zcx_buffer_size(want));
  assert_memory_equal(got + n - 4, "tail", 4);
  free(got);
  // And the file reads back.
  zcx_ipc_file_reader_t* r = NULL;
  fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
  assert_true(fd >= 0);
  write_fd(fd, s, b, 3);
  close(fd);
  assert_int_equal(zcx_ipc_file_reader_open_path(path, NULL, &r, &err), 0);
  assert_int_equal(zcx_ipc_file_reader_num_batches(r), 3);
  for (int64_t i = 0; i < 3; i++) {
    zcx_batch_t* got_b = NULL;
    assert_int_equal(zcx_ipc_file_reader_read(r, i, &got_b, &err), 0);
    assert_true(zcx_array_equal(got_b->columns[0], b[i]->columns[0], NULL));
    zcx_batch_release(got_b);
  }
  zcx_ipc_file_reader_destroy(r);
  unlink(path);
  zcx_buffer_release(want);
  for (int i = 0; i < 3; i++) {
    zcx_batch_release(b[i]);
  }
  zcx_schema_release(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_probe),
      cmocka_unit_test(test_files_match_memory),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
