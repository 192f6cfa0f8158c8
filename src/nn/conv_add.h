/* The conditioning's 1x1 convolution of the SSSD and SaShiMi networks, added in
 * one pass to what its block made. Library-internal. */
#ifndef TRACESYNTH_NN_CONV_ADD_H
#define TRACESYNTH_NN_CONV_ADD_H

/* y (B, C, L) += (w (C, n_in) . col_b (n_in, L) + bias) + x (B, C, L): a 1x1
 * convolution of few inputs (n_in: a product too small for a GEMM); x NULL: y +=
 * w . col_b + bias alone. With z2 (B, 2C, L) (and x): y = GLU(z2) + (w . col_b +
 * bias) + x instead, z2's gate half left as σ(gate) for the backward. Each
 * position sums its inputs in order: the same bits at any thread count */
void ts_conv1x1_add(float *y, float *z2, const float *x, const float *col, const float *w, const float *bias,
                    int B, int C, int n_in, int L);

#endif
