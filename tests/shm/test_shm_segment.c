// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Tests of src/shm/segment.c and os_shm.c: memfd and POSIX segments, their modes, paths and
// names, and descriptor passing over a Unix socket.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "shm_support.h"
#include "zcx/shm.h"

static void test_memfd_segment(void** state) {
  (void)state;
  zcx_error_t err;
  zcx_shm_segment_t* s = NULL;
  assert_int_equal(zcx_shm_segment_create("zcx-seg", 1 << 20, &s, &err), 0);
  assert_int_equal(zcx_shm_segment_kind(s), ZCX_SHM_MEMFD);
  assert_true(zcx_shm_segment_fd(s) >= 0);
  assert_int_equal(zcx_shm_segment_capacity(s), 1 << 20);
  assert_int_equal(zcx_shm_segment_size(s), 1 << 20);
  assert_false(zcx_shm_segment_published(s));
  assert_false(zcx_shm_segment_sealed(s));
  char want[64];
  snprintf(want, sizeof(want), "/proc/%d/fd/%d", (int)getpid(), zcx_shm_segment_fd(s));
  assert_string_equal(zcx_shm_segment_path(s), want);
  struct stat st;
  assert_int_equal(fstat(zcx_shm_segment_fd(s), &st), 0);
  assert_int_equal(st.st_mode & 0777, 0600);
  assert_int_equal(st.st_size, 1 << 20);
  // The producer's mapping is writable and backed by the file.
  uint8_t* p = zcx_shm_segment_data(s);
  p[12345] = 42;
  uint8_t back = 0;
  assert_int_equal(pread(zcx_shm_segment_fd(s), &back, 1, 12345), 1);
  assert_int_equal(back, 42);
  zcx_shm_segment_retain(s);
  zcx_shm_segment_release(s);
  zcx_shm_segment_release(s);
  // A NULL label is fine; bad capacities and outputs are not.
  assert_int_equal(zcx_shm_segment_create(NULL, 4096, &s, &err), 0);
  zcx_shm_segment_release(s);
  s = (zcx_shm_segment_t*)&err;
  assert_int_equal(zcx_shm_segment_create("x", 0, &s, &err), EINVAL);
  assert_null(s);
  assert_non_null(strstr(err.message, "capacity 0"));
  assert_int_equal(zcx_shm_segment_create("x", -5, &s, &err), EINVAL);
  assert_int_equal(zcx_shm_segment_create("x", 4096, NULL, &err), EINVAL);
  zcx_shm_segment_release(NULL);
}

static void test_posix_segment(void** state) {
  (void)state;
  zcx_error_t err;
  const char* name = ss_unique_name("posix");
  zcx_shm_segment_t* s = NULL;
  assert_int_equal(zcx_shm_segment_create_named(name, 65536, &s, &err), 0);
  assert_int_equal(zcx_shm_segment_kind(s), ZCX_SHM_POSIX);
  char want[160];
  snprintf(want, sizeof(want), "/dev/shm/%s", name);
  assert_string_equal(zcx_shm_segment_path(s), want);
  struct stat st;
  assert_int_equal(stat(want, &st), 0);
  assert_int_equal(st.st_mode & 0777, 0600);
  assert_int_equal(st.st_size, 65536);
  // O_EXCL: the name cannot be taken twice, with or without the leading slash.
  zcx_shm_segment_t* again = NULL;
  assert_int_equal(zcx_shm_segment_create_named(name, 4096, &again, &err), EEXIST);
  assert_null(again);
  assert_non_null(strstr(err.message, "taken"));
  char slashed[128];
  snprintf(slashed, sizeof(slashed), "/%s", name);
  assert_int_equal(zcx_shm_segment_create_named(slashed, 4096, &again, &err), EEXIST);
  assert_int_equal(zcx_shm_segment_unlink(s, &err), 0);
  assert_int_not_equal(stat(want, &st), 0);
  // Unlinking twice reports the missing name.
  assert_int_equal(zcx_shm_segment_unlink(s, &err), ENOENT);
  zcx_shm_segment_release(s);
  // Bad names.
  const char* bad[] = {"", "/", "a/b", "..", "sp ace", NULL};
  for (int i = 0; bad[i] != NULL; i++) {
    assert_int_equal(zcx_shm_segment_create_named(bad[i], 4096, &s, &err), EINVAL);
    assert_non_null(strstr(err.message, "bad name"));
  }
  assert_int_equal(zcx_shm_segment_create_named(NULL, 4096, &s, &err), EINVAL);
  assert_int_equal(zcx_shm_segment_create_named(ss_unique_name("cap"), 0, &s, &err), EINVAL);
  // A memfd segment has no name to unlink.
  assert_int_equal(zcx_shm_segment_create("m", 4096, &s, &err), 0);
  assert_int_equal(zcx_shm_segment_unlink(s, &err), EINVAL);
  zcx_shm_segment_release(s);
}

static void test_fd_passing(void** state) {
  (void)state;
  zcx_error_t err;
  int sv[2];
  assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  zcx_shm_segment_t* s = NULL;
  assert_int_equal(zcx_shm_segment_create("pass", 4096, &s, &err), 0);
  ((uint8_t*)zcx_shm_segment_data(s))[7] = 99;
  assert_int_equal(zcx_shm_send_fd(sv[0], zcx_shm_segment_fd(s), &err), 0);
  int fd = -1;
  assert_int_equal(zcx_shm_recv_fd(sv[1], &fd, &err), 0);
  assert_true(fd >= 0);
  assert_int_not_equal(fd, zcx_shm_segment_fd(s));
  uint8_t b = 0;
  assert_int_equal(pread(fd, &b, 1, 7), 1);
  assert_int_equal(b, 99);
  close(fd);
  // Plain data without a descriptor, and a closed peer.
  assert_int_equal(write(sv[0], "x", 1), 1);
  assert_int_equal(zcx_shm_recv_fd(sv[1], &fd, &err), EBADMSG);
  assert_int_equal(fd, -1);
  assert_int_equal(zcx_shm_send_fd(sv[0], -1, &err), EINVAL);
  assert_int_equal(zcx_shm_send_fd(-1, 0, &err), EINVAL);
  assert_int_equal(zcx_shm_recv_fd(sv[1], NULL, &err), EINVAL);
  close(sv[0]);
  assert_int_equal(zcx_shm_recv_fd(sv[1], &fd, &err), EPIPE);
  close(sv[1]);
  // Sending on something that is not a socket.
  assert_int_not_equal(zcx_shm_send_fd(zcx_shm_segment_fd(s), zcx_shm_segment_fd(s), &err), 0);
  zcx_shm_segment_release(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_memfd_segment),
      cmocka_unit_test(test_posix_segment),
      cmocka_unit_test(test_fd_passing),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
