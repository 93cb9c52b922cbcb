/**
 * Constant folding at import: exporters compute shapes in the graph (PyTorch's `x.view(x.size(0), -1)`
 * is Shape -> Gather -> Unsqueeze -> Concat -> Reshape) and sometimes transform weights there
 * (Transpose of an initializer before MatMul). Every shape is known at import, so such subgraphs
 * become constants; nothing of them reaches the IR.
 *
 * `foldNode` returns the node's outputs as constants, null when the node is not constant (the
 * family mapping imports it), or a reason when its constants cannot be evaluated.
 */
import type { OnnxData, OnnxDType, OnnxNode, OnnxTensor } from '../formats/onnx.ts';
import { attrInt, attrInts, axisOf, permuteData, reshapeDims } from '../ops/shared/onnx.ts';

/** A constant input, or the dims of an activation input (for Shape). */
export type FoldInput = { kind: 'const'; t: OnnxTensor } | { kind: 'act'; dims: number[] } | undefined;

const MAX_FOLDED = 1 << 20;
const prod = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

const make = (dims: number[], dtype: OnnxDType, data: OnnxData): OnnxTensor => ({ name: '', dims, dtype, data });
const ints = (values: readonly number[]): OnnxTensor => make([values.length], 'int64', Float64Array.from(values));

function alloc(dtype: OnnxDType, n: number): OnnxData {
  if (n > MAX_FOLDED) throw new RangeError(`a folded constant of ${n} values`);
  switch (dtype) {
    case 'float32':
      return new Float32Array(n);
    case 'int8':
      return new Int8Array(n);
    case 'uint8':
    case 'bool':
      return new Uint8Array(n);
    case 'int16':
      return new Int16Array(n);
    case 'int32':
      return new Int32Array(n);
    default:
      return new Float64Array(n);
  }
}

function gather(t: OnnxTensor, idx: OnnxTensor, axisAttr: number): OnnxTensor | string {
  const axis = axisOf(axisAttr, t.dims.length);
  if (axis === null) return `axis ${axisAttr} is outside the data's ${t.dims.length} axes`;
  const outer = prod(t.dims.slice(0, axis));
  const inner = prod(t.dims.slice(axis + 1));
  const size = t.dims[axis]!;
  const picks = Array.from(idx.data, (v) => (v < 0 ? v + size : v));
  if (picks.some((p) => !Number.isInteger(p) || p < 0 || p >= size)) return `an index is outside [0, ${size})`;
  const out = alloc(t.dtype, outer * picks.length * inner);
  let o = 0;
  for (let a = 0; a < outer; a++) for (const p of picks) for (let b = 0; b < inner; b++) out[o++] = t.data[(a * size + p) * inner + b]!;
  return make([...t.dims.slice(0, axis), ...idx.dims, ...t.dims.slice(axis + 1)], t.dtype, out);
}

function concat(ts: OnnxTensor[], axisAttr: number): OnnxTensor | string {
  const rank = ts[0]!.dims.length;
  const axis = axisOf(axisAttr, rank);
  if (axis === null || ts.some((t) => t.dims.length !== rank || t.dtype !== ts[0]!.dtype)) return 'inputs differ in rank or type, or the axis is outside them';
  const outer = prod(ts[0]!.dims.slice(0, axis));
  if (ts.some((t) => prod(t.dims.slice(0, axis)) !== outer)) return 'inputs differ in shape';
  const dims = [...ts[0]!.dims];
  dims[axis] = ts.reduce((a, t) => a + t.dims[axis]!, 0);
  const out = alloc(ts[0]!.dtype, prod(dims));
  let o = 0;
  for (let a = 0; a < outer; a++)
    for (const t of ts) {
      const block = prod(t.dims.slice(axis));
      for (let b = 0; b < block; b++) out[o++] = t.data[a * block + b]!;
    }
  return make(dims, ts[0]!.dtype, out);
}

