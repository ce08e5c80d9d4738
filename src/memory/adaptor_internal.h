// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Internal helpers shared by the adaptors (limit, stats, tracking, trace), defined in adaptor.c.
#ifndef ZCX_SRC_MEMORY_ADAPTOR_INTERNAL_H
#define ZCX_SRC_MEMORY_ADAPTOR_INTERNAL_H

#include <stddef.h>

#include "zcx/memory.h"

// Checks the arguments every adaptor's create takes (out, then upstream; *out is set to NULL
// first) and allocates `size` zeroed bytes for the adaptor into *mem. `what` names the
// create function in messages ("limit_mr_create"). EINVAL or ENOMEM, with *mem NULL.
int zcxi_adaptor_alloc(zcx_mr_t* upstream, zcx_mr_t** out, size_t size, const char* what,
                       void** mem, zcx_error_t* err);

// Initialises an adaptor over `upstream` (which it retains), named "<ops->kind>(<upstream
// name>)" and on the upstream's device.
void zcxi_adaptor_init(zcx_mr_t* mr, const zcx_mr_ops_t* ops, zcx_mr_t* upstream);

// Copies what the upstream knows of its reservations (reserved and peak reserved bytes, free
// bytes, largest free block, fragmentation) into `stats`; the counts of allocations stay the
// adaptor's to fill. An upstream that keeps no statistics leaves `stats` as it was.
void zcxi_adaptor_merge_upstream_stats(const zcx_mr_t* mr, zcx_mr_stats_t* stats);

#endif  // ZCX_SRC_MEMORY_ADAPTOR_INTERNAL_H
