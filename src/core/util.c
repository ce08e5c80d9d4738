// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Small helpers of src/core/internal.h that are not inline: clock, strings, bit counts.
#include <string.h>
#include <time.h>

#include "core/internal.h"

int64_t zcxi_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void zcxi_strlcpy(char* dst, const char* src, size_t size) {
  if (size == 0) {
    return;
  }
  size_t n = src == NULL ? 0 : strnlen(src, size - 1);
  if (n > 0) {
    memcpy(dst, src, n);
  }
  dst[n] = '\0';
}

int64_t zcxi_bitmap_count_set(const uint8_t* bits, int64_t offset, int64_t length) {
  int64_t count = 0;
  int64_t i = offset;
  int64_t end = offset + length;
  // Leading bits up to a byte boundary, whole bytes eight at a time, then the tail.
  while (i < end && (i & 7) != 0) {
    count += zcxi_bit_get(bits, i++);
  }
  while (i + 64 <= end) {
    uint64_t word;
    memcpy(&word, bits + (i >> 3), sizeof(word));
    count += __builtin_popcountll(word);
    i += 64;
  }
  while (i + 8 <= end) {
    count += __builtin_popcount(bits[i >> 3]);
    i += 8;
  }
  while (i < end) {
    count += zcxi_bit_get(bits, i++);
  }
  return count;
}
