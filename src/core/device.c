// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Devices: DLPack's device type numbers.
#include "zcx/core.h"

zcx_device_t zcx_device_cpu(void) {
  zcx_device_t d = {ZCX_DEVICE_CPU, 0};
  return d;
}

bool zcx_device_equal(zcx_device_t a, zcx_device_t b) { return a.type == b.type && a.id == b.id; }

bool zcx_device_is_host_accessible(zcx_device_t device) {
  switch (device.type) {
    case ZCX_DEVICE_CPU:
    case ZCX_DEVICE_CUDA_HOST:
    case ZCX_DEVICE_CUDA_MANAGED:
    case ZCX_DEVICE_ROCM_HOST:
      return true;
    default:
      return false;
  }
}

const char* zcx_device_type_name(int32_t type) {
  switch (type) {
    case ZCX_DEVICE_CPU: return "cpu";
    case ZCX_DEVICE_CUDA: return "cuda";
    case ZCX_DEVICE_CUDA_HOST: return "cuda_host";
    case ZCX_DEVICE_OPENCL: return "opencl";
    case ZCX_DEVICE_VULKAN: return "vulkan";
    case ZCX_DEVICE_METAL: return "metal";
    case ZCX_DEVICE_VPI: return "vpi";
    case ZCX_DEVICE_ROCM: return "rocm";
    case ZCX_DEVICE_ROCM_HOST: return "rocm_host";
    case ZCX_DEVICE_EXT_DEV: return "ext_dev";
    case ZCX_DEVICE_CUDA_MANAGED: return "cuda_managed";
    case ZCX_DEVICE_ONEAPI: return "oneapi";
    case ZCX_DEVICE_WEBGPU: return "webgpu";
    case ZCX_DEVICE_HEXAGON: return "hexagon";
    default: return "unknown";
  }
}

const char* zcx_version(void) { return ZCX_VERSION_STRING; }
