#!/bin/sh
# The n-gram baseline on each recorded workload (README's table):
#
#   sh data/workloads/evaluate.sh [NAME...]
#
# For each NAME.strace.gz beside this script: ingest (--from strace reads the gzip), the
# leak-free time split at L = 200, train the n-gram, reconstruct 500 centre blackouts of
# k = 10 and print the metrics. Work goes to out/workloads/NAME/. TRACESYNTH names the
# binary (default build/tracesynth).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
B=${TRACESYNTH:-build/tracesynth}
L=${L:-200}
K=${K:-10}
names=${*:-$(cd "$here" && ls *.strace.gz | sed 's/\.strace\.gz$//')}
for name in $names; do
    O=out/workloads/$name
    rm -rf "$O"
    mkdir -p "$O"
    echo "== $name"
    $B ingest --from strace "$here/$name.strace.gz" -o "$O/ds"
    $B split "$O/ds" --split time --length "$L" -o "$O/split" | grep verbatim || true
    $B train --model ngram "$O/ds" --split time --length "$L" -o "$O/ngram.tsm" --no-progress
    $B impute "$O/ngram.tsm" --input "$O/ds" --blackout "$K" --position center -o "$O/impute" --no-progress
done
