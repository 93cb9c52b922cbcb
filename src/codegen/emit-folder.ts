/**
 * Writes `generated/<name>/` for the portable backend:
 *
 *   <prefix>.h / <prefix>.c   API (context, caller's arena) and one call per layer
 *   <prefix>_selftest.c       embedded sample inputs and the simulator's outputs for them
 *   <prefix>_quantize.c       float conversions at the model's edge
 *   kernels/                  only the portable kernels the model uses (+ shared headers), their
 *                             symbols prefixed by kernels/edgec_prefix.h
 *   README.md                 the firmware engineer's page: API, memory contract, I/O, flags
 *   model.mk, CMakeLists.txt  drop-in build snippets
 *   model.ts                  typed host-side constants, quantizeInput/dequantizeOutput, simulate
 *   graph.json                the int8 graph the C came from (for simulate/verify)
 *   manifest.json             prefix, I/O, arena, steps (read by the rest of the toolchain)
 *   sample_inputs.bin         quantized calibration windows, for verify
 *
 * Same graph in, same bytes out: nothing here depends on time, paths or map iteration order.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fail } from '../support/diagnostics.ts';
import { tensorBytes, type Graph, type Tensor } from '../ir/graph.ts';
import { graphHash, serializeGraph } from '../ir/serialize.ts';
import { writeFolderAtomically } from '../io/atomic.ts';
import { assertValidGraph, DEFAULT_LIMITS, type GraphLimits } from '../validate/validate.ts';
import { CMSIS_GLUE_DIR, PORTABLE_KERNELS_DIR } from '../support/paths.ts';
import { formatPlan, planGraph } from '../plan/index.ts';
import { VERSION } from '../support/version.ts';
import { lowerGraph } from '../lower/lower.ts';
import type { IoInfo, Manifest } from '../formats/manifest.ts';
import { emitModelTs } from './model-ts.ts';
import { cIdentifier } from './names.ts';
import { safeText } from '../support/sanitize.ts';
import { stringLiteral } from '../cgen/c.ts';
import { folderReadme, quantizeSource, sampleInputs, SELFTEST_SAMPLES, selftestSource } from './folder-extras.ts';
import { ioOverlap, ioPlacement, type IoMode } from './io-placement.ts';
import { kernelSymbols, prefixHeader } from './kernel-prefix.ts';
import { BLOB_HEADER_BYTES, BLOB_LAYOUT_VERSION, BLOB_MAGIC, modelId, NIBBLE, WeightsBlob, type WeightsMode } from './weights-blob.ts';
import { CMSIS_GLUE_HEADER, emitSteps, type BackendOptions, type MemoryLayout } from './portable/emit-steps.ts';
import { cmsisEmitterFor, portableScratch } from './select.ts';
import type { CmsisPath } from '../ops/contract.ts';
import type { Lowered } from '../lower/lower.ts';
import { cmsisNnDir } from '../targets/cmsis-nn.ts';
import { cmsisPathOf, DEFAULT_TARGET, HOST, loadTarget } from '../targets/targets.ts';
import { prepareStream, STREAM_HEADER, STREAM_KERNEL_FILES, streamReadme } from './stream-emit.ts';

/** cmsis-nn: the CMSIS-NN code path the target compiles to, which sizes the scratch buffers. */
function cmsisSetup(targetName: string): { path: CmsisPath } {
  cmsisNnDir(); // a clear error now rather than a folder nobody can build
  return { path: targetName === HOST ? 'plain' : cmsisPathOf(loadTarget(targetName)) };
}

/**
 * Arena scratch each step's kernel needs, for the planner (live only during its step). A cmsis-nn
 * folder is also verified on the host (plain C path), so its CMSIS-NN steps reserve the larger of
 * the two paths' sizes.
 */
