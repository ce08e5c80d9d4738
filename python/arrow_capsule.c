// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The Arrow PyCapsule interface: capsules of ArrowSchema / ArrowArray / ArrowArrayStream
// (export, with requested_schema), and zcx.from_arrow / zcx.read_stream (import).
//
// A capsule owns a heap struct. Its consumer moves the struct's contents out (the import sets
// `release` to NULL); the capsule's destructor calls `release` only when nobody did, then
// frees the struct itself.
#include <stdlib.h>
#include <string.h>

#include "arrow_internal.h"

const char zcxpy_capsule_schema[] = "arrow_schema";
const char zcxpy_capsule_array[] = "arrow_array";
const char zcxpy_capsule_stream[] = "arrow_array_stream";

// ---------------------------------------------------------------------------------------------
// Capsules

// Releases and frees the struct of a capsule named `name` (one of the three above), keeping
// the exception state of the code that dropped the capsule.
static void zcxpy_cdata_capsule_destroy(PyObject* capsule, const char* name) {
  PyObject *type, *value, *traceback;
  PyErr_Fetch(&type, &value, &traceback);
  void* p = PyCapsule_GetPointer(capsule, name);
  if (p == NULL) {
    PyErr_WriteUnraisable(capsule);
  } else {
    if (name == zcxpy_capsule_schema) {
      zcx_cdata_release_schema(p);
    } else if (name == zcxpy_capsule_array) {
      zcx_cdata_release_array(p);
    } else {
      zcx_cdata_release_stream(p);
    }
    free(p);
  }
  PyErr_Restore(type, value, traceback);
}

static void zcxpy_schema_capsule_destroy(PyObject* capsule) {
  zcxpy_cdata_capsule_destroy(capsule, zcxpy_capsule_schema);
}

static void zcxpy_array_capsule_destroy(PyObject* capsule) {
  zcxpy_cdata_capsule_destroy(capsule, zcxpy_capsule_array);
}

static void zcxpy_stream_capsule_destroy(PyObject* capsule) {
  zcxpy_cdata_capsule_destroy(capsule, zcxpy_capsule_stream);
}

// A capsule over a zeroed (released) heap struct of `size` bytes.
static PyObject* zcxpy_capsule_new(size_t size, const char* name, PyCapsule_Destructor destroy,
                                   void** out) {
  void* p = calloc(1, size);
  if (p == NULL) {
    return PyErr_NoMemory();
  }
  PyObject* capsule = PyCapsule_New(p, name, destroy);
  if (capsule == NULL) {
    free(p);
    return NULL;
  }
  *out = p;
  return capsule;
}

PyObject* zcxpy_schema_capsule_new(struct ArrowSchema** out) {
  return zcxpy_capsule_new(sizeof(**out), zcxpy_capsule_schema, zcxpy_schema_capsule_destroy,
                           (void**)out);
}

PyObject* zcxpy_array_capsule_new(struct ArrowArray** out) {
  return zcxpy_capsule_new(sizeof(**out), zcxpy_capsule_array, zcxpy_array_capsule_destroy,
                           (void**)out);
}

PyObject* zcxpy_stream_capsule_new(struct ArrowArrayStream** out) {
  return zcxpy_capsule_new(sizeof(**out), zcxpy_capsule_stream, zcxpy_stream_capsule_destroy,
                           (void**)out);
}

