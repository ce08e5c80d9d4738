// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Tests of tools/replay_trace.c (parser and replay engine), tools/resource_spec.c,
// tools/cli.c and tools/json_writer.c, driven in process.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// cmocka.h needs the headers above.
#include <cmocka.h>

#include "cli.h"
#include "json_writer.h"
#include "replay_trace.h"
#include "resource_spec.h"
#include "tools_support.h"
#include "zcx/memory.h"

#ifdef ZCX_SANITIZE
#define STRESS_EVENTS 20000
#else
#define STRESS_EVENTS 200000
#endif

static int parse_text(const char* text, zcxt_trace_t* t, zcx_error_t* err) {
  FILE* f = fmemopen((void*)text, strlen(text), "r");
  assert_non_null(f);
  int rc = zcxt_trace_parse(f, "t.csv", t, err);
  fclose(f);
  return rc;
}

static void test_parse_simple_trace(void** state) {
  (void)state;
  zcxt_trace_t t;
  zcx_error_t err;
  assert_int_equal(parse_text(tt_simple_trace, &t, &err), 0);
  assert_int_equal(t.event_count, 6);
  assert_int_equal(t.allocation_count, 3);
  assert_int_equal(t.free_count, 3);
  assert_int_equal(t.thread_count, 1);
  assert_int_equal(t.thread_ids[0], 7);
  assert_int_equal(t.peak_bytes, 4000);
  assert_int_equal(t.unknown_frees, 0);
  assert_int_equal(t.unfreed, 0);
  // The free at line 7 releases the third allocation (slot 2), not the first one.
  assert_int_equal(t.events[5].action, ZCXT_TRACE_FREE);
  assert_int_equal(t.events[5].slot, 2);
  assert_int_equal(t.events[5].size, 500);
  zcxt_trace_reset(&t);
  assert_null(t.events);
}

static void test_parse_rmm_time_format_and_no_header(void** state) {
  (void)state;
  const char* text =
      "140573312345856,10:30:45.123456,allocate,0x7f8a40000000,1024,0x7f8a38001020\r\n"
      "\n"
      "140573312345857,10:30:45.123457,allocate,0x7f8a40000400,2048,0x7f8a38001020\r\n"
      "140573312345856,10:30:45.234567,free,0x7f8a40000000,1024,0x7f8a38001020\r\n"
      "140573312345856,10:30:45.234568,allocate failure,0x0,99999999,0x7f8a38001020\r\n";
  zcxt_trace_t t;
  zcx_error_t err;
  assert_int_equal(parse_text(text, &t, &err), 0);
  assert_int_equal(t.thread_count, 2);
  assert_int_equal(t.event_count, 3);
  assert_int_equal(t.trace_failures, 1);
  assert_int_equal(t.unfreed, 1);
  assert_int_equal(t.peak_bytes, 3072);
  // Thread 0's events are 0 and 2, thread 1's event 1.
  assert_int_equal(t.thread_start[1] - t.thread_start[0], 2);
  assert_int_equal(t.order[t.thread_start[1]], 1);
  zcxt_trace_reset(&t);
}

static void expect_malformed(const char* line3, const char* what) {
  char text[512];
  snprintf(text, sizeof(text),
           "Thread,Time,Action,Pointer,Size,Stream\n1,0.1,allocate,0x10,64,0x0\n%s\n"
           "1,0.3,free,0x10,64,0x0\n",
           line3);
  zcxt_trace_t t;
  zcx_error_t err;
  err.message[0] = '\0';
  assert_int_equal(parse_text(text, &t, &err), EINVAL);
  if (strstr(err.message, "t.csv:3:") == NULL || strstr(err.message, what) == NULL) {
    fail_msg("line '%s': message '%s' lacks 't.csv:3:' or '%s'", line3, err.message, what);
  }
  assert_null(t.events);
}

