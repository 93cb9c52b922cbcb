/**
 * Every multiplier and shift the lowering computed, held to the range TFLite's own kernels accept
 * before any C sees it: a quantized multiplier is in [0, 2^31) and its shift in [-31, 30] (what
 * MultiplyByQuantizedMultiplier is defined for; a left shift of 31 or more, or a right shift past 31,
 * is undefined behaviour in C); the "greater than one" multipliers of softmax and the int8
 * LOGISTIC/TANH input stage take left shifts in [0, 30]; the LSTM cell scale is a power of two in
 * [2^-30, 2^-9]. A model whose scales give anything else is refused with its layer named.
 */
import type { Diagnostic } from '../diagnostics.ts';
import type { Step } from './lower.ts';

const INT32_MAX = 2147483647;

type Check = (name: string, multiplier: number, shift: number, shiftRange?: [number, number]) => void;

function stepChecks(s: Step, check: Check): void {
  const mq = (name: string, q: { multiplier: number; shift: number }) => check(name, q.multiplier, q.shift);
  switch (s.kind) {
    case 'conv_s8':
    case 'depthwise_s8':
    case 'fully_connected_s8':
      s.multiplier.forEach((m, c) => check(`channel ${c} requantization`, m, s.shift[c]!));
      return;
    case 'add_s8':
      mq('input 1 rescale', s.params.input1);
      mq('input 2 rescale', s.params.input2);
      mq('output rescale', s.params.output);
      return;
    case 'softmax_s8':
    case 'softmax_s8_s16':
      check('input scaling (beta * input scale)', s.params.multiplier, s.params.leftShift, [0, 30]);
      return;
    case 'logistic_s8':
    case 'tanh_s8':
      // The multiplier only feeds the table computed here (TFLite's int32 cast may make it negative).
      check('input scaling', 0, s.params.inputLeftShift, [0, 30]);
      return;
    case 'mean_s8':
    case 'requantize':
      check('requantization', s.multiplier, s.shift);
      return;
    case 'svdf_s8':
      mq('feature stage rescale', s.params.inputQuant);
      mq('time stage rescale', s.params.outputQuant);
      return;
    case 'lstm_s8': {
      for (const [gate, g] of Object.entries(s.gates)) {
        check(`${gate} gate input product`, g.inputMultiplier, g.inputShift);
        check(`${gate} gate recurrent product`, g.hiddenMultiplier, g.hiddenShift);
      }
      mq('forget gate to cell', s.forgetToCell);
      mq('input gate to cell', s.inputToCell);
      mq('output', s.outputMul);
      if (!Number.isInteger(s.cellScalePower) || s.cellScalePower > -9 || s.cellScalePower < -30) check('cell scale power', 0, s.cellScalePower, [-30, -9]);
      return;
    }
    default:
      return;
  }
}

/** Problems with the lowered constants of every step (stage 'codegen', located at the layer). */
export function checkStepRanges(steps: readonly Step[], file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const s of steps) {
    stepChecks(s, (name, multiplier, shift, range = [-31, 30]) => {
      const okMultiplier = Number.isInteger(multiplier) && multiplier >= 0 && multiplier <= INT32_MAX;
      const okShift = Number.isInteger(shift) && shift >= range[0] && shift <= range[1];
      if (okMultiplier && okShift) return;
      out.push({
        code: 'E-LOWER-RANGE',
        stage: 'codegen',
        message: `${name}: multiplier ${multiplier} and shift ${shift} are outside what TFLite's kernels accept (multiplier in [0, 2^31), shift in [${range[0]}, ${range[1]}]); the layer's quantization scales are out of range`,
        location: { file, layer: s.op.name },
      });
    });
  }
  return out;
}
