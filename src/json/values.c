// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Scalar values of the integration JSON format: integers (64-bit ones written as strings),
// decimals as decimal strings, binary as hex, numbers and half floats.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/internal.h"

static bool all_digits(const char* p) {
  if (*p == '\0') {
    return false;
  }
  for (; *p != '\0'; p++) {
    if (*p < '0' || *p > '9') {
      return false;
    }
  }
  return true;
}

bool zcxi_json_parse_i64(const char* s, int64_t* out) {
  if (!all_digits(s[0] == '-' ? s + 1 : s)) {
    return false;
  }
  errno = 0;
  char* end = NULL;
  long long v = strtoll(s, &end, 10);
  if (errno != 0 || end == NULL || *end != '\0') {
    return false;
  }
  *out = (int64_t)v;
  return true;
}

static bool parse_u64(const char* s, uint64_t* out) {
  if (!all_digits(s)) {
    return false;
  }
  errno = 0;
  char* end = NULL;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno != 0 || end == NULL || *end != '\0') {
    return false;
  }
  *out = (uint64_t)v;
  return true;
}

static int int_width(zcx_type_id_t id) {
  switch (id) {
    case ZCX_TYPE_INT8:
    case ZCX_TYPE_UINT8: return 8;
    case ZCX_TYPE_INT16:
    case ZCX_TYPE_UINT16: return 16;
    case ZCX_TYPE_INT32:
    case ZCX_TYPE_UINT32: return 32;
    default: return 64;
  }
}

int zcxi_json_int_value(zcxi_json_ctx_t* c, const json_t* v, zcx_type_id_t id,
                        const char* what, int64_t index, int64_t* out) {
  int bits = int_width(id);
  bool is_unsigned = id == ZCX_TYPE_UINT8 || id == ZCX_TYPE_UINT16 || id == ZCX_TYPE_UINT32 ||
                     id == ZCX_TYPE_UINT64;
  *out = 0;
  if (is_unsigned) {
    uint64_t u;
    if (json_is_integer(v)) {
      json_int_t x = json_integer_value(v);
      if (x < 0) {
        return zcxi_json_fail(c, "%s[%lld]: %lld is negative for an unsigned %d-bit integer",
                              what, (long long)index, (long long)x, bits);
      }
      u = (uint64_t)x;
    } else if (!json_is_string(v) || !parse_u64(json_string_value(v), &u)) {
      if (json_is_string(v)) {
        return zcxi_json_fail(c, "%s[%lld]: \"%.40s\" is not an unsigned integer", what,
                              (long long)index, json_string_value(v));
      }
      return zcxi_json_fail(c, "%s[%lld]: %s, expected an integer", what, (long long)index,
                            zcxi_json_kind(v));
    }
    if (bits < 64 && u > (UINT64_C(1) << bits) - 1) {
      return zcxi_json_fail(c, "%s[%lld]: %llu does not fit an unsigned %d-bit integer", what,
                            (long long)index, (unsigned long long)u, bits);
    }
    *out = (int64_t)u;
    return 0;
  }
  int64_t x;
  if (json_is_integer(v)) {
    x = (int64_t)json_integer_value(v);
  } else if (!json_is_string(v) || !zcxi_json_parse_i64(json_string_value(v), &x)) {
    if (json_is_string(v)) {
      return zcxi_json_fail(c, "%s[%lld]: \"%.40s\" is not an integer", what, (long long)index,
                            json_string_value(v));
    }
    return zcxi_json_fail(c, "%s[%lld]: %s, expected an integer", what, (long long)index,
                          zcxi_json_kind(v));
  }
  if (bits < 64) {
    int64_t lim = INT64_C(1) << (bits - 1);
    if (x < -lim || x >= lim) {
      return zcxi_json_fail(c, "%s[%lld]: %lld does not fit a signed %d-bit integer", what,
                            (long long)index, (long long)x, bits);
    }
  }
  *out = x;
  return 0;
}

void zcxi_json_store_int(uint8_t* dst, int32_t width, int64_t i, int64_t v) {
  switch (width) {
    case 1: {
      uint8_t x = (uint8_t)(uint64_t)v;
      memcpy(dst + i, &x, 1);
      break;
    }
    case 2: {
      uint16_t x = (uint16_t)(uint64_t)v;
      memcpy(dst + i * 2, &x, 2);
      break;
    }
    case 4: {
      uint32_t x = (uint32_t)(uint64_t)v;
      memcpy(dst + i * 4, &x, 4);
      break;
    }
    default: {
      uint64_t x = (uint64_t)v;
      memcpy(dst + i * 8, &x, 8);
      break;
    }
  }
}

