/* edgec portable kernels: MAX_POOL_2D and AVERAGE_POOL_2D (int8, same quantization in and out). */
#ifndef EDGEC_POOLING_H
#define EDGEC_POOLING_H

#include "edgec_types.h"

/* Fields as cmsis_nn_pool_params. */
typedef struct {
    edgec_tile stride;
    edgec_tile padding; /* top, left */
    edgec_activation activation;
} edgec_pool_params;

/* input/output NHWC; filter_dims uses h and w. Windows are clipped to the input. */
edgec_status edgec_max_pool_s8(const edgec_pool_params *params, const edgec_dims *input_dims, const int8_t *input,
                               const edgec_dims *filter_dims, const edgec_dims *output_dims, int8_t *output);

/* The average of the in-bounds taps, rounded half away from zero. */
edgec_status edgec_avgpool_s8(const edgec_pool_params *params, const edgec_dims *input_dims, const int8_t *input,
                              const edgec_dims *filter_dims, const edgec_dims *output_dims, int8_t *output);

/* int16 versions (same semantics). */
/* int16 pooling (16x8). */
edgec_status edgec_max_pool_s16(const edgec_pool_params *params, const edgec_dims *input_dims, const int16_t *input,
                                const edgec_dims *filter_dims, const edgec_dims *output_dims, int16_t *output);

/* int16 pooling (16x8). */
edgec_status edgec_avgpool_s16(const edgec_pool_params *params, const edgec_dims *input_dims, const int16_t *input,
                               const edgec_dims *filter_dims, const edgec_dims *output_dims, int16_t *output);

#endif /* EDGEC_POOLING_H */
