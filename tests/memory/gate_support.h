// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// A gate that stream tasks block on until the test opens it (no timing involved).
#ifndef ZCX_TESTS_MEMORY_GATE_SUPPORT_H
#define ZCX_TESTS_MEMORY_GATE_SUPPORT_H

#include <pthread.h>
#include <stdbool.h>

typedef struct zcxt_gate {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  bool open;
} zcxt_gate_t;

// A closed gate.
void zcxt_gate_init(zcxt_gate_t* g);

// Opens the gate and wakes every waiter; later waits return at once.
void zcxt_gate_open(zcxt_gate_t* g);

// Blocks until the gate is open.
void zcxt_gate_wait(zcxt_gate_t* g);

void zcxt_gate_destroy(zcxt_gate_t* g);

#endif  // ZCX_TESTS_MEMORY_GATE_SUPPORT_H
