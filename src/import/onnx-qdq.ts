/**
 * QuantizeLinear / DequantizeLinear parameters as the IR's quantization (quantized ONNX models, QDQ
 * format: onnxruntime.quantization.quantize_static(..., quant_format=QuantFormat.QDQ)).
 *
 *   y_scale (scalar, or 1-D per axis), y_zero_point (uint8 | int8 | int16 | int32; absent: 0 of uint8
 *   for QuantizeLinear, of the input's type for DequantizeLinear), axis (per-axis, default 1)
 *
 * The IR's 8-bit type is int8: a uint8 tensor is the same reals with every integer shifted by -128
 * (real = s * (q - z) = s * ((q - 128) - (z - 128))), so uint8 activations import as int8 with zero
 * point z - 128, and uint8 weights with zero point 128 as symmetric int8 weights.
 */
import type { OnnxDType, OnnxNode } from '../formats/onnx.ts';
import type { QuantParams } from '../ir/graph.ts';
import type { OnnxConst, OnnxValue } from '../ops/onnx-contract.ts';
import { axisOf } from '../ops/shared/onnx.ts';

export interface QdqParams {
  /** The IR type of the integers. */
  dtype: 'int8' | 'int16' | 'int32';
  quant: QuantParams;
  /** Added to the file's integers to get the IR's (-128 for uint8). */
  shift?: number;
}

const TYPES: Partial<Record<OnnxDType, { dtype: QdqParams['dtype']; shift: number }>> = {
  uint8: { dtype: 'int8', shift: -128 },
  int8: { dtype: 'int8', shift: 0 },
  int16: { dtype: 'int16', shift: 0 },
  int32: { dtype: 'int32', shift: 0 },
};

/**
 * A Q or DQ node's parameters. `xDtype`: the element type of the node's input (DQ: the integers; Q:
 * float32), which gives DQ's type when it has no zero point. `rank`: the data's rank (per-axis).
 */
export function qdqParams(n: OnnxNode, input: (k: number) => OnnxValue | undefined, xDtype: OnnxDType, rank?: number): QdqParams | string {
  const scale = input(1);
  const zero = input(2);
  if (scale?.kind !== 'const' || scale.dtype !== 'float32') return 'the scale must be a float32 constant';
  if (zero && zero.kind !== 'const') return 'the zero point must be a constant';
  if ((n.attrs.get('block_size')?.i ?? 0) !== 0) return 'blocked quantization (block_size) is not supported';
  const typeName: OnnxDType = zero?.dtype ?? (n.opType === 'DequantizeLinear' ? xDtype : 'uint8');
  const type = TYPES[typeName];
  if (!type) return `${typeName} quantization is not supported (uint8, int8, int16, int32 biases)`;
  const scales = Array.from(scale.data, Number);
  const zeros = zero ? Array.from(zero.data, (z) => Number(z) + type.shift) : scales.map(() => type.shift);
  if (scales.length === 0 || zeros.length !== scales.length) return `${scales.length} scales and ${zeros.length} zero points`;
  if (scales.some((s) => !(s > 0) || !Number.isFinite(s))) return 'every scale must be finite and positive';
  const perAxis = scale.dims.length === 1 && scales.length > 1;
  if (scale.dims.length > 1) return `the scale has shape [${scale.dims.join(', ')}] (a scalar or one per channel)`;
  const quant: QuantParams = { scale: scales, zeroPoint: zeros };
  if (perAxis) {
    const axis = axisOf(n.attrs.get('axis')?.i ?? 1, rank ?? 1);
    if (axis === null) return `axis ${n.attrs.get('axis')?.i ?? 1} is outside the data's ${rank} axes`;
    quant.axis = axis;
  }
  return { dtype: type.dtype, quant, ...(type.shift ? { shift: type.shift } : {}) };
}

/** A dequantized constant: its integers in the IR's type, with the DQ's parameters. */
export function dequantizedConst(c: OnnxConst, p: QdqParams, name: string): OnnxConst | string {
  const n = c.data.length;
  if (p.quant.scale.length > 1 && c.dims[p.quant.axis ?? 0] !== p.quant.scale.length) return `${p.quant.scale.length} scales for ${c.dims[p.quant.axis ?? 0]} channels on axis ${p.quant.axis}`;
  let data: Int8Array | Int16Array | Int32Array;
  if (p.dtype === 'int8') data = Int8Array.from({ length: n }, (_, i) => Number(c.data[i]) + (p.shift ?? 0));
  else if (p.dtype === 'int16') data = Int16Array.from(c.data as ArrayLike<number>);
  else data = Int32Array.from(c.data as ArrayLike<number>);
  return { kind: 'const', name, dims: c.dims, dtype: p.dtype, data, quant: p.quant };
}
