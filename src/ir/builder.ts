/**
 * GraphBuilder: the one mutable way to make a Graph. Importers and passes add tensors and ops in
 * topological order, then `build` freezes the result.
 */
import type { DType, Graph, GraphMeta, Op, OpAttrs, QuantParams, Tensor, TensorData } from './graph.ts';

export interface TensorInit {
  name: string;
  shape: readonly number[];
  dtype: DType;
  quant?: QuantParams;
  data?: TensorData;
  variable?: boolean;
}

export type OpInit = OpAttrs & { name: string; inputs: readonly number[]; outputs: readonly number[] };

export class GraphBuilder {
  private readonly tensors: Tensor[] = [];
  private readonly ops: Op[] = [];

  addTensor(t: TensorInit): number {
    const id = this.tensors.length;
    this.tensors.push({ ...t, id });
    return id;
  }

  /** Copies a tensor of another graph (keeping data by reference; tensors are immutable). */
  copyTensor(t: Tensor, overrides: Partial<TensorInit> = {}): number {
    const { id: _ignored, ...rest } = t;
    return this.addTensor({ ...rest, ...overrides });
  }

  tensor(id: number): Tensor {
    const t = this.tensors[id];
    if (!t) throw new Error(`GraphBuilder: no tensor ${id}`);
    return t;
  }

  addOp(op: OpInit): number {
    const id = this.ops.length;
    this.ops.push({ ...op, id } as Op);
    return id;
  }

  build(name: string, inputs: readonly number[], outputs: readonly number[], meta: GraphMeta): Graph {
    return Object.freeze({
      name,
      tensors: Object.freeze([...this.tensors]),
      ops: Object.freeze([...this.ops]),
      inputs: Object.freeze([...inputs]),
      outputs: Object.freeze([...outputs]),
      meta,
    });
  }
}

/**
 * Rebuilds a graph keeping only the tensors still referenced, renumbered densely; passes call it so
 * removed ops do not leave orphans.
 */
export function compactGraph(g: Graph): Graph {
  const used = new Set<number>([...g.inputs, ...g.outputs]);
  for (const op of g.ops) for (const id of [...op.inputs, ...op.outputs]) if (id >= 0) used.add(id);
  const remap = new Map<number, number>();
  const b = new GraphBuilder();
  for (const t of g.tensors) if (used.has(t.id)) remap.set(t.id, b.copyTensor(t));
  const map = (id: number) => (id < 0 ? id : remap.get(id)!);
  for (const op of g.ops) b.addOp({ ...op, inputs: op.inputs.map(map), outputs: op.outputs.map(map) } as OpInit);
  return b.build(g.name, g.inputs.map(map), g.outputs.map(map), g.meta);
}
