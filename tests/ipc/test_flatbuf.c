// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Tests of src/ipc/flatbuf*.c: builder output read back, and hostile buffers rejected.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ipc/arrow_fbs.h"
#include "ipc/flatbuf.h"

// A copy of a finished buffer in 8-byte aligned memory the test may corrupt.
typedef struct owned {
  uint8_t* data;
  size_t size;
} owned_t;

static owned_t finish_copy(zcxi_fbb_t* b, zcxi_fb_ref_t root) {
  const uint8_t* data = NULL;
  size_t size = 0;
  zcx_error_t err;
  assert_int_equal(zcxi_fbb_finish(b, root, &data, &size, &err), 0);
  assert_int_equal(size % 8, 0);
  assert_true(((uintptr_t)data & 7) == 0);
  owned_t o = {aligned_alloc(8, (size + 7) & ~(size_t)7), size};
  assert_non_null(o.data);
  memcpy(o.data, data, size);
  zcxi_fbb_reset(b);
  return o;
}

static zcxi_fb_ref_t kv(zcxi_fbb_t* b, const char* k, const char* v) {
  zcxi_fb_ref_t ks = zcxi_fbb_string(b, k, strlen(k));
  zcxi_fb_ref_t vs = zcxi_fbb_string(b, v, strlen(v));
  zcxi_fbb_table_start(b);
  zcxi_fbb_add_ref(b, ZCXI_FB_KV_KEY, ks);
  zcxi_fbb_add_ref(b, ZCXI_FB_KV_VALUE, vs);
  return zcxi_fbb_table_end(b);
}

// A Field of type Int(bit_width, signed) with the given children.
static zcxi_fb_ref_t int_field(zcxi_fbb_t* b, const char* name, int32_t bits,
                               const zcxi_fb_ref_t* children, size_t n) {
  zcxi_fb_ref_t nm = zcxi_fbb_string(b, name, strlen(name));
  zcxi_fbb_table_start(b);
  zcxi_fbb_add_i32(b, ZCXI_FB_INT_BIT_WIDTH, bits);
  zcxi_fbb_add_u8(b, ZCXI_FB_INT_IS_SIGNED, 1);
  zcxi_fb_ref_t type = zcxi_fbb_table_end(b);
  zcxi_fb_ref_t ch = zcxi_fbb_ref_vector(b, children, n);
  zcxi_fbb_table_start(b);
  zcxi_fbb_add_ref(b, ZCXI_FB_FIELD_NAME, nm);
  zcxi_fbb_add_u8(b, ZCXI_FB_FIELD_NULLABLE, 1);
  zcxi_fbb_add_u8(b, ZCXI_FB_FIELD_TYPE_TYPE, ZCXI_FBT_INT);
  zcxi_fbb_add_ref(b, ZCXI_FB_FIELD_TYPE, type);
  zcxi_fbb_add_ref(b, ZCXI_FB_FIELD_CHILDREN, ch);
  return zcxi_fbb_table_end(b);
}

// Message{version V5, header Schema{fields, metadata}, bodyLength 4096}.
static zcxi_fb_ref_t schema_message(zcxi_fbb_t* b, const zcxi_fb_ref_t* fields, size_t n) {
  zcxi_fb_ref_t fv = zcxi_fbb_ref_vector(b, fields, n);
  zcxi_fb_ref_t md[2] = {kv(b, "k1", "v1"), kv(b, "key two", "")};
  zcxi_fb_ref_t mdv = zcxi_fbb_ref_vector(b, md, 2);
  int64_t features[1] = {2};
  zcxi_fb_ref_t feat = zcxi_fbb_vector(b, features, 8, 1, 8);
  zcxi_fbb_table_start(b);
  zcxi_fbb_add_ref(b, ZCXI_FB_SCHEMA_FIELDS, fv);
  zcxi_fbb_add_ref(b, ZCXI_FB_SCHEMA_METADATA, mdv);
  zcxi_fbb_add_ref(b, ZCXI_FB_SCHEMA_FEATURES, feat);
  zcxi_fb_ref_t schema = zcxi_fbb_table_end(b);
  zcxi_fbb_table_start(b);
  zcxi_fbb_add_i16(b, ZCXI_FB_MSG_VERSION, ZCXI_FB_METADATA_V5);
  zcxi_fbb_add_u8(b, ZCXI_FB_MSG_HEADER_TYPE, ZCXI_FBH_SCHEMA);
  zcxi_fbb_add_ref(b, ZCXI_FB_MSG_HEADER, schema);
  zcxi_fbb_add_i64(b, ZCXI_FB_MSG_BODY_LENGTH, 4096);
  return zcxi_fbb_table_end(b);
}

