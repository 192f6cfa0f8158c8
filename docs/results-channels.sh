#!/bin/sh
# Multi-channel results (docs/results-channels.md): the Markov baseline at L = 256, 1024,
# 4096 and the repair, on the LTTng trace many-threads and on the strace workloads
# http-server (801 threads) and python-etl (threads, 2 forked processes, execs). Run from
# the repository root after `make`; writes under ${OUT:-/tmp/ts-channels} and prints the
# tables. About 10 seconds on one core, plus about 1 minute for the mdm (MDM=0: without)
# and about 90 minutes on a loaded 2-core machine for the multi-channel mdm (MDMMC=0: without);
# the baseline alone: MDM=0 MDMMC=0 DDPMMC=0 EVCH=0 CHW=0 (docs/results-channels.md lists them).
set -eu
B=${B:-$PWD/build/tracesynth}
SHARED=${SHARED:-$PWD/../shared}
OUT=${OUT:-/tmp/ts-channels}
N=${N:-65536}
mkdir -p "$OUT"
here=$PWD
cd "$OUT"
$B ingest --from ctf "$SHARED/traces/lttng/many-threads" --channels -o mt > /dev/null
$B ingest --from strace "$here/data/workloads/http-server.strace.gz" --channels -o http > /dev/null
$B ingest --from strace "$here/data/workloads/python-etl.strace.gz" --channels -o etl > /dev/null
for ds in mt http etl; do
    $B constraints $ds -o $ds.tsc > /dev/null           # from the first 70 %
    for L in 256 1024 4096; do
        g=$ds-markov-$L
        $B markov $ds -n $N --length $L --seed 1 -o $g > /dev/null
        $B eval --real $ds --real-part test --synthetic $g --constraints $ds.tsc --length $L --json > $g.eval.json
        $B repair $g --constraints $ds.tsc --length $L --json -o $g-rep > $g.repair.json
        $B eval --real $ds --real-part test --synthetic $g-rep --constraints $ds.tsc --length $L --json > $g-rep.eval.json
    done
    # the real held-out part (last 20 %) under the training part's constraints
    $B eval --real $ds --real-part test --synthetic $ds --constraints $ds.tsc --json > $ds-real.eval.json
    $B repair $ds --part test --constraints $ds.tsc --json -o $ds-test-rep > $ds-test.repair.json
    $B eval --real $ds --real-part test --synthetic $ds-test-rep --constraints $ds.tsc --json > $ds-test-rep.eval.json
done
# a learned event model (a small mdm, about 1 minute on 2 cores) with the other channels drawn
# per event type as for the baseline, on mt at L = 256: before and after repair
if [ "${MDM:-1}" = 1 ] && [ ! -f mt-mdm-256-rep.eval.json ]; then
    $B train --model mdm mt --length 256 --layers 2 --channels 64 --iters 400 --schedule constant --threads 2 --no-progress \
        -o mt.mdm.tsm > /dev/null
    $B generate mt.mdm.tsm -n 64 --length 256 --threads 2 --no-progress -o mdm256 > /dev/null
    $B markov mt --from-events mdm256.txt --seed 1 -o mt-mdm-256 > /dev/null
    $B eval --real mt --real-part test --synthetic mt-mdm-256 --constraints mt.tsc --length 256 --json > mt-mdm-256.eval.json
    $B repair mt-mdm-256 --constraints mt.tsc --length 256 --json -o mt-mdm-256-rep > mt-mdm-256.repair.json
    $B eval --real mt --real-part test --synthetic mt-mdm-256-rep --constraints mt.tsc --length 256 --json > mt-mdm-256-rep.eval.json
