// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Helpers for the tests of the `zcx` command: temporary files, running a program, a trace.
#ifndef ZCX_TESTS_TOOLS_SUPPORT_H
#define ZCX_TESTS_TOOLS_SUPPORT_H

#include <stddef.h>

/// A trace in the RMM log format: one thread, peak in use 4000 bytes (1000 + 3000); the
/// pointer 0x1000 is reused after its free.
extern const char tt_simple_trace[];

/// Creates a fresh temporary directory (removed by tt_cleanup); returns its path.
const char* tt_tmpdir(void);

/// Removes the temporary directory and what is in it.
void tt_cleanup(void);

/// A cmocka group teardown that calls tt_cleanup; returns 0.
int tt_teardown(void** state);

/// Writes `text` to `name` in the temporary directory; returns the full path (static buffer
/// per call slot: at most 8 live paths).
const char* tt_write_file(const char* name, const char* text);

/// A path in the temporary directory (same buffer rules as tt_write_file).
const char* tt_path(const char* name);

/// The output of a program run.
typedef struct tt_run {
  int status;  ///< exit status, or 128 + signal
  char* out;   ///< stdout, NUL-terminated (free with tt_run_free)
  char* err;   ///< stderr, NUL-terminated
} tt_run_t;

/// Runs argv (argv[0] a path; NULL-terminated) with stdout and stderr captured.
tt_run_t tt_run(const char* const argv[]);
void tt_run_free(tt_run_t* r);

/// Number of lines in `text`.
int tt_count_lines(const char* text);

#ifdef ZCX_TOOL_PATH
/// The argument vector of a run of the zcx program: ZCX("replay", path) for tt_run.
#define ZCX(...) ((const char* const[]){ZCX_TOOL_PATH, __VA_ARGS__, NULL})
#endif

#endif  // ZCX_TESTS_TOOLS_SUPPORT_H
