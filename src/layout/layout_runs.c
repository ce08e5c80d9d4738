// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Runs of adjacent same-width fields (x, y, z, id of 4 bytes; two doubles) and the SIMD
// transposes that move a whole run per record with one wide load or store, instead of one
// narrow load and store per field.
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "layout/layout_internal.h"

// Whether field f can be part of a vector run: a scalar (not an array) of 4 or 8 bytes.
static bool vector_field(const zcxi_layout_field_t* f) {
  return !f->is_bool && !f->is_list && (f->value_size == 4 || f->value_size == 8);
}

int32_t zcxi_layout_plan_runs(const zcx_layout_t* layout, int32_t* order,
                              zcxi_layout_run_t* runs) {
  int32_t k = layout->num_fields;
  // Fields by offset (insertion sort: layouts have few fields, often already in order).
  for (int32_t j = 0; j < k; j++) {
    int32_t v = j;
    int32_t at = j;
    while (at > 0 && layout->fields[order[at - 1]].offset > layout->fields[v].offset) {
      order[at] = order[at - 1];
      at--;
    }
    order[at] = v;
  }
  int32_t count = 0;
  for (int32_t j = 0; j < k;) {
    const zcxi_layout_field_t* f = &layout->fields[order[j]];
    zcxi_layout_run_t* r = &runs[count++];
    r->fields[0] = order[j];
    r->g = 1;
    r->offset = f->offset;
    r->w = 0;
    j++;
    if (!vector_field(f)) {
      continue;
    }
    r->w = f->value_size;
    int32_t max = 16 / f->value_size;
    while (j < k && r->g < max) {
      const zcxi_layout_field_t* n = &layout->fields[order[j]];
      if (!vector_field(n) || n->value_size != f->value_size ||
          n->offset != f->offset + (int64_t)r->g * f->value_size) {
        break;
      }
      r->fields[r->g++] = order[j++];
    }
    // Three 4-byte fields: a pair now, the third starts the next run.
    if (r->w == 4 && r->g == 3) {
      r->g = 2;
      j--;
    }
  }
  return count;
}

#if defined(__SSE2__)

static inline __m128i load32(const uint8_t* p) {
  int32_t v;
  memcpy(&v, p, 4);
  return _mm_cvtsi32_si128(v);
}

static inline void put(uint8_t* p, __m128i v, bool nt) {
  if (nt) {
    _mm_stream_si128((__m128i*)(void*)p, v);
  } else {
    _mm_storeu_si128((__m128i*)(void*)p, v);
  }
}

// Transposes four rows of four 32-bit values in place.
static inline void transpose4x4(__m128i* a, __m128i* b, __m128i* c, __m128i* d) {
  __m128i t0 = _mm_unpacklo_epi32(*a, *b);
  __m128i t1 = _mm_unpacklo_epi32(*c, *d);
  __m128i t2 = _mm_unpackhi_epi32(*a, *b);
  __m128i t3 = _mm_unpackhi_epi32(*c, *d);
  *a = _mm_unpacklo_epi64(t0, t1);
  *b = _mm_unpackhi_epi64(t0, t1);
  *c = _mm_unpacklo_epi64(t2, t3);
  *d = _mm_unpackhi_epi64(t2, t3);
}

