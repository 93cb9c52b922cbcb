/**
 * Scratch-buffer sizes of CMSIS-NN kernels, computed at compile time so the planner can place the
 * scratch inside the arena. CMSIS-NN picks its code path when it is compiled (plain C, DSP for
 * Cortex-M4/M7/M33, MVE for Cortex-M55), and each path asks for a different size; these functions
 * answer what the library compiled for that path returns from its `*_get_buffer_size` functions.
 * Generated debug builds check the answer against the library at run time.
 */
import type { Dims, Tile } from '../../kernels/types.ts';

import type { CmsisPath } from '../contract.ts';

export type { CmsisPath };

export interface ConvGeometry {
  stride: Tile;
  padding: Tile;
  dilation: Tile;
  inputDims: Dims;
  filterDims: Dims; // conv: n = C_OUT, c = C_IN; depthwise: c = C_OUT
  outputDims: Dims;
}

/** Which kernel the conv wrapper dispatches to (the sizes and the instruction counts depend on it). */
export type ConvKernel = '1x1_fast' | '1x1' | '1_x_n' | 'generic';

export function convWrapperKernel(g: ConvGeometry): ConvKernel {
  const { padding: p, dilation: d, stride: s, inputDims: i, filterDims: f } = g;
  const is1x1 = p.w === 0 && p.h === 0 && f.w === 1 && f.h === 1 && d.w === 1 && d.h === 1 && i.c === f.c;
  if (is1x1) return s.w === 1 && s.h === 1 ? '1x1_fast' : '1x1';
  const is1xN = i.h === 1 && d.w === 1 && f.h === 1 && (s.w * i.c) % 4 === 0 && i.c === f.c;
  return is1xN ? '1_x_n' : 'generic';
}

/** `arm_convolve_s8_get_buffer_size`: the im2col buffer of the generic kernel. */
export function convS8GenericBufferSize(path: CmsisPath, i: Dims, f: Dims): number {
  const cols = i.c * f.w * f.h;
  // MVE: four im2col rows padded to whole 16-byte vectors; others: two int16 rows padded to 4.
  if (path === 'mve') return 4 * Math.ceil(cols / 16) * 16;
  return 2 * (cols % 4 !== 0 ? cols + 4 - (cols % 4) : cols) * 2;
}

/**
 * CMSIS-NN's MVE 1xN kernel builds the last output column's window from (K_w - 1) input columns and
 * one column of padding. With two or more padded columns on the right (SAME padding with an odd
 * total and pad_x >= 1) it reads past the end of the input, so its bytes depend on whatever follows
 * the input in memory (found by `edgec verify` on cortex-m55). The backend calls the generic kernel
 * for those convolutions instead.
 */
export function mve1xNReadsPastInput(g: ConvGeometry): boolean {
  if (convWrapperKernel(g) !== '1_x_n') return false;
  const totalPad = (g.outputDims.w - 1) * g.stride.w + g.filterDims.w - g.inputDims.w;
  return totalPad - g.padding.w >= 2;
}

/**
 * CMSIS-NN's MVE 1xN kernel takes only TFLite's SAME-shaped padding (total = 2 * pad_x + total % 2)
 * and returns ARM_CMSIS_NN_FAILURE for any other, e.g. the one-sided padding of a streaming folder's
 * sub-window calls (src/lower/stream-plan.ts): the backend calls the generic kernel for those.
 */
export function mve1xNRefusesPadding(g: ConvGeometry): boolean {
  if (convWrapperKernel(g) !== '1_x_n') return false;
  const totalPad = (g.outputDims.w - 1) * g.stride.w + g.filterDims.w - g.inputDims.w;
  return g.padding.w * 2 + (totalPad % 2) !== totalPad;
}

