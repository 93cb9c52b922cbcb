/**
 * UNIDIRECTIONAL_SEQUENCE_LSTM with TFLite's integer arithmetic: int8 activations, int16 gates and
 * cell state, the hidden and cell state in variable tensors kept across invokes.
 *
 *   tflite UNIDIRECTIONAL_SEQUENCE_LSTM (no CIFG, peephole, projection or layer normalization; int8,
 *     16x8, or float32 from a float model, which edgec quantizes as it does tfjs's)
 *   tfjs LSTM (sigmoid gates, or tfjs's default hard sigmoid: portable kernel only; see tfjs.ts)
 *   -> IR lstm { timeMajor, cellClip }  (x, input weights i/f/c/o, recurrent weights, biases, hidden, cell)
 *   -> step lstm_s8 -> edgec_lstm_s8 | arm_lstm_unidirectional_s8 (same effective biases, from the compiler)
 *   int16 activations (16x8) -> step lstm_s16 (int64 effective biases) -> edgec_lstm_s16 | arm_lstm_unidirectional_s16
 */
import type { Graph, Op, QuantParams } from '../../ir/graph.ts';
import type { TfliteModel, TfliteOperator } from '../../formats/tflite-schema.ts';
import { effectiveBias, lstmS16, lstmS8, type LstmGate, type LstmParams } from '../../kernels/lstm.ts';
import { hardSigmoidSlope, lstmParams } from '../../arith/op-params.ts';
import type { OpFamily, SimEnv } from '../contract.ts';
import { requireBias, requireRank, requireShape, requireWeightQuant, size } from '../shared/rules.ts';
import { LSTM_CASES } from './cases.ts';
import { GATES, type LstmOps, type LstmGateStep, type LstmStep, type LstmS16Step, type LstmSteps } from './steps.ts';

export { GATES, type LstmOps, type LstmGateStep, type LstmStep, type LstmS16Step, type LstmSteps };
import { emitCmsis, emitPortable, PORTABLE_FILES, scratchBytes } from './emit.ts';
import { lstmFloat, lstmTfjs } from './tfjs.ts';
import { resetStates } from '../shared/recurrent.ts';
import { lstmOnnx } from './onnx.ts';

const q = (t: { name: string; quant?: QuantParams }): QuantParams => {
  if (!t.quant) throw new Error(`tensor '${t.name}' has no quantization`);
  return t.quant;
};

/** The kernel's parameters: it recomputes the effective biases from the weights, an independent check of the ones the C receives. */
function paramsOf(s: LstmStep | LstmS16Step, env: SimEnv): LstmParams {
  const gate = (k: LstmGateStep<ArrayLike<number>>): LstmGate => ({
    inputMultiplier: k.inputMultiplier,
    inputShift: k.inputShift,
    hiddenMultiplier: k.hiddenMultiplier,
    hiddenShift: k.hiddenShift,
    inputWeights: env.constant(k.inputWeights) as Int8Array,
    hiddenWeights: env.constant(k.hiddenWeights) as Int8Array,
    bias: env.constant(k.bias),
    activation: k.activation,
  });
  const g = s.gates;
  return { ...s, output: s.outputMul, gates: { input: gate(g.input), forget: gate(g.forget), cell: gate(g.cell), output: gate(g.output) } };
}

function state(s: LstmStep | LstmS16Step, env: SimEnv) {
  if (s.resetState) resetStates(env, [s.hiddenState, s.cellState]);
  return { hidden: env.state.get(s.hiddenState)!, cell: env.state.get(s.cellState) as Int16Array };
}

function lower(g: Graph, op: Op & { kind: 'lstm' }): LstmStep | LstmS16Step {
  const T = (k: number) => g.tensors[op.inputs[k]!]!;
  const x = T(0);
  const hidden = T(13);
  const cell = T(14);
  const p = lstmParams(
    q(x),
    [1, 2, 3, 4].map((k) => q(T(k))),
    [5, 6, 7, 8].map((k) => q(T(k))),
    q(hidden),
    q(cell),
    op.attrs.cellClip,
  );
  const [d0, d1, inputSize] = x.shape as [number, number, number];
  const hiddenSize = T(1).shape[0]!;
  // int16 activations (16x8): int64 effective biases, no wrap-around (TFLite's and CMSIS-NN's s16 LSTM).
  const s16 = x.dtype === 'int16';
  const hard = op.attrs.recurrentActivation === 'hard_sigmoid';
  const gate = (k: number): LstmGateStep<Int32Array | Float64Array> => {
    const wi = T(1 + k);
    const wh = T(5 + k);
    const b = T(9 + k);
    return {
      inputWeights: wi.id,
      hiddenWeights: wh.id,
      bias: b.id,
      inputMultiplier: p.gates[k]!.input.multiplier,
      inputShift: p.gates[k]!.input.shift,
      hiddenMultiplier: p.gates[k]!.hidden.multiplier,
      hiddenShift: p.gates[k]!.hidden.shift,
      inputEffectiveBias: (s16 ? Float64Array : Int32Array).from(effectiveBias(wi.data as Int8Array, inputSize, hiddenSize, p.inputOffset, b.data as ArrayLike<number>, !s16)),
      hiddenEffectiveBias: (s16 ? Float64Array : Int32Array).from(effectiveBias(wh.data as Int8Array, hiddenSize, hiddenSize, -p.outputOffset, null, !s16)),
      activation: GATES[k] === 'cell' ? 'tanh' : hard ? 'hard_sigmoid' : 'sigmoid',
    };
  };
  const step = {
    input: x.id,
    output: op.outputs[0]!,
    hiddenState: hidden.id,
    cellState: cell.id,
    timeMajor: op.attrs.timeMajor,
    ...(op.attrs.stateful === false ? { resetState: true as const } : {}),
    ...(hard ? { hardSigmoid: hardSigmoidSlope() } : {}),
    batchSize: op.attrs.timeMajor ? d1 : d0,
    timeSteps: op.attrs.timeMajor ? d0 : d1,
    inputSize,
    hiddenSize,
    inputOffset: p.inputOffset,
    outputOffset: p.outputOffset,
    forgetToCell: p.forgetToCell,
    inputToCell: p.inputToCell,
    outputMul: p.output,
    cellClip: p.cellClip,
    cellScalePower: p.cellScalePower,
    gates: { input: gate(0), forget: gate(1), cell: gate(2), output: gate(3) },
  };
  return s16 ? ({ ...step, kind: 'lstm_s16' } as LstmS16Step) : ({ ...step, kind: 'lstm_s8' } as LstmStep);
}

