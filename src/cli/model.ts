/** `edgec compile | simulate | run | verify | inspect`: thin wrappers over the library. */
import { readFileSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { compileModelFile } from '../compile.ts';
import { formatQuantReport } from '../quantize/report.ts';
import { folderInputs, readManifest, sampleBytes, type Manifest } from '../codegen/manifest.ts';
import { fail } from '../diagnostics.ts';
import { dumpGraph } from '../ir/dump.ts';
import { importTfjsModel } from '../import/tfjs.ts';
import { writeFileAtomically } from '../io/atomic.ts';
import { runPasses } from '../passes/index.ts';
import { loadFolderGraph, resetState, simulateLowered } from '../sim/int8.ts';
import { decodeSample, encodeOutputs, formatVerifyReport, verifyFolder } from '../verify/verify.ts';
import { runTarget } from '../verify/targets.ts';

const log = (msg: string) => process.stderr.write(`${msg}\n`);

/** What one sample is, for messages: e.g. "96 x int16" or "49 x int8 + 10 x int8". */
function sampleShape(m: Manifest): string {
  return folderInputs(m)
    .map((io) => `${io.size} x ${io.dtype ?? 'int8'}`)
    .join(' + ');
}

/** The input file as whole samples (every input's bytes back to back, little-endian). */
function readInputFile(path: string, m: Manifest): Buffer {
  const size = sampleBytes(folderInputs(m));
  const what = sampleShape(m);
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    fail('E-RUN-INPUT', 'cli', `cannot read input: ${(e as Error).message}`, { file: path });
  }
  if (buf.length === 0 || buf.length % size !== 0) {
    fail('E-RUN-INPUT', 'cli', `${buf.length} bytes is not a whole number of inputs of ${size} bytes (${what})`, { file: path });
  }
  return buf;
}

/** Which library runs each layer of a cmsis-nn folder (ops CMSIS-NN lacks run portable kernels). */
function formatPlacement(m: Manifest): string {
  const lines = [`  backend cmsis-nn (scratch sized for ${m.cmsisNn?.target}, ${m.cmsisNn?.path} path):`];
  for (const s of m.steps) lines.push(`    ${(s.library ?? 'portable').padEnd(9)} ${s.kernel.padEnd(36)} ${s.layer} (${s.op})`);
  return lines.join('\n') + '\n';
}

