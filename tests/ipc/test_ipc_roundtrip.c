// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Round trips through the IPC writers and readers: every type, slices, compression,
// dictionaries (deltas, replacement, sharing), metadata, mapped files, descriptors.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ipc/message.h"
#include "ipc/ipc_support.h"

static void assert_batches_equal(zcx_batch_t* a, zcx_batch_t* b) {
  zcx_error_t why;
  zcx_error_init(&why);
  if (!zcx_batch_equal(a, b, &why)) {
    fail_msg("batches differ: %s", why.message);
  }
}

// Reads every batch of `data` and checks them against `expect`.
static void read_and_compare(zcx_buffer_t* data, zcx_schema_t* schema, zcx_batch_t* const* expect,
                             int n) {
  zcx_error_t err;
  zcx_error_init(&err);
  zcx_schema_t* s = NULL;
  zcx_batch_t** got = NULL;
  int64_t count = 0;
  if (zcx_ipc_read_all(data, NULL, &s, &got, &count, &err) != 0) {
    fail_msg("read back: %s", err.message);
  }
  assert_int_equal(count, n);
  assert_true(zcx_schema_equal(s, schema));
  for (int i = 0; i < n; i++) {
    assert_batches_equal(got[i], expect[i]);
  }
  zcx_ipc_batches_free(got, count);
  zcx_schema_release(s);
}

static void test_every_type_every_format_and_codec(void** state) {
  (void)state;
  zcx_schema_t* schema = ts_all_types_schema();
  zcx_batch_t* batches[3] = {ts_make_batch(schema, 37, 0), ts_make_batch(schema, 0, 0),
                             ts_make_batch(schema, 100, 0)};
  const zcx_ipc_compression_t codecs[3] = {ZCX_IPC_COMPRESSION_NONE,
                                           ZCX_IPC_COMPRESSION_LZ4_FRAME,
                                           ZCX_IPC_COMPRESSION_ZSTD};
  for (int f = 0; f < 2; f++) {
    for (int c = 0; c < 3; c++) {
      zcx_buffer_t* out = ts_write(f ? ZCX_IPC_FILE : ZCX_IPC_STREAM, codecs[c], schema, batches, 3);
      assert_int_equal(zcx_buffer_size(out) % 8, f ? 2 : 0);  // a file ends with "ARROW1"
      read_and_compare(out, schema, batches, 3);
      zcx_buffer_release(out);
    }
  }
  for (int i = 0; i < 3; i++) {
    zcx_batch_release(batches[i]);
  }
  zcx_schema_release(schema);
}

static void test_slices_are_written_as_their_elements(void** state) {
  (void)state;
  zcx_error_t err;
  zcx_schema_t* schema = ts_all_types_schema();
  zcx_batch_t* full = ts_make_batch(schema, 61, 1);
  const int64_t cuts[][2] = {{3, 20}, {8, 16}, {1, 0}, {0, 61}, {13, 48}};
  for (size_t k = 0; k < sizeof(cuts) / sizeof(cuts[0]); k++) {
    zcx_batch_t* s = NULL;
    assert_int_equal(zcx_batch_slice(full, cuts[k][0], cuts[k][1], &s, &err), 0);
    for (int f = 0; f < 2; f++) {
      zcx_buffer_t* out =
          ts_write(f ? ZCX_IPC_FILE : ZCX_IPC_STREAM, ZCX_IPC_COMPRESSION_NONE, schema, &s, 1);
      read_and_compare(out, schema, &s, 1);
      zcx_buffer_release(out);
    }
    zcx_batch_release(s);
  }
  zcx_batch_release(full);
  zcx_schema_release(schema);
}

// A schema of one dictionary<int32, string> column "d" (id 7) and a second column "e" that
// shares the dictionary.
static zcx_schema_t* dict_schema(void) {
  zcx_error_t err;
  zcx_type_t* idx = ts_type(ZCX_TYPE_INT32);
  zcx_type_t* vt = ts_type(ZCX_TYPE_STRING);
  zcx_type_t* t = NULL;
  assert_int_equal(zcx_type_dictionary(idx, vt, true, &t, &err), 0);
  zcx_type_release(idx);
  zcx_type_release(vt);
  zcx_type_retain(t);
  zcx_field_t* d = ts_field("d", t, true);
  zcx_field_t* e = ts_field("e", t, true);
  zcx_field_t* f[2];
  assert_int_equal(zcx_field_with_dictionary_id(d, 7, &f[0], &err), 0);
  assert_int_equal(zcx_field_with_dictionary_id(e, 7, &f[1], &err), 0);
  zcx_field_release(d);
  zcx_field_release(e);
  zcx_schema_t* s = NULL;
  assert_int_equal(zcx_schema_create(f, 2, NULL, &s, &err), 0);
  zcx_field_release(f[0]);
  zcx_field_release(f[1]);
  return s;
}

