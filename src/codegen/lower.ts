/**
 * Lowering: int8 graph -> an ordered list of kernel steps with every constant computed. The TS
 * simulator (src/sim/int8.ts) and the C emitter (src/codegen/portable) both consume this list, so
 * the C receives exactly the integers the simulator used; neither recomputes a parameter.
 *
 * A reshape lowers to nothing: the planner aliases its output to its input.
 */
import { EdgecError, type Diagnostic } from '../diagnostics.ts';
import { checkStepRanges } from './lower-ranges.ts';
import { opDef } from '../ops/registry.ts';
import type { PadStep } from '../ops/pad.ts';
import type { Graph, Op, QuantParams, Tensor } from '../ir/graph.ts';
import type { Dims } from '../kernels/types.ts';
import type { LutActivationParams } from '../kernels/activations.ts';
import { effectiveBias } from '../kernels/lstm.ts';
import type { SvdfParams, SvdfShape } from '../kernels/svdf.ts';
import { activationRange, addParams, channelMultipliers, lstmParams, lutActivationParams, meanParams, requantizeParams, softmaxParams, svdfParams, type ActivationRange, type AddParams, type SoftmaxParams } from '../quantize/op-params.ts';

export interface ConvStep {
  kind: 'conv_s8';
  input: number;
  output: number;
  weights: number;
  bias: number; // -1: none
  inputDims: Dims;
  filterDims: Dims; // n = C_OUT, h, w, c = C_IN / groups
  outputDims: Dims;
  inputOffset: number;
  outputOffset: number;
  stride: { h: number; w: number };
  padding: { h: number; w: number };
  dilation: { h: number; w: number };
  activation: ActivationRange;
  groups: number;
  multiplier: Int32Array;
  shift: Int32Array;
}

export interface DepthwiseStep extends Omit<ConvStep, 'kind' | 'groups'> {
  kind: 'depthwise_s8';
  chMult: number;
}

export interface FullyConnectedStep {
  kind: 'fully_connected_s8';
  input: number;
  output: number;
  weights: number;
  bias: number;
  batches: number;
  accumDepth: number;
  outputDepth: number;
  inputOffset: number;
  filterOffset: number;
  outputOffset: number;
  activation: ActivationRange;
  multiplier: Int32Array; // one entry when per tensor
  shift: Int32Array;
  perChannel: boolean;
}

export interface PoolStep {
  kind: 'max_pool_s8' | 'avg_pool_s8';
  input: number;
  output: number;
  inputDims: Dims;
  outputDims: Dims;
  filter: { h: number; w: number };
  stride: { h: number; w: number };
  padding: { h: number; w: number };
  activation: ActivationRange;
}

export interface AddStep {
  kind: 'add_s8';
  inputs: [number, number];
  output: number;
  size: number;
  params: AddParams;
  activation: ActivationRange;
}

export interface SvdfStep {
  kind: 'svdf_s8';
  input: number;
  output: number;
  /** Variable tensor [batch, features * time]: kept across invokes. */
  state: number;
  weightsFeature: number;
  weightsTime: number;
  bias: number;
  params: SvdfParams;
  shape: SvdfShape;
}

/** TFLite QUANTIZE between integer types: out = clamp(requant(x - zp_in) + zp_out). */
export interface RequantizeStep {
  kind: 'requantize';
  input: number;
  output: number;
  size: number;
  inType: 'int8' | 'int16';
  outType: 'int8' | 'int16' | 'int32';
  multiplier: number;
  shift: number;
  inputZeroPoint: number;
  outputZeroPoint: number;
}

export interface TransposeStep {
  kind: 'transpose_s8';
  input: number;
  output: number;
  shape: number[];
  perm: number[];
}

export interface StridedSliceStep {
  kind: 'strided_slice_s8';
  input: number;
  output: number;
  shape: number[];
  begin: number[];
  stride: number[];
  size: number[];
}

export interface SoftmaxStep {
  /** int8 in; int8 out, or int16 out (zero point -32768, scale 1/65536) for softmax_s8_s16. */
  kind: 'softmax_s8' | 'softmax_s8_s16';
  input: number;
  output: number;
  rows: number;
  rowSize: number;
  params: SoftmaxParams;
}

export interface LutActivationStep {
  kind: 'logistic_s8' | 'tanh_s8';
  input: number;
  output: number;
  size: number;
  params: LutActivationParams;
}

export type { PadStep };

