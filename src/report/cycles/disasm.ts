/**
 * An ELF's code as the cycle estimator reads it: every instruction of `arm-none-eabi-objdump -d`
 * (raw register names, so r13/r14/r15 are never spelled two ways; `-m armv8.1-m.main`, without which
 * objdump shows MVE instructions as coprocessor ones, and which decodes older M-profile code the
 * same) decoded by insn.ts and keyed by address, and the ELF's symbols (`arm-none-eabi-nm`) for
 * --begin/--end and the harness hooks.
 */
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { fail } from '../../support/diagnostics.ts';
import { decodeInsn, type Insn } from './insn.ts';

export interface Disassembly {
  insns: Map<number, Insn>;
  /** Symbol name -> address (the Thumb bit cleared). */
  symbols: Map<string, number>;
}

function run(tool: string, args: string[], elf: string): string {
  const r = spawnSync(tool, args, { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  if (r.error || r.status !== 0) fail('E-TOOL-OBJDUMP', 'toolchain', `${tool} failed: ${r.error?.message ?? r.stderr.slice(0, 2000)}`, { file: elf });
  return r.stdout;
}

/** `   3ec:\tf7ff fe32 \tbl\t54 <har_invoke>`: address, halfwords, mnemonic, operands. */
const LINE = /^\s*([0-9a-f]+):\t([0-9a-f]{4})(?: ([0-9a-f]{4}))?\s*\t(\S+)(?:\t(.*))?$/;

export function parseObjdump(text: string): Map<number, Insn> {
  const insns = new Map<number, Insn>();
  for (const line of text.split('\n')) {
    const m = LINE.exec(line);
    if (!m || m[4]!.startsWith('.')) continue; // data (.word, .short) inside code sections
    const addr = parseInt(m[1]!, 16);
    insns.set(addr, decodeInsn(addr, m[3] ? 4 : 2, m[4]!, m[5] ?? ''));
  }
  return insns;
}

export function parseNm(text: string): Map<string, number> {
  const symbols = new Map<string, number>();
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length === 3 && /^[0-9a-f]+$/.test(f[0]!)) symbols.set(f[2]!, parseInt(f[0]!, 16) & ~1);
  }
  return symbols;
}

const cache = new Map<string, Disassembly>();

/** The ELF's code and symbols (kept for the last few ELFs, keyed by path, size and modification time). */
export function disassemble(elf: string): Disassembly {
  const st = statSync(elf);
  const key = `${elf}:${st.size}:${st.mtimeMs}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const d = {
    insns: parseObjdump(run('arm-none-eabi-objdump', ['-d', '-m', 'armv8.1-m.main', '-M', 'reg-names-raw', elf], elf)),
    symbols: parseNm(run('arm-none-eabi-nm', [elf], elf)),
  };
  if (cache.size >= 8) cache.delete(cache.keys().next().value!);
  cache.set(key, d);
  return d;
}

/** A symbol's address, or a located diagnostic naming the option it came from. */
export function symbolAddress(d: Disassembly, name: string, field: string, elf: string): number {
  const a = d.symbols.get(name);
  if (a === undefined) fail('E-CYCLES-SYMBOL', 'cli', `symbol ${JSON.stringify(name)} is not in the ELF (see arm-none-eabi-nm)`, { file: elf, field });
  return a;
}

/** The n instructions of a block starting at `start`, in order (missing addresses are skipped: data, or code objdump did not show). */
export function blockInsns(d: Disassembly, start: number, n: number): Insn[] {
  const out: Insn[] = [];
  let a = start;
  for (let i = 0; i < n; i++) {
    const insn = d.insns.get(a);
    if (!insn) break;
    out.push(insn);
    a += insn.size;
  }
  return out;
}

/** The address just after the first call to `callee` in `caller` (where a run of it returns to). */
export function returnAddressOfCall(d: Disassembly, caller: number, callee: number): number | null {
  let a = caller;
  for (let i = 0; i < 4096; i++) {
    const insn = d.insns.get(a);
    if (!insn) return null;
    if (insn.op === 'bl' && insn.target === callee) return a + insn.size;
    a += insn.size;
  }
  return null;
}
