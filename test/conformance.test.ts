/**
 * The operator table: every case of the CMSIS-NN conformance suite through every backend that can
 * run here, compared byte for byte with the case's expected output.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SUITE_DIR } from '../src/paths.ts';
import { hostPlatform } from '../src/conformance/platforms.ts';
import { loadSuite, runCBackend, runTsBackend, type ConformanceReport } from '../src/conformance/run.ts';

const cases = loadSuite(DEFAULT_SUITE_DIR);

function failures(r: ConformanceReport): string[] {
  return r.cases
    .filter((c) => c.status !== 'passed')
    .map((c) => `${c.case}: ${c.first_mismatch ? JSON.stringify(c.first_mismatch) : c.message}`);
}

describe('conformance suite', () => {
  it('holds the 207 cases', () => {
    expect(cases.length).toBe(207);
  });

  it('TS reference kernels: every case bit-exact', () => {
    const r = runTsBackend(cases);
    expect(failures(r)).toEqual([]);
    expect(r.passed).toBe(cases.length);
  });

  it('portable C kernels on the host: every case bit-exact', async () => {
    const r = await runCBackend(cases, hostPlatform());
    expect(failures(r)).toEqual([]);
    expect(r.passed).toBe(cases.length);
  }, 600_000);

  it('portable C kernels under AddressSanitizer and UBSan: every case bit-exact, no report', async () => {
    const r = await runCBackend(cases, hostPlatform({ sanitize: true }));
    expect(failures(r)).toEqual([]);
    expect(r.passed).toBe(cases.length);
  }, 600_000);
});
