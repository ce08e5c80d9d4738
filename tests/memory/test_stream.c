// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Tests of src/memory/stream.c: host streams, task order, events, cross-stream waits.
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "memory/gate_support.h"
#include "zcx/memory.h"

// A task that blocks its stream until the gate opens.
static void gate_task(void* arg) { zcxt_gate_wait(arg); }

// Records the order in which tasks ran.
typedef struct order {
  atomic_int next;
  int seen[256];
} order_t;

typedef struct order_task {
  order_t* order;
  int id;
} order_task_t;

static void order_run(void* arg) {
  order_task_t* t = arg;
  int slot = atomic_fetch_add(&t->order->next, 1);
  t->order->seen[slot] = t->id;
}

static void test_bad_arguments(void** state) {
  (void)state;
  zcx_error_t err;
  assert_int_equal(zcx_host_stream_create(NULL, &err), EINVAL);
  zcx_stream_t* s;
  assert_int_equal(zcx_host_stream_create(&s, &err), 0);
  assert_int_equal(zcx_stream_enqueue(NULL, gate_task, NULL, &err), EINVAL);
  assert_int_equal(zcx_stream_enqueue(s, NULL, NULL, &err), EINVAL);
  assert_non_null(strstr(err.message, "task function"));
  zcx_event_t* e = (zcx_event_t*)&err;  // must be reset to NULL
  assert_int_equal(zcx_stream_record(NULL, &e, &err), EINVAL);
  assert_null(e);
  assert_int_equal(zcx_stream_record(s, NULL, &err), EINVAL);
  assert_int_equal(zcx_stream_wait_event(s, NULL, &err), EINVAL);
  assert_int_equal(zcx_stream_wait_event(NULL, NULL, &err), EINVAL);
  assert_int_equal(zcx_stream_synchronize(NULL, &err), EINVAL);
  assert_int_equal(zcx_event_wait(NULL, &err), EINVAL);
  assert_true(zcx_event_query(NULL));
  assert_null(zcx_event_stream(NULL));
  assert_string_equal(zcx_stream_kind(s), "host");
  assert_true(zcx_device_equal(zcx_stream_device(s), zcx_device_cpu()));
  zcx_stream_release(s);
  zcx_stream_release(NULL);
  zcx_event_release(NULL);
}

static void test_tasks_run_in_order(void** state) {
  (void)state;
  zcx_stream_t* s;
  assert_int_equal(zcx_host_stream_create(&s, NULL), 0);
  order_t order;
  memset(&order, 0, sizeof(order));
  order_task_t tasks[200];
  for (int i = 0; i < 200; i++) {
    tasks[i].order = &order;
    tasks[i].id = i;
    assert_int_equal(zcx_stream_enqueue(s, order_run, &tasks[i], NULL), 0);
  }
  assert_int_equal(zcx_stream_synchronize(s, NULL), 0);
  assert_int_equal(atomic_load(&order.next), 200);
  for (int i = 0; i < 200; i++) {
    assert_int_equal(order.seen[i], i);
  }
  zcx_stream_release(s);
}

static void test_event_completes_after_earlier_work(void** state) {
  (void)state;
  zcx_stream_t* s;
  assert_int_equal(zcx_host_stream_create(&s, NULL), 0);
  zcxt_gate_t gate;
  zcxt_gate_init(&gate);
  // An event recorded on an idle stream is complete at once.
  zcx_event_t* idle;
  assert_int_equal(zcx_stream_record(s, &idle, NULL), 0);
  assert_true(zcx_event_query(idle));
  assert_ptr_equal(zcx_event_stream(idle), s);
  assert_int_equal(zcx_stream_enqueue(s, gate_task, &gate, NULL), 0);
  zcx_event_t* e;
  assert_int_equal(zcx_stream_record(s, &e, NULL), 0);
  assert_false(zcx_event_query(e));  // the gate task cannot finish before the gate opens
  assert_false(zcx_event_query(e));
  zcxt_gate_open(&gate);
  assert_int_equal(zcx_event_wait(e, NULL), 0);
  assert_true(zcx_event_query(e));
  zcx_event_release(e);
  zcx_event_release(idle);
  zcx_stream_release(s);
  zcxt_gate_destroy(&gate);
}

