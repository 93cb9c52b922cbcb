/**
 * int16 sigmoid/tanh (the LSTM's gate and cell activations): the generated 256-node table's
 * properties, the TS kernel against float sigmoid/tanh (a semantic check with an intended tolerance),
 * and the C twin against the TS kernel on all 65,536 inputs, byte for byte. (The table's exact values
 * are checked end to end by the LSTM conformance cases, whose expected bytes come from TFLite.)
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { activationS16, sigmoidTableU16 } from '../../src/kernels/activations_s16.ts';
import { PORTABLE_KERNELS_DIR } from '../../src/support/paths.ts';
import { askOracle, buildOracle } from '../support/oracle.ts';

const table = sigmoidTableU16();
const ALL = Int16Array.from({ length: 65536 }, (_, i) => i - 32768);

let oracle = '';
beforeAll(() => {
  oracle = buildOracle('activations_s16_oracle', [join(__dirname, 'activations_s16_oracle.c'), join(PORTABLE_KERNELS_DIR, 'edgec_activations_s16.c')], [PORTABLE_KERNELS_DIR]);
});

describe('int16 sigmoid/tanh', () => {
  it('the table starts at sigmoid(0) = 1/2, rises monotonically, ends at the uint16 maximum', () => {
    expect(table[0]).toBe(32768);
    expect(table[255]).toBe(65535);
    for (let i = 1; i < 256; i++) expect(table[i]!).toBeGreaterThanOrEqual(table[i - 1]!);
    // Within a few units of the plain sigmoid at every node (the curvature term is below 2 units).
    for (let i = 0; i < 255; i++) expect(Math.abs(table[i]! - 65536 / (1 + Math.exp(-i / 24)))).toBeLessThan(2);
  });

  it('Q3.12 in, Q0.15 out: within 2^-11 of float sigmoid and tanh over the whole int16 range', () => {
    const sig = activationS16(ALL, 0, 'sigmoid');
    const th = activationS16(ALL, 0, 'tanh');
    ALL.forEach((v, i) => {
      const x = v / 4096;
      expect(Math.abs(sig[i]! / 32768 - 1 / (1 + Math.exp(-x)))).toBeLessThan(2 ** -11);
      expect(Math.abs(th[i]! / 32768 - Math.tanh(x))).toBeLessThan(2 ** -11);
    });
  });

  for (const shift of [-3, -1, 0, 2, 3]) {
    it(`left shift ${shift}: C equals TS on all 65,536 inputs`, () => {
      const [cSig, cTanh] = askOracle(oracle, [Array.from(table).join(' '), `0 ${shift}`, `1 ${shift}`]).map((l) => l.split(' ').map(Number));
      expect(Array.from(activationS16(ALL, shift, 'sigmoid'))).toEqual(cSig);
      expect(Array.from(activationS16(ALL, shift, 'tanh'))).toEqual(cTanh);
    });
  }
});