// The struct inside a capsule named `name`, or NULL with TypeError (not a capsule, another
// name) or ValueError (already released: moved out by an earlier consumer).
static void* zcxpy_capsule_struct(PyObject* capsule, const char* name, const char* what) {
  if (!PyCapsule_CheckExact(capsule)) {
    PyErr_Format(PyExc_TypeError, "zcx: %s must be a PyCapsule '%s', got %.200s", what, name,
                 Py_TYPE(capsule)->tp_name);
    return NULL;
  }
  const char* actual = PyCapsule_GetName(capsule);
  if (actual == NULL && PyErr_Occurred()) {
    return NULL;
  }
  if (actual == NULL || strcmp(actual, name) != 0) {
    PyErr_Format(PyExc_TypeError, "zcx: %s must be a PyCapsule '%s', got one named '%s'", what,
                 name, actual != NULL ? actual : "(null)");
    return NULL;
  }
  void* p = PyCapsule_GetPointer(capsule, name);
  if (p == NULL) {
    return NULL;
  }
  // A consumer that moved the contents out left `release` NULL.
  bool released;
  if (strcmp(name, zcxpy_capsule_schema) == 0) {
    released = ((struct ArrowSchema*)p)->release == NULL;
  } else if (strcmp(name, zcxpy_capsule_array) == 0) {
    released = ((struct ArrowArray*)p)->release == NULL;
  } else {
    released = ((struct ArrowArrayStream*)p)->release == NULL;
  }
  if (released) {
    PyErr_Format(PyExc_ValueError, "zcx: %s: the '%s' capsule was already consumed", what,
                 name);
    return NULL;
  }
  return p;
}

// ---------------------------------------------------------------------------------------------
// requested_schema

int zcxpy_requested_field(PyObject* requested, zcx_field_t** out) {
  *out = NULL;
  if (requested == NULL || requested == Py_None) {
    return 0;
  }
  struct ArrowSchema* s = zcxpy_capsule_struct(requested, zcxpy_capsule_schema,
                                               "requested_schema");
  if (s == NULL) {
    return -1;
  }
  zcx_error_t err;
  zcx_error_init(&err);
  int rc = zcx_cdata_import_field(s, out, &err);
  if (rc != 0) {
    zcxpy_raise(rc, &err, PyExc_TypeError);
    return -1;
  }
  // The caller still owns the capsule: give it back an equal schema.
  rc = zcx_cdata_export_field(*out, s, &err);
  if (rc != 0) {
    zcx_field_release(*out);
    *out = NULL;
    zcxpy_raise(rc, &err, NULL);
    return -1;
  }
  return 0;
}

bool zcxpy_type_same_layout(const zcx_type_t* a, const zcx_type_t* b) {
  if (a->id != b->id) {
    return false;
  }
  if (a->id == ZCX_TYPE_EXTENSION) {
    return strcmp(a->extension_name, b->extension_name) == 0 &&
           a->extension_metadata_length == b->extension_metadata_length &&
           (a->extension_metadata_length == 0 ||
            memcmp(a->extension_metadata, b->extension_metadata,
                   (size_t)a->extension_metadata_length) == 0) &&
           zcxpy_type_same_layout(a->storage_type, b->storage_type);
  }
  if (a->id == ZCX_TYPE_DICTIONARY) {
    return zcxpy_type_same_layout(a->index_type, b->index_type) &&
           zcxpy_type_same_layout(a->value_type, b->value_type);
  }
  char fa[256];
  char fb[256];
  if (zcx_cdata_format(a, fa, sizeof(fa)) < 0 || zcx_cdata_format(b, fb, sizeof(fb)) < 0 ||
      strcmp(fa, fb) != 0 || a->num_children != b->num_children) {
    return false;
  }
  for (int32_t i = 0; i < a->num_children; i++) {
    if (!zcxpy_type_same_layout(a->children[i]->type, b->children[i]->type)) {
      return false;
    }
  }
  return true;
}

