// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Tests of `zcx inspect`, `zcx cat`, `zcx validate` and `zcx convert` on golden files of
// arrow-testing ($ARROW_TEST_DATA) and on malformed input.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "tools_support.h"

static char golden_dir[1024];

// The path of a golden file, or NULL (the test is skipped) when the data is absent.
static const char* golden(const char* name) {
  static char buf[4][1200];
  static int slot;
  char* b = buf[slot++ % 4];
  snprintf(b, 1200, "%s/%s", golden_dir, name);
  struct stat st;
  return stat(b, &st) == 0 ? b : NULL;
}

#define GOLDEN_OR_SKIP(var, name) \
  const char* var = golden(name); \
  if (var == NULL) {              \
    skip();                       \
  }

static tt_run_t run_status(const char* const argv[], int want) {
  tt_run_t r = tt_run(argv);
  if (r.status != want) {
    fail_msg("'zcx %s %s': exit %d (wanted %d): %s", argv[1], argv[2] ? argv[2] : "", r.status,
             want, r.err);
  }
  return r;
}

// Copies `n` bytes of `src` (all when n < 0) into the temporary file `name`, then appends
// `extra` bytes of `tail`.
static const char* copy_file(const char* src, const char* name, long n, const void* tail,
                             size_t extra) {
  FILE* in = fopen(src, "rb");
  assert_non_null(in);
  const char* path = tt_path(name);
  FILE* out = fopen(path, "wb");
  assert_non_null(out);
  char buf[4096];
  long left = n < 0 ? 0x7fffffff : n;
  size_t got;
  while (left > 0 && (got = fread(buf, 1, sizeof(buf), in)) > 0) {
    size_t k = (long)got < left ? got : (size_t)left;
    assert_int_equal(fwrite(buf, 1, k, out), k);
    left -= (long)k;
  }
  if (extra > 0) {
    assert_int_equal(fwrite(tail, 1, extra, out), extra);
  }
  fclose(in);
  fclose(out);
  return path;
}

static void test_inspect_file_and_stream(void** state) {
  (void)state;
  GOLDEN_OR_SKIP(file, "generated_primitive.arrow_file");
  GOLDEN_OR_SKIP(stream, "generated_dictionary.stream");
  tt_run_t r = run_status(ZCX("inspect", file), 0);
  assert_non_null(strstr(r.out, "Arrow IPC file"));
  assert_non_null(strstr(r.out, "batch 0: "));
  assert_non_null(strstr(r.out, "buffer 0: offset "));
  assert_non_null(strstr(r.out, "compression none"));
  assert_non_null(strstr(r.out, "total: "));
  tt_run_free(&r);
  r = run_status(ZCX("inspect", stream), 0);
  assert_non_null(strstr(r.out, "Arrow IPC stream"));
  assert_non_null(strstr(r.out, "dictionary 0: id "));
  tt_run_free(&r);
  r = run_status(ZCX("inspect", file, "--json"), 0);
  assert_non_null(strstr(r.out, "\"format\": \"file\""));
  assert_non_null(strstr(r.out, "\"batches\": ["));
  assert_non_null(strstr(r.out, "\"alignment\": "));
  assert_non_null(strstr(r.out, "\"body_offset\": "));
  tt_run_free(&r);
  GOLDEN_OR_SKIP(md, "generated_custom_metadata.arrow_file");
  r = run_status(ZCX("inspect", md), 0);
  assert_non_null(strstr(r.out, "metadata "));
  tt_run_free(&r);
}

static void test_validate_golden_and_malformed(void** state) {
  (void)state;
  GOLDEN_OR_SKIP(file, "generated_nested.arrow_file");
  GOLDEN_OR_SKIP(stream, "generated_nested.stream");
  tt_run_t r = run_status(ZCX("validate", file), 0);
  assert_non_null(strstr(r.out, "valid: "));
  assert_non_null(strstr(r.out, "file"));
  tt_run_free(&r);
  r = run_status(ZCX("validate", stream), 0);
  assert_non_null(strstr(r.out, "stream"));
  tt_run_free(&r);
  // Truncated file, truncated stream, garbage, empty: exit 1 with one line of reason.
  const char* cut = copy_file(file, "cut.arrow", 300, NULL, 0);
  r = run_status(ZCX("validate", cut), 1);
  assert_int_equal(tt_count_lines(r.err), 1);
  assert_non_null(strstr(r.err, "invalid"));
  assert_string_equal(r.out, "");
  tt_run_free(&r);
  const char* scut = copy_file(stream, "cut.stream", 200, NULL, 0);
  r = run_status(ZCX("validate", scut), 1);
  assert_non_null(strstr(r.err, "invalid"));
  tt_run_free(&r);
  const char* junk = tt_write_file("junk.arrow", "this is not arrow at all, not even close");
  r = run_status(ZCX("validate", junk), 1);
  assert_non_null(strstr(r.err, "invalid"));
  tt_run_free(&r);
  const char* empty = tt_write_file("empty.arrow", "");
  r = run_status(ZCX("validate", empty), 1);
  assert_non_null(strstr(r.err, "empty"));
  tt_run_free(&r);
  r = run_status(ZCX("validate", "/nonexistent/x.arrow"), 1);
  assert_non_null(strstr(r.err, "/nonexistent/x.arrow"));
  tt_run_free(&r);
  // Usage errors: exit 2.
  r = run_status(ZCX("validate"), 2);
  assert_non_null(strstr(r.err, "missing PATH"));
  tt_run_free(&r);
  r = run_status(ZCX("validate", file, "--frob"), 2);
  tt_run_free(&r);
  r = run_status(ZCX("validate", file, file), 2);
  tt_run_free(&r);
  r = run_status(ZCX("inspect", junk), 1);
  tt_run_free(&r);
  r = run_status(ZCX("cat", cut), 1);
  tt_run_free(&r);
}

