/**
 * manifest.json: what the rest of the toolchain needs to know about a generated folder without
 * parsing C (prefix, I/O layout, arena, per-step layer names for first-divergence reports).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fail } from '../diagnostics.ts';

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
  /** cmsis-nn: the target the scratch sizes were computed for, and its CMSIS-NN code path. */
  cmsisNn?: { target: string; path: 'plain' | 'dsp' | 'mve' };
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
}

export function readManifest(dir: string): Manifest {
  const path = join(dir, 'manifest.json');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    fail('E-DIR-MANIFEST', 'cli', 'not a generated model folder (no manifest.json); create one with `edgec compile MODEL --out DIR`', { file: dir });
  }
  const m = JSON.parse(text) as Manifest;
  if (m.format !== 'edgec-manifest/1') fail('E-DIR-MANIFEST', 'cli', `unknown manifest format ${JSON.stringify(m.format)}`, { file: path, field: 'format' });
  return m;
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
