/**
 * TFLite Micro's golden outputs for the shared .tflite models (test/models/refs/tflm-goldens.json) and
 * the inputs they were made from, for any backend's golden test.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Graph } from '../../src/ir/graph.ts';
import type { ActivationData } from '../../src/sim/int8.ts';
import { PACKAGE_ROOT } from '../../src/support/paths.ts';
import { dequantizeValues, quantizeValues } from '../../src/arith/tensor-quant.ts';
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
export function goldenInputs(g: Graph, kind: string, refInput: string): ActivationData[] {
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
  const bytesPer = (t: (typeof ins)[number]) => (t.dtype === 'int16' ? 2 : t.dtype === 'int32' ? 4 : 1);
  const sizes = ins.map((t) => t.shape.reduce((a, b) => a * b, 1));
  const view = (t: (typeof ins)[number], bytes: Uint8Array): ActivationData => {
    const copy = new Uint8Array(bytes).buffer;
    return t.dtype === 'int16' ? new Int16Array(copy) : t.dtype === 'int32' ? new Int32Array(copy) : new Int8Array(copy);
  };
  if (kind === 'zp') {
    return ins.map((t, i) => {
      const zp = t.quant!.zeroPoint[0]!;
      return t.dtype === 'int16' ? new Int16Array(sizes[i]!).fill(zp) : t.dtype === 'int32' ? new Int32Array(sizes[i]!).fill(zp) : new Int8Array(sizes[i]!).fill(zp);
    });
  }
  if (kind === 'rand') {
    // One xorshift32 byte stream across all inputs of the model, as the goldens were made.
    const all = new Uint8Array(
      xorshift32Bytes(
        ins.reduce((a, t, i) => a + sizes[i]! * bytesPer(t), 0),
        1,
      ).buffer,
    );
    let p = 0;
    return ins.map((t, i) => {
      const start = p;
      p += sizes[i]! * bytesPer(t);
      return view(t, all.subarray(start, p));
    });
  }
  return [view(ins[0]!, new Uint8Array(refFile()).subarray(0, sizes[0]! * bytesPer(ins[0]!)))];
}

/** Output bytes as the original model gives them: the integer output's bytes, or float32 after TFLite's DEQUANTIZE. */
export function goldenOutputHex(g: Graph, q: ActivationData | Buffer): string {
  const fb = g.meta.floatBoundary?.output;
  const raw = q instanceof Buffer ? q : Buffer.from(q.buffer, q.byteOffset, q.byteLength);
  if (!fb) return raw.toString('hex');
  const f = dequantizeValues(new Int8Array(raw.buffer, raw.byteOffset, raw.byteLength), fb.scale, fb.zeroPoint);
  return Buffer.from(f.buffer, f.byteOffset, f.byteLength).toString('hex');
}

/** Every golden input of a model (one sample per kind), and the bytes of all kinds back to back. */
export function goldenSamples(g: Graph, kinds: string[], refInput: string): Buffer {
  return Buffer.concat(kinds.flatMap((k) => goldenInputs(g, k, refInput).map((x) => Buffer.from(x.buffer, x.byteOffset, x.byteLength))));
}
