// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// zcx.Array: an immutable Arrow array with the Arrow PyCapsule interface, DLPack where the
// data can be shared as a tensor, and Python values.
#include <stddef.h>
#include <string.h>

#include "arrow_internal.h"

PyObject* zcxpy_array_wrap(zcx_array_t* array, zcx_field_t* field) {
  zcxpy_array_t* self = PyObject_New(zcxpy_array_t, &zcxpy_array_type);
  if (self == NULL) {
    zcx_array_release(array);
    zcx_field_release(field);
    return NULL;
  }
  self->array = array;
  self->weakrefs = NULL;
  self->field = field;
  return (PyObject*)self;
}

static void zcxpy_array_dealloc(zcxpy_array_t* self) {
  if (self->weakrefs != NULL) {
    PyObject_ClearWeakRefs((PyObject*)self);
  }
  zcx_array_release(self->array);
  zcx_field_release(self->field);
  Py_TYPE(self)->tp_free((PyObject*)self);
}

static Py_ssize_t zcxpy_array_length(zcxpy_array_t* self) {
  return (Py_ssize_t)self->array->length;
}

static PyObject* zcxpy_array_subscript(zcxpy_array_t* self, PyObject* key) {
  Py_ssize_t n = (Py_ssize_t)self->array->length;
  if (PySlice_Check(key)) {
    Py_ssize_t start, stop, step;
    if (PySlice_Unpack(key, &start, &stop, &step) < 0) {
      return NULL;
    }
    Py_ssize_t count = PySlice_AdjustIndices(n, &start, &stop, step);
    if (step != 1) {
      PyErr_SetString(PyExc_ValueError, "zcx.Array: slices must have step 1 (they share the "
                      "buffers)");
      return NULL;
    }
    zcx_error_t err;
    zcx_error_init(&err);
    zcx_array_t* slice = NULL;
    int rc = zcx_array_slice(self->array, start, count, &slice, &err);
    if (rc != 0) {
      return zcxpy_raise(rc, &err, NULL);
    }
    zcx_field_retain(self->field);
    return zcxpy_array_wrap(slice, self->field);
  }
  Py_ssize_t i = PyNumber_AsSsize_t(key, PyExc_IndexError);
  if (i == -1 && PyErr_Occurred()) {
    return NULL;
  }
  if (i < -n || i >= n) {
    PyErr_Format(PyExc_IndexError, "zcx.Array: index %zd out of range for length %zd", i, n);
    return NULL;
  }
  return zcxpy_array_value(self->array, i < 0 ? i + n : i);
}

static PyObject* zcxpy_array_item(zcxpy_array_t* self, Py_ssize_t i) {
  if (i < 0 || i >= (Py_ssize_t)self->array->length) {
    PyErr_Format(PyExc_IndexError, "zcx.Array: index %zd out of range", i);
    return NULL;
  }
  return zcxpy_array_value(self->array, i);
}

static PyObject* zcxpy_array_get_type(zcxpy_array_t* self, void* closure) {
  (void)closure;
  return zcxpy_type_str(self->array->type);
}

static PyObject* zcxpy_array_get_null_count(zcxpy_array_t* self, void* closure) {
  (void)closure;
  return PyLong_FromLongLong((long long)zcx_array_null_count(self->array));
}

static PyObject* zcxpy_array_get_offset(zcxpy_array_t* self, void* closure) {
  (void)closure;
  return PyLong_FromLongLong((long long)self->array->offset);
}

static PyObject* zcxpy_array_get_field(zcxpy_array_t* self, void* closure) {
  (void)closure;
  zcx_field_t* f = self->field;
  if (f != NULL) {
    zcx_field_retain(f);
  } else {
    zcx_error_t err;
    zcx_error_init(&err);
    int rc = zcx_field_create("", self->array->type, true, NULL, &f, &err);
    if (rc != 0) {
      return zcxpy_raise(rc, &err, NULL);
    }
  }
  return zcxpy_field_wrap(f);
}

static PyObject* zcxpy_array_to_pylist_m(zcxpy_array_t* self, PyObject* unused) {
  (void)unused;
  return zcxpy_array_to_pylist(self->array);
}

static PyObject* zcxpy_array_repr(zcxpy_array_t* self) {
  const int64_t shown = 10;
  int64_t n = self->array->length;
  zcx_array_t* head = self->array;
  zcx_error_t err;
  zcx_error_init(&err);
  if (n > shown) {
    int rc = zcx_array_slice(self->array, 0, shown, &head, &err);
    if (rc != 0) {
      return zcxpy_raise(rc, &err, NULL);
    }
  }
  PyObject* values = zcxpy_array_to_pylist(head);
  if (head != self->array) {
    zcx_array_release(head);
  }
  PyObject* type = zcxpy_type_str(self->array->type);
  PyObject* r = NULL;
  if (values != NULL && type != NULL) {
    r = PyUnicode_FromFormat("<zcx.Array %U length=%lld null_count=%lld %R%s>", type,
                             (long long)n, (long long)zcx_array_null_count(self->array), values,
                             n > shown ? " ..." : "");
  }
  Py_XDECREF(values);
  Py_XDECREF(type);
  return r;
}

