/*
 * edgec portable kernels: unidirectional LSTM (TFLite integer arithmetic). One step body serves the
 * int8 and int16 variants (forced inlining specialises it); exactly one of the 8-bit/16-bit pointers
 * is non-NULL. Twin of src/kernels/lstm.ts.
 */
#include <string.h>

#include "edgec_dot_s8.h"
#include "edgec_lstm.h"
#include "edgec_requant.h"

/* dst[b][r] = clamp16(requant(bias[r] + sum_c x[b][c] W[r][c]) + dst[b][r]) for one operand. */
static EDGEC_ALWAYS_INLINE void edgec_lstm_accumulate(const int8_t *x8, const int16_t *x16, const int8_t *w,
                                                      const void *bias, int32_t multiplier, int32_t shift,
                                                      int32_t cols, int32_t rows, int32_t batches, int16_t *dst)
{
    for (int32_t b = 0; b < batches; b++) {
        for (int32_t r = 0; r < rows; r++) {
            const int8_t *row = w + r * cols;
            int32_t q;
            if (x16 != NULL) {
                int64_t acc = ((const int64_t *)bias)[r];
                for (int32_t c = 0; c < cols; c++) {
                    acc += (int32_t)x16[b * cols + c] * row[c];
                }
                q = edgec_requantize_s64(acc, multiplier, shift);
            } else {
                if (r + 4 <= rows) {
                    /* Four rows at a time; the sums wrap on overflow like the reference int32 accumulator. */
                    const int32_t *bias32 = (const int32_t *)bias;
                    int32_t acc4[4] = { bias32[r], bias32[r + 1], bias32[r + 2], bias32[r + 3] };
                    edgec_dot4_s8(x8 + b * cols, row, cols, acc4);
                    for (int32_t k = 0; k < 4; k++) {
                        const int32_t qk = edgec_requantize(acc4[k], multiplier, shift);
                        dst[b * rows + r + k] = (int16_t)edgec_clamp(qk + dst[b * rows + r + k], INT16_MIN, INT16_MAX);
                    }
                    r += 3;
                    continue;
                }
                /* A row left over by the four-row pass (hidden sizes are rarely not a multiple of 4). */
                uint32_t acc = (uint32_t)((const int32_t *)bias)[r];
                for (int32_t c = 0; c < cols; c++) {
                    acc += (uint32_t)((int32_t)x8[b * cols + c] * row[c]);
                }
                q = edgec_requantize((int32_t)acc, multiplier, shift);
            }
            dst[b * rows + r] = (int16_t)edgec_clamp(q + dst[b * rows + r], INT16_MIN, INT16_MAX);
        }
    }
}

static EDGEC_ALWAYS_INLINE void edgec_lstm_gate_values(const int8_t *x8, const int16_t *x16, const int8_t *h8,
                                                       const int16_t *h16, const edgec_lstm_gate *g,
                                                       const edgec_lstm_params *p, int32_t batches, int16_t *out)
{
    memset(out, 0, (size_t)(batches * p->hidden_size) * sizeof(int16_t));
    edgec_lstm_accumulate(x8, x16, g->input_weights, g->input_effective_bias, g->input_multiplier, g->input_shift,
                          p->input_size, p->hidden_size, batches, out);
    if (h8 != NULL || h16 != NULL) {
        edgec_lstm_accumulate(h8, h16, g->hidden_weights, g->hidden_effective_bias, g->hidden_multiplier,
                              g->hidden_shift, p->hidden_size, p->hidden_size, batches, out);
    }
    if (g->activation_type == EDGEC_LSTM_HARD_SIGMOID) {
        edgec_hard_sigmoid_s16(out, batches * p->hidden_size, p->hard_sigmoid_multiplier, p->hard_sigmoid_shift);
    } else {
        edgec_activation_s16(out, out, batches * p->hidden_size, 0, g->activation_type, p->sigmoid_table);
    }
}

