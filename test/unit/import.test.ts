/**
 * tfjs import + passes + float interpreter against tfjs itself. Each model is built in memory with
 * seeded weights, saved with edgec's save handler, imported from disk, run through the passes (graph
 * verified between passes) and the float interpreter, and compared with model.predict within float
 * tolerance (1e-4 relative: both are float32 computations, in different orders). Then the errors:
 * every unsupported layer in one error, and located diagnostics for broken files.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { EdgecError } from '../../src/support/diagnostics.ts';
import { fileLoadHandler, fileSaveHandler, saveModelToDir } from '../../src/import/tfjs-io.ts';
import { separableConv1d, zeroPadding1d } from '../../src/import/tfjs-keras-layers.ts';
import { importLayersModel, importTfjsModel } from '../../src/import/tfjs.ts';
import type { Graph, OpKind } from '../../src/ir/graph.ts';
import { runPasses } from '../../src/passes/index.ts';
import { removeIdentity } from '../../src/passes/remove-identity.ts';
import { runFloatGraph } from '../../src/sim/float.ts';
import { functionalModel, windows } from '../support/models.ts';
import { PACKAGE_ROOT } from '../../src/support/paths.ts';

const tmp = mkdtempSync(join(tmpdir(), 'edgec-import-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const init = (seed: number) => tf.initializers.glorotUniform({ seed });
const uniform = (seed: number, minval: number, maxval: number) => tf.initializers.randomUniform({ minval, maxval, seed });
let folders = 0;

function expectClose(a: ArrayLike<number>, b: ArrayLike<number>) {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(b[i]!)));
}

/** Save -> import from disk -> passes (verified) -> float interpreter == model.predict on 3 windows. */
async function roundTrip(model: tf.LayersModel, shape: number[]): Promise<Graph> {
  const dir = join(tmp, `m${folders++}`);
  await saveModelToDir(model, dir);
  const g = runPasses(await importTfjsModel(join(dir, 'model.json')), { verify: true });
  const size = shape.reduce((a, b) => a * b, 1);
  for (const w of windows(3, size)) {
    const want = tf.tidy(() => (model.predict(tf.tensor(w, [1, ...shape])) as tf.Tensor).dataSync());
    const run = runFloatGraph(g, [w]);
    expectClose(run.outputs[0]!, want);
    // Calibration observes every activation: each op output is recorded with its tensor's size.
    for (const o of g.ops) expect(run.tensors.get(o.outputs[0]!)?.length).toBe(g.tensors[o.outputs[0]!]!.shape.reduce((a, b) => a * b, 1));
  }
  model.dispose();
  return g;
}

const kinds = (g: Graph): OpKind[] => g.ops.map((o) => o.kind);
const op = (g: Graph, name: string) => g.ops.find((o) => o.name === name)!;

