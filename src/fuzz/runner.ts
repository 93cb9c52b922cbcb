/**
 * One fuzz run: generate the cases, run each through the worker pool, classify, print progress,
 * keep the failing inputs, and write the JSON report.
 *
 *   ids (seed, index, schedule) -> makeCase -> case folder in a worker slot -> compile, verify
 *     -> classify -> progress line every few percent -> table + build/fuzz/report-<seed>.json
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILD_DIR } from '../support/paths.ts';
import { caseDirName, caseId, DEFAULT_MODELS, makeCase, parseCaseId, seedCase, type FuzzCase } from './cases.ts';
import { CLASSES, classifyEvent, classifyResult, OK_CLASSES, type FuzzClass, type Outcome } from './classify.ts';
import { WorkerPool, type JobOutcome, type PoolLimits } from './pool.ts';

export const FUZZ_DIR = join(BUILD_DIR, 'fuzz');

export interface FuzzOptions {
  count: number;
  seed: number;
  jobs: number;
  /** Seed models in schedule order (default DEFAULT_MODELS); case i uses models[i % length]. */
  models?: readonly string[];
  /** Run exactly these case ids instead (e.g. from --only). */
  only?: readonly string[];
  /** Save failing inputs here (one folder per case). */
  keep?: string;
  /** Host inputs compared per verified case. */
  inputs?: number;
  limits?: Partial<PoolLimits> & { runMemoryMb?: number };
  /** Where the JSON report goes (default build/fuzz/report-<seed>.json; null: none). */
  reportPath?: string | null;
  log?: (line: string) => void;
}

export interface CaseRecord extends Outcome {
  id: string;
  seedModel: string;
  kind: 'tflite' | 'tfjs';
  mutation: string;
  ms: number;
}

export interface FuzzReport {
  seed: number;
  count: number;
  jobs: number;
  seconds: number;
  inputsPerSecond: number;
  counts: Record<FuzzClass, number>;
  cases: CaseRecord[];
}

export const DEFAULT_LIMITS: PoolLimits & { runMemoryMb: number } = { compileMs: 60_000, verifyMs: 180_000, heapMb: 2048, rssCapMb: 3072, runMemoryMb: 1024 };

function emptyCounts(): Record<FuzzClass, number> {
  return Object.fromEntries(CLASSES.map((c) => [c, 0])) as Record<FuzzClass, number>;
}

export function formatCounts(counts: Record<FuzzClass, number>): string {
  return CLASSES.filter((c) => counts[c] > 0)
    .map((c) => `${c} ${counts[c]}`)
    .join(', ');
}

/** The final table: every class with its count, then the failing cases grouped by class and first line. */
export function formatTable(r: FuzzReport): string {
  const lines = [`fuzz: ${r.cases.length} inputs (seed ${r.seed}, ${r.jobs} jobs) in ${r.seconds.toFixed(1)} s, ${r.inputsPerSecond.toFixed(2)} inputs/s`, '', '  class           count      %'];
  for (const c of CLASSES) lines.push(`  ${c.padEnd(15)} ${String(r.counts[c]).padStart(5)} ${((100 * r.counts[c]) / Math.max(1, r.cases.length)).toFixed(1).padStart(6)}`);
  const bad = r.cases.filter((c) => !OK_CLASSES.includes(c.class));
  if (bad.length > 0) {
    lines.push('', 'failures (class, where it throws, first line; example id):');
    const groups = new Map<string, CaseRecord[]>();
    for (const c of bad) {
      const key = `${c.class} | ${c.where ?? c.top ?? c.code ?? ''} | ${c.first.replace(/\d+/g, 'N').slice(0, 100)}`;
      groups.set(key, [...(groups.get(key) ?? []), c]);
    }
    for (const [, cs] of [...groups].sort((a, b) => b[1].length - a[1].length)) {
      const c = cs[0]!;
      lines.push(`  ${c.class.padEnd(14)} x${String(cs.length).padEnd(4)} ${c.where ?? c.top ?? ''}  ${c.first.slice(0, 160)}`);
      lines.push(
        `  ${''.padEnd(20)}e.g. ${cs
          .slice(0, 3)
          .map((x) => x.id)
          .join(', ')}: ${c.mutation.slice(0, 140)}`,
      );
    }
  }
  return lines.join('\n');
}

function writeCaseFiles(c: FuzzCase, dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, data] of c.files) writeFileSync(join(dir, name), data);
}

/** Saves a failing case: its files, and what it is and how to reproduce it. */
function keepCase(keep: string, c: FuzzCase, rec: CaseRecord): void {
  const dir = join(keep, caseDirName(c.id));
  rmSync(dir, { recursive: true, force: true });
  writeCaseFiles(c, dir);
  const compile = `node bin/edgec.js compile ${join(dir, c.model)}${c.calib ? ` --calib ${join(dir, c.calib)}` : ''} --out build/fuzz/repro`;
  const info = { ...rec, reproduce: [`npm run fuzz -- --only ${c.id}`, compile, 'node bin/edgec.js verify build/fuzz/repro --target host --inputs 10'] };
  writeFileSync(join(dir, 'case.json'), `${JSON.stringify(info, null, 2)}\n`);
}

