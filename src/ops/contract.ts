/**
 * What an operator family declares, in one place (src/ops/<family>): for each IR op kind its
 * validation rule, quantization rule, float reference and lowering to a step; for each step kind
 * (one kernel call) its TS reference kernel and its C call per backend with scratch sizes; the front
 * ends' mappings onto it (tflite builtins, tfjs layer classes); and its conformance adapters, which
 * turn a case into a step so that the suite runs the very emitter generated code uses.
 *
 *   front ends --(tflite / tfjs)--> IR op --(rule, quant, float)--> lower --> step
 *   step --(simulate)--> TS bytes        step --(portable.emit | cmsisNn.emit)--> C call
 *   conformance case --(CaseAdapter.build)--> step --> the same simulate and emit
 *
 * The registry (registry.ts) builds every table from the list of families; a family whose type
 * declares an op or step without all of its parts does not type-check.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Diagnostic } from '../support/diagnostics.ts';
import type { CType } from '../cgen/c.ts';
import type { GraphBuilder } from '../ir/builder.ts';
import type { Activation, DType, Graph, Op, OpKind, Padding2d, QuantParams, Tensor, TensorData } from '../ir/graph.ts';
import type { Table } from '../formats/flatbuffer.ts';
import type { TfliteModel, TfliteOperator } from '../formats/tflite-schema.ts';
import type { CaseReader } from '../formats/conformance-case.ts';
import type { OnnxImporter } from './onnx-contract.ts';

export type OpOf<K extends OpKind> = Extract<Op, { kind: K }>;

/** A step with the layer it computes (every step carries its op once lowered; a conformance case names its own). */
export type Named = { op: { id: number; name: string; kind: string } };

/** Tensors by id: a graph, or a conformance case's own tensors. */
export interface TensorTable {
  readonly tensors: readonly Tensor[];
}

// ---------------------------------------------------------------------------------------------
// Validation and quantization

/** What a validation rule sees of one op (src/validate/validate.ts builds it). */
export interface RuleContext {
  g: Graph;
  op: Op;
  /** Input slot k, or undefined when the optional slot is absent. */
  input(k: number): Tensor | undefined;
  output(k: number): Tensor;
  fail(message: string, tensor?: Tensor, code?: string): void;
  /** How many problems this op has reported so far. */
  failures?: number;
}

/** Arity, slots, dtype signatures and shape rules the graph validator checks (src/validate/validate.ts). */
export interface OpRule {
  inputs: readonly [number, number];
  outputs: number;
  optional?: readonly number[];
  constant?: readonly number[];
  state?: readonly number[];
  signatures: readonly (readonly (DType | '*')[])[];
  /** Shapes and attributes; returns the op's multiply-accumulates per inference. */
  check(c: RuleContext): number;
}

/**
 * How post-training quantization treats the op: its output's activation parameters come from
 * calibration, from its first input (byte-copying ops), are shared with all its inputs
 * (concatenation), or are fixed by the kernel (softmax 1/256, -128); weights are symmetric int8 per
 * output channel on `axis` ('dense': per tensor unless per-channel dense weights are asked for), and
 * the bias int32 at input scale times weight scale.
 */
export interface QuantRule {
  output: 'calibrated' | 'input' | 'inputs' | { scale: number; zeroPoint: number };
  /** 'tensor': always per tensor (the recurrent kernels' one scale per matrix). */
  weights?: WeightQuantRule | readonly WeightQuantRule[];
  /**
   * `weightSlot`: the weights whose scale the bias shares (default the first weights rule's);
   * `activationSlot`: the activation or state it multiplies (default input 0; a GRU's recurrent bias: the hidden state).
   */
  bias?: { slot: number; weightSlot?: number } | readonly { slot: number; weightSlot: number; activationSlot?: number }[];
  /**
   * State (variable) inputs: quantized as the output ('output': the hidden state a recurrent layer
   * emits), or int16 with a power-of-two scale covering their calibrated range ('int16-pow2': TFLite's
   * LSTM cell state). The float reference reports each state's values (FloatResult.states).
   */
  states?: readonly { slot: number; as: 'output' | 'int16-pow2' }[];
}

export interface WeightQuantRule {
  slot: number;
  axis: number | 'dense' | 'tensor';
}

/** A float reference's result: the output, and for a stateful op the values its states took (calibration). */
export type FloatResult = Float32Array | { output: Float32Array; states: Float32Array[] };

