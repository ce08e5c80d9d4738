// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// AoS -> SoA: records to an Arrow record batch of one 64-byte aligned column per field.
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "layout/layout_internal.h"

// Bytes of the staging area where a tile of one field is gathered before it is streamed out
// to its column with non-temporal stores.
#define ZCXI_STAGE_BYTES 16384

typedef struct column_plan {
  uint8_t* dst;     // the column's values (bits for bool)
  int64_t bytes;    // bytes the values take (before padding)
  int64_t padded;   // bytes allocated: a multiple of 64
  zcx_buffer_t* buffer;
} column_plan_t;

typedef struct to_job {
  const zcx_layout_t* layout;
  const uint8_t* records;
  int64_t n;
  int64_t chunk;  // records per task: a multiple of 64
  int64_t tile;   // records per tile: a multiple of 64
  bool nt;
  column_plan_t* columns;
  const zcxi_layout_run_t* runs;
  int32_t num_runs;
} to_job_t;

// Converts records [r0, r1) of one field, r0 a multiple of 64.
static void convert_field(const to_job_t* job, const zcxi_layout_field_t* f,
                          const column_plan_t* c, int64_t r0, int64_t m) {
  int64_t stride = job->layout->record_size;
  const uint8_t* src = job->records + r0 * stride + f->offset;
  if (f->is_bool) {
    // r0 * count is a multiple of 64 bits: this tile owns whole bytes of the bitmap.
    zcxi_layout_pack_bools(src, stride, f->count, m, c->dst + (r0 * f->count) / 8);
    return;
  }
  uint8_t* dst = c->dst + r0 * f->byte_size;
  if (!job->nt) {
    zcxi_layout_gather(src, stride, f->byte_size, m, dst);
    return;
  }
  if (f->byte_size >= 64) {
    // Each record's field is already a long run: stream it out directly.
    for (int64_t i = 0; i < m; i++) {
      zcxi_layout_copy_nt(dst + i * f->byte_size, src + i * stride, (size_t)f->byte_size);
    }
    return;
  }
  _Alignas(64) uint8_t stage[ZCXI_STAGE_BYTES];
  int64_t per = ZCXI_STAGE_BYTES / f->byte_size;
  for (int64_t i = 0; i < m; i += per) {
    int64_t k = m - i < per ? m - i : per;
    zcxi_layout_gather(src + i * stride, stride, f->byte_size, k, stage);
    zcxi_layout_copy_nt(dst + i * f->byte_size, stage, (size_t)(k * f->byte_size));
  }
}

static void to_task(void* ctx, int64_t index) {
  const to_job_t* job = ctx;
  int64_t r0 = index * job->chunk;
  int64_t r1 = r0 + job->chunk < job->n ? r0 + job->chunk : job->n;
  for (int64_t t = r0; t < r1; t += job->tile) {
    int64_t m = r1 - t < job->tile ? r1 - t : job->tile;
    const uint8_t* tile = job->records + t * job->layout->record_size;
    for (int32_t r = 0; r < job->num_runs; r++) {
      const zcxi_layout_run_t* run = &job->runs[r];
      if (run->w == 0) {
        int32_t j = run->fields[0];
        convert_field(job, &job->layout->fields[j], &job->columns[j], t, m);
        continue;
      }
      uint8_t* dst[4];
      for (int32_t k = 0; k < run->g; k++) {
        dst[k] = job->columns[run->fields[k]].dst + t * run->w;
      }
      zcxi_layout_split(tile + run->offset, job->layout->record_size, run->w, run->g, m, dst,
                        job->nt);
    }
  }
  if (job->nt) {
    zcxi_layout_store_fence();
  }
}

// Sizes every column; fails on sizes that overflow.
static int plan_sizes(const zcx_layout_t* layout, int64_t n, column_plan_t* columns,
                      int64_t* total, zcx_error_t* err) {
  int64_t sum = 0;
  for (int32_t j = 0; j < layout->num_fields; j++) {
    const zcxi_layout_field_t* f = &layout->fields[j];
    int64_t bytes = 0;
    if (f->is_bool) {
      int64_t bits = 0;
      if (!zcxi_mul_i64(n, f->count, &bits) || bits > INT64_MAX - 7) {
        return zcx_error_fail(err, EINVAL, "field '%s': %lld records overflow", f->name,
                              (long long)n);
      }
      bytes = zcxi_bytes_for_bits(bits);
    } else if (!zcxi_mul_i64(n, f->byte_size, &bytes)) {
      return zcx_error_fail(err, EINVAL, "field '%s': %lld records overflow", f->name,
                            (long long)n);
    }
    if (bytes > INT64_MAX - 64 || !zcxi_add_i64(sum, zcxi_align_up_i64(bytes, 64), &sum)) {
      return zcx_error_fail(err, EINVAL, "field '%s': %lld records overflow", f->name,
                            (long long)n);
    }
    columns[j].bytes = bytes;
    columns[j].padded = zcxi_align_up_i64(bytes, 64);
  }
  *total = sum;
  return 0;
}

