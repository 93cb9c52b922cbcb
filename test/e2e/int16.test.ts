/**
 * int16 activations ("16x8": int16 activations, int8 weights):
 *  - a tfjs CNN compiled with `edgec compile --activations int16`: its kernels are the int16 ones, the
 *    report shows each layer's SQNR beside the int8 figure (and int16 is the closer), and the C equals
 *    the simulator on the host (sanitized) and on Cortex-M4 in QEMU, with the portable kernels and
 *    through CMSIS-NN;
 *  - a 16x8 .tflite (int16 activations, int64 biases, as TFLite's converter writes them) compiles and
 *    verifies;
 *  - an op with no int16 kernel is refused, located, never run through an int8 kernel.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { readManifest } from '../../src/formats/manifest.ts';
import { importTflite } from '../../src/import/tflite.ts';
import { saveModelToDir } from '../../src/import/tfjs-io.ts';
import { compileModelFile } from '../../src/pipeline/compile.ts';
import { resetState, simulateFolder, simulateLowered } from '../../src/sim/int8.ts';
import { lowerGraph } from '../../src/lower/lower.ts';
import type { Graph } from '../../src/ir/graph.ts';
import { PACKAGE_ROOT } from '../../src/support/paths.ts';
import { cmsisNnMissingReason } from '../../src/toolchain/cmsis-nn.ts';
import { cortexTarget, hostTarget } from '../../src/verify/targets.ts';
import { verifyFolder } from '../../src/verify/verify.ts';
import { functionalModel, smallHarModel, windows } from '../support/models.ts';
import { buildTflite, bytesOf, f32, i32, u8 } from '../support/tflite-builder.ts';
import { CORTEX_SKIP_REASON, HAS_CORTEX } from '../support/toolchain.ts';

const tmp = mkdtempSync(join(tmpdir(), 'edgec-int16-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const edgec = (...args: string[]) => spawnSync('node', [join(PACKAGE_ROOT, 'bin/edgec.js'), ...args], { encoding: 'utf8', cwd: tmp });
const NO_CMSIS_NN = cmsisNnMissingReason();

function writeCalibration(path: string, ws: Float32Array[]): void {
  const flat = new Float32Array(ws.reduce((a, w) => a + w.length, 0));
  ws.forEach((w, i) => flat.set(w, i * w.length));
  writeFileSync(path, new Uint8Array(flat.buffer));
}

describe('tfjs CNN with --activations int16', () => {
  it('compiles to the int16 kernels; every layer is closer to float than its int8 twin; C equals the simulator on the host', async () => {
    await saveModelToDir(smallHarModel(), join(tmp, 'har'));
    writeCalibration(join(tmp, 'har.f32'), windows(40, 32 * 6));
    const r = edgec('compile', join('har', 'model.json'), '--calib', 'har.f32', '--activations', 'int16', '--out', 'har16', '--name', 'har16');
    expect(r.stderr).not.toContain('error');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('SQNR of int16 vs float, per layer; int8 beside it');
    const rows = [...r.stdout.matchAll(/^ {2}(\S+)\s+\S+\s+(-?[\d.]+) dB {3}int8\s+(-?[\d.]+) dB$/gm)];
    expect(rows.length).toBeGreaterThan(3);
    for (const [, layer, int16, int8] of rows) expect(Number(int16), layer).toBeGreaterThan(Number(int8));
    const m = readManifest(join(tmp, 'har16'));
    expect(m.input.dtype).toBe('int16');
    expect(m.kernels).toEqual(expect.arrayContaining(['edgec_convolve_s16', 'edgec_fully_connected_s16', 'edgec_softmax_s16']));
    expect(m.kernels.some((k) => k.endsWith('_s8') || k.includes('_s8_'))).toBe(false);
    const v = edgec('verify', 'har16', '--target', 'host', '--inputs', '200');
    expect(v.stdout).toContain('200/200 bit-exact');
  }, 180_000);

  it.skipIf(!HAS_CORTEX)(
    'the int16 folder equals the simulator on Cortex-M4 in QEMU',
    async () => {
      const v = await verifyFolder(join(tmp, 'har16'), cortexTarget('cortex-m4'), { inputs: 30 });
      expect(v.exact).toBe(30);
    },
    180_000,
  );

  it.skipIf(NO_CMSIS_NN !== null || !HAS_CORTEX)(
    'through CMSIS-NN (int16 pooling and softmax; int32-bias convolutions stay portable), bit-exact on Cortex-M4',
    async () => {
      const r = edgec('compile', join('har', 'model.json'), '--calib', 'har.f32', '--activations', 'int16', '--backend', 'cmsis-nn', '--out', 'har16_cmsis', '--name', 'har16');
      expect(r.status).toBe(0);
      expect(readManifest(join(tmp, 'har16_cmsis')).kernels).toEqual(expect.arrayContaining(['arm_softmax_s16']));
      const v = await verifyFolder(join(tmp, 'har16_cmsis'), cortexTarget('cortex-m4'), { inputs: 30 });
      expect(v.exact).toBe(30);
    },
    180_000,
  );

  it('an op with no int16 kernel is refused, located at its layer, and nothing is written', () => {
    // HARD_SWISH = 117, int16 in and out: TFLite has an int16 kernel, edgec does not (yet).
    const q16 = { scale: [1 / 4096], zeroPoint: [0] };
    const model = buildTflite({
      tensors: [
        { name: 'x', shape: [1, 64], type: 'int16', quant: q16 },
        { name: 'y', shape: [1, 64], type: 'int16', quant: q16 },
      ],
      operators: [{ builtin: 117, inputs: [0], outputs: [1] }],
      inputs: [0],
      outputs: [1],
    });
    writeFileSync(join(tmp, 'hswish16.tflite'), model);
    const r = edgec('compile', 'hswish16.tflite', '--out', 'hswish16');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/E-GRAPH-TYPE.*no hard_swish kernel takes int16/);
    expect(r.stderr).not.toContain('    at ');
    expect(existsSync(join(tmp, 'hswish16'))).toBe(false);
  });

  it('int16 sigmoid, tanh and leaky ReLU layers (TFLite Micro int16 LOGISTIC/TANH/LEAKY_RELU) compile and equal the simulator on the host', async () => {
    const m = tf.sequential({ name: 'gates' });
    m.add(tf.layers.dense({ inputShape: [12], units: 16, activation: 'sigmoid', name: 'sig', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }));
    m.add(tf.layers.dense({ units: 10, activation: 'tanh', name: 'th', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
    m.add(tf.layers.leakyReLU({ alpha: 0.2, name: 'leak' }));
    m.add(tf.layers.dense({ units: 3, name: 'out', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }));
    await saveModelToDir(m, join(tmp, 'gates'));
    writeCalibration(join(tmp, 'gates.f32'), windows(40, 12, 9));
    const r = edgec('compile', join('gates', 'model.json'), '--calib', 'gates.f32', '--activations', 'int16', '--out', 'gates16');
    expect(r.status).toBe(0);
    expect(readManifest(join(tmp, 'gates16')).kernels).toEqual(['edgec_activation_s16_scaled', 'edgec_fully_connected_s16', 'edgec_leaky_relu_s16']);
    expect((await verifyFolder(join(tmp, 'gates16'), hostTarget, { inputs: 100 })).exact).toBe(100);
  });

  it('--activations does not apply to a .tflite (it keeps its own quantization)', () => {
    writeFileSync(join(tmp, 'm.tflite'), readFileSync(join(PACKAGE_ROOT, 'test/models/hello_world_int8.tflite')));
    const r = edgec('compile', 'm.tflite', '--activations', 'int16', '--out', 'never');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/E-CLI-OPTION.*--activations/);
  });
});

describe('a mixed model: --int16-layers', () => {
  it(`int16 layers in an int8 model, requantized where the types meet; C equals the simulator on the host${HAS_CORTEX ? ' and Cortex-M4' : ''}`, async () => {
    await saveModelToDir(functionalModel(), join(tmp, 'func'));
    writeCalibration(join(tmp, 'func.f32'), windows(40, 24 * 4, 3));
    const r = edgec('compile', join('func', 'model.json'), '--calib', 'func.f32', '--int16-layers', 'b,residual', '--out', 'mixed');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('SQNR of int8+int16 vs float');
    const m = readManifest(join(tmp, 'mixed'));
    expect(m.kernels).toEqual(expect.arrayContaining(['edgec_quantize_int', 'edgec_convolve_s16', 'edgec_add_s16']));
    const graph = JSON.parse(readFileSync(join(tmp, 'mixed', 'graph.json'), 'utf8')) as { ops: { kind: string; name: string }[] };
    // 'a' (int8) feeds 'b' and 'residual' (int16): one conversion serves both; 'residual' goes back to int8.
    expect(graph.ops.filter((o) => o.kind === 'requantize').map((o) => o.name)).toEqual(['a/as_int16', 'residual/as_int8']);
    expect((await verifyFolder(join(tmp, 'mixed'), hostTarget, { inputs: 100 })).exact).toBe(100);
    if (HAS_CORTEX) expect((await verifyFolder(join(tmp, 'mixed'), cortexTarget('cortex-m4'), { inputs: 20 })).exact).toBe(20);
  }, 180_000);

  it('a layer name the model lacks is refused, naming the layers it has', () => {
    const r = edgec('compile', join('func', 'model.json'), '--calib', 'func.f32', '--int16-layers', 'b,nosuch', '--out', 'never');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/E-QUANT-LAYER.*nosuch.*layers: .*residual/);
    expect(existsSync(join(tmp, 'never'))).toBe(false);
  });
});

/**
 * A 16x8 model as TFLite's converter writes one: int16 input, CONV_2D (per-channel int8 weights,
 * int64 bias) with ReLU, MAX_POOL_2D, FULLY_CONNECTED (int64 bias), SOFTMAX to int16 at 1/32768.
 */
