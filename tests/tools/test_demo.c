// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Tests of `zcx demo`: the quick run exits 0 and every zero-copy proof in its JSON holds; the
// hidden --force-copy switch makes the proofs fail and the demo exit 1; the proof checkers
// themselves accept what is shared and reject what is not.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// cmocka.h needs the headers above.
#include <cmocka.h>

#include "demo.h"
#include "tools_support.h"

// Checks the JSON of a quick run: argv[1] the file, argv[2] "ok" or "fail".
static const char kCheckJson[] =
    "import json,sys\n"
    "d=json.load(open(sys.argv[1]))\n"
    "steps={s['name']:s for s in d['steps']}\n"
    "want=['pool','layout','dlpack','shm','ipc','python']\n"
    "if sys.argv[2]!='ok': want=want[1:]\n"
    "assert list(steps)==want, list(steps)\n"
    "assert d['quick'] is True and d['records']>0, d\n"
    "assert d['pool']['peak_bytes']>0, d['pool']\n"
    "assert all(s['wall_s']>=0 for s in d['steps']), d['steps']\n"
    "zero_copy=['layout','dlpack','shm','ipc']\n"
    "if sys.argv[2]=='ok':\n"
    "  assert d['ok'] is True, d\n"
    "  for s in d['steps']:\n"
    "    if s['name']=='python' and s['status']=='skipped':\n"
    "      assert 'zcx module' in s['summary'] or 'install' in s['summary'], s\n"
    "      continue\n"
    "    assert s['status']=='ok', s\n"
    "    assert s['proofs_failed']==0, s\n"
    "    assert all(p['holds'] for p in s['proofs']), s\n"
    "    assert s['zcx_s']>=0 and s['usual_s']>=0 and s['ratio']>0, s\n"
    "  for n in zero_copy:\n"
    "    assert len(steps[n]['proofs'])>=6, steps[n]\n"
    "    assert steps[n]['shared_bytes']>0, steps[n]\n"
    "  shm=steps['shm']['proofs']\n"
    "  assert sum('the offset the other side used' in p['detail'] for p in shm)==6, shm\n"
    "  assert sum('memfd mapping' in p['what'] and p['holds'] for p in shm)==6, shm\n"
    "  assert any('same data pointer' in p['detail'] for p in steps['dlpack']['proofs'])\n"
    "  if steps['python']['status']=='ok':\n"
    "    py=steps['python']['proofs']\n"
    "    assert sum('same pointer' in p['detail'] for p in py)==12, py\n"
    "    assert sum(\"the producer's offset\" in p['detail'] for p in py)==12, py\n"
    "else:\n"
    "  assert d['ok'] is False, d\n"
    "  for n in zero_copy:\n"
    "    s=steps[n]\n"
    "    assert s['status']=='FAILED' and s['proofs_failed']>0, s\n"
    "    assert any(not p['holds'] and 'copy' in p['detail'] for p in s['proofs']), s\n"
    "  if steps['python']['status']!='skipped':\n"
    "    assert steps['python']['status']=='FAILED', steps['python']\n";

static void check_json(const char* json, const char* expect) {
  tt_run_t r = tt_run((const char* const[]){ZCX_PYTHON, "-c", kCheckJson, json, expect, NULL});
  if (r.status != 0) {
    fail_msg("JSON check (%s) failed: %s", expect, r.err);
  }
  tt_run_free(&r);
}

static void test_demo_quick_proofs_hold(void** state) {
  (void)state;
  const char* json = tt_path("demo.json");
  tt_run_t r = tt_run(ZCX("demo", "--quick", "--json", json));
  if (r.status != 0) {
    fail_msg("zcx demo --quick exited %d: %s\n%s", r.status, r.err, r.out);
  }
  const char* needles[] = {"== layout",       "== dlpack", "== shm",
                           "== ipc",          "== python", "zcx against the usual way",
                           "the demo's pool", "[ok] shm:", "[ok] ipc:",
                           "proof ok"};
  for (size_t i = 0; i < sizeof(needles) / sizeof(needles[0]); i++) {
    if (strstr(r.out, needles[i]) == NULL) {
      fail_msg("'%s' missing from the output:\n%s", needles[i], r.out);
    }
  }
  assert_null(strstr(r.out, "FAILED"));
  tt_run_free(&r);
  check_json(json, "ok");
}

static void test_demo_forced_copy_fails_the_proofs(void** state) {
  (void)state;
  const char* json = tt_path("copy.json");
  // Every step but the pool's, which has nothing to share.
  tt_run_t r =
      tt_run(ZCX("demo", "--quick", "--force-copy", "--json", json, "--step", "layout", "--step",
                 "dlpack", "--step", "shm", "--step", "ipc", "--step", "python"));
  assert_int_equal(r.status, 1);
  assert_non_null(strstr(r.err, "failed"));
  assert_non_null(strstr(r.out, "proof FAILED"));
  assert_non_null(strstr(r.out, "[FAILED] shm:"));
  tt_run_free(&r);
  check_json(json, "fail");
}

