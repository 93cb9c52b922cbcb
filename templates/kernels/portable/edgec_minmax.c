/* edgec portable kernels: MAXIMUM and MINIMUM (int8, broadcasting). */
#include "edgec_minmax.h"

static int32_t edgec_bcast_index(const edgec_dims *d, int32_t n, int32_t h, int32_t w, int32_t c)
{
    return (((d->n == 1 ? 0 : n) * d->h + (d->h == 1 ? 0 : h)) * d->w + (d->w == 1 ? 0 : w)) * d->c + (d->c == 1 ? 0 : c);
}

static EDGEC_ALWAYS_INLINE edgec_status edgec_minmax_s8(int32_t is_max, const int8_t *a, const edgec_dims *a_dims, const int8_t *b,
                                    const edgec_dims *b_dims, int8_t *output, const edgec_dims *out_dims)
{
    int8_t *out = output;
    for (int32_t n = 0; n < out_dims->n; n++) {
        for (int32_t h = 0; h < out_dims->h; h++) {
            for (int32_t w = 0; w < out_dims->w; w++) {
                for (int32_t c = 0; c < out_dims->c; c++) {
                    const int8_t x = a[edgec_bcast_index(a_dims, n, h, w, c)];
                    const int8_t y = b[edgec_bcast_index(b_dims, n, h, w, c)];
                    *out++ = is_max ? (x > y ? x : y) : (x < y ? x : y);
                }
            }
        }
    }
    return EDGEC_OK;
}

edgec_status edgec_maximum_s8(const int8_t *input_1, const edgec_dims *input_1_dims, const int8_t *input_2,
                              const edgec_dims *input_2_dims, int8_t *output, const edgec_dims *output_dims)
{
    return edgec_minmax_s8(1, input_1, input_1_dims, input_2, input_2_dims, output, output_dims);
}

edgec_status edgec_minimum_s8(const int8_t *input_1, const edgec_dims *input_1_dims, const int8_t *input_2,
                              const edgec_dims *input_2_dims, int8_t *output, const edgec_dims *output_dims)
{
    return edgec_minmax_s8(0, input_1, input_1_dims, input_2, input_2_dims, output, output_dims);
}
