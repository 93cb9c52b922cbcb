/**
 * The checks of the ONNX tests (test/e2e/onnx*.test.ts) against onnxruntime:
 *  - floatError: the imported float graph against onnxruntime on seeded windows;
 *  - compileAndCompare: compile with calibration windows, the C against the simulator (host and
 *    Cortex-M4), the integer outputs against onnxruntime's float ones;
 *  - compareQuantized: a quantized model's C against the simulator and its integers against
 *    onnxruntime's, requantized with the output's parameters.
 */
import { join } from 'node:path';
import { expect } from 'vitest';
import { dequantizeValues, quantizeValues } from '../../src/arith/tensor-quant.ts';
import { emitModelFolder } from '../../src/codegen/emit-folder.ts';
import { importOnnx } from '../../src/import/onnx.ts';
import { lowerGraph } from '../../src/lower/lower.ts';
import { compileGraph } from '../../src/pipeline/compile.ts';
import { runFloatGraph } from '../../src/sim/float.ts';
import { simulateLowered } from '../../src/sim/int8.ts';
import { EdgecError } from '../../src/support/diagnostics.ts';
import { cortexTarget, hostTarget } from '../../src/verify/targets.ts';
import { verifyFolder } from '../../src/verify/verify.ts';
import { ortSession, randomArray, seeded } from './onnx-builder.ts';
import type { FloatSource, OnnxTestModel } from './onnx-models.ts';
import type { ActivationType, Qdq } from './onnx-qdq.ts';
import { HAS_CORTEX } from './toolchain.ts';

const prod = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const argmax = (a: ArrayLike<number>) => Array.from(a).reduce((best, v, i, all) => (v > all[best]! ? i : best), 0);

/** Seeded windows in [-1, 1), ONNX order. */
export function windows(dims: readonly number[], n: number, seed: number): Float32Array[] {
  const rand = seeded(seed);
  return Array.from({ length: n }, () => randomArray(prod(dims), rand));
}

/** The diagnostics of an import expected to fail. */
export function diagnostics(f: () => unknown): { code: string; message: string; layer?: string; tensor?: string }[] {
  try {
    f();
  } catch (e) {
    if (e instanceof EdgecError) return e.diagnostics.map((d) => ({ code: d.code, message: d.message, layer: d.location?.layer, tensor: d.location?.tensor }));
    throw e;
  }
  throw new Error('expected an EdgecError');
}

/** The largest difference between onnxruntime and the imported float graph over `n` windows. */
export async function floatError(m: OnnxTestModel, n: number): Promise<number> {
  const { graph, quantized } = importOnnx(m.bytes, `${m.name}.onnx`);
  expect(quantized).toBe(false);
  const ort = await ortSession(m.bytes);
  let worst = 0;
  for (const x of windows(m.dims, n, 5)) {
    const want = await ort.run(x, m.dims);
    const got = runFloatGraph(graph, [m.toIr(x)]).outputs[0]!;
    expect(got.length).toBe(want.length);
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(want[i]! - got[i]!));
  }
  await ort.release();
  return worst;
}

export interface Agreement {
  /** Inputs bit-exact with the simulator on the host (null: not built there) and on Cortex-M4 (null: no toolchain). */
  exactHost: number | null;
  exactCortex: number | null;
  sameTopClass: number;
  maxError: number;
  windows: number;
}

/**
 * Compiles the float model with 48 calibration windows; 40 held-out windows run through the C on the
 * host (8 on Cortex-M4) against the simulator, and the integer outputs (the host C's, or the
 * simulator's with `host: false`) are compared with onnxruntime's float outputs.
 */
