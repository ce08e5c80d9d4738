// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// zcx: zero-copy exchange of Arrow columns, DLPack tensors and pooled memory between
// machine-learning and data frameworks. This header includes every public layer.
#ifndef ZCX_ZCX_H
#define ZCX_ZCX_H

#include "zcx/version.h"
#include "zcx/core.h"
#include "zcx/memory.h"
#include "zcx/buffer.h"
#include "zcx/array.h"
#include "zcx/tensor.h"
#include "zcx/layout.h"
#include "zcx/dlpack.h"
#include "zcx/cdata.h"
#include "zcx/json.h"
#include "zcx/ipc.h"
#include "zcx/shm.h"

#endif  // ZCX_ZCX_H
