/**
 * QuantizeLinear and DequantizeLinear nodes of a quantized model, which add no op: they say how the
 * tensors around them are quantized.
 *
 *   float input -> QuantizeLinear       the IR's int8 input; the float boundary keeps (scale, zero point)
 *   int8 value  -> DequantizeLinear     the same IR tensor (its readers run in integers)
 *   int8 const  -> DequantizeLinear     an int8 weight (or int32 bias) with the node's parameters
 *   float op    -> QuantizeLinear       the op's output parameters (taken when the op is imported,
 *                                       src/import/onnx-context.ts); the node itself is an alias
 *   int8 value  -> DequantizeLinear -> graph output: the IR's output; the float boundary keeps its parameters
 */
import type { OnnxDType, OnnxNode } from '../formats/onnx.ts';
import { qdqParams, dequantizedConst, type QdqParams } from './onnx-qdq.ts';
import type { OnnxImportState } from './onnx-context.ts';
import { sameQuantOf } from '../ops/shared/onnx.ts';

export const QDQ_OPS: ReadonlySet<string> = new Set(['QuantizeLinear', 'DequantizeLinear']);

/** Operators that make a model quantized. */
export const QUANTIZED_OPS: ReadonlySet<string> = new Set([...QDQ_OPS, 'QLinearConv', 'QLinearMatMul']);

/** The parameters of a quantized model's float input: every reader quantizes it the same way. */
export function quantizedInput(s: OnnxImportState, name: string): QdqParams | null {
  const readers = s.readers.get(name) ?? [];
  const params = readers.map((n) => (n.opType === 'QuantizeLinear' ? qdqParams(n, (k) => s.value(n.inputs[k] ?? ''), 'float32') : null));
  const first = params[0];
  if (!first || typeof first === 'string' || params.some((p) => !p || typeof p === 'string' || p.dtype !== first.dtype || !sameQuantOf(p.quant, first.quant))) {
    s.report(
      'E-ONNX-QUANT',
      'a quantized model must quantize its float input once, with QuantizeLinear, before any other node reads it (weight-only quantization, float activations between DequantizeLinear weights, is not supported: compile the float model with --calib)',
      undefined,
      name,
    );
    return null;
  }
  if (first.quant.scale.length !== 1 || first.dtype === 'int32') {
    s.report('E-ONNX-QUANT', 'the input must be quantized per tensor to int8, uint8 or int16', undefined, name);
    return null;
  }
  s.boundary = { ...s.boundary, input: { scale: first.quant.scale[0]!, zeroPoint: first.quant.zeroPoint[0]! } };
  return first;
}

export function importQdqNode(s: OnnxImportState, n: OnnxNode): boolean {
  const x = s.value(n.inputs[0] ?? '');
  const out = n.outputs[0] ?? '';
  if (!x || out === '' || n.outputs.length !== 1) {
    s.report('E-ONNX-OP', `${n.opType} needs an input and one output`, n);
    return false;
  }
  const xDtype = x.kind === 'const' ? x.dtype : (s.b.tensor(x.id).dtype as OnnxDType);
  const p = qdqParams(n, (k) => s.value(n.inputs[k] ?? ''), xDtype, x.dims.length);
  if (typeof p === 'string') {
    s.report('E-ONNX-QUANT', p, n);
    return false;
  }
  if (x.kind === 'const') {
    if (n.opType === 'QuantizeLinear' || x.quant) {
      s.report('E-ONNX-QUANT', `${n.opType} of a constant is not supported (weights are stored quantized, read through DequantizeLinear)`, n);
      return false;
    }
    const c = dequantizedConst(x, p, out);
    if (typeof c === 'string') {
      s.report('E-ONNX-QUANT', c, n);
      return false;
    }
    s.values.set(out, c);
    return true;
  }
  const t = s.b.tensor(x.id);
  if (t.dtype === 'float32') {
    s.report('E-ONNX-QUANT', `'${x.name}' is a float value here: every value of a quantized model is read through DequantizeLinear`, n);
    return false;
  }
  if (p.quant.scale.length !== 1 || p.dtype === 'int32') {
    s.report('E-ONNX-QUANT', 'activations must be quantized per tensor to int8, uint8 or int16', n);
    return false;
  }
  if (n.opType === 'DequantizeLinear' && (p.dtype !== t.dtype || !sameQuantOf(p.quant, t.quant))) {
    s.report('E-ONNX-QUANT', `DequantizeLinear reads '${x.name}' with other parameters (scale ${p.quant.scale[0]}, zero point ${p.quant.zeroPoint[0]}) than it was quantized with`, n);
    return false;
  }
  // QuantizeLinear of an integer value: the op before took these parameters (or is requantized to them).
  s.values.set(out, { ...x, name: out, id: n.opType === 'QuantizeLinear' ? s.requantized(x.id, p, n.name) : x.id });
  return true;
}
