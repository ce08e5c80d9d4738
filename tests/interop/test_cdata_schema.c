// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Tests of src/interop/cdata_schema.c: format strings, names, flags, metadata, extension
// types and dictionaries through ArrowSchema, and the rejection of malformed schemas.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "interop/cdata_support.h"
#include "zcx/cdata.h"

// The official definitions (a stand-in under their guards), included after our header: they
// must be skipped, or this file would not compile (redefinition of struct ArrowSchema).
#include "interop/official_abi.h"

// ---------------------------------------------------------------------------------------------
// Helpers

static zcx_type_t* timestamp(zcx_time_unit_t unit, const char* tz) {
  zcx_type_t* t = NULL;
  assert_int_equal(zcx_type_timestamp(unit, tz, &t, NULL), 0);
  return t;
}

static zcx_type_t* struct_of2(const char* n1, zcx_type_t* t1, const char* n2, zcx_type_t* t2) {
  zcx_field_t* f[2] = {cds_field(n1, t1, true), cds_field(n2, t2, false)};
  zcx_type_t* t = NULL;
  assert_int_equal(zcx_type_struct(f, 2, &t, NULL), 0);
  zcx_field_release(f[0]);
  zcx_field_release(f[1]);
  return t;
}

// Exports `type`, checks the format string, imports it back and compares.
static void check_round_trip(zcx_type_t* type, const char* format) {
  char buf[128];
  int64_t n = zcx_cdata_format(type, buf, sizeof(buf));
  assert_int_equal(n, (int64_t)strlen(format));
  assert_string_equal(buf, format);
  struct ArrowSchema s;
  zcx_error_t err;
  int rc = zcx_cdata_export_type(type, "col", &s, &err);
  if (rc != 0) {
    fail_msg("export %s: %s", format, err.message);
  }
  assert_string_equal(s.format, format);
  assert_string_equal(s.name, "col");
  assert_true((s.flags & ARROW_FLAG_NULLABLE) != 0);
  int releases = 0;
  cds_count_schema_releases(&s, &releases);
  zcx_type_t* back = NULL;
  rc = zcx_cdata_import_type(&s, &back, &err);
  if (rc != 0) {
    fail_msg("import %s: %s", format, err.message);
  }
  assert_null(s.release);
  assert_int_equal(releases, 1);
  char want[256];
  char got[256];
  zcx_type_to_string(type, want, sizeof(want));
  zcx_type_to_string(back, got, sizeof(got));
  if (!zcx_type_equal(type, back)) {
    fail_msg("format %s: exported %s, imported %s", format, want, got);
  }
  zcx_type_release(back);
  zcx_type_release(type);
}

// ---------------------------------------------------------------------------------------------
// Round trips

