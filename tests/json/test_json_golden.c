// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Tests of src/json against the Arrow integration golden JSON files: every file loads and
// validates fully, and known values read back as the files state them.
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "zcx/json.h"

static char g_data_dir[1024];

static const char* const kDirs[] = {"1.0.0-littleendian", "cpp-21.0.0"};

static int cmp_names(const void* a, const void* b) {
  return strcmp(*(const char* const*)a, *(const char* const*)b);
}

static bool has_suffix(const char* s, const char* suffix) {
  size_t n = strlen(s);
  size_t m = strlen(suffix);
  return n >= m && strcmp(s + n - m, suffix) == 0;
}

// The sorted *.json.gz names of one integration folder (caller frees each and the list).
static char** list_json_files(const char* dir, size_t* count) {
  DIR* d = opendir(dir);
  *count = 0;
  if (d == NULL) {
    return NULL;
  }
  size_t cap = 64;
  char** names = malloc(cap * sizeof(*names));
  assert_non_null(names);
  struct dirent* e;
  while ((e = readdir(d)) != NULL) {
    if (!has_suffix(e->d_name, ".json.gz")) {
      continue;
    }
    if (*count == cap) {
      cap *= 2;
      names = realloc(names, cap * sizeof(*names));
      assert_non_null(names);
    }
    names[(*count)++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(names, *count, sizeof(*names), cmp_names);
  return names;
}

static void integration_path(char* out, size_t size, const char* dir, const char* file) {
  snprintf(out, size, "%s/arrow-ipc-stream/integration/%s/%s", g_data_dir, dir, file);
}

static zcx_json_file_t* load(const char* dir, const char* file) {
  char path[2048];
  integration_path(path, sizeof(path), dir, file);
  zcx_error_t err;
  zcx_error_init(&err);
  zcx_json_file_t* f = NULL;
  int rc = zcx_json_read_file(path, NULL, &f, &err);
  if (rc != 0) {
    fail_msg("%s: %s", path, err.message);
  }
  return f;
}

static void test_every_golden_file_loads_and_validates(void** state) {
  (void)state;
  int failures = 0;
  for (size_t d = 0; d < sizeof(kDirs) / sizeof(kDirs[0]); d++) {
    char dir[1536];
    snprintf(dir, sizeof(dir), "%s/arrow-ipc-stream/integration/%s", g_data_dir, kDirs[d]);
    size_t n;
    char** names = list_json_files(dir, &n);
    if (names == NULL || n == 0) {
      printf("FAIL %s: no *.json.gz files\n", dir);
      failures++;
    }
    for (size_t i = 0; i < n; i++) {
      char path[2048];
      integration_path(path, sizeof(path), kDirs[d], names[i]);
      zcx_error_t err;
      zcx_error_init(&err);
      zcx_json_file_t* f = NULL;
      int rc = zcx_json_read_file(path, NULL, &f, &err);
      for (int32_t b = 0; rc == 0 && f != NULL && b < f->num_batches; b++) {
        rc = zcx_batch_validate(f->batches[b], ZCX_VALIDATE_FULL, &err);
        if (rc != 0) {
          zcx_error_prefix(&err, "batch %d: ", b);
        }
      }
      for (int32_t k = 0; rc == 0 && f != NULL && k < f->num_dictionaries; k++) {
        rc = zcx_array_validate(f->dictionaries[k], ZCX_VALIDATE_FULL, &err);
        if (rc != 0) {
          zcx_error_prefix(&err, "dictionary %lld: ", (long long)f->dictionary_ids[k]);
        }
      }
      if (rc == 0) {
        printf("ok %s/%s %d %lld\n", kDirs[d], names[i], f->num_batches,
               (long long)zcx_json_file_num_rows(f));
      } else {
        printf("FAIL %s/%s: %s (%s)\n", kDirs[d], names[i], zcx_status_name(rc), err.message);
        failures++;
      }
      zcx_json_file_destroy(f);
      free(names[i]);
    }
    free(names);
  }
  assert_int_equal(failures, 0);
}

static const zcx_array_t* column(const zcx_json_file_t* f, int32_t batch, const char* name) {
  assert_true(batch < f->num_batches);
  const zcx_array_t* a = zcx_batch_column_by_name(f->batches[batch], name);
  if (a == NULL) {
    fail_msg("no column '%s'", name);
  }
  return a;
}

static void test_primitive_values(void** state) {
  (void)state;
  zcx_json_file_t* f = load("cpp-21.0.0", "generated_primitive.json.gz");
  assert_int_equal(f->num_batches, 2);
  assert_int_equal(f->batches[0]->num_rows, 17);
  assert_false(f->schema->fields[0]->type->id != ZCX_TYPE_BOOL);

  // bool_nullable: VALIDITY [0, 0, 1, ...], DATA [false, true, true, ...].
  const zcx_array_t* b = column(f, 0, "bool_nullable");
  assert_true(zcx_array_is_null(b, 0));
  assert_true(zcx_array_is_null(b, 1));
  assert_false(zcx_array_is_null(b, 2));
  assert_true(zcx_array_get_bool(b, 2));
  assert_false(zcx_array_get_bool(b, 0));

  const zcx_array_t* i8 = column(f, 0, "int8_nullable");
  assert_int_equal(i8->type->id, ZCX_TYPE_INT8);
  assert_int_equal(zcx_array_get_int(i8, 0), -128);
  assert_int_equal(zcx_array_get_int(i8, 1), 127);
  assert_int_equal(zcx_array_get_int(i8, 2), 27);
  assert_true(zcx_array_is_null(i8, 8));

  // 64-bit integers are JSON strings.
  const zcx_array_t* i64 = column(f, 0, "int64_nullable");
  assert_int_equal(zcx_array_get_int(i64, 0), -2147483648LL);
  assert_int_equal(zcx_array_get_int(i64, 2), 1756534929LL);
  const zcx_array_t* u16 = column(f, 0, "uint16_nullable");
  assert_int_equal(zcx_array_get_int(u16, 1), 65535);
  const zcx_array_t* u64 = column(f, 0, "uint64_nonnullable");
  assert_int_equal(zcx_array_get_int(u64, 1), 2147483647);
  assert_int_equal(zcx_array_null_count((zcx_array_t*)u64), 0);

  const zcx_array_t* f32 = column(f, 0, "float32_nullable");
  assert_float_equal(zcx_array_get_double(f32, 0), 641.818, 1e-3);
  const zcx_array_t* f64 = column(f, 0, "float64_nullable");
  assert_float_equal(zcx_array_get_double(f64, 1), -1746.99, 1e-9);
  zcx_json_file_destroy(f);
}

static void test_decimal256_values(void** state) {
  (void)state;
  zcx_json_file_t* f = load("cpp-21.0.0", "generated_decimal256.json.gz");
  const zcx_array_t* a = column(f, 0, "f0");
  assert_int_equal(a->type->id, ZCX_TYPE_DECIMAL256);
  assert_int_equal(a->type->precision, 37);
  assert_int_equal(a->type->scale, 5);
  // "5991550892164182936399252686702397067" and "-2031123033167196931846941783813867591".
  static const uint8_t v0[32] = {0x8b, 0x46, 0xe4, 0x55, 0x7b, 0xc2, 0xb2, 0x3f,
                                 0x20, 0x02, 0xe3, 0x2a, 0x44, 0xee, 0x81, 0x04};
  uint8_t v1[32];
  static const uint8_t v1_low[16] = {0xb9, 0xb7, 0x2a, 0x74, 0x56, 0xc9, 0xa5, 0x6f,
                                     0xca, 0x31, 0x86, 0x20, 0xe7, 0xd1, 0x78, 0xfe};
  memcpy(v1, v1_low, 16);
  memset(v1 + 16, 0xff, 16);
  const uint8_t* data;
  int64_t len;
  zcx_array_get_bytes(a, 0, &data, &len);
  assert_int_equal(len, 32);
  assert_memory_equal(data, v0, 32);
  zcx_array_get_bytes(a, 1, &data, &len);
  assert_memory_equal(data, v1, 32);
  zcx_json_file_destroy(f);
}

static void test_nested_dictionaries_are_resolved(void** state) {
  (void)state;
  zcx_json_file_t* f = load("cpp-21.0.0", "generated_nested_dictionary.json.gz");
  assert_int_equal(f->num_dictionaries, 3);
  zcx_array_t* d0 = zcx_json_file_dictionary(f, 0);
  zcx_array_t* d1 = zcx_json_file_dictionary(f, 1);
  zcx_array_t* d2 = zcx_json_file_dictionary(f, 2);
  assert_non_null(d0);
  assert_non_null(d1);
  assert_non_null(d2);
  assert_null(zcx_json_file_dictionary(f, 3));
  assert_int_equal(d0->length, 10);
  assert_int_equal(d0->type->id, ZCX_TYPE_STRING);
  // Dictionary 1 is a list of strings encoded with dictionary 0.
  assert_int_equal(d1->type->id, ZCX_TYPE_LIST);
  assert_int_equal(d1->children[0]->type->id, ZCX_TYPE_DICTIONARY);
  assert_ptr_equal(d1->children[0]->dictionary, d0);
  // Dictionary 2 is a struct of two such fields sharing dictionary 0.
  assert_ptr_equal(d2->children[0]->dictionary, d0);
  assert_ptr_equal(d2->children[1]->dictionary, d0);

  const zcx_array_t* list_dict = column(f, 0, "list_dict");
  assert_int_equal(list_dict->type->id, ZCX_TYPE_DICTIONARY);
  assert_ptr_equal(list_dict->dictionary, d1);
  assert_int_equal(f->schema->fields[0]->dictionary_id, 1);
  assert_int_equal(f->schema->fields[1]->dictionary_id, 2);
  // DATA [22, 21, 8, ...]
  assert_int_equal(zcx_array_get_int(list_dict, 0), 22);
  assert_int_equal(zcx_array_get_int(list_dict, 2), 8);
  zcx_json_file_destroy(f);
}

static void test_views_inline_and_out_of_line(void** state) {
  (void)state;
  zcx_json_file_t* f = load("cpp-21.0.0", "generated_binary_view.json.gz");
  assert_int_equal(f->num_batches, 3);
  // Batch 1: inlined views; "bv"[0] is F34D, "sv"[1] is "µppjldl".
  const zcx_array_t* bv = column(f, 1, "bv");
  assert_int_equal(bv->type->id, ZCX_TYPE_BINARY_VIEW);
  const uint8_t* data;
  int64_t len;
  zcx_array_get_bytes(bv, 0, &data, &len);
  assert_int_equal(len, 2);
  assert_memory_equal(data, "\xF3\x4D", 2);
  const zcx_array_t* sv = column(f, 1, "sv");
  zcx_array_get_bytes(sv, 1, &data, &len);
  assert_int_equal(len, 8);
  assert_memory_equal(data, "\xc2\xb5ppjldl", 8);
  // Batch 2: "bv"[18] is out of line, 17 bytes at offset 0 of data buffer 0 (of 3).
  bv = column(f, 2, "bv");
  assert_int_equal(bv->num_buffers, 2 + 3);
  zcx_array_get_bytes(bv, 18, &data, &len);
  assert_int_equal(len, 17);
  assert_memory_equal(data, "\x20\xE3\xFA\x45\xDF\x38\xB7\xBE\x18\x19\x6C\xF7\x27\xC4\xAF\x8F\xBC",
                      17);
  sv = column(f, 2, "sv");
  zcx_array_get_bytes(sv, 38, &data, &len);
  assert_int_equal(len, 14);
  assert_memory_equal(data, "k\xe2\x82\xac" "g\xe7\x9f\xa2\xe2\x82\xac" "l\xc3\x82", 14);
  zcx_json_file_destroy(f);
}

static void test_intervals_unions_and_run_ends(void** state) {
  (void)state;
  zcx_json_file_t* f = load("cpp-21.0.0", "generated_interval_mdn.json.gz");
  const zcx_array_t* mdn = column(f, 0, "f1");
  assert_int_equal(mdn->type->id, ZCX_TYPE_INTERVAL_MONTH_DAY_NANO);
  const uint8_t* raw = zcx_buffer_data(mdn->buffers[1]);
  int32_t months;
  int32_t days;
  int64_t nanos;
  memcpy(&months, raw, 4);
  memcpy(&days, raw + 4, 4);
  memcpy(&nanos, raw + 8, 8);
  assert_int_equal(months, 1493908993);
  assert_int_equal(days, -474729930);
  assert_true(nanos == INT64_C(8820212087008106548));
  zcx_json_file_destroy(f);

  f = load("cpp-21.0.0", "generated_union.json.gz");
  const zcx_array_t* dense = f->batches[1]->columns[1];
  assert_int_equal(dense->type->id, ZCX_TYPE_DENSE_UNION);
  assert_int_equal(dense->type->type_codes[0], 10);
  assert_int_equal(dense->type->type_codes[1], 20);
  const int8_t* ids = zcx_buffer_data(dense->buffers[0]);
  const int32_t* offs = zcx_buffer_data(dense->buffers[1]);
  assert_int_equal(ids[3], 20);
  assert_int_equal(offs[4], 3);
  assert_int_equal(dense->children[0]->length, 7);
  zcx_json_file_destroy(f);

  f = load("cpp-21.0.0", "generated_run_end_encoded.json.gz");
  const zcx_array_t* ree = column(f, 1, "ree16_int32");
  assert_int_equal(ree->type->id, ZCX_TYPE_RUN_END_ENCODED);
  assert_int_equal(ree->length, 7);
  assert_int_equal(ree->children[0]->type->id, ZCX_TYPE_INT16);
  assert_int_equal(zcx_array_get_int(ree->children[0], 3), 6);
  assert_int_equal(zcx_array_get_int(ree->children[1], 1), 2147483647);
  zcx_json_file_destroy(f);
}

static void test_extension_timestamp_and_metadata(void** state) {
  (void)state;
  zcx_json_file_t* f = load("cpp-21.0.0", "generated_extension.json.gz");
  const zcx_field_t* uuids = f->schema->fields[0];
  assert_int_equal(uuids->type->id, ZCX_TYPE_EXTENSION);
  assert_string_equal(uuids->type->extension_name, "arrow.uuid");
  assert_int_equal(uuids->type->storage_type->id, ZCX_TYPE_FIXED_SIZE_BINARY);
  assert_int_equal(uuids->metadata.count, 0);
  const zcx_field_t* de = f->schema->fields[1];
  assert_int_equal(de->type->id, ZCX_TYPE_EXTENSION);
  assert_string_equal(de->type->extension_metadata, "dict-extension-serialized");
  assert_int_equal(de->type->storage_type->id, ZCX_TYPE_DICTIONARY);
  assert_int_equal(de->dictionary_id, 0);
  const zcx_array_t* a = column(f, 1, "dict_exts");
  assert_ptr_equal(a->dictionary, zcx_json_file_dictionary(f, 0));
  zcx_json_file_destroy(f);

  f = load("cpp-21.0.0", "generated_datetime.json.gz");
  bool saw_tz = false;
  for (int32_t i = 0; i < f->schema->num_fields; i++) {
    const zcx_type_t* t = f->schema->fields[i]->type;
    if (t->id == ZCX_TYPE_TIMESTAMP && t->timezone != NULL &&
        strcmp(t->timezone, "Europe/Paris") == 0) {
      saw_tz = true;
      assert_int_equal(t->unit, ZCX_TIME_MICRO);
    }
  }
  assert_true(saw_tz);
  zcx_json_file_destroy(f);

  f = load("1.0.0-littleendian", "generated_custom_metadata.json.gz");
  assert_string_equal(zcx_metadata_get(&f->schema->metadata, "schema_custom_0"), "{}");
  zcx_json_file_destroy(f);
}

static bool find_data_dir(void) {
  const char* env = getenv("ARROW_TEST_DATA");
  if (env != NULL && env[0] != '\0') {
    snprintf(g_data_dir, sizeof(g_data_dir), "%s", env);
  } else {
    snprintf(g_data_dir, sizeof(g_data_dir), "%s/../shared/arrow-testing/data", ZCX_SOURCE_DIR);
  }
  char probe[1200];
  snprintf(probe, sizeof(probe), "%s/arrow-ipc-stream/integration", g_data_dir);
  struct stat st;
  return stat(probe, &st) == 0 && S_ISDIR(st.st_mode);
}

int main(void) {
  if (!find_data_dir()) {
    const char* req = getenv("ZCX_REQUIRE_TEST_DATA");
    if (req != NULL && strcmp(req, "1") == 0) {
      fprintf(stderr, "arrow-testing data not found at %s (ZCX_REQUIRE_TEST_DATA=1)\n",
              g_data_dir);
      return 1;
    }
    fprintf(stderr, "skipped: arrow-testing data not found at %s (set ARROW_TEST_DATA)\n",
            g_data_dir);
    return 77;
  }
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_golden_file_loads_and_validates),
      cmocka_unit_test(test_primitive_values),
      cmocka_unit_test(test_decimal256_values),
      cmocka_unit_test(test_nested_dictionaries_are_resolved),
      cmocka_unit_test(test_views_inline_and_out_of_line),
      cmocka_unit_test(test_intervals_unions_and_run_ends),
      cmocka_unit_test(test_extension_timestamp_and_metadata),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
