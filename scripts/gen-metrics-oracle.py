#!/usr/bin/env python3
"""An independent check of the generation metrics of `tracesynth eval --real R --synthetic S`.

usage: gen-metrics-oracle.py --real R --synthetic S [--train T] [--train-share F] [--json]

Computes, from the definitions of design/PROTOCOLS.md section 3 (and the terms `tracesynth
eval --help` states), every metric the generation mode of eval prints, with numpy alone and
none of the project's code, so that the two can be compared:

  JS unigram / bigram  Jensen-Shannon divergence, base 2, of the pooled event and adjacent-pair
                       distributions (pairs inside windows only; null where no window of S or R
                       holds a pair)
  KL unigram           KL(real || synthetic) in bits, add-one smoothed over the types of either
  coverage             share of R's event types that S holds, and of S's that R holds
  D_trans              share of S's adjacent pairs never adjacent in T (inside T's windows)
  memorized            share of S windows found verbatim as a contiguous run in one T window
  LCS                  longest common substring of each S window with T (runs never cross a
                       T window boundary): mean, median, 90th percentile (linear), max

R, S, T are window files (one window a line, comma-separated IDs), .npy arrays ((N, L),
(N, 1, L), (N, L, 1)), or dataset directories (stream.txt, cut into windows of the length its
`length` file records, else one window; a --train directory: its first 70 % of events, as
train --split time cuts it, --train-share F for another share). Events are matched by name where every input has
names (W.names.txt beside W.txt / W.npy, one window a line of names, else a vocab.tsv beside
the file or in the directory); '?' (an event its model does not name) is the event of its ID
in its file, and matches no event of the others, their '?' neither. Otherwise by ID.
Real-valued synthetic IDs are rounded to the nearest integer and clamped to
[0, largest ID of R and T].
"""
import argparse
import json
import math
import os
import sys

import numpy as np


def read_ids_text(path):
    wins = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            wins.append([int(x) for x in line.split(",") if x.strip() != ""])
    return wins


def read_vocab(path):
    names = {}
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 2 and parts[0].strip().lstrip("-").isdigit():
                names[int(parts[0])] = parts[1]
    return names


def load(path, synthetic=False, train_share=None):
    """Returns (windows as lists of ints or floats, names per window or None); a directory
    given with train_share is cut to its first share of events (the time split's training
    part)."""
    if os.path.isdir(path):
        stream = read_ids_text(os.path.join(path, "stream.txt"))
        flat = [x for w in stream for x in w]
        if train_share is not None:
            flat = flat[:int(math.floor(train_share * len(flat)))]
        lpath = os.path.join(path, "length")
        if os.path.exists(lpath):
            L = int(open(lpath).read().split()[0])
            wins = [flat[i:i + L] for i in range(0, len(flat) - L + 1, L)]
        else:
            wins = [flat]
        vocab = os.path.join(path, "vocab.tsv")
        names = None
        if os.path.exists(vocab):
            v = read_vocab(vocab)
            names = [[v.get(x, "?") for x in w] for w in wins]
        return wins, names
    base, ext = os.path.splitext(path)
    if ext == ".npy":
        a = np.load(path)
        if a.ndim == 3:
            a = a.reshape(a.shape[0], -1)
        elif a.ndim == 1:
            a = a.reshape(1, -1)
        wins = a.tolist()
    else:
        wins = read_ids_text(path)
    names = None
    npath = (base if ext in (".txt", ".npy") else path) + ".names.txt"
    vpath = os.path.join(os.path.dirname(path) or ".", "vocab.tsv")
    if os.path.exists(npath):
        with open(npath) as f:
            names = [line.split() for line in f if line.strip()]
    elif os.path.exists(vpath):
        v = read_vocab(vpath)
        names = [[v.get(int(x), "?") for x in w] for w in wins]
    return wins, names


def encode(datasets):
    """datasets: list of (wins, names). Gives integer windows in one shared space; a '?' is
    the event of its ID in its file, matching no event of another file, its '?' neither."""
    use_names = all(n is not None for _, n in datasets)
    maxid = 0
    for wins, _ in datasets[:1] + datasets[2:]:
        for w in wins:
            for x in w:
                maxid = max(maxid, int(x))
    out = []
    codes = {}

    def code(key, k, raw):
        if key == "?":   # an event its model does not name: itself, by its ID, in its file
            key = ("?", k, raw)
        if key not in codes:
            codes[key] = len(codes)
        return codes[key]

    for k, (wins, names) in enumerate(datasets):
        enc = []
        for i, w in enumerate(wins):
            if use_names:
                enc.append(np.array([code(n, k, x) for n, x in zip(names[i], w)], dtype=np.int64))
            else:
                vals = []
                for x in w:
                    if isinstance(x, float):
                        x = int(math.floor(x + 0.5))
                        x = min(max(x, 0), maxid)
                    vals.append(x)
                enc.append(np.array(vals, dtype=np.int64))
        out.append(enc)
    return out, use_names


