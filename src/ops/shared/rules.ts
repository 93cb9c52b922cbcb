/**
 * Helpers for the families' validation rules (OpDef.rule.check): shapes, quantization that byte-copying
 * ops must keep, weight and bias conventions, and window geometry (padding never covers a whole window).
 */
import type { Activation, DType, Tensor } from '../../ir/graph.ts';
import type { RuleContext } from '../contract.ts';

/** NHWC view of an activation shape, as the lowering reads it (rank 2 [N, C], rank 3 [N, W, C]). */
export function nhwcOf(shape: readonly number[]): [number, number, number, number] {
  if (shape.length === 4) return [shape[0]!, shape[1]!, shape[2]!, shape[3]!];
  if (shape.length === 3) return [shape[0]!, 1, shape[1]!, shape[2]!];
  if (shape.length === 2) return [shape[0]!, 1, 1, shape[1]!];
  return [1, 1, 1, shape[0] ?? 1];
}

export const size = (t: Tensor) => t.shape.reduce((a, b) => a * b, 1);
export const isPosInt = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 65535;
export const isPad = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 65535;
export const ACTIVATIONS: readonly Activation[] = ['none', 'relu', 'relu6'];
export const isInt = (t: Tensor) => t.dtype !== 'float32';
export const shapeText = (s: readonly number[]) => `[${s.join(', ')}]`;

export function sameQuant(a: Tensor, b: Tensor): boolean {
  if (!isInt(a) || !a.quant || !b.quant) return true;
  return Math.fround(a.quant.scale[0]!) === Math.fround(b.quant.scale[0]!) && a.quant.zeroPoint[0] === b.quant.zeroPoint[0];
}

/** Byte-copying ops (pad, reshape, pooling, transpose, slices, concatenation) cannot rescale. */
export function requireSameQuant(c: RuleContext, a: Tensor, b: Tensor): void {
  if (!sameQuant(a, b))
    c.fail(
      `${c.op.kind} copies values, so its output must be quantized like its input (input scale ${a.quant?.scale[0]}, zero point ${a.quant?.zeroPoint[0]}; output ${b.quant?.scale[0]}, ${b.quant?.zeroPoint[0]})`,
      b,
      'E-GRAPH-QUANT',
    );
}

export function requireShape(c: RuleContext, t: Tensor, want: readonly number[], nhwc = false): boolean {
  const got = nhwc ? nhwcOf(t.shape) : t.shape;
  if (got.length === want.length && got.every((d, i) => d === want[i])) return true;
  c.fail(`shape ${shapeText(t.shape)} is not the ${shapeText(want)} this ${c.op.kind} computes from its inputs and attributes`, t, 'E-GRAPH-SHAPE');
  return false;
}

export function requireRank(c: RuleContext, t: Tensor, ranks: readonly number[], what: string): boolean {
  if (ranks.includes(t.shape.length)) return true;
  c.fail(`${what} has rank ${t.shape.length}; ${c.op.kind} takes rank ${ranks.join(' or ')}`, t, 'E-GRAPH-SHAPE');
  return false;
}

export function requireActivation(c: RuleContext, a: unknown): void {
  if (!ACTIVATIONS.includes(a as Activation)) c.fail(`fused activation '${String(a)}' is not supported`);
}

/** Symmetric int8 weights (zero point 0), per tensor or one scale per output channel on `axis`. */
export function requireWeightQuant(c: RuleContext, w: Tensor, channels: number, axis: number, perChannelOk = true): void {
  if (!isInt(w) || !w.quant) {
    if (isInt(w)) c.fail('integer weights have no quantization parameters', w, 'E-GRAPH-QUANT');
    return;
  }
  if (w.quant.zeroPoint.some((z) => z !== 0)) c.fail('weights must be symmetric (zero point 0)', w, 'E-GRAPH-QUANT');
  const n = w.quant.scale.length;
  if (n !== 1 && !(perChannelOk && n === channels && (w.quant.axis ?? 0) === axis)) {
    c.fail(`${n} weight scales on axis ${w.quant.axis ?? 0}: expected 1${perChannelOk ? ` or ${channels} on axis ${axis}` : ''}`, w, 'E-GRAPH-QUANT');
  }
}

