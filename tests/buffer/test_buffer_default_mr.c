// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Tests of buffers drawn from the default resource while the default is being replaced.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "zcx/buffer.h"

// A resource over malloc whose header outlives its destroy, so that any use after the last
// release is counted instead of touching freed memory. Its allocate can replace the default
// resource halfway, as another thread calling zcx_set_default_mr at that moment would.
typedef struct probe_mr {
  zcx_mr_t base;
  int destroyed;          // destroy calls
  int used_after_destroy; // allocate or deallocate calls after destroy
  int allocations;
  int deallocations;
  bool replace_default;   // allocate calls zcx_set_default_mr(NULL) first
} probe_mr_t;

static int probe_allocate(zcx_mr_t* mr, size_t size, size_t alignment, zcx_stream_t* stream,
                          void** out, zcx_error_t* err) {
  (void)stream;
  (void)err;
  probe_mr_t* p = (probe_mr_t*)mr;
  if (p->replace_default) {
    p->replace_default = false;
    zcx_set_default_mr(NULL);
  }
  if (p->destroyed != 0) {
    p->used_after_destroy++;
  }
  p->allocations++;
  size_t rounded = (size + alignment - 1) / alignment * alignment;
  *out = aligned_alloc(alignment, rounded);
  return *out != NULL ? 0 : ENOMEM;
}

static int probe_deallocate(zcx_mr_t* mr, void* ptr, size_t size, zcx_stream_t* stream,
                            zcx_error_t* err) {
  (void)size;
  (void)stream;
  (void)err;
  probe_mr_t* p = (probe_mr_t*)mr;
  if (p->destroyed != 0) {
    p->used_after_destroy++;
  }
  p->deallocations++;
  free(ptr);
  return 0;
}

static void probe_destroy(zcx_mr_t* mr) { ((probe_mr_t*)mr)->destroyed++; }

static const zcx_mr_ops_t probe_ops = {
    .struct_size = sizeof(zcx_mr_ops_t),
    .kind = "probe",
    .allocate = probe_allocate,
    .deallocate = probe_deallocate,
    .destroy = probe_destroy,
};

// The default resource is replaced while a buffer is being allocated from it, and the
// library held the only reference to it: the buffer must keep it alive, and it must be
// destroyed exactly once, after the buffer gives its memory back.
static void test_default_replaced_during_allocate(void** state) {
  (void)state;
  static probe_mr_t probe;
  memset(&probe, 0, sizeof(probe));
  zcx_mr_init(&probe.base, &probe_ops, zcx_device_cpu(), NULL, "probe");
  zcx_set_default_mr(&probe.base);
  zcx_mr_release(&probe.base);  // the library now holds the only reference
  assert_int_equal(probe.destroyed, 0);
  assert_ptr_equal(zcx_default_mr(), &probe.base);

  probe.replace_default = true;
  zcx_buffer_t* b = NULL;
  assert_int_equal(zcx_buffer_allocate(NULL, 100, 64, NULL, &b, NULL), 0);
  assert_non_null(b);
  assert_ptr_not_equal(zcx_default_mr(), &probe.base);
  // The buffer holds the resource its memory came from.
  assert_int_equal(probe.destroyed, 0);
  assert_ptr_equal(zcx_buffer_mr(b), &probe.base);
  memset(zcx_buffer_data(b), 0x5a, 100);
  zcx_buffer_release(b);
  assert_int_equal(probe.allocations, 1);
  assert_int_equal(probe.deallocations, 1);
  assert_int_equal(probe.destroyed, 1);
  assert_int_equal(probe.used_after_destroy, 0);
}

// The same with a failing allocation: the reference taken on the default is dropped again.
static int refuse_allocate(zcx_mr_t* mr, size_t size, size_t alignment, zcx_stream_t* stream,
                           void** out, zcx_error_t* err) {
  (void)size;
  (void)alignment;
  (void)stream;
  probe_mr_t* p = (probe_mr_t*)mr;
  if (p->replace_default) {
    p->replace_default = false;
    zcx_set_default_mr(NULL);
  }
  p->allocations++;
  *out = NULL;
  return zcx_error_fail(err, ENOMEM, "probe: refused");
}

static const zcx_mr_ops_t refuse_ops = {
    .struct_size = sizeof(zcx_mr_ops_t),
    .kind = "refuse",
    .allocate = refuse_allocate,
    .deallocate = probe_deallocate,
    .destroy = probe_destroy,
};

static void test_default_replaced_during_failed_allocate(void** state) {
  (void)state;
  static probe_mr_t probe;
  memset(&probe, 0, sizeof(probe));
  zcx_mr_init(&probe.base, &refuse_ops, zcx_device_cpu(), NULL, "refuse");
  zcx_set_default_mr(&probe.base);
  zcx_mr_release(&probe.base);
  probe.replace_default = true;
  zcx_buffer_t* b = NULL;
  zcx_error_t err;
  zcx_error_init(&err);
  assert_int_equal(zcx_buffer_allocate(NULL, 100, 64, NULL, &b, &err), ENOMEM);
  assert_null(b);
  assert_int_equal(probe.allocations, 1);
  assert_int_equal(probe.destroyed, 1);
  assert_int_equal(probe.used_after_destroy, 0);
  // Nothing else refers to it.
  assert_int_equal(__atomic_load_n(&probe.base.refcount_, __ATOMIC_RELAXED), 0);
}

// A default that stays in place is not kept alive by buffers that are gone.
static void test_default_references_balance(void** state) {
  (void)state;
  static probe_mr_t probe;
  memset(&probe, 0, sizeof(probe));
  zcx_mr_init(&probe.base, &probe_ops, zcx_device_cpu(), NULL, "probe");
  zcx_set_default_mr(&probe.base);
  for (int i = 0; i < 10; i++) {
    zcx_buffer_t* b = NULL;
    assert_int_equal(zcx_buffer_allocate(NULL, 64 * (i + 1), 0, NULL, &b, NULL), 0);
    assert_int_equal(__atomic_load_n(&probe.base.refcount_, __ATOMIC_RELAXED), 3);
    zcx_buffer_release(b);
  }
  zcx_buffer_t* empty = NULL;
  assert_int_equal(zcx_buffer_allocate(NULL, 0, 0, NULL, &empty, NULL), 0);
  assert_ptr_equal(zcx_buffer_mr(empty), &probe.base);
  zcx_buffer_release(empty);
  assert_int_equal(__atomic_load_n(&probe.base.refcount_, __ATOMIC_RELAXED), 2);
  zcx_set_default_mr(NULL);
  zcx_mr_release(&probe.base);
  assert_int_equal(probe.destroyed, 1);
  assert_int_equal(probe.allocations, 10);
  assert_int_equal(probe.deallocations, 10);
  assert_int_equal(probe.used_after_destroy, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_default_replaced_during_allocate),
      cmocka_unit_test(test_default_replaced_during_failed_allocate),
      cmocka_unit_test(test_default_references_balance),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
