// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Readable one-line printing of arrays and record batches: nested values in brackets and
// braces, strings quoted and escaped, temporal values as calendar dates and times, decimals
// with their scale, and long lists truncated with "...".
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array/internal.h"

typedef struct pctx {
  FILE* out;
  int64_t max_items;
} pctx_t;

static void print_value(pctx_t* p, const zcx_array_t* a, int64_t i);

static void print_bytes(pctx_t* p, const uint8_t* d, int64_t n) {
  fputc('"', p->out);
  for (int64_t k = 0; k < n; k++) {
    uint8_t c = d[k];
    if (c == '"' || c == '\\') {
      fprintf(p->out, "\\%c", c);
    } else if (c == '\n') {
      fputs("\\n", p->out);
    } else if (c < 0x20 || c == 0x7f) {
      fprintf(p->out, "\\x%02x", c);
    } else {
      fputc(c, p->out);  // UTF-8 bytes pass through
    }
  }
  fputc('"', p->out);
}

static void print_double(pctx_t* p, double v, bool single) {
  if (isnan(v)) {
    fputs("nan", p->out);
    return;
  }
  if (isinf(v)) {
    fputs(v < 0 ? "-inf" : "inf", p->out);
    return;
  }
  // The shortest of a few precisions that reads back as the same value.
  char buf[40];
  for (int prec = single ? 6 : 15; prec <= 17; prec++) {
    snprintf(buf, sizeof(buf), "%.*g", prec, v);
    double back = strtod(buf, NULL);
    if (single ? (float)back == (float)v : back == v) {
      break;
    }
  }
  fputs(buf, p->out);
}

