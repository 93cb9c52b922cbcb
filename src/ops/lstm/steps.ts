/** The LSTM family's IR op and step kinds (int8 activations with an int16 cell; int16 for the suite). */

export interface LstmOps {
  /**
   * cellClip is in real units (0: none). `stateful` false (tfjs's default): every invoke starts from
   * reset state; absent or true (TFLite's variable tensors): the state carries over until `_reset()`.
   */
  lstm: { timeMajor: boolean; cellClip: number; stateful?: boolean; recurrentActivation?: 'sigmoid' | 'hard_sigmoid' };
}

export const GATES = ['input', 'forget', 'cell', 'output'] as const;

export interface LstmGateStep<Bias = Int32Array> {
  inputWeights: number; // tensor ids
  hiddenWeights: number;
  bias: number; // -1: none
  inputMultiplier: number;
  inputShift: number;
  hiddenMultiplier: number;
  hiddenShift: number;
  /** bias + input_offset * row sums of the input weights; -output_offset * row sums of the recurrent ones. */
  inputEffectiveBias: Bias;
  hiddenEffectiveBias: Bias;
  activation: 'sigmoid' | 'tanh' | 'hard_sigmoid';
}

export interface LstmStep {
  kind: 'lstm_s8';
  input: number;
  output: number;
  /** Variable tensors: the state kept across invokes. */
  hiddenState: number;
  cellState: number;
  /** Reset both states before each call (a layer that is not stateful). */
  resetState?: true;
  /** 1.6's multiplier, when the gates are tfjs's hard sigmoid (a tfjs LSTM's default). */
  hardSigmoid?: { multiplier: number; shift: number };
  timeMajor: boolean;
  batchSize: number;
  timeSteps: number;
  inputSize: number;
  hiddenSize: number;
  inputOffset: number;
  outputOffset: number;
  forgetToCell: { multiplier: number; shift: number };
  inputToCell: { multiplier: number; shift: number };
  outputMul: { multiplier: number; shift: number };
  cellClip: number;
  cellScalePower: number;
  gates: { input: LstmGateStep; forget: LstmGateStep; cell: LstmGateStep; output: LstmGateStep };
}

/** int16 input and hidden state, int64 effective biases. */
export interface LstmS16Step extends Omit<LstmStep, 'kind' | 'gates'> {
  kind: 'lstm_s16';
  gates: Record<(typeof GATES)[number], LstmGateStep<Float64Array>>;
}

export interface LstmSteps {
  lstm_s8: LstmStep;
  lstm_s16: LstmS16Step;
}
