/**
 * What the fused recurrent layers (gru.ts, lstm.ts, simple-rnn.ts) share: the tfjs op that wraps a
 * cell's forward and backpropagation-through-time loops (tf.customGrad: one op on the tape instead of
 * tf.rnn's ~20 tiny ops per time step, whose dispatch cost dominates small layers), the input
 * projection done once for all time steps, and the input, kernel and bias gradients.
 *
 * Layout: every per-step array is [batch, time, ...] flattened, position p = b * T + t, so the
 * input [B, T, C] and the output sequence [B, T, U] are tfjs's own buffers. Gate columns are
 * grouped per gate as in tfjs's kernels ([C, G * U], gate g's column j at g * U + j).
 */
import * as tf from '@tensorflow/tfjs';
import { columnSums, gemmNT, gemmTN, transpose } from './matrix.ts';

export interface RnnDims {
  batch: number;
  steps: number;
  inputs: number;
  units: number;
  /** Gates per unit: the kernels' column count over units (GRU 3, LSTM 4, SimpleRNN 1). */
  gates: number;
}

/** A cell's loops: forward keeps what backward needs; backward returns the gate gradients and the recurrent kernel's. */
export interface FusedCell<Tape extends { hs: Float32Array }> {
  gates: number;
  /** hs: the output of every step, [B, T, U]. */
  forward(xw: Float32Array, rk: Float32Array, d: RnnDims): Tape;
  /** dy: the gradient of every step's output [B, T, U]; dG: of the gate pre-activations [B, T, G * U]. */
  backward(tape: Tape, dy: Float32Array, rk: Float32Array, d: RnnDims): { dG: Float32Array; drk: Float32Array };
}

/**
 * The recurrent layer as one differentiable op: x [B, T, C], kernel [C, G * U], recurrent kernel
 * [U, G * U], bias [G * U] (zeros when the layer has none) -> [B, T, U] or the last step [B, U].
 */
