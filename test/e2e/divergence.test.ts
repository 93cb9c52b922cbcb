/**
 * When the C and the simulator disagree, verify fails and names the first layer whose bytes differ.
 * A copy of generated/har gets one kernel sum (bias with the input offset folded in) of layer
 * sep2/pointwise changed in the C (the graph the simulator reads is untouched), as a miscompiled
 * constant would.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/support/paths.ts';
import { verifyFolder } from '../../src/verify/verify.ts';
import { cortexTarget, hostTarget } from '../../src/verify/targets.ts';
import { HAS_CORTEX } from '../support/toolchain.ts';

const tmp = mkdtempSync(join(tmpdir(), 'edgec-diverge-'));
const dir = join(tmp, 'har');
cpSync(join(PACKAGE_ROOT, 'generated/har'), dir, { recursive: true });
const cPath = join(dir, 'har.c');
const original = readFileSync(cPath, 'utf8');
const tampered = original.replace(/(static const int32_t har_sep2_pointwise_kernel_sums\[32\][^{]*\{\s*)(-?\d+)/, (_, head: string, v: string) => `${head}${Number(v) + 5000}`);
writeFileSync(cPath, tampered);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('first divergent layer', () => {
  it('the tampering changed the C', () => {
    expect(tampered).not.toBe(original);
  });

  it('host: verify reports mismatches and names sep2/pointwise', async () => {
    const r = await verifyFolder(dir, hostTarget, { inputs: 50 });
    expect(r.mismatches.length).toBeGreaterThan(0);
    expect(r.firstDivergence?.layer).toBe('sep2/pointwise');
    expect(r.firstDivergence?.op).toBe('conv2d');
  });

  it.skipIf(!HAS_CORTEX)(
    'cortex-m4: the same layer is named from the QEMU dump',
    async () => {
      const r = await verifyFolder(dir, cortexTarget('cortex-m4'), { inputs: 20 });
      expect(r.mismatches.length).toBeGreaterThan(0);
      expect(r.firstDivergence?.layer).toBe('sep2/pointwise');
    },
    300_000,
  );
});
