// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Arrow values as Python objects, for Array.to_pylist and friends.
//
// Mapping: null -> None; bool -> bool; integers, dates, times, timestamps, durations and
// interval_months -> int (the stored number, in the type's unit); floats -> float;
// decimals -> decimal.Decimal (exact); interval_day_time -> (days, ms);
// interval_month_day_nano -> (months, days, ns); string types -> str; binary types and
// fixed_size_binary -> bytes; lists of any kind -> list; struct -> dict; map -> list of
// (key, value) tuples; unions -> the selected child's value; dictionary -> the value the
// index points at; run-end encoded -> the value of its run; extension -> its storage value.
#include <string.h>

#include "arrow_internal.h"

// The storage of an extension type, else the type.
static const zcx_type_t* zcxpy_storage(const zcx_type_t* t) {
  while (t->id == ZCX_TYPE_EXTENSION) {
    t = t->storage_type;
  }
  return t;
}

static const uint8_t* zcxpy_buf(const zcx_array_t* a, int32_t i) {
  if (i >= a->num_buffers || a->buffers[i] == NULL) {
    return NULL;
  }
  return zcx_buffer_data(a->buffers[i]);
}

static PyObject* zcxpy_decimal_value(const zcx_array_t* a, const zcx_type_t* t, int64_t i) {
  const uint8_t* data = NULL;
  int64_t length = 0;
  zcx_array_get_bytes(a, i, &data, &length);
  PyObject* from_bytes = PyObject_GetAttrString((PyObject*)&PyLong_Type, "from_bytes");
  PyObject* call_args = Py_BuildValue("(y#s)", (const char*)data, (Py_ssize_t)length, "little");
  PyObject* kw = Py_BuildValue("{s:O}", "signed", Py_True);
  PyObject* unscaled = from_bytes != NULL && call_args != NULL && kw != NULL
                           ? PyObject_Call(from_bytes, call_args, kw)
                           : NULL;
  Py_XDECREF(from_bytes);
  Py_XDECREF(call_args);
  Py_XDECREF(kw);
  if (unscaled == NULL) {
    return NULL;
  }
  // Decimal from a string is exact whatever the context's precision.
  PyObject* text = PyUnicode_FromFormat("%SE%d", unscaled, -(int)t->scale);
  Py_DECREF(unscaled);
  if (text == NULL) {
    return NULL;
  }
  PyObject* module = PyImport_ImportModule("decimal");
  PyObject* d = module == NULL ? NULL : PyObject_CallMethod(module, "Decimal", "O", text);
  Py_XDECREF(module);
  Py_DECREF(text);
  return d;
}

// Child index of a union element, or -1.
static int32_t zcxpy_union_child(const zcx_type_t* t, int8_t code) {
  for (int32_t k = 0; k < t->num_children; k++) {
    if (t->type_codes[k] == code) {
      return k;
    }
  }
  return -1;
}

