/**
 * Element-wise ops on two tensors of one shape: ADD (int8, int16), SUB and MUL (int8), and the
 * kernels only the conformance suite reaches (int16 MUL, broadcasting int8 MAXIMUM/MINIMUM).
 *
 *   tflite ADD   tfjs Add (n inputs: a chain of two-input adds)   ONNX Add, Sub, Mul of two activations
 *   -> IR add { activation }  -> step add_s8  -> edgec_add_s8_lut (each input's rescaling a 256-entry
 *      table computed here); the interchangeable edgec_add_s8 has arm_elementwise_add_s8's arguments
 *                             -> step add_s16 (16x8 models; left shift 15) -> edgec_add_s16 | arm_elementwise_add_s16
 *   -> IR sub { activation }  -> step sub_s8  -> edgec_add_s8_lut with the second table negated
 *   -> IR mul { activation }  -> step mul_s8  -> edgec_mul_s8 | arm_elementwise_mul_s8
 *   conformance 'mul s16', 'minmax s8' -> conformance-only steps mul_s16, maximum_s8, minimum_s8
 *
 *   ADD: out = clamp(requant(requant((a + off1) << left_shift, m1) + requant((b + off2) << left_shift, m2), m_out) + off_out)
 *   SUB: the same with the second term subtracted (TFLite's SubElementwise; constants: subParams)
 *   MUL: out = clamp(requant((a + off1) * (b + off2), m_out) + off_out), m_out = s1 * s2 / s_out
 */
import { call } from '../cgen/c.ts';
import type { Activation, Graph } from '../ir/graph.ts';
import { addInputLut, addS16, addS8, mulS16, mulS8, subS8, type MulParams } from '../kernels/add.ts';
import { maximumS8, minimumS8 } from '../kernels/minmax.ts';
import type { ActivationRange, Dims } from '../kernels/types.ts';
import { activationRange, addParams, mulParams, subParams, type AddParams } from '../arith/op-params.ts';
import type { CaseAdapter, EmitContext, Named, OpFamily, OpOf, OpRule, StepDef } from './contract.ts';
import { caseTensors, dimsOf } from './shared/case.ts';
import { as, cmsisDims, cmsisScratchLines, dims } from './shared/emit.ts';
import { requireActivation, shapeText, size } from './shared/rules.ts';
import { newActivation } from './shared/tfjs.ts';
import { elementwiseOnnxImporters } from './elementwise-onnx.ts';

export interface ElementwiseOps {
  add: { activation: Activation };
  sub: { activation: Activation };
  mul: { activation: Activation };
}

export interface AddStep<K extends 'add_s8' | 'add_s16' | 'sub_s8' = 'add_s8' | 'add_s16' | 'sub_s8'> {
  kind: K;
  inputs: [number, number];
  output: number;
  size: number;
  params: AddParams;
  activation: ActivationRange;
}

export interface MulStep<K extends 'mul_s8' | 'mul_s16' = 'mul_s8' | 'mul_s16'> {
  kind: K;
  inputs: [number, number];
  output: number;
  size: number;
  params: MulParams;
  activation: ActivationRange;
}

/** MAXIMUM / MINIMUM with broadcasting: an input axis of extent 1 repeats along the output's. */
export interface MinMaxStep<K extends 'maximum_s8' | 'minimum_s8' = 'maximum_s8' | 'minimum_s8'> {
  kind: K;
  inputs: [number, number];
  output: number;
  input1Dims: Dims;
  input2Dims: Dims;
  outputDims: Dims;
}

export interface ElementwiseSteps {
  add_s8: AddStep<'add_s8'>;
  add_s16: AddStep<'add_s16'>;
  sub_s8: AddStep<'sub_s8'>;
  mul_s8: MulStep<'mul_s8'>;
  mul_s16: MulStep<'mul_s16'>;
  maximum_s8: MinMaxStep<'maximum_s8'>;
  minimum_s8: MinMaxStep<'minimum_s8'>;
}

const F = 'float32';

