// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The layout benchmark's driver: AoS <-> SoA with zcx, memcpy and a naive loop at 1 and 2
// threads, NumPy and the C Data rows, ratios and targets.
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "zcx/layout.h"

#define MAX_REPS 16
#define MAX_THREADS 2

typedef struct bench {
  zcx_layout_t* layout;
  const zcxb_point_t* aos;  // the source records
  uint8_t* scratch;         // n records: memcpy's destination, SoA -> AoS output, naive columns
  zcx_batch_t* batch;       // SoA -> AoS source
  int64_t n;
  int threads;
} bench_t;

typedef int (*run_fn)(bench_t* b, zcx_error_t* err);

static int zcx_to(bench_t* b, uint32_t flags, zcx_error_t* err) {
  zcx_layout_options_t o;
  zcx_layout_options_init(&o);
  o.threads = b->threads;
  o.flags = flags;
  zcx_batch_t* out = NULL;
  ZCX_RETURN_IF_ERROR(zcx_layout_to_batch(b->layout, b->aos, b->n, &o, &out, err));
  zcx_batch_release(out);
  return 0;
}

static int zcx_from(bench_t* b, uint32_t flags, zcx_error_t* err) {
  zcx_layout_options_t o;
  zcx_layout_options_init(&o);
  o.threads = b->threads;
  o.flags = flags;
  return zcx_layout_from_batch(b->layout, b->batch, b->scratch, b->n, &o, err);
}

static int run_zcx_to(bench_t* b, zcx_error_t* err) { return zcx_to(b, 0, err); }
static int run_zcx_to_stream(bench_t* b, zcx_error_t* err) {
  return zcx_to(b, ZCX_LAYOUT_STREAM_STORES, err);
}
static int run_zcx_from(bench_t* b, zcx_error_t* err) { return zcx_from(b, 0, err); }
static int run_zcx_from_stream(bench_t* b, zcx_error_t* err) {
  return zcx_from(b, ZCX_LAYOUT_STREAM_STORES, err);
}

typedef struct copy_part {
  uint8_t* dst;
  const uint8_t* src;
  size_t size;
} copy_part_t;

static void* copy_part(void* arg) {
  copy_part_t* p = arg;
  memcpy(p->dst, p->src, p->size);
  return NULL;
}

// memcpy of the records' bytes, split in equal parts across the threads.
static int run_memcpy(bench_t* b, zcx_error_t* err) {
  size_t total = (size_t)b->n * sizeof(zcxb_point_t);
  copy_part_t parts[MAX_THREADS];
  pthread_t tids[MAX_THREADS];
  size_t per = ((total / (size_t)b->threads) + 63) & ~(size_t)63;
  for (int t = 0; t < b->threads; t++) {
    size_t at = per * (size_t)t < total ? per * (size_t)t : total;
    size_t end = at + per < total ? at + per : total;
    parts[t] = (copy_part_t){b->scratch + at, (const uint8_t*)b->aos + at, end - at};
  }
  for (int t = 1; t < b->threads; t++) {
    int rc = pthread_create(&tids[t], NULL, copy_part, &parts[t]);
    if (rc != 0) {
      for (int j = 1; j < t; j++) {
        pthread_join(tids[j], NULL);
      }
      return zcx_error_fail(err, rc, "memcpy baseline: pthread_create failed");
    }
  }
  copy_part(&parts[0]);
  for (int t = 1; t < b->threads; t++) {
    pthread_join(tids[t], NULL);
  }
  return 0;
}

// The loop anyone would write first: one pass over the records, five stores each.
static int run_naive_to(bench_t* b, zcx_error_t* err) {
  (void)err;
  int64_t n = b->n;
  float* x = (float*)(void*)b->scratch;
  float* y = x + n;
  float* z = y + n;
  int32_t* id = (int32_t*)(void*)(z + n);
  double* t = (double*)(void*)(id + n);
  for (int64_t i = 0; i < n; i++) {
    x[i] = b->aos[i].x;
    y[i] = b->aos[i].y;
    z[i] = b->aos[i].z;
    id[i] = b->aos[i].id;
    t[i] = b->aos[i].t;
  }
  return 0;
}

