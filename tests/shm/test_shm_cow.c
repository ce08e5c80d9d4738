// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Tests of copy-on-write attach (zcx_shm_attach_options_t.copy_on_write, src/shm/attach.c):
// a sealed memfd takes a private writable mapping; the arrays stay zero-copy at the
// producer's offsets and are not flagged read-only; a write stays in that mapping (the
// segment, the producer and other readers never see it, in this process or another); the
// default attach stays read-only; old callers' options keep the default.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "shm_support.h"
#include "zcx/ipc.h"
#include "zcx/shm.h"

#define ROWS 5000

typedef struct producer {
  zcx_shm_segment_t* seg;
  zcx_mr_t* mr;
  zcx_schema_t* schema;
  zcx_batch_t* batch;
} producer_t;

// One batch built in a new memfd segment, published and sealed.
static void produce(producer_t* p, const char* label) {
  zcx_error_t err;
  memset(p, 0, sizeof(*p));
  assert_int_equal(zcx_shm_segment_create(label, 4 << 20, &p->seg, &err), 0);
  assert_int_equal(zcx_shm_mr_create(p->seg, NULL, &p->mr, &err), 0);
  p->schema = ss_schema();
  p->batch = ss_build_batch(p->schema, p->mr, ROWS, 11);
  assert_non_null(p->batch);
  int rc = zcx_shm_publish(p->mr, p->schema, &p->batch, 1, NULL, &err);
  if (rc != 0) {
    fail_msg("%s", err.message);
  }
  assert_true(zcx_shm_segment_sealed(p->seg));
}

static void producer_free(producer_t* p) {
  zcx_batch_release(p->batch);
  zcx_schema_release(p->schema);
  zcx_mr_release(p->mr);
  zcx_shm_segment_release(p->seg);
}

static zcx_batch_t* attach_read(int fd, const zcx_shm_attach_options_t* opts) {
  zcx_error_t err;
  zcx_ipc_file_reader_t* r = NULL;
  int rc = zcx_shm_attach_fd(fd, opts, &r, &err);
  if (rc != 0) {
    fail_msg("%s", err.message);
  }
  zcx_batch_t* b = NULL;
  assert_int_equal(zcx_ipc_file_reader_read(r, 0, &b, &err), 0);
  zcx_ipc_file_reader_destroy(r);
  return b;
}

// The values of column "score" (double, no nulls).
static zcx_buffer_t* scores(const zcx_batch_t* b) { return b->columns[1]->buffers[1]; }

static double score0(const zcx_batch_t* b) { return ((const double*)zcx_buffer_data(scores(b)))[0]; }

static void test_copy_on_write_attach_of_a_sealed_memfd(void** state) {
  (void)state;
  producer_t p;
  produce(&p, "zcx-cow");
  int fd = zcx_shm_segment_fd(p.seg);
  zcx_shm_attach_options_t cow;
  zcx_shm_attach_options_init(&cow);
  cow.copy_on_write = true;
  zcx_batch_t* b = attach_read(fd, &cow);
  zcx_batch_t* plain = attach_read(fd, NULL);
  zcx_batch_t* other = attach_read(fd, &cow);
  char why[256] = "";
  assert_true(ss_check_batch(b, ROWS, 11, why, sizeof(why)));
  // Not flagged read-only (the default attach is), and zero-copy: in a private, writable
  // mapping of the memfd, at the offset where the builder wrote the column.
  assert_int_equal(zcx_buffer_flags(scores(b)) & ZCX_BUFFER_READONLY, 0);
  assert_true(zcx_buffer_flags(scores(plain)) & ZCX_BUFFER_READONLY);
  double* v = zcx_buffer_data(scores(b));
  uintptr_t lo = 0;
  uintptr_t hi = 0;
  char path[512] = "";
  assert_true(ss_mapping_of(v, &lo, &hi, path, sizeof(path)));
  if (strstr(path, "memfd:zcx-cow") == NULL) {
    fail_msg("scores at %p lie in '%s', not in the memfd", (void*)v, path);
  }
  uintptr_t base = (uintptr_t)zcx_shm_segment_data(p.seg);
  assert_int_equal((uintptr_t)v - lo, (uintptr_t)zcx_buffer_data(scores(p.batch)) - base);
  // The write: seen through this mapping only.
  double before = v[0];
  v[0] = before + 1000.5;
  assert_true(score0(b) == before + 1000.5);
  assert_true(score0(p.batch) == before);  // the producer's mapping
  assert_true(score0(plain) == before);    // a read-only reader
  assert_true(score0(other) == before);    // another copy-on-write reader
  zcx_batch_t* again = attach_read(fd, &cow);
  assert_true(score0(again) == before);
  assert_true(ss_check_batch(again, ROWS, 11, why, sizeof(why)));
  double in_file = 0;
  assert_int_equal(pread(fd, &in_file, sizeof(in_file), (off_t)((uintptr_t)v - lo)),
                   (ssize_t)sizeof(in_file));
  assert_true(in_file == before);
  // Still sealed and whole.
  assert_true(zcx_shm_segment_sealed(p.seg));
  assert_ptr_equal(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), MAP_FAILED);
  zcx_batch_release(again);
  zcx_batch_release(other);
  zcx_batch_release(plain);
  zcx_batch_release(b);
  producer_free(&p);
}

