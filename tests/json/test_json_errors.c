// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Tests of src/json on small hand-written documents: every type decodes to the values it
// states, and bad input (malformed JSON, missing members, wrong kinds, counts that disagree,
// values out of range) fails with EINVAL naming the document, the member path and the problem.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include <cmocka.h>

#include "json/internal.h"
#include "zcx/json.h"

// A document of one field (schema JSON text) and one batch of `count` rows (column JSON).
static char* doc1(const char* field, int count, const char* column) {
  size_t n = strlen(field) + strlen(column) + 128;
  char* s = malloc(n);
  assert_non_null(s);
  snprintf(s, n, "{\"schema\": {\"fields\": [%s]}, \"batches\": [{\"count\": %d, \"columns\": [%s]}]}",
           field, count, column);
  return s;
}

static zcx_json_file_t* read_ok(const char* text) {
  zcx_error_t err;
  zcx_error_init(&err);
  zcx_json_file_t* f = NULL;
  int rc = zcx_json_read_buffer(text, strlen(text), "t.json", NULL, &f, &err);
  if (rc != 0) {
    fail_msg("unexpected failure: %s", err.message);
  }
  for (int32_t b = 0; b < f->num_batches; b++) {
    rc = zcx_batch_validate(f->batches[b], ZCX_VALIDATE_FULL, &err);
    if (rc != 0) {
      fail_msg("validation failed: %s", err.message);
    }
  }
  return f;
}

// Reads `text`, expects status `code` and a message holding each of the NULL-terminated
// substrings after the document name.
static void expect_fail(const char* text, int code, ...) {
  zcx_error_t err;
  zcx_error_init(&err);
  zcx_json_file_t* f = (zcx_json_file_t*)&err;  // must come back NULL
  int rc = zcx_json_read_buffer(text, strlen(text), "t.json", NULL, &f, &err);
  if (rc != code) {
    fail_msg("status %s, expected %s (message: %s)", zcx_status_name(rc), zcx_status_name(code),
             err.message);
  }
  assert_null(f);
  if (strncmp(err.message, "t.json: ", 8) != 0) {
    fail_msg("message does not name the document: %s", err.message);
  }
  va_list ap;
  va_start(ap, code);
  const char* want;
  while ((want = va_arg(ap, const char*)) != NULL) {
    if (strstr(err.message, want) == NULL) {
      va_end(ap);
      fail_msg("message \"%s\" lacks \"%s\"", err.message, want);
    }
  }
  va_end(ap);
  // A NULL error is accepted too.
  assert_int_equal(zcx_json_read_buffer(text, strlen(text), "t.json", NULL, &f, NULL), code);
}

static void expect_fail1(const char* field, int count, const char* column, const char* want1,
                         const char* want2) {
  char* text = doc1(field, count, column);
  expect_fail(text, EINVAL, want1, want2, NULL);
  free(text);
}

#define INT32_FIELD \
  "{\"name\": \"a\", \"nullable\": true, \"children\": [], \"type\": {\"name\": \"int\", " \
  "\"bitWidth\": 32, \"isSigned\": true}}"

// ---------------------------------------------------------------------------------------------
// Good documents

