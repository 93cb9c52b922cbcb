/**
 * The GRU with the reset gate applied after the recurrent product (PyTorch's nn.GRU exported with
 * linear_before_reset 1; Keras's reset_after): hh = tanh(W_h x + b_h + r . (U_h h + b_rh)).
 * ONNX models built in the test with seeded random weights, against onnxruntime (the oracle):
 *  - the imported float graph computes what onnxruntime computes (within 1e-4);
 *  - compiled to int8 and to int16 activations, the C equals the simulator byte for byte on the host
 *    (sanitized, 40 windows) and on Cortex-M4 in QEMU (8), and the dequantized outputs stay within
 *    the stated tolerance of onnxruntime's, the same top class on >= 95% of the windows.
 * A Keras model.json (written here as the TF2 converter writes it: GRU with reset_after, bias
 * [2, 3 * units], weights named gru/gru_cell/...): tfjs's GRUCell refuses reset_after, so its float
 * graph is checked against a hand computation of Keras's equations in this file; compiled int8 and
 * int16, bit-exact on the host and Cortex-M4.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { dequantizeValues, quantizeValues } from '../../src/arith/tensor-quant.ts';
import { importOnnx } from '../../src/import/onnx.ts';
import { importTfjsModel } from '../../src/import/tfjs.ts';
import { readModelFiles } from '../../src/import/tfjs-io.ts';
import { renameKerasLayers } from '../../src/import/tfjs-support.ts';
import { lowerGraph } from '../../src/lower/lower.ts';
import { compileGraph } from '../../src/pipeline/compile.ts';
import { runFloatGraph } from '../../src/sim/float.ts';
import { simulateLowered } from '../../src/sim/int8.ts';
import { cortexTarget, hostTarget } from '../../src/verify/targets.ts';
import { verifyFolder } from '../../src/verify/verify.ts';
import { int, ints, OnnxBuilder, randomArray, seeded } from '../support/onnx-builder.ts';
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
});

const [T, C, U, K] = [10, 3, 5, 3];

/** Keras GRU(5, reset_after=True) -> Dense(3, softmax), written as tensorflowjs_converter writes a TF2 Keras model. */
function writeKerasGru(dir: string): { kernel: Float32Array; recurrent: Float32Array; bias: Float32Array; dense: Float32Array; denseBias: Float32Array } {
  const rand = seeded(31);
  const w = {
    kernel: randomArray(C * 3 * U, rand, 0.8),
    recurrent: randomArray(U * 3 * U, rand, 0.6),
    bias: randomArray(2 * 3 * U, rand, 0.5),
    dense: randomArray(U * K, rand, 1.5),
    denseBias: randomArray(K, rand, 0.2),
  };
  const init = (name: string) => ({ class_name: name, config: {} });
  const gru = {
    class_name: 'GRU',
    config: {
      name: 'gru',
      trainable: true,
      dtype: 'float32',
      return_sequences: false,
      return_state: false,
      go_backwards: false,
      stateful: false,
      unroll: false,
      time_major: false,
      units: U,
      activation: 'tanh',
      recurrent_activation: 'sigmoid',
      use_bias: true,
      kernel_initializer: init('GlorotUniform'),
      recurrent_initializer: init('Orthogonal'),
      bias_initializer: init('Zeros'),
      kernel_regularizer: null,
      recurrent_regularizer: null,
      bias_regularizer: null,
      activity_regularizer: null,
      kernel_constraint: null,
      recurrent_constraint: null,
      bias_constraint: null,
      dropout: 0,
      recurrent_dropout: 0,
      reset_after: true,
    },
  };
  const dense = {
    class_name: 'Dense',
    config: { name: 'dense', trainable: true, dtype: 'float32', units: K, activation: 'softmax', use_bias: true, kernel_initializer: init('GlorotUniform'), bias_initializer: init('Zeros') },
  };
  const input = { class_name: 'InputLayer', config: { batch_input_shape: [null, T, C], dtype: 'float32', sparse: false, ragged: false, name: 'gru_input' } };
  const weights = [
    { name: 'gru/gru_cell/kernel', shape: [C, 3 * U], dtype: 'float32' },
    { name: 'gru/gru_cell/recurrent_kernel', shape: [U, 3 * U], dtype: 'float32' },
    { name: 'gru/gru_cell/bias', shape: [2, 3 * U], dtype: 'float32' },
    { name: 'dense/kernel', shape: [U, K], dtype: 'float32' },
    { name: 'dense/bias', shape: [K], dtype: 'float32' },
  ];
  const json = {
    format: 'layers-model',
    generatedBy: 'keras v2.15.0',
    convertedBy: 'TensorFlow.js Converter v4.22.0',
    modelTopology: { keras_version: '2.15.0', backend: 'tensorflow', model_config: { class_name: 'Sequential', config: { name: 'sequential', layers: [input, gru, dense] } } },
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights }],
  };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
  const data = [w.kernel, w.recurrent, w.bias, w.dense, w.denseBias];
  writeFileSync(join(dir, 'group1-shard1of1.bin'), Buffer.concat(data.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))));
  return w;
}

