/**
 * Pooling: max and average pooling windows, and the mean over H and W.
 *
 *   tflite MAX_POOL_2D / AVERAGE_POOL_2D           tfjs MaxPooling1D/2D, AveragePooling1D/2D
 *   -> IR max_pool2d / avg_pool2d  -> step max_pool_s8 / avg_pool_s8 (int16: max_pool_s16 / avg_pool_s16)
 *   tfjs GlobalMaxPooling1D/2D     -> IR max_pool2d over the whole input
 *   tfjs GlobalAveragePooling1D/2D -> IR mean_hw (quantized as its input) -> step avg_pool_s8
 *   tflite MEAN over H and W       -> IR mean_hw_requant (its own output scale) -> step mean_s8 | mean_s16
 *                                     (in a float model: IR mean_hw, as Keras's global average pooling)
 *
 * Pooling copies values, so its output is quantized as its input; TFLite's MEAN rescales.
 * Steps and emitters are in steps.ts, the conformance adapters in cases.ts.
 */
import type { Graph, PoolAttrs, QuantParams, Tensor } from '../../ir/graph.ts';
import type { Dims } from '../../kernels/types.ts';
import { activationRange, meanParams } from '../../arith/op-params.ts';
import type { OpFamily, OpOf, OpRule, RuleContext, TfjsImporter, TfjsLayerContext, TfliteImportContext } from '../contract.ts';
import { NO_DILATION, nhwcOf, requireActivation, requireRank, requireSameQuant, requireShape, size, windowShape } from '../shared/rules.ts';
import { newActivation, padding2d, pair } from '../shared/tfjs.ts';
import { poolingCases } from './cases.ts';
import { poolingOnnxImporters } from './onnx.ts';
import { meanStep, poolStep, type MeanStep, type PoolStep } from './steps.ts';

export type { MeanStep, PoolStep };

export interface PoolingOps {
  max_pool2d: PoolAttrs;
  avg_pool2d: PoolAttrs;
  /** Global average over H and W (Keras GlobalAveragePooling, TFLite MEAN over axes 1,2). */
  mean_hw: Record<string, never>;
  /** MEAN over H and W with its own output quantization (TFLite MEAN). */
  mean_hw_requant: Record<string, never>;
}

export interface PoolingSteps {
  max_pool_s8: PoolStep<'max_pool_s8'>;
  avg_pool_s8: PoolStep<'avg_pool_s8'>;
  max_pool_s16: PoolStep<'max_pool_s16'>;
  avg_pool_s16: PoolStep<'avg_pool_s16'>;
  mean_s8: MeanStep;
  mean_s16: MeanStep;
}

const F = 'float32';

function checkPool(c: RuleContext): number {
  const op = c.op as OpOf<'max_pool2d' | 'avg_pool2d'>;
  const x = c.input(0)!;
  const y = c.output(0);
  if (!requireRank(c, x, [4], 'the input')) return 0;
  const [n, h, w, ch] = x.shape as [number, number, number, number];
  requireActivation(c, op.attrs.activation);
  const out = windowShape(c, h, w, { ...op.attrs, dilation: NO_DILATION });
  if (!out) return 0;
  requireShape(c, y, [n, out[0], out[1], ch], true);
  requireSameQuant(c, x, y);
  return size(y) * op.attrs.filter.h * op.attrs.filter.w;
}

function meanRule(sameQuantRequired: boolean, signatures: OpRule['signatures']): OpRule {
  return {
    inputs: [1, 1],
    outputs: 1,
    signatures,
    check(c) {
      const x = c.input(0)!;
      const y = c.output(0);
      if (!requireRank(c, x, [4], 'the input')) return 0;
      const [n, , , ch] = x.shape as [number, number, number, number];
      requireShape(c, y, [n, 1, 1, ch], true);
      if (sameQuantRequired) requireSameQuant(c, x, y);
      // The kernels sum in int32: int16 values over at most 32768 positions.
      const positions = size(x) / (n * ch);
      if (x.dtype === 'int16' && positions > 32768) c.fail(`an int16 mean over ${positions} positions (the kernel sums at most 32768 in int32)`, x, 'E-GRAPH-SHAPE');
      return size(x);
    },
  };
}

const POOL_RULE: OpRule = {
  inputs: [1, 1],
  outputs: 1,
  signatures: [
    [F, F],
    ['int8', 'int8'],
    ['int16', 'int16'],
  ],
  check: checkPool,
};

function dimsOf(t: Tensor): Dims {
  const [n, h, w, c] = nhwcOf(t.shape);
  return { n, h, w, c };
}

function quantOf(t: Tensor): QuantParams {
  if (!t.quant) throw new Error(`tensor '${t.name}' has no quantization`);
  return t.quant;
}

const actFloat = (v: number, a: PoolAttrs['activation']) => (a === 'relu' ? (v < 0 ? 0 : v) : a === 'relu6' ? (v < 0 ? 0 : v > 6 ? 6 : v) : v);

