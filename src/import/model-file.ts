/**
 * A model file of any format edgec reads, recognised by its bytes (src/formats/detect.ts), never by
 * its name:
 *
 *   tflite -> importTfliteModel: an integer graph (int8 or 16x8, keeping the file's quantization) or
 *             a float graph (float32 / float16 weights) to calibrate
 *   tfjs   -> importTfjsModel: a float graph to calibrate
 *   onnx   -> importOnnx (./onnx.ts): a float graph, or the int8 graph of a quantized (QDQ / QLinear)
 *             model keeping the file's scales
 *
 * The importers are loaded on demand, so a command reading a .tflite never loads tfjs.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fail } from '../support/diagnostics.ts';
import { detectModelFormat, type ModelFormat } from '../formats/detect.ts';
import { parseTflite, type TfliteModel } from '../formats/tflite-schema.ts';
import type { Graph } from '../ir/graph.ts';
import type { GraphLimits } from '../validate/validate.ts';

export interface ImportedModel {
  format: ModelFormat;
  graph: Graph;
  /** False for a float graph (it needs calibration); true when the file holds its own integer quantization. */
  quantized: boolean;
}

function readModelBytes(path: string): Uint8Array {
  try {
    const b = readFileSync(path);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    return fail('E-MODEL-READ', 'import', `cannot read the model: ${(e as Error).message}`, { file: path });
  }
}

/** A model file's format, its bytes and, for a .tflite, its parsed contents (cheap: no graph is built). */
export function probeModelFile(path: string): { format: ModelFormat; bytes: Uint8Array; tflite?: TfliteModel } {
  const bytes = readModelBytes(path);
  const format = detectModelFormat(bytes, path);
  return format === 'tflite' ? { format, bytes, tflite: parseTflite(bytes, basename(path)) } : { format, bytes };
}

/** Whether the model needs calibration data: a float model (tfjs, float .tflite, float ONNX). */
export async function needsCalibration(path: string): Promise<boolean> {
  const { format, bytes, tflite } = probeModelFile(path);
  if (tflite) return (await import('./tflite.ts')).isFloatTflite(tflite);
  if (format === 'onnx') {
    // The nodes say it; the graph is built once, by the compile that follows.
    const [{ isQuantizedOnnx }, { parseOnnx }] = await Promise.all([import('./onnx.ts'), import('../formats/onnx.ts')]);
    return !isQuantizedOnnx(parseOnnx(bytes, path));
  }
  return true;
}

/** Imports and validates the model at `path` (`name`: the graph's name, default from the model). */
export async function importModelFile(path: string, opts: { name?: string; limits?: GraphLimits } = {}): Promise<ImportedModel> {
  const { format, bytes, tflite } = probeModelFile(path);
  if (tflite) {
    const { importTfliteModel } = await import('./tflite.ts');
    const graph = importTfliteModel(tflite, opts.name, opts.limits);
    return { format, graph, quantized: !isFloatGraph(graph) };
  }
  if (format === 'tfjs') {
    const { importTfjsModel } = await import('./tfjs.ts');
    return { format, graph: await importTfjsModel(path, path, opts.limits), quantized: false };
  }
  const { importOnnx } = await import('./onnx.ts');
  return { format, ...importOnnx(bytes, path, opts.limits) };
}

/** A float graph computes in float32 (its activations are float32 tensors). */
export function isFloatGraph(g: Graph): boolean {
  return g.tensors.some((t) => !t.data && t.dtype === 'float32');
}
