/*
 * Host harness for a generated model: `prog IN.bin OUT.bin [DUMP.bin]`.
 * IN holds K quantized inputs back to back; each runs from a fresh invoke and its output bytes are
 * appended to OUT. Built with -DEDGEC_DEBUG_DUMP, every layer's output is appended to DUMP as
 * records: u32 input index, u32 step, u32 nbytes, bytes (little-endian).
 */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include "edgec_model_glue.h"

static FILE *dump_file;
static uint32_t current_input;

#if defined(EDGEC_DEBUG_DUMP)
static void put_u32(FILE *f, uint32_t v)
{
    unsigned char b[4];
    b[0] = (unsigned char)(v & 0xFFu);
    b[1] = (unsigned char)((v >> 8) & 0xFFu);
    b[2] = (unsigned char)((v >> 16) & 0xFFu);
    b[3] = (unsigned char)((v >> 24) & 0xFFu);
    fwrite(b, 1, 4, f);
}

void edgec_debug_tensor(int32_t step, const char *layer, const void *data, uint32_t nbytes)
{
    (void)layer;
    if (dump_file != NULL) {
        put_u32(dump_file, current_input);
        put_u32(dump_file, (uint32_t)step);
        put_u32(dump_file, nbytes);
        fwrite(data, 1, nbytes, dump_file);
    }
}
#endif

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s IN.bin OUT.bin [DUMP.bin]\n", argv[0]);
        return 2;
    }
    FILE *in = fopen(argv[1], "rb");
    FILE *out = fopen(argv[2], "wb");
    if (in == NULL || out == NULL) {
        fprintf(stderr, "cannot open %s or %s\n", argv[1], argv[2]);
        return 2;
    }
    if (argc > 3) {
        dump_file = fopen(argv[3], "wb");
    }
#if defined(EDGEC_WEIGHTS_BLOB_BYTES)
    {
        /* A weights-blob folder: the blob's path comes from the toolchain (EDGEC_WEIGHTS). */
        const char *path = getenv("EDGEC_WEIGHTS");
        FILE *w = path != NULL ? fopen(path, "rb") : NULL;
        if (w == NULL || fread(edgec_harness_weights, 1, EDGEC_WEIGHTS_BLOB_BYTES, w) != EDGEC_WEIGHTS_BLOB_BYTES) {
            fprintf(stderr, "cannot read the weights blob named by EDGEC_WEIGHTS\n");
            return 2;
        }
        fclose(w);
    }
#endif
    if (EDGEC_INIT() != 0) {
        fprintf(stderr, "init failed\n");
        return 3;
    }
    for (;;) {
        /* One sample: every input's bytes back to back, straight into the model's input buffers. */
        int complete = 1;
        for (int k = 0; k < EDGEC_NUM_INPUTS && complete; k++) {
            complete = fread(edgec_input_ptr(k), 1, edgec_input_bytes[k], in) == edgec_input_bytes[k];
        }
        if (!complete) {
            break;
        }
#if defined(EDGEC_RESET_EACH_INPUT)
        EDGEC_RESET(); /* every input from reset state (default: inputs continue one stream) */
#endif
        const int status = EDGEC_INVOKE();
        if (status != 0) {
            fprintf(stderr, "invoke failed on input %lu with status %d\n", (unsigned long)current_input, status);
            return 4;
        }
        for (int k = 0; k < EDGEC_NUM_OUTPUTS; k++) {
            fwrite(edgec_output_ptr(k), 1, edgec_output_bytes[k], out);
        }
        current_input++;
    }
    fclose(in);
    if (dump_file != NULL) {
        fclose(dump_file);
    }
    return fclose(out) == 0 ? 0 : 1;
}
