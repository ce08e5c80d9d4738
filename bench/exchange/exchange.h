// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The exchange benchmark: hand-over of tensors between zcx, NumPy and PyTorch through DLPack
// at 1 KiB, 1 MiB and 1 GiB (256 MiB with --quick) against copies, and a NumPy workload with
// large temporaries with and without zcx.numpy_allocator. The measurements run in
// bench/exchange/exchange_bench.py under the Python the module was built for, with the
// module of this build; this suite runs it, reads its JSON and reports its rows.
//
// Targets: hand-over <= 2 µs per tensor at every size; the temporaries workload >= 1.5x
// faster with the pool.
#ifndef ZCX_BENCH_EXCHANGE_H
#define ZCX_BENCH_EXCHANGE_H

#include "harness.h"

/// Runs the script and adds its rows: case, impl, size_bytes and either handover_us,
/// copy_us, ratio (copy / hand-over), zero_copy, or median_s, ratio (default / pool),
/// page_faults; and its notes (targets met or missed, versions). When the interpreter, NumPy
/// or the module is missing, adds a note saying so and no rows. The interpreter is
/// $ZCX_PYTHON or the one of the build; the module folder $ZCX_PYTHONPATH or the build's.
/// @return 0; ENOMEM; the errno of a failed spawn; EIO (the script's output is not JSON).
int zcxb_exchange_run(const zcxb_options_t* options, zcxb_report_t* report, zcx_error_t* err);

#endif  // ZCX_BENCH_EXCHANGE_H
