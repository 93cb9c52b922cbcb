/**
 * Budgets of a generated model on a Cortex-M target, measured on the linked ELF and in QEMU:
 *   flash  weights (the model's const data) and code (model + kernel functions), from the ELF symbols
 *   RAM    arena (planned), scratch (the largest CMSIS-NN kernel buffer, placed inside the arena, so
 *          not added again to the total; 0 for the portable kernels), stack (painted stack
 *          high-water mark in QEMU, harness frames included), static (other .data/.bss of model code)
 *   instructions  executed per inference, total and per layer (QEMU -icount + FPGAIO counter):
 *          instructions, not cycles.
 * The total comes from a build without per-layer hooks; the per-layer figures from a build with
 * them, and their sum exceeds the total by the hooks' own instructions (reported as overhead).
 *   cycles  estimated (never measured): the same builds traced by edgec's QEMU plugin and costed with
 *          the core's model from published instruction timings, per layer beside its MACs and the
 *          core's int8 MAC floor (src/report/cycles; clock and flash wait states are options).
 */
import { safeText } from '../support/sanitize.ts';
import { spawnSync } from 'node:child_process';
import type { Manifest } from '../formats/manifest.ts';
import { folderInputs, readManifest, sampleBytes } from '../formats/manifest.ts';
import { fail } from '../support/diagnostics.ts';
import { loadTarget, type TargetDescriptor } from '../toolchain/cortex-m.ts';
import { buildModelCortex, parseProfile, runModelCortex } from '../toolchain/model-cortex.ts';
import { xorshift32Bytes } from '../verify/verify.ts';
import { type BudgetCycles, estimateBudgetCycles } from './cycles/budget-cycles.ts';
import { type CycleOptions, DEFAULT_CYCLE_OPTIONS } from './cycles/run.ts';

export interface Budget {
  target: string;
  /** weights: the const data in the image plus weights.bin of a --weights blob folder (weights_blob, wherever it is placed). */
  flash: { weights: number; weights_blob: number; code: number; total: number; per_kernel: { name: string; bytes: number }[] };
  /** state: bytes a stateful model keeps between invokes (LSTM hidden/cell), outside the arena. */
  ram: { arena: number; scratch: number; state: number; stack: number; static: number; total: number };
  instructions: { total: number | null; per_layer: { name: string; op: string; instructions: number }[]; overhead: number | null; note: string };
  /** Estimated cycles, ms and MACs (a model of the core, not a measurement); absent without QEMU or with `cycles: false`. */
  cycles?: BudgetCycles;
}

/** Symbols of the harness (startup, semihosting, libc, main): not part of the model's budget. */
const HARNESS =
  /^(edgec_(reset|fault|default)_handler|edgec_vectors|edgec_stack_(unused|size)|edgec_sh_\w+|edgec_semihost|edgec_profile_step|edgec_debug_tensor|edgec_case_output|edgec_harness_\w+|memcpy|memmove|memset|memcmp|main|write_u32|input|step_ticks|last_tick|steps_seen|dump_fd|current_input|out_fd|edgec_strlen)(\.\d+)?$/;

interface Sym {
  name: string;
  size: number;
  type: string;
}

function symbols(elf: string): Sym[] {
  const r = spawnSync('arm-none-eabi-nm', ['-S', '--size-sort', elf], { encoding: 'utf8' });
  if (r.status !== 0) fail('E-TOOL-NM', 'toolchain', `arm-none-eabi-nm failed: ${r.stderr}`, { file: elf });
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length === 4)
    .map(([, size, type, name]) => ({ name: name!, size: parseInt(size!, 16), type: type! }));
}

export function flashAndStatic(elf: string, m: Manifest): { flash: Budget['flash']; staticBytes: number } {
  const syms = symbols(elf).filter((s) => !HARNESS.test(s.name));
  const code = syms.filter((s) => /^[tT]$/.test(s.type));
  const rodata = syms.filter((s) => /^[rR]$/.test(s.type));
  const ram = syms.filter((s) => /^[bBdD]$/.test(s.type) && s.name !== `${m.prefix}_static_arena` && s.name !== `${m.prefix}_static_ctx`);
  const sum = (list: Sym[]) => list.reduce((a, s) => a + s.size, 0);
  const blob = m.weightsBlobBytes ?? 0;
  const weights = sum(rodata) + blob;
  const codeBytes = sum(code);
  // Kernel symbols carry the model's prefix (kernels/edgec_prefix.h); reported by their own names.
  const kernelPrefix = `${m.prefix}_edgec_`;
  return {
    flash: {
      weights,
      weights_blob: blob,
      code: codeBytes,
      total: weights + codeBytes,
      per_kernel: code
        .filter((s) => s.name.startsWith(kernelPrefix) || s.name.startsWith('edgec_') || s.name.startsWith('arm_'))
        .map((s) => ({ name: s.name.startsWith(kernelPrefix) ? s.name.slice(m.prefix.length + 1) : s.name, bytes: s.size }))
        .sort((a, b) => b.bytes - a.bytes),
    },
    staticBytes: sum(ram),
  };
}

