/**
 * Float references of the GRU and SimpleRNN (tfjs's equations), from zero state; each reports the
 * hidden states it went through (calibration). tfjs's hard sigmoid is clip(0.2 x + 0.5, 0, 1). A GRU
 * with `resetAfter` computes Keras's reset_after (ONNX's linear_before_reset 1) candidate,
 * tanh(W_h x + b_h + r . (U_h h + b_rh)).
 */
import type { Graph } from '../../ir/graph.ts';
import type { FloatResult, OpOf } from '../contract.ts';

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
const hardSigmoid = (v: number) => Math.max(0, Math.min(1, 0.2 * v + 0.5));

interface Matrices {
  w: Float32Array;
  u: Float32Array;
  b: Float32Array;
}

/** f(W x + U h + b), row r. */
function affine(m: Matrices, x: ArrayLike<number>, h: ArrayLike<number>, I: number, H: number, r: number): number {
  let acc = m.b[r]!;
  for (let i = 0; i < I; i++) acc += m.w[r * I + i]! * x[i]!;
  for (let j = 0; j < H; j++) acc += m.u[r * H + j]! * h[j]!;
  return acc;
}

function sequence(
  g: Graph,
  op: { inputs: readonly number[]; attrs: { returnSequences: boolean } },
  x: Float32Array,
  gates: number,
  step: (m: Matrices[], xt: Float32Array, h: Float32Array) => Float32Array,
): FloatResult {
  const T = (k: number) => g.tensors[op.inputs[k]!]!;
  const [, steps, I] = T(0).shape as [number, number, number];
  const H = T(1).shape[0]!;
  const data = (k: number) => T(k).data as Float32Array;
  const m = Array.from({ length: gates }, (_, k) => ({ w: data(1 + k), u: data(1 + gates + k), b: data(1 + 2 * gates + k) }));
  const trace = new Float32Array(steps * H);
  let h: Float32Array = new Float32Array(H);
  for (let t = 0; t < steps; t++) {
    h = step(m, x.subarray(t * I, (t + 1) * I), h);
    trace.set(h, t * H);
  }
  return { output: op.attrs.returnSequences ? trace : h, states: [trace] };
}

export function gruFloat(op: OpOf<'gru'>, g: Graph, [x]: Float32Array[]): FloatResult {
  const act = op.attrs.recurrentActivation === 'sigmoid' ? sigmoid : hardSigmoid;
  const I = g.tensors[op.inputs[0]!]!.shape[2]!;
  const H = g.tensors[op.inputs[1]!]!.shape[0]!;
  if (op.attrs.resetAfter) {
    const brh = g.tensors[op.inputs[11]!]!.data as Float32Array;
    return sequence(g, op, x!, 3, ([mz, mr, mh], xt, h) => {
      const fromInput = { ...mh!, u: new Float32Array(H * H) };
      const fromHidden = { w: new Float32Array(H * I), u: mh!.u, b: brh };
      return Float32Array.from({ length: H }, (_, r) => {
        const z = act(affine(mz!, xt, h, I, H, r));
        const reset = act(affine(mr!, xt, h, I, H, r));
        const hh = Math.tanh(affine(fromInput, xt, h, I, H, r) + reset * affine(fromHidden, xt, h, I, H, r));
        return z * h[r]! + (1 - z) * hh;
      });
    });
  }
  return sequence(g, op, x!, 3, ([mz, mr, mh], xt, h) => {
    const z = Float32Array.from({ length: H }, (_, r) => act(affine(mz!, xt, h, I, H, r)));
    const rh = Float32Array.from({ length: H }, (_, r) => act(affine(mr!, xt, h, I, H, r)) * h[r]!);
    return Float32Array.from({ length: H }, (_, r) => {
      const hh = Math.tanh(affine(mh!, xt, rh, I, H, r));
      return z[r]! * h[r]! + (1 - z[r]!) * hh;
    });
  });
}

export function simpleRnnFloat(op: OpOf<'simple_rnn'>, g: Graph, [x]: Float32Array[]): FloatResult {
  const I = g.tensors[op.inputs[0]!]!.shape[2]!;
  const H = g.tensors[op.inputs[1]!]!.shape[0]!;
  return sequence(g, op, x!, 1, ([m], xt, h) => Float32Array.from({ length: H }, (_, r) => Math.tanh(affine(m!, xt, h, I, H, r))));
}
