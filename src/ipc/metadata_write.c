// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Encoding of zcx schemas, fields, types and metadata as flatbuffer Schema tables.
#include <stdlib.h>
#include <string.h>

#include "ipc/internal.h"

static zcxi_fb_ref_t kv(zcxi_fbb_t* b, const char* k, size_t klen, const char* v, size_t vlen) {
  zcxi_fb_ref_t ks = zcxi_fbb_string(b, k, klen);
  zcxi_fb_ref_t vs = zcxi_fbb_string(b, v, vlen);
  zcxi_fbb_table_start(b);
  zcxi_fbb_add_ref(b, ZCXI_FB_KV_KEY, ks);
  zcxi_fbb_add_ref(b, ZCXI_FB_KV_VALUE, vs);
  return zcxi_fbb_table_end(b);
}

// KeyValues of `md` plus, for an extension type, its name and metadata.
static zcxi_fb_ref_t metadata_vector(zcxi_fbb_t* b, const zcx_metadata_t* md,
                                     const zcx_type_t* ext) {
  int32_t n = md ? md->count : 0;
  int32_t total = n + (ext ? 2 : 0);
  if (total == 0) {
    return 0;
  }
  zcxi_fb_ref_t* refs = malloc((size_t)total * sizeof(*refs));
  if (refs == NULL) {
    b->status = ENOMEM;
    return 0;
  }
  for (int32_t i = 0; i < n; i++) {
    refs[i] = kv(b, md->keys[i], strlen(md->keys[i]), md->values[i], strlen(md->values[i]));
  }
  if (ext) {
    const char* nk = "ARROW:extension:name";
    const char* mk = "ARROW:extension:metadata";
    refs[n] = kv(b, nk, strlen(nk), ext->extension_name, strlen(ext->extension_name));
    refs[n + 1] = kv(b, mk, strlen(mk), ext->extension_metadata ? ext->extension_metadata : "",
                     (size_t)ext->extension_metadata_length);
  }
  zcxi_fb_ref_t v = zcxi_fbb_ref_vector(b, refs, (size_t)total);
  free(refs);
  return v;
}

zcxi_fb_ref_t zcxi_ipc_metadata_to_fb(zcxi_fbb_t* b, const zcx_metadata_t* md) {
  return metadata_vector(b, md, NULL);
}

static zcxi_fb_ref_t int_table(zcxi_fbb_t* b, int32_t bits, bool is_signed) {
  zcxi_fbb_table_start(b);
  zcxi_fbb_add_i32(b, ZCXI_FB_INT_BIT_WIDTH, bits);
  zcxi_fbb_add_u8(b, ZCXI_FB_INT_IS_SIGNED, is_signed ? 1 : 0);
  return zcxi_fbb_table_end(b);
}

static bool int_info(zcx_type_id_t id, int32_t* bits, bool* is_signed) {
  switch (id) {
    case ZCX_TYPE_INT8: *bits = 8; *is_signed = true; return true;
    case ZCX_TYPE_UINT8: *bits = 8; *is_signed = false; return true;
    case ZCX_TYPE_INT16: *bits = 16; *is_signed = true; return true;
    case ZCX_TYPE_UINT16: *bits = 16; *is_signed = false; return true;
    case ZCX_TYPE_INT32: *bits = 32; *is_signed = true; return true;
    case ZCX_TYPE_UINT32: *bits = 32; *is_signed = false; return true;
    case ZCX_TYPE_INT64: *bits = 64; *is_signed = true; return true;
    case ZCX_TYPE_UINT64: *bits = 64; *is_signed = false; return true;
    default: return false;
  }
}

static zcxi_fb_ref_t unit_table(zcxi_fbb_t* b, int16_t unit) {
  zcxi_fbb_table_start(b);
  zcxi_fbb_add_i16(b, 0, unit);
  return zcxi_fbb_table_end(b);
}

static zcxi_fb_ref_t empty_table(zcxi_fbb_t* b) {
  zcxi_fbb_table_start(b);
  return zcxi_fbb_table_end(b);
}

