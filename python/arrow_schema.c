// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// zcx.Field and zcx.Schema: Arrow fields and schemas with __arrow_c_schema__.
#include <string.h>

#include "arrow_internal.h"

PyObject* zcxpy_type_str(const zcx_type_t* type) {
  char small[256];
  int64_t n = zcx_type_to_string(type, small, sizeof(small));
  if (n < (int64_t)sizeof(small)) {
    return PyUnicode_FromString(small);
  }
  char* big = PyMem_Malloc((size_t)n + 1);
  if (big == NULL) {
    return PyErr_NoMemory();
  }
  zcx_type_to_string(type, big, (size_t)n + 1);
  PyObject* s = PyUnicode_FromString(big);
  PyMem_Free(big);
  return s;
}

static PyObject* zcxpy_metadata_dict(const zcx_metadata_t* md) {
  PyObject* d = PyDict_New();
  for (int32_t i = 0; d != NULL && i < md->count; i++) {
    PyObject* v = PyUnicode_DecodeUTF8(md->values[i], (Py_ssize_t)strlen(md->values[i]),
                                       "surrogateescape");
    if (v == NULL || PyDict_SetItemString(d, md->keys[i], v) != 0) {
      Py_XDECREF(v);
      Py_CLEAR(d);
      break;
    }
    Py_DECREF(v);
  }
  return d;
}

// Rich comparison of two objects of one type by a zcx equality function.
static PyObject* zcxpy_compare(bool equal, int op) {
  if (op == Py_EQ) {
    return PyBool_FromLong(equal);
  }
  if (op == Py_NE) {
    return PyBool_FromLong(!equal);
  }
  Py_RETURN_NOTIMPLEMENTED;
}

// ---------------------------------------------------------------------------------------------
// zcx.Field

PyObject* zcxpy_field_wrap(zcx_field_t* field) {
  zcxpy_field_t* self = PyObject_New(zcxpy_field_t, &zcxpy_field_type);
  if (self == NULL) {
    zcx_field_release(field);
    return NULL;
  }
  self->field = field;
  return (PyObject*)self;
}

static PyObject* zcxpy_field_new(PyTypeObject* type, PyObject* args, PyObject* kwargs) {
  (void)type;
  static char* kwlist[] = {"name", "type", "nullable", NULL};
  const char* name = NULL;
  PyObject* type_obj = NULL;
  int nullable = 1;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "sO|p:Field", kwlist, &name, &type_obj,
                                   &nullable)) {
    return NULL;
  }
  zcx_type_t* t = NULL;
  if (zcxpy_type_arg(type_obj, &t) != 0) {
    return NULL;
  }
  zcx_error_t err;
  zcx_error_init(&err);
  zcx_field_t* f = NULL;
  int rc = zcx_field_create(name, t, nullable != 0, NULL, &f, &err);
  zcx_type_release(t);
  if (rc != 0) {
    return zcxpy_raise(rc, &err, NULL);
  }
  return zcxpy_field_wrap(f);
}

static void zcxpy_field_dealloc(zcxpy_field_t* self) {
  zcx_field_release(self->field);
  Py_TYPE(self)->tp_free((PyObject*)self);
}

static PyObject* zcxpy_field_get_name(zcxpy_field_t* self, void* closure) {
  (void)closure;
  return PyUnicode_FromString(self->field->name);
}

static PyObject* zcxpy_field_get_type(zcxpy_field_t* self, void* closure) {
  (void)closure;
  return zcxpy_type_str(self->field->type);
}

static PyObject* zcxpy_field_get_nullable(zcxpy_field_t* self, void* closure) {
  (void)closure;
  return PyBool_FromLong(self->field->nullable);
}

static PyObject* zcxpy_field_get_metadata(zcxpy_field_t* self, void* closure) {
  (void)closure;
  return zcxpy_metadata_dict(&self->field->metadata);
}

static PyObject* zcxpy_field_repr(zcxpy_field_t* self) {
  PyObject* type = zcxpy_type_str(self->field->type);
  if (type == NULL) {
    return NULL;
  }
  PyObject* r = PyUnicode_FromFormat("<zcx.Field %s: %U%s>", self->field->name, type,
                                     self->field->nullable ? "" : " not null");
  Py_DECREF(type);
  return r;
}

static PyObject* zcxpy_field_richcompare(PyObject* a, PyObject* b, int op) {
  if (!PyObject_TypeCheck(b, &zcxpy_field_type)) {
    Py_RETURN_NOTIMPLEMENTED;
  }
  return zcxpy_compare(
      zcx_field_equal(((zcxpy_field_t*)a)->field, ((zcxpy_field_t*)b)->field), op);
}

