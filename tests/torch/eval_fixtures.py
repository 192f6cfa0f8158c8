#!/usr/bin/python3
"""Reference values for the generation metrics of multi-channel traces (tests/test_channels.c,
eval_reference), computed with numpy alone from the definitions of design/PROTOCOLS.md §3-4
and of `tracesynth eval --help`, not from the C code:

  JS of each categorical channel (event, comm, ret, tid, cpu), of the joint (event, cpu) and
     (event, ret) values: Jensen-Shannon divergence of the two empirical distributions, base 2
  W1 dt        Wasserstein-1 of the two samples of dt = log(1 + ns): the area between their
               empirical distribution functions
  bursts       runs of >= 3 events each within 10 us of the one before (dt <= log(1 + 10000),
               compared as float32), per 1000 events; a run ends with its window: the
               synthetic trace's windows of L, the real one's windows of L from its first event
               and its own windows (a set of windows)
  event metrics, synthetic windows against real windows and the training windows:
     JS unigram / bigram (pairs inside windows), KL(real || synthetic) in bits with add-one
     smoothing over the types seen in either, coverage both ways, D_trans of the training
     windows (share of synthetic pairs never adjacent in them), memorized (a synthetic
     window a contiguous run inside one training window), LCS (longest common substring of
     each synthetic window with a training window: mean, median, 90th percentile with
     linear interpolation, max)
  memorized    share of synthetic windows of L occurring as a run of consecutive training
               events inside one training window, every channel (dt bit for bit)
  validity     under constraints learned from the training windows: D_trans (pairs inside
               windows never adjacent inside a training window), D_time (events whose dt lies
               outside [min, max] of their type's training dts), D_cpu (events on a CPU their
               type never ran on), D_attr (events with a tid bucket, comm or ret their type never
               had); a type the training part lacks breaks all four. The first event of a trace
               has no time before it: a dt of 0 there is no Δt, neither a bound nor checked
               (a bound only for a type with no other event), yet the event counts in D_time's
               share

A metric whose channels are absent is -1; D_trans without a pair is -1, and so is bigram JS
where the real or the synthetic windows hold no pair (windows of 1 event).

Writes tests/fixtures/eval_metrics.bin in the format of tests/torch_fixture.h (magic
b"TSFX0001", u32 count, then per array: u32 name length, name, u32 ndim, u32 dims, float32
data). Per case K: K.lens (real window length, synthetic window length, training window
length; 0: one sequence), K.{real,synth,train}.{event,dt,comm,ret,tid,cpu} (an absent array:
an absent channel), K.{real,synth,train}.card (comm and ret vocabulary sizes), K.expect (the
values in the order of NAMES below).

Run from the repository root:  /usr/bin/python3 tests/torch/eval_fixtures.py
"""
import os

import numpy as np

from fixture_file import write_fixture

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "eval_metrics.bin")

CHANNELS = ("event", "comm", "ret", "tid", "cpu")   # categorical, beside dt
NAMES = ("js_event", "js_comm", "js_ret", "js_tid", "js_cpu", "w1_dt", "js_event_cpu", "js_event_ret",
         "burst_real", "burst_synth",
         "js_unigram", "js_bigram", "kl_unigram", "coverage_real", "coverage_synth", "gen_d_trans",
         "memorized_events", "lcs_mean", "lcs_median", "lcs_p90", "lcs_max",
         "memorized", "d_trans", "d_time", "d_cpu", "d_attr",
         "real_d_trans", "real_d_time", "real_d_cpu", "real_d_attr")
BURST_DT = np.float32(np.log1p(10000.0))


# ---- distributions ----

def counts(items):
    c = {}
    for x in items:
        c[x] = c.get(x, 0) + 1
    return c


def js(cp, cq):
    """base-2 Jensen-Shannon divergence of two count dicts"""
    if not cp or not cq:
        return -1.0
    sp, sq = sum(cp.values()), sum(cq.values())
    d = 0.0
    for k in set(cp) | set(cq):
        p, q = cp.get(k, 0) / sp, cq.get(k, 0) / sq
        m = (p + q) / 2
        if p > 0:
            d += p / 2 * np.log2(p / m)
        if q > 0:
            d += q / 2 * np.log2(q / m)
    return max(d, 0.0)


def kl_add_one(cp, cq):
    types = set(cp) | set(cq)
    k = len(types)
    sp, sq = sum(cp.values()), sum(cq.values())
    d = 0.0
    for t in types:
        p, q = (cp.get(t, 0) + 1) / (sp + k), (cq.get(t, 0) + 1) / (sq + k)
        d += p * np.log2(p / q)
    return max(d, 0.0)


