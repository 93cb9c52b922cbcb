/**
 * Integer GRU and SimpleRNN (int8 or int16 input and hidden state, int8 weights, int16 gates), twin of
 * edgec_recurrent.c. TFLite has no GRU kernel; this arithmetic follows its integer LSTM's (see
 * src/kernels/lstm.ts and docs/recurrent-arithmetic.md):
 *
 *   pre(g)  = sat16( sat16(requant(W_g x + bx_g, Mx_g)) + requant(U_g h + bh_g, Mh_g) )     Q3.12
 *             with the zero points folded into the effective biases bx_g, bh_g (compiler constants)
 *   z, r    = sigma(pre)        sigma: the int16 sigmoid (TFLite's) or hard sigmoid
 *                               clamp(requant(pre, 1.6) + 16384, 0, 32767) (tfjs: 0.2 x + 0.5)  Q0.15
 *   rh      = requant(r * (h - zp), 2^-15)                     r o h, zero-centred, in h's scale
 *   hh      = tanh(sat16(sat16(requant(W_h x + bx_h, Mx_h)) + requant(U_h rh, Mh_h)))          Q0.15
 *   h'      = sat8(zp + requant(z * (h - zp), 2^-15) + requant((32768 - z) * hh, 2^-30 / s_h))
 *
 * which is tfjs's GRU (reset before the recurrent product, h' = z h + (1 - z) hh). With `resetAfter`
 * (Keras's reset_after, ONNX's linear_before_reset 1) the candidate's recurrent product, its bias and
 * zero point folded into bh_h, is requantized to Q3.12 before the reset gate multiplies it:
 *   uh      = sat16(requant(U_h h + bh_h, Mh_h))                                             Q3.12
 *   hh      = tanh(sat16(sat16(requant(W_h x + bx_h, Mx_h)) + requant(r * uh, 2^-15)))       Q0.15
 * SimpleRNN:
 *   h'      = sat8(zp + requant(tanh(pre), 2^-15 / s_h))
 * Accumulators are int32 with wrap-around, as the C's. The state h (int8, the output's quantization)
 * is read at the start of a step and replaced at its end.
 *
 * int16 variant (16x8: int16 input and hidden state, zero points 0): the matrix products accumulate in
 * int64 and requantize with TFLite's 64-bit MultiplyByQuantizedMultiplier (the reduced 16-bit
 * multiplier, as its int16 LSTM), and h saturates to int16; everything else is the same.
 */
import { multiplyByQuantizedMultiplier, multiplyByQuantizedMultiplierS64 } from '../arith/fixedpoint.ts';
import { activationS16, hardSigmoidS16 } from './activations_s16.ts';

export interface Requant {
  multiplier: number;
  shift: number;
}

export interface RecurrentGate {
  /** [hidden, input] and [hidden, hidden], row major. */
  inputWeights: Int8Array;
  hiddenWeights: Int8Array;
  /** bias + input_offset * row sums of W; -hidden zero point * row sums of U (zero where the operand is zero-centred). */
  inputBias: ArrayLike<number>;
  hiddenBias: ArrayLike<number>;
  input: Requant;
  hidden: Requant;
}

export type GateActivation = 'sigmoid' | 'hard_sigmoid';

interface Shape {
  /** int16 input and hidden state (64-bit matrix products). */
  s16?: boolean;
  timeSteps: number;
  inputSize: number;
  hiddenSize: number;
  /** +hidden state (and output) zero point. */
  hiddenOffset: number;
  /** Every step's hidden state, or only the last. */
  returnSequences: boolean;
}

export interface GruParams extends Shape {
  gateActivation: GateActivation;
  /** The reset gate multiplies the candidate's requantized recurrent product (Keras's reset_after). */
  resetAfter?: boolean;
  /** 1.6: Q3.12 -> Q0.15 of tfjs's 0.2 slope (hard sigmoid only). */
  hardSigmoid: Requant;
  update: RecurrentGate;
  reset: RecurrentGate;
  candidate: RecurrentGate;
  /** 2^-15: a Q0.15 gate times a zero-centred hidden value, back to the hidden scale. */
  gateProduct: Requant;
  /** 2^-30 / s_h: (1 - z) times the candidate, both Q0.15, to the hidden scale. */
  blend: Requant;
}

export interface SimpleRnnParams extends Shape {
  gate: RecurrentGate;
  /** 2^-15 / s_h: tanh's Q0.15 to the hidden scale. */
  output: Requant;
}

const sat = (v: number, lo: number, hi: number) => (v < lo ? lo : v > hi ? hi : v);
const sat16 = (v: number) => sat(v, -32768, 32767);
const rq = (x: number, q: Requant) => multiplyByQuantizedMultiplier(x, q.multiplier, q.shift);
/** A matrix product's requantization: 32-bit, or the 64-bit one of the int16 variant. */
const rqProduct = (x: number, q: Requant, s16: boolean | undefined) => (s16 ? multiplyByQuantizedMultiplierS64(x, q.multiplier, q.shift) : rq(x, q));