function conv1xNS8Mve(g: ConvGeometry): number {
  const inX = g.inputDims.w;
  const padX = g.padding.w;
  const kX = g.filterDims.w;
  const outX = g.outputDims.w;
  const sX = g.stride.w;
  const asym = ((outX - 1) * sX + kX - inX) % 2;
  const rightPad = padX + asym !== 0 ? Math.max(1, Math.trunc((padX + asym + sX - 1) / sX)) : 0;
  const leftPad = padX !== 0 ? Math.max(1, Math.trunc((padX + sX - 1) / sX)) : 0;
  const noPad = Math.max(outX - (rightPad + leftPad), 0);
  if (rightPad + noPad + leftPad !== outX) return convS8GenericBufferSize('mve', g.inputDims, g.filterDims);
  const c = g.inputDims.c;
  const padLeft = padX * c;
  const padRight = asym ? rightPad * c : padLeft;
  const left = kX * c;
  return Math.max(left + padLeft, left - c + padRight);
}

/** `arm_convolve_wrapper_s8_get_buffer_size` as compiled for `path`. */
export function convS8BufferSize(path: CmsisPath, g: ConvGeometry): number {
  switch (convWrapperKernel(g)) {
    case '1x1_fast':
    case '1x1':
      return 0; // the DSP 1x1 fast kernel only needs a buffer when built with Arm Compiler 6
    case '1_x_n':
      return path === 'mve' ? conv1xNS8Mve(g) : convS8GenericBufferSize(path, g.inputDims, g.filterDims);
    case 'generic':
      return convS8GenericBufferSize(path, g.inputDims, g.filterDims);
  }
}

/** `arm_convolve_wrapper_s16_get_buffer_size`. */
export function convS16BufferSize(path: CmsisPath, g: ConvGeometry): number {
  const cols = g.inputDims.c * g.filterDims.w * g.filterDims.h;
  return path === 'mve' ? 4 * Math.ceil(cols / 8) * 8 * 2 : 2 * cols * 2;
}

/** `arm_convolve_wrapper_s4_get_buffer_size`. */
export function convS4BufferSize(path: CmsisPath, g: ConvGeometry): number {
  const kind = convWrapperKernel(g);
  if (kind === '1x1_fast' || kind === '1x1') return 0;
  const cols = g.filterDims.w * g.filterDims.h * g.inputDims.c;
  const generic = path === 'mve' ? 4 * Math.ceil(cols / 16) * 16 : 2 * cols * 2;
  if (path !== 'mve' || kind === 'generic') return generic;
  // MVE 1xN: a buffer only when the padded columns do not split into left/middle/right runs.
  const inX = g.inputDims.w;
  const padX = g.padding.w;
  const sX = g.stride.w;
  const outX = g.outputDims.w;
  const asym = ((outX - 1) * sX + g.filterDims.w - inX) % 2;
  const rightPad = padX + asym !== 0 ? Math.max(1, Math.trunc((padX + asym + sX - 1) / sX)) : 0;
  const leftPad = padX !== 0 ? Math.max(1, Math.trunc((padX + sX - 1) / sX)) : 0;
  const noPad = Math.max(outX - (rightPad + leftPad), 0);
  return rightPad + noPad + leftPad !== outX ? generic : 0;
}

/** Channel block of the MVE depthwise kernel, and the output-channel count above which a depthwise
 * conv with one input channel runs as a regular conv on MVE (value for GCC builds). */
const CH_IN_BLOCK_MVE = 124;
const DW_ONE_IN_CH_AS_CONV_ABOVE = 1;

function dwOptS8(path: CmsisPath, i: Dims, f: Dims): number {
  if (path === 'mve') return 4 * CH_IN_BLOCK_MVE * f.w * f.h;
  if (path === 'dsp') return i.c * f.w * f.h * 2;
  return 0;
}

/** `arm_depthwise_conv_wrapper_s8_get_buffer_size` as compiled for `path`. */
export function depthwiseS8BufferSize(path: CmsisPath, g: ConvGeometry): number {
  const { inputDims: i, filterDims: f, outputDims: o } = g;
  if (path === 'mve' && i.c === 1 && o.c > DW_ONE_IN_CH_AS_CONV_ABOVE) {
    const asConv: ConvGeometry = { ...g, filterDims: { n: f.c, h: f.h, w: f.w, c: f.n } };
    return convS8BufferSize('mve', asConv) + f.c * f.h * f.w * f.n;
  }
  if (i.c === o.c && i.n === 1 && g.dilation.w === 1 && g.dilation.h === 1) {
    if (path !== 'mve' && f.w === 3 && f.h === 3 && g.padding.h <= 1 && g.padding.w <= 1) return 0;
    return dwOptS8(path, i, f);
  }
  return 0;
}