function model16x8(): Uint8Array {
  const conv = { out: 4, k: 3, in: 2 };
  const w = Int8Array.from({ length: conv.out * conv.k * conv.in }, (_, i) => ((i * 37) % 255) - 127);
  const fcIn = 4 * 7;
  const fw = Int8Array.from({ length: 3 * fcIn }, (_, i) => ((i * 53) % 251) - 125);
  const int16 = (scale: number) => ({ scale: [scale], zeroPoint: [0] });
  return buildTflite({
    tensors: [
      { name: 'input', shape: [1, 1, 16, 2], type: 'int16', quant: int16(1 / 8192) },
      { name: 'conv_w', shape: [4, 1, 3, 2], type: 'int8', data: bytesOf(w, 'int8'), quant: { scale: [0.004, 0.005, 0.003, 0.006], zeroPoint: [0, 0, 0, 0], axis: 0 } },
      {
        name: 'conv_b',
        shape: [4],
        type: 'int64',
        data: bytesOf([1200, -3400, 56000, -7], 'int64'),
        quant: { scale: [0.004 / 8192, 0.005 / 8192, 0.003 / 8192, 0.006 / 8192], zeroPoint: [0, 0, 0, 0] },
      },
      { name: 'conv', shape: [1, 1, 14, 4], type: 'int16', quant: int16(1 / 4096) },
      { name: 'pool', shape: [1, 1, 7, 4], type: 'int16', quant: int16(1 / 4096) },
      { name: 'fc_w', shape: [3, fcIn], type: 'int8', data: bytesOf(fw, 'int8'), quant: { scale: [0.01], zeroPoint: [0] } },
      { name: 'fc_b', shape: [3], type: 'int64', data: bytesOf([40000, -250000, 9], 'int64'), quant: { scale: [0.01 / 4096], zeroPoint: [0] } },
      { name: 'logits', shape: [1, 3], type: 'int16', quant: int16(1 / 1024) },
      { name: 'probs', shape: [1, 3], type: 'int16', quant: int16(1 / 32768) },
    ],
    operators: [
      // CONV_2D = 3 (Conv2DOptions = 1: padding VALID, stride 1, ReLU); MAX_POOL_2D = 17 (Pool2DOptions = 5);
      // FULLY_CONNECTED = 9 (FullyConnectedOptions = 8); SOFTMAX = 25 (SoftmaxOptions = 9: beta).
      { builtin: 3, inputs: [0, 1, 2], outputs: [3], options: { type: 1, fields: [u8(1), i32(1), i32(1), u8(1)] } },
      { builtin: 17, inputs: [3], outputs: [4], options: { type: 5, fields: [u8(1), i32(2), i32(1), i32(2), i32(1), u8(0)] } },
      { builtin: 9, inputs: [4, 5, 6], outputs: [7], options: { type: 8, fields: [u8(0)] } },
      { builtin: 25, inputs: [7], outputs: [8], options: { type: 9, fields: [f32(1)] } },
    ],
    inputs: [0],
    outputs: [8],
  });
}

