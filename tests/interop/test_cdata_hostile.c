// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Tests of the Arrow C Data importers against hostile producers: schemas nested too deep or
// cyclic, and arrays whose claimed length makes every derived buffer size overflow. Each must
// be rejected with EINVAL before anything is read, leaving the structs to the caller.
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "interop/cdata_support.h"
#include "zcx/cdata.h"

static int g_schema_releases;

static void count_schema_release(struct ArrowSchema* s) {
  g_schema_releases++;
  s->release = NULL;
}

// A schema node; `child` (may be NULL) is its only child.
static void schema_node(struct ArrowSchema* s, const char* format, struct ArrowSchema** child) {
  memset(s, 0, sizeof(*s));
  s->format = format;
  s->name = "x";
  s->flags = ARROW_FLAG_NULLABLE;
  s->n_children = child != NULL ? 1 : 0;
  s->children = child;
  s->release = count_schema_release;
}

static void test_schema_depth_limit(void** state) {
  (void)state;
  zcx_error_t err;
  zcx_field_t* f = NULL;
  // A list of lists ... 100 deep.
  enum { DEEP = 100 };
  struct ArrowSchema nodes[DEEP];
  struct ArrowSchema* links[DEEP];
  for (int i = DEEP - 1; i >= 0; i--) {
    links[i] = &nodes[i];
    schema_node(&nodes[i], i == DEEP - 1 ? "i" : "+l", i == DEEP - 1 ? NULL : &links[i + 1]);
  }
  g_schema_releases = 0;
  assert_int_equal(zcx_cdata_import_field(&nodes[0], &f, &err), EINVAL);
  cds_assert_contains(err.message, "nesting deeper than 64 levels");
  assert_null(f);
  assert_int_equal(g_schema_releases, 0);
  assert_non_null(nodes[0].release);

  // 60 levels are fine.
  struct ArrowSchema* top = &nodes[DEEP - 60];
  assert_int_equal(zcx_cdata_import_field(top, &f, &err), 0);
  assert_int_equal(g_schema_releases, 1);
  zcx_field_release(f);

  // A cycle: a list whose child is itself, and a dictionary whose values are itself.
  struct ArrowSchema loop;
  struct ArrowSchema* self = &loop;
  schema_node(&loop, "+l", &self);
  assert_int_equal(zcx_cdata_import_field(&loop, &f, &err), EINVAL);
  cds_assert_contains(err.message, "nesting deeper than 64 levels");
  struct ArrowSchema dict_loop;
  schema_node(&dict_loop, "i", NULL);
  dict_loop.dictionary = &dict_loop;
  assert_int_equal(zcx_cdata_import_field(&dict_loop, &f, &err), EINVAL);
  cds_assert_contains(err.message, "nesting deeper than 64 levels");
}

// Imports a hand-made node of `length` (+ `offset`) with `n_buffers` tiny buffers, expecting
// EINVAL with `needle`; nothing may be read from the buffers (they are 8 bytes).
static void expect_overflow(zcx_type_t* type, int64_t length, int64_t offset, int64_t n_buffers,
                            const char* needle) {
  static const uint8_t tiny[8] = {0};
  int released = 0;
  cds_hand_t* h = cds_hand_new(length, 0, offset, n_buffers, &released);
  for (int64_t i = 1; i < n_buffers; i++) {
    h->buffers[i] = tiny;
  }
  zcx_array_t* out = NULL;
  zcx_error_t err;
  assert_int_equal(zcx_cdata_import_array(&h->array, type, ZCX_VALIDATE_CHEAP, &out, &err),
                   EINVAL);
  cds_assert_contains(err.message, needle);
  assert_null(out);
  assert_int_equal(released, 0);
  h->array.release(&h->array);
  assert_int_equal(released, 1);
  zcx_type_release(type);
}

static void test_huge_lengths(void** state) {
  (void)state;
  int64_t big = INT64_MAX / 4;
  expect_overflow(cds_type(ZCX_TYPE_STRING), big, 0, 3, "elements of 4 bytes overflow");
  expect_overflow(cds_type(ZCX_TYPE_LARGE_BINARY), big, 0, 3, "elements of 8 bytes overflow");
  expect_overflow(cds_type(ZCX_TYPE_BINARY_VIEW), big, 0, 3, "elements of 16 bytes overflow");
  expect_overflow(cds_type(ZCX_TYPE_INT64), big, 0, 2, "values of 8 bytes overflow");
  expect_overflow(cds_type(ZCX_TYPE_STRING), 1, INT64_MAX - 1, 3, "overflows");
  zcx_field_t* item = cds_field("item", cds_type(ZCX_TYPE_INT32), true);
  zcx_type_t* lv = NULL;
  assert_int_equal(zcx_type_list(ZCX_TYPE_LARGE_LIST_VIEW, item, &lv, NULL), 0);
  zcx_field_release(item);
  expect_overflow(lv, big, 0, 3, "elements of 8 bytes overflow");
  zcx_field_t* kid = cds_field("a", cds_type(ZCX_TYPE_INT32), true);
  zcx_type_t* du = NULL;
  assert_int_equal(zcx_type_union(ZCX_TYPE_DENSE_UNION, &kid, NULL, 1, &du, NULL), 0);
  zcx_field_release(kid);
  expect_overflow(du, INT64_MAX / 3, 0, 2, "elements of 4 bytes overflow");
  // A bool near INT64_MAX: the bitmap size is computed without overflow, then the tiny
  // buffers are too small for the full validation... which the cheap level does not need:
  // the import trusts the producer's sizes, so only the claimed size is checked here.
  zcx_type_t* bt = cds_type(ZCX_TYPE_BOOL);
  int released = 0;
  cds_hand_t* h = cds_hand_new(INT64_MAX - 3, 0, 0, 2, &released);
  static const uint8_t tiny[8] = {0};
  h->buffers[1] = tiny;
  zcx_array_t* out = NULL;
  zcx_error_t err;
  int rc = zcx_cdata_import_array(&h->array, bt, ZCX_VALIDATE_CHEAP, &out, &err);
  if (rc == 0) {
    zcx_array_release(out);  // accepted with the trusted sizes; nothing was read
  } else {
    h->array.release(&h->array);
  }
  assert_int_equal(released, 1);
  zcx_type_release(bt);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_schema_depth_limit),
      cmocka_unit_test(test_huge_lengths),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
