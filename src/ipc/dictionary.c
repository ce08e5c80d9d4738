// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The dictionaries of a schema: their walk order (shared by reader and writer), the memo of
// dictionaries a reader has received, and concatenation for delta dictionaries.
#include <stdlib.h>
#include <string.h>

#include "ipc/internal.h"

static const zcx_type_t* storage_of(const zcx_type_t* t) {
  return t->id == ZCX_TYPE_EXTENSION ? t->storage_type : t;
}

static int walk_field(const zcx_field_t* f, zcxi_ipc_dict_fn fn, void* ctx, int depth,
                      zcx_error_t* err) {
  if (depth > 256) {
    return zcx_error_fail(err, EINVAL, "fields nested over 256 deep");
  }
  const zcx_type_t* t = storage_of(f->type);
  if (t->id == ZCX_TYPE_DICTIONARY) {
    ZCX_RETURN_IF_ERROR(fn(ctx, f, err));
    t = storage_of(t->value_type);
  }
  for (int32_t i = 0; i < t->num_children; i++) {
    ZCX_RETURN_IF_ERROR(walk_field(t->children[i], fn, ctx, depth + 1, err));
  }
  return 0;
}

int zcxi_ipc_walk_dictionaries(const zcx_schema_t* schema, zcxi_ipc_dict_fn fn, void* ctx,
                               zcx_error_t* err) {
  for (int32_t i = 0; i < schema->num_fields; i++) {
    ZCX_RETURN_IF_ERROR(walk_field(schema->fields[i], fn, ctx, 0, err));
  }
  return 0;
}

zcxi_ipc_dict_t* zcxi_ipc_memo_find(zcxi_ipc_memo_t* memo, int64_t id) {
  for (int32_t i = 0; i < memo->count; i++) {
    if (memo->dicts[i].id == id) {
      return &memo->dicts[i];
    }
  }
  return NULL;
}

static int memo_add(void* ctx, const zcx_field_t* f, zcx_error_t* err) {
  zcxi_ipc_memo_t* memo = ctx;
  zcx_type_t* value_type = storage_of(f->type)->value_type;
  zcxi_ipc_dict_t* d = zcxi_ipc_memo_find(memo, f->dictionary_id);
  if (d != NULL) {
    if (!zcx_type_equal(d->value_type, value_type)) {
      return zcx_error_fail(err, EINVAL,
                            "fields '%s' and '%s' share dictionary id %lld with different "
                            "value types",
                            d->field_name, f->name, (long long)f->dictionary_id);
    }
    return 0;
  }
  if (f->dictionary_id < 0) {
    return zcx_error_fail(err, EINVAL, "field '%s': dictionary without an id", f->name);
  }
  zcxi_ipc_dict_t* n = realloc(memo->dicts, (size_t)(memo->count + 1) * sizeof(*n));
  if (n == NULL) {
    return zcx_error_fail(err, ENOMEM, "out of memory for dictionary %lld",
                          (long long)f->dictionary_id);
  }
  memo->dicts = n;
  zcxi_ipc_dict_t* e = &n[memo->count++];
  e->id = f->dictionary_id;
  e->value_type = value_type;
  zcx_type_retain(e->value_type);
  e->values = NULL;
  e->field_name = f->name;
  return 0;
}

int zcxi_ipc_memo_init(zcxi_ipc_memo_t* memo, const zcx_schema_t* schema, zcx_error_t* err) {
  memo->count = 0;
  memo->dicts = NULL;
  int rc = zcxi_ipc_walk_dictionaries(schema, memo_add, memo, err);
  if (rc != 0) {
    zcxi_ipc_memo_reset(memo);
  }
  return rc;
}

void zcxi_ipc_memo_reset(zcxi_ipc_memo_t* memo) {
  for (int32_t i = 0; i < memo->count; i++) {
    zcx_type_release(memo->dicts[i].value_type);
    zcx_array_release(memo->dicts[i].values);
  }
  free(memo->dicts);
  memo->dicts = NULL;
  memo->count = 0;
}

static int append_all(zcx_builder_t* b, const zcx_array_t* a, zcx_error_t* err) {
  int32_t width = zcx_type_byte_width(a->type);
  zcx_type_id_t id = a->type->id;
  for (int64_t i = 0; i < a->length; i++) {
    if (zcx_array_is_null(a, i)) {
      ZCX_RETURN_IF_ERROR(zcx_builder_append_null(b, 1, err));
    } else if (id == ZCX_TYPE_BOOL) {
      ZCX_RETURN_IF_ERROR(zcx_builder_append_bool(b, zcx_array_get_bool(a, i), err));
    } else if (id == ZCX_TYPE_BINARY || id == ZCX_TYPE_STRING || id == ZCX_TYPE_LARGE_BINARY ||
               id == ZCX_TYPE_LARGE_STRING || id == ZCX_TYPE_BINARY_VIEW ||
               id == ZCX_TYPE_STRING_VIEW) {
      const uint8_t* p;
      int64_t n;
      zcx_array_get_bytes(a, i, &p, &n);
      ZCX_RETURN_IF_ERROR(zcx_builder_append_bytes(b, p, n, err));
    } else {
      const uint8_t* base = zcx_buffer_data(a->buffers[1]);
      ZCX_RETURN_IF_ERROR(
          zcx_builder_append_values(b, base + (a->offset + i) * width, 1, err));
    }
  }
  return 0;
}

