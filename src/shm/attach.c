// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Attaching to a published segment: the seals (or the explicit trust in an unsealed file
// that only this user can reach) are checked, the file is mapped read-only (or copy-on-write)
// and opened with the IPC file reader, whose arrays point into the mapping.
#include <string.h>

#include "shm/internal.h"

void zcx_shm_attach_options_init(zcx_shm_attach_options_t* options) {
  memset(options, 0, sizeof(*options));
  options->struct_size = sizeof(*options);
}

static void unmap_release(void* ctx, void* data, int64_t size) {
  (void)ctx;
  zcxi_shm_unmap(data, size);
}

// Why an unsealed file may not be trusted, or NULL when it may.
static const char* untrusted_reason(const zcxi_shm_stat_t* st) {
  if (!st->own) {
    return "it belongs to another user";
  }
  if (!st->private_mode) {
    return "group or others have permissions on it";
  }
  return NULL;
}

int zcx_shm_attach_fd(int fd, const zcx_shm_attach_options_t* options,
                      zcx_ipc_file_reader_t** out, zcx_error_t* err) {
  if (out == NULL) {
    return zcx_error_fail(err, EINVAL, "shm attach: out is NULL");
  }
  *out = NULL;
  if (fd < 0) {
    return zcx_error_fail(err, EINVAL, "shm attach: bad descriptor %d", fd);
  }
  zcx_shm_attach_options_t opts;
  zcx_shm_attach_options_init(&opts);
  if (options != NULL) {
    if (options->struct_size == 0 || options->struct_size > sizeof(opts)) {
      return zcx_error_fail(err, EINVAL, "shm attach: bad options struct_size %zu",
                            options->struct_size);
    }
    memcpy(&opts, options, options->struct_size);
  }
  // Seals first, size after: a segment sealed against shrinking keeps at least the size
  // read below, whereas a size read before the seals could be cut by the owner before it
  // seals, and the mapping would then reach past the end of the file (SIGBUS on read).
  unsigned seals = 0;
  bool sealed = zcxi_shm_is_sealed(fd, &seals);
  zcxi_shm_stat_t st;
  ZCX_RETURN_IF_ERROR(zcxi_shm_stat(fd, &st, err));
  if (!st.regular) {
    return zcx_error_fail(err, EINVAL, "shm attach fd %d: not a regular file or memfd", fd);
  }
  if (!sealed) {
    if ((opts.flags & ZCX_SHM_ATTACH_TRUST_UNSEALED) == 0) {
      return zcx_error_fail(err, EPERM,
                            "shm attach fd %d: the segment is not sealed against writes and "
                            "shrinking (seals 0x%x), so its owner could change it under the "
                            "reader; pass ZCX_SHM_ATTACH_TRUST_UNSEALED to accept a private "
                            "segment of this user",
                            fd, seals);
    }
    const char* why = untrusted_reason(&st);
    if (why != NULL) {
      return zcx_error_fail(err, EPERM,
                            "shm attach fd %d: unsealed segment (mode %04o) refused: %s", fd,
                            st.mode, why);
    }
  }
  if (st.size == 0) {
    return zcx_error_fail(err, EINVAL, "shm attach fd %d: the segment is empty, not an Arrow "
                          "file", fd);
  }
  void* addr = NULL;
  // Copy-on-write: private writable pages, so the buffers are not flagged read-only (writes
  // never reach the segment); otherwise a shared read-only mapping.
  if (opts.copy_on_write) {
    ZCX_RETURN_IF_ERROR(zcxi_shm_map_private(fd, st.size, &addr, err));
  } else {
    ZCX_RETURN_IF_ERROR(zcxi_shm_map(fd, st.size, false, &addr, err));
  }
  zcx_buffer_t* data = NULL;
  int rc = zcx_buffer_wrap(addr, st.size, zcx_device_cpu(),
                           opts.copy_on_write ? 0 : ZCX_BUFFER_READONLY, unmap_release, NULL,
                           &data, err);
  if (rc != 0) {
    zcxi_shm_unmap(addr, st.size);
    return rc;
  }
  zcx_ipc_read_options_t ro;
  zcx_ipc_read_options_init(&ro);
  ro.trusted = opts.trusted;
  ro.mr = opts.mr;
  rc = zcx_ipc_file_reader_open_buffer(data, &ro, out, err);
  zcx_buffer_release(data);
  if (rc != 0) {
    zcx_error_prefix(err, "shm attach fd %d (%lld bytes): ", fd, (long long)st.size);
  }
  return rc;
}

int zcx_shm_attach_path(const char* path, const zcx_shm_attach_options_t* options,
                        zcx_ipc_file_reader_t** out, zcx_error_t* err) {
  if (path == NULL || out == NULL) {
    if (out != NULL) {
      *out = NULL;
    }
    return zcx_error_fail(err, EINVAL, "shm attach: NULL path or out");
  }
  *out = NULL;
  int fd = -1;
  ZCX_RETURN_IF_ERROR(zcxi_shm_open_path(path, &fd, err));
  int rc = zcx_shm_attach_fd(fd, options, out, err);
  zcxi_shm_close(fd);
  if (rc != 0) {
    zcx_error_prefix(err, "'%s': ", path);
  }
  return rc;
}
