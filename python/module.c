// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The zcx extension module: initialization and registration of its types and functions.
#define ZCXPY_IMPORT_NUMPY
#include "arrow_internal.h"
#include "internal.h"
#include "ipc_internal.h"

static struct PyModuleDef zcxpy_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "zcx",
    .m_doc = "zcx: zero-copy exchange of tensors and Arrow data between frameworks, and memory\n"
             "pools that can serve as NumPy's allocator.",
    .m_size = -1,
};

// NumPy's import_array is a macro that returns NULL from the calling function on failure.
int zcxpy_add_type(PyObject* module, const char* name, PyTypeObject* type) {
  if (PyType_Ready(type) < 0) {
    return -1;
  }
  Py_INCREF(type);
  if (PyModule_AddObject(module, name, (PyObject*)type) < 0) {
    Py_DECREF(type);
    return -1;
  }
  return 0;
}

static int zcxpy_import_numpy(void) {
  import_array1(-1);
  return 0;
}

PyMODINIT_FUNC PyInit_zcx(void) {
  if (zcxpy_import_numpy() != 0) {
    return NULL;
  }
  PyObject* module = PyModule_Create(&zcxpy_module);
  if (module == NULL) {
    return NULL;
  }
  if (PyModule_AddStringConstant(module, "__version__", zcx_version()) != 0 ||
      zcxpy_pool_register(module) != 0 || zcxpy_buffer_register(module) != 0 ||
      zcxpy_numpy_allocator_register(module) != 0 || zcxpy_tensor_register(module) != 0 ||
      zcxpy_dlpack_register(module) != 0 || zcxpy_schema_register(module) != 0 ||
      zcxpy_array_register(module) != 0 || zcxpy_batch_register(module) != 0 ||
      zcxpy_capsule_register(module) != 0 || zcxpy_build_register(module) != 0 ||
      zcxpy_layout_register(module) != 0 || zcxpy_ipc_register(module) != 0 ||
      zcxpy_shm_register(module) != 0 || zcxpy_buffers_register(module) != 0) {
    Py_DECREF(module);
    return NULL;
  }
  return module;
}
