// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// zcx.RecordBatch and zcx.record_batch: Arrow record batches with the Arrow PyCapsule
// interface, and DLPack of the columns when they form one column-major block.
#include <stddef.h>
#include <string.h>

#include "arrow_internal.h"

PyObject* zcxpy_batch_wrap(zcx_batch_t* batch) {
  zcxpy_batch_t* self = PyObject_New(zcxpy_batch_t, &zcxpy_batch_type);
  if (self == NULL) {
    zcx_batch_release(batch);
    return NULL;
  }
  self->batch = batch;
  self->weakrefs = NULL;
  return (PyObject*)self;
}

static void zcxpy_batch_dealloc(zcxpy_batch_t* self) {
  if (self->weakrefs != NULL) {
    PyObject_ClearWeakRefs((PyObject*)self);
  }
  zcx_batch_release(self->batch);
  Py_TYPE(self)->tp_free((PyObject*)self);
}

static Py_ssize_t zcxpy_batch_length(zcxpy_batch_t* self) {
  return (Py_ssize_t)self->batch->num_rows;
}

// Column i as a zcx.Array carrying its field.
static PyObject* zcxpy_batch_column_at(zcxpy_batch_t* self, int32_t i) {
  zcx_array_retain(self->batch->columns[i]);
  zcx_field_retain(self->batch->schema->fields[i]);
  return zcxpy_array_wrap(self->batch->columns[i], self->batch->schema->fields[i]);
}

static PyObject* zcxpy_batch_column(zcxpy_batch_t* self, PyObject* key) {
  int32_t i = zcxpy_schema_lookup(self->batch->schema, key);
  return i < 0 ? NULL : zcxpy_batch_column_at(self, i);
}

static PyObject* zcxpy_batch_get_schema(zcxpy_batch_t* self, void* closure) {
  (void)closure;
  zcx_schema_retain(self->batch->schema);
  return zcxpy_schema_wrap(self->batch->schema);
}

static PyObject* zcxpy_batch_get_num_rows(zcxpy_batch_t* self, void* closure) {
  (void)closure;
  return PyLong_FromLongLong((long long)self->batch->num_rows);
}

static PyObject* zcxpy_batch_get_num_columns(zcxpy_batch_t* self, void* closure) {
  (void)closure;
  return PyLong_FromLong((long)self->batch->num_columns);
}

static PyObject* zcxpy_batch_get_column_names(zcxpy_batch_t* self, void* closure) {
  (void)closure;
  PyObject* list = PyList_New(self->batch->num_columns);
  for (int32_t i = 0; list != NULL && i < self->batch->num_columns; i++) {
    PyObject* s = PyUnicode_FromString(self->batch->schema->fields[i]->name);
    if (s == NULL) {
      Py_CLEAR(list);
      break;
    }
    PyList_SET_ITEM(list, i, s);
  }
  return list;
}

static PyObject* zcxpy_batch_get_columns(zcxpy_batch_t* self, void* closure) {
  (void)closure;
  PyObject* list = PyList_New(self->batch->num_columns);
  for (int32_t i = 0; list != NULL && i < self->batch->num_columns; i++) {
    PyObject* a = zcxpy_batch_column_at(self, i);
    if (a == NULL) {
      Py_CLEAR(list);
      break;
    }
    PyList_SET_ITEM(list, i, a);
  }
  return list;
}

static PyObject* zcxpy_batch_to_pydict(zcxpy_batch_t* self, PyObject* unused) {
  (void)unused;
  PyObject* d = PyDict_New();
  for (int32_t i = 0; d != NULL && i < self->batch->num_columns; i++) {
    PyObject* values = zcxpy_array_to_pylist(self->batch->columns[i]);
    if (values == NULL ||
        PyDict_SetItemString(d, self->batch->schema->fields[i]->name, values) != 0) {
      Py_XDECREF(values);
      Py_CLEAR(d);
      break;
    }
    Py_DECREF(values);
  }
  return d;
}

static PyObject* zcxpy_batch_slice(zcxpy_batch_t* self, PyObject* args, PyObject* kwargs) {
  static char* kwlist[] = {"offset", "length", NULL};
  long long offset = 0;
  long long length = -1;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|LL:slice", kwlist, &offset, &length)) {
    return NULL;
  }
  if (length < 0) {
    length = self->batch->num_rows - offset;
  }
  zcx_error_t err;
  zcx_error_init(&err);
  zcx_batch_t* out = NULL;
  int rc = zcx_batch_slice(self->batch, (int64_t)offset, (int64_t)length, &out, &err);
  if (rc != 0) {
    return zcxpy_raise(rc, &err, NULL);
  }
  return zcxpy_batch_wrap(out);
}