/** Why an UNIDIRECTIONAL_SEQUENCE_LSTM is outside the supported integer form, or null. */
function unsupported(m: TfliteModel, op: TfliteOperator): string | null {
  const t = (k: number) => (op.inputs[k] !== undefined && op.inputs[k]! >= 0 ? m.tensors[op.inputs[k]!]! : null);
  if (op.inputs.length !== 24) return `expected 24 inputs, found ${op.inputs.length}`;
  const int8 = t(0)?.type === 'int8' && t(18)?.type === 'int8';
  const int16 = t(0)?.type === 'int16' && t(18)?.type === 'int16';
  // A float LSTM (float32 input, states and weights) is the float IR op edgec quantizes, as from tfjs.
  const float = [0, 18, 19].every((k) => t(k)?.type === 'float32');
  if (!float && (!(int8 || int16) || t(19)?.type !== 'int16')) return 'only float32, or int8 or int16 input and hidden state with an int16 cell state, are supported (not hybrid)';
  for (let k = 1; k <= 8; k++) if (!t(k)) return 'a gate without weights (CIFG) is not supported';
  for (const k of [9, 10, 11]) if (t(k)) return 'peephole connections are not supported';
  for (const k of [16, 17]) if (t(k)) return 'a projection layer is not supported';
  for (const k of [20, 21, 22, 23]) if (t(k)) return 'layer normalization is not supported';
  if (!t(18)?.isVariable || !t(19)?.isVariable) return 'the hidden and cell state must be variable tensors';
  const act = op.options?.int(0, 0, 'u8') ?? 0;
  if (act !== 4) return `cell activation code ${act} is not supported (only tanh)`;
  const proj = op.options?.float(2, 0) ?? 0;
  if (proj !== 0) return 'projection clipping is not supported';
  return null;
}

