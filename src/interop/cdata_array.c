// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Arrow C Data interface arrays and record batches: zero-copy export of zcx arrays to
// ArrowArray and import of ArrowArray into zcx arrays through one shared import owner.
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "interop/cdata_internal.h"

// ---------------------------------------------------------------------------------------------
// Layout helpers

// The type whose physical layout an array of `t` has (extension storage unwrapped).
static const zcx_type_t* storage_of(const zcx_type_t* t) {
  while (t != NULL && t->id == ZCX_TYPE_EXTENSION) {
    t = t->storage_type;
  }
  return t;
}

static bool is_view(zcx_type_id_t id) {
  return id == ZCX_TYPE_BINARY_VIEW || id == ZCX_TYPE_STRING_VIEW;
}

static void note_device(zcxi_cdata_devices_t* devs, const zcx_buffer_t* b) {
  zcx_device_t d = zcx_buffer_device(b);
  if (!zcx_device_is_host_accessible(d)) {
    devs->non_host = true;
  }
  if (!devs->any) {
    devs->any = true;
    devs->device = d;
  } else if (!zcx_device_equal(devs->device, d)) {
    devs->mixed = true;
  }
}

// ---------------------------------------------------------------------------------------------
// Export

// Private data of one exported ArrowArray node. The children's structs live here, so that a
// consumer that moves a child out leaves a released struct behind, and each child holds its
// own reference to its zcx array, so children can be released in any order.
typedef struct array_priv {
  zcx_array_t* array;  // the reference this node holds (NULL for a batch)
  zcx_batch_t* batch;  // the reference a batch node holds
  const void** buffers;
  int64_t* variadic_sizes;
  struct ArrowArray** child_ptrs;
  struct ArrowArray* child_structs;
  int64_t n_children;
  struct ArrowArray dictionary;
} array_priv_t;

static void array_priv_free(array_priv_t* priv) {
  for (int64_t i = 0; i < priv->n_children; i++) {
    zcx_cdata_release_array(&priv->child_structs[i]);
  }
  zcx_cdata_release_array(&priv->dictionary);
  zcx_array_release(priv->array);
  zcx_batch_release(priv->batch);
  free(priv);
}

static void release_array_node(struct ArrowArray* array) {
  if (array == NULL || array->release == NULL) {
    return;
  }
  array_priv_free((array_priv_t*)array->private_data);
  array->release = NULL;
  array->private_data = NULL;
}

// One allocation for the private data, the buffer pointers, the variadic sizes and the
// children's pointers and structs.
static array_priv_t* array_priv_new(int64_t n_buffers, int64_t n_variadic, int64_t n_children) {
  size_t bytes = sizeof(array_priv_t) + (size_t)n_buffers * sizeof(void*) +
                 (size_t)n_variadic * sizeof(int64_t) +
                 (size_t)n_children * (sizeof(struct ArrowArray*) + sizeof(struct ArrowArray));
  array_priv_t* priv = calloc(1, bytes);
  if (priv == NULL) {
    return NULL;
  }
  char* p = (char*)(priv + 1);
  priv->child_structs = (struct ArrowArray*)p;
  p += (size_t)n_children * sizeof(struct ArrowArray);
  priv->child_ptrs = (struct ArrowArray**)p;
  p += (size_t)n_children * sizeof(struct ArrowArray*);
  priv->buffers = (const void**)p;
  p += (size_t)n_buffers * sizeof(void*);
  priv->variadic_sizes = (int64_t*)p;
  priv->n_children = n_children;
  return priv;
}

