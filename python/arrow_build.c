// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// zcx.array(values, type): Arrow arrays built from Python values with zcx builders. The
// mapping is the inverse of Array.to_pylist (see arrow_pylist.c); decimals also take ints.
#include <string.h>

#include "arrow_internal.h"

static int zcxpy_append(zcx_builder_t* b, const zcx_type_t* t, PyObject* v);

// Raises for a failed builder call; -1.
static int zcxpy_build_fail(int rc, const zcx_error_t* err) {
  zcxpy_raise(rc, err, PyExc_TypeError);
  return -1;
}

static int zcxpy_wrong_value(const zcx_type_t* t, PyObject* v, const char* expected) {
  PyErr_Format(PyExc_TypeError, "zcx.array: %s value expected for type %s, got %.200s",
               expected, zcx_type_id_name(t->id), Py_TYPE(v)->tp_name);
  return -1;
}

// Appends a decimal value (an int or a decimal.Decimal with at most `scale` decimal places)
// as its unscaled integer in little-endian two's complement bytes.
static int zcxpy_append_decimal(zcx_builder_t* b, const zcx_type_t* t, PyObject* v) {
  PyObject* unscaled = NULL;
  {
    PyObject* module = PyImport_ImportModule("decimal");
    PyObject* dec_type = module == NULL ? NULL : PyObject_GetAttrString(module, "Decimal");
    // A context wide enough for decimal256 (76 digits), so that scaling never rounds.
    PyObject* ctx = NULL;
    if (module != NULL) {
      PyObject* ctx_type = PyObject_GetAttrString(module, "Context");
      PyObject* no_args = PyTuple_New(0);
      PyObject* kw = Py_BuildValue("{s:i}", "prec", 100);
      if (ctx_type != NULL && no_args != NULL && kw != NULL) {
        ctx = PyObject_Call(ctx_type, no_args, kw);
      }
      Py_XDECREF(ctx_type);
      Py_XDECREF(no_args);
      Py_XDECREF(kw);
    }
    int is_dec = dec_type == NULL || ctx == NULL ? -1 : PyObject_IsInstance(v, dec_type);
    if (is_dec == 0 && (!PyLong_Check(v) || PyBool_Check(v))) {
      zcxpy_wrong_value(t, v, "an int or a decimal.Decimal");
    } else if (is_dec >= 0) {
      // An int is a value too (5 is 5.00 in decimal(10, 2)), not the unscaled number.
      PyObject* dec = NULL;
      if (is_dec == 1) {
        Py_INCREF(v);
        dec = v;
      } else {
        dec = PyObject_CallOneArg(dec_type, v);
      }
      PyObject* scaled =
          dec == NULL ? NULL : PyObject_CallMethod(dec, "scaleb", "iO", (int)t->scale, ctx);
      Py_XDECREF(dec);
      PyObject* integral =
          scaled == NULL ? NULL : PyObject_CallMethod(scaled, "to_integral_value", "");
      int exact = integral == NULL ? -1 : PyObject_RichCompareBool(scaled, integral, Py_EQ);
      if (exact == 0) {
        PyErr_Format(PyExc_ValueError, "zcx.array: %R has more than %d decimal places", v,
                     (int)t->scale);
      } else if (exact == 1) {
        unscaled = PyNumber_Long(integral);
      }
      Py_XDECREF(scaled);
      Py_XDECREF(integral);
    }
    Py_XDECREF(ctx);
    Py_XDECREF(dec_type);
    Py_XDECREF(module);
    if (unscaled == NULL) {
      return -1;
    }
  }
  int width = t->bit_width / 8;
  PyObject* to_bytes = PyObject_GetAttrString(unscaled, "to_bytes");
  PyObject* call_args = Py_BuildValue("(is)", width, "little");
  PyObject* kw = Py_BuildValue("{s:O}", "signed", Py_True);
  PyObject* bytes = to_bytes != NULL && call_args != NULL && kw != NULL
                        ? PyObject_Call(to_bytes, call_args, kw)
                        : NULL;
  Py_XDECREF(to_bytes);
  Py_XDECREF(call_args);
  Py_XDECREF(kw);
  Py_DECREF(unscaled);
  if (bytes == NULL) {
    return -1;  // OverflowError: the value does not fit the width
  }
  zcx_error_t err;
  zcx_error_init(&err);
  int rc = zcx_builder_append_bytes(b, PyBytes_AS_STRING(bytes), width, &err);
  Py_DECREF(bytes);
  return rc != 0 ? zcxpy_build_fail(rc, &err) : 0;
}

