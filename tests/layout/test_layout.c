// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Tests of src/layout/layout*.c: descriptors, AoS <-> SoA against a scalar reference, threads,
// the contiguous block and its column tensor, strided field views, kernels and refusals.

// cmocka needs the standard headers first.
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
// clang-format on

#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/internal.h"
#include "layout/layout_internal.h"
#include "zcx/layout.h"

#if defined(ZCX_SANITIZE)
#define BIG_N 100003
#else
#define BIG_N 1000003
#endif

// ---------------------------------------------------------------------------------------------
// Records and data

typedef struct point {
  float x, y, z;
  int32_t id;
  double t;
} point_t;

// Every width, fixed-size arrays, bools (single and arrays) and gaps between fields.
typedef struct mixed {
  uint8_t flag;        // bool
  int8_t small;        // int8
  uint16_t half_bits;  // half_float
  int32_t vec[3];      // int32[3]
  double value;        // double
  uint8_t flags3[3];   // bool[3]
  // 5 bytes of padding
  int64_t pair[2];     // int64[2]
  float f4[4];         // float[4]
  uint16_t u16;        // uint16
  // 6 bytes of padding
} mixed_t;

static uint64_t g_rng = 0x9E3779B97F4A7C15ull;

static uint64_t next_random(void) {
  g_rng ^= g_rng << 13;
  g_rng ^= g_rng >> 7;
  g_rng ^= g_rng << 17;
  return g_rng;
}

// Random bytes everywhere: padding included, and bool bytes other than 0 and 1 (true).
static void fill_random(void* data, size_t size) {
  uint8_t* p = data;
  for (size_t i = 0; i < size; i++) {
    p[i] = (uint8_t)next_random();
  }
}

static zcx_layout_t* point_layout(void) {
  static const zcx_layout_field_desc_t kFields[] = {
      {"x", ZCX_TYPE_FLOAT, offsetof(point_t, x), 1},
      {"y", ZCX_TYPE_FLOAT, offsetof(point_t, y), 1},
      {"z", ZCX_TYPE_FLOAT, offsetof(point_t, z), 1},
      {"id", ZCX_TYPE_INT32, offsetof(point_t, id), 1},
      {"t", ZCX_TYPE_DOUBLE, offsetof(point_t, t), 1},
  };
  zcx_layout_t* l = NULL;
  zcx_error_t err;
  int rc = zcx_layout_create_from(sizeof(point_t), kFields, 5, &l, &err);
  if (rc != 0) {
    fail_msg("%s", err.message);
  }
  return l;
}

static zcx_layout_t* mixed_layout(void) {
  zcx_layout_t* l = NULL;
  zcx_error_t err;
  assert_int_equal(zcx_layout_create(sizeof(mixed_t), &l, &err), 0);
  assert_int_equal(zcx_layout_add_field(l, "flag", ZCX_TYPE_BOOL, offsetof(mixed_t, flag), 1, &err), 0);
  assert_int_equal(zcx_layout_add_field(l, "small", ZCX_TYPE_INT8, offsetof(mixed_t, small), 1, &err), 0);
  assert_int_equal(zcx_layout_add_field(l, "half", ZCX_TYPE_HALF_FLOAT, offsetof(mixed_t, half_bits), 1, &err), 0);
  assert_int_equal(zcx_layout_add_field(l, "vec", ZCX_TYPE_INT32, offsetof(mixed_t, vec), 3, &err), 0);
  assert_int_equal(zcx_layout_add_field(l, "value", ZCX_TYPE_DOUBLE, offsetof(mixed_t, value), 1, &err), 0);
  assert_int_equal(zcx_layout_add_field(l, "flags3", ZCX_TYPE_BOOL, offsetof(mixed_t, flags3), 3, &err), 0);
  assert_int_equal(zcx_layout_add_field(l, "pair", ZCX_TYPE_INT64, offsetof(mixed_t, pair), 2, &err), 0);
  assert_int_equal(zcx_layout_add_field(l, "f4", ZCX_TYPE_FLOAT, offsetof(mixed_t, f4), 4, &err), 0);
  assert_int_equal(zcx_layout_add_field(l, "u16", ZCX_TYPE_UINT16, offsetof(mixed_t, u16), 1, &err), 0);
  return l;
}

// A packed 13-byte record: uint8 at 0, double at 1, int32 at 9 (no alignment at all).
static zcx_layout_t* packed_layout(void) {
  static const zcx_layout_field_desc_t kFields[] = {
      {"b", ZCX_TYPE_UINT8, 0, 1},
      {"d", ZCX_TYPE_DOUBLE, 1, 1},
      {"i", ZCX_TYPE_INT32, 9, 1},
  };
  zcx_layout_t* l = NULL;
  assert_int_equal(zcx_layout_create_from(13, kFields, 3, &l, NULL), 0);
  return l;
}

// ---------------------------------------------------------------------------------------------
// The scalar reference

// What SoA -> AoS must give back: fields copied, bools as 0/1, every other byte zero.
static uint8_t* normalized(const zcx_layout_t* l, const uint8_t* records, int64_t n) {
  int64_t r = zcx_layout_record_size(l);
  uint8_t* out = calloc((size_t)(n * r) + 1, 1);
  assert_non_null(out);
  for (int32_t j = 0; j < zcx_layout_num_fields(l); j++) {
    zcx_layout_field_info_t f;
    assert_int_equal(zcx_layout_field(l, j, &f, NULL), 0);
    for (int64_t i = 0; i < n; i++) {
      for (int64_t b = 0; b < f.byte_size; b++) {
        uint8_t v = records[i * r + f.offset + b];
        if (f.value_type->id == ZCX_TYPE_BOOL) {
          v = v != 0;
        }
        out[i * r + f.offset + b] = v;
      }
    }
  }
  return out;
}

// Checks every column of `batch` against records [first, first + n).
static void check_columns(const zcx_layout_t* l, const uint8_t* records, int64_t n,
                          const zcx_batch_t* batch) {
  int64_t r = zcx_layout_record_size(l);
  assert_int_equal(batch->num_rows, n);
  assert_int_equal(batch->num_columns, zcx_layout_num_fields(l));
  for (int32_t j = 0; j < batch->num_columns; j++) {
    zcx_layout_field_info_t f;
    assert_int_equal(zcx_layout_field(l, j, &f, NULL), 0);
    assert_string_equal(batch->schema->fields[j]->name, f.name);
    const zcx_array_t* col = batch->columns[j];
    assert_true(zcx_type_equal(col->type, f.type));
    assert_int_equal(col->length, n);
    assert_null(col->buffers[0]);
    const zcx_array_t* values = col;
    if (f.type->id == ZCX_TYPE_FIXED_SIZE_LIST) {
      assert_int_equal(col->num_children, 1);
      values = col->children[0];
      assert_int_equal(values->length, n * f.count);
    }
    const uint8_t* data = zcx_buffer_data(values->buffers[1]);
    assert_true(zcxi_is_aligned(data, 64));
    assert_int_equal(zcx_buffer_size(values->buffers[1]) % 64, 0);
    if (f.value_type->id == ZCX_TYPE_BOOL) {
      for (int64_t i = 0; i < n; i++) {
        for (int32_t c = 0; c < f.count; c++) {
          bool want = records[i * r + f.offset + c] != 0;
          if (zcxi_bit_get(data, i * f.count + c) != want) {
            fail_msg("field '%s' record %lld value %d", f.name, (long long)i, (int)c);
          }
        }
      }
      // Bits past the end of the values are zero.
      int64_t bits = n * f.count;
      for (int64_t b = bits; b < zcxi_align_up_i64(bits, 8); b++) {
        assert_false(zcxi_bit_get(data, b));
      }
    } else {
      for (int64_t i = 0; i < n; i++) {
        if (memcmp(data + i * f.byte_size, records + i * r + f.offset, (size_t)f.byte_size) != 0) {
          fail_msg("field '%s' record %lld differs", f.name, (long long)i);
        }
      }
    }
  }
}

