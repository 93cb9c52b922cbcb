/**
 * `make ecg`: heartbeat classification on MIT-BIH, end to end. Trains the 1-D CNN of
 * examples/ecg/spec.ts on the DS1 records (float, then quantization-aware fine-tuning), compiles it
 * to C, runs the compiled C on the host over every beat of the held-out DS2 records (and checks each
 * output byte against the simulator), verifies 200 held-out beats on Cortex-M4 in QEMU, and prints
 * accuracy, per-class F1 and budgets.
 *
 *   npx tsx examples/ecg/run.ts [--out DIR] [--epochs N] [--qat-epochs N] [--seed S] [--m4-beats N]
 *
 * Writes the trained model to build/ecg-model/ and the C to build/ecg/ (or --out).
 */
import { join } from 'node:path';
import { quantizeValues } from '../../src/arith/tensor-quant.ts';
import { checkFolderOutput } from '../../src/io/atomic.ts';
import { compileModelFile } from '../../src/pipeline/compile.ts';
import { formatBudgets, measureBudget } from '../../src/report/budget.ts';
import { PACKAGE_ROOT } from '../../src/support/paths.ts';
import { classificationMetrics, formatMetrics, type ClassificationMetrics } from '../../src/train/evaluate.ts';
import { trainingProgress } from '../../src/train/progress.ts';
import { runTrainSpec } from '../../src/train/run-spec.ts';
import { argmax } from '../../src/train/train.ts';
import { seededShuffle } from '../../src/train/shuffle.ts';
import { cortexTarget, hostTarget } from '../../src/verify/targets.ts';
import { formatVerifyReport, verifyFolder } from '../../src/verify/verify.ts';
import { DS2 } from '../../src/data/mitbih.ts';
import * as spec from './spec.ts';

const args = process.argv.slice(2);
const flag = (name: string, fallback?: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const outDir = flag('--out', join(PACKAGE_ROOT, 'build/ecg'))!;
const modelDir = join(PACKAGE_ROOT, 'build/ecg-model');
const seed = Number(flag('--seed', '1'));
const m4Beats = Number(flag('--m4-beats', '200'));
const log = (s: string) => process.stdout.write(`${s}\n`);
const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));

async function main(): Promise<void> {
  const t0 = performance.now();
  checkFolderOutput(outDir);
  const progress = trainingProgress(process.stdout);
  const run = await runTrainSpec(spec, {
    out: modelDir,
    specFile: 'examples/ecg/spec.ts',
    epochs: num(flag('--epochs')),
    qatEpochs: num(flag('--qat-epochs')),
    seed,
    force: true,
    onBatch: progress.onBatch,
    onEpoch: progress.onEpoch,
    log,
  });
  const test = run.metrics.test!;

  log('\n== compile (int8, plan, emit C) ==');
  const compiled = await compileModelFile(join(modelDir, 'model.json'), join(modelDir, 'calibration.f32'), { out: outDir, name: spec.name });
  log(compiled.planText);

  // The held-out beats as the compiled model's input bytes.
  const held = spec.loadSplit(DS2);
  const input = compiled.int8Graph.tensors[compiled.int8Graph.inputs[0]!]!.quant!;
  const samples = held.x.map((w) => {
    const q = quantizeValues(w, input.scale[0]!, input.zeroPoint[0]!);
    return Buffer.from(q.buffer, q.byteOffset, q.byteLength);
  });

  log(`\n== the compiled C on the host (gcc), every held-out beat (${samples.length}) ==`);
  const host = await verifyFolder(outDir, hostTarget, { samples, keepOutputs: true, onProgress: log });
  log(formatVerifyReport(host));
  const classes = spec.labels.length;
  const predicted = samples.map((_, i) => argmax(new Int8Array(host.outputs!.buffer, host.outputs!.byteOffset + i * classes, classes)));
  const compiledMetrics = classificationMetrics(predicted, held.y, spec.labels);
  log(formatMetrics('compiled int8 C on the host (held-out DS2)', compiledMetrics));

  log(`\n== verify on cortex-m4 (arm-none-eabi-gcc, QEMU mps2-an386): ${m4Beats} held-out beats ==`);
  const pick = seededShuffle(samples.length, seed + 5).slice(0, m4Beats);
  const m4 = await verifyFolder(outDir, cortexTarget('cortex-m4'), { samples: pick.map((i) => samples[i]!), onProgress: log });
  log(formatVerifyReport(m4));
  log('\n== budgets on cortex-m4 ==');
  const budget = await measureBudget(outDir, 'cortex-m4');
  log(formatBudgets([budget]));

  log('\n== summary (held-out DS2 records, patients never seen in training) ==');
  const row = (what: string, m: ClassificationMetrics) =>
    `${what.padEnd(30)}${`${(100 * m.accuracy).toFixed(1)}%`.padStart(8)}${m.macroF1.toFixed(3).padStart(9)}${m.perClass.map((c) => c.f1.toFixed(3).padStart(7)).join('')}`;
  log(`${'model'.padEnd(30)}${'accuracy'.padStart(8)}${'macro F1'.padStart(9)}${spec.labels.map((l) => `F1 ${l}`.padStart(7)).join('')}`);
  log(row('float', test.float as ClassificationMetrics));
  if (test.qat) log(row('fake-quant (after QAT)', test.qat as ClassificationMetrics));
  log(row('int8 simulator', test.integer as ClassificationMetrics));
  log(row('int8 compiled C (host)', compiledMetrics));
  const m = compiled.manifest;
  log(`weights: ${m.weightsBytes} bytes (flash); arena: ${m.arenaBytes} bytes (RAM)`);
  log(`verification: ${host.exact}/${host.inputs} held-out beats bit-exact on host, ${m4.exact}/${m4.inputs} on cortex-m4 (QEMU)`);
  log(`cortex-m4: ${budget.instructions.total?.toLocaleString('en-US')} executed instructions per beat (not cycles), code ${budget.flash.code} bytes, stack ${budget.ram.stack} bytes`);
  log(`generated C: ${outDir} (model: ${modelDir}); ${((performance.now() - t0) / 60000).toFixed(1)} min`);
  if (host.exact !== host.inputs || m4.exact !== m4.inputs) process.exitCode = 1;
}

main().catch((e: Error) => {
  process.stderr.write(`${e.message}\n`);
  process.exitCode = 1;
});
