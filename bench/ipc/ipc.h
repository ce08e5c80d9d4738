// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The Arrow IPC benchmark: a table of int64, float64 and utf8 columns (about 1 GiB; 64 MiB
// with --quick) written and read as an IPC file on disk (/tmp, so the page cache), in memory
// and in shared memory (a memfd, and built in place and published), and as a stream through
// a pipe, without and with LZ4 / ZSTD compression.
//
// Cases and their baselines (all in the same run):
// - write_*: write bandwidth against memcpy of the same body bytes into a touched buffer
//   (target: >= 0.7x memcpy);
// - open_trusted_*: open by mmap and read every batch trusted, for the big file and a 1 MiB
//   one (target: O(metadata), <= 1 ms, the same for both);
// - validate_full: open and read every batch with full validation, in GB/s of offsets,
//   against a plain sum over the same offset bytes (target: >= 5 GB/s where memory allows);
// - stream_pipe_*: a writer thread streams into a pipe, the reader reads batches from it;
// - shm_publish / shm_attach: publishing batches built in a segment (O(metadata)) and
//   attaching to it.
#ifndef ZCX_BENCH_IPC_H
#define ZCX_BENCH_IPC_H

#include "harness.h"

/// Runs the cases; one row each: case, bytes, median_s, gbps, baseline (its name), ratio
/// (gbps over the baseline's, or time over the baseline's for open_trusted).
/// @return 0; ENOMEM; EIO and the errno of file operations; the status of a failed IPC call.
int zcxb_ipc_run(const zcxb_options_t* options, zcxb_report_t* report, zcx_error_t* err);

#endif  // ZCX_BENCH_IPC_H