static void test_primitives_decode(void** state) {
  (void)state;
  const char* text =
      "{\"schema\": {\"fields\": ["
      "{\"name\": \"i\", \"nullable\": true, \"children\": [], \"type\": {\"name\": \"int\", "
      "\"bitWidth\": 64, \"isSigned\": false}},"
      "{\"name\": \"h\", \"nullable\": false, \"children\": [], \"type\": {\"name\": "
      "\"floatingpoint\", \"precision\": \"HALF\"}},"
      "{\"name\": \"d\", \"nullable\": true, \"children\": [], \"type\": {\"name\": \"decimal\", "
      "\"precision\": 5, \"scale\": 2, \"bitWidth\": 32}},"
      "{\"name\": \"s\", \"nullable\": true, \"children\": [], \"type\": {\"name\": \"utf8\"}},"
      "{\"name\": \"b\", \"nullable\": true, \"children\": [], \"type\": {\"name\": "
      "\"largebinary\"}},"
      "{\"name\": \"n\", \"nullable\": true, \"children\": [], \"type\": {\"name\": \"null\"}}"
      "], \"metadata\": [{\"key\": \"k\", \"value\": \"v\"}]},"
      "\"batches\": [{\"count\": 3, \"columns\": ["
      "{\"name\": \"i\", \"count\": 3, \"VALIDITY\": [1, 0, 1], "
      "\"DATA\": [\"18446744073709551615\", \"0\", 7]},"
      "{\"name\": \"h\", \"count\": 3, \"VALIDITY\": [1, 1, 1], \"DATA\": [1.0, -2, 65504]},"
      "{\"name\": \"d\", \"count\": 3, \"VALIDITY\": [1, 1, 0], \"DATA\": [\"-2147483648\", "
      "\"12345\", \"0\"]},"
      "{\"name\": \"s\", \"count\": 3, \"VALIDITY\": [1, 1, 0], \"OFFSET\": [0, 3, 6, 6], "
      "\"DATA\": [\"h\\u00e9\", \"abc\", \"\"]},"
      "{\"name\": \"b\", \"count\": 3, \"VALIDITY\": [1, 1, 1], \"OFFSET\": [\"0\", \"1\", \"1\", "
      "\"3\"], \"DATA\": [\"Ff\", \"\", \"0001\"]},"
      "{\"name\": \"n\", \"count\": 3}"
      "]}]}";
  zcx_json_file_t* f = read_ok(text);
  assert_int_equal(f->num_batches, 1);
  assert_int_equal(zcx_json_file_num_rows(f), 3);
  assert_string_equal(zcx_metadata_get(&f->schema->metadata, "k"), "v");
  zcx_batch_t* b = f->batches[0];
  assert_true((uint64_t)zcx_array_get_int(b->columns[0], 0) == UINT64_MAX);
  assert_true(zcx_array_is_null(b->columns[0], 1));
  assert_int_equal(zcx_array_get_int(b->columns[0], 2), 7);
  const uint16_t* h = zcx_buffer_data(b->columns[1]->buffers[1]);
  assert_int_equal(h[0], 0x3c00);
  assert_int_equal(h[1], 0xc000);
  assert_int_equal(h[2], 0x7bff);
  const uint8_t* data;
  int64_t len;
  zcx_array_get_bytes(b->columns[2], 0, &data, &len);
  assert_int_equal(len, 4);
  assert_memory_equal(data, "\x00\x00\x00\x80", 4);
  zcx_array_get_bytes(b->columns[2], 1, &data, &len);
  assert_memory_equal(data, "\x39\x30\x00\x00", 4);
  zcx_array_get_bytes(b->columns[3], 0, &data, &len);
  assert_int_equal(len, 3);
  assert_memory_equal(data, "h\xc3\xa9", 3);
  zcx_array_get_bytes(b->columns[3], 1, &data, &len);
  assert_int_equal(len, 3);
  assert_memory_equal(data, "abc", 3);
  zcx_array_get_bytes(b->columns[4], 2, &data, &len);
  assert_int_equal(len, 2);
  assert_memory_equal(data, "\x00\x01", 2);
  zcx_array_get_bytes(b->columns[4], 0, &data, &len);
  assert_memory_equal(data, "\xff", 1);
  assert_int_equal(b->columns[5]->type->id, ZCX_TYPE_NA);
  assert_int_equal(zcx_array_null_count(b->columns[5]), 3);
  zcx_json_file_destroy(f);
}

static void test_half_float_rounding(void** state) {
  (void)state;
  assert_int_equal(zcxi_json_half_from_double(0.0), 0x0000);
  assert_int_equal(zcxi_json_half_from_double(-0.0), 0x8000);
  assert_int_equal(zcxi_json_half_from_double(1.0), 0x3c00);
  assert_int_equal(zcxi_json_half_from_double(0.1), 0x2e66);
  assert_int_equal(zcxi_json_half_from_double(65504.0), 0x7bff);
  assert_int_equal(zcxi_json_half_from_double(65520.0), 0x7c00);  // rounds up to infinity
  assert_int_equal(zcxi_json_half_from_double(1e6), 0x7c00);
  assert_int_equal(zcxi_json_half_from_double(-1e6), 0xfc00);
  assert_int_equal(zcxi_json_half_from_double(5.960464477539063e-08), 0x0001);  // 2^-24
  assert_int_equal(zcxi_json_half_from_double(6.103515625e-05), 0x0400);       // 2^-14
  assert_int_equal(zcxi_json_half_from_double(1e-10), 0x0000);
  assert_int_equal(zcxi_json_half_from_double(1.0009765625), 0x3c01);  // 1 + 2^-10
  assert_int_equal(zcxi_json_half_from_double(1.00048828125), 0x3c00);  // tie to even
  assert_int_equal(zcxi_json_half_from_double(1.00146484375), 0x3c02);  // tie to even (up)
}