// Days since 1970-01-01 to a proleptic Gregorian date.
static void civil_from_days(int64_t z, int64_t* y, int* m, int* d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

static int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static const int64_t units_per_second[4] = {1, 1000, 1000000, 1000000000};
static const int unit_digits[4] = {0, 3, 6, 9};
static const char* const unit_suffix[4] = {"s", "ms", "us", "ns"};

static void print_date(pctx_t* p, int64_t days) {
  int64_t y;
  int m;
  int d;
  civil_from_days(days, &y, &m, &d);
  fprintf(p->out, "%04lld-%02d-%02d", (long long)y, m, d);
}

// Seconds-of-day plus a fraction in `unit`.
static void print_time_of_day(pctx_t* p, int64_t v, int unit) {
  int64_t per = units_per_second[unit];
  int64_t secs = floor_div(v, per);
  int64_t frac = v - secs * per;
  int64_t sod = secs - floor_div(secs, 86400) * 86400;
  fprintf(p->out, "%02d:%02d:%02d", (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60));
  if (unit > 0) {
    fprintf(p->out, ".%0*lld", unit_digits[unit], (long long)frac);
  }
}

// A fixed UTC offset "+HH:MM", "-HH:MM", "+HHMM" or "+HH" in seconds; false for anything
// else (a named zone such as "Europe/Paris").
static bool parse_fixed_offset(const char* tz, int64_t* seconds) {
  if ((tz[0] != '+' && tz[0] != '-') || tz[1] < '0' || tz[1] > '9' || tz[2] < '0' ||
      tz[2] > '9') {
    return false;
  }
  int64_t h = (tz[1] - '0') * 10 + (tz[2] - '0');
  int64_t m = 0;
  const char* r = tz + 3;
  if (*r == ':') {
    r++;
  }
  if (*r != '\0') {
    if (r[0] < '0' || r[0] > '5' || r[1] < '0' || r[1] > '9' || r[2] != '\0') {
      return false;
    }
    m = (r[0] - '0') * 10 + (r[1] - '0');
  }
  if (h > 23) {
    return false;
  }
  *seconds = (tz[0] == '-' ? -1 : 1) * (h * 3600 + m * 60);
  return true;
}

static bool is_utc(const char* tz) {
  return strcmp(tz, "UTC") == 0 || strcmp(tz, "Z") == 0 || strcmp(tz, "Etc/UTC") == 0 ||
         strcmp(tz, "+00:00") == 0 || strcmp(tz, "+0000") == 0 || strcmp(tz, "+00") == 0;
}

// A timestamp without a time zone is a wall-clock time and prints as one. With a zone the
// value is an instant (since the epoch in UTC), printed as in RFC 3339 / RFC 9557: "Z" for
// UTC, the local time and its offset for a fixed offset ("+05:30"), and the UTC time with
// the zone's name in brackets for a named zone ("...Z[Europe/Paris]"), since converting to a
// named zone needs the time zone database.
static void print_timestamp(pctx_t* p, int64_t v, int unit, const char* tz) {
  int64_t per = units_per_second[unit];
  int64_t secs = floor_div(v, per);
  int64_t frac = v - secs * per;
  int64_t shift = 0;
  bool fixed = tz != NULL && !is_utc(tz) && parse_fixed_offset(tz, &shift);
  int64_t local;
  if (fixed && zcxi_add_i64(secs, shift, &local)) {
    secs = local;
  } else {
    fixed = false;  // within a day of the int64 limits: print the UTC time instead
  }
  int64_t day = floor_div(secs, 86400);
  int64_t sod = secs - day * 86400;
  print_date(p, day);
  fprintf(p->out, " %02d:%02d:%02d", (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60));
  if (unit > 0) {
    fprintf(p->out, ".%0*lld", unit_digits[unit], (long long)frac);
  }
  if (tz == NULL) {
    return;
  }
  if (fixed) {
    int64_t a = shift < 0 ? -shift : shift;
    fprintf(p->out, "%c%02d:%02d", shift < 0 ? '-' : '+', (int)(a / 3600), (int)(a / 60 % 60));
  } else if (is_utc(tz) || parse_fixed_offset(tz, &shift)) {
    fputc('Z', p->out);
  } else {
    fprintf(p->out, "Z[%s]", tz);
  }
}

// The most zeros a decimal prints before or after its digits before it switches to an exponent.
#define DECIMAL_MAX_ZEROS 40

// Little-endian two's complement of `w` bytes, with `scale` digits after the point.
static void print_decimal(pctx_t* p, const uint8_t* bytes, int32_t w, int32_t scale) {
  uint32_t limbs[8] = {0};
  int nl = w / 4;
  memcpy(limbs, bytes, (size_t)w);
  bool neg = (bytes[w - 1] & 0x80) != 0;
  if (neg) {
    uint64_t carry = 1;
    for (int k = 0; k < nl; k++) {
      uint64_t x = (uint64_t)(uint32_t)~limbs[k] + carry;
      limbs[k] = (uint32_t)x;
      carry = x >> 32;
    }
  }
  char digits[96];
  int nd = 0;
  bool zero = false;
  while (!zero) {
    uint64_t rem = 0;
    zero = true;
    for (int k = nl - 1; k >= 0; k--) {
      uint64_t cur = (rem << 32) | limbs[k];
      limbs[k] = (uint32_t)(cur / 10);
      rem = cur % 10;
      if (limbs[k] != 0) {
        zero = false;
      }
    }
    digits[nd++] = (char)('0' + rem);
  }
  // digits[] holds the number least significant first.
  if (neg) {
    fputc('-', p->out);
  }
  if (scale < -DECIMAL_MAX_ZEROS || scale > nd + DECIMAL_MAX_ZEROS) {
    // An extreme scale (any int32 is allowed) prints in scientific notation, not as
    // millions of zeros.
    for (int k = nd - 1; k >= 0; k--) {
      fputc(digits[k], p->out);
    }
    fprintf(p->out, "e%lld", -(long long)scale);
    return;
  }
  if (scale <= 0) {
    for (int k = nd - 1; k >= 0; k--) {
      fputc(digits[k], p->out);
    }
    for (int32_t k = 0; k < -scale; k++) {
      fputc('0', p->out);
    }
    return;
  }
  int intd = nd - scale;
  if (intd <= 0) {
    fputs("0.", p->out);
    for (int k = 0; k < -intd; k++) {
      fputc('0', p->out);
    }
    for (int k = nd - 1; k >= 0; k--) {
      fputc(digits[k], p->out);
    }
    return;
  }
  for (int k = nd - 1; k >= 0; k--) {
    fputc(digits[k], p->out);
    if (k == scale) {
      fputc('.', p->out);
    }
  }
}

static void print_list(pctx_t* p, const zcx_array_t* child, int64_t start, int64_t len) {
  fputc('[', p->out);
  int64_t shown = p->max_items >= 0 && len > p->max_items ? p->max_items : len;
  bool ree = zcxi_storage_type(child->type)->id == ZCX_TYPE_RUN_END_ENCODED;
  zcxi_ree_cursor_t cursor;
  zcxi_ree_cursor_init(&cursor, child);
  for (int64_t k = 0; k < shown; k++) {
    if (k > 0) {
      fputs(", ", p->out);
    }
    if (ree) {
      // Runs walked in order: O(1) per element instead of a binary search.
      print_value(p, child->children[1], zcxi_ree_cursor_seek(&cursor, start + k));
    } else {
      print_value(p, child, start + k);
    }
  }
  if (shown < len) {
    fprintf(p->out, "%s... (%lld more)", shown > 0 ? ", " : "", (long long)(len - shown));
  }
  fputc(']', p->out);
}

static void print_value(pctx_t* p, const zcx_array_t* a, int64_t i) {
  const zcx_type_t* st = zcxi_storage_type(a->type);
  if (zcx_array_is_null(a, i)) {
    fputs("null", p->out);
    return;
  }
  int64_t k = a->offset + i;
  switch (st->id) {
    case ZCX_TYPE_NA:
      fputs("null", p->out);
      return;
    case ZCX_TYPE_BOOL:
      fputs(zcx_array_get_bool(a, i) ? "true" : "false", p->out);
      return;
    case ZCX_TYPE_UINT64:
      fprintf(p->out, "%" PRIu64, (uint64_t)zcx_array_get_int(a, i));
      return;
    case ZCX_TYPE_INT8:
    case ZCX_TYPE_UINT8:
    case ZCX_TYPE_INT16:
    case ZCX_TYPE_UINT16:
    case ZCX_TYPE_INT32:
    case ZCX_TYPE_UINT32:
    case ZCX_TYPE_INT64:
      fprintf(p->out, "%lld", (long long)zcx_array_get_int(a, i));
      return;
    case ZCX_TYPE_HALF_FLOAT:
    case ZCX_TYPE_FLOAT:
    case ZCX_TYPE_DOUBLE:
      print_double(p, zcx_array_get_double(a, i), st->id != ZCX_TYPE_DOUBLE);
      return;
    case ZCX_TYPE_DATE32:
      print_date(p, zcx_array_get_int(a, i));
      return;
    case ZCX_TYPE_DATE64:
      print_date(p, floor_div(zcx_array_get_int(a, i), 86400000));
      return;
    case ZCX_TYPE_TIME32:
    case ZCX_TYPE_TIME64:
      print_time_of_day(p, zcx_array_get_int(a, i), (int)st->unit);
      return;
    case ZCX_TYPE_TIMESTAMP:
      print_timestamp(p, zcx_array_get_int(a, i), (int)st->unit, st->timezone);
      return;
    case ZCX_TYPE_DURATION:
      fprintf(p->out, "%lld%s", (long long)zcx_array_get_int(a, i), unit_suffix[st->unit]);
      return;
    case ZCX_TYPE_INTERVAL_MONTHS:
      fprintf(p->out, "%lldM", (long long)zcx_array_get_int(a, i));
      return;
    case ZCX_TYPE_INTERVAL_DAY_TIME: {
      int32_t v[2];
      memcpy(v, zcxi_array_buf(a, 1) + k * 8, 8);
      fprintf(p->out, "%dd%dms", v[0], v[1]);
      return;
    }
    case ZCX_TYPE_INTERVAL_MONTH_DAY_NANO: {
      int32_t md[2];
      int64_t ns;
      const uint8_t* d = zcxi_array_buf(a, 1) + k * 16;
      memcpy(md, d, 8);
      memcpy(&ns, d + 8, 8);
      fprintf(p->out, "%dM%dd%lldns", md[0], md[1], (long long)ns);
      return;
    }
    case ZCX_TYPE_DECIMAL32:
    case ZCX_TYPE_DECIMAL64:
    case ZCX_TYPE_DECIMAL128:
    case ZCX_TYPE_DECIMAL256: {
      int32_t w = st->bit_width / 8;
      print_decimal(p, zcxi_array_buf(a, 1) + k * w, w, st->scale);
      return;
    }
    case ZCX_TYPE_BINARY:
    case ZCX_TYPE_STRING:
    case ZCX_TYPE_LARGE_BINARY:
    case ZCX_TYPE_LARGE_STRING:
    case ZCX_TYPE_BINARY_VIEW:
    case ZCX_TYPE_STRING_VIEW:
    case ZCX_TYPE_FIXED_SIZE_BINARY: {
      const uint8_t* d;
      int64_t n;
      zcx_array_get_bytes(a, i, &d, &n);
      print_bytes(p, d, n);
      return;
    }
    case ZCX_TYPE_LIST:
    case ZCX_TYPE_LARGE_LIST:
    case ZCX_TYPE_LIST_VIEW:
    case ZCX_TYPE_LARGE_LIST_VIEW:
    case ZCX_TYPE_FIXED_SIZE_LIST:
    case ZCX_TYPE_MAP: {
      int64_t start;
      int64_t len;
      if (st->id == ZCX_TYPE_FIXED_SIZE_LIST) {
        start = k * st->fixed_size;
        len = st->fixed_size;
      } else {
        bool large = st->id == ZCX_TYPE_LARGE_LIST || st->id == ZCX_TYPE_LARGE_LIST_VIEW;
        bool view = st->id == ZCX_TYPE_LIST_VIEW || st->id == ZCX_TYPE_LARGE_LIST_VIEW;
        int64_t w = large ? 8 : 4;
        const uint8_t* o = zcxi_array_buf(a, 1);
        start = zcxi_load_offset(o, w, k);
        len = view ? zcxi_load_offset(zcxi_array_buf(a, 2), w, k)
                   : zcxi_load_offset(o, w, k + 1) - start;
      }
      if (st->id != ZCX_TYPE_MAP) {
        print_list(p, a->children[0], start, len);
        return;
      }
      // A map prints as {key: value, ...}.
      const zcx_array_t* entries = a->children[0];
      fputc('{', p->out);
      int64_t shown = p->max_items >= 0 && len > p->max_items ? p->max_items : len;
      for (int64_t e = 0; e < shown; e++) {
        int64_t row = entries->offset + start + e;
        fputs(e > 0 ? ", " : "", p->out);
        print_value(p, entries->children[0], row);
        fputs(": ", p->out);
        print_value(p, entries->children[1], row);
      }
      if (shown < len) {
        fprintf(p->out, "%s... (%lld more)", shown > 0 ? ", " : "", (long long)(len - shown));
      }
      fputc('}', p->out);
      return;
    }
    case ZCX_TYPE_STRUCT:
      fputc('{', p->out);
      for (int32_t c = 0; c < a->num_children; c++) {
        fprintf(p->out, "%s%s: ", c > 0 ? ", " : "", st->children[c]->name);
        print_value(p, a->children[c], k);
      }
      fputc('}', p->out);
      return;
    case ZCX_TYPE_SPARSE_UNION:
    case ZCX_TYPE_DENSE_UNION: {
      int8_t code = ((const int8_t*)zcxi_array_buf(a, 0))[k];
      int32_t c = zcxi_union_child_index(st, code);
      if (c < 0) {
        fputs("null", p->out);  // not reached: zcx_array_is_null says so first
        return;
      }
      int64_t j = st->id == ZCX_TYPE_DENSE_UNION ? zcxi_load_i32(zcxi_array_buf(a, 1), k) : k;
      print_value(p, a->children[c], j);
      return;
    }
    case ZCX_TYPE_DICTIONARY:
      print_value(p, a->dictionary, zcx_array_get_int(a, i));
      return;
    case ZCX_TYPE_RUN_END_ENCODED:
      print_value(p, a->children[1], zcxi_ree_physical_index(a, i));
      return;
    default:
      fputs("?", p->out);
      return;
  }
}

int zcx_array_print(const zcx_array_t* array, FILE* out, int64_t max_items, zcx_error_t* err) {
  if (array == NULL || out == NULL) {
    return zcx_error_fail(err, EINVAL, "array_print: array or out is NULL");
  }
  if (!zcxi_array_on_host_deep(array)) {
    return zcx_error_fail(err, ENOTSUP, "array_print: the array (or a child) has buffers that "
                          "are not in host memory");
  }
  // Offsets, views, type ids, indices and run ends are checked first: printing never reads
  // out of bounds, even an array that was only cheaply validated.
  zcx_error_t why;
  zcx_error_init(&why);
  if (zcxi_array_validate_memory(array, &why) != 0) {
    return zcx_error_fail(err, EINVAL, "array_print: invalid array: %s", why.message);
  }
  pctx_t p = {out, max_items};
  // The top level is a list of the whole array.
  print_list(&p, array, 0, array->length);
  fputc('\n', out);
  if (ferror(out)) {
    return zcx_error_fail(err, EIO, "array_print: write failed");
  }
  return 0;
}

int zcx_batch_print(const zcx_batch_t* batch, FILE* out, int64_t max_rows, zcx_error_t* err) {
  if (batch == NULL || out == NULL) {
    return zcx_error_fail(err, EINVAL, "batch_print: batch or out is NULL");
  }
  fprintf(out, "%lld rows, %d columns\n", (long long)batch->num_rows, batch->num_columns);
  for (int32_t c = 0; c < batch->num_columns; c++) {
    char type[256];
    zcx_type_to_string(batch->schema->fields[c]->type, type, sizeof(type));
    fprintf(out, "%s (%s): ", batch->schema->fields[c]->name, type);
    ZCX_RETURN_IF_ERROR(zcx_array_print(batch->columns[c], out, max_rows, err));
  }
  if (ferror(out)) {
    return zcx_error_fail(err, EIO, "batch_print: write failed");
  }
  return 0;
}
