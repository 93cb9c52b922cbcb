/**
 * What each op kind accepts, for the graph validator (validate.ts): arity, which slots must be
 * constants or state, the dtype signatures some kernel implements (anything else is refused, never
 * run with the wrong kernel), and shape and attribute rules that make every later stage's arithmetic
 * safe: output shapes equal what the op computes from its inputs, padding never covers a whole window,
 * byte-copying ops keep their quantization. `check` returns the op's multiply-accumulates.
 */
import type { DType, Op, OpKind } from './graph.ts';
import type { RuleContext } from '../ops/contract.ts';
import { opDef } from '../ops/registry.ts';
import { checkSameSize, isPosInt, nhwcOf, requireActivation, requireBias, requireOutputQuant, requireRank, requireSameQuant, requireShape, requireWeightQuant, shapeText, size, windowShape } from '../ops/shared/rules.ts';

export type { RuleContext };
export { nhwcOf };

type Signature = readonly (DType | '*')[];

export interface OpRule {
  /** Number of input slots, min and max. */
  inputs: readonly [number, number];
  outputs: number;
  /** Input slots that may hold -1 (absent). */
  optional?: readonly number[];
  constant?: readonly number[];
  state?: readonly number[];
  /** dtypes of the inputs then the outputs; the last entry repeats for variadic ops. */
  signatures: readonly Signature[];
  check(c: RuleContext): number;
}

const NONE = { h: 1, w: 1 };

function checkConv(c: RuleContext, depthwise: boolean): number {
  const op = c.op as Op & { kind: 'conv2d' | 'depthwise_conv2d' };
  const x = c.input(0)!;
  const w = c.input(1)!;
  const y = c.output(0);
  if (!requireRank(c, x, [4], 'the input') || !requireRank(c, w, [4], 'the filter') || !requireRank(c, y, [4], 'the output')) return 0;
  const [n, h, wd, ci] = x.shape as [number, number, number, number];
  const [wo, kh, kw, wc] = w.shape as [number, number, number, number];
  const a = op.attrs;
  requireActivation(c, a.activation);
  let co: number;
  let perChannelAxis: number;
  let macsPerOut: number;
  if (depthwise) {
    const mult = (op as Op & { kind: 'depthwise_conv2d' }).attrs.depthMultiplier;
    if (wo !== 1 || !isPosInt(mult) || wc !== ci * mult) {
      c.fail(`depthwise filter ${shapeText(w.shape)} with multiplier ${mult} does not match ${ci} input channels (expected [1, KH, KW, ${ci} * multiplier])`, w, 'E-GRAPH-SHAPE');
      return 0;
    }
    co = wc;
    perChannelAxis = 3;
    macsPerOut = kh * kw;
  } else {
    const groups = (op as Op & { kind: 'conv2d' }).attrs.groups;
    if (!isPosInt(groups) || ci !== wc * groups || wo % groups !== 0) {
      c.fail(`filter ${shapeText(w.shape)} with ${groups} group(s) does not match ${ci} input channels`, w, 'E-GRAPH-SHAPE');
      return 0;
    }
    co = wo;
    perChannelAxis = 0;
    macsPerOut = kh * kw * wc;
  }
  const out = windowShape(c, h, wd, { filter: { h: kh, w: kw }, stride: a.stride, dilation: a.dilation, padding: a.padding });
  if (!out) return 0;
  requireShape(c, y, [n, out[0], out[1], co]);
  requireWeightQuant(c, w, co, perChannelAxis);
  requireBias(c, c.input(2), co);
  return n * out[0] * out[1] * co * macsPerOut;
}

function checkPool(c: RuleContext): number {
  const op = c.op as Op & { kind: 'max_pool2d' | 'avg_pool2d' };
  const x = c.input(0)!;
  const y = c.output(0);
  if (!requireRank(c, x, [4], 'the input')) return 0;
  const [n, h, w, ch] = x.shape as [number, number, number, number];
  requireActivation(c, op.attrs.activation);
  const out = windowShape(c, h, w, { ...op.attrs, dilation: NONE });
  if (!out) return 0;
  requireShape(c, y, [n, out[0], out[1], ch], true);
  requireSameQuant(c, x, y);
  return size(y) * op.attrs.filter.h * op.attrs.filter.w;
}

function checkMean(c: RuleContext, sameQuantRequired: boolean): number {
  const x = c.input(0)!;
  const y = c.output(0);
  if (!requireRank(c, x, [4], 'the input')) return 0;
  const [n, , , ch] = x.shape as [number, number, number, number];
  requireShape(c, y, [n, 1, 1, ch], true);
  if (sameQuantRequired) requireSameQuant(c, x, y);
  return size(x);
}

