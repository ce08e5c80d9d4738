// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The shared benchmark harness: clocks, medians, machine description, results, workers.
#include "harness.h"

#include <errno.h>
#include <gnu/libc-version.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char** environ;

int64_t zcxb_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int cmp_double(const void* a, const void* b) {
  double x = *(const double*)a;
  double y = *(const double*)b;
  return (x > y) - (x < y);
}

double zcxb_median(double* values, size_t n) {
  if (n == 0) {
    return 0.0;
  }
  qsort(values, n, sizeof(double), cmp_double);
  if (n % 2 == 1) {
    return values[n / 2];
  }
  return 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

void zcxb_rusage(int64_t* minor_faults, int64_t* peak_rss_bytes) {
  struct rusage ru;
  memset(&ru, 0, sizeof(ru));
  getrusage(RUSAGE_SELF, &ru);
  if (minor_faults != NULL) {
    *minor_faults = (int64_t)ru.ru_minflt;
  }
  if (peak_rss_bytes != NULL) {
    *peak_rss_bytes = (int64_t)ru.ru_maxrss * 1024;
  }
}

// ---------------------------------------------------------------------------------------------
// The machine

static void read_first_line(const char* path, char* buf, size_t size) {
  buf[0] = '\0';
  FILE* f = fopen(path, "r");
  if (f == NULL) {
    return;
  }
  if (fgets(buf, (int)size, f) != NULL) {
    buf[strcspn(buf, "\n")] = '\0';
  }
  fclose(f);
}

void zcxb_machine_describe(zcxb_machine_t* m) {
  memset(m, 0, sizeof(*m));
  snprintf(m->cpu_model, sizeof(m->cpu_model), "unknown");
  FILE* f = fopen("/proc/cpuinfo", "r");
  if (f != NULL) {
    char line[256];
    while (fgets(line, sizeof(line), f) != NULL) {
      if (strncmp(line, "model name", 10) == 0) {
        const char* colon = strchr(line, ':');
        if (colon != NULL) {
          colon++;
          while (*colon == ' ') {
            colon++;
          }
          snprintf(m->cpu_model, sizeof(m->cpu_model), "%s", colon);
          m->cpu_model[strcspn(m->cpu_model, "\n")] = '\0';
        }
        break;
      }
    }
    fclose(f);
  }
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  m->cpus = cpus > 0 ? (int)cpus : 0;
  long pages = sysconf(_SC_PHYS_PAGES);
  long page = sysconf(_SC_PAGESIZE);
  m->memory_bytes = (pages > 0 && page > 0) ? (int64_t)pages * page : -1;
  struct utsname u;
  if (uname(&u) == 0) {
    snprintf(m->kernel, sizeof(m->kernel), "%.30s %.60s %.20s", u.sysname, u.release, u.machine);
  }
  snprintf(m->libc, sizeof(m->libc), "glibc %s", gnu_get_libc_version());
  char thp[128];
  read_first_line("/sys/kernel/mm/transparent_hugepage/enabled", thp, sizeof(thp));
  // The active mode is the bracketed word: "always [madvise] never".
  const char* open = strchr(thp, '[');
  const char* close = open != NULL ? strchr(open, ']') : NULL;
  if (open != NULL && close != NULL) {
    snprintf(m->thp, sizeof(m->thp), "%.*s", (int)(close - open - 1), open + 1);
  } else {
    snprintf(m->thp, sizeof(m->thp), "%s", thp[0] != '\0' ? thp : "unknown");
  }
}

// ---------------------------------------------------------------------------------------------
// Results

int zcxb_report_add_row(zcxb_report_t* report, zcxb_row_t** out, zcx_error_t* err) {
  if (report->row_count == report->row_cap) {
    size_t cap = report->row_cap == 0 ? 16 : report->row_cap * 2;
    zcxb_row_t* rows = realloc(report->rows, cap * sizeof(*rows));
    if (rows == NULL) {
      return zcx_error_fail(err, ENOMEM, "benchmark report: out of memory for %zu rows", cap);
    }
    report->rows = rows;
    report->row_cap = cap;
  }
  zcxb_row_t* row = &report->rows[report->row_count++];
  memset(row, 0, sizeof(*row));
  *out = row;
  return 0;
}

int zcxb_report_note(zcxb_report_t* report, zcx_error_t* err, const char* fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof(buf), fmt, ap);
  va_end(ap);
  if (report->note_count == report->note_cap) {
    size_t cap = report->note_cap == 0 ? 8 : report->note_cap * 2;
    char** notes = realloc(report->notes, cap * sizeof(*notes));
    if (notes == NULL) {
      return zcx_error_fail(err, ENOMEM, "benchmark report: out of memory for notes");
    }
    report->notes = notes;
    report->note_cap = cap;
  }
  char* copy = strdup(buf);
  if (copy == NULL) {
    return zcx_error_fail(err, ENOMEM, "benchmark report: out of memory for a note");
  }
  report->notes[report->note_count++] = copy;
  return 0;
}

void zcxb_report_free(zcxb_report_t* report) {
  for (size_t i = 0; i < report->note_count; i++) {
    free(report->notes[i]);
  }
  free(report->notes);
  free(report->rows);
  memset(report, 0, sizeof(*report));
}

static zcxb_field_t* field_for(zcxb_row_t* row, const char* key) {
  for (int i = 0; i < row->count; i++) {
    if (strcmp(row->fields[i].key, key) == 0) {
      return &row->fields[i];
    }
  }
  if (row->count == ZCXB_MAX_FIELDS) {
    return NULL;
  }
  zcxb_field_t* f = &row->fields[row->count++];
  memset(f, 0, sizeof(*f));
  snprintf(f->key, sizeof(f->key), "%s", key);
  return f;
}

