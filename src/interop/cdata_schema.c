// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Arrow C Data interface schemas: format strings, names, flags, binary metadata, extension
// types and dictionaries, exported from and imported into zcx types, fields and schemas.
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "interop/cdata_internal.h"

#define EXT_NAME_KEY "ARROW:extension:name"
#define EXT_META_KEY "ARROW:extension:metadata"

// ---------------------------------------------------------------------------------------------
// Paths for error messages

// Appends up to `max` bytes of `src` at *len in `out` of `size` bytes, keeping it terminated.
// Paths are built on every import, so this avoids printf on the success path.
static void path_append(char* out, size_t size, size_t* len, const char* src, size_t max) {
  size_t n = strnlen(src, max);
  if (n > size - 1 - *len) {
    n = size - 1 - *len;
  }
  memcpy(out + *len, src, n);
  *len += n;
  out[*len] = '\0';
}

void zcxi_cdata_path_child(const char* path, const char* name, int64_t index, char* out) {
  char seg[96];
  if (name != NULL && name[0] != '\0') {
    zcxi_strlcpy(seg, name, sizeof(seg));
  } else {
    snprintf(seg, sizeof(seg), "%" PRId64, index);
  }
  size_t len = 0;
  out[0] = '\0';
  if (path != NULL && path[0] != '\0') {
    path_append(out, ZCXI_CDATA_PATH_SIZE, &len, path, ZCXI_CDATA_PATH_SIZE / 2);
    path_append(out, ZCXI_CDATA_PATH_SIZE, &len, ".", 1);
  }
  path_append(out, ZCXI_CDATA_PATH_SIZE, &len, seg, sizeof(seg));
}

const char* zcxi_cdata_path_show(const char* path, char* buf, size_t size) {
  size_t len = 0;
  buf[0] = '\0';
  if (path == NULL || path[0] == '\0') {
    path_append(buf, size, &len, "top-level field", SIZE_MAX);
  } else {
    path_append(buf, size, &len, "field '", SIZE_MAX);
    path_append(buf, size, &len, path, SIZE_MAX);
    path_append(buf, size, &len, "'", 1);
  }
  return buf;
}

// ---------------------------------------------------------------------------------------------
// Releasing

void zcx_cdata_release_schema(struct ArrowSchema* schema) {
  if (schema != NULL && schema->release != NULL) {
    schema->release(schema);
    schema->release = NULL;
  }
}

void zcx_cdata_release_array(struct ArrowArray* array) {
  if (array != NULL && array->release != NULL) {
    array->release(array);
    array->release = NULL;
  }
}

void zcx_cdata_release_stream(struct ArrowArrayStream* stream) {
  if (stream != NULL && stream->release != NULL) {
    stream->release(stream);
    stream->release = NULL;
  }
}

void zcx_cdata_release_device_array(struct ArrowDeviceArray* array) {
  if (array != NULL) {
    zcx_cdata_release_array(&array->array);
  }
}

void zcx_cdata_release_device_stream(struct ArrowDeviceArrayStream* stream) {
  if (stream != NULL && stream->release != NULL) {
    stream->release(stream);
    stream->release = NULL;
  }
}

// ---------------------------------------------------------------------------------------------
// Format strings

static char unit_char(zcx_time_unit_t unit) {
  switch (unit) {
    case ZCX_TIME_SECOND:
      return 's';
    case ZCX_TIME_MILLI:
      return 'm';
    case ZCX_TIME_MICRO:
      return 'u';
    case ZCX_TIME_NANO:
      return 'n';
  }
  return '?';
}

// Appends the union's type codes ("0,1,5") to buf at *len.
static void put_codes(const zcx_type_t* type, char* buf, size_t size, int64_t* len) {
  for (int32_t i = 0; i < type->num_children; i++) {
    int code = type->type_codes != NULL ? type->type_codes[i] : i;
    char tmp[8];
    int n = snprintf(tmp, sizeof(tmp), "%s%d", i > 0 ? "," : "", code);
    if (*len + n < (int64_t)size) {
      memcpy(buf + *len, tmp, (size_t)n + 1);
    }
    *len += n;
  }
}

