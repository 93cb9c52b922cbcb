/**
 * Streaming inference (`edgec compile --stream HOP`, src/lower/stream-plan.ts): a model fed HOP new
 * samples per call gives, once its window is full, exactly the bytes the full-window model gives for
 * the window ending at the newest sample, on every hop of a long real signal (WISDM subject 1604,
 * normalised as the HAR example does):
 *  - the HAR model ('same' padding: strided conv, separable convs, max pool, global average, dense) at
 *    HOP 32 over 1,123 consecutive hops, in the TS streaming simulator;
 */
import { describe, expect, it } from 'vitest';
import { quantizeValues } from '../../src/arith/tensor-quant.ts';
import { planStream, type StreamPlan } from '../../src/lower/stream-plan.ts';
import { loadFolderGraph } from '../../src/sim/int8.ts';
import { simulateStream, simulateWindow } from '../../src/sim/stream.ts';
import type { Lowered } from '../../src/lower/lower.ts';
import { subjectSignal } from '../../examples/stream/models.ts';

const HAR = 'generated/har';
/** Subject 1604 played twice: 36,052 samples, 1,123 hops of 32. */
const signal = subjectSignal(2);

function quantizedSignal(plan: StreamPlan): Int8Array {
  const q = plan.graph.tensors[plan.input]!.quant!;
  return quantizeValues(signal, q.scale[0]!, q.zeroPoint[0]!);
}

/** Hops whose output differs from the full-window model's on the same window. */
function streamMismatches(l: Lowered, plan: StreamPlan, q: Int8Array): { hops: number; bad: number[] } {
  const channels = plan.tensors.get(plan.input)!.channels;
  const outs = simulateStream(plan, q);
  const bad = outs.filter((o) => !Buffer.from(simulateWindow(l, q, o.end, plan.window, channels)[0]!.buffer).equals(Buffer.from(o.outputs[0]!.buffer))).map((o) => o.hop);
  return { hops: outs.length, bad };
}

describe('streaming the HAR model', () => {
  const l = loadFolderGraph(HAR);

  it('plans HOP 32: edges recomputed, clean frames kept, global average as a running sum', () => {
    const plan = planStream(l, 32);
    const conv1 = [...plan.tensors.values()].find((t) => t.name === 'conv1')!;
    expect([conv1.frames, conv1.hop, conv1.edgeLeft, conv1.edgeRight]).toEqual([64, 16, 1, 1]);
    const sep2 = [...plan.tensors.values()].find((t) => t.name === 'sep2')!;
    expect([sep2.frames, sep2.hop, sep2.edgeLeft, sep2.edgeRight, sep2.retained]).toEqual([32, 8, 4, 4, true]);
    expect(plan.steps.map((s) => s.mode)).toEqual(['frames', 'frames', 'frames', 'frames', 'frames', 'frames', 'running-mean', 'whole', 'whole']);
    expect(plan.macs.stream).toBeLessThan(plan.macs.full / 2);
  });

  it('the TS streaming simulator equals the full-window model on 1,123 consecutive hops of 32', () => {
    const plan = planStream(l, 32);
    const r = streamMismatches(l, plan, quantizedSignal(plan));
    expect(r.hops).toBeGreaterThanOrEqual(1000);
    expect(r.bad).toEqual([]);
  });
});
