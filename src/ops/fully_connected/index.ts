/**
 * FULLY_CONNECTED: y[b][o] = act(requant(sum_i (x[b][i] - zp_in) * w[o][i] + bias[o]) + zp_out).
 *
 *   tflite FULLY_CONNECTED   tfjs Dense (kernel [C_IN, C_OUT] transposed to the IR's [C_OUT, C_IN])
 *   -> IR fully_connected { activation }  (inputs x, weights [C_OUT, C_IN], bias?)
 *   -> step fully_connected_s8 -> edgec_fully_connected_s8_folded (kernel sums in flash; generated code)
 *                              |  edgec_fully_connected_s8 (interchangeable, CMSIS-NN's arguments)
 *                              |  arm_fully_connected_s8 / _per_channel_s8 (MVE kernel sums in flash)
 *   int16 activations ("16x8", int32 bias) -> step fully_connected_s16 -> edgec_fully_connected_s16 | arm_fully_connected_s16
 * Conformance only: fully_connected_s4 (packed int4 weights).
 *
 * Weights are quantized per tensor unless per-channel dense weights are asked for; bias int32.
 */
import type { Activation } from '../../ir/graph.ts';
import { fullyConnectedS16 } from '../../kernels/conv_s16.ts';
import { fullyConnectedS8 } from '../../kernels/fully_connected.ts';
import { activationRange, channelMultipliers } from '../../arith/op-params.ts';
import type { OpFamily, QuantParams, SimEnv, TfjsLayerContext } from '../contract.ts';
import { requireActivation, requireBias, requireRank, requireWeightQuant, shapeText, size } from '../shared/rules.ts';
import { addConst, appendActivation, fused, FUSABLE, newActivation } from '../shared/tfjs.ts';
import { FULLY_CONNECTED_CASES } from './cases.ts';
import { fullyConnectedOnnxImporters } from './onnx.ts';
import type { FullyConnectedOps, FullyConnectedStep, FullyConnectedS4Step, FullyConnectedS16Step, FullyConnectedSteps } from './steps.ts';

export type { FullyConnectedOps, FullyConnectedStep, FullyConnectedS4Step, FullyConnectedS16Step, FullyConnectedSteps };
import { emitCmsisS16, emitCmsisS4, emitCmsisS8, emitPortableS16, emitPortableS4, emitPortableS8, PORTABLE_FILES, PORTABLE_S16_FILES } from './emit.ts';

const F = 'float32';

const q = (t: { name: string; quant?: QuantParams }): QuantParams => {
  if (!t.quant) throw new Error(`tensor '${t.name}' has no quantization`);
  return t.quant;
};

function act(v: number, a: Activation): number {
  if (a === 'relu') return v < 0 ? 0 : v;
  if (a === 'relu6') return v < 0 ? 0 : v > 6 ? 6 : v;
  return v;
}

function simulateS8(s: FullyConnectedStep | FullyConnectedS4Step, env: SimEnv): Int8Array {
  const w = env.constant(s.weights) as Int8Array;
  return fullyConnectedS8(s, s, s.perChannel, s.batches, s.accumDepth, s.outputDepth, env.read(s.input) as Int8Array, w, env.constant(s.bias) as Int32Array | null);
}

