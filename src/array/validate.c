// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Array validation against the Arrow columnar format: the cheap level (counts and sizes) and
// the full level (every offset, view, run end, dictionary index, union type id, UTF-8).
//
// Invariant: nothing is read from a buffer before its size has been checked to hold it, and
// every sum or product of sizes taken from the array is overflow-checked, so that a hostile
// array (imported, mapped from a file) is rejected without an out-of-bounds read.
#include <stdio.h>
#include <string.h>

#include "array/internal.h"

// Nesting deeper than this is rejected rather than recursed into.
#define MAX_DEPTH 64



typedef struct vctx {
  zcx_error_t* err;
  zcx_validate_level_t level;
  bool memory_only;  // full level, but only what keeps readers in bounds (no UTF-8, null
                     // counts or map keys)
  char path[512];
  size_t path_len;
  int depth;
} vctx_t;

// The stored null count, read atomically (zcx_array_null_count may store it meanwhile).
static int64_t nulls_of(const zcx_array_t* a) { return zcxi_array_null_count_peek(a); }

static int vfail(vctx_t* c, const char* fmt, ...) ZCX_PRINTF(2, 3);

static int vfail(vctx_t* c, const char* fmt, ...) {
  if (c->err == NULL) {
    return EINVAL;
  }
  char msg[ZCX_ERROR_MESSAGE_SIZE];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  if (c->path_len > 0) {
    zcx_error_set(c->err, "%s: %s", c->path, msg);
  } else {
    zcx_error_set(c->err, "%s", msg);
  }
  return EINVAL;
}

static size_t path_push(vctx_t* c, const char* fmt, ...) ZCX_PRINTF(2, 3);

// Appends a segment to the path and returns the length to restore.
static size_t path_push(vctx_t* c, const char* fmt, ...) {
  size_t saved = c->path_len;
  size_t room = sizeof(c->path) - c->path_len;
  if (room <= 1) {
    return saved;
  }
  int n = 0;
  if (c->path_len > 0) {
    n = snprintf(c->path + c->path_len, room, " > ");
    if (n < 0 || (size_t)n >= room) {
      return saved;
    }
  }
  size_t len = c->path_len + (size_t)n;
  va_list ap;
  va_start(ap, fmt);
  int m = vsnprintf(c->path + len, sizeof(c->path) - len, fmt, ap);
  va_end(ap);
  if (m > 0) {
    len += (size_t)m;
  }
  c->path_len = len < sizeof(c->path) ? len : sizeof(c->path) - 1;
  return saved;
}

static void path_pop(vctx_t* c, size_t saved) {
  c->path_len = saved;
  c->path[saved] = '\0';
}

// ---------------------------------------------------------------------------------------------
// Buffer size checks

static const char* buffer_role(zcx_type_id_t id, int32_t i) {
  if (i == 0 && zcxi_id_has_validity(id)) {
    return "validity";
  }
  switch (id) {
    case ZCX_TYPE_BINARY:
    case ZCX_TYPE_STRING:
    case ZCX_TYPE_LARGE_BINARY:
    case ZCX_TYPE_LARGE_STRING: return i == 1 ? "offsets" : "data";
    case ZCX_TYPE_BINARY_VIEW:
    case ZCX_TYPE_STRING_VIEW: return i == 1 ? "views" : "variadic data";
    case ZCX_TYPE_LIST:
    case ZCX_TYPE_LARGE_LIST:
    case ZCX_TYPE_MAP: return "offsets";
    case ZCX_TYPE_LIST_VIEW:
    case ZCX_TYPE_LARGE_LIST_VIEW: return i == 1 ? "offsets" : "sizes";
    case ZCX_TYPE_SPARSE_UNION:
    case ZCX_TYPE_DENSE_UNION: return i == 0 ? "type ids" : "offsets";
    case ZCX_TYPE_DICTIONARY: return "indices";
    default: return "data";
  }
}

// Buffer i must hold `needed` bytes.
static int check_size(vctx_t* c, const zcx_array_t* a, zcx_type_id_t id, int32_t i,
                      int64_t needed) {
  int64_t have = zcxi_array_buf_size(a, i);
  if (have < needed) {
    if (a->buffers[i] == NULL) {
      return vfail(c, "buffer %d (%s) is absent but %lld bytes are needed for offset %lld + "
                   "length %lld",
                   i, buffer_role(id, i), (long long)needed, (long long)a->offset,
                   (long long)a->length);
    }
    return vfail(c, "buffer %d (%s) has %lld bytes, needs %lld for offset %lld + length %lld", i,
                 buffer_role(id, i), (long long)have, (long long)needed, (long long)a->offset,
                 (long long)a->length);
  }
  return 0;
}

