/**
 * One TS reference kernel call per lowered step kind: the simulator half of the table whose C half
 * is src/codegen/portable/kernels.ts. Both read the same step fields.
 */
import type { Graph, TensorData } from '../ir/graph.ts';
import type { LstmStep, Step } from '../codegen/lower.ts';
import { lstmS8, type LstmGate, type LstmParams } from '../kernels/lstm.ts';
import { logisticS8, tanhS8 } from '../kernels/activations.ts';
import { concatS8 } from '../kernels/concat.ts';
import { convolveS8 } from '../kernels/conv.ts';
import { depthwiseConvS8 } from '../kernels/depthwise.ts';
import { addS8 } from '../kernels/add.ts';
import { fullyConnectedS8 } from '../kernels/fully_connected.ts';
import { meanHwS8 } from '../kernels/mean.ts';
import { stepDef } from '../ops/registry.ts';
import { avgPoolS8, maxPoolS8 } from '../kernels/pooling.ts';
import { softmaxS8, softmaxS8S16 } from '../kernels/softmax.ts';
import { svdfStep } from '../kernels/svdf.ts';
import { quantizeInt } from '../kernels/quantize.ts';
import { transposeS8 } from '../kernels/transpose.ts';
import { stridedSliceS8 } from '../kernels/strided_slice.ts';

function constant(g: Graph, id: number): TensorData | null {
  if (id < 0) return null;
  const d = g.tensors[id]!.data;
  if (!d) throw new Error(`simulator: tensor ${id} is not a constant`);
  return d;
}

/** State tensors (variable tensors) by id, kept across invokes of a stateful model. */
export type SimState = Map<number, Int8Array | Int16Array>;

/** Every variable tensor at its reset value: int8 at its zero point, int16 at 0 (as `<model>_reset()`). */
export function resetState(g: Graph): SimState {
  const state: SimState = new Map();
  for (const t of g.tensors) {
    if (!t.variable) continue;
    const n = t.shape.reduce((a, b) => a * b, 1);
    state.set(t.id, t.dtype === 'int16' ? new Int16Array(n) : new Int8Array(n).fill(t.quant?.zeroPoint[0] ?? 0));
  }
  return state;
}

function lstmParamsOf(s: LstmStep, g: Graph): LstmParams {
  const gate = (k: LstmStep['gates']['input']): LstmGate => ({
    inputMultiplier: k.inputMultiplier,
    inputShift: k.inputShift,
    hiddenMultiplier: k.hiddenMultiplier,
    hiddenShift: k.hiddenShift,
    inputWeights: constant(g, k.inputWeights) as Int8Array,
    hiddenWeights: constant(g, k.hiddenWeights) as Int8Array,
    bias: constant(g, k.bias) as Int32Array,
    activation: k.activation,
  });
  return {
    ...s,
    output: s.outputMul,
    gates: { input: gate(s.gates.input), forget: gate(s.gates.forget), cell: gate(s.gates.cell), output: gate(s.gates.output) },
  };
}

/** An activation tensor's values in its own integer type. */
export type ActivationData = Int8Array | Int16Array | Int32Array;

export function runStep(s: Step, readAny: (id: number) => ActivationData, g: Graph, state: SimState): ActivationData {
  const def = stepDef(s.kind);
  if (def) return def.simulate(s, { graph: g, read: readAny, state, constant: (id) => constant(g, id) });
  const read = (id: number) => readAny(id) as Int8Array;
  switch (s.kind) {
    case 'conv_s8':
      return convolveS8(s, s, s.inputDims, read(s.input), s.filterDims, constant(g, s.weights) as Int8Array, constant(g, s.bias) as Int32Array | null, s.outputDims);
    case 'depthwise_s8':
      return depthwiseConvS8(s, s, s.inputDims, read(s.input), s.filterDims, constant(g, s.weights) as Int8Array, constant(g, s.bias) as Int32Array | null, s.outputDims);
    case 'fully_connected_s8':
      return fullyConnectedS8(s, s, s.perChannel, s.batches, s.accumDepth, s.outputDepth, read(s.input), constant(g, s.weights) as Int8Array, constant(g, s.bias) as Int32Array | null);
    case 'max_pool_s8':
      return maxPoolS8(s, s.inputDims, read(s.input), s.filter, s.outputDims);
    case 'avg_pool_s8':
      return avgPoolS8(s, s.inputDims, read(s.input), s.filter, s.outputDims);
    case 'add_s8':
      return addS8(read(s.inputs[0]), read(s.inputs[1]), s.params, s.activation, s.size);
    case 'transpose_s8':
      return transposeS8(read(s.input), s.shape, s.perm);
    case 'strided_slice_s8':
      return stridedSliceS8(read(s.input), s.shape, s.begin, s.stride, s.size);
    case 'softmax_s8_s16':
      return softmaxS8S16(read(s.input), s.rows, s.rowSize, s.params.multiplier, s.params.leftShift, s.params.diffMin);
    case 'svdf_s8':
      return svdfStep(s.params, s.shape, read(s.input), state.get(s.state)!, constant(g, s.weightsFeature) as Int8Array, constant(g, s.weightsTime) as Int8Array, constant(g, s.bias) as Int32Array | null);
    case 'requantize':
      return quantizeInt(readAny(s.input), s.outType, s.multiplier, s.shift, s.inputZeroPoint, s.outputZeroPoint);
    case 'softmax_s8':
      return softmaxS8(read(s.input), s.rows, s.rowSize, s.params.multiplier, s.params.leftShift, s.params.diffMin);
    case 'logistic_s8':
      return logisticS8(s.params, read(s.input));
    case 'tanh_s8':
      return tanhS8(s.params, read(s.input));
    case 'mean_s8':
      return meanHwS8(s, s.inputDims, read(s.input));
    case 'concat_s8':
      return concatS8(s.inputs.map(read), s.axisSizes, s.outer, s.inner);
    case 'lstm_s8':
      // The kernel recomputes the effective biases from the weights: an independent check of the
      // ones the C receives from the lowering.
      return lstmS8(lstmParamsOf(s, g), read(s.input), { hidden: state.get(s.hiddenState) as Int8Array, cell: state.get(s.cellState) as Int16Array });
    default:
      throw new Error(`simulator: no family defines step kind '${s.kind}'`);
  }
}
