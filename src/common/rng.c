/* xoshiro256** seeded through splitmix64: a fixed, documented stream on every
 * machine, so runs reproduce; ts_rng_fork gives per-item streams that do not
 * depend on the thread count. */
#include "tracesynth/common.h"

#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void ts_rng_seed(ts_rng *r, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&x);
    r->has_gauss = 0;
    r->gauss = 0;
}

void ts_rng_fork(ts_rng *r, uint64_t seed, uint64_t index)
{
    uint64_t x = seed ^ 0x6a09e667f3bcc909ULL;
    uint64_t mix = splitmix64(&x) ^ (index * 0xd1b54a32d192ed03ULL);
    ts_rng_seed(r, mix);
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t ts_rng_u64(ts_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double ts_rng_uniform(ts_rng *r) { return (double)(ts_rng_u64(r) >> 11) * 0x1.0p-53; }

uint64_t ts_rng_below(ts_rng *r, uint64_t n)
{
    if (n <= 1) return 0;
    uint64_t lim = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do x = ts_rng_u64(r); while (x >= lim);
    return x % n;
}

float ts_rng_normal(ts_rng *r)
{
    if (r->has_gauss) {
        r->has_gauss = 0;
        return r->gauss;
    }
    double u1, u2;
    do u1 = ts_rng_uniform(r); while (u1 <= 0.0);
    u2 = ts_rng_uniform(r);
    double rad = sqrt(-2.0 * log(u1));
    r->gauss = (float)(rad * sin(2.0 * M_PI * u2));
    r->has_gauss = 1;
    return (float)(rad * cos(2.0 * M_PI * u2));
}
