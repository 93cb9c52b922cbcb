/**
 * `edgec verify DIR --stream`: a long signal fed hop by hop through a streaming folder, every output
 * compared byte for byte with the full-window model run on the same window.
 *
 *   signal ──> TS streaming simulator ──┐
 *          ──> the C's stream push ─────┼──> each == the full-window simulator on window [end - T, end)
 *   windows ─> full-window simulator ───┘
 *
 * The signal: the caller's (frames of the input, quantized), or the folder's sample windows back to
 * back, played again until there are enough hops.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ioElementBytes, readManifest, type Manifest } from '../formats/manifest.ts';
import { planStream, type StreamPlan } from '../lower/stream-plan.ts';
import type { Lowered } from '../lower/lower.ts';
import { loadFolderGraph } from '../sim/int8.ts';
import { simulateStream, simulateWindow } from '../sim/stream.ts';
import { encodeOutputs } from '../sim/samples.ts';
import { fail } from '../support/diagnostics.ts';
import type { RunTarget } from './verify.ts';

export interface StreamMismatch {
  /** Output index (0: the first full window) and push index. */
  output: number;
  push: number;
  byte: number;
  expected: number;
  actual: number;
}

export interface StreamVerifyReport {
  target: string;
  hop: number;
  /** Outputs compared (hops after the window filled). */
  outputs: number;
  exact: number;
  mismatches: StreamMismatch[];
  /** Outputs where the TS streaming simulator differs from the full-window model (a plan bug). */
  simulatorMismatches: number;
}

export interface StreamVerifyOptions {
  /** Input values, whole samples back to back (int8, or int16 for an int16 input). */
  signal?: Int8Array | Int16Array;
  /** Outputs to compare (default 200); the signal is played again if it is too short. */
  outputs?: number;
  onProgress?: (msg: string) => void;
}

/** The folder's streaming plan (as compiled: the same graph and HOP give the same plan). */
export function loadStreamPlan(dir: string, m: Manifest = readManifest(dir)): { lowered: Lowered; plan: StreamPlan } {
  if (!m.stream) fail('E-STREAM-FOLDER', 'verify', 'not a streaming folder: compile it with --stream HOP', { file: dir });
  const lowered = loadFolderGraph(dir);
  const plan = planStream(lowered, m.stream.hop);
  if (plan.stateBytes !== m.stream.stateBytes || plan.window !== m.stream.window)
    fail('E-DIR-MANIFEST', 'verify', 'manifest.json stream field does not match the folder graph (edited or from another edgec version)', { file: dir, field: 'stream' });
  return { lowered, plan };
}

/** The folder's sample windows back to back, as one signal. */
export function sampleSignal(dir: string, m: Manifest): Int8Array | Int16Array {
  const path = join(dir, 'sample_inputs.bin');
  if (!existsSync(path)) fail('E-STREAM-SIGNAL', 'verify', 'no sample_inputs.bin to build a signal from: pass --signal FILE', { file: dir });
  const buf = new Uint8Array(readFileSync(path)).buffer;
  return m.input.dtype === 'int16' ? new Int16Array(buf) : new Int8Array(buf);
}

/** `signal` repeated until it holds `samples` samples of `channels` values. */
export function lengthen(signal: Int8Array | Int16Array, samples: number, channels: number): Int8Array | Int16Array {
  const values = samples * channels;
  if (signal.length >= values) return signal.subarray(0, values);
  if (signal.length < channels) fail('E-STREAM-SIGNAL', 'verify', `the signal holds no whole sample of ${channels} values`);
  const out = signal instanceof Int16Array ? new Int16Array(values) : new Int8Array(values);
  const period = signal.length - (signal.length % channels);
  for (let p = 0; p < values; p += period) out.set(signal.subarray(0, Math.min(period, values - p)), p);
  return out;
}

export async function verifyStream(dir: string, target: RunTarget, opts: StreamVerifyOptions = {}): Promise<StreamVerifyReport> {
  const m = readManifest(dir);
  const { lowered, plan } = loadStreamPlan(dir, m);
  const channels = m.stream!.channels;
  const count = opts.outputs ?? 200;
  const pushes = plan.fillHops - 1 + count;
  const wide = m.input.dtype === 'int16';
  if (opts.signal && opts.signal instanceof Int16Array !== wide) fail('E-STREAM-SIGNAL', 'verify', `the signal must hold ${wide ? 'int16' : 'int8'} values, as the model's input`, { file: dir });
  const signal = lengthen(opts.signal ?? sampleSignal(dir, m), pushes * plan.hop, channels);
  const progress = opts.onProgress ?? (() => undefined);
  progress(`simulating ${pushes} pushes of ${plan.hop} samples and ${count} full windows`);
  const streamed = simulateStream(plan, signal);
  const expected = streamed.map((o) => encodeOutputs(simulateWindow(lowered, signal, o.end, plan.window, channels)));
  const simulatorMismatches = streamed.filter((o, i) => !encodeOutputs(o.outputs).equals(expected[i]!)).length;
  progress(`pushing ${pushes} hops on ${target.name}`);
  const bytes = Buffer.from(signal.buffer, signal.byteOffset, pushes * plan.hop * channels * ioElementBytes(m.input));
  const { outputs } = await target.run(dir, m, bytes, { stream: true });
  const outBytes = expected[0]?.length ?? 0;
  const mismatches: StreamMismatch[] = [];
  expected.forEach((want, i) => {
    const push = plan.fillHops - 1 + i;
    const got = outputs.subarray(push * outBytes, (push + 1) * outBytes);
    const byte = want.findIndex((v, k) => got[k] !== v);
    if (byte >= 0 || got.length !== want.length)
      mismatches.push({ output: i, push, byte: Math.max(byte, 0), expected: want.readInt8(Math.max(byte, 0)), actual: got.length > byte ? got.readInt8(Math.max(byte, 0)) : Number.NaN });
  });
  return { target: target.name, hop: plan.hop, outputs: expected.length, exact: expected.length - mismatches.length, mismatches, simulatorMismatches };
}

export function formatStreamReport(r: StreamVerifyReport): string {
  const lines = [`verify --stream ${r.target}: ${r.exact}/${r.outputs} consecutive hops of ${r.hop} bit-exact with the full-window model`];
  if (r.simulatorMismatches > 0) lines.push(`  the TS streaming simulator differs from the full-window model on ${r.simulatorMismatches} hops (a streaming plan defect)`);
  for (const mm of r.mismatches.slice(0, 5)) lines.push(`  output ${mm.output} (push ${mm.push}): first differing byte ${mm.byte}: full window ${mm.expected}, ${r.target} ${mm.actual}`);
  if (r.mismatches.length > 5) lines.push(`  ... ${r.mismatches.length - 5} more hops differ`);
  return lines.join('\n');
}
