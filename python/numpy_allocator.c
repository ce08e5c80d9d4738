// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// NumPy's data allocator backed by a zcx pool: zcx.numpy_allocator(pool) and
// zcx.set_numpy_allocator(pool), through NumPy's PyDataMem_Handler hook.
//
// NumPy keeps the handler (a capsule named "mem_handler") in a context variable, so setting it
// affects the current thread (context) only, and every array keeps a reference to the handler
// that allocated its data and frees through it. Our capsule owns a reference to the zcx
// resource, so arrays that outlive the context manager, or the Pool object, still free to the
// right pool. The hooks may run on any thread, with or without the GIL: they only call the
// thread-safe resource and touch the block they are given.
#include <stdint.h>
#include <string.h>

#include "core/internal.h"
#include "internal.h"

// Each block starts with a header of one cache line (so the data stays 64-byte aligned) that
// remembers the size asked of the pool: NumPy's free passes a size that is not always the
// allocated one (empty arrays, dtype changes), and the pool wants the exact size back.
#define ZCXPY_HEADER_SIZE ((size_t)64)
#define ZCXPY_MAGIC UINT64_C(0x7a63786e756d7079)  // "zcxnumpy"

typedef struct zcxpy_block_header {
  uint64_t magic;  // ZCXPY_MAGIC ^ the handler's address while the block is live, else 0
  uint64_t size;   // bytes NumPy asked for
} zcxpy_block_header_t;

// The capsule's payload. `handler` comes first: the capsule pointer is &ctx->handler.
typedef struct zcxpy_handler_ctx {
  PyDataMem_Handler handler;
  zcx_mr_t* mr;  // owned reference
} zcxpy_handler_ctx_t;

static const char zcxpy_capsule_name[] = "mem_handler";

// Frees that could not be done (a pointer we did not hand out, a pool that refused it). The
// block is leaked rather than corrupting anything; tests check that this stays 0.
static int64_t zcxpy_bad_frees = 0;

static uint64_t zcxpy_magic_of(const zcxpy_handler_ctx_t* ctx) {
  return ZCXPY_MAGIC ^ (uint64_t)(uintptr_t)ctx;
}

static void* zcxpy_np_malloc(void* vctx, size_t size) {
  zcxpy_handler_ctx_t* ctx = vctx;
  size_t total;
  if (!zcxi_add_size(size, ZCXPY_HEADER_SIZE, &total)) {
    return NULL;
  }
  void* base = NULL;
  if (zcx_mr_allocate(ctx->mr, total, ZCXPY_HEADER_SIZE, NULL, &base, NULL) != 0) {
    return NULL;
  }
  zcxpy_block_header_t* h = base;
  h->magic = zcxpy_magic_of(ctx);
  h->size = (uint64_t)size;
  return (char*)base + ZCXPY_HEADER_SIZE;
}

// The header of a block we handed out, or NULL (counted as a bad free) for another pointer.
static zcxpy_block_header_t* zcxpy_header_of(zcxpy_handler_ctx_t* ctx, void* ptr) {
  zcxpy_block_header_t* h = (zcxpy_block_header_t*)((char*)ptr - ZCXPY_HEADER_SIZE);
  if (h->magic != zcxpy_magic_of(ctx)) {
    __atomic_fetch_add(&zcxpy_bad_frees, 1, __ATOMIC_RELAXED);
    return NULL;
  }
  return h;
}

static void zcxpy_np_free(void* vctx, void* ptr, size_t size) {
  (void)size;  // not always the allocated size: the header knows
  zcxpy_handler_ctx_t* ctx = vctx;
  if (ptr == NULL) {
    return;
  }
  zcxpy_block_header_t* h = zcxpy_header_of(ctx, ptr);
  if (h == NULL) {
    return;
  }
  size_t total = (size_t)h->size + ZCXPY_HEADER_SIZE;
  h->magic = 0;
  if (zcx_mr_deallocate(ctx->mr, h, total, NULL, NULL) != 0) {
    __atomic_fetch_add(&zcxpy_bad_frees, 1, __ATOMIC_RELAXED);
  }
}

static void* zcxpy_np_calloc(void* vctx, size_t nelem, size_t elsize) {
  size_t size;
  if (__builtin_mul_overflow(nelem, elsize, &size)) {
    return NULL;
  }
  void* p = zcxpy_np_malloc(vctx, size);
  if (p != NULL) {
    // Pool memory is recycled, so it must be cleared here (unlike fresh pages from the OS).
    memset(p, 0, size);
  }
  return p;
}

