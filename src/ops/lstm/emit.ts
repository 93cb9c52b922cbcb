/**
 * The C calls of the LSTM steps. Both backends' parameter structs share field names and meanings,
 * so one initializer builder (src/ops/lstm/fields.ts) serves both; each adds its own fields (the
 * portable kernel's sigmoid table, one per program; CMSIS-NN's unused `.bias`).
 *
 *   scratch:  [ temp1: batch * hidden int16 | temp2: batch * hidden int16 ]   (gate values between phases)
 *   state:    cell state (int16) and hidden state (the activation type), variable tensors kept by the model
 */
import { lstmParamsInit } from './fields.ts';
import { resetStateLines } from '../shared/recurrent.ts';
import { as } from '../shared/emit.ts';
import { sigmoidTableU16 } from '../../kernels/activations_s16.ts';
import type { CmsisEmitContext, EmitContext, Emitted, Named, StepScratch } from '../contract.ts';
import type { LstmS16Step, LstmStep } from './steps.ts';

type AnyLstm = (LstmStep | LstmS16Step) & Named;

export const PORTABLE_FILES = ['edgec_lstm.h', 'edgec_lstm.c', 'edgec_dot_s8.h', 'edgec_dot_s8.c', 'edgec_activations_s16.h', 'edgec_activations_s16.c'];

/** temp1 and temp2: one int16 per hidden unit and batch each (both backends). */
export const scratchBytes = (s: LstmStep | LstmS16Step) => 2 * 2 * s.batchSize * s.hiddenSize;

/**
 * The shared initializer. int16 steps have int64 effective biases: lstmParamsInit names each bias
 * array through `constArray` (and nothing else), so a context that types those arrays int64_t serves.
 */
function paramsInit(s: AnyLstm, ctx: EmitContext, activation: (a: 'sigmoid' | 'tanh' | 'hard_sigmoid') => string, gateExtra: string, extra: string): string {
  if (s.kind === 'lstm_s8') return lstmParamsInit(s, ctx, activation, gateExtra, extra);
  const int64: EmitContext = { ...ctx, constArray: (role, _ctype, data, layer) => ctx.constArray(role, 'int64_t', data, layer) };
  return lstmParamsInit(s as unknown as LstmStep & Named, int64, activation, gateExtra, extra);
}

/** The int16 variant's input and output through int16_t pointers (a model's arena is bytes). */
const io = (s: AnyLstm, ptr: string) => (s.kind === 'lstm_s16' ? as('int16_t', ptr) : ptr);

const resets = (s: AnyLstm, ctx: EmitContext) => (s.resetState ? resetStateLines(ctx, [s.hiddenState, s.cellState], s.op.name) : []);

export function emitPortable(s: AnyLstm, ctx: EmitContext): Emitted {
  const n = s.op.name;
  const table = ctx.sharedConstArray('sigmoid_table', 'uint16_t', sigmoidTableU16());
  const kinds = { tanh: 'EDGEC_LSTM_TANH', sigmoid: 'EDGEC_LSTM_SIGMOID', hard_sigmoid: 'EDGEC_LSTM_HARD_SIGMOID' };
  const hard = s.hardSigmoid ? `, .hard_sigmoid_multiplier = ${s.hardSigmoid.multiplier}, .hard_sigmoid_shift = ${s.hardSigmoid.shift}` : '';
  const init = paramsInit(s, ctx, (a) => kinds[a], '', `, .sigmoid_table = ${table}${hard}`);
  const params = ctx.constStruct('params', 'edgec_lstm_params', init, n);
  const scratch = ctx.scratch();
  const half = s.batchSize * s.hiddenSize * 2;
  const fn = s.kind === 'lstm_s8' ? 'edgec_lstm_s8' : 'edgec_lstm_s16';
  return {
    kernel: fn,
    lines: [
      ...resets(s, ctx),
      '{',
      `    edgec_lstm_buffers buffers = { .temp1 = (int16_t *)(void *)${scratch.ptr}, .temp2 = (int16_t *)(void *)(${scratch.ptr} + ${half}), .cell_state = (int16_t *)(void *)${ctx.tensor(s.cellState, n)}, .hidden_state = ${ctx.tensor(s.hiddenState, n)} };`,
      `    status = ${fn}(${io(s, ctx.tensor(s.input, n))}, ${io(s, ctx.tensor(s.output, n))}, &${params}, &buffers);`,
      '}',
    ],
  };
}

export function emitCmsis(s: AnyLstm, ctx: CmsisEmitContext, scratch: StepScratch): Emitted {
  const n = s.op.name;
  // Hard-sigmoid gates never reach CMSIS-NN (its `supports` rule).
  const init = paramsInit(s, ctx, (a) => (a === 'tanh' ? 'ARM_TANH' : 'ARM_SIGMOID'), '.bias = NULL, ', '');
  const params = ctx.constStruct('params', 'cmsis_nn_lstm_params', init, n);
  const half = s.batchSize * s.hiddenSize * 2;
  const fn = s.kind === 'lstm_s8' ? 'arm_lstm_unidirectional_s8' : 'arm_lstm_unidirectional_s16';
  return {
    kernel: fn,
    lines: [
      ...resets(s, ctx),
      '{',
      `    cmsis_nn_lstm_context buffers = { .temp1 = ${scratch.ptr}, .temp2 = ${scratch.ptr} + ${half}, .cell_state = ${ctx.tensor(s.cellState, n)}, .hidden_state = ${ctx.tensor(s.hiddenState, n)} };`,
      `    status = (int32_t)${fn}(${io(s, ctx.tensor(s.input, n))}, ${io(s, ctx.tensor(s.output, n))}, &${params}, &buffers);`,
      '}',
    ],
  };
}
