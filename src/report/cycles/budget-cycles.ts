/**
 * Estimated cycles of a generated model for `edgec budget`: the same two builds the instruction
 * budget runs (hook-free for the total, with per-layer hooks for the layers) run once more in QEMU
 * with edgec's plugin, from the entry of <prefix>_invoke to its return; the per-layer hook
 * (edgec_profile_step) starts a new segment after every layer. Each segment is costed with the
 * core's model (estimate.ts), set beside the layer's MACs (macs.ts) and the core's int8 MAC floor.
 * Estimates from published timings, never measurements: every field and heading says so.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Manifest } from '../../formats/manifest.ts';
import { fail } from '../../support/diagnostics.ts';
import type { TargetDescriptor } from '../../toolchain/cortex-m.ts';
import type { buildModelCortex } from '../../toolchain/model-cortex.ts';
import { traceQemu } from '../../toolchain/qemu-plugin.ts';
import { coreModel } from './cores.ts';
import type { CoreModel } from './model.ts';
import { disassemble, returnAddressOfCall, symbolAddress } from './disasm.ts';
import { type CycleEstimate, cyclesToMs, estimateCycles, type MemoryModel } from './estimate.ts';
import { macsPerStep } from './macs.ts';
import { type CycleOptions, memoryModel, runnerFor } from './run.ts';

export interface LayerCycles {
  name: string;
  op: string;
  /** Instructions the plugin counted in this layer's segment (per-layer hooks included). */
  instructions_traced: number;
  estimated_cycles: number;
  estimated_ms: number;
  macs: number | null;
  estimated_cycles_per_mac: number | null;
  /** estimated cycles/MAC over the core's floor: 1 is the limit. */
  times_floor: number | null;
}

export interface BudgetCycles {
  /** Always true: these are a model's figures. */
  estimated: true;
  core: string;
  clock_mhz: number;
  flash_wait_states: number;
  flash_prefetch: number;
  flash_data_cache: number;
  /** Estimated cycles per inference, from the hook-free build. */
  total: number;
  total_ms: number;
  total_macs: number | null;
  total_cycles_per_mac: number | null;
  per_layer: LayerCycles[];
  mac_floor: { cycles_per_mac: number; how: string; source: string };
  /** Cycles the per-layer build spends after the last layer (hook and return), not in any layer. */
  tail_cycles: number;
  approximation: string | null;
  model_choices: string[];
  unknown_mnemonics: { mnemonic: string; executed: number }[];
  note: string;
}

/** The ELF builds the budget has made: without per-layer hooks ('total') and with them ('steps'). */
export interface BudgetBuilds {
  total: CortexBuild;
  steps: CortexBuild;
}
type CortexBuild = Awaited<ReturnType<typeof buildModelCortex>>;

async function traceInvoke(m: Manifest, target: TargetDescriptor, build: CortexBuild, profile: 'total' | 'steps', input: Buffer, model: CoreModel, memory: MemoryModel): Promise<CycleEstimate> {
  const { runner } = runnerFor(target);
  const d = disassemble(build.elf);
  const invoke = symbolAddress(d, `${m.prefix}_invoke`, 'prefix', build.elf);
  const main = symbolAddress(d, 'main', 'main', build.elf);
  const end = returnAddressOfCall(d, main, invoke);
  if (end === null) fail('E-CYCLES-RANGE', 'toolchain', `no call to ${m.prefix}_invoke in the harness's main`, { file: build.elf });
  const runDir = join(build.workDir, `cycles-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  mkdirSync(runDir, { recursive: true });
  try {
    writeFileSync(join(runDir, 'in.bin'), input);
    const counts = await traceQemu(runner, build.elf, runDir, {
      begin: invoke,
      end,
      ...(profile === 'steps' ? { mark: symbolAddress(d, 'edgec_profile_step', 'edgec_profile_step', build.elf) } : {}),
      flash: { lo: memory.flash.origin, hi: memory.flash.origin + memory.flash.length },
    });
    if (!counts.endReached) fail('E-CYCLES-RANGE', 'toolchain', `${m.prefix}_invoke did not return in the traced run`, { file: build.elf });
    return estimateCycles(counts, d, model, memory, end);
  } finally {
    rmSync(runDir, { recursive: true, force: true });
  }
}

/** Estimated cycles per inference and per layer for one input (xorshift32 bytes, zero state). */
export async function estimateBudgetCycles(dir: string, m: Manifest, target: TargetDescriptor, builds: BudgetBuilds, input: Buffer, o: CycleOptions): Promise<BudgetCycles> {
  const model = coreModel(target.name);
  const memory = memoryModel(target, o);
  const total = await traceInvoke(m, target, builds.total, 'total', input, model, memory);
  const steps = await traceInvoke(m, target, builds.steps, 'steps', input, model, memory);
  const macs = macsPerStep(dir, m);
  const floor = model.macFloor.cyclesPerMac;
  const per_layer = m.steps.map((s, i): LayerCycles => {
    const seg = steps.segments[i];
    const cycles = Math.round(seg?.cycles ?? 0);
    const mac = macs[i] ?? null;
    const cpm = mac ? cycles / mac : null;
    return {
      name: s.layer,
      op: s.op,
      instructions_traced: seg?.instructions ?? 0,
      estimated_cycles: cycles,
      estimated_ms: cyclesToMs(cycles, o.clockMhz),
      macs: mac,
      estimated_cycles_per_mac: cpm,
      times_floor: cpm === null ? null : cpm / floor,
    };
  });
  const totalMacs = macs.some((x) => x !== null) ? macs.reduce<number>((a, x) => a + (x ?? 0), 0) : null;
  const totalCycles = Math.round(total.total.cycles);
  return {
    estimated: true,
    core: target.name,
    clock_mhz: o.clockMhz,
    flash_wait_states: o.flashWaitStates,
    flash_prefetch: o.flashPrefetch,
    flash_data_cache: o.flashDataCache ?? 0,
    total: totalCycles,
    total_ms: cyclesToMs(totalCycles, o.clockMhz),
    total_macs: totalMacs,
    total_cycles_per_mac: totalMacs ? totalCycles / totalMacs : null,
    per_layer,
    mac_floor: { cycles_per_mac: floor, how: model.macFloor.how, source: model.macFloor.source },
    tail_cycles: Math.round(steps.segments.slice(m.steps.length).reduce((a, s) => a + s.cycles, 0)),
    approximation: model.approximation,
    model_choices: model.choices,
    // estimateCycles already merges and sorts them.
    unknown_mnemonics: total.unknown,
    note: `estimated cycles: executions counted in QEMU by edgec's plugin, costed with a ${target.name} model from published instruction timings (not a measurement)`,
  };
}
