// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// `zcx demo`: runs the demonstration steps of demo.h in order, checks their proofs, and
// reports each step, the pool's statistics and the comparison with the usual way.
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "demo.h"
#include "json_writer.h"

typedef struct demo_step {
  const char* name;
  const char* title;
  zcxt_demo_fn run;
} demo_step_t;

// One line per step, in the order they run; see demo.h for how to add one.
static const demo_step_t kSteps[] = {
    {"pool", "memory pool: a training loop with malloc and with the zcx pool", zcxt_demo_pool},
    {"layout", "records (array of structs) to Arrow columns in pool memory", zcxt_demo_layout},
    {"dlpack", "columns out and in as DLPack tensors", zcxt_demo_dlpack},
    {"shm", "columns in a sealed shared-memory segment, read by another process", zcxt_demo_shm},
    {"ipc", "columns to an Arrow IPC file, mapped back", zcxt_demo_ipc},
    {"python", "NumPy and PyTorch in another process, through DLPack", zcxt_demo_python},
};
#define STEP_COUNT (sizeof(kSteps) / sizeof(kSteps[0]))

void zcxt_usage_demo(FILE* out) {
  fprintf(out,
          "usage: zcx demo [--quick] [--step NAME] [--list] [--json FILE] [--verbose]\n"
          "\n"
          "Runs the end-to-end demonstration on built-in data: a C producer's sensor records\n"
          "become Arrow columns in pool memory and travel, without copies, to DLPack\n"
          "consumers, another process, an Arrow IPC file, and NumPy and PyTorch. It prints\n"
          "what was shared, what was copied, the proof (the same pointer on both sides, or\n"
          "the same offset inside a mapping) and what it cost against the usual way.\n"
          "Exits 1 when a step fails or a proof does not hold.\n"
          "\n"
          "options:\n"
          "  --quick      smaller data, fewer iterations\n"
          "  --step NAME  run only this step (repeatable)\n"
          "  --list       list the steps\n"
          "  --json FILE  also write the results as JSON ('-' for stdout)\n"
          "  --verbose    print every proof\n"
          "  -h, --help   this text\n"
          "\n"
          "environment: ZCX_DEMO_PYTHON (the Python with NumPy and PyTorch, default\n"
          "/usr/bin/python3), ZCX_DEMO_CONSUMER (path of demo_consumer.py), PYTHONPATH.\n");
}

static void json_result(zcxt_json_t* w, const demo_step_t* step, const char* status,
                        const char* summary, double wall_s, const zcxt_demo_result_t* r) {
  zcxt_json_begin_object(w);
  zcxt_json_kv_string(w, "name", step->name);
  zcxt_json_kv_double(w, "wall_s", wall_s);
  zcxt_json_kv_string(w, "title", step->title);
  zcxt_json_kv_string(w, "status", status);
  zcxt_json_kv_string(w, "summary", summary);
  zcxt_json_kv_double(w, "zcx_s", r->zcx_s >= 0 ? r->zcx_s : (double)NAN);
  zcxt_json_kv_double(w, "usual_s", r->usual_s >= 0 ? r->usual_s : (double)NAN);
  zcxt_json_kv_double(w, "ratio",
                      r->zcx_s > 0 && r->usual_s >= 0 ? r->usual_s / r->zcx_s : (double)NAN);
  zcxt_json_kv_string(w, "zcx_what", r->zcx_what);
  zcxt_json_kv_string(w, "usual_what", r->usual_what);
  zcxt_json_kv_int(w, "shared_bytes", r->shared_bytes);
  zcxt_json_kv_int(w, "copied_bytes", r->copied_bytes);
  zcxt_json_kv_string(w, "shared", r->shared);
  zcxt_json_kv_string(w, "copied", r->copied);
  zcxt_json_kv_int(w, "proofs_failed", r->proofs_failed);
  zcxt_json_key(w, "proofs");
  zcxt_json_begin_array(w);
  for (int i = 0; i < r->proof_count; i++) {
    zcxt_json_begin_object(w);
    zcxt_json_kv_string(w, "what", r->proofs[i].what);
    zcxt_json_kv_bool(w, "holds", r->proofs[i].holds);
    zcxt_json_kv_string(w, "detail", r->proofs[i].detail);
    zcxt_json_end_object(w);
  }
  zcxt_json_end_array(w);
  zcxt_json_end_object(w);
}

typedef struct demo_run {
  const char* status[STEP_COUNT];
  char summaries[STEP_COUNT][256];
  zcxt_demo_result_t results[STEP_COUNT];
  double wall_s[STEP_COUNT];
  zcx_mr_stats_t pool;
  bool have_pool;
} demo_run_t;

