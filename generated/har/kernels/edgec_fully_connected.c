/* edgec portable kernels: FULLY_CONNECTED (int8). */
#include "edgec_dot_s8.h"
#include "edgec_fully_connected.h"
#include "edgec_int4.h"
#include "edgec_requant.h"


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

/* The folded product, specialised by inlining for per-tensor (one multiplier, hoisted) and per-channel. */
static EDGEC_ALWAYS_INLINE void edgec_fc_folded_core(const edgec_fc_params *params,
                                                     const edgec_per_channel_quant *quant, int32_t per_channel,
                                                     int32_t batches, int32_t accum_depth, int32_t output_depth,
                                                     const int8_t *input, const int8_t *filter,
                                                     const int32_t *kernel_sums, int8_t *output)
{
    const edgec_output_stage o = { quant->multiplier, quant->shift, params->output_offset, params->activation.min,
                                   params->activation.max };
    for (int32_t b = 0; b < batches; b++) {
        const int8_t *x = input + b * accum_depth;
        int8_t *out = output + b * output_depth;
        int32_t r = 0;
        for (; r + 4 <= output_depth; r += 4) {
            int32_t acc[4] = { 0, 0, 0, 0 };
            if (kernel_sums != NULL) {
                for (int32_t k = 0; k < 4; k++) {
                    acc[k] = kernel_sums[r + k];
                }
            }
            edgec_dot4_s8(x, filter + r * accum_depth, accum_depth, acc);
            for (int32_t k = 0; k < 4; k++) {
                out[r + k] = edgec_output_s8(&o, per_channel ? r + k : 0, acc[k]);
            }
        }
        for (; r < output_depth; r++) {
            const int32_t acc = edgec_dot1_s8(x, filter + r * accum_depth, accum_depth, kernel_sums != NULL ? kernel_sums[r] : 0);
            out[r] = edgec_output_s8(&o, per_channel ? r : 0, acc);
        }
    }
}

edgec_status edgec_fully_connected_s8_folded(const edgec_fc_params *params, const edgec_per_channel_quant *quant,
                                             int32_t per_channel, int32_t batches, int32_t accum_depth,
                                             int32_t output_depth, const int8_t *input, const int8_t *filter,
                                             const int32_t *kernel_sums, int8_t *output)
{
    if (params->filter_offset != 0) {
        return EDGEC_ARG_ERROR;
    }
    if (per_channel) {
        edgec_fc_folded_core(params, quant, 1, batches, accum_depth, output_depth, input, filter, kernel_sums, output);
    } else {
        edgec_fc_folded_core(params, quant, 0, batches, accum_depth, output_depth, input, filter, kernel_sums, output);
    }
    return EDGEC_OK;
}