static owned_t sample(void) {
  zcxi_fbb_t b;
  zcxi_fbb_init(&b);
  zcxi_fb_ref_t leaf = int_field(&b, "leaf", 16, NULL, 0);
  zcxi_fb_ref_t f[2] = {int_field(&b, "a", 32, &leaf, 1), int_field(&b, "", 64, NULL, 0)};
  zcxi_fb_ref_t root = schema_message(&b, f, 2);
  return finish_copy(&b, root);
}

static int verify(const owned_t* o) {
  zcx_error_t err;
  zcx_error_init(&err);
  return zcxi_fb_verify(o->data, o->size, &zcxi_fbs_message, "test", &err);
}

static void test_build_and_read_back(void** state) {
  (void)state;
  owned_t o = sample();
  zcx_error_t err;
  assert_int_equal(zcxi_fb_verify(o.data, o.size, &zcxi_fbs_message, "test", &err), 0);
  zcxi_fb_table_t msg = zcxi_fb_root(o.data);
  assert_int_equal(zcxi_fb_i16(msg, ZCXI_FB_MSG_VERSION, 0), ZCXI_FB_METADATA_V5);
  assert_int_equal(zcxi_fb_u8(msg, ZCXI_FB_MSG_HEADER_TYPE, 0), ZCXI_FBH_SCHEMA);
  assert_int_equal(zcxi_fb_i64(msg, ZCXI_FB_MSG_BODY_LENGTH, 0), 4096);
  assert_false(zcxi_fb_has(msg, ZCXI_FB_MSG_METADATA));
  assert_int_equal(zcxi_fb_i64(msg, 17, -5), -5);  // beyond the vtable: default
  zcxi_fb_table_t schema;
  assert_true(zcxi_fb_table(msg, ZCXI_FB_MSG_HEADER, &schema));
  assert_int_equal(zcxi_fb_i16(schema, ZCXI_FB_SCHEMA_ENDIANNESS, 0), 0);
  zcxi_fb_vector_t fields;
  assert_true(zcxi_fb_vector(schema, ZCXI_FB_SCHEMA_FIELDS, &fields));
  assert_int_equal(fields.len, 2);
  zcxi_fb_table_t a = zcxi_fb_vector_table(fields, 0);
  const char* s;
  uint32_t len;
  assert_true(zcxi_fb_string(a, ZCXI_FB_FIELD_NAME, &s, &len));
  assert_int_equal(len, 1);
  assert_memory_equal(s, "a", 2);
  assert_true(zcxi_fb_bool(a, ZCXI_FB_FIELD_NULLABLE, false));
  zcxi_fb_table_t type;
  assert_true(zcxi_fb_table(a, ZCXI_FB_FIELD_TYPE, &type));
  assert_int_equal(zcxi_fb_i32(type, ZCXI_FB_INT_BIT_WIDTH, 0), 32);
  zcxi_fb_vector_t children;
  assert_true(zcxi_fb_vector(a, ZCXI_FB_FIELD_CHILDREN, &children));
  assert_int_equal(children.len, 1);
  zcxi_fb_table_t leaf = zcxi_fb_vector_table(children, 0);
  assert_true(zcxi_fb_string(leaf, ZCXI_FB_FIELD_NAME, &s, &len));
  assert_string_equal(s, "leaf");
  zcxi_fb_table_t second = zcxi_fb_vector_table(fields, 1);
  assert_true(zcxi_fb_string(second, ZCXI_FB_FIELD_NAME, &s, &len));
  assert_int_equal(len, 0);
  assert_string_equal(s, "");
  zcxi_fb_vector_t md;
  assert_true(zcxi_fb_vector(schema, ZCXI_FB_SCHEMA_METADATA, &md));
  assert_int_equal(md.len, 2);
  assert_true(zcxi_fb_string(zcxi_fb_vector_table(md, 1), ZCXI_FB_KV_KEY, &s, &len));
  assert_string_equal(s, "key two");
  zcxi_fb_vector_t feat;
  assert_true(zcxi_fb_vector(schema, ZCXI_FB_SCHEMA_FEATURES, &feat));
  assert_int_equal(feat.len, 1);
  assert_int_equal(zcxi_fb_rd_i64(zcxi_fb_vector_elem(feat, 0, 8)), 2);
  assert_true(((feat.pos) & 7) == 0);
  free(o.data);
}

