/**
 * `--weights blob`: every constant array of the model goes into `weights.bin` instead of the C, so
 * firmware can place it in external flash or replace it over the air; the C reads it through the
 * context (`<prefix>_set_weights`), which checks it first. The file is a 32-byte header, then the
 * payload (the arrays, each aligned as the C would align it):
 *
 *   offset  0  u32  magic 'EDGW'
 *           4  u32  layout version (1)
 *           8  u32  header bytes (32)
 *          12  u32  payload bytes
 *          16  u32  CRC-32 (IEEE 802.3) of the payload
 *          20  u32  model id, low word   (the first 8 bytes of the int8 graph's sha256)
 *          24  u32  model id, high word
 *          28  u32  0
 *
 * All little-endian. The C refuses a blob whose magic, version, sizes or model id differ from what it
 * was compiled for, or whose payload does not match its CRC.
 */
import type { CType } from '../cgen/c.ts';

export type WeightsMode = 'c' | 'blob';
export const WEIGHTS_MODES: readonly WeightsMode[] = ['c', 'blob'];

export const BLOB_MAGIC = 0x57474445; // 'EDGW' read as a little-endian u32
export const BLOB_LAYOUT_VERSION = 1;
export const BLOB_HEADER_BYTES = 32;

const BYTES: Record<CType, number> = { int8_t: 1, uint8_t: 1, int16_t: 2, uint16_t: 2, int32_t: 4, int64_t: 8 };

export class WeightsBlob {
  private readonly parts: Uint8Array[] = [];
  private size = 0;

  /** Appends an array aligned to `align` bytes; returns its offset in the payload. */
  add(data: ArrayLike<number>, ctype: CType, align: number): number {
    const pad = (align - (this.size % align)) % align;
    if (pad) this.push(new Uint8Array(pad));
    const offset = this.size;
    const n = BYTES[ctype];
    const bytes = new Uint8Array(Math.max(data.length, 1) * n);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (n === 1) view.setInt8(i, ctype === 'uint8_t' ? (v << 24) >> 24 : v);
      else if (n === 2) view.setInt16(i * 2, v, true);
      else if (n === 4) view.setInt32(i * 4, v, true);
      else view.setBigInt64(i * 8, BigInt(v), true);
    }
    this.push(bytes);
    return offset;
  }

  private push(b: Uint8Array): void {
    this.parts.push(b);
    this.size += b.length;
  }

  get payloadBytes(): number {
    return this.size;
  }

  /** The file: header and payload. */
  file(modelHash: string): Buffer {
    const payload = Buffer.concat(this.parts);
    const header = Buffer.alloc(BLOB_HEADER_BYTES);
    header.writeUInt32LE(BLOB_MAGIC, 0);
    header.writeUInt32LE(BLOB_LAYOUT_VERSION, 4);
    header.writeUInt32LE(BLOB_HEADER_BYTES, 8);
    header.writeUInt32LE(payload.length, 12);
    header.writeUInt32LE(crc32(payload), 16);
    const [lo, hi] = modelId(modelHash);
    header.writeUInt32LE(lo, 20);
    header.writeUInt32LE(hi, 24);
    return Buffer.concat([header, payload]);
  }
}

/** The model id the C is compiled with: the first 8 bytes of the graph's sha256, as two u32 words. */
export function modelId(modelHash: string): [number, number] {
  const b = Buffer.from(modelHash.slice(0, 16), 'hex');
  return [b.readUInt32LE(0), b.readUInt32LE(4)];
}

/** CRC-32 (IEEE 802.3, reflected, as zlib), nibble at a time like the C twin in the model. */
export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of data) {
    c ^= byte;
    c = (c >>> 4) ^ NIBBLE[c & 15]!;
    c = (c >>> 4) ^ NIBBLE[c & 15]!;
  }
  return (c ^ 0xffffffff) >>> 0;
}

/** CRC-32 of each nibble value, for the nibble-wise loop (16 entries: small enough for any flash). */
export const NIBBLE: readonly number[] = Array.from({ length: 16 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 4; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  return c >>> 0;
});
