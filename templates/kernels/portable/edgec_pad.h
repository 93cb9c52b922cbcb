/* edgec portable kernels: PAD (int8, NHWC). Arguments as arm_pad_s8. */
#ifndef EDGEC_PAD_H
#define EDGEC_PAD_H

#include "edgec_types.h"

edgec_status edgec_pad_s8(const int8_t *input, int8_t *output, int8_t pad_value,
                          const edgec_dims *input_size, const edgec_dims *pre_pad,
                          const edgec_dims *post_pad);

#endif /* EDGEC_PAD_H */
