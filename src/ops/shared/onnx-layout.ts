/**
 * Layouts of ONNX activations in the IR (see src/ops/onnx-contract.ts, "Layouts"): the channels-last
 * IR shape of NCHW / NCW dims, element orders (IR position -> ONNX row-major index), how a Transpose
 * moves them, and the axis permutation an order stores, when it is one (an IR transpose can then
 * bring it into another layout).
 */
import type { OnnxLayout, OnnxOutput } from '../onnx-contract.ts';

const prod = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** Most elements of one activation the importer lays out (the order arrays are as long). */
export const MAX_ACTIVATION_ELEMENTS = 1 << 24;

/** The IR shape of ONNX dims in a layout: [N, C, H, W] -> [N, H, W, C]; [N, C, W] -> [N, 1, W, C]. */
export function irShapeOf(dims: readonly number[], layout: OnnxLayout): number[] {
  if (layout === 'channels-last' && dims.length === 4) return [dims[0]!, dims[2]!, dims[3]!, dims[1]!];
  if (layout === 'channels-last' && dims.length === 3) return [dims[0]!, 1, dims[2]!, dims[1]!];
  return dims.length === 0 ? [1] : [...dims];
}

/** Identity orders are null, so that layouts compare cheaply. */
function orNull(order: Int32Array): Int32Array | null {
  return order.every((v, i) => v === i) ? null : order;
}

/** IR position -> ONNX index of NCHW / NCW stored channels-last (null when that is ONNX's own order). */
export function channelsLastOrder(dims: readonly number[]): Int32Array | null {
  if (dims.length !== 3 && dims.length !== 4) return null;
  const [n, c] = [dims[0]!, dims[1]!];
  const spatial = prod(dims.slice(2));
  // Beyond the cap the importer refuses the tensor (OnnxImportContext.output); no order is built.
  if (c === 1 || spatial === 1 || prod(dims) > MAX_ACTIVATION_ELEMENTS) return null;
  const order = new Int32Array(n * c * spatial);
  let s = 0;
  for (let b = 0; b < n; b++) for (let p = 0; p < spatial; p++) for (let ch = 0; ch < c; ch++) order[s++] = (b * c + ch) * spatial + p;
  return orNull(order);
}

export function orderOf(dims: readonly number[], layout: OnnxLayout): Int32Array | null {
  return layout === 'channels-last' ? channelsLastOrder(dims) : null;
}

export function sameOrder(a: Int32Array | null, b: Int32Array | null): boolean {
  if (a === null || b === null) return a === b;
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** An output in `layout`. */
export function layoutOutput(dims: readonly number[], layout: OnnxLayout): OnnxOutput {
  return { dims: [...dims], order: orderOf(dims, layout), irShape: irShapeOf(dims, layout) };
}

/** Order after ONNX Transpose(perm): the same IR bytes, each element's ONNX index moved. */
export function transposedOrder(dims: readonly number[], order: Int32Array | null, perm: readonly number[]): Int32Array | null {
  const out = perm.map((p) => dims[p]!);
  const inStrides = strides(dims);
  const outStrides = strides(out);
  const n = prod(dims);
  if (n > MAX_ACTIVATION_ELEMENTS) return null;
  // ONNX input index -> output index.
  const moved = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let rest = i;
    let o = 0;
    for (let a = 0; a < dims.length; a++) {
      const coord = Math.floor(rest / inStrides[a]!);
      rest -= coord * inStrides[a]!;
      o += coord * outStrides[perm.indexOf(a)]!;
    }
    moved[i] = o;
  }
  const result = new Int32Array(n);
  for (let s = 0; s < n; s++) result[s] = moved[order ? order[s]! : s]!;
  return orNull(result);
}

export function strides(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length).fill(1);
  for (let a = dims.length - 2; a >= 0; a--) s[a] = s[a + 1]! * dims[a + 1]!;
  return s;
}

/** The order of ONNX `dims` stored as their transpose by `perm` (IR axis i is ONNX axis perm[i]). */
export function permutedOrder(dims: readonly number[], perm: readonly number[]): Int32Array | null {
  const identity = perm.map((_, i) => i);
  // Transposing ONNX order by perm is what an ONNX Transpose(perm) of a plain tensor stores, read back.
  const inverse = perm.map((_, i) => perm.indexOf(i));
  const forward = transposedOrder(
    perm.map((p) => dims[p]!),
    null,
    inverse,
  );
  return perm.every((p, i) => p === identity[i]) ? null : forward;
}

function permutations(n: number): number[][] {
  if (n <= 1) return [[0].slice(0, n)];
  return permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
}

/** The axis permutation whose transpose of ONNX `dims` the order stores (rank 4 at most), or null. */
export function axisPermutationOf(order: Int32Array | null, dims: readonly number[]): number[] | null {
  if (dims.length > 4) return null;
  // Channels-last first: with axes of extent 1 several permutations store the same order.
  for (const p of [layoutPermutation(dims.length, 'channels-last'), ...permutations(dims.length)]) if (sameOrder(order, permutedOrder(dims, p))) return p;
  return null;
}

/** The IR axis permutation of NCHW / NCW stored channels-last: [0, 2, 3, 1] / [0, 2, 1]; ONNX order: identity. */
export function layoutPermutation(rank: number, layout: OnnxLayout): number[] {
  if (layout === 'channels-last' && rank === 4) return [0, 2, 3, 1];
  if (layout === 'channels-last' && rank === 3) return [0, 2, 1];
  return Array.from({ length: rank }, (_, i) => i);
}
