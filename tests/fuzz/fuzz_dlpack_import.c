// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Fuzz target: DLPack import of a hostile DLManagedTensorVersioned or legacy DLManagedTensor.
//
// The input bytes are a recipe (zeros once it runs out): which struct, the version and
// flags, ndim, shape, strides (or NULL), dtype, device, byte_offset, and the size of the
// memory the data pointer points into. The import must reject the tensor without calling the
// deleter, or accept it; an accepted tensor must describe what the struct said, its buffer
// must hold every element the shape and strides reach (each element is read when the buffer
// lies in the memory the recipe allocated, so ASan sees any read outside it), it must
// survive an export / import round trip, and the producer's deleter runs exactly once, when
// the last reference drops.
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zcx/dlpack.h"
#include "zcx/tensor.h"

#define FUZZ_TARGET "fuzz_dlpack_import"
#include "fuzz_recipe.h"

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

#define MAX_NDIM 40     // past ZCX_TENSOR_MAX_NDIM on purpose
#define MAX_MEMORY 4096
#define MAX_ELEMENTS 4096

static uint64_t take64(recipe_t* r) { return take_le(r, 8); }

static int64_t pick(recipe_t* r, int64_t n) { return (int64_t)(take8(r) % (uint32_t)n); }
static bool chance(recipe_t* r, int k) { return (take8(r) & 15) < k; }

// A dimension or stride: mostly small, sometimes negative or huge.
static int64_t small_or_wild(recipe_t* r, int64_t lo, int64_t hi) {
  if (chance(r, 1)) {
    return (int64_t)take64(r);
  }
  return lo + pick(r, hi - lo + 1);
}

// The producer's side: the managed struct, its shape and strides, the memory, and how often
// the deleter ran.
typedef struct producer {
  DLManagedTensorVersioned versioned;
  DLManagedTensor legacy;
  int64_t shape[MAX_NDIM];
  int64_t strides[MAX_NDIM];
  uint8_t* memory;
  int64_t memory_size;
  int deletes;
} producer_t;

static void delete_versioned(DLManagedTensorVersioned* self) {
  producer_t* p = self->manager_ctx;
  p->deletes++;
  free(p->memory);
  p->memory = NULL;
}

static void delete_legacy(DLManagedTensor* self) {
  producer_t* p = self->manager_ctx;
  p->deletes++;
  free(p->memory);
  p->memory = NULL;
}

static const DLDataType k_dtypes[] = {
    {kDLInt, 8, 1},    {kDLInt, 16, 1},    {kDLInt, 32, 1},     {kDLInt, 64, 1},
    {kDLUInt, 8, 1},   {kDLUInt, 64, 1},   {kDLFloat, 16, 1},   {kDLFloat, 32, 1},
    {kDLFloat, 64, 1}, {kDLBfloat, 16, 1}, {kDLComplex, 64, 1}, {kDLComplex, 128, 1},
    {kDLBool, 8, 1},   {kDLFloat, 32, 4},  {kDLInt, 7, 1},      {kDLOpaqueHandle, 64, 1},
};

