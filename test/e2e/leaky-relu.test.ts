/**
 * LEAKY_RELU (int8), added through its family alone. The expected bytes come from an implementation
 * of TFLite Micro's reference arithmetic written here, independently of the toolchain (its own frexp,
 * QuantizeMultiplier, MultiplyByQuantizedMultiplier in BigInt, and QuantizeLeakyRelu with the
 * negative-alpha sign handling), never from the kernel under test:
 *   - conformance cases (all 256 inputs, 12 parameter sets, alpha negative, zero, below and above 1)
 *     through the ts, c-host and c-m4 backends;
 *   - a .tflite model with a LEAKY_RELU compiled, simulated and verified on the host;
 *   - a tfjs model with a LeakyReLU layer compiled and verified on the host.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { compileModelFile } from '../../src/pipeline/compile.ts';
import { cortexPlatform, hostPlatform } from '../../src/conformance/platforms.ts';
import { loadSuite, runCBackend, runTsBackend } from '../../src/conformance/run.ts';
import { saveModelToDir } from '../../src/import/tfjs-io.ts';
import { simulateFolder } from '../../src/sim/int8.ts';
import { verifyFolder } from '../../src/verify/verify.ts';
import { hostRunTarget } from '../../src/verify/targets.ts';
import { buildTflite, f32 } from '../support/tflite-builder.ts';
import { HAS_CORTEX, CORTEX_SKIP_REASON } from '../support/toolchain.ts';
import { windows } from '../support/models.ts';

// ---- TFLite Micro's arithmetic, written here from its reference kernels -------------------------

const fround = Math.fround;

function frexpRef(x: number): [number, number] {
  if (x === 0) return [0, 0];
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const biased = Number((view.getBigUint64(0) >> 52n) & 0x7ffn);
  const e = biased === 0 ? frexpRef(x * 2 ** 64)[1] - 64 : biased - 1022;
  return [x / 2 ** e, e];
}

/** QuantizeMultiplier: q * 2^shift with q in [0.5, 1), q_fixed = round(q * 2^31) half away from zero. */
function quantizeMultiplierRef(d: number): [number, number] {
  if (d === 0) return [0, 0];
  const [q, e] = frexpRef(d);
  let fixed = Math.sign(q) * Math.floor(Math.abs(q) * 2 ** 31 + 0.5);
  let shift = e;
  if (fixed === 2 ** 31) {
    fixed /= 2;
    shift++;
  }
  if (shift < -31) return [0, 0];
  return [fixed, shift];
}

/** MultiplyByQuantizedMultiplier with TFLite's double rounding, exact in BigInt. */
function mbqmRef(x: number, m: number, shift: number): number {
  const left = BigInt(Math.max(shift, 0));
  const right = BigInt(Math.max(-shift, 0));
  const a = BigInt(x) << left;
  const ab = a * BigInt(m);
  const nudge = ab >= 0n ? 1n << 30n : 1n - (1n << 30n);
  const high = (ab + nudge) / (1n << 31n); // truncates toward zero, as C++ integer division
  const mask = (1n << right) - 1n;
  const threshold = (mask >> 1n) + (high < 0n ? 1n : 0n);
  return Number((high >> right) + ((high & mask) > threshold ? 1n : 0n));
}

interface RefParams {
  zpIn: number;
  zpOut: number;
  identity: [number, number];
  alpha: [number, number];
}

/** TFLite Micro's CalculateOpDataLeakyRelu: the products and quotients in float32, then double. */
function prepareRef(sIn: number, zpIn: number, sOut: number, zpOut: number, alpha: number): RefParams {
  return {
    zpIn,
    zpOut,
    alpha: quantizeMultiplierRef(fround(fround(fround(sIn) * fround(alpha)) / fround(sOut))),
    identity: quantizeMultiplierRef(fround(fround(sIn) / fround(sOut))),
  };
}

/** QuantizeLeakyRelu<int8_t>. */
function leakyReluRef(p: RefParams, x: number): number {
  const v = x - p.zpIn;
  let out = p.zpOut;
  if (v >= 0) out += mbqmRef(v, p.identity[0], p.identity[1]);
  else {
    const neg = p.alpha[0] < 0;
    const scaled = mbqmRef(v, neg ? -p.alpha[0] : p.alpha[0], p.alpha[1]);
    out += neg ? -scaled : scaled;
  }
  return Math.min(127, Math.max(-128, out));
}

// ---- cases --------------------------------------------------------------------------------------

