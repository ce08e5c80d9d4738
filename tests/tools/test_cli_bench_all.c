// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Tests of `zcx bench all --quick --json FILE`: one report with the machine, rows of every
// suite, and each of the three claims (allocation, layout, zero copy) measured.
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

static void test_bench_all_quick_json_has_every_claim(void** state) {
  (void)state;
#if !defined(ZCX_HAVE_BENCH) || defined(ZCX_SANITIZE)
  skip();  // benchmarks are not built, or too slow to mean anything, under sanitizers
#endif
  const char* json = tt_path("bench_all.json");
  tt_run_t r = tt_run(ZCX("bench", "all", "--quick", "--json", json));
  if (r.status != 0) {
    fail_msg("zcx bench all --quick exited %d: %s", r.status, r.err);
  }
  assert_non_null(strstr(r.out, "machine:"));
  assert_non_null(strstr(r.out, "claims"));
  tt_run_free(&r);
  const char* script =
      "import json,sys\n"
      "d=json.load(open(sys.argv[1]))\n"
      "assert d['quick'] is True, d['quick']\n"
      "suites={x['bench'] for x in d['results']}\n"
      "for s in ('alloc','layout','cdata','ipc','exchange'):\n"
      "  assert s in suites, (s, sorted(suites))\n"
      "claims={c['claim']:c for c in d['claims']}\n"
      "for c in ('allocation','layout','zero-copy'):\n"
      "  assert claims[c]['measured'], claims[c]\n"
      "  assert 'not measured' not in claims[c]['text'], claims[c]\n"
      "for x in d['results']:\n"
      "  assert x.get('case'), x\n";
  r = tt_run((const char* const[]){ZCX_PYTHON, "-c", script, json, NULL});
  if (r.status != 0) {
    fail_msg("JSON check failed: %s", r.err);
  }
  tt_run_free(&r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_teardown(test_bench_all_quick_json_has_every_claim, tt_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
