/**
 * PAD: zero padding around H and W (NHWC), the zero being the input's zero point.
 *
 *   tflite PAD (constant paddings on H, W of NHWC or W of NWC)   tfjs ZeroPadding1D / ZeroPadding2D
 *   -> IR pad { padding }  -> step pad_s8  -> edgec_pad_s8 | arm_pad_s8 (same arguments)
 *
 * Its output is quantized as its input (a byte copy).
 */
import { call } from '../cgen/c.ts';
import type { Padding2d } from '../ir/graph.ts';
import { padS8, paddedDims } from '../kernels/pad.ts';
import type { Dims } from '../kernels/types.ts';
import type { OpFamily, TfjsLayerContext } from './contract.ts';
import { caseTensors, dimsOf } from './shared/case.ts';
import { cmsisDims, dims } from './shared/emit.ts';
import { isPad, nhwcOf, requireRank, requireSameQuant, requireShape, size } from './shared/rules.ts';
import { bytesOf, fromBytes } from './shared/bytes.ts';
import { newActivation } from './shared/tfjs.ts';
import { padOnnx } from './pad-onnx.ts';

export interface PadOps {
  pad: { padding: Padding2d };
}

export interface PadStep {
  kind: 'pad_s8';
  input: number;
  output: number;
  inputDims: Dims;
  prePad: Dims;
  postPad: Dims;
  padValue: number;
  /**
   * int16 tensors padded as bytes: two bytes per channel value, pad value 0 (an int16 activation's
   * zero point is 0), so the int8 kernel pads whole int16 values.
   */
  int16?: true;
}

export interface PadSteps {
  pad_s8: PadStep;
}

const F = 'float32';

