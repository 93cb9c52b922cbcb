/* edgec portable kernels: TRANSPOSE (int8, rank 1..4). Output axis i is input axis perm[i]. */
#ifndef EDGEC_TRANSPOSE_H
#define EDGEC_TRANSPOSE_H

#include "edgec_types.h"

/* shape holds `rank` input dimensions, perm `rank` axis indices. */
edgec_status edgec_transpose_s8(const int8_t *input, int8_t *output, const int32_t *shape, const int32_t *perm, int32_t rank);

#endif /* EDGEC_TRANSPOSE_H */
