// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// UTF-8 validation: an ASCII fast path over 64, 16 and 8 bytes at a time, and a shift-based DFA.
//
// The DFA follows the well-formed byte sequences of Unicode (table 3-7): no overlong forms
// (C0, C1, E0 80..9F, F0 80..8F), no surrogates (ED A0..BF), nothing above U+10FFFF (F4 90..,
// F5..FF), and no sequence cut short. Each state is a bit offset into a 64-bit row per byte
// value; the next state is (row[byte] >> state) & 63, one load and a shift per byte. A row
// holds the next state of every state in six bits, and the error state is offset 0, so that
// every transition the table does not name leads to it and it never leaves it. The loop keeps
// row[byte] >> (state & 63) whole and masks only where it looks at the state: the mask is then
// the shift's own (x86 and ARM64 shifts take the count modulo 64), off the chain of
// dependent operations that sets the speed on multi-byte text.
#include <string.h>

#include "array/internal.h"

enum {
  S_ERR = 0,  // not UTF-8 (absorbing)
  S_ACC = 6,  // between characters
  S_C1 = 12,  // one continuation byte (80..BF) to go
  S_C2 = 18,  // two to go
  S_C3 = 24,  // three to go
  S_E0 = 30,  // after E0: A0..BF, then one more
  S_ED = 36,  // after ED: 80..9F (no surrogates), then one more
  S_F0 = 42,  // after F0: 90..BF, then two more
  S_F4 = 48,  // after F4: 80..8F (up to U+10FFFF), then two more
};

#define T(from, to) ((uint64_t)(to) << (from))

#define ROW_ASCII T(S_ACC, S_ACC)
#define ROW_80 (T(S_C1, S_ACC) | T(S_C2, S_C1) | T(S_C3, S_C2) | T(S_ED, S_C1) | T(S_F4, S_C2))
#define ROW_90 (T(S_C1, S_ACC) | T(S_C2, S_C1) | T(S_C3, S_C2) | T(S_ED, S_C1) | T(S_F0, S_C2))
#define ROW_A0 (T(S_C1, S_ACC) | T(S_C2, S_C1) | T(S_C3, S_C2) | T(S_E0, S_C1) | T(S_F0, S_C2))
#define ROW_LEAD2 T(S_ACC, S_C1)
#define ROW_E0 T(S_ACC, S_E0)
#define ROW_LEAD3 T(S_ACC, S_C2)
#define ROW_ED T(S_ACC, S_ED)
#define ROW_F0 T(S_ACC, S_F0)
#define ROW_LEAD4 T(S_ACC, S_C3)
#define ROW_F4 T(S_ACC, S_F4)

#define R2(x) x, x
#define R4(x) R2(x), R2(x)
#define R16(x) R4(x), R4(x), R4(x), R4(x)

// clang-format off
static const uint64_t rows[] = {
    // 00..7F
    R16(ROW_ASCII), R16(ROW_ASCII), R16(ROW_ASCII), R16(ROW_ASCII),
    R16(ROW_ASCII), R16(ROW_ASCII), R16(ROW_ASCII), R16(ROW_ASCII),
    // 80..8F, 90..9F, A0..BF: continuation bytes
    R16(ROW_80), R16(ROW_90), R16(ROW_A0), R16(ROW_A0),
    // C0, C1: overlong two-byte forms; C2..DF: two-byte leads
    R2(0), R16(ROW_LEAD2), R4(ROW_LEAD2), R4(ROW_LEAD2), R4(ROW_LEAD2), R2(ROW_LEAD2),
    // E0, E1..EC, ED, EE..EF
    ROW_E0, R4(ROW_LEAD3), R4(ROW_LEAD3), R4(ROW_LEAD3), ROW_ED, R2(ROW_LEAD3),
    // F0, F1..F3, F4, F5..FF
    ROW_F0, R2(ROW_LEAD4), ROW_LEAD4, ROW_F4, R4(0), R4(0), R2(0), 0,
};
// clang-format on

