/**
 * Every fuzz case ends in exactly one class. In order of precedence:
 *
 *   hang            a phase ran past its time limit (the worker was killed), or the C run hit its
 *                   time limit (E-RUN-TIMEOUT)
 *   crash           compile threw something that is not an EdgecError, the worker died (signal,
 *                   exit, memory cap), or the compiled C could not be run for another reason
 *                   (E-RUN-HOST, E-RUN-MEMORY: the generated program died)
 *   partial-output  a failed compile left --out or a temporary folder beside it, or a successful
 *                   compile left an incomplete folder
 *   unlocated       refused, but a diagnostic has no code or no location
 *   refused         an EdgecError whose diagnostics all have a code and a location
 *   sim-error       compiled, but the simulator threw while verify read the folder or simulated
 *   bad-c           compiled, but the C failed to build (E-TOOL-CC)
 *   sanitizer       compiled, but ASan/UBSan stopped the C (E-RUN-SANITIZER)
 *   mismatch        compiled and ran, but some output byte differs from the simulator
 *   verified        compiled and every output byte matched, sanitizer-clean
 */
import { formatDiagnostic, type Diagnostic } from '../support/diagnostics.ts';
import type { ErrorInfo, WorkerResult } from './protocol.ts';

export const CLASSES = ['refused', 'verified', 'crash', 'hang', 'bad-c', 'sim-error', 'mismatch', 'sanitizer', 'partial-output', 'unlocated'] as const;
export type FuzzClass = (typeof CLASSES)[number];

/** The classes the product promises for every input. */
export const OK_CLASSES: readonly FuzzClass[] = ['refused', 'verified'];

export interface Outcome {
  class: FuzzClass;
  /** The first diagnostic's code, when there is one. */
  code?: string;
  /** One line: the first diagnostic, or the error's first line, or what happened to the worker. */
  first: string;
  /** For thrown errors: the first stack frame in this project's src/ (file:line), and the top frame. */
  where?: string;
  top?: string;
  /** A few more lines (stack, gcc or sanitizer report) for the report. */
  detail?: string;
}

/** Worker-level events decided by the pool, not by the worker's result. */
export type PoolEvent = { kind: 'timeout'; phase: string; limitMs: number } | { kind: 'died'; how: string; stderr: string } | { kind: 'memory'; rssMb: number; capMb: number };

const located = (d: Diagnostic) => typeof d.code === 'string' && d.code !== '' && d.location !== undefined && Object.values(d.location).some((v) => v !== undefined && v !== '');

