// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The data of `zcx demo`: the context the steps share, the producer's sensor records, their
// layout and Arrow columns, the scratch directory, column helpers and the clock.
#include <errno.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "demo.h"

const char* const zcxt_demo_column_names[ZCXT_DEMO_COLUMNS] = {
    "timestamp_ns", "sensor_id", "x", "y", "z", "temperature",
};

// Default sizes: two million records (64 MiB of structs) for the story, 64 Ki for tests.
#define RECORDS_FULL ((int64_t)2 << 20)
#define RECORDS_QUICK ((int64_t)64 << 10)

double zcxt_demo_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int64_t zcxt_demo_column_width(int i) { return i == 0 ? 8 : 4; }

const char* zcxt_demo_column_dtype(int i) {
  return i == 0 ? "int64" : i == 1 ? "int32" : "float32";
}

double zcxt_demo_column_sum(int i, const void* data, int64_t n) {
  // Integers: a wrapping 64-bit sum (exact on both sides), then converted; floats: the sum in
  // double precision, in index order.
  if (i == 0) {
    const int64_t* v = data;
    uint64_t s = 0;
    for (int64_t k = 0; k < n; k++) {
      s += (uint64_t)v[k];
    }
    return (double)s;
  }
  if (i == 1) {
    const int32_t* v = data;
    uint64_t s = 0;
    for (int64_t k = 0; k < n; k++) {
      s += (uint64_t)(int64_t)v[k];
    }
    return (double)s;
  }
  const float* v = data;
  double s = 0;
  for (int64_t k = 0; k < n; k++) {
    s += (double)v[k];
  }
  return s;
}

int zcxt_demo_ctx_init(zcxt_demo_ctx_t* ctx, bool quick, FILE* out, zcx_error_t* err) {
  memset(ctx, 0, sizeof(*ctx));
  ctx->quick = quick;
  ctx->out = out;
  ctx->n = quick ? RECORDS_QUICK : RECORDS_FULL;
  zcx_mr_t* pool = NULL;
  ZCX_RETURN_IF_ERROR(zcx_pool_mr_create(NULL, NULL, &pool, err));
  int rc = zcx_stats_mr_create(pool, &ctx->mr, err);
  zcx_mr_release(pool);  // the statistics adaptor holds it
  return rc;
}

static int remove_entry(const char* path, const struct stat* st, int flag, struct FTW* ftw) {
  (void)st;
  (void)flag;
  (void)ftw;
  return remove(path);
}