export function registerModelCommands(program: Command): void {
  program
    .command('compile <model>')
    .description('compile a TensorFlow.js model.json (with --calib) or an int8 .tflite to C in --out DIR')
    .requiredOption('--out <dir>', 'output folder (written atomically)')
    .option('--calib <file>', 'calibration windows: float32 .bin or JSON array of arrays')
    .option('--name <name>', 'model name (C prefix); default: from the model')
    .option('--observer <kind>', 'calibration observer: minmax | percentile', 'minmax')
    .option('--backend <name>', 'kernel library: portable | cmsis-nn (needs CMSIS_NN_DIR; ops CMSIS-NN lacks use portable kernels)', 'portable')
    .option('--target <name>', 'cmsis-nn: the target whose CMSIS-NN code path sizes the scratch buffers (host, cortex-m0plus/m3: plain C; m4/m7/m33: DSP; m55: MVE)', 'cortex-m4')
    .action(async (model: string, opts: { out: string; calib?: string; name?: string; observer: string; backend: string; target: string }) => {
      if (opts.observer !== 'minmax' && opts.observer !== 'percentile') fail('E-CLI-OPTION', 'cli', `--observer must be minmax or percentile, not '${opts.observer}'`);
      if (opts.backend !== 'portable' && opts.backend !== 'cmsis-nn') fail('E-CLI-OPTION', 'cli', `--backend must be portable or cmsis-nn, not '${opts.backend}'`);
      const r = await compileModelFile(model, opts.calib, {
        out: opts.out,
        name: opts.name,
        observer: opts.observer,
        backend: opts.backend,
        target: opts.target,
        report: true,
        onProgress: (done, total) => {
          if (done === total || done % 50 === 0) log(`calibrating: ${done}/${total} windows`);
        },
      });
      const m = r.manifest;
      process.stdout.write(
        `${r.quantReport ? formatQuantReport(r.quantReport) + '\n' : ''}compiled '${m.name}' -> ${r.dir}\n  weights ${m.weightsBytes} bytes, arena ${m.arenaBytes} bytes (linear ${m.linearArenaBytes}, lower bound ${m.arenaLowerBound})\n  kernels: ${m.kernels.join(', ')}\n${m.backend === 'cmsis-nn' ? formatPlacement(m) : ''}`,
      );
    });

  program
    .command('simulate <dir>')
    .description('run the TS int8 simulator on raw input bytes (one or more samples back to back; each sample is every input of the model in order, little-endian)')
    .requiredOption('--input <file>', 'input bytes')
    .requiredOption('--out <file>', 'output bytes (every output of the model in order, per sample)')
    .option('--reset-each', 'reset the state of a stateful model before every input (default: the inputs are one stream)')
    .action((dir: string, opts: { input: string; out: string; resetEach?: boolean }) => {
      const m = readManifest(dir);
      const buf = readInputFile(opts.input, m);
      const size = sampleBytes(folderInputs(m));
      const lowered = loadFolderGraph(dir);
      const outs: Buffer[] = [];
      let state = resetState(lowered.graph);
      for (let p = 0; p < buf.length; p += size) {
        if (opts.resetEach) state = resetState(lowered.graph);
        outs.push(encodeOutputs(simulateLowered(lowered, decodeSample(m, buf.subarray(p, p + size)), state).outputs));
      }
      writeFileAtomically(opts.out, Buffer.concat(outs));
      log(`simulated ${outs.length} input(s) -> ${opts.out}`);
    });

  program
    .command('run <dir>')
    .description('run the compiled C on raw input bytes (samples as for simulate)')
    .requiredOption('--input <file>', 'input bytes')
    .requiredOption('--out <file>', 'output bytes')
    .option('--target <name>', 'host, or a Cortex-M target (cortex-m3, cortex-m4, cortex-m7, cortex-m33, cortex-m55)', 'host')
    .option('--reset-each', 'reset the state of a stateful model before every input (default: the inputs are one stream)')
    .option('--no-sanitize', 'host: build without AddressSanitizer/UndefinedBehaviorSanitizer (faster; undefined behaviour goes unnoticed)')
    .action(async (dir: string, opts: { input: string; out: string; target: string; resetEach?: boolean; sanitize: boolean }) => {
      const m = readManifest(dir);
      const buf = readInputFile(opts.input, m);
      const { outputs } = await runTarget(opts.target, { sanitize: opts.sanitize }).run(dir, m, buf, { resetEach: opts.resetEach });
      writeFileAtomically(opts.out, outputs);
      log(`ran ${buf.length / sampleBytes(folderInputs(m))} input(s) on ${opts.target} -> ${opts.out}`);
    });

  program
    .command('verify <dir>')
    .description('compare every output byte of the compiled C with the simulator on many inputs (a Cortex-M target also checks the host build: three-way)')
    .option('--target <name>', 'host, or a Cortex-M target (cortex-m3, cortex-m4, cortex-m7, cortex-m33, cortex-m55)', 'host')
    .option('--inputs <n>', 'number of inputs (calibration samples first, then seeded random)', '100')
    .option('--seed <n>', 'seed of the random inputs', '1')
    .option('--json', 'print the report(s) as JSON')
    .option('--no-sanitize', 'host: build without AddressSanitizer/UndefinedBehaviorSanitizer (faster; undefined behaviour goes unnoticed)')
    .action(async (dir: string, opts: { target: string; inputs: string; seed: string; json?: boolean; sanitize: boolean }) => {
      const n = Number(opts.inputs);
      if (!Number.isInteger(n) || n <= 0) fail('E-CLI-OPTION', 'cli', `--inputs must be a positive integer, not '${opts.inputs}'`);
      const targets = opts.target === 'host' ? ['host'] : [opts.target, 'host'];
      const reports = [];
      for (const t of targets) reports.push(await verifyFolder(dir, runTarget(t, { sanitize: opts.sanitize }), { inputs: n, seed: Number(opts.seed), onProgress: log }));
      process.stdout.write((opts.json ? JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2) : reports.map(formatVerifyReport).join('\n')) + '\n');
      process.exitCode = reports.every((r) => r.exact === r.inputs) ? 0 : 1;
    });

  program
    .command('inspect <model-or-dir>')
    .description('print layers, shapes, quantization and the arena plan of a model.json or a generated folder')
    .action(async (path: string) => {
      if (existsSync(path) && statSync(path).isDirectory() && existsSync(join(path, 'manifest.json'))) {
        const m = readManifest(path);
        const l = loadFolderGraph(path);
        process.stdout.write(dumpGraph(l.graph) + '\n');
        process.stdout.write(`\narena ${m.arenaBytes} bytes (linear ${m.linearArenaBytes}, lower bound ${m.arenaLowerBound}); weights ${m.weightsBytes} bytes\n`);
        for (const s of m.steps) process.stdout.write(`  step ${s.index}: ${s.layer} ${s.op} -> ${s.kernel} (${s.outBytes} bytes out)\n`);
        const planPath = join(path, 'plan.txt');
        if (existsSync(planPath)) process.stdout.write('\n' + readFileSync(planPath, 'utf8'));
        return;
      }
      const g = runPasses(await importTfjsModel(path));
      process.stdout.write(dumpGraph(g) + '\n');
    });
}

export function registerBudgetCommand(program: Command): void {
  program
    .command('budget <dir>')
    .description('flash, RAM and executed-instruction budgets of a generated model on Cortex-M targets (QEMU)')
    .option('--target <name>', 'a Cortex-M target, or "all"', 'cortex-m4')
    .option('--json', 'print JSON')
    .action(async (dir: string, opts: { target: string; json?: boolean }) => {
      const { listTargets, loadTarget } = await import('../toolchain/cortex-m.ts');
      const { cmsisTargetMismatch } = await import('../toolchain/model-cortex.ts');
      const { measureBudget, formatBudgets } = await import('../report/budget.ts');
      const m = readManifest(dir);
      const names = opts.target === 'all' ? listTargets() : [opts.target];
      const budgets = [];
      for (const t of names) {
        const mismatch = opts.target === 'all' ? cmsisTargetMismatch(m, loadTarget(t)) : null;
        if (mismatch) {
          log(`skipping ${t}: ${mismatch}`);
          continue;
        }
        log(`measuring ${t} ...`);
        budgets.push(await measureBudget(dir, t));
      }
      const table = formatBudgets(budgets);
      writeFileAtomically(join(dir, opts.target === 'all' ? 'budget.md' : `budget-${opts.target}.md`), `# Budgets of ${readManifest(dir).name}\n\n${table}\n`);
      writeFileAtomically(join(dir, opts.target === 'all' ? 'budget.json' : `budget-${opts.target}.json`), JSON.stringify(budgets.length === 1 ? budgets[0] : budgets, null, 2) + '\n');
      process.stdout.write((opts.json ? JSON.stringify(budgets.length === 1 ? budgets[0] : budgets, null, 2) : table) + '\n');
    });
}
