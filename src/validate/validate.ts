/**
 * The graph validator: every front end (tfjs, .tflite, any future one) runs it on the graph it built,
 * before any other stage reads the graph; tests also run it between passes. A model file is hostile
 * until this says otherwise, so it checks everything later stages assume, and reports every problem
 * of a model at once as located diagnostics (file, layer, tensor):
 *
 *   tensors     ids dense; rank 1..6; dims positive integers whose products fit in int32; constant
 *               data of the right type and length; float data finite
 *   quant       finite positive scales; zero points integers in the type's range; per-channel
 *               vectors as long as their axis; integer activations quantized
 *   structure   every op's inputs and outputs in range (-1 only in optional slots); topological
 *               order (a read before the write is a cycle); one producer per tensor; graph inputs
 *               are not constants and outputs are computed
 *   ops         arity, constant slots, dtype signatures and shapes per op kind (each family's rule)
 *   limits      constant bytes, each activation, the peak of any one op's operands, state bytes
 *               and multiply-accumulates per inference against caps (overridable)
 *
 * Multipliers and shifts are checked where they are computed, after lowering (codegen/lower.ts).
 */
import { EdgecError, type Diagnostic } from '../support/diagnostics.ts';
import { safeText } from '../support/sanitize.ts';
import type { DType, Graph, Op, Tensor } from '../ir/graph.ts';
import type { OpRule, RuleContext } from '../ops/contract.ts';
import { opDef } from '../ops/registry.ts';

const ruleFor = (kind: string): OpRule | undefined => opDef(kind)?.rule;

/** Caps on what a model may ask for (defaults in DEFAULT_LIMITS; the CLI can raise them). */
export interface GraphLimits {
  /** Largest activation arena, in bytes (checked per tensor and per op here, planned arena at emit). */
  arenaBytes: number;
  /** Largest total of constant (weight and bias) bytes. */
  weightsBytes: number;
  /** Largest number of multiply-accumulates per inference (the simulator and verify run them all). */
  macs?: number;
}

export const DEFAULT_LIMITS: Required<GraphLimits> = { arenaBytes: 16 << 20, weightsBytes: 64 << 20, macs: 1e9 };

const INT32_MAX = 2147483647;
const MAX_RANK = 6;

const DTYPE_RANGE: Partial<Record<DType, [number, number]>> = { int8: [-128, 127], int16: [-32768, 32767], int32: [-2147483648, 2147483647] };
const DATA_TYPE: Record<DType, string> = { float32: 'Float32Array', int8: 'Int8Array', int16: 'Int16Array', int32: 'Int32Array', int64: 'Float64Array' };
const DTYPE_BYTES: Record<DType, number> = { float32: 4, int8: 1, int16: 2, int32: 4, int64: 8 };

/** Product of dims, or Infinity once it passes int32 (so huge shapes never lose precision). */
function boundedSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) {
    n *= d;
    if (n > INT32_MAX) return Infinity;
  }
  return n;
}

function checkTensor(t: Tensor, index: number, report: (msg: string, code?: string) => void): void {
  if (t.id !== index) report(`tensor at index ${index} has id ${t.id}`, 'E-GRAPH-STRUCTURE');
  if (!(t.dtype in DTYPE_BYTES)) report(`unknown dtype ${String(t.dtype)}`);
  if (!Array.isArray(t.shape) || t.shape.length < 1 || t.shape.length > MAX_RANK) {
    report(`rank ${Array.isArray(t.shape) ? t.shape.length : '?'} is not supported (1 to ${MAX_RANK})`, 'E-GRAPH-SHAPE');
    return;
  }
  if (t.shape.some((d) => !Number.isInteger(d) || d <= 0 || d > INT32_MAX)) {
    report(`shape [${t.shape.join(', ')}] has a dimension that is not a positive integer below 2^31`, 'E-GRAPH-SHAPE');
    return;
  }
  const size = boundedSize(t.shape);
  if (size === Infinity || size * DTYPE_BYTES[t.dtype] > INT32_MAX) report(`shape [${t.shape.join(', ')}] holds more than 2^31 bytes`, 'E-GRAPH-SHAPE');
  if (t.data) {
    if (t.data.constructor.name !== DATA_TYPE[t.dtype]) report(`constant data is ${t.data.constructor.name}, expected ${DATA_TYPE[t.dtype]} for ${t.dtype}`);
    if (t.data.length !== size) report(`constant data holds ${t.data.length} values, its shape [${t.shape.join(', ')}] needs ${size}`, 'E-GRAPH-DATA');
    if (t.dtype === 'float32') {
      const bad = (t.data as Float32Array).findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) report(`constant value ${bad} is ${t.data[bad]} (weights must be finite)`, 'E-GRAPH-DATA');
    }
    if (t.dtype === 'int64') {
      const bad = Array.from(t.data).findIndex((v) => !Number.isSafeInteger(v));
      if (bad >= 0) report(`int64 constant value ${bad} is ${t.data[bad]} (must be an integer of magnitude below 2^53)`, 'E-GRAPH-DATA');
    }
  }
  if (t.data && t.variable) report('a variable (state) tensor cannot also hold constant data');
  checkQuant(t, report);
}

