// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// SoA -> AoS: the columns of an Arrow record batch gathered back into records.
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "layout/layout_internal.h"

// Bytes of the staging area where a tile of records is assembled before it is written out.
#define ZCXI_STAGE_BYTES 16384

typedef struct source_plan {
  const uint8_t* values;      // value of record 0 (NULL for bool fields)
  const uint8_t* bits;        // bool fields: the value bits
  int64_t bit_offset;         // of record 0's first value in `bits`
  const uint8_t* validity;    // the column's validity bitmap, or NULL
  int64_t validity_offset;    // bit of record 0
  const uint8_t* values_validity;  // fixed-size arrays: the child's validity, or NULL
  int64_t values_validity_offset;  // bit of record 0's first value
  bool in_run;                     // moved by a vector run
} source_plan_t;

typedef struct from_job {
  const zcx_layout_t* layout;
  uint8_t* records;
  int64_t n;
  int64_t chunk;
  bool nt;
  bool gaps;  // some bytes of a record belong to no field
  const source_plan_t* sources;
  const zcxi_layout_run_t* runs;
  int32_t num_runs;
} from_job_t;

static const uint8_t* buffer_bytes(const zcx_array_t* a, int32_t i) {
  if (i >= a->num_buffers || a->buffers[i] == NULL) {
    return NULL;
  }
  return zcx_buffer_data(a->buffers[i]);
}

// Writes zeros over the null values of records [r0, r0 + m) of field f in `dst` (record r0
// at dst).
static void zero_nulls(const zcxi_layout_field_t* f, const source_plan_t* s, int64_t r0,
                       int64_t m, uint8_t* dst, int64_t stride) {
  if (s->validity != NULL) {
    for (int64_t i = 0; i < m; i++) {
      if (!zcxi_bit_get(s->validity, s->validity_offset + r0 + i)) {
        memset(dst + i * stride + f->offset, 0, (size_t)f->byte_size);
      }
    }
  }
  if (s->values_validity != NULL) {
    int64_t first = s->values_validity_offset + r0 * f->count;
    for (int64_t i = 0; i < m; i++) {
      for (int32_t c = 0; c < f->count; c++) {
        if (!zcxi_bit_get(s->values_validity, first + i * f->count + c)) {
          memset(dst + i * stride + f->offset + (int64_t)c * f->value_size, 0,
                 (size_t)f->value_size);
        }
      }
    }
  }
}

// Writes every field of records [r0, r0 + m) into dst (record r0 at dst).
static void fill_records(const from_job_t* job, int64_t r0, int64_t m, uint8_t* dst) {
  int64_t stride = job->layout->record_size;
  for (int32_t r = 0; r < job->num_runs; r++) {
    const zcxi_layout_run_t* run = &job->runs[r];
    if (run->w == 0) {
      continue;
    }
    const uint8_t* src[4];
    for (int32_t k = 0; k < run->g; k++) {
      src[k] = job->sources[run->fields[k]].values + r0 * run->w;
    }
    zcxi_layout_merge(src, run->w, run->g, m, dst + run->offset, stride);
  }
  for (int32_t j = 0; j < job->layout->num_fields; j++) {
    const zcxi_layout_field_t* f = &job->layout->fields[j];
    const source_plan_t* s = &job->sources[j];
    if (f->is_bool) {
      zcxi_layout_unpack_bools(s->bits, s->bit_offset + r0 * f->count, f->count, m,
                               dst + f->offset, stride);
    } else if (!s->in_run) {
      zcxi_layout_scatter(s->values + r0 * f->byte_size, f->byte_size, m, dst + f->offset,
                          stride);
    }
    if (s->validity != NULL || s->values_validity != NULL) {
      zero_nulls(f, s, r0, m, dst, stride);
    }
  }
}

