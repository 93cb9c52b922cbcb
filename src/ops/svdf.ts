/**
 * SVDF (TFLite semantics as CMSIS-NN implements them): each invoke shifts the state [batch, features,
 * time] by one sample, writes the feature stage's newest sample, and sums the time stage per unit.
 *
 *   tflite SVDF (int8 input; int8 or int16 time weights and state; the state a variable tensor)
 *   -> IR svdf { rank }  (inputs x, feature weights, time weights, bias?, state)
 *   -> step svdf_s8 -> edgec_svdf_s8_folded (feature sums in flash; generated code)
 *                   |  edgec_svdf_s8 (interchangeable) | arm_svdf_s8 (MVE kernel sums in flash)
 *   -> step svdf_state_s16_s8 (int16 state and time weights) -> edgec_svdf_state_s16_s8 | arm_svdf_state_s16_s8
 * Cases run num_steps invokes over an input sequence with the state kept, and compare the last output.
 */
import { struct } from '../cgen/c.ts';
import { svdfS8BufferSize } from './shared/cmsis-buffer-sizes.ts';
import { vectorSumS8 } from './shared/kernel-sums.ts';
import type { QuantParams } from '../ir/graph.ts';
import { svdfStep, type SvdfParams, type SvdfShape } from '../kernels/svdf.ts';
import { svdfParams } from '../arith/op-params.ts';
import type { CaseAdapter, CmsisEmitContext, CmsisEmitter, EmitContext, Emitted, Named, OpFamily, SimEnv, StepScratch } from './contract.ts';
import { caseTensors, type CaseTensorSpec } from './shared/case.ts';
import { as, CMSIS_PATHS, cmsisDims, cmsisRange, cmsisScratchLines, range } from './shared/emit.ts';
import { isPosInt, requireBias, requireRank, requireShape, requireWeightQuant, shapeText, size } from './shared/rules.ts';

export interface SvdfOps {
  svdf: { rank: number };
}

export interface SvdfStep {
  kind: 'svdf_s8';
  input: number;
  output: number;
  /** Variable tensor [batch, features * time]: kept across invokes. */
  state: number;
  weightsFeature: number;
  weightsTime: number;
  bias: number; // -1: none
  params: SvdfParams;
  shape: SvdfShape;
}

/** int16 state and int16 time weights (CMSIS-NN's arm_svdf_state_s16_s8). */
export interface SvdfS16Step extends Omit<SvdfStep, 'kind'> {
  kind: 'svdf_state_s16_s8';
}

export interface SvdfSteps {
  svdf_s8: SvdfStep;
  svdf_state_s16_s8: SvdfS16Step;
}

type AnySvdf = (SvdfStep | SvdfS16Step) & Named;

const requantizers = (s: SvdfStep | SvdfS16Step) => [
  { name: 'feature stage rescale', ...s.params.inputQuant },
  { name: 'time stage rescale', ...s.params.outputQuant },
];

/** The state as the kernel takes it: int16 state through an int16_t pointer (a model's state region is bytes). */
const statePtr = (s: AnySvdf, ctx: EmitContext) => (s.kind === 'svdf_state_s16_s8' ? as('int16_t', ctx.tensor(s.state, s.op.name)) : ctx.tensor(s.state, s.op.name));

const q = (t: { name: string; quant?: QuantParams }): QuantParams => {
  if (!t.quant) throw new Error(`tensor '${t.name}' has no quantization`);
  return t.quant;
};

const bias = (s: AnySvdf, ctx: EmitContext) => (s.bias < 0 ? 'NULL' : ctx.tensor(s.bias, s.op.name));

function simulate(s: SvdfStep | SvdfS16Step, env: SimEnv): Int8Array {
  const c = (id: number) => env.constant(id);
  return svdfStep(
    s.params,
    s.shape,
    env.read(s.input) as Int8Array,
    env.state.get(s.state)!,
    c(s.weightsFeature) as Int8Array,
    c(s.weightsTime) as Int8Array | Int16Array,
    c(s.bias) as Int32Array | null,
  );
}

function portableParams(s: AnySvdf, ctx: EmitContext): string {
  const p = s.params;
  const sh = s.shape;
  const init = struct('edgec_svdf_params', {
    rank: p.rank,
    input_offset: p.inputOffset,
    output_offset: p.outputOffset,
    input_activation: range(p.inputActivation),
    output_activation: range(p.outputActivation),
    input_quant: { multiplier: p.inputQuant.multiplier, shift: p.inputQuant.shift },
    output_quant: { multiplier: p.outputQuant.multiplier, shift: p.outputQuant.shift },
    batches: sh.batches,
    input_size: sh.inputSize,
    features: sh.features,
    time_steps: sh.timeSteps,
  });
  return ctx.constStruct('params', 'edgec_svdf_params', init, s.op.name);
}

