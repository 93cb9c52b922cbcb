/*
 * Minimal Cortex-M startup for edgec harnesses: vector table, reset (copy .data, zero .bss, paint
 * the stack for the high-water mark, enable the FPU where present), and fault handlers that report
 * the fault status registers through semihosting and exit with code 0x7F instead of hanging.
 * Written for the edgec project; no CMSIS headers.
 */
#include <stdint.h>
#include "edgec_semihost.h"

extern uint32_t __data_load__, __data_start__, __data_end__, __bss_start__, __bss_end__;
extern uint32_t __stack_limit__, __stack_top__;

int main(void);
void edgec_reset_handler(void);
void edgec_fault_handler(void);
void edgec_default_handler(void);

#define EDGEC_STACK_PAINT 0xC0FFEE11u

#define SCB_CPACR (*(volatile uint32_t *)0xE000ED88u)
#define SCB_CFSR (*(volatile uint32_t *)0xE000ED28u)
#define SCB_HFSR (*(volatile uint32_t *)0xE000ED2Cu)
#define SCB_MMFAR (*(volatile uint32_t *)0xE000ED34u)
#define SCB_BFAR (*(volatile uint32_t *)0xE000ED38u)

__attribute__((section(".vectors"), used)) static void (*const edgec_vectors[16])(void) = {
    (void (*)(void))(&__stack_top__),
    edgec_reset_handler,
    edgec_default_handler, /* NMI */
    edgec_fault_handler,   /* HardFault */
    edgec_fault_handler,   /* MemManage */
    edgec_fault_handler,   /* BusFault */
    edgec_fault_handler,   /* UsageFault */
    edgec_fault_handler,   /* SecureFault (v8-M) */
    0, 0, 0,
    edgec_default_handler, /* SVC */
    edgec_default_handler, /* DebugMon */
    0,
    edgec_default_handler, /* PendSV */
    edgec_default_handler, /* SysTick */
};

/* Bytes of the stack region never written since reset (the painted words still intact). */
uint32_t edgec_stack_unused(void)
{
    const uint32_t *p = &__stack_limit__;
    while (p < &__stack_top__ && *p == EDGEC_STACK_PAINT) {
        p++;
    }
    return (uint32_t)((uintptr_t)p - (uintptr_t)&__stack_limit__);
}

uint32_t edgec_stack_size(void)
{
    return (uint32_t)((uintptr_t)&__stack_top__ - (uintptr_t)&__stack_limit__);
}

void edgec_reset_handler(void)
{
    const uint32_t *src = &__data_load__;
    for (uint32_t *dst = &__data_start__; dst < &__data_end__;) {
        *dst++ = *src++;
    }
    for (uint32_t *dst = &__bss_start__; dst < &__bss_end__;) {
        *dst++ = 0u;
    }
    /* Paint the stack below the current frame (a 256-byte margin keeps this function's own frame). */
    uint32_t sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    for (uint32_t *p = &__stack_limit__; (uintptr_t)p < sp - 256u; p++) {
        *p = EDGEC_STACK_PAINT;
    }
#if defined(__ARM_FP)
    SCB_CPACR |= (0xFu << 20);
    __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
    edgec_sh_exit(main());
}

void edgec_fault_handler(void)
{
    uint32_t *frame;
    __asm__ volatile("mrs %0, msp" : "=r"(frame));
    edgec_sh_puts("edgec: FAULT\n");
    edgec_sh_put_hex("CFSR  ", SCB_CFSR);
    edgec_sh_put_hex("HFSR  ", SCB_HFSR);
    edgec_sh_put_hex("MMFAR ", SCB_MMFAR);
    edgec_sh_put_hex("BFAR  ", SCB_BFAR);
    edgec_sh_put_hex("PC    ", frame[6]);
    edgec_sh_put_hex("LR    ", frame[5]);
    edgec_sh_exit(0x7F);
}

void edgec_default_handler(void)
{
    edgec_sh_puts("edgec: unexpected exception\n");
    edgec_sh_exit(0x7E);
}
