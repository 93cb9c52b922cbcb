/*
 * edgec portable kernels: int8 dot products shared by the matrix-vector kernels (LSTM gates, fully
 * connected). On cores with the DSP extension, edgec_dot4_s8 takes four weight rows at once.
 */
#ifndef EDGEC_DOT_S8_H
#define EDGEC_DOT_S8_H

#include "edgec_types.h"

#if defined(__ARM_FEATURE_DSP) && (__ARM_FEATURE_DSP == 1)
/*
 * acc[k] += sum_c x[c] * w[k * cols + c] for the four consecutive weight rows at w (row length cols),
 * with int32 wrap-around as the reference accumulator. See edgec_dot_s8.c.
 */
void edgec_dot4_s8(const int8_t *x, const int8_t *w, int32_t cols, int32_t acc[4]);
#endif

#endif /* EDGEC_DOT_S8_H */