static void roundtrip(const zcx_layout_t* l, const uint8_t* records, int64_t n,
                      const zcx_layout_options_t* opts) {
  zcx_error_t err;
  zcx_batch_t* batch = NULL;
  int rc = zcx_layout_to_batch(l, records, n, opts, &batch, &err);
  if (rc != 0) {
    fail_msg("to_batch: %s", err.message);
  }
  assert_int_equal(zcx_batch_validate(batch, ZCX_VALIDATE_FULL, NULL), 0);
  check_columns(l, records, n, batch);
  int64_t r = zcx_layout_record_size(l);
  uint8_t* back = malloc((size_t)(n * r) + 1);
  assert_non_null(back);
  memset(back, 0xAB, (size_t)(n * r) + 1);
  rc = zcx_layout_from_batch(l, batch, back, n, opts, &err);
  if (rc != 0) {
    fail_msg("from_batch: %s", err.message);
  }
  uint8_t* want = normalized(l, records, n);
  if (n > 0) {
    assert_memory_equal(back, want, (size_t)(n * r));
  }
  assert_int_equal(back[n * r], 0xAB);  // nothing past the end
  free(want);
  free(back);
  zcx_batch_release(batch);
}

// ---------------------------------------------------------------------------------------------
// Descriptors

static void test_descriptor_builder_and_table(void** state) {
  (void)state;
  zcx_layout_t* l = point_layout();
  assert_int_equal(zcx_layout_record_size(l), 24);
  assert_int_equal(zcx_layout_num_fields(l), 5);
  assert_int_equal(zcx_layout_field_index(l, "id"), 3);
  assert_int_equal(zcx_layout_field_index(l, "nope"), -1);
  zcx_layout_field_info_t f;
  assert_int_equal(zcx_layout_field(l, 4, &f, NULL), 0);
  assert_string_equal(f.name, "t");
  assert_int_equal(f.type->id, ZCX_TYPE_DOUBLE);
  assert_int_equal(f.offset, 16);
  assert_int_equal(f.count, 1);
  assert_int_equal(f.value_size, 8);
  assert_int_equal(zcx_layout_field(l, 5, &f, NULL), EINVAL);
  assert_int_equal(zcx_layout_field(l, -1, &f, NULL), EINVAL);
  zcx_schema_t* schema = NULL;
  assert_int_equal(zcx_layout_schema(l, &schema, NULL), 0);
  assert_int_equal(schema->num_fields, 5);
  assert_string_equal(schema->fields[3]->name, "id");
  assert_int_equal(schema->fields[3]->type->id, ZCX_TYPE_INT32);
  assert_false(schema->fields[3]->nullable);
  zcx_schema_release(schema);
  zcx_layout_destroy(l);

  l = mixed_layout();
  assert_int_equal(zcx_layout_field(l, 3, &f, NULL), 0);
  assert_int_equal(f.type->id, ZCX_TYPE_FIXED_SIZE_LIST);
  assert_int_equal(f.type->fixed_size, 3);
  assert_int_equal(f.value_type->id, ZCX_TYPE_INT32);
  assert_int_equal(f.byte_size, 12);
  assert_int_equal(zcx_layout_field(l, 5, &f, NULL), 0);
  assert_int_equal(f.value_type->id, ZCX_TYPE_BOOL);
  assert_int_equal(f.value_size, 1);
  assert_int_equal(f.byte_size, 3);
  zcx_layout_destroy(l);
  zcx_layout_destroy(NULL);
}

static void test_descriptor_with_parameterized_types(void** state) {
  (void)state;
  zcx_layout_t* l = NULL;
  assert_int_equal(zcx_layout_create(32, &l, NULL), 0);
  zcx_type_t* ts = NULL;
  assert_int_equal(zcx_type_timestamp(ZCX_TIME_NANO, "UTC", &ts, NULL), 0);
  assert_int_equal(zcx_layout_add_field_type(l, "when", ts, 0, NULL), 0);
  zcx_type_t* fsb = NULL;
  assert_int_equal(zcx_type_fixed_size_binary(16, &fsb, NULL), 0);
  assert_int_equal(zcx_layout_add_field_type(l, "uuid", fsb, 8, NULL), 0);
  zcx_type_release(fsb);
  // A fixed-size list of timestamps: an array field.
  zcx_field_t* item = NULL;
  assert_int_equal(zcx_field_create("item", ts, true, NULL, &item, NULL), 0);
  zcx_type_t* list = NULL;
  assert_int_equal(zcx_type_fixed_size_list(item, 1, &list, NULL), 0);
  zcx_field_release(item);
  assert_int_equal(zcx_layout_add_field_type(l, "one", list, 24, NULL), 0);
  zcx_type_release(list);
  zcx_type_release(ts);

  uint8_t records[32 * 70];
  fill_random(records, sizeof(records));
  roundtrip(l, records, 70, NULL);
  // An fsl of one value is still an fsl (2-D view).
  zcx_buffer_t* buf = NULL;
  assert_int_equal(zcx_buffer_copy_from(NULL, records, sizeof(records), &buf, NULL), 0);
  zcx_tensor_t* t = NULL;
  assert_int_equal(zcx_layout_field_view(l, "one", buf, 70, &t, NULL), 0);
  assert_int_equal(zcx_tensor_ndim(t), 2);
  assert_int_equal(zcx_tensor_shape(t)[1], 1);
  zcx_tensor_release(t);
  zcx_error_t err;
  assert_int_equal(zcx_layout_field_view(l, "uuid", buf, 70, &t, &err), ENOTSUP);
  assert_non_null(strstr(err.message, "uuid"));
  assert_null(t);
  zcx_buffer_release(buf);
  zcx_layout_destroy(l);
}

static void expect_add_fails(zcx_layout_t* l, const char* name, zcx_type_id_t id, int64_t off,
                             int32_t count, int code, const char* needle) {
  zcx_error_t err;
  int32_t before = zcx_layout_num_fields(l);
  int rc = zcx_layout_add_field(l, name, id, off, count, &err);
  if (rc != code) {
    fail_msg("adding '%s': got %d (%s), want %d", name ? name : "(null)", rc, err.message, code);
  }
  if (strstr(err.message, needle) == NULL) {
    fail_msg("message '%s' lacks '%s'", err.message, needle);
  }
  assert_int_equal(zcx_layout_num_fields(l), before);
}

