/**
 * An .onnx file -> plain data (OnnxModel), read as hostile input: the bytes are capped, decoded with
 * protobufjs against the descriptor in onnx-schema.ts, and every part the importer will rely on is
 * checked. All problems of a file are reported together as located diagnostics (E-ONNX-...):
 *
 *   decode       bytes that are not a ModelProto (E-ONNX-DECODE)
 *   model        no graph, IR version before 3, no default-domain opset (E-ONNX-GRAPH, -VERSION, -OPSET)
 *   tensors      initializers and Constant values: shape, element type, data length, external data
 *                (refused: E-ONNX-EXTERNAL), sparse initializers (E-ONNX-TENSOR)
 *   graph        node count, names produced twice, graph inputs and outputs with tensor types
 *
 * Which operators are supported is the importer's business (src/import/onnx.ts).
 */
import { readFileSync, statSync } from 'node:fs';
import { EdgecError, fail, type Diagnostic } from '../support/diagnostics.ts';
import { ATTRIBUTE_TYPES, decodeOnnxProto, ONNX_TYPES, type PbAttribute, type PbGraph, type PbModel, type PbValueInfo } from './onnx-schema.ts';
import { decodeTensor, int64, type OnnxTensor } from './onnx-tensor.ts';

export type { OnnxData, OnnxDType, OnnxTensor } from './onnx-tensor.ts';

export interface OnnxLimits {
  /** Largest file, in bytes. */
  fileBytes: number;
  /** Most nodes in the graph. */
  nodes: number;
  /** Most elements in one tensor (initializer, Constant, or declared graph input). */
  tensorElements: number;
}

export const DEFAULT_ONNX_LIMITS: OnnxLimits = { fileBytes: 256 << 20, nodes: 20_000, tensorElements: 1 << 26 };

export interface OnnxAttr {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: string;
  t?: OnnxTensor;
  floats?: number[];
  ints?: number[];
  strings?: string[];
}

export interface OnnxNode {
  index: number;
  /** The node's name, or `<op_type>#<index>` when it has none. */
  name: string;
  opType: string;
  domain: string;
  /** '' marks an absent optional input. */
  inputs: string[];
  outputs: string[];
  attrs: ReadonlyMap<string, OnnxAttr>;
}

export interface OnnxValueInfo {
  name: string;
  /** Element type name (ONNX_TYPES), or 'none' when the value is not a tensor. */
  dtype: string;
  /** Dimensions: numbers, symbolic names, or null when the file gives no shape. */
  dims: (number | string)[] | null;
}

