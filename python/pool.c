// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// zcx.Pool: memory pools and their statistics, and zcx.default_pool().
#include <limits.h>

#include "internal.h"

// The Python object for zcx_default_mr(), kept so that default_pool() returns the same
// object while the default resource stays the same.
static PyObject* zcxpy_default_pool = NULL;

int zcxpy_pool_check(PyObject* obj) { return PyObject_TypeCheck(obj, &zcxpy_pool_type); }

PyObject* zcxpy_pool_wrap(zcx_mr_t* mr) {
  zcxpy_pool_t* self = PyObject_New(zcxpy_pool_t, &zcxpy_pool_type);
  if (self == NULL) {
    return NULL;
  }
  zcx_mr_retain(mr);
  self->mr = mr;
  self->numpy_handler = NULL;
  return (PyObject*)self;
}

// Reads a non-negative size argument; -1 with ValueError for a negative one.
static int zcxpy_size_arg(const char* name, long long value, size_t* out) {
  if (value < 0) {
    PyErr_Format(PyExc_ValueError, "zcx.Pool: %s must be >= 0, got %lld", name, value);
    return -1;
  }
  *out = (size_t)value;
  return 0;
}

static PyObject* zcxpy_pool_new(PyTypeObject* type, PyObject* args, PyObject* kwargs) {
  static char* kwlist[] = {"initial_size", "maximum_size", "min_chunk_size",
                           "release_threshold", NULL};
  long long initial = 0;
  long long maximum = 0;
  long long min_chunk = -1;
  long long threshold = -1;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|LL$LL:Pool", kwlist, &initial, &maximum,
                                   &min_chunk, &threshold)) {
    return NULL;
  }
  zcx_pool_options_t options;
  zcx_pool_options_init(&options);
  if (zcxpy_size_arg("initial_size", initial, &options.initial_size) != 0 ||
      zcxpy_size_arg("maximum_size", maximum, &options.maximum_size) != 0) {
    return NULL;
  }
  if (min_chunk != -1 && zcxpy_size_arg("min_chunk_size", min_chunk, &options.min_chunk_size)) {
    return NULL;
  }
  if (threshold != -1 &&
      zcxpy_size_arg("release_threshold", threshold, &options.release_threshold) != 0) {
    return NULL;
  }
  if (maximum != 0 && initial > maximum) {
    PyErr_Format(PyExc_ValueError,
                 "zcx.Pool: initial_size %lld is larger than maximum_size %lld", initial,
                 maximum);
    return NULL;
  }
  zcxpy_pool_t* self = (zcxpy_pool_t*)type->tp_alloc(type, 0);
  if (self == NULL) {
    return NULL;
  }
  self->mr = NULL;
  self->numpy_handler = NULL;
  zcx_error_t err;
  zcx_error_init(&err);
  int rc;
  Py_BEGIN_ALLOW_THREADS
  rc = zcx_pool_mr_create(NULL, &options, &self->mr, &err);
  Py_END_ALLOW_THREADS
  if (rc != 0) {
    Py_DECREF(self);
    return zcxpy_raise(rc, &err, NULL);
  }
  return (PyObject*)self;
}

static void zcxpy_pool_dealloc(zcxpy_pool_t* self) {
  // NumPy arrays allocated through this pool hold the handler capsule, and the capsule holds
  // its own reference to the resource, so they stay valid after the pool object is gone.
  Py_CLEAR(self->numpy_handler);
  zcx_mr_release(self->mr);
  self->mr = NULL;
  Py_TYPE(self)->tp_free((PyObject*)self);
}

static int zcxpy_dict_set_i64(PyObject* dict, const char* key, int64_t value) {
  PyObject* v = PyLong_FromLongLong((long long)value);
  if (v == NULL) {
    return -1;
  }
  int rc = PyDict_SetItemString(dict, key, v);
  Py_DECREF(v);
  return rc;
}