static void test_descriptor_rejects_bad_fields(void** state) {
  (void)state;
  zcx_layout_t* l = NULL;
  zcx_error_t err;
  assert_int_equal(zcx_layout_create(0, &l, &err), EINVAL);
  assert_null(l);
  assert_int_equal(zcx_layout_create(-8, &l, &err), EINVAL);
  assert_int_equal(zcx_layout_create(8, NULL, &err), EINVAL);
  assert_int_equal(zcx_layout_create(24, &l, &err), 0);
  assert_int_equal(zcx_layout_add_field(l, "a", ZCX_TYPE_INT64, 8, 1, &err), 0);
  expect_add_fails(l, "a", ZCX_TYPE_INT32, 0, 1, EINVAL, "duplicate");
  expect_add_fails(l, NULL, ZCX_TYPE_INT32, 0, 1, EINVAL, "NULL");
  expect_add_fails(l, "", ZCX_TYPE_INT32, 0, 1, EINVAL, "empty");
  expect_add_fails(l, "b", ZCX_TYPE_INT32, 6, 1, EINVAL, "overlap field 'a'");
  expect_add_fails(l, "b", ZCX_TYPE_INT32, 12, 1, EINVAL, "overlap field 'a'");
  expect_add_fails(l, "b", ZCX_TYPE_INT32, 4, 2, EINVAL, "overlap");
  expect_add_fails(l, "c", ZCX_TYPE_INT32, 22, 1, EINVAL, "leave the record of 24 bytes");
  expect_add_fails(l, "c", ZCX_TYPE_INT32, 16, 3, EINVAL, "'c'");
  expect_add_fails(l, "c", ZCX_TYPE_INT32, -4, 1, EINVAL, "negative offset");
  expect_add_fails(l, "c", ZCX_TYPE_INT32, INT64_MAX - 1, 1, EINVAL, "leave the record");
  expect_add_fails(l, "c", ZCX_TYPE_INT32, 0, 0, EINVAL, "count 0");
  expect_add_fails(l, "c", ZCX_TYPE_STRING, 0, 1, EINVAL, "string");
  expect_add_fails(l, "c", ZCX_TYPE_TIMESTAMP, 0, 1, EINVAL, "zcx_layout_add_field_type");
  expect_add_fails(l, "c", (zcx_type_id_t)999, 0, 1, EINVAL, "'c'");
  // Types without a width in bytes.
  zcx_type_t* str = NULL;
  assert_int_equal(zcx_type_create(ZCX_TYPE_STRING, &str, NULL), 0);
  assert_int_equal(zcx_layout_add_field_type(l, "s", str, 0, &err), ENOTSUP);
  assert_non_null(strstr(err.message, "'s'"));
  zcx_field_t* item = NULL;
  assert_int_equal(zcx_field_create("item", str, true, NULL, &item, NULL), 0);
  zcx_type_t* list = NULL;
  assert_int_equal(zcx_type_fixed_size_list(item, 2, &list, NULL), 0);
  assert_int_equal(zcx_layout_add_field_type(l, "s", list, 0, &err), ENOTSUP);
  zcx_field_release(item);
  zcx_type_release(list);
  zcx_type_release(str);
  assert_int_equal(zcx_layout_add_field_type(l, "s", NULL, 0, &err), EINVAL);
  assert_int_equal(zcx_layout_add_field(NULL, "s", ZCX_TYPE_INT8, 0, 1, &err), EINVAL);
  // Touching fields are fine.
  assert_int_equal(zcx_layout_add_field(l, "b", ZCX_TYPE_INT32, 4, 1, &err), 0);
  assert_int_equal(zcx_layout_add_field(l, "c", ZCX_TYPE_INT32, 16, 2, &err), 0);
  assert_int_equal(zcx_layout_num_fields(l), 3);
  zcx_layout_destroy(l);

  // A table with a bad entry names it; nothing is created.
  static const zcx_layout_field_desc_t kBad[] = {
      {"x", ZCX_TYPE_FLOAT, 0, 1},
      {"y", ZCX_TYPE_FLOAT, 2, 1},
  };
  l = NULL;
  assert_int_equal(zcx_layout_create_from(8, kBad, 2, &l, &err), EINVAL);
  assert_null(l);
  assert_non_null(strstr(err.message, "descriptor 1: field 'y'"));
  assert_int_equal(zcx_layout_create_from(8, NULL, 2, &l, &err), EINVAL);
  assert_int_equal(zcx_layout_create_from(8, kBad, -1, &l, &err), EINVAL);
  // An empty layout converts nothing.
  assert_int_equal(zcx_layout_create_from(8, NULL, 0, &l, &err), 0);
  zcx_batch_t* b = NULL;
  uint8_t rec[8] = {0};
  assert_int_equal(zcx_layout_to_batch(l, rec, 1, NULL, &b, &err), EINVAL);
  assert_non_null(strstr(err.message, "no fields"));
  zcx_layout_destroy(l);
}

// ---------------------------------------------------------------------------------------------
// Conversions

static void test_points_roundtrip_sizes_threads_blocks(void** state) {
  (void)state;
  zcx_layout_t* l = point_layout();
  point_t* pts = malloc(sizeof(point_t) * BIG_N);
  assert_non_null(pts);
  fill_random(pts, sizeof(point_t) * BIG_N);
  const int64_t sizes[] = {0, 1, 63, 64, 65, 1000, BIG_N};
  for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
    for (int32_t threads = 1; threads <= 2; threads++) {
      for (int v = 0; v < 4; v++) {
        zcx_layout_options_t o;
        zcx_layout_options_init(&o);
        o.threads = threads;
        o.flags = (v & 1) ? ZCX_LAYOUT_CONTIGUOUS : 0;
        // v & 2: non-temporal stores for every output size.
        zcxi_layout_set_nt_threshold((v & 2) ? 1 : 0);
        o.flags |= (v & 2) ? ZCX_LAYOUT_STREAM_STORES : 0;
        roundtrip(l, (const uint8_t*)pts, sizes[s], &o);
      }
    }
  }
  zcxi_layout_set_nt_threshold(0);
  // Every thread count of the machine, and NULL options.
  roundtrip(l, (const uint8_t*)pts, BIG_N, NULL);
  free(pts);
  zcx_layout_destroy(l);
}

static void test_mixed_roundtrip_with_arrays_bools_and_gaps(void** state) {
  (void)state;
  zcx_layout_t* l = mixed_layout();
  const int64_t big = BIG_N / 10;
  mixed_t* recs = malloc(sizeof(mixed_t) * (size_t)big);
  assert_non_null(recs);
  fill_random(recs, sizeof(mixed_t) * (size_t)big);
  for (int64_t i = 0; i < big; i += 3) {
    recs[i].flag = 0;  // some false values among the random (mostly true) bytes
    recs[i].flags3[i % 3] = 0;
  }
  const int64_t sizes[] = {0, 1, 7, 63, 64, 65, 129, big};
  for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
    for (int v = 0; v < 8; v++) {
      zcx_layout_options_t o;
      zcx_layout_options_init(&o);
      o.threads = (v & 4) ? 2 : 1;
      o.flags = (v & 1) ? ZCX_LAYOUT_CONTIGUOUS : 0;
      zcxi_layout_set_nt_threshold((v & 2) ? 1 : 0);
      o.flags |= (v & 2) ? ZCX_LAYOUT_STREAM_STORES : 0;
      roundtrip(l, (const uint8_t*)recs, sizes[s], &o);
    }
  }
  zcxi_layout_set_nt_threshold(0);
  free(recs);
  zcx_layout_destroy(l);
}

static void test_packed_and_large_records(void** state) {
  (void)state;
  // Unaligned fields convert like aligned ones.
  zcx_layout_t* l = packed_layout();
  uint8_t recs[13 * 300];
  fill_random(recs, sizeof(recs));
  for (int64_t n = 0; n <= 300; n += 37) {
    zcx_layout_options_t o;
    zcx_layout_options_init(&o);
    roundtrip(l, recs, n, &o);
    zcxi_layout_set_nt_threshold(1);
    o.flags = ZCX_LAYOUT_STREAM_STORES;
    roundtrip(l, recs, n, &o);
    zcxi_layout_set_nt_threshold(0);
  }
  zcx_layout_destroy(l);

  // Records larger than a tile's stage, with a field larger than a cache line and a gap.
  const int64_t r = 20000;
  assert_int_equal(zcx_layout_create(r, &l, NULL), 0);
  assert_int_equal(zcx_layout_add_field(l, "big", ZCX_TYPE_DOUBLE, 16, 1000, NULL), 0);
  assert_int_equal(zcx_layout_add_field(l, "tail", ZCX_TYPE_UINT8, r - 3, 3, NULL), 0);
  assert_int_equal(zcx_layout_add_field(l, "head", ZCX_TYPE_INT16, 0, 1, NULL), 0);
  uint8_t* big = malloc((size_t)(r * 150));
  assert_non_null(big);
  fill_random(big, (size_t)(r * 150));
  for (int v = 0; v < 4; v++) {
    zcx_layout_options_t o;
    zcx_layout_options_init(&o);
    o.threads = (v & 1) ? 2 : 1;
    zcxi_layout_set_nt_threshold((v & 2) ? 1 : 0);
    o.flags |= (v & 2) ? ZCX_LAYOUT_STREAM_STORES : 0;
    roundtrip(l, big, 150, &o);
    roundtrip(l, big, 1, &o);
  }
  zcxi_layout_set_nt_threshold(0);
  free(big);
  zcx_layout_destroy(l);
}

