/**
 * `edgec simulate | run | verify | inspect`: thin wrappers over the library. Paths and option values
 * are checked first (./inputs.ts, ./options.ts); output files follow src/io/atomic.ts: a new file, or
 * an existing regular file only with --force, never a folder, link or device.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { folderInputs, ioElementBytes, sampleBytes } from '../formats/manifest.ts';
import { fail } from '../support/diagnostics.ts';
import { dumpGraph } from '../ir/dump.ts';
import { checkFileOutput, writeFileAtomically } from '../io/atomic.ts';
import { loadFolderGraph, resetState, simulateLowered } from '../sim/int8.ts';
import { decodeSample, encodeOutputs, formatVerifyReport, verifyFolder } from '../verify/verify.ts';
import { runTarget } from '../verify/targets.ts';
import { checkInputFile, checkOutputOutsideFolder, openModelFolder, readSamples } from './inputs.ts';
import { given, notApplicable, parseInteger, parsePositive, parseTarget, type CliContext } from './options.ts';
import { checkTargetFit, targetHelp } from './targets.ts';

const NO_SANITIZE_HELP = 'host: build without AddressSanitizer/UndefinedBehaviorSanitizer (faster; undefined behaviour goes unnoticed)';
const FORCE_FILE_HELP = 'replace an existing --out file (never a folder, link or device)';

interface HostFlags {
  target: string;
  sanitize: boolean;
  timeLimit?: string;
  memoryLimit?: string;
}

/** Host run options: sanitizers and limits; `hostOnly` when no host build runs with a Cortex-M target. */
async function hostOptions(opts: HostFlags, cmd: Command, hostRuns: boolean): Promise<{ target: string; sanitize: boolean; limits: { timeoutMs?: number; memoryMb?: number } }> {
  const target = await parseTarget(opts.target, '--target', ['host']);
  if (!hostRuns) {
    const why = `they apply to the host build, and --target ${target} runs in QEMU`;
    if (given(cmd, 'sanitize')) notApplicable('--no-sanitize', why);
    if (opts.timeLimit !== undefined) notApplicable('--time-limit', why);
    if (opts.memoryLimit !== undefined) notApplicable('--memory-limit', why);
  }
  const limits = {
    ...(opts.timeLimit !== undefined ? { timeoutMs: Math.round(1000 * parsePositive(opts.timeLimit, '--time-limit', 86_400)) } : {}),
    ...(opts.memoryLimit !== undefined ? { memoryMb: parseInteger(opts.memoryLimit, '--memory-limit', 1, 1 << 20) } : {}),
  };
  return { target, sanitize: opts.sanitize, limits };
}

function addHostOptions(c: Command): Command {
  return c
    .option('--no-sanitize', NO_SANITIZE_HELP)
    .option('--time-limit <seconds>', 'host: stop the compiled program after this many seconds (default: 300)')
    .option('--memory-limit <mb>', 'host: stop the compiled program above this many MB of memory (default: 2048)');
}

/** The --out file of simulate/run, checked before any work. */
function checkOutFile(out: string, dir: string, force?: boolean): void {
  checkOutputOutsideFolder(out, dir);
  checkFileOutput(out, { force });
}

