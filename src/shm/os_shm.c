// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The platform calls of the shm layer: memfd_create, shm_open, ftruncate, mmap, seals, fstat
// and descriptor passing over Unix sockets (SCM_RIGHTS).
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "shm/internal.h"

static int fail_errno(zcx_error_t* err, const char* what, int e) {
  return zcx_error_fail(err, e == 0 ? EIO : e, "%s: %s", what, strerror(e));
}

int64_t zcxi_shm_page_size(void) {
  long p = sysconf(_SC_PAGESIZE);
  return p > 0 ? (int64_t)p : 4096;
}

int zcxi_shm_memfd(const char* label, int* fd, zcx_error_t* err) {
  *fd = memfd_create(label, MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (*fd < 0) {
    int e = errno;
    char what[300];
    snprintf(what, sizeof(what), "memfd_create '%s'", label);
    return fail_errno(err, what, e);
  }
  // A memfd is reachable only through /proc/<pid>/fd, but its mode says 0777; make it say
  // what it is, so that the trust check of attach accepts it like a private file.
  (void)fchmod(*fd, 0600);
  return 0;
}

int zcxi_shm_open_excl(const char* name, int* fd, zcx_error_t* err) {
  *fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (*fd < 0) {
    int e = errno;
    if (e == EEXIST) {
      return zcx_error_fail(err, EEXIST, "shm_open '%s': the name is taken", name);
    }
    char what[300];
    snprintf(what, sizeof(what), "shm_open '%s'", name);
    return fail_errno(err, what, e);
  }
  // The umask may have cleared bits but never adds any; make the mode exactly 0600.
  (void)fchmod(*fd, 0600);
  return 0;
}

int zcxi_shm_unlink(const char* name, zcx_error_t* err) {
  if (shm_unlink(name) != 0) {
    int e = errno;
    char what[300];
    snprintf(what, sizeof(what), "shm_unlink '%s'", name);
    return fail_errno(err, what, e);
  }
  return 0;
}

int zcxi_shm_open_path(const char* path, int* fd, zcx_error_t* err) {
  *fd = open(path, O_RDONLY | O_CLOEXEC);
  if (*fd < 0) {
    int e = errno;
    char what[300];
    snprintf(what, sizeof(what), "open '%s'", path);
    return fail_errno(err, what, e);
  }
  return 0;
}

void zcxi_shm_close(int fd) {
  if (fd >= 0) {
    (void)close(fd);
  }
}

int zcxi_shm_resize(int fd, int64_t size, zcx_error_t* err) {
  while (ftruncate(fd, (off_t)size) != 0) {
    if (errno == EINTR) {
      continue;
    }
    int e = errno;
    char what[96];
    snprintf(what, sizeof(what), "ftruncate fd %d to %lld bytes", fd, (long long)size);
    return fail_errno(err, what, e);
  }
  return 0;
}

int zcxi_shm_map(int fd, int64_t size, bool writable, void** out, zcx_error_t* err) {
  int prot = writable ? PROT_READ | PROT_WRITE : PROT_READ;
  void* p = mmap(NULL, (size_t)size, prot, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) {
    int e = errno;
    *out = NULL;
    char what[96];
    snprintf(what, sizeof(what), "mmap fd %d (%lld bytes)", fd, (long long)size);
    return fail_errno(err, what, e);
  }
  *out = p;
  return 0;
}

// A private writable mapping is not a writable shared mapping either: a sealed memfd allows
// it (F_SEAL_WRITE refuses only shared writable ones) and a read-only descriptor suffices.
// Written pages become this process's own copies; the file never changes.
int zcxi_shm_map_private(int fd, int64_t size, void** out, zcx_error_t* err) {
  void* p = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  if (p == MAP_FAILED) {
    int e = errno;
    *out = NULL;
    char what[96];
    snprintf(what, sizeof(what), "mmap fd %d copy-on-write (%lld bytes)", fd, (long long)size);
    return fail_errno(err, what, e);
  }
  *out = p;
  return 0;
}

// A private read-only mapping is not a writable shared mapping, so the kernel lets the file
// be sealed against writes while it exists; without writes it shows the file as it is.
int zcxi_shm_remap_readonly(int fd, void* addr, int64_t size, zcx_error_t* err) {
  void* p = mmap(addr, (size_t)size, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0);
  if (p == MAP_FAILED) {
    int e = errno;
    char what[96];
    snprintf(what, sizeof(what), "remap fd %d read-only (%lld bytes)", fd, (long long)size);
    return fail_errno(err, what, e);
  }
  return 0;
}

void zcxi_shm_unmap(void* addr, int64_t size) {
  if (addr != NULL && size > 0) {
    (void)munmap(addr, (size_t)size);
  }
}

int zcxi_shm_seal(int fd, zcx_error_t* err) {
  int seals = F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL;
  if (fcntl(fd, F_ADD_SEALS, seals) != 0) {
    int e = errno;
    if (e == EBUSY) {
      return zcx_error_fail(err, EBUSY,
                            "seal fd %d: the segment is still mapped writable somewhere", fd);
    }
    char what[64];
    snprintf(what, sizeof(what), "seal fd %d", fd);
    return fail_errno(err, what, e);
  }
  return 0;
}

bool zcxi_shm_is_sealed(int fd, unsigned* seals_out) {
  int s = fcntl(fd, F_GET_SEALS);
  *seals_out = s < 0 ? 0u : (unsigned)s;
  unsigned need = F_SEAL_WRITE | F_SEAL_SHRINK;
  return s >= 0 && ((unsigned)s & need) == need;
}

int zcxi_shm_stat(int fd, zcxi_shm_stat_t* st, zcx_error_t* err) {
  struct stat s;
  if (fstat(fd, &s) != 0) {
    int e = errno;
    char what[64];
    snprintf(what, sizeof(what), "fstat fd %d", fd);
    return fail_errno(err, what, e);
  }
  st->size = (int64_t)s.st_size;
  st->regular = S_ISREG(s.st_mode);
  st->own = s.st_uid == geteuid();
  st->private_mode = (s.st_mode & 077) == 0;
  st->mode = (unsigned)(s.st_mode & 07777);
  return 0;
}

int zcxi_shm_pid(void) { return (int)getpid(); }

// ---------------------------------------------------------------------------------------------
// Descriptor passing

int zcx_shm_send_fd(int sock, int fd, zcx_error_t* err) {
  if (sock < 0 || fd < 0) {
    return zcx_error_fail(err, EINVAL, "send fd: bad socket %d or descriptor %d", sock, fd);
  }
  char byte = 'F';
  struct iovec iov = {&byte, 1};
  union {
    struct cmsghdr align;
    char buf[CMSG_SPACE(sizeof(int))];
  } control;
  memset(&control, 0, sizeof(control));
  struct msghdr msg;
  memset(&msg, 0, sizeof(msg));
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.buf;
  msg.msg_controllen = sizeof(control.buf);
  struct cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &fd, sizeof(int));
  for (;;) {
    ssize_t n = sendmsg(sock, &msg, MSG_NOSIGNAL);
    if (n == 1) {
      return 0;
    }
    if (n < 0 && errno == EINTR) {
      continue;
    }
    int e = n < 0 ? errno : EIO;
    char what[64];
    snprintf(what, sizeof(what), "send fd %d over socket %d", fd, sock);
    return fail_errno(err, what, e);
  }
}

