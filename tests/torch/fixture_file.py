"""The fixture file the C tests read (tests/torch_fixture.h), shared by the scripts here.

Little-endian: magic b"TSFX0001", u32 count, then per array: u32 name length, the name,
u32 ndim, ndim u32 dimensions, the values as float32. Written to a temporary file and
renamed, so that a script stopped half way leaves the committed fixture as it was.
"""
import os
import struct

import numpy as np


def write_fixture(path, arrays):
    """arrays: (name, array-like) pairs, in the order the C tests find them"""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "wb") as f:
        f.write(b"TSFX0001")
        f.write(struct.pack("<I", len(arrays)))
        for name, a in arrays:
            a = np.asarray(a)
            nb = name.encode()
            f.write(struct.pack("<I", len(nb)) + nb)
            f.write(struct.pack("<I", a.ndim) + struct.pack("<%dI" % a.ndim, *a.shape))
            f.write(a.astype("<f4").tobytes())
    os.replace(path + ".tmp", path)
    print("wrote %s: %d arrays, %d bytes" % (os.path.relpath(path), len(arrays), os.path.getsize(path)))


def write_records(path, records):
    """the older, headerless form the S4 and SSSD tests read: per array u32 name length, the
    name, u32 count, the values as float32 (flattened)"""
    with open(path + ".tmp", "wb") as f:
        for name, a in records:
            a = np.asarray(a)
            f.write(struct.pack("<I", len(name)) + name.encode("ascii"))
            f.write(struct.pack("<I", a.size) + a.astype("<f4").tobytes())
    os.replace(path + ".tmp", path)
    print("wrote %s (%d bytes)" % (os.path.normpath(path), os.path.getsize(path)))
