/** Quantizer pieces: activation params, symmetric per-channel weights, observers, kernel constants. */
import { describe, expect, it } from 'vitest';
import { chooseActivationQuant, quantizeWeights } from '../../src/quantize/quantize-graph.ts';
import { MinMaxObserver, PercentileObserver } from '../../src/quantize/observers.ts';
import { activationRange, softmaxParams } from '../../src/arith/op-params.ts';

describe('chooseActivationQuant', () => {
  it('represents real 0 exactly and covers the range', () => {
    for (const [lo, hi] of [
      [-1, 3],
      [0, 6],
      [-5, -1],
      [0.5, 2],
      [-0.001, 100],
    ] as const) {
      const q = chooseActivationQuant(lo, hi);
      const s = q.scale[0]!;
      const zp = q.zeroPoint[0]!;
      expect(zp).toBeGreaterThanOrEqual(-128);
      expect(zp).toBeLessThanOrEqual(127);
      expect(s * (zp - zp)).toBe(0);
      expect(s * (-128 - zp)).toBeLessThanOrEqual(Math.min(lo, 0) + s);
      expect(s * (127 - zp)).toBeGreaterThanOrEqual(Math.max(hi, 0) - s);
    }
  });
});

describe('quantizeWeights', () => {
  it('is symmetric per output channel with the channel maximum at +-127', () => {
    const data = Float32Array.from([0.5, -1, 0.25, 2, -4, 1]);
    const { data: q, quant } = quantizeWeights({ id: 0, name: 'w', shape: [2, 3], dtype: 'float32', data }, 0);
    expect(quant.zeroPoint).toEqual([0, 0]);
    expect(Array.from(q)).toEqual([64, -127, 32, 64, -127, 32]);
    expect(quant.scale[0]).toBeCloseTo(1 / 127, 7);
    expect(quant.scale[1]).toBeCloseTo(4 / 127, 7);
  });
});

describe('observers', () => {
  it('percentile clips rare outliers that min/max keeps', () => {
    const values = new Float32Array(100000);
    for (let i = 0; i < values.length; i++) values[i] = Math.sin(i);
    values[5] = 50;
    const mm = new MinMaxObserver();
    const pc = new PercentileObserver(99.9);
    mm.observe(values);
    pc.observe(values);
    expect(mm.range().hi).toBe(50);
    expect(pc.range().hi).toBeLessThan(2);
    expect(pc.range().lo).toBeLessThan(-0.9);
  });
});

describe('kernel constants', () => {
  it('relu and relu6 clamp at the quantized 0 and 6', () => {
    const q = { scale: [0.05], zeroPoint: [-100] };
    expect(activationRange('relu', q)).toEqual({ min: -100, max: 127 });
    expect(activationRange('relu6', q)).toEqual({ min: -100, max: 20 });
    expect(activationRange('none', q)).toEqual({ min: -128, max: 127 });
  });
  it('softmax diff_min follows the input left shift: radius = 31 * 2^26 / 2^shift', () => {
    // The conformance case `softmax` was generated with shift 19 and diff_min -3968 = -31 * 2^7.
    const p = softmaxParams(1, { scale: [Math.fround(2 ** 19 / (2 ** 26 * 2 ** 1))], zeroPoint: [0] });
    expect(p.leftShift).toBe(19);
    expect(p.diffMin).toBe(-3968);
  });
});
