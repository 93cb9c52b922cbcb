/**
 * The state of one ONNX import and the context each node's mapping receives (OnnxImportContext, see
 * src/ops/onnx-contract.ts): ONNX values by name (constants, activations with their layout), the
 * graph under construction, and the problems found so far (collected, reported together).
 *
 * In a quantized model a new activation takes its parameters from the QuantizeLinear that reads it,
 * or from its op's quantization rule (byte copies keep their input's; softmax, logistic and tanh have
 * fixed ones): where both exist and differ, a requantize op converts (src/ops/quantize.ts).
 */
import type { OnnxModel, OnnxNode, OnnxTensor } from '../formats/onnx.ts';
import type { Diagnostic } from '../support/diagnostics.ts';
import { GraphBuilder } from '../ir/builder.ts';
import type { DType, OpKind, QuantParams } from '../ir/graph.ts';
import { fixedQuant16 } from '../arith/tensor-quant.ts';
import { opDef } from '../ops/registry.ts';
import type { OnnxActivation, OnnxImportContext, OnnxLayout, OnnxOutput, OnnxValue } from '../ops/onnx-contract.ts';
import { axisPermutationOf, irShapeOf, layoutPermutation, MAX_ACTIVATION_ELEMENTS, orderOf, sameOrder, sameQuantOf } from '../ops/shared/onnx.ts';
import { qdqParams, type QdqParams } from './onnx-qdq.ts';

const shapeKey = (s: readonly number[]) => s.join('x');
const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

function describeOrder(v: OnnxActivation): string {
  if (v.order === null) return 'in ONNX order';
  if (sameOrder(v.order, orderOf(v.dims, 'channels-last'))) return 'channels-last';
  return 'in a transposed order';
}

export class OnnxImportState {
  readonly b = new GraphBuilder();
  readonly values = new Map<string, OnnxValue>();
  readonly problems: Diagnostic[] = [];
  /** Values whose producer failed: their readers are skipped (the failure is reported once). */
  readonly failed = new Set<string>();
  private readonly reshapes = new Map<string, number>();
  /** A quantized model's float input and output parameters (GraphMeta.floatBoundary). */
  boundary?: { input?: { scale: number; zeroPoint: number }; output?: { scale: number; zeroPoint: number } };

  constructor(
    readonly model: OnnxModel,
    readonly consts: ReadonlyMap<string, OnnxTensor>,
    readonly readers: ReadonlyMap<string, readonly OnnxNode[]>,
    readonly quantized: boolean,
    readonly opset: number,
  ) {}

  report(code: string, message: string, node?: OnnxNode, tensor?: string): void {
    this.problems.push({ code, stage: 'import', message, location: { file: this.model.file, ...(node ? { layer: node.name } : {}), ...(tensor ? { tensor } : {}) } });
  }

  value(name: string): OnnxValue | undefined {
    const v = this.values.get(name);
    if (v) return v;
    const t = this.consts.get(name);
    return t ? { kind: 'const', name, dims: t.dims, dtype: t.dtype, data: t.data } : undefined;
  }

  /** The same IR tensor under another IR shape (a reshape op: an alias, no copy). */
  reshaped(id: number, shape: readonly number[], layer: string): number {
    const t = this.b.tensor(id);
    if (sameShape(t.shape, shape)) return id;
    const key = `${id}:${shapeKey(shape)}`;
    const known = this.reshapes.get(key);
    if (known !== undefined) return known;
    const out = this.b.copyTensor(t, { name: `${t.name}/${shapeKey(shape)}`, shape });
    this.b.addOp({ kind: 'reshape', name: `${layer}/reshape`, attrs: { shape: [...shape] }, inputs: [id], outputs: [out] });
    this.reshapes.set(key, out);
    return out;
  }

  /**
   * The activation moved into `layout` by an IR transpose, when it stores a permutation of its ONNX
   * axes (a Transpose the importer could not absorb); null otherwise.
   */
  transposed(v: OnnxActivation, layout: OnnxLayout, layer: string): number | null {
    const p = axisPermutationOf(v.order, v.dims);
    if (!p) return null;
    const q = layoutPermutation(v.dims.length, layout);
    const key = `${v.id}:T${q.join('')}`;
    const known = this.reshapes.get(key);
    if (known !== undefined) return this.reshaped(known, irShapeOf(v.dims, layout), layer);
    const source = this.reshaped(
      v.id,
      p.map((a) => v.dims[a]!),
      layer,
    );
    const t = this.b.tensor(source);
    const out = this.b.copyTensor(t, { name: `${v.name}/${layout}`, shape: q.map((a) => v.dims[a]!) });
    this.b.addOp({ kind: 'transpose', name: `${layer}/transpose`, attrs: { perm: q.map((a) => p.indexOf(a)) }, inputs: [source], outputs: [out] });
    this.reshapes.set(key, out);
    return this.reshaped(out, irShapeOf(v.dims, layout), layer);
  }

