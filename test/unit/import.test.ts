/**
 * tfjs import + passes against tfjs itself: the float graph's output equals model.predict within
 * float tolerance (1e-4 relative: both are float32 computations, in different orders), and the
 * passes leave a valid graph (folded batch norm, fused activations, no dropout).
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { importLayersModel } from '../../src/import/tfjs.ts';
import { validateGraph } from '../../src/ir/validate.ts';
import { runPasses } from '../../src/passes/index.ts';
import { runFloatGraph } from '../../src/sim/float.ts';
import { functionalModel, smallHarModel, windows } from '../support/models.ts';

function expectClose(a: ArrayLike<number>, b: ArrayLike<number>) {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(b[i]!)));
}

function check(model: tf.LayersModel, shape: number[]) {
  const g = runPasses(importLayersModel(model, 'memory'), { verify: true });
  expect(validateGraph(g)).toEqual([]);
  const size = shape.reduce((a, b) => a * b, 1);
  for (const w of windows(5, size)) {
    const want = tf.tidy(() => (model.predict(tf.tensor(w, [1, ...shape])) as tf.Tensor).dataSync());
    expectClose(runFloatGraph(g, [w]).outputs[0]!, want);
  }
  return g;
}

describe('tfjs import', () => {
  it('a sequential 1-D CNN with batch norm, ReLU layer, separable conv and pooling matches tfjs', () => {
    const g = check(smallHarModel(), [32, 6]);
    const kinds = g.ops.map((o) => o.kind);
    expect(kinds).not.toContain('batch_norm');
    expect(kinds).not.toContain('relu');
    expect(g.ops.find((o) => o.name === 'conv')!.attrs).toMatchObject({ activation: 'relu' });
  });

  it('a functional model with residual add, concatenate, zero padding, dilation, strides, dropout matches tfjs', () => {
    const g = check(functionalModel(), [24, 4]);
    expect(g.ops.map((o) => o.kind)).toEqual(['conv2d', 'conv2d', 'add', 'pad', 'conv2d', 'avg_pool2d', 'conv2d', 'concat', 'reshape', 'fully_connected']);
  });

  it('2-D layers: Conv2D, DepthwiseConv2D with multiplier, pools, global max pooling', () => {
    const m = tf.sequential();
    m.add(tf.layers.conv2d({ inputShape: [9, 8, 3], filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 11 }) }));
    m.add(tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'valid', depthwiseInitializer: tf.initializers.glorotUniform({ seed: 12 }) }));
    m.add(tf.layers.maxPooling2d({ poolSize: 2, padding: 'same' }));
    m.add(tf.layers.globalMaxPooling2d({}));
    m.add(tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: 13 }) }));
    check(m, [9, 8, 3]);
  });
});
