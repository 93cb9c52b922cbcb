/**
 * What an ONNX operator's mapping (OpFamily.onnx, in its family's `onnx.ts`) sees and may do; the
 * importer (src/import/onnx.ts) provides it.
 *
 * Layouts. ONNX activations are channels-first (NCHW, NCW), the IR's channels-last (NHWC, 1-D as
 * H = 1). The importer never moves data for a layout: each activation carries its ONNX dims and the
 * order its IR tensor stores the elements in (`order[s]` = the ONNX row-major index of the element at
 * IR position s; null when the two agree). A convolution writes channels-last (`order` =
 * NCHW -> NHWC); a Reshape, Flatten or Transpose only relabels (a Transpose maps the indices, a Reshape
 * keeps them), and a reader that needs ONNX order either finds it (`activation(k, 'plain')`) or
 * absorbs the permutation into its weights (Gemm after Flatten permutes its columns).
 *
 *      ONNX [1, C, T]  --Conv-->  IR [1, 1, T, C]   order[t*C + c] = c*T + t
 *      --Flatten--> ONNX [1, C*T], same IR bytes, same order --Gemm--> weight columns permuted
 *
 * Quantized models (QDQ): constants arrive dequantized as their integer data with `quant`, activations
 * as int8 IR tensors; `output` quantizes a new tensor as the following QuantizeLinear says (or as the
 * IR op's quantization rule fixes it, with a requantization inserted where the two differ).
 */
import type { OnnxData, OnnxDType, OnnxNode } from '../formats/onnx.ts';
import type { GraphBuilder } from '../ir/builder.ts';
import type { OpKind, QuantParams, Tensor, TensorData } from '../ir/graph.ts';

/** A constant input: an initializer, a Constant node's value, a folded shape, or a dequantized weight (`quant`). */
export interface OnnxConst {
  kind: 'const';
  name: string;
  dims: number[];
  dtype: OnnxDType;
  data: OnnxData;
  /** A DequantizeLinear's parameters (quantized models): `data` holds the integers. */
  quant?: QuantParams;
}

/** An activation: its IR tensor, its ONNX dims, and the order its IR tensor stores them in (see above). */
export interface OnnxActivation {
  kind: 'act';
  name: string;
  id: number;
  dims: number[];
  order: Int32Array | null;
}

export type OnnxValue = OnnxConst | OnnxActivation;

/** 'channels-last': NCHW / NCW as the IR's NHWC / [N, 1, W, C]; 'plain': ONNX order, IR shape = ONNX dims. */
export type OnnxLayout = 'channels-last' | 'plain';

export interface OnnxOutput {
  dims: number[];
  order: Int32Array | null;
  irShape: number[];
}

export interface OnnxImportContext {
  node: OnnxNode;
  /** Version of the default operator set (attributes moved to inputs across versions). */
  opset: number;
  /** The layer name IR ops take (the node's name). */
  name: string;
  /** The model is quantized (QDQ or QLinear operators): tensors are int8 with quantization. */
  quantized: boolean;
  /** Input k, or undefined when absent. */
  input(k: number): OnnxValue | undefined;
  /** Activation input k as an IR tensor stored in `layout` (a reshape is added where only the IR shape differs); reports and returns null otherwise. */
  activation(k: number, layout: OnnxLayout | 'any'): OnnxActivation | null;
  /** Constant input k (`what` names it in the report when it is not a constant). */
  constant(k: number, what: string): OnnxConst | null;
  /** Constant integers of input k or of attribute `attr` (opsets moved several attributes to inputs). */
  ints(k: number, attr: string): number[] | undefined;
  /** Whether ONNX output k is read by a node or is a graph output. */
  used(k: number): boolean;
  /** A state (variable) tensor `<layer>/<role>` of a recurrent op, reset to zero by every invoke the op makes stateless. */
  addState(role: string, shape: readonly number[]): number;
  /** A new IR constant `<layer>/<role>`. */
  addConst(role: string, shape: readonly number[], data: TensorData, quant?: QuantParams): number;
  /**
   * The IR tensor for ONNX output k, written by an op of kind `producer` (its quantization rule gives
   * an int8 tensor's parameters in a quantized model, unless `quant` is given).
   */
  output(k: number, out: OnnxOutput, producer: OpKind, quant?: QuantParams): number;
  /** An intermediate IR tensor `<layer>/<role>`, typed and quantized like tensor `like` (or float). */
  temp(role: string, irShape: readonly number[], like: number): number;
  /** Quantized models: the type and parameters the QuantizeLinear after output k gives it (undefined: none). */
  outputTarget(k: number): { dtype: 'int8' | 'int16'; quant: QuantParams } | undefined;
  /** Quantized models: tensor `id` requantized to `target` (the same id when it already is). */
  requantize(id: number, target: { dtype: 'int8' | 'int16'; quant: QuantParams }): number;
  /** The IR tensor `id` under another IR shape (a reshape op: an alias of the same bytes). */
  reshape(id: number, irShape: readonly number[]): number;
  /** ONNX output k is an existing IR tensor seen with new dims and order (no op: Transpose, Identity). */
  alias(k: number, v: { id: number; dims: number[]; order: Int32Array | null }): void;
  /** ONNX output k is a constant (shape arithmetic folded at import). */
  constOutput(k: number, c: Omit<OnnxConst, 'kind' | 'name'>): void;
  tensor(id: number): Tensor;
  addOp: GraphBuilder['addOp'];
  problem(message: string, code?: string): void;
}

export interface OnnxImporter {
  /** [min, max] inputs and outputs the mapping reads and writes (beyond them: refused, located). */
  inputs: readonly [number, number];
  outputs?: readonly [number, number];
  /** Set for an operator the family knows but cannot import: why (listed with the unsupported ones). */
  refused?: string;
  import(c: OnnxImportContext): void;
}