export async function compileAndCompare(m: OnnxTestModel, out: string, activations: 'int8' | 'int16', host = true): Promise<Agreement> {
  const dir = join(out, `${m.name}_${activations}`);
  const { graph } = importOnnx(m.bytes, `${m.name}.onnx`);
  const r = await compileGraph(graph, windows(m.dims, 48, 1).map(m.toIr), { out: dir, name: m.name, activations });
  const g = r.int8Graph;
  const [inT, outT] = [g.tensors[g.inputs[0]!]!, g.tensors[g.outputs[0]!]!];
  const held = windows(m.dims, 40, 99);
  const inputs = held.map((x) => (activations === 'int16' ? quantizeValues(m.toIr(x), inT.quant!.scale[0]!, 0, 'int16') : quantizeValues(m.toIr(x), inT.quant!.scale[0]!, inT.quant!.zeroPoint[0]!)));
  const samples = inputs.map((q) => Buffer.from(q.buffer, q.byteOffset, q.byteLength));
  const cortex = HAS_CORTEX ? await verifyFolder(dir, cortexTarget('cortex-m4'), { samples: samples.slice(0, 8) }) : null;
  const onHost = host ? await verifyFolder(dir, hostTarget, { samples, keepOutputs: true }) : null;
  const lowered = host ? null : lowerGraph(g);
  const ort = await ortSession(m.bytes);
  const n = prod(outT.shape);
  const width = activations === 'int16' ? 2 : 1;
  let same = 0;
  let maxError = 0;
  for (let i = 0; i < held.length; i++) {
    const want = await ort.run(held[i]!, m.dims);
    const q = onHost
      ? (() => {
          const bytes = new Uint8Array(onHost.outputs!.subarray(i * n * width, (i + 1) * n * width)).buffer;
          return width === 2 ? new Int16Array(bytes) : new Int8Array(bytes);
        })()
      : simulateLowered(lowered!, [inputs[i]!]).outputs[0]!;
    const got = dequantizeValues(q, outT.quant!.scale[0]!, outT.quant!.zeroPoint[0]!);
    if (argmax(got) === argmax(want)) same++;
    for (let k = 0; k < n; k++) maxError = Math.max(maxError, Math.abs(want[k]! - got[k]!));
  }
  await ort.release();
  return { exactHost: onHost?.exact ?? null, exactCortex: cortex?.exact ?? null, sameTopClass: same / held.length, maxError, windows: held.length };
}

export interface QuantizedAgreement {
  exactHost: number;
  exactCortex: number | null;
  total: number;
  differ: number;
  beyondOne: number;
  worst: number;
}

/**
 * A quantized model against onnxruntime on 100 inputs exactly representable in the input's
 * quantization (both sides start from the same integers): the C on the host (10 on Cortex-M4) equals
 * the simulator, and onnxruntime's float outputs, requantized with the output's parameters, are
 * compared with the C's integers.
 */
export async function compareQuantized(src: FloatSource, q: { bytes: Uint8Array; input: Qdq; output: Qdq }, type: ActivationType, out: string): Promise<QuantizedAgreement> {
  const dir = join(out, `${src.name}_${type}`);
  const { graph, quantized } = importOnnx(q.bytes, `${src.name}.onnx`);
  expect(quantized).toBe(true);
  const shift = type === 'uint8' ? -128 : 0;
  expect(graph.meta.floatBoundary?.output).toEqual({ scale: q.output.scale, zeroPoint: q.output.zeroPoint + shift });
  await emitModelFolder(graph, dir);
  const rand = seeded(77);
  const [lo, hi] = type === 'uint8' ? [0, 255] : [-128, 127];
  const files = Array.from({ length: 100 }, () => Float32Array.from({ length: prod(src.dims) }, () => lo + Math.floor(((rand() + 1) / 2) * (hi - lo + 1))));
  const samples = files.map((f) => Buffer.from(Int8Array.from(src.toIr(f), (x) => x + shift).buffer));
  const cortex = HAS_CORTEX ? await verifyFolder(dir, cortexTarget('cortex-m4'), { samples: samples.slice(0, 10) }) : null;
  const host = await verifyFolder(dir, hostTarget, { samples, keepOutputs: true });
  const ort = await ortSession(q.bytes);
  const r: QuantizedAgreement = { exactHost: host.exact, exactCortex: cortex?.exact ?? null, total: 0, differ: 0, beyondOne: 0, worst: 0 };
  const n = prod(graph.tensors[graph.outputs[0]!]!.shape);
  for (let i = 0; i < files.length; i++) {
    const want = await ort.run(
      Float32Array.from(files[i]!, (v) => q.input.scale * (v - q.input.zeroPoint)),
      src.dims,
    );
    const got = new Int8Array(new Uint8Array(host.outputs!.subarray(i * n, (i + 1) * n)).buffer);
    for (let k = 0; k < n; k++) {
      const d = Math.abs(got[k]! - (Math.round(want[k]! / q.output.scale) + q.output.zeroPoint + shift));
      r.total++;
      if (d > 0) r.differ++;
      if (d > 1) r.beyondOne++;
      r.worst = Math.max(r.worst, d);
    }
  }
  await ort.release();
  return r;
}
