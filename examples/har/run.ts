/**
 * The README's main command: train a 1-D CNN on the WISDM smartwatch data (5 activities, accel +
 * gyro, subject-wise split), quantize it to int8, compile it to C, verify the C bit-exact against
 * the simulator, and print accuracy and budgets.
 *
 *   npx tsx examples/har/run.ts [--out DIR] [--inputs N] [--epochs N] [--update-committed-model]
 *   npx tsx examples/har/run.ts --regenerate-golden
 *
 * Training writes the model to build/har-model/ and the C to build/har/ (the committed
 * examples/har/model/ is only replaced with --update-committed-model). With --regenerate-golden the
 * committed model is compiled (no training) into generated/har/, which must come out byte-identical
 * to what is committed.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { saveModelToDir } from '../../src/import/tfjs-io.ts';
import { checkFolderOutput } from '../../src/io/atomic.ts';
import { PACKAGE_ROOT } from '../../src/support/paths.ts';
import { formatQuantReport, quantizationReport, type QuantReport } from '../../src/quantize/report.ts';
import { formatVerifyReport, verifyFolder } from '../../src/verify/verify.ts';
import { cortexTarget, hostTarget } from '../../src/verify/targets.ts';
import { formatBudgets, measureBudget } from '../../src/report/budget.ts';
import { compileHar, MODEL_DIR } from './golden.ts';
import { harPreprocessing, trainHar } from './train.ts';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const regenerate = args.includes('--regenerate-golden');
const outDir = flag('--out', join(PACKAGE_ROOT, regenerate ? 'generated/har' : 'build/har'));
const epochs = Number(flag('--epochs', '12'));
const trainedModelDir = args.includes('--update-committed-model') ? MODEL_DIR : join(PACKAGE_ROOT, 'build/har-model');
const verifyInputs = Number(flag('--inputs', '1000'));
// Quantization-aware fine-tuning epochs after float training (0: post-training quantization only).
const qatEpochs = Number(flag('--qat-epochs', '3'));
const log = (s: string) => process.stdout.write(`${s}\n`);

async function main(): Promise<void> {
  let floatAccuracy: number | undefined;
  let ptqAccuracy: number | undefined;
  let test: { windows: Float32Array[]; labels: number[] } | undefined;
  let modelDir = regenerate ? MODEL_DIR : trainedModelDir;
  // Refuse an --out folder edgec did not write now, not after training.
  checkFolderOutput(outDir);
  if (!regenerate) {
    log('== training (tfjs, CPU) ==');
    const trained = await trainHar({ log, epochs, qatEpochs });
    floatAccuracy = trained.floatAccuracy;
    test = { windows: trained.testWindows, labels: trained.testLabels };
    const calibration = trained.calibrationWindows;
    const flat = new Float32Array(calibration.reduce((a, w) => a + w.length, 0));
    calibration.forEach((w, i) => flat.set(w, i * w.length));
    // The model and its calibration windows in one atomic write. Both folders are the example's own
    // (build/har-model*, or the committed model with --update-committed-model), saved before edgec
    // marked its saves, hence force; the C output (--out) is replaced only if it is edgec's.
    const files = { 'calibration.f32': new Uint8Array(flat.buffer) };
    await saveModelToDir(trained.model, trainedModelDir, { edgecName: 'har', edgecLabels: [...trained.labels], edgecPreprocessing: harPreprocessing(trained.normalization) }, { files, force: true });
    if (trained.qat) {
      // Post-training quantization of the float model, for comparison with the QAT model compiled below.
      const ptq = await compileHar(join(PACKAGE_ROOT, 'build/har-ptq'), undefined, trainedModelDir);
      ptqAccuracy = quantizationReport(ptq.floatGraph, ptq.int8Graph, trained.testWindows, trained.testLabels).int8Accuracy!;
      modelDir = `${trainedModelDir}-qat`;
      await saveModelToDir(trained.qat.model, modelDir, { edgecName: 'har', edgecLabels: [...trained.labels], edgecPreprocessing: harPreprocessing(trained.normalization) }, { files, force: true });
    }
  } else if (!existsSync(join(MODEL_DIR, 'model.json'))) {
    throw new Error(`no committed model in ${MODEL_DIR}; run without --regenerate-golden first`);
  }

  log('== compile (quantize int8, plan, emit C) ==');
  // Compile what was saved, exactly as --regenerate-golden (and the golden test) do.
  const result = await compileHar(
    outDir,
    (d, t) => {
      if (d === t) log(`calibrated on ${t} windows`);
    },
    modelDir,
  );
  const m = result.manifest;
  log(result.planText);

  let quant: QuantReport | undefined;
  if (test) {
    log('== quantization report (held-out subject) ==');
    quant = quantizationReport(result.floatGraph, result.int8Graph, test.windows, test.labels);
    log(formatQuantReport(quant));
  }

  log('== verify on the host (gcc) ==');
  const report = await verifyFolder(outDir, hostTarget, { inputs: verifyInputs, onProgress: log });
  log(formatVerifyReport(report));

  log('\n== verify on cortex-m4 (arm-none-eabi-gcc, QEMU mps2-an386) ==');
  const m4 = await verifyFolder(outDir, cortexTarget('cortex-m4'), { inputs: Math.min(verifyInputs, 200), onProgress: log });
  log(formatVerifyReport(m4));
  log('\n== budgets on cortex-m4 ==');
  const budget = await measureBudget(outDir, 'cortex-m4');
  log(formatBudgets([budget]));

  log('\n== summary ==');
  if (floatAccuracy !== undefined && quant) {
    log(`float accuracy (held-out subject): ${(100 * floatAccuracy).toFixed(1)}%`);
    if (ptqAccuracy !== undefined) {
      log(`int8 accuracy  (held-out subject), post-training quantization: ${(100 * ptqAccuracy).toFixed(1)}%`);
      log(`after ${qatEpochs} epochs of quantization-aware fine-tuning: float ${(100 * quant.floatAccuracy!).toFixed(1)}%, int8 (compiled) ${(100 * quant.int8Accuracy!).toFixed(1)}%`);
    } else log(`int8 accuracy  (held-out subject): ${(100 * quant.int8Accuracy!).toFixed(1)}%`);
  }
  log(`weights: ${m.weightsBytes} bytes (flash); arena: ${m.arenaBytes} bytes (RAM; linear plan ${m.linearArenaBytes}, lower bound ${m.arenaLowerBound})`);
  log(`verification: ${report.exact}/${report.inputs} bit-exact on host, ${m4.exact}/${m4.inputs} on cortex-m4 (QEMU)`);
  log(`cortex-m4: ${budget.instructions.total?.toLocaleString('en-US')} executed instructions per inference (not cycles), code ${budget.flash.code} bytes, stack ${budget.ram.stack} bytes`);
  log(`generated C: ${outDir}${regenerate ? '' : ` (model: ${modelDir})`}`);
  if (report.exact !== report.inputs || m4.exact !== m4.inputs) process.exitCode = 1;
}

main().catch((e: Error) => {
  process.stderr.write(`${e.message}\n`);
  process.exitCode = 1;
});
