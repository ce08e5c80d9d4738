// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Runs a fuzz target's LLVMFuzzerTestOneInput over every file of the folders (or files) named
// on the command line, without libFuzzer, so that ctest replays corpora and known crashers in
// every build (the sanitizer build included). Missing folders are skipped with a note.
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

static int run_file(const char* path) {
  FILE* f = fopen(path, "rb");
  if (f == NULL) {
    printf("cannot open %s\n", path);
    return 1;
  }
  size_t cap = 1 << 16;
  size_t n = 0;
  uint8_t* buf = malloc(cap);
  for (;;) {
    if (n == cap) {
      cap *= 2;
      buf = realloc(buf, cap);
    }
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (got == 0) {
      break;
    }
  }
  fclose(f);
  // An exact-size copy, so that ASan sees any read past the input.
  uint8_t* exact = malloc(n ? n : 1);
  memcpy(exact, buf, n);
  free(buf);
  printf("run   %s (%zu bytes)\n", path, n);
  fflush(stdout);
  LLVMFuzzerTestOneInput(exact, n);
  free(exact);
  return 0;
}

static int cmp_str(const void* a, const void* b) {
  return strcmp(*(const char* const*)a, *(const char* const*)b);
}

int main(int argc, char** argv) {
  int files = 0;
  int errors = 0;
  for (int i = 1; i < argc; i++) {
    struct stat st;
    if (stat(argv[i], &st) != 0) {
      printf("skip  %s (missing)\n", argv[i]);
      continue;
    }
    if (!S_ISDIR(st.st_mode)) {
      errors += run_file(argv[i]);
      files++;
      continue;
    }
    DIR* d = opendir(argv[i]);
    if (d == NULL) {
      continue;
    }
    char* names[4096];
    int n = 0;
    struct dirent* e;
    while ((e = readdir(d)) != NULL && n < 4096) {
      char path[4096];
      snprintf(path, sizeof(path), "%s/%s", argv[i], e->d_name);
      if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && strcmp(e->d_name, "README.md") != 0) {
        names[n++] = strdup(path);
      }
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof(names[0]), cmp_str);
    for (int k = 0; k < n; k++) {
      errors += run_file(names[k]);
      files++;
      free(names[k]);
    }
  }
  printf("%d inputs, none crashed\n", files);
  return errors == 0 ? 0 : 1;
}
