/**
 * Target facts come from targets/*.json only, and `--target` means one thing: the core the code is for.
 * A folder records the core it was compiled for; running it on another core is refused (a cmsis-nn
 * folder whose scratch was sized for another CMSIS-NN path) or explained (portable C).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { conformanceBackends } from '../../src/cli/conformance.ts';
import type { Manifest } from '../../src/formats/manifest.ts';
import { PACKAGE_ROOT } from '../../src/support/paths.ts';
import { targetFit } from '../../src/targets/fit.ts';
import { debianPackages, listRunnableTargets, listTargets, loadHost, loadTarget, TARGETS_DIR } from '../../src/targets/targets.ts';
import { CORTEX_SKIP_REASON, HAS_CORTEX } from '../support/toolchain.ts';

const tmp = mkdtempSync(join(tmpdir(), 'edgec-targets-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const MODEL = join(PACKAGE_ROOT, 'test/models/ad01_int8.tflite');
const DEBIAN_NAME = /^[a-z0-9][a-z0-9.+-]*$/;

function edgec(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync('node', [join(PACKAGE_ROOT, 'bin/edgec.js'), ...args], { encoding: 'utf8' });
}

describe('targets/*.json', () => {
  const files = readdirSync(TARGETS_DIR).filter((f) => f.endsWith('.json'));

  it('each file names itself, describes itself and lists its tools with Debian packages', () => {
    expect(files).toContain('host.json');
    for (const f of files) {
      const t = JSON.parse(readFileSync(join(TARGETS_DIR, f), 'utf8')) as { name: string; description: string; tools: Record<string, string[]> };
      expect(t.name, f).toBe(f.slice(0, -5));
      expect(t.description.length, f).toBeGreaterThan(10);
      expect(Object.keys(t.tools).length, f).toBeGreaterThan(0);
      for (const [tool, pkgs] of Object.entries(t.tools)) {
        expect(tool, f).toMatch(DEBIAN_NAME);
        expect(pkgs.length, `${f}: ${tool}`).toBeGreaterThan(0);
        for (const p of pkgs) expect(p, f).toMatch(DEBIAN_NAME);
      }
    }
  });

  it('every Cortex-M target has its compiler flags and memory map; those QEMU runs name their machine, counter and qemu-system-arm', () => {
    expect(listTargets()).not.toContain('host');
    expect(listTargets().length).toBe(files.length - 1);
    for (const name of listTargets()) {
      const t = loadTarget(name);
      expect(t.cflags, name).toContain(`-mcpu=${name}`);
      expect(t.tools['arm-none-eabi-gcc'], name).toBeDefined();
      expect(Number.parseInt(t.memory.ram.length, 16), name).toBeGreaterThan(0);
      if (t.qemu) {
        expect(t.counter, name).not.toBeNull();
        expect(t.tools['qemu-system-arm'], name).toBeDefined();
      }
    }
    expect(listRunnableTargets()).toContain('cortex-m4');
    expect(listRunnableTargets()).not.toContain('cortex-m0plus');
  });

  it('targets/packages.mjs (Makefile, CI) lists the same packages as the toolchain messages, and only missing ones with --missing', () => {
    const all = spawnSync('node', [join(TARGETS_DIR, 'packages.mjs')], { encoding: 'utf8' });
    expect(all.status).toBe(0);
    const tools = [...new Set([loadHost(), ...listTargets().map(loadTarget)].flatMap((t) => Object.keys(t.tools)))];
    expect(new Set(all.stdout.trim().split(' '))).toEqual(new Set(debianPackages(tools)));
    expect(all.stdout).toMatch(/\bgcc-arm-none-eabi\b/);
    const one = spawnSync('node', [join(TARGETS_DIR, 'packages.mjs'), 'cortex-m0plus'], { encoding: 'utf8' });
    expect(one.stdout.trim().split(' ').sort()).toEqual(['gcc-arm-none-eabi', 'libnewlib-arm-none-eabi']);
    const unknown = spawnSync('node', [join(TARGETS_DIR, 'packages.mjs'), 'cortex-m99'], { encoding: 'utf8' });
    expect(unknown.status).toBe(1);
    // Host gcc is on PATH wherever this test runs, so its packages are never reported missing.
    const missing = spawnSync('node', [join(TARGETS_DIR, 'packages.mjs'), '--missing', 'host'], { encoding: 'utf8' });
    expect(missing.stdout).not.toMatch(/\bgcc\b/);
  });

  it('conformance backends are the host and every target QEMU runs', () => {
    const backends = conformanceBackends();
    for (const t of listRunnableTargets()) {
      const short = t.replace('cortex-', '');
      expect(backends).toContain(`c-${short}`);
      expect(backends).toContain(`cmsis-nn-${short}`);
    }
    expect(backends).not.toContain('c-m0plus');
    expect(backends.filter((b) => b.startsWith('c-m') && !b.endsWith('-O0')).length).toBe(listRunnableTargets().length);
  });
});

describe('a folder fits the core it runs on', () => {
  const base = { backend: 'portable', target: 'cortex-m4' } as Manifest;
  const cmsis = (target: string, path: 'plain' | 'dsp' | 'mve') => ({ ...base, backend: 'cmsis-nn', target, cmsisNn: { path } }) as Manifest;

  it('portable: the recorded core runs silently; another core runs with a note saying why', () => {
    expect(targetFit(base, loadTarget('cortex-m4'))).toBeNull();
    const fit = targetFit(base, loadTarget('cortex-m7'));
    expect(fit).toEqual({ note: 'compiled for cortex-m4, running on cortex-m7: portable C is the same for every core' });
    expect(targetFit({ ...base, target: undefined }, loadTarget('cortex-m7'))).toBeNull();
  });

  it('cmsis-nn: refused where the core compiles CMSIS-NN to another path than the scratch was sized for; the plain path always fits', () => {
    expect(targetFit(cmsis('cortex-m4', 'dsp'), loadTarget('cortex-m4'))).toBeNull();
    expect(targetFit(cmsis('cortex-m4', 'dsp'), loadTarget('cortex-m7'))).toHaveProperty('note');
    expect(targetFit(cmsis('cortex-m4', 'dsp'), loadTarget('cortex-m3'))).toHaveProperty('note');
    const refused = targetFit(cmsis('cortex-m4', 'dsp'), loadTarget('cortex-m55'));
    expect(refused).toHaveProperty('refused');
    expect((refused as { refused: string }).refused).toContain('--backend cmsis-nn --target cortex-m55');
    expect(targetFit(cmsis('cortex-m55', 'mve'), loadTarget('cortex-m4'))).toHaveProperty('refused');
    expect(targetFit(cmsis('cortex-m3', 'plain'), loadTarget('cortex-m33'))).toHaveProperty('refused');
  });
});

describe('compile --target records the core; budget and run read it', () => {
  const dir = join(tmp, 'ad01-m7');

  it('compile --target cortex-m7 (portable) records cortex-m7; the default is cortex-m4', () => {
    let r = edgec('compile', MODEL, '--out', dir, '--target', 'cortex-m7');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("compiled 'ad01_int8' for cortex-m7");
    expect((JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest).target).toBe('cortex-m7');
    r = edgec('compile', MODEL, '--out', join(tmp, 'ad01-default'));
    expect(r.status, r.stderr).toBe(0);
    expect((JSON.parse(readFileSync(join(tmp, 'ad01-default', 'manifest.json'), 'utf8')) as Manifest).target).toBe('cortex-m4');
  });

  it.skipIf(!HAS_CORTEX)(
    'budget without --target measures the recorded core; run on another core says it was compiled for cortex-m7',
    () => {
      let r = edgec('budget', dir, '--json');
      expect(r.status, r.stderr).toBe(0);
      expect((JSON.parse(r.stdout) as { target: string }).target).toBe('cortex-m7');
      expect(existsSync(join(dir, 'budget-cortex-m7.json'))).toBe(true);
      const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
      writeFileSync(join(tmp, 'in.bin'), Buffer.alloc(m.input.size, 1));
      r = edgec('run', dir, '--target', 'cortex-m3', '--input', join(tmp, 'in.bin'), '--out', join(tmp, 'out-m3.bin'));
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toContain('note: compiled for cortex-m7, running on cortex-m3: portable C is the same for every core');
      r = edgec('run', dir, '--target', 'cortex-m7', '--input', join(tmp, 'in.bin'), '--out', join(tmp, 'out-m7.bin'));
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).not.toContain('note:');
      expect(readFileSync(join(tmp, 'out-m3.bin'))).toEqual(readFileSync(join(tmp, 'out-m7.bin')));
    },
    300_000,
  );
  if (!HAS_CORTEX) it.skip(`budget and run on Cortex-M: ${CORTEX_SKIP_REASON}`, () => {});
});
