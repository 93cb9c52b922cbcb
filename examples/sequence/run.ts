/**
 * Sequence models on WISDM (the HAR example's data, subject 1604 held out): a GRU and a TCN of causal
 * dilated convolutions, trained with tfjs on the CPU, quantized (post-training) to int8 and to int16
 * activations, compiled to C, verified bit-exact on the host and on Cortex-M4 in QEMU, with float vs
 * integer accuracy on the held-out subject and the instructions each executes on Cortex-M4.
 *
 *   npx tsx examples/sequence/run.ts [--epochs 15] [--inputs 200] [--only gru|tcn]
 *
 * Output folders: build/sequence/<model>[_int16]/ (C) and build/sequence/<model>-model/ (model.json).
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ACTIVITIES, CHANNELS } from '../../src/data/wisdm.ts';
import { importLayersModel } from '../../src/import/tfjs.ts';
import { causalConv1d } from '../../src/import/tfjs-keras-layers.ts';
import { saveModelToDir } from '../../src/import/tfjs-io.ts';
import { compileGraph } from '../../src/pipeline/compile.ts';
import { formatQuantReport, quantizationReport } from '../../src/quantize/report.ts';
import { measureBudget } from '../../src/report/budget.ts';
import { PACKAGE_ROOT } from '../../src/support/paths.ts';
import { registerFastKernels } from '../../src/train/kernels/index.ts';
import { accuracy, trainClassifier } from '../../src/train/train.ts';
import { cortexTarget, hostTarget } from '../../src/verify/targets.ts';
import { formatVerifyReport, verifyFolder } from '../../src/verify/verify.ts';
import { harData, WINDOW } from '../har/train.ts';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const epochs = Number(flag('--epochs', '15'));
const verifyInputs = Number(flag('--inputs', '200'));
const only = flag('--only', '');
const log = (s: string) => process.stdout.write(`${s}\n`);

// Seeded initializers: the same weights before training on every run.
const glorot = (seed: number) => tf.initializers.glorotUniform({ seed });

/** A GRU over 0.2 s averages of the window (tfjs's default hard-sigmoid gates). */
function gruModel(): tf.LayersModel {
  const m = tf.sequential({ name: 'wisdm_gru' });
  m.add(tf.layers.averagePooling1d({ inputShape: [WINDOW, CHANNELS], poolSize: 4, name: 'average' }));
  m.add(tf.layers.gru({ units: 24, name: 'gru', kernelInitializer: glorot(1), recurrentInitializer: tf.initializers.orthogonal({ gain: 1, seed: 2 }) }));
  m.add(tf.layers.dense({ units: ACTIVITIES.length, activation: 'softmax', name: 'head', kernelInitializer: glorot(3) }));
  return m;
}

/** A TCN: causal convolutions with dilations 1-2-4-8 (receptive field 31 samples), then global pooling. */
function tcnModel(): tf.LayersModel {
  const m = tf.sequential({ name: 'wisdm_tcn' });
  m.add(tf.layers.averagePooling1d({ inputShape: [WINDOW, CHANNELS], poolSize: 2, name: 'average' }));
  for (const d of [1, 2, 4, 8]) m.add(causalConv1d({ filters: 16, kernelSize: 3, dilationRate: d, activation: 'relu', name: `causal_d${d}`, kernelInitializer: glorot(10 + d) }));
  m.add(tf.layers.globalAveragePooling1d({ name: 'pool' }));
  m.add(tf.layers.dense({ units: ACTIVITIES.length, activation: 'softmax', name: 'head', kernelInitializer: glorot(4) }));
  return m;
}

interface Row {
  name: string;
  activations: 'int8' | 'int16';
  floatAccuracy: number;
  int8Accuracy: number;
  host: string;
  m4: string;
  instructions: number;
  code: number;
  weights: number;
  arena: number;
}

/** Quantizes, compiles, verifies and measures the trained model with int8 or int16 activations. */
async function compileAndMeasure(name: string, model: tf.LayersModel, data: ReturnType<typeof harData>, activations: 'int8' | 'int16'): Promise<Row> {
  log(`== ${name}: quantize (${activations}, ${data.calibration.length} calibration windows) and compile ==`);
  const out = join(PACKAGE_ROOT, `build/sequence/${name}${activations === 'int16' ? '_int16' : ''}`);
  const r = await compileGraph(importLayersModel(model, `${name}/model.json`), data.calibration, { out, name, labels: [...ACTIVITIES], force: true, activations });
  const q = quantizationReport(r.floatGraph, r.int8Graph, data.test.x, data.test.y);
  log(formatQuantReport(q));
  const host = await verifyFolder(out, hostTarget, { inputs: verifyInputs });
  log(formatVerifyReport(host));
  const m4 = await verifyFolder(out, cortexTarget('cortex-m4'), { inputs: Math.min(verifyInputs, 50) });
  log(formatVerifyReport(m4));
  const budget = await measureBudget(out, 'cortex-m4');
  return {
    name,
    activations,
    floatAccuracy: q.floatAccuracy!,
    int8Accuracy: q.int8Accuracy!,
    host: `${host.exact}/${host.inputs}`,
    m4: `${m4.exact}/${m4.inputs}`,
    instructions: budget.instructions.total ?? 0,
    code: budget.flash.code,
    weights: r.manifest.weightsBytes,
    arena: r.manifest.arenaBytes,
  };
}

async function run(name: string, build: () => tf.LayersModel): Promise<Row[]> {
  const data = harData(1, log);
  log(`\n== ${name}: training (tfjs, CPU) ==`);
  const model = build();
  await trainClassifier(model, data.fit, data.val, { epochs, seed: 1, learningRate: 0.003, log });
  const tfjsAccuracy = accuracy(model, data.test);
  await saveModelToDir(model, join(PACKAGE_ROOT, `build/sequence/${name}-model`), { edgecName: name, edgecLabels: [...ACTIVITIES] }, { force: true });
  log(`tfjs float accuracy ${(100 * tfjsAccuracy).toFixed(1)}%`);
  return [await compileAndMeasure(name, model, data, 'int8'), await compileAndMeasure(name, model, data, 'int16')];
}

async function main(): Promise<void> {
  await tf.setBackend('cpu');
  registerFastKernels();
  const rows: Row[] = [];
  if (!only || only === 'gru') rows.push(...(await run('wisdm_gru', gruModel)));
  if (!only || only === 'tcn') rows.push(...(await run('wisdm_tcn', tcnModel)));
  log('\n== summary (held-out subject 1604; instructions executed on Cortex-M4 in QEMU, not cycles) ==');
  log('model       type    float   integer  host bit-exact  M4 bit-exact  M4 instructions  code B  weights B  arena B');
  for (const r of rows) {
    log(
      `${r.name.padEnd(11)} ${r.activations.padEnd(6)} ${(100 * r.floatAccuracy).toFixed(1).padStart(5)}%  ${(100 * r.int8Accuracy).toFixed(1).padStart(6)}%  ${r.host.padStart(14)}  ${r.m4.padStart(12)}  ${r.instructions.toLocaleString('en-US').padStart(15)}  ${String(r.code).padStart(6)}  ${String(r.weights).padStart(9)}  ${String(r.arena).padStart(7)}`,
    );
  }
  const exact = (passed: string) => passed.split('/')[0] === passed.split('/')[1];
  const bad = rows.filter((r) => !exact(r.host) || !exact(r.m4));
  if (bad.length) {
    log(`not bit-exact: ${bad.map((r) => r.name).join(', ')}`);
    process.exitCode = 1;
  }
}

await main();
