/* edgec portable kernels: TRANSPOSE (int8). */
#include "edgec_transpose.h"

edgec_status edgec_transpose_s8(const int8_t *input, int8_t *output, const int32_t *shape, const int32_t *perm, int32_t rank)
{
    int32_t in_stride[4];
    int32_t out_shape[4];
    int32_t step[4];
    int32_t idx[4] = { 0, 0, 0, 0 };
    int32_t total = 1;
    if (rank < 1 || rank > 4) {
        return EDGEC_ARG_ERROR;
    }
    in_stride[rank - 1] = 1;
    for (int32_t i = rank - 2; i >= 0; i--) {
        in_stride[i] = in_stride[i + 1] * shape[i + 1];
    }
    for (int32_t i = 0; i < rank; i++) {
        out_shape[i] = shape[perm[i]];
        step[i] = in_stride[perm[i]];
        total *= shape[i];
    }
    int32_t src = 0;
    for (int32_t o = 0; o < total; o++) {
        output[o] = input[src];
        for (int32_t a = rank - 1; a >= 0; a--) {
            idx[a]++;
            src += step[a];
            if (idx[a] < out_shape[a]) {
                break;
            }
            src -= step[a] * out_shape[a];
            idx[a] = 0;
        }
    }
    return EDGEC_OK;
}
