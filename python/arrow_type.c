// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Arrow types from text: a parser of the form zcx_type_to_string prints, for zcx.array.
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "arrow_internal.h"

typedef struct zcxpy_parser {
  const char* text;
  size_t pos;
} zcxpy_parser_t;

static int zcxpy_parse_type(zcxpy_parser_t* p, zcx_type_t** out);

static int zcxpy_parse_fail(const zcxpy_parser_t* p, const char* what) {
  PyErr_Format(PyExc_ValueError, "zcx: type '%s': %s at position %zu", p->text, what, p->pos);
  return -1;
}

static void zcxpy_skip_space(zcxpy_parser_t* p) {
  while (p->text[p->pos] == ' ') {
    p->pos++;
  }
}

// Consumes `token` (after spaces) when it comes next.
static bool zcxpy_accept(zcxpy_parser_t* p, const char* token) {
  zcxpy_skip_space(p);
  size_t n = strlen(token);
  if (strncmp(p->text + p->pos, token, n) == 0) {
    p->pos += n;
    return true;
  }
  return false;
}

static int zcxpy_expect(zcxpy_parser_t* p, const char* token) {
  if (zcxpy_accept(p, token)) {
    return 0;
  }
  char what[64];
  snprintf(what, sizeof(what), "'%s' expected", token);
  return zcxpy_parse_fail(p, what);
}

// Reads a word of letters, digits and '_' into buf.
static int zcxpy_parse_word(zcxpy_parser_t* p, char* buf, size_t size) {
  zcxpy_skip_space(p);
  size_t n = 0;
  while (isalnum((unsigned char)p->text[p->pos]) || p->text[p->pos] == '_') {
    if (n + 1 >= size) {
      return zcxpy_parse_fail(p, "word too long");
    }
    buf[n++] = p->text[p->pos++];
  }
  buf[n] = '\0';
  return n == 0 ? zcxpy_parse_fail(p, "type name expected") : 0;
}

static int zcxpy_parse_int(zcxpy_parser_t* p, int32_t* out) {
  zcxpy_skip_space(p);
  const char* start = p->text + p->pos;
  char* end = NULL;
  long v = strtol(start, &end, 10);
  if (end == start || v < -1000000000L || v > 1000000000L) {
    return zcxpy_parse_fail(p, "integer expected");
  }
  p->pos += (size_t)(end - start);
  *out = (int32_t)v;
  return 0;
}

static int zcxpy_parse_unit(zcxpy_parser_t* p, zcx_time_unit_t* unit) {
  char word[8];
  if (zcxpy_parse_word(p, word, sizeof(word)) != 0) {
    return -1;
  }
  static const char* const names[] = {"s", "ms", "us", "ns"};
  for (int i = 0; i < 4; i++) {
    if (strcmp(word, names[i]) == 0) {
      *unit = (zcx_time_unit_t)i;
      return 0;
    }
  }
  return zcxpy_parse_fail(p, "time unit s, ms, us or ns expected");
}

// Turns a failed zcx constructor into a ValueError that names the text.
static int zcxpy_type_fail(const zcxpy_parser_t* p, const zcx_error_t* err) {
  PyErr_Format(PyExc_ValueError, "zcx: type '%s': %s", p->text, zcx_error_message(err));
  return -1;
}

// A field: "[name:] type [not null]". The name is what comes before a ':' (letters, digits,
// '_', '.', '-', spaces inside); `default_name` is used without one (NULL: a name is needed).
static int zcxpy_parse_field(zcxpy_parser_t* p, const char* default_name, zcx_field_t** out) {
  zcxpy_skip_space(p);
  size_t start = p->pos;
  size_t end = start;
  while (p->text[end] != '\0' && strchr(":,<>[]()=", p->text[end]) == NULL) {
    end++;
  }
  char name[256];
  if (p->text[end] == ':') {
    size_t n = end - start;
    while (n > 0 && p->text[start + n - 1] == ' ') {
      n--;
    }
    if (n >= sizeof(name)) {
      return zcxpy_parse_fail(p, "field name too long");
    }
    memcpy(name, p->text + start, n);
    name[n] = '\0';
    p->pos = end + 1;
  } else if (default_name != NULL) {
    snprintf(name, sizeof(name), "%s", default_name);
  } else {
    return zcxpy_parse_fail(p, "'name: type' expected");
  }
  zcx_type_t* type = NULL;
  if (zcxpy_parse_type(p, &type) != 0) {
    return -1;
  }
  bool nullable = !zcxpy_accept(p, "not null");
  zcx_error_t err;
  zcx_error_init(&err);
  int rc = zcx_field_create(name, type, nullable, NULL, out, &err);
  zcx_type_release(type);
  return rc != 0 ? zcxpy_type_fail(p, &err) : 0;
}

