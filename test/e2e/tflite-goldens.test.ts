/**
 * Real .tflite models against TFLite Micro's own output bytes (test/models/refs/tflm-goldens.json):
 * the simulator for every listed input, the compiled C on the host and on Cortex-M4 in QEMU.
 * Models with operators not imported yet are visible skips naming the import error.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EdgecError } from '../../src/diagnostics.ts';
import { emitModelFolder } from '../../src/codegen/emit-folder.ts';
import { readManifest } from '../../src/codegen/manifest.ts';
import { importTflite } from '../../src/import/tflite.ts';
import { parseTflite } from '../../src/import/tflite-model.ts';
import type { Graph } from '../../src/ir/graph.ts';
import { PACKAGE_ROOT } from '../../src/paths.ts';
import { dequantizeValues, quantizeValues } from '../../src/quantize/tensor-quant.ts';
import { simulateGraph } from '../../src/sim/int8.ts';
import { xorshift32Bytes } from '../../src/verify/verify.ts';
import { cortexTarget, hostTarget } from '../../src/verify/targets.ts';
import { HAS_CORTEX } from '../support/toolchain.ts';

const MODELS = join(PACKAGE_ROOT, 'test/models');
const goldens = JSON.parse(readFileSync(join(MODELS, 'refs/tflm-goldens.json'), 'utf8')) as {
  models: { model: string; ref_input: string; expected_hex: Record<string, string[]> }[];
};
const tmp = mkdtempSync(join(tmpdir(), 'edgec-tflite-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * The model's int8 inputs for one golden input kind. A float-boundary model gets float windows
 * (zeros; xorshift bytes / 128; the reference file) quantized as TFLite's QUANTIZE would.
 */
function inputsFor(g: Graph, kind: string, refInput: string): Int8Array[] {
  const ins = g.inputs.map((id) => g.tensors[id]!);
  const fb = g.meta.floatBoundary?.input;
  if (fb) {
    const size = ins[0]!.shape.reduce((a, b) => a * b, 1);
    let x: Float32Array;
    if (kind === 'zp') x = new Float32Array(size);
    else if (kind === 'rand') x = Float32Array.from(xorshift32Bytes(size, 1), (v) => v / 128);
    else {
      const buf = readFileSync(join(MODELS, 'refs', refInput.replace('../refs/', '')));
      x = new Float32Array(new Uint8Array(buf).buffer, 0, size);
    }
    return [quantizeValues(x, fb.scale, fb.zeroPoint)];
  }
  const sizes = ins.map((t) => t.shape.reduce((a, b) => a * b, 1));
  if (kind === 'zp') return ins.map((t, i) => new Int8Array(sizes[i]!).fill(t.quant!.zeroPoint[0]!));
  if (kind === 'rand') {
    // One xorshift32 stream across all inputs of the model, as the goldens were made.
    const all = xorshift32Bytes(sizes.reduce((a, b) => a + b, 0), 1);
    let p = 0;
    return sizes.map((s) => all.slice(p, (p += s)));
  }
  const buf = readFileSync(join(MODELS, 'refs', refInput.replace('../refs/', '')));
  return [new Int8Array(buf.buffer, buf.byteOffset, sizes[0]!).slice()];
}

