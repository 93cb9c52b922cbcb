/* edgec portable kernels: PAD (int8, NHWC). */
#include "edgec_pad.h"

edgec_status edgec_pad_s8(const int8_t *input, int8_t *output, int8_t pad_value,
                          const edgec_dims *input_size, const edgec_dims *pre_pad,
                          const edgec_dims *post_pad)
{
    const int32_t out_n = input_size->n + pre_pad->n + post_pad->n;
    const int32_t out_h = input_size->h + pre_pad->h + post_pad->h;
    const int32_t out_w = input_size->w + pre_pad->w + post_pad->w;
    const int32_t out_c = input_size->c + pre_pad->c + post_pad->c;
    const int32_t total = out_n * out_h * out_w * out_c;
    for (int32_t i = 0; i < total; i++) {
        output[i] = pad_value;
    }
    for (int32_t n = 0; n < input_size->n; n++) {
        for (int32_t h = 0; h < input_size->h; h++) {
            for (int32_t w = 0; w < input_size->w; w++) {
                const int8_t *src = input + ((n * input_size->h + h) * input_size->w + w) * input_size->c;
                int8_t *dst = output +
                    (((n + pre_pad->n) * out_h + h + pre_pad->h) * out_w + w + pre_pad->w) * out_c + pre_pad->c;
                for (int32_t c = 0; c < input_size->c; c++) {
                    dst[c] = src[c];
                }
            }
        }
    }
    return EDGEC_OK;
}
