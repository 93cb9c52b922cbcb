/**
 * Thumb instructions as the cycle models see them, decoded from `arm-none-eabi-objdump -d -M
 * reg-names-raw` text: a timing class, the registers read and written, the registers that form a
 * memory address, how many registers a multiple transfer moves, and what a branch does.
 *
 * Only what the timing rules need is decoded (src/report/cycles/model-*.ts say which rule uses
 * which field). A mnemonic the table below does not know is class 'unknown': costed as one cycle by
 * every model and reported by name, so a gap is visible rather than guessed.
 */

export type InsnClass =
  | 'alu' // data processing, moves, shifts, extends, bit fields, saturation, CLZ/REV, ADR
  | 'simd' // DSP parallel add/subtract, SEL, SXTB16, PKH: single-cycle non-multiply DSP
  | 'mul' // MUL(S)
  | 'mla' // MLA, MLS
  | 'mull' // SMULL, UMULL: 32x32 -> 64
  | 'mlal' // SMLAL, UMLAL, UMAAL: 32x32 + 64 -> 64
  | 'dspmul' // SMLAD, SMUAD, SMLABB, SMULBB, SMMLA, SMLALD, ... (DSP extension multiplies)
  | 'div' // SDIV, UDIV
  | 'load' // LDR, LDRB, LDRH, LDRSB, LDRSH, LDREX, LDA (one register)
  | 'store' // STR, STRB, STRH, STREX, STL
  | 'loadd' // LDRD
  | 'stored' // STRD
  | 'ldm' // LDM, POP
  | 'stm' // STM, PUSH
  | 'branch' // B, BL, BX, BLX, CBZ, CBNZ
  | 'table' // TBB, TBH
  | 'it' // IT blocks
  | 'nop' // NOP, YIELD, SEV
  | 'barrier' // DSB, DMB, ISB
  | 'sys' // MRS, MSR, CPS, SVC, BKPT, WFI, WFE, UDF
  | 'vfp' // single-cycle FPU operations and transfers
  | 'vfpmac' // VMLA, VMLS, VNMLA, VNMLS, VFMA, VFMS, VFNMA, VFNMS
  | 'vfpdiv' // VDIV, VSQRT
  | 'vload' // VLDR
  | 'vstore' // VSTR
  | 'vldm' // VLDM, VSTM, VPUSH, VPOP
  | 'mve-ls' // MVE loads and stores (Helium)
  | 'mve-int' // MVE integer pipe
  | 'mve-mul' // MVE multiply / floating-point pipe (VMLADAV, VMUL, VQDMULH, ...)
  | 'mve-sys' // VPST, VPT, VCTP: predication set-up
  | 'lob' // low-overhead loops: DLS, WLS, LE, LETP, ...
  | 'unknown';

export type BranchKind = 'direct' | 'indirect' | 'loadpc' | 'table' | 'lob';

export interface Insn {
  addr: number;
  /** 2 or 4 bytes. */
  size: number;
  /** The objdump text, for reports. */
  text: string;
  /** Base mnemonic: lower case, without .n/.w, S, condition or data-type suffixes. */
  op: string;
  cls: InsnClass;
  /** Registers written (15 = PC). */
  dests: number[];
  /** Registers read. */
  srcs: number[];
  /** Base and offset registers of a memory access. */
  addrRegs: number[];
  /** A single load/store whose offset is a register. */
  regOffset: boolean;
  /** A PC-relative (literal) load. */
  literal: boolean;
  /** Registers (32-bit words for VFP D registers) moved by LDM/STM/PUSH/POP/VLDM/VSTM. */
  nregs: number;
  /** Set when the instruction can change the flow: what kind of branch it is. */
  branch: BranchKind | null;
  /** A branch that may fall through (conditional branch, CBZ/CBNZ, LE, or one inside an IT block). */
  conditional: boolean;
  /** The target of a direct branch. */
  target: number | null;
}

const COND = '(eq|ne|cs|hs|cc|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le|al)';
const SUFFIX = new RegExp(`^(s)?${COND}?$`);
const COND_ONLY = new RegExp(`^${COND}?$`);

