// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Tests of the `zcx` command as a program: usage, exit codes, paths, `zcx replay` output
// and JSON, `zcx demo --quick`.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// cmocka.h needs the headers above.
#include <cmocka.h>

#include "tools_support.h"

static tt_run_t run_ok(const char* const argv[]) {
  tt_run_t r = tt_run(argv);
  if (r.status != 0) {
    fail_msg("'%s %s' exited %d: %s", argv[0], argv[1], r.status, r.err);
  }
  return r;
}

static void expect_usage_error(const char* const argv[], const char* needle) {
  tt_run_t r = tt_run(argv);
  if (r.status != 2 || tt_count_lines(r.err) != 1 || strstr(r.err, needle) == NULL) {
    fail_msg("'%s %s ...': status %d, stderr '%s' (wanted 2 and one line with '%s')", argv[0],
             argv[1], r.status, r.err, needle);
  }
  assert_string_equal(r.out, "");
  tt_run_free(&r);
}

static void test_help_and_version(void** state) {
  (void)state;
  tt_run_t r = run_ok(ZCX("--help"));
  assert_non_null(strstr(r.out, "usage: zcx"));
  assert_non_null(strstr(r.out, "replay"));
  assert_non_null(strstr(r.out, "demo"));
  assert_non_null(strstr(r.out, "bench"));
  tt_run_free(&r);
  const char* cmds[] = {"replay", "demo", "bench"};
  for (int i = 0; i < 3; i++) {
    r = run_ok(ZCX(cmds[i], "--help"));
    assert_non_null(strstr(r.out, "usage: zcx "));
    assert_non_null(strstr(r.out, cmds[i]));
    tt_run_free(&r);
    r = run_ok(ZCX("help", cmds[i]));
    assert_non_null(strstr(r.out, cmds[i]));
    tt_run_free(&r);
  }
  r = run_ok(ZCX("--version"));
  assert_non_null(strstr(r.out, "zcx "));
  tt_run_free(&r);
}

static void test_usage_errors_exit_2(void** state) {
  (void)state;
  const char* trace = tt_write_file("simple.csv", tt_simple_trace);
  tt_run_t r = tt_run((const char* const[]){ZCX_TOOL_PATH, NULL});
  assert_int_equal(r.status, 2);
  tt_run_free(&r);
  expect_usage_error(ZCX("frobnicate"), "unknown command 'frobnicate'");
  expect_usage_error(ZCX("--frob"), "unknown option '--frob'");
  expect_usage_error(ZCX("help", "frobnicate"), "unknown command");
  expect_usage_error(ZCX("replay"), "missing TRACE.csv");
  expect_usage_error(ZCX("replay", trace), "missing --resource");
  expect_usage_error(ZCX("replay", trace, "--resource"), "--resource needs a NAME");
  expect_usage_error(ZCX("replay", trace, "--resource", "nope"), "unknown resource 'nope'");
  expect_usage_error(ZCX("replay", trace, "--resource", "limit:lots"), "'lots'");
  expect_usage_error(ZCX("replay", trace, "--resource", "pool", "--frob"),
                     "unknown option '--frob'");
  expect_usage_error(ZCX("replay", trace, "--resource", "pool", "--json"), "--json needs");
  expect_usage_error(ZCX("replay", trace, trace, "--resource", "pool"), "unexpected argument");
  expect_usage_error(ZCX("demo", "--frob"), "unknown option '--frob'");
  expect_usage_error(ZCX("demo", "--step", "nope"), "unknown step 'nope'");
#if defined(ZCX_HAVE_BENCH)
  expect_usage_error(ZCX("bench"), "missing SUITE");
  expect_usage_error(ZCX("bench", "nope"), "unknown suite 'nope'");
  expect_usage_error(ZCX("bench", "alloc", "--frob"), "unknown option '--frob'");
#else
  tt_run_t nb = tt_run(ZCX("bench", "alloc"));
  assert_int_equal(nb.status, 1);
  assert_non_null(strstr(nb.err, "built without the benchmarks"));
  tt_run_free(&nb);
#endif
}

static void test_missing_or_unreadable_path_exits_1(void** state) {
  (void)state;
  tt_run_t r = tt_run(ZCX("replay", "/nonexistent/trace.csv", "--resource", "pool"));
  assert_int_equal(r.status, 1);
  assert_non_null(strstr(r.err, "/nonexistent/trace.csv"));
  assert_non_null(strstr(r.err, "No such file or directory"));
  tt_run_free(&r);
  r = tt_run(ZCX("replay", tt_tmpdir(), "--resource", "pool"));
  assert_int_equal(r.status, 1);
  assert_non_null(strstr(r.err, "is a directory"));
  tt_run_free(&r);
  const char* trace = tt_write_file("simple.csv", tt_simple_trace);
  r = tt_run(ZCX("replay", trace, "--resource", "pool", "--json", "/nonexistent/out.json"));
  assert_int_equal(r.status, 1);
  assert_non_null(strstr(r.err, "/nonexistent/out.json"));
  tt_run_free(&r);
}

