// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Tests of src/shm/publish.c and attach.c: batches built in a segment become an Arrow file
// in place (no copy), the segment is sealed (writes and truncation fail with EPERM), other
// processes attach by descriptor or path and read zero-copy arrays, and unsealed or
// non-Arrow segments are refused.
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "shm_support.h"
#include "zcx/ipc.h"
#include "zcx/shm.h"

#ifdef ZCX_SANITIZE
#define ROWS 3000
#else
#define ROWS 20000
#endif

typedef struct producer {
  zcx_shm_segment_t* seg;
  zcx_mr_t* mr;
  zcx_schema_t* schema;
  zcx_batch_t* batches[3];
} producer_t;

// Builds three batches in a new segment (not yet published).
static void produce(producer_t* p, const char* label) {
  zcx_error_t err;
  memset(p, 0, sizeof(*p));
  assert_int_equal(zcx_shm_segment_create(label, 16 << 20, &p->seg, &err), 0);
  assert_int_equal(zcx_shm_mr_create(p->seg, NULL, &p->mr, &err), 0);
  p->schema = ss_schema();
  for (int k = 0; k < 3; k++) {
    p->batches[k] = ss_build_batch(p->schema, p->mr, ROWS + k, 1000 * k);
    assert_non_null(p->batches[k]);
  }
}

static void producer_free(producer_t* p) {
  for (int k = 0; k < 3; k++) {
    zcx_batch_release(p->batches[k]);
  }
  zcx_schema_release(p->schema);
  zcx_mr_release(p->mr);
  zcx_shm_segment_release(p->seg);
}

static void check_reader(zcx_ipc_file_reader_t* r) {
  assert_int_equal(zcx_ipc_file_reader_num_batches(r), 3);
  for (int k = 0; k < 3; k++) {
    zcx_batch_t* b = NULL;
    zcx_error_t err;
    assert_int_equal(zcx_ipc_file_reader_read(r, k, &b, &err), 0);
    char why[256] = "";
    if (!ss_check_batch(b, ROWS + k, 1000 * k, why, sizeof(why))) {
      fail_msg("batch %d: %s", k, why);
    }
    assert_int_equal(zcx_batch_validate(b, ZCX_VALIDATE_FULL, &err), 0);
    zcx_batch_release(b);
  }
}

// Every non-empty buffer of `b` lies in one mapping whose path contains `where`; *start
// receives that mapping's start.
static void expect_in_mapping(const zcx_batch_t* b, const char* where, uintptr_t* start) {
  *start = 0;
  for (int32_t c = 0; c < b->num_columns; c++) {
    const zcx_array_t* a = b->columns[c];
    for (int32_t i = 0; i < a->num_buffers; i++) {
      if (a->buffers[i] == NULL || zcx_buffer_size(a->buffers[i]) == 0) {
        continue;
      }
      uintptr_t lo = 0;
      uintptr_t hi = 0;
      char path[512];
      const void* p = zcx_buffer_data(a->buffers[i]);
      assert_true(ss_mapping_of(p, &lo, &hi, path, sizeof(path)));
      if (strstr(path, where) == NULL) {
        fail_msg("column %d buffer %d at %p lies in '%s', not in '%s'", c, i, p, path, where);
      }
      if (*start == 0) {
        *start = lo;
      }
      assert_int_equal(lo, *start);
    }
  }
}

