/*
 * Test oracle: reads "kind zp radius multiplier shift" lines (kind 0 logistic, 1 tanh) and prints the
 * C kernel's outputs for the 256 int8 inputs -128..127 on one line. Host test code for edgec.
 */
#include <stdio.h>
#include "edgec_activations.h"

int main(void)
{
    int kind;
    long zp, radius, mult, shift;
    int8_t in[256];
    int8_t out[256];
    for (int i = 0; i < 256; i++) {
        in[i] = (int8_t)(i - 128);
    }
    while (scanf("%d %ld %ld %ld %ld", &kind, &zp, &radius, &mult, &shift) == 5) {
        const edgec_lut_activation_params p = { (int32_t)zp, (int32_t)radius, (int32_t)mult, (int32_t)shift };
        if (kind == 0) {
            edgec_logistic_s8(&p, in, out, 256);
        } else {
            edgec_tanh_s8(&p, in, out, 256);
        }
        for (int i = 0; i < 256; i++) {
            printf(i ? " %d" : "%d", out[i]);
        }
        printf("\n");
    }
    return 0;
}