function emitPortable(s: AnySvdf, ctx: EmitContext, variant: 'generated' | 'reference'): Emitted {
  const n = s.op.name;
  const params = portableParams(s, ctx);
  const wf = ctx.graph.tensors[s.weightsFeature]!.data;
  // Constant feature weights: the input offset's share of each feature row is a compile-time sum.
  const sums =
    s.kind === 'svdf_s8' && variant === 'generated' && wf ? ctx.constArray('feature_sums', 'int32_t', vectorSumS8(wf, s.shape.inputSize, s.shape.features, -s.params.inputOffset, 0, null), n) : null;
  const args = `&${params}, ${ctx.tensor(s.input, n)}, ${statePtr(s, ctx)}, ${ctx.tensor(s.weightsFeature, n)}, ${ctx.tensor(s.weightsTime, n)}, ${bias(s, ctx)}`;
  const kernel = s.kind === 'svdf_state_s16_s8' ? 'edgec_svdf_state_s16_s8' : sums ? 'edgec_svdf_s8_folded' : 'edgec_svdf_s8';
  return { kernel, lines: [`status = ${kernel}(${args}, ${sums ? `${sums}, ` : ''}${ctx.tensor(s.output, n)});`] };
}

/** On MVE, arm_svdf_s8 reads the feature weights' row sums times the input zero point from its context. */
function kernelSums(s: AnySvdf, ctx: CmsisEmitContext): string | null {
  if (ctx.path !== 'mve') return null;
  const w = ctx.graph.tensors[s.weightsFeature]!.data!;
  return ctx.constArray('kernel_sums', 'int32_t', vectorSumS8(w, s.shape.inputSize, s.shape.features, -s.params.inputOffset, 0, null), s.op.name);
}

function emitCmsis(s: AnySvdf, ctx: CmsisEmitContext, scratch: StepScratch): Emitted {
  const n = s.op.name;
  const p = s.params;
  const sh = s.shape;
  const units = sh.features / p.rank;
  const params = ctx.constStruct(
    'params',
    'cmsis_nn_svdf_params',
    `{ .rank = ${p.rank}, .input_offset = ${p.inputOffset}, .output_offset = ${p.outputOffset}, .input_activation = ${cmsisRange(p.inputActivation)}, .output_activation = ${cmsisRange(p.outputActivation)} }`,
    n,
  );
  const qIn = ctx.constStruct('input_quant', 'cmsis_nn_per_tensor_quant_params', `{ .multiplier = ${p.inputQuant.multiplier}, .shift = ${p.inputQuant.shift} }`, n);
  const qOut = ctx.constStruct('output_quant', 'cmsis_nn_per_tensor_quant_params', `{ .multiplier = ${p.outputQuant.multiplier}, .shift = ${p.outputQuant.shift} }`, n);
  const i = cmsisDims(ctx, 'input_dims', { n: sh.batches, h: sh.inputSize, w: 1, c: 1 }, n);
  const st = cmsisDims(ctx, 'state_dims', { n: sh.batches, h: sh.features * sh.timeSteps, w: 1, c: 1 }, n);
  const wf = cmsisDims(ctx, 'weights_feature_dims', { n: sh.features, h: sh.inputSize, w: 1, c: 1 }, n);
  const wt = cmsisDims(ctx, 'weights_time_dims', { n: sh.features, h: sh.timeSteps, w: 1, c: 1 }, n);
  const b = cmsisDims(ctx, 'bias_dims', { n: units, h: 1, w: 1, c: 1 }, n);
  const o = cmsisDims(ctx, 'output_dims', { n: sh.batches, h: units, w: 1, c: 1 }, n);
  const s8 = s.kind === 'svdf_s8';
  let lines: string[];
  let head: string;
  if (s8) {
    const sums = kernelSums(s, ctx);
    const c = cmsisScratchLines(
      scratch,
      CMSIS_PATHS.map((path) => svdfS8BufferSize(path, sh.features)),
      `arm_svdf_s8_get_buffer_size(&${wf})`,
      sums ? `(void *)${sums}` : 'NULL',
      sums ? sh.features * 4 : 0,
    );
    lines = c.lines;
    head = `arm_svdf_s8(&${c.name}, &input_ctx, &output_ctx`;
  } else {
    lines = ['{'];
    head = 'arm_svdf_state_s16_s8(&input_ctx, &output_ctx';
  }
  const inBytes = 4 * sh.batches * sh.features;
  const call = `${head}, &${params}, &${qIn}, &${qOut}, &${i}, ${ctx.tensor(s.input, n)}, &${st}, ${statePtr(s, ctx)}, &${wf}, ${ctx.tensor(s.weightsFeature, n)}, &${wt}, ${ctx.tensor(s.weightsTime, n)}, &${b}, ${bias(s, ctx)}, &${o}, ${ctx.tensor(s.output, n)})`;
  return {
    kernel: s8 ? 'arm_svdf_s8' : 'arm_svdf_state_s16_s8',
    lines: [
      ...lines,
      `    const cmsis_nn_context input_ctx = { .buf = ${scratch.ptr}, .size = ${inBytes} };`,
      `    const cmsis_nn_context output_ctx = { .buf = ${scratch.ptr} + ${inBytes}, .size = ${4 * sh.batches * units} };`,
      `    status = (int32_t)${call};`,
      '}',
    ],
  };
}

