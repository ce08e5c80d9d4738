// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// `zcx inspect PATH [--json]`: the layout of an Arrow IPC file or stream: schema with its
// metadata, dictionaries, record batches, rows, compression, and every body buffer's offset,
// length and alignment.
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "ipc/message.h"
#include "ipc_input.h"
#include "json_writer.h"

void zcxt_usage_inspect(FILE* out) {
  fprintf(out,
          "usage: zcx inspect PATH [--json]\n"
          "\n"
          "Shows the layout of an Arrow IPC file or stream (detected from its first bytes;\n"
          "'-' reads standard input): the schema and its metadata, the dictionaries, each\n"
          "record batch's rows, compression and body buffers (offset from the start of the\n"
          "input, length, alignment). The values are not validated (see 'zcx validate').\n"
          "\n"
          "options:\n"
          "  --json      write the layout as JSON to stdout\n"
          "  -h, --help  this text\n");
}

// One message of the input.
typedef struct imsg {
  uint8_t type;
  int64_t offset;
  int64_t meta_len;  // the prefix and padded metadata
  int64_t body_offset;
  int64_t body_len;
  int64_t rows;
  int64_t dict_id;
  bool is_delta;
  int codec;  // -1: none
  int32_t num_buffers;
  int64_t* buffers;  // offset (from the input's start), length
} imsg_t;

typedef struct layout {
  imsg_t* v;
  int32_t n, cap;
} layout_t;

static void layout_free(layout_t* l) {
  for (int32_t i = 0; i < l->n; i++) {
    free(l->v[i].buffers);
  }
  free(l->v);
}

static int64_t alignment_of(int64_t off) {
  if (off == 0) {
    return 64;
  }
  int64_t a = 1;
  while (a < 64 && (off & a) == 0) {
    a <<= 1;
  }
  return a;
}

static const char* codec_name(int codec) {
  return codec == ZCXI_FB_CODEC_LZ4_FRAME ? "lz4_frame" : codec == ZCXI_FB_CODEC_ZSTD ? "zstd"
                                                                                      : "none";
}

// Decodes the message at `pos` (up to `limit`) into the layout; *end receives its end.
static int add_message(layout_t* l, zcx_buffer_t* data, int64_t pos, int64_t limit,
                       const char* what, int64_t* end, bool* eos, zcx_error_t* err) {
  zcxi_ipc_msg_t m;
  ZCX_RETURN_IF_ERROR(zcxi_ipc_parse_message(data, pos, limit, what, &m, end, eos, err));
  if (*eos) {
    return 0;
  }
  if (l->n == l->cap) {
    int32_t nc = l->cap ? l->cap * 2 : 16;
    imsg_t* nv = realloc(l->v, (size_t)nc * sizeof(*nv));
    if (nv == NULL) {
      zcxi_ipc_msg_reset(&m);
      return zcx_error_fail(err, ENOMEM, "out of memory");
    }
    l->v = nv;
    l->cap = nc;
  }
  imsg_t* im = &l->v[l->n++];
  memset(im, 0, sizeof(*im));
  const uint8_t* base = zcx_buffer_data(data);
  im->type = m.header_type;
  im->offset = pos;
  im->body_offset = (const uint8_t*)zcx_buffer_data(m.body) - base;
  im->meta_len = im->body_offset - pos;
  im->body_len = m.body_length;
  im->dict_id = -1;
  im->codec = -1;
  zcxi_fb_table_t rb = m.header;
  bool has_rb = m.header_type == ZCXI_FBH_RECORD_BATCH;
  if (m.header_type == ZCXI_FBH_DICTIONARY_BATCH) {
    im->dict_id = zcxi_fb_i64(m.header, ZCXI_FB_DB_ID, 0);
    im->is_delta = zcxi_fb_bool(m.header, ZCXI_FB_DB_IS_DELTA, false);
    has_rb = zcxi_fb_table(m.header, ZCXI_FB_DB_DATA, &rb);
  }
  int rc = 0;
  if (has_rb) {
    im->rows = zcxi_fb_i64(rb, ZCXI_FB_RB_LENGTH, 0);
    zcxi_fb_table_t comp;
    if (zcxi_fb_table(rb, ZCXI_FB_RB_COMPRESSION, &comp)) {
      im->codec = zcxi_fb_u8(comp, ZCXI_FB_COMPRESSION_CODEC, 0);
    }
    zcxi_fb_vector_t bufs;
    if (zcxi_fb_vector(rb, ZCXI_FB_RB_BUFFERS, &bufs) && bufs.len > 0) {
      im->buffers = calloc((size_t)bufs.len * 2, sizeof(int64_t));
      if (im->buffers == NULL) {
        rc = zcx_error_fail(err, ENOMEM, "out of memory");
      } else {
        im->num_buffers = (int32_t)bufs.len;
        for (uint32_t i = 0; i < bufs.len; i++) {
          const uint8_t* e = zcxi_fb_vector_elem(bufs, i, ZCXI_FB_BUFFER_SIZE);
          im->buffers[2 * i] = im->body_offset + zcxi_fb_rd_i64(e);
          im->buffers[2 * i + 1] = zcxi_fb_rd_i64(e + 8);
        }
      }
    }
  }
  zcxi_ipc_msg_reset(&m);
  return rc;
}

