// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The operating-system calls of the memory layer (page mappings), behind one small interface.
#ifndef ZCX_SRC_MEMORY_OS_H
#define ZCX_SRC_MEMORY_OS_H

#include <stdbool.h>
#include <stddef.h>

// The size of a page (at least 4096).
size_t zcxi_os_page_size(void);

// Maps `size` bytes (a multiple of the page size) of fresh zeroed read-write memory whose
// address is a multiple of `alignment` (a power of two; over-maps and trims when it exceeds
// the page size). `huge_pages` advises transparent huge pages. Returns 0 or an errno value.
int zcxi_os_map(size_t size, size_t alignment, bool huge_pages, void** out);

// Unmaps what zcxi_os_map returned (same size). Returns 0 or an errno value.
int zcxi_os_unmap(void* ptr, size_t size);

#endif  // ZCX_SRC_MEMORY_OS_H
