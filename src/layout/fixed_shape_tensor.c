// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The metadata of the `arrow.fixed_shape_tensor` extension type: a small JSON object with
// "shape", and optionally "dim_names" and "permutation", read by a bounds-checked parser.
#include <string.h>

#include "core/internal.h"
#include "layout/tensor_internal.h"

// JSON nests at most this deep inside values that are skipped.
#define MAX_DEPTH 64

typedef struct {
  const char* s;
  int64_t n;
  int64_t i;
  zcx_error_t* err;
} parser;

static int fail(parser* p, const char* what) {
  return zcx_error_fail(p->err, EINVAL, "arrow.fixed_shape_tensor metadata: %s at byte %lld", what,
                        (long long)p->i);
}

static void skip_ws(parser* p) {
  while (p->i < p->n &&
         (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' || p->s[p->i] == '\r')) {
    p->i++;
  }
}

static bool peek(parser* p, char c) {
  skip_ws(p);
  return p->i < p->n && p->s[p->i] == c;
}

static int expect(parser* p, char c) {
  if (!peek(p, c)) {
    char what[32];
    memcpy(what, "expected ' '", 13);
    what[10] = c;
    return fail(p, what);
  }
  p->i++;
  return 0;
}

static bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Reads a string; copies up to `cap - 1` bytes of it (escapes kept as written) into `out`
// when not NULL, and tells whether it fit.
static int parse_string(parser* p, char* out, size_t cap, bool* fit) {
  ZCX_RETURN_IF_ERROR(expect(p, '"'));
  size_t len = 0;
  bool ok = true;
  while (true) {
    if (p->i >= p->n) {
      return fail(p, "unterminated string");
    }
    char c = p->s[p->i];
    if ((unsigned char)c < 0x20) {
      return fail(p, "control character in a string");
    }
    if (c == '"') {
      p->i++;
      break;
    }
    if (c == '\\') {
      if (p->i + 1 >= p->n) {
        return fail(p, "unterminated escape");
      }
      char e = p->s[p->i + 1];
      if (e == 'u') {
        if (p->i + 6 > p->n || !is_hex(p->s[p->i + 2]) || !is_hex(p->s[p->i + 3]) ||
            !is_hex(p->s[p->i + 4]) || !is_hex(p->s[p->i + 5])) {
          return fail(p, "bad \\u escape");
        }
      } else if (strchr("\"\\/bfnrt", e) == NULL || e == '\0') {
        return fail(p, "bad escape");
      }
      ok = false;  // escaped strings never match a key
      p->i += e == 'u' ? 6 : 2;
      continue;
    }
    if (out != NULL) {
      if (len + 1 < cap) {
        out[len++] = c;
      } else {
        ok = false;
      }
    }
    p->i++;
  }
  if (out != NULL) {
    out[len] = '\0';
  }
  if (fit != NULL) {
    *fit = ok;
  }
  return 0;
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Skips a JSON number of any form.
static int skip_number(parser* p) {
  int64_t start = p->i;
  if (p->i < p->n && p->s[p->i] == '-') {
    p->i++;
  }
  if (p->i >= p->n || !is_digit(p->s[p->i])) {
    return fail(p, "bad number");
  }
  while (p->i < p->n && is_digit(p->s[p->i])) {
    p->i++;
  }
  if (p->i < p->n && p->s[p->i] == '.') {
    p->i++;
    if (p->i >= p->n || !is_digit(p->s[p->i])) {
      return fail(p, "bad number");
    }
    while (p->i < p->n && is_digit(p->s[p->i])) {
      p->i++;
    }
  }
  if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
    p->i++;
    if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-')) {
      p->i++;
    }
    if (p->i >= p->n || !is_digit(p->s[p->i])) {
      return fail(p, "bad number");
    }
    while (p->i < p->n && is_digit(p->s[p->i])) {
      p->i++;
    }
  }
  return p->i > start ? 0 : fail(p, "bad number");
}

