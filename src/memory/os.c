// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Page mappings on POSIX systems: mmap, munmap and madvise, and nothing else.
#include "memory/os.h"

#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

size_t zcxi_os_page_size(void) {
  static size_t cached;  // every thread computes the same value
  size_t page = __atomic_load_n(&cached, __ATOMIC_RELAXED);
  if (page == 0) {
    long n = sysconf(_SC_PAGESIZE);
    page = n >= 4096 ? (size_t)n : 4096;
    __atomic_store_n(&cached, page, __ATOMIC_RELAXED);
  }
  return page;
}

int zcxi_os_map(size_t size, size_t alignment, bool huge_pages, void** out) {
  *out = NULL;
  size_t page = zcxi_os_page_size();
  if (size == 0 || size % page != 0) {
    return EINVAL;
  }
  size_t extra = alignment > page ? alignment - page : 0;
  if (size > SIZE_MAX - extra) {
    return ENOMEM;
  }
  void* p = mmap(NULL, size + extra, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    return errno == 0 ? ENOMEM : (errno == EAGAIN ? ENOMEM : errno);
  }
  uintptr_t base = (uintptr_t)p;
  if (extra > 0) {
    // Trim the over-mapped head and tail so that exactly [aligned, aligned + size) remains.
    uintptr_t aligned = (base + alignment - 1) & ~(uintptr_t)(alignment - 1);
    size_t head = (size_t)(aligned - base);
    size_t tail = extra - head;
    if (head > 0) {
      munmap(p, head);
    }
    if (tail > 0) {
      munmap((void*)(aligned + size), tail);
    }
    base = aligned;
  }
#ifdef MADV_HUGEPAGE
  if (huge_pages) {
    (void)madvise((void*)base, size, MADV_HUGEPAGE);  // advice only: failure is harmless
  }
#else
  (void)huge_pages;
#endif
  *out = (void*)base;
  return 0;
}

int zcxi_os_unmap(void* ptr, size_t size) {
  if (munmap(ptr, size) != 0) {
    return errno;
  }
  return 0;
}
