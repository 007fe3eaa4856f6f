"""Compares the tensors of two .safetensors files bit for bit (bench/compare.sh; not a test).

  python3 bench/same_tensors.py A.safetensors B.safetensors

Exit 0 and one line when both hold the same names, shapes and dtypes and identical data bytes;
else exit 1 with the first differences.
"""
import json
import struct
import sys

import numpy as np


def read(path):
    with open(path, "rb") as f:
        size = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(size))
        header.pop("__metadata__", None)
        data = np.fromfile(f, dtype=np.uint8)
    return header, data


def main():
    (ha, da), (hb, db) = read(sys.argv[1]), read(sys.argv[2])
    problems = []
    if set(ha) != set(hb):
        problems.append(f"names differ: {sorted(set(ha) ^ set(hb))[:5]}")
    values = 0
    for name in sorted(set(ha) & set(hb)):
        a, b = ha[name], hb[name]
        if (a["dtype"], a["shape"]) != (b["dtype"], b["shape"]):
            problems.append(f"{name}: {a['dtype']}{a['shape']} vs {b['dtype']}{b['shape']}")
            continue
        xa = da[a["data_offsets"][0]:a["data_offsets"][1]]
        xb = db[b["data_offsets"][0]:b["data_offsets"][1]]
        if not np.array_equal(xa, xb):
            fa, fb = xa.view("<f4"), xb.view("<f4")
            diff = np.flatnonzero(fa.view("<u4") != fb.view("<u4"))
            problems.append(f"{name}: {diff.size} values differ, first at {diff[0]}: {fa[diff[0]]!r} vs {fb[diff[0]]!r}")
        values += xa.size // 4
    if problems:
        print("DIFFERENT: " + "; ".join(problems[:5]))
        sys.exit(1)
    print(f"identical: {len(ha)} tensors, {values} values, every bit")


if __name__ == "__main__":
    main()
