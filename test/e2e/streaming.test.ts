/**
 * Streaming inference (`edgec compile --stream HOP`, src/lower/stream-plan.ts): a model fed HOP new
 * samples per call gives, once its window is full, exactly the bytes the full-window model gives for
 * the window ending at the newest sample, on every hop of a long real signal (WISDM subject 1604,
 * normalised as the HAR example does):
 *  - the HAR model ('same' padding: strided conv, separable convs, max pool, global average, dense) at
 *    HOP 32 over 1,100 consecutive hops, in the TS streaming simulator and the generated C on the host
 *    (AddressSanitizer and UndefinedBehaviorSanitizer);
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { emitModelFolder } from '../../src/codegen/emit-folder.ts';
import { deserializeGraph } from '../../src/ir/serialize.ts';
import { hostTarget } from '../../src/verify/targets.ts';
import { formatStreamReport, verifyStream } from '../../src/verify/stream.ts';
import { quantizeValues } from '../../src/arith/tensor-quant.ts';
import { planStream, type StreamPlan } from '../../src/lower/stream-plan.ts';
import { loadFolderGraph } from '../../src/sim/int8.ts';
import { subjectSignal } from '../../examples/stream/models.ts';

const HAR = 'generated/har';
const tmp = mkdtempSync(join(tmpdir(), 'edgec-stream-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
/** Subject 1604 played twice: 36,052 samples, 1,123 hops of 32. */
const signal = subjectSignal(2);

function quantizedSignal(plan: StreamPlan): Int8Array {
  const q = plan.graph.tensors[plan.input]!.quant!;
  return quantizeValues(signal, q.scale[0]!, q.zeroPoint[0]!);
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

  it('compiled with --stream 32, the C on the host equals the full-window model on 1,100 consecutive hops (and so does the TS simulator)', async () => {
    const dir = join(tmp, 'har32');
    await emitModelFolder(deserializeGraph(readFileSync(join(HAR, 'graph.json'), 'utf8'), HAR), dir, { stream: 32 });
    const plan = planStream(l, 32);
    const r = await verifyStream(dir, hostTarget, { signal: quantizedSignal(plan), outputs: 1100 });
    expect(formatStreamReport(r)).toContain('1100/1100 consecutive hops of 32 bit-exact');
    expect(r.simulatorMismatches).toBe(0);
  });
});
