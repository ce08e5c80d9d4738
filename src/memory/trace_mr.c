// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The trace adaptor: writes every allocate and free to a CSV file in RMM's log format.
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "core/internal.h"
#include "memory/adaptor_internal.h"
#include "zcx/memory.h"

// The format is the one RMM's logging_resource_adaptor writes, so that RMM's replay tools
// read our traces and ours read theirs:
//
//   Thread,Time,Action,Pointer,Size,Stream
//   81234,14:03:07.123456,allocate,0x7f8a40000000,1024,0
//   81234,14:03:07.123502,free,0x7f8a40000000,1024,0
//   81234,14:03:07.123577,allocate failure,(nil),1099511627776,0x55d0c2a1e2b0
//
// Thread: the OS thread id (gettid), decimal. Time: local wall-clock time of day with
// microseconds. Pointer: as glibc's printf("%p") writes it, "(nil)" for the failed
// allocation. Stream: the stream handle in hex with a 0x prefix, "0" for NULL (how a C++
// stream writes a pointer under std::hex).
//
// Each line is written by one fprintf, which holds the FILE's lock, so lines of concurrent
// threads never interleave. A free is logged before it reaches the upstream and an allocate
// after it, so that a reused address never appears allocated before its previous free.
typedef struct trace_mr {
  zcx_mr_t base;
  FILE* file;
} trace_mr_t;

static void format_pointer(const void* p, char* buf, size_t size) {
  if (p == NULL) {
    snprintf(buf, size, "(nil)");
  } else {
    snprintf(buf, size, "0x%" PRIxPTR, (uintptr_t)p);
  }
}

static void format_stream(const zcx_stream_t* stream, char* buf, size_t size) {
  if (stream == NULL) {
    snprintf(buf, size, "0");
  } else {
    snprintf(buf, size, "0x%" PRIxPTR, (uintptr_t)stream);
  }
}

static void trace_line(trace_mr_t* t, const char* action, const void* ptr, size_t size,
                       const zcx_stream_t* stream) {
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  if (localtime_r(&ts.tv_sec, &tm) == NULL) {
    memset(&tm, 0, sizeof(tm));
  }
  char pbuf[32];
  char sbuf[32];
  format_pointer(ptr, pbuf, sizeof(pbuf));
  format_stream(stream, sbuf, sizeof(sbuf));
  long tid = syscall(SYS_gettid);
  // A failed write cannot be reported from here without failing the allocation itself; the
  // FILE's error flag keeps it, and the trace is incomplete.
  (void)fprintf(t->file, "%ld,%02d:%02d:%02d.%06ld,%s,%s,%zu,%s\n", tid, tm.tm_hour, tm.tm_min,
                tm.tm_sec, ts.tv_nsec / 1000, action, pbuf, size, sbuf);
}

static int trace_allocate(zcx_mr_t* mr, size_t size, size_t alignment, zcx_stream_t* stream,
                          void** out, zcx_error_t* err) {
  trace_mr_t* t = (trace_mr_t*)mr;
  int rc = zcx_mr_allocate(mr->upstream, size, alignment, stream, out, err);
  trace_line(t, rc == 0 ? "allocate" : "allocate failure", rc == 0 ? *out : NULL, size, stream);
  return rc;
}

static int trace_deallocate(zcx_mr_t* mr, void* ptr, size_t size, zcx_stream_t* stream,
                            zcx_error_t* err) {
  trace_mr_t* t = (trace_mr_t*)mr;
  trace_line(t, "free", ptr, size, stream);
  return zcx_mr_deallocate(mr->upstream, ptr, size, stream, err);
}

static int trace_get_stats(zcx_mr_t* mr, zcx_mr_stats_t* stats, zcx_error_t* err) {
  // A trace counts nothing itself; it shows the upstream's statistics, if it keeps any.
  return zcx_mr_get_stats(mr->upstream, stats, err);
}

static void trace_destroy(zcx_mr_t* mr) {
  trace_mr_t* t = (trace_mr_t*)mr;
  (void)fclose(t->file);
  free(t);
}

static const zcx_mr_ops_t trace_ops = {
    .struct_size = sizeof(zcx_mr_ops_t),
    .kind = "trace",
    .allocate = trace_allocate,
    .deallocate = trace_deallocate,
    .get_stats = trace_get_stats,
    .destroy = trace_destroy,
};

int zcx_trace_mr_create(zcx_mr_t* upstream, const char* path, zcx_mr_t** out, zcx_error_t* err) {
  if (out == NULL) {
    return zcx_error_fail(err, EINVAL, "trace_mr_create: out is NULL");
  }
  *out = NULL;
  if (upstream == NULL || path == NULL) {
    return zcx_error_fail(err, EINVAL, "trace_mr_create: upstream or path is NULL");
  }
  trace_mr_t* t = calloc(1, sizeof(*t));
  if (t == NULL) {
    return zcx_error_fail(err, ENOMEM, "trace_mr_create: out of memory for the adaptor");
  }
  t->file = fopen(path, "w");
  if (t->file == NULL) {
    int code = errno != 0 ? errno : EIO;
    free(t);
    return zcx_error_fail(err, code, "trace_mr_create: cannot open '%s' for writing (%s)", path,
                          zcx_status_name(code));
  }
  if (fputs("Thread,Time,Action,Pointer,Size,Stream\n", t->file) == EOF) {
    int code = errno != 0 ? errno : EIO;
    (void)fclose(t->file);
    free(t);
    return zcx_error_fail(err, code, "trace_mr_create: cannot write to '%s' (%s)", path,
                          zcx_status_name(code));
  }
  zcxi_adaptor_init(&t->base, &trace_ops, upstream);
  *out = &t->base;
  return 0;
}