static void test_malformed_lines_name_their_number(void** state) {
  (void)state;
  expect_malformed("1,0.2,allocate,0x20,64", "expected 6 fields");
  expect_malformed("1,0.2,allocate,0x20,64,0x0,extra", "found 7");
  expect_malformed("1,0.2,allocate,0x20,12x,0x0", "size '12x'");
  expect_malformed("1,0.2,allocate,0x20,-5,0x0", "size '-5'");
  expect_malformed("1,0.2,alloc,0x20,64,0x0", "action 'alloc'");
  expect_malformed("1,0.2,allocate,0xZZ,64,0x0", "pointer '0xZZ'");
  expect_malformed("x1,0.2,allocate,0x20,64,0x0", "thread id 'x1'");
  expect_malformed("1,noon,allocate,0x20,64,0x0", "time 'noon'");
  expect_malformed("1,0.2,allocate,0x20,64,stream", "stream 'stream'");
  // A wrong header is named as such, on line 1.
  zcxt_trace_t t;
  zcx_error_t err;
  assert_int_equal(parse_text("Thread,Time,Action,Ptr,Size,Stream\n", &t, &err), EINVAL);
  assert_non_null(strstr(err.message, "t.csv:1: header"));
}

static void test_unknown_pointer_free_is_counted(void** state) {
  (void)state;
  const char* text =
      "Thread,Time,Action,Pointer,Size,Stream\n"
      "1,0.1,allocate,0x10,64,0x0\n"
      "1,0.2,free,0x9999,32,0x0\n"
      "1,0.3,free,0x10,64,0x0\n"
      "1,0.4,free,0x10,64,0x0\n";  // a second free of the same pointer: unknown by then
  zcxt_trace_t t;
  zcx_error_t err;
  assert_int_equal(parse_text(text, &t, &err), 0);
  assert_int_equal(t.unknown_frees, 2);
  assert_int_equal(t.event_count, 2);
  assert_non_null(strstr(t.first_unknown, "t.csv:3:"));
  assert_non_null(strstr(t.first_unknown, "0x9999"));
  zcx_mr_t* pool = NULL;
  assert_int_equal(zcx_pool_mr_create(NULL, NULL, &pool, &err), 0);
  zcxt_replay_result_t r;
  assert_int_equal(zcxt_replay_run(&t, pool, NULL, &r, &err), 0);
  assert_int_equal(r.ops, 2);
  assert_int_equal(r.free_errors, 0);
  zcx_mr_release(pool);
  zcxt_trace_reset(&t);
}

static void test_replay_reaches_the_trace_peak(void** state) {
  (void)state;
  zcxt_trace_t t;
  zcx_error_t err;
  assert_int_equal(parse_text(tt_simple_trace, &t, &err), 0);
  const char* specs[] = {"system", "pool", "malloc", "limit:1G"};
  for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
    zcx_mr_t* mr = NULL;
    if (zcxt_resource_create(specs[i], &mr, &err) != 0) {
      fail_msg("%s: %s", specs[i], err.message);
    }
    zcxt_replay_options_t opt = {.touch = (i % 2) == 0};
    zcxt_replay_result_t r;
    assert_int_equal(zcxt_replay_run(&t, mr, &opt, &r, &err), 0);
    assert_int_equal(r.peak_in_use_bytes, 4000);
    assert_int_equal(r.ops, 6);
    assert_int_equal(r.failures, 0);
    assert_int_equal(r.free_errors, 0);
    assert_true(r.wall_s >= 0.0);
    zcx_mr_release(mr);
  }
  zcxt_trace_reset(&t);
}

static void test_replay_under_a_limit_fails_cleanly(void** state) {
  (void)state;
  zcxt_trace_t t;
  zcx_error_t err;
  assert_int_equal(parse_text(tt_simple_trace, &t, &err), 0);
  zcx_mr_t* mr = NULL;
  assert_int_equal(zcxt_resource_create("limit:2K", &mr, &err), 0);
  zcxt_replay_result_t r;
  assert_int_equal(zcxt_replay_run(&t, mr, NULL, &r, &err), 0);
  // 1000 fits; 3000 does not (it fails, and its free is skipped); 500 fits: 2 of 3 succeed.
  assert_int_equal(r.failures, 1);
  assert_int_equal(r.skipped_frees, 1);
  assert_int_equal(r.free_errors, 0);
  assert_true(r.first_failure[0] != '\0');
  assert_true(r.peak_in_use_bytes <= 2048);
  zcx_mr_release(mr);
  zcxt_trace_reset(&t);
}

