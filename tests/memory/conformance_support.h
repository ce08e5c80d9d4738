// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The memory resource conformance suite: one set of checks every resource and adaptor passes.
#ifndef ZCX_TESTS_MEMORY_CONFORMANCE_SUPPORT_H
#define ZCX_TESTS_MEMORY_CONFORMANCE_SUPPORT_H

#include <stdbool.h>

#include "zcx/memory.h"

// A resource under test: how to build it and what it promises beyond the common contract.
typedef struct zcxt_mr_case {
  const char* expected_name;  // zcx_mr_name of what `create` returns, e.g. "stats(pool(system))"
  // Builds the resource (or chain) with one reference, which the caller owns. Inner links
  // are released by `create` itself, so the outer handle keeps the chain alive.
  int (*create)(zcx_mr_t** out, zcx_error_t* err);
  bool detects_bad_frees;  // foreign pointer, double free, wrong size -> EINVAL
  bool keeps_stats;        // get_stats succeeds (else it must say ENOTSUP)
} zcxt_mr_case_t;

// Runs every check against the resource, once with synchronous (NULL) stream and once with a
// host stream. Returns the number of failed checks (0: conformant).
int zcxt_mr_conformance_run(const zcxt_mr_case_t* c);

#endif  // ZCX_TESTS_MEMORY_CONFORMANCE_SUPPORT_H
