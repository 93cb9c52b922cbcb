/**
 * Quantized ONNX models against onnxruntime: QDQ models made from float ones as
 * onnxruntime.quantization.quantize_static(QuantFormat.QDQ, per_channel=True) makes them (test/support/
 * onnx-qdq.ts), and the operator-oriented form (QLinearConv, QLinearMatMul). Each imports as an int8
 * graph keeping the file's scales and zero points; its C equals the simulator on the host (sanitized)
 * and Cortex-M4; its int8 outputs are within one LSB of onnxruntime's on at least 99% of values, never
 * more than two (a chain of activations and an AveragePool, below).
 *
 * The CLI reads both kinds: `edgec compile model.onnx --calib` for a float model, without --calib for a
 * quantized one, `edgec inspect`, then `edgec verify`.
 *
 * Why some differ by one LSB: edgec requantizes as TFLite does (src/arith: a 31-bit fixed-point
 * multiplier and shift, rounding half away from zero), onnxruntime in float (MlasRequantizeOutput:
 * accumulator * float32 scale, rounded half to even), and its QLinearSoftmax tabulates float exp where
 * TFLite computes exp in fixed point. Where a product lands within rounding error of a half, the two
 * round apart by one (last run: 0.8% and 1.5% of the outputs of the models without softmax, 5.4% of
 * the softmax probabilities of the CNN; none by more than one). MaxPool and AveragePool keep their
 * input's parameters, as onnxruntime's quantizer gives them (another would add a requantization).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { compareQuantized, windows } from '../support/onnx-check.ts';
import { convFlattenGemm, type FloatSource, qdqActivationsSource, qdqCnnSource, qdqMlpSource, qoperatorSource } from '../support/onnx-models.ts';
import { type ActivationType, type Qdq, quantizeQdq, quantizeQOperator } from '../support/onnx-qdq.ts';
import { CORTEX_SKIP_REASON, HAS_CORTEX } from '../support/toolchain.ts';

const tmp = mkdtempSync(join(tmpdir(), 'edgec-onnx-q-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Quantizer = (src: FloatSource, calibration: Float32Array[], type: ActivationType) => Promise<{ bytes: Uint8Array; input: Qdq; output: Qdq }>;
const qdq: Quantizer = (src, calibration, type) => quantizeQdq(src.builder, src.input, src.dims, calibration, type);
const qoperator: Quantizer = (src, calibration, type) => quantizeQOperator(src.builder, src.input, src.dims, calibration, type);

const MODELS: { name: string; source: () => FloatSource; quantize: Quantizer; type: ActivationType; withinOne: number }[] = [
  { name: "QDQ 1-D CNN, uint8 activations (onnxruntime's default), per-channel int8 weights", source: qdqCnnSource, quantize: qdq, type: 'uint8', withinOne: 0.99 },
  { name: 'QDQ MLP with a residual Add and a Concat, int8 activations', source: qdqMlpSource, quantize: qdq, type: 'int8', withinOne: 0.99 },
  { name: 'QLinearConv -> MaxPool -> Flatten -> QLinearMatMul (operator-oriented), uint8', source: qoperatorSource, quantize: qoperator, type: 'uint8', withinOne: 0.99 },
  // LeakyRelu, Sigmoid, Tanh and HardSwish are 256-entry tables computed as onnxruntime's DQ -> float
  // op -> Q (src/ops/activations-lut.ts): one rounding each, as onnxruntime's. AveragePool rounds a
  // half away from zero (TFLite) where onnxruntime rounds it to even, and the Concat requantizes both
  // branches in fixed point; chained, last run: 107 of 300 values differ, 2 (0.7%) by two, none by more
  // (with TFLite's LOGISTIC/TANH kernels and their fixed output scale: 9 by two, 3%).
  { name: 'QDQ LeakyRelu, AveragePool, Sigmoid and Tanh into a Concat, HardSwish, int8', source: qdqActivationsSource, quantize: qdq, type: 'int8', withinOne: 0.99 },
];

const where = HAS_CORTEX ? 'the host (sanitized) and Cortex-M4' : 'the host (sanitized)';

describe('ONNX quantized models', () => {
  for (const m of MODELS) {
    it(`${m.name}: int8 graph with the file's parameters; C equals the simulator on ${where}; within 1 LSB of onnxruntime on >= ${100 * m.withinOne}% of values`, async () => {
      const src = m.source();
      const q = await m.quantize(src, windows(src.dims, 48, 31), m.type);
      const r = await compareQuantized(src, q, m.type, tmp);
      console.log(
        `${src.name}: ${r.differ} of ${r.total} output values differ from onnxruntime (${((100 * r.differ) / r.total).toFixed(1)}%), ${r.beyondOne} by more than one LSB; largest difference ${r.worst}`,
      );
      expect(r.exactHost).toBe(100);
      if (r.exactCortex !== null) expect(r.exactCortex).toBe(10);
      expect((r.total - r.beyondOne) / r.total).toBeGreaterThanOrEqual(m.withinOne);
      expect(r.worst).toBeLessThanOrEqual(2);
    }, 120_000);
  }
});

async function edgec(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await main(['node', 'edgec', ...args], {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
  });
  return { status, stdout, stderr };
}

describe('edgec with ONNX files', () => {
  it('compile model.onnx --calib (float), then verify on the host; the input layout is stated in the output and manifest.json', async () => {
    const m = convFlattenGemm();
    writeFileSync(join(tmp, 'conv.onnx'), m.bytes);
    const calib = windows(m.dims, 16, 3).map(m.toIr);
    const flat = new Float32Array(calib.length * calib[0]!.length);
    calib.forEach((w, i) => flat.set(w, i * w.length));
    writeFileSync(join(tmp, 'windows.f32'), new Uint8Array(flat.buffer));
    const out = join(tmp, 'conv_cli');
    const c = await edgec('compile', join(tmp, 'conv.onnx'), '--calib', join(tmp, 'windows.f32'), '--out', out);
    expect(c.status, c.stderr).toBe(0);
    expect(c.stdout).toMatch(/compiled 'conv'/);
    expect(c.stdout).toMatch(/input: ONNX input 'x' \[1, 3, 16\] is read channels-last/);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.preprocessing.description).toMatch(/channels-last: IR \[1, 1, 16, 3\], time-major/);
    const v = await edgec('verify', out, '--inputs', '20');
    expect(v.status, v.stderr).toBe(0);
    expect(v.stdout).toMatch(/20\/20 bit-exact/);
  }, 120_000);

  it('inspect and compile a quantized model.onnx without --calib; --calib is refused for it', async () => {
    const src = qdqMlpSource();
    const q = await qdq(src, windows(src.dims, 16, 31), 'int8');
    const file = join(tmp, 'qmlp.onnx');
    writeFileSync(file, q.bytes);
    const i = await edgec('inspect', file);
    expect(i.status, i.stderr).toBe(0);
    expect(i.stdout).toMatch(/^onnx, integer/);
    const c = await edgec('compile', file, '--out', join(tmp, 'qmlp_cli'));
    expect(c.status, c.stderr).toBe(0);
    const refused = await edgec('compile', file, '--calib', join(tmp, 'windows.f32'), '--out', join(tmp, 'never'));
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/--calib/);
  }, 60_000);
});

if (!HAS_CORTEX) it.skip(`Cortex-M4 checks of quantized ONNX models skipped: ${CORTEX_SKIP_REASON}`, () => {});
