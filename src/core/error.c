// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Status codes and error messages.
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "zcx/core.h"

void zcx_error_init(zcx_error_t* err) {
  if (err != NULL) {
    err->message[0] = '\0';
  }
}

static void error_vset(zcx_error_t* err, const char* fmt, va_list ap) {
  if (err == NULL) {
    return;
  }
  int n = vsnprintf(err->message, sizeof(err->message), fmt, ap);
  if (n < 0) {
    err->message[0] = '\0';
  }
}

void zcx_error_set(zcx_error_t* err, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  error_vset(err, fmt, ap);
  va_end(ap);
}

int zcx_error_fail(zcx_error_t* err, int code, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  error_vset(err, fmt, ap);
  va_end(ap);
  return code;
}

void zcx_error_prefix(zcx_error_t* err, const char* fmt, ...) {
  if (err == NULL) {
    return;
  }
  char prefix[ZCX_ERROR_MESSAGE_SIZE];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(prefix, sizeof(prefix), fmt, ap);
  va_end(ap);
  if (n <= 0) {
    return;
  }
  size_t plen = strlen(prefix);
  size_t mlen = strnlen(err->message, sizeof(err->message) - 1);
  if (plen >= sizeof(err->message) - 1) {
    memcpy(err->message, prefix, sizeof(err->message) - 1);
    err->message[sizeof(err->message) - 1] = '\0';
    return;
  }
  if (plen + mlen > sizeof(err->message) - 1) {
    mlen = sizeof(err->message) - 1 - plen;
  }
  memmove(err->message + plen, err->message, mlen);
  memcpy(err->message, prefix, plen);
  err->message[plen + mlen] = '\0';
}

const char* zcx_error_message(const zcx_error_t* err) { return err == NULL ? "" : err->message; }

const char* zcx_status_name(int status) {
  switch (status) {
    case 0: return "OK";
    case EINVAL: return "EINVAL";
    case ENOMEM: return "ENOMEM";
    case EIO: return "EIO";
    case ENOTSUP: return "ENOTSUP";
    case ERANGE: return "ERANGE";
    case EOVERFLOW: return "EOVERFLOW";
    case ENOENT: return "ENOENT";
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case EAGAIN: return "EAGAIN";
    case EBUSY: return "EBUSY";
    case EEXIST: return "EEXIST";
    case ENODATA: return "ENODATA";
    case EPROTO: return "EPROTO";
    case EBADMSG: return "EBADMSG";
    case ENOSPC: return "ENOSPC";
    case ENODEV: return "ENODEV";
    case ETIMEDOUT: return "ETIMEDOUT";
    case ECANCELED: return "ECANCELED";
    default: return "E?";
  }
}
