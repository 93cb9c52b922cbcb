/**
 * tfjs's SimpleRNN with tanh as fused loops, for recurrent.ts's op: h' = tanh(xw + h·R), where
 * xw = x·W + b (done once for all steps).
 */
import { gemmNT, transpose } from './matrix.ts';
import { type FusedCell, previousStates, type RnnDims, recurrentKernelGradient } from './recurrent.ts';

export const simpleRnnCell: FusedCell<{ hs: Float32Array }> = { gates: 1, forward, backward };

// Each step's loop is its own small function, as in gru.ts (the JIT optimizes it whole).

function forward(xw: Float32Array, rk: Float32Array, d: RnnDims): { hs: Float32Array } {
  const { batch: B, steps: T, units: U } = d;
  const hs = new Float32Array(B * T * U);
  const rkT = transpose(rk, U, U);
  const h = new Float32Array(B * U);
  const rec = new Float32Array(B * U);
  for (let s = 0; s < T; s++) {
    rec.fill(0);
    gemmNT(B, U, U, h, 0, U, rkT, 0, U, rec, 0, U);
    stateStep(s, xw, rec, h, hs, d);
  }
  return { hs };
}

/** h = tanh(xw + rec) at step s (rec = h.R), into hs and h. */
function stateStep(s: number, xw: Float32Array, rec: Float32Array, h: Float32Array, hs: Float32Array, d: RnnDims): void {
  const { batch: B, steps: T, units: U } = d;
  for (let b = 0; b < B; b++) {
    const p = b * T + s;
    for (let j = 0; j < U; j++) {
      hs[p * U + j] = Math.tanh(xw[p * U + j]! + rec[b * U + j]!);
      h[b * U + j] = hs[p * U + j]!;
    }
  }
}

function backward(t: { hs: Float32Array }, dy: Float32Array, rk: Float32Array, d: RnnDims): { dG: Float32Array; drk: Float32Array } {
  const { batch: B, steps: T, units: U } = d;
  const dG = new Float32Array(B * T * U);
  // dh: the gradient reaching step s's output from step s + 1.
  const dh = new Float32Array(B * U);
  for (let s = T - 1; s >= 0; s--) {
    preActivationGradient(s, t.hs, dy, dh, dG, d);
    dh.fill(0);
    gemmNT(B, U, U, dG, s * U, T * U, rk, 0, U, dh, 0, U);
  }
  const drk = new Float32Array(U * U);
  recurrentKernelGradient(previousStates(t.hs, d), dG, d, 0, U, drk);
  return { dG, drk };
}

/** dG at step s: (dh + dy) * (1 - h^2). */
function preActivationGradient(s: number, hs: Float32Array, dy: Float32Array, dh: Float32Array, dG: Float32Array, d: RnnDims): void {
  const { batch: B, steps: T, units: U } = d;
  for (let b = 0; b < B; b++) {
    const p = b * T + s;
    for (let j = 0; j < U; j++) {
      const h = hs[p * U + j]!;
      dG[p * U + j] = (dh[b * U + j]! + dy[p * U + j]!) * (1 - h * h);
    }
  }
}
