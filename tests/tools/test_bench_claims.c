// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Tests of the claims summary of `zcx bench all`: the headline ratios come out of the rows
// the suites report, and a claim whose suite did not run says so.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// cmocka.h needs the headers above.
#include <cmocka.h>

#if defined(ZCX_HAVE_BENCH)

#include "bench_claims.h"
#include "harness.h"

static zcxb_row_t* add(zcxb_report_t* rep) {
  zcxb_row_t* row = NULL;
  assert_int_equal(zcxb_report_add_row(rep, &row, NULL), 0);
  return row;
}

static void alloc_row(zcxb_report_t* rep, const char* impl, double median, double share,
                      double ratio) {
  zcxb_row_t* r = add(rep);
  zcxb_row_set_string(r, "bench", "alloc");
  zcxb_row_set_string(r, "case", "train");
  zcxb_row_set_string(r, "impl", impl);
  zcxb_row_set_number(r, "median_s", median);
  zcxb_row_set_number(r, "alloc_share", share);
  zcxb_row_set_number(r, "ratio_vs_zcx", ratio);
}

static void layout_row(zcxb_report_t* rep, const char* case_name, const char* impl, int threads,
                       double median) {
  zcxb_row_t* r = add(rep);
  zcxb_row_set_string(r, "bench", "layout");
  zcxb_row_set_string(r, "case", case_name);
  zcxb_row_set_string(r, "impl", impl);
  zcxb_row_set_int(r, "threads", threads);
  zcxb_row_set_number(r, "median_s", median);
  zcxb_row_set_number(r, "gbps", 0.024 / median);
}

static void test_claims_from_rows(void** state) {
  (void)state;
  zcxb_report_t reps[4];
  memset(reps, 0, sizeof(reps));
  const char* names[4] = {"alloc", "layout", "cdata", "ipc"};
  alloc_row(&reps[0], "zcx", 0.010, 0.02, 1.0);
  alloc_row(&reps[0], "glibc", 0.040, 0.75, 4.0);
  alloc_row(&reps[0], "jemalloc", 0.020, 0.40, 2.0);
  layout_row(&reps[1], "aos_to_soa", "memcpy", 2, 0.004);
  layout_row(&reps[1], "aos_to_soa", "zcx", 1, 0.010);
  layout_row(&reps[1], "aos_to_soa", "zcx", 2, 0.005);  // the fastest: 2 threads
  layout_row(&reps[1], "aos_to_soa", "naive", 1, 0.030);
  for (int k = 0; k < 2; k++) {
    zcxb_row_t* r = add(&reps[2]);
    zcxb_row_set_string(r, "case", "int64");
    zcxb_row_set_int(r, "rows", k == 0 ? 1000 : 100000000);
    zcxb_row_set_number(r, "ns_per_column", k == 0 ? 50.0 : 55.0);
  }
  zcxb_row_t* r = add(&reps[3]);
  zcxb_row_set_string(r, "case", "shm_attach_read");
  zcxb_row_set_int(r, "bytes", 1 << 20);
  zcxb_row_set_string(r, "baseline", "memcpy");
  zcxb_row_set_number(r, "ratio", 123.0);

  zcxt_claim_t claims[ZCXT_CLAIM_COUNT];
  zcxt_bench_claims(names, reps, 4, claims);
  for (int i = 0; i < ZCXT_CLAIM_COUNT; i++) {
    if (!claims[i].measured) {
      fail_msg("claim %d not measured: %s", i, claims[i].text);
    }
  }
  assert_non_null(strstr(claims[0].text, "glibc malloc spends 75.0%"));
  assert_non_null(strstr(claims[0].text, "zcx pool 2.0%"));
  assert_non_null(strstr(claims[0].text, "4.00x faster on the pool"));
  assert_non_null(strstr(claims[0].text, "closest: jemalloc, 2.00x"));
  assert_non_null(strstr(claims[1].text, "AoS -> SoA"));
  assert_non_null(strstr(claims[1].text, "on 2 threads"));
  assert_non_null(strstr(claims[1].text, "6.00x the speed of per-field loops"));
  assert_non_null(strstr(claims[1].text, "0.80x memcpy's speed"));
  assert_null(strstr(claims[1].text, "SoA -> AoS"));  // not measured: not claimed
  assert_non_null(strstr(claims[2].text, "50 ns per column at 1000 rows"));
  assert_non_null(strstr(claims[2].text, "1.10x for 100000x the data"));
  assert_non_null(strstr(claims[2].text, "123x memcpy's speed"));

  char* buf = NULL;
  size_t len = 0;
  FILE* mem = open_memstream(&buf, &len);
  assert_non_null(mem);
  zcxt_bench_print_claims(mem, claims);
  fclose(mem);
  assert_non_null(strstr(buf, "claims"));
  assert_non_null(strstr(buf, "  1. allocation:"));
  assert_non_null(strstr(buf, "  3. zero-copy:"));
  free(buf);
  for (int i = 0; i < 4; i++) {
    zcxb_report_free(&reps[i]);
  }
}

static void test_claims_without_their_suites(void** state) {
  (void)state;
  zcxb_report_t rep;
  memset(&rep, 0, sizeof(rep));
  // A layout suite whose rows lack the zcx implementation supports no claim either.
  layout_row(&rep, "aos_to_soa", "naive", 1, 0.030);
  const char* names[1] = {"layout"};
  zcxt_claim_t claims[ZCXT_CLAIM_COUNT];
  zcxt_bench_claims(names, &rep, 1, claims);
  for (int i = 0; i < ZCXT_CLAIM_COUNT; i++) {
    assert_false(claims[i].measured);
    assert_non_null(strstr(claims[i].text, "not measured"));
  }
  assert_non_null(strstr(claims[0].text, "needs the alloc suite"));
  zcxt_bench_claims(names, &rep, 0, claims);  // no suite at all
  assert_false(claims[1].measured);
  zcxb_report_free(&rep);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_claims_from_rows),
      cmocka_unit_test(test_claims_without_their_suites),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

#else  // !ZCX_HAVE_BENCH

int main(void) {
  return 77;  // skipped: built without the benchmarks
}

#endif