/** An int8 SVDF with int16 time weights and state, as TFLite's keyword models carry it: 3 invokes keep the state. */
function svdfInt16State(): Uint8Array {
  const [inSize, features, time, rank] = [6, 8, 4, 2];
  return buildTflite({
    tensors: [
      { name: 'x', shape: [1, inSize], type: 'int8', quant: { scale: [0.05], zeroPoint: [-3] } },
      {
        name: 'wf',
        shape: [features, inSize],
        type: 'int8',
        data: bytesOf(
          Array.from({ length: features * inSize }, (_, i) => ((i * 29) % 201) - 100),
          'int8',
        ),
        quant: { scale: [0.01], zeroPoint: [0] },
      },
      {
        name: 'wt',
        shape: [features, time],
        type: 'int16',
        data: bytesOf(
          Array.from({ length: features * time }, (_, i) => ((i * 977) % 20001) - 10000),
          'int16',
        ),
        quant: { scale: [0.0001], zeroPoint: [0] },
      },
      { name: 'b', shape: [features / rank], type: 'int32', data: bytesOf([100, -2000, 30, 0], 'int32'), quant: { scale: [0.0001 * 0.002], zeroPoint: [0] } },
      { name: 'state', shape: [1, features * time], type: 'int16', quant: { scale: [0.002], zeroPoint: [0] }, variable: true },
      { name: 'y', shape: [1, features / rank], type: 'int8', quant: { scale: [0.02], zeroPoint: [5] } },
    ],
    // SVDF = 27 (SVDFOptions = 6: rank, no fused activation).
    operators: [{ builtin: 27, inputs: [0, 1, 2, 3, 4], outputs: [5], options: { type: 6, fields: [i32(rank), u8(0)] } }],
    inputs: [0],
    outputs: [5],
  });
}

