/**
 * CausalConv1D (src/import/tfjs-keras-layers.ts) as one differentiable op with its bias and ReLU:
 * the stock layer pads, slices one input per tap, runs a 1x1 convolution each and sums them (tfjs has
 * no gradient for dilated convolutions), about a dozen ops and their gradients per layer.
 *
 *   y[b, t, f] = act(bias[f] + sum_j sum_c x[b, t - (K - 1 - j) * D, c] * w[j, c, f])     (x = 0 before t = 0)
 *
 * x [B, T, C], w [K, C, F], bias [F], y [B, T, F]; act is ReLU or the identity. Taps that reach
 * before t = 0 read zeros, so each tap is a product over the steps it reaches, with no padded copy.
 */
import * as tf from '@tensorflow/tfjs';
import { columnSums, gemmNT, gemmTN, transpose } from './matrix.ts';

interface ConvDims {
  batch: number;
  steps: number;
  inputs: number;
  filters: number;
  taps: number;
  dilation: number;
}

export function fusedCausalConv1d(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor, dilation: number, relu: boolean): tf.Tensor {
  warmUp();
  const op = tf.customGrad(((xt: tf.Tensor, wt: tf.Tensor, bt: tf.Tensor) => {
    const [batch, steps, inputs] = xt.shape as [number, number, number];
    const [taps, , filters] = wt.shape as [number, number, number];
    const d: ConvDims = { batch, steps, inputs, filters, taps, dilation };
    // Buffers kept by the gradient closure: tfjs never writes a tensor's buffer in place.
    const xv = xt.dataSync() as Float32Array;
    const wv = wt.dataSync() as Float32Array;
    const y = forward(xv, wv, bt.dataSync() as Float32Array, d, relu);
    const gradFunc = (dy: tf.Tensor) => {
      const g = backward(xv, wv, y, dy.dataSync() as Float32Array, d, relu);
      return [tf.tensor(g.dx, xt.shape), tf.tensor(g.dw, wt.shape), tf.tensor(g.db, bt.shape)];
    };
    return { value: tf.tensor3d(y, [batch, steps, filters]), gradFunc };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(x, kernel, bias);
}

/** Tap j's shift: it reads the input s_j = (K - 1 - j) * D steps back. */
function shift(j: number, d: ConvDims): number {
  return (d.taps - 1 - j) * d.dilation;
}

/**
 * Per batch row and tap, one matrix product over the steps the tap reaches (t >= s_j):
 *
 *   y[b, s_j:T, :] += x[b, 0:T-s_j, :] . w[j]        (w[j] [C, F], transposed once to [F, C] rows)
 */
function forward(x: Float32Array, w: Float32Array, bias: Float32Array, d: ConvDims, relu: boolean): Float32Array {
  const { batch: B, steps: T, inputs: C, filters: F, taps: K } = d;
  const wT = new Float32Array(K * F * C);
  for (let j = 0; j < K; j++) wT.set(transpose(w.subarray(j * C * F, (j + 1) * C * F), C, F), j * F * C);
  const y = new Float32Array(B * T * F);
  for (let p = 0; p < B * T; p++) y.set(bias, p * F);
  for (let b = 0; b < B; b++)
    for (let j = 0; j < K; j++) {
      const s = shift(j, d);
      if (s < T) gemmNT(T - s, F, C, x, b * T * C, C, wT, j * F * C, C, y, (b * T + s) * F, F);
    }
  if (relu) for (let i = 0; i < y.length; i++) if (y[i]! < 0) y[i] = 0;
  return y;
}

/**
 * With g the gradient at the pre-activation, per batch row and tap:
 *
 *   dx[b, 0:T-s_j, :] += g[b, s_j:T, :] . w[j]^T       dw[j] += x[b, 0:T-s_j, :]^T . g[b, s_j:T, :]
 */
function backward(x: Float32Array, w: Float32Array, y: Float32Array, dy: Float32Array, d: ConvDims, relu: boolean): { dx: Float32Array; dw: Float32Array; db: Float32Array } {
  const { batch: B, steps: T, inputs: C, filters: F, taps: K } = d;
  // ReLU's gradient (tfjs's step(a): 0 where a <= 0, i.e. where the output is 0).
  let g = dy;
  if (relu) {
    g = new Float32Array(dy.length);
    for (let i = 0; i < g.length; i++) if (y[i]! > 0) g[i] = dy[i]!;
  }
  const dx = new Float32Array(B * T * C);
  const dw = new Float32Array(K * C * F);
  for (let b = 0; b < B; b++)
    for (let j = 0; j < K; j++) {
      const s = shift(j, d);
      if (s >= T) continue;
      gemmNT(T - s, C, F, g, (b * T + s) * F, F, w, j * C * F, F, dx, b * T * C, C);
      gemmTN(C, F, T - s, x, b * T * C, C, g, (b * T + s) * F, F, dw, j * C * F, F);
    }
  return { dx, dw, db: columnSums(g, B * T, F) };
}

let warmed = false;

/**
 * Before the first real batch in a process, a few passes on a tiny input: V8 optimizes the loops
 * after a few calls, and a first full-size batch would run them interpreted (see recurrent.ts).
 */
function warmUp(): void {
  if (warmed) return;
  warmed = true;
  // Sizes off the blocks of 4 of gemmNT and gemmTN, so their edge paths are compiled too.
  const d: ConvDims = { batch: 2, steps: 5, inputs: 5, filters: 6, taps: 3, dilation: 2 };
  const fill = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 0.5);
  const x = fill(d.batch * d.steps * d.inputs);
  const w = fill(d.taps * d.inputs * d.filters);
  const bias = fill(d.filters);
  const dy = fill(d.batch * d.steps * d.filters);
  for (let i = 0; i < 40; i++) backward(x, w, forward(x, w, bias, d, true), dy, d, true);
}
