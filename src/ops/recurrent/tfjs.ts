/**
 * tfjs GRU and SimpleRNN -> IR gru / simple_rnn on the [1, T, C] sequence. tfjs's GRU resets before
 * the recurrent product (its GRUCell refuses resetAfter) and defaults to the hard sigmoid; both gate
 * functions are computed exactly in integers (src/kernels/recurrent.ts). A Keras model.json's GRU with
 * reset_after loads as GRUResetAfter (src/import/tfjs-keras-layers.ts, Keras's default sigmoid gates):
 * bias [2, 3 * units] = input biases, recurrent biases (z, r, h) -> gru { resetAfter }, the z and r
 * biases summed, the candidate's recurrent bias its input 11.
 */
import type { TfjsImporter, TfjsLayerContext } from '../contract.ts';
import { gateConstants, gateMatrix, kernelOutput, normalizeActivation, recurrentUnsupported, sequenceInput, sequenceOutput, stateTensor } from '../shared/recurrent.ts';
import { addConst } from '../shared/tfjs.ts';

function convert(ctx: TfjsLayerContext, gru: boolean): number {
  const units = Number(ctx.config.units);
  const returnSequences = ctx.config.returnSequences === true;
  const seq = sequenceInput(ctx);
  const w = gateConstants(ctx, '', gru ? ['z', 'r', 'h'] : [''], seq.features, units);
  const hidden = stateTensor(ctx, 'hidden_state', units);
  const out = kernelOutput(ctx, seq.timeSteps, units, returnSequences);
  const base = { returnSequences, stateful: ctx.config.stateful === true };
  const inputs = [seq.id, ...w.input, ...w.recurrent, ...w.bias, hidden];
  if (gru) {
    const recurrentActivation = normalizeActivation(ctx.config.recurrentActivation ?? 'hardSigmoid') === 'sigmoid' ? 'sigmoid' : 'hard_sigmoid';
    ctx.b.addOp({ kind: 'gru', name: ctx.name, attrs: { ...base, recurrentActivation }, inputs, outputs: [out] });
  } else {
    ctx.b.addOp({ kind: 'simple_rnn', name: ctx.name, attrs: base, inputs, outputs: [out] });
  }
  return sequenceOutput(ctx, out, returnSequences);
}

/** Keras's GRU with reset_after (as GRUResetAfter) -> gru { resetAfter }. */
function convertResetAfter(ctx: TfjsLayerContext): number {
  const units = Number(ctx.config.units);
  const returnSequences = ctx.config.returnSequences === true;
  const seq = sequenceInput(ctx);
  const [kernel, recurrent, bias] = ctx.weights;
  const names = ['z', 'r', 'h'];
  const b = (row: number, k: number) => (ctx.config.useBias !== false && bias ? bias.slice((row * 3 + k) * units, (row * 3 + k + 1) * units) : new Float32Array(units));
  const w = names.map((g, k) => addConst(ctx, `kernel_${g}`, [units, seq.features], gateMatrix(kernel!, seq.features, units, 3, k)));
  const u = names.map((g, k) => addConst(ctx, `recurrent_kernel_${g}`, [units, units], gateMatrix(recurrent!, units, units, 3, k)));
  const biases = names.map((g, k) => addConst(ctx, `bias_${g}`, [units], k === 2 ? b(0, k) : b(0, k).map((v, i) => v + b(1, k)[i]!)));
  const recurrentBias = addConst(ctx, 'recurrent_bias_h', [units], b(1, 2));
  const hidden = stateTensor(ctx, 'hidden_state', units);
  const out = kernelOutput(ctx, seq.timeSteps, units, returnSequences);
  const recurrentActivation = normalizeActivation(ctx.config.recurrentActivation ?? 'sigmoid') === 'sigmoid' ? 'sigmoid' : 'hard_sigmoid';
  const attrs = { returnSequences, stateful: false, recurrentActivation, resetAfter: true } as const;
  ctx.b.addOp({ kind: 'gru', name: ctx.name, attrs, inputs: [seq.id, ...w, ...u, ...biases, hidden, recurrentBias], outputs: [out] });
  return sequenceOutput(ctx, out, returnSequences);
}

export const recurrentTfjsImporters: Record<string, TfjsImporter> = {
  GRU: {
    unsupported: (config, rank) => [...recurrentUnsupported(config, rank, { recurrent: ['sigmoid', 'hardSigmoid'] }), ...(config.resetAfter === true ? ['resetAfter'] : [])],
    convert: (ctx) => convert(ctx, true),
  },
  GRUResetAfter: {
    unsupported: (config, rank) => [
      ...recurrentUnsupported({ recurrentActivation: 'sigmoid', ...config }, rank, { recurrent: ['sigmoid', 'hardSigmoid'] }),
      ...(config.stateful === true ? ['stateful (a GRU with reset_after starts every call from zero state)'] : []),
    ],
    convert: convertResetAfter,
  },
  SimpleRNN: {
    unsupported: (config, rank) => recurrentUnsupported(config, rank, { recurrent: ['sigmoid', 'hardSigmoid'] }),
    convert: (ctx) => convert(ctx, false),
  },
};