static int write_json(const char* path, const zcxt_demo_ctx_t* ctx, const demo_run_t* run,
                      bool ok) {
  zcx_error_t err;
  FILE* f = NULL;
  if (zcxt_json_open(path, &f, &err) != 0) {
    return zcxt_fail("demo", "%s", err.message);
  }
  zcxt_json_t w;
  zcxt_json_init(&w, f, true);
  zcxt_json_begin_object(&w);
  zcxt_json_kv_bool(&w, "ok", ok);
  zcxt_json_kv_bool(&w, "quick", ctx->quick);
  zcxt_json_kv_int(&w, "records", ctx->n);
  zcxt_json_kv_int(&w, "record_bytes", (int64_t)sizeof(zcxt_sensor_record_t));
  zcxt_json_key(&w, "steps");
  zcxt_json_begin_array(&w);
  for (size_t k = 0; k < STEP_COUNT; k++) {
    if (run->status[k] != NULL) {
      json_result(&w, &kSteps[k], run->status[k], run->summaries[k], run->wall_s[k],
                  &run->results[k]);
    }
  }
  zcxt_json_end_array(&w);
  if (run->have_pool) {
    zcxt_json_key(&w, "pool");
    zcxt_json_begin_object(&w);
    zcxt_json_kv_int(&w, "allocations", run->pool.allocations);
    zcxt_json_kv_int(&w, "frees", run->pool.frees);
    zcxt_json_kv_int(&w, "current_bytes", run->pool.current_bytes);
    zcxt_json_kv_int(&w, "peak_bytes", run->pool.peak_bytes);
    zcxt_json_kv_int(&w, "reserved_bytes", run->pool.reserved_bytes);
    zcxt_json_kv_int(&w, "peak_reserved_bytes", run->pool.peak_reserved_bytes);
    zcxt_json_end_object(&w);
  }
  zcxt_json_end_object(&w);
  int rc = zcxt_json_finish(&w, &err);
  int rc2 = zcxt_json_close(f, path, rc == 0 ? &err : NULL);
  if (rc != 0 || rc2 != 0) {
    return zcxt_fail("demo", "%s", err.message);
  }
  return ZCXT_EXIT_OK;
}

static void print_pool(const zcxt_demo_ctx_t* ctx, demo_run_t* run) {
  memset(&run->pool, 0, sizeof(run->pool));
  run->pool.struct_size = sizeof(run->pool);
  if (ctx->mr == NULL || zcx_mr_get_stats(ctx->mr, &run->pool, NULL) != 0) {
    return;
  }
  run->have_pool = true;
  char peak[32], reserved[32], cur[32];
  fprintf(ctx->out,
          "the demo's pool (%s): %lld allocations, %lld frees, in use now %s,\n"
          "  peak in use %s, peak reserved from the system %s\n",
          zcx_mr_name(ctx->mr), (long long)run->pool.allocations, (long long)run->pool.frees,
          zcxt_format_bytes((double)run->pool.current_bytes, cur, sizeof(cur)),
          zcxt_format_bytes((double)run->pool.peak_bytes, peak, sizeof(peak)),
          zcxt_format_bytes((double)run->pool.peak_reserved_bytes, reserved, sizeof(reserved)));
}

static void print_comparison(FILE* out, const demo_run_t* run) {
  fprintf(out, "zcx against the usual way:\n");
  fprintf(out, "  %-8s %12s %12s %9s\n", "step", "zcx", "usual", "ratio");
  for (size_t k = 0; k < STEP_COUNT; k++) {
    const zcxt_demo_result_t* r = &run->results[k];
    if (run->status[k] == NULL || strcmp(run->status[k], "ok") != 0 || r->zcx_s < 0 ||
        r->usual_s < 0) {
      continue;
    }
    fprintf(out, "  %-8s %9.3f ms %9.3f ms %8.1fx\n", kSteps[k].name, r->zcx_s * 1e3,
            r->usual_s * 1e3, r->zcx_s > 0 ? r->usual_s / r->zcx_s : 0.0);
  }
}

