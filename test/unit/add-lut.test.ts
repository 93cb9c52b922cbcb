/**
 * The tabulated int8 ADD (edgec_add_s8_lut's TS twin) gives the reference ADD's bytes for every pair
 * of input bytes, over random quantization parameters. The C twin is checked end to end by the
 * .tflite goldens (resnet8's residual ADDs) on the host and in QEMU.
 */
import { describe, expect, it } from 'vitest';
import { addInputLut, addS8, addS8Lut } from '../../src/kernels/add.ts';
import { addParams } from '../../src/arith/op-params.ts';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

describe('int8 ADD through input tables', () => {
  it('equals the reference ADD on all 65,536 input pairs for 40 random parameter sets', () => {
    const r = rng(12345);
    const a = new Int8Array(65536);
    const b = new Int8Array(65536);
    for (let i = 0; i < 65536; i++) {
      a[i] = (i & 0xff) - 128;
      b[i] = (i >> 8) - 128;
    }
    for (let k = 0; k < 40; k++) {
      const q = () => ({ scale: [2 ** (-8 + 6 * r())], zeroPoint: [Math.floor(r() * 256) - 128] });
      const p = addParams(q(), q(), q());
      const act = k % 3 === 0 ? { min: -128, max: 127 } : { min: p.outputOffset, max: 127 };
      const lutA = addInputLut(p.input1Offset, p.leftShift, p.input1);
      const lutB = addInputLut(p.input2Offset, p.leftShift, p.input2);
      expect(Buffer.from(addS8Lut(a, b, lutA, lutB, p, act, a.length)).equals(Buffer.from(addS8(a, b, p, act, a.length)))).toBe(true);
    }
  });

  it("a table entry is the input byte's offset, shifted and rescaled", () => {
    const lut = addInputLut(5, 20, { multiplier: 1 << 30, shift: 0 });
    // (x + 5) * 2^20 * 0.5
    expect(lut[0]).toBe(5 * 2 ** 19);
    expect(lut[0xff]).toBe(4 * 2 ** 19);
    expect(lut[0x80]).toBe(-123 * 2 ** 19);
  });
});
