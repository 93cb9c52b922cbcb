/** C initializers for the shared argument structs of edgec_types.h (by field name, see src/cgen/c.ts). */
import { struct } from '../cgen/c.ts';
import type { ActivationRange, Dims, Tile } from '../kernels/types.ts';

export const cDims = (d: Dims): string => struct('edgec_dims', { n: d.n, h: d.h, w: d.w, c: d.c });
export const cTile = (t: Tile): string => struct('edgec_tile', { h: t.h, w: t.w });
export const cActivation = (a: ActivationRange): string => struct('edgec_activation', { min: a.min, max: a.max });