export interface MeanStep {
  kind: 'mean_s8';
  input: number;
  output: number;
  inputDims: Dims;
  inputZeroPoint: number;
  outputZeroPoint: number;
  multiplier: number;
  shift: number;
}

export interface ConcatStep {
  kind: 'concat_s8';
  inputs: number[];
  output: number;
  axisSizes: number[];
  outer: number;
  inner: number;
}

export interface LstmGateStep {
  inputWeights: number; // tensor ids
  hiddenWeights: number;
  bias: number;
  inputMultiplier: number;
  inputShift: number;
  hiddenMultiplier: number;
  hiddenShift: number;
  /** bias + input_offset * row sums of the input weights; -output_offset * row sums of the recurrent ones. */
  inputEffectiveBias: Int32Array;
  hiddenEffectiveBias: Int32Array;
  activation: 'sigmoid' | 'tanh';
}

export interface LstmStep {
  kind: 'lstm_s8';
  input: number;
  output: number;
  /** Variable tensors: the state kept across invokes. */
  hiddenState: number;
  cellState: number;
  timeMajor: boolean;
  batchSize: number;
  timeSteps: number;
  inputSize: number;
  hiddenSize: number;
  inputOffset: number;
  outputOffset: number;
  forgetToCell: { multiplier: number; shift: number };
  inputToCell: { multiplier: number; shift: number };
  outputMul: { multiplier: number; shift: number };
  cellClip: number;
  cellScalePower: number;
  gates: { input: LstmGateStep; forget: LstmGateStep; cell: LstmGateStep; output: LstmGateStep };
}

export type StepBody = ConvStep | DepthwiseStep | FullyConnectedStep | PoolStep | AddStep | SoftmaxStep | PadStep | ConcatStep | MeanStep | LutActivationStep | LstmStep | SvdfStep | RequantizeStep | TransposeStep | StridedSliceStep;

export type Step = StepBody & {
  /** The graph op (layer) this step computes. */
  op: { id: number; name: string; kind: Op['kind'] };
};

export interface Lowered {
  graph: Graph;
  steps: Step[];
  /** tensor id -> tensor whose bytes it shares (reshape outputs). */
  aliases: Map<number, number>;
}

function nhwc(t: Tensor): Dims {
  const s = t.shape;
  if (s.length === 4) return { n: s[0]!, h: s[1]!, w: s[2]!, c: s[3]! };
  if (s.length === 2) return { n: s[0]!, h: 1, w: 1, c: s[1]! };
  if (s.length === 3) return { n: s[0]!, h: 1, w: s[1]!, c: s[2]! };
  return { n: 1, h: 1, w: 1, c: s[0] ?? 1 };
}

const q = (t: Tensor): QuantParams => {
  if (!t.quant) throw new Error(`tensor '${t.name}' has no quantization`);
  return t.quant;
};