const DSP_MUL = [
  'smlad',
  'smladx',
  'smlsd',
  'smlsdx',
  'smuad',
  'smuadx',
  'smusd',
  'smusdx',
  'smlabb',
  'smlabt',
  'smlatb',
  'smlatt',
  'smlawb',
  'smlawt',
  'smulbb',
  'smulbt',
  'smultb',
  'smultt',
  'smulwb',
  'smulwt',
  'smmul',
  'smmulr',
  'smmla',
  'smmlar',
  'smmls',
  'smmlsr',
  'smlald',
  'smlaldx',
  'smlsld',
  'smlsldx',
  'smlalbb',
  'smlalbt',
  'smlaltb',
  'smlaltt',
  'usad8',
  'usada8',
];
const SIMD = [
  'sadd8',
  'sadd16',
  'ssub8',
  'ssub16',
  'sasx',
  'ssax',
  'qadd8',
  'qadd16',
  'qsub8',
  'qsub16',
  'qasx',
  'qsax',
  'shadd8',
  'shadd16',
  'shsub8',
  'shsub16',
  'shasx',
  'shsax',
  'uadd8',
  'uadd16',
  'usub8',
  'usub16',
  'uasx',
  'usax',
  'uqadd8',
  'uqadd16',
  'uqsub8',
  'uqsub16',
  'uqasx',
  'uqsax',
  'uhadd8',
  'uhadd16',
  'uhsub8',
  'uhsub16',
  'uhasx',
  'uhsax',
  'sel',
  'sxtb16',
  'sxtab16',
  'uxtb16',
  'uxtab16',
  'sxtab',
  'sxtah',
  'uxtab',
  'uxtah',
  'pkhbt',
  'pkhtb',
  'qadd',
  'qsub',
  'qdadd',
  'qdsub',
  'ssat16',
  'usat16',
];
const ALU = [
  'mov',
  'mvn',
  'add',
  'adc',
  'sub',
  'sbc',
  'rsb',
  'and',
  'orr',
  'eor',
  'bic',
  'orn',
  'lsl',
  'lsr',
  'asr',
  'ror',
  'rrx',
  'cmp',
  'cmn',
  'tst',
  'teq',
  'adr',
  'addw',
  'subw',
  'movw',
  'movt',
  'neg',
  'clz',
  'rbit',
  'rev',
  'rev16',
  'revsh',
  'sxtb',
  'sxth',
  'uxtb',
  'uxth',
  'ubfx',
  'sbfx',
  'bfi',
  'bfc',
  'ssat',
  'usat',
  'pld',
  'pli',
  'pldw',
  'csel',
  'csinc',
  'csinv',
  'csneg',
  'cset',
  'csetm',
  'cinc',
  'cinv',
  'cneg',
  'sqrshr',
  'uqrshl',
  'asrl',
  'lsll',
  'lsrl',
];
const NO_DEST = new Set(['cmp', 'cmn', 'tst', 'teq', 'pld', 'pli', 'pldw']);
const READS_DEST = new Set(['bfi', 'bfc', 'movt']);
const TWO_OPERAND = new Set(['add', 'adc', 'sub', 'sbc', 'and', 'orr', 'eor', 'bic', 'orn', 'lsl', 'lsr', 'asr', 'ror', 'mul', 'rsb']);
const TABLE: [string, InsnClass][] = [
  ...ALU.map((m) => [m, 'alu'] as [string, InsnClass]),
  ...SIMD.map((m) => [m, 'simd'] as [string, InsnClass]),
  ...DSP_MUL.map((m) => [m, 'dspmul'] as [string, InsnClass]),
  ['mul', 'mul'],
  ['mla', 'mla'],
  ['mls', 'mla'],
  ['smull', 'mull'],
  ['umull', 'mull'],
  ['smlal', 'mlal'],
  ['umlal', 'mlal'],
  ['umaal', 'mlal'],
  ['sdiv', 'div'],
  ['udiv', 'div'],
  ...['ldr', 'ldrb', 'ldrh', 'ldrsb', 'ldrsh', 'ldrt', 'ldrbt', 'ldrht', 'ldrsbt', 'ldrsht', 'ldrex', 'ldrexb', 'ldrexh', 'lda', 'ldab', 'ldah', 'ldaex', 'ldaexb', 'ldaexh'].map(
    (m) => [m, 'load'] as [string, InsnClass],
  ),
  ...['str', 'strb', 'strh', 'strt', 'strbt', 'strht', 'strex', 'strexb', 'strexh', 'stl', 'stlb', 'stlh', 'stlex', 'stlexb', 'stlexh'].map((m) => [m, 'store'] as [string, InsnClass]),
  ['ldrd', 'loadd'],
  ['strd', 'stored'],
  ...['ldm', 'ldmia', 'ldmfd', 'ldmdb', 'ldmea', 'pop'].map((m) => [m, 'ldm'] as [string, InsnClass]),
  ...['stm', 'stmia', 'stmea', 'stmdb', 'stmfd', 'push'].map((m) => [m, 'stm'] as [string, InsnClass]),
  ...['b', 'bl', 'bx', 'blx', 'cbz', 'cbnz', 'bxns', 'blxns'].map((m) => [m, 'branch'] as [string, InsnClass]),
  ['tbb', 'table'],
  ['tbh', 'table'],
  // Branch-future hints (Armv8.1-M) are charged as one-cycle hints.
  ...['nop', 'yield', 'sev', 'bf', 'bfx', 'bfl', 'bflx', 'bfcsel'].map((m) => [m, 'nop'] as [string, InsnClass]),
  ...['dsb', 'dmb', 'isb', 'ssbb', 'pssbb', 'csdb'].map((m) => [m, 'barrier'] as [string, InsnClass]),
  ...['mrs', 'msr', 'cpsid', 'cpsie', 'svc', 'bkpt', 'udf', 'wfi', 'wfe', 'sg', 'tt', 'ttt', 'tta', 'ttat', 'clrex', 'clrm', 'vscclrm'].map((m) => [m, 'sys'] as [string, InsnClass]),
  ...['dls', 'dlstp', 'wls', 'wlstp', 'le', 'letp', 'lctp'].map((m) => [m, 'lob'] as [string, InsnClass]),
];
const CLASSES = new Map(TABLE);
/** Bases sorted longest first, so "bls" is B with LS, not BL with S. */
const BASES = [...CLASSES.keys()].sort((a, b) => b.length - a.length);
/** Branches and memory ops take no S suffix. */
const NO_S = new Set<InsnClass>(['branch', 'table', 'load', 'store', 'loadd', 'stored', 'ldm', 'stm', 'lob', 'sys', 'barrier', 'nop']);