static void fill_tensor(producer_t* p, recipe_t* r, DLTensor* t) {
  p->memory_size = chance(r, 8) ? pick(r, 64) : (int64_t)(take8(r) * 16 + take8(r)) % MAX_MEMORY;
  p->memory = malloc((size_t)(p->memory_size > 0 ? p->memory_size : 1));
  if (p->memory == NULL) {
    fuzz_fail("out of memory", NULL);
  }
  for (int64_t i = 0; i < p->memory_size; i++) {
    p->memory[i] = (uint8_t)i;
  }
  int32_t ndim = (int32_t)pick(r, 6);
  if (chance(r, 1)) {
    ndim = (int32_t)(int8_t)take8(r);  // negative or past the limit
  }
  if (ndim > MAX_NDIM) {
    ndim = MAX_NDIM;
  }
  for (int32_t i = 0; i < MAX_NDIM; i++) {
    p->shape[i] = small_or_wild(r, -1, 6);
    p->strides[i] = small_or_wild(r, -6, 12);
  }
  t->data = chance(r, 1) ? NULL : p->memory;
  t->device.device_type = chance(r, 14) ? kDLCPU : (DLDeviceType)(int32_t)pick(r, 20);
  t->device.device_id = chance(r, 15) ? 0 : (int32_t)(int8_t)take8(r);
  t->ndim = ndim;
  t->dtype = k_dtypes[pick(r, (int64_t)(sizeof(k_dtypes) / sizeof(k_dtypes[0])))];
  if (chance(r, 1)) {
    t->dtype.code = take8(r);
    t->dtype.bits = take8(r);
    t->dtype.lanes = (uint16_t)(take8(r) % 3);
  }
  t->shape = chance(r, 1) ? NULL : p->shape;
  t->strides = chance(r, 6) ? NULL : p->strides;
  t->byte_offset = chance(r, 1) ? take64(r) : (uint64_t)pick(r, 64);
}

// Every element the tensor reaches lies in its buffer; when the buffer lies in the producer's
// memory, each element is also read.
static void check_elements(const zcx_tensor_t* t, const producer_t* p) {
  zcx_buffer_t* buf = zcx_tensor_buffer(t);
  const uint8_t* base = zcx_buffer_data(buf);
  int64_t size = zcx_buffer_size(buf);
  const uint8_t* first = zcx_tensor_data(t);
  int64_t numel = zcx_tensor_numel(t);
  int64_t item = zcx_tensor_itemsize(t);
  int32_t ndim = zcx_tensor_ndim(t);
  const int64_t* shape = zcx_tensor_shape(t);
  const int64_t* strides = zcx_tensor_strides(t);
  if (numel == 0 || numel > MAX_ELEMENTS) {
    return;
  }
  uintptr_t mem = (uintptr_t)p->memory;
  bool readable = zcx_device_is_host_accessible(zcx_tensor_device(t)) && p->memory != NULL &&
                  (uintptr_t)base >= mem &&
                  (uintptr_t)base + (uintptr_t)size <= mem + (uintptr_t)p->memory_size;
  int64_t idx[ZCX_TENSOR_MAX_NDIM] = {0};
  volatile uint8_t sink = 0;
  for (int64_t e = 0; e < numel; e++) {
    int64_t off = 0;  // in elements; each term fits, as the import checked the extent
    for (int32_t d = 0; d < ndim; d++) {
      off += idx[d] * strides[d];
    }
    // Integer arithmetic (modulo 2^64): the memory may be on a device, or not the producer's.
    uintptr_t at = (uintptr_t)first + (uintptr_t)(off * item);
    if (at < (uintptr_t)base || at - (uintptr_t)base > (uintptr_t)size ||
        (uintptr_t)size - (at - (uintptr_t)base) < (uintptr_t)item) {
      fuzz_fail("an element lies outside the tensor's buffer", NULL);
    }
    if (readable) {
      for (int64_t k = 0; k < item; k++) {
        sink = (uint8_t)(sink ^ ((const uint8_t*)(uintptr_t)at)[k]);
      }
    }
    for (int32_t d = ndim - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) {
        break;
      }
      idx[d] = 0;
    }
  }
  (void)sink;
}

