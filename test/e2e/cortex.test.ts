/**
 * Cortex-M targets in QEMU: the golden HAR model is bit-exact with the simulator on M3, M4 and M7;
 * instruction counts repeat exactly and the per-layer counts add up to the total within the hooks'
 * own overhead; a fault is reported with its registers, not as a hang.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EdgecError } from '../../src/support/diagnostics.ts';
import { PACKAGE_ROOT } from '../../src/support/paths.ts';
import { measureBudget } from '../../src/report/budget.ts';
import { buildElf, listRunnableTargets, loadTarget, runQemu, ticksToInstructions } from '../../src/toolchain/cortex-m.ts';
import { verifyFolder } from '../../src/verify/verify.ts';
import { cortexTarget } from '../../src/verify/targets.ts';
import { CORTEX_SKIP_REASON, HAS_CORTEX } from '../support/toolchain.ts';

const GOLDEN = join(PACKAGE_ROOT, 'generated/har');
const tmp = mkdtempSync(join(tmpdir(), 'edgec-cortex-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(!HAS_CORTEX)('Cortex-M in QEMU', () => {
  // Every target QEMU runs (targets/*.json); the default target gets more inputs.
  for (const target of listRunnableTargets()) {
    const n = target === 'cortex-m4' ? 200 : 50;
    it(`generated/har is bit-exact on ${target} (${n} inputs)`, async () => {
      const r = await verifyFolder(GOLDEN, cortexTarget(target), { inputs: n });
      expect(r.mismatches).toEqual([]);
      expect(r.exact).toBe(n);
    }, 300_000);
  }

  it('instruction counts repeat exactly; per-layer counts add up to the total within the hook overhead', async () => {
    // Instructions only: the cycle estimate (tested in cycles.test.ts) would add two traced runs each.
    const a = await measureBudget(GOLDEN, 'cortex-m4', { cycles: false });
    const b = await measureBudget(GOLDEN, 'cortex-m4', { cycles: false });
    expect(a.instructions.total).toBe(b.instructions.total);
    expect(a.instructions.per_layer).toEqual(b.instructions.per_layer);
    expect(a.instructions.total).toBeGreaterThan(100_000);
    const sum = a.instructions.per_layer.reduce((s, l) => s + l.instructions, 0);
    // Each per-layer hook costs a few instructions: well under 20 per layer.
    expect(sum - a.instructions.total!).toBeGreaterThanOrEqual(0);
    expect(sum - a.instructions.total!).toBeLessThan(20 * a.instructions.per_layer.length);
    expect(a.ram.stack).toBeGreaterThan(0);
    expect(a.flash.weights).toBeGreaterThan(3000);
  }, 300_000);

  for (const name of listRunnableTargets()) {
    it(`${name}: the board counter measures a 2,000,000-instruction loop to within 10 instructions`, async () => {
      const target = loadTarget(name);
      const dir = join(tmp, `cal-${name}`);
      const elf = await buildElf({ target, sources: [join(__dirname, 'icount-calibration.c')], includeDirs: [], defines: [`EDGEC_COUNTER_ADDRESS=${target.counter!.address}u`], workDir: dir });
      await runQemu(target, elf, dir, { icount: true });
      const instructions = ticksToInstructions(readFileSync(join(dir, 'ticks.bin')).readUInt32LE(0), target);
      expect(Math.abs(instructions - 2_000_000)).toBeLessThanOrEqual(10);
    }, 120_000);
  }

  it('a hard fault is reported with its fault registers', async () => {
    const src = join(tmp, 'fault.c');
    writeFileSync(src, '#include <stdint.h>\nint main(void) { *(volatile uint32_t *)0xF0000000u = 1u; return 0; }\n');
    const target = loadTarget('cortex-m4');
    const elf = await buildElf({ target, sources: [src], includeDirs: [], workDir: join(tmp, 'fault') });
    const err = await runQemu(target, elf, tmp).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(EdgecError);
    expect((err as EdgecError).diagnostics[0]!.code).toBe('E-QEMU-FAULT');
    expect((err as EdgecError).message).toMatch(/CFSR|HFSR/);
  }, 120_000);
});

if (!HAS_CORTEX) {
  describe('Cortex-M in QEMU', () => {
    it.skip(`skipped: ${CORTEX_SKIP_REASON}`, () => undefined);
  });
}
