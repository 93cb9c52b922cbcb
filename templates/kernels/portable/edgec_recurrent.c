/*
 * edgec portable kernels: integer GRU and SimpleRNN, int8 and int16 ("16x8"). Twin of
 * src/kernels/recurrent.ts; the arithmetic is documented there. One body serves both widths (forced
 * inlining specialises it on `wide`); of each 8-bit/16-bit pointer pair only one is used. int8 matrix
 * rows use edgec_dot1_s8 (SMLAD on cores with DSP) with int32 wrap-around; int16 rows accumulate in
 * int64 and requantize with the 64-bit (reduced multiplier) requantization.
 */
#include <string.h>

#include "edgec_dot_s8.h"
#include "edgec_recurrent.h"
#include "edgec_requant.h"

/* bias[r] + sum_c v[c] * row[c], requantized: an int8 operand (int32, wrapping) or an int16 one (int64). */
static EDGEC_ALWAYS_INLINE int32_t edgec_recurrent_product(const int8_t *v8, const int16_t *v16, const int8_t *row,
                                                         int32_t cols, int32_t bias, int32_t multiplier,
                                                         int32_t shift)
{
    if (v8 != NULL) {
        return edgec_requantize(edgec_dot1_s8(v8, row, cols, bias), multiplier, shift);
    }
    int64_t acc = bias;
    for (int32_t c = 0; c < cols; c++) {
        acc += (int32_t)v16[c] * row[c];
    }
    return edgec_requantize_s64(acc, multiplier, shift);
}

/*
 * Q3.12 pre-activations: sat16(sat16(requant(W x + bx)) + requant(U h + bh)). x is int8 or int16;
 * h is int8 or int16 (`wide_h`: an int16 operand also for an int8 layer, the GRU's r o h, which
 * accumulates in int32 like the reference).
 */
static EDGEC_ALWAYS_INLINE void edgec_recurrent_pre(const edgec_recurrent_gate *g, const int8_t *x8, const int16_t *x16,
                                                    const int8_t *h8, const int16_t *h16, int32_t wide_h,
                                                    int32_t input_size, int32_t hidden_size, int16_t *out)
{
    for (int32_t r = 0; r < hidden_size; r++) {
        const int32_t from_input = edgec_clamp(
            edgec_recurrent_product(x8, x16, g->input_weights + r * input_size, input_size, g->input_effective_bias[r],
                                    g->input_multiplier, g->input_shift),
            INT16_MIN, INT16_MAX);
        int32_t from_hidden;
        if (h8 == NULL && !wide_h) {
            /* r o h of an int8 layer: int16 values, int32 sums with wrap-around. */
            const int8_t *row = g->hidden_weights + r * hidden_size;
            uint32_t sum = (uint32_t)g->hidden_effective_bias[r];
            for (int32_t c = 0; c < hidden_size; c++) {
                sum += (uint32_t)((int32_t)h16[c] * row[c]);
            }
            from_hidden = edgec_requantize((int32_t)sum, g->hidden_multiplier, g->hidden_shift);
        } else {
            from_hidden = edgec_recurrent_product(h8, h16, g->hidden_weights + r * hidden_size, hidden_size,
                                                  g->hidden_effective_bias[r], g->hidden_multiplier, g->hidden_shift);
        }
        out[r] = (int16_t)edgec_clamp(from_input + from_hidden, INT16_MIN, INT16_MAX);
    }
}

/*
 * The candidate's Q3.12 pre-activations of a GRU resetting after the recurrent product:
 * sat16(sat16(requant(W x + bx)) + requant(r * sat16(requant(U h + bh)), 2^-15)), r the reset gate (Q0.15).
 */
