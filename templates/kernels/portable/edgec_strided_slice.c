/* edgec portable kernels: STRIDED_SLICE (int8), twin of src/kernels/strided_slice.ts. */
#include "edgec_strided_slice.h"

edgec_status edgec_strided_copy_s8(const int8_t *input, int32_t start, const int32_t *step, int8_t *output,
                                   const int32_t *out_shape, int32_t rank)
{
    int32_t idx[5] = { 0, 0, 0, 0, 0 };
    int32_t total = 1;
    if (rank < 1 || rank > 5) {
        return EDGEC_ARG_ERROR;
    }
    for (int32_t i = 0; i < rank; i++) {
        total *= out_shape[i];
    }
    int32_t src = start;
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

edgec_status edgec_strided_slice_s8(const int8_t *input, int8_t *output, const int32_t *shape, const int32_t *begin,
                                    const int32_t *strides, const int32_t *out_shape, int32_t rank)
{
    int32_t in_stride[5];
    int32_t step[5];
    if (rank < 1 || rank > 5) {
        return EDGEC_ARG_ERROR;
    }
    in_stride[rank - 1] = 1;
    for (int32_t i = rank - 2; i >= 0; i--) {
        in_stride[i] = in_stride[i + 1] * shape[i + 1];
    }
    int32_t start = 0;
    for (int32_t i = 0; i < rank; i++) {
        step[i] = strides[i] * in_stride[i];
        start += begin[i] * in_stride[i];
    }
    return edgec_strided_copy_s8(input, start, step, output, out_shape, rank);
}
