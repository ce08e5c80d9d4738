// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Demo step "layout": the producer's records (an array of structs) become Arrow columns in
// pool memory, against per-field loops into malloc'ed arrays; fields of the records are also
// shown as zero-copy strided views.
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "demo.h"
#include "zcx/buffer.h"
#include "zcx/tensor.h"

// The usual way: one malloc'ed array per field, filled by one loop over the records each.
// Returns the seconds it took, or -1 when malloc failed.
static double usual_columns(const zcxt_sensor_record_t* r, int64_t n, double* x_sum) {
  double t0 = zcxt_demo_now();
  size_t un = (size_t)n;
  int64_t* ts = malloc(un * sizeof(int64_t));
  int32_t* id = malloc(un * sizeof(int32_t));
  float* x = malloc(un * sizeof(float));
  float* y = malloc(un * sizeof(float));
  float* z = malloc(un * sizeof(float));
  float* t = malloc(un * sizeof(float));
  double s = -1;
  if (ts != NULL && id != NULL && x != NULL && y != NULL && z != NULL && t != NULL) {
    for (size_t i = 0; i < un; i++) {
      ts[i] = r[i].timestamp_ns;
    }
    for (size_t i = 0; i < un; i++) {
      id[i] = r[i].sensor_id;
    }
    for (size_t i = 0; i < un; i++) {
      x[i] = r[i].x;
    }
    for (size_t i = 0; i < un; i++) {
      y[i] = r[i].y;
    }
    for (size_t i = 0; i < un; i++) {
      z[i] = r[i].z;
    }
    for (size_t i = 0; i < un; i++) {
      t[i] = r[i].temperature;
    }
    s = zcxt_demo_now() - t0;
    // Read a result so that the loops cannot be dropped.
    *x_sum = zcxt_demo_column_sum(2, x, n);
  }
  free(ts);
  free(id);
  free(x);
  free(y);
  free(z);
  free(t);
  return s;
}

static int64_t pool_in_use(zcx_mr_t* mr) {
  zcx_mr_stats_t st;
  memset(&st, 0, sizeof(st));
  st.struct_size = sizeof(st);
  return zcx_mr_get_stats(mr, &st, NULL) == 0 ? st.current_bytes : -1;
}

// Strided views of the records: one tensor per field, pointing into the records.
static int prove_views(zcxt_demo_ctx_t* ctx, zcxt_demo_result_t* result, double* view_s,
                       zcx_error_t* err) {
  zcx_buffer_t* records = NULL;
  int64_t bytes = ctx->n * (int64_t)sizeof(zcxt_sensor_record_t);
  ZCX_RETURN_IF_ERROR(
      zcx_buffer_wrap(ctx->records, bytes, zcx_device_cpu(), 0, NULL, NULL, &records, err));
  int rc = 0;
  double total = 0;
  for (int i = 0; i < ZCXT_DEMO_COLUMNS && rc == 0; i++) {
    zcx_tensor_t* view = NULL;
    double t0 = zcxt_demo_now();
    rc = zcx_layout_field_view(ctx->layout, zcxt_demo_column_names[i], records, ctx->n, &view, err);
    total += zcxt_demo_now() - t0;
    if (rc != 0) {
      break;
    }
    zcx_layout_field_info_t info;
    rc = zcx_layout_field(ctx->layout, i, &info, err);
    if (rc == 0) {
      char what[96];
      snprintf(what, sizeof(what), "view of field '%s' of the records", info.name);
      uintptr_t want = (uintptr_t)ctx->records + (uintptr_t)info.offset;
      uintptr_t got = (uintptr_t)zcx_tensor_data(view);
      if (ctx->force_copy) {
        got = (uintptr_t)-1;  // the test switch: pretend the view was a copy
      }
      zcxt_demo_prove_same(result, what, want, got);
      int64_t stride = zcx_tensor_strides(view)[0] * zcx_tensor_itemsize(view);
      zcxt_demo_prove(
          result, "its stride is the record size", stride == (int64_t)sizeof(zcxt_sensor_record_t),
          "stride %lld bytes, record %zu bytes", (long long)stride, sizeof(zcxt_sensor_record_t));
    }
    zcx_tensor_release(view);
  }
  zcx_buffer_release(records);
  *view_s = total;
  return rc;
}

