/**
 * .tflite -> int8 graph, keeping the file's own quantization parameters (nothing is re-quantized:
 * the compiler derives every multiplier from these scales exactly as TFLite Micro's Prepare does).
 * Every unsupported operator, option or tensor type is collected and reported in one error.
 */
import { basename } from 'node:path';
import { stridedSliceAxes } from '../quantize/op-params.ts';
import { EdgecError, type Diagnostic } from '../diagnostics.ts';
import { GraphBuilder } from '../ir/builder.ts';
import { assertValidGraph, type GraphLimits } from '../ir/validate.ts';
import { tfliteImporter } from '../ops/registry.ts';
import type { Activation, DType, Graph, Padding2d, QuantParams, TensorData } from '../ir/graph.ts';
import type { Table } from './flatbuffer.ts';
import { readTflite, type TfliteModel, type TfliteOperator, type TfliteTensor } from './tflite-model.ts';

const SUPPORTED_TYPES: Record<string, DType> = { int8: 'int8', int16: 'int16', int32: 'int32' };

function fused(code: number): Activation | null {
  return code === 0 ? 'none' : code === 1 ? 'relu' : code === 3 ? 'relu6' : null;
}

const ELEMENT_BYTES: Record<string, number> = { int8: 1, int16: 2, int32: 4 };