describe('tfjs import matches model.predict', () => {
  it('Conv1D: same (odd and even kernels), valid, strides, dilation; GlobalMaxPooling1D', async () => {
    const m = tf.sequential();
    m.add(tf.layers.conv1d({ name: 'same5', inputShape: [20, 3], filters: 4, kernelSize: 5, padding: 'same', activation: 'relu', kernelInitializer: init(1) }));
    m.add(tf.layers.conv1d({ name: 'same4', filters: 4, kernelSize: 4, padding: 'same', biasInitializer: uniform(2, -1, 1), kernelInitializer: init(2) }));
    m.add(tf.layers.conv1d({ name: 'stride', filters: 5, kernelSize: 3, strides: 2, padding: 'same', kernelInitializer: init(3) }));
    m.add(tf.layers.conv1d({ name: 'valid', filters: 5, kernelSize: 3, strides: 2, padding: 'valid', useBias: false, kernelInitializer: init(4) }));
    m.add(tf.layers.conv1d({ name: 'dilated', filters: 4, kernelSize: 3, dilationRate: 2, padding: 'same', activation: 'tanh', kernelInitializer: init(5) }));
    m.add(tf.layers.globalMaxPooling1d({ name: 'gmp' }));
    const g = await roundTrip(m, [20, 3]);
    expect(g.tensors[g.inputs[0]!]!.shape).toEqual([1, 1, 20, 3]);
    expect(op(g, 'same4').attrs).toMatchObject({ padding: { top: 0, bottom: 0, left: 1, right: 2 } });
    expect(op(g, 'gmp').attrs).toMatchObject({ filter: { h: 1, w: 4 } });
    expect(kinds(g)).toEqual(['conv2d', 'conv2d', 'conv2d', 'conv2d', 'conv2d', 'tanh', 'max_pool2d']);
  });

  it('SeparableConv1D (the Keras class) with depth multiplier, stride, dilation and causal padding', async () => {
    const m = tf.sequential();
    m.add(
      separableConv1d({
        name: 'sep',
        inputShape: [15, 3],
        filters: 5,
        kernelSize: 3,
        strides: 2,
        padding: 'same',
        depthMultiplier: 2,
        depthwiseInitializer: init(7),
        pointwiseInitializer: init(8),
        biasInitializer: uniform(9, -1, 1),
      }),
    );
    m.add(
      separableConv1d({
        name: 'sep2',
        filters: 4,
        kernelSize: 3,
        dilationRate: 2,
        padding: 'causal',
        activation: 'relu6',
        useBias: false,
        depthwiseInitializer: init(10),
        pointwiseInitializer: init(11),
      }),
    );
    m.add(tf.layers.dense({ name: 'per_step', units: 3, kernelInitializer: init(27) })); // Dense on [N, T, C]: per time step
    m.add(tf.layers.flatten({}));
    const g = await roundTrip(m, [15, 3]);
    expect(kinds(g)).toEqual(['depthwise_conv2d', 'conv2d', 'depthwise_conv2d', 'conv2d', 'fully_connected', 'reshape']);
    expect(g.tensors[op(g, 'sep/depthwise').inputs[1]!]!.shape).toEqual([1, 1, 3, 6]);
    expect(g.tensors[op(g, 'sep/pointwise').inputs[1]!]!.shape).toEqual([5, 1, 1, 6]);
    expect(op(g, 'sep2/pointwise').attrs).toMatchObject({ activation: 'relu6' });
  });

  it('Conv2D, DepthwiseConv2D with multiplier, 2-D max/average pools, GlobalMaxPooling2D, Dense', async () => {
    const m = tf.sequential();
    m.add(tf.layers.conv2d({ inputShape: [9, 8, 3], filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init(12) }));
    m.add(tf.layers.depthwiseConv2d({ kernelSize: [2, 3], depthMultiplier: 2, padding: 'same', depthwiseInitializer: init(13), biasInitializer: uniform(14, -1, 1) }));
    m.add(tf.layers.averagePooling2d({ poolSize: 2, strides: 1, padding: 'same' }));
    m.add(tf.layers.maxPooling2d({ poolSize: [2, 3], padding: 'valid' }));
    m.add(tf.layers.globalMaxPooling2d({}));
    m.add(tf.layers.dense({ units: 2, kernelInitializer: init(15) }));
    const g = await roundTrip(m, [9, 8, 3]);
    expect(kinds(g)).toEqual(['conv2d', 'depthwise_conv2d', 'avg_pool2d', 'max_pool2d', 'max_pool2d', 'fully_connected']);
  });

  it('BatchNormalization folds into Conv1D (through a reshape), DepthwiseConv2D and Dense', async () => {
    const bn = (name: string, seed: number, extra: Record<string, unknown> = {}) =>
      tf.layers.batchNormalization({
        name,
        gammaInitializer: uniform(seed, 0.5, 1.5),
        betaInitializer: uniform(seed + 1, -0.5, 0.5),
        movingMeanInitializer: uniform(seed + 2, -0.5, 0.5),
        movingVarianceInitializer: uniform(seed + 3, 0.5, 2),
        ...extra,
      });
    const m = tf.sequential();
    m.add(tf.layers.conv1d({ name: 'conv', inputShape: [12, 4], filters: 6, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: init(16) }));
    m.add(tf.layers.reshape({ targetShape: [1, 12, 6] }));
    m.add(bn('bn1', 20));
    m.add(tf.layers.reLU({}));
    m.add(tf.layers.depthwiseConv2d({ name: 'dw', kernelSize: [1, 3], depthMultiplier: 2, depthwiseInitializer: init(17) }));
    m.add(bn('bn2', 30, { center: false }));
    m.add(tf.layers.flatten({}));
    m.add(tf.layers.dense({ name: 'fc', units: 3, kernelInitializer: init(18) }));
    m.add(bn('bn3', 40, { scale: false, epsilon: 0.01 }));
    m.add(tf.layers.softmax({}));
    const g = await roundTrip(m, [12, 4]);
    expect(kinds(g)).toEqual(['conv2d', 'depthwise_conv2d', 'reshape', 'fully_connected', 'softmax']);
    expect(op(g, 'conv').attrs).toMatchObject({ activation: 'relu' });
    expect(op(g, 'conv').inputs[2]).toBeGreaterThanOrEqual(0); // a bias was created for the fold
  });

  it('1-D pools (same/valid, strides), GlobalAveragePooling1D, activations as options and as layers', async () => {
    const m = tf.sequential();
    m.add(tf.layers.maxPooling1d({ name: 'maxp', inputShape: [17, 4], poolSize: 3, strides: 2, padding: 'same' }));
    m.add(tf.layers.averagePooling1d({ name: 'avgp', poolSize: 2, padding: 'same' }));
    m.add(tf.layers.reLU({ name: 'pool_relu' }));
    m.add(tf.layers.conv1d({ name: 'c', filters: 6, kernelSize: 2, activation: 'sigmoid', kernelInitializer: init(19) }));
    m.add(tf.layers.averagePooling1d({ name: 'avgv', poolSize: 2, strides: 1, padding: 'valid' }));
    m.add(tf.layers.globalAveragePooling1d({ name: 'gap' }));
    m.add(tf.layers.dense({ name: 'd1', units: 6, kernelInitializer: init(20) }));
    m.add(tf.layers.activation({ name: 'a_relu6', activation: 'relu6' }));
    m.add(tf.layers.dense({ name: 'd2', units: 6, activation: 'relu', kernelInitializer: init(21) }));
    m.add(tf.layers.activation({ name: 'a_tanh', activation: 'tanh' }));
    m.add(tf.layers.reLU({ name: 'capped', maxValue: 0.5 }));
    m.add(tf.layers.activation({ name: 'a_linear', activation: 'linear' }));
    m.add(tf.layers.dense({ name: 'd3', units: 4, activation: 'softmax', kernelInitializer: init(22) }));
    const g = await roundTrip(m, [17, 4]);
    expect(kinds(g)).toEqual(['max_pool2d', 'avg_pool2d', 'conv2d', 'logistic', 'avg_pool2d', 'mean_hw', 'fully_connected', 'fully_connected', 'tanh', 'relu', 'fully_connected', 'softmax']);
    expect(op(g, 'avgp').attrs).toMatchObject({ activation: 'relu' });
    expect(op(g, 'd1').attrs).toMatchObject({ activation: 'relu6' });
    expect(op(g, 'capped').attrs).toEqual({ max: 0.5 }); // a cap other than 6 stays a standalone op
  });

  it('functional: residual Add, Concatenate, ZeroPadding2D, strides, dilation, Flatten + Dense, Dropout removed', async () => {
    const g = await roundTrip(functionalModel(), [24, 4]);
    expect(kinds(g)).toEqual(['conv2d', 'conv2d', 'add', 'pad', 'conv2d', 'avg_pool2d', 'conv2d', 'concat', 'reshape', 'fully_connected']);
    expect(g.ops.some((o) => o.name === 'drop')).toBe(false);
  });

  it('functional: ZeroPadding1D (the Keras class), Concatenate along time, Add of three, ReLU after the input stays', async () => {
    const x = tf.input({ shape: [10, 3], name: 'x' });
    const apply = (l: tf.layers.Layer, t: tf.SymbolicTensor | tf.SymbolicTensor[]) => l.apply(t) as tf.SymbolicTensor;
    const r = apply(tf.layers.reLU({ name: 'in_relu' }), x);
    const p = apply(zeroPadding1d({ name: 'pad1d', padding: [1, 2] }), r);
    const c = apply(tf.layers.conv1d({ name: 'c', filters: 3, kernelSize: 4, kernelInitializer: init(23) }), p);
    const d = apply(tf.layers.dropout({ name: 'drop', rate: 0.3 }), c);
    const sum = apply(tf.layers.add({ name: 'sum3' }), [x, d, c]);
    const cat = apply(tf.layers.concatenate({ name: 'cat_t', axis: 1 }), [sum, x]);
    const out = apply(tf.layers.dense({ name: 'out', units: 2, kernelInitializer: init(24) }), apply(tf.layers.flatten({}), cat));
    const g = await roundTrip(tf.model({ inputs: x, outputs: out }), [10, 3]);
    expect(kinds(g)).toEqual(['relu', 'pad', 'conv2d', 'add', 'add', 'concat', 'reshape', 'fully_connected']);
    expect(op(g, 'pad1d').attrs).toEqual({ padding: { top: 0, bottom: 0, left: 1, right: 2 } });
    expect(op(g, 'cat_t').attrs).toMatchObject({ axis: -2 });
  });

  it('an in-memory model imports without saving, and the load handler serves tfjs', async () => {
    const dir = join(tmp, 'handler');
    const m = functionalModel();
    await saveModelToDir(m, dir);
    const loaded = await tf.loadLayersModel(fileLoadHandler(join(dir, 'model.json')));
    const g = runPasses(importLayersModel(loaded, 'memory'), { verify: true });
    const w = windows(1, 96)[0]!;
    const want = tf.tidy(() => (m.predict(tf.tensor(w, [1, 24, 4])) as tf.Tensor).dataSync());
    expectClose(runFloatGraph(g, [w]).outputs[0]!, want);
    loaded.dispose();
    m.dispose();
  });
});

