/**
 * Verification that undefined behaviour cannot fool: the host build runs under AddressSanitizer and
 * UndefinedBehaviorSanitizer by default, so a folder whose C overflows the arena or shifts out of
 * range fails `verify` with the sanitizer's report even where its output bytes might match, and a run
 * that does not finish is stopped at the time limit. The folders are copies of generated/har with one
 * line of their C changed by hand.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EdgecError } from '../../src/support/diagnostics.ts';
import { PACKAGE_ROOT } from '../../src/support/paths.ts';
import { verifyFolder } from '../../src/verify/verify.ts';
import { hostRunTarget } from '../../src/verify/targets.ts';

const GOLDEN = join(PACKAGE_ROOT, 'generated/har');

function editedCopy(name: string, edit: (c: string) => string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'edgec-san-')), name);
  cpSync(GOLDEN, dir, { recursive: true });
  const c = join(dir, 'har.c');
  const before = readFileSync(c, 'utf8');
  const after = edit(before);
  expect(after).not.toBe(before);
  writeFileSync(c, after);
  return dir;
}

async function verifyError(dir: string, target = hostRunTarget()): Promise<EdgecError> {
  try {
    await verifyFolder(dir, target, { inputs: 5 });
  } catch (e) {
    if (e instanceof EdgecError) return e;
    throw e;
  }
  throw new Error('verify passed');
}

describe('host verification under sanitizers', () => {
  it('an out-of-range shift fails verify with the UBSan report', async () => {
    const dir = editedCopy('ub', (c) => c.replace(/(har_conv1_shift\[16\][^{]*\{\s*)-8/, '$1-40'));
    const e = await verifyError(dir);
    expect(e.diagnostics[0]!.code).toBe('E-RUN-SANITIZER');
    expect(e.message).toMatch(/shift exponent 40 is too large/);
  });

  it('a write past the arena fails verify with the ASan report', async () => {
    const dir = editedCopy('ovf', (c) => c.replace('&har_conv1_output_dims, (arena + 0)', '&har_conv1_output_dims, (arena + 2560)'));
    const e = await verifyError(dir);
    expect(e.diagnostics[0]!.code).toBe('E-RUN-SANITIZER');
    expect(e.message).toMatch(/global-buffer-overflow/);
  });

  it('a run that never finishes stops at the time limit', async () => {
    const dir = editedCopy('hang', (c) => c.replace(/int har_invoke\(har_ctx \*ctx\)\n\{/, 'int har_invoke(har_ctx *ctx)\n{\n    for (volatile int spin = 1; spin; ) {\n    }'));
    const e = await verifyError(dir, hostRunTarget({ limits: { timeoutMs: 3000 } }));
    expect(e.diagnostics[0]!.code).toBe('E-RUN-TIMEOUT');
  });

  it('the unchanged folder verifies clean under the sanitizers', async () => {
    const r = await verifyFolder(GOLDEN, hostRunTarget(), { inputs: 20 });
    expect(r.exact).toBe(20);
  });
});