static void test_publish_seals_and_reads_in_place(void** state) {
  (void)state;
  zcx_error_t err;
  producer_t p;
  produce(&p, "zcx-publish");
  zcx_metadata_t md;
  zcx_metadata_init(&md);
  assert_int_equal(zcx_metadata_append(&md, "origin", "test", &err), 0);
  assert_int_equal(zcx_shm_publish(p.mr, p.schema, p.batches, 3, &md, &err), 0);
  zcx_metadata_reset(&md);
  assert_true(zcx_shm_segment_published(p.seg));
  assert_true(zcx_shm_segment_sealed(p.seg));
  int64_t size = zcx_shm_segment_size(p.seg);
  assert_true(size > 0 && size < zcx_shm_segment_capacity(p.seg));
  // The producer's arrays still read (the mapping became read-only in place).
  char why[256] = "";
  assert_true(ss_check_batch(p.batches[0], ROWS, 0, why, sizeof(why)));
  // Sealed: no writes, no truncation, no growth, no writable mapping, no more seals.
  int fd = zcx_shm_segment_fd(p.seg);
  assert_int_equal(ftruncate(fd, 0), -1);
  assert_int_equal(errno, EPERM);
  assert_int_equal(ftruncate(fd, size * 2), -1);
  assert_int_equal(errno, EPERM);
  assert_int_equal(pwrite(fd, "x", 1, 0), -1);
  assert_int_equal(errno, EPERM);
  assert_int_equal(write(fd, "x", 1), -1);
  assert_int_equal(errno, EPERM);
  assert_ptr_equal(mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0),
                   MAP_FAILED);
  // The resource hands out nothing more, and a second publish is refused.
  void* q = NULL;
  assert_int_equal(zcx_mr_allocate(p.mr, 64, 64, NULL, &q, &err), EROFS);
  assert_int_equal(zcx_shm_publish(p.mr, p.schema, p.batches, 3, NULL, &err), EINVAL);
  assert_non_null(strstr(err.message, "already published"));
  // Attached by its descriptor: zero-copy arrays in a mapping of the memfd, at the offsets
  // where the builders wrote them.
  zcx_ipc_file_reader_t* r = NULL;
  assert_int_equal(zcx_shm_attach_fd(fd, NULL, &r, &err), 0);
  check_reader(r);
  const zcx_metadata_t* fmd = zcx_ipc_file_reader_metadata(r);
  assert_non_null(fmd);
  assert_string_equal(zcx_metadata_get(fmd, "origin"), "test");
  zcx_batch_t* b = NULL;
  assert_int_equal(zcx_ipc_file_reader_read(r, 1, &b, &err), 0);
  uintptr_t start = 0;
  expect_in_mapping(b, "memfd:zcx-publish", &start);
  uintptr_t base = (uintptr_t)zcx_shm_segment_data(p.seg);
  for (int32_t c = 0; c < b->num_columns; c++) {
    for (int32_t i = 0; i < b->columns[c]->num_buffers; i++) {
      zcx_buffer_t* mine = p.batches[1]->columns[c]->buffers[i];
      zcx_buffer_t* theirs = b->columns[c]->buffers[i];
      if (mine != NULL && theirs != NULL && zcx_buffer_size(theirs) > 0) {
        assert_int_equal((uintptr_t)zcx_buffer_data(theirs) - start,
                         (uintptr_t)zcx_buffer_data(mine) - base);
      }
    }
  }
  // The arrays outlive the reader (they hold the mapping).
  zcx_ipc_file_reader_destroy(r);
  assert_true(ss_check_batch(b, ROWS + 1, 1000, why, sizeof(why)));
  zcx_batch_release(b);
  // Any Arrow file reader opens it by its path.
  assert_int_equal(zcx_ipc_file_reader_open_path(zcx_shm_segment_path(p.seg), NULL, &r, &err),
                   0);
  check_reader(r);
  zcx_ipc_file_reader_destroy(r);
  assert_int_equal(zcx_shm_attach_path(zcx_shm_segment_path(p.seg), NULL, &r, &err), 0);
  check_reader(r);
  zcx_ipc_file_reader_destroy(r);
  producer_free(&p);
}

