// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// zcx.Buffer: a zcx buffer (reference-counted memory) seen from Python through the buffer
// protocol, as returned by Pool.allocate.
#include "internal.h"

PyObject* zcxpy_buffer_wrap(zcx_buffer_t* buffer) {
  zcxpy_buffer_t* self = PyObject_New(zcxpy_buffer_t, &zcxpy_buffer_type);
  if (self == NULL) {
    zcx_buffer_release(buffer);
    return NULL;
  }
  self->buffer = buffer;
  return (PyObject*)self;
}

static void zcxpy_buffer_dealloc(zcxpy_buffer_t* self) {
  // Views handed out through the buffer protocol hold a reference to this object, so the
  // memory cannot go while one is alive.
  zcx_buffer_release(self->buffer);
  self->buffer = NULL;
  Py_TYPE(self)->tp_free((PyObject*)self);
}

static int zcxpy_buffer_getbuffer(zcxpy_buffer_t* self, Py_buffer* view, int flags) {
  zcx_device_t device = zcx_buffer_device(self->buffer);
  if (!zcx_device_is_host_accessible(device)) {
    PyErr_Format(PyExc_BufferError,
                 "zcx.Buffer: memory on device %s:%d is not readable by the CPU",
                 zcx_device_type_name(device.type), (int)device.id);
    view->obj = NULL;
    return -1;
  }
  int readonly = (zcx_buffer_flags(self->buffer) & ZCX_BUFFER_READONLY) != 0;
  return PyBuffer_FillInfo(view, (PyObject*)self, zcx_buffer_data(self->buffer),
                           (Py_ssize_t)zcx_buffer_size(self->buffer), readonly, flags);
}

static Py_ssize_t zcxpy_buffer_length(zcxpy_buffer_t* self) {
  return (Py_ssize_t)zcx_buffer_size(self->buffer);
}

static PyObject* zcxpy_buffer_get_size(zcxpy_buffer_t* self, void* closure) {
  (void)closure;
  return PyLong_FromLongLong((long long)zcx_buffer_size(self->buffer));
}

static PyObject* zcxpy_buffer_get_address(zcxpy_buffer_t* self, void* closure) {
  (void)closure;
  return PyLong_FromVoidPtr(zcx_buffer_data(self->buffer));
}

static PyObject* zcxpy_buffer_get_readonly(zcxpy_buffer_t* self, void* closure) {
  (void)closure;
  return PyBool_FromLong((zcx_buffer_flags(self->buffer) & ZCX_BUFFER_READONLY) != 0);
}

static PyObject* zcxpy_buffer_get_device(zcxpy_buffer_t* self, void* closure) {
  (void)closure;
  zcx_device_t d = zcx_buffer_device(self->buffer);
  return Py_BuildValue("(ii)", (int)d.type, (int)d.id);
}

static PyObject* zcxpy_buffer_repr(zcxpy_buffer_t* self) {
  return PyUnicode_FromFormat("<zcx.Buffer size=%lld at %p>",
                              (long long)zcx_buffer_size(self->buffer),
                              zcx_buffer_data(self->buffer));
}

static PyBufferProcs zcxpy_buffer_procs = {
    .bf_getbuffer = (getbufferproc)zcxpy_buffer_getbuffer,
    .bf_releasebuffer = NULL,
};

static PySequenceMethods zcxpy_buffer_sequence = {
    .sq_length = (lenfunc)zcxpy_buffer_length,
};

static PyGetSetDef zcxpy_buffer_getset[] = {
    {"size", (getter)zcxpy_buffer_get_size, NULL, "size in bytes", NULL},
    {"address", (getter)zcxpy_buffer_get_address, NULL, "address of the first byte", NULL},
    {"readonly", (getter)zcxpy_buffer_get_readonly, NULL, "whether writes are refused", NULL},
    {"device", (getter)zcxpy_buffer_get_device, NULL, "(device_type, device_id)", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

PyTypeObject zcxpy_buffer_type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "zcx.Buffer",
    .tp_basicsize = sizeof(zcxpy_buffer_t),
    .tp_dealloc = (destructor)zcxpy_buffer_dealloc,
    .tp_repr = (reprfunc)zcxpy_buffer_repr,
    .tp_as_sequence = &zcxpy_buffer_sequence,
    .tp_as_buffer = &zcxpy_buffer_procs,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Reference-counted memory from a zcx pool (see Pool.allocate). Supports the\n"
              "buffer protocol (bytes, format 'B'): memoryview(b), numpy.frombuffer(b).",
    .tp_getset = zcxpy_buffer_getset,
};

int zcxpy_buffer_register(PyObject* module) {
  if (zcxpy_add_type(module, "Buffer", &zcxpy_buffer_type) < 0) {
    return -1;
  }
  return 0;
}
