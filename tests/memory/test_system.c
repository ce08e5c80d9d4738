// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Tests of src/memory/system.c and src/memory/os.c: arguments, alignment, mmap, counters.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "memory/os.h"
#include "zcx/memory.h"

static void test_arguments(void** state) {
  (void)state;
  zcx_error_t err;
  assert_int_equal(zcx_system_mr_create(NULL, NULL, &err), EINVAL);
  zcx_system_mr_options_t opts;
  zcx_system_mr_options_init(&opts);
  opts.struct_size = 3;
  zcx_mr_t* mr = (zcx_mr_t*)&err;
  assert_int_equal(zcx_system_mr_create(&opts, &mr, &err), EINVAL);
  assert_null(mr);
  assert_non_null(strstr(err.message, "struct_size 3"));
  zcx_system_mr_options_init(&opts);
  opts.mmap_threshold = 0;
  assert_int_equal(zcx_system_mr_create(&opts, &mr, &err), EINVAL);
  assert_int_equal(zcx_system_mr_create(NULL, &mr, &err), 0);
  assert_string_equal(zcx_mr_kind(mr), "system");
  assert_string_equal(zcx_mr_name(mr), "system");
  assert_null(zcx_mr_upstream(mr));
  assert_true(zcx_device_equal(zcx_mr_device(mr), zcx_device_cpu()));
  void* p = &err;
  assert_int_equal(zcx_mr_allocate(mr, 0, 0, NULL, &p, &err), EINVAL);
  assert_null(p);
  assert_int_equal(zcx_mr_allocate(mr, 64, 48, NULL, &p, &err), EINVAL);
  assert_non_null(strstr(err.message, "alignment 48"));
  assert_int_equal(zcx_mr_allocate(mr, SIZE_MAX - 10, 64, NULL, &p, &err), ENOMEM);
  assert_int_equal(zcx_mr_allocate(mr, 64, 64, NULL, NULL, &err), EINVAL);
  assert_int_equal(zcx_mr_allocate(NULL, 64, 64, NULL, &p, &err), EINVAL);
  assert_int_equal(zcx_mr_deallocate(mr, NULL, 64, NULL, &err), EINVAL);
  // A size the OS cannot map fails cleanly, with the size in the message.
  size_t huge = (size_t)1 << 60;
  assert_int_equal(zcx_mr_allocate(mr, huge, 64, NULL, &p, &err), ENOMEM);
  assert_null(p);
  assert_non_null(strstr(err.message, "1152921504606846976"));
  zcx_mr_stats_t st;
  st.struct_size = sizeof(st);
  assert_int_equal(zcx_mr_get_stats(mr, &st, &err), 0);
  assert_int_equal(st.failures, 1);  // the overflow is refused before reaching the resource
  assert_int_equal(st.allocations, 0);
  zcx_mr_release(mr);
}

static void test_alignment_and_mmap(void** state) {
  (void)state;
  zcx_system_mr_options_t opts;
  zcx_system_mr_options_init(&opts);
  assert_int_equal(opts.mmap_threshold, 1 << 20);
  opts.mmap_threshold = 1 << 16;
  opts.huge_pages = true;
  zcx_mr_t* mr;
  assert_int_equal(zcx_system_mr_create(&opts, &mr, NULL), 0);
  const size_t sizes[] = {1, 7, 64, 1000, 65535, 65536, 100000, 3 << 20};
  const size_t aligns[] = {0, 8, 64, 256, 4096, 65536, 1 << 21};
  for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
    for (size_t j = 0; j < sizeof(aligns) / sizeof(aligns[0]); j++) {
      void* p = NULL;
      assert_int_equal(zcx_mr_allocate(mr, sizes[i], aligns[j], NULL, &p, NULL), 0);
      size_t a = aligns[j] == 0 ? 64 : aligns[j];
      assert_int_equal((uintptr_t)p % a, 0);
      memset(p, 0x5a, sizes[i]);
      assert_int_equal(((unsigned char*)p)[sizes[i] - 1], 0x5a);
      assert_int_equal(zcx_mr_deallocate(mr, p, sizes[i], NULL, NULL), 0);
    }
  }
  zcx_mr_release(mr);
}

