#!/bin/sh
# Blackout imputation of whole multi-channel windows (docs/results-channels.md, "Imputing
# multi-channel blackouts"): single-channel event models as the event channel (impute
# --channels-from) beside the multi-channel mdm, on the LTTng trace many-threads (mt) and
# the strace workload python-etl (etl). Every window of 200 of the test part (the last
# 20 %), a centred blackout of k = 10 and 40 with every channel of the hidden events
# hidden, the same mask for every model (same --length, --blackout, --seed). Then the
# same models conditioned on the first 64 events of the test windows of 256. Run from the
# repository root after `make`; writes under ${OUT:-/tmp/ts-channels-impute} and prints
# the tables. About 20 minutes on one loaded core (two mdm and two mdm-mc trainings; the
# n-gram rows take seconds; MDM=0 leaves the mdm and mdm-mc rows out). What exists is not
# redone.
set -eu
B=${B:-$PWD/build/tracesynth}
SHARED=${SHARED:-$PWD/../shared}
OUT=${OUT:-/tmp/ts-channels-impute}
MDM=${MDM:-1}
mkdir -p "$OUT"
here=$PWD
cd "$OUT"
[ -d mt ] || $B ingest --from ctf "$SHARED/traces/lttng/many-threads" --channels -o mt > /dev/null
[ -d etl ] || $B ingest --from strace "$here/data/workloads/python-etl.strace.gz" --channels -o etl > /dev/null
R="--seed 1 --threads 1 --no-progress --json"
for ds in mt etl; do
    [ -f $ds.ngram.tsm ] || $B train --model ngram $ds --length 200 -o $ds.ngram.tsm > /dev/null
    [ -f $ds.ngram1.tsm ] || $B train --model ngram $ds --length 200 --order 1 -o $ds.ngram1.tsm > /dev/null
    if [ "$MDM" = 1 ]; then
        [ -f $ds.mdm.tsm ] || nice -n 10 $B train --model mdm $ds --length 200 --layers 2 --channels 64 --context 128 \
            --prior 0 --iters 1500 --schedule cosine --warmup 50 --valid-every 250 --threads 1 --no-progress \
            -o $ds.mdm.tsm > $ds.mdm.train.txt
        [ -f $ds.mdm-mc.tsm ] || nice -n 10 $B train --model mdm-mc $ds --length 200 --layers 2 --channels 64 \
            --context 128 --iters 500 --schedule cosine --warmup 50 --valid-every 250 --threads 1 --no-progress \
            -o $ds.mdm-mc.tsm > $ds.mdm-mc.train.txt
    fi
    for k in 10 40; do
        # name, model, options
        while read -r name model opts; do
            [ -f $model ] || continue
            g=$ds-$name-k$k
            [ -f $g.json ] || nice -n 10 $B impute $model $opts --length 200 --blackout $k $R -o $g > $g.json
        done <<EOF
ngram1-type $ds.ngram1.tsm --channels-from $ds --draw type
ngram-type $ds.ngram.tsm --channels-from $ds --draw type
ngram-pair $ds.ngram.tsm --channels-from $ds
mdm-pair $ds.mdm.tsm --channels-from $ds
mdmmc-t1 $ds.mdm-mc.tsm --input $ds
mdmmc-t0 $ds.mdm-mc.tsm --input $ds --temperature 0
EOF
    done
    # conditioned on a prefix: the event models sample (temperature 1, as mdm-mc does)
    while read -r name model opts; do
        [ -f $model ] || continue
        g=$ds-$name-prefix
        [ -f $g.json ] || nice -n 10 $B impute $model $opts --length 256 --prefix 64 $R -o $g > $g.json
    done <<EOF
ngram-pair $ds.ngram.tsm --channels-from $ds
mdm-pair $ds.mdm.tsm --channels-from $ds
mdmmc-t1 $ds.mdm-mc.tsm --input $ds
EOF
done
python3 - <<'PY'
import json, os
names = {"ngram1-type": "n-gram order 1 events, type-drawn channels", "ngram-type": "n-gram events, type-drawn channels",
         "ngram-pair": "n-gram events, pair-drawn channels", "mdm-pair": "mdm 2×64 events, pair-drawn channels",
         "mdmmc-t1": "mdm-mc 2×64 (T = 1)", "mdmmc-t0": "mdm-mc 2×64 (T = 0)"}
chans = ["event", "dt", "comm", "ret", "tid", "cpu"]
for ds in ("mt", "etl"):
    for what in ("k10", "k40", "prefix"):
        rows = [(n, "%s-%s-%s.json" % (ds, n, what)) for n in names]
        rows = [(n, json.load(open(p))) for n, p in rows if os.path.exists(p) and os.path.getsize(p)]
        if not rows: continue
        r0 = rows[0][1]
        head = ("blackout k = %s" % what[1:]) if what != "prefix" else "the first 64 of 256 events given"
        print("\n%s, %s: %d windows of %d, %d hidden events; share equal to the truth (%%)" %
              (ds, head, r0["windows"], r0["length"], r0["hidden"]))
        print("| model | " + " | ".join(c if c != "dt" else "Δt bin" for c in chans) + " | seconds |")
        print("|---|" + "---|" * (len(chans) + 1))
        for n, r in rows:
            print("| %s | " % names[n] + " | ".join("%.1f" % r["accuracy_" + c] if "accuracy_" + c in r else "–"
                                                  for c in chans) + " | %.2f |" % r["seconds"])
PY
