/*
 * edgec portable kernels: the streaming code's own steps (src/lower/stream-plan.ts). A global average
 * over a window kept as per-channel int32 sums of its clean frames: frames are added when they become
 * clean and subtracted when they leave, and each hop finishes like the full model's kernel on the sums
 * plus the window's edge frames. Twin of src/kernels/running-mean.ts.
 */
#ifndef EDGEC_STREAM_H
#define EDGEC_STREAM_H

#include "edgec_types.h"

/* How a global average finishes: as an average pool over the window, or as MEAN with requantization. */
typedef enum {
    EDGEC_STREAM_MEAN_AVERAGE = 0,
    EDGEC_STREAM_MEAN_REQUANTIZE = 1
} edgec_stream_mean_kind;

/*
 * The frames [edge_from[i], edge_from[i] + edge_count[i]) of the window (i < 2) are this hop's edge
 * frames; `count` is the window's frames; average: round half away from zero of sum / count;
 * requantize: requantize(sum - count * input_zero_point) + output_zero_point; then clamped to [min, max].
 */
typedef struct {
    edgec_stream_mean_kind kind;
    int32_t channels;
    int32_t count;
    int32_t edge_from[2];
    int32_t edge_count[2];
    int32_t input_zero_point;
    int32_t output_zero_point;
    int32_t multiplier;
    int32_t shift;
    edgec_activation activation;
} edgec_stream_mean_params;

/*
 * Copies n bytes from src to dst = src - k (k > 0: a window's frames moving towards its start; the
 * ranges may overlap), a word at a time where the core loads unaligned words.
 */
void edgec_stream_move(int8_t *dst, const int8_t *src, int32_t n);

/* sums[c] += sign * frames[f * channels + c] for f < count (sign +1 or -1). */
void edgec_stream_accumulate_s8(int32_t *sums, const int8_t *frames, int32_t count, int32_t channels, int32_t sign);
void edgec_stream_accumulate_s16(int32_t *sums, const int16_t *frames, int32_t count, int32_t channels, int32_t sign);

/* output[c] from sums[c] plus the window's edge frames, finished as params say. */
edgec_status edgec_stream_mean_s8(const edgec_stream_mean_params *params, const int32_t *sums, const int8_t *window, int8_t *output);
edgec_status edgec_stream_mean_s16(const edgec_stream_mean_params *params, const int32_t *sums, const int16_t *window, int16_t *output);

#endif /* EDGEC_STREAM_H */
