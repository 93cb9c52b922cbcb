/**
 * Refactors change no byte of generated code: the C, headers, build snippets, model.ts and manifests
 * generated for every shared model and the HAR graph, on the portable backend and on each CMSIS-NN
 * code path, hash to the committed test/golden/codegen.json (`make golden` rewrites it).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cmsisNnMissingReason } from '../../src/toolchain/cmsis-nn.ts';
import { codegenHashes, GOLDEN_FILE, VARIANTS } from '../golden/codegen.ts';

const golden = JSON.parse(readFileSync(GOLDEN_FILE, 'utf8')) as Record<string, string>;
const missing = cmsisNnMissingReason();

function expectMatches(hashes: Record<string, string>, prefix: (k: string) => boolean): void {
  const want = Object.fromEntries(Object.entries(golden).filter(([k]) => prefix(k)));
  expect(Object.keys(hashes).sort()).toEqual(Object.keys(want).sort());
  const differing = Object.keys(want).filter((k) => hashes[k] !== want[k]);
  expect(differing, `generated files differ from test/golden/codegen.json: ${differing.join(', ')}`).toEqual([]);
}

describe('generated code of every model (golden hashes)', () => {
  it('portable backend: every model byte-identical to the golden', async () => {
    expectMatches(await codegenHashes(VARIANTS.filter((v) => v.backend === 'portable')), (k) => k.split('/')[1] === 'portable');
  }, 240_000);

  it.skipIf(missing !== null)(
    `CMSIS-NN backend on plain, DSP and MVE paths: byte-identical to the golden${missing ? ` (skipped: ${missing})` : ''}`,
    async () => {
      expectMatches(await codegenHashes(VARIANTS.filter((v) => v.backend === 'cmsis-nn')), (k) => k.split('/')[1] !== 'portable');
    },
    240_000,
  );
});
