/*
 * edgec portable kernels: int16 sigmoid/tanh by table interpolation (TFLite's int16 LOGISTIC/TANH
 * arithmetic). |x| picks two neighbouring nodes, its low bits interpolate between them; the sign
 * folds the result around 1/2 (sigmoid) or 0 (tanh).
 */
#include "edgec_activations_s16.h"
#include "edgec_requant.h"

/* One element: |x| picks two table nodes, its low bits interpolate, the sign folds the result. */
static EDGEC_ALWAYS_INLINE int16_t edgec_sigmoid_tanh_one(int32_t x, int sigmoid, const uint16_t *sigmoid_table)
{
    const uint32_t abs_shift = sigmoid ? 9u : 8u;
    const uint32_t frac_mask = sigmoid ? 0x1ffu : 0xffu;
    const uint32_t max_saturation = sigmoid ? (0x7fffu << 10) : (0xffffu << 8);
    const uint32_t ax = (uint32_t)(x > 0 ? x : -x);
    const uint32_t uh = ax >> abs_shift;
    uint32_t r;
    if (uh >= 255u) {
        r = max_saturation;
    } else {
        const uint32_t ua = sigmoid_table[uh];
        const uint32_t ub = sigmoid_table[uh + 1u];
        r = (ua << abs_shift) + (ax & frac_mask) * (ub - ua);
    }
    if (sigmoid) {
        r = x >= 0 ? r + (1u << 9) : (1u << 25) - r + (1u << 9) - 1u;
        return (int16_t)(r >> 10);
    }
    /* Below zero the folded value is negative: compute it signed, shift arithmetically. */
    const int32_t rs = (int32_t)r;
    return (int16_t)((x >= 0 ? rs - (1 << 23) + (1 << 7) : -rs + (1 << 23) + (1 << 7) - 1) >> 8);
}

/* The loop for one activation, specialised by inlining (type and shift are constant per call site). */
static EDGEC_ALWAYS_INLINE void edgec_activation_scaled_loop(const int16_t *input, int16_t *output, int32_t size,
                                                             int32_t multiplier, int32_t right_shift, int sigmoid,
                                                             const uint16_t *table)
{
    const int32_t rounding = right_shift > 0 ? 1 << (right_shift - 1) : 0;
    for (int32_t i = 0; i < size; i++) {
        /* Arithmetic shift of a possibly negative value, as the reference (checked in edgec_requant.h). */
        output[i] = edgec_sigmoid_tanh_one((input[i] * multiplier + rounding) >> right_shift, sigmoid, table);
    }
}

static EDGEC_ALWAYS_INLINE void edgec_activation_loop(const int16_t *input, int16_t *output, int32_t size,
                                                      int32_t left_shift, int sigmoid, const uint16_t *table)
{
    /* The 3/4 scale stretches the table's range [0, 10.67) over the input's [0, 8) (Q3.12 input). */
    const int32_t multiplier = left_shift < 0 ? 3 : 3 * (1 << left_shift);
    const int32_t abs_left = left_shift < 0 ? -left_shift : 0;
    edgec_activation_scaled_loop(input, output, size, multiplier, abs_left, sigmoid, table);
}

void edgec_activation_s16_scaled(const int16_t *input, int16_t *output, int32_t size, int32_t multiplier,
                                 int32_t right_shift, edgec_activation_s16_type type, const uint16_t *sigmoid_table)
{
    if (type == EDGEC_LSTM_SIGMOID) {
        edgec_activation_scaled_loop(input, output, size, multiplier, right_shift, 1, sigmoid_table);
    } else {
        edgec_activation_scaled_loop(input, output, size, multiplier, right_shift, 0, sigmoid_table);
    }
}

void edgec_activation_s16(const int16_t *input, int16_t *output, int32_t size, int32_t left_shift,
                          edgec_activation_s16_type type, const uint16_t *sigmoid_table)
{
    /* The LSTM gates call with left_shift 0: their own loops, without the rescaling arithmetic's variables. */
    if (type == EDGEC_LSTM_SIGMOID) {
        if (left_shift == 0) {
            edgec_activation_loop(input, output, size, 0, 1, sigmoid_table);
        } else {
            edgec_activation_loop(input, output, size, left_shift, 1, sigmoid_table);
        }
    } else if (left_shift == 0) {
        edgec_activation_loop(input, output, size, 0, 0, sigmoid_table);
    } else {
        edgec_activation_loop(input, output, size, left_shift, 0, sigmoid_table);
    }
}

void edgec_hard_sigmoid_s16(int16_t *values, int32_t size, int32_t multiplier, int32_t shift)
{
    for (int32_t i = 0; i < size; i++) {
        values[i] = (int16_t)edgec_clamp(edgec_requantize(values[i], multiplier, shift) + 16384, 0, INT16_MAX);
    }
}