/** Keras's equations (recurrent_v2.GRUCell, reset_after=True) in float64, then Dense and softmax. */
function kerasByHand(w: ReturnType<typeof writeKerasGru>, x: Float32Array): number[] {
  const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
  // kernel [C, 3U] and recurrent [U, 3U], gates z, r, h along the last axis; bias row 0 input, row 1 recurrent.
  const mx = (t: number, col: number) => w.bias[col]! + Array.from({ length: C }, (_, c) => x[t * C + c]! * w.kernel[c * 3 * U + col]!).reduce((a, b) => a + b, 0);
  let h = new Array<number>(U).fill(0);
  for (let t = 0; t < T; t++) {
    const inner = Array.from({ length: 3 * U }, (_, col) => w.bias[3 * U + col]! + h.reduce((a, hv, j) => a + hv * w.recurrent[j * 3 * U + col]!, 0));
    h = h.map((hv, j) => {
      const z = sigmoid(mx(t, j) + inner[j]!);
      const r = sigmoid(mx(t, U + j) + inner[U + j]!);
      const hh = Math.tanh(mx(t, 2 * U + j) + r * inner[2 * U + j]!);
      return z * hv + (1 - z) * hh;
    });
  }
  const logits = Array.from({ length: K }, (_, k) => w.denseBias[k]! + h.reduce((a, hv, j) => a + hv * w.dense[j * K + k]!, 0));
  const e = logits.map((v) => Math.exp(v - Math.max(...logits)));
  return e.map((v) => v / e.reduce((a, b) => a + b, 0));
}

const kerasWindows = (n: number, seed: number) => {
  const rand = seeded(seed);
  return Array.from({ length: n }, () => randomArray(T * C, rand));
};
const argmax = (a: ArrayLike<number>) => Array.from(a).reduce((best, v, i, all) => (v > all[best]! ? i : best), 0);

describe('Keras GRU with reset_after in model.json (tfjs cannot run it)', () => {
  const dir = join(tmp, 'keras_gru');
  const w = writeKerasGru(dir);

  it('imports as the IR gru with resetAfter; its float graph equals a hand computation of Keras (within 1e-5), as does the GRUResetAfter layer tfjs loads', async () => {
    const g = await importTfjsModel(join(dir, 'model.json'));
    const op = g.ops.find((o) => o.kind === 'gru')!;
    expect(op.attrs).toMatchObject({ resetAfter: true, recurrentActivation: 'sigmoid' });
    // tfjs runs the file through the class the importer loads it as (edgec's GRUResetAfter).
    const { artifacts, layers } = readModelFiles(join(dir, 'model.json'));
    renameKerasLayers(layers);
    const model = await tf.loadLayersModel({ load: async () => artifacts });
    let worst = 0;
    let worstTfjs = 0;
    for (const x of kerasWindows(8, 5)) {
      const want = kerasByHand(w, x);
      const got = runFloatGraph(g, [x]).outputs[0]!;
      for (let k = 0; k < K; k++) worst = Math.max(worst, Math.abs(want[k]! - got[k]!));
      const p = (model.predict(tf.tensor3d(x, [1, T, C])) as tf.Tensor).dataSync();
      for (let k = 0; k < K; k++) worstTfjs = Math.max(worstTfjs, Math.abs(want[k]! - p[k]!));
    }
    model.dispose();
    console.log(`Keras GRU reset_after: max |IR float - by hand| ${worst.toExponential(2)}, |GRUResetAfter in tfjs - by hand| ${worstTfjs.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-5);
    expect(worstTfjs).toBeLessThan(1e-5);
  });

  for (const activations of ['int8', 'int16'] as const) {
    it(`${activations}: C equals the simulator on 40 inputs on the host (sanitized)${HAS_CORTEX ? ' and 4 on Cortex-M4' : ''}; same top class as the float model on >= 95% of 40 windows, within 0.05`, async () => {
      const out = join(tmp, `keras_gru_${activations}`);
      const g = await importTfjsModel(join(dir, 'model.json'));
      const r = await compileGraph(g, kerasWindows(48, 1), { out, name: 'keras_gru', activations });
      expect((await verifyFolder(out, hostTarget, { inputs: 40 })).exact).toBe(40);
      if (HAS_CORTEX) expect((await verifyFolder(out, cortexTarget('cortex-m4'), { inputs: 4 })).exact).toBe(4);
      const q = r.int8Graph;
      const [inT, outT] = [q.tensors[q.inputs[0]!]!, q.tensors[q.outputs[0]!]!];
      const lowered = lowerGraph(q);
      let same = 0;
      let maxError = 0;
      const held = kerasWindows(40, 99);
      for (const x of held) {
        const xq = activations === 'int16' ? quantizeValues(x, inT.quant!.scale[0]!, 0, 'int16') : quantizeValues(x, inT.quant!.scale[0]!, inT.quant!.zeroPoint[0]!);
        const got = dequantizeValues(simulateLowered(lowered, [xq]).outputs[0]!, outT.quant!.scale[0]!, outT.quant!.zeroPoint[0]!);
        const want = kerasByHand(w, x);
        if (argmax(got) === argmax(want)) same++;
        for (let k = 0; k < K; k++) maxError = Math.max(maxError, Math.abs(want[k]! - got[k]!));
      }
      console.log(`Keras GRU reset_after ${activations}: max |int - float| ${maxError.toFixed(4)}, same top class ${((100 * same) / held.length).toFixed(1)}%`);
      expect(same / held.length).toBeGreaterThanOrEqual(0.95);
      expect(maxError).toBeLessThan(0.05);
    }, 180_000);
  }
});

if (!HAS_CORTEX) it.skip(`Cortex-M4 runs of this file's ONNX and Keras models: ${CORTEX_SKIP_REASON}`, () => {});