static void test_truncations_and_bit_flips_never_crash(void** state) {
  (void)state;
  owned_t o = sample();
  // Every prefix: rejected or accepted, never read out of bounds (checked under ASan: the
  // copy is exactly n bytes long).
  for (size_t n = 0; n < o.size; n++) {
    uint8_t* p = malloc(n ? n : 1);
    memcpy(p, o.data, n);
    zcx_error_t err;
    int rc = zcxi_fb_verify(p, n, &zcxi_fbs_message, "prefix", &err);
    assert_true(rc == 0 || rc == EINVAL);
    if (n < 8) {
      assert_int_equal(rc, EINVAL);
    }
    free(p);
  }
  // Every byte set to a few hostile values.
  const uint8_t vals[] = {0x00, 0xff, 0x7f, 0x80, 0x01, 0x03};
  for (size_t i = 0; i < o.size; i++) {
    for (size_t k = 0; k < sizeof(vals); k++) {
      uint8_t* p = malloc(o.size);
      memcpy(p, o.data, o.size);
      p[i] = vals[k];
      owned_t c = {p, o.size};
      int rc = verify(&c);
      if (rc == 0) {
        // Accepted buffers must be fully readable.
        zcxi_fb_table_t msg = zcxi_fb_root(p);
        zcxi_fb_table_t schema;
        if (zcxi_fb_u8(msg, ZCXI_FB_MSG_HEADER_TYPE, 0) == ZCXI_FBH_SCHEMA &&
            zcxi_fb_table(msg, ZCXI_FB_MSG_HEADER, &schema)) {
          zcxi_fb_vector_t fields;
          if (zcxi_fb_vector(schema, ZCXI_FB_SCHEMA_FIELDS, &fields)) {
            for (uint32_t j = 0; j < fields.len; j++) {
              const char* s;
              uint32_t len;
              zcxi_fb_table_t f = zcxi_fb_vector_table(fields, j);
              if (zcxi_fb_string(f, ZCXI_FB_FIELD_NAME, &s, &len)) {
                assert_int_equal(s[len], 0);
              }
            }
          }
        }
      } else {
        assert_int_equal(rc, EINVAL);
      }
      free(p);
    }
  }
  free(o.data);
}

