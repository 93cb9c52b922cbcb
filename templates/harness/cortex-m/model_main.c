/*
 * Cortex-M harness for a generated model, run in QEMU with semihosting. In the working directory:
 *   in.bin       K quantized inputs back to back (read)
 *   out.bin      K outputs (written)
 *   dump.bin     with EDGEC_DEBUG_DUMP: every layer's output, records as on the host
 *   profile.bin  with EDGEC_PROFILE: per input, the counter ticks of every step then of the whole
 *                invoke (u32 each), and at the end the stack bytes used (u32)
 * Exit code 0 on success; 0x7F on a fault (fault registers printed first).
 */
#include <stdint.h>
#include "edgec_model_glue.h"
#include "edgec_semihost.h"

uint32_t edgec_stack_unused(void);
uint32_t edgec_stack_size(void);

static int32_t dump_fd = -1;
static uint32_t current_input;

#if defined(EDGEC_PROFILE)
#define EDGEC_COUNTER (*(volatile uint32_t *)EDGEC_COUNTER_ADDRESS)
static uint32_t last_tick;
static uint32_t step_ticks[EDGEC_MAX_STEPS + 1];
static uint32_t steps_seen;

void edgec_profile_step(int32_t step)
{
    const uint32_t now = EDGEC_COUNTER;
    if (step >= 0 && step < EDGEC_MAX_STEPS) {
        step_ticks[step] = now - last_tick;
        steps_seen = (uint32_t)step + 1u;
    }
    last_tick = EDGEC_COUNTER;
}
#endif

static inline void write_u32(int32_t fd, uint32_t v)
{
    (void)edgec_sh_write(fd, &v, 4u);
}

#if defined(EDGEC_DEBUG_DUMP)
void edgec_debug_tensor(int32_t step, const char *layer, const void *data, uint32_t nbytes)
{
    (void)layer;
    if (dump_fd >= 0) {
        write_u32(dump_fd, current_input);
        write_u32(dump_fd, (uint32_t)step);
        write_u32(dump_fd, nbytes);
        (void)edgec_sh_write(dump_fd, data, nbytes);
    }
}
#endif

int main(void)
{
    const int32_t in_fd = edgec_sh_open("in.bin", EDGEC_SH_MODE_RB);
    const int32_t out_fd = edgec_sh_open("out.bin", EDGEC_SH_MODE_WB);
    if (in_fd < 0 || out_fd < 0) {
        edgec_sh_puts("edgec: cannot open in.bin or out.bin\n");
        return 2;
    }
#if defined(EDGEC_DEBUG_DUMP)
    dump_fd = edgec_sh_open("dump.bin", EDGEC_SH_MODE_WB);
#endif
#if defined(EDGEC_PROFILE)
    const int32_t prof_fd = edgec_sh_open("profile.bin", EDGEC_SH_MODE_WB);
#endif
#if defined(EDGEC_WEIGHTS_BLOB_BYTES)
    {
        /* A weights-blob folder: the toolchain copies weights.bin beside the build. */
        const int32_t w_fd = edgec_sh_open("../weights.bin", EDGEC_SH_MODE_RB);
        if (w_fd < 0 || edgec_sh_read(w_fd, edgec_harness_weights, EDGEC_WEIGHTS_BLOB_BYTES) != 0) {
            edgec_sh_puts("edgec: cannot read weights.bin\n");
            return 2;
        }
        (void)edgec_sh_close(w_fd);
    }
#endif
    if (EDGEC_INIT() != 0) {
        edgec_sh_puts("edgec: init failed\n");
        return 3;
    }
    const int32_t total = edgec_sh_flen(in_fd);
    for (int32_t done = 0; done + EDGEC_INPUT_BYTES <= total; done += EDGEC_INPUT_BYTES) {
        /* One sample: every input's bytes back to back, straight into the model's input buffers. */
        for (int k = 0; k < EDGEC_NUM_INPUTS; k++) {
            if (edgec_sh_read(in_fd, edgec_input_ptr(k), edgec_input_bytes[k]) != 0) {
                edgec_sh_puts("edgec: short read\n");
                return 4;
            }
        }
#if defined(EDGEC_RESET_EACH_INPUT)
        EDGEC_RESET(); /* every input from reset state (default: inputs continue one stream) */
#endif
#if defined(EDGEC_PROFILE)
        steps_seen = 0u;
        const uint32_t start = EDGEC_COUNTER;
        last_tick = start;
#endif
        const int status = EDGEC_INVOKE();
#if defined(EDGEC_PROFILE)
        const uint32_t whole = EDGEC_COUNTER - start;
        for (uint32_t s = 0; s < steps_seen; s++) {
            write_u32(prof_fd, step_ticks[s]);
        }
        write_u32(prof_fd, whole);
#endif
        if (status != 0) {
            edgec_sh_puts("edgec: invoke failed\n");
            return 5;
        }
        for (int k = 0; k < EDGEC_NUM_OUTPUTS; k++) {
            (void)edgec_sh_write(out_fd, edgec_output_ptr(k), edgec_output_bytes[k]);
        }
        current_input++;
    }
#if defined(EDGEC_PROFILE)
    write_u32(prof_fd, edgec_stack_size() - edgec_stack_unused());
    (void)edgec_sh_close(prof_fd);
#endif
    if (dump_fd >= 0) {
        (void)edgec_sh_close(dump_fd);
    }
    (void)edgec_sh_close(in_fd);
    (void)edgec_sh_close(out_fd);
    return 0;
}
