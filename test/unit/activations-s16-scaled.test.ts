/**
 * int16 LOGISTIC / TANH with a general input scale (16x8 models): the input stage the compiler
 * computes (TFLite Micro's Prepare) and the kernel, checked against the real functions (an
 * independent reference, with the table's interpolation tolerance) over the whole int16 input range,
 * and against the power-of-two path the LSTM uses (bit-exact with CMSIS-NN's cases).
 */
import { describe, expect, it } from 'vitest';
import { activationS16, activationS16Scaled } from '../../src/kernels/activations_s16.ts';
import { activationS16Params } from '../../src/ops/activations_s16.ts';

const q = (scale: number) => ({ scale: [scale], zeroPoint: [0] });
const inputs = Int16Array.from({ length: 1352 }, (_, i) => Math.max(-32768, Math.min(32767, -32768 + i * 49)));

describe('int16 LOGISTIC / TANH input stage', () => {
  it('a power-of-two scale the table takes directly needs no rescaling: the multiplier 3 << shift', () => {
    expect(activationS16Params('logistic', q(2 ** -12))).toEqual({ multiplier: 3, shift: 0 });
    expect(activationS16Params('tanh', q(2 ** -12))).toEqual({ multiplier: 3, shift: 0 });
    expect(activationS16Params('tanh', q(2 ** -11))).toEqual({ multiplier: 6, shift: 0 });
  });

  it('the power-of-two path is the Q3.12 path of the LSTM kernels (bit-exact with CMSIS-NN)', () => {
    const p = activationS16Params('logistic', q(2 ** -12)) as { multiplier: number; shift: number };
    expect(Array.from(activationS16Scaled(inputs, p.multiplier, p.shift, 'sigmoid'))).toEqual(Array.from(activationS16(inputs, 0, 'sigmoid')));
  });

  // 2^-11 is the power-of-two path for tanh (multiplier 6) and the general one for logistic.
  for (const scale of [2 ** -11, 1 / 32767, 4.2 / 32767, 1.3e-4, 6.1e-4, 2.5e-3]) {
    for (const kind of ['logistic', 'tanh'] as const) {
      it(`${kind}, input scale ${scale.toPrecision(4)}: within the table's interpolation error of the real function`, () => {
        const p = activationS16Params(kind, q(scale));
        if (typeof p === 'string') throw new Error(p);
        if (!(kind === 'tanh' && scale === 2 ** -11)) {
          expect(p.multiplier).toBeGreaterThan(16383);
          expect(p.multiplier).toBeLessThanOrEqual(32767);
        }
        const out = activationS16Scaled(inputs, p.multiplier, p.shift, kind === 'logistic' ? 'sigmoid' : 'tanh');
        const f = kind === 'logistic' ? (v: number) => 1 / (1 + Math.exp(-v)) : Math.tanh;
        let worst = 0;
        inputs.forEach((x, i) => {
          worst = Math.max(worst, Math.abs(out[i]! / 32768 - f(x * Math.fround(scale))));
        });
        expect(worst).toBeLessThan(kind === 'logistic' ? 2 ** -11 : 2 ** -10);
      });
    }
  }

  it('an input scale too large for a 16-bit multiplier is refused with the reason', () => {
    expect(activationS16Params('logistic', q(4))).toMatch(/too large/);
  });
});
