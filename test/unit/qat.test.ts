/**
 * Quantization-aware training: fake quantization puts values on exactly the grid the compiler uses
 * (activations: chooseActivationQuant's scale and zero point; weights: quantizeWeights' per-channel
 * scales), its gradient is straight-through inside the range and zero outside, the EdgecFakeQuant
 * layer learns a range, and the range reaches the compiled model's quantization through model.json.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { saveModelToDir } from '../../src/import/tfjs-io.ts';
import { importTfjsModel } from '../../src/import/tfjs.ts';
import { runPasses } from '../../src/passes/index.ts';
import { chooseActivationQuant, quantizeGraph, quantizeWeights } from '../../src/quantize/quantize-graph.ts';
import { FakeQuant, fakeQuantActivation, fakeQuantWeights } from '../../src/train/qat.ts';
import { windows } from '../support/models.ts';

const tmp = mkdtempSync(join(tmpdir(), 'edgec-qat-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('quantization-aware training', () => {
  it('activations land on the compiler int8 grid; the gradient passes inside the range only', async () => {
    await tf.setBackend('cpu');
    const x = tf.tensor1d([-3, -1.01, -0.2, 0, 0.37, 1.5, 2.6, 9]);
    const q = chooseActivationQuant(-1, 2.5);
    const scale = q.scale[0]!;
    const zp = q.zeroPoint[0]!;
    const y = fakeQuantActivation(x, -1, 2.5).dataSync();
    x.dataSync().forEach((v, i) => {
      const level = Math.min(127, Math.max(-128, Math.round(v / scale) + zp));
      expect(y[i]).toBeCloseTo((level - zp) * scale, 6);
    });
    const g = tf
      .grad((t: tf.Tensor) => tf.sum(fakeQuantActivation(t, -1, 2.5)))(x)
      .dataSync();
    const lo = (-128 - zp) * scale;
    const hi = (127 - zp) * scale;
    x.dataSync().forEach((v, i) => expect(g[i]).toBe(v >= lo && v <= hi ? 1 : 0));
  });

  it('weights land on quantizeWeights per-channel grid', () => {
    const w = Float32Array.from({ length: 5 * 3 * 4 }, (_, i) => Math.sin(i * 1.7) * (1 + (i % 4)));
    const fq = fakeQuantWeights(w, 4); // tfjs layout: output channel last
    // The compiler's layout puts the channel first: transpose [15, 4] -> [4, 15] and compare values.
    const ir = new Float32Array(w.length);
    for (let k = 0; k < 15; k++) for (let c = 0; c < 4; c++) ir[c * 15 + k] = w[k * 4 + c]!;
    const { data, quant } = quantizeWeights({ id: 0, name: 'w', shape: [4, 15], dtype: 'float32', data: ir }, 0);
    for (let k = 0; k < 15; k++) for (let c = 0; c < 4; c++) expect(fq[k * 4 + c]).toBeCloseTo(data[c * 15 + k]! * quant.scale[c]!, 6);
  });

  it('EdgecFakeQuant learns a range in training, and the compiled model uses it instead of calibration', async () => {
    await tf.setBackend('cpu');
    const m = tf.sequential({ name: 'qat_small' });
    m.add(tf.layers.dense({ name: 'd1', inputShape: [8], units: 6, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }));
    m.add(new FakeQuant({ name: 'd1_fq' }));
    m.add(tf.layers.dense({ name: 'd2', units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }));
    m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const xs = tf.tensor2d(
      windows(16, 8, 5).flatMap((w) => Array.from(w)),
      [16, 8],
    );
    await m.fit(xs, tf.zeros([16, 3]), { epochs: 2, batchSize: 8, verbose: 0 });
    const fq = m.getLayer('d1_fq') as FakeQuant;
    expect(fq.min).toBeLessThanOrEqual(fq.max);
    expect(fq.max).toBeGreaterThan(0);
    await saveModelToDir(m, join(tmp, 'm'));
    const g = await importTfjsModel(join(tmp, 'm', 'model.json'));
    expect(g.ops.map((o) => o.kind)).toEqual(['fully_connected', 'fully_connected']); // the layer itself is gone
    const range = g.meta.activationRanges?.[g.tensors[g.ops[0]!.outputs[0]!]!.name];
    expect(range?.[0]).toBeCloseTo(fq.min, 5);
    expect(range?.[1]).toBeCloseTo(fq.max, 5);
    // Calibration windows far outside the learned range do not change the learned tensor's quantization.
    const q = quantizeGraph(
      runPasses(g),
      windows(8, 8, 6).map((w) => w.map((v) => v * 50)),
    );
    const t = q.tensors.find((x) => x.name === g.tensors[g.ops[0]!.outputs[0]!]!.name)!;
    expect(t.quant).toEqual(chooseActivationQuant(fq.min, fq.max));
  });
});