static void test_wait_event_orders_two_streams(void** state) {
  (void)state;
  zcx_stream_t* a;
  zcx_stream_t* b;
  assert_int_equal(zcx_host_stream_create(&a, NULL), 0);
  assert_int_equal(zcx_host_stream_create(&b, NULL), 0);
  zcxt_gate_t gate;
  zcxt_gate_init(&gate);
  order_t order;
  memset(&order, 0, sizeof(order));
  order_task_t on_a = {&order, 1};
  order_task_t on_b = {&order, 2};
  assert_int_equal(zcx_stream_enqueue(a, gate_task, &gate, NULL), 0);
  assert_int_equal(zcx_stream_enqueue(a, order_run, &on_a, NULL), 0);
  zcx_event_t* ea;
  assert_int_equal(zcx_stream_record(a, &ea, NULL), 0);
  assert_int_equal(zcx_stream_wait_event(b, ea, NULL), 0);
  zcx_event_release(ea);  // the wait holds its own reference
  assert_int_equal(zcx_stream_enqueue(b, order_run, &on_b, NULL), 0);
  zcx_event_t* eb;
  assert_int_equal(zcx_stream_record(b, &eb, NULL), 0);
  assert_false(zcx_event_query(eb));  // b waits for a, which waits for the gate
  assert_int_equal(atomic_load(&order.next), 0);
  zcxt_gate_open(&gate);
  assert_int_equal(zcx_event_wait(eb, NULL), 0);
  assert_int_equal(atomic_load(&order.next), 2);
  assert_int_equal(order.seen[0], 1);
  assert_int_equal(order.seen[1], 2);
  zcx_event_release(eb);
  zcx_stream_release(a);
  zcx_stream_release(b);
  zcxt_gate_destroy(&gate);
}

static void count_task(void* arg) { atomic_fetch_add((atomic_int*)arg, 1); }

static void test_last_release_runs_queued_work(void** state) {
  (void)state;
  zcx_stream_t* s;
  assert_int_equal(zcx_host_stream_create(&s, NULL), 0);
  zcxt_gate_t gate;
  zcxt_gate_init(&gate);
  atomic_int count;
  atomic_init(&count, 0);
  assert_int_equal(zcx_stream_enqueue(s, gate_task, &gate, NULL), 0);
  for (int i = 0; i < 50; i++) {
    assert_int_equal(zcx_stream_enqueue(s, count_task, &count, NULL), 0);
  }
  assert_int_equal(atomic_load(&count), 0);
  zcxt_gate_open(&gate);
  zcx_stream_release(s);  // waits for the 50 tasks, then joins
  assert_int_equal(atomic_load(&count), 50);
  zcxt_gate_destroy(&gate);
}

static void release_event_task(void* arg) { zcx_event_release(arg); }

typedef struct sync_self {
  zcx_stream_t* stream;
  int rc;
} sync_self_t;

static void sync_self_task(void* arg) {
  sync_self_t* t = arg;
  t->rc = zcx_stream_synchronize(t->stream, NULL);
}

static void test_last_reference_dropped_on_a_worker(void** state) {
  (void)state;
  zcx_stream_t* a;
  zcx_stream_t* b;
  assert_int_equal(zcx_host_stream_create(&a, NULL), 0);
  assert_int_equal(zcx_host_stream_create(&b, NULL), 0);
  zcx_event_t* e;
  assert_int_equal(zcx_stream_record(a, &e, NULL), 0);
  zcx_stream_release(a);  // the event keeps a alive
  assert_true(zcx_event_query(e));
  assert_ptr_equal(zcx_event_stream(e), a);
  // b's worker drops the last reference to a: a must finish without joining from b.
  assert_int_equal(zcx_stream_enqueue(b, release_event_task, e, NULL), 0);
  // A task cannot synchronize its own stream.
  sync_self_t t = {b, 0};
  assert_int_equal(zcx_stream_enqueue(b, sync_self_task, &t, NULL), 0);
  assert_int_equal(zcx_stream_synchronize(b, NULL), 0);
  assert_int_equal(t.rc, EINVAL);
  zcx_stream_release(b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bad_arguments),
      cmocka_unit_test(test_tasks_run_in_order),
      cmocka_unit_test(test_event_completes_after_earlier_work),
      cmocka_unit_test(test_wait_event_orders_two_streams),
      cmocka_unit_test(test_last_release_runs_queued_work),
      cmocka_unit_test(test_last_reference_dropped_on_a_worker),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