/** `verify --stream`: every hop of a long signal against the full-window model, on the target (and the host). */
async function verifyStreamCommand(
  ctx: CliContext,
  dir: string,
  opts: { inputs: string; seed: string; json?: boolean; signal?: string; hops?: string },
  cmd: Command,
  host: { target: string; sanitize: boolean; limits: { timeoutMs?: number; memoryMb?: number } },
): Promise<void> {
  const why = 'verify --stream feeds a signal hop by hop (--signal, --hops)';
  if (given(cmd, 'inputs')) notApplicable('--inputs', why);
  if (given(cmd, 'seed')) notApplicable('--seed', why);
  const m = openModelFolder(dir);
  if (!m.stream) fail('E-STREAM-FOLDER', 'cli', 'not a streaming folder: compile it with --stream HOP', { file: dir });
  const hops = opts.hops === undefined ? 200 : parseInteger(opts.hops, '--hops', 1, 10_000_000);
  const sampleBytes = m.stream.channels * ioElementBytes(m.input);
  let signal: Int8Array | Int16Array | undefined;
  if (opts.signal !== undefined) {
    checkInputFile(opts.signal, 'the signal');
    const bytes = readFileSync(opts.signal);
    if (bytes.length === 0 || bytes.length % sampleBytes !== 0) fail('E-RUN-INPUT', 'cli', `${bytes.length} bytes is not a whole number of samples of ${sampleBytes} bytes`, { file: opts.signal });
    const copy = new Uint8Array(bytes).buffer;
    signal = m.input.dtype === 'int16' ? new Int16Array(copy) : new Int8Array(copy);
  }
  checkTargetFit(ctx, dir, m, host.target);
  const { verifyStream, formatStreamReport } = await import('../verify/stream.ts');
  const targets = host.target === 'host' ? ['host'] : [host.target, 'host'];
  const reports = [];
  for (const t of targets) reports.push(await verifyStream(dir, runTarget(t, { sanitize: host.sanitize, limits: host.limits }), { outputs: hops, signal, onProgress: ctx.log }));
  ctx.out(`${opts.json ? JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2) : reports.map(formatStreamReport).join('\n')}\n`);
  ctx.exitCode = reports.every((r) => r.exact === r.outputs && r.simulatorMismatches === 0) ? 0 : 1;
}