  /** A tensor of its own holding `id`'s bytes under `shape` (a reshape op that is never folded into `id`). */
  copied(id: number, shape: readonly number[], layer: string): number {
    const t = this.b.tensor(id);
    const out = this.b.copyTensor(t, { name: `${t.name}/output`, shape });
    this.b.addOp({ kind: 'reshape', name: `${layer}/output`, attrs: { shape: [...shape] }, inputs: [id], outputs: [out] });
    return out;
  }

  /** A requantization of tensor `id` to `quant` (as `dtype`). */
  requantized(id: number, q: QdqParams, layer: string): number {
    const t = this.b.tensor(id);
    if (q.dtype === 'int32') throw new Error('requantized: activations are int8 or int16');
    if (t.dtype === q.dtype && sameQuantOf(t.quant, q.quant)) return id;
    const out = this.b.copyTensor(t, { name: `${t.name}/requantized`, dtype: q.dtype, quant: q.quant });
    this.b.addOp({ kind: 'requantize', name: `${layer}/requantize`, attrs: {}, inputs: [id], outputs: [out] });
    return out;
  }

  /** The parameters of the QuantizeLinear nodes that read `name` (all must agree), or undefined. */
  quantTarget(name: string, node: OnnxNode): QdqParams | undefined {
    const qs = (this.readers.get(name) ?? []).filter((n) => n.opType === 'QuantizeLinear');
    let found: QdqParams | undefined;
    for (const q of qs) {
      const p = qdqParams(q, (k) => this.value(q.inputs[k] ?? ''), 'float32');
      if (typeof p === 'string') continue; // reported when that node is imported
      if (found && (!sameQuantOf(found.quant, p.quant) || found.dtype !== p.dtype)) {
        this.report('E-ONNX-QUANT', `'${name}' is quantized twice with different parameters`, node, name);
        return found;
      }
      found = p;
    }
    return found;
  }
}

interface Pending {
  k: number;
  id: number;
  target: QdqParams;
}