// Buffer i must hold `count` elements of `width` bytes.
static int check_elems(vctx_t* c, const zcx_array_t* a, zcx_type_id_t id, int32_t i,
                       int64_t count, int64_t width) {
  int64_t needed;
  if (!zcxi_mul_i64(count, width, &needed)) {
    return vfail(c, "buffer %d (%s): %lld elements of %lld bytes overflow", i,
                 buffer_role(id, i), (long long)count, (long long)width);
  }
  return check_size(c, a, id, i, needed);
}

static bool array_on_host(const zcx_array_t* a) {
  for (int32_t i = 0; i < a->num_buffers; i++) {
    if (a->buffers[i] != NULL && !zcx_device_is_host_accessible(zcx_buffer_device(a->buffers[i]))) {
      return false;
    }
  }
  return true;
}

static int64_t read_offset(const uint8_t* o, int64_t w, int64_t i) {
  if (w == 4) {
    int32_t v;
    memcpy(&v, o + i * 4, 4);
    return v;
  }
  int64_t v;
  memcpy(&v, o + i * 8, 8);
  return v;
}

// Offsets of a binary or list layout: enough of them, and (O(1), on the host) the first and
// last within [0, limit]. `limit` is the data size or child length.
static int check_offsets_cheap(vctx_t* c, const zcx_array_t* a, zcx_type_id_t id, int64_t w,
                               int64_t end, int64_t limit, const char* limit_name) {
  if (a->length == 0 && zcxi_array_buf_size(a, 1) == 0) {
    return 0;  // an empty array may have no offsets at all
  }
  if (end == INT64_MAX) {
    return vfail(c, "buffer 1 (offsets): offset %lld + length %lld leaves no room for the last "
                 "offset",
                 (long long)a->offset, (long long)a->length);
  }
  ZCX_RETURN_IF_ERROR(check_elems(c, a, id, 1, end + 1, w));
  if (!array_on_host(a)) {
    return 0;
  }
  const uint8_t* o = zcxi_array_buf(a, 1);
  int64_t first = read_offset(o, w, a->offset);
  int64_t last = read_offset(o, w, end);
  if (first < 0) {
    return vfail(c, "buffer 1 (offsets): negative offset %lld at index %lld", (long long)first,
                 (long long)a->offset);
  }
  if (last < first) {
    return vfail(c, "buffer 1 (offsets): last offset %lld at index %lld < first offset %lld",
                 (long long)last, (long long)end, (long long)first);
  }
  if (last > limit) {
    return vfail(c, "buffer 1 (offsets): offset %lld at index %lld > %s %lld", (long long)last,
                 (long long)end, limit_name, (long long)limit);
  }
  return 0;
}

static const char* child_name(const zcx_type_t* st, int32_t i) {
  return i < st->num_children ? st->children[i]->name : "?";
}

// ---------------------------------------------------------------------------------------------
// Full checks: tight loops over whole buffers

// Index of the first i in [0, n) with o[i + 1] < o[i], or -1. Blocks are checked with
// vector compares that OR a mask (GNU vector extensions, four vectors per step); only a block
// that failed is rescanned element by element for the message.
#define BLOCK 4096
typedef int32_t zcxi_v4i32 __attribute__((vector_size(16)));
typedef int64_t zcxi_v2i64 __attribute__((vector_size(16)));

static bool block_decreases32(const uint8_t* o, int64_t n) {
  zcxi_v4i32 acc = {0, 0, 0, 0};
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    zcxi_v4i32 a0, a1, a2, a3, b0, b1, b2, b3;
    memcpy(&a0, o + 4 * i, 16);
    memcpy(&a1, o + 4 * (i + 4), 16);
    memcpy(&a2, o + 4 * (i + 8), 16);
    memcpy(&a3, o + 4 * (i + 12), 16);
    memcpy(&b0, o + 4 * (i + 1), 16);
    memcpy(&b1, o + 4 * (i + 5), 16);
    memcpy(&b2, o + 4 * (i + 9), 16);
    memcpy(&b3, o + 4 * (i + 13), 16);
    acc |= (b0 < a0) | (b1 < a1) | (b2 < a2) | (b3 < a3);
  }
  int bad = (acc[0] | acc[1] | acc[2] | acc[3]) != 0;
  for (; i < n; i++) {
    bad |= zcxi_load_i32(o, i + 1) < zcxi_load_i32(o, i);
  }
  return bad;
}