// Whether the requested field can describe a batch of `schema`: a struct whose children have
// the layouts of the schema's fields.
static bool zcxpy_request_fits_schema(const zcx_field_t* requested, const zcx_schema_t* schema) {
  const zcx_type_t* t = requested->type;
  if (t->id != ZCX_TYPE_STRUCT || t->num_children != schema->num_fields) {
    return false;
  }
  for (int32_t i = 0; i < t->num_children; i++) {
    if (!zcxpy_type_same_layout(t->children[i]->type, schema->fields[i]->type)) {
      return false;
    }
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Export

PyObject* zcxpy_export_schema_capsule(const zcx_field_t* field, const zcx_type_t* type,
                                      const zcx_schema_t* schema) {
  struct ArrowSchema* s = NULL;
  PyObject* capsule = zcxpy_schema_capsule_new(&s);
  if (capsule == NULL) {
    return NULL;
  }
  zcx_error_t err;
  zcx_error_init(&err);
  int rc = field != NULL    ? zcx_cdata_export_field(field, s, &err)
           : schema != NULL ? zcx_cdata_export_schema(schema, s, &err)
                            : zcx_cdata_export_type(type, "", s, &err);
  if (rc != 0) {
    Py_DECREF(capsule);
    return zcxpy_raise(rc, &err, PyExc_TypeError);
  }
  return capsule;
}

// The field the schema capsule of an export describes, from the method's arguments
// (requested_schema=None; `format` names the method: "|O:__arrow_c_array__"): the requested
// one when it fits the data, else NULL for the data's own. 0, or -1 with an exception set.
static int zcxpy_pick_schema(zcx_array_t* array, zcx_batch_t* batch, PyObject* args,
                             PyObject* kwargs, const char* format, zcx_field_t** chosen) {
  static char* kwlist[] = {"requested_schema", NULL};
  PyObject* requested = Py_None;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, format, kwlist, &requested)) {
    return -1;
  }
  zcx_field_t* req = NULL;
  if (zcxpy_requested_field(requested, &req) != 0) {
    return -1;
  }
  // A request the data does not fit is ignored, as the protocol allows: the consumer gets the
  // data in its own schema and may cast it.
  if (req != NULL && (batch != NULL ? !zcxpy_request_fits_schema(req, batch->schema)
                                    : !zcxpy_type_same_layout(req->type, array->type))) {
    zcx_field_release(req);
    req = NULL;
  }
  *chosen = req;
  return 0;
}

PyObject* zcxpy_export_array_capsules(zcx_array_t* array, const zcx_field_t* field,
                                      zcx_batch_t* batch, PyObject* args, PyObject* kwargs) {
  zcx_field_t* req = NULL;
  if (zcxpy_pick_schema(array, batch, args, kwargs, "|O:__arrow_c_array__", &req) != 0) {
    return NULL;
  }
  PyObject* schema_capsule =
      req != NULL ? zcxpy_export_schema_capsule(req, NULL, NULL)
      : batch != NULL ? zcxpy_export_schema_capsule(NULL, NULL, batch->schema)
                      : zcxpy_export_schema_capsule(field, array->type, NULL);
  zcx_field_release(req);
  if (schema_capsule == NULL) {
    return NULL;
  }
  struct ArrowArray* a = NULL;
  PyObject* array_capsule = zcxpy_array_capsule_new(&a);
  if (array_capsule == NULL) {
    Py_DECREF(schema_capsule);
    return NULL;
  }
  zcx_error_t err;
  zcx_error_init(&err);
  int rc = batch != NULL ? zcx_cdata_export_batch(batch, a, NULL, &err)
                         : zcx_cdata_export_array(array, a, NULL, &err);
  if (rc != 0) {
    Py_DECREF(schema_capsule);
    Py_DECREF(array_capsule);
    return zcxpy_raise(rc, &err, PyExc_TypeError);
  }
  PyObject* pair = PyTuple_Pack(2, schema_capsule, array_capsule);
  Py_DECREF(schema_capsule);
  Py_DECREF(array_capsule);
  return pair;
}