static void test_nested_and_dictionary_decode(void** state) {
  (void)state;
  const char* text =
      "{\"schema\": {\"fields\": ["
      "{\"name\": \"l\", \"nullable\": true, \"type\": {\"name\": \"list\"}, \"children\": ["
      "  {\"name\": \"item\", \"nullable\": true, \"children\": [], \"type\": {\"name\": \"utf8\"},"
      "   \"dictionary\": {\"id\": 7, \"isOrdered\": false, \"indexType\": {\"name\": \"int\", "
      "\"bitWidth\": 16, \"isSigned\": true}}}]},"
      "{\"name\": \"u\", \"nullable\": true, \"type\": {\"name\": \"union\", \"mode\": \"DENSE\", "
      "\"typeIds\": [3, 9]}, \"children\": ["
      "  {\"name\": \"x\", \"nullable\": true, \"children\": [], \"type\": {\"name\": \"bool\"}},"
      "  {\"name\": \"y\", \"nullable\": true, \"children\": [], \"type\": {\"name\": "
      "\"fixedsizebinary\", \"byteWidth\": 2}}]},"
      "{\"name\": \"e\", \"nullable\": true, \"children\": [], \"type\": {\"name\": \"interval\", "
      "\"unit\": \"DAY_TIME\"}, \"metadata\": [{\"key\": \"ARROW:extension:name\", \"value\": "
      "\"my.ext\"}, {\"key\": \"other\", \"value\": \"1\"}]}"
      "]},"
      "\"dictionaries\": [{\"id\": 7, \"data\": {\"count\": 2, \"columns\": [{\"name\": \"D\", "
      "\"count\": 2, \"VALIDITY\": [1, 1], \"OFFSET\": [0, 1, 3], \"DATA\": [\"a\", \"bc\"]}]}}],"
      "\"batches\": [{\"count\": 2, \"columns\": ["
      "{\"name\": \"l\", \"count\": 2, \"VALIDITY\": [1, 0], \"OFFSET\": [0, 3, 3], \"children\": ["
      "  {\"name\": \"item\", \"count\": 3, \"VALIDITY\": [1, 1, 0], \"DATA\": [1, 0, 1]}]},"
      "{\"name\": \"u\", \"count\": 2, \"TYPE_ID\": [9, 3], \"OFFSET\": [0, 0], \"children\": ["
      "  {\"name\": \"x\", \"count\": 1, \"VALIDITY\": [1], \"DATA\": [true]},"
      "  {\"name\": \"y\", \"count\": 1, \"VALIDITY\": [1], \"DATA\": [\"beef\"]}]},"
      "{\"name\": \"e\", \"count\": 2, \"VALIDITY\": [1, 1], \"DATA\": [{\"days\": -1, "
      "\"milliseconds\": 5}, {\"days\": 2, \"milliseconds\": -3}]}"
      "]}]}";
  zcx_json_file_t* f = read_ok(text);
  assert_int_equal(f->num_dictionaries, 1);
  assert_int_equal(f->dictionary_ids[0], 7);
  zcx_array_t* dict = zcx_json_file_dictionary(f, 7);
  assert_non_null(dict);
  zcx_array_t* l = f->batches[0]->columns[0];
  assert_ptr_equal(l->children[0]->dictionary, dict);
  assert_int_equal(zcx_array_get_int(l->children[0], 1), 0);
  assert_int_equal(l->children[0]->type->index_type->id, ZCX_TYPE_INT16);
  zcx_array_t* u = f->batches[0]->columns[1];
  assert_int_equal(u->type->type_codes[1], 9);
  const uint8_t* data;
  int64_t len;
  zcx_array_get_bytes(u->children[1], 0, &data, &len);
  assert_memory_equal(data, "\xbe\xef", 2);
  const zcx_field_t* ef = f->schema->fields[2];
  assert_int_equal(ef->type->id, ZCX_TYPE_EXTENSION);
  assert_string_equal(ef->type->extension_name, "my.ext");
  assert_int_equal(ef->type->extension_metadata_length, 0);
  assert_int_equal(ef->metadata.count, 1);
  assert_string_equal(zcx_metadata_get(&ef->metadata, "other"), "1");
  const int32_t* dt = zcx_buffer_data(f->batches[0]->columns[2]->buffers[1]);
  assert_int_equal(dt[0], -1);
  assert_int_equal(dt[1], 5);
  assert_int_equal(dt[3], -3);
  zcx_json_file_destroy(f);
}

