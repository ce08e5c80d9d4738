// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Streams and events: the dispatch through their operation tables, and the host stream.
//
// The host stream is a worker thread that runs tasks in FIFO order. Its events need no task
// of their own: an event recorded after the n-th task is complete once n tasks have run, so
// recording is a counter read and querying an atomic load.
#include <pthread.h>
#include <stdlib.h>

#include "memory/stream_internal.h"

// ---------------------------------------------------------------------------------------------
// Dispatch

void zcxi_stream_init(zcx_stream_t* stream, const zcxi_stream_ops_t* ops, zcx_device_t device) {
  stream->ops = ops;
  zcxi_refcount_init(&stream->refs);
  stream->device = device;
}

void zcxi_event_init(zcx_event_t* event, const zcxi_event_ops_t* ops, zcx_stream_t* stream) {
  event->ops = ops;
  zcxi_refcount_init(&event->refs);
  zcx_stream_retain(stream);
  event->stream = stream;
}

int zcx_stream_enqueue(zcx_stream_t* stream, zcx_task_fn fn, void* arg, zcx_error_t* err) {
  if (stream == NULL || fn == NULL) {
    return zcx_error_fail(err, EINVAL, "stream_enqueue: %s is NULL",
                          stream == NULL ? "stream" : "task function");
  }
  if (stream->ops->enqueue == NULL) {
    return zcx_error_fail(err, ENOTSUP, "stream_enqueue: a %s stream cannot run host tasks",
                          stream->ops->kind);
  }
  return stream->ops->enqueue(stream, fn, arg, err);
}

int zcx_stream_record(zcx_stream_t* stream, zcx_event_t** out, zcx_error_t* err) {
  if (out == NULL) {
    return zcx_error_fail(err, EINVAL, "stream_record: out is NULL");
  }
  *out = NULL;
  if (stream == NULL) {
    return zcx_error_fail(err, EINVAL, "stream_record: stream is NULL");
  }
  return stream->ops->record(stream, out, err);
}

int zcx_stream_wait_event(zcx_stream_t* stream, zcx_event_t* event, zcx_error_t* err) {
  if (stream == NULL || event == NULL) {
    return zcx_error_fail(err, EINVAL, "stream_wait_event: %s is NULL",
                          stream == NULL ? "stream" : "event");
  }
  return stream->ops->wait_event(stream, event, err);
}

int zcx_stream_synchronize(zcx_stream_t* stream, zcx_error_t* err) {
  if (stream == NULL) {
    return zcx_error_fail(err, EINVAL, "stream_synchronize: stream is NULL");
  }
  return stream->ops->synchronize(stream, err);
}

zcx_device_t zcx_stream_device(const zcx_stream_t* stream) {
  return stream == NULL ? zcx_device_cpu() : stream->device;
}

const char* zcx_stream_kind(const zcx_stream_t* stream) {
  return stream == NULL ? "" : stream->ops->kind;
}

void zcx_stream_retain(zcx_stream_t* stream) {
  if (stream != NULL) {
    zcxi_refcount_inc(&stream->refs);
  }
}

void zcx_stream_release(zcx_stream_t* stream) {
  if (stream != NULL && zcxi_refcount_dec(&stream->refs)) {
    stream->ops->destroy(stream);
  }
}

bool zcx_event_query(zcx_event_t* event) { return event == NULL || event->ops->query(event); }

int zcx_event_wait(zcx_event_t* event, zcx_error_t* err) {
  if (event == NULL) {
    return zcx_error_fail(err, EINVAL, "event_wait: event is NULL");
  }
  return event->ops->wait(event, err);
}

zcx_stream_t* zcx_event_stream(const zcx_event_t* event) {
  return event == NULL ? NULL : event->stream;
}

void zcx_event_retain(zcx_event_t* event) {
  if (event != NULL) {
    zcxi_refcount_inc(&event->refs);
  }
}

void zcx_event_release(zcx_event_t* event) {
  if (event != NULL && zcxi_refcount_dec(&event->refs)) {
    zcx_stream_t* stream = event->stream;
    event->ops->destroy(event);
    zcx_stream_release(stream);
  }
}

