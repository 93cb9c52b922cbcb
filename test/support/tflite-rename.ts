/**
 * Test helper: a copy of a .tflite file whose tensor names are replaced by any strings (of any length),
 * appended at the end of the file with each name field's offset pointed at them. FlatBuffers offsets
 * are unsigned and forward, and the end of the file is after every field, so the result stays valid.
 */
import { FlatBuffer } from '../../src/formats/flatbuffer.ts';

export function renameTfliteTensors(bytes: Uint8Array, rename: (index: number, old: string) => string): Uint8Array {
  const fb = new FlatBuffer(bytes, 'rename');
  const tensors = fb.root().tables(2, 'subgraphs')[0]!.tables(0, 'tensors');
  const tail: number[] = [];
  const patches: { at: number; target: number }[] = [];
  const end = bytes.length + ((4 - (bytes.length % 4)) % 4);
  tensors.forEach((t, i) => {
    const at = t.field(3);
    if (at === 0) return; // nameless tensor: leave it
    const name = Buffer.from(rename(i, t.string(3)), 'utf8');
    const pos = end + tail.length;
    const len = Buffer.alloc(4);
    len.writeUInt32LE(name.length);
    tail.push(...len, ...name, 0);
    while ((end + tail.length) % 4 !== 0) tail.push(0);
    patches.push({ at, target: pos });
  });
  const out = new Uint8Array(end + tail.length);
  out.set(bytes);
  out.set(tail, end);
  const view = new DataView(out.buffer);
  for (const p of patches) view.setUint32(p.at, p.target - p.at, true);
  return out;
}