function checkLstm(c: RuleContext): number {
  const op = c.op as Op & { kind: 'lstm' };
  const x = c.input(0)!;
  const y = c.output(0);
  if (!requireRank(c, x, [3], 'the input')) return 0;
  const [d0, d1, inputSize] = x.shape as [number, number, number];
  const [batch, time] = op.attrs.timeMajor ? [d1, d0] : [d0, d1];
  const hidden = c.input(1)!.shape[0]!;
  for (let k = 1; k <= 4; k++) requireShape(c, c.input(k)!, [hidden, inputSize]);
  for (let k = 5; k <= 8; k++) requireShape(c, c.input(k)!, [hidden, hidden]);
  for (let k = 9; k <= 12; k++) requireBias(c, c.input(k), hidden);
  for (let k = 1; k <= 8; k++) requireWeightQuant(c, c.input(k)!, hidden, 0, false);
  for (const k of [13, 14]) if (size(c.input(k)!) !== batch * hidden) c.fail(`state holds ${size(c.input(k)!)} values, the layer needs ${batch} x ${hidden}`, c.input(k), 'E-GRAPH-SHAPE');
  requireShape(c, y, op.attrs.timeMajor ? [time, batch, hidden] : [batch, time, hidden]);
  const clip = op.attrs.cellClip;
  if (typeof clip !== 'number' || !Number.isFinite(clip) || clip < 0) c.fail(`cell clip ${clip} must be finite and non-negative`);
  // TFLite's integer LSTM keeps the cell state in Q(-power) with power <= -9... a power of two it checks.
  const cell = c.input(14)!.quant;
  if (cell) {
    const log2 = Math.log2(Math.fround(cell.scale[0]!));
    if (Math.abs(log2 - Math.round(log2)) > 1e-3 || Math.round(log2) > -9 || Math.round(log2) < -30) {
      c.fail(`cell state scale ${cell.scale[0]} must be a power of two between 2^-30 and 2^-9 (TFLite's integer LSTM)`, c.input(14), 'E-GRAPH-QUANT');
    }
  }
  return batch * time * 4 * hidden * (inputSize + hidden);
}

function checkSvdf(c: RuleContext): number {
  const op = c.op as Op & { kind: 'svdf' };
  const x = c.input(0)!;
  const wf = c.input(1)!;
  const wt = c.input(2)!;
  const state = c.input(4)!;
  const y = c.output(0);
  if (!requireRank(c, x, [2], 'the input') || !requireRank(c, wf, [2], 'the feature weights') || !requireRank(c, wt, [2], 'the time weights')) return 0;
  const [batch, inputSize] = x.shape as [number, number];
  const [features, wfIn] = wf.shape as [number, number];
  const rank = op.attrs.rank;
  if (!isPosInt(rank) || features % rank !== 0) return (c.fail(`rank ${rank} does not divide the ${features} features`), 0);
  if (wfIn !== inputSize) return (c.fail(`feature weights ${shapeText(wf.shape)} do not match the input size ${inputSize}`, wf, 'E-GRAPH-SHAPE'), 0);
  if (wt.shape[0] !== features) return (c.fail(`time weights ${shapeText(wt.shape)} do not match the ${features} features`, wt, 'E-GRAPH-SHAPE'), 0);
  const time = wt.shape[1]!;
  requireBias(c, c.input(3), features / rank);
  if (size(state) !== batch * features * time) c.fail(`state holds ${size(state)} values, the layer needs ${batch} x ${features} x ${time}`, state, 'E-GRAPH-SHAPE');
  requireShape(c, y, [batch, features / rank]);
  requireWeightQuant(c, wf, features, 0, false);
  requireWeightQuant(c, wt, features, 0, false);
  return batch * features * (inputSize + time);
}

function checkConcat(c: RuleContext): number {
  const op = c.op as Op & { kind: 'concat' };
  const y = c.output(0);
  const rank = y.shape.length;
  const axis = op.attrs.axis < 0 ? op.attrs.axis + rank : op.attrs.axis;
  if (!Number.isInteger(axis) || axis < 0 || axis >= rank) return (c.fail(`axis ${op.attrs.axis} is outside the output's ${rank} axes`), 0);
  if (op.attrs.activation !== 'none') c.fail(`a fused activation (${String(op.attrs.activation)}) on a concatenation is not supported`);
  let total = 0;
  op.inputs.forEach((id) => {
    const t = c.g.tensors[id]!;
    if (t.dtype !== y.dtype) c.fail(`input is ${t.dtype}, the output ${y.dtype}`, t, 'E-GRAPH-TYPE');
    if (t.shape.length !== rank || t.shape.some((d, i) => i !== axis && d !== y.shape[i])) c.fail(`shape ${shapeText(t.shape)} does not match the output ${shapeText(y.shape)} outside axis ${axis}`, t, 'E-GRAPH-SHAPE');
    total += t.shape[axis] ?? 0;
    requireSameQuant(c, t, y);
  });
  if (total !== y.shape[axis]) c.fail(`inputs add up to ${total} along axis ${axis}, the output has ${y.shape[axis]}`, y, 'E-GRAPH-SHAPE');
  return size(y);
}

