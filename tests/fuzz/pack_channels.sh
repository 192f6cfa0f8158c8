#!/bin/sh
# Packs a multi-channel dataset directory into one fuzz_channels input (stdout): each file
# present as the marker \376\375TS, its index in fuzz_channels.c's files[], its bytes.
#   pack_channels.sh DIR > tests/fuzz/corpus/channels/NAME
set -eu
[ $# -eq 1 ] || { echo "usage: pack_channels.sh DIR" >&2; exit 2; }
i=0
for f in stream.txt vocab.tsv time_ns.npy dt.npy comm.npy comm.vocab.tsv ret.npy ret.vocab.tsv tid.npy cpu.npy length arch \
    exit.npy; do
    if [ -f "$1/$f" ]; then
        printf '\376\375TS'
        printf "\\$(printf %03o $i)"
        cat "$1/$f"
    fi
    i=$((i + 1))
done