PyObject* zcxpy_export_stream_capsule(zcx_array_t* array, const zcx_field_t* field,
                                      zcx_batch_t* batch, PyObject* args, PyObject* kwargs) {
  zcx_field_t* req = NULL;
  if (zcxpy_pick_schema(array, batch, args, kwargs, "|O:__arrow_c_stream__", &req) != 0) {
    return NULL;
  }
  zcx_field_t* own = NULL;
  zcx_error_t err;
  zcx_error_init(&err);
  int rc = 0;
  if (req == NULL && batch == NULL && field == NULL) {
    rc = zcx_field_create("", array->type, true, NULL, &own, &err);
  }
  struct ArrowArrayStream* s = NULL;
  PyObject* capsule = rc == 0 ? zcxpy_stream_capsule_new(&s) : NULL;
  if (capsule != NULL) {
    const zcx_field_t* f = req != NULL ? req : own != NULL ? own : field;
    rc = zcxpy_stream_export(batch != NULL && req == NULL ? NULL : f, batch == NULL ? &array : NULL,
                             batch != NULL ? batch->schema : NULL,
                             batch != NULL ? &batch : NULL, 1, s, &err);
  }
  zcx_field_release(req);
  zcx_field_release(own);
  if (rc != 0) {
    Py_XDECREF(capsule);
    return zcxpy_raise(rc, &err, PyExc_TypeError);
  }
  return capsule;
}

// ---------------------------------------------------------------------------------------------
// Import

// Reads validate="full" | "cheap".
static int zcxpy_validate_arg(const char* text, zcx_validate_level_t* level) {
  if (text == NULL || strcmp(text, "full") == 0) {
    *level = ZCX_VALIDATE_FULL;
    return 0;
  }
  if (strcmp(text, "cheap") == 0) {
    *level = ZCX_VALIDATE_CHEAP;
    return 0;
  }
  PyErr_Format(PyExc_ValueError, "zcx.from_arrow: validate must be 'full' or 'cheap', got '%s'",
               text);
  return -1;
}

// A schema of the children of a struct field, with the field's metadata.
static int zcxpy_struct_schema(const zcx_field_t* field, zcx_schema_t** out, zcx_error_t* err) {
  const zcx_type_t* t = field->type;
  return zcx_schema_create(t->children, t->num_children, &field->metadata, out, err);
}

static PyObject* zcxpy_import_schema(struct ArrowSchema* s) {
  zcx_error_t err;
  zcx_error_init(&err);
  zcx_field_t* field = NULL;
  int rc = zcx_cdata_import_field(s, &field, &err);
  if (rc != 0) {
    return zcxpy_raise(rc, &err, PyExc_TypeError);
  }
  if (field->type->id != ZCX_TYPE_STRUCT) {
    return zcxpy_field_wrap(field);
  }
  zcx_schema_t* schema = NULL;
  rc = zcxpy_struct_schema(field, &schema, &err);
  zcx_field_release(field);
  if (rc != 0) {
    return zcxpy_raise(rc, &err, NULL);
  }
  return zcxpy_schema_wrap(schema);
}

// Imports an array with its schema: a struct array without top-level nulls becomes a
// RecordBatch, anything else an Array.
static PyObject* zcxpy_import_array(struct ArrowSchema* s, struct ArrowArray* a,
                                    zcx_validate_level_t level) {
  zcx_error_t err;
  zcx_error_init(&err);
  zcx_field_t* field = NULL;
  int rc = zcx_cdata_import_field(s, &field, &err);
  if (rc != 0) {
    return zcxpy_raise(rc, &err, PyExc_TypeError);
  }
  bool has_nulls = a->n_buffers > 0 && a->buffers != NULL && a->buffers[0] != NULL &&
                   a->null_count != 0;
  if (field->type->id == ZCX_TYPE_STRUCT && !has_nulls) {
    zcx_schema_t* schema = NULL;
    zcx_batch_t* batch = NULL;
    rc = zcxpy_struct_schema(field, &schema, &err);
    if (rc == 0) {
      rc = zcx_cdata_import_batch(a, schema, level, &batch, &err);
    }
    zcx_schema_release(schema);
    zcx_field_release(field);
    if (rc != 0) {
      return zcxpy_raise(rc, &err, PyExc_TypeError);
    }
    return zcxpy_batch_wrap(batch);
  }
  zcx_array_t* array = NULL;
  rc = zcx_cdata_import_array(a, field->type, level, &array, &err);
  if (rc != 0) {
    zcx_field_release(field);
    return zcxpy_raise(rc, &err, PyExc_TypeError);
  }
  return zcxpy_array_wrap(array, field);
}

