/**
 * `edgec report DIR --out report.html`: the evidence report of a generated folder, one
 * self-contained HTML page and its JSON twin (report.json beside it, or --json-out), both checked
 * before the verification and budget runs (a refused output costs nothing).
 *
 * Outputs follow src/io/atomic.ts: a new file, or an earlier report (recognised by content) replaced
 * atomically; another file only with --force; never a folder, link or device, never a file the
 * report reads, and never a file of the model folder that is not an earlier report (not even with
 * --force). Nothing is written into the model folder unless --out or --json-out points there.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import type { Command } from 'commander';
import { fail } from '../support/diagnostics.ts';
import { checkFileOutput, writeFileAtomically, type OutputOptions } from '../io/atomic.ts';
import { folderInputs } from '../formats/manifest.ts';
import { targetFit } from '../targets/fit.ts';
import { DEFAULT_TARGET, HOST, listTargets, loadTarget } from '../targets/targets.ts';
import { checkInputFile, openModelFolder } from './inputs.ts';
import { parseInteger, parseTarget, type CliContext } from './options.ts';

interface ReportFlags {
  out: string;
  jsonOut?: string;
  targets?: string;
  date?: string;
  inputs: string;
  seed: string;
  model?: string;
  calib?: string;
  data?: string;
  dataLabels?: string;
  conformance: string[];
  force?: boolean;
}

const HTML_MARK = '<!DOCTYPE html>\n<!-- edgec-report/1:';

/** An earlier report: the page starts with our mark, the JSON has our format. */
function isReportFile(abs: string): boolean {
  try {
    const text = readFileSync(abs, 'utf8');
    if (text.startsWith(HTML_MARK)) return true;
    return (JSON.parse(text) as { format?: unknown }).format === 'edgec-report/1';
  } catch {
    return false;
  }
}

/** YYYY-MM-DD, a real calendar day. */
function parseDate(value: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (!d || d.toISOString().slice(0, 10) !== value) fail('E-CLI-OPTION', 'cli', `--date must be a day written YYYY-MM-DD, not '${value}'`, { field: '--date' });
  return value;
}

function today(): string {
  const d = new Date();
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
}

const within = (child: string, parent: string) => {
  const r = relative(parent, child);
  return r === '' || (r !== '..' && !r.startsWith(`..${sep}`) && !r.startsWith(sep));
};

/** The shard files model.json lists (already checked by the import), for hashing. */
function modelWeightFiles(modelJson: string): string[] {
  const json = JSON.parse(readFileSync(modelJson, 'utf8')) as { weightsManifest?: { paths?: unknown[] }[] };
  return (json.weightsManifest ?? []).flatMap((g) => (g.paths ?? []).filter((p): p is string => typeof p === 'string').map((p) => join(dirname(modelJson), p)));
}

