// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The zcx authors
//
// Demo step "dlpack": the Arrow columns go out as DLPack tensors (1.x and legacy) and come back
// in, without a copy, against copying each column into a fresh malloc'ed array; x, y and z
// form one {n, 3} tensor because the conversion put them side by side.
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "demo.h"
#include "zcx/buffer.h"
#include "zcx/dlpack.h"
#include "zcx/tensor.h"

// The producer's tensor of column i: a view of the column, or with force_copy a copy of it.
static int column_tensor(zcxt_demo_ctx_t* ctx, int i, zcx_tensor_t** out, zcx_error_t* err) {
  zcx_array_t* col = ctx->batch->columns[i];
  if (!ctx->force_copy) {
    return zcx_array_to_tensor(col, 0, NULL, out, err);
  }
  zcx_buffer_t* copy = NULL;
  int64_t bytes = col->length * zcxt_demo_column_width(i);
  ZCX_RETURN_IF_ERROR(
      zcx_buffer_copy_from(ctx->mr, zcxt_demo_column_data(col, i), bytes, &copy, err));
  zcx_dtype_t dt = i == 0   ? zcx_dtype_make(ZCX_DTYPE_INT, 64)
                   : i == 1 ? zcx_dtype_make(ZCX_DTYPE_INT, 32)
                            : zcx_dtype_make(ZCX_DTYPE_FLOAT, 32);
  int64_t shape[1] = {col->length};
  int rc = zcx_tensor_create(copy, zcx_buffer_data(copy), dt, 1, shape, NULL, ZCX_TENSOR_COPIED,
                             out, err);
  zcx_buffer_release(copy);
  return rc;
}

// One exchange: export as DLPack (versioned or legacy), import on the consumer's side.
static int exchange(zcx_tensor_t* t, bool legacy, zcx_tensor_t** back, zcx_error_t* err) {
  if (legacy) {
    DLManagedTensor* m = NULL;
    ZCX_RETURN_IF_ERROR(zcx_dlpack_export_legacy(t, &m, err));
    int rc = zcx_dlpack_import_legacy(m, back, err);
    if (rc != 0 && m->deleter != NULL) {
      m->deleter(m);
    }
    return rc;
  }
  DLManagedTensorVersioned* m = NULL;
  ZCX_RETURN_IF_ERROR(zcx_dlpack_export(t, &m, err));
  int rc = zcx_dlpack_import(m, back, err);
  if (rc != 0 && m->deleter != NULL) {
    m->deleter(m);
  }
  return rc;
}

// The usual way: each column copied into a fresh malloc'ed array for the consumer.
static double usual_copies(const zcx_batch_t* b, double* check) {
  double t0 = zcxt_demo_now();
  void* copies[ZCXT_DEMO_COLUMNS] = {NULL};
  bool ok = true;
  for (int i = 0; i < ZCXT_DEMO_COLUMNS; i++) {
    size_t bytes = (size_t)(b->columns[i]->length * zcxt_demo_column_width(i));
    copies[i] = malloc(bytes);
    if (copies[i] == NULL) {
      ok = false;
      break;
    }
    memcpy(copies[i], zcxt_demo_column_data(b->columns[i], i), bytes);
  }
  double s = zcxt_demo_now() - t0;
  if (ok) {
    *check = zcxt_demo_column_sum(2, copies[2], b->num_rows);
  }
  for (int i = 0; i < ZCXT_DEMO_COLUMNS; i++) {
    free(copies[i]);
  }
  return ok ? s : -1;
}

