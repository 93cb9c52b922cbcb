/**
 * The evidence report as data: what `edgec report` writes as JSON (report.json) and draws as HTML.
 * schemas/report.schema.json states the same shape for reviewers' tools; test/e2e/report.test.ts
 * validates every report it makes against it. Field names are stable: add fields, never rename.
 *
 * Everything here is a function of the inputs (the folder, the given files, the toolchain on the
 * machine) except `date`, which the user gives (`--date`) or is today: two runs with the same date
 * give the same bytes.
 */
import type { Budget } from '../budget.ts';

export const REPORT_FORMAT = 'edgec-report/1';

export interface IoContract {
  name: string;
  dtype: 'int8' | 'int16' | 'int32';
  shape: number[];
  scale: number;
  zeroPoint: number;
}

export interface ModelCard {
  name: string;
  /** What the model does, as far as the folder says (labels, the output op). */
  task: string;
  labels: string[] | null;
  backend: 'portable' | 'cmsis-nn';
  /** The core the folder was compiled for (manifest.json `target`). */
  compiledFor: string | null;
  io: 'arena' | 'separate';
  inputs: IoContract[];
  outputs: IoContract[];
  preprocessing: {
    sampleRateHz: number | null;
    channels: string[] | null;
    normalization: { mean: number[]; std: number[] } | null;
    description: string | null;
  } | null;
  /** The model file the graph came from, as recorded at compile time (graph.json meta.source). */
  source: string | null;
  layers: { index: number; layer: string; op: string; kernel: string; library: string }[];
  arenaBytes: number;
  weightsBytes: number;
  stateBytes: number;
}

export interface FileHash {
  /** Relative to the folder (or as given on the command line, for files outside it), '/'-separated. */
  path: string;
  /** A link or a device in the folder is named, not followed or read. */
  kind: 'file' | 'symlink' | 'other';
  bytes: number;
  sha256: string | null;
}

export interface Hashes {
  /** manifest.json `modelHash`: SHA-256 of the int8 graph the C was generated from. */
  modelHash: string;
  /** SHA-256 of the graph in graph.json, recomputed: equal to modelHash when the folder is intact. */
  graphHash: string;
  modelHashMatches: boolean;
  /** SHA-256 of the graph.json file's bytes. */
  graphJson: string;
  /** Every file in the folder (recursively, sorted by path), the report's own outputs excepted. */
  files: FileHash[];
  /** Files given on the command line (--model and its weights, --calib, --data, --conformance). */
  inputs: FileHash[];
}

export interface ToolVersion {
  command: string;
  /** First line of `<command> --version`, or null when it is not installed. */
  version: string | null;
}

export interface Toolchain {
  edgec: string;
  node: string;
  tools: ToolVersion[];
  builds: { target: string; compiler: string; flags: string[]; runner: string | null }[];
}

export interface Verification {
  target: string;
  /** 'bit-exact': every output byte equal to the simulator's; 'mismatch'; 'not run' (with the reason). */
  result: 'bit-exact' | 'mismatch' | 'not run';
  reason: string | null;
  inputs: number;
  /** Of the inputs: quantized calibration windows (sample_inputs.bin), then seeded random bytes. */
  sampleInputs: number;
  randomInputs: number;
  seed: number;
  exact: number;
  bytesCompared: number;
  inputsSha256: string | null;
  outputsSha256: string | null;
  mismatches: { input: number; byte: number; expected: number; actual: number }[];
  firstDivergence: { input: number; step: number; layer: string; op: string; byte: number; expected: number; actual: number } | null;
}

export interface ConformanceSummary {
  status: 'not run' | 'given';
  reports: { file: string; sha256: string; backend: string; passed: number; failed: number; skipped: number; notPassed: { case: string; op: string; dtype: string; status: string }[] }[];
}

export interface Quantization {
  /** Per-layer SQNR of the folder's integer graph against the float model. */
  sqnr: {
    status: 'measured' | 'not available';
    reason: string | null;
    windows: number;
    windowsFrom: string | null;
    activations: string | null;
    layers: { layer: string; op: string; sqnrDb: number }[];
    /** Windows on which the float and integer outputs pick the same class. */
    sameTopClass: number | null;
  };
  /**
   * Whether the float model and calibration windows quantize (default options) to exactly the
   * folder's int8 graph: ties the float model given to the C in the folder.
   */
  reproduces: { status: 'same graph' | 'different graph' | 'not checked'; reason: string | null; recomputedHash: string | null };
  /** Accuracy on labelled windows (--data): the integer model (the simulator, which the C matches byte for byte) and the float model. */
  accuracy: {
    status: 'measured' | 'not available';
    reason: string | null;
    file: string | null;
    windows: number;
    classes: string[];
    int8: number | null;
    float: number | null;
    /** confusion[true][predicted], integer model. */
    int8Confusion: number[][] | null;
    floatConfusion: number[][] | null;
  };
}

export interface MemoryBuffer {
  name: string;
  kind: 'activation' | 'input' | 'output' | 'scratch';
  offset: number;
  bytes: number;
  firstOp: number;
  lastOp: number;
}

export interface MemoryPlan {
  /** 'reproduced': the planner, run again on graph.json, gave the arena size manifest.json records. */
  status: 'reproduced' | 'not reproduced';
  reason: string | null;
  arenaBytes: number;
  linearArenaBytes: number;
  lowerBound: number;
  ops: { index: number; name: string; op: string }[];
  buffers: MemoryBuffer[];
  /** Bytes live at each op (sum over buffers alive there). */
  liveBytes: number[];
}

export interface EvidenceReport {
  format: typeof REPORT_FORMAT;
  date: string;
  /** The folder as given on the command line. */
  folder: string;
  model: ModelCard;
  hashes: Hashes;
  toolchain: Toolchain;
  verification: Verification[];
  conformance: ConformanceSummary;
  quantization: Quantization;
  /** Measured on each Cortex-M target given (`edgec budget`'s figures; optional fields such as estimated cycles pass through). */
  budgets: Budget[];
  memory: MemoryPlan;
  /** The commands that reproduce this evidence. */
  commands: string[];
}