describe('determinism', () => {
  it('the same model.json imports to the same graph however many models the process loaded before', async () => {
    const path = join(PACKAGE_ROOT, 'examples/har/model/model.json');
    const first = JSON.stringify(await importTfjsModel(path, 'har'));
    await importTfjsModel(path, 'har');
    expect(JSON.stringify(await importTfjsModel(path, 'har'))).toBe(first);
  });
});

describe('save handler and passes', () => {
  it('saves model.json + weights.bin only, replacing an older folder, with no temporary left behind', async () => {
    const dir = join(tmp, 'saved');
    await saveModelToDir(functionalModel(), dir, { edgecName: 'first' });
    await saveModelToDir(functionalModel(), dir, { edgecName: 'second', edgecLabels: ['a', 'b', 'c'] });
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
    expect(readdirSync(tmp).filter((f) => f.includes('saved'))).toEqual(['saved']);
    const g = await importTfjsModel(join(dir, 'model.json'));
    expect(g.name).toBe('second');
    expect(g.meta.labels).toEqual(['a', 'b', 'c']);
    // A save that fails half-way (weights.bin written, model.json not) leaves the old folder as it was.
    const broken = fileSaveHandler(dir).save!({ modelTopology: { bad: 1n } as unknown as object, weightSpecs: [], weightData: new ArrayBuffer(8) });
    await expect(broken).rejects.toThrow(/BigInt/);
    expect(readdirSync(tmp).filter((f) => f.includes('saved'))).toEqual(['saved']);
    expect((await importTfjsModel(join(dir, 'model.json'))).name).toBe('second');
  });

  it('removeIdentity drops same-shape reshapes and zero pads, and collapses reshape chains', () => {
    const m = tf.sequential();
    m.add(tf.layers.dense({ name: 'd', inputShape: [6], units: 6, kernelInitializer: init(25) }));
    m.add(tf.layers.reshape({ name: 'same', targetShape: [6] }));
    m.add(tf.layers.reshape({ name: 'r1', targetShape: [2, 3] }));
    m.add(tf.layers.reshape({ name: 'r2', targetShape: [1, 2, 3] }));
    m.add(tf.layers.zeroPadding2d({ name: 'nopad', padding: 0 }));
    m.add(tf.layers.flatten({ name: 'back' }));
    const g = removeIdentity(importLayersModel(m, 'memory'));
    expect(g.ops.map((o) => o.name)).toEqual(['d', 'back']);
    const w = windows(1, 6)[0]!;
    const want = tf.tidy(() => (m.predict(tf.tensor(w, [1, 6])) as tf.Tensor).dataSync());
    expectClose(runFloatGraph(g, [w]).outputs[0]!, want);
  });

  it('a batch norm that cannot fold is reported as unsupported, all of them in one error', () => {
    const m = tf.sequential();
    m.add(tf.layers.batchNormalization({ name: 'bn_in', inputShape: [8, 2] }));
    m.add(tf.layers.conv1d({ name: 'c', filters: 2, kernelSize: 3, activation: 'relu' }));
    m.add(tf.layers.batchNormalization({ name: 'bn_relu' }));
    const e = catchError(() => runPasses(importLayersModel(m, 'mem.json')));
    expect(e.diagnostics.map((d) => [d.code, d.location?.layer])).toEqual([
      ['E-IMPORT-LAYER', 'bn_in'],
      ['E-IMPORT-LAYER', 'bn_relu'],
    ]);
    expect(e.message).toMatch(/bn_relu.*'c' applies relu/);
  });
});

