/**
 * The portable backend: each lowered step becomes one call into the project's portable C kernels
 * (templates/kernels/portable), with its constants emitted as `const` arrays and structs (flash) and
 * its tensors as arena offsets. Nothing is computed here that the lowering did not already decide.
 */
import type { Tensor } from '../../ir/graph.ts';
import type { Lowered, Step } from '../../lower/lower.ts';
import type { StepInfo } from '../../formats/manifest.ts';
import { arrayBody, comment, ctypeOf as cTypeOf, stringLiteral, type CType } from '../../cgen/c.ts';
import { NameTable, cIdentifier } from '../names.ts';
import type { EmitContext, StepScratch } from '../../ops/contract.ts';
import { cmsisEmitterFor, portableEmitterFor } from '../select.ts';
import type { CmsisPath } from '../../ops/contract.ts';
import type { WeightsBlob } from '../weights-blob.ts';

/** Which kernel library a folder calls; cmsis-nn falls back to portable kernels op by op. */
export type BackendOptions = { backend: 'portable' } | { backend: 'cmsis-nn'; path: CmsisPath; everywhere?: boolean };

/**
 * Where the planner put things: activations in the arena, state tensors in the state region, each step's
 * scratch. `step` is the step being emitted (a streaming folder places a tensor per function).
 */
export interface MemoryLayout {
  arenaOffset(id: number, step?: number): number;
  /** The C expression of a tensor kept outside the arena (separate I/O buffers), or null. */
  external(id: number, step?: number): string | null;
  /** Offset in the state region of a variable tensor. */
  stateOffset(id: number): number;
  scratch(step: number): StepScratch;
}

export interface EmittedSteps {
  constants: string[];
  /** Weights-blob mode: the structs, as locals of invoke (their arrays live in the blob, read through `w`). */
  locals: string[];
  constBytes: number;
  headers: string[];
  kernelFiles: string[];
  kernelNames: string[];
  steps: { index: number; comment: string; lines: string[]; layer: string; outPtr: string; outBytes: number }[];
  stepInfo: StepInfo[];
}

const ALWAYS = ['edgec_types.h', 'edgec_requant.h'];

const CTYPE_BYTES: Record<CType, number> = { int8_t: 1, uint8_t: 1, int16_t: 2, uint16_t: 2, int32_t: 4, int64_t: 8 };
/** The project's own header between generated code and CMSIS-NN (templates/kernels/cmsis-nn). */
export const CMSIS_GLUE_HEADER = 'edgec_cmsis_nn.h';

/**
 * `blob`: put every constant array into the weights blob (src/codegen/weights-blob.ts) instead of the C;
 * arrays are then `w + offset` and the structs that point at them locals of invoke.
 * `reuseFrom`: steps from this index on reuse any constant already emitted with the same contents (a
 * streaming folder's sub-window calls share their layer's arrays); earlier steps emit as always.
 */
