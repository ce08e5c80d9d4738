// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Where this process maps a file: the lines of /proc/self/maps whose device and inode are
// the file's (the shared-memory segments use it to report their mapping's start).
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "ipc_internal.h"

int zcxpy_maps_of_file(dev_t dev, ino_t ino, uintptr_t* starts, size_t max, size_t* n) {
  *n = 0;
  FILE* f = fopen("/proc/self/maps", "re");
  if (f == NULL) {
    return errno != 0 ? errno : EIO;
  }
  // Each line: start-end perms offset major:minor inode [path]
  char line[4096 + 256];
  while (fgets(line, (int)sizeof(line), f) != NULL) {
    uintmax_t start = 0;
    uintmax_t end = 0;
    uintmax_t offset = 0;
    unsigned int major_no = 0;
    unsigned int minor_no = 0;
    uintmax_t inode = 0;
    char perms[8];
    if (sscanf(line, "%jx-%jx %7s %jx %x:%x %ju", &start, &end, perms, &offset, &major_no,
               &minor_no, &inode) == 7 &&
        major_no == major(dev) && minor_no == minor(dev) && inode == (uintmax_t)ino &&
        offset == 0) {
      if (*n < max) {
        starts[*n] = (uintptr_t)start;
      }
      (*n)++;
    }
    // A line longer than the buffer (a very long path): skip the rest of it.
    while (strchr(line, '\n') == NULL && fgets(line, (int)sizeof(line), f) != NULL) {
    }
  }
  fclose(f);
  return 0;
}
