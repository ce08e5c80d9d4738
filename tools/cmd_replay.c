// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// `zcx replay`: replays an RMM allocation log against memory resources and compares them.
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "json_writer.h"
#include "replay_trace.h"
#include "resource_spec.h"

#define MAX_RESOURCES 16

void zcxt_usage_replay(FILE* out) {
  fprintf(out,
          "usage: zcx replay TRACE.csv --resource NAME [--resource NAME ...] [--touch]\n"
          "                  [--json FILE]\n"
          "\n"
          "Replays an allocation log in RMM's format (Thread,Time,Action,Pointer,Size,Stream,\n"
          "as written by RMM's logging_resource_adaptor or zcx_trace_mr_create) against each\n"
          "resource, one replay thread per trace thread, and prints per resource: wall time,\n"
          "ns per operation, peak bytes in use, peak bytes reserved, fragmentation and\n"
          "failed allocations.\n"
          "\n"
          "options:\n"
          "  --resource NAME  a resource to replay against (repeatable):\n"
          "%s"
          "  --touch          write every page of each allocation once\n"
          "  --json FILE      also write the results as JSON ('-' for stdout)\n"
          "  -h, --help       this text\n",
          ZCXT_RESOURCE_SPEC_HELP);
}

static void print_row(FILE* out, const char* name, const zcxt_replay_result_t* r) {
  char in_use[32], reserved[32], frag[16];
  zcxt_format_bytes((double)r->peak_in_use_bytes, in_use, sizeof(in_use));
  zcxt_format_bytes((double)r->peak_reserved_bytes, reserved, sizeof(reserved));
  if (r->fragmentation >= 0) {
    snprintf(frag, sizeof(frag), "%.3f", r->fragmentation);
  } else {
    snprintf(frag, sizeof(frag), "-");
  }
  fprintf(out, "%-16s %10.4f %10.1f %14s %14s %8s %9lld\n", name, r->wall_s, r->ns_per_op, in_use,
          reserved, frag, (long long)r->failures);
}

static void json_bytes(zcxt_json_t* w, const char* key, int64_t v) {
  zcxt_json_key(w, key);
  if (v < 0) {
    zcxt_json_null(w);
  } else {
    zcxt_json_int(w, v);
  }
}

static int write_json(const char* json_path, const char* trace_path, const zcxt_trace_t* t,
                      const char* const* names, const zcxt_replay_result_t* results, size_t n) {
  zcx_error_t err;
  FILE* f = NULL;
  if (zcxt_json_open(json_path, &f, &err) != 0) {
    return zcxt_fail("replay", "%s", err.message);
  }
  zcxt_json_t w;
  zcxt_json_init(&w, f, true);
  zcxt_json_begin_object(&w);
  zcxt_json_kv_string(&w, "trace", trace_path);
  zcxt_json_kv_int(&w, "events", (int64_t)t->event_count);
  zcxt_json_kv_int(&w, "threads", (int64_t)t->thread_count);
  zcxt_json_kv_int(&w, "trace_peak_bytes", t->peak_bytes);
  zcxt_json_kv_int(&w, "unknown_frees", t->unknown_frees);
  zcxt_json_key(&w, "results");
  zcxt_json_begin_array(&w);
  for (size_t i = 0; i < n; i++) {
    const zcxt_replay_result_t* r = &results[i];
    zcxt_json_begin_object(&w);
    zcxt_json_kv_string(&w, "resource", names[i]);
    zcxt_json_kv_double(&w, "wall_s", r->wall_s);
    zcxt_json_kv_double(&w, "ns_per_op", r->ns_per_op);
    json_bytes(&w, "peak_in_use_bytes", r->peak_in_use_bytes);
    json_bytes(&w, "peak_reserved_bytes", r->peak_reserved_bytes);
    zcxt_json_key(&w, "fragmentation");
    if (r->fragmentation >= 0) {
      zcxt_json_double(&w, r->fragmentation);
    } else {
      zcxt_json_null(&w);
    }
    zcxt_json_kv_int(&w, "failures", r->failures);
    zcxt_json_kv_int(&w, "ops", r->ops);
    zcxt_json_end_object(&w);
  }
  zcxt_json_end_array(&w);
  zcxt_json_end_object(&w);
  int rc = zcxt_json_finish(&w, &err);
  int rc2 = zcxt_json_close(f, json_path, rc == 0 ? &err : NULL);
  if (rc != 0 || rc2 != 0) {
    return zcxt_fail("replay", "%s", err.message);
  }
  return ZCXT_EXIT_OK;
}

