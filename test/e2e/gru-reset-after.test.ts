/**
 * The GRU with the reset gate applied after the recurrent product (PyTorch's nn.GRU exported with
 * linear_before_reset 1; Keras's reset_after): hh = tanh(W_h x + b_h + r . (U_h h + b_rh)).
 * ONNX models built in the test with seeded random weights, against onnxruntime (the oracle):
 *  - the imported float graph computes what onnxruntime computes (within 1e-4);
 *  - compiled to int8 and to int16 activations, the C equals the simulator byte for byte on the host
 *    (sanitized, 40 windows) and on Cortex-M4 in QEMU (8), and the dequantized outputs stay within
 *    the stated tolerance of onnxruntime's, the same top class on >= 95% of the windows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importOnnx } from '../../src/import/onnx.ts';
import { int, ints, OnnxBuilder, seeded } from '../support/onnx-builder.ts';
import { compileAndCompare, floatError } from '../support/onnx-check.ts';
import type { OnnxTestModel } from '../support/onnx-models.ts';
import { CORTEX_SKIP_REASON, HAS_CORTEX } from '../support/toolchain.ts';

const tmp = mkdtempSync(join(tmpdir(), 'edgec-gru-reset-after-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * nn.GRU(4, 8, batch_first=True) as torch.onnx.export writes it: [1, T, C] -> Transpose -> GRU
 * (linear_before_reset 1) -> Y_h -> Reshape -> Gemm -> Softmax. Biases up to 0.5: the recurrent
 * candidate bias Rb_h, which the reset gate scales, matters.
 */
function torchGru(): OnnxTestModel {
  const dims = [1, 20, 4];
  const units = 8;
  const m = new OnnxBuilder('torch_gru', seeded(23));
  m.input('window', dims);
  const x = m.node('Transpose', ['window'], 1, { perm: ints([1, 0, 2]) });
  const gru = [x, m.weight('W', [1, 3 * units, 4], 0.6), m.weight('R', [1, 3 * units, units], 0.5), m.weight('B', [1, 6 * units], 0.5)];
  m.node('GRU', gru, ['', 'state'], { hidden_size: int(units), linear_before_reset: int(1) }, 'gru');
  const h = m.node('Reshape', ['state', m.init('flat', [2], [1, units], 'int64')]);
  const s = m.node('Gemm', [h, m.weight('fw', [3, units], 1.5), m.weight('fb', [3])], 1, { transB: int(1) });
  m.node('Softmax', [s], ['probs']);
  m.output('probs');
  return { name: 'torch_gru', bytes: m.encode(17), dims, toIr: (v) => v };
}

/** The whole sequence Y [T, 1, 1, H] of a GRU with linear_before_reset 1, larger weights (gates nearer saturation). */
function gruSequence(): OnnxTestModel {
  const dims = [1, 12, 3];
  const units = 6;
  const m = new OnnxBuilder('gru_sequence', seeded(29));
  m.input('window', dims);
  const x = m.node('Transpose', ['window'], 1, { perm: ints([1, 0, 2]) });
  const gru = [x, m.weight('W', [1, 3 * units, 3], 1.2), m.weight('R', [1, 3 * units, units], 0.9), m.weight('B', [1, 6 * units], 0.8)];
  m.node('GRU', gru, ['y'], { hidden_size: int(units), linear_before_reset: int(1) }, 'gru');
  m.output('y');
  return { name: 'gru_sequence', bytes: m.encode(17), dims, toIr: (v) => v };
}

describe('ONNX GRU with linear_before_reset 1 (PyTorch)', () => {
  it('imports as the IR gru with resetAfter and its candidate recurrent bias apart', () => {
    const { graph } = importOnnx(torchGru().bytes, 'torch_gru.onnx');
    const op = graph.ops.find((o) => o.kind === 'gru')!;
    expect(op.attrs).toMatchObject({ resetAfter: true, recurrentActivation: 'sigmoid' });
    expect(op.inputs).toHaveLength(12);
    expect(graph.tensors[op.inputs[11]!]!.shape).toEqual([8]);
  });

  for (const build of [torchGru, gruSequence]) {
    it(`${build().name}: the imported float graph computes what onnxruntime computes (within 1e-4)`, async () => {
      expect(await floatError(build(), 8)).toBeLessThan(1e-4);
    });
  }

  const runs: { activations: 'int8' | 'int16'; tolerance: number }[] = [
    { activations: 'int8', tolerance: 0.05 },
    // 16x8: int16 activations, int8 weights, whose rounding dominates the error (as onnx.test.ts's cnn1d).
    { activations: 'int16', tolerance: 0.04 },
  ];
  for (const { activations, tolerance } of runs) {
    const where = `the host (sanitized)${HAS_CORTEX ? ' and Cortex-M4' : ''}`;
    it(`torch_gru ${activations}: C equals the simulator on ${where}; outputs within ${tolerance} of onnxruntime, same top class on >= 95% of windows`, async () => {
      const a = await compileAndCompare(torchGru(), tmp, activations);
      console.log(`torch_gru ${activations}: max |int - onnxruntime| ${a.maxError.toFixed(4)}, same top class ${(100 * a.sameTopClass).toFixed(1)}% of ${a.windows}`);
      expect(a.exactHost).toBe(a.windows);
      if (HAS_CORTEX) expect(a.exactCortex).toBe(8);
      expect(a.maxError).toBeLessThan(tolerance);
      expect(a.sameTopClass).toBeGreaterThanOrEqual(0.95);
    }, 180_000);
  }

  it('gru_sequence int8 (every step out): C equals the simulator on the host; within 0.06 of onnxruntime', async () => {
    const a = await compileAndCompare(gruSequence(), tmp, 'int8');
    console.log(`gru_sequence int8: max |int - onnxruntime| ${a.maxError.toFixed(4)}`);
    expect(a.exactHost).toBe(a.windows);
    if (HAS_CORTEX) expect(a.exactCortex).toBe(8);
    expect(a.maxError).toBeLessThan(0.06);
  }, 180_000);

  if (!HAS_CORTEX) it.skip(`Cortex-M4 runs of the models above: ${CORTEX_SKIP_REASON}`, () => {});
});
