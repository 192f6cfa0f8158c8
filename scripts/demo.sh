#!/bin/sh
# The main job on the embedded default trace (data/default): ingest a real strace
# log, split it in time (no test event is seen in training), train the models,
# reconstruct 10-event blackouts, synthesize windows, and evaluate both.
# Outputs go to out/demo/. MDM_ITERS and SSSD_ITERS set the neural models' training
# lengths.
set -e
B=${TRACESYNTH:-build/tracesynth}
O=out/demo
ITERS=${SSSD_ITERS:-1500}
MDM_ITERS=${MDM_ITERS:-300}
rm -rf "$O"
mkdir -p "$O"

echo "== ingest the embedded strace log"
$B ingest --from strace data/default/workload.strace -o $O/dataset
echo "== time split (L = 200) and leakage audit"
$B split $O/dataset --split time --length 200 -o $O/split

for M in unigram ngram; do
    echo "== $M: train, impute blackouts of 10 at the centre, evaluate"
    $B train --model $M $O/dataset --split time --length 200 -o $O/$M.tsm --no-progress
    $B impute $O/$M.tsm --input $O/dataset --blackout 10 -o $O/impute-$M --no-progress
done
echo "== ngram: bits per event of the test windows (interpolated Kneser-Ney)"
$B score $O/ngram.tsm --input $O/dataset

echo "== mdm ($MDM_ITERS iterations, choices on 50 validation windows): train, impute, evaluate"
$B train --model mdm $O/dataset --split time --length 200 --iters $MDM_ITERS --valid-windows 50 \
    -o $O/mdm.tsm --log $O/mdm.jsonl
$B impute $O/mdm.tsm --input $O/dataset --blackout 10 -o $O/impute-mdm

if $B train --help | grep -q '^  sssd-s4'; then
    echo "== sssd-s4 (small preset, $ITERS iterations): train, impute, evaluate"
    $B train --model sssd-s4 $O/dataset --split time --length 200 --preset small \
        --iters $ITERS -o $O/sssd-s4.tsm --log $O/sssd-s4.jsonl
    $B impute $O/sssd-s4.tsm --input $O/dataset --blackout 10 --windows 100 --steps 50 \
        -o $O/impute-sssd-s4
fi

echo "== ngram: generate 200 windows and compare with the real test windows"
$B generate $O/ngram.tsm -n 200 --length 200 -o $O/synthetic --format both --no-progress
$B eval --real $O/split/testing --synthetic $O/synthetic.txt --train $O/split/train_stream.txt
echo "== done: results under $O/"
