// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Tests of src/json on mutated golden documents (fixed seeds): every mutation is either
// rejected with EINVAL and a message naming the document, or read into arrays that full
// validation accepts or rejects cleanly. Run under the sanitizers, this shows that the reader
// never reads or writes out of bounds whatever the numbers in the document say.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include <cmocka.h>

#include "zcx/json.h"

#ifdef ZCX_SANITIZE
#define ITERATIONS 40
#else
#define ITERATIONS 200
#endif

static char g_dir[1200];

static const char* const kFiles[] = {
    "generated_primitive.json.gz",      "generated_nested_dictionary.json.gz",
    "generated_binary_view.json.gz",    "generated_union.json.gz",
    "generated_run_end_encoded.json.gz", "generated_list_view.json.gz",
    "generated_extension.json.gz",      "generated_map.json.gz",
    "generated_recursive_nested.json.gz", "generated_interval_mdn.json.gz",
    "generated_decimal256.json.gz",     "generated_nested_large_offsets.json.gz",
    "generated_null.json.gz",
};

static uint64_t next(uint64_t* s) {
  *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
  return *s >> 33;
}

static char* load_text(const char* name, size_t* size) {
  char path[1400];
  snprintf(path, sizeof(path), "%s/%s", g_dir, name);
  gzFile f = gzopen(path, "rb");
  if (f == NULL) {
    fail_msg("cannot open %s", path);
  }
  size_t cap = 1 << 20;
  size_t len = 0;
  char* buf = malloc(cap);
  assert_non_null(buf);
  for (;;) {
    if (len == cap) {
      cap *= 2;
      buf = realloc(buf, cap);
      assert_non_null(buf);
    }
    int n = gzread(f, buf + len, (unsigned)(cap - len));
    assert_true(n >= 0);
    if (n == 0) {
      break;
    }
    len += (size_t)n;
  }
  gzclose(f);
  *size = len;
  return buf;
}

// Reads a mutated document; checks the contract whichever way it goes. Returns 1 when read.
static int check_one(const char* text, size_t size) {
  zcx_error_t err;
  zcx_error_init(&err);
  zcx_json_file_t* f = NULL;
  int rc = zcx_json_read_buffer(text, size, "m.json", NULL, &f, &err);
  if (rc != 0) {
    assert_int_equal(rc, EINVAL);
    assert_null(f);
    assert_memory_equal(err.message, "m.json: ", 8);
    return 0;
  }
  for (int32_t b = 0; b < f->num_batches; b++) {
    int v = zcx_batch_validate(f->batches[b], ZCX_VALIDATE_FULL, &err);
    assert_true(v == 0 || v == EINVAL);
  }
  for (int32_t d = 0; d < f->num_dictionaries; d++) {
    int v = zcx_array_validate(f->dictionaries[d], ZCX_VALIDATE_FULL, &err);
    assert_true(v == 0 || v == EINVAL);
  }
  zcx_json_file_destroy(f);
  return 1;
}

static void mutate_files(bool digits_only, uint64_t seed) {
  int read = 0;
  int total = 0;
  for (size_t k = 0; k < sizeof(kFiles) / sizeof(kFiles[0]); k++) {
    size_t n;
    char* orig = load_text(kFiles[k], &n);
    char* buf = malloc(n);
    assert_non_null(buf);
    assert_true(n > 0);
    for (int it = 0; it < ITERATIONS; it++) {
      memcpy(buf, orig, n);
      int edits = 1 + (int)(next(&seed) % 4);
      for (int e = 0; e < edits; e++) {
        size_t pos = (size_t)(next(&seed) % n);
        for (int t = 0; digits_only && t < 1000 && !(buf[pos] >= '0' && buf[pos] <= '9'); t++) {
          pos = (size_t)(next(&seed) % n);
        }
        static const char kAlt[] = "0123456789-\"[]{},:ae";
        if (buf[pos] >= '0' && buf[pos] <= '9') {
          buf[pos] = (char)('0' + next(&seed) % 10);
        } else {
          buf[pos] = kAlt[next(&seed) % (sizeof(kAlt) - 1)];
        }
      }
      read += check_one(buf, n);
      total++;
    }
    free(buf);
    free(orig);
  }
  printf("%s mutations: %d of %d documents read\n", digits_only ? "digit" : "byte", read,
         total);
}

static void test_digit_mutations(void** state) {
  (void)state;
  mutate_files(true, 12345);
}

static void test_byte_mutations(void** state) {
  (void)state;
  mutate_files(false, 777);
}

int main(void) {
  const char* env = getenv("ARROW_TEST_DATA");
  char data[1024];
  if (env != NULL && env[0] != '\0') {
    snprintf(data, sizeof(data), "%s", env);
  } else {
    snprintf(data, sizeof(data), "%s/../shared/arrow-testing/data", ZCX_SOURCE_DIR);
  }
  snprintf(g_dir, sizeof(g_dir), "%s/arrow-ipc-stream/integration/cpp-21.0.0", data);
  struct stat st;
  if (stat(g_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
    const char* req = getenv("ZCX_REQUIRE_TEST_DATA");
    fprintf(stderr, "arrow-testing data not found at %s\n", g_dir);
    return req != NULL && strcmp(req, "1") == 0 ? 1 : 77;
  }
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_digit_mutations),
      cmocka_unit_test(test_byte_mutations),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
