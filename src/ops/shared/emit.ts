/**
 * Emitter helpers shared by families: the portable kernels' argument structs and the CMSIS-NN ones
 * (cmsis_nn_tile is {w, h}; fields are named, so order never matters), and CMSIS-NN scratch contexts.
 */
import { struct } from '../../cgen/c.ts';
import type { ActivationRange, Dims, Tile } from '../../kernels/types.ts';
import type { CmsisPath, EmitContext, StepScratch } from '../contract.ts';

/** CMSIS-NN's code paths, in the order EDGEC_CMSIS_NN_PICK takes their sizes. */
export const CMSIS_PATHS: readonly CmsisPath[] = ['plain', 'dsp', 'mve'];

export const tile = (t: Tile) => ({ h: t.h, w: t.w });
export const range = (a: ActivationRange) => ({ min: a.min, max: a.max });

/** A `static const edgec_dims` named after its role and layer. */
export function dims(ctx: EmitContext, role: string, d: Dims, layer: string): string {
  return ctx.constStruct(role, 'edgec_dims', struct('edgec_dims', { n: d.n, h: d.h, w: d.w, c: d.c }), layer);
}

export function cmsisDims(ctx: EmitContext, role: string, d: Dims, layer: string): string {
  return ctx.constStruct(role, 'cmsis_nn_dims', struct('cmsis_nn_dims', { n: d.n, h: d.h, w: d.w, c: d.c }), layer);
}

export const cmsisTile = (t: Tile) => struct('cmsis_nn_tile', { w: t.w, h: t.h });
export const cmsisRange = (a: ActivationRange) => struct('cmsis_nn_activation', { min: a.min, max: a.max });

/** `(arena + 12)` or an array name as a typed pointer. */
export const as = (ctype: string, ptr: string) => `(${ctype} *)(void *)${ptr}`;

/**
 * Opens a block with the CMSIS-NN scratch context and, in builds that define EDGEC_CHECK_SCRATCH, a
 * check that CMSIS-NN asks for exactly the size computed here for the path it was compiled for
 * (`sizes` per path: plain, dsp, mve), and no more than reserved. The caller closes the block.
 */
export function cmsisScratchLines(
  scratch: StepScratch,
  sizes: readonly number[],
  asked: string | null,
  buf = scratch.bytes > 0 ? scratch.ptr : 'NULL',
  size = scratch.bytes,
): { name: string; lines: string[] } {
  const lines: string[] = [];
  if (asked) {
    lines.push(
      '#if defined(EDGEC_CHECK_SCRATCH)',
      `    if ((${asked}) != EDGEC_CMSIS_NN_PICK(${sizes.join(', ')}) || (${asked}) > ${Math.max(size, scratch.bytes)}) {`,
      '        return EDGEC_STATUS_SCRATCH;',
      '    }',
      '#endif',
    );
  }
  lines.push(`{`, `    const cmsis_nn_context cmsis_ctx = { .buf = ${buf}, .size = ${size} };`);
  return { name: 'cmsis_ctx', lines };
}
