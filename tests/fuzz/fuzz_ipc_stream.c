// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Fuzz target: an Arrow IPC stream from untrusted bytes. Every input is rejected with an
// error or read and fully validated; validated batches must round-trip through the writer.
#include <stdint.h>

#include "fuzz_ipc_common.h"

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  zcx_error_t err;
  zcx_buffer_t* buf = NULL;
  if (zcx_buffer_copy_from(NULL, data, (int64_t)size, &buf, &err) != 0) {
    return 0;
  }
  zcx_ipc_reader_t* r = NULL;
  if (zcx_ipc_reader_open_buffer(buf, NULL, &r, &err) == 0) {
    for (int i = 0; i < 1000; i++) {
      zcx_batch_t* b = NULL;
      if (zcx_ipc_reader_next(r, &b, &err) != 0 || b == NULL) {
        break;
      }
      zcx_fuzz_rewrite(zcx_ipc_reader_schema(r), b);
      zcx_batch_release(b);
    }
    zcx_ipc_reader_destroy(r);
  }
  zcx_buffer_release(buf);
  return 0;
}