static void test_fork_producer_consumer(void** state) {
  (void)state;
  int sv[2];
  assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    // The producer: build in place, publish, pass the descriptor, wait for the consumer.
    close(sv[1]);
    zcx_shm_segment_t* seg = NULL;
    zcx_mr_t* mr = NULL;
    int rc = zcx_shm_segment_create("zcx-fork", 16 << 20, &seg, NULL);
    rc = rc ? rc : zcx_shm_mr_create(seg, NULL, &mr, NULL);
    zcx_schema_t* schema = ss_schema();
    zcx_batch_t* b[3] = {NULL, NULL, NULL};
    for (int k = 0; rc == 0 && k < 3; k++) {
      b[k] = ss_build_batch(schema, mr, ROWS + k, 1000 * k);
      rc = b[k] == NULL ? ENOMEM : 0;
    }
    rc = rc ? rc : zcx_shm_publish(mr, schema, b, 3, NULL, NULL);
    rc = rc ? rc : zcx_shm_send_fd(sv[0], zcx_shm_segment_fd(seg), NULL);
    char ack = 0;
    if (rc == 0 && read(sv[0], &ack, 1) != 1) {
      rc = EIO;
    }
    for (int k = 0; k < 3; k++) {
      zcx_batch_release(b[k]);
    }
    zcx_schema_release(schema);
    zcx_mr_release(mr);
    zcx_shm_segment_release(seg);
    _exit(rc == 0 && ack == 'k' ? 0 : 1);
  }
  close(sv[0]);
  zcx_error_t err;
  int fd = -1;
  assert_int_equal(zcx_shm_recv_fd(sv[1], &fd, &err), 0);
  zcx_ipc_file_reader_t* r = NULL;
  int rc = zcx_shm_attach_fd(fd, NULL, &r, &err);
  if (rc != 0) {
    fail_msg("attach: %s", err.message);
  }
  close(fd);
  check_reader(r);
  zcx_batch_t* b = NULL;
  assert_int_equal(zcx_ipc_file_reader_read(r, 2, &b, &err), 0);
  uintptr_t start = 0;
  expect_in_mapping(b, "memfd:zcx-fork", &start);
  zcx_ipc_file_reader_destroy(r);
  assert_int_equal(write(sv[1], "k", 1), 1);
  int status = 0;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_true(WIFEXITED(status));
  assert_int_equal(WEXITSTATUS(status), 0);
  // The producer is gone; the sealed memory stays while the consumer maps it.
  char why[256] = "";
  assert_true(ss_check_batch(b, ROWS + 2, 2000, why, sizeof(why)));
  zcx_batch_release(b);
  close(sv[1]);
}

