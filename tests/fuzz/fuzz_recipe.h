// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// What the interop fuzz targets share: reading their input as a recipe, and failing loudly.
// A target defines FUZZ_TARGET (its name, for messages) before including this header.
#ifndef ZCX_TESTS_FUZZ_RECIPE_H
#define ZCX_TESTS_FUZZ_RECIPE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

// The input bytes, read front to back; zeros once they run out.
typedef struct recipe {
  const uint8_t* d;
  size_t n;
  size_t pos;
} recipe_t;

static inline uint8_t take8(recipe_t* r) { return r->pos < r->n ? r->d[r->pos++] : 0; }

// The next `nbytes` bytes (at most 8) as a little-endian number.
static inline uint64_t take_le(recipe_t* r, int nbytes) {
  uint64_t v = 0;
  for (int i = 0; i < nbytes; i++) {
    v |= (uint64_t)take8(r) << (8 * i);
  }
  return v;
}

// Aborts with a message naming the target: the fuzzer reports it as a crash.
static inline void fuzz_fail(const char* what, const char* detail) {
  fprintf(stderr, "%s: %s%s%s\n", FUZZ_TARGET, what, detail != NULL ? ": " : "",
          detail != NULL ? detail : "");
  abort();
}

#endif  // ZCX_TESTS_FUZZ_RECIPE_H
