/**
 * The cmsis-nn backend end to end: the HAR example and every shared .tflite model the importer takes,
 * compiled to CMSIS-NN calls, against the simulator (HAR, many inputs) and TFLite Micro's own output
 * bytes (the .tflite goldens), on the host (CMSIS-NN's plain-C path), Cortex-M4 (DSP) and Cortex-M55
 * (MVE) in QEMU. Without CMSIS_NN_DIR every test here is a visible skip.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { emitModelFolder } from '../../src/codegen/emit-folder.ts';
import { folderOutputs, readManifest, sampleBytes } from '../../src/formats/manifest.ts';
import { EdgecError } from '../../src/support/diagnostics.ts';
import { importTflite } from '../../src/import/tflite.ts';
import type { Graph } from '../../src/ir/graph.ts';
import { deserializeGraph } from '../../src/ir/serialize.ts';
import { PACKAGE_ROOT } from '../../src/support/paths.ts';
import { cmsisNnMissingReason } from '../../src/toolchain/cmsis-nn.ts';
import { verifyFolder } from '../../src/verify/verify.ts';
import { GOLDENS, MODELS_DIR, goldenOutputHex, goldenSamples } from '../support/goldens.ts';
import { cortexTarget, hostTarget } from '../../src/verify/targets.ts';
import { CORTEX_SKIP_REASON, HAS_CORTEX } from '../support/toolchain.ts';

const NO_CMSIS_NN = cmsisNnMissingReason();
const tmp = mkdtempSync(join(tmpdir(), 'edgec-cmsis-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(NO_CMSIS_NN !== null)('cmsis-nn backend', () => {
  const har = deserializeGraph(readFileSync(join(PACKAGE_ROOT, 'generated/har/graph.json'), 'utf8'), 'generated/har/graph.json');

  // Which layers call CMSIS-NN depends on the folder's path: on DSP (M4) the portable kernels measured
  // faster keep some layers; on the plain path (M3) every layer CMSIS-NN has runs in CMSIS-NN.
  for (const [target, expected] of [
    ['cortex-m4', ['arm_convolve_1x1_s8_fast', 'arm_avgpool_s8', 'arm_softmax_s8']],
    ['cortex-m3', ['arm_convolve_1_x_n_s8', 'arm_depthwise_conv_s8_opt', 'arm_convolve_1x1_s8_fast', 'arm_max_pool_s8', 'arm_avgpool_s8', 'arm_fully_connected_s8', 'arm_softmax_s8']],
  ] as const) {
    it(`HAR (${target} folder): bit-exact with the simulator on the host (200 inputs), scratch placed in the arena`, async () => {
      const dir = join(tmp, `har-host-${target}`);
      const r = await emitModelFolder(har, dir, { backend: 'cmsis-nn', target });
      expect(r.manifest.backend).toBe('cmsis-nn');
      const called = new Set(r.manifest.steps.filter((s) => s.library === 'cmsis-nn').map((s) => s.kernel));
      for (const k of expected) expect(called.has(k), k).toBe(true);
      const v = await verifyFolder(dir, hostTarget, { inputs: 200 });
      expect(v.mismatches).toEqual([]);
      expect(v.exact).toBe(200);
    }, 300_000);
  }

  for (const [target, n] of [
    ['cortex-m4', 200],
    ['cortex-m55', 100],
  ] as const) {
    it.skipIf(!HAS_CORTEX)(
      `HAR: bit-exact on ${target} in QEMU (${n} inputs, scratch sized for its CMSIS-NN path)`,
      async () => {
        const dir = join(tmp, `har-${target}`);
        await emitModelFolder(har, dir, { backend: 'cmsis-nn', target });
        const v = await verifyFolder(dir, cortexTarget(target), { inputs: n });
        expect(v.mismatches).toEqual([]);
        expect(v.exact).toBe(n);
      },
      300_000,
    );
  }

  for (const m of GOLDENS) {
    const name = m.model.replace('../models/', '');
    let g: Graph | null = null;
    let why = '';
    try {
      g = importTflite(join(MODELS_DIR, name));
    } catch (e) {
      why = e instanceof EdgecError ? e.diagnostics.map((d) => d.message).join('; ') : String(e);
    }
    if (!g) {
      it.skip(`${name}: not importable yet (${why})`, () => undefined);
      continue;
    }
    const graph = g;
    const kinds = Object.keys(m.expected_hex);
    const targets = ['host', ...(HAS_CORTEX ? ['cortex-m4', 'cortex-m55'] : [])];
    it(`${name}: cmsis-nn output equals TFLite Micro on ${targets.join(', ')}`, async () => {
      const bytes = goldenSamples(graph, kinds, m.ref_input);
      for (const t of targets) {
        const dir = join(tmp, `${name}-${t}`);
        await emitModelFolder(graph, dir, { backend: 'cmsis-nn', target: t });
        const mf = readManifest(dir);
        const { outputs } = await (t === 'host' ? hostTarget : cortexTarget(t)).run(dir, mf, bytes, { resetEach: true });
        const outBytes = sampleBytes(folderOutputs(mf));
        kinds.forEach((kind, i) => expect(goldenOutputHex(graph, outputs.subarray(i * outBytes, (i + 1) * outBytes)), `${t} ${kind}`).toBe(m.expected_hex[kind]![0]));
      }
    }, 600_000);
  }
});

if (NO_CMSIS_NN !== null) describe('cmsis-nn backend', () => it.skip(`skipped: ${NO_CMSIS_NN}`, () => undefined));
else if (!HAS_CORTEX) describe('cmsis-nn backend on Cortex-M', () => it.skip(`skipped: ${CORTEX_SKIP_REASON}`, () => undefined));

describe('cmsis-nn backend without CMSIS_NN_DIR', () => {
  it('compile fails with a clear message naming the variable', async () => {
    const saved = process.env.CMSIS_NN_DIR;
    delete process.env.CMSIS_NN_DIR;
    try {
      const har = deserializeGraph(readFileSync(join(PACKAGE_ROOT, 'generated/har/graph.json'), 'utf8'), 'graph.json');
      const err = await emitModelFolder(har, join(tmp, 'nope'), { backend: 'cmsis-nn' }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(EdgecError);
      expect((err as EdgecError).diagnostics[0]!.message).toMatch(/CMSIS_NN_DIR is not set/);
    } finally {
      if (saved !== undefined) process.env.CMSIS_NN_DIR = saved;
    }
  });
});
