/**
 * The TS fixed-point module against its C twin (edgec_requant.h, 64-bit C arithmetic) on edge
 * cases and a deterministic random sweep, and quantizeMultiplier against libm frexp/round.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PORTABLE_KERNELS_DIR } from '../../src/support/paths.ts';
import { frexp, multiplyByQuantizedMultiplier, multiplyByQuantizedMultiplierS64, quantizeMultiplier, rdbpot, roundHalfAwayFromZero, srdhm } from '../../src/arith/fixedpoint.ts';
import { askOracle, buildOracle } from '../support/oracle.ts';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

function xorshift(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s | 0;
  };
}

const EDGE = [INT32_MIN, INT32_MIN + 1, -1073741824, -65536, -65535, -32768, -2, -1, 0, 1, 2, 32767, 65535, 65536, 1073741824, INT32_MAX - 1, INT32_MAX];

let oracle = '';
beforeAll(() => {
  oracle = buildOracle('fixedpoint_oracle', [join(__dirname, 'fixedpoint_oracle.c')], [PORTABLE_KERNELS_DIR], [], ['-lm']);
});

describe('srdhm', () => {
  it('saturates INT32_MIN * INT32_MIN', () => {
    expect(srdhm(INT32_MIN, INT32_MIN)).toBe(INT32_MAX);
  });
  it('rounds +0.5 up but -0.5 toward zero (the nudge is 1 - 2^30 for negative products)', () => {
    // Units of 2^31: 2^30 is exactly 0.5.
    expect(srdhm(1073741824, 1)).toBe(1);
    expect(srdhm(1073741823, 1)).toBe(0);
    expect(srdhm(-1073741824, 1)).toBe(0);
    expect(srdhm(-1073741825, 1)).toBe(-1);
  });
  it('matches the C twin on every pair of edge values and 20000 random pairs', () => {
    const pairs: [number, number][] = [];
    for (const a of EDGE) for (const b of EDGE) pairs.push([a, b]);
    const rnd = xorshift(1);
    for (let i = 0; i < 20000; i++) pairs.push([rnd(), rnd()]);
    const c = askOracle(
      oracle,
      pairs.map(([a, b]) => `srdhm ${a} ${b} 0`),
    );
    pairs.forEach(([a, b], i) => expect(srdhm(a, b), `srdhm(${a}, ${b})`).toBe(Number(c[i])));
  });
});

describe('rdbpot', () => {
  it('rounds half away from zero', () => {
    expect(rdbpot(5, 1)).toBe(3);
    expect(rdbpot(-5, 1)).toBe(-3);
    expect(rdbpot(-6, 2)).toBe(-2);
    expect(rdbpot(6, 2)).toBe(2);
    expect(rdbpot(INT32_MIN, 31)).toBe(-1);
    expect(rdbpot(INT32_MAX, 31)).toBe(1);
  });
  it('matches the C twin for exponents 0..31', () => {
    const cases: [number, number][] = [];
    const rnd = xorshift(7);
    for (let e = 0; e <= 31; e++) {
      for (const x of EDGE) cases.push([x, e]);
      for (let i = 0; i < 200; i++) cases.push([rnd(), e]);
    }
    const c = askOracle(
      oracle,
      cases.map(([x, e]) => `rdbpot ${x} ${e} 0`),
    );
    cases.forEach(([x, e], i) => expect(rdbpot(x, e), `rdbpot(${x}, ${e})`).toBe(Number(c[i])));
  });
});

describe('multiplyByQuantizedMultiplier', () => {
  it('matches the C twin for shifts -31..30, double rounding', () => {
    const cases: [number, number, number][] = [];
    const rnd = xorshift(11);
    for (let shift = -31; shift <= 30; shift++) {
      for (const x of EDGE) cases.push([x, 1073741824 + (Math.abs(rnd()) % 1073741824), shift]);
      for (let i = 0; i < 100; i++) {
        // Keep x * 2^shift meaningful: small x for large left shifts (TFLite wraps beyond that).
        const x = shift > 0 ? rnd() >> shift : rnd();
        cases.push([x, 1073741824 + (Math.abs(rnd()) % 1073741824), shift]);
      }
    }
    const c = askOracle(
      oracle,
      cases.map(([x, m, s]) => `mbqm ${x} ${m} ${s}`),
    );
    cases.forEach(([x, m, s], i) => expect(multiplyByQuantizedMultiplier(x, m, s), `mbqm(${x}, ${m}, ${s})`).toBe(Number(c[i])));
  });

  it('single rounding matches the C twin built with EDGEC_SINGLE_ROUNDING', () => {
    const single = buildOracle('fixedpoint_oracle_single', [join(__dirname, 'fixedpoint_oracle.c')], [PORTABLE_KERNELS_DIR], ['EDGEC_SINGLE_ROUNDING'], ['-lm']);
    const cases: [number, number, number][] = [];
    const rnd = xorshift(13);
    for (let shift = -31; shift <= 30; shift++) {
      for (let i = 0; i < 100; i++) cases.push([shift > 0 ? rnd() >> shift : rnd(), 1073741824 + (Math.abs(rnd()) % 1073741824), shift]);
    }
    const c = askOracle(
      single,
      cases.map(([x, m, s]) => `mbqm ${x} ${m} ${s}`),
    );
    cases.forEach(([x, m, s], i) => expect(multiplyByQuantizedMultiplier(x, m, s, 'single')).toBe(Number(c[i])));
  });

  it('single and double rounding differ on some inputs (the modes are not interchangeable)', () => {
    let differ = 0;
    const rnd = xorshift(3);
    for (let i = 0; i < 10000; i++) {
      const x = rnd() >> 8;
      if (multiplyByQuantizedMultiplier(x, 1518500250, -9) !== multiplyByQuantizedMultiplier(x, 1518500250, -9, 'single')) differ++;
    }
    expect(differ).toBeGreaterThan(0);
  });

  it('the 64-bit int16x8 path matches the C twin for accumulators up to 2^47', () => {
    const cases: [number, number, number][] = [];
    const rnd = xorshift(17);
    for (let shift = -31; shift <= 7; shift++) {
      for (let i = 0; i < 100; i++) {
        // Accumulators as wide as the result allows: |x| < 2^(31 - shift - 1) keeps it in int32.
        const widen = Math.max(0, Math.min(16, -shift - 1));
        const x = (rnd() * 2 ** widen + (rnd() & (2 ** widen - 1))) / (shift > 0 ? 2 ** (shift + 1) : 1);
        cases.push([Math.trunc(x), Math.abs(rnd()) | 0x40000000, shift]);
      }
      // The extremes of the accumulator range, where the result still fits in int32.
      if (shift <= -17) cases.push([-(2 ** 47), 0x7fffffff, shift], [2 ** 47 - 1, 0x40000000, shift]);
    }
    const c = askOracle(
      oracle,
      cases.map(([x, m, s]) => `mbqm64 ${x} ${m} ${s}`),
    );
    cases.forEach(([x, m, s], i) => expect(multiplyByQuantizedMultiplierS64(x, m, s), `s64(${x}, ${m}, ${s})`).toBe(Number(c[i])));
  });
});

describe('quantizeMultiplier', () => {
  it('frexp splits into [0.5, 1) mantissas, subnormals included', () => {
    for (const x of [1, 0.5, 0.75, 3, 1e-30, 5e-324, 1e300, -6]) {
      const { mantissa, exponent } = frexp(x);
      expect(Math.abs(mantissa)).toBeGreaterThanOrEqual(0.5);
      expect(Math.abs(mantissa)).toBeLessThan(1);
      expect(mantissa * 2 ** exponent).toBe(x);
    }
  });
  it('rounds ties away from zero, unlike Math.round', () => {
    expect(roundHalfAwayFromZero(-2.5)).toBe(-3);
    expect(roundHalfAwayFromZero(2.5)).toBe(3);
    expect(Math.round(-2.5)).toBe(-2);
  });
  it('handles zero, tiny (flushed to 0) and huge scales, and the 2^31 carry', () => {
    expect(quantizeMultiplier(0)).toEqual({ multiplier: 0, shift: 0 });
    expect(quantizeMultiplier(2 ** -40)).toEqual({ multiplier: 0, shift: 0 });
    expect(quantizeMultiplier(1)).toEqual({ multiplier: 1073741824, shift: 1 });
    // Just below 1: the mantissa rounds up to 2^31 and carries into the shift.
    expect(quantizeMultiplier(1 - 2 ** -40)).toEqual({ multiplier: 1073741824, shift: 1 });
    expect(quantizeMultiplier(2 ** 40).shift).toBe(41);
    expect(quantizeMultiplier(2 ** 40, 'single')).toEqual({ multiplier: 2147483647, shift: 30 });
  });
  it('matches libm frexp/round on 5000 scales across 2^-40 .. 2^20', () => {
    const rnd = xorshift(5);
    const scales: number[] = [];
    for (let i = 0; i < 5000; i++) scales.push(((rnd() >>> 0) / 2 ** 32 + 0.5) * 2 ** ((Math.abs(rnd()) % 61) - 40));
    const c = askOracle(
      oracle,
      scales.map((s) => `qm ${s.toPrecision(17)} 0 0`),
    );
    scales.forEach((s, i) => {
      const [m, sh] = c[i]!.split(' ').map(Number);
      expect(quantizeMultiplier(s), `scale ${s}`).toEqual({ multiplier: m, shift: sh });
    });
  });
});
