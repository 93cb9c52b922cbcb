/*
 * Glue between generated code and CMSIS-NN (found through CMSIS_NN_DIR; not part of this folder).
 *
 * CMSIS-NN selects its code path from the compiler's feature macros: MVE (Cortex-M55), DSP
 * (Cortex-M4/M7/M33) or plain C. EDGEC_CMSIS_NN_PICK selects, the same way, which of the scratch
 * sizes computed by the compiler a debug build (EDGEC_CHECK_SCRATCH) compares with the size
 * CMSIS-NN itself asks for.
 */
#ifndef EDGEC_CMSIS_NN_H
#define EDGEC_CMSIS_NN_H

#include "arm_nnfunctions.h"

#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)
#define EDGEC_CMSIS_NN_PICK(plain, dsp, mve) (mve)
#elif defined(__ARM_FEATURE_DSP) && (__ARM_FEATURE_DSP == 1)
#define EDGEC_CMSIS_NN_PICK(plain, dsp, mve) (dsp)
#else
#define EDGEC_CMSIS_NN_PICK(plain, dsp, mve) (plain)
#endif

/* Returned by invoke when CMSIS-NN asks for a scratch size other than the one planned. */
#define EDGEC_STATUS_SCRATCH (-1000)

#endif
