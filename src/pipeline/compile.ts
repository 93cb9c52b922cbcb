/**
 * The pipeline as one function, one line per stage:
 *
 *   importModelFile -> runPasses -> calibrateGraph -> quantizeCalibrated -> lowerGraph -> planGraph -> emitPortable
 *
 * `compileGraph` starts from a float graph already in memory (the HAR example trains one);
 * `compileModelFile` starts from a model file on disk of any format (tfjs model.json, .tflite, ONNX,
 * recognised by content): a float model goes through the whole pipeline, an integer .tflite keeps
 * its own quantization. Both write the output folder atomically.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { fail } from '../support/diagnostics.ts';
import type { Graph } from '../ir/graph.ts';
import { assertValidGraph, type GraphLimits } from '../validate/validate.ts';
import { importModelFile } from '../import/model-file.ts';
import { runPasses } from '../passes/index.ts';
import { calibrateGraph, quantizeCalibrated, type QuantizeOptions } from '../quantize/quantize-graph.ts';
import { emitModelFolder, type EmitResult } from '../codegen/emit-folder.ts';
import type { IoMode } from '../codegen/io-placement.ts';
import type { WeightsMode } from '../codegen/weights-blob.ts';
import { quantizationReport, type QuantReport, withInt8Baseline } from '../quantize/report.ts';

export interface CompileOptions extends QuantizeOptions {
  out: string;
  name?: string;
  labels?: string[];
  /** Quantized inputs saved beside the model for `edgec verify` (taken from the calibration set). */
  sampleInputs?: number;
  /** Kernel library of the generated C (default portable), and the target that sizes CMSIS-NN's scratch. */
  backend?: 'portable' | 'cmsis-nn';
  target?: string;
  /** Inputs and outputs inside the arena (default) or in buffers of their own. */
  io?: IoMode;
  /** Weight arrays in the C (default) or in weights.bin. */
  weights?: WeightsMode;
  /** Also compute the per-layer SQNR report on (up to 64 of) the calibration windows. */
  report?: boolean;
  /** Replace an --out folder edgec did not create (never '.', an ancestor of the cwd, home or '/'). */
  force?: boolean;
  /** Caps on arena and weight bytes (default DEFAULT_LIMITS in src/validate/validate.ts). */
  limits?: GraphLimits;
  /** Also emit the streaming API: HOP new samples per call (src/lower/stream-plan.ts). */
  stream?: number;
}

export interface CompileResult extends EmitResult {
  floatGraph: Graph;
  int8Graph: Graph;
  quantReport?: QuantReport;
}

export async function compileGraph(imported: Graph, calibration: readonly Float32Array[], opts: CompileOptions): Promise<CompileResult> {
  assertValidGraph(imported, opts.limits);
  const named: Graph = { ...imported, name: opts.name ?? imported.name, meta: { ...imported.meta, ...(opts.labels ? { labels: opts.labels } : {}) } };
  const floatGraph = runPasses(named);
  const observers = calibrateGraph(floatGraph, calibration, opts);
  const int8Graph = quantizeCalibrated(floatGraph, observers, opts);
  const emitted = await emitModelFolder(int8Graph, opts.out, {
    calibration: calibration.slice(0, opts.sampleInputs ?? 64),
    backend: opts.backend,
    target: opts.target,
    io: opts.io,
    weights: opts.weights,
    force: opts.force,
    limits: opts.limits,
    stream: opts.stream,
  });
  const windows = calibration.slice(0, 64);
  let quantReport = opts.report ? quantizationReport(floatGraph, int8Graph, windows) : undefined;
  if (quantReport && (opts.activations === 'int16' || opts.int16Layers?.length)) {
    // What int16 buys, layer by layer: the same float graph quantized to int8 (not compiled).
    quantReport = withInt8Baseline(quantReport, quantizationReport(floatGraph, quantizeCalibrated(floatGraph, observers, { ...opts, activations: 'int8', int16Layers: [] }), windows));
  }
  return { ...emitted, floatGraph, int8Graph, ...(quantReport ? { quantReport } : {}) };
}

/**
 * Calibration windows from a file: raw little-endian float32 (`.f32` / `.bin`, windows back to back)
 * or JSON (an array of arrays of numbers).
 */
export function readCalibrationFile(path: string, windowSize: number): Float32Array[] {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch (e) {
    fail('E-CALIB-READ', 'quantize', `cannot read calibration data: ${(e as Error).message}`, { file: path });
  }
  let flat: Float32Array;
  if (extname(path) === '.json') {
    let rows: unknown;
    try {
      rows = JSON.parse(raw.toString('utf8'));
    } catch (e) {
      fail('E-CALIB-FORMAT', 'quantize', `not valid JSON (${(e as Error).message.split('\n')[0]})`, { file: path });
    }
    if (!Array.isArray(rows) || !rows.every((r) => Array.isArray(r) && r.every((v) => typeof v === 'number'))) {
      fail('E-CALIB-FORMAT', 'quantize', 'expected a JSON array of arrays of numbers', { file: path });
    }
    const bad = (rows as number[][]).findIndex((r) => r.length !== windowSize);
    if (bad >= 0) fail('E-CALIB-FORMAT', 'quantize', `window ${bad} has ${(rows as number[][])[bad]!.length} values, the model's input has ${windowSize}`, { file: path });
    return (rows as number[][]).map((r) => Float32Array.from(r));
  } else {
    if (raw.length % (4 * windowSize) !== 0) {
      fail('E-CALIB-FORMAT', 'quantize', `${raw.length} bytes is not a whole number of float32 windows of ${windowSize} values`, { file: path });
    }
    flat = new Float32Array(new Uint8Array(raw).buffer);
  }
  const windows: Float32Array[] = [];
  for (let i = 0; i < flat.length; i += windowSize) windows.push(flat.slice(i, i + windowSize));
  return windows;
}

export async function compileModelFile(modelPath: string, calibPath: string | undefined, opts: CompileOptions): Promise<CompileResult> {
  const { graph: imported, quantized } = await importModelFile(modelPath, { name: opts.name, limits: opts.limits });
  if (quantized) {
    // Already int8 (or 16x8) with its own quantization: no passes, no calibration.
    const emitted = await emitModelFolder(imported, opts.out, {
      backend: opts.backend,
      target: opts.target,
      io: opts.io,
      weights: opts.weights,
      force: opts.force,
      limits: opts.limits,
      stream: opts.stream,
    });
    return { ...emitted, floatGraph: imported, int8Graph: imported };
  }
  if (!calibPath) {
    fail('E-CALIB-MISSING', 'quantize', 'post-training quantization needs real input windows: pass --calib FILE (float32 .bin or .json)', { file: modelPath });
  }
  const inputSize = imported.tensors[imported.inputs[0]!]!.shape.reduce((a, b) => a * b, 1);
  const calibration = readCalibrationFile(calibPath, inputSize);
  return compileGraph(imported, calibration, opts);
}
