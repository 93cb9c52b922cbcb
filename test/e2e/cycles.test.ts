/**
 * The cycle estimator (src/report/cycles, the QEMU plugin in templates/qemu-plugin) against
 * microbenchmarks whose cycles are derived by hand from Arm's published timings
 * (test/cycles/*.S: each benchmark's derivation is written beside it): the model must reproduce
 * them exactly on every in-order core it models. The Cortex-M3, M4 and M33 run in their own QEMU
 * machines; the Cortex-M0+ (no QEMU 7.2 machine) is built for Armv6-M and run on the M3's machine,
 * then costed with the M0+ model. Then `edgec budget` on the golden HAR folder prints estimated
 * cycles and milliseconds per layer and in total beside instructions and MACs.
 *
 * Every figure here is an estimate of a model, not a hardware measurement: what this checks is
 * that the model implements the published rules, not that the rules match any particular chip.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { estimateElfCycles } from '../../src/report/cycles/run.ts';
import { PACKAGE_ROOT } from '../../src/support/paths.ts';
import { buildElf, loadTarget } from '../../src/toolchain/cortex-m.ts';
import { mapLimit, parallelism } from '../../src/toolchain/exec.ts';
import { CORTEX_SKIP_REASON, HAS_CORTEX } from '../support/toolchain.ts';

const BENCH = join(PACKAGE_ROOT, 'test', 'cycles');
const CORES = ['cortex-m0plus', 'cortex-m3', 'cortex-m4', 'cortex-m33'] as const;
type Core = (typeof CORES)[number];

/**
 * Expected cycles per benchmark and core, and the instructions between its labels. The derivations
 * are in the .S files: [M0+] Cortex-M0+ TRM Table 3-1; [M3]/[M4] Cortex-M3/M4 TRM Table 3-1 and
 * 3.3.2; the M33 has no published table and is modelled as the M4 (so its column equals the M4's).
 * `null`: the benchmark does not assemble for that core.
 */