static int walk_stream(layout_t* l, zcx_buffer_t* data, zcx_error_t* err) {
  int64_t pos = 0;
  int64_t size = zcx_buffer_size(data);
  for (int64_t i = 0; pos < size; i++) {
    char what[48];
    snprintf(what, sizeof(what), "message %lld", (long long)i);
    int64_t end = pos;
    bool eos = false;
    ZCX_RETURN_IF_ERROR(add_message(l, data, pos, size, what, &end, &eos, err));
    if (eos) {
      break;
    }
    pos = end;
  }
  return 0;
}

static int walk_blocks(layout_t* l, zcx_buffer_t* data, zcxi_fb_vector_t v, const char* kind,
                       int64_t limit, zcx_error_t* err) {
  for (uint32_t i = 0; i < v.len; i++) {
    const uint8_t* e = zcxi_fb_vector_elem(v, i, ZCXI_FB_BLOCK_SIZE);
    int64_t off = zcxi_fb_rd_i64(e);
    char what[64];
    snprintf(what, sizeof(what), "%s block %u", kind, i);
    if (off < 0 || off >= limit) {
      return zcx_error_fail(err, EINVAL, "%s: offset %lld outside the file", what,
                            (long long)off);
    }
    int64_t end = 0;
    bool eos = false;
    ZCX_RETURN_IF_ERROR(add_message(l, data, off, limit, what, &end, &eos, err));
    if (eos) {
      return zcx_error_fail(err, EINVAL, "%s: end-of-stream marker at %lld", what,
                            (long long)off);
    }
  }
  return 0;
}

static int walk_file(layout_t* l, zcx_buffer_t* data, zcx_error_t* err) {
  const uint8_t* p = zcx_buffer_data(data);
  int64_t size = zcx_buffer_size(data);
  if (size < 18 || memcmp(p + size - 6, ZCXI_IPC_MAGIC, 6) != 0) {
    return zcx_error_fail(err, EINVAL, "no trailing \"ARROW1\": not a complete Arrow file");
  }
  int32_t flen = zcxi_fb_rd_i32(p + size - 10);
  int64_t fstart = size - 10 - flen;
  if (flen <= 0 || fstart < 8) {
    return zcx_error_fail(err, EINVAL, "footer length %d does not fit the file", flen);
  }
  ZCX_RETURN_IF_ERROR(zcxi_fb_verify(p + fstart, (size_t)flen, &zcxi_fbs_footer, "footer", err));
  zcxi_fb_table_t footer = zcxi_fb_root(p + fstart);
  zcxi_fb_vector_t v;
  if (zcxi_fb_vector(footer, ZCXI_FB_FOOTER_DICTIONARIES, &v)) {
    ZCX_RETURN_IF_ERROR(walk_blocks(l, data, v, "dictionary", fstart, err));
  }
  if (zcxi_fb_vector(footer, ZCXI_FB_FOOTER_BATCHES, &v)) {
    ZCX_RETURN_IF_ERROR(walk_blocks(l, data, v, "record batch", fstart, err));
  }
  return 0;
}

static void print_metadata(const zcx_metadata_t* md, const char* indent) {
  for (int32_t i = 0; md != NULL && i < md->count; i++) {
    printf("%smetadata %s = %s\n", indent, md->keys[i], md->values[i]);
  }
}

static void json_metadata(zcxt_json_t* w, const zcx_metadata_t* md) {
  zcxt_json_key(w, "metadata");
  zcxt_json_begin_object(w);
  for (int32_t i = 0; md != NULL && i < md->count; i++) {
    zcxt_json_kv_string(w, md->keys[i], md->values[i]);
  }
  zcxt_json_end_object(w);
}

