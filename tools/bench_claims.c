// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The claims summary of `zcx bench all`: headline ratios pulled out of the suites' rows.
#include "bench_claims.h"

#include <math.h>
#include <string.h>

#include "cli.h"

// Keeps this file a valid translation unit when the benchmarks are not built.
typedef int zcxt_bench_claims_unused_t;

#if defined(ZCX_HAVE_BENCH)

static const zcxb_report_t* report_of(const char* const* names, const zcxb_report_t* reports,
                                      size_t n, const char* name) {
  for (size_t i = 0; i < n; i++) {
    if (strcmp(names[i], name) == 0) {
      return &reports[i];
    }
  }
  return NULL;
}

static bool field_is(const zcxb_row_t* row, const char* key, const char* value) {
  const zcxb_field_t* f = zcxb_row_get(row, key);
  return f != NULL && f->type == ZCXB_FIELD_STRING && strcmp(f->s, value) == 0;
}

// The row of `impl` in `case_name` (threads == 0: the fastest over thread counts).
static const zcxb_row_t* find(const zcxb_report_t* rep, const char* case_name, const char* impl,
                              int threads) {
  const zcxb_row_t* best = NULL;
  for (size_t i = 0; rep != NULL && i < rep->row_count; i++) {
    const zcxb_row_t* r = &rep->rows[i];
    if (!field_is(r, "case", case_name) || !field_is(r, "impl", impl) ||
        zcxb_row_get(r, "error") != NULL) {
      continue;
    }
    if (threads > 0 && zcxb_row_number(r, "threads", 1) != threads) {
      continue;
    }
    if (best == NULL ||
        zcxb_row_number(r, "median_s", INFINITY) < zcxb_row_number(best, "median_s", INFINITY)) {
      best = r;
    }
  }
  return best;
}

static void allocation_claim(const zcxb_report_t* rep, zcxt_claim_t* c) {
  c->name = "allocation";
  const char* cases[] = {"train", "random", "threads2"};
  for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]) && !c->measured; k++) {
    const zcxb_row_t* z = find(rep, cases[k], "zcx", 0);
    const zcxb_row_t* g = find(rep, cases[k], "glibc", 0);
    if (z == NULL || g == NULL) {
      continue;
    }
    double az = zcxb_row_number(z, "alloc_share", NAN);
    double ag = zcxb_row_number(g, "alloc_share", NAN);
    double ratio = zcxb_row_number(g, "ratio_vs_zcx", NAN);
    int len = snprintf(c->text, sizeof(c->text),
                       "allocation: in the '%s' case glibc malloc spends %.1f%% of the run time "
                       "allocating and the zcx pool %.1f%%; the run is %.2fx faster on the pool",
                       cases[k], ag * 100, az * 100, ratio);
    // The closest other allocator, for context.
    const zcxb_row_t* other = NULL;
    for (size_t i = 0; i < rep->row_count; i++) {
      const zcxb_row_t* r = &rep->rows[i];
      if (field_is(r, "case", cases[k]) && !field_is(r, "impl", "zcx") &&
          zcxb_row_get(r, "error") == NULL &&
          (other == NULL || zcxb_row_number(r, "ratio_vs_zcx", INFINITY) <
                                zcxb_row_number(other, "ratio_vs_zcx", INFINITY))) {
        other = r;
      }
    }
    if (other != NULL && len > 0 && (size_t)len < sizeof(c->text)) {
      snprintf(c->text + len, sizeof(c->text) - (size_t)len,
               " (closest: %s, %.2fx the pool's time)", zcxb_row_get(other, "impl")->s,
               zcxb_row_number(other, "ratio_vs_zcx", NAN));
    }
    c->measured = true;
  }
}

static int layout_direction(const zcxb_report_t* rep, const char* case_name, const char* label,
                            char* buf, size_t size) {
  const zcxb_row_t* z = find(rep, case_name, "zcx", 0);
  const zcxb_row_t* naive = find(rep, case_name, "naive", 0);
  if (z == NULL) {
    return 0;
  }
  double zt = zcxb_row_number(z, "median_s", NAN);
  int threads = (int)zcxb_row_number(z, "threads", 1);
  const zcxb_row_t* mc = find(rep, case_name, "memcpy", threads);
  char parts[3][96] = {"", "", ""};
  if (naive != NULL) {
    snprintf(parts[0], sizeof(parts[0]), ", %.2fx the speed of per-field loops",
             zcxb_row_number(naive, "median_s", NAN) / zt);
  }
  if (mc != NULL) {
    snprintf(parts[1], sizeof(parts[1]), ", %.2fx memcpy's speed",
             zcxb_row_number(mc, "median_s", NAN) / zt);
  }
  double np = zcxb_row_number(z, "ratio_vs_numpy", NAN);
  if (!isnan(np)) {
    snprintf(parts[2], sizeof(parts[2]), ", %.2fx NumPy's speed", np);
  }
  return snprintf(buf, size, "%s %.1f GB/s on %d thread%s%s%s%s", label,
                  zcxb_row_number(z, "gbps", NAN), threads, threads > 1 ? "s" : "", parts[0],
                  parts[1], parts[2]);
}

