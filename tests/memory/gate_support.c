// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The gate of gate_support.h: a flag under a mutex, with a condition variable to wait on.
#include "memory/gate_support.h"

void zcxt_gate_init(zcxt_gate_t* g) {
  pthread_mutex_init(&g->mu, NULL);
  pthread_cond_init(&g->cv, NULL);
  g->open = false;
}

void zcxt_gate_open(zcxt_gate_t* g) {
  pthread_mutex_lock(&g->mu);
  g->open = true;
  pthread_cond_broadcast(&g->cv);
  pthread_mutex_unlock(&g->mu);
}

void zcxt_gate_wait(zcxt_gate_t* g) {
  pthread_mutex_lock(&g->mu);
  while (!g->open) {
    pthread_cond_wait(&g->cv, &g->mu);
  }
  pthread_mutex_unlock(&g->mu);
}

void zcxt_gate_destroy(zcxt_gate_t* g) {
  pthread_mutex_destroy(&g->mu);
  pthread_cond_destroy(&g->cv);
}
