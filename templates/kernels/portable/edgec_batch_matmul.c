/* edgec portable kernels: BATCH_MATMUL (int8, int16). */
#include "edgec_batch_matmul.h"
#include "edgec_requant.h"

/* One loop for both element types: exactly one of the 8-bit and 16-bit pointer sets is non-NULL. */
static EDGEC_ALWAYS_INLINE void edgec_bmm(const edgec_bmm_params *p, const edgec_per_tensor_quant *q, const edgec_dims *ld,
                      const int8_t *l8, const int16_t *l16, const edgec_dims *rd, const int8_t *r8,
                      const int16_t *r16, const edgec_dims *od, int8_t *o8, int16_t *o16)
{
    const int32_t m_rows = ld->w;
    const int32_t k_cols = ld->c;
    const int32_t n_rows = rd->w;
    int32_t o = 0;
    for (int32_t b = 0; b < od->n; b++) {
        for (int32_t h = 0; h < od->h; h++) {
            const int32_t l_base = ((ld->n == 1 ? 0 : b) * ld->h + (ld->h == 1 ? 0 : h)) * m_rows * k_cols;
            const int32_t r_base = ((rd->n == 1 ? 0 : b) * rd->h + (rd->h == 1 ? 0 : h)) * n_rows * k_cols;
            for (int32_t m = 0; m < m_rows; m++) {
                for (int32_t n = 0; n < n_rows; n++) {
                    int64_t acc = 0;
                    for (int32_t k = 0; k < k_cols; k++) {
                        const int32_t li = l_base + m * k_cols + k;
                        const int32_t ri = r_base + n * k_cols + k;
                        const int32_t lv = (l16 != NULL ? l16[li] : l8[li]) + p->lhs_offset;
                        const int32_t rv = (r16 != NULL ? r16[ri] : r8[ri]) + p->rhs_offset;
                        acc += (int64_t)lv * rv;
                    }
                    int32_t v = (o16 != NULL ? edgec_requantize_s64(acc, q->multiplier, q->shift)
                                             : edgec_requantize((int32_t)acc, q->multiplier, q->shift)) +
                        p->output_offset;
                    v = edgec_clamp(v, p->activation.min, p->activation.max);
                    if (o16 != NULL) {
                        o16[o] = (int16_t)v;
                    } else {
                        o8[o] = (int8_t)v;
                    }
                    o++;
                }
            }
        }
    }
}

edgec_status edgec_batch_matmul_s8(const edgec_bmm_params *params, const edgec_per_tensor_quant *quant,
                                   const edgec_dims *lhs_dims, const int8_t *lhs, const edgec_dims *rhs_dims,
                                   const int8_t *rhs, const edgec_dims *output_dims, int8_t *output)
{
    edgec_bmm(params, quant, lhs_dims, lhs, NULL, rhs_dims, rhs, NULL, output_dims, output, NULL);
    return EDGEC_OK;
}

edgec_status edgec_batch_matmul_s16(const edgec_bmm_params *params, const edgec_per_tensor_quant *quant,
                                    const edgec_dims *lhs_dims, const int16_t *lhs, const edgec_dims *rhs_dims,
                                    const int16_t *rhs, const edgec_dims *output_dims, int16_t *output)
{
    edgec_bmm(params, quant, lhs_dims, NULL, lhs, rhs_dims, NULL, rhs, output_dims, NULL, output);
    return EDGEC_OK;
}
