// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// RMM allocation logs: the parser and the replay engine behind `zcx replay`.
//
// The log is RMM's logging_resource_adaptor CSV, also written by zcx_trace_mr_create:
// a header `Thread,Time,Action,Pointer,Size,Stream`, then one line per event. Thread is a
// decimal (or 0x hex) id; Time is "HH:MM:SS.micros" (RMM) or seconds (zcx) and only
// checked; Action is `allocate`, `free` (`deallocate` is accepted) or `allocate failure`;
// Pointer and Stream are 0x hex or decimal; Size is decimal bytes.
//
// Parsing resolves each free to the allocation it releases (the latest live allocation of
// that pointer), so that the replay is independent of the addresses the resource returns.
// The replay runs one thread per trace thread, each in its own file order; a free whose
// allocation belongs to another thread waits until that allocation has happened. Every wait
// is for an earlier line of the file, so the replay cannot deadlock.
#ifndef ZCX_TOOLS_REPLAY_TRACE_H
#define ZCX_TOOLS_REPLAY_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "zcx/memory.h"

/// Most threads a trace may have (one replay thread each).
#define ZCXT_TRACE_MAX_THREADS 1024

typedef enum zcxt_trace_action {
  ZCXT_TRACE_ALLOCATE = 0,
  ZCXT_TRACE_FREE = 1,
} zcxt_trace_action_t;

/// One replayed event.
typedef struct zcxt_trace_event {
  uint64_t size;    ///< bytes (a free carries the size of its allocation)
  uint64_t slot;    ///< the allocation: its own number, or the one a free releases
  uint32_t thread;  ///< replay thread (0 .. thread_count-1)
  uint32_t action;  ///< zcxt_trace_action_t
} zcxt_trace_event_t;

/// A parsed trace. Owns its arrays; release with zcxt_trace_reset.
typedef struct zcxt_trace {
  zcxt_trace_event_t* events;  ///< replayed events in file order
  size_t event_count;
  size_t allocation_count;  ///< = number of slots
  size_t free_count;        ///< frees matched to an allocation
  size_t thread_count;
  uint64_t* thread_ids;     ///< the trace's id of each replay thread
  size_t* thread_start;     ///< thread t's events: order[thread_start[t] .. thread_start[t+1])
  size_t* order;            ///< event indices grouped by thread, each in file order
  size_t line_count;        ///< lines read, header included
  int64_t peak_bytes;       ///< peak of the bytes in use as the trace itself records them
  int64_t unknown_frees;    ///< frees of a pointer with no live allocation: counted, skipped
  int64_t size_mismatches;  ///< frees whose size differs from their allocation's
  int64_t trace_failures;   ///< `allocate failure` lines (not replayed)
  int64_t ignored;          ///< allocations of size 0 or of pointer 0 (not replayed)
  int64_t unfreed;          ///< allocations the trace never frees (freed after the replay)
  char first_unknown[160];  ///< "line N: free of unknown pointer 0x..." or ""
} zcxt_trace_t;

/// Parses a log from `in`; `name` (the path) prefixes messages.
/// @return 0; EINVAL (malformed line: "NAME:LINE: what", or too many threads); ENOMEM; EIO.
int zcxt_trace_parse(FILE* in, const char* name, zcxt_trace_t* out, zcx_error_t* err);

/// Opens and parses `path`.
/// @return as zcxt_trace_parse; the errno of open with the path and reason.
int zcxt_trace_load(const char* path, zcxt_trace_t* out, zcx_error_t* err);

/// Frees the arrays of a trace and zeroes it. Accepts a zeroed trace.
void zcxt_trace_reset(zcxt_trace_t* trace);

typedef struct zcxt_replay_options {
  bool touch;  ///< write every page of each allocation once
} zcxt_replay_options_t;

/// What one replay measured. Byte fields the resource cannot tell are -1.
typedef struct zcxt_replay_result {
  double wall_s;                ///< from the start of all replay threads to the last one's end
  double ns_per_op;             ///< wall time per allocate or free
  int64_t ops;                  ///< allocate and free calls made
  int64_t peak_in_use_bytes;    ///< high-water mark of the bytes handed out
  int64_t peak_reserved_bytes;  ///< high-water mark of the bytes held from the system
  double fragmentation;         ///< highest sampled 1 - largest free block / free bytes
  int64_t failures;             ///< allocations the resource refused
  int64_t skipped_frees;        ///< frees of allocations that had failed
  int64_t free_errors;          ///< frees the resource refused (should stay 0)
  char first_failure[160];      ///< message of the first refused allocation, or ""
} zcxt_replay_result_t;

/// Replays `trace` against `mr` (borrowed), which it wraps in a statistics adaptor for the
/// peaks. Allocations still live at the end are freed afterwards, outside the timing.
/// @return 0 (allocation failures are results, not errors); ENOMEM, EAGAIN (threads), EINVAL.
int zcxt_replay_run(const zcxt_trace_t* trace, zcx_mr_t* mr, const zcxt_replay_options_t* options,
                    zcxt_replay_result_t* result, zcx_error_t* err);

#endif  // ZCX_TOOLS_REPLAY_TRACE_H
