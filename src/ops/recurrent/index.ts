/**
 * GRU and SimpleRNN with integer arithmetic derived the way TFLite derives its integer LSTM (int8
 * input and hidden state, int8 weights one scale per matrix, int16 gates; see
 * src/kernels/recurrent.ts and docs/recurrent-arithmetic.md). TFLite has no GRU operator: these
 * layers come from TensorFlow.js.
 *
 *   tfjs GRU (sigmoid or hardSigmoid gates; Keras's resetAfter), SimpleRNN (tanh); ONNX GRU (both
 *        linear_before_reset); Bidirectional around them and the
 *        LSTM (bidirectional.ts: a reversed copy of the sequence, two layers, a concatenation)
 *   -> reshape [1, T, C] -> IR gru | simple_rnn { returnSequences, stateful }
 *   -> step gru_s8 | simple_rnn_s8 -> edgec_gru_s8 | edgec_simple_rnn_s8 (portable on every target)
 *   int16 activations (16x8) -> gru_s16 | simple_rnn_s16 -> edgec_gru_s16 | edgec_simple_rnn_s16
 *
 * The hidden state is a variable tensor quantized as the output (tanh's 1/128, zero point 0: |h| < 1).
 */
import { effectiveScale, quantizeMultiplier } from '../../arith/fixedpoint.ts';
import { hardSigmoidSlope } from '../../arith/op-params.ts';
import type { Graph, Op, QuantParams, Tensor } from '../../ir/graph.ts';
import { sigmoidTableU16 } from '../../kernels/activations_s16.ts';
import { effectiveBias } from '../../kernels/lstm.ts';
import { gru, simpleRnn, type RecurrentGate } from '../../kernels/recurrent.ts';
import type { EmitContext, OpFamily, OpOf, OpRule, QuantRule, Requantizer, RuleContext, SimEnv, StepDef } from '../contract.ts';
import { as } from '../shared/emit.ts';
import { resetStateLines, resetStates } from '../shared/recurrent.ts';
import { requireBias, requireRank, requireSameQuant, requireShape, requireWeightQuant, size } from '../shared/rules.ts';
import { gruFloat, simpleRnnFloat } from './float.ts';
import type { GruStep, RecurrentGateStep, RecurrentOps, RecurrentSteps, SimpleRnnStep } from './steps.ts';
import { recurrentTfjsImporters } from './tfjs.ts';
import { bidirectional } from './bidirectional.ts';
import { gruOnnx } from './onnx.ts';

export type { RecurrentOps, RecurrentSteps, GruStep, SimpleRnnStep };

const F = 'float32';
const GATE_INPUT = 2 ** -12;

const q = (t: Tensor): QuantParams => {
  if (!t.quant) throw new Error(`tensor '${t.name}' has no quantization`);
  return t.quant;
};

/**
 * Shapes and quantization of a layer with `gates` gates (slots: x, W x gates, U x gates, b x gates, h,
 * then with `recurrentBias` the GRU candidate's recurrent bias, present exactly when it resets after
 * the recurrent product).
 */
