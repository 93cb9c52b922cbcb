/**
 * Post-training quantization: float graph + calibration windows -> int8 graph (TFLite int8 spec).
 *
 *   1. run the float graph on every calibration window; an observer per activation tensor
 *   2. group tensors that must share quantization (pool, reshape, pad, mean keep their input's;
 *      concat shares across inputs and output) and merge their ranges
 *   3. activations: asymmetric int8 from the range (TFLite's ChooseQuantizationParams); fixed
 *      params where the op defines them (softmax/logistic 1/256 zp -128, tanh 1/128 zp 0)
 *   4. weights: symmetric int8, per output channel for conv (axis 0) and depthwise (axis 3), per
 *      tensor for fully connected unless `perChannelDense`; bias int32 at s_in * s_w[c]
 * Scales are stored as float32 values, as a .tflite file would hold them.
 */
import { fail } from '../support/diagnostics.ts';
import { GraphBuilder } from '../ir/builder.ts';
import type { Graph, Op, QuantParams, Tensor } from '../ir/graph.ts';
import { runFloatGraph } from '../sim/float.ts';
import { roundHalfAwayFromZero } from '../arith/fixedpoint.ts';
import { chooseActivationQuant, chooseActivationQuant16, fixedQuant16 } from '../arith/tensor-quant.ts';
import { precisionOf, type ActivationType, type PrecisionOptions } from './precision.ts';
import { makeObserver, type Observer, type ObserverKind } from './observers.ts';
import { opDef } from '../ops/registry.ts';
import type { QuantRule, WeightQuantRule } from '../ops/contract.ts';

/**
 * `activations: 'int16'`: "16x8" (int16 activations, symmetric, zero point 0; int8 weights; int32
 * biases) for the ops that have int16 kernels (the validator refuses, located, any op that has none);
 * `int16Layers`: only those layers (src/quantize/precision.ts).
 */
export interface QuantizeOptions extends PrecisionOptions {
  observer?: ObserverKind;
  perChannelDense?: boolean;
  /** Called after each calibration window (progress output). */
  onProgress?: (done: number, total: number) => void;
}

class UnionFind {
  private readonly parent: number[];
  constructor(n: number) {
    this.parent = Array.from({ length: n }, (_, i) => i);
  }
  find(x: number): number {
    while (this.parent[x] !== x) {
      this.parent[x] = this.parent[this.parent[x]!]!;
      x = this.parent[x]!;
    }
    return x;
  }
  union(a: number, b: number): void {
    this.parent[this.find(a)] = this.find(b);
  }
}

export function calibrate(g: Graph, windows: readonly Float32Array[], opts: QuantizeOptions = {}): Map<number, Observer> {
  const observers = new Map<number, Observer>();
  const activations = g.tensors.filter((t) => !t.data);
  for (const t of activations) observers.set(t.id, makeObserver(opts.observer ?? 'minmax'));
  windows.forEach((w, i) => {
    const { tensors } = runFloatGraph(g, [w]);
    for (const [id, values] of tensors) observers.get(id)?.observe(values);
    for (const id of g.inputs) if (!tensors.has(id)) observers.get(id)!.observe(w);
    opts.onProgress?.(i + 1, windows.length);
  });
  return observers;
}

/**
 * TFLite's power-of-two scale for an int16 state (the LSTM cell): 2^ceil(log2 max|v|) / 32768, its
 * exponent held to the integer LSTM's [-30, -9] (a larger range saturates at +-64).
 */
export function int16PowerOfTwoQuant(range: { lo: number; hi: number } | null): QuantParams {
  const maxAbs = range ? Math.max(Math.abs(range.lo), Math.abs(range.hi)) : 0;
  const bits = maxAbs > 0 ? Math.ceil(Math.log2(maxAbs)) : -15;
  const power = Math.min(-9, Math.max(-30, bits - 15));
  return { scale: [2 ** power], zeroPoint: [0] };
}

/**
 * Activation quantization, per tensor and type: tensors that must share quantization (pooling,
 * reshape, concatenation) share their merged range; each is quantized from it in its own type
 * (asymmetric int8, or symmetric int16), or takes the op's fixed parameters carried to its type.
 * The int16 cell state of an LSTM takes its power-of-two scale.
 */