static int zcxpy_parse_list(zcxpy_parser_t* p, zcx_type_id_t id, zcx_type_t** out) {
  zcx_field_t* item = NULL;
  if (zcxpy_expect(p, "<") != 0 || zcxpy_parse_field(p, "item", &item) != 0) {
    return -1;
  }
  int32_t size = 0;
  if (id == ZCX_TYPE_FIXED_SIZE_LIST && zcxpy_accept(p, ",")) {
    // "fixed_size_list<float, 3>" as well as "fixed_size_list<item: float>[3]".
    if (zcxpy_parse_int(p, &size) != 0 || zcxpy_expect(p, ">") != 0) {
      zcx_field_release(item);
      return -1;
    }
  } else if (zcxpy_expect(p, ">") != 0 ||
             (id == ZCX_TYPE_FIXED_SIZE_LIST &&
              (zcxpy_expect(p, "[") != 0 || zcxpy_parse_int(p, &size) != 0 ||
               zcxpy_expect(p, "]") != 0))) {
    zcx_field_release(item);
    return -1;
  }
  zcx_error_t err;
  zcx_error_init(&err);
  int rc = id == ZCX_TYPE_FIXED_SIZE_LIST ? zcx_type_fixed_size_list(item, size, out, &err)
                                          : zcx_type_list(id, item, out, &err);
  zcx_field_release(item);
  return rc != 0 ? zcxpy_type_fail(p, &err) : 0;
}

static int zcxpy_parse_struct(zcxpy_parser_t* p, zcx_type_t** out) {
  if (zcxpy_expect(p, "<") != 0) {
    return -1;
  }
  zcx_field_t* fields[256];
  int32_t n = 0;
  int rc = 0;
  if (!zcxpy_accept(p, ">")) {
    do {
      if (n == 256) {
        rc = zcxpy_parse_fail(p, "more than 256 fields");
        break;
      }
      rc = zcxpy_parse_field(p, NULL, &fields[n]);
      if (rc == 0) {
        n++;
      }
    } while (rc == 0 && zcxpy_accept(p, ","));
    if (rc == 0) {
      rc = zcxpy_expect(p, ">");
    }
  }
  zcx_error_t err;
  zcx_error_init(&err);
  if (rc == 0 && zcx_type_struct(fields, n, out, &err) != 0) {
    rc = zcxpy_type_fail(p, &err);
  }
  for (int32_t i = 0; i < n; i++) {
    zcx_field_release(fields[i]);
  }
  return rc;
}

static int zcxpy_parse_map(zcxpy_parser_t* p, zcx_type_t** out) {
  zcx_type_t* key = NULL;
  zcx_type_t* value = NULL;
  zcx_field_t* kv[2] = {NULL, NULL};
  zcx_type_t* entries = NULL;
  zcx_field_t* entries_field = NULL;
  int rc = -1;
  if (zcxpy_expect(p, "<") != 0 || zcxpy_parse_type(p, &key) != 0 ||
      zcxpy_expect(p, ",") != 0 || zcxpy_parse_type(p, &value) != 0) {
    goto done;
  }
  bool sorted = zcxpy_accept(p, ",") && zcxpy_accept(p, "keys_sorted");
  if (zcxpy_expect(p, ">") != 0) {
    goto done;
  }
  zcx_error_t err;
  zcx_error_init(&err);
  if (zcx_field_create("key", key, false, NULL, &kv[0], &err) != 0 ||
      zcx_field_create("value", value, true, NULL, &kv[1], &err) != 0 ||
      zcx_type_struct(kv, 2, &entries, &err) != 0 ||
      zcx_field_create("entries", entries, false, NULL, &entries_field, &err) != 0 ||
      zcx_type_map(entries_field, sorted, out, &err) != 0) {
    zcxpy_type_fail(p, &err);
    goto done;
  }
  rc = 0;
done:
  zcx_type_release(key);
  zcx_type_release(value);
  zcx_field_release(kv[0]);
  zcx_field_release(kv[1]);
  zcx_type_release(entries);
  zcx_field_release(entries_field);
  return rc;
}