// Runs of every vector shape: 4-byte pair + single (three adjacent), 8-byte pair, lone 4- and
// 8-byte fields, declared out of offset order.
static zcx_layout_t* runs_layout(void) {
  static const zcx_layout_field_desc_t kFields[] = {
      {"g", ZCX_TYPE_UINT64, 40, 1}, {"b", ZCX_TYPE_FLOAT, 4, 1},  {"a", ZCX_TYPE_INT32, 0, 1},
      {"e", ZCX_TYPE_INT64, 24, 1},  {"c", ZCX_TYPE_UINT32, 8, 1}, {"d", ZCX_TYPE_DOUBLE, 16, 1},
      {"f", ZCX_TYPE_FLOAT, 32, 1},
  };
  zcx_layout_t* l = NULL;
  assert_int_equal(zcx_layout_create_from(48, kFields, 7, &l, NULL), 0);
  return l;
}

static void test_vector_runs(void** state) {
  (void)state;
  zcx_layout_t* l = runs_layout();
  int32_t order[16];
  zcxi_layout_run_t runs[16];
  int32_t n = zcxi_layout_plan_runs(l, order, runs);
  // a+b (4, 2), c (4, 1), d+e (8, 2), f (4, 1), g (8, 1).
  assert_int_equal(n, 5);
  assert_int_equal(runs[0].w, 4);
  assert_int_equal(runs[0].g, 2);
  assert_int_equal(runs[0].fields[0], 2);
  assert_int_equal(runs[0].fields[1], 1);
  assert_int_equal(runs[1].g, 1);
  assert_int_equal(runs[1].offset, 8);
  assert_int_equal(runs[2].w, 8);
  assert_int_equal(runs[2].g, 2);
  assert_int_equal(runs[3].w, 4);
  assert_int_equal(runs[4].w, 8);
  assert_int_equal(runs[4].offset, 40);
  const int64_t big = 20011;
  uint8_t* recs = malloc((size_t)(48 * big));
  assert_non_null(recs);
  fill_random(recs, (size_t)(48 * big));
  const int64_t sizes[] = {0, 1, 3, 5, 17, 64, 100, big};
  for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
    for (int v = 0; v < 8; v++) {
      zcx_layout_options_t o;
      zcx_layout_options_init(&o);
      o.threads = (v & 4) ? 2 : 1;
      o.flags = (v & 1) ? ZCX_LAYOUT_CONTIGUOUS : 0;
      zcxi_layout_set_nt_threshold((v & 2) ? 1 : 0);
      o.flags |= (v & 2) ? ZCX_LAYOUT_STREAM_STORES : 0;
      roundtrip(l, recs, sizes[s], &o);
    }
  }
  zcxi_layout_set_nt_threshold(0);
  // Slices start the columns at any element: unaligned vector loads.
  zcx_batch_t* batch = NULL;
  assert_int_equal(zcx_layout_to_batch(l, recs, 1000, NULL, &batch, NULL), 0);
  uint8_t* want = normalized(l, recs, 1000);
  uint8_t out[48 * 300];
  for (int64_t off = 0; off < 9; off++) {
    zcx_batch_t* slice = NULL;
    assert_int_equal(zcx_batch_slice(batch, off, 300, &slice, NULL), 0);
    assert_int_equal(zcx_layout_from_batch(l, slice, out, 300, NULL, NULL), 0);
    assert_memory_equal(out, want + off * 48, sizeof(out));
    zcx_batch_release(slice);
  }
  free(want);
  zcx_batch_release(batch);
  free(recs);
  zcx_layout_destroy(l);

  // The plans of the other layouts.
  l = mixed_layout();
  n = zcxi_layout_plan_runs(l, order, runs);
  assert_int_equal(n, 9);  // nothing merges: no two adjacent scalars of 4 or 8 bytes
  zcx_layout_destroy(l);
  l = point_layout();
  n = zcxi_layout_plan_runs(l, order, runs);
  assert_int_equal(n, 2);
  assert_int_equal(runs[0].g, 4);
  assert_int_equal(runs[1].w, 8);
  zcx_layout_destroy(l);
}

static void test_threads_give_identical_batches(void** state) {
  (void)state;
  zcx_layout_t* l = mixed_layout();
  const int64_t n = 100000;  // 7.2 MB: enough for several threads
  mixed_t* recs = malloc(sizeof(mixed_t) * (size_t)n);
  assert_non_null(recs);
  fill_random(recs, sizeof(mixed_t) * (size_t)n);
  zcx_batch_t* one = NULL;
  zcx_layout_options_t o;
  zcx_layout_options_init(&o);
  o.threads = 1;
  assert_int_equal(zcx_layout_to_batch(l, recs, n, &o, &one, NULL), 0);
  const int32_t counts[] = {0, 2, 3, 8};
  for (size_t i = 0; i < 4; i++) {
    zcx_batch_t* many = NULL;
    o.threads = counts[i];
    assert_int_equal(zcx_layout_to_batch(l, recs, n, &o, &many, NULL), 0);
    zcx_error_t why;
    if (!zcx_batch_equal(one, many, &why)) {
      fail_msg("threads %d: %s", (int)counts[i], why.message);
    }
    zcx_batch_release(many);
  }
  zcx_batch_release(one);
  free(recs);
  zcx_layout_destroy(l);
}