// A batch of `rows` indices i % ndict into the dictionary "w0".."w{ndict-1}" (prefixed).
static zcx_batch_t* dict_batch(zcx_schema_t* s, int64_t rows, int ndict, const char* prefix) {
  zcx_error_t err;
  zcx_builder_t* b = NULL;
  assert_int_equal(zcx_builder_create(s->fields[0]->type, NULL, &b, &err), 0);
  zcx_builder_t* d = zcx_builder_dictionary(b);
  for (int k = 0; k < ndict; k++) {
    char v[32];
    int n = snprintf(v, sizeof(v), "%s%d", prefix, k);
    assert_int_equal(zcx_builder_append_bytes(d, v, n, &err), 0);
  }
  for (int64_t i = 0; i < rows; i++) {
    if (i % 4 == 2) {
      assert_int_equal(zcx_builder_append_null(b, 1, &err), 0);
    } else {
      assert_int_equal(zcx_builder_append_int(b, i % ndict, &err), 0);
    }
  }
  zcx_array_t* a = NULL;
  assert_int_equal(zcx_builder_finish(b, &a, &err), 0);
  zcx_builder_destroy(b);
  zcx_array_t* cols[2] = {a, a};
  zcx_batch_t* batch = NULL;
  assert_int_equal(zcx_batch_create(s, cols, 2, rows, &batch, &err), 0);
  zcx_array_release(a);
  return batch;
}

// Counts the DictionaryBatch messages of a stream and how many are deltas.
static void count_dictionary_messages(zcx_buffer_t* data, int* dicts, int* deltas) {
  zcxi_ipc_source_t src;
  memset(&src, 0, sizeof(src));
  src.data = data;
  zcx_buffer_retain(data);
  *dicts = 0;
  *deltas = 0;
  for (int64_t i = 0;; i++) {
    zcxi_ipc_msg_t m;
    bool eos = false;
    zcx_error_t err;
    assert_int_equal(zcxi_ipc_read_message(&src, i, &m, &eos, &err), 0);
    if (eos) {
      break;
    }
    if (m.header_type == ZCXI_FBH_DICTIONARY_BATCH) {
      (*dicts)++;
      *deltas += zcxi_fb_bool(m.header, ZCXI_FB_DB_IS_DELTA, false);
    }
    zcxi_ipc_msg_reset(&m);
  }
  zcxi_ipc_source_reset(&src);
}

static void test_dictionaries_delta_replacement_shared(void** state) {
  (void)state;
  zcx_error_t err;
  zcx_schema_t* s = dict_schema();
  zcx_batch_t* b[4] = {dict_batch(s, 10, 3, "w"), dict_batch(s, 10, 3, "w"),
                       dict_batch(s, 12, 5, "w"), dict_batch(s, 7, 2, "other")};
  // Stream: the first dictionary, nothing for an equal one, a delta, a replacement.
  zcx_buffer_t* out = ts_write(ZCX_IPC_STREAM, ZCX_IPC_COMPRESSION_NONE, s, b, 4);
  int dicts = 0;
  int deltas = 0;
  count_dictionary_messages(out, &dicts, &deltas);
  assert_int_equal(dicts, 3);
  assert_int_equal(deltas, 1);
  read_and_compare(out, s, b, 4);
  zcx_buffer_release(out);
  // File: deltas allowed, replacement refused.
  out = ts_write(ZCX_IPC_FILE, ZCX_IPC_COMPRESSION_ZSTD, s, b, 3);
  read_and_compare(out, s, b, 3);
  zcx_buffer_release(out);
  zcx_ipc_writer_t* w = NULL;
  assert_int_equal(zcx_ipc_writer_create(ZCX_IPC_FILE, s, NULL, &w, &err), 0);
  assert_int_equal(zcx_ipc_writer_write(w, b[0], NULL, &err), 0);
  assert_int_equal(zcx_ipc_writer_write(w, b[3], NULL, &err), EINVAL);
  assert_non_null(strstr(err.message, "replaced"));
  zcx_ipc_writer_destroy(w);
  // Without deltas a grown dictionary is written whole.
  zcx_ipc_write_options_t opts;
  zcx_ipc_write_options_init(&opts);
  opts.dictionary_deltas = false;
  assert_int_equal(zcx_ipc_writer_create(ZCX_IPC_STREAM, s, &opts, &w, &err), 0);
  for (int i = 0; i < 3; i++) {
    assert_int_equal(zcx_ipc_writer_write(w, b[i], NULL, &err), 0);
  }
  assert_int_equal(zcx_ipc_writer_finish(w, NULL, &err), 0);
  assert_int_equal(zcx_ipc_writer_take_buffer(w, &out, &err), 0);
  zcx_ipc_writer_destroy(w);
  count_dictionary_messages(out, &dicts, &deltas);
  assert_int_equal(dicts, 2);
  assert_int_equal(deltas, 0);
  read_and_compare(out, s, b, 3);
  zcx_buffer_release(out);
  for (int i = 0; i < 4; i++) {
    zcx_batch_release(b[i]);
  }
  zcx_schema_release(s);
}

