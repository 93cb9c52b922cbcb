/**
 * ONNX ConvTranspose (1-D and 2-D; strides, asymmetric pads, output_padding, bias, a fused Relu)
 * against onnxruntime, models built in the test with seeded random weights:
 *  - the imported float graph computes what onnxruntime computes (within 1e-4);
 *  - compiled to int8 with calibration windows (the IR's transpose_conv2d, TFLite's TRANSPOSE_CONV
 *    arithmetic), the C equals the simulator byte for byte on the host (sanitized) and on Cortex-M4;
 *  - its dequantized outputs stay within the stated tolerance of onnxruntime's float outputs (the
 *    classifier: the same top class on >= 95% of 40 held-out windows).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dequantizeValues, quantizeValues } from '../../src/arith/tensor-quant.ts';
import { importOnnx } from '../../src/import/onnx.ts';
import { compileGraph } from '../../src/pipeline/compile.ts';
import { runFloatGraph } from '../../src/sim/float.ts';
import { cortexTarget, hostTarget } from '../../src/verify/targets.ts';
import { verifyFolder } from '../../src/verify/verify.ts';
import { int, ints, OnnxBuilder, ortSession, seeded } from '../support/onnx-builder.ts';
import { compileAndCompare, diagnostics, floatError, windows } from '../support/onnx-check.ts';
import { channelsLast, type OnnxTestModel } from '../support/onnx-models.ts';
import { CORTEX_SKIP_REASON, HAS_CORTEX } from '../support/toolchain.ts';

const tmp = mkdtempSync(join(tmpdir(), 'edgec-onnx-ct-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A 1-D encoder-decoder classifier: Conv (stride 2) -> Relu -> ConvTranspose x2 (stride 2, output_padding) -> Flatten -> Gemm -> Softmax. */
function deconv1d(): OnnxTestModel {
  const dims = [1, 4, 16];
  const m = new OnnxBuilder('deconv1d', seeded(51));
  m.input('x', [1, 4, 16]);
  let h = m.node('Conv', ['x', m.weight('cw', [8, 4, 3]), m.weight('cb', [8])], 1, { strides: ints([2]), pads: ints([1, 1]) });
  h = m.node('Relu', [h]);
  h = m.node('ConvTranspose', [h, m.weight('t1w', [8, 6, 4]), m.weight('t1b', [6])], 1, { strides: ints([2]), pads: ints([1, 1]) }); // 8 -> 16
  h = m.node('Relu', [h]);
  h = m.node('ConvTranspose', [h, m.weight('t2w', [6, 4, 3])], 1, { strides: ints([2]), pads: ints([1, 1]), output_padding: ints([1]), kernel_shape: ints([3]) }); // 16 -> 32
  h = m.node('Flatten', [h]);
  h = m.node('Gemm', [h, m.weight('fw', [5, 4 * 32], 0.3), m.weight('fb', [5])], 1, { transB: int(1) });
  m.node('Softmax', [h], ['y']);
  m.output('y');
  return { name: 'deconv1d', bytes: m.encode(17), dims, toIr: channelsLast(dims) };
}

/** A 2-D upsampler whose output is the ConvTranspose itself: stride 2, pads [1, 0, 0, 1], output_padding [1, 0] (6x6 -> 13x12). */
function deconv2d(): OnnxTestModel & { outDims: number[] } {
  const dims = [1, 3, 6, 6];
  const m = new OnnxBuilder('deconv2d', seeded(52));
  m.input('x', [1, 3, 6, 6]);
  m.node('ConvTranspose', ['x', m.weight('w', [3, 5, 3, 3]), m.weight('b', [5])], ['y'], { strides: ints([2, 2]), pads: ints([1, 0, 0, 1]), output_padding: ints([1, 0]) });
  m.output('y');
  return { name: 'deconv2d', bytes: m.encode(17), dims, toIr: channelsLast(dims), outDims: [1, 5, 13, 12] };
}

