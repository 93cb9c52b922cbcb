/*
 * The few C library functions GCC may call even with -ffreestanding (it turns copy and fill loops
 * into memcpy/memset at -O2). Written for the edgec project.
 *
 * Marked used: under -flto GCC can introduce such a call late in compiling the linked program, after
 * its whole-program pass has dropped these definitions as unreferenced (then memset is undefined, seen
 * on Cortex-M0+). Builds without -flto are unchanged (--gc-sections still removes what nothing calls).
 */
#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define EDGEC_LIBC_FN __attribute__((used))
#else
#define EDGEC_LIBC_FN
#endif

EDGEC_LIBC_FN void *memcpy(void *dst, const void *src, size_t n)
{
    unsigned char *d = (unsigned char *)dst;
    const unsigned char *s = (const unsigned char *)src;
    while (n-- > 0u) {
        *d++ = *s++;
    }
    return dst;
}

EDGEC_LIBC_FN void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = (unsigned char *)dst;
    const unsigned char *s = (const unsigned char *)src;
    if (d < s) {
        while (n-- > 0u) {
            *d++ = *s++;
        }
    } else {
        while (n-- > 0u) {
            d[n] = s[n];
        }
    }
    return dst;
}

EDGEC_LIBC_FN void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = (unsigned char *)dst;
    while (n-- > 0u) {
        *d++ = (unsigned char)c;
    }
    return dst;
}

EDGEC_LIBC_FN int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = (const unsigned char *)a;
    const unsigned char *y = (const unsigned char *)b;
    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i]) {
            return x[i] < y[i] ? -1 : 1;
        }
    }
    return 0;
}