static void test_offsets_kept_so_validation_sees_them(void** state) {
  (void)state;
  // List offsets that go backwards are kept as written: reading succeeds, full validation
  // fails and says where.
  const char* text =
      "{\"schema\": {\"fields\": [{\"name\": \"l\", \"nullable\": true, \"type\": {\"name\": "
      "\"list\"}, \"children\": [{\"name\": \"item\", \"nullable\": true, \"children\": [], "
      "\"type\": {\"name\": \"int\", \"bitWidth\": 8, \"isSigned\": true}}]}]},"
      "\"batches\": [{\"count\": 2, \"columns\": [{\"name\": \"l\", \"count\": 2, "
      "\"VALIDITY\": [1, 1], \"OFFSET\": [0, 3, 2], \"children\": [{\"name\": \"item\", "
      "\"count\": 3, \"VALIDITY\": [1, 1, 1], \"DATA\": [1, 2, 3]}]}]}]}";
  zcx_error_t err;
  zcx_json_file_t* f = NULL;
  assert_int_equal(zcx_json_read_buffer(text, strlen(text), "t.json", NULL, &f, &err), 0);
  assert_int_equal(zcx_batch_validate(f->batches[0], ZCX_VALIDATE_FULL, &err), EINVAL);
  zcx_json_file_destroy(f);
}

static void test_read_file_plain_and_gzip(void** state) {
  (void)state;
  char* text = doc1(INT32_FIELD, 2,
                    "{\"name\": \"a\", \"count\": 2, \"VALIDITY\": [1, 1], \"DATA\": [5, -6]}");
  char plain[] = "/tmp/zcx_json_test_XXXXXX";
  int fd = mkstemp(plain);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
  close(fd);
  char gz[64];
  snprintf(gz, sizeof(gz), "%s.gz", plain);
  gzFile g = gzopen(gz, "wb");
  assert_non_null(g);
  assert_int_equal(gzwrite(g, text, (unsigned)strlen(text)), (int)strlen(text));
  gzclose(g);
  const char* paths[2] = {plain, gz};
  for (int i = 0; i < 2; i++) {
    zcx_error_t err;
    zcx_json_file_t* f = NULL;
    int rc = zcx_json_read_file(paths[i], NULL, &f, &err);
    if (rc != 0) {
      fail_msg("%s: %s", paths[i], err.message);
    }
    assert_int_equal(zcx_array_get_int(f->batches[0]->columns[0], 1), -6);
    zcx_json_file_destroy(f);
  }
  // A truncated gzip stream is an error, not a short document.
  FILE* fp = fopen(gz, "r+b");
  assert_non_null(fp);
  assert_int_equal(fseek(fp, 0, SEEK_END), 0);
  long size = ftell(fp);
  fclose(fp);
  assert_int_equal(truncate(gz, size / 2), 0);
  zcx_error_t err;
  zcx_json_file_t* f = NULL;
  assert_int_not_equal(zcx_json_read_file(gz, NULL, &f, &err), 0);
  assert_null(f);
  unlink(plain);
  unlink(gz);
  free(text);

  assert_int_equal(zcx_json_read_file("/nonexistent/zcx.json.gz", NULL, &f, &err), EIO);
  assert_non_null(strstr(err.message, "/nonexistent/zcx.json.gz"));
  assert_int_equal(zcx_json_read_file(NULL, NULL, &f, &err), EINVAL);
  assert_int_equal(zcx_json_read_file("x", NULL, NULL, &err), EINVAL);
  zcx_json_file_destroy(NULL);
}

// ---------------------------------------------------------------------------------------------
// Bad documents