export const fullyConnected: OpFamily<FullyConnectedOps, FullyConnectedSteps> = {
  name: 'fully_connected',
  ops: {
    fully_connected: {
      rule: {
        inputs: [2, 3],
        outputs: 1,
        optional: [2],
        constant: [1, 2],
        signatures: [
          [F, F, F, F],
          ['int8', 'int8', 'int32', 'int8'],
          ['int16', 'int8', 'int32', 'int16'],
          ['int16', 'int8', 'int64', 'int16'],
        ],
        check(c) {
          const x = c.input(0)!;
          const w = c.input(1)!;
          const y = c.output(0);
          requireActivation(c, (c.op as { attrs: FullyConnectedOps['fully_connected'] }).attrs.activation);
          if (!requireRank(c, w, [2], 'the weights')) return 0;
          const [units, depth] = w.shape as [number, number];
          const batches = size(x) / depth;
          if (!Number.isInteger(batches)) {
            c.fail(`the input's ${size(x)} values are not whole rows of the weights' ${depth}`, x, 'E-GRAPH-SHAPE');
            return 0;
          }
          if (size(y) !== batches * units || y.shape[y.shape.length - 1] !== units) c.fail(`output ${shapeText(y.shape)} is not ${batches} row(s) of ${units}`, y, 'E-GRAPH-SHAPE');
          requireWeightQuant(c, w, units, 0);
          requireBias(c, c.input(2), units);
          return batches * units * depth;
        },
      },
      quant: { output: 'calibrated', weights: { slot: 1, axis: 'dense' }, bias: { slot: 2 } },
      float(op, g, [x]) {
        const w = g.tensors[op.inputs[1]!]!;
        const wd = w.data as Float32Array;
        const bias = op.inputs[2] !== undefined && op.inputs[2] >= 0 ? (g.tensors[op.inputs[2]]!.data as Float32Array) : null;
        const [outC, inC] = [w.shape[0]!, w.shape[1]!];
        const batches = x!.length / inC;
        const out = new Float32Array(batches * outC);
        for (let b = 0; b < batches; b++)
          for (let c = 0; c < outC; c++) {
            let acc = bias ? bias[c]! : 0;
            for (let d = 0; d < inC; d++) acc += x![b * inC + d]! * wd[c * inC + d]!;
            out[b * outC + c] = act(acc, op.attrs.activation);
          }
        return out;
      },
      lower(g, op) {
        const x = g.tensors[op.inputs[0]!]!;
        const w = g.tensors[op.inputs[1]!]!;
        const out = g.tensors[op.outputs[0]!]!;
        const perChannel = q(w).scale.length > 1;
        const { multiplier, shift } = channelMultipliers(q(x), q(w), q(out), perChannel ? w.shape[0]! : 1);
        const accumDepth = w.shape[1]!;
        const int16 = x.dtype === 'int16';
        const step: FullyConnectedStep = {
          kind: 'fully_connected_s8',
          input: x.id,
          output: out.id,
          weights: w.id,
          bias: op.inputs[2] ?? -1,
          batches: x.shape.reduce((a, b) => a * b, 1) / accumDepth,
          accumDepth,
          outputDepth: w.shape[0]!,
          inputOffset: -q(x).zeroPoint[0]!,
          filterOffset: 0,
          outputOffset: q(out).zeroPoint[0]!,
          activation: activationRange(op.attrs.activation, q(out), int16 ? 'int16' : 'int8'),
          multiplier,
          shift,
          perChannel,
        };
        // 16x8: an int32 bias (or none) takes the ordinary 32-bit requantization, an int64 one the 64-bit one.
        const biasIs32 = (op.inputs[2] ?? -1) < 0 || g.tensors[op.inputs[2]!]!.dtype !== 'int64';
        return int16 ? { ...step, kind: 'fully_connected_s16', biasIs32 } : step;
      },
    },
  },
  steps: {
    fully_connected_s8: {
      requantizers: (s) => Array.from(s.multiplier, (m, c) => ({ name: `channel ${c} requantization`, multiplier: m, shift: s.shift[c]! })),
      simulate: simulateS8,
      portable: { header: 'edgec_fully_connected.h', files: PORTABLE_FILES, emit: emitPortableS8 },
      cmsisNn: {
        // On the DSP path the portable folded kernel (kernel sums in flash, four rows per pass with SMLAD)
        // runs in fewer instructions than arm_fully_connected_s8 (`npm run bench` measures each choice (its kernel-choices table)).
        // It needs symmetric weights (filter offset 0), as TFLite's int8 spec has.
        portableIsFaster: (s, path) => path === 'dsp' && s.filterOffset === 0,
        // MVE's kernel sums are constants: they go to flash, not to the arena.
        scratch: () => 0,
        emit: emitCmsisS8,
      },
    },
    fully_connected_s4: {
      simulate: simulateS8,
      portable: { header: 'edgec_fully_connected.h', files: PORTABLE_FILES, emit: emitPortableS4 },
      cmsisNn: { scratch: () => 0, emit: emitCmsisS4 },
      conformanceOnly: true,
    },
    fully_connected_s16: {
      simulate(s, env) {
        const bias = { data: env.constant(s.bias), is32: s.biasIs32 };
        return fullyConnectedS16(s, s, s.perChannel, s.batches, s.accumDepth, s.outputDepth, env.read(s.input) as Int16Array, env.constant(s.weights) as Int8Array, bias);
      },
      portable: { header: 'edgec_conv_s16.h', files: PORTABLE_S16_FILES, emit: emitPortableS16 },
      // arm_fully_connected_s16 takes one scale and an int64 bias; 16x8 models' int32 biases run portable.
      cmsisNn: { supports: (s) => !s.perChannel && !s.biasIs32, scratch: () => 0, emit: emitCmsisS16 },
    },
  },
  tflite: {
    FULLY_CONNECTED: {
      inputs: [2, 3],
      optional: [2],
      import(c) {
        if ((c.options?.int(1, 0, 'u8') ?? 0) !== 0) c.problem('shuffled fully-connected weights are not supported');
        c.addOp({ kind: 'fully_connected', name: c.name, attrs: { activation: c.activation(0) }, inputs: [c.inputs[0]!, c.inputs[1]!, c.inputs[2] ?? -1], outputs: c.outputs });
      },
    },
  },
  tfjs: {
    Dense: { convert: dense },
  },
  onnx: fullyConnectedOnnxImporters,
  cases: FULLY_CONNECTED_CASES,
};

/** tfjs Dense: kernel [C_IN, C_OUT] -> IR weights [C_OUT, C_IN]; sigmoid/tanh/softmax become their own op. */
function dense(ctx: TfjsLayerContext): number {
  const { config, b } = ctx;
  const [inC, outC] = ctx.weightShapes[0]!;
  const w = new Float32Array(inC! * outC!);
  const k = ctx.weights[0]!;
  for (let i = 0; i < inC!; i++) for (let o = 0; o < outC!; o++) w[o * inC! + i] = k[i * outC! + o]!;
  const wt = addConst(ctx, 'kernel', [outC!, inC!], w);
  const bias = config.useBias !== false ? addConst(ctx, 'bias', [outC!], ctx.weights[1]!) : -1;
  const activation = String(config.activation ?? 'linear');
  const out = newActivation(ctx, activation in FUSABLE ? '' : 'pre_activation', ctx.outShape);
  b.addOp({ kind: 'fully_connected', name: ctx.name, attrs: { activation: fused(activation) }, inputs: [ctx.inputs[0]!, wt, bias], outputs: [out] });
  return appendActivation(ctx, out, activation);
}
