/* edgec portable kernels: LOGISTIC and TANH (int8). Twin of src/kernels/activations.ts. */
#include "edgec_activations.h"
#include "edgec_fixedpoint.h"
#include "edgec_requant.h"

/* logistic(a) for a in Q4.27, result in Q0.31. */
static int32_t edgec_logistic_q4(int32_t a)
{
    if (a == 0) {
        return 1 << 30;
    }
    const int32_t abs_a = a > 0 ? a : -a;
    const int32_t positive = edgec_one_over_one_plus_x(edgec_exp_on_negative_values(4, -abs_a));
    return a > 0 ? positive : INT32_MAX - positive;
}

/* tanh(a) for a in Q4.27, result in Q0.31: exp(2n) reads the Q4 raw n as Q5. */
static int32_t edgec_tanh_q4(int32_t a)
{
    if (a == 0) {
        return 0;
    }
    const int32_t n = a < 0 ? a : -a;
    const int32_t t = edgec_one_minus_x_over_one_plus_x(edgec_exp_on_negative_values(5, n));
    return a < 0 ? -t : t;
}

static EDGEC_ALWAYS_INLINE edgec_status edgec_lut_activation(int32_t is_tanh, const edgec_lut_activation_params *p,
                                                             const int8_t *input, int8_t *output, int32_t size)
{
    for (int32_t i = 0; i < size; i++) {
        const int32_t x = input[i] - p->input_zero_point;
        int32_t v;
        if (x <= -p->input_range_radius) {
            v = -128;
        } else if (x >= p->input_range_radius) {
            v = 127;
        } else {
            const int32_t q4 = edgec_requantize(x, p->input_multiplier, p->input_left_shift);
            v = is_tanh ? edgec_rdbpot(edgec_tanh_q4(q4), 24) : edgec_rdbpot(edgec_logistic_q4(q4), 23) - 128;
        }
        output[i] = (int8_t)edgec_clamp(v, -128, 127);
    }
    return EDGEC_OK;
}

edgec_status edgec_logistic_s8(const edgec_lut_activation_params *params, const int8_t *input, int8_t *output, int32_t size)
{
    return edgec_lut_activation(0, params, input, output, size);
}

edgec_status edgec_tanh_s8(const edgec_lut_activation_params *params, const int8_t *input, int8_t *output, int32_t size)
{
    return edgec_lut_activation(1, params, input, output, size);
}

edgec_status edgec_table_s8(const int8_t *table, const int8_t *input, int8_t *output, int32_t size)
{
    for (int32_t i = 0; i < size; i++) {
        output[i] = table[(uint8_t)input[i]];
    }
    return EDGEC_OK;
}

edgec_status edgec_leaky_relu_s16(const int16_t *input, int16_t *output, int32_t size, int32_t input_zero_point,
                                  int32_t output_zero_point, int32_t identity_multiplier, int32_t identity_shift,
                                  int32_t alpha_multiplier, int32_t alpha_shift)
{
    const int32_t negative = alpha_multiplier < 0;
    const int32_t alpha_magnitude = negative ? -alpha_multiplier : alpha_multiplier;
    for (int32_t i = 0; i < size; i++) {
        const int32_t x = input[i] - input_zero_point;
        int32_t v = output_zero_point;
        if (x >= 0) {
            v += edgec_requantize(x, identity_multiplier, identity_shift);
        } else {
            const int32_t scaled = edgec_requantize(x, alpha_magnitude, alpha_shift);
            v += negative ? -scaled : scaled;
        }
        output[i] = (int16_t)edgec_clamp(v, INT16_MIN, INT16_MAX);
    }
    return EDGEC_OK;
}