def w1(x, y):
    """area between the empirical distribution functions"""
    x, y = np.sort(np.asarray(x, np.float64)), np.sort(np.asarray(y, np.float64))
    v = np.unique(np.concatenate([x, y]))
    F = np.searchsorted(x, v, side="right") / len(x)
    G = np.searchsorted(y, v, side="right") / len(y)
    return float(np.sum(np.abs(F - G)[:-1] * np.diff(v)))


# ---- windows ----

def windows(n, L):
    """[start, end) of each window of L events (0: one), a last shorter one too"""
    if L == 0:
        return [(0, n)]
    return [(s, min(s + L, n)) for s in range(0, n, L)]


def cuts(n, *lens):
    """segments of [0, n) ended at every multiple of each nonzero length"""
    b = {0, n}
    for L in lens:
        if L:
            b |= set(range(L, n, L))
    b = sorted(b)
    return list(zip(b[:-1], b[1:]))


def pairs_in(seq, segs):
    return [(seq[i], seq[i + 1]) for s, e in segs for i in range(s, e - 1)]


def bursts(dt, segs):
    runs = 0
    for s, e in segs:
        length = 1
        for i in range(s + 1, e + 1):
            if i < e and dt[i] <= BURST_DT:
                length += 1
            else:
                runs += length >= 3
                length = 1
    return 1000.0 * runs / len(dt)


def lcs(a, b):
    best = 0
    for i in range(len(a)):
        for j in range(len(b)):
            k = 0
            while i + k < len(a) and j + k < len(b) and a[i + k] == b[j + k]:
                k += 1
            best = max(best, k)
    return best


def event_metrics(rw, sw, tw, cr, cs):
    """the event metrics of windows rw (real), sw (synthetic), tw (training)"""
    out = {"js_unigram": js(cr, cs)}
    bigr = lambda ws: counts((w[i], w[i + 1]) for w in ws for i in range(len(w) - 1))
    pairs = min(len(w) for w in rw) >= 2 and min(len(w) for w in sw) >= 2
    out["js_bigram"] = js(bigr(rw), bigr(sw)) if pairs else -1.0
    out["kl_unigram"] = kl_add_one(cr, cs)
    out["coverage_real"] = len(set(cr) & set(cs)) / len(cr)
    out["coverage_synth"] = len(set(cr) & set(cs)) / len(cs)
    tpairs = set((w[i], w[i + 1]) for w in tw for i in range(len(w) - 1))
    sp = [(w[i], w[i + 1]) for w in sw for i in range(len(w) - 1)]
    out["gen_d_trans"] = sum(p not in tpairs for p in sp) / len(sp) if sp else -1.0
    lc = np.array([max(lcs(w, t) for t in tw) for w in sw], np.float64)
    out["memorized_events"] = float(np.mean(lc == np.array([len(w) for w in sw])))
    out["lcs_mean"] = float(lc.mean())
    out["lcs_median"] = float(np.percentile(lc, 50))
    out["lcs_p90"] = float(np.percentile(lc, 90))
    out["lcs_max"] = float(lc.max())
    return out


# ---- the metrics of one case ----