export const lstm: OpFamily<LstmOps, LstmSteps> = {
  name: 'lstm',
  ops: {
    lstm: {
      rule: {
        inputs: [15, 15],
        outputs: 1,
        constant: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
        state: [13, 14],
        signatures: [
          new Array<'float32'>(16).fill('float32'),
          ['int8', 'int8', 'int8', 'int8', 'int8', 'int8', 'int8', 'int8', 'int8', 'int32', 'int32', 'int32', 'int32', 'int8', 'int16', 'int8'],
          ['int16', 'int8', 'int8', 'int8', 'int8', 'int8', 'int8', 'int8', 'int8', 'int32', 'int32', 'int32', 'int32', 'int16', 'int16', 'int16'],
          // 16x8 .tflite files: int64 biases.
          ['int16', 'int8', 'int8', 'int8', 'int8', 'int8', 'int8', 'int8', 'int8', 'int64', 'int64', 'int64', 'int64', 'int16', 'int16', 'int16'],
        ],
        check(c) {
          const op = c.op as Op & { kind: 'lstm' };
          const x = c.input(0)!;
          const y = c.output(0);
          if (!requireRank(c, x, [3], 'the input')) return 0;
          const [d0, d1, inputSize] = x.shape as [number, number, number];
          const [batch, time] = op.attrs.timeMajor ? [d1, d0] : [d0, d1];
          const hidden = c.input(1)!.shape[0]!;
          for (let k = 1; k <= 4; k++) requireShape(c, c.input(k)!, [hidden, inputSize]);
          for (let k = 5; k <= 8; k++) requireShape(c, c.input(k)!, [hidden, hidden]);
          for (let k = 9; k <= 12; k++) requireBias(c, c.input(k), hidden);
          for (let k = 1; k <= 8; k++) requireWeightQuant(c, c.input(k)!, hidden, 0, false);
          for (const k of [13, 14]) if (size(c.input(k)!) !== batch * hidden) c.fail(`state holds ${size(c.input(k)!)} values, the layer needs ${batch} x ${hidden}`, c.input(k), 'E-GRAPH-SHAPE');
          requireShape(c, y, op.attrs.timeMajor ? [time, batch, hidden] : [batch, time, hidden]);
          const clip = op.attrs.cellClip;
          if (typeof clip !== 'number' || !Number.isFinite(clip) || clip < 0) c.fail(`cell clip ${clip} must be finite and non-negative`);
          // TFLite's integer LSTM keeps the cell state in Q(-power) with power <= -9... a power of two it checks.
          const cell = c.input(14)!.quant;
          if (cell) {
            const log2 = Math.log2(Math.fround(cell.scale[0]!));
            if (Math.abs(log2 - Math.round(log2)) > 1e-3 || Math.round(log2) > -9 || Math.round(log2) < -30) {
              c.fail(`cell state scale ${cell.scale[0]} must be a power of two between 2^-30 and 2^-9 (TFLite's integer LSTM)`, c.input(14), 'E-GRAPH-QUANT');
            }
          }
          return batch * time * 4 * hidden * (inputSize + hidden);
        },
      },
      // Float graphs (tfjs): one scale per matrix, biases at input x input-weight scale; the hidden
      // state (|h| < 1) in tanh's 1/128, the cell in the power-of-two int16 scale TFLite requires.
      quant: {
        output: { scale: 1 / 128, zeroPoint: 0 },
        weights: [1, 2, 3, 4, 5, 6, 7, 8].map((slot) => ({ slot, axis: 'tensor' as const })),
        bias: [9, 10, 11, 12].map((slot) => ({ slot, weightSlot: slot - 8 })),
        states: [
          { slot: 13, as: 'output' },
          { slot: 14, as: 'int16-pow2' },
        ],
      },
      float: lstmFloat,
      lower,
    },
  },
  steps: {
    lstm_s8: {
      requantizers: (s) => [
        ...Object.entries(s.gates).flatMap(([gate, g]) => [
          { name: `${gate} gate input product`, multiplier: g.inputMultiplier, shift: g.inputShift },
          { name: `${gate} gate recurrent product`, multiplier: g.hiddenMultiplier, shift: g.hiddenShift },
        ]),
        { name: 'forget gate to cell', ...s.forgetToCell },
        { name: 'input gate to cell', ...s.inputToCell },
        { name: 'output', ...s.outputMul },
        // TFLite's integer LSTM keeps the cell state in Q(-power) with power in [-30, -9].
        { name: 'cell scale power', multiplier: 0, shift: s.cellScalePower, shiftRange: [-30, -9] },
        ...(s.hardSigmoid ? [{ name: 'hard sigmoid slope', ...s.hardSigmoid }] : []),
      ],
      simulate: (s, env) => lstmS8(paramsOf(s, env), env.read(s.input) as Int8Array, state(s, env)),
      portable: { header: 'edgec_lstm.h', files: PORTABLE_FILES, scratch: scratchBytes, emit: emitPortable },
      cmsisNn: {
        // On the DSP path the portable edgec_lstm_s8 (four weight rows by eight columns per pass, SMLAD)
        // executes fewer instructions than arm_lstm_unidirectional_s8 with the same bytes (`npm run bench` measures each choice (its kernel-choices table)); elsewhere
        // (MVE, plain C) CMSIS-NN's runs. Both take the compiler's effective biases.
        portableIsFaster: (_s, path) => path === 'dsp',
        // CMSIS-NN's LSTM computes sigmoid gates only.
        supports: (s) => !s.hardSigmoid,
        scratch: scratchBytes,
        emit: emitCmsis,
      },
    },
    lstm_s16: {
      simulate: (s, env) => lstmS16(paramsOf(s, env), env.read(s.input) as Int16Array, state(s, env)),
      portable: { header: 'edgec_lstm.h', files: PORTABLE_FILES, scratch: scratchBytes, emit: emitPortable },
      cmsisNn: { supports: (s) => !s.hardSigmoid, scratch: scratchBytes, emit: emitCmsis },
    },
  },
  tfjs: { LSTM: lstmTfjs },
  onnx: { LSTM: lstmOnnx },
  tflite: {
    UNIDIRECTIONAL_SEQUENCE_LSTM: {
      inputs: [24, 24],
      optional: [1, 5, 9, 10, 11, 12, 16, 17, 20, 21, 22, 23],
      import(c) {
        const why = unsupported(c.model, c.op);
        if (why) return c.problem(why);
        // x, input weights (i, f, c, o), recurrent weights (i, f, c, o), biases (i, f, c, o), hidden and cell state.
        const order = [0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 13, 14, 15, 18, 19];
        c.addOp({
          kind: 'lstm',
          name: c.name,
          attrs: { timeMajor: (c.options?.int(3, 0, 'u8') ?? 0) !== 0, cellClip: c.options?.float(1, 0) ?? 0 },
          inputs: order.map((k) => c.inputs[k]!),
          outputs: c.outputs,
        });
      },
    },
  },
  cases: LSTM_CASES,
};