/* One time step for `batches` sequences: gates, cell state update, hidden state to out. */
static EDGEC_ALWAYS_INLINE void edgec_lstm_step(const int8_t *x8, const int16_t *x16, const int8_t *h8,
                                                const int16_t *h16, int8_t *o8, int16_t *o16,
                                                const edgec_lstm_params *p, int16_t *temp1, int16_t *temp2,
                                                int16_t *cell, int32_t batches)
{
    const int32_t n = batches * p->hidden_size;
    const int32_t hi = p->cell_clip > 0 ? p->cell_clip : INT16_MAX;
    const int32_t lo = p->cell_clip > 0 ? -p->cell_clip : INT16_MIN;
    edgec_lstm_gate_values(x8, x16, h8, h16, &p->forget_gate, p, batches, temp1);
    for (int32_t i = 0; i < n; i++) {
        cell[i] = (int16_t)edgec_clamp(
            edgec_requantize(temp1[i] * cell[i], p->forget_to_cell_multiplier, p->forget_to_cell_shift), INT16_MIN,
            INT16_MAX);
    }
    edgec_lstm_gate_values(x8, x16, h8, h16, &p->input_gate, p, batches, temp1);
    edgec_lstm_gate_values(x8, x16, h8, h16, &p->cell_gate, p, batches, temp2);
    for (int32_t i = 0; i < n; i++) {
        cell[i] = (int16_t)edgec_clamp(
            edgec_requantize(temp1[i] * temp2[i], p->input_to_cell_multiplier, p->input_to_cell_shift) + cell[i], lo,
            hi);
    }
    edgec_lstm_gate_values(x8, x16, h8, h16, &p->output_gate, p, batches, temp1);
    edgec_activation_s16(cell, temp2, n, p->cell_scale_power + 12, EDGEC_LSTM_TANH, p->sigmoid_table);
    for (int32_t i = 0; i < n; i++) {
        const int32_t v = edgec_requantize(temp1[i] * temp2[i], p->output_multiplier, p->output_shift) + p->output_offset;
        if (o16 != NULL) {
            o16[i] = (int16_t)edgec_clamp(v, INT16_MIN, INT16_MAX);
        } else {
            o8[i] = (int8_t)edgec_clamp(v, INT8_MIN, INT8_MAX);
        }
    }
}

static EDGEC_ALWAYS_INLINE edgec_status edgec_lstm(const int8_t *in8, const int16_t *in16, int8_t *out8,
                                                   int16_t *out16, const edgec_lstm_params *p,
                                                   edgec_lstm_buffers *buf)
{
    const int32_t H = p->hidden_size;
    const int32_t I = p->input_size;
    int8_t *state8 = in16 == NULL ? (int8_t *)buf->hidden_state : NULL;
    int16_t *state16 = in16 != NULL ? (int16_t *)buf->hidden_state : NULL;
    if (buf->hidden_state == NULL) {
        memset(buf->cell_state, 0, (size_t)(p->batch_size * H) * sizeof(int16_t));
    }
    if (p->time_major) {
        const int8_t *h8 = state8;
        const int16_t *h16 = state16;
        for (int32_t t = 0; t < p->time_steps; t++) {
            const int32_t xi = t * p->batch_size * I;
            const int32_t oi = t * p->batch_size * H;
            edgec_lstm_step(in8 ? in8 + xi : NULL, in16 ? in16 + xi : NULL, h8, h16, out8 ? out8 + oi : NULL,
                            out16 ? out16 + oi : NULL, p, buf->temp1, buf->temp2, buf->cell_state, p->batch_size);
            h8 = out8 ? out8 + oi : NULL;
            h16 = out16 ? out16 + oi : NULL;
        }
        if (buf->hidden_state != NULL && p->time_steps > 0) {
            const size_t bytes = (size_t)(p->batch_size * H) * (in16 ? sizeof(int16_t) : sizeof(int8_t));
            memcpy(buf->hidden_state, in16 ? (const void *)h16 : (const void *)h8, bytes);
        }
    } else {
        /* Batch major: each sequence runs on its own, its hidden state a slice of the state buffer. */
        for (int32_t b = 0; b < p->batch_size; b++) {
            const int8_t *h8 = state8 ? state8 + b * H : NULL;
            const int16_t *h16 = state16 ? state16 + b * H : NULL;
            int16_t *cell = buf->cell_state + b * H;
            for (int32_t t = 0; t < p->time_steps; t++) {
                const int32_t at = b * p->time_steps + t;
                edgec_lstm_step(in8 ? in8 + at * I : NULL, in16 ? in16 + at * I : NULL, h8, h16,
                                out8 ? out8 + at * H : NULL, out16 ? out16 + at * H : NULL, p, buf->temp1,
                                buf->temp2, cell, 1);
                h8 = out8 ? out8 + at * H : NULL;
                h16 = out16 ? out16 + at * H : NULL;
            }
            if (buf->hidden_state != NULL && p->time_steps > 0) {
                if (in16) {
                    memcpy(state16 + b * H, h16, (size_t)H * sizeof(int16_t));
                } else {
                    memcpy(state8 + b * H, h8, (size_t)H * sizeof(int8_t));
                }
            }
        }
    }
    return EDGEC_OK;
}

edgec_status edgec_lstm_s8(const int8_t *input, int8_t *output, const edgec_lstm_params *params,
                           edgec_lstm_buffers *buffers)
{
    return edgec_lstm(input, NULL, output, NULL, params, buffers);
}

edgec_status edgec_lstm_s16(const int16_t *input, int16_t *output, const edgec_lstm_params *params,
                            edgec_lstm_buffers *buffers)
{
    return edgec_lstm(NULL, input, NULL, output, params, buffers);
}
