/**
 * The parts of a .tflite file (TFLite schema v3, identifier "TFL3") the importer needs, read by field
 * index with the bounds-checked reader in flatbuffer.ts and returned as plain data. Field indices
 * follow the public TFLite schema; no generated code is used.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fail } from '../diagnostics.ts';
import { FlatBuffer, type Table } from './flatbuffer.ts';

export const TENSOR_TYPES = ['float32', 'float16', 'int32', 'uint8', 'int64', 'string', 'bool', 'int16', 'complex64', 'int8', 'float64', 'complex128', 'uint64', 'resource', 'variant', 'uint32', 'uint16', 'int4'] as const;

/** Builtin operator codes used by the importer (TFLite BuiltinOperator). */
export const BUILTIN: Record<number, string> = {
  0: 'ADD',
  1: 'AVERAGE_POOL_2D',
  2: 'CONCATENATION',
  3: 'CONV_2D',
  4: 'DEPTHWISE_CONV_2D',
  6: 'DEQUANTIZE',
  9: 'FULLY_CONNECTED',
  14: 'LOGISTIC',
  17: 'MAX_POOL_2D',
  18: 'MUL',
  22: 'RESHAPE',
  25: 'SOFTMAX',
  27: 'SVDF',
  28: 'TANH',
  34: 'PAD',
  39: 'TRANSPOSE',
  40: 'MEAN',
  43: 'SQUEEZE',
  44: 'UNIDIRECTIONAL_SEQUENCE_LSTM',
  45: 'STRIDED_SLICE',
  70: 'EXPAND_DIMS',
  114: 'QUANTIZE',
};

export interface TfliteQuant {
  scale: number[];
  zeroPoint: number[];
  axis: number;
}

export interface TfliteTensor {
  index: number;
  name: string;
  shape: number[];
  shapeSignature: number[];
  type: string;
  buffer: number;
  quant: TfliteQuant | null;
  isVariable: boolean;
}

export interface TfliteOperator {
  index: number;
  /** Name of the builtin operator, or `BUILTIN_<code>` / `CUSTOM:<name>` when unknown. */
  op: string;
  inputs: number[];
  outputs: number[];
  options: Table | null;
}

export interface TfliteModel {
  file: string;
  version: number;
  tensors: TfliteTensor[];
  inputs: number[];
  outputs: number[];
  operators: TfliteOperator[];
  buffers: Uint8Array[];
}

function readQuant(t: Table | null): TfliteQuant | null {
  if (!t) return null;
  const scale = t.floats(2);
  if (scale.length === 0) return null;
  const zeroPoint = t.int64s(3);
  return { scale, zeroPoint: zeroPoint.length ? zeroPoint : scale.map(() => 0), axis: t.int(6) };
}

export function parseTflite(bytes: Uint8Array, file: string): TfliteModel {
  const fb = new FlatBuffer(bytes, file);
  if (bytes.length < 8) fail('E-TFLITE-TRUNCATED', 'import', `only ${bytes.length} bytes: not a .tflite model`, { file, offset: 0 });
  const id = fb.identifier();
  if (id !== 'TFL3') fail('E-TFLITE-IDENT', 'import', `file identifier is ${JSON.stringify(id)}, expected "TFL3" (not a TFLite flatbuffer)`, { file, offset: 4 });
  const model = fb.root();
  const buffers = model.tables(4, 'buffers').map((b) => {
    const offset = b.has(1) ? b.int(1, 0, 'u32') : 0;
    const size = b.has(2) ? b.int(2, 0, 'u32') : 0;
    if (offset > 1) {
      fb.check(offset, size, 'external buffer data');
      return bytes.subarray(offset, offset + size);
    }
    return b.bytes(0);
  });
  const opcodes = model.tables(1, 'operator_codes').map((c) => {
    const code = Math.max(c.int(0, 0, 'i8'), c.int(3, 0));
    const custom = c.string(1);
    return custom ? `CUSTOM:${custom}` : (BUILTIN[code] ?? `BUILTIN_${code}`);
  });
  const subgraphs = model.tables(2, 'subgraphs');
  if (subgraphs.length === 0) fail('E-TFLITE-CORRUPT', 'import', 'the model has no subgraph', { file });
  const sg = subgraphs[0]!;
  const tensors = sg.tables(0, 'tensors').map((t, index): TfliteTensor => {
    const typeCode = t.int(1, 0, 'u8');
    const buffer = t.int(2, 0, 'u32');
    if (buffer >= buffers.length) fail('E-TFLITE-BUFFER', 'import', `buffer index ${buffer} is out of range (${buffers.length} buffers)`, { file, tensor: t.string(3) || `#${index}` });
    return {
      index,
      name: t.string(3) || `tensor_${index}`,
      shape: t.ints(0),
      shapeSignature: t.ints(7),
      type: TENSOR_TYPES[typeCode] ?? `type${typeCode}`,
      buffer,
      quant: readQuant(t.table(4, `tensors[${index}].quantization`)),
      isVariable: t.bool(5),
    };
  });
  // -1 marks an absent optional operand; any other index must name a tensor of the subgraph.
  const checkTensor = (i: number, where: string, optionalOk: boolean) => {
    if (i >= tensors.length || i < (optionalOk ? -1 : 0)) fail('E-TFLITE-TENSOR', 'import', `${where} refers to tensor ${i}, but the subgraph has ${tensors.length}`, { file });
  };
  const operators = sg.tables(3, 'operators').map((o, index): TfliteOperator => {
    const opcode = o.int(0, 0, 'u32');
    if (opcode >= opcodes.length) fail('E-TFLITE-OPCODE', 'import', `operator ${index} uses opcode ${opcode}, but the model has ${opcodes.length}`, { file });
    const inputs = o.ints(1);
    const outputs = o.ints(2);
    inputs.forEach((i) => checkTensor(i, `operator ${index}`, true));
    outputs.forEach((i) => checkTensor(i, `operator ${index}`, false));
    return { index, op: opcodes[opcode]!, inputs, outputs, options: o.table(4, `operators[${index}].builtin_options`) };
  });
  const inputs = sg.ints(1);
  const outputs = sg.ints(2);
  [...inputs, ...outputs].forEach((i) => checkTensor(i, 'the subgraph inputs/outputs', false));
  return { file, version: model.int(0, 0, 'u32'), tensors, inputs, outputs, operators, buffers };
}

export function readTflite(path: string): TfliteModel {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    fail('E-TFLITE-READ', 'import', `cannot read: ${(e as Error).message}`, { file: path });
  }
  return parseTflite(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), basename(path));
}
