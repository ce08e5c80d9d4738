// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Zero-copy tensor views: a field of AoS records as a strided tensor, and same-typed columns
// laid out at equal distances as one column-major matrix.
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "layout/layout_internal.h"

// The tensor dtype of a fixed-width Arrow type: numbers as themselves, bool as one byte,
// dates, times, timestamps and durations as their integers. False when there is none.
static bool dtype_of(const zcx_type_t* t, zcx_dtype_t* out) {
  switch (t->id) {
    case ZCX_TYPE_BOOL: *out = zcx_dtype_make(ZCX_DTYPE_BOOL, 8); return true;
    case ZCX_TYPE_INT8: *out = zcx_dtype_make(ZCX_DTYPE_INT, 8); return true;
    case ZCX_TYPE_UINT8: *out = zcx_dtype_make(ZCX_DTYPE_UINT, 8); return true;
    case ZCX_TYPE_INT16: *out = zcx_dtype_make(ZCX_DTYPE_INT, 16); return true;
    case ZCX_TYPE_UINT16: *out = zcx_dtype_make(ZCX_DTYPE_UINT, 16); return true;
    case ZCX_TYPE_INT32:
    case ZCX_TYPE_DATE32:
    case ZCX_TYPE_TIME32: *out = zcx_dtype_make(ZCX_DTYPE_INT, 32); return true;
    case ZCX_TYPE_UINT32: *out = zcx_dtype_make(ZCX_DTYPE_UINT, 32); return true;
    case ZCX_TYPE_INT64:
    case ZCX_TYPE_DATE64:
    case ZCX_TYPE_TIME64:
    case ZCX_TYPE_TIMESTAMP:
    case ZCX_TYPE_DURATION: *out = zcx_dtype_make(ZCX_DTYPE_INT, 64); return true;
    case ZCX_TYPE_UINT64: *out = zcx_dtype_make(ZCX_DTYPE_UINT, 64); return true;
    case ZCX_TYPE_HALF_FLOAT: *out = zcx_dtype_make(ZCX_DTYPE_FLOAT, 16); return true;
    case ZCX_TYPE_FLOAT: *out = zcx_dtype_make(ZCX_DTYPE_FLOAT, 32); return true;
    case ZCX_TYPE_DOUBLE: *out = zcx_dtype_make(ZCX_DTYPE_FLOAT, 64); return true;
    default: return false;
  }
}

int zcx_layout_field_view(const zcx_layout_t* layout, const char* name, zcx_buffer_t* records,
                          int64_t n, zcx_tensor_t** out, zcx_error_t* err) {
  if (out == NULL || layout == NULL || name == NULL || records == NULL) {
    return zcx_error_fail(err, EINVAL, "zcx_layout_field_view: %s is NULL",
                          out == NULL ? "out" : layout == NULL ? "layout"
                                            : name == NULL   ? "name"
                                                             : "records");
  }
  *out = NULL;
  int32_t index = zcx_layout_field_index(layout, name);
  if (index < 0) {
    return zcx_error_fail(err, EINVAL, "zcx_layout_field_view: no field '%s' in the layout", name);
  }
  const zcxi_layout_field_t* f = &layout->fields[index];
  int64_t size = zcx_buffer_size(records);
  int64_t need = 0;
  if (n < 0 || !zcxi_mul_i64(n, layout->record_size, &need) || need > size) {
    return zcx_error_fail(err, EINVAL,
                          "field '%s': %lld records of %lld bytes do not fit a buffer of %lld "
                          "bytes",
                          name, (long long)n, (long long)layout->record_size, (long long)size);
  }
  zcx_dtype_t dtype;
  if (!dtype_of(f->value_type, &dtype)) {
    char desc[96];
    zcx_type_to_string(f->value_type, desc, sizeof(desc));
    return zcx_error_fail(err, ENOTSUP, "field '%s': type %s has no tensor dtype", name, desc);
  }
  int64_t w = f->value_size;
  if (layout->record_size % w != 0) {
    return zcx_error_fail(err, ENOTSUP,
                          "field '%s': the record size %lld is not a multiple of the value "
                          "size %lld, so no element stride fits (convert to a batch instead)",
                          name, (long long)layout->record_size, (long long)w);
  }
  if (f->offset % w != 0) {
    return zcx_error_fail(err, ENOTSUP,
                          "field '%s': offset %lld is not a multiple of the value size %lld "
                          "(a packed record; convert to a batch instead)",
                          name, (long long)f->offset, (long long)w);
  }
  uint8_t* base = zcx_buffer_data(records);
  if (!zcxi_is_aligned(base, (size_t)w)) {
    return zcx_error_fail(err, ENOTSUP,
                          "field '%s': the records at %p are not aligned to the value size %lld",
                          name, (void*)base, (long long)w);
  }
  int64_t stride = layout->record_size / w;
  int64_t shape[2] = {n, f->count};
  int64_t strides[2] = {stride, 1};
  int32_t ndim = f->is_list ? 2 : 1;
  // An empty view still needs a data pointer inside the buffer.
  uint8_t* data = base + (n > 0 || f->offset <= size ? f->offset : 0);
  int rc = zcx_tensor_create(records, data, dtype, ndim, shape, strides, 0, out, err);
  if (rc != 0) {
    zcx_error_prefix(err, "field '%s': ", name);
  }
  return rc;
}

