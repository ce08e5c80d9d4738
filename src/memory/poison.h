// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Poisoning of cached pool memory for AddressSanitizer and valgrind memcheck.
//
// A pool hides use-after-free: a freed block stays mapped. So cached blocks are marked
// inaccessible and blocks handed out are marked accessible (undefined for valgrind). Only for
// memory the CPU can address; the macros compile to nothing without either tool.
#ifndef ZCX_SRC_MEMORY_POISON_H
#define ZCX_SRC_MEMORY_POISON_H

#include <stddef.h>

#if defined(__SANITIZE_ADDRESS__)
#define ZCXI_HAVE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ZCXI_HAVE_ASAN 1
#endif
#endif

#ifdef ZCXI_HAVE_ASAN
#include <sanitizer/asan_interface.h>
#define ZCXI_ASAN_POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define ZCXI_ASAN_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define ZCXI_ASAN_POISON(p, n) ((void)(p), (void)(n))
#define ZCXI_ASAN_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define ZCXI_HAVE_VALGRIND 1
#endif
#endif

#ifdef ZCXI_HAVE_VALGRIND
#define ZCXI_VG_NOACCESS(p, n) ((void)VALGRIND_MAKE_MEM_NOACCESS((p), (n)))
#define ZCXI_VG_UNDEFINED(p, n) ((void)VALGRIND_MAKE_MEM_UNDEFINED((p), (n)))
#define ZCXI_VG_DEFINED(p, n) ((void)VALGRIND_MAKE_MEM_DEFINED((p), (n)))
#else
#define ZCXI_VG_NOACCESS(p, n) ((void)(p), (void)(n))
#define ZCXI_VG_UNDEFINED(p, n) ((void)(p), (void)(n))
#define ZCXI_VG_DEFINED(p, n) ((void)(p), (void)(n))
#endif

// Marks [p, p + n) as not to be touched (cached in the pool).
static inline void zcxi_poison(void* p, size_t n, int host) {
  if (host) {
    ZCXI_ASAN_POISON(p, n);
    ZCXI_VG_NOACCESS(p, n);
  }
}

// Marks [p, p + n) as handed out: addressable, contents undefined.
static inline void zcxi_unpoison(void* p, size_t n, int host) {
  if (host) {
    ZCXI_ASAN_UNPOISON(p, n);
    ZCXI_VG_UNDEFINED(p, n);
  }
}

// Marks [p, p + n) as addressable and defined again before it goes back to its upstream.
static inline void zcxi_unpoison_defined(void* p, size_t n, int host) {
  if (host) {
    ZCXI_ASAN_UNPOISON(p, n);
    ZCXI_VG_DEFINED(p, n);
  }
}

#endif  // ZCX_SRC_MEMORY_POISON_H
