// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The platform calls of the shm layer: memfd_create, shm_open, ftruncate, mmap, seals, fstat
// and descriptor passing over Unix sockets (SCM_RIGHTS).
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "shm/internal.h"

// Fails with the errno value `e` (EIO when 0): "<what>: <strerror(e)>", where `what` is
// formatted from `fmt` (the call and its arguments: "mmap fd 3 (4096 bytes)").
static int fail_errno(zcx_error_t* err, int e, const char* fmt, ...) ZCX_PRINTF(3, 4);
static int fail_errno(zcx_error_t* err, int e, const char* fmt, ...) {
  char what[320];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof(what), fmt, ap);
  va_end(ap);
  return zcx_error_fail(err, e == 0 ? EIO : e, "%s: %s", what, strerror(e));
}

int64_t zcxi_shm_page_size(void) {
  long p = sysconf(_SC_PAGESIZE);
  return p > 0 ? (int64_t)p : 4096;
}

int zcxi_shm_memfd(const char* label, int* fd, zcx_error_t* err) {
  *fd = memfd_create(label, MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (*fd < 0) {
    return fail_errno(err, errno, "memfd_create '%s'", label);
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
    return fail_errno(err, e, "shm_open '%s'", name);
  }
  // The umask may have cleared bits but never adds any; make the mode exactly 0600.
  (void)fchmod(*fd, 0600);
  return 0;
}

int zcxi_shm_unlink(const char* name, zcx_error_t* err) {
  if (shm_unlink(name) != 0) {
    return fail_errno(err, errno, "shm_unlink '%s'", name);
  }
  return 0;
}

int zcxi_shm_open_path(const char* path, int* fd, zcx_error_t* err) {
  *fd = open(path, O_RDONLY | O_CLOEXEC);
  if (*fd < 0) {
    return fail_errno(err, errno, "open '%s'", path);
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
    return fail_errno(err, errno, "ftruncate fd %d to %lld bytes", fd, (long long)size);
  }
  return 0;
}

int zcxi_shm_map(int fd, int64_t size, bool writable, void** out, zcx_error_t* err) {
  int prot = writable ? PROT_READ | PROT_WRITE : PROT_READ;
  void* p = mmap(NULL, (size_t)size, prot, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) {
    *out = NULL;
    return fail_errno(err, errno, "mmap fd %d (%lld bytes)", fd, (long long)size);
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
    *out = NULL;
    return fail_errno(err, errno, "mmap fd %d copy-on-write (%lld bytes)", fd, (long long)size);
  }
  *out = p;
  return 0;
}

// A private read-only mapping is not a writable shared mapping, so the kernel lets the file
// be sealed against writes while it exists; without writes it shows the file as it is.
int zcxi_shm_remap_readonly(int fd, void* addr, int64_t size, zcx_error_t* err) {
  void* p = mmap(addr, (size_t)size, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0);
  if (p == MAP_FAILED) {
    return fail_errno(err, errno, "remap fd %d read-only (%lld bytes)", fd, (long long)size);
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
    return fail_errno(err, e, "seal fd %d", fd);
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
    return fail_errno(err, errno, "fstat fd %d", fd);
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

// A descriptor-passing message: one byte of data and room for one descriptor.
typedef struct fd_message {
  struct msghdr msg;
  struct iovec iov;
  char byte;
  _Alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int))];
} fd_message_t;

static void fd_message_init(fd_message_t* m, char byte) {
  memset(m, 0, sizeof(*m));
  m->byte = byte;
  m->iov.iov_base = &m->byte;
  m->iov.iov_len = 1;
  m->msg.msg_iov = &m->iov;
  m->msg.msg_iovlen = 1;
  m->msg.msg_control = m->control;
  m->msg.msg_controllen = sizeof(m->control);
}

int zcx_shm_send_fd(int sock, int fd, zcx_error_t* err) {
  if (sock < 0 || fd < 0) {
    return zcx_error_fail(err, EINVAL, "send fd: bad socket %d or descriptor %d", sock, fd);
  }
  fd_message_t m;
  fd_message_init(&m, 'F');
  struct cmsghdr* c = CMSG_FIRSTHDR(&m.msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &fd, sizeof(int));
  for (;;) {
    ssize_t n = sendmsg(sock, &m.msg, MSG_NOSIGNAL);
    if (n == 1) {
      return 0;
    }
    if (n < 0 && errno == EINTR) {
      continue;
    }
    return fail_errno(err, n < 0 ? errno : EIO, "send fd %d over socket %d", fd, sock);
  }
}

int zcx_shm_recv_fd(int sock, int* fd, zcx_error_t* err) {
  if (fd == NULL) {
    return zcx_error_fail(err, EINVAL, "recv fd: out is NULL");
  }
  *fd = -1;
  fd_message_t m;
  fd_message_init(&m, 0);
  ssize_t n;
  do {
    n = recvmsg(sock, &m.msg, MSG_CMSG_CLOEXEC);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    return fail_errno(err, errno, "recv fd over socket %d", sock);
  }
  if (n == 0) {
    return zcx_error_fail(err, EPIPE, "recv fd over socket %d: the peer closed it", sock);
  }
  for (struct cmsghdr* c = CMSG_FIRSTHDR(&m.msg); c != NULL; c = CMSG_NXTHDR(&m.msg, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
        c->cmsg_len == CMSG_LEN(sizeof(int))) {
      memcpy(fd, CMSG_DATA(c), sizeof(int));
      if ((m.msg.msg_flags & MSG_CTRUNC) != 0) {
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