// An empty RecordBatch of `schema` or empty Array of `field`'s type.
static PyObject* zcxpy_empty_of(zcx_schema_t* schema, const zcx_field_t* field) {
  zcx_error_t err;
  zcx_error_init(&err);
  if (schema == NULL) {
    zcx_array_t* array = NULL;
    int rc = zcx_array_make_nulls(field->type, 0, NULL, &array, &err);
    if (rc != 0) {
      return zcxpy_raise(rc, &err, NULL);
    }
    zcx_field_retain((zcx_field_t*)field);
    return zcxpy_array_wrap(array, (zcx_field_t*)field);
  }
  int32_t n = schema->num_fields;
  zcx_array_t** cols = PyMem_Calloc(n > 0 ? (size_t)n : 1, sizeof(*cols));
  if (cols == NULL) {
    return PyErr_NoMemory();
  }
  int rc = 0;
  for (int32_t i = 0; rc == 0 && i < n; i++) {
    rc = zcx_array_make_nulls(schema->fields[i]->type, 0, NULL, &cols[i], &err);
  }
  zcx_batch_t* batch = NULL;
  if (rc == 0) {
    rc = zcx_batch_create(schema, cols, n, 0, &batch, &err);
  }
  for (int32_t i = 0; i < n; i++) {
    zcx_array_release(cols[i]);
  }
  PyMem_Free(cols);
  if (rc != 0) {
    return zcxpy_raise(rc, &err, NULL);
  }
  return zcxpy_batch_wrap(batch);
}

// A RecordBatch of `schema` from a struct array without nulls (its children sliced by the
// struct's offset and length), or an Array of `field` for any other array. Takes `array`.
static PyObject* zcxpy_wrap_item(zcx_array_t* array, const zcx_field_t* field,
                                 zcx_schema_t* schema) {
  if (schema == NULL || zcx_array_null_count(array) != 0) {
    zcx_field_retain((zcx_field_t*)field);
    return zcxpy_array_wrap(array, (zcx_field_t*)field);
  }
  zcx_error_t err;
  zcx_error_init(&err);
  int32_t n = array->num_children;
  zcx_array_t** cols = PyMem_Calloc(n > 0 ? (size_t)n : 1, sizeof(*cols));
  if (cols == NULL) {
    zcx_array_release(array);
    return PyErr_NoMemory();
  }
  int rc = 0;
  for (int32_t i = 0; rc == 0 && i < n; i++) {
    rc = zcx_array_slice(array->children[i], array->offset, array->length, &cols[i], &err);
  }
  zcx_batch_t* batch = NULL;
  if (rc == 0) {
    rc = zcx_batch_create(schema, cols, n, array->length, &batch, &err);
  }
  for (int32_t i = 0; i < n; i++) {
    zcx_array_release(cols[i]);
  }
  PyMem_Free(cols);
  zcx_array_release(array);
  if (rc != 0) {
    return zcxpy_raise(rc, &err, NULL);
  }
  return zcxpy_batch_wrap(batch);
}

// Reads every item of a stream into a list (RecordBatch for struct arrays without nulls, else
// Array); with `single`, returns the one item instead (an empty one for an empty stream,
// ValueError for more than one).
static PyObject* zcxpy_import_stream(struct ArrowArrayStream* s, zcx_validate_level_t level,
                                     bool single) {
  zcx_error_t err;
  zcx_error_init(&err);
  zcx_cdata_reader_t* reader = NULL;
  int rc = zcx_cdata_reader_create(s, level, &reader, &err);
  if (rc != 0) {
    return zcxpy_raise(rc, &err, PyExc_TypeError);
  }
  zcx_schema_t* schema = zcx_cdata_reader_schema(reader);
  const zcx_field_t* field = zcx_cdata_reader_field(reader);
  PyObject* list = PyList_New(0);
  while (list != NULL) {
    zcx_array_t* array = NULL;
    rc = zcx_cdata_reader_next_array(reader, &array, &err);
    if (rc == 0 && array == NULL) {
      break;
    }
    PyObject* item =
        rc == 0 ? zcxpy_wrap_item(array, field, schema) : zcxpy_raise(rc, &err, PyExc_TypeError);
    if (item == NULL || PyList_Append(list, item) != 0) {
      Py_XDECREF(item);
      Py_CLEAR(list);
      break;
    }
    Py_DECREF(item);
  }
  PyObject* result = list;
  if (list != NULL && single) {
    Py_ssize_t n = PyList_GET_SIZE(list);
    if (n == 1) {
      result = PyList_GET_ITEM(list, 0);
      Py_INCREF(result);
    } else if (n == 0) {
      result = zcxpy_empty_of(schema, field);
    } else {
      result = NULL;
      PyErr_Format(PyExc_ValueError,
                   "zcx.from_arrow: the stream held %zd batches; zcx.read_stream(obj) returns "
                   "them all",
                   n);
    }
    Py_DECREF(list);
  }
  zcx_cdata_reader_destroy(reader);
  return result;
}

