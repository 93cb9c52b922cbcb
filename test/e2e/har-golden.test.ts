/**
 * The committed HAR example: regenerating generated/har from examples/har/model gives byte-identical
 * files (a refactor must not change a byte), and the committed C is bit-exact with the simulator on
 * 1000 inputs on the host.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/support/paths.ts';
import { verifyFolder } from '../../src/verify/verify.ts';
import { hostTarget } from '../../src/verify/targets.ts';
import { compileHar } from '../../examples/har/golden.ts';

const GOLDEN = join(PACKAGE_ROOT, 'generated/har');
const tmp = mkdtempSync(join(tmpdir(), 'edgec-golden-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
}

describe('generated/har (golden)', () => {
  it('regenerates byte for byte from the committed model', async () => {
    const out = join(tmp, 'har');
    await compileHar(out);
    const fresh = files(out)
      .map((f) => relative(out, f))
      .sort();
    const golden = files(GOLDEN)
      .map((f) => relative(GOLDEN, f))
      .filter((f) => !f.startsWith('budget'))
      .sort();
    expect(fresh).toEqual(golden);
    for (const f of fresh) expect(readFileSync(join(out, f)).equals(readFileSync(join(GOLDEN, f))), f).toBe(true);
  });

  it('the committed C is bit-exact with the simulator on 1000 inputs (host)', async () => {
    const r = await verifyFolder(GOLDEN, hostTarget, { inputs: 1000 });
    expect(r.mismatches).toEqual([]);
    expect(r.exact).toBe(1000);
  });
});

describe('generated/har/model.ts', () => {
  it('quantizes like the toolchain and simulates the same bytes as the folder graph', async () => {
    const har = await import('../../generated/har/model.ts');
    const { quantizeValues, simulateFolder } = await import('../../src/index.ts');
    const w = Float32Array.from({ length: 768 }, (_, i) => Math.sin(i / 7) * 2);
    const q = har.quantizeInput(w);
    expect(Array.from(q)).toEqual(Array.from(quantizeValues(w, har.INPUT_SCALE, har.INPUT_ZERO_POINT)));
    expect(Array.from(har.simulate(q))).toEqual(Array.from(simulateFolder(GOLDEN, q)));
    expect(har.LABELS).toEqual(['walking', 'jogging', 'stairs', 'sitting', 'standing']);
    expect(() => har.quantizeInput(new Float32Array(3))).toThrow(/expected 768 values/);
  });
});