static bool block_decreases64(const uint8_t* o, int64_t n) {
  zcxi_v2i64 acc = {0, 0};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    zcxi_v2i64 a0, a1, a2, a3, b0, b1, b2, b3;
    memcpy(&a0, o + 8 * i, 16);
    memcpy(&a1, o + 8 * (i + 2), 16);
    memcpy(&a2, o + 8 * (i + 4), 16);
    memcpy(&a3, o + 8 * (i + 6), 16);
    memcpy(&b0, o + 8 * (i + 1), 16);
    memcpy(&b1, o + 8 * (i + 3), 16);
    memcpy(&b2, o + 8 * (i + 5), 16);
    memcpy(&b3, o + 8 * (i + 7), 16);
    acc |= (b0 < a0) | (b1 < a1) | (b2 < a2) | (b3 < a3);
  }
  int bad = (acc[0] | acc[1]) != 0;
  for (; i < n; i++) {
    bad |= zcxi_load_i64(o, i + 1) < zcxi_load_i64(o, i);
  }
  return bad;
}

// Index of the first i in [0, n) with offset i + 1 < offset i of the `w`-byte offsets at `o`
// (not necessarily aligned), or -1.
static int64_t first_decrease(const uint8_t* o, int64_t w, int64_t n) {
  for (int64_t base = 0; base < n; base += BLOCK) {
    int64_t len = n - base < BLOCK ? n - base : BLOCK;
    const uint8_t* block = o + base * w;
    if (w == 4 ? block_decreases32(block, len) : block_decreases64(block, len)) {
      for (int64_t i = base; i < base + len; i++) {
        if (zcxi_load_offset(o, w, i + 1) < zcxi_load_offset(o, w, i)) {
          return i;
        }
      }
    }
  }
  return -1;
}

static int decrease_fail(vctx_t* c, const zcx_array_t* a, int64_t w, int64_t bad) {
  const uint8_t* o = zcxi_array_buf(a, 1);
  int64_t i = a->offset + bad;
  return vfail(c, "buffer 1 (offsets): offset %lld at index %lld < previous offset %lld "
               "(offsets must not decrease)",
               (long long)read_offset(o, w, i + 1), (long long)(i + 1),
               (long long)read_offset(o, w, i));
}

// Every offset of [offset, end] non-decreasing (first >= 0 and last <= limit were checked
// cheaply already, which with monotonicity bounds all of them).
static int check_offsets_full(vctx_t* c, const zcx_array_t* a, int64_t w) {
  if (a->length == 0 && zcxi_array_buf_size(a, 1) == 0) {
    return 0;
  }
  const uint8_t* o = zcxi_array_buf(a, 1);
  int64_t bad = first_decrease(o + a->offset * w, w, a->length);
  return bad >= 0 ? decrease_fail(c, a, w, bad) : 0;
}

// Whether a value of [from, to) of the offsets `o` starts inside a character of `d`: on a
// continuation byte before `end`, the end of the valid UTF-8 range that holds them.
static bool starts_inside_char(const uint8_t* o, int64_t w, int64_t from, int64_t to,
                               const uint8_t* d, int64_t end) {
  unsigned bad = 0;
  for (int64_t i = from; i < to; i++) {
    int64_t s = zcxi_load_offset(o, w, i);
    if (s < end) {
      bad |= (d[s] & 0xc0) == 0x80;
    }
  }
  return bad != 0;
}

// The first string of [from, to) (relative to the array's offset) that is not valid UTF-8.
static int utf8_fail(vctx_t* c, const zcx_array_t* a, int64_t w, int64_t from, int64_t to) {
  const uint8_t* o = zcxi_array_buf(a, 1);
  const uint8_t* d = zcxi_array_buf(a, 2);
  for (int64_t k = from; k < to; k++) {
    int64_t i = a->offset + k;
    int64_t s = read_offset(o, w, i);
    int64_t e = read_offset(o, w, i + 1);
    if (!zcxi_utf8_valid(d + s, e - s)) {
      return vfail(c, "buffer 2 (data): string at index %lld (bytes %lld..%lld) is not valid UTF-8",
                   (long long)k, (long long)s, (long long)e);
    }
  }
  return vfail(c, "buffer 2 (data): strings %lld..%lld are not valid UTF-8", (long long)from,
               (long long)(to - 1));
}

// Offsets and UTF-8 of a string array in one pass, STRING_CHUNK values at a time, so that
// the offsets of a chunk are still in the cache when its data is checked. A chunk's offsets
// must not decrease; then the bytes they span are checked as one run: all ASCII, nothing
// more to do; valid UTF-8, and each value starts on a character (not on a continuation
// byte), then each value is valid on its own. Only on failure is the culprit looked for. A
// decrease of the offsets is reported before any UTF-8 error, wherever it is.
#define STRING_CHUNK 4096

