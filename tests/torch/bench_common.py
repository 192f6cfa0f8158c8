"""What bench_sssd.py, bench_mdm.py and bench_lstm.py share: the size options, the
timing loop and the one JSON line `tracesynth bench model --vs-torch` reads
(src/cli/bench_model.c: <step>_median_s, <step>_min_s, <step>_max_s, peak_rss_mib,
threads, params, torch)."""
import argparse
import json
import resource
import statistics
import time

import torch


def parser(layers, channels, batch):
    """the options every bench script takes, with the model's default sizes"""
    ap = argparse.ArgumentParser()
    ap.add_argument("--layers", type=int, default=layers)
    ap.add_argument("--channels", type=int, default=channels)
    ap.add_argument("--batch", type=int, default=batch)
    ap.add_argument("--length", type=int, default=200)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--iters", type=int, default=5)
    return ap


def time_steps(steps, iters):
    """steps: (name, fn) pairs; each run once to warm up, then timed iters times"""
    res = {}
    for name, fn in steps:
        fn()   # warm-up
        ts = []
        for _ in range(iters):
            t0 = time.perf_counter()
            fn()
            ts.append(time.perf_counter() - t0)
        res[name + "_median_s"] = statistics.median(ts)
        res[name + "_min_s"] = min(ts)
        res[name + "_max_s"] = max(ts)
    return res


def report(res, params):
    """prints the timings with peak RSS, torch's threads, the parameter count and version"""
    res["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    res["threads"] = torch.get_num_threads()
    res["params"] = sum(q.numel() for q in params)
    res["torch"] = torch.__version__
    print(json.dumps(res))
