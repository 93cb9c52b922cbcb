/**
 * Standalone activations: LOGISTIC and TANH (int8), and ReLU in float graphs.
 *
 *   tflite LOGISTIC / TANH    tfjs Activation('sigmoid' | 'tanh'), sigmoid/tanh activations of layers
 *   -> IR logistic / tanh  -> step logistic_s8 / tanh_s8  -> edgec_table_s8 over a 256-entry table
 *   tfjs ReLU, Activation('relu' | 'relu6') -> IR relu (float only: the passes fuse it into its producer)
 *
 * TFLite's int8 kernels ignore the output scale: logistic gives 1/256 with zero point -128, tanh
 * 1/128 with zero point 0, and the quantizer fixes them. CMSIS-NN has no int8 LOGISTIC/TANH.
 */
import { call } from '../cgen/c.ts';
import { EdgecError } from '../diagnostics.ts';
import { logisticS8, tanhS8, type LutActivationParams } from '../kernels/activations.ts';
import { lutActivationParams } from '../quantize/op-params.ts';
import type { OpDef, OpFamily, OpOf, StepDef, TfjsLayerContext } from './contract.ts';
import { checkSameSize, requireOutputQuant, size } from './shared/rules.ts';
import { appendActivation, newActivation } from './shared/tfjs.ts';

export interface ActivationsOps {
  logistic: Record<string, never>;
  tanh: Record<string, never>;
  /** A standalone activation layer (fused into the producer by passes where possible). */
  relu: { max?: number };
}

export interface LutActivationStep<K extends 'logistic_s8' | 'tanh_s8' = 'logistic_s8' | 'tanh_s8'> {
  kind: K;
  input: number;
  output: number;
  size: number;
  params: LutActivationParams;
}

export interface ActivationsSteps {
  logistic_s8: LutActivationStep<'logistic_s8'>;
  tanh_s8: LutActivationStep<'tanh_s8'>;
}

const F = 'float32';

function lutOp<K extends 'logistic' | 'tanh'>(kind: K, outQuant: [number, number], fn: (v: number) => number): OpDef<K, ActivationsSteps[keyof ActivationsSteps]> {
  return {
    rule: {
      inputs: [1, 1],
      outputs: 1,
      signatures: [
        [F, F],
        ['int8', 'int8'],
      ],
      check(c) {
        requireOutputQuant(c, c.output(0), { int8: outQuant });
        return checkSameSize(c);
      },
    },
    quant: { output: { scale: outQuant[0], zeroPoint: outQuant[1] } },
    float: (_op, _g, [x]) => x!.map(fn),
    lower(g, o) {
      const op = o as OpOf<'logistic' | 'tanh'>;
      const x = g.tensors[op.inputs[0]!]!;
      if (!x.quant) throw new Error(`tensor '${x.name}' has no quantization`);
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

export const activations: OpFamily<ActivationsOps, ActivationsSteps> = {
  name: 'activations',
  ops: {
    logistic: lutOp('logistic', [1 / 256, -128], (v) => 1 / (1 + Math.exp(-v))),
    tanh: lutOp('tanh', [1 / 128, 0], Math.tanh),
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
  },
  tflite: {
    LOGISTIC: { inputs: [1, 1], import: (c) => c.addOp({ kind: 'logistic', name: c.name, attrs: {}, inputs: [c.inputs[0]!], outputs: c.outputs }) },
    TANH: { inputs: [1, 1], import: (c) => c.addOp({ kind: 'tanh', name: c.name, attrs: {}, inputs: [c.inputs[0]!], outputs: c.outputs }) },
  },
  tfjs: {
    Activation: { convert: (c) => activationLayer(c, String(c.config.activation)) },
    ReLU: {
      unsupported: (config) => (Number(config.negativeSlope ?? 0) !== 0 || Number(config.threshold ?? 0) !== 0 ? ['leaky or thresholded ReLU'] : []),
      convert: (c) => activationLayer(c, 'relu', c.config.maxValue === null || c.config.maxValue === undefined ? undefined : Number(c.config.maxValue)),
    },
  },
};