static void test_copy_on_write_in_another_process(void** state) {
  (void)state;
  producer_t p;
  produce(&p, "zcx-cow-fork");
  const char* path = zcx_shm_segment_path(p.seg);
  char child_path[256];
  snprintf(child_path, sizeof(child_path), "%s", path);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    // The child attaches by path (its own descriptor), writes every score, checks them.
    zcx_shm_attach_options_t cow;
    zcx_shm_attach_options_init(&cow);
    cow.copy_on_write = true;
    zcx_ipc_file_reader_t* r = NULL;
    if (zcx_shm_attach_path(child_path, &cow, &r, NULL) != 0) {
      _exit(2);
    }
    zcx_batch_t* b = NULL;
    if (zcx_ipc_file_reader_read(r, 0, &b, NULL) != 0) {
      _exit(3);
    }
    double* v = zcx_buffer_data(b->columns[1]->buffers[1]);
    for (int64_t i = 0; i < ROWS; i++) {
      v[i] = -1.0;
    }
    int ok = v[ROWS - 1] == -1.0 && (zcx_buffer_flags(b->columns[1]->buffers[1]) &
                                     ZCX_BUFFER_READONLY) == 0;
    zcx_batch_release(b);
    zcx_ipc_file_reader_destroy(r);
    _exit(ok ? 0 : 4);
  }
  int status = 0;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_true(WIFEXITED(status));
  assert_int_equal(WEXITSTATUS(status), 0);
  // Nothing the child wrote reached the segment.
  zcx_batch_t* b = attach_read(zcx_shm_segment_fd(p.seg), NULL);
  char why[256] = "";
  assert_true(ss_check_batch(b, ROWS, 11, why, sizeof(why)));
  assert_true(ss_check_batch(p.batch, ROWS, 11, why, sizeof(why)));
  zcx_batch_release(b);
  producer_free(&p);
}

static void test_old_options_and_refusals_keep_their_meaning(void** state) {
  (void)state;
  producer_t p;
  produce(&p, "zcx-cow-old");
  int fd = zcx_shm_segment_fd(p.seg);
  // Options from before copy_on_write: a smaller struct_size means read-only.
  zcx_shm_attach_options_t old;
  zcx_shm_attach_options_init(&old);
  old.copy_on_write = true;
  old.struct_size = offsetof(zcx_shm_attach_options_t, copy_on_write);
  zcx_batch_t* b = attach_read(fd, &old);
  assert_true(zcx_buffer_flags(scores(b)) & ZCX_BUFFER_READONLY);
  zcx_batch_release(b);
  producer_free(&p);
  // Copy-on-write does not lift the seal check: an unsealed segment is still refused.
  zcx_error_t err;
  zcx_shm_segment_t* seg = NULL;
  assert_int_equal(zcx_shm_segment_create("zcx-cow-unsealed", 1 << 16, &seg, &err), 0);
  zcx_shm_attach_options_t cow;
  zcx_shm_attach_options_init(&cow);
  cow.copy_on_write = true;
  zcx_ipc_file_reader_t* r = (zcx_ipc_file_reader_t*)&r;
  assert_int_equal(zcx_shm_attach_fd(zcx_shm_segment_fd(seg), &cow, &r, &err), EPERM);
  assert_null(r);
  assert_non_null(strstr(err.message, "not sealed"));
  // Trusted, it is mapped copy-on-write and then refused as not an Arrow file.
  cow.flags = ZCX_SHM_ATTACH_TRUST_UNSEALED;
  r = (zcx_ipc_file_reader_t*)&r;
  assert_int_equal(zcx_shm_attach_fd(zcx_shm_segment_fd(seg), &cow, &r, &err), EINVAL);
  assert_null(r);
  zcx_shm_segment_release(seg);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_copy_on_write_attach_of_a_sealed_memfd),
      cmocka_unit_test(test_copy_on_write_in_another_process),
      cmocka_unit_test(test_old_options_and_refusals_keep_their_meaning),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
