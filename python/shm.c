// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// zcx.ShmSegment / zcx.shm_attach (a consumer attached read-only to a published segment) and
// zcx.ShmProducer (a segment whose pool builders write into, published as an Arrow file).
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ipc_internal.h"

// ---------------------------------------------------------------------------------------------
// zcx.ShmSegment: the consumer side

typedef struct zcxpy_shm_segment {
  zcxpy_file_reader_t base;
  PyObject* path;      // str, or None when attached by descriptor
  int64_t size;        // the file's size when attached
  uintptr_t address;   // the start of the mapping (read-only or copy-on-write); 0 if not found
} zcxpy_shm_segment_t;

static void zcxpy_shm_segment_dealloc(zcxpy_shm_segment_t* self) {
  Py_CLEAR(self->path);
  zcxpy_file_reader_dealloc(&self->base);
}

// How many mappings of one file are looked at to find the new one.
#define ZCXPY_SHM_MAX_MAPS 64

// The mapping of (dev, ino) that is in `after` and not in `before`: the one zcx_shm_attach_fd
// made (the GIL, held across the attach, keeps other Python threads from mapping it too).
static uintptr_t zcxpy_shm_new_mapping(const uintptr_t* before, size_t nb,
                                       const uintptr_t* after, size_t na) {
  for (size_t i = 0; i < na; i++) {
    bool seen = false;
    for (size_t j = 0; j < nb && !seen; j++) {
      seen = before[j] == after[i];
    }
    if (!seen) {
      return after[i];
    }
  }
  return 0;
}

static int zcxpy_shm_segment_init(zcxpy_shm_segment_t* self, PyObject* args, PyObject* kwargs) {
  static char* kwlist[] = {"path", "fd", "trusted", "trust_unsealed", "copy_on_write", NULL};
  PyObject* path_obj = Py_None;
  PyObject* fd_obj = Py_None;
  int trusted = 0;
  int trust_unsealed = 0;
  int copy_on_write = 0;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|OO$ppp:ShmSegment", kwlist, &path_obj,
                                   &fd_obj, &trusted, &trust_unsealed, &copy_on_write)) {
    return -1;
  }
  if ((path_obj == Py_None) == (fd_obj == Py_None)) {
    PyErr_SetString(PyExc_TypeError, "zcx.shm_attach: give exactly one of path and fd");
    return -1;
  }
  PyObject* path_bytes = NULL;
  PyObject* path_str = NULL;
  int fd = -1;
  bool own_fd = false;
  if (path_obj != Py_None) {
    if (!PyUnicode_FSConverter(path_obj, &path_bytes)) {
      return -1;
    }
    path_str = PyUnicode_DecodeFSDefault(PyBytes_AS_STRING(path_bytes));
    if (path_str == NULL) {
      Py_DECREF(path_bytes);
      return -1;
    }
    fd = open(PyBytes_AS_STRING(path_bytes), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      PyErr_SetFromErrnoWithFilenameObject(PyExc_OSError, path_obj);
      Py_DECREF(path_bytes);
      Py_DECREF(path_str);
      return -1;
    }
    own_fd = true;
    Py_DECREF(path_bytes);
  } else {
    fd = PyObject_AsFileDescriptor(fd_obj);
    if (fd < 0) {
      return -1;
    }
  }
  int result = -1;
  struct stat st;
  if (fstat(fd, &st) != 0) {
    PyErr_SetFromErrno(PyExc_OSError);
    goto done;
  }
  uintptr_t before[ZCXPY_SHM_MAX_MAPS];
  uintptr_t after[ZCXPY_SHM_MAX_MAPS];
  size_t nb = 0;
  size_t na = 0;
  bool maps_ok = zcxpy_maps_of_file(st.st_dev, st.st_ino, before, ZCXPY_SHM_MAX_MAPS, &nb) == 0 &&
                 nb <= ZCXPY_SHM_MAX_MAPS;
  zcx_shm_attach_options_t options;
  zcx_shm_attach_options_init(&options);
  options.trusted = trusted != 0;
  options.flags = trust_unsealed ? ZCX_SHM_ATTACH_TRUST_UNSEALED : 0;
  options.copy_on_write = copy_on_write != 0;
  zcx_error_t err;
  zcx_error_init(&err);
  zcx_ipc_file_reader_t* reader = NULL;
  int rc = zcx_shm_attach_fd(fd, &options, &reader, &err);
  if (rc != 0) {
    if (path_str != NULL) {
      zcx_error_prefix(&err, "'%s': ", PyUnicode_AsUTF8(path_str));
    }
    if (rc == EPERM) {
      // The message names the C flag; say what the Python argument is.
      PyObject* msg = PyUnicode_FromFormat("%s (trust_unsealed=True in Python)",
                                           zcx_error_message(&err));
      if (msg != NULL) {
        zcxpy_raise_status(rc, PyUnicode_AsUTF8(msg), NULL);
        Py_DECREF(msg);
      }
      goto done;
    }
    zcxpy_raise(rc, &err, NULL);
    goto done;
  }
  maps_ok = maps_ok &&
            zcxpy_maps_of_file(st.st_dev, st.st_ino, after, ZCXPY_SHM_MAX_MAPS, &na) == 0 &&
            na <= ZCXPY_SHM_MAX_MAPS;
  zcx_ipc_file_reader_destroy(self->base.reader);  // __init__ called again
  self->base.reader = reader;
  self->size = (int64_t)st.st_size;
  self->address = maps_ok ? zcxpy_shm_new_mapping(before, nb, after, na) : 0;
  Py_XSETREF(self->path, path_str != NULL ? path_str : Py_NewRef(Py_None));
  path_str = NULL;
  result = 0;