static int run_naive_from(bench_t* b, zcx_error_t* err) {
  (void)err;
  const float* x = zcx_buffer_data(b->batch->columns[0]->buffers[1]);
  const float* y = zcx_buffer_data(b->batch->columns[1]->buffers[1]);
  const float* z = zcx_buffer_data(b->batch->columns[2]->buffers[1]);
  const int32_t* id = zcx_buffer_data(b->batch->columns[3]->buffers[1]);
  const double* t = zcx_buffer_data(b->batch->columns[4]->buffers[1]);
  zcxb_point_t* out = (zcxb_point_t*)(void*)b->scratch;
  for (int64_t i = 0; i < b->n; i++) {
    out[i].x = x[i];
    out[i].y = y[i];
    out[i].z = z[i];
    out[i].id = id[i];
    out[i].t = t[i];
  }
  return 0;
}

static int add_row(zcxb_report_t* rep, const char* case_name, const char* impl, int threads,
                   int64_t n, double median_s, zcx_error_t* err) {
  zcxb_row_t* row = NULL;
  ZCX_RETURN_IF_ERROR(zcxb_report_add_row(rep, &row, err));
  zcxb_row_set_string(row, "bench", "layout");
  zcxb_row_set_string(row, "case", case_name);
  zcxb_row_set_string(row, "impl", impl);
  zcxb_row_set_int(row, "threads", threads);
  zcxb_row_set_int(row, "records", n);
  zcxb_row_set_number(row, "median_s", median_s);
  return 0;
}

static const zcxb_row_t* find_row(const zcxb_report_t* rep, const char* case_name,
                                  const char* impl, int threads) {
  for (size_t i = 0; i < rep->row_count; i++) {
    const zcxb_row_t* r = &rep->rows[i];
    const zcxb_field_t* c = zcxb_row_get(r, "case");
    const zcxb_field_t* m = zcxb_row_get(r, "impl");
    if (c != NULL && m != NULL && strcmp(c->s, case_name) == 0 && strcmp(m->s, impl) == 0 &&
        (int)zcxb_row_number(r, "threads", 1) == threads) {
      return r;
    }
  }
  return NULL;
}

