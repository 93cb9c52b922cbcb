/**
 * The graph validator on a small valid int8 graph (conv -> fully connected -> softmax) and on copies
 * of it with one thing broken each: every copy must be refused with a located diagnostic of the
 * expected code, and the valid graph must pass. The shared .tflite models pass (tflite-goldens).
 */
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/support/diagnostics.ts';
import { GraphBuilder } from '../../src/ir/builder.ts';
import type { Graph, Op, Tensor } from '../../src/ir/graph.ts';
import { validateGraph } from '../../src/validate/validate.ts';
import { lowerGraph } from '../../src/lower/lower.ts';
import { EdgecError } from '../../src/support/diagnostics.ts';

const q = (scale: number, zeroPoint = 0) => ({ scale: [scale], zeroPoint: [zeroPoint] });

function validGraph(): Graph {
  const b = new GraphBuilder();
  const x = b.addTensor({ name: 'x', shape: [1, 1, 8, 2], dtype: 'int8', quant: q(0.05, 3) });
  const w = b.addTensor({
    name: 'w',
    shape: [4, 1, 3, 2],
    dtype: 'int8',
    quant: { scale: [0.01, 0.02, 0.01, 0.03], zeroPoint: [0, 0, 0, 0], axis: 0 },
    data: new Int8Array(24).map((_, i) => ((i * 7) % 23) - 11),
  });
  const bias = b.addTensor({ name: 'b', shape: [4], dtype: 'int32', quant: { scale: [5e-4, 1e-3, 5e-4, 1.5e-3], zeroPoint: [0, 0, 0, 0] }, data: new Int32Array([10, -20, 30, 0]) });
  const c = b.addTensor({ name: 'c', shape: [1, 1, 8, 4], dtype: 'int8', quant: q(0.1, -5) });
  const fw = b.addTensor({ name: 'fw', shape: [3, 32], dtype: 'int8', quant: q(0.02), data: new Int8Array(96).map((_, i) => ((i * 5) % 17) - 8) });
  const f = b.addTensor({ name: 'f', shape: [1, 3], dtype: 'int8', quant: q(0.2, 1) });
  const s = b.addTensor({ name: 's', shape: [1, 3], dtype: 'int8', quant: q(1 / 256, -128) });
  const pad = { top: 0, bottom: 0, left: 1, right: 1 };
  b.addOp({ kind: 'conv2d', name: 'conv', attrs: { stride: { h: 1, w: 1 }, dilation: { h: 1, w: 1 }, padding: pad, activation: 'relu', groups: 1 }, inputs: [x, w, bias], outputs: [c] });
  b.addOp({ kind: 'fully_connected', name: 'fc', attrs: { activation: 'none' }, inputs: [c, fw, -1], outputs: [f] });
  b.addOp({ kind: 'softmax', name: 'softmax', attrs: { beta: 1 }, inputs: [f], outputs: [s] });
  return b.build('valid', [x], [s], { source: 'test.tflite' });
}

type Mutable = { tensors: Tensor[]; ops: Op[]; inputs: number[]; outputs: number[] } & Graph;

function mutate(edit: (g: Mutable) => void): Graph {
  const g = structuredClone(validGraph()) as Mutable;
  edit(g);
  return g;
}

const setTensor = (g: Mutable, name: string, patch: Partial<Tensor>) => {
  const i = g.tensors.findIndex((t) => t.name === name);
  g.tensors[i] = { ...g.tensors[i]!, ...patch } as Tensor;
};
const op = (g: Mutable, name: string) => g.ops.find((o) => o.name === name)! as unknown as { kind: string; inputs: number[]; outputs: number[]; attrs: Record<string, unknown> };