int zcxi_cdata_export_array(zcx_array_t* array, struct ArrowArray* out, zcxi_cdata_devices_t* devs,
                            zcx_error_t* err) {
  memset(out, 0, sizeof(*out));
  const zcx_type_t* st = storage_of(array->type);
  if (st != NULL && st->id == ZCX_TYPE_DICTIONARY) {
    st = storage_of(st->index_type);
  }
  int64_t nb = array->num_buffers;
  int64_t n_var = 0;
  if (st != NULL && is_view(st->id)) {
    n_var = nb > 2 ? nb - 2 : 0;
    nb += 1;
  }
  array_priv_t* priv = array_priv_new(nb, n_var, array->num_children);
  if (priv == NULL) {
    return zcx_error_fail(err, ENOMEM, "export array: %d buffers, %d children",
                          (int)array->num_buffers, (int)array->num_children);
  }
  for (int32_t i = 0; i < array->num_buffers; i++) {
    const zcx_buffer_t* b = array->buffers[i];
    priv->buffers[i] = b != NULL ? zcx_buffer_data(b) : NULL;
    if (b != NULL) {
      note_device(devs, b);
    }
  }
  if (st != NULL && is_view(st->id)) {
    for (int64_t i = 0; i < n_var; i++) {
      priv->variadic_sizes[i] = zcx_buffer_size(array->buffers[2 + i]);
    }
    priv->buffers[nb - 1] = priv->variadic_sizes;
  }
  int rc = 0;
  for (int32_t i = 0; rc == 0 && i < array->num_children; i++) {
    priv->child_ptrs[i] = &priv->child_structs[i];
    rc = zcxi_cdata_export_array(array->children[i], &priv->child_structs[i], devs, err);
  }
  if (rc == 0 && array->dictionary != NULL) {
    rc = zcxi_cdata_export_array(array->dictionary, &priv->dictionary, devs, err);
  }
  if (rc != 0) {
    array_priv_free(priv);
    return rc;
  }
  zcx_array_retain(array);
  priv->array = array;
  out->length = array->length;
  // Read atomically: zcx_array_null_count may be storing it meanwhile.
  out->null_count = __atomic_load_n(&array->null_count, __ATOMIC_RELAXED);
  out->offset = array->offset;
  out->n_buffers = nb;
  out->n_children = array->num_children;
  out->buffers = nb > 0 ? priv->buffers : NULL;
  out->children = array->num_children > 0 ? priv->child_ptrs : NULL;
  out->dictionary = array->dictionary != NULL ? &priv->dictionary : NULL;
  out->release = release_array_node;
  out->private_data = priv;
  return 0;
}

int zcxi_cdata_export_batch(zcx_batch_t* batch, struct ArrowArray* out, zcxi_cdata_devices_t* devs,
                            zcx_error_t* err) {
  memset(out, 0, sizeof(*out));
  array_priv_t* priv = array_priv_new(1, 0, batch->num_columns);
  if (priv == NULL) {
    return zcx_error_fail(err, ENOMEM, "export batch: %d columns", (int)batch->num_columns);
  }
  priv->buffers[0] = NULL;
  int rc = 0;
  for (int32_t i = 0; rc == 0 && i < batch->num_columns; i++) {
    priv->child_ptrs[i] = &priv->child_structs[i];
    rc = zcxi_cdata_export_array(batch->columns[i], &priv->child_structs[i], devs, err);
  }
  if (rc != 0) {
    array_priv_free(priv);
    return rc;
  }
  zcx_batch_retain(batch);
  priv->batch = batch;
  out->length = batch->num_rows;
  out->null_count = 0;
  out->offset = 0;
  out->n_buffers = 1;
  out->n_children = batch->num_columns;
  out->buffers = priv->buffers;
  out->children = batch->num_columns > 0 ? priv->child_ptrs : NULL;
  out->dictionary = NULL;
  out->release = release_array_node;
  out->private_data = priv;
  return 0;
}

static void devices_init(zcxi_cdata_devices_t* devs) { memset(devs, 0, sizeof(*devs)); }

int zcx_cdata_export_array(zcx_array_t* array, struct ArrowArray* out,
                           struct ArrowSchema* out_schema, zcx_error_t* err) {
  if (out == NULL) {
    return zcx_error_fail(err, EINVAL, "export array: out is NULL");
  }
  memset(out, 0, sizeof(*out));
  if (out_schema != NULL) {
    memset(out_schema, 0, sizeof(*out_schema));
  }
  if (array == NULL) {
    return zcx_error_fail(err, EINVAL, "export array: array is NULL");
  }
  zcxi_cdata_devices_t devs;
  devices_init(&devs);
  ZCX_RETURN_IF_ERROR(zcxi_cdata_export_array(array, out, &devs, err));
  if (devs.non_host) {
    zcx_cdata_release_array(out);
    return zcx_error_fail(err, EINVAL,
                          "export array: buffers on device %s:%d cannot be read by the CPU; "
                          "export a device array instead",
                          zcx_device_type_name(devs.device.type), (int)devs.device.id);
  }
  if (out_schema != NULL) {
    int rc = zcx_cdata_export_type(array->type, "", out_schema, err);
    if (rc != 0) {
      zcx_cdata_release_array(out);
      return rc;
    }
  }
  return 0;
}

