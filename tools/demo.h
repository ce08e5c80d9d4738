// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The steps of `zcx demo`, the data they share and the proofs they record.
//
// The story: a C producer makes sensor records as an array of structs (AoS); zcx converts
// them to Arrow columns in pool memory; the columns go to DLPack consumers, to a second
// process through a sealed shared-memory segment, to an Arrow IPC file that is mapped back,
// and to NumPy and PyTorch in a Python process. Each step does it the zcx way and the usual
// way (row-wise copies, per-field loops, write() + read() into fresh buffers), times both,
// and records proofs: the same data pointer on both sides, or the same offset inside a
// mapping. A proof that does not hold fails the demo.
//
// Adding a step NAME: write `tools/demo_NAME.c` defining `int zcxt_demo_NAME(...)` with the
// signature of zcxt_demo_fn, declare it below, and add one line to the step table in
// tools/cmd_demo.c (steps run in table order). Steps that need the records or the columns
// call zcxt_demo_ensure_batch(); a step that needs the IPC file calls
// zcxt_demo_ensure_ipc_file(). Keep each step to a second or two, and much less with
// ctx->quick.
#ifndef ZCX_TOOLS_DEMO_H
#define ZCX_TOOLS_DEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "zcx/array.h"
#include "zcx/core.h"
#include "zcx/layout.h"
#include "zcx/memory.h"
#include "zcx/shm.h"

// ---------------------------------------------------------------------------------------------
// The built-in data

/// One sensor reading, as a C producer lays it out (32 bytes with the tail padding).
typedef struct zcxt_sensor_record {
  int64_t timestamp_ns;
  int32_t sensor_id;
  float x;
  float y;
  float z;
  float temperature;
} zcxt_sensor_record_t;

/// Number of fields of zcxt_sensor_record_t, i.e. of columns of the batch.
#define ZCXT_DEMO_COLUMNS 6

/// The column names, in the order of the struct and of the batch.
extern const char* const zcxt_demo_column_names[ZCXT_DEMO_COLUMNS];

// ---------------------------------------------------------------------------------------------
// Proofs and results

#define ZCXT_DEMO_MAX_PROOFS 48

/// One checked claim: "column 'x' in the consumer lies at offset 4096 of its mapping".
typedef struct zcxt_demo_proof {
  char what[96];
  bool holds;
  char detail[224];
} zcxt_demo_proof_t;

/// What a step measured and proved.
typedef struct zcxt_demo_result {
  double zcx_s;          ///< time the zcx way (-1: not measured)
  double usual_s;        ///< time the usual way (-1: not measured)
  char zcx_what[96];     ///< what zcx_s measures
  char usual_what[96];   ///< what usual_s measures
  int64_t shared_bytes;  ///< bytes handed over without a copy
  int64_t copied_bytes;  ///< bytes zcx copied (a conversion, a publish)
  char shared[160];      ///< what was shared, in words
  char copied[160];      ///< what was copied, in words
  int proof_count;
  int proofs_failed;
  zcxt_demo_proof_t proofs[ZCXT_DEMO_MAX_PROOFS];
} zcxt_demo_result_t;

/// Sets times to -1 and everything else to zero.
void zcxt_demo_result_init(zcxt_demo_result_t* r);

/// Records a proof with a printf-style detail; returns `holds`. Proofs past
/// ZCXT_DEMO_MAX_PROOFS are counted (a failing one still fails the step) but not kept.
bool zcxt_demo_prove(zcxt_demo_result_t* r, const char* what, bool holds, const char* fmt, ...)
    ZCX_PRINTF(4, 5);

/// Proves that `actual` is the very pointer `expected` (the data was not copied).
bool zcxt_demo_prove_same(zcxt_demo_result_t* r, const char* what, uintptr_t expected,
                          uintptr_t actual);

/// Proves that [ptr, ptr + nbytes) lies inside the mapping [base, base + size) and, when
/// expected_offset >= 0, that ptr - base == expected_offset (the offset the other side used).
bool zcxt_demo_prove_inside(zcxt_demo_result_t* r, const char* what, uintptr_t base, int64_t size,
                            uintptr_t ptr, int64_t nbytes, int64_t expected_offset);

