/**
 * PAD, TRANSPOSE, STRIDED_SLICE and CONCATENATION from .tflite: a small model built in memory (the
 * parsed form the importer reads) is imported, simulated and compiled; the simulator is checked
 * against the ops' definitions computed here index by index, and the C (host, and Cortex-M4 when
 * installed) against the simulator, byte for byte. Unsupported variants are located errors.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { emitModelFolder } from '../../src/codegen/emit-folder.ts';
import { EdgecError } from '../../src/support/diagnostics.ts';
import type { Table } from '../../src/formats/flatbuffer.ts';
import { importTfliteModel } from '../../src/import/tflite.ts';
import type { TfliteModel, TfliteOperator, TfliteTensor } from '../../src/formats/tflite-schema.ts';
import { simulateGraph } from '../../src/sim/int8.ts';
import { cortexTarget, hostTarget } from '../../src/verify/targets.ts';
import { xorshift32Bytes } from '../../src/verify/verify.ts';
import { HAS_CORTEX } from '../support/toolchain.ts';

const tmp = mkdtempSync(join(tmpdir(), 'edgec-layout-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const options = (values: Record<number, number>) => ({ int: (i: number, d = 0) => values[i] ?? d, float: (i: number, d = 0) => values[i] ?? d }) as unknown as Table;
const Q = { scale: [0.1], zeroPoint: [3], axis: 0 };

/** A model: tensors (activations and int32 constants) and operators, in the parsed .tflite form. */
function model(ops: { op: string; inputs: (number | number[])[]; out: number[]; options?: Record<number, number> }[], inShape: number[]): TfliteModel {
  const tensors: TfliteTensor[] = [];
  const buffers: Uint8Array[] = [new Uint8Array(0)];
  const add = (shape: number[], type: string, data?: number[]) => {
    let buffer = 0;
    if (data) {
      buffers.push(new Uint8Array(Int32Array.from(data).buffer));
      buffer = buffers.length - 1;
    }
    tensors.push({ index: tensors.length, name: `t${tensors.length}`, shape, shapeSignature: shape, type, buffer, quant: type === 'int8' ? Q : null, isVariable: false });
    return tensors.length - 1;
  };
  let prev = add(inShape, 'int8');
  const input = prev;
  const operators: TfliteOperator[] = [];
  for (const [k, o] of ops.entries()) {
    const ins = o.inputs.map((x) => (x === -1 ? prev : Array.isArray(x) ? add([x.length], 'int32', x) : x));
    const out = add(o.out, 'int8');
    operators.push({ index: k, op: o.op, inputs: ins, outputs: [out], options: o.options ? options(o.options) : null });
    prev = out;
  }
  return { file: 'layout.tflite', version: 3, tensors, inputs: [input], outputs: [prev], operators, buffers };
}

describe('.tflite PAD, TRANSPOSE, STRIDED_SLICE, CONCATENATION', () => {
  // [1,4,6,3] -pad H+1 before, W+2 after-> [1,5,8,3] -transpose H,W-> [1,8,5,3]
  //   -slice rows 1,3,5,7 and columns 1..4 (begin -4)-> [1,4,4,3] -concat with itself on C-> [1,4,4,6]
  const m = model(
    [
      { op: 'PAD', inputs: [-1, [0, 0, 1, 0, 0, 2, 0, 0]], out: [1, 5, 8, 3] },
      { op: 'TRANSPOSE', inputs: [-1, [0, 2, 1, 3]], out: [1, 8, 5, 3] },
      { op: 'STRIDED_SLICE', inputs: [-1, [0, 1, -4, 0], [1, 8, 5, 3], [1, 2, 1, 1]], out: [1, 4, 4, 3], options: {} },
    ],
    [1, 4, 6, 3],
  );
  // CONCATENATION takes the slice twice.
  const slice = m.outputs[0]!;
  m.tensors.push({ ...m.tensors[slice]!, index: m.tensors.length, name: 'cat', shape: [1, 4, 4, 6], shapeSignature: [1, 4, 4, 6] });
  m.operators.push({ index: 3, op: 'CONCATENATION', inputs: [slice, slice], outputs: [m.tensors.length - 1], options: options({ 0: 3 }) });
  m.outputs[0] = m.tensors.length - 1;
  const g = importTfliteModel(m, 'layout');
  const x = xorshift32Bytes(4 * 6 * 3, 9);

  it('the simulator computes the ops as defined', () => {
    const y = simulateGraph(g, [x]).outputs[0]! as Int8Array;
    const inAt = (h: number, w: number, c: number) => (h < 0 || w >= 6 ? 3 : x[(h * 6 + w) * 3 + c]!); // padded: zero point 3
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 4; j++)
        for (let c = 0; c < 6; c++) {
          // Output (i, j) is transposed (row 1 + 2i, column 1 + j) = padded (h = 1 + j, w = 1 + 2i) = input (j, 1 + 2i).
          expect(y[(i * 4 + j) * 6 + c], `${i},${j},${c}`).toBe(inAt(1 + j - 1, 1 + 2 * i, c % 3));
        }
  });

  it(`the C equals the simulator on ${['host', ...(HAS_CORTEX ? ['cortex-m4'] : [])].join(' and ')}`, async () => {
    const dir = join(tmp, 'layout');
    const r = await emitModelFolder(g, dir);
    expect(r.manifest.kernels).toEqual(expect.arrayContaining(['edgec_pad_s8', 'edgec_transpose_s8', 'edgec_strided_slice_s8', 'edgec_concat_s8']));
    const inputs = [x, xorshift32Bytes(72, 10), xorshift32Bytes(72, 11)];
    const want = Buffer.concat(inputs.map((v) => Buffer.from((simulateGraph(g, [v]).outputs[0]! as Int8Array).buffer)));
    for (const t of [hostTarget, ...(HAS_CORTEX ? [cortexTarget('cortex-m4')] : [])]) {
      const { outputs } = await t.run(dir, r.manifest, Buffer.concat(inputs.map((v) => Buffer.from(v.buffer, v.byteOffset, v.byteLength))), {});
      expect(outputs.equals(want), t.name).toBe(true);
    }
  }, 120_000);

  it('unsupported variants are listed in one located error', () => {
    const bad = model(
      [
        { op: 'PAD', inputs: [-1, [0, 0, 0, 0, 0, 0, 1, 1]], out: [1, 4, 6, 5] },
        { op: 'STRIDED_SLICE', inputs: [-1, [0, 0, 0, 0], [1, 4, 6, 5], [1, 1, 1, 1]], out: [1, 4, 6, 5], options: { 2: 1 } },
      ],
      [1, 4, 6, 3],
    );
    try {
      importTfliteModel(bad, 'bad');
      throw new Error('expected an error');
    } catch (e) {
      expect(e).toBeInstanceOf(EdgecError);
      const d = (e as EdgecError).diagnostics;
      expect(d.map((x) => x.location?.layer)).toEqual(['PAD#0', 'STRIDED_SLICE#1']);
      expect(d[0]!.message).toMatch(/H and W/);
      expect(d[1]!.message).toMatch(/ellipsis/);
    }
  });
});
