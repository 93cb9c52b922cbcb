/*
 * edgec portable kernels: elementwise ADD and MUL (int8, int16). One loop per operation serves both
 * element types (forced inlining specialises it), exactly one of the 8-bit/16-bit pointers non-NULL.
 */
#include "edgec_add.h"
#include "edgec_requant.h"

#define EDGEC_LOAD(p8, p16, i) ((p16) != NULL ? (int32_t)(p16)[i] : (int32_t)(p8)[i])

static EDGEC_ALWAYS_INLINE void edgec_add(const int8_t *a8, const int16_t *a16, const int8_t *b8, const int16_t *b16,
                                          int32_t a_offset, int32_t a_mult, int32_t a_shift, int32_t b_offset,
                                          int32_t b_mult, int32_t b_shift, int32_t left_shift, int8_t *o8, int16_t *o16,
                                          int32_t o_offset, int32_t o_mult, int32_t o_shift, int32_t lo, int32_t hi,
                                          int32_t n)
{
    for (int32_t i = 0; i < n; i++) {
        const int32_t a = (int32_t)((uint32_t)(EDGEC_LOAD(a8, a16, i) + a_offset) << left_shift);
        const int32_t b = (int32_t)((uint32_t)(EDGEC_LOAD(b8, b16, i) + b_offset) << left_shift);
        const int32_t sum = edgec_requantize(a, a_mult, a_shift) + edgec_requantize(b, b_mult, b_shift);
        const int32_t v = edgec_clamp(edgec_requantize(sum, o_mult, o_shift) + o_offset, lo, hi);
        if (o16 != NULL) {
            o16[i] = (int16_t)v;
        } else {
            o8[i] = (int8_t)v;
        }
    }
}

static EDGEC_ALWAYS_INLINE void edgec_mul(const int8_t *a8, const int16_t *a16, const int8_t *b8, const int16_t *b16,
                                          int32_t a_offset, int32_t b_offset, int8_t *o8, int16_t *o16, int32_t o_offset,
                                          int32_t o_mult, int32_t o_shift, int32_t lo, int32_t hi, int32_t n)
{
    for (int32_t i = 0; i < n; i++) {
        const int32_t prod = (EDGEC_LOAD(a8, a16, i) + a_offset) * (EDGEC_LOAD(b8, b16, i) + b_offset);
        const int32_t v = edgec_clamp(edgec_requantize(prod, o_mult, o_shift) + o_offset, lo, hi);
        if (o16 != NULL) {
            o16[i] = (int16_t)v;
        } else {
            o8[i] = (int8_t)v;
        }
    }
}

edgec_status edgec_add_s8(const int8_t *input_1, const int8_t *input_2, int32_t input_1_offset,
                          int32_t input_1_mult, int32_t input_1_shift, int32_t input_2_offset,
                          int32_t input_2_mult, int32_t input_2_shift, int32_t left_shift, int8_t *output,
                          int32_t output_offset, int32_t output_mult, int32_t output_shift,
                          int32_t activation_min, int32_t activation_max, int32_t block_size)
{
    edgec_add(input_1, NULL, input_2, NULL, input_1_offset, input_1_mult, input_1_shift, input_2_offset, input_2_mult,
              input_2_shift, left_shift, output, NULL, output_offset, output_mult, output_shift, activation_min,
              activation_max, block_size);
    return EDGEC_OK;
}

/* One element of the tabulated ADD. Each table entry is below 2^29 in magnitude ((x + offset) < 2^8,
 * shifted by 20, times a multiplier below 1), so the sum can never be INT32_MIN. */
static EDGEC_ALWAYS_INLINE int8_t edgec_add_lut_one(int8_t a, int8_t b, const int32_t *lut_1, const int32_t *lut_2,
                                                    int32_t mult, int32_t left, int32_t right, int32_t offset,
                                                    int32_t lo, int32_t hi)
{
    const int32_t sum = lut_1[(uint8_t)a] + lut_2[(uint8_t)b];
    return (int8_t)edgec_clamp(edgec_requantize_bounded(sum, mult, left, right) + offset, lo, hi);
}

edgec_status edgec_add_s8_lut(const int8_t *input_1, const int8_t *input_2, const int32_t *lut_1, const int32_t *lut_2,
                              int8_t *output, int32_t output_offset, int32_t output_mult, int32_t output_shift,
                              int32_t activation_min, int32_t activation_max, int32_t block_size)
{
    const int32_t left = output_shift > 0 ? output_shift : 0;
    const int32_t right = output_shift > 0 ? 0 : -output_shift;
    int32_t i = 0;
    /* Four elements per iteration: the loop's own compare and branch are paid once per four. */
    for (; i + 4 <= block_size; i += 4) {
        output[i] = edgec_add_lut_one(input_1[i], input_2[i], lut_1, lut_2, output_mult, left, right, output_offset,
                                      activation_min, activation_max);
        output[i + 1] = edgec_add_lut_one(input_1[i + 1], input_2[i + 1], lut_1, lut_2, output_mult, left, right,
                                          output_offset, activation_min, activation_max);
        output[i + 2] = edgec_add_lut_one(input_1[i + 2], input_2[i + 2], lut_1, lut_2, output_mult, left, right,
                                          output_offset, activation_min, activation_max);
        output[i + 3] = edgec_add_lut_one(input_1[i + 3], input_2[i + 3], lut_1, lut_2, output_mult, left, right,
                                          output_offset, activation_min, activation_max);
    }
    for (; i < block_size; i++) {
        output[i] = edgec_add_lut_one(input_1[i], input_2[i], lut_1, lut_2, output_mult, left, right, output_offset,
                                      activation_min, activation_max);
    }
    return EDGEC_OK;
}

edgec_status edgec_add_s16(const int16_t *input_1, const int16_t *input_2, int32_t input_1_offset,
                           int32_t input_1_mult, int32_t input_1_shift, int32_t input_2_offset,
                           int32_t input_2_mult, int32_t input_2_shift, int32_t left_shift, int16_t *output,
                           int32_t output_offset, int32_t output_mult, int32_t output_shift,
                           int32_t activation_min, int32_t activation_max, int32_t block_size)
{
    edgec_add(NULL, input_1, NULL, input_2, input_1_offset, input_1_mult, input_1_shift, input_2_offset, input_2_mult,
              input_2_shift, left_shift, NULL, output, output_offset, output_mult, output_shift, activation_min,
              activation_max, block_size);
    return EDGEC_OK;
}

edgec_status edgec_mul_s8(const int8_t *input_1, const int8_t *input_2, int32_t input_1_offset,
                          int32_t input_2_offset, int8_t *output, int32_t output_offset, int32_t output_mult,
                          int32_t output_shift, int32_t activation_min, int32_t activation_max, int32_t block_size)
{
    edgec_mul(input_1, NULL, input_2, NULL, input_1_offset, input_2_offset, output, NULL, output_offset, output_mult,
              output_shift, activation_min, activation_max, block_size);
    return EDGEC_OK;
}

edgec_status edgec_mul_s16(const int16_t *input_1, const int16_t *input_2, int32_t input_1_offset,
                           int32_t input_2_offset, int16_t *output, int32_t output_offset, int32_t output_mult,
                           int32_t output_shift, int32_t activation_min, int32_t activation_max, int32_t block_size)
{
    edgec_mul(NULL, input_1, NULL, input_2, input_1_offset, input_2_offset, NULL, output, output_offset, output_mult,
              output_shift, activation_min, activation_max, block_size);
    return EDGEC_OK;
}
