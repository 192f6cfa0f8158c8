#!/usr/bin/env python3
"""An independent check of the generation metrics of `tracesynth eval --real R --synthetic S`.

usage: gen-metrics-oracle.py --real R --synthetic S [--train T] [--train-share F]
                             [--downstream N] [--json]

Computes, from the definitions of design/PROTOCOLS.md section 3 (and the terms `tracesynth
eval --help` states), every metric the generation mode of eval prints, with numpy alone and
none of the project's code, so that the two can be compared (--json: eval --json's keys):

  JS unigram / bigram  Jensen-Shannon divergence, base 2, of the pooled event and adjacent-pair
                       distributions (pairs inside windows only; null where no window of S or R
                       holds a pair)
  KL unigram           KL(real || synthetic) in bits, add-one smoothed over the types of either
  coverage             share of R's event types that S holds, and of S's that R holds
  D_trans              share of S's adjacent pairs never adjacent in T (inside T's windows)
  memorized            share of S windows found verbatim as a contiguous run in one T window
  LCS                  longest common substring of each S window with T (runs never cross a
                       T window boundary): mean, median, 90th percentile (linear), max
  next event           (--downstream N) an order-N interpolated modified Kneser-Ney n-gram
                       (Chen & Goodman 1998; continuation counts below the order the context
                       fills, a piece's start one left neighbour; p_0 = 1/V over the types of
                       R, S and T) trained on S, and on as many events of T (S's count of
                       pieces of S's window length, evenly spread), scored on every event of R
                       from the events before it in its window: top-1 accuracy (ties to the
                       lowest number) and bits per event

R, S, T are window files (one window a line, comma-separated IDs), .npy arrays ((N, L),
(N, 1, L), (N, L, 1)), or dataset directories (stream.txt, cut into windows of the length its
`length` file records, else one window; a --train directory that is one stream: its first
70 % of events, as train --split time cuts it, --train-share F for another share).
Names: W.names.txt beside W.txt or W.npy (one window a line), else a vocab.tsv beside the file
or in the directory. A named S or T is matched with a named R by name, with each other where
R has none; an unnamed file keeps its IDs (read in the numbering of the named). '?' (an event
its model does not name) is the event of its ID in its file and matches no event of another
file, its '?' neither. Real-valued IDs of an unnamed S are rounded to the nearest integer and
clamped to [0, largest ID of R and T].

A file that is not there or cannot be read, a window file whose line is not comma-separated
IDs, a .npy that is no numeric array or holds NaN or an infinity, a dataset's length that is
no window length, or a file or dataset with no window of events (eval refuses it too), is one
line naming it, exit 1. A bad option (an unknown one, --real or --synthetic missing, a value
that is no number) is one line, "gen-metrics-oracle.py: error: ...", exit 2.
"""
import argparse
import json
import math
import os
import sys

import numpy as np


def fail(path, why):
    """one line naming the file, exit 1"""
    sys.exit("%s: %s" % (path, why))


def read_lines(path):
    """the lines of the text file at path, else one line naming it and exit 1"""
    try:
        with open(path) as f:
            return f.read().splitlines()
    except OSError as e:
        fail(path, e.strerror or str(e))
    except UnicodeDecodeError:
        fail(path, "not text (a window file: comma-separated IDs, one window a line)")


def read_ids_text(path):
    wins = []
    for n, line in enumerate(read_lines(path), 1):
        line = line.strip()
        if not line:
            continue
        try:
            wins.append([int(x) for x in line.split(",") if x.strip() != ""])
        except ValueError:
            fail(path, "line %d: not comma-separated IDs: '%s'" % (n, line[:40]))
    return wins


def read_vocab(path):
    names = {}
    for line in read_lines(path):
        parts = line.split("\t")
        if len(parts) >= 2 and parts[0].strip().lstrip("-").isdigit():
            names[int(parts[0])] = parts[1]
    return names