function activationQuants(g: Graph, observers: ReadonlyMap<number, Observer>): (id: number, dtype: ActivationType) => QuantParams {
  const uf = new UnionFind(g.tensors.length);
  const fixed = new Map<number, { scale: number; zeroPoint: number }>();
  const pow2 = new Map<number, QuantParams>();
  for (const op of g.ops) {
    const rule = quantRule(op);
    if (typeof rule.output === 'object') fixed.set(op.outputs[0]!, rule.output);
    if (rule.output === 'input') uf.union(op.outputs[0]!, op.inputs[0]!);
    if (rule.output === 'inputs') for (const id of op.inputs) uf.union(op.outputs[0]!, id);
    for (const st of rule.states ?? []) {
      const id = op.inputs[st.slot]!;
      if (st.as === 'output') uf.union(id, op.outputs[0]!);
      else pow2.set(id, int16PowerOfTwoQuant(observers.get(id)?.range() ?? null));
    }
  }
  const groups = new Map<number, number[]>();
  for (const t of g.tensors) {
    if (t.data) continue;
    const root = uf.find(t.id);
    groups.set(root, [...(groups.get(root) ?? []), t.id]);
  }
  const ranges = new Map<number, { lo: number; hi: number; pinned?: { scale: number; zeroPoint: number } }>();
  for (const members of groups.values()) {
    const pinned = members.map((id) => fixed.get(id)).find((q) => q !== undefined);
    let lo = Infinity;
    let hi = -Infinity;
    // Ranges learned by quantization-aware training take precedence over calibration.
    const learned = members.map((id) => g.meta.activationRanges?.[g.tensors[id]!.name]).filter((r) => r !== undefined);
    for (const id of learned.length ? [] : members) {
      const r = observers.get(id)?.range();
      if (r) {
        lo = Math.min(lo, r.lo);
        hi = Math.max(hi, r.hi);
      }
    }
    for (const r of learned) {
      lo = Math.min(lo, r[0]);
      hi = Math.max(hi, r[1]);
    }
    const range = { lo: Number.isFinite(lo) ? lo : 0, hi: Number.isFinite(hi) ? hi : 0, ...(pinned ? { pinned } : {}) };
    for (const id of members) ranges.set(id, range);
  }
  return (id, dtype) => {
    const p = pow2.get(id);
    if (p) return p;
    const r = ranges.get(id)!;
    if (r.pinned) return dtype === 'int16' ? fixedQuant16(r.pinned.scale, r.pinned.zeroPoint) : { scale: [r.pinned.scale], zeroPoint: [r.pinned.zeroPoint] };
    return dtype === 'int16' ? chooseActivationQuant16(r.lo, r.hi) : chooseActivationQuant(r.lo, r.hi);
  };
}

/** Symmetric int8 quantization of a weight tensor along `axis` (or per tensor when axis is undefined). */
export function quantizeWeights(w: Tensor, axis: number | undefined): { data: Int8Array; quant: QuantParams } {
  const values = w.data as Float32Array;
  const channels = axis === undefined ? 1 : w.shape[axis]!;
  const inner = axis === undefined ? 1 : w.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const channelOf = (i: number) => (axis === undefined ? 0 : Math.floor(i / inner) % channels);
  const maxAbs = new Float64Array(channels);
  for (let i = 0; i < values.length; i++) maxAbs[channelOf(i)] = Math.max(maxAbs[channelOf(i)]!, Math.abs(values[i]!));
  // An all-zero channel still needs a usable scale; its weights quantize to 0 either way.
  const scale = Array.from(maxAbs, (m) => Math.fround(m > 0 ? m / 127 : 1 / 127));
  const data = new Int8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const q = roundHalfAwayFromZero(values[i]! / scale[channelOf(i)]!);
    data[i] = Math.max(-127, Math.min(127, q));
  }
  return { data, quant: { scale, zeroPoint: scale.map(() => 0), ...(axis === undefined ? {} : { axis }) } };
}

function quantizeBias(b: Tensor, inputScale: number, weightScale: readonly number[]): { data: Int32Array; quant: QuantParams } {
  const values = b.data as Float32Array;
  const scales = Array.from(values, (_, c) => Math.fround(inputScale * weightScale[weightScale.length === 1 ? 0 : c]!));
  const data = new Int32Array(values.length);
  for (let c = 0; c < values.length; c++) {
    const q = roundHalfAwayFromZero(values[c]! / scales[c]!);
    data[c] = Math.max(-2147483648, Math.min(2147483647, q));
  }
  return { data, quant: { scale: scales, zeroPoint: scales.map(() => 0), axis: 0 } };
}

/** The op's quantization rule, from its family (src/ops). */
function quantRule(op: Op): QuantRule {
  const def = opDef(op.kind);
  if (!def) throw new Error(`quantize: no family defines op kind '${op.kind}'`);
  return def.quant;
}

export function quantizeGraph(g: Graph, calibration: readonly Float32Array[], opts: QuantizeOptions = {}): Graph {
  return quantizeCalibrated(g, calibrateGraph(g, calibration, opts), opts);
}

/**
 * Constants only where the op's rule quantizes them (weights, biases): the float references read
 * activations by position, so a constant elsewhere (a file wiring a weight into an activation slot)
 * is refused before calibration runs the graph.
 */
function checkConstantSlots(g: Graph): void {
  for (const op of g.ops) {
    const rule = quantRule(op);
    const slots = new Set([...(rule.weights ? ([] as WeightQuantRule[]).concat(rule.weights) : []), ...(rule.bias ? ([] as { slot: number }[]).concat(rule.bias) : [])].map((r) => r.slot));
    const k = op.inputs.findIndex((id, slot) => id >= 0 && g.tensors[id]!.data !== undefined && !slots.has(slot));
    if (k >= 0)
      fail('E-QUANT-CONST', 'quantize', `constant input ${k} of a ${op.kind} op cannot be quantized (it takes an activation there)`, {
        file: g.meta.source,
        layer: op.name,
        tensor: g.tensors[op.inputs[k]!]!.name,
      });
  }
}