function arithmetic(op: string, a: OnnxTensor, b: OnnxTensor): OnnxTensor | string {
  const [big, small] = prod(a.dims) >= prod(b.dims) ? [a, b] : [b, a];
  if (prod(small.dims) !== 1 && (small.dims.length !== big.dims.length || small.dims.some((d, i) => d !== big.dims[i]))) return 'only same-shape or scalar operands fold';
  const out = alloc(a.dtype, prod(big.dims));
  const isInt = a.dtype !== 'float32' && a.dtype !== 'float64';
  for (let i = 0; i < out.length; i++) {
    const x = Number(a.data[prod(a.dims) === 1 ? 0 : i]);
    const y = Number(b.data[prod(b.dims) === 1 ? 0 : i]);
    const v = op === 'Add' ? x + y : op === 'Sub' ? x - y : op === 'Mul' ? x * y : isInt ? Math.trunc(x / y) : x / y;
    out[i] = v;
  }
  return make([...big.dims], a.dtype, out);
}

function slice(t: OnnxTensor, starts: number[], ends: number[], axes: number[] | undefined, steps: number[] | undefined): OnnxTensor | string {
  if (t.dims.length !== 1) return 'only 1-D constants slice at import';
  if (starts.length !== 1 || ends.length !== 1 || (axes && (axes.length !== 1 || axisOf(axes[0]!, 1) !== 0))) return 'starts, ends and axes must name the one axis';
  const step = steps?.[0] ?? 1;
  const n = t.dims[0]!;
  if (step !== 1) return 'only step 1 folds';
  const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + n : v, 0), n);
  const [s, e] = [clamp(starts[0]!), clamp(ends[0]!)];
  const out = t.data.slice(s, Math.max(s, e));
  return make([out.length], t.dtype, out);
}

const CAST_TYPES: Record<number, OnnxDType> = { 1: 'float32', 2: 'uint8', 3: 'int8', 5: 'int16', 6: 'int32', 7: 'int64', 9: 'bool', 11: 'float64' };

function constantNode(n: OnnxNode): OnnxTensor | string {
  const a = [...n.attrs.values()][0];
  if (n.attrs.size !== 1 || !a) return 'a Constant needs exactly one value attribute';
  if (a.name === 'value' && a.t) return a.t;
  if (a.name === 'value_float' && a.f !== undefined) return make([], 'float32', Float32Array.of(a.f));
  if (a.name === 'value_floats' && a.floats) return make([a.floats.length], 'float32', Float32Array.from(a.floats));
  if (a.name === 'value_int' && a.i !== undefined) return make([], 'int64', Float64Array.of(a.i));
  if (a.name === 'value_ints' && a.ints) return ints(a.ints);
  return `Constant attribute '${a.name}' is not supported (value, value_float(s), value_int(s))`;
}

