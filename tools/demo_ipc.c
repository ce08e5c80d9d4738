// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Demo step "ipc": the columns are written to an Arrow IPC file and mapped back, so that each
// column is read in place at its offset in the file, against write() of the columns and
// read() into fresh buffers. Also the mapping helper the consumer process uses.
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "demo.h"
#include "zcx/buffer.h"
#include "zcx/ipc.h"

static void unmap(void* ctx, void* data, int64_t size) {
  (void)ctx;
  munmap(data, (size_t)size);
}

const void* zcxt_demo_column_data(const zcx_array_t* col, int i) {
  return (const uint8_t*)zcx_buffer_data(col->buffers[1]) + col->offset * zcxt_demo_column_width(i);
}

int zcxt_demo_open_ipc_fd(int fd, int64_t size, bool copy, uintptr_t* base, zcx_batch_t** out,
                          zcx_error_t* err) {
  *out = NULL;
  if (size <= 0) {
    return zcx_error_fail(err, EINVAL, "demo: IPC image of %lld bytes", (long long)size);
  }
  void* map = mmap(NULL, (size_t)size, PROT_READ, MAP_SHARED, fd, 0);
  if (map == MAP_FAILED) {
    int e = errno;
    return zcx_error_fail(err, e, "demo: mmap of %lld bytes of fd %d: %s", (long long)size, fd,
                          strerror(e));
  }
  *base = (uintptr_t)map;
  zcx_buffer_t* data = NULL;
  int rc;
  if (copy) {
    // The usual way: the bytes are read into fresh memory, and the columns live there.
    rc = zcx_buffer_copy_from(NULL, map, size, &data, err);
    munmap(map, (size_t)size);
  } else {
    rc = zcx_buffer_wrap(map, size, zcx_device_cpu(), ZCX_BUFFER_READONLY, unmap, NULL, &data, err);
    if (rc != 0) {
      munmap(map, (size_t)size);
    }
  }
  if (rc != 0) {
    return rc;
  }
  zcx_ipc_file_reader_t* reader = NULL;
  rc = zcx_ipc_file_reader_open_buffer(data, NULL, &reader, err);
  zcx_buffer_release(data);  // the reader (then the batch) holds it
  if (rc != 0) {
    return rc;
  }
  if (zcx_ipc_file_reader_num_batches(reader) != 1) {
    rc = zcx_error_fail(err, EINVAL, "demo: the IPC file holds %lld batches, not 1",
                        (long long)zcx_ipc_file_reader_num_batches(reader));
  } else {
    rc = zcx_ipc_file_reader_read(reader, 0, out, err);
  }
  zcx_ipc_file_reader_destroy(reader);
  if (rc == 0 && (*out)->num_columns != ZCXT_DEMO_COLUMNS) {
    rc = zcx_error_fail(err, EINVAL, "demo: the IPC batch has %d columns, not %d",
                        (*out)->num_columns, ZCXT_DEMO_COLUMNS);
    zcx_batch_release(*out);
    *out = NULL;
  }
  return rc;
}

static int write_ipc_file(zcxt_demo_ctx_t* ctx, double* write_s, zcx_error_t* err) {
  ZCX_RETURN_IF_ERROR(zcxt_demo_ensure_batch(ctx, err));
  ZCX_RETURN_IF_ERROR(zcxt_demo_ensure_tmpdir(ctx, err));
  snprintf(ctx->ipc_path, sizeof(ctx->ipc_path), "%s/sensors.arrow", ctx->tmpdir);
  zcx_ipc_write_options_t wo;
  zcx_ipc_write_options_init(&wo);
  wo.mr = ctx->mr;
  double t0 = zcxt_demo_now();
  zcx_ipc_writer_t* w = NULL;
  ZCX_RETURN_IF_ERROR(
      zcx_ipc_writer_create_path(ZCX_IPC_FILE, ctx->ipc_path, ctx->batch->schema, &wo, &w, err));
  int rc = zcx_ipc_writer_write(w, ctx->batch, NULL, err);
  if (rc == 0) {
    rc = zcx_ipc_writer_finish(w, NULL, err);
  }
  if (rc == 0) {
    ctx->ipc_size = zcx_ipc_writer_bytes_written(w);
  }
  zcx_ipc_writer_destroy(w);
  *write_s = zcxt_demo_now() - t0;
  return rc;
}

