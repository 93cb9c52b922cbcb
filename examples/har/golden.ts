/**
 * The committed HAR model (examples/har/model) compiled into a folder: what `make golden` writes to
 * generated/har and what the golden test compares byte for byte.
 */
import { join } from 'node:path';
import { compileGraph, readCalibrationFile, type CompileResult } from '../../src/pipeline/compile.ts';
import { importTfjsModel } from '../../src/import/tfjs.ts';
import { PACKAGE_ROOT } from '../../src/support/paths.ts';

export const MODEL_DIR = join(PACKAGE_ROOT, 'examples/har/model');
/** Recorded in the graph (and so in the model hash) instead of an absolute path. */
export const MODEL_SOURCE = 'examples/har/model/model.json';

/** Compiles the model saved in `modelDir` (default: the committed one) into `outDir`. */
export async function compileHar(outDir: string, onProgress?: (done: number, total: number) => void, modelDir: string = MODEL_DIR): Promise<CompileResult> {
  const graph = await importTfjsModel(join(modelDir, 'model.json'), MODEL_SOURCE);
  const windowSize = graph.tensors[graph.inputs[0]!]!.shape.reduce((a, b) => a * b, 1);
  const calibration = readCalibrationFile(join(modelDir, 'calibration.f32'), windowSize);
  return compileGraph(graph, calibration, { out: outDir, name: 'har', labels: [...(graph.meta.labels ?? [])], onProgress });
}