/** The context for one node, and `finish` to run after its mapping (pending requantizations). */
export function nodeContext(s: OnnxImportState, node: OnnxNode): { ctx: OnnxImportContext; finish(): void } {
  const pending: Pending[] = [];
  const problem = (message: string, code = 'E-ONNX-ATTR') => s.report(code, message, node);
  const input = (k: number): OnnxValue | undefined => {
    const name = node.inputs[k] ?? '';
    return name === '' ? undefined : s.value(name);
  };
  const firstActivation = (): OnnxActivation | undefined => node.inputs.map((_, k) => input(k)).find((v): v is OnnxActivation => v?.kind === 'act');
  const register = (k: number, v: Omit<OnnxActivation, 'kind' | 'name'>) => {
    const name = node.outputs[k] ?? '';
    if (name !== '') s.values.set(name, { kind: 'act', name, ...v });
  };

  /** An int8 (int16) activation's type and parameters in a quantized model. */
  const quantFor = (k: number, producer: OpKind, explicit?: QuantParams): { dtype: DType; quant?: QuantParams } => {
    if (!s.quantized) return { dtype: 'float32' };
    const name = node.outputs[k] ?? '';
    const target = s.quantTarget(name, node);
    const rule = opDef(producer)?.quant.output;
    const like = firstActivation();
    const likeTensor = like ? s.b.tensor(like.id) : undefined;
    let natural: QdqParams | undefined;
    if (explicit) natural = { dtype: target?.dtype ?? 'int8', quant: explicit };
    else if (rule === 'calibrated') natural = target;
    else if (rule === 'input' || rule === 'inputs') natural = likeTensor?.quant ? { dtype: likeTensor.dtype as 'int8' | 'int16', quant: likeTensor.quant } : undefined;
    else if (rule) {
      const dtype = target?.dtype ?? (likeTensor?.dtype === 'int16' ? 'int16' : 'int8');
      natural = { dtype, quant: dtype === 'int16' ? fixedQuant16(rule.scale, rule.zeroPoint) : { scale: [rule.scale], zeroPoint: [rule.zeroPoint] } };
    }
    if (!natural) {
      problem(`output '${name}' is not quantized: no QuantizeLinear reads it (a quantized model runs every ${node.opType} in integers)`, 'E-ONNX-QUANT');
      return { dtype: 'int8', quant: { scale: [1], zeroPoint: [0] } };
    }
    if (target && (target.dtype !== natural.dtype || !sameQuantOf(target.quant, natural.quant))) pending.push({ k, id: -1, target });
    return { dtype: natural.dtype, quant: natural.quant };
  };

  const ctx: OnnxImportContext = {
    node,
    opset: s.opset,
    name: node.name,
    quantized: s.quantized,
    input,
    activation(k, layout) {
      const v = input(k);
      if (!v) {
        problem(`input ${k} is missing`, 'E-ONNX-GRAPH');
        return null;
      }
      if (v.kind !== 'act') {
        problem(`input ${k} ('${v.name}') is a constant; ${node.opType} is imported with an activation there`, 'E-ONNX-OP');
        return null;
      }
      if (layout === 'any') return v;
      if (!sameOrder(v.order, orderOf(v.dims, layout))) {
        const moved = s.transposed(v, layout, node.name);
        if (moved !== null) return { ...v, id: moved, order: orderOf(v.dims, layout) };
        problem(
          `input '${v.name}' [${v.dims.join(', ')}] is stored ${describeOrder(v)}, and ${node.opType} needs it ${layout === 'plain' ? 'in ONNX order' : 'channels-last'}: no axis permutation gets there (a reshape mixed the axes)`,
          'E-ONNX-LAYOUT',
        );
        return null;
      }
      return { ...v, id: s.reshaped(v.id, irShapeOf(v.dims, layout), node.name) };
    },
    constant(k, what) {
      const v = input(k);
      if (v?.kind === 'const') return v;
      problem(`${what} (input ${k}${v ? ` '${v.name}'` : ''}) must be a constant${v ? '; it is computed by the graph' : ''}`, 'E-ONNX-OP');
      return null;
    },
    ints(k, attr) {
      const a = node.attrs.get(attr)?.ints;
      if (a) return a;
      const v = input(k);
      if (!v) return undefined;
      if (v.kind !== 'const') {
        problem(`${attr} (input ${k}) must be a constant`, 'E-ONNX-OP');
        return undefined;
      }
      return Array.from(v.data, Number);
    },
    used(k) {
      const name = node.outputs[k] ?? '';
      return name !== '' && ((s.readers.get(name)?.length ?? 0) > 0 || s.model.outputs.some((o) => o.name === name));
    },
    addState: (role, shape) => s.b.addTensor({ name: `${node.name}/${role}`, shape: [...shape], dtype: 'float32', variable: true }),
    addConst(role, shape, data, quant) {
      const dtype: DType = data instanceof Float32Array ? 'float32' : data instanceof Int8Array ? 'int8' : data instanceof Int16Array ? 'int16' : data instanceof Float64Array ? 'int64' : 'int32';
      return s.b.addTensor({ name: `${node.name}/${role}`, shape: [...shape], dtype, data, ...(quant ? { quant } : {}) });
    },
    output(k, out: OnnxOutput, producer, explicit) {
      const name = node.outputs[k] ?? `${node.name}/output${k}`;
      if (out.dims.some((d) => !Number.isInteger(d) || d < 1) || out.dims.reduce((a, b) => a * b, 1) > MAX_ACTIVATION_ELEMENTS) {
        problem(`output '${name}' [${out.dims.join(', ')}] is empty or holds more than ${MAX_ACTIVATION_ELEMENTS} values`, 'E-ONNX-SHAPE');
        return s.b.addTensor({ name, shape: [1], dtype: 'float32' });
      }
      const { dtype, quant } = quantFor(k, producer, explicit);
      const id = s.b.addTensor({ name, shape: out.irShape, dtype, ...(quant ? { quant } : {}) });
      const p = pending.find((x) => x.k === k && x.id === -1);
      if (p) p.id = id;
      register(k, { id, dims: out.dims, order: out.order });
      return id;
    },
    temp(role, irShape, like) {
      const t = like >= 0 ? s.b.tensor(like) : undefined;
      return s.b.addTensor({ name: `${node.name}/${role}`, shape: [...irShape], dtype: t?.dtype ?? 'float32', ...(t?.quant ? { quant: t.quant } : {}) });
    },
    outputTarget(k) {
      const t = s.quantized ? s.quantTarget(node.outputs[k] ?? '', node) : undefined;
      return t && t.dtype !== 'int32' ? { dtype: t.dtype, quant: t.quant } : undefined;
    },
    requantize: (id, target) => s.requantized(id, target, node.name),
    reshape: (id, irShape) => s.reshaped(id, irShape, node.name),
    alias(k, v) {
      register(k, v);
    },
    constOutput(k, c) {
      const name = node.outputs[k] ?? '';
      if (name !== '') s.values.set(name, { kind: 'const', name, ...c });
    },
    tensor: (id) => s.b.tensor(id),
    addOp: (op) => s.b.addOp(op),
    problem,
  };

  return {
    ctx,
    finish() {
      for (const p of pending) {
        if (p.id < 0) continue;
        const v = s.values.get(node.outputs[p.k]!);
        if (v?.kind !== 'act') continue;
        s.values.set(v.name, { ...v, id: s.requantized(p.id, p.target, node.name) });
      }
    },
  };
}
