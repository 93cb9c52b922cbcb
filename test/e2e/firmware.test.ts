/**
 * Generated folders in real firmware, built only from what the folders document:
 *   - one Cortex-M4 image (QEMU) links two different models (generated/har and ad01_int8 from a
 *     .tflite) and two instances of HAR with caller-owned arenas (one arena shared by the two models),
 *     runs them interleaved and every output equals the simulator's bytes; each self-test passes;
 *     built once through model.mk with only the flags the README lists, once through CMake;
 *   - on the host under AddressSanitizer: an arena too small or misaligned gives the documented code
 *     and nothing is written; with --io separate the input bytes are unchanged after invoke;
 *   - the model header is clean C99 and C++ under -pedantic -Werror.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dequantizeValues, quantizeValues } from '../../src/arith/tensor-quant.ts';
import { emitModelFolder } from '../../src/codegen/emit-folder.ts';
import { readManifest, type Manifest } from '../../src/formats/manifest.ts';
import { importTflite } from '../../src/import/tflite.ts';
import { loadFolderGraph, simulateLowered } from '../../src/sim/int8.ts';
import { decodeSample, encodeOutputs } from '../../src/sim/samples.ts';
import { HARNESS_DIR, PACKAGE_ROOT, PORTABLE_KERNELS_DIR } from '../../src/support/paths.ts';
import { xorshift32Bytes } from '../../src/support/xorshift.ts';
import { loadTarget } from '../../src/targets/targets.ts';
import { deserializeGraph } from '../../src/ir/serialize.ts';
import { verifyFolder } from '../../src/verify/verify.ts';
import { cortexTarget, hostTarget } from '../../src/verify/targets.ts';
import zlib from 'node:zlib';
import { runQemu, writeLinkerScript } from '../../src/toolchain/cortex-m.ts';
import { CORTEX_SKIP_REASON, HAS_CORTEX } from '../support/toolchain.ts';

const HAR = join(PACKAGE_ROOT, 'generated/har');
const tmp = mkdtempSync(join(tmpdir(), 'edgec-firmware-'));
const AD = join(tmp, 'ad01');
const AD_SEPARATE = join(tmp, 'ad01-separate');
const N = 4;
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

beforeAll(async () => {
  const g = importTflite(join(PACKAGE_ROOT, 'test/models/ad01_int8.tflite'));
  await emitModelFolder(g, AD);
  await emitModelFolder(g, AD_SEPARATE, { io: 'separate' });
}, 120_000);

/** N inputs of a folder (seeded random bytes) and the simulator's output for each, from reset state. */
function vectors(dir: string, seed: number): { m: Manifest; inputs: Buffer; expected: Buffer[] } {
  const m = readManifest(dir);
  const l = loadFolderGraph(dir);
  const inputs = Buffer.from(xorshift32Bytes(N * m.input.size, seed).buffer);
  const expected = Array.from({ length: N }, (_, k) => encodeOutputs(simulateLowered(l, decodeSample(m, inputs.subarray(k * m.input.size, (k + 1) * m.input.size))).outputs));
  return { m, inputs, expected };
}

/** The flags a folder's README lists for a compiler ('host gcc' or 'arm-none-eabi-gcc for <core>'). */
function readmeFlags(dir: string, compiler: string): string[] {
  const line = readFileSync(join(dir, 'README.md'), 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`- ${compiler}: `));
  expect(line, `README of ${dir} lists flags for ${compiler}`).toBeDefined();
  return /`([^`]+)`/.exec(line!)![1]!.split(' ');
}

const FIRMWARE_MAIN = `#include <stdint.h>
#include <string.h>
#include "edgec_semihost.h"
#include "har.h"
#include "ad01_int8.h"

#define N ${N}
#define SHARED_BYTES (HAR_ARENA_BYTES > AD01_INT8_ARENA_BYTES ? HAR_ARENA_BYTES : AD01_INT8_ARENA_BYTES)

