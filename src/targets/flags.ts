/**
 * The C flags every toolchain build uses, and so the flags a generated folder is verified with (its
 * README lists them). -ffp-contract=off keeps the float conversions at the model's edge identical
 * across compilers (design.md §5); the integer path has no floating point.
 */
export const WARNING_CFLAGS = ['-std=c99', '-Wall', '-Wextra', '-Wconversion', '-Wsign-conversion', '-Werror'];

/** Host gcc (optimization level added per build: -O2 unless a test asks for another). */
export const HOST_CFLAGS = [...WARNING_CFLAGS, '-ffp-contract=off'];

/** arm-none-eabi-gcc, before the target's own flags (targets/<core>.json `cflags`). */
export const CORTEX_CFLAGS = [...WARNING_CFLAGS, '-O2', '-ffp-contract=off', '-ffreestanding', '-ffunction-sections', '-fdata-sections'];
