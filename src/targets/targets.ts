/**
 * Target facts: `targets/*.json` read and typed, the only place they come from. A target is a core
 * (compiler flags, features that pick the CMSIS-NN code path), the QEMU machine that runs it (or
 * none: build and size only), its memory map, its instruction counter, and the Debian packages its
 * tools come from; `host` is the machine the toolchain runs on (targets/host.json).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fail } from '../support/diagnostics.ts';
import { PACKAGE_ROOT } from '../support/paths.ts';

export interface TargetDescriptor {
  name: string;
  description: string;
  cflags: string[];
  features: string[];
  fpu: boolean;
  qemu: { machine: string; cpu: string | null } | null;
  memory: { flash: { origin: string; length: string }; ram: { origin: string; length: string } };
  counter: { address: string; hz: number; note?: string } | null;
}

export const TARGETS_DIR = join(PACKAGE_ROOT, 'targets');

/** The Cortex-M targets (every targets/*.json but host), sorted. */
export function listTargets(): string[] {
  return readdirSync(TARGETS_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();
}

export function loadTarget(name: string): TargetDescriptor {
  const path = join(TARGETS_DIR, `${name}.json`);
  if (!existsSync(path)) fail('E-TARGET', 'toolchain', `unknown target '${name}'; available: host, ${listTargets().join(', ')}`);
  return JSON.parse(readFileSync(path, 'utf8')) as TargetDescriptor;
}

/** Which CMSIS-NN code path the target's library compiles to (DSP and MVE extensions). */
export function cmsisPathOf(t: TargetDescriptor): 'plain' | 'dsp' | 'mve' {
  if (t.features.includes('mve')) return 'mve';
  return t.features.includes('dsp') ? 'dsp' : 'plain';
}