export interface OnnxModel {
  file: string;
  irVersion: number;
  /** Opset version of each imported domain ('' is the default ai.onnx domain). */
  opsets: ReadonlyMap<string, number>;
  producer: string;
  graphName: string;
  nodes: OnnxNode[];
  initializers: ReadonlyMap<string, OnnxTensor>;
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

const utf8 = new TextDecoder('utf-8', { fatal: false });
/** protobufjs leaves an absent bytes field as its default (an empty array): decode only real bytes. */
const text = (b: unknown) => (b instanceof Uint8Array ? utf8.decode(b) : '');

function valueInfo(v: PbValueInfo): OnnxValueInfo {
  const t = v.type?.tensorType;
  const dims = t?.shape ? (t.shape.dim ?? []).map((d) => (d.dimParam ? d.dimParam : d.dimValue !== undefined && d.dimValue !== null ? int64(d.dimValue) : '?')) : null;
  return { name: v.name ?? '', dtype: t ? (ONNX_TYPES[t.elemType ?? 0] ?? `type code ${t.elemType}`) : 'none', dims };
}

function attribute(a: PbAttribute, limits: OnnxLimits, problem: (message: string, code: string) => void): OnnxAttr {
  const name = a.name ?? '';
  const type = a.type ?? 0;
  const out: OnnxAttr = { name, type };
  if (a.refAttrName) problem(`attribute '${name}' refers to a function's attribute (only valid inside functions)`, 'E-ONNX-ATTR');
  if (type === ATTRIBUTE_TYPES.FLOAT) out.f = a.f ?? 0;
  if (type === ATTRIBUTE_TYPES.INT) out.i = int64(a.i);
  if (type === ATTRIBUTE_TYPES.STRING) out.s = text(a.s);
  if (type === ATTRIBUTE_TYPES.FLOATS) out.floats = [...(a.floats ?? [])];
  if (type === ATTRIBUTE_TYPES.INTS) out.ints = (a.ints ?? []).map(int64);
  if (type === ATTRIBUTE_TYPES.STRINGS) out.strings = (a.strings ?? []).map(text);
  if (type === ATTRIBUTE_TYPES.TENSOR && a.t) {
    const t = decodeTensor(a.t, limits.tensorElements);
    if (typeof t === 'string') problem(`attribute '${name}': the tensor cannot be read: ${t}`, t.includes('outside the model file') ? 'E-ONNX-EXTERNAL' : 'E-ONNX-TENSOR');
    else out.t = t;
  }
  return out;
}

function readGraph(g: PbGraph, file: string, limits: OnnxLimits, problems: Diagnostic[]) {
  const at = (code: string, message: string, location: Diagnostic['location'] = {}) => problems.push({ code, stage: 'import', message, location: { file, ...location } });
  const pbNodes = g.node ?? [];
  if (pbNodes.length > limits.nodes) at('E-ONNX-GRAPH', `the graph has ${pbNodes.length} nodes (at most ${limits.nodes})`);
  if ((g.sparseInitializer?.length ?? 0) > 0) at('E-ONNX-TENSOR', `the graph has ${g.sparseInitializer!.length} sparse initializer(s), which are not supported (store them dense)`);
  const initializers = new Map<string, OnnxTensor>();
  let elements = 0;
  for (const t of g.initializer ?? []) {
    const name = t.name ?? '';
    const decoded = decodeTensor(t, limits.tensorElements);
    if (typeof decoded === 'string') {
      at(decoded.includes('outside the model file') ? 'E-ONNX-EXTERNAL' : 'E-ONNX-TENSOR', `initializer cannot be read: ${decoded}`, { tensor: name });
      continue;
    }
    elements += decoded.data.length;
    if (elements > limits.tensorElements) {
      at('E-ONNX-TENSOR', `the initializers hold more than ${limits.tensorElements} values in all`, { tensor: name });
      break;
    }
    if (initializers.has(name)) at('E-ONNX-GRAPH', 'two initializers have this name', { tensor: name });
    initializers.set(name, decoded);
  }
  const produced = new Set<string>();
  const nodes: OnnxNode[] = pbNodes.slice(0, limits.nodes).map((n, index) => {
    const opType = n.opType ?? '';
    const name = n.name || `${opType || 'node'}#${index}`;
    const attrs = new Map<string, OnnxAttr>();
    for (const a of n.attribute ?? []) {
      const attr = attribute(a, limits, (message, code) => at(code, message, { layer: name }));
      if (attrs.has(attr.name)) at('E-ONNX-ATTR', `attribute '${attr.name}' is given twice`, { layer: name });
      attrs.set(attr.name, attr);
    }
    const outputs = [...(n.output ?? [])];
    for (const o of outputs) {
      if (o === '') continue;
      if (produced.has(o) || initializers.has(o)) at('E-ONNX-GRAPH', `value '${o}' is produced twice (a graph assigns each value once)`, { layer: name });
      produced.add(o);
    }
    return { index, name, opType, domain: n.domain === 'ai.onnx' ? '' : (n.domain ?? ''), inputs: [...(n.input ?? [])], outputs, attrs };
  });
  // Graph inputs that are also initializers are constants with a default (IR < 4 lists them): not inputs.
  const inputs = (g.input ?? []).map(valueInfo).filter((v) => !initializers.has(v.name));
  const outputs = (g.output ?? []).map(valueInfo);
  for (const v of [...inputs, ...outputs]) if (v.dtype === 'none') at('E-ONNX-TYPE', `graph input or output '${v.name}' is not a tensor`, { tensor: v.name });
  return { graphName: g.name ?? '', nodes, initializers, inputs, outputs };
}

/** Decodes and checks an ONNX model's bytes; throws one EdgecError with every problem. */
export function parseOnnx(bytes: Uint8Array, file: string, limits: OnnxLimits = DEFAULT_ONNX_LIMITS): OnnxModel {
  if (bytes.length > limits.fileBytes) fail('E-ONNX-SIZE', 'import', `the file has ${bytes.length} bytes (at most ${limits.fileBytes})`, { file });
  let m: PbModel;
  try {
    m = decodeOnnxProto(bytes);
  } catch (e) {
    fail('E-ONNX-DECODE', 'import', `not an ONNX model: the protobuf data cannot be decoded (${(e as Error).message.split('\n')[0]})`, { file });
  }
  const problems: Diagnostic[] = [];
  const at = (code: string, message: string, field?: string) => problems.push({ code, stage: 'import', message, location: { file, ...(field ? { field } : {}) } });
  if (!m.graph) fail('E-ONNX-GRAPH', 'import', 'the model has no graph (ModelProto.graph is missing: is this an ONNX model?)', { file });
  const irVersion = int64(m.irVersion);
  if (!(irVersion >= 3)) at('E-ONNX-VERSION', `IR version ${irVersion} is older than 3 (models without opset imports are not supported)`, 'ir_version');
  const opsets = new Map<string, number>();
  for (const o of m.opsetImport ?? []) {
    const domain = o.domain === 'ai.onnx' ? '' : (o.domain ?? '');
    opsets.set(domain, int64(o.version));
  }
  if (!opsets.has('')) at('E-ONNX-OPSET', 'the model imports no version of the default ONNX operator set', 'opset_import');
  const g = readGraph(m.graph, file, limits, problems);
  if (problems.length > 0) throw new EdgecError(problems);
  return { file, irVersion, opsets, producer: [m.producerName, m.producerVersion].filter(Boolean).join(' '), ...g };
}

/** Reads an .onnx file from disk (size checked before reading). */
export function readOnnx(path: string, limits: OnnxLimits = DEFAULT_ONNX_LIMITS): OnnxModel {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (e) {
    fail('E-ONNX-READ', 'import', `cannot read the model: ${(e as Error).message}`, { file: path });
  }
  if (size > limits.fileBytes) fail('E-ONNX-SIZE', 'import', `the file has ${size} bytes (at most ${limits.fileBytes})`, { file: path });
  return parseOnnx(readFileSync(path), path, limits);
}
