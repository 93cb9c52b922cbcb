/**
 * Every operator family, and the tables each pipeline stage reads, built from that one list:
 * validation rules, quantization rules, float references and lowerings by IR op kind; TS kernels and
 * C emitters by step kind; front-end mappings by tflite builtin and tfjs layer class; conformance
 * adapters by case op and dtype. Adding a family is one line here; adding an op to a family is
 * local to its file.
 */
import type { OpKind } from '../ir/graph.ts';
import type { CaseAdapter, Named, OpDef, StepDef, TfjsImporter, TfliteImporter } from './contract.ts';
import type { OnnxImporter } from './onnx-contract.ts';
import { pad, type PadOps, type PadSteps } from './pad.ts';
import { pooling, type PoolingOps, type PoolingSteps } from './pooling/index.ts';
import { softmax, type SoftmaxOps, type SoftmaxSteps } from './softmax.ts';
import { activations, type ActivationsOps, type ActivationsSteps } from './activations.ts';
import { elementwise, type ElementwiseOps, type ElementwiseSteps } from './elementwise.ts';
import { fullyConnected, type FullyConnectedOps, type FullyConnectedSteps } from './fully_connected/index.ts';
import { batchMatmul, type BatchMatmulOps, type BatchMatmulSteps } from './batch_matmul.ts';
import { lstm, type LstmOps, type LstmSteps } from './lstm/index.ts';
import { recurrent, type RecurrentOps, type RecurrentSteps } from './recurrent/index.ts';
import { svdf, type SvdfOps, type SvdfSteps } from './svdf.ts';
import { conv, type ConvOps, type ConvSteps } from './conv/index.ts';
import { concat, type ConcatOps, type ConcatSteps } from './concat.ts';
import { reshape, type ReshapeOps, type ReshapeSteps } from './reshape.ts';
import { transpose, type TransposeOps, type TransposeSteps } from './transpose.ts';
import { stridedSlice, type StridedSliceOps, type StridedSliceSteps } from './strided_slice.ts';
import { quantize, type QuantizeOps, type QuantizeSteps } from './quantize.ts';
import { normalization, type NormalizationOps, type NormalizationSteps } from './normalization.ts';

/** IR op attributes by kind, from every family. */
export interface RegisteredOps
  extends PadOps,
    PoolingOps,
    SoftmaxOps,
    ActivationsOps,
    ElementwiseOps,
    FullyConnectedOps,
    BatchMatmulOps,
    LstmOps,
    RecurrentOps,
    SvdfOps,
    ConvOps,
    ConcatOps,
    ReshapeOps,
    TransposeOps,
    StridedSliceOps,
    QuantizeOps,
    NormalizationOps {}

declare module '../ir/graph.ts' {
  // The IR's op kinds are the families' (see OpKinds in src/ir/graph.ts).
  interface OpKinds extends RegisteredOps {}
}

/** Lowered step types by kind, from every family. */
export interface RegisteredSteps
  extends PadSteps,
    PoolingSteps,
    SoftmaxSteps,
    ActivationsSteps,
    ElementwiseSteps,
    FullyConnectedSteps,
    BatchMatmulSteps,
    LstmSteps,
    RecurrentSteps,
    SvdfSteps,
    ConvSteps,
    ConcatSteps,
    ReshapeSteps,
    TransposeSteps,
    StridedSliceSteps,
    QuantizeSteps,
    NormalizationSteps {}

/** A kernel call of any family, tied to the layer it computes. */
export type Step = RegisteredSteps[keyof RegisteredSteps] & Named;

export const FAMILIES = [
  pad,
  pooling,
  softmax,
  activations,
  elementwise,
  fullyConnected,
  batchMatmul,
  lstm,
  recurrent,
  svdf,
  conv,
  concat,
  reshape,
  transpose,
  stridedSlice,
  quantize,
  normalization,
] as const;

type AnyOpDef = OpDef<OpKind, unknown>;
type AnyStepDef = StepDef<unknown>;

function table<T>(entries: [string, T][], what: string): ReadonlyMap<string, T> {
  const m = new Map<string, T>();
  for (const [k, v] of entries) {
    if (m.has(k)) throw new Error(`ops registry: ${what} '${k}' is declared by two families`);
    m.set(k, v);
  }
  return m;
}

const OPS = table(
  FAMILIES.flatMap((f) => Object.entries(f.ops) as [string, AnyOpDef][]),
  'op kind',
);
const STEPS = table(
  FAMILIES.flatMap((f) => Object.entries(f.steps) as [string, AnyStepDef][]),
  'step kind',
);
const TFLITE = table(
  FAMILIES.flatMap((f) => Object.entries(f.tflite ?? {})),
  'tflite builtin',
);
const TFJS = table(
  FAMILIES.flatMap((f) => Object.entries(f.tfjs ?? {})),
  'tfjs layer class',
);
const ONNX = table(
  FAMILIES.flatMap((f) => Object.entries(f.onnx ?? {})),
  'onnx op type',
);
const CASES: readonly CaseAdapter[] = FAMILIES.flatMap((f) => f.cases ?? []);

export function opDef(kind: string): AnyOpDef | undefined {
  return OPS.get(kind);
}

export function stepDef(kind: string): AnyStepDef | undefined {
  return STEPS.get(kind);
}

export function tfliteImporter(builtin: string): TfliteImporter | undefined {
  return TFLITE.get(builtin);
}

export function tfjsImporter(layerClass: string): TfjsImporter | undefined {
  return TFJS.get(layerClass);
}

export function onnxImporter(opType: string): OnnxImporter | undefined {
  return ONNX.get(opType);
}

export function caseAdapter(op: string, actDtype: string): CaseAdapter | undefined {
  return CASES.find((a) => a.op === op && a.actDtypes.includes(actDtype));
}
