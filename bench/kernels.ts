/**
 * Kernel throughput: the TS reference kernels vs the portable C kernels (host gcc -O2) on the same
 * shapes, in M MAC/s, and their ratio. Wall-clock figures: they vary with the machine and its load.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { convolveS8 } from '../src/kernels/conv.ts';
import { fullyConnectedS8 } from '../src/kernels/fully_connected.ts';
import { BUILD_DIR, PORTABLE_KERNELS_DIR } from '../src/support/paths.ts';
import { compileHost, runProgram } from '../src/toolchain/host.ts';

export interface KernelBench {
  name: string;
  macs: number;
  tsMacPerSec: number;
  cMacPerSec: number;
}

interface Shape {
  name: string;
  kind: 'conv' | 'fc';
  inH: number;
  inW: number;
  inC: number;
  kH: number;
  kW: number;
  outC: number;
}

const SHAPES: Shape[] = [
  { name: 'conv2d 1x128x32 k1x5 -> 64 (1-D HAR-like)', kind: 'conv', inH: 1, inW: 128, inC: 32, kH: 1, kW: 5, outC: 64 },
  { name: 'conv2d 32x32x16 k3x3 -> 32', kind: 'conv', inH: 32, inW: 32, inC: 16, kH: 3, kW: 3, outC: 32 },
  { name: 'fully_connected 512 -> 128', kind: 'fc', inH: 1, inW: 1, inC: 512, kH: 1, kW: 1, outC: 128 },
];

function fill(n: number, seed: number): Int8Array {
  let s = seed;
  return Int8Array.from({ length: n }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 24) - 128;
  });
}

function macsOf(s: Shape): number {
  return s.kind === 'fc' ? s.inC * s.outC : s.inH * s.inW * s.kH * s.kW * s.inC * s.outC;
}

function timeTs(s: Shape): number {
  const input = fill(s.inH * s.inW * s.inC, 1);
  const filter = fill(s.outC * s.kH * s.kW * s.inC, 2);
  const bias = new Int32Array(s.outC).fill(100);
  const quant = { multiplier: new Int32Array(s.outC).fill(1 << 30), shift: new Int32Array(s.outC).fill(-8) };
  const run = () =>
    s.kind === 'fc'
      ? fullyConnectedS8({ inputOffset: 3, filterOffset: 0, outputOffset: -5, activation: { min: -128, max: 127 } }, quant, false, 1, s.inC, s.outC, input, filter, bias)
      : convolveS8(
          { inputOffset: 3, outputOffset: -5, stride: { h: 1, w: 1 }, padding: { h: (s.kH - 1) >> 1, w: (s.kW - 1) >> 1 }, dilation: { h: 1, w: 1 }, activation: { min: -128, max: 127 } },
          quant,
          { n: 1, h: s.inH, w: s.inW, c: s.inC },
          input,
          { n: s.outC, h: s.kH, w: s.kW, c: s.inC },
          filter,
          bias,
          { n: 1, h: s.inH, w: s.inW, c: s.outC },
        );
  for (let i = 0; i < 3; i++) run(); // warm up the JIT
  let reps = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 1000) {
    run();
    reps++;
  }
  return (macsOf(s) * reps) / ((performance.now() - t0) / 1000);
}

function cProgram(): string {
  const lines = [
    '#define _POSIX_C_SOURCE 199309L',
    '#include <stdio.h>',
    '#include <time.h>',
    '#include "edgec_conv.h"',
    '#include "edgec_fully_connected.h"',
    'static int8_t buf_in[32768], buf_w[65536], buf_out[65536];',
    'static int32_t bias[128], mult[128], shift[128];',
    'static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return (double)t.tv_sec + (double)t.tv_nsec * 1e-9; }',
    'int main(void) {',
    '  for (int i = 0; i < 128; i++) { bias[i] = 100; mult[i] = 1 << 30; shift[i] = -8; }',
    '  for (int i = 0; i < 32768; i++) buf_in[i] = (int8_t)(i * 7);',
    '  for (int i = 0; i < 65536; i++) buf_w[i] = (int8_t)(i * 13);',
    '  edgec_per_channel_quant q = { mult, shift };',
  ];
  SHAPES.forEach((s, k) => {
    const call =
      s.kind === 'fc'
        ? `{ edgec_fc_params p = { 3, 0, -5, { -128, 127 } }; edgec_fully_connected_s8(&p, &q, 0, 1, ${s.inC}, ${s.outC}, buf_in, buf_w, bias, buf_out); }`
        : `{ edgec_conv_params p = { 3, -5, { 1, 1 }, { ${(s.kH - 1) >> 1}, ${(s.kW - 1) >> 1} }, { 1, 1 }, { -128, 127 } }; edgec_dims id = { 1, ${s.inH}, ${s.inW}, ${s.inC} }, fd = { ${s.outC}, ${s.kH}, ${s.kW}, ${s.inC} }, od = { 1, ${s.inH}, ${s.inW}, ${s.outC} }; edgec_convolve_s8(&p, &q, &id, buf_in, &fd, buf_w, bias, &od, buf_out); }`;
    lines.push(`  { long reps = 0; double t0 = now(); while (now() - t0 < 1.0) { ${call} reps++; } printf("${k} %f\\n", ${macsOf(s)}.0 * (double)reps / (now() - t0)); }`);
  });
  lines.push('  return buf_out[0] == 42;', '}');
  return lines.join('\n');
}

export function benchKernels(): KernelBench[] {
  const dir = join(BUILD_DIR, 'bench');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'kernels.c'), cProgram());
  const exe = join(dir, 'kernels');
  compileHost({
    sources: [join(dir, 'kernels.c'), join(PORTABLE_KERNELS_DIR, 'edgec_conv.c'), join(PORTABLE_KERNELS_DIR, 'edgec_fully_connected.c'), join(PORTABLE_KERNELS_DIR, 'edgec_dot_s8.c')],
    includeDirs: [PORTABLE_KERNELS_DIR],
    output: exe,
  });
  const out = runProgram(exe).stdout.toString('utf8').trim().split('\n');
  const c = new Map(out.map((l) => l.split(' ').map(Number) as [number, number]));
  return SHAPES.map((s, k) => ({ name: s.name, macs: macsOf(s), tsMacPerSec: timeTs(s), cMacPerSec: c.get(k)! }));
}
