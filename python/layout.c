// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// NumPy structured arrays as arrays of structures: zcx.aos_to_soa (to a record batch),
// zcx.soa_to_aos (back to a structured array) and zcx.field_view (a zero-copy strided tensor
// of one field), with the layout read from the structured dtype.
#include <string.h>

#include "arrow_internal.h"

// The Arrow type of a NumPy scalar dtype (native byte order), or NULL with TypeError naming
// the field. bool, int/uint 8-64, float 16-64, datetime64 and timedelta64 in s/ms/us/ns
// (timestamp / duration), and fixed-size bytes ('S', 'V') as fixed_size_binary.
static zcx_type_t* zcxpy_scalar_type(PyArray_Descr* d, const char* name) {
  zcx_error_t err;
  zcx_error_init(&err);
  zcx_type_t* t = NULL;
  int rc = 0;
  if (d->byteorder == '>') {
    PyErr_Format(PyExc_TypeError, "zcx: field '%s': big-endian dtype '%c%d' is not supported",
                 name, d->kind, (int)d->elsize);
    return NULL;
  }
  zcx_type_id_t id = ZCX_TYPE_COUNT_;
  switch (d->kind) {
    case 'b':
      id = ZCX_TYPE_BOOL;
      break;
    case 'i':
      id = d->elsize == 1   ? ZCX_TYPE_INT8
           : d->elsize == 2 ? ZCX_TYPE_INT16
           : d->elsize == 4 ? ZCX_TYPE_INT32
           : d->elsize == 8 ? ZCX_TYPE_INT64
                            : ZCX_TYPE_COUNT_;
      break;
    case 'u':
      id = d->elsize == 1   ? ZCX_TYPE_UINT8
           : d->elsize == 2 ? ZCX_TYPE_UINT16
           : d->elsize == 4 ? ZCX_TYPE_UINT32
           : d->elsize == 8 ? ZCX_TYPE_UINT64
                            : ZCX_TYPE_COUNT_;
      break;
    case 'f':
      id = d->elsize == 2   ? ZCX_TYPE_HALF_FLOAT
           : d->elsize == 4 ? ZCX_TYPE_FLOAT
           : d->elsize == 8 ? ZCX_TYPE_DOUBLE
                            : ZCX_TYPE_COUNT_;
      break;
    case 'M':
    case 'm': {
      PyArray_DatetimeMetaData* meta = &((PyArray_DatetimeDTypeMetaData*)d->c_metadata)->meta;
      zcx_time_unit_t unit;
      switch (meta->base) {
        case NPY_FR_s: unit = ZCX_TIME_SECOND; break;
        case NPY_FR_ms: unit = ZCX_TIME_MILLI; break;
        case NPY_FR_us: unit = ZCX_TIME_MICRO; break;
        case NPY_FR_ns: unit = ZCX_TIME_NANO; break;
        default:
          PyErr_Format(PyExc_TypeError, "zcx: field '%s': %s64 units other than s, ms, us, ns "
                       "have no Arrow type", name, d->kind == 'M' ? "datetime" : "timedelta");
          return NULL;
      }
      if (meta->num != 1) {
        PyErr_Format(PyExc_TypeError, "zcx: field '%s': a unit multiple of %d is not supported",
                     name, meta->num);
        return NULL;
      }
      rc = d->kind == 'M' ? zcx_type_timestamp(unit, NULL, &t, &err)
                          : zcx_type_time(ZCX_TYPE_DURATION, unit, &t, &err);
      break;
    }
    case 'S':
    case 'V':
      if (d->names != NULL && d->names != Py_None) {
        PyErr_Format(PyExc_TypeError, "zcx: field '%s': nested structured fields are not "
                     "supported", name);
        return NULL;
      }
      rc = zcx_type_fixed_size_binary((int32_t)d->elsize, &t, &err);
      break;
    default:
      PyErr_Format(PyExc_TypeError, "zcx: field '%s': dtype kind '%c' (%s) has no fixed-width "
                   "Arrow type (object, str and nested fields are not supported)",
                   name, d->kind, d->kind == 'O' ? "object" : d->kind == 'U' ? "str" : "other");
      return NULL;
  }
  if (t == NULL && rc == 0) {
    if (id == ZCX_TYPE_COUNT_) {
      PyErr_Format(PyExc_TypeError, "zcx: field '%s': %d-byte '%c' values are not supported",
                   name, (int)d->elsize, d->kind);
      return NULL;
    }
    rc = zcx_type_create(id, &t, &err);
  }
  if (rc != 0) {
    zcxpy_raise(rc, &err, PyExc_TypeError);
    return NULL;
  }
  return t;
}