function rule(gates: number, recurrentBias = false): OpRule {
  const n = 2 + 3 * gates;
  const signatures = (extra: 0 | 1) => [
    new Array<'float32'>(n + 1 + extra).fill(F),
    ['int8', ...new Array<'int8'>(2 * gates).fill('int8'), ...new Array<'int32'>(gates).fill('int32'), 'int8', ...new Array<'int32'>(extra).fill('int32'), 'int8'] as const,
    ['int16', ...new Array<'int8'>(2 * gates).fill('int8'), ...new Array<'int32'>(gates).fill('int32'), 'int16', ...new Array<'int32'>(extra).fill('int32'), 'int16'] as const,
  ];
  return {
    inputs: [n, recurrentBias ? n + 1 : n],
    outputs: 1,
    constant: Array.from({ length: 3 * gates }, (_, k) => 1 + k).concat(recurrentBias ? [n] : []),
    state: [n - 1],
    signatures: recurrentBias ? [...signatures(0), ...signatures(1)] : signatures(0),
    check(c: RuleContext) {
      const op = c.op as Op & { kind: 'gru' | 'simple_rnn' };
      if (recurrentBias) {
        const resetAfter = (op as OpOf<'gru'>).attrs.resetAfter === true;
        if (resetAfter !== (c.op.inputs.length === n + 1))
          c.fail(
            resetAfter ? 'a GRU resetting after the recurrent product needs its candidate recurrent bias (input 11)' : 'input 11 (a candidate recurrent bias) is only read by a GRU with resetAfter',
            undefined,
            'E-GRAPH-SHAPE',
          );
      }
      const x = c.input(0)!;
      if (!requireRank(c, x, [3], 'the input')) return 0;
      const [batch, time, inputSize] = x.shape as [number, number, number];
      if (batch !== 1) c.fail(`batch ${batch}: the recurrent kernels run one sequence (batch 1)`, x, 'E-GRAPH-SHAPE');
      const hidden = c.input(1)!.shape[0]!;
      for (let k = 0; k < gates; k++) {
        requireShape(c, c.input(1 + k)!, [hidden, inputSize]);
        requireShape(c, c.input(1 + gates + k)!, [hidden, hidden]);
        requireBias(c, c.input(1 + 2 * gates + k), hidden);
        requireWeightQuant(c, c.input(1 + k)!, hidden, 0, false);
        requireWeightQuant(c, c.input(1 + gates + k)!, hidden, 0, false);
      }
      if (c.input(n)) requireBias(c, c.input(n), hidden);
      const h = c.input(n - 1)!;
      if (size(h) !== hidden) c.fail(`state holds ${size(h)} values, the layer needs ${hidden}`, h, 'E-GRAPH-SHAPE');
      const y = c.output(0);
      requireShape(c, y, op.attrs.returnSequences ? [1, time, hidden] : [1, hidden]);
      if (h.quant && y.quant) requireSameQuant(c, h, y);
      return time * gates * hidden * (inputSize + hidden);
    },
  };
}

function quantRule(gates: number, recurrentBias = false): QuantRule {
  const n = 2 + 3 * gates;
  // The candidate's recurrent bias is added to U_h h: at the hidden state's scale times U_h's.
  const candidateRecurrent = recurrentBias ? [{ slot: n, weightSlot: 2 * gates, activationSlot: n - 1 }] : [];
  return {
    output: { scale: 1 / 128, zeroPoint: 0 },
    weights: Array.from({ length: 2 * gates }, (_, k) => ({ slot: 1 + k, axis: 'tensor' as const })),
    bias: [...Array.from({ length: gates }, (_, k) => ({ slot: 1 + 2 * gates + k, weightSlot: 1 + k })), ...candidateRecurrent],
    states: [{ slot: 1 + 3 * gates, as: 'output' }],
  };
}

/**
 * Gate k's constants: multipliers to Q3.12 and effective biases. `centred`: its recurrent operand is
 * already zero-centred (the GRU candidate's r o h); `recurrentBias`: the input slot of a bias added to
 * the recurrent product (the GRU candidate's reset after it).
 */
function gateStep(g: Graph, op: Op, gates: number, k: number, centred: boolean, recurrentBias?: number): RecurrentGateStep {
  const T = (slot: number) => g.tensors[op.inputs[slot]!]!;
  const x = T(0);
  const h = T(1 + 3 * gates);
  const [w, u, b] = [T(1 + k), T(1 + gates + k), T(1 + 2 * gates + k)];
  const [I, H] = [x.shape[2]!, w.shape[0]!];
  const hb = recurrentBias === undefined ? null : (T(recurrentBias).data as Int32Array);
  return {
    inputWeights: w.id,
    hiddenWeights: u.id,
    inputEffectiveBias: Int32Array.from(effectiveBias(w.data as Int8Array, I, H, -q(x).zeroPoint[0]!, b.data as Int32Array, true)),
    hiddenEffectiveBias: centred ? new Int32Array(H) : Int32Array.from(effectiveBias(u.data as Int8Array, H, H, -q(h).zeroPoint[0]!, hb, true)),
    input: quantizeMultiplier(effectiveScale(q(x).scale[0]!, q(w).scale[0]!, GATE_INPUT)),
    hidden: quantizeMultiplier(effectiveScale(q(h).scale[0]!, q(u).scale[0]!, GATE_INPUT)),
  };
}

function sequenceStep(g: Graph, op: Op & { kind: 'gru' | 'simple_rnn' }, gates: number) {
  const x = g.tensors[op.inputs[0]!]!;
  const h = g.tensors[op.inputs[1 + 3 * gates]!]!;
  return {
    input: x.id,
    output: op.outputs[0]!,
    hiddenState: h.id,
    resetState: !op.attrs.stateful,
    timeSteps: x.shape[1]!,
    inputSize: x.shape[2]!,
    hiddenSize: g.tensors[op.inputs[1]!]!.shape[0]!,
    hiddenOffset: q(h).zeroPoint[0]!,
    returnSequences: op.attrs.returnSequences,
  };
}

