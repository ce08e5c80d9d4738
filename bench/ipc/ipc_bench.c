// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The Arrow IPC benchmark (see ipc.h).
#include "ipc/ipc.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "zcx/ipc.h"
#include "zcx/shm.h"

typedef struct table {
  zcx_schema_t* schema;
  zcx_batch_t** batches;
  int32_t n;
  int64_t rows;
  int64_t body_bytes;    // every buffer, padded to 64 as the writer lays them out
  int64_t offset_bytes;  // the string offsets
  int64_t data_bytes;    // the string data
} table_t;

static void table_free(table_t* t) {
  for (int32_t i = 0; i < t->n; i++) {
    zcx_batch_release(t->batches[i]);
  }
  free(t->batches);
  zcx_schema_release(t->schema);
  memset(t, 0, sizeof(*t));
}

static int make_schema(zcx_schema_t** out, zcx_error_t* err) {
  const zcx_type_id_t ids[3] = {ZCX_TYPE_INT64, ZCX_TYPE_DOUBLE, ZCX_TYPE_STRING};
  const char* names[3] = {"id", "value", "name"};
  zcx_field_t* f[3] = {NULL, NULL, NULL};
  int rc = 0;
  for (int i = 0; rc == 0 && i < 3; i++) {
    zcx_type_t* t = NULL;
    rc = zcx_type_create(ids[i], &t, err);
    if (rc == 0) {
      rc = zcx_field_create(names[i], t, false, NULL, &f[i], err);
    }
    zcx_type_release(t);
  }
  if (rc == 0) {
    rc = zcx_schema_create(f, 3, NULL, out, err);
  }
  for (int i = 0; i < 3; i++) {
    zcx_field_release(f[i]);
  }
  return rc;
}

static int64_t pad64(int64_t n) { return (n + 63) & ~(int64_t)63; }

// One batch of `n` rows starting at row `first`, its buffers from `mr`.
static int make_batch(zcx_schema_t* s, zcx_mr_t* mr, int64_t first, int64_t n, zcx_batch_t** out,
                      int64_t* body, int64_t* offsets, zcx_error_t* err) {
  zcx_buffer_t* ids = NULL;
  zcx_buffer_t* vals = NULL;
  zcx_buffer_t* offs = NULL;
  zcx_buffer_t* chars = NULL;
  int64_t nchars = 0;
  for (int64_t i = 0; i < n; i++) {
    nchars += 8 + (first + i) % 9;
  }
  int rc = zcx_buffer_allocate(mr, n * 8, 64, NULL, &ids, err);
  rc = rc ? rc : zcx_buffer_allocate(mr, n * 8, 64, NULL, &vals, err);
  rc = rc ? rc : zcx_buffer_allocate(mr, (n + 1) * 4, 64, NULL, &offs, err);
  rc = rc ? rc : zcx_buffer_allocate(mr, nchars, 64, NULL, &chars, err);
  zcx_array_t* cols[3] = {NULL, NULL, NULL};
  if (rc == 0) {
    int64_t* id = zcx_buffer_data(ids);
    double* v = zcx_buffer_data(vals);
    int32_t* o = zcx_buffer_data(offs);
    char* c = zcx_buffer_data(chars);
    int32_t pos = 0;
    for (int64_t i = 0; i < n; i++) {
      int64_t r = first + i;
      id[i] = r;
      v[i] = (double)r * 0.25;
      o[i] = pos;
      int32_t len = (int32_t)(8 + r % 9);
      for (int32_t k = 0; k < len; k++) {
        c[pos + k] = (char)('a' + (r + k) % 26);
      }
      pos += len;
    }
    o[n] = pos;
    zcx_buffer_t* b0[2] = {NULL, ids};
    zcx_buffer_t* b1[2] = {NULL, vals};
    zcx_buffer_t* b2[3] = {NULL, offs, chars};
    rc = zcx_array_create(s->fields[0]->type, n, 0, 0, b0, 2, NULL, 0, NULL, &cols[0], err);
    rc = rc ? rc
            : zcx_array_create(s->fields[1]->type, n, 0, 0, b1, 2, NULL, 0, NULL, &cols[1], err);
    rc = rc ? rc
            : zcx_array_create(s->fields[2]->type, n, 0, 0, b2, 3, NULL, 0, NULL, &cols[2], err);
  }
  if (rc == 0) {
    rc = zcx_batch_create(s, cols, 3, n, out, err);
  }
  *body = pad64(n * 8) * 2 + pad64((n + 1) * 4) + pad64(nchars);
  *offsets = (n + 1) * 4;
  for (int i = 0; i < 3; i++) {
    zcx_array_release(cols[i]);
  }
  zcx_buffer_release(ids);
  zcx_buffer_release(vals);
  zcx_buffer_release(offs);
  zcx_buffer_release(chars);
  return rc;
}

