/*
 * Test oracle for src/quantize/fixedpoint.ts: reads lines "op a b c" from stdin and prints one
 * integer per line, computed by the C twin (edgec_requant.h) or, for quantize_multiplier, with the
 * C library's frexp and round (round half away from zero), as TFLite's QuantizeMultiplier does.
 * Host-only test code: floating point is fine here.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "edgec_requant.h"

int main(void)
{
    char op[32];
    double a, b, c;
    while (scanf("%31s %lf %lf %lf", op, &a, &b, &c) == 4) {
        if (strcmp(op, "srdhm") == 0) {
            printf("%ld\n", (long)edgec_srdhm((int32_t)a, (int32_t)b));
        } else if (strcmp(op, "rdbpot") == 0) {
            printf("%ld\n", (long)edgec_rdbpot((int32_t)a, (int32_t)b));
        } else if (strcmp(op, "mbqm") == 0) {
            printf("%ld\n", (long)edgec_requantize((int32_t)a, (int32_t)b, (int32_t)c));
        } else if (strcmp(op, "mbqm64") == 0) {
            printf("%ld\n", (long)edgec_requantize_s64((int64_t)a, (int32_t)b, (int32_t)c));
        } else if (strcmp(op, "qm") == 0) {
            int shift = 0;
            long long q = 0;
            if (a != 0.0) {
                const double m = frexp(a, &shift);
                q = (long long)round(m * 2147483648.0);
                if (q == 2147483648LL) {
                    q /= 2;
                    shift++;
                }
                if (shift < -31) {
                    shift = 0;
                    q = 0;
                }
            }
            printf("%lld %d\n", q, shift);
        } else {
            return 2;
        }
    }
    return 0;
}
