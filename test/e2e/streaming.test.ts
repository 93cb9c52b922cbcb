/**
 * Streaming inference (`edgec compile --stream HOP`, src/lower/stream-plan.ts): a model fed HOP new
 * samples per call gives, once its window is full, exactly the bytes the full-window model gives for
 * the window ending at the newest sample, on every hop of a long real signal (WISDM subject 1604,
 * normalised as the HAR example does):
 *  - the HAR model ('same' padding: strided conv, separable convs, max pool, global average, dense) at
 *    HOP 32: the plan (edges recomputed, running global average), 1,100 consecutive hops in the TS
 *    streaming simulator and the generated C on the host (AddressSanitizer, UndefinedBehaviorSanitizer),
 *    200 on Cortex-M4 in QEMU, and its budget (fewer instructions per output than the full window);
 *  - the TCN of examples/sequence (causal dilated convolutions 1-2-4-8 after an average pool: stride 2)
 *    at HOP 32: 1,000 hops on the host, 200 on Cortex-M4; a residual TCN (ADD, 1x1 skip) and a GRU over
 *    a causal convolution (recomputed over the window every hop) at HOP 1 on the host;
 *  - with CMSIS_NN_DIR: HAR through CMSIS-NN's MVE kernels on the host and Cortex-M55;
 *  - refusals, located: HOP not a multiple of the total stride (the layer where it breaks), HOP
 *    outside the window, a stateful recurrent layer, an input not laid out along time.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quantizeValues } from '../../src/arith/tensor-quant.ts';
import { emitModelFolder } from '../../src/codegen/emit-folder.ts';
import { readManifest } from '../../src/formats/manifest.ts';
import { importLayersModel } from '../../src/import/tfjs.ts';
import { deserializeGraph } from '../../src/ir/serialize.ts';
import { planStream } from '../../src/lower/stream-plan.ts';
import { compileGraph } from '../../src/pipeline/compile.ts';
import { measureBudget } from '../../src/report/budget.ts';
import { measureStreamBudget } from '../../src/report/stream-budget.ts';
import { loadFolderGraph } from '../../src/sim/int8.ts';
import { EdgecError } from '../../src/support/diagnostics.ts';
import { cmsisNnMissingReason } from '../../src/toolchain/cmsis-nn.ts';
import { formatStreamReport, verifyStream } from '../../src/verify/stream.ts';
import { cortexTarget, hostTarget } from '../../src/verify/targets.ts';
import { harData } from '../../examples/har/train.ts';
import { subjectSignal, tcnModel } from '../../examples/stream/models.ts';
import { FEATURES, SEQUENCE_MODELS, STEPS, seedWeights, sequenceTask } from '../support/sequence-models.ts';
import { CORTEX_SKIP_REASON, HAS_CORTEX } from '../support/toolchain.ts';

const HAR = 'generated/har';
const NO_CMSIS_NN = cmsisNnMissingReason();
const tmp = mkdtempSync(join(tmpdir(), 'edgec-stream-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Subject 1604 played twice (36,052 samples: 1,126 hops of 32), quantized as the folder's input. */
const raw = subjectSignal(2);
function signalFor(dir: string): Int8Array {
  const m = readManifest(dir);
  return quantizeValues(raw, m.input.scale, m.input.zeroPoint);
}

/** The diagnostics a streaming compile of `g` at `hop` refuses with. */
function refusal(dir: string, hop: number): { code: string; layer?: string; message: string }[] {
  try {
    planStream(loadFolderGraph(dir), hop);
  } catch (e) {
    if (e instanceof EdgecError) return e.diagnostics.map((d) => ({ code: d.code, layer: d.location?.layer, message: d.message }));
    throw e;
  }
  return [];
}