int zcxi_ipc_concat(zcx_array_t* base, zcx_array_t* delta, zcx_mr_t* mr, zcx_array_t** out,
                    zcx_error_t* err) {
  *out = NULL;
  const zcx_type_t* t = base->type;
  bool bytes_like = t->id == ZCX_TYPE_BINARY || t->id == ZCX_TYPE_STRING ||
                    t->id == ZCX_TYPE_LARGE_BINARY || t->id == ZCX_TYPE_LARGE_STRING ||
                    t->id == ZCX_TYPE_BINARY_VIEW || t->id == ZCX_TYPE_STRING_VIEW;
  bool fixed = t->num_children == 0 && zcx_type_byte_width(t) > 0 &&
               zcx_type_num_buffers(t) == 2 && t->id != ZCX_TYPE_DICTIONARY;
  if (!bytes_like && !fixed && t->id != ZCX_TYPE_BOOL) {
    return zcx_error_fail(err, ENOTSUP, "delta dictionaries of %s values are not supported",
                          zcx_type_id_name(t->id));
  }
  zcx_builder_t* b = NULL;
  ZCX_RETURN_IF_ERROR(zcx_builder_create(base->type, mr, &b, err));
  int rc = zcx_builder_reserve(b, base->length + delta->length, err);
  if (rc == 0) {
    rc = append_all(b, base, err);
  }
  if (rc == 0) {
    rc = append_all(b, delta, err);
  }
  if (rc == 0) {
    rc = zcx_builder_finish(b, out, err);
  }
  zcx_builder_destroy(b);
  return rc;
}

// ---------------------------------------------------------------------------------------------
// Writing: ids and dictionary arrays in walk order

typedef struct ids_ctx {
  int64_t* ids;
  int32_t n;
  int64_t next;
} ids_ctx_t;

static int ids_count(void* ctx, const zcx_field_t* f, zcx_error_t* err) {
  (void)err;
  ids_ctx_t* c = ctx;
  if (f->dictionary_id >= c->next) {
    c->next = f->dictionary_id + 1;
  }
  c->n++;
  return 0;
}

static int ids_assign(void* ctx, const zcx_field_t* f, zcx_error_t* err) {
  (void)err;
  ids_ctx_t* c = ctx;
  c->ids[c->n++] = f->dictionary_id >= 0 ? f->dictionary_id : c->next++;
  return 0;
}

int zcxi_ipc_dictionary_ids(const zcx_schema_t* schema, int64_t** ids, int32_t* n,
                            zcx_error_t* err) {
  *ids = NULL;
  *n = 0;
  ids_ctx_t c = {NULL, 0, 0};
  ZCX_RETURN_IF_ERROR(zcxi_ipc_walk_dictionaries(schema, ids_count, &c, err));
  int32_t count = c.n;
  c.ids = calloc((size_t)count + 1, sizeof(int64_t));
  if (c.ids == NULL) {
    return zcx_error_fail(err, ENOMEM, "out of memory for %d dictionary ids", count);
  }
  c.n = 0;
  int rc = zcxi_ipc_walk_dictionaries(schema, ids_assign, &c, err);
  if (rc != 0) {
    free(c.ids);
    return rc;
  }
  *ids = c.ids;
  *n = count;
  return 0;
}

int zcxi_ipc_collect_dictionaries(zcx_array_t* column, zcx_array_t** out, int32_t* n,
                                  int32_t max, zcx_error_t* err) {
  zcx_array_t* walk = column;
  const zcx_type_t* t = storage_of(column->type);
  if (t->id == ZCX_TYPE_DICTIONARY) {
    if (*n >= max || column->dictionary == NULL) {
      return zcx_error_fail(err, EINVAL, "dictionary array without its dictionary");
    }
    out[(*n)++] = column->dictionary;
    walk = column->dictionary;
  }
  for (int32_t i = 0; i < walk->num_children; i++) {
    ZCX_RETURN_IF_ERROR(zcxi_ipc_collect_dictionaries(walk->children[i], out, n, max, err));
  }
  return 0;
}
