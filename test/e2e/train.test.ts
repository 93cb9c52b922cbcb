/**
 * Training for researchers: `edgec train SPEC.ts` and the library API train a small model on a tiny
 * fixture (test/fixtures/train/tiny-spec.ts), and the saved folder compiles and verifies bit-exact.
 * The held-out figures the training reports for the integer model must be those of the compiled C
 * itself (the C's output bytes on the same windows, scored independently here). Plus the pieces:
 * metrics, class weights, seeded initialisation, the QAT twin of any model, spec refusals.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quantizeValues } from '../../src/arith/tensor-quant.ts';
import { compileModelFile } from '../../src/pipeline/compile.ts';
import { PACKAGE_ROOT } from '../../src/support/paths.ts';
import { classWeightsFor } from '../../src/train/class-weights.ts';
import { classificationMetrics, regressionMetrics } from '../../src/train/metrics.ts';
import { fakeQuantRanges, withFakeQuant } from '../../src/train/fake-quant-model.ts';
import { runTrainSpec, type TrainMetrics } from '../../src/train/run-spec.ts';
import { seedWeights } from '../../src/train/seed.ts';
import { argmax, trainModel } from '../../src/train/train.ts';
import { hostTarget } from '../../src/verify/targets.ts';
import { verifyFolder } from '../../src/verify/verify.ts';
import * as tiny from '../fixtures/train/tiny-spec.ts';

const tmp = mkdtempSync(join(tmpdir(), 'edgec-train-'));
const SPEC = join(PACKAGE_ROOT, 'test/fixtures/train/tiny-spec.ts');
const edgec = (...args: string[]) => spawnSync('node', [join(PACKAGE_ROOT, 'bin/edgec.js'), ...args], { encoding: 'utf8', cwd: tmp });

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The compiled folder's C run on the test windows: its output bytes scored against the labels. */
async function scoreCompiledC(dir: string, windows: Float32Array[], labels: number[]) {
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { input: { scale: number; zeroPoint: number } };
  const { scale, zeroPoint } = m.input;
  const samples = windows.map((w) => Buffer.from(quantizeValues(w, scale, zeroPoint).buffer));
  const r = await verifyFolder(dir, hostTarget, { samples, keepOutputs: true });
  const k = r.outputs!.length / windows.length;
  const predicted = windows.map((_, i) => argmax(new Int8Array(r.outputs!.buffer, r.outputs!.byteOffset + i * k, k)));
  return { verify: r, metrics: classificationMetrics(predicted, labels, tiny.labels) };
}

