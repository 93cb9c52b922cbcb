/**
 * ONNX model -> IR graph: a float graph (then passes, calibration and quantization, as from tfjs), or
 * for a quantized model (QDQ: QuantizeLinear/DequantizeLinear around float ops; QLinearConv,
 * QLinearMatMul) an int8 graph keeping the file's scales and zero points (as from .tflite).
 *
 *   bytes -> parseOnnx (src/formats/onnx.ts: decode, caps, tensors)
 *         -> foldOnnx (bias and activation folds) -> unsupported operators, all listed at once
 *         -> nodes in topological order: constants fold (onnx-const.ts), Q/DQ map to quantization
 *            (quantized models), every other op through its family's mapping (OpFamily.onnx)
 *         -> validated graph
 *
 * Input contract: an input that a convolution, pool or batch norm reads ([N, C, T] or [N, C, H, W])
 * becomes the IR's channels-last tensor ([1, 1, T, C] or [1, H, W, C]): the generated C and
 * `--calib` windows take samples time-major with channels interleaved (x[t * C + c]). Any other
 * input keeps ONNX order. The graph's meta says which (the folder's README and manifest show it).
 */
import { basename } from 'node:path';
import { EdgecError, fail } from '../support/diagnostics.ts';
import type { Graph, GraphMeta } from '../ir/graph.ts';
import { assertValidGraph, type GraphLimits } from '../validate/validate.ts';
import { onnxImporter } from '../ops/registry.ts';
import { parseOnnx, readOnnx, type OnnxModel, type OnnxNode, type OnnxTensor, type OnnxValueInfo } from '../formats/onnx.ts';
import type { OnnxActivation, OnnxLayout } from '../ops/onnx-contract.ts';
import { irShapeOf, MAX_ACTIVATION_ELEMENTS, orderOf } from '../ops/shared/onnx.ts';
import { foldNode, type FoldInput } from './onnx-const.ts';
import { nodeContext, OnnxImportState } from './onnx-context.ts';
import { foldOnnx } from './onnx-fold.ts';
import { importQdqNode, QDQ_OPS, QUANTIZED_OPS, quantizedInput } from './onnx-qdq-nodes.ts';

export interface OnnxImport {
  graph: Graph;
  /** The file was quantized (QDQ / QLinear): `graph` is the int8 graph; otherwise the float graph. */
  quantized: boolean;
}

/** Default-domain opset versions the mappings were written against. */
const OPSETS: readonly [number, number] = [7, 23];

/** Ops the importer folds when their inputs are constants (see onnx-const.ts), besides the families'. */
const FOLDABLE = new Set([
  'Constant',
  'Shape',
  'Gather',
  'Unsqueeze',
  'Squeeze',
  'Concat',
  'Cast',
  'Identity',
  'Reshape',
  'Flatten',
  'Transpose',
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Slice',
  'ConstantOfShape',
  'Expand',
]);

/** Ops through which an input's layout is decided by what reads it next. */
const PASS_THROUGH = new Set(['QuantizeLinear', 'DequantizeLinear', 'Identity', 'Relu', 'LeakyRelu', 'Sigmoid', 'Tanh', 'Clip', 'HardSwish', 'Dropout']);
const CHANNEL_OPS = new Set(['Conv', 'ConvTranspose', 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'GlobalMaxPool', 'BatchNormalization', 'Pad', 'QLinearConv', 'LpPool', 'InstanceNormalization']);

function readersOf(nodes: readonly OnnxNode[]): Map<string, OnnxNode[]> {
  const readers = new Map<string, OnnxNode[]>();
  for (const n of nodes) for (const v of new Set(n.inputs)) if (v !== '') readers.set(v, [...(readers.get(v) ?? []), n]);
  return readers;
}

