/**
 * The parts of a generated folder beside the model itself: its sample inputs, the self-test with
 * the outputs the simulator computed for them, the float conversions at the model's edge, and the
 * README written for the firmware engineer.
 */
import { quantizeValues } from '../arith/tensor-quant.ts';
import { arrayBody, type CType } from '../cgen/c.ts';
import { folderInputs, folderOutputs, ioElementBytes, sampleBytes, type IoInfo, type Manifest } from '../formats/manifest.ts';
import type { Lowered } from '../lower/lower.ts';
import type { Preprocessing } from '../ir/graph.ts';
import { simulateLowered } from '../sim/int8.ts';
import { decodeSample } from '../sim/samples.ts';
import { markdownText } from '../support/sanitize.ts';
import { renderTemplate } from '../support/templates.ts';
import { xorshift32Bytes } from '../support/xorshift.ts';
import { CORTEX_CFLAGS, HOST_CFLAGS } from '../targets/flags.ts';
import { HOST, loadTarget } from '../targets/targets.ts';
import { ioRole } from './io-placement.ts';

/** Samples for verify and the self-test: the quantized calibration windows, or seeded random bytes. */
const RANDOM_SAMPLES = 8;
const RANDOM_SEED = 0x5eed;
export const SELFTEST_SAMPLES = 2;

export function sampleInputs(m: Manifest, calibration: readonly Float32Array[]): Buffer[] {
  if (calibration.length > 0) {
    return calibration.map((w) => {
      const q = m.input.dtype === 'int16' ? quantizeValues(w, m.input.scale, m.input.zeroPoint, 'int16') : quantizeValues(w, m.input.scale, m.input.zeroPoint);
      return Buffer.from(q.buffer, q.byteOffset, q.byteLength);
    });
  }
  const size = sampleBytes(folderInputs(m));
  const bytes = xorshift32Bytes(RANDOM_SAMPLES * size, RANDOM_SEED);
  return Array.from({ length: RANDOM_SAMPLES }, (_, i) => Buffer.from(bytes.buffer, i * size, size));
}

const CTYPE: Record<string, CType> = { int8: 'int8_t', int16: 'int16_t', int32: 'int32_t' };
const ctypeOf = (io: IoInfo): CType => CTYPE[io.dtype ?? 'int8']!;

function typedValues(io: IoInfo, bytes: Uint8Array): ArrayLike<number> {
  const copy = new Uint8Array(bytes).buffer;
  return io.dtype === 'int32' ? new Int32Array(copy) : io.dtype === 'int16' ? new Int16Array(copy) : new Int8Array(copy);
}

/** `<prefix>_selftest.c`: the first samples and the simulator's outputs for each, from reset state. */
export function selftestSource(m: Manifest, lowered: Lowered, samples: readonly Buffer[], banner: string): string {
  const chosen = samples.slice(0, SELFTEST_SAMPLES);
  const results = chosen.map((s) => simulateLowered(lowered, decodeSample(m, s)).outputs);
  const array = (role: string, io: IoInfo, parts: Uint8Array[]) => {
    const values = parts.flatMap((p) => Array.from(typedValues(io, p)));
    return { name: `${m.prefix}_selftest_${role}`, ctype: ctypeOf(io), length: values.length, body: arrayBody(values, ctypeOf(io)), role, size: io.size, array: `${m.prefix}_selftest_${role}` };
  };
  let offset = 0;
  const inputs = folderInputs(m).map((io, i) => {
    const start = offset;
    offset += io.size * ioElementBytes(io);
    return array(
      ioRole('input', i),
      io,
      chosen.map((s) => s.subarray(start, offset)),
    );
  });
  const outputs = folderOutputs(m).map((io, i) =>
    array(
      ioRole('output', i),
      io,
      results.map((r) => {
        const o = r[i]!;
        return new Uint8Array(o.buffer, o.byteOffset, o.byteLength);
      }),
    ),
  );
  return renderTemplate('model/selftest.c.hbs', {
    banner,
    prefix: m.prefix,
    upper: m.prefix.toUpperCase(),
    count: chosen.length,
    single: chosen.length === 1,
    arrays: [...inputs, ...outputs],
    inputs,
    outputs,
  });
}

/** A float32 as an exact C99 hexadecimal literal (no decimal rounding between TS and C). */
export function hexFloat(x: number): string {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, x);
  const bits = view.getUint32(0);
  const sign = bits >>> 31 ? '-' : '';
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = ((bits & 0x7fffff) << 1).toString(16).padStart(6, '0');
  if (exponent === 0xff) throw new Error(`hexFloat: ${x} is not finite`);
  if (exponent === 0) return bits & 0x7fffff ? `${sign}0x0.${mantissa}p-126f` : `${sign}0x0p+0f`;
  return `${sign}0x1.${mantissa}p${exponent - 127}f`;
}