/** The tensors of a two-input step as C expressions; int16 ones through int16_t pointers. */
function operands(s: { inputs: [number, number]; output: number } & Named, ctx: EmitContext, s16: boolean): [string, string, string] {
  const n = s.op.name;
  const ptr = (id: number) => (s16 ? as('int16_t', ctx.tensor(id, n)) : ctx.tensor(id, n));
  return [ptr(s.inputs[0]), ptr(s.inputs[1]), ptr(s.output)];
}

/** The arguments of arm_elementwise_add_s8/_s16, which edgec_add_s8/_s16 take too. */
function addArgs(s: AddStep, [a, b, out]: [string, string, string]): string[] {
  const p = s.params;
  return [
    a,
    b,
    p.input1Offset,
    p.input1.multiplier,
    p.input1.shift,
    p.input2Offset,
    p.input2.multiplier,
    p.input2.shift,
    p.leftShift,
    out,
    p.outputOffset,
    p.output.multiplier,
    p.output.shift,
    s.activation.min,
    s.activation.max,
    s.size,
  ].map(String);
}

/** The arguments of arm_elementwise_mul_s8/_s16, which edgec_mul_s8/_s16 take too. */
function mulArgs(s: MulStep, [a, b, out]: [string, string, string]): string[] {
  const p = s.params;
  return [a, b, p.input1Offset, p.input2Offset, out, p.outputOffset, p.output.multiplier, p.output.shift, s.activation.min, s.activation.max, s.size].map(String);
}

const ADD_FILES = ['edgec_add.h', 'edgec_add.c'];

const emitted = (fn: string, args: string[], cast = '') => ({ kernel: fn, lines: [`status = ${cast}${call(fn, args)};`] });

const addS8Step: StepDef<AddStep<'add_s8'>> = {
  requantizers: (s) => addRequantizers(s),
  simulate: (s, env) => addS8(env.read(s.inputs[0]) as Int8Array, env.read(s.inputs[1]) as Int8Array, s.params, s.activation, s.size),
  portable: {
    header: 'edgec_add.h',
    files: ADD_FILES,
    emit(s, ctx, variant) {
      if (variant === 'reference') return emitted('edgec_add_s8', addArgs(s, operands(s, ctx, false)));
      return emitLut(s, ctx, 1);
    },
  },
  cmsisNn: {
    // add_s8 is left to the portable edgec_add_s8_lut on every path: with the inputs' rescaling
    // tabulated at compile time it executes far fewer instructions than arm_elementwise_add_s8, with
    // the same bytes. `npm run bench` measures each choice (its kernel-choices table) on the DSP path.
    portableIsFaster: () => true,
    scratch: () => 0,
    emit: (s, ctx) => emitted('arm_elementwise_add_s8', addArgs(s, operands(s, ctx, false)), '(int32_t)'),
  },
};

/**
 * edgec_add_s8_lut: each input's rescaling is a 256-entry table computed here (2 KB of flash per
 * layer); on Cortex-M4 this runs in well under half the instructions of two requantizations per
 * element. SUB negates the second table (`sign` -1): the sum is then TFLite's raw_sub exactly.
 */
function emitLut(s: AddStep & Named, ctx: EmitContext, sign: 1 | -1) {
  const n = s.op.name;
  const p = s.params;
  const lut1 = ctx.constArray('input_1_lut', 'int32_t', addInputLut(p.input1Offset, p.leftShift, p.input1), n);
  const lut2 = ctx.constArray(
    'input_2_lut',
    'int32_t',
    addInputLut(p.input2Offset, p.leftShift, p.input2).map((v) => sign * v),
    n,
  );
  const [a, b, out] = operands(s, ctx, false);
  const args = [a, b, lut1, lut2, out, ...[p.outputOffset, p.output.multiplier, p.output.shift, s.activation.min, s.activation.max, s.size].map(String)];
  return emitted('edgec_add_s8_lut', args);
}

const addRequantizers = (s: AddStep) => [
  { name: 'input 1 rescale', ...s.params.input1 },
  { name: 'input 2 rescale', ...s.params.input2 },
  { name: 'output rescale', ...s.params.output },
];