export function scheduleIds(o: Pick<FuzzOptions, 'count' | 'seed' | 'models' | 'only'>): string[] {
  if (o.only && o.only.length > 0) {
    o.only.forEach((id) => parseCaseId(id));
    return [...o.only];
  }
  const models = o.models && o.models.length > 0 ? o.models : DEFAULT_MODELS;
  return Array.from({ length: o.count }, (_, i) => caseId(models[i % models.length]!, o.seed, i));
}

export async function runFuzz(o: FuzzOptions): Promise<FuzzReport> {
  const log = o.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const limits = { ...DEFAULT_LIMITS, ...o.limits };
  const ids = scheduleIds(o);
  const workRoot = join(FUZZ_DIR, 'work', String(process.pid));
  const pool = new WorkerPool(Math.max(1, Math.min(o.jobs, ids.length)), workRoot, limits);
  const counts = emptyCounts();
  const cases: CaseRecord[] = new Array(ids.length);
  const step = Math.max(1, Math.floor(ids.length / 20));
  const started = performance.now();
  let done = 0;
  // The unmutated seeds, written once: each worker compiles the ones it meets to know their builds.
  const seedFiles = new Map<string, { model: string; calib?: string }>();
  const seedOf = (name: string) => {
    let s = seedFiles.get(name);
    if (!s) {
      const c = seedCase(name);
      const dir = join(workRoot, 'seeds', caseDirName(name));
      writeCaseFiles(c, dir);
      s = { model: join(dir, c.model), ...(c.calib ? { calib: join(dir, c.calib) } : {}) };
      seedFiles.set(name, s);
    }
    return s;
  };
  const runOne = async (i: number) => {
    const id = ids[i]!;
    const c = makeCase(id);
    let t = 0;
    let caseDir = '';
    const outcome: JobOutcome = await pool.run(
      (slotDir) => {
        t = performance.now();
        caseDir = join(slotDir, caseDirName(id));
        rmSync(caseDir, { recursive: true, force: true });
        writeCaseFiles(c, join(caseDir, 'in'));
        mkdirSync(join(caseDir, 'out-parent'));
        return {
          id,
          model: join(caseDir, 'in', c.model),
          ...(c.calib ? { calib: join(caseDir, 'in', c.calib) } : {}),
          out: join(caseDir, 'out-parent', 'out'),
          seed: seedOf(c.seedModel),
          inputs: o.inputs ?? 10,
          runTimeoutMs: Math.max(1000, limits.verifyMs - 30_000),
          runMemoryMb: limits.runMemoryMb,
        };
      },
      () => rmSync(caseDir, { recursive: true, force: true }),
    );
    const out = 'result' in outcome ? classifyResult(outcome.result) : classifyEvent(outcome.event);
    // Paths inside the temporary case folder say nothing once it is gone.
    const strip = (s: string) =>
      s
        .split(`${join(caseDir, 'in')}/`)
        .join('')
        .split(`${caseDir}/`)
        .join('');
    const rec: CaseRecord = {
      id,
      seedModel: c.seedModel,
      kind: c.kind,
      mutation: c.description,
      ...out,
      first: strip(out.first),
      ...(out.detail ? { detail: strip(out.detail) } : {}),
      ms: Math.round(performance.now() - t),
    };
    cases[i] = rec;
    counts[rec.class]++;
    done++;
    if (o.keep && !OK_CLASSES.includes(rec.class)) keepCase(o.keep, c, rec);
    if (ids.length === 1)
      log(
        `${id}: ${rec.class}${rec.code ? ` ${rec.code}` : ''}\n  mutation: ${rec.mutation}\n  ${rec.first}${rec.where ? `\n  at ${rec.where}` : ''}${rec.detail ? `\n${rec.detail.replace(/^/gm, '    ')}` : ''}`,
      );
    else if (done % step === 0 || done === ids.length) {
      const s = (performance.now() - started) / 1000;
      log(`[${String(Math.round((100 * done) / ids.length)).padStart(3)}%] ${done}/${ids.length} in ${s.toFixed(0)} s (${(done / s).toFixed(2)}/s): ${formatCounts(counts)}`);
    }
  };
  // J loops pull the next index, so only J cases are in memory at a time.
  let next = 0;
  const loop = async () => {
    while (next < ids.length) await runOne(next++);
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(o.jobs, ids.length)) }, loop));
  } finally {
    await pool.close();
    rmSync(workRoot, { recursive: true, force: true });
  }
  const seconds = (performance.now() - started) / 1000;
  const report: FuzzReport = { seed: o.seed, count: ids.length, jobs: o.jobs, seconds, inputsPerSecond: ids.length / seconds, counts, cases };
  const path = o.reportPath === undefined ? join(FUZZ_DIR, o.only?.length ? `report-only.json` : `report-${o.seed}.json`) : o.reportPath;
  if (path) {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
  }
  return report;
}