const EXPECTED: Record<string, { instructions: number; cycles: Record<Core, number | null> }> = {
  ldr_pair: { instructions: 4, cycles: { 'cortex-m0plus': 8, 'cortex-m3': 5, 'cortex-m4': 5, 'cortex-m33': 5 } },
  trm_ldr3: { instructions: 3, cycles: { 'cortex-m0plus': 6, 'cortex-m3': 4, 'cortex-m4': 4, 'cortex-m33': 4 } },
  ldr_dependent: { instructions: 2, cycles: { 'cortex-m0plus': 4, 'cortex-m3': 4, 'cortex-m4': 4, 'cortex-m33': 4 } },
  addr_stall: { instructions: 2, cycles: { 'cortex-m0plus': 3, 'cortex-m3': 4, 'cortex-m4': 4, 'cortex-m33': 4 } },
  str_imm: { instructions: 3, cycles: { 'cortex-m0plus': 5, 'cortex-m3': 3, 'cortex-m4': 3, 'cortex-m33': 3 } },
  str_reg: { instructions: 2, cycles: { 'cortex-m0plus': 4, 'cortex-m3': 4, 'cortex-m4': 4, 'cortex-m33': 4 } },
  ldr_str: { instructions: 2, cycles: { 'cortex-m0plus': 4, 'cortex-m3': 3, 'cortex-m4': 3, 'cortex-m33': 3 } },
  branch_not_taken: { instructions: 3, cycles: { 'cortex-m0plus': 3, 'cortex-m3': 3, 'cortex-m4': 3, 'cortex-m33': 3 } },
  branch_taken: { instructions: 2, cycles: { 'cortex-m0plus': 3, 'cortex-m3': 3, 'cortex-m4': 3, 'cortex-m33': 3 } },
  call_bx: { instructions: 3, cycles: { 'cortex-m0plus': 6, 'cortex-m3': 6, 'cortex-m4': 6, 'cortex-m33': 6 } },
  call_pop_pc: { instructions: 4, cycles: { 'cortex-m0plus': 12, 'cortex-m3': 12, 'cortex-m4': 12, 'cortex-m33': 12 } },
  push_pop: { instructions: 2, cycles: { 'cortex-m0plus': 10, 'cortex-m3': 10, 'cortex-m4': 10, 'cortex-m33': 10 } },
  ldm: { instructions: 2, cycles: { 'cortex-m0plus': 7, 'cortex-m3': 7, 'cortex-m4': 7, 'cortex-m33': 7 } },
  muls: { instructions: 2, cycles: { 'cortex-m0plus': 2, 'cortex-m3': 2, 'cortex-m4': 2, 'cortex-m33': 2 } },
  mla: { instructions: 2, cycles: { 'cortex-m0plus': null, 'cortex-m3': 4, 'cortex-m4': 2, 'cortex-m33': 2 } },
  umull: { instructions: 1, cycles: { 'cortex-m0plus': null, 'cortex-m3': 5, 'cortex-m4': 1, 'cortex-m33': 1 } },
  mlal: { instructions: 2, cycles: { 'cortex-m0plus': null, 'cortex-m3': 13, 'cortex-m4': 2, 'cortex-m33': 2 } },
  udiv: { instructions: 1, cycles: { 'cortex-m0plus': null, 'cortex-m3': 12, 'cortex-m4': 12, 'cortex-m33': 12 } },
  it: { instructions: 6, cycles: { 'cortex-m0plus': null, 'cortex-m3': 5, 'cortex-m4': 5, 'cortex-m33': 5 } },
  cbz_taken: { instructions: 2, cycles: { 'cortex-m0plus': null, 'cortex-m3': 3, 'cortex-m4': 3, 'cortex-m33': 3 } },
  cbz_not_taken: { instructions: 5, cycles: { 'cortex-m0plus': null, 'cortex-m3': 5, 'cortex-m4': 5, 'cortex-m33': 5 } },
  branch_wide_unaligned: { instructions: 2, cycles: { 'cortex-m0plus': null, 'cortex-m3': 4, 'cortex-m4': 4, 'cortex-m33': 4 } },
  branch_wide_aligned: { instructions: 2, cycles: { 'cortex-m0plus': null, 'cortex-m3': 3, 'cortex-m4': 3, 'cortex-m33': 3 } },
  ldrd_strd: { instructions: 2, cycles: { 'cortex-m0plus': null, 'cortex-m3': 6, 'cortex-m4': 6, 'cortex-m33': 6 } },
  smlad: { instructions: 6, cycles: { 'cortex-m0plus': null, 'cortex-m3': null, 'cortex-m4': 6, 'cortex-m33': 6 } },
};