export async function measureBudget(dir: string, targetName: string, opts: { inputs?: number; cycles?: CycleOptions | false } = {}): Promise<Budget> {
  const m = readManifest(dir);
  const target: TargetDescriptor = loadTarget(targetName);
  const plain = await buildModelCortex(dir, m, target, { checkScratch: false });
  const { flash, staticBytes } = flashAndStatic(plain.elf, m);
  const note = 'executed instructions counted in QEMU (-icount), not cycles';
  if (!target.qemu || !target.counter) {
    return {
      target: target.name,
      flash,
      ram: { arena: m.arenaBytes, scratch: m.scratchBytes ?? 0, state: m.stateBytes ?? 0, stack: 0, static: staticBytes, total: m.arenaBytes + (m.stateBytes ?? 0) + staticBytes },
      instructions: { total: null, per_layer: [], overhead: null, note: `${target.name} is build-and-size only (no QEMU machine): no instruction count or stack measurement` },
    };
  }
  // One fixed input (seeded xorshift32 bytes), run from zero state, as the reference figures are.
  const n = opts.inputs ?? 1;
  const input = Buffer.from(xorshift32Bytes(n * sampleBytes(folderInputs(m)), 1).buffer);
  const totalBuild = await buildModelCortex(dir, m, target, { profile: 'total' });
  const totalRun = await runModelCortex(totalBuild.elf, totalBuild.workDir, target, input, { profile: true });
  const total = parseProfile(totalRun.profile!, 0, n, target);
  const stepBuild = await buildModelCortex(dir, m, target, { profile: 'steps' });
  const stepRun = await runModelCortex(stepBuild.elf, stepBuild.workDir, target, input, { profile: true });
  const steps = parseProfile(stepRun.profile!, m.steps.length, n, target);
  const perLayer = m.steps.map((s, i) => ({ name: s.layer, op: s.op, instructions: steps.perInput[0]!.steps[i]! }));
  const totalInstr = total.perInput[0]!.total;
  const cycleOptions = opts.cycles === undefined ? DEFAULT_CYCLE_OPTIONS : opts.cycles;
  const cycles = cycleOptions ? await estimateBudgetCycles(dir, m, target, { total: totalBuild, steps: stepBuild }, input.subarray(0, sampleBytes(folderInputs(m))), cycleOptions) : undefined;
  return {
    target: target.name,
    flash,
    ram: {
      arena: m.arenaBytes,
      scratch: m.scratchBytes ?? 0,
      state: m.stateBytes ?? 0,
      stack: total.stackBytes,
      static: staticBytes,
      total: m.arenaBytes + (m.stateBytes ?? 0) + total.stackBytes + staticBytes,
    },
    instructions: { total: totalInstr, per_layer: perLayer, overhead: perLayer.reduce((a, l) => a + l.instructions, 0) - totalInstr, note },
    ...(cycles ? { cycles } : {}),
  };
}