export function requireBias(c: RuleContext, b: Tensor | undefined, channels: number): void {
  if (!b) return;
  if (size(b) !== channels) c.fail(`bias has ${size(b)} values for ${channels} output channels`, b, 'E-GRAPH-SHAPE');
  if (isInt(b) && b.quant?.zeroPoint.some((z) => z !== 0)) c.fail('bias must have zero point 0', b, 'E-GRAPH-QUANT');
}

/** Output extent of a window op: floor((in + pads - dilated filter) / stride) + 1 (<= 0: none). */
export function windowOut(inSize: number, before: number, after: number, k: number, stride: number, dilation: number): number {
  return Math.floor((inSize + before + after - ((k - 1) * dilation + 1)) / stride) + 1;
}

export interface Window {
  filter: { h: number; w: number };
  stride: { h: number; w: number };
  dilation: { h: number; w: number };
  padding: { top: number; bottom: number; left: number; right: number };
}

/** Checks window attributes; returns the output [H, W] or null. Padding stays below the window. */
export function windowShape(c: RuleContext, inH: number, inW: number, a: Window): [number, number] | null {
  const { filter: f, stride: s, dilation: d, padding: p } = a;
  if (![f?.h, f?.w, s?.h, s?.w, d?.h, d?.w].every(isPosInt)) {
    c.fail(`filter ${f?.h}x${f?.w}, stride ${s?.h}x${s?.w} and dilation ${d?.h}x${d?.w} must be positive integers`);
    return null;
  }
  if (![p?.top, p?.bottom, p?.left, p?.right].every(isPad)) {
    c.fail(`padding ${JSON.stringify(p)} must be non-negative integers`);
    return null;
  }
  const extentH = (f.h - 1) * d.h + 1;
  const extentW = (f.w - 1) * d.w + 1;
  if (p.top >= extentH || p.bottom >= extentH || p.left >= extentW || p.right >= extentW) {
    c.fail(`padding (top ${p.top}, bottom ${p.bottom}, left ${p.left}, right ${p.right}) covers a whole ${extentH}x${extentW} window`);
    return null;
  }
  const oh = windowOut(inH, p.top, p.bottom, f.h, s.h, d.h);
  const ow = windowOut(inW, p.left, p.right, f.w, s.w, d.w);
  if (oh < 1 || ow < 1) {
    c.fail(`a ${extentH}x${extentW} window does not fit the ${inH}x${inW} input with this padding`);
    return null;
  }
  return [oh, ow];
}

/** Same element count in and out (element-wise ops, reshapes). */
export function checkSameSize(c: RuleContext): number {
  const x = c.input(0)!;
  const y = c.output(0);
  if (size(x) !== size(y)) c.fail(`output has ${size(y)} elements, the input ${size(x)}`, y, 'E-GRAPH-SHAPE');
  return size(y);
}

/**
 * Fixed output quantization of TFLite's int8/int16 softmax, logistic and tanh kernels, which ignore
 * the output scale: TFLite Micro accepts it within 0.1% (so 1/65535 passes for 1/65536).
 */
export function requireOutputQuant(c: RuleContext, y: Tensor, byType: Partial<Record<DType, [number, number]>>): void {
  const want = byType[y.dtype];
  if (!want || !y.quant) return;
  if (Math.abs(y.quant.scale[0]! - want[0]) > 1e-3 * want[0] || y.quant.zeroPoint[0] !== want[1]) {
    c.fail(`${c.op.kind} output must have scale ${want[0]} and zero point ${want[1]} (it has ${y.quant.scale[0]}, ${y.quant.zeroPoint[0]})`, y, 'E-GRAPH-QUANT');
  }
}

export const NO_DILATION = { h: 1, w: 1 };