static void test_custom_metadata_everywhere(void** state) {
  (void)state;
  zcx_error_t err;
  zcx_metadata_t fmd;
  zcx_metadata_init(&fmd);
  assert_int_equal(zcx_metadata_append(&fmd, "unit", "m/s", &err), 0);
  zcx_field_t* f = NULL;
  zcx_type_t* t = ts_type(ZCX_TYPE_FLOAT);
  assert_int_equal(zcx_field_create("speed", t, true, &fmd, &f, &err), 0);
  zcx_type_release(t);
  zcx_metadata_t smd;
  zcx_metadata_init(&smd);
  assert_int_equal(zcx_metadata_append(&smd, "k", "v", &err), 0);
  assert_int_equal(zcx_metadata_append(&smd, "empty", "", &err), 0);
  zcx_schema_t* s = NULL;
  assert_int_equal(zcx_schema_create(&f, 1, &smd, &s, &err), 0);
  zcx_batch_t* b = ts_make_batch(s, 9, 0);
  zcx_metadata_t bmd;
  zcx_metadata_init(&bmd);
  assert_int_equal(zcx_metadata_append(&bmd, "batch", "first", &err), 0);
  for (int fmt = 0; fmt < 2; fmt++) {
    zcx_ipc_writer_t* w = NULL;
    assert_int_equal(zcx_ipc_writer_create(fmt ? ZCX_IPC_FILE : ZCX_IPC_STREAM, s, NULL, &w, &err),
                     0);
    assert_int_equal(zcx_ipc_writer_write(w, b, &bmd, &err), 0);
    assert_int_equal(zcx_ipc_writer_write(w, b, NULL, &err), 0);
    assert_int_equal(zcx_ipc_writer_finish(w, &smd, &err), 0);
    assert_int_equal(zcx_ipc_writer_finish(w, NULL, &err), EINVAL);
    assert_int_equal(zcx_ipc_writer_write(w, b, NULL, &err), EINVAL);
    zcx_buffer_t* out = NULL;
    assert_int_equal(zcx_ipc_writer_take_buffer(w, &out, &err), 0);
    zcx_buffer_t* again = NULL;
    assert_int_equal(zcx_ipc_writer_take_buffer(w, &again, &err), EINVAL);
    assert_null(again);
    zcx_ipc_writer_destroy(w);
    if (fmt == 0) {
      zcx_ipc_reader_t* r = NULL;
      assert_int_equal(zcx_ipc_reader_open_buffer(out, NULL, &r, &err), 0);
      zcx_schema_t* rs = zcx_ipc_reader_schema(r);
      assert_true(zcx_schema_equal(rs, s));
      assert_string_equal(zcx_metadata_get(&rs->metadata, "k"), "v");
      assert_string_equal(zcx_metadata_get(&rs->fields[0]->metadata, "unit"), "m/s");
      zcx_batch_t* got = NULL;
      assert_int_equal(zcx_ipc_reader_next(r, &got, &err), 0);
      assert_non_null(zcx_ipc_reader_batch_metadata(r));
      assert_string_equal(zcx_metadata_get(zcx_ipc_reader_batch_metadata(r), "batch"), "first");
      zcx_batch_release(got);
      assert_int_equal(zcx_ipc_reader_next(r, &got, &err), 0);
      assert_null(zcx_ipc_reader_batch_metadata(r));
      zcx_batch_release(got);
      assert_int_equal(zcx_ipc_reader_next(r, &got, &err), 0);
      assert_null(got);
      assert_int_equal(zcx_ipc_reader_message_count(r), 3);
      zcx_ipc_reader_destroy(r);
    } else {
      zcx_ipc_file_reader_t* r = NULL;
      assert_int_equal(zcx_ipc_file_reader_open_buffer(out, NULL, &r, &err), 0);
      assert_int_equal(zcx_ipc_file_reader_num_batches(r), 2);
      assert_string_equal(zcx_metadata_get(zcx_ipc_file_reader_metadata(r), "empty"), "");
      zcx_batch_t* got = NULL;
      assert_int_equal(zcx_ipc_file_reader_read(r, 1, &got, &err), 0);
      assert_batches_equal(got, b);
      zcx_batch_release(got);
      assert_int_equal(zcx_ipc_file_reader_read(r, 2, &got, &err), EINVAL);
      assert_int_equal(zcx_ipc_file_reader_read(r, -1, &got, &err), EINVAL);
      zcx_ipc_file_reader_destroy(r);
    }
    zcx_buffer_release(out);
  }
  zcx_metadata_reset(&fmd);
  zcx_metadata_reset(&smd);
  zcx_metadata_reset(&bmd);
  zcx_field_release(f);
  zcx_batch_release(b);
  zcx_schema_release(s);
}

