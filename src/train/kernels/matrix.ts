/**
 * Small dense matrix helpers of the fused layers (recurrent, causal convolution): row-major
 * Float32Arrays addressed by offset and row stride, so a sub-matrix (one gate's columns, one time
 * step's rows of a [batch, time, ...] array) is used in place without a copy.
 */
import { dot, dot4Into } from './util.ts';

/**
 * out[i, j] += sum_k a[i, k] * b[j, k] for i < m, j < n, k < kLen (A times B transposed), both operands
 * read along contiguous rows:
 *
 *   a: row i at aOff + i * aStride      b: row j at bOff + j * bStride      out: (i, j) at oOff + i * oStride + j
 *
 * In blocks of 4 x 4 outputs: each step of k loads 4 values of A and 4 of B for 16 products, with the
 * 16 sums in registers (the fused layers' matrices are small, so this, not memory, bounds them).
 */
export function gemmNT(
  m: number,
  n: number,
  kLen: number,
  a: Float32Array,
  aOff: number,
  aStride: number,
  b: Float32Array,
  bOff: number,
  bStride: number,
  out: Float32Array,
  oOff: number,
  oStride: number,
): void {
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const a0 = aOff + i * aStride;
    const a1 = a0 + aStride;
    const a2 = a1 + aStride;
    const a3 = a2 + aStride;
    const o0 = oOff + i * oStride;
    let j = 0;
    for (; j + 4 <= n; j += 4) block4x4(kLen, a, a0, a1, a2, a3, b, bOff + j * bStride, bStride, out, o0 + j, oStride);
    if (j < n) rowsTimesB(4, n - j, kLen, a, a0, aStride, b, bOff + j * bStride, bStride, out, o0 + j, oStride);
  }
  if (i < m) rowsTimesB(m - i, n, kLen, a, aOff + i * aStride, aStride, b, bOff, bStride, out, oOff + i * oStride, oStride);
}

function block4x4(kLen: number, a: Float32Array, a0: number, a1: number, a2: number, a3: number, b: Float32Array, b0: number, bStride: number, out: Float32Array, o: number, oStride: number): void {
  const b1 = b0 + bStride;
  const b2 = b1 + bStride;
  const b3 = b2 + bStride;
  let s00 = 0;
  let s01 = 0;
  let s02 = 0;
  let s03 = 0;
  let s10 = 0;
  let s11 = 0;
  let s12 = 0;
  let s13 = 0;
  let s20 = 0;
  let s21 = 0;
  let s22 = 0;
  let s23 = 0;
  let s30 = 0;
  let s31 = 0;
  let s32 = 0;
  let s33 = 0;
  for (let k = 0; k < kLen; k++) {
    const w0 = b[b0 + k]!;
    const w1 = b[b1 + k]!;
    const w2 = b[b2 + k]!;
    const w3 = b[b3 + k]!;
    let x = a[a0 + k]!;
    s00 += x * w0;
    s01 += x * w1;
    s02 += x * w2;
    s03 += x * w3;
    x = a[a1 + k]!;
    s10 += x * w0;
    s11 += x * w1;
    s12 += x * w2;
    s13 += x * w3;
    x = a[a2 + k]!;
    s20 += x * w0;
    s21 += x * w1;
    s22 += x * w2;
    s23 += x * w3;
    x = a[a3 + k]!;
    s30 += x * w0;
    s31 += x * w1;
    s32 += x * w2;
    s33 += x * w3;
  }
  out[o]! += s00;
  out[o + 1]! += s01;
  out[o + 2]! += s02;
  out[o + 3]! += s03;
  o += oStride;
  out[o]! += s10;
  out[o + 1]! += s11;
  out[o + 2]! += s12;
  out[o + 3]! += s13;
  o += oStride;
  out[o]! += s20;
  out[o + 1]! += s21;
  out[o + 2]! += s22;
  out[o + 3]! += s23;
  o += oStride;
  out[o]! += s30;
  out[o + 1]! += s31;
  out[o + 2]! += s32;
  out[o + 3]! += s33;
}

/** gemmNT's edges (fewer than 4 rows or columns left): one row of A against 4 rows of B, then single dots. */
function rowsTimesB(
  m: number,
  n: number,
  kLen: number,
  a: Float32Array,
  aOff: number,
  aStride: number,
  b: Float32Array,
  bOff: number,
  bStride: number,
  out: Float32Array,
  oOff: number,
  oStride: number,
): void {
  for (let i = 0; i < m; i++) {
    const ai = aOff + i * aStride;
    const oi = oOff + i * oStride;
    let j = 0;
    for (; j + 4 <= n; j += 4) dot4Into(a, ai, b, bOff + j * bStride, bStride, kLen, out, oi + j, 1);
    for (; j < n; j++) out[oi + j]! += dot(a, ai, b, bOff + j * bStride, kLen);
  }
}

