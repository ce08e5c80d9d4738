// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Body buffer compression: LZ4 frames (lz4frame.h) and Zstandard (zstd.h).
#include <lz4frame.h>
#include <zstd.h>

#include <string.h>

#include "ipc/internal.h"

static int lz4_decompress(const uint8_t* src, size_t src_len, uint8_t* dst, size_t dst_len,
                          zcx_error_t* err) {
  LZ4F_dctx* ctx = NULL;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&ctx, LZ4F_VERSION))) {
    return zcx_error_fail(err, ENOMEM, "lz4: cannot create a decompression context");
  }
  size_t in_done = 0;
  size_t out_done = 0;
  int rc = 0;
  for (;;) {
    size_t in_n = src_len - in_done;
    size_t out_n = dst_len - out_done;
    size_t hint = LZ4F_decompress(ctx, dst + out_done, &out_n, src + in_done, &in_n, NULL);
    if (LZ4F_isError(hint)) {
      rc = zcx_error_fail(err, EINVAL, "lz4: corrupt frame: %s", LZ4F_getErrorName(hint));
      break;
    }
    in_done += in_n;
    out_done += out_n;
    if (hint == 0) {
      // Frame complete: it must have filled the output exactly.
      if (out_done != dst_len) {
        rc = zcx_error_fail(err, EINVAL,
                            "lz4: decompressed size %zu does not match the declared %zu",
                            out_done, dst_len);
      }
      break;
    }
    if (in_n == 0 && out_n == 0) {
      if (out_done == dst_len) {
        rc = zcx_error_fail(err, EINVAL,
                            "lz4: decompressed data is larger than the declared %zu bytes",
                            dst_len);
      } else {
        rc = zcx_error_fail(err, EINVAL, "lz4: truncated frame (%zu of %zu bytes)", out_done,
                            dst_len);
      }
      break;
    }
  }
  LZ4F_freeDecompressionContext(ctx);
  return rc;
}

static int zstd_decompress(const uint8_t* src, size_t src_len, uint8_t* dst, size_t dst_len,
                           zcx_error_t* err) {
  size_t n = ZSTD_decompress(dst, dst_len, src, src_len);
  if (ZSTD_isError(n)) {
    return zcx_error_fail(err, EINVAL, "zstd: %s (declared %zu bytes)", ZSTD_getErrorName(n),
                          dst_len);
  }
  if (n != dst_len) {
    return zcx_error_fail(err, EINVAL, "zstd: decompressed size %zu does not match the declared %zu",
                          n, dst_len);
  }
  return 0;
}

int zcxi_ipc_decompress(int codec, const uint8_t* src, size_t src_len, uint8_t* dst,
                        size_t dst_len, zcx_error_t* err) {
  switch (codec) {
    case ZCXI_FB_CODEC_LZ4_FRAME:
      return lz4_decompress(src, src_len, dst, dst_len, err);
    case ZCXI_FB_CODEC_ZSTD:
      return zstd_decompress(src, src_len, dst, dst_len, err);
    default:
      return zcx_error_fail(err, EINVAL, "unknown compression codec %d", codec);
  }
}

size_t zcxi_ipc_compress_bound(int codec, size_t n) {
  if (codec == ZCXI_FB_CODEC_LZ4_FRAME) {
    LZ4F_preferences_t prefs;
    memset(&prefs, 0, sizeof(prefs));
    prefs.frameInfo.contentSize = n;
    return LZ4F_compressFrameBound(n, &prefs);
  }
  return ZSTD_compressBound(n);
}

int zcxi_ipc_compress(int codec, int level, const uint8_t* src, size_t n, uint8_t* dst,
                      size_t cap, size_t* written, zcx_error_t* err) {
  if (codec == ZCXI_FB_CODEC_LZ4_FRAME) {
    LZ4F_preferences_t prefs;
    memset(&prefs, 0, sizeof(prefs));
    prefs.frameInfo.contentSize = n;
    prefs.compressionLevel = level;
    size_t r = LZ4F_compressFrame(dst, cap, src, n, &prefs);
    if (LZ4F_isError(r)) {
      return zcx_error_fail(err, EIO, "lz4: compression failed: %s", LZ4F_getErrorName(r));
    }
    *written = r;
    return 0;
  }
  if (codec == ZCXI_FB_CODEC_ZSTD) {
    size_t r = ZSTD_compress(dst, cap, src, n, level == 0 ? ZSTD_CLEVEL_DEFAULT : level);
    if (ZSTD_isError(r)) {
      return zcx_error_fail(err, EIO, "zstd: compression failed: %s", ZSTD_getErrorName(r));
    }
    *written = r;
    return 0;
  }
  return zcx_error_fail(err, EINVAL, "unknown compression codec %d", codec);
}