static void print_text(const zcxt_ipc_input_t* in, const zcx_schema_t* s, const layout_t* l,
                       const zcx_metadata_t* footer_md) {
  printf("%s: Arrow IPC %s, %lld bytes\n", in->path, in->is_file ? "file" : "stream",
         (long long)zcx_buffer_size(in->data));
  printf("schema: %d fields\n", s->num_fields);
  for (int32_t i = 0; i < s->num_fields; i++) {
    char type[256];
    zcx_type_to_string(s->fields[i]->type, type, sizeof(type));
    printf("  %s: %s%s\n", s->fields[i]->name, type, s->fields[i]->nullable ? "" : " not null");
    print_metadata(&s->fields[i]->metadata, "    ");
  }
  print_metadata(&s->metadata, "  ");
  if (footer_md != NULL) {
    print_metadata(footer_md, "footer ");
  }
  int64_t rows = 0;
  int32_t batches = 0;
  int32_t dicts = 0;
  for (int32_t k = 0; k < l->n; k++) {
    const imsg_t* m = &l->v[k];
    if (m->type == ZCXI_FBH_SCHEMA) {
      continue;
    }
    if (m->type == ZCXI_FBH_RECORD_BATCH) {
      printf("batch %d: %lld rows", batches++, (long long)m->rows);
      rows += m->rows;
    } else if (m->type == ZCXI_FBH_DICTIONARY_BATCH) {
      printf("dictionary %d: id %lld, %lld values%s", dicts++, (long long)m->dict_id,
             (long long)m->rows, m->is_delta ? " (delta)" : "");
    } else {
      printf("message %d: %s", k, zcxi_ipc_header_name(m->type));
    }
    printf(", message at %lld (%lld bytes of metadata), body at %lld (%lld bytes), "
           "compression %s\n",
           (long long)m->offset, (long long)m->meta_len, (long long)m->body_offset,
           (long long)m->body_len, codec_name(m->codec));
    for (int32_t i = 0; i < m->num_buffers; i++) {
      printf("  buffer %d: offset %lld, length %lld, aligned %lld\n", i,
             (long long)m->buffers[2 * i], (long long)m->buffers[2 * i + 1],
             (long long)alignment_of(m->buffers[2 * i]));
    }
  }
  printf("total: %d batches, %lld rows, %d dictionaries\n", batches, (long long)rows, dicts);
}

static void print_json(const zcxt_ipc_input_t* in, const zcx_schema_t* s, const layout_t* l,
                       const zcx_metadata_t* footer_md, zcxt_json_t* w) {
  zcxt_json_begin_object(w);
  zcxt_json_kv_string(w, "path", in->path);
  zcxt_json_kv_string(w, "format", in->is_file ? "file" : "stream");
  zcxt_json_kv_int(w, "size", zcx_buffer_size(in->data));
  zcxt_json_key(w, "schema");
  zcxt_json_begin_object(w);
  zcxt_json_key(w, "fields");
  zcxt_json_begin_array(w);
  for (int32_t i = 0; i < s->num_fields; i++) {
    char type[256];
    zcx_type_to_string(s->fields[i]->type, type, sizeof(type));
    zcxt_json_begin_object(w);
    zcxt_json_kv_string(w, "name", s->fields[i]->name);
    zcxt_json_kv_string(w, "type", type);
    zcxt_json_kv_bool(w, "nullable", s->fields[i]->nullable);
    json_metadata(w, &s->fields[i]->metadata);
    zcxt_json_end_object(w);
  }
  zcxt_json_end_array(w);
  json_metadata(w, &s->metadata);
  zcxt_json_end_object(w);
  if (in->is_file) {
    json_metadata(w, footer_md);
  }
  int64_t rows = 0;
  for (int pass = 0; pass < 2; pass++) {
    uint8_t want = pass == 0 ? ZCXI_FBH_DICTIONARY_BATCH : ZCXI_FBH_RECORD_BATCH;
    zcxt_json_key(w, pass == 0 ? "dictionaries" : "batches");
    zcxt_json_begin_array(w);
    for (int32_t k = 0; k < l->n; k++) {
      const imsg_t* m = &l->v[k];
      if (m->type != want) {
        continue;
      }
      zcxt_json_begin_object(w);
      if (pass == 0) {
        zcxt_json_kv_int(w, "id", m->dict_id);
        zcxt_json_kv_bool(w, "delta", m->is_delta);
      } else {
        rows += m->rows;
      }
      zcxt_json_kv_int(w, "rows", m->rows);
      zcxt_json_kv_int(w, "offset", m->offset);
      zcxt_json_kv_int(w, "metadata_length", m->meta_len);
      zcxt_json_kv_int(w, "body_offset", m->body_offset);
      zcxt_json_kv_int(w, "body_length", m->body_len);
      zcxt_json_kv_string(w, "compression", codec_name(m->codec));
      zcxt_json_key(w, "buffers");
      zcxt_json_begin_array(w);
      for (int32_t i = 0; i < m->num_buffers; i++) {
        zcxt_json_begin_object(w);
        zcxt_json_kv_int(w, "offset", m->buffers[2 * i]);
        zcxt_json_kv_int(w, "length", m->buffers[2 * i + 1]);
        zcxt_json_kv_int(w, "alignment", alignment_of(m->buffers[2 * i]));
        zcxt_json_end_object(w);
      }
      zcxt_json_end_array(w);
      zcxt_json_end_object(w);
    }
    zcxt_json_end_array(w);
  }
  zcxt_json_kv_int(w, "rows", rows);
  zcxt_json_end_object(w);
}