static void test_unsealed_and_foreign_segments_refused(void** state) {
  (void)state;
  zcx_error_t err;
  zcx_ipc_file_reader_t* r = NULL;
  // A valid Arrow file in an unsealed memfd.
  int fd = memfd_create("zcx-unsealed", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  assert_true(fd >= 0);
  zcx_schema_t* schema = ss_schema();
  zcx_batch_t* batch = ss_build_batch(schema, NULL, 100, 0);
  zcx_ipc_writer_t* w = NULL;
  assert_int_equal(zcx_ipc_writer_create_fd(ZCX_IPC_FILE, fd, schema, NULL, &w, &err), 0);
  assert_int_equal(zcx_ipc_writer_write(w, batch, NULL, &err), 0);
  assert_int_equal(zcx_ipc_writer_finish(w, NULL, &err), 0);
  zcx_ipc_writer_destroy(w);
  assert_int_equal(zcx_shm_attach_fd(fd, NULL, &r, &err), EPERM);
  assert_null(r);
  assert_non_null(strstr(err.message, "not sealed"));
  // Trusted, it is accepted only when private to this user.
  zcx_shm_attach_options_t o;
  zcx_shm_attach_options_init(&o);
  o.flags = ZCX_SHM_ATTACH_TRUST_UNSEALED;
  assert_int_equal(fchmod(fd, 0644), 0);
  assert_int_equal(zcx_shm_attach_fd(fd, &o, &r, &err), EPERM);
  assert_non_null(strstr(err.message, "group or others"));
  assert_int_equal(fchmod(fd, 0600), 0);
  assert_int_equal(zcx_shm_attach_fd(fd, &o, &r, &err), 0);
  zcx_ipc_file_reader_destroy(r);
  // Sealed but not an Arrow file.
  int junk = memfd_create("zcx-junk", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  assert_true(junk >= 0);
  const char text[] = "this is not an arrow file, just some bytes of text to look at";
  assert_int_equal(write(junk, text, sizeof(text)), (ssize_t)sizeof(text));
  assert_int_equal(fcntl(junk, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW), 0);
  assert_int_equal(zcx_shm_attach_fd(junk, NULL, &r, &err), EINVAL);
  assert_non_null(strstr(err.message, "not an Arrow file"));
  close(junk);
  // Sealed and empty.
  junk = memfd_create("zcx-empty", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  assert_int_equal(fcntl(junk, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK), 0);
  assert_int_equal(zcx_shm_attach_fd(junk, NULL, &r, &err), EINVAL);
  assert_non_null(strstr(err.message, "empty"));
  close(junk);
  // Bad arguments.
  assert_int_equal(zcx_shm_attach_fd(-1, NULL, &r, &err), EINVAL);
  assert_int_equal(zcx_shm_attach_fd(fd, NULL, NULL, &err), EINVAL);
  assert_int_equal(zcx_shm_attach_path("/nonexistent/zcx", NULL, &r, &err), ENOENT);
  assert_non_null(strstr(err.message, "/nonexistent/zcx"));
  o.struct_size = 0;
  assert_int_equal(zcx_shm_attach_fd(fd, &o, &r, &err), EINVAL);
  close(fd);
  zcx_batch_release(batch);
  zcx_schema_release(schema);
}

static void test_posix_segment_needs_trust(void** state) {
  (void)state;
  zcx_error_t err;
  const char* name = ss_unique_name("publish");
  zcx_shm_segment_t* seg = NULL;
  assert_int_equal(zcx_shm_segment_create_named(name, 4 << 20, &seg, &err), 0);
  zcx_mr_t* mr = NULL;
  assert_int_equal(zcx_shm_mr_create(seg, NULL, &mr, &err), 0);
  zcx_schema_t* schema = ss_schema();
  zcx_batch_t* batch = ss_build_batch(schema, mr, 1000, 5);
  assert_int_equal(zcx_shm_publish(mr, schema, &batch, 1, NULL, &err), 0);
  assert_true(zcx_shm_segment_published(seg));
  assert_false(zcx_shm_segment_sealed(seg));
  zcx_ipc_file_reader_t* r = NULL;
  assert_int_equal(zcx_shm_attach_path(zcx_shm_segment_path(seg), NULL, &r, &err), EPERM);
  assert_non_null(strstr(err.message, "not sealed"));
  zcx_shm_attach_options_t o;
  zcx_shm_attach_options_init(&o);
  o.flags = ZCX_SHM_ATTACH_TRUST_UNSEALED;
  assert_int_equal(zcx_shm_attach_path(zcx_shm_segment_path(seg), &o, &r, &err), 0);
  zcx_batch_t* b = NULL;
  assert_int_equal(zcx_ipc_file_reader_read(r, 0, &b, &err), 0);
  char why[256] = "";
  assert_true(ss_check_batch(b, 1000, 5, why, sizeof(why)));
  uintptr_t start = 0;
  expect_in_mapping(b, name, &start);
  zcx_batch_release(b);
  zcx_ipc_file_reader_destroy(r);
  // The plain file reader reads it by path too.
  assert_int_equal(zcx_ipc_file_reader_open_path(zcx_shm_segment_path(seg), NULL, &r, &err), 0);
  assert_int_equal(zcx_ipc_file_reader_num_batches(r), 1);
  zcx_ipc_file_reader_destroy(r);
  assert_int_equal(zcx_shm_segment_unlink(seg, &err), 0);
  zcx_batch_release(batch);
  zcx_schema_release(schema);
  zcx_mr_release(mr);
  zcx_shm_segment_release(seg);
}

static void test_publish_copies_what_is_not_in_place(void** state) {
  (void)state;
  zcx_error_t err;
  zcx_shm_segment_t* seg = NULL;
  assert_int_equal(zcx_shm_segment_create("zcx-mixed", 8 << 20, &seg, &err), 0);
  zcx_mr_t* mr = NULL;
  assert_int_equal(zcx_shm_mr_create(seg, NULL, &mr, &err), 0);
  zcx_schema_t* schema = ss_schema();
  // One batch from the default resource, one slice of a segment batch at an odd offset.
  zcx_batch_t* outside = ss_build_batch(schema, NULL, 500, 7);
  zcx_batch_t* inside = ss_build_batch(schema, mr, 600, 0);
  zcx_batch_t* slice = NULL;
  assert_int_equal(zcx_batch_slice(inside, 13, 333, &slice, &err), 0);
  zcx_batch_t* v[2] = {outside, slice};
  assert_int_equal(zcx_shm_publish(mr, schema, v, 2, NULL, &err), 0);
  zcx_ipc_file_reader_t* r = NULL;
  assert_int_equal(zcx_shm_attach_fd(zcx_shm_segment_fd(seg), NULL, &r, &err), 0);
  zcx_batch_t* b = NULL;
  assert_int_equal(zcx_ipc_file_reader_read(r, 0, &b, &err), 0);
  char why[256] = "";
  assert_true(ss_check_batch(b, 500, 7, why, sizeof(why)));
  zcx_batch_release(b);
  assert_int_equal(zcx_ipc_file_reader_read(r, 1, &b, &err), 0);
  assert_true(ss_check_batch(b, 333, 13, why, sizeof(why)));
  zcx_batch_release(b);
  zcx_ipc_file_reader_destroy(r);
  zcx_batch_release(slice);
  zcx_batch_release(inside);
  zcx_batch_release(outside);
  zcx_schema_release(schema);
  zcx_mr_release(mr);
  zcx_shm_segment_release(seg);
}

static void test_publish_dictionaries(void** state) {
  (void)state;
  zcx_error_t err;
  zcx_shm_segment_t* seg = NULL;
  assert_int_equal(zcx_shm_segment_create("zcx-dict", 4 << 20, &seg, &err), 0);
  zcx_mr_t* mr = NULL;
  assert_int_equal(zcx_shm_mr_create(seg, NULL, &mr, &err), 0);
  zcx_type_t* i32 = NULL;
  zcx_type_t* str = NULL;
  zcx_type_t* dt = NULL;
  assert_int_equal(zcx_type_create(ZCX_TYPE_INT32, &i32, &err), 0);
  assert_int_equal(zcx_type_create(ZCX_TYPE_STRING, &str, &err), 0);
  assert_int_equal(zcx_type_dictionary(i32, str, false, &dt, &err), 0);
  zcx_field_t* f = NULL;
  assert_int_equal(zcx_field_create("color", dt, true, NULL, &f, &err), 0);
  zcx_schema_t* schema = NULL;
  assert_int_equal(zcx_schema_create(&f, 1, NULL, &schema, &err), 0);
  zcx_builder_t* bld = NULL;
  assert_int_equal(zcx_builder_create(dt, mr, &bld, &err), 0);
  const char* words[] = {"red", "green", "blue"};
  for (int i = 0; i < 3; i++) {
    assert_int_equal(zcx_builder_append_bytes(zcx_builder_dictionary(bld), words[i],
                                              (int64_t)strlen(words[i]), &err),
                     0);
  }
  for (int i = 0; i < 100; i++) {
    assert_int_equal(zcx_builder_append_int(bld, i % 3, &err), 0);
  }
  zcx_array_t* col = NULL;
  assert_int_equal(zcx_builder_finish(bld, &col, &err), 0);
  zcx_batch_t* batch = NULL;
  assert_int_equal(zcx_batch_create(schema, &col, 1, 100, &batch, &err), 0);
  zcx_batch_t* v[2] = {batch, batch};
  assert_int_equal(zcx_shm_publish(mr, schema, v, 2, NULL, &err), 0);
  zcx_ipc_file_reader_t* r = NULL;
  assert_int_equal(zcx_shm_attach_fd(zcx_shm_segment_fd(seg), NULL, &r, &err), 0);
  assert_int_equal(zcx_ipc_file_reader_num_batches(r), 2);
  zcx_batch_t* b = NULL;
  assert_int_equal(zcx_ipc_file_reader_read(r, 1, &b, &err), 0);
  assert_true(zcx_batch_equal(b, batch, &err));
  zcx_batch_release(b);
  zcx_ipc_file_reader_destroy(r);
  zcx_builder_destroy(bld);
  zcx_batch_release(batch);
  zcx_array_release(col);
  zcx_schema_release(schema);
  zcx_field_release(f);
  zcx_type_release(dt);
  zcx_type_release(str);
  zcx_type_release(i32);
  zcx_mr_release(mr);
  zcx_shm_segment_release(seg);
}

static void test_publish_failures_leave_segment_writable(void** state) {
  (void)state;
  zcx_error_t err;
  zcx_shm_segment_t* seg = NULL;
  assert_int_equal(zcx_shm_segment_create("zcx-small", 1 << 20, &seg, &err), 0);
  zcx_shm_mr_options_t o;
  zcx_shm_mr_options_init(&o);
  o.header_size = 1024;
  zcx_mr_t* mr = NULL;
  assert_int_equal(zcx_shm_mr_create(seg, &o, &mr, &err), 0);
  zcx_schema_t* schema = ss_schema();
  zcx_batch_t* v[8];
  for (int k = 0; k < 8; k++) {
    v[k] = ss_build_batch(schema, mr, 10, k);
    assert_non_null(v[k]);
  }
  zcx_mr_stats_t before;
  before.struct_size = sizeof(before);
  assert_int_equal(zcx_mr_get_stats(mr, &before, &err), 0);
  // Eight batches' metadata do not fit 1 KiB of header.
  assert_int_equal(zcx_shm_publish(mr, schema, v, 8, NULL, &err), ENOSPC);
  assert_non_null(strstr(err.message, "header_size"));
  assert_false(zcx_shm_segment_published(mr ? zcx_shm_mr_segment(mr) : NULL));
  zcx_mr_stats_t after;
  after.struct_size = sizeof(after);
  assert_int_equal(zcx_mr_get_stats(mr, &after, &err), 0);
  assert_int_equal(after.current_bytes, before.current_bytes);
  // Still writable: allocations work, and one batch publishes.
  void* q = NULL;
  assert_int_equal(zcx_mr_allocate(mr, 64, 64, NULL, &q, &err), 0);
  memset(q, 1, 64);
  assert_int_equal(zcx_mr_deallocate(mr, q, 64, NULL, &err), 0);
  // Wrong schema, wrong resource, bad counts.
  zcx_schema_t* other = NULL;
  assert_int_equal(zcx_schema_create(schema->fields, 2, NULL, &other, &err), 0);
  assert_int_equal(zcx_shm_publish(mr, other, v, 1, NULL, &err), EINVAL);
  assert_int_equal(zcx_shm_publish(zcx_default_mr(), schema, v, 1, NULL, &err), EINVAL);
  assert_non_null(strstr(err.message, "not a shm resource"));
  assert_int_equal(zcx_shm_publish(mr, schema, v, -1, NULL, &err), EINVAL);
  assert_int_equal(zcx_shm_publish(mr, NULL, v, 1, NULL, &err), EINVAL);
  assert_int_equal(zcx_shm_publish(mr, schema, v, 1, NULL, &err), 0);
  zcx_ipc_file_reader_t* r = NULL;
  assert_int_equal(zcx_shm_attach_fd(zcx_shm_segment_fd(seg), NULL, &r, &err), 0);
  assert_int_equal(zcx_ipc_file_reader_num_batches(r), 1);
  zcx_ipc_file_reader_destroy(r);
  // Zero batches make a valid empty file too.
  zcx_shm_segment_t* seg2 = NULL;
  zcx_mr_t* mr2 = NULL;
  assert_int_equal(zcx_shm_segment_create("zcx-empty", 1 << 20, &seg2, &err), 0);
  assert_int_equal(zcx_shm_mr_create(seg2, NULL, &mr2, &err), 0);
  assert_int_equal(zcx_shm_publish(mr2, schema, NULL, 0, NULL, &err), 0);
  assert_int_equal(zcx_shm_attach_fd(zcx_shm_segment_fd(seg2), NULL, &r, &err), 0);
  assert_int_equal(zcx_ipc_file_reader_num_batches(r), 0);
  assert_true(zcx_schema_equal(zcx_ipc_file_reader_schema(r), schema));
  zcx_ipc_file_reader_destroy(r);
  zcx_mr_release(mr2);
  zcx_shm_segment_release(seg2);
  zcx_schema_release(other);
  for (int k = 0; k < 8; k++) {
    zcx_batch_release(v[k]);
  }
  zcx_schema_release(schema);
  zcx_mr_release(mr);
  zcx_shm_segment_release(seg);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_publish_seals_and_reads_in_place),
      cmocka_unit_test(test_fork_producer_consumer),
      cmocka_unit_test(test_unsealed_and_foreign_segments_refused),
      cmocka_unit_test(test_posix_segment_needs_trust),
      cmocka_unit_test(test_publish_copies_what_is_not_in_place),
      cmocka_unit_test(test_publish_dictionaries),
      cmocka_unit_test(test_publish_failures_leave_segment_writable),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