_Static_assert(sizeof(rows) / sizeof(rows[0]) == 256, "one row per byte value");

#define HIGH_BITS UINT64_C(0x8080808080808080)

typedef uint64_t zcxi_u64x2 __attribute__((vector_size(16)));

static inline zcxi_u64x2 load16(const uint8_t* p) {
  zcxi_u64x2 v;
  memcpy(&v, p, 16);
  return v;
}

// Whether any of the 8 bytes at p has its high bit set.
static inline bool high8(const uint8_t* p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return (v & HIGH_BITS) != 0;
}

// Whether any of the 16 bytes at p has its high bit set.
static inline bool high16(const uint8_t* p) {
  zcxi_u64x2 v = load16(p);
  return ((v[0] | v[1]) & HIGH_BITS) != 0;
}

// Whether any of the 64 bytes at p has its high bit set.
static inline bool high64(const uint8_t* p) {
  zcxi_u64x2 v = load16(p) | load16(p + 16) | load16(p + 32) | load16(p + 48);
  return ((v[0] | v[1]) & HIGH_BITS) != 0;
}

// The validator, inlined into one function per instruction set below.
static inline __attribute__((always_inline)) zcxi_utf8_class_t check(const uint8_t* s,
                                                                     int64_t len) {
  uint64_t st = S_ACC;
  unsigned seen = 0;  // the bytes that went through the DFA, OR-ed
  int64_t i = 0;
  while (i < len) {
    if ((st & 63) == S_ACC) {
      // Between characters: skip ASCII, 64, 16, then 8 bytes at a time.
      while (i + 64 <= len && !high64(s + i)) {
        i += 64;
      }
      while (i + 16 <= len && !high16(s + i)) {
        i += 16;
      }
      if (len - i < 16 && len - i >= 8 && !high8(s + i)) {
        i += 8;  // short values (string views) are mostly this tail
      }
      if (i >= len) {
        break;
      }
    }
    // Sixteen bytes (or what is left) through the DFA; the error state is absorbing, so it
    // is enough to look for it once per block.
    int64_t stop = len - i < 16 ? len : i + 16;
    for (; i < stop; i++) {
      uint8_t b = s[i];
      seen |= b;
      st = rows[b] >> (st & 63);
    }
    if ((st & 63) == S_ERR) {
      return ZCXI_UTF8_INVALID;
    }
  }
  if ((st & 63) != S_ACC) {
    return ZCXI_UTF8_INVALID;
  }
  return (seen & 0x80) != 0 ? ZCXI_UTF8_VALID : ZCXI_UTF8_ASCII;
}

static zcxi_utf8_class_t check_generic(const uint8_t* s, int64_t len) { return check(s, len); }

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
// With BMI2 the shift by the state is SHRX: one cycle and no flags, where SHR by CL takes
// several on many x86 cores; multi-byte text runs about twice as fast.
__attribute__((target("bmi2"))) static zcxi_utf8_class_t check_bmi2(const uint8_t* s, int64_t len) {
  return check(s, len);
}

zcxi_utf8_class_t zcxi_utf8_check(const uint8_t* s, int64_t len) {
  static int have_bmi2 = -1;  // -1: not asked yet; threads that race store the same answer
  int h = __atomic_load_n(&have_bmi2, __ATOMIC_RELAXED);
  if (h < 0) {
    __builtin_cpu_init();
    h = __builtin_cpu_supports("bmi2") ? 1 : 0;
    __atomic_store_n(&have_bmi2, h, __ATOMIC_RELAXED);
  }
  return h ? check_bmi2(s, len) : check_generic(s, len);
}
#else
zcxi_utf8_class_t zcxi_utf8_check(const uint8_t* s, int64_t len) { return check_generic(s, len); }
#endif

bool zcxi_utf8_valid(const uint8_t* s, int64_t len) {
  return zcxi_utf8_check(s, len) != ZCXI_UTF8_INVALID;
}
