/**
 * Conformance rows for UNIDIRECTIONAL_SEQUENCE_LSTM (int8 and int16 activations): the whole sequence,
 * stateless (hidden state starts at its zero point, cell at 0) or with an explicit state buffer
 * (`stateful_hidden_init`: hidden initialised to the output zero point, cell to 0).
 */
import { sigmoidTableU16 } from '../../kernels/activations_s16.ts';
import { lstmEffectiveBiases, lstmS16, lstmS8, type LstmGate, type LstmParams } from '../../kernels/lstm.ts';
import type { OpAdapter } from '../adapter.ts';
import type { CaseReader } from '../case.ts';
import type { CCaseBuilder } from '../cemit.ts';
import { cmsisCall } from '../cmsis.ts';

const GATES = ['input', 'forget', 'cell', 'output'] as const;

function read(r: CaseReader): LstmParams {
  const gate = (name: (typeof GATES)[number]): LstmGate => ({
    inputMultiplier: r.int(`gates.${name}.input_multiplier`),
    inputShift: r.int(`gates.${name}.input_shift`),
    hiddenMultiplier: r.int(`gates.${name}.hidden_multiplier`),
    hiddenShift: r.int(`gates.${name}.hidden_shift`),
    inputWeights: Int8Array.from(r.data(`${name}_gate_input_weights`)),
    hiddenWeights: Int8Array.from(r.data(`${name}_gate_hidden_weights`)),
    bias: r.optData(`${name}_gate_bias`),
    activation: r.str(`gates.${name}.activation`) === 'tanh' ? 'tanh' : 'sigmoid',
  });
  return {
    timeMajor: r.bool('time_major'),
    batchSize: r.int('batch_size'),
    timeSteps: r.int('time_steps'),
    inputSize: r.int('input_size'),
    hiddenSize: r.int('hidden_size'),
    inputOffset: r.int('input_offset'),
    outputOffset: r.int('output_zero_point'),
    forgetToCell: { multiplier: r.int('forget_to_cell_multiplier'), shift: r.int('forget_to_cell_shift') },
    inputToCell: { multiplier: r.int('input_to_cell_multiplier'), shift: r.int('input_to_cell_shift') },
    cellClip: r.int('cell_clip'),
    cellScalePower: r.int('cell_scale_power'),
    output: { multiplier: r.int('output_multiplier'), shift: r.int('output_shift') },
    gates: { input: gate('input'), forget: gate('forget'), cell: gate('cell'), output: gate('output') },
  };
}

function initialState(p: LstmParams, s16: boolean) {
  const n = p.batchSize * p.hiddenSize;
  return { hidden: (s16 ? new Int16Array(n) : new Int8Array(n)).fill(p.outputOffset), cell: new Int16Array(n) };
}

/** The gate structs, weights and effective biases (int32 for s8, int64 for s16) as C data. */
function emitGates(b: CCaseBuilder, p: LstmParams, s16: boolean, cmsis: boolean, act: (a: 'sigmoid' | 'tanh') => string): Record<(typeof GATES)[number], string> {
  const eff = lstmEffectiveBiases(p, s16);
  const biasType = s16 ? 'int64_t' : 'int32_t';
  const out = {} as Record<(typeof GATES)[number], string>;
  for (const name of GATES) {
    const g = p.gates[name];
    const iw = b.constArray(`${name}_input_weights`, 'int8_t', g.inputWeights);
    const hw = b.constArray(`${name}_hidden_weights`, 'int8_t', g.hiddenWeights);
    const ib = b.constArray(`${name}_input_bias`, biasType, eff[name].inputBias);
    const hb = b.constArray(`${name}_hidden_bias`, biasType, eff[name].hiddenBias);
    out[name] = `{ .input_multiplier = ${g.inputMultiplier}, .input_shift = ${g.inputShift}, .input_weights = ${iw}, .input_effective_bias = ${ib}, .hidden_multiplier = ${g.hiddenMultiplier}, .hidden_shift = ${g.hiddenShift}, .hidden_weights = ${hw}, .hidden_effective_bias = ${hb}, ${cmsis ? '.bias = NULL, ' : ''}.activation_type = ${act(g.activation)} }`;
  }
  return out;
}

