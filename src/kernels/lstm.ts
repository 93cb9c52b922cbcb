/**
 * Unidirectional LSTM with TFLite's integer arithmetic (the CMSIS-NN formulation), twin of
 * edgec_lstm.c. Two variants:
 *   s8:  int8 input and hidden state/output, int16 gates and cell state, int32 biases;
 *   s16: int16 input and hidden state/output, int16 gates and cell state, int64 biases.
 *
 * Each gate = act(requant(W_x x + b_x) + requant(W_h h + b_h)) in Q0.15, where the input and hidden
 * zero points are folded into "effective biases" (bias + offset * row sums of the weights), computed
 * once. Per step:
 *   cell  = clamp(requant(forget * cell)) ; cell = clamp(requant(input * cell_gate) + cell, +-clip)
 *   h     = requant(output * tanh(cell)) + output zero point
 * The first step of a sequence without hidden state skips the hidden products (a hidden state equal
 * to its zero point contributes nothing).
 */
import { multiplyByQuantizedMultiplier, multiplyByQuantizedMultiplierS64 } from '../arith/fixedpoint.ts';
import { activationS16, hardSigmoidS16, type ActivationS16 } from './activations_s16.ts';

export interface LstmGate {
  inputMultiplier: number;
  inputShift: number;
  hiddenMultiplier: number;
  hiddenShift: number;
  /** [hidden_size, input_size] and [hidden_size, hidden_size], row major. */
  inputWeights: Int8Array;
  hiddenWeights: Int8Array;
  bias: ArrayLike<number> | null;
  /** 'hard_sigmoid': tfjs's hard sigmoid (edgec's extension; TFLite's LSTM has sigmoid gates). */
  activation: ActivationS16 | 'hard_sigmoid';
}

export interface LstmParams {
  timeMajor: boolean;
  batchSize: number;
  timeSteps: number;
  inputSize: number;
  hiddenSize: number;
  /** -input zero point. */
  inputOffset: number;
  /** +output (hidden state) zero point. */
  outputOffset: number;
  forgetToCell: { multiplier: number; shift: number };
  inputToCell: { multiplier: number; shift: number };
  cellClip: number;
  cellScalePower: number;
  output: { multiplier: number; shift: number };
  /** 1.6's multiplier (Q3.12 -> Q0.15 of the hard sigmoid's 0.2 slope), for hard-sigmoid gates. */
  hardSigmoid?: { multiplier: number; shift: number };
  gates: { input: LstmGate; forget: LstmGate; cell: LstmGate; output: LstmGate };
}

/** State kept between calls of a stateful LSTM: hidden state [batch, hidden] and cell state. */
export interface LstmState {
  hidden: Int8Array | Int16Array;
  cell: Int16Array;
}

/** Row r: bias[r] + offset * sum_c w[r][c] (exact; the s8 variant wraps to int32 as C does). */
export function effectiveBias(weights: Int8Array, cols: number, rows: number, offset: number, bias: ArrayLike<number> | null, wrap32: boolean): number[] {
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += weights[r * cols + c]!;
    const v = (bias ? bias[r]! : 0) + offset * sum;
    out.push(wrap32 ? v | 0 : v);
  }
  return out;
}

interface GateConst {
  gate: LstmGate;
  inputBias: number[];
  hiddenBias: number[];
}

const clamp = (v: number, lo: number, hi: number) => (v < lo ? lo : v > hi ? hi : v);

/** dst[b][r] = clamp16(requant(bias[r] + sum_c lhs[b][c] * rhs[r][c]) + dst[b][r]). */
function accumulate(lhs: ArrayLike<number>, rhs: Int8Array, bias: number[], dst: Int16Array, m: number, s: number, cols: number, rows: number, batches: number, s16: boolean): void {
  for (let b = 0; b < batches; b++) {
    for (let r = 0; r < rows; r++) {
      let acc = bias[r]!;
      for (let c = 0; c < cols; c++) acc += lhs[b * cols + c]! * rhs[r * cols + c]!;
      const q = s16 ? multiplyByQuantizedMultiplierS64(acc, m, s) : multiplyByQuantizedMultiplier(acc | 0, m, s);
      dst[b * rows + r] = clamp(q + dst[b * rows + r]!, -32768, 32767);
    }
  }
}

function gateValues(x: ArrayLike<number>, h: ArrayLike<number> | null, g: GateConst, p: LstmParams, batches: number, s16: boolean): Int16Array {
  const out = new Int16Array(batches * p.hiddenSize);
  accumulate(x, g.gate.inputWeights, g.inputBias, out, g.gate.inputMultiplier, g.gate.inputShift, p.inputSize, p.hiddenSize, batches, s16);
  if (h) accumulate(h, g.gate.hiddenWeights, g.hiddenBias, out, g.gate.hiddenMultiplier, g.gate.hiddenShift, p.hiddenSize, p.hiddenSize, batches, s16);
  if (g.gate.activation === 'hard_sigmoid') return hardSigmoidS16(out, p.hardSigmoid!.multiplier, p.hardSigmoid!.shift);
  return activationS16(out, 0, g.gate.activation);
}