/* Not inlined: the reset-before loop below stays as it was for the GRUs that do not take this path. */
static EDGEC_NEVER_INLINE void edgec_gru_reset_after(const edgec_gru_params *p, const int8_t *x8, const int16_t *x16,
                                                     const int8_t *h8, const int16_t *h16, const int16_t *r,
                                                     int16_t *out)
{
    const edgec_recurrent_gate *g = &p->candidate_gate;
    const int32_t I = p->input_size;
    const int32_t H = p->hidden_size;
    for (int32_t j = 0; j < H; j++) {
        const int32_t from_input =
            edgec_clamp(edgec_recurrent_product(x8, x16, g->input_weights + j * I, I, g->input_effective_bias[j],
                                                g->input_multiplier, g->input_shift),
                        INT16_MIN, INT16_MAX);
        const int32_t from_hidden =
            edgec_clamp(edgec_recurrent_product(h8, h16, g->hidden_weights + j * H, H, g->hidden_effective_bias[j],
                                                g->hidden_multiplier, g->hidden_shift),
                        INT16_MIN, INT16_MAX);
        const int32_t reset = edgec_requantize(r[j] * from_hidden, p->gate_product_multiplier, p->gate_product_shift);
        out[j] = (int16_t)edgec_clamp(from_input + reset, INT16_MIN, INT16_MAX);
    }
}

static void edgec_gru_gate(const edgec_gru_params *p, int16_t *v)
{
    if (p->hard_sigmoid) {
        edgec_hard_sigmoid_s16(v, p->hidden_size, p->hard_sigmoid_multiplier, p->hard_sigmoid_shift);
    } else {
        edgec_activation_s16(v, v, p->hidden_size, 0, EDGEC_LSTM_SIGMOID, p->sigmoid_table);
    }
}

/* The hidden state h (H values) copied to the output at element `at`. */
static EDGEC_ALWAYS_INLINE void edgec_recurrent_output(int32_t wide, int8_t *out8, int16_t *out16, int32_t at,
                                                       const int8_t *h8, const int16_t *h16, int32_t H)
{
    if (wide) {
        memcpy(out16 + at, h16, (size_t)H * sizeof(int16_t));
    } else {
        memcpy(out8 + at, h8, (size_t)H);
    }
}

/* `wide` (a constant in each caller): the int16 variant, whose 8-bit pointers are NULL (and the reverse). */
static EDGEC_ALWAYS_INLINE void edgec_gru(int32_t wide, const int8_t *in8, const int16_t *in16, int8_t *out8,
                                          int16_t *out16, int8_t *h8, int16_t *h16, const edgec_gru_params *p,
                                          void *scratch)
{
    const int32_t H = p->hidden_size;
    const int32_t I = p->input_size;
    const int32_t zp = p->hidden_offset;
    const int32_t lo = wide ? INT16_MIN : INT8_MIN;
    const int32_t hi = wide ? INT16_MAX : INT8_MAX;
    int16_t *z = (int16_t *)scratch;
    int16_t *r = z + H; /* the reset gate, then r o (h - zp) in place (reset before the product) */
    int16_t *hh = r + H;
    int16_t *next = hh + H;
    for (int32_t t = 0; t < p->time_steps; t++) {
        const int8_t *x8 = wide ? NULL : in8 + t * I;
        const int16_t *x16 = wide ? in16 + t * I : NULL;
        edgec_recurrent_pre(&p->update_gate, x8, x16, h8, h16, 1, I, H, z);
        edgec_gru_gate(p, z);
        edgec_recurrent_pre(&p->reset_gate, x8, x16, h8, h16, 1, I, H, r);
        edgec_gru_gate(p, r);
        if (p->reset_after) {
            edgec_gru_reset_after(p, x8, x16, h8, h16, r, hh);
        } else {
            for (int32_t j = 0; j < H; j++) {
                const int32_t h = wide ? h16[j] : h8[j];
                r[j] = (int16_t)edgec_requantize(r[j] * (h - zp), p->gate_product_multiplier, p->gate_product_shift);
            }
            edgec_recurrent_pre(&p->candidate_gate, x8, x16, NULL, r, wide, I, H, hh);
        }
        edgec_activation_s16(hh, hh, H, 0, EDGEC_LSTM_TANH, p->sigmoid_table);
        for (int32_t j = 0; j < H; j++) {
            const int32_t h = wide ? h16[j] : h8[j];
            const int32_t keep = edgec_requantize(z[j] * (h - zp), p->gate_product_multiplier, p->gate_product_shift);
            const int32_t blend = edgec_requantize((32768 - z[j]) * hh[j], p->blend_multiplier, p->blend_shift);
            next[j] = (int16_t)edgec_clamp(zp + keep + blend, lo, hi);
        }
        for (int32_t j = 0; j < H; j++) {
            if (wide) {
                h16[j] = next[j];
            } else {
                h8[j] = (int8_t)next[j];
            }
        }
        if (p->return_sequences) {
            edgec_recurrent_output(wide, out8, out16, t * H, h8, h16, H);
        }
    }
    if (!p->return_sequences) {
        edgec_recurrent_output(wide, out8, out16, 0, h8, h16, H);
    }
}