function lowerOp(g: Graph, op: Op): StepBody | null {
  const def = opDef(op.kind);
  if (def) return def.lower(g, op as never) as StepBody | null;
  const T = (k: number) => g.tensors[op.inputs[k]!]!;
  const out = g.tensors[op.outputs[0]!]!;
  const x = T(0);
  const common = { input: x.id, output: out.id };
  switch (op.kind) {
    case 'conv2d':
    case 'depthwise_conv2d': {
      const w = T(1);
      const a = op.attrs;
      const isDw = op.kind === 'depthwise_conv2d';
      const outC = isDw ? w.shape[3]! : w.shape[0]!;
      const { multiplier, shift } = channelMultipliers(q(x), q(w), q(out), outC);
      const base = {
        ...common,
        weights: w.id,
        bias: op.inputs[2] ?? -1,
        inputDims: nhwc(x),
        filterDims: { n: isDw ? 1 : outC, h: w.shape[1]!, w: w.shape[2]!, c: isDw ? outC : w.shape[3]! },
        outputDims: nhwc(out),
        inputOffset: -q(x).zeroPoint[0]!,
        outputOffset: q(out).zeroPoint[0]!,
        stride: { ...a.stride },
        padding: { h: a.padding.top, w: a.padding.left },
        dilation: { ...a.dilation },
        activation: activationRange(a.activation, q(out)),
        multiplier,
        shift,
      };
      if (op.kind === 'depthwise_conv2d') return { kind: 'depthwise_s8', ...base, chMult: op.attrs.depthMultiplier };
      return { kind: 'conv_s8', ...base, groups: op.attrs.groups };
    }
    case 'fully_connected': {
      const w = T(1);
      const perChannel = q(w).scale.length > 1;
      const { multiplier, shift } = channelMultipliers(q(x), q(w), q(out), perChannel ? w.shape[0]! : 1);
      const accumDepth = w.shape[1]!;
      return {
        kind: 'fully_connected_s8',
        ...common,
        weights: w.id,
        bias: op.inputs[2] ?? -1,
        batches: x.shape.reduce((a, b) => a * b, 1) / accumDepth,
        accumDepth,
        outputDepth: w.shape[0]!,
        inputOffset: -q(x).zeroPoint[0]!,
        filterOffset: 0,
        outputOffset: q(out).zeroPoint[0]!,
        activation: activationRange(op.attrs.activation, q(out)),
        multiplier,
        shift,
        perChannel,
      };
    }
    case 'max_pool2d':
    case 'avg_pool2d':
      return {
        kind: op.kind === 'max_pool2d' ? 'max_pool_s8' : 'avg_pool_s8',
        ...common,
        inputDims: nhwc(x),
        outputDims: nhwc(out),
        filter: { ...op.attrs.filter },
        stride: { ...op.attrs.stride },
        padding: { h: op.attrs.padding.top, w: op.attrs.padding.left },
        activation: activationRange(op.attrs.activation, q(out)),
      };
    case 'mean_hw': {
      // Same quantization in and out (the quantizer groups them), so MEAN is an average pool.
      const d = nhwc(x);
      return {
        kind: 'avg_pool_s8',
        ...common,
        inputDims: d,
        outputDims: { n: d.n, h: 1, w: 1, c: d.c },
        filter: { h: d.h, w: d.w },
        stride: { h: 1, w: 1 },
        padding: { h: 0, w: 0 },
        activation: { min: -128, max: 127 },
      };
    }
    case 'mean_hw_requant': {
      const d = nhwc(x);
      return { kind: 'mean_s8', ...common, inputDims: d, inputZeroPoint: q(x).zeroPoint[0]!, outputZeroPoint: q(out).zeroPoint[0]!, ...meanParams(q(x), q(out), d.h * d.w) };
    }
    case 'add':
      return {
        kind: 'add_s8',
        inputs: [op.inputs[0]!, op.inputs[1]!],
        output: out.id,
        size: out.shape.reduce((a, b) => a * b, 1),
        params: addParams(q(x), q(T(1)), q(out)),
        activation: activationRange(op.attrs.activation, q(out)),
      };
    case 'softmax': {
      const rowSize = x.shape[x.shape.length - 1]!;
      return { kind: out.dtype === 'int16' ? 'softmax_s8_s16' : 'softmax_s8', ...common, rows: x.shape.reduce((a, b) => a * b, 1) / rowSize, rowSize, params: softmaxParams(op.attrs.beta, q(x)) };
    }
    case 'logistic':
    case 'tanh':
      return { kind: op.kind === 'logistic' ? 'logistic_s8' : 'tanh_s8', ...common, size: x.shape.reduce((a, b) => a * b, 1), params: lutActivationParams(q(x)) };
    case 'concat': {
      const rank = out.shape.length;
      const axis = op.attrs.axis < 0 ? op.attrs.axis + rank : op.attrs.axis;
      const prod = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
      return {
        kind: 'concat_s8',
        inputs: [...op.inputs],
        output: out.id,
        axisSizes: op.inputs.map((id) => g.tensors[id]!.shape[axis]!),
        outer: prod(out.shape.slice(0, axis)),
        inner: prod(out.shape.slice(axis + 1)),
      };
    }
    case 'lstm':
      return lowerLstm(g, op);
    case 'transpose':
      return { kind: 'transpose_s8', ...common, shape: [...x.shape], perm: [...op.attrs.perm] };
    case 'strided_slice':
      return { kind: 'strided_slice_s8', ...common, shape: [...x.shape], begin: [...op.attrs.begin], stride: [...op.attrs.stride], size: [...op.attrs.size] };
    case 'svdf': {
      const wf = T(1);
      const wt = T(2);
      const state = T(4);
      const batches = x.shape[0]!;
      const features = wf.shape[0]!;
      const p = svdfParams(q(x), q(wf), q(wt), q(state), q(out));
      return {
        kind: 'svdf_s8',
        ...common,
        state: state.id,
        weightsFeature: wf.id,
        weightsTime: wt.id,
        bias: op.inputs[3] ?? -1,
        params: { rank: op.attrs.rank, ...p, inputActivation: { min: -128, max: 127 }, outputActivation: { min: -128, max: 127 } },
        shape: { batches, inputSize: wf.shape[1]!, features, timeSteps: wt.shape[1]! },
      };
    }
    case 'requantize': {
      const r = requantizeParams(q(x), q(out));
      return { kind: 'requantize', ...common, size: x.shape.reduce((a, b) => a * b, 1), inType: x.dtype as 'int8' | 'int16', outType: out.dtype as 'int8' | 'int16' | 'int32', ...r };
    }
    case 'reshape':
      return null;
    case 'batch_norm':
      throw new EdgecError({ code: 'E-LOWER-OP', stage: 'codegen', message: 'batch norm should have been folded by the passes', location: { layer: op.name } });
    case 'relu':
      throw new EdgecError({
        code: 'E-LOWER-OP',
        stage: 'codegen',
        message: 'a standalone ReLU that could not be fused into its producer is not supported yet',
        location: { layer: op.name },
      });
    default:
      throw new Error(`lowering: no family defines op kind '${op.kind}'`);
  }
}

