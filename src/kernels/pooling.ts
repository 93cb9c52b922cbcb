/**
 * MAX_POOL_2D and AVERAGE_POOL_2D for int8 (TFLite int8 reference semantics; input and output share
 * one quantization), twins of edgec_pooling.c. Windows are clipped to the input: padding taps are
 * neither compared nor counted. The average rounds half away from zero.
 */
import type { ActivationRange, Dims, Tile } from './types.ts';

export interface PoolParams {
  stride: Tile;
  padding: Tile;
  activation: ActivationRange;
}

function pool<T extends Int8Array | Int16Array>(kind: 'max' | 'avg', params: PoolParams, inputDims: Dims, input: T, filter: Tile, outputDims: Dims): T {
  const { n: batches, h: inH, w: inW, c: C } = inputDims;
  const { h: outH, w: outW } = outputDims;
  const { min: actMin, max: actMax } = params.activation;
  const output = (input instanceof Int16Array ? new Int16Array(batches * outH * outW * C) : new Int8Array(batches * outH * outW * C)) as T;
  const lowest = input instanceof Int16Array ? -32768 : -128;
  const acc = new Int32Array(C);
  let o = 0;
  for (let b = 0; b < batches; b++) {
    for (let oy = 0; oy < outH; oy++) {
      const y0 = oy * params.stride.h - params.padding.h;
      const yStart = Math.max(0, y0);
      const yEnd = Math.min(inH, y0 + filter.h);
      for (let ox = 0; ox < outW; ox++) {
        const x0 = ox * params.stride.w - params.padding.w;
        const xStart = Math.max(0, x0);
        const xEnd = Math.min(inW, x0 + filter.w);
        acc.fill(kind === 'max' ? lowest : 0);
        for (let y = yStart; y < yEnd; y++) {
          for (let x = xStart; x < xEnd; x++) {
            const base = ((b * inH + y) * inW + x) * C;
            if (kind === 'max') {
              for (let c = 0; c < C; c++) if (input[base + c]! > acc[c]!) acc[c] = input[base + c]!;
            } else {
              for (let c = 0; c < C; c++) acc[c]! += input[base + c]!;
            }
          }
        }
        const count = (yEnd - yStart) * (xEnd - xStart);
        for (let c = 0; c < C; c++) {
          let v = kind === 'max' ? acc[c]! : roundedAverage(acc[c]!, count);
          v = v < actMin ? actMin : v > actMax ? actMax : v;
          output[o + c] = v;
        }
        o += C;
      }
    }
  }
  return output;
}

/** (sum ± count/2) / count, truncating: rounds half away from zero. */
export function roundedAverage(sum: number, count: number): number {
  if (count === 0) return 0;
  const half = Math.trunc(count / 2);
  return Math.trunc((sum > 0 ? sum + half : sum - half) / count);
}

export function maxPoolS8(params: PoolParams, inputDims: Dims, input: Int8Array, filter: Tile, outputDims: Dims): Int8Array {
  return pool('max', params, inputDims, input, filter, outputDims);
}

export function avgPoolS8(params: PoolParams, inputDims: Dims, input: Int8Array, filter: Tile, outputDims: Dims): Int8Array {
  return pool('avg', params, inputDims, input, filter, outputDims);
}

export function maxPoolS16(params: PoolParams, inputDims: Dims, input: Int16Array, filter: Tile, outputDims: Dims): Int16Array {
  return pool('max', params, inputDims, input, filter, outputDims);
}

export function avgPoolS16(params: PoolParams, inputDims: Dims, input: Int16Array, filter: Tile, outputDims: Dims): Int16Array {
  return pool('avg', params, inputDims, input, filter, outputDims);
}
