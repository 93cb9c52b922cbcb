/**
 * End to end on the host, through the CLI a user runs: a tfjs model saved to disk is compiled, and
 * the generated C (gcc with the toolchain's flags, HOST_CFLAGS: -Wall -Wextra -Wconversion -Wsign-conversion -Werror) matches the int8 simulator on every output byte;
 * simulate and run agree; bad input gives one located error, a non-zero exit and no output folder.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveModelToDir } from '../../src/import/tfjs-io.ts';
import { PACKAGE_ROOT } from '../../src/support/paths.ts';
import { activationsModel, functionalModel, smallHarModel, windows } from '../support/models.ts';

const tmp = mkdtempSync(join(tmpdir(), 'edgec-e2e-'));
const edgec = (...args: string[]) => spawnSync('node', [join(PACKAGE_ROOT, 'bin/edgec.js'), ...args], { encoding: 'utf8', cwd: tmp });

function writeCalibration(path: string, ws: Float32Array[]) {
  const flat = new Float32Array(ws.reduce((a, w) => a + w.length, 0));
  ws.forEach((w, i) => flat.set(w, i * w.length));
  writeFileSync(path, new Uint8Array(flat.buffer));
}

beforeAll(async () => {
  await saveModelToDir(smallHarModel(), join(tmp, 'har'));
  writeCalibration(join(tmp, 'har.f32'), windows(40, 32 * 6));
  await saveModelToDir(functionalModel(), join(tmp, 'func'));
  writeCalibration(join(tmp, 'func.f32'), windows(40, 24 * 4, 3));
  await saveModelToDir(activationsModel(), join(tmp, 'act'));
  writeCalibration(join(tmp, 'act.f32'), windows(40, 16, 5));
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('edgec compile + verify on the host', () => {
  for (const name of ['har', 'func', 'act']) {
    it(`${name}: compiles, and 300 inputs are bit-exact between C and simulator`, () => {
      const c = edgec('compile', join(name, 'model.json'), '--calib', `${name}.f32`, '--out', `out_${name}`, '--name', name);
      expect(c.stderr + c.stdout).toContain('compiled');
      expect(c.status).toBe(0);
      for (const f of [`${name}.c`, `${name}.h`, 'model.ts', 'model.mk', 'CMakeLists.txt', 'manifest.json', 'graph.json']) expect(existsSync(join(tmp, `out_${name}`, f))).toBe(true);
      const v = edgec('verify', `out_${name}`, '--target', 'host', '--inputs', '300');
      expect(v.stdout).toContain('300/300 bit-exact');
      expect(v.status).toBe(0);
    });
  }

  it('simulate and run give the same bytes for the same input file', () => {
    const size = 32 * 6;
    writeFileSync(join(tmp, 'in.bin'), Buffer.from(Int8Array.from({ length: 3 * size }, (_, i) => ((i * 37) % 256) - 128).buffer));
    expect(edgec('simulate', 'out_har', '--input', 'in.bin', '--out', 'sim.bin').status).toBe(0);
    expect(edgec('run', 'out_har', '--input', 'in.bin', '--out', 'run.bin', '--target', 'host').status).toBe(0);
    const sim = readFileSync(join(tmp, 'sim.bin'));
    expect(sim.length).toBe(15);
    expect(readFileSync(join(tmp, 'run.bin')).equals(sim)).toBe(true);
  });

  it('compiling twice gives byte-identical folders', () => {
    edgec('compile', join('har', 'model.json'), '--calib', 'har.f32', '--out', 'again', '--name', 'har');
    for (const f of ['har.c', 'har.h', 'model.ts', 'graph.json', 'manifest.json']) {
      expect(readFileSync(join(tmp, 'again', f)).equals(readFileSync(join(tmp, 'out_har', f)))).toBe(true);
    }
  });

  it('inspect prints layers and the arena of a generated folder', () => {
    const r = edgec('inspect', 'out_har');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('arena');
    expect(r.stdout).toContain('edgec_convolve_s8');
  });
});

describe('bad input: one located error, non-zero exit, no output folder', () => {
  it('lists every unsupported layer in one error', async () => {
    const m = tf.sequential();
    m.add(tf.layers.conv1d({ inputShape: [16, 2], filters: 2, kernelSize: 3, name: 'ok_conv' }));
    m.add(tf.layers.permute({ dims: [2, 1], name: 'up' }));
    m.add(tf.layers.lstm({ units: 3, activation: 'relu', name: 'rnn' })); // the integer kernels compute tanh
    m.add(tf.layers.dense({ units: 2, name: 'head' }));
    await saveModelToDir(m, join(tmp, 'unsupported'));
    writeCalibration(join(tmp, 'u.f32'), windows(2, 32));
    const r = edgec('compile', join('unsupported', 'model.json'), '--calib', 'u.f32', '--out', 'out_unsupported');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("layer 'up'");
    expect(r.stderr).toContain("layer 'rnn'");
    expect(r.stderr).not.toContain('    at ');
    expect(existsSync(join(tmp, 'out_unsupported'))).toBe(false);
  });

  it('a truncated weights file names the file', async () => {
    await saveModelToDir(smallHarModel(), join(tmp, 'corrupt'));
    truncateSync(join(tmp, 'corrupt', 'weights.bin'), 100);
    const r = edgec('compile', join('corrupt', 'model.json'), '--calib', 'har.f32', '--out', 'out_corrupt');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/weights\.bin.*truncated|truncated.*weights\.bin/);
    expect(existsSync(join(tmp, 'out_corrupt'))).toBe(false);
  });

  it('a model.json without its topology names the file and the field', async () => {
    await saveModelToDir(smallHarModel(), join(tmp, 'nofield'));
    const p = join(tmp, 'nofield', 'model.json');
    const json = JSON.parse(readFileSync(p, 'utf8'));
    delete json.modelTopology;
    writeFileSync(p, JSON.stringify(json));
    const r = edgec('compile', join('nofield', 'model.json'), '--calib', 'har.f32', '--out', 'out_nofield');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("field 'modelTopology'");
    expect(r.stderr).toContain('model.json');
    expect(existsSync(join(tmp, 'out_nofield'))).toBe(false);
  });

  it('a layer without config names the layer index', async () => {
    await saveModelToDir(smallHarModel(), join(tmp, 'noconfig'));
    const p = join(tmp, 'noconfig', 'model.json');
    const json = JSON.parse(readFileSync(p, 'utf8'));
    delete json.modelTopology.config.layers[1].config;
    writeFileSync(p, JSON.stringify(json));
    const r = edgec('compile', join('noconfig', 'model.json'), '--calib', 'har.f32', '--out', 'out_noconfig');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('layers[1].config');
  });

  it('a calibration file of the wrong size is refused', () => {
    writeFileSync(join(tmp, 'bad.f32'), Buffer.alloc(10));
    const r = edgec('compile', join('har', 'model.json'), '--calib', 'bad.f32', '--out', 'out_badcalib');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('bad.f32');
    expect(existsSync(join(tmp, 'out_badcalib'))).toBe(false);
  });
});
