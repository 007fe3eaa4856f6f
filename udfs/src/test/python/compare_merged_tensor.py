"""Compares one merged tensor of AdapterMergeBench's output with PEFT's (udfs/src/test/python/peft_ties_13b.py).
  /usr/bin/python3 udfs/src/test/python/compare_merged_tensor.py /tmp/mtforge-merge-bench/merged/adapter_model.safetensors /tmp/peft_first.npy KEY"""
import json
import struct
import sys

import numpy as np

path, npy, key = sys.argv[1:4]
with open(path, "rb") as f:
    size = struct.unpack("<Q", f.read(8))[0]
    header = json.loads(f.read(size))
    begin, end = header[key]["data_offsets"]
    f.seek(8 + size + begin)
    ours = np.frombuffer(f.read(end - begin), dtype=np.float32)
peft = np.load(npy).reshape(-1)
print(f"{key}: {ours.size} values, identical bits: {int((ours.view(np.int32) == peft.view(np.int32)).sum())},"
      f" max |diff| {float(np.abs(ours - peft).max()):.3g}")