export function scratchRequests(g: Graph, l: Lowered, path: CmsisPath | null, everywhere: boolean): { step: number; opIndex: number; bytes: number; name: string }[] {
  return l.steps.flatMap((s, step) => {
    const e = path ? cmsisEmitterFor(s, path, everywhere) : undefined;
    const bytes = e && path ? Math.max(e.scratch(s as never, path), e.scratch(s as never, 'plain')) : portableScratch(s);
    return bytes > 0 ? [{ step, opIndex: g.ops.findIndex((o) => o.id === s.op.id), bytes, name: `${s.op.name} (scratch)` }] : [];
  });
}

/** The state region: every variable tensor at an 8-aligned offset, with its reset value. */
function stateLayout(g: Graph): { offsets: Map<number, number>; bytes: number; resets: { offset: number; bytes: number; value: number; name: string }[] } {
  const offsets = new Map<number, number>();
  const resets: { offset: number; bytes: number; value: number; name: string }[] = [];
  let bytes = 0;
  for (const t of g.tensors) {
    if (!t.variable) continue;
    const n = tensorBytes(t);
    offsets.set(t.id, bytes);
    resets.push({ offset: bytes, bytes: n, value: t.dtype === 'int8' ? (t.quant?.zeroPoint[0] ?? 0) : 0, name: safeText(t.name) });
    bytes += Math.ceil(n / 8) * 8;
  }
  return { offsets, bytes, resets };
}

import { renderTemplate } from '../support/templates.ts';

export interface EmitOptions {
  /** Kernel library: the project's portable kernels (default) or CMSIS-NN with portable fallbacks. */
  backend?: 'portable' | 'cmsis-nn';
  /**
   * The core the folder is made for (default cortex-m4), recorded in manifest.json. cmsis-nn: its
   * CMSIS-NN code path sizes the scratch buffers. Portable C is the same for every core (the kernels
   * pick their code path from the compiler's feature macros).
   */
  target?: string;
  /**
   * cmsis-nn: call CMSIS-NN wherever it has a kernel, also where a family's portableIsFaster rule
   * keeps the portable one (`npm run bench` measures those rules this way). Not a CLI option.
   */
  cmsisEverywhere?: boolean;
  /** Inputs and outputs inside the arena (default) or in buffers of their own (src/codegen/io-placement.ts). */
  io?: IoMode;
  /** Weight arrays in the C (default) or in weights.bin, given to the model at run time (src/codegen/weights-blob.ts). */
  weights?: WeightsMode;
  /** Float calibration windows; the first ones are saved quantized as sample_inputs.bin. */
  calibration?: readonly Float32Array[];
  alignment?: number;
  /** Replace an --out folder edgec did not create (see src/io/atomic.ts for what is never replaced). */
  force?: boolean;
  /** Caps checked before anything is written (the graph validator's limits). */
  limits?: GraphLimits;
  /** Also emit the streaming API for HOP new samples per call (src/codegen/stream-emit.ts). */
  stream?: number;
}

export interface EmitResult {
  dir: string;
  manifest: Manifest;
  planText: string;
}

function ioInfo(t: Tensor): IoInfo {
  const info: IoInfo = { name: t.name, shape: [...t.shape], size: t.shape.reduce((a, b) => a * b, 1), scale: t.quant!.scale[0]!, zeroPoint: t.quant!.zeroPoint[0]! };
  return t.dtype === 'int8' ? info : { ...info, dtype: t.dtype as 'int16' | 'int32' };
}

function banner(kind: 'c' | 'hash' | 'ts', g: Graph, hash: string): string {
  const lines = [`generated by edgec ${VERSION} from model '${safeText(g.name)}' (sha256 ${hash.slice(0, 16)}); do not edit.`, `Regenerate with: edgec compile <model> --out <dir>`];
  if (kind === 'c') return `/*\n${lines.map((l) => ` * ${l}`).join('\n')}\n */`;
  if (kind === 'hash') return lines.map((l) => `# ${l}`).join('\n');
  return lines.map((l) => `// ${l}`).join('\n');
}