typedef struct held_buffers {
  int32_t count;
  zcx_buffer_t* buffers[];
} held_buffers_t;

static void release_held(void* ctx, void* data, int64_t size) {
  (void)data;
  (void)size;
  held_buffers_t* held = ctx;
  for (int32_t i = 0; i < held->count; i++) {
    zcx_buffer_release(held->buffers[i]);
  }
  free(held);
}

// The address of element 0 of a primitive column and its values buffer; ENOTSUP names what
// keeps the column from the matrix.
static int column_start(const zcx_batch_t* batch, int32_t c, zcx_dtype_t* dtype,
                        uint8_t** start, zcx_buffer_t** buffer, zcx_error_t* err) {
  const zcx_array_t* a = batch->columns[c];
  const char* name = batch->schema->fields[c]->name;
  if (!dtype_of(a->type, dtype) || a->type->id == ZCX_TYPE_BOOL) {
    char desc[96];
    zcx_type_to_string(a->type, desc, sizeof(desc));
    return zcx_error_fail(err, ENOTSUP, "column %d '%s': type %s is not a tensor dtype%s",
                          (int)c, name, desc,
                          a->type->id == ZCX_TYPE_BOOL ? " (bools are bit-packed)" : "");
  }
  if (a->num_buffers < 2 || a->buffers[1] == NULL) {
    return zcx_error_fail(err, ENOTSUP, "column %d '%s': no values buffer", (int)c, name);
  }
  if (a->num_buffers > 0 && a->buffers[0] != NULL && a->length > 0) {
    int64_t nulls =
        a->length - zcxi_bitmap_count_set(zcx_buffer_data(a->buffers[0]), a->offset, a->length);
    if (nulls > 0) {
      return zcx_error_fail(err, ENOTSUP, "column %d '%s': %lld nulls", (int)c, name,
                            (long long)nulls);
    }
  }
  *buffer = a->buffers[1];
  *start = (uint8_t*)zcx_buffer_data(a->buffers[1]) + a->offset * (int64_t)(dtype->bits / 8);
  return 0;
}

