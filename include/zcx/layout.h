// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// zcx layout: arrays of structures (AoS: one C struct per record) to and from structures of
// arrays (SoA: Arrow record batches of one column per field), strided tensor views of a field
// of an AoS buffer, and 2-D tensor views of columns laid out in one block.
//
// Contract:
// - A layout describes a record: its size in bytes and its fields, each a name, an Arrow
//   type and a byte offset (from `offsetof`). A field is a fixed-width value (integers,
//   floats, bool as one byte 0/1, dates, times, timestamps, durations, decimals, fixed-size
//   binary, intervals) or a fixed-size array of one (an Arrow fixed-size list column).
//   Fields may not overlap each other or leave the record; names are unique and non-empty.
//   Offsets need NOT be aligned: packed records (NumPy structured dtypes without align=True)
//   convert like aligned ones. Only strided views need aligned fields (ENOTSUP otherwise).
// - A layout is built by one thread, then read-only: conversions and views may use one
//   layout from many threads at once. It is not reference counted: destroy it after the
//   last call that uses it (batches and tensors never point into it).
// - AoS -> SoA (zcx_layout_to_batch) produces columns without validity bitmaps (no nulls),
//   64-byte aligned and zero-padded to a multiple of 64 bytes, from a memory resource (the
//   default pool unless the options name one), optionally all in one block. A bool field is
//   bit-packed as Arrow requires (any non-zero byte is true).
// - SoA -> AoS (zcx_layout_from_batch) finds each field's column by name, checks its type and
//   length, and writes every byte of every record: bytes that no field covers become zero.
// - Conversions split large inputs across the threads of a worker pool shared by the process
//   (created on first use). They only read the source and only write the destination, so
//   concurrent conversions are safe as long as their destinations do not overlap.
#ifndef ZCX_LAYOUT_H
#define ZCX_LAYOUT_H

#include "zcx/array.h"
#include "zcx/buffer.h"
#include "zcx/core.h"
#include "zcx/memory.h"
#include "zcx/tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

// ---------------------------------------------------------------------------------------------
// Layout descriptors

/// A record layout. Built by one thread, then read-only (see the contract above).
typedef struct zcx_layout zcx_layout_t;

/// One entry of a static descriptor table for zcx_layout_create_from.
typedef struct zcx_layout_field_desc {
  const char* name;
  zcx_type_id_t type_id;  ///< a parameterless fixed-width type (see zcx_layout_add_field)
  int64_t offset;         ///< byte offset in the record, e.g. offsetof(struct rec, x)
  int32_t count;          ///< 1: a scalar; > 1: a fixed-size array of `count` values
} zcx_layout_field_desc_t;

/// What a layout knows of one field (borrowed pointers, valid while the layout lives).
typedef struct zcx_layout_field_info {
  const char* name;
  const zcx_type_t* type;       ///< the column type: the value type, or a fixed-size list
  const zcx_type_t* value_type; ///< the type of one value (== type for a scalar field)
  int64_t offset;               ///< byte offset in the record
  int32_t count;                ///< values per record (1 for a scalar field)
  int32_t value_size;           ///< bytes of one value in the record (bool: 1)
  int64_t byte_size;            ///< count * value_size
} zcx_layout_field_info_t;

/// Creates an empty layout for records of `record_size` > 0 bytes.
/// @return 0; EINVAL (NULL out, record_size <= 0); ENOMEM.
ZCX_API ZCX_NODISCARD int zcx_layout_create(int64_t record_size, zcx_layout_t** out,
                                            zcx_error_t* err);

/// Creates a layout from a table of `n` field descriptors (each added as by
/// zcx_layout_add_field). On failure nothing is created and the message names the field.
/// @return 0; EINVAL; ENOMEM.
ZCX_API ZCX_NODISCARD int zcx_layout_create_from(int64_t record_size,
                                                 const zcx_layout_field_desc_t* fields,
                                                 int32_t n, zcx_layout_t** out,
                                                 zcx_error_t* err);