static void test_format_strings_of_every_type(void** state) {
  (void)state;
  static const struct {
    zcx_type_id_t id;
    const char* format;
  } simple[] = {
      {ZCX_TYPE_NA, "n"},
      {ZCX_TYPE_BOOL, "b"},
      {ZCX_TYPE_INT8, "c"},
      {ZCX_TYPE_UINT8, "C"},
      {ZCX_TYPE_INT16, "s"},
      {ZCX_TYPE_UINT16, "S"},
      {ZCX_TYPE_INT32, "i"},
      {ZCX_TYPE_UINT32, "I"},
      {ZCX_TYPE_INT64, "l"},
      {ZCX_TYPE_UINT64, "L"},
      {ZCX_TYPE_HALF_FLOAT, "e"},
      {ZCX_TYPE_FLOAT, "f"},
      {ZCX_TYPE_DOUBLE, "g"},
      {ZCX_TYPE_DATE32, "tdD"},
      {ZCX_TYPE_DATE64, "tdm"},
      {ZCX_TYPE_INTERVAL_MONTHS, "tiM"},
      {ZCX_TYPE_INTERVAL_DAY_TIME, "tiD"},
      {ZCX_TYPE_INTERVAL_MONTH_DAY_NANO, "tin"},
      {ZCX_TYPE_BINARY, "z"},
      {ZCX_TYPE_STRING, "u"},
      {ZCX_TYPE_LARGE_BINARY, "Z"},
      {ZCX_TYPE_LARGE_STRING, "U"},
      {ZCX_TYPE_BINARY_VIEW, "vz"},
      {ZCX_TYPE_STRING_VIEW, "vu"},
  };
  for (size_t i = 0; i < sizeof(simple) / sizeof(simple[0]); i++) {
    check_round_trip(cds_type(simple[i].id), simple[i].format);
  }
  check_round_trip(cds_decimal(32, 7, 2), "d:7,2,32");
  check_round_trip(cds_decimal(64, 15, -3), "d:15,-3,64");
  check_round_trip(cds_decimal(128, 38, 10), "d:38,10");
  check_round_trip(cds_decimal(256, 76, 0), "d:76,0,256");
  check_round_trip(cds_time(ZCX_TYPE_TIME32, ZCX_TIME_SECOND), "tts");
  check_round_trip(cds_time(ZCX_TYPE_TIME32, ZCX_TIME_MILLI), "ttm");
  check_round_trip(cds_time(ZCX_TYPE_TIME64, ZCX_TIME_MICRO), "ttu");
  check_round_trip(cds_time(ZCX_TYPE_TIME64, ZCX_TIME_NANO), "ttn");
  check_round_trip(cds_time(ZCX_TYPE_DURATION, ZCX_TIME_SECOND), "tDs");
  check_round_trip(cds_time(ZCX_TYPE_DURATION, ZCX_TIME_MILLI), "tDm");
  check_round_trip(cds_time(ZCX_TYPE_DURATION, ZCX_TIME_MICRO), "tDu");
  check_round_trip(cds_time(ZCX_TYPE_DURATION, ZCX_TIME_NANO), "tDn");
  check_round_trip(timestamp(ZCX_TIME_SECOND, NULL), "tss:");
  check_round_trip(timestamp(ZCX_TIME_MILLI, "UTC"), "tsm:UTC");
  check_round_trip(timestamp(ZCX_TIME_MICRO, "Europe/Paris"), "tsu:Europe/Paris");
  check_round_trip(timestamp(ZCX_TIME_NANO, "+07:30"), "tsn:+07:30");
  zcx_type_t* t = NULL;
  assert_int_equal(zcx_type_fixed_size_binary(16, &t, NULL), 0);
  check_round_trip(t, "w:16");
  check_round_trip(cds_list(ZCX_TYPE_LIST, cds_type(ZCX_TYPE_INT32)), "+l");
  check_round_trip(cds_list(ZCX_TYPE_LARGE_LIST, cds_type(ZCX_TYPE_STRING)), "+L");
  check_round_trip(cds_list(ZCX_TYPE_LIST_VIEW, cds_type(ZCX_TYPE_INT8)), "+vl");
  check_round_trip(cds_list(ZCX_TYPE_LARGE_LIST_VIEW, cds_type(ZCX_TYPE_DOUBLE)), "+vL");
  zcx_field_t* item = cds_field("v", cds_type(ZCX_TYPE_FLOAT), false);
  assert_int_equal(zcx_type_fixed_size_list(item, 3, &t, NULL), 0);
  zcx_field_release(item);
  check_round_trip(t, "+w:3");
  check_round_trip(struct_of2("a", cds_type(ZCX_TYPE_INT64), "b", cds_type(ZCX_TYPE_STRING)),
                   "+s");
  // Map: entries struct of a non-nullable key and a value.
  zcx_field_t* kv[2] = {cds_field("key", cds_type(ZCX_TYPE_STRING), false),
                        cds_field("value", cds_type(ZCX_TYPE_INT32), true)};
  zcx_type_t* entries = NULL;
  assert_int_equal(zcx_type_struct(kv, 2, &entries, NULL), 0);
  zcx_field_release(kv[0]);
  zcx_field_release(kv[1]);
  zcx_field_t* ef = cds_field("entries", entries, false);
  assert_int_equal(zcx_type_map(ef, true, &t, NULL), 0);
  check_round_trip(t, "+m");
  assert_int_equal(zcx_type_map(ef, false, &t, NULL), 0);
  check_round_trip(t, "+m");
  zcx_field_release(ef);
  // Unions, with default and explicit type codes.
  zcx_field_t* uf[3] = {cds_field("i", cds_type(ZCX_TYPE_INT32), true),
                        cds_field("s", cds_type(ZCX_TYPE_STRING), true),
                        cds_field("n", cds_type(ZCX_TYPE_NA), true)};
  assert_int_equal(zcx_type_union(ZCX_TYPE_DENSE_UNION, uf, NULL, 3, &t, NULL), 0);
  check_round_trip(t, "+ud:0,1,2");
  const int8_t codes[3] = {5, 127, 0};
  assert_int_equal(zcx_type_union(ZCX_TYPE_SPARSE_UNION, uf, codes, 3, &t, NULL), 0);
  check_round_trip(t, "+us:5,127,0");
  for (int i = 0; i < 3; i++) {
    zcx_field_release(uf[i]);
  }
  // Run-end encoded.
  zcx_field_t* values = cds_field("values", cds_type(ZCX_TYPE_STRING), true);
  zcx_type_t* ends = cds_type(ZCX_TYPE_INT32);
  assert_int_equal(zcx_type_run_end_encoded(ends, values, &t, NULL), 0);
  zcx_type_release(ends);
  zcx_field_release(values);
  check_round_trip(t, "+r");
  // Dictionary: the index type's format, the values in `dictionary`.
  zcx_type_t* idx = cds_type(ZCX_TYPE_INT16);
  zcx_type_t* val = cds_list(ZCX_TYPE_LIST, cds_type(ZCX_TYPE_STRING));
  assert_int_equal(zcx_type_dictionary(idx, val, true, &t, NULL), 0);
  check_round_trip(t, "s");
  assert_int_equal(zcx_type_dictionary(idx, val, false, &t, NULL), 0);
  check_round_trip(t, "s");
  zcx_type_release(idx);
  zcx_type_release(val);
  // Extension over a fixed-size binary, metadata with bytes that are not text.
  zcx_type_t* storage = NULL;
  assert_int_equal(zcx_type_fixed_size_binary(16, &storage, NULL), 0);
  const char meta[5] = {'\0', 'x', '\x01', '\xff', 'y'};
  assert_int_equal(zcx_type_extension("arrow.uuid", meta, 5, storage, &t, NULL), 0);
  zcx_type_release(storage);
  check_round_trip(t, "w:16");
  // Extension over a dictionary.
  idx = cds_type(ZCX_TYPE_INT32);
  val = cds_type(ZCX_TYPE_STRING);
  assert_int_equal(zcx_type_dictionary(idx, val, false, &storage, NULL), 0);
  zcx_type_release(idx);
  zcx_type_release(val);
  assert_int_equal(zcx_type_extension("my.label", "", 0, storage, &t, NULL), 0);
  zcx_type_release(storage);
  check_round_trip(t, "i");
}

