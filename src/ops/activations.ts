/**
 * Standalone activations: LOGISTIC, TANH, LEAKY_RELU and HARD_SWISH (int8), and ReLU in float graphs.
 *
 *   tflite LOGISTIC / TANH    tfjs Activation('sigmoid' | 'tanh'), sigmoid/tanh activations of layers
 *   -> IR logistic / tanh  -> step logistic_s8 / tanh_s8  -> edgec_table_s8 over a 256-entry table
 *                          -> int16: step logistic_s16 / tanh_s16 (activations_s16.ts)
 *   tflite LEAKY_RELU   tfjs LeakyReLU  -> IR leaky_relu { alpha } -> step leaky_relu_s8 -> the same table kernel
 *                                                                  -> int16: step leaky_relu_s16 -> edgec_leaky_relu_s16
 *   tflite HARD_SWISH                   -> IR hard_swish            -> step hard_swish_s8 -> the same table kernel
 *   ONNX Sigmoid, Tanh, HardSwish, LeakyRelu, Relu, Clip in quantized (QDQ) models
 *                                       -> IR lut { fn } -> step lut_s8 (activations-lut.ts: onnxruntime's arithmetic)
 *   tfjs ReLU, Activation('relu' | 'relu6'), tflite RELU / RELU6 (float models)
 *                                       -> IR relu (float only: the passes fuse it into its producer)
 *
 * TFLite's int8 kernels ignore the output scale: logistic gives 1/256 with zero point -128, tanh
 * 1/128 with zero point 0, and the quantizer fixes them. CMSIS-NN has no int8 LOGISTIC/TANH.
 */
import { call } from '../cgen/c.ts';
import { EdgecError } from '../support/diagnostics.ts';
import { hardSwishS8, leakyReluS16, leakyReluS8, logisticS8, tanhS8, type HardSwishParams, type LeakyReluParams, type LutActivationParams } from '../kernels/activations.ts';
import { quantizeMultiplier, reduceMultiplier } from '../arith/fixedpoint.ts';
import { lutActivationParams } from '../arith/op-params.ts';
import type { Named, OpDef, OpFamily, OpOf, StepDef, TfjsLayerContext, TfliteImportContext } from './contract.ts';
import { checkSameSize, requireOutputQuant, size } from './shared/rules.ts';
import { as } from './shared/emit.ts';
import { appendActivation, newActivation } from './shared/tfjs.ts';
import { caseTensors } from './shared/case.ts';
import { activationS16Params, activationS16Step, type ActivationS16Step } from './activations_s16.ts';
import { activationsOnnxImporters } from './activations-onnx.ts';
import { lutOpDef, lutStepDef, type LutAttrs, type LutStep } from './activations-lut.ts';

export interface ActivationsOps {
  logistic: Record<string, never>;
  tanh: Record<string, never>;
  /** A standalone activation layer (fused into the producer by passes where possible). */
  relu: { max?: number };
  /** x for x >= 0, alpha * x otherwise (alpha may be negative or above 1). */
  leaky_relu: { alpha: number };
  /** x * relu6(x + 3) / 6. */
  hard_swish: Record<string, never>;
  /** Quantized ONNX models: the function tabulated as onnxruntime computes it (activations-lut.ts). */
  lut: LutAttrs;
}

export interface LutActivationStep<K extends 'logistic_s8' | 'tanh_s8' = 'logistic_s8' | 'tanh_s8'> {
  kind: K;
  input: number;
  output: number;
  size: number;
  params: LutActivationParams;
}

export interface LeakyReluStep {
  kind: 'leaky_relu_s8' | 'leaky_relu_s16';
  input: number;
  output: number;
  size: number;
  params: LeakyReluParams;
}

export interface HardSwishStep {
  kind: 'hard_swish_s8';
  input: number;
  output: number;
  size: number;
  params: HardSwishParams;
}

export interface ActivationsSteps {
  logistic_s8: LutActivationStep<'logistic_s8'>;
  tanh_s8: LutActivationStep<'tanh_s8'>;
  logistic_s16: ActivationS16Step<'logistic_s16'>;
  tanh_s16: ActivationS16Step<'tanh_s16'>;
  leaky_relu_s16: LeakyReluStep;
  leaky_relu_s8: LeakyReluStep;
  hard_swish_s8: HardSwishStep;
  lut_s8: LutStep;
}