static void test_malformed_json(void** state) {
  (void)state;
  expect_fail("{\"schema\": ", EINVAL, "malformed JSON at line 1", NULL);
  expect_fail("", EINVAL, "malformed JSON", NULL);
  expect_fail("[1, 2]", EINVAL, "the document is an array, expected an object", NULL);
  expect_fail("{\"schema\": {\"fields\": []}, \"schema\": {}, \"batches\": []}", EINVAL,
              "malformed JSON", "duplicate", NULL);
}

static void test_missing_members(void** state) {
  (void)state;
  expect_fail("{\"batches\": []}", EINVAL, "missing member 'schema'", NULL);
  expect_fail("{\"schema\": {\"fields\": []}}", EINVAL, "missing member 'batches'", NULL);
  expect_fail("{\"schema\": {}, \"batches\": []}", EINVAL, "schema: missing member 'fields'",
              NULL);
  expect_fail(
      "{\"schema\": {\"fields\": [{\"name\": \"a\", \"children\": [], \"type\": {\"name\": "
      "\"bool\"}}]}, \"batches\": []}",
      EINVAL, "schema.fields[0] 'a': missing member 'nullable'", NULL);
  expect_fail(
      "{\"schema\": {\"fields\": [{\"name\": \"a\", \"nullable\": true, \"children\": [], "
      "\"type\": {\"name\": \"int\", \"isSigned\": true}}]}, \"batches\": []}",
      EINVAL, "schema.fields[0] 'a'.type: missing member 'bitWidth'", NULL);
  expect_fail1(INT32_FIELD, 1, "{\"name\": \"a\", \"count\": 1, \"VALIDITY\": [1]}",
               "batches[0].columns[0] 'a'", "missing member 'DATA'");
  expect_fail1(INT32_FIELD, 1, "{\"name\": \"a\", \"count\": 1, \"DATA\": [1]}",
               "batches[0].columns[0] 'a'", "missing member 'VALIDITY'");
  expect_fail1(INT32_FIELD, 1, "{\"name\": \"a\", \"VALIDITY\": [1], \"DATA\": [1]}",
               "batches[0].columns[0] 'a'", "missing member 'count'");
}

static void test_wrong_kinds(void** state) {
  (void)state;
  expect_fail("{\"schema\": [], \"batches\": []}", EINVAL,
              "member 'schema' is an array, expected an object", NULL);
  expect_fail1(INT32_FIELD, 2,
               "{\"name\": \"a\", \"count\": 2, \"VALIDITY\": [1, 1], \"DATA\": [1, \"x\"]}",
               "batches[0].columns[0] 'a'", "DATA[1]: \"x\" is not an integer");
  expect_fail1(INT32_FIELD, 2,
               "{\"name\": \"a\", \"count\": 2, \"VALIDITY\": [1, 1], \"DATA\": [1, 2.5]}",
               "DATA[1]", "a real number, expected an integer");
  expect_fail1(INT32_FIELD, 2,
               "{\"name\": \"a\", \"count\": 2, \"VALIDITY\": [1, 2], \"DATA\": [1, 2]}",
               "VALIDITY[1]", "expected 0 or 1");
  expect_fail1(INT32_FIELD, 2, "{\"name\": \"a\", \"count\": \"two\", \"VALIDITY\": [1, 1], "
               "\"DATA\": [1, 2]}", "member 'count' is a string", NULL);
  expect_fail1(INT32_FIELD, 1, "{\"name\": \"b\", \"count\": 1, \"VALIDITY\": [1], \"DATA\": [1]}",
               "column is named 'b'", "'a'");
  expect_fail1("{\"name\": \"a\", \"nullable\": true, \"children\": [], \"type\": {\"name\": "
               "\"quaternion\"}}", 0, "", "unknown type name \"quaternion\"", NULL);
  expect_fail1("{\"name\": \"a\", \"nullable\": true, \"children\": [], \"type\": {\"name\": "
               "\"list\"}}", 0, "", "type 'list' takes 1 children, the field has 0", NULL);
  expect_fail1("{\"name\": \"a\", \"nullable\": true, \"children\": [], \"type\": {\"name\": "
               "\"time\", \"unit\": \"FORTNIGHT\", \"bitWidth\": 32}}", 0, "",
               "unknown time unit", NULL);
  expect_fail1("{\"name\": \"a\", \"nullable\": true, \"children\": [], \"type\": {\"name\": "
               "\"int\", \"bitWidth\": 12, \"isSigned\": true}}", 0, "",
               "bitWidth 12 is not 8, 16, 32 or 64", NULL);
}