/* One arena shared by two models that never run at the same time, and one of HAR's own. */
static int8_t shared_arena[SHARED_BYTES] __attribute__((aligned(8)));
static int8_t own_arena[HAR_ARENA_BYTES] __attribute__((aligned(8)));
static har_ctx har_a;
static har_ctx har_b;
static ad01_int8_ctx ad;
static int8_t har_in[N][HAR_INPUT_SIZE];
static int8_t ad_in[N][AD01_INT8_INPUT_SIZE];
static int32_t out_fd;

static void put_status(int32_t s)
{
    (void)edgec_sh_write(out_fd, &s, 4u);
}

int main(void)
{
    const int32_t in_fd = edgec_sh_open("in.bin", EDGEC_SH_MODE_RB);
    out_fd = edgec_sh_open("out.bin", EDGEC_SH_MODE_WB);
    if (in_fd < 0 || out_fd < 0 || edgec_sh_read(in_fd, har_in, (uint32_t)sizeof har_in) != 0 || edgec_sh_read(in_fd, ad_in, (uint32_t)sizeof ad_in) != 0) {
        return 2;
    }
    put_status(har_init(&har_a, shared_arena, sizeof shared_arena));
    put_status(ad01_int8_init(&ad, shared_arena, sizeof shared_arena));
    put_status(har_init(&har_b, own_arena, sizeof own_arena));
    put_status(har_selftest(&har_a));
    put_status(ad01_int8_selftest(&ad));
    put_status(har_selftest(&har_b));
    put_status(har_selftest(har_static()));
    for (int k = 0; k < N; k++) {
        /* har_b's input is written first and read last: its arena is its own. */
        memcpy(har_input(&har_b), har_in[N - 1 - k], HAR_INPUT_SIZE);
        memcpy(har_input(&har_a), har_in[k], HAR_INPUT_SIZE);
        put_status(har_invoke(&har_a));
        (void)edgec_sh_write(out_fd, har_output(&har_a), HAR_OUTPUT_SIZE);
        memcpy(ad01_int8_input(&ad), ad_in[k], AD01_INT8_INPUT_SIZE);
        put_status(ad01_int8_invoke(&ad));
        (void)edgec_sh_write(out_fd, ad01_int8_output(&ad), AD01_INT8_OUTPUT_SIZE);
        put_status(har_invoke(&har_b));
        (void)edgec_sh_write(out_fd, har_output(&har_b), HAR_OUTPUT_SIZE);
    }
    (void)edgec_sh_close(in_fd);
    (void)edgec_sh_close(out_fd);
    return 0;
}
`;

const HARNESS_SOURCES = ['startup.c', 'edgec_semihost.c', 'edgec_libc.c'].map((f) => join(HARNESS_DIR, 'cortex-m', f));

const linkerScript = (dir: string): string => writeLinkerScript(loadTarget('cortex-m4'), dir);

/** Runs the firmware in QEMU and checks every status and output byte. */
async function runFirmware(elf: string, dir: string): Promise<void> {
  const har = vectors(HAR, 7);
  const ad = vectors(AD, 8);
  writeFileSync(join(dir, 'in.bin'), Buffer.concat([har.inputs, ad.inputs]));
  await runQemu(loadTarget('cortex-m4'), elf, dir);
  const out = readFileSync(join(dir, 'out.bin'));
  const ok = Buffer.alloc(4);
  const expected: Buffer[] = [ok, ok, ok, ok, ok, ok, ok];
  for (let k = 0; k < N; k++) expected.push(ok, har.expected[k]!, ok, ad.expected[k]!, ok, har.expected[N - 1 - k]!);
  expect(out.subarray(0, 28).toString('hex'), 'init and self-test statuses').toBe(Buffer.alloc(28).toString('hex'));
  expect(out.equals(Buffer.concat(expected)), 'every output byte equals the simulator').toBe(true);
}

describe.skipIf(!HAS_CORTEX)('two models and two instances in one Cortex-M4 image', () => {
  it('through model.mk, with only the flags the README lists: every output bit-exact, every self-test passes', async () => {
    const dir = join(tmp, 'make');
    mkdirSync(dir);
    writeFileSync(join(dir, 'main.c'), FIRMWARE_MAIN);
    const flags = readmeFlags(HAR, 'arm-none-eabi-gcc for cortex-m4');
    expect(readmeFlags(AD, 'arm-none-eabi-gcc for cortex-m4')).toEqual(flags);
    const ld = linkerScript(dir);
    writeFileSync(
      join(dir, 'Makefile'),
      [
        `include ${join(HAR, 'model.mk')}`,
        `include ${join(AD, 'model.mk')}`,
        `CFLAGS := ${flags.join(' ')}`,
        `prog.elf: main.c`,
        `\tarm-none-eabi-gcc $(CFLAGS) $(HAR_INCLUDES) $(AD01_INT8_INCLUDES) -I${join(HARNESS_DIR, 'cortex-m')} main.c $(HAR_SRCS) $(HAR_OPTIONAL_SRCS) $(AD01_INT8_SRCS) $(AD01_INT8_OPTIONAL_SRCS) ${HARNESS_SOURCES.join(' ')} -nostdlib -nostartfiles -T${ld} -Wl,--gc-sections -lgcc -o $@`,
        '',
      ].join('\n'),
    );
    const r = spawnSync('make', ['-s', '-C', dir], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    await runFirmware(join(dir, 'prog.elf'), dir);
  }, 300_000);

  it('through CMake (add_subdirectory of both folders): the same bytes', async () => {
    const dir = join(tmp, 'cmake');
    mkdirSync(dir);
    writeFileSync(join(dir, 'main.c'), FIRMWARE_MAIN);
    const ld = linkerScript(dir);
    const flags = readmeFlags(HAR, 'arm-none-eabi-gcc for cortex-m4').join(' ');
    writeFileSync(
      join(dir, 'toolchain.cmake'),
      [
        'set(CMAKE_SYSTEM_NAME Generic)',
        'set(CMAKE_SYSTEM_PROCESSOR arm)',
        'set(CMAKE_C_COMPILER arm-none-eabi-gcc)',
        'set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)',
        `set(CMAKE_C_FLAGS_INIT "${flags}")`,
        `set(CMAKE_EXE_LINKER_FLAGS_INIT "-nostdlib -nostartfiles -T${ld} -Wl,--gc-sections")`,
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'CMakeLists.txt'),
      [
        'cmake_minimum_required(VERSION 3.13)',
        'project(firmware C)',
        `add_subdirectory(${HAR} har)`,
        `add_subdirectory(${AD} ad01)`,
        `add_executable(prog.elf main.c ${HARNESS_SOURCES.join(' ')})`,
        `target_include_directories(prog.elf PRIVATE ${join(HARNESS_DIR, 'cortex-m')})`,
        'target_link_libraries(prog.elf har_model_extras ad01_int8_model_extras gcc)',
        '',
      ].join('\n'),
    );
    const build = join(dir, 'build');
    let r = spawnSync('cmake', ['-S', dir, '-B', build, `-DCMAKE_TOOLCHAIN_FILE=${join(dir, 'toolchain.cmake')}`], { encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    r = spawnSync('cmake', ['--build', build], { encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    await runFirmware(join(build, 'prog.elf'), dir);
  }, 300_000);
});
if (!HAS_CORTEX) it.skip(`firmware images in QEMU: ${CORTEX_SKIP_REASON}`, () => {});

/** A host program against the separate-I/O folder, under ASan+UBSan: arena checks, input untouched. */
const HOST_MAIN = (expected: Buffer, input: Buffer) => `#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ad01_int8.h"