int zcx_cdata_export_batch(zcx_batch_t* batch, struct ArrowArray* out,
                           struct ArrowSchema* out_schema, zcx_error_t* err) {
  if (out == NULL) {
    return zcx_error_fail(err, EINVAL, "export batch: out is NULL");
  }
  memset(out, 0, sizeof(*out));
  if (out_schema != NULL) {
    memset(out_schema, 0, sizeof(*out_schema));
  }
  if (batch == NULL) {
    return zcx_error_fail(err, EINVAL, "export batch: batch is NULL");
  }
  zcxi_cdata_devices_t devs;
  devices_init(&devs);
  ZCX_RETURN_IF_ERROR(zcxi_cdata_export_batch(batch, out, &devs, err));
  if (devs.non_host) {
    zcx_cdata_release_array(out);
    return zcx_error_fail(err, EINVAL,
                          "export batch: buffers on device %s:%d cannot be read by the CPU; "
                          "export a device array instead",
                          zcx_device_type_name(devs.device.type), (int)devs.device.id);
  }
  if (out_schema != NULL) {
    int rc = zcx_cdata_export_schema(batch->schema, out_schema, err);
    if (rc != 0) {
      zcx_cdata_release_array(out);
      return rc;
    }
  }
  return 0;
}

// Records the devices of every buffer under `a`.
static void array_devices(const zcx_array_t* a, zcxi_cdata_devices_t* devs) {
  for (int32_t i = 0; i < a->num_buffers; i++) {
    if (a->buffers[i] != NULL) {
      note_device(devs, a->buffers[i]);
    }
  }
  for (int32_t i = 0; i < a->num_children; i++) {
    array_devices(a->children[i], devs);
  }
  if (a->dictionary != NULL) {
    array_devices(a->dictionary, devs);
  }
}

void zcxi_cdata_batch_devices(const zcx_batch_t* batch, zcxi_cdata_devices_t* devs) {
  for (int32_t i = 0; i < batch->num_columns; i++) {
    array_devices(batch->columns[i], devs);
  }
}

// ---------------------------------------------------------------------------------------------
// Import

// The one owner of an imported ArrowArray tree. Every zcx buffer wrapped from it holds a
// reference; the last one calls the producer's release. Until the import succeeds the
// owner is not armed: a failed import drops its references without releasing anything, and
// the caller keeps the struct.
typedef struct import_owner {
  zcxi_refcount_t refs;
  bool armed;
  struct ArrowArray moved;
} import_owner_t;

static void owner_unref(import_owner_t* owner) {
  if (!zcxi_refcount_dec(&owner->refs)) {
    return;
  }
  if (owner->armed && owner->moved.release != NULL) {
    owner->moved.release(&owner->moved);
  }
  free(owner);
}

static void owner_buffer_release(void* ctx, void* data, int64_t size) {
  (void)data;
  (void)size;
  owner_unref((import_owner_t*)ctx);
}

// Eight zero bytes: the single offset of an empty array whose producer left offsets NULL.
static const int64_t zero_offsets[1] = {0};

typedef struct import_ctx {
  import_owner_t* owner;
  zcx_device_t device;
  bool host_readable;
} import_ctx_t;

// Wraps producer buffer `i` of `a` (`size` bytes; -1: unknown) as a zcx buffer.
static int wrap_buffer(const import_ctx_t* ctx, const void* data, int64_t size, zcx_buffer_t** out,
                       zcx_error_t* err) {
  if (size < 0) {
    size = 0;
  }
  if (data == NULL) {
    return zcx_buffer_wrap(NULL, 0, ctx->device, 0, NULL, NULL, out, err);
  }
  zcxi_refcount_inc(&ctx->owner->refs);
  int rc = zcx_buffer_wrap((void*)(uintptr_t)data, size, ctx->device, 0, owner_buffer_release,
                           ctx->owner, out, err);
  if (rc != 0) {
    owner_unref(ctx->owner);
  }
  return rc;
}

// What an ArrowArray of a physical type must look like.
typedef struct layout {
  int64_t n_buffers;     // fixed count (views: the minimum, 3)
  bool validity;         // buffer 0 is a validity bitmap
  int64_t sizes[4];      // bytes of each fixed buffer; -1: known only from the data
  int32_t offsets_width; // 4 or 8 when buffer 1 holds offsets (binary, lists), else 0
  bool offsets_data;     // buffer 2 is the data the offsets point into
} layout_t;

// `count` elements of `width` bytes, or EINVAL when that overflows.
static int elems_bytes(int64_t count, int64_t width, const char* where, int64_t* out,
                       zcx_error_t* err) {
  if (!zcxi_mul_i64(count, width, out)) {
    return zcx_error_fail(err, EINVAL, "%s: %" PRId64 " elements of %" PRId64 " bytes overflow",
                          where, count, width);
  }
  return 0;
}