/** Channels-last when a channel op reads the input (through element-wise and Q/DQ nodes), else ONNX order. */
function inputLayout(name: string, rank: number, readers: ReadonlyMap<string, readonly OnnxNode[]>): OnnxLayout {
  if (rank !== 3 && rank !== 4) return 'plain';
  const seen = new Set<string>();
  const queue = [name];
  while (queue.length > 0) {
    const v = queue.shift()!;
    if (seen.has(v)) continue;
    seen.add(v);
    for (const n of readers.get(v) ?? []) {
      if (CHANNEL_OPS.has(n.opType)) return 'channels-last';
      if (PASS_THROUGH.has(n.opType)) queue.push(...n.outputs);
    }
  }
  return 'plain';
}

/** Nodes in an order where each reads only what came before; unknown inputs and cycles are reported. */
function topologicalOrder(s: OnnxImportState, nodes: readonly OnnxNode[]): OnnxNode[] {
  const known = new Set<string>(['', ...s.model.inputs.map((i) => i.name), ...s.consts.keys()]);
  const produced = new Set(nodes.flatMap((n) => n.outputs));
  for (const n of nodes) for (const v of n.inputs) if (!known.has(v) && !produced.has(v)) s.report('E-ONNX-GRAPH', `input '${v}' is not produced by any node, initializer or graph input`, n, v);
  // ONNX requires nodes sorted: keep the file's order when it is (diagnostics then follow it).
  const seen = new Set(known);
  let sorted = true;
  for (const n of nodes) {
    sorted &&= n.inputs.every((v) => seen.has(v) || !produced.has(v));
    for (const o of n.outputs) seen.add(o);
  }
  if (sorted) return [...nodes];
  const order: OnnxNode[] = [];
  let rest = [...nodes];
  while (rest.length > 0) {
    const ready = rest.filter((n) => n.inputs.every((v) => known.has(v) || !produced.has(v)));
    if (ready.length === 0) {
      for (const n of rest) s.report('E-ONNX-GRAPH', 'the node is part of a cycle (ONNX graphs are acyclic)', n);
      break;
    }
    for (const n of ready) {
      order.push(n);
      for (const o of n.outputs) known.add(o);
    }
    const taken = new Set(ready);
    rest = rest.filter((n) => !taken.has(n));
  }
  return order;
}

/** Every node whose operator edgec has no mapping for, one diagnostic each (reported together). */
function unsupportedOps(s: OnnxImportState, nodes: readonly OnnxNode[]): void {
  for (const n of nodes) {
    if (n.domain !== '') s.report('E-ONNX-DOMAIN', `operator ${n.opType} of domain '${n.domain}' is not supported (only the default ONNX domain)`, n);
    else if (onnxImporter(n.opType)?.refused) s.report('E-ONNX-OP', `operator ${n.opType} is not supported: ${onnxImporter(n.opType)!.refused}`, n);
    else if (!onnxImporter(n.opType) && !FOLDABLE.has(n.opType) && !QDQ_OPS.has(n.opType)) s.report('E-ONNX-OP', `operator ${n.opType} is not supported`, n);
  }
}

