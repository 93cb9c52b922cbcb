/**
 * TFLite Micro's golden outputs for the shared .tflite models (test/models/refs/tflm-goldens.json) and
 * the inputs they were made from, for any backend's golden test.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Graph } from '../../src/ir/graph.ts';
import { PACKAGE_ROOT } from '../../src/paths.ts';
import { dequantizeValues, quantizeValues } from '../../src/quantize/tensor-quant.ts';
import { xorshift32Bytes } from '../../src/verify/verify.ts';

export const MODELS_DIR = join(PACKAGE_ROOT, 'test/models');

export interface GoldenModel {
  model: string;
  ref_input: string;
  expected_hex: Record<string, string[]>;
}

export const GOLDENS = (JSON.parse(readFileSync(join(MODELS_DIR, 'refs/tflm-goldens.json'), 'utf8')) as { models: GoldenModel[] }).models;

/**
 * The model's int8 inputs for one golden input kind. A float-boundary model gets float windows
 * (zeros; xorshift bytes / 128; the reference file) quantized as TFLite's QUANTIZE would.
 */
export function goldenInputs(g: Graph, kind: string, refInput: string): Int8Array[] {
  const ins = g.inputs.map((id) => g.tensors[id]!);
  const fb = g.meta.floatBoundary?.input;
  const refFile = () => readFileSync(join(MODELS_DIR, 'refs', refInput.replace('../refs/', '')));
  if (fb) {
    const size = ins[0]!.shape.reduce((a, b) => a * b, 1);
    let x: Float32Array;
    if (kind === 'zp') x = new Float32Array(size);
    else if (kind === 'rand') x = Float32Array.from(xorshift32Bytes(size, 1), (v) => v / 128);
    else x = new Float32Array(new Uint8Array(refFile()).buffer, 0, size);
    return [quantizeValues(x, fb.scale, fb.zeroPoint)];
  }
  const sizes = ins.map((t) => t.shape.reduce((a, b) => a * b, 1));
  if (kind === 'zp') return ins.map((t, i) => new Int8Array(sizes[i]!).fill(t.quant!.zeroPoint[0]!));
  if (kind === 'rand') {
    // One xorshift32 stream across all inputs of the model, as the goldens were made.
    const all = xorshift32Bytes(sizes.reduce((a, b) => a + b, 0), 1);
    let p = 0;
    return sizes.map((s) => all.slice(p, (p += s)));
  }
  const buf = refFile();
  return [new Int8Array(buf.buffer, buf.byteOffset, sizes[0]!).slice()];
}

/** Output bytes as the original model gives them: int8, or float32 after TFLite's DEQUANTIZE. */
export function goldenOutputHex(g: Graph, q: Int8Array | Buffer): string {
  const fb = g.meta.floatBoundary?.output;
  const ints = q instanceof Int8Array ? q : new Int8Array(q.buffer, q.byteOffset, q.byteLength);
  const bytes = fb ? dequantizeValues(ints, fb.scale, fb.zeroPoint) : ints;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
