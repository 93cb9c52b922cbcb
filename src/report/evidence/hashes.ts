/**
 * SHA-256 of everything the evidence rests on: every file of the generated folder (recursively,
 * sorted by path, so the list is the same on every machine), the int8 graph recomputed from
 * graph.json against the hash manifest.json records, and the files given on the command line.
 * Links and special files in the folder are listed with their kind instead of being followed.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Graph } from '../../ir/graph.ts';
import { graphHash } from '../../ir/serialize.ts';
import type { Manifest } from '../../formats/manifest.ts';
import type { FileHash, Hashes } from './types.ts';

export const sha256 = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

export function hashFile(path: string, shown: string = path): FileHash {
  const data = readFileSync(path);
  return { path: shown, kind: 'file', bytes: data.length, sha256: sha256(data) };
}

/** Files under `dir` (relative, '/'-separated, sorted), skipping the absolute paths in `exclude`. */
function listFiles(dir: string, exclude: ReadonlySet<string>, rel = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(dir, rel)).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    const abs = resolve(dir, r);
    if (exclude.has(abs)) continue;
    const st = lstatSync(abs);
    if (st.isDirectory()) out.push(...listFiles(dir, exclude, r));
    else out.push(r);
  }
  return out;
}

export function folderHashes(dir: string, m: Manifest, g: Graph, opts: { exclude?: readonly string[]; inputs?: readonly FileHash[] } = {}): Hashes {
  const exclude = new Set((opts.exclude ?? []).map((p) => resolve(p)));
  const files = listFiles(dir, exclude).map((r) => {
    const abs = join(dir, r);
    const st = lstatSync(abs);
    // A link or device is named, not read: the folder is input, and may be hostile.
    return st.isFile() ? hashFile(abs, r) : { path: r, kind: st.isSymbolicLink() ? ('symlink' as const) : ('other' as const), bytes: 0, sha256: null };
  });
  const recomputed = graphHash(g);
  return {
    modelHash: m.modelHash,
    graphHash: recomputed,
    modelHashMatches: recomputed === m.modelHash,
    graphJson: sha256(readFileSync(join(dir, 'graph.json'))),
    files,
    inputs: [...(opts.inputs ?? [])],
  };
}
