/**
 * manifest.json: what the rest of the toolchain needs to know about a generated folder without
 * parsing C (prefix, I/O layout, arena, per-step layer names for first-divergence reports).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fail } from '../diagnostics.ts';

export interface IoInfo {
  name: string;
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
  input: IoInfo;
  output: IoInfo;
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
