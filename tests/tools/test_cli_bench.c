// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Tests of `zcx bench alloc --quick --json FILE`: every case has a row for every allocator
// the machine has, with the documented fields; the worker entry point rejects bad input.
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

static void test_bench_alloc_quick_json(void** state) {
  (void)state;
#if !defined(ZCX_HAVE_BENCH)
  skip();
#endif
  const char* json = tt_path("bench.json");
  tt_run_t r = tt_run(ZCX("bench", "alloc", "--quick", "--json", json));
  if (r.status != 0) {
    fail_msg("zcx bench alloc --quick exited %d: %s", r.status, r.err);
  }
  assert_non_null(strstr(r.out, "machine:"));
  assert_non_null(strstr(r.err, "alloc: train"));  // progress on stderr
  tt_run_free(&r);
  const char* script =
      "import json,os,sys\n"
      "d=json.load(open(sys.argv[1]))\n"
      "m=d['machine']\n"
      "for k in ('cpu_model','cpus','memory_bytes','kernel'): assert k in m, k\n"
      "libs={'jemalloc':'libjemalloc.so.2','mimalloc':'libmimalloc.so.2',"
      "'tcmalloc':'libtcmalloc.so.4'}\n"
      "impls=['zcx','glibc','glibc-tuned']+[i for i,l in libs.items() "
      "if os.path.exists('/usr/lib/x86_64-linux-gnu/'+l) and sys.argv[2]=='0']\n"
      "cases=['train','random','threads2','micro_small','micro_large']\n"
      "rows={(x['case'],x['impl']):x for x in d['results'] if x['bench']=='alloc'}\n"
      "for c in cases:\n"
      "  for i in impls:\n"
      "    x=rows[(c,i)]\n"
      "    for k in ('median_s','alloc_share','page_faults','peak_rss_bytes','ratio_vs_zcx'):\n"
      "      assert x.get(k) is not None, (c,i,k,x)\n"
      "    assert x['median_s']>0 and x['peak_rss_bytes']>0, x\n"
      "    assert 0<=x['alloc_share']<=1.0001, x\n"
      "  assert abs(rows[(c,'zcx')]['ratio_vs_zcx']-1)<1e-9\n"
      "assert any('target train' in n for n in d['notes']), d['notes']\n";
#if defined(ZCX_SANITIZE)
  const char* sanitized = "1";  // preloaded allocators are skipped under sanitizers
#else
  const char* sanitized = "0";
#endif
  r = tt_run((const char* const[]){ZCX_PYTHON, "-c", script, json, sanitized, NULL});
  if (r.status != 0) {
    fail_msg("JSON check failed: %s", r.err);
  }
  tt_run_free(&r);
}

static void test_bench_worker_rejects_bad_input(void** state) {
  (void)state;
#if !defined(ZCX_HAVE_BENCH)
  skip();
#endif
  tt_run_t r = tt_run(ZCX("bench", "alloc", "--worker", "zcx", "nocase", "--quick"));
  assert_int_equal(r.status, 1);
  assert_non_null(strstr(r.err, "unknown case 'nocase'"));
  tt_run_free(&r);
  r = tt_run(ZCX("bench", "alloc", "--worker", "zcx"));
  assert_int_equal(r.status, 2);
  tt_run_free(&r);
  r = tt_run(ZCX("bench", "alloc", "--worker", "zcx", "micro_small", "--quick"));
  assert_int_equal(r.status, 0);
  assert_non_null(strstr(r.out, "result impl=zcx case=micro_small"));
  tt_run_free(&r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bench_alloc_quick_json),
      cmocka_unit_test(test_bench_worker_rejects_bad_input),
  };
  return cmocka_run_group_tests(tests, NULL, tt_teardown);
}