/** The graph input as an IR tensor: batch 1, fixed dims, channels-last when a channel op reads it. */
function addInput(s: OnnxImportState, info: OnnxValueInfo): string | null {
  if (info.dims === null) {
    s.report('E-ONNX-SHAPE', 'the input has no shape (export with a fixed input shape)', undefined, info.name);
    return null;
  }
  if (info.dtype !== 'float32') {
    s.report('E-ONNX-TYPE', `the input is ${info.dtype}; models take float32 input (quantized models quantize it with QuantizeLinear)`, undefined, info.name);
    return null;
  }
  const dims = info.dims.map((d, i) => (i === 0 && (typeof d === 'string' || d === 0) ? 1 : d));
  const symbolic = dims.find((d) => typeof d !== 'number');
  if (symbolic !== undefined || dims.some((d) => !Number.isInteger(d) || (d as number) < 1 || (d as number) > 1 << 24)) {
    s.report(
      'E-ONNX-SHAPE',
      `input shape [${info.dims.join(', ')}] has a symbolic or out-of-range dimension${symbolic !== undefined ? ` ('${symbolic}'): export with a fixed window length` : ''}`,
      undefined,
      info.name,
    );
    return null;
  }
  const fixed = dims as number[];
  if (fixed.reduce((a, b) => a * b, 1) > MAX_ACTIVATION_ELEMENTS) {
    s.report('E-ONNX-SHAPE', `input shape [${fixed.join(', ')}] holds more than ${MAX_ACTIVATION_ELEMENTS} values`, undefined, info.name);
    return null;
  }
  if (fixed.length > 0 && fixed[0] !== 1) {
    s.report('E-ONNX-SHAPE', `batch ${fixed[0]}: the compiled model runs one window per invoke (batch 1)`, undefined, info.name);
    return null;
  }
  const layout = inputLayout(info.name, fixed.length, s.readers);
  const q = s.quantized ? quantizedInput(s, info.name) : undefined;
  if (q === null) return null;
  const id = s.b.addTensor({ name: info.name, shape: irShapeOf(fixed, layout), dtype: q?.dtype ?? 'float32', ...(q ? { quant: q.quant } : {}) });
  const v: OnnxActivation = { kind: 'act', name: info.name, id, dims: fixed, order: orderOf(fixed, layout) };
  s.values.set(info.name, v);
  return layout === 'channels-last'
    ? `ONNX input '${info.name}' [${fixed.join(', ')}] is read channels-last: IR [${irShapeOf(fixed, layout).join(', ')}], ${fixed.length === 3 ? `time-major with the ${fixed[1]} channels interleaved (x[t * ${fixed[1]} + c] = onnx[0, c, t])` : 'rows, then columns, then channels (NHWC)'}; calibration windows and C inputs use this layout.`
    : `ONNX input '${info.name}' [${fixed.join(', ')}] keeps ONNX order.`;
}

function foldInputs(s: OnnxImportState, n: OnnxNode): FoldInput[] {
  return n.inputs.map((name) => {
    if (name === '') return undefined;
    const v = s.value(name);
    if (!v) return undefined;
    if (v.kind === 'act') return { kind: 'act', dims: v.dims };
    if (v.quant) return { kind: 'act', dims: v.dims }; // a dequantized weight is not folded as a float
    return { kind: 'const', t: { name, dims: v.dims, dtype: v.dtype, data: v.data } };
  });
}

/** Imports one node; returns false when it failed (its outputs are then unusable). */
function importNode(s: OnnxImportState, n: OnnxNode): boolean {
  const before = s.problems.length;
  let folded: OnnxTensor[] | string | null;
  try {
    folded = foldNode(n, foldInputs(s, n), s.opset);
  } catch (e) {
    folded = (e as Error).message;
  }
  if (typeof folded === 'string') {
    s.report('E-ONNX-OP', `${n.opType} on constants cannot be evaluated at import: ${folded}`, n);
    return false;
  }
  if (folded) {
    folded.forEach((t, k) => {
      if (n.outputs[k]) s.values.set(n.outputs[k]!, { kind: 'const', name: n.outputs[k]!, dims: t.dims, dtype: t.dtype, data: t.data });
    });
    return true;
  }
  if (QDQ_OPS.has(n.opType)) return importQdqNode(s, n);
  const importer = onnxImporter(n.opType);
  if (!importer) {
    s.report('E-ONNX-OP', `operator ${n.opType} is supported only on constants here`, n);
    return false;
  }
  const [lo, hi] = importer.inputs;
  const present = n.inputs.length;
  const outs = importer.outputs ?? [1, 1];
  const used = (o: string) => o !== '' && (s.readers.has(o) || s.model.outputs.some((g) => g.name === o));
  if (present < lo || present > hi || n.outputs.length < outs[0] || n.outputs.slice(outs[1]).some(used)) {
    s.report('E-ONNX-OP', `${n.opType} with ${present} inputs and ${n.outputs.length} outputs is not supported (inputs ${lo} to ${hi}; outputs used: at most ${outs[1]})`, n);
    return false;
  }
  const { ctx, finish } = nodeContext(s, n);
  importer.import(ctx);
  finish();
  return s.problems.length === before;
}

