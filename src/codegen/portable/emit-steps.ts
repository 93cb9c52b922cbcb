/**
 * The portable backend: each lowered step becomes one call into the project's portable C kernels
 * (templates/kernels/portable), with its constants emitted as `const` arrays and structs (flash) and
 * its tensors as arena offsets. Nothing is computed here that the lowering did not already decide.
 */
import type { Tensor } from '../../ir/graph.ts';
import type { Lowered, Step } from '../lower.ts';
import type { StepInfo } from '../manifest.ts';
import { cArrayBody, cTypeOf, type CType } from '../../conformance/cemit.ts';
import { NameTable, cIdentifier } from '../names.ts';
import { STEP_EMITTERS, type EmitContext } from './kernels.ts';
import { cmsisEmitterFor, type StepScratch } from '../cmsis-nn/kernels.ts';
import type { CmsisPath } from '../cmsis-nn/buffer-sizes.ts';

/** Which kernel library a folder calls; cmsis-nn falls back to portable kernels op by op. */
export type BackendOptions = { backend: 'portable' } | { backend: 'cmsis-nn'; path: CmsisPath; scratch: (step: number) => StepScratch };

export interface EmittedSteps {
  constants: string[];
  constBytes: number;
  headers: string[];
  kernelFiles: string[];
  kernelNames: string[];
  steps: { index: number; comment: string; lines: string[]; layer: string; outPtr: string; outBytes: number }[];
  stepInfo: StepInfo[];
}

const ALWAYS = ['edgec_types.h', 'edgec_requant.h'];
/** The project's own header between generated code and CMSIS-NN (templates/kernels/cmsis-nn). */
export const CMSIS_GLUE_HEADER = 'edgec_cmsis_nn.h';

export function emitSteps(l: Lowered, prefix: string, offsetOf: (id: number) => number, backend: BackendOptions = { backend: 'portable' }): EmittedSteps {
  const names = new NameTable();
  const constants: string[] = [];
  let constBytes = 0;
  const files = new Set<string>(ALWAYS);
  const headers = new Set<string>();
  const kernelNames = new Set<string>();
  const emittedTensors = new Map<number, string>();

  const ctx: EmitContext = {
    graph: l.graph,
    constArray(role: string, ctype: CType, data: ArrayLike<number>, layer: string): string {
      const name = names.unique(`${prefix}_${cIdentifier(layer)}_${role}`);
      const align = ctype === 'int8_t' ? 4 : 8;
      constants.push(`static const ${ctype} ${name}[${Math.max(data.length, 1)}] EDGEC_ALIGNED(${align}) = {\n${cArrayBody(data.length ? data : [0], ctype)}\n};`);
      constBytes += data.length * (ctype === 'int8_t' ? 1 : ctype === 'int16_t' ? 2 : ctype === 'int64_t' ? 8 : 4);
      return name;
    },
    constStruct(role: string, ctype: string, init: string, layer: string): string {
      const name = names.unique(`${prefix}_${cIdentifier(layer)}_${role}`);
      constants.push(`static const ${ctype} ${name} = ${init};`);
      return name;
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
      return `(arena + ${offsetOf(l.aliases.get(id) ?? id)})`;
    },
  };

  const steps: EmittedSteps['steps'] = [];
  const stepInfo: StepInfo[] = [];
  l.steps.forEach((s: Step, index) => {
    const cmsis = backend.backend === 'cmsis-nn' ? cmsisEmitterFor(s) : undefined;
    let out: { kernel: string; lines: string[] };
    if (cmsis && backend.backend === 'cmsis-nn') {
      out = cmsis.emit(s as never, { ...ctx, path: backend.path }, backend.scratch(index));
      files.add(CMSIS_GLUE_HEADER);
      headers.add(CMSIS_GLUE_HEADER);
    } else {
      const e = STEP_EMITTERS[s.kind];
      out = e.emit(s as never, ctx);
      for (const f of e.files) files.add(f);
      headers.add(e.header);
    }
    kernelNames.add(out.kernel);
    const outTensor = l.graph.tensors[s.output]!;
    const outBytes = outTensor.shape.reduce((a, b) => a * b, 1);
    steps.push({ index, comment: `${s.op.name}: ${s.op.kind} -> ${out.kernel}`, lines: out.lines, layer: s.op.name.replace(/["\\]/g, '_'), outPtr: ctx.tensor(s.output, s.op.name), outBytes });
    stepInfo.push({ index, layer: s.op.name, op: s.op.kind, kernel: out.kernel, ...(backend.backend === 'cmsis-nn' ? { library: cmsis ? ('cmsis-nn' as const) : ('portable' as const) } : {}), output: s.output, outBytes });
  });
  return {
    constants,
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
