/**
 * Cycle estimates of code running in QEMU: pick the machine that runs a core's code, trace it with
 * the plugin between two addresses, and cost the trace with the core's model. `edgec cycles` (any
 * ELF, two symbols) and `edgec budget` (a generated model, per layer) both come through here.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fail } from '../../support/diagnostics.ts';
import { BUILD_DIR } from '../../support/paths.ts';
import { listRunnableTargets, loadTarget, type TargetDescriptor } from '../../toolchain/cortex-m.ts';
import { type TbCounts, type TraceOptions, traceQemu } from '../../toolchain/qemu-plugin.ts';
import { coreModel } from './cores.ts';
import { disassemble, type Disassembly, symbolAddress } from './disasm.ts';
import { type CycleEstimate, estimateCycles, type MemoryModel } from './estimate.ts';
import type { CoreModel } from './model.ts';

export interface CycleOptions {
  /** Core clock in MHz, for milliseconds. */
  clockMhz: number;
  /** Flash wait states on instruction fetches and data loads from the flash region. */
  flashWaitStates: number;
  /** Fraction of the instruction-fetch wait states hidden by prefetch or an instruction cache, 0..1. */
  flashPrefetch: number;
  /** Fraction of the data-load wait states hidden by a flash data cache, 0..1 (default 0). */
  flashDataCache?: number;
}

export const DEFAULT_CYCLE_OPTIONS: CycleOptions = { clockMhz: 64, flashWaitStates: 0, flashPrefetch: 0, flashDataCache: 0 };

const range = (r: { origin: string; length: string }) => ({ lo: Number(r.origin), hi: Number(r.origin) + Number(r.length) });

export function memoryModel(t: TargetDescriptor, o: CycleOptions): MemoryModel {
  const f = range(t.memory.flash);
  return { waitStates: o.flashWaitStates, prefetch: o.flashPrefetch, dataCache: o.flashDataCache ?? 0, flash: { origin: f.lo, length: f.hi - f.lo } };
}

/**
 * The QEMU machine that runs a core's code: its own, or for a core QEMU 7.2 has no machine for
 * (the Cortex-M0+) a runnable target whose flash and RAM contain the core's and whose architecture
 * runs its code (Armv6-M is a subset of Armv7-M: the Cortex-M3 first).
 */
export function runnerFor(t: TargetDescriptor): { runner: TargetDescriptor; note: string | null } {
  if (t.qemu) return { runner: t, note: null };
  const within = (inner: TargetDescriptor['memory']['flash'], outer: TargetDescriptor['memory']['flash']) => {
    const a = range(inner);
    const b = range(outer);
    return a.lo >= b.lo && a.hi <= b.hi;
  };
  const candidates = listRunnableTargets()
    .map(loadTarget)
    .filter((r) => within(t.memory.flash, r.memory.flash) && within(t.memory.ram, r.memory.ram))
    .sort((a, b) => (a.name === 'cortex-m3' ? -1 : b.name === 'cortex-m3' ? 1 : 0));
  const runner = candidates[0];
  if (!runner || !t.cflags.some((f) => /cortex-m0/.test(f))) fail('E-TARGET-RUN', 'toolchain', `no QEMU machine runs ${t.name} code for the cycle estimate`);
  return { runner, note: `${t.name} has no QEMU machine: its code runs on ${runner.name}'s (${runner.qemu!.machine}) for the counts, costed with the ${t.name} model` };
}

/** Runs `elf` with the plugin in a scratch folder (its semihosting working directory unless `cwd` is given). */
export async function traceElf(runner: TargetDescriptor, elfPath: string, trace: TraceOptions, cwd?: string): Promise<TbCounts> {
  const elf = resolve(elfPath);
  if (cwd) return traceQemu(runner, elf, resolve(cwd), trace);
  const dir = join(BUILD_DIR, 'cycles', `run-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  mkdirSync(dir, { recursive: true });
  try {
    return await traceQemu(runner, elf, dir, trace);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface ElfCycles {
  core: string;
  model: CoreModel;
  runner: string;
  note: string | null;
  begin: { symbol: string; address: number };
  end: { symbol: string; address: number };
  estimate: CycleEstimate;
  options: CycleOptions;
}

/** `edgec cycles`: estimated cycles of an ELF from the first execution of `begin` until `end` is reached. */
export async function estimateElfCycles(elf: string, core: string, beginSym: string, endSym: string, options: CycleOptions, runDir?: string): Promise<ElfCycles> {
  const model = coreModel(core);
  const target = loadTarget(core);
  const { runner, note } = runnerFor(target);
  const d: Disassembly = disassemble(elf);
  const begin = symbolAddress(d, beginSym, '--begin', elf);
  const end = symbolAddress(d, endSym, '--end', elf);
  const memory = memoryModel(target, options);
  const counts = await traceElf(runner, elf, { begin, end, flash: { lo: memory.flash.origin, hi: memory.flash.origin + memory.flash.length } }, runDir);
  if (!counts.started) fail('E-CYCLES-RANGE', 'toolchain', `${beginSym} was never executed`, { file: elf, field: '--begin' });
  if (!counts.endReached) fail('E-CYCLES-RANGE', 'toolchain', `${endSym} was never reached after ${beginSym}`, { file: elf, field: '--end' });
  return {
    core,
    model,
    runner: runner.name,
    note,
    begin: { symbol: beginSym, address: begin },
    end: { symbol: endSym, address: end },
    estimate: estimateCycles(counts, d, model, memory, end),
    options,
  };
}