/** Max or average over each window, clipped to the input (padding taps neither compared nor counted). */
function poolFloat(op: OpOf<'max_pool2d' | 'avg_pool2d'>, g: Graph, x: Float32Array): Float32Array {
  const [n, inH, inW, C] = nhwcOf(g.tensors[op.inputs[0]!]!.shape);
  const [, outH, outW] = nhwcOf(g.tensors[op.outputs[0]!]!.shape);
  const a = op.attrs;
  const max = op.kind === 'max_pool2d';
  const out = new Float32Array(n * outH * outW * C);
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < outH; oy++)
      for (let ox = 0; ox < outW; ox++)
        for (let c = 0; c < C; c++) {
          let acc = max ? -Infinity : 0;
          let count = 0;
          for (let ky = 0; ky < a.filter.h; ky++) {
            const iy = oy * a.stride.h - a.padding.top + ky;
            if (iy < 0 || iy >= inH) continue;
            for (let kx = 0; kx < a.filter.w; kx++) {
              const ix = ox * a.stride.w - a.padding.left + kx;
              if (ix < 0 || ix >= inW) continue;
              const v = x[((b * inH + iy) * inW + ix) * C + c]!;
              acc = max ? Math.max(acc, v) : acc + v;
              count++;
            }
          }
          out[((b * outH + oy) * outW + ox) * C + c] = actFloat(max ? acc : acc / Math.max(count, 1), a.activation);
        }
  return out;
}

function meanFloat(op: OpOf<'mean_hw' | 'mean_hw_requant'>, g: Graph, x: Float32Array): Float32Array {
  const [n, h, w, C] = nhwcOf(g.tensors[op.inputs[0]!]!.shape);
  const out = new Float32Array(n * C);
  for (let b = 0; b < n; b++) for (let i = 0; i < h * w; i++) for (let c = 0; c < C; c++) out[b * C + c]! += x[(b * h * w + i) * C + c]! / (h * w);
  return out;
}

/** The int16 twin of an int8 pooling step kind (16x8 models). */
const S16 = { max_pool_s8: 'max_pool_s16', avg_pool_s8: 'avg_pool_s16' } as const;

function lowerPool(g: Graph, op: OpOf<'max_pool2d' | 'avg_pool2d'>, kind: 'max_pool_s8' | 'avg_pool_s8'): PoolStep {
  const x = g.tensors[op.inputs[0]!]!;
  const out = g.tensors[op.outputs[0]!]!;
  const int16 = x.dtype === 'int16';
  return {
    kind: int16 ? S16[kind] : kind,
    input: x.id,
    output: out.id,
    inputDims: dimsOf(x),
    outputDims: dimsOf(out),
    filter: { ...op.attrs.filter },
    stride: { ...op.attrs.stride },
    padding: { h: op.attrs.padding.top, w: op.attrs.padding.left },
    activation: activationRange(op.attrs.activation, quantOf(out), int16 ? 'int16' : 'int8'),
  };
}