function lowerLstm(g: Graph, op: Op & { kind: 'lstm' }): LstmStep {
  const T = (k: number) => g.tensors[op.inputs[k]!]!;
  const x = T(0);
  const hidden = T(13);
  const cell = T(14);
  const names = ['input', 'forget', 'cell', 'output'] as const;
  const p = lstmParams(q(x), [1, 2, 3, 4].map((k) => q(T(k))), [5, 6, 7, 8].map((k) => q(T(k))), q(hidden), q(cell), op.attrs.cellClip);
  const [d0, d1, inputSize] = x.shape as [number, number, number];
  const hiddenSize = T(1).shape[0]!;
  const gate = (k: number): LstmGateStep => {
    const wi = T(1 + k);
    const wh = T(5 + k);
    const b = T(9 + k);
    return {
      inputWeights: wi.id,
      hiddenWeights: wh.id,
      bias: b.id,
      inputMultiplier: p.gates[k]!.input.multiplier,
      inputShift: p.gates[k]!.input.shift,
      hiddenMultiplier: p.gates[k]!.hidden.multiplier,
      hiddenShift: p.gates[k]!.hidden.shift,
      inputEffectiveBias: Int32Array.from(effectiveBias(wi.data as Int8Array, inputSize, hiddenSize, p.inputOffset, b.data as Int32Array, true)),
      hiddenEffectiveBias: Int32Array.from(effectiveBias(wh.data as Int8Array, hiddenSize, hiddenSize, -p.outputOffset, null, true)),
      activation: names[k] === 'cell' ? 'tanh' : 'sigmoid',
    };
  };
  return {
    kind: 'lstm_s8',
    input: x.id,
    output: op.outputs[0]!,
    hiddenState: hidden.id,
    cellState: cell.id,
    timeMajor: op.attrs.timeMajor,
    batchSize: op.attrs.timeMajor ? d1 : d0,
    timeSteps: op.attrs.timeMajor ? d0 : d1,
    inputSize,
    hiddenSize,
    inputOffset: p.inputOffset,
    outputOffset: p.outputOffset,
    forgetToCell: p.forgetToCell,
    inputToCell: p.inputToCell,
    outputMul: p.output,
    cellClip: p.cellClip,
    cellScalePower: p.cellScalePower,
    gates: { input: gate(0), forget: gate(1), cell: gate(2), output: gate(3) },
  };
}

export function lowerGraph(g: Graph): Lowered {
  const steps: Step[] = [];
  const aliases = new Map<number, number>();
  const problems: Diagnostic[] = [];
  for (const op of g.ops) {
    if (op.kind === 'reshape') {
      const src = op.inputs[0]!;
      aliases.set(op.outputs[0]!, aliases.get(src) ?? src);
      continue;
    }
    try {
      const s = lowerOp(g, op);
      if (s) steps.push({ ...s, op: { id: op.id, name: op.name, kind: op.kind } } as Step);
    } catch (e) {
      if (e instanceof EdgecError) problems.push(...e.diagnostics);
      else throw e;
    }
  }
  problems.push(...checkStepRanges(steps, g.meta.source));
  if (problems.length > 0) throw new EdgecError(problems);
  return { graph: g, steps, aliases };
}
