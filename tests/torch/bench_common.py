"""What bench_sssd.py, bench_mdm.py and bench_lstm.py share: the size options, the
training step's end (norm, clipping, Adam), the timing loop and the one JSON line
`tracesynth bench model --vs-torch` reads (src/cli/bench_model.c: <step>_median_s,
<step>_min_s, <step>_max_s, peak_rss_mib, threads, params, torch, clip)."""
import argparse
import json
import math
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
    ap.add_argument("--clip", type=float, default=0.0, help="clip the gradient norm at X (0: off, the C default)")
    return ap


def optimize(opt, params, loss, clip):
    """what the C trainer's step does after the backward (ts_train_iter): the gradients'
    global L2 norm, every step; with clip > 0 the gradients scaled by clip / (norm + 1e-6)
    where that is below 1 (clip_grad_norm_'s rule, scaling only where it clips, as
    ts_clip_grad_norm); Adam where the loss and the norm are finite. params: a list"""
    grads = [q.grad for q in params if q.grad is not None]
    norm = torch.norm(torch.stack([torch.norm(g) for g in grads])).item()
    coef = clip / (norm + 1e-6)
    if clip > 0 and coef < 1:
        for g in grads:
            g.mul_(coef)
    if math.isfinite(loss.item()) and math.isfinite(norm):
        opt.step()


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


def report(res, params, clip):
    """prints the timings with peak RSS, torch's threads, the parameter count, version and
    the clip the training step ran with"""
    res["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    res["threads"] = torch.get_num_threads()
    res["params"] = sum(q.numel() for q in params)
    res["torch"] = torch.__version__
    res["clip"] = clip
    print(json.dumps(res))
