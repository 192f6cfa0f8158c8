/* tracesynth ingest --channels: the per-event channels beside the dataset. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static int cmp_i32(const void *a, const void *b)
{
    const int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* how many distinct values channel c (tid or cpu: 0 to card - 1) takes in m; *lo, *hi the
 * least and the greatest (a flag per value, or the values sorted where they reach far) */
static size_t seen_values(const ts_mc *m, int c, int32_t card, int32_t *lo, int32_t *hi)
{
    size_t k = 0;
    *lo = card, *hi = -1;
    if (card > 1 << 20) {
        int32_t *v = ts_malloc((m->n ? m->n : 1) * sizeof *v);
        memcpy(v, m->ch[c], m->n * sizeof *v);
        qsort(v, m->n, sizeof *v, cmp_i32);
        for (size_t i = 0; i < m->n; i++) k += i == 0 || v[i] != v[i - 1];
        if (m->n) *lo = v[0], *hi = v[m->n - 1];
        free(v);
        return k;
    }
    uint8_t *seen = ts_calloc(card > 0 ? (size_t)card : 1, 1);
    for (size_t i = 0; i < m->n; i++) {
        const int32_t v = m->ch[c][i];
        if (v < 0 || v >= card || seen[v]) continue;
        seen[v] = 1, k++;
        if (v < *lo) *lo = v;
        if (v > *hi) *hi = v;
    }
    free(seen);
    return k;
}

static int cmp_i64(const void *a, const void *b)
{
    const int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* of the events whose return value is <unk> in m, how many have one the training part of
 * raw (its first ntrain events) never has, and (*unknown) how many one not known (export's
 * '?', TS_RET_UNKNOWN, whose number is none); the others have one it has, outside the
 * vocabulary's most frequent */
static size_t ret_unseen(const ts_mc_raw *raw, const ts_mc *m, size_t ntrain, size_t *unknown)
{
    *unknown = 0;
    if (!raw->ret || !m->ch[TS_CH_RET]) return 0;
    int64_t *v = ts_malloc((ntrain ? ntrain : 1) * sizeof *v);
    size_t k = 0, unseen = 0;
    for (size_t i = 0; i < ntrain && i < raw->n; i++)
        if (raw->has_ret[i] == 1) v[k++] = raw->ret[i];
    qsort(v, k, sizeof *v, cmp_i64);
    for (size_t i = 0; i < m->n; i++) {
        if (m->ch[TS_CH_RET][i] != TS_CH_UNK) continue;
        if (raw->has_ret[i] == TS_RET_UNKNOWN) (*unknown)++;
        else if (!bsearch(&raw->ret[i], v, k, sizeof *v, cmp_i64)) unseen++;
    }
    free(v);
    return unseen;
}

size_t ingest_unseen(char *const *names, const ts_dataset *ds)
{
    const size_t n = ds->stream.n, ntrain = ts_train_count(n, ts_split_default_permille[0] / 1000.0);
    int unk_seen = 0;
    for (size_t i = 0; i < ntrain && !unk_seen; i++) unk_seen = ds->stream.ids[i] == ds->vocab.unk;
    size_t unseen = 0;
    for (size_t i = ntrain; i < n; i++)
        unseen += ds->stream.ids[i] == ds->vocab.unk && !(unk_seen && !strcmp(names[i], ds->vocab.names[ds->vocab.unk]));
    return unseen;
}

int ingest_channels(ts_mc_raw *raw, ts_mc *m, size_t *unseen)
{
    const double frac = ts_split_default_permille[0] / 1000.0;
    int rc = ts_mc_encode(raw, frac, m);
    *unseen = rc == 0 && m->events.stream.n == raw->n ? ingest_unseen(raw->names, &m->events) : 0;
    size_t unknown = 0;
    const size_t ret_new = rc == 0 ? ret_unseen(raw, m, ts_train_count(raw->n, frac), &unknown) : 0;
    ts_mc_raw_free(raw);
    if (rc) return rc;
    printf("channels:");
    for (int c = TS_CH_DT; c < TS_NCH; c++) {
        if (!ts_mc_has(m, c)) continue;
        const int32_t card = ts_mc_card(m, c);
        int32_t lo, hi;
        /* tid and cpu: the values seen (the channel's range is the thread IDs' buckets, or
         * up to the highest CPU), as comm and ret say the names and values seen */
        const size_t k = c == TS_CH_TID || c == TS_CH_CPU ? seen_values(m, c, card, &lo, &hi) : 0;
        if (c == TS_CH_DT) printf(" dt");
        else if (c == TS_CH_TID) printf(" tid (%zu of %d buckets)", k, card);
        else if (c == TS_CH_CPU && k == (size_t)card) printf(" cpu (%zu value%s)", k, ts_plural(k));
        else if (c == TS_CH_CPU && k == 1) printf(" cpu (1 value, %d)", lo);
        else if (c == TS_CH_CPU) printf(" cpu (%zu values, %d to %d)", k, lo, hi);
        else printf(" %s (%d value%s)", ts_ch_names[c], card, ts_plural((size_t)card));
    }
    if (m->ch[TS_CH_RET]) {
        size_t none = 0, unk = 0;
        for (size_t i = 0; i < m->n; i++) {
            none += m->ch[TS_CH_RET][i] == TS_CH_PAD;
            unk += m->ch[TS_CH_RET][i] == TS_CH_UNK;
        }
        /* the vocabulary is the training part's most frequent values: a value it never has, or
         * (past TS_RET_TOP values) a rare one, is <unk> */
        printf("; %zu event%s without a return value, %zu with one never seen in the training part", none,
               ts_plural(none), ret_new);
        if (unk > ret_new + unknown)
            printf(", %zu with one seen there but not among its %d most frequent", unk - ret_new - unknown, TS_RET_TOP);
        if (unknown) printf(", %zu with one not known", unknown);
        printf(" (<unk>)");
    }
    printf("\n");
    return 0;
}
