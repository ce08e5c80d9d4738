// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The process-wide default resource: a pool over the system resource, created on first use.
#include <pthread.h>
#include <stddef.h>

#include "memory/default_internal.h"
#include "zcx/memory.h"

static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;
static zcx_mr_t* builtin;  // lives until the process exits
static zcx_mr_t* chosen;   // set with zcx_set_default_mr (a reference), or NULL
// Held while `chosen` is replaced, and while a reference to it is taken, so that the
// reference the library drops in zcx_set_default_mr is never the last one of a resource
// that zcxi_default_mr_acquire is about to retain.
static pthread_mutex_t chosen_lock = PTHREAD_MUTEX_INITIALIZER;

static void builtin_create(void) {
  zcx_mr_t* mr = NULL;
  if (zcx_pool_mr_create(NULL, NULL, &mr, NULL) == 0) {
    builtin = mr;
  }
}

static zcx_mr_t* builtin_get(void) {
  pthread_once(&builtin_once, builtin_create);
  return builtin;
}

zcx_mr_t* zcx_default_mr(void) {
  zcx_mr_t* mr = __atomic_load_n(&chosen, __ATOMIC_ACQUIRE);
  return mr != NULL ? mr : builtin_get();
}

zcx_mr_t* zcxi_default_mr_acquire(void) {
  // The built-in pool is never destroyed: only a chosen resource needs the lock.
  if (__atomic_load_n(&chosen, __ATOMIC_ACQUIRE) != NULL) {
    pthread_mutex_lock(&chosen_lock);
    zcx_mr_t* mr = chosen;
    zcx_mr_retain(mr);
    pthread_mutex_unlock(&chosen_lock);
    if (mr != NULL) {
      return mr;
    }
  }
  zcx_mr_t* mr = builtin_get();
  zcx_mr_retain(mr);
  return mr;
}

void zcx_set_default_mr(zcx_mr_t* mr) {
  zcx_mr_retain(mr);
  pthread_mutex_lock(&chosen_lock);
  zcx_mr_t* old = chosen;
  __atomic_store_n(&chosen, mr, __ATOMIC_RELEASE);
  pthread_mutex_unlock(&chosen_lock);
  zcx_mr_release(old);
}
