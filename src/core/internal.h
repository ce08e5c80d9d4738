// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Internal helpers of the core layer shared by every layer: alignment and overflow-checked
// arithmetic, bitmaps, atomic reference counts. Inline and header-only.
#ifndef ZCX_SRC_CORE_INTERNAL_H
#define ZCX_SRC_CORE_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "zcx/core.h"

// Marks a branch as unlikely for the compiler's layout of hot paths.
#define ZCXI_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define ZCXI_LIKELY(x) __builtin_expect(!!(x), 1)

static inline bool zcxi_is_pow2(size_t x) { return x != 0 && (x & (x - 1)) == 0; }

// Rounds `x` up to a multiple of the power of two `a`; false on overflow.
static inline bool zcxi_align_up(size_t x, size_t a, size_t* out) {
  if (x > SIZE_MAX - (a - 1)) {
    return false;
  }
  *out = (x + a - 1) & ~(a - 1);
  return true;
}

static inline int64_t zcxi_align_up_i64(int64_t x, int64_t a) { return (x + a - 1) & ~(a - 1); }

static inline bool zcxi_is_aligned(const void* p, size_t a) {
  return ((uintptr_t)p & (a - 1)) == 0;
}

// Overflow-checked arithmetic: false when the result does not fit.
static inline bool zcxi_add_size(size_t a, size_t b, size_t* out) {
  return !__builtin_add_overflow(a, b, out);
}
static inline bool zcxi_mul_size(size_t a, size_t b, size_t* out) {
  return !__builtin_mul_overflow(a, b, out);
}
static inline bool zcxi_add_i64(int64_t a, int64_t b, int64_t* out) {
  return !__builtin_add_overflow(a, b, out);
}
static inline bool zcxi_mul_i64(int64_t a, int64_t b, int64_t* out) {
  return !__builtin_mul_overflow(a, b, out);
}

// Arrow bitmaps: bit i is byte i/8, bit i%8 (least significant first).
static inline bool zcxi_bit_get(const uint8_t* bits, int64_t i) {
  return (bits[i >> 3] >> (i & 7)) & 1;
}
static inline void zcxi_bit_set(uint8_t* bits, int64_t i) {
  bits[i >> 3] = (uint8_t)(bits[i >> 3] | (1u << (i & 7)));
}
static inline void zcxi_bit_clear(uint8_t* bits, int64_t i) {
  bits[i >> 3] = (uint8_t)(bits[i >> 3] & ~(1u << (i & 7)));
}
static inline void zcxi_bit_put(uint8_t* bits, int64_t i, bool v) {
  if (v) {
    zcxi_bit_set(bits, i);
  } else {
    zcxi_bit_clear(bits, i);
  }
}
static inline int64_t zcxi_bytes_for_bits(int64_t n) { return (n + 7) / 8; }

// Number of set bits in bits [offset, offset + length).
int64_t zcxi_bitmap_count_set(const uint8_t* bits, int64_t offset, int64_t length);

// Atomic reference counts: relaxed increment, acq_rel decrement (true when it hit zero).
typedef struct zcxi_refcount {
  atomic_int_fast64_t n;
} zcxi_refcount_t;

static inline void zcxi_refcount_init(zcxi_refcount_t* r) { atomic_init(&r->n, 1); }
static inline void zcxi_refcount_inc(zcxi_refcount_t* r) {
  atomic_fetch_add_explicit(&r->n, 1, memory_order_relaxed);
}
static inline bool zcxi_refcount_dec(zcxi_refcount_t* r) {
  return atomic_fetch_sub_explicit(&r->n, 1, memory_order_acq_rel) == 1;
}
static inline int64_t zcxi_refcount_get(const zcxi_refcount_t* r) {
  return (int64_t)atomic_load_explicit(&((zcxi_refcount_t*)r)->n, memory_order_relaxed);
}

// The same on a plain int64_t field of a public struct (zcx_mr_t), where <stdatomic.h>
// types cannot appear because C++ includes the header too.
static inline void zcxi_atomic_inc_i64(int64_t* n) { __atomic_fetch_add(n, 1, __ATOMIC_RELAXED); }
static inline bool zcxi_atomic_dec_i64(int64_t* n) {
  return __atomic_fetch_sub(n, 1, __ATOMIC_ACQ_REL) == 1;
}

// Monotonic clock in nanoseconds.
int64_t zcxi_now_ns(void);

// Copies `src` into `dst` of `size` bytes, always NUL-terminated, truncating.
void zcxi_strlcpy(char* dst, const char* src, size_t size);

#endif  // ZCX_SRC_CORE_INTERNAL_H