static void test_cross_thread_frees_wait_for_their_allocation(void** state) {
  (void)state;
  // Thread 1 frees what thread 2 allocated and the other way round.
  const char* text =
      "Thread,Time,Action,Pointer,Size,Stream\n"
      "2,0.1,allocate,0xa0,4096,0x0\n"
      "1,0.2,allocate,0xb0,8192,0x0\n"
      "1,0.3,free,0xa0,4096,0x0\n"
      "2,0.4,free,0xb0,8192,0x0\n";
  zcxt_trace_t t;
  zcx_error_t err;
  assert_int_equal(parse_text(text, &t, &err), 0);
  assert_int_equal(t.thread_count, 2);
  assert_int_equal(t.peak_bytes, 12288);
  zcx_mr_t* pool = NULL;
  assert_int_equal(zcx_pool_mr_create(NULL, NULL, &pool, &err), 0);
  for (int rep = 0; rep < 50; rep++) {
    zcxt_replay_result_t r;
    assert_int_equal(zcxt_replay_run(&t, pool, NULL, &r, &err), 0);
    assert_int_equal(r.ops, 4);
    assert_int_equal(r.free_errors, 0);
    assert_int_equal(r.failures, 0);
    assert_true(r.peak_in_use_bytes >= 8192 && r.peak_in_use_bytes <= 12288);
  }
  zcx_mr_release(pool);
  zcxt_trace_reset(&t);
}

// A generated multi-threaded trace: 4 threads, a third of the frees on another thread.
static void test_stress_generated_trace(void** state) {
  (void)state;
  const char* path = tt_path("stress.csv");
  FILE* f = fopen(path, "w");
  assert_non_null(f);
  fprintf(f, "Thread,Time,Action,Pointer,Size,Stream\n");
  enum { LIVE = 64 };
  uint64_t live_ptr[LIVE] = {0};
  uint64_t live_size[LIVE] = {0};
  uint64_t seed = 12345, next_ptr = 0x10000;
  int64_t cur = 0, peak = 0;
  for (int i = 0; i < STRESS_EVENTS; i++) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    int k = (int)((seed >> 33) % LIVE);
    int thread = (int)((seed >> 20) % 4);
    if (live_ptr[k] == 0) {
      uint64_t size = 64 + ((seed >> 40) % 100000);
      live_ptr[k] = next_ptr;
      live_size[k] = size;
      next_ptr += 0x100000;
      cur += (int64_t)size;
      peak = cur > peak ? cur : peak;
      fprintf(f, "%d,%d.0,allocate,0x%llx,%llu,0x0\n", thread, i, (unsigned long long)live_ptr[k],
              (unsigned long long)size);
    } else {
      fprintf(f, "%d,%d.0,free,0x%llx,%llu,0x0\n", thread, i, (unsigned long long)live_ptr[k],
              (unsigned long long)live_size[k]);
      cur -= (int64_t)live_size[k];
      live_ptr[k] = 0;
    }
  }
  fclose(f);
  zcxt_trace_t t;
  zcx_error_t err;
  if (zcxt_trace_load(path, &t, &err) != 0) {
    fail_msg("%s", err.message);
  }
  assert_int_equal(t.event_count, STRESS_EVENTS);
  assert_int_equal(t.thread_count, 4);
  assert_int_equal(t.peak_bytes, peak);
  zcx_mr_t* pool = NULL;
  assert_int_equal(zcx_pool_mr_create(NULL, NULL, &pool, &err), 0);
  zcxt_replay_result_t r;
  assert_int_equal(zcxt_replay_run(&t, pool, NULL, &r, &err), 0);
  assert_int_equal(r.ops, STRESS_EVENTS);
  assert_int_equal(r.failures, 0);
  assert_int_equal(r.free_errors, 0);
  assert_true(r.peak_in_use_bytes > 0);
  assert_true(r.peak_reserved_bytes < 0 || r.peak_reserved_bytes >= r.peak_in_use_bytes);
  zcx_mr_stats_t st;
  memset(&st, 0, sizeof(st));
  st.struct_size = sizeof(st);
  if (zcx_mr_get_stats(pool, &st, &err) == 0 && st.current_bytes >= 0) {
    assert_int_equal(st.current_bytes, 0);  // everything went back, leftovers included
  }
  zcx_mr_release(pool);
  zcxt_trace_reset(&t);
}

