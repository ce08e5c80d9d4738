// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The Arrow flatbuffers schemas (Schema.fbs, Message.fbs, File.fbs): field ids, enum values
// and the table descriptions the verifier checks Message and Footer buffers against.
#ifndef ZCX_SRC_IPC_ARROW_FBS_H
#define ZCX_SRC_IPC_ARROW_FBS_H

#include "ipc/flatbuf.h"

// Type union members (Schema.fbs).
enum {
  ZCXI_FBT_NONE = 0,
  ZCXI_FBT_NULL = 1,
  ZCXI_FBT_INT = 2,
  ZCXI_FBT_FLOATING_POINT = 3,
  ZCXI_FBT_BINARY = 4,
  ZCXI_FBT_UTF8 = 5,
  ZCXI_FBT_BOOL = 6,
  ZCXI_FBT_DECIMAL = 7,
  ZCXI_FBT_DATE = 8,
  ZCXI_FBT_TIME = 9,
  ZCXI_FBT_TIMESTAMP = 10,
  ZCXI_FBT_INTERVAL = 11,
  ZCXI_FBT_LIST = 12,
  ZCXI_FBT_STRUCT = 13,
  ZCXI_FBT_UNION = 14,
  ZCXI_FBT_FIXED_SIZE_BINARY = 15,
  ZCXI_FBT_FIXED_SIZE_LIST = 16,
  ZCXI_FBT_MAP = 17,
  ZCXI_FBT_DURATION = 18,
  ZCXI_FBT_LARGE_BINARY = 19,
  ZCXI_FBT_LARGE_UTF8 = 20,
  ZCXI_FBT_LARGE_LIST = 21,
  ZCXI_FBT_RUN_END_ENCODED = 22,
  ZCXI_FBT_BINARY_VIEW = 23,
  ZCXI_FBT_UTF8_VIEW = 24,
  ZCXI_FBT_LIST_VIEW = 25,
  ZCXI_FBT_LARGE_LIST_VIEW = 26,
  ZCXI_FBT_COUNT = 27,
};

// Field ids of the type tables.
enum { ZCXI_FB_INT_BIT_WIDTH = 0, ZCXI_FB_INT_IS_SIGNED = 1 };
enum { ZCXI_FB_FP_PRECISION = 0 };
enum { ZCXI_FB_DECIMAL_PRECISION = 0, ZCXI_FB_DECIMAL_SCALE = 1, ZCXI_FB_DECIMAL_BIT_WIDTH = 2 };
enum { ZCXI_FB_DATE_UNIT = 0 };
enum { ZCXI_FB_TIME_UNIT = 0, ZCXI_FB_TIME_BIT_WIDTH = 1 };
enum { ZCXI_FB_TIMESTAMP_UNIT = 0, ZCXI_FB_TIMESTAMP_TIMEZONE = 1 };
enum { ZCXI_FB_INTERVAL_UNIT = 0 };
enum { ZCXI_FB_DURATION_UNIT = 0 };
enum { ZCXI_FB_UNION_MODE = 0, ZCXI_FB_UNION_TYPE_IDS = 1 };
enum { ZCXI_FB_FSB_BYTE_WIDTH = 0 };
enum { ZCXI_FB_FSL_LIST_SIZE = 0 };
enum { ZCXI_FB_MAP_KEYS_SORTED = 0 };

enum { ZCXI_FB_KV_KEY = 0, ZCXI_FB_KV_VALUE = 1 };
enum {
  ZCXI_FB_DICT_ID = 0,
  ZCXI_FB_DICT_INDEX_TYPE = 1,
  ZCXI_FB_DICT_IS_ORDERED = 2,
  ZCXI_FB_DICT_KIND = 3,
};
enum {
  ZCXI_FB_FIELD_NAME = 0,
  ZCXI_FB_FIELD_NULLABLE = 1,
  ZCXI_FB_FIELD_TYPE_TYPE = 2,
  ZCXI_FB_FIELD_TYPE = 3,
  ZCXI_FB_FIELD_DICTIONARY = 4,
  ZCXI_FB_FIELD_CHILDREN = 5,
  ZCXI_FB_FIELD_METADATA = 6,
};
enum {
  ZCXI_FB_SCHEMA_ENDIANNESS = 0,
  ZCXI_FB_SCHEMA_FIELDS = 1,
  ZCXI_FB_SCHEMA_METADATA = 2,
  ZCXI_FB_SCHEMA_FEATURES = 3,
};

// Message.fbs
enum { ZCXI_FB_COMPRESSION_CODEC = 0, ZCXI_FB_COMPRESSION_METHOD = 1 };
enum {
  ZCXI_FB_RB_LENGTH = 0,
  ZCXI_FB_RB_NODES = 1,
  ZCXI_FB_RB_BUFFERS = 2,
  ZCXI_FB_RB_COMPRESSION = 3,
  ZCXI_FB_RB_VARIADIC_COUNTS = 4,
};
enum { ZCXI_FB_DB_ID = 0, ZCXI_FB_DB_DATA = 1, ZCXI_FB_DB_IS_DELTA = 2 };
enum {
  ZCXI_FB_MSG_VERSION = 0,
  ZCXI_FB_MSG_HEADER_TYPE = 1,
  ZCXI_FB_MSG_HEADER = 2,
  ZCXI_FB_MSG_BODY_LENGTH = 3,
  ZCXI_FB_MSG_METADATA = 4,
};
enum {
  ZCXI_FBH_NONE = 0,
  ZCXI_FBH_SCHEMA = 1,
  ZCXI_FBH_DICTIONARY_BATCH = 2,
  ZCXI_FBH_RECORD_BATCH = 3,
  ZCXI_FBH_TENSOR = 4,
  ZCXI_FBH_SPARSE_TENSOR = 5,
};

// File.fbs
enum {
  ZCXI_FB_FOOTER_VERSION = 0,
  ZCXI_FB_FOOTER_SCHEMA = 1,
  ZCXI_FB_FOOTER_DICTIONARIES = 2,
  ZCXI_FB_FOOTER_BATCHES = 3,
  ZCXI_FB_FOOTER_METADATA = 4,
};

// MetadataVersion V1..V5 = 0..4; Endianness Little 0, Big 1.
#define ZCXI_FB_METADATA_V4 3
#define ZCXI_FB_METADATA_V5 4
// CompressionType
#define ZCXI_FB_CODEC_LZ4_FRAME 0
#define ZCXI_FB_CODEC_ZSTD 1

// Struct sizes: FieldNode {length, null_count}, Buffer {offset, length},
// Block {offset: long, metaDataLength: int, (4 pad), bodyLength: long}.
#define ZCXI_FB_FIELD_NODE_SIZE 16
#define ZCXI_FB_BUFFER_SIZE 16
#define ZCXI_FB_BLOCK_SIZE 24

// Root descriptions (src/ipc/arrow_fbs.c).
extern const zcxi_fb_table_desc_t zcxi_fbs_message;
extern const zcxi_fb_table_desc_t zcxi_fbs_footer;
extern const zcxi_fb_table_desc_t zcxi_fbs_schema;

#endif  // ZCX_SRC_IPC_ARROW_FBS_H