def read_npy(path):
    """the rows of the .npy array at path, else one line naming it and exit 1"""
    try:
        a = np.load(path)
    except OSError as e:
        fail(path, e.strerror or str(e))
    except (ValueError, EOFError) as e:
        fail(path, "not a .npy array (%s)" % str(e).splitlines()[0] if str(e) else "not a .npy array")
    if not isinstance(a, np.ndarray) or a.dtype.kind not in "biuf" or a.ndim not in (1, 2, 3):
        fail(path, "not a .npy array of IDs ((N, L), (N, 1, L), (N, L, 1) or (L,) numbers)")
    if a.dtype.kind == "f" and not np.isfinite(a).all():
        fail(path, "holds NaN or an infinity, which is no ID")
    if a.ndim == 3:
        a = a.reshape(a.shape[0], -1)
    elif a.ndim == 1:
        a = a.reshape(1, -1)
    return a.tolist()


def load(path, synthetic=False, train_share=None):
    """Returns (windows as lists of ints or floats, names per window or None); a directory
    given with train_share is cut to its first share of events (the time split's training
    part)."""
    if os.path.isdir(path):
        stream = read_ids_text(os.path.join(path, "stream.txt"))
        flat = [x for w in stream for x in w]
        lpath = os.path.join(path, "length")
        if train_share is not None and not os.path.exists(lpath):   # a set of windows: whole
            flat = flat[:int(math.floor(train_share * len(flat)))]
        if os.path.exists(lpath):
            words = " ".join(read_lines(lpath)).split()
            L = int(words[0]) if words and words[0].isdigit() else 0
            if L < 1:
                fail(lpath, "not a window length (a whole number above 0)")
            wins = [flat[i:i + L] for i in range(0, len(flat) - L + 1, L)]
        else:
            wins = [flat]
        if not any(wins):
            fail(os.path.join(path, "stream.txt"), "no window of events (of its first %g, --train-share)" % train_share
                 if train_share is not None and stream else "no window of events")
        vocab = os.path.join(path, "vocab.tsv")
        names = None
        if os.path.exists(vocab):
            v = read_vocab(vocab)
            names = [[v.get(x, "?") for x in w] for w in wins]
        return wins, names
    base, ext = os.path.splitext(path)
    if ext == ".npy":
        wins = read_npy(path)
    else:
        wins = read_ids_text(path)
    if not any(wins):   # as eval refuses it
        fail(path, "no windows in the file")
    names = None
    npath = (base if ext in (".txt", ".npy") else path) + ".names.txt"
    vpath = os.path.join(os.path.dirname(path) or ".", "vocab.tsv")
    if os.path.exists(npath):
        names = [line.split() for line in read_lines(npath) if line.strip()]
    elif os.path.exists(vpath):
        v = read_vocab(vpath)
        names = [[v.get(int(x), "?") for x in w] for w in wins]
    return wins, names


