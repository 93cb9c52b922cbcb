/**
 * The pooling steps, one kernel call each: the TS reference kernel and the C call per backend.
 *
 *   max_pool_s8   edgec_max_pool_s8 | arm_max_pool_s8 (plain C, MVE; the portable kernel on DSP)
 *   avg_pool_s8   edgec_avgpool_s8  | arm_avgpool_s8  (scratch: one int32 per channel on DSP)
 *   max_pool_s16, avg_pool_s16      the int16 twins, reached only by the conformance suite
 *   mean_s8, mean_s16   edgec_mean_hw_s8, edgec_mean_hw_s16 (CMSIS-NN has no MEAN with requantization)
 */
import { call, designated, struct } from '../../cgen/c.ts';
import { avgPoolBufferSize } from '../shared/cmsis-buffer-sizes.ts';
import { meanHwS16, meanHwS8 } from '../../kernels/mean.ts';
import { avgPoolS16, avgPoolS8, maxPoolS16, maxPoolS8 } from '../../kernels/pooling.ts';
import type { ActivationRange, Dims, Tile } from '../../kernels/types.ts';
import type { CmsisPath, StepDef } from '../contract.ts';
import { as, CMSIS_PATHS, cmsisDims, cmsisRange, cmsisScratchLines, cmsisTile, dims, range, tile } from '../shared/emit.ts';

export type PoolKind = 'max_pool_s8' | 'avg_pool_s8' | 'max_pool_s16' | 'avg_pool_s16';

export interface PoolStep<K extends PoolKind = PoolKind> {
  kind: K;
  input: number;
  output: number;
  inputDims: Dims;
  outputDims: Dims;
  filter: Tile;
  stride: Tile;
  padding: Tile;
  activation: ActivationRange;
}

export interface MeanStep {
  kind: 'mean_s8' | 'mean_s16';
  input: number;
  output: number;
  inputDims: Dims;
  inputZeroPoint: number;
  outputZeroPoint: number;
  multiplier: number;
  shift: number;
}

/** A pooling step of one kind; `int16` steps take their tensors through int16_t pointers. */
export function poolStep<K extends PoolKind>(kind: K): StepDef<PoolStep<K>> {
  const avg = kind.startsWith('avg');
  const s16 = kind.endsWith('s16');
  const name = `${avg ? 'avgpool' : 'max_pool'}_${s16 ? 's16' : 's8'}`;
  const ptr = (p: string) => (s16 ? as('int16_t', p) : p);
  const scratch = (s: PoolStep, path: CmsisPath) => (avg ? avgPoolBufferSize(path, s.outputDims.c) : 0);
  return {
    simulate(s, env) {
      const x = env.read(s.input);
      if (s16) return (avg ? avgPoolS16 : maxPoolS16)(s, s.inputDims, x as Int16Array, s.filter, s.outputDims);
      return (avg ? avgPoolS8 : maxPoolS8)(s, s.inputDims, x as Int8Array, s.filter, s.outputDims);
    },
    portable: {
      header: 'edgec_pooling.h',
      files: ['edgec_pooling.h', 'edgec_pooling.c', 'edgec_dot_s8.h'],
      emit(s, ctx) {
        const n = s.op.name;
        const fn = `edgec_${name}`;
        const params = ctx.constStruct('params', 'edgec_pool_params', struct('edgec_pool_params', { stride: tile(s.stride), padding: tile(s.padding), activation: range(s.activation) }), n);
        const filter = dims(ctx, 'filter_dims', { n: 1, h: s.filter.h, w: s.filter.w, c: 1 }, n);
        const args = [
          `&${params}`,
          `&${dims(ctx, 'input_dims', s.inputDims, n)}`,
          ptr(ctx.tensor(s.input, n)),
          `&${filter}`,
          `&${dims(ctx, 'output_dims', s.outputDims, n)}`,
          ptr(ctx.tensor(s.output, n)),
        ];
        return { kernel: fn, lines: [`status = ${call(fn, args)};`] };
      },
    },
    cmsisNn: {
      // On the DSP path the portable kernel (four channels per SSUB8/SEL) runs in fewer instructions
      // than arm_max_pool_s8; `npm run bench` measures each choice (its kernel-choices table).
      ...(kind === 'max_pool_s8' ? { portableIsFaster: (_s: PoolStep, path: CmsisPath) => path === 'dsp' } : {}),
      scratch,
      emit(s, ctx, buf) {
        const n = s.op.name;
        const fn = `arm_${name}`;
        const params = ctx.constStruct('params', 'cmsis_nn_pool_params', designated({ stride: cmsisTile(s.stride), padding: cmsisTile(s.padding), activation: cmsisRange(s.activation) }), n);
        const i = cmsisDims(ctx, 'input_dims', s.inputDims, n);
        const f = cmsisDims(ctx, 'filter_dims', { n: 1, h: s.filter.h, w: s.filter.w, c: 1 }, n);
        const o = cmsisDims(ctx, 'output_dims', s.outputDims, n);
        const c = avg
          ? cmsisScratchLines(
              buf,
              CMSIS_PATHS.map((p) => scratch(s, p)),
              `${fn}_get_buffer_size(${s.outputDims.w}, ${s.inputDims.c})`,
            )
          : cmsisScratchLines(buf, [], null);
        const args = [`&${c.name}`, `&${params}`, `&${i}`, ptr(ctx.tensor(s.input, n)), `&${f}`, `&${o}`, ptr(ctx.tensor(s.output, n))];
        return { kernel: fn, lines: [...c.lines, `    status = (int32_t)${call(fn, args)};`, '}'] };
      },
    },
  };
}

export const meanStep: StepDef<MeanStep> = {
  requantizers: (s) => [{ name: 'requantization', multiplier: s.multiplier, shift: s.shift }],
  simulate: (s, env) => (s.kind === 'mean_s16' ? meanHwS16(s, s.inputDims, env.read(s.input) as Int16Array) : meanHwS8(s, s.inputDims, env.read(s.input) as Int8Array)),
  portable: {
    header: 'edgec_mean.h',
    files: ['edgec_mean.h', 'edgec_mean.c'],
    emit(s, ctx) {
      const n = s.op.name;
      const s16 = s.kind === 'mean_s16';
      const ptr = (p: string) => (s16 ? as('int16_t', p) : p);
      const fn = s16 ? 'edgec_mean_hw_s16' : 'edgec_mean_hw_s8';
      const args = [
        ptr(ctx.tensor(s.input, n)),
        `&${dims(ctx, 'input_dims', s.inputDims, n)}`,
        String(s.inputZeroPoint),
        String(s.outputZeroPoint),
        String(s.multiplier),
        String(s.shift),
        ptr(ctx.tensor(s.output, n)),
      ];
      return { kernel: fn, lines: [`status = ${call(fn, args)};`] };
    },
  },
};