/// Destroys a layout. NULL is ignored.
ZCX_API void zcx_layout_destroy(zcx_layout_t* layout);

/// Adds a field `name` of the parameterless fixed-width type `type_id` (bool, int8..uint64,
/// half_float, float, double, date32, date64) at byte `offset`; `count` 1 is a scalar, more
/// is a fixed-size array (column type fixed_size_list<item: T>[count]). The layout is
/// unchanged on failure.
/// @return 0; EINVAL (NULL or empty name, duplicate name, type that is not fixed-width or
///   needs parameters, count < 1, negative offset, field past the end of the record, field
///   overlapping another one; the message names the field(s) and bytes); ENOMEM.
ZCX_API ZCX_NODISCARD int zcx_layout_add_field(zcx_layout_t* layout, const char* name,
                                               zcx_type_id_t type_id, int64_t offset,
                                               int32_t count, zcx_error_t* err);

/// Adds a field of any fixed-width `type` (retained), for types with parameters: timestamp,
/// time32/64, duration, decimals, fixed-size binary, intervals, or a fixed-size list of
/// one of these (a fixed-size array field). Bool is one byte per value in the record.
/// Same checks and statuses as zcx_layout_add_field; ENOTSUP names a type that has no
/// fixed width in bytes (strings, lists, structs, nested fixed-size lists, ...).
ZCX_API ZCX_NODISCARD int zcx_layout_add_field_type(zcx_layout_t* layout, const char* name,
                                                    zcx_type_t* type, int64_t offset,
                                                    zcx_error_t* err);

ZCX_API int64_t zcx_layout_record_size(const zcx_layout_t* layout);
ZCX_API int32_t zcx_layout_num_fields(const zcx_layout_t* layout);
/// Index of the field named `name`, or -1.
ZCX_API int32_t zcx_layout_field_index(const zcx_layout_t* layout, const char* name);
/// Describes field `i` in *info. @return 0; EINVAL (i out of range, NULL info).
ZCX_API ZCX_NODISCARD int zcx_layout_field(const zcx_layout_t* layout, int32_t i,
                                           zcx_layout_field_info_t* info, zcx_error_t* err);

/// The Arrow schema of the batches the layout produces: one non-nullable field per layout
/// field, in the order they were added. The caller releases *out.
/// @return 0; EINVAL (a layout without fields); ENOMEM.
ZCX_API ZCX_NODISCARD int zcx_layout_schema(const zcx_layout_t* layout, zcx_schema_t** out,
                                            zcx_error_t* err);

// ---------------------------------------------------------------------------------------------
// Conversions

/// Option flags.
enum {
  /// AoS -> SoA: all columns in ONE block (each 64-byte aligned inside it), so that k
  /// same-typed columns form a column-major matrix (see zcx_layout_columns_tensor).
  ZCX_LAYOUT_CONTIGUOUS = 1u << 0,
  /// SoA -> AoS: write zeros for null values instead of failing with EINVAL.
  ZCX_LAYOUT_NULLS_AS_ZEROS = 1u << 1,
  /// Write outputs larger than the last-level cache with non-temporal (streaming) stores that
  /// bypass the cache. Off by default: on the machines measured so far ordinary stores were
  /// as fast or faster (see `zcx bench layout`); it can help where memory bandwidth is the
  /// limit and the output is not read again soon.
  ZCX_LAYOUT_STREAM_STORES = 1u << 2,
};

/// Options of a conversion. Initialize with zcx_layout_options_init; NULL means defaults.
typedef struct zcx_layout_options {
  uint32_t size;      ///< sizeof(zcx_layout_options_t), set by zcx_layout_options_init
  uint32_t flags;     ///< ZCX_LAYOUT_* flags
  int32_t threads;    ///< 0: every online CPU; 1: the calling thread only; n: at most n.
                      ///< Inputs under 1 MiB always run on the calling thread.
  zcx_mr_t* mr;       ///< where AoS -> SoA columns come from (NULL: the default resource)
} zcx_layout_options_t;