/** Output bytes as the original model gives them: int8, or float32 after TFLite's DEQUANTIZE. */
function outputHex(g: Graph, q: Int8Array | Buffer): string {
  const fb = g.meta.floatBoundary?.output;
  const ints = q instanceof Int8Array ? q : new Int8Array(q.buffer, q.byteOffset, q.byteLength);
  const bytes = fb ? dequantizeValues(ints, fb.scale, fb.zeroPoint) : ints;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

describe('TFLite Micro goldens', () => {
  for (const m of goldens.models) {
    const file = join(MODELS, m.model.replace('../models/', ''));
    let graph: Graph | null = null;
    let why = '';
    try {
      graph = importTflite(file);
    } catch (e) {
      why = e instanceof EdgecError ? e.diagnostics.map((d) => d.message).join('; ') : String(e);
    }
    const name = m.model.replace('../models/', '');
    if (!graph) {
      it.skip(`${name}: not importable yet (${why})`, () => undefined);
      continue;
    }
    const g = graph;
    const kinds = Object.keys(m.expected_hex);
    it(`${name}: simulator equals TFLite Micro for ${kinds.join(', ')} inputs`, () => {
      for (const kind of kinds) expect(outputHex(g, simulateGraph(g, inputsFor(g, kind, m.ref_input)).outputs[0]!), kind).toBe(m.expected_hex[kind]![0]);
    });
    if (g.inputs.length !== 1) {
      it.skip(`${name}: C API takes one input; this model has ${g.inputs.length}`, () => undefined);
      continue;
    }
    const targets = [hostTarget, ...(HAS_CORTEX ? [cortexTarget('cortex-m4')] : [])];
    it(`${name}: compiled C equals TFLite Micro on ${targets.map((t) => t.name).join(' and ')}`, async () => {
      const dir = join(tmp, name);
      await emitModelFolder(g, dir);
      const mf = readManifest(dir);
      const inputs = kinds.map((k) => inputsFor(g, k, m.ref_input)[0]!);
      for (const t of targets) {
        const { outputs } = await t.run(dir, mf, Buffer.concat(inputs.map((x) => Buffer.from(x.buffer, x.byteOffset, x.byteLength))), { resetEach: true });
        kinds.forEach((kind, i) => expect(outputHex(g, outputs.subarray(i * mf.output.size, (i + 1) * mf.output.size)), `${t.name} ${kind}`).toBe(m.expected_hex[kind]![0]));
      }
    }, 300_000);
  }
});

describe('corrupt .tflite files: a located error, never a crash or a hang', () => {
  const good = new Uint8Array(readFileSync(join(MODELS, 'hello_world_int8.tflite')));
  const diag = (bytes: Uint8Array) => {
    try {
      parseTflite(bytes, 'bad.tflite');
    } catch (e) {
      expect(e).toBeInstanceOf(EdgecError);
      return (e as EdgecError).diagnostics[0]!;
    }
    throw new Error('expected an error');
  };
  it('a truncated file names the offset it could not read', () => {
    const d = diag(good.slice(0, 700));
    expect(d.location?.file).toBe('bad.tflite');
    expect(d.message).toMatch(/outside the 700-byte file|truncated/);
  });
  it('a wrong identifier', () => {
    const bad = good.slice();
    bad.set([0x58, 0x58, 0x58, 0x58], 4);
    expect(diag(bad).code).toBe('E-TFLITE-IDENT');
  });
  it('an out-of-range buffer index names the tensor', () => {
    const m = parseTflite(good, 'ok.tflite');
    // Find a tensor's buffer field in the file and point it past the buffer list.
    const t = m.tensors.find((x) => x.buffer > 0)!;
    const bad = good.slice();
    const view = new DataView(bad.buffer);
    let patched = false;
    for (let p = 0; p + 4 <= bad.length && !patched; p += 4) {
      if (view.getUint32(p, true) === t.buffer) {
        const copy = bad.slice();
        new DataView(copy.buffer).setUint32(p, 100000, true);
        try {
          parseTflite(copy, 'bad.tflite');
        } catch (e) {
          if (e instanceof EdgecError && e.diagnostics[0]!.code === 'E-TFLITE-BUFFER') {
            expect(e.diagnostics[0]!.location?.tensor).toBeTruthy();
            patched = true;
          }
        }
      }
    }
    expect(patched).toBe(true);
  });
  it('the CLI reports a corrupt file in one line and exits non-zero', async () => {
    const { spawnSync } = await import('node:child_process');
    writeFileSync(join(tmp, 'trunc.tflite'), good.slice(0, 300));
    const r = spawnSync('node', [join(PACKAGE_ROOT, 'bin/edgec.js'), 'compile', join(tmp, 'trunc.tflite'), '--out', join(tmp, 'out_trunc')], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('trunc.tflite');
    expect(r.stderr).not.toContain('    at ');
  });
});
