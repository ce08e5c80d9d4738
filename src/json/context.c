// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The json reader's context: member paths for messages, errors, and typed member access.
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/internal.h"

void zcxi_json_ctx_init(zcxi_json_ctx_t* c, const char* name, zcx_mr_t* mr, zcx_error_t* err) {
  memset(c, 0, sizeof(*c));
  c->name = name != NULL ? name : "<json>";
  c->mr = mr;
  c->err = err;
}

void zcxi_json_ctx_reset(zcxi_json_ctx_t* c) {
  for (int32_t i = 0; i < c->num_dicts; i++) {
    zcx_type_release(c->dicts[i].value_type);
    zcx_array_release(c->dicts[i].values);
  }
  free(c->dicts);
  c->dicts = NULL;
  c->num_dicts = 0;
  c->cap_dicts = 0;
}

size_t zcxi_json_path_push(zcxi_json_ctx_t* c, const char* fmt, ...) {
  size_t saved = c->path_len;
  if (c->path_len < sizeof(c->path) - 1) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(c->path + c->path_len, sizeof(c->path) - c->path_len, fmt, ap);
    va_end(ap);
    if (n > 0) {
      size_t add = (size_t)n;
      c->path_len = c->path_len + add < sizeof(c->path) ? c->path_len + add : sizeof(c->path) - 1;
    }
  }
  return saved;
}

void zcxi_json_path_pop(zcxi_json_ctx_t* c, size_t saved) {
  if (saved < sizeof(c->path)) {
    c->path_len = saved;
    c->path[saved] = '\0';
  }
}

static int vfail(zcxi_json_ctx_t* c, int code, const char* fmt, va_list ap) {
  char msg[ZCX_ERROR_MESSAGE_SIZE];
  vsnprintf(msg, sizeof(msg), fmt, ap);
  if (c->path_len == 0) {
    return zcx_error_fail(c->err, code, "%s: %s", c->name, msg);
  }
  return zcx_error_fail(c->err, code, "%s: %s: %s", c->name, c->path, msg);
}

int zcxi_json_fail(zcxi_json_ctx_t* c, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int rc = vfail(c, EINVAL, fmt, ap);
  va_end(ap);
  return rc;
}

int zcxi_json_fail_code(zcxi_json_ctx_t* c, int code, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int rc = vfail(c, code, fmt, ap);
  va_end(ap);
  return rc;
}

int zcxi_json_prefix(zcxi_json_ctx_t* c, int rc) {
  if (rc != 0) {
    if (c->path_len == 0) {
      zcx_error_prefix(c->err, "%s: ", c->name);
    } else {
      zcx_error_prefix(c->err, "%s: %s: ", c->name, c->path);
    }
  }
  return rc;
}

const char* zcxi_json_kind(const json_t* v) {
  switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a real number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    case JSON_NULL: return "null";
  }
  return "unknown";
}

static const char* kind_name(json_type kind) {
  switch (kind) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    case JSON_NULL: return "null";
  }
  return "unknown";
}

int zcxi_json_member(zcxi_json_ctx_t* c, const json_t* obj, const char* key, json_type kind,
                     bool required, const json_t** out) {
  *out = NULL;
  if (!json_is_object(obj)) {
    return zcxi_json_fail(c, "expected an object with member '%s', got %s", key,
                          zcxi_json_kind(obj));
  }
  const json_t* v = json_object_get(obj, key);
  if (v == NULL) {
    return required ? zcxi_json_fail(c, "missing member '%s'", key) : 0;
  }
  bool ok = kind == JSON_TRUE || kind == JSON_FALSE ? json_is_boolean(v)
                                                    : json_typeof(v) == kind;
  if (!ok) {
    return zcxi_json_fail(c, "member '%s' is %s, expected %s", key, zcxi_json_kind(v),
                          kind_name(kind));
  }
  *out = v;
  return 0;
}

int zcxi_json_member_array(zcxi_json_ctx_t* c, const json_t* obj, const char* key, int64_t n,
                           const json_t** out) {
  ZCX_RETURN_IF_ERROR(zcxi_json_member(c, obj, key, JSON_ARRAY, true, out));
  size_t size = json_array_size(*out);
  if ((int64_t)size != n) {
    *out = NULL;
    return zcxi_json_fail(c, "member '%s' has %zu entries, expected %lld", key, size,
                          (long long)n);
  }
  return 0;
}

int zcxi_json_member_int(zcxi_json_ctx_t* c, const json_t* obj, const char* key, int64_t min,
                         int64_t max, int64_t* out) {
  *out = 0;
  if (!json_is_object(obj)) {
    return zcxi_json_fail(c, "expected an object with member '%s', got %s", key,
                          zcxi_json_kind(obj));
  }
  const json_t* v = json_object_get(obj, key);
  if (v == NULL) {
    return zcxi_json_fail(c, "missing member '%s'", key);
  }
  int64_t x;
  if (json_is_integer(v)) {
    x = (int64_t)json_integer_value(v);
  } else if (!json_is_string(v) || !zcxi_json_parse_i64(json_string_value(v), &x)) {
    return zcxi_json_fail(c, "member '%s' is %s, expected an integer", key, zcxi_json_kind(v));
  }
  if (x < min || x > max) {
    return zcxi_json_fail(c, "member '%s' is %lld, outside %lld..%lld", key, (long long)x,
                          (long long)min, (long long)max);
  }
  *out = x;
  return 0;
}

int zcxi_json_member_bool(zcxi_json_ctx_t* c, const json_t* obj, const char* key, bool* out) {
  const json_t* v;
  ZCX_RETURN_IF_ERROR(zcxi_json_member(c, obj, key, JSON_TRUE, true, &v));
  *out = json_is_true(v);
  return 0;
}

int zcxi_json_member_string(zcxi_json_ctx_t* c, const json_t* obj, const char* key,
                            const char** out) {
  const json_t* v;
  *out = NULL;
  ZCX_RETURN_IF_ERROR(zcxi_json_member(c, obj, key, JSON_STRING, true, &v));
  *out = json_string_value(v);
  return 0;
}
