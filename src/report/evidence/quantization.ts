/**
 * Quantization evidence: how far the folder's integer graph (graph.json, what the C computes byte for
 * byte) is from the float model it came from.
 *
 *   SQNR per layer   src/quantize/report.ts over up to 64 windows (the calibration windows, else the
 *                    labelled ones), as `edgec compile` prints it
 *   reproduces       the float model + calibration quantized again with the default options: the
 *                    same graph hash as manifest.json ties the float model to the C
 *   accuracy         on labelled windows (--data): the integer simulator (bit-exact with the C, see
 *                    the verification) and the float model, with confusion matrices
 *
 * Without a float model (a folder compiled from a tfjs model keeps only the int8 graph; an int8
 * .tflite has none) the SQNR is "not available", with the reason and what to pass.
 */
import type { Graph } from '../../ir/graph.ts';
import { graphHash } from '../../ir/serialize.ts';
import type { Manifest } from '../../formats/manifest.ts';
import { quantizeValues } from '../../arith/tensor-quant.ts';
import { lowerGraph } from '../../lower/lower.ts';
import { runPasses } from '../../passes/index.ts';
import { calibrateGraph, quantizeCalibrated } from '../../quantize/quantize-graph.ts';
import { quantizationReport } from '../../quantize/report.ts';
import { runFloatGraph } from '../../sim/float.ts';
import { simulateLowered } from '../../sim/int8.ts';
import { assertValidGraph } from '../../validate/validate.ts';
import type { LabelledWindows } from './labelled-data.ts';
import type { Quantization } from './types.ts';

/** Windows the SQNR is measured on, at most (as `edgec compile` reports it). */
export const SQNR_WINDOWS = 64;

export interface FloatModelInput {
  /** The float graph as imported (before the float passes). */
  imported: Graph;
  /** As given on the command line. */
  file: string;
  calibration?: readonly Float32Array[];
  calibrationFile?: string;
}

const argmax = (a: ArrayLike<number>) => {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i]! > a[best]!) best = i;
  return best;
};

/** The float graph as `edgec compile` saw it: the folder's name, source and labels, then the float passes. */
function floatGraphLike(imported: Graph, int8: Graph): Graph {
  assertValidGraph(imported);
  const labels = int8.meta.labels;
  return runPasses({ ...imported, name: int8.name, meta: { ...imported.meta, source: int8.meta.source, ...(labels ? { labels } : {}) } });
}

function confusion(pred: readonly number[], truth: readonly number[], classes: number): number[][] {
  const c = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  pred.forEach((p, i) => {
    c[truth[i]!]![p]! += 1;
  });
  return c;
}

export function quantizationEvidence(m: Manifest, int8: Graph, opts: { float?: FloatModelInput; data?: { file: string; windows: LabelledWindows } }): Quantization {
  const floatGraph = opts.float ? floatGraphLike(opts.float.imported, int8) : undefined;
  const noFloat = int8.meta.source.toLowerCase().endsWith('.tflite')
    ? `the folder was compiled from an int8 .tflite file (${int8.meta.source}): there is no float model to compare with`
    : `the float model is not in the folder (it was compiled from ${int8.meta.source}): pass --model MODEL.json --calib WINDOWS.f32 to measure it`;
  const singleInput = int8.inputs.length === 1;
  const classes = int8.tensors[int8.outputs[0]!]!.shape.reduce((a, b) => a * b, 1);

  // SQNR per layer.
  const sqnrWindows = (opts.float?.calibration ?? opts.data?.windows.x ?? []).slice(0, SQNR_WINDOWS);
  const sqnrFrom = opts.float?.calibration
    ? `the first ${sqnrWindows.length} windows of ${opts.float.calibrationFile}`
    : opts.data
      ? `the first ${sqnrWindows.length} windows of ${opts.data.file}`
      : null;
  let sqnr: Quantization['sqnr'] = { status: 'not available', reason: noFloat, windows: 0, windowsFrom: null, activations: null, layers: [], sameTopClass: null };
  if (floatGraph && !singleInput) sqnr = { ...sqnr, reason: 'the model has more than one input: SQNR is measured on one-input models' };
  else if (floatGraph && sqnrWindows.length === 0) sqnr = { ...sqnr, reason: 'no windows to measure on: pass --calib WINDOWS.f32 (or --data)' };
  else if (floatGraph) {
    const q = quantizationReport(floatGraph, int8, sqnrWindows);
    sqnr = {
      status: 'measured',
      reason: null,
      windows: q.windows,
      windowsFrom: sqnrFrom,
      activations: q.activations,
      layers: q.layers.map((l) => ({ layer: l.layer, op: l.op, sqnrDb: Number(l.sqnrDb.toFixed(3)) })),
      sameTopClass: q.sameTopClass ?? null,
    };
  }

  // The float model and calibration give this very graph?
  let reproduces: Quantization['reproduces'] = { status: 'not checked', reason: opts.float ? 'no calibration windows given (--calib)' : 'no float model given (--model)', recomputedHash: null };
  if (floatGraph && opts.float?.calibration && opts.float.calibration.length > 0) {
    const hash = graphHash(quantizeCalibrated(floatGraph, calibrateGraph(floatGraph, opts.float.calibration)));
    reproduces =
      hash === m.modelHash
        ? { status: 'same graph', reason: null, recomputedHash: hash }
        : {
            status: 'different graph',
            reason:
              'quantized with the default options, the float model and calibration windows give another int8 graph than the folder holds: another model or calibration set, or compile options (--observer, --activations, --int16-layers)',
            recomputedHash: hash,
          };
  }

  // Accuracy on labelled windows.
  const labelNames = m.labels && m.labels.length === classes ? [...m.labels] : Array.from({ length: classes }, (_, i) => String(i));
  let accuracy: Quantization['accuracy'] = {
    status: 'not available',
    reason: 'no labelled windows given (--data)',
    file: null,
    windows: 0,
    classes: labelNames,
    int8: null,
    float: null,
    int8Confusion: null,
    floatConfusion: null,
  };
  if (opts.data && (!singleInput || int8.outputs.length !== 1 || classes < 2)) {
    accuracy = { ...accuracy, reason: 'accuracy is measured on classifiers with one input and one output of two or more classes', file: opts.data.file };
  } else if (opts.data) {
    const { x, y } = opts.data.windows;
    const lowered = lowerGraph(int8);
    const input = int8.tensors[int8.inputs[0]!]!;
    const qp = input.quant!;
    const quantize = (w: Float32Array) => (input.dtype === 'int16' ? quantizeValues(w, qp.scale[0]!, qp.zeroPoint[0]!, 'int16') : quantizeValues(w, qp.scale[0]!, qp.zeroPoint[0]!));
    const int8Pred = x.map((w) => argmax(simulateLowered(lowered, [quantize(w)]).outputs[0]!));
    const floatPred = floatGraph ? x.map((w) => argmax(runFloatGraph(floatGraph, [w]).outputs[0]!)) : null;
    const acc = (p: readonly number[]) => p.reduce((a, v, i) => a + (v === y[i] ? 1 : 0), 0) / y.length;
    accuracy = {
      status: 'measured',
      reason: floatGraph ? null : `float accuracy not available: ${noFloat}`,
      file: opts.data.file,
      windows: x.length,
      classes: labelNames,
      int8: acc(int8Pred),
      float: floatPred ? acc(floatPred) : null,
      int8Confusion: confusion(int8Pred, y, classes),
      floatConfusion: floatPred ? confusion(floatPred, y, classes) : null,
    };
  }
  return { sqnr, reproduces, accuracy };
}