// Maps the file and opens the batch in place; *base is the mapping.
static int map_ipc_file(const zcxt_demo_ctx_t* ctx, bool copy, uintptr_t* base, zcx_batch_t** out,
                        zcx_error_t* err) {
  int fd = open(ctx->ipc_path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    return zcx_error_fail(err, e, "demo: %s: %s", ctx->ipc_path, strerror(e));
  }
  int rc = zcxt_demo_open_ipc_fd(fd, ctx->ipc_size, copy, base, out, err);
  close(fd);  // the mapping stays
  return rc;
}

int zcxt_demo_ensure_ipc_file(zcxt_demo_ctx_t* ctx, zcx_error_t* err) {
  if (ctx->ipc_path[0] != '\0') {
    return 0;
  }
  double write_s = 0;
  int rc = write_ipc_file(ctx, &write_s, err);
  uintptr_t base = 0;
  zcx_batch_t* b = NULL;
  if (rc == 0) {
    rc = map_ipc_file(ctx, false, &base, &b, err);
  }
  if (rc != 0) {
    ctx->ipc_path[0] = '\0';
    return rc;
  }
  for (int i = 0; i < ZCXT_DEMO_COLUMNS; i++) {
    ctx->ipc_offsets[i] = (int64_t)((uintptr_t)zcxt_demo_column_data(b->columns[i], i) - base);
  }
  zcx_batch_release(b);
  return 0;
}

// The usual way: each column written with write() and read back with read() into a fresh
// malloc'ed array. Returns 0 with the two times, or an errno.
static int usual_write_read(zcxt_demo_ctx_t* ctx, double* write_s, double* read_s, double* x_sum,
                            zcx_error_t* err) {
  char path[360];
  snprintf(path, sizeof(path), "%s/sensors.raw", ctx->tmpdir);
  const zcx_batch_t* b = ctx->batch;
  double t0 = zcxt_demo_now();
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    int e = errno;
    return zcx_error_fail(err, e, "demo: %s: %s", path, strerror(e));
  }
  for (int i = 0; i < ZCXT_DEMO_COLUMNS; i++) {
    const char* p = zcxt_demo_column_data(b->columns[i], i);
    size_t left = (size_t)(b->num_rows * zcxt_demo_column_width(i));
    while (left > 0) {
      ssize_t w = write(fd, p, left);
      if (w <= 0) {
        int e = w < 0 ? errno : EIO;
        close(fd);
        return zcx_error_fail(err, e, "demo: write to %s: %s", path, strerror(e));
      }
      p += w;
      left -= (size_t)w;
    }
  }
  close(fd);
  *write_s = zcxt_demo_now() - t0;

  t0 = zcxt_demo_now();
  fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    return zcx_error_fail(err, e, "demo: %s: %s", path, strerror(e));
  }
  void* cols[ZCXT_DEMO_COLUMNS] = {NULL};
  int rc = 0;
  for (int i = 0; i < ZCXT_DEMO_COLUMNS && rc == 0; i++) {
    size_t bytes = (size_t)(b->num_rows * zcxt_demo_column_width(i));
    cols[i] = malloc(bytes);
    char* p = cols[i];
    size_t left = p != NULL ? bytes : 0;
    if (p == NULL) {
      rc = zcx_error_fail(err, ENOMEM, "demo: malloc of %zu bytes", bytes);
    }
    while (rc == 0 && left > 0) {
      ssize_t r = read(fd, p, left);
      if (r <= 0) {
        int e = r < 0 ? errno : EIO;
        rc = zcx_error_fail(err, e, "demo: read from %s: %s", path,
                            r < 0 ? strerror(e) : "short file");
        break;
      }
      p += r;
      left -= (size_t)r;
    }
  }
  close(fd);
  *read_s = zcxt_demo_now() - t0;
  if (rc == 0) {
    *x_sum = zcxt_demo_column_sum(2, cols[2], b->num_rows);
  }
  for (int i = 0; i < ZCXT_DEMO_COLUMNS; i++) {
    free(cols[i]);
  }
  unlink(path);
  return rc;
}

