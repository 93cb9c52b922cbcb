/** Validation of conv2d and depthwise_conv2d: channel arithmetic, window geometry, weight and bias conventions. */
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
