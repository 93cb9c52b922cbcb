/* edgec portable kernels: FULLY_CONNECTED (int8). */
#include "edgec_fully_connected.h"
#include "edgec_requant.h"
#include "edgec_int4.h"


static EDGEC_ALWAYS_INLINE edgec_status edgec_fc_core(const edgec_fc_params *params, const edgec_per_channel_quant *quant,
                                         int32_t per_channel, int32_t batches, int32_t accum_depth,
                                         int32_t output_depth, const int8_t *input, const int8_t *filter,
                                         const int32_t *bias, int8_t *output, int32_t packed4)
{
    for (int32_t b = 0; b < batches; b++) {
        const int8_t *x = input + b * accum_depth;
        for (int32_t c = 0; c < output_depth; c++) {
            const int32_t row = c * accum_depth;
            int32_t acc = 0;
            for (int32_t d = 0; d < accum_depth; d++) {
                acc += (edgec_weight_at(filter, row + d, packed4) + params->filter_offset) * ((int32_t)x[d] + params->input_offset);
            }
            if (bias != NULL) {
                acc += bias[c];
            }
            const int32_t k = per_channel ? c : 0;
            int32_t v = edgec_requantize(acc, quant->multiplier[k], quant->shift[k]) + params->output_offset;
            v = edgec_clamp(v, params->activation.min, params->activation.max);
            output[b * output_depth + c] = (int8_t)v;
        }
    }
    return EDGEC_OK;
}

edgec_status edgec_fully_connected_s8(const edgec_fc_params *params, const edgec_per_channel_quant *quant,
                                      int32_t per_channel, int32_t batches, int32_t accum_depth,
                                      int32_t output_depth, const int8_t *input, const int8_t *filter,
                                      const int32_t *bias, int8_t *output)
{
    return edgec_fc_core(params, quant, per_channel, batches, accum_depth, output_depth, input, filter, bias, output, 0);
}

edgec_status edgec_fully_connected_s4(const edgec_fc_params *params, const edgec_per_channel_quant *quant,
                                      int32_t per_channel, int32_t batches, int32_t accum_depth,
                                      int32_t output_depth, const int8_t *input, const int8_t *filter,
                                      const int32_t *bias, int8_t *output)
{
    return edgec_fc_core(params, quant, per_channel, batches, accum_depth, output_depth, input, filter, bias, output, 1);
}