// ---------------------------------------------------------------------------------------------
// Host stream

typedef struct host_task {
  zcx_task_fn fn;
  void* arg;
  struct host_task* next;
} host_task_t;

typedef struct host_stream {
  zcx_stream_t base;
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t work_cv;  // signalled when a task arrives or the stream stops
  pthread_cond_t done_cv;  // broadcast after each task has run
  host_task_t* head;
  host_task_t* tail;
  uint64_t enqueued;           // tasks enqueued so far (under mu)
  _Atomic uint64_t completed;  // tasks run so far
  bool stopping;               // the last reference is gone: drain, then exit
  bool self_free;              // the worker frees the stream when it exits
} host_stream_t;

typedef struct host_event {
  zcx_event_t base;
  uint64_t seq;  // complete once `completed` reaches it
} host_event_t;

// The host stream whose worker runs on this thread, if any. A stream released for the last
// time from a worker thread (for instance by a task that drops an event) cannot join its
// own thread, nor safely block one stream's worker on another's: it lets its worker finish
// the queue and free the stream instead.
static _Thread_local host_stream_t* tls_worker;

static void* host_worker(void* arg) {
  host_stream_t* s = arg;
  tls_worker = s;
  pthread_mutex_lock(&s->mu);
  for (;;) {
    while (s->head == NULL && !s->stopping) {
      pthread_cond_wait(&s->work_cv, &s->mu);
    }
    host_task_t* t = s->head;
    if (t == NULL) {
      break;  // stopping and drained
    }
    s->head = t->next;
    if (s->head == NULL) {
      s->tail = NULL;
    }
    pthread_mutex_unlock(&s->mu);
    t->fn(t->arg);
    free(t);
    pthread_mutex_lock(&s->mu);
    atomic_fetch_add_explicit(&s->completed, 1, memory_order_release);
    pthread_cond_broadcast(&s->done_cv);
  }
  bool self_free = s->self_free;
  pthread_mutex_unlock(&s->mu);
  if (self_free) {
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->work_cv);
    pthread_cond_destroy(&s->done_cv);
    free(s);
  }
  return NULL;
}

static int host_enqueue(zcx_stream_t* stream, zcx_task_fn fn, void* arg, zcx_error_t* err) {
  host_stream_t* s = (host_stream_t*)stream;
  host_task_t* t = malloc(sizeof(*t));
  if (t == NULL) {
    return zcx_error_fail(err, ENOMEM, "stream_enqueue: out of memory for a task");
  }
  t->fn = fn;
  t->arg = arg;
  t->next = NULL;
  pthread_mutex_lock(&s->mu);
  if (s->tail != NULL) {
    s->tail->next = t;
  } else {
    s->head = t;
  }
  s->tail = t;
  s->enqueued++;
  pthread_cond_signal(&s->work_cv);
  pthread_mutex_unlock(&s->mu);
  return 0;
}

static bool host_event_query(zcx_event_t* event) {
  host_event_t* e = (host_event_t*)event;
  host_stream_t* s = (host_stream_t*)event->stream;
  return atomic_load_explicit(&s->completed, memory_order_acquire) >= e->seq;
}

// Waits until `s` has run `seq` tasks.
static void host_wait_seq(host_stream_t* s, uint64_t seq) {
  if (atomic_load_explicit(&s->completed, memory_order_acquire) >= seq) {
    return;
  }
  pthread_mutex_lock(&s->mu);
  while (atomic_load_explicit(&s->completed, memory_order_acquire) < seq) {
    pthread_cond_wait(&s->done_cv, &s->mu);
  }
  pthread_mutex_unlock(&s->mu);
}

static int host_event_wait(zcx_event_t* event, zcx_error_t* err) {
  (void)err;
  host_event_t* e = (host_event_t*)event;
  host_wait_seq((host_stream_t*)event->stream, e->seq);
  return 0;
}

static void host_event_destroy(zcx_event_t* event) { free(event); }

