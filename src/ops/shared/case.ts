/**
 * Helpers for the families' conformance adapters (OpFamily.cases): a case's tensors as a small tensor
 * table (constants carry data; activations and state an initial value), read from the case file with
 * the checked CaseReader.
 */
import type { CType } from '../../cgen/c.ts';
import type { CaseReader } from '../../formats/conformance-case.ts';
import type { DType, TensorData } from '../../ir/graph.ts';
import type { Dims } from '../../kernels/types.ts';
import type { CaseTensor } from '../contract.ts';

const CTYPES: Record<DType, CType> = { int8: 'int8_t', int16: 'int16_t', int32: 'int32_t', int64: 'int64_t', float32: 'int32_t' };
const ARRAYS = { int8: Int8Array, int16: Int16Array, int32: Int32Array } as const;

export interface CaseTensorSpec {
  name: string;
  dtype: DType;
  shape: number[];
  /** Constant values (weights, bias, parameters). */
  data?: ArrayLike<number> | null;
  /** Initial values of an activation or state. */
  init?: ArrayLike<number>;
  variable?: boolean;
  /** Packed bytes of int4 weights (two per byte), when `data` holds the unpacked values. */
  packed?: Int8Array;
}

function typed(dtype: DType, values: ArrayLike<number>): TensorData {
  const T = ARRAYS[dtype as keyof typeof ARRAYS];
  if (!T) throw new Error(`conformance: no typed array for ${dtype}`);
  return T.from(values as ArrayLike<number>);
}

/** The case's tensor table; ids are positions in `specs`. */
export function caseTensors(specs: readonly CaseTensorSpec[]): CaseTensor[] {
  return specs.map((s) => ({
    name: s.name,
    dtype: s.dtype,
    shape: s.shape,
    ctype: CTYPES[s.dtype],
    ...(s.data ? { data: s.dtype === 'int64' ? (Float64Array.from(s.data) as unknown as TensorData) : typed(s.dtype, s.data) } : {}),
    ...(s.init ? { init: s.init } : {}),
    ...(s.variable ? { variable: true } : {}),
    ...(s.packed ? { packed: s.packed } : {}),
  }));
}

export function dimsOf(r: CaseReader, path: string): Dims {
  return r.dims(path);
}