int zcxt_demo_layout(zcxt_demo_ctx_t* ctx, zcxt_demo_result_t* result, char* summary,
                     size_t summary_size, zcx_error_t* err) {
  FILE* out = ctx->out;
  int64_t before = pool_in_use(ctx->mr);
  bool fresh = ctx->batch == NULL;
  ZCX_RETURN_IF_ERROR(zcxt_demo_ensure_batch(ctx, err));
  int64_t after = pool_in_use(ctx->mr);
  char rec_bytes[32], col_bytes[32];
  int64_t aos = ctx->n * (int64_t)sizeof(zcxt_sensor_record_t);
  int64_t soa = 0;
  for (int i = 0; i < ZCXT_DEMO_COLUMNS; i++) {
    soa += ctx->n * zcxt_demo_column_width(i);
  }
  fprintf(out,
          "A C producer made %lld sensor records {int64 timestamp_ns; int32 sensor_id;\n"
          "float x, y, z, temperature} as an array of structs (%s). zcx converts them to\n"
          "Arrow columns (%s) in pool memory, 64-byte aligned, in one block.\n",
          (long long)ctx->n, zcxt_format_bytes((double)aos, rec_bytes, sizeof(rec_bytes)),
          zcxt_format_bytes((double)soa, col_bytes, sizeof(col_bytes)));

  // The columns: values right, aligned, drawn from the demo's pool.
  zcx_batch_t* b = ctx->batch;
  for (int i = 0; i < b->num_columns; i++) {
    const zcx_array_t* col = b->columns[i];
    const uint8_t* data =
        (const uint8_t*)zcx_buffer_data(col->buffers[1]) + col->offset * zcxt_demo_column_width(i);
    double sum = zcxt_demo_column_sum(i, data, col->length);
    char what[96];
    snprintf(what, sizeof(what), "column '%s' holds the records' values",
             zcxt_demo_column_names[i]);
    zcxt_demo_prove(result, what, sum == ctx->sums[i] && ((uintptr_t)data & 63) == 0,
                    "sum %.17g (records: %.17g), address 0x%llx is 64-byte aligned", sum,
                    ctx->sums[i], (unsigned long long)(uintptr_t)data);
  }
  if (fresh && before >= 0 && after >= 0) {
    zcxt_demo_prove(result, "the columns come from the zcx pool", after - before >= soa,
                    "pool bytes in use grew by %lld for %lld bytes of values",
                    (long long)(after - before), (long long)soa);
  }

  double view_s = 0;
  ZCX_RETURN_IF_ERROR(prove_views(ctx, result, &view_s, err));
  fprintf(out,
          "Fields of the records are also available as strided views without any copy:\n"
          "six tensors with a stride of %zu bytes made in %.1f us in all.\n",
          sizeof(zcxt_sensor_record_t), view_s * 1e6);

  // Steady state, as in a pipeline that converts batch after batch: zcx reuses the pool's
  // memory, while malloc'ed arrays this large come fresh from the kernel every time.
  int reps = ctx->quick ? 2 : 3;
  double warm[4], usual[4];
  double x_sum = 0;
  for (int k = 0; k < reps; k++) {
    zcx_layout_options_t opts;
    zcx_layout_options_init(&opts);
    opts.mr = ctx->mr;
    opts.flags = ZCX_LAYOUT_CONTIGUOUS;
    zcx_batch_t* again = NULL;
    double t0 = zcxt_demo_now();
    ZCX_RETURN_IF_ERROR(zcx_layout_to_batch(ctx->layout, ctx->records, ctx->n, &opts, &again, err));
    warm[k] = zcxt_demo_now() - t0;
    zcx_batch_release(again);
    usual[k] = usual_columns(ctx->records, ctx->n, &x_sum);
    if (usual[k] < 0) {
      return zcx_error_fail(err, ENOMEM, "demo layout: malloc of the usual columns failed");
    }
  }
  zcxt_demo_prove(result, "the usual columns agree", x_sum == ctx->sums[2],
                  "sum of x %.17g (records: %.17g)", x_sum, ctx->sums[2]);
  double warm_s = zcxt_demo_median(warm, reps);
  double usual_s = zcxt_demo_median(usual, reps);
  if (fresh) {
    fprintf(out,
            "Batch after batch, zcx converts into memory the pool already holds, while large\n"
            "malloc'ed arrays come fresh from the kernel (zero-filled page by page) each time.\n"
            "  first conversion: %.2f ms (the pool drew its memory from the system)\n",
            ctx->convert_s * 1e3);
  }
  result->zcx_s = warm_s;
  result->usual_s = usual_s;
  snprintf(result->zcx_what, sizeof(result->zcx_what),
           "zcx_layout_to_batch into the pool (median of %d)", reps);
  snprintf(result->usual_what, sizeof(result->usual_what),
           "malloc six arrays, fill each with a loop (median of %d)", reps);
  result->copied_bytes = soa;
  snprintf(result->copied, sizeof(result->copied),
           "%s of values converted once, AoS to SoA (the one copy of the story)", col_bytes);
  result->shared_bytes = aos;
  snprintf(result->shared, sizeof(result->shared), "strided views of the %s of records", rec_bytes);
  zcxt_demo_print_times(ctx, result);
  zcxt_demo_print_proofs(ctx, result);
  double ratio = warm_s > 0 ? usual_s / warm_s : 0;
  snprintf(summary, summary_size,
           "%lld records to Arrow columns in %.2f ms (per-field loops: %.2f ms, %.1fx)",
           (long long)ctx->n, warm_s * 1e3, usual_s * 1e3, ratio);
  return 0;
}
