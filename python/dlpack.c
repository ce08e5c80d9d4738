// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The Python DLPack protocol: Tensor.__dlpack__ / __dlpack_device__ (export) and
// zcx.from_dlpack (import), with the capsule rules of the protocol.
//
// Capsules: a producer hands out "dltensor" (legacy DLManagedTensor) or "dltensor_versioned"
// (DLManagedTensorVersioned). The consumer that takes the managed tensor renames the capsule
// "used_dltensor" / "used_dltensor_versioned" and becomes responsible for calling the deleter
// once; a capsule that dies unconsumed calls the deleter from its destructor.
#include <string.h>

#include "internal.h"

static const char zcxpy_name_legacy[] = "dltensor";
static const char zcxpy_name_versioned[] = "dltensor_versioned";
static const char zcxpy_name_used_legacy[] = "used_dltensor";
static const char zcxpy_name_used_versioned[] = "used_dltensor_versioned";

// ---------------------------------------------------------------------------------------------
// Export

static void zcxpy_capsule_destroy_legacy(PyObject* capsule) {
  if (PyCapsule_IsValid(capsule, zcxpy_name_used_legacy)) {
    return;  // consumed: the consumer calls the deleter
  }
  PyObject *type, *value, *traceback;
  PyErr_Fetch(&type, &value, &traceback);
  DLManagedTensor* managed = PyCapsule_GetPointer(capsule, zcxpy_name_legacy);
  if (managed == NULL) {
    PyErr_WriteUnraisable(capsule);
  } else if (managed->deleter != NULL) {
    managed->deleter(managed);
  }
  PyErr_Restore(type, value, traceback);
}

static void zcxpy_capsule_destroy_versioned(PyObject* capsule) {
  if (PyCapsule_IsValid(capsule, zcxpy_name_used_versioned)) {
    return;
  }
  PyObject *type, *value, *traceback;
  PyErr_Fetch(&type, &value, &traceback);
  DLManagedTensorVersioned* managed = PyCapsule_GetPointer(capsule, zcxpy_name_versioned);
  if (managed == NULL) {
    PyErr_WriteUnraisable(capsule);
  } else if (managed->deleter != NULL) {
    managed->deleter(managed);
  }
  PyErr_Restore(type, value, traceback);
}

// Reads max_version: None (legacy), or a (major, minor) tuple. Sets *versioned.
static int zcxpy_parse_max_version(PyObject* obj, bool* versioned) {
  *versioned = false;
  if (obj == NULL || obj == Py_None) {
    return 0;
  }
  long major = 0;
  long minor = 0;
  if (!PyTuple_Check(obj) || PyTuple_GET_SIZE(obj) != 2 ||
      !PyArg_ParseTuple(obj, "ll", &major, &minor)) {
    PyErr_Clear();
    PyErr_Format(PyExc_TypeError,
                 "__dlpack__: max_version must be None or a (major, minor) tuple of ints, "
                 "got %.200R",
                 obj);
    return -1;
  }
  *versioned = major >= 1;
  return 0;
}

// Reads dl_device: None (the tensor's own) or (device_type, device_id).
static int zcxpy_check_dl_device(PyObject* obj, zcx_device_t device) {
  if (obj == NULL || obj == Py_None) {
    return 0;
  }
  int type = 0;
  int id = 0;
  if (!PyTuple_Check(obj) || !PyArg_ParseTuple(obj, "ii", &type, &id)) {
    PyErr_Clear();
    PyErr_Format(PyExc_TypeError,
                 "__dlpack__: dl_device must be None or a (device_type, device_id) tuple, "
                 "got %.200R",
                 obj);
    return -1;
  }
  if (type != device.type || id != device.id) {
    PyErr_Format(PyExc_BufferError,
                 "__dlpack__: the tensor is on %s:%d and cannot be exported to device (%d, %d)",
                 zcx_device_type_name(device.type), (int)device.id, type, id);
    return -1;
  }
  return 0;
}