/** Every int8 value in table order: entry i of a table is f((int8_t)(uint8_t)i). */
const ALL_INT8 = Int8Array.from({ length: 256 }, (_, i) => (i < 128 ? i : i - 256));

/** A step computed as a 256-entry table here (256 bytes of flash); the C only looks up. */
function tableStep<S extends { input: number; output: number; size: number; op?: unknown }>(fn: (s: S, x: Int8Array) => Int8Array): StepDef<S>['portable'] {
  return {
    header: 'edgec_activations.h',
    files: ['edgec_activations.h', 'edgec_activations.c', 'edgec_fixedpoint.h'],
    emit(s, ctx) {
      const n = s.op.name;
      const table = ctx.constArray('table', 'int8_t', fn(s, ALL_INT8), n);
      return { kernel: 'edgec_table_s8', lines: [`status = ${call('edgec_table_s8', [table, ctx.tensor(s.input, n), ctx.tensor(s.output, n), String(s.size)])};`] };
    },
  };
}

/**
 * TFLite Micro's HardSwishPrepare: the input on a "hires" scale (1/128 of its own, in float32), its
 * multiplier to the output and to the reluish scale (3 / 32768), each reduced to 16 bits.
 */
function hardSwishParams(input: { scale: readonly number[]; zeroPoint: readonly number[] }, output: { scale: readonly number[]; zeroPoint: readonly number[] }): HardSwishParams {
  const hires = Math.fround(Math.fround(1 / 128) * Math.fround(input.scale[0]!));
  const toOutput = quantizeMultiplier(Math.fround(hires / Math.fround(output.scale[0]!)));
  const toReluish = quantizeMultiplier(Math.fround(hires / Math.fround(3 / 32768)));
  return {
    inputZeroPoint: input.zeroPoint[0]!,
    outputZeroPoint: output.zeroPoint[0]!,
    outputMultiplier: reduceMultiplier(toOutput.multiplier),
    outputExponent: toOutput.shift,
    reluishMultiplier: reduceMultiplier(toReluish.multiplier),
    reluishExponent: toReluish.shift,
  };
}

/** TFLite Micro's LeakyRelu Prepare: multipliers of s_in / s_out and s_in * alpha / s_out, in float32 as it computes them. */
function leakyReluParams(input: { scale: readonly number[]; zeroPoint: readonly number[] }, output: { scale: readonly number[]; zeroPoint: readonly number[] }, alpha: number): LeakyReluParams {
  const sIn = Math.fround(input.scale[0]!);
  const sOut = Math.fround(output.scale[0]!);
  return {
    inputZeroPoint: input.zeroPoint[0]!,
    outputZeroPoint: output.zeroPoint[0]!,
    identity: quantizeMultiplier(Math.fround(sIn / sOut)),
    alpha: quantizeMultiplier(Math.fround(Math.fround(sIn * Math.fround(alpha)) / sOut)),
  };
}

const F = 'float32';

const leakyReluRequantizers = (s: LeakyReluStep) => [
  { name: 'identity rescale', ...s.params.identity },
  { name: 'alpha rescale', multiplier: Math.abs(s.params.alpha.multiplier), shift: s.params.alpha.shift },
];