static const zcxi_event_ops_t host_event_ops = {
    .query = host_event_query,
    .wait = host_event_wait,
    .destroy = host_event_destroy,
};

static int host_record(zcx_stream_t* stream, zcx_event_t** out, zcx_error_t* err) {
  host_stream_t* s = (host_stream_t*)stream;
  host_event_t* e = malloc(sizeof(*e));
  if (e == NULL) {
    return zcx_error_fail(err, ENOMEM, "stream_record: out of memory for an event");
  }
  zcxi_event_init(&e->base, &host_event_ops, stream);
  pthread_mutex_lock(&s->mu);
  e->seq = s->enqueued;
  pthread_mutex_unlock(&s->mu);
  *out = &e->base;
  return 0;
}

static void wait_task(void* arg) {
  zcx_event_t* event = arg;
  int ignored_ = zcx_event_wait(event, NULL);
  (void)ignored_;
  zcx_event_release(event);
}

static int host_wait_event(zcx_stream_t* stream, zcx_event_t* event, zcx_error_t* err) {
  if (zcx_event_query(event)) {
    return 0;  // nothing to wait for
  }
  zcx_event_retain(event);
  int rc = host_enqueue(stream, wait_task, event, err);
  if (rc != 0) {
    zcx_event_release(event);
  }
  return rc;
}

static int host_synchronize(zcx_stream_t* stream, zcx_error_t* err) {
  (void)err;
  host_stream_t* s = (host_stream_t*)stream;
  if (tls_worker == s) {
    return zcx_error_fail(err, EINVAL,
                          "stream_synchronize: called by a task of the same host stream");
  }
  pthread_mutex_lock(&s->mu);
  uint64_t target = s->enqueued;
  pthread_mutex_unlock(&s->mu);
  host_wait_seq(s, target);
  return 0;
}

static void host_destroy(zcx_stream_t* stream) {
  host_stream_t* s = (host_stream_t*)stream;
  bool detach = tls_worker != NULL;
  pthread_t thread = s->thread;
  pthread_mutex_lock(&s->mu);
  s->stopping = true;
  s->self_free = detach;
  if (detach) {
    // The worker cannot exit before it sees `stopping` under the lock, so it still exists;
    // once the lock is dropped it may free the stream at any time.
    pthread_detach(thread);
  }
  pthread_cond_signal(&s->work_cv);
  pthread_mutex_unlock(&s->mu);
  if (detach) {
    return;
  }
  pthread_join(thread, NULL);
  pthread_mutex_destroy(&s->mu);
  pthread_cond_destroy(&s->work_cv);
  pthread_cond_destroy(&s->done_cv);
  free(s);
}

static const zcxi_stream_ops_t host_stream_ops = {
    .kind = "host",
    .record = host_record,
    .wait_event = host_wait_event,
    .synchronize = host_synchronize,
    .enqueue = host_enqueue,
    .destroy = host_destroy,
};

int zcx_host_stream_create(zcx_stream_t** out, zcx_error_t* err) {
  if (out == NULL) {
    return zcx_error_fail(err, EINVAL, "host_stream_create: out is NULL");
  }
  *out = NULL;
  host_stream_t* s = calloc(1, sizeof(*s));
  if (s == NULL) {
    return zcx_error_fail(err, ENOMEM, "host_stream_create: out of memory");
  }
  zcxi_stream_init(&s->base, &host_stream_ops, zcx_device_cpu());
  atomic_init(&s->completed, 0);
  pthread_mutex_init(&s->mu, NULL);
  pthread_cond_init(&s->work_cv, NULL);
  pthread_cond_init(&s->done_cv, NULL);
  int rc = pthread_create(&s->thread, NULL, host_worker, s);
  if (rc != 0) {
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->work_cv);
    pthread_cond_destroy(&s->done_cv);
    free(s);
    return zcx_error_fail(err, EAGAIN, "host_stream_create: cannot start a thread (%s)",
                          zcx_status_name(rc));
  }
  *out = &s->base;
  return 0;
}