static void test_contiguous_block_and_columns_tensor(void** state) {
  (void)state;
  zcx_layout_t* l = point_layout();
  const int64_t n = 1001;
  point_t* pts = malloc(sizeof(point_t) * (size_t)n);
  assert_non_null(pts);
  fill_random(pts, sizeof(point_t) * (size_t)n);
  zcx_layout_options_t o;
  zcx_layout_options_init(&o);
  o.flags = ZCX_LAYOUT_CONTIGUOUS;
  zcx_batch_t* batch = NULL;
  assert_int_equal(zcx_layout_to_batch(l, pts, n, &o, &batch, NULL), 0);
  // One block: every column follows the previous one, 64-byte aligned.
  const uint8_t* x = zcx_buffer_data(batch->columns[0]->buffers[1]);
  int64_t step = zcxi_align_up_i64(n * 4, 64);
  for (int32_t j = 1; j < 5; j++) {
    const uint8_t* c = zcx_buffer_data(batch->columns[j]->buffers[1]);
    assert_ptr_equal(c, x + j * step);
  }
  zcx_tensor_t* t = NULL;
  zcx_error_t err;
  const int32_t xyz[3] = {0, 1, 2};
  int rc = zcx_layout_columns_tensor(batch, xyz, 3, &t, &err);
  if (rc != 0) {
    fail_msg("%s", err.message);
  }
  assert_int_equal(zcx_tensor_ndim(t), 2);
  assert_int_equal(zcx_tensor_shape(t)[0], n);
  assert_int_equal(zcx_tensor_shape(t)[1], 3);
  assert_int_equal(zcx_tensor_strides(t)[0], 1);
  assert_int_equal(zcx_tensor_strides(t)[1], step / 4);
  assert_false(zcx_tensor_is_readonly(t));  // writable columns: immutable by contract only
  assert_true(zcx_dtype_equal(zcx_tensor_dtype(t), zcx_dtype_make(ZCX_DTYPE_FLOAT, 32)));
  // The tensor outlives the batch.
  zcx_batch_release(batch);
  const float* m = zcx_tensor_data(t);
  for (int64_t i = 0; i < n; i++) {
    assert_memory_equal(&m[i], &pts[i].x, 4);
    assert_memory_equal(&m[i + step / 4], &pts[i].y, 4);
    assert_memory_equal(&m[i + 2 * step / 4], &pts[i].z, 4);
  }
  zcx_tensor_release(t);

  assert_int_equal(zcx_layout_to_batch(l, pts, n, &o, &batch, NULL), 0);
  // NULL columns: the first k. One column alone.
  assert_int_equal(zcx_layout_columns_tensor(batch, NULL, 2, &t, NULL), 0);
  assert_int_equal(zcx_tensor_shape(t)[1], 2);
  zcx_tensor_release(t);
  const int32_t only_t[1] = {4};
  assert_int_equal(zcx_layout_columns_tensor(batch, only_t, 1, &t, NULL), 0);
  assert_int_equal(zcx_tensor_shape(t)[1], 1);
  assert_memory_equal(zcx_tensor_data(t), &pts[0].t, 8);
  zcx_tensor_release(t);
  // Refusals.
  const int32_t rev[3] = {2, 1, 0};
  assert_int_equal(zcx_layout_columns_tensor(batch, rev, 3, &t, &err), ENOTSUP);
  assert_non_null(strstr(err.message, "equal distances"));
  assert_null(t);
  const int32_t gap[2] = {0, 2};
  assert_int_equal(zcx_layout_columns_tensor(batch, gap, 2, &t, &err), 0);  // stride 2 columns
  assert_int_equal(zcx_tensor_strides(t)[1], 2 * step / 4);
  zcx_tensor_release(t);
  const int32_t mixed_types[2] = {2, 3};
  assert_int_equal(zcx_layout_columns_tensor(batch, mixed_types, 2, &t, &err), ENOTSUP);
  assert_non_null(strstr(err.message, "type differs"));
  const int32_t bad[2] = {0, 5};
  assert_int_equal(zcx_layout_columns_tensor(batch, bad, 2, &t, &err), EINVAL);
  assert_int_equal(zcx_layout_columns_tensor(batch, xyz, 0, &t, &err), EINVAL);
  assert_int_equal(zcx_layout_columns_tensor(batch, xyz, 6, &t, &err), EINVAL);
  assert_int_equal(zcx_layout_columns_tensor(NULL, xyz, 1, &t, &err), EINVAL);
  assert_int_equal(zcx_layout_columns_tensor(batch, xyz, 1, NULL, &err), EINVAL);
  zcx_batch_release(batch);

  // An empty contiguous batch still gives a (0, 3) tensor.
  assert_int_equal(zcx_layout_to_batch(l, pts, 0, &o, &batch, NULL), 0);
  assert_int_equal(zcx_layout_columns_tensor(batch, xyz, 3, &t, &err), 0);
  assert_int_equal(zcx_tensor_numel(t), 0);
  zcx_tensor_release(t);
  zcx_batch_release(batch);
  free(pts);
  zcx_layout_destroy(l);

  // Bool columns are bit-packed: no tensor.
  l = mixed_layout();
  mixed_t recs[10];
  fill_random(recs, sizeof(recs));
  assert_int_equal(zcx_layout_to_batch(l, recs, 10, &o, &batch, NULL), 0);
  assert_int_equal(zcx_layout_columns_tensor(batch, NULL, 1, &t, &err), ENOTSUP);
  assert_non_null(strstr(err.message, "bit-packed"));
  const int32_t list_col[1] = {3};
  assert_int_equal(zcx_layout_columns_tensor(batch, list_col, 1, &t, &err), ENOTSUP);
  zcx_batch_release(batch);
  zcx_layout_destroy(l);
}

// A batch of points built column by column, with `null_at` (>= 0) a null in column "id", the
// columns in another order than the layout's and an extra string column.
static zcx_batch_t* built_points(const point_t* pts, int64_t n, int64_t null_at) {
  const char* names[6] = {"label", "t", "id", "z", "y", "x"};
  zcx_type_id_t ids[6] = {ZCX_TYPE_STRING, ZCX_TYPE_DOUBLE, ZCX_TYPE_INT32,
                          ZCX_TYPE_FLOAT,  ZCX_TYPE_FLOAT,  ZCX_TYPE_FLOAT};
  zcx_field_t* fields[6];
  zcx_array_t* cols[6];
  for (int j = 0; j < 6; j++) {
    zcx_type_t* type = NULL;
    assert_int_equal(zcx_type_create(ids[j], &type, NULL), 0);
    assert_int_equal(zcx_field_create(names[j], type, true, NULL, &fields[j], NULL), 0);
    zcx_builder_t* b = NULL;
    assert_int_equal(zcx_builder_create(type, NULL, &b, NULL), 0);
    for (int64_t i = 0; i < n; i++) {
      int rc = 0;
      if (j == 2 && i == null_at) {
        rc = zcx_builder_append_null(b, 1, NULL);
      } else if (j == 0) {
        rc = zcx_builder_append_bytes(b, "p", 1, NULL);
      } else if (j == 1) {
        rc = zcx_builder_append_double(b, pts[i].t, NULL);
      } else if (j == 2) {
        rc = zcx_builder_append_int(b, pts[i].id, NULL);
      } else {
        const float* v = j == 3 ? &pts[i].z : j == 4 ? &pts[i].y : &pts[i].x;
        rc = zcx_builder_append_values(b, v, 1, NULL);
      }
      assert_int_equal(rc, 0);
    }
    assert_int_equal(zcx_builder_finish(b, &cols[j], NULL), 0);
    zcx_builder_destroy(b);
    zcx_type_release(type);
  }
  zcx_schema_t* schema = NULL;
  assert_int_equal(zcx_schema_create(fields, 6, NULL, &schema, NULL), 0);
  zcx_batch_t* batch = NULL;
  assert_int_equal(zcx_batch_create(schema, cols, 6, n, &batch, NULL), 0);
  for (int j = 0; j < 6; j++) {
    zcx_field_release(fields[j]);
    zcx_array_release(cols[j]);
  }
  zcx_schema_release(schema);
  return batch;
}

