// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// `zcx bench --plot DIR`: draws benchmark results as charts by running the chart script
// bench/plot.py (installed as share/zcx/plot.py) with Python and matplotlib.
#ifndef ZCX_TOOLS_BENCH_PLOT_H
#define ZCX_TOOLS_BENCH_PLOT_H

#include <stdbool.h>
#include <stddef.h>

/// Creates `dir` and the folders above it that are missing (as `mkdir -p`, mode 0755).
/// On failure fills `why` with the folder and strerror and returns false.
bool zcxt_make_dirs(const char* dir, char* why, size_t why_size);

/// Where the chart script is: $ZCX_PLOT_SCRIPT when set, else share/zcx/plot.py beside the
/// running zcx (an installed tree), else the source tree's bench/plot.py. Writes the path into
/// `buf`; false (with the places it looked in `buf`) when none exists.
bool zcxt_plot_script(char* buf, size_t size);

/// Prepares `--plot DIR` before any benchmark runs, so that a long run does not end in a
/// failure to draw: creates DIR, finds the chart script (its path goes into `script`) and runs
/// `PYTHON plot.py --check` ($ZCX_PYTHON, or the interpreter zcx was built for), which fails
/// with a message when matplotlib is missing. Messages go to stderr.
/// @return ZCXT_EXIT_OK; ZCXT_EXIT_FAILURE.
int zcxt_bench_plot_prepare(const char* dir, char* script, size_t script_size);

/// Runs `PYTHON SCRIPT JSON_PATH DIR`, which writes one PNG and one SVG per suite into DIR,
/// with the script's output on this process's stdout and stderr.
/// @return ZCXT_EXIT_OK; ZCXT_EXIT_FAILURE (Python missing, the script failed).
int zcxt_bench_plot(const char* script, const char* json_path, const char* dir);

#endif  // ZCX_TOOLS_BENCH_PLOT_H
