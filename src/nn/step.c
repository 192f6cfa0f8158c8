/* Diffusion-step embedding and the two-layer SiLU MLP that follows it in
 * SSSD / DiffWave. */
#include "tracesynth/nn.h"
#include "tracesynth/prof.h"

#include <math.h>
#include <string.h>

void ts_step_embedding(float *out, const int32_t *steps, int B, int dim)
{
    int h = dim / 2;
    /* PyTorch computes the frequencies in float32 from a float64 constant */
    float c = (float)(log(10000.0) / (h - 1));
    for (int b = 0; b < B; b++) {
        float t = (float)steps[b];
        float *o = out + (size_t)b * dim;
        for (int i = 0; i < h; i++) {
            float a = t * expf((float)i * -c);
            o[i] = sinf(a);
            o[h + i] = cosf(a);
        }
    }
}

void ts_step_embedding_csdi(float *out, const int32_t *steps, int B, int dim)
{
    int h = dim / 2;
    for (int b = 0; b < B; b++) {
        float *o = out + (size_t)b * dim;
        for (int i = 0; i < h; i++) {
            double a = (double)steps[b] * pow(10.0, 4.0 * i / (h - 1));
            o[i] = (float)sin(a);
            o[h + i] = (float)cos(a);
        }
    }
}

size_t ts_stepmlp_act_size(int B, int Din, int Dmid, int Dout)
{
    return (size_t)B * (Din + 2 * (size_t)Dmid + Dout);   /* e, pre1, h1, pre2 */
}

size_t ts_stepmlp_scratch_size(int B, int Din, int Dmid, int Dout)
{
    (void)Din;
    return (size_t)B * (Dout + 2 * (size_t)Dmid);         /* dpre2, dh1, dpre1 */
}

static void stepmlp_forward_body(float *out, float *act, const int32_t *steps, const float *w1,
                        const float *b1, const float *w2, const float *b2, int B, int Din,
                        int Dmid, int Dout, int csdi)
{
    float *e = act, *pre1 = e + (size_t)B * Din, *h1 = pre1 + (size_t)B * Dmid;
    float *pre2 = h1 + (size_t)B * Dmid;
    (csdi ? ts_step_embedding_csdi : ts_step_embedding)(e, steps, B, Din);
    ts_linear_forward(pre1, e, w1, b1, B, Din, Dmid);
    ts_silu_forward(h1, pre1, (size_t)B * Dmid);
    ts_linear_forward(pre2, h1, w2, b2, B, Dmid, Dout);
    ts_silu_forward(out, pre2, (size_t)B * Dout);
}

void ts_stepmlp_forward(float *out, float *act, const int32_t *steps, const float *w1,
                        const float *b1, const float *w2, const float *b2, int B, int Din,
                        int Dmid, int Dout)
{
    TS_PROF_PUSH(TS_PROF_MLP);
    stepmlp_forward_body(out, act, steps, w1, b1, w2, b2, B, Din, Dmid, Dout, 0);
    TS_PROF_POP();
}

void ts_stepmlp_forward_csdi(float *out, float *act, const int32_t *steps, const float *w1,
                             const float *b1, const float *w2, const float *b2, int B, int Din,
                             int Dmid, int Dout)
{
    TS_PROF_PUSH(TS_PROF_MLP);
    stepmlp_forward_body(out, act, steps, w1, b1, w2, b2, B, Din, Dmid, Dout, 1);
    TS_PROF_POP();
}

static void stepmlp_backward_body(float *dw1, float *db1, float *dw2, float *db2, const float *dout,
                         const float *act, const float *w1, const float *w2, int B, int Din,
                         int Dmid, int Dout, float *scratch)
{
    (void)w1;
    const float *e = act, *pre1 = e + (size_t)B * Din, *h1 = pre1 + (size_t)B * Dmid;
    const float *pre2 = h1 + (size_t)B * Dmid;
    float *dpre2 = scratch, *dh1 = dpre2 + (size_t)B * Dout, *dpre1 = dh1 + (size_t)B * Dmid;
    memset(scratch, 0, ts_stepmlp_scratch_size(B, Din, Dmid, Dout) * sizeof(float));
    ts_silu_backward(dpre2, dout, pre2, (size_t)B * Dout);
    ts_linear_backward(dh1, dw2, db2, dpre2, h1, w2, B, Dmid, Dout);
    ts_silu_backward(dpre1, dh1, pre1, (size_t)B * Dmid);
    ts_linear_backward(NULL, dw1, db1, dpre1, e, w1, B, Din, Dmid);
}

void ts_stepmlp_backward(float *dw1, float *db1, float *dw2, float *db2, const float *dout,
                         const float *act, const float *w1, const float *w2, int B, int Din,
                         int Dmid, int Dout, float *scratch)
{
    TS_PROF_PUSH(TS_PROF_MLP);
    stepmlp_backward_body(dw1, db1, dw2, db2, dout, act, w1, w2, B, Din, Dmid, Dout, scratch);
    TS_PROF_POP();
}
