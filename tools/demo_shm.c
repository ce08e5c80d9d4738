// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Demo step "shm": the records are converted straight into a shared-memory segment, which is
// published in place as an Arrow IPC file and sealed; a second process (`zcx demo --consumer
// PATH`) attaches and reads the columns where the producer wrote them, which its own
// /proc/self/maps confirms: same offsets in the same memfd.
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "demo.h"
#include "zcx/shm.h"

// One column as the consumer saw it.
typedef struct seen_column {
  bool present;
  uintptr_t address;
  uintptr_t map_start;
  int64_t map_offset;
  char map_path[128];
  double sum;
} seen_column_t;

typedef struct seen {
  seen_column_t cols[ZCXT_DEMO_COLUMNS];
  long pid;
  int sealed;
  double attach_s;
  double usual_s;
  double usual_sum;
  bool have_summary;
} seen_t;

// Parses the consumer's lines (see zcxt_demo_consumer_main).
static void parse_consumer(char* text, seen_t* s) {
  memset(s, 0, sizeof(*s));
  for (char* line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n")) {
    int i = -1;
    unsigned long long addr = 0, start = 0;
    long long off = 0;
    double sum = 0;
    char path[128] = "";
    if (sscanf(line,
               "column %d address=%llx map_start=%llx map_offset=%lld sum=%lg map_path=%127[^\n]",
               &i, &addr, &start, &off, &sum, path) >= 5 &&
        i >= 0 && i < ZCXT_DEMO_COLUMNS) {
      seen_column_t* c = &s->cols[i];
      c->present = true;
      c->address = (uintptr_t)addr;
      c->map_start = (uintptr_t)start;
      c->map_offset = off;
      c->sum = sum;
      snprintf(c->map_path, sizeof(c->map_path), "%s", path);
    } else if (sscanf(line, "consumer pid=%ld sealed=%d attach_s=%lg usual_s=%lg usual_sum=%lg",
                      &s->pid, &s->sealed, &s->attach_s, &s->usual_s, &s->usual_sum) == 5) {
      s->have_summary = true;
    }
  }
}

// Converts the records into a new segment and publishes it; fills ctx->shm*.
static int publish(zcxt_demo_ctx_t* ctx, double* convert_s, double* publish_s, zcx_error_t* err) {
  int64_t values = 0;
  for (int i = 0; i < ZCXT_DEMO_COLUMNS; i++) {
    values += ctx->n * zcxt_demo_column_width(i);
  }
  int64_t capacity = values + ZCXT_DEMO_COLUMNS * 64 + ((int64_t)1 << 20);
  zcx_shm_segment_t* seg = NULL;
  zcx_mr_t* mr = NULL;
  zcx_batch_t* batch = NULL;
  double t0 = zcxt_demo_now();
  int rc = zcx_shm_segment_create("zcx-demo", capacity, &seg, err);
  if (rc == 0) {
    rc = zcx_shm_mr_create(seg, NULL, &mr, err);
  }
  if (rc == 0) {
    zcx_layout_options_t opts;
    zcx_layout_options_init(&opts);
    opts.mr = mr;
    rc = zcx_layout_to_batch(ctx->layout, ctx->records, ctx->n, &opts, &batch, err);
  }
  *convert_s = zcxt_demo_now() - t0;
  t0 = zcxt_demo_now();
  if (rc == 0) {
    rc = zcx_shm_publish(mr, batch->schema, &batch, 1, NULL, err);
  }
  *publish_s = zcxt_demo_now() - t0;
  if (rc == 0) {
    uintptr_t base = (uintptr_t)zcx_shm_segment_data(seg);
    for (int i = 0; i < ZCXT_DEMO_COLUMNS; i++) {
      ctx->shm_offsets[i] =
          (int64_t)((uintptr_t)zcxt_demo_column_data(batch->columns[i], i) - base);
    }
    ctx->shm_size = zcx_shm_segment_size(seg);
    snprintf(ctx->shm_path, sizeof(ctx->shm_path), "%s", zcx_shm_segment_path(seg));
    ctx->shm = seg;
    zcx_shm_segment_retain(seg);
  }
  zcx_batch_release(batch);
  zcx_mr_release(mr);
  zcx_shm_segment_release(seg);
  return rc;
}

