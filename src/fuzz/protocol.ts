/**
 * Messages between the fuzz pool (parent) and its workers (child processes, one case at a time).
 *
 *   parent -> worker   { type: 'run', job }
 *   worker -> parent   { type: 'phase', phase: 'compile' | 'verify', build? }   (restarts the phase timer)
 *   worker -> parent   { type: 'result', result }
 */
import type { Diagnostic } from '../support/diagnostics.ts';

/**
 * Host build folders of a verify (build/models/<prefix>-...): those that did not exist before are
 * removed afterwards, unless `shared` (the mutant's C is the unmutated seed's, whose build other runs
 * and tests may be using).
 */
export interface BuildDirs {
  prefix: string;
  existing: string[];
  shared: boolean;
}

export interface Job {
  id: string;
  /** Absolute paths: the model file, the calibration file (tfjs), and the --out folder. */
  model: string;
  calib?: string;
  out: string;
  /** The unmutated seed (model and calibration), compiled once per worker to know its build prefix. */
  seed: { model: string; calib?: string };
  /** Inputs compared on the host, and the limits of one host run. */
  inputs: number;
  runTimeoutMs: number;
  runMemoryMb: number;
}

/** A thrown value, as data. */
export interface ErrorInfo {
  edgec: boolean;
  name: string;
  message: string;
  diagnostics?: Diagnostic[];
  stack?: string;
}

/** Where verify was when it threw: reading the folder, simulating, running the C, or looking for the divergent layer. */
export type VerifyStage = 'load' | 'simulate' | 'run' | 'divergence';

export interface WorkerResult {
  compile: { ok: true; ms: number } | { ok: false; ms: number; error: ErrorInfo };
  /** What the compile left that it should not have (temporary folders, an incomplete folder). */
  leftovers: string[];
  verify?: { ok: true; ms: number; inputs: number; exact: number; firstMismatch?: string; divergence?: string } | { ok: false; ms: number; stage: VerifyStage; error: ErrorInfo };
}

export type ToParent = { type: 'phase'; phase: 'compile' | 'verify'; build?: BuildDirs } | { type: 'result'; result: WorkerResult } | { type: 'ready' };

export type ToWorker = { type: 'run'; job: Job };