static void* zcxpy_np_realloc(void* vctx, void* ptr, size_t new_size) {
  zcxpy_handler_ctx_t* ctx = vctx;
  if (ptr == NULL) {
    return zcxpy_np_malloc(vctx, new_size);
  }
  zcxpy_block_header_t* h = zcxpy_header_of(ctx, ptr);
  if (h == NULL) {
    return NULL;
  }
  size_t old_size = (size_t)h->size;
  if (new_size == old_size) {
    return ptr;
  }
  // As realloc: on failure the old block is left untouched.
  void* p = zcxpy_np_malloc(vctx, new_size);
  if (p == NULL) {
    return NULL;
  }
  memcpy(p, ptr, old_size < new_size ? old_size : new_size);
  zcxpy_np_free(vctx, ptr, old_size);
  return p;
}

static void zcxpy_handler_capsule_destroy(PyObject* capsule) {
  zcxpy_handler_ctx_t* ctx = PyCapsule_GetPointer(capsule, zcxpy_capsule_name);
  if (ctx == NULL) {
    PyErr_Clear();
    return;
  }
  zcx_mr_release(ctx->mr);
  PyMem_RawFree(ctx);
}

// The pool's handler capsule (borrowed), created on first use.
static PyObject* zcxpy_pool_handler(zcxpy_pool_t* pool) {
  if (pool->numpy_handler != NULL) {
    return pool->numpy_handler;
  }
  zcxpy_handler_ctx_t* ctx = PyMem_RawCalloc(1, sizeof(*ctx));
  if (ctx == NULL) {
    PyErr_NoMemory();
    return NULL;
  }
  snprintf(ctx->handler.name, sizeof(ctx->handler.name), "zcx:%s", zcx_mr_name(pool->mr));
  ctx->handler.version = 1;
  ctx->handler.allocator.ctx = ctx;
  ctx->handler.allocator.malloc = zcxpy_np_malloc;
  ctx->handler.allocator.calloc = zcxpy_np_calloc;
  ctx->handler.allocator.realloc = zcxpy_np_realloc;
  ctx->handler.allocator.free = zcxpy_np_free;
  zcx_mr_retain(pool->mr);
  ctx->mr = pool->mr;
  PyObject* capsule =
      PyCapsule_New(&ctx->handler, zcxpy_capsule_name, zcxpy_handler_capsule_destroy);
  if (capsule == NULL) {
    zcx_mr_release(ctx->mr);
    PyMem_RawFree(ctx);
    return NULL;
  }
  pool->numpy_handler = capsule;
  return capsule;
}

// The handler capsule for a Pool, None (the default pool) or a handler capsule; borrowed.
static PyObject* zcxpy_handler_for(PyObject* obj, const char* where) {
  if (obj == NULL || obj == Py_None) {
    PyObject* pool = zcxpy_default_pool_get();
    if (pool == NULL) {
      return NULL;
    }
    // The module keeps the default Pool object alive, so the borrowed capsule stays valid.
    PyObject* capsule = zcxpy_pool_handler((zcxpy_pool_t*)pool);
    Py_DECREF(pool);
    return capsule;
  }
  if (zcxpy_pool_check(obj)) {
    return zcxpy_pool_handler((zcxpy_pool_t*)obj);
  }
  if (PyCapsule_IsValid(obj, zcxpy_capsule_name)) {
    return obj;
  }
  PyErr_Format(PyExc_TypeError, "%s: expected a zcx.Pool, None or a NumPy handler, got %.200s",
               where, Py_TYPE(obj)->tp_name);
  return NULL;
}

// ---------------------------------------------------------------------------------------------
// zcx.numpy_allocator: the context manager

typedef struct zcxpy_np_context {
  PyObject_HEAD
  PyObject* pool;   // the zcx.Pool (or None for the default pool)
  PyObject* saved;  // list: the handlers that were current at each __enter__
} zcxpy_np_context_t;

static PyObject* zcxpy_np_context_new(PyTypeObject* type, PyObject* args, PyObject* kwargs) {
  static char* kwlist[] = {"pool", NULL};
  PyObject* pool = Py_None;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|O:numpy_allocator", kwlist, &pool)) {
    return NULL;
  }
  if (pool != Py_None && !zcxpy_pool_check(pool)) {
    PyErr_Format(PyExc_TypeError, "zcx.numpy_allocator: expected a zcx.Pool or None, got %.200s",
                 Py_TYPE(pool)->tp_name);
    return NULL;
  }
  zcxpy_np_context_t* self = (zcxpy_np_context_t*)type->tp_alloc(type, 0);
  if (self == NULL) {
    return NULL;
  }
  self->saved = PyList_New(0);
  if (self->saved == NULL) {
    Py_DECREF(self);
    return NULL;
  }
  Py_INCREF(pool);
  self->pool = pool;
  return (PyObject*)self;
}

static int zcxpy_np_context_traverse(zcxpy_np_context_t* self, visitproc visit, void* arg) {
  Py_VISIT(self->pool);
  Py_VISIT(self->saved);
  return 0;
}