// Reads a non-negative integer that fits int64 (no fraction, no exponent).
static int parse_count(parser* p, int64_t* out) {
  skip_ws(p);
  int64_t v = 0;
  int64_t start = p->i;
  if (p->i < p->n && p->s[p->i] == '-') {
    return fail(p, "negative value");
  }
  while (p->i < p->n && is_digit(p->s[p->i])) {
    if (!zcxi_mul_i64(v, 10, &v) || !zcxi_add_i64(v, p->s[p->i] - '0', &v)) {
      return fail(p, "integer out of range");
    }
    p->i++;
  }
  if (p->i == start) {
    return fail(p, "expected an integer");
  }
  if (p->i < p->n && (p->s[p->i] == '.' || p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
    return fail(p, "expected an integer, not a fraction");
  }
  *out = v;
  return 0;
}

static int skip_value(parser* p, int depth);

static int skip_literal(parser* p, const char* word) {
  size_t len = strlen(word);
  if (p->n - p->i < (int64_t)len || memcmp(p->s + p->i, word, len) != 0) {
    return fail(p, "unexpected character");
  }
  p->i += (int64_t)len;
  return 0;
}

static int skip_value(parser* p, int depth) {
  if (depth > MAX_DEPTH) {
    return fail(p, "nested too deep");
  }
  skip_ws(p);
  if (p->i >= p->n) {
    return fail(p, "unexpected end");
  }
  char c = p->s[p->i];
  if (c == '"') {
    return parse_string(p, NULL, 0, NULL);
  }
  if (c == '[' || c == '{') {
    char close = c == '[' ? ']' : '}';
    p->i++;
    if (peek(p, close)) {
      p->i++;
      return 0;
    }
    while (true) {
      if (c == '{') {
        ZCX_RETURN_IF_ERROR(parse_string(p, NULL, 0, NULL));
        ZCX_RETURN_IF_ERROR(expect(p, ':'));
      }
      ZCX_RETURN_IF_ERROR(skip_value(p, depth + 1));
      if (peek(p, ',')) {
        p->i++;
        continue;
      }
      return expect(p, close);
    }
  }
  if (c == 't') {
    return skip_literal(p, "true");
  }
  if (c == 'f') {
    return skip_literal(p, "false");
  }
  if (c == 'n') {
    return skip_literal(p, "null");
  }
  return skip_number(p);
}

// Reads an array of non-negative integers, at most `max` of them.
static int parse_counts(parser* p, const char* key, int64_t* out, int32_t max, int32_t* n) {
  ZCX_RETURN_IF_ERROR(expect(p, '['));
  *n = 0;
  if (peek(p, ']')) {
    p->i++;
    return 0;
  }
  while (true) {
    if (*n >= max) {
      return zcx_error_fail(p->err, EINVAL,
                            "arrow.fixed_shape_tensor metadata: \"%s\" has more than %d entries",
                            key, (int)max);
    }
    ZCX_RETURN_IF_ERROR(parse_count(p, &out[*n]));
    (*n)++;
    if (peek(p, ',')) {
      p->i++;
      continue;
    }
    return expect(p, ']');
  }
}

// Reads an array of strings and counts them.
static int parse_names(parser* p, int32_t* n) {
  ZCX_RETURN_IF_ERROR(expect(p, '['));
  *n = 0;
  if (peek(p, ']')) {
    p->i++;
    return 0;
  }
  while (true) {
    skip_ws(p);
    ZCX_RETURN_IF_ERROR(parse_string(p, NULL, 0, NULL));
    if (*n < INT32_MAX) {
      (*n)++;
    }
    if (peek(p, ',')) {
      p->i++;
      continue;
    }
    return expect(p, ']');
  }
}

int zcxi_fixed_shape_tensor_parse(const char* json, int64_t length, int32_t max_ndim,
                                  zcxi_fixed_shape_t* out, zcx_error_t* err) {
  memset(out, 0, sizeof(*out));
  if (json == NULL || length <= 0) {
    return zcx_error_fail(err, EINVAL, "arrow.fixed_shape_tensor metadata is empty");
  }
  if (max_ndim > ZCX_TENSOR_MAX_NDIM) {
    max_ndim = ZCX_TENSOR_MAX_NDIM;
  }
  parser p = {json, length, 0, err};
  bool have_shape = false;
  bool have_perm = false;
  bool have_names = false;
  int32_t num_names = 0;
  int64_t perm[ZCX_TENSOR_MAX_NDIM];
  int32_t num_perm = 0;
  ZCX_RETURN_IF_ERROR(expect(&p, '{'));
  if (peek(&p, '}')) {
    p.i++;
  } else {
    while (true) {
      char key[16];
      bool fit;
      skip_ws(&p);
      ZCX_RETURN_IF_ERROR(parse_string(&p, key, sizeof(key), &fit));
      ZCX_RETURN_IF_ERROR(expect(&p, ':'));
      bool* seen = NULL;
      if (fit && strcmp(key, "shape") == 0) {
        seen = &have_shape;
      } else if (fit && strcmp(key, "permutation") == 0) {
        seen = &have_perm;
      } else if (fit && strcmp(key, "dim_names") == 0) {
        seen = &have_names;
      }
      if (seen != NULL && *seen) {
        return zcx_error_fail(err, EINVAL,
                              "arrow.fixed_shape_tensor metadata: \"%s\" appears twice", key);
      }
      if (seen == &have_shape) {
        ZCX_RETURN_IF_ERROR(parse_counts(&p, "shape", out->shape, max_ndim, &out->ndim));
      } else if (seen == &have_perm) {
        ZCX_RETURN_IF_ERROR(parse_counts(&p, "permutation", perm, max_ndim, &num_perm));
      } else if (seen == &have_names) {
        ZCX_RETURN_IF_ERROR(parse_names(&p, &num_names));
      } else {
        ZCX_RETURN_IF_ERROR(skip_value(&p, 1));
      }
      if (seen != NULL) {
        *seen = true;
      }
      if (peek(&p, ',')) {
        p.i++;
        continue;
      }
      ZCX_RETURN_IF_ERROR(expect(&p, '}'));
      break;
    }
  }
  skip_ws(&p);
  if (p.i != p.n) {
    return fail(&p, "trailing characters");
  }
  if (!have_shape) {
    return zcx_error_fail(err, EINVAL, "arrow.fixed_shape_tensor metadata: no \"shape\"");
  }
  if (have_names && num_names != out->ndim) {
    return zcx_error_fail(err, EINVAL,
                          "arrow.fixed_shape_tensor metadata: %d dim_names for %d dimensions",
                          (int)num_names, (int)out->ndim);
  }
  if (have_perm) {
    if (num_perm != out->ndim) {
      return zcx_error_fail(err, EINVAL,
                            "arrow.fixed_shape_tensor metadata: permutation of %d entries for "
                            "%d dimensions",
                            (int)num_perm, (int)out->ndim);
    }
    bool used[ZCX_TENSOR_MAX_NDIM] = {false};
    for (int32_t i = 0; i < num_perm; i++) {
      if (perm[i] >= num_perm || used[perm[i]]) {
        return zcx_error_fail(err, EINVAL,
                              "arrow.fixed_shape_tensor metadata: permutation entry %d (%lld) is "
                              "not a permutation of 0..%d",
                              (int)i, (long long)perm[i], (int)num_perm - 1);
      }
      used[perm[i]] = true;
      out->permutation[i] = (int32_t)perm[i];
    }
    out->has_permutation = true;
  }
  return 0;
}
