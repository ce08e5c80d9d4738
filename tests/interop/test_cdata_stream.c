// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Tests of src/interop/cdata_stream.c and cdata_device.c: ArrowArrayStream export and the
// reader, errors through get_last_error, ArrowDeviceArray and device streams.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "interop/cdata_support.h"
#include "zcx/cdata.h"

// A schema {x: int32, s: string} and batches of it.
static zcx_schema_t* make_schema(void) {
  zcx_field_t* f[2] = {cds_field("x", cds_type(ZCX_TYPE_INT32), false),
                       cds_field("s", cds_type(ZCX_TYPE_STRING), true)};
  zcx_schema_t* s = NULL;
  assert_int_equal(zcx_schema_create(f, 2, NULL, &s, NULL), 0);
  zcx_field_release(f[0]);
  zcx_field_release(f[1]);
  return s;
}

static zcx_batch_t* make_batch(zcx_schema_t* schema, int32_t base, int64_t rows) {
  int32_t xs[8];
  const char* ss[8] = {"a", NULL, "ccc", "", "e", "ff", NULL, "h"};
  assert_true(rows <= 8);
  for (int64_t i = 0; i < rows; i++) {
    xs[i] = base + (int32_t)i;
  }
  zcx_array_t* cols[2] = {cds_int32s(xs, rows), cds_strings(ss, rows)};
  zcx_batch_t* b = NULL;
  zcx_error_t err;
  if (zcx_batch_create(schema, cols, 2, rows, &b, &err) != 0) {
    fail_msg("%s", err.message);
  }
  zcx_array_release(cols[0]);
  zcx_array_release(cols[1]);
  return b;
}

static void test_stream_of_batches_round_trip(void** state) {
  (void)state;
  zcx_schema_t* schema = make_schema();
  zcx_batch_t* batches[3] = {make_batch(schema, 0, 4), make_batch(schema, 100, 0),
                             make_batch(schema, 200, 8)};
  struct ArrowArrayStream stream;
  zcx_error_t err;
  assert_int_equal(zcx_cdata_export_stream(schema, batches, 3, &stream, &err), 0);
  zcx_cdata_reader_t* r = NULL;
  assert_int_equal(zcx_cdata_reader_create(&stream, ZCX_VALIDATE_FULL, &r, &err), 0);
  assert_null(stream.release);  // moved into the reader
  assert_true(zcx_schema_equal(zcx_cdata_reader_schema(r), schema));
  assert_int_equal(zcx_cdata_reader_field(r)->type->id, ZCX_TYPE_STRUCT);
  for (int i = 0; i < 3; i++) {
    zcx_batch_t* b = NULL;
    assert_int_equal(zcx_cdata_reader_next(r, &b, &err), 0);
    assert_non_null(b);
    assert_true(zcx_batch_equal(batches[i], b, NULL));
    zcx_batch_release(b);
  }
  zcx_batch_t* end = (zcx_batch_t*)(uintptr_t)1;
  assert_int_equal(zcx_cdata_reader_next(r, &end, &err), 0);
  assert_null(end);
  assert_int_equal(zcx_cdata_reader_next(r, &end, &err), 0);  // the end repeats
  assert_null(end);
  zcx_cdata_reader_destroy(r);
  zcx_cdata_reader_destroy(NULL);
  for (int i = 0; i < 3; i++) {
    zcx_batch_release(batches[i]);
  }
  zcx_schema_release(schema);
}

