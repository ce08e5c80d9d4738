// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Helpers shared by the subcommands of `zcx`: exit codes, one-line errors, option matching,
// sizes and byte counts.
#ifndef ZCX_TOOLS_CLI_H
#define ZCX_TOOLS_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "zcx/core.h"

#define ZCXT_EXIT_OK 0       ///< success
#define ZCXT_EXIT_FAILURE 1  ///< the command ran and failed (bad data, I/O error, ...)
#define ZCXT_EXIT_USAGE 2    ///< the command line was wrong

/// Prints "zcx CMD: MESSAGE (see 'zcx CMD --help')" to stderr; returns ZCXT_EXIT_USAGE.
int zcxt_usage_error(const char* cmd, const char* fmt, ...) ZCX_PRINTF(2, 3);

/// Prints "zcx CMD: MESSAGE" to stderr; returns ZCXT_EXIT_FAILURE.
int zcxt_fail(const char* cmd, const char* fmt, ...) ZCX_PRINTF(2, 3);

/// Whether `arg` asks for help (-h, --help).
bool zcxt_is_help(const char* arg);

/// Whether argv[*i] is the option `name` with a value, given as "--name VALUE" or
/// "--name=VALUE". On a match *value points at the value (NULL when it is missing) and *i
/// is moved past it.
bool zcxt_opt_value(int argc, char** argv, int* i, const char* name, const char** value);

/// Parses a byte count: digits with an optional binary suffix K, M, G, T (also KiB, KB,
/// k...), e.g. "512M", "2G", "4096". False when malformed, zero or too large.
bool zcxt_parse_size(const char* text, size_t* out);

/// Parses a non-negative decimal integer; false when malformed or above `max`.
bool zcxt_parse_uint(const char* text, uint64_t max, uint64_t* out);

/// Writes a byte count for people ("1.50 MiB", "512 B") into buf; returns buf.
const char* zcxt_format_bytes(double bytes, char* buf, size_t size);

/// Checks that `path` can be opened for reading; on failure fills `why` with the reason
/// (strerror of the failing call, or "is a directory").
bool zcxt_path_readable(const char* path, char* why, size_t why_size);

#endif  // ZCX_TOOLS_CLI_H
