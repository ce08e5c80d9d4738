// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Runs the memory resource conformance suite against every resource and adaptor.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include <cmocka.h>

#include "memory/conformance_support.h"

static char trace_file[512];

static int make_system(zcx_mr_t** out, zcx_error_t* err) {
  return zcx_system_mr_create(NULL, out, err);
}

static int make_pool(zcx_mr_t** out, zcx_error_t* err) {
  return zcx_pool_mr_create(NULL, NULL, out, err);
}

// Wraps the resource `inner` made in an adaptor, handing the caller only the outer handle.
static int wrap(int rc, zcx_mr_t* inner, int (*adapt)(zcx_mr_t*, zcx_mr_t**, zcx_error_t*),
                zcx_mr_t** out, zcx_error_t* err) {
  if (rc != 0) {
    return rc;
  }
  rc = adapt(inner, out, err);
  zcx_mr_release(inner);
  return rc;
}

static int adapt_limit(zcx_mr_t* up, zcx_mr_t** out, zcx_error_t* err) {
  return zcx_limit_mr_create(up, (size_t)1 << 30, out, err);
}

static int adapt_trace(zcx_mr_t* up, zcx_mr_t** out, zcx_error_t* err) {
  return zcx_trace_mr_create(up, trace_file, out, err);
}

static int make_stats_pool(zcx_mr_t** out, zcx_error_t* err) {
  zcx_mr_t* pool = NULL;
  int rc = make_pool(&pool, err);
  return wrap(rc, pool, zcx_stats_mr_create, out, err);
}

static int make_limit_pool(zcx_mr_t** out, zcx_error_t* err) {
  zcx_mr_t* pool = NULL;
  int rc = make_pool(&pool, err);
  return wrap(rc, pool, adapt_limit, out, err);
}

static int make_trace_pool(zcx_mr_t** out, zcx_error_t* err) {
  zcx_mr_t* pool = NULL;
  int rc = make_pool(&pool, err);
  return wrap(rc, pool, adapt_trace, out, err);
}

static int make_tracking_pool(zcx_mr_t** out, zcx_error_t* err) {
  zcx_mr_t* pool = NULL;
  int rc = make_pool(&pool, err);
  return wrap(rc, pool, zcx_tracking_mr_create, out, err);
}

static int make_deep_chain(zcx_mr_t** out, zcx_error_t* err) {
  zcx_mr_t *system = NULL, *pool = NULL, *tracking = NULL, *limit = NULL;
  int rc = make_system(&system, err);
  if (rc == 0) {
    rc = zcx_pool_mr_create(system, NULL, &pool, err);
    zcx_mr_release(system);
  }
  rc = wrap(rc, pool, zcx_tracking_mr_create, &tracking, err);
  rc = wrap(rc, tracking, adapt_limit, &limit, err);
  return wrap(rc, limit, zcx_stats_mr_create, out, err);
}

int main(void) {
  snprintf(trace_file, sizeof(trace_file), "%s/zcx-conformance-trace-%ld.csv", ZCX_BINARY_DIR,
           (long)getpid());
  static const zcxt_mr_case_t cases[] = {
      {"system", make_system, false, true},
      {"pool(system)", make_pool, true, true},
      {"stats(pool(system))", make_stats_pool, true, true},
      {"limit(pool(system))", make_limit_pool, true, true},
      {"trace(pool(system))", make_trace_pool, true, true},
      {"tracking(pool(system))", make_tracking_pool, true, true},
      {"stats(limit(tracking(pool(system))))", make_deep_chain, true, true},
  };
  int failed = 0;
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    failed += zcxt_mr_conformance_run(&cases[i]);
  }
  unlink(trace_file);
  return failed == 0 ? 0 : 1;
}
