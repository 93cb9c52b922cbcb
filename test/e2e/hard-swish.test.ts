/**
 * HARD_SWISH (int8), added through its family alone. The expected bytes come from TFLite's reference
 * HardSwish<int8_t> and TFLite Micro's HardSwishPrepare written here independently of the toolchain
 * (its own frexp, QuantizeMultiplier, DownScaleInt32ToInt16Multiplier and int16 gemmlowp helpers,
 * C casts through an Int16Array), never from the kernel under test:
 *   - conformance cases (all 256 inputs, 10 parameter sets covering left- and right-shifted reluish
 *     stages and an output stage without a right shift) through ts, c-host and c-m4;
 *   - a .tflite model with a HARD_SWISH compiled, simulated and verified on the host.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileModelFile } from '../../src/pipeline/compile.ts';
import { cortexPlatform, hostPlatform } from '../../src/conformance/platforms.ts';
import { loadSuite, runCBackend, runTsBackend } from '../../src/conformance/run.ts';
import { simulateFolder } from '../../src/sim/int8.ts';
import { verifyFolder } from '../../src/verify/verify.ts';
import { hostRunTarget } from '../../src/verify/targets.ts';
import { buildTflite } from '../support/tflite-builder.ts';
import { HAS_CORTEX, CORTEX_SKIP_REASON } from '../support/toolchain.ts';

// ---- TFLite's arithmetic, written here from its reference kernels --------------------------------

const fround = Math.fround;
const cell = new Int16Array(1);
/** static_cast<int16_t>(v) */
const i16 = (v: number) => {
  cell[0] = v;
  return cell[0]!;
};

function frexpRef(x: number): [number, number] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const e = Number((view.getBigUint64(0) >> 52n) & 0x7ffn) - 1022;
  return [x / 2 ** e, e];
}

function quantizeMultiplierRef(d: number): [number, number] {
  const [q, e] = frexpRef(d);
  let fixed = Math.floor(q * 2 ** 31 + 0.5);
  let shift = e;
  if (fixed === 2 ** 31) {
    fixed /= 2;
    shift++;
  }
  return shift < -31 ? [0, 0] : [fixed, shift];
}

function downScaleRef(m: number): number {
  if (m >= 2147483647 - 32768) return 32767;
  return Math.floor((m + 32768) / 65536);
}

function srdhmRef(a: number, b: number): number {
  if (a === b && a === -32768) return 32767;
  const ab = BigInt(a) * BigInt(b);
  const nudge = ab >= 0n ? 16384n : 1n - 16384n;
  return i16(Number((ab + nudge) / 32768n));
}

function sdhmRef(a: number, b: number): number {
  if (a === b && a === -32768) return 32767;
  return i16(Number((BigInt(a) * BigInt(b)) / 32768n));
}

function rdbpotRef(x: number, e: number): number {
  const X = BigInt(x);
  const mask = (1n << BigInt(e)) - 1n;
  const threshold = (mask >> 1n) + (X < 0n ? 1n : 0n);
  return Number((X >> BigInt(e)) + ((X & mask) > threshold ? 1n : 0n));
}

function satLeftRef(v: number, amount: number): number {
  const r = v * 2 ** amount;
  return r > 32767 ? 32767 : r < -32768 ? -32768 : r;
}

interface RefParams {
  zpIn: number;
  zpOut: number;
  outMult: number;
  outExp: number;
  reluMult: number;
  reluExp: number;
}

function prepareRef(sIn: number, zpIn: number, sOut: number, zpOut: number): RefParams {
  const hires = fround(fround(1 / 128) * fround(sIn));
  const [om, oe] = quantizeMultiplierRef(fround(hires / fround(sOut)));
  const [rm, re] = quantizeMultiplierRef(fround(hires / fround(3 / 32768)));
  return { zpIn, zpOut, outMult: downScaleRef(om), outExp: oe, reluMult: downScaleRef(rm), reluExp: re };
}

function hardSwishRef(p: RefParams, x: number): number {
  const inputValue = i16(x - p.zpIn);
  const hires = i16(inputValue * 128);
  const preshift = srdhmRef(hires, p.outMult);
  let reluish = hires;
  if (p.reluExp > 0) reluish = i16(satLeftRef(reluish, p.reluExp - 1));
  reluish = srdhmRef(reluish, p.reluMult);
  if (p.reluExp > 0) reluish = i16(satLeftRef(reluish, 1));
  if (p.reluExp < 0) reluish = i16(rdbpotRef(reluish, -p.reluExp));
  reluish = i16((reluish + 32768) >> 1);
  const pre = sdhmRef(reluish, preshift);
  let out = i16(rdbpotRef(pre, -p.outExp));
  out = i16(out + p.zpOut);
  return Math.max(-128, Math.min(127, out));
}

// ---- cases --------------------------------------------------------------------------------------

const ALL = Array.from({ length: 256 }, (_, i) => i - 128);

