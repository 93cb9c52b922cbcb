/**
 * tfjs's GRU (reset gate before the recurrent product, the only form tfjs has) as fused loops, for
 * recurrent.ts's op. Gate columns z | r | h, as in tfjs's kernels:
 *
 *   z = σ(xw_z + h·R_z)     r = σ(xw_r + h·R_r)     hh = tanh(xw_h + (r * h)·R_h)     h' = z * h + (1 - z) * hh
 *
 * where xw = x·W + b (done once for all steps) and σ is hardSigmoid or sigmoid.
 */
import { gemmNT, transpose } from './matrix.ts';
import { type FusedCell, gate, gateSlope, previousStates, type RnnDims, recurrentKernelGradient } from './recurrent.ts';

interface GruTape {
  hs: Float32Array;
  z: Float32Array;
  zSlope: Float32Array;
  r: Float32Array;
  rSlope: Float32Array;
  hh: Float32Array;
  /** r * h, the operand of R_h. */
  rh: Float32Array;
}

export function gruCell(hardSigmoid: boolean): FusedCell<GruTape> {
  return { gates: 3, forward: (xw, rk, d) => forward(hardSigmoid, xw, rk, d), backward };
}

/*
 * Each loop over (batch, unit) of a step is its own small function: called once per step, the JIT
 * optimizes it whole after a few steps, where one large function would run its first batch
 * interpreted and deoptimize as each later loop is first reached.
 */

function forward(hard: boolean, xw: Float32Array, rk: Float32Array, d: RnnDims): GruTape {
  const { batch: B, steps: T, units: U } = d;
  const n = B * T * U;
  const t: GruTape = {
    hs: new Float32Array(n),
    z: new Float32Array(n),
    zSlope: new Float32Array(n),
    r: new Float32Array(n),
    rSlope: new Float32Array(n),
    hh: new Float32Array(n),
    rh: new Float32Array(n),
  };
  // rkT row j: the recurrent weights of gate column j, contiguous for the dot products.
  const rkT = transpose(rk, U, 3 * U);
  let h = new Float32Array(B * U);
  let next = new Float32Array(B * U);
  const zr = new Float32Array(B * 2 * U);
  const rh = new Float32Array(B * U);
  const hr = new Float32Array(B * U);
  for (let s = 0; s < T; s++) {
    zr.fill(0);
    gemmNT(B, 2 * U, U, h, 0, U, rkT, 0, U, zr, 0, 2 * U);
    resetAndUpdateGates(hard, s, xw, zr, h, t, rh, d);
    hr.fill(0);
    gemmNT(B, U, U, rh, 0, U, rkT, 2 * U * U, U, hr, 0, U);
    candidateAndState(s, xw, hr, h, next, t, d);
    const swap = h;
    h = next;
    next = swap;
  }
  return t;
}

/** z, r (and their slopes) of step s from xw and zr = h.[R_z R_r]; rh = r * h. */
function resetAndUpdateGates(hard: boolean, s: number, xw: Float32Array, zr: Float32Array, h: Float32Array, t: GruTape, rh: Float32Array, d: RnnDims): void {
  const { batch: B, steps: T, units: U } = d;
  const G = 3 * U;
  for (let b = 0; b < B; b++) {
    const p = b * T + s;
    for (let j = 0; j < U; j++) {
      const o = p * U + j;
      const az = xw[p * G + j]! + zr[b * 2 * U + j]!;
      const ar = xw[p * G + U + j]! + zr[b * 2 * U + U + j]!;
      const z = gate(hard, az);
      const r = gate(hard, ar);
      t.z[o] = z;
      t.zSlope[o] = gateSlope(hard, az, z);
      t.r[o] = r;
      t.rSlope[o] = gateSlope(hard, ar, r);
      rh[b * U + j] = r * h[b * U + j]!;
      t.rh[o] = rh[b * U + j]!;
    }
  }
}