const ALL = Array.from({ length: 256 }, (_, i) => i - 128);

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const PARAM_SETS = (() => {
  const next = rng(7);
  const alphas = [0.2, 0.01, 0, -0.3, 1.7, 0.5, -1.25, 0.1, 3, 0.3, -0.05, 0.99];
  return alphas.map((alpha) => ({
    sIn: fround(0.002 + next() * 0.2),
    zpIn: Math.floor(next() * 200) - 100,
    sOut: fround(0.002 + next() * 0.2),
    zpOut: Math.floor(next() * 200) - 100,
    alpha,
  }));
})();

const tmp = mkdtempSync(join(tmpdir(), 'edgec-leaky-'));

function writeSuite(): string {
  const dir = join(tmp, 'suite');
  mkdirSync(dir, { recursive: true });
  PARAM_SETS.forEach((ps, i) => {
    const p = prepareRef(ps.sIn, ps.zpIn, ps.sOut, ps.zpOut, ps.alpha);
    const c = {
      schema: 'cmsisnn-testcase/1',
      case: `leaky_relu_${i}`,
      op: 'leaky_relu',
      act_dtype: 's8',
      kernel: 'leaky_relu',
      params: { input_zero_point: p.zpIn, output_zero_point: p.zpOut, identity: { multiplier: p.identity[0], shift: p.identity[1] }, alpha: { multiplier: p.alpha[0], shift: p.alpha[1] } },
      tensors: {
        input: { dtype: 'int8', shape: [256], data: ALL },
        expected_output: { dtype: 'int8', shape: [256], data: ALL.map((x) => leakyReluRef(p, x)) },
      },
    };
    writeFileSync(join(dir, `leaky_relu_${i}.json`), JSON.stringify(c));
  });
  return dir;
}

describe('LEAKY_RELU (int8) against TFLite Micro reference arithmetic written in this test', () => {
  const suite = writeSuite();
  const cases = loadSuite(suite);

  it('the reference differs between the parameter sets (the cases are not trivial)', () => {
    const outs = new Set(cases.map((c) => JSON.stringify(c.tensors.expected_output!.data)));
    expect(outs.size).toBe(PARAM_SETS.length);
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

  it('a .tflite LEAKY_RELU compiles, simulates every input like the reference, and verifies on the host', async () => {
    for (const [k, ps] of PARAM_SETS.slice(0, 4).entries()) {
      const file = join(tmp, `leaky_${k}.tflite`);
      writeFileSync(
        file,
        buildTflite({
          tensors: [
            { name: 'x', shape: [1, 256], type: 'int8', quant: { scale: [ps.sIn], zeroPoint: [ps.zpIn] } },
            { name: 'y', shape: [1, 256], type: 'int8', quant: { scale: [ps.sOut], zeroPoint: [ps.zpOut] } },
          ],
          // LEAKY_RELU = 98; LeakyReluOptions (union index 75) holds alpha in field 0.
          operators: [{ builtin: 98, inputs: [0], outputs: [1], options: { type: 75, fields: [f32(ps.alpha)] } }],
          inputs: [0],
          outputs: [1],
        }),
      );
      const out = join(tmp, `out_leaky_${k}`);
      await compileModelFile(file, undefined, { out });
      const sim = simulateFolder(out, Int8Array.from(ALL));
      const p = prepareRef(ps.sIn, ps.zpIn, ps.sOut, ps.zpOut, ps.alpha);
      expect(Array.from(sim)).toEqual(ALL.map((x) => leakyReluRef(p, x)));
      const v = await verifyFolder(out, hostRunTarget(), { inputs: 10 });
      expect(v.exact).toBe(10);
    }
  }, 120_000);

  it('a tfjs model with a LeakyReLU layer compiles and verifies on the host', async () => {
    const m = tf.sequential({ name: 'leaky' });
    m.add(tf.layers.dense({ inputShape: [8], units: 6, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }));
    m.add(tf.layers.leakyReLU({ alpha: 0.2, name: 'leaky' }));
    m.add(tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }));
    await saveModelToDir(m, join(tmp, 'tfjs'));
    const calib = join(tmp, 'calib.json');
    writeFileSync(calib, JSON.stringify(windows(32, 8).map((w) => Array.from(w))));
    const out = join(tmp, 'out_tfjs');
    await compileModelFile(join(tmp, 'tfjs', 'model.json'), calib, { out });
    const graph = JSON.parse(readFileSync(join(out, 'graph.json'), 'utf8'));
    const op = graph.ops.find((o: { kind: string }) => o.kind === 'leaky_relu');
    expect(op.attrs.alpha).toBeCloseTo(0.2, 6);
    const v = await verifyFolder(out, hostRunTarget(), { inputs: 50 });
    expect(v.exact).toBe(50);
  }, 120_000);
});
