// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Descriptions of the Arrow flatbuffers tables (Schema.fbs, Message.fbs, File.fbs) for the
// verifier: every field the readers access is listed with its kind, size and alignment.
#include "ipc/arrow_fbs.h"

#define SCALAR(n) {ZCXI_FB_SCALAR, n, n, NULL, NULL, 0}
#define STRING {ZCXI_FB_STRING, 0, 0, NULL, NULL, 0}
#define VECTOR(n, a) {ZCXI_FB_VECTOR, n, a, NULL, NULL, 0}
#define TABLE(t) {ZCXI_FB_TABLE, 0, 0, &(t), NULL, 0}
#define TABLES(t) {ZCXI_FB_TABLE_VECTOR, 0, 0, &(t), NULL, 0}
#define UNION(m, n) {ZCXI_FB_UNION, 0, 0, NULL, m, n}
#define DESC(name, fields) {name, (uint16_t)(sizeof(fields) / sizeof(fields[0])), fields}

static const zcxi_fb_table_desc_t empty_desc = {"(type without fields)", 0, NULL};

static const zcxi_fb_field_desc_t int_fields[] = {SCALAR(4), SCALAR(1)};
static const zcxi_fb_table_desc_t int_desc = DESC("Int", int_fields);
static const zcxi_fb_field_desc_t fp_fields[] = {SCALAR(2)};
static const zcxi_fb_table_desc_t fp_desc = DESC("FloatingPoint", fp_fields);
static const zcxi_fb_field_desc_t decimal_fields[] = {SCALAR(4), SCALAR(4), SCALAR(4)};
static const zcxi_fb_table_desc_t decimal_desc = DESC("Decimal", decimal_fields);
static const zcxi_fb_field_desc_t unit_fields[] = {SCALAR(2)};
static const zcxi_fb_table_desc_t date_desc = DESC("Date", unit_fields);
static const zcxi_fb_table_desc_t interval_desc = DESC("Interval", unit_fields);
static const zcxi_fb_table_desc_t duration_desc = DESC("Duration", unit_fields);
static const zcxi_fb_field_desc_t time_fields[] = {SCALAR(2), SCALAR(4)};
static const zcxi_fb_table_desc_t time_desc = DESC("Time", time_fields);
static const zcxi_fb_field_desc_t timestamp_fields[] = {SCALAR(2), STRING};
static const zcxi_fb_table_desc_t timestamp_desc = DESC("Timestamp", timestamp_fields);
static const zcxi_fb_field_desc_t union_fields[] = {SCALAR(2), VECTOR(4, 4)};
static const zcxi_fb_table_desc_t union_desc = DESC("Union", union_fields);
static const zcxi_fb_field_desc_t width_fields[] = {SCALAR(4)};
static const zcxi_fb_table_desc_t fsb_desc = DESC("FixedSizeBinary", width_fields);
static const zcxi_fb_table_desc_t fsl_desc = DESC("FixedSizeList", width_fields);
static const zcxi_fb_field_desc_t map_fields[] = {SCALAR(1)};
static const zcxi_fb_table_desc_t map_desc = DESC("Map", map_fields);

static const zcxi_fb_table_desc_t* const type_members[ZCXI_FBT_COUNT] = {
    [ZCXI_FBT_NULL] = &empty_desc,
    [ZCXI_FBT_INT] = &int_desc,
    [ZCXI_FBT_FLOATING_POINT] = &fp_desc,
    [ZCXI_FBT_BINARY] = &empty_desc,
    [ZCXI_FBT_UTF8] = &empty_desc,
    [ZCXI_FBT_BOOL] = &empty_desc,
    [ZCXI_FBT_DECIMAL] = &decimal_desc,
    [ZCXI_FBT_DATE] = &date_desc,
    [ZCXI_FBT_TIME] = &time_desc,
    [ZCXI_FBT_TIMESTAMP] = &timestamp_desc,
    [ZCXI_FBT_INTERVAL] = &interval_desc,
    [ZCXI_FBT_LIST] = &empty_desc,
    [ZCXI_FBT_STRUCT] = &empty_desc,
    [ZCXI_FBT_UNION] = &union_desc,
    [ZCXI_FBT_FIXED_SIZE_BINARY] = &fsb_desc,
    [ZCXI_FBT_FIXED_SIZE_LIST] = &fsl_desc,
    [ZCXI_FBT_MAP] = &map_desc,
    [ZCXI_FBT_DURATION] = &duration_desc,
    [ZCXI_FBT_LARGE_BINARY] = &empty_desc,
    [ZCXI_FBT_LARGE_UTF8] = &empty_desc,
    [ZCXI_FBT_LARGE_LIST] = &empty_desc,
    [ZCXI_FBT_RUN_END_ENCODED] = &empty_desc,
    [ZCXI_FBT_BINARY_VIEW] = &empty_desc,
    [ZCXI_FBT_UTF8_VIEW] = &empty_desc,
    [ZCXI_FBT_LIST_VIEW] = &empty_desc,
    [ZCXI_FBT_LARGE_LIST_VIEW] = &empty_desc,
};

