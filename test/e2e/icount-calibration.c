/*
 * Counts a loop of known length with the board counter: 1,000,000 iterations of `subs; bne`
 * (2 instructions each). Writes the counter ticks to ticks.bin. Test program for edgec.
 */
#include <stdint.h>
#include "edgec_semihost.h"

int main(void)
{
    volatile uint32_t *counter = (volatile uint32_t *)EDGEC_COUNTER_ADDRESS;
    uint32_t n = 1000000u;
    const uint32_t start = *counter;
    __asm__ volatile("1: subs %0, %0, #1\n\tbne 1b" : "+r"(n) : : "cc");
    const uint32_t ticks = *counter - start;
    const int32_t fd = edgec_sh_open("ticks.bin", EDGEC_SH_MODE_WB);
    (void)edgec_sh_write(fd, &ticks, 4u);
    (void)edgec_sh_close(fd);
    return 0;
}