describe('edgec train SPEC.ts', () => {
  it('trains with QAT, saves model + calibration + metrics, prints the compile command; the folder verifies bit-exact and the reported int8 figures are the C`s', async () => {
    const r = edgec('train', SPEC, '--out', 'tiny', '--epochs', '4', '--qat-epochs', '1', '--seed', '3');
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
    expect(r.status).toBe(0);
    // Not a terminal: one plain line per epoch, float then QAT.
    expect(r.stderr.match(/^train epoch +\d\/4 +loss [\d.]+ +acc [\d.]+% +val acc [\d.]+% +val F1 [\d.]+ +[\d.]+ s$/gm)?.length).toBe(4);
    expect(r.stderr.match(/^train epoch +1\/1 /gm)?.length).toBe(1);
    for (const f of ['model.json', 'weights.bin', 'calibration.f32', 'metrics.json']) expect(existsSync(join(tmp, 'tiny', f))).toBe(true);
    expect(r.stdout).toContain('int8 model in the simulator (held-out');
    const next = r.stdout.match(/^next: npx edgec (compile .*)$/m);
    expect(next?.[1]).toBe('compile tiny/model.json --calib tiny/calibration.f32 --out generated/tiny_waves');

    // The printed command, as a user would run it (output redirected to a scratch folder).
    const c = edgec(...next![1]!.replace('generated/tiny_waves', 'tiny_c').split(' '));
    expect(c.status).toBe(0);
    const metrics = JSON.parse(readFileSync(join(tmp, 'tiny', 'metrics.json'), 'utf8')) as TrainMetrics;
    expect(metrics.seed).toBe(3);
    expect(metrics.float.history.length).toBe(4);
    expect(metrics.qat?.epochs).toBe(1);
    const test = tiny.data({ seed: 3 }).test;
    const scored = await scoreCompiledC(join(tmp, 'tiny_c'), test.x, test.y);
    expect(scored.verify.exact).toBe(test.x.length);
    expect(scored.metrics.confusion).toEqual((metrics.test!.integer as { confusion: number[][] }).confusion);
  });

  it('the same seed gives the same metrics and weights; another seed does not', () => {
    const a = edgec('train', SPEC, '--out', 's1', '--epochs', '2', '--seed', '5');
    const b = edgec('train', SPEC, '--out', 's2', '--epochs', '2', '--seed', '5');
    const c = edgec('train', SPEC, '--out', 's3', '--epochs', '2', '--seed', '6');
    expect([a.status, b.status, c.status]).toEqual([0, 0, 0]);
    const w = (d: string) => readFileSync(join(tmp, d, 'weights.bin'));
    expect(w('s1').equals(w('s2'))).toBe(true);
    expect(w('s1').equals(w('s3'))).toBe(false);
  });

  it('refuses bad specs and options with one located error, no stack trace, nothing written', () => {
    writeFileSync(join(tmp, 'no-data.ts'), 'export function model() { return null; }\n');
    writeFileSync(join(tmp, 'short.ts'), `export { model, labels } from ${JSON.stringify(SPEC)};\nexport function data() { return { train: { x: [new Float32Array(3)], y: [0] } }; }\n`);
    writeFileSync(join(tmp, 'label.ts'), `export { model, labels } from ${JSON.stringify(SPEC)};\nexport function data() { return { train: { x: [new Float32Array(64)], y: [7] } }; }\n`);
    writeFileSync(join(tmp, 'throws.ts'), `export { model } from ${JSON.stringify(SPEC)};\nexport function data() { throw new Error('no such recording'); }\n`);
    writeFileSync(join(tmp, 'syntax.ts'), 'export function model( {\n');
    const cases: [string[], RegExp][] = [
      [['no-data.ts'], /^error E-TRAIN-SPEC \[train\] no-data\.ts, field 'data': the spec must export a function `data\(ctx\)`/],
      [['short.ts'], /^error E-TRAIN-SPEC \[train\] short\.ts, field 'data\(\)\.train\.x\[0\]': window has 3 values; the model's input has 64/],
      [['label.ts'], /^error E-TRAIN-SPEC \[train\] label\.ts, field 'data\(\)\.train\.y\[0\]': label 7 is not a class index in 0\.\.2/],
      [['throws.ts'], /^error E-TRAIN-SPEC \[train\] throws\.ts: training failed: no such recording/],
      [['syntax.ts'], /^error E-TRAIN-SPEC \[train\] syntax\.ts: the spec module failed to load/],
      [['missing.ts'], /^error E-TRAIN-SPEC \[train\] missing\.ts: no such file/],
      [[SPEC, '--epochs', '0'], /^error E-CLI-OPTION \[cli\] field '--epochs': --epochs must be a whole number above 0/],
    ];
    for (const [args, message] of cases) {
      const r = edgec('train', ...args, '--out', 'refused');
      expect(r.status, args.join(' ')).toBe(1);
      expect(
        r.stderr
          .trim()
          .split('\n')
          .filter((l) => l.startsWith('error')).length,
        r.stderr,
      ).toBe(1);
      expect(
        r.stderr.split('\n').find((l) => l.startsWith('error')),
        r.stderr,
      ).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(join(tmp, 'refused'))).toBe(false);
    }
  });

  it('never replaces a folder it did not save', () => {
    writeFileSync(join(tmp, 'precious.txt'), 'mine');
    const r = edgec('train', SPEC, '--out', '.', '--epochs', '1');
    expect(r.status).toBe(1);
    expect(readFileSync(join(tmp, 'precious.txt'), 'utf8')).toBe('mine');
  });
});