static PyObject* zcxpy_field_c_schema(zcxpy_field_t* self, PyObject* unused) {
  (void)unused;
  return zcxpy_export_schema_capsule(self->field, NULL, NULL);
}

static PyMethodDef zcxpy_field_methods[] = {
    {"__arrow_c_schema__", (PyCFunction)zcxpy_field_c_schema, METH_NOARGS,
     "__arrow_c_schema__() -> PyCapsule 'arrow_schema' of this field"},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef zcxpy_field_getset[] = {
    {"name", (getter)zcxpy_field_get_name, NULL, "the field's name", NULL},
    {"type", (getter)zcxpy_field_get_type, NULL, "the type as a string, e.g. 'list<item: int32>'",
     NULL},
    {"nullable", (getter)zcxpy_field_get_nullable, NULL, "whether values may be null", NULL},
    {"metadata", (getter)zcxpy_field_get_metadata, NULL, "the field's metadata as a dict", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

PyTypeObject zcxpy_field_type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "zcx.Field",
    .tp_basicsize = sizeof(zcxpy_field_t),
    .tp_dealloc = (destructor)zcxpy_field_dealloc,
    .tp_repr = (reprfunc)zcxpy_field_repr,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Field(name, type, nullable=True)\n\n"
              "An Arrow field: a name, a type (given and shown as a string such as 'int32',\n"
              "'list<item: string>', 'struct<a: int32, b: double not null>') and nullability.\n"
              "Exports itself through __arrow_c_schema__.",
    .tp_richcompare = zcxpy_field_richcompare,
    .tp_methods = zcxpy_field_methods,
    .tp_getset = zcxpy_field_getset,
    .tp_new = zcxpy_field_new,
};

// ---------------------------------------------------------------------------------------------
// zcx.Schema

PyObject* zcxpy_schema_wrap(zcx_schema_t* schema) {
  zcxpy_schema_t* self = PyObject_New(zcxpy_schema_t, &zcxpy_schema_type);
  if (self == NULL) {
    zcx_schema_release(schema);
    return NULL;
  }
  self->schema = schema;
  return (PyObject*)self;
}

static void zcxpy_schema_dealloc(zcxpy_schema_t* self) {
  zcx_schema_release(self->schema);
  Py_TYPE(self)->tp_free((PyObject*)self);
}

static Py_ssize_t zcxpy_schema_length(zcxpy_schema_t* self) {
  return (Py_ssize_t)self->schema->num_fields;
}

// The index of a field given by position (negative from the end) or name; -1 with
// IndexError/KeyError/TypeError.
static int32_t zcxpy_schema_index(const zcx_schema_t* schema, PyObject* key) {
  if (PyUnicode_Check(key)) {
    const char* name = PyUnicode_AsUTF8(key);
    if (name == NULL) {
      return -1;
    }
    int32_t i = zcx_schema_field_index(schema, name);
    if (i < 0) {
      PyErr_Format(PyExc_KeyError, "zcx: no field named '%s'", name);
    }
    return i;
  }
  if (PyIndex_Check(key)) {
    Py_ssize_t i = PyNumber_AsSsize_t(key, PyExc_IndexError);
    if (i == -1 && PyErr_Occurred()) {
      return -1;
    }
    Py_ssize_t n = schema->num_fields;
    if (i < -n || i >= n) {
      PyErr_Format(PyExc_IndexError, "zcx: field index %zd out of range for %zd fields", i, n);
      return -1;
    }
    return (int32_t)(i < 0 ? i + n : i);
  }
  PyErr_Format(PyExc_TypeError, "zcx: a field is chosen by name (str) or index (int), not %.200s",
               Py_TYPE(key)->tp_name);
  return -1;
}

int32_t zcxpy_schema_lookup(const zcx_schema_t* schema, PyObject* key) {
  return zcxpy_schema_index(schema, key);
}

static PyObject* zcxpy_schema_getitem(zcxpy_schema_t* self, PyObject* key) {
  int32_t i = zcxpy_schema_index(self->schema, key);
  if (i < 0) {
    return NULL;
  }
  zcx_field_retain(self->schema->fields[i]);
  return zcxpy_field_wrap(self->schema->fields[i]);
}

static PyObject* zcxpy_schema_get_names(zcxpy_schema_t* self, void* closure) {
  (void)closure;
  PyObject* list = PyList_New(self->schema->num_fields);
  for (int32_t i = 0; list != NULL && i < self->schema->num_fields; i++) {
    PyObject* s = PyUnicode_FromString(self->schema->fields[i]->name);
    if (s == NULL) {
      Py_CLEAR(list);
      break;
    }
    PyList_SET_ITEM(list, i, s);
  }
  return list;
}

static PyObject* zcxpy_schema_get_types(zcxpy_schema_t* self, void* closure) {
  (void)closure;
  PyObject* list = PyList_New(self->schema->num_fields);
  for (int32_t i = 0; list != NULL && i < self->schema->num_fields; i++) {
    PyObject* s = zcxpy_type_str(self->schema->fields[i]->type);
    if (s == NULL) {
      Py_CLEAR(list);
      break;
    }
    PyList_SET_ITEM(list, i, s);
  }
  return list;
}

static PyObject* zcxpy_schema_get_metadata(zcxpy_schema_t* self, void* closure) {
  (void)closure;
  return zcxpy_metadata_dict(&self->schema->metadata);
}

static PyObject* zcxpy_schema_repr(zcxpy_schema_t* self) {
  PyObject* parts = PyList_New(0);
  if (parts == NULL) {
    return NULL;
  }
  for (int32_t i = 0; i < self->schema->num_fields; i++) {
    const zcx_field_t* f = self->schema->fields[i];
    PyObject* type = zcxpy_type_str(f->type);
    PyObject* s = type == NULL ? NULL
                               : PyUnicode_FromFormat("%s: %U%s", f->name, type,
                                                      f->nullable ? "" : " not null");
    Py_XDECREF(type);
    if (s == NULL || PyList_Append(parts, s) != 0) {
      Py_XDECREF(s);
      Py_DECREF(parts);
      return NULL;
    }
    Py_DECREF(s);
  }
  PyObject* sep = PyUnicode_FromString(", ");
  PyObject* body = sep == NULL ? NULL : PyUnicode_Join(sep, parts);
  Py_XDECREF(sep);
  Py_DECREF(parts);
  if (body == NULL) {
    return NULL;
  }
  PyObject* r = PyUnicode_FromFormat("<zcx.Schema %U>", body);
  Py_DECREF(body);
  return r;
}

static PyObject* zcxpy_schema_richcompare(PyObject* a, PyObject* b, int op) {
  if (!PyObject_TypeCheck(b, &zcxpy_schema_type)) {
    Py_RETURN_NOTIMPLEMENTED;
  }
  return zcxpy_compare(
      zcx_schema_equal(((zcxpy_schema_t*)a)->schema, ((zcxpy_schema_t*)b)->schema), op);
}

static PyObject* zcxpy_schema_c_schema(zcxpy_schema_t* self, PyObject* unused) {
  (void)unused;
  return zcxpy_export_schema_capsule(NULL, NULL, self->schema);
}

static PyObject* zcxpy_schema_field(zcxpy_schema_t* self, PyObject* key) {
  return zcxpy_schema_getitem(self, key);
}

static PyMethodDef zcxpy_schema_methods[] = {
    {"__arrow_c_schema__", (PyCFunction)zcxpy_schema_c_schema, METH_NOARGS,
     "__arrow_c_schema__() -> PyCapsule 'arrow_schema' (a struct '+s' of the fields)"},
    {"field", (PyCFunction)zcxpy_schema_field, METH_O,
     "field(name_or_index) -> Field"},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef zcxpy_schema_getset[] = {
    {"names", (getter)zcxpy_schema_get_names, NULL, "the field names", NULL},
    {"types", (getter)zcxpy_schema_get_types, NULL, "the field types as strings", NULL},
    {"metadata", (getter)zcxpy_schema_get_metadata, NULL, "the schema's metadata as a dict",
     NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyMappingMethods zcxpy_schema_mapping = {
    .mp_length = (lenfunc)zcxpy_schema_length,
    .mp_subscript = (binaryfunc)zcxpy_schema_getitem,
};

PyTypeObject zcxpy_schema_type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "zcx.Schema",
    .tp_basicsize = sizeof(zcxpy_schema_t),
    .tp_dealloc = (destructor)zcxpy_schema_dealloc,
    .tp_repr = (reprfunc)zcxpy_schema_repr,
    .tp_as_mapping = &zcxpy_schema_mapping,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "The fields of a record batch. schema[i] and schema['name'] give a Field;\n"
              "len(schema) counts the fields. Exports itself through __arrow_c_schema__.",
    .tp_richcompare = zcxpy_schema_richcompare,
    .tp_methods = zcxpy_schema_methods,
    .tp_getset = zcxpy_schema_getset,
};

int zcxpy_schema_register(PyObject* module) {
  if (zcxpy_add_type(module, "Field", &zcxpy_field_type) < 0 ||
      zcxpy_add_type(module, "Schema", &zcxpy_schema_type) < 0) {
    return -1;
  }
  return 0;
}
