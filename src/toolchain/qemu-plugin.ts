/**
 * edgec's QEMU TCG plugin (templates/qemu-plugin/edgec_tb_plugin.c): built once with the host's gcc
 * into the build cache, loaded into qemu-system-arm with `-plugin`, and its counts read back:
 * executions of every block, the successor of every execution (block pairs), and data loads from
 * the flash region, split into segments at a marker (the per-layer hook). These are counts of what
 * QEMU executed; the cycle models turn them into estimates (src/report/cycles).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fail } from '../support/diagnostics.ts';
import { BUILD_DIR, TEMPLATES_DIR } from '../support/paths.ts';
import { runQemu, type TargetDescriptor } from './cortex-m.ts';
import { exec } from './exec.ts';
import { hostCompiler } from './host.ts';

export const PLUGIN_SOURCE = join(TEMPLATES_DIR, 'qemu-plugin', 'edgec_tb_plugin.c');
const PLUGIN_FLAGS = ['-shared', '-fPIC', '-O2', '-fvisibility=hidden', '-std=c11', '-Wall', '-Wextra', '-Wconversion', '-Werror'];

export interface TbCounts {
  /** A block of n straight-line instructions at `start` (`bytes` long) ran `count` times in segment `seg`. */
  blocks: { seg: number; start: number; n: number; bytes: number; count: number }[];
  /** The block (start, n) was followed `count` times by the block starting at `next`. */
  pairs: { seg: number; start: number; n: number; next: number; count: number }[];
  /** Data loads by the instruction at `insn` that read the flash region. */
  flashLoads: { seg: number; insn: number; count: number }[];
  /** Segments seen (marks executed + 1). */
  segments: number;
  /** Whether `begin` ran at all, and whether `end` was reached. */
  started: boolean;
  endReached: boolean;
}

/** Builds the plugin (once per source and compiler) and returns the shared object's path. */
export async function buildTbPlugin(): Promise<string> {
  const cc = hostCompiler();
  const source = readFileSync(PLUGIN_SOURCE);
  const tag = createHash('sha256')
    .update(source)
    .update(JSON.stringify([cc, PLUGIN_FLAGS]))
    .digest('hex')
    .slice(0, 16);
  const dir = join(BUILD_DIR, 'qemu-plugin', tag);
  const so = join(dir, 'edgec_tb_plugin.so');
  if (existsSync(so)) return so;
  const tmp = `${dir}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  mkdirSync(tmp, { recursive: true });
  try {
    let r: Awaited<ReturnType<typeof exec>>;
    try {
      r = await exec(cc, [...PLUGIN_FLAGS, '-o', join(tmp, 'edgec_tb_plugin.so'), PLUGIN_SOURCE], { timeoutMs: 120_000 });
    } catch (e) {
      fail('E-TOOL-CC', 'toolchain', `cannot run ${cc}: ${(e as Error).message} (install it with: apt-get install -y --no-install-recommends gcc libc6-dev)`);
    }
    if (r.status !== 0) fail('E-TOOL-CC', 'toolchain', `${cc} failed building the QEMU plugin:\n${r.stderr.slice(0, 4000)}`, { file: PLUGIN_SOURCE });
    try {
      renameSync(tmp, dir);
    } catch {
      if (!existsSync(so)) throw new Error(`cannot move the plugin build ${tmp} to ${dir}`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return so;
}

export interface TraceOptions {
  /** Start counting at the first execution of this address. */
  begin: number;
  /** Stop at the first execution of this address (not counted). */
  end: number;
  /** A new segment at every execution of this address (the per-layer hook). */
  mark?: number;
  /** Stop after this many marks. */
  stop?: number;
  /** Count data loads from [lo, hi). */
  flash?: { lo: number; hi: number };
  timeoutMs?: number;
}

/** Runs an ELF in the target's QEMU machine with the plugin, in `cwd` (its semihosting files). */
export async function traceQemu(target: TargetDescriptor, elf: string, cwd: string, o: TraceOptions): Promise<TbCounts> {
  const so = await buildTbPlugin();
  const out = join(cwd, `tb-counts-${process.pid}.txt`);
  rmSync(out, { force: true });
  if ([so, out].some((p) => p.includes(','))) fail('E-TOOL-PATH', 'toolchain', `QEMU's -plugin option cannot take a path with a comma: ${so.includes(',') ? so : out}`);
  const hex = (v: number) => `0x${v.toString(16)}`;
  const args = [
    so,
    `out=${out}`,
    `begin=${hex(o.begin)}`,
    `end=${hex(o.end)}`,
    ...(o.mark !== undefined ? [`mark=${hex(o.mark)}`] : []),
    ...(o.stop !== undefined ? [`stop=${o.stop}`] : []),
    ...(o.flash ? [`flash_lo=${hex(o.flash.lo)}`, `flash_hi=${hex(o.flash.hi)}`] : []),
  ];
  await runQemu(target, elf, cwd, { extraArgs: ['-plugin', args.join(',')], timeoutMs: o.timeoutMs ?? 600_000 });
  if (!existsSync(out)) fail('E-QEMU-PLUGIN', 'toolchain', `the QEMU plugin wrote no counts (${out})`, { file: elf });
  const counts = parseTbCounts(readFileSync(out, 'utf8'));
  rmSync(out, { force: true });
  return counts;
}

export function parseTbCounts(text: string): TbCounts {
  const c: TbCounts = { blocks: [], pairs: [], flashLoads: [], segments: 0, started: false, endReached: false };
  for (const line of text.split('\n')) {
    const f = line.trim().split(' ');
    const n = (i: number) => Number(f[i]);
    const h = (i: number) => parseInt(f[i]!, 16);
    if (f[0] === 'B' && f.length === 6) c.blocks.push({ seg: n(1), start: h(2), n: n(3), bytes: n(4), count: n(5) });
    else if (f[0] === 'P' && f.length === 6) c.pairs.push({ seg: n(1), start: h(2), n: n(3), next: h(4), count: n(5) });
    else if (f[0] === 'F' && f.length === 4) c.flashLoads.push({ seg: n(1), insn: h(2), count: n(3) });
    else if (f[0] === 'S' && f.length === 4) {
      c.segments = n(1);
      c.started = f[2] === '1';
      c.endReached = f[3] === '1';
    }
  }
  return c;
}
