// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// zcx.Tensor: n-dimensional views with the buffer protocol and __array_interface__, and
// zcx.empty / zcx.from_buffer to make them. DLPack lives in dlpack.c.
#include <string.h>

#include "core/internal.h"
#include "internal.h"

// ---------------------------------------------------------------------------------------------
// dtypes

typedef struct zcxpy_dtype_info {
  const char* name;    // as zcx_dtype_name, NumPy and PyTorch spell it
  uint8_t code;
  uint8_t bits;
  const char* format;  // struct module format for the buffer protocol, NULL when none
  char kind;           // __array_interface__ typestr kind, 0 when NumPy has none
} zcxpy_dtype_info_t;

static const zcxpy_dtype_info_t zcxpy_dtypes[] = {
    {"int8", ZCX_DTYPE_INT, 8, "b", 'i'},        {"int16", ZCX_DTYPE_INT, 16, "h", 'i'},
    {"int32", ZCX_DTYPE_INT, 32, "i", 'i'},      {"int64", ZCX_DTYPE_INT, 64, "q", 'i'},
    {"uint8", ZCX_DTYPE_UINT, 8, "B", 'u'},      {"uint16", ZCX_DTYPE_UINT, 16, "H", 'u'},
    {"uint32", ZCX_DTYPE_UINT, 32, "I", 'u'},    {"uint64", ZCX_DTYPE_UINT, 64, "Q", 'u'},
    {"float16", ZCX_DTYPE_FLOAT, 16, "e", 'f'},  {"float32", ZCX_DTYPE_FLOAT, 32, "f", 'f'},
    {"float64", ZCX_DTYPE_FLOAT, 64, "d", 'f'},  {"bfloat16", ZCX_DTYPE_BFLOAT, 16, NULL, 0},
    {"bool", ZCX_DTYPE_BOOL, 8, "?", 'b'},       {"complex64", ZCX_DTYPE_COMPLEX, 64, "Zf", 'c'},
    {"complex128", ZCX_DTYPE_COMPLEX, 128, "Zd", 'c'},
};

#define ZCXPY_NUM_DTYPES (sizeof(zcxpy_dtypes) / sizeof(zcxpy_dtypes[0]))

static const zcxpy_dtype_info_t* zcxpy_dtype_info(zcx_dtype_t dtype) {
  for (size_t i = 0; i < ZCXPY_NUM_DTYPES; i++) {
    if (zcxpy_dtypes[i].code == dtype.code && zcxpy_dtypes[i].bits == dtype.bits &&
        dtype.lanes == 1) {
      return &zcxpy_dtypes[i];
    }
  }
  return NULL;
}

// Reads a dtype from a name ("float32"), a NumPy dtype or type, or a torch dtype.
static int zcxpy_dtype_parse(PyObject* obj, zcx_dtype_t* out) {
  PyObject* name = NULL;
  if (PyUnicode_Check(obj)) {
    Py_INCREF(obj);
    name = obj;
  } else {
    PyObject* text = PyObject_Str(obj);
    if (text == NULL) {
      return -1;
    }
    // torch.float32 prints as "torch.float32".
    const char* utf8 = PyUnicode_AsUTF8(text);
    if (utf8 == NULL) {
      Py_DECREF(text);
      return -1;
    }
    if (strncmp(utf8, "torch.", 6) == 0) {
      name = PyUnicode_FromString(utf8 + 6);
      Py_DECREF(text);
    } else {
      Py_DECREF(text);
      PyArray_Descr* descr = NULL;
      if (!PyArray_DescrConverter2(obj, &descr) || descr == NULL) {
        PyErr_Clear();
        Py_XDECREF(descr);
        PyErr_Format(PyExc_TypeError, "zcx: cannot read a dtype from %.200s",
                     Py_TYPE(obj)->tp_name);
        return -1;
      }
      name = PyObject_GetAttrString((PyObject*)descr, "name");
      Py_DECREF(descr);
    }
    if (name == NULL) {
      return -1;
    }
  }
  const char* s = PyUnicode_AsUTF8(name);
  if (s == NULL) {
    Py_DECREF(name);
    return -1;
  }
  for (size_t i = 0; i < ZCXPY_NUM_DTYPES; i++) {
    if (strcmp(s, zcxpy_dtypes[i].name) == 0) {
      *out = zcx_dtype_make((zcx_dtype_code_t)zcxpy_dtypes[i].code, zcxpy_dtypes[i].bits);
      Py_DECREF(name);
      return 0;
    }
  }
  PyErr_Format(PyExc_TypeError,
               "zcx: dtype '%s' is not supported (int8-64, uint8-64, float16/32/64, bfloat16, "
               "bool, complex64/128)",
               s);
  Py_DECREF(name);
  return -1;
}