// Fills gbps and the ratios of every conversion row once all rows are in.
static int finish_rows(zcxb_report_t* rep, int64_t n, zcx_error_t* err) {
  double bytes = 2.0 * (double)n * (double)sizeof(zcxb_point_t);
  for (size_t i = 0; i < rep->row_count; i++) {
    zcxb_row_t* r = &rep->rows[i];
    const zcxb_field_t* c = zcxb_row_get(r, "case");
    const zcxb_field_t* m = zcxb_row_get(r, "impl");
    if (c == NULL || m == NULL || strncmp(c->s, "cdata", 5) == 0) {
      continue;
    }
    int threads = (int)zcxb_row_number(r, "threads", 1);
    double t = zcxb_row_number(r, "median_s", 0);
    zcxb_row_set_int(r, "bytes", (int64_t)bytes);
    if (t > 0) {
      zcxb_row_set_number(r, "gbps", bytes / t * 1e-9);
    }
    // NumPy rows bring the memcpy they measured in their own process, at the same time.
    const zcxb_row_t* mc = find_row(rep, c->s, "memcpy", threads);
    double mt = zcxb_row_number(r, "memcpy_s", 0);
    if (mt <= 0 && mc != NULL) {
      mt = zcxb_row_number(mc, "median_s", 0);
    }
    if (mt > 0 && t > 0) {
      zcxb_row_set_number(r, "ratio_vs_memcpy", mt / t);
    } else {
      zcxb_row_set_null(r, "ratio_vs_memcpy");
    }
    // Against NumPy: both as fractions of the memcpy measured beside them, since NumPy runs
    // in another process at another time on a machine that may be busy.
    const zcxb_row_t* np = find_row(rep, c->s, "numpy_copyto", 1);
    double n_ratio = np != NULL ? zcxb_row_number(np, "ratio_vs_memcpy", 0) : 0;
    double z_ratio = zcxb_row_number(r, "ratio_vs_memcpy", 0);
    if (n_ratio > 0 && z_ratio > 0 && strcmp(m->s, "zcx") == 0) {
      zcxb_row_set_number(r, "ratio_vs_numpy", z_ratio / n_ratio);
    } else {
      zcxb_row_set_null(r, "ratio_vs_numpy");
    }
  }
  // The targets, as notes.
  const char* cases[2] = {"aos_to_soa", "soa_to_aos"};
  for (int c = 0; c < 2; c++) {
    for (int threads = 1; threads <= MAX_THREADS; threads++) {
      const zcxb_row_t* z = find_row(rep, cases[c], "zcx", threads);
      if (z == NULL) {
        continue;
      }
      double rm = zcxb_row_number(z, "ratio_vs_memcpy", 0);
      ZCX_RETURN_IF_ERROR(zcxb_report_note(rep, err,
                                           "target %s, %d thread%s: >= 0.85x memcpy: %.2fx (%s)",
                                           cases[c], threads, threads > 1 ? "s" : "", rm,
                                           rm >= 0.85 ? "met" : "missed"));
      double rn = zcxb_row_number(z, "ratio_vs_numpy", 0);
      if (threads == 1 && rn > 0) {
        ZCX_RETURN_IF_ERROR(zcxb_report_note(rep, err,
                                             "target %s: >= 4x NumPy copyto: %.2fx (%s)",
                                             cases[c], rn, rn >= 4.0 ? "met" : "missed"));
      }
    }
  }
  return 0;
}

static void progress(const zcxb_options_t* o, const char* what, int threads) {
  if (o->progress != NULL) {
    fprintf(o->progress, "layout: %s, %d thread%s\n", what, threads, threads > 1 ? "s" : "");
    fflush(o->progress);
  }
}

typedef struct impl {
  const char* name;
  run_fn fn;
  int threads;
} impl_t;

// Runs every implementation of one case once as a warm-up (page faults, pool growth), then
// `reps` rounds in which each runs once, so that all of them see the same machine noise, and
// adds a row per implementation with its median.
static int measure_case(const zcxb_options_t* options, bench_t* b, const char* case_name,
                        const impl_t* impls, int count, int reps, zcxb_report_t* rep,
                        zcx_error_t* err) {
  double t[8][MAX_REPS];
  for (int k = 0; k < count; k++) {
    char what[64];
    snprintf(what, sizeof(what), "%s %s warm-up", case_name, impls[k].name);
    progress(options, what, impls[k].threads);
    b->threads = impls[k].threads;
    ZCX_RETURN_IF_ERROR(impls[k].fn(b, err));
  }
  for (int r = 0; r < reps; r++) {
    for (int k = 0; k < count; k++) {
      b->threads = impls[k].threads;
      int64_t t0 = zcxb_now_ns();
      ZCX_RETURN_IF_ERROR(impls[k].fn(b, err));
      t[k][r] = (double)(zcxb_now_ns() - t0) * 1e-9;
    }
  }
  for (int k = 0; k < count; k++) {
    double m = zcxb_median(t[k], (size_t)reps);
    ZCX_RETURN_IF_ERROR(add_row(rep, case_name, impls[k].name, impls[k].threads, b->n, m, err));
  }
  return 0;
}