fi
# the multi-channel mdm (mdm-mc: every channel modelled, dt in 64 log-spaced bins) on mt and
# etl: one training each (about 17 minutes on one loaded core), generation at L = 256, 1024,
# 4096 (N events each), before and after repair; and conditioned on a prefix: the test
# part's windows of 256 with their first 64 events observed. MDMMC=0: without; MDMMC_SETS:
# the datasets (runs for different sets may go side by side); what exists is not redone.
if [ "${MDMMC:-1}" = 1 ]; then
    for ds in ${MDMMC_SETS:-mt etl}; do
        [ -f $ds.mdm-mc.tsm ] || nice -n 19 $B train --model mdm-mc $ds --length 256 --layers 2 --channels 64 \
            --context 128 --iters 1500 --schedule cosine --warmup 50 --valid-every 250 --threads 1 --no-progress \
            --log $ds.mdm-mc.jsonl -o $ds.mdm-mc.tsm > /dev/null
        for L in 256 1024 4096; do
            g=$ds-mdmmc-$L
            [ -f $g-rep.eval.json ] && continue
            nice -n 19 $B generate $ds.mdm-mc.tsm -n $((N / L)) --length $L --seed 1 --threads 1 --no-progress -o $g > /dev/null
            $B eval --real $ds --real-part test --synthetic $g --constraints $ds.tsc --length $L --json > $g.eval.json
            $B repair $g --constraints $ds.tsc --length $L --json -o $g-rep > $g.repair.json
            $B eval --real $ds --real-part test --synthetic $g-rep --constraints $ds.tsc --length $L --json > $g-rep.eval.json
        done
        g=$ds-mdmmc-prefix
        [ -f $g-rep.eval.json ] && continue
        nice -n 19 $B impute $ds.mdm-mc.tsm --input $ds --length 256 --prefix 64 --seed 1 --threads 1 --no-progress \
            --json -o $g > $g.impute.json
        $B eval --real $ds --real-part test --synthetic $g --constraints $ds.tsc --length 256 --json > $g.eval.json
        $B repair $g --constraints $ds.tsc --length 256 --json -o $g-rep > $g.repair.json
        $B eval --real $ds --real-part test --synthetic $g-rep --constraints $ds.tsc --length 256 --json > $g-rep.eval.json
    done
fi
# dt as a real channel (--dt real: a Gaussian head) against the bins, on mt at L = 256
# (DTREAL=0: without)
if [ "${DTREAL:-1}" = 1 ] && [ "${MDMMC:-1}" = 1 ]; then
    [ -f mt.mdm-mc-real.tsm ] || nice -n 19 $B train --model mdm-mc mt --dt real --length 256 --layers 2 --channels 64 \
        --context 128 --iters 1500 --schedule cosine --warmup 50 --valid-every 250 --threads 1 --no-progress \
        --log mt.mdm-mc-real.jsonl -o mt.mdm-mc-real.tsm > /dev/null
    g=mt-mdmmc-real-256
    if [ ! -f $g-rep.eval.json ]; then
        nice -n 19 $B generate mt.mdm-mc-real.tsm -n $((N / 256)) --length 256 --seed 1 --threads 1 --no-progress -o $g > /dev/null
        $B eval --real mt --real-part test --synthetic $g --constraints mt.tsc --length 256 --json > $g.eval.json
        $B repair $g --constraints mt.tsc --length 256 --json -o $g-rep > $g.repair.json
        $B eval --real mt --real-part test --synthetic $g-rep --constraints mt.tsc --length 256 --json > $g-rep.eval.json
    fi
fi
# sampling truncation: --min-p X keeps the values of at least X times the largest
# probability; mt, N/4 events at L = 256 and 1024 (MINP=0: without)
if [ "${MINP:-1}" = 1 ] && [ "${MDMMC:-1}" = 1 ]; then
    for L in 256 1024; do
        for mp in 0 0.05 0.1 0.2; do
            g=mt-mdmmc-minp$mp-$L
            [ -f $g.eval.json ] && continue
            nice -n 19 $B generate mt.mdm-mc.tsm -n $((N / 4 / L)) --length $L --seed 1 --min-p $mp --threads 1 \
                --no-progress -o $g > /dev/null
            $B eval --real mt --real-part test --synthetic $g --constraints mt.tsc --length $L --json > $g.eval.json
        done
    done
fi
# a longer training context (--context 256) on mt, N/4 events at L = 256 and 1024 (CTX256=0:
# without)
if [ "${CTX256:-1}" = 1 ] && [ "${MDMMC:-1}" = 1 ]; then
    [ -f mt.mdm-mc-c256.tsm ] || nice -n 19 $B train --model mdm-mc mt --length 256 --layers 2 --channels 64 \
        --context 256 --iters 1500 --schedule cosine --warmup 50 --valid-every 250 --threads 1 --no-progress \
        --log mt.mdm-mc-c256.jsonl -o mt.mdm-mc-c256.tsm > /dev/null
    for L in 256 1024; do
        g=mt-mdmmc-c256-$L
        [ -f $g.eval.json ] && continue
        nice -n 19 $B generate mt.mdm-mc-c256.tsm -n $((N / 4 / L)) --length $L --seed 1 --threads 1 --no-progress \
            -o $g > /dev/null
        $B eval --real mt --real-part test --synthetic $g --constraints mt.tsc --length $L --json > $g.eval.json
    done
