// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Arrow C Device Data interface: ArrowDeviceArray export and import. The device's type and id
// travel with the array; device memory is described, never read.
#include <inttypes.h>
#include <string.h>

#include "core/internal.h"
#include "interop/cdata_internal.h"

int zcx_cdata_export_device_array(zcx_array_t* array, struct ArrowDeviceArray* out,
                                  struct ArrowSchema* out_schema, zcx_error_t* err) {
  if (out == NULL) {
    return zcx_error_fail(err, EINVAL, "export device array: out is NULL");
  }
  memset(out, 0, sizeof(*out));
  if (out_schema != NULL) {
    memset(out_schema, 0, sizeof(*out_schema));
  }
  if (array == NULL) {
    return zcx_error_fail(err, EINVAL, "export device array: array is NULL");
  }
  zcxi_cdata_devices_t devs;
  memset(&devs, 0, sizeof(devs));
  ZCX_RETURN_IF_ERROR(zcxi_cdata_export_array(array, &out->array, &devs, err));
  if (devs.mixed) {
    zcx_cdata_release_array(&out->array);
    return zcx_error_fail(err, EINVAL,
                          "export device array: buffers on more than one device (first %s:%d)",
                          zcx_device_type_name(devs.device.type), (int)devs.device.id);
  }
  zcx_device_t dev = devs.any ? devs.device : zcx_device_cpu();
  out->device_type = dev.type;
  // Arrow's implementations name the CPU device -1.
  out->device_id = dev.type == ZCX_DEVICE_CPU ? -1 : dev.id;
  out->sync_event = NULL;
  if (out_schema != NULL) {
    int rc = zcx_cdata_export_type(array->type, "", out_schema, err);
    if (rc != 0) {
      zcx_cdata_release_array(&out->array);
      return rc;
    }
  }
  return 0;
}

int zcx_cdata_import_device_array(struct ArrowDeviceArray* array, const zcx_type_t* type,
                                  zcx_validate_level_t level, void** sync_event,
                                  zcx_array_t** out, zcx_error_t* err) {
  if (out == NULL) {
    return zcx_error_fail(err, EINVAL, "import device array: out is NULL");
  }
  *out = NULL;
  if (sync_event != NULL) {
    *sync_event = NULL;
  }
  if (array == NULL) {
    return zcx_error_fail(err, EINVAL, "import device array: array is NULL");
  }
  int64_t min_id = array->device_type == ARROW_DEVICE_CPU ? -1 : 0;
  if (array->device_id < min_id || array->device_id > INT32_MAX) {
    return zcx_error_fail(err, EINVAL, "import device array: bad device id %" PRId64 " for %s",
                          array->device_id, zcx_device_type_name(array->device_type));
  }
  if (array->device_type <= 0) {
    return zcx_error_fail(err, EINVAL, "import device array: bad device type %d",
                          (int)array->device_type);
  }
  if (array->sync_event != NULL && sync_event == NULL) {
    return zcx_error_fail(err, ENOTSUP,
                          "import device array: the producer set a sync event and the caller "
                          "did not take it");
  }
  zcx_device_t dev = {array->device_type, array->device_id < 0 ? 0 : (int32_t)array->device_id};
  void* event = array->sync_event;
  ZCX_RETURN_IF_ERROR(zcxi_cdata_import_array(&array->array, type, level, dev, out, err));
  if (sync_event != NULL) {
    *sync_event = event;
  }
  return 0;
}