static void test_hostile_offsets(void** state) {
  (void)state;
  owned_t o = sample();
  zcx_error_t err;
  uint32_t root = zcxi_fb_rd_u32(o.data);
  // Root offset past the end.
  uint32_t big = (uint32_t)o.size;
  memcpy(o.data, &big, 4);
  assert_int_equal(zcxi_fb_verify(o.data, o.size, &zcxi_fbs_message, "m", &err), EINVAL);
  assert_non_null(strstr(err.message, "offset points past the end"));
  // Unaligned root table.
  uint32_t odd = root + 1;
  memcpy(o.data, &odd, 4);
  assert_int_equal(zcxi_fb_verify(o.data, o.size, &zcxi_fbs_message, "m", &err), EINVAL);
  assert_non_null(strstr(err.message, "unaligned"));
  memcpy(o.data, &root, 4);
  assert_int_equal(verify(&o), 0);
  zcxi_fb_table_t msg = zcxi_fb_root(o.data);
  // The vtable points at the table itself (soffset 0): a "loop" that reads as size 0.
  int32_t soff;
  memcpy(&soff, o.data + msg.pos, 4);
  int32_t zero = 0;
  memcpy(o.data + msg.pos, &zero, 4);
  assert_int_equal(zcxi_fb_verify(o.data, o.size, &zcxi_fbs_message, "m", &err), EINVAL);
  assert_non_null(strstr(err.message, "vtable"));
  // The vtable before the buffer's start.
  int32_t far = (int32_t)msg.pos + 64;
  memcpy(o.data + msg.pos, &far, 4);
  assert_int_equal(zcxi_fb_verify(o.data, o.size, &zcxi_fbs_message, "m", &err), EINVAL);
  // Past the end.
  far = -(int32_t)o.size;
  memcpy(o.data + msg.pos, &far, 4);
  assert_int_equal(zcxi_fb_verify(o.data, o.size, &zcxi_fbs_message, "m", &err), EINVAL);
  memcpy(o.data + msg.pos, &soff, 4);
  assert_int_equal(verify(&o), 0);
  // Vtable too short, odd, and too long for the buffer.
  uint16_t vts = zcxi_fb_rd_u16(o.data + msg.vt);
  uint16_t bad = 2;
  memcpy(o.data + msg.vt, &bad, 2);
  assert_int_equal(zcxi_fb_verify(o.data, o.size, &zcxi_fbs_message, "m", &err), EINVAL);
  assert_non_null(strstr(err.message, "bad vtable size"));
  bad = 5;
  memcpy(o.data + msg.vt, &bad, 2);
  assert_int_equal(verify(&o), EINVAL);
  bad = 0xfffe;
  memcpy(o.data + msg.vt, &bad, 2);
  assert_int_equal(verify(&o), EINVAL);
  memcpy(o.data + msg.vt, &vts, 2);
  // Table size past the end; a field offset outside the table.
  uint16_t tsz = zcxi_fb_rd_u16(o.data + msg.vt + 2);
  bad = 0xfff0;
  memcpy(o.data + msg.vt + 2, &bad, 2);
  assert_int_equal(zcxi_fb_verify(o.data, o.size, &zcxi_fbs_message, "m", &err), EINVAL);
  assert_non_null(strstr(err.message, "table size"));
  memcpy(o.data + msg.vt + 2, &tsz, 2);
  uint16_t fo = zcxi_fb_rd_u16(o.data + msg.vt + 4 + 2 * ZCXI_FB_MSG_BODY_LENGTH);
  uint16_t outside = (uint16_t)(tsz - 4);
  memcpy(o.data + msg.vt + 4 + 2 * ZCXI_FB_MSG_BODY_LENGTH, &outside, 2);
  assert_int_equal(zcxi_fb_verify(o.data, o.size, &zcxi_fbs_message, "m", &err), EINVAL);
  assert_non_null(strstr(err.message, "outside its table"));
  memcpy(o.data + msg.vt + 4 + 2 * ZCXI_FB_MSG_BODY_LENGTH, &fo, 2);
  assert_int_equal(verify(&o), 0);
  free(o.data);
}

