/*
 * edgec portable kernels: int16 sigmoid and tanh by interpolation in a 256-node table of sigmoid
 * (0.16 fixed point, step 1/24; tanh(x) = 2 sigmoid(2x) - 1). The table is data computed by the
 * compiler (src/kernels/activations_s16.ts) and passed in. Twin of activationS16.
 */
#ifndef EDGEC_ACTIVATIONS_S16_H
#define EDGEC_ACTIVATIONS_S16_H

#include "edgec_types.h"

typedef enum {
    EDGEC_LSTM_SIGMOID = 0,
    EDGEC_LSTM_TANH = 1,
    EDGEC_LSTM_HARD_SIGMOID = 2 /* tfjs's hard sigmoid: edgec_hard_sigmoid_s16 */
} edgec_activation_s16_type;

/* output[i] = f(input[i] * 2^left_shift) in Q0.15; input and output may be the same buffer. */
void edgec_activation_s16(const int16_t *input, int16_t *output, int32_t size, int32_t left_shift,
                          edgec_activation_s16_type type, const uint16_t *sigmoid_table);

/*
 * int16 LOGISTIC / TANH of 16x8 models (TFLite's general input scale): f((input[i] * multiplier + round)
 * >> right_shift) in Q0.15, multiplier and right_shift from the compiler.
 */
void edgec_activation_s16_scaled(const int16_t *input, int16_t *output, int32_t size, int32_t multiplier,
                                 int32_t right_shift, edgec_activation_s16_type type, const uint16_t *sigmoid_table);

/* tfjs's hard sigmoid of Q3.12 values in place, in Q0.15: clamp(requant(x, 1.6) + 16384, 0, 32767). */
void edgec_hard_sigmoid_s16(int16_t *values, int32_t size, int32_t multiplier, int32_t shift);

#endif /* EDGEC_ACTIVATIONS_S16_H */