static void test_counts_that_disagree(void** state) {
  (void)state;
  expect_fail1(INT32_FIELD, 3,
               "{\"name\": \"a\", \"count\": 3, \"VALIDITY\": [1, 1], \"DATA\": [1, 2, 3]}",
               "batches[0].columns[0] 'a'", "member 'VALIDITY' has 2 entries, expected 3");
  expect_fail1(INT32_FIELD, 3,
               "{\"name\": \"a\", \"count\": 3, \"VALIDITY\": [1, 1, 1], \"DATA\": [1, 2]}",
               "member 'DATA' has 2 entries, expected 3", NULL);
  expect_fail1(INT32_FIELD, 4,
               "{\"name\": \"a\", \"count\": 3, \"VALIDITY\": [1, 1, 1], \"DATA\": [1, 2, 3]}",
               "batches[0].columns[0]: column count 3 disagrees with the batch's count 4", NULL);
  const char* two_cols =
      "{\"schema\": {\"fields\": [" INT32_FIELD "]}, \"batches\": [{\"count\": 0, \"columns\": "
      "[]}]}";
  expect_fail(two_cols, EINVAL, "batches[0]: member 'columns' has 0 entries, expected 1", NULL);
  // String offsets that disagree with the DATA lengths.
  const char* s_field =
      "{\"name\": \"s\", \"nullable\": true, \"children\": [], \"type\": {\"name\": \"utf8\"}}";
  expect_fail1(s_field, 2,
               "{\"name\": \"s\", \"count\": 2, \"VALIDITY\": [1, 1], \"OFFSET\": [0, 1, 5], "
               "\"DATA\": [\"a\", \"bc\"]}",
               "OFFSET[1..2] = 1..5 disagrees with DATA[1] of 2 bytes", NULL);
  expect_fail1(s_field, 2,
               "{\"name\": \"s\", \"count\": 2, \"VALIDITY\": [1, 1], \"OFFSET\": [0, 1], "
               "\"DATA\": [\"a\", \"bc\"]}",
               "member 'OFFSET' has 2 entries, expected 3", NULL);
  expect_fail1(s_field, 1,
               "{\"name\": \"s\", \"count\": 1, \"VALIDITY\": [1], \"OFFSET\": [3, 1], "
               "\"DATA\": [\"a\"]}",
               "OFFSET runs from 3 to 1", NULL);
  // A struct whose children count differs from the type's.
  expect_fail1("{\"name\": \"t\", \"nullable\": true, \"type\": {\"name\": \"struct\"}, "
               "\"children\": [" INT32_FIELD "]}", 1,
               "{\"name\": \"t\", \"count\": 1, \"VALIDITY\": [1], \"children\": []}",
               "batches[0].columns[0] 't'", "member 'children' has 0 entries, expected 1");
  // A child shorter than its struct: caught by the array layer, prefixed with the path.
  expect_fail1("{\"name\": \"t\", \"nullable\": true, \"type\": {\"name\": \"struct\"}, "
               "\"children\": [" INT32_FIELD "]}", 2,
               "{\"name\": \"t\", \"count\": 2, \"VALIDITY\": [1, 1], \"children\": [{\"name\": "
               "\"a\", \"count\": 1, \"VALIDITY\": [1], \"DATA\": [1]}]}",
               "batches[0].columns[0] 't'", "length");
}

