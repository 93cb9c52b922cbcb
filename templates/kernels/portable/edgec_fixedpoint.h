/*
 * Fixed-point math of the TFLite int8 softmax / logistic / tanh kernels (Q-format int32 raws; a
 * product of Qa and Qb raws is edgec_srdhm and has a + b integer bits). Twin of the helpers in
 * src/kernels/softmax.ts.
 */
#ifndef EDGEC_FIXEDPOINT_H
#define EDGEC_FIXEDPOINT_H

#include <stdint.h>
#include "edgec_requant.h"

/* Saturating x * 2^exponent (exponent > 0) or rounding division (exponent < 0). */
static inline int32_t edgec_mul_pot_sat(int32_t x, int32_t exponent)
{
    if (exponent < 0) {
        return edgec_rdbpot(x, -exponent);
    }
    const int32_t threshold = (int32_t)((UINT32_C(1) << (31 - exponent)) - 1u);
    if (x > threshold) {
        return INT32_MAX;
    }
    if (x < -threshold) {
        return INT32_MIN;
    }
    return (int32_t)((uint32_t)x << exponent);
}

/* exp(a) for a <= 0 in Q(integer_bits).(31 - integer_bits), result in Q0.31; integer_bits <= 5. */
static inline int32_t edgec_exp_on_negative_values(int32_t integer_bits, int32_t a)
{
    const int32_t fractional_bits = 31 - integer_bits;
    static const int32_t barrel[7] = { 1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242 };
    const int32_t one_quarter = 1 << (fractional_bits - 2);
    const int32_t a_mod_quarter_minus_quarter = (a & (one_quarter - 1)) - one_quarter;
    const int32_t remainder = (int32_t)((uint32_t)a_mod_quarter_minus_quarter - (uint32_t)a);
    /* Taylor series of exp around -1/8 on [-1/4, 0). */
    const int32_t x = (int32_t)((uint32_t)edgec_mul_pot_sat(a_mod_quarter_minus_quarter, integer_bits) + (UINT32_C(1) << 28));
    const int32_t x2 = edgec_srdhm(x, x);
    const int32_t x3 = edgec_srdhm(x2, x);
    const int32_t x4 = edgec_srdhm(x2, x2);
    const int32_t x4_over_4 = edgec_rdbpot(x4, 2);
    const int32_t poly = edgec_rdbpot(edgec_srdhm(x4_over_4 + x3, 715827883) + x2, 1);
    int32_t result = 1895147668 + edgec_srdhm(1895147668, x + poly);
    /* Barrel multiplier k applies exp(-2^(k-2)); only exponents below integer_bits can occur. */
    for (int32_t k = 0; k < 7 && k - 2 < integer_bits; k++) {
        if ((remainder & (1 << (fractional_bits - 2 + k))) != 0) {
            result = edgec_srdhm(result, barrel[k]);
        }
    }
    return a == 0 ? INT32_MAX : result;
}

/* 1 / (2 * half_denominator) in Q2.29 by three Newton-Raphson steps from 48/17 - 32/17 * d. */
static inline int32_t edgec_newton_reciprocal_q2(int32_t half_denominator)
{
    int32_t x = 1515870810 + edgec_srdhm(half_denominator, -1010580540);
    for (int32_t i = 0; i < 3; i++) {
        const int32_t one_minus = (1 << 29) - edgec_srdhm(half_denominator, x);
        x += edgec_mul_pot_sat(edgec_srdhm(x, one_minus), 2);
    }
    return x;
}

/* (1 + a) / 2 in Q0.31, rounded away from zero. */
static inline int32_t edgec_half_one_plus(int32_t a)
{
    const int64_t sum = (int64_t)a + INT32_MAX;
    return (int32_t)((sum + (sum >= 0 ? 1 : -1)) / 2);
}

/* 1 / (1 + x) for x in [0, 1) in Q0.31. */
static inline int32_t edgec_one_over_one_plus_x(int32_t a)
{
    return edgec_mul_pot_sat(edgec_newton_reciprocal_q2(edgec_half_one_plus(a)), 1);
}

/* (1 - x) / (1 + x) for x in [0, 1) in Q0.31: 2/(1+x) - 1. */
static inline int32_t edgec_one_minus_x_over_one_plus_x(int32_t a)
{
    return edgec_mul_pot_sat(edgec_newton_reciprocal_q2(edgec_half_one_plus(a)) - (1 << 29), 2);
}

static inline int32_t edgec_clz32(uint32_t x)
{
    int32_t n = 0;
    if (x == 0u) {
        return 32;
    }
    while ((x & UINT32_C(0x80000000)) == 0u) {
        x <<= 1;
        n++;
    }
    return n;
}


#endif /* EDGEC_FIXEDPOINT_H */
