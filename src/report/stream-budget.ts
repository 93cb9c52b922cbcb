/**
 * Budgets of a streaming folder (`compile --stream HOP`) on a Cortex-M target, beside the full-window
 * figures of the same folder: executed instructions per push (= per output: every push after the
 * window fills gives one), per layer, and per second of signal at the model's sample rate; RAM of the
 * stream (its state region) against what recomputing the full window at the same output rate needs
 * (the arena, plus the last window of samples the application must keep to rebuild each window).
 *
 *   streaming:    arena (invoke and push share it) + state (windows the next pushes read, running sums)
 *   full window:  arena (the model alone)          + the last T samples, kept by the application
 *
 * Instructions are counted in QEMU (-icount), over pushes of the folder's sample windows played back
 * to back, after the window has filled: instructions, not cycles.
 */
import { ioElementBytes, readManifest, type Manifest } from '../formats/manifest.ts';
import { safeText } from '../support/sanitize.ts';
import { loadTarget, type TargetDescriptor } from '../toolchain/cortex-m.ts';
import { buildModelCortex, parseProfile, runModelCortex } from '../toolchain/model-cortex.ts';
import { lengthen, sampleSignal } from '../verify/stream.ts';
import type { Budget } from './budget.ts';

export interface StreamBudget {
  target: string;
  hop: number;
  window: number;
  sampleRateHz: number | null;
  /** Pushes measured after the window filled. */
  pushes: number;
  instructions: {
    /** Per push, which is per output. */
    perPush: { mean: number; min: number; max: number };
    /** The full-window model per invoke: one invoke per output at the same output rate. */
    fullPerOutput: number | null;
    /** Per second of signal at the sample rate (sampleRateHz / hop outputs per second). */
    perSecond: { stream: number; full: number | null } | null;
    perLayer: { name: string; mode: string; computed: string; stream: number; full: number | null }[];
    note: string;
  };
  ram: {
    /** Bytes of a stream's state region, and of the whole stream object (state, context pointer, counters). */
    state: number;
    streamObject: number;
    /** The folder's arena (invoke and push), the model's own arena, the push's. */
    arena: number;
    modelArena: number;
    pushArena: number;
    /** The last window of samples a full-window recompute keeps between outputs. */
    fullWindowCopy: number;
    /** Streaming RAM minus full-window-recompute RAM. */
    extra: number;
  };
  stackBytes: number;
}

const MEASURED_PUSHES = 16;

export async function measureStreamBudget(dir: string, targetName: string, full: Budget | null): Promise<StreamBudget | null> {
  const m: Manifest = readManifest(dir);
  const s = m.stream;
  if (!s) return null;
  const target: TargetDescriptor = loadTarget(targetName);
  const windowCopy = s.window * s.channels * ioElementBytes(m.input);
  const streamObject = 16 + Math.ceil(Math.max(s.stateBytes, 8) / 8) * 8;
  const modelArena = s.modelArenaBytes ?? m.arenaBytes;
  const ram = {
    state: s.stateBytes,
    streamObject,
    arena: m.arenaBytes,
    modelArena,
    pushArena: s.arenaBytes,
    fullWindowCopy: windowCopy,
    extra: m.arenaBytes + streamObject - (modelArena + windowCopy),
  };
  const note = 'executed instructions counted in QEMU (-icount), not cycles';
  const sampleRateHz = m.preprocessing?.sampleRateHz ?? null;
  if (!target.qemu || !target.counter) {
    return {
      target: target.name,
      hop: s.hop,
      window: s.window,
      sampleRateHz,
      pushes: 0,
      instructions: { perPush: { mean: 0, min: 0, max: 0 }, fullPerOutput: null, perSecond: null, perLayer: [], note: `${target.name} is build-and-size only: no instruction count` },
      ram,
      stackBytes: 0,
    };
  }
  const pushes = s.fillHops - 1 + MEASURED_PUSHES;
  // The folder's sample signal repeated to the pushes measured (an empty one is refused, located).
  const signal = lengthen(sampleSignal(dir, m), pushes * s.hop, s.channels);
  const bytes = Buffer.from(signal.buffer, signal.byteOffset, signal.byteLength);
  const totalBuild = await buildModelCortex(dir, m, target, { profile: 'total', stream: true });
  const total = parseProfile((await runModelCortex(totalBuild.elf, totalBuild.workDir, target, bytes, { profile: true })).profile!, 0, pushes, target);
  const stepBuild = await buildModelCortex(dir, m, target, { profile: 'steps', stream: true });
  const steps = parseProfile((await runModelCortex(stepBuild.elf, stepBuild.workDir, target, bytes, { profile: true })).profile!, m.steps.length, pushes, target);
  const measured = total.perInput.slice(s.fillHops - 1).map((p) => p.total);
  const mean = Math.round(measured.reduce((a, b) => a + b, 0) / measured.length);
  const after = steps.perInput.slice(s.fillHops - 1);
  const fullPerOutput = full?.instructions.total ?? null;
  const perSecond = sampleRateHz ? { stream: Math.round((mean * sampleRateHz) / s.hop), full: fullPerOutput === null ? null : Math.round((fullPerOutput * sampleRateHz) / s.hop) } : null;
  return {
    target: target.name,
    hop: s.hop,
    window: s.window,
    sampleRateHz,
    pushes: measured.length,
    instructions: {
      perPush: { mean, min: Math.min(...measured), max: Math.max(...measured) },
      fullPerOutput,
      perSecond,
      perLayer: m.steps.map((step, i) => {
        const l = s.layers[i];
        return {
          name: step.layer,
          mode: l?.mode ?? 'whole',
          computed: l?.mode === 'frames' ? `${l.computed}/${l.frames}` : l?.mode === 'running-mean' ? 'sums' : 'all',
          stream: Math.round(after.reduce((a, p) => a + p.steps[i]!, 0) / after.length),
          full: full?.instructions.per_layer[i]?.instructions ?? null,
        };
      }),
      note,
    },
    ram,
    stackBytes: total.stackBytes,
  };
}

