/**
 * The LSTM parameter initializers both backends emit: edgec_lstm_params and cmsis_nn_lstm_params
 * share field names and meanings (see templates/kernels/portable/edgec_lstm.h), so one builder serves
 * both; each backend adds what its struct has beyond them.
 */
import type { EmitContext } from '../contract.ts';
import type { LstmStep } from './steps.ts';

type Gate = keyof LstmStep['gates'];

/**
 * `{ .time_major = ..., .output_offset = ..., .forget_gate = {...}, ... <extra> }`. Each gate names its
 * weights and effective biases (compiler constants) and its activation through `activation`;
 * `gateExtra` and `extra` are further fields of a gate and of the whole struct (may be empty).
 */
export function lstmParamsInit(s: LstmStep & { op: { name: string } }, ctx: EmitContext, activation: (a: 'sigmoid' | 'tanh' | 'hard_sigmoid') => string, gateExtra: string, extra: string): string {
  const n = s.op.name;
  const gate = (k: Gate) => {
    const g = s.gates[k];
    const iw = ctx.tensor(g.inputWeights, n);
    const hw = ctx.tensor(g.hiddenWeights, n);
    const ib = ctx.constArray(`${k}_input_bias`, 'int32_t', g.inputEffectiveBias, n);
    const hb = ctx.constArray(`${k}_hidden_bias`, 'int32_t', g.hiddenEffectiveBias, n);
    return `{ .input_multiplier = ${g.inputMultiplier}, .input_shift = ${g.inputShift}, .input_weights = ${iw}, .input_effective_bias = ${ib}, .hidden_multiplier = ${g.hiddenMultiplier}, .hidden_shift = ${g.hiddenShift}, .hidden_weights = ${hw}, .hidden_effective_bias = ${hb}, ${gateExtra}.activation_type = ${activation(g.activation)} }`;
  };
  return `{ .time_major = ${s.timeMajor ? 1 : 0}, .batch_size = ${s.batchSize}, .time_steps = ${s.timeSteps}, .input_size = ${s.inputSize}, .hidden_size = ${s.hiddenSize}, .input_offset = ${s.inputOffset}, .forget_to_cell_multiplier = ${s.forgetToCell.multiplier}, .forget_to_cell_shift = ${s.forgetToCell.shift}, .input_to_cell_multiplier = ${s.inputToCell.multiplier}, .input_to_cell_shift = ${s.inputToCell.shift}, .cell_clip = ${s.cellClip}, .cell_scale_power = ${s.cellScalePower}, .output_multiplier = ${s.outputMul.multiplier}, .output_shift = ${s.outputMul.shift}, .output_offset = ${s.outputOffset}, .forget_gate = ${gate('forget')}, .input_gate = ${gate('input')}, .cell_gate = ${gate('cell')}, .output_gate = ${gate('output')}${extra} }`;
}
