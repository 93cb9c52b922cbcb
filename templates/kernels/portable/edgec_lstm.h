/*
 * edgec portable kernels: unidirectional LSTM, int8 (edgec_lstm_s8: int8 input and hidden state,
 * int32 effective biases) and int16 (edgec_lstm_s16: int16 input and hidden state, int64 effective
 * biases); gates and cell state are int16. Fields mean what cmsis_nn_lstm_params' fields of the same
 * name mean, so a call maps onto arm_lstm_unidirectional_s8/_s16 field by field.
 *
 * Effective biases are computed by the compiler: input side bias[r] + input_offset * sum_c W[r][c],
 * hidden side -output_offset * sum_c W[r][c]. Buffers: temp1 and temp2 hold batch_size * hidden_size
 * int16 values each (scratch), cell_state as many (kept by the caller), hidden_state batch_size *
 * hidden_size elements of the activation type, or NULL for a sequence that starts from an empty
 * hidden state and a zero cell state (the cell state is then cleared here).
 */
#ifndef EDGEC_LSTM_H
#define EDGEC_LSTM_H

#include "edgec_activations_s16.h"
#include "edgec_types.h"

typedef struct {
    int32_t input_multiplier;
    int32_t input_shift;
    const int8_t *input_weights;       /* [hidden_size, input_size] */
    const void *input_effective_bias;  /* int32_t (s8) or int64_t (s16), [hidden_size] */
    int32_t hidden_multiplier;
    int32_t hidden_shift;
    const int8_t *hidden_weights;      /* [hidden_size, hidden_size] */
    const void *hidden_effective_bias; /* int32_t (s8) or int64_t (s16), [hidden_size] */
    edgec_activation_s16_type activation_type;
} edgec_lstm_gate;

typedef struct {
    int32_t time_major; /* 1: input [time, batch, input_size]; 0: [batch, time, input_size] */
    int32_t batch_size;
    int32_t time_steps;
    int32_t input_size;
    int32_t hidden_size;
    int32_t input_offset; /* -input zero point */
    int32_t forget_to_cell_multiplier;
    int32_t forget_to_cell_shift;
    int32_t input_to_cell_multiplier;
    int32_t input_to_cell_shift;
    int32_t cell_clip; /* > 0: the cell state is clamped to [-cell_clip, cell_clip] */
    int32_t cell_scale_power;
    int32_t output_multiplier;
    int32_t output_shift;
    int32_t output_offset; /* +output zero point */
    edgec_lstm_gate forget_gate;
    edgec_lstm_gate input_gate;
    edgec_lstm_gate cell_gate;
    edgec_lstm_gate output_gate;
    const uint16_t *sigmoid_table; /* 256 nodes, see edgec_activations_s16.h */
    /* Gates with activation_type EDGEC_LSTM_HARD_SIGMOID (tfjs's default; not in TFLite): 1.6's multiplier. */
    int32_t hard_sigmoid_multiplier;
    int32_t hard_sigmoid_shift;
} edgec_lstm_params;

typedef struct {
    int16_t *temp1;
    int16_t *temp2;
    int16_t *cell_state;
    void *hidden_state;
} edgec_lstm_buffers;

edgec_status edgec_lstm_s8(const int8_t *input, int8_t *output, const edgec_lstm_params *params,
                           edgec_lstm_buffers *buffers);

/* int16 LSTM (16x8): int16 input and hidden state, int64 effective biases. */
edgec_status edgec_lstm_s16(const int16_t *input, int16_t *output, const edgec_lstm_params *params,
                            edgec_lstm_buffers *buffers);

#endif /* EDGEC_LSTM_H */