static int zcxpy_parse_dictionary(zcxpy_parser_t* p, zcx_type_t** out) {
  zcx_type_t* values = NULL;
  zcx_type_t* indices = NULL;
  int rc = -1;
  if (zcxpy_expect(p, "<") != 0 || zcxpy_expect(p, "values=") != 0 ||
      zcxpy_parse_type(p, &values) != 0 || zcxpy_expect(p, ",") != 0 ||
      zcxpy_expect(p, "indices=") != 0 || zcxpy_parse_type(p, &indices) != 0) {
    goto done;
  }
  bool ordered = zcxpy_accept(p, ",") && zcxpy_accept(p, "ordered");
  if (zcxpy_expect(p, ">") != 0) {
    goto done;
  }
  zcx_error_t err;
  zcx_error_init(&err);
  if (zcx_type_dictionary(indices, values, ordered, out, &err) != 0) {
    zcxpy_type_fail(p, &err);
    goto done;
  }
  rc = 0;
done:
  zcx_type_release(values);
  zcx_type_release(indices);
  return rc;
}

// Names of the types without parameters, and aliases.
static const struct {
  const char* name;
  zcx_type_id_t id;
} zcxpy_simple_types[] = {
    {"null", ZCX_TYPE_NA},
    {"bool", ZCX_TYPE_BOOL},
    {"boolean", ZCX_TYPE_BOOL},
    {"int8", ZCX_TYPE_INT8},
    {"uint8", ZCX_TYPE_UINT8},
    {"int16", ZCX_TYPE_INT16},
    {"uint16", ZCX_TYPE_UINT16},
    {"int32", ZCX_TYPE_INT32},
    {"uint32", ZCX_TYPE_UINT32},
    {"int64", ZCX_TYPE_INT64},
    {"uint64", ZCX_TYPE_UINT64},
    {"half_float", ZCX_TYPE_HALF_FLOAT},
    {"float16", ZCX_TYPE_HALF_FLOAT},
    {"float", ZCX_TYPE_FLOAT},
    {"float32", ZCX_TYPE_FLOAT},
    {"double", ZCX_TYPE_DOUBLE},
    {"float64", ZCX_TYPE_DOUBLE},
    {"date32", ZCX_TYPE_DATE32},
    {"date64", ZCX_TYPE_DATE64},
    {"interval_months", ZCX_TYPE_INTERVAL_MONTHS},
    {"interval_day_time", ZCX_TYPE_INTERVAL_DAY_TIME},
    {"interval_month_day_nano", ZCX_TYPE_INTERVAL_MONTH_DAY_NANO},
    {"binary", ZCX_TYPE_BINARY},
    {"string", ZCX_TYPE_STRING},
    {"utf8", ZCX_TYPE_STRING},
    {"large_binary", ZCX_TYPE_LARGE_BINARY},
    {"large_string", ZCX_TYPE_LARGE_STRING},
    {"large_utf8", ZCX_TYPE_LARGE_STRING},
    {"binary_view", ZCX_TYPE_BINARY_VIEW},
    {"string_view", ZCX_TYPE_STRING_VIEW},
};

