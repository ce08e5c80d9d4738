// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The memory resource interface: argument checks shared by every resource, reference
// counts, names and statistics.
#include <string.h>

#include "core/internal.h"
#include "zcx/memory.h"

void zcx_mr_init(zcx_mr_t* mr, const zcx_mr_ops_t* ops, zcx_device_t device, zcx_mr_t* upstream,
                 const char* name) {
  mr->ops = ops;
  mr->upstream = upstream;
  if (upstream != NULL) {
    zcx_mr_retain(upstream);
  }
  mr->device = device;
  __atomic_store_n(&mr->refcount_, 1, __ATOMIC_RELAXED);
  zcxi_strlcpy(mr->name, name != NULL ? name : ops->kind, sizeof(mr->name));
}

int zcx_mr_allocate(zcx_mr_t* mr, size_t size, size_t alignment, zcx_stream_t* stream,
                    void** out, zcx_error_t* err) {
  if (out == NULL) {
    return zcx_error_fail(err, EINVAL, "allocate: out is NULL");
  }
  *out = NULL;
  if (mr == NULL) {
    return zcx_error_fail(err, EINVAL, "allocate: resource is NULL");
  }
  if (size == 0) {
    return zcx_error_fail(err, EINVAL, "allocate on %s: size is 0", mr->name);
  }
  if (alignment == 0) {
    alignment = ZCX_DEFAULT_ALIGNMENT;
  }
  if (!zcxi_is_pow2(alignment)) {
    return zcx_error_fail(err, EINVAL, "allocate on %s: alignment %zu is not a power of two",
                          mr->name, alignment);
  }
  size_t rounded;
  if (!zcxi_align_up(size, alignment, &rounded) || rounded > (SIZE_MAX >> 1)) {
    return zcx_error_fail(err, ENOMEM,
                          "allocate on %s: size %zu with alignment %zu overflows when rounded",
                          mr->name, size, alignment);
  }
  return mr->ops->allocate(mr, size, alignment, stream, out, err);
}

int zcx_mr_deallocate(zcx_mr_t* mr, void* ptr, size_t size, zcx_stream_t* stream,
                      zcx_error_t* err) {
  if (mr == NULL) {
    return zcx_error_fail(err, EINVAL, "deallocate: resource is NULL");
  }
  if (ptr == NULL) {
    return zcx_error_fail(err, EINVAL, "deallocate on %s: pointer is NULL", mr->name);
  }
  if (size == 0) {
    return zcx_error_fail(err, EINVAL, "deallocate on %s: size of %p is 0", mr->name, ptr);
  }
  return mr->ops->deallocate(mr, ptr, size, stream, err);
}

int zcx_mr_get_stats(zcx_mr_t* mr, zcx_mr_stats_t* stats, zcx_error_t* err) {
  if (mr == NULL || stats == NULL) {
    return zcx_error_fail(err, EINVAL, "get_stats: resource or stats is NULL");
  }
  size_t n = stats->struct_size;
  if (n < sizeof(size_t) || n > sizeof(zcx_mr_stats_t)) {
    return zcx_error_fail(err, EINVAL, "get_stats on %s: struct_size %zu is not in [%zu, %zu]",
                          mr->name, n, sizeof(size_t), sizeof(zcx_mr_stats_t));
  }
  if (mr->ops->get_stats == NULL) {
    return zcx_error_fail(err, ENOTSUP, "%s keeps no statistics", mr->name);
  }
  // Work on a full-size copy so resources may fill every field; hand back what fits.
  zcx_mr_stats_t full;
  full.struct_size = sizeof(full);
  full.current_bytes = full.peak_bytes = full.total_bytes = -1;
  full.current_count = full.peak_count = full.allocations = full.frees = full.failures = -1;
  full.reserved_bytes = full.peak_reserved_bytes = full.free_bytes = -1;
  full.largest_free_block = -1;
  full.fragmentation = -1.0;
  int rc = mr->ops->get_stats(mr, &full, err);
  if (rc != 0) {
    return rc;
  }
  memcpy((char*)stats + sizeof(size_t), (char*)&full + sizeof(size_t), n - sizeof(size_t));
  return 0;
}

const char* zcx_mr_name(const zcx_mr_t* mr) { return mr == NULL ? "" : mr->name; }
const char* zcx_mr_kind(const zcx_mr_t* mr) { return mr == NULL ? "" : mr->ops->kind; }
zcx_device_t zcx_mr_device(const zcx_mr_t* mr) { return mr->device; }
zcx_mr_t* zcx_mr_upstream(const zcx_mr_t* mr) { return mr == NULL ? NULL : mr->upstream; }

void zcx_mr_retain(zcx_mr_t* mr) {
  if (mr != NULL) {
    zcxi_atomic_inc_i64(&mr->refcount_);
  }
}

void zcx_mr_release(zcx_mr_t* mr) {
  if (mr == NULL || !zcxi_atomic_dec_i64(&mr->refcount_)) {
    return;
  }
  zcx_mr_t* upstream = mr->upstream;
  mr->ops->destroy(mr);
  zcx_mr_release(upstream);
}
