/**
 * Helpers for the families' ONNX mappings (OpFamily.onnx): attributes, the channels-last layout and
 * element orders (see src/ops/onnx-contract.ts), window attributes (kernel_shape, strides, pads,
 * dilations, auto_pad) as the IR's 2-D window, and axis permutations of constants.
 */
import type { OnnxAttr, OnnxData, OnnxNode } from '../../formats/onnx.ts';
import type { Activation, Padding2d, QuantParams, TensorData } from '../../ir/graph.ts';
import type { OnnxConst, OnnxImportContext, OnnxImporter } from '../onnx-contract.ts';
import { strides } from './onnx-layout.ts';

export * from './onnx-layout.ts';

// ---------------------------------------------------------------------------------------------
// Attributes

const attr = (n: OnnxNode, name: string): OnnxAttr | undefined => n.attrs.get(name);

export function attrInt(n: OnnxNode, name: string, def: number): number {
  return attr(n, name)?.i ?? def;
}

export function attrFloat(n: OnnxNode, name: string, def: number): number {
  return attr(n, name)?.f ?? def;
}

export function attrInts(n: OnnxNode, name: string): number[] | undefined {
  return attr(n, name)?.ints;
}

export function attrString(n: OnnxNode, name: string, def: string): string {
  return attr(n, name)?.s ?? def;
}

/** The activation a convolution or Gemm absorbed from the Relu/Clip after it (src/import/onnx-fold.ts). */
export const FUSED_ACTIVATION = 'edgec.fused_activation';

export function fusedActivation(n: OnnxNode): Activation {
  const a = attrString(n, FUSED_ACTIVATION, 'none');
  return a === 'relu' || a === 'relu6' ? a : 'none';
}

/** Normalizes an axis of a rank-r tensor; null when out of range. */
export function axisOf(axis: number, rank: number): number | null {
  const a = axis < 0 ? axis + rank : axis;
  return Number.isInteger(a) && a >= 0 && a < rank ? a : null;
}

// ---------------------------------------------------------------------------------------------
// Windows (Conv, pools)

export interface Window2d {
  filter: { h: number; w: number };
  stride: { h: number; w: number };
  dilation: { h: number; w: number };
  padding: Padding2d;
  /** Output spatial dims, in ONNX order (1 or 2 of them). */
  out: number[];
}

const positive = (v: number) => Number.isInteger(v) && v >= 1 && v <= 65535;

/**
 * The window of a Conv or pool over `spatial` input dims (1-D or 2-D) with kernel `kernel`: explicit
 * pads, or auto_pad SAME_UPPER / SAME_LOWER (the odd pixel after / before) / VALID. 1-D windows are
 * 2-D with H = 1. Reports and returns null on attributes it cannot honour.
 */