function checkTranspose(c: RuleContext): number {
  const op = c.op as Op & { kind: 'transpose' };
  const x = c.input(0)!;
  const y = c.output(0);
  const perm = op.attrs.perm;
  const rank = x.shape.length;
  if (perm.length !== rank || [...perm].sort((a, b) => a - b).some((v, i) => v !== i)) return (c.fail(`permutation [${perm.join(', ')}] is not a permutation of the input's ${rank} axes`), 0);
  requireShape(c, y, perm.map((a) => x.shape[a]!));
  requireSameQuant(c, x, y);
  return size(y);
}

function checkStridedSlice(c: RuleContext): number {
  const op = c.op as Op & { kind: 'strided_slice' };
  const x = c.input(0)!;
  const y = c.output(0);
  const { begin, stride, size: extent } = op.attrs;
  const rank = x.shape.length;
  if (begin.length !== rank || stride.length !== rank || extent.length !== rank) return (c.fail(`slice bounds of ${begin.length}/${stride.length}/${extent.length} axes for a rank-${rank} input`), 0);
  for (let a = 0; a < rank; a++) {
    const dim = x.shape[a]!;
    const first = begin[a]!;
    const last = first + (extent[a]! - 1) * stride[a]!;
    if (!Number.isInteger(stride[a]) || stride[a] === 0 || !isPosInt(extent[a]) || !Number.isInteger(first) || first < 0 || first >= dim || last < 0 || last >= dim) {
      return (c.fail(`axis ${a}: ${extent[a]} element(s) from ${first} in steps of ${stride[a]} leave the input's ${dim}`), 0);
    }
  }
  if (size(y) !== extent.reduce((p, v) => p * v, 1)) c.fail(`output has ${size(y)} elements, the slice ${extent.reduce((p, v) => p * v, 1)}`, y, 'E-GRAPH-SHAPE');
  requireSameQuant(c, x, y);
  return size(y);
}

const F = 'float32';

/** The validation rule of an op kind: its family's (src/ops), or this table's while families move. */
export function ruleFor(kind: string): OpRule | undefined {
  return opDef(kind)?.rule ?? (OP_RULES as Record<string, OpRule>)[kind];
}

