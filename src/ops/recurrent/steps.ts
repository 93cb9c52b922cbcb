/** The recurrent family's IR op and step kinds: GRU and SimpleRNN (int8, int16 gates). */
import type { GateActivation, Requant } from '../../kernels/recurrent.ts';

interface SequenceAttrs {
  /** Every step's hidden state [1, T, H], or the last one [1, H]. */
  returnSequences: boolean;
  /** false (tfjs's default): every invoke starts from reset state; true: it carries over until `_reset()`. */
  stateful: boolean;
}

export interface RecurrentOps {
  /**
   * Inputs: x [1, T, I], W z/r/h [H, I], U z/r/h [H, H], biases z/r/h [H], hidden state [1, H], and
   * with `resetAfter` the candidate's recurrent bias [H] (input 11).
   */
  gru: SequenceAttrs & {
    recurrentActivation: GateActivation;
    /**
     * The reset gate applied after the recurrent product, hh = tanh(W_h x + b_h + r . (U_h h + b_rh))
     * (Keras's reset_after, ONNX's linear_before_reset 1, PyTorch's GRU); absent: before it,
     * hh = tanh(W_h x + (r . h) U_h + b_h) (tfjs's GRU). Set only when true.
     */
    resetAfter?: boolean;
  };
  /** Inputs: x [1, T, I], W [H, I], U [H, H], bias [H], hidden state [1, H]. */
  simple_rnn: SequenceAttrs;
}

export interface RecurrentGateStep {
  inputWeights: number; // tensor ids
  hiddenWeights: number;
  /**
   * bias + input_offset * row sums of W; -hidden zero point * row sums of U (zeros for the GRU
   * candidate reset before the product; its recurrent bias - zero point * row sums reset after it).
   */
  inputEffectiveBias: Int32Array;
  hiddenEffectiveBias: Int32Array;
  input: Requant;
  hidden: Requant;
}

interface SequenceStep {
  input: number;
  output: number;
  /** The variable tensor holding h. */
  hiddenState: number;
  resetState: boolean;
  timeSteps: number;
  inputSize: number;
  hiddenSize: number;
  hiddenOffset: number;
  returnSequences: boolean;
}

/** `_s16`: int16 input and hidden state (16x8), 64-bit matrix products. */
export interface GruStep extends SequenceStep {
  kind: 'gru_s8' | 'gru_s16';
  gateActivation: GateActivation;
  /** The candidate's recurrent product requantized to Q3.12 before r multiplies it (set only when true). */
  resetAfter?: boolean;
  hardSigmoid: Requant;
  gateProduct: Requant;
  blend: Requant;
  gates: { update: RecurrentGateStep; reset: RecurrentGateStep; candidate: RecurrentGateStep };
}

export interface SimpleRnnStep extends SequenceStep {
  kind: 'simple_rnn_s8' | 'simple_rnn_s16';
  outputMul: Requant;
  gate: RecurrentGateStep;
}

export interface RecurrentSteps {
  gru_s8: GruStep;
  gru_s16: GruStep;
  simple_rnn_s8: SimpleRnnStep;
  simple_rnn_s16: SimpleRnnStep;
}