static const int8_t input[${input.length}] = { ${Array.from(new Int8Array(input.buffer, input.byteOffset, input.length)).join(', ')} };
static const int8_t expected[${expected.length}] = { ${Array.from(new Int8Array(expected.buffer, expected.byteOffset, expected.length)).join(', ')} };

#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "failed: %s (line %d)\\n", #cond, __LINE__); return 1; } } while (0)

int main(void)
{
    ad01_int8_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    /* Exactly the documented size, from malloc: AddressSanitizer reports any byte written past it. */
    int8_t *arena = (int8_t *)malloc(AD01_INT8_ARENA_BYTES);
    int8_t *small = (int8_t *)malloc(AD01_INT8_ARENA_BYTES - 1u);
    int64_t in_buf[(AD01_INT8_INPUT_SIZE + 7u) / 8u];
    int64_t out_buf[(AD01_INT8_OUTPUT_SIZE + 7u) / 8u];
    CHECK(arena != NULL && small != NULL);
    CHECK(ad01_int8_invoke(&ctx) == AD01_INT8_ERROR_NOT_INITIALIZED);
    CHECK(ad01_int8_input(&ctx) == NULL);
    CHECK(ad01_int8_init(NULL, arena, AD01_INT8_ARENA_BYTES) == AD01_INT8_ERROR_NULL);
    CHECK(ad01_int8_init(&ctx, NULL, AD01_INT8_ARENA_BYTES) == AD01_INT8_ERROR_NULL);
    CHECK(ad01_int8_init(&ctx, small, AD01_INT8_ARENA_BYTES - 1u) == AD01_INT8_ERROR_ARENA_TOO_SMALL);
    CHECK(ad01_int8_invoke(&ctx) == AD01_INT8_ERROR_NOT_INITIALIZED);
    CHECK(ad01_int8_init(&ctx, arena + 1, AD01_INT8_ARENA_BYTES) == AD01_INT8_ERROR_MISALIGNED);
    CHECK(ad01_int8_invoke(&ctx) == AD01_INT8_ERROR_NOT_INITIALIZED);
    CHECK(ad01_int8_init(&ctx, arena, AD01_INT8_ARENA_BYTES) == AD01_INT8_OK);

    /* The context's own buffers: invoke leaves the input as it was. */
    memcpy(ad01_int8_input(&ctx), input, sizeof input);
    CHECK(ad01_int8_invoke(&ctx) == AD01_INT8_OK);
    CHECK(memcmp(ad01_int8_input(&ctx), input, sizeof input) == 0);
    CHECK(memcmp(ad01_int8_output(&ctx), expected, sizeof expected) == 0);

    /* The caller's buffers (index 0: the input, 1: the output). */
    CHECK(ad01_int8_set_io_buffer(&ctx, 0u, (int8_t *)in_buf + 1) == AD01_INT8_ERROR_MISALIGNED);
    CHECK(ad01_int8_set_io_buffer(&ctx, 2u, in_buf) == AD01_INT8_ERROR_BAD_INDEX);
    CHECK(ad01_int8_set_io_buffer(&ctx, 0u, in_buf) == AD01_INT8_OK);
    CHECK(ad01_int8_set_io_buffer(&ctx, 1u, out_buf) == AD01_INT8_OK);
    CHECK(ad01_int8_input(&ctx) == (int8_t *)in_buf);
    memcpy(in_buf, input, sizeof input);
    memset(out_buf, 0x55, sizeof out_buf);
    CHECK(ad01_int8_invoke(&ctx) == AD01_INT8_OK);
    CHECK(memcmp(in_buf, input, sizeof input) == 0);
    CHECK(memcmp(out_buf, expected, sizeof expected) == 0);
    CHECK(ad01_int8_set_io_buffer(&ctx, 0u, NULL) == AD01_INT8_OK);
    CHECK(ad01_int8_selftest(&ctx) == AD01_INT8_OK);
    free(arena);
    free(small);
    puts("ok");
    return 0;
}
`;

describe('the context API on the host, under AddressSanitizer', () => {
  it('--io separate: a too small or misaligned arena gives its documented code; invoke leaves the input untouched; caller buffers work', () => {
    const { inputs, expected } = vectors(AD_SEPARATE, 9);
    const m = readManifest(AD_SEPARATE);
    expect(m.io).toBe('separate');
    const dir = join(tmp, 'host');
    mkdirSync(dir);
    writeFileSync(join(dir, 'main.c'), HOST_MAIN(expected[0]!, inputs.subarray(0, m.input.size)));
    const flags = readmeFlags(AD_SEPARATE, 'host gcc');
    const kernels = readFileSync(join(AD_SEPARATE, 'model.mk'), 'utf8');
    const sources = /^AD01_INT8_SRCS := (.*)$/m
      .exec(kernels)![1]!
      .split(' ')
      .map((s) => s.replace('$(AD01_INT8_DIR)', `${AD_SEPARATE}/`));
    const exe = join(dir, 'prog');
    const cc = spawnSync(
      'gcc',
      [...flags, '-fsanitize=address,undefined', '-fno-sanitize-recover=all', '-g', `-I${AD_SEPARATE}`, join(dir, 'main.c'), ...sources, join(AD_SEPARATE, 'ad01_int8_selftest.c'), '-o', exe],
      { encoding: 'utf8' },
    );
    expect(cc.status, cc.stderr).toBe(0);
    const run = spawnSync(exe, [], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('ok');
    expect(run.status).toBe(0);
  }, 120_000);

  it('the header of each I/O mode says where the input and output live', () => {
    const arenaHeader = readFileSync(join(AD, 'ad01_int8.h'), 'utf8');
    expect(arenaHeader).toMatch(/invoke\(\) overwrites the\s+\*?\s*input/);
    // ad01 is an autoencoder whose output reuses its input's bytes in the arena: the header says so.
    const adManifest = readManifest(AD);
    expect(adManifest.io).toBe('arena');
    const separate = readFileSync(join(AD_SEPARATE, 'ad01_int8.h'), 'utf8');
    expect(separate).toMatch(/never writes an input/);
    expect(readFileSync(join(HAR, 'har.h'), 'utf8')).toMatch(/Inputs? and outputs? live in the arena/);
  });
});

describe('the float conversions of <prefix>_quantize.c', () => {
  it('quantize and dequantize exactly as the simulator (halves, near-halves, saturation, NaN, infinities, subnormals)', () => {
    const m = readManifest(HAR);
    const s = Math.fround(m.input.scale);
    const values: number[] = [0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e30, -1e30, 1e-40, -1e-40, 3.4e38];
    for (let k = -200; k <= 200; k++) {
      const half = Math.fround((k + 0.5) * s);
      values.push(half, Math.fround(half * (1 + 2 ** -23)), Math.fround(half * (1 - 2 ** -23)), Math.fround(k * s));
    }
    // Inputs whose quotient x / scale is the float just below or above a half, where some float x
    // reaches it: round-half-to-even or truncation gets these wrong.
    const bits = new DataView(new ArrayBuffer(4));
    const step = (v: number, d: number) => {
      bits.setFloat32(0, v);
      bits.setUint32(0, bits.getUint32(0) + (v >= 0 ? d : -d));
      return bits.getFloat32(0);
    };
    for (let k = -130; k <= 130; k++) {
      for (const d of [-1, 1]) {
        const target = step(k + 0.5, d);
        let x = Math.fround(target * s);
        for (let t = 0; t < 64 && Math.fround(x / s) !== target; t++) x = step(x, Math.fround(x / s) < target === x >= 0 ? 1 : -1);
        if (Math.fround(x / s) === target) values.push(x);
      }
    }
    const random = xorshift32Bytes(4000, 11);
    for (let i = 0; i < random.length; i += 2) values.push(((random[i]! * 256 + (random[i + 1]! & 0xff)) / 32768) * 12);
    const x = Float32Array.from(values);
    const dir = join(tmp, 'quantize');
    mkdirSync(dir);
    writeFileSync(join(dir, 'x.f32'), new Uint8Array(x.buffer));
    writeFileSync(
      join(dir, 'main.c'),
      `#include <stdio.h>
