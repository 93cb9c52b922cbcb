/* edgec portable kernels: LOGISTIC and TANH, int8 -> int8 (TFLite Micro semantics). */
#ifndef EDGEC_ACTIVATIONS_H
#define EDGEC_ACTIVATIONS_H

#include "edgec_types.h"

/* Computed by the compiler from the input quantization (see lutActivationParams). */
typedef struct {
    int32_t input_zero_point;
    int32_t input_range_radius;
    int32_t input_multiplier;
    int32_t input_left_shift;
} edgec_lut_activation_params;

/* Output scale 1/256, zero point -128. */
edgec_status edgec_logistic_s8(const edgec_lut_activation_params *params, const int8_t *input, int8_t *output, int32_t size);

/* Output scale 1/128, zero point 0. */
edgec_status edgec_tanh_s8(const edgec_lut_activation_params *params, const int8_t *input, int8_t *output, int32_t size);

#endif /* EDGEC_ACTIVATIONS_H */
