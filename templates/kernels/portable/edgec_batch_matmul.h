/*
 * edgec portable kernels: BATCH_MATMUL with a pre-transposed right-hand side, batch and height
 * broadcast where one side has 1. Dims: lhs [n, h, M, K], rhs [n, h, N, K], output [n, h, M, N].
 */
#ifndef EDGEC_BATCH_MATMUL_H
#define EDGEC_BATCH_MATMUL_H

#include "edgec_types.h"

typedef struct {
    int32_t lhs_offset;
    int32_t rhs_offset;
    int32_t output_offset;
    edgec_activation activation;
} edgec_bmm_params;

/* Conformance only: no lowering produces BATCH_MATMUL yet. */
edgec_status edgec_batch_matmul_s8(const edgec_bmm_params *params, const edgec_per_tensor_quant *quant,
                                   const edgec_dims *lhs_dims, const int8_t *lhs, const edgec_dims *rhs_dims,
                                   const int8_t *rhs, const edgec_dims *output_dims, int8_t *output);

/* Conformance only: no lowering produces BATCH_MATMUL yet. */
edgec_status edgec_batch_matmul_s16(const edgec_bmm_params *params, const edgec_per_tensor_quant *quant,
                                    const edgec_dims *lhs_dims, const int16_t *lhs, const edgec_dims *rhs_dims,
                                    const int16_t *rhs, const edgec_dims *output_dims, int16_t *output);

#endif /* EDGEC_BATCH_MATMUL_H */