/** Which kernel the depthwise wrapper dispatches to on a path ('to_conv': MVE, one input channel). */
export type DepthwiseKernel = 'to_conv' | '3x3' | 'opt' | 'generic';

export function depthwiseWrapperKernel(path: CmsisPath, g: ConvGeometry, chMult: number): DepthwiseKernel {
  const { inputDims: i, filterDims: f, outputDims: o } = g;
  if (path === 'mve' && i.c === 1 && o.c > DW_ONE_IN_CH_AS_CONV_ABOVE) return 'to_conv';
  if (chMult === 1 && i.n === 1 && g.dilation.w === 1 && g.dilation.h === 1) {
    if (path !== 'mve' && f.w === 3 && f.h === 3 && g.padding.h <= 1 && g.padding.w <= 1) return '3x3';
    return 'opt';
  }
  return 'generic';
}

/** `arm_depthwise_conv_s8_opt_get_buffer_size` as compiled for `path`. */
export function depthwiseOptS8BufferSize(path: CmsisPath, g: ConvGeometry): number {
  return dwOptS8(path, g.inputDims, g.filterDims);
}

/** `arm_depthwise_conv_wrapper_s4_get_buffer_size`. */
export function depthwiseS4BufferSize(path: CmsisPath, g: ConvGeometry): number {
  const { inputDims: i, filterDims: f, outputDims: o } = g;
  if (i.c === o.c && i.n === 1 && g.dilation.w === 1 && g.dilation.h === 1) {
    return path === 'mve' ? 4 * CH_IN_BLOCK_MVE * f.w * f.h : i.c * f.w * f.h * 2;
  }
  return 0;
}

/** `arm_depthwise_conv_wrapper_s16_get_buffer_size`. */
export function depthwiseS16BufferSize(path: CmsisPath, g: ConvGeometry, chMult: number): number {
  const f = g.filterDims;
  const fast = chMult === 1 && g.dilation.w === 1 && g.dilation.h === 1 && f.w * f.h < 512;
  if (!fast || path === 'plain') return 0;
  const n = g.inputDims.c * f.w * f.h * 2;
  return path === 'mve' ? 4 * n + 8 : n;
}

/** `arm_fully_connected_s8_get_buffer_size`: MVE wants the per-row kernel sums (int32). */
export function fullyConnectedS8BufferSize(path: CmsisPath, outputDepth: number): number {
  return path === 'mve' ? outputDepth * 4 : 0;
}

/** `arm_avgpool_s8_get_buffer_size` / `_s16`: DSP accumulates one int32 per channel. */
export function avgPoolBufferSize(path: CmsisPath, channels: number): number {
  return path === 'dsp' ? channels * 4 : 0;
}

/** `arm_svdf_s8_get_buffer_size`: MVE wants the per-row kernel sums of the feature weights. */
export function svdfS8BufferSize(path: CmsisPath, featureRows: number): number {
  return path === 'mve' ? featureRows * 4 : 0;
}

const REVERSE_TCOL_EFFICIENT_THRESHOLD = 16;

/** `arm_transpose_conv_s8_get_buffer_size`, and the reverse-conv weight buffer size beside it. */
export function transposeConvS8BufferSizes(path: CmsisPath, stride: Tile, i: Dims, f: Dims, o: Dims): { buffer: number; reverseConv: number } {
  const reverse = stride.w <= 2 && stride.h <= 2 && i.c > REVERSE_TCOL_EFFICIENT_THRESHOLD;
  if (reverse) {
    const upsampled: Dims = { n: i.n, h: i.h * stride.h, w: i.w * stride.w, c: i.c };
    return { buffer: convS8GenericBufferSize(path, upsampled, f), reverseConv: i.c * f.w * f.h * f.n };
  }
  // The column buffer: (W_in - 1) * stride + max(K_w, stride_h) columns (CMSIS-NN uses stride.h here).
  const bufX = ((i.w - 1) * stride.w + Math.max(f.w, stride.h)) * o.c;
  return { buffer: bufX * Math.max(f.h, stride.h) * 4, reverseConv: 0 };
}