// The Type union member of a (non-dictionary, non-extension) type; *tt receives its tag.
static int type_table(zcxi_fbb_t* b, const zcx_type_t* t, uint8_t* tt, zcxi_fb_ref_t* out,
                      zcx_error_t* err) {
  int32_t bits;
  bool is_signed;
  if (int_info(t->id, &bits, &is_signed)) {
    *tt = ZCXI_FBT_INT;
    *out = int_table(b, bits, is_signed);
    return 0;
  }
  switch (t->id) {
    case ZCX_TYPE_NA: *tt = ZCXI_FBT_NULL; break;
    case ZCX_TYPE_BOOL: *tt = ZCXI_FBT_BOOL; break;
    case ZCX_TYPE_BINARY: *tt = ZCXI_FBT_BINARY; break;
    case ZCX_TYPE_STRING: *tt = ZCXI_FBT_UTF8; break;
    case ZCX_TYPE_LARGE_BINARY: *tt = ZCXI_FBT_LARGE_BINARY; break;
    case ZCX_TYPE_LARGE_STRING: *tt = ZCXI_FBT_LARGE_UTF8; break;
    case ZCX_TYPE_BINARY_VIEW: *tt = ZCXI_FBT_BINARY_VIEW; break;
    case ZCX_TYPE_STRING_VIEW: *tt = ZCXI_FBT_UTF8_VIEW; break;
    case ZCX_TYPE_LIST: *tt = ZCXI_FBT_LIST; break;
    case ZCX_TYPE_LARGE_LIST: *tt = ZCXI_FBT_LARGE_LIST; break;
    case ZCX_TYPE_LIST_VIEW: *tt = ZCXI_FBT_LIST_VIEW; break;
    case ZCX_TYPE_LARGE_LIST_VIEW: *tt = ZCXI_FBT_LARGE_LIST_VIEW; break;
    case ZCX_TYPE_STRUCT: *tt = ZCXI_FBT_STRUCT; break;
    case ZCX_TYPE_RUN_END_ENCODED: *tt = ZCXI_FBT_RUN_END_ENCODED; break;
    case ZCX_TYPE_HALF_FLOAT:
    case ZCX_TYPE_FLOAT:
    case ZCX_TYPE_DOUBLE:
      *tt = ZCXI_FBT_FLOATING_POINT;
      zcxi_fbb_table_start(b);
      zcxi_fbb_add_i16(b, ZCXI_FB_FP_PRECISION,
                       (int16_t)(t->id == ZCX_TYPE_HALF_FLOAT ? 0 : t->id == ZCX_TYPE_FLOAT ? 1 : 2));
      *out = zcxi_fbb_table_end(b);
      return 0;
    case ZCX_TYPE_DECIMAL32:
    case ZCX_TYPE_DECIMAL64:
    case ZCX_TYPE_DECIMAL128:
    case ZCX_TYPE_DECIMAL256:
      *tt = ZCXI_FBT_DECIMAL;
      zcxi_fbb_table_start(b);
      zcxi_fbb_add_i32(b, ZCXI_FB_DECIMAL_PRECISION, t->precision);
      zcxi_fbb_add_i32(b, ZCXI_FB_DECIMAL_SCALE, t->scale);
      zcxi_fbb_add_i32(b, ZCXI_FB_DECIMAL_BIT_WIDTH, t->bit_width);
      *out = zcxi_fbb_table_end(b);
      return 0;
    case ZCX_TYPE_DATE32:
    case ZCX_TYPE_DATE64:
      *tt = ZCXI_FBT_DATE;
      *out = unit_table(b, t->id == ZCX_TYPE_DATE32 ? 0 : 1);
      return 0;
    case ZCX_TYPE_TIME32:
    case ZCX_TYPE_TIME64:
      *tt = ZCXI_FBT_TIME;
      zcxi_fbb_table_start(b);
      zcxi_fbb_add_i16(b, ZCXI_FB_TIME_UNIT, (int16_t)t->unit);
      zcxi_fbb_add_i32(b, ZCXI_FB_TIME_BIT_WIDTH, t->id == ZCX_TYPE_TIME32 ? 32 : 64);
      *out = zcxi_fbb_table_end(b);
      return 0;
    case ZCX_TYPE_TIMESTAMP: {
      *tt = ZCXI_FBT_TIMESTAMP;
      zcxi_fb_ref_t tz = 0;
      if (t->timezone != NULL && t->timezone[0] != '\0') {
        tz = zcxi_fbb_string(b, t->timezone, strlen(t->timezone));
      }
      zcxi_fbb_table_start(b);
      zcxi_fbb_add_i16(b, ZCXI_FB_TIMESTAMP_UNIT, (int16_t)t->unit);
      if (tz != 0) {
        zcxi_fbb_add_ref(b, ZCXI_FB_TIMESTAMP_TIMEZONE, tz);
      }
      *out = zcxi_fbb_table_end(b);
      return 0;
    }
    case ZCX_TYPE_DURATION:
      *tt = ZCXI_FBT_DURATION;
      *out = unit_table(b, (int16_t)t->unit);
      return 0;
    case ZCX_TYPE_INTERVAL_MONTHS:
    case ZCX_TYPE_INTERVAL_DAY_TIME:
    case ZCX_TYPE_INTERVAL_MONTH_DAY_NANO:
      *tt = ZCXI_FBT_INTERVAL;
      *out = unit_table(b, (int16_t)(t->id - ZCX_TYPE_INTERVAL_MONTHS));
      return 0;
    case ZCX_TYPE_FIXED_SIZE_BINARY:
      *tt = ZCXI_FBT_FIXED_SIZE_BINARY;
      zcxi_fbb_table_start(b);
      zcxi_fbb_add_i32(b, ZCXI_FB_FSB_BYTE_WIDTH, t->fixed_size);
      *out = zcxi_fbb_table_end(b);
      return 0;
    case ZCX_TYPE_FIXED_SIZE_LIST:
      *tt = ZCXI_FBT_FIXED_SIZE_LIST;
      zcxi_fbb_table_start(b);
      zcxi_fbb_add_i32(b, ZCXI_FB_FSL_LIST_SIZE, t->fixed_size);
      *out = zcxi_fbb_table_end(b);
      return 0;
    case ZCX_TYPE_MAP:
      *tt = ZCXI_FBT_MAP;
      zcxi_fbb_table_start(b);
      zcxi_fbb_add_u8(b, ZCXI_FB_MAP_KEYS_SORTED, t->keys_sorted ? 1 : 0);
      *out = zcxi_fbb_table_end(b);
      return 0;
    case ZCX_TYPE_SPARSE_UNION:
    case ZCX_TYPE_DENSE_UNION: {
      *tt = ZCXI_FBT_UNION;
      int32_t codes[128];
      int32_t n = t->num_children < 128 ? t->num_children : 128;
      for (int32_t i = 0; i < n; i++) {
        codes[i] = t->type_codes ? t->type_codes[i] : i;
      }
      zcxi_fb_ref_t ids = zcxi_fbb_vector(b, codes, 4, (size_t)n, 4);
      zcxi_fbb_table_start(b);
      zcxi_fbb_add_i16(b, ZCXI_FB_UNION_MODE, t->id == ZCX_TYPE_SPARSE_UNION ? 0 : 1);
      zcxi_fbb_add_ref(b, ZCXI_FB_UNION_TYPE_IDS, ids);
      *out = zcxi_fbb_table_end(b);
      return 0;
    }
    default:
      return zcx_error_fail(err, ENOTSUP, "type %s cannot be written to IPC",
                            zcx_type_id_name(t->id));
  }
  *out = empty_table(b);
  return 0;
}

