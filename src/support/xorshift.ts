/**
 * xorshift32 bytes: the deterministic pseudo-random inputs of verification, budgets and the sample
 * inputs of folders compiled without calibration data (the same generator the design's TFLite Micro
 * reference figures use).
 */
export function xorshift32Bytes(count: number, seed: number): Int8Array {
  let s = seed >>> 0 || 1;
  const out = new Int8Array(count);
  for (let i = 0; i < count; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = s & 0xff;
  }
  return out;
}