static void check_tensor(zcx_tensor_t* t, const DLTensor* dl, const producer_t* p) {
  if (zcx_tensor_ndim(t) != dl->ndim) {
    fuzz_fail("ndim changed", NULL);
  }
  for (int32_t i = 0; i < dl->ndim; i++) {
    if (zcx_tensor_shape(t)[i] != dl->shape[i]) {
      fuzz_fail("shape changed", NULL);
    }
  }
  zcx_dtype_t dt = zcx_tensor_dtype(t);
  if (dt.code != dl->dtype.code || dt.bits != dl->dtype.bits || dt.lanes != dl->dtype.lanes) {
    fuzz_fail("dtype changed", NULL);
  }
  check_elements(t, p);
  // Export and import again: the same view of the same memory.
  zcx_error_t err;
  zcx_error_init(&err);
  DLManagedTensorVersioned* m = NULL;
  if (zcx_dlpack_export(t, &m, &err) != 0) {
    fuzz_fail("export of an imported tensor failed", err.message);
  }
  zcx_tensor_t* back = NULL;
  if (zcx_dlpack_import(m, &back, &err) != 0) {
    fuzz_fail("re-import of an exported tensor failed", err.message);
  }
  if (zcx_tensor_data(back) != zcx_tensor_data(t) ||
      zcx_tensor_numel(back) != zcx_tensor_numel(t) ||
      zcx_tensor_ndim(back) != zcx_tensor_ndim(t)) {
    fuzz_fail("the round trip changed the tensor", NULL);
  }
  for (int32_t i = 0; i < zcx_tensor_ndim(t); i++) {
    if (zcx_tensor_strides(back)[i] != zcx_tensor_strides(t)[i]) {
      fuzz_fail("the round trip changed the strides", NULL);
    }
  }
  zcx_tensor_release(back);
}

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  recipe_t r = {data, size, 0};
  producer_t* p = calloc(1, sizeof(*p));
  if (p == NULL) {
    return 0;
  }
  bool versioned = !chance(&r, 4);
  DLTensor* dl = versioned ? &p->versioned.dl_tensor : &p->legacy.dl_tensor;
  fill_tensor(p, &r, dl);
  DLTensor snapshot = *dl;
  zcx_error_t err;
  zcx_error_init(&err);
  int checked = zcx_dlpack_validate(dl, NULL);
  zcx_tensor_t* t = NULL;
  int rc;
  if (versioned) {
    p->versioned.version.major = chance(&r, 15) ? 1 : take8(&r);
    p->versioned.version.minor = take8(&r);
    p->versioned.flags = take8(&r) & 7;
    p->versioned.manager_ctx = p;
    p->versioned.deleter = delete_versioned;
    rc = zcx_dlpack_import(&p->versioned, &t, &err);
  } else {
    p->legacy.manager_ctx = p;
    p->legacy.deleter = delete_legacy;
    rc = zcx_dlpack_import_legacy(&p->legacy, &t, &err);
  }
  if (p->deletes != 0) {
    fuzz_fail("the deleter ran during the import", err.message);
  }
  if ((rc == 0) != (checked == 0) && rc != ENOTSUP && rc != ENOMEM) {
    fuzz_fail("zcx_dlpack_validate and the import disagree", err.message);
  }
  if (rc != 0) {
    if (t != NULL || err.message[0] == '\0') {
      fuzz_fail("a failed import returned a tensor or no message", err.message);
    }
    // The caller still owns the struct.
    if (versioned) {
      p->versioned.deleter(&p->versioned);
    } else {
      p->legacy.deleter(&p->legacy);
    }
  } else {
    if (zcx_dlpack_validate(&snapshot, &err) != 0) {
      fuzz_fail("an imported tensor fails zcx_dlpack_validate", err.message);
    }
    bool readonly = versioned && (p->versioned.flags & DLPACK_FLAG_BITMASK_READ_ONLY) != 0;
    if (readonly && !zcx_tensor_is_readonly(t)) {
      fuzz_fail("a read-only tensor became writable", NULL);
    }
    check_tensor(t, &snapshot, p);
    if (p->deletes != 0) {
      fuzz_fail("the deleter ran while the tensor is alive", NULL);
    }
    zcx_tensor_release(t);
  }
  if (p->deletes != 1) {
    fuzz_fail("the deleter did not run exactly once", NULL);
  }
  free(p->memory);
  free(p);
  return 0;
}
