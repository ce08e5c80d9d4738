// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The processes of `zcx demo`: running a consumer with its stdout captured, and finding this
// executable.
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "demo.h"

extern char** environ;

int zcxt_demo_spawn(char* const argv[], char* const envp[], char* out, size_t out_size, int* status,
                    zcx_error_t* err) {
  int fds[2];
  if (out_size == 0) {
    return zcx_error_fail(err, EINVAL, "demo: no room for the output of '%s'", argv[0]);
  }
  if (pipe2(fds, O_CLOEXEC) != 0) {
    int e = errno;
    return zcx_error_fail(err, e, "demo: pipe: %s", strerror(e));
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
  pid_t pid;
  int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, envp != NULL ? envp : environ);
  posix_spawn_file_actions_destroy(&fa);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    return zcx_error_fail(err, rc, "demo: cannot run '%s': %s", argv[0], strerror(rc));
  }
  size_t used = 0;
  for (;;) {
    char sink[4096];
    char* dst = used + 1 < out_size ? out + used : sink;
    size_t room = used + 1 < out_size ? out_size - 1 - used : sizeof(sink);
    ssize_t r = read(fds[0], dst, room);
    if (r < 0 && errno == EINTR) {
      continue;
    }
    if (r <= 0) {
      break;
    }
    if (dst != sink) {
      used += (size_t)r;
    }
  }
  out[used] = '\0';
  close(fds[0]);
  int ws = 0;
  while (waitpid(pid, &ws, 0) < 0) {
    if (errno != EINTR) {
      int e = errno;
      return zcx_error_fail(err, e, "demo: waitpid: %s", strerror(e));
    }
  }
  *status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + (WIFSIGNALED(ws) ? WTERMSIG(ws) : 0);
  return 0;
}

const char* zcxt_demo_self_exe(char* buf, size_t size) {
  ssize_t n = readlink("/proc/self/exe", buf, size - 1);
  if (n <= 0) {
    return NULL;
  }
  buf[n] = '\0';
  return buf;
}
