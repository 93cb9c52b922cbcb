/** Conformance rows for SVDF: num_steps steps over input_sequence, state updated in place; the last output is compared. */
import { svdfStep, type SvdfParams, type SvdfShape } from '../../kernels/svdf.ts';
import type { OpAdapter } from '../adapter.ts';
import type { CaseReader } from '../case.ts';
import { cmsisAct, cmsisCall, cmsisDims, cmsisScratch } from '../cmsis.ts';
import { svdfS8BufferSize } from '../../codegen/cmsis-nn/buffer-sizes.ts';
import { vectorSumS8 } from '../../codegen/kernel-sums.ts';
import { compareFolded } from '../folded.ts';

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
    emitCmsis(r, b, path) {
      const { params: p, shape: s, steps, s16 } = read(r);
      const ctype = s16 ? 'int16_t' : 'int8_t';
      const seq = b.constArray('input_sequence', 'int8_t', r.data('input_sequence'));
      const state = b.mutableArray('state', ctype, s.batches * s.features * s.timeSteps, r.data('state'));
      const wfData = r.data('weights_feature');
      const wf = b.constArray('weights_feature', 'int8_t', wfData);
      const wt = b.constArray('weights_time', ctype, r.data('weights_time'));
      const bias = r.optData('bias') ? b.constArray('bias', 'int32_t', r.optData('bias')!) : 'NULL';
      const units = s.features / p.rank;
      const params = b.declare(
        'cmsis_params',
        'cmsis_nn_svdf_params',
        `{ .rank = ${p.rank}, .input_offset = ${p.inputOffset}, .output_offset = ${p.outputOffset}, .input_activation = ${cmsisAct(p.inputActivation)}, .output_activation = ${cmsisAct(p.outputActivation)} }`,
      );
      const qIn = b.declare('quant_in', 'cmsis_nn_per_tensor_quant_params', `{ .multiplier = ${p.inputQuant.multiplier}, .shift = ${p.inputQuant.shift} }`);
      const qOut = b.declare('quant_out', 'cmsis_nn_per_tensor_quant_params', `{ .multiplier = ${p.outputQuant.multiplier}, .shift = ${p.outputQuant.shift} }`);
      const inDims = cmsisDims(b, 'input_dims', { n: s.batches, h: s.inputSize, w: 1, c: 1 });
      const stDims = cmsisDims(b, 'state_dims', { n: s.batches, h: s.features * s.timeSteps, w: 1, c: 1 });
      const wfDims = cmsisDims(b, 'weights_feature_dims', { n: s.features, h: s.inputSize, w: 1, c: 1 });
      const wtDims = cmsisDims(b, 'weights_time_dims', { n: s.features, h: s.timeSteps, w: 1, c: 1 });
      const bDims = cmsisDims(b, 'bias_dims', { n: units, h: 1, w: 1, c: 1 });
      const oDims = cmsisDims(b, 'output_dims', { n: s.batches, h: units, w: 1, c: 1 });
      const inCtx = cmsisScratch(b, 'input_ctx', s.batches * s.features * 4);
      const outCtx = cmsisScratch(b, 'output_ctx', s.batches * units * 4);
      const out = b.mutableArray('output', 'int8_t', s.batches * units);
      const tail = `&${qIn}, &${qOut}, &${inDims}, ${seq} + t * ${s.batches * s.inputSize}, &${stDims}, ${state}, &${wfDims}, ${wf}, &${wtDims}, ${wt}, &${bDims}, ${bias}, &${oDims}, ${out}`;
      let call: string;
      if (s16) call = `arm_svdf_state_s16_s8(&${inCtx}, &${outCtx}, &${params}, ${tail})`;
      else {
        const bytes = svdfS8BufferSize(path, s.features);
        let ctx: string;
        if (bytes > 0) {
          // MVE reads the feature weights' row sums (times -input zero point) from the context.
          const sums = b.mutableArray('kernel_sums', 'int32_t', s.features, vectorSumS8(wfData, s.inputSize, s.features, -p.inputOffset, 0, null));
          b.stmt(`if (arm_svdf_s8_get_buffer_size(&${wfDims}) != ${bytes}) status = 1000;`);
          ctx = b.declare('ctx', 'cmsis_nn_context', `{ .buf = ${sums}, .size = ${bytes} }`);
        } else ctx = cmsisScratch(b, 'ctx', 0, `arm_svdf_s8_get_buffer_size(&${wfDims})`);
        call = `arm_svdf_s8(&${ctx}, &${inCtx}, &${outCtx}, &${params}, ${tail})`;
      }
      b.include('arm_nnfunctions.h');
      b.stmt(`for (int32_t t = 0; t < ${steps} && status == 0; t++) {`);
      cmsisCall(b, call);
      b.stmt('}');
      b.setOutput(out, 'int8_t', s.batches * units);
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
      if (!s16) {
        // The folded kernel generated code calls, on its own copy of the initial state, over the same steps.
        const sums = b.constArray('feature_sums', 'int32_t', vectorSumS8(r.data('weights_feature'), s.inputSize, s.features, -p.inputOffset, 0, null));
        const state2 = b.mutableArray('state_folded', ctype, s.batches * s.features * s.timeSteps, r.data('state'));
        const out2 = b.mutableArray('output_folded', 'int8_t', s.batches * units);
        b.stmt(`for (int32_t t = 0; t < ${steps} && status == 0; t++) {`);
        b.stmt(`    status = edgec_svdf_s8_folded(&${params}, ${seq} + t * ${s.batches * s.inputSize}, ${state2}, ${wf}, ${wt}, ${bias}, ${sums}, ${out2});`);
        b.stmt('}');
        compareFolded(b, out, out2, s.batches * units);
      }
      b.setOutput(out, 'int8_t', s.batches * units);
    },
  },
];
