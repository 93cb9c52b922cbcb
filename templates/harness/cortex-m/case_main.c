/*
 * Cortex-M harness for batched conformance programs: records as on the host (see
 * harness/host/case_main.c), written to cases.bin through semihosting.
 */
#include <stdint.h>
#include "edgec_case_io.h"
#include "edgec_semihost.h"

static int32_t out_fd = -1;

static void write_u32(uint32_t v)
{
    (void)edgec_sh_write(out_fd, &v, 4u);
}

void edgec_case_output(uint32_t index, int32_t status, const void *data, uint32_t nbytes)
{
    write_u32(0x45444743u);
    write_u32(index);
    write_u32((uint32_t)status);
    write_u32(nbytes);
    (void)edgec_sh_write(out_fd, data, nbytes);
}

int main(void)
{
    out_fd = edgec_sh_open("cases.bin", EDGEC_SH_MODE_WB);
    if (out_fd < 0) {
        return 2;
    }
    edgec_run_cases();
    (void)edgec_sh_close(out_fd);
    return 0;
}