// Appends the items of a sequence to the child builder and closes one element.
static int zcxpy_append_list(zcx_builder_t* b, const zcx_type_t* t, PyObject* v) {
  if (PyUnicode_Check(v) || PyBytes_Check(v) || PyDict_Check(v) || !PySequence_Check(v)) {
    return zcxpy_wrong_value(t, v, "a sequence");
  }
  PyObject* seq = PySequence_Fast(v, "zcx.array: a sequence expected");
  if (seq == NULL) {
    return -1;
  }
  zcx_builder_t* child = zcx_builder_child(b, 0);
  const zcx_type_t* child_type = t->children[0]->type;
  Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
  for (Py_ssize_t k = 0; k < n; k++) {
    if (zcxpy_append(child, child_type, PySequence_Fast_GET_ITEM(seq, k)) != 0) {
      Py_DECREF(seq);
      return -1;
    }
  }
  Py_DECREF(seq);
  zcx_error_t err;
  zcx_error_init(&err);
  int rc = zcx_builder_finish_element(b, &err);
  return rc != 0 ? zcxpy_build_fail(rc, &err) : 0;
}

static int zcxpy_append_struct(zcx_builder_t* b, const zcx_type_t* t, PyObject* v) {
  bool mapping = PyDict_Check(v);
  if (!mapping && !PyTuple_Check(v)) {
    return zcxpy_wrong_value(t, v, "a dict (or a tuple of the fields in order)");
  }
  if (!mapping && PyTuple_GET_SIZE(v) != t->num_children) {
    PyErr_Format(PyExc_ValueError, "zcx.array: a tuple of %zd values for a struct of %d fields",
                 PyTuple_GET_SIZE(v), (int)t->num_children);
    return -1;
  }
  for (int32_t k = 0; k < t->num_children; k++) {
    PyObject* item = mapping ? PyDict_GetItemString(v, t->children[k]->name)
                             : PyTuple_GET_ITEM(v, k);
    if (zcxpy_append(zcx_builder_child(b, k), t->children[k]->type,
                     item != NULL ? item : Py_None) != 0) {
      return -1;
    }
  }
  zcx_error_t err;
  zcx_error_init(&err);
  int rc = zcx_builder_finish_element(b, &err);
  return rc != 0 ? zcxpy_build_fail(rc, &err) : 0;
}

// A map element: a dict or a sequence of (key, value) pairs.
static int zcxpy_append_map(zcx_builder_t* b, const zcx_type_t* t, PyObject* v) {
  PyObject* items = PyDict_Check(v) ? PyDict_Items(v) : PySequence_Fast(v, "");
  if (items == NULL || PyUnicode_Check(v) || PyBytes_Check(v)) {
    Py_XDECREF(items);
    PyErr_Clear();
    return zcxpy_wrong_value(t, v, "a dict or a sequence of (key, value)");
  }
  PyObject* seq = PySequence_Fast(items, "");
  Py_DECREF(items);
  if (seq == NULL) {
    return -1;
  }
  zcx_builder_t* entries = zcx_builder_child(b, 0);
  const zcx_type_t* et = t->children[0]->type;
  zcx_error_t err;
  zcx_error_init(&err);
  int rc = 0;
  for (Py_ssize_t k = 0; rc == 0 && k < PySequence_Fast_GET_SIZE(seq); k++) {
    PyObject* pair = PySequence_Fast_GET_ITEM(seq, k);
    if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2) {
      rc = zcxpy_wrong_value(t, pair, "a (key, value) tuple");
      break;
    }
    if (zcxpy_append(zcx_builder_child(entries, 0), et->children[0]->type,
                     PyTuple_GET_ITEM(pair, 0)) != 0 ||
        zcxpy_append(zcx_builder_child(entries, 1), et->children[1]->type,
                     PyTuple_GET_ITEM(pair, 1)) != 0) {
      rc = -1;
      break;
    }
    int brc = zcx_builder_finish_element(entries, &err);
    if (brc != 0) {
      rc = zcxpy_build_fail(brc, &err);
    }
  }
  Py_DECREF(seq);
  if (rc != 0) {
    return -1;
  }
  int brc = zcx_builder_finish_element(b, &err);
  return brc != 0 ? zcxpy_build_fail(brc, &err) : 0;
}

