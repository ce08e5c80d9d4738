// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// `zcx bench --plot DIR`: finds the chart script and runs it with Python (see bench_plot.h).
#include "bench_plot.h"

#include <errno.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

extern char** environ;

// Set by tools/CMakeLists.txt: the interpreter zcx was built for, the script in the source
// tree, and the script's place relative to the folder of the installed zcx.
#ifndef ZCX_PLOT_PYTHON
#define ZCX_PLOT_PYTHON "/usr/bin/python3"
#endif
#ifndef ZCX_PLOT_SOURCE
#define ZCX_PLOT_SOURCE ""
#endif
#ifndef ZCX_PLOT_INSTALLED
#define ZCX_PLOT_INSTALLED "../share/zcx/plot.py"
#endif

bool zcxt_make_dirs(const char* dir, char* why, size_t why_size) {
  char path[PATH_MAX];
  size_t n = strlen(dir);
  if (n == 0 || n >= sizeof(path)) {
    snprintf(why, why_size, "bad folder name '%s'", dir);
    return false;
  }
  memcpy(path, dir, n + 1);
  // Create each prefix that ends at a '/', then the whole path.
  for (size_t i = 1; i <= n; i++) {
    if (path[i] != '/' && path[i] != '\0') {
      continue;
    }
    char saved = path[i];
    path[i] = '\0';
    if (mkdir(path, 0755) != 0 && errno != EEXIST) {
      snprintf(why, why_size, "cannot create folder %s: %s", path, strerror(errno));
      return false;
    }
    path[i] = saved;
  }
  struct stat st;
  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
    snprintf(why, why_size, "%s is not a folder", dir);
    return false;
  }
  return true;
}

static bool is_file(const char* path) {
  struct stat st;
  return path[0] != '\0' && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

bool zcxt_plot_script(char* buf, size_t size) {
  const char* env = getenv("ZCX_PLOT_SCRIPT");
  if (env != NULL && env[0] != '\0') {
    snprintf(buf, size, "%s", env);
    if (is_file(buf)) {
      return true;
    }
    snprintf(buf, size, "$ZCX_PLOT_SCRIPT (%s)", env);
    return false;
  }
  // Beside the running zcx: <bindir>/../share/zcx/plot.py in an installed tree.
  char exe[PATH_MAX];
  ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  char installed[PATH_MAX + 64] = "";
  if (len > 0) {
    exe[len] = '\0';
    char* slash = strrchr(exe, '/');
    if (slash != NULL) {
      *slash = '\0';
      snprintf(installed, sizeof(installed), "%s/%s", exe, ZCX_PLOT_INSTALLED);
      if (is_file(installed)) {
        snprintf(buf, size, "%s", installed);
        return true;
      }
    }
  }
  if (is_file(ZCX_PLOT_SOURCE)) {
    snprintf(buf, size, "%s", ZCX_PLOT_SOURCE);
    return true;
  }
  snprintf(buf, size, "%s, %s", installed[0] != '\0' ? installed : ZCX_PLOT_INSTALLED,
           ZCX_PLOT_SOURCE[0] != '\0' ? ZCX_PLOT_SOURCE : "bench/plot.py");
  return false;
}

static const char* python_path(void) {
  const char* python = getenv("ZCX_PYTHON");
  return python != NULL && python[0] != '\0' ? python : ZCX_PLOT_PYTHON;
}

// Runs `python script arg1 [arg2]` with this process's stdout and stderr; returns its exit
// status, 128 + signal, or -1 (with errno) when it could not be started.
static int run_script(const char* python, const char* script, const char* arg1,
                      const char* arg2) {
  char* argv[] = {(char*)python, (char*)script, (char*)arg1, (char*)arg2, NULL};
  fflush(stdout);
  fflush(stderr);
  pid_t pid;
  int rc = posix_spawn(&pid, python, NULL, NULL, argv, environ);
  if (rc != 0) {
    errno = rc;
    return -1;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      return -1;
    }
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int zcxt_bench_plot_prepare(const char* dir, char* script, size_t script_size) {
  char why[PATH_MAX + 64];
  if (!zcxt_make_dirs(dir, why, sizeof(why))) {
    return zcxt_fail("bench", "--plot: %s", why);
  }
  if (!zcxt_plot_script(script, script_size)) {
    return zcxt_fail("bench", "--plot: the chart script plot.py was not found (looked at %s)",
                     script);
  }
  const char* python = python_path();
  int rc = run_script(python, script, "--check", NULL);
  if (rc < 0) {
    return zcxt_fail("bench", "--plot: cannot run %s: %s (set ZCX_PYTHON to a Python 3 with "
                     "matplotlib)", python, strerror(errno));
  }
  if (rc != 0) {
    // The script has said why (matplotlib missing).
    return zcxt_fail("bench", "--plot: %s cannot draw charts (exit %d)", python, rc);
  }
  return ZCXT_EXIT_OK;
}

int zcxt_bench_plot(const char* script, const char* json_path, const char* dir) {
  const char* python = python_path();
  int rc = run_script(python, script, json_path, dir);
  if (rc < 0) {
    return zcxt_fail("bench", "--plot: cannot run %s: %s", python, strerror(errno));
  }
  if (rc != 0) {
    // The script has said what went wrong (unreadable JSON, no results...).
    return zcxt_fail("bench", "--plot: no charts drawn (%s %s exited %d)", python, script, rc);
  }
  return ZCXT_EXIT_OK;
}