// The sizes are computed from a claimed offset + length (end < INT64_MAX, checked by the
// caller) and every product is overflow-checked: a hostile length is rejected here, before
// anything is read.
static int layout_of(const zcx_type_t* st, int64_t end, const char* where, layout_t* lay,
                     zcx_error_t* err) {
  memset(lay, 0, sizeof(*lay));
  int64_t bits = end / 8 + (end % 8 != 0);
  int64_t w;
  switch (st->id) {
    case ZCX_TYPE_NA:
    case ZCX_TYPE_RUN_END_ENCODED:
      lay->n_buffers = 0;
      return 0;
    case ZCX_TYPE_BOOL:
      lay->n_buffers = 2;
      lay->validity = true;
      lay->sizes[0] = bits;
      lay->sizes[1] = bits;
      return 0;
    case ZCX_TYPE_BINARY:
    case ZCX_TYPE_STRING:
    case ZCX_TYPE_LARGE_BINARY:
    case ZCX_TYPE_LARGE_STRING:
      w = (st->id == ZCX_TYPE_BINARY || st->id == ZCX_TYPE_STRING) ? 4 : 8;
      lay->n_buffers = 3;
      lay->validity = true;
      lay->sizes[0] = bits;
      ZCX_RETURN_IF_ERROR(elems_bytes(end + 1, w, where, &lay->sizes[1], err));
      lay->sizes[2] = -1;
      lay->offsets_width = (int32_t)w;
      lay->offsets_data = true;
      return 0;
    case ZCX_TYPE_BINARY_VIEW:
    case ZCX_TYPE_STRING_VIEW:
      lay->n_buffers = 3;
      lay->validity = true;
      lay->sizes[0] = bits;
      return elems_bytes(end, 16, where, &lay->sizes[1], err);
    case ZCX_TYPE_LIST:
    case ZCX_TYPE_MAP:
    case ZCX_TYPE_LARGE_LIST:
      w = st->id == ZCX_TYPE_LARGE_LIST ? 8 : 4;
      lay->n_buffers = 2;
      lay->validity = true;
      lay->sizes[0] = bits;
      ZCX_RETURN_IF_ERROR(elems_bytes(end + 1, w, where, &lay->sizes[1], err));
      lay->offsets_width = (int32_t)w;
      return 0;
    case ZCX_TYPE_LIST_VIEW:
    case ZCX_TYPE_LARGE_LIST_VIEW:
      w = st->id == ZCX_TYPE_LARGE_LIST_VIEW ? 8 : 4;
      lay->n_buffers = 3;
      lay->validity = true;
      lay->sizes[0] = bits;
      ZCX_RETURN_IF_ERROR(elems_bytes(end, w, where, &lay->sizes[1], err));
      lay->sizes[2] = lay->sizes[1];
      return 0;
    case ZCX_TYPE_FIXED_SIZE_LIST:
    case ZCX_TYPE_STRUCT:
      lay->n_buffers = 1;
      lay->validity = true;
      lay->sizes[0] = bits;
      return 0;
    case ZCX_TYPE_SPARSE_UNION:
      lay->n_buffers = 1;
      lay->sizes[0] = end;
      return 0;
    case ZCX_TYPE_DENSE_UNION:
      lay->n_buffers = 2;
      lay->sizes[0] = end;
      return elems_bytes(end, 4, where, &lay->sizes[1], err);
    default:
      w = zcx_type_byte_width(st);  // bytes per value of a fixed-width type, else 0
      if (w <= 0 && st->id != ZCX_TYPE_FIXED_SIZE_BINARY) {
        return zcx_error_fail(err, EINVAL, "%s: type id %d has no C Data layout", where,
                              (int)st->id);
      }
      lay->n_buffers = 2;
      lay->validity = true;
      lay->sizes[0] = bits;
      if (w > 0 && end > INT64_MAX / w) {
        return zcx_error_fail(err, EINVAL, "%s: %" PRId64 " values of %" PRId64 " bytes overflow",
                              where, end, w);
      }
      lay->sizes[1] = end * w;
      return 0;
  }
}

static int64_t read_offset(const void* offsets, int32_t width, int64_t i) {
  if (width == 4) {
    int32_t v;
    memcpy(&v, (const char*)offsets + i * 4, 4);
    return v;
  }
  int64_t v;
  memcpy(&v, (const char*)offsets + i * 8, 8);
  return v;
}

static int import_node(const struct ArrowArray* a, const zcx_type_t* type, const char* path,
                       const import_ctx_t* ctx, zcx_array_t** out, zcx_error_t* err);

