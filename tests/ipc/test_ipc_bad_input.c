// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Hostile and malformed IPC input: truncation, wrong magic, bad flatbuffers, buffers past the
// body, unknown codecs, dictionaries that never arrive, decompressed sizes that lie,
// big-endian schemas; plus the older framing without the continuation marker.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ipc/ipc_support.h"
#include "ipc/message.h"

// A small stream or file of two int32/string columns (and a dictionary column when `dict`).
static zcx_buffer_t* sample(zcx_ipc_format_t format, zcx_ipc_compression_t codec, bool dict,
                            zcx_schema_t** schema_out, zcx_batch_t** batch_out) {
  zcx_error_t err;
  zcx_field_t* f[3];
  int n = 0;
  f[n++] = ts_field("i", ts_type(ZCX_TYPE_INT32), true);
  f[n++] = ts_field("s", ts_type(ZCX_TYPE_STRING), true);
  if (dict) {
    zcx_type_t* idx = ts_type(ZCX_TYPE_INT8);
    zcx_type_t* vt = ts_type(ZCX_TYPE_STRING);
    zcx_type_t* t = NULL;
    assert_int_equal(zcx_type_dictionary(idx, vt, false, &t, &err), 0);
    zcx_type_release(idx);
    zcx_type_release(vt);
    f[n++] = ts_field("d", t, true);
  }
  zcx_schema_t* s = NULL;
  assert_int_equal(zcx_schema_create(f, n, NULL, &s, &err), 0);
  for (int i = 0; i < n; i++) {
    zcx_field_release(f[i]);
  }
  zcx_batch_t* b = ts_make_batch(s, 300, 2);
  zcx_buffer_t* out = ts_write(format, codec, s, &b, 1);
  if (schema_out) {
    *schema_out = s;
  } else {
    zcx_schema_release(s);
  }
  if (batch_out) {
    *batch_out = b;
  } else {
    zcx_batch_release(b);
  }
  return out;
}

// Reads everything; returns the status and the message.
static int read_all(const uint8_t* data, size_t size, char* msg, size_t msg_size) {
  zcx_buffer_t* buf = ts_copy(data, size);
  zcx_error_t err;
  zcx_error_init(&err);
  zcx_batch_t** b = NULL;
  int64_t n = 0;
  int rc = zcx_ipc_read_all(buf, NULL, NULL, &b, &n, &err);
  if (rc == 0) {
    zcx_ipc_batches_free(b, n);
  }
  if (msg) {
    snprintf(msg, msg_size, "%s", err.message);
  }
  zcx_buffer_release(buf);
  return rc;
}

// Positions of the messages of a stream: [i] = start of message i.
typedef struct layout {
  int64_t start[16];
  int64_t meta[16];   // position of the flatbuffer
  int64_t body[16];   // position of the body
  uint8_t type[16];
  int n;
} layout_t;

static layout_t layout_of(zcx_buffer_t* data, int64_t first) {
  layout_t l;
  memset(&l, 0, sizeof(l));
  int64_t pos = first;
  const uint8_t* p = zcx_buffer_data(data);
  for (;;) {
    zcxi_ipc_msg_t m;
    int64_t end;
    bool eos;
    zcx_error_t err;
    assert_int_equal(zcxi_ipc_parse_message(data, pos, zcx_buffer_size(data), "t", &m, &end,
                                            &eos, &err),
                     0);
    if (eos) {
      break;
    }
    l.start[l.n] = pos;
    l.meta[l.n] = m.meta - p;
    l.body[l.n] = zcx_buffer_size(m.body) ? (const uint8_t*)zcx_buffer_data(m.body) - p : end;
    l.type[l.n] = m.header_type;
    l.n++;
    zcxi_ipc_msg_reset(&m);
    pos = end;
    if (pos >= zcx_buffer_size(data) - 8 || l.n == 16) {
      break;
    }
  }
  return l;
}