fi
# the Gaussian DDPM over the encoded channels (ddpm-mc: the SSSD-S4 network, 4 blocks x 64, one
# input and output channel per trace channel) on mt and etl: one training each (1,200
# iterations, about 13 minutes on one core of a loaded machine), generation at L = 256, 1024,
# 4096 by DDIM with 50 of the 200 steps, before and after repair; and conditioned on a prefix as for mdm-mc.
# DDPMMC=0: without; DDPMMC_SETS: the datasets; what exists is not redone.
if [ "${DDPMMC:-1}" = 1 ]; then
    for ds in ${DDPMMC_SETS:-mt etl}; do
        [ -f $ds.ddpm-mc.tsm ] || nice -n 19 $B train --model ddpm-mc $ds --length 256 --layers 4 --channels 64 \
            --iters 1200 --schedule cosine --warmup 100 --valid-every 200 --threads 1 --no-progress \
            --log $ds.ddpm-mc.jsonl -o $ds.ddpm-mc.tsm > $ds.ddpm-mc.train.txt
        for L in 256 1024 4096; do
            g=$ds-ddpmmc-$L
            [ -f $g-rep.eval.json ] && continue
            nice -n 19 $B generate $ds.ddpm-mc.tsm -n $((N / L)) --length $L --steps 50 --seed 1 --threads 1 --no-progress \
                -o $g > $g.gen.txt
            $B eval --real $ds --real-part test --synthetic $g --constraints $ds.tsc --length $L --json > $g.eval.json
            $B repair $g --constraints $ds.tsc --length $L --json -o $g-rep > $g.repair.json
            $B eval --real $ds --real-part test --synthetic $g-rep --constraints $ds.tsc --length $L --json > $g-rep.eval.json
        done
        g=$ds-ddpmmc-prefix
        [ -f $g-rep.eval.json ] && continue
        nice -n 19 $B impute $ds.ddpm-mc.tsm --input $ds --length 256 --prefix 64 --steps 50 --seed 1 --threads 1 \
            --no-progress --json -o $g > $g.impute.json
        $B eval --real $ds --real-part test --synthetic $g --constraints $ds.tsc --length 256 --json > $g.eval.json
        $B repair $g --constraints $ds.tsc --length 256 --json -o $g-rep > $g.repair.json
        $B eval --real $ds --real-part test --synthetic $g-rep --constraints $ds.tsc --length 256 --json > $g-rep.eval.json
    done
