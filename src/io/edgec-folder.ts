/**
 * Recognizing an earlier `edgec compile` output, the only kind of folder `compile --out` replaces
 * without --force: a manifest.json with format 'edgec-manifest/1', and nothing at the top level but
 * what edgec writes there (the list follows src/codegen/emit-folder.ts, plus `edgec budget`'s
 * budget*.md/json). A generated folder the user added files to (notes, build objects) is not
 * replaced silently: the message names those files.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const EMITTED = new Set(['kernels', 'model.mk', 'CMakeLists.txt', 'model.ts', 'graph.json', 'plan.txt', 'manifest.json', 'sample_inputs.bin', 'README.md', 'weights.bin']);
/** <prefix> followed by these. */
const MODEL_FILES = ['.h', '.c', '_selftest.c', '_quantize.c'];
const BUDGET = /^budget(-[a-z0-9-]+)?\.(md|json)$/;

/** The manifest's C prefix, or null when there is no edgec manifest. */
function manifestPrefix(dir: string): string | null {
  try {
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { format?: unknown; prefix?: unknown };
    return m.format === 'edgec-manifest/1' && typeof m.prefix === 'string' ? m.prefix : null;
  } catch {
    return null;
  }
}

function entries(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/** Top-level entries of an edgec folder that edgec did not write (all entries when there is no manifest). */
export function foreignEntries(dir: string): string[] {
  const prefix = manifestPrefix(dir);
  if (prefix === null) return entries(dir);
  return entries(dir).filter((e) => !EMITTED.has(e) && !BUDGET.test(e) && !MODEL_FILES.some((suffix) => e === `${prefix}${suffix}`));
}

export function isEdgecModelFolder(dir: string): boolean {
  return manifestPrefix(dir) !== null && foreignEntries(dir).length === 0;
}

/** For messages: why a folder is not an edgec output, naming a few of the files. */
export function describeForeignFolder(dir: string): string {
  const foreign = foreignEntries(dir);
  const list = foreign.slice(0, 5).join(', ') + (foreign.length > 5 ? `, ... (${foreign.length} in all)` : '');
  return manifestPrefix(dir) === null ? `no edgec manifest.json; it holds ${list}` : `it holds files edgec did not write: ${list}`;
}
