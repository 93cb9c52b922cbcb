/**
 * The conformance summary: read from `edgec conformance --backend B --json` output files given with
 * `--conformance FILE` (running the suite here would take minutes), or "not run". Each file is hashed,
 * so the report names exactly which run it summarises.
 */
import { readFileSync } from 'node:fs';
import { fail } from '../../support/diagnostics.ts';
import type { ConformanceSummary } from './types.ts';
import { sha256 } from './hashes.ts';

const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

export function readConformanceReports(files: readonly string[]): ConformanceSummary {
  if (files.length === 0) return { status: 'not run', reports: [] };
  const reports = files.map((file) => {
    let text: Buffer;
    try {
      text = readFileSync(file);
    } catch (e) {
      return fail('E-CLI-INPUT', 'cli', `cannot read the conformance report: ${(e as Error).message}`, { file });
    }
    let j: { backend?: unknown; passed?: unknown; failed?: unknown; skipped?: unknown; cases?: unknown };
    try {
      j = JSON.parse(text.toString('utf8'));
    } catch (e) {
      return fail('E-CONF-JSON', 'conformance', `not valid JSON (${(e as Error).message.split('\n')[0]}); give the output of \`edgec conformance --backend B --json\``, { file });
    }
    if (typeof j !== 'object' || j === null || typeof j.backend !== 'string' || !isCount(j.passed) || !isCount(j.failed) || !isCount(j.skipped) || !Array.isArray(j.cases))
      fail('E-CONF-JSON', 'conformance', 'not a conformance report: expected the output of `edgec conformance --backend B --json` (backend, passed, failed, skipped, cases)', { file });
    const cases = j.cases as { case?: unknown; op?: unknown; dtype?: unknown; status?: unknown }[];
    const str = (v: unknown) => (typeof v === 'string' ? v : String(v));
    return {
      file,
      sha256: sha256(text),
      backend: j.backend as string,
      passed: j.passed as number,
      failed: j.failed as number,
      skipped: j.skipped as number,
      notPassed: cases.filter((c) => c?.status !== 'passed').map((c) => ({ case: str(c?.case), op: str(c?.op), dtype: str(c?.dtype), status: str(c?.status) })),
    };
  });
  return { status: 'given', reports };
}