def metrics(R, S, T, rlen, L, tlen):
    nr, ns, nt = len(R["event"]), len(S["event"]), len(T["event"])
    has = lambda m, c: c in m
    out = {}
    for c in CHANNELS:
        out["js_" + c] = js(counts(R[c]), counts(S[c])) if has(R, c) and has(S, c) else -1.0
    both = has(R, "dt") and has(S, "dt")
    out["w1_dt"] = w1(R["dt"], S["dt"]) if both else -1.0
    for c in ("cpu", "ret"):
        out["js_event_" + c] = (js(counts(zip(R["event"], R[c])), counts(zip(S["event"], S[c])))
                                if has(R, c) and has(S, c) else -1.0)
    out["burst_real"] = bursts(R["dt"], cuts(nr, L, rlen)) if has(R, "dt") else -1.0
    out["burst_synth"] = bursts(S["dt"], cuts(ns, L)) if has(S, "dt") else -1.0

    # event windows: the real ones (its own, else one), the synthetic ones of L, the training ones
    rw = [R["event"][s:e] for s, e in windows(nr, rlen)]
    sw = [S["event"][s:e] for s, e in windows(ns, L)]
    tw = [T["event"][s:e] for s, e in windows(nt, tlen)]
    cr, cs = counts(R["event"]), counts(S["event"])
    out.update(event_metrics(rw, sw, tw, cr, cs))

    # memorization on every channel both carry, dt bit for bit
    chs = [c for c in ("event", "dt") + CHANNELS[1:] if has(T, c) and has(S, c)]
    row = lambda m, i: tuple(m[c][i].tobytes() if c == "dt" else int(m[c][i]) for c in chs)
    Lm = L if L else ns
    runs = set()
    for s, e in windows(nt, tlen):
        for i in range(s, e - Lm + 1):
            runs.add(tuple(row(T, i + k) for k in range(Lm)))
    sw_full = [(s, e) for s, e in windows(ns, Lm) if e - s == Lm]
    out["memorized"] = sum(tuple(row(S, i) for i in range(s, e)) in runs for s, e in sw_full) / len(sw_full)

    # constraints from the training windows
    ev = T["event"]
    seen = set(int(x) for x in ev)
    trans = set((int(a), int(b)) for a, b in pairs_in(ev, windows(nt, tlen)))
    lo, hi = {}, {}
    if has(T, "dt"):
        for i in range(nt):
            if i == 0 and T["dt"][0] == 0:   # no Δt before the first event
                continue
            v = int(ev[i])
            lo[v] = min(lo.get(v, np.inf), T["dt"][i])
            hi[v] = max(hi.get(v, -np.inf), T["dt"][i])
        if int(ev[0]) not in lo:
            lo[int(ev[0])] = hi[int(ev[0])] = T["dt"][0]
    allowed = {c: set((int(a), int(b)) for a, b in zip(ev, T[c])) for c in CHANNELS[1:] if has(T, c)}

    def validity(m, length):
        n = len(m["event"])
        e = [int(x) for x in m["event"]]
        pr = pairs_in(e, windows(n, length))
        d = {"d_trans": sum(not (a in seen and b in seen and (a, b) in trans) for a, b in pr) / len(pr)
             if pr else -1.0}
        if has(T, "dt") and has(m, "dt"):
            bad = 0
            for i in range(n):
                if i == 0 and m["dt"][0] == 0:
                    continue
                v = e[i]
                bad += not (v in lo and lo[v] <= m["dt"][i] <= hi[v])
            d["d_time"] = bad / n
        else:
            d["d_time"] = -1.0
        d["d_cpu"] = (sum((e[i], int(m["cpu"][i])) not in allowed["cpu"] for i in range(n)) / n
                      if "cpu" in allowed and has(m, "cpu") else -1.0)
        attrs = [c for c in ("comm", "ret", "tid") if c in allowed and has(m, c)]
        d["d_attr"] = (sum(any((e[i], int(m[c][i])) not in allowed[c] for c in attrs) for i in range(n)) / n
                       if attrs else -1.0)
        return d

    out.update(validity(S, L))
    out.update({"real_" + k: v for k, v in validity(R, rlen).items()})
    return out


# ---- the cases ----

def draw(rng, n, types, comm_card=5, ret_card=6, cpus=3, fast=0.5, channels=CHANNELS[1:]):
    """n events of the given types: dt below the burst bound with probability fast"""
    m = {"event": rng.choice(types, n).astype(np.int32)}
    ns = np.where(rng.random(n) < fast, rng.integers(0, 9000, n), rng.integers(20000, 5000000, n))
    m["dt"] = np.log1p(ns.astype(np.float64)).astype(np.float32)
    m["dt"][0] = 0   # ingest's first event: no time before it
    if "comm" in channels:
        m["comm"] = rng.integers(0, comm_card - 1, n).astype(np.int32)   # the last value unused: a zero count
    if "ret" in channels:
        m["ret"] = rng.integers(0, ret_card, n).astype(np.int32)
    if "tid" in channels:
        m["tid"] = (rng.choice([7, 300, 513, 1000], n) % 256).astype(np.int32)
    if "cpu" in channels:
        m["cpu"] = rng.integers(0, cpus, n).astype(np.int32)
    m["card"] = np.array([comm_card if "comm" in channels else 0, ret_card if "ret" in channels else 0], np.int32)
    return m


def sub(m, s, e):
    return {k: (v.copy() if k == "card" else v[s:e].copy()) for k, v in m.items()}


def cat(*ms):
    return {k: (ms[0][k].copy() if k == "card" else np.concatenate([m[k] for m in ms])) for k in ms[0]}


