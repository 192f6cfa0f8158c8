#!/bin/sh
# Reference workload of the embedded trace: pack, compress, unpack and verify a
# source tree (the pattern of the compress-gzip and unpack-linux benchmarks).
set -e
W=$(mktemp -d)
tar -cf "$W/src.tar" -C /usr/include linux
gzip -c "$W/src.tar" > "$W/src.tar.gz"
mkdir "$W/out"
gzip -dc "$W/src.tar.gz" | tar -xf - -C "$W/out"
diff -r /usr/include/linux "$W/out/linux" > /dev/null
rm -rf "$W"
