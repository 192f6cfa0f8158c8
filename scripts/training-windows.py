#!/usr/bin/env python3
"""Windows of a dataset's training part, written as a dataset: the real data as a generator.

    scripts/training-windows.py DATASET L N OUT [OFFSET]

N windows of L events spread evenly over the first 70 % of DATASET (the time split's
training part, as `eval --real-part` cuts it), a stride of (70 % - L) / N events apart and
shifted by OFFSET events (modulo the stride; default 0), written to the directory OUT as one
trace of N * L events: stream.txt, the vocabularies, and every channel's .npy that DATASET
has (ingest --channels; time_ns.npy left out). Scored with
`tracesynth eval --real DATASET --real-part test --synthetic OUT --length L`, they show
how close real training data comes to the held-out part: the floor for a generator that
is faithful to its training data (its memorization is 1 by construction).
Needs no NumPy: the channel files are one-dimensional little-endian arrays of 4-byte items.
"""
import ast
import os
import shutil
import struct
import sys


def read_npy(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:6] != b"\x93NUMPY":
        sys.exit("%s: not a .npy file" % path)
    major = data[6]
    hlen = struct.unpack("<H" if major == 1 else "<I", data[8:10] if major == 1 else data[8:12])[0]
    start = (10 if major == 1 else 12) + hlen
    header = ast.literal_eval(data[10 if major == 1 else 12:start].decode("latin1"))
    if header["descr"] not in ("<f4", "<i4") or header["fortran_order"] or len(header["shape"]) != 1:
        sys.exit("%s: expected a one-dimensional <f4 or <i4 array, got %r" % (path, header))
    return header["descr"], data[start:]


def write_npy(path, descr, payload):
    n = len(payload) // 4
    header = "{'descr': '%s', 'fortran_order': False, 'shape': (%d,), }" % (descr, n)
    pad = 64 - (10 + len(header) + 1) % 64
    header = header + " " * pad + "\n"
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin1") + payload)
    os.replace(tmp, path)


def whole(name, text):
    """the argument NAME as a whole number, else one line naming it and exit 1"""
    try:
        return int(text)
    except ValueError:
        sys.exit("%s: '%s' is not a whole number" % (name, text))


def main():
    if len(sys.argv) not in (5, 6):
        sys.exit(__doc__.strip().splitlines()[2].strip())
    ds, out = sys.argv[1], sys.argv[4]
    L, N = whole("L", sys.argv[2]), whole("N", sys.argv[3])
    offset = whole("OFFSET", sys.argv[5]) if len(sys.argv) == 6 else 0
    path = os.path.join(ds, "stream.txt")
    try:
        with open(path) as f:
            text = f.read()
    except OSError as e:
        sys.exit("%s: %s" % (path, e.strerror))
    try:
        events = [int(v) for v in text.replace("\n", ",").split(",") if v.strip()]
    except ValueError as e:
        sys.exit("%s: not comma-separated IDs (%s)" % (path, e))
    train = int(len(events) * 700 / 1000.0)
    if L < 1 or N < 1 or offset < 0 or L > train:
        sys.exit("%s: %d training events hold no window of %d (offset %d)" % (ds, train, L, offset))
    stride = (train - L) // N   # N windows a stride apart, shifted by OFFSET within a stride
    if stride < 1:
        sys.exit("%s: %d training events hold no %d windows of %d" % (ds, train, N, L))
    starts = [i * stride + offset % stride for i in range(N)]
    if os.path.realpath(out) == os.path.realpath(ds):
        sys.exit("%s: OUT is DATASET itself, whose files it would replace; name another directory" % out)
    if os.path.exists(out) and not os.path.isdir(out):
        sys.exit("%s: not a directory (OUT is the folder the windows go to as a dataset)" % out)
    try:
        os.makedirs(out, exist_ok=True)
    except OSError as e:
        sys.exit("%s: %s" % (out, e.strerror))
    picked = [e for s in starts for e in events[s:s + L]]
    with open(os.path.join(out, "stream.txt.tmp"), "w") as f:
        f.write(",".join(str(e) for e in picked) + "\n")
    os.replace(os.path.join(out, "stream.txt.tmp"), os.path.join(out, "stream.txt"))
    for name in sorted(os.listdir(ds)):
        p = os.path.join(ds, name)
        if name == "time_ns.npy":   # clock times of windows cut apart would run backwards
            print("%s: left out (windows cut apart are not one clock)" % p)
        elif name.endswith(".npy"):
            descr, payload = read_npy(p)
            if len(payload) != 4 * len(events):
                sys.exit("%s: %d items, the stream has %d events" % (p, len(payload) // 4, len(events)))
            write_npy(os.path.join(out, name), descr, b"".join(payload[4 * s:4 * (s + L)] for s in starts))
        elif name.endswith(".tsv") or name == "arch":
            shutil.copyfile(p, os.path.join(out, name))
    print("%d windows of %d events from the first %d of %s (offset %d) -> %s" % (N, L, train, ds, offset, out))


if __name__ == "__main__":
    main()
