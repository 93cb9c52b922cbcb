/**
 * One meaning of `--target`: the core the code is for. `compile --target` records the core a folder is
 * made for (manifest.json `target`); `run`, `verify` and `budget --target` name the core it is built
 * for and run on now. This module says whether a folder fits that core: refused when the C cannot be
 * right there, explained when it runs although it was made for another core.
 */
import type { Manifest } from '../formats/manifest.ts';
import { cmsisPathOf, HOST, type TargetDescriptor } from './targets.ts';

export type TargetFit = { refused: string } | { note: string } | null;

/**
 * A cmsis-nn folder's scratch was sized for one CMSIS-NN code path (and the host's plain C path); a
 * core compiling CMSIS-NN to another path asks for other sizes (and, on MVE, for kernel sums the
 * folder may not hold): refused. Portable C is the same for every core, so it runs anywhere, with a
 * note when the core differs from the one recorded.
 */
export function targetFit(m: Manifest, target: TargetDescriptor): TargetFit {
  const madeFor = m.target ?? 'an unrecorded core';
  if (m.backend === 'cmsis-nn' && m.cmsisNn) {
    const path = cmsisPathOf(target);
    if (path !== m.cmsisNn.path && path !== 'plain') {
      return {
        refused: `this folder calls CMSIS-NN with scratch sized for ${madeFor} (${m.cmsisNn.path} path); ${target.name} runs its ${path} path: compile again with --backend cmsis-nn --target ${target.name}`,
      };
    }
  }
  if (m.target === undefined || m.target === target.name || m.target === HOST) return null;
  const why = m.backend === 'cmsis-nn' ? `CMSIS-NN's ${cmsisPathOf(target)} path needs no more scratch than the folder holds` : 'portable C is the same for every core';
  return { note: `compiled for ${madeFor}, running on ${target.name}: ${why}` };
}