int zcxt_demo_shm(zcxt_demo_ctx_t* ctx, zcxt_demo_result_t* result, char* summary,
                  size_t summary_size, zcx_error_t* err) {
  FILE* out = ctx->out;
  ZCX_RETURN_IF_ERROR(zcxt_demo_ensure_batch(ctx, err));
  zcx_shm_segment_release(ctx->shm);
  ctx->shm = NULL;
  double convert_s = 0, publish_s = 0;
  ZCX_RETURN_IF_ERROR(publish(ctx, &convert_s, &publish_s, err));
  char sb[32];
  fprintf(out,
          "The same conversion writes the columns straight into a memfd segment; publishing\n"
          "lays the Arrow IPC file out around them in place and seals the segment (%s).\n"
          "A second process attaches read-only and reads each column where it was written.\n",
          zcxt_format_bytes((double)ctx->shm_size, sb, sizeof(sb)));
  fprintf(out, "  producer:   %8.2f ms conversion into the segment, %8.3f ms publish and seal\n",
          convert_s * 1e3, publish_s * 1e3);
  zcxt_demo_prove(result, "the segment is sealed", zcx_shm_segment_sealed(ctx->shm),
                  "%s: write, shrink and grow are sealed", ctx->shm_path);

  char exe[512];
  if (zcxt_demo_self_exe(exe, sizeof(exe)) == NULL) {
    return zcx_error_fail(err, ENOENT, "demo shm: cannot find this executable");
  }
  char* argv[] = {exe, "demo", "--consumer", ctx->shm_path, ctx->force_copy ? "--force-copy" : NULL,
                  NULL};
  char text[8192];
  int status = 0;
  ZCX_RETURN_IF_ERROR(zcxt_demo_spawn(argv, NULL, text, sizeof(text), &status, err));
  if (status != 0) {
    return zcx_error_fail(err, EPROTO, "demo shm: the consumer process exited with status %d",
                          status);
  }
  seen_t s;
  parse_consumer(text, &s);
  if (!s.have_summary) {
    return zcx_error_fail(err, EPROTO, "demo shm: the consumer printed no summary line");
  }
  zcxt_demo_prove(result, "the consumer is another process", s.pid != (long)getpid(),
                  "consumer pid %ld, producer pid %ld", s.pid, (long)getpid());
  zcxt_demo_prove(result, "the consumer found the segment sealed", s.sealed == 1,
                  "F_GET_SEALS in the consumer: %s", s.sealed == 1 ? "sealed" : "not sealed");
  int64_t shared = 0;
  for (int i = 0; i < ZCXT_DEMO_COLUMNS; i++) {
    const seen_column_t* c = &s.cols[i];
    char what[96];
    int64_t bytes = ctx->n * zcxt_demo_column_width(i);
    snprintf(what, sizeof(what), "column '%s' in the consumer process", zcxt_demo_column_names[i]);
    if (!c->present) {
      zcxt_demo_prove(result, what, false, "the consumer did not report it");
      continue;
    }
    // The kernel's view: the consumer's address lies in its mapping of the memfd, at the
    // file offset where the producer's conversion wrote the column (map_start is the
    // address of file offset map_offset).
    bool in_memfd = strstr(c->map_path, "memfd:zcx-demo") != NULL;
    if (!in_memfd) {
      zcxt_demo_prove(result, what, false, "0x%llx lies in '%s', not in the segment: a copy",
                      (unsigned long long)c->address,
                      c->map_path[0] != '\0' ? c->map_path : "anonymous memory");
    } else if (snprintf(what, sizeof(what), "column '%s' in the consumer's memfd mapping",
                        zcxt_demo_column_names[i]) > 0 &&
               zcxt_demo_prove_inside(result, what, c->map_start - (uintptr_t)c->map_offset,
                                      ctx->shm_size, c->address, bytes, ctx->shm_offsets[i])) {
      shared += bytes;
    }
    snprintf(what, sizeof(what), "column '%s' values in the consumer", zcxt_demo_column_names[i]);
    zcxt_demo_prove(result, what, c->sum == ctx->sums[i], "sum %.17g (producer: %.17g)", c->sum,
                    ctx->sums[i]);
  }
  zcxt_demo_prove(result, "the usual copy agrees", s.usual_sum == ctx->sums[2],
                  "sum of x %.17g (producer: %.17g)", s.usual_sum, ctx->sums[2]);
  result->zcx_s = s.attach_s;
  result->usual_s = s.usual_s;
  snprintf(result->zcx_what, sizeof(result->zcx_what),
           "consumer: check the seals, map, verify, open the batch in place");
  snprintf(result->usual_what, sizeof(result->usual_what),
           "consumer: read() the segment into fresh memory, open the batch there");
  result->shared_bytes = shared;
  snprintf(result->shared, sizeof(result->shared), "%s of columns, read in place by process %ld",
           zcxt_format_bytes((double)shared, sb, sizeof(sb)), s.pid);
  result->copied_bytes = 0;
  snprintf(result->copied, sizeof(result->copied),
           "nothing after the conversion: publishing wrote metadata only");
  zcxt_demo_print_times(ctx, result);
  zcxt_demo_print_proofs(ctx, result);
  snprintf(summary, summary_size,
           "process %ld read the sealed segment in place in %.3f ms (read() copy: %.2f ms, %.0fx)",
           s.pid, s.attach_s * 1e3, s.usual_s * 1e3, s.attach_s > 0 ? s.usual_s / s.attach_s : 0.0);
  return 0;
}