// Calls obj.<method>() and returns its result, or NULL with an exception.
static PyObject* zcxpy_call_protocol(PyObject* obj, const char* method) {
  PyObject* fn = PyObject_GetAttrString(obj, method);
  if (fn == NULL) {
    return NULL;
  }
  PyObject* r = PyObject_CallNoArgs(fn);
  Py_DECREF(fn);
  return r;
}

static PyObject* zcxpy_import_any(PyObject* obj, zcx_validate_level_t level, bool single) {
  PyObject* owned = NULL;
  PyObject* result = NULL;
  if (PyCapsule_CheckExact(obj)) {
    Py_INCREF(obj);
    owned = obj;
  } else if (PyObject_HasAttrString(obj, "__arrow_c_stream__")) {
    owned = zcxpy_call_protocol(obj, "__arrow_c_stream__");
  } else if (!single) {
    return PyErr_Format(PyExc_TypeError,
                        "zcx.read_stream: %.200s has no __arrow_c_stream__ method",
                        Py_TYPE(obj)->tp_name);
  } else if (PyObject_HasAttrString(obj, "__arrow_c_array__")) {
    owned = zcxpy_call_protocol(obj, "__arrow_c_array__");
  } else if (PyObject_HasAttrString(obj, "__arrow_c_schema__")) {
    owned = zcxpy_call_protocol(obj, "__arrow_c_schema__");
  } else if (PyTuple_Check(obj)) {
    Py_INCREF(obj);
    owned = obj;
  } else {
    return PyErr_Format(PyExc_TypeError,
                        "zcx.from_arrow: %.200s has none of __arrow_c_stream__, "
                        "__arrow_c_array__, __arrow_c_schema__",
                        Py_TYPE(obj)->tp_name);
  }
  if (owned == NULL) {
    return NULL;
  }
  if (PyTuple_Check(owned)) {
    // (schema capsule, array capsule), as __arrow_c_array__ returns them.
    if (PyTuple_GET_SIZE(owned) != 2) {
      PyErr_Format(PyExc_TypeError,
                   "zcx.from_arrow: __arrow_c_array__ must give (schema, array) capsules, got a "
                   "tuple of %zd",
                   PyTuple_GET_SIZE(owned));
    } else {
      struct ArrowSchema* s =
          zcxpy_capsule_struct(PyTuple_GET_ITEM(owned, 0), zcxpy_capsule_schema, "schema");
      struct ArrowArray* a =
          s == NULL ? NULL
                    : zcxpy_capsule_struct(PyTuple_GET_ITEM(owned, 1), zcxpy_capsule_array,
                                           "array");
      if (a != NULL) {
        result = zcxpy_import_array(s, a, level);
      }
    }
  } else if (!PyCapsule_CheckExact(owned)) {
    PyErr_Format(PyExc_TypeError, "zcx.from_arrow: the protocol method gave %.200s, not a "
                 "PyCapsule", Py_TYPE(owned)->tp_name);
  } else {
    const char* name = PyCapsule_GetName(owned);
    if (name != NULL && strcmp(name, zcxpy_capsule_stream) == 0) {
      struct ArrowArrayStream* s = zcxpy_capsule_struct(owned, zcxpy_capsule_stream, "stream");
      result = s == NULL ? NULL : zcxpy_import_stream(s, level, single);
    } else if (name != NULL && strcmp(name, zcxpy_capsule_schema) == 0 && single) {
      struct ArrowSchema* s = zcxpy_capsule_struct(owned, zcxpy_capsule_schema, "schema");
      result = s == NULL ? NULL : zcxpy_import_schema(s);
    } else if (!PyErr_Occurred()) {
      PyErr_Format(PyExc_TypeError,
                   "zcx: cannot import a capsule named '%s' here (an 'arrow_array' needs its "
                   "'arrow_schema': pass the pair)",
                   name != NULL ? name : "(null)");
    }
  }
  Py_DECREF(owned);
  return result;
}

