/**
 * tfjs's LSTM as fused loops, for recurrent.ts's op. Gate columns i | f | c | o, as in tfjs's kernels:
 *
 *   a = xw + h·R     i = σ(a_i)   f = σ(a_f)   g = tanh(a_c)   o = σ(a_o)
 *   c' = f * c + i * g     h' = o * tanh(c')
 *
 * where xw = x·W + b (done once for all steps) and σ is hardSigmoid or sigmoid.
 */
import { gemmNT, transpose } from './matrix.ts';
import { type FusedCell, gate, gateSlope, previousStates, type RnnDims, recurrentKernelGradient } from './recurrent.ts';

interface LstmTape {
  hs: Float32Array;
  i: Float32Array;
  iSlope: Float32Array;
  f: Float32Array;
  fSlope: Float32Array;
  g: Float32Array;
  o: Float32Array;
  oSlope: Float32Array;
  /** The carry after each step, and its tanh. */
  c: Float32Array;
  tc: Float32Array;
}

export function lstmCell(hardSigmoid: boolean): FusedCell<LstmTape> {
  return { gates: 4, forward: (xw, rk, d) => forward(hardSigmoid, xw, rk, d), backward };
}

// Each step's loop over (batch, unit) is its own small function, as in gru.ts (the JIT optimizes it whole).

function forward(hard: boolean, xw: Float32Array, rk: Float32Array, d: RnnDims): LstmTape {
  const { batch: B, steps: T, units: U } = d;
  const n = B * T * U;
  const f32 = () => new Float32Array(n);
  const t: LstmTape = { hs: f32(), i: f32(), iSlope: f32(), f: f32(), fSlope: f32(), g: f32(), o: f32(), oSlope: f32(), c: f32(), tc: f32() };
  const rkT = transpose(rk, U, 4 * U);
  const h = new Float32Array(B * U);
  const c = new Float32Array(B * U);
  const rec = new Float32Array(B * 4 * U);
  for (let s = 0; s < T; s++) {
    rec.fill(0);
    gemmNT(B, 4 * U, U, h, 0, U, rkT, 0, U, rec, 0, 4 * U);
    cellStep(hard, s, xw, rec, h, c, t, d);
  }
  return t;
}

/** Step s's gates from a = xw + rec (rec = h.R), the new carry c and output h (updated in place). */
function cellStep(hard: boolean, s: number, xw: Float32Array, rec: Float32Array, h: Float32Array, c: Float32Array, t: LstmTape, d: RnnDims): void {
  const { batch: B, steps: T, units: U } = d;
  const G = 4 * U;
  for (let b = 0; b < B; b++) {
    const p = b * T + s;
    for (let j = 0; j < U; j++) {
      const o = p * U + j;
      const a = p * G + j;
      const r = b * G + j;
      const ai = xw[a]! + rec[r]!;
      const af = xw[a + U]! + rec[r + U]!;
      const ao = xw[a + 3 * U]! + rec[r + 3 * U]!;
      const i = gate(hard, ai);
      const f = gate(hard, af);
      const og = gate(hard, ao);
      const g = Math.tanh(xw[a + 2 * U]! + rec[r + 2 * U]!);
      const cNew = f * c[b * U + j]! + i * g;
      const tc = Math.tanh(cNew);
      t.i[o] = i;
      t.iSlope[o] = gateSlope(hard, ai, i);
      t.f[o] = f;
      t.fSlope[o] = gateSlope(hard, af, f);
      t.o[o] = og;
      t.oSlope[o] = gateSlope(hard, ao, og);
      t.g[o] = g;
      t.c[o] = cNew;
      t.tc[o] = tc;
      t.hs[o] = og * tc;
      c[b * U + j] = cNew;
      h[b * U + j] = og * tc;
    }
  }
}

function backward(t: LstmTape, dy: Float32Array, rk: Float32Array, d: RnnDims): { dG: Float32Array; drk: Float32Array } {
  const { batch: B, steps: T, units: U } = d;
  const G = 4 * U;
  const prevC = previousStates(t.c, d);
  const dG = new Float32Array(B * T * G);
  // Gradients reaching step s's output h and its carry c from step s + 1.
  const dh = new Float32Array(B * U);
  const dc = new Float32Array(B * U);
  for (let s = T - 1; s >= 0; s--) {
    gateGradients(s, t, dy, dh, dc, prevC, dG, d);
    dh.fill(0);
    gemmNT(B, U, G, dG, s * G, T * G, rk, 0, G, dh, 0, U);
  }
  const drk = new Float32Array(U * G);
  recurrentKernelGradient(previousStates(t.hs, d), dG, d, 0, G, drk);
  return { dG, drk };
}

/** Step s's gate pre-activation gradients into dG, and the carry gradient dc it sends to step s - 1 (in place). */
function gateGradients(s: number, t: LstmTape, dy: Float32Array, dh: Float32Array, dc: Float32Array, prevC: Float32Array, dG: Float32Array, d: RnnDims): void {
  const { batch: B, steps: T, units: U } = d;
  const G = 4 * U;
  for (let b = 0; b < B; b++) {
    const p = b * T + s;
    for (let j = 0; j < U; j++) {
      const o = p * U + j;
      const a = p * G + j;
      const gh = dh[b * U + j]! + dy[o]!;
      const tc = t.tc[o]!;
      const gc = dc[b * U + j]! + gh * t.o[o]! * (1 - tc * tc);
      const g = t.g[o]!;
      dG[a] = gc * g * t.iSlope[o]!;
      dG[a + U] = gc * prevC[o]! * t.fSlope[o]!;
      dG[a + 2 * U] = gc * t.i[o]! * (1 - g * g);
      dG[a + 3 * U] = gh * tc * t.oSlope[o]!;
      dc[b * U + j] = gc * t.f[o]!;
    }
  }
}