static void test_stream_callbacks_directly(void** state) {
  (void)state;
  zcx_schema_t* schema = make_schema();
  zcx_batch_t* b = make_batch(schema, 5, 3);
  struct ArrowArrayStream stream;
  assert_int_equal(zcx_cdata_export_stream(schema, &b, 1, &stream, NULL), 0);
  zcx_batch_release(b);  // the stream holds its own reference
  struct ArrowSchema s;
  assert_int_equal(stream.get_schema(&stream, &s), 0);
  assert_string_equal(s.format, "+s");
  zcx_cdata_release_schema(&s);
  struct ArrowArray a;
  assert_int_equal(stream.get_next(&stream, &a), 0);
  assert_non_null(a.release);
  assert_int_equal(a.length, 3);
  // The array outlives the stream.
  struct ArrowArray end;
  assert_int_equal(stream.get_next(&stream, &end), 0);
  assert_null(end.release);
  zcx_cdata_release_stream(&stream);
  assert_null(stream.release);
  assert_int_equal(a.n_children, 2);
  int32_t first;
  memcpy(&first, (const char*)a.children[0]->buffers[1], 4);
  assert_int_equal(first, 5);
  zcx_cdata_release_array(&a);
  zcx_schema_release(schema);
}

// A producer callback that yields `remaining` batches, then fails or ends.
typedef struct producer {
  zcx_schema_t* schema;
  zcx_schema_t* other;  // yielded once `remaining` hits 0 when set
  int remaining;
  bool fail;
  int released;
} producer_t;

static int producer_next(void* ctx, zcx_batch_t** out, zcx_error_t* err) {
  producer_t* p = ctx;
  if (p->remaining > 0) {
    p->remaining--;
    *out = make_batch(p->schema, p->remaining, 2);
    return 0;
  }
  if (p->other != NULL) {
    *out = make_batch(p->other, 0, 1);
    return 0;
  }
  if (p->fail) {
    return zcx_error_fail(err, EIO, "sensor 3 went offline");
  }
  *out = NULL;
  return 0;
}

static void producer_release(void* ctx) { ((producer_t*)ctx)->released++; }

static void test_stream_from_callback_and_errors(void** state) {
  (void)state;
  zcx_schema_t* schema = make_schema();
  producer_t p = {schema, NULL, 2, true, 0};
  struct ArrowArrayStream stream;
  zcx_error_t err;
  assert_int_equal(zcx_cdata_export_stream_fn(schema, producer_next, producer_release, &p,
                                              &stream, &err),
                   0);
  zcx_cdata_reader_t* r = NULL;
  assert_int_equal(zcx_cdata_reader_create(&stream, ZCX_VALIDATE_FULL, &r, &err), 0);
  zcx_batch_t* b = NULL;
  for (int i = 0; i < 2; i++) {
    assert_int_equal(zcx_cdata_reader_next(r, &b, &err), 0);
    assert_non_null(b);
    assert_int_equal(b->num_rows, 2);
    zcx_batch_release(b);
  }
  // The producer's failure travels through get_last_error into the reader's message.
  assert_int_equal(zcx_cdata_reader_next(r, &b, &err), EIO);
  assert_null(b);
  cds_assert_contains(err.message, "get_next failed with EIO");
  cds_assert_contains(err.message, "sensor 3 went offline");
  // And it sticks.
  zcx_error_init(&err);
  assert_int_equal(zcx_cdata_reader_next(r, &b, &err), EIO);
  cds_assert_contains(err.message, "sensor 3 went offline");
  assert_int_equal(p.released, 0);
  zcx_cdata_reader_destroy(r);
  assert_int_equal(p.released, 1);

  // A batch of another schema ends the stream with EINVAL, seen by a raw consumer.
  zcx_field_t* f[2] = {cds_field("x", cds_type(ZCX_TYPE_INT32), false),
                       cds_field("renamed", cds_type(ZCX_TYPE_STRING), true)};
  zcx_schema_t* other = NULL;
  assert_int_equal(zcx_schema_create(f, 2, NULL, &other, NULL), 0);
  zcx_field_release(f[0]);
  zcx_field_release(f[1]);
  producer_t q = {schema, other, 0, false, 0};
  assert_int_equal(
      zcx_cdata_export_stream_fn(schema, producer_next, producer_release, &q, &stream, NULL), 0);
  struct ArrowArray a;
  assert_int_equal(stream.get_next(&stream, &a), EINVAL);
  assert_null(a.release);
  cds_assert_contains(stream.get_last_error(&stream), "schema differs");
  zcx_cdata_release_stream(&stream);
  assert_int_equal(q.released, 1);
  // Bad arguments: the context is released at once.
  producer_t z = {schema, NULL, 0, false, 0};
  assert_int_equal(
      zcx_cdata_export_stream_fn(NULL, producer_next, producer_release, &z, &stream, &err),
      EINVAL);
  assert_int_equal(z.released, 1);
  assert_null(stream.release);
  zcx_batch_t* ob = make_batch(schema, 0, 1);
  assert_int_equal(zcx_cdata_export_stream(other, &ob, 1, &stream, &err), EINVAL);
  cds_assert_contains(err.message, "batch 0 has a different schema");
  zcx_batch_release(ob);
  zcx_schema_release(other);
  zcx_schema_release(schema);
}

