// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Helpers shared by the Arrow C Data interface tests (see cdata_support.h).
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "interop/cdata_support.h"

zcx_buffer_t* cds_buf(const void* data, int64_t size) {
  zcx_buffer_t* b = NULL;
  zcx_error_t err;
  if (zcx_buffer_copy_from(NULL, data, size, &b, &err) != 0) {
    fail_msg("cds_buf: %s", err.message);
  }
  return b;
}

zcx_buffer_t* cds_bits(const char* bits) {
  uint8_t bytes[64] = {0};
  int64_t n = (int64_t)strlen(bits);
  assert_true(n <= 512);
  for (int64_t i = 0; i < n; i++) {
    if (bits[i] == '1') {
      bytes[i / 8] = (uint8_t)(bytes[i / 8] | (1u << (i % 8)));
    }
  }
  return cds_buf(bytes, (n + 7) / 8);
}

zcx_type_t* cds_type(zcx_type_id_t id) {
  zcx_type_t* t = NULL;
  zcx_error_t err;
  if (zcx_type_create(id, &t, &err) != 0) {
    fail_msg("cds_type(%d): %s", (int)id, err.message);
  }
  return t;
}

zcx_field_t* cds_field(const char* name, zcx_type_t* type, bool nullable) {
  zcx_field_t* f = NULL;
  zcx_error_t err;
  if (zcx_field_create(name, type, nullable, NULL, &f, &err) != 0) {
    fail_msg("cds_field(%s): %s", name, err.message);
  }
  zcx_type_release(type);
  return f;
}

zcx_type_t* cds_decimal(int32_t bits, int32_t p, int32_t s) {
  zcx_type_t* t = NULL;
  assert_int_equal(zcx_type_decimal(bits, p, s, &t, NULL), 0);
  return t;
}

zcx_type_t* cds_time(zcx_type_id_t id, zcx_time_unit_t unit) {
  zcx_type_t* t = NULL;
  assert_int_equal(zcx_type_time(id, unit, &t, NULL), 0);
  return t;
}

zcx_type_t* cds_list(zcx_type_id_t id, zcx_type_t* value) {
  zcx_field_t* f = cds_field("item", value, true);
  zcx_type_t* t = NULL;
  assert_int_equal(zcx_type_list(id, f, &t, NULL), 0);
  zcx_field_release(f);
  return t;
}

zcx_array_t* cds_array(zcx_type_t* type, int64_t length, int64_t offset, int64_t null_count,
                       zcx_buffer_t** bufs, int32_t nb, zcx_array_t** kids, int32_t nk,
                       zcx_array_t* dict) {
  zcx_array_t* a = NULL;
  zcx_error_t err;
  if (zcx_array_create(type, length, offset, null_count, bufs, nb, kids, nk, dict, &a, &err) !=
      0) {
    fail_msg("cds_array(%s): %s", zcx_type_id_name(type->id), err.message);
  }
  for (int32_t i = 0; i < nb; i++) {
    zcx_buffer_release(bufs[i]);
  }
  for (int32_t i = 0; i < nk; i++) {
    zcx_array_release(kids[i]);
  }
  zcx_array_release(dict);
  return a;
}

zcx_array_t* cds_int32s(const int32_t* values, int64_t n) {
  zcx_type_t* t = cds_type(ZCX_TYPE_INT32);
  zcx_buffer_t* bufs[2] = {NULL, cds_buf(values, n * 4)};
  zcx_array_t* a = cds_array(t, n, 0, 0, bufs, 2, NULL, 0, NULL);
  zcx_type_release(t);
  return a;
}

zcx_array_t* cds_strings(const char* const* values, int64_t n) {
  int32_t offsets[64];
  char data[512];
  char bits[65];
  int64_t nulls = 0;
  assert_true(n < 64);
  offsets[0] = 0;
  for (int64_t i = 0; i < n; i++) {
    size_t len = values[i] != NULL ? strlen(values[i]) : 0;
    assert_true((size_t)offsets[i] + len <= sizeof(data));
    if (len > 0) {
      memcpy(data + offsets[i], values[i], len);
    }
    offsets[i + 1] = offsets[i] + (int32_t)len;
    bits[i] = values[i] != NULL ? '1' : '0';
    nulls += values[i] == NULL;
  }
  bits[n] = '\0';
  zcx_type_t* t = cds_type(ZCX_TYPE_STRING);
  zcx_buffer_t* bufs[3] = {nulls > 0 ? cds_bits(bits) : NULL, cds_buf(offsets, (n + 1) * 4),
                           cds_buf(data, offsets[n])};
  zcx_array_t* a = cds_array(t, n, 0, nulls, bufs, 3, NULL, 0, NULL);
  zcx_type_release(t);
  return a;
}

// ----- counting wrappers

typedef struct counted_array {
  void (*release)(struct ArrowArray*);
  void* private_data;
  int* counter;
} counted_array_t;

static void counted_array_release(struct ArrowArray* a) {
  counted_array_t* c = a->private_data;
  (*c->counter)++;
  a->release = c->release;
  a->private_data = c->private_data;
  free(c);
  a->release(a);
  assert_null(a->release);
}

void cds_count_releases(struct ArrowArray* array, int* counter) {
  counted_array_t* c = malloc(sizeof(*c));
  assert_non_null(c);
  c->release = array->release;
  c->private_data = array->private_data;
  c->counter = counter;
  array->release = counted_array_release;
  array->private_data = c;
}

typedef struct counted_schema {
  void (*release)(struct ArrowSchema*);
  void* private_data;
  int* counter;
} counted_schema_t;

static void counted_schema_release(struct ArrowSchema* s) {
  counted_schema_t* c = s->private_data;
  (*c->counter)++;
  s->release = c->release;
  s->private_data = c->private_data;
  free(c);
  s->release(s);
  assert_null(s->release);
}

void cds_count_schema_releases(struct ArrowSchema* schema, int* counter) {
  counted_schema_t* c = malloc(sizeof(*c));
  assert_non_null(c);
  c->release = schema->release;
  c->private_data = schema->private_data;
  c->counter = counter;
  schema->release = counted_schema_release;
  schema->private_data = c;
}

// ----- hand-made producers

static void hand_release(struct ArrowArray* a) {
  cds_hand_t* h = a->private_data;
  for (int64_t i = 0; i < a->n_children; i++) {
    struct ArrowArray* c = a->children[i];
    if (c != NULL && c->release != NULL) {
      c->release(c);
    }
  }
  if (a->dictionary != NULL && a->dictionary->release != NULL) {
    a->dictionary->release(a->dictionary);
  }
  if (h->counter != NULL) {
    (*h->counter)++;
  }
  a->release = NULL;
  free(h);
}

cds_hand_t* cds_hand_new(int64_t length, int64_t null_count, int64_t offset, int64_t n_buffers,
                         int* counter) {
  cds_hand_t* h = calloc(1, sizeof(*h));
  assert_non_null(h);
  h->array.length = length;
  h->array.null_count = null_count;
  h->array.offset = offset;
  h->array.n_buffers = n_buffers;
  h->array.buffers = h->buffers;
  h->array.children = h->children;
  h->array.release = hand_release;
  h->array.private_data = h;
  h->counter = counter;
  return h;
}

void cds_hand_add_child(cds_hand_t* parent, cds_hand_t* child) {
  assert_true(parent->array.n_children < 4);
  parent->children[parent->array.n_children++] = &child->array;
}

void cds_assert_contains(const char* haystack, const char* needle) {
  if (strstr(haystack, needle) == NULL) {
    fail_msg("expected \"%s\" in \"%s\"", needle, haystack);
  }
}
