/* edgec portable kernels: ADD (int8). */
#include "edgec_add.h"
#include "edgec_requant.h"

edgec_status edgec_add_s8(const int8_t *input_1, const int8_t *input_2, int32_t input_1_offset,
                          int32_t input_1_mult, int32_t input_1_shift, int32_t input_2_offset,
                          int32_t input_2_mult, int32_t input_2_shift, int32_t left_shift, int8_t *output,
                          int32_t output_offset, int32_t output_mult, int32_t output_shift,
                          int32_t activation_min, int32_t activation_max, int32_t block_size)
{
    for (int32_t i = 0; i < block_size; i++) {
        const int32_t a = (int32_t)((uint32_t)(input_1[i] + input_1_offset) << left_shift);
        const int32_t b = (int32_t)((uint32_t)(input_2[i] + input_2_offset) << left_shift);
        const int32_t sum = edgec_requantize(a, input_1_mult, input_1_shift) + edgec_requantize(b, input_2_mult, input_2_shift);
        const int32_t v = edgec_requantize(sum, output_mult, output_shift) + output_offset;
        output[i] = (int8_t)edgec_clamp(v, activation_min, activation_max);
    }
    return EDGEC_OK;
}

edgec_status edgec_add_s16(const int16_t *input_1, const int16_t *input_2, int32_t input_1_offset,
                           int32_t input_1_mult, int32_t input_1_shift, int32_t input_2_offset,
                           int32_t input_2_mult, int32_t input_2_shift, int32_t left_shift, int16_t *output,
                           int32_t output_offset, int32_t output_mult, int32_t output_shift,
                           int32_t activation_min, int32_t activation_max, int32_t block_size)
{
    for (int32_t i = 0; i < block_size; i++) {
        const int32_t a = (int32_t)((uint32_t)(input_1[i] + input_1_offset) << left_shift);
        const int32_t b = (int32_t)((uint32_t)(input_2[i] + input_2_offset) << left_shift);
        const int32_t sum = edgec_requantize(a, input_1_mult, input_1_shift) + edgec_requantize(b, input_2_mult, input_2_shift);
        const int32_t v = edgec_requantize(sum, output_mult, output_shift) + output_offset;
        output[i] = (int16_t)edgec_clamp(v, activation_min, activation_max);
    }
    return EDGEC_OK;
}

edgec_status edgec_mul_s8(const int8_t *input_1, const int8_t *input_2, int32_t input_1_offset,
                          int32_t input_2_offset, int8_t *output, int32_t output_offset, int32_t output_mult,
                          int32_t output_shift, int32_t activation_min, int32_t activation_max, int32_t block_size)
{
    for (int32_t i = 0; i < block_size; i++) {
        const int32_t prod = (input_1[i] + input_1_offset) * (input_2[i] + input_2_offset);
        const int32_t v = edgec_requantize(prod, output_mult, output_shift) + output_offset;
        output[i] = (int8_t)edgec_clamp(v, activation_min, activation_max);
    }
    return EDGEC_OK;
}

edgec_status edgec_mul_s16(const int16_t *input_1, const int16_t *input_2, int32_t input_1_offset,
                           int32_t input_2_offset, int16_t *output, int32_t output_offset, int32_t output_mult,
                           int32_t output_shift, int32_t activation_min, int32_t activation_max, int32_t block_size)
{
    for (int32_t i = 0; i < block_size; i++) {
        const int32_t prod = (input_1[i] + input_1_offset) * (input_2[i] + input_2_offset);
        const int32_t v = edgec_requantize(prod, output_mult, output_shift) + output_offset;
        output[i] = (int16_t)edgec_clamp(v, activation_min, activation_max);
    }
    return EDGEC_OK;
}
