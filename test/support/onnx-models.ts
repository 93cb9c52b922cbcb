/**
 * Small ONNX models of the kinds wearable research exports from PyTorch, built with seeded random
 * weights (test/support/onnx-builder.ts): a 1-D CNN over sensor windows [1, C, T], a 2-D CNN with
 * batch norm and a depthwise convolution, an MLP with Gemm, a convolution flattened into a Gemm (the
 * channels-last weight permutation), and a GRU.
 */
import { float, int, ints, OnnxBuilder, seeded, str } from './onnx-builder.ts';

export interface OnnxTestModel {
  name: string;
  bytes: Uint8Array;
  /** ONNX input dims. */
  dims: number[];
  /** ONNX-order window -> the compiled model's input order (channels-last for a convolution's input). */
  toIr(x: Float32Array): Float32Array;
}

const prod = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** [1, C, ...spatial] in ONNX order -> channels-last. */
export function channelsLast(dims: readonly number[]): (x: Float32Array) => Float32Array {
  const c = dims[1]!;
  const spatial = prod(dims.slice(2));
  return (x) => {
    const out = new Float32Array(x.length);
    for (let ch = 0; ch < c; ch++) for (let p = 0; p < spatial; p++) out[p * c + ch] = x[ch * spatial + p]!;
    return out;
  };
}

const same = (x: Float32Array) => x;

/** Conv1d -> ReLU -> MaxPool -> dilated Conv1d -> ReLU -> depthwise (SAME_UPPER, stride 2) -> AvgPool -> Flatten -> Gemm -> Softmax. */
export function cnn1d(): OnnxTestModel {
  const dims = [1, 6, 64];
  const m = new OnnxBuilder('cnn1d', seeded(11));
  m.input('x', ['batch', 6, 64]);
  let h = m.node('Conv', ['x', m.weight('c1w', [8, 6, 5]), m.weight('c1b', [8])], 1, { pads: ints([2, 2]) });
  h = m.node('Relu', [h]);
  h = m.node('MaxPool', [h], 1, { kernel_shape: ints([2]), strides: ints([2]) });
  h = m.node('Conv', [h, m.weight('c2w', [12, 8, 3]), m.weight('c2b', [12])], 1, { dilations: ints([2]), pads: ints([2, 2]) });
  h = m.node('Relu', [h]);
  h = m.node('Conv', [h, m.weight('dw', [12, 1, 3]), m.weight('dwb', [12])], 1, { group: int(12), strides: ints([2]), auto_pad: str('SAME_UPPER') });
  h = m.node('AveragePool', [h], 1, { kernel_shape: ints([2]), strides: ints([2]) });
  h = m.node('Flatten', [h]);
  h = m.node('Gemm', [h, m.weight('fcw', [5, 12 * 8], 0.3), m.weight('fcb', [5])], 1, { transB: int(1) });
  m.node('Softmax', [h], ['y']);
  m.output('y');
  return { name: 'cnn1d', bytes: m.encode(17), dims, toIr: channelsLast(dims) };
}

/** Gemm (transB 0, alpha, beta) -> ReLU -> MatMul + Add -> Clip(0, 6) -> Gemm -> Softmax (opset 13). */
export function mlp(): OnnxTestModel {
  const dims = [1, 20];
  const m = new OnnxBuilder('mlp', seeded(12));
  m.input('features', ['N', 20]);
  let h = m.node('Gemm', ['features', m.weight('w1', [20, 16]), m.weight('b1', [16])], 1, { alpha: float(0.8), beta: float(1.5) });
  h = m.node('Relu', [h]);
  h = m.node('MatMul', [h, m.weight('w2', [16, 12])]);
  h = m.node('Add', [h, m.weight('b2', [12])]);
  h = m.node('Clip', [h, m.init('lo', [], [0]), m.init('hi', [], [6])]);
  h = m.node('Gemm', [h, m.weight('w3', [4, 12]), m.weight('b3', [4])], 1, { transB: int(1) });
  m.node('Softmax', [h], ['probs'], { axis: int(1) });
  m.output('probs');
  return { name: 'mlp', bytes: m.encode(13), dims, toIr: same };
}

