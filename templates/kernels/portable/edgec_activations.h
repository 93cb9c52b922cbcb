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

/*
 * Any int8 -> int8 function of one element as a 256-entry table computed by the compiler
 * (table[(uint8_t)x]): generated models run LOGISTIC and TANH this way, with the same bytes as the
 * arithmetic kernels above (which the simulator and the conformance tests use).
 */
edgec_status edgec_table_s8(const int8_t *table, const int8_t *input, int8_t *output, int32_t size);

/*
 * int16 LEAKY_RELU of 16x8 models (TFLite's QuantizeLeakyRelu): x - zp_in requantized by the identity
 * multiplier when >= 0, by alpha's otherwise (a negative alpha multiplier negates the result), plus
 * zp_out, clamped to int16.
 */
edgec_status edgec_leaky_relu_s16(const int16_t *input, int16_t *output, int32_t size, int32_t input_zero_point,
                                  int32_t output_zero_point, int32_t identity_multiplier, int32_t identity_shift,
                                  int32_t alpha_multiplier, int32_t alpha_shift);

#endif /* EDGEC_ACTIVATIONS_H */
