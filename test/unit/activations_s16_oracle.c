/*
 * Test oracle: reads lines "type left_shift" (type 0 sigmoid, 1 tanh) and prints the C kernel's
 * outputs for all 65536 int16 inputs -32768..32767 on one line. The sigmoid table comes first on
 * stdin (256 numbers), as the compiler would emit it. Host test code for edgec.
 */
#include <stdio.h>
#include "edgec_activations_s16.h"

static int16_t in[65536];
static int16_t out[65536];

int main(void)
{
    uint16_t table[256];
    for (int i = 0; i < 256; i++) {
        unsigned v;
        if (scanf("%u", &v) != 1) {
            return 1;
        }
        table[i] = (uint16_t)v;
    }
    for (int i = 0; i < 65536; i++) {
        in[i] = (int16_t)(i - 32768);
    }
    int type;
    int shift;
    while (scanf("%d %d", &type, &shift) == 2) {
        edgec_activation_s16(in, out, 65536, shift, type ? EDGEC_LSTM_TANH : EDGEC_LSTM_SIGMOID, table);
        for (int i = 0; i < 65536; i++) {
            printf(i ? " %d" : "%d", out[i]);
        }
        printf("\n");
    }
    return 0;
}
