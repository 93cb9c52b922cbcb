/**
 * .tflite -> int8 (or 16x8: int16 activations, int64 biases) graph, keeping the file's own quantization parameters (nothing is re-quantized:
 * the compiler derives every multiplier from these scales exactly as TFLite Micro's Prepare does);
 * or, for a float model (float32 activations; float32 or float16 weights, see ./tflite-float.ts), the
 * float graph the tfjs importer would build, which the pipeline calibrates and quantizes.
 * Every unsupported operator, option or tensor type is collected and reported in one error.
 */
import { basename } from 'node:path';
import { EdgecError, type Diagnostic } from '../support/diagnostics.ts';
import { GraphBuilder } from '../ir/builder.ts';
import { assertValidGraph, type GraphLimits } from '../validate/validate.ts';
import { tfliteImporter } from '../ops/registry.ts';
import type { Activation, DType, Graph, Padding2d, QuantParams, TensorData } from '../ir/graph.ts';
import type { Table } from '../formats/flatbuffer.ts';
import { readTflite, type TfliteModel, type TfliteOperator, type TfliteTensor } from '../formats/tflite-schema.ts';
import { computesInFloat, foldFloat16Constants } from './tflite-float.ts';

const SUPPORTED_TYPES: Record<string, DType> = { float32: 'float32', int8: 'int8', int16: 'int16', int32: 'int32', int64: 'int64' };

function fused(code: number): Activation | null {
  return code === 0 ? 'none' : code === 1 ? 'relu' : code === 3 ? 'relu6' : null;
}

const ELEMENT_BYTES: Record<string, number> = { float32: 4, int8: 1, int16: 2, int32: 4, int64: 8 };

/** A constant's values, or null when the buffer's length does not match the tensor's shape and type. */
function tensorData(t: TfliteTensor, bytes: Uint8Array): TensorData | null {
  const elements = t.shape.reduce((a, b) => a * b, 1);
  const width = ELEMENT_BYTES[t.type];
  if (!width || !Number.isSafeInteger(elements) || bytes.length !== elements * width) return null;
  const copy = new Uint8Array(bytes).buffer; // aligned copy
  if (t.type === 'int8') return new Int8Array(copy);
  if (t.type === 'int16') return new Int16Array(copy);
  if (t.type === 'float32') return new Float32Array(copy);
  // int64 (16x8 biases) as exact doubles; a value beyond 2^53 is refused by the validator, located.
  if (t.type === 'int64') return Float64Array.from(new BigInt64Array(copy), (v) => (v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : Number.NaN));
  return new Int32Array(copy);
}

/** The output extent TFLite computes for SAME (ceil(in / stride)) or VALID padding. */
function windowOutput(isSame: boolean, inSize: number, stride: number, filter: number, dilation: number): number {
  const extent = (filter - 1) * dilation + 1;
  return isSame ? Math.ceil(inSize / stride) : Math.ceil((inSize - extent + 1) / stride);
}

/**
 * TFLite's padding for SAME, from the output size it computes itself (never from the file's output
 * shape, which the validator then checks against this padding).
 */