const CASES: [string, string, (g: Mutable) => void][] = [
  ['zero dimension', 'E-GRAPH-SHAPE', (g) => setTensor(g, 'c', { shape: [1, 1, 0, 4] })],
  ['negative dimension', 'E-GRAPH-SHAPE', (g) => setTensor(g, 'x', { shape: [1, 1, -8, 2] })],
  ['dims whose product passes int32', 'E-GRAPH-SHAPE', (g) => setTensor(g, 'c', { shape: [65536, 65536, 1, 4] })],
  ['weights shorter than their shape', 'E-GRAPH-DATA', (g) => setTensor(g, 'w', { data: new Int8Array(23) })],
  ['NaN scale', 'E-GRAPH-QUANT', (g) => setTensor(g, 'c', { quant: q(NaN) })],
  ['negative scale', 'E-GRAPH-QUANT', (g) => setTensor(g, 'x', { quant: q(-0.1) })],
  ['scale that is zero in float32', 'E-GRAPH-QUANT', (g) => setTensor(g, 'x', { quant: q(1e-50) })],
  ['zero point outside int8', 'E-GRAPH-QUANT', (g) => setTensor(g, 'x', { quant: q(0.05, 200) })],
  ['per-channel scales of the wrong length', 'E-GRAPH-QUANT', (g) => setTensor(g, 'w', { quant: { scale: [0.1, 0.1, 0.1], zeroPoint: [0, 0, 0], axis: 0 } })],
  ['asymmetric weights', 'E-GRAPH-QUANT', (g) => setTensor(g, 'fw', { quant: q(0.02, 4) })],
  ['activation without quantization', 'E-GRAPH-QUANT', (g) => setTensor(g, 'c', { quant: undefined })],
  ['input index out of range', 'E-GRAPH-STRUCTURE', (g) => (op(g, 'fc').inputs = [99, 4, -1])],
  ['negative index in a required slot', 'E-GRAPH-STRUCTURE', (g) => (op(g, 'fc').inputs = [3, -2, -1])],
  ['an op reading its own output (cycle)', 'E-GRAPH-STRUCTURE', (g) => (op(g, 'conv').inputs = [3, 1, 2])],
  ['an op reading a later op output', 'E-GRAPH-STRUCTURE', (g) => (op(g, 'conv').inputs = [5, 1, 2])],
  ['two producers of one tensor', 'E-GRAPH-STRUCTURE', (g) => (op(g, 'softmax').outputs = [5])],
  ['output never computed', 'E-GRAPH-STRUCTURE', (g) => (g.outputs = [4])],
  ['wrong arity', 'E-GRAPH-OP', (g) => (op(g, 'softmax').inputs = [5, 5])],
  ['weights that are not constant (nothing computes them)', 'E-GRAPH-STRUCTURE', (g) => setTensor(g, 'fw', { data: undefined })],
  ['int16 activation into an int8-only kernel', 'E-GRAPH-TYPE', (g) => setTensor(g, 'c', { dtype: 'int16', quant: q(0.1) })],
  ['conv output shape not what the conv computes', 'E-GRAPH-SHAPE', (g) => setTensor(g, 'c', { shape: [1, 1, 9, 4] })],
  ['padding covering a whole window', 'E-GRAPH-OP', (g) => (op(g, 'conv').attrs.padding = { top: 0, bottom: 0, left: 3, right: 3 })],
  ['zero stride', 'E-GRAPH-OP', (g) => (op(g, 'conv').attrs.stride = { h: 1, w: 0 })],
  ['unknown fused activation', 'E-GRAPH-OP', (g) => (op(g, 'conv').attrs.activation = 'gelu')],
  ['filter channels not matching the input', 'E-GRAPH-SHAPE', (g) => setTensor(g, 'x', { shape: [1, 1, 8, 3] })],
  ['fully connected rows not dividing the input', 'E-GRAPH-SHAPE', (g) => setTensor(g, 'fw', { shape: [3, 31], data: new Int8Array(93) })],
  ['bias length not the output channels', 'E-GRAPH-SHAPE', (g) => setTensor(g, 'b', { shape: [3], data: new Int32Array(3), quant: { scale: [1, 1, 1], zeroPoint: [0, 0, 0] } })],
  ['softmax output quantization TFLite does not produce', 'E-GRAPH-QUANT', (g) => setTensor(g, 's', { quant: q(0.1, 0) })],
  ['non-finite softmax beta', 'E-GRAPH-OP', (g) => (op(g, 'softmax').attrs.beta = Infinity)],
  ['unknown op kind', 'E-GRAPH-STRUCTURE', (g) => (op(g, 'softmax').kind = 'gelu')],
];

describe('graph validator', () => {
  it('accepts the valid graph', () => {
    expect(validateGraph(validGraph())).toEqual([]);
  });

  for (const [what, code, edit] of CASES) {
    it(`refuses ${what} (${code}), located`, () => {
      const problems: Diagnostic[] = validateGraph(mutate(edit));
      expect(problems.map((p) => p.code)).toContain(code);
      for (const p of problems) {
        expect(p.location?.file).toBe('test.tflite');
        expect(p.stage).toBe('validate');
      }
    });
  }

  it('reports every problem of a graph at once', () => {
    const g = mutate((m) => {
      setTensor(m, 'x', { quant: q(NaN) });
      op(m, 'softmax').attrs.beta = -1;
      setTensor(m, 'fw', { quant: q(0.02, 9) });
    });
    expect(validateGraph(g).length).toBeGreaterThanOrEqual(3);
  });

  it('caps arena, weights and multiply-accumulates', () => {
    const codes = (limits: Parameters<typeof validateGraph>[1]) => validateGraph(validGraph(), limits).map((p) => p.code);
    expect(codes({ arenaBytes: 20, weightsBytes: 1 << 20 })).toContain('E-GRAPH-LIMIT');
    expect(codes({ arenaBytes: 1 << 20, weightsBytes: 50 })).toContain('E-GRAPH-LIMIT');
    expect(codes({ arenaBytes: 1 << 20, weightsBytes: 1 << 20, macs: 100 })).toContain('E-GRAPH-LIMIT');
    expect(codes({ arenaBytes: 1 << 20, weightsBytes: 1 << 20 })).toEqual([]);
  });

  it('refuses requantization shifts outside [-31, 30] after lowering', () => {
    // An output scale 2^-40 of the input's gives a multiplier of about 2^38: shift 39.
    const g = mutate((m) => setTensor(m, 'c', { quant: q(0.1 * 2 ** -40, -5) }));
    expect(validateGraph(g)).toEqual([]);
    try {
      lowerGraph(g);
      expect.unreachable('lowering accepted the shift');
    } catch (e) {
      expect(e).toBeInstanceOf(EdgecError);
      expect((e as EdgecError).diagnostics[0]!.code).toBe('E-LOWER-RANGE');
      expect((e as EdgecError).diagnostics[0]!.location?.layer).toBe('conv');
    }
  });
});