// ----- a hand-made failing stream: get_schema fails, or get_next yields a malformed array

typedef struct bad_stream {
  bool fail_schema;
  int released;
  int array_releases;
} bad_stream_t;

static int bad_get_schema(struct ArrowArrayStream* s, struct ArrowSchema* out) {
  bad_stream_t* b = s->private_data;
  if (b->fail_schema) {
    return ENOSYS;
  }
  zcx_type_t* t = cds_type(ZCX_TYPE_INT32);
  int rc = zcx_cdata_export_type(t, "v", out, NULL);
  zcx_type_release(t);
  return rc;
}

static int bad_get_next(struct ArrowArrayStream* s, struct ArrowArray* out) {
  bad_stream_t* b = s->private_data;
  cds_hand_t* h = cds_hand_new(4, 0, 0, 2, &b->array_releases);  // NULL data: malformed
  *out = h->array;
  return 0;
}

static const char* bad_get_last_error(struct ArrowArrayStream* s) {
  (void)s;
  return "no schema today";
}

static void bad_release(struct ArrowArrayStream* s) {
  ((bad_stream_t*)s->private_data)->released++;
  s->release = NULL;
}

static void test_reader_with_a_bad_producer(void** state) {
  (void)state;
  bad_stream_t b = {true, 0, 0};
  struct ArrowArrayStream s = {bad_get_schema, bad_get_next, bad_get_last_error, bad_release, &b};
  zcx_cdata_reader_t* r = NULL;
  zcx_error_t err;
  assert_int_equal(zcx_cdata_reader_create(&s, ZCX_VALIDATE_FULL, &r, &err), ENOSYS);
  cds_assert_contains(err.message, "no schema today");
  assert_null(r);
  assert_non_null(s.release);  // still the caller's
  assert_int_equal(b.released, 0);
  b.fail_schema = false;
  assert_int_equal(zcx_cdata_reader_create(&s, ZCX_VALIDATE_FULL, &r, &err), 0);
  assert_null(zcx_cdata_reader_schema(r));  // an int32 stream has no schema
  zcx_batch_t* batch = NULL;
  assert_int_equal(zcx_cdata_reader_next(r, &batch, &err), EINVAL);
  cds_assert_contains(err.message, "not a struct");
  zcx_array_t* a = NULL;
  assert_int_equal(zcx_cdata_reader_next_array(r, &a, &err), EINVAL);
  cds_assert_contains(err.message, "buffer 1 is NULL");
  assert_null(a);
  assert_int_equal(b.array_releases, 1);  // the reader released the malformed array
  zcx_cdata_reader_destroy(r);
  assert_int_equal(b.released, 1);
  assert_int_equal(zcx_cdata_reader_create(NULL, ZCX_VALIDATE_FULL, &r, &err), EINVAL);
  s.release = NULL;
  assert_int_equal(zcx_cdata_reader_create(&s, ZCX_VALIDATE_FULL, &r, &err), EINVAL);
}

// ---------------------------------------------------------------------------------------------
// Device arrays

