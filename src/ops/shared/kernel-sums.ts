/**
 * Kernel sums (input offset folded into the bias), computed at compile time. CMSIS-NN's MVE
 * matrix-vector kernels (arm_fully_connected_s8, arm_svdf_s8) read them from their context buffer, and
 * the portable folded fully connected kernel takes them as its bias; per output row r:
 *
 *   sum[r] = bias[r] + lhs_offset * (sum_c w[r][c] + cols * rhs_offset)
 *
 * (what `arm_vector_sum_s8` computes at run time), with int32 wrap-around as in C. Computing them
 * here lets the generated code keep them in flash instead of recomputing them into RAM.
 */
export function vectorSumS8(weights: ArrayLike<number>, cols: number, rows: number, lhsOffset: number, rhsOffset: number, bias: ArrayLike<number> | null): Int32Array {
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let acc = bias ? bias[r]! | 0 : 0;
    if (lhsOffset !== 0) {
      let s = 0;
      for (let c = 0; c < cols; c++) s = (s + weights[r * cols + c]!) | 0;
      if (rhsOffset !== 0) s = (s + Math.imul(cols, rhsOffset)) | 0;
      acc = (acc + Math.imul(s, lhsOffset)) | 0;
    }
    out[r] = acc;
  }
  return out;
}

/**
 * The same for a depthwise filter [taps][channels] (channel multiplier 1): per channel c,
 * bias[c] + lhs_offset * sum_t w[t][c], with int32 wrap-around.
 */
export function depthwiseKernelSums(weights: ArrayLike<number>, taps: number, channels: number, lhsOffset: number, bias: ArrayLike<number> | null): Int32Array {
  const out = new Int32Array(channels);
  for (let c = 0; c < channels; c++) {
    let s = 0;
    for (let t = 0; t < taps; t++) s = (s + weights[t * channels + c]!) | 0;
    out[c] = ((bias ? bias[c]! | 0 : 0) + Math.imul(s, lhsOffset)) | 0;
  }
  return out;
}
