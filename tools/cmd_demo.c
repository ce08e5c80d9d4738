// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// `zcx demo`: runs the demonstration steps of demo.h in order and reports each in one line.
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "demo.h"

typedef struct demo_step {
  const char* name;
  const char* title;
  zcxt_demo_fn run;
} demo_step_t;

// One line per step, in the order they run; see demo.h for how to add one.
static const demo_step_t kSteps[] = {
    {"pool", "memory pool: a training loop with malloc and with the zcx pool", zcxt_demo_pool},
};
#define STEP_COUNT (sizeof(kSteps) / sizeof(kSteps[0]))

void zcxt_usage_demo(FILE* out) {
  fprintf(out,
          "usage: zcx demo [--quick] [--step NAME] [--list]\n"
          "\n"
          "Runs the end-to-end demonstration on built-in data and prints what was shared,\n"
          "what was copied, and what it cost, then one summary line per step.\n"
          "\n"
          "options:\n"
          "  --quick      smaller data, fewer iterations\n"
          "  --step NAME  run only this step\n"
          "  --list       list the steps\n"
          "  -h, --help   this text\n");
}

int zcxt_cmd_demo(int argc, char** argv) {
  zcxt_demo_options_t options = {.quick = false, .out = stdout};
  const char* only = NULL;
  for (int i = 1; i < argc; i++) {
    const char* a = argv[i];
    const char* v = NULL;
    if (zcxt_is_help(a)) {
      zcxt_usage_demo(stdout);
      return ZCXT_EXIT_OK;
    } else if (strcmp(a, "--quick") == 0) {
      options.quick = true;
    } else if (strcmp(a, "--list") == 0) {
      for (size_t k = 0; k < STEP_COUNT; k++) {
        printf("%-10s %s\n", kSteps[k].name, kSteps[k].title);
      }
      return ZCXT_EXIT_OK;
    } else if (zcxt_opt_value(argc, argv, &i, "--step", &v)) {
      if (v == NULL) {
        return zcxt_usage_error("demo", "option --step needs a NAME");
      }
      only = v;
    } else if (a[0] == '-') {
      return zcxt_usage_error("demo", "unknown option '%s'", a);
    } else {
      return zcxt_usage_error("demo", "unexpected argument '%s'", a);
    }
  }
  if (only != NULL) {
    bool found = false;
    for (size_t k = 0; k < STEP_COUNT; k++) {
      found = found || strcmp(kSteps[k].name, only) == 0;
    }
    if (!found) {
      return zcxt_usage_error("demo", "unknown step '%s' (see 'zcx demo --list')", only);
    }
  }
  char summaries[STEP_COUNT][256];
  const char* status[STEP_COUNT];
  int rc = ZCXT_EXIT_OK;
  size_t ran = 0;
  for (size_t k = 0; k < STEP_COUNT; k++) {
    status[k] = NULL;
    if (only != NULL && strcmp(kSteps[k].name, only) != 0) {
      continue;
    }
    fprintf(options.out, "== %s\n", kSteps[k].title);
    summaries[k][0] = '\0';
    zcx_error_t err;
    err.message[0] = '\0';
    int st = kSteps[k].run(&options, summaries[k], sizeof(summaries[k]), &err);
    ran++;
    if (st == 0) {
      status[k] = "ok";
    } else if (st == ENOTSUP) {
      status[k] = "skipped";
    } else {
      status[k] = "FAILED";
      snprintf(summaries[k], sizeof(summaries[k]), "%s (%s)", err.message, zcx_status_name(st));
      rc = ZCXT_EXIT_FAILURE;
    }
    fputc('\n', options.out);
  }
  fprintf(options.out, "summary:\n");
  for (size_t k = 0; k < STEP_COUNT; k++) {
    if (status[k] != NULL) {
      fprintf(options.out, "  [%s] %s: %s\n", status[k], kSteps[k].name, summaries[k]);
    }
  }
  if (rc != ZCXT_EXIT_OK) {
    fprintf(stderr, "zcx demo: a step failed\n");
  }
  (void)ran;
  return rc;
}