export function emitSteps(l: Lowered, prefix: string, layout: MemoryLayout, backend: BackendOptions = { backend: 'portable' }, blob?: WeightsBlob, opts: { reuseFrom?: number } = {}): EmittedSteps {
  const names = new NameTable();
  const constants: string[] = [];
  const locals: string[] = [];
  let constBytes = 0;
  const files = new Set<string>(ALWAYS);
  const headers = new Set<string>();
  const kernelNames = new Set<string>();
  const emittedTensors = new Map<number, string>();

  const shared = new Map<string, string>();
  const byContents = new Map<string, string>();
  const reused = (key: string, make: () => string): string => {
    const seen = byContents.get(key);
    if (seen !== undefined && opts.reuseFrom !== undefined && currentStep >= opts.reuseFrom) return seen;
    const name = make();
    if (seen === undefined) byContents.set(key, name);
    return name;
  };
  // Weight arrays take the model's placement macro (defined empty unless the user sets a section).
  const weightsAttr = `${prefix.toUpperCase()}_WEIGHTS_ATTR`;
  let currentStep = 0;
  const ctx: EmitContext = {
    graph: l.graph,
    sharedConstArray(role: string, ctype: CType, data: ArrayLike<number>): string {
      let name = shared.get(role);
      if (!name) {
        name = ctx.constArray(role, ctype, data, '');
        shared.set(role, name);
      }
      return name;
    },
    scratch: () => layout.scratch(currentStep),
    constArray(role: string, ctype: CType, data: ArrayLike<number>, layer: string): string {
      return reused(`${ctype}[${Array.from(data).join(',')}]`, () => {
        const name = names.unique(layer ? `${prefix}_${cIdentifier(layer)}_${role}` : `${prefix}_${role}`);
        const align = ctype === 'int8_t' ? 4 : 8;
        constBytes += data.length * CTYPE_BYTES[ctype];
        if (blob) return `((const ${ctype} *)(const void *)(w + ${blob.add(data, ctype, align)}))`;
        constants.push(`static const ${ctype} ${name}[${Math.max(data.length, 1)}] EDGEC_ALIGNED(${align}) ${weightsAttr} = {\n${arrayBody(data.length ? data : [0], ctype)}\n};`);
        return name;
      });
    },
    constStruct(role: string, ctype: string, init: string, layer: string): string {
      return reused(`${ctype} ${init}`, () => {
        const name = names.unique(`${prefix}_${cIdentifier(layer)}_${role}`);
        if (blob) locals.push(`const ${ctype} ${name} = ${init};`);
        else constants.push(`static const ${ctype} ${name} = ${init};`);
        return name;
      });
    },
    tensor(id: number, layer: string): string {
      const t = l.graph.tensors[id]!;
      if (t.data) {
        let name = emittedTensors.get(id);
        if (!name) {
          name = ctx.constArray(t.dtype === 'int8' ? 'weights' : 'bias', ctypeOf(t), t.data, layer);
          emittedTensors.set(id, name);
        }
        return name;
      }
      if (t.variable) return `(state + ${layout.stateOffset(id)})`;
      const root = l.aliases.get(id) ?? id;
      return layout.external(root, currentStep) ?? `(arena + ${layout.arenaOffset(root, currentStep)})`;
    },
  };

  const steps: EmittedSteps['steps'] = [];
  const stepInfo: StepInfo[] = [];
  l.steps.forEach((s: Step, index) => {
    currentStep = index;
    const cmsis = backend.backend === 'cmsis-nn' ? cmsisEmitterFor(s, backend.path, backend.everywhere) : undefined;
    let out: { kernel: string; lines: string[] };
    if (cmsis && backend.backend === 'cmsis-nn') {
      out = cmsis.emit(s as never, { ...ctx, path: backend.path }, layout.scratch(index));
      files.add(CMSIS_GLUE_HEADER);
      headers.add(CMSIS_GLUE_HEADER);
    } else {
      const e = portableEmitterFor(s);
      out = e.emit(s as never, ctx, 'generated');
      for (const f of e.files) files.add(f);
      headers.add(e.header);
    }
    kernelNames.add(out.kernel);
    const outTensor = l.graph.tensors[s.output]!;
    const outBytes = outTensor.shape.reduce((a, b) => a * b, 1);
    steps.push({ index, comment: comment(s.op.name, `: ${s.op.kind} -> ${out.kernel}`), lines: out.lines, layer: stringLiteral(s.op.name), outPtr: ctx.tensor(s.output, s.op.name), outBytes });
    stepInfo.push({
      index,
      layer: s.op.name,
      op: s.op.kind,
      kernel: out.kernel,
      ...(backend.backend === 'cmsis-nn' ? { library: cmsis ? ('cmsis-nn' as const) : ('portable' as const) } : {}),
      output: s.output,
      outBytes,
    });
  });
  return {
    constants,
    locals,
    constBytes,
    headers: [...headers].sort(),
    kernelFiles: [...files].sort(),
    kernelNames: [...kernelNames].sort(),
    steps,
    stepInfo,
  };
}

function ctypeOf(t: Tensor): CType {
  if (t.dtype === 'float32') throw new Error(`tensor '${t.name}' is float32: the int8 path has no floating point`);
  return cTypeOf(t.dtype);
}
