/**
 * Builds one C program that runs many conformance cases, so a backend compiles once per batch
 * instead of once per case. Each case becomes a function that declares its arrays, calls a portable
 * kernel and hands the output bytes to `edgec_case_output`, which the platform harness implements
 * (stdout records on the host).
 */
import type { CaseTensor } from './case.ts';

export type CType = 'int8_t' | 'int16_t' | 'int32_t' | 'int64_t' | 'uint8_t' | 'uint16_t';

export function cTypeOf(dtype: CaseTensor['dtype']): CType {
  switch (dtype) {
    case 'int8':
    case 'int4x2_packed':
      return 'int8_t';
    case 'int16':
      return 'int16_t';
    case 'int32':
      return 'int32_t';
    case 'int64':
      return 'int64_t';
  }
}

/** A C literal for an integer of the given type (INT32_MIN and int64 need care). */
export function cLiteral(v: number, ctype: CType = 'int32_t'): string {
  if (ctype === 'int64_t') return v < 0 ? `(-INT64_C(${-v}))` : `INT64_C(${v})`;
  if (v === -2147483648) return '(-2147483647 - 1)';
  return String(v);
}

export function cArrayBody(data: ArrayLike<number>, ctype: CType, perLine = 16): string {
  const lines: string[] = [];
  for (let i = 0; i < data.length; i += perLine) {
    const row: string[] = [];
    for (let j = i; j < Math.min(i + perLine, data.length); j++) row.push(cLiteral(data[j]!, ctype));
    lines.push('    ' + row.join(', '));
  }
  return lines.join(',\n');
}

export class CCaseBuilder {
  private readonly decls: string[] = [];
  private readonly body: string[] = [];
  private readonly names = new Set<string>();
  readonly headers = new Set<string>();
  output: { name: string; ctype: CType; length: number } | null = null;

  constructor(readonly prefix: string) {}

  /** A point to come back to: everything declared or stated after it can be taken back. */
  mark(): { decls: number; body: number; names: string[] } {
    return { decls: this.decls.length, body: this.body.length, names: [...this.names] };
  }

  rollback(m: { decls: number; body: number; names: string[] }): void {
    this.decls.length = m.decls;
    this.body.length = m.body;
    this.names.clear();
    for (const n of m.names) this.names.add(n);
  }

  private unique(role: string): string {
    let name = `${this.prefix}_${role.replace(/[^A-Za-z0-9_]/g, '_')}`;
    for (let i = 2; this.names.has(name); i++) name = `${this.prefix}_${role}_${i}`;
    this.names.add(name);
    return name;
  }

  /** `static const` file-scope array; returns its name. Empty data gives a 1-element array. */
  constArray(role: string, ctype: CType, data: ArrayLike<number>): string {
    const name = this.unique(role);
    const values = data.length > 0 ? data : [0];
    this.decls.push(`static const ${ctype} ${name}[${values.length}] = {\n${cArrayBody(values, ctype)}\n};`);
    return name;
  }

  /** Writable file-scope array (outputs, state, scratch), optionally initialised. */
  mutableArray(role: string, ctype: CType, length: number, init?: ArrayLike<number>): string {
    const name = this.unique(role);
    const n = Math.max(length, 1);
    const initText = init && init.length > 0 ? ` = {\n${cArrayBody(init, ctype)}\n}` : '';
    // Aligned so scratch buffers can hold any element type.
    this.decls.push(`static ${ctype} ${name}[${n}] __attribute__((aligned(8)))${initText};`);
    return name;
  }

  /** Declares a file-scope object of any type, e.g. a params struct. Returns its name. */
  declare(role: string, ctype: string, initializer: string, isConst = true): string {
    const name = this.unique(role);
    this.decls.push(`static ${isConst ? 'const ' : ''}${ctype} ${name} = ${initializer};`);
    return name;
  }

  include(header: string): void {
    this.headers.add(header);
  }

  /** A statement in the case function; a kernel call's status should go to `status`. */
  stmt(code: string): void {
    this.body.push(code);
  }

  setOutput(name: string, ctype: CType, length: number): void {
    this.output = { name, ctype, length };
  }

  /** The case's declarations and function; `index` identifies its output record. */
  render(index: number): { decls: string; fn: string } {
    if (!this.output) throw new Error(`case ${this.prefix}: emitC set no output`);
    const o = this.output;
    const fn = [
      `static int32_t ${this.prefix}_body(void)`,
      '{',
      '    int32_t status = 0;',
      ...this.body.map((s) => '    ' + s),
      '    return status;',
      '}',
      `static void ${this.prefix}_run(void)`,
      '{',
      `    const int32_t status = ${this.prefix}_body();`,
      `    edgec_case_output(${index}, status, ${o.name}, (uint32_t)sizeof(${o.name}[0]) * ${o.length}u);`,
      '}',
    ].join('\n');
    return { decls: this.decls.join('\n'), fn };
  }
}

export interface RenderedCase {
  index: number;
  builder: CCaseBuilder;
}

/** One translation unit running the given cases in order. */
export function renderProgram(cases: RenderedCase[]): string {
  const headers = new Set<string>();
  for (const c of cases) for (const h of c.builder.headers) headers.add(h);
  const parts: string[] = [
    '/* generated by edgec conformance: do not edit */',
    '#include <stdint.h>',
    '#include <stddef.h>',
    '#include "edgec_case_io.h"',
    ...[...headers].sort().map((h) => `#include "${h}"`),
    '',
  ];
  const runs: string[] = [];
  for (const c of cases) {
    const { decls, fn } = c.builder.render(c.index);
    parts.push(decls, fn, '');
    runs.push(`    ${c.builder.prefix}_run();`);
  }
  parts.push('void edgec_run_cases(void)', '{', ...runs, '}', '');
  return parts.join('\n');
}