static void test_values_out_of_range(void** state) {
  (void)state;
  const char* i8 = "{\"name\": \"a\", \"nullable\": true, \"children\": [], \"type\": {\"name\": "
                   "\"int\", \"bitWidth\": 8, \"isSigned\": true}}";
  expect_fail1(i8, 1, "{\"name\": \"a\", \"count\": 1, \"VALIDITY\": [1], \"DATA\": [128]}",
               "DATA[0]: 128 does not fit a signed 8-bit integer", NULL);
  const char* u16 = "{\"name\": \"a\", \"nullable\": true, \"children\": [], \"type\": {\"name\": "
                    "\"int\", \"bitWidth\": 16, \"isSigned\": false}}";
  expect_fail1(u16, 1, "{\"name\": \"a\", \"count\": 1, \"VALIDITY\": [1], \"DATA\": [-1]}",
               "DATA[0]: -1 is negative", NULL);
  const char* i64 = "{\"name\": \"a\", \"nullable\": true, \"children\": [], \"type\": {\"name\": "
                    "\"int\", \"bitWidth\": 64, \"isSigned\": true}}";
  expect_fail1(i64, 1,
               "{\"name\": \"a\", \"count\": 1, \"VALIDITY\": [1], \"DATA\": "
               "[\"9223372036854775808\"]}",
               "DATA[0]", "is not an integer");
  const char* dec = "{\"name\": \"a\", \"nullable\": true, \"children\": [], \"type\": {\"name\": "
                    "\"decimal\", \"precision\": 9, \"scale\": 0, \"bitWidth\": 32}}";
  expect_fail1(dec, 1,
               "{\"name\": \"a\", \"count\": 1, \"VALIDITY\": [1], \"DATA\": [\"2147483648\"]}",
               "DATA[0]: \"2147483648\" does not fit a 32-bit decimal", NULL);
  expect_fail1(dec, 1, "{\"name\": \"a\", \"count\": 1, \"VALIDITY\": [1], \"DATA\": [\"1e5\"]}",
               "is not a decimal integer", NULL);
  const char* bin = "{\"name\": \"a\", \"nullable\": true, \"children\": [], \"type\": {\"name\": "
                    "\"binary\"}}";
  expect_fail1(bin, 1,
               "{\"name\": \"a\", \"count\": 1, \"VALIDITY\": [1], \"OFFSET\": [0, 1], "
               "\"DATA\": [\"zz\"]}",
               "DATA[0]: \"zz\" is not hex", NULL);
  expect_fail1(bin, 1,
               "{\"name\": \"a\", \"count\": 1, \"VALIDITY\": [1], \"OFFSET\": [0, 1], "
               "\"DATA\": [\"abc\"]}",
               "hex string of odd length 3", NULL);
  const char* fsb = "{\"name\": \"a\", \"nullable\": true, \"children\": [], \"type\": {\"name\": "
                    "\"fixedsizebinary\", \"byteWidth\": 3}}";
  expect_fail1(fsb, 1, "{\"name\": \"a\", \"count\": 1, \"VALIDITY\": [1], \"DATA\": [\"abcd\"]}",
               "DATA[0]: 2 bytes, the type's width is 3", NULL);
  const char* sv = "{\"name\": \"a\", \"nullable\": true, \"children\": [], \"type\": {\"name\": "
                   "\"utf8view\"}}";
  expect_fail1(sv, 1,
               "{\"name\": \"a\", \"count\": 1, \"VALIDITY\": [1], \"VIEWS\": [{\"SIZE\": 3, "
               "\"INLINED\": \"ab\"}], \"VARIADIC_DATA_BUFFERS\": []}",
               "VIEWS[0]: INLINED holds 2 bytes, SIZE says 3", NULL);
  expect_fail1(sv, 1,
               "{\"name\": \"a\", \"count\": 1, \"VALIDITY\": [1], \"VIEWS\": [{\"SIZE\": 13, "
               "\"PREFIX_HEX\": \"61626364\", \"BUFFER_INDEX\": 0}], \"VARIADIC_DATA_BUFFERS\": "
               "[\"61626364616263646162636461\"]}",
               "VIEWS[0]: missing member 'OFFSET'", NULL);
}