int zcxt_cmd_demo(int argc, char** argv) {
  bool quick = false;
  bool force_copy = false;
  bool verbose = false;
  const char* json_path = NULL;
  const char* consumer = NULL;
  bool selected[STEP_COUNT] = {false};
  bool any_selected = false;
  for (int i = 1; i < argc; i++) {
    const char* a = argv[i];
    const char* v = NULL;
    if (zcxt_is_help(a)) {
      zcxt_usage_demo(stdout);
      return ZCXT_EXIT_OK;
    } else if (strcmp(a, "--quick") == 0) {
      quick = true;
    } else if (strcmp(a, "--verbose") == 0) {
      verbose = true;
    } else if (strcmp(a, "--force-copy") == 0) {
      // Not in the usage: a test switch that copies where zcx shares, so the proofs fail.
      force_copy = true;
    } else if (zcxt_opt_value(argc, argv, &i, "--consumer", &v)) {
      // Not in the usage: the second process of the shm step.
      if (v == NULL) {
        return zcxt_usage_error("demo", "option --consumer needs a PATH");
      }
      consumer = v;
    } else if (strcmp(a, "--list") == 0) {
      for (size_t k = 0; k < STEP_COUNT; k++) {
        printf("%-10s %s\n", kSteps[k].name, kSteps[k].title);
      }
      return ZCXT_EXIT_OK;
    } else if (zcxt_opt_value(argc, argv, &i, "--json", &v)) {
      if (v == NULL) {
        return zcxt_usage_error("demo", "option --json needs a FILE");
      }
      json_path = v;
    } else if (zcxt_opt_value(argc, argv, &i, "--step", &v)) {
      if (v == NULL) {
        return zcxt_usage_error("demo", "option --step needs a NAME");
      }
      bool found = false;
      for (size_t k = 0; k < STEP_COUNT; k++) {
        if (strcmp(kSteps[k].name, v) == 0) {
          selected[k] = found = any_selected = true;
        }
      }
      if (!found) {
        return zcxt_usage_error("demo", "unknown step '%s' (see 'zcx demo --list')", v);
      }
    } else if (a[0] == '-') {
      return zcxt_usage_error("demo", "unknown option '%s'", a);
    } else {
      return zcxt_usage_error("demo", "unexpected argument '%s'", a);
    }
  }
  if (consumer != NULL) {
    return zcxt_demo_consumer_main(consumer, force_copy);
  }

  zcxt_demo_ctx_t ctx;
  zcx_error_t err;
  if (zcxt_demo_ctx_init(&ctx, quick, stdout, &err) != 0) {
    return zcxt_fail("demo", "%s", err.message);
  }
  ctx.force_copy = force_copy;
  ctx.verbose = verbose;
  demo_run_t* run = calloc(1, sizeof(*run));
  if (run == NULL) {
    zcxt_demo_ctx_reset(&ctx);
    return zcxt_fail("demo", "out of memory");
  }
  int failed = 0;
  double t_start = zcxt_demo_now();
  for (size_t k = 0; k < STEP_COUNT; k++) {
    if (any_selected && !selected[k]) {
      continue;
    }
    fprintf(ctx.out, "== %s: %s\n", kSteps[k].name, kSteps[k].title);
    fflush(ctx.out);
    zcxt_demo_result_init(&run->results[k]);
    err.message[0] = '\0';
    double t0 = zcxt_demo_now();
    int st =
        kSteps[k].run(&ctx, &run->results[k], run->summaries[k], sizeof(run->summaries[k]), &err);
    run->wall_s[k] = zcxt_demo_now() - t0;
    if (st == 0 && run->results[k].proofs_failed > 0) {
      run->status[k] = "FAILED";
      snprintf(run->summaries[k], sizeof(run->summaries[k]), "%d proof%s did not hold",
               run->results[k].proofs_failed, run->results[k].proofs_failed == 1 ? "" : "s");
      failed++;
    } else if (st == 0) {
      run->status[k] = "ok";
    } else if (st == ENOTSUP) {
      run->status[k] = "skipped";
    } else {
      run->status[k] = "FAILED";
      snprintf(run->summaries[k], sizeof(run->summaries[k]), "%s (%s)", err.message,
               zcx_status_name(st));
      fprintf(ctx.out, "  error: %s\n", run->summaries[k]);
      failed++;
    }
    fprintf(ctx.out, "  (step: %.2f s)\n\n", run->wall_s[k]);
    fflush(ctx.out);
  }
  double total = zcxt_demo_now() - t_start;
  print_pool(&ctx, run);
  fputc('\n', ctx.out);
  print_comparison(ctx.out, run);
  fprintf(ctx.out, "\nsummary:\n");
  for (size_t k = 0; k < STEP_COUNT; k++) {
    if (run->status[k] != NULL) {
      fprintf(ctx.out, "  [%s] %s: %s\n", run->status[k], kSteps[k].name, run->summaries[k]);
    }
  }
  fprintf(ctx.out, "  (%lld records, %.2f s in all)\n", (long long)ctx.n, total);
  int rc = failed > 0 ? ZCXT_EXIT_FAILURE : ZCXT_EXIT_OK;
  if (json_path != NULL) {
    int jrc = write_json(json_path, &ctx, run, failed == 0);
    if (jrc != ZCXT_EXIT_OK) {
      rc = jrc;
    }
  }
  if (failed > 0) {
    fprintf(stderr, "zcx demo: %d step%s failed (see above)\n", failed, failed == 1 ? "" : "s");
  }
  zcxt_demo_ctx_reset(&ctx);
  free(run);
  return rc;
}