done:
  Py_XDECREF(path_str);
  if (own_fd) {
    close(fd);  // the mapping stays; the descriptor is not needed any more
  }
  return result;
}

static PyObject* zcxpy_shm_segment_get_path(zcxpy_shm_segment_t* self, void* closure) {
  (void)closure;
  return Py_NewRef(self->path != NULL ? self->path : Py_None);
}

static PyObject* zcxpy_shm_segment_get_size(zcxpy_shm_segment_t* self, void* closure) {
  (void)closure;
  return PyLong_FromLongLong((long long)self->size);
}

static PyObject* zcxpy_shm_segment_get_address(zcxpy_shm_segment_t* self, void* closure) {
  (void)closure;
  if (self->address == 0) {
    Py_RETURN_NONE;
  }
  return PyLong_FromUnsignedLongLong((unsigned long long)self->address);
}

static PyObject* zcxpy_shm_segment_batches(zcxpy_shm_segment_t* self, PyObject* unused) {
  (void)unused;
  PyObject* read_all = PyObject_GetAttrString((PyObject*)self, "read_all");
  if (read_all == NULL) {
    return NULL;
  }
  PyObject* r = PyObject_CallNoArgs(read_all);
  Py_DECREF(read_all);
  return r;
}

static PyMethodDef zcxpy_shm_segment_methods[] = {
    {"batches", (PyCFunction)zcxpy_shm_segment_batches, METH_NOARGS,
     "batches() -> list[RecordBatch]\n\nEvery batch of the segment (as read_all())."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef zcxpy_shm_segment_getset[] = {
    {"path", (getter)zcxpy_shm_segment_get_path, NULL,
     "the path it was attached by, or None (attached by descriptor)", NULL},
    {"size", (getter)zcxpy_shm_segment_get_size, NULL, "the segment's size in bytes", NULL},
    {"address", (getter)zcxpy_shm_segment_get_address, NULL,
     "the start of this process's mapping of the segment (every buffer of its\n"
     "batches lies in [address, address + size)), or None when /proc/self/maps did not tell",
     NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject zcxpy_shm_segment_type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "zcx.ShmSegment",
    .tp_basicsize = sizeof(zcxpy_shm_segment_t),
    .tp_dealloc = (destructor)zcxpy_shm_segment_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "ShmSegment(path=None, fd=None, *, trusted=False, trust_unsealed=False,\n"
              "           copy_on_write=False)\n\n"
              "A published shared-memory segment attached read-only (zcx.shm_attach): an\n"
              "IpcFileReader whose batches point into the mapping and keep it alive.\n"
              "copy_on_write=True maps it privately and writable instead (a sealed memfd\n"
              "allows it), still without copying: the columns are then not read-only, so\n"
              "numpy.from_dlpack and torch.utils.dlpack.from_dlpack (legacy DLPack) take them\n"
              "zero-copy, and a write changes only this process's pages, never the segment\n"
              "nor other readers. A segment that is not sealed against writes and shrinking\n"
              "(a POSIX segment, a plain file) raises PermissionError unless\n"
              "trust_unsealed=True, and then it must belong to this user with no group or\n"
              "other permissions.",
    .tp_methods = zcxpy_shm_segment_methods,
    .tp_getset = zcxpy_shm_segment_getset,
    .tp_init = (initproc)zcxpy_shm_segment_init,
};

static PyObject* zcxpy_shm_attach(PyObject* module, PyObject* args, PyObject* kwargs) {
  (void)module;
  return PyObject_Call((PyObject*)&zcxpy_shm_segment_type, args, kwargs);
}

// ---------------------------------------------------------------------------------------------
// zcx.ShmProducer: the producer side

typedef struct zcxpy_shm_producer {
  PyObject_HEAD
  zcx_shm_segment_t* segment;  // owned reference; NULL once closed
  zcx_mr_t* mr;                // owned reference; NULL once closed
  PyObject* pool;              // the zcx.Pool over mr, made on first use
} zcxpy_shm_producer_t;

static void zcxpy_shm_producer_clear(zcxpy_shm_producer_t* self) {
  Py_CLEAR(self->pool);
  zcx_mr_release(self->mr);
  self->mr = NULL;
  zcx_shm_segment_release(self->segment);
  self->segment = NULL;
}

static void zcxpy_shm_producer_dealloc(zcxpy_shm_producer_t* self) {
  zcxpy_shm_producer_clear(self);
  Py_TYPE(self)->tp_free((PyObject*)self);
}

static int zcxpy_shm_producer_init(zcxpy_shm_producer_t* self, PyObject* args,
                                   PyObject* kwargs) {
  static char* kwlist[] = {"capacity", "name", "posix", "header_size", NULL};
  long long capacity = 0;
  const char* name = NULL;
  int posix = 0;
  long long header_size = 0;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "L|$zpL:ShmProducer", kwlist, &capacity, &name,
                                   &posix, &header_size)) {
    return -1;
  }
  if (posix && name == NULL) {
    PyErr_SetString(PyExc_TypeError, "zcx.ShmProducer: a POSIX segment needs a name");
    return -1;
  }
  zcx_error_t err;
  zcx_error_init(&err);
  zcx_shm_segment_t* segment = NULL;
  zcx_mr_t* mr = NULL;
  int rc = posix ? zcx_shm_segment_create_named(name, (int64_t)capacity, &segment, &err)
                 : zcx_shm_segment_create(name, (int64_t)capacity, &segment, &err);
  if (rc == 0) {
    zcx_shm_mr_options_t options;
    zcx_shm_mr_options_init(&options);
    if (header_size > 0) {
      options.header_size = (int64_t)header_size;
    }
    rc = zcx_shm_mr_create(segment, &options, &mr, &err);
    if (rc != 0 && posix) {
      // The name must not outlive a producer that failed; a failure to remove it changes
      // nothing for the caller, who gets the first error.
      int unlinked = zcx_shm_segment_unlink(segment, NULL);
      (void)unlinked;
    }
  }
  if (rc != 0) {
    zcx_shm_segment_release(segment);
    zcxpy_raise(rc, &err, NULL);
    return -1;
  }
  zcxpy_shm_producer_clear(self);  // __init__ called again
  self->segment = segment;
  self->mr = mr;
  return 0;
}

// The open segment, or NULL with ValueError.
static zcx_shm_segment_t* zcxpy_shm_producer_get(zcxpy_shm_producer_t* self) {
  if (self->segment == NULL) {
    PyErr_SetString(PyExc_ValueError, "zcx.ShmProducer: closed");
  }
  return self->segment;
}

static PyObject* zcxpy_shm_producer_get_pool(zcxpy_shm_producer_t* self, void* closure) {
  (void)closure;
  if (zcxpy_shm_producer_get(self) == NULL) {
    return NULL;
  }
  if (self->pool == NULL) {
    zcx_mr_retain(self->mr);
    self->pool = zcxpy_pool_wrap(self->mr);
    if (self->pool == NULL) {
      return NULL;
    }
  }
  return Py_NewRef(self->pool);
}

static PyObject* zcxpy_shm_producer_get_path(zcxpy_shm_producer_t* self, void* closure) {
  (void)closure;
  zcx_shm_segment_t* s = zcxpy_shm_producer_get(self);
  return s == NULL ? NULL : PyUnicode_DecodeFSDefault(zcx_shm_segment_path(s));
}

static PyObject* zcxpy_shm_producer_get_fd(zcxpy_shm_producer_t* self, void* closure) {
  (void)closure;
  zcx_shm_segment_t* s = zcxpy_shm_producer_get(self);
  return s == NULL ? NULL : PyLong_FromLong(zcx_shm_segment_fd(s));
}

static PyObject* zcxpy_shm_producer_get_capacity(zcxpy_shm_producer_t* self, void* closure) {
  (void)closure;
  zcx_shm_segment_t* s = zcxpy_shm_producer_get(self);
  return s == NULL ? NULL : PyLong_FromLongLong((long long)zcx_shm_segment_capacity(s));
}

static PyObject* zcxpy_shm_producer_get_size(zcxpy_shm_producer_t* self, void* closure) {
  (void)closure;
  zcx_shm_segment_t* s = zcxpy_shm_producer_get(self);
  return s == NULL ? NULL : PyLong_FromLongLong((long long)zcx_shm_segment_size(s));
}

static PyObject* zcxpy_shm_producer_get_address(zcxpy_shm_producer_t* self, void* closure) {
  (void)closure;
  zcx_shm_segment_t* s = zcxpy_shm_producer_get(self);
  return s == NULL ? NULL
                   : PyLong_FromUnsignedLongLong(
                         (unsigned long long)(uintptr_t)zcx_shm_segment_data(s));
}

static PyObject* zcxpy_shm_producer_get_published(zcxpy_shm_producer_t* self, void* closure) {
  (void)closure;
  zcx_shm_segment_t* s = zcxpy_shm_producer_get(self);
  return s == NULL ? NULL : PyBool_FromLong(zcx_shm_segment_published(s));
}

static PyObject* zcxpy_shm_producer_get_sealed(zcxpy_shm_producer_t* self, void* closure) {
  (void)closure;
  zcx_shm_segment_t* s = zcxpy_shm_producer_get(self);
  return s == NULL ? NULL : PyBool_FromLong(zcx_shm_segment_sealed(s));
}

static PyObject* zcxpy_shm_producer_get_closed(zcxpy_shm_producer_t* self, void* closure) {
  (void)closure;
  return PyBool_FromLong(self->segment == NULL);
}

static PyObject* zcxpy_shm_producer_publish(zcxpy_shm_producer_t* self, PyObject* args,
                                            PyObject* kwargs) {
  static char* kwlist[] = {"batches", "schema", "metadata", NULL};
  PyObject* batches_obj = NULL;
  PyObject* schema_obj = Py_None;
  PyObject* metadata_obj = Py_None;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|$OO:publish", kwlist, &batches_obj,
                                   &schema_obj, &metadata_obj)) {
    return NULL;
  }
  if (zcxpy_shm_producer_get(self) == NULL) {
    return NULL;
  }
  zcx_batch_t** batches = NULL;
  Py_ssize_t n = 0;
  if (zcxpy_batches_arg(batches_obj, "ShmProducer.publish", &batches, &n) != 0) {
    return NULL;
  }
  zcx_schema_t* schema = NULL;
  if (schema_obj != Py_None) {
    if (!PyObject_TypeCheck(schema_obj, &zcxpy_schema_type)) {
      PyErr_Format(PyExc_TypeError, "zcx.ShmProducer.publish: schema must be a zcx.Schema or "
                   "None, got %.200s", Py_TYPE(schema_obj)->tp_name);
    } else {
      schema = ((zcxpy_schema_t*)schema_obj)->schema;
    }
  } else if (n > 0) {
    schema = batches[0]->schema;
  } else {
    PyErr_SetString(PyExc_ValueError, "zcx.ShmProducer.publish: no batches and no schema");
  }
  if (schema != NULL && n > INT32_MAX) {
    PyErr_Format(PyExc_ValueError, "zcx.ShmProducer.publish: %zd batches", n);
    schema = NULL;
  }
  zcx_metadata_t metadata;
  if (schema == NULL ||
      zcxpy_ipc_metadata_arg(metadata_obj, "ShmProducer.publish", &metadata) != 0) {
    zcxpy_batches_free(batches, n);
    return NULL;
  }
  zcx_error_t err;
  zcx_error_init(&err);
  int rc;
  zcx_mr_t* mr = self->mr;
  zcx_mr_retain(mr);  // close() may run on another thread while the GIL is released
  Py_BEGIN_ALLOW_THREADS
  rc = zcx_shm_publish(mr, schema, batches, (int32_t)n, metadata.count > 0 ? &metadata : NULL,
                       &err);
  Py_END_ALLOW_THREADS
  zcx_mr_release(mr);
  zcx_metadata_reset(&metadata);
  zcxpy_batches_free(batches, n);
  if (rc != 0) {
    return zcxpy_raise(rc, &err, NULL);
  }
  Py_RETURN_NONE;
}