static void test_demo_usage_and_consumer_errors(void** state) {
  (void)state;
  tt_run_t r = tt_run(ZCX("demo", "--json"));
  assert_int_equal(r.status, 2);
  assert_non_null(strstr(r.err, "--json needs a FILE"));
  tt_run_free(&r);
  r = tt_run(ZCX("demo", "--step", "nope"));
  assert_int_equal(r.status, 2);
  assert_non_null(strstr(r.err, "unknown step 'nope'"));
  tt_run_free(&r);
  r = tt_run(ZCX("demo", "--list"));
  assert_int_equal(r.status, 0);
  assert_non_null(strstr(r.out, "shm"));
  assert_non_null(strstr(r.out, "python"));
  tt_run_free(&r);
  // A consumer pointed at something that is not a sealed segment fails with a message.
  const char* plain = tt_write_file("plain.arrow", "not an arrow file");
  r = tt_run(ZCX("demo", "--consumer", plain));
  assert_int_equal(r.status, 1);
  assert_non_null(strstr(r.err, "consumer"));
  tt_run_free(&r);
  r = tt_run(ZCX("demo", "--consumer", "/nonexistent/segment"));
  assert_int_equal(r.status, 1);
  assert_non_null(strstr(r.err, "/nonexistent/segment"));
  tt_run_free(&r);
  // One step alone, with its JSON, in a path that cannot be written: exit 1, path named.
  r = tt_run(ZCX("demo", "--quick", "--step", "dlpack", "--json", "/nonexistent/d.json"));
  assert_int_equal(r.status, 1);
  assert_non_null(strstr(r.err, "/nonexistent/d.json"));
  tt_run_free(&r);
}

static void test_proof_checkers(void** state) {
  (void)state;
  zcxt_demo_result_t* r = malloc(sizeof(*r));
  assert_non_null(r);
  zcxt_demo_result_init(r);
  assert_true(r->zcx_s < 0 && r->usual_s < 0);
  uintptr_t base = 0x10000;
  // Inside, with and without the expected offset.
  assert_true(zcxt_demo_prove_inside(r, "a", base, 4096, base + 64, 128, 64));
  assert_true(zcxt_demo_prove_inside(r, "b", base, 4096, base, 4096, -1));
  assert_true(zcxt_demo_prove_inside(r, "c", base, 4096, base + 4096, 0, 4096));
  assert_int_equal(r->proofs_failed, 0);
  assert_int_equal(r->proof_count, 3);
  assert_non_null(strstr(r->proofs[0].detail, "the offset the other side used"));
  // Outside: before, after, straddling the end, huge sizes that would wrap.
  assert_false(zcxt_demo_prove_inside(r, "d", base, 4096, base - 1, 1, -1));
  assert_false(zcxt_demo_prove_inside(r, "e", base, 4096, base + 4097, 0, -1));
  assert_false(zcxt_demo_prove_inside(r, "f", base, 4096, base + 4000, 97, -1));
  assert_false(zcxt_demo_prove_inside(r, "g", base, 4096, base + 8, INT64_MAX, -1));
  assert_false(zcxt_demo_prove_inside(r, "h", base, -1, base, 0, -1));
  assert_false(zcxt_demo_prove_inside(r, "i", UINTPTR_MAX - 8, 4096, 4, 1, -1));
  // Inside but not where the other side put it: a copy at another place.
  assert_false(zcxt_demo_prove_inside(r, "j", base, 4096, base + 128, 64, 64));
  assert_non_null(
      strstr(r->proofs[r->proof_count - 1].detail, "other side used offset 64: a copy"));
  assert_int_equal(r->proofs_failed, 7);
  // Same pointer, or not.
  assert_true(zcxt_demo_prove_same(r, "k", 0x1234, 0x1234));
  assert_false(zcxt_demo_prove_same(r, "l", 0x1234, 0x1240));
  assert_non_null(strstr(r->proofs[r->proof_count - 1].detail, "a copy"));
  assert_int_equal(r->proofs_failed, 8);
  assert_false(r->proofs[r->proof_count - 1].holds);
  assert_string_equal(r->proofs[r->proof_count - 1].what, "l");
  // Past the table: still counted when failing, never written out of bounds.
  while (r->proof_count < ZCXT_DEMO_MAX_PROOFS) {
    assert_true(zcxt_demo_prove(r, "fill", true, "%d", r->proof_count));
  }
  assert_false(zcxt_demo_prove(r, "overflow", false, "x"));
  assert_int_equal(r->proof_count, ZCXT_DEMO_MAX_PROOFS);
  assert_int_equal(r->proofs_failed, 9);
  free(r);
}

static void test_column_sums(void** state) {
  (void)state;
  int64_t ts[3] = {INT64_MAX, 2, -1};  // wraps: the sum is taken modulo 2^64
  int32_t id[3] = {-1, 1, 7};
  float f[3] = {0.5f, 0.25f, -1.0f};
  assert_true(zcxt_demo_column_sum(0, ts, 3) == (double)((uint64_t)INT64_MAX + 1u));
  assert_true(zcxt_demo_column_sum(1, id, 3) == 7.0);
  assert_true(zcxt_demo_column_sum(2, f, 3) == -0.25);
  assert_true(zcxt_demo_column_sum(2, f, 0) == 0.0);
  assert_int_equal(zcxt_demo_column_width(0), 8);
  assert_int_equal(zcxt_demo_column_width(5), 4);
  assert_string_equal(zcxt_demo_column_dtype(1), "int32");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_proof_checkers),
      cmocka_unit_test(test_column_sums),
      cmocka_unit_test(test_demo_usage_and_consumer_errors),
      cmocka_unit_test(test_demo_quick_proofs_hold),
      cmocka_unit_test(test_demo_forced_copy_fails_the_proofs),
  };
  return cmocka_run_group_tests(tests, NULL, tt_teardown);
}
