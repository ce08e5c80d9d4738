// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// zcx.read_ipc, zcx.IpcFileReader, zcx.write_ipc and zcx.ipc_bytes: the Arrow IPC stream and
// file formats, read without copying from mapped files and from Python buffers.
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipc_internal.h"

// ---------------------------------------------------------------------------------------------
// Arguments shared with shm.c

int zcxpy_batches_arg(PyObject* obj, const char* fn, zcx_batch_t*** out, Py_ssize_t* n) {
  *out = NULL;
  *n = 0;
  PyObject* list = NULL;
  if (PyObject_TypeCheck(obj, &zcxpy_batch_type)) {
    list = PyList_New(1);
    if (list != NULL) {
      Py_INCREF(obj);
      PyList_SET_ITEM(list, 0, obj);
    }
  } else {
    list = PySequence_List(obj);
    if (list == NULL && PyErr_ExceptionMatches(PyExc_TypeError)) {
      PyErr_Clear();
      PyErr_Format(PyExc_TypeError,
                   "zcx.%s: batches must be a zcx.RecordBatch or an iterable of them, got %.200s",
                   fn, Py_TYPE(obj)->tp_name);
    }
  }
  if (list == NULL) {
    return -1;
  }
  Py_ssize_t count = PyList_GET_SIZE(list);
  zcx_batch_t** batches = PyMem_Calloc(count > 0 ? (size_t)count : 1, sizeof(*batches));
  if (batches == NULL) {
    Py_DECREF(list);
    PyErr_NoMemory();
    return -1;
  }
  for (Py_ssize_t i = 0; i < count; i++) {
    PyObject* item = PyList_GET_ITEM(list, i);
    if (!PyObject_TypeCheck(item, &zcxpy_batch_type)) {
      PyErr_Format(PyExc_TypeError, "zcx.%s: batch %zd is a %.200s, not a zcx.RecordBatch", fn,
                   i, Py_TYPE(item)->tp_name);
      zcxpy_batches_free(batches, i);
      Py_DECREF(list);
      return -1;
    }
    batches[i] = ((zcxpy_batch_t*)item)->batch;
    zcx_batch_retain(batches[i]);
  }
  Py_DECREF(list);
  *out = batches;
  *n = count;
  return 0;
}

void zcxpy_batches_free(zcx_batch_t** batches, Py_ssize_t n) {
  for (Py_ssize_t i = 0; batches != NULL && i < n; i++) {
    zcx_batch_release(batches[i]);
  }
  PyMem_Free(batches);
}

PyObject* zcxpy_batch_list(zcx_batch_t** batches, int64_t n) {
  PyObject* list = PyList_New((Py_ssize_t)n);
  for (int64_t i = 0; i < n; i++) {
    zcx_batch_t* b = batches[i];
    batches[i] = NULL;
    PyObject* item = list != NULL ? zcxpy_batch_wrap(b) : NULL;
    if (list == NULL) {
      zcx_batch_release(b);
    } else if (item == NULL) {
      Py_CLEAR(list);
    } else {
      PyList_SET_ITEM(list, (Py_ssize_t)i, item);
    }
  }
  return list;
}

PyObject* zcxpy_ipc_metadata_dict(const zcx_metadata_t* metadata) {
  PyObject* d = PyDict_New();
  for (int32_t i = 0; d != NULL && metadata != NULL && i < metadata->count; i++) {
    PyObject* v = PyUnicode_DecodeUTF8(metadata->values[i], (Py_ssize_t)strlen(metadata->values[i]),
                                       "surrogateescape");
    if (v == NULL || PyDict_SetItemString(d, metadata->keys[i], v) != 0) {
      Py_XDECREF(v);
      Py_CLEAR(d);
      break;
    }
    Py_DECREF(v);
  }
  return d;
}

