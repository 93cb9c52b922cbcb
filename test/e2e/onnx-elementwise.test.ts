/**
 * ONNX Mul and Sub of two activations (IR mul / sub: TFLite's MUL and SUB int8 arithmetic) against
 * onnxruntime, models built in the test with seeded random weights:
 *  - SiLU as PyTorch exports it (Conv -> Sigmoid -> Mul(conv, sigmoid)) in a 1-D classifier, and the
 *    difference of two convolution branches: the imported float graph computes what onnxruntime
 *    computes (within 1e-4); compiled to int8 with calibration windows, the C equals the simulator
 *    byte for byte on the host (sanitized) and on Cortex-M4, and the dequantized outputs stay within
 *    the stated tolerance of onnxruntime's float outputs;
 *  - a QDQ copy of the SiLU model (DQ -> Mul -> Q) keeps the file's scales: within one LSB of
 *    onnxruntime on >= 99% of the output values;
 *  - an operand that would need broadcasting is refused, located.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importOnnx } from '../../src/import/onnx.ts';
import { int, ints, OnnxBuilder, seeded } from '../support/onnx-builder.ts';
import { compareQuantized, compileAndCompare, diagnostics, floatError, windows } from '../support/onnx-check.ts';
import { channelsLast, type FloatSource, type OnnxTestModel } from '../support/onnx-models.ts';
import { quantizeQdq } from '../support/onnx-qdq.ts';
import { CORTEX_SKIP_REASON, HAS_CORTEX } from '../support/toolchain.ts';

const tmp = mkdtempSync(join(tmpdir(), 'edgec-onnx-ew-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A 1-D classifier with SiLU: Conv -> Sigmoid -> Mul(conv, sigmoid) -> MaxPool -> Conv -> Flatten -> Gemm -> Softmax. */
function siluSource(): FloatSource {
  const dims = [1, 4, 16];
  const m = new OnnxBuilder('silu1d', seeded(61));
  m.input('x', [1, 4, 16]);
  const c = m.node('Conv', ['x', m.weight('c1w', [8, 4, 3]), m.weight('c1b', [8])], 1, { pads: ints([1, 1]) });
  let h = m.node('Mul', [c, m.node('Sigmoid', [c])], 1, {}, 'silu');
  h = m.node('MaxPool', [h], 1, { kernel_shape: ints([2]), strides: ints([2]) });
  h = m.node('Conv', [h, m.weight('c2w', [6, 8, 3]), m.weight('c2b', [6])], 1, { pads: ints([1, 1]) });
  h = m.node('Flatten', [h]);
  h = m.node('Gemm', [h, m.weight('fw', [5, 6 * 8], 0.4), m.weight('fb', [5])], 1, { transB: int(1) });
  m.node('Softmax', [h], ['y']);
  m.output('y');
  return { name: 'silu1d', builder: m, input: 'x', dims, toIr: channelsLast(dims) };
}

/** Two convolution branches of one input (kernel 3 and 5) and their difference: Sub -> Relu -> Flatten -> Gemm -> Softmax. */
function branchDifference(): OnnxTestModel {
  const dims = [1, 3, 20];
  const m = new OnnxBuilder('branch_sub', seeded(62));
  m.input('x', [1, 3, 20]);
  const a = m.node('Conv', ['x', m.weight('aw', [6, 3, 3]), m.weight('ab', [6])], 1, { pads: ints([1, 1]) });
  const b = m.node('Conv', ['x', m.weight('bw', [6, 3, 5]), m.weight('bb', [6])], 1, { pads: ints([2, 2]) });
  let h = m.node('Sub', [a, b], 1, {}, 'difference');
  h = m.node('Relu', [h]);
  h = m.node('Flatten', [h]);
  h = m.node('Gemm', [h, m.weight('fw', [4, 6 * 20], 0.3), m.weight('fb', [4])], 1, { transB: int(1) });
  m.node('Softmax', [h], ['probs']);
  m.output('probs');
  return { name: 'branch_sub', bytes: m.encode(17), dims, toIr: channelsLast(dims) };
}

const asModel = (s: FloatSource): OnnxTestModel => ({ name: s.name, bytes: s.builder.encode(17), dims: s.dims, toIr: s.toIr });
const where = ['the host (sanitized)', ...(HAS_CORTEX ? ['Cortex-M4'] : [])].join(' and ');