function step(
  x: ArrayLike<number>,
  h: ArrayLike<number> | null,
  out: Int8Array | Int16Array,
  cell: Int16Array,
  gates: Record<'input' | 'forget' | 'cell' | 'output', GateConst>,
  p: LstmParams,
  batches: number,
  s16: boolean,
): void {
  const n = batches * p.hiddenSize;
  const f = gateValues(x, h, gates.forget, p, batches, s16);
  for (let i = 0; i < n; i++) cell[i] = clamp(multiplyByQuantizedMultiplier(f[i]! * cell[i]!, p.forgetToCell.multiplier, p.forgetToCell.shift), -32768, 32767);
  const ig = gateValues(x, h, gates.input, p, batches, s16);
  const cg = gateValues(x, h, gates.cell, p, batches, s16);
  const hi = p.cellClip > 0 ? p.cellClip : 32767;
  const lo = p.cellClip > 0 ? -p.cellClip : -32768;
  for (let i = 0; i < n; i++) cell[i] = clamp(multiplyByQuantizedMultiplier(ig[i]! * cg[i]!, p.inputToCell.multiplier, p.inputToCell.shift) + cell[i]!, lo, hi);
  const og = gateValues(x, h, gates.output, p, batches, s16);
  const t = activationS16(cell.subarray(0, n), p.cellScalePower + 12, 'tanh');
  const [omin, omax] = s16 ? [-32768, 32767] : [-128, 127];
  for (let i = 0; i < n; i++) out[i] = clamp(multiplyByQuantizedMultiplier(og[i]! * t[i]!, p.output.multiplier, p.output.shift) + p.outputOffset, omin, omax);
}

/** Effective biases of every gate, as the compiler emits them (int32 for s8, int64 for s16). */
export function lstmEffectiveBiases(p: LstmParams, s16: boolean): Record<'input' | 'forget' | 'cell' | 'output', GateConst> {
  const mk = (g: LstmGate): GateConst => ({
    gate: g,
    inputBias: effectiveBias(g.inputWeights, p.inputSize, p.hiddenSize, p.inputOffset, g.bias, !s16),
    hiddenBias: effectiveBias(g.hiddenWeights, p.hiddenSize, p.hiddenSize, -p.outputOffset, null, !s16),
  });
  return { input: mk(p.gates.input), forget: mk(p.gates.forget), cell: mk(p.gates.cell), output: mk(p.gates.output) };
}

/**
 * Runs the sequence. Without `state` the hidden state starts "empty" (its zero point) and the cell
 * state at 0; with `state` both start from it and are updated in place (stateful use).
 */
function lstm<T extends Int8Array | Int16Array>(p: LstmParams, input: T, out: T, state: LstmState | undefined, s16: boolean): T {
  const gates = lstmEffectiveBiases(p, s16);
  const H = p.hiddenSize;
  const cell = state ? state.cell : new Int16Array(p.batchSize * H);
  if (p.timeMajor) {
    let h: ArrayLike<number> | null = state ? state.hidden : null;
    for (let t = 0; t < p.timeSteps; t++) {
      const x = input.subarray(t * p.batchSize * p.inputSize, (t + 1) * p.batchSize * p.inputSize);
      const o = out.subarray(t * p.batchSize * H, (t + 1) * p.batchSize * H) as T;
      step(x, h, o, cell, gates, p, p.batchSize, s16);
      h = o;
    }
    if (state && p.timeSteps > 0) state.hidden.set(h as ArrayLike<number>);
  } else {
    for (let b = 0; b < p.batchSize; b++) {
      let h: ArrayLike<number> | null = state ? state.hidden.subarray(b * H, (b + 1) * H) : null;
      const c = cell.subarray(b * H, (b + 1) * H);
      for (let t = 0; t < p.timeSteps; t++) {
        const at = b * p.timeSteps + t;
        const o = out.subarray(at * H, (at + 1) * H) as T;
        step(input.subarray(at * p.inputSize, (at + 1) * p.inputSize), h, o, c, gates, p, 1, s16);
        h = o;
      }
      if (state && p.timeSteps > 0) state.hidden.set(h as ArrayLike<number>, b * H);
    }
  }
  return out;
}

export function lstmS8(p: LstmParams, input: Int8Array, state?: LstmState): Int8Array {
  return lstm(p, input, new Int8Array(p.batchSize * p.timeSteps * p.hiddenSize), state, false);
}

export function lstmS16(p: LstmParams, input: Int16Array, state?: LstmState): Int16Array {
  return lstm(p, input, new Int16Array(p.batchSize * p.timeSteps * p.hiddenSize), state, true);
}