function graphOutput(s: OnnxImportState, info: OnnxValueInfo, taken: Set<number>): number | null {
  const v = s.values.get(info.name);
  if (v?.kind !== 'act') {
    if (!s.failed.has(info.name)) s.report('E-ONNX-GRAPH', v ? 'the output is a constant' : 'the output is not computed by the graph', undefined, info.name);
    return null;
  }
  const q = s.b.tensor(v.id).quant;
  if (s.quantized && q) s.boundary = { ...s.boundary, output: { scale: q.scale[0]!, zeroPoint: q.zeroPoint[0]! } };
  // An output in ONNX order takes its ONNX shape (manifest.json shows it); a channels-last one keeps
  // the IR's. An output no op computes (a relabelled input, or another output) gets an op of its own.
  const shape = v.order === null && v.dims.length <= 6 ? irShapeOf(v.dims, 'plain') : [...s.b.tensor(v.id).shape];
  const computed = !s.model.inputs.some((i) => s.values.get(i.name)?.kind === 'act' && (s.values.get(i.name) as OnnxActivation).id === v.id) && !taken.has(v.id);
  const id = computed ? s.reshaped(v.id, shape, info.name) : s.copied(v.id, shape, info.name);
  taken.add(id);
  return id;
}

function describeOutput(s: OnnxImportState, name: string): string | null {
  const v = s.values.get(name);
  return v?.kind === 'act' && v.order !== null ? `Output '${name}' [${v.dims.join(', ')}] is channels-last (IR [${s.b.tensor(v.id).shape.join(', ')}]).` : null;
}

/** A quantized model (QDQ or QLinear nodes) keeps its own parameters; any other is float and calibrated. */
export function isQuantizedOnnx(m: OnnxModel): boolean {
  return m.nodes.some((n) => QUANTIZED_OPS.has(n.opType) && n.domain === '');
}

export function importOnnxModel(m: OnnxModel, source: string = m.file, limits?: GraphLimits): OnnxImport {
  const opset = m.opsets.get('') ?? 0;
  if (opset < OPSETS[0] || opset > OPSETS[1]) fail('E-ONNX-OPSET', 'import', `default opset ${opset} is outside the supported ${OPSETS[0]} to ${OPSETS[1]}`, { file: m.file, field: 'opset_import' });
  const quantized = isQuantizedOnnx(m);
  const { nodes, consts } = foldOnnx(m, { foldConstants: !quantized });
  const s = new OnnxImportState(m, consts, readersOf(nodes), quantized, opset);
  unsupportedOps(s, nodes);
  if (s.problems.length > 0) throw new EdgecError(s.problems);
  const sorted = topologicalOrder(s, nodes);
  if (m.inputs.length === 0) s.report('E-ONNX-GRAPH', 'the graph has no input');
  const notes = m.inputs.map((i) => addInput(s, i));
  if (s.problems.length > 0) throw new EdgecError(s.problems);
  for (const n of sorted) {
    if (n.inputs.some((v) => s.failed.has(v)) || !importNode(s, n)) for (const o of n.outputs) s.failed.add(o);
  }
  const taken = new Set<number>();
  const outputs = m.outputs.map((o) => graphOutput(s, o, taken));
  if (s.problems.length > 0) throw new EdgecError(s.problems);
  const description = [...notes, ...m.outputs.map((o) => describeOutput(s, o.name))]
    .filter((x): x is string => x !== null)
    .join(' ')
    .slice(0, 400);
  const meta: GraphMeta = { source, preprocessing: { description }, ...(s.boundary ? { floatBoundary: s.boundary } : {}) };
  const g = s.b.build(
    basename(source).replace(/\.onnx$/i, '') || 'model',
    s.model.inputs.map((i) => (s.values.get(i.name) as OnnxActivation).id),
    outputs as number[],
    meta,
  );
  return { graph: assertValidGraph(g, limits), quantized };
}

/**
 * Reads, imports and validates an ONNX model (a path, or the file's bytes with `source` naming it).
 * Float models give the float graph, quantized ones the int8 graph (`quantized`).
 */
export function importOnnx(model: string | Uint8Array, source?: string, limits?: GraphLimits): OnnxImport {
  const m = typeof model === 'string' ? readOnnx(model) : parseOnnx(model, source ?? 'model.onnx');
  return importOnnxModel(m, source ?? m.file, limits);
}
