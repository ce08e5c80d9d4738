// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Internal declarations of the AoS <-> SoA conversions: the layout struct, the copy kernels
// and the worker pool that splits large conversions across threads.
#ifndef ZCX_SRC_LAYOUT_LAYOUT_INTERNAL_H
#define ZCX_SRC_LAYOUT_LAYOUT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "zcx/layout.h"

// ---------------------------------------------------------------------------------------------
// Defined in src/layout/layout.c

typedef struct zcxi_layout_field {
  char* name;
  zcx_type_t* type;        // the column type (owned reference)
  zcx_type_t* value_type;  // one value: `type` itself, or its fixed-size list child (borrowed)
  int64_t offset;          // byte offset in the record
  int32_t count;           // values per record
  int32_t value_size;      // bytes of one value in the record (bool: 1)
  int64_t byte_size;       // count * value_size
  bool is_bool;            // values are bytes in the record and bits in the column
  bool is_list;            // the column is a fixed-size list (even of one value)
} zcxi_layout_field_t;

struct zcx_layout {
  int64_t record_size;
  int32_t num_fields;
  int32_t capacity;
  zcxi_layout_field_t* fields;
  int64_t covered_bytes;  // sum of the fields' byte sizes (< record_size: the record has gaps)
};

// Checks `options` (NULL: the defaults) and copies them into *out.
// Returns 0 or EINVAL (not initialized, unknown flags, negative threads), naming `where`.
int zcxi_layout_read_options(const zcx_layout_options_t* options, const char* where,
                             zcx_layout_options_t* out, zcx_error_t* err);

// ---------------------------------------------------------------------------------------------
// Defined in src/layout/layout_kernels.c

// Records per tile: a multiple of 64 (so that every tile starts on a whole byte of a bitmap
// and on a 64-byte boundary of every column) chosen so that a tile of records stays in L1/L2
// while each of its fields is copied.
int64_t zcxi_layout_tile_records(int64_t record_size);

// AoS -> SoA of one field over n records: dst[i] = bytes [0, size) of record i, where `src`
// points at the field in the first record and records are `stride` bytes apart.
void zcxi_layout_gather(const uint8_t* src, int64_t stride, int64_t size, int64_t n,
                        uint8_t* dst);

// SoA -> AoS of one field: bytes [0, size) of record i (at dst + i * stride) = src[i].
void zcxi_layout_scatter(const uint8_t* src, int64_t size, int64_t n, uint8_t* dst,
                         int64_t stride);

// Bool fields: `count` bytes per record (any non-zero byte is true) to bits starting at bit 0
// of `bits` (n * count bits; the bits past them in the last byte are cleared).
void zcxi_layout_pack_bools(const uint8_t* src, int64_t stride, int32_t count, int64_t n,
                            uint8_t* bits);

// Bits from bit `bit_offset` of `bits` to `count` bytes (0 or 1) per record.
void zcxi_layout_unpack_bools(const uint8_t* bits, int64_t bit_offset, int32_t count,
                              int64_t n, uint8_t* dst, int64_t stride);

// Copies n bytes with non-temporal stores where the platform has them (SSE2), so that a
// large output does not evict the input from the caches and costs no read-for-ownership.
// Callers end a run of such copies with zcxi_layout_store_fence before another thread
// reads the bytes.
void zcxi_layout_copy_nt(uint8_t* dst, const uint8_t* src, size_t n);
void zcxi_layout_store_fence(void);

// Whether non-temporal copies are worth it for an output of `bytes` (larger than the
// last-level cache).
bool zcxi_layout_use_nt(int64_t bytes);

// Sets the output size from which copies are non-temporal (tests use 1 to cover those paths
// with small inputs); 0 goes back to the last-level cache size.
void zcxi_layout_set_nt_threshold(int64_t bytes);

// ---------------------------------------------------------------------------------------------
// Defined in src/layout/layout_runs.c

// A run of fields that one kernel moves together: g adjacent scalar fields of w bytes (w 4
// with g 1, 2 or 4; w 8 with g 1 or 2), or one field of any other kind (w 0, g 1).
typedef struct zcxi_layout_run {
  int32_t fields[4];  // layout field indices, in offset order
  int32_t g;
  int32_t w;
  int64_t offset;     // of the first field in the record
} zcxi_layout_run_t;

// Splits the layout's fields into runs. `order` (num_fields entries, scratch) and `runs`
// (num_fields entries) are the caller's. Returns the number of runs.
int32_t zcxi_layout_plan_runs(const zcx_layout_t* layout, int32_t* order,
                              zcxi_layout_run_t* runs);

// AoS -> SoA of a vector run over m records: `src` is the run in the first record, dst[j]
// the column of its field j at that record (16-byte aligned when `nt`: non-temporal stores).
void zcxi_layout_split(const uint8_t* src, int64_t stride, int32_t w, int32_t g, int64_t m,
                       uint8_t* const* dst, bool nt);

// SoA -> AoS of a vector run: src[j] is the column of field j at the first record, `dst` the
// run in the first record.
void zcxi_layout_merge(const uint8_t* const* src, int32_t w, int32_t g, int64_t m, uint8_t* dst,
                       int64_t stride);

// ---------------------------------------------------------------------------------------------
// Defined in src/layout/layout_workers.c

// Runs fn(ctx, i) for every i in [0, n), on up to `threads` threads of the process-wide
// worker pool, the calling thread among them, and returns when all have run. When the pool
// is busy with another caller's job, or threads cannot be started, the calling thread runs
// the remaining indices itself: this never fails.
typedef void (*zcxi_layout_task_fn)(void* ctx, int64_t i);
void zcxi_layout_parallel_for(int32_t threads, int64_t n, zcxi_layout_task_fn fn, void* ctx);

// Online CPUs (at least 1).
int32_t zcxi_layout_cpu_count(void);

// The number of threads a conversion of `bytes` should use when asked for `requested`
// (0: every CPU): 1 below 1 MiB, and at least 512 KiB per thread.
int32_t zcxi_layout_threads_for(int32_t requested, int64_t bytes);

#endif  // ZCX_SRC_LAYOUT_LAYOUT_INTERNAL_H