static void test_cpu_device_array_round_trip(void** state) {
  (void)state;
  const char* ss[3] = {"dev", NULL, "ice"};
  zcx_array_t* a = cds_strings(ss, 3);
  struct ArrowDeviceArray da;
  struct ArrowSchema s;
  assert_int_equal(zcx_cdata_export_device_array(a, &da, &s, NULL), 0);
  assert_int_equal(da.device_type, ARROW_DEVICE_CPU);
  assert_int_equal(da.device_id, -1);
  assert_null(da.sync_event);
  zcx_type_t* t = NULL;
  assert_int_equal(zcx_cdata_import_type(&s, &t, NULL), 0);
  zcx_array_t* back = NULL;
  assert_int_equal(zcx_cdata_import_device_array(&da, t, ZCX_VALIDATE_FULL, NULL, &back, NULL),
                   0);
  assert_null(da.array.release);
  assert_true(zcx_array_equal(a, back, NULL));
  assert_int_equal(zcx_buffer_device(back->buffers[1]).type, ZCX_DEVICE_CPU);
  zcx_array_release(back);
  zcx_type_release(t);
  zcx_array_release(a);
}

static int64_t g_fake_gpu[16];

static void test_described_cuda_arrays(void** state) {
  (void)state;
  // A "CUDA" array: memory zcx never reads (here host memory standing in for it).
  int n = 0;
  cds_hand_t* h = cds_hand_new(4, 0, 0, 3, &n);
  h->buffers[1] = g_fake_gpu;  // offsets the importer must not read on a device
  h->buffers[2] = g_fake_gpu + 8;
  struct ArrowDeviceArray da;
  memset(&da, 0, sizeof(da));
  da.array = h->array;
  da.device_type = ARROW_DEVICE_CUDA;
  da.device_id = 1;
  zcx_type_t* str = cds_type(ZCX_TYPE_STRING);
  zcx_array_t* a = NULL;
  zcx_error_t err;
  // Full validation would read device memory.
  assert_int_equal(zcx_cdata_import_device_array(&da, str, ZCX_VALIDATE_FULL, NULL, &a, &err),
                   ENOTSUP);
  assert_non_null(da.array.release);
  // A sync event must be taken by the caller.
  int event = 42;
  da.sync_event = &event;
  assert_int_equal(zcx_cdata_import_device_array(&da, str, ZCX_VALIDATE_CHEAP, NULL, &a, &err),
                   ENOTSUP);
  cds_assert_contains(err.message, "sync event");
  void* got = NULL;
  assert_int_equal(zcx_cdata_import_device_array(&da, str, ZCX_VALIDATE_CHEAP, &got, &a, &err),
                   0);
  assert_ptr_equal(got, &event);
  assert_null(da.array.release);
  zcx_device_t dev = zcx_buffer_device(a->buffers[1]);
  assert_int_equal(dev.type, ZCX_DEVICE_CUDA);
  assert_int_equal(dev.id, 1);
  // Plain export refuses device memory; device export carries the device.
  struct ArrowArray ca;
  assert_int_equal(zcx_cdata_export_array(a, &ca, NULL, &err), EINVAL);
  cds_assert_contains(err.message, "cuda:1");
  assert_null(ca.release);
  struct ArrowDeviceArray out;
  assert_int_equal(zcx_cdata_export_device_array(a, &out, NULL, &err), 0);
  assert_int_equal(out.device_type, ARROW_DEVICE_CUDA);
  assert_int_equal(out.device_id, 1);
  assert_ptr_equal(out.array.buffers[1], g_fake_gpu);
  zcx_cdata_release_device_array(&out);
  zcx_array_release(a);
  assert_int_equal(n, 1);
  // Bad device ids.
  h = cds_hand_new(0, 0, 0, 3, &n);
  da.array = h->array;
  da.sync_event = NULL;
  da.device_id = -1;
  assert_int_equal(zcx_cdata_import_device_array(&da, str, ZCX_VALIDATE_CHEAP, NULL, &a, &err),
                   EINVAL);
  cds_assert_contains(err.message, "bad device id -1");
  da.device_id = (int64_t)1 << 40;
  assert_int_equal(zcx_cdata_import_device_array(&da, str, ZCX_VALIDATE_CHEAP, NULL, &a, &err),
                   EINVAL);
  zcx_cdata_release_device_array(&da);
  assert_int_equal(n, 2);
  zcx_type_release(str);
}