function paramFields(p: LstmParams): string {
  return `.time_major = ${p.timeMajor ? 1 : 0}, .batch_size = ${p.batchSize}, .time_steps = ${p.timeSteps}, .input_size = ${p.inputSize}, .hidden_size = ${p.hiddenSize}, .input_offset = ${p.inputOffset}, .forget_to_cell_multiplier = ${p.forgetToCell.multiplier}, .forget_to_cell_shift = ${p.forgetToCell.shift}, .input_to_cell_multiplier = ${p.inputToCell.multiplier}, .input_to_cell_shift = ${p.inputToCell.shift}, .cell_clip = ${p.cellClip}, .cell_scale_power = ${p.cellScalePower}, .output_multiplier = ${p.output.multiplier}, .output_shift = ${p.output.shift}, .output_offset = ${p.outputOffset}`;
}

/** Scratch and state buffers: two int16 gate buffers, the cell state, and the hidden state if stateful. */
function emitBuffers(b: CCaseBuilder, p: LstmParams, s16: boolean, stateful: boolean) {
  const n = p.batchSize * p.hiddenSize;
  const ctype = s16 ? 'int16_t' : 'int8_t';
  return {
    temp1: b.mutableArray('temp1', 'int16_t', n),
    temp2: b.mutableArray('temp2', 'int16_t', n),
    cell: b.mutableArray('cell_state', 'int16_t', n),
    hidden: stateful ? b.mutableArray('hidden_state', ctype, n, new Array<number>(n).fill(p.outputOffset)) : 'NULL',
  };
}

function adapter(s16: boolean): OpAdapter {
  const dt = s16 ? 's16' : 's8';
  const ctype = s16 ? 'int16_t' : 'int8_t';
  return {
    op: 'lstm',
    actDtypes: [dt],
    runTs(r) {
      const p = read(r);
      const state = r.bool('stateful_hidden_init') ? initialState(p, s16) : undefined;
      return s16 ? lstmS16(p, Int16Array.from(r.data('input')), state) : lstmS8(p, Int8Array.from(r.data('input')), state);
    },
    emitC(r, b) {
      const p = read(r);
      b.include('edgec_lstm.h');
      const table = b.constArray('sigmoid_table', 'uint16_t', sigmoidTableU16());
      const gates = emitGates(b, p, s16, false, (a) => (a === 'tanh' ? 'EDGEC_LSTM_TANH' : 'EDGEC_LSTM_SIGMOID'));
      const params = b.declare(
        'params',
        'edgec_lstm_params',
        `{ ${paramFields(p)}, .forget_gate = ${gates.forget}, .input_gate = ${gates.input}, .cell_gate = ${gates.cell}, .output_gate = ${gates.output}, .sigmoid_table = ${table} }`,
      );
      const buf = emitBuffers(b, p, s16, r.bool('stateful_hidden_init'));
      const ctx = b.declare('buffers', 'edgec_lstm_buffers', `{ .temp1 = ${buf.temp1}, .temp2 = ${buf.temp2}, .cell_state = ${buf.cell}, .hidden_state = ${buf.hidden} }`, false);
      const input = b.constArray('input', ctype, r.data('input'));
      const len = p.batchSize * p.timeSteps * p.hiddenSize;
      const out = b.mutableArray('output', ctype, len);
      b.stmt(`status = edgec_lstm_${dt}(${input}, ${out}, &${params}, &${ctx});`);
      b.setOutput(out, ctype, len);
    },
    emitCmsis(r, b) {
      const p = read(r);
      const gates = emitGates(b, p, s16, true, (a) => (a === 'tanh' ? 'ARM_TANH' : 'ARM_SIGMOID'));
      const params = b.declare(
        'params',
        'cmsis_nn_lstm_params',
        `{ ${paramFields(p)}, .forget_gate = ${gates.forget}, .input_gate = ${gates.input}, .cell_gate = ${gates.cell}, .output_gate = ${gates.output} }`,
      );
      const buf = emitBuffers(b, p, s16, r.bool('stateful_hidden_init'));
      const ctx = b.declare('buffers', 'cmsis_nn_lstm_context', `{ .temp1 = ${buf.temp1}, .temp2 = ${buf.temp2}, .cell_state = ${buf.cell}, .hidden_state = ${buf.hidden} }`, false);
      const input = b.constArray('input', ctype, r.data('input'));
      const len = p.batchSize * p.timeSteps * p.hiddenSize;
      const out = b.mutableArray('output', ctype, len);
      cmsisCall(b, `arm_lstm_unidirectional_${dt}(${input}, ${out}, &${params}, &${ctx})`);
      b.setOutput(out, ctype, len);
    },
  };
}

export const lstmAdapters: OpAdapter[] = [adapter(false), adapter(true)];
