// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The proofs of `zcx demo`: checked claims that data was shared, not copied, and the lines
// that print them and the times of a step.
#include <stdarg.h>
#include <string.h>

#include "demo.h"

void zcxt_demo_result_init(zcxt_demo_result_t* r) {
  memset(r, 0, sizeof(*r));
  r->zcx_s = -1;
  r->usual_s = -1;
}

bool zcxt_demo_prove(zcxt_demo_result_t* r, const char* what, bool holds, const char* fmt, ...) {
  if (!holds) {
    r->proofs_failed++;
  }
  if (r->proof_count >= ZCXT_DEMO_MAX_PROOFS) {
    return holds;
  }
  zcxt_demo_proof_t* p = &r->proofs[r->proof_count++];
  snprintf(p->what, sizeof(p->what), "%s", what);
  p->holds = holds;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(p->detail, sizeof(p->detail), fmt, ap);
  va_end(ap);
  return holds;
}

bool zcxt_demo_prove_same(zcxt_demo_result_t* r, const char* what, uintptr_t expected,
                          uintptr_t actual) {
  if (expected == actual) {
    return zcxt_demo_prove(r, what, true, "same data pointer 0x%llx on both sides",
                           (unsigned long long)actual);
  }
  return zcxt_demo_prove(r, what, false, "data pointer 0x%llx, expected 0x%llx: a copy",
                         (unsigned long long)actual, (unsigned long long)expected);
}

bool zcxt_demo_prove_inside(zcxt_demo_result_t* r, const char* what, uintptr_t base, int64_t size,
                            uintptr_t ptr, int64_t nbytes, int64_t expected_offset) {
  if (size < 0 || nbytes < 0 || ptr < base || ptr - base > (uintptr_t)size ||
      (uintptr_t)nbytes > (uintptr_t)size - (ptr - base)) {
    return zcxt_demo_prove(r, what, false,
                           "0x%llx (+%lld bytes) is outside the mapping 0x%llx (+%lld bytes): "
                           "a copy",
                           (unsigned long long)ptr, (long long)nbytes, (unsigned long long)base,
                           (long long)size);
  }
  int64_t offset = (int64_t)(ptr - base);
  if (expected_offset >= 0 && offset != expected_offset) {
    return zcxt_demo_prove(r, what, false,
                           "at offset %lld of the mapping 0x%llx, but the other side used "
                           "offset %lld: a copy",
                           (long long)offset, (unsigned long long)base, (long long)expected_offset);
  }
  if (expected_offset >= 0) {
    return zcxt_demo_prove(r, what, true,
                           "0x%llx = mapping 0x%llx + %lld, the offset the other side used",
                           (unsigned long long)ptr, (unsigned long long)base, (long long)offset);
  }
  return zcxt_demo_prove(r, what, true, "0x%llx = mapping 0x%llx + %lld (inside its %lld bytes)",
                         (unsigned long long)ptr, (unsigned long long)base, (long long)offset,
                         (long long)size);
}

double zcxt_demo_median(double* v, int n) {
  // Insertion sort: n is a handful of repetitions.
  for (int i = 1; i < n; i++) {
    double x = v[i];
    int j = i - 1;
    while (j >= 0 && v[j] > x) {
      v[j + 1] = v[j];
      j--;
    }
    v[j + 1] = x;
  }
  return n <= 0 ? 0 : n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void format_seconds(double s, char* buf, size_t size) {
  if (s < 0) {
    snprintf(buf, size, "-");
  } else if (s < 1e-6) {
    snprintf(buf, size, "%.0f ns", s * 1e9);
  } else if (s < 1e-3) {
    snprintf(buf, size, "%.1f us", s * 1e6);
  } else {
    snprintf(buf, size, "%.2f ms", s * 1e3);
  }
}

void zcxt_demo_print_times(const zcxt_demo_ctx_t* ctx, const zcxt_demo_result_t* r) {
  char a[32], b[32];
  format_seconds(r->zcx_s, a, sizeof(a));
  format_seconds(r->usual_s, b, sizeof(b));
  if (r->shared[0] != '\0') {
    fprintf(ctx->out, "  shared:     %s\n", r->shared);
  }
  if (r->copied[0] != '\0') {
    fprintf(ctx->out, "  copied:     %s\n", r->copied);
  }
  fprintf(ctx->out, "  zcx:        %10s  %s\n", a, r->zcx_what);
  if (r->usual_s >= 0) {
    fprintf(ctx->out, "  usual way:  %10s  %s\n", b, r->usual_what);
  }
  if (r->zcx_s > 0 && r->usual_s >= 0) {
    fprintf(ctx->out, "  ratio:      %10.1fx  (usual / zcx)\n", r->usual_s / r->zcx_s);
  }
}

void zcxt_demo_print_proofs(const zcxt_demo_ctx_t* ctx, const zcxt_demo_result_t* r) {
  int shown = 0;
  for (int i = 0; i < r->proof_count; i++) {
    const zcxt_demo_proof_t* p = &r->proofs[i];
    if (ctx->verbose || !p->holds || i < 3) {
      fprintf(ctx->out, "  proof %s: %s: %s\n", p->holds ? "ok    " : "FAILED", p->what, p->detail);
      shown++;
    }
  }
  int total = r->proof_count;
  if (shown < total) {
    fprintf(ctx->out, "  ... %d more proofs, all hold (--verbose shows them)\n", total - shown);
  }
}
