// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Fuzz target: Arrow C Data import of a hostile ArrowSchema + ArrowArray tree.
//
// The input bytes are a recipe, read front to back (zeros once it runs out): for each node a
// format (from a list of every format zcx knows, or a few random characters), flags, a name,
// optional extension metadata, a length, an offset, a null count, the children, the
// dictionary, and the contents of every buffer (validity bits, offsets, views, type ids, run
// ends, values) either well-formed or raw. C Data cannot carry buffer sizes, so an importer
// trusts the sizes the format implies for the claimed length; every buffer is allocated with
// exactly that size (ASan sees any read past it) and only contents and structure are fuzzed.
//
// The import runs with ZCX_VALIDATE_FULL. It must reject the input (and leave both structs
// to the caller), or produce an array that passes full validation, prints, equals its own
// slice, and survives an export / import round trip. Each release callback runs exactly once.
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zcx/array.h"
#include "zcx/cdata.h"

#define FUZZ_TARGET "fuzz_cdata_import"
#include "fuzz_recipe.h"

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

// Limits that keep one input small and fast.
#define MAX_DEPTH 4
#define MAX_NODES 48
#define MAX_KIDS 4
#define MAX_BUFS 8
#define MAX_LEN 40
#define MAX_DATA 4096

// ---------------------------------------------------------------------------------------------
// The recipe

static uint32_t take32(recipe_t* r) { return (uint32_t)take_le(r, 4); }

// A value in [0, n) (n > 0).
static int64_t pick(recipe_t* r, int64_t n) {
  uint32_t v = take8(r);
  if (n > 256) {
    v |= (uint32_t)take8(r) << 8;
  }
  return (int64_t)(v % (uint32_t)n);
}

// True with probability about k/16.
static bool chance(recipe_t* r, int k) { return (take8(r) & 15) < k; }

// ---------------------------------------------------------------------------------------------
// Producer nodes

typedef struct node {
  struct ArrowSchema schema;
  struct ArrowArray array;
  char format[48];
  char name[12];
  char* metadata;  // C Data metadata encoding, or NULL
  struct ArrowSchema* schema_kids[MAX_KIDS];
  struct ArrowArray* array_kids[MAX_KIDS];
  const void* buffers[MAX_BUFS];
  void* allocs[MAX_BUFS];
  int array_releases;
  int schema_releases;
} node_t;

typedef struct producer {
  node_t* nodes[MAX_NODES];
  int count;
  bool arrays_released_by_parent_ok;
} producer_t;

static producer_t g_prod;

static node_t* node_of_array(struct ArrowArray* a) { return (node_t*)a->private_data; }
static node_t* node_of_schema(struct ArrowSchema* s) { return (node_t*)s->private_data; }

// The release callbacks: a parent releases its children and dictionary (the spec's rule),
// then its own buffers, and marks the struct released.
static void release_array(struct ArrowArray* a) {
  node_t* nd = node_of_array(a);
  nd->array_releases++;
  for (int64_t i = 0; i < a->n_children; i++) {
    if (a->children[i] != NULL && a->children[i]->release != NULL) {
      a->children[i]->release(a->children[i]);
    }
  }
  if (a->dictionary != NULL && a->dictionary->release != NULL) {
    a->dictionary->release(a->dictionary);
  }
  for (int i = 0; i < MAX_BUFS; i++) {
    free(nd->allocs[i]);
    nd->allocs[i] = NULL;
  }
  a->release = NULL;
}

static void release_schema(struct ArrowSchema* s) {
  node_t* nd = node_of_schema(s);
  nd->schema_releases++;
  for (int64_t i = 0; i < s->n_children; i++) {
    if (s->children[i] != NULL && s->children[i]->release != NULL) {
      s->children[i]->release(s->children[i]);
    }
  }
  if (s->dictionary != NULL && s->dictionary->release != NULL) {
    s->dictionary->release(s->dictionary);
  }
  s->release = NULL;
}

