/**
 * manifest.json: what the rest of the toolchain needs to know about a generated folder without
 * parsing C (prefix, I/O layout, arena, per-step layer names for first-divergence reports).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fail } from '../support/diagnostics.ts';
import { checkStreamManifest, type StreamManifest } from './stream-manifest.ts';

export interface IoInfo {
  name: string;
  /** Element type when not int8. */
  dtype?: 'int16' | 'int32';
  shape: number[];
  size: number;
  scale: number;
  zeroPoint: number;
}

export interface StepInfo {
  index: number;
  layer: string;
  op: string;
  kernel: string;
  /** The kernel library that runs the step (a cmsis-nn folder falls back to portable kernels). */
  library?: 'portable' | 'cmsis-nn';
  /** Tensor id (in graph.json) the step writes. */
  output: number;
  outBytes: number;
}

export interface Manifest {
  format: 'edgec-manifest/1';
  name: string;
  prefix: string;
  toolchainVersion: string;
  modelHash: string;
  backend: 'portable' | 'cmsis-nn';
  /**
   * The core the folder was compiled for (`compile --target`): the default of `budget`; a cmsis-nn
   * folder's scratch is sized for it. Absent in folders written by earlier edgec versions.
   */
  target?: string;
  /** `compile --weights blob`: bytes of weights.bin, which the harness loads and gives to <prefix>_set_weights(). */
  weightsBlobBytes?: number;
  /** Inputs and outputs inside the arena, or in buffers of their own (`compile --io`); absent: arena. */
  io?: 'arena' | 'separate';
  /** How input windows are prepared, when the model said (README.md shows it). */
  preprocessing?: { sampleRateHz?: number; channels?: readonly string[]; normalization?: { mean: readonly number[]; std: readonly number[] }; description?: string };
  /** cmsis-nn: the CMSIS-NN code path of the target, which sized the scratch buffers. */
  cmsisNn?: { path: 'plain' | 'dsp' | 'mve' };
  /** cmsis-nn: the largest kernel scratch buffer, placed inside the arena by the planner. */
  scratchBytes?: number;
  /** Stateful models: bytes of state (LSTM hidden and cell state) kept across invokes, outside the arena. */
  stateBytes?: number;
  /** The first input and output (the only ones of most models). */
  input: IoInfo;
  output: IoInfo;
  /** Every input and output, in order, when there is more than one or they are not int8. */
  inputs?: IoInfo[];
  outputs?: IoInfo[];
  labels?: string[];
  arenaBytes: number;
  linearArenaBytes: number;
  arenaLowerBound: number;
  weightsBytes: number;
  kernels: string[];
  steps: StepInfo[];
  /** `compile --stream HOP`: the folder also has `<prefix>_stream.h` and its push function. */
  stream?: StreamManifest;
}

export function readManifest(dir: string): Manifest {
  const path = join(dir, 'manifest.json');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    fail('E-DIR-MANIFEST', 'cli', 'not a generated model folder (no manifest.json); create one with `edgec compile MODEL --out DIR`', { file: dir });
  }
  let m: Manifest;
  try {
    m = JSON.parse(text) as Manifest;
  } catch (e) {
    fail('E-DIR-MANIFEST', 'cli', `manifest.json is not valid JSON (${(e as Error).message.split('\n')[0]})`, { file: path });
  }
  if (typeof m !== 'object' || m === null || m.format !== 'edgec-manifest/1')
    fail('E-DIR-MANIFEST', 'cli', `unknown manifest format ${JSON.stringify((m as Manifest | null)?.format)}`, { file: path, field: 'format' });
  const problem = checkManifest(m);
  if (problem) fail('E-DIR-MANIFEST', 'cli', `manifest.json is damaged: ${problem.message}`, { file: path, field: problem.field });
  return m;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,63}$/;
/** A name from targets/ (checked again against the target list where it is used). */
const TARGET_NAME = /^[a-z0-9][a-z0-9-]{0,31}$/;
const isCount = (v: unknown) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 2147483647;