function checkQuant(t: Tensor, report: (msg: string, code?: string) => void): void {
  const q = t.quant;
  const range = DTYPE_RANGE[t.dtype];
  if (!q) {
    if ((t.dtype === 'int8' || t.dtype === 'int16') && !t.data) report(`${t.dtype} activation has no quantization parameters`, 'E-GRAPH-QUANT');
    return;
  }
  if (t.dtype === 'float32') return; // a float tensor's observed range from a QAT or QDQ model; unused here
  if (!Array.isArray(q.scale) || q.scale.length === 0) {
    report('quantization has no scale', 'E-GRAPH-QUANT');
    return;
  }
  const bad = q.scale.findIndex((s) => typeof s !== 'number' || !Number.isFinite(s) || s <= 0 || !Number.isFinite(Math.fround(s)) || Math.fround(s) === 0);
  if (bad >= 0) report(`scale ${bad} is ${q.scale[bad]} (scales must be finite and positive in float32)`, 'E-GRAPH-QUANT');
  if (!Array.isArray(q.zeroPoint) || (q.zeroPoint.length !== q.scale.length && q.zeroPoint.length !== 1)) {
    report(`${q.zeroPoint?.length ?? 0} zero points for ${q.scale.length} scales`, 'E-GRAPH-QUANT');
  } else if (range) {
    const z = q.zeroPoint.findIndex((v) => !Number.isInteger(v) || v < range[0] || v > range[1]);
    if (z >= 0) report(`zero point ${q.zeroPoint[z]} is outside the ${t.dtype} range [${range[0]}, ${range[1]}]`, 'E-GRAPH-QUANT');
  }
  if (q.scale.length > 1) {
    const axis = q.axis ?? 0;
    if (!Number.isInteger(axis) || axis < 0 || axis >= t.shape.length) report(`per-channel quantization axis ${axis} is outside the tensor's ${t.shape.length} axes`, 'E-GRAPH-QUANT');
    else if (t.shape[axis] !== q.scale.length) report(`${q.scale.length} per-channel scales for ${t.shape[axis]} channels on axis ${axis}`, 'E-GRAPH-QUANT');
  }
}

