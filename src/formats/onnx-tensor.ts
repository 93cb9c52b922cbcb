/**
 * ONNX TensorProto -> typed values, for a file that may be hostile: dims are checked (non-negative
 * integers, element count under a cap), the data must be inside the file (external data is refused,
 * with the reason) and hold exactly one value per element, whether it is in raw_data (little-endian,
 * fixed width) or in the type's repeated field.
 *
 *   float32 -> Float32Array    int8 -> Int8Array     uint8 / bool -> Uint8Array    int16 -> Int16Array
 *   int32 -> Int32Array        int64 -> Float64Array (exact below 2^53; beyond it +-Infinity, so a
 *                                       Slice end of INT64_MAX still reads as "to the end")
 *   float64 -> Float64Array
 */
import { ONNX_TYPES, type Int64, type PbTensor } from './onnx-schema.ts';

export type OnnxDType = 'float32' | 'float64' | 'int8' | 'uint8' | 'int16' | 'int32' | 'int64' | 'bool';

export type OnnxData = Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Int32Array;

export interface OnnxTensor {
  name: string;
  dims: number[];
  dtype: OnnxDType;
  data: OnnxData;
}

const WIDTH: Record<OnnxDType, number> = { float32: 4, float64: 8, int8: 1, uint8: 1, bool: 1, int16: 2, int32: 4, int64: 8 };

/** A protobuf int64 as a number: exact up to 2^53, +-Infinity beyond. */
export function int64(v: Int64 | undefined | null): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return v;
  const n = v.toNumber();
  if (Number.isSafeInteger(n)) return n;
  return v.high < 0 ? -Infinity : Infinity;
}

/** Why the dims cannot describe a tensor here, or null. */
export function dimsProblem(dims: readonly number[], maxElements: number): string | null {
  if (dims.length > 8) return `rank ${dims.length} (at most 8)`;
  let n = 1;
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0 || d > 0x7fffffff) return `dimension ${d} is not an integer in [0, 2^31)`;
    n *= d;
    if (n > maxElements) return `[${dims.join(', ')}] holds more than ${maxElements} elements`;
  }
  return null;
}

function fromRaw(dtype: OnnxDType, raw: Uint8Array): OnnxData {
  const copy = new Uint8Array(raw).buffer; // aligned
  switch (dtype) {
    case 'float32':
      return new Float32Array(copy);
    case 'float64':
      return new Float64Array(copy);
    case 'int8':
      return new Int8Array(copy);
    case 'uint8':
    case 'bool':
      return new Uint8Array(copy);
    case 'int16':
      return new Int16Array(copy);
    case 'int32':
      return new Int32Array(copy);
    case 'int64':
      return Float64Array.from(new BigInt64Array(copy), (v) => (v > BigInt(Number.MAX_SAFE_INTEGER) ? Infinity : v < BigInt(Number.MIN_SAFE_INTEGER) ? -Infinity : Number(v)));
  }
}

/** The repeated field that holds a type's values when raw_data is absent. */
function fromField(dtype: OnnxDType, t: PbTensor): OnnxData | null {
  switch (dtype) {
    case 'float32':
      return t.floatData?.length ? Float32Array.from(t.floatData) : null;
    case 'float64':
      return t.doubleData?.length ? Float64Array.from(t.doubleData) : null;
    case 'int64':
      return t.int64Data?.length ? Float64Array.from(t.int64Data, int64) : null;
    default: {
      if (!t.int32Data?.length) return null;
      const ctor = { int8: Int8Array, uint8: Uint8Array, bool: Uint8Array, int16: Int16Array, int32: Int32Array }[dtype];
      return ctor.from(t.int32Data);
    }
  }
}

/** Decodes one tensor; returns its values or why it cannot be read. */
export function decodeTensor(t: PbTensor, maxElements: number): OnnxTensor | string {
  const name = t.name ?? '';
  if ((t.externalData?.length ?? 0) > 0 || t.dataLocation === 1) {
    const where = t.externalData?.find((e) => e.key === 'location')?.value;
    return `its data is stored outside the model file${where ? ` (in '${where}')` : ''}; external data is not read (save the model with its weights inside: onnx.save_model(model, path, save_as_external_data=False))`;
  }
  if (t.segment) return 'it is a segment of a larger tensor (TensorProto.segment), which is not supported';
  const code = t.dataType ?? 0;
  const typeName = ONNX_TYPES[code] ?? `type code ${code}`;
  if (!(typeName in WIDTH)) return `element type ${typeName} is not supported (float32, float64, int8, uint8, int16, int32, int64, bool)`;
  const dtype = typeName as OnnxDType;
  const dims = (t.dims ?? []).map(int64);
  const bad = dimsProblem(dims, maxElements);
  if (bad) return `shape ${bad}`;
  const n = dims.reduce((a, b) => a * b, 1);
  let data: OnnxData;
  if (t.rawData instanceof Uint8Array && t.rawData.length > 0) {
    if (t.rawData.length !== n * WIDTH[dtype]) return `raw_data holds ${t.rawData.length} bytes; shape [${dims.join(', ')}] of ${dtype} needs ${n * WIDTH[dtype]}`;
    data = fromRaw(dtype, t.rawData);
  } else {
    const values = fromField(dtype, t);
    if (values === null && n > 0) return `holds no values for shape [${dims.join(', ')}]`;
    data = values ?? fromRaw(dtype, new Uint8Array(0));
    if (data.length !== n) return `holds ${data.length} values; shape [${dims.join(', ')}] needs ${n}`;
  }
  return { name, dims, dtype, data };
}