export function formatBudgets(budgets: Budget[]): string {
  const lines: string[] = [];
  const row = (label: string, f: (b: Budget) => string) => `| ${label.padEnd(28)} | ${budgets.map((b) => f(b).padStart(12)).join(' | ')} |`;
  lines.push(`| ${'budget'.padEnd(28)} | ${budgets.map((b) => b.target.padStart(12)).join(' | ')} |`);
  lines.push(`|${'-'.repeat(30)}|${budgets.map(() => '-'.repeat(14)).join('|')}|`);
  lines.push(row('flash: weights (bytes)', (b) => String(b.flash.weights)));
  if (budgets.some((b) => b.flash.weights_blob > 0)) lines.push(row('  of which weights.bin', (b) => String(b.flash.weights_blob)));
  lines.push(row('flash: code (bytes)', (b) => String(b.flash.code)));
  lines.push(row('flash: total (bytes)', (b) => String(b.flash.total)));
  lines.push(row('RAM: arena (bytes)', (b) => String(b.ram.arena)));
  lines.push(row('RAM: scratch (in arena)', (b) => String(b.ram.scratch)));
  lines.push(row('RAM: state (bytes)', (b) => String(b.ram.state)));
  lines.push(row('RAM: stack, measured (bytes)', (b) => String(b.ram.stack)));
  lines.push(row('RAM: static (bytes)', (b) => String(b.ram.static)));
  lines.push(row('RAM: total (bytes)', (b) => String(b.ram.total)));
  lines.push(row('instructions / inference', (b) => (b.instructions.total === null ? 'n/a' : b.instructions.total.toLocaleString('en-US'))));
  if (budgets.some((b) => b.cycles)) {
    lines.push(row('est. cycles / inference', (b) => (b.cycles ? b.cycles.total.toLocaleString('en-US') : 'n/a')));
    lines.push(row('est. ms / inference', (b) => (b.cycles ? `${b.cycles.total_ms.toPrecision(4)} @${b.cycles.clock_mhz}MHz` : 'n/a')));
    lines.push(row('MACs / inference', (b) => (b.cycles?.total_macs ? b.cycles.total_macs.toLocaleString('en-US') : 'n/a')));
  }
  const first = budgets.find((b) => b.instructions.per_layer.length > 0);
  if (first) {
    lines.push('', `Executed instructions per layer (QEMU -icount; instructions, not cycles):`, '');
    lines.push(`| ${'layer'.padEnd(40)} | ${'op'.padEnd(18)} | ${budgets.map((b) => b.target.padStart(12)).join(' | ')} |`);
    lines.push(`|${'-'.repeat(42)}|${'-'.repeat(20)}|${budgets.map(() => '-'.repeat(14)).join('|')}|`);
    first.instructions.per_layer.forEach((l, i) => {
      lines.push(
        `| ${safeText(l.name).replace(/\|/g, '<U+007C>').padEnd(40)} | ${safeText(l.op).padEnd(18)} | ${budgets.map((b) => String(b.instructions.per_layer[i]?.instructions ?? 'n/a').padStart(12)).join(' | ')} |`,
      );
    });
    lines.push('', `Per-layer hooks add ${budgets.map((b) => `${b.instructions.overhead ?? 'n/a'} (${b.target})`).join(', ')} instructions over the hook-free total.`);
  }
  for (const b of budgets) if (b.instructions.total === null) lines.push(`${b.target}: ${b.instructions.note}.`);
  for (const b of budgets) if (b.cycles) lines.push('', ...formatCycles(b));
  return lines.join('\n');
}

const fmt = (v: number | null, digits?: number) => (v === null ? '-' : digits === undefined ? Math.round(v).toLocaleString('en-US') : v.toFixed(digits));

/** The per-layer estimated-cycles table of one target (never called measured). */
function formatCycles(b: Budget): string[] {
  const c = b.cycles!;
  const lines = [
    `Estimated cycles per layer on ${b.target} (a model of the core from published instruction timings, not a measurement; ${c.clock_mhz} MHz, ${c.flash_wait_states} flash wait states, fetch prefetch ${c.flash_prefetch}, data cache ${c.flash_data_cache}):`,
    '',
    `| ${'layer'.padEnd(40)} | ${'op'.padEnd(18)} | ${'instructions'.padStart(12)} | ${'est. cycles'.padStart(12)} | ${'est. ms'.padStart(9)} | ${'MACs'.padStart(10)} | ${'est. cyc/MAC'.padStart(12)} | ${'x floor'.padStart(7)} |`,
    `|${'-'.repeat(42)}|${'-'.repeat(20)}|${'-'.repeat(14)}|${'-'.repeat(14)}|${'-'.repeat(11)}|${'-'.repeat(12)}|${'-'.repeat(14)}|${'-'.repeat(9)}|`,
  ];
  c.per_layer.forEach((l, i) => {
    const instr = b.instructions.per_layer[i]?.instructions ?? l.instructions_traced;
    lines.push(
      `| ${safeText(l.name).replace(/\|/g, '<U+007C>').padEnd(40)} | ${safeText(l.op).padEnd(18)} | ${fmt(instr).padStart(12)} | ${fmt(l.estimated_cycles).padStart(12)} | ${l.estimated_ms.toFixed(3).padStart(9)} | ${fmt(l.macs).padStart(10)} | ${fmt(l.estimated_cycles_per_mac, 2).padStart(12)} | ${fmt(l.times_floor, 1).padStart(7)} |`,
    );
  });
  lines.push(
    `| ${'total (hook-free build)'.padEnd(40)} | ${''.padEnd(18)} | ${fmt(b.instructions.total).padStart(12)} | ${fmt(c.total).padStart(12)} | ${c.total_ms.toFixed(3).padStart(9)} | ${fmt(c.total_macs).padStart(10)} | ${fmt(c.total_cycles_per_mac, 2).padStart(12)} | ${fmt(c.total_cycles_per_mac === null ? null : c.total_cycles_per_mac / c.mac_floor.cycles_per_mac, 1).padStart(7)} |`,
    '',
    `Floor: ${c.mac_floor.cycles_per_mac} cycle/MAC on ${b.target} (${c.mac_floor.how}; ${c.mac_floor.source}); "x floor" is a layer's estimated cycles/MAC over it.`,
  );
  if (c.approximation) lines.push(`Approximation: ${c.approximation}.`);
  if (c.unknown_mnemonics.length > 0) lines.push(`Instructions no rule covers, charged 1 cycle: ${c.unknown_mnemonics.map((u) => `${u.mnemonic} x${u.executed}`).join(', ')}.`);
  return lines;
}
