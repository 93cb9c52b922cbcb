/**
 * `edgec train SPEC.ts --out DIR [--epochs N] [--qat-epochs N] [--seed S]`: trains the model a spec
 * module describes (src/train/spec.ts), saves model.json + weights.bin + calibration.f32 +
 * metrics.json into DIR, prints the held-out figures and the `edgec compile` command that follows.
 * Progress goes to stderr (a bar on a terminal, one line per epoch otherwise); results to stdout.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { EdgecError, fail } from '../support/diagnostics.ts';
import { parseInteger, type CliContext } from './options.ts';

interface TrainCliOptions {
  out: string;
  epochs?: string;
  qatEpochs?: string;
  seed?: string;
  force?: boolean;
}

/** The spec module, loaded (tsx compiles TypeScript on the fly); a failure is located at the file. */
async function loadSpecModule(path: string): Promise<Record<string, unknown>> {
  const abs = resolve(path);
  if (!existsSync(abs)) fail('E-TRAIN-SPEC', 'train', 'no such file', { file: path });
  try {
    // tsImport loads the file as an ES module wherever it lives (a spec outside any package.json
    // with "type": "module" would otherwise be read as CommonJS).
    const { tsImport } = await import('tsx/esm/api');
    return (await tsImport(pathToFileURL(abs).href, import.meta.url)) as Record<string, unknown>;
  } catch (e) {
    return fail('E-TRAIN-SPEC', 'train', `the spec module failed to load: ${(e as Error).message.split('\n')[0]}`, { file: path });
  }
}

export function registerTrainCommand(program: Command, ctx: CliContext): void {
  program
    .command('train <spec>')
    .description('train the model of a spec module (exports model(), data(); see docs/training.md), with QAT, and save it for `edgec compile`')
    .requiredOption('--out <dir>', 'folder for model.json, weights.bin, calibration.f32 and metrics.json')
    .option('--epochs <n>', "float training epochs (default: the spec's training.epochs, else 20)")
    .option('--qat-epochs <n>', "quantization-aware fine-tuning epochs after float training (default: the spec's, else 0)")
    .option('--seed <s>', 'seed of initialisation, shuffling and the validation split', '1')
    .option('--force', 'replace an --out folder edgec did not save')
    .action(async (specPath: string, o: TrainCliOptions) => {
      const epochs = o.epochs === undefined ? undefined : parseInteger(o.epochs, '--epochs', 1, 10000);
      const qatEpochs = o.qatEpochs === undefined ? undefined : parseInteger(o.qatEpochs, '--qat-epochs', 0, 10000);
      const seed = parseInteger(o.seed ?? '1', '--seed', 0, 2 ** 31 - 1);
      const { checkFolderOutput } = await import('../io/atomic.ts');
      const { isSavedModelFolder } = await import('../import/tfjs-io.ts');
      // Refuse a folder that is not ours now, not after an hour of training.
      checkFolderOutput(o.out, { force: o.force, isOwnOutput: isSavedModelFolder });
      const spec = (await import('../train/spec.ts')).checkSpec(await loadSpecModule(specPath), specPath);
      const { runTrainSpec } = await import('../train/run-spec.ts');
      const { trainingProgress } = await import('../train/progress.ts');
      const { formatMetrics } = await import('../train/evaluate.ts');
      const progress = trainingProgress(process.stderr);
      let run: Awaited<ReturnType<typeof runTrainSpec>>;
      try {
        run = await runTrainSpec(spec, { out: o.out, specFile: specPath, epochs, qatEpochs, seed, force: o.force, onBatch: progress.onBatch, onEpoch: progress.onEpoch, log: ctx.log });
      } catch (e) {
        progress.stop();
        if (e instanceof EdgecError) throw e;
        // An exception from the spec's own code (model() or data()): located at the spec.
        return fail('E-TRAIN-SPEC', 'train', `training failed: ${(e as Error).message.split('\n')[0]}`, { file: specPath });
      }
      const m = run.metrics;
      if (m.test) {
        ctx.out(`${formatMetrics('float model (held-out)', m.test.float)}\n`);
        if (m.test.qat) ctx.out(`${formatMetrics('fake-quant model after QAT (held-out)', m.test.qat)}\n`);
        ctx.out(`${formatMetrics(`${m.test.activations} model in the simulator (held-out, what the C computes)`, m.test.integer)}\n`);
      }
      ctx.out(`saved ${run.modelDir}: model.json, weights.bin, calibration.f32, metrics.json\n`);
      ctx.out(`next: ${run.compileCommand}\n`);
    });
}
