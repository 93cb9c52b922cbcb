/**
 * Fused training paths for layers whose stock tfjs form is many tiny ops (on the CPU backend op
 * dispatch, not arithmetic, then dominates an epoch): GRU, LSTM and SimpleRNN (tf.rnn runs ~20 ops per
 * time step) and CausalConv1D (pad, one slice and 1x1 convolution per tap, sum, bias, activation).
 *
 * `installFastLayers()` (called by registerFastKernels) replaces each class's `call` with one that runs
 * the fused op (src/train/kernels/{gru,lstm,simple-rnn,causal-conv}.ts) for the configurations it
 * covers, and the original `call` for any other:
 *
 *   GRU, LSTM     activation tanh, recurrentActivation hardSigmoid or sigmoid
 *   SimpleRNN     activation tanh
 *   all three     returnSequences either way, goBackwards either way (so Bidirectional too), with or
 *                 without bias; not stateful, no returnState, no dropout, no mask or initial state
 *   CausalConv1D  activation relu or linear, with or without bias
 *
 * and always the CPU backend and float32 [batch, time, channels] input.
 */
import * as tf from '@tensorflow/tfjs';
import { CausalConv1D } from '../import/tfjs-keras-layers.ts';
import { fusedCausalConv1d } from './kernels/causal-conv.ts';
import { gruCell } from './kernels/gru.ts';
import { lstmCell } from './kernels/lstm.ts';
import { type FusedCell, runFusedCell } from './kernels/recurrent.ts';
import { simpleRnnCell } from './kernels/simple-rnn.ts';

type Kwargs = Record<string, unknown> | undefined;
type Call = (this: tf.layers.Layer, inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs) => tf.Tensor | tf.Tensor[];
/** A fused computation of the layer's output, or null where the layer's configuration is not covered. */
type Fuse = (layer: tf.layers.Layer, x: tf.Tensor) => (() => tf.Tensor) | null;

/** What the fused path reads of a tfjs recurrent layer and its cell. */
interface RnnLayer {
  returnSequences: boolean;
  returnState: boolean;
  goBackwards: boolean;
  stateful: boolean;
  cell: {
    activation: { getClassName(): string };
    recurrentActivation?: { getClassName(): string };
    dropout: number;
    recurrentDropout: number;
    kernel: tf.LayerVariable;
    recurrentKernel: tf.LayerVariable;
    bias: tf.LayerVariable | null;
  };
}

// biome-ignore lint/suspicious/noExplicitAny: a cell's tape type is private to its file.
type AnyCell = FusedCell<any>;
const CELLS: Record<string, { hardSigmoid: AnyCell; sigmoid: AnyCell } | AnyCell> = {
  GRU: { hardSigmoid: gruCell(true), sigmoid: gruCell(false) },
  LSTM: { hardSigmoid: lstmCell(true), sigmoid: lstmCell(false) },
  SimpleRNN: simpleRnnCell,
};

function fuseRecurrent(className: string): Fuse {
  return (layer, x) => {
    const l = layer as unknown as RnnLayer;
    const c = l.cell;
    if (l.stateful || l.returnState || c.dropout > 0 || c.recurrentDropout > 0 || c.activation.getClassName() !== 'tanh') return null;
    if (c.kernel.dtype !== 'float32' || x.shape[2] !== c.kernel.shape[0]) return null;
    const entry = CELLS[className]!;
    let cell: AnyCell;
    if ('gates' in entry) cell = entry;
    else {
      const gate = c.recurrentActivation?.getClassName();
      if (gate !== 'hardSigmoid' && gate !== 'sigmoid') return null;
      cell = entry[gate];
    }
    return () => {
      // tf.rnn with goBackwards runs the reversed sequence and returns its outputs in that order.
      const seq = l.goBackwards ? tf.reverse(x, 1) : x;
      const kernel = c.kernel.read();
      const bias = c.bias ? c.bias.read() : tf.zeros([kernel.shape[1]!]);
      return runFusedCell(cell, seq, kernel, c.recurrentKernel.read(), bias, l.returnSequences);
    };
  };
}

const fuseCausalConv: Fuse = (layer, x) => {
  const l = layer as CausalConv1D;
  if (l.activation !== 'relu' && l.activation !== 'linear') return null;
  // build() adds the kernel [K, C, F], then the bias [F] when the layer has one.
  const [kernel, bias] = l.weights;
  if (kernel?.dtype !== 'float32' || x.shape[2] !== kernel.shape[1]) return null;
  return () => fusedCausalConv1d(x, kernel.read(), bias && l.useBias ? bias.read() : tf.zeros([l.filters]), l.dilationRate, l.activation === 'relu');
};

/** The one float32 [B, T, C] input with T > 0 on the CPU backend, and no mask or initial state; otherwise null. */
function soleInput(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | null {
  const x = Array.isArray(inputs) ? (inputs.length === 1 ? inputs[0]! : null) : inputs;
  if (x?.rank !== 3 || x.dtype !== 'float32' || x.shape[1] === 0 || tf.getBackend() !== 'cpu') return null;
  if (kwargs?.mask != null || kwargs?.initialState != null) return null;
  return x;
}

function hookCall(className: string, fuse: Fuse): void {
  const entry = (tf.serialization.SerializationMap.getMap().classNameMap as Record<string, [{ prototype: { call: Call } }, unknown]>)[className];
  if (!entry) throw new Error(`edgec fast layers: no tfjs class ${className}`);
  const proto = entry[0].prototype;
  const original = proto.call;
  proto.call = function (this: tf.layers.Layer, inputs, kwargs) {
    const x = soleInput(inputs, kwargs);
    const run = x ? fuse(this, x) : null;
    return run ? tf.tidy(run) : original.call(this, inputs, kwargs);
  };
}

let installed = false;

/** Routes the covered layer configurations to the fused ops, process-wide (idempotent). */
export function installFastLayers(): void {
  if (installed) return;
  installed = true;
  for (const name of ['GRU', 'LSTM', 'SimpleRNN']) hookCall(name, fuseRecurrent(name));
  hookCall(CausalConv1D.className, fuseCausalConv);
}
