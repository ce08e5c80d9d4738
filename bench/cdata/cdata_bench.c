// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The Arrow C Data benchmark (see cdata.h).
#include "cdata/cdata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "zcx/cdata.h"

#define COLUMNS 100

// A batch of COLUMNS columns of `id` (int64 or string) and `rows` rows over `mem`.
static int make_batch(zcx_type_id_t id, int64_t rows, void* mem, zcx_batch_t** out,
                      zcx_error_t* err) {
  *out = NULL;
  zcx_type_t* type = NULL;
  ZCX_RETURN_IF_ERROR(zcx_type_create(id, &type, err));
  zcx_field_t* fields[COLUMNS] = {0};
  zcx_array_t* cols[COLUMNS] = {0};
  zcx_schema_t* schema = NULL;
  bool str = id == ZCX_TYPE_STRING;
  int rc = 0;
  for (int i = 0; rc == 0 && i < COLUMNS; i++) {
    char name[16];
    snprintf(name, sizeof(name), "c%d", i);
    rc = zcx_field_create(name, type, true, NULL, &fields[i], err);
    zcx_buffer_t* bufs[3] = {NULL, NULL, NULL};
    if (rc == 0) {
      int64_t size = str ? (rows + 1) * 4 : rows * 8;
      rc = zcx_buffer_wrap(mem, size, zcx_device_cpu(), ZCX_BUFFER_READONLY, NULL, NULL, &bufs[1],
                           err);
    }
    if (rc == 0 && str) {
      // All offsets are 0 (untouched zero pages): every string is empty.
      rc = zcx_buffer_wrap(NULL, 0, zcx_device_cpu(), 0, NULL, NULL, &bufs[2], err);
    }
    if (rc == 0) {
      rc = zcx_array_create(type, rows, 0, 0, bufs, str ? 3 : 2, NULL, 0, NULL, &cols[i], err);
    }
    for (int k = 0; k < 3; k++) {
      zcx_buffer_release(bufs[k]);
    }
  }
  if (rc == 0) {
    rc = zcx_schema_create(fields, COLUMNS, NULL, &schema, err);
  }
  if (rc == 0) {
    rc = zcx_batch_create(schema, cols, COLUMNS, rows, out, err);
  }
  for (int i = 0; i < COLUMNS; i++) {
    zcx_field_release(fields[i]);
    zcx_array_release(cols[i]);
  }
  zcx_schema_release(schema);
  zcx_type_release(type);
  return rc;
}

// Median nanoseconds per column of export + import + release of `batch`.
static int measure(zcx_batch_t* batch, int iterations, double* ns_per_column, zcx_error_t* err) {
  double* times = calloc((size_t)iterations, sizeof(double));
  if (times == NULL) {
    return zcx_error_fail(err, ENOMEM, "cdata bench: %d samples", iterations);
  }
  for (int it = 0; it < iterations; it++) {
    int64_t t0 = zcxb_now_ns();
    struct ArrowArray a;
    int rc = zcx_cdata_export_batch(batch, &a, NULL, err);
    zcx_batch_t* back = NULL;
    if (rc == 0) {
      rc = zcx_cdata_import_batch(&a, batch->schema, ZCX_VALIDATE_CHEAP, &back, err);
      zcx_cdata_release_array(&a);
    }
    if (rc != 0) {
      free(times);
      return rc;
    }
    zcx_batch_release(back);
    times[it] = (double)(zcxb_now_ns() - t0) / COLUMNS;
  }
  *ns_per_column = zcxb_median(times, (size_t)iterations);
  free(times);
  return 0;
}

int zcxb_cdata_run(const zcxb_options_t* options, zcxb_report_t* report, zcx_error_t* err) {
  const bool quick = options != NULL && options->quick;
  const int64_t sizes[2] = {1000, quick ? 10 * 1000 * 1000 : 100 * 1000 * 1000};
  const int iterations = quick ? 21 : 301;
  size_t bytes = (size_t)sizes[1] * 8 + 64;
  void* mem = mmap(NULL, bytes, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (mem == MAP_FAILED) {
    return zcx_error_fail(err, ENOMEM, "cdata bench: mapping %zu bytes", bytes);
  }
  static const struct {
    const char* name;
    zcx_type_id_t id;
  } cases[] = {{"int64", ZCX_TYPE_INT64}, {"string", ZCX_TYPE_STRING}};
  int rc = 0;
  double worst = 0;
  for (size_t c = 0; rc == 0 && c < sizeof(cases) / sizeof(cases[0]); c++) {
    double base = 0;
    for (int s = 0; rc == 0 && s < 2; s++) {
      if (options != NULL && options->progress != NULL) {
        fprintf(options->progress, "cdata: %s, %lld rows\n", cases[c].name,
                (long long)sizes[s]);
      }
      zcx_batch_t* batch = NULL;
      rc = make_batch(cases[c].id, sizes[s], mem, &batch, err);
      double ns = 0;
      if (rc == 0) {
        rc = measure(batch, iterations, &ns, err);
      }
      zcx_batch_release(batch);
      zcxb_row_t* row = NULL;
      if (rc == 0) {
        rc = zcxb_report_add_row(report, &row, err);
      }
      if (rc == 0) {
        if (s == 0) {
          base = ns;
        }
        worst = ns > worst ? ns : worst;
        zcxb_row_set_string(row, "case", cases[c].name);
        zcxb_row_set_int(row, "rows", sizes[s]);
        zcxb_row_set_int(row, "columns", COLUMNS);
        zcxb_row_set_number(row, "ns_per_column", ns);
        zcxb_row_set_number(row, "ratio_vs_1k", base > 0 ? ns / base : 0);
      }
    }
  }
  if (rc == 0) {
    rc = zcxb_report_note(report, err,
                          "target <= 1000 ns per column at every size: %s (worst %.0f ns)",
                          worst <= 1000 ? "met" : "missed", worst);
  }
  munmap(mem, bytes);
  return rc;
}
