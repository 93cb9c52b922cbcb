/*
 * Host harness for batched conformance programs. Record layout on stdout, little-endian:
 *   u32 magic 0x45444743 ("EDGC"), u32 index, i32 status, u32 nbytes, nbytes of output.
 */
#include <stdio.h>
#include <stdint.h>
#include "edgec_case_io.h"

static void put_u32(uint32_t v)
{
    unsigned char b[4];
    b[0] = (unsigned char)(v & 0xFFu);
    b[1] = (unsigned char)((v >> 8) & 0xFFu);
    b[2] = (unsigned char)((v >> 16) & 0xFFu);
    b[3] = (unsigned char)((v >> 24) & 0xFFu);
    fwrite(b, 1, 4, stdout);
}

void edgec_case_output(uint32_t index, int32_t status, const void *data, uint32_t nbytes)
{
    put_u32(0x45444743u);
    put_u32(index);
    put_u32((uint32_t)status);
    put_u32(nbytes);
    fwrite(data, 1, nbytes, stdout);
}

int main(void)
{
    edgec_run_cases();
    return fflush(stdout) == 0 ? 0 : 1;
}