int zcxt_demo_dlpack(zcxt_demo_ctx_t* ctx, zcxt_demo_result_t* result, char* summary,
                     size_t summary_size, zcx_error_t* err) {
  FILE* out = ctx->out;
  ZCX_RETURN_IF_ERROR(zcxt_demo_ensure_batch(ctx, err));
  fprintf(out,
          "Each column is exported as a DLPack tensor (1.x and the legacy struct that NumPy\n"
          "and PyTorch 1.x speak) and imported again on the consumer's side: a pointer and\n"
          "a reference change hands, never the bytes.\n");
  const zcx_batch_t* b = ctx->batch;
  int rc = 0;
  int64_t shared = 0;
  for (int i = 0; i < ZCXT_DEMO_COLUMNS && rc == 0; i++) {
    for (int legacy = 0; legacy < 2 && rc == 0; legacy++) {
      zcx_tensor_t* t = NULL;
      zcx_tensor_t* back = NULL;
      rc = column_tensor(ctx, i, &t, err);
      if (rc == 0) {
        rc = exchange(t, legacy != 0, &back, err);
      }
      if (rc == 0) {
        char what[96];
        snprintf(what, sizeof(what), "column '%s' through %s", zcxt_demo_column_names[i],
                 legacy ? "DLManagedTensor" : "DLManagedTensorVersioned");
        zcxt_demo_prove_same(result, what, (uintptr_t)zcxt_demo_column_data(b->columns[i], i),
                             (uintptr_t)zcx_tensor_data(back));
        if (!legacy) {
          shared += zcx_tensor_nbytes(back);
        }
      }
      zcx_tensor_release(back);
      zcx_tensor_release(t);
    }
  }
  if (rc != 0) {
    return rc;
  }

  // x, y, z lie at equal distances in one block: one column-major {n, 3} matrix.
  int32_t xyz[3] = {2, 3, 4};
  zcx_tensor_t* m = NULL;
  rc = zcx_layout_columns_tensor(b, xyz, 3, &m, err);
  if (rc == 0) {
    const int64_t* st = zcx_tensor_strides(m);
    zcxt_demo_prove_same(result, "x, y, z as one {n, 3} tensor",
                         (uintptr_t)zcxt_demo_column_data(b->columns[2], 2),
                         (uintptr_t)zcx_tensor_data(m));
    zcxt_demo_prove(result, "its columns are the y and z columns",
                    st[0] == 1 &&
                        (uintptr_t)zcx_tensor_data(m) + (uintptr_t)(st[1] * 4) ==
                            (uintptr_t)zcxt_demo_column_data(b->columns[3], 3) &&
                        (uintptr_t)zcx_tensor_data(m) + (uintptr_t)(st[1] * 8) ==
                            (uintptr_t)zcxt_demo_column_data(b->columns[4], 4),
                    "shape {%lld, %lld}, strides {%lld, %lld} elements",
                    (long long)zcx_tensor_shape(m)[0], (long long)zcx_tensor_shape(m)[1],
                    (long long)st[0], (long long)st[1]);
    zcx_tensor_release(m);
  } else if (rc == ENOTSUP) {
    fprintf(out, "  (x, y, z as one tensor: %s)\n", err->message);
    rc = 0;
  } else {
    return rc;
  }

  // Times: every column out and back in, many times over, against one copy of each.
  int iters = ctx->quick ? 100 : 2000;
  double t0 = zcxt_demo_now();
  for (int k = 0; k < iters && rc == 0; k++) {
    for (int i = 0; i < ZCXT_DEMO_COLUMNS && rc == 0; i++) {
      zcx_tensor_t* t = NULL;
      zcx_tensor_t* back = NULL;
      rc = zcx_array_to_tensor(b->columns[i], 0, NULL, &t, err);
      if (rc == 0) {
        rc = exchange(t, false, &back, err);
      }
      zcx_tensor_release(back);
      zcx_tensor_release(t);
    }
  }
  if (rc != 0) {
    return rc;
  }
  result->zcx_s = (zcxt_demo_now() - t0) / iters;
  double check = 0;
  result->usual_s = usual_copies(b, &check);
  if (result->usual_s < 0) {
    return zcx_error_fail(err, ENOMEM, "demo dlpack: malloc of the usual copies failed");
  }
  snprintf(result->zcx_what, sizeof(result->zcx_what),
           "six columns exported and imported as DLPack tensors");
  snprintf(result->usual_what, sizeof(result->usual_what),
           "six columns copied into fresh malloc'ed arrays");
  char sb[32];
  result->shared_bytes = shared;
  snprintf(result->shared, sizeof(result->shared), "%s of columns, as DLPack tensors",
           zcxt_format_bytes((double)shared, sb, sizeof(sb)));
  snprintf(result->copied, sizeof(result->copied), "nothing");
  zcxt_demo_print_times(ctx, result);
  zcxt_demo_print_proofs(ctx, result);
  snprintf(summary, summary_size,
           "6 columns out and in through DLPack in %.1f us (copies: %.2f ms, %.0fx)",
           result->zcx_s * 1e6, result->usual_s * 1e3,
           result->zcx_s > 0 ? result->usual_s / result->zcx_s : 0.0);
  return 0;
}
