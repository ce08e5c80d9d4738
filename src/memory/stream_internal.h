// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Internal layout of streams and events: the operation tables a stream kind (host, CUDA) fills.
#ifndef ZCX_SRC_MEMORY_STREAM_INTERNAL_H
#define ZCX_SRC_MEMORY_STREAM_INTERNAL_H

#include "core/internal.h"
#include "zcx/memory.h"

// What a kind of stream does. Every operation reports errors as the public API does (errno
// status, message in err). `enqueue` may be NULL for streams that cannot run host tasks.
typedef struct zcxi_stream_ops {
  const char* kind;
  int (*record)(zcx_stream_t* stream, zcx_event_t** out, zcx_error_t* err);
  int (*wait_event)(zcx_stream_t* stream, zcx_event_t* event, zcx_error_t* err);
  int (*synchronize)(zcx_stream_t* stream, zcx_error_t* err);
  int (*enqueue)(zcx_stream_t* stream, zcx_task_fn fn, void* arg, zcx_error_t* err);
  // Frees the stream once its last reference is gone (after its queued work has run).
  void (*destroy)(zcx_stream_t* stream);
} zcxi_stream_ops_t;

// What a kind of event does. `query` never blocks.
typedef struct zcxi_event_ops {
  bool (*query)(zcx_event_t* event);
  int (*wait)(zcx_event_t* event, zcx_error_t* err);
  // Frees the event; the caller (zcx_event_release) then drops the event's stream reference.
  void (*destroy)(zcx_event_t* event);
} zcxi_event_ops_t;

// The header every stream starts with.
struct zcx_stream {
  const zcxi_stream_ops_t* ops;
  zcxi_refcount_t refs;
  zcx_device_t device;
};

// The header every event starts with. An event holds a reference to its stream, so the
// stream (and its worker or driver handle) lives at least as long as any event of it; a pool
// that keeps events of freed blocks can therefore compare stream pointers safely.
struct zcx_event {
  const zcxi_event_ops_t* ops;
  zcxi_refcount_t refs;
  zcx_stream_t* stream;
};

// Initializes a stream header with one reference.
void zcxi_stream_init(zcx_stream_t* stream, const zcxi_stream_ops_t* ops, zcx_device_t device);

// Initializes an event header with one reference; takes a reference to `stream`.
void zcxi_event_init(zcx_event_t* event, const zcxi_event_ops_t* ops, zcx_stream_t* stream);

#endif  // ZCX_SRC_MEMORY_STREAM_INTERNAL_H