static void test_dictionary_and_extension_schema_members(void** state) {
  (void)state;
  zcx_type_t* idx = cds_type(ZCX_TYPE_UINT8);
  zcx_type_t* val = cds_type(ZCX_TYPE_LARGE_STRING);
  zcx_type_t* dict = NULL;
  assert_int_equal(zcx_type_dictionary(idx, val, true, &dict, NULL), 0);
  struct ArrowSchema s;
  assert_int_equal(zcx_cdata_export_type(dict, "d", &s, NULL), 0);
  assert_string_equal(s.format, "C");
  assert_non_null(s.dictionary);
  assert_string_equal(s.dictionary->format, "U");
  assert_int_equal(s.n_children, 0);
  assert_true((s.flags & ARROW_FLAG_DICTIONARY_ORDERED) != 0);
  zcx_cdata_release_schema(&s);
  assert_null(s.release);
  zcx_type_release(dict);
  zcx_type_release(idx);
  zcx_type_release(val);

  zcx_type_t* storage = cds_type(ZCX_TYPE_INT64);
  zcx_type_t* ext = NULL;
  assert_int_equal(zcx_type_extension("zcx.meters", "{\"scale\":1}", 11, storage, &ext, NULL), 0);
  assert_int_equal(zcx_cdata_export_type(ext, "m", &s, NULL), 0);
  assert_string_equal(s.format, "l");
  // Metadata: 2 pairs, "ARROW:extension:name" -> "zcx.meters", "...:metadata" -> the bytes.
  const char* p = s.metadata;
  int32_t v;
  memcpy(&v, p, 4);
  assert_int_equal(v, 2);
  p += 4;
  memcpy(&v, p, 4);
  assert_int_equal(v, 20);
  assert_memory_equal(p + 4, "ARROW:extension:name", 20);
  p += 4 + 20;
  memcpy(&v, p, 4);
  assert_int_equal(v, 10);
  assert_memory_equal(p + 4, "zcx.meters", 10);
  p += 4 + 10;
  memcpy(&v, p, 4);
  assert_int_equal(v, 24);
  assert_memory_equal(p + 4, "ARROW:extension:metadata", 24);
  p += 4 + 24;
  memcpy(&v, p, 4);
  assert_int_equal(v, 11);
  assert_memory_equal(p + 4, "{\"scale\":1}", 11);
  zcx_cdata_release_schema(&s);
  zcx_type_release(ext);
  zcx_type_release(storage);
}

