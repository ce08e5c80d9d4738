// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// The default resource as a reference, for code that allocates from it.
#ifndef ZCX_MEMORY_DEFAULT_INTERNAL_H
#define ZCX_MEMORY_DEFAULT_INTERNAL_H

#include "zcx/memory.h"

// A new reference to the default resource (release it when done), or NULL when the
// built-in pool could not be created. Unlike zcx_default_mr, the resource stays valid while
// another thread replaces the default with zcx_set_default_mr.
zcx_mr_t* zcxi_default_mr_acquire(void);

#endif  // ZCX_MEMORY_DEFAULT_INTERNAL_H