export function registerReportCommand(program: Command, ctx: CliContext): void {
  program
    .command('report <dir>')
    .description('an evidence report of a generated folder: one self-contained HTML page (model card, hashes, toolchain, verification, quantization, budgets with charts) and its JSON twin')
    .requiredOption('--out <file>', 'the HTML page to write (a new file, or an earlier report)')
    .option('--json-out <file>', 'the JSON twin (default: --out with .json in place of .html)')
    .option('--targets <list>', `where to verify, comma-separated: host and Cortex-M targets (${listTargets().join(', ')}); budgets on the Cortex-M ones (default: host and the folder's core)`)
    .option('--date <YYYY-MM-DD>', "the report's date (default: today); the only field that differs between two runs")
    .option('--inputs <n>', 'verification inputs per target (calibration samples first, then seeded random)', '100')
    .option('--seed <n>', 'seed of the random verification inputs (0 to 4294967295)', '1')
    .option('--model <file>', 'the float model the folder was compiled from (tfjs model.json, float .tflite or ONNX, recognised by content): per-layer SQNR and float accuracy')
    .option('--calib <file>', 'with --model: calibration windows (float32 .f32/.bin or JSON), for the SQNR and to check the model quantizes to this graph')
    .option('--data <file>', 'labelled float windows for accuracy: {"x": [[...]], "y": [...]} JSON, or X.npy with --data-labels Y.npy')
    .option('--data-labels <file>', 'with a .npy --data: the class index of each window (.npy)')
    .option('--conformance <file>', 'output of `edgec conformance --backend B --json` to summarise (repeatable)', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--force', 'replace --out/--json-out files that are not earlier reports (never a file of the model folder or one the report reads)')
    .action(async (dir: string, opts: ReportFlags) => {
      // Everything is checked before the (slow) verification and budget runs.
      const m = openModelFolder(dir);
      const date = opts.date === undefined ? today() : parseDate(opts.date);
      const inputs = parseInteger(opts.inputs, '--inputs', 1, 1_000_000);
      const seed = parseInteger(opts.seed, '--seed', 0, 0xffffffff);
      const targets = opts.targets === undefined ? [HOST, m.target && m.target !== HOST ? m.target : DEFAULT_TARGET] : opts.targets.split(',').map((t) => t.trim());
      for (const t of targets) await parseTarget(t, '--targets', [HOST]);
      if (new Set(targets).size !== targets.length) fail('E-CLI-OPTION', 'cli', `--targets names a target twice (${targets.join(',')})`, { field: '--targets' });
      for (const t of targets.filter((x) => x !== HOST)) {
        const fit = targetFit(m, loadTarget(t));
        if (fit && 'refused' in fit) fail('E-CMSIS-NN-TARGET', 'toolchain', fit.refused, { file: dir });
      }
      if (opts.calib !== undefined && opts.model === undefined) fail('E-CLI-OPTION', 'cli', '--calib goes with --model (the float model it calibrates)', { field: '--calib' });
      if (opts.dataLabels !== undefined && opts.data === undefined) fail('E-CLI-OPTION', 'cli', '--data-labels goes with --data', { field: '--data-labels' });
      const given = [
        ...(opts.model ? [{ path: opts.model, what: 'the float model' }] : []),
        ...(opts.calib ? [{ path: opts.calib, what: 'the calibration windows' }] : []),
        ...(opts.data ? [{ path: opts.data, what: 'the labelled windows' }] : []),
        ...(opts.dataLabels ? [{ path: opts.dataLabels, what: 'the labels' }] : []),
        ...opts.conformance.map((path) => ({ path, what: 'the conformance report' })),
      ];
      for (const g of given) checkInputFile(g.path, g.what);
      // Any float model, recognised by content (tfjs model.json, float .tflite, float ONNX); an integer file holds none.
      const { importModelFile, needsCalibration } = await import('../import/model-file.ts');
      if (opts.model && !(await needsCalibration(opts.model)))
        fail('E-CLI-INPUT', 'cli', '--model takes the float model the folder was compiled from (tfjs model.json, float .tflite or ONNX); this one is already quantized', { file: opts.model });

      const jsonOut = opts.jsonOut ?? `${extname(opts.out).toLowerCase() === '.html' ? opts.out.slice(0, -5) : opts.out}.json`;
      if (resolve(jsonOut) === resolve(opts.out)) fail('E-CLI-OPTION', 'cli', '--json-out and --out name the same file', { field: '--json-out' });
      const folder = resolve(dir);
      // Inside the model folder only a new file or an earlier report: the folder's own files are never replaced.
      const outputOptions = (out: string): OutputOptions => (within(resolve(out), folder) ? { isOwnOutput: isReportFile } : { force: opts.force, isOwnOutput: isReportFile });
      for (const out of [opts.out, jsonOut]) {
        const reads = given.find((g) => resolve(g.path) === resolve(out));
        if (reads) fail('E-OUT-INPUT', 'cli', `refusing to write ${out}: it is ${reads.what}, which this command reads (not even with --force)`, { file: out });
        checkFileOutput(out, outputOptions(out));
      }

      const { collectEvidence } = await import('../report/evidence/collect.ts');
      const { hashFile } = await import('../report/evidence/hashes.ts');
      const windowSize = folderInputs(m)[0]!.size;
      let float: Parameters<typeof collectEvidence>[0]['float'];
      const inputFiles = [];
      if (opts.model) {
        ctx.log(`importing ${opts.model} ...`);
        const { format, graph: imported } = await importModelFile(opts.model);
        inputFiles.push(hashFile(opts.model), ...(format === 'tfjs' ? modelWeightFiles(opts.model) : []).map((f) => hashFile(f)));
        const calibration = opts.calib ? (await import('../pipeline/compile.ts')).readCalibrationFile(opts.calib, windowSize) : undefined;
        if (opts.calib) inputFiles.push(hashFile(opts.calib));
        float = { imported, file: opts.model, ...(calibration && opts.calib ? { calibration, calibrationFile: opts.calib } : {}) };
      }
      let data: Parameters<typeof collectEvidence>[0]['data'];
      if (opts.data) {
        const { readLabelledWindows } = await import('../report/evidence/labelled-data.ts');
        const labels = m.labels && m.labels.length === m.output.size ? m.labels : null;
        data = { file: opts.data, windows: readLabelledWindows(opts.data, opts.dataLabels, windowSize, m.output.size, labels) };
        inputFiles.push(hashFile(opts.data), ...(opts.dataLabels ? [hashFile(opts.dataLabels)] : []));
      }
      inputFiles.push(...opts.conformance.map((f) => hashFile(f)));

      const command = [
        `edgec report ${dir}`,
        `--targets ${targets.join(',')}`,
        `--inputs ${inputs}`,
        `--seed ${seed}`,
        ...(opts.model ? [`--model ${opts.model}`] : []),
        ...(opts.calib ? [`--calib ${opts.calib}`] : []),
        ...(opts.data ? [`--data ${opts.data}`] : []),
        ...(opts.dataLabels ? [`--data-labels ${opts.dataLabels}`] : []),
        ...opts.conformance.map((f) => `--conformance ${f}`),
        `--out ${opts.out}`,
        ...(opts.jsonOut ? [`--json-out ${opts.jsonOut}`] : []),
      ].join(' ');
      const report = await collectEvidence({
        dir,
        date,
        targets,
        inputs,
        seed,
        conformanceFiles: opts.conformance,
        float,
        data,
        inputFiles,
        exclude: [opts.out, jsonOut],
        command,
        onProgress: ctx.log,
      });
      ctx.log('drawing the charts ...');
      const { renderCharts } = await import('../report/evidence/charts.ts');
      const { renderReportPage } = await import('../report/evidence/page.ts');
      const html = renderReportPage(report, await renderCharts(report));
      writeFileAtomically(jsonOut, `${JSON.stringify(report, null, 2)}\n`, outputOptions(jsonOut));
      writeFileAtomically(opts.out, html, outputOptions(opts.out));
      const verdict = report.verification.map((v) => `${v.target} ${v.result === 'not run' ? 'not run' : `${v.exact}/${v.inputs} ${v.result}`}`).join(', ');
      ctx.out(`wrote ${opts.out} and ${jsonOut} (${basename(dir)}: ${verdict})\n`);
      ctx.exitCode = report.verification.every((v) => v.result !== 'mismatch') ? 0 : 1;
    });
}