int zcxpy_ipc_metadata_arg(PyObject* obj, const char* fn, zcx_metadata_t* out) {
  zcx_metadata_init(out);
  if (obj == NULL || obj == Py_None) {
    return 0;
  }
  if (!PyDict_Check(obj)) {
    PyErr_Format(PyExc_TypeError, "zcx.%s: metadata must be a dict of str or None, got %.200s",
                 fn, Py_TYPE(obj)->tp_name);
    return -1;
  }
  Py_ssize_t pos = 0;
  PyObject* key;
  PyObject* value;
  while (PyDict_Next(obj, &pos, &key, &value)) {
    if (!PyUnicode_Check(key) || !PyUnicode_Check(value)) {
      PyErr_Format(PyExc_TypeError, "zcx.%s: metadata keys and values must be str, got %.200s: "
                   "%.200s", fn, Py_TYPE(key)->tp_name, Py_TYPE(value)->tp_name);
      zcx_metadata_reset(out);
      return -1;
    }
    Py_ssize_t klen = 0;
    Py_ssize_t vlen = 0;
    const char* k = PyUnicode_AsUTF8AndSize(key, &klen);
    const char* v = k != NULL ? PyUnicode_AsUTF8AndSize(value, &vlen) : NULL;
    if (v == NULL) {
      zcx_metadata_reset(out);
      return -1;
    }
    if ((size_t)klen != strlen(k) || (size_t)vlen != strlen(v)) {
      PyErr_Format(PyExc_ValueError, "zcx.%s: metadata key %R or its value holds a NUL "
                   "character", fn, key);
      zcx_metadata_reset(out);
      return -1;
    }
    zcx_error_t err;
    zcx_error_init(&err);
    int rc = zcx_metadata_append(out, k, v, &err);
    if (rc != 0) {
      zcx_metadata_reset(out);
      zcxpy_raise(rc, &err, NULL);
      return -1;
    }
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Inputs: a path or a Python buffer

// Keeps a Py_buffer alive for as long as a zcx buffer borrows its memory.
static void zcxpy_ipc_view_release(void* ctx, void* data, int64_t size) {
  (void)data;
  (void)size;
  Py_buffer* view = ctx;
  if (!Py_IsInitialized()) {
    return;  // the interpreter is gone: nothing left to release
  }
  // zcx may drop its last reference on any thread, with or without the GIL.
  PyGILState_STATE state = PyGILState_Ensure();
  PyBuffer_Release(view);
  PyMem_RawFree(view);
  PyGILState_Release(state);
}

// Reads a source argument: a path (str or os.PathLike: *path receives it encoded as a bytes
// object) or a C-contiguous bytes-like object (*data receives a zcx buffer that borrows its
// memory and keeps it alive, flagged read-only when the object's buffer is, as for bytes; a
// bytearray stays writable). -1 with an exception set.
static int zcxpy_ipc_source(PyObject* obj, const char* fn, PyObject** path, zcx_buffer_t** data) {
  *path = NULL;
  *data = NULL;
  if (PyUnicode_Check(obj) || PyObject_HasAttrString(obj, "__fspath__")) {
    PyObject* fs = PyOS_FSPath(obj);
    if (fs == NULL) {
      return -1;
    }
    int ok = PyUnicode_FSConverter(fs, path);
    Py_DECREF(fs);
    return ok ? 0 : -1;
  }
  if (!PyObject_CheckBuffer(obj)) {
    PyErr_Format(PyExc_TypeError,
                 "zcx.%s: expected a path (str or os.PathLike) or a bytes-like object, got "
                 "%.200s", fn, Py_TYPE(obj)->tp_name);
    return -1;
  }
  Py_buffer* view = PyMem_RawCalloc(1, sizeof(*view));
  if (view == NULL) {
    PyErr_NoMemory();
    return -1;
  }
  if (PyObject_GetBuffer(obj, view, PyBUF_SIMPLE) != 0) {
    PyMem_RawFree(view);
    return -1;
  }
  zcx_error_t err;
  zcx_error_init(&err);
  int rc = zcx_buffer_wrap(view->buf, (int64_t)view->len, zcx_device_cpu(),
                           view->readonly ? ZCX_BUFFER_READONLY : 0, zcxpy_ipc_view_release, view,
                           data, &err);
  if (rc != 0) {
    PyBuffer_Release(view);
    PyMem_RawFree(view);
    zcxpy_raise(rc, &err, NULL);
    return -1;
  }
  return 0;
}

// copy_on_write=True maps a file privately; a bytes-like source is not mapped by zcx, so the
// argument would do nothing there: ValueError (and *data released) rather than a silent no-op.
static int zcxpy_ipc_check_copy_on_write(const char* fn, int copy_on_write, PyObject* path,
                                         zcx_buffer_t** data) {
  if (copy_on_write == 0 || path != NULL) {
    return 0;
  }
  zcx_buffer_release(*data);
  *data = NULL;
  PyErr_Format(PyExc_ValueError,
               "zcx.%s: copy_on_write=True applies to a path (the file is mapped privately); a "
               "bytes-like source is used as it is (a bytearray gives writable arrays, bytes "
               "read-only ones)", fn);
  return -1;
}

// Whether the file at `path` starts with the Arrow file magic "ARROW1" (else it is read as a
// stream). @return 0; errno of open or read.
static int zcxpy_ipc_path_is_file(const char* path, bool* is_file, zcx_error_t* err) {
  *is_file = false;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    return zcx_error_fail(err, e, "cannot open '%s': %s", path, strerror(e));
  }
  char magic[6];
  size_t got = 0;
  while (got < sizeof(magic)) {
    ssize_t r = read(fd, magic + got, sizeof(magic) - got);
    if (r < 0 && errno == EINTR) {
      continue;
    }
    if (r < 0) {
      int e = errno;
      close(fd);
      return zcx_error_fail(err, e, "cannot read '%s': %s", path, strerror(e));
    }
    if (r == 0) {
      break;
    }
    got += (size_t)r;
  }
  close(fd);
  *is_file = got == sizeof(magic) && memcmp(magic, "ARROW1", sizeof(magic)) == 0;
  return 0;
}

// Reads every batch of the file or stream at `path`, mapped read-only: *batches (free()
// the array, release the batches) receives *count batches. Runs without the GIL.
static int zcxpy_ipc_read_path(const char* path, const zcx_ipc_read_options_t* options,
                               zcx_batch_t*** batches, int64_t* count, zcx_error_t* err) {
  *batches = NULL;
  *count = 0;
  bool is_file = false;
  ZCX_RETURN_IF_ERROR(zcxpy_ipc_path_is_file(path, &is_file, err));
  zcx_batch_t** out = NULL;
  int64_t n = 0;
  int rc = 0;
  if (is_file) {
    zcx_ipc_file_reader_t* r = NULL;
    ZCX_RETURN_IF_ERROR(zcx_ipc_file_reader_open_path(path, options, &r, err));
    int64_t total = zcx_ipc_file_reader_num_batches(r);
    out = calloc(total > 0 ? (size_t)total : 1, sizeof(*out));
    if (out == NULL) {
      rc = zcx_error_fail(err, ENOMEM, "'%s': no memory for %lld batches", path,
                          (long long)total);
    }
    for (; rc == 0 && n < total; n++) {
      rc = zcx_ipc_file_reader_read(r, n, &out[n], err);
    }
    zcx_ipc_file_reader_destroy(r);
  } else {
    zcx_ipc_reader_t* r = NULL;
    ZCX_RETURN_IF_ERROR(zcx_ipc_reader_open_path(path, options, &r, err));
    int64_t cap = 0;
    for (;;) {
      zcx_batch_t* b = NULL;
      rc = zcx_ipc_reader_next(r, &b, err);
      if (rc != 0 || b == NULL) {
        break;
      }
      if (n == cap) {
        int64_t grown = cap > 0 ? cap * 2 : 8;
        zcx_batch_t** more = realloc(out, (size_t)grown * sizeof(*out));
        if (more == NULL) {
          zcx_batch_release(b);
          rc = zcx_error_fail(err, ENOMEM, "'%s': no memory for %lld batches", path,
                              (long long)grown);
          break;
        }
        out = more;
        cap = grown;
      }
      out[n++] = b;
    }
    zcx_ipc_reader_destroy(r);
  }
  if (rc != 0) {
    for (int64_t i = 0; out != NULL && i < n; i++) {
      zcx_batch_release(out[i]);
    }
    free(out);
    zcx_error_prefix(err, "'%s': ", path);
    return rc;
  }
  *batches = out;
  *count = n;
  return 0;
}

static PyObject* zcxpy_read_ipc(PyObject* module, PyObject* args, PyObject* kwargs) {
  (void)module;
  static char* kwlist[] = {"source", "trusted", "copy_on_write", NULL};
  PyObject* source = NULL;
  int trusted = 0;
  int copy_on_write = 0;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|p$p:read_ipc", kwlist, &source, &trusted,
                                   &copy_on_write)) {
    return NULL;
  }
  PyObject* path = NULL;
  zcx_buffer_t* data = NULL;
  if (zcxpy_ipc_source(source, "read_ipc", &path, &data) != 0) {
    return NULL;
  }
  if (zcxpy_ipc_check_copy_on_write("read_ipc", copy_on_write, path, &data) != 0) {
    return NULL;
  }
  zcx_ipc_read_options_t options;
  zcx_ipc_read_options_init(&options);
  options.trusted = trusted != 0;
  options.copy_on_write = copy_on_write != 0;
  zcx_error_t err;
  zcx_error_init(&err);
  zcx_batch_t** batches = NULL;
  int64_t count = 0;
  int rc = 0;
  const char* p = path != NULL ? PyBytes_AS_STRING(path) : NULL;
  Py_BEGIN_ALLOW_THREADS
  if (p != NULL) {
    rc = zcxpy_ipc_read_path(p, &options, &batches, &count, &err);
  } else {
    rc = zcx_ipc_read_all(data, &options, NULL, &batches, &count, &err);
  }
  Py_END_ALLOW_THREADS
  Py_XDECREF(path);
  zcx_buffer_release(data);  // the batches hold their own references
  if (rc != 0) {
    return zcxpy_raise(rc, &err, NULL);
  }
  PyObject* list = zcxpy_batch_list(batches, count);
  free(batches);  // zcx_ipc_read_all's array comes from malloc as well
  return list;
}