edgec_status edgec_gru_s8(const int8_t *input, int8_t *output, int8_t *hidden_state, const edgec_gru_params *params,
                          void *scratch)
{
    edgec_gru(0, input, NULL, output, NULL, hidden_state, NULL, params, scratch);
    return EDGEC_OK;
}

edgec_status edgec_gru_s16(const int16_t *input, int16_t *output, int16_t *hidden_state,
                           const edgec_gru_params *params, void *scratch)
{
    edgec_gru(1, NULL, input, NULL, output, NULL, hidden_state, params, scratch);
    return EDGEC_OK;
}

static EDGEC_ALWAYS_INLINE void edgec_simple_rnn(int32_t wide, const int8_t *in8, const int16_t *in16, int8_t *out8,
                                                 int16_t *out16, int8_t *h8, int16_t *h16,
                                                 const edgec_simple_rnn_params *p, void *scratch)
{
    const int32_t H = p->hidden_size;
    const int32_t I = p->input_size;
    const int32_t lo = wide ? INT16_MIN : INT8_MIN;
    const int32_t hi = wide ? INT16_MAX : INT8_MAX;
    int16_t *pre = (int16_t *)scratch;
    for (int32_t t = 0; t < p->time_steps; t++) {
        edgec_recurrent_pre(&p->gate, wide ? NULL : in8 + t * I, wide ? in16 + t * I : NULL, h8, h16, 1, I, H, pre);
        edgec_activation_s16(pre, pre, H, 0, EDGEC_LSTM_TANH, p->sigmoid_table);
        for (int32_t j = 0; j < H; j++) {
            const int32_t v = edgec_clamp(edgec_requantize(pre[j], p->output_multiplier, p->output_shift) + p->hidden_offset,
                                          lo, hi);
            if (wide) {
                h16[j] = (int16_t)v;
            } else {
                h8[j] = (int8_t)v;
            }
        }
        if (p->return_sequences) {
            edgec_recurrent_output(wide, out8, out16, t * H, h8, h16, H);
        }
    }
    if (!p->return_sequences) {
        edgec_recurrent_output(wide, out8, out16, 0, h8, h16, H);
    }
}

edgec_status edgec_simple_rnn_s8(const int8_t *input, int8_t *output, int8_t *hidden_state,
                                 const edgec_simple_rnn_params *params, void *scratch)
{
    edgec_simple_rnn(0, input, NULL, output, NULL, hidden_state, NULL, params, scratch);
    return EDGEC_OK;
}

edgec_status edgec_simple_rnn_s16(const int16_t *input, int16_t *output, int16_t *hidden_state,
                                  const edgec_simple_rnn_params *params, void *scratch)
{
    edgec_simple_rnn(1, NULL, input, NULL, output, NULL, hidden_state, params, scratch);
    return EDGEC_OK;
}