static void test_from_batch_by_name_nulls_and_slices(void** state) {
  (void)state;
  zcx_layout_t* l = point_layout();
  enum { N = 200 };
  point_t pts[N];
  fill_random(pts, sizeof(pts));
  for (int i = 0; i < N; i++) {
    // Doubles through the builder must survive bit for bit: no NaN payload games.
    pts[i].t = (double)(int32_t)next_random() / 7.0;
  }
  zcx_error_t err;
  point_t back[N];
  zcx_batch_t* batch = built_points(pts, N, -1);
  assert_int_equal(zcx_layout_from_batch(l, batch, back, N, NULL, &err), 0);
  assert_memory_equal(back, pts, sizeof(pts));
  zcx_batch_release(batch);

  // A null is refused, or written as zero when asked.
  batch = built_points(pts, N, 17);
  memset(back, 0xAB, sizeof(back));
  assert_int_equal(zcx_layout_from_batch(l, batch, back, N, NULL, &err), EINVAL);
  assert_non_null(strstr(err.message, "field 'id'"));
  assert_non_null(strstr(err.message, "1 null"));
  for (size_t i = 0; i < sizeof(back); i++) {
    assert_int_equal(((uint8_t*)back)[i], 0xAB);  // the checks run before any write
  }
  zcx_layout_options_t o;
  zcx_layout_options_init(&o);
  o.flags = ZCX_LAYOUT_NULLS_AS_ZEROS;
  assert_int_equal(zcx_layout_from_batch(l, batch, back, N, &o, &err), 0);
  assert_int_equal(back[17].id, 0);
  assert_memory_equal(&back[17].t, &pts[17].t, 8);
  back[17].id = pts[17].id;
  assert_memory_equal(back, pts, sizeof(pts));
  // A slice that leaves the null out converts without the option.
  zcx_batch_t* slice = NULL;
  assert_int_equal(zcx_batch_slice(batch, 18, 100, &slice, NULL), 0);
  assert_int_equal(zcx_layout_from_batch(l, slice, back, 100, NULL, &err), 0);
  assert_memory_equal(back, &pts[18], 100 * sizeof(point_t));
  zcx_batch_release(slice);
  zcx_batch_release(batch);

  // Slices of a layout-made batch: bool bit offsets and fixed-size list child offsets.
  zcx_layout_destroy(l);
  l = mixed_layout();
  mixed_t recs[N];
  fill_random(recs, sizeof(recs));
  assert_int_equal(zcx_layout_to_batch(l, recs, N, NULL, &batch, NULL), 0);
  uint8_t* want = normalized(l, (const uint8_t*)recs, N);
  const int64_t cuts[][2] = {{13, 50}, {0, 1}, {1, 0}, {199, 1}, {61, 77}};
  for (size_t c = 0; c < sizeof(cuts) / sizeof(cuts[0]); c++) {
    assert_int_equal(zcx_batch_slice(batch, cuts[c][0], cuts[c][1], &slice, NULL), 0);
    mixed_t out[N];
    assert_int_equal(zcx_layout_from_batch(l, slice, out, cuts[c][1], NULL, &err), 0);
    if (cuts[c][1] > 0) {
      assert_memory_equal(out, want + cuts[c][0] * (int64_t)sizeof(mixed_t),
                          (size_t)cuts[c][1] * sizeof(mixed_t));
    }
    zcx_batch_release(slice);
  }
  free(want);
  zcx_batch_release(batch);
  zcx_layout_destroy(l);
}

static void expect_from_fails(const zcx_layout_t* l, const zcx_batch_t* b, int64_t n,
                              const char* needle) {
  zcx_error_t err;
  uint8_t out[4096];
  memset(out, 0x5C, sizeof(out));
  int rc = zcx_layout_from_batch(l, b, out, n, NULL, &err);
  if (rc != EINVAL) {
    fail_msg("want EINVAL, got %d (%s)", rc, err.message);
  }
  if (strstr(err.message, needle) == NULL) {
    fail_msg("message '%s' lacks '%s'", err.message, needle);
  }
  for (size_t i = 0; i < sizeof(out); i++) {
    assert_int_equal(out[i], 0x5C);
  }
}

static void test_from_batch_rejects_wrong_batches(void** state) {
  (void)state;
  zcx_layout_t* l = mixed_layout();
  mixed_t recs[20];
  fill_random(recs, sizeof(recs));
  zcx_batch_t* good = NULL;
  assert_int_equal(zcx_layout_to_batch(l, recs, 20, NULL, &good, NULL), 0);
  expect_from_fails(l, good, 19, "19 records for a batch of 20 rows");
  zcx_error_t err;
  assert_int_equal(zcx_layout_from_batch(l, good, NULL, 20, NULL, &err), EINVAL);
  assert_int_equal(zcx_layout_from_batch(NULL, good, recs, 20, NULL, &err), EINVAL);
  assert_int_equal(zcx_layout_from_batch(l, NULL, recs, 20, NULL, &err), EINVAL);
  zcx_layout_options_t o;
  memset(&o, 0, sizeof(o));
  assert_int_equal(zcx_layout_from_batch(l, good, recs, 20, &o, &err), EINVAL);
  assert_non_null(strstr(err.message, "zcx_layout_options_init"));
  zcx_layout_options_init(&o);
  o.flags = 1u << 20;
  assert_int_equal(zcx_layout_from_batch(l, good, recs, 20, &o, &err), EINVAL);
  assert_non_null(strstr(err.message, "unknown option"));
  zcx_layout_options_init(&o);
  o.threads = -1;
  assert_int_equal(zcx_layout_from_batch(l, good, recs, 20, &o, &err), EINVAL);

  // Layouts that disagree with the batch: a missing field, another type, another list size.
  static const zcx_layout_field_desc_t kMissing[] = {
      {"small", ZCX_TYPE_INT8, 0, 1},
      {"nothere", ZCX_TYPE_INT8, 1, 1},
  };
  static const zcx_layout_field_desc_t kType[] = {{"small", ZCX_TYPE_UINT8, 0, 1}};
  static const zcx_layout_field_desc_t kSize[] = {{"vec", ZCX_TYPE_INT32, 0, 2}};
  static const zcx_layout_field_desc_t kScalar[] = {{"vec", ZCX_TYPE_INT32, 0, 1}};
  static const zcx_layout_field_desc_t kList[] = {{"value", ZCX_TYPE_DOUBLE, 0, 2}};
  static const zcx_layout_field_desc_t kBool[] = {{"flag", ZCX_TYPE_UINT8, 0, 1}};
  struct {
    const zcx_layout_field_desc_t* fields;
    int32_t n;
    const char* needle;
  } cases[] = {
      {kMissing, 2, "field 'nothere': the batch has no column"},
      {kType, 1, "field 'small': column of type int8; the layout needs uint8"},
      {kSize, 1, "field 'vec'"},
      {kScalar, 1, "field 'vec'"},
      {kList, 1, "field 'value'"},
      {kBool, 1, "field 'flag'"},
  };
  for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
    zcx_layout_t* other = NULL;
    assert_int_equal(zcx_layout_create_from(16, cases[c].fields, cases[c].n, &other, NULL), 0);
    expect_from_fails(other, good, 20, cases[c].needle);
    zcx_layout_destroy(other);
  }
  zcx_batch_release(good);
  zcx_layout_destroy(l);
}

static void test_to_batch_rejects_bad_input_and_cleans_up(void** state) {
  (void)state;
  zcx_layout_t* l = point_layout();
  point_t pts[1000];
  fill_random(pts, sizeof(pts));
  zcx_batch_t* b = (zcx_batch_t*)(uintptr_t)1;
  zcx_error_t err;
  assert_int_equal(zcx_layout_to_batch(l, NULL, 3, NULL, &b, &err), EINVAL);
  assert_null(b);
  assert_int_equal(zcx_layout_to_batch(l, pts, -1, NULL, &b, &err), EINVAL);
  assert_int_equal(zcx_layout_to_batch(NULL, pts, 3, NULL, &b, &err), EINVAL);
  assert_int_equal(zcx_layout_to_batch(l, pts, 3, NULL, NULL, &err), EINVAL);
  assert_int_equal(zcx_layout_to_batch(l, pts, INT64_MAX / 8, NULL, &b, &err), EINVAL);
  assert_non_null(strstr(err.message, "overflow"));
  assert_int_equal(zcx_layout_to_batch(l, NULL, 0, NULL, &b, &err), 0);
  assert_int_equal(b->num_rows, 0);
  zcx_batch_release(b);

  // A resource that runs out part way: ENOMEM, nothing left allocated.
  zcx_mr_t* limit = NULL;
  assert_int_equal(zcx_limit_mr_create(zcx_default_mr(), 10000, &limit, NULL), 0);
  for (int v = 0; v < 2; v++) {
    zcx_layout_options_t o;
    zcx_layout_options_init(&o);
    o.mr = limit;
    o.flags = v ? ZCX_LAYOUT_CONTIGUOUS : 0;
    b = NULL;
    assert_int_equal(zcx_layout_to_batch(l, pts, 1000, &o, &b, &err), ENOMEM);
    assert_null(b);
    zcx_mr_stats_t st;
    memset(&st, 0, sizeof(st));
    st.struct_size = sizeof(st);
    assert_int_equal(zcx_mr_get_stats(limit, &st, NULL), 0);
    assert_int_equal(st.current_bytes, 0);
    // A small batch fits, and its buffers come from that resource.
    assert_int_equal(zcx_layout_to_batch(l, pts, 100, &o, &b, &err), 0);
    assert_int_equal(zcx_mr_get_stats(limit, &st, NULL), 0);
    assert_true(st.current_bytes >= 5 * 400);
    zcx_batch_release(b);
  }
  zcx_mr_release(limit);
  zcx_layout_destroy(l);
}