// ---------------------------------------------------------------------------------------------
// zcx.IpcFileReader


static int zcxpy_file_reader_init(zcxpy_file_reader_t* self, PyObject* args, PyObject* kwargs) {
  static char* kwlist[] = {"source", "trusted", "copy_on_write", NULL};
  PyObject* source = NULL;
  int trusted = 0;
  int copy_on_write = 0;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|p$p:IpcFileReader", kwlist, &source,
                                   &trusted, &copy_on_write)) {
    return -1;
  }
  PyObject* path = NULL;
  zcx_buffer_t* data = NULL;
  if (zcxpy_ipc_source(source, "IpcFileReader", &path, &data) != 0) {
    return -1;
  }
  if (zcxpy_ipc_check_copy_on_write("IpcFileReader", copy_on_write, path, &data) != 0) {
    return -1;
  }
  zcx_ipc_read_options_t options;
  zcx_ipc_read_options_init(&options);
  options.trusted = trusted != 0;
  options.copy_on_write = copy_on_write != 0;
  zcx_error_t err;
  zcx_error_init(&err);
  zcx_ipc_file_reader_t* reader = NULL;
  int rc;
  const char* p = path != NULL ? PyBytes_AS_STRING(path) : NULL;
  Py_BEGIN_ALLOW_THREADS
  if (p != NULL) {
    rc = zcx_ipc_file_reader_open_path(p, &options, &reader, &err);
    if (rc != 0) {
      zcx_error_prefix(&err, "'%s': ", p);
    }
  } else {
    rc = zcx_ipc_file_reader_open_buffer(data, &options, &reader, &err);
  }
  Py_END_ALLOW_THREADS
  Py_XDECREF(path);
  zcx_buffer_release(data);
  if (rc != 0) {
    zcxpy_raise(rc, &err, NULL);
    return -1;
  }
  zcx_ipc_file_reader_destroy(self->reader);  // __init__ called again
  self->reader = reader;
  return 0;
}

