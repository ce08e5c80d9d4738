// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Tests of src/array/utf8.c and of the UTF-8 pass of the full validation of string arrays:
// the fast validator agrees with a plain decoder on every short sequence, at every position
// around its 16- and 64-byte blocks, and string arrays fail with the same messages as before.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "array/array_support.h"
#include "array/internal.h"
#include "zcx/array.h"

// ---------------------------------------------------------------------------------------------
// A plain decoder as the reference: one code point at a time, by the definition.

static bool ref_valid(const uint8_t* s, int64_t len) {
  int64_t i = 0;
  while (i < len) {
    uint8_t b = s[i];
    int n;
    uint32_t cp;
    if (b < 0x80) {
      i++;
      continue;
    } else if ((b & 0xe0) == 0xc0) {
      n = 2;
      cp = b & 0x1fu;
    } else if ((b & 0xf0) == 0xe0) {
      n = 3;
      cp = b & 0x0fu;
    } else if ((b & 0xf8) == 0xf0) {
      n = 4;
      cp = b & 0x07u;
    } else {
      return false;
    }
    if (len - i < n) {
      return false;
    }
    for (int k = 1; k < n; k++) {
      if ((s[i + k] & 0xc0) != 0x80) {
        return false;
      }
      cp = (cp << 6) | (s[i + k] & 0x3fu);
    }
    static const uint32_t min_cp[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_cp[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      return false;
    }
    i += n;
  }
  return true;
}

static bool ref_ascii(const uint8_t* s, int64_t len) {
  for (int64_t i = 0; i < len; i++) {
    if (s[i] >= 0x80) {
      return false;
    }
  }
  return true;
}

static zcxi_utf8_class_t ref_class(const uint8_t* s, int64_t len) {
  if (!ref_valid(s, len)) {
    return ZCXI_UTF8_INVALID;
  }
  return ref_ascii(s, len) ? ZCXI_UTF8_ASCII : ZCXI_UTF8_VALID;
}

static void expect_same(const uint8_t* s, int64_t len) {
  zcxi_utf8_class_t want = ref_class(s, len);
  zcxi_utf8_class_t got = zcxi_utf8_check(s, len);
  if (got != want) {
    char hex[3 * 80 + 1] = "";
    for (int64_t i = 0; i < len && i < 80; i++) {
      static const char digits[] = "0123456789abcdef";
      hex[3 * i] = digits[s[i] >> 4];
      hex[3 * i + 1] = digits[s[i] & 15];
      hex[3 * i + 2] = ' ';
      hex[3 * i + 3] = '\0';
    }
    fail_msg("utf8_check of %lld bytes [%s]: got %d, want %d", (long long)len, hex, (int)got,
             (int)want);
  }
  assert_int_equal(zcxi_utf8_valid(s, len), want != ZCXI_UTF8_INVALID);
}

// The same, from a heap copy of exactly `len` bytes, so that a read past the end shows under
// the address sanitizer.
static void expect_same_exact(const uint8_t* s, int64_t len) {
  uint8_t* copy = malloc(len > 0 ? (size_t)len : 1);
  assert_non_null(copy);
  memcpy(copy, s, (size_t)len);
  expect_same(copy, len);
  free(copy);
}

// ---------------------------------------------------------------------------------------------
// The validator alone

static void test_known_sequences(void** state) {
  (void)state;
  struct {
    const char* s;
    zcxi_utf8_class_t want;
  } cases[] = {
      {"", ZCXI_UTF8_ASCII},
      {"plain ascii, more than sixteen bytes long", ZCXI_UTF8_ASCII},
      {"\x7f", ZCXI_UTF8_ASCII},
      {"\xc2\x80", ZCXI_UTF8_VALID},            // U+0080, the first two-byte code point
      {"\xdf\xbf", ZCXI_UTF8_VALID},            // U+07FF
      {"\xe0\xa0\x80", ZCXI_UTF8_VALID},        // U+0800
      {"\xed\x9f\xbf", ZCXI_UTF8_VALID},        // U+D7FF, just below the surrogates
      {"\xee\x80\x80", ZCXI_UTF8_VALID},        // U+E000, just above
      {"\xef\xbf\xbf", ZCXI_UTF8_VALID},        // U+FFFF
      {"\xf0\x90\x80\x80", ZCXI_UTF8_VALID},    // U+10000
      {"\xf4\x8f\xbf\xbf", ZCXI_UTF8_VALID},    // U+10FFFF, the last code point
      {"\xc0\x80", ZCXI_UTF8_INVALID},          // overlong NUL
      {"\xc1\xbf", ZCXI_UTF8_INVALID},          // overlong U+007F
      {"\xe0\x9f\xbf", ZCXI_UTF8_INVALID},      // overlong U+07FF
      {"\xf0\x8f\xbf\xbf", ZCXI_UTF8_INVALID},  // overlong U+FFFF
      {"\xed\xa0\x80", ZCXI_UTF8_INVALID},      // U+D800, a surrogate
      {"\xed\xbf\xbf", ZCXI_UTF8_INVALID},      // U+DFFF
      {"\xf4\x90\x80\x80", ZCXI_UTF8_INVALID},  // U+110000
      {"\xf5\x80\x80\x80", ZCXI_UTF8_INVALID},  // lead byte past F4
      {"\xff", ZCXI_UTF8_INVALID},
      {"\x80", ZCXI_UTF8_INVALID},              // a lone continuation byte
      {"\xc3", ZCXI_UTF8_INVALID},              // truncated
      {"\xe2\x82", ZCXI_UTF8_INVALID},          // truncated
      {"\xf0\x9f\x98", ZCXI_UTF8_INVALID},      // truncated
      {"\xe2\x82\xac\xac", ZCXI_UTF8_INVALID},  // one continuation too many
      {"\xc3\x41", ZCXI_UTF8_INVALID},          // a lead without its continuation
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    const uint8_t* s = (const uint8_t*)cases[i].s;
    int64_t len = (int64_t)strlen(cases[i].s);
    if (zcxi_utf8_check(s, len) != cases[i].want) {
      fail_msg("case %zu: got %d, want %d", i, (int)zcxi_utf8_check(s, len), (int)cases[i].want);
    }
    expect_same(s, len);
  }
  // A NUL byte is ASCII.
  const uint8_t nul[3] = {'a', 0, 'b'};
  assert_int_equal(zcxi_utf8_check(nul, 3), ZCXI_UTF8_ASCII);
}

// Every sequence of one and two bytes, every three-byte sequence, and the four-byte ones
// around each boundary of the continuation ranges.
static void test_exhaustive_short(void** state) {
  (void)state;
  uint8_t s[4];
  for (int a = 0; a < 256; a++) {
    s[0] = (uint8_t)a;
    expect_same(s, 1);
    for (int b = 0; b < 256; b++) {
      s[1] = (uint8_t)b;
      expect_same(s, 2);
    }
  }
#ifdef ZCX_SANITIZE
  const int step = 7;  // a sample of the three-byte sequences, all of them take long here
#else
  const int step = 1;
#endif
  for (int a = 0xc0; a < 256; a++) {
    s[0] = (uint8_t)a;
    for (int b = 0; b < 256; b++) {
      s[1] = (uint8_t)b;
      for (int c = 0; c < 256; c += step) {
        s[2] = (uint8_t)c;
        expect_same(s, 3);
      }
    }
  }
  const uint8_t edges[] = {0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f,
                           0xa0, 0xbf, 0xc0, 0xc2, 0xf4, 0xff};
  for (int a = 0xe0; a < 256; a++) {
    s[0] = (uint8_t)a;
    for (int b = 0; b < 256; b++) {
      s[1] = (uint8_t)b;
      for (size_t c = 0; c < sizeof(edges); c++) {
        s[2] = edges[c];
        for (size_t d = 0; d < sizeof(edges); d++) {
          s[3] = edges[d];
          expect_same(s, 4);
        }
      }
    }
  }
}

// Each sequence at every position of a longer ASCII run: straddling the 16- and 64-byte
// blocks of the fast path, cut short by the end of the buffer, and followed by more ASCII.
static void test_block_positions(void** state) {
  (void)state;
  const char* seqs[] = {"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbf",
                        "\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\x80",
                        "\xff",     "\xe0\x9f\xbf", "\xf0\x8f\xbf\xbf", "\xc3\x41"};
  uint8_t buf[160];
  for (size_t k = 0; k < sizeof(seqs) / sizeof(seqs[0]); k++) {
    size_t n = strlen(seqs[k]);
    for (int64_t total = 1; total <= 150; total++) {
      for (int64_t pos = 0; pos < total; pos++) {
        memset(buf, 'x', sizeof(buf));
        size_t fit = (size_t)(total - pos) < n ? (size_t)(total - pos) : n;
        memcpy(buf + pos, seqs[k], fit);  // cut short when it does not fit
        expect_same_exact(buf, total);
      }
    }
  }
  // Two sequences in one block, and a sequence right after a block of 64 ASCII bytes.
  memset(buf, 'y', sizeof(buf));
  memcpy(buf + 14, "\xe2\x82\xac", 3);
  memcpy(buf + 30, "\xf0\x9f\x98\x80", 4);
  memcpy(buf + 64, "\xc3\xa9", 2);
  for (int64_t total = 60; total <= 150; total++) {
    expect_same(buf, total);
  }
  buf[65] = 'z';  // the second byte of the last one now missing
  expect_same(buf, 100);
  assert_int_equal(zcxi_utf8_check(buf, 100), ZCXI_UTF8_INVALID);
}

static uint64_t next_random(uint64_t* x) {
  *x ^= *x << 13;
  *x ^= *x >> 7;
  *x ^= *x << 17;
  return *x;
}

// Random mixtures of ASCII runs, valid characters and stray bytes, against the reference.
static void test_random_mixtures(void** state) {
  (void)state;
  static const char* pieces[] = {"a",
                                 "hello world, plain",
                                 "\xc3\xa9",
                                 "\xe2\x82\xac",
                                 "\xf0\x9f\x98\x80",
                                 "\xed\x9f\xbf",
                                 "\xef\xbf\xbd",
                                 "\x80",
                                 "\xc3",
                                 "\xed\xa0\x80",
                                 "\xf8",
                                 "\xc1\x81",
                                 "0123456789012345678901234567890123456789012345678901234567890"};
  const size_t npieces = sizeof(pieces) / sizeof(pieces[0]);
  uint8_t buf[512];
  uint64_t x = 0x9e3779b97f4a7c15u;
#ifdef ZCX_SANITIZE
  const int rounds = 3000;
#else
  const int rounds = 30000;
#endif
  int valid = 0;
  for (int r = 0; r < rounds; r++) {
    size_t len = 0;
    int count = (int)(next_random(&x) % 12);
    bool only_valid = next_random(&x) % 2 == 0;
    for (int p = 0; p < count; p++) {
      size_t k = (size_t)(next_random(&x) % (only_valid ? 7 : npieces));
      size_t n = strlen(pieces[k]);
      if (len + n > sizeof(buf)) {
        break;
      }
      memcpy(buf + len, pieces[k], n);
      len += n;
    }
    expect_same_exact(buf, (int64_t)len);
    valid += ref_valid(buf, (int64_t)len);
  }
  assert_true(valid > rounds / 4 && valid < rounds);  // both outcomes were exercised
}

// ---------------------------------------------------------------------------------------------
// String arrays: chunks of values, offsets first

// A string (or large string) array of `n` values, value i being `values[i % nvalues]`,
// made with zcx_array_create (cheap validation only).
static zcx_array_t* make_strings(zcx_type_id_t id, const char* const* values, int64_t nvalues,
                                 int64_t n, int64_t offset, int64_t length) {
  int64_t w = id == ZCX_TYPE_LARGE_STRING ? 8 : 4;
  int64_t total = 0;
  for (int64_t i = 0; i < n; i++) {
    total += (int64_t)strlen(values[i % nvalues]);
  }
  zcx_buffer_t* offs = NULL;
  zcx_buffer_t* data = NULL;
  assert_int_equal(zcx_buffer_allocate(NULL, (n + 1) * w, 64, NULL, &offs, NULL), 0);
  assert_int_equal(zcx_buffer_allocate(NULL, total > 0 ? total : 1, 64, NULL, &data, NULL), 0);
  uint8_t* o = zcx_buffer_data(offs);
  uint8_t* d = zcx_buffer_data(data);
  int64_t pos = 0;
  for (int64_t i = 0; i <= n; i++) {
    if (w == 4) {
      int32_t v = (int32_t)pos;
      memcpy(o + i * 4, &v, 4);
    } else {
      memcpy(o + i * 8, &pos, 8);
    }
    if (i < n) {
      size_t len = strlen(values[i % nvalues]);
      memcpy(d + pos, values[i % nvalues], len);
      pos += (int64_t)len;
    }
  }
  zcx_type_t* t = ts_type(id);
  zcx_buffer_t* bufs[3] = {NULL, offs, data};
  zcx_array_t* a = NULL;
  zcx_error_t err;
  if (zcx_array_create(t, length, offset, 0, bufs, 3, NULL, 0, NULL, &a, &err) != 0) {
    fail_msg("array_create: %s", err.message);
  }
  zcx_type_release(t);
  zcx_buffer_release(offs);
  zcx_buffer_release(data);
  return a;
}

static void put_offset(zcx_array_t* a, int64_t w, int64_t i, int64_t v) {
  uint8_t* o = zcx_buffer_data(a->buffers[1]);
  if (w == 4) {
    int32_t x = (int32_t)v;
    memcpy(o + i * 4, &x, 4);
  } else {
    memcpy(o + i * 8, &v, 8);
  }
}

static int64_t get_offset(const zcx_array_t* a, int64_t w, int64_t i) {
  return zcxi_load_offset(zcx_buffer_data(a->buffers[1]), w, i);
}

static void expect_full(zcx_array_t* a, const char* needle) {
  zcx_error_t err;
  if (needle == NULL) {
    if (zcx_array_validate(a, ZCX_VALIDATE_FULL, &err) != 0) {
      fail_msg("full validation: %s", err.message);
    }
    return;
  }
  ts_expect_error(zcx_array_validate(a, ZCX_VALIDATE_FULL, &err), &err, needle);
}

static void test_string_chunks(void** state) {
  (void)state;
  const char* ascii[] = {"alpha", "", "be", "gamma-delta", "x"};
  const char* mixed[] = {"caf\xc3\xa9", "plain", "\xe2\x82\xac\x35", "", "\xf0\x9f\x98\x80!"};
  const int64_t n = 3 * 4096 + 77;  // several chunks and a partial one
  zcx_type_id_t ids[2] = {ZCX_TYPE_STRING, ZCX_TYPE_LARGE_STRING};
  char needle[128];
  for (int k = 0; k < 2; k++) {
    int64_t w = ids[k] == ZCX_TYPE_STRING ? 4 : 8;
    // Sound arrays pass, whole and sliced.
    zcx_array_t* a = make_strings(ids[k], ascii, 5, n, 0, n);
    expect_full(a, NULL);
    zcx_array_release(a);
    a = make_strings(ids[k], mixed, 5, n, 0, n);
    expect_full(a, NULL);
    zcx_array_release(a);
    a = make_strings(ids[k], mixed, 5, n, 4000, n - 4001);
    expect_full(a, NULL);
    zcx_array_release(a);

    // A bad byte in the third chunk, the first two all ASCII: the exact value is named.
    a = make_strings(ids[k], ascii, 5, n, 0, n);
    int64_t bad = 2 * 4096 + 13;  // "alpha" (8205 % 5 == 0)
    uint8_t* d = zcx_buffer_data(a->buffers[2]);
    d[get_offset(a, w, bad) + 4] = 0xff;
    snprintf(needle, sizeof(needle), "string at index %lld (bytes", (long long)bad);
    expect_full(a, needle);
    // Sliced past it: no error; sliced to start just before it: index relative to the slice.
    zcx_array_t* s = NULL;
    assert_int_equal(zcx_array_slice(a, bad + 1, n - bad - 1, &s, NULL), 0);
    expect_full(s, NULL);
    zcx_array_release(s);
    assert_int_equal(zcx_array_slice(a, bad - 3, 10, &s, NULL), 0);
    expect_full(s, "string at index 3 (bytes");
    zcx_array_release(s);
    zcx_array_release(a);

    // A multi-byte character split between two values in a later chunk: each value must be
    // valid on its own although the bytes together are.
    const char* split[] = {"ab", "\xe2\x82\xac", "cd"};
    a = make_strings(ids[k], split, 3, n, 0, n);
    int64_t at = 2 * 4096 + 2;  // a euro sign (8194 % 3 == 1): move its end one byte back
    put_offset(a, w, at + 1, get_offset(a, w, at + 1) - 1);
    snprintf(needle, sizeof(needle), "string at index %lld (bytes", (long long)at);
    expect_full(a, needle);
    zcx_array_release(a);

    // A value that starts on a continuation byte, at the start of a chunk (the one before it,
    // in the chunk before, now ends with a lead byte and is named).
    a = make_strings(ids[k], split, 3, n, 0, n);
    at = 4096;  // a euro sign (4096 % 3 == 1)
    put_offset(a, w, at, get_offset(a, w, at) + 1);
    snprintf(needle, sizeof(needle), "string at index %lld (bytes", (long long)(at - 1));
    expect_full(a, needle);
    zcx_array_release(a);

    // Offsets are checked before UTF-8: a decrease in a later chunk than a bad byte is what
    // the message names.
    a = make_strings(ids[k], ascii, 5, n, 0, n);
    d = zcx_buffer_data(a->buffers[2]);
    d[get_offset(a, w, 10)] = 0xc0;
    int64_t dec = 3 * 4096 + 20;
    int64_t saved = get_offset(a, w, dec + 1);
    put_offset(a, w, dec + 1, get_offset(a, w, dec) - 1);
    snprintf(needle, sizeof(needle), "index %lld < previous offset", (long long)(dec + 1));
    expect_full(a, needle);
    // With the decrease first, it is named too.
    put_offset(a, w, dec + 1, saved);
    put_offset(a, w, 6, get_offset(a, w, 5) - 1);
    expect_full(a, "index 6 < previous offset");
    zcx_array_release(a);

    // The validation of the memory only skips UTF-8 (printing relies on it): a bad byte
    // passes there, while a decrease does not.
    a = make_strings(ids[k], ascii, 5, n, 0, n);
    d = zcx_buffer_data(a->buffers[2]);
    d[0] = 0x80;
    expect_full(a, "string at index 0 (bytes");
    assert_int_equal(zcxi_array_validate_memory(a, NULL), 0);
    put_offset(a, w, 4500, get_offset(a, w, 4499) - 1);
    zcx_error_t err;
    ts_expect_error(zcxi_array_validate_memory(a, &err), &err, "index 4500 < previous offset");
    zcx_array_release(a);
  }
}

// All values empty, and all ASCII except the very last byte of the last value.
static void test_string_edges(void** state) {
  (void)state;
  const char* empty[] = {""};
  zcx_array_t* a = make_strings(ZCX_TYPE_STRING, empty, 1, 9000, 0, 9000);
  expect_full(a, NULL);
  zcx_array_release(a);
  const char* vals[] = {"abcdefghijklmnopq", "rs"};
  const int64_t n = 4096 + 1;
  a = make_strings(ZCX_TYPE_STRING, vals, 2, n, 0, n);
  uint8_t* d = zcx_buffer_data(a->buffers[2]);
  int64_t end = get_offset(a, 4, n);
  d[end - 1] = 0xc3;  // a lead byte with nothing after it
  expect_full(a, "string at index 4096 (bytes");
  d[end - 2] = 0xc3;
  d[end - 1] = 0xa9;  // now a whole character
  expect_full(a, NULL);
  zcx_array_release(a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_known_sequences), cmocka_unit_test(test_exhaustive_short),
      cmocka_unit_test(test_block_positions), cmocka_unit_test(test_random_mixtures),
      cmocka_unit_test(test_string_chunks),   cmocka_unit_test(test_string_edges),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