export const pad: OpFamily<PadOps, PadSteps> = {
  name: 'pad',
  ops: {
    pad: {
      rule: {
        inputs: [1, 1],
        outputs: 1,
        signatures: [
          [F, F],
          ['int8', 'int8'],
          ['int16', 'int16'],
        ],
        check(c) {
          const op = c.op as { attrs: PadOps['pad'] };
          const x = c.input(0)!;
          const y = c.output(0);
          if (!requireRank(c, x, [3, 4], 'the input')) return 0;
          const p = op.attrs.padding;
          if (![p?.top, p?.bottom, p?.left, p?.right].every(isPad)) {
            c.fail(`padding ${JSON.stringify(p)} must be non-negative integers`);
            return 0;
          }
          if (x.shape.length === 3 && (p.top !== 0 || p.bottom !== 0)) {
            c.fail('a rank-3 input is padded along its width only');
            return 0;
          }
          const [n, h, w, ch] = nhwcOf(x.shape);
          requireShape(c, y, [n, h + p.top + p.bottom, w + p.left + p.right, ch], true);
          requireSameQuant(c, x, y);
          return size(y);
        },
      },
      quant: { output: 'input' },
      float(op, g, [x]) {
        const [n, h, w, C] = nhwcOf(g.tensors[op.inputs[0]!]!.shape);
        const p = op.attrs.padding;
        const oh = h + p.top + p.bottom;
        const ow = w + p.left + p.right;
        const out = new Float32Array(n * oh * ow * C);
        for (let b = 0; b < n; b++)
          for (let y = 0; y < h; y++) for (let xx = 0; xx < w; xx++) out.set(x!.subarray(((b * h + y) * w + xx) * C, ((b * h + y) * w + xx + 1) * C), ((b * oh + y + p.top) * ow + xx + p.left) * C);
        return out;
      },
      lower(g, op) {
        const x = g.tensors[op.inputs[0]!]!;
        const [n, h, w, c] = nhwcOf(x.shape);
        const p = op.attrs.padding;
        const int16 = x.dtype === 'int16';
        return {
          kind: 'pad_s8',
          input: x.id,
          output: op.outputs[0]!,
          inputDims: { n, h, w, c: int16 ? 2 * c : c },
          prePad: { n: 0, h: p.top, w: p.left, c: 0 },
          postPad: { n: 0, h: p.bottom, w: p.right, c: 0 },
          padValue: x.quant!.zeroPoint[0]!,
          ...(int16 ? { int16: true as const } : {}),
        };
      },
    },
  },
  steps: {
    pad_s8: {
      simulate(s, env) {
        const x = env.read(s.input);
        const out = padS8(bytesOf(x), s.padValue, s.inputDims, s.prePad, s.postPad);
        return fromBytes(out, s.int16);
      },
      portable: {
        header: 'edgec_pad.h',
        files: ['edgec_pad.h', 'edgec_pad.c'],
        emit(s, ctx) {
          const n = s.op.name;
          const args = [
            ctx.tensor(s.input, n),
            ctx.tensor(s.output, n),
            String(s.padValue),
            `&${dims(ctx, 'input_dims', s.inputDims, n)}`,
            `&${dims(ctx, 'pre_pad', s.prePad, n)}`,
            `&${dims(ctx, 'post_pad', s.postPad, n)}`,
          ];
          return { kernel: 'edgec_pad_s8', lines: [`status = ${call('edgec_pad_s8', args)};`] };
        },
      },
      cmsisNn: {
        scratch: () => 0,
        emit(s, ctx) {
          const n = s.op.name;
          const args = [
            ctx.tensor(s.input, n),
            ctx.tensor(s.output, n),
            String(s.padValue),
            `&${cmsisDims(ctx, 'input_dims', s.inputDims, n)}`,
            `&${cmsisDims(ctx, 'pre_pad', s.prePad, n)}`,
            `&${cmsisDims(ctx, 'post_pad', s.postPad, n)}`,
          ];
          return { kernel: 'arm_pad_s8', lines: [`status = (int32_t)${call('arm_pad_s8', args)};`] };
        },
      },
    },
  },
  tflite: {
    PAD: {
      inputs: [2, 2],
      import(c) {
        const rank = c.shape(c.op.inputs[0]!).length;
        const pads = Array.from(c.constInts(c.op.inputs[1]!));
        const at = (axis: number, side: number) => pads[axis * 2 + side] ?? 0;
        const hw = rank === 4 ? [1, 2] : rank === 3 ? [-1, 1] : null;
        const others = hw ? Array.from({ length: rank }, (_, a) => a).filter((a) => !hw.includes(a)) : [];
        if (!hw || others.some((a) => at(a, 0) !== 0 || at(a, 1) !== 0)) {
          c.problem(`PAD of a rank-${rank} tensor is supported on the H and W axes of NHWC (or W of NWC) only`, 'E-TFLITE-OPTION');
          return;
        }
        const [h, w] = hw as [number, number];
        const padding = { top: h >= 0 ? at(h, 0) : 0, bottom: h >= 0 ? at(h, 1) : 0, left: at(w, 0), right: at(w, 1) };
        c.addOp({ kind: 'pad', name: c.name, attrs: { padding }, inputs: [c.inputs[0]!], outputs: c.outputs });
      },
    },
  },
  tfjs: {
    ZeroPadding1D: { convert: zeroPadding },
    ZeroPadding2D: { convert: zeroPadding },
  },
  onnx: { Pad: padOnnx },
  cases: [
    {
      op: 'pad',
      actDtypes: ['s8'],
      build(r) {
        const inputDims = dimsOf(r, 'input_size');
        const prePad = dimsOf(r, 'pre_pad');
        const postPad = dimsOf(r, 'post_pad');
        const out = paddedDims(inputDims, prePad, postPad);
        const tensors = caseTensors([
          { name: 'input', dtype: 'int8', shape: [inputDims.n, inputDims.h, inputDims.w, inputDims.c], init: r.data('input') },
          { name: 'output', dtype: 'int8', shape: [out.n, out.h, out.w, out.c] },
        ]);
        const step: PadStep = { kind: 'pad_s8', input: 0, output: 1, inputDims, prePad, postPad, padValue: r.int('pad_value') };
        return { step: { ...step, op: { id: 0, name: 'case', kind: 'pad' } }, tensors, output: 1 };
      },
    },
  ],
};

function zeroPadding(ctx: TfjsLayerContext): number {
  const p = ctx.config.padding;
  const is1d = ctx.layer.getClassName().endsWith('1D');
  let padding: Padding2d;
  if (is1d) {
    const [l, r] = Array.isArray(p) ? (p as number[]) : [p as number, p as number];
    padding = { top: 0, bottom: 0, left: l!, right: r! };
  } else {
    const [[t, bt], [l, r]] = (
      Array.isArray(p) && Array.isArray(p[0])
        ? p
        : Array.isArray(p)
          ? [
              [p[0], p[0]],
              [p[1], p[1]],
            ]
          : [
              [p, p],
              [p, p],
            ]
    ) as number[][];
    padding = { top: t!, bottom: bt!, left: l!, right: r! };
  }
  const out = newActivation(ctx, '', ctx.outShape);
  ctx.b.addOp({ kind: 'pad', name: ctx.name, attrs: { padding }, inputs: [ctx.inputs[0]!], outputs: [out] });
  return out;
}
