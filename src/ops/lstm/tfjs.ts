/**
 * The LSTM from TensorFlow.js: tfjs `LSTM` -> IR lstm (the integer LSTM TFLite defines), and the
 * float reference calibration runs.
 *
 *   tfjs LSTM { units, returnSequences, stateful, recurrentActivation 'sigmoid' }
 *     -> reshape [1, T, C] -> lstm (gates i, f, c, o; batch major) -> [1, T, H] | last step [1, H]
 *
 * tfjs's default recurrent activation is hardSigmoid, TFLite's integer LSTM (and CMSIS-NN's) computes
 * sigmoid: both are supported, the hard sigmoid exactly in integers (clamp(requant(x, 1.6) + 16384,
 * 0, 32767) on the gates' Q3.12) by the portable kernel only.
 */
import type { Graph } from '../../ir/graph.ts';
import type { FloatResult, OpOf, TfjsImporter } from '../contract.ts';
import { gateConstants, kernelOutput, normalizeActivation, recurrentUnsupported, sequenceInput, sequenceOutput, stateTensor } from '../shared/recurrent.ts';
import { newActivation } from '../shared/tfjs.ts';

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
const hardSigmoid = (v: number) => Math.max(0, Math.min(1, 0.2 * v + 0.5));

/**
 * Float LSTM over the sequence from zero state (calibration starts every window afresh); reports the
 * hidden and cell states it went through, so calibration sees the cell's range.
 */
export function lstmFloat(op: OpOf<'lstm'>, g: Graph, [x]: Float32Array[]): FloatResult {
  const T = (k: number) => g.tensors[op.inputs[k]!]!;
  const [d0, d1, inputSize] = T(0).shape as [number, number, number];
  const [batch, steps] = op.attrs.timeMajor ? [d1, d0] : [d0, d1];
  const H = T(1).shape[0]!;
  const w = (k: number) => T(k).data as Float32Array;
  const out = new Float32Array(batch * steps * H);
  const hiddenTrace = new Float32Array(batch * steps * H);
  const cellTrace = new Float32Array(batch * steps * H);
  const clip = op.attrs.cellClip;
  for (let b = 0; b < batch; b++) {
    let h = new Float32Array(H);
    const c = new Float32Array(H);
    for (let t = 0; t < steps; t++) {
      const at = op.attrs.timeMajor ? t * batch + b : b * steps + t;
      const xt = x!.subarray(at * inputSize, (at + 1) * inputSize);
      const gate = (k: number, f: (v: number) => number) => {
        const wi = w(1 + k);
        const wh = w(5 + k);
        const bias = op.inputs[9 + k]! >= 0 ? w(9 + k) : null;
        return Float32Array.from({ length: H }, (_, r) => {
          let acc = bias ? bias[r]! : 0;
          for (let i = 0; i < inputSize; i++) acc += wi[r * inputSize + i]! * xt[i]!;
          for (let j = 0; j < H; j++) acc += wh[r * H + j]! * h[j]!;
          return f(acc);
        });
      };
      const rec = op.attrs.recurrentActivation === 'hard_sigmoid' ? hardSigmoid : sigmoid;
      const [ig, fg, cg, og] = [gate(0, rec), gate(1, rec), gate(2, Math.tanh), gate(3, rec)];
      const next = new Float32Array(H);
      for (let r = 0; r < H; r++) {
        let cr = fg[r]! * c[r]! + ig[r]! * cg[r]!;
        if (clip > 0) cr = Math.max(-clip, Math.min(clip, cr));
        c[r] = cr;
        next[r] = og[r]! * Math.tanh(cr);
      }
      h = next;
      out.set(h, at * H);
      hiddenTrace.set(h, at * H);
      cellTrace.set(c, at * H);
    }
  }
  return { output: out, states: [hiddenTrace, cellTrace] };
}

const GATES = ['i', 'f', 'c', 'o'];

export const lstmTfjs: TfjsImporter = {
  unsupported: (config, rank) => recurrentUnsupported(config, rank, { recurrent: ['sigmoid', 'hardSigmoid'] }),
  convert(ctx) {
    const units = Number(ctx.config.units);
    const returnSequences = ctx.config.returnSequences === true;
    const seq = sequenceInput(ctx);
    const w = gateConstants(ctx, '', GATES, seq.features, units);
    const hidden = stateTensor(ctx, 'hidden_state', units);
    const cell = stateTensor(ctx, 'cell_state', units);
    const out = kernelOutput(ctx, seq.timeSteps, units, true);
    ctx.b.addOp({
      kind: 'lstm',
      name: ctx.name,
      attrs: {
        timeMajor: false,
        cellClip: 0,
        stateful: ctx.config.stateful === true,
        recurrentActivation: normalizeActivation(ctx.config.recurrentActivation ?? 'hardSigmoid') === 'sigmoid' ? 'sigmoid' : 'hard_sigmoid',
      },
      inputs: [seq.id, ...w.input, ...w.recurrent, ...w.bias, hidden, cell],
      outputs: [out],
    });
    if (returnSequences) return sequenceOutput(ctx, out, true);
    // The integer LSTM writes every step; the layer's output is the last one.
    const last = newActivation(ctx, '', [1, units]);
    ctx.b.addOp({ kind: 'strided_slice', name: `${ctx.name}/last_step`, attrs: { begin: [0, seq.timeSteps - 1, 0], stride: [1, 1, 1], size: [1, 1, units] }, inputs: [out], outputs: [last] });
    return last;
  },
};
