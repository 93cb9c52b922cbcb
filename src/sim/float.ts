/**
 * Float32 reference interpreter of the float graph: used for calibration (every activation tensor
 * is observed) and to check the importer against tfjs's own predictions. Plain loops, NHWC.
 */
import type { Activation, Graph, Op, Tensor } from '../ir/graph.ts';
import { opDef } from '../ops/registry.ts';

export interface FloatRun {
  outputs: Float32Array[];
  /** Every activation tensor by id (graph inputs included). */
  tensors: Map<number, Float32Array>;
}

function act(v: number, a: Activation): number {
  if (a === 'relu') return v < 0 ? 0 : v;
  if (a === 'relu6') return v < 0 ? 0 : v > 6 ? 6 : v;
  return v;
}

function dims4(t: Tensor): [number, number, number, number] {
  const s = t.shape;
  if (s.length === 4) return [s[0]!, s[1]!, s[2]!, s[3]!];
  if (s.length === 3) return [s[0]!, 1, s[1]!, s[2]!];
  if (s.length === 2) return [s[0]!, 1, 1, s[1]!];
  return [1, 1, 1, s[0] ?? 1];
}

/**
 * conv2d and depthwise_conv2d. Per output pixel, one float64 accumulator per output channel starts
 * at the bias and adds the taps in (ky, kx, ic) order: the same order (and so the same float32 result)
 * as a per-element loop, but the bounds checks run once per tap instead of once per channel.
 */