static int zcxpy_np_context_clear(zcxpy_np_context_t* self) {
  Py_CLEAR(self->pool);
  Py_CLEAR(self->saved);
  return 0;
}

static void zcxpy_np_context_dealloc(zcxpy_np_context_t* self) {
  PyObject_GC_UnTrack(self);
  zcxpy_np_context_clear(self);
  Py_TYPE(self)->tp_free((PyObject*)self);
}

static PyObject* zcxpy_np_context_enter(zcxpy_np_context_t* self, PyObject* unused) {
  (void)unused;
  PyObject* capsule = zcxpy_handler_for(self->pool, "zcx.numpy_allocator");
  if (capsule == NULL) {
    return NULL;
  }
  PyObject* old = PyDataMem_SetHandler(capsule);
  if (old == NULL) {
    return NULL;
  }
  int rc = PyList_Append(self->saved, old);
  Py_DECREF(old);
  if (rc != 0) {
    PyObject* back = PyDataMem_SetHandler(PyList_GET_ITEM(self->saved, 0));
    Py_XDECREF(back);
    return NULL;
  }
  if (self->pool == Py_None) {
    return zcxpy_default_pool_get();
  }
  Py_INCREF(self->pool);
  return self->pool;
}

static PyObject* zcxpy_np_context_exit(zcxpy_np_context_t* self, PyObject* args) {
  (void)args;
  Py_ssize_t n = PyList_GET_SIZE(self->saved);
  if (n == 0) {
    PyErr_SetString(PyExc_RuntimeError, "zcx.numpy_allocator: __exit__ without __enter__");
    return NULL;
  }
  PyObject* old = PyList_GET_ITEM(self->saved, n - 1);
  PyObject* ours = PyDataMem_SetHandler(old);
  if (ours == NULL) {
    return NULL;
  }
  Py_DECREF(ours);
  if (PyList_SetSlice(self->saved, n - 1, n, NULL) != 0) {
    return NULL;
  }
  Py_RETURN_FALSE;
}

static PyMethodDef zcxpy_np_context_methods[] = {
    {"__enter__", (PyCFunction)zcxpy_np_context_enter, METH_NOARGS,
     "Makes the pool NumPy's allocator in this context; returns the pool."},
    {"__exit__", (PyCFunction)zcxpy_np_context_exit, METH_VARARGS,
     "Restores the allocator that was current at __enter__."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject zcxpy_np_context_type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "zcx.numpy_allocator",
    .tp_basicsize = sizeof(zcxpy_np_context_t),
    .tp_dealloc = (destructor)zcxpy_np_context_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "numpy_allocator(pool=None)\n\n"
              "Context manager: NumPy arrays created inside the with block (in this thread or\n"
              "context) take their data from `pool` (None: zcx.default_pool()). Arrays that\n"
              "outlive the block still free their data to that pool.",
    .tp_traverse = (traverseproc)zcxpy_np_context_traverse,
    .tp_clear = (inquiry)zcxpy_np_context_clear,
    .tp_methods = zcxpy_np_context_methods,
    .tp_new = zcxpy_np_context_new,
};

// ---------------------------------------------------------------------------------------------
// Functions

static PyObject* zcxpy_set_numpy_allocator(PyObject* module, PyObject* arg) {
  (void)module;
  PyObject* capsule;
  if (arg == Py_None) {
    capsule = NULL;  // NumPy's default handler
  } else {
    capsule = zcxpy_handler_for(arg, "zcx.set_numpy_allocator");
    if (capsule == NULL) {
      return NULL;
    }
  }
  return PyDataMem_SetHandler(capsule);
}

static PyObject* zcxpy_numpy_allocator_errors(PyObject* module, PyObject* unused) {
  (void)module;
  (void)unused;
  return PyLong_FromLongLong((long long)__atomic_load_n(&zcxpy_bad_frees, __ATOMIC_RELAXED));
}

static PyMethodDef zcxpy_numpy_allocator_functions[] = {
    {"set_numpy_allocator", zcxpy_set_numpy_allocator, METH_O,
     "set_numpy_allocator(pool) -> handler\n\n"
     "Makes `pool` NumPy's data allocator in the current thread (context) and returns the\n"
     "previous handler; pass that handler back to restore it, or None for NumPy's default."},
    {"_numpy_allocator_errors", zcxpy_numpy_allocator_errors, METH_NOARGS,
     "Number of frees the zcx NumPy allocator refused (foreign pointers); should be 0."},
    {NULL, NULL, 0, NULL},
};

int zcxpy_numpy_allocator_register(PyObject* module) {
  if (zcxpy_add_type(module, "numpy_allocator", &zcxpy_np_context_type) < 0) {
    return -1;
  }
  return PyModule_AddFunctions(module, zcxpy_numpy_allocator_functions);
}
