/**
 * Portable C kernels that only the conformance suite reaches are marked so in their header
 * ("Conformance only: why" right before the declaration), and the mark stays true: every kernel the
 * suite reaches only through steps no lowering produces (StepDef.conformanceOnly) carries it, every
 * marked kernel is reached by some case, and no model's generated code calls a marked kernel.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { emitModelFolder } from '../../src/codegen/emit-folder.ts';
import { CCaseBuilder } from '../../src/conformance/cemit.ts';
import { loadSuite } from '../../src/conformance/run.ts';
import { emitCase } from '../../src/conformance/step-case.ts';
import { CaseReader } from '../../src/formats/conformance-case.ts';
import { importTflite } from '../../src/import/tflite.ts';
import { deserializeGraph } from '../../src/ir/serialize.ts';
import { caseAdapter, stepDef } from '../../src/ops/registry.ts';
import { DEFAULT_SUITE_DIR, PACKAGE_ROOT, PORTABLE_KERNELS_DIR } from '../../src/support/paths.ts';

const MARK = 'Conformance only:';
const tmp = mkdtempSync(join(tmpdir(), 'edgec-reach-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Kernel name -> whether the text between the previous declaration and its own carries the mark. */
function declaredKernels(): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const f of readdirSync(PORTABLE_KERNELS_DIR).filter((n) => n.endsWith('.h'))) {
    const text = readFileSync(join(PORTABLE_KERNELS_DIR, f), 'utf8');
    for (const m of text.matchAll(/^(?:edgec_status|void|int32_t)\s+(edgec_[a-z0-9_]+)\(/gm)) {
      const before = text.slice(0, m.index);
      const span = before.slice(Math.max(before.lastIndexOf(';'), before.lastIndexOf('#include')));
      out.set(m[1]!, span.includes(MARK));
    }
  }
  return out;
}

/** Kernel name -> the step kinds of the suite's cases that call it (portable emitters, both variants). */
function suiteKernels(): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const c of loadSuite(DEFAULT_SUITE_DIR)) {
    const call = caseAdapter(c.op, c.actDtype)!.build(new CaseReader(c));
    const b = new CCaseBuilder('reach');
    emitCase(b, call);
    for (const m of b.render(0).fn.matchAll(/\b(edgec_[a-z0-9_]+)\(/g)) {
      const kinds = out.get(m[1]!) ?? new Set<string>();
      kinds.add((call.step as unknown as { kind: string }).kind);
      out.set(m[1]!, kinds);
    }
  }
  return out;
}

describe('kernels reachable only from conformance', () => {
  const declared = declaredKernels();
  const reached = suiteKernels();
  const marked = [...declared].filter(([, m]) => m).map(([k]) => k);

  it('every kernel the suite reaches only through conformance-only steps is marked', () => {
    const onlyConformance = [...reached].filter(([k, kinds]) => declared.has(k) && [...kinds].every((kind) => stepDef(kind)?.conformanceOnly)).map(([k]) => k);
    // Not vacuous: int16 MUL, MAXIMUM/MINIMUM, BATCH_MATMUL, TRANSPOSE_CONV, int4 weights and more stay suite-only.
    expect(onlyConformance.length).toBeGreaterThan(5);
    for (const k of onlyConformance) expect(declared.get(k), `${k} lacks "${MARK}" in its header`).toBe(true);
  });

  it('every marked kernel is reached by a conformance case', () => {
    expect(marked.length).toBeGreaterThan(5);
    for (const k of marked) expect(reached.has(k), `${k} is marked but no case calls it`).toBe(true);
  });

  it('no model calls a marked kernel (HAR and every shared .tflite, portable backend)', async () => {
    const models = readdirSync(join(PACKAGE_ROOT, 'test/models')).filter((f) => f.endsWith('.tflite'));
    const sources: string[] = [];
    const har = deserializeGraph(readFileSync(join(PACKAGE_ROOT, 'generated/har/graph.json'), 'utf8'), 'generated/har/graph.json');
    for (const [name, g] of [['har', har] as const, ...models.map((f) => [f, importTflite(join(PACKAGE_ROOT, 'test/models', f))] as const)]) {
      const dir = join(tmp, name);
      await emitModelFolder(g, dir);
      for (const f of readdirSync(dir).filter((n) => n.endsWith('.c'))) sources.push(readFileSync(join(dir, f), 'utf8'));
    }
    const calls = new Set(sources.flatMap((s) => [...s.matchAll(/\b(edgec_[a-z0-9_]+)\(/g)].map((m) => m[1]!)));
    expect(calls.has('edgec_add_s8_lut')).toBe(true);
    for (const k of marked) expect(calls.has(k), `${k} is marked conformance only but a model calls it`).toBe(false);
  }, 120_000);
});
