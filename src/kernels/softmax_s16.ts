/**
 * SOFTMAX int16 -> int16 (TFLite int16 reference / CMSIS-NN semantics), twin of edgec_softmax_s16.c:
 * exp and 1/(1+x) come from 513-entry int16 lookup tables with linear interpolation between
 * entries. `softmaxLutsS16` builds the two tables the way TFLite's gen_lut does (float32 samples,
 * midpoint-error bias) so a compiled model carries them as const data.
 */
import { roundHalfAwayFromZero, multiplyByQuantizedMultiplier } from '../arith/fixedpoint.ts';

const i16 = (x: number) => (x << 16) >> 16;

function lutLookup(lut: ArrayLike<number>, x: number): number {
  const index = i16(256 + (x >> 7));
  const offset = i16(x & 0x7f);
  const base = lut[index]!;
  const slope = i16(lut[index + 1]! - lut[index]!);
  const delta = i16((slope * offset + 64) >> 7);
  return i16(base + delta);
}

export function softmaxS16(input: Int16Array, rows: number, rowSize: number, mult: number, shift: number, expLut: ArrayLike<number>, oneByOneLut: ArrayLike<number>): Int16Array {
  const out = new Int16Array(rows * rowSize);
  const exps = new Int16Array(rowSize);
  for (let r = 0; r < rows; r++) {
    const base = r * rowSize;
    let max = input[base]!;
    for (let c = 1; c < rowSize; c++) if (input[base + c]! > max) max = input[base + c]!;
    let sum = 0;
    for (let c = 0; c < rowSize; c++) {
      const scaled = multiplyByQuantizedMultiplier(input[base + c]! - max, mult, shift);
      const sym = Math.min(Math.max(scaled + 32767, -32768), 32767);
      exps[c] = lutLookup(expLut, sym);
      sum = (sum + exps[c]!) | 0;
    }
    const headroom = Math.clz32(sum);
    const shiftedSum = (((sum << (headroom - 1)) | 0) + (1 << 13)) >> 14;
    const oneByOne = lutLookup(oneByOneLut, i16(shiftedSum - 98304));
    const rightShift = i16(30 - headroom);
    for (let c = 0; c < rowSize; c++) {
      const v = (exps[c]! * oneByOne) >> rightShift;
      out[base + c] = (v + 1) >> 1;
    }
  }
  return out;
}

/** TFLite's gen_lut for int16 tables of 513 entries over [inMin, inMax] -> [-1, 1], in float32. */
export function genLutS16(fn: (x: number) => number, inMin: number, inMax: number): Int16Array {
  const f = Math.fround;
  const steps = 513;
  const step = f(f(inMax - inMin) / (steps - 1));
  const half = f(step / 2);
  const scaleInv = f(65536 / f(1 - -1));
  const lut = new Int16Array(steps);
  const clampI16 = (v: number) => Math.min(Math.max(v, -32768), 32767);
  for (let i = 0; i < steps - 1; i++) {
    const x = f(inMin + f(i * step));
    const val = f(fn(x));
    const mid = f(fn(f(x + half)));
    const next = f(fn(f(inMin + f((i + 1) * step))));
    const sample = roundHalfAwayFromZero(f(val * scaleInv));
    const interp = roundHalfAwayFromZero(f(f(f(next * scaleInv) + roundHalfAwayFromZero(f(val * scaleInv))) / 2));
    const midVal = roundHalfAwayFromZero(f(mid * scaleInv));
    const bias = roundHalfAwayFromZero(f((interp - midVal) / 2));
    lut[i] = clampI16(sample - bias);
  }
  lut[steps - 1] = clampI16(roundHalfAwayFromZero(f(f(fn(inMax)) * scaleInv)));
  return lut;
}

/** The exp table (inputs in [-10, 0]) and the 1/(1+x) table (inputs in [0, 1]). */
export function softmaxLutsS16(): { expLut: Int16Array; oneByOneLut: Int16Array } {
  return { expLut: genLutS16((x) => Math.fround(Math.exp(x)), -10, 0), oneByOneLut: genLutS16((x) => Math.fround(1 / Math.fround(1 + x)), 0, 1) };
}
