// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Memory resources named on the command line: "system", "pool", "limit:SIZE", "malloc".
#include "resource_spec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

bool zcxt_resource_spec_valid(const char* spec, char* why, size_t why_size) {
  if (strcmp(spec, "system") == 0 || strcmp(spec, "pool") == 0 || strcmp(spec, "malloc") == 0) {
    return true;
  }
  if (strncmp(spec, "limit:", 6) == 0) {
    size_t limit;
    if (zcxt_parse_size(spec + 6, &limit)) {
      return true;
    }
    snprintf(why, why_size, "'%s' in resource '%s' is not a size like 512M or 2G", spec + 6, spec);
    return false;
  }
  snprintf(why, why_size, "unknown resource '%s' (system, pool, limit:SIZE, malloc)", spec);
  return false;
}

int zcxt_resource_create(const char* spec, zcx_mr_t** out, zcx_error_t* err) {
  *out = NULL;
  char why[160];
  if (!zcxt_resource_spec_valid(spec, why, sizeof(why))) {
    return zcx_error_fail(err, EINVAL, "%s", why);
  }
  if (strcmp(spec, "system") == 0) {
    return zcx_system_mr_create(NULL, out, err);
  }
  if (strcmp(spec, "malloc") == 0) {
    return zcxt_malloc_mr_create(out, err);
  }
  zcx_mr_t* pool = NULL;
  ZCX_RETURN_IF_ERROR(zcx_pool_mr_create(NULL, NULL, &pool, err));
  if (strcmp(spec, "pool") == 0) {
    *out = pool;
    return 0;
  }
  size_t limit = 0;
  (void)zcxt_parse_size(spec + 6, &limit);
  int rc = zcx_limit_mr_create(pool, limit, out, err);
  zcx_mr_release(pool);  // the limit adaptor holds its own reference
  return rc;
}

// ---------------------------------------------------------------------------------------------
// malloc as a zcx resource

static int malloc_allocate(zcx_mr_t* mr, size_t size, size_t alignment, zcx_stream_t* stream,
                           void** out, zcx_error_t* err) {
  (void)stream;
  if (alignment < sizeof(void*)) {
    alignment = sizeof(void*);
  }
  void* p = NULL;
  int rc = posix_memalign(&p, alignment, size);
  if (rc != 0) {
    return zcx_error_fail(err, ENOMEM, "allocate on %s: posix_memalign of %zu bytes failed",
                          mr->name, size);
  }
  *out = p;
  return 0;
}

static int malloc_deallocate(zcx_mr_t* mr, void* ptr, size_t size, zcx_stream_t* stream,
                             zcx_error_t* err) {
  (void)mr;
  (void)size;
  (void)stream;
  (void)err;
  free(ptr);
  return 0;
}

static void malloc_destroy(zcx_mr_t* mr) { free(mr); }

static const zcx_mr_ops_t kMallocOps = {
    .struct_size = sizeof(zcx_mr_ops_t),
    .kind = "malloc",
    .allocate = malloc_allocate,
    .deallocate = malloc_deallocate,
    .get_stats = NULL,
    .destroy = malloc_destroy,
};

int zcxt_malloc_mr_create(zcx_mr_t** out, zcx_error_t* err) {
  *out = NULL;
  zcx_mr_t* mr = calloc(1, sizeof(*mr));
  if (mr == NULL) {
    return zcx_error_fail(err, ENOMEM, "malloc resource: out of memory");
  }
  zcx_mr_init(mr, &kMallocOps, zcx_device_cpu(), NULL, "malloc");
  *out = mr;
  return 0;
}