static void from_task(void* ctx, int64_t index) {
  const from_job_t* job = ctx;
  int64_t stride = job->layout->record_size;
  int64_t r0 = index * job->chunk;
  int64_t r1 = r0 + job->chunk < job->n ? r0 + job->chunk : job->n;
  if (stride > ZCXI_STAGE_BYTES) {
    // Records too large to stage: write them in place.
    for (int64_t r = r0; r < r1; r++) {
      uint8_t* dst = job->records + r * stride;
      if (job->gaps) {
        memset(dst, 0, (size_t)stride);
      }
      fill_records(job, r, 1, dst);
    }
    return;
  }
  if (!job->nt && !job->gaps) {
    // Every byte is a field's: write the records in place, a tile at a time so that the
    // tile's lines stay in L1 while its fields arrive.
    int64_t tile = ZCXI_STAGE_BYTES / stride;
    for (int64_t t = r0; t < r1; t += tile) {
      int64_t m = r1 - t < tile ? r1 - t : tile;
      fill_records(job, t, m, job->records + t * stride);
    }
    return;
  }
  // A tile of records is assembled in the stage (in L1) and written out in one long run.
  // Bytes of no field are zeroed once: the fields rewrite the same bytes in every tile.
  _Alignas(64) uint8_t stage[ZCXI_STAGE_BYTES];
  int64_t tile = ZCXI_STAGE_BYTES / stride;
  if (job->gaps) {
    memset(stage, 0, sizeof(stage));
  }
  for (int64_t t = r0; t < r1; t += tile) {
    int64_t m = r1 - t < tile ? r1 - t : tile;
    fill_records(job, t, m, stage);
    uint8_t* dst = job->records + t * stride;
    if (job->nt) {
      zcxi_layout_copy_nt(dst, stage, (size_t)(m * stride));
    } else {
      memcpy(dst, stage, (size_t)(m * stride));
    }
  }
  if (job->nt) {
    zcxi_layout_store_fence();
  }
}

static bool host_readable(const zcx_array_t* a) {
  for (int32_t i = 0; i < a->num_buffers; i++) {
    if (a->buffers[i] != NULL &&
        !zcx_device_is_host_accessible(zcx_buffer_device(a->buffers[i]))) {
      return false;
    }
  }
  return true;
}

static int64_t count_nulls(const uint8_t* bits, int64_t offset, int64_t length) {
  return bits == NULL || length == 0 ? 0 : length - zcxi_bitmap_count_set(bits, offset, length);
}

// Checks the column of field f and fills its source plan.
static int plan_source(const zcxi_layout_field_t* f, const zcx_array_t* col, int64_t n,
                       bool nulls_as_zeros, source_plan_t* s, zcx_error_t* err) {
  char want[128];
  char got[128];
  const zcx_type_t* ct = col->type;
  bool ok;
  if (!f->is_list) {
    ok = zcx_type_equal(ct, f->type);
  } else {
    ok = ct->id == ZCX_TYPE_FIXED_SIZE_LIST && ct->fixed_size == f->count &&
         ct->num_children == 1 && col->num_children == 1 &&
         zcx_type_equal(ct->children[0]->type, f->value_type);
  }
  if (!ok) {
    zcx_type_to_string(f->type, want, sizeof(want));
    zcx_type_to_string(ct, got, sizeof(got));
    return zcx_error_fail(err, EINVAL, "field '%s': column of type %s; the layout needs %s",
                          f->name, got, want);
  }
  if (col->length < n) {
    return zcx_error_fail(err, EINVAL, "field '%s': column of %lld values for %lld records",
                          f->name, (long long)col->length, (long long)n);
  }
  if (!host_readable(col) || (col->num_children == 1 && !host_readable(col->children[0]))) {
    return zcx_error_fail(err, EINVAL, "field '%s': column on a device the CPU cannot read",
                          f->name);
  }
  memset(s, 0, sizeof(*s));
  s->validity = buffer_bytes(col, 0);
  s->validity_offset = col->offset;
  int64_t nulls = count_nulls(s->validity, col->offset, n);
  const zcx_array_t* values = col;
  int64_t first = col->offset;  // index of record 0's first value in `values`
  if (f->is_list) {
    values = col->children[0];
    int64_t need = 0;
    if (!zcxi_mul_i64(col->offset + n, f->count, &need) || values->length < need) {
      return zcx_error_fail(err, EINVAL,
                            "field '%s': values child of %lld values; %lld lists of %d need more",
                            f->name, (long long)values->length, (long long)(col->offset + n),
                            (int)f->count);
    }
    first = values->offset + col->offset * f->count;
    s->values_validity = buffer_bytes(values, 0);
    s->values_validity_offset = first;
    nulls += count_nulls(s->values_validity, first, n * f->count);
  }
  if (nulls > 0 && !nulls_as_zeros) {
    return zcx_error_fail(err, EINVAL,
                          "field '%s': %lld null values (ZCX_LAYOUT_NULLS_AS_ZEROS writes "
                          "zeros for them)",
                          f->name, (long long)nulls);
  }
  if (nulls == 0) {
    s->validity = NULL;
    s->values_validity = NULL;
  }
  const uint8_t* data = buffer_bytes(values, 1);
  if (data == NULL && n > 0) {
    return zcx_error_fail(err, EINVAL, "field '%s': column without a values buffer", f->name);
  }
  if (f->is_bool) {
    s->bits = data;
    s->bit_offset = first;
  } else {
    s->values = data == NULL ? NULL : data + first * f->value_size;
  }
  return 0;
}

