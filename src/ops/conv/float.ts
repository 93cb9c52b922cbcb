/**
 * The float reference of conv2d, depthwise_conv2d and transpose_conv2d (calibration, agreement with tfjs). Per output
 * pixel, one float64 accumulator per output channel starts at the bias and adds the taps in
 * (ky, kx, ic) order: the same order (and so the same float32 result) as a per-element loop, but the
 * bounds checks run once per tap instead of once per channel.
 */
import type { Activation, Graph } from '../../ir/graph.ts';
import type { OpOf } from '../contract.ts';
import { nhwcOf } from '../shared/rules.ts';

export function act(v: number, a: Activation): number {
  if (a === 'relu') return v < 0 ? 0 : v;
  if (a === 'relu6') return v < 0 ? 0 : v > 6 ? 6 : v;
  return v;
}

export function convFloat(op: OpOf<'conv2d' | 'depthwise_conv2d'>, g: Graph, [x]: Float32Array[]): Float32Array {
  const [n, inH, inW, inC] = nhwcOf(g.tensors[op.inputs[0]!]!.shape);
  const w = g.tensors[op.inputs[1]!]!;
  const wd = w.data as Float32Array;
  const bias = op.inputs[2] !== undefined && op.inputs[2] >= 0 ? (g.tensors[op.inputs[2]]!.data as Float32Array) : null;
  const [, outH, outW, outC] = nhwcOf(g.tensors[op.outputs[0]!]!.shape);
  const a = op.attrs;
  const kH = w.shape[1]!;
  const kW = w.shape[2]!;
  const out = new Float32Array(n * outH * outW * outC);
  const acc = new Float64Array(outC);
  const isDw = op.kind === 'depthwise_conv2d';
  const groupC = isDw ? 1 : w.shape[3]!;
  const perGroup = isDw ? 0 : outC / (inC / groupC);
  const mult = isDw ? op.attrs.depthMultiplier : 1;
  // Input channel read by each output channel: depthwise c / mult; conv the first of c's group.
  const inOf = Int32Array.from({ length: outC }, (_, c) => (isDw ? Math.floor(c / mult) : Math.floor(c / perGroup) * groupC));
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < outH; oy++)
      for (let ox = 0; ox < outW; ox++) {
        for (let c = 0; c < outC; c++) acc[c] = bias ? bias[c]! : 0;
        for (let ky = 0; ky < kH; ky++) {
          const iy = oy * a.stride.h - a.padding.top + ky * a.dilation.h;
          if (iy < 0 || iy >= inH) continue;
          for (let kx = 0; kx < kW; kx++) {
            const ix = ox * a.stride.w - a.padding.left + kx * a.dilation.w;
            if (ix < 0 || ix >= inW) continue;
            const base = ((b * inH + iy) * inW + ix) * inC;
            if (isDw) {
              const wb = (ky * kW + kx) * outC;
              for (let c = 0; c < outC; c++) acc[c]! += x![base + inOf[c]!]! * wd[wb + c]!;
            } else {
              for (let c = 0; c < outC; c++) {
                const xb = base + inOf[c]!;
                const wb = ((c * kH + ky) * kW + kx) * groupC;
                let s = acc[c]!;
                for (let ic = 0; ic < groupC; ic++) s += x![xb + ic]! * wd[wb + ic]!;
                acc[c] = s;
              }
            }
          }
        }
        const o = ((b * outH + oy) * outW + ox) * outC;
        for (let c = 0; c < outC; c++) out[o + c] = act(acc[c]!, a.activation);
      }
  return out;
}

/** transpose_conv2d: every input pixel scatters its products (float64 accumulators) into the output. */
export function transposeConvFloat(op: OpOf<'transpose_conv2d'>, g: Graph, [x]: Float32Array[]): Float32Array {
  const [n, inH, inW, inC] = nhwcOf(g.tensors[op.inputs[0]!]!.shape);
  const w = g.tensors[op.inputs[1]!]!;
  const wd = w.data as Float32Array;
  const bias = op.inputs[2] !== undefined && op.inputs[2] >= 0 ? (g.tensors[op.inputs[2]]!.data as Float32Array) : null;
  const [, outH, outW, outC] = nhwcOf(g.tensors[op.outputs[0]!]!.shape);
  const [kH, kW] = [w.shape[1]!, w.shape[2]!];
  const a = op.attrs;
  const acc = new Float64Array(n * outH * outW * outC);
  for (let i = 0; i < acc.length; i++) acc[i] = bias ? bias[i % outC]! : 0;
  for (let b = 0; b < n; b++)
    for (let iy = 0; iy < inH; iy++)
      for (let ix = 0; ix < inW; ix++) {
        const xb = ((b * inH + iy) * inW + ix) * inC;
        for (let ky = 0; ky < kH; ky++) {
          const oy = iy * a.stride.h - a.padding.top + ky;
          if (oy < 0 || oy >= outH) continue;
          for (let kx = 0; kx < kW; kx++) {
            const ox = ix * a.stride.w - a.padding.left + kx;
            if (ox < 0 || ox >= outW) continue;
            const ob = ((b * outH + oy) * outW + ox) * outC;
            for (let oc = 0; oc < outC; oc++) {
              const wb = ((oc * kH + ky) * kW + kx) * inC;
              let s = 0;
              for (let ic = 0; ic < inC; ic++) s += x![xb + ic]! * wd[wb + ic]!;
              acc[ob + oc]! += s;
            }
          }
        }
      }
  return Float32Array.from(acc, (v) => act(v, a.activation));
}
