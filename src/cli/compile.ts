/**
 * `edgec compile`: every option and path is checked before the pipeline runs (a refused --out or a
 * bad value costs nothing), then the library compiles and writes the folder atomically.
 */
import { existsSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { Command } from 'commander';
import type { Manifest } from '../formats/manifest.ts';
import { fail } from '../support/diagnostics.ts';
import { safeText } from '../support/sanitize.ts';
import { checkFolderOutput } from '../io/atomic.ts';
import { DEFAULT_LIMITS } from '../validate/validate.ts';
import { checkInputFile, checkOutputAvoidsInputs } from './inputs.ts';
import { given, notApplicable, parseChoice, parseInteger, parseTarget, type CliContext } from './options.ts';
import { targetHelp } from './targets.ts';
import { DEFAULT_TARGET, HOST } from '../targets/targets.ts';
import { IO_MODES } from '../codegen/io-placement.ts';
import { WEIGHTS_MODES } from '../codegen/weights-blob.ts';

const OBSERVERS = ['minmax', 'percentile'] as const;
const BACKENDS = ['portable', 'cmsis-nn'] as const;

interface CompileFlags {
  out: string;
  calib?: string;
  name?: string;
  observer?: string;
  backend: string;
  target?: string;
  force?: boolean;
  maxArenaBytes?: string;
  maxWeightsBytes?: string;
  io?: string;
  weights?: string;
  activations?: string;
  int16Layers?: string;
  stream?: string;
}

const ACTIVATION_TYPES = ['int8', 'int16'] as const;

/** Which library runs each layer of a cmsis-nn folder (ops CMSIS-NN lacks run portable kernels). */
function formatPlacement(m: Manifest): string {
  const lines = [`  backend cmsis-nn (scratch sized for ${m.target}, ${m.cmsisNn?.path} path):`];
  for (const s of m.steps) lines.push(`    ${(s.library ?? 'portable').padEnd(9)} ${s.kernel.padEnd(36)} ${s.layer} (${s.op})`);
  return `${lines.join('\n')}\n`;
}

/** What a streaming folder computes per push (stream.txt has every layer). */
function formatStream(m: Manifest): string {
  const s = m.stream!;
  const recomputed = s.layers.filter((l) => l.mode === 'whole' && !l.reason?.startsWith('after the time axis')).map((l) => l.layer);
  return `  stream: ${s.hop} samples per push (first output after ${s.fillHops}), state ${s.stateBytes} bytes; ${s.macsPerHop} of the full window's ${s.fullMacs} multiply-accumulates along time per push${recomputed.length ? `; recomputed over the whole window every push: ${recomputed.join(', ')}` : ''} (stream.txt)\n`;
}

/**
 * The model file (a folder holding model.json gets a hint), recognised by content: true for a float
 * model (tfjs, ONNX, float .tflite), which needs --calib; false for an integer .tflite.
 */
async function checkModelPath(model: string): Promise<boolean> {
  if (existsSync(model) && existsSync(join(model, 'model.json'))) {
    fail('E-CLI-INPUT', 'cli', `the model is a folder; pass the model.json inside it (${join(model, 'model.json')})`, { file: model });
  }
  checkInputFile(model, 'the model');
  const { needsCalibration } = await import('../import/model-file.ts');
  return needsCalibration(model);
}

/** A JSON calibration file must parse (the reader in src/pipeline/compile.ts checks the rest). */
function checkCalibration(path: string): void {
  checkInputFile(path, 'the calibration file');
  if (extname(path) !== '.json') return;
  try {
    JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    fail('E-CALIB-FORMAT', 'quantize', `not valid JSON (${(e as Error).message}); expected an array of arrays of numbers`, { file: path });
  }
}

async function compileCommand(ctx: CliContext, model: string, opts: CompileFlags, cmd: Command): Promise<void> {
  const float = await checkModelPath(model);
  if (!float) {
    const why = 'an integer model (int8 .tflite, quantized ONNX) keeps its own quantization (calibration applies to float models: tfjs, float .tflite, float ONNX)';
    if (opts.calib !== undefined) notApplicable('--calib', why);
    if (given(cmd, 'observer')) notApplicable('--observer', why);
    if (given(cmd, 'activations')) notApplicable('--activations', why);
    if (given(cmd, 'int16Layers')) notApplicable('--int16-layers', why);
  } else {
    if (opts.calib === undefined) fail('E-CALIB-MISSING', 'quantize', 'post-training quantization needs real input windows: pass --calib FILE (float32 .bin or .json)', { file: model });
    checkCalibration(opts.calib);
  }
  const observer = parseChoice(opts.observer ?? 'minmax', '--observer', OBSERVERS);
  const activations = parseChoice(opts.activations ?? 'int8', '--activations', ACTIVATION_TYPES);
  const int16Layers = opts.int16Layers === undefined ? [] : opts.int16Layers.split(',').map((l) => l.trim());
  if (int16Layers.some((l) => l === '')) fail('E-CLI-OPTION', 'cli', '--int16-layers takes layer names separated by commas', { field: '--int16-layers' });
  if (int16Layers.length && activations === 'int16')
    fail('E-CLI-OPTION', 'cli', '--int16-layers picks int16 layers of an int8 model; with --activations int16 every layer is int16 already', { field: '--int16-layers' });
  const io = parseChoice(opts.io ?? 'arena', '--io', IO_MODES);
  const weights = parseChoice(opts.weights ?? 'c', '--weights', WEIGHTS_MODES);
  const backend = parseChoice(opts.backend, '--backend', BACKENDS);
  const target = await parseTarget(opts.target ?? DEFAULT_TARGET, '--target', [HOST]);
  if (backend === 'cmsis-nn') (await import('../toolchain/cmsis-nn.ts')).cmsisNnDir();
  if (opts.name !== undefined && opts.name.trim() === '') fail('E-CLI-OPTION', 'cli', '--name must not be empty', { field: '--name' });
  const limits = {
    arenaBytes: opts.maxArenaBytes === undefined ? DEFAULT_LIMITS.arenaBytes : parseInteger(opts.maxArenaBytes, '--max-arena-bytes', 1),
    weightsBytes: opts.maxWeightsBytes === undefined ? DEFAULT_LIMITS.weightsBytes : parseInteger(opts.maxWeightsBytes, '--max-weights-bytes', 1),
  };
  const stream = opts.stream === undefined ? undefined : parseInteger(opts.stream, '--stream', 1, 1 << 20);
  checkFolderOutput(opts.out, { force: opts.force });
  checkOutputAvoidsInputs(opts.out, [{ path: model, what: 'the model' }, ...(opts.calib ? [{ path: opts.calib, what: 'the calibration file' }] : [])]);

  // Loaded here, not at the top: the importers pull in tfjs, which other commands need not pay for.
  const { compileModelFile } = await import('../pipeline/compile.ts');
  const { formatQuantReport } = await import('../quantize/report.ts');

  const r = await compileModelFile(model, opts.calib, {
    out: opts.out,
    name: opts.name,
    observer,
    activations,
    int16Layers,
    backend,
    target,
    io,
    weights,
    force: opts.force,
    limits,
    stream,
    report: true,
    onProgress: (done, total) => {
      if (done === total || done % 50 === 0) ctx.log(`calibrating: ${done}/${total} windows`);
    },
  });
  const m = r.manifest;
  ctx.out(
    `${r.quantReport ? `${formatQuantReport(r.quantReport)}\n` : ''}compiled '${m.name}' for ${m.target} -> ${r.dir}\n  weights ${m.weightsBytes} bytes, arena ${m.arenaBytes} bytes (linear ${m.linearArenaBytes}, lower bound ${m.arenaLowerBound})\n  kernels: ${m.kernels.join(', ')}\n${m.preprocessing?.description ? `  input: ${safeText(m.preprocessing.description, 400)}\n` : ''}${m.backend === 'cmsis-nn' ? formatPlacement(m) : ''}${m.stream ? formatStream(m) : ''}`,
  );
}

export function registerCompile(program: Command, ctx: CliContext): void {
  program
    .command('compile <model>')
    .description('compile a float model (TensorFlow.js model.json, float .tflite, ONNX; with --calib) or an int8 .tflite to C in --out DIR; the format is read from the file, not its name')
    .requiredOption('--out <dir>', 'output folder: created, or replaced if it is empty or an earlier edgec output (written atomically)')
    .option('--force', 'also replace a folder edgec did not write (never ., its parents, home, / or edgec itself)')
    .option('--calib <file>', 'float models: calibration windows, float32 .bin or JSON array of arrays')
    .option('--name <name>', 'model name (C prefix); default: from the model')
    .option('--observer <kind>', 'float models: calibration observer, minmax | percentile (default: minmax)')
    .option('--int16-layers <names>', 'float models: these layers (comma-separated) with int16 activations in an int8 model; requantizations are inserted between types')
    .option('--activations <type>', 'float models: activation type, int8 | int16 ("16x8": int16 activations, int8 weights; for ops with int16 kernels) (default: int8)')
    .option('--backend <name>', 'kernel library: portable | cmsis-nn (needs CMSIS_NN_DIR; ops CMSIS-NN lacks use portable kernels)', 'portable')
    .option(
      '--target <name>',
      `${targetHelp('the core the folder is made for, recorded in manifest.json')}; default: ${DEFAULT_TARGET}. Portable C is the same for every core; cmsis-nn sizes its scratch for the core's CMSIS-NN code path`,
    )
    .option('--io <placement>', 'inputs and outputs inside the arena (arena: least RAM; invoke overwrites the input) or in buffers of their own that invoke never writes (separate); default: arena')
    .option('--weights <where>', 'weight arrays in the C, as const data (c), or in weights.bin, given to the model at run time and checked (blob: external flash, updates); default: c')
    .option('--max-arena-bytes <n>', `refuse a model whose activation arena exceeds n bytes (default: ${DEFAULT_LIMITS.arenaBytes})`)
    .option(
      '--stream <hop>',
      'also emit <name>_stream.h: HOP new samples per call along the time axis, each output equal to the full-window model on the window ending at the newest sample, computing only what the new samples change (see stream.txt)',
    )
    .option('--max-weights-bytes <n>', `refuse a model whose weights exceed n bytes (default: ${DEFAULT_LIMITS.weightsBytes})`)
    .action((model: string, opts: CompileFlags, cmd: Command) => compileCommand(ctx, model, opts, cmd));
}