static void test_truncated_streams_and_files(void** state) {
  (void)state;
  for (int f = 0; f < 2; f++) {
    zcx_buffer_t* out = sample(f ? ZCX_IPC_FILE : ZCX_IPC_STREAM, ZCX_IPC_COMPRESSION_NONE, true,
                               NULL, NULL);
    const uint8_t* p = zcx_buffer_data(out);
    size_t size = (size_t)zcx_buffer_size(out);
    // Every prefix: an error, or (for a stream cut at a message boundary) fewer batches.
    for (size_t n = 0; n < size; n += (n < 64 ? 1 : 7)) {
      char msg[1024];
      int rc = read_all(p, n, msg, sizeof(msg));
      if (f == 1 || n < 16) {
        assert_int_not_equal(rc, 0);
      }
      assert_true(rc == 0 || rc == EINVAL);
    }
    char msg[1024];
    assert_int_equal(read_all(p, size, msg, sizeof(msg)), 0);
    zcx_buffer_release(out);
  }
}

static void test_wrong_magic(void** state) {
  (void)state;
  zcx_buffer_t* out = sample(ZCX_IPC_FILE, ZCX_IPC_COMPRESSION_NONE, false, NULL, NULL);
  size_t size = (size_t)zcx_buffer_size(out);
  uint8_t* p = malloc(size);
  memcpy(p, zcx_buffer_data(out), size);
  p[size - 1] = 'X';
  zcx_buffer_t* b = ts_copy(p, size);
  zcx_ipc_file_reader_t* r = NULL;
  zcx_error_t err;
  assert_int_equal(zcx_ipc_file_reader_open_buffer(b, NULL, &r, &err), EINVAL);
  assert_non_null(strstr(err.message, "magic"));
  assert_null(r);
  zcx_buffer_release(b);
  // Footer length past the start.
  memcpy(p, zcx_buffer_data(out), size);
  int32_t huge = 0x7ffffff0;
  memcpy(p + size - 10, &huge, 4);
  b = ts_copy(p, size);
  assert_int_equal(zcx_ipc_file_reader_open_buffer(b, NULL, &r, &err), EINVAL);
  assert_non_null(strstr(err.message, "footer length"));
  zcx_buffer_release(b);
  // A stream is not a file, and garbage is not a stream.
  b = ts_copy("ARROW1\0\0garbage!", 16);
  assert_int_equal(zcx_ipc_file_reader_open_buffer(b, NULL, &r, &err), EINVAL);
  zcx_buffer_release(b);
  b = ts_copy("\xff\xff\xff\xff\x10\x00\x00\x00garbage!garbage!", 24);
  zcx_ipc_reader_t* sr = NULL;
  assert_int_equal(zcx_ipc_reader_open_buffer(b, NULL, &sr, &err), EINVAL);
  assert_non_null(strstr(err.message, "message 0"));
  assert_null(sr);
  zcx_buffer_release(b);
  free(p);
  zcx_buffer_release(out);
}

static void test_corrupt_flatbuffers_never_crash(void** state) {
  (void)state;
  zcx_buffer_t* out = sample(ZCX_IPC_STREAM, ZCX_IPC_COMPRESSION_NONE, true, NULL, NULL);
  layout_t l = layout_of(out, 0);
  assert_true(l.n >= 3);
  size_t size = (size_t)zcx_buffer_size(out);
  uint8_t* p = malloc(size);
  const uint8_t vals[] = {0x00, 0xff, 0x7f, 0x80, 0x41};
  int rejected = 0;
  for (int m = 0; m < l.n; m++) {
    for (int64_t i = l.meta[m]; i < l.body[m]; i++) {
      for (size_t k = 0; k < sizeof(vals); k++) {
        memcpy(p, zcx_buffer_data(out), size);
        if (p[i] == vals[k]) {
          continue;
        }
        p[i] = vals[k];
        char msg[1024];
        int rc = read_all(p, size, msg, sizeof(msg));
        assert_true(rc == 0 || rc == EINVAL || rc == ENOTSUP || rc == ENOMEM);
        rejected += rc != 0;
      }
    }
  }
  assert_true(rejected > 100);
  free(p);
  zcx_buffer_release(out);
}

// Finds the Buffer entries of the RecordBatch of message `m` in a mutable copy.
static uint8_t* record_batch_buffers(uint8_t* p, const layout_t* l, int m, uint32_t* count) {
  const uint8_t* meta = p + l->meta[m];
  zcxi_fb_table_t root = zcxi_fb_root(meta);
  zcxi_fb_table_t rb;
  assert_true(zcxi_fb_table(root, ZCXI_FB_MSG_HEADER, &rb));
  if (l->type[m] == ZCXI_FBH_DICTIONARY_BATCH) {
    zcxi_fb_table_t data;
    assert_true(zcxi_fb_table(rb, ZCXI_FB_DB_DATA, &data));
    rb = data;
  }
  zcxi_fb_vector_t v;
  assert_true(zcxi_fb_vector(rb, ZCXI_FB_RB_BUFFERS, &v));
  *count = v.len;
  return p + l->meta[m] + v.pos;
}

