// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Helpers shared by the shm tests (tests/shm/shm_support.c).
#ifndef ZCX_TESTS_SHM_SUPPORT_H
#define ZCX_TESTS_SHM_SUPPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "zcx/shm.h"

/// The schema of the test batches: id int64 (nullable), score double, name utf8 (nullable).
zcx_schema_t* ss_schema(void);
/// A batch of `rows` rows of that schema, every buffer drawn from `mr` with builders; values
/// follow from `seed` (see ss_check_batch). NULL on failure.
zcx_batch_t* ss_build_batch(zcx_schema_t* schema, zcx_mr_t* mr, int64_t rows, int64_t seed);
/// Whether `batch` holds the values ss_build_batch(…, rows, seed) builds; on a difference
/// it writes it to `why` (may be NULL) and returns false.
bool ss_check_batch(const zcx_batch_t* batch, int64_t rows, int64_t seed, char* why,
                    size_t why_size);
/// The mapping of this process that contains `p`: its start, end and path (empty for an
/// anonymous one). False when `p` is in no mapping.
bool ss_mapping_of(const void* p, uintptr_t* start, uintptr_t* end, char* path,
                   size_t path_size);
/// A unique name for POSIX segments of this test run.
const char* ss_unique_name(const char* tag);

#endif  // ZCX_TESTS_SHM_SUPPORT_H