// ---------------------------------------------------------------------------------------------
// Simulation

export type ActivationData = Int8Array | Int16Array | Int32Array;

/** State tensors by id, kept across invokes of a stateful model. */
export type SimState = Map<number, Int8Array | Int16Array>;

/** What a TS reference kernel call reads: constants by id, activations by id, the state. */
export interface SimEnv {
  graph: TensorTable;
  read(id: number): ActivationData;
  state: SimState;
  /** A constant's data (throws for an activation: an internal error). */
  constant(id: number): TensorData | null;
}

// ---------------------------------------------------------------------------------------------
// C emission

export interface StepScratch {
  ptr: string;
  bytes: number;
}

/** Where an emitter puts its constants and finds its tensors: a model's folder or a conformance case. */
export interface EmitContext {
  graph: TensorTable;
  /** A `static const` array named after its role and layer; returns its name. */
  constArray(role: string, ctype: CType, data: ArrayLike<number>, layer: string): string;
  /** A constant emitted once per program however many steps use it (e.g. the int16 sigmoid table). */
  sharedConstArray(role: string, ctype: CType, data: ArrayLike<number>): string;
  /** A `static const` struct with a designated initializer (src/cgen/c.ts); returns its name. */
  constStruct(role: string, ctype: string, init: string, layer: string): string;
  /** A C expression for a tensor: an arena pointer or array for activations, a const array for constants. */
  tensor(id: number, layer: string): string;
  /** The step's scratch buffer (planned in the arena, or a case's static buffer). */
  scratch(): StepScratch;
}

export type CmsisPath = 'plain' | 'dsp' | 'mve';

export interface CmsisEmitContext extends EmitContext {
  path: CmsisPath;
}

export interface Emitted {
  /** The C function the step calls (listed in manifest.json). */
  kernel: string;
  lines: string[];
}

/**
 * 'generated': what generated code calls (folded kernels where the compiler can fold); 'reference':
 * the interchangeable kernel whose arguments mean what CMSIS-NN's do, which conformance checks against
 * the expected bytes before checking 'generated' against it.
 */
export type EmitVariant = 'generated' | 'reference';

export interface PortableEmitter<S> {
  /** The kernel header the model includes, and every file of templates/kernels/portable it needs. */
  header: string;
  files: readonly string[];
  /** Bytes of arena scratch (default none). */
  scratch?(s: S): number;
  emit(s: S & Named, ctx: EmitContext, variant: EmitVariant): Emitted;
}

export interface CmsisEmitter<S> {
  /** True where the portable kernel is measured faster on this path: it runs instead (same bytes). */
  portableIsFaster?(s: S, path: CmsisPath): boolean;
  /** False where the CMSIS-NN kernel cannot take this step's form (e.g. a bias width): the portable kernel runs it. */
  supports?(s: S): boolean;
  /**
   * Set when generated code never calls this CMSIS-NN kernel (the conformance suite still runs it
   * through this emitter): why the portable kernel keeps the layer, e.g. a measurement.
   */
  conformanceOnly?: string;
  scratch(s: S, path: CmsisPath): number;
  emit(s: S & Named, ctx: CmsisEmitContext, scratch: StepScratch): Emitted;
}

// ---------------------------------------------------------------------------------------------
// Op and step definitions

export interface OpDef<K extends OpKind, S> {
  rule: OpRule;
  quant: QuantRule;
  /** The float32 reference (calibration, tfjs agreement); absent for ops no float graph holds. */
  float?(op: OpOf<K>, g: Graph, inputs: Float32Array[]): FloatResult;
  /** The kernel call with every constant computed; null when the op is an alias (reshape). */
  lower(g: Graph, op: OpOf<K>): S | null;
}

/**
 * A requantization constant a step's kernels use, held at lowering to the range TFLite's kernels
 * accept (src/lower/ranges.ts): multiplier in [0, 2^31), shift in `shiftRange` (default
 * [-31, 30]). A multiplier of 0 means only the shift is checked.
 */
export interface Requantizer {
  name: string;
  multiplier: number;
  shift: number;
  shiftRange?: readonly [number, number];
}

