// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The steps of `zcx demo`.
//
// Each step tells one part of the story on built-in data: it prints what it does and what it
// measured to options->out, and leaves one short summary line for the report at the end.
// Adding a step NAME: write `tools/demo_NAME.c` defining `int zcxt_demo_NAME(...)` with the
// signature of zcxt_demo_fn, declare it below, and add one line to the step table in
// tools/cmd_demo.c (steps run in table order). Keep each step to a second or two, and much
// less with options->quick.
#ifndef ZCX_TOOLS_DEMO_H
#define ZCX_TOOLS_DEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "zcx/core.h"

typedef struct zcxt_demo_options {
  bool quick;  ///< smaller data and fewer iterations (for tests)
  FILE* out;   ///< where the step prints its story
} zcxt_demo_options_t;

/// A demo step. Writes a one-line summary into `summary`.
/// @return 0; ENOTSUP to be reported as skipped (summary says why); any other errno fails
/// the demo (err says why).
typedef int (*zcxt_demo_fn)(const zcxt_demo_options_t* options, char* summary, size_t summary_size,
                            zcx_error_t* err);

/// The memory pool in a training-style loop: malloc against the zcx pool.
int zcxt_demo_pool(const zcxt_demo_options_t* options, char* summary, size_t summary_size,
                   zcx_error_t* err);

#endif  // ZCX_TOOLS_DEMO_H
