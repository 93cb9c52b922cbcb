/**
 * Runs the conformance table: every case of a suite through one backend, comparing every output
 * byte with the case's expected output.
 *
 *   case ──> its family's adapter (src/ops) ──> one step over the case's tensors
 *     ts:  the step's TS reference kernel ───────────────────────────────┐
 *     C:   the step's emitter ─> batched C program ─> build ─> run ──────┴─> compare bytes ─> CaseResult
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EdgecError, fail, formatDiagnostic } from '../support/diagnostics.ts';
import type { CaseAdapter, CmsisPath } from '../ops/contract.ts';
import { caseAdapter } from '../ops/registry.ts';
import { CaseReader, loadCase, type ConformanceCase } from '../formats/conformance-case.ts';
import { CCaseBuilder, renderProgram } from './cemit.ts';
import { CMSIS_SCRATCH_STATUS, emitCase, GENERATED_MISMATCH_MESSAGE, GENERATED_MISMATCH_STATUS, simulateCase } from './step-case.ts';

export type CaseStatus = 'passed' | 'failed' | 'skipped';

export interface Mismatch {
  index: number; // element index in the output
  expected: number;
  actual: number;
}

export interface CaseResult {
  case: string;
  op: string;
  dtype: string;
  status: CaseStatus;
  first_mismatch?: Mismatch;
  message?: string;
}

export interface ConformanceReport {
  backend: string;
  passed: number;
  failed: number;
  skipped: number;
  cases: CaseResult[];
}

/** Case files of a suite, in index order when the suite has an index.json. */
export function listCaseFiles(suiteDir: string): string[] {
  if (!existsSync(suiteDir)) fail('E-CONF-SUITE', 'conformance', 'suite folder not found', { file: suiteDir });
  const indexPath = join(suiteDir, 'index.json');
  if (existsSync(indexPath)) {
    let index: { cases?: { case: string }[] };
    try {
      index = JSON.parse(readFileSync(indexPath, 'utf8'));
    } catch (e) {
      fail('E-CONF-JSON', 'conformance', `not valid JSON: ${(e as Error).message}`, { file: indexPath });
    }
    if (!Array.isArray(index.cases)) fail('E-CONF-FIELD', 'conformance', 'missing list', { file: indexPath, field: 'cases' });
    return index.cases.map((c) => join(suiteDir, `${c.case}.json`));
  }
  return readdirSync(suiteDir)
    .filter((f) => f.endsWith('.json') && f !== 'index.json')
    .sort()
    .map((f) => join(suiteDir, f));
}

/** Loads every case; a malformed file aborts the run with a diagnostic naming file and field. */
export function loadSuite(suiteDir: string, filter?: (name: string) => boolean): ConformanceCase[] {
  const cases = listCaseFiles(suiteDir).map(loadCase);
  return filter ? cases.filter((c) => filter(c.name)) : cases;
}

function errorText(e: unknown): string {
  if (e instanceof EdgecError) return e.diagnostics.map(formatDiagnostic).join('; ');
  return e instanceof Error ? e.message : String(e);
}

export function compareOutput(c: ConformanceCase, actual: ArrayLike<number>): Omit<CaseResult, 'case' | 'op' | 'dtype'> {
  const expected = c.tensors.expected_output!.data!;
  if (actual.length !== expected.length) {
    return { status: 'failed', message: `output has ${actual.length} values, expected ${expected.length}` };
  }
  for (let i = 0; i < expected.length; i++) {
    if (actual[i] !== expected[i]) {
      return { status: 'failed', first_mismatch: { index: i, expected: expected[i]!, actual: actual[i]! } };
    }
  }
  return { status: 'passed' };
}

function result(c: ConformanceCase, r: Omit<CaseResult, 'case' | 'op' | 'dtype'>): CaseResult {
  return { case: c.name, op: c.op, dtype: c.actDtype, ...r };
}

/** The case's adapter (its family's, src/ops), or the failed result naming the gap. */
function adapterFor(c: ConformanceCase): CaseAdapter | CaseResult {
  return caseAdapter(c.op, c.actDtype) ?? result(c, { status: 'failed', message: `no kernel for op ${c.op} (${c.actDtype})` });
}

export function runTsBackend(cases: ConformanceCase[]): ConformanceReport {
  const results = cases.map((c) => {
    const a = adapterFor(c);
    if ('status' in a) return a;
    try {
      return result(c, compareOutput(c, simulateCase(a.build(new CaseReader(c)))));
    } catch (e) {
      return result(c, { status: 'failed', message: errorText(e) });
    }
  });
  return summarize('ts', results);
}

/** A platform that compiles and runs a batched C program and returns its output records' bytes. */
export interface CPlatform {
  name: string;
  /** How many cases go into one program (memory limits on targets). */
  batchSize: number;
  /** Set when the platform runs the cases' CMSIS-NN calls, built for this code path. */
  cmsisPath?: CmsisPath;
  runBatches(programs: string[], headers: Set<string>): Promise<Buffer[]>;
}

