/* edgec portable kernels: SOFTMAX with int8 input (TFLite fixed-point exp and reciprocal). */
#ifndef EDGEC_SOFTMAX_H
#define EDGEC_SOFTMAX_H

#include "edgec_types.h"

/*
 * num_rows rows of row_size; mult and shift (the input left shift) rescale a difference to the row
 * maximum into Q5.26; differences below diff_min give the minimum output. Arguments as arm_softmax_s8.
 */
edgec_status edgec_softmax_s8(const int8_t *input, int32_t num_rows, int32_t row_size, int32_t mult,
                              int32_t shift, int32_t diff_min, int8_t *output);

/* The same with int16 output (scale 1/65536, zero point -32768). */
edgec_status edgec_softmax_s8_s16(const int8_t *input, int32_t num_rows, int32_t row_size, int32_t mult,
                                  int32_t shift, int32_t diff_min, int16_t *output);

#endif /* EDGEC_SOFTMAX_H */