static void test_buffer_past_the_body(void** state) {
  (void)state;
  zcx_buffer_t* out = sample(ZCX_IPC_STREAM, ZCX_IPC_COMPRESSION_NONE, false, NULL, NULL);
  layout_t l = layout_of(out, 0);
  size_t size = (size_t)zcx_buffer_size(out);
  uint8_t* p = malloc(size);
  memcpy(p, zcx_buffer_data(out), size);
  uint32_t count = 0;
  uint8_t* bufs = record_batch_buffers(p, &l, 1, &count);
  assert_int_equal(count, 5);
  // Buffer 4 (string data) one byte longer than the body allows.
  int64_t off;
  memcpy(&off, bufs + 4 * 16, 8);
  int64_t len = (int64_t)(size - 8) - l.body[1] - off + 1;
  memcpy(bufs + 4 * 16 + 8, &len, 8);
  char msg[1024];
  assert_int_equal(read_all(p, size, msg, sizeof(msg)), EINVAL);
  assert_non_null(strstr(msg, "message 1"));
  assert_non_null(strstr(msg, "field 's'"));
  assert_non_null(strstr(msg, "buffer 4"));
  assert_non_null(strstr(msg, "outside the body"));
  // A negative offset.
  memcpy(p, zcx_buffer_data(out), size);
  int64_t neg = -8;
  memcpy(bufs + 2 * 16, &neg, 8);
  assert_int_equal(read_all(p, size, msg, sizeof(msg)), EINVAL);
  // An offsets buffer that lies about the data (full validation catches it; trusted reads
  // still check the buffer bounds).
  memcpy(p, zcx_buffer_data(out), size);
  int64_t off3;
  memcpy(&off3, bufs + 3 * 16, 8);
  int32_t bad = 1 << 20;
  memcpy(p + l.body[1] + off3 + 4 * 10, &bad, 4);
  assert_int_equal(read_all(p, size, msg, sizeof(msg)), EINVAL);
  assert_non_null(strstr(msg, "message 1"));
  free(p);
  zcx_buffer_release(out);
}

static void test_unknown_codec_and_size_mismatch(void** state) {
  (void)state;
  for (int c = 1; c <= 2; c++) {
    zcx_buffer_t* out = sample(ZCX_IPC_STREAM, (zcx_ipc_compression_t)c, false, NULL, NULL);
    layout_t l = layout_of(out, 0);
    size_t size = (size_t)zcx_buffer_size(out);
    uint8_t* p = malloc(size);
    memcpy(p, zcx_buffer_data(out), size);
    // Unknown codec byte.
    zcxi_fb_table_t root = zcxi_fb_root(p + l.meta[1]);
    zcxi_fb_table_t rb;
    zcxi_fb_table_t comp;
    assert_true(zcxi_fb_table(root, ZCXI_FB_MSG_HEADER, &rb));
    assert_true(zcxi_fb_table(rb, ZCXI_FB_RB_COMPRESSION, &comp));
    uint32_t cp = zcxi_fb_field_pos(comp, ZCXI_FB_COMPRESSION_CODEC);
    assert_int_not_equal(cp, 0);
    p[l.meta[1] + cp] = 9;
    char msg[1024];
    assert_int_equal(read_all(p, size, msg, sizeof(msg)), EINVAL);
    assert_non_null(strstr(msg, "unknown compression codec 9"));
    // Uncompressed length one more (and one less) than the data holds.
    memcpy(p, zcx_buffer_data(out), size);
    uint32_t count;
    uint8_t* bufs = record_batch_buffers(p, &l, 1, &count);
    int64_t off;
    memcpy(&off, bufs + 1 * 16, 8);
    int64_t ulen;
    memcpy(&ulen, p + l.body[1] + off, 8);
    assert_int_equal(ulen, 300 * 4);
    for (int d = -1; d <= 1; d += 2) {
      int64_t wrong = ulen + d;
      memcpy(p + l.body[1] + off, &wrong, 8);
      assert_int_equal(read_all(p, size, msg, sizeof(msg)), EINVAL);
      assert_non_null(strstr(msg, "buffer 1"));
    }
    int64_t negative = -7;
    memcpy(p + l.body[1] + off, &negative, 8);
    assert_int_equal(read_all(p, size, msg, sizeof(msg)), EINVAL);
    free(p);
    zcx_buffer_release(out);
  }
}

