/**
 * Packed int4 weights (CMSIS-NN *_s4 kernels, TFLite int4 weights): two signed 4-bit values per byte,
 * element k in byte k >> 1, the low nibble for even k and the high nibble for odd k, across the whole
 * tensor in its usual layout. Kernels with int4 weights compute exactly as their int8 twins on the
 * unpacked values, so the simulator unpacks once and reuses the int8 kernels.
 */

export function unpackInt4(packed: ArrayLike<number>, count: number): Int8Array {
  const out = new Int8Array(count);
  for (let k = 0; k < count; k++) {
    const byte = packed[k >> 1]! & 0xff;
    const nibble = k & 1 ? byte >> 4 : byte & 0x0f;
    out[k] = nibble >= 8 ? nibble - 16 : nibble;
  }
  return out;
}