const cmsisNn: CmsisEmitter<SvdfStep | SvdfS16Step> = {
  // Arena scratch: the input context (one int32 per feature and batch) and the output context (one
  // int32 per unit and batch). MVE's kernel sums of the feature weights are constants in flash.
  scratch: (s) => 4 * s.shape.batches * (s.shape.features + s.shape.features / s.params.rank),
  emit: emitCmsis,
};

const PORTABLE = { header: 'edgec_svdf.h', files: ['edgec_svdf.h', 'edgec_svdf.c', 'edgec_dot_s8.h', 'edgec_dot_s8.c'], emit: emitPortable };

/** A case: num_steps invokes, each reading the next input of input_sequence, the state kept. */
const CASE: CaseAdapter = {
  op: 'svdf',
  actDtypes: ['s8'],
  build(r) {
    const params: SvdfParams = {
      rank: r.int('rank'),
      inputOffset: r.int('input_offset'),
      outputOffset: r.int('output_offset'),
      inputActivation: { min: r.int('input_activation.min'), max: r.int('input_activation.max') },
      outputActivation: { min: r.int('output_activation.min'), max: r.int('output_activation.max') },
      inputQuant: { multiplier: r.int('input_quant.multiplier'), shift: r.int('input_quant.shift') },
      outputQuant: { multiplier: r.int('output_quant.multiplier'), shift: r.int('output_quant.shift') },
    };
    const shape: SvdfShape = { batches: r.int('input_batches'), inputSize: r.int('input_size'), features: r.int('feature_batches'), timeSteps: r.int('time_batches') };
    const steps = r.int('num_steps');
    const s16 = r.tensor('weights_time').dtype === 'int16';
    const state = s16 ? 'int16' : 'int8';
    const units = shape.features / params.rank;
    const biasData = r.optData('bias');
    const specs: CaseTensorSpec[] = [
      { name: 'input', dtype: 'int8', shape: [shape.batches, shape.inputSize] },
      { name: 'input_sequence', dtype: 'int8', shape: [steps, shape.batches, shape.inputSize], init: r.data('input_sequence') },
      { name: 'state', dtype: state, shape: [shape.batches, shape.features * shape.timeSteps], init: r.data('state'), variable: true },
      { name: 'weights_feature', dtype: 'int8', shape: [shape.features, shape.inputSize], data: r.data('weights_feature') },
      { name: 'weights_time', dtype: state, shape: [shape.features, shape.timeSteps], data: r.data('weights_time') },
      ...(biasData ? [{ name: 'bias', dtype: 'int32', shape: [units], data: biasData } as CaseTensorSpec] : []),
      { name: 'output', dtype: 'int8', shape: [shape.batches, units] },
    ];
    const output = specs.length - 1;
    const fields = { input: 0, output, state: 2, weightsFeature: 3, weightsTime: 4, bias: biasData ? 5 : -1, params, shape };
    const step: SvdfStep | SvdfS16Step = s16 ? { kind: 'svdf_state_s16_s8', ...fields } : { kind: 'svdf_s8', ...fields };
    const repeat = { times: steps, input: 0, sequence: 1, stride: shape.batches * shape.inputSize };
    return { step: { ...step, op: { id: 0, name: 'case', kind: 'svdf' } }, tensors: caseTensors(specs), output, repeat };
  },
};