describe('streaming the HAR model', () => {
  const dir = join(tmp, 'har32');
  beforeAll(async () => {
    await emitModelFolder(deserializeGraph(readFileSync(join(HAR, 'graph.json'), 'utf8'), HAR), dir, { stream: 32 });
  });

  it('plans HOP 32: edges that read padding recomputed, clean frames kept, the global average as a running sum', () => {
    const plan = planStream(loadFolderGraph(HAR), 32);
    const t = (name: string) => [...plan.tensors.values()].find((x) => x.name === name)!;
    expect([t('conv1').frames, t('conv1').hop, t('conv1').edgeLeft, t('conv1').edgeRight]).toEqual([64, 16, 1, 1]);
    expect([t('sep2').frames, t('sep2').hop, t('sep2').edgeLeft, t('sep2').edgeRight, t('sep2').retained]).toEqual([32, 8, 4, 4, true]);
    expect(plan.steps.map((s) => s.mode)).toEqual(['frames', 'frames', 'frames', 'frames', 'frames', 'frames', 'running-mean', 'whole', 'whole']);
    expect(plan.macs.stream).toBeLessThan(plan.macs.full / 2);
    const m = readManifest(dir);
    expect(m.stream).toMatchObject({ hop: 32, window: 128, channels: 6, fillHops: 4, stateBytes: plan.stateBytes });
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain('## Streaming');
  });

  it('the C on the host and the TS streaming simulator equal the full-window model on 1,100 consecutive hops of 32', async () => {
    const r = await verifyStream(dir, hostTarget, { signal: signalFor(dir), outputs: 1100 });
    expect(formatStreamReport(r)).toContain('1100/1100 consecutive hops of 32 bit-exact');
    expect(r.simulatorMismatches).toBe(0);
  });

  it.skipIf(!HAS_CORTEX)('Cortex-M4: 200 consecutive hops bit-exact, and fewer instructions per output than the full window', async () => {
    const r = await verifyStream(dir, cortexTarget('cortex-m4'), { signal: signalFor(dir), outputs: 200 });
    expect(r.exact).toBe(200);
    const full = await measureBudget(dir, 'cortex-m4', { cycles: false });
    const b = (await measureStreamBudget(dir, 'cortex-m4', full))!;
    expect(b.instructions.perPush.mean).toBeLessThan(0.5 * full.instructions.total!);
    expect(b.instructions.perLayer.map((l) => l.mode)).toEqual(['frames', 'frames', 'frames', 'frames', 'frames', 'frames', 'running-mean', 'whole', 'whole']);
    expect(b.ram.state).toBe(readManifest(dir).stream!.stateBytes);
  });
});

describe('streaming temporal convolutional networks', () => {
  const dir = join(tmp, 'tcn32');
  beforeAll(async () => {
    await tf.setBackend('cpu');
    await compileGraph(importLayersModel(tcnModel(), 'wisdm_tcn/model.json'), harData(1).calibration.slice(0, 48), { out: dir, name: 'wisdm_tcn', stream: 32 });
  });

  it('the WISDM TCN at HOP 32 (causal padding: left edges only) equals the full window on 1,000 hops on the host', async () => {
    const plan = planStream(loadFolderGraph(dir), 32);
    expect([...plan.tensors.values()].map((t) => [t.edgeLeft, t.edgeRight])).toEqual([
      [0, 0],
      [0, 0],
      [2, 0],
      [6, 0],
      [14, 0],
      [30, 0],
    ]);
    const r = await verifyStream(dir, hostTarget, { signal: signalFor(dir), outputs: 1000 });
    expect([r.exact, r.outputs, r.simulatorMismatches]).toEqual([1000, 1000, 0]);
  });

  it.skipIf(!HAS_CORTEX)('the WISDM TCN on Cortex-M4: 200 consecutive hops bit-exact', async () => {
    const r = await verifyStream(dir, cortexTarget('cortex-m4'), { signal: signalFor(dir), outputs: 200 });
    expect(r.exact).toBe(200);
  });

  it('a residual TCN (ADD, 1x1 skip) and a GRU over a causal convolution at HOP 1 on the host', async () => {
    for (const name of ['tcn', 'tcn_gru']) {
      const m = SEQUENCE_MODELS[name]!();
      seedWeights(m, 5);
      const out = join(tmp, name);
      await compileGraph(importLayersModel(m, `${name}.json`), sequenceTask(32, 3).x, { out, name, stream: 1 });
      const gru = readManifest(out).stream!.layers.find((l) => l.layer === 'gru');
      if (name === 'tcn_gru') expect(gru).toMatchObject({ mode: 'whole' });
      const r = await verifyStream(out, hostTarget, { outputs: 120 });
      expect([name, r.exact, r.simulatorMismatches]).toEqual([name, 120, 0]);
    }
  });
});

