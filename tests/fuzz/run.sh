#!/bin/sh
# Runs the fuzz harnesses built in BUILD/fuzz/.
#   run.sh SECONDS BUILD     fuzz each harness SECONDS seconds from tests/fuzz/corpus/NAME
#                            (new inputs go to BUILD/fuzz/corpus/NAME, failures to
#                            BUILD/fuzz/artifacts/)
#   run.sh --repro BUILD     run each harness once on every file in tests/fuzz/repro/NAME/
# Memory limits make an input that drives a huge allocation a failure.
# Exit status 1 when any harness failed.
set -u
[ $# -eq 2 ] || { echo "usage: run.sh SECONDS|--repro BUILD" >&2; exit 2; }
mode=$1
b=$2/fuzz
here=$(dirname "$0")
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$here/ubsan.supp"
export LSAN_OPTIONS="suppressions=$here/lsan.supp:print_suppressions=0"
limits="-rss_limit_mb=2048 -malloc_limit_mb=512 -timeout=20"
mkdir -p "$b/artifacts" "$b/logs"
failed=""
for bin in "$b"/fuzz_*; do
    [ -x "$bin" ] || continue
    name=${bin##*/fuzz_}
    log=$b/logs/$name.log
    # the CTF reader's stacks pass through libbabeltrace2 (no frame pointers): the slow
    # unwinder lets lsan.supp match them
    asan=""
    [ "$name" = ctf ] && asan="fast_unwind_on_malloc=0"
    if [ "$mode" = "--repro" ]; then
        [ -d "$here/repro/$name" ] || continue
        files=$(ls "$here/repro/$name"/* 2>/dev/null)
        [ -n "$files" ] || continue
        for f in $files; do
            if ASAN_OPTIONS=$asan "$bin" $limits "$f" >"$log" 2>&1; then
                echo "fuzz $name: $f ok"
            else
                echo "fuzz $name: $f FAILS: $(grep -m1 -E 'ERROR|SUMMARY|runtime error|out of memory|exceeds' "$log")"
                failed="$failed $name"
            fi
        done
        continue
    fi
    mkdir -p "$b/corpus/$name"
    if ASAN_OPTIONS=$asan "$bin" $limits -max_total_time="$mode" -print_final_stats=1 \
           -artifact_prefix="$b/artifacts/$name-" "$b/corpus/$name" "$here/corpus/$name" >"$log" 2>&1; then
        echo "fuzz $name: $(sed -n 's/^stat::number_of_executed_units: //p' "$log") runs in ${mode} s, 0 crashes"
    else
        echo "fuzz $name: FAILED (log: $log)"
        grep -E '^==[0-9]+==ERROR|^SUMMARY|runtime error|out of memory|malloc\(|^artifact_prefix|Test unit written' "$log" | head -8
        failed="$failed $name"
    fi
done
if [ -n "$failed" ]; then
    echo "fuzz: failed:$failed"
    exit 1
fi
