#!/usr/bin/env python3
"""How much of a test part's blackouts the training stream has seen.

usage: context-coverage.py SPLITDIR [K] [L]

SPLITDIR is what `tracesynth split DATASET --split time --length L -o SPLITDIR` writes
(train_stream.txt, testing). For each test window with a centre blackout of K events
([L/2, L/2 + K), as `impute --position center` hides them), and for c = 1, 2, 4, 8 events
of context on each side, count the windows whose two contexts occur in the training stream
K events apart, those whose true filler occurs there between them, and the accuracy of
filling every blackout with the most frequent such filler (0 where none is seen).
"""
import collections
import sys


def read_ids(line):
    return [int(x) for x in line.strip().split(",") if x]


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__.strip().splitlines()[2])
    d = sys.argv[1]
    k = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    with open(d + "/train_stream.txt") as f:
        train = read_ids(f.read())
    with open(d + "/testing") as f:
        tests = [read_ids(l) for l in f if l.strip()]
    print("| c events each side | windows whose context occurs in training "
          "| whose true filler occurs there with it | the most frequent filler's accuracy |")
    print("| --- | --- | --- | --- |")
    for c in (1, 2, 4, 8):
        seen = collections.defaultdict(collections.Counter)
        for i in range(c, len(train) - k - c + 1):
            key = (tuple(train[i - c:i]), tuple(train[i + k:i + k + c]))
            seen[key][tuple(train[i:i + k])] += 1
        n_ctx = n_true = right = total = 0
        for w in tests:
            a = len(w) // 2
            if a + k + c > len(w):
                sys.exit("%s/testing: windows of %d events are too short for K = %d" % (d, len(w), k))
            true = tuple(w[a:a + k])
            fillers = seen.get((tuple(w[a - c:a]), tuple(w[a + k:a + k + c])))
            total += k
            if fillers:
                n_ctx += 1
                n_true += true in fillers
                best = fillers.most_common(1)[0][0]
                right += sum(x == y for x, y in zip(best, true))
        print("| %d | %d | %d | %.1f |" % (c, n_ctx, n_true, 100.0 * right / total))


if __name__ == "__main__":
    main()
