/**
 * Several generated folders in one image: every kernel symbol a folder's kernels declare is renamed
 * to `<prefix>_<name>` by the folder's own `kernels/edgec_prefix.h` (which every kernel header includes
 * through edgec_types.h, and which replaces the template's empty one). The model's C includes its
 * kernels as "kernels/..." (relative to itself), so no include path can hand it another folder's copy.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Functions and data the kernel headers declare (definitions in the .c files of the same names). */
const DECLARATION = /^(?:extern\s+)?(?:const\s+)?[a-z_0-9]+(?:\s+\*|\s+|\s*\*)\s*(edgec_[a-z0-9_]+)\s*[([]/gm;

export function kernelSymbols(kernelsDir: string, headers: readonly string[]): string[] {
  const names = new Set<string>();
  for (const h of headers) {
    if (h === 'edgec_prefix.h') continue;
    for (const m of readFileSync(join(kernelsDir, h), 'utf8').matchAll(DECLARATION)) names.add(m[1]!);
  }
  return [...names].sort();
}

export function prefixHeader(prefix: string, symbols: readonly string[], banner: string): string {
  const width = Math.max(0, ...symbols.map((s) => s.length));
  return [
    banner,
    '/*',
    ` * This folder's kernel symbols, renamed to ${prefix}_<name> so that this model links beside any other`,
    ' * generated model (each keeps its own kernels: no duplicate symbol, no mix of kernel versions).',
    ' */',
    '#ifndef EDGEC_PREFIX_H',
    '#define EDGEC_PREFIX_H',
    '',
    ...symbols.map((s) => `#define ${s.padEnd(width)} ${prefix}_${s}`),
    '',
    '#endif',
    '',
  ].join('\n');
}