/** A 16x8 UNIDIRECTIONAL_SEQUENCE_LSTM: int16 input, hidden state and output, int16 cell (2^-11), int8 weights, int64 biases. */
function lstm16x8(): Uint8Array {
  const [T, I, H] = [5, 3, 4];
  const w = (rows: number, cols: number, seed: number) => Int8Array.from({ length: rows * cols }, (_, i) => ((i * 41 + seed * 17) % 199) - 99);
  const sIn = 1 / 4096;
  const sW = 0.008;
  const tensors: Parameters<typeof buildTflite>[0]['tensors'] = [{ name: 'x', shape: [1, T, I], type: 'int16', quant: { scale: [sIn], zeroPoint: [0] } }];
  const gates = ['input', 'forget', 'cell', 'output'];
  gates.forEach((g, k) => tensors.push({ name: `${g}_w`, shape: [H, I], type: 'int8', data: bytesOf(w(H, I, k), 'int8'), quant: { scale: [sW], zeroPoint: [0] } }));
  gates.forEach((g, k) => tensors.push({ name: `${g}_u`, shape: [H, H], type: 'int8', data: bytesOf(w(H, H, k + 4), 'int8'), quant: { scale: [sW], zeroPoint: [0] } }));
  gates.forEach((g, k) => tensors.push({ name: `${g}_b`, shape: [H], type: 'int64', data: bytesOf([300 * k, -200, 5000, -7 * k], 'int64'), quant: { scale: [sIn * sW], zeroPoint: [0] } }));
  tensors.push({ name: 'h', shape: [1, H], type: 'int16', quant: { scale: [1 / 32768], zeroPoint: [0] }, variable: true });
  tensors.push({ name: 'c', shape: [1, H], type: 'int16', quant: { scale: [2 ** -11], zeroPoint: [0] }, variable: true });
  tensors.push({ name: 'y', shape: [1, T, H], type: 'int16', quant: { scale: [1 / 32768], zeroPoint: [0] } });
  // TFLite's 24 LSTM inputs: x, 4 input weights, 4 recurrent weights, 3 peepholes (none), 4 biases,
  // projection weights and bias (none), hidden and cell state, 4 layer norms (none).
  const inputs = [0, 1, 2, 3, 4, 5, 6, 7, 8, -1, -1, -1, 9, 10, 11, 12, -1, -1, 13, 14, -1, -1, -1, -1];
  return buildTflite({
    tensors,
    // UNIDIRECTIONAL_SEQUENCE_LSTM = 44 (options: tanh, no clipping, batch major).
    operators: [{ builtin: 44, inputs, outputs: [15], options: { type: 47, fields: [u8(4), f32(0), f32(0), u8(0)] } }],
    inputs: [0],
    outputs: [15],
  });
}

