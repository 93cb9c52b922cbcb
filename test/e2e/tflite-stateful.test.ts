/**
 * Stateful .tflite models and TFLite Micro's own example goldens:
 *  - network_tester and dtln: the expected output files shipped with the TFLite Micro examples
 *    (test/models/refs), on the simulator, the host C and Cortex-M4 in QEMU;
 *  - dtln's two LSTMs keep their hidden and cell state across invokes: a stream of frames gives the
 *    same bytes on the simulator and the C (host and QEMU), the state really is carried (later frames
 *    differ from the same frames run from reset), and `dtln_reset()` starts the stream over.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { emitModelFolder } from '../../src/codegen/emit-folder.ts';
import { readManifest } from '../../src/formats/manifest.ts';
import { importTflite } from '../../src/import/tflite.ts';
import { resetState, simulateGraph, simulateLowered } from '../../src/sim/int8.ts';
import { lowerGraph } from '../../src/lower/lower.ts';
import { xorshift32Bytes } from '../../src/verify/verify.ts';
import { cortexTarget, hostTarget } from '../../src/verify/targets.ts';
import { MODELS_DIR } from '../support/goldens.ts';
import { HAS_CORTEX } from '../support/toolchain.ts';

const tmp = mkdtempSync(join(tmpdir(), 'edgec-stateful-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const targets = [hostTarget, ...(HAS_CORTEX ? [cortexTarget('cortex-m4')] : [])];
const bytesOf = (x: Int8Array | Int16Array | Int32Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength);

describe('TFLite Micro example goldens', () => {
  for (const [model, input, expected] of [
    ['network_tester_model', 'network_tester/input_data.bin', 'network_tester/expected_output_data.bin'],
    ['dtln_noise_suppression_int8', 'dtln/input_feature_data.int8.bin', 'dtln/golden_ref.int8.bin'],
  ] as const) {
    it(`${model}: simulator and C on ${targets.map((t) => t.name).join(', ')} equal ${expected}`, async () => {
      const g = importTflite(join(MODELS_DIR, `${model}.tflite`));
      const size = g.tensors[g.inputs[0]!]!.shape.reduce((a, b) => a * b, 1);
      const x = new Int8Array(readFileSync(join(MODELS_DIR, 'refs', input))).slice(0, size);
      const want = readFileSync(join(MODELS_DIR, 'refs', expected));
      expect(Buffer.from(bytesOf(simulateGraph(g, [x]).outputs[0]!)).equals(want)).toBe(true);
      const dir = join(tmp, model);
      await emitModelFolder(g, dir);
      for (const t of targets) {
        const { outputs } = await t.run(dir, readManifest(dir), bytesOf(x), {});
        expect(outputs.equals(want), t.name).toBe(true);
      }
    }, 300_000);
  }
});

describe('stateful LSTM (dtln): state carried across invokes', () => {
  const g = importTflite(join(MODELS_DIR, 'dtln_noise_suppression_int8.tflite'));
  const l = lowerGraph(g);
  const frames = Array.from({ length: 6 }, (_, k) => xorshift32Bytes(257, 100 + k));
  const stream = () => {
    const state = resetState(g);
    return frames.map((x) => bytesOf(simulateLowered(l, [x], state).outputs[0]!));
  };
  const fromReset = frames.map((x) => bytesOf(simulateGraph(g, [x]).outputs[0]!));

  it('the simulator carries state: frames after the first differ from the same frames run from reset', () => {
    const s = stream();
    expect(s[0]!.equals(fromReset[0]!)).toBe(true);
    expect(s.slice(1).some((b, k) => !b.equals(fromReset[k + 1]!))).toBe(true);
  });

  it(`a stream of 6 frames: C on ${targets.map((t) => t.name).join(', ')} equals the simulator; reset each frame equals the reset simulator`, async () => {
    const dir = join(tmp, 'dtln-stream');
    const r = await emitModelFolder(g, dir);
    expect(r.manifest.stateBytes).toBe(2 * (128 + 128 * 2));
    const joined = Buffer.concat(frames.map(bytesOf));
    const want = Buffer.concat(stream());
    for (const t of targets) {
      expect((await t.run(dir, r.manifest, joined, {})).outputs.equals(want), `${t.name} stream`).toBe(true);
      expect((await t.run(dir, r.manifest, joined, { resetEach: true })).outputs.equals(Buffer.concat(fromReset)), `${t.name} reset each`).toBe(true);
    }
  }, 300_000);
});
