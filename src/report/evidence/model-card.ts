/**
 * The model card: what a generated folder says about its model (manifest.json, graph.json), in the
 * words a reviewer needs: task, labels, the input contract (shape, type, scale and zero point,
 * preprocessing), the layers and the kernels that run them.
 */
import type { Graph } from '../../ir/graph.ts';
import { folderInputs, folderOutputs, type IoInfo, type Manifest } from '../../formats/manifest.ts';
import type { IoContract, ModelCard } from './types.ts';

const contract = (io: IoInfo): IoContract => ({ name: io.name, dtype: io.dtype ?? 'int8', shape: [...io.shape], scale: io.scale, zeroPoint: io.zeroPoint });

/** The task as far as the folder tells: classes from the labels or a softmax/logistic output, else the output size. */
export function describeTask(m: Manifest, g: Graph): string {
  const out = folderOutputs(m);
  const size = out[0]!.size;
  const last = g.ops.find((op) => op.outputs.includes(g.outputs[0]!));
  const probabilities = last?.kind === 'softmax' || last?.kind === 'logistic';
  if (m.labels && m.labels.length === size && size > 1) return `classification into ${size} classes (${m.labels.join(', ')})${probabilities ? `, ${last!.kind} scores` : ''}`;
  if (probabilities && size > 1) return `classification into ${size} classes (${last!.kind} scores; the folder names no labels)`;
  if (probabilities) return `binary classification (one ${last!.kind} score)`;
  return `${out.length > 1 ? `${out.length} outputs` : `${size} output value${size === 1 ? '' : 's'}`} (regression or another task: the folder does not say)`;
}

export function modelCard(m: Manifest, g: Graph): ModelCard {
  const p = m.preprocessing;
  return {
    name: m.name,
    task: describeTask(m, g),
    labels: m.labels ? [...m.labels] : null,
    backend: m.backend,
    compiledFor: m.target ?? null,
    io: m.io ?? 'arena',
    inputs: folderInputs(m).map(contract),
    outputs: folderOutputs(m).map(contract),
    preprocessing: p
      ? {
          sampleRateHz: p.sampleRateHz ?? null,
          channels: p.channels ? [...p.channels] : null,
          normalization: p.normalization ? { mean: [...p.normalization.mean], std: [...p.normalization.std] } : null,
          description: p.description ?? null,
        }
      : null,
    source: typeof g.meta.source === 'string' ? g.meta.source : null,
    layers: m.steps.map((s) => ({ index: s.index, layer: s.layer, op: s.op, kernel: s.kernel, library: s.library ?? (m.backend === 'cmsis-nn' ? 'cmsis-nn' : 'portable') })),
    arenaBytes: m.arenaBytes,
    weightsBytes: m.weightsBytes,
    stateBytes: m.stateBytes ?? 0,
  };
}
