/**
 * What a float .tflite adds to the importer (./tflite.ts):
 *
 *   - float16 weights: TFLite's "float16 quantization" keeps fp16 constant buffers that DEQUANTIZE ops
 *     widen at run time; each such constant is folded here into a float32 constant (the DEQUANTIZE's
 *     output) and the DEQUANTIZE dropped, so the float graph is the one a float32 file gives;
 *   - which arithmetic the operators compute in: float32 activations everywhere (a float graph, which
 *     edgec calibrates and quantizes as it does a tfjs model) or integers (the file's own quantization).
 *     Anything in between is refused, located: int8 weights with float activations (dynamic-range
 *     quantization, TFLite's hybrid kernels) and graphs with both float and integer activations.
 */
import type { Diagnostic } from '../support/diagnostics.ts';
import type { TfliteModel, TfliteOperator } from '../formats/tflite-schema.ts';

/** IEEE 754 half precision (little-endian) to float32, subnormals, infinities and NaN included. */
export function float16Values(bytes: Uint8Array): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Float32Array.from({ length: bytes.length / 2 }, (_, i) => {
    const h = view.getUint16(2 * i, true);
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    if (exp === 0) return sign * frac * 2 ** -24;
    if (exp === 31) return frac ? Number.NaN : sign * Infinity;
    return sign * (1 + frac / 1024) * 2 ** (exp - 15);
  });
}

/** float32 constants made from float16 ones: values by tensor index, and the DEQUANTIZE ops folded away. */
export interface FoldedConstants {
  data: ReadonlyMap<number, Float32Array>;
  ops: ReadonlySet<number>;
}

const elements = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const isConstant = (m: TfliteModel, index: number) => (m.buffers[m.tensors[index]!.buffer]?.length ?? 0) > 0;

export function foldFloat16Constants(m: TfliteModel, problems: Diagnostic[]): FoldedConstants {
  const data = new Map<number, Float32Array>();
  const ops = new Set<number>();
  for (const op of m.operators) {
    if (op.op !== 'DEQUANTIZE' || op.inputs.length !== 1 || op.outputs.length !== 1 || op.inputs[0]! < 0) continue;
    const src = m.tensors[op.inputs[0]!]!;
    const dst = m.tensors[op.outputs[0]!]!;
    if (src.type !== 'float16' || dst.type !== 'float32' || !isConstant(m, src.index)) continue;
    const bytes = m.buffers[src.buffer]!;
    if (bytes.length !== 2 * elements(src.shape) || elements(src.shape) !== elements(dst.shape)) {
      problems.push({
        code: 'E-TFLITE-BUFFER',
        stage: 'import',
        message: `float16 buffer of ${bytes.length} bytes does not hold shape [${src.shape.join(', ')}] widened to [${dst.shape.join(', ')}]`,
        location: { file: m.file, tensor: src.name },
      });
      continue;
    }
    data.set(dst.index, float16Values(bytes));
    ops.add(op.index);
  }
  return { data, ops };
}

const INTEGER = new Set(['int8', 'int16']);

/**
 * Whether the operators (those not in `skip`: the float boundary and the folded DEQUANTIZE ops)
 * compute in float32; `problems` gets one located diagnostic for a dynamic-range or partially
 * quantized model.
 */
export function computesInFloat(m: TfliteModel, skip: ReadonlySet<number>, folded: FoldedConstants, problems: Diagnostic[]): boolean {
  const where = (op: TfliteOperator) => ({ file: m.file, layer: `${op.op}#${op.index}` });
  const hybrid: TfliteOperator[] = [];
  let floatOp: TfliteOperator | undefined;
  let intOp: TfliteOperator | undefined;
  for (const op of m.operators) {
    if (skip.has(op.index)) continue;
    const operands = [...op.inputs, ...op.outputs].filter((i) => i >= 0 && i < m.tensors.length);
    const activations = operands.filter((i) => !folded.data.has(i) && !isConstant(m, i)).map((i) => m.tensors[i]!.type);
    const hasFloat = activations.includes('float32');
    if (hasFloat) floatOp ??= op;
    if (activations.some((t) => INTEGER.has(t))) intOp ??= op;
    const intWeights = operands.some((i) => isConstant(m, i) && m.tensors[i]!.type === 'int8');
    if (hasFloat && intWeights) hybrid.push(op);
  }
  if (hybrid.length > 0) {
    const others = hybrid.length > 1 ? ` (and ${hybrid.length - 1} more operator${hybrid.length > 2 ? 's' : ''})` : '';
    problems.push({
      code: 'E-TFLITE-HYBRID',
      stage: 'import',
      message: `a dynamic-range quantized model: int8 weights with float32 activations${others}. edgec compiles a float model (float32 or float16 weights, with --calib) or a fully integer one (the TFLite converter with a representative dataset)`,
      location: where(hybrid[0]!),
    });
  } else if (floatOp && intOp) {
    const [first, other] = floatOp.index < intOp.index ? [floatOp, intOp] : [intOp, floatOp];
    const kind = (op: TfliteOperator) => (op === floatOp ? 'float32' : 'integer');
    problems.push({
      code: 'E-TFLITE-MIXED',
      stage: 'import',
      message: `a partially quantized model: this operator computes in ${kind(first)}, ${other.op}#${other.index} in ${kind(other)}. edgec compiles a float model (with --calib) or a fully integer one`,
      location: where(first),
    });
  }
  return floatOp !== undefined && intOp === undefined;
}