static int zcxpy_append_bytes_like(zcx_builder_t* b, const zcx_type_t* t, PyObject* v,
                                   bool text) {
  zcx_error_t err;
  zcx_error_init(&err);
  int rc;
  if (text) {
    if (!PyUnicode_Check(v)) {
      return zcxpy_wrong_value(t, v, "a str");
    }
    Py_ssize_t n = 0;
    const char* s = PyUnicode_AsUTF8AndSize(v, &n);
    if (s == NULL) {
      return -1;
    }
    rc = zcx_builder_append_bytes(b, s, (int64_t)n, &err);
  } else {
    Py_buffer view;
    if (PyUnicode_Check(v) || PyObject_GetBuffer(v, &view, PyBUF_SIMPLE) != 0) {
      PyErr_Clear();
      return zcxpy_wrong_value(t, v, "a bytes-like");
    }
    rc = zcx_builder_append_bytes(b, view.buf, (int64_t)view.len, &err);
    PyBuffer_Release(&view);
  }
  return rc != 0 ? zcxpy_build_fail(rc, &err) : 0;
}

// Appends the int32/int64 parts of an interval tuple.
static int zcxpy_append_interval(zcx_builder_t* b, const zcx_type_t* t, PyObject* v) {
  bool mdn = t->id == ZCX_TYPE_INTERVAL_MONTH_DAY_NANO;
  Py_ssize_t parts = mdn ? 3 : 2;
  if (!PyTuple_Check(v) || PyTuple_GET_SIZE(v) != parts) {
    return zcxpy_wrong_value(t, v, mdn ? "a (months, days, ns) tuple" : "a (days, ms) tuple");
  }
  uint8_t raw[16];
  for (Py_ssize_t k = 0; k < parts; k++) {
    long long x = PyLong_AsLongLong(PyTuple_GET_ITEM(v, k));
    if (x == -1 && PyErr_Occurred()) {
      return -1;
    }
    if (k < 2) {
      if (x < INT32_MIN || x > INT32_MAX) {
        PyErr_Format(PyExc_OverflowError, "zcx.array: interval part %lld does not fit 32 bits", x);
        return -1;
      }
      int32_t y = (int32_t)x;
      memcpy(raw + 4 * k, &y, 4);
    } else {
      int64_t y = (int64_t)x;
      memcpy(raw + 8, &y, 8);
    }
  }
  zcx_error_t err;
  zcx_error_init(&err);
  int rc = zcx_builder_append_bytes(b, raw, mdn ? 16 : 8, &err);
  return rc != 0 ? zcxpy_build_fail(rc, &err) : 0;
}