// ---------------------------------------------------------------------------------------------
// Strided views

static void test_field_views_read_and_write_the_records(void** state) {
  (void)state;
  zcx_layout_t* l = point_layout();
  const int64_t n = 777;
  zcx_buffer_t* buf = NULL;
  assert_int_equal(zcx_buffer_allocate(NULL, n * 24, 64, NULL, &buf, NULL), 0);
  point_t* pts = zcx_buffer_data(buf);
  fill_random(pts, (size_t)n * 24);
  zcx_tensor_t* t = NULL;
  zcx_error_t err;
  assert_int_equal(zcx_layout_field_view(l, "y", buf, n, &t, &err), 0);
  assert_int_equal(zcx_tensor_ndim(t), 1);
  assert_int_equal(zcx_tensor_shape(t)[0], n);
  assert_int_equal(zcx_tensor_strides(t)[0], 6);
  assert_false(zcx_tensor_is_readonly(t));
  const float* y = zcx_tensor_data(t);
  for (int64_t i = 0; i < n; i++) {
    assert_memory_equal(&y[i * 6], &pts[i].y, 4);
  }
  ((float*)zcx_tensor_data(t))[6 * 5] = 42.0f;  // writes reach the records
  assert_true(pts[5].y == 42.0f);
  zcx_tensor_release(t);
  assert_int_equal(zcx_layout_field_view(l, "t", buf, n, &t, &err), 0);
  assert_int_equal(zcx_tensor_strides(t)[0], 3);
  assert_true(zcx_dtype_equal(zcx_tensor_dtype(t), zcx_dtype_make(ZCX_DTYPE_FLOAT, 64)));
  zcx_tensor_release(t);
  // Fewer records than the buffer holds; none.
  assert_int_equal(zcx_layout_field_view(l, "t", buf, 3, &t, &err), 0);
  assert_int_equal(zcx_tensor_numel(t), 3);
  zcx_tensor_release(t);
  assert_int_equal(zcx_layout_field_view(l, "t", buf, 0, &t, &err), 0);
  assert_int_equal(zcx_tensor_numel(t), 0);
  zcx_tensor_release(t);
  // Refusals.
  assert_int_equal(zcx_layout_field_view(l, "t", buf, n + 1, &t, &err), EINVAL);
  assert_null(t);
  assert_int_equal(zcx_layout_field_view(l, "t", buf, -1, &t, &err), EINVAL);
  assert_int_equal(zcx_layout_field_view(l, "w", buf, n, &t, &err), EINVAL);
  assert_non_null(strstr(err.message, "'w'"));
  assert_int_equal(zcx_layout_field_view(l, NULL, buf, n, &t, &err), EINVAL);
  assert_int_equal(zcx_layout_field_view(l, "t", NULL, n, &t, &err), EINVAL);
  assert_int_equal(zcx_layout_field_view(l, "t", buf, n, NULL, &err), EINVAL);
  // Records 4 bytes into the buffer: floats still align, doubles do not.
  zcx_buffer_t* shifted = NULL;
  assert_int_equal(zcx_buffer_slice(buf, 4, (n - 1) * 24, &shifted, NULL), 0);
  assert_int_equal(zcx_layout_field_view(l, "x", shifted, n - 1, &t, &err), 0);
  zcx_tensor_release(t);
  assert_int_equal(zcx_layout_field_view(l, "t", shifted, n - 1, &t, &err), ENOTSUP);
  assert_non_null(strstr(err.message, "not aligned"));
  zcx_buffer_release(shifted);
  zcx_buffer_release(buf);
  zcx_layout_destroy(l);

  // Fixed-size arrays are 2-D; bools are bytes; read-only buffers give read-only views.
  l = mixed_layout();
  mixed_t recs[30];
  fill_random(recs, sizeof(recs));
  assert_int_equal(zcx_buffer_wrap(recs, sizeof(recs), zcx_device_cpu(), ZCX_BUFFER_READONLY,
                                   NULL, NULL, &buf, NULL), 0);
  assert_int_equal(zcx_layout_field_view(l, "vec", buf, 30, &t, &err), 0);
  assert_int_equal(zcx_tensor_ndim(t), 2);
  assert_int_equal(zcx_tensor_shape(t)[1], 3);
  assert_int_equal(zcx_tensor_strides(t)[0], (int64_t)sizeof(mixed_t) / 4);
  assert_int_equal(zcx_tensor_strides(t)[1], 1);
  assert_true(zcx_tensor_is_readonly(t));
  const int32_t* vec = zcx_tensor_data(t);
  for (int i = 0; i < 30; i++) {
    for (int c = 0; c < 3; c++) {
      assert_int_equal(vec[i * 18 + c], recs[i].vec[c]);
    }
  }
  zcx_tensor_release(t);
  assert_int_equal(zcx_layout_field_view(l, "flags3", buf, 30, &t, &err), 0);
  assert_true(zcx_dtype_equal(zcx_tensor_dtype(t), zcx_dtype_make(ZCX_DTYPE_BOOL, 8)));
  assert_int_equal(zcx_tensor_strides(t)[0], (int64_t)sizeof(mixed_t));
  zcx_tensor_release(t);
  assert_int_equal(zcx_layout_field_view(l, "half", buf, 30, &t, &err), 0);
  assert_true(zcx_dtype_equal(zcx_tensor_dtype(t), zcx_dtype_make(ZCX_DTYPE_FLOAT, 16)));
  zcx_tensor_release(t);
  zcx_buffer_release(buf);
  zcx_layout_destroy(l);

  // Packed records: byte fields work, wider ones cannot be strided.
  l = packed_layout();
  uint8_t packed[13 * 8];
  fill_random(packed, sizeof(packed));
  assert_int_equal(zcx_buffer_wrap(packed, sizeof(packed), zcx_device_cpu(), 0, NULL, NULL, &buf,
                                   NULL), 0);
  assert_int_equal(zcx_layout_field_view(l, "b", buf, 8, &t, &err), 0);
  assert_int_equal(zcx_tensor_strides(t)[0], 13);
  assert_int_equal(((const uint8_t*)zcx_tensor_data(t))[13 * 7], packed[13 * 7]);
  zcx_tensor_release(t);
  assert_int_equal(zcx_layout_field_view(l, "d", buf, 8, &t, &err), ENOTSUP);
  assert_non_null(strstr(err.message, "record size 13 is not a multiple"));
  zcx_buffer_release(buf);
  zcx_layout_destroy(l);
  static const zcx_layout_field_desc_t kOdd[] = {{"i", ZCX_TYPE_INT32, 2, 1}};
  assert_int_equal(zcx_layout_create_from(8, kOdd, 1, &l, NULL), 0);
  assert_int_equal(zcx_buffer_wrap(packed, 64, zcx_device_cpu(), 0, NULL, NULL, &buf, NULL), 0);
  assert_int_equal(zcx_layout_field_view(l, "i", buf, 8, &t, &err), ENOTSUP);
  assert_non_null(strstr(err.message, "offset 2 is not a multiple"));
  zcx_buffer_release(buf);
  zcx_layout_destroy(l);
}