static PyObject* zcxpy_pool_stats(zcxpy_pool_t* self, PyObject* unused) {
  (void)unused;
  zcx_mr_stats_t s;
  s.struct_size = sizeof(s);
  zcx_error_t err;
  zcx_error_init(&err);
  int rc = zcx_mr_get_stats(self->mr, &s, &err);
  if (rc != 0) {
    return zcxpy_raise(rc, &err, PyExc_TypeError);
  }
  PyObject* d = PyDict_New();
  if (d == NULL) {
    return NULL;
  }
  PyObject* frag = PyFloat_FromDouble(s.fragmentation);
  if (frag == NULL || zcxpy_dict_set_i64(d, "current", s.current_bytes) != 0 ||
      zcxpy_dict_set_i64(d, "peak", s.peak_bytes) != 0 ||
      zcxpy_dict_set_i64(d, "total", s.total_bytes) != 0 ||
      zcxpy_dict_set_i64(d, "current_count", s.current_count) != 0 ||
      zcxpy_dict_set_i64(d, "peak_count", s.peak_count) != 0 ||
      zcxpy_dict_set_i64(d, "allocations", s.allocations) != 0 ||
      zcxpy_dict_set_i64(d, "frees", s.frees) != 0 ||
      zcxpy_dict_set_i64(d, "failures", s.failures) != 0 ||
      zcxpy_dict_set_i64(d, "reserved", s.reserved_bytes) != 0 ||
      zcxpy_dict_set_i64(d, "peak_reserved", s.peak_reserved_bytes) != 0 ||
      zcxpy_dict_set_i64(d, "free", s.free_bytes) != 0 ||
      zcxpy_dict_set_i64(d, "largest_free_block", s.largest_free_block) != 0 ||
      PyDict_SetItemString(d, "fragmentation", frag) != 0) {
    Py_XDECREF(frag);
    Py_DECREF(d);
    return NULL;
  }
  Py_DECREF(frag);
  return d;
}

static PyObject* zcxpy_pool_trim(zcxpy_pool_t* self, PyObject* args, PyObject* kwargs) {
  static char* kwlist[] = {"keep_bytes", NULL};
  long long keep = 0;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|L:trim", kwlist, &keep)) {
    return NULL;
  }
  if (keep < 0) {
    PyErr_Format(PyExc_ValueError, "zcx.Pool.trim: keep_bytes must be >= 0, got %lld", keep);
    return NULL;
  }
  zcx_error_t err;
  zcx_error_init(&err);
  int rc;
  // Trimming may wait for stream events: let other Python threads run meanwhile.
  Py_BEGIN_ALLOW_THREADS
  rc = zcx_pool_mr_trim(self->mr, (size_t)keep, &err);
  Py_END_ALLOW_THREADS
  if (rc != 0) {
    return zcxpy_raise(rc, &err, PyExc_TypeError);
  }
  Py_RETURN_NONE;
}

static PyObject* zcxpy_pool_allocate(zcxpy_pool_t* self, PyObject* args, PyObject* kwargs) {
  static char* kwlist[] = {"size", "alignment", NULL};
  long long size = 0;
  long long alignment = 0;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "L|L:allocate", kwlist, &size, &alignment)) {
    return NULL;
  }
  if (size < 0) {
    PyErr_Format(PyExc_ValueError, "zcx.Pool.allocate: size must be >= 0, got %lld", size);
    return NULL;
  }
  if (alignment < 0) {
    PyErr_Format(PyExc_ValueError, "zcx.Pool.allocate: alignment must be >= 0, got %lld",
                 alignment);
    return NULL;
  }
  zcx_error_t err;
  zcx_error_init(&err);
  zcx_buffer_t* buffer = NULL;
  int rc;
  Py_BEGIN_ALLOW_THREADS
  rc = zcx_buffer_allocate(self->mr, (int64_t)size, (size_t)alignment, NULL, &buffer, &err);
  Py_END_ALLOW_THREADS
  if (rc != 0) {
    return zcxpy_raise(rc, &err, PyExc_TypeError);
  }
  return zcxpy_buffer_wrap(buffer);
}

static PyObject* zcxpy_pool_get_name(zcxpy_pool_t* self, void* closure) {
  (void)closure;
  return PyUnicode_FromString(zcx_mr_name(self->mr));
}

static PyObject* zcxpy_pool_get_kind(zcxpy_pool_t* self, void* closure) {
  (void)closure;
  return PyUnicode_FromString(zcx_mr_kind(self->mr));
}