/** A convolution over [1, 3, T] flattened straight into a Gemm: the Gemm's columns follow the channels-last order. */
export function convFlattenGemm(): OnnxTestModel {
  const dims = [1, 3, 16];
  const m = new OnnxBuilder('conv_flatten', seeded(13));
  m.input('x', [1, 3, 16]);
  let h = m.node('Conv', ['x', m.weight('cw', [4, 3, 3]), m.weight('cb', [4])], 1, { pads: ints([1, 1]) });
  h = m.node('Relu', [h]);
  h = m.node('Flatten', [h]);
  m.node('Gemm', [h, m.weight('fw', [3, 64], 0.3), m.weight('fb', [3])], ['logits'], { transB: int(1) });
  m.output('logits');
  return { name: 'conv_flatten', bytes: m.encode(11), dims, toIr: channelsLast(dims) };
}

/**
 * A 2-D CNN over [1, 3, 11, 11]: Pad -> Conv -> BatchNorm -> ReLU -> depthwise Conv -> BatchNorm ->
 * HardSwish -> 1x1 Conv -> residual Add -> LeakyReLU -> MaxPool (ceil_mode) -> two 1x1 branches (one
 * after a Sigmoid) -> Concat on channels -> GlobalAveragePool -> Flatten -> Gemm -> Softmax.
 */
export function cnn2d(): OnnxTestModel {
  const dims = [1, 3, 11, 11];
  const m = new OnnxBuilder('cnn2d', seeded(14));
  m.input('image', ['N', 3, 11, 11]);
  const bn = (x: string, c: number, tag: string) =>
    m.node(
      'BatchNormalization',
      [
        x,
        m.weight(`${tag}_g`, [c], 0.3),
        m.weight(`${tag}_b`, [c], 0.2),
        m.weight(`${tag}_m`, [c], 0.1),
        m.init(
          `${tag}_v`,
          [c],
          Array.from({ length: c }, (_, i) => 0.5 + 0.1 * i),
        ),
      ],
      1,
      {
        epsilon: float(1e-3),
      },
    );
  let h = m.node('Pad', ['image', m.init('pads', [8], [0, 0, 1, 1, 0, 0, 1, 1], 'int64')]);
  h = m.node('Conv', [h, m.weight('c1w', [8, 3, 3, 3])], 1, { kernel_shape: ints([3, 3]) });
  h = m.node('Relu', [bn(h, 8, 'bn1')]);
  const skip = h;
  h = m.node('Conv', [h, m.weight('dww', [8, 1, 3, 3]), m.weight('dwb', [8])], 1, { group: int(8), pads: ints([1, 1, 1, 1]) });
  h = m.node('HardSwish', [bn(h, 8, 'bn2')]);
  h = m.node('Conv', [h, m.weight('pw', [8, 8, 1, 1]), m.weight('pwb', [8])]);
  h = m.node('Add', [h, skip]);
  h = m.node('LeakyRelu', [h], 1, { alpha: float(0.1) });
  h = m.node('MaxPool', [h], 1, { kernel_shape: ints([2, 2]), strides: ints([2, 2]), ceil_mode: int(1) });
  const a = m.node('Conv', [h, m.weight('aw', [4, 8, 1, 1]), m.weight('ab', [4])]);
  // (Sigmoid feeds the Conv, not the Concat: the quantizer would pin the whole concatenation to its fixed 1/256 scale.)
  const b = m.node('Conv', [m.node('Sigmoid', [h]), m.weight('bw', [4, 8, 1, 1]), m.weight('bb', [4])]);
  h = m.node('Concat', [a, b], 1, { axis: int(1) });
  h = m.node('GlobalAveragePool', [h]);
  h = m.node('Flatten', [h]);
  h = m.node('Gemm', [h, m.weight('fw', [4, 8], 1.5), m.weight('fb', [4])], 1, { transB: int(1) });
  m.node('Softmax', [h], ['y']);
  m.output('y');
  return { name: 'cnn2d', bytes: m.encode(17), dims, toIr: channelsLast(dims) };
}

/**
 * Layouts: Conv1d -> Transpose to [1, T, C] -> MatMul + Add (a per-step Linear: no data moves) ->
 * Transpose back -> Conv1d -> MatMul over the time axis (needs ONNX order: an IR transpose) ->
 * Squeeze/Unsqueeze/Reshape -> Gemm.
 */
