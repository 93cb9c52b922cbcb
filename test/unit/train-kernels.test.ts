/**
 * The toolchain's training kernels against the stock tfjs CPU kernels on random shapes (strides,
 * dilation, 'same'/'valid' padding, channel multipliers): same weight gradients within float32
 * tolerance (1e-4 relative; intended: both are float32 sums in different orders).
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { FAST_KERNELS } from '../../src/train/kernels/index.ts';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  };
}

function randomTensor(shape: number[], seed: number): tf.Tensor {
  const r = rng(seed);
  return tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, r), shape);
}

function close(a: Float32Array, b: Float32Array) {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
  expect(worst).toBeLessThan(1e-4);
}

function run(name: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown>, fast: boolean): Float32Array {
  const stock = tf.getKernel(name, 'cpu')!;
  const mine = FAST_KERNELS.find((k) => k.kernelName === name)!;
  const backend = tf.backend();
  const infos = Object.fromEntries(Object.entries(inputs).map(([k, t]) => [k, t as unknown as tf.TensorInfo]));
  const out = (fast ? mine : stock).kernelFunc({ inputs: infos, backend, attrs: attrs as never }) as tf.TensorInfo;
  return (backend.readSync(out.dataId) as Float32Array).slice();
}

describe('fast training kernels equal the stock tfjs CPU kernels', () => {
  const cases = [
    { x: [2, 1, 32, 6], f: [1, 5, 6, 8], strides: [1, 2], pad: 'same' },
    { x: [3, 9, 8, 3], f: [3, 3, 3, 4], strides: [2, 2], pad: 'valid' },
    { x: [1, 7, 7, 5], f: [2, 3, 5, 2], strides: [1, 1], pad: 'same' },
  ] as const;
  cases.forEach((c, i) => {
    it(`Conv2DBackpropFilter ${JSON.stringify(c)}`, async () => {
      await tf.setBackend('cpu');
      const x = randomTensor([...c.x], 10 + i);
      const info = tf.backend_util.computeConv2DInfo([...c.x] as [number, number, number, number], [...c.f] as [number, number, number, number], [...c.strides] as [number, number], 1, c.pad);
      const dy = randomTensor([c.x[0], info.outHeight, info.outWidth, c.f[3]], 20 + i);
      const attrs = { strides: [...c.strides], pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: [...c.f] };
      close(run('Conv2DBackpropFilter', { x, dy }, attrs, true), run('Conv2DBackpropFilter', { x, dy }, attrs, false));
    });
  });
  const dw = [
    { x: [2, 1, 20, 4], f: [1, 5, 4, 1], strides: [1, 1], dil: [1, 1], pad: 'same' },
    { x: [1, 8, 9, 3], f: [3, 3, 3, 2], strides: [2, 2], dil: [1, 1], pad: 'valid' },
    { x: [2, 6, 6, 2], f: [2, 2, 2, 3], strides: [1, 1], dil: [2, 2], pad: 'same' },
  ] as const;
  dw.forEach((c, i) => {
    it(`DepthwiseConv2dNativeBackpropFilter ${JSON.stringify(c)}`, async () => {
      await tf.setBackend('cpu');
      const x = randomTensor([...c.x], 30 + i);
      const info = tf.backend_util.computeConv2DInfo(
        [...c.x] as [number, number, number, number],
        [...c.f] as [number, number, number, number],
        [...c.strides] as [number, number],
        [...c.dil] as [number, number],
        c.pad,
        undefined,
        true,
      );
      const dy = randomTensor([c.x[0], info.outHeight, info.outWidth, c.f[2] * c.f[3]], 40 + i);
      const attrs = { strides: [...c.strides], dilations: [...c.dil], pad: c.pad, dimRoundingMode: undefined, filterShape: [...c.f] };
      const mine = run('DepthwiseConv2dNativeBackpropFilter', { x, dy }, attrs, true);
      if (c.dil[0] === 1 && c.dil[1] === 1) {
        close(mine, run('DepthwiseConv2dNativeBackpropFilter', { x, dy }, attrs, false));
      } else {
        // tfjs's own kernel ignores dilation (its gradients never pass one). Independent oracle:
        // sum(dy * conv(x, W)) is linear in W, so dW[k] is the forward conv with a one-hot filter.
        const size = c.f.reduce((a: number, b: number) => a * b, 1);
        const want = new Float32Array(size);
        for (let k = 0; k < size; k++) {
          want[k] = tf.tidy(() => {
            const w = tf
              .oneHot(tf.tensor1d([k], 'int32'), size)
              .toFloat()
              .reshape([...c.f]) as tf.Tensor4D;
            const y = tf.depthwiseConv2d(x as tf.Tensor4D, w, [...c.strides] as [number, number], c.pad, 'NHWC', [...c.dil] as [number, number]);
            return tf.sum(tf.mul(y, dy)).dataSync()[0]!;
          });
        }
        close(mine, want);
      }
    });
  });
});

describe('every fast training kernel equals the stock tfjs CPU kernel', () => {
  const conv = [
    { x: [2, 1, 32, 6], f: [1, 5, 6, 8], strides: [1, 2], dil: [1, 1], pad: 'same' },
    { x: [3, 9, 8, 3], f: [3, 3, 3, 4], strides: [2, 2], dil: [1, 1], pad: 'valid' },
    { x: [1, 7, 7, 5], f: [2, 3, 5, 2], strides: [1, 1], dil: [1, 1], pad: 'same' },
    { x: [2, 1, 16, 4], f: [1, 1, 4, 6], strides: [1, 1], dil: [1, 1], pad: 'valid' },
    { x: [1, 8, 9, 2], f: [2, 3, 2, 3], strides: [1, 1], dil: [2, 2], pad: 'same' },
  ] as const;
  conv.forEach((c, i) => {
    const info = () =>
      tf.backend_util.computeConv2DInfo(
        [...c.x] as [number, number, number, number],
        [...c.f] as [number, number, number, number],
        [...c.strides] as [number, number],
        [...c.dil] as [number, number],
        c.pad,
      );
    it(`Conv2D ${JSON.stringify(c)}`, async () => {
      await tf.setBackend('cpu');
      const x = randomTensor([...c.x], 50 + i);
      const filter = randomTensor([...c.f], 60 + i);
      const attrs = { strides: [...c.strides], pad: c.pad, dataFormat: 'NHWC', dilations: [...c.dil], dimRoundingMode: undefined };
      close(run('Conv2D', { x, filter }, attrs, true), run('Conv2D', { x, filter }, attrs, false));
    });
    if (c.dil[0] !== 1) return; // tfjs computes conv gradients for unit dilation only
    it(`Conv2DBackpropInput ${JSON.stringify(c)}`, async () => {
      await tf.setBackend('cpu');
      const o = info();
      const dy = randomTensor([c.x[0], o.outHeight, o.outWidth, c.f[3]], 70 + i);
      const filter = randomTensor([...c.f], 80 + i);
      const attrs = { strides: [...c.strides], pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: undefined, inputShape: [...c.x] };
      close(run('Conv2DBackpropInput', { dy, filter }, attrs, true), run('Conv2DBackpropInput', { dy, filter }, attrs, false));
    });
  });

  const dwc = [
    { x: [2, 1, 20, 4], f: [1, 5, 4, 1], strides: [1, 1], pad: 'same' },
    { x: [1, 8, 9, 3], f: [3, 3, 3, 2], strides: [2, 2], pad: 'valid' },
    { x: [2, 6, 6, 2], f: [2, 2, 2, 3], strides: [1, 1], pad: 'same' },
  ] as const;
  dwc.forEach((c, i) => {
    it(`DepthwiseConv2dNative and its input gradient ${JSON.stringify(c)}`, async () => {
      await tf.setBackend('cpu');
      const x = randomTensor([...c.x], 90 + i);
      const filter = randomTensor([...c.f], 100 + i);
      const attrs = { strides: [...c.strides], pad: c.pad, dilations: [1, 1], dimRoundingMode: undefined };
      close(run('DepthwiseConv2dNative', { x, filter }, attrs, true), run('DepthwiseConv2dNative', { x, filter }, attrs, false));
      const o = tf.backend_util.computeConv2DInfo(
        [...c.x] as [number, number, number, number],
        [...c.f] as [number, number, number, number],
        [...c.strides] as [number, number],
        1,
        c.pad,
        undefined,
        true,
      );
      const dy = randomTensor([c.x[0], o.outHeight, o.outWidth, c.f[2] * c.f[3]], 110 + i);
      const battrs = { ...attrs, inputShape: [...c.x] };
      close(run('DepthwiseConv2dNativeBackpropInput', { dy, filter }, battrs, true), run('DepthwiseConv2dNativeBackpropInput', { dy, filter }, battrs, false));
    });
  });

  it('MaxPoolGrad (1x2 and 3x3 windows, same and valid padding)', async () => {
    await tf.setBackend('cpu');
    for (const [shape, size, strides, pad] of [
      [[2, 1, 16, 3], [1, 2], [1, 2], 'valid'],
      [[1, 7, 7, 2], [3, 3], [2, 2], 'same'],
    ] as const) {
      const input = randomTensor([...shape], 120);
      const output = tf.maxPool(input as tf.Tensor4D, [...size] as [number, number], [...strides] as [number, number], pad);
      const dy = randomTensor(output.shape, 121);
      const attrs = { filterSize: [...size], strides: [...strides], pad, dimRoundingMode: undefined };
      close(run('MaxPoolGrad', { dy, input, output }, attrs, true), run('MaxPoolGrad', { dy, input, output }, attrs, false));
    }
  });

  it('Add, Sub, Multiply, RealDiv with equal, bias, scalar and middle-axis broadcasts', async () => {
    await tf.setBackend('cpu');
    const pairs = [
      [
        [4, 1, 6, 5],
        [4, 1, 6, 5],
      ],
      [[4, 1, 6, 5], [5]],
      [
        [1, 1, 1, 5],
        [4, 1, 6, 5],
      ],
      [
        [4, 1, 1, 5],
        [4, 1, 6, 5],
      ],
      [[], [3, 2]],
      [
        [3, 1],
        [1, 4],
      ],
    ];
    pairs.forEach(([sa, sb], k) => {
      const a = randomTensor(sa!, 130 + k);
      const b = tf.add(randomTensor(sb!, 140 + k), 3); // away from 0 for RealDiv
      for (const name of ['Add', 'Sub', 'Multiply', 'RealDiv']) close(run(name, { a, b }, {}, true), run(name, { a, b }, {}, false));
    });
  });

  it('Sum and Mean over leading, middle, trailing, scattered and all axes', async () => {
    await tf.setBackend('cpu');
    const x = randomTensor([4, 1, 6, 5], 150);
    for (const axis of [[0, 1, 2], [1, 2], [3], [0, 2], null, -1]) {
      for (const keepDims of [false, true]) {
        for (const name of ['Sum', 'Mean']) close(run(name, { x }, { axis, keepDims }, true), run(name, { x }, { axis, keepDims }, false));
      }
    }
  });

  it('Relu and Step', async () => {
    await tf.setBackend('cpu');
    const x = randomTensor([4, 1, 6, 5], 160);
    close(run('Relu', { x }, {}, true), run('Relu', { x }, {}, false));
    close(run('Step', { x }, { alpha: 0 }, true), run('Step', { x }, { alpha: 0 }, false));
  });
});