static void test_mixed_devices_are_refused(void** state) {
  (void)state;
  zcx_buffer_t* gpu = NULL;
  assert_int_equal(zcx_buffer_wrap(g_fake_gpu, 16, (zcx_device_t){ZCX_DEVICE_CUDA, 0}, 0, NULL,
                                   NULL, &gpu, NULL),
                   0);
  zcx_type_t* i32 = cds_type(ZCX_TYPE_INT32);
  zcx_buffer_t* bufs[2] = {cds_bits("1011"), gpu};
  zcx_array_t* a = cds_array(i32, 4, 0, 1, bufs, 2, NULL, 0, NULL);
  struct ArrowDeviceArray out;
  zcx_error_t err;
  assert_int_equal(zcx_cdata_export_device_array(a, &out, NULL, &err), EINVAL);
  cds_assert_contains(err.message, "more than one device");
  assert_null(out.array.release);
  zcx_array_release(a);
  zcx_type_release(i32);
}

static void test_device_stream_round_trip(void** state) {
  (void)state;
  zcx_schema_t* schema = make_schema();
  zcx_batch_t* batches[2] = {make_batch(schema, 1, 3), make_batch(schema, 9, 5)};
  struct ArrowDeviceArrayStream ds;
  zcx_error_t err;
  assert_int_equal(zcx_cdata_export_device_stream(schema, batches, 2, &ds, &err), 0);
  assert_int_equal(ds.device_type, ARROW_DEVICE_CPU);
  zcx_cdata_reader_t* r = NULL;
  assert_int_equal(zcx_cdata_reader_create_device(&ds, ZCX_VALIDATE_FULL, &r, &err), 0);
  assert_null(ds.release);
  for (int i = 0; i < 2; i++) {
    zcx_batch_t* b = NULL;
    int rc = zcx_cdata_reader_next(r, &b, &err);
    if (rc != 0) {
      fail_msg("%s", err.message);
    }
    assert_true(zcx_batch_equal(batches[i], b, NULL));
    zcx_batch_release(b);
  }
  zcx_batch_t* end = NULL;
  assert_int_equal(zcx_cdata_reader_next(r, &end, &err), 0);
  assert_null(end);
  zcx_cdata_reader_destroy(r);
  // Read raw: each device array says where it lives.
  assert_int_equal(zcx_cdata_export_device_stream(schema, batches, 2, &ds, &err), 0);
  struct ArrowDeviceArray da;
  assert_int_equal(ds.get_next(&ds, &da), 0);
  assert_int_equal(da.device_type, ARROW_DEVICE_CPU);
  assert_int_equal(da.array.length, 3);
  zcx_cdata_release_device_array(&da);
  zcx_cdata_release_device_stream(&ds);
  assert_null(ds.release);
  for (int i = 0; i < 2; i++) {
    zcx_batch_release(batches[i]);
  }
  zcx_schema_release(schema);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_stream_of_batches_round_trip),
      cmocka_unit_test(test_stream_callbacks_directly),
      cmocka_unit_test(test_stream_from_callback_and_errors),
      cmocka_unit_test(test_reader_with_a_bad_producer),
      cmocka_unit_test(test_cpu_device_array_round_trip),
      cmocka_unit_test(test_described_cuda_arrays),
      cmocka_unit_test(test_mixed_devices_are_refused),
      cmocka_unit_test(test_device_stream_round_trip),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