static int make_table(int64_t rows, int64_t batch_rows, zcx_mr_t* mr, table_t* t,
                      zcx_error_t* err) {
  memset(t, 0, sizeof(*t));
  ZCX_RETURN_IF_ERROR(make_schema(&t->schema, err));
  int32_t n = (int32_t)((rows + batch_rows - 1) / batch_rows);
  t->batches = calloc((size_t)n + 1, sizeof(*t->batches));
  if (t->batches == NULL) {
    table_free(t);
    return zcx_error_fail(err, ENOMEM, "ipc bench: out of memory");
  }
  for (int64_t first = 0; first < rows; first += batch_rows) {
    int64_t k = rows - first < batch_rows ? rows - first : batch_rows;
    int64_t body = 0;
    int64_t offs = 0;
    int rc = make_batch(t->schema, mr, first, k, &t->batches[t->n], &body, &offs, err);
    if (rc != 0) {
      table_free(t);
      return rc;
    }
    t->n++;
    t->rows += k;
    t->body_bytes += body;
    t->offset_bytes += offs;
    t->data_bytes += zcx_buffer_size(t->batches[t->n - 1]->columns[2]->buffers[2]);
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Timing

typedef int (*bench_fn)(void* ctx, zcx_error_t* err);

typedef void (*setup_fn)(void* ctx);

static int measure_with(setup_fn setup, bench_fn fn, void* ctx, int reps, double* median,
                        zcx_error_t* err) {
  double t[16];
  if (reps > 16) {
    reps = 16;
  }
  for (int i = 0; i < reps; i++) {
    if (setup != NULL) {
      setup(ctx);
    }
    int64_t t0 = zcxb_now_ns();
    ZCX_RETURN_IF_ERROR(fn(ctx, err));
    t[i] = (double)(zcxb_now_ns() - t0) * 1e-9;
  }
  *median = zcxb_median(t, (size_t)reps);
  return 0;
}

static int measure(bench_fn fn, void* ctx, int reps, double* median, zcx_error_t* err) {
  return measure_with(NULL, fn, ctx, reps, median, err);
}

typedef struct ctx ctx_t;
static void remove_output(void* p);

struct ctx {
  const table_t* t;
  const char* path;
  zcx_ipc_format_t format;
  zcx_ipc_compression_t codec;
  bool trusted;
  uint8_t* dst;  // memcpy destination
  uint8_t* fresh;  // memcpy destination mapped anew before each run (never touched)
  int64_t written;
  volatile uint64_t sink;
};

// Writes start from no file, so that a truncation of the last one is not timed.
static void remove_output(void* p) {
  const ctx_t* c = p;
  if (c->path != NULL) {
    unlink(c->path);
  }
}

static int write_all(zcx_ipc_writer_t* w, const table_t* t, zcx_error_t* err) {
  int rc = 0;
  for (int32_t i = 0; rc == 0 && i < t->n; i++) {
    rc = zcx_ipc_writer_write(w, t->batches[i], NULL, err);
  }
  if (rc == 0) {
    rc = zcx_ipc_writer_finish(w, NULL, err);
  }
  return rc;
}

static zcx_ipc_write_options_t write_options(const ctx_t* c) {
  zcx_ipc_write_options_t o;
  zcx_ipc_write_options_init(&o);
  o.compression = c->codec;
  return o;
}

static int run_memcpy(void* p, zcx_error_t* err) {
  (void)err;
  ctx_t* c = p;
  int64_t pos = 0;
  for (int32_t i = 0; i < c->t->n; i++) {
    const zcx_batch_t* b = c->t->batches[i];
    for (int32_t k = 0; k < b->num_columns; k++) {
      for (int32_t j = 0; j < b->columns[k]->num_buffers; j++) {
        zcx_buffer_t* buf = b->columns[k]->buffers[j];
        if (buf != NULL) {
          int64_t n = zcx_buffer_size(buf);
          memcpy(c->dst + pos, zcx_buffer_data(buf), (size_t)n);
          pos += pad64(n);
        }
      }
    }
  }
  c->written = pos;
  return 0;
}

// A fresh mapping for run_memcpy_fresh, the previous one unmapped (not timed).
static void map_fresh(void* p) {
  ctx_t* c = p;
  if (c->fresh != NULL) {
    munmap(c->fresh, (size_t)c->t->body_bytes);
  }
  void* m = mmap(NULL, (size_t)c->t->body_bytes, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  c->fresh = m == MAP_FAILED ? NULL : m;
}

static int run_memcpy_fresh(void* p, zcx_error_t* err) {
  ctx_t* c = p;
  if (c->fresh == NULL) {
    return zcx_error_fail(err, ENOMEM, "ipc bench: cannot map %lld bytes",
                          (long long)c->t->body_bytes);
  }
  uint8_t* touched = c->dst;
  c->dst = c->fresh;
  int rc = run_memcpy(p, err);
  c->dst = touched;
  return rc;
}

// The ceiling of a write into the page cache: one write() of the whole body from touched
// memory into a new file.
static int run_write_raw(void* p, zcx_error_t* err) {
  ctx_t* c = p;
  int fd = open(c->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return zcx_error_fail(err, errno, "open '%s': %s", c->path, strerror(errno));
  }
  int64_t done = 0;
  while (done < c->t->body_bytes) {
    ssize_t w = write(fd, c->dst + done, (size_t)(c->t->body_bytes - done));
    if (w <= 0) {
      int e = w < 0 ? errno : EIO;
      close(fd);
      return zcx_error_fail(err, e, "write '%s': %s", c->path, strerror(e));
    }
    done += w;
  }
  close(fd);
  c->written = done;
  return 0;
}

static int run_write_path(void* p, zcx_error_t* err) {
  ctx_t* c = p;
  zcx_ipc_write_options_t o = write_options(c);
  zcx_ipc_writer_t* w = NULL;
  ZCX_RETURN_IF_ERROR(zcx_ipc_writer_create_path(c->format, c->path, c->t->schema, &o, &w, err));
  int rc = write_all(w, c->t, err);
  c->written = zcx_ipc_writer_bytes_written(w);
  zcx_ipc_writer_destroy(w);
  return rc;
}

static int run_write_memory(void* p, zcx_error_t* err) {
  ctx_t* c = p;
  zcx_ipc_write_options_t o = write_options(c);
  zcx_ipc_writer_t* w = NULL;
  ZCX_RETURN_IF_ERROR(zcx_ipc_writer_create(c->format, c->t->schema, &o, &w, err));
  int rc = write_all(w, c->t, err);
  zcx_buffer_t* out = NULL;
  if (rc == 0) {
    rc = zcx_ipc_writer_take_buffer(w, &out, err);
  }
  c->written = zcx_ipc_writer_bytes_written(w);
  zcx_buffer_release(out);
  zcx_ipc_writer_destroy(w);
  return rc;
}

static int run_write_memfd(void* p, zcx_error_t* err) {
  ctx_t* c = p;
  int fd = memfd_create("zcx-bench", MFD_CLOEXEC);
  if (fd < 0) {
    return zcx_error_fail(err, errno, "memfd_create: %s", strerror(errno));
  }
  zcx_ipc_write_options_t o = write_options(c);
  zcx_ipc_writer_t* w = NULL;
  int rc = zcx_ipc_writer_create_fd(c->format, fd, c->t->schema, &o, &w, err);
  if (rc == 0) {
    rc = write_all(w, c->t, err);
    c->written = zcx_ipc_writer_bytes_written(w);
  }
  zcx_ipc_writer_destroy(w);
  close(fd);
  return rc;
}

static int run_read_path(void* p, zcx_error_t* err) {
  ctx_t* c = p;
  zcx_ipc_read_options_t o;
  zcx_ipc_read_options_init(&o);
  o.trusted = c->trusted;
  zcx_ipc_file_reader_t* r = NULL;
  ZCX_RETURN_IF_ERROR(zcx_ipc_file_reader_open_path(c->path, &o, &r, err));
  int rc = 0;
  int64_t rows = 0;
  for (int64_t i = 0; rc == 0 && i < zcx_ipc_file_reader_num_batches(r); i++) {
    zcx_batch_t* b = NULL;
    rc = zcx_ipc_file_reader_read(r, i, &b, err);
    if (rc == 0) {
      rows += b->num_rows;
    }
    zcx_batch_release(b);
  }
  c->sink += (uint64_t)rows;
  zcx_ipc_file_reader_destroy(r);
  return rc;
}

static int run_validate_memory(void* p, zcx_error_t* err) {
  ctx_t* c = p;
  for (int32_t i = 0; i < c->t->n; i++) {
    ZCX_RETURN_IF_ERROR(zcx_batch_validate(c->t->batches[i], ZCX_VALIDATE_FULL, err));
  }
  return 0;
}

// The baseline of validation: a plain sum over the same offset bytes.
static int run_sum_offsets(void* p, zcx_error_t* err) {
  (void)err;
  ctx_t* c = p;
  uint64_t s = 0;
  for (int32_t i = 0; i < c->t->n; i++) {
    const zcx_array_t* a = c->t->batches[i]->columns[2];
    const int32_t* o = zcx_buffer_data(a->buffers[1]);
    int64_t n = a->length + 1;
    for (int64_t k = 0; k < n; k++) {
      s += (uint32_t)o[k];
    }
  }
  c->sink += s;
  return 0;
}

typedef struct pipe_job {
  const ctx_t* c;
  int fd;
  int rc;
  zcx_error_t err;
} pipe_job_t;

static void* pipe_writer(void* p) {
  pipe_job_t* j = p;
  zcx_ipc_write_options_t o = write_options(j->c);
  zcx_ipc_writer_t* w = NULL;
  j->rc = zcx_ipc_writer_create_fd(ZCX_IPC_STREAM, j->fd, j->c->t->schema, &o, &w, &j->err);
  if (j->rc == 0) {
    j->rc = write_all(w, j->c->t, &j->err);
  }
  zcx_ipc_writer_destroy(w);
  close(j->fd);
  return NULL;
}

static int run_stream_pipe(void* p, zcx_error_t* err) {
  ctx_t* c = p;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    return zcx_error_fail(err, errno, "pipe: %s", strerror(errno));
  }
  (void)fcntl(fds[1], F_SETPIPE_SZ, 1 << 20);
  pipe_job_t job;
  memset(&job, 0, sizeof(job));
  job.c = c;
  job.fd = fds[1];
  pthread_t th;
  if (pthread_create(&th, NULL, pipe_writer, &job) != 0) {
    close(fds[0]);
    close(fds[1]);
    return zcx_error_fail(err, EAGAIN, "ipc bench: cannot start the writer thread");
  }
  zcx_ipc_read_options_t o;
  zcx_ipc_read_options_init(&o);
  o.trusted = true;
  zcx_ipc_reader_t* r = NULL;
  int rc = zcx_ipc_reader_open_fd(fds[0], &o, &r, err);
  int64_t rows = 0;
  while (rc == 0) {
    zcx_batch_t* b = NULL;
    rc = zcx_ipc_reader_next(r, &b, err);
    if (b == NULL) {
      break;
    }
    rows += b->num_rows;
    zcx_batch_release(b);
  }
  zcx_ipc_reader_destroy(r);
  close(fds[0]);
  pthread_join(th, NULL);
  if (rc == 0 && job.rc != 0) {
    rc = zcx_error_fail(err, job.rc, "stream writer: %s", job.err.message);
  }
  if (rc == 0 && rows != c->t->rows) {
    rc = zcx_error_fail(err, EIO, "stream read %lld rows of %lld", (long long)rows,
                        (long long)c->t->rows);
  }
  return rc;
}

// ---------------------------------------------------------------------------------------------
// Shared memory: the table copied into a segment (not timed), then published (timed).

typedef struct shm_ctx {
  const table_t* t;
  zcx_shm_segment_t* seg;
  zcx_mr_t* mr;
  table_t copy;
} shm_ctx_t;

static int shm_prepare(shm_ctx_t* s, zcx_error_t* err) {
  int64_t cap = s->t->body_bytes + s->t->body_bytes / 8 + (16 << 20);
  ZCX_RETURN_IF_ERROR(zcx_shm_segment_create("zcx-bench", cap, &s->seg, err));
  zcx_shm_mr_options_t o;
  zcx_shm_mr_options_init(&o);
  o.header_size = 65536 + (int64_t)s->t->n * 1024;
  int rc = zcx_shm_mr_create(s->seg, &o, &s->mr, err);
  if (rc == 0) {
    // Rebuild the same rows directly in the segment, as a producer would.
    rc = make_table(s->t->rows, s->t->batches[0]->num_rows, s->mr, &s->copy, err);
  }
  return rc;
}

static void shm_cleanup(shm_ctx_t* s) {
  table_free(&s->copy);
  zcx_mr_release(s->mr);
  zcx_shm_segment_release(s->seg);
  s->mr = NULL;
  s->seg = NULL;
}

static int attach_read(zcx_shm_segment_t* seg, int64_t* rows, zcx_error_t* err) {
  zcx_shm_attach_options_t o;
  zcx_shm_attach_options_init(&o);
  o.trusted = true;
  zcx_ipc_file_reader_t* r = NULL;
  ZCX_RETURN_IF_ERROR(zcx_shm_attach_fd(zcx_shm_segment_fd(seg), &o, &r, err));
  int rc = 0;
  for (int64_t i = 0; rc == 0 && i < zcx_ipc_file_reader_num_batches(r); i++) {
    zcx_batch_t* b = NULL;
    rc = zcx_ipc_file_reader_read(r, i, &b, err);
    if (rc == 0) {
      *rows += b->num_rows;
    }
    zcx_batch_release(b);
  }
  zcx_ipc_file_reader_destroy(r);
  return rc;
}

// ---------------------------------------------------------------------------------------------
// Rows

static int add_row(zcxb_report_t* rep, const char* name, int64_t bytes, double median,
                   const char* baseline, double ratio, zcx_error_t* err) {
  zcxb_row_t* row = NULL;
  ZCX_RETURN_IF_ERROR(zcxb_report_add_row(rep, &row, err));
  zcxb_row_set_string(row, "case", name);
  zcxb_row_set_int(row, "bytes", bytes);
  zcxb_row_set_number(row, "median_s", median);
  zcxb_row_set_number(row, "gbps", median > 0 ? (double)bytes / median / 1e9 : 0);
  if (baseline != NULL) {
    zcxb_row_set_string(row, "baseline", baseline);
    zcxb_row_set_number(row, "ratio", ratio);
  } else {
    zcxb_row_set_null(row, "baseline");
    zcxb_row_set_null(row, "ratio");
  }
  return 0;
}

static void progress(const zcxb_options_t* o, const char* what) {
  if (o != NULL && o->progress != NULL) {
    fprintf(o->progress, "ipc: %s\n", what);
  }
}

static const char* codec_tag(zcx_ipc_compression_t c) {
  return c == ZCX_IPC_COMPRESSION_LZ4_FRAME ? "lz4" : c == ZCX_IPC_COMPRESSION_ZSTD ? "zstd"
                                                                                   : "none";
}

static int run_cases(const zcxb_options_t* options, const table_t* t, const table_t* small,
                     const char* big_path, const char* small_path, int reps,
                     zcxb_report_t* rep, zcx_error_t* err) {
  ctx_t c;
  memset(&c, 0, sizeof(c));
  c.t = t;
  c.format = ZCX_IPC_FILE;
  double t_memcpy = 0;
  double t_w = 0;
  // memcpy of the same bytes into a touched buffer.
  progress(options, "memcpy baseline");
  c.dst = malloc((size_t)t->body_bytes);
  if (c.dst == NULL) {
    return zcx_error_fail(err, ENOMEM, "ipc bench: out of memory for %lld bytes",
                          (long long)t->body_bytes);
  }
  memset(c.dst, 1, (size_t)t->body_bytes);
  int rc = measure(run_memcpy, &c, reps, &t_memcpy, err);
  // memcpy into fresh memory (page faults and zeroing included), and a raw write() of the
  // touched copy into a new file in /tmp: the ceiling of any writer.
  double t_fresh = 0;
  double t_raw = 0;
  if (rc == 0) {
    progress(options, "memcpy_fresh");
    rc = measure_with(map_fresh, run_memcpy_fresh, &c, reps, &t_fresh, err);
  }
  if (c.fresh != NULL) {
    munmap(c.fresh, (size_t)t->body_bytes);
    c.fresh = NULL;
  }
  if (rc == 0) {
    progress(options, "write_raw_tmp");
    c.path = big_path;
    rc = measure_with(remove_output, run_write_raw, &c, reps, &t_raw, err);
    c.path = NULL;
  }
  free(c.dst);
  c.dst = NULL;
  ZCX_RETURN_IF_ERROR(rc);
  double bw_memcpy = (double)t->body_bytes / t_memcpy;
  ZCX_RETURN_IF_ERROR(add_row(rep, "memcpy", t->body_bytes, t_memcpy, NULL, 0, err));
  ZCX_RETURN_IF_ERROR(add_row(rep, "memcpy_fresh", t->body_bytes, t_fresh, "memcpy",
                              t_memcpy / t_fresh, err));
  ZCX_RETURN_IF_ERROR(add_row(rep, "write_raw_tmp", t->body_bytes, t_raw, "memcpy",
                              t_memcpy / t_raw, err));
  // Writes: a file in /tmp (page cache), memory, a memfd; then compressed files.
  struct {
    const char* name;
    bench_fn fn;
    zcx_ipc_compression_t codec;
  } writes[] = {
      {"write_file_tmp", run_write_path, ZCX_IPC_COMPRESSION_NONE},
      {"write_memory", run_write_memory, ZCX_IPC_COMPRESSION_NONE},
      {"write_memfd", run_write_memfd, ZCX_IPC_COMPRESSION_NONE},
      {"write_file_lz4", run_write_path, ZCX_IPC_COMPRESSION_LZ4_FRAME},
      {"write_file_zstd", run_write_path, ZCX_IPC_COMPRESSION_ZSTD},
  };
  char cpath[512];
  for (size_t i = 0; i < sizeof(writes) / sizeof(writes[0]); i++) {
    progress(options, writes[i].name);
    c.codec = writes[i].codec;
    if (writes[i].codec != ZCX_IPC_COMPRESSION_NONE) {
      snprintf(cpath, sizeof(cpath), "%s.%s", big_path, codec_tag(writes[i].codec));
      c.path = cpath;
    } else {
      c.path = big_path;
    }
    ZCX_RETURN_IF_ERROR(measure_with(writes[i].fn == run_write_path ? remove_output : NULL, writes[i].fn, &c, reps, &t_w, err));
    double ratio = (double)t->body_bytes / t_w / bw_memcpy;
    ZCX_RETURN_IF_ERROR(add_row(rep, writes[i].name, t->body_bytes, t_w, "memcpy", ratio, err));
    if (i == 0) {
      ZCX_RETURN_IF_ERROR(zcxb_report_note(
          rep, err,
          "write to the page cache: %.2fx memcpy (target >= 0.7x): %s; %.2fx a raw write() "
          "(%.2fx memcpy), %.2fx memcpy into fresh memory",
          ratio, ratio >= 0.7 ? "met" : "missed", t_raw / t_w, t_memcpy / t_raw,
          t_fresh / t_w));
    }
  }
  c.codec = ZCX_IPC_COMPRESSION_NONE;
  // The small file for the O(metadata) open.
  c.t = small;
  c.path = small_path;
  ZCX_RETURN_IF_ERROR(run_write_path(&c, err));
  c.t = t;
  // Open trusted by mmap: the big file and the small one.
  double t_big = 0;
  double t_small = 0;
  progress(options, "open_trusted");
  c.trusted = true;
  c.path = big_path;
  ZCX_RETURN_IF_ERROR(measure(run_read_path, &c, reps * 3, &t_big, err));
  c.path = small_path;
  ZCX_RETURN_IF_ERROR(measure(run_read_path, &c, reps * 3, &t_small, err));
  ZCX_RETURN_IF_ERROR(
      add_row(rep, "open_trusted_small", small->body_bytes, t_small, NULL, 0, err));
  ZCX_RETURN_IF_ERROR(add_row(rep, "open_trusted_big", t->body_bytes, t_big,
                              "open_trusted_small", t_big / t_small, err));
  ZCX_RETURN_IF_ERROR(zcxb_report_note(
      rep, err, "open+read trusted by mmap: %.3f ms for %lld MiB, %.3f ms for %lld KiB "
      "(target <= 1 ms, O(metadata)): %s",
      t_big * 1e3, (long long)(t->body_bytes >> 20), t_small * 1e3,
      (long long)(small->body_bytes >> 10), t_big <= 1e-3 ? "met" : "missed"));
  // Full validation, in GB/s of offsets, against a plain sum over them.
  double t_val = 0;
  double t_sum = 0;
  progress(options, "validate_full");
  c.trusted = false;
  c.path = big_path;
  ZCX_RETURN_IF_ERROR(measure(run_read_path, &c, reps, &t_val, err));
  ZCX_RETURN_IF_ERROR(measure(run_sum_offsets, &c, reps, &t_sum, err));
  double t_vmem = 0;
  ZCX_RETURN_IF_ERROR(measure(run_validate_memory, &c, reps, &t_vmem, err));
  ZCX_RETURN_IF_ERROR(add_row(rep, "sum_offsets", t->offset_bytes, t_sum, NULL, 0, err));
  ZCX_RETURN_IF_ERROR(add_row(rep, "validate_full_memory", t->offset_bytes, t_vmem,
                              "sum_offsets", t_sum / t_vmem, err));
  ZCX_RETURN_IF_ERROR(add_row(rep, "validate_full", t->offset_bytes, t_val, "sum_offsets",
                              t_sum / t_val, err));
  double val_gbps = (double)t->offset_bytes / t_val / 1e9;
  ZCX_RETURN_IF_ERROR(zcxb_report_note(
      rep, err, "full validation (offsets and UTF-8): %.2f GB/s of offsets, %.2fx a plain sum "
      "(%.2f GB/s) (target >= 5 GB/s): %s; %.2f GB/s of string data, %.2f GB/s of offsets "
      "and data together (in memory: %.2f GB/s of offsets)",
      val_gbps, t_sum / t_val, (double)t->offset_bytes / t_sum / 1e9,
      val_gbps >= 5 ? "met" : "missed", (double)t->data_bytes / t_val / 1e9,
      (double)(t->offset_bytes + t->data_bytes) / t_val / 1e9,
      (double)t->offset_bytes / t_vmem / 1e9));
  // Compressed files read back (decompression), trusted.
  c.trusted = true;
  for (int k = 1; k <= 2; k++) {
    zcx_ipc_compression_t codec = (zcx_ipc_compression_t)k;
    snprintf(cpath, sizeof(cpath), "%s.%s", big_path, codec_tag(codec));
    c.path = cpath;
    char name[64];
    snprintf(name, sizeof(name), "read_file_%s", codec_tag(codec));
    progress(options, name);
    ZCX_RETURN_IF_ERROR(measure(run_read_path, &c, reps, &t_w, err));
    ZCX_RETURN_IF_ERROR(add_row(rep, name, t->body_bytes, t_w, "memcpy",
                                (double)t->body_bytes / t_w / bw_memcpy, err));
    unlink(cpath);
  }
  // Streams through a pipe.
  for (int k = 0; k <= 2; k++) {
    c.codec = (zcx_ipc_compression_t)k;
    char name[64];
    snprintf(name, sizeof(name), "stream_pipe_%s", codec_tag(c.codec));
    progress(options, name);
    ZCX_RETURN_IF_ERROR(measure(run_stream_pipe, &c, reps, &t_w, err));
    ZCX_RETURN_IF_ERROR(add_row(rep, name, t->body_bytes, t_w, "memcpy",
                                (double)t->body_bytes / t_w / bw_memcpy, err));
  }
  c.codec = ZCX_IPC_COMPRESSION_NONE;
  // Shared memory: publish batches built in a segment, attach and read them.
  progress(options, "shm_publish");
  double pub[16];
  double att[16];
  for (int i = 0; i < reps; i++) {
    shm_ctx_t s;
    memset(&s, 0, sizeof(s));
    s.t = t;
    rc = shm_prepare(&s, err);
    int64_t t0 = zcxb_now_ns();
    if (rc == 0) {
      rc = zcx_shm_publish(s.mr, s.copy.schema, s.copy.batches, s.copy.n, NULL, err);
    }
    pub[i] = (double)(zcxb_now_ns() - t0) * 1e-9;
    int64_t rows = 0;
    t0 = zcxb_now_ns();
    if (rc == 0) {
      rc = attach_read(s.seg, &rows, err);
    }
    att[i] = (double)(zcxb_now_ns() - t0) * 1e-9;
    shm_cleanup(&s);
    ZCX_RETURN_IF_ERROR(rc);
  }
  double t_pub = zcxb_median(pub, (size_t)reps);
  double t_att = zcxb_median(att, (size_t)reps);
  ZCX_RETURN_IF_ERROR(add_row(rep, "shm_publish", t->body_bytes, t_pub, "memcpy",
                              (double)t->body_bytes / t_pub / bw_memcpy, err));
  ZCX_RETURN_IF_ERROR(add_row(rep, "shm_attach_read", t->body_bytes, t_att, "memcpy",
                              (double)t->body_bytes / t_att / bw_memcpy, err));
  ZCX_RETURN_IF_ERROR(zcxb_report_note(
      rep, err, "shared memory: publish %.3f ms and attach+read %.3f ms for %lld MiB built in "
      "place (no copy of the data)",
      t_pub * 1e3, t_att * 1e3, (long long)(t->body_bytes >> 20)));
  return 0;
}

int zcxb_ipc_run(const zcxb_options_t* options, zcxb_report_t* report, zcx_error_t* err) {
  bool quick = options != NULL && options->quick;
  // About 34 bytes per row: 1 GiB (64 MiB quick) in batches of 1 M rows.
  int64_t rows = quick ? (int64_t)2 << 20 : (int64_t)32 << 20;
  int64_t batch_rows = (int64_t)1 << 20;
  int reps = quick ? 3 : 3;
  progress(options, "building the tables");
  table_t big;
  table_t small;
  ZCX_RETURN_IF_ERROR(make_table(rows, batch_rows, NULL, &big, err));
  int rc = make_table(32 * 1024, 32 * 1024, NULL, &small, err);
  if (rc != 0) {
    table_free(&big);
    return rc;
  }
  char big_path[256];
  char small_path[256];
  snprintf(big_path, sizeof(big_path), "/tmp/zcx-bench-ipc-%d.arrow", (int)getpid());
  snprintf(small_path, sizeof(small_path), "/tmp/zcx-bench-ipc-%d-small.arrow", (int)getpid());
  rc = run_cases(options, &big, &small, big_path, small_path, reps, report, err);
  unlink(big_path);
  unlink(small_path);
  table_free(&small);
  table_free(&big);
  return rc;
}