static PyObject* zcxpy_array_richcompare(PyObject* a, PyObject* b, int op) {
  if (!PyObject_TypeCheck(b, &zcxpy_array_type) || (op != Py_EQ && op != Py_NE)) {
    Py_RETURN_NOTIMPLEMENTED;
  }
  bool eq = zcx_array_equal(((zcxpy_array_t*)a)->array, ((zcxpy_array_t*)b)->array, NULL);
  return PyBool_FromLong(op == Py_EQ ? eq : !eq);
}

PyObject* zcxpy_validate_method(const zcx_array_t* array, const zcx_batch_t* batch,
                                PyObject* args, PyObject* kwargs) {
  static char* kwlist[] = {"full", NULL};
  int full = 1;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|$p:validate", kwlist, &full)) {
    return NULL;
  }
  zcx_validate_level_t level = full ? ZCX_VALIDATE_FULL : ZCX_VALIDATE_CHEAP;
  zcx_error_t err;
  zcx_error_init(&err);
  int rc = batch != NULL ? zcx_batch_validate(batch, level, &err)
                         : zcx_array_validate(array, level, &err);
  if (rc != 0) {
    return zcxpy_raise(rc, &err, NULL);
  }
  Py_RETURN_NONE;
}

static PyObject* zcxpy_array_validate(zcxpy_array_t* self, PyObject* args, PyObject* kwargs) {
  return zcxpy_validate_method(self->array, NULL, args, kwargs);
}

// ---------------------------------------------------------------------------------------------
// Exchange

static PyObject* zcxpy_array_c_schema(zcxpy_array_t* self, PyObject* unused) {
  (void)unused;
  return zcxpy_export_schema_capsule(self->field, self->array->type, NULL);
}

static PyObject* zcxpy_array_c_array(zcxpy_array_t* self, PyObject* args, PyObject* kwargs) {
  return zcxpy_export_array_capsules(self->array, self->field, NULL, args, kwargs);
}

static PyObject* zcxpy_array_c_stream(zcxpy_array_t* self, PyObject* args, PyObject* kwargs) {
  return zcxpy_export_stream_capsule(self->array, self->field, NULL, args, kwargs);
}

// A tensor view of the array, or NULL with BufferError (MemoryError for ENOMEM) saying why.
static zcx_tensor_t* zcxpy_array_tensor(zcx_array_t* array) {
  zcx_error_t err;
  zcx_error_init(&err);
  zcx_tensor_t* t = NULL;
  int rc = zcx_array_to_tensor(array, 0, NULL, &t, &err);
  if (rc != 0) {
    if (rc == ENOMEM) {
      zcxpy_raise(rc, &err, NULL);
    } else {
      PyErr_Format(PyExc_BufferError, "zcx.Array: cannot share as a tensor: %s",
                   zcx_error_message(&err));
    }
    return NULL;
  }
  return t;
}

PyObject* zcxpy_tensor_dlpack_of(zcx_tensor_t* t, PyObject* args, PyObject* kwargs) {
  PyObject* tensor = t == NULL ? NULL : zcxpy_tensor_wrap(t);
  if (tensor == NULL) {
    return NULL;
  }
  PyObject* capsule = zcxpy_tensor_dlpack((zcxpy_tensor_t*)tensor, args, kwargs);
  Py_DECREF(tensor);
  return capsule;
}

PyObject* zcxpy_array_dlpack_of(zcx_array_t* array, PyObject* args, PyObject* kwargs) {
  return zcxpy_tensor_dlpack_of(zcxpy_array_tensor(array), args, kwargs);
}

static PyObject* zcxpy_array_dlpack(zcxpy_array_t* self, PyObject* args, PyObject* kwargs) {
  return zcxpy_array_dlpack_of(self->array, args, kwargs);
}

// The device of the array's first buffer (its children's for types without buffers).
static zcx_device_t zcxpy_array_device(const zcx_array_t* a) {
  for (int32_t i = 0; i < a->num_buffers; i++) {
    if (a->buffers[i] != NULL) {
      return zcx_buffer_device(a->buffers[i]);
    }
  }
  for (int32_t i = 0; i < a->num_children; i++) {
    zcx_device_t d = zcxpy_array_device(a->children[i]);
    if (d.type != ZCX_DEVICE_CPU) {
      return d;
    }
  }
  return zcx_device_cpu();
}

static PyObject* zcxpy_array_dlpack_device(zcxpy_array_t* self, PyObject* unused) {
  (void)unused;
  zcx_device_t d = zcxpy_array_device(self->array);
  return Py_BuildValue("(ii)", (int)d.type, (int)d.id);
}

static PyObject* zcxpy_array_to_tensor(zcxpy_array_t* self, PyObject* unused) {
  (void)unused;
  zcx_tensor_t* t = zcxpy_array_tensor(self->array);
  return t == NULL ? NULL : zcxpy_tensor_wrap(t);
}