// Imports the buffers, children and dictionary of `a` and creates the zcx array.
static int import_parts(const struct ArrowArray* a, const zcx_type_t* type, const char* path,
                        const char* where, const import_ctx_t* ctx, zcx_buffer_t** bufs,
                        int32_t* n_bufs, zcx_array_t** kids, int32_t* n_kids, zcx_array_t** dict,
                        zcx_error_t* err) {
  const zcx_type_t* st = storage_of(type);
  const zcx_type_t* lt = st;  // the type of the buffers
  if (st->id == ZCX_TYPE_DICTIONARY) {
    lt = storage_of(st->index_type);
    if (a->dictionary == NULL) {
      return zcx_error_fail(err, EINVAL, "%s: dictionary-encoded array without a dictionary",
                            where);
    }
  } else if (a->dictionary != NULL) {
    return zcx_error_fail(err, EINVAL, "%s: has a dictionary but type %s is not a dictionary",
                          where, zcx_type_id_name(st->id));
  }
  int64_t end;
  if (!zcxi_add_i64(a->offset, a->length, &end) || end == INT64_MAX) {
    return zcx_error_fail(err, EINVAL, "%s: offset %" PRId64 " + length %" PRId64 " overflows",
                          where, a->offset, a->length);
  }
  layout_t lay;
  ZCX_RETURN_IF_ERROR(layout_of(lt, end, where, &lay, err));
  bool view = is_view(lt->id);
  if (view ? a->n_buffers < 3 : a->n_buffers != lay.n_buffers) {
    return zcx_error_fail(err, EINVAL, "%s: has %" PRId64 " buffers, type %s needs %s%" PRId64,
                          where, a->n_buffers, zcx_type_id_name(lt->id), view ? "at least " : "",
                          lay.n_buffers);
  }
  if (a->n_buffers > 0 && a->buffers == NULL) {
    return zcx_error_fail(err, EINVAL, "%s: buffers is NULL with n_buffers %" PRId64, where,
                          a->n_buffers);
  }
  if (a->n_buffers > INT32_MAX / 2) {
    return zcx_error_fail(err, EINVAL, "%s: n_buffers %" PRId64 " too large", where,
                          a->n_buffers);
  }
  int64_t want_children = st->id == ZCX_TYPE_DICTIONARY ? 0 : st->num_children;
  if (a->n_children != want_children) {
    return zcx_error_fail(err, EINVAL, "%s: has %" PRId64 " children, type %s needs %" PRId64,
                          where, a->n_children, zcx_type_id_name(st->id), want_children);
  }
  if (a->n_children > 0 && a->children == NULL) {
    return zcx_error_fail(err, EINVAL, "%s: children is NULL with n_children %" PRId64, where,
                          a->n_children);
  }
  if (a->null_count > a->length) {
    return zcx_error_fail(err, EINVAL, "%s: null_count %" PRId64 " > length %" PRId64, where,
                          a->null_count, a->length);
  }
  // Validity bitmap.
  int32_t nb = 0;
  if (lay.validity) {
    const void* v = a->buffers[0];
    if (v == NULL && a->null_count > 0 && lt->id != ZCX_TYPE_NA) {
      return zcx_error_fail(err, EINVAL, "%s: null_count %" PRId64 " but validity buffer is NULL",
                            where, a->null_count);
    }
    if (v == NULL) {
      bufs[nb++] = NULL;
    } else {
      ZCX_RETURN_IF_ERROR(wrap_buffer(ctx, v, lay.sizes[0], &bufs[nb], err));
      nb++;
    }
  }
  // Fixed buffers after the validity.
  int64_t data_size = -1;
  int64_t last_offset = 0;
  int64_t fixed = view ? 2 : lay.n_buffers;
  for (int64_t i = lay.validity ? 1 : 0; i < fixed; i++) {
    const void* p = a->buffers[i];
    int64_t size = lay.sizes[i];
    if (i == 1 && lay.offsets_width != 0) {
      if (p == NULL) {
        if (end != 0) {
          *n_bufs = nb;
          return zcx_error_fail(err, EINVAL,
                                "%s: offsets buffer (1) is NULL for %" PRId64 " elements", where,
                                end);
        }
        p = zero_offsets;
      }
      if (ctx->host_readable) {
        int64_t first = read_offset(p, lay.offsets_width, a->offset);
        last_offset = read_offset(p, lay.offsets_width, end);
        if (first < 0 || last_offset < first) {
          *n_bufs = nb;
          return zcx_error_fail(err, EINVAL,
                                "%s: offsets buffer (1): offsets %" PRId64 " at %" PRId64
                                " and %" PRId64 " at %" PRId64 " out of order",
                                where, first, a->offset, last_offset, end);
        }
        data_size = last_offset;
      }
      if (p == zero_offsets) {
        int rc = zcx_buffer_wrap((void*)(uintptr_t)zero_offsets, (int64_t)sizeof(zero_offsets),
                                 zcx_device_cpu(), ZCX_BUFFER_READONLY, NULL, NULL, &bufs[nb],
                                 err);
        if (rc != 0) {
          *n_bufs = nb;
          return rc;
        }
        nb++;
        continue;
      }
    } else if (size < 0) {
      size = data_size;  // the data of binary types
    }
    if (p == NULL && size != 0) {
      *n_bufs = nb;
      return zcx_error_fail(err, EINVAL, "%s: buffer %" PRId64 " is NULL but must hold %" PRId64
                            " bytes", where, i, size);
    }
    int rc = wrap_buffer(ctx, p, size, &bufs[nb], err);
    if (rc != 0) {
      *n_bufs = nb;
      return rc;
    }
    nb++;
  }
  // Views: the variadic data buffers, whose sizes the last buffer gives.
  if (view) {
    int64_t n_var = a->n_buffers - 3;
    const int64_t* sizes = (const int64_t*)a->buffers[a->n_buffers - 1];
    if (n_var > 0 && sizes == NULL) {
      *n_bufs = nb;
      return zcx_error_fail(err, EINVAL, "%s: variadic sizes buffer (%" PRId64 ") is NULL", where,
                            a->n_buffers - 1);
    }
    for (int64_t i = 0; i < n_var; i++) {
      int64_t size = -1;
      if (ctx->host_readable) {
        memcpy(&size, sizes + i, sizeof(size));
        if (size < 0) {
          *n_bufs = nb;
          return zcx_error_fail(err, EINVAL, "%s: variadic buffer %" PRId64 " has size %" PRId64,
                                where, i, size);
        }
      }
      const void* p = a->buffers[2 + i];
      if (p == NULL && size > 0) {
        *n_bufs = nb;
        return zcx_error_fail(err, EINVAL, "%s: buffer %" PRId64 " is NULL but must hold %" PRId64
                              " bytes", where, 2 + i, size);
      }
      int rc = wrap_buffer(ctx, p, size, &bufs[nb], err);
      if (rc != 0) {
        *n_bufs = nb;
        return rc;
      }
      nb++;
    }
  }
  *n_bufs = nb;
  // Children.
  for (int32_t i = 0; i < (int32_t)a->n_children; i++) {
    const zcx_field_t* f = st->children[i];
    char cpath[ZCXI_CDATA_PATH_SIZE];
    zcxi_cdata_path_child(path, f->name, i, cpath);
    if (a->children[i] == NULL) {
      return zcx_error_fail(err, EINVAL, "%s: child %d is NULL", where, (int)i);
    }
    ZCX_RETURN_IF_ERROR(import_node(a->children[i], f->type, cpath, ctx, &kids[i], err));
    (*n_kids)++;
  }
  // The child of a list or map must hold what the offsets point at.
  if (ctx->host_readable && lay.offsets_width != 0 && !lay.offsets_data &&
      last_offset > kids[0]->length) {
    return zcx_error_fail(err, EINVAL,
                          "%s: last offset %" PRId64 " > child length %" PRId64, where,
                          last_offset, kids[0]->length);
  }
  if (st->id == ZCX_TYPE_DICTIONARY) {
    char dpath[ZCXI_CDATA_PATH_SIZE];
    snprintf(dpath, sizeof(dpath), "%.*s%sdictionary", (int)(ZCXI_CDATA_PATH_SIZE / 2), path,
             path[0] != '\0' ? "." : "");
    ZCX_RETURN_IF_ERROR(import_node(a->dictionary, st->value_type, dpath, ctx, dict, err));
  }
  return 0;
}

