/**
 * ONNX float models against onnxruntime (the oracle), built in the test with seeded random weights
 * (test/support/onnx-models.ts):
 *  - the imported float graph computes what onnxruntime computes (within 1e-4);
 *  - compiled to int8 (int16 activations for one) with calibration windows, the C equals the
 *    simulator byte for byte on the host (sanitized) and on Cortex-M4 in QEMU, and its dequantized
 *    outputs stay close to onnxruntime's float outputs (the stated tolerance; the same top class on at
 *    least 95% of 40 held-out windows);
 *  - refusals: every unsupported operator listed at once, corrupted files, external data.
 * Quantized (QDQ) models: onnx-quantized.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importOnnx } from '../../src/import/onnx.ts';
import { EdgecError } from '../../src/support/diagnostics.ts';
import { float, int, ints, OnnxBuilder, seeded, str, tensorProto } from '../support/onnx-builder.ts';
import { compileAndCompare, diagnostics, floatError } from '../support/onnx-check.ts';
import { cnn1d, cnn2d, convFlattenGemm, gru, layouts, lstm, mlp, type OnnxTestModel } from '../support/onnx-models.ts';
import { CORTEX_SKIP_REASON, HAS_CORTEX } from '../support/toolchain.ts';

const tmp = mkdtempSync(join(tmpdir(), 'edgec-onnx-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Run {
  activations: 'int8' | 'int16';
  tolerance: number;
  /** false: the C runs on Cortex-M4 only and the simulator's outputs are compared (see the LSTM). */
  host?: boolean;
}

const FLOAT_MODELS: [() => OnnxTestModel, Run[]][] = [
  [
    cnn1d,
    [
      { activations: 'int8', tolerance: 0.05 },
      // 16x8: int16 activations, int8 weights, whose rounding dominates the error.
      { activations: 'int16', tolerance: 0.04 },
    ],
  ],
  [mlp, [{ activations: 'int8', tolerance: 0.05 }]],
  [cnn2d, [{ activations: 'int8', tolerance: 0.05 }]],
  [layouts, [{ activations: 'int8', tolerance: 0.25 }]],
  [gru, [{ activations: 'int8', tolerance: 0.05 }]],
  // The sanitized host build of TFLite's integer LSTM kernel takes ~17 s here; its C is verified on
  // the host by test/e2e/sequence-models.test.ts, so this model checks Cortex-M4 and the simulator.
  [lstm, [{ activations: 'int8', tolerance: 0.1, host: false }]],
  // The channels-last Flatten -> Gemm permutation (also in cnn1d): float only.
  [convFlattenGemm, []],
];

for (const [build, runs] of FLOAT_MODELS) {
  const m = build();
  describe(`ONNX float model ${m.name}`, () => {
    it('the imported float graph computes what onnxruntime computes (within 1e-4)', async () => {
      expect(await floatError(m, 8)).toBeLessThan(1e-4);
    });
    for (const { activations, tolerance, host = true } of runs) {
      const where = [...(host ? ['the host (sanitized)'] : []), ...(HAS_CORTEX ? ['Cortex-M4'] : [])].join(' and ');
      it(`${activations}: C equals the simulator on ${where}; outputs within ${tolerance} of onnxruntime, same top class on >= 95% of windows`, async () => {
        const a = await compileAndCompare(m, tmp, activations, host);
        console.log(`${m.name} ${activations}: max |int - onnxruntime| ${a.maxError.toFixed(4)}, same top class ${(100 * a.sameTopClass).toFixed(1)}% of ${a.windows}`);
        if (host) expect(a.exactHost).toBe(a.windows);
        if (a.exactCortex !== null) expect(a.exactCortex).toBe(8);
        expect(a.maxError).toBeLessThan(tolerance);
        expect(a.sameTopClass).toBeGreaterThanOrEqual(0.95);
      }, 120_000);
    }
  });
}

