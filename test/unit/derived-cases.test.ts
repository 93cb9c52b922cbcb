/**
 * Suite cases with parameters the CMSIS-NN vectors do not cover, for code paths only they would reach:
 * a copy of a suite case with one parameter changed, its expected bytes computed by the TS reference
 * kernel (itself held to the suite's vectors), run through the C backends.
 *  - int8 max pooling with a narrow activation range on eight channels: the DSP path clamps four
 *    channels at once (SSUB8/SEL), which the suite's full-range SIMD-width cases never exercise.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_SUITE_DIR } from '../../src/support/paths.ts';
import { cortexPlatform, hostPlatform } from '../../src/conformance/platforms.ts';
import { caseAdapter } from '../../src/ops/registry.ts';
import { simulateCase } from '../../src/conformance/step-case.ts';
import { CaseReader } from '../../src/formats/conformance-case.ts';
import { loadSuite, runCBackend } from '../../src/conformance/run.ts';
import { HAS_CORTEX } from '../support/toolchain.ts';

const tmp = mkdtempSync(join(tmpdir(), 'edgec-derived-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Writes a copy of a suite case with `edit` applied and the TS reference's output as expected. */
function derive(base: string, name: string, edit: (c: { params: Record<string, unknown> }) => void): void {
  const c = JSON.parse(readFileSync(join(DEFAULT_SUITE_DIR, `${base}.json`), 'utf8'));
  c.case = name;
  edit(c);
  writeFileSync(join(tmp, `${name}.json`), JSON.stringify(c));
  const [loaded] = loadSuite(tmp, (n) => n === name);
  const out = simulateCase(caseAdapter(loaded!.op, loaded!.actDtype)!.build(new CaseReader(loaded!)));
  c.tensors.expected_output.data = Array.from(out as ArrayLike<number>);
  writeFileSync(join(tmp, `${name}.json`), JSON.stringify(c));
}

derive('maxpooling', 'maxpooling_narrow_activation', (c) => {
  c.params.activation = { min: -20, max: 30 };
});

describe('derived cases', () => {
  const cases = loadSuite(tmp);
  it('the narrow range changes the reference output', () => {
    const original = loadSuite(DEFAULT_SUITE_DIR, (n) => n === 'maxpooling')[0]!;
    expect(cases[0]!.tensors.expected_output!.data).not.toEqual(original.tensors.expected_output!.data);
  });
  const platforms = [hostPlatform(), ...(HAS_CORTEX ? [cortexPlatform('cortex-m4'), cortexPlatform('cortex-m4', { debug: true })] : [])];
  for (const p of platforms) {
    it(`${p.name}: bit-exact`, async () => {
      const r = await runCBackend(cases, p);
      expect(r.cases.filter((x) => x.status !== 'passed')).toEqual([]);
      expect(r.passed).toBe(cases.length);
    }, 300_000);
  }
});
