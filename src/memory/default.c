// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The process-wide default resource: a pool over the system resource, created on first use.
#include <pthread.h>
#include <stddef.h>

#include "zcx/memory.h"

static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;
static zcx_mr_t* builtin;  // lives until the process exits
static zcx_mr_t* chosen;   // set with zcx_set_default_mr (a reference), or NULL

static void builtin_create(void) {
  zcx_mr_t* mr = NULL;
  if (zcx_pool_mr_create(NULL, NULL, &mr, NULL) == 0) {
    builtin = mr;
  }
}

zcx_mr_t* zcx_default_mr(void) {
  zcx_mr_t* mr = __atomic_load_n(&chosen, __ATOMIC_ACQUIRE);
  if (mr != NULL) {
    return mr;
  }
  pthread_once(&builtin_once, builtin_create);
  return builtin;
}

void zcx_set_default_mr(zcx_mr_t* mr) {
  zcx_mr_retain(mr);
  zcx_mr_t* old = __atomic_exchange_n(&chosen, mr, __ATOMIC_ACQ_REL);
  zcx_mr_release(old);
}
