/* edgec portable kernels: QUANTIZE between integer types (twin of src/kernels/quantize.ts). */
#include "edgec_quantize.h"
#include "edgec_requant.h"

static int32_t edgec_load(const void *p, int32_t bytes, int32_t i)
{
    return bytes == 1 ? ((const int8_t *)p)[i] : ((const int16_t *)p)[i];
}

edgec_status edgec_quantize_int(const void *input, int32_t input_bytes, void *output, int32_t output_bytes, int32_t size,
                                int32_t multiplier, int32_t shift, int32_t input_zero_point, int32_t output_zero_point)
{
    if ((input_bytes != 1 && input_bytes != 2) || (output_bytes != 1 && output_bytes != 2 && output_bytes != 4)) {
        return EDGEC_ARG_ERROR;
    }
    const int64_t lo = output_bytes == 1 ? INT8_MIN : output_bytes == 2 ? INT16_MIN : INT32_MIN;
    const int64_t hi = output_bytes == 1 ? INT8_MAX : output_bytes == 2 ? INT16_MAX : INT32_MAX;
    for (int32_t i = 0; i < size; i++) {
        /* The zero point is added in 64 bits: an int32 output can take the whole int32 range. */
        int64_t v = (int64_t)edgec_requantize(edgec_load(input, input_bytes, i) - input_zero_point, multiplier, shift) +
                    output_zero_point;
        v = v < lo ? lo : (v > hi ? hi : v);
        if (output_bytes == 1) {
            ((int8_t *)output)[i] = (int8_t)v;
        } else if (output_bytes == 2) {
            ((int16_t *)output)[i] = (int16_t)v;
        } else {
            ((int32_t *)output)[i] = (int32_t)v;
        }
    }
    return EDGEC_OK;
}