static void test_replay_json_has_the_known_peak(void** state) {
  (void)state;
  const char* trace = tt_write_file("simple.csv", tt_simple_trace);
  const char* json = tt_path("replay.json");
  tt_run_t r =
      run_ok(ZCX("replay", trace, "--resource", "system", "--resource", "pool", "--resource",
                 "limit:64M", "--resource", "malloc", "--touch", "--json", json));
  assert_non_null(strstr(r.out, "6 events"));
  assert_non_null(strstr(r.out, "limit:64M"));
  tt_run_free(&r);
  // Check the document with Python's JSON parser.
  char script[1024];
  snprintf(script, sizeof(script),
           "import json,sys\n"
           "d=json.load(open(sys.argv[1]))\n"
           "assert d['trace']==sys.argv[2], d['trace']\n"
           "rs=d['results']\n"
           "assert [x['resource'] for x in rs]==['system','pool','limit:64M','malloc'], rs\n"
           "for x in rs:\n"
           "  assert x['peak_in_use_bytes']==4000, x\n"
           "  assert x['failures']==0, x\n"
           "  assert x['wall_s']>=0 and x['ns_per_op']>=0, x\n"
           "  for k in ('peak_reserved_bytes','fragmentation'): assert k in x, k\n");
  r = run_ok((const char* const[]){ZCX_PYTHON, "-c", script, json, trace, NULL});
  tt_run_free(&r);
}

static void test_replay_malformed_line_exits_1_with_its_number(void** state) {
  (void)state;
  const char* trace = tt_write_file("bad.csv",
                                    "Thread,Time,Action,Pointer,Size,Stream\n"
                                    "1,0.1,allocate,0x10,64,0x0\n"
                                    "1,0.2,allocate,0x20,sixty,0x0\n");
  tt_run_t r = tt_run(ZCX("replay", trace, "--resource", "pool"));
  assert_int_equal(r.status, 1);
  assert_non_null(strstr(r.err, "bad.csv:3:"));
  assert_non_null(strstr(r.err, "sixty"));
  tt_run_free(&r);
}

static void test_replay_reports_unknown_pointer_frees(void** state) {
  (void)state;
  const char* trace = tt_write_file("unknown.csv",
                                    "Thread,Time,Action,Pointer,Size,Stream\n"
                                    "1,0.1,allocate,0x10,64,0x0\n"
                                    "1,0.2,free,0xdead,64,0x0\n"
                                    "1,0.3,free,0x10,64,0x0\n");
  tt_run_t r = tt_run(ZCX("replay", trace, "--resource", "pool"));
  assert_int_equal(r.status, 0);
  assert_non_null(strstr(r.err, "1 free of unknown pointers"));
  assert_non_null(strstr(r.err, "unknown.csv:3:"));
  assert_non_null(strstr(r.err, "0xdead"));
  tt_run_free(&r);
}

static void test_replay_limit_failures_are_reported(void** state) {
  (void)state;
  const char* trace = tt_write_file("simple.csv", tt_simple_trace);
  const char* json = tt_path("limit.json");
  tt_run_t r = run_ok(ZCX("replay", trace, "--resource", "limit:2K", "--json", json));
  assert_non_null(strstr(r.err, "1 allocation failed"));
  tt_run_free(&r);
  r = run_ok((const char* const[]){ZCX_PYTHON, "-c",
                                   "import json,sys\n"
                                   "d=json.load(open(sys.argv[1]))\n"
                                   "assert d['results'][0]['failures']==1, d\n",
                                   json, NULL});
  tt_run_free(&r);
}

static void test_demo_quick(void** state) {
  (void)state;
  tt_run_t r = run_ok(ZCX("demo", "--quick"));
  assert_non_null(strstr(r.out, "malloc"));
  assert_non_null(strstr(r.out, "zcx pool"));
  assert_non_null(strstr(r.out, "pool statistics"));
  assert_non_null(strstr(r.out, "summary:"));
  assert_non_null(strstr(r.out, "[ok] pool:"));
  tt_run_free(&r);
  r = run_ok(ZCX("demo", "--list"));
  assert_non_null(strstr(r.out, "pool"));
  tt_run_free(&r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_help_and_version),
      cmocka_unit_test(test_usage_errors_exit_2),
      cmocka_unit_test(test_missing_or_unreadable_path_exits_1),
      cmocka_unit_test(test_replay_json_has_the_known_peak),
      cmocka_unit_test(test_replay_malformed_line_exits_1_with_its_number),
      cmocka_unit_test(test_replay_reports_unknown_pointer_frees),
      cmocka_unit_test(test_replay_limit_failures_are_reported),
      cmocka_unit_test(test_demo_quick),
  };
  return cmocka_run_group_tests(tests, NULL, tt_teardown);
}