int zcxt_demo_ipc(zcxt_demo_ctx_t* ctx, zcxt_demo_result_t* result, char* summary,
                  size_t summary_size, zcx_error_t* err) {
  FILE* out = ctx->out;
  double write_s = 0;
  ctx->ipc_path[0] = '\0';
  ZCX_RETURN_IF_ERROR(write_ipc_file(ctx, &write_s, err));
  char fb[32];
  fprintf(out,
          "The batch is written once as an Arrow IPC file (%s, 64-byte aligned bodies) and\n"
          "mapped back: each column is read in place, at its offset in the file.\n",
          zcxt_format_bytes((double)ctx->ipc_size, fb, sizeof(fb)));

  uintptr_t base = 0;
  zcx_batch_t* b = NULL;
  double t0 = zcxt_demo_now();
  int rc = map_ipc_file(ctx, ctx->force_copy, &base, &b, err);
  double read_s = zcxt_demo_now() - t0;
  if (rc != 0) {
    ctx->ipc_path[0] = '\0';
    return rc;
  }
  // Where the reader found each column, checked against the file's own bytes.
  int fd = open(ctx->ipc_path, O_RDONLY | O_CLOEXEC);
  for (int i = 0; i < ZCXT_DEMO_COLUMNS; i++) {
    const uint8_t* p = zcxt_demo_column_data(b->columns[i], i);
    int64_t bytes = b->num_rows * zcxt_demo_column_width(i);
    char what[96];
    snprintf(what, sizeof(what), "column '%s' read from the file", zcxt_demo_column_names[i]);
    bool inside =
        zcxt_demo_prove_inside(result, what, base, ctx->ipc_size, (uintptr_t)p, bytes, -1);
    ctx->ipc_offsets[i] = inside ? (int64_t)((uintptr_t)p - base) : -1;
    uint8_t head[256];
    size_t hn = bytes < (int64_t)sizeof(head) ? (size_t)bytes : sizeof(head);
    bool same = inside && fd >= 0 &&
                pread(fd, head, hn, (off_t)ctx->ipc_offsets[i]) == (ssize_t)hn &&
                memcmp(head, p, hn) == 0;
    double sum = zcxt_demo_column_sum(i, p, b->num_rows);
    snprintf(what, sizeof(what), "the file holds column '%s' at that offset",
             zcxt_demo_column_names[i]);
    zcxt_demo_prove(result, what, same && sum == ctx->sums[i],
                    "pread at offset %lld gives the same bytes; sum %.17g (records: %.17g)",
                    (long long)ctx->ipc_offsets[i], sum, ctx->sums[i]);
  }
  if (fd >= 0) {
    close(fd);
  }
  int64_t bytes = 0;
  for (int i = 0; i < ZCXT_DEMO_COLUMNS; i++) {
    bytes += b->num_rows * zcxt_demo_column_width(i);
  }
  zcx_batch_release(b);

  double usual_write = 0, usual_read = 0, x_sum = 0;
  ZCX_RETURN_IF_ERROR(usual_write_read(ctx, &usual_write, &usual_read, &x_sum, err));
  zcxt_demo_prove(result, "the usual copies agree", x_sum == ctx->sums[2],
                  "sum of x %.17g (records: %.17g)", x_sum, ctx->sums[2]);
  fprintf(out, "  writing:    %8.2f ms zcx IPC file, %8.2f ms write() of the columns\n",
          write_s * 1e3, usual_write * 1e3);
  result->zcx_s = read_s;
  result->usual_s = usual_read;
  snprintf(result->zcx_what, sizeof(result->zcx_what),
           "map the file, verify it, open the batch in place");
  snprintf(result->usual_what, sizeof(result->usual_what),
           "read() the columns into fresh malloc'ed arrays");
  result->shared_bytes = bytes;
  char sb[32];
  snprintf(result->shared, sizeof(result->shared),
           "%s of columns read in place from the mapped file",
           zcxt_format_bytes((double)bytes, sb, sizeof(sb)));
  result->copied_bytes = ctx->ipc_size;
  snprintf(result->copied, sizeof(result->copied), "the file write (%s), once", fb);
  zcxt_demo_print_times(ctx, result);
  zcxt_demo_print_proofs(ctx, result);
  snprintf(summary, summary_size,
           "IPC file mapped back in %.3f ms (read() into fresh buffers: %.2f ms, %.0fx)",
           read_s * 1e3, usual_read * 1e3, read_s > 0 ? usual_read / read_s : 0.0);
  return 0;
}