static PyObject* zcxpy_pool_get_device(zcxpy_pool_t* self, void* closure) {
  (void)closure;
  zcx_device_t d = zcx_mr_device(self->mr);
  return Py_BuildValue("(ii)", (int)d.type, (int)d.id);
}

static PyObject* zcxpy_pool_repr(zcxpy_pool_t* self) {
  return PyUnicode_FromFormat("<zcx.Pool '%s' at %p>", zcx_mr_name(self->mr), (void*)self);
}

static PyMethodDef zcxpy_pool_methods[] = {
    {"allocate", (PyCFunction)(void (*)(void))zcxpy_pool_allocate, METH_VARARGS | METH_KEYWORDS,
     "allocate(size, alignment=0) -> Buffer\n\nAllocates size bytes (not initialized) from\n"
     "the pool, aligned to alignment (0: 64). The memory goes back to the pool when the\n"
     "Buffer and every view of it are gone. Raises MemoryError past maximum_size."},
    {"stats", (PyCFunction)zcxpy_pool_stats, METH_NOARGS,
     "stats() -> dict\n\nThe pool's statistics: current, peak, total (bytes in live / most / all\n"
     "allocations), current_count, peak_count, allocations, frees, failures, reserved,\n"
     "peak_reserved (bytes held from the upstream), free (reserved but unused),\n"
     "largest_free_block and fragmentation. Unknown values are -1."},
    {"trim", (PyCFunction)(void (*)(void))zcxpy_pool_trim, METH_VARARGS | METH_KEYWORDS,
     "trim(keep_bytes=0)\n\nReturns cached chunks that hold no live block to the system,\n"
     "keeping about keep_bytes cached."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef zcxpy_pool_getset[] = {
    {"name", (getter)zcxpy_pool_get_name, NULL, "the resource's name, e.g. 'pool(system)'", NULL},
    {"kind", (getter)zcxpy_pool_get_kind, NULL, "the kind of resource, e.g. 'pool'", NULL},
    {"device", (getter)zcxpy_pool_get_device, NULL, "(device_type, device_id), DLPack numbers",
     NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

PyTypeObject zcxpy_pool_type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "zcx.Pool",
    .tp_basicsize = sizeof(zcxpy_pool_t),
    .tp_dealloc = (destructor)zcxpy_pool_dealloc,
    .tp_repr = (reprfunc)zcxpy_pool_repr,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Pool(initial_size=0, maximum_size=0, *, min_chunk_size=None, "
              "release_threshold=None)\n\n"
              "A thread-safe, stream-ordered memory pool over system memory. It draws\n"
              "initial_size bytes at once, grows by chunks up to maximum_size (0: no limit;\n"
              "beyond it allocations raise MemoryError) and keeps freed memory cached\n"
              "until trim().",
    .tp_methods = zcxpy_pool_methods,
    .tp_getset = zcxpy_pool_getset,
    .tp_new = zcxpy_pool_new,
};

PyObject* zcxpy_default_pool_get(void) {
  zcx_mr_t* mr = zcx_default_mr();
  if (mr == NULL) {
    PyErr_SetString(PyExc_MemoryError, "zcx.default_pool: the default pool could not be made");
    return NULL;
  }
  if (zcxpy_default_pool == NULL || ((zcxpy_pool_t*)zcxpy_default_pool)->mr != mr) {
    PyObject* pool = zcxpy_pool_wrap(mr);
    if (pool == NULL) {
      return NULL;
    }
    Py_XSETREF(zcxpy_default_pool, pool);
  }
  Py_INCREF(zcxpy_default_pool);
  return zcxpy_default_pool;
}

static PyObject* zcxpy_default_pool_fn(PyObject* module, PyObject* unused) {
  (void)module;
  (void)unused;
  return zcxpy_default_pool_get();
}

static PyMethodDef zcxpy_pool_functions[] = {
    {"default_pool", zcxpy_default_pool_fn, METH_NOARGS,
     "default_pool() -> Pool\n\nThe process-wide default pool of zcx (the same object each "
     "call)."},
    {NULL, NULL, 0, NULL},
};

int zcxpy_pool_register(PyObject* module) {
  if (zcxpy_add_type(module, "Pool", &zcxpy_pool_type) < 0) {
    return -1;
  }
  return PyModule_AddFunctions(module, zcxpy_pool_functions);
}
