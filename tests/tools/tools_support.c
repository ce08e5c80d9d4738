// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Helpers for the tests of the `zcx` command: temporary files, running a program, a trace.
#include "tools_support.h"

#include <dirent.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

static char g_dir[256];
static char g_paths[8][512];
static int g_next;

const char tt_simple_trace[] =
    "Thread,Time,Action,Pointer,Size,Stream\n"
    "7,0.000001,allocate,0x1000,1000,0x0\n"
    "7,0.000002,allocate,0x2000,3000,0x0\n"
    "7,0.000003,free,0x1000,1000,0x0\n"
    "7,0.000004,allocate,0x1000,500,0x0\n"
    "7,0.000005,free,0x2000,3000,0x0\n"
    "7,0.000006,free,0x1000,500,0x0\n";

const char* tt_tmpdir(void) {
  if (g_dir[0] == '\0') {
    const char* base = getenv("TMPDIR");
    snprintf(g_dir, sizeof(g_dir), "%s/zcx-tools-XXXXXX", base != NULL ? base : "/tmp");
    if (mkdtemp(g_dir) == NULL) {
      g_dir[0] = '\0';
      return "/nonexistent-tmpdir";
    }
  }
  return g_dir;
}

void tt_cleanup(void) {
  if (g_dir[0] == '\0') {
    return;
  }
  DIR* d = opendir(g_dir);
  if (d != NULL) {
    struct dirent* e;
    while ((e = readdir(d)) != NULL) {
      if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
        continue;
      }
      char p[600];
      snprintf(p, sizeof(p), "%s/%s", g_dir, e->d_name);
      if (unlink(p) != 0) {
        rmdir(p);
      }
    }
    closedir(d);
  }
  rmdir(g_dir);
  g_dir[0] = '\0';
}

int tt_teardown(void** state) {
  (void)state;
  tt_cleanup();
  return 0;
}

const char* tt_path(const char* name) {
  char* p = g_paths[g_next++ % 8];
  snprintf(p, sizeof(g_paths[0]), "%s/%s", tt_tmpdir(), name);
  return p;
}

const char* tt_write_file(const char* name, const char* text) {
  const char* p = tt_path(name);
  FILE* f = fopen(p, "w");
  if (f != NULL) {
    fputs(text, f);
    fclose(f);
  }
  return p;
}

static char* slurp(const char* path) {
  FILE* f = fopen(path, "r");
  if (f == NULL) {
    return strdup("");
  }
  size_t cap = 4096, n = 0;
  char* buf = malloc(cap);
  size_t got;
  while (buf != NULL && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
    n += got;
    if (cap - n - 1 == 0) {
      char* bigger = realloc(buf, cap * 2);
      if (bigger == NULL) {
        break;
      }
      buf = bigger;
      cap *= 2;
    }
  }
  fclose(f);
  if (buf != NULL) {
    buf[n] = '\0';
  }
  return buf;
}

tt_run_t tt_run(const char* const argv[]) {
  tt_run_t r = {-1, NULL, NULL};
  char out_path[600], err_path[600];
  snprintf(out_path, sizeof(out_path), "%s/.stdout", tt_tmpdir());
  snprintf(err_path, sizeof(err_path), "%s/.stderr", tt_tmpdir());
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, out_path, O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, err_path, O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  pid_t pid;
  int e = posix_spawn(&pid, argv[0], &fa, NULL, (char* const*)argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  if (e == 0) {
    int ws = 0;
    if (waitpid(pid, &ws, 0) == pid) {
      r.status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
    }
  }
  r.out = slurp(out_path);
  r.err = slurp(err_path);
  unlink(out_path);
  unlink(err_path);
  return r;
}

void tt_run_free(tt_run_t* r) {
  free(r->out);
  free(r->err);
  r->out = r->err = NULL;
}

int tt_count_lines(const char* text) {
  int n = 0;
  for (const char* p = text; *p != '\0'; p++) {
    if (*p == '\n') {
      n++;
    }
  }
  if (*text != '\0' && text[strlen(text) - 1] != '\n') {
    n++;
  }
  return n;
}