void zcxpy_file_reader_dealloc(zcxpy_file_reader_t* self) {
  zcx_ipc_file_reader_destroy(self->reader);
  Py_TYPE(self)->tp_free((PyObject*)self);
}

// The open reader, or NULL with ValueError.
static zcx_ipc_file_reader_t* zcxpy_file_reader_get(zcxpy_file_reader_t* self) {
  if (self->reader == NULL) {
    PyErr_Format(PyExc_ValueError, "%s: closed", Py_TYPE(self)->tp_name);
  }
  return self->reader;
}

static Py_ssize_t zcxpy_file_reader_length(zcxpy_file_reader_t* self) {
  zcx_ipc_file_reader_t* r = zcxpy_file_reader_get(self);
  return r == NULL ? -1 : (Py_ssize_t)zcx_ipc_file_reader_num_batches(r);
}

static PyObject* zcxpy_file_reader_item(zcxpy_file_reader_t* self, Py_ssize_t i) {
  zcx_ipc_file_reader_t* r = zcxpy_file_reader_get(self);
  if (r == NULL) {
    return NULL;
  }
  int64_t n = zcx_ipc_file_reader_num_batches(r);
  if (i < 0 || (int64_t)i >= n) {
    PyErr_Format(PyExc_IndexError, "%s: batch %zd out of range for %lld batches",
                 Py_TYPE(self)->tp_name, i, (long long)n);
    return NULL;
  }
  zcx_error_t err;
  zcx_error_init(&err);
  zcx_batch_t* b = NULL;
  // The GIL stays held: it keeps other threads off this reader while it reads.
  int rc = zcx_ipc_file_reader_read(r, (int64_t)i, &b, &err);
  if (rc != 0) {
    return zcxpy_raise(rc, &err, NULL);
  }
  return zcxpy_batch_wrap(b);
}

