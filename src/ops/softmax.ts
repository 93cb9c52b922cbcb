/**
 * SOFTMAX over the last axis: int8 in, int8 out (scale 1/256, zero point -128) or int16 out (scale
 * 1/65536, zero point -32768), with TFLite's fixed-point exp and reciprocal.
 *
 *   tflite SOFTMAX   tfjs Softmax (and softmax activations, see shared/tfjs.ts)
 *   -> IR softmax { beta }  -> step softmax_s8 | softmax_s8_s16  -> edgec_softmax_s8[_s16] | arm_softmax_s8
 *   int16 in and out (16x8 models: output 1/32768, zero point 0) -> step softmax_s16 -> edgec_softmax_s16 | arm_softmax_s16
 *
 * TFLite's kernels ignore the output scale, so the quantizer fixes it; the compiler computes the
 * input scaling (beta * input scale) and the diff_min radius.
 */
import { call, designated } from '../cgen/c.ts';
import { softmaxS8, softmaxS8S16 } from '../kernels/softmax.ts';
import { softmaxLutsS16, softmaxS16 } from '../kernels/softmax_s16.ts';
import { quantizeMultiplier } from '../arith/fixedpoint.ts';
import { softmaxParams, type SoftmaxParams } from '../arith/op-params.ts';
import type { CaseAdapter, OpFamily, OpOf, StepDef } from './contract.ts';
import { caseTensors } from './shared/case.ts';
import { as } from './shared/emit.ts';
import { checkSameSize, requireOutputQuant } from './shared/rules.ts';
import { appendActivation } from './shared/tfjs.ts';
import { softmaxOnnx } from './softmax-onnx.ts';

export interface SoftmaxOps {
  softmax: { beta: number };
}

export interface SoftmaxStep<K extends 'softmax_s8' | 'softmax_s8_s16' = 'softmax_s8' | 'softmax_s8_s16'> {
  /** int8 in; int8 out, or int16 out (zero point -32768, scale 1/65536) for softmax_s8_s16. */
  kind: K;
  input: number;
  output: number;
  rows: number;
  rowSize: number;
  params: SoftmaxParams;
}

/** int16 in and out (CMSIS-NN's arm_softmax_s16): exp and 1/(1+x) tables given by the caller. */
export interface SoftmaxS16Step {
  kind: 'softmax_s16';
  input: number;
  output: number;
  rows: number;
  rowSize: number;
  multiplier: number;
  shift: number;
  expLut: readonly number[];
  oneByOneLut: readonly number[];
}

export interface SoftmaxSteps {
  softmax_s8: SoftmaxStep<'softmax_s8'>;
  softmax_s8_s16: SoftmaxStep<'softmax_s8_s16'>;
  softmax_s16: SoftmaxS16Step;
}

const F = 'float32';
const FILES = ['edgec_softmax.h', 'edgec_softmax.c', 'edgec_fixedpoint.h'];

function softmaxStep<K extends 'softmax_s8' | 'softmax_s8_s16'>(kind: K): StepDef<SoftmaxStep<K>> {
  const s16 = kind === 'softmax_s8_s16';
  const out = (p: string) => (s16 ? as('int16_t', p) : p);
  const args = (s: SoftmaxStep, input: string, output: string) => [
    input,
    String(s.rows),
    String(s.rowSize),
    String(s.params.multiplier),
    String(s.params.leftShift),
    String(s.params.diffMin),
    out(output),
  ];
  return {
    // TFLite's softmax scales the input differences by a "greater than one" multiplier: a left shift.
    requantizers: (s) => [{ name: 'input scaling (beta * input scale)', multiplier: s.params.multiplier, shift: s.params.leftShift, shiftRange: [0, 30] }],
    simulate: (s, env) => (s16 ? softmaxS8S16 : softmaxS8)(env.read(s.input) as Int8Array, s.rows, s.rowSize, s.params.multiplier, s.params.leftShift, s.params.diffMin),
    portable: {
      header: 'edgec_softmax.h',
      files: FILES,
      emit(s, ctx) {
        const n = s.op.name;
        const fn = `edgec_${kind}`;
        return { kernel: fn, lines: [`status = ${call(fn, args(s, ctx.tensor(s.input, n), ctx.tensor(s.output, n)))};`] };
      },
    },
    cmsisNn: {
      ...(s16 ? { conformanceOnly: 'generated code has always called the portable edgec_softmax_s8_s16 for int16 outputs (arm_softmax_s8_s16 was never mapped or measured there)' } : {}),
      scratch: () => 0,
      emit(s, ctx) {
        const n = s.op.name;
        const fn = `arm_${kind}`;
        // arm_softmax_s8 returns nothing.
        return { kernel: fn, lines: [`${call(fn, args(s, ctx.tensor(s.input, n), ctx.tensor(s.output, n)))};`] };
      },
    },
  };
}