static void test_schema_with_names_flags_and_metadata(void** state) {
  (void)state;
  zcx_metadata_t md;
  zcx_metadata_init(&md);
  assert_int_equal(zcx_metadata_append(&md, "unit", "m/s", NULL), 0);
  assert_int_equal(zcx_metadata_append(&md, "empty", "", NULL), 0);
  zcx_field_t* speed = NULL;
  zcx_type_t* dbl = cds_type(ZCX_TYPE_DOUBLE);
  assert_int_equal(zcx_field_create("speed", dbl, false, &md, &speed, NULL), 0);
  zcx_type_release(dbl);
  zcx_field_t* fields[3] = {
      speed,
      cds_field("tags", cds_list(ZCX_TYPE_LIST, cds_type(ZCX_TYPE_STRING)), true),
      cds_field("", struct_of2("x", cds_type(ZCX_TYPE_INT8), "y", cds_type(ZCX_TYPE_BOOL)),
                true),
  };
  zcx_metadata_t smd;
  zcx_metadata_init(&smd);
  assert_int_equal(zcx_metadata_append(&smd, "origin", "sensor 7", NULL), 0);
  zcx_schema_t* schema = NULL;
  assert_int_equal(zcx_schema_create(fields, 3, &smd, &schema, NULL), 0);
  for (int i = 0; i < 3; i++) {
    zcx_field_release(fields[i]);
  }
  zcx_metadata_reset(&md);
  zcx_metadata_reset(&smd);

  struct ArrowSchema s;
  zcx_error_t err;
  assert_int_equal(zcx_cdata_export_schema(schema, &s, &err), 0);
  assert_string_equal(s.format, "+s");
  assert_int_equal(s.n_children, 3);
  assert_string_equal(s.children[0]->name, "speed");
  assert_int_equal(s.children[0]->flags & ARROW_FLAG_NULLABLE, 0);
  assert_string_equal(s.children[1]->format, "+l");
  assert_string_equal(s.children[1]->children[0]->name, "item");
  assert_string_equal(s.children[2]->name, "");
  assert_non_null(s.metadata);
  int releases = 0;
  cds_count_schema_releases(&s, &releases);
  zcx_schema_t* back = NULL;
  int rc = zcx_cdata_import_schema(&s, &back, &err);
  if (rc != 0) {
    fail_msg("%s", err.message);
  }
  assert_int_equal(releases, 1);
  assert_null(s.release);
  assert_true(zcx_schema_equal(schema, back));
  assert_string_equal(zcx_metadata_get(&back->metadata, "origin"), "sensor 7");
  assert_string_equal(zcx_metadata_get(&back->fields[0]->metadata, "unit"), "m/s");
  assert_string_equal(zcx_metadata_get(&back->fields[0]->metadata, "empty"), "");
  assert_false(back->fields[0]->nullable);
  zcx_schema_release(back);

  // A field alone; a schema that is not a struct is refused and left to the caller.
  assert_int_equal(zcx_cdata_export_field(schema->fields[1], &s, NULL), 0);
  assert_int_equal(zcx_cdata_import_schema(&s, &back, &err), EINVAL);
  assert_non_null(s.release);
  cds_assert_contains(err.message, "'+l'");
  zcx_field_t* f = NULL;
  assert_int_equal(zcx_cdata_import_field(&s, &f, NULL), 0);
  assert_null(s.release);
  assert_true(zcx_field_equal(f, schema->fields[1]));
  zcx_field_release(f);
  zcx_schema_release(schema);
}

