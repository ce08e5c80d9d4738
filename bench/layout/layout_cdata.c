// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The Arrow C Data rows of the layout benchmark: export + import of a record batch of the
// benchmark record at 1 K and 100 M rows, which must cost the same (nothing is copied).
#include <errno.h>
#include <string.h>

#include "layout.h"
#include "zcx/cdata.h"
#include "zcx/layout.h"

#define CDATA_REPS 2001

// A batch of `n` rows whose columns are fresh, never touched memory from `mr`: exchange
// never reads the values, so 100 M rows cost address space, not memory.
static int untouched_batch(zcx_schema_t* schema, int64_t n, zcx_mr_t* mr, zcx_batch_t** out,
                           zcx_error_t* err) {
  zcx_array_t* cols[8] = {NULL};
  int32_t k = schema->num_fields;
  int rc = 0;
  for (int32_t j = 0; j < k && rc == 0; j++) {
    zcx_type_t* type = schema->fields[j]->type;
    zcx_buffer_t* values = NULL;
    rc = zcx_buffer_allocate(mr, n * zcx_type_byte_width(type), 64, NULL, &values, err);
    if (rc == 0) {
      zcx_buffer_t* buffers[2] = {NULL, values};
      rc = zcx_array_create(type, n, 0, 0, buffers, 2, NULL, 0, NULL, &cols[j], err);
      zcx_buffer_release(values);
    }
  }
  if (rc == 0) {
    rc = zcx_batch_create(schema, cols, k, n, out, err);
  }
  for (int32_t j = 0; j < k; j++) {
    zcx_array_release(cols[j]);
  }
  return rc;
}

static int exchange_once(zcx_batch_t* batch, zcx_error_t* err) {
  struct ArrowArray array;
  struct ArrowSchema schema;
  ZCX_RETURN_IF_ERROR(zcx_cdata_export_batch(batch, &array, &schema, err));
  zcx_schema_t* imported_schema = NULL;
  int rc = zcx_cdata_import_schema(&schema, &imported_schema, err);
  if (rc != 0) {
    zcx_cdata_release_array(&array);
    zcx_cdata_release_schema(&schema);
    return rc;
  }
  zcx_batch_t* imported = NULL;
  rc = zcx_cdata_import_batch(&array, imported_schema, ZCX_VALIDATE_CHEAP, &imported, err);
  if (rc != 0) {
    zcx_cdata_release_array(&array);
  } else if (imported->num_rows != batch->num_rows) {
    rc = zcx_error_fail(err, EIO, "cdata bench: %lld rows came back for %lld",
                        (long long)imported->num_rows, (long long)batch->num_rows);
  }
  zcx_batch_release(imported);
  zcx_schema_release(imported_schema);
  return rc;
}

int zcxb_layout_cdata(const zcxb_options_t* options, zcxb_report_t* report, zcx_error_t* err) {
  zcx_layout_t* layout = NULL;
  ZCX_RETURN_IF_ERROR(zcxb_point_layout(&layout, err));
  zcx_schema_t* schema = NULL;
  int rc = zcx_layout_schema(layout, &schema, err);
  zcx_layout_destroy(layout);
  ZCX_RETURN_IF_ERROR(rc);
  zcx_mr_t* system = NULL;
  rc = zcx_system_mr_create(NULL, &system, err);
  const int64_t sizes[2] = {1000, options->quick ? 10000000 : 100000000};
  double small = 0;
  for (int s = 0; s < 2 && rc == 0; s++) {
    zcx_batch_t* batch = NULL;
    rc = untouched_batch(schema, sizes[s], system, &batch, err);
    double t[CDATA_REPS];
    for (int r = 0; r < CDATA_REPS && rc == 0; r++) {
      int64_t t0 = zcxb_now_ns();
      rc = exchange_once(batch, err);
      t[r] = (double)(zcxb_now_ns() - t0) * 1e-9;
    }
    zcx_batch_release(batch);
    if (rc != 0) {
      break;
    }
    double m = zcxb_median(t, CDATA_REPS);
    zcxb_row_t* row = NULL;
    rc = zcxb_report_add_row(report, &row, err);
    if (rc != 0) {
      break;
    }
    zcxb_row_set_string(row, "bench", "layout");
    zcxb_row_set_string(row, "case", "cdata_export_import");
    zcxb_row_set_string(row, "impl", "zcx");
    zcxb_row_set_int(row, "threads", 1);
    zcxb_row_set_int(row, "records", sizes[s]);
    zcxb_row_set_number(row, "median_s", m);
    zcxb_row_set_int(row, "bytes", 0);  // nothing is copied
    if (s == 0) {
      small = m;
      zcxb_row_set_number(row, "ratio_vs_1k", 1.0);
    } else {
      zcxb_row_set_number(row, "ratio_vs_1k", small > 0 ? m / small : 0);
      rc = zcxb_report_note(report, err,
                            "cdata export+import is O(1): %lld rows take %.2fx the time of "
                            "1000 rows (%.2f us)",
                            (long long)sizes[s], small > 0 ? m / small : 0, m * 1e6);
    }
  }
  zcx_mr_release(system);
  zcx_schema_release(schema);
  return rc;
}
