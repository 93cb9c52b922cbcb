/*
 * Packed int4 weights: element k lives in byte k >> 1, in the low nibble for even k and the high
 * nibble for odd k, sign-extended. Twin of src/kernels/int4.ts.
 */
#ifndef EDGEC_INT4_H
#define EDGEC_INT4_H

#include <stdint.h>
#include "edgec_types.h"

/* Weight k of a filter stored as int8 (packed4 == 0) or packed int4 (packed4 != 0). */
static EDGEC_ALWAYS_INLINE int32_t edgec_weight_at(const int8_t *filter, int32_t k, int32_t packed4)
{
    if (!packed4) {
        return filter[k];
    }
    const uint32_t byte = (uint8_t)filter[k >> 1];
    const int32_t nibble = (int32_t)((k & 1) ? (byte >> 4) : (byte & 0x0Fu));
    return nibble >= 8 ? nibble - 16 : nibble;
}

#endif /* EDGEC_INT4_H */
