#!/bin/sh
# The study's comparison side by side (docs/results-study.md): every model of the study
# (sssd-s4, diffwave, sssd-sa, csdi-s4, lstm) beside the n-gram baseline and mdm, on the
# leak-free time split, with one protocol for all: `bench impute`, L = 200, 100 validation
# and 100 test windows, blackouts of 1, 10 and 40 at the centre and the end, seed 0, one
# thread, the same training budget for every learned model (BUDGET, default 90s: the
# iterations that fit, timed by the shared trainer before the run; mdm's budget also holds
# its decoding choices), the diffusion models sampling by DDIM in 50 steps, mdm and lstm
# imputing at their defaults, the n-gram at its defaults. Run from the repository root
# after `make`; writes under ${OUT:-/tmp/ts-study} and prints the tables. About 15-18 minutes
# per dataset on one loaded core; SETS: the datasets (default: mt gzip php, in that order);
# MODELS: the models; what exists is not redone. The training's progress lines (the
# iterations it planned and made) go to $ds-$m.err.
set -eu
B=${B:-$PWD/build/tracesynth}
SHARED=${SHARED:-$PWD/../shared}
OUT=${OUT:-/tmp/ts-study}
BUDGET=${BUDGET:-90s}
BLACKOUTS=${BLACKOUTS:-1,10,40}
MODELS=${MODELS:-ngram lstm mdm sssd-s4 diffwave sssd-sa csdi-s4}
mkdir -p "$OUT"
cd "$OUT"
# (1) the real LTTng trace, all CPUs interleaved, exits included
[ -f mt/stream.txt ] || $B ingest --from ctf --exits "$SHARED/traces/lttng/many-threads" -o mt > /dev/null
for ds in ${SETS:-mt gzip php}; do
    case $ds in
    mt) D=mt ;;
    gzip) D=$SHARED/datasets/pts/compress-gzip ;;
    php) D=$SHARED/datasets/pts/phpbench ;;
    *) D=$ds ;;
    esac
    for m in $MODELS; do
        j=$ds-$m.json
        [ -f "$j" ] && continue
        case $m in
        ngram) extra= ;;                             # draws nothing: takes no --seed
        lstm|mdm) extra="--seed 0 --budget $BUDGET" ;;
        *) extra="--seed 0 --budget $BUDGET --steps 50" ;;   # DDIM in 50 of T steps
        esac
        echo "$ds $m start $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)" >> study.log
        t0=$(date +%s)
        # shellcheck disable=SC2086
        nice -n 19 $B bench impute --model $m "$D" --split time --lengths 200 --windows 100 \
            --blackouts "$BLACKOUTS" --positions center,end --threads 1 \
            $extra --json "$j.part" > $ds-$m.txt 2> $ds-$m.err
        mv "$j.part" "$j"
        echo "$ds $m done $(date -u +%H:%M:%S) $(( $(date +%s) - t0 )) s load $(cut -d' ' -f1-3 /proc/loadavg)" >> study.log
    done
done
cat study.log
for f in *.txt; do echo "== $f"; cat "$f"; done
