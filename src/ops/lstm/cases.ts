/**
 * The LSTM conformance cases (int8 and int16 activations) as steps over the case's own tensors: the
 * whole sequence in one call, the hidden and cell state as the variable tensors models keep. A case
 * without `stateful_hidden_init` starts from an empty hidden state and a zero cell state: the same
 * values, since a hidden state at its zero point contributes nothing (the effective hidden bias
 * cancels its zero point exactly), so both kinds run the emitter generated code uses.
 *
 *   0 input   then per gate (input, forget, cell, output): input weights, hidden weights, bias?
 *   hidden state (variable, at the output zero point)   cell state (variable, 0)   output
 */
import type { CaseReader } from '../../formats/conformance-case.ts';
import { effectiveBias } from '../../kernels/lstm.ts';
import type { CaseAdapter } from '../contract.ts';
import { caseTensors, type CaseTensorSpec } from '../shared/case.ts';
import type { GATES, LstmGateStep, LstmS16Step, LstmStep } from './steps.ts';

function build(r: CaseReader, s16: boolean) {
  const dtype = s16 ? 'int16' : 'int8';
  const [batchSize, timeSteps, inputSize, hiddenSize] = ['batch_size', 'time_steps', 'input_size', 'hidden_size'].map((k) => r.int(k)) as [number, number, number, number];
  const inputOffset = r.int('input_offset');
  const outputOffset = r.int('output_zero_point');
  const specs: CaseTensorSpec[] = [{ name: 'input', dtype, shape: r.tensor('input').shape, init: r.data('input') }];
  const add = (spec: CaseTensorSpec) => specs.push(spec) - 1;
  // int64 effective biases for int16 activations; int32 (wrapping as C does) for int8.
  const biases = (values: number[]) => (s16 ? Float64Array.from(values) : Int32Array.from(values));
  const gate = (name: (typeof GATES)[number]) => {
    const wi = Int8Array.from(r.data(`${name}_gate_input_weights`));
    const wh = Int8Array.from(r.data(`${name}_gate_hidden_weights`));
    const b = r.optData(`${name}_gate_bias`);
    const f = (k: string) => r.int(`gates.${name}.${k}`);
    return {
      inputWeights: add({ name: `${name}_input_weights`, dtype: 'int8', shape: [hiddenSize, inputSize], data: wi }),
      hiddenWeights: add({ name: `${name}_hidden_weights`, dtype: 'int8', shape: [hiddenSize, hiddenSize], data: wh }),
      bias: b ? add({ name: `${name}_bias`, dtype: s16 ? 'int64' : 'int32', shape: [hiddenSize], data: b }) : -1,
      inputMultiplier: f('input_multiplier'),
      inputShift: f('input_shift'),
      hiddenMultiplier: f('hidden_multiplier'),
      hiddenShift: f('hidden_shift'),
      inputEffectiveBias: biases(effectiveBias(wi, inputSize, hiddenSize, inputOffset, b, !s16)),
      hiddenEffectiveBias: biases(effectiveBias(wh, hiddenSize, hiddenSize, -outputOffset, null, !s16)),
      activation: r.str(`gates.${name}.activation`) === 'tanh' ? ('tanh' as const) : ('sigmoid' as const),
    };
  };
  const gates = { input: gate('input'), forget: gate('forget'), cell: gate('cell'), output: gate('output') };
  const n = batchSize * hiddenSize;
  const hiddenState = add({ name: 'hidden_state', dtype, shape: [batchSize, hiddenSize], init: new Array<number>(n).fill(outputOffset), variable: true });
  const cellState = add({ name: 'cell_state', dtype: 'int16', shape: [batchSize, hiddenSize], variable: true });
  const output = add({ name: 'output', dtype, shape: [batchSize * timeSteps * hiddenSize] });
  const fields = {
    input: 0,
    output,
    hiddenState,
    cellState,
    timeMajor: r.bool('time_major'),
    batchSize,
    timeSteps,
    inputSize,
    hiddenSize,
    inputOffset,
    outputOffset,
    forgetToCell: { multiplier: r.int('forget_to_cell_multiplier'), shift: r.int('forget_to_cell_shift') },
    inputToCell: { multiplier: r.int('input_to_cell_multiplier'), shift: r.int('input_to_cell_shift') },
    outputMul: { multiplier: r.int('output_multiplier'), shift: r.int('output_shift') },
    cellClip: r.int('cell_clip'),
    cellScalePower: r.int('cell_scale_power'),
  };
  const step: LstmStep | LstmS16Step = s16
    ? { kind: 'lstm_s16', ...fields, gates: gates as LstmS16Step['gates'] }
    : { kind: 'lstm_s8', ...fields, gates: gates as Record<(typeof GATES)[number], LstmGateStep> };
  return { step: { ...step, op: { id: 0, name: 'case', kind: 'lstm' as const } }, tensors: caseTensors(specs), output };
}

export const LSTM_CASES: readonly CaseAdapter[] = [
  { op: 'lstm', actDtypes: ['s8'], build: (r) => build(r, false) },
  { op: 'lstm', actDtypes: ['s16'], build: (r) => build(r, true) },
];