static void test_hostile_vectors_strings_unions(void** state) {
  (void)state;
  owned_t o = sample();
  zcx_error_t err;
  zcxi_fb_table_t msg = zcxi_fb_root(o.data);
  zcxi_fb_table_t schema;
  assert_true(zcxi_fb_table(msg, ZCXI_FB_MSG_HEADER, &schema));
  zcxi_fb_vector_t fields;
  assert_true(zcxi_fb_vector(schema, ZCXI_FB_SCHEMA_FIELDS, &fields));
  // Huge vector length.
  uint32_t len_pos = fields.pos - 4;
  uint32_t huge = 0xffffffffu;
  memcpy(o.data + len_pos, &huge, 4);
  assert_int_equal(zcxi_fb_verify(o.data, o.size, &zcxi_fbs_message, "m", &err), EINVAL);
  assert_non_null(strstr(err.message, "vector runs past the end"));
  huge = 2;
  memcpy(o.data + len_pos, &huge, 4);
  assert_int_equal(verify(&o), 0);
  // String without its terminator, string length past the end.
  zcxi_fb_table_t a = zcxi_fb_vector_table(fields, 0);
  const char* s;
  uint32_t len;
  assert_true(zcxi_fb_string(a, ZCXI_FB_FIELD_NAME, &s, &len));
  size_t nul = (size_t)((const uint8_t*)s - o.data) + len;
  o.data[nul] = 'x';
  assert_int_equal(zcxi_fb_verify(o.data, o.size, &zcxi_fbs_message, "m", &err), EINVAL);
  assert_non_null(strstr(err.message, "string"));
  o.data[nul] = 0;
  uint32_t slen = 0x7fffffff;
  memcpy(o.data + (s - (const char*)o.data) - 4, &slen, 4);
  assert_int_equal(verify(&o), EINVAL);
  memcpy(o.data + (s - (const char*)o.data) - 4, &len, 4);
  assert_int_equal(verify(&o), 0);
  // Union: unknown member type accepted (left unread), type NONE with a value rejected.
  uint32_t tp = zcxi_fb_field_pos(msg, ZCXI_FB_MSG_HEADER_TYPE);
  o.data[tp] = 99;
  assert_int_equal(verify(&o), 0);
  o.data[tp] = 0;
  assert_int_equal(zcxi_fb_verify(o.data, o.size, &zcxi_fbs_message, "m", &err), EINVAL);
  assert_non_null(strstr(err.message, "union"));
  // A union member of the wrong kind: the Schema read as a RecordBatch still verifies only
  // within bounds (its fields are read as other kinds).
  o.data[tp] = ZCXI_FBH_RECORD_BATCH;
  int rc = verify(&o);
  assert_true(rc == 0 || rc == EINVAL);
  free(o.data);
}

static void test_depth_and_table_limits(void** state) {
  (void)state;
  zcxi_fbb_t b;
  zcxi_fbb_init(&b);
  // Fields nested deeper than the limit.
  zcxi_fb_ref_t f = int_field(&b, "x", 8, NULL, 0);
  for (int i = 0; i < ZCXI_FB_MAX_DEPTH; i++) {
    f = int_field(&b, "x", 8, &f, 1);
  }
  owned_t o = finish_copy(&b, schema_message(&b, &f, 1));
  zcx_error_t err;
  assert_int_equal(zcxi_fb_verify(o.data, o.size, &zcxi_fbs_message, "deep", &err), EINVAL);
  assert_non_null(strstr(err.message, "nested too deeply"));
  assert_non_null(strstr(err.message, "deep:"));
  free(o.data);
  // Shared children: 40 levels of [prev, prev] is 2^40 visits.
  zcxi_fbb_init(&b);
  f = int_field(&b, "x", 8, NULL, 0);
  for (int i = 0; i < 40; i++) {
    zcxi_fb_ref_t two[2] = {f, f};
    f = int_field(&b, "x", 8, two, 2);
  }
  o = finish_copy(&b, schema_message(&b, &f, 1));
  assert_int_equal(zcxi_fb_verify(o.data, o.size, &zcxi_fbs_message, "dag", &err), EINVAL);
  assert_non_null(strstr(err.message, "too many tables"));
  free(o.data);
  // Within the limits it verifies.
  zcxi_fbb_init(&b);
  f = int_field(&b, "x", 8, NULL, 0);
  for (int i = 0; i < 10; i++) {
    zcxi_fb_ref_t two[2] = {f, f};
    f = int_field(&b, "x", 8, two, 2);
  }
  o = finish_copy(&b, schema_message(&b, &f, 1));
  assert_int_equal(verify(&o), 0);
  free(o.data);
}

