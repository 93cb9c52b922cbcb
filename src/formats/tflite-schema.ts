/**
 * The parts of a .tflite file (TFLite schema v3, identifier "TFL3") the importer needs, read by field
 * index with the bounds-checked reader in flatbuffer.ts and returned as plain data. Field indices
 * follow the public TFLite schema; no generated code is used.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fail } from '../support/diagnostics.ts';
import { FlatBuffer, type Table } from './flatbuffer.ts';

export const TENSOR_TYPES = [
  'float32',
  'float16',
  'int32',
  'uint8',
  'int64',
  'string',
  'bool',
  'int16',
  'complex64',
  'int8',
  'float64',
  'complex128',
  'uint64',
  'resource',
  'variant',
  'uint32',
  'uint16',
  'int4',
] as const;

/**
 * TFLite BuiltinOperator names by code (0 to 161; the STABLEHLO_ codes above have no runtime
 * support). Which of them edgec imports is each op family's business (src/ops).
 */
const BUILTIN_NAMES: readonly string[] = [
  'ADD',
  'AVERAGE_POOL_2D',
  'CONCATENATION',
  'CONV_2D',
  'DEPTHWISE_CONV_2D',
  'DEPTH_TO_SPACE',
  'DEQUANTIZE',
  'EMBEDDING_LOOKUP',
  'FLOOR',
  'FULLY_CONNECTED',
  'HASHTABLE_LOOKUP',
  'L2_NORMALIZATION',
  'L2_POOL_2D',
  'LOCAL_RESPONSE_NORMALIZATION',
  'LOGISTIC',
  'LSH_PROJECTION',
  'LSTM',
  'MAX_POOL_2D',
  'MUL',
  'RELU',
  'RELU_N1_TO_1',
  'RELU6',
  'RESHAPE',
  'RESIZE_BILINEAR',
  'RNN',
  'SOFTMAX',
  'SPACE_TO_DEPTH',
  'SVDF',
  'TANH',
  'CONCAT_EMBEDDINGS',
  'SKIP_GRAM',
  'CALL',
  'CUSTOM',
  'EMBEDDING_LOOKUP_SPARSE',
  'PAD',
  'UNIDIRECTIONAL_SEQUENCE_RNN',
  'GATHER',
  'BATCH_TO_SPACE_ND',
  'SPACE_TO_BATCH_ND',
  'TRANSPOSE',
  'MEAN',
  'SUB',
  'DIV',
  'SQUEEZE',
  'UNIDIRECTIONAL_SEQUENCE_LSTM',
  'STRIDED_SLICE',
  'BIDIRECTIONAL_SEQUENCE_RNN',
  'EXP',
  'TOPK_V2',
  'SPLIT',
  'LOG_SOFTMAX',
  'DELEGATE',
  'BIDIRECTIONAL_SEQUENCE_LSTM',
  'CAST',
  'PRELU',
  'MAXIMUM',
  'ARG_MAX',
  'MINIMUM',
  'LESS',
  'NEG',
  'PADV2',
  'GREATER',
  'GREATER_EQUAL',
  'LESS_EQUAL',
  'SELECT',
  'SLICE',
  'SIN',
  'TRANSPOSE_CONV',
  'SPARSE_TO_DENSE',
  'TILE',
  'EXPAND_DIMS',
  'EQUAL',
  'NOT_EQUAL',
  'LOG',
  'SUM',
  'SQRT',
  'RSQRT',
  'SHAPE',
  'POW',
  'ARG_MIN',
  'FAKE_QUANT',
  'REDUCE_PROD',
  'REDUCE_MAX',
  'PACK',
  'LOGICAL_OR',
  'ONE_HOT',
  'LOGICAL_AND',
  'LOGICAL_NOT',
  'UNPACK',
  'REDUCE_MIN',
  'FLOOR_DIV',
  'REDUCE_ANY',
  'SQUARE',
  'ZEROS_LIKE',
  'FILL',
  'FLOOR_MOD',
  'RANGE',
  'RESIZE_NEAREST_NEIGHBOR',
  'LEAKY_RELU',
  'SQUARED_DIFFERENCE',
  'MIRROR_PAD',
  'ABS',
  'SPLIT_V',
  'UNIQUE',
  'CEIL',
  'REVERSE_V2',
  'ADD_N',
  'GATHER_ND',
  'COS',
  'WHERE',
  'RANK',
  'ELU',
  'REVERSE_SEQUENCE',
  'MATRIX_DIAG',
  'QUANTIZE',
  'MATRIX_SET_DIAG',
  'ROUND',
  'HARD_SWISH',
  'IF',
  'WHILE',
  'NON_MAX_SUPPRESSION_V4',
  'NON_MAX_SUPPRESSION_V5',
  'SCATTER_ND',
  'SELECT_V2',
  'DENSIFY',
  'SEGMENT_SUM',
  'BATCH_MATMUL',
  'PLACEHOLDER_FOR_GREATER_OP_CODES',
  'CUMSUM',
  'CALL_ONCE',
  'BROADCAST_TO',
  'RFFT2D',
  'CONV_3D',
  'IMAG',
  'REAL',
  'COMPLEX_ABS',
  'HASHTABLE',
  'HASHTABLE_FIND',
  'HASHTABLE_IMPORT',
  'HASHTABLE_SIZE',
  'REDUCE_ALL',
  'CONV_3D_TRANSPOSE',
  'VAR_HANDLE',
  'READ_VARIABLE',
  'ASSIGN_VARIABLE',
  'BROADCAST_ARGS',
  'RANDOM_STANDARD_NORMAL',
  'BUCKETIZE',
  'RANDOM_UNIFORM',
  'MULTINOMIAL',
  'GELU',
  'DYNAMIC_UPDATE_SLICE',
  'RELU_0_TO_1',
  'UNSORTED_SEGMENT_PROD',
  'UNSORTED_SEGMENT_MAX',
  'UNSORTED_SEGMENT_SUM',
  'ATAN2',
  'UNSORTED_SEGMENT_MIN',
  'SIGN',
  'BITCAST',
  'BITWISE_XOR',
  'RIGHT_SHIFT',
];

export const BUILTIN: Readonly<Record<number, string>> = Object.fromEntries(BUILTIN_NAMES.map((n, i) => [i, n]));

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