function lutOp<K extends 'logistic' | 'tanh'>(kind: K, outQuant: [number, number], fn: (v: number) => number): OpDef<K, ActivationsSteps[keyof ActivationsSteps]> {
  return {
    rule: {
      inputs: [1, 1],
      outputs: 1,
      signatures: [
        [F, F],
        ['int8', 'int8'],
        ['int16', 'int16'],
      ],
      check(c) {
        const x = c.input(0)!;
        requireOutputQuant(c, c.output(0), { int8: outQuant, int16: [1 / 32768, 0] });
        if (x.dtype === 'int16' && x.quant) {
          if (x.quant.zeroPoint[0] !== 0) c.fail(`an int16 ${kind} input needs zero point 0 (it has ${x.quant.zeroPoint[0]})`, x, 'E-GRAPH-QUANT');
          const p = activationS16Params(kind, x.quant);
          if (typeof p === 'string') c.fail(p, x, 'E-GRAPH-QUANT');
        }
        return checkSameSize(c);
      },
    },
    quant: { output: { scale: outQuant[0], zeroPoint: outQuant[1] } },
    float: (_op, _g, [x]) => x!.map(fn),
    lower(g, o) {
      const op = o as OpOf<'logistic' | 'tanh'>;
      const x = g.tensors[op.inputs[0]!]!;
      if (!x.quant) throw new Error(`tensor '${x.name}' has no quantization`);
      if (x.dtype === 'int16') {
        const p = activationS16Params(kind, x.quant) as { multiplier: number; shift: number }; // the rule refused the rest
        const io = { input: x.id, output: op.outputs[0]!, size: size(x), ...p };
        return kind === 'logistic' ? { kind: 'logistic_s16', ...io } : { kind: 'tanh_s16', ...io };
      }
      const common = { input: x.id, output: op.outputs[0]!, size: size(x), params: lutActivationParams(x.quant) };
      return kind === 'logistic' ? { kind: 'logistic_s8', ...common } : { kind: 'tanh_s8', ...common };
    },
  };
}

/**
 * The function of each of the 256 input values, tabulated here (256 bytes of flash) from the
 * reference kernel; the C only looks up.
 */
function lutStep<K extends 'logistic_s8' | 'tanh_s8'>(kind: K): StepDef<LutActivationStep<K>> {
  const kernel = kind === 'logistic_s8' ? logisticS8 : tanhS8;
  return {
    // The multiplier only feeds the table the compiler computes (TFLite's int32 cast may make it
    // negative); the input stage's left shift is what TFLite bounds.
    requantizers: (s) => [{ name: 'input scaling', multiplier: 0, shift: s.params.inputLeftShift, shiftRange: [0, 30] }],
    simulate: (s, env) => kernel(s.params, env.read(s.input) as Int8Array),
    portable: {
      header: 'edgec_activations.h',
      files: ['edgec_activations.h', 'edgec_activations.c', 'edgec_fixedpoint.h'],
      emit(s, ctx) {
        const n = s.op.name;
        const all = Int8Array.from({ length: 256 }, (_, i) => (i < 128 ? i : i - 256)); // byte order: table[(uint8_t)x]
        const table = ctx.constArray('table', 'int8_t', kernel(s.params, all), n);
        return { kernel: 'edgec_table_s8', lines: [`status = ${call('edgec_table_s8', [table, ctx.tensor(s.input, n), ctx.tensor(s.output, n), String(s.size)])};`] };
      },
    },
  };
}

function activationLayer(ctx: TfjsLayerContext, activation: string, max?: number): number {
  const x = ctx.inputs[0]!;
  if (activation === 'linear') return x;
  if (activation === 'relu' || activation === 'relu6') {
    const out = newActivation(ctx, '', ctx.outShape);
    const cap = activation === 'relu6' ? 6 : max;
    ctx.b.addOp({ kind: 'relu', name: ctx.name, attrs: cap === undefined ? {} : { max: cap }, inputs: [x], outputs: [out] });
    return out;
  }
  return appendActivation(ctx, x, activation);
}

function importRelu(c: TfliteImportContext, max: number | undefined): void {
  if (c.model.tensors[c.op.inputs[0]!]!.type !== 'float32') c.problem(`a standalone ${c.op.op} in an integer model is not supported yet`, 'E-TFLITE-OP');
  else c.addOp({ kind: 'relu', name: c.name, attrs: max === undefined ? {} : { max }, inputs: [c.inputs[0]!], outputs: c.outputs });
}