// ---------------------------------------------------------------------------------------------
// The shared context

typedef struct zcxt_demo_ctx {
  bool quick;        ///< smaller data and fewer iterations (for tests)
  bool force_copy;   ///< hidden test switch: copy where zcx shares, so the proofs must fail
  bool verbose;      ///< print every proof, not only the failing ones
  FILE* out;         ///< where the steps print their story
  const char* self;  ///< this executable, for the consumer process
  int64_t n;         ///< number of records
  zcx_mr_t* mr;      ///< stats(pool(system)): every byte the demo's zcx objects draw

  // Made by zcxt_demo_ensure_batch.
  zcxt_sensor_record_t* records;   ///< the producer's AoS input (malloc'ed, n records)
  zcx_layout_t* layout;            ///< the record's layout
  zcx_batch_t* batch;              ///< the columns, in pool memory
  double convert_s;                ///< time of the AoS -> SoA conversion
  double sums[ZCXT_DEMO_COLUMNS];  ///< sum of each column, computed from the records

  // Made by zcxt_demo_ensure_ipc_file and the shm step.
  char tmpdir[256];  ///< scratch directory, removed by zcxt_demo_ctx_reset ("" until made)
  char ipc_path[320];
  int64_t ipc_size;
  int64_t ipc_offsets[ZCXT_DEMO_COLUMNS];  ///< where each column's values lie in the file
  zcx_shm_segment_t* shm;                  ///< the sealed segment (NULL until published)
  char shm_path[128];                      ///< a path other processes open it by
  int64_t shm_size;
  int64_t shm_offsets[ZCXT_DEMO_COLUMNS];  ///< where each column's values lie in the segment
} zcxt_demo_ctx_t;

/// Sets up an empty context (no memory drawn yet).
/// @return 0; ENOMEM (the pool could not be created).
int zcxt_demo_ctx_init(zcxt_demo_ctx_t* ctx, bool quick, FILE* out, zcx_error_t* err);

/// Releases what the context holds and removes its scratch directory.
void zcxt_demo_ctx_reset(zcxt_demo_ctx_t* ctx);

/// Makes the records, the layout and the batch (once).
/// @return 0; ENOMEM; the errors of the layout API.
int zcxt_demo_ensure_batch(zcxt_demo_ctx_t* ctx, zcx_error_t* err);

/// Creates the scratch directory (once) and returns 0, or an errno with the path.
int zcxt_demo_ensure_tmpdir(zcxt_demo_ctx_t* ctx, zcx_error_t* err);

/// Writes the batch as an Arrow IPC file in the scratch directory (once) and records where
/// each column's values lie in it.
int zcxt_demo_ensure_ipc_file(zcxt_demo_ctx_t* ctx, zcx_error_t* err);

/// Sum of the `n` values of column `i` at `data` (its type as in the batch), for checking
/// that the other side read the same numbers.
double zcxt_demo_column_sum(int i, const void* data, int64_t n);

/// The first value of column `i` of a batch of the demo's schema.
const void* zcxt_demo_column_data(const zcx_array_t* col, int i);

/// Maps `size` bytes of `fd` read-only and opens the Arrow IPC file in it (one batch of the
/// demo's columns) without copying: the columns point into the mapping, which lives as long
/// as the batch. With `copy` the bytes are copied into fresh memory first (the usual way;
/// the mapping is then gone, but *base still says where it was, for the proofs).
/// @return 0; errno of mmap; the errors of the IPC reader.
int zcxt_demo_open_ipc_fd(int fd, int64_t size, bool copy, uintptr_t* base, zcx_batch_t** out,
                          zcx_error_t* err);

/// Bytes of one value of column `i`.
int64_t zcxt_demo_column_width(int i);

/// The NumPy dtype name of column `i` ("int64", "float32", ...).
const char* zcxt_demo_column_dtype(int i);