// The physical index in the values of a run-end encoded array for logical element i.
static int64_t zcxpy_ree_index(const zcx_array_t* a, int64_t i) {
  const zcx_array_t* ends = a->children[0];
  int64_t target = a->offset + i;
  int64_t lo = 0;
  int64_t hi = ends->length;
  while (lo < hi) {  // the first run whose end is > target
    int64_t mid = lo + (hi - lo) / 2;
    if (zcx_array_get_int(ends, mid) > target) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

// Elements [start, start + count) of `child` as a list.
static PyObject* zcxpy_child_list(const zcx_array_t* child, int64_t start, int64_t count) {
  PyObject* list = PyList_New((Py_ssize_t)count);
  for (int64_t k = 0; list != NULL && k < count; k++) {
    PyObject* v = zcxpy_array_value(child, start + k);
    if (v == NULL) {
      Py_CLEAR(list);
      break;
    }
    PyList_SET_ITEM(list, (Py_ssize_t)k, v);
  }
  return list;
}

static PyObject* zcxpy_map_value(const zcx_array_t* entries, int64_t start, int64_t count) {
  PyObject* list = PyList_New((Py_ssize_t)count);
  for (int64_t k = 0; list != NULL && k < count; k++) {
    int64_t j = entries->offset + start + k;
    PyObject* key = zcxpy_array_value(entries->children[0], j);
    PyObject* value = key == NULL ? NULL : zcxpy_array_value(entries->children[1], j);
    PyObject* pair = value == NULL ? NULL : PyTuple_Pack(2, key, value);
    Py_XDECREF(key);
    Py_XDECREF(value);
    if (pair == NULL) {
      Py_CLEAR(list);
      break;
    }
    PyList_SET_ITEM(list, (Py_ssize_t)k, pair);
  }
  return list;
}

static PyObject* zcxpy_struct_value(const zcx_array_t* a, const zcx_type_t* t, int64_t i) {
  PyObject* d = PyDict_New();
  for (int32_t k = 0; d != NULL && k < t->num_children; k++) {
    PyObject* v = zcxpy_array_value(a->children[k], a->offset + i);
    if (v == NULL || PyDict_SetItemString(d, t->children[k]->name, v) != 0) {
      Py_XDECREF(v);
      Py_CLEAR(d);
      break;
    }
    Py_DECREF(v);
  }
  return d;
}

static PyObject* zcxpy_nested_value(const zcx_array_t* a, const zcx_type_t* t, int64_t i) {
  int64_t j = a->offset + i;
  switch (t->id) {
    case ZCX_TYPE_LIST:
    case ZCX_TYPE_MAP: {
      const int32_t* o = (const int32_t*)zcxpy_buf(a, 1);
      if (t->id == ZCX_TYPE_MAP) {
        return zcxpy_map_value(a->children[0], o[j], o[j + 1] - o[j]);
      }
      return zcxpy_child_list(a->children[0], o[j], o[j + 1] - o[j]);
    }
    case ZCX_TYPE_LARGE_LIST: {
      const int64_t* o = (const int64_t*)zcxpy_buf(a, 1);
      return zcxpy_child_list(a->children[0], o[j], o[j + 1] - o[j]);
    }
    case ZCX_TYPE_LIST_VIEW: {
      const int32_t* o = (const int32_t*)zcxpy_buf(a, 1);
      const int32_t* s = (const int32_t*)zcxpy_buf(a, 2);
      return zcxpy_child_list(a->children[0], o[j], s[j]);
    }
    case ZCX_TYPE_LARGE_LIST_VIEW: {
      const int64_t* o = (const int64_t*)zcxpy_buf(a, 1);
      const int64_t* s = (const int64_t*)zcxpy_buf(a, 2);
      return zcxpy_child_list(a->children[0], o[j], s[j]);
    }
    case ZCX_TYPE_FIXED_SIZE_LIST:
      return zcxpy_child_list(a->children[0], j * t->fixed_size, t->fixed_size);
    case ZCX_TYPE_STRUCT:
      return zcxpy_struct_value(a, t, i);
    case ZCX_TYPE_SPARSE_UNION:
    case ZCX_TYPE_DENSE_UNION: {
      const int8_t* codes = (const int8_t*)zcxpy_buf(a, 0);
      int32_t k = zcxpy_union_child(t, codes[j]);
      if (k < 0) {
        return PyErr_Format(PyExc_ValueError, "zcx: union element %lld has unknown type code %d",
                            (long long)i, (int)codes[j]);
      }
      int64_t at = t->id == ZCX_TYPE_SPARSE_UNION ? j : ((const int32_t*)zcxpy_buf(a, 1))[j];
      return zcxpy_array_value(a->children[k], at);
    }
    case ZCX_TYPE_DICTIONARY:
      return zcxpy_array_value(a->dictionary, zcx_array_get_int(a, i));
    case ZCX_TYPE_RUN_END_ENCODED:
      return zcxpy_array_value(a->children[1], zcxpy_ree_index(a, i));
    default:
      return PyErr_Format(PyExc_TypeError, "zcx: no Python value for type %s",
                          zcx_type_id_name(t->id));
  }
}

PyObject* zcxpy_array_value(const zcx_array_t* a, int64_t i) {
  const zcx_type_t* t = zcxpy_storage(a->type);
  if (t->id == ZCX_TYPE_NA || zcx_array_is_null(a, i)) {
    Py_RETURN_NONE;
  }
  int64_t j = a->offset + i;
  const uint8_t* data = NULL;
  int64_t length = 0;
  switch (t->id) {
    case ZCX_TYPE_BOOL:
      return PyBool_FromLong(zcx_array_get_bool(a, i));
    case ZCX_TYPE_UINT64:
      return PyLong_FromUnsignedLongLong(((const uint64_t*)zcxpy_buf(a, 1))[j]);
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
    case ZCX_TYPE_INTERVAL_MONTHS:
      return PyLong_FromLongLong((long long)zcx_array_get_int(a, i));
    case ZCX_TYPE_HALF_FLOAT:
    case ZCX_TYPE_FLOAT:
    case ZCX_TYPE_DOUBLE:
      return PyFloat_FromDouble(zcx_array_get_double(a, i));
    case ZCX_TYPE_DECIMAL32:
    case ZCX_TYPE_DECIMAL64:
    case ZCX_TYPE_DECIMAL128:
    case ZCX_TYPE_DECIMAL256:
      return zcxpy_decimal_value(a, t, i);
    case ZCX_TYPE_INTERVAL_DAY_TIME: {
      int32_t v[2];
      memcpy(v, zcxpy_buf(a, 1) + j * 8, sizeof(v));
      return Py_BuildValue("(ii)", (int)v[0], (int)v[1]);
    }
    case ZCX_TYPE_INTERVAL_MONTH_DAY_NANO: {
      int32_t md[2];
      int64_t ns;
      memcpy(md, zcxpy_buf(a, 1) + j * 16, sizeof(md));
      memcpy(&ns, zcxpy_buf(a, 1) + j * 16 + 8, sizeof(ns));
      return Py_BuildValue("(iiL)", (int)md[0], (int)md[1], (long long)ns);
    }
    case ZCX_TYPE_STRING:
    case ZCX_TYPE_LARGE_STRING:
    case ZCX_TYPE_STRING_VIEW:
      zcx_array_get_bytes(a, i, &data, &length);
      return PyUnicode_DecodeUTF8(length > 0 ? (const char*)data : "", (Py_ssize_t)length,
                                  "strict");
    case ZCX_TYPE_BINARY:
    case ZCX_TYPE_LARGE_BINARY:
    case ZCX_TYPE_BINARY_VIEW:
    case ZCX_TYPE_FIXED_SIZE_BINARY:
      zcx_array_get_bytes(a, i, &data, &length);
      return PyBytes_FromStringAndSize(length > 0 ? (const char*)data : "", (Py_ssize_t)length);
    default:
      return zcxpy_nested_value(a, t, i);
  }
}

PyObject* zcxpy_array_to_pylist(const zcx_array_t* array) {
  return zcxpy_child_list(array, 0, array->length);
}
