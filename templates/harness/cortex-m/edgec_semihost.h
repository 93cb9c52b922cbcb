/*
 * Arm semihosting for the edgec Cortex-M harnesses: file I/O with the host and the exit code,
 * through `bkpt 0xab` (r0 = operation, r1 = argument block). QEMU implements it with
 * -semihosting-config enable=on,target=native. Written for the edgec project.
 */
#ifndef EDGEC_SEMIHOST_H
#define EDGEC_SEMIHOST_H

#include <stdint.h>

#define EDGEC_SH_OPEN 0x01
#define EDGEC_SH_CLOSE 0x02
#define EDGEC_SH_WRITE0 0x04
#define EDGEC_SH_WRITE 0x05
#define EDGEC_SH_READ 0x06
#define EDGEC_SH_FLEN 0x0C
#define EDGEC_SH_EXIT_EXTENDED 0x20

/* Open modes: 1 = "rb", 5 = "wb". */
#define EDGEC_SH_MODE_RB 1
#define EDGEC_SH_MODE_WB 5

static inline int32_t edgec_semihost(int32_t op, const void *arg)
{
    register int32_t r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

int32_t edgec_sh_open(const char *path, int32_t mode);
int32_t edgec_sh_close(int32_t fd);
/* Returns the number of bytes NOT transferred (0 on success), as semihosting does. */
int32_t edgec_sh_read(int32_t fd, void *buf, uint32_t n);
int32_t edgec_sh_write(int32_t fd, const void *buf, uint32_t n);
int32_t edgec_sh_flen(int32_t fd);
void edgec_sh_puts(const char *s);
void edgec_sh_put_hex(const char *label, uint32_t v);
void edgec_sh_exit(int32_t code) __attribute__((noreturn));

#endif /* EDGEC_SEMIHOST_H */
