"""Times PEFT's merge_utils.ties on the AdapterMergeBench adapters, the way
LoraModel.add_weighted_adapter(combination_type="ties") calls it (A and B per module, weights
sqrt(w*scaling)). Reference for docs/PERFORMANCE.md § Adapter merging; PEFT code is imported from
MERGE_UTILS_DIR (merge_utils.py of huggingface/peft 5d602fdb), never copied.

  MERGE_UTILS_DIR=/tmp/peftref /usr/bin/python3 udfs/src/test/python/peft_ties_13b.py /tmp/mtforge-merge-bench 8 0.2 [out.safetensors]
"""
import json
import math
import os
import resource
import struct
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.environ.get("MERGE_UTILS_DIR", "/tmp/peftref"))
import merge_utils as mu  # noqa: E402

root, n, density = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
torch.set_num_threads(int(os.environ.get("THREADS", "2")))


def load(path):
    with open(path, "rb") as f:
        size = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(size))
        header.pop("__metadata__", None)
        data = np.fromfile(f, dtype=np.float32)
    return {k: torch.from_numpy(data[v["data_offsets"][0] // 4:v["data_offsets"][1] // 4].reshape(v["shape"]))
            for k, v in header.items()}


t0 = time.time()
adapters = [load(f"{root}/adapter-{i}/adapter_model.safetensors") for i in range(n)]
scaling = 32 / 16
t1 = time.time()
w = math.sqrt(1.0 * scaling)
weights = torch.tensor([w] * n)
out = {}
for key in adapters[0]:
    out[key] = mu.ties([a[key] for a in adapters], weights, density, "total")
t2 = time.time()
print(f"load {t1 - t0:.2f} s, ties {t2 - t1:.2f} s over {len(out)} tensors, threads {torch.get_num_threads()},"
      f" peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
if len(sys.argv) > 4:
    key = sorted(out)[0]
    np.save(sys.argv[4], out[key].numpy())
    print("saved", key)
