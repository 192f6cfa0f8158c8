#!/bin/sh
# Runs the fuzz harnesses built in BUILD/fuzz/.
#   run.sh SECONDS BUILD     fuzz each harness SECONDS seconds from tests/fuzz/corpus/NAME
#                            (new inputs go to BUILD/fuzz/corpus/NAME, failures to
#                            BUILD/fuzz/artifacts/)
#   run.sh --repro BUILD     run each harness once on every file in tests/fuzz/repro/NAME/
# Memory limits make an input that drives a huge allocation a failure. FUZZ_FLAGS adds
# libFuzzer options (e.g. "-fork=1 -ignore_crashes=1" to keep going after a failure);
# FUZZ_CORPUS: where new inputs go instead of BUILD/fuzz/corpus; FUZZ_ONLY="ids npy":
# only those harnesses.
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
# the harnesses' scratch files (left behind when a harness dies), removed at the end; one
# directory per run, so that runs at the same time leave each other's alone
export TMPDIR="$b/tmp/run.$$"
rm -rf "$TMPDIR"
mkdir -p "$TMPDIR"
failed=""
for bin in "$b"/fuzz_*; do
    [ -x "$bin" ] || continue
    name=${bin##*/fuzz_}
    case " ${FUZZ_ONLY:-$name} " in *" $name "*) ;; *) continue ;; esac
    log=$b/logs/$name.log
    # FUZZ_SLOW_UNWIND=1: stacks through libbabeltrace2 (no frame pointers) in full, to
    # match lsan.supp against them (four times slower)
    asan=""
    [ "$name" = ctf ] && [ "${FUZZ_SLOW_UNWIND:-0}" = 1 ] && asan="fast_unwind_on_malloc=0"
    if [ "$mode" = "--repro" ]; then
        [ -d "$here/repro/$name" ] || continue
        files=$(ls "$here/repro/$name"/* 2>/dev/null)
        [ -n "$files" ] || continue
        for f in $files; do
            if ASAN_OPTIONS=$asan "$bin" $limits "$f" >"$log" 2>&1; then
                echo "fuzz $name: $f ok"
            else
                echo "fuzz $name: $f FAILS: $(grep -m1 -E 'ERROR:|runtime error|precondition not satisfied;' "$log" | sed 's/==[0-9]*== *//')"
                failed="$failed $name"
            fi
        done
        continue
    fi
    corpus=${FUZZ_CORPUS:-$b/corpus}/$name
    mkdir -p "$corpus"
    dict=""
    [ -f "$here/dict/$name.dict" ] && dict="-dict=$here/dict/$name.dict"
    ASAN_OPTIONS=$asan "$bin" $limits $dict ${FUZZ_FLAGS:-} -max_total_time="$mode" -print_final_stats=1 \
        -artifact_prefix="$b/artifacts/$name-" "$corpus" "$here/corpus/$name" >"$log" 2>&1
    rc=$?
    # runs: the final stats, or the last status line in -fork mode ("#N: ... oom/timeout/crash: a/b/c")
    runs=$(sed -n 's/^stat::number_of_executed_units: //p' "$log")
    last=$(grep -E '^#[0-9]+: ' "$log" | tail -n 1)
    [ -n "$runs" ] || runs=$(echo "$last" | sed -n 's/^#\([0-9]*\):.*/\1/p')
    bad=$(echo "$last" | sed -n 's|.*oom/timeout/crash: \([0-9/]*\).*|\1|p')
    [ -z "$bad" ] || [ "$bad" = 0/0/0 ] || rc=1
    if [ $rc -eq 0 ]; then
        echo "fuzz $name: ${runs:-?} runs in ${mode} s, 0 crashes"
    else
        echo "fuzz $name: FAILED after ${runs:-?} runs${bad:+ (oom/timeout/crash: $bad)} (log: $log)"
        grep -E 'ERROR:|runtime error|precondition not satisfied;|Test unit written' "$log" |
            sed 's/==[0-9]*== *//; s/^[0-9 .:-]* F //' | sort | uniq -c | sort -rn | head -8
        failed="$failed $name"
    fi
done
rm -rf "$TMPDIR"
if [ -n "$failed" ]; then
    echo "fuzz: failed:$failed"
    exit 1
fi