static int zcxpy_append(zcx_builder_t* b, const zcx_type_t* t, PyObject* v) {
  zcx_error_t err;
  zcx_error_init(&err);
  int rc = 0;
  if (v == Py_None) {
    rc = zcx_builder_append_null(b, 1, &err);
    return rc != 0 ? zcxpy_build_fail(rc, &err) : 0;
  }
  switch (t->id) {
    case ZCX_TYPE_NA:
      return zcxpy_wrong_value(t, v, "only None");
    case ZCX_TYPE_BOOL:
      if (!PyBool_Check(v) && !PyLong_Check(v) && !PyIndex_Check(v)) {
        return zcxpy_wrong_value(t, v, "a bool");
      }
      int truth = PyObject_IsTrue(v);
      if (truth < 0) {
        return -1;
      }
      rc = zcx_builder_append_bool(b, truth != 0, &err);
      break;
    case ZCX_TYPE_UINT64: {
      if (!PyIndex_Check(v)) {
        return zcxpy_wrong_value(t, v, "an int");
      }
      PyObject* n = PyNumber_Index(v);
      unsigned long long x = n == NULL ? 0 : PyLong_AsUnsignedLongLong(n);
      Py_XDECREF(n);
      if (PyErr_Occurred()) {
        return -1;
      }
      rc = zcx_builder_append_uint(b, (uint64_t)x, &err);
      break;
    }
    case ZCX_TYPE_INT8:
    case ZCX_TYPE_UINT8:
    case ZCX_TYPE_INT16:
    case ZCX_TYPE_UINT16:
    case ZCX_TYPE_INT32:
    case ZCX_TYPE_UINT32:
    case ZCX_TYPE_INT64:
    case ZCX_TYPE_DATE32:
    case ZCX_TYPE_DATE64:
    case ZCX_TYPE_TIME32:
    case ZCX_TYPE_TIME64:
    case ZCX_TYPE_TIMESTAMP:
    case ZCX_TYPE_DURATION:
    case ZCX_TYPE_INTERVAL_MONTHS: {
      if (!PyIndex_Check(v) || PyBool_Check(v)) {
        return zcxpy_wrong_value(t, v, "an int");
      }
      PyObject* n = PyNumber_Index(v);
      long long x = n == NULL ? 0 : PyLong_AsLongLong(n);
      Py_XDECREF(n);
      if (PyErr_Occurred()) {
        return -1;
      }
      rc = zcx_builder_append_int(b, (int64_t)x, &err);
      break;
    }
    case ZCX_TYPE_HALF_FLOAT:
    case ZCX_TYPE_FLOAT:
    case ZCX_TYPE_DOUBLE: {
      if (!PyFloat_Check(v) && !PyLong_Check(v) && !PyNumber_Check(v)) {
        return zcxpy_wrong_value(t, v, "a float");
      }
      double x = PyFloat_AsDouble(v);
      if (x == -1.0 && PyErr_Occurred()) {
        return -1;
      }
      rc = zcx_builder_append_double(b, x, &err);
      break;
    }
    case ZCX_TYPE_DECIMAL32:
    case ZCX_TYPE_DECIMAL64:
    case ZCX_TYPE_DECIMAL128:
    case ZCX_TYPE_DECIMAL256:
      return zcxpy_append_decimal(b, t, v);
    case ZCX_TYPE_INTERVAL_DAY_TIME:
    case ZCX_TYPE_INTERVAL_MONTH_DAY_NANO:
      return zcxpy_append_interval(b, t, v);
    case ZCX_TYPE_STRING:
    case ZCX_TYPE_LARGE_STRING:
    case ZCX_TYPE_STRING_VIEW:
      return zcxpy_append_bytes_like(b, t, v, true);
    case ZCX_TYPE_BINARY:
    case ZCX_TYPE_LARGE_BINARY:
    case ZCX_TYPE_BINARY_VIEW:
    case ZCX_TYPE_FIXED_SIZE_BINARY:
      return zcxpy_append_bytes_like(b, t, v, false);
    case ZCX_TYPE_LIST:
    case ZCX_TYPE_LARGE_LIST:
    case ZCX_TYPE_LIST_VIEW:
    case ZCX_TYPE_LARGE_LIST_VIEW:
    case ZCX_TYPE_FIXED_SIZE_LIST:
      return zcxpy_append_list(b, t, v);
    case ZCX_TYPE_STRUCT:
      return zcxpy_append_struct(b, t, v);
    case ZCX_TYPE_MAP:
      return zcxpy_append_map(b, t, v);
    default:
      PyErr_Format(PyExc_TypeError, "zcx.array: cannot build arrays of type %s from Python "
                   "values", zcx_type_id_name(t->id));
      return -1;
  }
  return rc != 0 ? zcxpy_build_fail(rc, &err) : 0;
}

int zcxpy_build_array(PyObject* values, zcx_type_t* type, zcx_mr_t* mr, zcx_array_t** out) {
  *out = NULL;
  PyObject* seq = PySequence_Fast(values, "zcx.array: values must be a sequence");
  if (seq == NULL) {
    return -1;
  }
  zcx_error_t err;
  zcx_error_init(&err);
  zcx_builder_t* b = NULL;
  int rc = zcx_builder_create(type, mr, &b, &err);
  if (rc == 0) {
    rc = zcx_builder_reserve(b, (int64_t)PySequence_Fast_GET_SIZE(seq), &err);
  }
  if (rc != 0) {
    zcx_builder_destroy(b);
    Py_DECREF(seq);
    return zcxpy_build_fail(rc, &err);
  }
  Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
  for (Py_ssize_t i = 0; i < n; i++) {
    if (zcxpy_append(b, type, PySequence_Fast_GET_ITEM(seq, i)) != 0) {
      // Say which element: the message gets "element i: " in front.
      PyObject *etype, *evalue, *etb;
      PyErr_Fetch(&etype, &evalue, &etb);
      PyErr_NormalizeException(&etype, &evalue, &etb);
      PyObject* msg = evalue != NULL ? PyObject_Str(evalue) : NULL;
      if (msg != NULL) {
        PyErr_Format(etype, "element %zd: %U", i, msg);
        Py_DECREF(msg);
        Py_XDECREF(etype);
        Py_XDECREF(evalue);
        Py_XDECREF(etb);
      } else {
        PyErr_Restore(etype, evalue, etb);
      }
      zcx_builder_destroy(b);
      Py_DECREF(seq);
      return -1;
    }
  }
  Py_DECREF(seq);
  rc = zcx_builder_finish(b, out, &err);
  zcx_builder_destroy(b);
  return rc != 0 ? zcxpy_build_fail(rc, &err) : 0;
}