static PyMethodDef zcxpy_array_methods[] = {
    {"to_pylist", (PyCFunction)zcxpy_array_to_pylist_m, METH_NOARGS,
     "to_pylist() -> list\n\n"
     "The values as Python objects: None for nulls; bool; int for integers and for dates,\n"
     "times, timestamps and durations (the stored number in the type's unit);\n"
     "float; decimal.Decimal; (days, ms) and (months, days, ns) tuples for intervals; str;\n"
     "bytes; list for every list type; dict for structs; a list of (key, value) tuples for\n"
     "maps; the selected value for unions, dictionaries and run-end encoded arrays."},
    {"validate", (PyCFunction)(void (*)(void))zcxpy_array_validate, METH_VARARGS | METH_KEYWORDS,
     "validate(*, full=True)\n\nRaises ValueError saying what is wrong with the array."},
    {"__arrow_c_schema__", (PyCFunction)zcxpy_array_c_schema, METH_NOARGS,
     "__arrow_c_schema__() -> PyCapsule 'arrow_schema' of the array's field"},
    {"__arrow_c_array__", (PyCFunction)(void (*)(void))zcxpy_array_c_array,
     METH_VARARGS | METH_KEYWORDS,
     "__arrow_c_array__(requested_schema=None) -> (schema capsule, array capsule)\n\n"
     "Exports without copying. A requested schema of the same layout (other names,\n"
     "nullability or metadata) is used for the schema capsule; one that would need a cast\n"
     "is ignored, as the protocol allows."},
    {"__arrow_c_stream__", (PyCFunction)(void (*)(void))zcxpy_array_c_stream,
     METH_VARARGS | METH_KEYWORDS,
     "__arrow_c_stream__(requested_schema=None) -> PyCapsule 'arrow_array_stream'\n\n"
     "A stream of this one array."},
    {"__dlpack__", (PyCFunction)(void (*)(void))zcxpy_array_dlpack, METH_VARARGS | METH_KEYWORDS,
     "__dlpack__(*, stream=None, max_version=None, dl_device=None, copy=None) -> capsule\n\n"
     "The array as a tensor without copying (primitive arrays without nulls, fixed-size\n"
     "lists of them, arrow.fixed_shape_tensor), as Tensor.__dlpack__; else BufferError with\n"
     "the reason. The tensor is read-only only when the memory is (a read-only file mapping,\n"
     "a sealed segment): then legacy DLPack (numpy.from_dlpack in NumPy 1.x,\n"
     "torch.utils.dlpack.from_dlpack in PyTorch 1.x) is refused and copy_on_write=True at\n"
     "read or attach time is the zero-copy fix. Otherwise it is writable and the array is\n"
     "immutable by contract: do not write through it."},
    {"__dlpack_device__", (PyCFunction)zcxpy_array_dlpack_device, METH_NOARGS,
     "__dlpack_device__() -> (device_type, device_id)"},
    {"to_tensor", (PyCFunction)zcxpy_array_to_tensor, METH_NOARGS,
     "to_tensor() -> Tensor\n\nThe zero-copy tensor view of __dlpack__ (BufferError when there\n"
     "is none), read-only as the memory is; numpy.asarray(array.to_tensor()) is an ndarray\n"
     "over it, read-only when the tensor is."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef zcxpy_array_getset[] = {
    {"type", (getter)zcxpy_array_get_type, NULL,
     "the type as a string, e.g. 'int32' or 'list<item: string>'", NULL},
    {"null_count", (getter)zcxpy_array_get_null_count, NULL, "number of null elements", NULL},
    {"offset", (getter)zcxpy_array_get_offset, NULL, "the slice offset into the buffers", NULL},
    {"field", (getter)zcxpy_array_get_field, NULL,
     "the array's field (name, nullability, metadata; '' when it has none)", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PySequenceMethods zcxpy_array_sequence = {
    .sq_length = (lenfunc)zcxpy_array_length,
    .sq_item = (ssizeargfunc)zcxpy_array_item,
};

static PyMappingMethods zcxpy_array_mapping = {
    .mp_length = (lenfunc)zcxpy_array_length,
    .mp_subscript = (binaryfunc)zcxpy_array_subscript,
};

PyTypeObject zcxpy_array_type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "zcx.Array",
    .tp_basicsize = sizeof(zcxpy_array_t),
    .tp_weaklistoffset = offsetof(zcxpy_array_t, weakrefs),
    .tp_dealloc = (destructor)zcxpy_array_dealloc,
    .tp_repr = (reprfunc)zcxpy_array_repr,
    .tp_as_sequence = &zcxpy_array_sequence,
    .tp_as_mapping = &zcxpy_array_mapping,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "An immutable Arrow array (zcx.array, zcx.from_arrow, RecordBatch.column).\n"
              "len(a), a[i] (a Python value), a[i:j] (a zero-copy slice), a.type, a.null_count,\n"
              "a.to_pylist(); exchange through the Arrow PyCapsule interface and DLPack.",
    .tp_richcompare = zcxpy_array_richcompare,
    .tp_methods = zcxpy_array_methods,
    .tp_getset = zcxpy_array_getset,
};

int zcxpy_array_register(PyObject* module) {
  if (zcxpy_add_type(module, "Array", &zcxpy_array_type) < 0) {
    return -1;
  }
  return 0;
}
