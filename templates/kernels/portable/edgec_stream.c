/* edgec portable kernels: running sums of a streamed global average (see edgec_stream.h). */
#include "edgec_stream.h"
#include "edgec_requant.h"

void edgec_stream_move(int8_t *dst, const int8_t *src, int32_t n)
{
    int32_t i = 0;
#if defined(__GNUC__) && (!defined(__arm__) || defined(__ARM_FEATURE_UNALIGNED))
    /* Forward, two words per pass: each word is read before the store that may overlap it (dst < src). */
    for (; i + 8 <= n; i += 8) {
        uint32_t a;
        uint32_t b;
        __builtin_memcpy(&a, src + i, 4);
        __builtin_memcpy(&b, src + i + 4, 4);
        __builtin_memcpy(dst + i, &a, 4);
        __builtin_memcpy(dst + i + 4, &b, 4);
    }
#endif
    for (; i < n; i++) {
        dst[i] = src[i];
    }
}

void edgec_stream_accumulate_s8(int32_t *sums, const int8_t *frames, int32_t count, int32_t channels, int32_t sign)
{
    for (int32_t f = 0; f < count; f++) {
        const int8_t *frame = frames + f * channels;
        for (int32_t c = 0; c < channels; c++) {
            sums[c] += sign * frame[c];
        }
    }
}

void edgec_stream_accumulate_s16(int32_t *sums, const int16_t *frames, int32_t count, int32_t channels, int32_t sign)
{
    for (int32_t f = 0; f < count; f++) {
        const int16_t *frame = frames + f * channels;
        for (int32_t c = 0; c < channels; c++) {
            sums[c] += sign * frame[c];
        }
    }
}

/* One body for both widths (`wide`: int16, a constant in each caller; the other pointers unused). */
static EDGEC_ALWAYS_INLINE void edgec_stream_mean(int32_t wide, const edgec_stream_mean_params *p, const int32_t *sums,
                                                  const int8_t *in8, const int16_t *in16, int8_t *out8, int16_t *out16)
{
    const int32_t channels = p->channels;
    for (int32_t c = 0; c < channels; c++) {
        int32_t sum = sums[c];
        for (int32_t e = 0; e < 2; e++) {
            for (int32_t f = p->edge_from[e]; f < p->edge_from[e] + p->edge_count[e]; f++) {
                sum += wide ? in16[f * channels + c] : in8[f * channels + c];
            }
        }
        int32_t v;
        if (p->kind == EDGEC_STREAM_MEAN_AVERAGE) {
            v = sum > 0 ? (sum + p->count / 2) / p->count : (sum - p->count / 2) / p->count;
        } else {
            v = edgec_requantize(sum - p->count * p->input_zero_point, p->multiplier, p->shift) + p->output_zero_point;
        }
        v = edgec_clamp(v, p->activation.min, p->activation.max);
        if (wide) {
            out16[c] = (int16_t)v;
        } else {
            out8[c] = (int8_t)v;
        }
    }
}

edgec_status edgec_stream_mean_s8(const edgec_stream_mean_params *params, const int32_t *sums, const int8_t *window, int8_t *output)
{
    edgec_stream_mean(0, params, sums, window, NULL, output, NULL);
    return EDGEC_OK;
}

edgec_status edgec_stream_mean_s16(const edgec_stream_mean_params *params, const int32_t *sums, const int16_t *window, int16_t *output)
{
    edgec_stream_mean(1, params, sums, NULL, window, NULL, output);
    return EDGEC_OK;
}
