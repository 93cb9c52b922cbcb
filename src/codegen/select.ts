/**
 * Which emitter writes a step's C call: its family's portable emitter, or on the CMSIS-NN backend its
 * CMSIS-NN emitter unless the family measured the portable kernel faster on the folder's path (or
 * keeps CMSIS-NN's kernel for the conformance suite only). The manifest records the choice.
 */
import type { CmsisEmitter, CmsisPath, PortableEmitter } from '../ops/contract.ts';
import { stepDef } from '../ops/registry.ts';
import type { Step } from '../lower/lower.ts';

export function portableEmitterFor(s: Step): PortableEmitter<unknown> {
  const def = stepDef(s.kind);
  if (!def) throw new Error(`codegen: no family defines step kind '${s.kind}'`);
  return def.portable;
}

/** Bytes of arena scratch the step's portable kernel needs. */
export function portableScratch(s: Step): number {
  return portableEmitterFor(s).scratch?.(s) ?? 0;
}

/**
 * The CMSIS-NN emitter for a step on a path, or undefined when the portable kernel runs it.
 * `everywhere` ignores the portableIsFaster rules: the bench builds such folders to measure them.
 */
export function cmsisEmitterFor(s: Step, path: CmsisPath, everywhere = false): CmsisEmitter<unknown> | undefined {
  const e = stepDef(s.kind)?.cmsisNn;
  return e && !e.conformanceOnly && e.supports?.(s) !== false && (everywhere || !e.portableIsFaster?.(s, path)) ? e : undefined;
}
