// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The platform calls of the ipc layer: opening, mapping, reading, writing and closing files.
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/vfs.h>
#endif

#include "ipc/internal.h"

typedef struct mapping {
  void* addr;
  size_t size;
} mapping_t;

static void unmap(void* ctx, void* data, int64_t size) {
  (void)data;
  (void)size;
  munmap(ctx, (size_t)size);
}

// Read-only mappings carry the READONLY flag. Copy-on-write mappings
// (zcx_ipc_read_options_t.copy_on_write) are private and writable: pages are the page
// cache's until written, then the writer gets its own copy, so the file and the other
// readers never see the write, and consumers that cannot be told "read-only" may alias them.
int zcxi_ipc_map_path(const char* path, bool copy_on_write, zcx_buffer_t** out,
                      zcx_error_t* err) {
  const char* how = copy_on_write ? " copy-on-write" : "";
  *out = NULL;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    return zcx_error_fail(err, e, "open '%s': %s", path, strerror(e));
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int e = errno;
    close(fd);
    return zcx_error_fail(err, e, "stat '%s': %s", path, strerror(e));
  }
  if (!S_ISREG(st.st_mode)) {
    close(fd);
    return zcx_error_fail(err, EINVAL, "map '%s'%s: not a regular file", path, how);
  }
  if (st.st_size == 0) {
    close(fd);
    return zcx_buffer_allocate(NULL, 0, 0, NULL, out, err);
  }
  int prot = copy_on_write ? PROT_READ | PROT_WRITE : PROT_READ;
  void* addr = mmap(NULL, (size_t)st.st_size, prot, MAP_PRIVATE, fd, 0);
  int e = errno;
  close(fd);
  if (addr == MAP_FAILED) {
    return zcx_error_fail(err, e, "mmap '%s'%s (%lld bytes): %s", path, how,
                          (long long)st.st_size, strerror(e));
  }
  uint32_t flags = copy_on_write ? 0 : ZCX_BUFFER_READONLY;
  int rc = zcx_buffer_wrap(addr, (int64_t)st.st_size, zcx_device_cpu(), flags, unmap, addr, out,
                           err);
  if (rc != 0) {
    munmap(addr, (size_t)st.st_size);
  }
  return rc;
}

int zcxi_ipc_read_fd(int fd, void* buf, size_t n, size_t* got, zcx_error_t* err) {
  size_t done = 0;
  while (done < n) {
    ssize_t r = read(fd, (uint8_t*)buf + done, n - done);
    if (r < 0) {
      if (errno == EINTR) {
        continue;
      }
      int e = errno;
      *got = done;
      return zcx_error_fail(err, e == 0 ? EIO : e, "read fd %d: %s", fd, strerror(e));
    }
    if (r == 0) {
      break;
    }
    done += (size_t)r;
  }
  *got = done;
  return 0;
}

int zcxi_ipc_read_fd_all(int fd, zcx_mr_t* mr, zcx_buffer_t** out, zcx_error_t* err) {
  *out = NULL;
  size_t cap = 1 << 16;
  size_t size = 0;
  uint8_t* tmp = malloc(cap);
  if (tmp == NULL) {
    return zcx_error_fail(err, ENOMEM, "read fd %d: out of memory", fd);
  }
  for (;;) {
    if (size == cap) {
      uint8_t* n = realloc(tmp, cap * 2);
      if (n == NULL) {
        free(tmp);
        return zcx_error_fail(err, ENOMEM, "read fd %d: out of memory at %zu bytes", fd, cap);
      }
      tmp = n;
      cap *= 2;
    }
    size_t got;
    int rc = zcxi_ipc_read_fd(fd, tmp + size, cap - size, &got, err);
    if (rc != 0) {
      free(tmp);
      return rc;
    }
    size += got;
    if (size < cap) {
      break;
    }
  }
  int rc = zcx_buffer_copy_from(mr, tmp, (int64_t)size, out, err);
  free(tmp);
  return rc;
}

int zcxi_ipc_write_fd(int fd, const void* buf, size_t n, zcx_error_t* err) {
  size_t done = 0;
  while (done < n) {
    ssize_t w = write(fd, (const uint8_t*)buf + done, n - done);
    if (w < 0) {
      if (errno == EINTR) {
        continue;
      }
      int e = errno;
      return zcx_error_fail(err, e == 0 ? EIO : e, "write fd %d: %s", fd, strerror(e));
    }
    done += (size_t)w;
  }
  return 0;
}