export function layouts(): OnnxTestModel {
  const dims = [1, 4, 10];
  const m = new OnnxBuilder('layouts', seeded(15));
  m.input('x', [1, 4, 10]);
  let h = m.node('Conv', ['x', m.weight('c1', [6, 4, 3]), m.weight('c1b', [6])], 1, { pads: ints([1, 1]) });
  h = m.node('Transpose', [h], 1, { perm: ints([0, 2, 1]) });
  h = m.node('MatMul', [h, m.weight('lin', [6, 6])]);
  h = m.node('Add', [h, m.weight('linb', [6])]);
  h = m.node('Relu', [h]);
  h = m.node('Transpose', [h], 1, { perm: ints([0, 2, 1]) });
  h = m.node('Conv', [h, m.weight('c2', [5, 6, 3]), m.weight('c2b', [5])], 1, { pads: ints([1, 1]) });
  h = m.node('MatMul', [h, m.weight('time', [10, 3])]);
  h = m.node('Unsqueeze', [h, m.init('ax', [1], [1], 'int64')]);
  h = m.node('Squeeze', [h, m.init('ax2', [1], [1], 'int64')]);
  h = m.node('Reshape', [h, m.init('shape', [2], [1, -1], 'int64')]);
  m.node('Gemm', [h, m.weight('fw', [15, 3], 0.6)], ['out']);
  m.output('out');
  return { name: 'layouts', bytes: m.encode(17), dims, toIr: channelsLast(dims) };
}

/** A float model and how to feed it, for the quantizers of test/support/onnx-qdq.ts. */
export interface FloatSource {
  name: string;
  builder: OnnxBuilder;
  input: string;
  dims: number[];
  toIr(x: Float32Array): Float32Array;
}

/** 1-D CNN for QDQ: Conv -> ReLU -> MaxPool -> depthwise -> 1x1 Conv -> ReLU -> GlobalAveragePool -> Flatten -> Gemm -> Softmax. */
export function qdqCnnSource(): FloatSource {
  const dims = [1, 6, 32];
  const m = new OnnxBuilder('qdq_cnn', seeded(21));
  m.input('x', [1, 6, 32]);
  let h = m.node('Conv', ['x', m.weight('c1w', [8, 6, 5]), m.weight('c1b', [8])], 1, { pads: ints([2, 2]) });
  h = m.node('Relu', [h]);
  h = m.node('MaxPool', [h], 1, { kernel_shape: ints([2]), strides: ints([2]) });
  h = m.node('Conv', [h, m.weight('dw', [8, 1, 3]), m.weight('dwb', [8])], 1, { group: int(8), pads: ints([1, 1]) });
  h = m.node('Conv', [h, m.weight('pw', [12, 8, 1]), m.weight('pwb', [12])]);
  h = m.node('Relu', [h]);
  h = m.node('GlobalAveragePool', [h]);
  h = m.node('Flatten', [h]);
  h = m.node('Gemm', [h, m.weight('fw', [5, 12], 1.0), m.weight('fb', [5])], 1, { transB: int(1) });
  m.node('Softmax', [h], ['y']);
  m.output('y');
  return { name: 'qdq_cnn', builder: m, input: 'x', dims, toIr: channelsLast(dims) };
}

/** MLP with a residual Add and a Concat for QDQ: Gemm -> ReLU -> Gemm -> Add(skip) -> Concat(skip) -> Gemm. */
export function qdqMlpSource(): FloatSource {
  const dims = [1, 20];
  const m = new OnnxBuilder('qdq_mlp', seeded(22));
  m.input('features', [1, 20]);
  const a = m.node('Relu', [m.node('Gemm', ['features', m.weight('w1', [16, 20]), m.weight('b1', [16])], 1, { transB: int(1) })]);
  const b = m.node('Gemm', [a, m.weight('w2', [16, 16]), m.weight('b2', [16])], 1, { transB: int(1) });
  const c = m.node('Add', [a, b]);
  const d = m.node('Concat', [c, a], 1, { axis: int(1) });
  m.node('Gemm', [d, m.weight('w3', [4, 32]), m.weight('b3', [4])], ['scores'], { transB: int(1) });
  m.output('scores');
  return { name: 'qdq_mlp', builder: m, input: 'features', dims, toIr: (x) => x };
}

/** Conv -> MaxPool -> Flatten -> MatMul, for the operator-oriented (QLinearConv, QLinearMatMul) form. */
export function qoperatorSource(): FloatSource {
  const dims = [1, 4, 16];
  const m = new OnnxBuilder('qoperator', seeded(23));
  m.input('x', [1, 4, 16]);
  let h = m.node('Conv', ['x', m.weight('cw', [6, 4, 3]), m.weight('cb', [6])], 1, { pads: ints([1, 1]) });
  h = m.node('MaxPool', [h], 1, { kernel_shape: ints([2]), strides: ints([2]) });
  h = m.node('Flatten', [h]);
  m.node('MatMul', [h, m.weight('mw', [48, 5], 0.3)], ['out']);
  m.output('out');
  return { name: 'qoperator', builder: m, input: 'x', dims, toIr: channelsLast(dims) };
}