function samePadding(inSize: number, stride: number, filter: number, dilation: number): [number, number] {
  const outSize = windowOutput(true, inSize, stride, filter, dilation);
  const total = Math.max((outSize - 1) * stride + (filter - 1) * dilation + 1 - inSize, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

function padding2d(isSame: boolean, inShape: number[], stride: [number, number], filter: [number, number], dilation: [number, number]): Padding2d {
  if (!isSame) return { top: 0, bottom: 0, left: 0, right: 0 };
  const [top, bottom] = samePadding(inShape[1]!, stride[0], filter[0], dilation[0]);
  const [left, right] = samePadding(inShape[2]!, stride[1], filter[1], dilation[1]);
  return { top, bottom, left, right };
}

/** A DEQUANTIZE is imported only as the float boundary at a model output (see floatBoundary). */
const DEQUANTIZE_ARITY = { inputs: [1, 1] as const };

/** Why an operator's operand lists cannot be read as its builtin's, or null. */
function arityProblem(op: TfliteOperator): string | null {
  const a: { inputs: readonly [number, number]; optional?: readonly number[] } | undefined = tfliteImporter(op.op) ?? (op.op === 'DEQUANTIZE' ? DEQUANTIZE_ARITY : undefined);
  if (!a) return null; // unsupported: reported as such
  const [min, max] = a.inputs;
  if (op.inputs.length < min || op.inputs.length > max) return `${op.op} has ${op.inputs.length} inputs, expected ${min === max ? min : `${min} to ${max}`}`;
  if (op.outputs.length !== 1) return `${op.op} has ${op.outputs.length} outputs, expected 1`;
  const missing = op.inputs.findIndex((i, k) => i < 0 && !(a.optional ?? []).includes(k));
  if (missing >= 0) return `${op.op} input ${missing} is absent (-1) but required`;
  return null;
}

/**
 * A QUANTIZE from a float graph input, or a DEQUANTIZE to a float graph output, is the model's float
 * boundary: the int8 tensor beyond it becomes the graph's input/output and its quantization is kept
 * in the graph's meta, so the generated C stays integer-only.
 */
function floatBoundary(m: TfliteModel) {
  const skip = new Set<number>();
  const inputs = [...m.inputs];
  const outputs = [...m.outputs];
  let input: { scale: number; zeroPoint: number } | undefined;
  let output: { scale: number; zeroPoint: number } | undefined;
  for (const op of m.operators) {
    if ((op.op !== 'QUANTIZE' && op.op !== 'DEQUANTIZE') || arityProblem(op)) continue;
    const src = m.tensors[op.inputs[0]!]!;
    const dst = m.tensors[op.outputs[0]!]!;
    if (op.op === 'QUANTIZE' && src.type === 'float32' && m.inputs.includes(src.index) && dst.quant) {
      inputs[inputs.indexOf(src.index)] = dst.index;
      input = { scale: dst.quant.scale[0]!, zeroPoint: dst.quant.zeroPoint[0]! };
      skip.add(op.index);
    }
    if (op.op === 'DEQUANTIZE' && dst.type === 'float32' && m.outputs.includes(dst.index) && src.quant) {
      outputs[outputs.indexOf(dst.index)] = src.index;
      output = { scale: src.quant.scale[0]!, zeroPoint: src.quant.zeroPoint[0]! };
      skip.add(op.index);
    }
  }
  return { skip, inputs, outputs, meta: input || output ? { ...(input ? { input } : {}), ...(output ? { output } : {}) } : undefined };
}

/**
 * The operators' arithmetic: the float boundary (integer models), float16 constants folded (float
 * models), the ops both leave out, and whether the rest computes in float32. Refuses, located, a
 * model that is neither float nor integer throughout.
 */
function arithmetic(m: TfliteModel) {
  const problems: Diagnostic[] = [];
  const boundary = floatBoundary(m);
  const folded = foldFloat16Constants(m, problems);
  const skip = new Set([...boundary.skip, ...folded.ops]);
  const float = computesInFloat(m, skip, folded, problems);
  if (problems.length > 0) throw new EdgecError(problems);
  return { boundary, folded, skip, float };
}

/** Whether a .tflite model computes in float32 (to calibrate and quantize) rather than in integers (kept as they are). */
export function isFloatTflite(m: TfliteModel): boolean {
  return arithmetic(m).float;
}

export function importTfliteModel(m: TfliteModel, name?: string, limits?: GraphLimits): Graph {
  const { boundary, folded, skip } = arithmetic(m);
  const problems: Diagnostic[] = [];
  const where = (op: TfliteOperator) => ({ file: m.file, layer: `${op.op}#${op.index}` });
  const b = new GraphBuilder();
  const ids = new Map<number, number>();
  // One diagnostic per unsupported type (at its first tensor), not one per tensor.
  const badTypes = new Set<string>();
  const tensorId = (index: number): number => {
    const known = ids.get(index);
    if (known !== undefined) return known;
    const t = m.tensors[index]!;
    const dtype = folded.data.has(index) ? 'float32' : SUPPORTED_TYPES[t.type];
    if (!dtype && !badTypes.has(t.type)) {
      badTypes.add(t.type);
      const count = m.tensors.filter((u) => u.type === t.type).length;
      problems.push({
        code: 'E-TFLITE-TYPE',
        stage: 'import',
        message: `tensor type ${t.type} is not supported${count > 1 ? ` (${count} tensors of this type)` : ''}: edgec reads int8 models with int32 biases, 16x8 models with int64 biases, and float models (float32 activations; float32 weights, or float16 weights through DEQUANTIZE)`,
        location: { file: m.file, tensor: t.name },
      });
    }
    const bytes = m.buffers[t.buffer]!;
    const data = folded.data.get(index) ?? (bytes.length > 0 && dtype ? tensorData(t, bytes) : undefined);
    if (data === null) {
      problems.push({
        code: 'E-TFLITE-BUFFER',
        stage: 'import',
        message: `buffer ${t.buffer} holds ${bytes.length} bytes; shape [${t.shape.join(', ')}] of ${t.type} needs ${t.shape.reduce((a, b) => a * b, 1) * (ELEMENT_BYTES[t.type] ?? 0)}`,
        location: { file: m.file, tensor: t.name },
      });
    }
    // A float graph carries no quantization (a converter may leave min/max on float tensors).
    const quant: QuantParams | undefined =
      t.quant && dtype !== 'float32' ? { scale: t.quant.scale, zeroPoint: t.quant.zeroPoint, ...(t.quant.scale.length > 1 ? { axis: t.quant.axis } : {}) } : undefined;
    const id = b.addTensor({
      name: t.name,
      shape: t.shape.length ? t.shape : [1],
      dtype: dtype ?? 'int8',
      ...(quant ? { quant } : {}),
      ...(data ? { data } : {}),
      ...(t.isVariable ? { variable: true } : {}),
    });
    ids.set(index, id);
    return id;
  };
  const shape = (i: number) => m.tensors[i]!.shape;
  /** A constant int32 operand (paddings, permutation, slice bounds). */
  const constInts = (i: number): Int32Array => {
    const t = m.tensors[i];
    const bytes = t ? m.buffers[t.buffer] : undefined;
    if (!t || !bytes || bytes.length === 0 || t.type !== 'int32') return new Int32Array(0);
    return (tensorData(t, bytes) as Int32Array | null) ?? new Int32Array(0);
  };
  const opts = (op: TfliteOperator): Table | null => op.options;
  /** TFLite Padding: 0 SAME, 1 VALID; anything else is reported (and read as VALID). */
  const paddingMode = (op: TfliteOperator, index: number): number => {
    const mode = op.options?.int(index, 0, 'u8') ?? 0;
    if (mode > 1) problems.push({ code: 'E-TFLITE-OPTION', stage: 'import', message: `padding code ${mode} is not SAME (0) or VALID (1)`, location: where(op) });
    return mode;
  };

  for (const op of m.operators) {
    if (skip.has(op.index)) continue;
    const arity = arityProblem(op);
    if (arity) {
      problems.push({ code: 'E-TFLITE-OPERANDS', stage: 'import', message: arity, location: where(op) });
      continue;
    }
    const inputs = op.inputs.map((i) => (i < 0 ? -1 : tensorId(i)));
    const outputs = op.outputs.map(tensorId);
    const o = opts(op);
    const name = m.tensors[op.outputs[0]!]!.name;
    const act = (index: number) => {
      const a = fused(o ? o.int(index, 0, 'u8') : 0);
      if (a === null) problems.push({ code: 'E-TFLITE-OPTION', stage: 'import', message: `fused activation code ${o!.int(index, 0, 'u8')} is not supported`, location: where(op) });
      return a ?? 'none';
    };
    const importer = tfliteImporter(op.op);
    if (importer) {
      importer.import({
        model: m,
        op,
        options: o,
        inputs,
        outputs,
        name,
        shape,
        constInts,
        activation: act,
        isSame: (index) => paddingMode(op, index) === 0,
        padding2d,
        tensorId,
        addOp: (init) => b.addOp(init),
        problem: (message, code = 'E-TFLITE-OPTION') => problems.push({ code, stage: 'import', message, location: where(op) }),
      });
      continue;
    }
    problems.push({ code: 'E-TFLITE-OP', stage: 'import', message: `operator ${op.op} is not supported yet`, location: where(op) });
  }
  const inputs = boundary.inputs.map(tensorId);
  const outputs = boundary.outputs.map(tensorId);
  if (problems.length > 0) throw new EdgecError(problems);
  const g = b.build(name ?? basename(m.file).replace(/\.[^.]*$/, ''), inputs, outputs, { source: m.file, ...(boundary.meta ? { floatBoundary: boundary.meta } : {}) });
  return assertValidGraph(g, limits);
}

/** Reads, imports and validates a .tflite file (`limits`: the caps of src/validate/validate.ts). */
export function importTflite(path: string, name?: string, limits?: GraphLimits): Graph {
  return importTfliteModel(readTflite(path), name, limits);
}