static const zcxi_fb_field_desc_t kv_fields[] = {STRING, STRING};
static const zcxi_fb_table_desc_t kv_desc = DESC("KeyValue", kv_fields);

static const zcxi_fb_field_desc_t dict_fields[] = {SCALAR(8), TABLE(int_desc), SCALAR(1),
                                                   SCALAR(2)};
static const zcxi_fb_table_desc_t dict_desc = DESC("DictionaryEncoding", dict_fields);

// Field refers to itself through its children.
static const zcxi_fb_table_desc_t field_desc;
static const zcxi_fb_field_desc_t field_fields[] = {
    STRING,           SCALAR(1),        SCALAR(1),      UNION(type_members, ZCXI_FBT_COUNT),
    TABLE(dict_desc), TABLES(field_desc), TABLES(kv_desc)};
static const zcxi_fb_table_desc_t field_desc = DESC("Field", field_fields);

static const zcxi_fb_field_desc_t schema_fields[] = {SCALAR(2), TABLES(field_desc),
                                                     TABLES(kv_desc), VECTOR(8, 8)};
const zcxi_fb_table_desc_t zcxi_fbs_schema = DESC("Schema", schema_fields);

static const zcxi_fb_field_desc_t compression_fields[] = {SCALAR(1), SCALAR(1)};
static const zcxi_fb_table_desc_t compression_desc = DESC("BodyCompression", compression_fields);

static const zcxi_fb_field_desc_t rb_fields[] = {
    SCALAR(8), VECTOR(ZCXI_FB_FIELD_NODE_SIZE, 8), VECTOR(ZCXI_FB_BUFFER_SIZE, 8),
    TABLE(compression_desc), VECTOR(8, 8)};
static const zcxi_fb_table_desc_t rb_desc = DESC("RecordBatch", rb_fields);

static const zcxi_fb_field_desc_t db_fields[] = {SCALAR(8), TABLE(rb_desc), SCALAR(1)};
static const zcxi_fb_table_desc_t db_desc = DESC("DictionaryBatch", db_fields);

// Tensor and SparseTensor messages are not read: left undescribed, never accessed.
static const zcxi_fb_table_desc_t* const header_members[] = {
    [ZCXI_FBH_SCHEMA] = &zcxi_fbs_schema,
    [ZCXI_FBH_DICTIONARY_BATCH] = &db_desc,
    [ZCXI_FBH_RECORD_BATCH] = &rb_desc,
};

static const zcxi_fb_field_desc_t message_fields[] = {
    SCALAR(2), SCALAR(1), UNION(header_members, ZCXI_FBH_RECORD_BATCH + 1), SCALAR(8),
    TABLES(kv_desc)};
const zcxi_fb_table_desc_t zcxi_fbs_message = DESC("Message", message_fields);

static const zcxi_fb_field_desc_t footer_fields[] = {
    SCALAR(2), TABLE(zcxi_fbs_schema), VECTOR(ZCXI_FB_BLOCK_SIZE, 8),
    VECTOR(ZCXI_FB_BLOCK_SIZE, 8), TABLES(kv_desc)};
const zcxi_fb_table_desc_t zcxi_fbs_footer = DESC("Footer", footer_fields);