// Non-temporal stores must fill whole cache lines back to back, or the write-combining
// buffers are flushed half full: each block of 64 bytes per column is assembled in `line`
// (in L1) and then streamed out as one line.
static int64_t split_nt(const uint8_t* src, int64_t stride, int32_t w, int32_t g, int64_t m,
                        uint8_t* const* dst) {
  const int64_t per_line = 64 / w;  // records per line of a column
  __m128i line[4][4];
  int64_t i = 0;
  for (; i + per_line <= m; i += per_line) {
    for (int32_t v = 0; v < 4; v++) {
      // Records of vector v of the line: 16 / w of them.
      if (w == 4) {
        const uint8_t* s = src + (i + 4 * v) * stride;
        if (g == 4) {
          __m128i a = _mm_loadu_si128((const __m128i*)(const void*)s);
          __m128i b = _mm_loadu_si128((const __m128i*)(const void*)(s + stride));
          __m128i c = _mm_loadu_si128((const __m128i*)(const void*)(s + 2 * stride));
          __m128i d = _mm_loadu_si128((const __m128i*)(const void*)(s + 3 * stride));
          transpose4x4(&a, &b, &c, &d);
          line[0][v] = a;
          line[1][v] = b;
          line[2][v] = c;
          line[3][v] = d;
        } else if (g == 2) {
          __m128i t0 = _mm_unpacklo_epi32(_mm_loadl_epi64((const __m128i*)(const void*)s),
                                          _mm_loadl_epi64((const __m128i*)(const void*)(s + stride)));
          __m128i t1 = _mm_unpacklo_epi32(
              _mm_loadl_epi64((const __m128i*)(const void*)(s + 2 * stride)),
              _mm_loadl_epi64((const __m128i*)(const void*)(s + 3 * stride)));
          line[0][v] = _mm_unpacklo_epi64(t0, t1);
          line[1][v] = _mm_unpackhi_epi64(t0, t1);
        } else {
          __m128i t0 = _mm_unpacklo_epi32(load32(s), load32(s + stride));
          __m128i t1 = _mm_unpacklo_epi32(load32(s + 2 * stride), load32(s + 3 * stride));
          line[0][v] = _mm_unpacklo_epi64(t0, t1);
        }
      } else {
        const uint8_t* s = src + (i + 2 * v) * stride;
        if (g == 2) {
          __m128i a = _mm_loadu_si128((const __m128i*)(const void*)s);
          __m128i b = _mm_loadu_si128((const __m128i*)(const void*)(s + stride));
          line[0][v] = _mm_unpacklo_epi64(a, b);
          line[1][v] = _mm_unpackhi_epi64(a, b);
        } else {
          line[0][v] = _mm_unpacklo_epi64(_mm_loadl_epi64((const __m128i*)(const void*)s),
                                          _mm_loadl_epi64((const __m128i*)(const void*)(s + stride)));
        }
      }
    }
    for (int32_t j = 0; j < g; j++) {
      uint8_t* d = dst[j] + i * w;
      _mm_stream_si128((__m128i*)(void*)d, line[j][0]);
      _mm_stream_si128((__m128i*)(void*)(d + 16), line[j][1]);
      _mm_stream_si128((__m128i*)(void*)(d + 32), line[j][2]);
      _mm_stream_si128((__m128i*)(void*)(d + 48), line[j][3]);
    }
  }
  return i;
}

void zcxi_layout_split(const uint8_t* src, int64_t stride, int32_t w, int32_t g, int64_t m,
                       uint8_t* const* dst, bool nt) {
  int64_t i = 0;
  uint8_t* rest[4];  // dst past the records split_nt moved
  if (nt) {
    i = split_nt(src, stride, w, g, m, dst);
    src += i * stride;
    for (int32_t j = 0; j < g; j++) {
      rest[j] = dst[j] + i * w;
    }
    dst = rest;
    m -= i;
    i = 0;
    nt = false;
  }
  if (w == 4 && g == 4) {
    for (; i + 4 <= m; i += 4) {
      const uint8_t* s = src + i * stride;
      __m128i a = _mm_loadu_si128((const __m128i*)(const void*)s);
      __m128i b = _mm_loadu_si128((const __m128i*)(const void*)(s + stride));
      __m128i c = _mm_loadu_si128((const __m128i*)(const void*)(s + 2 * stride));
      __m128i d = _mm_loadu_si128((const __m128i*)(const void*)(s + 3 * stride));
      transpose4x4(&a, &b, &c, &d);
      put(dst[0] + i * 4, a, nt);
      put(dst[1] + i * 4, b, nt);
      put(dst[2] + i * 4, c, nt);
      put(dst[3] + i * 4, d, nt);
    }
  } else if (w == 4 && g == 2) {
    for (; i + 4 <= m; i += 4) {
      const uint8_t* s = src + i * stride;
      __m128i r0 = _mm_loadl_epi64((const __m128i*)(const void*)s);
      __m128i r1 = _mm_loadl_epi64((const __m128i*)(const void*)(s + stride));
      __m128i r2 = _mm_loadl_epi64((const __m128i*)(const void*)(s + 2 * stride));
      __m128i r3 = _mm_loadl_epi64((const __m128i*)(const void*)(s + 3 * stride));
      __m128i t0 = _mm_unpacklo_epi32(r0, r1);  // a0 a1 b0 b1
      __m128i t1 = _mm_unpacklo_epi32(r2, r3);  // a2 a3 b2 b3
      put(dst[0] + i * 4, _mm_unpacklo_epi64(t0, t1), nt);
      put(dst[1] + i * 4, _mm_unpackhi_epi64(t0, t1), nt);
    }
  } else if (w == 4 && g == 1) {
    for (; i + 4 <= m; i += 4) {
      const uint8_t* s = src + i * stride;
      __m128i t0 = _mm_unpacklo_epi32(load32(s), load32(s + stride));
      __m128i t1 = _mm_unpacklo_epi32(load32(s + 2 * stride), load32(s + 3 * stride));
      put(dst[0] + i * 4, _mm_unpacklo_epi64(t0, t1), nt);
    }
  } else if (w == 8 && g == 2) {
    for (; i + 2 <= m; i += 2) {
      const uint8_t* s = src + i * stride;
      __m128i a = _mm_loadu_si128((const __m128i*)(const void*)s);
      __m128i b = _mm_loadu_si128((const __m128i*)(const void*)(s + stride));
      put(dst[0] + i * 8, _mm_unpacklo_epi64(a, b), nt);
      put(dst[1] + i * 8, _mm_unpackhi_epi64(a, b), nt);
    }
  } else if (w == 8 && g == 1) {
    for (; i + 2 <= m; i += 2) {
      const uint8_t* s = src + i * stride;
      __m128i a = _mm_loadl_epi64((const __m128i*)(const void*)s);
      __m128i b = _mm_loadl_epi64((const __m128i*)(const void*)(s + stride));
      put(dst[0] + i * 8, _mm_unpacklo_epi64(a, b), nt);
    }
  }
  // The records left over (fewer than one vector), or a run without a vector kernel.
  for (int32_t j = 0; j < g && i < m; j++) {
    zcxi_layout_gather(src + i * stride + j * w, stride, w, m - i, dst[j] + i * w);
  }
}