export const activations: OpFamily<ActivationsOps, ActivationsSteps> = {
  name: 'activations',
  ops: {
    logistic: lutOp('logistic', [1 / 256, -128], (v) => 1 / (1 + Math.exp(-v))),
    tanh: lutOp('tanh', [1 / 128, 0], Math.tanh),
    leaky_relu: {
      rule: {
        inputs: [1, 1],
        outputs: 1,
        signatures: [
          [F, F],
          ['int8', 'int8'],
          ['int16', 'int16'],
        ],
        check(c) {
          const alpha = (c.op as OpOf<'leaky_relu'>).attrs.alpha;
          if (typeof alpha !== 'number' || !Number.isFinite(alpha)) c.fail(`alpha ${alpha} must be finite`);
          return checkSameSize(c);
        },
      },
      quant: { output: 'calibrated' },
      float: (op, _g, [x]) => x!.map((v) => (v > 0 ? v : v * op.attrs.alpha)),
      lower(g, op) {
        const x = g.tensors[op.inputs[0]!]!;
        const y = g.tensors[op.outputs[0]!]!;
        return { kind: x.dtype === 'int16' ? 'leaky_relu_s16' : 'leaky_relu_s8', input: x.id, output: y.id, size: size(x), params: leakyReluParams(x.quant!, y.quant!, op.attrs.alpha) };
      },
    },
    hard_swish: {
      rule: {
        inputs: [1, 1],
        outputs: 1,
        signatures: [
          [F, F],
          ['int8', 'int8'],
        ],
        check: checkSameSize,
      },
      quant: { output: 'calibrated' },
      float: (_op, _g, [x]) => x!.map((v) => (v * Math.min(6, Math.max(0, v + 3))) / 6),
      lower(g, op) {
        const x = g.tensors[op.inputs[0]!]!;
        const y = g.tensors[op.outputs[0]!]!;
        return { kind: 'hard_swish_s8', input: x.id, output: y.id, size: size(x), params: hardSwishParams(x.quant!, y.quant!) };
      },
    },
    lut: lutOpDef,
    relu: {
      rule: {
        inputs: [1, 1],
        outputs: 1,
        signatures: [[F, F]],
        check(c) {
          const max = (c.op as OpOf<'relu'>).attrs.max;
          if (max !== undefined && (!Number.isFinite(max) || max <= 0)) c.fail(`ReLU maximum ${max} must be finite and positive`);
          return checkSameSize(c);
        },
      },
      quant: { output: 'input' },
      float: (op, _g, [x]) => x!.map((v) => Math.min(Math.max(v, 0), op.attrs.max ?? Infinity)),
      lower(_g, op) {
        throw new EdgecError({ code: 'E-LOWER-OP', stage: 'codegen', message: 'a standalone ReLU that could not be fused into its producer is not supported yet', location: { layer: op.name } });
      },
    },
  },
  steps: {
    logistic_s8: lutStep('logistic_s8'),
    tanh_s8: lutStep('tanh_s8'),
    logistic_s16: activationS16Step('logistic_s16'),
    tanh_s16: activationS16Step('tanh_s16'),
    leaky_relu_s8: {
      requantizers: leakyReluRequantizers,
      simulate: (s, env) => leakyReluS8(s.params, env.read(s.input) as Int8Array),
      portable: tableStep<LeakyReluStep & Named>((s, x) => leakyReluS8(s.params, x)),
    },
    leaky_relu_s16: {
      requantizers: leakyReluRequantizers,
      simulate: (s, env) => leakyReluS16(s.params, env.read(s.input) as Int16Array),
      portable: {
        header: 'edgec_activations.h',
        files: ['edgec_activations.h', 'edgec_activations.c', 'edgec_fixedpoint.h'],
        emit(s, ctx) {
          const n = s.op.name;
          const p = s.params;
          const args = [
            as('int16_t', ctx.tensor(s.input, n)),
            as('int16_t', ctx.tensor(s.output, n)),
            ...[s.size, p.inputZeroPoint, p.outputZeroPoint, p.identity.multiplier, p.identity.shift, p.alpha.multiplier, p.alpha.shift].map(String),
          ];
          return { kernel: 'edgec_leaky_relu_s16', lines: [`status = ${call('edgec_leaky_relu_s16', args)};`] };
        },
      },
    },
    lut_s8: lutStepDef,
    hard_swish_s8: {
      // TFLite Micro requires the output stage to shift right (exponent <= 0).
      requantizers: (s) => [
        { name: 'output rescale', multiplier: s.params.outputMultiplier, shift: s.params.outputExponent, shiftRange: [-31, 0] },
        { name: 'reluish rescale', multiplier: s.params.reluishMultiplier, shift: s.params.reluishExponent },
      ],
      simulate: (s, env) => hardSwishS8(s.params, env.read(s.input) as Int8Array),
      portable: tableStep<HardSwishStep & Named>((s, x) => hardSwishS8(s.params, x)),
    },
  },
  tflite: {
    LOGISTIC: { inputs: [1, 1], import: (c) => c.addOp({ kind: 'logistic', name: c.name, attrs: {}, inputs: [c.inputs[0]!], outputs: c.outputs }) },
    TANH: { inputs: [1, 1], import: (c) => c.addOp({ kind: 'tanh', name: c.name, attrs: {}, inputs: [c.inputs[0]!], outputs: c.outputs }) },
    // LeakyReluOptions: alpha (field 0).
    HARD_SWISH: { inputs: [1, 1], import: (c) => c.addOp({ kind: 'hard_swish', name: c.name, attrs: {}, inputs: [c.inputs[0]!], outputs: c.outputs }) },
    LEAKY_RELU: { inputs: [1, 1], import: (c) => c.addOp({ kind: 'leaky_relu', name: c.name, attrs: { alpha: c.options?.float(0, 0) ?? 0 }, inputs: [c.inputs[0]!], outputs: c.outputs }) },
    // Float models only: the passes fuse a standalone ReLU into its producer (an integer model clamps
    // through its quantization and has no standalone RELU kernel here).
    RELU: { inputs: [1, 1], import: (c) => importRelu(c, undefined) },
    RELU6: { inputs: [1, 1], import: (c) => importRelu(c, 6) },
  },
  tfjs: {
    Activation: { convert: (c) => activationLayer(c, String(c.config.activation)) },
    LeakyReLU: {
      convert(c) {
        const out = newActivation(c, '', c.outShape);
        c.b.addOp({ kind: 'leaky_relu', name: c.name, attrs: { alpha: Number(c.config.alpha ?? 0.3) }, inputs: [c.inputs[0]!], outputs: [out] });
        return out;
      },
    },
    ReLU: {
      unsupported: (config) => (Number(config.negativeSlope ?? 0) !== 0 || Number(config.threshold ?? 0) !== 0 ? ['leaky or thresholded ReLU'] : []),
      convert: (c) => activationLayer(c, 'relu', c.config.maxValue === null || c.config.maxValue === undefined ? undefined : Number(c.config.maxValue)),
    },
  },
  onnx: activationsOnnxImporters,
  cases: [
    {
      op: 'leaky_relu',
      actDtypes: ['s8'],
      build(r) {
        const input = r.data('input');
        const tensors = caseTensors([
          { name: 'input', dtype: 'int8', shape: [input.length], init: input },
          { name: 'output', dtype: 'int8', shape: [input.length] },
        ]);
        const params: LeakyReluParams = {
          inputZeroPoint: r.int('input_zero_point'),
          outputZeroPoint: r.int('output_zero_point'),
          identity: { multiplier: r.int('identity.multiplier'), shift: r.int('identity.shift') },
          alpha: { multiplier: r.int('alpha.multiplier'), shift: r.int('alpha.shift') },
        };
        return { step: { kind: 'leaky_relu_s8', input: 0, output: 1, size: input.length, params, op: { id: 0, name: 'case', kind: 'leaky_relu' } }, tensors, output: 1 };
      },
    },
    {
      op: 'hard_swish',
      actDtypes: ['s8'],
      build(r) {
        const input = r.data('input');
        const tensors = caseTensors([
          { name: 'input', dtype: 'int8', shape: [input.length], init: input },
          { name: 'output', dtype: 'int8', shape: [input.length] },
        ]);
        const params: HardSwishParams = {
          inputZeroPoint: r.int('input_zero_point'),
          outputZeroPoint: r.int('output_zero_point'),
          outputMultiplier: r.int('output_multiplier_fixedpoint_int16'),
          outputExponent: r.int('output_multiplier_exponent'),
          reluishMultiplier: r.int('reluish_multiplier_fixedpoint_int16'),
          reluishExponent: r.int('reluish_multiplier_exponent'),
        };
        return { step: { kind: 'hard_swish_s8', input: 0, output: 1, size: input.length, params, op: { id: 0, name: 'case', kind: 'hard_swish' } }, tensors, output: 1 };
      },
    },
  ],
};
