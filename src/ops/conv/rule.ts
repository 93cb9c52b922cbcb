/** Validation of conv2d, depthwise_conv2d and transpose_conv2d: channel arithmetic, window geometry, weight and bias conventions. */
import type { OpRule, OpOf, RuleContext } from '../contract.ts';
import { isPosInt, requireActivation, requireBias, requireRank, requireShape, requireWeightQuant, shapeText, windowShape } from '../shared/rules.ts';

function checkConv(c: RuleContext, depthwise: boolean): number {
  const x = c.input(0)!;
  const w = c.input(1)!;
  const y = c.output(0);
  if (!requireRank(c, x, [4], 'the input') || !requireRank(c, w, [4], 'the filter') || !requireRank(c, y, [4], 'the output')) return 0;
  const [n, h, wd, ci] = x.shape as [number, number, number, number];
  const [wo, kh, kw, wc] = w.shape as [number, number, number, number];
  const a = (c.op as OpOf<'conv2d' | 'depthwise_conv2d'>).attrs;
  requireActivation(c, a.activation);
  let co: number;
  let perChannelAxis: number;
  let macsPerOut: number;
  if (depthwise) {
    const mult = (c.op as OpOf<'depthwise_conv2d'>).attrs.depthMultiplier;
    if (wo !== 1 || !isPosInt(mult) || wc !== ci * mult) {
      c.fail(`depthwise filter ${shapeText(w.shape)} with multiplier ${mult} does not match ${ci} input channels (expected [1, KH, KW, ${ci} * multiplier])`, w, 'E-GRAPH-SHAPE');
      return 0;
    }
    co = wc;
    perChannelAxis = 3;
    macsPerOut = kh * kw;
  } else {
    const groups = (c.op as OpOf<'conv2d'>).attrs.groups;
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

const F = 'float32';
const SIGNATURES = [
  [F, F, F, F],
  ['int8', 'int8', 'int32', 'int8'],
  ['int16', 'int8', 'int32', 'int16'],
  ['int16', 'int8', 'int64', 'int16'],
] as const;

export const convRule: OpRule = { inputs: [2, 3], outputs: 1, optional: [2], constant: [1, 2], signatures: SIGNATURES, check: (c) => checkConv(c, false) };
export const depthwiseRule: OpRule = { inputs: [2, 3], outputs: 1, optional: [2], constant: [1, 2], signatures: SIGNATURES, check: (c) => checkConv(c, true) };

const small = (v: unknown, lo: number) => Number.isInteger(v) && (v as number) >= lo && (v as number) <= 65535;

/** transpose_conv2d: weights [C_OUT, KH, KW, C_IN], the output size the scatter covers. */
function checkTransposeConv(c: RuleContext): number {
  const x = c.input(0)!;
  const w = c.input(1)!;
  const y = c.output(0);
  if (!requireRank(c, x, [4], 'the input') || !requireRank(c, w, [4], 'the filter') || !requireRank(c, y, [4], 'the output')) return 0;
  const [n, h, wd, ci] = x.shape as [number, number, number, number];
  const [co, kh, kw, wc] = w.shape as [number, number, number, number];
  const a = (c.op as OpOf<'transpose_conv2d'>).attrs;
  requireActivation(c, a.activation);
  if (wc !== ci) {
    c.fail(`filter ${shapeText(w.shape)} does not match ${ci} input channels (expected [C_OUT, KH, KW, ${ci}])`, w, 'E-GRAPH-SHAPE');
    return 0;
  }
  const p = a.padding;
  const geometryOk = small(a.stride?.h, 1) && small(a.stride?.w, 1) && [p?.top, p?.bottom, p?.left, p?.right].every((v) => small(v, 0)) && small(a.outputPadding?.h, 0) && small(a.outputPadding?.w, 0);
  if (!geometryOk || a.outputPadding.h >= a.stride.h || a.outputPadding.w >= a.stride.w) {
    c.fail('stride, padding or output padding out of range (output padding must be below the stride)');
    return 0;
  }
  const oh = (h - 1) * a.stride.h + kh - p.top - p.bottom + a.outputPadding.h;
  const ow = (wd - 1) * a.stride.w + kw - p.left - p.right + a.outputPadding.w;
  if (oh < 1 || ow < 1) {
    c.fail(`the padding leaves no output (${oh} x ${ow})`, y, 'E-GRAPH-SHAPE');
    return 0;
  }
  requireShape(c, y, [n, oh, ow, co]);
  requireWeightQuant(c, w, co, 0);
  requireBias(c, c.input(2), co);
  return n * h * wd * ci * kh * kw * co;
}

export const transposeConvRule: OpRule = {
  inputs: [2, 3],
  outputs: 1,
  optional: [2],
  constant: [1, 2],
  signatures: [
    [F, F, F, F],
    ['int8', 'int8', 'int32', 'int8'],
  ],
  check: checkTransposeConv,
};