describe('ONNX refusals', () => {
  it('lists every unsupported operator at once, with node names and op types', () => {
    const m = new OnnxBuilder('unsupported');
    m.input('x', [1, 4]);
    const a = m.node('Relu', ['x']);
    const b = m.node('Erf', [a], 1, {}, 'my_erf');
    const c = m.node('TopK', [b, m.init('k', [1], [2], 'int64')], 2, {}, 'my_topk');
    m.node('LogSoftmax', [c], ['y'], {}, 'my_logsoftmax');
    m.output('y');
    const d = diagnostics(() => importOnnx(m.encode(), 'unsupported.onnx'));
    expect(d.map((x) => [x.code, x.layer])).toEqual([
      ['E-ONNX-OP', 'my_erf'],
      ['E-ONNX-OP', 'my_topk'],
      ['E-ONNX-OP', 'my_logsoftmax'],
    ]);
    expect(d.map((x) => x.message).join('\n')).toMatch(/Erf[\s\S]*TopK[\s\S]*LogSoftmax/);
  });

  it('refuses what the IR cannot compute exactly, every node at once: a GRU with clip, bidirectional LSTM, Div of activations, Clip(0, 3) (ConvTranspose: onnx-conv-transpose.test.ts; Mul/Sub broadcasts: onnx-elementwise.test.ts)', () => {
    const m = new OnnxBuilder('refused');
    m.input('x', [1, 4, 8]);
    const seq = m.node('Transpose', ['x'], 1, { perm: ints([2, 0, 1]) });
    m.node('GRU', [seq, m.weight('gw', [1, 12, 4]), m.weight('gr', [1, 12, 4])], ['g', ''], { hidden_size: int(4), clip: float(3) }, 'clipped_gru');
    m.node('LSTM', [seq, m.weight('lw', [2, 16, 4]), m.weight('lr', [2, 16, 4])], ['l'], { hidden_size: int(4), direction: str('bidirectional') }, 'bi_lstm');
    const a = m.node('Relu', ['x']);
    m.node('Div', [a, 'x'], ['d'], {}, 'quotient');
    m.node('Clip', ['x', m.init('lo', [], [0]), m.init('hi', [], [3])], ['c'], {}, 'clip3');
    for (const o of ['g', 'l', 'd', 'c']) m.output(o);
    const d = diagnostics(() => importOnnx(m.encode(), 'refused.onnx'));
    expect(d.map((x) => [x.code, x.layer])).toEqual([
      ['E-ONNX-ATTR', 'clipped_gru'],
      ['E-ONNX-ATTR', 'bi_lstm'],
      ['E-ONNX-OP', 'quotient'],
      ['E-ONNX-OP', 'clip3'],
    ]);
    expect(d[0]!.message).toMatch(/clip/);
  });

  it('refuses corrupted files with located errors, never a stack trace', () => {
    const good = cnn1d().bytes;
    const cases: [string, Uint8Array][] = [
      ['empty', new Uint8Array(0)],
      ['truncated', good.subarray(0, Math.floor(good.length / 2))],
      ['garbage', Uint8Array.from({ length: 300 }, (_, i) => (i * 151 + 7) & 0xff)],
      ['flipped', Uint8Array.from(good, (v, i) => (i % 97 === 13 ? v ^ 0xff : v))],
    ];
    for (const [what, bytes] of cases) {
      const d = diagnostics(() => importOnnx(bytes, `${what}.onnx`));
      expect(d.length, what).toBeGreaterThan(0);
      for (const x of d) expect(x.code, `${what}: ${x.message}`).toMatch(/^E-(ONNX|GRAPH)-/);
    }
  });

  it('imports or refuses, located, every one of 200 byte mutations of each model (never another error)', () => {
    const rand = seeded(4);
    const pick = (n: number) => Math.floor(((rand() + 1) / 2) * n);
    let refused = 0;
    for (const m of [cnn1d(), cnn2d(), gru(), lstm()]) {
      for (let i = 0; i < 200; i++) {
        const b = Uint8Array.from(m.bytes);
        for (let k = 0; k <= pick(3); k++) b[pick(b.length)] = pick(256);
        try {
          importOnnx(b, 'mutated.onnx');
        } catch (e) {
          if (!(e instanceof EdgecError)) throw e;
          refused++;
        }
      }
    }
    expect(refused).toBeGreaterThan(100);
  });

  it('refuses raw_data of the wrong length, absurd dims and external data, naming the tensor', () => {
    const m = new OnnxBuilder('hostile');
    m.input('x', [1, 4]);
    m.initializers.push({ ...tensorProto('short', [4, 4], new Float32Array(16)), rawData: new Uint8Array(60) });
    m.initializers.push({ ...tensorProto('huge', [1 << 20, 1 << 20], new Float32Array(0)) });
    m.initializers.push({ name: 'outside', dims: [4, 2], dataType: 1, dataLocation: 1, externalData: [{ key: 'location', value: 'weights.bin' }] });
    m.node('MatMul', ['x', 'outside'], ['y']);
    m.output('y');
    const d = diagnostics(() => importOnnx(m.encode(), 'hostile.onnx'));
    expect(d.map((x) => [x.code, x.tensor])).toEqual([
      ['E-ONNX-TENSOR', 'short'],
      ['E-ONNX-TENSOR', 'huge'],
      ['E-ONNX-EXTERNAL', 'outside'],
    ]);
    expect(d[2]!.message).toMatch(/weights\.bin.*save_as_external_data=False/);
  });
});

if (!HAS_CORTEX) it.skip(`Cortex-M4 checks of ONNX float models skipped: ${CORTEX_SKIP_REASON}`, () => {});
