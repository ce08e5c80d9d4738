// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Internal declarations shared by the IPC and shared-memory files of the Python module.
#ifndef ZCX_PYTHON_IPC_INTERNAL_H
#define ZCX_PYTHON_IPC_INTERNAL_H

#include <stdint.h>
#include <sys/types.h>

#include "arrow_internal.h"
#include "zcx/ipc.h"
#include "zcx/shm.h"

// ---------------------------------------------------------------------------------------------
// ipc.c

// Reads a `batches` argument: one zcx.RecordBatch or an iterable of them. Sets *out to a
// PyMem array of *n retained batches (free with zcxpy_batches_free). -1 with TypeError.
int zcxpy_batches_arg(PyObject* obj, const char* fn, zcx_batch_t*** out, Py_ssize_t* n);

// Releases the batches and the array zcxpy_batches_arg made.
void zcxpy_batches_free(zcx_batch_t** batches, Py_ssize_t n);

// A list of zcx.RecordBatch taking over the `n` batch references of the array (each entry is
// set to NULL; on failure they are released); the array itself stays the caller's. NULL with
// an exception set.
PyObject* zcxpy_batch_list(zcx_batch_t** batches, int64_t n);

// Custom metadata as a dict of str (values decoded with surrogateescape); an empty dict when
// `metadata` is NULL. NULL with an exception set.
PyObject* zcxpy_ipc_metadata_dict(const zcx_metadata_t* metadata);

// Reads a `metadata` argument: None or a dict of str to str, into *out (initialized here;
// reset it with zcx_metadata_reset). -1 with TypeError/ValueError/MemoryError.
int zcxpy_ipc_metadata_arg(PyObject* obj, const char* fn, zcx_metadata_t* out);

// zcx.IpcFileReader: random access to the batches of an Arrow IPC file (zcx.ShmSegment
// derives from it).
typedef struct zcxpy_file_reader {
  PyObject_HEAD
  zcx_ipc_file_reader_t* reader;  // owned; NULL once closed
} zcxpy_file_reader_t;

extern PyTypeObject zcxpy_file_reader_type;

// tp_dealloc of zcx.IpcFileReader, which subclasses call after releasing their own fields.
void zcxpy_file_reader_dealloc(zcxpy_file_reader_t* self);

// Adds zcx.read_ipc, zcx.IpcFileReader, zcx.write_ipc and zcx.ipc_bytes. Returns 0, or -1
// with an exception set.
int zcxpy_ipc_register(PyObject* module);

// ---------------------------------------------------------------------------------------------
// proc_maps.c

// The starts of this process's mappings of the file (dev, ino), from /proc/self/maps, in
// *starts (at most `max`); *n receives how many there are (which may exceed `max`).
// @return 0; errno of reading /proc/self/maps.
int zcxpy_maps_of_file(dev_t dev, ino_t ino, uintptr_t* starts, size_t max, size_t* n);

// ---------------------------------------------------------------------------------------------
// shm.c

// Adds zcx.shm_attach, zcx.ShmSegment and zcx.ShmProducer. Returns 0, or -1 with an
// exception set.
int zcxpy_shm_register(PyObject* module);

// ---------------------------------------------------------------------------------------------
// arrow_buffers.c

// Adds zcx.buffer_addresses and the buffer_addresses() methods of zcx.Array and
// zcx.RecordBatch (when those types do not define one). Returns 0, or -1 with an exception.
int zcxpy_buffers_register(PyObject* module);

#endif  // ZCX_PYTHON_IPC_INTERNAL_H