// A trace written by zcx_trace_mr_create over stats(pool) replays to the same peak.
static void test_trace_adaptor_round_trip(void** state) {
  (void)state;
  const char* path = tt_path("adaptor.csv");
  zcx_error_t err;
  zcx_mr_t* pool = NULL;
  zcx_mr_t* stats = NULL;
  zcx_mr_t* trace = NULL;
  assert_int_equal(zcx_pool_mr_create(NULL, NULL, &pool, &err), 0);
  assert_int_equal(zcx_stats_mr_create(pool, &stats, &err), 0);
  if (zcx_trace_mr_create(stats, path, &trace, &err) != 0) {
    fail_msg("trace adaptor: %s", err.message);
  }
  void* live[32] = {0};
  size_t sizes[32] = {0};
  uint64_t seed = 99;
  for (int i = 0; i < 2000; i++) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    int k = (int)((seed >> 33) % 32);
    if (live[k] == NULL) {
      sizes[k] = 1 + (size_t)((seed >> 40) % (1 << 20));
      assert_int_equal(zcx_mr_allocate(trace, sizes[k], 0, NULL, &live[k], &err), 0);
    } else {
      assert_int_equal(zcx_mr_deallocate(trace, live[k], sizes[k], NULL, &err), 0);
      live[k] = NULL;
    }
  }
  for (int k = 0; k < 32; k++) {
    if (live[k] != NULL) {
      assert_int_equal(zcx_mr_deallocate(trace, live[k], sizes[k], NULL, &err), 0);
    }
  }
  zcx_mr_stats_t st;
  memset(&st, 0, sizeof(st));
  st.struct_size = sizeof(st);
  assert_int_equal(zcx_mr_get_stats(stats, &st, &err), 0);
  int64_t peak = st.peak_bytes;
  assert_true(peak > 0);
  zcx_mr_release(trace);  // flushes the log
  zcx_mr_release(stats);

  zcxt_trace_t t;
  if (zcxt_trace_load(path, &t, &err) != 0) {
    fail_msg("%s", err.message);
  }
  assert_int_equal(t.unknown_frees, 0);
  assert_int_equal(t.unfreed, 0);
  assert_int_equal(t.peak_bytes, peak);
  zcxt_replay_result_t r;
  assert_int_equal(zcxt_replay_run(&t, pool, NULL, &r, &err), 0);
  assert_int_equal(r.peak_in_use_bytes, peak);
  assert_int_equal(r.failures, 0);
  assert_int_equal(r.free_errors, 0);
  zcx_mr_release(pool);
  zcxt_trace_reset(&t);
}

static void test_load_missing_file_names_the_path(void** state) {
  (void)state;
  zcxt_trace_t t;
  zcx_error_t err;
  assert_int_equal(zcxt_trace_load("/nonexistent/x.csv", &t, &err), ENOENT);
  assert_non_null(strstr(err.message, "/nonexistent/x.csv"));
  assert_non_null(strstr(err.message, "No such file"));
}

static void test_resource_specs(void** state) {
  (void)state;
  char why[160];
  assert_true(zcxt_resource_spec_valid("system", why, sizeof(why)));
  assert_true(zcxt_resource_spec_valid("pool", why, sizeof(why)));
  assert_true(zcxt_resource_spec_valid("malloc", why, sizeof(why)));
  assert_true(zcxt_resource_spec_valid("limit:512M", why, sizeof(why)));
  assert_false(zcxt_resource_spec_valid("limit:", why, sizeof(why)));
  assert_false(zcxt_resource_spec_valid("limit:12Q", why, sizeof(why)));
  assert_non_null(strstr(why, "12Q"));
  assert_false(zcxt_resource_spec_valid("jemalloc", why, sizeof(why)));
  assert_non_null(strstr(why, "jemalloc"));
  zcx_mr_t* mr = (zcx_mr_t*)1;
  zcx_error_t err;
  assert_int_equal(zcxt_resource_create("bogus", &mr, &err), EINVAL);
  assert_null(mr);
}

