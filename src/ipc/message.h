// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Encapsulated IPC messages: framing (continuation marker, length, metadata, body) read from
// memory or from a file descriptor, and the decoded Message header.
#ifndef ZCX_SRC_IPC_MESSAGE_H
#define ZCX_SRC_IPC_MESSAGE_H

#include "ipc/internal.h"

// One message. `meta` points into the source buffer or into the source's scratch memory,
// valid until the next read from the same source.
typedef struct zcxi_ipc_msg {
  const uint8_t* meta;
  size_t meta_len;
  zcxi_fb_table_t root;
  int16_t version;
  uint8_t header_type;
  zcxi_fb_table_t header;
  int64_t body_length;
  zcx_buffer_t* body;  // owned
} zcxi_ipc_msg_t;

// Where messages come from: a buffer in memory, or a file descriptor.
typedef struct zcxi_ipc_source {
  zcx_buffer_t* data;  // owned; NULL for a descriptor
  int64_t pos;
  int fd;
  zcx_mr_t* mr;
  int64_t max_message_size;
  uint8_t* scratch;  // metadata read from a descriptor
  size_t scratch_cap;
} zcxi_ipc_source_t;

void zcxi_ipc_source_reset(zcxi_ipc_source_t* src);

// Reads the next message of a stream. *eos is set at the end-of-stream marker or the end of
// the input. `index` names the message in errors.
int zcxi_ipc_read_message(zcxi_ipc_source_t* src, int64_t index, zcxi_ipc_msg_t* msg,
                          bool* eos, zcx_error_t* err);

// Parses the message framed at [pos, limit) of `data` (file blocks): the body must end at or
// before `limit`. Sets *end to where the message ends.
int zcxi_ipc_parse_message(zcx_buffer_t* data, int64_t pos, int64_t limit, const char* what,
                           zcxi_ipc_msg_t* msg, int64_t* end, bool* eos, zcx_error_t* err);

void zcxi_ipc_msg_reset(zcxi_ipc_msg_t* msg);

// The name of a MessageHeader type for errors.
const char* zcxi_ipc_header_name(uint8_t type);

#endif  // ZCX_SRC_IPC_MESSAGE_H