// No CMSIS-NN kernel subtracts: the portable kernel runs SUB on every backend.
const subS8Step: StepDef<AddStep<'sub_s8'>> = {
  requantizers: addRequantizers,
  simulate: (s, env) => subS8(env.read(s.inputs[0]) as Int8Array, env.read(s.inputs[1]) as Int8Array, s.params, s.activation, s.size),
  portable: { header: 'edgec_add.h', files: ADD_FILES, emit: (s, ctx) => emitLut(s, ctx, -1) },
};

/**
 * The rule of a two-input element-wise op: operands and output of one shape (no broadcasting), in
 * the listed types.
 */
function sameShapeRule(kind: 'add' | 'sub' | 'mul', s16: boolean): OpRule {
  return {
    inputs: [2, 2],
    outputs: 1,
    signatures: [[F, F, F], ['int8', 'int8', 'int8'], ...(s16 ? [['int16', 'int16', 'int16'] as const] : [])],
    check(c) {
      requireActivation(c, (c.op as OpOf<typeof kind>).attrs.activation);
      const [a, b, y] = [c.input(0)!, c.input(1)!, c.output(0)];
      for (const t of [a, b])
        if (t.shape.join() !== y.shape.join()) c.fail(`shape ${shapeText(t.shape)} differs from the output ${shapeText(y.shape)} (broadcasting is not supported)`, t, 'E-GRAPH-SHAPE');
      return size(y);
    },
  };
}

/** The tensors of a two-input op and their quantization (which lowering requires). */
function quantizedOperands(g: Graph, op: OpOf<'add' | 'sub' | 'mul'>) {
  const [a, b, out] = [g.tensors[op.inputs[0]!]!, g.tensors[op.inputs[1]!]!, g.tensors[op.outputs[0]!]!];
  if (!a.quant || !b.quant || !out.quant) throw new Error(`${op.kind} '${op.name}': a tensor has no quantization`);
  return { a, b, out, aq: a.quant, bq: b.quant, oq: out.quant };
}

/** Conformance only: edgec_<kind> (edgec_add.h) and arm_elementwise_<kind> take the same arguments. */
function arithmeticStep<S extends AddStep | MulStep>(simulate: StepDef<S>['simulate'], args: (s: S & Named, ctx: EmitContext) => string[], reachedByModels = false): StepDef<S> {
  return {
    simulate,
    portable: { header: 'edgec_add.h', files: ADD_FILES, emit: (s, ctx) => emitted(`edgec_${s.kind}`, args(s, ctx)) },
    cmsisNn: { scratch: () => 0, emit: (s, ctx) => emitted(`arm_elementwise_${s.kind}`, args(s, ctx), '(int32_t)') },
    ...(reachedByModels ? {} : { conformanceOnly: true as const }),
  };
}

/** The arguments of MAXIMUM / MINIMUM; the portable kernels take edgec_dims, CMSIS-NN cmsis_nn_dims. */
function minMaxArgs(s: MinMaxStep & Named, ctx: EmitContext, struct: typeof dims): string[] {
  const n = s.op.name;
  const [a, b, out] = operands(s, ctx, false);
  return [a, `&${struct(ctx, 'input_1_dims', s.input1Dims, n)}`, b, `&${struct(ctx, 'input_2_dims', s.input2Dims, n)}`, out, `&${struct(ctx, 'output_dims', s.outputDims, n)}`];
}

function minMaxStep<K extends 'maximum_s8' | 'minimum_s8'>(kind: K): StepDef<MinMaxStep<K>> {
  const kernel = kind === 'maximum_s8' ? maximumS8 : minimumS8;
  return {
    simulate: (s, env) => kernel(env.read(s.inputs[0]) as Int8Array, s.input1Dims, env.read(s.inputs[1]) as Int8Array, s.input2Dims, s.outputDims),
    portable: { header: 'edgec_minmax.h', files: ['edgec_minmax.h', 'edgec_minmax.c'], emit: (s, ctx) => emitted(`edgec_${kind}`, minMaxArgs(s, ctx, dims)) },
    cmsisNn: {
      scratch: () => 0,
      emit(s, ctx, scratch) {
        // arm_maximum_s8 / arm_minimum_s8 take a context first (no buffer).
        const fn = `arm_${kind}`;
        const c = cmsisScratchLines(scratch, [], null);
        return { kernel: fn, lines: [...c.lines, `    status = (int32_t)${call(fn, [`&${c.name}`, ...minMaxArgs(s, ctx, cmsisDims)])};`, '}'] };
      },
    },
    conformanceOnly: true,
  };
}