/// Runs argv[0] (a path) with `argv` and `envp` (NULL: this process's environment), collects
/// its stdout (up to out_size - 1 bytes, NUL-terminated; the rest is read and dropped) and
/// its exit status (or 128 + signal). Its stderr is ours.
/// @return 0 (see *status); errno of pipe or posix_spawn.
int zcxt_demo_spawn(char* const argv[], char* const envp[], char* out, size_t out_size, int* status,
                    zcx_error_t* err);

/// This executable's path in buf (from /proc/self/exe), or NULL.
const char* zcxt_demo_self_exe(char* buf, size_t size);

/// The median of `n` values (sorts them in place); 0 for n <= 0.
double zcxt_demo_median(double* v, int n);

/// Monotonic seconds.
double zcxt_demo_now(void);

/// Prints "  name: 12.3 ms" style timings and the ratio of a result to ctx->out.
void zcxt_demo_print_times(const zcxt_demo_ctx_t* ctx, const zcxt_demo_result_t* r);

/// Prints the proofs of `r` (all with ctx->verbose, else the failing ones and a count).
void zcxt_demo_print_proofs(const zcxt_demo_ctx_t* ctx, const zcxt_demo_result_t* r);

// ---------------------------------------------------------------------------------------------
// Steps

/// A demo step. Prints its story to ctx->out, fills `result` and writes a one-line summary.
/// @return 0 (the proofs in `result` decide success); ENOTSUP to be reported as skipped
/// (summary says why); any other errno fails the demo (err says why).
typedef int (*zcxt_demo_fn)(zcxt_demo_ctx_t* ctx, zcxt_demo_result_t* result, char* summary,
                            size_t summary_size, zcx_error_t* err);

/// The memory pool in a training-style loop: malloc against the zcx pool.
int zcxt_demo_pool(zcxt_demo_ctx_t* ctx, zcxt_demo_result_t* result, char* summary,
                   size_t summary_size, zcx_error_t* err);

/// Records (AoS) to Arrow columns (SoA) in pool memory, and strided views of the records.
int zcxt_demo_layout(zcxt_demo_ctx_t* ctx, zcxt_demo_result_t* result, char* summary,
                     size_t summary_size, zcx_error_t* err);

/// The columns as DLPack tensors, exported and imported without a copy.
int zcxt_demo_dlpack(zcxt_demo_ctx_t* ctx, zcxt_demo_result_t* result, char* summary,
                     size_t summary_size, zcx_error_t* err);

/// The columns published in a sealed shared-memory segment and read by a second process.
int zcxt_demo_shm(zcxt_demo_ctx_t* ctx, zcxt_demo_result_t* result, char* summary,
                  size_t summary_size, zcx_error_t* err);

/// The columns written to an Arrow IPC file and mapped back.
int zcxt_demo_ipc(zcxt_demo_ctx_t* ctx, zcxt_demo_result_t* result, char* summary,
                  size_t summary_size, zcx_error_t* err);

/// NumPy and PyTorch in a Python process read the file and the segment through DLPack.
int zcxt_demo_python(zcxt_demo_ctx_t* ctx, zcxt_demo_result_t* result, char* summary,
                     size_t summary_size, zcx_error_t* err);

// ---------------------------------------------------------------------------------------------
// The consumer process (`zcx demo --consumer PATH [--force-copy]`), run by the shm step

/// Runs in the child: attaches to the sealed segment at PATH read-only and opens its batch
/// in place (with force_copy: reads it into fresh memory instead), then prints one line per
/// column ("column I address=HEX map_start=HEX map_offset=N sum=X map_path=P", the mapping
/// from /proc/self/maps) and one "consumer pid=... sealed=... attach_s=... usual_s=...
/// usual_sum=..." line, the usual way timed by reading the segment into fresh memory.
/// @return an exit status (ZCXT_EXIT_OK, ZCXT_EXIT_FAILURE with a message on stderr).
int zcxt_demo_consumer_main(const char* path, bool force_copy);

#endif  // ZCX_TOOLS_DEMO_H
