/*
 * edgec portable kernels: integer GRU (edgec_gru_s8/_s16) and SimpleRNN (edgec_simple_rnn_s8/_s16),
 * int8 or int16 input and hidden state, int8 weights, int16 gates. TFLite has no GRU; the arithmetic follows its integer
 * LSTM's and is documented in src/kernels/recurrent.ts (the TS twin) and docs/recurrent-arithmetic.md.
 *
 * One sequence [time_steps, input_size] per call (batch 1). hidden_state (hidden_size values, kept by
 * the caller) is read at the first step and holds the last step's hidden state on return. The output
 * is every step's hidden state [time_steps, hidden_size], or the last one [hidden_size].
 */
#ifndef EDGEC_RECURRENT_H
#define EDGEC_RECURRENT_H

#include "edgec_activations_s16.h"
#include "edgec_types.h"

typedef struct {
    const int8_t *input_weights;        /* [hidden_size, input_size] */
    const int32_t *input_effective_bias; /* bias + input_offset * row sums */
    int32_t input_multiplier;
    int32_t input_shift;
    const int8_t *hidden_weights;        /* [hidden_size, hidden_size] */
    const int32_t *hidden_effective_bias; /* -hidden zero point * row sums, or zeros */
    int32_t hidden_multiplier;
    int32_t hidden_shift;
} edgec_recurrent_gate;

typedef struct {
    int32_t time_steps;
    int32_t input_size;
    int32_t hidden_size;
    int32_t hidden_offset; /* +hidden state zero point */
    int32_t return_sequences;
    int32_t reset_after;  /* 1: r multiplies the candidate's recurrent product, requantized to Q3.12 (Keras reset_after) */
    int32_t hard_sigmoid; /* 1: gates use clamp(requant(x, 1.6) + 16384, 0, 32767); 0: the int16 sigmoid */
    int32_t hard_sigmoid_multiplier;
    int32_t hard_sigmoid_shift;
    int32_t gate_product_multiplier; /* 2^-15 */
    int32_t gate_product_shift;
    int32_t blend_multiplier; /* 2^-30 / hidden scale */
    int32_t blend_shift;
    edgec_recurrent_gate update_gate;
    edgec_recurrent_gate reset_gate;
    edgec_recurrent_gate candidate_gate;
    const uint16_t *sigmoid_table;
} edgec_gru_params;

typedef struct {
    int32_t time_steps;
    int32_t input_size;
    int32_t hidden_size;
    int32_t hidden_offset;
    int32_t return_sequences;
    int32_t output_multiplier; /* 2^-15 / hidden scale */
    int32_t output_shift;
    edgec_recurrent_gate gate;
    const uint16_t *sigmoid_table;
} edgec_simple_rnn_params;

/* scratch: EDGEC_GRU_SCRATCH_BYTES(hidden_size) bytes, 2-byte aligned (both widths). */
#define EDGEC_GRU_SCRATCH_BYTES(h) (8 * (h))
edgec_status edgec_gru_s8(const int8_t *input, int8_t *output, int8_t *hidden_state, const edgec_gru_params *params,
                          void *scratch);
edgec_status edgec_gru_s16(const int16_t *input, int16_t *output, int16_t *hidden_state,
                           const edgec_gru_params *params, void *scratch);

/* scratch: EDGEC_SIMPLE_RNN_SCRATCH_BYTES(hidden_size) bytes, 2-byte aligned. */
#define EDGEC_SIMPLE_RNN_SCRATCH_BYTES(h) (2 * (h))
edgec_status edgec_simple_rnn_s8(const int8_t *input, int8_t *output, int8_t *hidden_state,
                                 const edgec_simple_rnn_params *params, void *scratch);
edgec_status edgec_simple_rnn_s16(const int16_t *input, int16_t *output, int16_t *hidden_state,
                                  const edgec_simple_rnn_params *params, void *scratch);

#endif /* EDGEC_RECURRENT_H */
