// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Arrow C Stream interface: ArrowArrayStream / ArrowDeviceArrayStream export from batches or a
// callback, and the reader that imports arrays and batches from either kind of stream.
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "interop/cdata_internal.h"

// ---------------------------------------------------------------------------------------------
// Export

// Private data of an exported stream (plain or device).
typedef struct stream_priv {
  zcx_schema_t* schema;
  zcx_batch_t** batches;  // references, or NULL when batches come from `next`
  int64_t n_batches;
  int64_t pos;
  zcx_cdata_next_fn next;
  zcx_cdata_ctx_release_fn release_ctx;
  void* ctx;
  bool device;            // an ArrowDeviceArrayStream
  zcx_device_t dev;       // its device
  int status;             // sticky failure (0: none)
  bool ended;
  bool failed_last;       // whether the last operation failed (get_last_error answers)
  zcx_error_t error;
} stream_priv_t;

static void stream_priv_free(stream_priv_t* p) {
  for (int64_t i = p->pos; p->batches != NULL && i < p->n_batches; i++) {
    zcx_batch_release(p->batches[i]);
  }
  free(p->batches);
  if (p->release_ctx != NULL) {
    p->release_ctx(p->ctx);
  }
  zcx_schema_release(p->schema);
  free(p);
}

// The next batch (a reference for the caller), NULL at the end.
static int stream_pull(stream_priv_t* p, zcx_batch_t** out) {
  *out = NULL;
  if (p->status != 0) {
    return p->status;
  }
  if (p->ended) {
    return 0;
  }
  zcx_batch_t* b = NULL;
  if (p->batches != NULL) {
    if (p->pos < p->n_batches) {
      b = p->batches[p->pos];
      p->batches[p->pos++] = NULL;
    }
  } else {
    zcx_error_init(&p->error);
    int rc = p->next(p->ctx, &b, &p->error);
    if (rc != 0) {
      zcx_batch_release(b);
      if (p->error.message[0] == '\0') {
        zcx_error_set(&p->error, "stream producer failed with %s", zcx_status_name(rc));
      }
      p->status = rc;
      return rc;
    }
  }
  if (b == NULL) {
    p->ended = true;
    return 0;
  }
  if (b->schema != p->schema && !zcx_schema_equal(b->schema, p->schema)) {
    zcx_batch_release(b);
    p->status = zcx_error_fail(&p->error, EINVAL,
                               "stream: a batch's schema differs from the stream's schema");
    return p->status;
  }
  *out = b;
  return 0;
}

static int stream_get_schema(struct ArrowArrayStream* stream, struct ArrowSchema* out) {
  stream_priv_t* p = stream->private_data;
  zcx_error_init(&p->error);
  int rc = zcx_cdata_export_schema(p->schema, out, &p->error);
  p->failed_last = rc != 0;
  return rc;
}

// Exports the next batch into `out` (released at the end) and reports its devices.
static int stream_next_into(stream_priv_t* p, struct ArrowArray* out, zcxi_cdata_devices_t* devs) {
  memset(out, 0, sizeof(*out));
  zcx_batch_t* b = NULL;
  int rc = stream_pull(p, &b);
  if (rc != 0 || b == NULL) {
    return rc;
  }
  zcx_error_init(&p->error);
  rc = zcxi_cdata_export_batch(b, out, devs, &p->error);
  zcx_batch_release(b);
  return rc;
}

static int stream_get_next(struct ArrowArrayStream* stream, struct ArrowArray* out) {
  stream_priv_t* p = stream->private_data;
  zcxi_cdata_devices_t devs;
  memset(&devs, 0, sizeof(devs));
  int rc = stream_next_into(p, out, &devs);
  if (rc == 0 && devs.non_host) {
    zcx_cdata_release_array(out);
    rc = zcx_error_fail(&p->error, EINVAL,
                        "stream: batch buffers on device %s:%d cannot be read by the CPU",
                        zcx_device_type_name(devs.device.type), (int)devs.device.id);
  }
  p->failed_last = rc != 0;
  return rc;
}

static const char* stream_get_last_error(struct ArrowArrayStream* stream) {
  stream_priv_t* p = stream->private_data;
  return p->failed_last && p->error.message[0] != '\0' ? p->error.message : NULL;
}