static PyObject* zcxpy_shm_producer_unlink(zcxpy_shm_producer_t* self, PyObject* unused) {
  (void)unused;
  zcx_shm_segment_t* s = zcxpy_shm_producer_get(self);
  if (s == NULL) {
    return NULL;
  }
  zcx_error_t err;
  zcx_error_init(&err);
  int rc = zcx_shm_segment_unlink(s, &err);
  if (rc != 0) {
    return zcxpy_raise(rc, &err, NULL);
  }
  Py_RETURN_NONE;
}

static PyObject* zcxpy_shm_producer_close(zcxpy_shm_producer_t* self, PyObject* unused) {
  (void)unused;
  zcxpy_shm_producer_clear(self);
  Py_RETURN_NONE;
}

static PyObject* zcxpy_shm_producer_enter(zcxpy_shm_producer_t* self, PyObject* unused) {
  (void)unused;
  if (zcxpy_shm_producer_get(self) == NULL) {
    return NULL;
  }
  return Py_NewRef((PyObject*)self);
}

static PyObject* zcxpy_shm_producer_exit(zcxpy_shm_producer_t* self, PyObject* args) {
  (void)args;
  return zcxpy_shm_producer_close(self, NULL);
}

static PyObject* zcxpy_shm_producer_repr(zcxpy_shm_producer_t* self) {
  if (self->segment == NULL) {
    return PyUnicode_FromString("<zcx.ShmProducer closed>");
  }
  return PyUnicode_FromFormat("<zcx.ShmProducer %s capacity=%lld size=%lld%s>",
                              zcx_shm_segment_path(self->segment),
                              (long long)zcx_shm_segment_capacity(self->segment),
                              (long long)zcx_shm_segment_size(self->segment),
                              zcx_shm_segment_sealed(self->segment)      ? " sealed"
                              : zcx_shm_segment_published(self->segment) ? " published"
                                                                         : "");
}