// The Arrow type of one field of a structured dtype: a scalar, or a fixed-size list of
// prod(shape) scalars for a subarray field.
static zcx_type_t* zcxpy_record_field_type(PyArray_Descr* d, const char* name) {
  if (d->subarray == NULL) {
    return zcxpy_scalar_type(d, name);
  }
  PyArray_Descr* base = d->subarray->base;
  if (base->subarray != NULL) {
    PyErr_Format(PyExc_TypeError, "zcx: field '%s': nested subarrays are not supported", name);
    return NULL;
  }
  int64_t count = d->elsize / (base->elsize > 0 ? base->elsize : 1);
  zcx_type_t* value = zcxpy_scalar_type(base, name);
  if (value == NULL) {
    return NULL;
  }
  zcx_error_t err;
  zcx_error_init(&err);
  zcx_field_t* item = NULL;
  zcx_type_t* list = NULL;
  int rc = count > INT32_MAX ? zcx_error_fail(&err, EINVAL, "%lld values", (long long)count)
                             : zcx_field_create("item", value, false, NULL, &item, &err);
  if (rc == 0) {
    rc = zcx_type_fixed_size_list(item, (int32_t)count, &list, &err);
  }
  zcx_field_release(item);
  zcx_type_release(value);
  if (rc != 0) {
    zcx_error_prefix(&err, "zcx: field '%s': ", name);
    zcxpy_raise(rc, &err, PyExc_TypeError);
    return NULL;
  }
  return list;
}

// A layout from a structured dtype: its names, offsets and itemsize. NULL with TypeError
// (not structured, unsupported field) or ValueError (overlapping fields, ...).
static zcx_layout_t* zcxpy_layout_from_dtype(PyArray_Descr* descr) {
  if (descr->names == NULL || descr->names == Py_None || !PyTuple_Check(descr->names)) {
    PyErr_Format(PyExc_TypeError, "zcx: a structured dtype is needed, got %R", (PyObject*)descr);
    return NULL;
  }
  zcx_error_t err;
  zcx_error_init(&err);
  zcx_layout_t* layout = NULL;
  int rc = zcx_layout_create((int64_t)descr->elsize, &layout, &err);
  if (rc != 0) {
    zcxpy_raise(rc, &err, PyExc_TypeError);
    return NULL;
  }
  Py_ssize_t n = PyTuple_GET_SIZE(descr->names);
  for (Py_ssize_t i = 0; i < n; i++) {
    PyObject* key = PyTuple_GET_ITEM(descr->names, i);
    PyObject* info = PyDict_GetItem(descr->fields, key);  // (dtype, offset[, title])
    const char* name = PyUnicode_AsUTF8(key);
    if (name == NULL || info == NULL || !PyTuple_Check(info) || PyTuple_GET_SIZE(info) < 2) {
      if (!PyErr_Occurred()) {
        PyErr_Format(PyExc_TypeError, "zcx: field %zd of the dtype is malformed", i);
      }
      zcx_layout_destroy(layout);
      return NULL;
    }
    PyArray_Descr* fd = (PyArray_Descr*)PyTuple_GET_ITEM(info, 0);
    long long offset = PyLong_AsLongLong(PyTuple_GET_ITEM(info, 1));
    zcx_type_t* type = offset == -1 && PyErr_Occurred() ? NULL : zcxpy_record_field_type(fd, name);
    if (type == NULL) {
      zcx_layout_destroy(layout);
      return NULL;
    }
    rc = zcx_layout_add_field_type(layout, name, type, (int64_t)offset, &err);
    zcx_type_release(type);
    if (rc != 0) {
      zcx_layout_destroy(layout);
      zcxpy_raise(rc, &err, PyExc_TypeError);
      return NULL;
    }
  }
  return layout;
}

// Checks that `obj` is a C-contiguous structured ndarray; NULL with TypeError/ValueError.
static PyArrayObject* zcxpy_records_arg(PyObject* obj, const char* fn) {
  if (!PyArray_Check(obj)) {
    PyErr_Format(PyExc_TypeError, "zcx.%s: a NumPy structured array is needed, got %.200s", fn,
                 Py_TYPE(obj)->tp_name);
    return NULL;
  }
  PyArrayObject* arr = (PyArrayObject*)obj;
  if (!PyDataType_HASFIELDS(PyArray_DESCR(arr))) {
    PyErr_Format(PyExc_TypeError, "zcx.%s: the array's dtype %R is not structured", fn,
                 (PyObject*)PyArray_DESCR(arr));
    return NULL;
  }
  if (!PyArray_IS_C_CONTIGUOUS(arr)) {
    PyErr_Format(PyExc_ValueError, "zcx.%s: the records must be C-contiguous (copy with "
                 "numpy.ascontiguousarray first)", fn);
    return NULL;
  }
  return arr;
}

