/**
 * Helpers for the families' tfjs converters (OpFamily.tfjs): IR shapes from tfjs shapes (batch 1, 1-D
 * lifted to H = 1), padding modes, weight layouts, constants, and activations either fused into the
 * producer or appended as their own op.
 */
import type { Activation, Padding2d } from '../../ir/graph.ts';
import type { TfjsLayerContext as LayerContext } from '../contract.ts';

/** tfjs shape [null, ...] -> IR shape: batch 1, a rank-3 [N, T, C] lifted to [1, 1, T, C]. */
export function irShape(shape: readonly (number | null)[]): number[] {
  const s = shape.map((d, i) => (i === 0 || d === null ? 1 : d));
  return s.length === 3 ? [s[0]!, 1, s[1]!, s[2]!] : s;
}

export const FUSABLE: Record<string, Activation> = { relu: 'relu', relu6: 'relu6', linear: 'none' };

export function samePadding(inSize: number, outSize: number, stride: number, k: number, dilation: number): [number, number] {
  const total = Math.max((outSize - 1) * stride + (k - 1) * dilation + 1 - inSize, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/**
 * 'valid': none; 'same': TF's split (the extra row/column at the bottom/right); 'causal' (1-D only):
 * all of the receptive field's overhang on the left, so output t sees inputs <= t.
 */
export function padding2d(mode: unknown, inH: number, inW: number, outH: number, outW: number, stride: number[], k: number[], dil: number[]): Padding2d {
  if (mode === 'causal') return { top: 0, bottom: 0, left: (k[1]! - 1) * dil[1]!, right: 0 };
  if (mode !== 'same') return { top: 0, bottom: 0, left: 0, right: 0 };
  const [top, bottom] = samePadding(inH, outH, stride[0]!, k[0]!, dil[0]!);
  const [left, right] = samePadding(inW, outW, stride[1]!, k[1]!, dil[1]!);
  return { top, bottom, left, right };
}

/** [k] for 1-D layers becomes [1, k]; 2-D stays. */
export const pair = (v: unknown, is1d: boolean): number[] => {
  const a = Array.isArray(v) ? (v as number[]) : [v as number];
  return is1d ? [1, a[0]!] : a.length === 1 ? [a[0]!, a[0]!] : a;
};

export function addConst(ctx: LayerContext, role: string, shape: number[], data: Float32Array): number {
  return ctx.b.addTensor({ name: `${ctx.name}/${role}`, shape, dtype: 'float32', data });
}

export function newActivation(ctx: LayerContext, role: string, shape: number[]): number {
  return ctx.b.addTensor({ name: role ? `${ctx.name}/${role}` : ctx.name, shape, dtype: 'float32' });
}

/** A non-fusable activation (sigmoid, tanh, softmax) as its own op after the layer. */
export function appendActivation(ctx: LayerContext, x: number, activation: string): number {
  if (activation in FUSABLE) return x;
  const out = newActivation(ctx, activation, ctx.outShape);
  const name = `${ctx.name}/${activation}`;
  if (activation === 'sigmoid') ctx.b.addOp({ kind: 'logistic', name, attrs: {}, inputs: [x], outputs: [out] });
  else if (activation === 'tanh') ctx.b.addOp({ kind: 'tanh', name, attrs: {}, inputs: [x], outputs: [out] });
  else if (activation === 'softmax') ctx.b.addOp({ kind: 'softmax', name, attrs: { beta: 1 }, inputs: [x], outputs: [out] });
  else throw new Error(`unchecked activation ${activation}`);
  return out;
}

export function fused(activation: unknown): Activation {
  return FUSABLE[String(activation ?? 'linear')] ?? 'none';
}

/** tfjs conv kernels are [KH, KW, C_IN, C_OUT]; the IR wants [C_OUT, KH, KW, C_IN]. */
export function hwioToOhwi(w: Float32Array, taps: number, inC: number, outC: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let t = 0; t < taps; t++) for (let i = 0; i < inC; i++) for (let o = 0; o < outC; o++) out[(o * taps + t) * inC + i] = w[(t * inC + i) * outC + o]!;
  return out;
}

export const ACTIVATIONS = new Set(['relu', 'relu6', 'linear', 'sigmoid', 'tanh', 'softmax']);