int zcxt_cmd_replay(int argc, char** argv) {
  const char* trace_path = NULL;
  const char* json_path = NULL;
  const char* names[MAX_RESOURCES];
  size_t nres = 0;
  bool touch = false;
  for (int i = 1; i < argc; i++) {
    const char* a = argv[i];
    const char* v = NULL;
    if (zcxt_is_help(a)) {
      zcxt_usage_replay(stdout);
      return ZCXT_EXIT_OK;
    } else if (zcxt_opt_value(argc, argv, &i, "--resource", &v)) {
      if (v == NULL) {
        return zcxt_usage_error("replay", "option --resource needs a NAME");
      }
      char why[160];
      if (!zcxt_resource_spec_valid(v, why, sizeof(why))) {
        return zcxt_usage_error("replay", "%s", why);
      }
      if (nres == MAX_RESOURCES) {
        return zcxt_usage_error("replay", "at most %d resources", MAX_RESOURCES);
      }
      names[nres++] = v;
    } else if (zcxt_opt_value(argc, argv, &i, "--json", &v)) {
      if (v == NULL) {
        return zcxt_usage_error("replay", "option --json needs a FILE");
      }
      json_path = v;
    } else if (strcmp(a, "--touch") == 0) {
      touch = true;
    } else if (a[0] == '-' && a[1] != '\0') {
      return zcxt_usage_error("replay", "unknown option '%s'", a);
    } else if (trace_path == NULL) {
      trace_path = a;
    } else {
      return zcxt_usage_error("replay", "unexpected argument '%s'", a);
    }
  }
  if (trace_path == NULL) {
    return zcxt_usage_error("replay", "missing TRACE.csv");
  }
  if (nres == 0) {
    return zcxt_usage_error("replay", "missing --resource NAME");
  }
  char why[160];
  if (!zcxt_path_readable(trace_path, why, sizeof(why))) {
    return zcxt_fail("replay", "cannot read '%s': %s", trace_path, why);
  }

  zcx_error_t err;
  zcxt_trace_t trace;
  if (zcxt_trace_load(trace_path, &trace, &err) != 0) {
    return zcxt_fail("replay", "%s", err.message);
  }
  // With --json -, the JSON document alone goes to stdout.
  FILE* table = (json_path != NULL && strcmp(json_path, "-") == 0) ? stderr : stdout;
  char peak[32];
  fprintf(table,
          "trace %s: %zu events (%zu allocations, %zu frees) in %zu thread%s, peak in use %s\n",
          trace_path, trace.event_count, trace.allocation_count, trace.free_count,
          trace.thread_count, trace.thread_count == 1 ? "" : "s",
          zcxt_format_bytes((double)trace.peak_bytes, peak, sizeof(peak)));
  if (trace.unknown_frees > 0) {
    fprintf(stderr, "zcx replay: %lld free%s of unknown pointers skipped; first: %s\n",
            (long long)trace.unknown_frees, trace.unknown_frees == 1 ? "" : "s",
            trace.first_unknown);
  }
  if (trace.trace_failures > 0 || trace.ignored > 0 || trace.unfreed > 0) {
    fprintf(stderr,
            "zcx replay: not replayed: %lld failed and %lld empty allocations; %lld allocations "
            "never freed (freed after timing)\n",
            (long long)trace.trace_failures, (long long)trace.ignored, (long long)trace.unfreed);
  }

  zcxt_replay_result_t results[MAX_RESOURCES];
  zcxt_replay_options_t options = {.touch = touch};
  fprintf(table, "%-16s %10s %10s %14s %14s %8s %9s\n", "resource", "wall_s", "ns/op",
          "peak in use", "peak reserved", "frag", "failures");
  int rc = ZCXT_EXIT_OK;
  for (size_t i = 0; i < nres && rc == ZCXT_EXIT_OK; i++) {
    zcx_mr_t* mr = NULL;
    if (zcxt_resource_create(names[i], &mr, &err) != 0) {
      rc = zcxt_fail("replay", "resource '%s': %s", names[i], err.message);
      break;
    }
    if (zcxt_replay_run(&trace, mr, &options, &results[i], &err) != 0) {
      rc = zcxt_fail("replay", "replay on '%s': %s", names[i], err.message);
    } else {
      print_row(table, names[i], &results[i]);
      if (results[i].free_errors > 0) {
        fprintf(stderr, "zcx replay: %s: %lld frees refused by the resource\n", names[i],
                (long long)results[i].free_errors);
      }
      if (results[i].failures > 0) {
        fprintf(stderr, "zcx replay: %s: %lld allocation%s failed; first: %s\n", names[i],
                (long long)results[i].failures, results[i].failures == 1 ? "" : "s",
                results[i].first_failure);
      }
    }
    zcx_mr_release(mr);
  }
  if (rc == ZCXT_EXIT_OK && json_path != NULL) {
    rc = write_json(json_path, trace_path, &trace, names, results, nres);
  }
  zcxt_trace_reset(&trace);
  return rc;
}