static int check_strings_full(vctx_t* c, const zcx_array_t* a, int64_t w) {
  if (a->length == 0) {
    return 0;
  }
  const uint8_t* o = zcxi_array_buf(a, 1) + a->offset * w;
  const uint8_t* d = zcxi_array_buf(a, 2);
  int64_t n = a->length;
  for (int64_t base = 0; base < n; base += STRING_CHUNK) {
    int64_t len = n - base < STRING_CHUNK ? n - base : STRING_CHUNK;
    const uint8_t* chunk = o + base * w;
    if (w == 4 ? block_decreases32(chunk, len) : block_decreases64(chunk, len)) {
      return decrease_fail(c, a, w, base + first_decrease(chunk, w, len));
    }
    int64_t s = zcxi_load_offset(chunk, w, 0);
    int64_t e = zcxi_load_offset(chunk, w, len);
    if (s == e) {
      continue;
    }
    zcxi_utf8_class_t k = zcxi_utf8_check(d + s, e - s);
    if (k == ZCXI_UTF8_ASCII ||
        (k == ZCXI_UTF8_VALID && !starts_inside_char(chunk, w, 1, len, d, e))) {
      continue;
    }
    int64_t later = first_decrease(chunk + len * w, w, n - base - len);
    if (later >= 0) {
      return decrease_fail(c, a, w, base + len + later);
    }
    return utf8_fail(c, a, w, base, base + len);
  }
  return 0;
}

// Unlike list views, the spec puts no requirement on the view of a null slot (its contents
// are undefined), so null slots are skipped here and every reader skips them too.
static int check_views_full(vctx_t* c, const zcx_array_t* a, bool utf8) {
  const uint8_t* views = zcxi_array_buf(a, 1);
  int32_t nvar = a->num_buffers - 2;
  for (int64_t k = 0; k < a->length; k++) {
    if (!zcxi_array_valid_bit(a, k)) {
      continue;
    }
    const uint8_t* v = views + (a->offset + k) * 16;
    int32_t size;
    memcpy(&size, v, 4);
    const uint8_t* data;
    if (size < 0) {
      return vfail(c, "buffer 1 (views): view at index %lld has negative size %d", (long long)k,
                   size);
    }
    if (size <= 12) {
      data = v + 4;
    } else {
      int32_t index;
      int32_t off;
      memcpy(&index, v + 8, 4);
      memcpy(&off, v + 12, 4);
      if (index < 0 || index >= nvar) {
        return vfail(c, "buffer 1 (views): view at index %lld has buffer index %d, but there "
                     "are %d variadic buffers",
                     (long long)k, index, nvar);
      }
      int64_t bsize = zcxi_array_buf_size(a, 2 + index);
      if (off < 0 || (int64_t)off + size > bsize) {
        return vfail(c, "buffer 1 (views): view at index %lld: offset %d + size %d > size %lld "
                     "of variadic buffer %d",
                     (long long)k, off, size, (long long)bsize, index);
      }
      data = zcxi_array_buf(a, 2 + index) + off;
      if (memcmp(v + 4, data, 4) != 0) {
        return vfail(c, "buffer 1 (views): view at index %lld: prefix does not match the first "
                     "4 bytes of its data",
                     (long long)k);
      }
    }
    if (utf8 && !zcxi_utf8_valid(data, size)) {
      return vfail(c, "buffer 1 (views): string at index %lld is not valid UTF-8", (long long)k);
    }
  }
  return 0;
}

// The spec requires every slot, null slots included, to satisfy
// 0 <= offset <= child length and 0 <= offset + size <= child length.
static int check_list_views_full(vctx_t* c, const zcx_array_t* a, int64_t w) {
  const uint8_t* offs = zcxi_array_buf(a, 1);
  const uint8_t* sizes = zcxi_array_buf(a, 2);
  int64_t child_len = a->children[0]->length;
  for (int64_t k = 0; k < a->length; k++) {
    int64_t o = zcxi_load_offset(offs, w, a->offset + k);
    int64_t s = zcxi_load_offset(sizes, w, a->offset + k);
    const char* what = zcxi_array_valid_bit(a, k) ? "list view" : "null list view";
    if (o < 0 || s < 0) {
      return vfail(c, "%s at index %lld: negative %s %lld", what, (long long)k,
                   o < 0 ? "offset" : "size", (long long)(o < 0 ? o : s));
    }
    if (o > child_len || s > child_len - o) {
      return vfail(c, "%s at index %lld: offset %lld + size %lld > child length %lld", what,
                   (long long)k, (long long)o, (long long)s, (long long)child_len);
    }
  }
  return 0;
}

