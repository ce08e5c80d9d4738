// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The allocation benchmark: a training-style loop of large activation buffers (and small
// blocks) against the zcx pool and the C allocators of the machine, each in its own process.
//
// Cases:
//   train        each iteration allocates 20 activations of 256 KiB .. 64 MiB, writes every
//                page, reads its input activation (light compute), allocates 4 small blocks
//                (64 B .. 4 KiB) per activation, then frees the activations in reverse order
//                and the small blocks;
//   random       the same with sizes drawn log-uniformly from 256 KiB .. 64 MiB (fixed seeds,
//                the same for every allocator) and frees in a shuffled order;
//   threads2     two threads run `train` at once, in lock-step iterations;
//   micro_small  allocate + free of a cached 256-byte block;
//   micro_large  allocate + free of a cached 1 MiB block.
// Allocators: zcx (the pool over the system resource), glibc, glibc-tuned (GLIBC_TUNABLES
// mmap and trim thresholds), jemalloc, mimalloc, tcmalloc (by LD_PRELOAD; skipped with a
// note when the library is missing).
#ifndef ZCX_BENCH_ALLOC_H
#define ZCX_BENCH_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "harness.h"

/// The allocator a case runs against.
typedef struct zcxb_allocator {
  void* (*alloc)(void* ctx, size_t size);  ///< NULL on failure
  void (*release)(void* ctx, void* p, size_t size);
  void* ctx;
} zcxb_allocator_t;

/// What one case measured in one process.
typedef struct zcxb_alloc_result {
  int iterations;          ///< measured iterations (after the warm-up)
  double median_s;         ///< median time per iteration (micro: per allocate+free pair)
  double alloc_share;      ///< share of the measured time spent in allocate and free calls
  double page_faults;      ///< minor page faults per measured iteration
  int64_t peak_rss_bytes;  ///< peak resident set of the process at the end
  int64_t failures;        ///< allocations that returned NULL
} zcxb_alloc_result_t;

/// Whether `name` is one of the cases above.
bool zcxb_alloc_case_known(const char* name);

/// Runs one case against `a` in this process.
/// @return 0; EINVAL (unknown case); ENOMEM (an allocation failed); EAGAIN (threads).
int zcxb_alloc_case_run(const char* name, const zcxb_allocator_t* a, bool quick,
                        zcxb_alloc_result_t* result, zcx_error_t* err);

/// The worker: runs case `case_name` with allocator `impl` ("zcx" uses the pool; every other
/// name uses malloc/free of the process, whatever LD_PRELOAD put there) and prints one line
/// "result k=v ..." to `out`.
/// @return 0; EINVAL; the status of the case.
int zcxb_alloc_worker(const char* impl, const char* case_name, bool quick, FILE* out,
                      zcx_error_t* err);

/// The whole benchmark: every case with every allocator, each run in a worker process
/// (options->self_exe re-executed as `zcx bench alloc --worker IMPL CASE`). Adds one row per
/// case and allocator, and notes on skipped allocators and on the targets.
/// @return 0; ENOMEM; the errno of starting a worker.
int zcxb_alloc_run(const zcxb_options_t* options, zcxb_report_t* report, zcx_error_t* err);

#endif  // ZCX_BENCH_ALLOC_H