PyObject* zcxpy_tensor_dlpack(zcxpy_tensor_t* self, PyObject* args, PyObject* kwargs) {
  static char* kwlist[] = {"stream", "max_version", "dl_device", "copy", NULL};
  PyObject* stream = Py_None;
  PyObject* max_version = Py_None;
  PyObject* dl_device = Py_None;
  PyObject* copy = Py_None;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|$OOOO:__dlpack__", kwlist, &stream,
                                   &max_version, &dl_device, &copy)) {
    return NULL;
  }
  zcx_tensor_t* t = self->tensor;
  zcx_device_t device = zcx_tensor_device(t);
  if (stream != Py_None) {
    if (device.type == ZCX_DEVICE_CPU) {
      PyErr_Format(PyExc_ValueError, "__dlpack__: stream must be None for a CPU tensor, got %.200R",
                   stream);
      return NULL;
    }
    if (!PyLong_Check(stream)) {
      PyErr_Format(PyExc_TypeError, "__dlpack__: stream must be None or an int, got %.200s",
                   Py_TYPE(stream)->tp_name);
      return NULL;
    }
  }
  bool versioned = false;
  if (zcxpy_parse_max_version(max_version, &versioned) != 0 ||
      zcxpy_check_dl_device(dl_device, device) != 0) {
    return NULL;
  }
  if (copy != Py_None && !PyBool_Check(copy)) {
    PyErr_Format(PyExc_TypeError, "__dlpack__: copy must be None, True or False, got %.200s",
                 Py_TYPE(copy)->tp_name);
    return NULL;
  }
  zcx_error_t err;
  zcx_error_init(&err);
  zcx_tensor_t* exported = t;
  zcx_tensor_retain(exported);
  if (copy == Py_True) {
    zcx_tensor_t* dup = NULL;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = zcxpy_tensor_copy(t, &dup, &err);
    Py_END_ALLOW_THREADS
    zcx_tensor_release(exported);
    if (rc != 0) {
      return zcxpy_raise(rc, &err, PyExc_BufferError);
    }
    exported = dup;
  }
  PyObject* capsule = NULL;
  if (versioned) {
    DLManagedTensorVersioned* managed = NULL;
    int rc = zcx_dlpack_export(exported, &managed, &err);
    if (rc != 0) {
      zcx_tensor_release(exported);
      return zcxpy_raise(rc, &err, PyExc_BufferError);
    }
    capsule = PyCapsule_New(managed, zcxpy_name_versioned, zcxpy_capsule_destroy_versioned);
    if (capsule == NULL) {
      managed->deleter(managed);
    }
  } else {
    if (zcx_tensor_is_readonly(exported)) {
      zcx_tensor_release(exported);
      // Read-only means physically read-only (a read-only mapping, a sealed segment, a
      // read-only source) or asked for: a writable alias would fault or break a promise.
      PyErr_SetString(PyExc_BufferError,
                      "__dlpack__: the tensor is read-only and a legacy 'dltensor' capsule cannot "
                      "say so; ask with max_version=(1, 0) or copy=True, or, for a mapped IPC "
                      "file or shared-memory segment, open it with copy_on_write=True "
                      "(zcx.read_ipc, zcx.IpcFileReader, zcx.shm_attach) to share private "
                      "writable pages without a copy");
      return NULL;
    }
    DLManagedTensor* managed = NULL;
    int rc = zcx_dlpack_export_legacy(exported, &managed, &err);
    if (rc != 0) {
      zcx_tensor_release(exported);
      return zcxpy_raise(rc, &err, PyExc_BufferError);
    }
    capsule = PyCapsule_New(managed, zcxpy_name_legacy, zcxpy_capsule_destroy_legacy);
    if (capsule == NULL) {
      managed->deleter(managed);
    }
  }
  // The managed tensor holds its own reference.
  zcx_tensor_release(exported);
  return capsule;
}

PyObject* zcxpy_tensor_dlpack_device(zcxpy_tensor_t* self, PyObject* unused) {
  (void)unused;
  zcx_device_t d = zcx_tensor_device(self->tensor);
  return Py_BuildValue("(ii)", (int)d.type, (int)d.id);
}

// ---------------------------------------------------------------------------------------------
// Import

// A managed tensor of our own in front of the producer's: zcx may call the deleter on any
// thread without the GIL, but Python producers (NumPy, PyTorch) need the GIL in theirs, so our
// deleter takes it before calling the producer's. The struct comes first: zcx hands its
// address back to the deleter.
typedef struct zcxpy_proxy_versioned {
  DLManagedTensorVersioned managed;
  DLManagedTensorVersioned* producer;
} zcxpy_proxy_versioned_t;

typedef struct zcxpy_proxy_legacy {
  DLManagedTensor managed;
  DLManagedTensor* producer;
} zcxpy_proxy_legacy_t;

static void zcxpy_proxy_delete_versioned(DLManagedTensorVersioned* self) {
  zcxpy_proxy_versioned_t* proxy = (zcxpy_proxy_versioned_t*)self;
  DLManagedTensorVersioned* producer = proxy->producer;
  PyMem_RawFree(proxy);
  if (producer->deleter != NULL && Py_IsInitialized()) {
    PyGILState_STATE state = PyGILState_Ensure();
    producer->deleter(producer);
    PyGILState_Release(state);
  }
}