def encode(datasets):
    """datasets: [R, S] or [R, S, T], each (wins, names). Gives integer windows in one
    numbering: that of the reference file (R where it is named; where R is not and S and T
    both are, S), its IDs as they are; another named file is matched with it by name (a name
    it lacks: a number past all of its, in the order the files R, T, S and their IDs come),
    an unnamed one keeps its IDs. A '?' is the event of its ID in its file, matching no event
    of another file, its '?' neither. Real-valued IDs (an unnamed S) are rounded, clamped to
    [0, largest ID of R and T]."""
    named = [n is not None for _, n in datasets]
    if named[0]:
        ref = 0
    elif len(datasets) > 2 and named[1] and named[2]:
        ref = 1
    else:
        ref = None
    maxid = 0
    for wins, _ in datasets[:1] + datasets[2:]:
        for w in wins:
            for x in w:
                maxid = max(maxid, int(x))
    by_name = {}
    if ref is not None:
        wins, names = datasets[ref]
        for w, nm in zip(wins, names):
            for x, n in zip(w, nm):
                if n != "?":
                    by_name.setdefault(n, int(x))
    extra = {}

    def extra_code(key):
        if key not in extra:
            extra[key] = (1 << 40) + len(extra)
        return extra[key]

    order = [0, 2, 1] if len(datasets) > 2 else [0, 1]
    mapped = {}
    for k in order:
        wins, names = datasets[k]
        if ref is None or k == ref or not named[k]:
            continue
        pairs = sorted({(int(x), n) for w, nm in zip(wins, names) for x, n in zip(w, nm)})
        for x, n in pairs:
            if n == "?":
                mapped[(k, x)] = extra_code(("?", k, x))
            elif n in by_name:
                mapped[(k, x)] = by_name[n]
            else:
                mapped[(k, x)] = extra_code(n)
    out = []
    for k, (wins, names) in enumerate(datasets):
        enc = []
        for w in wins:
            vals = []
            for x in w:
                if isinstance(x, float):
                    x = min(max(int(math.floor(x + 0.5)), 0), maxid)
                vals.append(mapped.get((k, int(x)), int(x)))
            enc.append(np.array(vals, dtype=np.int64))
        out.append(enc)
    return out, ("name" if ref is not None else "id")


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


# ---- downstream: an interpolated modified Kneser-Ney n-gram (Chen & Goodman 1998) trained
# on S (and on as many events of T), scored on every event of R from the events before it
# in its window ----

def kn_discounts(counts):
    """D1, D2, D3+ from the counts of counts of one order (Chen & Goodman); where a class is
    empty, which the estimates leave undefined, the fallbacks of kneser_ney.h's build
    (0.5, 1, 1.5; a D not above 0 is 0.1 c, one above c is c)."""
    n = [0, 0, 0, 0, 0]
    for d in counts.values():
        for c in d.values():
            if c <= 4:
                n[c] += 1
    if n[1] == 0 or n[2] == 0:
        return (0.5, 1.0, 1.5)
    Y = n[1] / (n[1] + 2 * n[2])
    D = [1 - 2 * Y * n[2] / n[1],
         2 - 3 * Y * n[3] / n[2] if n[3] > 0 else 1.0,
         3 - 4 * Y * n[4] / n[3] if n[3] > 0 and n[4] > 0 else 1.5]
    for c in (1, 2, 3):
        if not D[c - 1] > 0:
            D[c - 1] = 0.1 * c
        D[c - 1] = min(D[c - 1], c)
    return tuple(D)


class KN:
    def __init__(self, pieces, order, V):
        self.order, self.V = order, V
        self.raw = {m: {} for m in range(1, order + 1)}
        self.cont = {m: {} for m in range(1, order)}
        left = {m: {} for m in range(1, order)}
        for piece in pieces:
            for i in range(len(piece)):
                for m in range(1, order + 1):
                    if i + m > len(piece):
                        break
                    g = tuple(piece[i:i + m])
                    d = self.raw[m].setdefault(g[:-1], {})
                    d[g[-1]] = d.get(g[-1], 0) + 1
                    if m < order:
                        left[m].setdefault(g, set()).add(piece[i - 1] if i > 0 else None)
        for m in range(1, order):
            for g, ls in left[m].items():
                self.cont[m].setdefault(g[:-1], {})[g[-1]] = len(ls)
        self.draw = {m: kn_discounts(self.raw[m]) for m in self.raw}
        self.dcont = {m: kn_discounts(self.cont[m]) for m in self.cont}
        self.cache = {}

    def dist(self, ctx):
        k = min(self.order, len(ctx) + 1)   # the order the context fills
        h = tuple(ctx[len(ctx) - (k - 1):]) if k > 1 else ()
        key = (k, h)
        if key in self.cache:
            return self.cache[key]
        p = np.full(self.V, 1.0 / self.V)
        for m in range(1, k + 1):
            table = self.raw[m] if m == k else self.cont[m]
            D = self.draw[m] if m == k else self.dcont[m]
            hh = h[len(h) - (m - 1):] if m > 1 else ()
            d = table.get(hh)
            if not d:
                continue
            tot = sum(d.values())
            nn = [0, 0, 0]
            for c in d.values():
                nn[min(c, 3) - 1] += 1
            gamma = (D[0] * nn[0] + D[1] * nn[1] + D[2] * nn[2]) / tot
            q = gamma * p
            for w, c in d.items():
                q[w] += max(c - D[min(c, 3) - 1], 0.0) / tot
            p = q
        self.cache[key] = p
        return p


