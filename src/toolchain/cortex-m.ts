/**
 * Cortex-M toolchain: target descriptors (targets/*.json), arm-none-eabi-gcc builds with the
 * project's startup code, linker script and semihosting harness, and QEMU runs under a timeout.
 *
 * Instruction counting: QEMU runs with -icount shift=S (every instruction advances virtual time by
 * 2^S ns) and the harness reads the board's free-running FPGAIO counter (f Hz), so
 *   instructions = ticks * 1e9 / (f * 2^S).
 * With S = 10 one instruction is 25.6 counter ticks at 25 MHz: rounding gives exact counts.
 * These are executed instructions, not cycles.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EdgecError, fail } from '../support/diagnostics.ts';
import { HARNESS_DIR } from '../support/paths.ts';
import { debianPackages, type TargetDescriptor } from '../targets/targets.ts';
import { CORTEX_CFLAGS } from '../targets/flags.ts';

export { cmsisPathOf, listRunnableTargets, listTargets, loadTarget, TARGETS_DIR, type TargetDescriptor } from '../targets/targets.ts';

export const ICOUNT_SHIFT = 10;
import { renderTemplate } from '../support/templates.ts';
import { exec } from './exec.ts';

function has(cmd: string): boolean {
  return spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;
}

/** One clear message naming the Debian packages when the cross toolchain or QEMU is missing. */
export function checkCortexToolchain(needQemu: boolean): void {
  const missing = ['arm-none-eabi-gcc', ...(needQemu ? ['qemu-system-arm'] : [])].filter((c) => !has(c));
  if (missing.length > 0) {
    const packages = debianPackages(missing).join(' ');
    fail('E-TOOL-MISSING', 'toolchain', `${missing.join(' and ')} not found: install them with \`apt-get install -y --no-install-recommends ${packages}\` (or \`make toolchain\`)`);
  }
}

export { CORTEX_CFLAGS };

export function harnessSources(): string[] {
  const dir = join(HARNESS_DIR, 'cortex-m');
  return ['startup.c', 'edgec_semihost.c', 'edgec_libc.c'].map((f) => join(dir, f));
}

export interface ElfBuild {
  target: TargetDescriptor;
  sources: string[];
  includeDirs: string[];
  defines?: string[];
  workDir: string;
  stackBytes?: number;
  /** Static libraries linked after the sources (e.g. a cached CMSIS-NN build). */
  libraries?: string[];
  /** Appended after the standard flags (e.g. -O0 for a debug build). */
  cflags?: string[];
}

/** Writes the harness's linker script for the target's memory map into `dir`; returns its path. */
export function writeLinkerScript(t: TargetDescriptor, dir: string, stackBytes = 32768): string {
  const ld = join(dir, 'link.ld');
  writeFileSync(
    ld,
    renderTemplate('harness/cortex-m/link.ld.hbs', {
      name: t.name,
      flashOrigin: t.memory.flash.origin,
      flashLength: t.memory.flash.length,
      ramOrigin: t.memory.ram.origin,
      ramLength: t.memory.ram.length,
      stackBytes,
    }),
  );
  return ld;
}

/** Compiles and links an ELF for the target; returns its path (and the map file beside it). */
export async function buildElf(b: ElfBuild): Promise<string> {
  checkCortexToolchain(false);
  mkdirSync(b.workDir, { recursive: true });
  const t = b.target;
  const ld = writeLinkerScript(t, b.workDir, b.stackBytes);
  const elf = join(b.workDir, 'prog.elf');
  const args = [
    ...t.cflags,
    ...CORTEX_CFLAGS,
    ...(b.cflags ?? []),
    ...(b.defines ?? []).map((d) => `-D${d}`),
    `-I${join(HARNESS_DIR, 'cortex-m')}`,
    `-I${HARNESS_DIR}`,
    ...b.includeDirs.map((d) => `-I${d}`),
    ...b.sources,
    ...harnessSources(),
    ...(b.libraries ?? []),
    '-nostdlib',
    '-nostartfiles',
    `-T${ld}`,
    '-Wl,--gc-sections',
    `-Wl,-Map=${join(b.workDir, 'prog.map')}`,
    '-lgcc',
    '-o',
    elf,
  ];
  const r = await exec('arm-none-eabi-gcc', args, { timeoutMs: 600_000 });
  if (r.status !== 0) fail('E-TOOL-CC', 'toolchain', `arm-none-eabi-gcc failed for ${t.name}:\n${r.stderr.slice(0, 4000)}`);
  return elf;
}

export interface QemuRun {
  stderr: string;
  status: number;
}

/** Runs an ELF in QEMU with semihosting in `cwd`; faults and timeouts become diagnostics. */
export async function runQemu(target: TargetDescriptor, elf: string, cwd: string, opts: { timeoutMs?: number; icount?: boolean; extraArgs?: string[] } = {}): Promise<QemuRun> {
  if (!target.qemu) fail('E-TARGET-RUN', 'toolchain', `target ${target.name} is build-and-size only: no QEMU machine runs it`);
  checkCortexToolchain(true);
  const args = [
    '-M',
    target.qemu.machine,
    ...(target.qemu.cpu ? ['-cpu', target.qemu.cpu] : []),
    '-nographic',
    '-monitor',
    'none',
    '-serial',
    'none',
    '-semihosting-config',
    'enable=on,target=native',
    ...(opts.icount ? ['-icount', `shift=${ICOUNT_SHIFT},align=off,sleep=off`] : []),
    ...(opts.extraArgs ?? []),
    '-kernel',
    elf,
  ];
  const r = await exec('qemu-system-arm', args, { cwd, timeoutMs: opts.timeoutMs ?? 300_000 });
  if (r.timedOut) fail('E-QEMU-TIMEOUT', 'toolchain', `QEMU ${target.qemu.machine} did not finish in ${(opts.timeoutMs ?? 300_000) / 1000} s (hang?)`, { file: elf });
  const status = r.status ?? -1;
  if (status === 0x7f) {
    throw new EdgecError({ code: 'E-QEMU-FAULT', stage: 'toolchain', message: `the program faulted on ${target.name}:\n${r.stderr.trim()}`, location: { file: elf } });
  }
  if (status !== 0) fail('E-QEMU-EXIT', 'toolchain', `the program on ${target.name} exited with ${status}: ${r.stderr.trim().slice(0, 2000)}`, { file: elf });
  return { stderr: r.stderr, status };
}

export function ticksToInstructions(ticks: number, target: TargetDescriptor): number {
  if (!target.counter) throw new Error(`target ${target.name} has no counter`);
  return Math.round((ticks * 1e9) / (target.counter.hz * 2 ** ICOUNT_SHIFT));
}