function conv(op: Extract<Op, { kind: 'conv2d' | 'depthwise_conv2d' }>, g: Graph, x: Float32Array): Float32Array {
  const [n, inH, inW, inC] = dims4(g.tensors[op.inputs[0]!]!);
  const w = g.tensors[op.inputs[1]!]!;
  const wd = w.data as Float32Array;
  const bias = op.inputs[2] !== undefined && op.inputs[2] >= 0 ? (g.tensors[op.inputs[2]]!.data as Float32Array) : null;
  const [, outH, outW, outC] = dims4(g.tensors[op.outputs[0]!]!);
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
              for (let c = 0; c < outC; c++) acc[c]! += x[base + inOf[c]!]! * wd[wb + c]!;
            } else {
              for (let c = 0; c < outC; c++) {
                const xb = base + inOf[c]!;
                const wb = ((c * kH + ky) * kW + kx) * groupC;
                let s = acc[c]!;
                for (let ic = 0; ic < groupC; ic++) s += x[xb + ic]! * wd[wb + ic]!;
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

function pool(op: Extract<Op, { kind: 'max_pool2d' | 'avg_pool2d' }>, g: Graph, x: Float32Array): Float32Array {
  const [n, inH, inW, C] = dims4(g.tensors[op.inputs[0]!]!);
  const [, outH, outW] = dims4(g.tensors[op.outputs[0]!]!);
  const a = op.attrs;
  const out = new Float32Array(n * outH * outW * C);
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < outH; oy++)
      for (let ox = 0; ox < outW; ox++)
        for (let c = 0; c < C; c++) {
          let acc = op.kind === 'max_pool2d' ? -Infinity : 0;
          let count = 0;
          for (let ky = 0; ky < a.filter.h; ky++) {
            const iy = oy * a.stride.h - a.padding.top + ky;
            if (iy < 0 || iy >= inH) continue;
            for (let kx = 0; kx < a.filter.w; kx++) {
              const ix = ox * a.stride.w - a.padding.left + kx;
              if (ix < 0 || ix >= inW) continue;
              const v = x[((b * inH + iy) * inW + ix) * C + c]!;
              acc = op.kind === 'max_pool2d' ? Math.max(acc, v) : acc + v;
              count++;
            }
          }
          out[((b * outH + oy) * outW + ox) * C + c] = act(op.kind === 'max_pool2d' ? acc : acc / Math.max(count, 1), a.activation);
        }
  return out;
}

function runOp(op: Op, g: Graph, inputs: Float32Array[]): Float32Array {
  const def = opDef(op.kind);
  if (def) {
    if (!def.float) throw new Error(`float interpreter: ${op.name}: ${op.kind} is only supported in integer graphs`);
    return def.float(op as never, g, inputs);
  }
  const x = inputs[0]!;
  switch (op.kind) {
    case 'conv2d':
    case 'depthwise_conv2d':
      return conv(op, g, x);
    case 'fully_connected': {
      const w = g.tensors[op.inputs[1]!]!;
      const wd = w.data as Float32Array;
      const bias = op.inputs[2] !== undefined && op.inputs[2] >= 0 ? (g.tensors[op.inputs[2]]!.data as Float32Array) : null;
      const [outC, inC] = [w.shape[0]!, w.shape[1]!];
      const batches = x.length / inC;
      const out = new Float32Array(batches * outC);
      for (let b = 0; b < batches; b++)
        for (let c = 0; c < outC; c++) {
          let acc = bias ? bias[c]! : 0;
          for (let d = 0; d < inC; d++) acc += x[b * inC + d]! * wd[c * inC + d]!;
          out[b * outC + c] = act(acc, op.attrs.activation);
        }
      return out;
    }
    case 'max_pool2d':
    case 'avg_pool2d':
      return pool(op, g, x);
    case 'mean_hw':
    case 'mean_hw_requant': {
      const [n, h, w, C] = dims4(g.tensors[op.inputs[0]!]!);
      const out = new Float32Array(n * C);
      for (let b = 0; b < n; b++)
        for (let i = 0; i < h * w; i++) for (let c = 0; c < C; c++) out[b * C + c]! += x[(b * h * w + i) * C + c]! / (h * w);
      return out;
    }
    case 'add':
      return Float32Array.from(x, (v, i) => act(v + inputs[1]![i]!, op.attrs.activation));
    case 'concat': {
      const outT = g.tensors[op.outputs[0]!]!;
      const axis = op.attrs.axis < 0 ? op.attrs.axis + outT.shape.length : op.attrs.axis;
      const outer = outT.shape.slice(0, axis).reduce((a, b) => a * b, 1);
      const out = new Float32Array(outT.shape.reduce((a, b) => a * b, 1));
      let p = 0;
      for (let o = 0; o < outer; o++)
        inputs.forEach((t) => {
          const run = t.length / outer;
          out.set(t.subarray(o * run, (o + 1) * run), p);
          p += run;
        });
      return out.map((v) => act(v, op.attrs.activation));
    }
    case 'reshape':
      return x;
    case 'softmax': {
      const t = g.tensors[op.inputs[0]!]!;
      const depth = t.shape[t.shape.length - 1]!;
      const out = new Float32Array(x.length);
      for (let r = 0; r < x.length; r += depth) {
        let max = -Infinity;
        for (let c = 0; c < depth; c++) max = Math.max(max, x[r + c]!);
        let sum = 0;
        for (let c = 0; c < depth; c++) sum += out[r + c] = Math.exp((x[r + c]! - max) * op.attrs.beta);
        for (let c = 0; c < depth; c++) out[r + c]! /= sum;
      }
      return out;
    }
    case 'logistic':
      return x.map((v) => 1 / (1 + Math.exp(-v)));
    case 'tanh':
      return x.map(Math.tanh);
    case 'relu':
      return x.map((v) => Math.min(Math.max(v, 0), op.attrs.max ?? Infinity));
    case 'batch_norm': {
      const [gamma, beta, mean, variance] = op.inputs.slice(1).map((id) => g.tensors[id]!.data as Float32Array);
      const C = gamma!.length;
      return x.map((v, i) => {
        const c = i % C;
        return ((v - mean![c]!) / Math.sqrt(variance![c]! + op.attrs.epsilon)) * gamma![c]! + beta![c]!;
      });
    }
    case 'lstm':
    case 'svdf':
    case 'requantize':
    case 'transpose':
    case 'strided_slice':
      // These arrive already quantized from .tflite files; float training graphs have none.
      throw new Error(`float interpreter: ${op.name}: ${op.kind} is only supported in integer graphs`);
    default:
      throw new Error(`float interpreter: no family defines op kind '${op.kind}'`);
  }
}

export function runFloatGraph(g: Graph, inputs: readonly Float32Array[]): FloatRun {
  const tensors = new Map<number, Float32Array>();
  g.inputs.forEach((id, i) => tensors.set(id, inputs[i]!));
  for (const op of g.ops) {
    const ins = op.inputs.filter((id) => id >= 0 && !g.tensors[id]!.data).map((id) => tensors.get(id)!);
    tensors.set(op.outputs[0]!, runOp(op, g, ins));
  }
  return { outputs: g.outputs.map((id) => tensors.get(id)!), tensors };
}
