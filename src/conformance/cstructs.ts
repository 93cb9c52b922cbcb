/** C initializers for the shared argument structs of edgec_types.h. */
import type { ActivationRange, Dims, Tile } from '../kernels/types.ts';

export const cDims = (d: Dims): string => `{ ${d.n}, ${d.h}, ${d.w}, ${d.c} }`;
export const cTile = (t: Tile): string => `{ ${t.h}, ${t.w} }`;
export const cActivation = (a: ActivationRange): string => `{ ${a.min}, ${a.max} }`;