export function runFusedCell<Tape extends { hs: Float32Array }>(
  cell: FusedCell<Tape>,
  x: tf.Tensor,
  kernel: tf.Tensor,
  recurrentKernel: tf.Tensor,
  bias: tf.Tensor,
  returnSequences: boolean,
): tf.Tensor {
  warmUp(cell);
  const op = tf.customGrad(((xt: tf.Tensor, kt: tf.Tensor, rkt: tf.Tensor, bt: tf.Tensor) => {
    const [batch, steps, inputs] = xt.shape as [number, number, number];
    const d: RnnDims = { batch, steps, inputs, units: rkt.shape[0]!, gates: cell.gates };
    // The buffers are read here and kept by the gradient closure: tfjs never writes a tensor's
    // buffer in place (an optimizer step assigns a new one), so they stay this step's values.
    const pass = runCell(cell, read(xt), read(kt), read(rkt), read(bt), d);
    const value = returnSequences ? tf.tensor3d(pass.hs, [batch, steps, d.units]) : tf.tensor2d(lastStep(pass.hs, d), [batch, d.units]);
    const gradFunc = (dy: tf.Tensor) => {
      const g = pass.gradients(returnSequences ? read(dy) : atLastStep(read(dy), d));
      return [tf.tensor(g.dx, xt.shape), tf.tensor(g.dw, kt.shape), tf.tensor(g.drk, rkt.shape), tf.tensor(g.db, bt.shape)];
    };
    return { value, gradFunc };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(x, kernel, recurrentKernel, bias);
}

interface CellGradients {
  dx: Float32Array;
  dw: Float32Array;
  drk: Float32Array;
  db: Float32Array;
}

/** The forward pass on plain buffers: every step's output, and the backward pass given their gradient [B, T, U]. */
function runCell<Tape extends { hs: Float32Array }>(
  cell: FusedCell<Tape>,
  x: Float32Array,
  w: Float32Array,
  rk: Float32Array,
  bias: Float32Array,
  d: RnnDims,
): { hs: Float32Array; gradients: (dy: Float32Array) => CellGradients } {
  const tape = cell.forward(projectInputs(x, w, bias, d), rk, d);
  return {
    hs: tape.hs,
    gradients: (dy) => {
      const { dG, drk } = cell.backward(tape, dy, rk, d);
      return { ...inputGradients(dG, x, w, d), drk };
    },
  };
}

const warmed = new WeakSet<object>();

/**
 * Before a cell's first real batch in a process, a few passes on a tiny input: V8 optimizes the loops
 * after a few calls, and a first full-size batch would run them interpreted (tens of ms a cell).
 */
function warmUp<Tape extends { hs: Float32Array }>(cell: FusedCell<Tape>): void {
  if (warmed.has(cell)) return;
  warmed.add(cell);
  // Sizes off the blocks of 4 of gemmNT and gemmTN, so their edge paths are compiled too.
  const d: RnnDims = { batch: 5, steps: 3, inputs: 6, units: 5, gates: cell.gates };
  const G = cell.gates * d.units;
  const fill = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 0.5);
  const x = fill(d.batch * d.steps * d.inputs);
  const w = fill(d.inputs * G);
  const rk = fill(d.units * G);
  const bias = fill(G);
  const dy = fill(d.batch * d.steps * d.units);
  for (let i = 0; i < 60; i++) runCell(cell, x, w, rk, bias, d).gradients(dy);
}

function read(t: tf.Tensor): Float32Array {
  return t.dataSync() as Float32Array;
}

/** x [P, C] . kernel [C, G] + bias for all P = B * T positions at once (the part no step depends on). */
function projectInputs(x: Float32Array, w: Float32Array, bias: Float32Array, d: RnnDims): Float32Array {
  const P = d.batch * d.steps;
  const G = d.gates * d.units;
  const xw = new Float32Array(P * G);
  for (let p = 0; p < P; p++) xw.set(bias, p * G);
  gemmNT(P, G, d.inputs, x, 0, d.inputs, transpose(w, d.inputs, G), 0, d.inputs, xw, 0, G);
  return xw;
}

/** dx = dG . kernel^T, dkernel = x^T . dG, dbias = column sums of dG. */
function inputGradients(dG: Float32Array, x: Float32Array, w: Float32Array, d: RnnDims): { dx: Float32Array; dw: Float32Array; db: Float32Array } {
  const P = d.batch * d.steps;
  const C = d.inputs;
  const G = d.gates * d.units;
  const dw = new Float32Array(C * G);
  gemmTN(C, G, P, x, 0, C, dG, 0, G, dw, 0, G);
  const dx = new Float32Array(P * C);
  gemmNT(P, C, G, dG, 0, G, w, 0, G, dx, 0, C);
  return { dx, dw, db: columnSums(dG, P, G) };
}

/** drk[k, gate columns] += sum_p prev[p, k] * dG[p, those columns]: prev [B, T, U] is the recurrent operand of each step. */
export function recurrentKernelGradient(prev: Float32Array, dG: Float32Array, d: RnnDims, firstColumn: number, columns: number, drk: Float32Array): void {
  const G = d.gates * d.units;
  gemmTN(d.units, columns, d.batch * d.steps, prev, 0, d.units, dG, firstColumn, G, drk, firstColumn, G);
}

/** The state each step started from, [B, T, U]: zeros at t = 0, else the previous step's output. */
export function previousStates(hs: Float32Array, d: RnnDims): Float32Array {
  const U = d.units;
  const prev = new Float32Array(hs.length);
  for (let b = 0; b < d.batch; b++) {
    const row = b * d.steps * U;
    prev.set(hs.subarray(row, row + (d.steps - 1) * U), row + U);
  }
  return prev;
}

function lastStep(hs: Float32Array, d: RnnDims): Float32Array {
  const U = d.units;
  const out = new Float32Array(d.batch * U);
  for (let b = 0; b < d.batch; b++) out.set(hs.subarray(((b + 1) * d.steps - 1) * U, (b + 1) * d.steps * U), b * U);
  return out;
}

/** A last-step gradient [B, U] as a whole-sequence one [B, T, U] (zeros at the other steps). */
function atLastStep(dy: Float32Array, d: RnnDims): Float32Array {
  const U = d.units;
  const all = new Float32Array(d.batch * d.steps * U);
  for (let b = 0; b < d.batch; b++) all.set(dy.subarray(b * U, (b + 1) * U), ((b + 1) * d.steps - 1) * U);
  return all;
}

/** A gate activation: tfjs's 'hardSigmoid', clip(0.2 a + 0.5, 0, 1), or 'sigmoid', 1 / (1 + e^-a). */
export function gate(hard: boolean, a: number): number {
  if (hard) {
    const y = 0.2 * a + 0.5;
    return y < 0 ? 0 : y > 1 ? 1 : y;
  }
  return 1 / (1 + Math.exp(-a));
}

/** The gate's slope at a, given its value s there; hardSigmoid's gradient (clipByValue's) passes at the bounds too. */
export function gateSlope(hard: boolean, a: number, s: number): number {
  if (hard) {
    const y = 0.2 * a + 0.5;
    return y >= 0 && y <= 1 ? 0.2 : 0;
  }
  return s * (1 - s);
}