static PyMethodDef zcxpy_shm_producer_methods[] = {
    {"publish", (PyCFunction)(void (*)(void))zcxpy_shm_producer_publish,
     METH_VARARGS | METH_KEYWORDS,
     "publish(batches, *, schema=None, metadata=None)\n\n"
     "Lays out `batches` (a RecordBatch or an iterable of them) as an Arrow IPC file in the\n"
     "segment, without copying the buffers that came from .pool (others are copied in),\n"
     "then makes the mapping read-only and seals a memfd segment. Once only. ValueError\n"
     "(schema mismatch, published already), OSError ENOSPC (too small: the message says\n"
     "how much is needed)."},
    {"unlink", (PyCFunction)zcxpy_shm_producer_unlink, METH_NOARGS,
     "unlink()\n\nRemoves a POSIX segment's name from /dev/shm (ValueError for a memfd)."},
    {"close", (PyCFunction)zcxpy_shm_producer_close, METH_NOARGS,
     "close()\n\nDrops the producer's references; the memory lives while arrays use it."},
    {"__enter__", (PyCFunction)zcxpy_shm_producer_enter, METH_NOARGS, NULL},
    {"__exit__", (PyCFunction)zcxpy_shm_producer_exit, METH_VARARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef zcxpy_shm_producer_getset[] = {
    {"pool", (getter)zcxpy_shm_producer_get_pool, NULL,
     "a zcx.Pool drawing from the segment: pass it to zcx.array, zcx.record_batch or\n"
     "zcx.aos_to_soa to build columns in place", NULL},
    {"path", (getter)zcxpy_shm_producer_get_path, NULL,
     "a path another process of this user can attach: /proc/<pid>/fd/<n> (memfd, valid\n"
     "while this producer lives) or /dev/shm/<name>", NULL},
    {"fd", (getter)zcxpy_shm_producer_get_fd, NULL,
     "the segment's descriptor (borrowed: open while the producer is)", NULL},
    {"capacity", (getter)zcxpy_shm_producer_get_capacity, NULL, "mapped bytes", NULL},
    {"size", (getter)zcxpy_shm_producer_get_size, NULL,
     "the file size: the capacity, then the Arrow file's size once published", NULL},
    {"address", (getter)zcxpy_shm_producer_get_address, NULL,
     "the start of the producer's mapping", NULL},
    {"published", (getter)zcxpy_shm_producer_get_published, NULL, "whether publish() ran", NULL},
    {"sealed", (getter)zcxpy_shm_producer_get_sealed, NULL,
     "whether the segment is sealed against writes and shrinking", NULL},
    {"closed", (getter)zcxpy_shm_producer_get_closed, NULL, "whether close() was called", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject zcxpy_shm_producer_type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "zcx.ShmProducer",
    .tp_basicsize = sizeof(zcxpy_shm_producer_t),
    .tp_dealloc = (destructor)zcxpy_shm_producer_dealloc,
    .tp_repr = (reprfunc)zcxpy_shm_producer_repr,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "ShmProducer(capacity, *, name=None, posix=False, header_size=0)\n\n"
              "A shared-memory segment of `capacity` bytes (a sealable memfd labelled `name`,\n"
              "or with posix=True the POSIX object /dev/shm/<name>, mode 0600) and a pool\n"
              "over it. Build batches from .pool, publish() them, and hand .path or .fd to\n"
              "consumers, which zcx.shm_attach it read-only.",
    .tp_methods = zcxpy_shm_producer_methods,
    .tp_getset = zcxpy_shm_producer_getset,
    .tp_init = (initproc)zcxpy_shm_producer_init,
    .tp_new = PyType_GenericNew,
};

static PyMethodDef zcxpy_shm_functions[] = {
    {"shm_attach", (PyCFunction)(void (*)(void))zcxpy_shm_attach, METH_VARARGS | METH_KEYWORDS,
     "shm_attach(path=None, fd=None, *, trusted=False, trust_unsealed=False,\n"
     "           copy_on_write=False) -> ShmSegment\n\n"
     "Attaches a published segment read-only by path (/proc/<pid>/fd/<n>, /dev/shm/<name>,\n"
     "a file) or by descriptor (borrowed; it may be closed afterwards). Its batches point\n"
     "into the mapping. Read-only columns refuse legacy DLPack (numpy.from_dlpack in\n"
     "NumPy 1.x, torch.utils.dlpack.from_dlpack in PyTorch 1.x) with BufferError;\n"
     "copy_on_write=True maps the segment privately and writable, still zero-copy, so\n"
     "they share it, and writes stay in this process. PermissionError for an unsealed\n"
     "segment (see ShmSegment), ValueError when it holds no valid Arrow file, OSError for\n"
     "the file itself."},
    {NULL, NULL, 0, NULL},
};

int zcxpy_shm_register(PyObject* module) {
  zcxpy_shm_segment_type.tp_base = &zcxpy_file_reader_type;
  if (zcxpy_add_type(module, "ShmSegment", &zcxpy_shm_segment_type) < 0 ||
      zcxpy_add_type(module, "ShmProducer", &zcxpy_shm_producer_type) < 0) {
    return -1;
  }
  return PyModule_AddFunctions(module, zcxpy_shm_functions);
}
