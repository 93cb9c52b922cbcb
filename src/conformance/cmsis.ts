/**
 * Helpers for the conformance rows' CMSIS-NN calls: the suite run through CMSIS-NN itself checks our
 * mapping of case fields onto its structs (tile order, offset signs, dims conventions) and our
 * scratch sizes. Structs use designated initializers so a field can never land in the wrong slot.
 */
import type { CmsisPath } from '../codegen/cmsis-nn/buffer-sizes.ts';
import type { ActivationRange, Dims, Tile } from '../kernels/types.ts';
import type { CCaseBuilder, CType } from './cemit.ts';

/** Status a case reports when CMSIS-NN asks for a scratch size other than the one we computed. */
export const SCRATCH_MISMATCH_STATUS = 1000;

export const cmsisTile = (t: Tile): string => `{ .w = ${t.w}, .h = ${t.h} }`;
export const cmsisAct = (a: ActivationRange): string => `{ .min = ${a.min}, .max = ${a.max} }`;

export function cmsisDims(b: CCaseBuilder, role: string, d: Dims): string {
  return b.declare(role, 'cmsis_nn_dims', `{ .n = ${d.n}, .h = ${d.h}, .w = ${d.w}, .c = ${d.c} }`);
}

/** A pointer to a const array for CMSIS-NN parameters typed non-const (it only reads them). */
export const mut = (name: string, ctype: CType): string => `(${ctype} *)${name}`;

/**
 * A scratch buffer of `bytes` (our computed size) and the context pointing at it. `runtimeSize` is the
 * C expression CMSIS-NN's own size function gives; a difference fails the case.
 */
export function cmsisScratch(b: CCaseBuilder, role: string, bytes: number, runtimeSize?: string): string {
  const buf = bytes > 0 ? b.mutableArray(`${role}_buf`, 'int8_t', bytes) : 'NULL';
  if (runtimeSize) b.stmt(`if ((${runtimeSize}) != ${bytes}) status = ${SCRATCH_MISMATCH_STATUS};`);
  return b.declare(role, 'cmsis_nn_context', `{ .buf = ${buf}, .size = ${bytes} }`);
}

/** Emits `status = call;` only when the size check above passed, and maps CMSIS-NN's status (0 = ok). */
export function cmsisCall(b: CCaseBuilder, call: string): void {
  b.include('arm_nnfunctions.h');
  b.stmt(`if (status == 0) status = (int32_t)${call};`);
}

/** A CMSIS-NN function that returns nothing. */
export function cmsisVoidCall(b: CCaseBuilder, call: string): void {
  b.include('arm_nnfunctions.h');
  b.stmt(`if (status == 0) ${call};`);
}

/** The path a CMSIS-NN conformance platform compiled its library for. */
export type { CmsisPath };
