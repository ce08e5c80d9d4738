// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Tests of src/shm/shm_mr.c: the resource over a segment (placement, reuse and coalescing,
// foreign pointers, double frees, wrong sizes, exhaustion, statistics, builders on it).
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "shm_support.h"
#include "zcx/shm.h"

static zcx_shm_segment_t* segment(int64_t cap) {
  zcx_shm_segment_t* s = NULL;
  assert_int_equal(zcx_shm_segment_create("mr", cap, &s, NULL), 0);
  return s;
}

static void test_allocations_live_in_the_segment(void** state) {
  (void)state;
  zcx_error_t err;
  zcx_shm_segment_t* s = segment(1 << 20);
  zcx_shm_mr_options_t o;
  zcx_shm_mr_options_init(&o);
  o.header_size = 4096;
  zcx_mr_t* mr = NULL;
  assert_int_equal(zcx_shm_mr_create(s, &o, &mr, &err), 0);
  assert_string_equal(zcx_mr_kind(mr), "shm");
  assert_ptr_equal(zcx_shm_mr_segment(mr), s);
  assert_null(zcx_shm_mr_segment(NULL));
  uint8_t* base = zcx_shm_segment_data(s);
  void* a = NULL;
  void* b = NULL;
  void* c = NULL;
  assert_int_equal(zcx_mr_allocate(mr, 100, 64, NULL, &a, &err), 0);
  assert_int_equal(zcx_mr_allocate(mr, 1000, 64, NULL, &b, &err), 0);
  assert_int_equal(zcx_mr_allocate(mr, 10, 4096, NULL, &c, &err), 0);
  // After the header, in order, 64-byte granules, alignment honoured.
  assert_ptr_equal(a, base + 4096);
  assert_ptr_equal(b, base + 4096 + 128);
  assert_int_equal(((uintptr_t)c - (uintptr_t)base) % 4096, 0);
  memset(a, 1, 100);
  memset(b, 2, 1000);
  zcx_mr_stats_t st;
  st.struct_size = sizeof(st);
  assert_int_equal(zcx_mr_get_stats(mr, &st, &err), 0);
  assert_int_equal(st.current_count, 3);
  assert_int_equal(st.current_bytes, 128 + 1024 + 64);
  assert_int_equal(st.reserved_bytes, (1 << 20) - 4096);
  // Freed blocks coalesce and are reused first-fit.
  assert_int_equal(zcx_mr_deallocate(mr, a, 100, NULL, &err), 0);
  assert_int_equal(zcx_mr_deallocate(mr, b, 1000, NULL, &err), 0);
  void* d = NULL;
  assert_int_equal(zcx_mr_allocate(mr, 1100, 64, NULL, &d, &err), 0);
  assert_ptr_equal(d, base + 4096);
  assert_int_equal(zcx_mr_deallocate(mr, d, 1100, NULL, &err), 0);
  assert_int_equal(zcx_mr_deallocate(mr, c, 10, NULL, &err), 0);
  assert_int_equal(zcx_mr_get_stats(mr, &st, &err), 0);
  assert_int_equal(st.current_count, 0);
  assert_int_equal(st.largest_free_block, (1 << 20) - 4096);
  zcx_mr_release(mr);
  zcx_shm_segment_release(s);
}

static void test_bad_frees_change_nothing(void** state) {
  (void)state;
  zcx_error_t err;
  zcx_shm_segment_t* s = segment(1 << 20);
  zcx_mr_t* mr = NULL;
  assert_int_equal(zcx_shm_mr_create(s, NULL, &mr, &err), 0);
  void* a = NULL;
  assert_int_equal(zcx_mr_allocate(mr, 256, 64, NULL, &a, &err), 0);
  int local = 0;
  assert_int_equal(zcx_mr_deallocate(mr, &local, 4, NULL, &err), EINVAL);
  assert_non_null(strstr(err.message, "not in the segment"));
  assert_int_equal(zcx_mr_deallocate(mr, (uint8_t*)a + 64, 64, NULL, &err), EINVAL);
  assert_non_null(strstr(err.message, "not a live block"));
  assert_int_equal(zcx_mr_deallocate(mr, a, 1024, NULL, &err), EINVAL);
  assert_non_null(strstr(err.message, "allocated with 256"));
  assert_int_equal(zcx_mr_deallocate(mr, a, 256, NULL, &err), 0);
  assert_int_equal(zcx_mr_deallocate(mr, a, 256, NULL, &err), EINVAL);
  assert_non_null(strstr(err.message, "freed twice"));
  zcx_mr_stats_t st;
  st.struct_size = sizeof(st);
  assert_int_equal(zcx_mr_get_stats(mr, &st, &err), 0);
  assert_int_equal(st.current_count, 0);
  assert_int_equal(st.free_bytes, st.largest_free_block);
  zcx_mr_release(mr);
  zcx_shm_segment_release(s);
}

