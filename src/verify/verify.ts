/**
 * Verification: the same inputs through the TS simulator and the compiled C; every output byte
 * compared. On a mismatch the debug build dumps every layer's output for the first failing input and
 * the report names the first layer whose bytes differ from the simulator's.
 *
 *   inputs = sample_inputs.bin (quantized calibration windows) + seeded xorshift32 random bytes
 *   simulator ──┐
 *   C build ────┴──> byte compare ──> [mismatch] debug build ──> per-layer compare ──> first layer
 */
import { xorshift32Bytes } from '../support/xorshift.ts';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { folderInputs, folderOutputs, readManifest, sampleBytes, type Manifest } from '../formats/manifest.ts';
import { loadFolderGraph, simulateLowered } from '../sim/int8.ts';
import { decodeSample, encodeOutputs } from '../sim/samples.ts';

export interface Mismatch {
  input: number;
  byte: number;
  expected: number;
  actual: number;
}

export interface Divergence {
  input: number;
  step: number;
  layer: string;
  op: string;
  byte: number;
  expected: number;
  actual: number;
}

export interface VerifyReport {
  target: string;
  inputs: number;
  exact: number;
  mismatches: Mismatch[];
  firstDivergence?: Divergence;
  /** Every output byte the target wrote, input after input (with `keepOutputs`). */
  outputs?: Buffer;
}

/** A target that runs a generated folder on many inputs, and optionally dumps every layer. */
export interface RunTarget {
  name: string;
  /**
   * Runs the inputs as one stream (a stateful model carries its state), or each from reset state;
   * `stream`: each input is one hop pushed through the folder's streaming API.
   */
  run(dir: string, m: Manifest, inputs: Buffer, opts: { dump?: boolean; resetEach?: boolean; stream?: boolean }): Promise<{ outputs: Buffer; dump?: Buffer }>;
}

export { xorshift32Bytes };

/**
 * N samples (every input's bytes back to back): the folder's quantized calibration windows first,
 * then seeded random bytes (valid values of any integer type).
 */
export function verificationInputs(dir: string, m: Manifest, n: number, seed = 1): Buffer[] {
  const size = sampleBytes(folderInputs(m));
  const samples: Buffer[] = [];
  const samplesPath = join(dir, 'sample_inputs.bin');
  if (existsSync(samplesPath)) {
    const buf = readFileSync(samplesPath);
    for (let p = 0; p + size <= buf.length && samples.length < n; p += size) samples.push(Buffer.from(buf.subarray(p, p + size)));
  }
  const random = xorshift32Bytes((n - samples.length) * size, seed);
  for (let i = 0; samples.length < n; i++) samples.push(Buffer.from(random.buffer, random.byteOffset + i * size, size));
  return samples;
}

export { decodeSample, encodeOutputs };

function firstDifference(a: Uint8Array | Int8Array, b: Uint8Array | Int8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if ((a[i]! & 0xff) !== (b[i]! & 0xff)) return i;
  return a.length === b.length ? -1 : n;
}

export interface VerifyOptions {
  inputs?: number;
  seed?: number;
  /** The inputs to verify (each one sample's bytes), instead of the folder's samples and random bytes. */
  samples?: readonly Buffer[];
  /** Keep the bytes the target wrote (`report.outputs`), e.g. to score the compiled C on held-out data. */
  keepOutputs?: boolean;
  onProgress?: (msg: string) => void;
}

export async function verifyFolder(dir: string, target: RunTarget, opts: VerifyOptions = {}): Promise<VerifyReport> {
  const m = readManifest(dir);
  const lowered = loadFolderGraph(dir);
  const size = sampleBytes(folderInputs(m));
  const bad = opts.samples?.findIndex((s) => s.length !== size) ?? -1;
  if (bad >= 0) throw new Error(`sample ${bad} has ${opts.samples![bad]!.length} bytes; the model's inputs take ${size}`);
  const inputs = opts.samples ? [...opts.samples] : verificationInputs(dir, m, opts.inputs ?? 100, opts.seed ?? 1);
  const progress = opts.onProgress ?? (() => undefined);
  progress(`simulating ${inputs.length} inputs`);
  const expected = inputs.map((x) => encodeOutputs(simulateLowered(lowered, decodeSample(m, x)).outputs));
  progress(`running ${inputs.length} inputs on ${target.name}`);
  const joined = Buffer.concat(inputs);
  const outBytes = sampleBytes(folderOutputs(m));
  // Each input from reset state on both sides, so a mismatch can be replayed alone (stateful models).
  const { outputs } = await target.run(dir, m, joined, { resetEach: true });
  const mismatches: Mismatch[] = [];
  inputs.forEach((_, i) => {
    const actual = outputs.subarray(i * outBytes, (i + 1) * outBytes);
    const byte = firstDifference(expected[i]!, actual);
    if (byte >= 0) mismatches.push({ input: i, byte, expected: expected[i]![byte] ?? NaN, actual: byte < actual.length ? actual.readInt8(byte) : NaN });
  });
  const report: VerifyReport = { target: target.name, inputs: inputs.length, exact: inputs.length - mismatches.length, mismatches, ...(opts.keepOutputs ? { outputs } : {}) };
  if (mismatches.length > 0) {
    progress('mismatch: rebuilding with per-layer dumps to find the first divergent layer');
    report.firstDivergence = await findFirstDivergence(dir, m, target, inputs[mismatches[0]!.input]!, mismatches[0]!.input);
  }
  return report;
}

async function findFirstDivergence(dir: string, m: Manifest, target: RunTarget, input: Buffer, index: number): Promise<Divergence | undefined> {
  const lowered = loadFolderGraph(dir);
  const sim = simulateLowered(lowered, decodeSample(m, input));
  const { dump } = await target.run(dir, m, input, { dump: true, resetEach: true });
  if (!dump) return undefined;
  const { parseDump } = await import('../toolchain/model-host.ts');
  for (const rec of parseDump(dump)) {
    const info = m.steps[rec.step];
    if (!info) continue;
    const want = sim.tensors.get(info.output);
    if (!want) continue;
    const byte = firstDifference(new Uint8Array(want.buffer, want.byteOffset, want.byteLength), rec.bytes);
    if (byte >= 0) {
      return { input: index, step: rec.step, layer: info.layer, op: info.op, byte, expected: want[byte] ?? NaN, actual: byte < rec.bytes.length ? rec.bytes.readInt8(byte) : NaN };
    }
  }
  return undefined;
}

export function formatVerifyReport(r: VerifyReport): string {
  const lines = [`verify ${r.target}: ${r.exact}/${r.inputs} bit-exact`];
  for (const mm of r.mismatches.slice(0, 5)) lines.push(`  input ${mm.input}: first differing output byte ${mm.byte}: simulator ${mm.expected}, ${r.target} ${mm.actual}`);
  if (r.mismatches.length > 5) lines.push(`  ... ${r.mismatches.length - 5} more inputs differ`);
  const d = r.firstDivergence;
  if (d) lines.push(`  first divergent layer: step ${d.step} '${d.layer}' (${d.op}), byte ${d.byte}: simulator ${d.expected}, ${r.target} ${d.actual}`);
  return lines.join('\n');
}
