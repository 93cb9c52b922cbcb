/** Conformance rows for SVDF: num_steps steps over input_sequence, state updated in place; the last output is compared. */
import { svdfStep, type SvdfParams, type SvdfShape } from '../../kernels/svdf.ts';
import type { OpAdapter } from '../adapter.ts';
import type { CaseReader } from '../case.ts';

function read(r: CaseReader) {
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
  const s16 = r.tensor('weights_time').dtype === 'int16';
  return { params, shape, steps: r.int('num_steps'), s16 };
}

export const svdfAdapters: OpAdapter[] = [
  {
    op: 'svdf',
    actDtypes: ['s8'],
    runTs(r) {
      const { params, shape, steps, s16 } = read(r);
      const seq = Int8Array.from(r.data('input_sequence'));
      const state = s16 ? Int16Array.from(r.data('state')) : Int8Array.from(r.data('state'));
      const wt = s16 ? Int16Array.from(r.data('weights_time')) : Int8Array.from(r.data('weights_time'));
      const wf = Int8Array.from(r.data('weights_feature'));
      const bias = r.optData('bias') ? Int32Array.from(r.optData('bias')!) : null;
      const stepSize = shape.batches * shape.inputSize;
      let out: Int8Array = new Int8Array(0);
      for (let t = 0; t < steps; t++) out = svdfStep(params, shape, seq.subarray(t * stepSize, (t + 1) * stepSize), state, wf, wt, bias);
      return out;
    },
    emitC(r, b) {
      const { params: p, shape: s, steps, s16 } = read(r);
      const ctype = s16 ? 'int16_t' : 'int8_t';
      b.include('edgec_svdf.h');
      const seq = b.constArray('input_sequence', 'int8_t', r.data('input_sequence'));
      const state = b.mutableArray('state', ctype, s.batches * s.features * s.timeSteps, r.data('state'));
      const wf = b.constArray('weights_feature', 'int8_t', r.data('weights_feature'));
      const wt = b.constArray('weights_time', ctype, r.data('weights_time'));
      const bias = r.optData('bias') ? b.constArray('bias', 'int32_t', r.optData('bias')!) : 'NULL';
      const params = b.declare(
        'params',
        'edgec_svdf_params',
        `{ ${p.rank}, ${p.inputOffset}, ${p.outputOffset}, { ${p.inputActivation.min}, ${p.inputActivation.max} }, { ${p.outputActivation.min}, ${p.outputActivation.max} }, { ${p.inputQuant.multiplier}, ${p.inputQuant.shift} }, { ${p.outputQuant.multiplier}, ${p.outputQuant.shift} }, ${s.batches}, ${s.inputSize}, ${s.features}, ${s.timeSteps} }`,
      );
      const units = s.features / p.rank;
      const out = b.mutableArray('output', 'int8_t', s.batches * units);
      const fn = s16 ? 'edgec_svdf_state_s16_s8' : 'edgec_svdf_s8';
      b.stmt(`for (int32_t t = 0; t < ${steps} && status == 0; t++) {`);
      b.stmt(`    status = ${fn}(&${params}, ${seq} + t * ${s.batches * s.inputSize}, ${state}, ${wf}, ${wt}, ${bias}, ${out});`);
      b.stmt('}');
      b.setOutput(out, 'int8_t', s.batches * units);
    },
  },
];
