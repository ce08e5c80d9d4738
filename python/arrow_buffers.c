// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// zcx.buffer_addresses and Array/RecordBatch.buffer_addresses(): where the memory behind an
// array lies, so that a caller can check that data was shared rather than copied.
#include "ipc_internal.h"

// Appends (address, size) for each buffer of `array` to `list`: its own buffers in order,
// then its children's, then its dictionary's. Absent buffers (no validity bitmap) are skipped.
static int zcxpy_buffers_append(PyObject* list, const zcx_array_t* array, int depth) {
  if (depth > 64) {
    PyErr_SetString(PyExc_RecursionError, "zcx.buffer_addresses: arrays nested too deeply");
    return -1;
  }
  for (int32_t i = 0; i < array->num_buffers; i++) {
    const zcx_buffer_t* b = array->buffers[i];
    if (b == NULL) {
      continue;
    }
    PyObject* t = Py_BuildValue("(KL)", (unsigned long long)(uintptr_t)zcx_buffer_data(b),
                                (long long)zcx_buffer_size(b));
    if (t == NULL || PyList_Append(list, t) != 0) {
      Py_XDECREF(t);
      return -1;
    }
    Py_DECREF(t);
  }
  for (int32_t i = 0; i < array->num_children; i++) {
    if (zcxpy_buffers_append(list, array->children[i], depth + 1) != 0) {
      return -1;
    }
  }
  if (array->dictionary != NULL) {
    return zcxpy_buffers_append(list, array->dictionary, depth + 1);
  }
  return 0;
}

static PyObject* zcxpy_buffer_addresses(PyObject* module, PyObject* obj) {
  (void)module;
  PyObject* list = PyList_New(0);
  if (list == NULL) {
    return NULL;
  }
  int rc = 0;
  if (PyObject_TypeCheck(obj, &zcxpy_array_type)) {
    rc = zcxpy_buffers_append(list, ((zcxpy_array_t*)obj)->array, 0);
  } else if (PyObject_TypeCheck(obj, &zcxpy_batch_type)) {
    const zcx_batch_t* batch = ((zcxpy_batch_t*)obj)->batch;
    for (int32_t i = 0; rc == 0 && i < batch->num_columns; i++) {
      rc = zcxpy_buffers_append(list, batch->columns[i], 0);
    }
  } else {
    PyErr_Format(PyExc_TypeError,
                 "zcx.buffer_addresses: expected a zcx.Array or zcx.RecordBatch, got %.200s",
                 Py_TYPE(obj)->tp_name);
    rc = -1;
  }
  if (rc != 0) {
    Py_DECREF(list);
    return NULL;
  }
  return list;
}

static PyObject* zcxpy_buffer_addresses_method(PyObject* self, PyObject* unused) {
  (void)unused;
  return zcxpy_buffer_addresses(NULL, self);
}

#define ZCXPY_BUFFER_ADDRESSES_DOC                                                            \
  "buffer_addresses() -> list[tuple[int, int]]\n\n"                                           \
  "(address, size in bytes) of every buffer behind the data, in order: each array's\n"        \
  "buffers (absent validity bitmaps skipped), then its children's, then its dictionary's;\n" \
  "a batch lists its columns in order. Buffers are whole, not cut to a slice's offset."

static PyMethodDef zcxpy_buffer_addresses_def = {
    "buffer_addresses", (PyCFunction)zcxpy_buffer_addresses_method, METH_NOARGS,
    ZCXPY_BUFFER_ADDRESSES_DOC};

static PyMethodDef zcxpy_buffers_functions[] = {
    {"buffer_addresses", (PyCFunction)zcxpy_buffer_addresses, METH_O,
     "buffer_addresses(array_or_batch) -> list[tuple[int, int]]\n\n"
     "Array.buffer_addresses() / RecordBatch.buffer_addresses() as a function."},
    {NULL, NULL, 0, NULL},
};

// Adds the buffer_addresses() method to a type made ready elsewhere, unless it has one.
static int zcxpy_buffers_add_method(PyTypeObject* type) {
  PyObject* dict = type->tp_dict;
  if (dict == NULL) {
    PyErr_Format(PyExc_SystemError, "zcx: %s is not ready", type->tp_name);
    return -1;
  }
  PyObject* existing = PyDict_GetItemString(dict, zcxpy_buffer_addresses_def.ml_name);
  if (existing != NULL) {
    return 0;
  }
  PyObject* descr = PyDescr_NewMethod(type, &zcxpy_buffer_addresses_def);
  if (descr == NULL) {
    return -1;
  }
  int rc = PyDict_SetItemString(dict, zcxpy_buffer_addresses_def.ml_name, descr);
  Py_DECREF(descr);
  PyType_Modified(type);
  return rc;
}

int zcxpy_buffers_register(PyObject* module) {
  if (zcxpy_buffers_add_method(&zcxpy_array_type) != 0 ||
      zcxpy_buffers_add_method(&zcxpy_batch_type) != 0) {
    return -1;
  }
  return PyModule_AddFunctions(module, zcxpy_buffers_functions);
}
