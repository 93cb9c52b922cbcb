/* edgec portable kernels: MAXIMUM and MINIMUM of two int8 NHWC tensors with broadcasting. */
#ifndef EDGEC_MINMAX_H
#define EDGEC_MINMAX_H

#include "edgec_types.h"

/* A dimension of size 1 in an input repeats along the output's. Arguments as arm_maximum_s8. */
/* Conformance only: no lowering produces MAXIMUM yet. */
edgec_status edgec_maximum_s8(const int8_t *input_1, const edgec_dims *input_1_dims, const int8_t *input_2,
                              const edgec_dims *input_2_dims, int8_t *output, const edgec_dims *output_dims);

/* Conformance only: no lowering produces MINIMUM yet. */
edgec_status edgec_minimum_s8(const int8_t *input_1, const edgec_dims *input_1_dims, const int8_t *input_2,
                              const edgec_dims *input_2_dims, int8_t *output, const edgec_dims *output_dims);

#endif /* EDGEC_MINMAX_H */
