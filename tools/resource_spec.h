// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Memory resources named on the command line: "system", "pool", "limit:SIZE", "malloc".
#ifndef ZCX_TOOLS_RESOURCE_SPEC_H
#define ZCX_TOOLS_RESOURCE_SPEC_H

#include <stdbool.h>

#include "zcx/memory.h"

/// One line per accepted name, for usage texts.
#define ZCXT_RESOURCE_SPEC_HELP                                                  \
  "  system        zcx system resource (aligned_alloc; mmap for large blocks)\n" \
  "  pool          zcx pool over the system resource\n"                          \
  "  limit:SIZE    the pool under a limit of SIZE bytes (e.g. limit:512M, 2G)\n" \
  "  malloc        the C library's malloc (posix_memalign/free)\n"

/// Whether `spec` names a resource (checks the syntax only; nothing is created). On false,
/// `why` says what is wrong.
bool zcxt_resource_spec_valid(const char* spec, char* why, size_t why_size);

/// Creates the resource `spec` names; the caller owns *out.
/// @return 0; EINVAL (unknown name or bad SIZE); the status of the resource's creation.
int zcxt_resource_create(const char* spec, zcx_mr_t** out, zcx_error_t* err);

/// A resource over the C library's malloc: posix_memalign and free. Keeps no statistics
/// and cannot detect foreign pointers. Thread-safe.
/// @return 0; ENOMEM.
int zcxt_malloc_mr_create(zcx_mr_t** out, zcx_error_t* err);

#endif  // ZCX_TOOLS_RESOURCE_SPEC_H