static int zcxpy_parse_type(zcxpy_parser_t* p, zcx_type_t** out) {
  char word[32];
  if (zcxpy_parse_word(p, word, sizeof(word)) != 0) {
    return -1;
  }
  zcx_error_t err;
  zcx_error_init(&err);
  int rc = 0;
  for (size_t i = 0; i < sizeof(zcxpy_simple_types) / sizeof(zcxpy_simple_types[0]); i++) {
    if (strcmp(word, zcxpy_simple_types[i].name) == 0) {
      rc = zcx_type_create(zcxpy_simple_types[i].id, out, &err);
      return rc != 0 ? zcxpy_type_fail(p, &err) : 0;
    }
  }
  if (strncmp(word, "decimal", 7) == 0) {
    int32_t bits = 128;
    if (strcmp(word, "decimal") != 0) {
      bits = (int32_t)atoi(word + 7);
    }
    int32_t precision = 0;
    int32_t scale = 0;
    if (zcxpy_expect(p, "(") != 0 || zcxpy_parse_int(p, &precision) != 0 ||
        zcxpy_expect(p, ",") != 0 || zcxpy_parse_int(p, &scale) != 0 ||
        zcxpy_expect(p, ")") != 0) {
      return -1;
    }
    rc = zcx_type_decimal(bits, precision, scale, out, &err);
  } else if (strcmp(word, "time32") == 0 || strcmp(word, "time64") == 0 ||
             strcmp(word, "duration") == 0) {
    zcx_time_unit_t unit;
    if (zcxpy_expect(p, "[") != 0 || zcxpy_parse_unit(p, &unit) != 0 ||
        zcxpy_expect(p, "]") != 0) {
      return -1;
    }
    zcx_type_id_t id = word[0] == 'd'                ? ZCX_TYPE_DURATION
                       : strcmp(word, "time32") == 0 ? ZCX_TYPE_TIME32
                                                     : ZCX_TYPE_TIME64;
    rc = zcx_type_time(id, unit, out, &err);
  } else if (strcmp(word, "timestamp") == 0) {
    zcx_time_unit_t unit;
    char tz[128] = "";
    if (zcxpy_expect(p, "[") != 0 || zcxpy_parse_unit(p, &unit) != 0) {
      return -1;
    }
    if (zcxpy_accept(p, ",")) {
      if (zcxpy_expect(p, "tz=") != 0) {
        return -1;
      }
      size_t n = 0;
      while (p->text[p->pos] != '\0' && p->text[p->pos] != ']' && n + 1 < sizeof(tz)) {
        tz[n++] = p->text[p->pos++];
      }
      tz[n] = '\0';
    }
    if (zcxpy_expect(p, "]") != 0) {
      return -1;
    }
    rc = zcx_type_timestamp(unit, tz, out, &err);
  } else if (strcmp(word, "fixed_size_binary") == 0) {
    int32_t width = 0;
    if (zcxpy_expect(p, "[") != 0 || zcxpy_parse_int(p, &width) != 0 ||
        zcxpy_expect(p, "]") != 0) {
      return -1;
    }
    rc = zcx_type_fixed_size_binary(width, out, &err);
  } else if (strcmp(word, "list") == 0) {
    return zcxpy_parse_list(p, ZCX_TYPE_LIST, out);
  } else if (strcmp(word, "large_list") == 0) {
    return zcxpy_parse_list(p, ZCX_TYPE_LARGE_LIST, out);
  } else if (strcmp(word, "list_view") == 0) {
    return zcxpy_parse_list(p, ZCX_TYPE_LIST_VIEW, out);
  } else if (strcmp(word, "large_list_view") == 0) {
    return zcxpy_parse_list(p, ZCX_TYPE_LARGE_LIST_VIEW, out);
  } else if (strcmp(word, "fixed_size_list") == 0) {
    return zcxpy_parse_list(p, ZCX_TYPE_FIXED_SIZE_LIST, out);
  } else if (strcmp(word, "struct") == 0) {
    return zcxpy_parse_struct(p, out);
  } else if (strcmp(word, "map") == 0) {
    return zcxpy_parse_map(p, out);
  } else if (strcmp(word, "dictionary") == 0) {
    return zcxpy_parse_dictionary(p, out);
  } else {
    p->pos -= strlen(word);
    return zcxpy_parse_fail(p, "unknown or unsupported type name");
  }
  return rc != 0 ? zcxpy_type_fail(p, &err) : 0;
}

int zcxpy_type_parse(const char* text, zcx_type_t** out) {
  zcxpy_parser_t p = {text, 0};
  *out = NULL;
  if (zcxpy_parse_type(&p, out) != 0) {
    return -1;
  }
  zcxpy_skip_space(&p);
  if (text[p.pos] != '\0') {
    zcx_type_release(*out);
    *out = NULL;
    return zcxpy_parse_fail(&p, "unexpected text after the type");
  }
  return 0;
}

int zcxpy_type_arg(PyObject* obj, zcx_type_t** out) {
  *out = NULL;
  if (PyUnicode_Check(obj)) {
    const char* text = PyUnicode_AsUTF8(obj);
    return text == NULL ? -1 : zcxpy_type_parse(text, out);
  }
  if (PyObject_TypeCheck(obj, &zcxpy_field_type)) {
    *out = ((zcxpy_field_t*)obj)->field->type;
    zcx_type_retain(*out);
    return 0;
  }
  PyErr_Format(PyExc_TypeError, "zcx: a type must be a str such as 'int32' or a zcx.Field, "
               "got %.200s", Py_TYPE(obj)->tp_name);
  return -1;
}