export function window2d(c: OnnxImportContext, spatial: readonly number[], kernel: readonly number[], ceilMode = false): Window2d | null {
  const n = c.node;
  const r = spatial.length;
  const strides = attrInts(n, 'strides') ?? new Array<number>(r).fill(1);
  const dilations = attrInts(n, 'dilations') ?? new Array<number>(r).fill(1);
  let pads = [...(attrInts(n, 'pads') ?? new Array<number>(2 * r).fill(0))];
  const autoPad = attrString(n, 'auto_pad', 'NOTSET');
  if (kernel.length !== r || strides.length !== r || dilations.length !== r || pads.length !== 2 * r) {
    c.problem(`kernel_shape, strides, dilations or pads do not match the input's ${r} spatial axes`, 'E-ONNX-ATTR');
    return null;
  }
  if (![...kernel, ...strides, ...dilations].every(positive) || !pads.every((p) => Number.isInteger(p) && p >= 0 && p <= 65535)) {
    c.problem(
      `kernel [${kernel.join(', ')}], strides [${strides.join(', ')}], dilations [${dilations.join(', ')}] and pads [${pads.join(', ')}] must be positive (pads non-negative) integers`,
      'E-ONNX-ATTR',
    );
    return null;
  }
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    pads = new Array<number>(2 * r).fill(0);
    for (let a = 0; a < r; a++) {
      const out = Math.ceil(spatial[a]! / strides[a]!);
      const total = Math.max((out - 1) * strides[a]! + (kernel[a]! - 1) * dilations[a]! + 1 - spatial[a]!, 0);
      const small = Math.floor(total / 2);
      pads[a] = autoPad === 'SAME_UPPER' ? small : total - small;
      pads[a + r] = total - pads[a]!;
    }
  } else if (autoPad === 'VALID') pads = new Array<number>(2 * r).fill(0);
  else if (autoPad !== 'NOTSET') {
    c.problem(`auto_pad '${autoPad}' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID`, 'E-ONNX-ATTR');
    return null;
  }
  const out = spatial.map((s, a) => {
    const span = s + pads[a]! + pads[a + r]! - ((kernel[a]! - 1) * dilations[a]! + 1);
    if (!ceilMode) return Math.floor(span / strides[a]!) + 1;
    // ceil_mode: a last, partial window, unless it would start in the end padding (onnxruntime's rule).
    const o = Math.ceil(span / strides[a]!) + 1;
    return (o - 1) * strides[a]! >= s + pads[a]! ? o - 1 : o;
  });
  // The partial window as end padding, which the IR's pools leave out (max) or do not count (average).
  for (let a = 0; a < r && ceilMode; a++) {
    const need = (out[a]! - 1) * strides[a]! + (kernel[a]! - 1) * dilations[a]! + 1 - spatial[a]! - pads[a]!;
    pads[a + r] = Math.max(pads[a + r]!, need);
  }
  if (out.some((o) => o < 1)) {
    c.problem(`a ${kernel.join('x')} window does not fit the ${spatial.join('x')} input`, 'E-ONNX-SHAPE');
    return null;
  }
  // A 1-D window is 2-D with H = 1.
  const two = (v: readonly number[]) => (r === 1 ? { h: 1, w: v[0]! } : { h: v[0]!, w: v[1]! });
  const padding = r === 1 ? { top: 0, bottom: 0, left: pads[0]!, right: pads[1]! } : { top: pads[0]!, left: pads[1]!, bottom: pads[2]!, right: pads[3]! };
  return { filter: two(kernel), stride: two(strides), dilation: two(dilations), padding, out };
}

// ---------------------------------------------------------------------------------------------
// Constants

/** `data` with its axes permuted: output axis i is input axis perm[i]. */
export function permuteData<T extends OnnxData | TensorData>(data: T, dims: readonly number[], perm: readonly number[]): T {
  const out = new (data.constructor as new (n: number) => T)(data.length);
  const outDims = perm.map((p) => dims[p]!);
  const inStrides = strides(dims);
  const outStrides = strides(outDims);
  const r = dims.length;
  const coord = new Array<number>(r).fill(0);
  for (let o = 0; o < data.length; o++) {
    let rest = o;
    let i = 0;
    for (let a = 0; a < r; a++) {
      coord[a] = Math.floor(rest / outStrides[a]!);
      rest -= coord[a]! * outStrides[a]!;
      i += coord[a]! * inStrides[perm[a]!]!;
    }
    out[o] = data[i]!;
  }
  return out;
}

/** A per-channel quantization axis after permuting a constant's axes with `perm`. */
export function permuteQuant(q: QuantParams | undefined, perm: readonly number[]): QuantParams | undefined {
  if (!q || q.scale.length <= 1) return q;
  return { ...q, axis: perm.indexOf(q.axis ?? 0) };
}

/** An IR constant from an ONNX constant with its axes permuted (and its per-channel axis with them). */
export function addPermuted(c: OnnxImportContext, role: string, k: OnnxConst, perm: readonly number[], irShape: readonly number[]): number {
  return c.addConst(role, irShape, toTensorData(permuteData(k.data, k.dims, perm), k), permuteQuant(k.quant, perm));
}

/** The IR's typed array for a constant: float32 weights, int8 quantized weights, int32 biases. */
export function toTensorData(data: OnnxData, k: Pick<OnnxConst, 'dtype' | 'quant'>): TensorData {
  if (!k.quant) return data instanceof Float32Array ? data : Float32Array.from(data);
  if (data instanceof Int8Array || data instanceof Int32Array || data instanceof Int16Array) return data;
  return Int32Array.from(data);
}

