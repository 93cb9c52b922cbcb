/* edgec portable kernels: SVDF (see edgec_svdf.h and src/kernels/svdf.ts for the steps). */
#include <string.h>

#include "edgec_dot_s8.h"
#include "edgec_requant.h"
#include "edgec_svdf.h"

/* Exactly one of s8/s16 (state) and t8/t16 (time weights) is non-NULL. */
static EDGEC_ALWAYS_INLINE edgec_status edgec_svdf(const edgec_svdf_params *p, const int8_t *input, int8_t *s8, int16_t *s16,
                               const int8_t *wf, const int8_t *t8, const int16_t *t16, const int32_t *bias,
                               int8_t *output)
{
    const int32_t n_state = p->batches * p->features * p->time_steps;
    if (p->rank <= 0 || p->features % p->rank != 0) {
        return EDGEC_ARG_ERROR;
    }
    for (int32_t k = 0; k + 1 < n_state; k++) {
        if (s16 != NULL) {
            s16[k] = s16[k + 1];
        } else {
            s8[k] = s8[k + 1];
        }
    }
    for (int32_t b = 0; b < p->batches; b++) {
        for (int32_t f = 0; f < p->features; f++) {
            int32_t acc = 0;
            for (int32_t i = 0; i < p->input_size; i++) {
                acc += ((int32_t)input[b * p->input_size + i] - p->input_offset) * (int32_t)wf[f * p->input_size + i];
            }
            const int32_t v = edgec_clamp(edgec_requantize(acc, p->input_quant.multiplier, p->input_quant.shift),
                                          p->input_activation.min, p->input_activation.max);
            const int32_t at = (b * p->features + f) * p->time_steps + p->time_steps - 1;
            if (s16 != NULL) {
                s16[at] = (int16_t)v;
            } else {
                s8[at] = (int8_t)v;
            }
        }
    }
    const int32_t units = p->features / p->rank;
    for (int32_t b = 0; b < p->batches; b++) {
        for (int32_t u = 0; u < units; u++) {
            int32_t acc = bias != NULL ? bias[u] : 0;
            for (int32_t f = u * p->rank; f < (u + 1) * p->rank; f++) {
                for (int32_t t = 0; t < p->time_steps; t++) {
                    const int32_t k = (b * p->features + f) * p->time_steps + t;
                    const int32_t w = t16 != NULL ? t16[f * p->time_steps + t] : t8[f * p->time_steps + t];
                    acc += w * (s16 != NULL ? s16[k] : s8[k]);
                }
            }
            const int32_t v = edgec_requantize(acc, p->output_quant.multiplier, p->output_quant.shift) + p->output_offset;
            output[b * units + u] = (int8_t)edgec_clamp(v, p->output_activation.min, p->output_activation.max);
        }
    }
    return EDGEC_OK;
}

edgec_status edgec_svdf_state_s16_s8(const edgec_svdf_params *params, const int8_t *input, int16_t *state,
                                     const int8_t *weights_feature, const int16_t *weights_time,
                                     const int32_t *bias, int8_t *output)
{
    /* With state known non-NULL the compiler drops the int8 state path here (at -O3, GCC otherwise
     * turns that path's shift into a memmove through the NULL pointer and warns). */
    if (state == NULL) {
        return EDGEC_ARG_ERROR;
    }
    return edgec_svdf(params, input, NULL, state, weights_feature, NULL, weights_time, bias, output);
}

edgec_status edgec_svdf_s8(const edgec_svdf_params *params, const int8_t *input, int8_t *state,
                           const int8_t *weights_feature, const int8_t *weights_time, const int32_t *bias,
                           int8_t *output)
{
    return edgec_svdf(params, input, state, NULL, weights_feature, weights_time, NULL, bias, output);
}

edgec_status edgec_svdf_s8_folded(const edgec_svdf_params *p, const int8_t *input, int8_t *state,
                                  const int8_t *weights_feature, const int8_t *weights_time, const int32_t *bias,
                                  const int32_t *feature_sums, int8_t *output)
{
    if (p->rank <= 0 || p->features % p->rank != 0 || feature_sums == NULL) {
        return EDGEC_ARG_ERROR;
    }
    const int32_t n_state = p->batches * p->features * p->time_steps;
    const int32_t t_last = p->time_steps - 1;
    /* The state moves one step back in time; the newest column is written below. */
    memmove(state, state + 1, (size_t)(n_state - 1));
    for (int32_t b = 0; b < p->batches; b++) {
        const int8_t *x = input + b * p->input_size;
        int8_t *newest = state + b * p->features * p->time_steps + t_last;
        for (int32_t f = 0; f < p->features;) {
            /* Four feature rows per pass, then one at a time. */
            int32_t acc[4];
            const int32_t n = p->features - f >= 4 ? 4 : 1;
            if (n == 4) {
                for (int32_t k = 0; k < 4; k++) {
                    acc[k] = feature_sums[f + k];
                }
                edgec_dot4_s8(x, weights_feature + f * p->input_size, p->input_size, acc);
            } else {
                acc[0] = edgec_dot1_s8(x, weights_feature + f * p->input_size, p->input_size, feature_sums[f]);
            }
            for (int32_t k = 0; k < n; k++) {
                const int32_t v = edgec_requantize(acc[k], p->input_quant.multiplier, p->input_quant.shift);
                newest[(f + k) * p->time_steps] = (int8_t)edgec_clamp(v, p->input_activation.min, p->input_activation.max);
            }
            f += n;
        }
    }
    const int32_t units = p->features / p->rank;
    for (int32_t b = 0; b < p->batches; b++) {
        for (int32_t u = 0; u < units; u++) {
            int32_t acc = bias != NULL ? bias[u] : 0;
            /* The unit's rank features are adjacent: one run of rank * time_steps values in both. */
            const int32_t f0 = u * p->rank;
            acc = edgec_dot1_s8(state + (b * p->features + f0) * p->time_steps, weights_time + f0 * p->time_steps,
                                p->rank * p->time_steps, acc);
            const int32_t v = edgec_requantize(acc, p->output_quant.multiplier, p->output_quant.shift) + p->output_offset;
            output[b * units + u] = (int8_t)edgec_clamp(v, p->output_activation.min, p->output_activation.max);
        }
    }
    return EDGEC_OK;
}