static void zcxpy_proxy_delete_legacy(DLManagedTensor* self) {
  zcxpy_proxy_legacy_t* proxy = (zcxpy_proxy_legacy_t*)self;
  DLManagedTensor* producer = proxy->producer;
  PyMem_RawFree(proxy);
  if (producer->deleter != NULL && Py_IsInitialized()) {
    PyGILState_STATE state = PyGILState_Ensure();
    producer->deleter(producer);
    PyGILState_Release(state);
  }
}

// Takes the managed tensor out of a "dltensor_versioned" capsule.
static PyObject* zcxpy_import_versioned(PyObject* capsule) {
  DLManagedTensorVersioned* producer = PyCapsule_GetPointer(capsule, zcxpy_name_versioned);
  if (producer == NULL) {
    return NULL;
  }
  // Only the fields up to `flags` are known for another major version: do not copy further.
  if (producer->version.major != ZCX_DLPACK_MAJOR) {
    PyErr_Format(PyExc_BufferError,
                 "zcx.from_dlpack: DLPack version %u.%u is not supported (major %d expected)",
                 (unsigned)producer->version.major, (unsigned)producer->version.minor,
                 ZCX_DLPACK_MAJOR);
    return NULL;
  }
  zcxpy_proxy_versioned_t* proxy = PyMem_RawMalloc(sizeof(*proxy));
  if (proxy == NULL) {
    return PyErr_NoMemory();
  }
  proxy->managed = *producer;
  proxy->managed.manager_ctx = NULL;
  proxy->managed.deleter = zcxpy_proxy_delete_versioned;
  proxy->producer = producer;
  zcx_error_t err;
  zcx_error_init(&err);
  zcx_tensor_t* t = NULL;
  int rc = zcx_dlpack_import(&proxy->managed, &t, &err);
  if (rc != 0) {
    PyMem_RawFree(proxy);  // the capsule still owns the producer's tensor
    return zcxpy_raise(rc, &err, PyExc_BufferError);
  }
  if (PyCapsule_SetName(capsule, zcxpy_name_used_versioned) != 0) {
    PyObject *type, *value, *traceback;
    PyErr_Fetch(&type, &value, &traceback);
    zcx_tensor_release(t);  // this calls the producer's deleter: the capsule must not
    PyErr_Restore(type, value, traceback);
    return NULL;
  }
  return zcxpy_tensor_wrap(t);
}

// Takes the managed tensor out of a legacy "dltensor" capsule.
static PyObject* zcxpy_import_legacy(PyObject* capsule) {
  DLManagedTensor* producer = PyCapsule_GetPointer(capsule, zcxpy_name_legacy);
  if (producer == NULL) {
    return NULL;
  }
  zcxpy_proxy_legacy_t* proxy = PyMem_RawMalloc(sizeof(*proxy));
  if (proxy == NULL) {
    return PyErr_NoMemory();
  }
  proxy->managed = *producer;
  proxy->managed.manager_ctx = NULL;
  proxy->managed.deleter = zcxpy_proxy_delete_legacy;
  proxy->producer = producer;
  zcx_error_t err;
  zcx_error_init(&err);
  zcx_tensor_t* t = NULL;
  int rc = zcx_dlpack_import_legacy(&proxy->managed, &t, &err);
  if (rc != 0) {
    PyMem_RawFree(proxy);
    return zcxpy_raise(rc, &err, PyExc_BufferError);
  }
  if (PyCapsule_SetName(capsule, zcxpy_name_used_legacy) != 0) {
    PyObject *type, *value, *traceback;
    PyErr_Fetch(&type, &value, &traceback);
    zcx_tensor_release(t);
    PyErr_Restore(type, value, traceback);
    return NULL;
  }
  return zcxpy_tensor_wrap(t);
}

static PyObject* zcxpy_import_capsule(PyObject* capsule) {
  const char* name = PyCapsule_GetName(capsule);
  if (name == NULL && PyErr_Occurred()) {
    return NULL;
  }
  if (name != NULL && strcmp(name, zcxpy_name_versioned) == 0) {
    return zcxpy_import_versioned(capsule);
  }
  if (name != NULL && strcmp(name, zcxpy_name_legacy) == 0) {
    return zcxpy_import_legacy(capsule);
  }
  if (name != NULL &&
      (strcmp(name, zcxpy_name_used_legacy) == 0 || strcmp(name, zcxpy_name_used_versioned) == 0)) {
    PyErr_Format(PyExc_BufferError,
                 "zcx.from_dlpack: the capsule was already consumed (it is named '%s')", name);
    return NULL;
  }
  PyErr_Format(PyExc_TypeError,
               "zcx.from_dlpack: a capsule named '%s' is not a DLPack capsule ('dltensor' or "
               "'dltensor_versioned')",
               name != NULL ? name : "(null)");
  return NULL;
}