void zcxb_row_set_string(zcxb_row_t* row, const char* key, const char* value) {
  zcxb_field_t* f = field_for(row, key);
  if (f != NULL) {
    f->type = ZCXB_FIELD_STRING;
    snprintf(f->s, sizeof(f->s), "%s", value);
  }
}

void zcxb_row_set_int(zcxb_row_t* row, const char* key, int64_t value) {
  zcxb_field_t* f = field_for(row, key);
  if (f != NULL) {
    f->type = ZCXB_FIELD_INT;
    f->i = value;
    f->d = (double)value;
  }
}

void zcxb_row_set_number(zcxb_row_t* row, const char* key, double value) {
  zcxb_field_t* f = field_for(row, key);
  if (f != NULL) {
    f->type = ZCXB_FIELD_NUMBER;
    f->d = value;
  }
}

void zcxb_row_set_null(zcxb_row_t* row, const char* key) {
  zcxb_field_t* f = field_for(row, key);
  if (f != NULL) {
    f->type = ZCXB_FIELD_NULL;
  }
}

const zcxb_field_t* zcxb_row_get(const zcxb_row_t* row, const char* key) {
  for (int i = 0; i < row->count; i++) {
    if (strcmp(row->fields[i].key, key) == 0) {
      return &row->fields[i];
    }
  }
  return NULL;
}

double zcxb_row_number(const zcxb_row_t* row, const char* key, double fallback) {
  const zcxb_field_t* f = zcxb_row_get(row, key);
  if (f == NULL || (f->type != ZCXB_FIELD_INT && f->type != ZCXB_FIELD_NUMBER)) {
    return fallback;
  }
  return f->d;
}

void zcxb_row_parse_pairs(zcxb_row_t* row, const char* line) {
  const char* p = line;
  while (*p != '\0') {
    while (*p == ' ' || *p == '\t' || *p == '\n') {
      p++;
    }
    const char* eq = strchr(p, '=');
    if (eq == NULL) {
      break;
    }
    size_t klen = (size_t)(eq - p);
    const char* v = eq + 1;
    size_t vlen = strcspn(v, " \t\n");
    char key[32];
    char value[96];
    snprintf(key, sizeof(key), "%.*s", (int)(klen < 31 ? klen : 31), p);
    snprintf(value, sizeof(value), "%.*s", (int)(vlen < 95 ? vlen : 95), v);
    char* end = NULL;
    errno = 0;
    long long iv = strtoll(value, &end, 10);
    if (value[0] != '\0' && *end == '\0' && errno == 0) {
      zcxb_row_set_int(row, key, iv);
    } else {
      double dv = strtod(value, &end);
      if (value[0] != '\0' && *end == '\0') {
        zcxb_row_set_number(row, key, dv);
      } else {
        zcxb_row_set_string(row, key, value);
      }
    }
    p = v + vlen;
  }
}

// ---------------------------------------------------------------------------------------------
// Worker processes

int zcxb_spawn(char* const argv[], const char* const env_add[], char* out, size_t out_size,
               int* status, zcx_error_t* err) {
  *status = -1;
  if (out_size > 0) {
    out[0] = '\0';
  }
  size_t nenv = 0;
  while (environ[nenv] != NULL) {
    nenv++;
  }
  size_t nadd = 0;
  while (env_add != NULL && env_add[nadd] != NULL) {
    nadd++;
  }
  char** envp = calloc(nenv + nadd + 1, sizeof(char*));
  if (envp == NULL) {
    return zcx_error_fail(err, ENOMEM, "spawn %s: out of memory", argv[0]);
  }
  size_t k = 0;
  for (size_t i = 0; i < nenv; i++) {
    // Drop variables that env_add sets again.
    bool replaced = false;
    for (size_t j = 0; j < nadd; j++) {
      size_t n = strcspn(env_add[j], "=");
      if (strncmp(environ[i], env_add[j], n) == 0 && environ[i][n] == '=') {
        replaced = true;
      }
    }
    if (!replaced) {
      envp[k++] = environ[i];
    }
  }
  for (size_t j = 0; j < nadd; j++) {
    envp[k++] = (char*)env_add[j];
  }
  int fds[2];
  if (pipe(fds) != 0) {
    int e = errno;
    free(envp);
    return zcx_error_fail(err, e, "spawn %s: pipe: %s", argv[0], strerror(e));
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&fa, fds[0]);
  posix_spawn_file_actions_addclose(&fa, fds[1]);
  pid_t pid;
  int e = posix_spawn(&pid, argv[0], &fa, NULL, argv, envp);
  posix_spawn_file_actions_destroy(&fa);
  free(envp);
  close(fds[1]);
  if (e != 0) {
    close(fds[0]);
    return zcx_error_fail(err, e, "spawn %s: %s", argv[0], strerror(e));
  }
  size_t used = 0;
  for (;;) {
    char buf[4096];
    ssize_t got = read(fds[0], buf, sizeof(buf));
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got <= 0) {
      break;
    }
    size_t n = (size_t)got;
    if (out_size > 0 && used < out_size - 1) {
      size_t room = out_size - 1 - used;
      memcpy(out + used, buf, n < room ? n : room);
      used += n < room ? n : room;
      out[used] = '\0';
    }
  }
  close(fds[0]);
  int ws = 0;
  while (waitpid(pid, &ws, 0) < 0) {
    if (errno != EINTR) {
      int e2 = errno;
      return zcx_error_fail(err, e2, "spawn %s: waitpid: %s", argv[0], strerror(e2));
    }
  }
  if (WIFEXITED(ws)) {
    *status = WEXITSTATUS(ws);
  } else if (WIFSIGNALED(ws)) {
    *status = 128 + WTERMSIG(ws);
  }
  return 0;
}
