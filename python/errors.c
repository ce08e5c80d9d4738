// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Maps zcx status codes and error messages to Python exceptions.
#include "internal.h"

static PyObject* zcxpy_exception_type(int status, PyObject* notsup_type) {
  switch (status) {
    case ENOMEM:
      return PyExc_MemoryError;
    case EINVAL:
      return PyExc_ValueError;
    case ENOTSUP:
      return notsup_type != NULL ? notsup_type : PyExc_TypeError;
    case ERANGE:
    case EOVERFLOW:
      return PyExc_OverflowError;
    default:
      return status > 0 ? PyExc_OSError : PyExc_RuntimeError;
  }
}

PyObject* zcxpy_raise_status(int status, const char* what, PyObject* notsup_type) {
  if (what == NULL || what[0] == '\0') {
    what = zcx_status_name(status);
  }
  PyObject* type = zcxpy_exception_type(status, notsup_type);
  if (type == PyExc_OSError) {
    // OSError(errno, message) picks the subclass for the code (FileNotFoundError, ...).
    PyObject* args = Py_BuildValue("(is)", status, what);
    if (args != NULL) {
      PyErr_SetObject(PyExc_OSError, args);
      Py_DECREF(args);
    }
    return NULL;
  }
  PyErr_SetString(type, what);
  return NULL;
}

PyObject* zcxpy_raise(int status, const zcx_error_t* err, PyObject* notsup_type) {
  return zcxpy_raise_status(status, zcx_error_message(err), notsup_type);
}