static void test_children_are_released_independently(void** state) {
  (void)state;
  zcx_type_t* t = struct_of2("a", cds_list(ZCX_TYPE_LIST, cds_type(ZCX_TYPE_INT8)), "b",
                             cds_type(ZCX_TYPE_STRING));
  struct ArrowSchema s;
  assert_int_equal(zcx_cdata_export_type(t, "", &s, NULL), 0);
  // Move child 0 out, release the parent, then import the moved child.
  struct ArrowSchema moved = *s.children[0];
  s.children[0]->release = NULL;
  zcx_cdata_release_schema(&s);
  zcx_field_t* f = NULL;
  assert_int_equal(zcx_cdata_import_field(&moved, &f, NULL), 0);
  assert_string_equal(f->name, "a");
  assert_true(zcx_type_equal(f->type, t->children[0]->type));
  zcx_field_release(f);
  zcx_type_release(t);
}

// ---------------------------------------------------------------------------------------------
// Malformed schemas

typedef struct hand_schema {
  struct ArrowSchema s;
  struct ArrowSchema kids[3];
  struct ArrowSchema* kid_ptrs[3];
  struct ArrowSchema dict;
  int releases;
} hand_schema_t;

static void hand_release(struct ArrowSchema* s) {
  hand_schema_t* h = s->private_data;
  h->releases++;
  s->release = NULL;
}

static void hand_child_release(struct ArrowSchema* s) { s->release = NULL; }

static void hand_init(hand_schema_t* h, const char* format, int64_t n_children,
                      const char* child_format) {
  memset(h, 0, sizeof(*h));
  h->s.format = format;
  h->s.name = "top";
  h->s.n_children = n_children;
  h->s.children = n_children > 0 ? h->kid_ptrs : NULL;
  h->s.release = hand_release;
  h->s.private_data = h;
  for (int i = 0; i < 3; i++) {
    h->kids[i].format = child_format;
    h->kids[i].name = i == 0 ? "k0" : i == 1 ? "k1" : "k2";
    h->kids[i].flags = ARROW_FLAG_NULLABLE;
    h->kids[i].release = hand_child_release;
    h->kid_ptrs[i] = &h->kids[i];
  }
}

// Imports a malformed schema: EINVAL, a message with `expect`, the struct untouched.
static void expect_bad(hand_schema_t* h, const char* expect) {
  zcx_error_t err;
  zcx_field_t* f = (zcx_field_t*)(uintptr_t)1;
  int rc = zcx_cdata_import_field(&h->s, &f, &err);
  if (rc != EINVAL) {
    fail_msg("format '%s': expected EINVAL, got %d (%s)", h->s.format, rc,
             rc == 0 ? "accepted" : err.message);
  }
  assert_null(f);
  cds_assert_contains(err.message, expect);
  assert_int_equal(h->releases, 0);
  assert_non_null(h->s.release);
  zcx_cdata_release_schema(&h->s);
  assert_int_equal(h->releases, 1);
  assert_null(h->s.release);
}