const n = (v: number | null) => (v === null ? 'n/a' : v.toLocaleString('en-US'));

export function formatStreamBudget(b: StreamBudget): string {
  const i = b.instructions;
  const ratio = i.fullPerOutput ? ` (${((100 * i.perPush.mean) / i.fullPerOutput).toFixed(1)}% of the full window)` : '';
  const lines = [
    `Streaming (--stream ${b.hop}, window ${b.window} samples) on ${b.target}: ${i.note}.`,
    '',
    `| ${'streaming budget'.padEnd(40)} | ${'streaming'.padStart(12)} | ${'full window'.padStart(12)} |`,
    `|${'-'.repeat(42)}|${'-'.repeat(14)}|${'-'.repeat(14)}|`,
    `| ${'instructions per output (= per push)'.padEnd(40)} | ${n(i.perPush.mean).padStart(12)} | ${n(i.fullPerOutput).padStart(12)} |`,
    `| ${'  min .. max over pushes'.padEnd(40)} | ${`${n(i.perPush.min)}..${n(i.perPush.max)}`.padStart(12)} | ${''.padStart(12)} |`,
    ...(i.perSecond ? [`| ${`instructions per second at ${b.sampleRateHz} Hz`.padEnd(40)} | ${n(i.perSecond.stream).padStart(12)} | ${n(i.perSecond.full).padStart(12)} |`] : []),
    `| ${'RAM: arena (bytes)'.padEnd(40)} | ${n(b.ram.arena).padStart(12)} | ${n(b.ram.modelArena).padStart(12)} |`,
    `| ${'RAM: stream state / last window (bytes)'.padEnd(40)} | ${n(b.ram.state).padStart(12)} | ${n(b.ram.fullWindowCopy).padStart(12)} |`,
    `| ${'RAM: stream object (bytes)'.padEnd(40)} | ${n(b.ram.streamObject).padStart(12)} | ${'-'.padStart(12)} |`,
    `| ${'RAM: stack, measured (bytes)'.padEnd(40)} | ${n(b.stackBytes).padStart(12)} | ${''.padStart(12)} |`,
    '',
    `Per output: ${n(i.perPush.mean)} instructions${ratio}; streaming costs ${n(b.ram.extra)} bytes of RAM more than recomputing the full window at the same output rate (which keeps the last ${b.window} samples itself).`,
    '',
    `| ${'layer'.padEnd(32)} | ${'per push'.padEnd(13)} | ${'computed'.padStart(9)} | ${'streaming'.padStart(10)} | ${'full window'.padStart(11)} |`,
    `|${'-'.repeat(34)}|${'-'.repeat(15)}|${'-'.repeat(11)}|${'-'.repeat(12)}|${'-'.repeat(13)}|`,
    ...i.perLayer.map((l) => `| ${safeText(l.name).slice(0, 32).padEnd(32)} | ${l.mode.padEnd(13)} | ${l.computed.padStart(9)} | ${n(l.stream).padStart(10)} | ${n(l.full).padStart(11)} |`),
  ];
  return lines.join('\n');
}
