/*
 * edgec portable kernels: SVDF, one time step, int8 input/output with an int16 state and int16 time
 * weights (edgec_svdf_state_s16_s8) or an int8 state and int8 time weights (edgec_svdf_s8). The
 * caller owns the state [batches, features, time] and keeps it across steps. No scratch buffer.
 */
#ifndef EDGEC_SVDF_H
#define EDGEC_SVDF_H

#include "edgec_types.h"

typedef struct {
    int32_t rank;
    int32_t input_offset;  /* input zero point */
    int32_t output_offset; /* output zero point */
    edgec_activation input_activation;
    edgec_activation output_activation;
    edgec_per_tensor_quant input_quant;
    edgec_per_tensor_quant output_quant;
    int32_t batches;
    int32_t input_size;
    int32_t features;
    int32_t time_steps;
} edgec_svdf_params;

/* int16 state and time weights (TFLite's keyword models). */
edgec_status edgec_svdf_state_s16_s8(const edgec_svdf_params *params, const int8_t *input, int16_t *state,
                                     const int8_t *weights_feature, const int16_t *weights_time,
                                     const int32_t *bias, int8_t *output);

edgec_status edgec_svdf_s8(const edgec_svdf_params *params, const int8_t *input, int8_t *state,
                           const int8_t *weights_feature, const int8_t *weights_time, const int32_t *bias,
                           int8_t *output);

/*
 * edgec_svdf_s8 with the input offset folded in by the compiler, as generated code calls it:
 * feature_sums[f] = -input_offset * sum_i weights_feature[f][i] (int32 wrap-around; required), so the
 * feature stage multiplies raw int8 values, four feature rows at a time. Same bytes as edgec_svdf_s8.
 */
edgec_status edgec_svdf_s8_folded(const edgec_svdf_params *params, const int8_t *input, int8_t *state,
                                  const int8_t *weights_feature, const int8_t *weights_time, const int32_t *bias,
                                  const int32_t *feature_sums, int8_t *output);

#endif /* EDGEC_SVDF_H */
