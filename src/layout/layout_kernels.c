// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The copy kernels of the AoS <-> SoA conversions: strided gathers and scatters specialized
// for the common field widths, bool packing, and non-temporal block copies.
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "layout/layout_internal.h"

// A tile of about this many bytes of records stays in L1 while its fields are copied out
// one after the other; the columns are then written as long sequential runs.
#define ZCXI_TILE_BYTES 16384

int64_t zcxi_layout_tile_records(int64_t record_size) {
  int64_t t = (ZCXI_TILE_BYTES / record_size) & ~(int64_t)63;
  return t < 64 ? 64 : t;
}

// With a constant `size`, memcpy becomes one load and one store (or a few), and the loops
// below become tight strided moves without calls.
#define ZCXI_GATHER_LOOP(SIZE)                               \
  for (int64_t i = 0; i < n; i++) {                          \
    memcpy(dst + i * (SIZE), src + i * stride, (SIZE));      \
  }

void zcxi_layout_gather(const uint8_t* src, int64_t stride, int64_t size, int64_t n,
                        uint8_t* dst) {
  switch (size) {
    case 1:
      ZCXI_GATHER_LOOP(1);
      return;
    case 2:
      ZCXI_GATHER_LOOP(2);
      return;
    case 4:
      ZCXI_GATHER_LOOP(4);
      return;
    case 8:
      ZCXI_GATHER_LOOP(8);
      return;
    case 12:
      ZCXI_GATHER_LOOP(12);
      return;
    case 16:
      ZCXI_GATHER_LOOP(16);
      return;
    case 32:
      ZCXI_GATHER_LOOP(32);
      return;
    default:
      for (int64_t i = 0; i < n; i++) {
        memcpy(dst + i * size, src + i * stride, (size_t)size);
      }
      return;
  }
}

#define ZCXI_SCATTER_LOOP(SIZE)                              \
  for (int64_t i = 0; i < n; i++) {                          \
    memcpy(dst + i * stride, src + i * (SIZE), (SIZE));      \
  }

void zcxi_layout_scatter(const uint8_t* src, int64_t size, int64_t n, uint8_t* dst,
                         int64_t stride) {
  switch (size) {
    case 1:
      ZCXI_SCATTER_LOOP(1);
      return;
    case 2:
      ZCXI_SCATTER_LOOP(2);
      return;
    case 4:
      ZCXI_SCATTER_LOOP(4);
      return;
    case 8:
      ZCXI_SCATTER_LOOP(8);
      return;
    case 12:
      ZCXI_SCATTER_LOOP(12);
      return;
    case 16:
      ZCXI_SCATTER_LOOP(16);
      return;
    case 32:
      ZCXI_SCATTER_LOOP(32);
      return;
    default:
      for (int64_t i = 0; i < n; i++) {
        memcpy(dst + i * stride, src + i * size, (size_t)size);
      }
      return;
  }
}

void zcxi_layout_pack_bools(const uint8_t* src, int64_t stride, int32_t count, int64_t n,
                            uint8_t* bits) {
  uint32_t acc = 0;
  int bit = 0;
  int64_t byte = 0;
  if (count == 1) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
      const uint8_t* r = src + i * stride;
      uint32_t b = 0;
      for (int k = 0; k < 8; k++) {
        b |= (uint32_t)(r[k * stride] != 0) << k;
      }
      bits[byte++] = (uint8_t)b;
    }
    for (; i < n; i++) {
      acc |= (uint32_t)(src[i * stride] != 0) << bit;
      bit++;
    }
  } else {
    for (int64_t i = 0; i < n; i++) {
      const uint8_t* r = src + i * stride;
      for (int32_t c = 0; c < count; c++) {
        acc |= (uint32_t)(r[c] != 0) << bit;
        if (++bit == 8) {
          bits[byte++] = (uint8_t)acc;
          acc = 0;
          bit = 0;
        }
      }
    }
  }
  if (bit > 0) {
    bits[byte] = (uint8_t)acc;
  }
}

void zcxi_layout_unpack_bools(const uint8_t* bits, int64_t bit_offset, int32_t count,
                              int64_t n, uint8_t* dst, int64_t stride) {
  int64_t k = bit_offset;
  for (int64_t i = 0; i < n; i++) {
    uint8_t* r = dst + i * stride;
    for (int32_t c = 0; c < count; c++, k++) {
      r[c] = (uint8_t)((bits[k >> 3] >> (k & 7)) & 1);
    }
  }
}

#if defined(__SSE2__)

void zcxi_layout_copy_nt(uint8_t* dst, const uint8_t* src, size_t n) {
  size_t head = (16 - ((uintptr_t)dst & 15)) & 15;
  if (head > n) {
    head = n;
  }
  memcpy(dst, src, head);
  dst += head;
  src += head;
  n -= head;
  for (; n >= 64; n -= 64, dst += 64, src += 64) {
    __m128i a = _mm_loadu_si128((const __m128i*)(const void*)src);
    __m128i b = _mm_loadu_si128((const __m128i*)(const void*)(src + 16));
    __m128i c = _mm_loadu_si128((const __m128i*)(const void*)(src + 32));
    __m128i d = _mm_loadu_si128((const __m128i*)(const void*)(src + 48));
    _mm_stream_si128((__m128i*)(void*)dst, a);
    _mm_stream_si128((__m128i*)(void*)(dst + 16), b);
    _mm_stream_si128((__m128i*)(void*)(dst + 32), c);
    _mm_stream_si128((__m128i*)(void*)(dst + 48), d);
  }
  for (; n >= 16; n -= 16, dst += 16, src += 16) {
    _mm_stream_si128((__m128i*)(void*)dst, _mm_loadu_si128((const __m128i*)(const void*)src));
  }
  memcpy(dst, src, n);
}

void zcxi_layout_store_fence(void) { _mm_sfence(); }

#else

void zcxi_layout_copy_nt(uint8_t* dst, const uint8_t* src, size_t n) { memcpy(dst, src, n); }

void zcxi_layout_store_fence(void) { atomic_thread_fence(memory_order_release); }

#endif

// The output size from which copies are non-temporal: the last-level cache size, read once
// (0 until then), or what zcxi_layout_set_nt_threshold set.
static atomic_llong g_nt_threshold;

void zcxi_layout_set_nt_threshold(int64_t bytes) {
  atomic_store_explicit(&g_nt_threshold, (long long)bytes, memory_order_relaxed);
}

bool zcxi_layout_use_nt(int64_t bytes) {
#if defined(__SSE2__)
  long long size = atomic_load_explicit(&g_nt_threshold, memory_order_relaxed);
  if (size == 0) {
    long v = -1;
#if defined(_SC_LEVEL3_CACHE_SIZE)
    v = sysconf(_SC_LEVEL3_CACHE_SIZE);
#endif
    size = v > 0 ? (long long)v : 16ll << 20;
    atomic_store_explicit(&g_nt_threshold, size, memory_order_relaxed);
  }
  return bytes >= size;
#else
  (void)bytes;
  return false;
#endif
}