void zcxi_layout_merge(const uint8_t* const* src, int32_t w, int32_t g, int64_t m, uint8_t* dst,
                       int64_t stride) {
  int64_t i = 0;
  if (w == 4 && g == 4) {
    for (; i + 4 <= m; i += 4) {
      __m128i a = _mm_loadu_si128((const __m128i*)(const void*)(src[0] + i * 4));
      __m128i b = _mm_loadu_si128((const __m128i*)(const void*)(src[1] + i * 4));
      __m128i c = _mm_loadu_si128((const __m128i*)(const void*)(src[2] + i * 4));
      __m128i d = _mm_loadu_si128((const __m128i*)(const void*)(src[3] + i * 4));
      transpose4x4(&a, &b, &c, &d);
      uint8_t* o = dst + i * stride;
      _mm_storeu_si128((__m128i*)(void*)o, a);
      _mm_storeu_si128((__m128i*)(void*)(o + stride), b);
      _mm_storeu_si128((__m128i*)(void*)(o + 2 * stride), c);
      _mm_storeu_si128((__m128i*)(void*)(o + 3 * stride), d);
    }
  } else if (w == 4 && g == 2) {
    for (; i + 4 <= m; i += 4) {
      __m128i a = _mm_loadu_si128((const __m128i*)(const void*)(src[0] + i * 4));
      __m128i b = _mm_loadu_si128((const __m128i*)(const void*)(src[1] + i * 4));
      __m128i t0 = _mm_unpacklo_epi32(a, b);  // a0 b0 a1 b1
      __m128i t1 = _mm_unpackhi_epi32(a, b);  // a2 b2 a3 b3
      uint8_t* o = dst + i * stride;
      _mm_storel_epi64((__m128i*)(void*)o, t0);
      _mm_storel_epi64((__m128i*)(void*)(o + stride), _mm_srli_si128(t0, 8));
      _mm_storel_epi64((__m128i*)(void*)(o + 2 * stride), t1);
      _mm_storel_epi64((__m128i*)(void*)(o + 3 * stride), _mm_srli_si128(t1, 8));
    }
  } else if (w == 8 && g == 2) {
    for (; i + 2 <= m; i += 2) {
      __m128i a = _mm_loadu_si128((const __m128i*)(const void*)(src[0] + i * 8));
      __m128i b = _mm_loadu_si128((const __m128i*)(const void*)(src[1] + i * 8));
      uint8_t* o = dst + i * stride;
      _mm_storeu_si128((__m128i*)(void*)o, _mm_unpacklo_epi64(a, b));
      _mm_storeu_si128((__m128i*)(void*)(o + stride), _mm_unpackhi_epi64(a, b));
    }
  }
  for (int32_t j = 0; j < g && i < m; j++) {
    zcxi_layout_scatter(src[j] + i * w, w, m - i, dst + i * stride + j * w, stride);
  }
}

#else

void zcxi_layout_split(const uint8_t* src, int64_t stride, int32_t w, int32_t g, int64_t m,
                       uint8_t* const* dst, bool nt) {
  (void)nt;
  for (int32_t j = 0; j < g; j++) {
    zcxi_layout_gather(src + j * w, stride, w, m, dst[j]);
  }
}

void zcxi_layout_merge(const uint8_t* const* src, int32_t w, int32_t g, int64_t m, uint8_t* dst,
                       int64_t stride) {
  for (int32_t j = 0; j < g; j++) {
    zcxi_layout_scatter(src[j], w, m, dst + j * w, stride);
  }
}

#endif