static PyObject* zcxpy_batch_validate(zcxpy_batch_t* self, PyObject* args, PyObject* kwargs) {
  return zcxpy_validate_method(NULL, self->batch, args, kwargs);
}

static PyObject* zcxpy_batch_repr(zcxpy_batch_t* self) {
  PyObject* schema = zcxpy_batch_get_schema(self, NULL);
  PyObject* text = schema == NULL ? NULL : PyObject_Repr(schema);
  Py_XDECREF(schema);
  if (text == NULL) {
    return NULL;
  }
  PyObject* r = PyUnicode_FromFormat("<zcx.RecordBatch num_rows=%lld %U>",
                                     (long long)self->batch->num_rows, text);
  Py_DECREF(text);
  return r;
}

static PyObject* zcxpy_batch_richcompare(PyObject* a, PyObject* b, int op) {
  if (!PyObject_TypeCheck(b, &zcxpy_batch_type) || (op != Py_EQ && op != Py_NE)) {
    Py_RETURN_NOTIMPLEMENTED;
  }
  bool eq = zcx_batch_equal(((zcxpy_batch_t*)a)->batch, ((zcxpy_batch_t*)b)->batch, NULL);
  return PyBool_FromLong(op == Py_EQ ? eq : !eq);
}

// ---------------------------------------------------------------------------------------------
// Exchange

static PyObject* zcxpy_batch_c_schema(zcxpy_batch_t* self, PyObject* unused) {
  (void)unused;
  return zcxpy_export_schema_capsule(NULL, NULL, self->batch->schema);
}

static PyObject* zcxpy_batch_c_array(zcxpy_batch_t* self, PyObject* args, PyObject* kwargs) {
  return zcxpy_export_array_capsules(NULL, NULL, self->batch, args, kwargs);
}

static PyObject* zcxpy_batch_c_stream(zcxpy_batch_t* self, PyObject* args, PyObject* kwargs) {
  return zcxpy_export_stream_capsule(NULL, NULL, self->batch, args, kwargs);
}

// The column-major tensor {num_rows, num_columns} of all columns, or NULL with BufferError
// saying why there is none.
static zcx_tensor_t* zcxpy_batch_block(zcx_batch_t* batch) {
  zcx_error_t err;
  zcx_error_init(&err);
  zcx_tensor_t* t = NULL;
  if (batch->num_columns < 1) {
    PyErr_SetString(PyExc_BufferError, "zcx.RecordBatch: a batch without columns has no tensor");
    return NULL;
  }
  int rc = zcx_layout_columns_tensor(batch, NULL, batch->num_columns, &t, &err);
  if (rc != 0) {
    if (rc == ENOMEM) {
      zcxpy_raise(rc, &err, NULL);
    } else {
      PyErr_Format(PyExc_BufferError,
                   "zcx.RecordBatch: the columns are not one tensor (zcx.aos_to_soa(..., "
                   "contiguous=True) makes such batches): %s",
                   zcx_error_message(&err));
    }
    return NULL;
  }
  return t;
}

static PyObject* zcxpy_batch_to_tensor(zcxpy_batch_t* self, PyObject* unused) {
  (void)unused;
  zcx_tensor_t* t = zcxpy_batch_block(self->batch);
  return t == NULL ? NULL : zcxpy_tensor_wrap(t);
}

static PyObject* zcxpy_batch_dlpack(zcxpy_batch_t* self, PyObject* args, PyObject* kwargs) {
  return zcxpy_tensor_dlpack_of(zcxpy_batch_block(self->batch), args, kwargs);
}

static PyObject* zcxpy_batch_dlpack_device(zcxpy_batch_t* self, PyObject* unused) {
  (void)unused;
  zcx_device_t d = zcx_device_cpu();
  if (self->batch->num_columns > 0) {
    const zcx_array_t* c = self->batch->columns[0];
    for (int32_t i = 0; i < c->num_buffers; i++) {
      if (c->buffers[i] != NULL) {
        d = zcx_buffer_device(c->buffers[i]);
        break;
      }
    }
  }
  return Py_BuildValue("(ii)", (int)d.type, (int)d.id);
}

