/**
 * Where a model's inputs and outputs live. `arena` (the default): inside the arena, planned like any
 * activation, so invoke overwrites the input and the output may share the input's bytes. `separate`:
 * each input and output has a buffer of its own in the context (or the caller's), outside the arena;
 * invoke only reads the inputs, since no step writes a graph input.
 */
import type { Graph } from '../ir/graph.ts';
import { fail } from '../support/diagnostics.ts';

export type IoMode = 'arena' | 'separate';
export const IO_MODES: readonly IoMode[] = ['arena', 'separate'];

export interface IoPlacement {
  mode: IoMode;
  /** Alias roots kept out of the arena, and the C expression the invoke function names each by. */
  external: Map<number, string>;
}

/** The C role name of input/output i: input, input_1, ..., output, output_1, ... */
export function ioRole(role: 'input' | 'output', i: number): string {
  return i === 0 ? role : `${role}_${i}`;
}

export function ioPlacement(g: Graph, aliases: ReadonlyMap<number, number>, mode: IoMode): IoPlacement {
  const external = new Map<number, string>();
  if (mode === 'arena') return { mode, external };
  const place = (id: number, role: string) => {
    const root = aliases.get(id) ?? id;
    const other = external.get(root);
    if (other !== undefined) {
      fail('E-CODEGEN-IO', 'codegen', `--io separate: the ${role.replace('_', ' ')} shares its bytes with the ${other.slice(3).replace('_', ' ')} (a reshape of it); use --io arena`, {
        file: g.meta.source,
        tensor: g.tensors[id]!.name,
      });
    }
    external.set(root, `io_${role}`);
  };
  g.inputs.forEach((id, i) => place(id, ioRole('input', i)));
  g.outputs.forEach((id, i) => place(id, ioRole('output', i)));
  return { mode, external };
}

/** Arena mode: whether some output's bytes overlap some input's (the next input then destroys the output). */
export function ioOverlap(inputs: { offset: number; bytes: number }[], outputs: { offset: number; bytes: number }[]): boolean {
  return outputs.some((o) => inputs.some((i) => o.offset < i.offset + i.bytes && i.offset < o.offset + o.bytes));
}
