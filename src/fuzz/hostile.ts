/**
 * Hostile values shared by the .tflite and model.json mutators: names that try to break out of C
 * comments, string literals, preprocessor lines, Makefiles and shells, and numbers at the edges of
 * every integer and float type.
 */

export const HOSTILE_NAMES: readonly string[] = [
  '*/ int edgec_pwned = 1; /*',
  'a\nb',
  'line\r\n#include "/etc/passwd"\n',
  '#include <stdio.h>',
  '$(shell echo pwned)',
  '`echo pwned`',
  '"; int x = 1; //',
  "it's",
  'back\\slash\\',
  'trailing backslash \\',
  '??/ trigraph',
  '%s%n%x',
  '{{prefix}}{{#each io}}',
  'héllo_wörld',
  '名前',
  '\u202egnp.exe',
  'nul\u0000byte',
  '',
  ' ',
  'int',
  'main',
  '0starts_with_digit',
  '../../escape',
  'A'.repeat(10_000),
];

/**
 * Names tfjs itself accepts (/^[A-Za-z0-9][-A-Za-z0-9._/]*$/) but that are awkward in C: keywords,
 * a leading digit, names that differ only in case or punctuation (the same C identifier), very long.
 */
export const TFJS_VALID_NAMES: readonly string[] = [
  'int',
  'main',
  'static',
  '0conv',
  'a.b',
  'a-b',
  'a_b',
  'CONV1',
  'Conv1',
  'conv1.',
  'x/y/z',
  'har',
  'har_input',
  'arena',
  'edgec_arena',
  'x'.repeat(10_000),
];

/** Interesting signed 32-bit values (counts, indices, sizes, strides). */
export const HOSTILE_I32: readonly number[] = [0, -1, -2, 1, 2, 3, 7, 127, 128, 255, 256, 32767, 32768, 65535, 65536, 1 << 20, 1 << 24, 0x3fffffff, 0x7fffffff, -0x80000000];

/** Interesting float32 values for scales, betas, clips. */
export const HOSTILE_F32: readonly number[] = [0, -0, -1, -0.5, NaN, Infinity, -Infinity, 1e-45, 1.17549435e-38, 1e-30, 1e30, 3.4028234663852886e38, 1, 2 ** 31, 2 ** -31];

/** Interesting zero points (int64 in the .tflite schema): valid extremes, then out of every range. */
export const HOSTILE_ZERO_POINTS: readonly number[] = [-128, 127, -32768, 32767, -129, 128, 255, 256, -32769, 32768, 1 << 20, -(2 ** 31), 2 ** 31, 2 ** 40, -(2 ** 53)];

/** A label for descriptions: long and control-character strings shortened and escaped. */
export function describeString(s: string): string {
  const shown = s.length > 24 ? `${s.slice(0, 12)}...(${s.length} chars)` : s;
  return JSON.stringify(shown);
}

/** A number for descriptions (NaN, Infinity and -0 spelled out). */
export function describeNumber(x: number): string {
  return Object.is(x, -0) ? '-0' : String(x);
}
