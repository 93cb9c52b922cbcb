/**
 * Argument types shared by the TS reference kernels. Field meanings match the C kernels in
 * templates/kernels/portable/edgec_types.h and the CMSIS-NN argument of the same name:
 * NHWC activations, input_offset = -input_zero_point, output_offset = +output_zero_point.
 */

export interface Dims {
  n: number;
  h: number;
  w: number;
  c: number;
}

export interface Tile {
  h: number;
  w: number;
}

export interface ActivationRange {
  min: number;
  max: number;
}

export interface PerChannelQuant {
  multiplier: Int32Array | readonly number[];
  shift: Int32Array | readonly number[];
}

export interface PerTensorQuant {
  multiplier: number;
  shift: number;
}
