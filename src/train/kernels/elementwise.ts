/**
 * Float32 Add, Sub, Multiply, RealDiv for the tfjs CPU backend with NumPy broadcasting: equal shapes
 * and a trailing (bias) broadcast take a flat loop; any other broadcast walks the output with one
 * stride per operand and axis (0 where the operand repeats). Other dtypes go to the stock kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { broadcastStrides, cpu, stockKernel, values } from './util.ts';

type Op = (x: number, y: number) => number;

function binary(name: string, op: Op): tf.KernelConfig {
  return {
    kernelName: name,
    backendName: 'cpu',
    kernelFunc: (args) => {
      const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
      if (a.dtype !== 'float32' || b.dtype !== 'float32') return stockKernel(name)(args);
      const shape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
      const be = cpu(args.backend);
      const av = values(be, a);
      const bv = values(be, b);
      const n = shape.reduce((p, q) => p * q, 1);
      const out = new Float32Array(n);
      if (av.length === n && bv.length === n) {
        flat(name, av, bv, out, n, n);
      } else if (av.length === n && n % bv.length === 0 && sameTail(shape, b.shape)) {
        flat(name, av, bv, out, n, bv.length);
      } else if (bv.length === n && n % av.length === 0 && sameTail(shape, a.shape)) {
        // a repeats: b op a for the commutative ops, explicit loops otherwise.
        if (name === 'Add' || name === 'Multiply') flat(name, bv, av, out, n, av.length);
        else for (let i = 0; i < n; i++) out[i] = op(av[i % av.length]!, bv[i]!);
      } else {
        const sa = broadcastStrides(a.shape, shape);
        const sb = broadcastStrides(b.shape, shape);
        const rank = shape.length;
        const idx = new Array<number>(rank).fill(0);
        let ia = 0;
        let ib = 0;
        for (let i = 0; i < n; i++) {
          out[i] = op(av[ia]!, bv[ib]!);
          for (let d = rank - 1; d >= 0; d--) {
            idx[d]!++;
            ia += sa[d]!;
            ib += sb[d]!;
            if (idx[d]! < shape[d]!) break;
            ia -= sa[d]! * shape[d]!;
            ib -= sb[d]! * shape[d]!;
            idx[d] = 0;
          }
        }
      }
      return be.makeTensorInfo(shape, 'float32', out);
    },
  };
}

/**
 * out[i] = a[i] op b[i % period]. One loop per op: a shared loop calling `op` would see four
 * different functions and stay an uninlined call per element.
 */
function flat(name: string, a: Float32Array, b: Float32Array, out: Float32Array, n: number, period: number): void {
  if (period === n) {
    switch (name) {
      case 'Add':
        for (let i = 0; i < n; i++) out[i] = a[i]! + b[i]!;
        return;
      case 'Sub':
        for (let i = 0; i < n; i++) out[i] = a[i]! - b[i]!;
        return;
      case 'Multiply':
        for (let i = 0; i < n; i++) out[i] = a[i]! * b[i]!;
        return;
      default:
        for (let i = 0; i < n; i++) out[i] = a[i]! / b[i]!;
        return;
    }
  }
  for (let base = 0; base < n; base += period) {
    switch (name) {
      case 'Add':
        for (let j = 0; j < period; j++) out[base + j] = a[base + j]! + b[j]!;
        break;
      case 'Sub':
        for (let j = 0; j < period; j++) out[base + j] = a[base + j]! - b[j]!;
        break;
      case 'Multiply':
        for (let j = 0; j < period; j++) out[base + j] = a[base + j]! * b[j]!;
        break;
      default:
        for (let j = 0; j < period; j++) out[base + j] = a[base + j]! / b[j]!;
    }
  }
}

/** The smaller operand's non-1 dims are exactly the trailing dims of the output (a bias). */
function sameTail(out: readonly number[], small: readonly number[]): boolean {
  const first = small.findIndex((d) => d !== 1);
  const s = first < 0 ? [] : small.slice(first);
  return s.every((d, i) => d === out[out.length - s.length + i]);
}

export const addConfig = binary('Add', (x, y) => x + y);
export const subConfig = binary('Sub', (x, y) => x - y);
export const multiplyConfig = binary('Multiply', (x, y) => x * y);
export const realDivConfig = binary('RealDiv', (x, y) => x / y);