const REG_NAMES: Record<string, number> = { sp: 13, lr: 14, pc: 15, ip: 12, fp: 11, sl: 10, sb: 9 };

function regOf(tok: string): number | null {
  const m = /^r(\d{1,2})$/.exec(tok);
  if (m) return Number(m[1]) <= 15 ? Number(m[1]) : null;
  return REG_NAMES[tok] ?? null;
}

/** Core registers named in a piece of operand text, in order ({r4-r7} ranges expanded). */
function regsIn(text: string): number[] {
  const out: number[] = [];
  const re = /\b(r\d{1,2}|sp|lr|pc|ip|fp|sl|sb)\b(?:\s*-\s*(r\d{1,2}))?/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const a = regOf(m[1]!);
    if (a === null) continue;
    const b = m[2] ? regOf(m[2]) : null;
    if (b !== null && b >= a) for (let r = a; r <= b; r++) out.push(r);
    else out.push(a);
  }
  return out;
}

/** S/D/Q registers in a VFP list, counted in 32-bit words ({d8-d15} is 16). */
function fpWordsIn(text: string): number {
  let words = 0;
  const re = /\b([sdq])(\d+)(?:\s*-\s*[sdq](\d+))?/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const n = m[3] !== undefined ? Number(m[3]) - Number(m[2]) + 1 : 1;
    words += n * (m[1] === 's' ? 1 : m[1] === 'd' ? 2 : 4);
  }
  return words;
}