const tmp = mkdtempSync(join(tmpdir(), 'edgec-cycles-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function buildBench(core: Core): Promise<string> {
  const t = loadTarget(core);
  const v7m = core !== 'cortex-m0plus';
  const dsp = t.features.includes('dsp');
  return buildElf({
    target: t,
    sources: [join(BENCH, 'bench_main.c'), join(BENCH, 'bench_v6m.S'), ...(v7m ? [join(BENCH, 'bench_v7m.S')] : []), ...(dsp ? [join(BENCH, 'bench_dsp.S')] : [])],
    includeDirs: [],
    defines: [...(v7m ? ['BENCH_V7M'] : []), ...(dsp ? ['BENCH_DSP'] : [])],
    workDir: join(tmp, core),
  });
}

describe('cycle model microbenchmarks (hand-derived from Arm TRM tables)', () => {
  if (!HAS_CORTEX) {
    it.skip(CORTEX_SKIP_REASON, () => undefined);
    return;
  }
  for (const core of CORES) {
    describe(core, () => {
      let elf = '';
      beforeAll(async () => {
        elf = await buildBench(core);
      }, 60_000);
      const names = Object.keys(EXPECTED).filter((n) => EXPECTED[n]!.cycles[core] !== null);
      it(`reproduces ${names.length} benchmarks exactly`, async () => {
        const runs = await mapLimit(names, parallelism(), (name) => estimateElfCycles(elf, core, `bench_${name}_begin`, `bench_${name}_end`, { clockMhz: 64, flashWaitStates: 0, flashPrefetch: 0 }));
        const got = Object.fromEntries(names.map((name, i) => [name, [runs[i]!.estimate.total.instructions, runs[i]!.estimate.total.cycles]]));
        const want = Object.fromEntries(names.map((name) => [name, [EXPECTED[name]!.instructions, EXPECTED[name]!.cycles[core]!]]));
        expect(got).toEqual(want);
        expect(runs.flatMap((r) => r.estimate.unknown)).toEqual([]);
      }, 60_000);
    });
  }

  it('flash wait states add to fetches and constant loads from the flash region, scaled by the prefetch and data-cache factors', async () => {
    const elf = await buildBench('cortex-m4');
    const run = (flashWaitStates: number, flashPrefetch: number, flashDataCache: number) =>
      estimateElfCycles(elf, 'cortex-m4', 'bench_ldr_pair_begin', 'bench_ldr_pair_end', { clockMhz: 64, flashWaitStates, flashPrefetch, flashDataCache });
    const base = await run(0, 0, 0);
    const ws = await run(2, 0, 0);
    const half = await run(2, 0.5, 0);
    const cached = await run(2, 0, 1);
    // Four 16-bit LDRs, word-aligned: two fetch words; four loads from bench_table in .rodata (flash).
    expect(ws.estimate.total.flashLoads).toBe(4);
    expect(ws.estimate.total.fetchStall).toBe(2 * 2);
    expect(ws.estimate.total.dataStall).toBe(4 * 2);
    expect(ws.estimate.total.cycles).toBe(base.estimate.total.cycles + 12);
    expect(half.estimate.total.cycles).toBe(base.estimate.total.cycles + 2 + 8);
    expect(cached.estimate.total.cycles).toBe(base.estimate.total.cycles + 4);
  }, 60_000);
});

describe('edgec budget with estimated cycles', () => {
  if (!HAS_CORTEX) {
    it.skip(CORTEX_SKIP_REASON, () => undefined);
    return;
  }
  it('`edgec budget generated/har --target cortex-m4 --clock-mhz 64` prints estimated cycles and ms per layer and in total beside instructions and MACs', async () => {
    const dir = join(tmp, 'har');
    cpSync(join(PACKAGE_ROOT, 'generated', 'har'), dir, { recursive: true });
    let out = '';
    const code = await main(['node', 'edgec', 'budget', dir, '--target', 'cortex-m4', '--clock-mhz', '64'], { stdout: (t) => (out += t), stderr: () => undefined });
    expect(code).toBe(0);
    expect(out).toMatch(/est\. cycles \/ inference\s+\|\s+[\d,]+ \|/);
    expect(out).toMatch(/est\. ms \/ inference\s+\|\s+[\d.]+ @64MHz \|/);
    expect(out).toMatch(/MACs \/ inference\s+\|\s+106,656 \|/);
    expect(out).toContain('Estimated cycles per layer on cortex-m4 (a model of the core from published instruction timings, not a measurement; 64 MHz');
    expect(out).not.toMatch(/measured cycles/i);
    const json = JSON.parse(readFileSync(join(dir, 'budget-cortex-m4.json'), 'utf8'));
    const c = json.cycles;
    expect(c.estimated).toBe(true);
    expect(c.clock_mhz).toBe(64);
    expect(c.per_layer.map((l: { name: string }) => l.name)).toEqual(json.instructions.per_layer.map((l: { name: string }) => l.name));
    // Every layer: cycles at least its instructions (no instruction is free on the M4 but a folded IT), ms = cycles / 64e3.
    for (const [i, l] of c.per_layer.entries()) {
      expect(l.estimated_cycles).toBeGreaterThan(0.9 * json.instructions.per_layer[i].instructions);
      expect(l.estimated_ms).toBeCloseTo(l.estimated_cycles / 64e3, 9);
      // The plugin's count of the layer agrees with QEMU's -icount within the hooks' instructions.
      expect(Math.abs(l.instructions_traced - json.instructions.per_layer[i].instructions)).toBeLessThan(40);
    }
    const conv = c.per_layer.find((l: { op: string }) => l.op === 'conv2d');
    expect(conv.macs).toBeGreaterThan(0);
    expect(conv.times_floor).toBeGreaterThan(1);
    expect(c.total).toBeGreaterThan(json.instructions.total);
    expect(c.mac_floor.cycles_per_mac).toBe(0.5);
  }, 120_000);
});
