/**
 * Where everything is in a .tflite file: the absolute byte positions of the fields the mutator
 * overwrites, found by walking the file with the project's own reader (FlatBuffer / Table). Only
 * valid seed models are walked; the map of the seed stays valid while a mutant is built, because
 * mutations overwrite bytes in place or append new data after the end of the file.
 *
 *   table  @pos: [i32 soffset: pos - vtable]            -> TableRef (pos, vtable, one entry per field)
 *   field  @table.field(i)                               -> scalar, or [u32 uoffset] to a vector/table/string
 *   vector @target: [u32 length][elements]              -> VectorRef (at = where its uoffset is stored)
 */
import { FlatBuffer, type Table } from '../formats/flatbuffer.ts';
import { BUILTIN } from '../formats/tflite-schema.ts';

export interface TableRef {
  kind: string;
  name: string;
  pos: number;
  vtable: number;
  vtableSize: number;
  table: Table;
}

/** A vector or string: `at` holds the u32 offset to `lengthPos`; elements follow the length. */
export interface VectorRef {
  what: string;
  at: number;
  lengthPos: number;
  start: number;
  length: number;
  elementSize: number;
}

/** A u32 offset stored at `at` that points to `target` (a table, vector or string). */
export interface OffsetRef {
  what: string;
  at: number;
  target: number;
  kind: 'table' | 'vector' | 'string';
}

export interface TensorRef {
  index: number;
  t: TableRef;
  name: string;
  type: number;
  buffer: number;
  shape: VectorRef | null;
  nameRef: VectorRef | null;
  quant: TableRef | null;
  scale: VectorRef | null;
  zeroPoint: VectorRef | null;
}

export interface OperatorRef {
  index: number;
  t: TableRef;
  op: string;
  opcode: number;
  inputs: VectorRef | null;
  outputs: VectorRef | null;
  options: TableRef | null;
}

export interface OpcodeRef {
  index: number;
  t: TableRef;
  op: string;
}

export interface BufferRef {
  index: number;
  t: TableRef;
  data: VectorRef | null;
}

export interface TfliteMap {
  bytes: Uint8Array;
  model: TableRef;
  subgraph: TableRef;
  opcodes: OpcodeRef[];
  tensors: TensorRef[];
  operators: OperatorRef[];
  buffers: BufferRef[];
  inputs: VectorRef | null;
  outputs: VectorRef | null;
  tables: TableRef[];
  vectors: VectorRef[];
  offsets: OffsetRef[];
}

class Walker {
  readonly tables: TableRef[] = [];
  readonly vectors: VectorRef[] = [];
  readonly offsets: OffsetRef[] = [];
  constructor(readonly fb: FlatBuffer) {}

  tableRef(t: Table, kind: string): TableRef {
    const vtable = t.pos - this.fb.i32(t.pos);
    const ref: TableRef = { kind, name: t.name, pos: t.pos, vtable, vtableSize: this.fb.u16(vtable), table: t };
    this.tables.push(ref);
    return ref;
  }

  /** The vector (or string) of field `index`, or null when absent. */
  vector(t: Table, index: number, elementSize: number, what: string, kind: 'vector' | 'string' = 'vector'): VectorRef | null {
    const at = t.field(index);
    if (at === 0) return null;
    const lengthPos = at + this.fb.u32(at);
    const v: VectorRef = { what, at, lengthPos, start: lengthPos + 4, length: this.fb.u32(lengthPos), elementSize };
    this.vectors.push(v);
    this.offsets.push({ what, at, target: lengthPos, kind });
    return v;
  }

  /** The sub-table of field `index`, or null when absent. */
  table(t: Table, index: number, kind: string, name: string): TableRef | null {
    const at = t.field(index);
    const sub = t.table(index, name);
    if (!sub) return null;
    this.offsets.push({ what: `${t.name}.${kind}`, at, target: sub.pos, kind: 'table' });
    return this.tableRef(sub, kind);
  }

  /** The tables of a vector-of-tables field, with each element's offset recorded. */
  tables_(t: Table, index: number, kind: string, name: string): TableRef[] {
    const v = this.vector(t, index, 4, `${t.name}.${name}`);
    if (!v) return [];
    return t.tables(index, name).map((sub, i) => {
      this.offsets.push({ what: `${name}[${i}]`, at: v.start + 4 * i, target: sub.pos, kind: 'table' });
      return this.tableRef(sub, kind);
    });
  }
}

/** Walks a valid .tflite file (first subgraph only, as the importer does). */
export function mapTflite(bytes: Uint8Array, file = 'seed.tflite'): TfliteMap {
  const fb = new FlatBuffer(bytes, file);
  const w = new Walker(fb);
  const root = fb.root();
  w.offsets.push({ what: 'root', at: 0, target: root.pos, kind: 'table' });
  const model = w.tableRef(root, 'Model');
  const opcodes = w.tables_(root, 1, 'OperatorCode', 'operator_codes').map((t, index): OpcodeRef => {
    const code = Math.max(t.table.int(0, 0, 'i8'), t.table.int(3, 0));
    w.vector(t.table, 1, 1, `operator_codes[${index}].custom_code`, 'string');
    return { index, t, op: BUILTIN[code] ?? `BUILTIN_${code}` };
  });
  const buffers = w.tables_(root, 4, 'Buffer', 'buffers').map((t, index): BufferRef => ({ index, t, data: w.vector(t.table, 0, 1, `buffers[${index}].data`) }));
  const subgraph = w.tables_(root, 2, 'SubGraph', 'subgraphs')[0];
  if (!subgraph) throw new Error(`${file}: seed model has no subgraph`);
  const sg = subgraph.table;
  const tensors = w.tables_(sg, 0, 'Tensor', 'tensors').map((t, index): TensorRef => {
    const quant = w.table(t.table, 4, 'QuantizationParameters', `tensors[${index}].quantization`);
    return {
      index,
      t,
      name: t.table.string(3),
      type: t.table.int(1, 0, 'u8'),
      buffer: t.table.int(2, 0, 'u32'),
      shape: w.vector(t.table, 0, 4, `tensors[${index}].shape`),
      nameRef: w.vector(t.table, 3, 1, `tensors[${index}].name`, 'string'),
      quant,
      scale: quant ? w.vector(quant.table, 2, 4, `tensors[${index}].quantization.scale`) : null,
      zeroPoint: quant ? w.vector(quant.table, 3, 8, `tensors[${index}].quantization.zero_point`) : null,
    };
  });
  const operators = w.tables_(sg, 3, 'Operator', 'operators').map((t, index): OperatorRef => {
    const opcode = t.table.int(0, 0, 'u32');
    return {
      index,
      t,
      opcode,
      op: opcodes[opcode]?.op ?? `opcode${opcode}`,
      inputs: w.vector(t.table, 1, 4, `operators[${index}].inputs`),
      outputs: w.vector(t.table, 2, 4, `operators[${index}].outputs`),
      options: w.table(t.table, 4, 'Options', `operators[${index}].builtin_options`),
    };
  });
  const inputs = w.vector(sg, 1, 4, 'subgraph.inputs');
  const outputs = w.vector(sg, 2, 4, 'subgraph.outputs');
  w.vector(sg, 4, 1, 'subgraph.name', 'string');
  return { bytes, model, subgraph, opcodes, tensors, operators, buffers, inputs, outputs, tables: w.tables, vectors: w.vectors, offsets: w.offsets };
}