/**
 * out[i, j] += sum_p a[p, i] * b[p, j] for i < m, j < n, p < pLen (A transposed times B; a weight
 * gradient: inputs^T . output gradients, summed over positions), without transposing either operand:
 *
 *   a: (p, i) at aOff + p * aStride + i      b: (p, j) at bOff + p * bStride + j      out: (i, j) at oOff + i * oStride + j
 *
 * In blocks of 4 x 4 outputs, each p loading 4 adjacent values of each operand; a last partial block
 * of rows goes one row at a time against 4 columns, and a last partial block of columns one at a time.
 */
export function gemmTN(
  m: number,
  n: number,
  pLen: number,
  a: Float32Array,
  aOff: number,
  aStride: number,
  b: Float32Array,
  bOff: number,
  bStride: number,
  out: Float32Array,
  oOff: number,
  oStride: number,
): void {
  for (let i = 0; i < m; i += 4) {
    const rows = m - i < 4 ? m - i : 4;
    let j = 0;
    if (rows === 4) for (; j + 4 <= n; j += 4) blockTN4x4(pLen, a, aOff + i, aStride, b, bOff + j, bStride, out, oOff + i * oStride + j, oStride);
    else for (; j + 4 <= n; j += 4) for (let r = i; r < i + rows; r++) blockTN1x4(pLen, a, aOff + r, aStride, b, bOff + j, bStride, out, oOff + r * oStride + j);
    for (; j < n; j++) for (let r = i; r < i + rows; r++) out[oOff + r * oStride + j]! += columnDot(pLen, a, aOff + r, aStride, b, bOff + j, bStride);
  }
}

function columnDot(pLen: number, a: Float32Array, ai: number, aStride: number, b: Float32Array, bj: number, bStride: number): number {
  let s = 0;
  for (let p = 0; p < pLen; p++) s += a[ai + p * aStride]! * b[bj + p * bStride]!;
  return s;
}

function blockTN1x4(pLen: number, a: Float32Array, ai: number, aStride: number, b: Float32Array, bj: number, bStride: number, out: Float32Array, o: number): void {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let p = 0; p < pLen; p++) {
    const x = a[ai + p * aStride]!;
    const bp = bj + p * bStride;
    s0 += x * b[bp]!;
    s1 += x * b[bp + 1]!;
    s2 += x * b[bp + 2]!;
    s3 += x * b[bp + 3]!;
  }
  out[o]! += s0;
  out[o + 1]! += s1;
  out[o + 2]! += s2;
  out[o + 3]! += s3;
}

function blockTN4x4(pLen: number, a: Float32Array, ai: number, aStride: number, b: Float32Array, bj: number, bStride: number, out: Float32Array, o: number, oStride: number): void {
  let s00 = 0;
  let s01 = 0;
  let s02 = 0;
  let s03 = 0;
  let s10 = 0;
  let s11 = 0;
  let s12 = 0;
  let s13 = 0;
  let s20 = 0;
  let s21 = 0;
  let s22 = 0;
  let s23 = 0;
  let s30 = 0;
  let s31 = 0;
  let s32 = 0;
  let s33 = 0;
  for (let p = 0; p < pLen; p++) {
    const ap = ai + p * aStride;
    const bp = bj + p * bStride;
    const w0 = b[bp]!;
    const w1 = b[bp + 1]!;
    const w2 = b[bp + 2]!;
    const w3 = b[bp + 3]!;
    let x = a[ap]!;
    s00 += x * w0;
    s01 += x * w1;
    s02 += x * w2;
    s03 += x * w3;
    x = a[ap + 1]!;
    s10 += x * w0;
    s11 += x * w1;
    s12 += x * w2;
    s13 += x * w3;
    x = a[ap + 2]!;
    s20 += x * w0;
    s21 += x * w1;
    s22 += x * w2;
    s23 += x * w3;
    x = a[ap + 3]!;
    s30 += x * w0;
    s31 += x * w1;
    s32 += x * w2;
    s33 += x * w3;
  }
  out[o]! += s00;
  out[o + 1]! += s01;
  out[o + 2]! += s02;
  out[o + 3]! += s03;
  o += oStride;
  out[o]! += s10;
  out[o + 1]! += s11;
  out[o + 2]! += s12;
  out[o + 3]! += s13;
  o += oStride;
  out[o]! += s20;
  out[o + 1]! += s21;
  out[o + 2]! += s22;
  out[o + 3]! += s23;
  o += oStride;
  out[o]! += s30;
  out[o + 1]! += s31;
  out[o + 2]! += s32;
  out[o + 3]! += s33;
}

/** The [cols, rows] transpose of a row-major [rows, cols] matrix. */
export function transpose(src: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = src[r * cols + c]!;
  return t;
}

/** Sum of each column of a row-major [rows, cols] matrix. */
export function columnSums(src: Float32Array, rows: number, cols: number): Float32Array {
  const s = new Float32Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) s[c]! += src[r * cols + c]!;
  return s;
}
