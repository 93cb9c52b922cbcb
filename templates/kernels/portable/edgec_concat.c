/* edgec portable kernels: CONCATENATION (int8). */
#include "edgec_concat.h"

edgec_status edgec_concat_s8(const int8_t *const *inputs, const int32_t *axis_sizes, int32_t num_inputs,
                             int32_t outer, int32_t inner, int8_t *output)
{
    int8_t *dst = output;
    for (int32_t o = 0; o < outer; o++) {
        for (int32_t i = 0; i < num_inputs; i++) {
            const int32_t run = axis_sizes[i] * inner;
            const int8_t *src = inputs[i] + o * run;
            for (int32_t k = 0; k < run; k++) {
                dst[k] = src[k];
            }
            dst += run;
        }
    }
    return EDGEC_OK;
}