describe('ONNX Mul and Sub of two activations', () => {
  const silu = asModel(siluSource());
  const sub = branchDifference();

  it('SiLU (Sigmoid -> Mul) and a Sub of two Conv branches: the imported float graphs compute what onnxruntime computes (within 1e-4)', async () => {
    for (const [m, kind] of [
      [silu, 'mul'],
      [sub, 'sub'],
    ] as const) {
      const g = importOnnx(m.bytes, `${m.name}.onnx`).graph;
      expect(g.ops.filter((o) => o.kind === kind).length, m.name).toBe(1);
      expect(await floatError(m, 8), m.name).toBeLessThan(1e-4);
    }
  });

  it(`SiLU classifier int8 (MUL): C equals the simulator on ${where}; probabilities within 0.1 of onnxruntime, same top class on >= 95% of windows`, async () => {
    const a = await compileAndCompare(silu, tmp, 'int8');
    console.log(`silu1d int8: max |int - onnxruntime| ${a.maxError.toFixed(4)}, same top class ${(100 * a.sameTopClass).toFixed(1)}% of ${a.windows}`);
    expect(a.exactHost).toBe(a.windows);
    if (a.exactCortex !== null) expect(a.exactCortex).toBe(8);
    // Last run: 0.061 (calibration on 48 windows), same top class on 40 of 40.
    expect(a.maxError).toBeLessThan(0.1);
    expect(a.sameTopClass).toBeGreaterThanOrEqual(0.95);
  }, 120_000);

  it(`Conv branch difference int8 (SUB): C equals the simulator on ${where}; probabilities within 0.05 of onnxruntime, same top class on >= 95% of windows`, async () => {
    const a = await compileAndCompare(sub, tmp, 'int8');
    console.log(`branch_sub int8: max |int - onnxruntime| ${a.maxError.toFixed(4)}, same top class ${(100 * a.sameTopClass).toFixed(1)}% of ${a.windows}`);
    expect(a.exactHost).toBe(a.windows);
    if (a.exactCortex !== null) expect(a.exactCortex).toBe(8);
    // Last run: 0.011, same top class on 40 of 40.
    expect(a.maxError).toBeLessThan(0.05);
    expect(a.sameTopClass).toBeGreaterThanOrEqual(0.95);
  }, 120_000);

  it(`QDQ SiLU (DQ -> Mul -> Q), int8 activations: the file's parameters; C equals the simulator on ${where}; within 1 LSB of onnxruntime on >= 99% of values`, async () => {
    const src = siluSource();
    const q = await quantizeQdq(src.builder, src.input, src.dims, windows(src.dims, 48, 31), 'int8');
    const g = importOnnx(q.bytes, 'silu_qdq.onnx').graph;
    const mul = g.ops.find((o) => o.kind === 'mul')!;
    expect(mul.inputs.map((t) => g.tensors[t]!.dtype)).toEqual(['int8', 'int8']);
    const r = await compareQuantized(src, q, 'int8', join(tmp, 'qdq'));
    console.log(
      `silu1d QDQ: ${r.differ} of ${r.total} output values differ from onnxruntime (${((100 * r.differ) / r.total).toFixed(1)}%), ${r.beyondOne} by more than one LSB; largest difference ${r.worst}`,
    );
    expect(r.exactHost).toBe(100);
    if (r.exactCortex !== null) expect(r.exactCortex).toBe(10);
    expect((r.total - r.beyondOne) / r.total).toBeGreaterThanOrEqual(0.99);
    expect(r.worst).toBeLessThanOrEqual(2);
  }, 120_000);

  it('refuses a Mul or Sub whose operands differ in shape (a [C, 1] or [1, T] operand to broadcast), located', () => {
    const m = new OnnxBuilder('broadcast');
    m.input('x', [1, 4, 8]);
    const c = m.node('Conv', ['x', m.weight('w', [4, 4, 3])], 1, { pads: ints([1, 1]) });
    const pooled = m.node('GlobalAveragePool', [c]);
    m.node('Mul', [c, pooled], ['gated'], {}, 'channel_gate');
    m.node('Sub', [c, m.node('Conv', ['x', m.weight('w1', [1, 4, 3])], 1, { pads: ints([1, 1]) })], ['centred'], {}, 'centre');
    for (const o of ['gated', 'centred']) m.output(o);
    expect(diagnostics(() => importOnnx(m.encode(), 'broadcast.onnx')).map((d) => [d.code, d.layer])).toEqual([
      ['E-ONNX-SHAPE', 'channel_gate'],
      ['E-ONNX-SHAPE', 'centre'],
    ]);
  });
});

if (!HAS_CORTEX) it.skip(`Cortex-M4 checks of Mul and Sub models skipped: ${CORTEX_SKIP_REASON}`, () => {});
