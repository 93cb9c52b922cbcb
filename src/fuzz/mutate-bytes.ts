/**
 * .tflite mutations below the schema: the flatbuffer's own structure (vector lengths, u32 offsets,
 * table soffsets, vtables, the header) and plain byte noise (bit flips, random bytes and words,
 * appended garbage). Positions still come from the walk of the seed (tflite-map.ts), so a "random"
 * offset mutation hits a real offset. Used by the table in mutate-tflite.ts.
 */
import type { Rng } from './prng.ts';
import { HOSTILE_I32 } from './hostile.ts';
import { enc, type Patch } from './patch.ts';
import type { TfliteMap } from './tflite-map.ts';

export type Mutation = (m: TfliteMap, p: Patch, r: Rng) => string | null;

// ---- raw flatbuffer structure -----------------------------------------------------------------

export const vectorLength: Mutation = (m, p, r) => {
  if (m.vectors.length === 0) return null;
  const v = r.pick(m.vectors);
  const x = r.pick([0x7fffffff, 0xffffffff, 0x40000000, 0x3fffffff, v.length + 1, v.length * 2 + 3, 0]);
  p.u32(v.lengthPos, x);
  return `${v.what} length ${v.length} -> ${x >>> 0}`;
};

export const uoffset: Mutation = (m, p, r) => {
  if (m.offsets.length === 0) return null;
  const o = r.pick(m.offsets);
  const same = m.offsets.filter((x) => x.kind === o.kind && x.target > o.at && x.target !== o.target);
  const choices: [string, number][] = [
    ['0 (points at itself)', 0],
    ['0xffffffff', 0xffffffff],
    ['0x7fffffff', 0x7fffffff],
    ['just past the end of the file', p.length - o.at],
    ['a random position', r.int(p.length)],
    ['one byte further (misaligned)', o.target - o.at + 1],
    ['four bytes back', o.target - o.at - 4],
  ];
  if (same.length) {
    const s = r.pick(same);
    choices.push([`the target of ${s.what} (aliasing)`, s.target - o.at]);
  }
  const [label, rel] = r.pick(choices);
  p.u32(o.at, rel);
  return `uoffset of ${o.what} (${o.kind}) @${o.at} -> ${rel >>> 0}: ${label}`;
};

export const soffset: Mutation = (m, p, r) => {
  if (m.tables.length === 0) return null;
  const t = r.pick(m.tables);
  const other = r.pick(m.tables.filter((x) => x.kind !== t.kind).concat(m.tables));
  const choices: [string, number][] = [
    ['0 (the vtable is the table)', 0],
    ['4', 4],
    ['-4', -4],
    ['0x7fffffff', 0x7fffffff],
    ['-0x80000000', -0x80000000],
    [`a ${other.kind} vtable (type confusion)`, t.pos - other.vtable],
    ['the file start', t.pos],
    ['past the end', t.pos - p.length - 2],
  ];
  const [label, v] = r.pick(choices);
  p.i32(t.pos, v);
  return `soffset of ${t.name} (${t.kind}) @${t.pos} -> ${v}: ${label}`;
};

export const vtable: Mutation = (m, p, r) => {
  if (m.tables.length === 0) return null;
  const t = r.pick(m.tables);
  const entries = (t.vtableSize - 4) / 2;
  const kind = r.pick(['size', 'table-size', 'entry', 'entry']);
  if (kind === 'size') {
    const v = r.pick([0, 1, 2, 3, 5, t.vtableSize + 2, t.vtableSize + 40, 0xfffe, 0xffff]);
    p.u16(t.vtable, v);
    return `vtable of ${t.name} (${t.kind}, shared by tables with the same layout) size ${t.vtableSize} -> ${v}`;
  }
  if (kind === 'table-size') {
    p.u16(t.vtable + 2, r.pick([0, 1, 0xffff]));
    return `vtable of ${t.name} (${t.kind}) table size -> changed`;
  }
  if (entries <= 0) return null;
  const k = r.int(entries);
  const v = r.pick([0, 1, 2, 3, 0xfffc, 0xffff, r.int(0x10000), p.readU16(t.vtable + 4 + 2 * r.int(entries))]);
  p.u16(t.vtable + 4 + 2 * k, v);
  return `vtable of ${t.name} (${t.kind}) field ${k} offset -> ${v}`;
};

export const header: Mutation = (_m, p, r) => {
  const kind = r.pick(['root', 'root', 'ident', 'version']);
  if (kind === 'root') {
    const v = r.pick([0, 4, 8, p.length, p.length - 4, 0xffffffff, r.int(p.length)]);
    p.u32(0, v);
    return `root table offset -> ${v}`;
  }
  if (kind === 'ident') {
    const id = r.pick(['TFL2', 'TFL4', '\0\0\0\0', 'tfl3']);
    for (let i = 0; i < 4; i++) p.u8(4 + i, id.charCodeAt(i));
    return `file identifier -> ${JSON.stringify(id)}`;
  }
  return null;
};

export const modelVersion: Mutation = (m, p, r) => {
  const v = r.pick([0, 1, 2, 4, 0xffffffff]);
  if (p.setField(m.model, 0, enc.i32(v)) < 0) return null;
  return `model version -> ${v >>> 0}`;
};

// ---- unstructured -----------------------------------------------------------------------------

export const byteFlips: Mutation = (_m, p, r) => {
  const n = r.pick([1, 1, 2, 4, 8, 32]);
  const at: number[] = [];
  for (let i = 0; i < n; i++) {
    const pos = r.int(p.length);
    const bit = r.int(8);
    p.u8(pos, p.readU8(pos) ^ (1 << bit));
    at.push(pos);
  }
  return `${n} random bit flip(s) at bytes ${at.slice(0, 8).join(', ')}${n > 8 ? ', ...' : ''}`;
};

export const randomBytes: Mutation = (_m, p, r) => {
  const pos = r.int(p.length);
  const n = r.pick([1, 4, 16, 256]);
  const v: number | 'random' = r.pick<number | 'random'>(['random', 0x00, 0xff]);
  for (let i = 0; i < n; i++) p.u8(pos + i, v === 'random' ? r.int(256) : v);
  return `${n} byte(s) at ${pos} -> ${v === 'random' ? 'random' : `0x${v.toString(16)}`}`;
};

export const randomWord: Mutation = (_m, p, r) => {
  const pos = 4 * r.int(p.length / 4);
  const v = r.pick(HOSTILE_I32);
  p.i32(pos, v);
  return `i32 at ${pos} -> ${v}`;
};

export const appendGarbage: Mutation = (_m, p, r) => {
  const n = r.pick([1, 7, 1024]);
  p.append(
    Uint8Array.from({ length: n }, () => r.int(256)),
    1,
  );
  return `${n} garbage byte(s) appended`;
};