#include "har.h"
static float x[${x.length}];
static int8_t q[${x.length}];
int main(int argc, char **argv)
{
    FILE *in = fopen(argv[1], "rb");
    FILE *out = fopen(argv[2], "wb");
    int8_t all[256];
    float back[256];
    (void)argc;
    if (in == NULL || out == NULL || fread(x, sizeof x[0], ${x.length}u, in) != ${x.length}u) return 2;
    har_quantize_input(x, q, ${x.length}u);
    for (int i = 0; i < 256; i++) all[i] = (int8_t)(i - 128);
    har_dequantize_output(all, back, 256u);
    fwrite(q, 1, sizeof q, out);
    fwrite(back, sizeof back[0], 256u, out);
    return fclose(out) == 0 ? 0 : 1;
}
`,
    );
    const exe = join(dir, 'prog');
    const cc = spawnSync('gcc', [...readmeFlags(HAR, 'host gcc'), `-I${HAR}`, join(dir, 'main.c'), join(HAR, 'har_quantize.c'), '-o', exe], { encoding: 'utf8' });
    expect(cc.status, cc.stderr).toBe(0);
    const run = spawnSync(exe, [join(dir, 'x.f32'), join(dir, 'out.bin')], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const out = readFileSync(join(dir, 'out.bin'));
    expect(Array.from(new Int8Array(out.buffer, out.byteOffset, x.length))).toEqual(Array.from(quantizeValues(x, m.input.scale, m.input.zeroPoint)));
    const back = new Float32Array(out.buffer.slice(out.byteOffset + x.length, out.byteOffset + x.length + 1024));
    expect(Array.from(back)).toEqual(
      Array.from(
        dequantizeValues(
          Int8Array.from({ length: 256 }, (_, i) => i - 128),
          m.output.scale,
          m.output.zeroPoint,
        ),
      ),
    );
  });
});

describe('--weights blob', () => {
  const HAR_BLOB = join(tmp, 'har-blob');
  const AD_BLOB = join(tmp, 'ad01-blob');
  beforeAll(async () => {
    const har = deserializeGraph(readFileSync(join(HAR, 'graph.json'), 'utf8'), join(HAR, 'graph.json'));
    await emitModelFolder(har, HAR_BLOB, { weights: 'blob' });
    await emitModelFolder(importTflite(join(PACKAGE_ROOT, 'test/models/ad01_int8.tflite')), AD_BLOB, { weights: 'blob', io: 'separate' });
  }, 120_000);

  it('weights.bin: a header with magic, layout, sizes, model id and the CRC-32 zlib computes; no weight array left in the C', () => {
    const m = readManifest(HAR_BLOB);
    const blob = readFileSync(join(HAR_BLOB, 'weights.bin'));
    expect(blob.length).toBe(m.weightsBlobBytes);
    expect(blob.subarray(0, 4).toString('latin1')).toBe('EDGW');
    expect([blob.readUInt32LE(4), blob.readUInt32LE(8), blob.readUInt32LE(12)]).toEqual([1, 32, blob.length - 32]);
    expect(blob.readUInt32LE(16)).toBe(zlib.crc32(blob.subarray(32)));
    expect(blob.subarray(20, 28).toString('hex')).toBe(m.modelHash.slice(0, 16));
    const c = readFileSync(join(HAR_BLOB, 'har.c'), 'utf8');
    expect(c).not.toMatch(/static const int(8|32)_t har_\w+\[/);
    expect(c).toMatch(/\(w \+ \d+\)/);
  });

  it('verifies bit-exact on the host', async () => {
    for (const dir of [HAR_BLOB, AD_BLOB]) expect((await verifyFolder(dir, hostTarget, { inputs: 20 })).exact).toBe(20);
  }, 120_000);

  it.skipIf(!HAS_CORTEX)(
    'verifies bit-exact on Cortex-M4 (QEMU)',
    async () => {
      for (const dir of [HAR_BLOB, AD_BLOB]) expect((await verifyFolder(dir, cortexTarget('cortex-m4'), { inputs: 10 })).exact).toBe(10);
    },
    300_000,
  );

  it("the C refuses a blob that is corrupted, truncated, misaligned or another model's, and invoke refuses to run without one (ASan)", () => {
    const m = readManifest(HAR_BLOB);
    const l = loadFolderGraph(HAR_BLOB);
    const input = Buffer.from(xorshift32Bytes(m.input.size, 3).buffer);
    const expected = encodeOutputs(simulateLowered(l, decodeSample(m, input)).outputs);
    const dir = join(tmp, 'blob-host');
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'main.c'),
      `#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "har.h"