static node_t* node_new(void) {
  if (g_prod.count >= MAX_NODES) {
    return NULL;
  }
  node_t* nd = calloc(1, sizeof(*nd));
  if (nd == NULL) {
    fuzz_fail("out of memory", NULL);
  }
  g_prod.nodes[g_prod.count++] = nd;
  nd->schema.format = nd->format;
  nd->schema.name = nd->name;
  nd->schema.release = release_schema;
  nd->schema.private_data = nd;
  nd->array.buffers = nd->buffers;
  nd->array.release = release_array;
  nd->array.private_data = nd;
  return nd;
}

// A zeroed buffer of `size` bytes (at least one byte is allocated, so that a non-empty
// pointer is never NULL), filled with recipe bytes when `raw`.
static uint8_t* node_buffer(node_t* nd, int i, int64_t size, recipe_t* r, bool raw) {
  uint8_t* p = calloc(1, (size_t)(size > 0 ? size : 1));
  if (p == NULL) {
    fuzz_fail("out of memory", NULL);
  }
  if (raw) {
    for (int64_t k = 0; k < size; k++) {
      p[k] = take8(r);
    }
  }
  nd->allocs[i] = p;
  nd->buffers[i] = p;
  return p;
}

static void put_int(uint8_t* p, int64_t width, int64_t i, int64_t v) {
  if (width == 1) {
    int8_t x = (int8_t)v;
    memcpy(p + i, &x, 1);
  } else if (width == 2) {
    int16_t x = (int16_t)v;
    memcpy(p + 2 * i, &x, 2);
  } else if (width == 4) {
    int32_t x = (int32_t)v;
    memcpy(p + 4 * i, &x, 4);
  } else {
    memcpy(p + 8 * i, &v, 8);
  }
}

static int64_t get_int(const uint8_t* p, int64_t width, int64_t i) {
  if (width == 4) {
    int32_t x;
    memcpy(&x, p + 4 * i, 4);
    return x;
  }
  int64_t x;
  memcpy(&x, p + 8 * i, 8);
  return x;
}

// ---------------------------------------------------------------------------------------------
// Formats

typedef enum kind {
  K_NULL,
  K_BOOL,
  K_FIXED,    // fixed-width values of `width` bytes
  K_BINARY,   // offsets of `width` + data
  K_VIEW,
  K_LIST,     // offsets of `width` + one child
  K_LISTVIEW, // offsets and sizes of `width` + one child
  K_FSL,
  K_STRUCT,
  K_MAP,
  K_SPARSE,
  K_DENSE,
  K_REE,
  K_RANDOM,   // a random format string
} kind_t;

typedef struct fmt {
  const char* s;
  kind_t kind;
  int width;
} fmt_t;

static const fmt_t k_formats[] = {
    {"n", K_NULL, 0},      {"b", K_BOOL, 0},        {"c", K_FIXED, 1},     {"C", K_FIXED, 1},
    {"s", K_FIXED, 2},     {"S", K_FIXED, 2},       {"i", K_FIXED, 4},     {"I", K_FIXED, 4},
    {"l", K_FIXED, 8},     {"L", K_FIXED, 8},       {"e", K_FIXED, 2},     {"f", K_FIXED, 4},
    {"g", K_FIXED, 8},     {"tdD", K_FIXED, 4},     {"tdm", K_FIXED, 8},   {"tts", K_FIXED, 4},
    {"ttm", K_FIXED, 4},   {"ttu", K_FIXED, 8},     {"ttn", K_FIXED, 8},   {"tss:", K_FIXED, 8},
    {"tsm:UTC", K_FIXED, 8}, {"tsu:+05:30", K_FIXED, 8}, {"tsn:Europe/Paris", K_FIXED, 8},
    {"tDs", K_FIXED, 8},   {"tDn", K_FIXED, 8},     {"tiM", K_FIXED, 4},   {"tiD", K_FIXED, 8},
    {"tin", K_FIXED, 16},  {"d:9,2,32", K_FIXED, 4}, {"d:18,-3,64", K_FIXED, 8},
    {"d:38,10", K_FIXED, 16}, {"d:76,5,256", K_FIXED, 32}, {"w:3", K_FIXED, 3},
    {"w:0", K_FIXED, 0},   {"z", K_BINARY, 4},      {"u", K_BINARY, 4},    {"Z", K_BINARY, 8},
    {"U", K_BINARY, 8},    {"vz", K_VIEW, 0},       {"vu", K_VIEW, 0},     {"+l", K_LIST, 4},
    {"+L", K_LIST, 8},     {"+vl", K_LISTVIEW, 4},  {"+vL", K_LISTVIEW, 8}, {"+w:2", K_FSL, 2},
    {"+w:0", K_FSL, 0},    {"+s", K_STRUCT, 0},     {"+m", K_MAP, 4},      {"+us:0,1", K_SPARSE, 0},
    {"+us:3,7,5", K_SPARSE, 0}, {"+ud:0,1", K_DENSE, 0}, {"+ud:4,2,9", K_DENSE, 0},
    {"+r", K_REE, 0},      {"", K_RANDOM, 0},
};
#define NUM_FORMATS ((int64_t)(sizeof(k_formats) / sizeof(k_formats[0])))

