// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Internal declarations shared by the files of the shm layer, grouped by the file that
// defines them.
#ifndef ZCX_SRC_SHM_INTERNAL_H
#define ZCX_SRC_SHM_INTERNAL_H

#include <pthread.h>

#include "core/internal.h"
#include "zcx/shm.h"

// ---------------------------------------------------------------------------------------------
// src/shm/os_shm.c: the platform calls.

int64_t zcxi_shm_page_size(void);
int zcxi_shm_memfd(const char* label, int* fd, zcx_error_t* err);
int zcxi_shm_open_excl(const char* name, int* fd, zcx_error_t* err);
int zcxi_shm_unlink(const char* name, zcx_error_t* err);
// Opens a path read-only.
int zcxi_shm_open_path(const char* path, int* fd, zcx_error_t* err);
void zcxi_shm_close(int fd);
int zcxi_shm_resize(int fd, int64_t size, zcx_error_t* err);
// A shared mapping of the first `size` bytes of `fd`.
int zcxi_shm_map(int fd, int64_t size, bool writable, void** out, zcx_error_t* err);
// A private writable (copy-on-write) mapping of the first `size` bytes of `fd`, which may be
// open read-only: writes stay in this process.
int zcxi_shm_map_private(int fd, int64_t size, void** out, zcx_error_t* err);
// Replaces the mapping at `addr` by a private read-only one of the same bytes.
int zcxi_shm_remap_readonly(int fd, void* addr, int64_t size, zcx_error_t* err);
void zcxi_shm_unmap(void* addr, int64_t size);
// Adds F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL.
int zcxi_shm_seal(int fd, zcx_error_t* err);
// Whether the file is sealed against writes and shrinking; *seals receives the seals (0 when
// the file cannot carry seals).
bool zcxi_shm_is_sealed(int fd, unsigned* seals);

typedef struct zcxi_shm_stat {
  int64_t size;
  bool regular;       // a regular file (memfd and shm objects are)
  bool own;           // owned by this process's effective user
  bool private_mode;  // no permission bits for group or others
  unsigned mode;
} zcxi_shm_stat_t;

int zcxi_shm_stat(int fd, zcxi_shm_stat_t* st, zcx_error_t* err);
int zcxi_shm_pid(void);

// ---------------------------------------------------------------------------------------------
// src/shm/segment.c: the segment object.

struct zcx_shm_segment {
  zcxi_refcount_t refs;
  zcx_shm_kind_t kind;
  int fd;
  uint8_t* base;     // the producer's mapping
  int64_t capacity;  // bytes mapped at creation
  int64_t mapped;    // bytes mapped now (the capacity, or the published file's pages)
  int64_t size;      // the file size
  bool published;
  bool sealed;
  bool has_mr;
  char name[224];    // the label or the shm_open name ("/x")
  char path[256];
};

// Marks the segment as carrying a resource; false when it already has one.
bool zcxi_shm_segment_claim(zcx_shm_segment_t* seg);

// Makes the segment an exact `file_size`-byte read-only file and seals a memfd.
int zcxi_shm_segment_freeze(zcx_shm_segment_t* seg, int64_t file_size, zcx_error_t* err);

// ---------------------------------------------------------------------------------------------
// src/shm/shm_mr.c: the resource over a segment.

typedef struct zcxi_shm_range {
  int64_t off;
  int64_t len;
} zcxi_shm_range_t;

typedef struct zcxi_shm_mr {
  zcx_mr_t base;
  zcx_shm_segment_t* seg;  // owned reference
  pthread_mutex_t lock;
  int64_t header_size;
  // Free ranges and live blocks, both sorted by offset (from the segment's start).
  zcxi_shm_range_t* free_v;
  int64_t free_n, free_cap;
  zcxi_shm_range_t* live_v;
  int64_t live_n, live_cap;
  int64_t live_bytes;
} zcxi_shm_mr_t;

// The shm resource behind `mr`, or NULL.
zcxi_shm_mr_t* zcxi_shm_mr_cast(const zcx_mr_t* mr);
// Allocation with the lock held by the caller (publish): returns the offset.
int zcxi_shm_mr_alloc_locked(zcxi_shm_mr_t* m, int64_t size, int64_t align, int64_t* off,
                             zcx_error_t* err);
// Frees the live block at `off` of `size` bytes (as allocated), with the lock held.
int zcxi_shm_mr_free_locked(zcxi_shm_mr_t* m, int64_t off, int64_t size, zcx_error_t* err);
// The end of the highest live block (the header size when none).
int64_t zcxi_shm_mr_top_locked(const zcxi_shm_mr_t* m);

#endif  // ZCX_SRC_SHM_INTERNAL_H