function gateParams(s: RecurrentGateStep, env: SimEnv): RecurrentGate {
  return {
    inputWeights: env.constant(s.inputWeights) as Int8Array,
    hiddenWeights: env.constant(s.hiddenWeights) as Int8Array,
    inputBias: s.inputEffectiveBias,
    hiddenBias: s.hiddenEffectiveBias,
    input: s.input,
    hidden: s.hidden,
  };
}

function hiddenOf(s: GruStep | SimpleRnnStep, env: SimEnv): Int8Array | Int16Array {
  if (s.resetState) resetStates(env, [s.hiddenState]);
  return env.state.get(s.hiddenState)!;
}

const gateRequantizers = (name: string, g: RecurrentGateStep): Requantizer[] => [
  { name: `${name} gate input product`, ...g.input },
  { name: `${name} gate recurrent product`, ...g.hidden },
];

/** `{ .input_weights = ..., ... }` of one gate. */
function gateInit(ctx: EmitContext, name: string, g: RecurrentGateStep, layer: string): string {
  const ib = ctx.constArray(`${name}_input_bias`, 'int32_t', g.inputEffectiveBias, layer);
  const hb = ctx.constArray(`${name}_hidden_bias`, 'int32_t', g.hiddenEffectiveBias, layer);
  return `{ .input_weights = ${ctx.tensor(g.inputWeights, layer)}, .input_effective_bias = ${ib}, .input_multiplier = ${g.input.multiplier}, .input_shift = ${g.input.shift}, .hidden_weights = ${ctx.tensor(g.hiddenWeights, layer)}, .hidden_effective_bias = ${hb}, .hidden_multiplier = ${g.hidden.multiplier}, .hidden_shift = ${g.hidden.shift} }`;
}

const shapeInit = (s: GruStep | SimpleRnnStep) =>
  `.time_steps = ${s.timeSteps}, .input_size = ${s.inputSize}, .hidden_size = ${s.hiddenSize}, .hidden_offset = ${s.hiddenOffset}, .return_sequences = ${s.returnSequences ? 1 : 0}`;

function callLines(s: (GruStep | SimpleRnnStep) & { op: { name: string } }, ctx: EmitContext, fn: string, params: string): string[] {
  const n = s.op.name;
  const resets = s.resetState ? resetStateLines(ctx, [s.hiddenState], n) : [];
  // The int16 variants take int16_t pointers (a model's arena and state are bytes).
  const ptr = (id: number) => (isS16(s) ? as('int16_t', ctx.tensor(id, n)) : ctx.tensor(id, n));
  return [...resets, `status = ${fn}(${ptr(s.input)}, ${ptr(s.output)}, ${ptr(s.hiddenState)}, &${params}, ${ctx.scratch().ptr});`];
}

const FILES = ['edgec_recurrent.h', 'edgec_recurrent.c', 'edgec_dot_s8.h', 'edgec_dot_s8.c', 'edgec_activations_s16.h', 'edgec_activations_s16.c'];

const isS16 = (s: { kind: string }) => s.kind.endsWith('_s16');

function gruStep(): StepDef<GruStep> {
  return {
    requantizers: (s) => [
      ...gateRequantizers('update', s.gates.update),
      ...gateRequantizers('reset', s.gates.reset),
      ...gateRequantizers('candidate', s.gates.candidate),
      { name: 'hard sigmoid slope', ...s.hardSigmoid },
      { name: 'gate product', ...s.gateProduct },
      { name: 'blend', ...s.blend },
    ],
    simulate(s, env) {
      const g = s.gates;
      const p = { ...s, s16: isS16(s), update: gateParams(g.update, env), reset: gateParams(g.reset, env), candidate: gateParams(g.candidate, env) };
      return gru(p, env.read(s.input) as Int8Array | Int16Array, hiddenOf(s, env));
    },
    portable: {
      header: 'edgec_recurrent.h',
      files: FILES,
      scratch: (s) => 8 * s.hiddenSize,
      emit(s, ctx) {
        const n = s.op.name;
        const table = ctx.sharedConstArray('sigmoid_table', 'uint16_t', sigmoidTableU16());
        // Only a GRU resetting after the product names the field (others' params keep their bytes).
        const resetAfter = s.resetAfter ? ', .reset_after = 1' : '';
        const init = `{ ${shapeInit(s)}${resetAfter}, .hard_sigmoid = ${s.gateActivation === 'hard_sigmoid' ? 1 : 0}, .hard_sigmoid_multiplier = ${s.hardSigmoid.multiplier}, .hard_sigmoid_shift = ${s.hardSigmoid.shift}, .gate_product_multiplier = ${s.gateProduct.multiplier}, .gate_product_shift = ${s.gateProduct.shift}, .blend_multiplier = ${s.blend.multiplier}, .blend_shift = ${s.blend.shift}, .update_gate = ${gateInit(ctx, 'update', s.gates.update, n)}, .reset_gate = ${gateInit(ctx, 'reset', s.gates.reset, n)}, .candidate_gate = ${gateInit(ctx, 'candidate', s.gates.candidate, n)}, .sigmoid_table = ${table} }`;
        const fn = `edgec_${s.kind}`;
        return { kernel: fn, lines: callLines(s, ctx, fn, ctx.constStruct('params', 'edgec_gru_params', init, n)) };
      },
    },
  };
}