static void test_parse_size(void** state) {
  (void)state;
  size_t v = 0;
  assert_true(zcxt_parse_size("4096", &v));
  assert_int_equal(v, 4096);
  assert_true(zcxt_parse_size("512M", &v));
  assert_int_equal(v, (size_t)512 << 20);
  assert_true(zcxt_parse_size("2G", &v));
  assert_int_equal(v, (size_t)2 << 30);
  assert_true(zcxt_parse_size("3KiB", &v));
  assert_int_equal(v, 3072);
  assert_true(zcxt_parse_size("1tb", &v));
  assert_false(zcxt_parse_size("", &v));
  assert_false(zcxt_parse_size("0", &v));
  assert_false(zcxt_parse_size("-1M", &v));
  assert_false(zcxt_parse_size("1.5G", &v));
  assert_false(zcxt_parse_size("1X", &v));
  assert_false(zcxt_parse_size("1MiBs", &v));
  assert_false(zcxt_parse_size("99999999999999999999", &v));
  assert_false(zcxt_parse_size("9999999999T", &v));
}

static void test_json_writer(void** state) {
  (void)state;
  char buf[512];
  FILE* f = fmemopen(buf, sizeof(buf), "w");
  assert_non_null(f);
  zcxt_json_t w;
  zcxt_json_init(&w, f, false);
  zcxt_json_begin_object(&w);
  zcxt_json_kv_string(&w, "s", "a\"b\\c\n\x01");
  zcxt_json_kv_int(&w, "i", -42);
  zcxt_json_kv_double(&w, "d", 0.5);
  zcxt_json_kv_double(&w, "nan", 0.0 / 0.0);
  zcxt_json_kv_bool(&w, "b", true);
  zcxt_json_key(&w, "a");
  zcxt_json_begin_array(&w);
  zcxt_json_int(&w, 1);
  zcxt_json_begin_object(&w);
  zcxt_json_end_object(&w);
  zcxt_json_null(&w);
  zcxt_json_end_array(&w);
  zcxt_json_end_object(&w);
  zcx_error_t err;
  assert_int_equal(zcxt_json_finish(&w, &err), 0);
  fclose(f);
  assert_string_equal(buf,
                      "{\"s\":\"a\\\"b\\\\c\\n\\u0001\",\"i\":-42,\"d\":0.5,\"nan\":null,"
                      "\"b\":true,\"a\":[1,{},null]}\n");
  // Misuse is reported, not written silently.
  f = fmemopen(buf, sizeof(buf), "w");
  zcxt_json_init(&w, f, true);
  zcxt_json_begin_object(&w);
  zcxt_json_int(&w, 1);  // a value without a key
  zcxt_json_end_object(&w);
  assert_int_equal(zcxt_json_finish(&w, &err), EINVAL);
  fclose(f);
  f = fmemopen(buf, sizeof(buf), "w");
  zcxt_json_init(&w, f, true);
  zcxt_json_begin_array(&w);
  assert_int_equal(zcxt_json_finish(&w, &err), EINVAL);  // unbalanced
  fclose(f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_parse_simple_trace),
      cmocka_unit_test(test_parse_rmm_time_format_and_no_header),
      cmocka_unit_test(test_malformed_lines_name_their_number),
      cmocka_unit_test(test_unknown_pointer_free_is_counted),
      cmocka_unit_test(test_replay_reaches_the_trace_peak),
      cmocka_unit_test(test_replay_under_a_limit_fails_cleanly),
      cmocka_unit_test(test_cross_thread_frees_wait_for_their_allocation),
      cmocka_unit_test(test_stress_generated_trace),
      cmocka_unit_test(test_trace_adaptor_round_trip),
      cmocka_unit_test(test_load_missing_file_names_the_path),
      cmocka_unit_test(test_resource_specs),
      cmocka_unit_test(test_parse_size),
      cmocka_unit_test(test_json_writer),
  };
  return cmocka_run_group_tests(tests, NULL, tt_teardown);
}
