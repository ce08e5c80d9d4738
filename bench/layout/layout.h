// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The layout benchmark: AoS <-> SoA of 50 M records (10 M with --quick) of the 24-byte
// struct {float x, y, z; int32 id; double t} against memcpy of the same bytes at the same
// thread count, a naive loop and NumPy's field extraction, plus export + import of a record
// batch through the Arrow C Data interface at 1 K and 100 M rows.
//
// Rows: {"bench":"layout", "case", "impl", "threads", "records", "median_s", "gbps",
// "ratio_vs_memcpy", "ratio_vs_numpy", ...}. gbps counts bytes read plus bytes written.
// ratio_vs_memcpy is memcpy's median over the row's median at the same thread count (1.0: as
// fast as memcpy); the implementations of a case run in interleaved rounds so that they share
// the machine's noise. NumPy runs in its own process with its own memcpy (np.copyto of the
// same bytes) beside it, so its ratio_vs_memcpy is against that one, and ratio_vs_numpy of a
// zcx row is its ratio_vs_memcpy over NumPy copyto's. impl "zcx_stream" is zcx with
// ZCX_LAYOUT_STREAM_STORES (non-temporal stores).
#ifndef ZCX_BENCH_LAYOUT_H
#define ZCX_BENCH_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

#include "harness.h"
#include "zcx/layout.h"

/// The benchmark record.
typedef struct zcxb_point {
  float x, y, z;
  int32_t id;
  double t;
} zcxb_point_t;

/// The layout of zcxb_point_t (fields x, y, z, id, t), owned by the caller.
/// @return 0; ENOMEM.
int zcxb_point_layout(zcx_layout_t** out, zcx_error_t* err);

/// Runs NumPy's field extraction (np.ascontiguousarray(a[f]), np.copyto into preallocated
/// columns), the way back (np.copyto(out[f], column)) and a plain copy of the same bytes on
/// `n` records with /usr/bin/python3 in a child process, `reps` interleaved rounds, and adds
/// one row per measurement (with "memcpy_s", the plain copy's median).
/// When NumPy cannot run, adds a note and no rows.
/// @return 0; ENOMEM; the errno of starting the child.
int zcxb_layout_numpy(const zcxb_options_t* options, int64_t n, int reps,
                      zcxb_report_t* report, zcx_error_t* err);

/// Export + import of a record batch of the benchmark record through the Arrow C Data
/// interface (zcx_cdata_export_batch then zcx_cdata_import_batch, schema included) at
/// 1 K and 100 M rows (10 M with --quick); adds one row per size.
/// @return 0; ENOMEM; a status of the C Data functions.
int zcxb_layout_cdata(const zcxb_options_t* options, zcxb_report_t* report, zcx_error_t* err);

/// The whole benchmark (see above).
/// @return 0; ENOMEM; a status of the conversions.
int zcxb_layout_run(const zcxb_options_t* options, zcxb_report_t* report, zcx_error_t* err);

#endif  // ZCX_BENCH_LAYOUT_H