/**
 * The calibration quantizeGraph runs, after checking what can be checked first (an empty set, layer
 * names of `int16Layers`); its observers serve any number of quantizations of the graph.
 */
export function calibrateGraph(g: Graph, calibration: readonly Float32Array[], opts: QuantizeOptions = {}): Map<number, Observer> {
  if (calibration.length === 0) fail('E-QUANT-CALIB', 'quantize', 'the calibration set is empty', { file: g.meta.source });
  // A window is one input's values: a float model with several inputs (a .tflite or ONNX file) cannot be calibrated from them.
  if (g.inputs.length !== 1) fail('E-QUANT-INPUTS', 'quantize', `the float model has ${g.inputs.length} inputs; calibration windows feed a model with one`, { file: g.meta.source });
  checkConstantSlots(g);
  precisionOf(g, opts);
  return calibrate(g, calibration, opts);
}

/** The quantized graph from a calibration already run on `g` (calibrateGraph). */
export function quantizeCalibrated(g: Graph, observers: ReadonlyMap<number, Observer>, opts: QuantizeOptions = {}): Graph {
  const precision = precisionOf(g, opts);
  const quantOf = activationQuants(g, observers);
  const b = new GraphBuilder();
  const map = new Map<number, number>();
  const dtypeOf = new Map<number, ActivationType>();
  const int16States = new Set(g.ops.flatMap((op) => (quantRule(op).states ?? []).filter((st) => st.as === 'int16-pow2').map((st) => op.inputs[st.slot]!)));
  for (const t of g.tensors) {
    if (t.data) continue;
    const dtype = int16States.has(t.id) ? 'int16' : precision.tensor(t.id);
    dtypeOf.set(t.id, dtype);
    map.set(t.id, b.copyTensor(t, { dtype, quant: quantOf(t.id, dtype) }));
  }
  // A tensor read by an op of the other type goes through one requantization per type it is read in.
  const converted = new Map<string, number>();
  const asType = (id: number, dtype: ActivationType): number => {
    const key = `${id}:${dtype}`;
    let out = converted.get(key);
    if (out === undefined) {
      const t = g.tensors[id]!;
      out = b.copyTensor(t, { name: `${t.name}/as_${dtype}`, dtype, quant: quantOf(id, dtype) });
      b.addOp({ kind: 'requantize', name: `${t.name}/as_${dtype}`, attrs: {}, inputs: [map.get(id)!], outputs: [out] });
      converted.set(key, out);
    }
    return out;
  };
  for (const op of g.ops) {
    const rule = quantRule(op);
    const weightRules = rule.weights ? ([] as WeightQuantRule[]).concat(rule.weights) : [];
    const biasRules = rule.bias ? ([] as { slot: number; weightSlot?: number; activationSlot?: number }[]).concat(rule.bias) : [];
    const axisOf = (a: WeightQuantRule['axis']) => (a === 'tensor' ? undefined : a === 'dense' ? (opts.perChannelDense ? 0 : undefined) : a);
    // Each weight tensor quantized once: its bias needs the same scales.
    const quantized = new Map<number, ReturnType<typeof quantizeWeights>>();
    const weightsAt = (slot: number) => {
      let w = quantized.get(slot);
      if (!w) {
        const wr = weightRules.find((r) => r.slot === slot)!;
        w = quantizeWeights(g.tensors[op.inputs[slot]!]!, axisOf(wr.axis));
        quantized.set(slot, w);
      }
      return w;
    };
    const inputs = op.inputs.map((id, k) => {
      if (id < 0) return id;
      const t = g.tensors[id]!;
      if (!t.data) {
        const want = precision.op(op);
        return t.variable || dtypeOf.get(id) === want ? map.get(id)! : asType(id, want);
      }
      if (weightRules.some((r) => r.slot === k)) {
        const w = weightsAt(k);
        return b.copyTensor(t, { dtype: 'int8', data: w.data, quant: w.quant });
      }
      const br = biasRules.find((r) => r.slot === k);
      if (br && weightRules.length > 0) {
        // The input's scale as this op reads it (in its own type, after any requantization).
        const inScale = quantOf(op.inputs[br.activationSlot ?? 0]!, precision.op(op)).scale[0]!;
        const wq = weightsAt(br.weightSlot ?? weightRules[0]!.slot).quant;
        const q = quantizeBias(t, inScale, wq.scale);
        return b.copyTensor(t, { dtype: 'int32', data: q.data, quant: q.quant });
      }
      fail('E-QUANT-CONST', 'quantize', `constant input ${k} of a ${op.kind} op cannot be quantized`, { layer: op.name, tensor: t.name });
    });
    b.addOp({ ...op, inputs, outputs: op.outputs.map((id) => map.get(id)!) });
  }
  return b.build(
    g.name,
    g.inputs.map((id) => map.get(id)!),
    g.outputs.map((id) => map.get(id)!),
    g.meta,
  );
}

export { chooseActivationQuant };