describe.skipIf(NO_CMSIS_NN !== null)('streaming through CMSIS-NN', () => {
  it(`HAR at HOP 32 for the Cortex-M55 (MVE kernels on sub-windows; one-sided padding takes the generic conv): 100 hops on the host${HAS_CORTEX ? ' and Cortex-M55' : ''}`, async () => {
    const dir = join(tmp, 'har32-cmsis');
    await emitModelFolder(deserializeGraph(readFileSync(join(HAR, 'graph.json'), 'utf8'), HAR), dir, { stream: 32, backend: 'cmsis-nn', target: 'cortex-m55' });
    for (const t of [hostTarget, ...(HAS_CORTEX ? [cortexTarget('cortex-m55')] : [])]) {
      const r = await verifyStream(dir, t, { signal: signalFor(dir), outputs: 100 });
      expect([t.name, r.exact]).toEqual([t.name, 100]);
    }
  });
});

if (!HAS_CORTEX) it.skip(`Cortex-M4 streaming checks skipped: ${CORTEX_SKIP_REASON}`, () => {});
if (NO_CMSIS_NN !== null) it.skip(`CMSIS-NN streaming checks skipped: ${NO_CMSIS_NN}`, () => {});

describe('what cannot stream is refused, located', () => {
  it('HOP not a multiple of the total time stride: the layer where it breaks', () => {
    expect(refusal(HAR, 6)).toEqual([{ code: 'E-STREAM-HOP', layer: 'pool1', message: expect.stringContaining('HOP must be a multiple of 4') }]);
    expect(refusal(HAR, 3)).toEqual([{ code: 'E-STREAM-HOP', layer: 'conv1', message: expect.stringContaining('HOP must be a multiple of 2') }]);
    expect(refusal(HAR, 4)).toEqual([]);
  });

  it('HOP outside 1..window', () => {
    expect(refusal(HAR, 129).map((d) => d.code)).toEqual(['E-STREAM-HOP']);
    expect(refusal(HAR, 0).map((d) => d.code)).toEqual(['E-STREAM-HOP']);
  });

  it('a stateful recurrent layer (its output depends on every earlier invoke)', async () => {
    const m = tf.sequential({ name: 'stateful' });
    m.add(tf.layers.gru({ batchInputShape: [1, STEPS, FEATURES], units: 4, stateful: true, recurrentActivation: 'sigmoid', name: 'gru' }));
    m.add(tf.layers.dense({ units: 3, name: 'head' }));
    seedWeights(m, 3);
    const out = join(tmp, 'stateful');
    await expect(compileGraph(importLayersModel(m, 'stateful.json'), sequenceTask(8, 3).x, { out, name: 'stateful', stream: 4 })).rejects.toThrow(/E-STREAM-STATEFUL.*layer 'gru'/);
  });

  it('an input that is not a window along time ([1, H, W, C] images)', async () => {
    const m = tf.sequential({ name: 'image' });
    m.add(tf.layers.conv2d({ inputShape: [4, 4, 1], filters: 2, kernelSize: 3, padding: 'same', name: 'conv' }));
    seedWeights(m, 3);
    const calib = [Float32Array.from({ length: 16 }, (_, i) => Math.sin(i))];
    await expect(compileGraph(importLayersModel(m, 'image.json'), calib, { out: join(tmp, 'image'), name: 'image', stream: 2 })).rejects.toThrow(/E-STREAM-INPUT/);
  });
});