int64_t zcx_cdata_format(const zcx_type_t* type, char* buf, size_t size) {
  if (size > 0) {
    buf[0] = '\0';
  }
  if (type == NULL) {
    return -1;
  }
  while (type->id == ZCX_TYPE_EXTENSION && type->storage_type != NULL) {
    type = type->storage_type;
  }
  if (type->id == ZCX_TYPE_DICTIONARY && type->index_type != NULL) {
    type = type->index_type;
  }
  const char* fixed = NULL;
  switch (type->id) {
    case ZCX_TYPE_NA: fixed = "n"; break;
    case ZCX_TYPE_BOOL: fixed = "b"; break;
    case ZCX_TYPE_INT8: fixed = "c"; break;
    case ZCX_TYPE_UINT8: fixed = "C"; break;
    case ZCX_TYPE_INT16: fixed = "s"; break;
    case ZCX_TYPE_UINT16: fixed = "S"; break;
    case ZCX_TYPE_INT32: fixed = "i"; break;
    case ZCX_TYPE_UINT32: fixed = "I"; break;
    case ZCX_TYPE_INT64: fixed = "l"; break;
    case ZCX_TYPE_UINT64: fixed = "L"; break;
    case ZCX_TYPE_HALF_FLOAT: fixed = "e"; break;
    case ZCX_TYPE_FLOAT: fixed = "f"; break;
    case ZCX_TYPE_DOUBLE: fixed = "g"; break;
    case ZCX_TYPE_DATE32: fixed = "tdD"; break;
    case ZCX_TYPE_DATE64: fixed = "tdm"; break;
    case ZCX_TYPE_INTERVAL_MONTHS: fixed = "tiM"; break;
    case ZCX_TYPE_INTERVAL_DAY_TIME: fixed = "tiD"; break;
    case ZCX_TYPE_INTERVAL_MONTH_DAY_NANO: fixed = "tin"; break;
    case ZCX_TYPE_BINARY: fixed = "z"; break;
    case ZCX_TYPE_STRING: fixed = "u"; break;
    case ZCX_TYPE_LARGE_BINARY: fixed = "Z"; break;
    case ZCX_TYPE_LARGE_STRING: fixed = "U"; break;
    case ZCX_TYPE_BINARY_VIEW: fixed = "vz"; break;
    case ZCX_TYPE_STRING_VIEW: fixed = "vu"; break;
    case ZCX_TYPE_LIST: fixed = "+l"; break;
    case ZCX_TYPE_LARGE_LIST: fixed = "+L"; break;
    case ZCX_TYPE_LIST_VIEW: fixed = "+vl"; break;
    case ZCX_TYPE_LARGE_LIST_VIEW: fixed = "+vL"; break;
    case ZCX_TYPE_STRUCT: fixed = "+s"; break;
    case ZCX_TYPE_MAP: fixed = "+m"; break;
    case ZCX_TYPE_RUN_END_ENCODED: fixed = "+r"; break;
    default: break;
  }
  int n = 0;
  if (fixed != NULL) {
    // The common case stays off printf: formats are built on every export.
    zcxi_strlcpy(buf, fixed, size);
    return (int)strlen(fixed);
  }
  switch (type->id) {
    case ZCX_TYPE_DECIMAL128:
      n = snprintf(buf, size, "d:%d,%d", (int)type->precision, (int)type->scale);
      break;
    case ZCX_TYPE_DECIMAL32:
    case ZCX_TYPE_DECIMAL64:
    case ZCX_TYPE_DECIMAL256:
      n = snprintf(buf, size, "d:%d,%d,%d", (int)type->precision, (int)type->scale,
                   (int)type->bit_width);
      break;
    case ZCX_TYPE_TIME32:
    case ZCX_TYPE_TIME64:
      n = snprintf(buf, size, "tt%c", unit_char(type->unit));
      break;
    case ZCX_TYPE_DURATION:
      n = snprintf(buf, size, "tD%c", unit_char(type->unit));
      break;
    case ZCX_TYPE_TIMESTAMP:
      n = snprintf(buf, size, "ts%c:%s", unit_char(type->unit),
                   type->timezone != NULL ? type->timezone : "");
      break;
    case ZCX_TYPE_FIXED_SIZE_BINARY:
      n = snprintf(buf, size, "w:%d", (int)type->fixed_size);
      break;
    case ZCX_TYPE_FIXED_SIZE_LIST:
      n = snprintf(buf, size, "+w:%d", (int)type->fixed_size);
      break;
    case ZCX_TYPE_SPARSE_UNION:
    case ZCX_TYPE_DENSE_UNION: {
      n = snprintf(buf, size, "+u%c:", type->id == ZCX_TYPE_DENSE_UNION ? 'd' : 's');
      int64_t len = n;
      put_codes(type, buf, size, &len);
      return len;
    }
    default:
      return -1;
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// Binary metadata: int32 count, then for each pair int32 key length, key bytes, int32 value
// length, value bytes (native byte order, no terminators).

typedef struct md_entry {
  const char* key;
  int32_t key_len;
  const char* value;
  int32_t value_len;
} md_entry_t;

static int encode_metadata(const md_entry_t* entries, int32_t n, char** out, zcx_error_t* err) {
  *out = NULL;
  if (n == 0) {
    return 0;
  }
  size_t total = 4;
  for (int32_t i = 0; i < n; i++) {
    total += 8 + (size_t)entries[i].key_len + (size_t)entries[i].value_len;
  }
  char* buf = malloc(total);
  if (buf == NULL) {
    return zcx_error_fail(err, ENOMEM, "export schema: metadata of %zu bytes", total);
  }
  char* p = buf;
  memcpy(p, &n, 4);
  p += 4;
  for (int32_t i = 0; i < n; i++) {
    memcpy(p, &entries[i].key_len, 4);
    p += 4;
    memcpy(p, entries[i].key, (size_t)entries[i].key_len);
    p += entries[i].key_len;
    memcpy(p, &entries[i].value_len, 4);
    p += 4;
    if (entries[i].value_len > 0) {
      memcpy(p, entries[i].value, (size_t)entries[i].value_len);
    }
    p += entries[i].value_len;
  }
  *out = buf;
  return 0;
}

// Largest metadata key or value accepted on import: a sanity bound against garbage lengths.
#define MD_MAX_LEN (INT32_C(1) << 30)
#define MD_MAX_COUNT (INT32_C(1) << 20)

// Decoded metadata of an imported node: the field metadata without the extension keys, and
// the extension name and metadata (pointing into the producer's bytes).
typedef struct md_decoded {
  zcx_metadata_t md;
  const char* ext_name;
  int32_t ext_name_len;
  const char* ext_meta;
  int32_t ext_meta_len;
} md_decoded_t;

static int decode_metadata(const char* bytes, const char* where, md_decoded_t* out,
                           zcx_error_t* err) {
  zcx_metadata_init(&out->md);
  out->ext_name = NULL;
  out->ext_name_len = 0;
  out->ext_meta = NULL;
  out->ext_meta_len = 0;
  if (bytes == NULL) {
    return 0;
  }
  int32_t n;
  memcpy(&n, bytes, 4);
  const char* p = bytes + 4;
  if (n < 0 || n > MD_MAX_COUNT) {
    return zcx_error_fail(err, EINVAL, "%s: metadata: bad pair count %d", where, (int)n);
  }
  char* key = NULL;
  char* value = NULL;
  for (int32_t i = 0; i < n; i++) {
    int32_t klen;
    int32_t vlen;
    memcpy(&klen, p, 4);
    p += 4;
    if (klen < 0 || klen > MD_MAX_LEN) {
      zcx_metadata_reset(&out->md);
      return zcx_error_fail(err, EINVAL, "%s: metadata: key %d has bad length %d", where, (int)i,
                            (int)klen);
    }
    const char* k = p;
    p += klen;
    memcpy(&vlen, p, 4);
    p += 4;
    if (vlen < 0 || vlen > MD_MAX_LEN) {
      zcx_metadata_reset(&out->md);
      return zcx_error_fail(err, EINVAL, "%s: metadata: value %d ('%.*s') has bad length %d",
                            where, (int)i, (int)(klen < 64 ? klen : 64), k, (int)vlen);
    }
    const char* v = p;
    p += vlen;
    if ((size_t)klen == strlen(EXT_NAME_KEY) && memcmp(k, EXT_NAME_KEY, (size_t)klen) == 0) {
      out->ext_name = v;
      out->ext_name_len = vlen;
      continue;
    }
    if ((size_t)klen == strlen(EXT_META_KEY) && memcmp(k, EXT_META_KEY, (size_t)klen) == 0) {
      out->ext_meta = v;
      out->ext_meta_len = vlen;
      continue;
    }
    if (memchr(k, '\0', (size_t)klen) != NULL || memchr(v, '\0', (size_t)vlen) != NULL) {
      zcx_metadata_reset(&out->md);
      return zcx_error_fail(err, EINVAL, "%s: metadata: entry %d has an embedded NUL byte",
                            where, (int)i);
    }
    key = malloc((size_t)klen + 1);
    value = malloc((size_t)vlen + 1);
    if (key == NULL || value == NULL) {
      free(key);
      free(value);
      zcx_metadata_reset(&out->md);
      return zcx_error_fail(err, ENOMEM, "%s: metadata entry %d", where, (int)i);
    }
    memcpy(key, k, (size_t)klen);
    key[klen] = '\0';
    memcpy(value, v, (size_t)vlen);
    value[vlen] = '\0';
    int rc = zcx_metadata_append(&out->md, key, value, err);
    free(key);
    free(value);
    if (rc != 0) {
      zcx_metadata_reset(&out->md);
      zcx_error_prefix(err, "%s: metadata: ", where);
      return rc;
    }
  }
  if (out->ext_meta != NULL && out->ext_name == NULL) {
    // Extension metadata without a name is kept as ordinary metadata, as Arrow does, when it
    // is representable.
    if (memchr(out->ext_meta, '\0', (size_t)out->ext_meta_len) == NULL) {
      char* v = malloc((size_t)out->ext_meta_len + 1);
      if (v == NULL) {
        zcx_metadata_reset(&out->md);
        return zcx_error_fail(err, ENOMEM, "%s: metadata", where);
      }
      memcpy(v, out->ext_meta, (size_t)out->ext_meta_len);
      v[out->ext_meta_len] = '\0';
      int rc = zcx_metadata_append(&out->md, EXT_META_KEY, v, err);
      free(v);
      if (rc != 0) {
        zcx_metadata_reset(&out->md);
        return rc;
      }
    }
    out->ext_meta = NULL;
    out->ext_meta_len = 0;
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Export

// Private data of one exported schema node: its strings and its children's structs (which
// live here, so that a consumer that moves a child out leaves a released struct behind).
typedef struct schema_priv {
  char* format;
  char* name;
  char* metadata;
  struct ArrowSchema** child_ptrs;
  struct ArrowSchema* child_structs;
  struct ArrowSchema dictionary;
} schema_priv_t;

static void schema_priv_free(schema_priv_t* priv, int64_t n_children) {
  for (int64_t i = 0; i < n_children; i++) {
    zcx_cdata_release_schema(&priv->child_structs[i]);
  }
  zcx_cdata_release_schema(&priv->dictionary);
  free(priv->format);
  free(priv->name);
  free(priv->metadata);
  free(priv);
}

static void release_schema_node(struct ArrowSchema* schema) {
  if (schema == NULL || schema->release == NULL) {
    return;
  }
  schema_priv_free((schema_priv_t*)schema->private_data, schema->n_children);
  schema->release = NULL;
  schema->private_data = NULL;
}

static char* dup_str(const char* s) {
  size_t n = strlen(s) + 1;
  char* d = malloc(n);
  if (d != NULL) {
    memcpy(d, s, n);
  }
  return d;
}

int zcxi_cdata_export_node(const zcx_type_t* type, const char* name, bool nullable,
                           const zcx_metadata_t* md, struct ArrowSchema* out, zcx_error_t* err) {
  memset(out, 0, sizeof(*out));
  if (type == NULL) {
    return zcx_error_fail(err, EINVAL, "export schema: field '%s' has no type",
                          name != NULL ? name : "");
  }
  const zcx_type_t* ext = NULL;
  if (type->id == ZCX_TYPE_EXTENSION) {
    ext = type;
    type = type->storage_type;
    if (type == NULL || type->id == ZCX_TYPE_EXTENSION) {
      return zcx_error_fail(err, EINVAL,
                            "export schema: field '%s': extension '%s' has no valid storage",
                            name != NULL ? name : "", ext->extension_name);
    }
  }
  const zcx_type_t* value_type = NULL;
  int64_t flags = nullable ? ARROW_FLAG_NULLABLE : 0;
  if (type->id == ZCX_TYPE_DICTIONARY) {
    value_type = type->value_type;
    if (type->ordered) {
      flags |= ARROW_FLAG_DICTIONARY_ORDERED;
    }
  }
  if (type->id == ZCX_TYPE_MAP && type->keys_sorted) {
    flags |= ARROW_FLAG_MAP_KEYS_SORTED;
  }
  // Dictionary types have no children of their own: the value type's children sit under
  // the dictionary member.
  int32_t n_children = type->id == ZCX_TYPE_DICTIONARY ? 0 : type->num_children;
  size_t bytes = sizeof(schema_priv_t) +
                 (size_t)n_children * (sizeof(struct ArrowSchema*) + sizeof(struct ArrowSchema));
  schema_priv_t* priv = calloc(1, bytes);
  if (priv == NULL) {
    return zcx_error_fail(err, ENOMEM, "export schema: %zu bytes", bytes);
  }
  priv->child_ptrs = (struct ArrowSchema**)(priv + 1);
  priv->child_structs = (struct ArrowSchema*)(priv->child_ptrs + n_children);
  char fmt[64];
  int64_t flen = zcx_cdata_format(type, fmt, sizeof(fmt));
  if (flen < 0) {
    free(priv);
    return zcx_error_fail(err, EINVAL, "export schema: field '%s': type id %d has no format",
                          name != NULL ? name : "", (int)type->id);
  }
  if ((size_t)flen >= sizeof(fmt)) {
    priv->format = malloc((size_t)flen + 1);
    if (priv->format != NULL) {
      (void)zcx_cdata_format(type, priv->format, (size_t)flen + 1);
    }
  } else {
    priv->format = dup_str(fmt);
  }
  priv->name = dup_str(name != NULL ? name : "");
  int rc = 0;
  if (priv->format == NULL || priv->name == NULL) {
    rc = zcx_error_fail(err, ENOMEM, "export schema: field '%s'", name != NULL ? name : "");
  }
  // Metadata: the field's entries, then the extension keys.
  if (rc == 0) {
    int32_t n_md = (md != NULL ? md->count : 0) + (ext != NULL ? 2 : 0);
    md_entry_t* entries = n_md > 0 ? malloc((size_t)n_md * sizeof(md_entry_t)) : NULL;
    if (n_md > 0 && entries == NULL) {
      rc = zcx_error_fail(err, ENOMEM, "export schema: metadata");
    } else {
      int32_t k = 0;
      for (int32_t i = 0; md != NULL && i < md->count; i++) {
        entries[k++] = (md_entry_t){md->keys[i], (int32_t)strlen(md->keys[i]), md->values[i],
                                    (int32_t)strlen(md->values[i])};
      }
      if (ext != NULL) {
        const char* en = ext->extension_name != NULL ? ext->extension_name : "";
        entries[k++] = (md_entry_t){EXT_NAME_KEY, (int32_t)strlen(EXT_NAME_KEY), en,
                                    (int32_t)strlen(en)};
        entries[k++] = (md_entry_t){EXT_META_KEY, (int32_t)strlen(EXT_META_KEY),
                                    ext->extension_metadata,
                                    (int32_t)ext->extension_metadata_length};
      }
      rc = encode_metadata(entries, k, &priv->metadata, err);
      free(entries);
    }
  }
  int32_t done = 0;
  for (; rc == 0 && done < n_children; done++) {
    const zcx_field_t* f = type->children[done];
    priv->child_ptrs[done] = &priv->child_structs[done];
    rc = zcxi_cdata_export_node(f->type, f->name, f->nullable, &f->metadata,
                                &priv->child_structs[done], err);
  }
  if (rc == 0 && value_type != NULL) {
    rc = zcxi_cdata_export_node(value_type, "", true, NULL, &priv->dictionary, err);
  }
  if (rc != 0) {
    schema_priv_free(priv, n_children);
    return rc;
  }
  out->format = priv->format;
  out->name = priv->name;
  out->metadata = priv->metadata;
  out->flags = flags;
  out->n_children = n_children;
  out->children = n_children > 0 ? priv->child_ptrs : NULL;
  out->dictionary = value_type != NULL ? &priv->dictionary : NULL;
  out->release = release_schema_node;
  out->private_data = priv;
  return 0;
}

int zcx_cdata_export_field(const zcx_field_t* field, struct ArrowSchema* out, zcx_error_t* err) {
  if (out == NULL) {
    return zcx_error_fail(err, EINVAL, "export field: out is NULL");
  }
  if (field == NULL) {
    memset(out, 0, sizeof(*out));
    return zcx_error_fail(err, EINVAL, "export field: field is NULL");
  }
  return zcxi_cdata_export_node(field->type, field->name, field->nullable, &field->metadata, out,
                                err);
}

int zcx_cdata_export_type(const zcx_type_t* type, const char* name, struct ArrowSchema* out,
                          zcx_error_t* err) {
  if (out == NULL) {
    return zcx_error_fail(err, EINVAL, "export type: out is NULL");
  }
  return zcxi_cdata_export_node(type, name, true, NULL, out, err);
}

int zcx_cdata_export_schema(const zcx_schema_t* schema, struct ArrowSchema* out,
                            zcx_error_t* err) {
  if (out == NULL) {
    return zcx_error_fail(err, EINVAL, "export schema: out is NULL");
  }
  memset(out, 0, sizeof(*out));
  if (schema == NULL) {
    return zcx_error_fail(err, EINVAL, "export schema: schema is NULL");
  }
  int32_t n = schema->num_fields;
  size_t bytes = sizeof(schema_priv_t) +
                 (size_t)n * (sizeof(struct ArrowSchema*) + sizeof(struct ArrowSchema));
  schema_priv_t* priv = calloc(1, bytes);
  if (priv == NULL) {
    return zcx_error_fail(err, ENOMEM, "export schema: %zu bytes", bytes);
  }
  priv->child_ptrs = (struct ArrowSchema**)(priv + 1);
  priv->child_structs = (struct ArrowSchema*)(priv->child_ptrs + n);
  priv->format = dup_str("+s");
  priv->name = dup_str("");
  int rc = 0;
  if (priv->format == NULL || priv->name == NULL) {
    rc = zcx_error_fail(err, ENOMEM, "export schema");
  }
  if (rc == 0 && schema->metadata.count > 0) {
    const zcx_metadata_t* md = &schema->metadata;
    md_entry_t* entries = malloc((size_t)md->count * sizeof(md_entry_t));
    if (entries == NULL) {
      rc = zcx_error_fail(err, ENOMEM, "export schema: metadata");
    } else {
      for (int32_t i = 0; i < md->count; i++) {
        entries[i] = (md_entry_t){md->keys[i], (int32_t)strlen(md->keys[i]), md->values[i],
                                  (int32_t)strlen(md->values[i])};
      }
      rc = encode_metadata(entries, md->count, &priv->metadata, err);
      free(entries);
    }
  }
  for (int32_t i = 0; rc == 0 && i < n; i++) {
    priv->child_ptrs[i] = &priv->child_structs[i];
    rc = zcx_cdata_export_field(schema->fields[i], &priv->child_structs[i], err);
  }
  if (rc != 0) {
    schema_priv_free(priv, n);
    return rc;
  }
  out->format = priv->format;
  out->name = priv->name;
  out->metadata = priv->metadata;
  out->flags = 0;
  out->n_children = n;
  out->children = n > 0 ? priv->child_ptrs : NULL;
  out->dictionary = NULL;
  out->release = release_schema_node;
  out->private_data = priv;
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Import

// Parses a decimal integer in [lo, hi] at *p (no sign, no spaces), advancing *p.
static bool parse_int(const char** p, int64_t lo, int64_t hi, int64_t* out) {
  const char* s = *p;
  bool neg = false;
  if (*s == '-') {
    neg = true;
    s++;
  }
  if (*s < '0' || *s > '9') {
    return false;
  }
  int64_t v = 0;
  while (*s >= '0' && *s <= '9') {
    v = v * 10 + (*s - '0');
    if (v > (int64_t)1 << 40) {
      return false;
    }
    s++;
  }
  if (neg) {
    v = -v;
  }
  if (v < lo || v > hi) {
    return false;
  }
  *p = s;
  *out = v;
  return true;
}

static bool parse_unit(char c, zcx_time_unit_t* unit) {
  switch (c) {
    case 's':
      *unit = ZCX_TIME_SECOND;
      return true;
    case 'm':
      *unit = ZCX_TIME_MILLI;
      return true;
    case 'u':
      *unit = ZCX_TIME_MICRO;
      return true;
    case 'n':
      *unit = ZCX_TIME_NANO;
      return true;
    default:
      return false;
  }
}

// What a format string says, before the children are known.
typedef struct parsed_format {
  zcx_type_id_t id;
  int32_t a;               // decimal precision, fixed sizes
  int32_t b;               // decimal scale
  int32_t bit_width;       // decimal
  zcx_time_unit_t unit;
  const char* tz;          // timestamp (points into the format string)
  int32_t n_codes;         // unions
  int8_t codes[128];
  int32_t children;        // required child count (-1: any)
} parsed_format_t;

static int parse_format(const char* f, const char* where, parsed_format_t* pf, zcx_error_t* err) {
  memset(pf, 0, sizeof(*pf));
  pf->children = 0;
  static const struct {
    const char* s;
    zcx_type_id_t id;
    int32_t children;
  } simple[] = {
      {"n", ZCX_TYPE_NA, 0},        {"b", ZCX_TYPE_BOOL, 0},
      {"c", ZCX_TYPE_INT8, 0},      {"C", ZCX_TYPE_UINT8, 0},
      {"s", ZCX_TYPE_INT16, 0},     {"S", ZCX_TYPE_UINT16, 0},
      {"i", ZCX_TYPE_INT32, 0},     {"I", ZCX_TYPE_UINT32, 0},
      {"l", ZCX_TYPE_INT64, 0},     {"L", ZCX_TYPE_UINT64, 0},
      {"e", ZCX_TYPE_HALF_FLOAT, 0}, {"f", ZCX_TYPE_FLOAT, 0},
      {"g", ZCX_TYPE_DOUBLE, 0},    {"z", ZCX_TYPE_BINARY, 0},
      {"Z", ZCX_TYPE_LARGE_BINARY, 0}, {"u", ZCX_TYPE_STRING, 0},
      {"U", ZCX_TYPE_LARGE_STRING, 0}, {"vz", ZCX_TYPE_BINARY_VIEW, 0},
      {"vu", ZCX_TYPE_STRING_VIEW, 0}, {"tdD", ZCX_TYPE_DATE32, 0},
      {"tdm", ZCX_TYPE_DATE64, 0},  {"tiM", ZCX_TYPE_INTERVAL_MONTHS, 0},
      {"tiD", ZCX_TYPE_INTERVAL_DAY_TIME, 0}, {"tin", ZCX_TYPE_INTERVAL_MONTH_DAY_NANO, 0},
      {"+l", ZCX_TYPE_LIST, 1},     {"+L", ZCX_TYPE_LARGE_LIST, 1},
      {"+vl", ZCX_TYPE_LIST_VIEW, 1}, {"+vL", ZCX_TYPE_LARGE_LIST_VIEW, 1},
      {"+s", ZCX_TYPE_STRUCT, -1},  {"+m", ZCX_TYPE_MAP, 1},
      {"+r", ZCX_TYPE_RUN_END_ENCODED, 2},
  };
  for (size_t i = 0; i < sizeof(simple) / sizeof(simple[0]); i++) {
    if (strcmp(f, simple[i].s) == 0) {
      pf->id = simple[i].id;
      pf->children = simple[i].children;
      return 0;
    }
  }
  const char* p = f;
  int64_t v;
  switch (f[0]) {
    case 'd': {
      // d:P,S or d:P,S,W
      if (f[1] != ':') {
        break;
      }
      p = f + 2;
      int64_t prec;
      int64_t scale;
      if (!parse_int(&p, 1, 76, &prec) || *p != ',') {
        return zcx_error_fail(err, EINVAL, "%s (format '%s'): bad decimal precision", where, f);
      }
      p++;
      if (!parse_int(&p, -1000000, 1000000, &scale)) {
        return zcx_error_fail(err, EINVAL, "%s (format '%s'): bad decimal scale", where, f);
      }
      int64_t width = 128;
      if (*p == ',') {
        p++;
        if (!parse_int(&p, 0, 1024, &width) ||
            (width != 32 && width != 64 && width != 128 && width != 256)) {
          return zcx_error_fail(err, EINVAL,
                                "%s (format '%s'): decimal bit width must be 32, 64, 128 or 256",
                                where, f);
        }
      }
      if (*p != '\0') {
        return zcx_error_fail(err, EINVAL, "%s (format '%s'): trailing characters", where, f);
      }
      pf->id = width == 32    ? ZCX_TYPE_DECIMAL32
               : width == 64  ? ZCX_TYPE_DECIMAL64
               : width == 128 ? ZCX_TYPE_DECIMAL128
                              : ZCX_TYPE_DECIMAL256;
      pf->a = (int32_t)prec;
      pf->b = (int32_t)scale;
      pf->bit_width = (int32_t)width;
      return 0;
    }
    case 'w':
      if (f[1] != ':') {
        break;
      }
      p = f + 2;
      if (!parse_int(&p, 0, INT32_MAX, &v) || *p != '\0') {
        return zcx_error_fail(err, EINVAL, "%s (format '%s'): bad fixed-size binary width", where,
                              f);
      }
      pf->id = ZCX_TYPE_FIXED_SIZE_BINARY;
      pf->a = (int32_t)v;
      return 0;
    case 't':
      if (f[1] == 't' && f[2] != '\0' && f[3] == '\0') {
        if (!parse_unit(f[2], &pf->unit)) {
          return zcx_error_fail(err, EINVAL, "%s (format '%s'): unknown time unit '%c'", where,
                                f, f[2]);
        }
        pf->id = (f[2] == 's' || f[2] == 'm') ? ZCX_TYPE_TIME32 : ZCX_TYPE_TIME64;
        return 0;
      }
      if (f[1] == 'D' && f[2] != '\0' && f[3] == '\0') {
        if (!parse_unit(f[2], &pf->unit)) {
          return zcx_error_fail(err, EINVAL, "%s (format '%s'): unknown time unit '%c'", where,
                                f, f[2]);
        }
        pf->id = ZCX_TYPE_DURATION;
        return 0;
      }
      if (f[1] == 's' && f[2] != '\0') {
        if (!parse_unit(f[2], &pf->unit)) {
          return zcx_error_fail(err, EINVAL, "%s (format '%s'): unknown time unit '%c'", where,
                                f, f[2]);
        }
        if (f[3] != ':') {
          return zcx_error_fail(err, EINVAL,
                                "%s (format '%s'): timestamp needs ':' before the time zone",
                                where, f);
        }
        pf->id = ZCX_TYPE_TIMESTAMP;
        pf->tz = f + 4;
        return 0;
      }
      break;
    case '+':
      if (f[1] == 'w' && f[2] == ':') {
        p = f + 3;
        if (!parse_int(&p, 0, INT32_MAX, &v) || *p != '\0') {
          return zcx_error_fail(err, EINVAL, "%s (format '%s'): bad fixed-size list size", where,
                                f);
        }
        pf->id = ZCX_TYPE_FIXED_SIZE_LIST;
        pf->a = (int32_t)v;
        pf->children = 1;
        return 0;
      }
      if (f[1] == 'u' && (f[2] == 'd' || f[2] == 's')) {
        if (f[3] != ':') {
          return zcx_error_fail(err, EINVAL, "%s (format '%s'): union needs ':' and type codes",
                                where, f);
        }
        pf->id = f[2] == 'd' ? ZCX_TYPE_DENSE_UNION : ZCX_TYPE_SPARSE_UNION;
        p = f + 4;
        while (*p != '\0') {
          if (pf->n_codes >= 128 || !parse_int(&p, 0, 127, &v)) {
            return zcx_error_fail(err, EINVAL, "%s (format '%s'): bad union type code %d",
                                  where, f, (int)pf->n_codes);
          }
          pf->codes[pf->n_codes++] = (int8_t)v;
          if (*p == ',') {
            p++;
            if (*p == '\0') {
              return zcx_error_fail(err, EINVAL, "%s (format '%s'): trailing ','", where, f);
            }
          } else if (*p != '\0') {
            return zcx_error_fail(err, EINVAL, "%s (format '%s'): bad union type code %d",
                                  where, f, (int)pf->n_codes);
          }
        }
        pf->children = pf->n_codes;
        return 0;
      }
      break;
    default:
      break;
  }
  return zcx_error_fail(err, EINVAL, "%s: unknown format string '%s'", where, f);
}

// Nesting deeper than this (children and dictionaries) is rejected, so that a hostile or
// cyclic schema cannot exhaust the stack. Validation of arrays stops at the same depth.
#define MAX_SCHEMA_DEPTH 64

static int import_node(const struct ArrowSchema* s, const char* path, bool is_dictionary,
                       int depth, zcx_field_t** out, zcx_error_t* err);

// Builds the type a parsed format and imported children describe.
static int build_type(const parsed_format_t* pf, const struct ArrowSchema* s,
                      zcx_field_t** kids, int32_t n, const char* where, zcx_type_t** out,
                      zcx_error_t* err) {
  int rc;
  switch (pf->id) {
    case ZCX_TYPE_DECIMAL32:
    case ZCX_TYPE_DECIMAL64:
    case ZCX_TYPE_DECIMAL128:
    case ZCX_TYPE_DECIMAL256:
      rc = zcx_type_decimal(pf->bit_width, pf->a, pf->b, out, err);
      break;
    case ZCX_TYPE_TIME32:
    case ZCX_TYPE_TIME64:
    case ZCX_TYPE_DURATION:
      rc = zcx_type_time(pf->id, pf->unit, out, err);
      break;
    case ZCX_TYPE_TIMESTAMP:
      rc = zcx_type_timestamp(pf->unit, pf->tz, out, err);
      break;
    case ZCX_TYPE_FIXED_SIZE_BINARY:
      rc = zcx_type_fixed_size_binary(pf->a, out, err);
      break;
    case ZCX_TYPE_LIST:
    case ZCX_TYPE_LARGE_LIST:
    case ZCX_TYPE_LIST_VIEW:
    case ZCX_TYPE_LARGE_LIST_VIEW:
      rc = zcx_type_list(pf->id, kids[0], out, err);
      break;
    case ZCX_TYPE_FIXED_SIZE_LIST:
      rc = zcx_type_fixed_size_list(kids[0], pf->a, out, err);
      break;
    case ZCX_TYPE_STRUCT:
      rc = zcx_type_struct(kids, n, out, err);
      break;
    case ZCX_TYPE_MAP:
      rc = zcx_type_map(kids[0], (s->flags & ARROW_FLAG_MAP_KEYS_SORTED) != 0, out, err);
      break;
    case ZCX_TYPE_SPARSE_UNION:
    case ZCX_TYPE_DENSE_UNION:
      rc = zcx_type_union(pf->id, kids, pf->codes, n, out, err);
      break;
    case ZCX_TYPE_RUN_END_ENCODED:
      rc = zcx_type_run_end_encoded(kids[0]->type, kids[1], out, err);
      break;
    default:
      rc = zcx_type_create(pf->id, out, err);
      break;
  }
  if (rc != 0) {
    zcx_error_prefix(err, "%s (format '%s'): ", where, s->format);
  }
  return rc;
}

static bool is_integer(zcx_type_id_t id) {
  return id >= ZCX_TYPE_INT8 && id <= ZCX_TYPE_UINT64;
}

static int import_node(const struct ArrowSchema* s, const char* path, bool is_dictionary,
                       int depth, zcx_field_t** out, zcx_error_t* err) {
  *out = NULL;
  char where[ZCXI_CDATA_PATH_SIZE + 32];
  if (is_dictionary) {
    snprintf(where, sizeof(where), "dictionary of %s",
             zcxi_cdata_path_show(path, (char[ZCXI_CDATA_PATH_SIZE + 16]){0},
                                  ZCXI_CDATA_PATH_SIZE + 16));
  } else {
    zcxi_cdata_path_show(path, where, sizeof(where));
  }
  if (s->release == NULL) {
    return zcx_error_fail(err, EINVAL, "%s: schema is released", where);
  }
  if (depth >= MAX_SCHEMA_DEPTH) {
    return zcx_error_fail(err, EINVAL, "%s: nesting deeper than %d levels", where,
                          MAX_SCHEMA_DEPTH);
  }
  if (s->format == NULL) {
    return zcx_error_fail(err, EINVAL, "%s: format is NULL", where);
  }
  if (s->n_children < 0 || s->n_children > INT32_MAX) {
    return zcx_error_fail(err, EINVAL, "%s (format '%s'): bad n_children %" PRId64, where,
                          s->format, s->n_children);
  }
  if (s->n_children > 0 && s->children == NULL) {
    return zcx_error_fail(err, EINVAL, "%s (format '%s'): children is NULL with n_children %" PRId64,
                          where, s->format, s->n_children);
  }
  parsed_format_t pf;
  ZCX_RETURN_IF_ERROR(parse_format(s->format, where, &pf, err));
  int32_t n = (int32_t)s->n_children;
  if (pf.children >= 0 && n != pf.children) {
    return zcx_error_fail(err, EINVAL, "%s (format '%s'): has %d children, the type needs %d",
                          where, s->format, (int)n, (int)pf.children);
  }
  md_decoded_t md;
  ZCX_RETURN_IF_ERROR(decode_metadata(s->metadata, where, &md, err));
  zcx_field_t** kids = n > 0 ? calloc((size_t)n, sizeof(zcx_field_t*)) : NULL;
  zcx_type_t* type = NULL;
  zcx_type_t* tmp = NULL;
  int rc = 0;
  if (n > 0 && kids == NULL) {
    rc = zcx_error_fail(err, ENOMEM, "%s: %d children", where, (int)n);
  }
  for (int32_t i = 0; rc == 0 && i < n; i++) {
    const struct ArrowSchema* c = s->children[i];
    char cpath[ZCXI_CDATA_PATH_SIZE];
    zcxi_cdata_path_child(path, c != NULL ? c->name : NULL, i, cpath);
    if (c == NULL) {
      rc = zcx_error_fail(err, EINVAL, "%s (format '%s'): child %d is NULL", where, s->format,
                          (int)i);
      break;
    }
    rc = import_node(c, cpath, false, depth + 1, &kids[i], err);
  }
  if (rc == 0) {
    rc = build_type(&pf, s, kids, n, where, &type, err);
  }
  if (rc == 0 && s->dictionary != NULL) {
    if (!is_integer(type->id)) {
      rc = zcx_error_fail(err, EINVAL,
                          "%s (format '%s'): dictionary indices must be an integer type", where,
                          s->format);
    } else {
      zcx_field_t* values = NULL;
      rc = import_node(s->dictionary, path, true, depth + 1, &values, err);
      if (rc == 0) {
        rc = zcx_type_dictionary(type, values->type,
                                 (s->flags & ARROW_FLAG_DICTIONARY_ORDERED) != 0, &tmp, err);
        zcx_field_release(values);
        if (rc != 0) {
          zcx_error_prefix(err, "%s (format '%s'): ", where, s->format);
        } else {
          zcx_type_release(type);
          type = tmp;
          tmp = NULL;
        }
      }
    }
  }
  if (rc == 0 && md.ext_name != NULL) {
    char* name = malloc((size_t)md.ext_name_len + 1);
    if (name == NULL) {
      rc = zcx_error_fail(err, ENOMEM, "%s: extension name", where);
    } else {
      memcpy(name, md.ext_name, (size_t)md.ext_name_len);
      name[md.ext_name_len] = '\0';
      rc = zcx_type_extension(name, md.ext_meta, md.ext_meta_len, type, &tmp, err);
      free(name);
      if (rc != 0) {
        zcx_error_prefix(err, "%s (format '%s'): ", where, s->format);
      } else {
        zcx_type_release(type);
        type = tmp;
      }
    }
  }
  if (rc == 0) {
    rc = zcx_field_create(s->name != NULL ? s->name : "", type,
                          (s->flags & ARROW_FLAG_NULLABLE) != 0, &md.md, out, err);
    if (rc != 0) {
      zcx_error_prefix(err, "%s (format '%s'): ", where, s->format);
    }
  }
  zcx_type_release(type);
  for (int32_t i = 0; i < n && kids != NULL; i++) {
    zcx_field_release(kids[i]);
  }
  free(kids);
  zcx_metadata_reset(&md.md);
  return rc;
}

int zcxi_cdata_parse_field(const struct ArrowSchema* schema, zcx_field_t** out,
                           zcx_error_t* err) {
  if (out == NULL) {
    return zcx_error_fail(err, EINVAL, "import schema: out is NULL");
  }
  *out = NULL;
  if (schema == NULL) {
    return zcx_error_fail(err, EINVAL, "import schema: schema is NULL");
  }
  const char* path = schema->release != NULL && schema->name != NULL ? schema->name : "";
  return import_node(schema, path, false, 0, out, err);
}

int zcxi_cdata_parse_schema(const struct ArrowSchema* schema, zcx_schema_t** out,
                            zcx_error_t* err) {
  if (out == NULL) {
    return zcx_error_fail(err, EINVAL, "import schema: out is NULL");
  }
  *out = NULL;
  if (schema == NULL) {
    return zcx_error_fail(err, EINVAL, "import schema: schema is NULL");
  }
  if (schema->release != NULL && (schema->format == NULL || strcmp(schema->format, "+s") != 0)) {
    return zcx_error_fail(err, EINVAL,
                          "import schema: top-level format is '%s', a schema needs '+s'",
                          schema->format != NULL ? schema->format : "(null)");
  }
  zcx_field_t* field = NULL;
  ZCX_RETURN_IF_ERROR(import_node(schema, "", false, 0, &field, err));
  if (field->type->id != ZCX_TYPE_STRUCT) {
    zcx_field_release(field);
    return zcx_error_fail(err, EINVAL, "import schema: top-level type is not a struct");
  }
  int rc = zcx_schema_create(field->type->children, field->type->num_children, &field->metadata,
                             out, err);
  zcx_field_release(field);
  if (rc != 0) {
    zcx_error_prefix(err, "import schema: ");
  }
  return rc;
}

int zcx_cdata_import_field(struct ArrowSchema* schema, zcx_field_t** out, zcx_error_t* err) {
  ZCX_RETURN_IF_ERROR(zcxi_cdata_parse_field(schema, out, err));
  zcx_cdata_release_schema(schema);
  return 0;
}

int zcx_cdata_import_type(struct ArrowSchema* schema, zcx_type_t** out, zcx_error_t* err) {
  if (out == NULL) {
    return zcx_error_fail(err, EINVAL, "import schema: out is NULL");
  }
  *out = NULL;
  zcx_field_t* field = NULL;
  ZCX_RETURN_IF_ERROR(zcx_cdata_import_field(schema, &field, err));
  zcx_type_retain(field->type);
  *out = field->type;
  zcx_field_release(field);
  return 0;
}

int zcx_cdata_import_schema(struct ArrowSchema* schema, zcx_schema_t** out, zcx_error_t* err) {
  ZCX_RETURN_IF_ERROR(zcxi_cdata_parse_schema(schema, out, err));
  zcx_cdata_release_schema(schema);
  return 0;
}