fi
# eval, repair per window and eval again of the synthetic dataset $2 (windows of $3) of the trace $1
evrep() {
    $B eval --real $1 --real-part test --synthetic $2 --constraints $1.tsc --length $3 --json > $2.eval.json
    $B repair $2 --constraints $1.tsc --length $3 --json -o $2-rep > $2.repair.json
    $B eval --real $1 --real-part test --synthetic $2-rep --constraints $1.tsc --length $3 --json > $2-rep.eval.json
}
# a single-channel model as the event channel (generate --channels-from): mdm trained on a
# trace's events alone, the mdm-mc network's size (2 x 64, crops of 128, 1,500 iterations;
# mt and etl) and a larger one (4 x 128, 3,000 iterations; mt), no n-gram prior; the other
# channels drawn given the previous event and the event (--draw pair; --draw type at L =
# 256 for the first on mt); windows of 1024 and 4096 drawn in crops of 256, each next 128
# events imputed after the 128 before them. Beside it the Markov chain with the same pair
# drawing. EVCH=0: without; EVCH_SETS: the traces; EVCH_MODELS: the models on mt.
if [ "${EVCH:-1}" = 1 ]; then
    for ds in ${EVCH_SETS:-mt etl}; do
        [ -f $ds.mdm1.tsm ] || nice -n 19 $B train --model mdm $ds --length 256 --layers 2 --channels 64 --context 128 \
            --prior 0 --iters 1500 --schedule cosine --warmup 50 --valid-every 250 --threads 1 --no-progress \
            --log $ds.mdm1.jsonl -o $ds.mdm1.tsm > $ds.mdm1.train.txt
        for L in 256 1024 4096; do
            g=$ds-markovpair-$L
            [ -f $g-rep.eval.json ] && continue
            $B markov $ds -n $N --length $L --draw pair --seed 1 -o $g > /dev/null
            evrep $ds $g $L
        done
    done
    [ -f mt.mdm4.tsm ] || nice -n 19 $B train --model mdm mt --length 256 --layers 4 --channels 128 --context 128 \
        --prior 0 --iters 3000 --schedule cosine --warmup 100 --valid-every 250 --threads 1 --no-progress \
        --log mt.mdm4.jsonl -o mt.mdm4.tsm > mt.mdm4.train.txt
    g=mt-evmdm1-type-256
    if [ ! -f $g-rep.eval.json ]; then
        nice -n 19 $B generate mt.mdm1.tsm --channels-from mt --draw type -n $((N / 256)) --length 256 --seed 1 \
            --threads 1 --no-progress -o $g > $g.gen.txt
        evrep mt $g 256
    fi
    for dm in $(for ds in ${EVCH_SETS:-mt etl}; do echo $ds:mdm1; done) $(for m in ${EVCH_MODELS:-mdm4}; do echo mt:$m; done); do
        ds=${dm%%:*} mdl=${dm#*:}
        for L in 256 1024 4096; do
            g=$ds-ev$mdl-$L
            [ -f $g-rep.eval.json ] && continue
            nice -n 19 $B generate $ds.$mdl.tsm --channels-from $ds -n $((N / L)) --length $L --crop 256 --seed 1 \
                --threads 1 --no-progress -o $g > $g.gen.txt
            evrep $ds $g $L
        done
    done
fi
# seed spread: seeds 2 and 3 at 16384 events (the rows above: seed 1, 65536 events) of the
# event-channel models and the Markov chain on mt at L = 256 and 1024; and on etl an event
# model trained without span masks (--span-frac 0: every crop masked at random, the way
# generation starts), 64 windows of 256. SEEDS=0: without.
if [ "${SEEDS:-1}" = 1 ] && [ "${EVCH:-1}" = 1 ]; then
    for s in 2 3; do
        for L in 256 1024; do
            for mdl in mdm1 mdm4 markov; do
                if [ $mdl = markov ]; then g=mt-markov-s$s-$L; else g=mt-ev$mdl-s$s-$L; fi
                [ -f $g.eval.json ] && continue
                if [ $mdl = markov ]; then
                    $B markov mt -n 16384 --length $L --seed $s -o $g > /dev/null
                else
                    nice -n 19 $B generate mt.$mdl.tsm --channels-from mt -n $((16384 / L)) --length $L --crop 256 \
                        --seed $s --threads 1 --no-progress -o $g > $g.gen.txt
                fi
                $B eval --real mt --real-part test --synthetic $g --constraints mt.tsc --length $L --json > $g.eval.json
            done
        done
    done
    [ -f etl.mdm1s0.tsm ] || nice -n 19 $B train --model mdm etl --length 256 --layers 2 --channels 64 --context 128 \
        --prior 0 --span-frac 0 --iters 1500 --schedule cosine --warmup 50 --valid-every 250 --threads 1 --no-progress \
        --log etl.mdm1s0.jsonl -o etl.mdm1s0.tsm > etl.mdm1s0.train.txt
    for mdl in mdm1 mdm1s0; do
        g=etl-ev$mdl-st64
        [ -f $g.eval.json ] && continue
        nice -n 19 $B generate etl.$mdl.tsm --channels-from etl -n 64 --length 256 --seed 1 --threads 1 --no-progress \
            -o $g > $g.gen.txt
        $B eval --real etl --real-part test --synthetic $g --constraints etl.tsc --length 256 --json > $g.eval.json
    done
fi
# mdm-mc sampled at temperatures below 1 (N/4 events at L = 256 and 1024; T = 1 is the
# min-p 0 row); TEMP=0: without
if [ "${TEMP:-1}" = 1 ] && [ -f mt.mdm-mc.tsm ]; then
    for L in 256 1024; do
        for T in 0.7 0.8 0.9; do
            g=mt-mdmmc-t$T-$L
            [ -f $g.eval.json ] && continue
            nice -n 19 $B generate mt.mdm-mc.tsm -n $((N / 4 / L)) --length $L --seed 1 --temperature $T --threads 1 \
                --no-progress -o $g > /dev/null
            $B eval --real mt --real-part test --synthetic $g --constraints mt.tsc --length $L --json > $g.eval.json
        done
    done
fi
# mdm-mc with the event channel's loss weighted 4 times (--channel-weights event=4), the
# main rows' training otherwise; N/4 events at L = 256 and 1024; CHW=0: without
if [ "${CHW:-1}" = 1 ]; then
    [ -f mt.mdm-mc-ev4.tsm ] || nice -n 19 $B train --model mdm-mc mt --length 256 --layers 2 --channels 64 \
        --context 128 --iters 1500 --schedule cosine --warmup 50 --valid-every 250 --channel-weights event=4 \
        --threads 1 --no-progress --log mt.mdm-mc-ev4.jsonl -o mt.mdm-mc-ev4.tsm > mt.mdm-mc-ev4.train.txt
    for L in 256 1024; do
        g=mt-mdmmc-ev4-$L
        [ -f $g.eval.json ] && continue
        nice -n 19 $B generate mt.mdm-mc-ev4.tsm -n $((N / 4 / L)) --length $L --seed 1 --threads 1 --no-progress \
            -o $g > /dev/null
        $B eval --real mt --real-part test --synthetic $g --constraints mt.tsc --length $L --json > $g.eval.json
    done
fi
N=$N python3 - <<'PY'
import json, os
N = int(os.environ["N"])
def J(p): return json.load(open(p))
def f(v): return "-" if v is None else "%.4f" % v
for ds in ("mt", "http", "etl"):
    print("\n%s" % ds)
    print("| trace | L | D_trans | D_time | D_cpu | D_attr | JS event | JS bigram | W1 dt | JS comm | JS ret | JS tid | JS cpu | JS ev×cpu | JS ev×ret | bursts/1000 (real) | memorized | memorized (events) | changed by repair |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    rows = []
    for L in (256, 1024, 4096):
        g = "%s-markov-%d" % (ds, L)
        rows.append(("Markov", L, J(g + ".eval.json"), J(g + ".repair.json")))
        rows.append(("Markov, repaired", L, J(g + "-rep.eval.json"), None))
    import os
    if ds == "mt" and os.path.exists("mt-mdm-256.eval.json"):
        rows.append(("mdm events + drawn channels", 256, J("mt-mdm-256.eval.json"), J("mt-mdm-256.repair.json")))
        rows.append(("mdm events + drawn channels, repaired", 256, J("mt-mdm-256-rep.eval.json"), None))
    for name, pre in (("Markov, pair-drawn channels", "markovpair-%d"),
                      ("mdm 2×64 events (--channels-from), type-drawn channels", "evmdm1-type-%d"),
                      ("mdm 2×64 events (--channels-from), pair-drawn channels", "evmdm1-%d"),
                      ("mdm 4×128 events (--channels-from), pair-drawn channels", "evmdm4-%d")):
        for L in (256, 1024, 4096):
            g = ds + "-" + pre % L
            if os.path.exists(g + "-rep.eval.json"):
                rows.append((name, L, J(g + ".eval.json"), J(g + ".repair.json")))
                rows.append((name + ", repaired", L, J(g + "-rep.eval.json"), None))
    for L in (256, 1024, 4096):
        g = "%s-mdmmc-%d" % (ds, L)
        if os.path.exists(g + ".eval.json"):
            rows.append(("mdm-mc", L, J(g + ".eval.json"), J(g + ".repair.json")))
            rows.append(("mdm-mc, repaired", L, J(g + "-rep.eval.json"), None))
    for L in (256, 1024, 4096):
        g = "%s-ddpmmc-%d" % (ds, L)
        if os.path.exists(g + ".eval.json"):
            rows.append(("ddpm-mc", L, J(g + ".eval.json"), J(g + ".repair.json")))
            rows.append(("ddpm-mc, repaired", L, J(g + "-rep.eval.json"), None))
    g = "%s-mdmmc-real-256" % ds
    if os.path.exists(g + ".eval.json"):
        rows.append(("mdm-mc, dt real", 256, J(g + ".eval.json"), J(g + ".repair.json")))
        rows.append(("mdm-mc, dt real, repaired", 256, J(g + "-rep.eval.json"), None))
    g = "%s-mdmmc-prefix" % ds
    if os.path.exists(g + ".eval.json"):
        rows.append(("mdm-mc, first 64 observed", 256, J(g + ".eval.json"), J(g + ".repair.json")))
        rows.append(("mdm-mc, first 64 observed, repaired", 256, J(g + "-rep.eval.json"), None))
    g = "%s-ddpmmc-prefix" % ds
    if os.path.exists(g + ".eval.json"):
        rows.append(("ddpm-mc, first 64 observed", 256, J(g + ".eval.json"), J(g + ".repair.json")))
        rows.append(("ddpm-mc, first 64 observed, repaired", 256, J(g + "-rep.eval.json"), None))
    for name, L, e, r in rows:
        v, js = e["validity"], e["js"]
        ch = "" if r is None else "%.2f %%" % (100 * r["share_changed"])
        print("| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s (%s) | %s | %s | %s |" % (
            name, L, f(v["d_trans"]), f(v["d_time"]), f(v["d_cpu"]), f(v["d_attr"]), f(js["event"]), f(e["js_bigram"]),
            f(e["w1_dt"]), f(js["comm"]), f(js["ret"]), f(js["tid"]), f(js["cpu"]), f(e["js_event_cpu"]), f(e["js_event_ret"]),
            "%.1f" % e["bursts_synthetic"], "%.1f" % e["bursts_real"], f(e["memorized"]), f(e["memorized_events"]), ch))
    e, r, e2 = J(ds + "-real.eval.json"), J(ds + "-test.repair.json"), J(ds + "-test-rep.eval.json")
    b, a = r["before"], r["after"]
    print("\nreal test part (%d events) under the training constraints: D_trans %s D_time %s D_cpu %s D_attr %s;"
          " repaired: %s %s %s %s, %.2f %% of its events changed (%s);"
          " repaired vs unrepaired: JS event %s, JS bigram %s, W1 dt %s, JS tid %s, JS cpu %s, JS ret %s" % (
          r["events"], f(b["d_trans"]), f(b["d_time"]), f(b["d_cpu"]), f(b["d_attr"]),
          f(a["d_trans"]), f(a["d_time"]), f(a["d_cpu"]), f(a["d_attr"]), 100 * r["share_changed"],
          ", ".join("%s %d" % (k, n) for k, n in r["changed"].items() if n),
          f(e2["js"]["event"]), f(e2["js_bigram"]), f(e2["w1_dt"]), f(e2["js"]["tid"]), f(e2["js"]["cpu"]), f(e2["js"]["ret"])))
    if ds == "mt" and os.path.exists("mt-mdmmc-minp0-256.eval.json"):
        print("\nmdm-mc on mt, sampling truncated at --min-p X (%d events per L):" % (N // 4))
        print("| L | min-p | D_trans | D_time | D_cpu | D_attr | JS event | JS bigram | W1 dt | JS ret | JS tid | JS cpu |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|")
        for L in (256, 1024):
            for mp in ("0", "0.05", "0.1", "0.2"):
                p = "mt-mdmmc-minp%s-%d.eval.json" % (mp, L)
                if not os.path.exists(p): continue
                e = J(p); v = e["validity"]; js = e["js"]
                print("| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (L, mp, f(v["d_trans"]), f(v["d_time"]),
                      f(v["d_cpu"]), f(v["d_attr"]), f(js["event"]), f(e["js_bigram"]), f(e["w1_dt"]), f(js["ret"]),
                      f(js["tid"]), f(js["cpu"])))
    if ds == "mt" and os.path.exists("mt-evmdm1-s2-256.eval.json"):
        print("\nseed spread on mt: seed 1 (65536 events, the rows above) and seeds 2, 3 (16384 events each):")
        print("| L | generator | seed | D_trans | JS event | JS bigram | W1 dt | LCS mean |")
        print("|---|---|---|---|---|---|---|---|")
        for L in (256, 1024):
            for name, pre in (("Markov", "mt-markov"), ("mdm 2×64 events, pair-drawn", "mt-evmdm1"),
                              ("mdm 4×128 events, pair-drawn", "mt-evmdm4")):
                for sd in (1, 2, 3):
                    p = "%s-%d.eval.json" % (pre, L) if sd == 1 else "%s-s%d-%d.eval.json" % (pre, sd, L)
                    if not os.path.exists(p): continue
                    e = J(p)
                    print("| %d | %s | %d | %s | %s | %s | %s | %.1f |" % (L, name, sd, f(e["validity"]["d_trans"]),
                          f(e["js"]["event"]), f(e["js_bigram"]), f(e["w1_dt"]), e["lcs_mean"]))
    if ds == "etl" and os.path.exists("etl-evmdm1s0-st64.eval.json"):
        print("\netl, mdm 2×64 events with pair-drawn channels, 64 windows of 256 (seed 1), trained with half the crops"
              " masked as one span (the default) or none (--span-frac 0):")
        print("| span-frac | D_trans | JS event | JS bigram | W1 dt |")
        print("|---|---|---|---|---|")
        for sf, p in (("0.5", "etl-evmdm1-st64.eval.json"), ("0", "etl-evmdm1s0-st64.eval.json")):
            e = J(p)
            print("| %s | %s | %s | %s | %s |" % (sf, f(e["validity"]["d_trans"]), f(e["js"]["event"]), f(e["js_bigram"]),
                  f(e["w1_dt"])))
    if ds == "mt" and os.path.exists("mt-mdmmc-t0.8-256.eval.json"):
        print("\nmdm-mc on mt sampled at temperature T, or trained with the event channel's loss weighted 4 times"
              " (%d events per L; T = 1: the min-p 0 rows):" % (N // 4))
        print("| L | model | T | D_trans | D_time | D_cpu | D_attr | JS event | JS bigram | W1 dt | JS ret | JS tid | JS cpu |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for L in (256, 1024):
            for mdl, T, p in [("mdm-mc", "1", "mt-mdmmc-minp0-%d.eval.json" % L)] + [
                    ("mdm-mc", t, "mt-mdmmc-t%s-%d.eval.json" % (t, L)) for t in ("0.9", "0.8", "0.7")] + [
                    ("mdm-mc, event=4", "1", "mt-mdmmc-ev4-%d.eval.json" % L)]:
                if not os.path.exists(p): continue
                e = J(p); v = e["validity"]; js = e["js"]
                print("| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (L, mdl, T, f(v["d_trans"]),
                      f(v["d_time"]), f(v["d_cpu"]), f(v["d_attr"]), f(js["event"]), f(e["js_bigram"]), f(e["w1_dt"]),
                      f(js["ret"]), f(js["tid"]), f(js["cpu"])))
    if ds == "mt" and os.path.exists("mt-mdmmc-c256-256.eval.json"):
        print("\nmdm-mc on mt trained on crops of 128 or 256 events (%d events per L):" % (N // 4))
        print("| context | L | D_trans | D_time | D_cpu | D_attr | JS event | JS bigram | W1 dt | JS ret | JS tid | JS cpu |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|")
        for L in (256, 1024):
            for cx, p in (("128", "mt-mdmmc-minp0-%d.eval.json" % L), ("256", "mt-mdmmc-c256-%d.eval.json" % L)):
                if not os.path.exists(p): continue
                e = J(p); v = e["validity"]; js = e["js"]
                print("| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (cx, L, f(v["d_trans"]), f(v["d_time"]),
                      f(v["d_cpu"]), f(v["d_attr"]), f(js["event"]), f(e["js_bigram"]), f(e["w1_dt"]), f(js["ret"]),
                      f(js["tid"]), f(js["cpu"])))
    for mdl in ("mdmmc", "ddpmmc"):
        g = "%s-%s-prefix.impute.json" % (ds, mdl)
        if not os.path.exists(g): continue
        i = J(g)
        print("\n%s conditioned on the first 64 events of %d test windows of 256: share of the %d drawn events equal"
              " to the real ones: %s" % (i["model"], i["windows"], i["hidden"], ", ".join(
                  "%s %.1f %%" % (k[9:], v) for k, v in i.items() if k.startswith("accuracy_"))))
PY