static const char* const k_index_formats[] = {"c", "C", "s", "S", "i", "I", "l", "L"};
static const int k_index_widths[] = {1, 1, 2, 2, 4, 4, 8, 8};
static const char* const k_run_end_formats[] = {"s", "i", "l"};
static const int k_run_end_widths[] = {2, 4, 8};

// Type codes of a union format ("+ud:4,2,9" -> 4, 2, 9).
static int union_codes(const char* f, int8_t* codes) {
  int n = 0;
  const char* p = strchr(f, ':');
  while (p != NULL && *p != '\0' && n < MAX_KIDS) {
    codes[n++] = (int8_t)strtol(p + 1, NULL, 10);
    p = strchr(p + 1, ',');
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// Building a node

static node_t* build(recipe_t* r, int depth, int64_t want_length, const fmt_t* forced);

// Validity bitmap (or none) and null count of a node of length `len` at `off`.
static void make_validity(node_t* nd, recipe_t* r, int64_t off, int64_t len, bool has) {
  int64_t end = off + len;
  nd->array.null_count = 0;
  if (!has || chance(r, 5)) {
    nd->buffers[0] = NULL;
    if (chance(r, 1)) {
      nd->array.null_count = (int64_t)pick(r, 3) - 1;  // -1, 0 or a lie (1)
    }
    return;
  }
  uint8_t* v = node_buffer(nd, 0, (end + 7) / 8, r, true);
  int64_t nulls = 0;
  for (int64_t i = off; i < end; i++) {
    nulls += ((v[i >> 3] >> (i & 7)) & 1) == 0;
  }
  switch (pick(r, 4)) {
    case 0: nd->array.null_count = -1; break;
    case 1: nd->array.null_count = (int64_t)pick(r, MAX_LEN + 2) - 1; break;
    default: nd->array.null_count = nulls; break;
  }
}

// Offsets [0, end] of `w` bytes: non-decreasing small steps, or raw bytes. Returns the last.
static int64_t make_offsets(node_t* nd, int i, recipe_t* r, int64_t end, int64_t w,
                            int64_t limit) {
  uint8_t* o = node_buffer(nd, i, (end + 1) * w, r, false);
  bool raw = chance(r, 2);
  int64_t cur = pick(r, 3);
  for (int64_t k = 0; k <= end; k++) {
    if (raw) {
      int64_t v = (int64_t)(int32_t)take32(r);
      put_int(o, w, k, v);
    } else {
      put_int(o, w, k, cur);
      cur += pick(r, 6);
      if (chance(r, 1)) {
        cur -= 2;  // an occasional decrease
      }
    }
  }
  int64_t last = get_int(o, w, end);
  if (last > limit) {
    put_int(o, w, end, limit);  // keep the trusted data size small
    last = limit;
  }
  return last;
}

static void set_children(node_t* nd, node_t** kids, int n) {
  for (int i = 0; i < n; i++) {
    nd->schema_kids[i] = kids[i] != NULL ? &kids[i]->schema : NULL;
    nd->array_kids[i] = kids[i] != NULL ? &kids[i]->array : NULL;
  }
  nd->schema.n_children = n;
  nd->array.n_children = n;
  nd->schema.children = n > 0 ? nd->schema_kids : NULL;
  nd->array.children = n > 0 ? nd->array_kids : NULL;
}

// Extension metadata ("ARROW:extension:name" = "zcx.fuzz") in the C Data encoding.
static void set_extension(node_t* nd) {
  static const char key[] = "ARROW:extension:name";
  static const char val[] = "zcx.fuzz";
  int32_t count = 1;
  int32_t kl = (int32_t)strlen(key);
  int32_t vl = (int32_t)strlen(val);
  size_t total = 4 + 4 + (size_t)kl + 4 + (size_t)vl;
  char* m = malloc(total);
  if (m == NULL) {
    fuzz_fail("out of memory", NULL);
  }
  char* p = m;
  memcpy(p, &count, 4);
  p += 4;
  memcpy(p, &kl, 4);
  p += 4;
  memcpy(p, key, (size_t)kl);
  p += kl;
  memcpy(p, &vl, 4);
  p += 4;
  memcpy(p, val, (size_t)vl);
  nd->metadata = m;
  nd->schema.metadata = m;
}

static node_t* build(recipe_t* r, int depth, int64_t want_length, const fmt_t* forced) {
  node_t* nd = node_new();
  if (nd == NULL) {
    return NULL;
  }
  const fmt_t* f = forced;
  if (f == NULL) {
    // Nested formats only while the tree may still grow.
    int64_t n = depth >= MAX_DEPTH ? 40 : NUM_FORMATS;
    f = &k_formats[pick(r, n)];
  }
  snprintf(nd->format, sizeof(nd->format), "%s", f->s);
  if (f->kind == K_RANDOM) {
    // A format string of the shapes that need parsing (numbers, units, codes, zones); the
    // node is empty and has only NULL buffers, so any format that parses is consistent.
    static const char* const prefixes[] = {"d:", "w:", "t", "ts", "tt", "tD", "ti", "+w:",
                                           "+ud:", "+us:", "+", "v", "d:38,", ""};
    static const char alphabet[] = "0123456789,:-+smunDdMzZUTCl/";
    int64_t pi = pick(r, (int64_t)(sizeof(prefixes) / sizeof(prefixes[0])));
    size_t at = strlen(prefixes[pi]);
    memcpy(nd->format, prefixes[pi], at);
    int64_t n = pick(r, 10);
    for (int64_t i = 0; i < n; i++) {
      nd->format[at++] = alphabet[pick(r, (int64_t)sizeof(alphabet) - 1)];
    }
    nd->format[at] = '\0';
  }
  snprintf(nd->name, sizeof(nd->name), "f%d", (int)pick(r, 100));
  nd->schema.flags = chance(r, 12) ? ARROW_FLAG_NULLABLE : 0;
  if (chance(r, 1)) {
    set_extension(nd);
  }
  int64_t len = want_length >= 0 && !chance(r, 1) ? want_length : pick(r, MAX_LEN);
  int64_t off = chance(r, 4) ? pick(r, 5) : 0;
  if (f->kind == K_RANDOM) {
    len = 0;
    off = 0;
  }
  int64_t end = off + len;
  nd->array.length = len;
  nd->array.offset = off;
  node_t* kids[MAX_KIDS] = {NULL};
  int nk = 0;
  bool dictionary = f->kind != K_RANDOM && depth < MAX_DEPTH && chance(r, 1);
  kind_t kind = f->kind;
  int width = f->width;
  if (dictionary) {
    // The node's own format becomes the index type; the chosen one is the dictionary's.
    int64_t ix = pick(r, 8);
    snprintf(nd->format, sizeof(nd->format), "%s", k_index_formats[ix]);
    node_t* dict = build(r, depth + 1, -1, f);
    if (dict != NULL) {
      nd->schema.dictionary = &dict->schema;
      nd->array.dictionary = &dict->array;
      if (chance(r, 2)) {
        nd->schema.flags |= ARROW_FLAG_DICTIONARY_ORDERED;
      }
    }
    kind = K_FIXED;
    width = k_index_widths[ix];
    nd->array.n_buffers = 2;
    make_validity(nd, r, off, len, true);
    uint8_t* idx = node_buffer(nd, 1, end * width, r, false);
    int64_t dlen = dict != NULL ? dict->array.length : 1;
    for (int64_t i = 0; i < end; i++) {
      put_int(idx, width, i, chance(r, 1) ? (int64_t)(int8_t)take8(r) : pick(r, dlen + 1));
    }
    set_children(nd, kids, 0);
    return nd;
  }
  switch (kind) {
    case K_NULL:
      nd->array.n_buffers = 0;
      nd->array.null_count = chance(r, 8) ? len : (int64_t)pick(r, 3) - 1;
      break;
    case K_BOOL:
      nd->array.n_buffers = 2;
      make_validity(nd, r, off, len, true);
      node_buffer(nd, 1, (end + 7) / 8, r, true);
      break;
    case K_FIXED:
      nd->array.n_buffers = 2;
      make_validity(nd, r, off, len, true);
      node_buffer(nd, 1, end * width, r, true);
      break;
    case K_BINARY: {
      nd->array.n_buffers = 3;
      make_validity(nd, r, off, len, true);
      int64_t last = make_offsets(nd, 1, r, end, width, MAX_DATA);
      node_buffer(nd, 2, last > 0 ? last : 0, r, true);
      if (last <= 0 && chance(r, 8)) {
        nd->buffers[2] = NULL;  // no data at all
      }
      break;
    }
    case K_VIEW: {
      int n_var = (int)pick(r, 3);
      nd->array.n_buffers = 3 + n_var;
      make_validity(nd, r, off, len, true);
      int64_t var_sizes[3] = {0, 0, 0};
      for (int v = 0; v < n_var; v++) {
        var_sizes[v] = pick(r, 200);
        node_buffer(nd, 2 + v, var_sizes[v], r, true);
      }
      int64_t* sizes = (int64_t*)node_buffer(nd, 2 + n_var, 8 * n_var, r, false);
      memcpy(sizes, var_sizes, (size_t)(8 * n_var));
      uint8_t* views = node_buffer(nd, 1, end * 16, r, false);
      for (int64_t i = 0; i < end; i++) {
        uint8_t* v = views + 16 * i;
        int32_t sz = (int32_t)pick(r, 48) - 2;
        memcpy(v, &sz, 4);
        if (sz <= 12) {
          for (int k = 0; k < 12; k++) {
            v[4 + k] = k < sz ? take8(r) : 0;
          }
          continue;
        }
        int32_t index = (int32_t)pick(r, n_var + 2) - 1;
        int32_t vo = (int32_t)pick(r, 220);
        memcpy(v + 8, &index, 4);
        memcpy(v + 12, &vo, 4);
        if (index >= 0 && index < n_var && vo + 4 <= var_sizes[index] && !chance(r, 1)) {
          memcpy(v + 4, (const uint8_t*)nd->buffers[2 + index] + vo, 4);
        } else {
          for (int k = 0; k < 4; k++) {
            v[4 + k] = take8(r);
          }
        }
      }
      break;
    }
    case K_LIST:
    case K_MAP: {
      nd->array.n_buffers = 2;
      make_validity(nd, r, off, len, true);
      int64_t last = make_offsets(nd, 1, r, end, width, MAX_LEN);
      if (kind == K_MAP) {
        static const fmt_t entries = {"+s", K_STRUCT, 0};
        node_t* e = build(r, depth + 1, last > 0 ? last : 0, &entries);
        if (e != NULL && e->schema.n_children == 2 && !chance(r, 1)) {
          e->schema.flags &= ~ARROW_FLAG_NULLABLE;
          if (e->schema.children[0] != NULL) {
            e->schema.children[0]->flags &= ~ARROW_FLAG_NULLABLE;
          }
        }
        kids[nk++] = e;
      } else {
        kids[nk++] = build(r, depth + 1, last > 0 ? last : 0, NULL);
      }
      break;
    }
    case K_LISTVIEW: {
      nd->array.n_buffers = 3;
      make_validity(nd, r, off, len, true);
      int64_t child_len = pick(r, MAX_LEN);
      uint8_t* o = node_buffer(nd, 1, end * width, r, false);
      uint8_t* s = node_buffer(nd, 2, end * width, r, false);
      for (int64_t i = 0; i < end; i++) {
        int64_t start = pick(r, child_len + 3) - 1;
        put_int(o, width, i, start);
        put_int(s, width, i, pick(r, child_len + 3 - (start > 0 ? start : 0)) - 1);
      }
      kids[nk++] = build(r, depth + 1, child_len, NULL);
      break;
    }
    case K_FSL:
      nd->array.n_buffers = 1;
      make_validity(nd, r, off, len, true);
      kids[nk++] = build(r, depth + 1, end * width, NULL);
      break;
    case K_STRUCT: {
      nd->array.n_buffers = 1;
      make_validity(nd, r, off, len, true);
      int n = (int)pick(r, 4);
      if (strcmp(nd->format, "+s") == 0 && forced != NULL) {
        n = 2;  // map entries
      }
      for (int i = 0; i < n; i++) {
        kids[nk++] = build(r, depth + 1, end, NULL);
      }
      break;
    }
    case K_SPARSE:
    case K_DENSE: {
      int8_t codes[MAX_KIDS];
      int n = union_codes(nd->format, codes);
      bool dense = kind == K_DENSE;
      nd->array.n_buffers = dense ? 2 : 1;
      nd->array.null_count = chance(r, 1) ? 1 : 0;
      uint8_t* ids = node_buffer(nd, 0, end, r, false);
      int64_t counts[MAX_KIDS] = {0};
      uint8_t* offs = dense ? node_buffer(nd, 1, end * 4, r, false) : NULL;
      for (int64_t i = 0; i < end; i++) {
        int c = (int)pick(r, n);
        ids[i] = chance(r, 1) ? take8(r) : (uint8_t)codes[c];
        if (dense) {
          int64_t o = chance(r, 2) ? pick(r, 8) - 1 : counts[c]++;
          put_int(offs, 4, i, o);
        }
      }
      for (int i = 0; i < n; i++) {
        kids[nk++] = build(r, depth + 1, dense ? counts[i] : end, NULL);
      }
      break;
    }
    case K_REE: {
      nd->array.n_buffers = 0;
      nd->array.null_count = chance(r, 1) ? 1 : 0;
      int64_t ri = pick(r, 3);
      int64_t rw = k_run_end_widths[ri];
      int64_t runs = end > 0 ? 1 + pick(r, end) : pick(r, 2);
      node_t* ends = node_new();
      if (ends != NULL) {
        snprintf(ends->format, sizeof(ends->format), "%s", k_run_end_formats[ri]);
        snprintf(ends->name, sizeof(ends->name), "run_ends");
        ends->array.length = runs;
        ends->array.n_buffers = 2;
        ends->buffers[0] = NULL;
        uint8_t* e = node_buffer(ends, 1, runs * rw, r, false);
        int64_t cur = 0;
        for (int64_t i = 0; i < runs; i++) {
          cur += chance(r, 1) ? pick(r, 5) - 2 : 1 + pick(r, 4);
          put_int(e, rw, i, i == runs - 1 && !chance(r, 1) && cur < end ? end : cur);
        }
        set_children(ends, NULL, 0);
      }
      kids[nk++] = ends;
      kids[nk++] = build(r, depth + 1, runs, NULL);
      break;
    }
    case K_RANDOM: {
      nd->array.n_buffers = pick(r, 4);
      nd->array.null_count = (int64_t)pick(r, 3) - 1;
      int n = (int)pick(r, 3);
      for (int i = 0; i < n && depth < MAX_DEPTH; i++) {
        kids[nk++] = build(r, depth + 1, -1, NULL);
      }
      break;
    }
  }
  // Structural damage now and then: a NULL child, or a validity bitmap dropped with nulls.
  if (nk > 0 && chance(r, 1)) {
    kids[pick(r, nk)] = NULL;
  }
  set_children(nd, kids, nk);
  return nd;
}

// ---------------------------------------------------------------------------------------------
// The checks on an imported array

static FILE* g_sink;

static void check_imported(zcx_array_t* a) {
  zcx_error_t err;
  zcx_error_init(&err);
  if (zcx_array_validate(a, ZCX_VALIDATE_FULL, &err) != 0) {
    fuzz_fail("an imported array fails full validation", err.message);
  }
  if (g_sink == NULL) {
    g_sink = fopen("/dev/null", "w");
  }
  if (g_sink != NULL) {
    if (zcx_array_print(a, g_sink, 16, &err) != 0) {
      fuzz_fail("printing a valid array failed", err.message);
    }
  }
  (void)zcx_array_null_count(a);
  for (int64_t i = 0; i < a->length && i < 64; i++) {
    (void)zcx_array_is_null(a, i);
  }
  zcx_array_t* s = NULL;
  if (zcx_array_slice(a, 0, a->length, &s, &err) != 0) {
    fuzz_fail("slice of the whole array failed", err.message);
  }
  if (!zcx_array_equal(a, s, &err)) {
    fuzz_fail("an array differs from its own slice", err.message);
  }
  zcx_array_release(s);
  if (a->length > 1) {
    zcx_array_t* tail = NULL;
    if (zcx_array_slice(a, 1, a->length - 1, &tail, &err) != 0 ||
        zcx_array_validate(tail, ZCX_VALIDATE_FULL, &err) != 0) {
      fuzz_fail("a slice of a valid array is invalid", err.message);
    }
    if (g_sink != NULL) {
      if (zcx_array_print(tail, g_sink, 4, &err) != 0) {
        fuzz_fail("printing a valid slice failed", err.message);
      }
    }
    zcx_array_release(tail);
  }
  // Export and import again: the copy-free round trip gives an equal array.
  struct ArrowArray exported;
  if (zcx_cdata_export_array(a, &exported, NULL, &err) != 0) {
    return;  // types that cannot be exported are not this target's concern
  }
  zcx_array_t* back = NULL;
  if (zcx_cdata_import_array(&exported, a->type, ZCX_VALIDATE_FULL, &back, &err) != 0) {
    fuzz_fail("re-import of an exported valid array failed", err.message);
  }
  if (!zcx_array_equal(a, back, &err)) {
    fuzz_fail("the round trip changed the array", err.message);
  }
  zcx_array_release(back);
}

// ---------------------------------------------------------------------------------------------
// Entry

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  recipe_t r = {data, size, 0};
  memset(&g_prod, 0, sizeof(g_prod));
  node_t* root = build(&r, 0, -1, NULL);
  if (root == NULL) {
    return 0;
  }
  struct ArrowSchema* schema = &root->schema;
  struct ArrowArray* array = &root->array;
  zcx_array_t* out = NULL;
  zcx_error_t err;
  zcx_error_init(&err);
  int rc = zcx_cdata_import_array_schema(array, schema, ZCX_VALIDATE_FULL, &out, &err);
  if (rc == 0) {
    if (out == NULL || array->release != NULL || schema->release != NULL) {
      fuzz_fail("a successful import did not take both structs", NULL);
    }
    check_imported(out);
    zcx_array_release(out);
  } else {
    if (out != NULL) {
      fuzz_fail("a failed import returned an array", err.message);
    }
    if (err.message[0] == '\0') {
      fuzz_fail("a failed import gave no message", NULL);
    }
    if (array->release == NULL) {
      fuzz_fail("a failed import released the array", err.message);
    }
    if (schema->release != NULL) {
      schema->release(schema);
    }
    array->release(array);
  }
  // Every release ran exactly once: the roots by their owner, the rest through their parent.
  for (int i = 0; i < g_prod.count; i++) {
    node_t* nd = g_prod.nodes[i];
    if (nd->array_releases > 1 || nd->schema_releases > 1) {
      fuzz_fail("a release callback ran twice", nd->format);
    }
    if (nd == root && (nd->array_releases != 1 || nd->schema_releases != 1)) {
      fuzz_fail("a root release callback did not run exactly once", nd->format);
    }
  }
  for (int i = 0; i < g_prod.count; i++) {
    node_t* nd = g_prod.nodes[i];
    for (int k = 0; k < MAX_BUFS; k++) {
      free(nd->allocs[k]);
    }
    free(nd->metadata);
    free(nd);
  }
  return 0;
}