/** A constant's values, or null when the buffer's length does not match the tensor's shape and type. */
function tensorData(t: TfliteTensor, bytes: Uint8Array): TensorData | null {
  const elements = t.shape.reduce((a, b) => a * b, 1);
  const width = ELEMENT_BYTES[t.type];
  if (!width || !Number.isSafeInteger(elements) || bytes.length !== elements * width) return null;
  const copy = new Uint8Array(bytes).buffer; // aligned copy
  if (t.type === 'int8') return new Int8Array(copy);
  if (t.type === 'int16') return new Int16Array(copy);
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

/** Operand counts per builtin: [min inputs, max inputs], and the input slots that may be absent (-1). */
const ARITY: Record<string, { inputs: readonly [number, number]; optional?: readonly number[] }> = {
  CONV_2D: { inputs: [2, 3], optional: [2] },
  DEPTHWISE_CONV_2D: { inputs: [2, 3], optional: [2] },
  FULLY_CONNECTED: { inputs: [2, 3], optional: [2] },
  AVERAGE_POOL_2D: { inputs: [1, 1] },
  MAX_POOL_2D: { inputs: [1, 1] },
  SOFTMAX: { inputs: [1, 1] },
  LOGISTIC: { inputs: [1, 1] },
  TANH: { inputs: [1, 1] },
  ADD: { inputs: [2, 2] },
  MEAN: { inputs: [2, 2] },
  UNIDIRECTIONAL_SEQUENCE_LSTM: { inputs: [24, 24], optional: [1, 5, 9, 10, 11, 12, 16, 17, 20, 21, 22, 23] },
  SVDF: { inputs: [5, 5], optional: [3] },
  QUANTIZE: { inputs: [1, 1] },
  DEQUANTIZE: { inputs: [1, 1] },
  CONCATENATION: { inputs: [1, 64] },
  TRANSPOSE: { inputs: [2, 2] },
  STRIDED_SLICE: { inputs: [4, 4] },
  RESHAPE: { inputs: [1, 2] },
  SQUEEZE: { inputs: [1, 1] },
  EXPAND_DIMS: { inputs: [2, 2] },
};

/** Why an operator's operand lists cannot be read as its builtin's, or null. */
function arityProblem(op: TfliteOperator): string | null {
  const a = tfliteImporter(op.op) ?? ARITY[op.op];
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

/** Why an UNIDIRECTIONAL_SEQUENCE_LSTM is outside the supported integer form, or null. */
function lstmUnsupported(m: TfliteModel, op: TfliteOperator): string | null {
  const t = (k: number) => (op.inputs[k] !== undefined && op.inputs[k]! >= 0 ? m.tensors[op.inputs[k]!]! : null);
  if (op.inputs.length !== 24) return `expected 24 inputs, found ${op.inputs.length}`;
  if (t(0)?.type !== 'int8' || t(19)?.type !== 'int16') return 'only int8 input with an int16 cell state is supported (not float, hybrid or int16 activations)';
  for (let k = 1; k <= 8; k++) if (!t(k)) return 'a gate without weights (CIFG) is not supported';
  for (const k of [9, 10, 11]) if (t(k)) return 'peephole connections are not supported';
  for (const k of [16, 17]) if (t(k)) return 'a projection layer is not supported';
  for (const k of [20, 21, 22, 23]) if (t(k)) return 'layer normalization is not supported';
  if (!t(18)?.isVariable || !t(19)?.isVariable) return 'the hidden and cell state must be variable tensors';
  const act = op.options?.int(0, 0, 'u8') ?? 0;
  if (act !== 4) return `cell activation code ${act} is not supported (only tanh)`;
  const proj = op.options?.float(2, 0) ?? 0;
  if (proj !== 0) return 'projection clipping is not supported';
  return null;
}

export function importTfliteModel(m: TfliteModel, name?: string, limits?: GraphLimits): Graph {
  const problems: Diagnostic[] = [];
  const boundary = floatBoundary(m);
  const where = (op: TfliteOperator) => ({ file: m.file, layer: `${op.op}#${op.index}` });
  const b = new GraphBuilder();
  const ids = new Map<number, number>();
  const tensorId = (index: number): number => {
    const known = ids.get(index);
    if (known !== undefined) return known;
    const t = m.tensors[index]!;
    const dtype = SUPPORTED_TYPES[t.type];
    if (!dtype) {
      problems.push({ code: 'E-TFLITE-TYPE', stage: 'import', message: `tensor type ${t.type} is not supported (int8 models with int32 biases; float inputs around QUANTIZE/DEQUANTIZE are not yet)`, location: { file: m.file, tensor: t.name } });
    }
    const bytes = m.buffers[t.buffer]!;
    const data = bytes.length > 0 && dtype ? tensorData(t, bytes) : undefined;
    if (data === null) {
      problems.push({ code: 'E-TFLITE-BUFFER', stage: 'import', message: `buffer ${t.buffer} holds ${bytes.length} bytes; shape [${t.shape.join(', ')}] of ${t.type} needs ${t.shape.reduce((a, b) => a * b, 1) * (ELEMENT_BYTES[t.type] ?? 0)}`, location: { file: m.file, tensor: t.name } });
    }
    const quant: QuantParams | undefined = t.quant ? { scale: t.quant.scale, zeroPoint: t.quant.zeroPoint, ...(t.quant.scale.length > 1 ? { axis: t.quant.axis } : {}) } : undefined;
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
    if (boundary.skip.has(op.index)) continue;
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
    switch (op.op) {
      case 'CONV_2D':
      case 'DEPTHWISE_CONV_2D': {
        const dw = op.op === 'DEPTHWISE_CONV_2D';
        const stride: [number, number] = [o?.int(2, 1) ?? 1, o?.int(1, 1) ?? 1];
        const dilation: [number, number] = dw ? [o?.int(6, 1) ?? 1, o?.int(5, 1) ?? 1] : [o?.int(5, 1) ?? 1, o?.int(4, 1) ?? 1];
        const w = shape(op.inputs[1]!);
        const padding = padding2d(paddingMode(op, 0) === 0, shape(op.inputs[0]!), stride, [w[1]!, w[2]!], dilation);
        const base = { stride: { h: stride[0], w: stride[1] }, dilation: { h: dilation[0], w: dilation[1] }, padding, activation: act(dw ? 4 : 3) };
        if (dw) b.addOp({ kind: 'depthwise_conv2d', name, attrs: { ...base, depthMultiplier: o?.int(3, 1) || w[3]! / shape(op.inputs[0]!)[3]! }, inputs: [inputs[0]!, inputs[1]!, inputs[2] ?? -1], outputs });
        else {
          const groups = shape(op.inputs[0]!)[3]! / w[3]!;
          b.addOp({ kind: 'conv2d', name, attrs: { ...base, groups }, inputs: [inputs[0]!, inputs[1]!, inputs[2] ?? -1], outputs });
        }
        break;
      }
      case 'FULLY_CONNECTED':
        if ((o?.int(1, 0, 'u8') ?? 0) !== 0) problems.push({ code: 'E-TFLITE-OPTION', stage: 'import', message: 'shuffled fully-connected weights are not supported', location: where(op) });
        b.addOp({ kind: 'fully_connected', name, attrs: { activation: act(0) }, inputs: [inputs[0]!, inputs[1]!, inputs[2] ?? -1], outputs });
        break;
      case 'AVERAGE_POOL_2D':
      case 'MAX_POOL_2D': {
        const stride: [number, number] = [o?.int(2, 1) ?? 1, o?.int(1, 1) ?? 1];
        const filter: [number, number] = [o?.int(4, 1) ?? 1, o?.int(3, 1) ?? 1];
        const padding = padding2d(paddingMode(op, 0) === 0, shape(op.inputs[0]!), stride, filter, [1, 1]);
        b.addOp({
          kind: op.op === 'MAX_POOL_2D' ? 'max_pool2d' : 'avg_pool2d',
          name,
          attrs: { filter: { h: filter[0], w: filter[1] }, stride: { h: stride[0], w: stride[1] }, padding, activation: act(5) },
          inputs: [inputs[0]!],
          outputs,
        });
        break;
      }
      case 'SOFTMAX':
        b.addOp({ kind: 'softmax', name, attrs: { beta: o?.float(0, 1) ?? 1 }, inputs: [inputs[0]!], outputs });
        break;
      case 'LOGISTIC':
        b.addOp({ kind: 'logistic', name, attrs: {}, inputs: [inputs[0]!], outputs });
        break;
      case 'TANH':
        b.addOp({ kind: 'tanh', name, attrs: {}, inputs: [inputs[0]!], outputs });
        break;
      case 'ADD':
        b.addOp({ kind: 'add', name, attrs: { activation: act(0) }, inputs: [inputs[0]!, inputs[1]!], outputs });
        break;
      case 'MEAN': {
        const axes = Array.from(constInts(op.inputs[1]!));
        const rank = shape(op.inputs[0]!).length;
        const norm = axes.map((a) => (a < 0 ? a + rank : a)).sort();
        if (rank !== 4 || norm.join(',') !== '1,2') {
          problems.push({ code: 'E-TFLITE-OPTION', stage: 'import', message: `MEAN over axes [${axes.join(', ')}] is not supported (only H and W of a 4-D tensor)`, location: where(op) });
          break;
        }
        b.addOp({ kind: 'mean_hw_requant', name, attrs: {}, inputs: [inputs[0]!], outputs });
        break;
      }
      case 'UNIDIRECTIONAL_SEQUENCE_LSTM': {
        const why = lstmUnsupported(m, op);
        if (why) {
          problems.push({ code: 'E-TFLITE-OPTION', stage: 'import', message: why, location: where(op) });
          break;
        }
        // x, input weights (i, f, c, o), recurrent weights (i, f, c, o), biases (i, f, c, o), hidden and cell state.
        const order = [0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 13, 14, 15, 18, 19];
        b.addOp({ kind: 'lstm', name, attrs: { timeMajor: (o?.int(3, 0, 'u8') ?? 0) !== 0, cellClip: o?.float(1, 0) ?? 0 }, inputs: order.map((k) => inputs[k]!), outputs });
        break;
      }
      case 'SVDF': {
        const t = (k: number) => (op.inputs[k] !== undefined && op.inputs[k]! >= 0 ? m.tensors[op.inputs[k]!]! : null);
        const act = o?.int(1, 0, 'u8') ?? 0;
        if (t(0)?.type !== 'int8' || t(2)?.type !== 'int8' || t(4)?.type !== 'int8') problems.push({ code: 'E-TFLITE-OPTION', stage: 'import', message: 'only int8 SVDF with int8 time weights and state is supported', location: where(op) });
        else if (!t(4)?.isVariable) problems.push({ code: 'E-TFLITE-OPTION', stage: 'import', message: 'the SVDF state must be a variable tensor', location: where(op) });
        else if (act !== 0 && act !== 1) problems.push({ code: 'E-TFLITE-OPTION', stage: 'import', message: `SVDF activation code ${act} is not supported`, location: where(op) });
        // TFLite Micro's integer SVDF clamps only to the int8 range (it does not apply the fused activation).
        else b.addOp({ kind: 'svdf', name, attrs: { rank: o?.int(0, 1) ?? 1 }, inputs: [inputs[0]!, inputs[1]!, inputs[2]!, inputs[3] ?? -1, inputs[4]!], outputs });
        break;
      }
      case 'QUANTIZE': {
        const from = m.tensors[op.inputs[0]!]!.type;
        const to = m.tensors[op.outputs[0]!]!.type;
        const ok = ['int8', 'int16'].includes(from) && ['int8', 'int16', 'int32'].includes(to);
        if (!ok) problems.push({ code: 'E-TFLITE-OPTION', stage: 'import', message: `QUANTIZE from ${from} to ${to} is not supported (float inputs are supported at the model's input)`, location: where(op) });
        else b.addOp({ kind: 'requantize', name, attrs: {}, inputs: [inputs[0]!], outputs });
        break;
      }
      case 'CONCATENATION': {
        const outQ = m.tensors[op.outputs[0]!]!.quant;
        const same = op.inputs.every((i) => {
          const q = m.tensors[i]!.quant;
          return q && outQ && q.scale[0] === outQ.scale[0] && q.zeroPoint[0] === outQ.zeroPoint[0];
        });
        if (!same) problems.push({ code: 'E-TFLITE-OPTION', stage: 'import', message: 'CONCATENATION of inputs quantized differently from the output is not supported (TFLite Micro requires them equal)', location: where(op) });
        else b.addOp({ kind: 'concat', name, attrs: { axis: o?.int(0, 0) ?? 0, activation: act(1) }, inputs: op.inputs.map((i) => tensorId(i)), outputs });
        break;
      }
      case 'TRANSPOSE':
        b.addOp({ kind: 'transpose', name, attrs: { perm: Array.from(constInts(op.inputs[1]!)) }, inputs: [inputs[0]!], outputs });
        break;
      case 'STRIDED_SLICE': {
        const masks = { begin: o?.int(0, 0) ?? 0, end: o?.int(1, 0) ?? 0, ellipsis: o?.int(2, 0) ?? 0, newAxis: o?.int(3, 0) ?? 0, shrink: o?.int(4, 0) ?? 0 };
        if ((o?.int(5, 0, 'u8') ?? 0) !== 0) {
          problems.push({ code: 'E-TFLITE-OPTION', stage: 'import', message: 'STRIDED_SLICE with offset=true is not supported', location: where(op) });
          break;
        }
        const axes = stridedSliceAxes(shape(op.inputs[0]!), Array.from(constInts(op.inputs[1]!)), Array.from(constInts(op.inputs[2]!)), Array.from(constInts(op.inputs[3]!)), masks);
        if (!axes) problems.push({ code: 'E-TFLITE-OPTION', stage: 'import', message: 'STRIDED_SLICE with an ellipsis or new-axis mask is not supported', location: where(op) });
        else b.addOp({ kind: 'strided_slice', name, attrs: axes, inputs: [inputs[0]!], outputs });
        break;
      }
      case 'RESHAPE':
      case 'SQUEEZE':
      case 'EXPAND_DIMS':
        b.addOp({ kind: 'reshape', name, attrs: { shape: shape(op.outputs[0]!) }, inputs: [inputs[0]!], outputs });
        break;
      default:
        problems.push({ code: 'E-TFLITE-OP', stage: 'import', message: `operator ${op.op} is not supported yet`, location: where(op) });
    }
  }
  const inputs = boundary.inputs.map(tensorId);
  const outputs = boundary.outputs.map(tensorId);
  if (problems.length > 0) throw new EdgecError(problems);
  const g = b.build(name ?? basename(m.file).replace(/\.tflite$/, ''), inputs, outputs, { source: m.file, ...(boundary.meta ? { floatBoundary: boundary.meta } : {}) });
  return assertValidGraph(g, limits);
}

/** Reads, imports and validates a .tflite file (`limits`: the caps of src/ir/validate.ts). */
export function importTflite(path: string, name?: string, limits?: GraphLimits): Graph {
  return importTfliteModel(readTflite(path), name, limits);
}