// Type ids name a child; dense offsets lie in that child and, as the spec requires, do not
// decrease within each child (equal offsets are allowed, as Arrow C++ allows them).
static int check_union_full(vctx_t* c, const zcx_array_t* a, const zcx_type_t* st) {
  int8_t child_of[128];
  memset(child_of, -1, sizeof(child_of));
  for (int32_t i = 0; i < st->num_children; i++) {
    child_of[st->type_codes[i]] = (int8_t)i;
  }
  int64_t last[128];
  const int8_t* ids = (const int8_t*)zcxi_array_buf(a, 0);
  const uint8_t* offs = zcxi_array_buf(a, 1);
  bool dense = st->id == ZCX_TYPE_DENSE_UNION;
  for (int32_t i = 0; i < st->num_children; i++) {
    last[i] = -1;
  }
  for (int64_t k = 0; k < a->length; k++) {
    int8_t id = ids[a->offset + k];
    if (id < 0 || child_of[id] < 0) {
      return vfail(c, "buffer 0 (type ids): type id %d at index %lld is not one of the union's "
                   "type codes",
                   id, (long long)k);
    }
    if (dense) {
      int32_t ci = child_of[id];
      int32_t o = zcxi_load_i32(offs, a->offset + k);
      int64_t child_len = a->children[ci]->length;
      if (o < 0 || o >= child_len) {
        return vfail(c, "buffer 1 (offsets): offset %d at index %lld is outside child '%s' of "
                     "length %lld",
                     o, (long long)k, child_name(st, ci), (long long)child_len);
      }
      if (o < last[ci]) {
        return vfail(c, "buffer 1 (offsets): offset %d at index %lld into child '%s' < previous "
                     "offset %lld into that child (offsets must increase within each child)",
                     o, (long long)k, child_name(st, ci), (long long)last[ci]);
      }
      last[ci] = o;
    }
  }
  return 0;
}

static int check_dictionary_full(vctx_t* c, const zcx_array_t* a, const zcx_type_t* st) {
  const uint8_t* d = zcxi_array_buf(a, 1);
  zcx_type_id_t id = st->index_type->id;
  int64_t dict_len = a->dictionary->length;
  bool is_u64 = id == ZCX_TYPE_UINT64;
  for (int64_t k = 0; k < a->length; k++) {
    if (!zcxi_array_valid_bit(a, k)) {
      continue;
    }
    int64_t v = zcxi_read_int(id, d, a->offset + k);
    if ((is_u64 && v < 0) || v < 0 || v >= dict_len) {
      if (is_u64) {
        return vfail(c, "buffer 1 (indices): dictionary index %llu at index %lld >= dictionary "
                     "length %lld",
                     (unsigned long long)v, (long long)k, (long long)dict_len);
      }
      return vfail(c, "buffer 1 (indices): dictionary index %lld at index %lld is outside "
                   "dictionary length %lld",
                   (long long)v, (long long)k, (long long)dict_len);
    }
  }
  return 0;
}

static int check_run_ends_full(vctx_t* c, const zcx_array_t* a) {
  const zcx_array_t* ends = a->children[0];
  zcx_type_id_t id = ends->type->id;
  const uint8_t* d = zcxi_array_buf(ends, 1);
  const uint8_t* valid = zcxi_array_buf(ends, 0);
  if (valid != NULL &&
      zcxi_bitmap_count_set(valid, ends->offset, ends->length) != ends->length) {
    return vfail(c, "child 'run_ends' (0): run ends must not be null");
  }
  int64_t prev = 0;
  for (int64_t k = 0; k < ends->length; k++) {
    int64_t v = zcxi_read_int(id, d, ends->offset + k);
    if (v <= prev) {
      if (k == 0) {
        return vfail(c, "child 'run_ends' (0): run end %lld at index 0 is not > 0",
                     (long long)v);
      }
      return vfail(c, "child 'run_ends' (0): run end %lld at index %lld <= previous run end "
                   "%lld (run ends must strictly increase)",
                   (long long)v, (long long)k, (long long)prev);
    }
    prev = v;
  }
  return 0;
}

