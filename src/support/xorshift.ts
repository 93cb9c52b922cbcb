/**
 * xorshift32: the project's one seeded generator. Its bytes are the deterministic pseudo-random
 * inputs of verification, budgets and the sample inputs of folders compiled without calibration data
 * (the same generator the design's TFLite Micro reference figures use); its words shuffle and sample
 * training data.
 */

/** The stream of xorshift32 states after `seed` (0 is taken as 1), each a uint32. */
export function xorshift32(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

export function xorshift32Bytes(count: number, seed: number): Int8Array {
  const next = xorshift32(seed);
  const out = new Int8Array(count);
  for (let i = 0; i < count; i++) out[i] = next() & 0xff;
  return out;
}