int zcx_layout_from_batch(const zcx_layout_t* layout, const zcx_batch_t* batch,
                          void* out_records, int64_t n, const zcx_layout_options_t* options,
                          zcx_error_t* err) {
  if (layout == NULL || batch == NULL) {
    return zcx_error_fail(err, EINVAL, "zcx_layout_from_batch: %s is NULL",
                          layout == NULL ? "layout" : "batch");
  }
  if (n != batch->num_rows) {
    return zcx_error_fail(err, EINVAL, "zcx_layout_from_batch: %lld records for a batch of %lld rows",
                          (long long)n, (long long)batch->num_rows);
  }
  if (n > 0 && out_records == NULL) {
    return zcx_error_fail(err, EINVAL, "zcx_layout_from_batch: out_records is NULL");
  }
  zcx_layout_options_t opts;
  ZCX_RETURN_IF_ERROR(zcxi_layout_read_options(options, "zcx_layout_from_batch", &opts, err));
  if (layout->num_fields == 0) {
    return zcx_error_fail(err, EINVAL, "zcx_layout_from_batch: the layout has no fields");
  }
  int64_t out_bytes = 0;
  if (!zcxi_mul_i64(n, layout->record_size, &out_bytes)) {
    return zcx_error_fail(err, EINVAL, "zcx_layout_from_batch: %lld records of %lld bytes overflow",
                          (long long)n, (long long)layout->record_size);
  }
  source_plan_t* sources = calloc((size_t)layout->num_fields, sizeof(*sources));
  if (sources == NULL) {
    return zcx_error_fail(err, ENOMEM, "zcx_layout_from_batch: out of memory");
  }
  for (int32_t j = 0; j < layout->num_fields; j++) {
    const zcxi_layout_field_t* f = &layout->fields[j];
    const zcx_array_t* col = zcx_batch_column_by_name(batch, f->name);
    if (col == NULL) {
      free(sources);
      return zcx_error_fail(err, EINVAL, "field '%s': the batch has no column of that name",
                            f->name);
    }
    int rc = plan_source(f, col, n, (opts.flags & ZCX_LAYOUT_NULLS_AS_ZEROS) != 0, &sources[j],
                         err);
    if (rc != 0) {
      free(sources);
      return rc;
    }
  }
  zcxi_layout_run_t* runs = calloc((size_t)layout->num_fields, sizeof(*runs));
  int32_t* order = calloc((size_t)layout->num_fields, sizeof(*order));
  if (runs == NULL || order == NULL) {
    free(runs);
    free(order);
    free(sources);
    return zcx_error_fail(err, ENOMEM, "zcx_layout_from_batch: out of memory");
  }
  int32_t num_runs = zcxi_layout_plan_runs(layout, order, runs);
  for (int32_t r = 0; r < num_runs; r++) {
    for (int32_t k = 0; k < runs[r].g && runs[r].w != 0; k++) {
      sources[runs[r].fields[k]].in_run = true;
    }
  }
  from_job_t job = {
      .layout = layout,
      .records = out_records,
      .n = n,
      .nt = (opts.flags & ZCX_LAYOUT_STREAM_STORES) != 0 && zcxi_layout_use_nt(out_bytes),
      .gaps = layout->covered_bytes < layout->record_size,
      .sources = sources,
      .runs = runs,
      .num_runs = num_runs,
  };
  int32_t threads = zcxi_layout_threads_for(opts.threads, out_bytes);
  int64_t tasks = threads > 1 ? (int64_t)threads * 4 : 1;
  job.chunk = zcxi_align_up_i64((n + tasks - 1) / tasks, 64);
  if (job.chunk == 0) {
    job.chunk = 64;
  }
  zcxi_layout_parallel_for(threads, (n + job.chunk - 1) / job.chunk, from_task, &job);
  free(runs);
  free(order);
  free(sources);
  return 0;
}