/** The node's outputs as constants; null when it is not a constant computation; a reason when it cannot fold. */
export function foldNode(n: OnnxNode, inputs: FoldInput[], opset: number): OnnxTensor[] | null | string {
  if (n.opType === 'Constant') {
    const t = constantNode(n);
    return typeof t === 'string' ? t : [t];
  }
  if (n.opType === 'Shape' && inputs[0]?.kind) {
    const dims = inputs[0].kind === 'act' ? inputs[0].dims : inputs[0].t.dims;
    const r = dims.length;
    const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
    return [ints(dims.slice(clamp(attrInt(n, 'start', 0)), clamp(attrInt(n, 'end', r))))];
  }
  const present = inputs.filter((x) => x !== undefined);
  if (present.length === 0 || present.some((x) => x.kind !== 'const')) return null;
  const t = inputs.map((x) => (x?.kind === 'const' ? x.t : undefined));
  const x = t[0]!;
  const axesOf = () => attrInts(n, 'axes') ?? (t[1] ? Array.from(t[1].data) : undefined);
  let r: OnnxTensor | string;
  switch (n.opType) {
    case 'Identity':
      r = x;
      break;
    case 'Cast': {
      const to = CAST_TYPES[attrInt(n, 'to', 0)];
      if (!to) return `Cast to type code ${attrInt(n, 'to', 0)} does not fold`;
      const out = alloc(to, x.data.length);
      for (let i = 0; i < out.length; i++) out[i] = to === 'float32' || to === 'float64' ? Number(x.data[i]) : Math.trunc(Number(x.data[i]));
      r = make([...x.dims], to, out);
      break;
    }
    case 'Gather':
      r = t[1] ? gather(x, t[1], attrInt(n, 'axis', 0)) : 'Gather needs indices';
      break;
    case 'Concat':
      r = concat(
        t.filter((v): v is OnnxTensor => v !== undefined),
        attrInt(n, 'axis', 0),
      );
      break;
    case 'Unsqueeze': {
      const axes = axesOf() ?? [];
      const rank = x.dims.length + axes.length;
      const at = axes.map((a) => axisOf(a, rank));
      if (at.some((a) => a === null)) return 'an axis is out of range';
      const dims = [...x.dims];
      for (const a of [...(at as number[])].sort((p, q) => p - q)) dims.splice(a, 0, 1);
      r = { ...x, dims };
      break;
    }
    case 'Squeeze': {
      const axes = (axesOf() ?? x.dims.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0)).map((a) => axisOf(a, x.dims.length));
      if (axes.some((a) => a === null || x.dims[a] !== 1)) return 'an axis is out of range or not of extent 1';
      r = { ...x, dims: x.dims.filter((_, i) => !axes.includes(i)) };
      break;
    }
    case 'Reshape': {
      const dims = t[1] ? reshapeDims(x.dims, Array.from(t[1].data), attrInt(n, 'allowzero', 0) === 1) : 'Reshape needs a shape';
      r = typeof dims === 'string' ? dims : { ...x, dims };
      break;
    }
    case 'Flatten': {
      const axis = axisOf(attrInt(n, 'axis', 1), x.dims.length + 1);
      if (axis === null) return 'axis is out of range';
      r = { ...x, dims: [prod(x.dims.slice(0, axis)), prod(x.dims.slice(axis))] };
      break;
    }
    case 'Transpose': {
      const perm = attrInts(n, 'perm') ?? x.dims.map((_, i) => x.dims.length - 1 - i);
      if (perm.length !== x.dims.length || [...perm].sort((p, q) => p - q).some((v, i) => v !== i)) return 'perm is not a permutation of the axes';
      r = make(
        perm.map((p) => x.dims[p]!),
        x.dtype,
        permuteData(x.data, x.dims, perm),
      );
      break;
    }
    case 'Add':
    case 'Sub':
    case 'Mul':
    case 'Div':
      if (!t[1] || t[1].dtype !== x.dtype) return 'operands differ in type';
      r = arithmetic(n.opType, x, t[1]);
      break;
    case 'Slice':
      if (opset < 10) r = slice(x, attrInts(n, 'starts') ?? [], attrInts(n, 'ends') ?? [], attrInts(n, 'axes'), undefined);
      else r = slice(x, Array.from(t[1]?.data ?? []), Array.from(t[2]?.data ?? []), t[3] ? Array.from(t[3].data) : undefined, t[4] ? Array.from(t[4].data) : undefined);
      break;
    case 'Expand': {
      // numpy broadcasting of a constant (PyTorch's zero initial states are expanded to the batch).
      const shape = Array.from(t[1]?.data ?? []);
      const rank = Math.max(shape.length, x.dims.length);
      const xd = [...new Array<number>(rank - x.dims.length).fill(1), ...x.dims];
      const sd = [...new Array<number>(rank - shape.length).fill(1), ...shape];
      if (sd.some((d, i) => !Number.isInteger(d) || d < 0 || (d !== xd[i] && d !== 1 && xd[i] !== 1))) return 'the shape does not broadcast';
      const dims = xd.map((d, i) => Math.max(d, sd[i]!));
      const out = alloc(x.dtype, prod(dims));
      const outStrides = dims.map((_, i) => prod(dims.slice(i + 1)));
      const inStrides = xd.map((_, i) => prod(xd.slice(i + 1)));
      for (let o = 0; o < out.length; o++) {
        let src = 0;
        for (let a = 0; a < rank; a++) if (xd[a] !== 1) src += (Math.floor(o / outStrides[a]!) % dims[a]!) * inStrides[a]!;
        out[o] = x.data[src]!;
      }
      r = make(dims, x.dtype, out);
      break;
    }
    case 'ConstantOfShape': {
      const dims = Array.from(x.data);
      if (dims.some((d) => !Number.isInteger(d) || d < 0)) return 'the shape holds a negative or non-integer extent';
      const v = n.attrs.get('value')?.t;
      const out = alloc(v?.dtype ?? 'float32', prod(dims));
      out.fill(v ? Number(v.data[0] ?? 0) : 0);
      r = make(dims, v?.dtype ?? 'float32', out);
      break;
    }
    default:
      return null;
  }
  return typeof r === 'string' ? r : [r];
}