const softmaxS16Step: StepDef<SoftmaxS16Step> = {
  simulate: (s, env) => softmaxS16(env.read(s.input) as Int16Array, s.rows, s.rowSize, s.multiplier, s.shift, s.expLut, s.oneByOneLut),
  portable: {
    header: 'edgec_softmax_s16.h',
    files: ['edgec_softmax_s16.h', 'edgec_softmax_s16.c', 'edgec_fixedpoint.h'],
    emit(s, ctx) {
      const n = s.op.name;
      const exp = ctx.constArray('exp_lut', 'int16_t', s.expLut, n);
      const one = ctx.constArray('one_by_one_lut', 'int16_t', s.oneByOneLut, n);
      const args = [as('int16_t', ctx.tensor(s.input, n)), String(s.rows), String(s.rowSize), String(s.multiplier), String(s.shift), exp, one, as('int16_t', ctx.tensor(s.output, n))];
      return { kernel: 'edgec_softmax_s16', lines: [`status = ${call('edgec_softmax_s16', args)};`] };
    },
  },
  cmsisNn: {
    scratch: () => 0,
    emit(s, ctx) {
      const n = s.op.name;
      const exp = ctx.constArray('exp_lut', 'int16_t', s.expLut, n);
      const one = ctx.constArray('one_by_one_lut', 'int16_t', s.oneByOneLut, n);
      const luts = ctx.constStruct('luts', 'cmsis_nn_softmax_lut_s16', designated({ exp_lut: exp, one_by_one_lut: one }), n);
      const args = [as('int16_t', ctx.tensor(s.input, n)), String(s.rows), String(s.rowSize), String(s.multiplier), String(s.shift), `&${luts}`, as('int16_t', ctx.tensor(s.output, n))];
      return { kernel: 'arm_softmax_s16', lines: [`status = (int32_t)${call('arm_softmax_s16', args)};`] };
    },
  },
};

/** A softmax case: rows of `row_size` values, the compiler's parameters given by the case. */
function softmaxCase(actDtype: 's8' | 's8_s16' | 's16'): CaseAdapter {
  return {
    op: 'softmax',
    actDtypes: [actDtype],
    build(r) {
      const rows = r.int('num_rows');
      const rowSize = r.int('row_size');
      const shape = [rows, rowSize];
      const tensors = caseTensors([
        { name: 'input', dtype: actDtype === 's16' ? 'int16' : 'int8', shape, init: r.data('input') },
        { name: 'output', dtype: actDtype === 's8' ? 'int8' : 'int16', shape },
      ]);
      const op = { id: 0, name: 'case', kind: 'softmax' as const };
      const io = { input: 0, output: 1, rows, rowSize };
      if (actDtype === 's16') {
        const step: SoftmaxS16Step = { kind: 'softmax_s16', ...io, multiplier: r.int('mult'), shift: r.int('shift'), expLut: r.ints('exp_lut'), oneByOneLut: r.ints('one_by_one_lut') };
        return { step: { ...step, op }, tensors, output: 1 };
      }
      const step: SoftmaxStep = { kind: actDtype === 's8' ? 'softmax_s8' : 'softmax_s8_s16', ...io, params: { multiplier: r.int('mult'), leftShift: r.int('shift'), diffMin: r.int('diff_min') } };
      return { step: { ...step, op }, tensors, output: 1 };
    },
  };
}

