// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The subcommands of the `zcx` command and the one table that lists them.
//
// Adding a subcommand `NAME`:
//   1. write `tools/cmd_NAME.c` defining `int zcxt_cmd_NAME(int argc, char** argv)` and
//      `void zcxt_usage_NAME(FILE* out)`; argv[0] is "NAME", the options follow;
//   2. declare both below;
//   3. add one line `{"NAME", "one-line summary", zcxt_cmd_NAME, zcxt_usage_NAME}` to the
//      table in `tools/zcx.c`.
// The glob in `tools/CMakeLists.txt` picks the new file up; no CMake edit is needed.
//
// What every subcommand does (the helpers in `tools/cli.h` make it one line each):
//   - `zcx NAME --help` (or -h) prints the usage to stdout and returns ZCXT_EXIT_OK;
//   - an unknown option or a missing argument prints one line to stderr through
//     zcxt_usage_error() and returns ZCXT_EXIT_USAGE (2);
//   - a failure (missing or unreadable path: name the path and strerror; bad data: name the
//     line or offset) prints one line through zcxt_fail() and returns ZCXT_EXIT_FAILURE (1);
//   - results go to stdout, progress to stderr, and `--json FILE` writes machine-readable
//     results with the writer of `tools/json_writer.h`.
//
// Names: tools code uses the prefix `zcxt_`, benchmark code (bench/) `zcxb_`.
#ifndef ZCX_TOOLS_COMMANDS_H
#define ZCX_TOOLS_COMMANDS_H

#include <stdio.h>

/// One subcommand: its name, a one-line summary for `zcx --help`, its entry point and its
/// usage text.
typedef struct zcxt_command {
  const char* name;
  const char* summary;
  int (*run)(int argc, char** argv);
  void (*usage)(FILE* out);
} zcxt_command_t;

/// `zcx replay TRACE.csv --resource NAME ...`: replays an RMM allocation log.
int zcxt_cmd_replay(int argc, char** argv);
void zcxt_usage_replay(FILE* out);

/// `zcx demo [--quick]`: the end-to-end demonstration, step by step.
int zcxt_cmd_demo(int argc, char** argv);
void zcxt_usage_demo(FILE* out);

/// `zcx bench SUITE|all [--quick] [--json FILE]`: the benchmarks of bench/.
int zcxt_cmd_bench(int argc, char** argv);
void zcxt_usage_bench(FILE* out);

/// `zcx inspect PATH [--json]`: the layout of an Arrow IPC file or stream.
int zcxt_cmd_inspect(int argc, char** argv);
void zcxt_usage_inspect(FILE* out);

/// `zcx cat PATH [--head N] [--format table|ndjson]`: the rows of an Arrow IPC input.
int zcxt_cmd_cat(int argc, char** argv);
void zcxt_usage_cat(FILE* out);

/// `zcx validate PATH`: full validation of an Arrow IPC input (exit 0 valid, 1 invalid).
int zcxt_cmd_validate(int argc, char** argv);
void zcxt_usage_validate(FILE* out);

/// `zcx convert IN OUT [--format file|stream] [--compression none|lz4|zstd]`.
int zcxt_cmd_convert(int argc, char** argv);
void zcxt_usage_convert(FILE* out);

#endif  // ZCX_TOOLS_COMMANDS_H