static int import_node(const struct ArrowArray* a, const zcx_type_t* type, const char* path,
                       const import_ctx_t* ctx, zcx_array_t** out, zcx_error_t* err) {
  *out = NULL;
  char where[ZCXI_CDATA_PATH_SIZE + 32];
  zcxi_cdata_path_show(path, where, sizeof(where));
  if (a->release == NULL) {
    return zcx_error_fail(err, EINVAL, "%s: array is released", where);
  }
  if (a->length < 0 || a->offset < 0 || a->null_count < -1) {
    return zcx_error_fail(err, EINVAL,
                          "%s: negative length %" PRId64 ", offset %" PRId64
                          " or null_count %" PRId64,
                          where, a->length, a->offset, a->null_count);
  }
  if (a->n_buffers < 0 || a->n_children < 0 || a->n_children > INT32_MAX) {
    return zcx_error_fail(err, EINVAL, "%s: bad n_buffers %" PRId64 " or n_children %" PRId64,
                          where, a->n_buffers, a->n_children);
  }
  const zcx_type_t* st = storage_of(type);
  if (st == NULL) {
    return zcx_error_fail(err, EINVAL, "%s: type is NULL", where);
  }
  int64_t n_kids_max = st->id == ZCX_TYPE_DICTIONARY ? 0 : st->num_children;
  if (n_kids_max > a->n_children) {
    n_kids_max = a->n_children;
  }
  size_t bytes = ((size_t)a->n_buffers + 1) * sizeof(zcx_buffer_t*) +
                 ((size_t)n_kids_max + 1) * sizeof(zcx_array_t*);
  if (a->n_buffers > INT32_MAX / 2) {
    return zcx_error_fail(err, EINVAL, "%s: n_buffers %" PRId64 " too large", where,
                          a->n_buffers);
  }
  void* mem = calloc(1, bytes);
  if (mem == NULL) {
    return zcx_error_fail(err, ENOMEM, "%s: %zu bytes", where, bytes);
  }
  zcx_buffer_t** bufs = mem;
  zcx_array_t** kids = (zcx_array_t**)(bufs + a->n_buffers + 1);
  int32_t nb = 0;
  int32_t nk = 0;
  zcx_array_t* dict = NULL;
  int rc = import_parts(a, type, path, where, ctx, bufs, &nb, kids, &nk, &dict, err);
  if (rc == 0) {
    // A null array's null count is its length whatever the producer wrote (some write 0).
    int64_t null_count = storage_of(type)->id == ZCX_TYPE_NA ? -1 : a->null_count;
    rc = zcx_array_create((zcx_type_t*)(uintptr_t)type, a->length, a->offset, null_count, bufs,
                          nb, kids, nk, dict, out, err);
    if (rc != 0) {
      zcx_error_prefix(err, "%s: ", where);
    }
  }
  for (int32_t i = 0; i < nb; i++) {
    zcx_buffer_release(bufs[i]);
  }
  for (int32_t i = 0; i < nk; i++) {
    zcx_array_release(kids[i]);
  }
  zcx_array_release(dict);
  free(mem);
  return rc;
}

