/*
 * edgec portable kernels: shared argument types. The meaning of every field matches the CMSIS-NN
 * argument of the same name (NHWC activations, input_offset = -input_zero_point,
 * output_offset = +output_zero_point), so a call can be retargeted to CMSIS-NN field by field.
 *
 * Written for the edgec project (C99, no malloc, no floating point).
 */
#ifndef EDGEC_TYPES_H
#define EDGEC_TYPES_H

#include <stdint.h>
#include <stddef.h>
#include "edgec_prefix.h"

/* Shared loop bodies are specialised per element type or weight format by forced inlining, so the
 * int8 path never pays for a runtime format check. */
#if defined(__GNUC__)
#define EDGEC_ALWAYS_INLINE inline __attribute__((always_inline))
#define EDGEC_NEVER_INLINE __attribute__((noinline))
#else
#define EDGEC_ALWAYS_INLINE inline
#define EDGEC_NEVER_INLINE
#endif

/*
 * A kernel entry that link-time optimisation must compile as it is compiled on its own (no inlining
 * into the model, no cloning or constant propagation from its callers). Its four-channel loop is
 * followed by a loop over the channels left over; when the channel count is a constant multiple of
 * four (a model's dims, seen through -flto), that loop is dead, but GCC 12 analyses it before removing
 * it and warns "iteration N invokes undefined behavior" [-Waggressive-loop-optimizations]. Separate
 * builds (the toolchain's) get the same code with or without it; an -flto build loses the kernel's
 * specialisation for the model's dims (measured in the commit that added this).
 */
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 8
#define EDGEC_NO_IPA __attribute__((noipa))
#elif defined(__GNUC__)
#define EDGEC_NO_IPA __attribute__((noinline))
#else
#define EDGEC_NO_IPA
#endif

typedef enum {
    EDGEC_OK = 0,
    EDGEC_ARG_ERROR = -1,
    EDGEC_NO_IMPL_ERROR = -2
} edgec_status;

/* Tensor dimensions, NHWC. Unused dimensions are 1. */
typedef struct {
    int32_t n;
    int32_t h;
    int32_t w;
    int32_t c;
} edgec_dims;

typedef struct {
    int32_t h;
    int32_t w;
} edgec_tile;

/* Clamp range after the output offset is added. */
typedef struct {
    int32_t min;
    int32_t max;
} edgec_activation;

/* Per-output-channel requantization: multiplier[c], shift[c]. */
typedef struct {
    const int32_t *multiplier;
    const int32_t *shift;
} edgec_per_channel_quant;

typedef struct {
    int32_t multiplier;
    int32_t shift;
} edgec_per_tensor_quant;

/* Bias of the int16 kernels: int64 values, or int32 values when is_int32 (as cmsis_nn_bias_data). */
typedef struct {
    const void *data;
    int32_t is_int32;
} edgec_bias_data;

#endif /* EDGEC_TYPES_H */