static PyMethodDef zcxpy_batch_methods[] = {
    {"column", (PyCFunction)zcxpy_batch_column, METH_O,
     "column(name_or_index) -> Array (zero copy)"},
    {"to_pydict", (PyCFunction)zcxpy_batch_to_pydict, METH_NOARGS,
     "to_pydict() -> {name: list of values} (values as Array.to_pylist)"},
    {"slice", (PyCFunction)(void (*)(void))zcxpy_batch_slice, METH_VARARGS | METH_KEYWORDS,
     "slice(offset=0, length=None) -> RecordBatch (zero copy)"},
    {"validate", (PyCFunction)(void (*)(void))zcxpy_batch_validate, METH_VARARGS | METH_KEYWORDS,
     "validate(*, full=True)\n\nRaises ValueError saying what is wrong with the batch."},
    {"__arrow_c_schema__", (PyCFunction)zcxpy_batch_c_schema, METH_NOARGS,
     "__arrow_c_schema__() -> PyCapsule 'arrow_schema' (a struct '+s' of the fields)"},
    {"__arrow_c_array__", (PyCFunction)(void (*)(void))zcxpy_batch_c_array,
     METH_VARARGS | METH_KEYWORDS,
     "__arrow_c_array__(requested_schema=None) -> (schema capsule, array capsule)\n\n"
     "The batch as a struct array, without copying. A requested struct schema whose fields\n"
     "have the columns' layouts (other names, nullability, metadata) is used; one that would\n"
     "need a cast is ignored, as the protocol allows."},
    {"__arrow_c_stream__", (PyCFunction)(void (*)(void))zcxpy_batch_c_stream,
     METH_VARARGS | METH_KEYWORDS,
     "__arrow_c_stream__(requested_schema=None) -> PyCapsule 'arrow_array_stream' of this "
     "batch"},
    {"__dlpack__", (PyCFunction)(void (*)(void))zcxpy_batch_dlpack, METH_VARARGS | METH_KEYWORDS,
     "__dlpack__(*, stream=None, max_version=None, dl_device=None, copy=None) -> capsule\n\n"
     "The columns as one column-major tensor {num_rows, num_columns} without copying,\n"
     "when they lie in one block (zcx.aos_to_soa(..., contiguous=True) of same-typed\n"
     "fields); else BufferError with the reason. Read-only only when the memory is (see\n"
     "Array.__dlpack__)."},
    {"__dlpack_device__", (PyCFunction)zcxpy_batch_dlpack_device, METH_NOARGS,
     "__dlpack_device__() -> (device_type, device_id)"},
    {"to_tensor", (PyCFunction)zcxpy_batch_to_tensor, METH_NOARGS,
     "to_tensor() -> Tensor\n\nThe zero-copy tensor of __dlpack__."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef zcxpy_batch_getset[] = {
    {"schema", (getter)zcxpy_batch_get_schema, NULL, "the Schema", NULL},
    {"num_rows", (getter)zcxpy_batch_get_num_rows, NULL, "number of rows", NULL},
    {"num_columns", (getter)zcxpy_batch_get_num_columns, NULL, "number of columns", NULL},
    {"column_names", (getter)zcxpy_batch_get_column_names, NULL, "the column names", NULL},
    {"columns", (getter)zcxpy_batch_get_columns, NULL, "the columns as Arrays", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyMappingMethods zcxpy_batch_mapping = {
    .mp_length = (lenfunc)zcxpy_batch_length,
    .mp_subscript = (binaryfunc)zcxpy_batch_column,
};

PyTypeObject zcxpy_batch_type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "zcx.RecordBatch",
    .tp_basicsize = sizeof(zcxpy_batch_t),
    .tp_weaklistoffset = offsetof(zcxpy_batch_t, weakrefs),
    .tp_dealloc = (destructor)zcxpy_batch_dealloc,
    .tp_repr = (reprfunc)zcxpy_batch_repr,
    .tp_as_mapping = &zcxpy_batch_mapping,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "An immutable Arrow record batch: columns of equal length under a Schema\n"
              "(zcx.record_batch, zcx.from_arrow, zcx.aos_to_soa). batch['x'] or\n"
              "batch.column('x' or i) gives a column; len(batch) is num_rows.",
    .tp_richcompare = zcxpy_batch_richcompare,
    .tp_methods = zcxpy_batch_methods,
    .tp_getset = zcxpy_batch_getset,
};

// ---------------------------------------------------------------------------------------------
// zcx.record_batch

static PyObject* zcxpy_record_batch(PyObject* module, PyObject* args, PyObject* kwargs) {
  (void)module;
  static char* kwlist[] = {"columns", "pool", NULL};
  PyObject* columns = NULL;
  PyObject* pool = Py_None;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O!|$O:record_batch", kwlist, &PyDict_Type,
                                   &columns, &pool)) {
    return NULL;
  }
  if (pool != Py_None && !zcxpy_pool_check(pool)) {
    return PyErr_Format(PyExc_TypeError, "zcx.record_batch: pool must be a zcx.Pool or None");
  }
  Py_ssize_t n = PyDict_Size(columns);
  if (n > INT32_MAX) {
    return PyErr_Format(PyExc_ValueError, "zcx.record_batch: %zd columns", n);
  }
  zcx_array_t** arrays = PyMem_Calloc(n > 0 ? (size_t)n : 1, sizeof(*arrays));
  zcx_field_t** fields = PyMem_Calloc(n > 0 ? (size_t)n : 1, sizeof(*fields));
  PyObject* result = NULL;
  zcx_error_t err;
  zcx_error_init(&err);
  int rc = 0;
  if (arrays == NULL || fields == NULL) {
    PyErr_NoMemory();
    goto done;
  }
  Py_ssize_t pos = 0;
  PyObject* key;
  PyObject* value;
  int32_t i = 0;
  int64_t rows = -1;
  while (PyDict_Next(columns, &pos, &key, &value)) {
    const char* name = PyUnicode_Check(key) ? PyUnicode_AsUTF8(key) : NULL;
    if (name == NULL) {
      if (!PyErr_Occurred()) {
        PyErr_Format(PyExc_TypeError, "zcx.record_batch: column names must be str, got %.200s",
                     Py_TYPE(key)->tp_name);
      }
      goto done;
    }
    bool nullable = true;
    if (PyObject_TypeCheck(value, &zcxpy_array_type)) {
      zcxpy_array_t* a = (zcxpy_array_t*)value;
      arrays[i] = a->array;
      zcx_array_retain(arrays[i]);
      nullable = a->field == NULL || a->field->nullable;
    } else {
      // A list of plain values, built as zcx.array(value, pool=pool) would.
      PyObject* fn = PyObject_GetAttrString(module, "array");
      PyObject* call_args = Py_BuildValue("(O)", value);
      PyObject* kw = Py_BuildValue("{s:O}", "pool", pool);
      PyObject* arr = fn != NULL && call_args != NULL && kw != NULL
                          ? PyObject_Call(fn, call_args, kw)
                          : NULL;
      Py_XDECREF(fn);
      Py_XDECREF(call_args);
      Py_XDECREF(kw);
      if (arr == NULL) {
        goto done;
      }
      arrays[i] = ((zcxpy_array_t*)arr)->array;
      zcx_array_retain(arrays[i]);
      Py_DECREF(arr);
    }
    if (rows >= 0 && arrays[i]->length != rows) {
      PyErr_Format(PyExc_ValueError, "zcx.record_batch: column '%s' has %lld rows, the first "
                   "has %lld", name, (long long)arrays[i]->length, (long long)rows);
      i++;
      goto done;
    }
    rows = arrays[i]->length;
    rc = zcx_field_create(name, arrays[i]->type, nullable, NULL, &fields[i], &err);
    i++;
    if (rc != 0) {
      zcxpy_raise(rc, &err, NULL);
      goto done;
    }
  }
  zcx_schema_t* schema = NULL;
  rc = zcx_schema_create(fields, i, NULL, &schema, &err);
  zcx_batch_t* batch = NULL;
  if (rc == 0) {
    rc = zcx_batch_create(schema, arrays, i, rows < 0 ? 0 : rows, &batch, &err);
  }
  zcx_schema_release(schema);
  if (rc != 0) {
    zcxpy_raise(rc, &err, NULL);
    goto done;
  }
  result = zcxpy_batch_wrap(batch);
done:
  for (Py_ssize_t k = 0; k < n && arrays != NULL && fields != NULL; k++) {
    zcx_array_release(arrays[k]);
    zcx_field_release(fields[k]);
  }
  PyMem_Free(arrays);
  PyMem_Free(fields);
  return result;
}

static PyMethodDef zcxpy_batch_functions[] = {
    {"record_batch", (PyCFunction)(void (*)(void))zcxpy_record_batch,
     METH_VARARGS | METH_KEYWORDS,
     "record_batch(columns, *, pool=None) -> RecordBatch\n\n"
     "A batch of the columns of a dict {name: zcx.Array or list of plain values} (lists are\n"
     "built as zcx.array(values) from `pool`). Arrays are shared, not copied."},
    {NULL, NULL, 0, NULL},
};

int zcxpy_batch_register(PyObject* module) {
  if (zcxpy_add_type(module, "RecordBatch", &zcxpy_batch_type) < 0) {
    return -1;
  }
  return PyModule_AddFunctions(module, zcxpy_batch_functions);
}
