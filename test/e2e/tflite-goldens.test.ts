/**
 * Real .tflite models against TFLite Micro's own output bytes (test/models/refs/tflm-goldens.json):
 * the simulator for every listed input, the compiled C on the host and on Cortex-M4 in QEMU.
 * Models with operators not imported yet are visible skips naming the import error.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EdgecError } from '../../src/support/diagnostics.ts';
import { emitModelFolder } from '../../src/codegen/emit-folder.ts';
import { folderOutputs, readManifest, sampleBytes } from '../../src/formats/manifest.ts';
import { GOLDENS, MODELS_DIR, goldenInputs, goldenOutputHex, goldenSamples } from '../support/goldens.ts';
import { importTflite } from '../../src/import/tflite.ts';
import { parseTflite } from '../../src/formats/tflite-schema.ts';
import type { Graph } from '../../src/ir/graph.ts';
import { PACKAGE_ROOT } from '../../src/support/paths.ts';
import { simulateGraph } from '../../src/sim/int8.ts';
import { cortexTarget, hostTarget } from '../../src/verify/targets.ts';
import { HAS_CORTEX } from '../support/toolchain.ts';

const MODELS = MODELS_DIR;
const goldens = { models: GOLDENS };
const tmp = mkdtempSync(join(tmpdir(), 'edgec-tflite-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

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
      for (const kind of kinds) expect(goldenOutputHex(g, simulateGraph(g, goldenInputs(g, kind, m.ref_input)).outputs[0]!), kind).toBe(m.expected_hex[kind]![0]);
    });
    const targets = [hostTarget, ...(HAS_CORTEX ? [cortexTarget('cortex-m4')] : [])];
    it(`${name}: compiled C equals TFLite Micro on ${targets.map((t) => t.name).join(' and ')}`, async () => {
      const dir = join(tmp, name);
      await emitModelFolder(g, dir);
      const mf = readManifest(dir);
      const outBytes = sampleBytes(folderOutputs(mf));
      for (const t of targets) {
        const { outputs } = await t.run(dir, mf, goldenSamples(g, kinds, m.ref_input), { resetEach: true });
        kinds.forEach((kind, i) => expect(goldenOutputHex(g, outputs.subarray(i * outBytes, (i + 1) * outBytes)), `${t.name} ${kind}`).toBe(m.expected_hex[kind]![0]));
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

describe('the CLI on a model with int16 input and int32 output (keyword_scrambled_8bit)', () => {
  const name = 'keyword_scrambled_8bit.tflite';
  const golden = GOLDENS.find((m) => m.model.endsWith(name))!;
  const kinds = Object.keys(golden.expected_hex);
  const cli = async (...args: string[]) => {
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync('node', [join(PACKAGE_ROOT, 'bin/edgec.js'), ...args], { encoding: 'utf8' });
    expect(r.status, `edgec ${args.join(' ')}: ${r.stderr}`).toBe(0);
    return r.stdout;
  };
  it('simulate and run read typed samples and give TFLite Micro bytes; budget measures it', async () => {
    const dir = join(tmp, 'cli-kws');
    await cli('compile', join(MODELS, name), '--out', dir);
    const g = importTflite(join(MODELS, name));
    const input = join(tmp, 'cli-kws.in');
    writeFileSync(input, goldenSamples(g, kinds, golden.ref_input));
    const outBytes = sampleBytes(folderOutputs(readManifest(dir)));
    const check = (file: string, what: string) => {
      const out = readFileSync(file);
      expect(out.length, what).toBe(kinds.length * outBytes);
      kinds.forEach((kind, i) => expect(goldenOutputHex(g, out.subarray(i * outBytes, (i + 1) * outBytes)), `${what} ${kind}`).toBe(golden.expected_hex[kind]![0]));
    };
    await cli('simulate', dir, '--input', input, '--out', join(tmp, 'cli-kws.sim'), '--reset-each');
    check(join(tmp, 'cli-kws.sim'), 'simulate');
    await cli('run', dir, '--input', input, '--out', join(tmp, 'cli-kws.run'), '--reset-each');
    check(join(tmp, 'cli-kws.run'), 'run (host)');
    if (HAS_CORTEX) {
      const b = JSON.parse(await cli('budget', dir, '--target', 'cortex-m4', '--json')) as { instructions: { total: number; per_layer: unknown[] } };
      expect(b.instructions.total).toBeGreaterThan(10_000);
      expect(b.instructions.per_layer.length).toBe(readManifest(dir).steps.length);
    }
  }, 300_000);
});
