// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Encapsulated message framing: the continuation marker and metadata length (the older form
// without the marker is accepted), the verified Message flatbuffer, and the body as a slice
// of the input or a copy read from a descriptor.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/message.h"

const char* zcxi_ipc_header_name(uint8_t type) {
  switch (type) {
    case ZCXI_FBH_SCHEMA: return "Schema";
    case ZCXI_FBH_DICTIONARY_BATCH: return "DictionaryBatch";
    case ZCXI_FBH_RECORD_BATCH: return "RecordBatch";
    case ZCXI_FBH_TENSOR: return "Tensor";
    case ZCXI_FBH_SPARSE_TENSOR: return "SparseTensor";
    default: return "unknown";
  }
}

void zcxi_ipc_msg_reset(zcxi_ipc_msg_t* msg) {
  zcx_buffer_release(msg->body);
  memset(msg, 0, sizeof(*msg));
}

void zcxi_ipc_source_reset(zcxi_ipc_source_t* src) {
  zcx_buffer_release(src->data);
  free(src->scratch);
  memset(src, 0, sizeof(*src));
  src->fd = -1;
}

// Verifies and decodes the Message flatbuffer of `len` bytes at `meta`.
static int decode_meta(const uint8_t* meta, size_t len, const char* what, zcxi_ipc_msg_t* msg,
                       zcx_error_t* err) {
  char label[96];
  snprintf(label, sizeof(label), "%s metadata", what);
  ZCX_RETURN_IF_ERROR(zcxi_fb_verify(meta, len, &zcxi_fbs_message, label, err));
  msg->meta = meta;
  msg->meta_len = len;
  msg->root = zcxi_fb_root(meta);
  msg->version = zcxi_fb_i16(msg->root, ZCXI_FB_MSG_VERSION, 0);
  msg->header_type = zcxi_fb_u8(msg->root, ZCXI_FB_MSG_HEADER_TYPE, 0);
  msg->body_length = zcxi_fb_i64(msg->root, ZCXI_FB_MSG_BODY_LENGTH, 0);
  if (msg->version < ZCXI_FB_METADATA_V4) {
    return zcx_error_fail(err, ENOTSUP, "%s: metadata version V%d is not supported (V4, V5 are)",
                          what, msg->version + 1);
  }
  if (msg->header_type == ZCXI_FBH_NONE || msg->header_type > ZCXI_FBH_RECORD_BATCH) {
    return zcx_error_fail(err, msg->header_type == ZCXI_FBH_NONE ? EINVAL : ENOTSUP,
                          "%s: %s messages are not supported", what,
                          zcxi_ipc_header_name(msg->header_type));
  }
  if (!zcxi_fb_table(msg->root, ZCXI_FB_MSG_HEADER, &msg->header)) {
    return zcx_error_fail(err, EINVAL, "%s: %s message without its header", what,
                          zcxi_ipc_header_name(msg->header_type));
  }
  if (msg->body_length < 0) {
    return zcx_error_fail(err, EINVAL, "%s: negative body length %lld", what,
                          (long long)msg->body_length);
  }
  return 0;
}

int zcxi_ipc_parse_message(zcx_buffer_t* data, int64_t pos, int64_t limit, const char* what,
                           zcxi_ipc_msg_t* msg, int64_t* end, bool* eos, zcx_error_t* err) {
  memset(msg, 0, sizeof(*msg));
  *eos = false;
  const uint8_t* p = zcx_buffer_data(data);
  if (pos == limit) {
    *eos = true;
    *end = pos;
    return 0;
  }
  if (pos < 0 || limit - pos < 4) {
    return zcx_error_fail(err, EINVAL, "%s: truncated message prefix at byte %lld", what,
                          (long long)pos);
  }
  uint32_t w = zcxi_fb_rd_u32(p + pos);
  int64_t at = pos + 4;
  int32_t len = (int32_t)w;
  if (w == ZCXI_IPC_CONTINUATION) {
    if (limit - at < 4) {
      return zcx_error_fail(err, EINVAL, "%s: truncated message length at byte %lld", what,
                            (long long)at);
    }
    len = zcxi_fb_rd_i32(p + at);
    at += 4;
  }
  if (len == 0) {
    *eos = true;
    *end = at;
    return 0;
  }
  if (len < 0 || len > limit - at) {
    return zcx_error_fail(err, EINVAL,
                          "%s: metadata length %d at byte %lld runs past the end (%lld bytes)",
                          what, len, (long long)pos, (long long)limit);
  }
  ZCX_RETURN_IF_ERROR(decode_meta(p + at, (size_t)len, what, msg, err));
  at += len;
  if (msg->body_length > limit - at) {
    return zcx_error_fail(err, EINVAL,
                          "%s: body of %lld bytes at byte %lld runs past the end (%lld bytes)",
                          what, (long long)msg->body_length, (long long)at, (long long)limit);
  }
  ZCX_RETURN_IF_ERROR(zcx_buffer_slice(data, at, msg->body_length, &msg->body, err));
  *end = at + msg->body_length;
  return 0;
}