// Imports `array` without taking it: on success *out and *owner are set and the caller
// either commits (the struct moves) or aborts (nothing of the producer's is touched).
static int import_begin(const struct ArrowArray* array, const zcx_type_t* type,
                        zcx_validate_level_t level, zcx_device_t device, zcx_array_t** out,
                        import_owner_t** owner, zcx_error_t* err) {
  *out = NULL;
  *owner = NULL;
  if (array == NULL || type == NULL) {
    return zcx_error_fail(err, EINVAL, "import array: %s is NULL", array == NULL ? "array" : "type");
  }
  if (level != ZCX_VALIDATE_CHEAP && level != ZCX_VALIDATE_FULL) {
    return zcx_error_fail(err, EINVAL, "import array: unknown validation level %d", (int)level);
  }
  import_ctx_t ctx;
  ctx.device = device;
  ctx.host_readable = zcx_device_is_host_accessible(device);
  if (level == ZCX_VALIDATE_FULL && !ctx.host_readable) {
    return zcx_error_fail(err, ENOTSUP,
                          "import array: full validation of memory on device %s:%d, which the "
                          "CPU cannot read",
                          zcx_device_type_name(device.type), (int)device.id);
  }
  ctx.owner = calloc(1, sizeof(import_owner_t));
  if (ctx.owner == NULL) {
    return zcx_error_fail(err, ENOMEM, "import array: owner");
  }
  zcxi_refcount_init(&ctx.owner->refs);
  zcx_array_t* result = NULL;
  int rc = import_node(array, type, "", &ctx, &result, err);
  if (rc == 0 && level == ZCX_VALIDATE_FULL) {
    rc = zcx_array_validate(result, ZCX_VALIDATE_FULL, err);
  }
  if (rc != 0) {
    // Not armed: dropping the references frees the owner without releasing the producer's
    // struct, which still belongs to the caller.
    zcx_array_release(result);
    owner_unref(ctx.owner);
    return rc;
  }
  *out = result;
  *owner = ctx.owner;
  return 0;
}

// Moves the producer's struct into the owner: from now on the last zcx buffer made from it
// calls its release.
static void import_commit(struct ArrowArray* array, import_owner_t* owner) {
  owner->moved = *array;
  owner->armed = true;
  array->release = NULL;
  owner_unref(owner);
}

// Drops what import_begin made; the producer's struct is untouched.
static void import_abort(zcx_array_t* result, import_owner_t* owner) {
  zcx_array_release(result);
  owner_unref(owner);
}

int zcxi_cdata_import_array(struct ArrowArray* array, const zcx_type_t* type,
                            zcx_validate_level_t level, zcx_device_t device, zcx_array_t** out,
                            zcx_error_t* err) {
  if (out == NULL) {
    return zcx_error_fail(err, EINVAL, "import array: out is NULL");
  }
  import_owner_t* owner = NULL;
  ZCX_RETURN_IF_ERROR(import_begin(array, type, level, device, out, &owner, err));
  import_commit(array, owner);
  return 0;
}