export interface Record {
  index: number;
  status: number;
  bytes: Buffer;
}

export function parseRecords(buf: Buffer): Record[] {
  const out: Record[] = [];
  let p = 0;
  while (p + 16 <= buf.length) {
    if (buf.readUInt32LE(p) !== 0x45444743) throw new Error(`corrupt case output stream at byte ${p}`);
    const index = buf.readUInt32LE(p + 4);
    const status = buf.readInt32LE(p + 8);
    const n = buf.readUInt32LE(p + 12);
    out.push({ index, status, bytes: buf.subarray(p + 16, p + 16 + n) });
    p += 16 + n;
  }
  return out;
}

function decode(bytes: Buffer, dtype: string): number[] {
  const out: number[] = [];
  if (dtype === 'int16') for (let i = 0; i + 1 < bytes.length; i += 2) out.push(bytes.readInt16LE(i));
  else for (let i = 0; i < bytes.length; i++) out.push(bytes.readInt8(i));
  return out;
}

export async function runCBackend(cases: ConformanceCase[], platform: CPlatform): Promise<ConformanceReport> {
  const results: (CaseResult | null)[] = cases.map(() => null);
  const built: { index: number; builder: CCaseBuilder }[] = [];
  cases.forEach((c, index) => {
    const a = adapterFor(c);
    if ('status' in a) {
      results[index] = a;
      return;
    }
    const b = new CCaseBuilder(`case${index}`);
    try {
      emitCase(b, a.build(new CaseReader(c)), platform.cmsisPath);
      built.push({ index, builder: b });
    } catch (e) {
      results[index] = result(c, { status: 'failed', message: errorText(e) });
    }
  });
  const batches: (typeof built)[] = [];
  for (let i = 0; i < built.length; i += platform.batchSize) batches.push(built.slice(i, i + platform.batchSize));
  const headers = new Set<string>();
  for (const b of built) for (const h of b.builder.headers) headers.add(h);
  const outputs = await platform.runBatches(batches.map(renderProgram), headers);
  const seen = new Map<number, Record>();
  for (const buf of outputs) for (const r of parseRecords(buf)) seen.set(r.index, r);
  for (const { index } of built) {
    const c = cases[index]!;
    const rec = seen.get(index);
    if (!rec) results[index] = result(c, { status: 'failed', message: `${platform.name}: the program produced no output for this case (crash?)` });
    else if (rec.status === CMSIS_SCRATCH_STATUS)
      results[index] = result(c, { status: 'failed', message: `the scratch size CMSIS-NN asks for differs from the one computed for the ${platform.cmsisPath} path` });
    else if (rec.status === GENERATED_MISMATCH_STATUS) results[index] = result(c, { status: 'failed', message: GENERATED_MISMATCH_MESSAGE });
    else if (rec.status !== 0) results[index] = result(c, { status: 'failed', message: `kernel returned status ${rec.status}` });
    else results[index] = result(c, compareOutput(c, decode(rec.bytes, c.tensors.expected_output!.dtype)));
  }
  return summarize(platform.name, results as CaseResult[]);
}

function summarize(backend: string, cases: CaseResult[]): ConformanceReport {
  const count = (s: CaseStatus) => cases.filter((c) => c.status === s).length;
  return { backend, passed: count('passed'), failed: count('failed'), skipped: count('skipped'), cases };
}

/** Table of passed/failed per op and dtype, then the closing count line. */
export function formatReport(r: ConformanceReport): string {
  const groups = new Map<string, { passed: number; failed: number; skipped: number }>();
  for (const c of r.cases) {
    const key = `${c.op} ${c.dtype}`;
    const g = groups.get(key) ?? { passed: 0, failed: 0, skipped: 0 };
    g[c.status]++;
    groups.set(key, g);
  }
  const lines = [`conformance backend ${r.backend}`, `${'op dtype'.padEnd(26)}${'passed'.padStart(8)}${'failed'.padStart(8)}${'skipped'.padStart(9)}`];
  for (const [k, g] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`${k.padEnd(26)}${String(g.passed).padStart(8)}${String(g.failed).padStart(8)}${String(g.skipped).padStart(9)}`);
  }
  const bad = r.cases.filter((c) => c.status !== 'passed');
  if (bad.length > 0) lines.push('', 'not passed:');
  for (const c of bad) {
    const m = c.first_mismatch;
    const detail = m ? `first mismatch at element ${m.index}: expected ${m.expected}, got ${m.actual}` : (c.message ?? '');
    lines.push(`  ${c.status.padEnd(7)} ${c.case} (${c.op} ${c.dtype}): ${detail}`);
  }
  lines.push(`${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''}`);
  return lines.join('\n');
}