def cases():
    out = []
    # random traces; the training part the real trace's first 21 events; a synthetic window
    # copied from it (memorized), another with its events only (a tid changed)
    rng = np.random.default_rng(1)
    R = draw(rng, 30, [0, 1, 2, 3])
    T = sub(R, 0, 21)
    S = draw(rng, 12, [0, 1, 2, 3])
    S["dt"][0] = 0.5
    copy, events_only = sub(T, 3, 9), sub(T, 10, 16)
    events_only["tid"][2] = (events_only["tid"][2] + 1) % 256
    out.append(("random", R, cat(S, copy, events_only), T, 0, 6, 0))

    # a type only in the synthetic trace (5), one only in the real one (3), a CPU only in the
    # synthetic one; the real trace is windows of 5, the training part its first 3, the
    # synthetic one windows of 4
    rng = np.random.default_rng(2)
    R = draw(rng, 30, [0, 1, 2, 3], comm_card=6)
    S = draw(rng, 24, [0, 1, 2, 5], comm_card=6, cpus=4)
    R["dt"][[5, 10]] = 0.25
    out.append(("one_sided", R, S, sub(R, 0, 15), 5, 4, 5))

    # identical traces: every distance 0, every window memorized
    rng = np.random.default_rng(3)
    R = draw(rng, 20, [0, 1, 2])
    out.append(("identical", R, sub(R, 0, 20), sub(R, 0, 20), 0, 0, 0))

    # a synthetic trace of one event: no pair (D_trans and bigram JS -1; the rest measured)
    rng = np.random.default_rng(4)
    R = draw(rng, 10, [0, 1])
    S = sub(draw(rng, 3, [1]), 1, 2)
    out.append(("one_event", R, S, sub(R, 0, 7), 0, 0, 0))

    # Δt all equal: the real trace's within the burst bound (exactly on it), the synthetic
    # one's past it; W1 their difference, every synthetic dt outside its type's bounds
    rng = np.random.default_rng(5)
    R = draw(rng, 16, [0, 1, 2])
    R["dt"][:] = BURST_DT
    S = draw(rng, 15, [0, 1, 2])
    S["dt"][:] = np.float32(9.5)
    out.append(("dt_equal", R, S, sub(R, 0, 11), 0, 5, 0))

    # an strace-like trace: no CPU, no return values; windows of 7
    rng = np.random.default_rng(6)
    ch = ("comm", "tid")
    R = draw(rng, 28, [0, 1, 2, 3, 4], channels=ch)
    S = draw(rng, 21, [0, 1, 2, 4, 6], channels=ch, fast=0.8)
    out.append(("no_cpu_ret", R, S, sub(R, 0, 20), 0, 7, 0))

    # windows of the real set (6) that those of the synthetic one (4) do not divide: bursts
    # end with either
    rng = np.random.default_rng(7)
    R = draw(rng, 36, [0, 1, 2, 3], fast=0.85)
    S = draw(rng, 24, [0, 1, 2, 3], fast=0.85)
    out.append(("two_windows", R, S, sub(R, 0, 24), 6, 4, 6))

    # window boundaries of the training part (windows of 4) and sparse IDs: (7, 9) adjacent
    # only across two training windows; a synthetic window copied across them (not
    # memorized) and one copied from inside one (memorized); type 300 only the training
    # part's first event, whose dt of 0 is then its bounds
    rng = np.random.default_rng(8)
    T = draw(rng, 12, [0])
    T["event"][:] = [300, 9, 0, 9, 0, 0, 9, 7, 9, 0, 0, 9]
    R = cat(T, draw(rng, 8, [0, 7, 9]))
    R["dt"][12] = 3.0
    S = cat(sub(T, 2, 6), sub(T, 4, 8), draw(rng, 4, [9, 7]), draw(rng, 4, [300, 0]))
    S["dt"][[12, 13]] = [0, 5]   # type 300 at dt 0 (no first event: checked) and past it
    S["event"][[12, 13, 14, 15]] = [300, 300, 7, 9]
    S["dt"][0] = 0
    out.append(("boundaries", R, S, T, 4, 4, 4))
    return out


def main():
    arrays = []
    for name, R, S, T, rlen, L, tlen in cases():
        arrays.append((name + ".lens", np.array([rlen, L, tlen], np.float32)))
        for tag, m in (("real", R), ("synth", S), ("train", T)):
            for k in ("event", "dt") + CHANNELS[1:] + ("card",):
                if k in m:
                    arrays.append(("%s.%s.%s" % (name, tag, k), np.asarray(m[k], np.float32)))
        v = metrics(R, S, T, rlen, L, tlen)
        arrays.append((name + ".expect", np.array([v[k] for k in NAMES], np.float32)))
        print("%-12s " % name + " ".join("%s=%.6g" % (k, v[k]) for k in NAMES))
    write_fixture(OUT, arrays)


if __name__ == "__main__":
    main()