static PyObject* zcxpy_file_reader_subscript(zcxpy_file_reader_t* self, PyObject* key) {
  Py_ssize_t i = PyNumber_AsSsize_t(key, PyExc_IndexError);
  if (i == -1 && PyErr_Occurred()) {
    return NULL;
  }
  if (i < 0) {
    Py_ssize_t n = zcxpy_file_reader_length(self);
    if (n < 0) {
      return NULL;
    }
    i += n;
    if (i < 0) {
      PyErr_Format(PyExc_IndexError, "%s: batch %zd out of range for %zd batches",
                   Py_TYPE(self)->tp_name, i - n, n);
      return NULL;
    }
  }
  return zcxpy_file_reader_item(self, i);
}

static PyObject* zcxpy_file_reader_read(zcxpy_file_reader_t* self, PyObject* key) {
  return zcxpy_file_reader_subscript(self, key);
}

static PyObject* zcxpy_file_reader_read_all(zcxpy_file_reader_t* self, PyObject* unused) {
  (void)unused;
  Py_ssize_t n = zcxpy_file_reader_length(self);
  if (n < 0) {
    return NULL;
  }
  PyObject* list = PyList_New(n);
  for (Py_ssize_t i = 0; list != NULL && i < n; i++) {
    PyObject* b = zcxpy_file_reader_item(self, i);
    if (b == NULL) {
      Py_CLEAR(list);
    } else {
      PyList_SET_ITEM(list, i, b);
    }
  }
  return list;
}

static PyObject* zcxpy_file_reader_get_schema(zcxpy_file_reader_t* self, void* closure) {
  (void)closure;
  zcx_ipc_file_reader_t* r = zcxpy_file_reader_get(self);
  if (r == NULL) {
    return NULL;
  }
  zcx_schema_t* s = zcx_ipc_file_reader_schema(r);
  zcx_schema_retain(s);
  return zcxpy_schema_wrap(s);
}

static PyObject* zcxpy_file_reader_get_num_batches(zcxpy_file_reader_t* self, void* closure) {
  (void)closure;
  Py_ssize_t n = zcxpy_file_reader_length(self);
  return n < 0 ? NULL : PyLong_FromSsize_t(n);
}

static PyObject* zcxpy_file_reader_get_metadata(zcxpy_file_reader_t* self, void* closure) {
  (void)closure;
  zcx_ipc_file_reader_t* r = zcxpy_file_reader_get(self);
  return r == NULL ? NULL : zcxpy_ipc_metadata_dict(zcx_ipc_file_reader_metadata(r));
}

static PyObject* zcxpy_file_reader_get_closed(zcxpy_file_reader_t* self, void* closure) {
  (void)closure;
  return PyBool_FromLong(self->reader == NULL);
}

static PyObject* zcxpy_file_reader_close(zcxpy_file_reader_t* self, PyObject* unused) {
  (void)unused;
  zcx_ipc_file_reader_destroy(self->reader);
  self->reader = NULL;
  Py_RETURN_NONE;
}

static PyObject* zcxpy_file_reader_enter(zcxpy_file_reader_t* self, PyObject* unused) {
  (void)unused;
  if (zcxpy_file_reader_get(self) == NULL) {
    return NULL;
  }
  Py_INCREF(self);
  return (PyObject*)self;
}

static PyObject* zcxpy_file_reader_exit(zcxpy_file_reader_t* self, PyObject* args) {
  (void)args;
  return zcxpy_file_reader_close(self, NULL);
}

static PyObject* zcxpy_file_reader_repr(zcxpy_file_reader_t* self) {
  if (self->reader == NULL) {
    return PyUnicode_FromFormat("<%s closed>", Py_TYPE(self)->tp_name);
  }
  return PyUnicode_FromFormat("<%s num_batches=%lld num_columns=%d>", Py_TYPE(self)->tp_name,
                              (long long)zcx_ipc_file_reader_num_batches(self->reader),
                              (int)zcx_ipc_file_reader_schema(self->reader)->num_fields);
}