function checkIo(io: unknown): string | null {
  if (typeof io !== 'object' || io === null) return 'not an object';
  const x = io as IoInfo;
  if (typeof x.name !== 'string') return 'name is not a string';
  if (x.dtype !== undefined && x.dtype !== 'int16' && x.dtype !== 'int32') return `dtype ${JSON.stringify(x.dtype)}`;
  if (!Array.isArray(x.shape) || !x.shape.every((d) => isCount(d) && d > 0)) return 'shape is not a list of positive integers';
  if (!isCount(x.size) || x.size === 0 || x.size !== x.shape.reduce((a, b) => a * b, 1)) return 'size does not match the shape';
  if (typeof x.scale !== 'number' || !Number.isFinite(x.scale) || !Number.isInteger(x.zeroPoint)) return 'scale or zero point is not a number';
  return null;
}

/**
 * The fields the toolchain reads from a folder (the prefix names files and C symbols, sizes size
 * buffers) are checked before use: a folder is input too, and may be damaged or hostile.
 */
function checkManifest(m: Manifest): { field: string; message: string } | null {
  if (typeof m.prefix !== 'string' || !IDENTIFIER.test(m.prefix)) return { field: 'prefix', message: 'the prefix is not a C identifier' };
  if (typeof m.name !== 'string') return { field: 'name', message: 'the name is not a string' };
  if (m.backend !== 'portable' && m.backend !== 'cmsis-nn') return { field: 'backend', message: `unknown backend ${JSON.stringify(m.backend)}` };
  if (m.target !== undefined && (typeof m.target !== 'string' || !TARGET_NAME.test(m.target))) return { field: 'target', message: 'the target is not a target name' };
  if (m.weightsBlobBytes !== undefined && (!isCount(m.weightsBlobBytes) || m.weightsBlobBytes === 0)) return { field: 'weightsBlobBytes', message: 'not a byte count' };
  if (m.io !== undefined && m.io !== 'arena' && m.io !== 'separate') return { field: 'io', message: `unknown I/O placement ${JSON.stringify(m.io)}` };
  if (m.cmsisNn !== undefined && !['plain', 'dsp', 'mve'].includes(m.cmsisNn?.path)) return { field: 'cmsisNn.path', message: 'unknown CMSIS-NN code path' };
  for (const [field, io] of [['input', m.input], ['output', m.output], ...(m.inputs ?? []).map((x, i) => [`inputs[${i}]`, x]), ...(m.outputs ?? []).map((x, i) => [`outputs[${i}]`, x])] as [
    string,
    unknown,
  ][]) {
    const why = checkIo(io);
    if (why) return { field, message: why };
  }
  if ((m.inputs !== undefined && !Array.isArray(m.inputs)) || (m.outputs !== undefined && !Array.isArray(m.outputs))) return { field: 'inputs', message: 'inputs/outputs are not lists' };
  for (const f of ['arenaBytes', 'linearArenaBytes', 'arenaLowerBound', 'weightsBytes'] as const) if (!isCount(m[f])) return { field: f, message: `${f} is not a byte count` };
  if (!Array.isArray(m.steps)) return { field: 'steps', message: 'steps is not a list' };
  const badStep = m.steps.findIndex(
    (s) =>
      typeof s !== 'object' || s === null || !isCount(s.index) || !isCount(s.output) || !isCount(s.outBytes) || typeof s.layer !== 'string' || typeof s.op !== 'string' || typeof s.kernel !== 'string',
  );
  if (badStep >= 0) return { field: `steps[${badStep}]`, message: 'a step lacks its index, layer, op, kernel or output' };
  if (!Array.isArray(m.kernels) || !m.kernels.every((k) => typeof k === 'string')) return { field: 'kernels', message: 'kernels is not a list of names' };
  if (m.labels !== undefined && (!Array.isArray(m.labels) || !m.labels.every((l) => typeof l === 'string'))) return { field: 'labels', message: 'labels is not a list of strings' };
  const stream = m.stream === undefined ? null : checkStreamManifest(m.stream);
  if (stream) return { field: 'stream', message: stream };
  return null;
}

/** Bytes of one element of an input or output. */
export function ioElementBytes(io: IoInfo): number {
  return io.dtype === 'int32' ? 4 : io.dtype === 'int16' ? 2 : 1;
}

/** Every input (output) of a folder, in order; bytes per sample of each. */
export function folderInputs(m: Manifest): IoInfo[] {
  return m.inputs ?? [m.input];
}

export function folderOutputs(m: Manifest): IoInfo[] {
  return m.outputs ?? [m.output];
}

/** Bytes of one sample: all inputs (outputs) back to back. */
export function sampleBytes(ios: IoInfo[]): number {
  return ios.reduce((a, io) => a + io.size * ioElementBytes(io), 0);
}