static void test_bad_format_strings(void** state) {
  (void)state;
  static const struct {
    const char* format;
    int64_t n_children;
    const char* expect;
  } cases[] = {
      {"", 0, "unknown format string ''"},
      {"x", 0, "unknown format string 'x'"},
      {"ii", 0, "unknown format string 'ii'"},
      {"d:", 0, "bad decimal precision"},
      {"d:10", 0, "bad decimal precision"},
      {"d:10,", 0, "bad decimal scale"},
      {"d:0,2", 0, "bad decimal precision"},
      {"d:10,2,48", 0, "bit width"},
      {"d:10,2x", 0, "trailing"},
      {"d:-5,2", 0, "bad decimal precision"},
      {"w:", 0, "fixed-size binary"},
      {"w:-1", 0, "fixed-size binary"},
      {"w:4x", 0, "fixed-size binary"},
      {"tsq:UTC", 0, "unknown time unit 'q'"},
      {"tsu", 0, "needs ':'"},
      {"ttx", 0, "unknown time unit 'x'"},
      {"tDz", 0, "unknown time unit 'z'"},
      {"tdx", 0, "unknown format string"},
      {"tix", 0, "unknown format string"},
      {"+w:", 1, "fixed-size list"},
      {"+w:99999999999", 1, "fixed-size list"},
      {"+ud", 1, "union needs ':'"},
      {"+us:1,", 1, "trailing ','"},
      {"+us:1,,2", 2, "bad union type code"},
      {"+ud:128", 1, "bad union type code"},
      {"+ud:-1", 1, "bad union type code"},
      {"+x", 0, "unknown format string '+x'"},
      {"+l", 0, "has 0 children, the type needs 1"},
      {"+l", 2, "has 2 children, the type needs 1"},
      {"+r", 1, "has 1 children, the type needs 2"},
      {"i", 1, "has 1 children, the type needs 0"},
      {"+ud:0,1", 3, "has 3 children, the type needs 2"},
      {"+m", 1, "top"},  // the entries child is an int32, not a struct
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    hand_schema_t h;
    hand_init(&h, cases[i].format, cases[i].n_children, "i");
    expect_bad(&h, cases[i].expect);
  }
  // A duplicate union code is caught by the type constructor, with the path.
  hand_schema_t h;
  hand_init(&h, "+us:3,3", 2, "i");
  expect_bad(&h, "field 'top' (format '+us:3,3')");
}

static void test_bad_schemas_name_the_field_path(void** state) {
  (void)state;
  hand_schema_t h;
  // A bad child format names the child's path.
  hand_init(&h, "+s", 2, "i");
  h.kids[1].format = "tsz:UTC";
  expect_bad(&h, "field 'top.k1' (format 'tsz:UTC'): unknown time unit 'z'");
  hand_init(&h, "+s", 2, "i");
  h.kids[0].format = "+l";
  expect_bad(&h, "field 'top.k0' (format '+l'): has 0 children, the type needs 1");
  // NULL format, NULL child, NULL children array, negative count.
  hand_init(&h, "+s", 1, NULL);
  expect_bad(&h, "field 'top.k0': format is NULL");
  hand_init(&h, "+s", 2, "i");
  h.kid_ptrs[1] = NULL;
  expect_bad(&h, "child 1 is NULL");
  hand_init(&h, "+s", 2, "i");
  h.s.children = NULL;
  expect_bad(&h, "children is NULL");
  hand_init(&h, "+s", 0, "i");
  h.s.n_children = -1;
  expect_bad(&h, "bad n_children -1");
  // A released child.
  hand_init(&h, "+l", 1, "i");
  h.kids[0].release = NULL;
  expect_bad(&h, "field 'top.k0': schema is released");
  // A dictionary whose index type is not an integer; a bad dictionary format.
  hand_init(&h, "u", 0, "i");
  h.dict.format = "i";
  h.dict.release = hand_child_release;
  h.s.dictionary = &h.dict;
  expect_bad(&h, "dictionary indices must be an integer type");
  hand_init(&h, "i", 0, "i");
  h.dict.format = "q";
  h.dict.release = hand_child_release;
  h.s.dictionary = &h.dict;
  expect_bad(&h, "dictionary of field 'top': unknown format string 'q'");
  // A released top-level schema.
  hand_init(&h, "i", 0, "i");
  h.s.release = NULL;
  zcx_field_t* f = NULL;
  zcx_error_t err;
  assert_int_equal(zcx_cdata_import_field(&h.s, &f, &err), EINVAL);
  cds_assert_contains(err.message, "released");
  assert_int_equal(zcx_cdata_import_field(NULL, &f, &err), EINVAL);
  assert_int_equal(zcx_cdata_import_field(&h.s, NULL, &err), EINVAL);
}

// Writes an int32 into a metadata buffer.
static char* put32(char* p, int32_t v) {
  memcpy(p, &v, 4);
  return p + 4;
}