const PARAM_SETS = [
  { sIn: 0.05, zpIn: 0, sOut: 0.05, zpOut: -20 },
  { sIn: 0.1, zpIn: 12, sOut: 0.08, zpOut: -100 },
  { sIn: 0.004, zpIn: -5, sOut: 0.002, zpOut: -60 }, // reluish stage shifts right
  { sIn: 0.008, zpIn: 30, sOut: 0.01, zpOut: -128 },
  { sIn: 0.2, zpIn: -40, sOut: 0.15, zpOut: -90 },
  { sIn: 0.03, zpIn: 64, sOut: 0.02, zpOut: 0 },
  { sIn: 0.0117, zpIn: 0, sOut: 0.006, zpOut: -64 },
  { sIn: 0.12, zpIn: -128, sOut: 0.2, zpOut: -120 },
  { sIn: 0.5, zpIn: -128, sOut: (0.5 / 128) * 1.0001, zpOut: 100 }, // output stage exponent 0: no right shift
  { sIn: 0.02, zpIn: 100, sOut: 0.03, zpOut: 50 },
].map((p) => ({ ...p, sIn: fround(p.sIn), sOut: fround(p.sOut) }));

const tmp = mkdtempSync(join(tmpdir(), 'edgec-hardswish-'));

function writeSuite(): string {
  const dir = join(tmp, 'suite');
  mkdirSync(dir, { recursive: true });
  PARAM_SETS.forEach((ps, i) => {
    const p = prepareRef(ps.sIn, ps.zpIn, ps.sOut, ps.zpOut);
    const c = {
      schema: 'cmsisnn-testcase/1',
      case: `hard_swish_${i}`,
      op: 'hard_swish',
      act_dtype: 's8',
      kernel: 'hard_swish',
      params: {
        input_zero_point: p.zpIn,
        output_zero_point: p.zpOut,
        output_multiplier_fixedpoint_int16: p.outMult,
        output_multiplier_exponent: p.outExp,
        reluish_multiplier_fixedpoint_int16: p.reluMult,
        reluish_multiplier_exponent: p.reluExp,
      },
      tensors: {
        input: { dtype: 'int8', shape: [256], data: ALL },
        expected_output: { dtype: 'int8', shape: [256], data: ALL.map((x) => hardSwishRef(p, x)) },
      },
    };
    writeFileSync(join(dir, `hard_swish_${i}.json`), JSON.stringify(c));
  });
  return dir;
}

describe('HARD_SWISH (int8) against TFLite reference arithmetic written in this test', () => {
  const suite = writeSuite();
  const cases = loadSuite(suite);

  it('the parameter sets reach both reluish shift directions, an unshifted output stage, and differ', () => {
    const ps = PARAM_SETS.map((p) => prepareRef(p.sIn, p.zpIn, p.sOut, p.zpOut));
    expect(ps.some((p) => p.reluExp > 0)).toBe(true);
    expect(ps.some((p) => p.reluExp < 0)).toBe(true);
    expect(ps.some((p) => p.outExp === 0)).toBe(true);
    expect(new Set(cases.map((c) => JSON.stringify(c.tensors.expected_output!.data))).size).toBe(PARAM_SETS.length);
  });

  it('conformance: ts backend', () => {
    const r = runTsBackend(cases);
    expect(r.cases.filter((c) => c.status !== 'passed')).toEqual([]);
    expect(r.passed).toBe(PARAM_SETS.length);
  });

  it('conformance: c-host backend', async () => {
    const r = await runCBackend(cases, hostPlatform());
    expect(r.cases.filter((c) => c.status !== 'passed')).toEqual([]);
    expect(r.passed).toBe(PARAM_SETS.length);
  }, 120_000);

  it.skipIf(!HAS_CORTEX)(
    `conformance: c-m4 backend (QEMU)${HAS_CORTEX ? '' : ` (skipped: ${CORTEX_SKIP_REASON})`}`,
    async () => {
      const r = await runCBackend(cases, cortexPlatform('cortex-m4'));
      expect(r.cases.filter((c) => c.status !== 'passed')).toEqual([]);
      expect(r.passed).toBe(PARAM_SETS.length);
    },
    300_000,
  );

  it('a .tflite HARD_SWISH compiles, simulates every input like the reference, and verifies on the host', async () => {
    for (const [k, ps] of PARAM_SETS.slice(0, 4).entries()) {
      const file = join(tmp, `hard_swish_${k}.tflite`);
      writeFileSync(
        file,
        buildTflite({
          tensors: [
            { name: 'x', shape: [1, 256], type: 'int8', quant: { scale: [ps.sIn], zeroPoint: [ps.zpIn] } },
            { name: 'y', shape: [1, 256], type: 'int8', quant: { scale: [ps.sOut], zeroPoint: [ps.zpOut] } },
          ],
          operators: [{ builtin: 117, inputs: [0], outputs: [1] }], // HARD_SWISH = 117
          inputs: [0],
          outputs: [1],
        }),
      );
      const out = join(tmp, `out_hard_swish_${k}`);
      await compileModelFile(file, undefined, { out });
      const p = prepareRef(ps.sIn, ps.zpIn, ps.sOut, ps.zpOut);
      expect(Array.from(simulateFolder(out, Int8Array.from(ALL)))).toEqual(ALL.map((x) => hardSwishRef(p, x)));
      const v = await verifyFolder(out, hostRunTarget(), { inputs: 10 });
      expect(v.exact).toBe(10);
    }
  }, 120_000);
});