export async function emitModelFolder(g: Graph, outDir: string, opts: EmitOptions = {}): Promise<EmitResult> {
  for (const id of [...g.inputs, ...g.outputs]) {
    const t = g.tensors[id]!;
    if (!['int8', 'int16', 'int32'].includes(t.dtype) || !t.quant)
      fail('E-CODEGEN-IO', 'codegen', `model inputs and outputs must be quantized int8, int16 or int32 tensors, not ${t.dtype}`, { file: g.meta.source, tensor: t.name });
  }
  assertValidGraph(g, opts.limits);
  const lowered = lowerGraph(g);
  const target = opts.target ?? DEFAULT_TARGET;
  if (target !== HOST) loadTarget(target); // an unknown name fails here, with the list of targets
  const cmsis = opts.backend === 'cmsis-nn' ? cmsisSetup(target) : null;
  const requests = scratchRequests(g, lowered, cmsis?.path ?? null, opts.cmsisEverywhere ?? false);
  const placement = ioPlacement(g, lowered.aliases, opts.io ?? 'arena');
  const { plan, linearBytes } = planGraph(g, { alignment: opts.alignment ?? 8, scratch: requests, external: new Set(placement.external.keys()) });
  const arenaCap = opts.limits?.arenaBytes ?? DEFAULT_LIMITS.arenaBytes;
  if (plan.arenaBytes > arenaCap) {
    fail('E-GRAPH-LIMIT', 'plan', `the planned arena of ${plan.arenaBytes} bytes exceeds the limit of ${arenaCap} bytes (--max-arena-bytes)`, { file: g.meta.source });
  }
  const state = stateLayout(g);
  const prefix = cIdentifier(g.name);
  const hash = graphHash(g);
  const offsetOf = (id: number): number => {
    const root = lowered.aliases.get(id) ?? id;
    const b = plan.buffers.find((x) => x.id === root) ?? plan.buffers.find((x) => x.id === id);
    if (!b) throw new Error(`planner placed no buffer for tensor ${id}`);
    return b.offset;
  };
  const backend: BackendOptions = cmsis ? { backend: 'cmsis-nn', path: cmsis.path, everywhere: opts.cmsisEverywhere } : { backend: 'portable' };
  const layout: MemoryLayout = {
    arenaOffset: offsetOf,
    external: (root) => placement.external.get(root) ?? null,
    stateOffset: (id) => state.offsets.get(id)!,
    scratch(step) {
      const k = requests.findIndex((r) => r.step === step);
      if (k < 0) return { ptr: 'NULL', bytes: 0 };
      const placed = plan.buffers.find((b) => b.id === -(k + 1))!;
      return { ptr: `(arena + ${placed.offset})`, bytes: requests[k]!.bytes };
    },
  };
  const blob = opts.weights === 'blob' ? new WeightsBlob() : undefined;
  const stream = opts.stream === undefined ? null : prepareStream(g, lowered, opts.stream, { backend, alignment: opts.alignment ?? 8, weightsBlob: opts.weights === 'blob' });
  const all = emitSteps(stream?.lowered ?? lowered, prefix, stream ? stream.layout(layout) : layout, backend, blob, { reuseFrom: stream?.modelSteps });
  const emitted = stream
    ? {
        ...all,
        steps: all.steps.slice(0, stream.modelSteps),
        stepInfo: all.stepInfo.slice(0, stream.modelSteps),
        kernelFiles: [...new Set([...all.kernelFiles, ...STREAM_KERNEL_FILES])].sort(),
        headers: [...new Set([...all.headers, STREAM_HEADER])].sort(),
      }
    : all;
  if (blob && blob.payloadBytes === 0) fail('E-CODEGEN-WEIGHTS', 'codegen', '--weights blob: this model has no constant arrays to put in a blob', { file: g.meta.source });
  const blobFile = blob ? blob.file(hash) : null;
  const input = g.tensors[g.inputs[0]!]!;
  const output = g.tensors[g.outputs[0]!]!;
  // The first input and output keep the plain names (<model>_input()); more are numbered (_input_1()).
  const ioView = (role: 'input' | 'output', ids: readonly number[]) =>
    ids.map((id, i) => {
      const t = g.tensors[id]!;
      const suffix = i === 0 ? role : `${role}_${i}`;
      return {
        role: suffix,
        name: safeText(t.name),
        dtype: t.dtype,
        ctype: `${t.dtype}_t`,
        macro: `${prefix.toUpperCase()}_${suffix.toUpperCase()}`,
        prefix,
        isInput: role === 'input',
        offset: placement.mode === 'arena' ? offsetOf(id) : 0,
        bytes: tensorBytes(t),
        size: t.shape.reduce((a, b) => a * b, 1),
        rank: t.shape.length,
        shapeList: t.shape.join(', '),
        scale: t.quant!.scale[0]!.toPrecision(9),
        zeroPoint: t.quant!.zeroPoint[0]!,
      };
    });
  const io = [...ioView('input', g.inputs), ...ioView('output', g.outputs)];
  const ioInArena = placement.mode === 'arena';
  const overlap =
    ioInArena &&
    ioOverlap(
      io.filter((x) => x.isInput),
      io.filter((x) => !x.isInput),
    );
  const labels = g.meta.labels && g.meta.labels.length > 0 ? g.meta.labels : null;
  const kernelSources = emitted.kernelFiles.filter((f) => f.endsWith('.c'));
  const cBanner = banner('c', g, hash);
  const planText = formatPlan(plan);
  const arenaBytes = Math.max(plan.arenaBytes, stream?.arenaBytes ?? 0);
  const streamOut = stream ? stream.render(all, { prefix, banner: cBanner, modelState: state.bytes > 0, modelArenaBytes: plan.arenaBytes }) : null;
  const view = {
    banner: cBanner,
    prefix,
    upper: prefix.toUpperCase(),
    guard: `${prefix.toUpperCase()}_MODEL_H`,
    includes: emitted.headers,
    arenaBytes: Math.max(arenaBytes, 1),
    arenaAlign: Math.max(opts.alignment ?? 8, 8),
    linearBytes,
    lowerBound: plan.lowerBound,
    planLines: plan.buffers
      .slice()
      .sort((a, b) => a.offset - b.offset || a.id - b.id)
      .map((b) => `[${String(b.offset).padStart(6)}, ${String(b.offset + b.bytes).padStart(6)}) ops ${b.firstOp}..${b.lastOp}  ${safeText(b.name)}`),
    io,
    constants: emitted.constants,
    multiIo: g.inputs.length > 1 || g.outputs.length > 1,
    steps: emitted.steps,
    kernelSources,
    cmsisNn: cmsis !== null,
    stateBytes: state.bytes,
    stateResets: state.resets,
    ioInArena,
    ioOverlap: overlap,
    ioCountMinusOne: io.length - 1,
    labels,
    labelList: (labels ?? []).map((l) => stringLiteral(l)).join(', '),
    selftestInputs: 0,
    locals: emitted.locals,
    stream: streamOut?.source ?? null,
    weightsBlob:
      blob && blobFile
        ? {
            fileBytes: blobFile.length,
            payloadBytes: blob.payloadBytes,
            headerBytes: BLOB_HEADER_BYTES,
            version: BLOB_LAYOUT_VERSION,
            magic: `0x${BLOB_MAGIC.toString(16).toUpperCase()}`,
            idLow: `0x${modelId(hash)[0].toString(16).toUpperCase().padStart(8, '0')}`,
            idHigh: `0x${modelId(hash)[1].toString(16).toUpperCase().padStart(8, '0')}`,
            crcTable: NIBBLE.map((c) => `0x${c.toString(16).toUpperCase().padStart(8, '0')}u`).join(', '),
          }
        : null,
  };
  const manifest: Manifest = {
    format: 'edgec-manifest/1',
    name: g.name,
    prefix,
    toolchainVersion: VERSION,
    modelHash: hash,
    backend: cmsis ? 'cmsis-nn' : 'portable',
    target,
    io: placement.mode,
    ...(blobFile ? { weightsBlobBytes: blobFile.length } : {}),
    ...(cmsis ? { cmsisNn: { path: cmsis.path } } : {}),
    ...(requests.length > 0 ? { scratchBytes: requests.reduce((a, r) => Math.max(a, r.bytes), 0) } : {}),
    ...(state.bytes > 0 ? { stateBytes: state.bytes } : {}),
    input: ioInfo(input),
    output: ioInfo(output),
    ...(g.inputs.length > 1 || g.outputs.length > 1 || input.dtype !== 'int8' || output.dtype !== 'int8'
      ? { inputs: g.inputs.map((id) => ioInfo(g.tensors[id]!)), outputs: g.outputs.map((id) => ioInfo(g.tensors[id]!)) }
      : {}),
    ...(g.meta.labels ? { labels: [...g.meta.labels] } : {}),
    ...(g.meta.preprocessing ? { preprocessing: g.meta.preprocessing } : {}),
    arenaBytes,
    linearArenaBytes: linearBytes,
    arenaLowerBound: plan.lowerBound,
    weightsBytes: emitted.constBytes,
    kernels: emitted.kernelNames,
    steps: emitted.stepInfo,
    ...(streamOut ? { stream: streamOut.manifest } : {}),
  };
  const samples = sampleInputs(manifest, opts.calibration ?? []);
  view.selftestInputs = Math.min(SELFTEST_SAMPLES, samples.length);
  await writeFolderAtomically(
    outDir,
    (tmp) => {
      writeFileSync(join(tmp, `${prefix}.h`), renderTemplate('model/model.h.hbs', view));
      writeFileSync(join(tmp, `${prefix}.c`), renderTemplate('model/model.c.hbs', view));
      writeFileSync(join(tmp, `${prefix}_selftest.c`), selftestSource(manifest, lowered, samples, cBanner));
      writeFileSync(join(tmp, `${prefix}_quantize.c`), quantizeSource(manifest, cBanner));
      writeFileSync(
        join(tmp, 'README.md'),
        folderReadme({
          manifest,
          arenaAlign: view.arenaAlign,
          ioInArena,
          ioOverlap: overlap,
          selftestCount: view.selftestInputs,
          weightsBlob: blobFile?.length ?? null,
          preprocessing: g.meta.preprocessing,
        }) + (streamOut ? streamReadme(prefix, streamOut.manifest) : ''),
      );
      if (streamOut) {
        writeFileSync(join(tmp, `${prefix}_stream.h`), streamOut.header);
        writeFileSync(join(tmp, 'stream.txt'), streamOut.text);
      }
      writeFileSync(join(tmp, 'model.mk'), renderTemplate('model/model.mk.hbs', { ...view, banner: banner('hash', g, hash) }));
      writeFileSync(join(tmp, 'CMakeLists.txt'), renderTemplate('model/CMakeLists.txt.hbs', { ...view, banner: banner('hash', g, hash) }));
      mkdirSync(join(tmp, 'kernels'));
      for (const f of emitted.kernelFiles) copyFileSync(join(f === CMSIS_GLUE_HEADER ? CMSIS_GLUE_DIR : PORTABLE_KERNELS_DIR, f), join(tmp, 'kernels', f));
      const portableHeaders = emitted.kernelFiles.filter((f) => f.endsWith('.h') && f !== CMSIS_GLUE_HEADER);
      writeFileSync(join(tmp, 'kernels', 'edgec_prefix.h'), prefixHeader(prefix, kernelSymbols(PORTABLE_KERNELS_DIR, portableHeaders), cBanner));
      writeFileSync(join(tmp, 'graph.json'), serializeGraph(g));
      writeFileSync(join(tmp, 'plan.txt'), `${planText}\n`);
      writeFileSync(join(tmp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
      writeFileSync(join(tmp, 'model.ts'), emitModelTs(manifest, banner('ts', g, hash)));
      writeFileSync(join(tmp, 'sample_inputs.bin'), Buffer.concat(samples));
      if (blobFile) writeFileSync(join(tmp, 'weights.bin'), blobFile);
    },
    { force: opts.force },
  );
  return { dir: outDir, manifest, planText };
}