typedef struct enc {
  zcxi_fbb_t* b;
  const int64_t* dict_ids;
  int32_t next_dict;
} enc_t;

static int encode_field(enc_t* e, const zcx_field_t* f, zcxi_fb_ref_t* out, zcx_error_t* err);

static int encode_field_inner(enc_t* e, const zcx_field_t* f, zcxi_fb_ref_t* out,
                              zcx_error_t* err) {
  zcxi_fbb_t* b = e->b;
  // An extension may wrap the dictionary type or be the dictionary's value type.
  const zcx_type_t* t = f->type;
  const zcx_type_t* ext = NULL;
  if (t->id == ZCX_TYPE_EXTENSION) {
    ext = t;
    t = t->storage_type;
  }
  const zcx_type_t* dict = NULL;
  int64_t dict_id = -1;
  if (t->id == ZCX_TYPE_DICTIONARY) {
    dict = t;
    dict_id = e->dict_ids[e->next_dict++];
    t = t->value_type;
    if (t->id == ZCX_TYPE_EXTENSION && ext == NULL) {
      ext = t;
      t = t->storage_type;
    }
  }
  if (t->id == ZCX_TYPE_DICTIONARY || t->id == ZCX_TYPE_EXTENSION) {
    return zcx_error_fail(err, ENOTSUP, "nested %s inside %s cannot be written to IPC",
                          zcx_type_id_name(t->id), zcx_type_id_name(f->type->id));
  }
  zcxi_fb_ref_t children = 0;
  if (t->num_children > 0) {
    zcxi_fb_ref_t* refs = malloc((size_t)t->num_children * sizeof(*refs));
    if (refs == NULL) {
      return zcx_error_fail(err, ENOMEM, "out of memory for %d children", t->num_children);
    }
    for (int32_t i = 0; i < t->num_children; i++) {
      int rc = encode_field(e, t->children[i], &refs[i], err);
      if (rc != 0) {
        free(refs);
        return rc;
      }
    }
    children = zcxi_fbb_ref_vector(b, refs, (size_t)t->num_children);
    free(refs);
  } else {
    children = zcxi_fbb_ref_vector(b, NULL, 0);
  }
  zcxi_fb_ref_t name = zcxi_fbb_string(b, f->name, strlen(f->name));
  uint8_t tt = 0;
  zcxi_fb_ref_t type = 0;
  ZCX_RETURN_IF_ERROR(type_table(b, t, &tt, &type, err));
  zcxi_fb_ref_t dref = 0;
  if (dict != NULL) {
    int32_t bits;
    bool is_signed;
    if (!int_info(dict->index_type->id, &bits, &is_signed)) {
      return zcx_error_fail(err, EINVAL, "dictionary index type %s is not an integer",
                            zcx_type_id_name(dict->index_type->id));
    }
    zcxi_fb_ref_t it = int_table(b, bits, is_signed);
    zcxi_fbb_table_start(b);
    zcxi_fbb_add_i64(b, ZCXI_FB_DICT_ID, dict_id);
    zcxi_fbb_add_ref(b, ZCXI_FB_DICT_INDEX_TYPE, it);
    zcxi_fbb_add_u8(b, ZCXI_FB_DICT_IS_ORDERED, dict->ordered ? 1 : 0);
    dref = zcxi_fbb_table_end(b);
  }
  zcxi_fb_ref_t md = metadata_vector(b, &f->metadata, ext);
  zcxi_fbb_table_start(b);
  zcxi_fbb_add_ref(b, ZCXI_FB_FIELD_NAME, name);
  zcxi_fbb_add_u8(b, ZCXI_FB_FIELD_NULLABLE, f->nullable ? 1 : 0);
  zcxi_fbb_add_u8(b, ZCXI_FB_FIELD_TYPE_TYPE, tt);
  zcxi_fbb_add_ref(b, ZCXI_FB_FIELD_TYPE, type);
  if (dref != 0) {
    zcxi_fbb_add_ref(b, ZCXI_FB_FIELD_DICTIONARY, dref);
  }
  zcxi_fbb_add_ref(b, ZCXI_FB_FIELD_CHILDREN, children);
  if (md != 0) {
    zcxi_fbb_add_ref(b, ZCXI_FB_FIELD_METADATA, md);
  }
  *out = zcxi_fbb_table_end(b);
  return 0;
}

