/**
 * tfjs GRU and SimpleRNN -> IR gru / simple_rnn on the [1, T, C] sequence. tfjs's GRU resets before
 * the recurrent product (it has no resetAfter) and defaults to the hard sigmoid; both gate functions
 * are computed exactly in integers (src/kernels/recurrent.ts).
 */
import type { TfjsImporter, TfjsLayerContext } from '../contract.ts';
import { gateConstants, kernelOutput, normalizeActivation, recurrentUnsupported, sequenceInput, sequenceOutput, stateTensor } from '../shared/recurrent.ts';

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

export const recurrentTfjsImporters: Record<string, TfjsImporter> = {
  GRU: {
    unsupported: (config, rank) => [...recurrentUnsupported(config, rank, { recurrent: ['sigmoid', 'hardSigmoid'] }), ...(config.resetAfter === true ? ['resetAfter'] : [])],
    convert: (ctx) => convert(ctx, true),
  },
  SimpleRNN: {
    unsupported: (config, rank) => recurrentUnsupported(config, rank, { recurrent: ['sigmoid', 'hardSigmoid'] }),
    convert: (ctx) => convert(ctx, false),
  },
};