static void test_exhaustion_and_options(void** state) {
  (void)state;
  zcx_error_t err;
  zcx_shm_segment_t* s = segment(256 * 1024);
  zcx_mr_t* mr = NULL;
  zcx_shm_mr_options_t o;
  zcx_shm_mr_options_init(&o);
  o.header_size = 100;
  assert_int_equal(zcx_shm_mr_create(s, &o, &mr, &err), EINVAL);
  o.header_size = 256 * 1024;
  assert_int_equal(zcx_shm_mr_create(s, &o, &mr, &err), EINVAL);
  assert_non_null(strstr(err.message, "no room"));
  o.struct_size = 0;
  assert_int_equal(zcx_shm_mr_create(s, &o, &mr, &err), EINVAL);
  assert_int_equal(zcx_shm_mr_create(NULL, NULL, &mr, &err), EINVAL);
  assert_int_equal(zcx_shm_mr_create(s, NULL, &mr, &err), 0);
  // One resource per segment.
  zcx_mr_t* second = NULL;
  assert_int_equal(zcx_shm_mr_create(s, NULL, &second, &err), EINVAL);
  assert_null(second);
  void* a = NULL;
  assert_int_equal(zcx_mr_allocate(mr, 1 << 20, 64, NULL, &a, &err), ENOMEM);
  assert_non_null(strstr(err.message, "no room for 1048576 bytes"));
  assert_int_equal(zcx_mr_allocate(mr, 100 * 1024, 64, NULL, &a, &err), 0);
  void* b = NULL;
  assert_int_equal(zcx_mr_allocate(mr, 100 * 1024, 64, NULL, &b, &err), ENOMEM);
  assert_int_equal(zcx_mr_deallocate(mr, a, 100 * 1024, NULL, &err), 0);
  assert_int_equal(zcx_mr_allocate(mr, 150 * 1024, 64, NULL, &b, &err), 0);
  assert_int_equal(zcx_mr_deallocate(mr, b, 150 * 1024, NULL, &err), 0);
  zcx_mr_release(mr);
  zcx_shm_segment_release(s);
}

static void test_builders_write_in_place(void** state) {
  (void)state;
  zcx_error_t err;
  zcx_shm_segment_t* s = segment(8 << 20);
  zcx_mr_t* mr = NULL;
  assert_int_equal(zcx_shm_mr_create(s, NULL, &mr, &err), 0);
  zcx_schema_t* schema = ss_schema();
  zcx_batch_t* batch = ss_build_batch(schema, mr, 5000, 3);
  assert_non_null(batch);
  char why[256] = "";
  assert_true(ss_check_batch(batch, 5000, 3, why, sizeof(why)));
  uintptr_t lo = (uintptr_t)zcx_shm_segment_data(s);
  uintptr_t hi = lo + (uintptr_t)zcx_shm_segment_capacity(s);
  for (int32_t c = 0; c < batch->num_columns; c++) {
    const zcx_array_t* a = batch->columns[c];
    for (int32_t i = 0; i < a->num_buffers; i++) {
      if (a->buffers[i] != NULL && zcx_buffer_size(a->buffers[i]) > 0) {
        uintptr_t p = (uintptr_t)zcx_buffer_data(a->buffers[i]);
        assert_true(p >= lo && p < hi);
      }
    }
  }
  // The buffers keep the resource and the segment alive.
  zcx_mr_release(mr);
  zcx_shm_segment_release(s);
  assert_true(ss_check_batch(batch, 5000, 3, why, sizeof(why)));
  zcx_batch_release(batch);
  zcx_schema_release(schema);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_allocations_live_in_the_segment),
      cmocka_unit_test(test_bad_frees_change_nothing),
      cmocka_unit_test(test_exhaustion_and_options),
      cmocka_unit_test(test_builders_write_in_place),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
