// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Internal declarations shared by the files of the zcx Python extension module.
#ifndef ZCX_PYTHON_INTERNAL_H
#define ZCX_PYTHON_INTERNAL_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

// One table of NumPy C API pointers for the whole module, filled by import_array in
// module.c (which defines ZCXPY_IMPORT_NUMPY); every other file only uses it.
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#define PY_ARRAY_UNIQUE_SYMBOL zcxpy_numpy_api
#ifndef ZCXPY_IMPORT_NUMPY
#define NO_IMPORT_ARRAY
#endif
#include <numpy/arrayobject.h>

#include "zcx/dlpack.h"
#include "zcx/tensor.h"
#include "zcx/zcx.h"

// ---------------------------------------------------------------------------------------------
// module.c

// The module's init function (declared for -Wmissing-prototypes).
PyMODINIT_FUNC PyInit_zcx(void);

// Readies `type` and adds it to `module` as `name`. @return 0, or -1 with an exception set.
int zcxpy_add_type(PyObject* module, const char* name, PyTypeObject* type);

// ---------------------------------------------------------------------------------------------
// errors.c

// Sets a Python exception for a failed zcx call and returns NULL: ENOMEM -> MemoryError,
// EINVAL -> ValueError, ENOTSUP -> `notsup_type` (BufferError or TypeError; NULL: TypeError),
// ERANGE/EOVERFLOW -> OverflowError, other errno values -> OSError(errno, message) (so that
// ENOENT becomes FileNotFoundError), anything else -> RuntimeError. The message is the
// zcx_error_t message, or the status name when it is empty.
PyObject* zcxpy_raise(int status, const zcx_error_t* err, PyObject* notsup_type);

// The same for a status without an error message object.
PyObject* zcxpy_raise_status(int status, const char* what, PyObject* notsup_type);

// ---------------------------------------------------------------------------------------------
// pool.c

// zcx.Pool: a Python handle on a zcx memory resource (a pool by default).
typedef struct zcxpy_pool {
  PyObject_HEAD
  zcx_mr_t* mr;             // owned reference
  PyObject* numpy_handler;  // the NumPy allocator capsule of this pool, created on first use
} zcxpy_pool_t;

extern PyTypeObject zcxpy_pool_type;

// Adds zcx.Pool and zcx.default_pool to the module. Returns 0, or -1 with an exception set.
int zcxpy_pool_register(PyObject* module);

// Whether `obj` is a zcx.Pool.
int zcxpy_pool_check(PyObject* obj);

// The zcx.Pool of zcx_default_mr() (a new reference to one cached object while the default
// resource stays the same); NULL with an exception set.
PyObject* zcxpy_default_pool_get(void);

// A new zcx.Pool object holding a new reference to `mr`; NULL with an exception set.
PyObject* zcxpy_pool_wrap(zcx_mr_t* mr);

// ---------------------------------------------------------------------------------------------
// buffer.c

// zcx.Buffer: a zcx_buffer_t exposed through the buffer protocol.
typedef struct zcxpy_buffer {
  PyObject_HEAD
  zcx_buffer_t* buffer;  // owned reference
} zcxpy_buffer_t;

extern PyTypeObject zcxpy_buffer_type;

// Adds zcx.Buffer to the module. Returns 0, or -1 with an exception set.
int zcxpy_buffer_register(PyObject* module);

// A new zcx.Buffer that takes over the reference `buffer` (released on failure too); NULL
// with an exception set.
PyObject* zcxpy_buffer_wrap(zcx_buffer_t* buffer);

// ---------------------------------------------------------------------------------------------
// numpy_allocator.c

// Adds zcx.numpy_allocator, zcx.set_numpy_allocator and zcx.get_numpy_allocator.
// Returns 0, or -1 with an exception set.
int zcxpy_numpy_allocator_register(PyObject* module);

// ---------------------------------------------------------------------------------------------
// tensor.c

// zcx.Tensor: a zcx_tensor_t with the buffer protocol, __array_interface__ and DLPack.
typedef struct zcxpy_tensor {
  PyObject_HEAD
  zcx_tensor_t* tensor;  // owned reference
  Py_ssize_t* dims;      // shape[ndim] then strides in bytes[ndim], for the buffer protocol
} zcxpy_tensor_t;

extern PyTypeObject zcxpy_tensor_type;

// Adds zcx.Tensor, zcx.empty and zcx.from_buffer. Returns 0, or -1 with an exception set.
int zcxpy_tensor_register(PyObject* module);

// A new zcx.Tensor that takes over the reference `tensor` (released on failure too); NULL
// with an exception set.
PyObject* zcxpy_tensor_wrap(zcx_tensor_t* tensor);

// A C-contiguous copy of a host tensor, from the default resource, flagged as copied.
// @return 0; ENOTSUP (not host memory); ENOMEM.
int zcxpy_tensor_copy(zcx_tensor_t* src, zcx_tensor_t** out, zcx_error_t* err);

// ---------------------------------------------------------------------------------------------
// dlpack.c

// Tensor.__dlpack__(*, stream=None, max_version=None, dl_device=None, copy=None).
PyObject* zcxpy_tensor_dlpack(zcxpy_tensor_t* self, PyObject* args, PyObject* kwargs);

// Tensor.__dlpack_device__().
PyObject* zcxpy_tensor_dlpack_device(zcxpy_tensor_t* self, PyObject* unused);

// Adds zcx.from_dlpack. Returns 0, or -1 with an exception set.
int zcxpy_dlpack_register(PyObject* module);

#endif  // ZCX_PYTHON_INTERNAL_H
