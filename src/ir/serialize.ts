/**
 * A deterministic JSON form of a graph (constants as base64 little-endian bytes), written beside the
 * generated C so `edgec simulate|verify DIR` run the same int8 graph the C was emitted from, and
 * hashed into every generated file's header.
 */
import { parsePreprocessing } from '../formats/preprocessing.ts';
import { createHash } from 'node:crypto';
import { fail } from '../support/diagnostics.ts';
import type { DType, Graph, GraphMeta, Tensor, TensorData } from './graph.ts';

interface TensorJson extends Omit<Tensor, 'data'> {
  data?: string;
}

interface GraphJson extends Omit<Graph, 'tensors'> {
  format: 'edgec-graph/1';
  tensors: TensorJson[];
}

/** Little-endian bytes of the tensor's type (an int64 constant, held as exact doubles, as int64). */
function toBase64(d: TensorData, dtype: DType): string {
  const bytes = dtype === 'int64' ? new BigInt64Array(Array.from(d, (v) => BigInt(v))) : d;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

const WIDTH: Partial<Record<DType, number>> = { int8: 1, int16: 2, int32: 4, int64: 8, float32: 4 };

function fromBase64(s: unknown, dtype: DType, file: string, tensor: string): TensorData {
  const width = WIDTH[dtype];
  const buf = typeof s === 'string' ? Buffer.from(s, 'base64') : null;
  if (!width || !buf || buf.length % width !== 0) fail('E-GRAPH-JSON', 'import', `constant data of a ${String(dtype)} tensor is not a whole number of values`, { file, tensor });
  const copy = new Uint8Array(buf).buffer; // aligned copy
  switch (dtype) {
    case 'int8':
      return new Int8Array(copy);
    case 'int16':
      return new Int16Array(copy);
    case 'int32':
      return new Int32Array(copy);
    case 'float32':
      return new Float32Array(copy);
    case 'int64':
      // Exact doubles; a value beyond 2^53 becomes NaN, which the validator refuses.
      return Float64Array.from(new BigInt64Array(copy), (v) => (v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : Number.NaN));
  }
}

export function serializeGraph(g: Graph): string {
  const json: GraphJson = {
    format: 'edgec-graph/1',
    name: g.name,
    meta: g.meta,
    inputs: g.inputs,
    outputs: g.outputs,
    ops: g.ops,
    tensors: g.tensors.map((t) => {
      const { data, ...rest } = t;
      return data ? { ...rest, data: toBase64(data, t.dtype) } : rest;
    }),
  };
  return `${JSON.stringify(json, null, 1)}\n`;
}

export function deserializeGraph(text: string, file: string): Graph {
  let json: GraphJson;
  try {
    json = JSON.parse(text) as GraphJson;
  } catch (e) {
    fail('E-GRAPH-JSON', 'import', `not valid JSON: ${(e as Error).message}`, { file });
  }
  if (typeof json !== 'object' || json === null || json.format !== 'edgec-graph/1')
    fail('E-GRAPH-FORMAT', 'import', `expected format "edgec-graph/1", found ${JSON.stringify((json as GraphJson | null)?.format)}`, { file, field: 'format' });
  // The structure only; everything else is the graph validator's job (the caller runs it).
  const isList = (v: unknown) => Array.isArray(v);
  for (const field of ['tensors', 'ops', 'inputs', 'outputs'] as const) if (!isList(json[field])) fail('E-GRAPH-JSON', 'import', `'${field}' must be a list`, { file, field });
  if (typeof json.name !== 'string' || typeof json.meta !== 'object' || json.meta === null) fail('E-GRAPH-JSON', 'import', "'name' and 'meta' are missing", { file });
  json.tensors.forEach((t, i) => {
    if (typeof t !== 'object' || t === null || typeof t.name !== 'string' || !isList(t.shape)) fail('E-GRAPH-JSON', 'import', `tensor ${i} lacks a name or shape`, { file, field: `tensors[${i}]` });
  });
  json.ops.forEach((o, i) => {
    if (typeof o !== 'object' || o === null || typeof o.name !== 'string' || !isList(o.inputs) || !isList(o.outputs) || typeof o.attrs !== 'object' || o.attrs === null)
      fail('E-GRAPH-JSON', 'import', `op ${i} lacks a name, inputs, outputs or attributes`, { file, field: `ops[${i}]` });
  });
  const tensors = json.tensors.map((t) => {
    const { data, ...rest } = t;
    return data === undefined ? rest : { ...rest, data: fromBase64(data, t.dtype, file, t.name) };
  });
  const meta = json.meta as GraphMeta;
  if (meta.labels !== undefined && (!Array.isArray(meta.labels) || !meta.labels.every((l) => typeof l === 'string')))
    fail('E-GRAPH-JSON', 'import', "'meta.labels' must be a list of strings", { file, field: 'meta.labels' });
  const preprocessing = parsePreprocessing(meta.preprocessing, file, 'meta.preprocessing');
  return { name: json.name, meta: preprocessing ? { ...meta, preprocessing } : meta, inputs: json.inputs, outputs: json.outputs, ops: json.ops, tensors };
}

/** SHA-256 of the serialized graph: identifies the model in generated headers and reports. */
export function graphHash(g: Graph): string {
  return createHash('sha256').update(serializeGraph(g)).digest('hex');
}