static int zcxpy_pool_arg(PyObject* pool, const char* fn, zcx_mr_t** mr) {
  *mr = NULL;
  if (pool == Py_None) {
    return 0;
  }
  if (!zcxpy_pool_check(pool)) {
    PyErr_Format(PyExc_TypeError, "zcx.%s: pool must be a zcx.Pool or None, got %.200s", fn,
                 Py_TYPE(pool)->tp_name);
    return -1;
  }
  *mr = ((zcxpy_pool_t*)pool)->mr;
  return 0;
}

static PyObject* zcxpy_aos_to_soa(PyObject* module, PyObject* args, PyObject* kwargs) {
  (void)module;
  static char* kwlist[] = {"records", "threads", "contiguous", "pool", NULL};
  PyObject* obj = NULL;
  int threads = 0;
  int contiguous = 0;
  PyObject* pool = Py_None;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|i$pO:aos_to_soa", kwlist, &obj, &threads,
                                   &contiguous, &pool)) {
    return NULL;
  }
  if (threads < 0) {
    return PyErr_Format(PyExc_ValueError, "zcx.aos_to_soa: threads must be >= 0, got %d",
                        threads);
  }
  zcx_layout_options_t options;
  zcx_layout_options_init(&options);
  options.threads = threads;
  options.flags = contiguous ? ZCX_LAYOUT_CONTIGUOUS : 0;
  PyArrayObject* arr = zcxpy_records_arg(obj, "aos_to_soa");
  if (arr == NULL || zcxpy_pool_arg(pool, "aos_to_soa", &options.mr) != 0) {
    return NULL;
  }
  zcx_layout_t* layout = zcxpy_layout_from_dtype(PyArray_DESCR(arr));
  if (layout == NULL) {
    return NULL;
  }
  zcx_error_t err;
  zcx_error_init(&err);
  zcx_batch_t* batch = NULL;
  const void* data = PyArray_DATA(arr);
  int64_t n = (int64_t)PyArray_SIZE(arr);
  int rc;
  // The caller's array stays referenced by `obj` for the whole call.
  Py_BEGIN_ALLOW_THREADS
  rc = zcx_layout_to_batch(layout, data, n, &options, &batch, &err);
  Py_END_ALLOW_THREADS
  zcx_layout_destroy(layout);
  if (rc != 0) {
    return zcxpy_raise(rc, &err, PyExc_TypeError);
  }
  return zcxpy_batch_wrap(batch);
}

static PyObject* zcxpy_soa_to_aos(PyObject* module, PyObject* args, PyObject* kwargs) {
  (void)module;
  static char* kwlist[] = {"batch", "dtype", "threads", "nulls_as_zeros", NULL};
  PyObject* batch_obj = NULL;
  PyObject* dtype_obj = NULL;
  int threads = 0;
  int nulls_as_zeros = 0;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O!O|i$p:soa_to_aos", kwlist,
                                   &zcxpy_batch_type, &batch_obj, &dtype_obj, &threads,
                                   &nulls_as_zeros)) {
    return NULL;
  }
  if (threads < 0) {
    return PyErr_Format(PyExc_ValueError, "zcx.soa_to_aos: threads must be >= 0, got %d",
                        threads);
  }
  PyArray_Descr* descr = NULL;
  if (!PyArray_DescrConverter(dtype_obj, &descr)) {
    return NULL;
  }
  zcx_layout_t* layout = zcxpy_layout_from_dtype(descr);
  if (layout == NULL) {
    Py_DECREF(descr);
    return NULL;
  }
  zcx_batch_t* batch = ((zcxpy_batch_t*)batch_obj)->batch;
  npy_intp dims[1] = {(npy_intp)batch->num_rows};
  // PyArray_Empty steals the reference to descr.
  PyArrayObject* out = (PyArrayObject*)PyArray_Empty(1, dims, descr, 0);
  if (out == NULL) {
    zcx_layout_destroy(layout);
    return NULL;
  }
  zcx_layout_options_t options;
  zcx_layout_options_init(&options);
  options.threads = threads;
  options.flags = nulls_as_zeros ? ZCX_LAYOUT_NULLS_AS_ZEROS : 0;
  zcx_error_t err;
  zcx_error_init(&err);
  void* data = PyArray_DATA(out);
  int rc;
  Py_BEGIN_ALLOW_THREADS
  rc = zcx_layout_from_batch(layout, batch, data, batch->num_rows, &options, &err);
  Py_END_ALLOW_THREADS
  zcx_layout_destroy(layout);
  if (rc != 0) {
    Py_DECREF(out);
    return zcxpy_raise(rc, &err, PyExc_TypeError);
  }
  return (PyObject*)out;
}