export const svdf: OpFamily<SvdfOps, SvdfSteps> = {
  name: 'svdf',
  ops: {
    svdf: {
      rule: {
        inputs: [5, 5],
        outputs: 1,
        optional: [3],
        constant: [1, 2, 3],
        state: [4],
        signatures: [
          ['int8', 'int8', 'int8', 'int32', 'int8', 'int8'],
          // int16 time weights and state (TFLite's keyword models): arm_svdf_state_s16_s8's form.
          ['int8', 'int8', 'int16', 'int32', 'int16', 'int8'],
        ],
        check(c) {
          const op = c.op as { attrs: SvdfOps['svdf'] };
          const x = c.input(0)!;
          const wf = c.input(1)!;
          const wt = c.input(2)!;
          const state = c.input(4)!;
          const y = c.output(0);
          if (!requireRank(c, x, [2], 'the input') || !requireRank(c, wf, [2], 'the feature weights') || !requireRank(c, wt, [2], 'the time weights')) return 0;
          const [batch, inputSize] = x.shape as [number, number];
          const [features, wfIn] = wf.shape as [number, number];
          const rank = op.attrs.rank;
          if (!isPosInt(rank) || features % rank !== 0) {
            c.fail(`rank ${rank} does not divide the ${features} features`);
            return 0;
          }
          if (wfIn !== inputSize) {
            c.fail(`feature weights ${shapeText(wf.shape)} do not match the input size ${inputSize}`, wf, 'E-GRAPH-SHAPE');
            return 0;
          }
          if (wt.shape[0] !== features) {
            c.fail(`time weights ${shapeText(wt.shape)} do not match the ${features} features`, wt, 'E-GRAPH-SHAPE');
            return 0;
          }
          const time = wt.shape[1]!;
          requireBias(c, c.input(3), features / rank);
          if (size(state) !== batch * features * time) c.fail(`state holds ${size(state)} values, the layer needs ${batch} x ${features} x ${time}`, state, 'E-GRAPH-SHAPE');
          requireShape(c, y, [batch, features / rank]);
          requireWeightQuant(c, wf, features, 0, false);
          requireWeightQuant(c, wt, features, 0, false);
          return batch * features * (inputSize + time);
        },
      },
      // Only .tflite files hold SVDF, already quantized; float graphs have none (no float reference).
      quant: { output: 'calibrated' },
      lower(g, op) {
        const T = (k: number) => g.tensors[op.inputs[k]!]!;
        const [x, wf, wt, state] = [T(0), T(1), T(2), T(4)];
        const out = g.tensors[op.outputs[0]!]!;
        const p = svdfParams(q(x), q(wf), q(wt), q(state), q(out));
        // The feature stage writes the state: clamped to its type (int16 for TFLite's int16 state).
        const s16 = state.dtype === 'int16';
        const fields = {
          input: x.id,
          output: out.id,
          state: state.id,
          weightsFeature: wf.id,
          weightsTime: wt.id,
          bias: op.inputs[3] ?? -1,
          params: { rank: op.attrs.rank, ...p, inputActivation: s16 ? { min: -32768, max: 32767 } : { min: -128, max: 127 }, outputActivation: { min: -128, max: 127 } },
          shape: { batches: x.shape[0]!, inputSize: wf.shape[1]!, features: wf.shape[0]!, timeSteps: wt.shape[1]! },
        };
        return s16 ? { kind: 'svdf_state_s16_s8' as const, ...fields } : { kind: 'svdf_s8' as const, ...fields };
      },
    },
  },
  steps: {
    svdf_s8: {
      requantizers,
      simulate,
      portable: PORTABLE,
      cmsisNn: {
        ...cmsisNn,
        // On the DSP path the portable folded SVDF (feature rows four at a time with SMLAD) runs in
        // fewer instructions than arm_svdf_s8; `npm run bench` measures each choice (its kernel-choices table).
        portableIsFaster: (_s, path) => path === 'dsp',
      },
    },
    svdf_state_s16_s8: {
      requantizers,
      simulate,
      portable: PORTABLE,
      cmsisNn,
    },
  },
  tflite: {
    SVDF: {
      inputs: [5, 5],
      optional: [3],
      import(c) {
        const t = (k: number) => (c.op.inputs[k] !== undefined && c.op.inputs[k]! >= 0 ? c.model.tensors[c.op.inputs[k]!]! : null);
        const act = c.options?.int(1, 0, 'u8') ?? 0;
        const stateType = t(4)?.type;
        // edgec's float IR has no SVDF (no float reference to calibrate with): float models are refused.
        if (t(0)?.type === 'float32') c.problem('a float SVDF is not supported (edgec compiles SVDF from int8 models only: quantize the model with the TFLite converter)');
        else if (t(0)?.type !== 'int8' || !(stateType === 'int8' || stateType === 'int16') || t(2)?.type !== stateType)
          c.problem('only int8 SVDF with int8 or int16 time weights and state (the same type) is supported');
        else if (!t(4)?.isVariable) c.problem('the SVDF state must be a variable tensor');
        else if (act !== 0 && act !== 1) c.problem(`SVDF activation code ${act} is not supported`);
        // TFLite Micro's integer SVDF clamps only to the int8 range (it does not apply the fused activation).
        else
          c.addOp({ kind: 'svdf', name: c.name, attrs: { rank: c.options?.int(0, 1) ?? 1 }, inputs: [c.inputs[0]!, c.inputs[1]!, c.inputs[2]!, c.inputs[3] ?? -1, c.inputs[4]!], outputs: c.outputs });
      },
    },
  },
  cases: [CASE],
};
