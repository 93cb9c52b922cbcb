/**
 * What the recurrent families (src/ops/lstm, src/ops/gru) share:
 *   - tfjs import: the [1, 1, T, C] sequence the importer lifts a rank-3 input to, reshaped to the
 *     kernels' [1, T, C]; tfjs's gate-stacked kernels split into one [units, in] matrix per gate;
 *     the state tensors; the layer's output (the whole sequence, or its last step);
 *   - the options a recurrent layer may carry, checked before conversion;
 *   - state reset for layers that are not `stateful`: tfjs starts every call from zero state, so the
 *     step resets its state tensors first, in the simulator and in the C alike.
 */
import type { ActivationData, EmitContext, SimEnv, TfjsLayerContext } from '../contract.ts';
import { addConst, newActivation } from './tfjs.ts';

/** The options every tfjs recurrent layer shares that no kernel here honours, as reasons. */
export function recurrentUnsupported(config: Record<string, unknown>, inputRank: number | undefined, activations: { recurrent: readonly string[] }): string[] {
  const why: string[] = [];
  if (inputRank !== undefined && inputRank !== 3) why.push(`a rank-${inputRank} input (a sequence [batch, time, features] is needed)`);
  if (config.returnState === true) why.push('returnState');
  if (config.goBackwards === true) why.push('goBackwards (for a reversed sequence, wrap the layer in Bidirectional)');
  const act = String(config.activation ?? 'tanh');
  if (act !== 'tanh') why.push(`activation '${act}' (the integer kernels compute tanh)`);
  const rec = normalizeActivation(config.recurrentActivation ?? 'hardSigmoid');
  if (!activations.recurrent.includes(rec)) why.push(`recurrentActivation '${rec}' (supported: ${activations.recurrent.join(', ')})`);
  return why;
}

/** 'hard_sigmoid' (Keras) and 'hardSigmoid' (tfjs) name the same function. */
export function normalizeActivation(v: unknown): string {
  const s = String(v);
  return s === 'hard_sigmoid' ? 'hardSigmoid' : s;
}

export interface SequenceInput {
  /** [1, T, C]: the kernels' sequence layout (batch major). */
  id: number;
  timeSteps: number;
  features: number;
}

/** The layer's input as [1, T, C] (a reshape: no copy). */
export function sequenceInput(ctx: TfjsLayerContext): SequenceInput {
  const x = ctx.inputs[0]!;
  const shape = ctx.b.tensor(x).shape;
  const timeSteps = shape[shape.length - 2]!;
  const features = shape[shape.length - 1]!;
  const id = ctx.b.addTensor({ name: `${ctx.name}/sequence`, shape: [1, timeSteps, features], dtype: 'float32' });
  ctx.b.addOp({ kind: 'reshape', name: `${ctx.name}/sequence`, attrs: { shape: [1, timeSteps, features] }, inputs: [x], outputs: [id] });
  return { id, timeSteps, features };
}

/**
 * tfjs stacks its gates along the last axis: kernel [in, gates * units]. Gate g as the IR's
 * [units, in] (row r = unit r).
 */
export function gateMatrix(kernel: Float32Array, inSize: number, units: number, gates: number, g: number): Float32Array {
  const out = new Float32Array(units * inSize);
  for (let r = 0; r < units; r++) for (let c = 0; c < inSize; c++) out[r * inSize + c] = kernel[c * gates * units + g * units + r]!;
  return out;
}

/** Gate g's slice of a stacked bias [gates * units] (zeros without a bias). */
export function gateBias(bias: Float32Array | undefined, units: number, g: number): Float32Array {
  return bias ? bias.slice(g * units, (g + 1) * units) : new Float32Array(units);
}

/** The per-gate constants of a layer: input matrices, recurrent matrices, biases (tfjs weight order). */
export function gateConstants(ctx: TfjsLayerContext, prefix: string, gateNames: readonly string[], inSize: number, units: number): { input: number[]; recurrent: number[]; bias: number[] } {
  const [kernel, recurrent, bias] = ctx.weights;
  const n = gateNames.length;
  const role = (what: string, g: string) => `${prefix}${what}${g ? `_${g}` : ''}`;
  const useBias = ctx.config.useBias !== false;
  return {
    input: gateNames.map((g, k) => addConst(ctx, role('kernel', g), [units, inSize], gateMatrix(kernel!, inSize, units, n, k))),
    recurrent: gateNames.map((g, k) => addConst(ctx, role('recurrent_kernel', g), [units, units], gateMatrix(recurrent!, units, units, n, k))),
    bias: gateNames.map((g, k) => addConst(ctx, role('bias', g), [units], gateBias(useBias ? bias : undefined, units, k))),
  };
}

/** A state (variable) tensor of the layer: kept across invokes, or reset by the step each invoke. */
export function stateTensor(ctx: TfjsLayerContext, role: string, units: number): number {
  return ctx.b.addTensor({ name: `${ctx.name}/${role}`, shape: [1, units], dtype: 'float32', variable: true });
}

/** The layer's tfjs output from the kernel's: [1, T, H] reshaped to [1, 1, T, H], or [1, H] as is. */
export function sequenceOutput(ctx: TfjsLayerContext, out: number, returnSequences: boolean): number {
  if (!returnSequences) return out;
  const y = newActivation(ctx, '', ctx.outShape);
  ctx.b.addOp({ kind: 'reshape', name: `${ctx.name}/output`, attrs: { shape: ctx.outShape }, inputs: [out], outputs: [y] });
  return y;
}

/** A layer's kernel output tensor: the whole sequence [1, T, H] or the last step [1, H]. */
export function kernelOutput(ctx: TfjsLayerContext, timeSteps: number, units: number, returnSequences: boolean): number {
  return ctx.b.addTensor({ name: returnSequences ? `${ctx.name}/sequence_output` : ctx.name, shape: returnSequences ? [1, timeSteps, units] : [1, units], dtype: 'float32' });
}

/** Each state at its reset value before the step runs (simulator). */
export function resetStates(env: SimEnv, ids: readonly number[]): void {
  for (const id of ids) {
    const t = env.graph.tensors[id]!;
    env.state.get(id)!.fill(t.dtype === 'int8' ? (t.quant?.zeroPoint[0] ?? 0) : 0);
  }
}

/** The same reset in C, before the kernel call. */
export function resetStateLines(ctx: EmitContext, ids: readonly number[], layer: string): string[] {
  return ids.map((id) => {
    const t = ctx.graph.tensors[id]!;
    const n = t.shape.reduce((a, b) => a * b, 1) * (t.dtype === 'int16' ? 2 : 1);
    const value = t.dtype === 'int8' ? (t.quant?.zeroPoint[0] ?? 0) : 0;
    return `memset(${ctx.tensor(id, layer)}, ${value}, ${n}u); /* not stateful: every invoke starts from reset state */`;
  });
}

export type { ActivationData };