static void test_unaligned_fields_rejected(void** state) {
  (void)state;
  owned_t o = sample();
  zcx_error_t err;
  zcxi_fb_table_t msg = zcxi_fb_root(o.data);
  // Move the int64 bodyLength field by 4 bytes inside the table.
  uint32_t e = msg.vt + 4 + 2 * ZCXI_FB_MSG_BODY_LENGTH;
  uint16_t fo = zcxi_fb_rd_u16(o.data + e);
  uint16_t moved = (uint16_t)(fo >= 8 ? fo - 4 : fo + 4);
  memcpy(o.data + e, &moved, 2);
  assert_int_equal(zcxi_fb_verify(o.data, o.size, &zcxi_fbs_message, "m", &err), EINVAL);
  assert_non_null(strstr(err.message, "unaligned field"));
  memcpy(o.data + e, &fo, 2);
  // A buffer that is too short or NULL.
  assert_int_equal(zcxi_fb_verify(o.data, 4, &zcxi_fbs_message, "m", &err), EINVAL);
  assert_int_equal(zcxi_fb_verify(NULL, 64, &zcxi_fbs_message, "m", &err), EINVAL);
  free(o.data);
}

static void test_builder_misuse_and_vectors(void** state) {
  (void)state;
  zcxi_fbb_t b;
  zcxi_fbb_init(&b);
  zcx_error_t err;
  const uint8_t* data;
  size_t size;
  // A ref added outside a table is misuse, reported at finish.
  zcxi_fbb_add_ref(&b, 0, 4);
  assert_int_equal(zcxi_fbb_finish(&b, 4, &data, &size, &err), EINVAL);
  zcxi_fbb_reset(&b);
  // Unfinished table.
  zcxi_fbb_table_start(&b);
  assert_int_equal(zcxi_fbb_finish(&b, 4, &data, &size, &err), EINVAL);
  zcxi_fbb_reset(&b);
  // A large vector of structs (forces the buffer to grow) reads back aligned and intact.
  int64_t* nodes = malloc(2 * 5000 * sizeof(int64_t));
  for (int i = 0; i < 10000; i++) {
    nodes[i] = i * 3;
  }
  zcxi_fb_ref_t nv = zcxi_fbb_vector(&b, nodes, 16, 5000, 8);
  zcxi_fbb_table_start(&b);
  zcxi_fbb_add_i64(&b, ZCXI_FB_RB_LENGTH, 77);
  zcxi_fbb_add_ref(&b, ZCXI_FB_RB_NODES, nv);
  zcxi_fb_ref_t rb = zcxi_fbb_table_end(&b);
  zcxi_fbb_table_start(&b);
  zcxi_fbb_add_u8(&b, ZCXI_FB_MSG_HEADER_TYPE, ZCXI_FBH_RECORD_BATCH);
  zcxi_fbb_add_ref(&b, ZCXI_FB_MSG_HEADER, rb);
  owned_t o = finish_copy(&b, zcxi_fbb_table_end(&b));
  assert_int_equal(verify(&o), 0);
  zcxi_fb_table_t msg = zcxi_fb_root(o.data);
  zcxi_fb_table_t t;
  assert_true(zcxi_fb_table(msg, ZCXI_FB_MSG_HEADER, &t));
  assert_int_equal(zcxi_fb_i64(t, ZCXI_FB_RB_LENGTH, 0), 77);
  zcxi_fb_vector_t v;
  assert_true(zcxi_fb_vector(t, ZCXI_FB_RB_NODES, &v));
  assert_int_equal(v.len, 5000);
  assert_memory_equal(zcxi_fb_vector_elem(v, 0, 16), nodes, 16 * 5000);
  free(nodes);
  free(o.data);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_build_and_read_back),
      cmocka_unit_test(test_truncations_and_bit_flips_never_crash),
      cmocka_unit_test(test_hostile_offsets),
      cmocka_unit_test(test_hostile_vectors_strings_unions),
      cmocka_unit_test(test_depth_and_table_limits),
      cmocka_unit_test(test_unaligned_fields_rejected),
      cmocka_unit_test(test_builder_misuse_and_vectors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