export const elementwise: OpFamily<ElementwiseOps, ElementwiseSteps> = {
  name: 'elementwise',
  ops: {
    add: {
      rule: sameShapeRule('add', true),
      quant: { output: 'calibrated' },
      float: (op, _g, [a, b]) => Float32Array.from(a!, (v, i) => activate(v + b![i]!, op.attrs.activation)),
      lower(g, op) {
        const { a, b, out, aq, bq, oq } = quantizedOperands(g, op);
        if (a.dtype === 'int16') {
          return {
            kind: 'add_s16',
            inputs: [a.id, b.id],
            output: out.id,
            size: size(out),
            params: addParams(aq, bq, oq, 'int16'),
            activation: activationRange(op.attrs.activation, oq, 'int16'),
          };
        }
        return { kind: 'add_s8', inputs: [a.id, b.id], output: out.id, size: size(out), params: addParams(aq, bq, oq), activation: activationRange(op.attrs.activation, oq) };
      },
    },
    sub: {
      rule: sameShapeRule('sub', false),
      quant: { output: 'calibrated' },
      float: (op, _g, [a, b]) => Float32Array.from(a!, (v, i) => activate(v - b![i]!, op.attrs.activation)),
      lower(g, op) {
        const { a, b, out, aq, bq, oq } = quantizedOperands(g, op);
        return { kind: 'sub_s8', inputs: [a.id, b.id], output: out.id, size: size(out), params: subParams(aq, bq, oq), activation: activationRange(op.attrs.activation, oq) };
      },
    },
    mul: {
      rule: sameShapeRule('mul', false),
      quant: { output: 'calibrated' },
      float: (op, _g, [a, b]) => Float32Array.from(a!, (v, i) => activate(Math.fround(v * b![i]!), op.attrs.activation)),
      lower(g, op) {
        const { a, b, out, aq, bq, oq } = quantizedOperands(g, op);
        return { kind: 'mul_s8', inputs: [a.id, b.id], output: out.id, size: size(out), params: mulParams(aq, bq, oq), activation: activationRange(op.attrs.activation, oq) };
      },
    },
  },
  steps: {
    add_s8: addS8Step,
    add_s16: arithmeticStep(
      (s, env) => addS16(env.read(s.inputs[0]) as Int16Array, env.read(s.inputs[1]) as Int16Array, s.params, s.activation, s.size),
      (s, ctx) => addArgs(s, operands(s, ctx, true)),
      true, // 16x8 models' ADD
    ),
    sub_s8: subS8Step,
    mul_s8: {
      ...arithmeticStep(
        (s, env) => mulS8(env.read(s.inputs[0]) as Int8Array, env.read(s.inputs[1]) as Int8Array, s.params, s.activation, s.size),
        (s, ctx) => mulArgs(s, operands(s, ctx, false)),
        true, // ONNX Mul of two activations
      ),
      requantizers: (s) => [{ name: 'output rescale', ...s.params.output }],
    },
    mul_s16: arithmeticStep(
      (s, env) => mulS16(env.read(s.inputs[0]) as Int16Array, env.read(s.inputs[1]) as Int16Array, s.params, s.activation, s.size),
      (s, ctx) => mulArgs(s, operands(s, ctx, true)),
    ),
    maximum_s8: minMaxStep('maximum_s8'),
    minimum_s8: minMaxStep('minimum_s8'),
  },
  tflite: {
    ADD: { inputs: [2, 2], import: (c) => c.addOp({ kind: 'add', name: c.name, attrs: { activation: c.activation(0) }, inputs: [c.inputs[0]!, c.inputs[1]!], outputs: c.outputs }) },
  },
  tfjs: {
    Add: {
      convert(ctx) {
        let acc = ctx.inputs[0]!;
        for (let i = 1; i < ctx.inputs.length; i++) {
          const out = newActivation(ctx, i === ctx.inputs.length - 1 ? '' : `partial${i}`, ctx.outShape);
          ctx.b.addOp({ kind: 'add', name: ctx.inputs.length > 2 ? `${ctx.name}/${i}` : ctx.name, attrs: { activation: 'none' }, inputs: [acc, ctx.inputs[i]!], outputs: [out] });
          acc = out;
        }
        return acc;
      },
    },
  },
  onnx: elementwiseOnnxImporters,
  cases: [arithmeticCase('add', false), arithmeticCase('add', true), arithmeticCase('mul', false), arithmeticCase('mul', true), minMaxCase()],
};

