/**
 * Collects the evidence of one generated folder, in the order a reviewer reads it:
 *
 *   model card      manifest.json + graph.json                      ./model-card.ts
 *   hashes          every file, the graph recomputed                ./hashes.ts
 *   toolchain       versions and flags                              ./toolchain.ts
 *   verification    simulator vs the C on each target, run here     src/verify
 *   conformance     from given `edgec conformance --json` files     ./conformance.ts
 *   quantization    SQNR, reproduction, accuracy                    ./quantization.ts
 *   budgets         flash, RAM, stack, instructions per Cortex-M    src/report/budget.ts
 *   memory          the arena plan over time                        ./memory.ts
 *
 * Nothing here reads the clock: the date comes in, so the same inputs give the same report.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { deserializeGraph } from '../../ir/serialize.ts';
import { folderInputs, folderOutputs, readManifest, sampleBytes, type Manifest } from '../../formats/manifest.ts';
import { HOST, loadTarget } from '../../targets/targets.ts';
import { assertValidGraph } from '../../validate/validate.ts';
import { verificationInputs, verifyFolder } from '../../verify/verify.ts';
import { runTarget } from '../../verify/targets.ts';
import { measureBudget, type Budget } from '../budget.ts';
import { readConformanceReports } from './conformance.ts';
import { folderHashes } from './hashes.ts';
import type { LabelledWindows } from './labelled-data.ts';
import { memoryPlan } from './memory.ts';
import { modelCard } from './model-card.ts';
import { quantizationEvidence, type FloatModelInput } from './quantization.ts';
import { toolchainEvidence } from './toolchain.ts';
import { type EvidenceReport, type FileHash, REPORT_FORMAT, type Verification } from './types.ts';

export interface EvidenceOptions {
  /** The folder as given (shown in the report and its commands). */
  dir: string;
  date: string;
  /** 'host' and Cortex-M target names: verified on each, budgets on the Cortex-M ones. */
  targets: readonly string[];
  inputs: number;
  seed: number;
  conformanceFiles?: readonly string[];
  float?: FloatModelInput;
  data?: { file: string; windows: LabelledWindows };
  /** Files given on the command line, hashed into the report. */
  inputFiles?: readonly FileHash[];
  /** Paths not hashed as part of the folder (the report's own outputs, when written inside it). */
  exclude?: readonly string[];
  /** The command line that made the report, for the "reproduce" section (without --date). */
  command: string;
  onProgress?: (line: string) => void;
}

/** Number of the verification inputs that come from sample_inputs.bin (the rest are seeded random bytes). */
function sampleCount(dir: string, m: Manifest, n: number): number {
  const path = join(dir, 'sample_inputs.bin');
  if (!existsSync(path)) return 0;
  return Math.min(n, Math.floor(statSync(path).size / sampleBytes(folderInputs(m))));
}

const hashOf = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function verifyOn(dir: string, m: Manifest, target: string, opts: EvidenceOptions): Promise<Verification> {
  const samples = sampleCount(dir, m, opts.inputs);
  const base = { target, inputs: opts.inputs, sampleInputs: samples, randomInputs: opts.inputs - samples, seed: opts.seed };
  if (target !== HOST && !loadTarget(target).qemu) {
    return {
      ...base,
      result: 'not run',
      reason: `${target} is build-and-size only (no QEMU machine): its budget is measured, its outputs are not`,
      exact: 0,
      bytesCompared: 0,
      inputsSha256: null,
      outputsSha256: null,
      mismatches: [],
      firstDivergence: null,
    };
  }
  const r = await verifyFolder(dir, runTarget(target), { inputs: opts.inputs, seed: opts.seed, keepOutputs: true, onProgress: opts.onProgress });
  const inputs = Buffer.concat(verificationInputs(dir, m, opts.inputs, opts.seed));
  return {
    ...base,
    result: r.exact === r.inputs ? 'bit-exact' : 'mismatch',
    reason: null,
    exact: r.exact,
    bytesCompared: r.inputs * sampleBytes(folderOutputs(m)),
    inputsSha256: hashOf(inputs),
    outputsSha256: r.outputs ? hashOf(r.outputs) : null,
    mismatches: r.mismatches.slice(0, 10),
    firstDivergence: r.firstDivergence ?? null,
  };
}

export async function collectEvidence(opts: EvidenceOptions): Promise<EvidenceReport> {
  const { dir } = opts;
  const progress = opts.onProgress ?? (() => undefined);
  const m = readManifest(dir);
  const graphPath = join(dir, 'graph.json');
  const int8 = assertValidGraph(deserializeGraph(readFileSync(graphPath, 'utf8'), graphPath));
  // Given files are read before the long runs, so a bad one costs nothing.
  const conformance = readConformanceReports(opts.conformanceFiles ?? []);
  const verification: Verification[] = [];
  for (const t of opts.targets) {
    progress(`verifying on ${t} ...`);
    verification.push(await verifyOn(dir, m, t, opts));
  }
  const budgets: Budget[] = [];
  for (const t of opts.targets.filter((x) => x !== HOST)) {
    progress(`measuring the budget on ${t} ...`);
    budgets.push(await measureBudget(dir, t));
  }
  progress('quantization evidence ...');
  const quantization = quantizationEvidence(m, int8, { float: opts.float, data: opts.data });
  return {
    format: REPORT_FORMAT,
    date: opts.date,
    folder: opts.dir,
    model: modelCard(m, int8),
    hashes: folderHashes(dir, m, int8, { exclude: opts.exclude, inputs: opts.inputFiles }),
    toolchain: toolchainEvidence(opts.targets, { sanitize: true }),
    verification,
    conformance,
    quantization,
    budgets,
    memory: memoryPlan(m, int8),
    commands: [
      opts.command,
      ...opts.targets.map((t) => `edgec verify ${dir} --target ${t} --inputs ${opts.inputs} --seed ${opts.seed}`),
      ...opts.targets.filter((t) => t !== HOST).map((t) => `edgec budget ${dir} --target ${t}`),
    ],
  };
}