static int check_map_keys_full(vctx_t* c, const zcx_array_t* a, int64_t w) {
  if (a->length == 0) {
    return 0;
  }
  const uint8_t* o = zcxi_array_buf(a, 1);
  int64_t first = read_offset(o, w, a->offset);
  int64_t last = read_offset(o, w, a->offset + a->length);
  const zcx_array_t* entries = a->children[0];
  const zcx_array_t* keys = entries->children[0];
  for (int64_t k = first; k < last; k++) {
    if (zcx_array_is_null(keys, entries->offset + k)) {
      return vfail(c, "child '%s' (0) > child '%s' (0): map key at index %lld is null",
                   child_name(a->type, 0), child_name(entries->type, 0), (long long)k);
    }
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// The walk

static int validate(vctx_t* c, const zcx_array_t* a);

static int validate_child(vctx_t* c, const zcx_array_t* child, const char* fmt_name, int32_t i,
                          const char* parent) {
  size_t saved;
  if (i >= 0) {
    saved = path_push(c, "child '%s' (%d) of %s", fmt_name, i, parent);
  } else {
    saved = path_push(c, "%s", fmt_name);
  }
  int rc = validate(c, child);
  path_pop(c, saved);
  return rc;
}

static int validate_layout(vctx_t* c, const zcx_array_t* a, const zcx_type_t* st, int64_t end) {
  zcx_type_id_t id = st->id;
  bool has_validity = zcxi_id_has_validity(id);
  if (has_validity && a->num_buffers > 0) {
    if (a->buffers[0] != NULL) {
      ZCX_RETURN_IF_ERROR(check_size(c, a, id, 0, zcxi_bits_bytes(end)));
    }
    if (a->buffers[0] == NULL && nulls_of(a) > 0 && id != ZCX_TYPE_NA) {
      return vfail(c, "null count %lld but no validity bitmap", (long long)nulls_of(a));
    }
  }
  switch (id) {
    case ZCX_TYPE_NA:
      if (nulls_of(a) >= 0 && nulls_of(a) != a->length) {
        return vfail(c, "null array of length %lld has null count %lld", (long long)a->length,
                     (long long)nulls_of(a));
      }
      return 0;
    case ZCX_TYPE_BOOL:
      return check_size(c, a, id, 1, zcxi_bits_bytes(end));
    case ZCX_TYPE_BINARY:
    case ZCX_TYPE_STRING:
      return check_offsets_cheap(c, a, id, 4, end, zcxi_array_buf_size(a, 2), "data length");
    case ZCX_TYPE_LARGE_BINARY:
    case ZCX_TYPE_LARGE_STRING:
      return check_offsets_cheap(c, a, id, 8, end, zcxi_array_buf_size(a, 2), "data length");
    case ZCX_TYPE_BINARY_VIEW:
    case ZCX_TYPE_STRING_VIEW:
      return check_elems(c, a, id, 1, end, 16);
    case ZCX_TYPE_LIST:
    case ZCX_TYPE_MAP:
      return check_offsets_cheap(c, a, id, 4, end, a->children[0]->length, "child length");
    case ZCX_TYPE_LARGE_LIST:
      return check_offsets_cheap(c, a, id, 8, end, a->children[0]->length, "child length");
    case ZCX_TYPE_LIST_VIEW:
    case ZCX_TYPE_LARGE_LIST_VIEW: {
      int64_t w = id == ZCX_TYPE_LIST_VIEW ? 4 : 8;
      ZCX_RETURN_IF_ERROR(check_elems(c, a, id, 1, end, w));
      return check_elems(c, a, id, 2, end, w);
    }
    case ZCX_TYPE_FIXED_SIZE_LIST: {
      int64_t need;
      if (!zcxi_mul_i64(end, st->fixed_size, &need)) {
        return vfail(c, "%lld lists of %d values overflow", (long long)end, st->fixed_size);
      }
      if (a->children[0]->length < need) {
        return vfail(c, "child '%s' (0) has length %lld, needs %lld (%lld lists of %d)",
                     child_name(st, 0), (long long)a->children[0]->length, (long long)need,
                     (long long)end, st->fixed_size);
      }
      return 0;
    }
    case ZCX_TYPE_STRUCT:
      for (int32_t i = 0; i < a->num_children; i++) {
        if (a->children[i]->length < end) {
          return vfail(c, "child '%s' (%d) has length %lld, shorter than offset %lld + length "
                       "%lld of the struct",
                       child_name(st, i), i, (long long)a->children[i]->length,
                       (long long)a->offset, (long long)a->length);
        }
      }
      return 0;
    case ZCX_TYPE_SPARSE_UNION:
    case ZCX_TYPE_DENSE_UNION:
      if (nulls_of(a) > 0) {
        return vfail(c, "a union has no validity bitmap but null count %lld",
                     (long long)nulls_of(a));
      }
      ZCX_RETURN_IF_ERROR(check_elems(c, a, id, 0, end, 1));
      if (id == ZCX_TYPE_DENSE_UNION) {
        return check_elems(c, a, id, 1, end, 4);
      }
      for (int32_t i = 0; i < a->num_children; i++) {
        if (a->children[i]->length < end) {
          return vfail(c, "child '%s' (%d) has length %lld, shorter than offset %lld + length "
                       "%lld of the sparse union",
                       child_name(st, i), i, (long long)a->children[i]->length,
                       (long long)a->offset, (long long)a->length);
        }
      }
      return 0;
    case ZCX_TYPE_RUN_END_ENCODED: {
      if (nulls_of(a) > 0) {
        return vfail(c, "a run-end encoded array has no validity bitmap but null count %lld",
                     (long long)nulls_of(a));
      }
      const zcx_array_t* ends = a->children[0];
      const zcx_array_t* values = a->children[1];
      if (nulls_of(ends) > 0) {
        return vfail(c, "child 'run_ends' (0): run ends must not be null (null count %lld)",
                     (long long)nulls_of(ends));
      }
      if (values->length < ends->length) {
        return vfail(c, "child '%s' (1) has length %lld, shorter than %lld run ends",
                     child_name(st, 1), (long long)values->length, (long long)ends->length);
      }
      if (end > 0 && ends->length == 0) {
        return vfail(c, "child 'run_ends' (0) is empty but the array has length %lld",
                     (long long)a->length);
      }
      // The run-ends child's own layout is validated below; its last value is read here only
      // once that child is known to be sound and on the host (see validate()).
      return 0;
    }
    case ZCX_TYPE_DICTIONARY:
      if (a->dictionary == NULL) {
        return vfail(c, "dictionary array without a dictionary");
      }
      return check_elems(c, a, id, 1, end, st->index_type->bit_width / 8);
    default: {
      int64_t w = zcx_type_byte_width(st);
      return check_elems(c, a, id, 1, end, w);
    }
  }
}

static int validate_full_checks(vctx_t* c, const zcx_array_t* a, const zcx_type_t* st) {
  if (!array_on_host(a)) {
    return vfail(c, "full validation needs host-accessible buffers");
  }
  zcx_type_id_t id = st->id;
  const uint8_t* valid = zcxi_array_buf(a, 0);
  if (zcxi_id_has_validity(id) && id != ZCX_TYPE_NA && valid != NULL && nulls_of(a) >= 0 &&
      !c->memory_only) {
    int64_t nulls = a->length - zcxi_bitmap_count_set(valid, a->offset, a->length);
    if (nulls != nulls_of(a)) {
      return vfail(c, "null count %lld disagrees with the validity bitmap (%lld nulls)",
                   (long long)nulls_of(a), (long long)nulls);
    }
  }
  switch (id) {
    case ZCX_TYPE_BINARY:
    case ZCX_TYPE_LARGE_BINARY:
      return check_offsets_full(c, a, id == ZCX_TYPE_BINARY ? 4 : 8);
    case ZCX_TYPE_STRING:
    case ZCX_TYPE_LARGE_STRING: {
      int64_t w = id == ZCX_TYPE_STRING ? 4 : 8;
      return c->memory_only ? check_offsets_full(c, a, w) : check_strings_full(c, a, w);
    }
    case ZCX_TYPE_BINARY_VIEW:
    case ZCX_TYPE_STRING_VIEW:
      return check_views_full(c, a, id == ZCX_TYPE_STRING_VIEW && !c->memory_only);
    case ZCX_TYPE_LIST:
    case ZCX_TYPE_LARGE_LIST:
      return check_offsets_full(c, a, id == ZCX_TYPE_LIST ? 4 : 8);
    case ZCX_TYPE_MAP:
      ZCX_RETURN_IF_ERROR(check_offsets_full(c, a, 4));
      return c->memory_only ? 0 : check_map_keys_full(c, a, 4);
    case ZCX_TYPE_LIST_VIEW:
    case ZCX_TYPE_LARGE_LIST_VIEW:
      return check_list_views_full(c, a, id == ZCX_TYPE_LIST_VIEW ? 4 : 8);
    case ZCX_TYPE_SPARSE_UNION:
    case ZCX_TYPE_DENSE_UNION:
      return check_union_full(c, a, st);
    case ZCX_TYPE_RUN_END_ENCODED:
      return check_run_ends_full(c, a);
    case ZCX_TYPE_DICTIONARY:
      return check_dictionary_full(c, a, st);
    default:
      return 0;
  }
}

static int validate(vctx_t* c, const zcx_array_t* a) {
  if (a == NULL) {
    return vfail(c, "array is NULL");
  }
  if (a->type == NULL) {
    return vfail(c, "array has no type");
  }
  if (c->depth >= MAX_DEPTH) {
    return vfail(c, "nesting deeper than %d levels", MAX_DEPTH);
  }
  const zcx_type_t* st = zcxi_storage_type(a->type);
  zcx_type_id_t id = st->id;
  if (a->length < 0) {
    return vfail(c, "negative length %lld", (long long)a->length);
  }
  if (a->offset < 0) {
    return vfail(c, "negative offset %lld", (long long)a->offset);
  }
  int64_t end;
  if (!zcxi_add_i64(a->offset, a->length, &end)) {
    return vfail(c, "offset %lld + length %lld overflows", (long long)a->offset,
                 (long long)a->length);
  }
  if (nulls_of(a) < -1 || nulls_of(a) > a->length) {
    return vfail(c, "null count %lld is outside -1..length %lld", (long long)nulls_of(a),
                 (long long)a->length);
  }
  int32_t nb = zcx_type_num_buffers(st);
  bool views = id == ZCX_TYPE_BINARY_VIEW || id == ZCX_TYPE_STRING_VIEW;
  if (views ? a->num_buffers < nb : a->num_buffers != nb) {
    return vfail(c, "%s array: expected %s%d buffers, got %d", zcx_type_id_name(id),
                 views ? "at least " : "", nb, a->num_buffers);
  }
  if (a->num_buffers > 0 && a->buffers == NULL) {
    return vfail(c, "%d buffers but no buffer list", a->num_buffers);
  }
  int nc = zcxi_type_num_children(st);
  if (a->num_children > 0 && a->children == NULL) {
    return vfail(c, "%d children but no child list", a->num_children);
  }
  if (a->num_children != nc) {
    return vfail(c, "%s array: expected %d children, got %d", zcx_type_id_name(id), nc,
                 a->num_children);
  }
  for (int32_t i = 0; i < nc; i++) {
    const zcx_array_t* ch = a->children[i];
    if (ch == NULL) {
      return vfail(c, "child %d is NULL", i);
    }
    if (!zcx_type_equal(ch->type, st->children[i]->type)) {
      char want[128];
      char got[128];
      zcx_type_to_string(st->children[i]->type, want, sizeof(want));
      zcx_type_to_string(ch->type, got, sizeof(got));
      return vfail(c, "child '%s' (%d) has type %s, the type says %s", child_name(st, i), i,
                   got, want);
    }
  }
  if (id == ZCX_TYPE_DICTIONARY) {
    if (a->dictionary != NULL && !zcx_type_equal(a->dictionary->type, st->value_type)) {
      return vfail(c, "dictionary values have type %s, the type says %s",
                   zcx_type_id_name(a->dictionary->type->id), zcx_type_id_name(st->value_type->id));
    }
  } else if (a->dictionary != NULL) {
    return vfail(c, "%s array has a dictionary", zcx_type_id_name(id));
  }
  ZCX_RETURN_IF_ERROR(validate_layout(c, a, st, end));

  c->depth++;
  int rc = 0;
  for (int32_t i = 0; rc == 0 && i < nc; i++) {
    rc = validate_child(c, a->children[i], child_name(st, i), i, zcx_type_id_name(id));
  }
  if (rc == 0 && a->dictionary != NULL) {
    rc = validate_child(c, a->dictionary, "dictionary", -1, NULL);
  }
  c->depth--;
  ZCX_RETURN_IF_ERROR(rc);

  if (id == ZCX_TYPE_RUN_END_ENCODED && a->children[0]->length > 0 &&
      array_on_host(a->children[0])) {
    const zcx_array_t* ends = a->children[0];
    int64_t last = zcxi_read_int(ends->type->id, zcxi_array_buf(ends, 1),
                                 ends->offset + ends->length - 1);
    if (last < end) {
      return vfail(c, "child 'run_ends' (0): last run end %lld < offset %lld + length %lld",
                   (long long)last, (long long)a->offset, (long long)a->length);
    }
  }
  if (c->level == ZCX_VALIDATE_FULL) {
    return validate_full_checks(c, a, st);
  }
  return 0;
}

int zcxi_array_validate_at(const zcx_array_t* a, zcx_validate_level_t level, const char* path,
                           zcx_error_t* err) {
  vctx_t c;
  c.err = err;
  c.level = level;
  c.memory_only = false;
  c.depth = 0;
  c.path_len = 0;
  c.path[0] = '\0';
  if (path != NULL && path[0] != '\0') {
    path_push(&c, "%s", path);
  }
  return validate(&c, a);
}

int zcxi_array_validate_memory(const zcx_array_t* a, zcx_error_t* err) {
  vctx_t c;
  c.err = err;
  c.level = ZCX_VALIDATE_FULL;
  c.memory_only = true;
  c.depth = 0;
  c.path_len = 0;
  c.path[0] = '\0';
  return validate(&c, a);
}

int zcxi_array_validate_cheap(const zcx_array_t* a, zcx_error_t* err) {
  return zcxi_array_validate_at(a, ZCX_VALIDATE_CHEAP, NULL, err);
}

int zcx_array_validate(const zcx_array_t* array, zcx_validate_level_t level, zcx_error_t* err) {
  if (level != ZCX_VALIDATE_CHEAP && level != ZCX_VALIDATE_FULL) {
    return zcx_error_fail(err, EINVAL, "array_validate: unknown level %d", (int)level);
  }
  return zcxi_array_validate_at(array, level, NULL, err);
}