// The address range of the mapping of `path` in this process, from /proc/self/maps.
static bool mapping_of(const char* path, uintptr_t* lo, uintptr_t* hi) {
  FILE* f = fopen("/proc/self/maps", "r");
  if (f == NULL) {
    return false;
  }
  char line[4096];
  bool found = false;
  while (fgets(line, sizeof(line), f) != NULL) {
    if (strstr(line, path) != NULL) {
      unsigned long a;
      unsigned long b;
      if (sscanf(line, "%lx-%lx", &a, &b) == 2) {
        *lo = a;
        *hi = b;
        found = true;
      }
    }
  }
  fclose(f);
  return found;
}

static void assert_buffers_inside(const zcx_array_t* a, uintptr_t lo, uintptr_t hi) {
  for (int32_t i = 0; i < a->num_buffers; i++) {
    if (a->buffers[i] != NULL && zcx_buffer_size(a->buffers[i]) > 0) {
      uintptr_t p = (uintptr_t)zcx_buffer_data(a->buffers[i]);
      assert_true(p >= lo && p < hi);
      assert_int_equal(p % 64, 0);
    }
  }
  for (int32_t i = 0; i < a->num_children; i++) {
    assert_buffers_inside(a->children[i], lo, hi);
  }
}

static void test_mapped_file_is_zero_copy(void** state) {
  (void)state;
  zcx_error_t err;
  char path[] = "/tmp/zcx-ipc-map-XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
  zcx_type_t* t = ts_type(ZCX_TYPE_INT64);
  zcx_field_t* f[2] = {ts_field("x", t, true), ts_field("s", ts_type(ZCX_TYPE_STRING), true)};
  zcx_schema_t* s = NULL;
  assert_int_equal(zcx_schema_create(f, 2, NULL, &s, &err), 0);
  zcx_batch_t* b = ts_make_batch(s, 1000, 3);
  zcx_ipc_writer_t* w = NULL;
  assert_int_equal(zcx_ipc_writer_create_path(ZCX_IPC_FILE, path, s, NULL, &w, &err), 0);
  assert_int_equal(zcx_ipc_writer_write(w, b, NULL, &err), 0);
  assert_int_equal(zcx_ipc_writer_write(w, b, NULL, &err), 0);
  assert_int_equal(zcx_ipc_writer_finish(w, NULL, &err), 0);
  assert_true(zcx_ipc_writer_bytes_written(w) > 8000);
  zcx_ipc_writer_destroy(w);
  zcx_ipc_file_reader_t* r = NULL;
  assert_int_equal(zcx_ipc_file_reader_open_path(path, NULL, &r, &err), 0);
  zcx_batch_t* got = NULL;
  assert_int_equal(zcx_ipc_file_reader_read(r, 1, &got, &err), 0);
  assert_batches_equal(got, b);
  zcx_ipc_file_reader_destroy(r);
  // The batch keeps the mapping alive after the reader is gone.
  uintptr_t lo = 0;
  uintptr_t hi = 0;
  assert_true(mapping_of(path, &lo, &hi));
  for (int32_t i = 0; i < got->num_columns; i++) {
    assert_buffers_inside(got->columns[i], lo, hi);
  }
  zcx_batch_release(got);
  assert_false(mapping_of(path, &lo, &hi));
  // Same through the stream reader and a trusted read.
  assert_int_equal(zcx_ipc_writer_create_path(ZCX_IPC_STREAM, path, s, NULL, &w, &err), 0);
  assert_int_equal(zcx_ipc_writer_write(w, b, NULL, &err), 0);
  assert_int_equal(zcx_ipc_writer_finish(w, NULL, &err), 0);
  zcx_ipc_writer_destroy(w);
  zcx_ipc_read_options_t opts;
  zcx_ipc_read_options_init(&opts);
  opts.trusted = true;
  zcx_ipc_reader_t* sr = NULL;
  assert_int_equal(zcx_ipc_reader_open_path(path, &opts, &sr, &err), 0);
  assert_int_equal(zcx_ipc_reader_next(sr, &got, &err), 0);
  assert_non_null(got);
  assert_true(mapping_of(path, &lo, &hi));
  for (int32_t i = 0; i < got->num_columns; i++) {
    assert_buffers_inside(got->columns[i], lo, hi);
  }
  assert_batches_equal(got, b);
  zcx_batch_release(got);
  zcx_ipc_reader_destroy(sr);
  unlink(path);
  assert_int_equal(zcx_ipc_reader_open_path(path, NULL, &sr, &err), ENOENT);
  zcx_batch_release(b);
  zcx_schema_release(s);
  zcx_field_release(f[0]);
  zcx_field_release(f[1]);
}