/// Sets the defaults: no flags, threads 0, mr NULL.
ZCX_API void zcx_layout_options_init(zcx_layout_options_t* options);

/// AoS -> SoA: converts `n` records at `records` (host memory, any alignment, n *
/// record_size bytes, borrowed for the call) into a new record batch with the layout's
/// schema. The caller releases *out.
/// Threads that cannot start are not an error: the calling thread does their share.
/// @return 0; EINVAL (NULL layout/out, NULL records with n > 0, negative n, a layout without
///   fields, bad options, sizes that overflow); ENOMEM (the resource failed; nothing leaks).
ZCX_API ZCX_NODISCARD int zcx_layout_to_batch(const zcx_layout_t* layout, const void* records,
                                              int64_t n, const zcx_layout_options_t* options,
                                              zcx_batch_t** out, zcx_error_t* err);

/// SoA -> AoS: writes `n` records (n must equal the batch's row count) into `out_records`
/// (host memory, any alignment, n * record_size bytes). Each layout field takes the batch
/// column of the same name (other columns are ignored), whose type must equal the field's
/// (for a fixed-size array: a fixed-size list of `count` values of the field's type; child
/// names and nullability do not matter). Slices (array offsets) are honoured. Nulls are an
/// error unless ZCX_LAYOUT_NULLS_AS_ZEROS. Every byte of the records is written; bytes that
/// no field covers become 0. On failure the records may be partly written only when the
/// failure is found during the copy (never for the checks listed here: they run first).
/// @return 0; EINVAL (NULL argument, n != num_rows, missing column, wrong type, nulls, a
///   column on a device the CPU cannot read, bad options; the message names the field).
ZCX_API ZCX_NODISCARD int zcx_layout_from_batch(const zcx_layout_t* layout,
                                                const zcx_batch_t* batch, void* out_records,
                                                int64_t n, const zcx_layout_options_t* options,
                                                zcx_error_t* err);

// ---------------------------------------------------------------------------------------------
// Views

/// A zero-copy strided view of field `name` of `n` records that start at the first byte of
/// `records` (retained by the tensor). A scalar field gives a 1-D tensor {n} with stride
/// {record_size / value_size}; a fixed-size array field gives {n, count} with strides
/// {record_size / value_size, 1}. The view is writable unless the buffer is read-only;
/// writes go to the records. Bool fields give a bool tensor (one byte per value).
/// @return 0; EINVAL (NULL argument, unknown field, negative n, n records larger than the
///   buffer); ENOTSUP (with the reason: record size or offset not a multiple of the value
///   size, records address not aligned to the value size, a type without a tensor dtype).
ZCX_API ZCX_NODISCARD int zcx_layout_field_view(const zcx_layout_t* layout, const char* name,
                                                zcx_buffer_t* records, int64_t n,
                                                zcx_tensor_t** out, zcx_error_t* err);

/// A 2-D column-major tensor {num_rows, k} with strides {1, column_stride} over `k` columns
/// of `batch` (`columns` lists their indices; NULL means columns 0..k-1) without copying.
/// Works when the columns share one primitive type with a tensor dtype (not bool), have
/// no nulls and lie at equal distances, in that order, in memory: what
/// zcx_layout_to_batch with ZCX_LAYOUT_CONTIGUOUS produces for same-typed fields. The
/// tensor holds references to the columns' buffers; it is read-only only when one of them is
/// ZCX_BUFFER_READONLY (see tensor.h: writable memory gives writable tensors).
/// @return 0; EINVAL (NULL argument, k < 1, column index out of range); ENOTSUP (with the
///   reason: types differ, type without a tensor dtype, nulls, columns not evenly spaced or
///   overlapping, a slice that is not element-aligned); ENOMEM.
ZCX_API ZCX_NODISCARD int zcx_layout_columns_tensor(const zcx_batch_t* batch,
                                                    const int32_t* columns, int32_t k,
                                                    zcx_tensor_t** out, zcx_error_t* err);

#ifdef __cplusplus
}
#endif

#endif  // ZCX_LAYOUT_H