static void stream_release(struct ArrowArrayStream* stream) {
  if (stream == NULL || stream->release == NULL) {
    return;
  }
  stream_priv_free(stream->private_data);
  stream->release = NULL;
  stream->private_data = NULL;
}

// Checks the arguments and makes the private data of a stream over `n` batches.
static int stream_priv_new(zcx_schema_t* schema, zcx_batch_t* const* batches, int64_t n,
                           stream_priv_t** out, zcx_error_t* err) {
  *out = NULL;
  if (schema == NULL || (n > 0 && batches == NULL) || n < 0) {
    return zcx_error_fail(err, EINVAL, "export stream: NULL schema or batches, or n %" PRId64,
                          n);
  }
  for (int64_t i = 0; i < n; i++) {
    if (batches[i] == NULL) {
      return zcx_error_fail(err, EINVAL, "export stream: batch %" PRId64 " is NULL", i);
    }
    if (batches[i]->schema != schema && !zcx_schema_equal(batches[i]->schema, schema)) {
      return zcx_error_fail(err, EINVAL,
                            "export stream: batch %" PRId64 " has a different schema", i);
    }
  }
  stream_priv_t* p = calloc(1, sizeof(*p));
  zcx_batch_t** copy = calloc((size_t)(n > 0 ? n : 1), sizeof(zcx_batch_t*));
  if (p == NULL || copy == NULL) {
    free(p);
    free(copy);
    return zcx_error_fail(err, ENOMEM, "export stream: %" PRId64 " batches", n);
  }
  for (int64_t i = 0; i < n; i++) {
    zcx_batch_retain(batches[i]);
    copy[i] = batches[i];
  }
  zcx_schema_retain(schema);
  p->schema = schema;
  p->batches = copy;
  p->n_batches = n;
  p->dev = zcx_device_cpu();
  *out = p;
  return 0;
}

static void stream_fill(struct ArrowArrayStream* out, stream_priv_t* p) {
  out->get_schema = stream_get_schema;
  out->get_next = stream_get_next;
  out->get_last_error = stream_get_last_error;
  out->release = stream_release;
  out->private_data = p;
}

int zcx_cdata_export_stream(zcx_schema_t* schema, zcx_batch_t* const* batches, int64_t n,
                            struct ArrowArrayStream* out, zcx_error_t* err) {
  if (out == NULL) {
    return zcx_error_fail(err, EINVAL, "export stream: out is NULL");
  }
  memset(out, 0, sizeof(*out));
  stream_priv_t* p = NULL;
  ZCX_RETURN_IF_ERROR(stream_priv_new(schema, batches, n, &p, err));
  stream_fill(out, p);
  return 0;
}

int zcx_cdata_export_stream_fn(zcx_schema_t* schema, zcx_cdata_next_fn next,
                               zcx_cdata_ctx_release_fn release_ctx, void* ctx,
                               struct ArrowArrayStream* out, zcx_error_t* err) {
  int rc = 0;
  if (out == NULL) {
    rc = zcx_error_fail(err, EINVAL, "export stream: out is NULL");
  } else {
    memset(out, 0, sizeof(*out));
    if (schema == NULL || next == NULL) {
      rc = zcx_error_fail(err, EINVAL, "export stream: %s is NULL",
                          schema == NULL ? "schema" : "next");
    }
  }
  stream_priv_t* p = NULL;
  if (rc == 0) {
    p = calloc(1, sizeof(*p));
    if (p == NULL) {
      rc = zcx_error_fail(err, ENOMEM, "export stream");
    }
  }
  if (rc != 0) {
    if (release_ctx != NULL) {
      release_ctx(ctx);
    }
    return rc;
  }
  zcx_schema_retain(schema);
  p->schema = schema;
  p->next = next;
  p->release_ctx = release_ctx;
  p->ctx = ctx;
  p->dev = zcx_device_cpu();
  stream_fill(out, p);
  return 0;
}

// ----- device streams

static int dstream_get_schema(struct ArrowDeviceArrayStream* stream, struct ArrowSchema* out) {
  stream_priv_t* p = stream->private_data;
  zcx_error_init(&p->error);
  int rc = zcx_cdata_export_schema(p->schema, out, &p->error);
  p->failed_last = rc != 0;
  return rc;
}

