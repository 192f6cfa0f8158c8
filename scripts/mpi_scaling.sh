#!/bin/sh
# Data-parallel scaling of `tracesynth train` (sssd-s4): iterations per second of
# 1 process x 1 thread, 1 process x 2 threads and 2 processes x 1 thread, same
# global batch and seed, REPEATS rounds in turn (so that the machine's load hits
# each alike). Prints one line per run and the medians.
# usage: scripts/mpi_scaling.sh DATASET [ITERS] [REPEATS] [extra train options]
set -e
DS=${1:?usage: scripts/mpi_scaling.sh DATASET [ITERS] [REPEATS] [options]}
ITERS=${2:-20}
REP=${3:-3}
shift $(( $# < 3 ? $# : 3 ))
BIN=${TRACESYNTH:-build/tracesynth}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
OPTS="--model sssd-s4 --length 200 --windows 64 --layers 4 --channels 64 --batch 16 --iters $ITERS --valid-every 100000 --valid-n 16 --seed 1 --no-progress $*"
run() {  # name, prefix, threads
    "$@" >/dev/null
}
for r in $(seq 1 "$REP"); do
    for cfg in 1x1 1x2 2x1; do
        case $cfg in
            1x1) pre=""; th=1 ;;
            1x2) pre=""; th=2 ;;
            2x1) pre="mpirun -np 2 --oversubscribe --allow-run-as-root --bind-to none"; th=1 ;;
        esac
        rm -f "$TMP/log.jsonl"
        t0=$(date +%s.%N)
        $pre "$BIN" train $OPTS "$DS" --threads $th -o "$TMP/m.tsm" --log "$TMP/log.jsonl" >/dev/null
        t1=$(date +%s.%N)
        its=$(grep '"it_s"' "$TMP/log.jsonl" | tail -n 1 | sed -E 's/.*"it_s":([0-9.]+).*/\1/')
        echo "$cfg run $r: $its it/s (wall $(echo "$t1 - $t0" | bc) s, load $(cut -d' ' -f1 /proc/loadavg))"
        echo "$cfg $its" >>"$TMP/all"
    done
done
for cfg in 1x1 1x2 2x1; do
    med=$(grep "^$cfg " "$TMP/all" | cut -d' ' -f2 | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')
    lo=$(grep "^$cfg " "$TMP/all" | cut -d' ' -f2 | sort -g | head -n 1)
    hi=$(grep "^$cfg " "$TMP/all" | cut -d' ' -f2 | sort -g | tail -n 1)
    echo "$cfg (processes x threads): median $med it/s (min $lo, max $hi)"
done
