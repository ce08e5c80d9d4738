// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The Arrow C Data benchmark: export + import (+ release) of one record batch through
// ArrowArray, per column, at 1 K rows and at 100 M rows (10 M with --quick). The cost must
// not depend on the number of rows (no per-row work) and stay under 1 µs per column.
//
// Cases: int64 (100 int64 columns), string (100 utf8 columns, whose import reads two
// offsets each). The column memory is one untouched anonymous mapping, so that 100 M rows
// cost no RAM.
#ifndef ZCX_BENCH_CDATA_H
#define ZCX_BENCH_CDATA_H

#include "harness.h"

/// Runs the cases and adds one row per case and size: case, rows, columns, ns_per_column
/// (median), ratio_vs_1k (this size's median over the 1 K rows median).
/// @return 0; ENOMEM; the status of a failed export or import.
int zcxb_cdata_run(const zcxb_options_t* options, zcxb_report_t* report, zcx_error_t* err);

#endif  // ZCX_BENCH_CDATA_H
