/**
 * Sequence models from TensorFlow.js (LSTM, GRU with hard and plain sigmoid, SimpleRNN, a TCN of
 * causal dilated convolutions, a GRU over a TCN), with random weights and trained for a few epochs:
 *  - the importer's float graph computes what tfjs computes (the float reference the int8 model is
 *    measured against);
 *  - each compiles with int8 and with int16 activations; a trained model's integer twin keeps the
 *    float model's top class on most windows (a tolerance);
 *  - the generated C equals the simulator byte for byte on the host (ASan/UBSan) and on Cortex-M4,
 *    M7, M33 and M55 in QEMU;
 *  - a stateful GRU carries its state across invokes in the simulator and the C alike;
 *  - a Keras model.json with Conv1D(padding='causal') imports as the same convolution.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readManifest } from '../../src/formats/manifest.ts';
import { importLayersModel, importTfjsModel } from '../../src/import/tfjs.ts';
import { saveModelToDir } from '../../src/import/tfjs-io.ts';
import { lowerGraph } from '../../src/lower/lower.ts';
import { compileGraph } from '../../src/pipeline/compile.ts';
import { runFloatGraph } from '../../src/sim/float.ts';
import { resetState, simulateLowered } from '../../src/sim/int8.ts';
import { xorshift32Bytes } from '../../src/support/xorshift.ts';
import { cortexTarget, hostTarget } from '../../src/verify/targets.ts';
import { verifyFolder } from '../../src/verify/verify.ts';
import { FEATURES, SEQUENCE_MODELS, STEPS, seedWeights, sequenceTask, trainBriefly } from '../support/sequence-models.ts';
import { CORTEX_SKIP_REASON, HAS_CORTEX } from '../support/toolchain.ts';

const tmp = mkdtempSync(join(tmpdir(), 'edgec-seq-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const CORES = ['cortex-m4', 'cortex-m7', 'cortex-m33', 'cortex-m55'];
const calibration = sequenceTask(48, 11).x;

function maxFloatError(m: tf.LayersModel): number {
  const g = importLayersModel(m, 'mem.json');
  let worst = 0;
  for (const w of sequenceTask(4, 5).x) {
    const want = (m.predict(tf.tensor3d(w, [1, STEPS, FEATURES])) as tf.Tensor).dataSync();
    const got = runFloatGraph(g, [w]).outputs[0]!;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(want[i]! - got[i]!));
  }
  return worst;
}

for (const [kind, build] of Object.entries(SEQUENCE_MODELS)) {
  describe(`${kind} from tfjs`, () => {
    for (const trained of [false, true]) {
      const label = trained ? 'trained 4 epochs' : 'random weights';
      const dir = join(tmp, `${kind}_${trained ? 'trained' : 'random'}`);
      let model: tf.LayersModel;
      beforeAll(async () => {
        model = build();
        seedWeights(model, 17);
        if (trained) await trainBriefly(model, 4, 3);
      }, 120_000);

      it(`${label}: the float graph computes what tfjs computes`, () => {
        expect(maxFloatError(model)).toBeLessThan(1e-4);
      });

      for (const activations of ['int8', 'int16'] as const) {
        const out = `${dir}_${activations}`;
        it(`${label}, ${activations}: C equals the simulator on the host (sanitized), 60 inputs`, async () => {
          const r = await compileGraph(importLayersModel(model, 'mem.json'), calibration, { out, name: kind, report: true, activations });
          expect(r.int8Graph.tensors[r.int8Graph.inputs[0]!]!.dtype).toBe(activations);
          if (trained) expect(r.quantReport!.sameTopClass!).toBeGreaterThanOrEqual(0.9 * calibration.length);
          const v = await verifyFolder(out, hostTarget, { inputs: 60 });
          expect(v.exact).toBe(60);
        }, 120_000);

        it.skipIf(!HAS_CORTEX)(
          `${label}, ${activations}: C equals the simulator on ${CORES.join(', ')} in QEMU`,
          async () => {
            for (const core of CORES) {
              const v = await verifyFolder(out, cortexTarget(core), { inputs: 8 });
              expect(v.exact, core).toBe(8);
            }
          },
          300_000,
        );
      }
    }
  });
}

describe('stateful GRU', () => {
  it(`carries its state across invokes: a stream of windows on the simulator equals the C on host${HAS_CORTEX ? ' and Cortex-M4' : ''}`, async () => {
    const m = tf.sequential({ name: 'stateful' });
    // Two samples per invoke: a stream, whose earlier samples reach later outputs only through the state.
    m.add(tf.layers.gru({ batchInputShape: [1, 2, FEATURES], units: 8, stateful: true, recurrentActivation: 'sigmoid', name: 'gru' }));
    m.add(tf.layers.dense({ units: 3, name: 'head' }));
    seedWeights(m, 5);
    const dir = join(tmp, 'stateful');
    const calib = calibration.map((w) => w.slice(0, 2 * FEATURES));
    const r = await compileGraph(importLayersModel(m, 'mem.json'), calib, { out: dir, name: 'stateful' });
    const l = lowerGraph(r.int8Graph);
    const frames = Array.from({ length: 5 }, (_, k) => xorshift32Bytes(2 * FEATURES, 40 + k));
    const state = resetState(r.int8Graph);
    const stream = frames.map((x) => Buffer.from(simulateLowered(l, [x], state).outputs[0]!.buffer));
    const fromReset = frames.map((x) => Buffer.from(simulateLowered(l, [x]).outputs[0]!.buffer));
    expect(stream[0]!.equals(fromReset[0]!)).toBe(true);
    expect(stream.slice(1).some((b, k) => !b.equals(fromReset[k + 1]!))).toBe(true);
    const joined = Buffer.concat(frames.map((x) => Buffer.from(x.buffer)));
    for (const t of [hostTarget, ...(HAS_CORTEX ? [cortexTarget('cortex-m4')] : [])]) {
      expect((await t.run(dir, readManifest(dir), joined, {})).outputs.equals(Buffer.concat(stream)), `${t.name} stream`).toBe(true);
      expect((await t.run(dir, readManifest(dir), joined, { resetEach: true })).outputs.equals(Buffer.concat(fromReset)), `${t.name} reset each`).toBe(true);
    }
  }, 300_000);
});

describe('Keras causal Conv1D in model.json', () => {
  it('imports as CausalConv1D: the same float graph as the layer built with causalConv1d', async () => {
    const m = SEQUENCE_MODELS.tcn!();
    seedWeights(m, 3);
    const dir = join(tmp, 'keras_tcn');
    await saveModelToDir(m, dir);
    const path = join(dir, 'model.json');
    const json = JSON.parse(readFileSync(path, 'utf8'));
    let renamed = 0;
    for (const l of json.modelTopology.config.layers) {
      if (l.class_name === 'CausalConv1D') {
        l.class_name = 'Conv1D'; // as Keras writes it
        renamed++;
      }
    }
    expect(renamed).toBe(8);
    writeFileSync(path, JSON.stringify(json));
    const fromKeras = await importTfjsModel(path);
    const w = sequenceTask(1, 9).x[0]!;
    const want = runFloatGraph(importLayersModel(m, 'mem.json'), [w]).outputs[0]!;
    expect(Array.from(runFloatGraph(fromKeras, [w]).outputs[0]!)).toEqual(Array.from(want));
  });
});

if (!HAS_CORTEX) it.skip(`QEMU checks of sequence models skipped: ${CORTEX_SKIP_REASON}`, () => {});
