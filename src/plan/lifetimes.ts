/**
 * Buffer lifetimes of an int8 graph, in op indices. An activation lives from the op that writes it
 * (graph inputs: from op 0, they are written before invoke) to the last op that reads it (graph
 * outputs: to the end, they are read after invoke). A reshape output is an alias: it takes no
 * buffer of its own and extends the lifetime of the buffer it shares. Constants live in flash and
 * are not planned. Scratch buffers live only during their op.
 */
import { tensorBytes, type Graph } from '../ir/graph.ts';

export interface BufferRequest {
  /** Tensor id, or a negative id for scratch buffers. */
  id: number;
  name: string;
  bytes: number;
  firstOp: number;
  lastOp: number;
}

export interface ScratchRequest {
  opIndex: number;
  bytes: number;
  name: string;
}

/** tensor id -> id of the tensor whose bytes it shares (reshape chains resolved to their root). */
export function aliasRoots(g: Graph): Map<number, number> {
  const roots = new Map<number, number>();
  for (const op of g.ops) {
    if (op.kind !== 'reshape') continue;
    const src = op.inputs[0]!;
    roots.set(op.outputs[0]!, roots.get(src) ?? src);
  }
  return roots;
}

/** `external`: tensor ids (alias roots) kept outside the arena, e.g. separate input and output buffers. */
export function bufferRequests(g: Graph, scratch: readonly ScratchRequest[] = [], external: ReadonlySet<number> = new Set()): BufferRequest[] {
  const roots = aliasRoots(g);
  const root = (id: number) => roots.get(id) ?? id;
  const last = g.ops.length - 1;
  const span = new Map<number, { first: number; last: number }>();
  const touch = (id: number, at: number) => {
    const r = root(id);
    const t = g.tensors[r]!;
    // Constants live in flash; state tensors in their own region, kept across invokes.
    if (t.data || t.variable || external.has(r)) return;
    const s = span.get(r);
    if (!s) span.set(r, { first: at, last: at });
    else {
      s.first = Math.min(s.first, at);
      s.last = Math.max(s.last, at);
    }
  };
  for (const id of g.inputs) touch(id, 0);
  g.ops.forEach((op, i) => {
    for (const id of op.outputs) touch(id, i);
    for (const id of op.inputs) if (id >= 0) touch(id, i);
  });
  for (const id of g.outputs) touch(id, Math.max(last, 0));
  const requests: BufferRequest[] = [...span].map(([id, s]) => ({ id, name: g.tensors[id]!.name, bytes: tensorBytes(g.tensors[id]!), firstOp: s.first, lastOp: s.last }));
  scratch.forEach((s, i) => requests.push({ id: -(i + 1), name: s.name, bytes: s.bytes, firstOp: s.opIndex, lastOp: s.opIndex }));
  return requests.sort((a, b) => a.id - b.id);
}