static void layout_claim(const zcxb_report_t* rep, zcxt_claim_t* c) {
  c->name = "layout";
  char to[256] = "", back[256] = "", access[200] = "";
  int a = layout_direction(rep, "aos_to_soa", "AoS -> SoA", to, sizeof(to));
  int b = layout_direction(rep, "soa_to_aos", "SoA -> AoS", back, sizeof(back));
  // Access: a field summed over SoA columns against over AoS records, when measured.
  const zcxb_row_t* soa = find(rep, "access", "soa", 0);
  const zcxb_row_t* aos = find(rep, "access", "aos", 0);
  if (soa != NULL && aos != NULL) {
    snprintf(access, sizeof(access), "; reading one field is %.2fx faster in SoA than in AoS",
             zcxb_row_number(aos, "median_s", NAN) / zcxb_row_number(soa, "median_s", NAN));
  }
  if (a > 0 || b > 0) {
    snprintf(c->text, sizeof(c->text), "layout: %s%s%s%s", to, a > 0 && b > 0 ? "; " : "", back,
             access);
    c->measured = true;
  }
}

// The exchange suite: for each hand-over case, its row at the largest size (zcx's impl).
static int exchange_part(const zcxb_report_t* rep, char* buf, size_t size) {
  int len = 0;
  int shown = 0;
  for (size_t i = 0; rep != NULL && i < rep->row_count && shown < 3; i++) {
    const zcxb_row_t* r = &rep->rows[i];
    const zcxb_field_t* cs = zcxb_row_get(r, "case");
    if (cs == NULL || cs->type != ZCXB_FIELD_STRING || !field_is(r, "impl", "zcx") ||
        isnan(zcxb_row_number(r, "handover_us", NAN))) {
      continue;
    }
    // Skip it unless it is the largest row of its case, and the first such.
    bool largest = true;
    for (size_t j = 0; j < rep->row_count && largest; j++) {
      const zcxb_row_t* o = &rep->rows[j];
      if (j != i && field_is(o, "case", cs->s) && field_is(o, "impl", "zcx") &&
          !isnan(zcxb_row_number(o, "handover_us", NAN)) &&
          (zcxb_row_number(o, "size_bytes", 0) > zcxb_row_number(r, "size_bytes", 0) ||
           (zcxb_row_number(o, "size_bytes", 0) == zcxb_row_number(r, "size_bytes", 0) && j < i))) {
        largest = false;
      }
    }
    if (!largest || (size_t)len >= size) {
      continue;
    }
    char sz[32];
    double copy_us = zcxb_row_number(r, "copy_us", NAN);
    int n =
        snprintf(buf + len, size - (size_t)len, "%s%s %s: %.1f us against %.1f %s to copy (%.0fx)",
                 shown == 0 ? "" : ", ", cs->s,
                 zcxt_format_bytes(zcxb_row_number(r, "size_bytes", 0), sz, sizeof(sz)),
                 zcxb_row_number(r, "handover_us", NAN), copy_us >= 1000 ? copy_us / 1000 : copy_us,
                 copy_us >= 1000 ? "ms" : "us", zcxb_row_number(r, "ratio", NAN));
    if (n > 0) {
      len += n;
      shown++;
    }
  }
  return shown;
}