function splitMnemonic(raw: string): { op: string; cls: InsnClass; cond: string | null } {
  const m = raw.toLowerCase().replace(/\.(n|w|\d+)$/, '');
  if (/^it[te]{0,3}$/.test(m)) return { op: 'it', cls: 'it', cond: null };
  for (const base of BASES) {
    if (!m.startsWith(base)) continue;
    const rest = m.slice(base.length);
    const cls = CLASSES.get(base)!;
    const parsed = (NO_S.has(cls) ? COND_ONLY : SUFFIX).exec(rest);
    if (!parsed) continue;
    const cond = (NO_S.has(cls) ? parsed[1] : parsed[2]) ?? null;
    return { op: base, cls, cond: cond === 'al' ? null : cond };
  }
  return { op: m, cls: 'unknown', cond: null };
}

/** MVE pipes as LLVM's Cortex-M55 schedule assigns them (ARMScheduleM55.td): load/store, integer, FP/multiply. */
function mveClass(op: string): InsnClass {
  if (/^v(ldr|str|ld[24]|st[24])/.test(op)) return 'mve-ls';
  if (/^v(pst|pt|ctp|pnot)/.test(op)) return 'mve-sys';
  if (/^v(q?r?d?mul|q?r?d?ml[as]|r?ml[as]l|fm[as]|cmul|cmla|addl?v|cmp|maxnm|minnm|cvt|rint)/.test(op)) return 'mve-mul';
  return 'mve-int';
}

function vfpClass(op: string): InsnClass {
  if (op.startsWith('vldr')) return 'vload';
  if (op.startsWith('vstr')) return 'vstore';
  if (/^v(ldm|stm|push|pop)/.test(op)) return 'vldm';
  if (/^v(div|sqrt)/.test(op)) return 'vfpdiv';
  if (/^v(n?ml[as]|f?n?m[as]$|fn?m[as])/.test(op)) return 'vfpmac';
  return 'vfp';
}

function hexTarget(ops: string): number | null {
  const m = /^\s*(?:r\d{1,2},\s*)?([0-9a-f]+)\b/.exec(ops);
  return m ? parseInt(m[1]!, 16) : null;
}