static int read_exact(zcxi_ipc_source_t* src, void* buf, size_t n, const char* what,
                      const char* part, bool* at_eof, zcx_error_t* err) {
  size_t got = 0;
  ZCX_RETURN_IF_ERROR(zcxi_ipc_read_fd(src->fd, buf, n, &got, err));
  if (at_eof != NULL && got == 0) {
    *at_eof = true;
    return 0;
  }
  if (got != n) {
    return zcx_error_fail(err, EINVAL, "%s: truncated %s (%zu of %zu bytes)", what, part, got,
                          n);
  }
  src->pos += (int64_t)n;
  return 0;
}

static int read_message_fd(zcxi_ipc_source_t* src, const char* what, zcxi_ipc_msg_t* msg,
                           bool* eos, zcx_error_t* err) {
  uint32_t w = 0;
  bool at_eof = false;
  ZCX_RETURN_IF_ERROR(read_exact(src, &w, 4, what, "message prefix", &at_eof, err));
  if (at_eof) {
    *eos = true;
    return 0;
  }
  int32_t len = (int32_t)w;
  if (w == ZCXI_IPC_CONTINUATION) {
    ZCX_RETURN_IF_ERROR(read_exact(src, &len, 4, what, "message length", NULL, err));
  }
  if (len == 0) {
    *eos = true;
    return 0;
  }
  if (len < 0 || len > src->max_message_size) {
    return zcx_error_fail(err, EINVAL, "%s: bad metadata length %d", what, len);
  }
  if ((size_t)len > src->scratch_cap) {
    uint8_t* s = realloc(src->scratch, (size_t)len);
    if (s == NULL) {
      return zcx_error_fail(err, ENOMEM, "%s: out of memory for %d bytes of metadata", what, len);
    }
    src->scratch = s;
    src->scratch_cap = (size_t)len;
  }
  ZCX_RETURN_IF_ERROR(read_exact(src, src->scratch, (size_t)len, what, "metadata", NULL, err));
  ZCX_RETURN_IF_ERROR(decode_meta(src->scratch, (size_t)len, what, msg, err));
  if (msg->body_length > src->max_message_size - len) {
    return zcx_error_fail(err, EINVAL, "%s: body of %lld bytes is over the limit of %lld", what,
                          (long long)msg->body_length, (long long)src->max_message_size);
  }
  ZCX_RETURN_IF_ERROR(
      zcx_buffer_allocate(src->mr, msg->body_length, 64, NULL, &msg->body, err));
  return read_exact(src, zcx_buffer_data(msg->body), (size_t)msg->body_length, what, "body",
                    NULL, err);
}

int zcxi_ipc_read_message(zcxi_ipc_source_t* src, int64_t index, zcxi_ipc_msg_t* msg,
                          bool* eos, zcx_error_t* err) {
  char what[48];
  snprintf(what, sizeof(what), "message %lld", (long long)index);
  memset(msg, 0, sizeof(*msg));
  *eos = false;
  int rc;
  if (src->data != NULL) {
    int64_t end = src->pos;
    rc = zcxi_ipc_parse_message(src->data, src->pos, zcx_buffer_size(src->data), what, msg, &end,
                                eos, err);
    src->pos = end;
  } else {
    rc = read_message_fd(src, what, msg, eos, err);
  }
  if (rc != 0) {
    zcxi_ipc_msg_reset(msg);
  }
  return rc;
}