void zcxt_demo_ctx_reset(zcxt_demo_ctx_t* ctx) {
  zcx_batch_release(ctx->batch);
  ctx->batch = NULL;
  zcx_layout_destroy(ctx->layout);
  ctx->layout = NULL;
  free(ctx->records);
  ctx->records = NULL;
  zcx_shm_segment_release(ctx->shm);
  ctx->shm = NULL;
  ctx->shm_path[0] = '\0';
  if (ctx->tmpdir[0] != '\0') {
    // Best effort: a file left behind in a temporary directory is not worth failing for.
    (void)nftw(ctx->tmpdir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
    ctx->tmpdir[0] = '\0';
  }
  zcx_mr_release(ctx->mr);
  ctx->mr = NULL;
}

int zcxt_demo_ensure_tmpdir(zcxt_demo_ctx_t* ctx, zcx_error_t* err) {
  if (ctx->tmpdir[0] != '\0') {
    return 0;
  }
  const char* base = getenv("TMPDIR");
  if (base == NULL || base[0] == '\0') {
    base = "/tmp";
  }
  int len = snprintf(ctx->tmpdir, sizeof(ctx->tmpdir), "%s/zcx-demo-XXXXXX", base);
  if (len < 0 || (size_t)len >= sizeof(ctx->tmpdir)) {
    ctx->tmpdir[0] = '\0';
    return zcx_error_fail(err, ENAMETOOLONG, "demo: TMPDIR '%s' is too long", base);
  }
  if (mkdtemp(ctx->tmpdir) == NULL) {
    int e = errno;
    zcx_error_fail(err, e, "demo: cannot create a directory in '%s': %s", base, strerror(e));
    ctx->tmpdir[0] = '\0';
    return e;
  }
  return 0;
}

// Deterministic readings: 256 sensors reporting every microsecond, positions on slow
// trajectories, temperatures around 21 degrees. A xorshift generator adds noise.
static void fill_records(zcxt_sensor_record_t* r, int64_t n) {
  uint64_t s = 0x9e3779b97f4a7c15ull;
  const int64_t t0 = 1767225600000000000;  // 2026-01-01T00:00:00Z in ns
  for (int64_t i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    float noise = (float)(s >> 40) / (float)(1u << 24) - 0.5f;
    r[i].timestamp_ns = t0 + i * 1000;
    r[i].sensor_id = (int32_t)(i & 255);
    r[i].x = (float)(i % 1000) * 0.01f + noise;
    r[i].y = (float)(i % 777) * -0.02f + noise * 0.5f;
    r[i].z = 1.5f + noise * 0.1f;
    r[i].temperature = 21.0f + noise * 4.0f;
  }
}

static const void* record_field(const zcxt_sensor_record_t* r, int i) {
  switch (i) {
    case 0:
      return &r->timestamp_ns;
    case 1:
      return &r->sensor_id;
    case 2:
      return &r->x;
    case 3:
      return &r->y;
    case 4:
      return &r->z;
    default:
      return &r->temperature;
  }
}

// The sums computed the way a C producer would: one pass over the records per field.
static void record_sums(const zcxt_sensor_record_t* r, int64_t n, double* sums) {
  for (int i = 0; i < ZCXT_DEMO_COLUMNS; i++) {
    uint64_t si = 0;
    double sf = 0;
    for (int64_t k = 0; k < n; k++) {
      const void* p = record_field(&r[k], i);
      if (i == 0) {
        si += (uint64_t)(*(const int64_t*)p);
      } else if (i == 1) {
        si += (uint64_t)(int64_t)(*(const int32_t*)p);
      } else {
        sf += (double)(*(const float*)p);
      }
    }
    sums[i] = i < 2 ? (double)si : sf;
  }
}

int zcxt_demo_ensure_batch(zcxt_demo_ctx_t* ctx, zcx_error_t* err) {
  if (ctx->batch != NULL) {
    return 0;
  }
  static const zcx_layout_field_desc_t kFields[ZCXT_DEMO_COLUMNS] = {
      {"timestamp_ns", ZCX_TYPE_INT64, offsetof(zcxt_sensor_record_t, timestamp_ns), 1},
      {"sensor_id", ZCX_TYPE_INT32, offsetof(zcxt_sensor_record_t, sensor_id), 1},
      {"x", ZCX_TYPE_FLOAT, offsetof(zcxt_sensor_record_t, x), 1},
      {"y", ZCX_TYPE_FLOAT, offsetof(zcxt_sensor_record_t, y), 1},
      {"z", ZCX_TYPE_FLOAT, offsetof(zcxt_sensor_record_t, z), 1},
      {"temperature", ZCX_TYPE_FLOAT, offsetof(zcxt_sensor_record_t, temperature), 1},
  };
  if (ctx->layout == NULL) {
    ZCX_RETURN_IF_ERROR(zcx_layout_create_from((int64_t)sizeof(zcxt_sensor_record_t), kFields,
                                               ZCXT_DEMO_COLUMNS, &ctx->layout, err));
  }
  if (ctx->records == NULL) {
    ctx->records = malloc((size_t)ctx->n * sizeof(zcxt_sensor_record_t));
    if (ctx->records == NULL) {
      return zcx_error_fail(err, ENOMEM, "demo: cannot allocate %lld records", (long long)ctx->n);
    }
    fill_records(ctx->records, ctx->n);
    record_sums(ctx->records, ctx->n, ctx->sums);
  }
  zcx_layout_options_t opts;
  zcx_layout_options_init(&opts);
  opts.mr = ctx->mr;
  opts.flags = ZCX_LAYOUT_CONTIGUOUS;  // x, y, z side by side: one {n, 3} tensor
  double t0 = zcxt_demo_now();
  int rc = zcx_layout_to_batch(ctx->layout, ctx->records, ctx->n, &opts, &ctx->batch, err);
  ctx->convert_s = zcxt_demo_now() - t0;
  return rc;
}