static void test_bad_metadata_encodings(void** state) {
  (void)state;
  char md[64];
  hand_schema_t h;
  // Negative pair count.
  put32(md, -1);
  hand_init(&h, "i", 0, "i");
  h.s.metadata = md;
  expect_bad(&h, "field 'top': metadata: bad pair count -1");
  // Negative key length.
  char* p = put32(md, 1);
  put32(p, -5);
  hand_init(&h, "i", 0, "i");
  h.s.metadata = md;
  expect_bad(&h, "metadata: key 0 has bad length -5");
  // Negative value length, in a child.
  p = put32(md, 1);
  p = put32(p, 1);
  *p++ = 'k';
  put32(p, -2);
  hand_init(&h, "+s", 1, "i");
  h.kids[0].metadata = md;
  expect_bad(&h, "field 'top.k0': metadata: value 0 ('k') has bad length -2");
  // An embedded NUL byte in a value.
  p = put32(md, 1);
  p = put32(p, 1);
  *p++ = 'k';
  p = put32(p, 3);
  memcpy(p, "a\0b", 3);
  hand_init(&h, "i", 0, "i");
  h.s.metadata = md;
  expect_bad(&h, "embedded NUL");
  // Good metadata is accepted and the extension keys become an extension type.
  p = put32(md, 2);
  p = put32(p, 20);
  memcpy(p, "ARROW:extension:name", 20);
  p += 20;
  p = put32(p, 3);
  memcpy(p, "e.x", 3);
  p += 3;
  p = put32(p, 1);
  *p++ = 'k';
  p = put32(p, 0);
  hand_init(&h, "i", 0, "i");
  h.s.metadata = md;
  zcx_field_t* f = NULL;
  zcx_error_t err;
  assert_int_equal(zcx_cdata_import_field(&h.s, &f, &err), 0);
  assert_int_equal(h.releases, 1);
  assert_int_equal(f->type->id, ZCX_TYPE_EXTENSION);
  assert_string_equal(f->type->extension_name, "e.x");
  assert_int_equal(f->type->extension_metadata_length, 0);
  assert_int_equal(f->type->storage_type->id, ZCX_TYPE_INT32);
  assert_int_equal(f->metadata.count, 1);
  assert_string_equal(zcx_metadata_get(&f->metadata, "k"), "");
  zcx_field_release(f);
}

static void test_export_rejects_bad_arguments(void** state) {
  (void)state;
  struct ArrowSchema s;
  zcx_error_t err;
  assert_int_equal(zcx_cdata_export_type(NULL, "x", &s, &err), EINVAL);
  assert_null(s.release);
  assert_int_equal(zcx_cdata_export_field(NULL, &s, &err), EINVAL);
  assert_null(s.release);
  assert_int_equal(zcx_cdata_export_schema(NULL, &s, &err), EINVAL);
  assert_null(s.release);
  zcx_type_t* t = cds_type(ZCX_TYPE_INT8);
  assert_int_equal(zcx_cdata_export_type(t, "x", NULL, &err), EINVAL);
  char buf[4];
  // Truncation keeps counting, as snprintf.
  zcx_type_t* ts = timestamp(ZCX_TIME_MICRO, "America/New_York");
  assert_int_equal(zcx_cdata_format(ts, buf, sizeof(buf)), 20);
  assert_string_equal(buf, "tsu");
  assert_int_equal(zcx_cdata_format(NULL, buf, sizeof(buf)), -1);
  zcx_type_release(ts);
  zcx_type_release(t);
  // The release helpers accept NULL and released structs.
  zcx_cdata_release_schema(NULL);
  zcx_cdata_release_array(NULL);
  zcx_cdata_release_stream(NULL);
  zcx_cdata_release_device_array(NULL);
  zcx_cdata_release_device_stream(NULL);
  zcx_cdata_release_schema(&s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_format_strings_of_every_type),
      cmocka_unit_test(test_dictionary_and_extension_schema_members),
      cmocka_unit_test(test_schema_with_names_flags_and_metadata),
      cmocka_unit_test(test_children_are_released_independently),
      cmocka_unit_test(test_bad_format_strings),
      cmocka_unit_test(test_bad_schemas_name_the_field_path),
      cmocka_unit_test(test_bad_metadata_encodings),
      cmocka_unit_test(test_export_rejects_bad_arguments),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