static PyMethodDef zcxpy_file_reader_methods[] = {
    {"read", (PyCFunction)zcxpy_file_reader_read, METH_O,
     "read(i) -> RecordBatch\n\nBatch i (negative: from the end), as reader[i]."},
    {"read_all", (PyCFunction)zcxpy_file_reader_read_all, METH_NOARGS,
     "read_all() -> list[RecordBatch]\n\nEvery batch, in order."},
    {"close", (PyCFunction)zcxpy_file_reader_close, METH_NOARGS,
     "close()\n\nCloses the reader. Batches already read stay valid (they keep the mapping\n"
     "alive)."},
    {"__enter__", (PyCFunction)zcxpy_file_reader_enter, METH_NOARGS, NULL},
    {"__exit__", (PyCFunction)zcxpy_file_reader_exit, METH_VARARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef zcxpy_file_reader_getset[] = {
    {"schema", (getter)zcxpy_file_reader_get_schema, NULL, "the file's Schema", NULL},
    {"num_batches", (getter)zcxpy_file_reader_get_num_batches, NULL,
     "number of record batches in the footer", NULL},
    {"metadata", (getter)zcxpy_file_reader_get_metadata, NULL,
     "the footer's custom metadata as a dict", NULL},
    {"closed", (getter)zcxpy_file_reader_get_closed, NULL, "whether close() was called", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PySequenceMethods zcxpy_file_reader_sequence = {
    .sq_length = (lenfunc)zcxpy_file_reader_length,
    .sq_item = (ssizeargfunc)zcxpy_file_reader_item,
};

static PyMappingMethods zcxpy_file_reader_mapping = {
    .mp_length = (lenfunc)zcxpy_file_reader_length,
    .mp_subscript = (binaryfunc)zcxpy_file_reader_subscript,
};

PyTypeObject zcxpy_file_reader_type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "zcx.IpcFileReader",
    .tp_basicsize = sizeof(zcxpy_file_reader_t),
    .tp_dealloc = (destructor)zcxpy_file_reader_dealloc,
    .tp_repr = (reprfunc)zcxpy_file_reader_repr,
    .tp_as_sequence = &zcxpy_file_reader_sequence,
    .tp_as_mapping = &zcxpy_file_reader_mapping,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "IpcFileReader(source, trusted=False, *, copy_on_write=False)\n\n"
              "Random access to the record batches of an Arrow IPC file. `source` is a path\n"
              "(mapped read-only: batches point into the mapping and keep it alive) or a\n"
              "bytes-like object (batches point into it). Input is fully validated unless\n"
              "trusted=True. copy_on_write=True (paths only) maps the file privately and\n"
              "writable instead, still without copying: the columns are then not read-only,\n"
              "so numpy.from_dlpack and torch.utils.dlpack.from_dlpack (legacy DLPack, which\n"
              "cannot carry a read-only flag) take them zero-copy; a write changes only this\n"
              "process's pages, never the file nor other readers. reader.schema,\n"
              "reader.num_batches, len(reader), reader[i], reader.read(i), iteration; a\n"
              "context manager that closes the reader.",
    .tp_methods = zcxpy_file_reader_methods,
    .tp_getset = zcxpy_file_reader_getset,
    .tp_init = (initproc)zcxpy_file_reader_init,
    .tp_new = PyType_GenericNew,
};

// ---------------------------------------------------------------------------------------------
// Writing

// Reads the format and compression arguments into *format and the options.
static int zcxpy_ipc_write_args(const char* fn, const char* format_name, const char* codec,
                                int level, zcx_ipc_format_t* format,
                                zcx_ipc_write_options_t* options) {
  zcx_ipc_write_options_init(options);
  if (strcmp(format_name, "file") == 0) {
    *format = ZCX_IPC_FILE;
  } else if (strcmp(format_name, "stream") == 0) {
    *format = ZCX_IPC_STREAM;
  } else {
    PyErr_Format(PyExc_ValueError, "zcx.%s: format must be 'file' or 'stream', got '%s'", fn,
                 format_name);
    return -1;
  }
  if (codec == NULL) {
    options->compression = ZCX_IPC_COMPRESSION_NONE;
  } else if (strcmp(codec, "lz4") == 0 || strcmp(codec, "lz4_frame") == 0) {
    options->compression = ZCX_IPC_COMPRESSION_LZ4_FRAME;
  } else if (strcmp(codec, "zstd") == 0) {
    options->compression = ZCX_IPC_COMPRESSION_ZSTD;
  } else {
    PyErr_Format(PyExc_ValueError,
                 "zcx.%s: compression must be None, 'lz4' or 'zstd', got '%s'", fn, codec);
    return -1;
  }
  options->compression_level = level;
  return 0;
}

// The schema to write: `schema` (a zcx.Schema) or else the first batch's. NULL (borrowed
// result) with an exception set.
static zcx_schema_t* zcxpy_ipc_write_schema(const char* fn, PyObject* schema,
                                            zcx_batch_t** batches, Py_ssize_t n) {
  if (schema != Py_None) {
    if (!PyObject_TypeCheck(schema, &zcxpy_schema_type)) {
      PyErr_Format(PyExc_TypeError, "zcx.%s: schema must be a zcx.Schema or None, got %.200s",
                   fn, Py_TYPE(schema)->tp_name);
      return NULL;
    }
    return ((zcxpy_schema_t*)schema)->schema;
  }
  if (n == 0) {
    PyErr_Format(PyExc_ValueError, "zcx.%s: no batches and no schema: pass schema= to write an "
                 "empty table", fn);
    return NULL;
  }
  return batches[0]->schema;
}

// Writes every batch and the end with `writer`. Runs without the GIL.
static int zcxpy_ipc_write_all(zcx_ipc_writer_t* writer, zcx_batch_t** batches, Py_ssize_t n,
                               const zcx_metadata_t* metadata, zcx_error_t* err) {
  for (Py_ssize_t i = 0; i < n; i++) {
    int rc = zcx_ipc_writer_write(writer, batches[i], NULL, err);
    if (rc != 0) {
      zcx_error_prefix(err, "batch %zd: ", i);
      return rc;
    }
  }
  return zcx_ipc_writer_finish(writer, metadata, err);
}

// write_ipc and ipc_bytes: `path` NULL writes into memory and returns bytes.
static PyObject* zcxpy_ipc_write(const char* fn, const char* path, PyObject* batches_obj,
                                 const char* format_name, const char* codec, int level,
                                 PyObject* schema_obj, PyObject* metadata_obj) {
  zcx_ipc_format_t format;
  zcx_ipc_write_options_t options;
  if (zcxpy_ipc_write_args(fn, format_name, codec, level, &format, &options) != 0) {
    return NULL;
  }
  zcx_batch_t** batches = NULL;
  Py_ssize_t n = 0;
  if (zcxpy_batches_arg(batches_obj, fn, &batches, &n) != 0) {
    return NULL;
  }
  zcx_metadata_t metadata;
  if (zcxpy_ipc_metadata_arg(metadata_obj, fn, &metadata) != 0) {
    zcxpy_batches_free(batches, n);
    return NULL;
  }
  if (metadata.count > 0 && format != ZCX_IPC_FILE) {
    PyErr_Format(PyExc_ValueError, "zcx.%s: metadata goes into the footer, which only the "
                 "'file' format has", fn);
    zcx_metadata_reset(&metadata);
    zcxpy_batches_free(batches, n);
    return NULL;
  }
  zcx_schema_t* schema = zcxpy_ipc_write_schema(fn, schema_obj, batches, n);
  if (schema == NULL) {
    zcx_metadata_reset(&metadata);
    zcxpy_batches_free(batches, n);
    return NULL;
  }
  zcx_error_t err;
  zcx_error_init(&err);
  zcx_buffer_t* out = NULL;
  int rc;
  Py_BEGIN_ALLOW_THREADS
  zcx_ipc_writer_t* writer = NULL;
  if (path != NULL) {
    rc = zcx_ipc_writer_create_path(format, path, schema, &options, &writer, &err);
  } else {
    rc = zcx_ipc_writer_create(format, schema, &options, &writer, &err);
  }
  if (rc == 0) {
    rc = zcxpy_ipc_write_all(writer, batches, n, metadata.count > 0 ? &metadata : NULL, &err);
  }
  if (rc == 0 && path == NULL) {
    rc = zcx_ipc_writer_take_buffer(writer, &out, &err);
  }
  zcx_ipc_writer_destroy(writer);
  if (rc != 0 && path != NULL) {
    zcx_error_prefix(&err, "'%s': ", path);
  }
  Py_END_ALLOW_THREADS
  zcx_metadata_reset(&metadata);
  zcxpy_batches_free(batches, n);
  if (rc != 0) {
    return zcxpy_raise(rc, &err, NULL);
  }
  if (path != NULL) {
    Py_RETURN_NONE;
  }
  PyObject* bytes =
      PyBytes_FromStringAndSize(zcx_buffer_data(out), (Py_ssize_t)zcx_buffer_size(out));
  zcx_buffer_release(out);
  return bytes;
}

static PyObject* zcxpy_write_ipc(PyObject* module, PyObject* args, PyObject* kwargs) {
  (void)module;
  static char* kwlist[] = {"path",   "batches",           "format", "compression",
                           "schema", "compression_level", "metadata", NULL};
  PyObject* path_obj = NULL;
  PyObject* batches = NULL;
  const char* format = "file";
  const char* codec = NULL;
  PyObject* schema = Py_None;
  int level = 0;
  PyObject* metadata = Py_None;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O&O|sz$OiO:write_ipc", kwlist,
                                   PyUnicode_FSConverter, &path_obj, &batches, &format, &codec,
                                   &schema, &level, &metadata)) {
    return NULL;
  }
  PyObject* r = zcxpy_ipc_write("write_ipc", PyBytes_AS_STRING(path_obj), batches, format, codec,
                                level, schema, metadata);
  Py_DECREF(path_obj);
  return r;
}

static PyObject* zcxpy_ipc_bytes(PyObject* module, PyObject* args, PyObject* kwargs) {
  (void)module;
  static char* kwlist[] = {"batches", "format", "compression", "schema", "compression_level",
                           "metadata", NULL};
  PyObject* batches = NULL;
  const char* format = "stream";
  const char* codec = NULL;
  PyObject* schema = Py_None;
  int level = 0;
  PyObject* metadata = Py_None;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|sz$OiO:ipc_bytes", kwlist, &batches, &format,
                                   &codec, &schema, &level, &metadata)) {
    return NULL;
  }
  return zcxpy_ipc_write("ipc_bytes", NULL, batches, format, codec, level, schema, metadata);
}