function catchError(f: () => unknown): EdgecError {
  try {
    f();
  } catch (e) {
    if (e instanceof EdgecError) return e;
    throw e;
  }
  throw new Error('expected an EdgecError');
}

async function importError(path: string): Promise<EdgecError> {
  try {
    await importTfjsModel(path);
  } catch (e) {
    if (e instanceof EdgecError) return e;
    throw e;
  }
  throw new Error('expected an EdgecError');
}

/** A saved copy of a small model whose model.json is then edited. */
// biome-ignore lint/suspicious/noExplicitAny: the tests edit model.json's nested fields freely
async function savedModel(name: string, edit?: (json: Record<string, any>) => void): Promise<string> {
  const m = tf.sequential();
  m.add(tf.layers.conv1d({ name: 'conv', inputShape: [8, 2], filters: 3, kernelSize: 3, kernelInitializer: init(26) }));
  m.add(tf.layers.batchNormalization({ name: 'bn' }));
  m.add(tf.layers.globalAveragePooling1d({ name: 'gap' }));
  m.add(tf.layers.dense({ name: 'head', units: 2 }));
  const dir = join(tmp, name);
  await saveModelToDir(m, dir);
  m.dispose();
  const p = join(dir, 'model.json');
  if (edit) {
    const json = JSON.parse(readFileSync(p, 'utf8'));
    edit(json);
    writeFileSync(p, JSON.stringify(json));
  }
  return p;
}