// Drops the reference a zcx buffer holds on the ndarray it borrows.
static void zcxpy_ndarray_release(void* ctx, void* data, int64_t size) {
  (void)data;
  (void)size;
  if (!Py_IsInitialized()) {
    return;
  }
  // zcx may drop its last reference on any thread, with or without the GIL.
  PyGILState_STATE state = PyGILState_Ensure();
  Py_DECREF((PyObject*)ctx);
  PyGILState_Release(state);
}

static PyObject* zcxpy_field_view(PyObject* module, PyObject* args) {
  (void)module;
  PyObject* obj = NULL;
  const char* name = NULL;
  if (!PyArg_ParseTuple(args, "Os:field_view", &obj, &name)) {
    return NULL;
  }
  PyArrayObject* arr = zcxpy_records_arg(obj, "field_view");
  if (arr == NULL) {
    return NULL;
  }
  zcx_layout_t* layout = zcxpy_layout_from_dtype(PyArray_DESCR(arr));
  if (layout == NULL) {
    return NULL;
  }
  if (zcx_layout_field_index(layout, name) < 0) {
    zcx_layout_destroy(layout);
    return PyErr_Format(PyExc_KeyError, "zcx.field_view: no field named '%s'", name);
  }
  zcx_error_t err;
  zcx_error_init(&err);
  int64_t n = (int64_t)PyArray_SIZE(arr);
  uint32_t flags = PyArray_ISWRITEABLE(arr) ? 0 : ZCX_BUFFER_READONLY;
  zcx_buffer_t* records = NULL;
  Py_INCREF(obj);  // the buffer's reference, dropped by zcxpy_ndarray_release
  int rc = zcx_buffer_wrap(PyArray_DATA(arr), (int64_t)PyArray_NBYTES(arr), zcx_device_cpu(),
                           flags, zcxpy_ndarray_release, obj, &records, &err);
  if (rc != 0) {
    Py_DECREF(obj);
    zcx_layout_destroy(layout);
    return zcxpy_raise(rc, &err, NULL);
  }
  zcx_tensor_t* t = NULL;
  rc = zcx_layout_field_view(layout, name, records, n, &t, &err);
  zcx_buffer_release(records);  // the tensor holds its own reference; on failure: the array
  zcx_layout_destroy(layout);
  if (rc != 0) {
    return zcxpy_raise(rc, &err, PyExc_BufferError);
  }
  return zcxpy_tensor_wrap(t);
}

static PyMethodDef zcxpy_layout_functions[] = {
    {"aos_to_soa", (PyCFunction)(void (*)(void))zcxpy_aos_to_soa, METH_VARARGS | METH_KEYWORDS,
     "aos_to_soa(records, threads=0, *, contiguous=False, pool=None) -> RecordBatch\n\n"
     "Converts a C-contiguous NumPy structured array (an array of structures) into a record\n"
     "batch of one 64-byte aligned column per field (a structure of arrays). Fields: bool,\n"
     "int/uint 8-64, float16/32/64, datetime64/timedelta64 in s/ms/us/ns (timestamp /\n"
     "duration), fixed-size bytes, and fixed-size subarrays of these (fixed_size_list\n"
     "columns, shapes flattened). Packed (unaligned) dtypes work. threads: 0 uses every\n"
     "CPU, 1 the calling thread. contiguous=True puts all columns in one block, so that\n"
     "same-typed columns export as one column-major tensor (RecordBatch.__dlpack__).\n"
     "Columns come from `pool` (None: the default pool)."},
    {"soa_to_aos", (PyCFunction)(void (*)(void))zcxpy_soa_to_aos, METH_VARARGS | METH_KEYWORDS,
     "soa_to_aos(batch, dtype, threads=0, *, nulls_as_zeros=False) -> numpy.ndarray\n\n"
     "Gathers the batch's columns (found by field name; their types must match the dtype's\n"
     "fields) into a new structured array of `dtype`. Bytes no field covers are zero; nulls\n"
     "are an error (ValueError) unless nulls_as_zeros=True."},
    {"field_view", (PyCFunction)zcxpy_field_view, METH_VARARGS,
     "field_view(records, name) -> Tensor\n\n"
     "A zero-copy strided tensor of one field of a C-contiguous structured array (stride:\n"
     "the record size); writes through it change the records, and it keeps the array alive.\n"
     "BufferError when the record size or the field's offset is not a multiple of its value\n"
     "size, or the data is not aligned to it."},
    {NULL, NULL, 0, NULL},
};

int zcxpy_layout_register(PyObject* module) {
  return PyModule_AddFunctions(module, zcxpy_layout_functions);
}