describe('ONNX ConvTranspose', () => {
  const m1 = deconv1d();
  it('1-D: the imported float graph computes what onnxruntime computes (within 1e-4)', async () => {
    const g = importOnnx(m1.bytes, 'deconv1d.onnx').graph;
    expect(g.ops.filter((o) => o.kind === 'transpose_conv2d').map((o) => g.tensors[o.outputs[0]!]!.shape)).toEqual([
      [1, 1, 16, 6],
      [1, 1, 32, 4],
    ]);
    expect(await floatError(m1, 8)).toBeLessThan(1e-4);
  });

  const where = ['the host (sanitized)', ...(HAS_CORTEX ? ['Cortex-M4'] : [])].join(' and ');
  it(`1-D int8: C equals the simulator on ${where}; outputs within 0.05 of onnxruntime, same top class on >= 95% of windows`, async () => {
    const a = await compileAndCompare(m1, tmp, 'int8');
    console.log(`deconv1d int8: max |int - onnxruntime| ${a.maxError.toFixed(4)}, same top class ${(100 * a.sameTopClass).toFixed(1)}% of ${a.windows}`);
    expect(a.exactHost).toBe(a.windows);
    if (a.exactCortex !== null) expect(a.exactCortex).toBe(8);
    expect(a.maxError).toBeLessThan(0.05);
    expect(a.sameTopClass).toBeGreaterThanOrEqual(0.95);
  }, 120_000);

  const m2 = deconv2d();
  const toIrOut = channelsLast(m2.outDims);
  it('2-D (asymmetric pads, output_padding): float within 1e-4 of onnxruntime; int8 C equals the simulator, within 2 output LSB of onnxruntime', async () => {
    const { graph } = importOnnx(m2.bytes, 'deconv2d.onnx');
    expect(graph.tensors[graph.outputs[0]!]!.shape).toEqual([1, 13, 12, 5]);
    const ort = await ortSession(m2.bytes);
    let floatWorst = 0;
    for (const x of windows(m2.dims, 8, 5)) {
      const want = toIrOut(await ort.run(x, m2.dims));
      const got = runFloatGraph(graph, [m2.toIr(x)]).outputs[0]!;
      for (let i = 0; i < want.length; i++) floatWorst = Math.max(floatWorst, Math.abs(want[i]! - got[i]!));
    }
    expect(floatWorst).toBeLessThan(1e-4);

    const dir = join(tmp, 'deconv2d_int8');
    const r = await compileGraph(graph, windows(m2.dims, 48, 1).map(m2.toIr), { out: dir, name: 'deconv2d' });
    const [inT, outT] = [r.int8Graph.tensors[r.int8Graph.inputs[0]!]!, r.int8Graph.tensors[r.int8Graph.outputs[0]!]!];
    const held = windows(m2.dims, 12, 99);
    const inputs = held.map((x) => quantizeValues(m2.toIr(x), inT.quant!.scale[0]!, inT.quant!.zeroPoint[0]!));
    const samples = inputs.map((q) => Buffer.from(q.buffer, q.byteOffset, q.byteLength));
    const host = await verifyFolder(dir, hostTarget, { samples, keepOutputs: true });
    expect(host.exact).toBe(held.length);
    if (HAS_CORTEX) expect((await verifyFolder(dir, cortexTarget('cortex-m4'), { samples: samples.slice(0, 4) })).exact).toBe(4);
    const n = outT.shape.reduce((a, b) => a * b, 1);
    const scale = outT.quant!.scale[0]!;
    let worst = 0;
    for (let i = 0; i < held.length; i++) {
      const want = toIrOut(await ort.run(held[i]!, m2.dims));
      const q = new Int8Array(new Uint8Array(host.outputs!.subarray(i * n, (i + 1) * n)).buffer);
      const got = dequantizeValues(q, scale, outT.quant!.zeroPoint[0]!);
      for (let k = 0; k < n; k++) worst = Math.max(worst, Math.abs(want[k]! - got[k]!));
    }
    await ort.release();
    console.log(`deconv2d int8: max |int - onnxruntime| ${worst.toFixed(4)} (${(worst / scale).toFixed(2)} output LSB; scale ${scale.toPrecision(4)})`);
    // Last run: 0.95 LSB (calibration on 48 windows, TFLite's fixed-point requantization).
    expect(worst / scale).toBeLessThan(2);
  }, 120_000);

  it('refuses group > 1, dilations, output_shape and SAME auto_pad, located', () => {
    const t = new OnnxBuilder('refused');
    t.input('x', [1, 4, 8]);
    t.node('ConvTranspose', ['x', t.weight('w1', [4, 2, 3])], ['a'], { group: int(2) }, 'grouped');
    t.node('ConvTranspose', ['x', t.weight('w2', [4, 2, 3])], ['b'], { dilations: ints([2]) }, 'dilated');
    t.node('ConvTranspose', ['x', t.weight('w3', [4, 2, 3])], ['c'], { output_shape: ints([16]) }, 'shaped');
    for (const o of ['a', 'b', 'c']) t.output(o);
    expect(diagnostics(() => importOnnx(t.encode(), 'refused.onnx')).map((d) => [d.code, d.layer])).toEqual([
      ['E-ONNX-ATTR', 'grouped'],
      ['E-ONNX-ATTR', 'dilated'],
      ['E-ONNX-ATTR', 'shaped'],
    ]);
  });
});

if (!HAS_CORTEX) it.skip(`Cortex-M4 checks of ConvTranspose models skipped: ${CORTEX_SKIP_REASON}`, () => {});
