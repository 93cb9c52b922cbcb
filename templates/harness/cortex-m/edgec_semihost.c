/* Arm semihosting calls for the edgec Cortex-M harnesses. */
#include "edgec_semihost.h"

static uint32_t edgec_strlen(const char *s)
{
    uint32_t n = 0;
    while (s[n] != '\0') {
        n++;
    }
    return n;
}

int32_t edgec_sh_open(const char *path, int32_t mode)
{
    const uint32_t block[3] = { (uint32_t)(uintptr_t)path, (uint32_t)mode, edgec_strlen(path) };
    return edgec_semihost(EDGEC_SH_OPEN, block);
}

int32_t edgec_sh_close(int32_t fd)
{
    const uint32_t block[1] = { (uint32_t)fd };
    return edgec_semihost(EDGEC_SH_CLOSE, block);
}

int32_t edgec_sh_read(int32_t fd, void *buf, uint32_t n)
{
    const uint32_t block[3] = { (uint32_t)fd, (uint32_t)(uintptr_t)buf, n };
    return edgec_semihost(EDGEC_SH_READ, block);
}

int32_t edgec_sh_write(int32_t fd, const void *buf, uint32_t n)
{
    const uint32_t block[3] = { (uint32_t)fd, (uint32_t)(uintptr_t)buf, n };
    return edgec_semihost(EDGEC_SH_WRITE, block);
}

int32_t edgec_sh_flen(int32_t fd)
{
    const uint32_t block[1] = { (uint32_t)fd };
    return edgec_semihost(EDGEC_SH_FLEN, block);
}

void edgec_sh_puts(const char *s)
{
    (void)edgec_semihost(EDGEC_SH_WRITE0, s);
}

void edgec_sh_put_hex(const char *label, uint32_t v)
{
    char text[12];
    text[0] = '0';
    text[1] = 'x';
    for (int32_t i = 0; i < 8; i++) {
        const uint32_t nibble = (v >> (28 - 4 * i)) & 0xFu;
        text[2 + i] = (char)(nibble < 10u ? '0' + nibble : 'a' + nibble - 10u);
    }
    text[10] = '\n';
    text[11] = '\0';
    edgec_sh_puts(label);
    edgec_sh_puts(text);
}

void edgec_sh_exit(int32_t code)
{
    const uint32_t block[2] = { 0x20026u, (uint32_t)code };
    for (;;) {
        (void)edgec_semihost(EDGEC_SH_EXIT_EXTENDED, block);
    }
}