def kn_score(kn, R):
    right, bits, n = 0, 0.0, 0
    for w in R:
        t = w.tolist()
        for j in range(len(t)):
            p = kn.dist(t[:j])
            right += int(np.argmax(p)) == t[j]
            bits -= math.log2(p[t[j]])
            n += 1
    return 100.0 * right / n, bits / n


def downstream(R, S, T, order):
    alpha = sorted(set(x for ws in (R, S, T or []) for w in ws for x in w.tolist()))
    idx = {x: i for i, x in enumerate(alpha)}
    V = len(alpha)
    dense = lambda ws: [np.array([idx[x] for x in w.tolist()], dtype=np.int64) for w in ws]
    Rd, Sd = dense(R), dense(S)
    res = {}
    acc, bits = kn_score(KN([w.tolist() for w in Sd], order, V), Rd)
    res["downstream_accuracy"], res["downstream_bits"] = acc, bits
    if T is not None:
        Td = dense(T)
        flat = [x for w in Td for x in w.tolist()]
        starts = set()
        pos = 0
        for w in Td:
            starts.add(pos)
            pos += len(w)
        cap = sum(len(w) for w in Sd)
        if len(flat) > cap:   # S's count of pieces as long as S's windows, evenly spread
            npieces, plen = len(Sd), len(Sd[0])
            pieces = []
            for q in range(npieces):
                a = int(q * len(flat) / npieces)
                b = min(int((q + 1) * len(flat) / npieces), a + plen)
                cur = []
                for i in range(a, b):
                    if i > a and i in starts:   # a T window's end inside the piece
                        pieces.append(cur)
                        cur = []
                    cur.append(flat[i])
                pieces.append(cur)
        else:
            pieces = [w.tolist() for w in Td]
        acc, bits = kn_score(KN(pieces, order, V), Rd)
        res["downstream_train_accuracy"], res["downstream_train_bits"] = acc, bits
    return res


class OneLineParser(argparse.ArgumentParser):
    """argparse whose bad option is one line ("gen-metrics-oracle.py: error: ..."), exit 2,
    not the usage above it"""

    def error(self, message):
        sys.stderr.write("%s: error: %s\n" % (self.prog, message))
        sys.exit(2)


def main():
    ap = OneLineParser(prog="gen-metrics-oracle.py")
    ap.add_argument("--real", required=True)
    ap.add_argument("--synthetic", required=True)
    ap.add_argument("--train")
    ap.add_argument("--train-share", type=float, default=0.7,
                    help="a --train directory: its first share of events (default 0.7)")
    ap.add_argument("--downstream", type=int, default=0,
                    help="order N of the next-event Kneser-Ney n-gram (0: none)")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    ds = [load(a.real), load(a.synthetic, synthetic=True)]
    if a.train:
        ds.append(load(a.train, train_share=a.train_share))
    enc, matched = encode(ds)
    R, S = enc[0], enc[1]
    res = {"matched_by": matched,
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
    if a.downstream:
        res.update(downstream(R, S, enc[2] if a.train else None, a.downstream))
    if a.json:
        print(json.dumps(res))
    else:
        for k, v in res.items():
            print(f"{k:18s} {v}")


if __name__ == "__main__":
    sys.exit(main())