static void test_dictionary_before_it_arrives(void** state) {
  (void)state;
  zcx_buffer_t* out = sample(ZCX_IPC_STREAM, ZCX_IPC_COMPRESSION_NONE, true, NULL, NULL);
  layout_t l = layout_of(out, 0);
  assert_int_equal(l.type[1], ZCXI_FBH_DICTIONARY_BATCH);
  // Cut the dictionary message out.
  size_t size = (size_t)zcx_buffer_size(out);
  const uint8_t* src = zcx_buffer_data(out);
  size_t cut = (size_t)(l.start[2] - l.start[1]);
  uint8_t* p = malloc(size);
  memcpy(p, src, (size_t)l.start[1]);
  memcpy(p + l.start[1], src + l.start[2], size - (size_t)l.start[2]);
  char msg[1024];
  assert_int_equal(read_all(p, size - cut, msg, sizeof(msg)), EINVAL);
  assert_non_null(strstr(msg, "dictionary id"));
  assert_non_null(strstr(msg, "before it arrives"));
  assert_non_null(strstr(msg, "field 'd'"));
  // A dictionary batch for an id no field uses.
  memcpy(p, src, size);
  zcxi_fb_table_t root = zcxi_fb_root(p + l.meta[1]);
  zcxi_fb_table_t db;
  assert_true(zcxi_fb_table(root, ZCXI_FB_MSG_HEADER, &db));
  uint32_t ip = zcxi_fb_field_pos(db, ZCXI_FB_DB_ID);
  int64_t other = 12345;
  memcpy(p + l.meta[1] + ip, &other, 8);
  assert_int_equal(read_all(p, size, msg, sizeof(msg)), EINVAL);
  assert_non_null(strstr(msg, "no field uses"));
  free(p);
  zcx_buffer_release(out);
}

static void test_big_endian_schema_refused(void** state) {
  (void)state;
  zcx_buffer_t* out = sample(ZCX_IPC_STREAM, ZCX_IPC_COMPRESSION_NONE, false, NULL, NULL);
  layout_t l = layout_of(out, 0);
  size_t size = (size_t)zcx_buffer_size(out);
  uint8_t* p = malloc(size);
  memcpy(p, zcx_buffer_data(out), size);
  zcxi_fb_table_t root = zcxi_fb_root(p + l.meta[0]);
  zcxi_fb_table_t schema;
  assert_true(zcxi_fb_table(root, ZCXI_FB_MSG_HEADER, &schema));
  uint32_t ep = zcxi_fb_field_pos(schema, ZCXI_FB_SCHEMA_ENDIANNESS);
  assert_int_not_equal(ep, 0);
  p[l.meta[0] + ep] = 1;
  char msg[1024];
  assert_int_equal(read_all(p, size, msg, sizeof(msg)), ENOTSUP);
  assert_non_null(strstr(msg, "big-endian not supported"));
  free(p);
  zcx_buffer_release(out);
}

static void test_legacy_framing_without_marker(void** state) {
  (void)state;
  zcx_schema_t* s = NULL;
  zcx_batch_t* b = NULL;
  zcx_buffer_t* out = sample(ZCX_IPC_STREAM, ZCX_IPC_COMPRESSION_NONE, true, &s, &b);
  layout_t l = layout_of(out, 0);
  // Rewrite every message as <int32 length><metadata><body>, and end with a 0 length.
  size_t size = (size_t)zcx_buffer_size(out);
  const uint8_t* src = zcx_buffer_data(out);
  uint8_t* p = malloc(size);
  size_t n = 0;
  for (int m = 0; m < l.n; m++) {
    int64_t end = m + 1 < l.n ? l.start[m + 1] : (int64_t)size - 8;
    memcpy(p + n, src + l.start[m] + 4, (size_t)(end - l.start[m] - 4));
    n += (size_t)(end - l.start[m] - 4);
  }
  memset(p + n, 0, 4);
  n += 4;
  // The bodies are now 4 bytes off their alignment: buffers are copied, values intact.
  zcx_buffer_t* buf = ts_copy(p, n);
  zcx_ipc_reader_t* r = NULL;
  zcx_error_t err;
  assert_int_equal(zcx_ipc_reader_open_buffer(buf, NULL, &r, &err), 0);
  zcx_batch_t* got = NULL;
  assert_int_equal(zcx_ipc_reader_next(r, &got, &err), 0);
  assert_non_null(got);
  assert_true(zcx_batch_equal(got, b, NULL));
  zcx_batch_release(got);
  assert_int_equal(zcx_ipc_reader_next(r, &got, &err), 0);
  assert_null(got);
  zcx_ipc_reader_destroy(r);
  zcx_buffer_release(buf);
  free(p);
  zcx_buffer_release(out);
  zcx_batch_release(b);
  zcx_schema_release(s);
}

