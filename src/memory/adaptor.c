// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// What the adaptors share: argument checks and naming at creation, merged upstream statistics.
#include <stdio.h>
#include <stdlib.h>

#include "core/internal.h"
#include "memory/adaptor_internal.h"

int zcxi_adaptor_alloc(zcx_mr_t* upstream, zcx_mr_t** out, size_t size, const char* what,
                       void** mem, zcx_error_t* err) {
  *mem = NULL;
  if (out == NULL) {
    return zcx_error_fail(err, EINVAL, "%s: out is NULL", what);
  }
  *out = NULL;
  if (upstream == NULL) {
    return zcx_error_fail(err, EINVAL, "%s: upstream is NULL", what);
  }
  *mem = calloc(1, size);
  if (*mem == NULL) {
    return zcx_error_fail(err, ENOMEM, "%s: out of memory for the adaptor", what);
  }
  return 0;
}

void zcxi_adaptor_init(zcx_mr_t* mr, const zcx_mr_ops_t* ops, zcx_mr_t* upstream) {
  char name[sizeof(mr->name) + 16];  // zcx_mr_init truncates
  snprintf(name, sizeof(name), "%s(%s)", ops->kind, upstream->name);
  zcx_mr_init(mr, ops, upstream->device, upstream, name);
}

void zcxi_adaptor_merge_upstream_stats(const zcx_mr_t* mr, zcx_mr_stats_t* stats) {
  zcx_mr_stats_t up;
  up.struct_size = sizeof(up);
  if (zcx_mr_get_stats(mr->upstream, &up, NULL) == 0) {
    stats->reserved_bytes = up.reserved_bytes;
    stats->peak_reserved_bytes = up.peak_reserved_bytes;
    stats->free_bytes = up.free_bytes;
    stats->largest_free_block = up.largest_free_block;
    stats->fragmentation = up.fragmentation;
  }
}