int zcxi_ipc_writev_fd(int fd, struct iovec* iov, size_t n, zcx_error_t* err) {
  size_t i = 0;
  while (i < n) {
    size_t k = n - i < (size_t)IOV_MAX ? n - i : (size_t)IOV_MAX;
    ssize_t w = writev(fd, iov + i, (int)k);
    if (w < 0) {
      if (errno == EINTR) {
        continue;
      }
      int e = errno;
      return zcx_error_fail(err, e == 0 ? EIO : e, "write fd %d: %s", fd, strerror(e));
    }
    // Skip what was written; a short write resumes inside an entry.
    size_t done = (size_t)w;
    while (i < n && done >= iov[i].iov_len) {
      done -= iov[i].iov_len;
      i++;
    }
    if (i < n && done > 0) {
      iov[i].iov_base = (uint8_t*)iov[i].iov_base + done;
      iov[i].iov_len -= done;
    }
  }
  return 0;
}

// File system magic numbers (statfs f_type) where preallocation pays.
#define EXT4_MAGIC 0xEF53  // ext2, ext3 and ext4
#define XFS_MAGIC 0x58465342

bool zcxi_ipc_prealloc_probe(int fd, int64_t* offset) {
  *offset = 0;
#ifdef __linux__
  struct stat st;
  struct statfs fs;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || fstatfs(fd, &fs) != 0) {
    return false;
  }
  if (fs.f_type != EXT4_MAGIC && fs.f_type != XFS_MAGIC) {
    return false;
  }
  off_t pos = lseek(fd, 0, SEEK_CUR);
  if (pos < 0 || (fcntl(fd, F_GETFL) & O_APPEND) != 0) {
    return false;
  }
  *offset = (int64_t)pos;
  return true;
#else
  (void)fd;
  return false;
#endif
}

bool zcxi_ipc_preallocate(int fd, int64_t offset, int64_t len) {
#ifdef __linux__
  int rc;
  do {
    rc = fallocate(fd, FALLOC_FL_KEEP_SIZE, (off_t)offset, (off_t)len);
  } while (rc != 0 && errno == EINTR);
  return rc == 0;
#else
  (void)fd;
  (void)offset;
  (void)len;
  return false;
#endif
}

int zcxi_ipc_create_file(const char* path, int* fd, zcx_error_t* err) {
  *fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (*fd < 0) {
    int e = errno;
    return zcx_error_fail(err, e, "create '%s': %s", path, strerror(e));
  }
  return 0;
}

int zcxi_ipc_close_fd(int fd, zcx_error_t* err) {
  if (close(fd) != 0) {
    int e = errno;
    return zcx_error_fail(err, e == 0 ? EIO : e, "close fd %d: %s", fd, strerror(e));
  }
  return 0;
}

// Growable output memory: anonymous mappings that grow in place or move without copying
// (mremap), page-aligned so that bodies written at 64-byte offsets stay aligned.
int zcxi_ipc_mem_grow(uint8_t** mem, size_t old_cap, size_t new_cap, zcx_error_t* err) {
  void* p;
  if (*mem == NULL) {
    p = mmap(NULL, new_cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  } else {
    p = mremap(*mem, old_cap, new_cap, MREMAP_MAYMOVE);
  }
  if (p == MAP_FAILED) {
    int e = errno;
    return zcx_error_fail(err, ENOMEM, "ipc writer: cannot map %zu bytes of output: %s", new_cap,
                          strerror(e));
  }
  *mem = p;
  return 0;
}

void zcxi_ipc_mem_trim(uint8_t* mem, size_t cap, size_t len) {
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  size_t keep = (len + page - 1) / page * page;
  if (mem != NULL && keep > 0 && keep < cap) {
    // Shrinking in place cannot fail for lack of room; on failure the tail stays mapped.
    (void)mremap(mem, cap, keep, 0);
  }
}

// One output mapping is kept for the next memory writer, its pages marked MADV_FREE: the
// kernel may take them back under memory pressure, else the next writer finds them mapped
// and writes at memory speed instead of faulting fresh zero-filled pages in.
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static uint8_t* cache_mem;
static size_t cache_cap;

void zcxi_ipc_mem_free(uint8_t* mem, size_t cap) {
  if (mem == NULL) {
    return;
  }
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  cap = (cap + page - 1) / page * page;
  (void)madvise(mem, cap, MADV_FREE);
  pthread_mutex_lock(&cache_lock);
  if (cache_mem == NULL || cache_cap < cap) {
    uint8_t* old = cache_mem;
    size_t old_cap = cache_cap;
    cache_mem = mem;
    cache_cap = cap;
    mem = old;
    cap = old_cap;
  }
  pthread_mutex_unlock(&cache_lock);
  if (mem != NULL) {
    munmap(mem, cap);
  }
}

bool zcxi_ipc_mem_cached(uint8_t** mem, size_t* cap) {
  pthread_mutex_lock(&cache_lock);
  *mem = cache_mem;
  *cap = cache_cap;
  cache_mem = NULL;
  cache_cap = 0;
  pthread_mutex_unlock(&cache_lock);
  return *mem != NULL;
}
