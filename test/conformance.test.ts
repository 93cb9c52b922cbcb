/**
 * The operator table: every case of the CMSIS-NN conformance suite through every backend that can
 * run here, compared byte for byte with the case's expected output. One test per op family and
 * backend; a family without a kernel yet is a visible skip naming the gap, never a pass.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SUITE_DIR } from '../src/support/paths.ts';
import { cortexPlatform, hostPlatform } from '../src/conformance/platforms.ts';
import { CORTEX_SKIP_REASON, HAS_CORTEX } from './support/toolchain.ts';
import { caseAdapter } from '../src/ops/registry.ts';
import { loadSuite, runCBackend, runTsBackend, type ConformanceReport } from '../src/conformance/run.ts';
import type { ConformanceCase } from '../src/formats/conformance-case.ts';
import { cmsisNnMissingReason } from '../src/toolchain/cmsis-nn.ts';

const NO_CMSIS_NN = cmsisNnMissingReason();

const cases = loadSuite(DEFAULT_SUITE_DIR);
const families = new Map<string, ConformanceCase[]>();
for (const c of cases) {
  const key = `${c.op} ${c.actDtype}`;
  families.set(key, [...(families.get(key) ?? []), c]);
}
const supported = cases.filter((c) => caseAdapter(c.op, c.actDtype));

function failures(r: ConformanceReport): string[] {
  return r.cases.filter((c) => c.status !== 'passed').map((c) => `${c.case}: ${c.first_mismatch ? JSON.stringify(c.first_mismatch) : c.message}`);
}

function byFamily(r: ConformanceReport, key: string): string[] {
  return failures({ ...r, cases: r.cases.filter((c) => `${c.op} ${c.dtype}` === key) });
}

describe('conformance suite', () => {
  it('holds the 207 cases', () => {
    expect(cases.length).toBe(207);
  });

  // Each backend runs once over every supported case; the families below read its report.
  const reports: Record<string, () => ConformanceReport | Promise<ConformanceReport>> = {
    ts: () => runTsBackend(supported),
    'c-host': () => runCBackend(supported, hostPlatform()),
    'c-host (ASan+UBSan)': () => runCBackend(supported, hostPlatform({ sanitize: true })),
  };
  if (HAS_CORTEX) {
    reports['c-m4 (QEMU)'] = () => runCBackend(supported, cortexPlatform('cortex-m4'));
    // A debug (-O0) build takes the kernels' C loops instead of their inline asm: same bytes required.
    reports['c-m4-O0 (QEMU)'] = () => runCBackend(supported, cortexPlatform('cortex-m4', { debug: true }));
  } else it.skip(`c-m4, c-m4-O0 (QEMU): ${CORTEX_SKIP_REASON}`, () => undefined);
  // The same suite through CMSIS-NN itself: a check on the cmsis-nn backend's parameter mapping and scratch sizes.
  if (NO_CMSIS_NN) it.skip(`cmsis-nn-host, cmsis-nn-m4, cmsis-nn-m55: ${NO_CMSIS_NN}`, () => undefined);
  else {
    reports['cmsis-nn-host'] = () => runCBackend(supported, hostPlatform({ cmsisNn: true }));
    if (HAS_CORTEX) {
      reports['cmsis-nn-m4 (QEMU)'] = () => runCBackend(supported, cortexPlatform('cortex-m4', { cmsisNn: true }));
      reports['cmsis-nn-m55 (QEMU)'] = () => runCBackend(supported, cortexPlatform('cortex-m55', { cmsisNn: true }));
    } else it.skip(`cmsis-nn-m4, cmsis-nn-m55: ${CORTEX_SKIP_REASON}`, () => undefined);
  }
  for (const [backend, run] of Object.entries(reports)) {
    describe(backend, () => {
      let report: Promise<ConformanceReport> | null = null;
      const get = () => (report ??= Promise.resolve(run()));
      for (const [key, members] of families) {
        if (!caseAdapter(members[0]!.op, members[0]!.actDtype)) {
          it.skip(`${key} (${members.length} cases): no kernel yet, open work`, () => undefined);
          continue;
        }
        it(`${key}: ${members.length} cases bit-exact`, async () => {
          expect(byFamily(await get(), key)).toEqual([]);
        }, 600_000);
      }
    });
  }
});