const RANGE: Record<CType, [string, string]> = {
  int8_t: ['-128', '127'],
  int16_t: ['-32768', '32767'],
  int32_t: ['INT64_C(-2147483648)', 'INT64_C(2147483647)'],
  uint8_t: ['0', '255'],
  uint16_t: ['0', '65535'],
  int64_t: ['INT64_MIN', 'INT64_MAX'],
};

/** `<prefix>_quantize.c`: each input's quantize and each output's dequantize function. */
export function quantizeSource(m: Manifest, banner: string): string {
  const io = [...folderInputs(m).map((x, i) => ({ x, role: ioRole('input', i), isInput: true })), ...folderOutputs(m).map((x, i) => ({ x, role: ioRole('output', i), isInput: false }))].map(
    ({ x, role, isInput }) => {
      const [min, max] = RANGE[ctypeOf(x)];
      return { role, isInput, ctype: ctypeOf(x), scaleHex: hexFloat(Math.fround(x.scale)), zeroPoint: x.zeroPoint, min, max };
    },
  );
  return renderTemplate('model/quantize.c.hbs', { banner, prefix: m.prefix, io });
}

/** What the compiler knows of how inputs were prepared, as Markdown. */
function preprocessingText(p: Preprocessing | undefined): string | null {
  if (!p) return null;
  const lines: string[] = [];
  if (p.description) lines.push(markdownText(p.description, 400), '');
  if (p.sampleRateHz !== undefined) lines.push(`- sample rate: ${p.sampleRateHz} Hz`);
  if (p.channels) lines.push(`- channels, in this order (innermost dimension): ${p.channels.map((c) => markdownText(c, 40)).join(', ')}`);
  if (p.normalization) {
    lines.push('- normalisation, per channel, before quantization: x = (raw - mean) / std', '', '| channel | mean | std |', '|---|---|---|');
    p.normalization.mean.forEach((mean, c) =>
      lines.push(`| ${p.channels?.[c] !== undefined ? markdownText(p.channels[c]!, 40) : c} | ${mean.toPrecision(9)} | ${p.normalization!.std[c]!.toPrecision(9)} |`),
    );
  }
  return lines.length > 0 ? lines.join('\n') : null;
}

export interface ReadmeFacts {
  manifest: Manifest;
  arenaAlign: number;
  ioInArena: boolean;
  ioOverlap: boolean;
  selftestCount: number;
  /** Bytes of weights.bin, or null when the weights are in the C. */
  weightsBlob: number | null;
  preprocessing?: Preprocessing;
}

/** README.md: the folder's API, memory contract, I/O, preprocessing and build flags. */
export function folderReadme(f: ReadmeFacts): string {
  const m = f.manifest;
  const target = m.target ?? HOST;
  const cortex = target === HOST ? null : loadTarget(target);
  const io = [...folderInputs(m).map((x, i) => ({ x, role: ioRole('input', i) })), ...folderOutputs(m).map((x, i) => ({ x, role: ioRole('output', i) }))].map(({ x, role }) => ({
    role,
    mdName: markdownText(x.name, 80),
    dtype: x.dtype ?? 'int8',
    shapeList: x.shape.join(', '),
    scale: Math.fround(x.scale).toPrecision(9),
    zeroPoint: x.zeroPoint,
  }));
  const ioBytes = [...folderInputs(m), ...folderOutputs(m)].reduce((a, x) => a + x.size * ioElementBytes(x), 0);
  return renderTemplate('model/README.md.hbs', {
    title: markdownText(m.name, 80),
    name: markdownText(m.name, 80),
    version: m.toolchainVersion,
    hashShort: m.modelHash.slice(0, 16),
    target,
    verifyTarget: cortex?.qemu ? target : HOST,
    backend: m.backend,
    prefix: m.prefix,
    upper: m.prefix.toUpperCase(),
    selftestCount: f.selftestCount,
    weightsBlob: f.weightsBlob,
    arenaBytes: m.arenaBytes,
    arenaAlign: f.arenaAlign,
    stateBytes: m.stateBytes ?? 0,
    weightsBytes: m.weightsBytes,
    ioInArena: f.ioInArena,
    ioOverlap: f.ioOverlap,
    ioBytes,
    io,
    labels: m.labels && m.labels.length > 0 ? m.labels : null,
    labelText: (m.labels ?? []).map((l, i) => `${i} ${markdownText(l, 40)}`).join(', '),
    preprocessing: preprocessingText(f.preprocessing),
    cmsisNn: m.backend === 'cmsis-nn',
    hostFlags: HOST_CFLAGS.join(' '),
    cortexFlags: cortex ? [...cortex.cflags, ...CORTEX_CFLAGS].join(' ') : null,
  });
}