static int encode_field(enc_t* e, const zcx_field_t* f, zcxi_fb_ref_t* out, zcx_error_t* err) {
  int rc = encode_field_inner(e, f, out, err);
  if (rc != 0) {
    zcx_error_prefix(err, "field '%s': ", f->name);
  }
  return rc;
}

zcxi_fb_ref_t zcxi_ipc_schema_to_fb(zcxi_fbb_t* b, const zcx_schema_t* schema,
                                    const int64_t* dict_ids, int* status, zcx_error_t* err) {
  enc_t e = {b, dict_ids, 0};
  *status = 0;
  zcxi_fb_ref_t* refs = malloc((size_t)(schema->num_fields + 1) * sizeof(*refs));
  if (refs == NULL) {
    *status = zcx_error_fail(err, ENOMEM, "schema: out of memory");
    return 0;
  }
  for (int32_t i = 0; i < schema->num_fields; i++) {
    int rc = encode_field(&e, schema->fields[i], &refs[i], err);
    if (rc != 0) {
      free(refs);
      *status = rc;
      return 0;
    }
  }
  zcxi_fb_ref_t fields = zcxi_fbb_ref_vector(b, refs, (size_t)schema->num_fields);
  free(refs);
  zcxi_fb_ref_t md = metadata_vector(b, &schema->metadata, NULL);
  zcxi_fbb_table_start(b);
  zcxi_fbb_add_i16(b, ZCXI_FB_SCHEMA_ENDIANNESS, 0);
  zcxi_fbb_add_ref(b, ZCXI_FB_SCHEMA_FIELDS, fields);
  if (md != 0) {
    zcxi_fbb_add_ref(b, ZCXI_FB_SCHEMA_METADATA, md);
  }
  return zcxi_fbb_table_end(b);
}