/** Index checks and topological order; returns false when ops cannot be examined further. */
function checkStructure(g: Graph, report: (d: Omit<Diagnostic, 'stage'>) => void, file: string): boolean {
  const n = g.tensors.length;
  const valid = (id: unknown): id is number => Number.isInteger(id) && (id as number) >= 0 && (id as number) < n;
  let ok = true;
  const problem = (message: string, layer?: string) => report({ code: 'E-GRAPH-STRUCTURE', message, location: { file, ...(layer ? { layer } : {}) } });
  const broken = (message: string, layer?: string) => {
    problem(message, layer);
    ok = false;
  };
  if (g.inputs.length === 0) problem('the model has no input');
  if (g.outputs.length === 0) problem('the model has no output');
  for (const id of [...g.inputs, ...g.outputs]) if (!valid(id)) broken(`graph input/output refers to tensor ${id}, but the graph has ${n}`);
  for (const op of g.ops) {
    const rule = ruleFor(op.kind);
    if (!rule) {
      broken(`unknown op kind '${String(op.kind)}'`, op.name);
      continue;
    }
    op.inputs.forEach((id, k) => {
      if (id === -1 && rule.optional?.includes(k)) return;
      if (!valid(id)) broken(`input ${k} refers to tensor ${id}${id === -1 ? ' (absent), but the input is required' : `, but the graph has ${n}`}`, op.name);
    });
    op.outputs.forEach((id, k) => {
      if (!valid(id)) broken(`output ${k} refers to tensor ${id}, but the graph has ${n}`, op.name);
    });
  }
  if (!ok) return false;
  const available = new Set<number>(g.inputs);
  const producer = new Map<number, string>();
  for (const t of g.tensors) if (t.data || t.variable) available.add(t.id);
  const laterOutputs = new Map<number, string>();
  for (const op of g.ops) for (const id of op.outputs) laterOutputs.set(id, op.name);
  for (const id of g.inputs) if (g.tensors[id]!.data) problem(`graph input '${safeText(g.tensors[id]!.name)}' is a constant`);
  // State lives outside the arena, kept across invokes: it cannot also be what the caller writes or reads.
  for (const id of [...g.inputs, ...g.outputs]) if (g.tensors[id]!.variable) problem(`graph input or output '${safeText(g.tensors[id]!.name)}' is a state (variable) tensor`);
  for (const op of g.ops) {
    for (const id of op.inputs) {
      if (id < 0 || available.has(id)) continue;
      const later = laterOutputs.get(id);
      problem(
        later
          ? `reads tensor '${safeText(g.tensors[id]!.name)}' before '${safeText(later)}' writes it (a cycle, or ops out of order)`
          : `reads tensor '${safeText(g.tensors[id]!.name)}', which no op writes and which is not an input or constant`,
        op.name,
      );
      ok = false;
    }
    for (const id of op.outputs) {
      const t = g.tensors[id]!;
      if (t.data || t.variable || g.inputs.includes(id)) problem(`writes '${safeText(t.name)}', which is ${t.data ? 'a constant' : t.variable ? 'a state tensor' : 'a graph input'}`, op.name);
      else if (producer.has(id)) problem(`writes '${safeText(t.name)}', which '${safeText(producer.get(id)!)}' also writes`, op.name);
      producer.set(id, op.name);
      available.add(id);
    }
  }
  for (const id of g.outputs) if (!producer.has(id)) problem(`graph output '${safeText(g.tensors[id]!.name)}' is not computed by any op`);
  return ok;
}

function checkLimits(g: Graph, limits: Required<GraphLimits>, macs: number, report: (d: Omit<Diagnostic, 'stage'>) => void, file: string): void {
  const limit = (message: string, extra: { layer?: string; tensor?: string } = {}) => report({ code: 'E-GRAPH-LIMIT', message, location: { file, ...extra } });
  let constBytes = 0;
  let stateBytes = 0;
  const bytes = (t: Tensor) => boundedSize(t.shape) * DTYPE_BYTES[t.dtype];
  for (const t of g.tensors) {
    if (t.data) constBytes += bytes(t);
    else if (t.variable) stateBytes += bytes(t);
    else if (bytes(t) > limits.arenaBytes) limit(`activation of ${bytes(t)} bytes exceeds the arena limit of ${limits.arenaBytes} bytes (--max-arena-bytes)`, { tensor: t.name });
  }
  if (constBytes > limits.weightsBytes) limit(`${constBytes} bytes of weights exceed the limit of ${limits.weightsBytes} bytes (--max-weights-bytes)`);
  if (stateBytes > limits.arenaBytes) limit(`${stateBytes} bytes of state exceed the limit of ${limits.arenaBytes} bytes (--max-arena-bytes)`);
  for (const op of g.ops) {
    const live = new Set([...op.inputs, ...op.outputs].filter((id) => id >= 0 && !g.tensors[id]!.data && !g.tensors[id]!.variable));
    const peak = [...live].reduce((a, id) => a + bytes(g.tensors[id]!), 0);
    if (peak > limits.arenaBytes) limit(`inputs and outputs together need ${peak} bytes, more than the arena limit of ${limits.arenaBytes} bytes (--max-arena-bytes)`, { layer: op.name });
  }
  if (macs > limits.macs) limit(`${macs.toExponential(2)} multiply-accumulates per inference exceed the limit of ${limits.macs.toExponential(2)} (--max-macs)`);
}