static void test_bad_arguments(void** state) {
  (void)state;
  zcx_error_t err;
  zcx_ipc_reader_t* r = NULL;
  assert_int_equal(zcx_ipc_reader_open_buffer(NULL, NULL, &r, &err), EINVAL);
  assert_int_equal(zcx_ipc_reader_open_fd(-1, NULL, &r, &err), EINVAL);
  zcx_ipc_file_reader_t* fr = NULL;
  assert_int_equal(zcx_ipc_file_reader_open_path("/nonexistent/zcx.arrow", NULL, &fr, &err),
                   ENOENT);
  assert_non_null(strstr(err.message, "/nonexistent/zcx.arrow"));
  zcx_ipc_writer_t* w = NULL;
  assert_int_equal(zcx_ipc_writer_create(ZCX_IPC_STREAM, NULL, NULL, &w, &err), EINVAL);
  zcx_schema_t* s = NULL;
  assert_int_equal(zcx_schema_create(NULL, 0, NULL, &s, &err), 0);
  zcx_ipc_write_options_t opts;
  zcx_ipc_write_options_init(&opts);
  opts.compression = (zcx_ipc_compression_t)7;
  assert_int_equal(zcx_ipc_writer_create(ZCX_IPC_STREAM, s, &opts, &w, &err), EINVAL);
  assert_int_equal(zcx_ipc_writer_create((zcx_ipc_format_t)5, s, NULL, &w, &err), EINVAL);
  assert_int_equal(zcx_ipc_writer_create_path(ZCX_IPC_FILE, "/nonexistent/dir/x.arrow", s, NULL,
                                              &w, &err),
                   ENOENT);
  // A batch of another schema is refused.
  assert_int_equal(zcx_ipc_writer_create(ZCX_IPC_STREAM, s, NULL, &w, &err), 0);
  zcx_schema_t* other = ts_all_types_schema();
  zcx_batch_t* b = ts_make_batch(other, 2, 0);
  assert_int_equal(zcx_ipc_writer_write(w, b, NULL, &err), EINVAL);
  zcx_buffer_t* none = NULL;
  assert_int_equal(zcx_ipc_writer_take_buffer(w, &none, &err), EINVAL);  // not finished
  zcx_ipc_writer_destroy(w);
  zcx_batch_release(b);
  zcx_schema_release(other);
  // An empty schema writes and reads back.
  zcx_buffer_t* out = ts_write(ZCX_IPC_FILE, ZCX_IPC_COMPRESSION_NONE, s, NULL, 0);
  zcx_batch_t** got = NULL;
  int64_t n = 5;
  zcx_schema_t* back = NULL;
  assert_int_equal(zcx_ipc_read_all(out, NULL, &back, &got, &n, &err), 0);
  assert_int_equal(n, 0);
  assert_int_equal(back->num_fields, 0);
  zcx_ipc_batches_free(got, n);
  zcx_schema_release(back);
  zcx_buffer_release(out);
  zcx_schema_release(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_truncated_streams_and_files),
      cmocka_unit_test(test_wrong_magic),
      cmocka_unit_test(test_corrupt_flatbuffers_never_crash),
      cmocka_unit_test(test_buffer_past_the_body),
      cmocka_unit_test(test_unknown_codec_and_size_mismatch),
      cmocka_unit_test(test_dictionary_before_it_arrives),
      cmocka_unit_test(test_big_endian_schema_refused),
      cmocka_unit_test(test_legacy_framing_without_marker),
      cmocka_unit_test(test_bad_arguments),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