export interface StepDef<S> {
  simulate(s: S, env: SimEnv): ActivationData;
  /** Every multiplier and shift the step's kernels use (absent: none). */
  requantizers?(s: S): Requantizer[];
  portable: PortableEmitter<S>;
  cmsisNn?: CmsisEmitter<S>;
  /** No lowering produces this step yet: its kernels are reached only by the conformance suite. */
  conformanceOnly?: true;
}

// ---------------------------------------------------------------------------------------------
// Front ends

/** What a .tflite operator's mapping may read and write (src/import/tflite.ts provides it). */
export interface TfliteImportContext {
  model: TfliteModel;
  op: TfliteOperator;
  options: Table | null;
  /** IR tensor ids of the operator's inputs (-1 where absent) and outputs. */
  inputs: number[];
  outputs: number[];
  /** Name of the op (its first output tensor's name). */
  name: string;
  shape(tensorIndex: number): number[];
  /** A constant int32 operand's values (empty when absent or not constant). */
  constInts(tensorIndex: number): Int32Array;
  /** A fused activation code of the options at field `index`. */
  activation(index: number): Activation;
  /** TFLite Padding at option field `index`: true for SAME. */
  isSame(index: number): boolean;
  /** Padding TFLite computes for SAME (from its own output size), or none for VALID. */
  padding2d(isSame: boolean, inShape: readonly number[], stride: [number, number], filter: [number, number], dilation: [number, number]): Padding2d;
  tensorId(tensorIndex: number): number;
  addOp: GraphBuilder['addOp'];
  problem(message: string, code?: string): void;
}

export interface TfliteImporter {
  /** Operand counts: [min, max] inputs, and the input slots that may be absent (-1). */
  inputs: readonly [number, number];
  optional?: readonly number[];
  import(c: TfliteImportContext): void;
}

/** A tfjs layer being converted (src/import/tfjs.ts provides it). */
export interface TfjsLayerContext {
  b: GraphBuilder;
  layer: tf.layers.Layer;
  config: Record<string, unknown>;
  weights: Float32Array[];
  weightShapes: number[][];
  inputs: number[];
  /** IR shape of the layer's output (batch 1, 1-D lifted to H = 1). */
  outShape: number[];
  name: string;
}

export interface TfjsImporter {
  /** Options this converter cannot honour, as reasons; camelCase config; rank with the batch axis. */
  unsupported?(config: Record<string, unknown>, inputRank?: number): string[];
  /** Adds the layer's ops; returns the id of the tensor holding its output. */
  convert(c: TfjsLayerContext): number;
}

// ---------------------------------------------------------------------------------------------
// Conformance

/** A tensor of a conformance case: a constant (data) or an activation/state (init, may be absent). */
export interface CaseTensor {
  name: string;
  dtype: DType;
  shape: number[];
  ctype: CType;
  data?: TensorData;
  init?: ArrayLike<number>;
  variable?: boolean;
  /** Bytes of a packed constant when they differ from its values (int4 weights, two per byte). */
  packed?: Int8Array;
}

/** A case as one step over its own tensors (ids index `tensors`), run `repeat.times` times. */
export interface CaseCall<S = unknown> {
  step: S & Named;
  tensors: CaseTensor[];
  /** The tensor compared with the case's expected output. */
  output: number;
  /** A sequence: each run reads the next `stride` values of tensor `sequence` as tensor `input`. */
  repeat?: { times: number; input: number; sequence: number; stride: number };
}

export interface CaseAdapter {
  /** The case's `op` and `act_dtype` fields this adapter handles. */
  op: string;
  actDtypes: readonly string[];
  build(r: CaseReader): CaseCall;
}

// ---------------------------------------------------------------------------------------------
// The family

/**
 * A family: `O` maps its IR op kinds to their attributes, `S` its step kinds to their step types.
 * Missing an op's or a step's definition is a type error.
 */
export interface OpFamily<O, S> {
  name: string;
  ops: { [K in keyof O & OpKind]: OpDef<K, S[keyof S]> };
  steps: { [K in keyof S]: StepDef<S[K]> };
  tflite?: Readonly<Record<string, TfliteImporter>>;
  tfjs?: Readonly<Record<string, TfjsImporter>>;
  /** ONNX op types (default domain) -> IR ops: ./onnx-contract.ts. */
  onnx?: Readonly<Record<string, OnnxImporter>>;
  cases?: readonly CaseAdapter[];
}

/** Diagnostics an importer collects (re-exported for families). */
export type { Diagnostic, QuantParams };
