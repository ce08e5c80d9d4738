// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The "claims" summary at the top of `zcx bench all`: the three claims of the source article
// (the share of run time spent allocating, with and without a pool; SoA against AoS, in
// access and in conversion; zero-copy exchange against copies), each with the headline
// ratios pulled out of the suites' rows, or "not measured" naming the suite it needs.
#ifndef ZCX_TOOLS_BENCH_CLAIMS_H
#define ZCX_TOOLS_BENCH_CLAIMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#if defined(ZCX_HAVE_BENCH)

#include "harness.h"
#include "json_writer.h"

#define ZCXT_CLAIM_COUNT 3

typedef struct zcxt_claim {
  const char* name;  ///< "allocation", "layout", "zero-copy"
  bool measured;     ///< whether the rows to support it were there
  char text[1400];   ///< the headline, one or two sentences
} zcxt_claim_t;

/// Derives the claims from the reports of `n` suites named `names` (in any order; suites
/// that did not run are simply absent).
void zcxt_bench_claims(const char* const* names, const zcxb_report_t* reports, size_t n,
                       zcxt_claim_t claims[ZCXT_CLAIM_COUNT]);

/// Prints "claims:" and one numbered paragraph per claim.
void zcxt_bench_print_claims(FILE* out, const zcxt_claim_t claims[ZCXT_CLAIM_COUNT]);

/// Writes the claims as an array of {"claim", "measured", "text"} objects (the key must have
/// been written).
void zcxt_bench_json_claims(zcxt_json_t* w, const zcxt_claim_t claims[ZCXT_CLAIM_COUNT]);

#endif  // ZCX_HAVE_BENCH

#endif  // ZCX_TOOLS_BENCH_CLAIMS_H
