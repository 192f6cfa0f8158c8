/* Blackout masks (PROTOCOLS.md §2): 1 = observed, 0 = hidden. */
#include "tracesynth/common.h"
#include "tracesynth/data.h"
#include "data_internal.h"

#include <string.h>

static const char *const mask_names[] = {"center", "end", "random", "all"};

int ts_mask_parse(const char *s, ts_mask_pos *out)
{
    for (int i = 0; i < 4; i++)
        if (!strcmp(s, mask_names[i])) {
            *out = (ts_mask_pos)i;
            return 0;
        }
    if (!strcmp(s, "centre")) {
        *out = TS_MASK_CENTER;
        return 0;
    }
    return ts_fail("unknown blackout position '%s' (center, end, random or all)", s);
}

const char *ts_mask_name(ts_mask_pos p)
{
    return (unsigned)p < 4 ? mask_names[p] : "?";
}

/* mask: (n, L). k > L hides the whole window. center is [L/2, L/2 + k), moved left
 * just enough to fit when L/2 + k > L (so it always hides k events). random: window
 * i draws its start from ts_rng_fork(seed, i), the same for any thread count. */
int ts__mask_pos_check(ts_mask_pos pos, const char *who)
{
    if ((unsigned)pos <= TS_MASK_ALL) return 0;
    return ts_fail("%s: blackout position %d: expected TS_MASK_CENTER, TS_MASK_END, TS_MASK_RANDOM or TS_MASK_ALL",
                   who, (int)pos);
}

int ts_mask_fill(uint8_t *mask, size_t n, size_t L, size_t k, ts_mask_pos pos, uint64_t seed)
{
    if (n == 0 || L == 0) return 0;
    if (!mask) return ts_fail_null(__func__, "mask");
    memset(mask, 1, n * L);
    if (ts__mask_pos_check(pos, __func__)) return -1;
    if (k > L || pos == TS_MASK_ALL) k = L;
    for (size_t i = 0; i < n; i++) {
        uint8_t *m = mask + i * L;
        size_t start = 0;
        switch (pos) {
        case TS_MASK_CENTER: start = L / 2 + k <= L ? L / 2 : L - k; break;
        case TS_MASK_END: start = L - k; break;
        case TS_MASK_RANDOM: {
            ts_rng r;
            ts_rng_fork(&r, seed, i);
            start = (size_t)ts_rng_below(&r, L - k + 1);
            break;
        }
        case TS_MASK_ALL: break;
        }
        memset(m + start, 0, k);
    }
    return 0;
}
