/**
 * int16 LOGISTIC and TANH (16x8 models), part of the activations family (activations.ts): TFLite
 * Micro's int16 kernels, a 256-node sigmoid table interpolated (tanh(x) = 2 sigmoid(2x) - 1), after
 * the input is brought to the table's scale by an integer multiplier and right shift the compiler
 * computes as TFLite Micro's Prepare does:
 *   a power-of-two input scale of 2^-12 (logistic; tanh also 2^-11): multiplier 3 << shift, no shift;
 *   otherwise multiplier = scale * 4096 * 3 doubled (shift + 1) while it is at most 32767 / 2, truncated.
 * The output is Q0.15 (scale 1/32768, zero point 0).
 *
 *   IR logistic / tanh (int16) -> step logistic_s16 / tanh_s16 -> edgec_activation_s16_scaled
 */
import { call } from '../cgen/c.ts';
import { activationS16Scaled, sigmoidTableU16 } from '../kernels/activations_s16.ts';
import type { QuantParams, StepDef } from './contract.ts';
import { as } from './shared/emit.ts';

export interface ActivationS16Step<K extends 'logistic_s16' | 'tanh_s16' = 'logistic_s16' | 'tanh_s16'> {
  kind: K;
  input: number;
  output: number;
  size: number;
  multiplier: number;
  shift: number;
}

/** TFLite's CheckedLog2 (float arithmetic): the rounded log2, and whether the scale is a power of two. */
function checkedLog2(x: number): { log2: number; pot: boolean } {
  const f = Math.fround;
  const xLog2 = f(f(Math.log(f(x))) * f(1 / f(Math.log(2))));
  const rounded = Math.sign(xLog2) * Math.round(Math.abs(xLog2));
  return { log2: rounded, pot: Math.abs(f(xLog2 - rounded)) < 1e-3 };
}

/** The input stage of an int16 LOGISTIC / TANH, or why the input scale is outside what the kernel takes. */
export function activationS16Params(kind: 'logistic' | 'tanh', input: QuantParams): { multiplier: number; shift: number } | string {
  const scale = Math.fround(input.scale[0]!);
  const { log2, pot } = checkedLog2(scale);
  const potShift = 12 + log2;
  if (pot && (potShift === 0 || (kind === 'tanh' && potShift === 1))) return { multiplier: 3 << potShift, shift: 0 };
  let multiplier = scale * 4096 * 3;
  let shift = 0;
  while (multiplier <= 32767 / 2 && shift <= 30) {
    shift++;
    multiplier *= 2;
  }
  const m = Math.trunc(multiplier);
  if (m > 32767) return `input scale ${scale} is too large for the int16 ${kind} (its input multiplier ${m} exceeds 32767)`;
  return { multiplier: m, shift };
}

export function activationS16Step<K extends 'logistic_s16' | 'tanh_s16'>(kind: K): StepDef<ActivationS16Step<K>> {
  const type = kind === 'logistic_s16' ? 'sigmoid' : 'tanh';
  return {
    requantizers: (s) => [{ name: 'input scaling', multiplier: 0, shift: s.shift, shiftRange: [0, 31] }],
    simulate: (s, env) => activationS16Scaled(env.read(s.input), s.multiplier, s.shift, type),
    portable: {
      header: 'edgec_activations_s16.h',
      files: ['edgec_activations_s16.h', 'edgec_activations_s16.c'],
      emit(s, ctx) {
        const n = s.op.name;
        const table = ctx.sharedConstArray('sigmoid_table', 'uint16_t', sigmoidTableU16());
        const args = [
          as('int16_t', ctx.tensor(s.input, n)),
          as('int16_t', ctx.tensor(s.output, n)),
          String(s.size),
          String(s.multiplier),
          String(s.shift),
          type === 'sigmoid' ? 'EDGEC_LSTM_SIGMOID' : 'EDGEC_LSTM_TANH',
          table,
        ];
        return { kernel: 'edgec_activation_s16_scaled', lines: [`${call('edgec_activation_s16_scaled', args)};`] };
      },
    },
  };
}