// The dtype of a buffer-protocol format with native sizes ("<f", "=i", "Zd", "?", ...), or
// -1 with BufferError.
static int zcxpy_dtype_from_format(const char* format, Py_ssize_t itemsize, zcx_dtype_t* out) {
  const char* f = format != NULL ? format : "B";
  if (*f == '@' || *f == '=' || *f == '<') {
    f++;
  } else if ((*f == '>' || *f == '!') && itemsize > 1) {
    PyErr_Format(PyExc_BufferError, "zcx.from_buffer: big-endian format '%s' is not supported",
                 format);
    return -1;
  } else if (*f == '>' || *f == '!') {
    f++;
  }
  uint8_t code;
  if (strcmp(f, "Zf") == 0 || strcmp(f, "Zd") == 0) {
    code = ZCX_DTYPE_COMPLEX;
  } else if (f[0] != '\0' && f[1] == '\0' && strchr("bhilqn", f[0]) != NULL) {
    code = ZCX_DTYPE_INT;
  } else if (f[0] != '\0' && f[1] == '\0' && strchr("BHILQN", f[0]) != NULL) {
    code = ZCX_DTYPE_UINT;
  } else if (f[0] != '\0' && f[1] == '\0' && strchr("efd", f[0]) != NULL) {
    code = ZCX_DTYPE_FLOAT;
  } else if (strcmp(f, "?") == 0) {
    code = ZCX_DTYPE_BOOL;
  } else {
    PyErr_Format(PyExc_BufferError, "zcx.from_buffer: format '%s' has no zcx dtype", format);
    return -1;
  }
  if (itemsize <= 0 || itemsize > 16) {
    PyErr_Format(PyExc_BufferError, "zcx.from_buffer: itemsize %zd of format '%s' is not supported",
                 itemsize, format);
    return -1;
  }
  *out = zcx_dtype_make((zcx_dtype_code_t)code, (uint8_t)(itemsize * 8));
  if (zcx_dtype_size(*out) == 0) {
    PyErr_Format(PyExc_BufferError,
                 "zcx.from_buffer: format '%s' with itemsize %zd is not supported", format,
                 itemsize);
    return -1;
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// The Tensor object

PyObject* zcxpy_tensor_wrap(zcx_tensor_t* tensor) {
  int32_t ndim = zcx_tensor_ndim(tensor);
  Py_ssize_t* dims = NULL;
  if (ndim > 0) {
    dims = PyMem_Malloc(2 * (size_t)ndim * sizeof(Py_ssize_t));
    if (dims == NULL) {
      zcx_tensor_release(tensor);
      return PyErr_NoMemory();
    }
    const int64_t* shape = zcx_tensor_shape(tensor);
    const int64_t* strides = zcx_tensor_strides(tensor);
    int64_t itemsize = zcx_tensor_itemsize(tensor);
    for (int32_t i = 0; i < ndim; i++) {
      dims[i] = (Py_ssize_t)shape[i];
      // The tensor checked at creation that every element's byte offset fits.
      dims[ndim + i] = (Py_ssize_t)(strides[i] * itemsize);
    }
  }
  zcxpy_tensor_t* self = PyObject_New(zcxpy_tensor_t, &zcxpy_tensor_type);
  if (self == NULL) {
    PyMem_Free(dims);
    zcx_tensor_release(tensor);
    return NULL;
  }
  self->tensor = tensor;
  self->dims = dims;
  return (PyObject*)self;
}

static void zcxpy_tensor_dealloc(zcxpy_tensor_t* self) {
  zcx_tensor_release(self->tensor);
  PyMem_Free(self->dims);
  Py_TYPE(self)->tp_free((PyObject*)self);
}

static PyObject* zcxpy_i64_tuple(const int64_t* values, int32_t n, int64_t scale) {
  PyObject* t = PyTuple_New(n);
  if (t == NULL) {
    return NULL;
  }
  for (int32_t i = 0; i < n; i++) {
    PyObject* v = PyLong_FromLongLong((long long)(values[i] * scale));
    if (v == NULL) {
      Py_DECREF(t);
      return NULL;
    }
    PyTuple_SET_ITEM(t, i, v);
  }
  return t;
}

static PyObject* zcxpy_tensor_get_shape(zcxpy_tensor_t* self, void* closure) {
  (void)closure;
  return zcxpy_i64_tuple(zcx_tensor_shape(self->tensor), zcx_tensor_ndim(self->tensor), 1);
}

static PyObject* zcxpy_tensor_get_strides(zcxpy_tensor_t* self, void* closure) {
  (void)closure;
  return zcxpy_i64_tuple(zcx_tensor_strides(self->tensor), zcx_tensor_ndim(self->tensor), 1);
}

static PyObject* zcxpy_tensor_get_byte_strides(zcxpy_tensor_t* self, void* closure) {
  (void)closure;
  return zcxpy_i64_tuple(zcx_tensor_strides(self->tensor), zcx_tensor_ndim(self->tensor),
                         zcx_tensor_itemsize(self->tensor));
}

static PyObject* zcxpy_tensor_get_dtype(zcxpy_tensor_t* self, void* closure) {
  (void)closure;
  return PyUnicode_FromString(zcx_dtype_name(zcx_tensor_dtype(self->tensor)));
}

static PyObject* zcxpy_tensor_get_device(zcxpy_tensor_t* self, void* closure) {
  (void)closure;
  zcx_device_t d = zcx_tensor_device(self->tensor);
  return Py_BuildValue("(ii)", (int)d.type, (int)d.id);
}

static PyObject* zcxpy_tensor_get_ndim(zcxpy_tensor_t* self, void* closure) {
  (void)closure;
  return PyLong_FromLong((long)zcx_tensor_ndim(self->tensor));
}

static PyObject* zcxpy_tensor_get_size(zcxpy_tensor_t* self, void* closure) {
  (void)closure;
  return PyLong_FromLongLong((long long)zcx_tensor_numel(self->tensor));
}

static PyObject* zcxpy_tensor_get_itemsize(zcxpy_tensor_t* self, void* closure) {
  (void)closure;
  return PyLong_FromLongLong((long long)zcx_tensor_itemsize(self->tensor));
}

static PyObject* zcxpy_tensor_get_nbytes(zcxpy_tensor_t* self, void* closure) {
  (void)closure;
  return PyLong_FromLongLong((long long)zcx_tensor_nbytes(self->tensor));
}

static PyObject* zcxpy_tensor_get_readonly(zcxpy_tensor_t* self, void* closure) {
  (void)closure;
  return PyBool_FromLong(zcx_tensor_is_readonly(self->tensor));
}

static PyObject* zcxpy_tensor_get_is_copied(zcxpy_tensor_t* self, void* closure) {
  (void)closure;
  return PyBool_FromLong(zcx_tensor_is_copied(self->tensor));
}

static PyObject* zcxpy_tensor_get_contiguous(zcxpy_tensor_t* self, void* closure) {
  (void)closure;
  return PyBool_FromLong(zcx_tensor_is_contiguous(self->tensor));
}

static PyObject* zcxpy_tensor_get_address(zcxpy_tensor_t* self, void* closure) {
  (void)closure;
  return PyLong_FromVoidPtr(zcx_tensor_data(self->tensor));
}

// The error for tensors whose memory the CPU cannot read; NULL.
static PyObject* zcxpy_tensor_not_host(zcxpy_tensor_t* self, const char* what) {
  zcx_device_t d = zcx_tensor_device(self->tensor);
  PyErr_Format(PyExc_BufferError, "zcx.Tensor: %s needs host memory, the tensor is on %s:%d",
               what, zcx_device_type_name(d.type), (int)d.id);
  return NULL;
}

static PyObject* zcxpy_tensor_get_array_interface(zcxpy_tensor_t* self, void* closure) {
  (void)closure;
  if (!zcx_device_is_host_accessible(zcx_tensor_device(self->tensor))) {
    return zcxpy_tensor_not_host(self, "__array_interface__");
  }
  zcx_dtype_t dtype = zcx_tensor_dtype(self->tensor);
  const zcxpy_dtype_info_t* info = zcxpy_dtype_info(dtype);
  if (info == NULL || info->kind == 0) {
    PyErr_Format(PyExc_BufferError, "zcx.Tensor: NumPy has no dtype for %s",
                 zcx_dtype_name(dtype));
    return NULL;
  }
  char typestr[8];
  snprintf(typestr, sizeof(typestr), "%c%c%d", info->bits == 8 ? '|' : '<', info->kind,
           (int)(info->bits / 8));
  PyObject* shape = zcxpy_tensor_get_shape(self, NULL);
  PyObject* strides;
  if (zcx_tensor_is_contiguous(self->tensor)) {
    Py_INCREF(Py_None);
    strides = Py_None;
  } else {
    strides = zcxpy_tensor_get_byte_strides(self, NULL);
  }
  if (shape == NULL || strides == NULL) {
    Py_XDECREF(shape);
    Py_XDECREF(strides);
    return NULL;
  }
  return Py_BuildValue("{s:N,s:s,s:[(s,s)],s:(N,O),s:N,s:i}", "shape", shape, "typestr",
                       typestr, "descr", "", typestr, "data",
                       PyLong_FromVoidPtr(zcx_tensor_data(self->tensor)),
                       zcx_tensor_is_readonly(self->tensor) ? Py_True : Py_False, "strides",
                       strides, "version", 3);
}

static int zcxpy_tensor_getbuffer(zcxpy_tensor_t* self, Py_buffer* view, int flags) {
  view->obj = NULL;
  zcx_tensor_t* t = self->tensor;
  if (!zcx_device_is_host_accessible(zcx_tensor_device(t))) {
    zcxpy_tensor_not_host(self, "the buffer protocol");
    return -1;
  }
  bool readonly = zcx_tensor_is_readonly(t);
  if ((flags & PyBUF_WRITABLE) == PyBUF_WRITABLE && readonly) {
    PyErr_SetString(PyExc_BufferError, "zcx.Tensor: the tensor is read-only");
    return -1;
  }
  const zcxpy_dtype_info_t* info = zcxpy_dtype_info(zcx_tensor_dtype(t));
  if ((flags & PyBUF_FORMAT) == PyBUF_FORMAT && (info == NULL || info->format == NULL)) {
    PyErr_Format(PyExc_BufferError, "zcx.Tensor: dtype %s has no buffer format",
                 zcx_dtype_name(zcx_tensor_dtype(t)));
    return -1;
  }
  bool contiguous = zcx_tensor_is_contiguous(t);
  int32_t ndim = zcx_tensor_ndim(t);
  if ((flags & PyBUF_STRIDES) != PyBUF_STRIDES && !contiguous) {
    PyErr_SetString(PyExc_BufferError,
                    "zcx.Tensor: the tensor is strided and the consumer asked for no strides");
    return -1;
  }
  view->buf = zcx_tensor_data(t);
  view->len = (Py_ssize_t)zcx_tensor_nbytes(t);
  view->readonly = readonly;
  view->itemsize = (Py_ssize_t)zcx_tensor_itemsize(t);
  view->format = (flags & PyBUF_FORMAT) == PyBUF_FORMAT ? (char*)info->format : NULL;
  view->ndim = (flags & PyBUF_ND) == PyBUF_ND ? ndim : 1;
  view->shape = (flags & PyBUF_ND) == PyBUF_ND ? self->dims : NULL;
  view->strides = (flags & PyBUF_STRIDES) == PyBUF_STRIDES && ndim > 0 ? self->dims + ndim : NULL;
  view->suboffsets = NULL;
  view->internal = NULL;
  if (((flags & PyBUF_C_CONTIGUOUS) == PyBUF_C_CONTIGUOUS && !PyBuffer_IsContiguous(view, 'C')) ||
      ((flags & PyBUF_F_CONTIGUOUS) == PyBUF_F_CONTIGUOUS && !PyBuffer_IsContiguous(view, 'F')) ||
      ((flags & PyBUF_ANY_CONTIGUOUS) == PyBUF_ANY_CONTIGUOUS &&
       !PyBuffer_IsContiguous(view, 'A'))) {
    PyErr_SetString(PyExc_BufferError, "zcx.Tensor: the tensor is not contiguous as asked");
    return -1;
  }
  Py_INCREF(self);
  view->obj = (PyObject*)self;
  return 0;
}

static PyObject* zcxpy_tensor_repr(zcxpy_tensor_t* self) {
  PyObject* shape = zcxpy_tensor_get_shape(self, NULL);
  if (shape == NULL) {
    return NULL;
  }
  zcx_device_t d = zcx_tensor_device(self->tensor);
  PyObject* r = PyUnicode_FromFormat("<zcx.Tensor shape=%R dtype=%s device=%s:%d%s>", shape,
                                     zcx_dtype_name(zcx_tensor_dtype(self->tensor)),
                                     zcx_device_type_name(d.type), (int)d.id,
                                     zcx_tensor_is_readonly(self->tensor) ? " readonly" : "");
  Py_DECREF(shape);
  return r;
}

static PyBufferProcs zcxpy_tensor_buffer_procs = {
    .bf_getbuffer = (getbufferproc)zcxpy_tensor_getbuffer,
    .bf_releasebuffer = NULL,
};

static PyGetSetDef zcxpy_tensor_getset[] = {
    {"shape", (getter)zcxpy_tensor_get_shape, NULL, "tuple of dimensions", NULL},
    {"strides", (getter)zcxpy_tensor_get_strides, NULL,
     "tuple of strides in elements (as DLPack and torch.Tensor.stride(); NumPy's\n"
     "ndarray.strides counts bytes: see byte_strides)",
     NULL},
    {"byte_strides", (getter)zcxpy_tensor_get_byte_strides, NULL,
     "tuple of strides in bytes (as numpy.ndarray.strides)", NULL},
    {"dtype", (getter)zcxpy_tensor_get_dtype, NULL, "element type name, e.g. 'float32'", NULL},
    {"device", (getter)zcxpy_tensor_get_device, NULL,
     "(device_type, device_id), DLPack numbers (1 = CPU)", NULL},
    {"ndim", (getter)zcxpy_tensor_get_ndim, NULL, "number of dimensions", NULL},
    {"size", (getter)zcxpy_tensor_get_size, NULL, "number of elements", NULL},
    {"itemsize", (getter)zcxpy_tensor_get_itemsize, NULL, "bytes of one element", NULL},
    {"nbytes", (getter)zcxpy_tensor_get_nbytes, NULL, "size * itemsize", NULL},
    {"readonly", (getter)zcxpy_tensor_get_readonly, NULL, "whether writes are refused", NULL},
    {"is_copied", (getter)zcxpy_tensor_get_is_copied, NULL,
     "whether the data is a copy made for this tensor", NULL},
    {"contiguous", (getter)zcxpy_tensor_get_contiguous, NULL, "whether C-contiguous", NULL},
    {"address", (getter)zcxpy_tensor_get_address, NULL, "address of element (0, ..., 0)", NULL},
    {"__array_interface__", (getter)zcxpy_tensor_get_array_interface, NULL,
     "NumPy's array interface, version 3 (host tensors)", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyMethodDef zcxpy_tensor_methods[] = {
    {"__dlpack__", (PyCFunction)(void (*)(void))zcxpy_tensor_dlpack, METH_VARARGS | METH_KEYWORDS,
     "__dlpack__(*, stream=None, max_version=None, dl_device=None, copy=None) -> capsule\n\n"
     "Exports the tensor without copying: a 'dltensor_versioned' capsule when max_version\n"
     ">= (1, 0), else a legacy 'dltensor' capsule (which cannot carry the read-only flag,\n"
     "so read-only tensors refuse it with BufferError). A tensor is read-only only when its\n"
     "memory is (a read-only file mapping, a sealed segment, a read-only source) or when\n"
     "that was asked; arrays zcx holds in writable memory give writable tensors, immutable\n"
     "by contract. copy=True exports a copy."},
    {"__dlpack_device__", (PyCFunction)zcxpy_tensor_dlpack_device, METH_NOARGS,
     "__dlpack_device__() -> (device_type, device_id)"},
    {NULL, NULL, 0, NULL},
};

PyTypeObject zcxpy_tensor_type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "zcx.Tensor",
    .tp_basicsize = sizeof(zcxpy_tensor_t),
    .tp_dealloc = (destructor)zcxpy_tensor_dealloc,
    .tp_repr = (reprfunc)zcxpy_tensor_repr,
    .tp_as_buffer = &zcxpy_tensor_buffer_procs,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "An immutable n-dimensional view of memory (host or device) that frameworks\n"
              "share without copying: DLPack (__dlpack__, zcx.from_dlpack), NumPy's\n"
              "__array_interface__ and the buffer protocol. Made by zcx.empty,\n"
              "zcx.from_dlpack and zcx.from_buffer. `readonly` is true only when the memory\n"
              "is physically read-only (a read-only mapping, a sealed segment, a read-only\n"
              "source) or the flag was asked for; consumers that cannot be told read-only\n"
              "(legacy DLPack) are refused such tensors.",
    .tp_methods = zcxpy_tensor_methods,
    .tp_getset = zcxpy_tensor_getset,
};

// ---------------------------------------------------------------------------------------------
// Copies

// Copies the elements of `src` (host memory) in C order into `dst`.
static void zcxpy_copy_strided(uint8_t* dst, const zcx_tensor_t* src) {
  int32_t ndim = zcx_tensor_ndim(src);
  const int64_t* shape = zcx_tensor_shape(src);
  const int64_t* strides = zcx_tensor_strides(src);
  int64_t itemsize = zcx_tensor_itemsize(src);
  int64_t n = zcx_tensor_numel(src);
  int64_t index[ZCX_TENSOR_MAX_NDIM] = {0};
  const uint8_t* p = zcx_tensor_data(src);
  for (int64_t k = 0; k < n; k++) {
    memcpy(dst, p, (size_t)itemsize);
    dst += itemsize;
    for (int32_t d = ndim - 1; d >= 0; d--) {
      p += strides[d] * itemsize;
      if (++index[d] < shape[d]) {
        break;
      }
      p -= strides[d] * itemsize * shape[d];
      index[d] = 0;
    }
  }
}

int zcxpy_tensor_copy(zcx_tensor_t* src, zcx_tensor_t** out, zcx_error_t* err) {
  if (!zcx_device_is_host_accessible(zcx_tensor_device(src))) {
    return zcx_error_fail(err, ENOTSUP, "copy of a tensor on device type %s needs that device",
                          zcx_device_type_name(zcx_tensor_device(src).type));
  }
  zcx_tensor_t* copy = NULL;
  int rc = zcx_tensor_create_contiguous(NULL, zcx_tensor_dtype(src), zcx_tensor_ndim(src),
                                        zcx_tensor_shape(src), ZCX_TENSOR_COPIED, &copy, err);
  if (rc != 0) {
    return rc;
  }
  zcxpy_copy_strided(zcx_tensor_data(copy), src);
  *out = copy;
  return 0;
}

// ---------------------------------------------------------------------------------------------
// zcx.empty and zcx.from_buffer

// Reads a shape: an int or a sequence of ints, each >= 0.
static int zcxpy_shape_parse(PyObject* obj, int64_t* shape, int32_t* ndim) {
  if (PyLong_Check(obj)) {
    long long v = PyLong_AsLongLong(obj);
    if (v == -1 && PyErr_Occurred()) {
      return -1;
    }
    if (v < 0) {
      PyErr_Format(PyExc_ValueError, "zcx.empty: dimension 0 is negative: %lld", v);
      return -1;
    }
    shape[0] = v;
    *ndim = 1;
    return 0;
  }
  PyObject* seq = PySequence_Fast(obj, "zcx.empty: shape must be an int or a sequence of ints");
  if (seq == NULL) {
    return -1;
  }
  Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
  if (n > ZCX_TENSOR_MAX_NDIM) {
    PyErr_Format(PyExc_ValueError, "zcx.empty: %zd dimensions, at most %d", n,
                 ZCX_TENSOR_MAX_NDIM);
    Py_DECREF(seq);
    return -1;
  }
  for (Py_ssize_t i = 0; i < n; i++) {
    PyObject* item = PySequence_Fast_GET_ITEM(seq, i);
    if (!PyIndex_Check(item)) {
      PyErr_Format(PyExc_TypeError, "zcx.empty: dimension %zd of the shape is %.200s, not an int",
                   i, Py_TYPE(item)->tp_name);
      Py_DECREF(seq);
      return -1;
    }
    long long v = PyLong_AsLongLong(item);
    if (v == -1 && PyErr_Occurred()) {
      Py_DECREF(seq);
      return -1;
    }
    if (v < 0) {
      PyErr_Format(PyExc_ValueError, "zcx.empty: dimension %zd is negative: %lld", i, v);
      Py_DECREF(seq);
      return -1;
    }
    shape[i] = v;
  }
  *ndim = (int32_t)n;
  Py_DECREF(seq);
  return 0;
}

static PyObject* zcxpy_empty(PyObject* module, PyObject* args, PyObject* kwargs) {
  (void)module;
  static char* kwlist[] = {"shape", "dtype", "pool", NULL};
  PyObject* shape_obj = NULL;
  PyObject* dtype_obj = NULL;
  PyObject* pool = Py_None;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|O$O:empty", kwlist, &shape_obj, &dtype_obj,
                                   &pool)) {
    return NULL;
  }
  int64_t shape[ZCX_TENSOR_MAX_NDIM];
  int32_t ndim = 0;
  zcx_dtype_t dtype = zcx_dtype_make(ZCX_DTYPE_FLOAT, 64);
  if (zcxpy_shape_parse(shape_obj, shape, &ndim) != 0 ||
      (dtype_obj != NULL && dtype_obj != Py_None && zcxpy_dtype_parse(dtype_obj, &dtype) != 0)) {
    return NULL;
  }
  zcx_mr_t* mr = NULL;
  if (pool != Py_None) {
    if (!zcxpy_pool_check(pool)) {
      PyErr_Format(PyExc_TypeError, "zcx.empty: pool must be a zcx.Pool or None, got %.200s",
                   Py_TYPE(pool)->tp_name);
      return NULL;
    }
    mr = ((zcxpy_pool_t*)pool)->mr;
  }
  zcx_error_t err;
  zcx_error_init(&err);
  zcx_tensor_t* t = NULL;
  int rc;
  Py_BEGIN_ALLOW_THREADS
  rc = zcx_tensor_create_contiguous(mr, dtype, ndim, shape, 0, &t, &err);
  Py_END_ALLOW_THREADS
  if (rc != 0) {
    return zcxpy_raise(rc, &err, PyExc_TypeError);
  }
  return zcxpy_tensor_wrap(t);
}

// Keeps a Py_buffer alive for as long as a zcx buffer borrows its memory.
static void zcxpy_pybuffer_release(void* ctx, void* data, int64_t size) {
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

static PyObject* zcxpy_from_buffer(PyObject* module, PyObject* obj) {
  (void)module;
  Py_buffer* view = PyMem_RawCalloc(1, sizeof(*view));
  if (view == NULL) {
    return PyErr_NoMemory();
  }
  if (PyObject_GetBuffer(obj, view, PyBUF_RECORDS_RO) != 0) {
    PyMem_RawFree(view);
    return NULL;
  }
  zcx_dtype_t dtype;
  int64_t shape[ZCX_TENSOR_MAX_NDIM];
  int64_t strides[ZCX_TENSOR_MAX_NDIM];
  if (zcxpy_dtype_from_format(view->format, view->itemsize, &dtype) != 0) {
    goto fail;
  }
  if (view->ndim > ZCX_TENSOR_MAX_NDIM || view->suboffsets != NULL) {
    PyErr_Format(PyExc_BufferError,
                 "zcx.from_buffer: %d dimensions or indirect buffers are not supported",
                 view->ndim);
    goto fail;
  }
  // The bytes the view can reach: [lo, hi) around view->buf (strides may be negative).
  int64_t lo = 0;
  int64_t hi = view->ndim == 0 ? view->itemsize : 0;
  bool empty = false;
  for (int i = 0; i < view->ndim; i++) {
    shape[i] = (int64_t)view->shape[i];
    Py_ssize_t stride = view->strides != NULL ? view->strides[i] : 0;
    if (stride % view->itemsize != 0) {
      PyErr_Format(PyExc_BufferError,
                   "zcx.from_buffer: stride %zd of dimension %d is not a multiple of the "
                   "itemsize %zd",
                   stride, i, view->itemsize);
      goto fail;
    }
    strides[i] = (int64_t)(stride / view->itemsize);
    empty = empty || shape[i] == 0;
    int64_t span = (shape[i] > 0 ? shape[i] - 1 : 0) * (int64_t)stride;
    if (span < 0) {
      lo += span;
    } else {
      hi += span;
    }
  }
  if (view->ndim > 0) {
    hi = empty ? 0 : hi + view->itemsize;
    lo = empty ? 0 : lo;
  }
  uint32_t flags = view->readonly ? ZCX_BUFFER_READONLY : 0;
  zcx_error_t err;
  zcx_error_init(&err);
  zcx_buffer_t* buffer = NULL;
  int rc = zcx_buffer_wrap((char*)view->buf + lo, hi - lo, zcx_device_cpu(), flags,
                           zcxpy_pybuffer_release, view, &buffer, &err);
  if (rc != 0) {
    zcxpy_raise(rc, &err, PyExc_BufferError);
    goto fail;
  }
  zcx_tensor_t* t = NULL;
  rc = zcx_tensor_create(buffer, view->buf, dtype, view->ndim, shape,
                         view->ndim > 0 ? strides : NULL,
                         view->readonly ? ZCX_TENSOR_READONLY : 0, &t, &err);
  zcx_buffer_release(buffer);  // the tensor holds its own reference; on failure: the view
  if (rc != 0) {
    return zcxpy_raise(rc, &err, PyExc_BufferError);
  }
  return zcxpy_tensor_wrap(t);

fail:
  PyBuffer_Release(view);
  PyMem_RawFree(view);
  return NULL;
}

static PyMethodDef zcxpy_tensor_functions[] = {
    {"empty", (PyCFunction)(void (*)(void))zcxpy_empty, METH_VARARGS | METH_KEYWORDS,
     "empty(shape, dtype='float64', *, pool=None) -> Tensor\n\n"
     "A new C-contiguous, 64-byte aligned tensor (not initialized) from `pool` (None: the\n"
     "default pool). dtype: a name ('float32'), a NumPy dtype or a torch dtype."},
    {"from_buffer", zcxpy_from_buffer, METH_O,
     "from_buffer(obj) -> Tensor\n\n"
     "A tensor viewing any buffer-protocol object (bytes, memoryview, array.array,\n"
     "numpy.ndarray) without copying; it keeps obj's buffer until the last view is gone.\n"
     "Read-only buffers give read-only tensors."},
    {NULL, NULL, 0, NULL},
};

int zcxpy_tensor_register(PyObject* module) {
  if (zcxpy_add_type(module, "Tensor", &zcxpy_tensor_type) < 0) {
    return -1;
  }
  return PyModule_AddFunctions(module, zcxpy_tensor_functions);
}