static PyMethodDef zcxpy_ipc_functions[] = {
    {"read_ipc", (PyCFunction)(void (*)(void))zcxpy_read_ipc, METH_VARARGS | METH_KEYWORDS,
     "read_ipc(source, trusted=False, *, copy_on_write=False) -> list[RecordBatch]\n\n"
     "Every record batch of an Arrow IPC file or stream (told apart by the file's\n"
     "\"ARROW1\" magic). `source` is a path, mapped read-only without copying: the\n"
     "batches point into the mapping and keep it alive; or a bytes-like object, which\n"
     "the batches point into and keep alive (buffers that are not 8-byte aligned, and\n"
     "compressed bodies, are copied). Input is fully validated unless trusted=True.\n"
     "Columns of a read-only mapping are read-only tensors: __dlpack__ with\n"
     "max_version=(1, 0) shares them, but numpy.from_dlpack (NumPy 1.x) and\n"
     "torch.utils.dlpack.from_dlpack (PyTorch 1.x) ask for legacy DLPack, which cannot say\n"
     "read-only, and get BufferError. copy_on_write=True (paths only) maps the file\n"
     "privately and writable instead, still without copying: those consumers then share\n"
     "the columns, and a write changes only this process's pages, never the file nor\n"
     "other readers (arrays are still immutable by contract: do not write them).\n"
     "ValueError for bad input, TypeError for what zcx does not read, OSError (e.g.\n"
     "FileNotFoundError) for the file itself."},
    {"write_ipc", (PyCFunction)(void (*)(void))zcxpy_write_ipc, METH_VARARGS | METH_KEYWORDS,
     "write_ipc(path, batches, format='file', compression=None, *, schema=None,\n"
     "          compression_level=0, metadata=None)\n\n"
     "Writes `batches` (a RecordBatch or an iterable of them, all of one schema) as an\n"
     "Arrow IPC 'file' or 'stream', with 64-byte aligned bodies, compressed with\n"
     "'lz4' (LZ4_FRAME) or 'zstd' when asked. `schema` is needed when there are no\n"
     "batches. `metadata` (a dict of str, file format only) goes into the footer."},
    {"ipc_bytes", (PyCFunction)(void (*)(void))zcxpy_ipc_bytes, METH_VARARGS | METH_KEYWORDS,
     "ipc_bytes(batches, format='stream', compression=None, *, schema=None,\n"
     "          compression_level=0, metadata=None) -> bytes\n\n"
     "The Arrow IPC stream (or file) of `batches`, as write_ipc writes it, as bytes."},
    {NULL, NULL, 0, NULL},
};

int zcxpy_ipc_register(PyObject* module) {
  if (zcxpy_add_type(module, "IpcFileReader", &zcxpy_file_reader_type) < 0) {
    return -1;
  }
  return PyModule_AddFunctions(module, zcxpy_ipc_functions);
}