// ---------------------------------------------------------------------------------------------
// Kernels and the worker pool

static void test_kernels_match_plain_loops(void** state) {
  (void)state;
  uint8_t src[700];
  uint8_t dst[720];
  uint8_t ref[720];
  fill_random(src, sizeof(src));
  for (size_t off = 0; off < 17; off++) {
    for (size_t n = 0; n < 300; n += 1 + n / 8) {
      memset(dst, 0x11, sizeof(dst));
      memset(ref, 0x11, sizeof(ref));
      zcxi_layout_copy_nt(dst + off, src + (off * 3) % 17, n);
      zcxi_layout_store_fence();
      memcpy(ref + off, src + (off * 3) % 17, n);
      assert_memory_equal(dst, ref, sizeof(dst));
    }
  }
  for (int32_t count = 1; count <= 9; count++) {
    for (int64_t n = 0; n <= 20; n++) {
      const int64_t stride = 11;
      uint8_t bits[32];
      memset(bits, 0xFF, sizeof(bits));
      zcxi_layout_pack_bools(src, stride, count, n, bits);
      int64_t total = n * count;
      for (int64_t k = 0; k < zcxi_align_up_i64(total, 8); k++) {
        bool want = k < total && src[(k / count) * stride + k % count] != 0;
        assert_int_equal(zcxi_bit_get(bits, k), want);
      }
      uint8_t out[20 * 11];
      memset(out, 0x77, sizeof(out));
      zcxi_layout_unpack_bools(bits, 0, count, n, out, stride);
      for (int64_t i = 0; i < n; i++) {
        for (int32_t c = 0; c < count; c++) {
          assert_int_equal(out[i * stride + c], src[i * stride + c] != 0);
        }
      }
    }
  }
  for (int64_t size = 1; size <= 40; size++) {
    memset(dst, 0, sizeof(dst));
    zcxi_layout_gather(src, 41, size, 15, dst);
    for (int64_t i = 0; i < 15; i++) {
      assert_memory_equal(dst + i * size, src + i * 41, (size_t)size);
    }
    memset(ref, 0x33, sizeof(ref));
    zcxi_layout_scatter(dst, size, 15, ref, 41);
    for (int64_t i = 0; i < 15; i++) {
      assert_memory_equal(ref + i * 41, src + i * 41, (size_t)size);
      if (size < 41) {
        assert_int_equal(ref[i * 41 + size], 0x33);
      }
    }
  }
  assert_int_equal(zcxi_layout_tile_records(24) % 64, 0);
  assert_int_equal(zcxi_layout_tile_records(1 << 20), 64);
}

typedef struct count_ctx {
  int64_t n;
  _Atomic int* hits;
} count_ctx_t;

static void count_task(void* ctx, int64_t i) {
  count_ctx_t* c = ctx;
  atomic_fetch_add(&c->hits[i], 1);
}

static void* parallel_caller(void* arg) {
  count_ctx_t* c = arg;
  for (int rep = 0; rep < 50; rep++) {
    zcxi_layout_parallel_for(3, c->n, count_task, c);
  }
  return NULL;
}

static void test_worker_pool_runs_each_index_once(void** state) {
  (void)state;
  enum { N = 1000 };
  _Atomic int hits_a[N];
  _Atomic int hits_b[N];
  for (int i = 0; i < N; i++) {
    atomic_init(&hits_a[i], 0);
    atomic_init(&hits_b[i], 0);
  }
  count_ctx_t a = {N, hits_a};
  count_ctx_t b = {N, hits_b};
  // Two callers at once: one gets the pool, the other runs alone; both finish.
  pthread_t ta;
  pthread_t tb;
  assert_int_equal(pthread_create(&ta, NULL, parallel_caller, &a), 0);
  assert_int_equal(pthread_create(&tb, NULL, parallel_caller, &b), 0);
  pthread_join(ta, NULL);
  pthread_join(tb, NULL);
  for (int i = 0; i < N; i++) {
    assert_int_equal(atomic_load(&hits_a[i]), 50);
    assert_int_equal(atomic_load(&hits_b[i]), 50);
  }
  zcxi_layout_parallel_for(4, 0, count_task, &a);  // nothing to do
  assert_int_equal(zcxi_layout_threads_for(8, 1000), 1);
  assert_int_equal(zcxi_layout_threads_for(2, 64 << 20), 2);
  assert_int_equal(zcxi_layout_threads_for(64, 2 << 20), 4);
  assert_true(zcxi_layout_threads_for(0, 1 << 30) >= 1);
  assert_true(zcxi_layout_cpu_count() >= 1);
}

static void test_conversion_in_a_forked_child(void** state) {
  (void)state;
  // The pool has run above in this process; a forked child starts its own.
  zcx_layout_t* l = point_layout();
  const int64_t n = 200000;
  point_t* pts = malloc(sizeof(point_t) * (size_t)n);
  assert_non_null(pts);
  fill_random(pts, sizeof(point_t) * (size_t)n);
  zcx_layout_options_t o;
  zcx_layout_options_init(&o);
  o.threads = 2;
  zcx_batch_t* b = NULL;
  assert_int_equal(zcx_layout_to_batch(l, pts, n, &o, &b, NULL), 0);
  zcx_batch_release(b);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    int rc = zcx_layout_to_batch(l, pts, n, &o, &b, NULL);
    int ok = rc == 0 && b->num_rows == n;
    if (ok) {
      const int32_t* ids = zcx_buffer_data(b->columns[3]->buffers[1]);
      ok = ids[n - 1] == pts[n - 1].id;
    }
    // The child frees what it owns too, so that leak checkers follow it cleanly.
    zcx_batch_release(rc == 0 ? b : NULL);
    free(pts);
    zcx_layout_destroy(l);
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_true(WIFEXITED(status));
  assert_int_equal(WEXITSTATUS(status), 0);
  free(pts);
  zcx_layout_destroy(l);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_descriptor_builder_and_table),
      cmocka_unit_test(test_descriptor_with_parameterized_types),
      cmocka_unit_test(test_descriptor_rejects_bad_fields),
      cmocka_unit_test(test_points_roundtrip_sizes_threads_blocks),
      cmocka_unit_test(test_mixed_roundtrip_with_arrays_bools_and_gaps),
      cmocka_unit_test(test_packed_and_large_records),
      cmocka_unit_test(test_vector_runs),
      cmocka_unit_test(test_threads_give_identical_batches),
      cmocka_unit_test(test_contiguous_block_and_columns_tensor),
      cmocka_unit_test(test_from_batch_by_name_nulls_and_slices),
      cmocka_unit_test(test_from_batch_rejects_wrong_batches),
      cmocka_unit_test(test_to_batch_rejects_bad_input_and_cleans_up),
      cmocka_unit_test(test_field_views_read_and_write_the_records),
      cmocka_unit_test(test_kernels_match_plain_loops),
      cmocka_unit_test(test_worker_pool_runs_each_index_once),
      cmocka_unit_test(test_conversion_in_a_forked_child),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