export const pooling: OpFamily<PoolingOps, PoolingSteps> = {
  name: 'pooling',
  ops: {
    max_pool2d: { rule: POOL_RULE, quant: { output: 'input' }, float: (op, g, [x]) => poolFloat(op, g, x!), lower: (g, op) => lowerPool(g, op, 'max_pool_s8') },
    avg_pool2d: { rule: POOL_RULE, quant: { output: 'input' }, float: (op, g, [x]) => poolFloat(op, g, x!), lower: (g, op) => lowerPool(g, op, 'avg_pool_s8') },
    mean_hw: {
      rule: meanRule(true, [
        [F, F],
        ['int8', 'int8'],
        ['int16', 'int16'],
      ]),
      quant: { output: 'input' },
      float: (op, g, [x]) => meanFloat(op, g, x!),
      lower(g, op): PoolStep {
        // Same quantization in and out (the quantizer groups them), so MEAN is an average pool.
        const x = g.tensors[op.inputs[0]!]!;
        const d = dimsOf(x);
        const int16 = x.dtype === 'int16';
        return {
          kind: int16 ? 'avg_pool_s16' : 'avg_pool_s8',
          input: x.id,
          output: op.outputs[0]!,
          inputDims: d,
          outputDims: { n: d.n, h: 1, w: 1, c: d.c },
          filter: { h: d.h, w: d.w },
          stride: { h: 1, w: 1 },
          padding: { h: 0, w: 0 },
          activation: int16 ? { min: -32768, max: 32767 } : { min: -128, max: 127 },
        };
      },
    },
    mean_hw_requant: {
      rule: meanRule(false, [
        ['int8', 'int8'],
        ['int16', 'int16'],
      ]),
      quant: { output: 'calibrated' },
      float: (op, g, [x]) => meanFloat(op, g, x!),
      lower(g, op): MeanStep {
        const x = g.tensors[op.inputs[0]!]!;
        const out = g.tensors[op.outputs[0]!]!;
        const d = dimsOf(x);
        return {
          kind: x.dtype === 'int16' ? 'mean_s16' : 'mean_s8',
          input: x.id,
          output: out.id,
          inputDims: d,
          inputZeroPoint: quantOf(x).zeroPoint[0]!,
          outputZeroPoint: quantOf(out).zeroPoint[0]!,
          ...meanParams(quantOf(x), quantOf(out), d.h * d.w),
        };
      },
    },
  },
  steps: {
    max_pool_s8: poolStep('max_pool_s8'),
    avg_pool_s8: poolStep('avg_pool_s8'),
    max_pool_s16: poolStep('max_pool_s16'),
    avg_pool_s16: poolStep('avg_pool_s16'),
    mean_s8: meanStep,
    mean_s16: meanStep,
  },
  tflite: {
    AVERAGE_POOL_2D: { inputs: [1, 1], import: (c) => importPool(c, 'avg_pool2d') },
    MAX_POOL_2D: { inputs: [1, 1], import: (c) => importPool(c, 'max_pool2d') },
    MEAN: {
      inputs: [2, 2],
      import(c) {
        const axes = Array.from(c.constInts(c.op.inputs[1]!));
        const rank = c.shape(c.op.inputs[0]!).length;
        const norm = axes.map((a) => (a < 0 ? a + rank : a)).sort();
        if (rank !== 4 || norm.join(',') !== '1,2') {
          c.problem(`MEAN over axes [${axes.join(', ')}] is not supported (only H and W of a 4-D tensor)`);
          return;
        }
        // A float model's MEAN is Keras's global average pooling: quantized as its input (an average pool).
        const float = c.model.tensors[c.op.inputs[0]!]!.type === 'float32';
        c.addOp({ kind: float ? 'mean_hw' : 'mean_hw_requant', name: c.name, attrs: {}, inputs: [c.inputs[0]!], outputs: c.outputs });
      },
    },
  },
  tfjs: {
    MaxPooling1D: { convert: (c) => poolLayer(c, 'max_pool2d') },
    MaxPooling2D: { convert: (c) => poolLayer(c, 'max_pool2d') },
    AveragePooling1D: { convert: (c) => poolLayer(c, 'avg_pool2d') },
    AveragePooling2D: { convert: (c) => poolLayer(c, 'avg_pool2d') },
    GlobalAveragePooling1D: globalPool(false),
    GlobalAveragePooling2D: globalPool(false),
    GlobalMaxPooling1D: globalPool(true),
    GlobalMaxPooling2D: globalPool(true),
  },
  onnx: poolingOnnxImporters,
  cases: poolingCases,
};

/** TFLite Pool2DOptions: padding 0, stride_w 1, stride_h 2, filter_width 3, filter_height 4, activation 5. */
function importPool(c: TfliteImportContext, kind: 'max_pool2d' | 'avg_pool2d'): void {
  const o = c.options;
  const stride: [number, number] = [o?.int(2, 1) ?? 1, o?.int(1, 1) ?? 1];
  const filter: [number, number] = [o?.int(4, 1) ?? 1, o?.int(3, 1) ?? 1];
  const padding = c.padding2d(c.isSame(0), c.shape(c.op.inputs[0]!), stride, filter, [1, 1]);
  c.addOp({
    kind,
    name: c.name,
    attrs: { filter: { h: filter[0], w: filter[1] }, stride: { h: stride[0], w: stride[1] }, padding, activation: c.activation(5) },
    inputs: [c.inputs[0]!],
    outputs: c.outputs,
  });
}

function poolLayer(ctx: TfjsLayerContext, kind: 'max_pool2d' | 'avg_pool2d'): number {
  const { config, b } = ctx;
  const x = ctx.inputs[0]!;
  const inShape = b.tensor(x).shape;
  const is1d = ctx.layer.getClassName().endsWith('1D');
  const k = pair(config.poolSize, is1d);
  const stride = pair(config.strides ?? config.poolSize, is1d);
  const [, outH, outW] = ctx.outShape;
  const padding = padding2d(config.padding, inShape[1]!, inShape[2]!, outH!, outW!, stride, k, [1, 1]);
  const out = newActivation(ctx, '', ctx.outShape);
  b.addOp({ kind, name: ctx.name, attrs: { filter: { h: k[0]!, w: k[1]! }, stride: { h: stride[0]!, w: stride[1]! }, padding, activation: 'none' }, inputs: [x], outputs: [out] });
  return out;
}

/** Global max pooling is one window over the whole input; global average pooling is mean_hw. */
function globalPool(max: boolean): TfjsImporter {
  return {
    unsupported: (config) => (config.keepdims === true ? ['keepdims'] : []),
    convert(ctx) {
      const x = ctx.inputs[0]!;
      const [, h, w] = ctx.b.tensor(x).shape;
      const out = newActivation(ctx, '', ctx.outShape);
      if (max) {
        const none = { top: 0, bottom: 0, left: 0, right: 0 };
        ctx.b.addOp({ kind: 'max_pool2d', name: ctx.name, attrs: { filter: { h: h!, w: w! }, stride: { h: 1, w: 1 }, padding: none, activation: 'none' }, inputs: [x], outputs: [out] });
      } else {
        ctx.b.addOp({ kind: 'mean_hw', name: ctx.name, attrs: {}, inputs: [x], outputs: [out] });
      }
      return out;
    },
  };
}