function simpleRnnStep(): StepDef<SimpleRnnStep> {
  return {
    requantizers: (s) => [...gateRequantizers('rnn', s.gate), { name: 'output', ...s.outputMul }],
    simulate: (s, env) => simpleRnn({ ...s, s16: isS16(s), gate: gateParams(s.gate, env), output: s.outputMul }, env.read(s.input) as Int8Array | Int16Array, hiddenOf(s, env)),
    portable: {
      header: 'edgec_recurrent.h',
      files: FILES,
      scratch: (s) => 2 * s.hiddenSize,
      emit(s, ctx) {
        const n = s.op.name;
        const table = ctx.sharedConstArray('sigmoid_table', 'uint16_t', sigmoidTableU16());
        const init = `{ ${shapeInit(s)}, .output_multiplier = ${s.outputMul.multiplier}, .output_shift = ${s.outputMul.shift}, .gate = ${gateInit(ctx, 'rnn', s.gate, n)}, .sigmoid_table = ${table} }`;
        const fn = `edgec_${s.kind}`;
        return { kernel: fn, lines: callLines(s, ctx, fn, ctx.constStruct('params', 'edgec_simple_rnn_params', init, n)) };
      },
    },
  };
}

export const recurrent: OpFamily<RecurrentOps, RecurrentSteps> = {
  name: 'recurrent',
  ops: {
    gru: {
      rule: rule(3, true),
      quant: quantRule(3, true),
      float: gruFloat,
      lower(g, op): GruStep {
        const h = q(g.tensors[op.inputs[10]!]!);
        const resetAfter = op.attrs.resetAfter === true;
        return {
          kind: g.tensors[op.inputs[0]!]!.dtype === 'int16' ? 'gru_s16' : 'gru_s8',
          ...sequenceStep(g, op, 3),
          gateActivation: op.attrs.recurrentActivation,
          ...(resetAfter ? { resetAfter } : {}),
          hardSigmoid: hardSigmoidSlope(),
          gateProduct: quantizeMultiplier(2 ** -15),
          blend: quantizeMultiplier(2 ** -30 / Math.fround(h.scale[0]!)),
          gates: { update: gateStep(g, op, 3, 0, false), reset: gateStep(g, op, 3, 1, false), candidate: resetAfter ? gateStep(g, op, 3, 2, false, 11) : gateStep(g, op, 3, 2, true) },
        };
      },
    },
    simple_rnn: {
      rule: rule(1),
      quant: quantRule(1),
      float: simpleRnnFloat,
      lower(g, op): SimpleRnnStep {
        const h = q(g.tensors[op.inputs[4]!]!);
        return {
          kind: g.tensors[op.inputs[0]!]!.dtype === 'int16' ? 'simple_rnn_s16' : 'simple_rnn_s8',
          ...sequenceStep(g, op, 1),
          outputMul: quantizeMultiplier(2 ** -15 / Math.fround(h.scale[0]!)),
          gate: gateStep(g, op, 1, 0, false),
        };
      },
    },
  },
  steps: { gru_s8: gruStep(), gru_s16: gruStep(), simple_rnn_s8: simpleRnnStep(), simple_rnn_s16: simpleRnnStep() },
  tfjs: { ...recurrentTfjsImporters, Bidirectional: bidirectional },
  onnx: { GRU: gruOnnx },
};