export function registerModelCommands(program: Command, ctx: CliContext): void {
  program
    .command('simulate <dir>')
    .description('run the TS int8 simulator on raw input bytes (one or more samples back to back; each sample is every input of the model in order, little-endian)')
    .requiredOption('--input <file>', 'input bytes')
    .requiredOption('--out <file>', 'output bytes (every output of the model in order, per sample); a new file unless --force')
    .option('--force', FORCE_FILE_HELP)
    .option('--reset-each', 'reset the state of a stateful model before every input (default: the inputs are one stream)')
    .action((dir: string, opts: { input: string; out: string; force?: boolean; resetEach?: boolean }) => {
      const m = openModelFolder(dir);
      const buf = readSamples(opts.input, m);
      checkOutFile(opts.out, dir, opts.force);
      const size = sampleBytes(folderInputs(m));
      const lowered = loadFolderGraph(dir);
      const outs: Buffer[] = [];
      let state = resetState(lowered.graph);
      for (let p = 0; p < buf.length; p += size) {
        if (opts.resetEach) state = resetState(lowered.graph);
        outs.push(encodeOutputs(simulateLowered(lowered, decodeSample(m, buf.subarray(p, p + size)), state).outputs));
      }
      writeFileAtomically(opts.out, Buffer.concat(outs), { force: opts.force });
      ctx.log(`simulated ${outs.length} input(s) -> ${opts.out}`);
    });

  addHostOptions(
    program
      .command('run <dir>')
      .description('run the compiled C on raw input bytes (samples as for simulate)')
      .requiredOption('--input <file>', 'input bytes')
      .requiredOption('--out <file>', 'output bytes; a new file unless --force')
      .option('--force', FORCE_FILE_HELP)
      .option('--target <name>', targetHelp('the core to build and run it for'), 'host')
      .option('--reset-each', 'reset the state of a stateful model before every input (default: the inputs are one stream)'),
  ).action(async (dir: string, opts: HostFlags & { input: string; out: string; force?: boolean; resetEach?: boolean }, cmd: Command) => {
    const host = await hostOptions(opts, cmd, opts.target === 'host');
    const m = openModelFolder(dir);
    const buf = readSamples(opts.input, m);
    checkOutFile(opts.out, dir, opts.force);
    checkTargetFit(ctx, dir, m, host.target);
    const { outputs } = await runTarget(host.target, { sanitize: host.sanitize, limits: host.limits }).run(dir, m, buf, { resetEach: opts.resetEach });
    writeFileAtomically(opts.out, outputs, { force: opts.force });
    ctx.log(`ran ${buf.length / sampleBytes(folderInputs(m))} input(s) on ${host.target} -> ${opts.out}`);
  });

  addHostOptions(
    program
      .command('verify <dir>')
      .description('compare every output byte of the compiled C with the simulator on many inputs (a Cortex-M target also checks the host build: three-way)')
      .option('--target <name>', targetHelp('the core to build and run it for (a Cortex-M core runs in QEMU)'), 'host')
      .option('--inputs <n>', 'number of inputs (calibration samples first, then seeded random)', '100')
      .option('--seed <n>', 'seed of the random inputs (0 to 4294967295)', '1')
      .option('--stream', 'a folder compiled with --stream: push a long signal hop by hop and compare every output with the full-window model on the same window')
      .option('--signal <file>', "--stream: the signal, raw quantized input values (whole samples back to back; default: the folder's sample windows back to back, repeated)")
      .option('--hops <n>', '--stream: outputs to compare, consecutive hops after the window fills (default: 200)')
      .option('--json', 'print the report(s) as JSON'),
  ).action(async (dir: string, opts: HostFlags & { inputs: string; seed: string; json?: boolean; stream?: boolean; signal?: string; hops?: string }, cmd: Command) => {
    // A Cortex-M target also runs the host build, so the host options always apply.
    const host = await hostOptions(opts, cmd, true);
    if (opts.stream) return verifyStreamCommand(ctx, dir, opts, cmd, host);
    if (opts.signal !== undefined) notApplicable('--signal', 'it is the signal of --stream');
    if (opts.hops !== undefined) notApplicable('--hops', 'it counts the hops of --stream');
    const n = parseInteger(opts.inputs, '--inputs', 1, 10_000_000);
    const seed = parseInteger(opts.seed, '--seed', 0, 0xffffffff);
    checkTargetFit(ctx, dir, openModelFolder(dir), host.target);
    const targets = host.target === 'host' ? ['host'] : [host.target, 'host'];
    const reports = [];
    for (const t of targets) reports.push(await verifyFolder(dir, runTarget(t, { sanitize: host.sanitize, limits: host.limits }), { inputs: n, seed, onProgress: ctx.log }));
    ctx.out(`${opts.json ? JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2) : reports.map(formatVerifyReport).join('\n')}\n`);
    ctx.exitCode = reports.every((r) => r.exact === r.inputs) ? 0 : 1;
  });

  program
    .command('inspect <model-or-dir>')
    .description('print layers, shapes, quantization and the arena plan of a model file (model.json, .tflite or ONNX, recognised by content) or a generated folder')
    .action(async (path: string) => {
      if (existsSync(path) && statSync(path).isDirectory()) {
        const m = openModelFolder(path);
        const l = loadFolderGraph(path);
        ctx.out(`${dumpGraph(l.graph)}\n`);
        ctx.out(`\narena ${m.arenaBytes} bytes (linear ${m.linearArenaBytes}, lower bound ${m.arenaLowerBound}); weights ${m.weightsBytes} bytes\n`);
        for (const s of m.steps) ctx.out(`  step ${s.index}: ${s.layer} ${s.op} -> ${s.kernel} (${s.outBytes} bytes out)\n`);
        const planPath = join(path, 'plan.txt');
        if (existsSync(planPath)) ctx.out(`\n${readFileSync(planPath, 'utf8')}`);
        const streamPath = join(path, 'stream.txt');
        if (existsSync(streamPath)) ctx.out(`\n${readFileSync(streamPath, 'utf8')}`);
        return;
      }
      checkInputFile(path, 'the model');
      // Any format, recognised by content; a float graph is shown after the passes, as compile quantizes it.
      const { importModelFile } = await import('../import/model-file.ts');
      const { format, graph, quantized } = await importModelFile(path);
      const { runPasses } = await import('../passes/index.ts');
      ctx.out(`${format}, ${quantized ? 'integer (its own quantization)' : 'float (compile quantizes it with --calib)'}\n${dumpGraph(quantized ? graph : runPasses(graph))}\n`);
    });
}