const OP_RULES: { readonly [K in OpKind]?: OpRule } = {
  conv2d: { inputs: [2, 3], outputs: 1, optional: [2], constant: [1, 2], signatures: [[F, F, F, F], ['int8', 'int8', 'int32', 'int8']], check: (c) => checkConv(c, false) },
  depthwise_conv2d: { inputs: [2, 3], outputs: 1, optional: [2], constant: [1, 2], signatures: [[F, F, F, F], ['int8', 'int8', 'int32', 'int8']], check: (c) => checkConv(c, true) },
  fully_connected: {
    inputs: [2, 3],
    outputs: 1,
    optional: [2],
    constant: [1, 2],
    signatures: [[F, F, F, F], ['int8', 'int8', 'int32', 'int8']],
    check(c) {
      const x = c.input(0)!;
      const w = c.input(1)!;
      const y = c.output(0);
      requireActivation(c, (c.op as Op & { kind: 'fully_connected' }).attrs.activation);
      if (!requireRank(c, w, [2], 'the weights')) return 0;
      const [units, depth] = w.shape as [number, number];
      const batches = size(x) / depth;
      if (!Number.isInteger(batches)) return (c.fail(`the input's ${size(x)} values are not whole rows of the weights' ${depth}`, x, 'E-GRAPH-SHAPE'), 0);
      if (size(y) !== batches * units || y.shape[y.shape.length - 1] !== units) c.fail(`output ${shapeText(y.shape)} is not ${batches} row(s) of ${units}`, y, 'E-GRAPH-SHAPE');
      requireWeightQuant(c, w, units, 0);
      requireBias(c, c.input(2), units);
      return batches * units * depth;
    },
  },
  max_pool2d: { inputs: [1, 1], outputs: 1, signatures: [[F, F], ['int8', 'int8']], check: checkPool },
  avg_pool2d: { inputs: [1, 1], outputs: 1, signatures: [[F, F], ['int8', 'int8']], check: checkPool },
  mean_hw: { inputs: [1, 1], outputs: 1, signatures: [[F, F], ['int8', 'int8']], check: (c) => checkMean(c, true) },
  mean_hw_requant: { inputs: [1, 1], outputs: 1, signatures: [['int8', 'int8']], check: (c) => checkMean(c, false) },
  add: {
    inputs: [2, 2],
    outputs: 1,
    signatures: [[F, F, F], ['int8', 'int8', 'int8']],
    check(c) {
      requireActivation(c, (c.op as Op & { kind: 'add' }).attrs.activation);
      const [a, b, y] = [c.input(0)!, c.input(1)!, c.output(0)];
      for (const t of [a, b]) if (t.shape.join() !== y.shape.join()) c.fail(`shape ${shapeText(t.shape)} differs from the output ${shapeText(y.shape)} (broadcasting is not supported)`, t, 'E-GRAPH-SHAPE');
      return size(y);
    },
  },
  concat: { inputs: [1, 64], outputs: 1, signatures: [['*']], check: checkConcat },
  reshape: {
    inputs: [1, 1],
    outputs: 1,
    signatures: [[F, F], ['int8', 'int8'], ['int16', 'int16'], ['int32', 'int32']],
    check(c) {
      requireSameQuant(c, c.input(0)!, c.output(0));
      return checkSameSize(c);
    },
  },
  softmax: {
    inputs: [1, 1],
    outputs: 1,
    signatures: [[F, F], ['int8', 'int8'], ['int8', 'int16']],
    check(c) {
      const beta = (c.op as Op & { kind: 'softmax' }).attrs.beta;
      if (typeof beta !== 'number' || !Number.isFinite(beta) || beta <= 0) c.fail(`beta ${beta} must be finite and positive`);
      const [x, y] = [c.input(0)!, c.output(0)];
      if (x.shape[x.shape.length - 1] !== y.shape[y.shape.length - 1]) c.fail('input and output rows differ in length', y, 'E-GRAPH-SHAPE');
      requireOutputQuant(c, y, { int8: [1 / 256, -128], int16: [1 / 65536, -32768] });
      return checkSameSize(c);
    },
  },
  logistic: {
    inputs: [1, 1],
    outputs: 1,
    signatures: [[F, F], ['int8', 'int8']],
    check(c) {
      requireOutputQuant(c, c.output(0), { int8: [1 / 256, -128] });
      return checkSameSize(c);
    },
  },
  tanh: {
    inputs: [1, 1],
    outputs: 1,
    signatures: [[F, F], ['int8', 'int8']],
    check(c) {
      requireOutputQuant(c, c.output(0), { int8: [1 / 128, 0] });
      return checkSameSize(c);
    },
  },
  lstm: {
    inputs: [15, 15],
    outputs: 1,
    constant: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
    state: [13, 14],
    signatures: [['int8', 'int8', 'int8', 'int8', 'int8', 'int8', 'int8', 'int8', 'int8', 'int32', 'int32', 'int32', 'int32', 'int8', 'int16', 'int8']],
    check: checkLstm,
  },
  svdf: { inputs: [5, 5], outputs: 1, optional: [3], constant: [1, 2, 3], state: [4], signatures: [['int8', 'int8', 'int8', 'int32', 'int8', 'int8']], check: checkSvdf },
  requantize: {
    inputs: [1, 1],
    outputs: 1,
    signatures: ['int8', 'int16'].flatMap((i) => ['int8', 'int16', 'int32'].map((o) => [i, o] as Signature)),
    check: checkSameSize,
  },
  transpose: { inputs: [1, 1], outputs: 1, signatures: [['int8', 'int8']], check: checkTranspose },
  strided_slice: { inputs: [1, 1], outputs: 1, signatures: [['int8', 'int8']], check: checkStridedSlice },
  relu: {
    inputs: [1, 1],
    outputs: 1,
    signatures: [[F, F]],
    check(c) {
      const max = (c.op as Op & { kind: 'relu' }).attrs.max;
      if (max !== undefined && (!Number.isFinite(max) || max <= 0)) c.fail(`ReLU maximum ${max} must be finite and positive`);
      return checkSameSize(c);
    },
  },
  batch_norm: {
    inputs: [5, 5],
    outputs: 1,
    constant: [1, 2, 3, 4],
    signatures: [[F, F, F, F, F, F]],
    check(c) {
      const x = c.input(0)!;
      const ch = x.shape[x.shape.length - 1]!;
      const eps = (c.op as Op & { kind: 'batch_norm' }).attrs.epsilon;
      if (!Number.isFinite(eps) || eps < 0) c.fail(`epsilon ${eps} must be finite and non-negative`);
      for (let k = 1; k <= 4; k++) if (size(c.input(k)!) !== ch) c.fail(`holds ${size(c.input(k)!)} values for ${ch} channels`, c.input(k), 'E-GRAPH-SHAPE');
      const variance = c.input(4)!.data;
      if (variance && Array.from(variance).some((v) => !(Number(v) + eps > 0))) c.fail('variance + epsilon must be positive in every channel', c.input(4), 'E-GRAPH-DATA');
      return checkSameSize(c);
    },
  },
};