int zcx_shm_recv_fd(int sock, int* fd, zcx_error_t* err) {
  if (fd == NULL) {
    return zcx_error_fail(err, EINVAL, "recv fd: out is NULL");
  }
  *fd = -1;
  char byte = 0;
  struct iovec iov = {&byte, 1};
  union {
    struct cmsghdr align;
    char buf[CMSG_SPACE(sizeof(int))];
  } control;
  memset(&control, 0, sizeof(control));
  struct msghdr msg;
  memset(&msg, 0, sizeof(msg));
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.buf;
  msg.msg_controllen = sizeof(control.buf);
  ssize_t n;
  do {
    n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    int e = errno;
    char what[64];
    snprintf(what, sizeof(what), "recv fd over socket %d", sock);
    return fail_errno(err, what, e);
  }
  if (n == 0) {
    return zcx_error_fail(err, EPIPE, "recv fd over socket %d: the peer closed it", sock);
  }
  for (struct cmsghdr* c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
        c->cmsg_len == CMSG_LEN(sizeof(int))) {
      memcpy(fd, CMSG_DATA(c), sizeof(int));
      if ((msg.msg_flags & MSG_CTRUNC) != 0) {
        // Unreachable with one descriptor per message; refuse rather than guess.
        zcxi_shm_close(*fd);
        *fd = -1;
        break;
      }
      return 0;
    }
  }
  return zcx_error_fail(err, EBADMSG, "recv fd over socket %d: a message without a descriptor",
                        sock);
}
