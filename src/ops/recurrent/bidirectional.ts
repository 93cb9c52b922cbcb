/**
 * tfjs `Bidirectional` around an LSTM, GRU or SimpleRNN: the forward layer on the sequence, the
 * backward layer on the time-reversed sequence (a strided slice with stride -1, a copy), its output
 * reversed back when it is a sequence (as tfjs does), and the two concatenated on the feature axis
 * (mergeMode 'concat', tfjs's default). Both directions are ordinary layers of their own families.
 */
import type { TfjsImporter, TfjsLayerContext } from '../contract.ts';
import { lstmTfjs } from '../lstm/tfjs.ts';
import { newActivation } from '../shared/tfjs.ts';
import { recurrentTfjsImporters } from './tfjs.ts';

const INNER: Record<string, TfjsImporter> = { LSTM: lstmTfjs, ...recurrentTfjsImporters };

interface Wrapped {
  className: string;
  config: Record<string, unknown>;
}

/** The wrapped layer as tfjs's config gives it ({className, config}) or model.json ({class_name, config}). */
function wrapped(config: Record<string, unknown>): Wrapped | null {
  const l = config.layer as { className?: unknown; class_name?: unknown; config?: unknown } | undefined;
  const className = l?.className ?? l?.class_name;
  if (typeof className !== 'string' || typeof l?.config !== 'object' || l.config === null) return null;
  const camel = Object.fromEntries(Object.entries(l.config as Record<string, unknown>).map(([k, v]) => [k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()), v]));
  return { className, config: camel };
}

/** The time axis reversed: [1, 1, T, C] -> [1, 1, T, C]. */
function reversed(ctx: TfjsLayerContext, x: number, role: string): number {
  const shape = ctx.b.tensor(x).shape;
  const T = shape[2]!;
  const y = ctx.b.addTensor({ name: `${ctx.name}/${role}`, shape: [...shape], dtype: 'float32' });
  ctx.b.addOp({ kind: 'strided_slice', name: `${ctx.name}/${role}`, attrs: { begin: [0, 0, T - 1, 0], stride: [1, 1, -1, 1], size: [...shape] }, inputs: [x], outputs: [y] });
  return y;
}

export const bidirectional: TfjsImporter = {
  unsupported(config, rank) {
    const inner = wrapped(config);
    if (!inner) return ['no wrapped layer'];
    const importer = INNER[inner.className];
    if (!importer) return [`a wrapped ${inner.className} (supported: ${Object.keys(INNER).join(', ')})`];
    const merge = String(config.mergeMode ?? 'concat');
    return [
      ...(merge === 'concat' ? [] : [`mergeMode '${merge}' (supported: concat)`]),
      ...(inner.config.stateful === true ? ['a stateful wrapped layer'] : []),
      ...(importer.unsupported?.(inner.config, rank) ?? []).map((w) => `a wrapped ${inner.className} with ${w}`),
    ];
  },
  convert(ctx) {
    const inner = wrapped(ctx.config)!;
    const importer = INNER[inner.className]!;
    const half = ctx.weights.length / 2;
    const returnSequences = inner.config.returnSequences === true;
    const units = Number(inner.config.units);
    const outShape = returnSequences ? [1, 1, ctx.outShape[2]!, units] : [1, units];
    const run = (dir: 'forward' | 'backward', input: number, from: number) =>
      importer.convert({
        ...ctx,
        config: inner.config,
        weights: ctx.weights.slice(from, from + half),
        weightShapes: ctx.weightShapes.slice(from, from + half),
        inputs: [input],
        outShape,
        name: `${ctx.name}/${dir}`,
      });
    const forward = run('forward', ctx.inputs[0]!, 0);
    let backward = run('backward', reversed(ctx, ctx.inputs[0]!, 'reversed_input'), half);
    if (returnSequences) backward = reversed({ ...ctx, name: `${ctx.name}/backward` }, backward, 'reversed_output');
    const out = newActivation(ctx, '', ctx.outShape);
    ctx.b.addOp({ kind: 'concat', name: ctx.name, attrs: { axis: -1, activation: 'none' }, inputs: [forward, backward], outputs: [out] });
    return out;
  },
};
