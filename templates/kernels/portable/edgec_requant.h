/*
 * edgec fixed-point requantization: the C twin of src/quantize/fixedpoint.ts. Nothing else in the
 * generated C rounds. Define EDGEC_SINGLE_ROUNDING to use TFLite's single-rounding mode; the default
 * is TFLite's double rounding, which every reference vector uses.
 *
 * Written for the edgec project (C99, no floating point, no undefined signed overflow).
 */
#ifndef EDGEC_REQUANT_H
#define EDGEC_REQUANT_H

#include <stdint.h>

/*
 * TFLite's SaturatingRoundingDoublingHighMul is (a * b + nudge) / 2^31 truncated toward zero, with
 * nudge = 2^30 for a non-negative product and 1 - 2^30 otherwise. For a negative product the
 * truncated quotient equals the floor of (a * b + 2^30) / 2^31, so both cases are one add and one
 * arithmetic shift: round half up. (The product is at most 2^62 in magnitude, so the add cannot
 * overflow.) The build fails if >> of a negative int64 is not arithmetic on this compiler.
 */
typedef char edgec_requires_arithmetic_shift[((INT64_C(-5) >> 1) == INT64_C(-3)) ? 1 : -1];

static inline int32_t edgec_srdhm_unsaturated(int32_t a, int32_t b)
{
    return (int32_t)(((int64_t)a * (int64_t)b + (INT64_C(1) << 30)) >> 31);
}

/* INT32_MIN * INT32_MIN is the one product whose doubled high half overflows: it saturates. */
static inline int32_t edgec_srdhm(int32_t a, int32_t b)
{
    if (a == INT32_MIN && b == INT32_MIN) {
        return INT32_MAX;
    }
    return edgec_srdhm_unsaturated(a, b);
}

/* x / 2^exponent rounded half away from zero, exponent in [0, 31]. */
static inline int32_t edgec_rdbpot(int32_t x, int32_t exponent)
{
    const int32_t mask = (int32_t)((UINT32_C(1) << exponent) - 1u);
    const int32_t remainder = x & mask;
    const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/* MultiplyByQuantizedMultiplier: x * multiplier * 2^(shift - 31), rounded. */
static inline int32_t edgec_requantize(int32_t x, int32_t multiplier, int32_t shift)
{
#if defined(EDGEC_SINGLE_ROUNDING)
    const int32_t total = 31 - shift;
    const int64_t round = INT64_C(1) << (total - 1);
    return (int32_t)(((int64_t)x * multiplier + round) >> total);
#else
    const int32_t left = shift > 0 ? shift : 0;
    const int32_t right = shift > 0 ? 0 : -shift;
    /* The left shift wraps like TFLite's int32 multiply; done unsigned to stay defined. */
    const int32_t scaled = (int32_t)((uint32_t)x << left);
    return edgec_rdbpot(edgec_srdhm(scaled, multiplier), right);
#endif
}

/*
 * edgec_requantize for x that can never be INT32_MIN (callers state why), with the shift split into
 * its left and right parts by the caller so loops hoist them: the same result without the
 * saturation test of edgec_srdhm.
 */
static inline int32_t edgec_requantize_bounded(int32_t x, int32_t multiplier, int32_t left, int32_t right)
{
#if defined(EDGEC_SINGLE_ROUNDING)
    return edgec_requantize(x, multiplier, left - right);
#else
    return edgec_rdbpot(edgec_srdhm_unsaturated((int32_t)((uint32_t)x << left), multiplier), right);
#endif
}

/* The int16x8 path: 64-bit accumulator, 16-bit reduced multiplier. */
static inline int32_t edgec_reduce_multiplier(int32_t multiplier)
{
    return multiplier < 0x7FFF0000 ? ((multiplier + (1 << 15)) >> 16) : 0x7FFF;
}

static inline int32_t edgec_requantize_s64(int64_t x, int32_t multiplier, int32_t shift)
{
    const int32_t reduced = edgec_reduce_multiplier(multiplier);
    const int32_t total = 15 - shift;
    const int64_t round = INT64_C(1) << (total - 1);
    return (int32_t)((x * reduced + round) >> total);
}

static inline int32_t edgec_clamp(int32_t x, int32_t lo, int32_t hi)
{
    return x < lo ? lo : (x > hi ? hi : x);
}

/*
 * The output stage of an int8 kernel: requantize with the channel's multiplier and shift, add the output
 * zero point, clamp to the activation range. A kernel copies it into a local (never its address taken
 * beyond inlined calls), so its int8 output stores, which may alias anything, do not force reloads.
 */
typedef struct {
    const int32_t *multiplier;
    const int32_t *shift;
    int32_t offset;
    int32_t min;
    int32_t max;
} edgec_output_stage;

static inline int8_t edgec_output_s8(const edgec_output_stage *o, int32_t c, int32_t acc)
{
    const int32_t v = edgec_requantize(acc, o->multiplier[c], o->shift[c]) + o->offset;
    return (int8_t)edgec_clamp(v, o->min, o->max);
}

#endif /* EDGEC_REQUANT_H */