int zcxi_ipc_message_finish(zcxi_fbb_t* b, uint8_t header_type, zcxi_fb_ref_t header,
                            int64_t body_length, const zcx_metadata_t* md, const uint8_t** data,
                            size_t* size, zcx_error_t* err) {
  zcxi_fb_ref_t mdv = zcxi_ipc_metadata_to_fb(b, md);
  zcxi_fbb_table_start(b);
  zcxi_fbb_add_i16(b, ZCXI_FB_MSG_VERSION, ZCXI_FB_METADATA_V5);
  zcxi_fbb_add_u8(b, ZCXI_FB_MSG_HEADER_TYPE, header_type);
  zcxi_fbb_add_ref(b, ZCXI_FB_MSG_HEADER, header);
  zcxi_fbb_add_i64(b, ZCXI_FB_MSG_BODY_LENGTH, body_length);
  if (mdv != 0) {
    zcxi_fbb_add_ref(b, ZCXI_FB_MSG_METADATA, mdv);
  }
  zcxi_fb_ref_t root = zcxi_fbb_table_end(b);
  return zcxi_fbb_finish(b, root, data, size, err);
}

int zcxi_ipc_footer_finish(zcxi_fbb_t* b, const zcx_schema_t* schema, const int64_t* dict_ids,
                           const zcxi_ipc_block_t* dicts, int32_t num_dicts,
                           const zcxi_ipc_block_t* batches, int32_t num_batches,
                           const zcx_metadata_t* md, const uint8_t** data, size_t* size,
                           zcx_error_t* err) {
  int rc = 0;
  zcxi_fb_ref_t s = zcxi_ipc_schema_to_fb(b, schema, dict_ids, &rc, err);
  if (rc != 0) {
    return rc;
  }
  zcxi_fb_ref_t dv = zcxi_fbb_vector(b, dicts, sizeof(zcxi_ipc_block_t), (size_t)num_dicts, 8);
  zcxi_fb_ref_t bv =
      zcxi_fbb_vector(b, batches, sizeof(zcxi_ipc_block_t), (size_t)num_batches, 8);
  zcxi_fb_ref_t mdv = zcxi_ipc_metadata_to_fb(b, md);
  zcxi_fbb_table_start(b);
  zcxi_fbb_add_i16(b, ZCXI_FB_FOOTER_VERSION, ZCXI_FB_METADATA_V5);
  zcxi_fbb_add_ref(b, ZCXI_FB_FOOTER_SCHEMA, s);
  zcxi_fbb_add_ref(b, ZCXI_FB_FOOTER_DICTIONARIES, dv);
  zcxi_fbb_add_ref(b, ZCXI_FB_FOOTER_BATCHES, bv);
  if (mdv != 0) {
    zcxi_fbb_add_ref(b, ZCXI_FB_FOOTER_METADATA, mdv);
  }
  zcxi_fb_ref_t root = zcxi_fbb_table_end(b);
  return zcxi_fbb_finish(b, root, data, size, err);
}
