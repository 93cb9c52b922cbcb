/**
 * Golden hashes of the C generated for every shared .tflite model and the HAR graph, with the portable
 * backend and with the CMSIS-NN backend on each of its code paths (plain, DSP, MVE): refactors must not
 * change a byte of any of them. `make golden` rewrites test/golden/codegen.json; the codegen-golden
 * test compares (the CMSIS-NN entries only where CMSIS_NN_DIR is set).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { emitModelFolder } from '../../src/codegen/emit-folder.ts';
import { importTflite } from '../../src/import/tflite.ts';
import { deserializeGraph } from '../../src/ir/serialize.ts';
import type { Graph } from '../../src/ir/graph.ts';
import { PACKAGE_ROOT } from '../../src/support/paths.ts';

export const GOLDEN_FILE = join(PACKAGE_ROOT, 'test/golden/codegen.json');
const MODELS = join(PACKAGE_ROOT, 'test/models');

/** Backend variants: portable, and CMSIS-NN sized for one target of each code path. */
export const VARIANTS = [
  { name: 'portable', backend: 'portable' as const, target: undefined },
  { name: 'cmsis-nn-m3', backend: 'cmsis-nn' as const, target: 'cortex-m3' },
  { name: 'cmsis-nn-m4', backend: 'cmsis-nn' as const, target: 'cortex-m4' },
  { name: 'cmsis-nn-m55', backend: 'cmsis-nn' as const, target: 'cortex-m55' },
];

function models(): [string, () => Graph][] {
  const tflite = readdirSync(MODELS)
    .filter((f) => f.endsWith('.tflite'))
    .sort()
    .map((f) => [f.replace(/\.tflite$/, ''), () => importTflite(join(MODELS, f))] as [string, () => Graph]);
  const har: [string, () => Graph] = ['har', () => deserializeGraph(readFileSync(join(PACKAGE_ROOT, 'generated/har/graph.json'), 'utf8'), 'generated/har/graph.json')];
  return [har, ...tflite];
}

function filesOf(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesOf(join(dir, e.name)) : [join(dir, e.name)]));
}

/** "model/variant/file" -> sha256 prefix of every generated file (kernel copies excluded: templates). */
export async function codegenHashes(variants = VARIANTS): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const work = mkdtempSync(join(tmpdir(), 'edgec-codegen-golden-'));
  try {
    for (const [name, load] of models()) {
      const g = load();
      for (const v of variants) {
        const dir = join(work, `${name}-${v.name}`);
        await emitModelFolder(g, dir, { backend: v.backend, target: v.target });
        for (const f of filesOf(dir).sort()) {
          const rel = relative(dir, f);
          if (rel.startsWith('kernels/')) continue;
          out[`${name}/${v.name}/${rel}`] = createHash('sha256').update(readFileSync(f)).digest('hex').slice(0, 16);
        }
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return out;
}
