/*
 * Output channel of a batched conformance program: each case reports its kernel status and output
 * bytes as one record. The host harness writes records to stdout; a Cortex-M harness writes them
 * through semihosting.
 */
#ifndef EDGEC_CASE_IO_H
#define EDGEC_CASE_IO_H

#include <stdint.h>

void edgec_case_output(uint32_t index, int32_t status, const void *data, uint32_t nbytes);
void edgec_run_cases(void);

#endif /* EDGEC_CASE_IO_H */