/** Values of a float constant (biases, scales), or null when it is quantized. */
export function floatValues(k: OnnxConst): Float32Array {
  return k.data instanceof Float32Array ? k.data : Float32Array.from(k.data);
}

/** ONNX Reshape's target: 0 copies the input's extent (unless allowzero), one -1 takes the rest; a reason when it cannot. */
export function reshapeDims(inDims: readonly number[], shape: readonly number[], allowZero: boolean): number[] | string {
  const total = inDims.reduce((a, b) => a * b, 1);
  const out = shape.map((d, i) => (d === 0 && !allowZero ? (inDims[i] ?? Number.NaN) : d));
  const unknown = out.filter((d) => d === -1).length;
  if (unknown > 1 || out.some((d) => !Number.isInteger(d) || d < -1)) return `shape [${shape.join(', ')}] is not a valid Reshape target for [${inDims.join(', ')}]`;
  const known = out.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  if (unknown === 1) {
    if (known === 0 || total % known !== 0) return `shape [${shape.join(', ')}] does not divide the input's ${total} elements`;
    out[out.indexOf(-1)] = total / known;
  }
  if (out.reduce((a, b) => a * b, 1) !== total) return `shape [${out.join(', ')}] holds a different number of elements than the input's ${total}`;
  return out;
}

/** An operator a family knows and refuses, with the reason (listed with the unsupported operators). */
export function refusedOnnx(reason: string): OnnxImporter {
  return { inputs: [0, 64], outputs: [0, 64], refused: reason, import: (c) => c.problem(reason, 'E-ONNX-OP') };
}

/**
 * QLinearConv / QLinearMatMul operands: the integer constant of input `k` with the scale and zero
 * point at inputs k + 1, k + 2 (per tensor, or per output channel on `axis`), as a dequantized
 * constant; uint8 shifts to int8 (see src/import/onnx-qdq.ts). Reports and returns null otherwise.
 */
export function qlinearConst(c: OnnxImportContext, k: number, axis: number): OnnxConst | null {
  const v = c.constant(k, `input ${k}`);
  const q = qlinearParams(c, k + 1, v?.dims.length ?? 0, axis);
  if (!v || !q) return null;
  if (v.dtype !== 'int8' && v.dtype !== 'uint8') {
    c.problem(`input ${k} is ${v.dtype}; QLinear weights are int8 or uint8`, 'E-ONNX-QUANT');
    return null;
  }
  const shift = v.dtype === 'uint8' ? -128 : 0;
  return { ...v, dtype: 'int8', data: Int8Array.from(v.data, (x) => Number(x) + shift), quant: { ...q, zeroPoint: q.zeroPoint.map((z) => z + shift) } };
}

/** Scale and zero point at inputs k, k + 1 (zero point of the integer type: uint8 shifted to int8). */
export function qlinearParams(c: OnnxImportContext, k: number, rank: number, axis: number): QuantParams | null {
  const s = c.constant(k, 'a scale');
  const z = c.constant(k + 1, 'a zero point');
  if (!s || !z) return null;
  const shift = z.dtype === 'uint8' ? -128 : 0;
  const scale = Array.from(s.data, Number);
  const zeroPoint = scale.length === z.data.length ? Array.from(z.data, (v) => Number(v) + shift) : [];
  if (zeroPoint.length === 0 || scale.some((x) => !(x > 0) || !Number.isFinite(x)) || s.dtype !== 'float32') {
    c.problem(`scale (input ${k}) and zero point (input ${k + 1}) must be float32 and integers of one length, scales positive`, 'E-ONNX-QUANT');
    return null;
  }
  return { scale, zeroPoint, ...(scale.length > 1 && rank > 0 ? { axis } : {}) };
}

/** Same quantization parameters, every channel (float32 scales compared as float32). */
export function sameQuantOf(a: QuantParams | undefined, b: QuantParams | undefined): boolean {
  if (!a || !b) return a === b;
  return a.scale.length === b.scale.length && a.scale.every((s, i) => Math.fround(s) === Math.fround(b.scale[i]!)) && a.zeroPoint.every((z, i) => z === b.zeroPoint[i]);
}