describe('an int16 MEAN with its own output scale (.tflite)', () => {
  it('imports as mean_s16 and equals the simulator on the host', async () => {
    // MEAN = 40 over H and W (axes [1, 2], keep_dims), int16 in at 1/2048 and out at 1/4096.
    const model = buildTflite({
      tensors: [
        { name: 'x', shape: [1, 4, 5, 3], type: 'int16', quant: { scale: [1 / 2048], zeroPoint: [0] } },
        { name: 'axes', shape: [2], type: 'int32', data: bytesOf([1, 2], 'int32') },
        { name: 'y', shape: [1, 1, 1, 3], type: 'int16', quant: { scale: [1 / 4096], zeroPoint: [0] } },
      ],
      operators: [{ builtin: 40, inputs: [0, 1], outputs: [2], options: { type: 27, fields: [u8(1)] } }],
      inputs: [0],
      outputs: [2],
    });
    writeFileSync(join(tmp, 'mean16.tflite'), model);
    const out = join(tmp, 'out_mean16');
    const r = await compileModelFile(join(tmp, 'mean16.tflite'), undefined, { out });
    expect(r.manifest.kernels).toEqual(['edgec_mean_hw_s16']);
    // Twice the mean in the output's units: an input of all 1000 gives 2000 in every channel.
    expect(Array.from(simulateFolder<Int16Array>(out, new Int16Array(60).fill(1000)))).toEqual([2000, 2000, 2000]);
    expect((await verifyFolder(out, hostTarget, { inputs: 50 })).exact).toBe(50);
  }, 180_000);
});

/** Four inputs as one stream (the state carried): the simulator's outputs, and the inputs back to back. */
function svdfStream(g: Graph): { want: Buffer; joined: Buffer } {
  const l = lowerGraph(g);
  const frames = Array.from({ length: 4 }, (_, k) => Int8Array.from({ length: 6 }, (_, i) => ((i * 53 + k * 31) % 255) - 127));
  const state = resetState(g);
  const want = Buffer.concat(frames.map((x) => Buffer.from(simulateLowered(l, [x], state).outputs[0]!.buffer)));
  return { want, joined: Buffer.concat(frames.map((x) => Buffer.from(x.buffer))) };
}

describe('an SVDF with int16 state and time weights (.tflite)', () => {
  it(`imports as svdf_state_s16_s8; a stream of invokes equals the simulator on the host${HAS_CORTEX ? ' and Cortex-M4' : ''}`, async () => {
    const file = join(tmp, 'svdf16.tflite');
    writeFileSync(file, svdfInt16State());
    const out = join(tmp, 'out_svdf16');
    const r = await compileModelFile(file, undefined, { out });
    expect(r.manifest.kernels).toEqual(['edgec_svdf_state_s16_s8']);
    const { want, joined } = svdfStream(r.int8Graph);
    expect(new Set(want).size).toBeGreaterThan(4);
    for (const t of [hostTarget, ...(HAS_CORTEX ? [cortexTarget('cortex-m4')] : [])]) expect((await t.run(out, readManifest(out), joined, {})).outputs.equals(want), t.name).toBe(true);
  }, 180_000);

  it.skipIf(NO_CMSIS_NN !== null || !HAS_CORTEX)(
    'through CMSIS-NN (arm_svdf_state_s16_s8) on Cortex-M4, the same stream',
    async () => {
      const out = join(tmp, 'out_svdf16_cmsis');
      const r = await compileModelFile(join(tmp, 'svdf16.tflite'), undefined, { out, backend: 'cmsis-nn', target: 'cortex-m4' });
      expect(r.manifest.kernels).toEqual(['arm_svdf_state_s16_s8']);
      const { want, joined } = svdfStream(r.int8Graph);
      expect((await cortexTarget('cortex-m4').run(out, readManifest(out), joined, {})).outputs.equals(want)).toBe(true);
    },
    180_000,
  );
});