static void test_pipe_and_fd(void** state) {
  (void)state;
  zcx_error_t err;
  zcx_schema_t* s = ts_all_types_schema();
  zcx_batch_t* b = ts_make_batch(s, 5, 0);
  int p[2];
  assert_int_equal(pipe(p), 0);
  // A small stream fits the pipe's buffer, so one thread can write then read.
  zcx_ipc_writer_t* w = NULL;
  assert_int_equal(zcx_ipc_writer_create_fd(ZCX_IPC_STREAM, p[1], s, NULL, &w, &err), 0);
  assert_int_equal(zcx_ipc_writer_write(w, b, NULL, &err), 0);
  assert_int_equal(zcx_ipc_writer_finish(w, NULL, &err), 0);
  zcx_ipc_writer_destroy(w);
  close(p[1]);
  zcx_ipc_reader_t* r = NULL;
  assert_int_equal(zcx_ipc_reader_open_fd(p[0], NULL, &r, &err), 0);
  zcx_batch_t* got = NULL;
  assert_int_equal(zcx_ipc_reader_next(r, &got, &err), 0);
  assert_non_null(got);
  assert_batches_equal(got, b);
  zcx_batch_release(got);
  assert_int_equal(zcx_ipc_reader_next(r, &got, &err), 0);
  assert_null(got);
  zcx_ipc_reader_destroy(r);
  close(p[0]);
  // A file through a descriptor.
  char path[] = "/tmp/zcx-ipc-fd-XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  assert_int_equal(zcx_ipc_writer_create_fd(ZCX_IPC_FILE, fd, s, NULL, &w, &err), 0);
  assert_int_equal(zcx_ipc_writer_write(w, b, NULL, &err), 0);
  assert_int_equal(zcx_ipc_writer_finish(w, NULL, &err), 0);
  zcx_ipc_writer_destroy(w);
  assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
  zcx_ipc_file_reader_t* fr = NULL;
  assert_int_equal(zcx_ipc_file_reader_open_fd(fd, NULL, &fr, &err), 0);
  assert_int_equal(zcx_ipc_file_reader_read(fr, 0, &got, &err), 0);
  assert_batches_equal(got, b);
  zcx_batch_release(got);
  zcx_ipc_file_reader_destroy(fr);
  close(fd);
  unlink(path);
  zcx_batch_release(b);
  zcx_schema_release(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_type_every_format_and_codec),
      cmocka_unit_test(test_slices_are_written_as_their_elements),
      cmocka_unit_test(test_dictionaries_delta_replacement_shared),
      cmocka_unit_test(test_custom_metadata_everywhere),
      cmocka_unit_test(test_mapped_file_is_zero_copy),
      cmocka_unit_test(test_pipe_and_fd),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