describe('import errors: one located diagnostic, no stack trace', () => {
  it('lists every unsupported layer and option of an in-memory model in one error', async () => {
    const m = tf.sequential();
    m.add(tf.layers.conv1d({ inputShape: [16, 2], filters: 2, kernelSize: 3, name: 'ok_conv' }));
    m.add(tf.layers.permute({ dims: [2, 1], name: 'up' }));
    m.add(tf.layers.lstm({ units: 3, activation: 'relu', name: 'rnn' })); // the integer kernels compute tanh
    m.add(tf.layers.dense({ units: 2, name: 'head', activation: 'elu' }));
    m.add(tf.layers.reshape({ targetShape: [2, 1] }));
    m.add(tf.layers.conv1d({ filters: 2, kernelSize: 2, padding: 'causal', name: 'causal' })); // tfjs cannot run it
    const e = catchError(() => importLayersModel(m, 'mem.json'));
    expect(e.diagnostics.map((d) => [d.code, d.stage, d.location?.layer])).toEqual([
      ['E-IMPORT-LAYER', 'import', 'up'],
      ['E-IMPORT-OPTION', 'import', 'rnn'],
      ['E-IMPORT-OPTION', 'import', 'head'],
      ['E-IMPORT-OPTION', 'import', 'causal'],
    ]);
    expect(e.message).toContain('Permute');
    expect(e.message).toContain("LSTM with activation 'relu' (the integer kernels compute tanh)");
    expect(e.message).toContain("activation 'elu'");
    expect(e.message).toContain("padding 'causal'");
    expect(e.message).toContain('causalConv1d');
    // The same from disk, through the model.json check; there the causal Conv1D loads as CausalConv1D.
    const dir = join(tmp, 'unsupported');
    await saveModelToDir(m, dir);
    const fromDisk = await importError(join(dir, 'model.json'));
    expect(fromDisk.diagnostics.map((d) => d.location?.layer)).toEqual(['up', 'rnn', 'head']);
    expect(fromDisk.diagnostics[0]!.location?.file).toBe(join(dir, 'model.json'));
  });

  it('layer classes tfjs cannot build are still listed together, before tfjs sees them', async () => {
    const p = await savedModel('unknown', (json) => {
      json.modelTopology.config.layers[1].class_name = 'TFOpLambda';
      json.modelTopology.config.layers[2].class_name = 'Lambda';
      json.modelTopology.config.layers[0].config.data_format = 'channels_first';
    });
    const e = await importError(p);
    expect(e.diagnostics.map((d) => [d.code, d.location?.layer])).toEqual([
      ['E-IMPORT-OPTION', 'conv'],
      ['E-IMPORT-LAYER', 'bn'],
      ['E-IMPORT-LAYER', 'gap'],
    ]);
    expect(e.message).toContain('TFOpLambda');
  });

  it('a truncated weights.bin names the file and the sizes', async () => {
    const p = await savedModel('truncated');
    const bin = join(tmp, 'truncated', 'weights.bin');
    truncateSync(bin, 40);
    const e = await importError(p);
    expect(e.diagnostics).toHaveLength(1);
    expect(e.diagnostics[0]).toMatchObject({ code: 'E-TFJS-WEIGHTS', stage: 'import', location: { file: bin } });
    expect(e.message).toMatch(/truncated.*describes \d+ bytes but the file has 40/);
    expect(e.message).not.toContain('\n');
    expect(e.message).not.toContain('    at ');
  });

  it('a missing weights file names the file', async () => {
    const p = await savedModel('nobin');
    rmSync(join(tmp, 'nobin', 'weights.bin'));
    const e = await importError(p);
    expect(e.diagnostics[0]).toMatchObject({ code: 'E-TFJS-WEIGHTS', location: { file: join(tmp, 'nobin', 'weights.bin') } });
  });

  it('a model.json that is not JSON names the file', async () => {
    const p = await savedModel('notjson');
    writeFileSync(p, '{"format": "layers-model", ');
    const e = await importError(p);
    expect(e.diagnostics[0]).toMatchObject({ code: 'E-TFJS-JSON', stage: 'import', location: { file: p } });
    expect(e.message).not.toContain('\n');
  });

  it('a model.json without modelTopology names the file and the field', async () => {
    const p = await savedModel('notopology', (json) => delete json.modelTopology);
    const e = await importError(p);
    expect(e.diagnostics[0]).toMatchObject({ code: 'E-TFJS-FIELD', stage: 'import', location: { file: p, field: 'modelTopology' } });
    expect(e.message).toContain("field 'modelTopology'");
  });

  it("a layer without its config names the file, the field and the layer's class", async () => {
    const p = await savedModel('noconfig', (json) => delete json.modelTopology.config.layers[1].config);
    const e = await importError(p);
    expect(e.diagnostics[0]).toMatchObject({ code: 'E-TFJS-FIELD', location: { file: p, field: 'modelTopology.config.layers[1].config' } });
    expect(e.message).toContain('BatchNormalization');
  });

  it('a weight entry without a shape names the manifest field', async () => {
    const p = await savedModel('noshape', (json) => delete json.weightsManifest[0].weights[2].shape);
    const e = await importError(p);
    expect(e.diagnostics[0]).toMatchObject({ code: 'E-TFJS-FIELD', location: { file: p, field: 'weightsManifest[0].weights[2]' } });
  });
});
