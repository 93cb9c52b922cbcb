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

/** What every targets/*.json states: its name, a description, and its tools (command -> Debian packages). */
export interface ToolchainFacts {
  name: string;
  description: string;
  tools: Record<string, string[]>;
}

/** A Cortex-M core (every targets/*.json but host.json). */
export interface TargetDescriptor extends ToolchainFacts {
  cflags: string[];
  features: string[];
  fpu: boolean;
  qemu: { machine: string; cpu: string | null } | null;
  memory: { flash: { origin: string; length: string }; ram: { origin: string; length: string } };
  counter: { address: string; hz: number; note?: string } | null;
}

export const TARGETS_DIR = join(PACKAGE_ROOT, 'targets');

export const HOST = 'host';
/** The core a folder is made for, and budgets measured on, unless told otherwise. */
export const DEFAULT_TARGET = 'cortex-m4';

/** The Cortex-M targets (every targets/*.json but host.json), sorted. */
export function listTargets(): string[] {
  return readdirSync(TARGETS_DIR)
    .filter((f) => f.endsWith('.json') && f !== `${HOST}.json`)
    .map((f) => f.slice(0, -5))
    .sort();
}

/** The Cortex-M targets QEMU can run (the others are build-and-size only). */
export function listRunnableTargets(): string[] {
  return listTargets().filter((t) => loadTarget(t).qemu !== null);
}

export function loadTarget(name: string): TargetDescriptor {
  const path = join(TARGETS_DIR, `${name}.json`);
  if (name === HOST || !existsSync(path)) fail('E-TARGET', 'toolchain', `unknown Cortex-M target '${name}'; available: ${listTargets().join(', ')}`);
  return JSON.parse(readFileSync(path, 'utf8')) as TargetDescriptor;
}

export function loadHost(): ToolchainFacts {
  return JSON.parse(readFileSync(join(TARGETS_DIR, `${HOST}.json`), 'utf8')) as ToolchainFacts;
}

/** The Debian packages the targets name for these tools (for "install them with" messages). */
export function debianPackages(tools: string[]): string[] {
  const all = [loadHost(), ...listTargets().map(loadTarget)];
  return [...new Set(tools.flatMap((tool) => all.flatMap((t) => t.tools[tool] ?? [])))];
}

/** The short name of a Cortex-M target in backend names: cortex-m4 -> m4. */
export function shortName(target: string): string {
  return target.replace(/^cortex-/, '');
}

/** Which CMSIS-NN code path the target's library compiles to (DSP and MVE extensions). */
export function cmsisPathOf(t: TargetDescriptor): 'plain' | 'dsp' | 'mve' {
  if (t.features.includes('mve')) return 'mve';
  return t.features.includes('dsp') ? 'dsp' : 'plain';
}