describe('a 16x8 .tflite (int16 activations, int64 biases)', () => {
  it(`a 16x8 LSTM (int64 biases) imports as lstm_s16 and equals the simulator on the host${HAS_CORTEX ? ' and Cortex-M4' : ''}`, async () => {
    const file = join(tmp, 'lstm16x8.tflite');
    writeFileSync(file, lstm16x8());
    const out = join(tmp, 'out_lstm16x8');
    const r = await compileModelFile(file, undefined, { out });
    expect(r.manifest.kernels).toEqual(['edgec_lstm_s16']);
    // Not a degenerate model: a varied input gives varied outputs.
    const y = simulateFolder<Int16Array>(
      out,
      Int16Array.from({ length: 15 }, (_, i) => ((i * 2731) % 30000) - 15000),
    );
    expect(new Set(y).size).toBeGreaterThan(8);
    expect((await verifyFolder(out, hostTarget, { inputs: 50 })).exact).toBe(50);
    if (HAS_CORTEX) expect((await verifyFolder(out, cortexTarget('cortex-m4'), { inputs: 20 })).exact).toBe(20);
  }, 180_000);

  it.skipIf(NO_CMSIS_NN !== null || !HAS_CORTEX)(
    'the 16x8 LSTM through CMSIS-NN (arm_lstm_unidirectional_s16) on Cortex-M4',
    async () => {
      const out = join(tmp, 'out_lstm16x8_cmsis');
      const r = await compileModelFile(join(tmp, 'lstm16x8.tflite'), undefined, { out, backend: 'cmsis-nn', target: 'cortex-m4' });
      expect(r.manifest.kernels).toEqual(['arm_lstm_unidirectional_s16']);
      expect((await verifyFolder(out, cortexTarget('cortex-m4'), { inputs: 20 })).exact).toBe(20);
    },
    180_000,
  );

  it(`imports with its int64 biases, compiles and equals the simulator on the host${HAS_CORTEX ? ' and Cortex-M4' : ''}`, async () => {
    const file = join(tmp, 'model16x8.tflite');
    writeFileSync(file, model16x8());
    const g = importTflite(file);
    expect(g.tensors.find((t) => t.name === 'conv_b')!.dtype).toBe('int64');
    const out = join(tmp, 'out16x8');
    const r = await compileModelFile(file, undefined, { out });
    expect(r.manifest.kernels).toEqual(expect.arrayContaining(['edgec_convolve_s16', 'edgec_max_pool_s16', 'edgec_fully_connected_s16', 'edgec_softmax_s16']));
    const y = simulateFolder<Int16Array>(
      out,
      Int16Array.from({ length: 32 }, (_, i) => ((i * 2731) % 16000) - 8000),
    );
    expect(new Set(y).size).toBe(3); // three distinct probabilities
    expect((await verifyFolder(out, hostTarget, { inputs: 50 })).exact).toBe(50);
    if (HAS_CORTEX) expect((await verifyFolder(out, cortexTarget('cortex-m4'), { inputs: 20 })).exact).toBe(20);
  }, 180_000);

  it.skipIf(NO_CMSIS_NN !== null || !HAS_CORTEX)(
    'through CMSIS-NN (int64-bias convolution and fully connected) on Cortex-M4',
    async () => {
      const out = join(tmp, 'out16x8_cmsis');
      const r = await compileModelFile(join(tmp, 'model16x8.tflite'), undefined, { out, backend: 'cmsis-nn', target: 'cortex-m4' });
      expect(r.manifest.kernels).toEqual(expect.arrayContaining(['arm_convolve_wrapper_s16', 'arm_fully_connected_s16', 'arm_softmax_s16']));
      expect((await verifyFolder(out, cortexTarget('cortex-m4'), { inputs: 20 })).exact).toBe(20);
    },
    180_000,
  );
});

if (!HAS_CORTEX) it.skip(`int16 QEMU checks skipped: ${CORTEX_SKIP_REASON}`, () => {});
if (NO_CMSIS_NN !== null) it.skip(`int16 CMSIS-NN checks skipped: ${NO_CMSIS_NN}`, () => {});
