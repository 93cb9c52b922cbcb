/**
 * A conformance case as one step (a family's CaseAdapter builds it), run through the same code
 * generated models use: the step's TS reference kernel for the ts backend, and for C backends the
 * family's own emitter (portable or CMSIS-NN), given a context whose tensors are the case's arrays.
 *
 *   case file --build--> CaseCall { step, tensors, output, repeat? }
 *     ts:        stepDef.simulate(step, env over the case tensors)
 *     c-*:       stepDef.portable.emit(step, ctx, 'reference')  -> expected bytes
 *                stepDef.portable.emit(step, ctx', 'generated') -> same bytes as reference, or the case fails
 *     cmsis-nn-*: stepDef.cmsisNn.emit(step, ctx, scratch)       -> expected bytes
 */
import type { Tensor } from '../ir/graph.ts';
import type { ActivationData, CaseCall, CaseTensor, CmsisPath, EmitContext, Emitted, Named, SimEnv, SimState, StepDef, StepScratch } from '../ops/contract.ts';
import { stepDef } from '../ops/registry.ts';
import type { CCaseBuilder } from './cemit.ts';

/** Status of a case whose generated-code kernel (a folded one) gives other bytes than the reference kernel. */
export const GENERATED_MISMATCH_STATUS = 1001;
export const GENERATED_MISMATCH_MESSAGE = 'the kernel generated code calls (folded) gives other bytes than the interchangeable kernel';
/** What emitted code returns (edgec_cmsis_nn.h) when CMSIS-NN asks for another scratch size than computed. */
export const CMSIS_SCRATCH_STATUS = -1000;

const TYPED = { int8: Int8Array, int16: Int16Array, int32: Int32Array } as const;

function typedInit(t: CaseTensor): ActivationData {
  const T = TYPED[t.dtype as keyof typeof TYPED];
  if (!T) throw new Error(`conformance: activation ${t.name} of type ${t.dtype}`);
  const n = t.shape.reduce((a, b) => a * b, 1);
  return t.init ? T.from(t.init) : new T(n);
}

function defOf(call: CaseCall): StepDef<unknown> {
  const kind = (call.step as unknown as { kind: string }).kind;
  const def = stepDef(kind);
  if (!def) throw new Error(`conformance: no family defines step kind '${kind}'`);
  return def;
}

/** The case through the step's TS reference kernel; returns the output tensor's values. */
export function simulateCase(call: CaseCall): ArrayLike<number> {
  const def = defOf(call);
  const graph = { tensors: call.tensors.map((t, id) => ({ ...t, id })) as unknown as Tensor[] };
  const values = new Map<number, ActivationData>();
  const state: SimState = new Map();
  call.tensors.forEach((t, id) => {
    if (t.data) return;
    const v = typedInit(t);
    if (t.variable) state.set(id, v as Int8Array | Int16Array);
    else values.set(id, v);
  });
  const env: SimEnv = {
    graph,
    read: (id) => values.get(id) ?? (state.get(id) as ActivationData),
    state,
    constant: (id) => (id < 0 ? null : (call.tensors[id]!.data ?? null)),
  };
  const r = call.repeat;
  let out: ActivationData = new Int8Array(0);
  for (let t = 0; t < (r?.times ?? 1); t++) {
    if (r) values.set(r.input, values.get(r.sequence)!.subarray(t * r.stride, (t + 1) * r.stride));
    out = def.simulate(call.step, env);
    values.set(call.output, out);
  }
  return out;
}

/**
 * Declares the case's writable tensors (activations, state, output); constants are declared when an
 * emitter first names them (`constants`, shared by both variants), as a model declares its weights.
 */
function declareTensors(b: CCaseBuilder, call: CaseCall, suffix: string): string[] {
  return call.tensors.map((t, id) => {
    if (t.data) return '';
    const n = t.shape.reduce((a, c) => a * c, 1);
    if (call.repeat && id === call.repeat.input) return '';
    return b.mutableArray(`${t.name}${suffix}`, t.ctype, n, t.init);
  });
}