static int measure(const zcxb_options_t* options, bench_t* b, int reps, zcxb_report_t* rep,
                   zcx_error_t* err) {
  const impl_t to[] = {
      {"memcpy", run_memcpy, 1},       {"zcx", run_zcx_to, 1},
      {"zcx_stream", run_zcx_to_stream, 1}, {"naive", run_naive_to, 1},
      {"memcpy", run_memcpy, 2},       {"zcx", run_zcx_to, 2},
  };
  ZCX_RETURN_IF_ERROR(measure_case(options, b, "aos_to_soa", to, 6, reps, rep, err));
  // The SoA source: a batch made once (its memory is the block the runs above used).
  ZCX_RETURN_IF_ERROR(zcx_layout_to_batch(b->layout, b->aos, b->n, NULL, &b->batch, err));
  const impl_t back[] = {
      {"memcpy", run_memcpy, 1},         {"zcx", run_zcx_from, 1},
      {"zcx_stream", run_zcx_from_stream, 1}, {"naive", run_naive_from, 1},
      {"memcpy", run_memcpy, 2},         {"zcx", run_zcx_from, 2},
  };
  ZCX_RETURN_IF_ERROR(measure_case(options, b, "soa_to_aos", back, 6, reps, rep, err));
  // The way back must give the records back.
  ZCX_RETURN_IF_ERROR(run_zcx_from(b, err));
  if (memcmp(b->scratch, b->aos, (size_t)b->n * sizeof(zcxb_point_t)) != 0) {
    return zcx_error_fail(err, EIO, "layout bench: SoA -> AoS did not restore the records");
  }
  return 0;
}

int zcxb_point_layout(zcx_layout_t** out, zcx_error_t* err) {
  static const zcx_layout_field_desc_t kFields[] = {
      {"x", ZCX_TYPE_FLOAT, offsetof(zcxb_point_t, x), 1},
      {"y", ZCX_TYPE_FLOAT, offsetof(zcxb_point_t, y), 1},
      {"z", ZCX_TYPE_FLOAT, offsetof(zcxb_point_t, z), 1},
      {"id", ZCX_TYPE_INT32, offsetof(zcxb_point_t, id), 1},
      {"t", ZCX_TYPE_DOUBLE, offsetof(zcxb_point_t, t), 1},
  };
  return zcx_layout_create_from(sizeof(zcxb_point_t), kFields, 5, out, err);
}

int zcxb_layout_run(const zcxb_options_t* options, zcxb_report_t* report, zcx_error_t* err) {
  const int64_t n = options->quick ? 10000000 : 50000000;
  const int reps = options->quick ? 5 : 7;
  // NumPy first, in its own process, so that its memory and ours do not add up.
  progress(options, "numpy", 1);
  ZCX_RETURN_IF_ERROR(zcxb_layout_numpy(options, n, reps, report, err));

  bench_t b = {.n = n};
  ZCX_RETURN_IF_ERROR(zcxb_point_layout(&b.layout, err));
  size_t bytes = (size_t)n * sizeof(zcxb_point_t);
  zcxb_point_t* aos = aligned_alloc(64, bytes);
  b.scratch = aligned_alloc(64, bytes);
  int rc = 0;
  if (aos == NULL || b.scratch == NULL) {
    rc = zcx_error_fail(err, ENOMEM, "layout bench: cannot allocate 2 x %zu bytes", bytes);
  }
  if (rc == 0) {
    for (int64_t i = 0; i < n; i++) {
      aos[i].x = (float)i;
      aos[i].y = (float)i * 0.5f;
      aos[i].z = -(float)i;
      aos[i].id = (int32_t)i;
      aos[i].t = (double)i * 0.25;
    }
    memset(b.scratch, 0, bytes);
    b.aos = aos;
    rc = measure(options, &b, reps, report, err);
  }
  zcx_batch_release(b.batch);
  free(aos);
  free(b.scratch);
  zcx_layout_destroy(b.layout);
  if (rc == 0) {
    progress(options, "cdata export + import", 1);
    rc = zcxb_layout_cdata(options, report, err);
  }
  if (rc == 0) {
    rc = finish_rows(report, n, err);
  }
  return rc;
}