static const int8_t input[${input.length}] = { ${Array.from(new Int8Array(input.buffer, input.byteOffset, input.length)).join(', ')} };
static const int8_t expected[${expected.length}] = { ${Array.from(new Int8Array(expected.buffer, expected.byteOffset, expected.length)).join(', ')} };

#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "failed: %s (line %d)\\n", #cond, __LINE__); return 1; } } while (0)

static uint8_t *load(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    uint8_t *b;
    if (f == NULL) return NULL;
    fseek(f, 0, SEEK_END);
    *n = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    b = (uint8_t *)aligned_alloc(8, (*n + 8u) & ~(size_t)7u);
    if (b != NULL && fread(b, 1, *n, f) != *n) return NULL;
    fclose(f);
    return b;
}

int main(int argc, char **argv)
{
    static int8_t arena[HAR_ARENA_BYTES] __attribute__((aligned(8)));
    har_ctx ctx;
    size_t n = 0, other_n = 0;
    uint8_t *blob = load(argv[1], &n);
    uint8_t *other = load(argv[2], &other_n);
    uint8_t *shifted = (uint8_t *)aligned_alloc(8, (n + 15u) & ~(size_t)7u);
    (void)argc;
    CHECK(blob != NULL && other != NULL && shifted != NULL && n == HAR_WEIGHTS_BLOB_BYTES);
    memset(&ctx, 0, sizeof ctx);
    CHECK(har_set_weights(&ctx, blob, n) == HAR_ERROR_NOT_INITIALIZED);
    CHECK(har_init(&ctx, arena, sizeof arena) == HAR_OK);
    memcpy(har_input(&ctx), input, sizeof input);
    CHECK(har_invoke(&ctx) == HAR_ERROR_WEIGHTS);
    CHECK(har_set_weights(&ctx, NULL, n) == HAR_ERROR_WEIGHTS);
    CHECK(har_set_weights(&ctx, blob, n - 1u) == HAR_ERROR_WEIGHTS);
    memcpy(shifted + 4, blob, n);
    CHECK(har_set_weights(&ctx, shifted + 4, n) == HAR_ERROR_WEIGHTS);
    CHECK(har_set_weights(&ctx, other, other_n) == HAR_ERROR_WEIGHTS);
    for (size_t at = 0; at < n; at += n / 7u + 1u) {
        blob[at] ^= 0x10u;
        CHECK(har_set_weights(&ctx, blob, n) == HAR_ERROR_WEIGHTS);
        CHECK(har_invoke(&ctx) == HAR_ERROR_WEIGHTS);
        blob[at] ^= 0x10u;
    }
    blob[n - 1u] ^= 0x01u;
    CHECK(har_set_weights(&ctx, blob, n) == HAR_ERROR_WEIGHTS);
    blob[n - 1u] ^= 0x01u;
    CHECK(har_set_weights(&ctx, blob, n) == HAR_OK);
    CHECK(har_invoke(&ctx) == HAR_OK);
    CHECK(memcmp(har_output(&ctx), expected, sizeof expected) == 0);
    CHECK(har_selftest(&ctx) == HAR_OK);
    puts("ok");
    free(blob);
    free(other);
    free(shifted);
    return 0;
}
`,
    );
    const sources = readFileSync(join(HAR_BLOB, 'model.mk'), 'utf8');
    const files = /^HAR_SRCS := (.*)$/m
      .exec(sources)![1]!
      .split(' ')
      .map((f) => f.replace('$(HAR_DIR)', `${HAR_BLOB}/`));
    const exe = join(dir, 'prog');
    const cc = spawnSync(
      'gcc',
      [
        ...readmeFlags(HAR_BLOB, 'host gcc').filter((f) => f !== '-std=c99'),
        '-std=c11',
        '-fsanitize=address,undefined',
        '-fno-sanitize-recover=all',
        '-g',
        `-I${HAR_BLOB}`,
        join(dir, 'main.c'),
        ...files,
        join(HAR_BLOB, 'har_selftest.c'),
        '-o',
        exe,
      ],
      { encoding: 'utf8' },
    );
    expect(cc.status, cc.stderr).toBe(0);
    const run = spawnSync(exe, [join(HAR_BLOB, 'weights.bin'), join(AD_BLOB, 'weights.bin')], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('ok');
  }, 120_000);
});

describe('kernel symbols carry the model prefix', () => {
  /** Links two folders' model.mk sources into one host program; returns the linker's complaints. */
  function linkTwo(har: string, ad: string, name: string): { status: number | null; stderr: string } {
    const dir = join(tmp, name);
    mkdirSync(dir);
    writeFileSync(join(dir, 'main.c'), '#include "har.h"\n#include "ad01_int8.h"\nint main(void) { return har_invoke(har_static()) + ad01_int8_invoke(ad01_int8_static()); }\n');
    writeFileSync(
      join(dir, 'Makefile'),
      `include ${join(har, 'model.mk')}\ninclude ${join(ad, 'model.mk')}\nprog: main.c\n\tgcc $(HAR_INCLUDES) $(AD01_INT8_INCLUDES) main.c $(HAR_SRCS) $(AD01_INT8_SRCS) -o $@\n`,
    );
    return spawnSync('make', ['-s', '-C', dir], { encoding: 'utf8' });
  }

  it('two folders link into one program; with the unprefixed kernels (the template header) they clash', () => {
    expect(linkTwo(HAR, AD, 'link-prefixed').status).toBe(0);
    const bare = (src: string, name: string) => {
      const d = join(tmp, name);
      cpSync(src, d, { recursive: true });
      cpSync(join(PORTABLE_KERNELS_DIR, 'edgec_prefix.h'), join(d, 'kernels', 'edgec_prefix.h'));
      return d;
    };
    const r = linkTwo(bare(HAR, 'har-bare'), bare(AD, 'ad-bare'), 'link-bare');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/multiple definition of `edgec_/);
  });
});

describe('the model header', () => {
  for (const [lang, args] of [
    ['C99', ['-x', 'c', '-std=c99']],
    ['C++11', ['-x', 'c++', '-std=c++11']],
  ] as const) {
    it(`is clean ${lang} under -pedantic -Wall -Wextra -Werror (both I/O modes)`, () => {
      for (const [dir, h] of [
        [HAR, 'har.h'],
        [AD_SEPARATE, 'ad01_int8.h'],
      ]) {
        const r = spawnSync(lang === 'C99' ? 'gcc' : 'g++', [...args, '-pedantic', '-Wall', '-Wextra', '-Werror', '-fsyntax-only', join(dir!, h!)], { encoding: 'utf8' });
        expect(r.status, `${h}: ${r.stderr}`).toBe(0);
      }
    });
  }
});