def js(p, q):
    m = 0.5 * (p + q)

    def kl(a, b):
        nz = a > 0
        return float(np.sum(a[nz] * np.log2(a[nz] / b[nz])))
    return 0.5 * kl(p, m) + 0.5 * kl(q, m)


def dist(counter, keys):
    v = np.array([counter.get(k, 0) for k in keys], dtype=np.float64)
    return v / v.sum()


def unigrams(wins):
    c = {}
    for w in wins:
        for x in w.tolist():
            c[x] = c.get(x, 0) + 1
    return c


def bigrams(wins):
    c = {}
    for w in wins:
        t = w.tolist()
        for a, b in zip(t, t[1:]):
            c[(a, b)] = c.get((a, b), 0) + 1
    return c


def lcs_with(s, tcat, tstart):
    """Longest common substring of s with the concatenation tcat, runs restarting at every
    position where tstart is True (a T window's first event)."""
    best = 0
    prev = np.zeros(len(tcat), dtype=np.int64)
    for x in s.tolist():
        eq = tcat == x
        cur = np.zeros(len(tcat), dtype=np.int64)
        ext = np.concatenate(([0], prev[:-1]))
        ext[tstart] = 0
        cur[eq] = ext[eq] + 1
        if cur.size:
            best = max(best, int(cur.max()))
        prev = cur
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--real", required=True)
    ap.add_argument("--synthetic", required=True)
    ap.add_argument("--train")
    ap.add_argument("--train-share", type=float, default=0.7,
                    help="a --train directory: its first share of events (default 0.7)")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    ds = [load(a.real), load(a.synthetic, synthetic=True)]
    if a.train:
        ds.append(load(a.train, train_share=a.train_share))
    enc, use_names = encode(ds)
    R, S = enc[0], enc[1]
    res = {"matched_by": "name" if use_names else "id",
           "real_windows": len(R), "synthetic_windows": len(S)}
    ur, us = unigrams(R), unigrams(S)
    if sum(us.values()) == 0 or sum(ur.values()) == 0:
        res["js_unigram"] = None
        res["kl_unigram"] = None
    else:
        keys = sorted(set(ur) | set(us))
        res["js_unigram"] = js(dist(ur, keys), dist(us, keys))
        V = len(keys)
        nr, ns = sum(ur.values()), sum(us.values())
        p = np.array([(ur.get(k, 0) + 1) / (nr + V) for k in keys])
        q = np.array([(us.get(k, 0) + 1) / (ns + V) for k in keys])
        res["kl_unigram"] = float(np.sum(p * np.log2(p / q)))
    br, bs = bigrams(R), bigrams(S)
    if sum(br.values()) == 0 or sum(bs.values()) == 0:
        res["js_bigram"] = None
    else:
        keys = sorted(set(br) | set(bs))
        res["js_bigram"] = js(dist(br, keys), dist(bs, keys))
    tr = set(ur)
    ts = set(us)
    res["coverage_real"] = len(tr & ts) / len(tr) if tr else None
    res["coverage_synth"] = len(tr & ts) / len(ts) if ts else None
    if a.train:
        T = enc[2]
        tpairs = set(bigrams(T))
        spairs = [(x, y) for w in S for x, y in zip(w.tolist(), w.tolist()[1:])]
        res["d_trans"] = (sum(1 for p in spairs if p not in tpairs) / len(spairs)
                          if spairs else None)
        tcat = np.concatenate(T) if T else np.zeros(0, dtype=np.int64)
        tstart = np.zeros(len(tcat), dtype=bool)
        pos = 0
        for w in T:
            if len(w):
                tstart[pos] = True
            pos += len(w)
        lcs = np.array([lcs_with(w, tcat, tstart) for w in S], dtype=np.float64)
        mem = [lcs[i] == len(S[i]) and len(S[i]) > 0 for i in range(len(S))]
        res["memorized"] = sum(mem) / len(S) if S else None
        if len(S):
            res["lcs_mean"] = float(lcs.mean())
            res["lcs_median"] = float(np.median(lcs))
            res["lcs_p90"] = float(np.percentile(lcs, 90))
            res["lcs_max"] = int(lcs.max())
    if a.json:
        print(json.dumps(res))
    else:
        for k, v in res.items():
            print(f"{k:18s} {v}")


if __name__ == "__main__":
    sys.exit(main())