/**
 * A GRU over a convolution's features, as PyTorch lays it out: Conv1d -> ReLU -> Transpose to
 * [T, 1, C] -> GRU (linear_before_reset 0) -> Y_h -> Reshape -> Gemm -> Softmax.
 */
export function gru(): OnnxTestModel {
  const dims = [1, 3, 24];
  const units = 8;
  const m = new OnnxBuilder('gru', seeded(16));
  m.input('window', [1, 3, 24]);
  let h = m.node('Conv', ['window', m.weight('cw', [6, 3, 3]), m.weight('cb', [6])], 1, { pads: ints([1, 1]) });
  h = m.node('Relu', [h]);
  h = m.node('Transpose', [h], 1, { perm: ints([2, 0, 1]) });
  m.node('GRU', [h, m.weight('W', [1, 3 * units, 6]), m.weight('R', [1, 3 * units, units]), m.weight('B', [1, 6 * units], 0.2)], ['', 'state'], { hidden_size: int(units) }, 'gru');
  h = m.node('Reshape', ['state', m.init('flat', [2], [1, units], 'int64')]);
  h = m.node('Gemm', [h, m.weight('fw', [3, units], 1.5), m.weight('fb', [3])], 1, { transB: int(1) });
  m.node('Softmax', [h], ['probs']);
  m.output('probs');
  return { name: 'gru', bytes: m.encode(17), dims, toIr: channelsLast(dims) };
}

/**
 * An LSTM on a batch-first [1, T, C] window, transposed to [T, 1, C] as PyTorch exports it: the whole
 * output sequence into one Gemm, the last hidden state (Y_h) into another, their sum out.
 */
export function lstm(): OnnxTestModel {
  const dims = [1, 16, 3];
  const units = 6;
  const m = new OnnxBuilder('lstm', seeded(17));
  m.input('window', [1, 16, 3]);
  const x = m.node('Transpose', ['window'], 1, { perm: ints([1, 0, 2]) });
  m.node('LSTM', [x, m.weight('W', [1, 4 * units, 3]), m.weight('R', [1, 4 * units, units]), m.weight('B', [1, 8 * units], 0.2)], ['seq', 'last'], { hidden_size: int(units) }, 'lstm');
  const a = m.node('Gemm', [m.node('Reshape', ['seq', m.init('flat', [2], [1, 16 * units], 'int64')]), m.weight('fw', [4, 16 * units], 0.4), m.weight('fb', [4])], 1, { transB: int(1) });
  const b = m.node('Gemm', [m.node('Reshape', ['last', m.init('flat2', [2], [1, units], 'int64')]), m.weight('gw', [4, units]), m.weight('gb', [4])], 1, { transB: int(1) });
  m.node('Add', [a, b], ['scores']);
  m.output('scores');
  return { name: 'lstm', bytes: m.encode(17), dims, toIr: (x) => x };
}

/** Activations in a QDQ model: Conv -> LeakyReLU -> AveragePool -> Concat(Sigmoid, Tanh) -> HardSwish -> Flatten -> Gemm. */
export function qdqActivationsSource(): FloatSource {
  const dims = [1, 4, 16];
  const m = new OnnxBuilder('qdq_activations', seeded(41));
  m.input('x', [1, 4, 16]);
  let h = m.node('Conv', ['x', m.weight('c1w', [6, 4, 3]), m.weight('c1b', [6])], 1, { pads: ints([1, 1]) });
  h = m.node('LeakyRelu', [h], 1, { alpha: float(0.1) });
  h = m.node('AveragePool', [h], 1, { kernel_shape: ints([2]), strides: ints([2]) });
  h = m.node('Concat', [m.node('Sigmoid', [h]), m.node('Tanh', [h])], 1, { axis: int(1) });
  h = m.node('HardSwish', [h]);
  h = m.node('Flatten', [h]);
  m.node('Gemm', [h, m.weight('fw', [3, 96], 0.5), m.weight('fb', [3])], ['y'], { transB: int(1) });
  m.output('y');
  return { name: 'qdq_activations', builder: m, input: 'x', dims, toIr: channelsLast(dims) };
}
