/* Blackout masks (PROTOCOLS.md §2): 1 = observed, 0 = hidden. */
#include "tracesynth/common.h"
#include "tracesynth/data.h"

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
void ts_mask_fill(uint8_t *mask, size_t n, size_t L, size_t k, ts_mask_pos pos, uint64_t seed)
{
    if (k > L) k = L;
    memset(mask, 1, n * L);
    for (size_t i = 0; i < n; i++) {
        uint8_t *m = mask + i * L;
        size_t start;
        switch (pos) {
        case TS_MASK_CENTER: start = L / 2 + k <= L ? L / 2 : L - k; break;
        case TS_MASK_END: start = L - k; break;
        case TS_MASK_RANDOM: {
            ts_rng r;
            ts_rng_fork(&r, seed, i);
            start = (size_t)ts_rng_below(&r, L - k + 1);
            break;
        }
        default: start = 0; k = L; break;
        }
        memset(m + start, 0, k);
    }
}
