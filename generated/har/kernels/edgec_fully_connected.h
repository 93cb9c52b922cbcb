/* edgec portable kernels: FULLY_CONNECTED (int8). */
#ifndef EDGEC_FULLY_CONNECTED_H
#define EDGEC_FULLY_CONNECTED_H

#include "edgec_types.h"

/* Fields as cmsis_nn_fc_params. */
typedef struct {
    int32_t input_offset;  /* -input zero point */
    int32_t filter_offset; /* -filter zero point (0 for symmetric weights) */
    int32_t output_offset; /* +output zero point */
    edgec_activation activation;
} edgec_fc_params;

/*
 * input [batches][accum_depth], filter [output_depth][accum_depth], bias [output_depth] or NULL.
 * quant holds one (multiplier, shift) when per_channel is 0, else one per output row.
 */
edgec_status edgec_fully_connected_s8(const edgec_fc_params *params, const edgec_per_channel_quant *quant,
                                      int32_t per_channel, int32_t batches, int32_t accum_depth,
                                      int32_t output_depth, const int8_t *input, const int8_t *filter,
                                      const int32_t *bias, int8_t *output);

/* The same with packed int4 weights: element k in byte k >> 1, low nibble for even k. */
/* Conformance only: no lowering produces int4 FULLY_CONNECTED weights yet. */
edgec_status edgec_fully_connected_s4(const edgec_fc_params *params, const edgec_per_channel_quant *quant,
                                      int32_t per_channel, int32_t batches, int32_t accum_depth,
                                      int32_t output_depth, const int8_t *input, const int8_t *filter,
                                      const int32_t *bias, int8_t *output);

/*
 * The int8 product with the input offset folded into the bias by the compiler, as generated code calls
 * it: kernel_sums[r] = bias[r] + input_offset * sum_c filter[r][c] (int32 wrap-around; NULL means all
 * zero), params->input_offset is not read and params->filter_offset must be 0 (symmetric weights). The
 * sums equal those CMSIS-NN's MVE kernels take; the inner loop then multiplies raw int8 values, four
 * rows at a time on cores with DSP. Same bytes as edgec_fully_connected_s8.
 */
edgec_status edgec_fully_connected_s8_folded(const edgec_fc_params *params, const edgec_per_channel_quant *quant,
                                             int32_t per_channel, int32_t batches, int32_t accum_depth,
                                             int32_t output_depth, const int8_t *input, const int8_t *filter,
                                             const int32_t *kernel_sums, int8_t *output);

#endif /* EDGEC_FULLY_CONNECTED_H */