// Producer types whose __dlpack__ refused max_version (NumPy 1.x, PyTorch 1.x): a few strong
// references, kept for the life of the module. Only touched with the GIL held.
#define ZCXPY_LEGACY_PRODUCERS 8
static PyTypeObject* zcxpy_legacy_producers[ZCXPY_LEGACY_PRODUCERS];

static bool zcxpy_is_legacy_producer(PyTypeObject* type) {
  for (int i = 0; i < ZCXPY_LEGACY_PRODUCERS && zcxpy_legacy_producers[i] != NULL; i++) {
    if (zcxpy_legacy_producers[i] == type) {
      return true;
    }
  }
  return false;
}

static void zcxpy_remember_legacy_producer(PyTypeObject* type) {
  for (int i = 0; i < ZCXPY_LEGACY_PRODUCERS; i++) {
    if (zcxpy_legacy_producers[i] == NULL) {
      Py_INCREF(type);
      zcxpy_legacy_producers[i] = type;
      return;
    }
  }
}

static PyObject* zcxpy_from_dlpack(PyObject* module, PyObject* obj) {
  (void)module;
  if (PyCapsule_CheckExact(obj)) {
    return zcxpy_import_capsule(obj);
  }
  PyObject* method = PyObject_GetAttrString(obj, "__dlpack__");
  if (method == NULL) {
    if (!PyErr_ExceptionMatches(PyExc_AttributeError)) {
      return NULL;
    }
    PyErr_Clear();
    PyErr_Format(PyExc_TypeError,
                 "zcx.from_dlpack: %.200s has no __dlpack__ method and is not a DLPack capsule",
                 Py_TYPE(obj)->tp_name);
    return NULL;
  }
  // Ask for a DLPack 1.x capsule first; producers from before the versioned protocol do not
  // know max_version and raise TypeError, then they get the legacy call. Types that refused
  // once get the legacy call at once: the refusal costs more than the hand-over itself.
  PyObject* capsule = NULL;
  if (zcxpy_is_legacy_producer(Py_TYPE(obj))) {
    capsule = PyObject_CallNoArgs(method);
  } else {
    PyObject* kwargs =
        Py_BuildValue("{s:(ii)}", "max_version", ZCX_DLPACK_MAJOR, ZCX_DLPACK_MINOR);
    PyObject* empty = PyTuple_New(0);
    if (kwargs != NULL && empty != NULL) {
      capsule = PyObject_Call(method, empty, kwargs);
      if (capsule == NULL && PyErr_ExceptionMatches(PyExc_TypeError)) {
        PyErr_Clear();
        capsule = PyObject_CallNoArgs(method);
        if (capsule != NULL) {
          zcxpy_remember_legacy_producer(Py_TYPE(obj));
        }
      }
    }
    Py_XDECREF(kwargs);
    Py_XDECREF(empty);
  }
  Py_DECREF(method);
  if (capsule == NULL) {
    return NULL;
  }
  if (!PyCapsule_CheckExact(capsule)) {
    PyErr_Format(PyExc_TypeError, "zcx.from_dlpack: __dlpack__ of %.200s returned %.200s, not a "
                 "capsule", Py_TYPE(obj)->tp_name, Py_TYPE(capsule)->tp_name);
    Py_DECREF(capsule);
    return NULL;
  }
  PyObject* result = zcxpy_import_capsule(capsule);
  Py_DECREF(capsule);
  return result;
}

static PyMethodDef zcxpy_dlpack_functions[] = {
    {"from_dlpack", zcxpy_from_dlpack, METH_O,
     "from_dlpack(obj) -> Tensor\n\n"
     "Imports, without copying, any object with __dlpack__ (NumPy, PyTorch, zcx, ...) or a\n"
     "DLPack capsule ('dltensor' or 'dltensor_versioned'). It asks for a DLPack 1.x capsule\n"
     "first (max_version) and falls back on the legacy call for older producers. The\n"
     "producer's memory stays alive as long as the tensor or any view of it does."},
    {NULL, NULL, 0, NULL},
};

int zcxpy_dlpack_register(PyObject* module) {
  return PyModule_AddFunctions(module, zcxpy_dlpack_functions);
}
