// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// What every IPC fuzz target does with a batch it was handed: the reader validated it fully,
// so it must also survive being written out and read back.
#ifndef ZCX_TESTS_FUZZ_IPC_COMMON_H
#define ZCX_TESTS_FUZZ_IPC_COMMON_H

#include <stdlib.h>

#include "zcx/ipc.h"

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

// Writes `batch` as a stream and reads it back; a failure here is a bug, so it aborts.
static inline void zcx_fuzz_rewrite(zcx_schema_t* schema, zcx_batch_t* batch) {
  zcx_error_t err;
  zcx_ipc_writer_t* w = NULL;
  if (zcx_ipc_writer_create(ZCX_IPC_STREAM, schema, NULL, &w, &err) != 0) {
    // Valid input may still hold what zcx does not write (ENOTSUP); nothing to check then.
    return;
  }
  int rc = zcx_ipc_writer_write(w, batch, NULL, &err);
  if (rc == 0) {
    rc = zcx_ipc_writer_finish(w, NULL, &err);
  }
  zcx_buffer_t* out = NULL;
  if (rc == 0) {
    rc = zcx_ipc_writer_take_buffer(w, &out, &err);
  }
  zcx_ipc_writer_destroy(w);
  if (rc != 0) {
    if (rc == ENOTSUP) {
      return;
    }
    abort();
  }
  zcx_batch_t** back = NULL;
  int64_t n = 0;
  rc = zcx_ipc_read_all(out, NULL, NULL, &back, &n, &err);
  zcx_buffer_release(out);
  if (rc != 0 || n != 1 || !zcx_batch_equal(back[0], batch, NULL)) {
    abort();
  }
  zcx_ipc_batches_free(back, n);
}

#endif  // ZCX_TESTS_FUZZ_IPC_COMMON_H