static void zero_copy_claim(const char* const* names, const zcxb_report_t* reports, size_t n,
                            zcxt_claim_t* c) {
  c->name = "zero-copy";
  char parts[4][320] = {"", "", "", ""};
  exchange_part(report_of(names, reports, n, "exchange"), parts[0], sizeof(parts[0]));
  const zcxb_report_t* ipc = report_of(names, reports, n, "ipc");
  for (size_t i = 0; ipc != NULL && i < ipc->row_count; i++) {
    const zcxb_row_t* r = &ipc->rows[i];
    if (field_is(r, "case", "shm_attach_read") && field_is(r, "baseline", "memcpy")) {
      char sz[32];
      snprintf(parts[1], sizeof(parts[1]),
               "attaching a shared-memory segment and reading its batches (%s) runs at %.0fx "
               "memcpy's speed",
               zcxt_format_bytes(zcxb_row_number(r, "bytes", 0), sz, sizeof(sz)),
               zcxb_row_number(r, "ratio", NAN));
    }
  }
  const zcxb_report_t* cd = report_of(names, reports, n, "cdata");
  const zcxb_row_t* small = NULL;
  const zcxb_row_t* large = NULL;
  for (size_t i = 0; cd != NULL && i < cd->row_count; i++) {
    const zcxb_row_t* r = &cd->rows[i];
    if (!field_is(r, "case", "int64")) {
      continue;
    }
    double rows = zcxb_row_number(r, "rows", 0);
    if (small == NULL || rows < zcxb_row_number(small, "rows", 0)) {
      small = r;
    }
    if (large == NULL || rows > zcxb_row_number(large, "rows", 0)) {
      large = r;
    }
  }
  if (small != NULL && large != NULL && small != large) {
    snprintf(
        parts[2], sizeof(parts[2]),
        "Arrow C Data export+import takes %.0f ns per column at %.0f rows and %.0f ns at "
        "%.0f rows (%.2fx for %.0fx the data: O(1))",
        zcxb_row_number(small, "ns_per_column", NAN), zcxb_row_number(small, "rows", 0),
        zcxb_row_number(large, "ns_per_column", NAN), zcxb_row_number(large, "rows", 0),
        zcxb_row_number(large, "ns_per_column", NAN) / zcxb_row_number(small, "ns_per_column", NAN),
        zcxb_row_number(large, "rows", 0) / zcxb_row_number(small, "rows", 1));
  }
  // Any other suite that compares sharing with copying reports ratio_vs_copy: the largest.
  const zcxb_row_t* best = NULL;
  const char* best_suite = NULL;
  for (size_t s = 0; s < n; s++) {
    for (size_t i = 0; i < reports[s].row_count; i++) {
      const zcxb_row_t* r = &reports[s].rows[i];
      double v = zcxb_row_number(r, "ratio_vs_copy", NAN);
      if (!isnan(v) && (best == NULL || v > zcxb_row_number(best, "ratio_vs_copy", 0))) {
        best = r;
        best_suite = names[s];
      }
    }
  }
  if (best != NULL) {
    const zcxb_field_t* cs = zcxb_row_get(best, "case");
    snprintf(parts[3], sizeof(parts[3]), "up to %.0fx faster than a copy (%s %s)",
             zcxb_row_number(best, "ratio_vs_copy", NAN), best_suite,
             cs != NULL && cs->type == ZCXB_FIELD_STRING ? cs->s : "");
  }
  size_t len = 0;
  for (int i = 0; i < 4; i++) {
    if (parts[i][0] == '\0' || len >= sizeof(c->text)) {
      continue;
    }
    int w = snprintf(c->text + len, sizeof(c->text) - len, "%s%s", len == 0 ? "zero-copy: " : "; ",
                     parts[i]);
    if (w > 0) {
      len += (size_t)w;
    }
    c->measured = true;
  }
}

void zcxt_bench_claims(const char* const* names, const zcxb_report_t* reports, size_t n,
                       zcxt_claim_t claims[ZCXT_CLAIM_COUNT]) {
  memset(claims, 0, sizeof(zcxt_claim_t) * ZCXT_CLAIM_COUNT);
  allocation_claim(report_of(names, reports, n, "alloc"), &claims[0]);
  layout_claim(report_of(names, reports, n, "layout"), &claims[1]);
  zero_copy_claim(names, reports, n, &claims[2]);
  static const char* const kNeeds[ZCXT_CLAIM_COUNT] = {"alloc", "layout", "exchange, ipc or cdata"};
  for (int i = 0; i < ZCXT_CLAIM_COUNT; i++) {
    if (!claims[i].measured) {
      snprintf(claims[i].text, sizeof(claims[i].text), "%s: not measured (needs the %s suite)",
               claims[i].name, kNeeds[i]);
    }
  }
}

void zcxt_bench_print_claims(FILE* out, const zcxt_claim_t claims[ZCXT_CLAIM_COUNT]) {
  fprintf(out, "\nclaims (headline ratios from the tables below):\n");
  for (int i = 0; i < ZCXT_CLAIM_COUNT; i++) {
    fprintf(out, "  %d. %s\n", i + 1, claims[i].text);
  }
}

void zcxt_bench_json_claims(zcxt_json_t* w, const zcxt_claim_t claims[ZCXT_CLAIM_COUNT]) {
  zcxt_json_begin_array(w);
  for (int i = 0; i < ZCXT_CLAIM_COUNT; i++) {
    zcxt_json_begin_object(w);
    zcxt_json_kv_string(w, "claim", claims[i].name);
    zcxt_json_kv_bool(w, "measured", claims[i].measured);
    zcxt_json_kv_string(w, "text", claims[i].text);
    zcxt_json_end_object(w);
  }
  zcxt_json_end_array(w);
}

#endif  // ZCX_HAVE_BENCH
