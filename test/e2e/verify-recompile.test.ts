/**
 * A folder recompiled in place with another model, verified again in the same process: the oracle
 * must simulate the new graph.json (it once kept the first graph lowered per path, and compared the
 * new C with the old model's bytes).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileModelFile } from '../../src/pipeline/compile.ts';
import { PACKAGE_ROOT } from '../../src/support/paths.ts';
import { hostTarget } from '../../src/verify/targets.ts';
import { verifyFolder } from '../../src/verify/verify.ts';

const tmp = mkdtempSync(join(tmpdir(), 'edgec-recompile-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('verify after recompiling a folder in place', () => {
  it('each model verifies bit-exact against its own graph', async () => {
    const out = join(tmp, 'model');
    for (const name of ['hello_world_int8', 'magic_wand_strokes_int8', 'hello_world_int8']) {
      await compileModelFile(join(PACKAGE_ROOT, 'test/models', `${name}.tflite`), undefined, { out, name: 'model' });
      const r = await verifyFolder(out, hostTarget, { inputs: 20 });
      expect(r.exact, name).toBe(20);
    }
  });
});