/** hh = tanh(xw_h + hr) with hr = (r * h).R_h, and the new state into next and hs. */
function candidateAndState(s: number, xw: Float32Array, hr: Float32Array, h: Float32Array, next: Float32Array, t: GruTape, d: RnnDims): void {
  const { batch: B, steps: T, units: U } = d;
  const G = 3 * U;
  for (let b = 0; b < B; b++) {
    const p = b * T + s;
    for (let j = 0; j < U; j++) {
      const o = p * U + j;
      const hh = Math.tanh(xw[p * G + 2 * U + j]! + hr[b * U + j]!);
      const z = t.z[o]!;
      t.hh[o] = hh;
      next[b * U + j] = z * h[b * U + j]! + (1 - z) * hh;
      t.hs[o] = next[b * U + j]!;
    }
  }
}

function backward(t: GruTape, dy: Float32Array, rk: Float32Array, d: RnnDims): { dG: Float32Array; drk: Float32Array } {
  const { batch: B, steps: T, units: U } = d;
  const G = 3 * U;
  const prev = previousStates(t.hs, d);
  const dG = new Float32Array(B * T * G);
  // dh: the gradient reaching step s's output (from dy and from step s + 1); dPrev: what it sends to step s - 1.
  const dh = new Float32Array(B * U);
  const dPrev = new Float32Array(B * U);
  const dRh = new Float32Array(B * U);
  for (let s = T - 1; s >= 0; s--) {
    updateAndCandidateGradients(s, t, dy, dh, prev, dG, dPrev, d);
    // Through hh's recurrent product: d(r * h) = dG_h . R_h^T, then to r and to h.
    dRh.fill(0);
    gemmNT(B, U, U, dG, s * G + 2 * U, T * G, rk, 2 * U, G, dRh, 0, U);
    resetGradients(s, t, dRh, prev, dG, dPrev, d);
    // Through the z and r gates' recurrent products.
    gemmNT(B, U, 2 * U, dG, s * G, T * G, rk, 0, G, dPrev, 0, U);
    dh.set(dPrev);
  }
  const drk = new Float32Array(U * G);
  recurrentKernelGradient(prev, dG, d, 0, 2 * U, drk);
  recurrentKernelGradient(t.rh, dG, d, 2 * U, U, drk);
  return { dG, drk };
}

/** Step s's gradients of a_z and a_h from g = dh + dy, and g's direct share of dPrev (g * z). */
function updateAndCandidateGradients(s: number, t: GruTape, dy: Float32Array, dh: Float32Array, prev: Float32Array, dG: Float32Array, dPrev: Float32Array, d: RnnDims): void {
  const { batch: B, steps: T, units: U } = d;
  const G = 3 * U;
  for (let b = 0; b < B; b++) {
    const p = b * T + s;
    for (let j = 0; j < U; j++) {
      const o = p * U + j;
      const g = dh[b * U + j]! + dy[o]!;
      const z = t.z[o]!;
      const hh = t.hh[o]!;
      dG[p * G + j] = g * (prev[o]! - hh) * t.zSlope[o]!;
      dG[p * G + 2 * U + j] = g * (1 - z) * (1 - hh * hh);
      dPrev[b * U + j] = g * z;
    }
  }
}

/** Step s's gradient of a_r, and d(r * h)'s share of dPrev, from dRh = d(r * h). */
function resetGradients(s: number, t: GruTape, dRh: Float32Array, prev: Float32Array, dG: Float32Array, dPrev: Float32Array, d: RnnDims): void {
  const { batch: B, steps: T, units: U } = d;
  const G = 3 * U;
  for (let b = 0; b < B; b++) {
    const p = b * T + s;
    for (let j = 0; j < U; j++) {
      const o = p * U + j;
      dG[p * G + U + j] = dRh[b * U + j]! * prev[o]! * t.rSlope[o]!;
      dPrev[b * U + j]! += dRh[b * U + j]! * t.r[o]!;
    }
  }
}