/** Row r of w . x plus bias[r]: int32 with wrap-around, or exact (int64) for the int16 variant. */
function dot(w: Int8Array, x: ArrayLike<number>, bias: ArrayLike<number>, r: number, cols: number, s16: boolean | undefined): number {
  let acc = bias[r]!;
  if (s16) for (let c = 0; c < cols; c++) acc += x[c]! * w[r * cols + c]!;
  else for (let c = 0; c < cols; c++) acc = (acc + x[c]! * w[r * cols + c]!) | 0;
  return acc;
}

/** Q3.12 pre-activations of a gate: the input product, then the recurrent one (operand `h`). */
function preActivation(g: RecurrentGate, x: ArrayLike<number>, h: ArrayLike<number>, p: Shape): Int16Array {
  const out = new Int16Array(p.hiddenSize);
  for (let r = 0; r < p.hiddenSize; r++) {
    const fromInput = sat16(rqProduct(dot(g.inputWeights, x, g.inputBias, r, p.inputSize, p.s16), g.input, p.s16));
    out[r] = sat16(fromInput + rqProduct(dot(g.hiddenWeights, h, g.hiddenBias, r, p.hiddenSize, p.s16), g.hidden, p.s16));
  }
  return out;
}

const hiddenRange = (p: Shape): [number, number] => (p.s16 ? [-32768, 32767] : [-128, 127]);

function gateActivation(pre: Int16Array, p: GruParams): Int16Array {
  if (p.gateActivation === 'sigmoid') return activationS16(pre, 0, 'sigmoid');
  return hardSigmoidS16(pre, p.hardSigmoid.multiplier, p.hardSigmoid.shift);
}

type Hidden = Int8Array | Int16Array;
const hiddenArray = (p: Shape, n: number): Hidden => (p.s16 ? new Int16Array(n) : new Int8Array(n));

/** The candidate's Q3.12 pre-activations, the reset gate `r` applied to its requantized recurrent product. */
function resetAfterPre(x: ArrayLike<number>, h: Hidden, r: Int16Array, p: GruParams): Int16Array {
  const g = p.candidate;
  const out = new Int16Array(p.hiddenSize);
  for (let j = 0; j < p.hiddenSize; j++) {
    const fromInput = sat16(rqProduct(dot(g.inputWeights, x, g.inputBias, j, p.inputSize, p.s16), g.input, p.s16));
    const fromHidden = sat16(rqProduct(dot(g.hiddenWeights, h, g.hiddenBias, j, p.hiddenSize, p.s16), g.hidden, p.s16));
    out[j] = sat16(fromInput + rq(r[j]! * fromHidden, p.gateProduct));
  }
  return out;
}

function gruStep(x: ArrayLike<number>, h: Hidden, p: GruParams): Hidden {
  const H = p.hiddenSize;
  const zp = p.hiddenOffset;
  const [lo, hi] = hiddenRange(p);
  const z = gateActivation(preActivation(p.update, x, h, p), p);
  const r = gateActivation(preActivation(p.reset, x, h, p), p);
  const candidate = p.resetAfter
    ? resetAfterPre(x, h, r, p)
    : preActivation(
        p.candidate,
        x,
        Int16Array.from(r, (rv, j) => rq(rv * (h[j]! - zp), p.gateProduct)),
        p,
      );
  const hh = activationS16(candidate, 0, 'tanh');
  const next = hiddenArray(p, H);
  for (let j = 0; j < H; j++) {
    const keep = rq(z[j]! * (h[j]! - zp), p.gateProduct);
    const blend = rq((32768 - z[j]!) * hh[j]!, p.blend);
    next[j] = sat(zp + keep + blend, lo, hi);
  }
  return next;
}

function simpleRnnStep(x: ArrayLike<number>, h: Hidden, p: SimpleRnnParams): Hidden {
  const a = activationS16(preActivation(p.gate, x, h, p), 0, 'tanh');
  const [lo, hi] = hiddenRange(p);
  const next = hiddenArray(p, p.hiddenSize);
  a.forEach((v, j) => {
    next[j] = sat(p.hiddenOffset + rq(v, p.output), lo, hi);
  });
  return next;
}

/** Runs the sequence [T, inputSize] from the state `hidden`, updated in place. */
function run<P extends Shape>(p: P, input: Hidden, hidden: Hidden, step: (x: Hidden, h: Hidden, p: P) => Hidden): Hidden {
  const H = p.hiddenSize;
  const out = hiddenArray(p, p.returnSequences ? p.timeSteps * H : H);
  for (let t = 0; t < p.timeSteps; t++) {
    hidden.set(step(input.subarray(t * p.inputSize, (t + 1) * p.inputSize), hidden, p));
    if (p.returnSequences) out.set(hidden, t * H);
  }
  if (!p.returnSequences) out.set(hidden);
  return out;
}

/** int8 (`p.s16` unset) or int16 (`p.s16`) input and hidden state; the output has the hidden state's type. */
export const gru = (p: GruParams, input: Hidden, hidden: Hidden) => run(p, input, hidden, gruStep);
export const simpleRnn = (p: SimpleRnnParams, input: Hidden, hidden: Hidden) => run(p, input, hidden, simpleRnnStep);