int zcxi_json_decimal_value(zcxi_json_ctx_t* c, const json_t* v, int32_t bytes,
                            const char* what, int64_t index, uint8_t* dst) {
  char tmp[32];
  const char* s;
  if (json_is_string(v)) {
    s = json_string_value(v);
  } else if (json_is_integer(v)) {
    snprintf(tmp, sizeof(tmp), "%lld", (long long)json_integer_value(v));
    s = tmp;
  } else {
    return zcxi_json_fail(c, "%s[%lld]: %s, expected a decimal string", what, (long long)index,
                          zcxi_json_kind(v));
  }
  bool neg = s[0] == '-';
  const char* digits = neg ? s + 1 : s;
  if (!all_digits(digits)) {
    return zcxi_json_fail(c, "%s[%lld]: \"%.80s\" is not a decimal integer", what,
                          (long long)index, s);
  }
  // The magnitude in 32-bit limbs, least significant first.
  enum { MAX_LIMBS = 8 };
  uint32_t limbs[MAX_LIMBS] = {0};
  int n = bytes / 4;
  for (const char* p = digits; *p != '\0'; p++) {
    uint64_t carry = (uint64_t)(*p - '0');
    for (int k = 0; k < n; k++) {
      uint64_t t = (uint64_t)limbs[k] * 10u + carry;
      limbs[k] = (uint32_t)t;
      carry = t >> 32;
    }
    if (carry != 0) {
      return zcxi_json_fail(c, "%s[%lld]: \"%.80s\" does not fit a %d-bit decimal", what,
                            (long long)index, s, bytes * 8);
    }
  }
  bool top = (limbs[n - 1] >> 31) != 0;
  if (top) {
    // Only -2^(bits-1) has the top bit set in its magnitude and still fits.
    bool rest_zero = (limbs[n - 1] & 0x7fffffffu) == 0;
    for (int k = 0; k < n - 1 && rest_zero; k++) {
      rest_zero = limbs[k] == 0;
    }
    if (!neg || !rest_zero) {
      return zcxi_json_fail(c, "%s[%lld]: \"%.80s\" does not fit a %d-bit decimal", what,
                            (long long)index, s, bytes * 8);
    }
  }
  if (neg) {
    uint64_t carry = 1;
    for (int k = 0; k < n; k++) {
      uint64_t t = (uint64_t)(uint32_t)~limbs[k] + carry;
      limbs[k] = (uint32_t)t;
      carry = t >> 32;
    }
  }
  for (int k = 0; k < n; k++) {
    for (int b = 0; b < 4; b++) {
      dst[k * 4 + b] = (uint8_t)(limbs[k] >> (8 * b));
    }
  }
  return 0;
}

int zcxi_json_number_value(zcxi_json_ctx_t* c, const json_t* v, const char* what,
                           int64_t index, double* out) {
  if (!json_is_number(v)) {
    *out = 0;
    return zcxi_json_fail(c, "%s[%lld]: %s, expected a number", what, (long long)index,
                          zcxi_json_kind(v));
  }
  *out = json_number_value(v);
  return 0;
}

uint16_t zcxi_json_half_from_double(double d) {
  uint64_t b;
  memcpy(&b, &d, sizeof(b));
  uint16_t sign = (uint16_t)((b >> 48) & 0x8000u);
  int exp = (int)((b >> 52) & 0x7ffu);
  uint64_t mant = b & ((UINT64_C(1) << 52) - 1);
  if (exp == 0x7ff) {
    return (uint16_t)(sign | 0x7c00u | (mant != 0 ? 0x200u : 0u));
  }
  int e = exp - 1023 + 15;
  if (e >= 31) {
    return (uint16_t)(sign | 0x7c00u);
  }
  uint64_t m;
  uint64_t rem;
  uint64_t half;
  uint64_t base;
  if (e <= 0) {
    // Subnormal: value = m * 2^-24 with m = full * 2^(E + 24 - 52), E = exp - 1023.
    if (exp == 0) {
      return sign;  // double subnormals are far below half precision
    }
    uint64_t full = mant | (UINT64_C(1) << 52);
    int shift = 28 - (exp - 1023);
    if (shift > 53) {
      return sign;
    }
    m = full >> shift;
    rem = full & ((UINT64_C(1) << shift) - 1);
    half = UINT64_C(1) << (shift - 1);
    base = 0;
  } else {
    m = mant >> 42;
    rem = mant & ((UINT64_C(1) << 42) - 1);
    half = UINT64_C(1) << 41;
    base = (uint64_t)e << 10;
  }
  if (rem > half || (rem == half && (m & 1u) != 0)) {
    m++;  // a carry out of the mantissa moves into the exponent, up to infinity
  }
  return (uint16_t)(sign | (uint16_t)(base + m));
}

static int hex_digit(char ch) {
  if (ch >= '0' && ch <= '9') {
    return ch - '0';
  }
  if (ch >= 'a' && ch <= 'f') {
    return ch - 'a' + 10;
  }
  if (ch >= 'A' && ch <= 'F') {
    return ch - 'A' + 10;
  }
  return -1;
}

int zcxi_json_bytes_length(zcxi_json_ctx_t* c, const json_t* v, bool hex, const char* what,
                           int64_t index, int64_t* out) {
  *out = 0;
  if (!json_is_string(v)) {
    return zcxi_json_fail(c, "%s[%lld]: %s, expected a %s string", what, (long long)index,
                          zcxi_json_kind(v), hex ? "hex" : "UTF-8");
  }
  size_t n = json_string_length(v);
  if (hex && n % 2 != 0) {
    return zcxi_json_fail(c, "%s[%lld]: hex string of odd length %zu", what, (long long)index,
                          n);
  }
  *out = (int64_t)(hex ? n / 2 : n);
  return 0;
}

int zcxi_json_bytes_copy(zcxi_json_ctx_t* c, const json_t* v, bool hex, const char* what,
                         int64_t index, uint8_t* dst) {
  const char* s = json_string_value(v);
  size_t n = json_string_length(v);
  if (!hex) {
    if (n > 0) {
      memcpy(dst, s, n);
    }
    return 0;
  }
  for (size_t k = 0; k + 1 < n; k += 2) {
    int hi = hex_digit(s[k]);
    int lo = hex_digit(s[k + 1]);
    if (hi < 0 || lo < 0) {
      return zcxi_json_fail(c, "%s[%lld]: \"%.40s\" is not hex (at character %zu)", what,
                            (long long)index, s, hi < 0 ? k : k + 1);
    }
    dst[k / 2] = (uint8_t)(hi * 16 + lo);
  }
  return 0;
}
