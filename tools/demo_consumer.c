// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The consumer process of the demo's shm step (`zcx demo --consumer PATH`): attaches to the
// sealed segment, reads the batch in place and reports, for each column, its address and the
// mapping /proc/self/maps places it in; then reads the segment the usual way for the times.
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "demo.h"
#include "zcx/ipc.h"
#include "zcx/shm.h"

// The line of /proc/self/maps whose range holds `addr`: its start, file offset and path.
static bool find_mapping(uintptr_t addr, uintptr_t* start, int64_t* offset, char* path,
                         size_t path_size) {
  FILE* f = fopen("/proc/self/maps", "r");
  if (f == NULL) {
    return false;
  }
  char line[1024];
  bool found = false;
  while (!found && fgets(line, sizeof(line), f) != NULL) {
    unsigned long long lo = 0, hi = 0, off = 0;
    int name_at = 0;
    if (sscanf(line, "%llx-%llx %*s %llx %*s %*s %n", &lo, &hi, &off, &name_at) < 3) {
      continue;
    }
    if (addr >= lo && addr < hi) {
      found = true;
      *start = (uintptr_t)lo;
      *offset = (int64_t)off;
      char* name = name_at > 0 ? line + name_at : line + strlen(line);
      name[strcspn(name, "\n")] = '\0';
      snprintf(path, path_size, "%s", name);
    }
  }
  fclose(f);
  return found;
}

// Opens the batch: attached in place, or (the usual way, and with force_copy) read into
// fresh memory through a descriptor.
static int open_batch(const char* path, bool copy, zcx_batch_t** out, zcx_error_t* err) {
  zcx_ipc_file_reader_t* reader = NULL;
  int rc;
  if (copy) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      int e = errno;
      return zcx_error_fail(err, e, "%s: %s", path, strerror(e));
    }
    rc = zcx_ipc_file_reader_open_fd(fd, NULL, &reader, err);
    close(fd);
  } else {
    rc = zcx_shm_attach_path(path, NULL, &reader, err);
  }
  if (rc != 0) {
    return rc;
  }
  rc = zcx_ipc_file_reader_read(reader, 0, out, err);
  zcx_ipc_file_reader_destroy(reader);
  if (rc == 0 && (*out)->num_columns != ZCXT_DEMO_COLUMNS) {
    rc = zcx_error_fail(err, EINVAL, "%s: %d columns, expected %d", path, (*out)->num_columns,
                        ZCXT_DEMO_COLUMNS);
    zcx_batch_release(*out);
    *out = NULL;
  }
  return rc;
}

static int sealed(const char* path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return 0;
  }
  int seals = fcntl(fd, F_GET_SEALS);
  close(fd);
  int want = F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW;
  return seals >= 0 && (seals & want) == want ? 1 : 0;
}

int zcxt_demo_consumer_main(const char* path, bool force_copy) {
  zcx_error_t err;
  zcx_batch_t* b = NULL;
  double t0 = zcxt_demo_now();
  if (open_batch(path, force_copy, &b, &err) != 0) {
    return zcxt_fail("demo", "consumer: %s", err.message);
  }
  double attach_s = zcxt_demo_now() - t0;
  for (int i = 0; i < ZCXT_DEMO_COLUMNS; i++) {
    const void* p = zcxt_demo_column_data(b->columns[i], i);
    uintptr_t start = 0;
    int64_t offset = 0;
    char map_path[256] = "";
    if (!find_mapping((uintptr_t)p, &start, &offset, map_path, sizeof(map_path))) {
      start = 0;
      offset = 0;
    }
    printf("column %d address=%llx map_start=%llx map_offset=%lld sum=%.17g map_path=%s\n", i,
           (unsigned long long)(uintptr_t)p, (unsigned long long)start, (long long)offset,
           zcxt_demo_column_sum(i, p, b->num_rows), map_path);
  }
  zcx_batch_release(b);

  t0 = zcxt_demo_now();
  if (open_batch(path, true, &b, &err) != 0) {
    return zcxt_fail("demo", "consumer: %s", err.message);
  }
  double usual_s = zcxt_demo_now() - t0;
  double x_sum = zcxt_demo_column_sum(2, zcxt_demo_column_data(b->columns[2], 2), b->num_rows);
  zcx_batch_release(b);
  printf("consumer pid=%ld sealed=%d attach_s=%.9f usual_s=%.9f usual_sum=%.17g\n", (long)getpid(),
         sealed(path), attach_s, usual_s, x_sum);
  return fflush(stdout) == 0 ? ZCXT_EXIT_OK : ZCXT_EXIT_FAILURE;
}