describe('the training API', () => {
  it('runTrainSpec + compileModelFile: the folder verifies bit-exact and scores what the spec run reported', async () => {
    const run = await runTrainSpec(tiny, { out: join(tmp, 'api'), specFile: 'tiny-spec.ts', epochs: 3, qatEpochs: 1, seed: 2 });
    expect(run.qatModel).toBeDefined();
    expect(fakeQuantRanges(run.qatModel!).every((r) => r.min <= r.max)).toBe(true);
    const compiled = await compileModelFile(join(tmp, 'api', 'model.json'), join(tmp, 'api', 'calibration.f32'), { out: join(tmp, 'api_c') });
    const test = tiny.data({ seed: 2 }).test;
    const scored = await scoreCompiledC(join(tmp, 'api_c'), test.x, test.y);
    expect(scored.verify.exact).toBe(test.x.length);
    expect(scored.metrics.confusion).toEqual((run.metrics.test!.integer as { confusion: number[][] }).confusion);
    expect(compiled.int8Graph.meta.labels).toEqual(tiny.labels);
  });

  it('int16 QAT: fake-quant layers on the int16 grid, compiled with --activations int16, bit-exact, the reported figures the C`s', async () => {
    const spec16 = { ...tiny, training: { ...tiny.training, activations: 'int16' as const } };
    const run = await runTrainSpec(spec16, { out: join(tmp, 'api16'), specFile: 'tiny-spec.ts', epochs: 2, qatEpochs: 1, seed: 4 });
    expect(run.compileCommand).toMatch(/--activations int16$/);
    expect(run.metrics.test!.activations).toBe('int16');
    await compileModelFile(join(tmp, 'api16', 'model.json'), join(tmp, 'api16', 'calibration.f32'), { out: join(tmp, 'api16_c'), activations: 'int16' });
    const test = tiny.data({ seed: 4 }).test;
    const m = JSON.parse(readFileSync(join(tmp, 'api16_c', 'manifest.json'), 'utf8')) as { input: { scale: number; zeroPoint: number } };
    const samples = test.x.map((w) => {
      const q = quantizeValues(w, m.input.scale, m.input.zeroPoint, 'int16');
      return Buffer.from(q.buffer, q.byteOffset, q.byteLength);
    });
    const r = await verifyFolder(join(tmp, 'api16_c'), hostTarget, { samples, keepOutputs: true });
    expect(r.exact).toBe(test.x.length);
    const out = new Int16Array(r.outputs!.buffer.slice(r.outputs!.byteOffset, r.outputs!.byteOffset + r.outputs!.length));
    const predicted = test.x.map((_, i) => {
      const o = [...out.subarray(i * 3, i * 3 + 3)];
      return o.indexOf(Math.max(...o));
    });
    expect(classificationMetrics(predicted, test.y, tiny.labels).confusion).toEqual((run.metrics.test!.integer as { confusion: number[][] }).confusion);
  });

  it('trainModel: regression on numeric targets, early stopping on MAE, best weights restored', async () => {
    const m = tf.sequential();
    m.add(tf.layers.dense({ inputShape: [4], units: 8, activation: 'relu' }));
    m.add(tf.layers.dense({ units: 1 }));
    seedWeights(m, 1);
    const x = Array.from({ length: 200 }, (_, i) => Float32Array.from([Math.sin(i), Math.cos(i), (i % 7) / 7, (i % 3) / 3]));
    const y = x.map((v) => 2 * v[0]! - v[2]! + 0.5);
    const r = await trainModel(m, { x: x.slice(0, 160), y: y.slice(0, 160) }, { x: x.slice(160), y: y.slice(160) }, { task: 'regression', epochs: 30, learningRate: 0.02, seed: 1, patience: 3 });
    expect(r.bestValMae).toBeLessThan(0.2);
    expect(r.history.every((h) => h.valMae !== undefined && h.accuracy === undefined)).toBe(true);
    const pred = (m.predict(tf.tensor2d(Float32Array.from(x.slice(160).flatMap((v) => [...v])), [40, 4])) as tf.Tensor).dataSync();
    expect(
      regressionMetrics(
        [...pred].map((p) => [p]),
        y.slice(160),
      ).mae,
    ).toBeCloseTo(r.bestValMae!, 5);
  });
});