// The type of a list of plain Python scalars: bool, int64, double, string or binary (the first
// value that is not None decides; all None: null).
static int zcxpy_infer_type(PyObject* seq, zcx_type_t** out) {
  zcx_type_id_t id = ZCX_TYPE_NA;
  for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(seq); i++) {
    PyObject* v = PySequence_Fast_GET_ITEM(seq, i);
    if (v == Py_None) {
      continue;
    }
    if (PyBool_Check(v)) {
      id = ZCX_TYPE_BOOL;
    } else if (PyLong_Check(v)) {
      id = ZCX_TYPE_INT64;
    } else if (PyFloat_Check(v)) {
      id = ZCX_TYPE_DOUBLE;
    } else if (PyUnicode_Check(v)) {
      id = ZCX_TYPE_STRING;
    } else if (PyBytes_Check(v)) {
      id = ZCX_TYPE_BINARY;
    } else {
      PyErr_Format(PyExc_TypeError,
                   "zcx.array: cannot infer a type from %.200s values; pass type=",
                   Py_TYPE(v)->tp_name);
      return -1;
    }
    break;
  }
  zcx_error_t err;
  zcx_error_init(&err);
  int rc = zcx_type_create(id, out, &err);
  return rc != 0 ? zcxpy_build_fail(rc, &err) : 0;
}

static PyObject* zcxpy_array_fn(PyObject* module, PyObject* args, PyObject* kwargs) {
  (void)module;
  static char* kwlist[] = {"values", "type", "pool", NULL};
  PyObject* values = NULL;
  PyObject* type_obj = Py_None;
  PyObject* pool = Py_None;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|O$O:array", kwlist, &values, &type_obj,
                                   &pool)) {
    return NULL;
  }
  zcx_mr_t* mr = NULL;
  if (pool != Py_None) {
    if (!zcxpy_pool_check(pool)) {
      return PyErr_Format(PyExc_TypeError, "zcx.array: pool must be a zcx.Pool or None, got "
                          "%.200s", Py_TYPE(pool)->tp_name);
    }
    mr = ((zcxpy_pool_t*)pool)->mr;
  }
  zcx_type_t* type = NULL;
  if (type_obj == Py_None) {
    PyObject* seq = PySequence_Fast(values, "zcx.array: values must be a sequence");
    int rc = seq == NULL ? -1 : zcxpy_infer_type(seq, &type);
    Py_XDECREF(seq);
    if (rc != 0) {
      return NULL;
    }
  } else if (zcxpy_type_arg(type_obj, &type) != 0) {
    return NULL;
  }
  zcx_array_t* array = NULL;
  int rc = zcxpy_build_array(values, type, mr, &array);
  zcx_type_release(type);
  if (rc != 0) {
    return NULL;
  }
  return zcxpy_array_wrap(array, NULL);
}

static PyMethodDef zcxpy_build_functions[] = {
    {"array", (PyCFunction)(void (*)(void))zcxpy_array_fn, METH_VARARGS | METH_KEYWORDS,
     "array(values, type=None, *, pool=None) -> Array\n\n"
     "Builds an Arrow array from a sequence of Python values (None is null), the inverse of\n"
     "Array.to_pylist. type is a string as Array.type prints it: 'int32', 'float64',\n"
     "'string', 'timestamp[ms, tz=UTC]', 'decimal128(10, 2)', 'list<int32>',\n"
     "'fixed_size_list<float32>[3]', 'struct<a: int32, b: string not null>',\n"
     "'map<string, int64>', ... Without a type, plain bools, ints, floats, strs or bytes\n"
     "give bool, int64, double, string or binary. Buffers come from `pool` (None: the\n"
     "default pool)."},
    {NULL, NULL, 0, NULL},
};

int zcxpy_build_register(PyObject* module) {
  return PyModule_AddFunctions(module, zcxpy_build_functions);
}
