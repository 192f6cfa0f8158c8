/* tracesynth ingest --channels: the per-event channels beside the dataset. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

int ingest_channels(ts_mc_raw *raw, ts_mc *m)
{
    int rc = ts_mc_encode(raw, ts_split_default_permille[0] / 1000.0, m);
    ts_mc_raw_free(raw);
    if (rc) return rc;
    printf("channels:");
    for (int c = TS_CH_DT; c < TS_NCH; c++) {
        if (!ts_mc_has(m, c)) continue;
        if (c == TS_CH_DT) printf(" dt");
        else printf(" %s (%d value%s)", ts_ch_names[c], ts_mc_card(m, c), ts_plural((size_t)ts_mc_card(m, c)));
    }
    if (m->ch[TS_CH_RET]) {
        size_t none = 0, unk = 0;
        for (size_t i = 0; i < m->n; i++) {
            none += m->ch[TS_CH_RET][i] == TS_CH_PAD;
            unk += m->ch[TS_CH_RET][i] == TS_CH_UNK;
        }
        /* the vocabulary is the training part's most frequent values: a later value it lacks,
         * or a rare one, is <unk> */
        printf("; %zu event%s without a return value, %zu with one not among the training part's %d most "
               "frequent (<unk>)", none, ts_plural(none), unk, TS_RET_TOP);
    }
    printf("\n");
    return 0;
}
