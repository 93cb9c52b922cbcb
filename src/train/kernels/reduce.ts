/**
 * Float32 Sum and Mean for the tfjs CPU backend over any axes: each input element is added to its
 * output slot, found with one stride per axis (0 on the reduced axes). Other dtypes go to the stock
 * kernel.
 */
import type * as tf from '@tensorflow/tfjs';
import { cpu, stockKernel, values } from './util.ts';

function reduce(name: 'Sum' | 'Mean'): tf.KernelConfig {
  return {
    kernelName: name,
    backendName: 'cpu',
    kernelFunc: (args) => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      const { axis, keepDims } = args.attrs as unknown as { axis: number | number[] | null; keepDims: boolean };
      if (x.dtype !== 'float32') return stockKernel(name)(args);
      const rank = x.shape.length;
      // A null axis reduces every axis.
      const list = axis === null || axis === undefined ? x.shape.map((_, a) => a) : Array.isArray(axis) ? axis : [axis];
      const axes = new Set(list.map((a) => (a < 0 ? a + rank : a)));
      const kept = x.shape.map((d, a) => (axes.has(a) ? 1 : d));
      const strides = new Array<number>(rank).fill(0);
      let s = 1;
      for (let d = rank - 1; d >= 0; d--) {
        strides[d] = axes.has(d) ? 0 : s;
        s *= kept[d]!;
      }
      const be = cpu(args.backend);
      const xv = values(be, x);
      const out = new Float32Array(s);
      const idx = new Array<number>(rank).fill(0);
      let o = 0;
      for (let i = 0; i < xv.length; i++) {
        out[o]! += xv[i]!;
        for (let d = rank - 1; d >= 0; d--) {
          idx[d]!++;
          o += strides[d]!;
          if (idx[d]! < x.shape[d]!) break;
          o -= strides[d]! * x.shape[d]!;
          idx[d] = 0;
        }
      }
      const count = xv.length / Math.max(s, 1);
      if (name === 'Mean') for (let i = 0; i < out.length; i++) out[i]! /= count;
      return be.makeTensorInfo(keepDims ? kept : x.shape.filter((_, a) => !axes.has(a)), 'float32', out);
    },
  };
}

export const sumConfig = reduce('Sum');
export const meanConfig = reduce('Mean');