static void test_os_map(void** state) {
  (void)state;
  size_t page = zcxi_os_page_size();
  assert_true(page >= 4096);
  void* p;
  assert_int_equal(zcxi_os_map(page + 1, 0, false, &p), EINVAL);
  assert_int_equal(zcxi_os_map(0, 0, false, &p), EINVAL);
  assert_int_equal(zcxi_os_map(4 * page, (size_t)1 << 22, false, &p), 0);
  assert_int_equal((uintptr_t)p % ((size_t)1 << 22), 0);
  // Fresh mappings read as zero.
  for (size_t i = 0; i < 4 * page; i += 512) {
    assert_int_equal(((unsigned char*)p)[i], 0);
  }
  assert_int_equal(zcxi_os_unmap(p, 4 * page), 0);
}

static void test_exact_counters(void** state) {
  (void)state;
  zcx_mr_t* mr;
  assert_int_equal(zcx_system_mr_create(NULL, &mr, NULL), 0);
  void* a;
  void* b;
  void* c;
  assert_int_equal(zcx_mr_allocate(mr, 100, 0, NULL, &a, NULL), 0);
  assert_int_equal(zcx_mr_allocate(mr, 2 << 20, 0, NULL, &b, NULL), 0);  // mmapped
  assert_int_equal(zcx_mr_allocate(mr, 300, 128, NULL, &c, NULL), 0);
  assert_int_equal(zcx_mr_deallocate(mr, b, 2 << 20, NULL, NULL), 0);
  zcx_mr_stats_t st;
  st.struct_size = sizeof(st);
  assert_int_equal(zcx_mr_get_stats(mr, &st, NULL), 0);
  assert_int_equal(st.current_bytes, 400);
  assert_int_equal(st.peak_bytes, 100 + (2 << 20) + 300);
  assert_int_equal(st.total_bytes, 100 + (2 << 20) + 300);
  assert_int_equal(st.current_count, 2);
  assert_int_equal(st.peak_count, 3);
  assert_int_equal(st.allocations, 3);
  assert_int_equal(st.frees, 1);
  assert_int_equal(st.failures, 0);
  assert_int_equal(st.free_bytes, 0);
  // A caller built against an older, shorter struct gets only the fields it knows.
  zcx_mr_stats_t old;
  memset(&old, 0x77, sizeof(old));
  old.struct_size = offsetof(zcx_mr_stats_t, total_bytes);
  assert_int_equal(zcx_mr_get_stats(mr, &old, NULL), 0);
  assert_int_equal(old.current_bytes, 400);
  assert_int_equal(old.peak_bytes, 100 + (2 << 20) + 300);
  assert_int_equal((uint64_t)old.total_bytes, UINT64_C(0x7777777777777777));
  assert_int_equal(zcx_mr_deallocate(mr, a, 100, NULL, NULL), 0);
  assert_int_equal(zcx_mr_deallocate(mr, c, 300, NULL, NULL), 0);
  assert_int_equal(zcx_mr_get_stats(mr, &st, NULL), 0);
  assert_int_equal(st.current_bytes, 0);
  assert_int_equal(st.current_count, 0);
  zcx_mr_release(mr);
}

typedef struct touch {
  unsigned char* p;
  size_t n;
} touch_t;

static void touch_task(void* arg) {
  touch_t* t = arg;
  memset(t->p, 1, t->n);
}

static void test_stream_free_waits_for_the_stream(void** state) {
  (void)state;
  zcx_mr_t* mr;
  assert_int_equal(zcx_system_mr_create(NULL, &mr, NULL), 0);
  zcx_stream_t* s;
  assert_int_equal(zcx_host_stream_create(&s, NULL), 0);
  void* p;
  assert_int_equal(zcx_mr_allocate(mr, 4 << 20, 0, s, &p, NULL), 0);
  touch_t t = {p, 4 << 20};
  for (int i = 0; i < 4; i++) {
    assert_int_equal(zcx_stream_enqueue(s, touch_task, &t, NULL), 0);
  }
  // The free must not unmap memory the queued tasks still write (ASan would see it).
  assert_int_equal(zcx_mr_deallocate(mr, p, 4 << 20, s, NULL), 0);
  zcx_stream_release(s);
  zcx_mr_release(mr);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_arguments),
      cmocka_unit_test(test_alignment_and_mmap),
      cmocka_unit_test(test_os_map),
      cmocka_unit_test(test_exact_counters),
      cmocka_unit_test(test_stream_free_waits_for_the_stream),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