static int dstream_get_next(struct ArrowDeviceArrayStream* stream, struct ArrowDeviceArray* out) {
  stream_priv_t* p = stream->private_data;
  memset(out, 0, sizeof(*out));
  zcxi_cdata_devices_t devs;
  memset(&devs, 0, sizeof(devs));
  int rc = stream_next_into(p, &out->array, &devs);
  if (rc == 0 && out->array.release != NULL && devs.any &&
      (devs.mixed || !zcx_device_equal(devs.device, p->dev))) {
    zcx_cdata_release_array(&out->array);
    rc = zcx_error_fail(&p->error, EINVAL, "device stream: a batch is not all on device %s:%d",
                        zcx_device_type_name(p->dev.type), (int)p->dev.id);
  }
  if (rc == 0) {
    out->device_type = p->dev.type;
    out->device_id = p->dev.type == ZCX_DEVICE_CPU ? -1 : p->dev.id;
    out->sync_event = NULL;
  }
  p->failed_last = rc != 0;
  return rc;
}

static const char* dstream_get_last_error(struct ArrowDeviceArrayStream* stream) {
  stream_priv_t* p = stream->private_data;
  return p->failed_last && p->error.message[0] != '\0' ? p->error.message : NULL;
}

static void dstream_release(struct ArrowDeviceArrayStream* stream) {
  if (stream == NULL || stream->release == NULL) {
    return;
  }
  stream_priv_free(stream->private_data);
  stream->release = NULL;
  stream->private_data = NULL;
}

