/**
 * A budget as the page shows it: the measured figures per layer (executed instructions) and, when the
 * budget carries them, the cycle model's estimates (src/report/cycles: estimated cycles, MACs, cycles
 * per MAC, per layer and in total). The estimates are read structurally, field by field, so budgets
 * with and without them (and from other edgec versions) render; an estimate is always labelled one.
 */
import type { Budget } from '../budget.ts';

export interface LayerMetric {
  key: string;
  title: string;
  /** Drawn as a bar beside the instructions (counts of the same kind); otherwise a table column only. */
  chart: boolean;
  /** Decimals shown (0: an integer count). */
  digits: number;
}

export interface BudgetView {
  metrics: LayerMetric[];
  /** One row per layer, in step order: name, op, then a value (or null) per metric. */
  layers: { name: string; op: string; values: (number | null)[] }[];
  /** Extra rows of the budget table: the estimates' totals. */
  totals: { label: string; value: number | null; digits: number }[];
  /** What the estimate is (core, clock, how), when there is one. */
  estimateNote: string | null;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const obj = (v: unknown): Record<string, unknown> | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null);

/** The cycle model's per-layer fields, when a budget has them (src/report/cycles/budget-cycles.ts). */
const CYCLE_FIELDS: readonly LayerMetric[] = [
  { key: 'estimated_cycles', title: 'estimated cycles', chart: true, digits: 0 },
  { key: 'macs', title: 'MACs', chart: false, digits: 0 },
  { key: 'estimated_cycles_per_mac', title: 'est. cycles / MAC', chart: false, digits: 2 },
];

export function budgetView(b: Budget): BudgetView {
  const base = b.instructions.per_layer;
  const cycles = obj((b as unknown as Record<string, unknown>).cycles);
  const perLayer = Array.isArray(cycles?.per_layer) ? (cycles!.per_layer as unknown[]).map(obj) : [];
  const cycleMetrics = CYCLE_FIELDS.filter((f) => perLayer.some((l) => num(l?.[f.key]) !== null));
  // Any other numeric field the measured layers carry (a newer budget), as a table column.
  const extra = [
    ...new Set(
      base.flatMap((l) =>
        Object.entries(l)
          .filter(([k, v]) => k !== 'instructions' && num(v) !== null)
          .map(([k]) => k),
      ),
    ),
  ].sort();
  const metrics: LayerMetric[] = [
    { key: 'instructions', title: 'instructions', chart: true, digits: 0 },
    ...cycleMetrics,
    ...extra.map((k) => ({ key: k, title: k.replace(/_/g, ' '), chart: false, digits: 0 })),
  ];
  const layers = base.map((l, i) => {
    // The cycle model's layers are the same steps; matched by position, checked by name.
    const c = perLayer[i]?.name === l.name ? perLayer[i] : perLayer.find((x) => x?.name === l.name);
    return {
      name: l.name,
      op: l.op,
      values: metrics.map((m) => (m.key === 'instructions' ? l.instructions : CYCLE_FIELDS.includes(m) ? num(c?.[m.key]) : num((l as unknown as Record<string, unknown>)[m.key]))),
    };
  });
  const totals: BudgetView['totals'] = [];
  let estimateNote: string | null = null;
  if (cycles && num(cycles.total) !== null) {
    const clock = num(cycles.clock_mhz);
    totals.push({ label: 'estimated cycles / inference', value: num(cycles.total), digits: 0 });
    if (num(cycles.total_ms) !== null) totals.push({ label: `estimated ms / inference${clock !== null ? ` at ${clock} MHz` : ''}`, value: num(cycles.total_ms), digits: 3 });
    if (num(cycles.total_macs) !== null) totals.push({ label: 'MACs / inference', value: num(cycles.total_macs), digits: 0 });
    const wait = num(cycles.flash_wait_states);
    const setting = `${typeof cycles.core === 'string' ? cycles.core : b.target}${clock !== null ? ` at ${clock} MHz` : ''}${wait !== null ? `, ${wait} flash wait state${wait === 1 ? '' : 's'}` : ''}`;
    estimateNote = `Estimated cycles (${setting}): ${typeof cycles.note === 'string' ? cycles.note : 'a model of the core, not a measurement'}.`;
  }
  return { metrics, layers, totals, estimateNote };
}