function activate(v: number, a: Activation): number {
  if (a === 'relu') return v < 0 ? 0 : v;
  if (a === 'relu6') return v < 0 ? 0 : v > 6 ? 6 : v;
  return v;
}

// Conformance-only steps have no IR op of their own: their cases are named after the nearest, add.
const caseOp = (kind: string) => ({ id: 0, name: 'case', kind });

/** ADD and MUL cases: two blocks of `block_size` values and the compiler's parameters. */
function arithmeticCase(op: 'add' | 'mul', s16: boolean): CaseAdapter {
  const dtype = s16 ? 'int16' : 'int8';
  return {
    op,
    actDtypes: [s16 ? 's16' : 's8'],
    build(r) {
      const n = r.int('block_size');
      const tensors = caseTensors([
        { name: 'input_1', dtype, shape: [n], init: r.data('input_1') },
        { name: 'input_2', dtype, shape: [n], init: r.data('input_2') },
        { name: 'output', dtype, shape: [n] },
      ]);
      const io = { inputs: [0, 1] as [number, number], output: 2, size: n, activation: { min: r.int('activation.min'), max: r.int('activation.max') } };
      const offsets = {
        input1Offset: r.int('input_1_offset'),
        input2Offset: r.int('input_2_offset'),
        outputOffset: r.int('output_offset'),
        output: { multiplier: r.int('output_mult'), shift: r.int('output_shift') },
      };
      if (op === 'mul') return { step: { kind: s16 ? 'mul_s16' : 'mul_s8', ...io, params: offsets, op: caseOp('mul') } satisfies MulStep & Named, tensors, output: 2 };
      const params: AddParams = {
        ...offsets,
        input1: { multiplier: r.int('input_1_mult'), shift: r.int('input_1_shift') },
        input2: { multiplier: r.int('input_2_mult'), shift: r.int('input_2_shift') },
        leftShift: r.int('left_shift'),
      };
      return { step: { kind: s16 ? 'add_s16' : 'add_s8', ...io, params, op: caseOp('add') } satisfies AddStep & Named, tensors, output: 2 };
    },
  };
}

/** MAXIMUM / MINIMUM cases (`kind` says which), each input with its own broadcast shape. */
function minMaxCase(): CaseAdapter {
  return {
    op: 'minmax',
    actDtypes: ['s8'],
    build(r) {
      const kind = r.str('kind');
      if (kind !== 'maximum' && kind !== 'minimum') throw new Error(`minmax case: kind '${kind}' is neither maximum nor minimum`);
      const [input1Dims, input2Dims, outputDims] = ['input_1_dims', 'input_2_dims', 'output_dims'].map((p) => dimsOf(r, p)) as [Dims, Dims, Dims];
      const shape = (d: Dims) => [d.n, d.h, d.w, d.c];
      const tensors = caseTensors([
        { name: 'input_1', dtype: 'int8', shape: shape(input1Dims), init: r.data('input_1') },
        { name: 'input_2', dtype: 'int8', shape: shape(input2Dims), init: r.data('input_2') },
        { name: 'output', dtype: 'int8', shape: shape(outputDims) },
      ]);
      const step: MinMaxStep & Named = { kind: kind === 'maximum' ? 'maximum_s8' : 'minimum_s8', inputs: [0, 1], output: 2, input1Dims, input2Dims, outputDims, op: caseOp(kind) };
      return { step, tensors, output: 2 };
    },
  };
}
