// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The shared benchmark harness: clocks, medians, the machine description, result tables and
// worker processes. Every suite (alloc, layout, exchange, ipc...) reports through a
// zcxb_report_t of rows of named fields, which `zcx bench` prints as a table and writes as
// JSON; a suite never formats output itself.
//
// Adding a suite NAME: put its code in bench/NAME/ (compiled into the zcx_bench library by
// bench/CMakeLists.txt), declare `int zcxb_NAME_run(const zcxb_options_t*, zcxb_report_t*,
// zcx_error_t*)` (and, if it measures in child processes, a worker entry point) in
// bench/NAME/NAME.h, and add one line to the suite table in tools/cmd_bench.c.
#ifndef ZCX_BENCH_HARNESS_H
#define ZCX_BENCH_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "zcx/core.h"

// ---------------------------------------------------------------------------------------------
// Time and statistics

/// Monotonic clock in nanoseconds.
int64_t zcxb_now_ns(void);

/// The median of `n` values (sorts them in place); 0 for n == 0.
double zcxb_median(double* values, size_t n);

/// Minor page faults and peak resident set of this process so far (getrusage).
void zcxb_rusage(int64_t* minor_faults, int64_t* peak_rss_bytes);

// ---------------------------------------------------------------------------------------------
// The machine

typedef struct zcxb_machine {
  char cpu_model[128];
  int cpus;              ///< online CPUs
  int64_t memory_bytes;  ///< physical memory
  char kernel[128];      ///< uname: sysname release machine
  char libc[32];         ///< glibc version
  char thp[32];          ///< transparent huge pages mode ("madvise", ...)
} zcxb_machine_t;

void zcxb_machine_describe(zcxb_machine_t* m);

// ---------------------------------------------------------------------------------------------
// Results: rows of named fields

typedef enum zcxb_field_type {
  ZCXB_FIELD_STRING,
  ZCXB_FIELD_INT,
  ZCXB_FIELD_NUMBER,
  ZCXB_FIELD_NULL,
} zcxb_field_type_t;

#define ZCXB_MAX_FIELDS 24

typedef struct zcxb_field {
  char key[32];
  zcxb_field_type_t type;
  int64_t i;
  double d;
  char s[96];
} zcxb_field_t;

typedef struct zcxb_row {
  int count;
  zcxb_field_t fields[ZCXB_MAX_FIELDS];
} zcxb_row_t;

typedef struct zcxb_report {
  zcxb_row_t* rows;
  size_t row_count;
  size_t row_cap;
  char** notes;  ///< free-form lines: skipped baselines, targets met or missed
  size_t note_count;
  size_t note_cap;
} zcxb_report_t;

/// Appends an empty row; *out stays valid until the next add.
/// @return 0; ENOMEM.
int zcxb_report_add_row(zcxb_report_t* report, zcxb_row_t** out, zcx_error_t* err);

/// Appends a note line.
/// @return 0; ENOMEM.
int zcxb_report_note(zcxb_report_t* report, zcx_error_t* err, const char* fmt, ...)
    ZCX_PRINTF(3, 4);

void zcxb_report_free(zcxb_report_t* report);

// Setting a field replaces one of the same key; fields past ZCXB_MAX_FIELDS are dropped.
void zcxb_row_set_string(zcxb_row_t* row, const char* key, const char* value);
void zcxb_row_set_int(zcxb_row_t* row, const char* key, int64_t value);
void zcxb_row_set_number(zcxb_row_t* row, const char* key, double value);
void zcxb_row_set_null(zcxb_row_t* row, const char* key);
/// The field `key`, or NULL.
const zcxb_field_t* zcxb_row_get(const zcxb_row_t* row, const char* key);
/// The numeric value of `key` (int or number), or `fallback`.
double zcxb_row_number(const zcxb_row_t* row, const char* key, double fallback);

/// Parses "k1=v1 k2=v2 ..." (a worker's result line) into fields: numbers become numbers,
/// anything else strings.
void zcxb_row_parse_pairs(zcxb_row_t* row, const char* line);

// ---------------------------------------------------------------------------------------------
// Options of a run and worker processes

typedef struct zcxb_options {
  bool quick;            ///< a short run (for tests): fewer iterations, smaller sizes
  FILE* progress;        ///< progress lines (NULL: silent)
  const char* self_exe;  ///< the zcx executable, for workers (NULL: /proc/self/exe)
} zcxb_options_t;

/// Runs `argv[0]` (a path) with `argv` and the current environment plus the NAME=VALUE
/// entries of `env_add` (NULL-terminated, may be NULL), and collects its stdout (up to
/// out_size-1 bytes, NUL-terminated) and its exit status (or 128+signal).
/// @return 0 (the child ran; see *status); the errno of posix_spawn or pipe.
int zcxb_spawn(char* const argv[], const char* const env_add[], char* out, size_t out_size,
               int* status, zcx_error_t* err);

#endif  // ZCX_BENCH_HARNESS_H