int zcx_cdata_export_device_stream(zcx_schema_t* schema, zcx_batch_t* const* batches, int64_t n,
                                   struct ArrowDeviceArrayStream* out, zcx_error_t* err) {
  if (out == NULL) {
    return zcx_error_fail(err, EINVAL, "export device stream: out is NULL");
  }
  memset(out, 0, sizeof(*out));
  stream_priv_t* p = NULL;
  ZCX_RETURN_IF_ERROR(stream_priv_new(schema, batches, n, &p, err));
  zcxi_cdata_devices_t devs;
  memset(&devs, 0, sizeof(devs));
  for (int64_t i = 0; i < n; i++) {
    zcxi_cdata_batch_devices(batches[i], &devs);
  }
  if (devs.mixed) {
    stream_priv_free(p);
    return zcx_error_fail(err, EINVAL,
                          "export device stream: batches on more than one device (first %s:%d)",
                          zcx_device_type_name(devs.device.type), (int)devs.device.id);
  }
  p->device = true;
  p->dev = devs.any ? devs.device : zcx_device_cpu();
  out->device_type = p->dev.type;
  out->get_schema = dstream_get_schema;
  out->get_next = dstream_get_next;
  out->get_last_error = dstream_get_last_error;
  out->release = dstream_release;
  out->private_data = p;
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Reader

struct zcx_cdata_reader {
  struct ArrowArrayStream stream;         // moved from the caller (plain streams)
  struct ArrowDeviceArrayStream dstream;  // moved from the caller (device streams)
  bool is_device;
  zcx_validate_level_t level;
  zcx_field_t* field;
  zcx_schema_t* schema;  // when the type is a struct
  bool ended;
  int status;            // sticky failure
  zcx_error_t error;     // its message
};

static const char* reader_last_error(zcx_cdata_reader_t* r) {
  const char* msg = NULL;
  if (r->is_device) {
    if (r->dstream.get_last_error != NULL) {
      msg = r->dstream.get_last_error(&r->dstream);
    }
  } else if (r->stream.get_last_error != NULL) {
    msg = r->stream.get_last_error(&r->stream);
  }
  return msg != NULL ? msg : "(no message)";
}

int zcxi_cdata_reader_create(struct ArrowArrayStream* stream,
                             struct ArrowDeviceArrayStream* dstream, zcx_validate_level_t level,
                             zcx_cdata_reader_t** out, zcx_error_t* err) {
  if (out == NULL) {
    return zcx_error_fail(err, EINVAL, "stream reader: out is NULL");
  }
  *out = NULL;
  if ((stream == NULL && dstream == NULL) ||
      (stream != NULL && (stream->release == NULL || stream->get_schema == NULL ||
                          stream->get_next == NULL)) ||
      (dstream != NULL && (dstream->release == NULL || dstream->get_schema == NULL ||
                           dstream->get_next == NULL))) {
    return zcx_error_fail(err, EINVAL, "stream reader: NULL, released or incomplete stream");
  }
  if (level != ZCX_VALIDATE_CHEAP && level != ZCX_VALIDATE_FULL) {
    return zcx_error_fail(err, EINVAL, "stream reader: unknown validation level %d", (int)level);
  }
  zcx_cdata_reader_t* r = calloc(1, sizeof(*r));
  if (r == NULL) {
    return zcx_error_fail(err, ENOMEM, "stream reader");
  }
  r->level = level;
  r->is_device = dstream != NULL;
  struct ArrowSchema schema;
  memset(&schema, 0, sizeof(schema));
  int rc = dstream != NULL ? dstream->get_schema(dstream, &schema)
                           : stream->get_schema(stream, &schema);
  if (rc != 0) {
    const char* msg = dstream != NULL
                          ? (dstream->get_last_error != NULL ? dstream->get_last_error(dstream)
                                                             : NULL)
                          : (stream->get_last_error != NULL ? stream->get_last_error(stream)
                                                            : NULL);
    free(r);
    return zcx_error_fail(err, rc, "stream reader: get_schema failed with %s: %s",
                          zcx_status_name(rc), msg != NULL ? msg : "(no message)");
  }
  if (schema.release == NULL) {
    free(r);
    return zcx_error_fail(err, EINVAL, "stream reader: get_schema returned a released schema");
  }
  rc = zcxi_cdata_parse_field(&schema, &r->field, err);
  zcx_cdata_release_schema(&schema);
  if (rc == 0 && r->field->type->id == ZCX_TYPE_STRUCT) {
    rc = zcx_schema_create(r->field->type->children, r->field->type->num_children,
                           &r->field->metadata, &r->schema, err);
  }
  if (rc != 0) {
    zcx_error_prefix(err, "stream reader: schema: ");
    zcx_field_release(r->field);
    free(r);
    return rc;
  }
  if (dstream != NULL) {
    r->dstream = *dstream;
    dstream->release = NULL;
  } else {
    r->stream = *stream;
    stream->release = NULL;
  }
  *out = r;
  return 0;
}

int zcx_cdata_reader_create(struct ArrowArrayStream* stream, zcx_validate_level_t level,
                            zcx_cdata_reader_t** out, zcx_error_t* err) {
  if (stream == NULL) {
    if (out != NULL) {
      *out = NULL;
    }
    return zcx_error_fail(err, EINVAL, "stream reader: stream is NULL");
  }
  return zcxi_cdata_reader_create(stream, NULL, level, out, err);
}

int zcx_cdata_reader_create_device(struct ArrowDeviceArrayStream* stream,
                                   zcx_validate_level_t level, zcx_cdata_reader_t** out,
                                   zcx_error_t* err) {
  if (stream == NULL) {
    if (out != NULL) {
      *out = NULL;
    }
    return zcx_error_fail(err, EINVAL, "device stream reader: stream is NULL");
  }
  return zcxi_cdata_reader_create(NULL, stream, level, out, err);
}

const zcx_field_t* zcx_cdata_reader_field(const zcx_cdata_reader_t* reader) {
  return reader != NULL ? reader->field : NULL;
}

zcx_schema_t* zcx_cdata_reader_schema(const zcx_cdata_reader_t* reader) {
  return reader != NULL ? reader->schema : NULL;
}

// Records a failure that every later call repeats.
static int reader_fail(zcx_cdata_reader_t* r, int rc, zcx_error_t* err) {
  r->status = rc;
  zcxi_strlcpy(r->error.message, zcx_error_message(err), sizeof(r->error.message));
  return rc;
}

// Pulls the next ArrowArray (released at the end) and its device.
static int reader_pull(zcx_cdata_reader_t* r, struct ArrowArray* out, zcx_device_t* device,
                       zcx_error_t* err) {
  memset(out, 0, sizeof(*out));
  *device = zcx_device_cpu();
  int rc;
  if (r->is_device) {
    struct ArrowDeviceArray da;
    memset(&da, 0, sizeof(da));
    rc = r->dstream.get_next(&r->dstream, &da);
    if (rc != 0) {
      return zcx_error_fail(err, rc, "stream reader: get_next failed with %s: %s",
                            zcx_status_name(rc), reader_last_error(r));
    }
    if (da.array.release == NULL) {
      return 0;
    }
    if (da.sync_event != NULL) {
      zcx_cdata_release_device_array(&da);
      return zcx_error_fail(err, ENOTSUP,
                            "stream reader: device array with a sync event the reader cannot "
                            "wait for");
    }
    if (da.device_type != r->dstream.device_type ||
        da.device_id < (da.device_type == ARROW_DEVICE_CPU ? -1 : 0) ||
        da.device_id > INT32_MAX) {
      int64_t id = da.device_id;
      int32_t type = da.device_type;
      zcx_cdata_release_device_array(&da);
      return zcx_error_fail(err, EINVAL,
                            "stream reader: device array on %s:%" PRId64
                            " in a stream of device type %s",
                            zcx_device_type_name(type), id,
                            zcx_device_type_name(r->dstream.device_type));
    }
    *device = (zcx_device_t){da.device_type, da.device_id < 0 ? 0 : (int32_t)da.device_id};
    *out = da.array;
    return 0;
  }
  rc = r->stream.get_next(&r->stream, out);
  if (rc != 0) {
    memset(out, 0, sizeof(*out));
    return zcx_error_fail(err, rc, "stream reader: get_next failed with %s: %s",
                          zcx_status_name(rc), reader_last_error(r));
  }
  return 0;
}

static int reader_next(zcx_cdata_reader_t* r, bool batch, zcx_array_t** out_array,
                       zcx_batch_t** out_batch, zcx_error_t* err) {
  if (r->status != 0) {
    return zcx_error_fail(err, r->status, "%s", r->error.message);
  }
  if (r->ended) {
    return 0;
  }
  if (batch && r->schema == NULL) {
    return zcx_error_fail(err, EINVAL,
                          "stream reader: the stream's type is not a struct; read arrays");
  }
  struct ArrowArray a;
  zcx_device_t device;
  zcx_error_t local;
  zcx_error_t* e = err != NULL ? err : &local;
  int rc = reader_pull(r, &a, &device, e);
  if (rc != 0) {
    return reader_fail(r, rc, e);
  }
  if (a.release == NULL) {
    r->ended = true;
    return 0;
  }
  rc = batch ? zcxi_cdata_import_batch(&a, r->schema, r->level, device, out_batch, e)
             : zcxi_cdata_import_array(&a, r->field->type, r->level, device, out_array, e);
  if (rc != 0) {
    // The import left the array with us: release it here.
    zcx_cdata_release_array(&a);
    zcx_error_prefix(e, "stream reader: ");
    return reader_fail(r, rc, e);
  }
  return 0;
}

int zcx_cdata_reader_next_array(zcx_cdata_reader_t* reader, zcx_array_t** out,
                                zcx_error_t* err) {
  if (out == NULL || reader == NULL) {
    return zcx_error_fail(err, EINVAL, "stream reader: NULL argument");
  }
  *out = NULL;
  return reader_next(reader, false, out, NULL, err);
}

int zcx_cdata_reader_next(zcx_cdata_reader_t* reader, zcx_batch_t** out, zcx_error_t* err) {
  if (out == NULL || reader == NULL) {
    return zcx_error_fail(err, EINVAL, "stream reader: NULL argument");
  }
  *out = NULL;
  return reader_next(reader, true, NULL, out, err);
}

void zcx_cdata_reader_destroy(zcx_cdata_reader_t* reader) {
  if (reader == NULL) {
    return;
  }
  if (reader->is_device) {
    zcx_cdata_release_device_stream(&reader->dstream);
  } else {
    zcx_cdata_release_stream(&reader->stream);
  }
  zcx_schema_release(reader->schema);
  zcx_field_release(reader->field);
  free(reader);
}
