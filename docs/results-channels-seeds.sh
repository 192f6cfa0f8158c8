#!/bin/sh
# The 4 x 128 event model as the event channel (generate --channels-from) against the Markov
# chain over seeds (docs/results-channels.md, "Event model and Markov chain over seeds"), on
# the LTTng trace many-threads (mt) and the strace workload python-etl (etl). Per trace:
#  1. the event model: mdm on the events alone, 4 blocks x 128, crops of 128, 3,000
#     iterations (about 25 minutes on one loaded core each);
#  2. its sampler and temperature chosen on the VALIDATION part (the 10 % after the
#     training part): unmasking (mdm's default; windows over 256 drawn in crops of 256;
#     "unmaskc": in crops of the network's training crop, 128) or left to right
#     (--sampler chain), at T = 1, 0.9 (and 0.8 for chain), L = 256, NS
#     events, seed 101; the lowest bigram JS against the validation part wins; with
#     PER_L=1 the choice is made at each L (256, 1024, 4096) for that L;
#  3. the chosen way and the Markov chain (tracesynth markov) at L = 256, 1024, 4096, seeds
#     1, 2, 3, NS events each, against the TEST part (the last 20 %); medians and ranges.
# Run from the repository root after `make`; writes under ${OUT:-/tmp/ts-channels} (the
# models are shared with results-channels.sh) and prints the tables. What exists is not
# redone. NS: events per run (default 16384). ALSO="DS=SAMPLER:T ...": that way too on DS's
# test part, shown beside the chosen one as not chosen.
set -eu
B=${B:-$PWD/build/tracesynth}
SHARED=${SHARED:-$PWD/../shared}
OUT=${OUT:-/tmp/ts-channels}
NS=${NS:-16384}
SETS=${SETS:-etl mt}
ALSO=${ALSO:-}
PER_L=${PER_L:-0}
CHOICE_LS=256
[ "$PER_L" = 1 ] && CHOICE_LS="256 1024 4096"
mkdir -p "$OUT"
here=$PWD
cd "$OUT"
[ -d mt ] || $B ingest --from ctf "$SHARED/traces/lttng/many-threads" --channels -o mt > /dev/null
[ -d etl ] || $B ingest --from strace "$here/data/workloads/python-etl.strace.gz" --channels -o etl > /dev/null
R="--threads 1 --no-progress"
# gen DS WAY L SEED OUT: the event model's windows, WAY = SAMPLER:T
# (sh has no local variables: the names here are gen's own)
gen() {
    gen_s=${2%%:*} gen_t=${2#*:} gen_crop=""
    [ $gen_s = unmask ] && [ $3 -gt 256 ] && gen_crop="--crop 256"
    [ $gen_s = unmaskc ] && gen_s=unmask && gen_crop="--crop 128"   # the training crop
    /usr/bin/time -f "%e s" -o $5.time nice -n 10 $B generate $1.mdm4.tsm --channels-from $1 -n $((NS / $3)) \
        --length $3 $gen_crop --sampler $gen_s --temperature $gen_t --seed $4 $R -o $5 > $5.gen.txt
}
for ds in $SETS; do
    [ -f $ds.tsc ] || $B constraints $ds -o $ds.tsc > /dev/null
    [ -f $ds.mdm4.tsm ] || nice -n 10 $B train --model mdm $ds --length 256 --layers 4 --channels 128 --context 128 \
        --prior 0 --iters 3000 --schedule cosine --warmup 100 --valid-every 250 --threads 1 --no-progress \
        --log $ds.mdm4.jsonl -o $ds.mdm4.tsm > $ds.mdm4.train.txt
done
for ds in $SETS; do
    # the choice, on the validation part (at L = 256, or at each L with PER_L=1)
    for CL in $CHOICE_LS; do
        for way in unmask:1 unmask:0.9 unmaskc:1 unmaskc:0.9 chain:1 chain:0.9 chain:0.8; do
            g=$ds-sel-$(echo $way | tr : -)-$CL
            [ -f $g.valid.json ] && continue
            gen $ds $way $CL 101 $g
            $B eval --real $ds --real-part valid --synthetic $g --constraints $ds.tsc --length $CL --json > $g.valid.json
        done
        g=$ds-sel-markov-$CL
        [ -f $g.valid.json ] || { $B markov $ds -n $NS --length $CL --seed 101 -o $g > /dev/null &&
            $B eval --real $ds --real-part valid --synthetic $g --constraints $ds.tsc --length $CL --json > $g.valid.json; }
        way=$(for f in $ds-sel-unmask-*-$CL.valid.json $ds-sel-unmaskc-*-$CL.valid.json $ds-sel-chain-*-$CL.valid.json; do
                  python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['js_bigram'], sys.argv[1])" $f
              done | sort -g | head -1 | sed -E "s/.* $ds-sel-([a-z]+)-([0-9.]+)-$CL.valid.json/\1:\2/")
        echo "$way" > $ds.chosen.$CL
    done
    cp $ds.chosen.256 $ds.chosen
    # the test part: the chosen way and the chain, three seeds
    for L in 256 1024 4096; do
        way=$(cat $ds.chosen)
        [ "$PER_L" = 1 ] && way=$(cat $ds.chosen.$L)
        for s in 1 2 3; do
            g=$ds-seed-ev-$(echo $way | tr : -)-$L-$s
            [ -f $g.eval.json ] || { gen $ds $way $L $s $g &&
                $B eval --real $ds --real-part test --synthetic $g --constraints $ds.tsc --length $L --json > $g.eval.json; }
            for a in $ALSO; do
                [ ${a%%=*} = $ds ] || continue
                g=$ds-seed-also-$(echo ${a#*=} | tr : -)-$L-$s
                [ -f $g.eval.json ] || { gen $ds ${a#*=} $L $s $g &&
                    $B eval --real $ds --real-part test --synthetic $g --constraints $ds.tsc --length $L --json > $g.eval.json; }
            done
            g=$ds-seed-markov-$L-$s
            [ -f $g.eval.json ] || { $B markov $ds -n $NS --length $L --seed $s -o $g > /dev/null &&
                $B eval --real $ds --real-part test --synthetic $g --constraints $ds.tsc --length $L --json > $g.eval.json; }
        done
    done
done
SETS="$SETS" NS=$NS ALSO="$ALSO" CHOICE_LS="$CHOICE_LS" python3 - <<'PY'
import json, os, statistics
def J(p): return json.load(open(p))
def bits(ds):   # the best validation bound of the training log, bits per event
    b = [json.loads(l) for l in open(ds + ".mdm4.jsonl") if "best_valid_loss" in l]
    return b[-1]["best_valid_loss"] if b else None
def chosen(ds, L):
    p = "%s.chosen.%d" % (ds, L)
    return open(p if os.path.exists(p) else ds + ".chosen").read().strip()
choice_ls = [int(x) for x in os.environ["CHOICE_LS"].split()]
for ds in os.environ["SETS"].split():
    print("\n%s: the event model's validation bound %.4f bits per event; chosen on the validation part: %s" % (
        ds, bits(ds), ", ".join("%s at L = %d" % (chosen(ds, L), L) for L in choice_ls)))
    for CL in choice_ls:
        print("| L = %d, seed 101, validation part | JS event | JS bigram | W1 dt | D_trans | memorized | seconds |" % CL)
        print("|---|---|---|---|---|---|---|")
        for w in ("unmask:1", "unmask:0.9", "unmaskc:1", "unmaskc:0.9", "chain:1", "chain:0.9", "chain:0.8", "markov"):
            g = "%s-sel-%s-%d" % (ds, w.replace(":", "-"), CL)
            e = J(g + ".valid.json")
            t = open(g + ".time").read().split()[0] if os.path.exists(g + ".time") else "-"
            print("| %s | %.4f | %.4f | %.4f | %.4f | %.4f | %s |" % ("Markov chain" if w == "markov" else w.replace(":", ", T = "),
                  e["js"]["event"], e["js_bigram"], e["w1_dt"], e["validity"]["d_trans"], e["memorized"], t))
        print()
    print("%s, test part, seeds 1, 2, 3 (%s events each): median (min–max)" % (ds, os.environ["NS"]))
    print("| L | generator | JS bigram | JS event | W1 dt | D_trans | memorized | bigram JS below the chain's (seeds) |")
    print("|---|---|---|---|---|---|---|---|")
    for L in (256, 1024, 4096):
        way = chosen(ds, max(c for c in choice_ls if c <= L))
        ev = [J("%s-seed-ev-%s-%d-%d.eval.json" % (ds, way.replace(":", "-"), L, s)) for s in (1, 2, 3)]
        mk = [J("%s-seed-markov-%d-%d.eval.json" % (ds, L, s)) for s in (1, 2, 3)]
        rows = [("event model (" + way + ")", ev)]
        for a in os.environ["ALSO"].split():
            if a.split("=")[0] == ds:
                w = a.split("=")[1]
                rows.append(("event model (%s, not chosen)" % w, [J("%s-seed-also-%s-%d-%d.eval.json" % (
                    ds, w.replace(":", "-"), L, s)) for s in (1, 2, 3)]))
        for name, es in rows + [("Markov chain", mk)]:
            cols = []
            for get in (lambda e: e["js_bigram"], lambda e: e["js"]["event"], lambda e: e["w1_dt"],
                        lambda e: e["validity"]["d_trans"], lambda e: e["memorized"]):
                v = [get(e) for e in es]
                cols.append("%.4f (%.4f–%.4f)" % (statistics.median(v), min(v), max(v)))
            below = "" if es is mk else "%d of 3" % sum(a["js_bigram"] < b["js_bigram"] for a, b in zip(es, mk))
            print("| %d | %s | %s | %s |" % (L, name, " | ".join(cols), below))
PY
