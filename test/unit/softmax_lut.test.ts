/**
 * The int16 softmax tables built here equal, entry for entry, the tables TFLite generated for the
 * conformance case softmax_s16 (an independent source: they come from the case file).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { softmaxLutsS16 } from '../../src/kernels/softmax_s16.ts';
import { DEFAULT_SUITE_DIR } from '../../src/support/paths.ts';

describe('int16 softmax lookup tables', () => {
  const c = JSON.parse(readFileSync(join(DEFAULT_SUITE_DIR, 'softmax_s16.json'), 'utf8'));
  const luts = softmaxLutsS16();
  it('exp table over [-10, 0]', () => {
    expect(Array.from(luts.expLut)).toEqual(c.params.exp_lut);
  });
  it('1/(1+x) table over [0, 1]', () => {
    expect(Array.from(luts.oneByOneLut)).toEqual(c.params.one_by_one_lut);
  });
});