export const softmax: OpFamily<SoftmaxOps, SoftmaxSteps> = {
  name: 'softmax',
  ops: {
    softmax: {
      rule: {
        inputs: [1, 1],
        outputs: 1,
        signatures: [
          [F, F],
          ['int8', 'int8'],
          ['int8', 'int16'],
          ['int16', 'int16'],
        ],
        check(c) {
          const beta = (c.op as OpOf<'softmax'>).attrs.beta;
          if (typeof beta !== 'number' || !Number.isFinite(beta) || beta <= 0) c.fail(`beta ${beta} must be finite and positive`);
          const [x, y] = [c.input(0)!, c.output(0)];
          if (x.shape[x.shape.length - 1] !== y.shape[y.shape.length - 1]) c.fail('input and output rows differ in length', y, 'E-GRAPH-SHAPE');
          if (x.dtype === 'int16') requireOutputQuant(c, y, { int16: [1 / 32768, 0] });
          else requireOutputQuant(c, y, { int8: [1 / 256, -128], int16: [1 / 65536, -32768] });
          return checkSameSize(c);
        },
      },
      quant: { output: { scale: 1 / 256, zeroPoint: -128 } },
      float(op, g, [x]) {
        const t = g.tensors[op.inputs[0]!]!;
        const depth = t.shape[t.shape.length - 1]!;
        const out = new Float32Array(x!.length);
        for (let r = 0; r < x!.length; r += depth) {
          let max = -Infinity;
          for (let c = 0; c < depth; c++) max = Math.max(max, x![r + c]!);
          let sum = 0;
          for (let c = 0; c < depth; c++) sum += out[r + c] = Math.exp((x![r + c]! - max) * op.attrs.beta);
          for (let c = 0; c < depth; c++) out[r + c]! /= sum;
        }
        return out;
      },
      lower(g, op) {
        const x = g.tensors[op.inputs[0]!]!;
        const out = g.tensors[op.outputs[0]!]!;
        if (!x.quant) throw new Error(`tensor '${x.name}' has no quantization`);
        const rowSize = x.shape[x.shape.length - 1]!;
        const rows = x.shape.reduce((a, b) => a * b, 1) / rowSize;
        if (x.dtype === 'int16') {
          // TFLite's int16 softmax: input differences scaled so that [-65535, 0] spans exp's [-10, 0].
          const m = quantizeMultiplier((Math.fround(x.quant.scale[0]!) * Math.fround(op.attrs.beta)) / (10 / 65535));
          const { expLut, oneByOneLut } = softmaxLutsS16();
          return { kind: 'softmax_s16', input: x.id, output: out.id, rows, rowSize, multiplier: m.multiplier, shift: m.shift, expLut: Array.from(expLut), oneByOneLut: Array.from(oneByOneLut) };
        }
        return { kind: out.dtype === 'int16' ? 'softmax_s8_s16' : 'softmax_s8', input: x.id, output: out.id, rows, rowSize, params: softmaxParams(op.attrs.beta, x.quant) };
      },
    },
  },
  steps: {
    softmax_s8: softmaxStep('softmax_s8'),
    softmax_s8_s16: softmaxStep('softmax_s8_s16'),
    softmax_s16: softmaxS16Step,
  },
  tflite: {
    SOFTMAX: {
      inputs: [1, 1],
      import: (c) => c.addOp({ kind: 'softmax', name: c.name, attrs: { beta: c.options?.float(0, 1) ?? 1 }, inputs: [c.inputs[0]!], outputs: c.outputs }),
    },
  },
  tfjs: {
    Softmax: {
      unsupported(config, inputRank) {
        if (inputRank === undefined || !('axis' in config)) return [];
        const axis = Number(Array.isArray(config.axis) && config.axis.length === 1 ? config.axis[0] : config.axis);
        const norm = axis < 0 ? axis + inputRank : axis;
        return norm !== inputRank - 1 ? [`axis ${String(config.axis)} (only the channel axis, -1)`] : [];
      },
      convert: (c) => appendActivation(c, c.inputs[0]!, 'softmax'),
    },
  },
  onnx: { Softmax: softmaxOnnx },
  cases: [softmaxCase('s8'), softmaxCase('s8_s16'), softmaxCase('s16')],
};