describe('training pieces', () => {
  it('classificationMetrics: precision, recall, F1 and confusion by hand', () => {
    // truth  0 0 0 1 1 2 ; predicted 0 0 1 1 2 2
    const m = classificationMetrics([0, 0, 1, 1, 2, 2], [0, 0, 0, 1, 1, 2], ['a', 'b', 'c']);
    expect(m.confusion).toEqual([
      [2, 1, 0],
      [0, 1, 1],
      [0, 0, 1],
    ]);
    expect(m.accuracy).toBeCloseTo(4 / 6, 12);
    expect(m.perClass.map((c) => [c.precision, c.recall])).toEqual([
      [1, 2 / 3],
      [1 / 2, 1 / 2],
      [1 / 2, 1],
    ]);
    expect(m.perClass[0]!.f1).toBeCloseTo(0.8, 12);
    expect(m.macroF1).toBeCloseTo((0.8 + 0.5 + 2 / 3) / 3, 12);
  });

  it('class weights: balanced as scikit-learn defines it, sqrt-balanced, explicit lists checked', () => {
    expect(classWeightsFor('balanced', [0, 0, 0, 1], 3)).toEqual([4 / 9, 4 / 3, 0]);
    expect(classWeightsFor('sqrt-balanced', [0, 0, 0, 1], 2)).toEqual([Math.sqrt(4 / 6), Math.sqrt(2)]);
    expect(() => classWeightsFor([1, -1], [0], 2)).toThrow(/non-negative/);
  });

  it('seeded initialisation: same seed same weights, whatever seeds the layers had', () => {
    const build = () => {
      const m = tf.sequential();
      m.add(tf.layers.conv1d({ inputShape: [16, 2], filters: 4, kernelSize: 3 }));
      m.add(tf.layers.gru({ units: 3 }));
      m.add(tf.layers.dense({ units: 2 }));
      return m;
    };
    const a = build();
    const b = build();
    const c = build();
    seedWeights(a, 7);
    seedWeights(b, 7);
    seedWeights(c, 8);
    const flat = (m: tf.LayersModel) => m.getWeights().flatMap((w) => [...w.dataSync()]);
    expect(flat(a)).toEqual(flat(b));
    expect(flat(a)).not.toEqual(flat(c));
  });

  it('withFakeQuant: fake-quant after the input and each requantized layer, none before a folded BatchNormalization or after softmax; same function before training', async () => {
    const input = tf.input({ shape: [16, 3] });
    const c1 = tf.layers.conv1d({ filters: 4, kernelSize: 3, padding: 'same', name: 'c1' }).apply(input) as tf.SymbolicTensor;
    const bn = tf.layers.batchNormalization({ name: 'bn' }).apply(c1) as tf.SymbolicTensor;
    const r = tf.layers.activation({ activation: 'relu', name: 'r' }).apply(bn) as tf.SymbolicTensor;
    const c2 = tf.layers.conv1d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'c2' }).apply(r) as tf.SymbolicTensor;
    const add = tf.layers.add({ name: 'add' }).apply([r, c2]) as tf.SymbolicTensor;
    const pool = tf.layers.maxPooling1d({ poolSize: 2, name: 'pool' }).apply(add) as tf.SymbolicTensor;
    const gap = tf.layers.globalAveragePooling1d({ name: 'gap' }).apply(pool) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 2, activation: 'softmax', name: 'out' }).apply(gap) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out });
    const twin = await withFakeQuant(model, { bits: 16 });
    const fq = twin.layers.filter((l) => l.getClassName() === 'EdgecFakeQuant').map((l) => l.name.replace(/_fq$/, ''));
    expect(fq).toEqual([model.inputs[0]!.name.split('/')[0], 'r', 'c2', 'add', 'gap']);
    expect(twin.layers.filter((l) => l.getClassName() === 'EdgecFakeQuant').every((l) => (l.getConfig() as { bits: number }).bits === 16)).toBe(true);
    const x = tf.randomNormal([3, 16, 3], 0, 1, 'float32', 1);
    expect([...(twin.predict(x) as tf.Tensor).dataSync()]).toEqual([...(model.predict(x) as tf.Tensor).dataSync()]);
  });
});
