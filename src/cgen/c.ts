/**
 * A small typed C builder: every emitter (the portable and CMSIS-NN backends of generated models and
 * of conformance cases) writes C through these functions, so escaping lives in one place and structs
 * are filled by field name only (edgec_tile is {h, w}, cmsis_nn_tile {w, h}: position would lie).
 *
 *   struct('edgec_tile', { h: 1, w: 2 })   ->  { .h = 1, .w = 2 }      (field names type-checked)
 *   call('edgec_pad_s8', [a, b])            ->  edgec_pad_s8(a, b)
 *   comment(name)                           ->  a comment no name can close
 *   literal(-2147483648)                    ->  (-2147483647 - 1)
 */
import { safeText } from '../support/sanitize.ts';

export type CType = 'int8_t' | 'int16_t' | 'int32_t' | 'int64_t' | 'uint8_t' | 'uint16_t';

/** The C element type of an integer tensor. */
export function ctypeOf(dtype: 'int8' | 'int16' | 'int32' | 'int64'): CType {
  return `${dtype}_t`;
}

/** A value in an initializer: a number, a C expression, or a nested struct by field name. */
export type CInit = number | string | { readonly [field: string]: CInit };

/** A C literal for an integer of the given type (INT32_MIN and int64 need care). */
export function literal(v: number, ctype: CType = 'int32_t'): string {
  if (ctype === 'int64_t') return v < 0 ? `(-INT64_C(${-v}))` : `INT64_C(${v})`;
  if (v === -2147483648) return '(-2147483647 - 1)';
  return String(v);
}

function render(v: CInit): string {
  if (typeof v === 'number') return literal(v);
  if (typeof v === 'string') return v;
  return designated(v);
}

/** `{ .a = 1, .b = { .h = 2, .w = 3 } }`, fields in the order given. */
export function designated(fields: { readonly [field: string]: CInit }): string {
  return `{ ${Object.entries(fields)
    .map(([k, v]) => `.${k} = ${render(v)}`)
    .join(', ')} }`;
}

export function call(fn: string, args: readonly string[]): string {
  return `${fn}(${args.join(', ')})`;
}

/** A block comment holding text from anywhere (a layer name, say), sanitized, then the toolchain's own words. */
export function comment(text: string, own = ''): string {
  return `/* ${safeText(text)}${own} */`;
}

/** A string literal holding text from anywhere, sanitized (no quote, backslash or trigraph survives). */
export function stringLiteral(text: string): string {
  return `"${safeText(text)}"`;
}

/** The body of an array initializer, `perLine` values a line. */
export function arrayBody(data: ArrayLike<number>, ctype: CType, perLine = 16): string {
  const lines: string[] = [];
  for (let i = 0; i < data.length; i += perLine) {
    const row: string[] = [];
    for (let j = i; j < Math.min(i + perLine, data.length); j++) row.push(literal(data[j]!, ctype));
    lines.push(`    ${row.join(', ')}`);
  }
  return lines.join(',\n');
}

interface Tile {
  h: number;
  w: number;
}
interface Range {
  min: number;
  max: number;
}
interface Dims {
  n: number;
  h: number;
  w: number;
  c: number;
}

/**
 * The structs of the project's portable kernels and of CMSIS-NN that generated code initializes, by
 * field name; a misspelt or missing field is a type error here, not a silent slot shift in C.
 */
export interface CStructs {
  edgec_dims: Dims;
  edgec_tile: Tile;
  edgec_activation: Range;
  edgec_per_channel_quant: { multiplier: string; shift: string };
  edgec_per_tensor_quant: { multiplier: number; shift: number };
  edgec_conv_params: { input_offset: number; output_offset: number; stride: Tile; padding: Tile; dilation: Tile; activation: Range };
  edgec_dw_conv_params: { ch_mult: number; input_offset: number; output_offset: number; stride: Tile; padding: Tile; dilation: Tile; activation: Range };
  edgec_fc_params: { input_offset: number; filter_offset: number; output_offset: number; activation: Range };
  edgec_pool_params: { stride: Tile; padding: Tile; activation: Range };
  edgec_svdf_params: {
    rank: number;
    input_offset: number;
    output_offset: number;
    input_activation: Range;
    output_activation: Range;
    input_quant: { multiplier: number; shift: number };
    output_quant: { multiplier: number; shift: number };
    batches: number;
    input_size: number;
    features: number;
    time_steps: number;
  };
  cmsis_nn_dims: Dims;
  cmsis_nn_tile: { w: number; h: number };
  cmsis_nn_activation: Range;
}

export function struct<K extends keyof CStructs>(_type: K, value: CStructs[K]): string {
  return designated(value as unknown as { readonly [field: string]: CInit });
}