static void test_dictionary_errors(void** state) {
  (void)state;
  const char* field =
      "{\"name\": \"d\", \"nullable\": true, \"children\": [], \"type\": {\"name\": \"utf8\"}, "
      "\"dictionary\": {\"id\": 4, \"isOrdered\": false, \"indexType\": {\"name\": \"int\", "
      "\"bitWidth\": 8, \"isSigned\": true}}}";
  const char* column = "{\"name\": \"d\", \"count\": 1, \"VALIDITY\": [1], \"DATA\": [0]}";
  char text[2048];
  snprintf(text, sizeof(text),
           "{\"schema\": {\"fields\": [%s]}, \"batches\": [{\"count\": 1, \"columns\": [%s]}]}",
           field, column);
  expect_fail(text, EINVAL, "batches[0].columns[0] 'd'", "no entry of 'dictionaries' has id 4",
              NULL);
  snprintf(text, sizeof(text),
           "{\"schema\": {\"fields\": [%s]}, \"dictionaries\": [{\"id\": 5, \"data\": {}}], "
           "\"batches\": []}",
           field);
  expect_fail(text, EINVAL, "dictionaries[0]: id 5 is not used by any field", NULL);
  const char* dict = "{\"id\": 4, \"data\": {\"count\": 1, \"columns\": [{\"name\": \"D\", "
                     "\"count\": 1, \"VALIDITY\": [1], \"OFFSET\": [0, 1], \"DATA\": [\"x\"]}]}}";
  snprintf(text, sizeof(text),
           "{\"schema\": {\"fields\": [%s]}, \"dictionaries\": [%s, %s], \"batches\": []}", field,
           dict, dict);
  expect_fail(text, EINVAL, "dictionaries[1]: id 4 already appeared in dictionaries[0]", NULL);
  snprintf(text, sizeof(text),
           "{\"schema\": {\"fields\": [%s]}, \"dictionaries\": [{\"id\": 4, \"data\": "
           "{\"count\": 2, \"columns\": [{\"name\": \"D\", \"count\": 1, \"VALIDITY\": [1], "
           "\"OFFSET\": [0, 1], \"DATA\": [\"x\"]}]}}], \"batches\": []}",
           field);
  expect_fail(text, EINVAL, "dictionaries[0].data.columns[0]",
              "column count 1 disagrees with the dictionary's count 2", NULL);
  // The same id with another value type.
  const char* other =
      "{\"name\": \"e\", \"nullable\": true, \"children\": [], \"type\": {\"name\": \"binary\"}, "
      "\"dictionary\": {\"id\": 4, \"isOrdered\": false, \"indexType\": {\"name\": \"int\", "
      "\"bitWidth\": 8, \"isSigned\": true}}}";
  snprintf(text, sizeof(text), "{\"schema\": {\"fields\": [%s, %s]}, \"batches\": []}", field,
           other);
  expect_fail(text, EINVAL, "schema.fields[1] 'e'.dictionary", "dictionary id 4", NULL);
  // An index that is out of range is kept; full validation reports it.
  snprintf(text, sizeof(text),
           "{\"schema\": {\"fields\": [%s]}, \"dictionaries\": [%s], \"batches\": [{\"count\": 1, "
           "\"columns\": [{\"name\": \"d\", \"count\": 1, \"VALIDITY\": [1], \"DATA\": [3]}]}]}",
           field, dict);
  zcx_error_t err;
  zcx_json_file_t* f = NULL;
  assert_int_equal(zcx_json_read_buffer(text, strlen(text), "t.json", NULL, &f, &err), 0);
  assert_int_equal(zcx_batch_validate(f->batches[0], ZCX_VALIDATE_FULL, &err), EINVAL);
  zcx_json_file_destroy(f);
}

static void test_deep_nesting_is_refused(void** state) {
  (void)state;
  // 100 nested structs: refused before the stack gets deep.
  size_t cap = 200 * 100 + 256;
  char* text = malloc(cap);
  assert_non_null(text);
  size_t n = (size_t)snprintf(text, cap, "{\"schema\": {\"fields\": [");
  for (int i = 0; i < 100; i++) {
    n += (size_t)snprintf(text + n, cap - n,
                          "{\"name\": \"s\", \"nullable\": true, \"type\": {\"name\": "
                          "\"struct\"}, \"children\": [");
  }
  for (int i = 0; i < 100; i++) {
    n += (size_t)snprintf(text + n, cap - n, "]}");
  }
  snprintf(text + n, cap - n, "]}, \"batches\": []}");
  expect_fail(text, EINVAL, "nested deeper than 64 levels", NULL);
  free(text);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_primitives_decode),
      cmocka_unit_test(test_half_float_rounding),
      cmocka_unit_test(test_nested_and_dictionary_decode),
      cmocka_unit_test(test_offsets_kept_so_validation_sees_them),
      cmocka_unit_test(test_read_file_plain_and_gzip),
      cmocka_unit_test(test_malformed_json),
      cmocka_unit_test(test_missing_members),
      cmocka_unit_test(test_wrong_kinds),
      cmocka_unit_test(test_counts_that_disagree),
      cmocka_unit_test(test_values_out_of_range),
      cmocka_unit_test(test_dictionary_errors),
      cmocka_unit_test(test_deep_nesting_is_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