/** file:line of a stack frame, relative to the package (e.g. src/import/tflite.ts:123). */
function frameLocation(line: string): string | undefined {
  const m = /\(?((?:file:\/\/)?[^()\s]+):(\d+):(\d+)\)?$/.exec(line.trim());
  if (!m) return undefined;
  const path = m[1]!.replace(/^file:\/\//, '');
  const rel = path.includes('/node_modules/') ? path.slice(path.lastIndexOf('/node_modules/') + 1) : path.replace(/^.*?\/(src|test|bench|examples)\//, '$1/');
  return `${rel}:${m[2]}`;
}

export function stackFrames(stack: string | undefined): string[] {
  return (stack ?? '').split('\n').filter((l) => /^\s+at /.test(l));
}

function throwSite(e: ErrorInfo): { where?: string; top?: string } {
  const frames = stackFrames(e.stack);
  const top = frames[0] ? frameLocation(frames[0]) : undefined;
  // The first frame of the project's own code, past the helper that builds diagnostics.
  const own = frames.find((f) => /\/src\//.test(f) && !/\/node_modules\//.test(f) && !/\/src\/(fuzz\/|diagnostics\.ts)/.test(f));
  return { where: own ? frameLocation(own) : undefined, top };
}

function firstLine(s: string): string {
  return (
    s
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim() ?? ''
  );
}

/** The most telling line of a gcc or sanitizer message: its first "error" line. */
function telling(message: string, re: RegExp): string | undefined {
  return message
    .split('\n')
    .find((l) => re.test(l))
    ?.trim();
}

function thrown(cls: FuzzClass, e: ErrorInfo): Outcome {
  const site = throwSite(e);
  const d = e.diagnostics?.[0];
  const first = d ? formatDiagnostic(d).split('\n')[0]! : `${e.name}: ${firstLine(e.message)}`;
  const extra = d?.code === 'E-TOOL-CC' ? telling(e.message, /error:/) : d?.code === 'E-RUN-SANITIZER' ? telling(e.message, /runtime error:|ERROR: AddressSanitizer/) : undefined;
  return {
    class: cls,
    ...(d ? { code: d.code } : {}),
    first: extra ? `${first} | ${extra}` : first,
    ...(site.where ? { where: site.where } : {}),
    ...(site.top ? { top: site.top } : {}),
    detail: d ? e.message.split('\n').slice(0, 14).join('\n') : [firstLine(e.message), ...stackFrames(e.stack).slice(0, 10)].join('\n'),
  };
}

export function classifyEvent(ev: PoolEvent): Outcome {
  switch (ev.kind) {
    case 'timeout':
      return { class: 'hang', first: `${ev.phase} did not finish within ${ev.limitMs / 1000} s (worker killed)` };
    case 'memory':
      return { class: 'crash', first: `worker exceeded the memory cap: ${ev.rssMb} MB resident (cap ${ev.capMb} MB)` };
    default: {
      const lines = ev.stderr.split('\n').filter((l) => l.trim() !== '');
      const fatal = lines.find((l) => /FATAL|out of memory|Maximum call stack|Error/.test(l));
      return { class: 'crash', first: `worker died (${ev.how})${fatal ? `: ${fatal.trim()}` : ''}`, detail: lines.slice(-12).join('\n') };
    }
  }
}

export function classifyResult(r: WorkerResult): Outcome {
  const c = r.compile;
  if (!c.ok) {
    if (!c.error.edgec) {
      const o = thrown('crash', c.error);
      return r.leftovers.length > 0 ? { ...o, detail: `${o.detail}\nalso left: ${r.leftovers.join('; ')}` } : o;
    }
    if (r.leftovers.length > 0) return { ...thrown('partial-output', c.error), first: `refused (${c.error.diagnostics?.[0]?.code}) but left: ${r.leftovers.join('; ')}` };
    const diags = c.error.diagnostics ?? [];
    const bad = diags.find((d) => !located(d));
    if (diags.length === 0 || bad) return { ...thrown('unlocated', c.error), first: bad ? `no location: ${formatDiagnostic(bad).split('\n')[0]}` : 'an EdgecError without diagnostics' };
    return thrown('refused', c.error);
  }
  if (r.leftovers.length > 0) return { class: 'partial-output', first: `compiled, but: ${r.leftovers.join('; ')}` };
  const v = r.verify;
  if (!v) return { class: 'crash', first: 'the worker returned no verify result' };
  if (!v.ok) {
    const code = v.error.diagnostics?.[0]?.code;
    if (v.stage === 'load' || v.stage === 'simulate') return thrown('sim-error', v.error);
    if (v.stage === 'divergence') return { ...thrown('mismatch', v.error), first: `mismatch, then the divergence search threw: ${firstLine(v.error.message)}` };
    if (code === 'E-TOOL-CC') return thrown('bad-c', v.error);
    if (code === 'E-RUN-SANITIZER') return thrown('sanitizer', v.error);
    if (code === 'E-RUN-TIMEOUT') return thrown('hang', v.error);
    return thrown('crash', v.error);
  }
  if (v.exact < v.inputs) return { class: 'mismatch', first: `${v.exact}/${v.inputs} bit-exact; first: ${v.firstMismatch ?? '?'}${v.divergence ? `; first divergent layer: ${v.divergence}` : ''}` };
  return { class: 'verified', first: `${v.exact}/${v.inputs} bit-exact` };
}
