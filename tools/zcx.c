// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The `zcx` command: global options and the table of subcommands (see commands.h).
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "zcx/core.h"

// One line per subcommand; see commands.h for how to add one.
static const zcxt_command_t kCommands[] = {
    {"demo", "run the end-to-end demonstration on built-in data", zcxt_cmd_demo, zcxt_usage_demo},
    {"replay", "replay an RMM allocation trace against memory resources", zcxt_cmd_replay,
     zcxt_usage_replay},
    {"bench", "run the benchmarks against the baselines this machine has", zcxt_cmd_bench,
     zcxt_usage_bench},
    {"inspect", "show the layout of an Arrow IPC file or stream", zcxt_cmd_inspect,
     zcxt_usage_inspect},
    {"cat", "print the rows of an Arrow IPC file or stream", zcxt_cmd_cat, zcxt_usage_cat},
    {"validate", "check an Arrow IPC file or stream completely", zcxt_cmd_validate,
     zcxt_usage_validate},
    {"convert", "rewrite Arrow IPC as a file or stream, with or without compression",
     zcxt_cmd_convert, zcxt_usage_convert},
};

static const size_t kCommandCount = sizeof(kCommands) / sizeof(kCommands[0]);

static void usage(FILE* out) {
  fprintf(out,
          "usage: zcx [--version] [--help] COMMAND [ARGS...]\n"
          "\n"
          "zero-copy data exchange between ML and data frameworks: Arrow arrays, DLPack,\n"
          "memory pools.\n"
          "\n"
          "commands:\n");
  for (size_t i = 0; i < kCommandCount; i++) {
    fprintf(out, "  %-10s %s\n", kCommands[i].name, kCommands[i].summary);
  }
  fprintf(out, "\n'zcx COMMAND --help' describes a command.\n");
}

static const zcxt_command_t* find_command(const char* name) {
  for (size_t i = 0; i < kCommandCount; i++) {
    if (strcmp(kCommands[i].name, name) == 0) {
      return &kCommands[i];
    }
  }
  return NULL;
}

int main(int argc, char** argv) {
  if (argc < 2) {
    usage(stderr);
    return ZCXT_EXIT_USAGE;
  }
  const char* first = argv[1];
  if (zcxt_is_help(first)) {
    usage(stdout);
    return ZCXT_EXIT_OK;
  }
  if (strcmp(first, "--version") == 0 || strcmp(first, "-V") == 0) {
    printf("zcx %s\n", zcx_version());
    return ZCXT_EXIT_OK;
  }
  if (strcmp(first, "help") == 0) {
    if (argc < 3) {
      usage(stdout);
      return ZCXT_EXIT_OK;
    }
    const zcxt_command_t* cmd = find_command(argv[2]);
    if (cmd == NULL) {
      fprintf(stderr, "zcx: unknown command '%s' (see 'zcx --help')\n", argv[2]);
      return ZCXT_EXIT_USAGE;
    }
    cmd->usage(stdout);
    return ZCXT_EXIT_OK;
  }
  if (first[0] == '-') {
    fprintf(stderr, "zcx: unknown option '%s' (see 'zcx --help')\n", first);
    return ZCXT_EXIT_USAGE;
  }
  const zcxt_command_t* cmd = find_command(first);
  if (cmd == NULL) {
    fprintf(stderr, "zcx: unknown command '%s' (see 'zcx --help')\n", first);
    return ZCXT_EXIT_USAGE;
  }
  int rc = cmd->run(argc - 1, argv + 1);
  if (fflush(stdout) != 0 && rc == ZCXT_EXIT_OK) {
    fprintf(stderr, "zcx %s: cannot write the output\n", cmd->name);
    rc = ZCXT_EXIT_FAILURE;
  }
  return rc;
}