int zcx_layout_columns_tensor(const zcx_batch_t* batch, const int32_t* columns, int32_t k,
                              zcx_tensor_t** out, zcx_error_t* err) {
  if (out == NULL || batch == NULL) {
    return zcx_error_fail(err, EINVAL, "zcx_layout_columns_tensor: %s is NULL",
                          out == NULL ? "out" : "batch");
  }
  *out = NULL;
  if (k < 1 || k > batch->num_columns) {
    return zcx_error_fail(err, EINVAL, "zcx_layout_columns_tensor: %d columns of a batch of %d",
                          (int)k, (int)batch->num_columns);
  }
  for (int32_t j = 0; j < k; j++) {
    int32_t c = columns != NULL ? columns[j] : j;
    if (c < 0 || c >= batch->num_columns) {
      return zcx_error_fail(err, EINVAL, "zcx_layout_columns_tensor: column index %d not in [0, %d)",
                            (int)c, (int)batch->num_columns);
    }
  }
  held_buffers_t* held = calloc(1, sizeof(*held) + (size_t)k * sizeof(zcx_buffer_t*));
  if (held == NULL) {
    return zcx_error_fail(err, ENOMEM, "zcx_layout_columns_tensor: out of memory");
  }
  int64_t n = batch->num_rows;
  zcx_dtype_t dtype;
  uint8_t* first = NULL;
  int64_t step = 0;  // bytes from one column to the next
  int64_t w = 0;
  zcx_device_t device = zcx_device_cpu();
  int rc = 0;
  for (int32_t j = 0; j < k && rc == 0; j++) {
    int32_t c = columns != NULL ? columns[j] : j;
    zcx_dtype_t dt;
    uint8_t* start = NULL;
    zcx_buffer_t* buffer = NULL;
    rc = column_start(batch, c, &dt, &start, &buffer, err);
    if (rc != 0) {
      break;
    }
    const char* name = batch->schema->fields[c]->name;
    if (j == 0) {
      dtype = dt;
      first = start;
      w = dt.bits / 8;
      device = zcx_buffer_device(buffer);
      if (!zcxi_is_aligned(start, (size_t)w)) {
        rc = zcx_error_fail(err, ENOTSUP, "column %d '%s': values at %p not aligned to %lld",
                            (int)c, name, (void*)start, (long long)w);
      }
    } else if (!zcx_type_equal(batch->columns[c]->type,
                               batch->columns[columns != NULL ? columns[0] : 0]->type)) {
      rc = zcx_error_fail(err, ENOTSUP, "column %d '%s': its type differs from the first column's",
                          (int)c, name);
    } else if (!zcx_device_equal(device, zcx_buffer_device(buffer))) {
      rc = zcx_error_fail(err, ENOTSUP, "column %d '%s': on another device than the first column",
                          (int)c, name);
    } else {
      if (j == 1) {
        step = start - first;
      }
      if (n > 0 && (step <= 0 || step % w != 0 || step < n * w || start != first + j * step)) {
        rc = zcx_error_fail(err, ENOTSUP,
                            "column %d '%s': at byte %lld from the first column; the columns must "
                            "follow each other at equal distances of at least %lld bytes (use "
                            "ZCX_LAYOUT_CONTIGUOUS)",
                            (int)c, name, (long long)(start - first), (long long)(n * w));
      }
    }
    if (rc == 0) {
      zcx_buffer_retain(buffer);
      held->buffers[held->count++] = buffer;
    }
  }
  if (rc != 0) {
    release_held(held, NULL, 0);
    return rc;
  }
  if (k == 1 || n == 0) {
    step = n * w;
  }
  int64_t span = (int64_t)(k - 1) * step + n * w;
  // Read-only only when a column's memory is (a read-only mapping, a sealed segment): the
  // columns are immutable by contract, as every tensor of an Arrow array (see tensor.h).
  uint32_t view_flags = 0;
  for (int32_t j = 0; j < held->count; j++) {
    view_flags |= zcx_buffer_flags(held->buffers[j]) & (uint32_t)ZCX_BUFFER_READONLY;
  }
  zcx_buffer_t* view = NULL;
  rc = zcx_buffer_wrap(first, span, device, view_flags, release_held, held, &view, err);
  if (rc != 0) {
    release_held(held, NULL, 0);
    return rc;
  }
  int64_t shape[2] = {n, k};
  int64_t strides[2] = {1, step / w > 0 ? step / w : 1};
  rc = zcx_tensor_create(view, first, dtype, 2, shape, strides, 0, out, err);
  zcx_buffer_release(view);
  return rc;
}