static void test_cat_formats(void** state) {
  (void)state;
  GOLDEN_OR_SKIP(file, "generated_primitive.arrow_file");
  tt_run_t r = run_status(ZCX("cat", file, "--head", "3", "--format", "ndjson"), 0);
  assert_int_equal(tt_count_lines(r.out), 3);
  assert_int_equal(r.out[0], '{');
  assert_non_null(strstr(r.out, "}\n"));
  tt_run_free(&r);
  r = run_status(ZCX("cat", file, "--head=2"), 0);
  // Header, rule, two rows.
  assert_int_equal(tt_count_lines(r.out), 4);
  assert_non_null(strstr(r.out, " | "));
  tt_run_free(&r);
  r = run_status(ZCX("cat", file, "--head", "zero"), 2);
  tt_run_free(&r);
  r = run_status(ZCX("cat", file, "--format", "csv"), 2);
  tt_run_free(&r);
  r = run_status(ZCX("cat"), 2);
  tt_run_free(&r);
}

static void test_convert_roundtrip(void** state) {
  (void)state;
  GOLDEN_OR_SKIP(file, "generated_nested.arrow_file");
  const char* out = tt_path("nested.zstd.stream");
  tt_run_t r = run_status(ZCX("convert", file, out, "--format", "stream", "--compression",
                              "zstd"),
                          0);
  tt_run_free(&r);
  r = run_status(ZCX("inspect", out), 0);
  assert_non_null(strstr(r.out, "Arrow IPC stream"));
  assert_non_null(strstr(r.out, "compression zstd"));
  tt_run_free(&r);
  r = run_status(ZCX("validate", out), 0);
  tt_run_free(&r);
  // Same rows before and after.
  tt_run_t a = run_status(ZCX("cat", file, "--format", "ndjson"), 0);
  tt_run_t b = run_status(ZCX("cat", out, "--format", "ndjson"), 0);
  assert_string_equal(a.out, b.out);
  tt_run_free(&b);
  // Back to a file with lz4, through standard input and output.
  const char* back = tt_path("back.arrow");
  char cmd[4096];
  snprintf(cmd, sizeof(cmd), "'%s' convert - - --format file --compression lz4 < '%s' > '%s'",
           ZCX_TOOL_PATH, out, back);
  r = run_status(((const char* const[]){"/bin/sh", "-c", cmd, NULL}), 0);
  tt_run_free(&r);
  r = run_status(ZCX("inspect", back), 0);
  assert_non_null(strstr(r.out, "Arrow IPC file"));
  assert_non_null(strstr(r.out, "compression lz4_frame"));
  tt_run_free(&r);
  b = run_status(ZCX("cat", back, "--format", "ndjson"), 0);
  assert_string_equal(a.out, b.out);
  tt_run_free(&a);
  tt_run_free(&b);
  r = run_status(ZCX("convert", file), 2);
  assert_non_null(strstr(r.err, "missing OUT"));
  tt_run_free(&r);
  r = run_status(ZCX("convert", file, out, "--compression", "gzip"), 2);
  tt_run_free(&r);
  r = run_status(ZCX("convert", file, "/nonexistent/dir/out.arrow"), 1);
  tt_run_free(&r);
}

static void test_help(void** state) {
  (void)state;
  const char* cmds[] = {"inspect", "cat", "validate", "convert"};
  for (int i = 0; i < 4; i++) {
    tt_run_t r = run_status(ZCX(cmds[i], "--help"), 0);
    assert_non_null(strstr(r.out, "usage: zcx "));
    tt_run_free(&r);
  }
  tt_run_t r = run_status(ZCX("--help"), 0);
  for (int i = 0; i < 4; i++) {
    assert_non_null(strstr(r.out, cmds[i]));
  }
  tt_run_free(&r);
}

int main(void) {
  const char* data = getenv("ARROW_TEST_DATA");
  snprintf(golden_dir, sizeof(golden_dir), "%s/arrow-ipc-stream/integration/cpp-21.0.0",
           data != NULL ? data : "/nonexistent");
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_help),
      cmocka_unit_test(test_inspect_file_and_stream),
      cmocka_unit_test(test_validate_golden_and_malformed),
      cmocka_unit_test(test_cat_formats),
      cmocka_unit_test(test_convert_roundtrip),
  };
  return cmocka_run_group_tests(tests, NULL, tt_teardown);
}
