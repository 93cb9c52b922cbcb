/* edgec portable kernels: SOFTMAX int16 -> int16 with exp and 1/(1+x) lookup tables (513 entries each). */
#ifndef EDGEC_SOFTMAX_S16_H
#define EDGEC_SOFTMAX_S16_H

#include "edgec_types.h"

/* Arguments as arm_softmax_s16: mult/shift rescale the difference to the row maximum. */
/* int16 SOFTMAX (16x8): output scale 1/32768, zero point 0. */
edgec_status edgec_softmax_s16(const int16_t *input, int32_t num_rows, int32_t row_size, int32_t mult, int32_t shift,
                               const int16_t *exp_lut, const int16_t *one_by_one_lut, int16_t *output);

#endif /* EDGEC_SOFTMAX_S16_H */
