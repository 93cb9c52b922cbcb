/**
 * int8 LOGISTIC and TANH: the TS kernels equal the C twins byte for byte on all 256 inputs for a
 * range of input quantizations; against float sigmoid/tanh they are within one output step (an
 * intended tolerance: it checks the semantics, the byte-exact check is TS vs C).
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { logisticS8, tanhS8 } from '../../src/kernels/activations.ts';
import { PORTABLE_KERNELS_DIR } from '../../src/support/paths.ts';
import { lutActivationParams } from '../../src/arith/op-params.ts';
import { askOracle, buildOracle } from '../support/oracle.ts';

const QUANTS = [
  { scale: 0.02, zp: 0 },
  { scale: 0.0625, zp: -128 },
  { scale: 0.1, zp: 10 },
  { scale: 0.003, zp: 50 },
  { scale: 0.5, zp: -7 },
];
const ALL = Int8Array.from({ length: 256 }, (_, i) => i - 128);

let oracle = '';
beforeAll(() => {
  oracle = buildOracle('activations_oracle', [join(__dirname, 'activations_oracle.c'), join(PORTABLE_KERNELS_DIR, 'edgec_activations.c')], [PORTABLE_KERNELS_DIR]);
});

describe('int8 logistic and tanh', () => {
  for (const q of QUANTS) {
    const p = lutActivationParams({ scale: [q.scale], zeroPoint: [q.zp] });
    it(`scale ${q.scale}, zero point ${q.zp}: TS equals C on all 256 inputs`, () => {
      const line = (kind: number) => `${kind} ${p.inputZeroPoint} ${p.inputRangeRadius} ${p.inputMultiplier} ${p.inputLeftShift}`;
      const [cLog, cTanh] = askOracle(oracle, [line(0), line(1)]).map((l) => l.split(' ').map(Number));
      expect(Array.from(logisticS8(p, ALL))).toEqual(cLog);
      expect(Array.from(tanhS8(p, ALL))).toEqual(cTanh);
    });
    it(`scale ${q.scale}, zero point ${q.zp}: within one step of float sigmoid/tanh`, () => {
      const lo = logisticS8(p, ALL);
      const th = tanhS8(p, ALL);
      ALL.forEach((v, i) => {
        const x = q.scale * (v - q.zp);
        expect(Math.abs((lo[i]! + 128) / 256 - 1 / (1 + Math.exp(-x)))).toBeLessThanOrEqual(1 / 256 + 1e-9);
        expect(Math.abs(th[i]! / 128 - Math.tanh(x))).toBeLessThanOrEqual(1 / 128 + 1e-9);
      });
    });
  }
});