/** Every problem of the graph, as located diagnostics (stage 'validate'); empty when valid. */
export function validateGraph(g: Graph, limits: GraphLimits = DEFAULT_LIMITS): Diagnostic[] {
  const file = g.meta?.source ?? g.name;
  const out: Diagnostic[] = [];
  const report = (d: Omit<Diagnostic, 'stage'>) => out.push({ ...d, stage: 'validate' });
  const tensorsOk = g.tensors.map((t, i) => {
    const before = out.length;
    checkTensor(t, i, (message, code = 'E-GRAPH-TENSOR') => report({ code, message, location: { file, tensor: t?.name ?? `#${i}` } }));
    return out.length === before;
  });
  if (!checkStructure(g, report, file)) return out;
  let macs = 0;
  for (const op of g.ops) {
    if (![...op.inputs, ...op.outputs].every((id) => id < 0 || tensorsOk[id])) continue; // already reported
    const c = ruleContext(g, op, (message, tensor, code = 'E-GRAPH-OP') => report({ code, message, location: { file, layer: op.name, ...(tensor ? { tensor: tensor.name } : {}) } }));
    macs += checkOp(c);
  }
  checkLimits(g, { ...DEFAULT_LIMITS, ...limits }, macs, report, file);
  return out;
}

/** Throws all problems of the graph as one EdgecError (what front ends call on the graph they built). */
export function assertValidGraph(g: Graph, limits?: GraphLimits): Graph {
  const problems = validateGraph(g, limits);
  if (problems.length > 0) throw new EdgecError(problems);
  return g;
}

function ruleContext(g: Graph, op: Op, fail: RuleContext['fail']): RuleContext {
  const c: RuleContext = {
    g,
    op,
    input: (k) => (op.inputs[k] !== undefined && op.inputs[k]! >= 0 ? g.tensors[op.inputs[k]!] : undefined),
    output: (k) => g.tensors[op.outputs[k]!]!,
    fail(message, tensor, code) {
      c.failures = (c.failures ?? 0) + 1;
      fail(message, tensor, code);
    },
    failures: 0,
  };
  return c;
}

/** Arity, constant and state slots, dtype signature, then the kind's own shape rules; returns MACs. */
function checkOp(c: RuleContext): number {
  const rule = ruleFor(c.op.kind)!;
  const { op } = c;
  const [min, max] = rule.inputs;
  if (op.inputs.length < min || op.inputs.length > max) {
    c.fail(`has ${op.inputs.length} inputs, ${op.kind} takes ${min === max ? min : `${min} to ${max}`}`);
    return 0;
  }
  if (op.outputs.length !== rule.outputs) {
    c.fail(`has ${op.outputs.length} outputs, ${op.kind} gives ${rule.outputs}`);
    return 0;
  }
  for (const k of rule.constant ?? []) {
    const t = c.input(k);
    if (t && !t.data) c.fail(`input ${k} must be a constant (weights, bias or parameters)`, t);
  }
  for (const k of rule.state ?? []) {
    const t = c.input(k);
    if (t && !t.variable) c.fail(`input ${k} must be a state (variable) tensor`, t);
  }
  const types = [...op.inputs.map((id) => (id >= 0 ? c.g.tensors[id]!.dtype : null)), ...op.outputs.map((id) => c.g.tensors[id]!.dtype)];
  const matches = (sig: readonly (DType | '*')[]) => types.every((t, i) => t === null || sig[Math.min(i, sig.length - 1)] === '*' || sig[Math.min(i, sig.length - 1)] === t);
  if (!rule.signatures.some(matches)) {
    c.fail(`no ${op.kind} kernel takes ${types.map((t) => t ?? '-').join(', ')} (inputs, then outputs); supported: ${rule.signatures.map((s) => s.join(', ')).join(' | ')}`, undefined, 'E-GRAPH-TYPE');
    return 0;
  }
  // Kernels read one scale and zero point per activation (per-channel is for weights only).
  for (const id of [...op.inputs, ...op.outputs]) {
    const t = id >= 0 ? c.g.tensors[id]! : undefined;
    if (t && !t.data && t.dtype !== 'float32' && t.quant && t.quant.scale.length !== 1)
      c.fail(`activation has ${t.quant.scale.length} scales; activations are quantized per tensor`, t, 'E-GRAPH-QUANT');
  }
  const before = c.failures ?? 0;
  const macs = rule.check(c);
  return (c.failures ?? 0) > before ? 0 : macs;
}