// Parses the arguments (obj, *, validate=None) of an import function; `format` is the
// PyArg format naming it ("O|$s:from_arrow").
static int zcxpy_import_args(PyObject* args, PyObject* kwargs, const char* format,
                             PyObject** obj, zcx_validate_level_t* level) {
  static char* kwlist[] = {"obj", "validate", NULL};
  const char* validate = NULL;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, format, kwlist, obj, &validate)) {
    return -1;
  }
  return zcxpy_validate_arg(validate, level);
}

static PyObject* zcxpy_from_arrow(PyObject* module, PyObject* args, PyObject* kwargs) {
  (void)module;
  PyObject* obj = NULL;
  zcx_validate_level_t level;
  if (zcxpy_import_args(args, kwargs, "O|$s:from_arrow", &obj, &level) != 0) {
    return NULL;
  }
  return zcxpy_import_any(obj, level, true);
}

static PyObject* zcxpy_read_stream(PyObject* module, PyObject* args, PyObject* kwargs) {
  (void)module;
  PyObject* obj = NULL;
  zcx_validate_level_t level;
  if (zcxpy_import_args(args, kwargs, "O|$s:read_stream", &obj, &level) != 0) {
    return NULL;
  }
  if (PyCapsule_CheckExact(obj)) {
    const char* name = PyCapsule_GetName(obj);
    if (name == NULL || strcmp(name, zcxpy_capsule_stream) != 0) {
      PyErr_Clear();
      return PyErr_Format(PyExc_TypeError,
                          "zcx.read_stream: the capsule is named '%s', not 'arrow_array_stream'",
                          name != NULL ? name : "(null)");
    }
  }
  return zcxpy_import_any(obj, level, false);
}