/** Decodes one instruction from its objdump mnemonic and operand text. */
export function decodeInsn(addr: number, size: number, mnemonic: string, operands: string): Insn {
  const ops = operands.replace(/\s*[@;].*$/, '').trim();
  const lower = mnemonic.toLowerCase();
  const base: Insn = {
    addr,
    size,
    text: `${mnemonic}${ops ? ` ${ops}` : ''}`,
    op: lower,
    cls: 'unknown',
    dests: [],
    srcs: [],
    addrRegs: [],
    regOffset: false,
    literal: false,
    nregs: 0,
    branch: null,
    conditional: false,
    target: null,
  };
  if (lower.startsWith('v') && !/^(vscclrm)$/.test(lower)) {
    const op = lower.split('.')[0]!;
    const isMve = /\bq\d/.test(ops) || /^v(pst|pt|ctp|pnot)/.test(op);
    const cls = isMve ? mveClass(op) : vfpClass(op);
    const mem = /\[([^\]]*)\]/.exec(ops);
    return {
      ...base,
      op,
      cls,
      addrRegs: mem ? regsIn(mem[1]!) : cls === 'vldm' && /^v(push|pop)/.test(op) ? [13] : [],
      srcs: regsIn(ops),
      dests: cls === 'vldm' && /!/.test(ops) ? regsIn(ops.split(',')[0]!) : [],
      nregs: cls === 'vldm' ? fpWordsIn(ops.slice(ops.indexOf('{'))) : 0,
    };
  }
  const { op, cls, cond } = splitMnemonic(lower);
  const insn: Insn = { ...base, op, cls, conditional: cond !== null };
  const regs = regsIn(ops);
  const mem = /\[([^\]]*)\]/.exec(ops);
  const writeback = /\]!|\],/.test(ops);
  switch (cls) {
    case 'load':
    case 'loadd': {
      const data = regsIn(ops.slice(0, mem ? mem.index : ops.length));
      insn.addrRegs = mem ? regsIn(mem[1]!) : [];
      insn.literal = insn.addrRegs[0] === 15 || !mem;
      insn.regOffset = insn.addrRegs.length > 1;
      insn.dests = [...data, ...(writeback ? insn.addrRegs.slice(0, 1) : [])];
      insn.srcs = insn.addrRegs;
      if (insn.dests.includes(15)) insn.branch = 'loadpc';
      break;
    }
    case 'store':
    case 'stored': {
      const data = regsIn(ops.slice(0, mem ? mem.index : ops.length));
      insn.addrRegs = mem ? regsIn(mem[1]!) : [];
      insn.regOffset = insn.addrRegs.length > 1;
      insn.dests = writeback ? insn.addrRegs.slice(0, 1) : [];
      if (op.startsWith('strex') || op.startsWith('stlex')) insn.dests.push(data[0]!);
      insn.srcs = [...data, ...insn.addrRegs];
      break;
    }
    case 'ldm':
    case 'stm': {
      const brace = ops.indexOf('{');
      const list = regsIn(brace >= 0 ? ops.slice(brace) : ops);
      const baseReg = op === 'pop' || op === 'push' ? 13 : (regsIn(ops.slice(0, Math.max(brace, 0)))[0] ?? 13);
      insn.addrRegs = [baseReg];
      insn.nregs = list.length;
      const wb = op === 'pop' || op === 'push' || /!/.test(ops.slice(0, Math.max(brace, 0)));
      if (cls === 'ldm') {
        insn.dests = [...list, ...(wb ? [baseReg] : [])];
        insn.srcs = [baseReg];
        if (list.includes(15)) insn.branch = 'loadpc';
      } else {
        insn.dests = wb ? [baseReg] : [];
        insn.srcs = [...list, baseReg];
      }
      break;
    }
    case 'branch': {
      if (op === 'bx' || op === 'blx' || op === 'bxns' || op === 'blxns') {
        const target = regs.length > 0 ? null : hexTarget(ops);
        insn.branch = target === null ? 'indirect' : 'direct';
        insn.target = target;
        insn.srcs = regs;
      } else {
        insn.branch = 'direct';
        insn.target = hexTarget(ops);
        insn.srcs = op === 'cbz' || op === 'cbnz' ? regs.slice(0, 1) : [];
      }
      if (op === 'cbz' || op === 'cbnz') insn.conditional = true;
      insn.dests = op.startsWith('bl') ? [14] : [];
      break;
    }
    case 'table':
      insn.branch = 'table';
      insn.addrRegs = mem ? regsIn(mem[1]!) : regs;
      insn.srcs = insn.addrRegs;
      break;
    case 'lob':
      insn.srcs = regs;
      if (op === 'le' || op === 'letp' || op === 'wls' || op === 'wlstp') {
        insn.branch = 'lob';
        insn.conditional = true;
        insn.target = hexTarget(ops);
      }
      insn.dests = op === 'lctp' ? [] : [14];
      break;
    case 'mull':
    case 'mlal':
      insn.dests = regs.slice(0, 2);
      insn.srcs = cls === 'mlal' ? regs : regs.slice(2);
      break;
    case 'it':
    case 'nop':
    case 'barrier':
    case 'sys':
    case 'unknown':
      insn.srcs = regs;
      break;
    default: {
      // Data processing: the first register is the destination (none for compares and tests). The
      // two-operand Thumb forms (ADDS r1, #4; ANDS r0, r1; MULS r0, r3) read it too, as do BFI, BFC
      // and MOVT.
      const operandCount = ops === '' ? 0 : ops.split(',').length;
      if (NO_DEST.has(op) || regs.length === 0) {
        insn.srcs = regs;
      } else {
        insn.dests = regs.slice(0, 1);
        insn.srcs = READS_DEST.has(op) || (operandCount === 2 && TWO_OPERAND.has(op)) ? regs : regs.slice(1);
      }
      if (insn.dests.includes(15)) insn.branch = 'indirect';
    }
  }
  return insn;
}
