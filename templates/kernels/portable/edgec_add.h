/* edgec portable kernels: elementwise ADD, SUB and MUL of two tensors of the same shape (int8, int16). */
#ifndef EDGEC_ADD_H
#define EDGEC_ADD_H

#include "edgec_types.h"

/* Arguments as arm_elementwise_add_s8 (offsets are -zero points for inputs, +zero point for the output). */
/* Conformance only: the interchangeable reference of edgec_add_s8_lut, which generated code calls. */
edgec_status edgec_add_s8(const int8_t *input_1, const int8_t *input_2, int32_t input_1_offset,
                          int32_t input_1_mult, int32_t input_1_shift, int32_t input_2_offset,
                          int32_t input_2_mult, int32_t input_2_shift, int32_t left_shift, int8_t *output,
                          int32_t output_offset, int32_t output_mult, int32_t output_shift,
                          int32_t activation_min, int32_t activation_max, int32_t block_size);

/*
 * int8 ADD with each input's rescaling precomputed by the compiler for all 256 byte values
 * (lut_k[(uint8_t)x] = input k's offset, shift and requantization of x): two loads replace two
 * requantizations per element, with the same bytes as edgec_add_s8. int8 SUB is this call with
 * lut_2 negated (TFLite's SUB subtracts the rescaled second input).
 */
edgec_status edgec_add_s8_lut(const int8_t *input_1, const int8_t *input_2, const int32_t *lut_1, const int32_t *lut_2,
                              int8_t *output, int32_t output_offset, int32_t output_mult, int32_t output_shift,
                              int32_t activation_min, int32_t activation_max, int32_t block_size);

/* int16 ADD of 16x8 models (left shift 15, as TFLite Micro's). */
edgec_status edgec_add_s16(const int16_t *input_1, const int16_t *input_2, int32_t input_1_offset,
                           int32_t input_1_mult, int32_t input_1_shift, int32_t input_2_offset,
                           int32_t input_2_mult, int32_t input_2_shift, int32_t left_shift, int16_t *output,
                           int32_t output_offset, int32_t output_mult, int32_t output_shift,
                           int32_t activation_min, int32_t activation_max, int32_t block_size);

/* Arguments as arm_elementwise_mul_s8 / _s16. */
edgec_status edgec_mul_s8(const int8_t *input_1, const int8_t *input_2, int32_t input_1_offset,
                          int32_t input_2_offset, int8_t *output, int32_t output_offset, int32_t output_mult,
                          int32_t output_shift, int32_t activation_min, int32_t activation_max, int32_t block_size);

/* Conformance only: no lowering produces int16 MUL yet. */
edgec_status edgec_mul_s16(const int16_t *input_1, const int16_t *input_2, int32_t input_1_offset,
                           int32_t input_2_offset, int16_t *output, int32_t output_offset, int32_t output_mult,
                           int32_t output_shift, int32_t activation_min, int32_t activation_max, int32_t block_size);

#endif /* EDGEC_ADD_H */