int zcxt_cmd_inspect(int argc, char** argv) {
  const char* path = NULL;
  bool json = false;
  for (int i = 1; i < argc; i++) {
    if (zcxt_is_help(argv[i])) {
      zcxt_usage_inspect(stdout);
      return ZCXT_EXIT_OK;
    } else if (strcmp(argv[i], "--json") == 0) {
      json = true;
    } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
      return zcxt_usage_error("inspect", "unknown option '%s'", argv[i]);
    } else if (path == NULL) {
      path = argv[i];
    } else {
      return zcxt_usage_error("inspect", "unexpected argument '%s'", argv[i]);
    }
  }
  if (path == NULL) {
    return zcxt_usage_error("inspect", "missing PATH");
  }
  zcx_error_t err;
  zcx_error_init(&err);
  zcxt_ipc_input_t in;
  if (zcxt_ipc_input_open(path, &in, &err) != 0) {
    return zcxt_fail("inspect", "%s", err.message);
  }
  layout_t l = {NULL, 0, 0};
  zcx_ipc_read_options_t o;
  zcx_ipc_read_options_init(&o);
  o.trusted = true;
  zcx_schema_t* schema = NULL;
  zcx_metadata_t footer_md;
  zcx_metadata_init(&footer_md);
  int rc = 0;
  if (in.is_file) {
    zcx_ipc_file_reader_t* r = NULL;
    rc = zcx_ipc_file_reader_open_buffer(in.data, &o, &r, &err);
    if (rc == 0) {
      schema = zcx_ipc_file_reader_schema(r);
      zcx_schema_retain(schema);
      const zcx_metadata_t* md = zcx_ipc_file_reader_metadata(r);
      rc = md != NULL ? zcx_metadata_copy(md, &footer_md, &err) : 0;
      zcx_ipc_file_reader_destroy(r);
    }
    if (rc == 0) {
      rc = walk_file(&l, in.data, &err);
    }
  } else {
    zcx_ipc_reader_t* r = NULL;
    rc = zcx_ipc_reader_open_buffer(in.data, &o, &r, &err);
    if (rc == 0) {
      schema = zcx_ipc_reader_schema(r);
      zcx_schema_retain(schema);
      zcx_ipc_reader_destroy(r);
      rc = walk_stream(&l, in.data, &err);
    }
  }
  int status = ZCXT_EXIT_OK;
  if (rc != 0) {
    status = zcxt_fail("inspect", "%s: %s", path, err.message);
  } else if (json) {
    zcxt_json_t w;
    zcxt_json_init(&w, stdout, true);
    print_json(&in, schema, &l, in.is_file ? &footer_md : NULL, &w);
    if (zcxt_json_finish(&w, &err) != 0) {
      status = zcxt_fail("inspect", "%s", err.message);
    }
  } else {
    print_text(&in, schema, &l, in.is_file && footer_md.count > 0 ? &footer_md : NULL);
  }
  zcx_metadata_reset(&footer_md);
  zcx_schema_release(schema);
  layout_free(&l);
  zcxt_ipc_input_close(&in);
  return status;
}