static int allocate_columns(const zcx_layout_t* layout, const zcx_layout_options_t* opts,
                            column_plan_t* columns, int64_t total, zcx_error_t* err) {
  zcx_mr_t* mr = opts->mr;
  if ((opts->flags & ZCX_LAYOUT_CONTIGUOUS) != 0) {
    zcx_buffer_t* block = NULL;
    ZCX_RETURN_IF_ERROR(zcx_buffer_allocate(mr, total, 64, NULL, &block, err));
    int64_t at = 0;
    int rc = 0;
    for (int32_t j = 0; j < layout->num_fields && rc == 0; j++) {
      rc = zcx_buffer_slice(block, at, columns[j].padded, &columns[j].buffer, err);
      at += columns[j].padded;
    }
    zcx_buffer_release(block);
    return rc;
  }
  for (int32_t j = 0; j < layout->num_fields; j++) {
    ZCX_RETURN_IF_ERROR(
        zcx_buffer_allocate(mr, columns[j].padded, 64, NULL, &columns[j].buffer, err));
  }
  return 0;
}

static int make_column(const zcxi_layout_field_t* f, int64_t n, zcx_buffer_t* values,
                       zcx_array_t** out, zcx_error_t* err) {
  zcx_buffer_t* buffers[2] = {NULL, values};
  if (!f->is_list) {
    return zcx_array_create(f->type, n, 0, 0, buffers, 2, NULL, 0, NULL, out, err);
  }
  zcx_array_t* child = NULL;
  ZCX_RETURN_IF_ERROR(zcx_array_create(f->value_type, n * f->count, 0, 0, buffers, 2, NULL, 0,
                                       NULL, &child, err));
  zcx_buffer_t* none[1] = {NULL};
  int rc = zcx_array_create(f->type, n, 0, 0, none, 1, &child, 1, NULL, out, err);
  zcx_array_release(child);
  return rc;
}

int zcx_layout_to_batch(const zcx_layout_t* layout, const void* records, int64_t n,
                        const zcx_layout_options_t* options, zcx_batch_t** out,
                        zcx_error_t* err) {
  if (out == NULL || layout == NULL) {
    return zcx_error_fail(err, EINVAL, "zcx_layout_to_batch: %s is NULL",
                          out == NULL ? "out" : "layout");
  }
  *out = NULL;
  if (n < 0 || (n > 0 && records == NULL)) {
    return zcx_error_fail(err, EINVAL, "zcx_layout_to_batch: %lld records at %p",
                          (long long)n, records);
  }
  zcx_layout_options_t opts;
  ZCX_RETURN_IF_ERROR(zcxi_layout_read_options(options, "zcx_layout_to_batch", &opts, err));
  int64_t in_bytes = 0;
  if (!zcxi_mul_i64(n, layout->record_size, &in_bytes)) {
    return zcx_error_fail(err, EINVAL, "zcx_layout_to_batch: %lld records of %lld bytes overflow",
                          (long long)n, (long long)layout->record_size);
  }
  zcx_schema_t* schema = NULL;
  ZCX_RETURN_IF_ERROR(zcx_layout_schema(layout, &schema, err));
  int32_t k = layout->num_fields;
  column_plan_t* columns = calloc((size_t)k, sizeof(*columns));
  zcx_array_t** arrays = calloc((size_t)k, sizeof(*arrays));
  zcxi_layout_run_t* runs = calloc((size_t)k, sizeof(*runs));
  int32_t* order = calloc((size_t)k, sizeof(*order));
  int rc = 0;
  int64_t total = 0;
  if (columns == NULL || arrays == NULL || runs == NULL || order == NULL) {
    rc = zcx_error_fail(err, ENOMEM, "zcx_layout_to_batch: out of memory");
  }
  if (rc == 0) {
    rc = plan_sizes(layout, n, columns, &total, err);
  }
  if (rc == 0) {
    rc = allocate_columns(layout, &opts, columns, total, err);
  }
  if (rc == 0) {
    for (int32_t j = 0; j < k; j++) {
      columns[j].dst = zcx_buffer_data(columns[j].buffer);
      memset(columns[j].dst + columns[j].bytes, 0, (size_t)(columns[j].padded - columns[j].bytes));
    }
    to_job_t job = {
        .layout = layout,
        .records = records,
        .n = n,
        .tile = zcxi_layout_tile_records(layout->record_size),
        .nt = (opts.flags & ZCX_LAYOUT_STREAM_STORES) != 0 && zcxi_layout_use_nt(total),
        .columns = columns,
        .runs = runs,
        .num_runs = zcxi_layout_plan_runs(layout, order, runs),
    };
    int32_t threads = zcxi_layout_threads_for(opts.threads, in_bytes);
    // A few tasks per thread balance threads that a busy machine slows down.
    int64_t tasks = threads > 1 ? (int64_t)threads * 4 : 1;
    job.chunk = zcxi_align_up_i64((n + tasks - 1) / tasks, 64);
    if (job.chunk == 0) {
      job.chunk = 64;
    }
    int64_t num_tasks = (n + job.chunk - 1) / job.chunk;
    zcxi_layout_parallel_for(threads, num_tasks, to_task, &job);
    for (int32_t j = 0; j < k && rc == 0; j++) {
      rc = make_column(&layout->fields[j], n, columns[j].buffer, &arrays[j], err);
      if (rc != 0) {
        zcx_error_prefix(err, "field '%s': ", layout->fields[j].name);
      }
    }
  }
  if (rc == 0) {
    rc = zcx_batch_create(schema, arrays, k, n, out, err);
  }
  for (int32_t j = 0; j < k; j++) {
    if (columns != NULL) {
      zcx_buffer_release(columns[j].buffer);
    }
    if (arrays != NULL) {
      zcx_array_release(arrays[j]);
    }
  }
  free(columns);
  free(arrays);
  free(runs);
  free(order);
  zcx_schema_release(schema);
  return rc;
}