// zcx.export_stream(items): one stream of several batches (or arrays) of one schema.
static PyObject* zcxpy_export_stream(PyObject* module, PyObject* obj) {
  (void)module;
  PyObject* seq = PySequence_Fast(obj, "zcx.export_stream: a sequence of RecordBatch or Array");
  if (seq == NULL) {
    return NULL;
  }
  Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
  if (n == 0) {
    Py_DECREF(seq);
    return PyErr_Format(PyExc_ValueError,
                        "zcx.export_stream: at least one item is needed (it gives the schema)");
  }
  PyObject* first = PySequence_Fast_GET_ITEM(seq, 0);
  bool batches = PyObject_TypeCheck(first, &zcxpy_batch_type);
  void** items = PyMem_Calloc((size_t)n, sizeof(void*));
  if (items == NULL) {
    Py_DECREF(seq);
    return PyErr_NoMemory();
  }
  for (Py_ssize_t i = 0; i < n; i++) {
    PyObject* item = PySequence_Fast_GET_ITEM(seq, i);
    if (batches && PyObject_TypeCheck(item, &zcxpy_batch_type)) {
      zcx_batch_t* b = ((zcxpy_batch_t*)item)->batch;
      zcx_batch_t* b0 = ((zcxpy_batch_t*)first)->batch;
      if (!zcx_schema_equal(b->schema, b0->schema)) {
        PyErr_Format(PyExc_ValueError, "zcx.export_stream: batch %zd has another schema than "
                     "batch 0", i);
        break;
      }
      items[i] = b;
    } else if (!batches && PyObject_TypeCheck(item, &zcxpy_array_type)) {
      zcx_array_t* a = ((zcxpy_array_t*)item)->array;
      if (!zcx_type_equal(a->type, ((zcxpy_array_t*)first)->array->type)) {
        PyErr_Format(PyExc_ValueError, "zcx.export_stream: array %zd has another type than "
                     "array 0", i);
        break;
      }
      items[i] = a;
    } else {
      PyErr_Format(PyExc_TypeError, "zcx.export_stream: item %zd is a %.200s; all items must "
                   "be %s", i, Py_TYPE(item)->tp_name, batches ? "RecordBatch" : "Array");
      break;
    }
  }
  PyObject* capsule = NULL;
  zcx_field_t* field = NULL;
  zcx_error_t err;
  zcx_error_init(&err);
  int rc = 0;
  if (!PyErr_Occurred() && !batches) {
    zcxpy_array_t* a0 = (zcxpy_array_t*)first;
    field = a0->field;
    if (field != NULL) {
      zcx_field_retain(field);
    } else {
      rc = zcx_field_create("", a0->array->type, true, NULL, &field, &err);
    }
  }
  struct ArrowArrayStream* st = NULL;
  if (!PyErr_Occurred() && rc == 0) {
    capsule = zcxpy_stream_capsule_new(&st);
  }
  if (capsule != NULL) {
    rc = zcxpy_stream_export(field, batches ? NULL : (zcx_array_t* const*)items,
                             batches ? ((zcxpy_batch_t*)first)->batch->schema : NULL,
                             batches ? (zcx_batch_t* const*)items : NULL, (int64_t)n, st, &err);
  }
  zcx_field_release(field);
  PyMem_Free(items);
  Py_DECREF(seq);
  if (rc != 0) {
    Py_XDECREF(capsule);
    return zcxpy_raise(rc, &err, NULL);
  }
  return capsule;
}

static PyMethodDef zcxpy_capsule_functions[] = {
    {"from_arrow", (PyCFunction)(void (*)(void))zcxpy_from_arrow, METH_VARARGS | METH_KEYWORDS,
     "from_arrow(obj, *, validate='full') -> RecordBatch | Array | Schema | Field\n\n"
     "Imports, without copying, any object of the Arrow PyCapsule interface: through\n"
     "__arrow_c_stream__ if it has one (the stream must hold one batch or array; an empty\n"
     "stream gives an empty one), else __arrow_c_array__, else __arrow_c_schema__. Also\n"
     "takes the capsules themselves (a stream capsule, a schema capsule, or the (schema,\n"
     "array) pair). A struct array without top-level nulls becomes a RecordBatch; other\n"
     "arrays an Array; a struct schema a Schema, others a Field. The producer's memory is\n"
     "released exactly once, when the last zcx object using it is gone. validate='full'\n"
     "checks every offset and index of the data (O(n)); 'cheap' trusts the producer for\n"
     "them and checks only sizes and counts."},
    {"read_stream", (PyCFunction)(void (*)(void))zcxpy_read_stream, METH_VARARGS | METH_KEYWORDS,
     "read_stream(obj, *, validate='full') -> list\n\n"
     "Every batch (RecordBatch for struct streams, else Array) of obj.__arrow_c_stream__()\n"
     "or of an 'arrow_array_stream' capsule."},
    {"export_stream", (PyCFunction)zcxpy_export_stream, METH_O,
     "export_stream(items) -> PyCapsule 'arrow_array_stream'\n\n"
     "One stream of several RecordBatches of one schema (or Arrays of one type), without\n"
     "copying; the stream holds them until its consumer releases it."},
    {NULL, NULL, 0, NULL},
};

int zcxpy_capsule_register(PyObject* module) {
  return PyModule_AddFunctions(module, zcxpy_capsule_functions);
}