function emitContext(b: CCaseBuilder, call: CaseCall, names: string[], scratchBytes: number, constants: Map<number, string>): EmitContext {
  let scratch: StepScratch | null = null;
  return {
    graph: { tensors: call.tensors.map((t, id) => ({ ...t, id })) as unknown as Tensor[] },
    constArray: (role, ctype, data) => b.constArray(role, ctype, data),
    sharedConstArray: (role, ctype, data) => b.constArray(role, ctype, data),
    constStruct: (role, ctype, init) => b.declare(role, ctype, init),
    tensor(id) {
      if (call.repeat && id === call.repeat.input) return `(${names[call.repeat.sequence]} + t * ${call.repeat.stride})`;
      const t = call.tensors[id]!;
      if (!t.data) return names[id]!;
      const known = constants.get(id);
      if (known) return known;
      const name = b.constArray(t.name, t.ctype, t.packed ?? t.data);
      constants.set(id, name);
      return name;
    },
    scratch() {
      scratch ??= scratchBytes > 0 ? { ptr: b.mutableArray('scratch', 'int8_t', scratchBytes), bytes: scratchBytes } : { ptr: 'NULL', bytes: 0 };
      return scratch;
    },
  };
}

function emitRun(b: CCaseBuilder, call: CaseCall, out: Emitted): void {
  if (call.repeat) b.stmt(`for (int32_t t = 0; t < ${call.repeat.times} && status == 0; t++) {`);
  for (const l of out.lines) b.stmt(call.repeat ? `    ${l}` : l);
  if (call.repeat) b.stmt('}');
  b.stmt('if (status != 0) return status;');
}

/**
 * Emits the case into `b` for the portable kernels (`cmsis` unset) or CMSIS-NN built for `cmsis`.
 * Portable: the reference variant writes the compared output; where generated code calls another
 * kernel (a folded one), it runs too, on its own copies, and any differing byte fails the case.
 */
export function emitCase(b: CCaseBuilder, call: CaseCall, cmsis?: CmsisPath): void {
  const def = defOf(call);
  const step = call.step as Named;
  const size = (id: number) => call.tensors[id]!.shape.reduce((a, c) => a * c, 1);
  if (cmsis) {
    const e = def.cmsisNn;
    if (!e) throw new Error(`no CMSIS-NN kernel for step ${(call.step as unknown as { kind: string }).kind}`);
    b.include('edgec_cmsis_nn.h');
    const names = declareTensors(b, call, '');
    const bytes = e.scratch(call.step, cmsis);
    const ctx = { ...emitContext(b, call, names, bytes, new Map()), path: cmsis };
    emitRun(b, call, e.emit(step, ctx, ctx.scratch()));
    b.setOutput(names[call.output]!, call.tensors[call.output]!.ctype, size(call.output));
    return;
  }
  b.include(def.portable.header);
  const bytes = def.portable.scratch?.(call.step) ?? 0;
  const names = declareTensors(b, call, '');
  const constants = new Map<number, string>();
  const reference = def.portable.emit(step, emitContext(b, call, names, bytes, constants), 'reference');
  emitRun(b, call, reference);
  b.setOutput(names[call.output]!, call.tensors[call.output]!.ctype, size(call.output));
  const before = b.mark();
  const known = new Map(constants);
  const copies = declareTensors(b, call, '_generated').map((n, id) => n || names[id]!);
  const generated = def.portable.emit(step, emitContext(b, call, copies, bytes, constants), 'generated');
  if (generated.kernel === reference.kernel) {
    b.rollback(before);
    constants.clear();
    for (const [k, v] of known) constants.set(k, v);
    return;
  }
  emitRun(b, call, generated);
  const out = call.output;
  b.stmt(`for (int32_t i = 0; i < ${size(out)}; i++) if (${copies[out]}[i] != ${names[out]}[i]) status = ${GENERATED_MISMATCH_STATUS};`);
}
