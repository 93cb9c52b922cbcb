/*
 * edgec portable kernels: integer GRU and SimpleRNN. Twin of src/kernels/recurrent.ts; the arithmetic
 * is documented there. Matrix rows use edgec_dot1_s8 (SMLAD on cores with DSP).
 */
#include <string.h>

#include "edgec_dot_s8.h"
#include "edgec_recurrent.h"
#include "edgec_requant.h"

/* Q3.12 pre-activations: sat16(sat16(requant(W x + bx)) + requant(U h + bh)); h int8 or int16 (one non-NULL). */
static void edgec_recurrent_pre(const edgec_recurrent_gate *g, const int8_t *x, const int8_t *h8, const int16_t *h16,
                                int32_t input_size, int32_t hidden_size, int16_t *out)
{
    for (int32_t r = 0; r < hidden_size; r++) {
        const int32_t from_input = edgec_clamp(
            edgec_requantize(edgec_dot1_s8(x, g->input_weights + r * input_size, input_size, g->input_effective_bias[r]),
                             g->input_multiplier, g->input_shift),
            INT16_MIN, INT16_MAX);
        int32_t acc;
        if (h8 != NULL) {
            acc = edgec_dot1_s8(h8, g->hidden_weights + r * hidden_size, hidden_size, g->hidden_effective_bias[r]);
        } else {
            const int8_t *row = g->hidden_weights + r * hidden_size;
            uint32_t sum = (uint32_t)g->hidden_effective_bias[r];
            for (int32_t c = 0; c < hidden_size; c++) {
                sum += (uint32_t)((int32_t)h16[c] * row[c]);
            }
            acc = (int32_t)sum;
        }
        const int32_t from_hidden = edgec_requantize(acc, g->hidden_multiplier, g->hidden_shift);
        out[r] = (int16_t)edgec_clamp(from_input + from_hidden, INT16_MIN, INT16_MAX);
    }
}

static void edgec_gru_gate(const edgec_gru_params *p, int16_t *v)
{
    if (p->hard_sigmoid) {
        for (int32_t j = 0; j < p->hidden_size; j++) {
            const int32_t y = edgec_requantize(v[j], p->hard_sigmoid_multiplier, p->hard_sigmoid_shift) + 16384;
            v[j] = (int16_t)edgec_clamp(y, 0, INT16_MAX);
        }
    } else {
        edgec_activation_s16(v, v, p->hidden_size, 0, EDGEC_LSTM_SIGMOID, p->sigmoid_table);
    }
}

edgec_status edgec_gru_s8(const int8_t *input, int8_t *output, int8_t *hidden_state, const edgec_gru_params *p,
                          void *scratch)
{
    const int32_t H = p->hidden_size;
    const int32_t zp = p->hidden_offset;
    int16_t *z = (int16_t *)scratch;
    int16_t *r = z + H; /* the reset gate, then r o (h - zp) in place */
    int16_t *hh = r + H;
    int8_t *next = (int8_t *)(void *)(hh + H);
    for (int32_t t = 0; t < p->time_steps; t++) {
        const int8_t *x = input + t * p->input_size;
        edgec_recurrent_pre(&p->update_gate, x, hidden_state, NULL, p->input_size, H, z);
        edgec_gru_gate(p, z);
        edgec_recurrent_pre(&p->reset_gate, x, hidden_state, NULL, p->input_size, H, r);
        edgec_gru_gate(p, r);
        for (int32_t j = 0; j < H; j++) {
            r[j] = (int16_t)edgec_requantize(r[j] * (hidden_state[j] - zp), p->gate_product_multiplier,
                                             p->gate_product_shift);
        }
        edgec_recurrent_pre(&p->candidate_gate, x, NULL, r, p->input_size, H, hh);
        edgec_activation_s16(hh, hh, H, 0, EDGEC_LSTM_TANH, p->sigmoid_table);
        for (int32_t j = 0; j < H; j++) {
            const int32_t keep =
                edgec_requantize(z[j] * (hidden_state[j] - zp), p->gate_product_multiplier, p->gate_product_shift);
            const int32_t blend = edgec_requantize((32768 - z[j]) * hh[j], p->blend_multiplier, p->blend_shift);
            next[j] = (int8_t)edgec_clamp(zp + keep + blend, INT8_MIN, INT8_MAX);
        }
        memcpy(hidden_state, next, (size_t)H);
        if (p->return_sequences) {
            memcpy(output + t * H, next, (size_t)H);
        }
    }
    if (!p->return_sequences) {
        memcpy(output, hidden_state, (size_t)H);
    }
    return EDGEC_OK;
}

edgec_status edgec_simple_rnn_s8(const int8_t *input, int8_t *output, int8_t *hidden_state,
                                 const edgec_simple_rnn_params *p, void *scratch)
{
    const int32_t H = p->hidden_size;
    int16_t *pre = (int16_t *)scratch;
    for (int32_t t = 0; t < p->time_steps; t++) {
        edgec_recurrent_pre(&p->gate, input + t * p->input_size, hidden_state, NULL, p->input_size, H, pre);
        edgec_activation_s16(pre, pre, H, 0, EDGEC_LSTM_TANH, p->sigmoid_table);
        for (int32_t j = 0; j < H; j++) {
            const int32_t v = edgec_requantize(pre[j], p->output_multiplier, p->output_shift) + p->hidden_offset;
            hidden_state[j] = (int8_t)edgec_clamp(v, INT8_MIN, INT8_MAX);
        }
        if (p->return_sequences) {
            memcpy(output + t * H, hidden_state, (size_t)H);
        }
    }
    if (!p->return_sequences) {
        memcpy(output, hidden_state, (size_t)H);
    }
    return EDGEC_OK;
}