int zcx_cdata_import_array(struct ArrowArray* array, const zcx_type_t* type,
                           zcx_validate_level_t level, zcx_array_t** out, zcx_error_t* err) {
  return zcxi_cdata_import_array(array, type, level, zcx_device_cpu(), out, err);
}

int zcx_cdata_import_array_schema(struct ArrowArray* array, struct ArrowSchema* schema,
                                  zcx_validate_level_t level, zcx_array_t** out,
                                  zcx_error_t* err) {
  if (out == NULL) {
    return zcx_error_fail(err, EINVAL, "import array: out is NULL");
  }
  *out = NULL;
  if (schema == NULL) {
    return zcx_error_fail(err, EINVAL, "import array: schema is NULL");
  }
  zcx_field_t* field = NULL;
  ZCX_RETURN_IF_ERROR(zcxi_cdata_parse_field(schema, &field, err));
  int rc = zcx_cdata_import_array(array, field->type, level, out, err);
  zcx_field_release(field);
  if (rc == 0) {
    zcx_cdata_release_schema(schema);
  }
  return rc;
}

int zcxi_cdata_struct_to_batch(zcx_array_t* st, zcx_schema_t* schema, zcx_batch_t** out,
                               zcx_error_t* err) {
  *out = NULL;
  if (st->num_buffers > 0 && st->buffers[0] != NULL) {
    int64_t nulls = zcx_array_null_count(st);
    if (nulls != 0) {
      return zcx_error_fail(err, EINVAL,
                            "import batch: the top-level struct has %" PRId64 " nulls", nulls);
    }
  }
  if (st->num_children != schema->num_fields) {
    return zcx_error_fail(err, EINVAL, "import batch: %d columns, the schema has %d fields",
                          (int)st->num_children, (int)schema->num_fields);
  }
  int32_t n = st->num_children;
  zcx_array_t** cols = n > 0 ? calloc((size_t)n, sizeof(zcx_array_t*)) : NULL;
  if (n > 0 && cols == NULL) {
    return zcx_error_fail(err, ENOMEM, "import batch: %d columns", (int)n);
  }
  int rc = 0;
  int32_t made = 0;
  for (; rc == 0 && made < n; made++) {
    zcx_array_t* c = st->children[made];
    if (st->offset == 0 && c->length == st->length) {
      zcx_array_retain(c);
      cols[made] = c;
    } else {
      rc = zcx_array_slice(c, st->offset, st->length, &cols[made], err);
      if (rc != 0) {
        zcx_error_prefix(err, "import batch: column '%s': ", schema->fields[made]->name);
        break;
      }
    }
  }
  if (rc == 0) {
    rc = zcx_batch_create(schema, cols, n, st->length, out, err);
    if (rc != 0) {
      zcx_error_prefix(err, "import batch: ");
    }
  }
  for (int32_t i = 0; i < made; i++) {
    zcx_array_release(cols[i]);
  }
  free(cols);
  return rc;
}

int zcxi_cdata_import_batch(struct ArrowArray* array, zcx_schema_t* schema,
                            zcx_validate_level_t level, zcx_device_t device, zcx_batch_t** out,
                            zcx_error_t* err) {
  if (out == NULL) {
    return zcx_error_fail(err, EINVAL, "import batch: out is NULL");
  }
  *out = NULL;
  if (array == NULL || schema == NULL) {
    return zcx_error_fail(err, EINVAL, "import batch: %s is NULL",
                          array == NULL ? "array" : "schema");
  }
  zcx_type_t* type = NULL;
  ZCX_RETURN_IF_ERROR(zcx_type_struct(schema->fields, schema->num_fields, &type, err));
  zcx_array_t* st = NULL;
  import_owner_t* owner = NULL;
  int rc = import_begin(array, type, level, device, &st, &owner, err);
  zcx_type_release(type);
  if (rc != 0) {
    return rc;
  }
  rc = zcxi_cdata_struct_to_batch(st, schema, out, err);
  if (rc != 0) {
    import_abort(st, owner);
    return rc;
  }
  zcx_array_release(st);
  import_commit(array, owner);
  return 0;
}

int zcx_cdata_import_batch(struct ArrowArray* array, zcx_schema_t* schema,
                           zcx_validate_level_t level, zcx_batch_t** out, zcx_error_t* err) {
  return zcxi_cdata_import_batch(array, schema, level, zcx_device_cpu(), out, err);
}
