// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Helpers shared by the subcommands of `zcx`: one-line errors, options, sizes, paths.
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int zcxt_usage_error(const char* cmd, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "zcx %s: ", cmd);
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, " (see 'zcx %s --help')\n", cmd);
  va_end(ap);
  return ZCXT_EXIT_USAGE;
}

int zcxt_fail(const char* cmd, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "zcx %s: ", cmd);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  return ZCXT_EXIT_FAILURE;
}

bool zcxt_is_help(const char* arg) { return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0; }

bool zcxt_opt_value(int argc, char** argv, int* i, const char* name, const char** value) {
  const char* arg = argv[*i];
  size_t n = strlen(name);
  if (strncmp(arg, name, n) != 0) {
    return false;
  }
  if (arg[n] == '=') {
    *value = arg + n + 1;
    return true;
  }
  if (arg[n] != '\0') {
    return false;
  }
  if (*i + 1 < argc) {
    *i += 1;
    *value = argv[*i];
  } else {
    *value = NULL;
  }
  return true;
}

bool zcxt_parse_uint(const char* text, uint64_t max, uint64_t* out) {
  if (text == NULL || *text < '0' || *text > '9') {
    return false;
  }
  errno = 0;
  char* end = NULL;
  unsigned long long v = strtoull(text, &end, 10);
  if (errno != 0 || *end != '\0' || v > max) {
    return false;
  }
  *out = (uint64_t)v;
  return true;
}

bool zcxt_parse_size(const char* text, size_t* out) {
  if (text == NULL || *text < '0' || *text > '9') {
    return false;
  }
  errno = 0;
  char* end = NULL;
  unsigned long long v = strtoull(text, &end, 10);
  if (errno != 0) {
    return false;
  }
  unsigned shift = 0;
  switch (*end) {
    case '\0':
      break;
    case 'k':
    case 'K':
      shift = 10;
      end++;
      break;
    case 'm':
    case 'M':
      shift = 20;
      end++;
      break;
    case 'g':
    case 'G':
      shift = 30;
      end++;
      break;
    case 't':
    case 'T':
      shift = 40;
      end++;
      break;
    case 'b':
    case 'B':
      break;
    default:
      return false;
  }
  if (shift != 0 && (strcmp(end, "iB") == 0 || strcmp(end, "B") == 0 || strcmp(end, "b") == 0)) {
    end += strlen(end);
  } else if (shift == 0 && (*end == 'b' || *end == 'B')) {
    end++;
  }
  if (*end != '\0' || v == 0 || v > (SIZE_MAX >> 1) >> shift) {
    return false;
  }
  *out = (size_t)(v << shift);
  return true;
}

const char* zcxt_format_bytes(double bytes, char* buf, size_t size) {
  static const char* const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  if (bytes < 0) {
    snprintf(buf, size, "-");
    return buf;
  }
  int u = 0;
  while (bytes >= 1024.0 && u < 4) {
    bytes /= 1024.0;
    u++;
  }
  if (u == 0) {
    snprintf(buf, size, "%.0f B", bytes);
  } else {
    snprintf(buf, size, "%.2f %s", bytes, units[u]);
  }
  return buf;
}

bool zcxt_path_readable(const char* path, char* why, size_t why_size) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    snprintf(why, why_size, "%s", strerror(errno));
    return false;
  }
  struct stat st;
  bool ok = fstat(fd, &st) == 0;
  if (!ok) {
    snprintf(why, why_size, "%s", strerror(errno));
  } else if (S_ISDIR(st.st_mode)) {
    snprintf(why, why_size, "is a directory");
    ok = false;
  }
  close(fd);
  return ok;
}
